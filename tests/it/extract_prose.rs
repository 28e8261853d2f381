//! Parameter tables and their prose (issue 10, points 1–7): one insta snapshot per test page
//! under `tests/pages/prose/`, showing each endpoint with its params and response fields, the
//! params and response fields each example carries, and the warnings for unreadable tables;
//! and the endpoint prose: each endpoint's `description`, and the deprecation of routes and
//! cases in every spelling (`endpoint-prose.md`, `fenced-prose.md`).

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
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    deprecated: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    replaced_by: Option<&'a str>,
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
                    deprecated: f.deprecated,
                    replaced_by: f.replaced_by.as_deref(),
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

/// What the endpoints of a page say about themselves: (heading, deprecated, replaced_by,
/// description).
fn described(file: &str) -> Vec<(String, bool, Option<String>, String)> {
    let root = common::data("pages/prose");
    let extraction = extract::from_dir(&root, &Options::default()).unwrap();
    let page = extraction
        .docs
        .pages
        .iter()
        .find(|p| p.file == file)
        .unwrap_or_else(|| panic!("no page {file}"));
    page.endpoints
        .iter()
        .map(|e| {
            (
                e.heading.clone(),
                e.deprecated,
                e.replaced_by.clone(),
                e.description.clone(),
            )
        })
        .collect()
}

#[test]
fn endpoints_carry_their_prose_as_plain_text_and_their_deprecation_in_every_spelling() {
    let endpoints = described("endpoint-prose.md");
    let row = |heading: &str| {
        endpoints
            .iter()
            .find(|e| e.0 == heading)
            .unwrap_or_else(|| panic!("no endpoint {heading}: {endpoints:#?}"))
            .clone()
    };
    let start = row("Start a subscription");
    assert_eq!(
        start.3,
        "Starts a protocol subscription for a dossier and returns its id.\n\nOnly one subscription per protocol may run at a time."
    );
    assert!(
        !start.1,
        "a deprecated parameter does not deprecate its endpoint"
    );
    assert!(row("List subscriptions (deprecated)").1);
    let show = row("Show a subscription");
    assert_eq!(
        (show.1, show.3.as_str()),
        (true, "Deprecated\n\nShows one subscription.")
    );
    let stop = row("Stop a subscription");
    assert_eq!(
        (stop.1, stop.2.as_deref()),
        (true, Some("POST /api/v2/subscriptions/{id}/stop"))
    );
    assert!(!stop.3.contains("after the example"), "{}", stop.3);
    let pause = row("Pause a subscription");
    assert_eq!(
        (pause.1, pause.2.as_deref()),
        (true, Some("POST /api/v2/subscriptions/{id}/pause"))
    );
    let resume = row("Resume a subscription");
    assert_eq!(
        (resume.1, resume.3.as_str()),
        (true, "Deprecated. Resumes are automatic since v2.")
    );
    let renew = row("Renew a subscription");
    assert!(
        !renew.1,
        "sentences about parameters mark no route: {renew:?}"
    );
    assert!(
        !renew.3.contains("The protocol"),
        "list items are no prose: {}",
        renew.3
    );

    let fenced = described("fenced-prose.md");
    let fenced: Vec<(&str, bool, Option<&str>)> = fenced
        .iter()
        .map(|e| (e.0.as_str(), e.1, e.2.as_deref()))
        .collect();
    assert_eq!(
        fenced,
        [
            ("Create a widget", false, None),
            ("GET /v1/widgets", true, Some("GET /v2/widgets")),
            ("List gadgets", true, Some("GET /v2/gadgets")),
        ]
    );
}
