//! Markdown/MDX extraction: one insta snapshot of the extracted page (and its errors) per test
//! page under `tests/pages/mdx/`, the seed page, and the committed `snapshots/` folder.

use crate::common;
use docmock::extract::{self, Extraction, Options};
use docmock::fixture::Page;
use serde::Serialize;

/// What a snapshot shows for one page: the page as extracted, and the errors in it.
#[derive(Serialize)]
pub struct PageResult<'a> {
    page: &'a Page,
    errors: Vec<String>,
}

pub fn page_result<'a>(extraction: &'a Extraction, file: &str) -> PageResult<'a> {
    let page = extraction
        .docs
        .pages
        .iter()
        .find(|p| p.file == file)
        .unwrap_or_else(|| panic!("no page {file} in the extraction"));
    // errors in a referenced JSON file belong to the page named in that file's path
    let stem = file.rsplit('/').next().unwrap_or(file);
    let stem = stem.split('.').next().unwrap_or(stem);
    PageResult {
        page,
        errors: extraction
            .errors
            .iter()
            .filter(|e| e.file == file || (e.file.ends_with(".json") && e.file.contains(stem)))
            .map(ToString::to_string)
            .collect(),
    }
}

fn mdx_pages() -> Extraction {
    extract::from_dir(&common::data("pages/mdx/shapes"), &Options::default())
        .expect("test pages load")
}

#[test]
fn every_test_page_extracts_as_its_snapshot_says() {
    let extraction = mdx_pages();
    let root = common::data("pages/mdx/shapes");
    insta::glob!("../pages/mdx/shapes", "*.{md,mdx,markdown,txt}", |path| {
        let file = path
            .strip_prefix(&root)
            .unwrap()
            .to_string_lossy()
            .replace('\\', "/");
        insta::assert_json_snapshot!(page_result(&extraction, &file));
    });
}

#[test]
fn the_seed_mdx_page_yields_its_seven_examples() {
    let extraction =
        extract::from_dir(&common::root().join("docs-source"), &Options::default()).unwrap();
    let file = "004_20db4dec7f47366d.txt";
    let page = extraction
        .docs
        .pages
        .iter()
        .find(|p| p.file == file)
        .unwrap();
    assert_eq!(page.title, "Protocol Subscriptions");
    let cases: Vec<(&str, u16, &str)> = page
        .fixtures
        .iter()
        .map(|f| {
            (
                f.request.method.as_str(),
                f.response.status,
                f.request.route.as_str(),
            )
        })
        .collect();
    let list = "/api/v1/dossiers/{dossier_id}/protocol_subscriptions";
    let one = "/api/v1/dossiers/{dossier_id}/protocol_subscriptions/{id}";
    assert_eq!(
        cases,
        [
            ("GET", 200, list),
            ("POST", 200, list),
            ("POST", 404, list),
            ("POST", 422, list),
            ("POST", 422, list),
            ("DELETE", 200, one),
            ("DELETE", 404, one),
        ]
    );
    assert!(extraction.errors.iter().all(|e| e.file != file));
    insta::assert_json_snapshot!(page_result(&extraction, file));
}

#[test]
fn the_committed_snapshots_folder_matches_the_docs() {
    let regenerate = "regenerate it with `cargo run -- extract docs-source --out snapshots`";
    let extraction =
        extract::from_dir(&common::root().join("docs-source"), &Options::default()).unwrap();
    let dir = common::root().join("snapshots");
    let mut expected = std::collections::BTreeSet::new();
    for page in &extraction.docs.pages {
        let path = docmock::report::fixtures::page_file(&dir, page);
        let committed = std::fs::read_to_string(&path)
            .unwrap_or_else(|_| panic!("snapshots/ lacks {}: {regenerate}", path.display()));
        assert!(
            committed == docmock::report::fixtures::page_json(page),
            "snapshots/{}.json is stale: {regenerate}",
            page.file
        );
        expected.insert(path);
    }
    let mut stack = vec![dir.clone()];
    while let Some(folder) = stack.pop() {
        for entry in std::fs::read_dir(&folder).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                stack.push(path);
            } else {
                assert!(
                    expected.contains(&path),
                    "snapshots/ holds {} that docs-source/ does not produce: {regenerate}",
                    path.display()
                );
            }
        }
    }
}

