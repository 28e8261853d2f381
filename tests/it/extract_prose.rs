//! Parameter tables and their prose (issue 10, points 1–7): one insta snapshot per test page
//! under `tests/pages/prose/`, showing each endpoint with its params and response fields, the
//! params and response fields each example carries, and the warnings for unreadable tables.

use crate::common;
use docmock::extract::{self, Options};
use docmock::fixture::{Endpoint, Param, ResponseField};
use serde::Serialize;

/// What a snapshot shows for one page.
#[derive(Serialize)]
struct PageTables<'a> {
    endpoints: Vec<&'a Endpoint>,
    fixtures: Vec<FixtureTables<'a>>,
    warnings: Vec<String>,
}

#[derive(Serialize)]
struct FixtureTables<'a> {
    id: &'a str,
    request: String,
    #[serde(skip_serializing_if = "<[_]>::is_empty")]
    params: &'a [Param],
    #[serde(skip_serializing_if = "<[_]>::is_empty")]
    response_fields: &'a [ResponseField],
}

#[test]
fn every_prose_page_extracts_its_tables_as_a_reader_reads_them() {
    let root = common::data("pages/prose");
    let extraction = extract::from_dir(&root, &Options::default()).expect("test pages load");
    insta::glob!("../pages/prose", "*.{md,mdx}", |path| {
        let file = path
            .strip_prefix(&root)
            .unwrap()
            .to_string_lossy()
            .replace('\\', "/");
        let page = extraction
            .docs
            .pages
            .iter()
            .find(|p| p.file == file)
            .unwrap_or_else(|| panic!("no page {file} in the extraction"));
        let shown = PageTables {
            endpoints: page.endpoints.iter().collect(),
            fixtures: page
                .fixtures
                .iter()
                .map(|f| FixtureTables {
                    id: &f.id,
                    request: format!("{} {}", f.request.method, f.request.route),
                    params: &f.params,
                    response_fields: &f.response_fields,
                })
                .collect(),
            warnings: extraction
                .warnings
                .iter()
                .filter(|e| e.file == file)
                .map(ToString::to_string)
                .collect(),
        };
        insta::assert_json_snapshot!(shown);
    });
}

#[test]
fn an_unreadable_table_is_a_warning_with_its_line_and_the_page_is_kept() {
    let root = common::data("pages/prose");
    let extraction = extract::from_dir(&root, &Options::default()).unwrap();
    let warnings: Vec<String> = extraction
        .warnings
        .iter()
        .filter(|e| e.file == "unreadable.md")
        .map(|e| format!("{}:{}", e.file, e.line))
        .collect();
    assert_eq!(warnings, ["unreadable.md:9", "unreadable.md:18"]);
    assert!(
        extraction.errors.iter().all(|e| e.file != "unreadable.md"),
        "an unreadable table fails nothing: {:?}",
        extraction.errors
    );
    let page = extraction
        .docs
        .pages
        .iter()
        .find(|p| p.file == "unreadable.md")
        .unwrap();
    assert_eq!(page.fixtures.len(), 1);
    let names: Vec<&str> = page.endpoints[0]
        .params
        .iter()
        .map(|p| p.name.as_str())
        .collect();
    assert_eq!(names, ["ok", "thing_id"]);
}
