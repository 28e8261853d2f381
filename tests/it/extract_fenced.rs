//! Markdown in the common API-doc style (fenced request lines, curl, status headings, JSON
//! example blocks, parameter lists): one insta snapshot of the extracted page per test page
//! under `tests/pages/fenced/`.

use crate::common;
use crate::extract_mdx::page_result;
use docmock::extract::{self, Options};
use docmock::fixture::{PlaceholderKind, SourceFormat};

#[test]
fn every_fenced_test_page_extracts_as_its_snapshot_says() {
    let root = common::data("pages/fenced");
    let extraction = extract::from_dir(&root, &Options::default()).expect("test pages load");
    insta::glob!("../pages/fenced", "*.{md,mdx}", |path| {
        let file = path
            .strip_prefix(&root)
            .unwrap()
            .to_string_lossy()
            .replace('\\', "/");
        insta::assert_json_snapshot!(page_result(&extraction, &file));
    });
}

#[test]
fn fenced_examples_are_marked_as_such_beside_snapshot_ones_on_one_page() {
    let root = common::data("pages/fenced");
    let extraction = extract::from_dir(&root, &Options::default()).unwrap();
    let page = extraction
        .docs
        .pages
        .iter()
        .find(|p| p.file == "mixed.mdx")
        .unwrap();
    assert_eq!(page.format, SourceFormat::Markdown);
    let formats: Vec<(u16, SourceFormat)> = page
        .fixtures
        .iter()
        .map(|f| (f.response.status, f.source.format))
        .collect();
    assert_eq!(
        formats,
        [
            (201, SourceFormat::Markdown),
            (409, SourceFormat::MarkdownFenced)
        ]
    );
    let partial = extraction
        .docs
        .fixtures()
        .filter(|f| {
            f.placeholders
                .iter()
                .any(|p| p.kind == PlaceholderKind::Partial)
        })
        .count();
    assert!(partial >= 3, "{partial}");
}

#[test]
fn extracting_any_cut_or_damaged_fenced_page_never_panics() {
    let root = common::data("pages/fenced");
    let files = extract::DocFiles::from_dir(&root, extract::files::MAX_FILE_BYTES).unwrap();
    let options = Options::default();
    let mut runs = 0;
    let mut pages = Vec::new();
    for entry in std::fs::read_dir(&root).unwrap() {
        let text = std::fs::read_to_string(entry.unwrap().path()).unwrap();
        pages.push(text.replace('\n', "\r\n"));
        pages.push(text);
    }
    for text in pages {
        let step = (text.len() / 300).max(1);
        for cut in (0..=text.len()).step_by(step) {
            if !text.is_char_boundary(cut) {
                continue;
            }
            let _ = extract::mdx::extract("page.md", &text[..cut], &files, &options);
            let mut damaged = text.clone();
            if cut < text.len() {
                let width = text[cut..].chars().next().map_or(1, char::len_utf8);
                damaged.replace_range(cut..cut + width, "");
                let _ = extract::mdx::extract("page.md", &damaged, &files, &options);
            }
            runs += 1;
        }
    }
    assert!(runs > 1000, "{runs}");
}
