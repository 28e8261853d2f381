//! Rendered doc pages saved as text: "Sample request", `METHOD /path`, `Status: 200 OK`, then
//! a JSON body the rendering may have cut short.

use super::PageExtraction;
use crate::fixture::{Page, SourceFormat};

/// Whether a page reads as a rendered doc page.
pub fn looks_like(text: &str) -> bool {
    text.contains("Sample request") || text.lines().any(|l| l.starts_with("Status: "))
}

/// Extract one rendered text page.
pub fn extract(file: &str, _text: &str) -> PageExtraction {
    PageExtraction {
        page: Page {
            file: file.to_string(),
            format: SourceFormat::RenderedText,
            ..Default::default()
        },
        errors: Vec::new(),
    }
}
