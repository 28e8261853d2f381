//! `docmock extract` and `docmock routes` as a user runs them: the built binary with a clean
//! environment, its stdout, stderr and exit code.

use crate::common::{self, docmock, transcript};
use std::process::Output;

const SITE: &str = "tests/pages/mdx/site";
const SITE_ALIAS: &str = "@snapshots=src/data/snapshots";

fn run(args: &[&str]) -> Output {
    docmock(&common::root())
        .args(args)
        .output()
        .expect("docmock runs")
}

#[test]
fn extract_prints_one_fixture_per_line_and_exits_0() {
    let output = run(&["extract", SITE, "--alias", SITE_ALIAS]);
    insta::assert_snapshot!(transcript(&output));
}

#[test]
fn extract_as_json_prints_the_whole_doc_set() {
    let output = run(&["extract", SITE, "--alias", SITE_ALIAS, "--format", "json"]);
    assert_eq!(output.status.code(), Some(0));
    let docs: docmock::fixture::DocSet = serde_json::from_slice(&output.stdout).unwrap();
    assert_eq!(docs.pages.len(), 1);
    assert_eq!(docs.pages[0].fixtures.len(), 3);
    assert_eq!(docs.pages[0].endpoints.len(), 3);
}

#[test]
fn extract_without_the_alias_reports_the_missing_file_and_exits_1() {
    let output = run(&["extract", SITE]);
    insta::assert_snapshot!(transcript(&output));
}

#[test]
fn extract_reports_every_bad_snapshot_and_keeps_the_good_ones() {
    let output = run(&["extract", "tests/pages/mdx/shapes", "--format", "jsonl"]);
    assert_eq!(output.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&output.stderr);
    insta::assert_snapshot!(stderr);
    let fixtures = String::from_utf8_lossy(&output.stdout).lines().count();
    assert!(fixtures >= 20, "{fixtures} fixtures");
}

#[test]
fn extract_writes_one_file_per_page_with_out() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("fixtures");
    let output = run(&[
        "extract",
        SITE,
        "--alias",
        SITE_ALIAS,
        "--out",
        out.to_str().unwrap(),
    ]);
    assert_eq!(output.status.code(), Some(0), "{}", transcript(&output));
    assert!(output.stdout.is_empty());
    let written = std::fs::read_to_string(out.join("docs/api/widgets.mdx.json")).unwrap();
    let page: docmock::fixture::Page = serde_json::from_str(&written).unwrap();
    assert_eq!(page.title, "Widgets");
    assert_eq!(page.fixtures.len(), 3);
}

#[test]
fn the_seed_docs_yield_the_seven_mdx_examples_as_json_lines() {
    let output = run(&["extract", "docs-source", "--format", "jsonl"]);
    let stdout = String::from_utf8_lossy(&output.stdout);
    let seed: Vec<(String, u64)> = stdout
        .lines()
        .map(|l| serde_json::from_str::<serde_json::Value>(l).unwrap())
        .filter(|f| f["source"]["file"] == "004_20db4dec7f47366d.txt")
        .map(|f| {
            (
                f["request"]["method"].as_str().unwrap().to_string(),
                f["response"]["status"].as_u64().unwrap(),
            )
        })
        .collect();
    let expected = [
        ("GET", 200),
        ("POST", 200),
        ("POST", 404),
        ("POST", 422),
        ("POST", 422),
        ("DELETE", 200),
        ("DELETE", 404),
    ]
    .map(|(m, s)| (m.to_string(), s));
    assert_eq!(seed, expected);
}

#[test]
fn extract_of_a_missing_folder_exits_2() {
    let output = run(&["extract", "tests/pages/mdx/no-such-folder"]);
    assert_eq!(output.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        stderr.starts_with("error: cannot read docs from tests/pages/mdx/no-such-folder: "),
        "{stderr}"
    );
    // One line, and the operating system's reason said once.
    assert_eq!(stderr.lines().count(), 1, "{stderr}");
    assert_eq!(stderr.matches("(os error").count(), 1, "{stderr}");
}