#[test]
fn literal_spans_locate_the_response_and_its_body_in_the_page() {
    let root = common::root().join("docs-source");
    let extraction = extract::from_dir(&root, &Options::default()).unwrap();
    let file = "004_20db4dec7f47366d.txt";
    let text = std::fs::read_to_string(root.join(file)).unwrap();
    let page = extraction
        .docs
        .pages
        .iter()
        .find(|p| p.file == file)
        .unwrap();
    for fixture in &page.fixtures {
        let spans = fixture.source.literal.expect("inline literals have spans");
        let response = &text[spans.response.start..spans.response.end];
        let read = extract::jslit::parse(response).unwrap().value;
        assert_eq!(read["status"], fixture.response.status, "{response}");
        match (spans.body, &fixture.response.body) {
            (Some(body), Some(expected)) => {
                let written = &text[body.start..body.end];
                assert_eq!(&extract::jslit::parse(written).unwrap().value, expected);
            }
            (None, None) => {}
            other => panic!("body span and body disagree: {other:?}"),
        }
    }
}

/// Every prefix of every test page (cut anywhere: inside literals, strings, tags, tables) and
/// every page with one byte removed: extraction reports errors but never panics.
#[test]
fn extracting_any_cut_or_damaged_page_never_panics() {
    let shapes = common::data("pages/mdx/shapes");
    let mut pages: Vec<String> = std::fs::read_dir(&shapes)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.is_file())
        .map(|p| std::fs::read_to_string(p).unwrap())
        .collect();
    pages.push(
        std::fs::read_to_string(common::root().join("docs-source/004_20db4dec7f47366d.txt"))
            .unwrap(),
    );
    // the parameter-table pages too: tables cut mid-row, headings and markers cut in half
    pages.extend(
        std::fs::read_dir(common::data("pages/prose"))
            .unwrap()
            .map(|e| std::fs::read_to_string(e.unwrap().path()).unwrap()),
    );
    let files = extract::DocFiles::from_dir(&shapes, extract::files::MAX_FILE_BYTES).unwrap();
    let options = Options::default();
    let mut runs = 0;
    for text in &pages {
        // long pages are cut at a stride, short ones everywhere
        let step = (text.len() / 300).max(1);
        for cut in (0..=text.len()).step_by(step) {
            let mut damaged = text.clone();
            if text.is_char_boundary(cut) {
                let _ = extract::mdx::extract("page.mdx", &text[..cut], &files, &options);
                runs += 1;
                if cut < text.len() {
                    let width = text[cut..].chars().next().map_or(1, char::len_utf8);
                    damaged.replace_range(cut..cut + width, "");
                    let _ = extract::mdx::extract("page.mdx", &damaged, &files, &options);
                    runs += 1;
                }
            }
        }
    }
    assert!(runs > 3_000, "{runs} runs");
}

#[test]
fn binary_and_empty_files_are_reported_or_read_as_empty_pages() {
    let mut files = extract::DocFiles::default();
    files.insert("binary.mdx", vec![0x89, b'P', b'N', b'G', 0, 0xff, b'<']);
    files.insert("empty.md", Vec::new());
    files.insert("bom.md", "\u{feff}# Title\n".as_bytes().to_vec());
    let extraction = extract::from_files(&files, &Options::default());
    let errors: Vec<String> = extraction.errors.iter().map(ToString::to_string).collect();
    assert_eq!(
        errors,
        ["binary.mdx:1:1: not a text file: expected UTF-8 text, skipped"]
    );
    let titles: Vec<&str> = extraction
        .docs
        .pages
        .iter()
        .map(|p| p.title.as_str())
        .collect();
    assert_eq!(titles, ["Title", "empty"]);
}
