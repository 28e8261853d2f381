//! Which route an example belongs to: one insta snapshot of the extracted page per test page
//! under `tests/pages/routes/` — binding by specificity and to a misspelled declaration,
//! inferred templates, global cases and blank segments, each in several spellings.

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

fn route_pages() -> Extraction {
    extract::from_dir(&common::data("pages/routes"), &Options::default()).expect("test pages load")
}

#[test]
fn every_route_shape_extracts_as_its_snapshot_says() {
    let extraction = route_pages();
    insta::glob!("../pages/routes", "*.{md,mdx,txt}", |path| {
        let file = path.file_name().unwrap().to_string_lossy().into_owned();
        let page = extraction
            .docs
            .pages
            .iter()
            .find(|p| p.file == file)
            .unwrap_or_else(|| panic!("no page {file} in the extraction"));
        let errors = extraction
            .errors
            .iter()
            .filter(|e| e.file == file)
            .map(ToString::to_string)
            .collect();
        insta::assert_json_snapshot!(PageResult { page, errors });
    });
}

#[test]
fn a_literal_declared_in_another_section_owns_the_example_that_names_it() {
    let extraction = route_pages();
    let fixture = extraction
        .docs
        .fixture("reports/get-a-report/the-latest-report")
        .expect("the latest report example");
    // headings from the section, route and parameter table from the most specific declaration
    assert_eq!(fixture.endpoint, "Get a report");
    assert_eq!(fixture.request.route, "/reports/latest");
    assert_eq!(fixture.params[0].name, "format");
    let page = extraction
        .docs
        .pages
        .iter()
        .find(|p| p.file == "binding.md");
    let latest = page
        .unwrap()
        .endpoints
        .iter()
        .find(|e| e.route == "/reports/latest")
        .unwrap();
    assert_eq!(latest.examples, ["reports/get-a-report/the-latest-report"]);
}
