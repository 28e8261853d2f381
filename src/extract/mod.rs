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
    /// Files larger than this are not read (`--max-page-bytes`): an error names each.
    pub max_page_bytes: u64,
}

impl Default for Options {
    fn default() -> Self {
        Options {
            aliases: vec![
                ("@site".to_string(), ".".to_string()),
                ("@snapshots".to_string(), "snapshots".to_string()),
            ],
            max_page_bytes: files::MAX_FILE_BYTES,
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

    /// Read the files of this doc set, each at most `options.max_page_bytes`.
    pub fn files(&self, options: &Options) -> Result<DocFiles, LoadError> {
        match self {
            DocsLocation::Embedded => Ok(DocFiles::embedded()),
            DocsLocation::Dir(dir) => DocFiles::from_dir(dir, options.max_page_bytes),
            DocsLocation::Git { rev, path } => {
                DocFiles::from_git(std::path::Path::new("."), rev, path, options.max_page_bytes)
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
    let files = location.files(options)?;
    if let Some(mut extraction) = fixture_files(&files) {
        extraction
            .errors
            .splice(0..0, files.errors().iter().cloned());
        extraction
            .warnings
            .splice(0..0, files.warnings().iter().cloned());
        return Ok(extraction);
    }
    Ok(from_files(&files, options))
}

/// The doc set of a folder written by `docmock extract --out`: no page files, and JSON files
/// that each hold one page. `None` for anything else.
///
/// A loaded fixture folder is input like any other: a file that does not parse, or a page
/// whose `file` or `source.snapshot_file` leaves the docs folder, is an error naming the file
/// and the reason (and the page is not loaded), never an empty or escaping doc set.
fn fixture_files(files: &DocFiles) -> Option<Extraction> {
    if files.iter().any(|(path, _)| is_page(path)) {
        return None;
    }
    let json: Vec<(&str, serde_json::Value)> = files
        .iter()
        .filter(|(p, _)| p.ends_with(".json"))
        .filter_map(|(p, bytes)| Some((p, serde_json::from_slice(bytes).ok()?)))
        .collect();
    let is_fixture_file =
        |v: &serde_json::Value| v.get("fixtures").is_some() && v.get("file").is_some();
    // A folder of fixture files, not a folder of snapshot data: judged by what parses.
    if !json.iter().any(|(_, v)| is_fixture_file(v)) {
        return None;
    }
    let mut extraction = Extraction::default();
    for (path, bytes) in files.iter().filter(|(p, _)| p.ends_with(".json")) {
        let page = serde_json::from_slice::<serde_json::Value>(bytes)
            .map_err(|e| {
                ExtractError::new(
                    path,
                    e.line(),
                    e.column(),
                    format!("not a fixture file: {e}"),
                )
            })
            .and_then(|value| {
                if !is_fixture_file(&value) {
                    return Err(ExtractError::new(
                        path,
                        1,
                        1,
                        "not a fixture file: expected `file` and `fixtures`",
                    ));
                }
                serde_json::from_value::<Page>(value)
                    .map_err(|e| ExtractError::new(path, 1, 1, format!("not a fixture file: {e}")))
            })
            .and_then(|page| confined(path, page));
        match page {
            Ok(page) => extraction.docs.pages.push(page),
            Err(error) => extraction.errors.push(error),
        }
    }
    Some(extraction)
}

/// A loaded page whose paths stay inside the docs folder (they name files docmock writes).
fn confined(path: &str, page: Page) -> Result<Page, ExtractError> {
    let inside = files::is_inside_root;
    if !inside(&page.file) {
        return Err(ExtractError::new(
            path,
            1,
            1,
            format!(
                "`file` must be a relative path inside the docs folder, got `{}`",
                page.file
            ),
        ));
    }
    for fixture in &page.fixtures {
        let paths = std::iter::once(fixture.source.file.as_str())
            .chain(fixture.source.snapshot_file.as_deref());
        for snapshot in paths {
            if !inside(snapshot) {
                return Err(ExtractError::new(
                    path,
                    1,
                    1,
                    format!(
                        "fixture `{}`: `source.file` and `source.snapshot_file` must be a relative path inside the docs folder, got `{snapshot}`",
                        fixture.id
                    ),
                ));
            }
        }
    }
    Ok(page)
}

/// Extract a folder of docs.
pub fn from_dir(dir: &std::path::Path, options: &Options) -> Result<Extraction, LoadError> {
    Ok(from_files(
        &DocFiles::from_dir(dir, options.max_page_bytes)?,
        options,
    ))
}

/// Extract an in-memory doc set: every page file, in path order.
pub fn from_files(files: &DocFiles, options: &Options) -> Extraction {
    let mut extraction = Extraction {
        errors: files.errors().to_vec(),
        warnings: files.warnings().to_vec(),
        ..Extraction::default()
    };
    for (path, bytes) in files.iter() {
        if !is_page(path) {
            continue;
        }
        // the first byte that is not text: invalid UTF-8 or a NUL, reported where it is
        let invalid = std::str::from_utf8(bytes).err().map(|e| e.valid_up_to());
        let nul = bytes[..invalid.unwrap_or(bytes.len())]
            .iter()
            .position(|b| *b == 0);
        if let Some(at) = nul.or(invalid) {
            let before = std::str::from_utf8(&bytes[..at]).unwrap_or_default();
            extraction.errors.push(ExtractError::at_offset(
                path,
                before,
                at,
                "not a text file: expected UTF-8 text, skipped",
            ));
            continue;
        }
        let text = std::str::from_utf8(bytes).unwrap_or_default();
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
