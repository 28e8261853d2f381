//! Markdown/MDX extraction: one insta snapshot of the extracted page (and its errors) per test
//! page under `tests/pages/mdx/`, the seed page, and the committed `snapshots/` folder.

use crate::common;
use docmock::extract::{self, Extraction, Options};
use docmock::fixture::Page;
use serde::Serialize;

/// What a snapshot shows for one page: the page as extracted, and the errors in it.
#[derive(Serialize)]
struct PageResult<'a> {
    page: &'a Page,
    errors: Vec<String>,
}

fn page_result<'a>(extraction: &'a Extraction, file: &str) -> PageResult<'a> {
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
