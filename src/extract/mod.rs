//! Extraction: doc files in, a [`DocSet`] of pages, endpoints and fixtures out.
//!
//! Each page's format is detected by its content ([`detect`]), not its file name, and read by
//! one module per format: [`mdx`] (Markdown/MDX with snapshot blocks, and with [`fenced`]
//! examples and [`prose::lists`] parameter lists in the common API-doc style), [`rendered`] (rendered
//! doc pages as text), [`aspnet`] (ASP.NET Web API help pages as text), and [`html`] (either
//! rendering saved as HTML). One bad snapshot never stops the others: every problem becomes an
//! [`ExtractError`] with `file:line:col`, and extraction goes on.

pub mod aspnet;
pub mod binding;
pub mod common;
pub mod fenced;
pub mod files;
pub mod html;
pub mod jslit;
pub mod markdown;
pub mod mdx;
pub mod prose;
pub mod rendered;

pub use files::{DocFiles, LoadError};

use crate::fixture::{assign_ids, DocSet, Page, SourceFormat};
use serde::Serialize;

/// A problem in one place of one doc file. Extraction reports it and goes on.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, thiserror::Error)]
#[error("{file}:{line}:{col}: {message}")]
pub struct ExtractError {
    pub file: String,
    /// 1-based.
    pub line: usize,
    /// 1-based, in characters.
    pub col: usize,
    /// What was expected, in lower case: "expected `}` to close the snapshot literal opened here".
    pub message: String,
}

impl ExtractError {
    pub fn new(file: &str, line: usize, col: usize, message: impl Into<String>) -> Self {
        ExtractError {
            file: file.to_string(),
            line,
            col,
            message: message.into(),
        }
    }

    /// An error at a byte offset of `text`.
    pub fn at_offset(file: &str, text: &str, offset: usize, message: impl Into<String>) -> Self {
        let (line, col) = line_col(text, offset);
        ExtractError::new(file, line, col, message)
    }
}

/// 1-based line and column (in characters) of a byte offset.
pub fn line_col(text: &str, offset: usize) -> (usize, usize) {
    let mut offset = offset.min(text.len());
    while !text.is_char_boundary(offset) {
        offset -= 1;
    }
    let before = &text[..offset];
    let line = before.matches('\n').count() + 1;
    let line_start = before.rfind('\n').map(|i| i + 1).unwrap_or(0);
    (line, before[line_start..].chars().count() + 1)
}

/// How references in the docs are resolved.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Options {
    /// Import alias prefixes and the folder (relative to the docs root) each stands for,
    /// longest prefix first when resolving: `@site` -> `.`, `@snapshots` -> `snapshots`.
    pub aliases: Vec<(String, String)>,
}

impl Default for Options {
    fn default() -> Self {
        Options {
            aliases: vec![
                ("@site".to_string(), ".".to_string()),
                ("@snapshots".to_string(), "snapshots".to_string()),
            ],
        }
    }
}

impl Options {
    /// Add or replace an alias.
    pub fn with_alias(mut self, prefix: &str, folder: &str) -> Self {
        self.aliases.retain(|(p, _)| p != prefix);
        self.aliases.push((prefix.to_string(), folder.to_string()));
        self
    }
}

/// What extraction produced: every page it could read, and every problem it met.
#[derive(Debug, Clone, Default)]
pub struct Extraction {
    pub docs: DocSet,
    /// Examples that could not be read: the run fails (exit 1) and `serve --watch` keeps the
    /// last good docs.
    pub errors: Vec<ExtractError>,
    /// Prose docmock could not read (a table that looks like a parameter table but is not
    /// readable): reported, but the page and everything else on it are kept and nothing fails.
    pub warnings: Vec<ExtractError>,
}

/// What one format extractor returns for one page.
#[derive(Debug, Clone, Default)]
pub struct PageExtraction {
    pub page: Page,
    pub errors: Vec<ExtractError>,
    /// As [`Extraction::warnings`].
    pub warnings: Vec<ExtractError>,
}

/// The extensions read as doc pages; everything else under the docs root (JSON snapshot
/// files, images) is data that pages may reference.
pub const PAGE_EXTENSIONS: &[&str] = &["md", "mdx", "markdown", "txt", "text", "html", "htm"];

/// Where a doc set comes from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DocsLocation {
    /// The default doc set compiled into the binary.
    Embedded,
    /// A folder of doc pages, or of fixture files written by `docmock extract --out`.
    Dir(std::path::PathBuf),
    /// `git:REV:PATH`: PATH at revision REV of the repository in the current directory.
    Git { rev: String, path: String },
}

impl DocsLocation {
    /// `None` is the embedded default; `git:REV:PATH` a git revision; anything else a folder.
    pub fn parse(arg: Option<&str>) -> DocsLocation {
        match arg {
            None => DocsLocation::Embedded,
            Some(s) => match s.strip_prefix("git:").and_then(|r| r.split_once(':')) {
                Some((rev, path)) => DocsLocation::Git {
                    rev: rev.to_string(),
                    path: path.to_string(),
                },
                None => DocsLocation::Dir(s.into()),
            },
        }
    }

    /// Read the files of this doc set.
    pub fn files(&self) -> Result<DocFiles, LoadError> {
        match self {
            DocsLocation::Embedded => Ok(DocFiles::embedded()),
            DocsLocation::Dir(dir) => DocFiles::from_dir(dir),
            DocsLocation::Git { rev, path } => {
                DocFiles::from_git(std::path::Path::new("."), rev, path)
            }
        }
    }
}

