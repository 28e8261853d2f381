//! ASP.NET Web API help pages saved as text: `POST API/V1/Patients/{patientId}/Forms`,
//! "URI Parameters" / "Body Parameters" tables, "Request Formats" / "Response Formats" with
//! `Sample:` bodies whose values are generated from types.

use super::PageExtraction;
use crate::fixture::{Page, SourceFormat};

/// Whether a page reads as an ASP.NET Web API help page.
pub fn looks_like(text: &str) -> bool {
    (text.contains("Request Information") || text.contains("Response Information"))
        && (text.contains("Request Formats")
            || text.contains("Response Formats")
            || text.contains("URI Parameters"))
}

/// Extract one ASP.NET help page in text form.
pub fn extract(file: &str, _text: &str) -> PageExtraction {
    PageExtraction {
        page: Page {
            file: file.to_string(),
            format: SourceFormat::AspnetText,
            ..Default::default()
        },
        errors: Vec::new(),
    }
}