#[test]
fn binary_and_empty_pages_do_not_stop_extraction() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("binary.md"), b"# Title\n\0\x01\x02\xff\xfe").unwrap();
    std::fs::write(dir.path().join("empty.md"), b"").unwrap();
    std::fs::write(
        dir.path().join("ok.md"),
        "## Ping\n\n<snapshot json={{request: {request_method: 'GET', path: '/ping'}, response: {status: 204}}} />\n",
    )
    .unwrap();
    let output = docmock(dir.path()).args(["extract", "."]).output().unwrap();
    insta::assert_snapshot!(transcript(&output));
}

#[test]
fn routes_prints_a_table_with_statuses_sources_and_routes_without_examples() {
    let output = run(&["routes", SITE, "--alias", SITE_ALIAS]);
    insta::assert_snapshot!(transcript(&output));
}

#[test]
fn routes_prints_json_with_format_json() {
    let output = run(&["routes", SITE, "--alias", SITE_ALIAS, "--format", "json"]);
    insta::assert_snapshot!(transcript(&output));
}

#[test]
fn routes_show_deprecated_parameters_and_their_replacements() {
    let dir = "tests/pages/lint/DM013-deprecated-param-used";
    insta::assert_snapshot!(transcript(&run(&["routes", dir])));
    let output = run(&["routes", dir, "--format", "json"]);
    let routes: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    assert_eq!(
        routes[0]["deprecated"],
        serde_json::json!([
            {"name": "customer_ref", "replaced_by": "customer_id"},
            {"name": "note"},
            {"name": "items[][code]", "replaced_by": "items[][sku]"},
        ])
    );
}

#[test]
fn routes_note_deprecated_routes_and_their_replacements() {
    let output = run(&["routes", "tests/pages/prose", "--format", "json"]);
    let routes: Vec<serde_json::Value> = serde_json::from_slice(&output.stdout).unwrap();
    let find = |method: &str, route: &str| {
        routes
            .iter()
            .find(|r| r["method"] == method && r["route"] == route)
            .unwrap_or_else(|| panic!("no route {method} {route}"))
            .clone()
    };
    let stop = find("DELETE", "/api/v1/subscriptions/{id}");
    assert_eq!(stop["route_deprecated"], true);
    assert_eq!(stop["replaced_by"], "POST /api/v2/subscriptions/{id}/stop");
    // only examples document it, and every one of them is deprecated
    assert_eq!(
        find("GET", "/api/v1/archived_subscriptions")["route_deprecated"],
        true
    );
    let start = find("POST", "/api/v1/dossiers/{dossier_id}/subscriptions");
    assert_eq!(start.get("route_deprecated"), None);
    let table = String::from_utf8(run(&["routes", "tests/pages/prose"]).stdout).unwrap();
    let line = table
        .lines()
        .find(|l| l.starts_with("DELETE") && l.contains("/api/v1/subscriptions/{id} "))
        .unwrap_or_else(|| panic!("{table}"));
    assert!(
        line.contains("deprecated route → POST /api/v2/subscriptions/{id}/stop"),
        "{line}"
    );
}

#[test]
fn routes_exits_1_when_a_snapshot_cannot_be_read() {
    let output = run(&["routes", SITE]);
    assert_eq!(output.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        stderr.contains("docs/api/widgets.mdx:22:17: cannot find the snapshot file"),
        "{stderr}"
    );
}

#[test]
fn extract_without_docs_reads_the_embedded_default_docs() {
    let dir = tempfile::tempdir().unwrap();
    let embedded = docmock(dir.path()).arg("extract").output().unwrap();
    let from_folder = run(&["extract", "docs-source"]);
    assert_eq!(embedded.status.code(), from_folder.status.code());
    assert_eq!(
        String::from_utf8_lossy(&embedded.stdout),
        String::from_utf8_lossy(&from_folder.stdout)
    );
    assert!(!embedded.stdout.is_empty());
}

#[test]
fn a_malformed_alias_is_a_usage_error() {
    let output = run(&["extract", SITE, "--alias", "@snapshots"]);
    assert_eq!(output.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains("--alias"), "{stderr}");
}

#[test]
fn routes_marks_inferred_parameters_and_lists_global_cases_apart() {
    let table = run(&["routes", "tests/pages/routes"]);
    let json = run(&["routes", "tests/pages/routes", "--format", "json"]);
    insta::assert_snapshot!(format!("{}\n{}", transcript(&table), transcript(&json)));
}