impl std::fmt::Display for DocsLocation {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            DocsLocation::Embedded => f.write_str("(default docs)"),
            DocsLocation::Dir(dir) => write!(f, "{}", dir.display()),
            DocsLocation::Git { rev, path } => write!(f, "git:{rev}:{path}"),
        }
    }
}

/// Read a doc set from anywhere: doc pages are extracted; a folder of fixture files
/// (`docmock extract --out`) is loaded as it is.
pub fn load(location: &DocsLocation, options: &Options) -> Result<Extraction, LoadError> {
    let files = location.files()?;
    if let Some(docs) = fixture_files(&files) {
        return Ok(Extraction {
            docs,
            ..Extraction::default()
        });
    }
    Ok(from_files(&files, options))
}

/// The doc set of a folder written by `docmock extract --out`: no page files, and JSON files
/// that each hold one page. `None` for anything else.
fn fixture_files(files: &DocFiles) -> Option<DocSet> {
    if files.iter().any(|(path, _)| is_page(path)) {
        return None;
    }
    let mut docs = DocSet::default();
    for (path, bytes) in files.iter().filter(|(p, _)| p.ends_with(".json")) {
        let value: serde_json::Value = serde_json::from_slice(bytes).ok()?;
        if value.get("fixtures").is_none() || value.get("file").is_none() {
            let _ = path;
            return None;
        }
        docs.pages.push(serde_json::from_value(value).ok()?);
    }
    (!docs.pages.is_empty()).then_some(docs)
}

/// Extract a folder of docs.
pub fn from_dir(dir: &std::path::Path, options: &Options) -> Result<Extraction, LoadError> {
    Ok(from_files(&DocFiles::from_dir(dir)?, options))
}

/// Extract an in-memory doc set: every page file, in path order.
pub fn from_files(files: &DocFiles, options: &Options) -> Extraction {
    let mut extraction = Extraction::default();
    for (path, bytes) in files.iter() {
        if !is_page(path) {
            continue;
        }
        let text = match std::str::from_utf8(bytes) {
            Ok(text) if !bytes.contains(&0) => text,
            _ => {
                extraction.errors.push(ExtractError::new(
                    path,
                    1,
                    1,
                    "not a text file: expected UTF-8 text, skipped",
                ));
                continue;
            }
        };
        let result = extract_page(path, text, files, options);
        extraction.errors.extend(result.errors);
        extraction.warnings.extend(result.warnings);
        extraction.docs.pages.push(result.page);
    }
    assign_ids(&mut extraction.docs);
    extraction
}

/// Extract one page whose format is detected from its content.
pub fn extract_page(path: &str, text: &str, files: &DocFiles, options: &Options) -> PageExtraction {
    // A byte-order mark is not part of the page; spans stay true to the file's bytes below.
    let bom = if text.starts_with('\u{feff}') {
        '\u{feff}'.len_utf8()
    } else {
        0
    };
    let text = &text[bom..];
    let mut result = match detect(text) {
        SourceFormat::Markdown | SourceFormat::MarkdownFenced => {
            mdx::extract(path, text, files, options)
        }
        SourceFormat::RenderedText => rendered::extract(path, text),
        SourceFormat::AspnetText => aspnet::extract(path, text),
        format @ (SourceFormat::RenderedHtml | SourceFormat::AspnetHtml) => {
            html::extract(path, text, format)
        }
    };
    result.page.file = path.to_string();
    if bom > 0 {
        for spans in result
            .page
            .fixtures
            .iter_mut()
            .filter_map(|f| f.source.literal.as_mut())
        {
            for span in std::iter::once(&mut spans.response).chain(spans.body.as_mut()) {
                span.start += bom;
                span.end += bom;
            }
        }
    }
    result
}

fn is_page(path: &str) -> bool {
    let ext = path.rsplit_once('.').map(|(_, e)| e.to_ascii_lowercase());
    ext.is_some_and(|e| PAGE_EXTENSIONS.contains(&e.as_str()))
}

/// Which kind of page this is, judged from its content.
pub fn detect(text: &str) -> SourceFormat {
    let head: String = text
        .trim_start()
        .chars()
        .take(512)
        .collect::<String>()
        .to_ascii_lowercase();
    let is_html = head.starts_with("<!doctype html")
        || head.starts_with("<html")
        || head.starts_with("<head")
        || head.starts_with("<body")
        || (head.starts_with('<')
            && text.contains("</")
            && text.to_ascii_lowercase().contains("<body"));
    let aspnet = aspnet::looks_like(text);
    if is_html {
        return if aspnet {
            SourceFormat::AspnetHtml
        } else {
            SourceFormat::RenderedHtml
        };
    }
    if aspnet {
        return SourceFormat::AspnetText;
    }
    if mdx::looks_like(text) {
        return SourceFormat::Markdown;
    }
    if rendered::looks_like(text) {
        return SourceFormat::RenderedText;
    }
    SourceFormat::Markdown
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fenced_example_pages_are_detected_as_markdown() {
        let fenced = "Show a widget:\n\n```http\nGET /w/1 HTTP/1.1\n```\n\nResponse:\n\n```json\n{\"id\": 1}\n```\n";
        assert_eq!(detect(fenced), SourceFormat::Markdown);
        assert_eq!(
            detect("+++\ntitle = \"W\"\n+++\n\nGET /w\n"),
            SourceFormat::Markdown
        );
    }

    #[test]
    fn line_col_counts_characters_from_one() {
        let text = "ab\ncé d";
        assert_eq!(line_col(text, 0), (1, 1));
        assert_eq!(line_col(text, 3), (2, 1));
        assert_eq!(line_col(text, 6), (2, 3));
        assert_eq!(line_col(text, 999), (2, 5));
    }
}
