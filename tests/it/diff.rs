//! `docmock diff`: a version pair of the seed MDX page (`tests/pages/diff/old` and `new`, one
//! change of each kind), extracted fixture folders, git revisions, formats and exit codes.

use crate::common;
use std::path::Path;
use std::process::Output;

const OLD: &str = "tests/pages/diff/old";
const NEW: &str = "tests/pages/diff/new";

fn diff(dir: &Path, args: &[&str]) -> Output {
    common::docmock(dir)
        .arg("diff")
        .args(args)
        .output()
        .unwrap()
}

fn json(output: &Output) -> serde_json::Value {
    serde_json::from_slice(&output.stdout).unwrap_or_else(|e| {
        panic!("{e}: {}", common::transcript(output));
    })
}

#[test]
fn the_seed_page_version_pair_yields_one_change_of_each_kind() {
    let out = diff(&common::root(), &[OLD, NEW, "--format", "json"]);
    assert_eq!(out.status.code(), Some(1), "{}", common::transcript(&out));
    let report = json(&out);
    let kinds: Vec<(String, String)> = report["changes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| {
            (
                c["class"].as_str().unwrap().to_string(),
                c["kind"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    let expected = [
        ("breaking", "route_removed"),
        ("breaking", "param_required"),
        ("breaking", "case_removed"),
        ("breaking", "field_removed"),
        ("compatible", "case_added"),
        ("breaking", "field_type_changed"),
        ("compatible", "field_added"),
        ("compatible", "header_added"),
        ("breaking", "status_changed"),
        ("compatible", "route_added"),
    ];
    let expected: Vec<(String, String)> = expected
        .iter()
        .map(|(a, b)| (a.to_string(), b.to_string()))
        .collect();
    assert_eq!(kinds, expected);
    assert_eq!(
        (report["breaking"].as_u64(), report["compatible"].as_u64()),
        (Some(6), Some(4))
    );
    insta::assert_json_snapshot!("seed_pair_json", report);
}

#[test]
fn the_seed_page_version_pair_reads_well_for_people_and_in_a_pull_request() {
    let human = diff(&common::root(), &[OLD, NEW]);
    insta::assert_snapshot!("seed_pair_human", common::transcript(&human));
    let markdown = diff(&common::root(), &[OLD, NEW, "--format", "markdown"]);
    insta::assert_snapshot!("seed_pair_markdown", common::transcript(&markdown));
}

#[test]
fn extracted_fixture_folders_compare_like_the_docs_they_came_from() {
    let tmp = tempfile::tempdir().unwrap();
    for (docs, out) in [(OLD, "old"), (NEW, "new")] {
        let status = common::docmock(&common::root())
            .args(["extract", docs, "--out"])
            .arg(tmp.path().join(out))
            .status()
            .unwrap();
        assert!(status.success());
    }
    let from_docs = json(&diff(&common::root(), &[OLD, NEW, "--format", "json"]));
    let from_fixtures = json(&diff(tmp.path(), &["old", "new", "--format", "json"]));
    assert_eq!(from_docs["changes"], from_fixtures["changes"]);
    // and a doc folder against a fixtures folder
    let mixed = diff(
        &common::root(),
        &[
            OLD,
            tmp.path().join("new").to_str().unwrap(),
            "--format",
            "json",
        ],
    );
    assert_eq!(json(&mixed)["changes"], from_docs["changes"]);
}

/// A copy of the old page with `edit` applied, in a folder of its own.
fn edited(edit: impl Fn(String) -> String) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let page = "protocol_subscriptions.mdx";
    let text = std::fs::read_to_string(common::root().join(OLD).join(page)).unwrap();
    std::fs::write(dir.path().join(page), edit(text)).unwrap();
    dir
}

#[test]
fn fail_on_decides_which_changes_make_the_exit_code_1() {
    let compatible = edited(|t| {
        t.replacen(
            "protocol_name:    \"ROM\",",
            "protocol_name:    \"ROM\",\n        protocol_version: 2,",
            1,
        )
    });
    let new = compatible.path().to_str().unwrap();
    let out = diff(&common::root(), &[OLD, new]);
    assert_eq!(out.status.code(), Some(0), "{}", common::transcript(&out));
    assert!(
        String::from_utf8_lossy(&out.stdout)
            .contains("    compatible  response field `[].protocol_version` added (number)\n"),
        "{}",
        common::transcript(&out)
    );
    assert_eq!(
        diff(&common::root(), &[OLD, new, "--fail-on", "any"])
            .status
            .code(),
        Some(1)
    );
    assert_eq!(
        diff(&common::root(), &[OLD, NEW, "--fail-on", "never"])
            .status
            .code(),
        Some(0)
    );
    assert_eq!(
        diff(&common::root(), &[OLD, NEW, "--fail-on", "breaking"])
            .status
            .code(),
        Some(1)
    );
    let same = diff(&common::root(), &[OLD, OLD, "--fail-on", "any"]);
    assert_eq!(same.status.code(), Some(0));
    assert_eq!(
        String::from_utf8_lossy(&same.stdout),
        format!("docmock diff {OLD} -> {OLD}\nno changes\n")
    );
}

#[test]
fn request_headers_and_parameters_no_longer_required_are_classified() {
    let changed = edited(|t| {
        t.replacen(
            "request: {request_method: \"DELETE\", path: \"/api/v1/dossiers/:dossier_id/protocol_subscriptions/:id\"},\n  response: {status: 404}",
            "request: {request_method: \"DELETE\", path: \"/api/v1/dossiers/:dossier_id/protocol_subscriptions/:id\", headers: {Authorization: \"Bearer t\"}},\n  response: {status: 404}",
            1,
        )
        // a body parameter: route parameters stay required whatever their row says
        .replacen(
            "`protocol_key` | `string`  | **Required** unless protocol_id given. Key",
            "`protocol_key` | `string`  | Key",
            1,
        )
    });
    let out = diff(
        &common::root(),
        &[OLD, changed.path().to_str().unwrap(), "--format", "json"],
    );
    let report = json(&out);
    let described: Vec<(&str, &str)> = report["changes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| (c["class"].as_str().unwrap(), c["kind"].as_str().unwrap()))
        .collect();
    assert_eq!(
        described,
        vec![
            ("compatible", "param_no_longer_required"),
            ("breaking", "header_added")
        ],
        "{report:#}"
    );
    assert_eq!(report["changes"][1]["side"], "request");
}

#[test]
fn diff_exits_2_when_either_side_cannot_be_read() {
    let out = diff(&common::root(), &[OLD, "tests/pages/diff/missing"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr)
        .starts_with("error: cannot read docs from tests/pages/diff/missing: "));
    let out = diff(&common::root(), &["git:no-such-rev:docs", OLD]);
    assert_eq!(out.status.code(), Some(2));
}

fn git(dir: &Path, args: &[&str]) {
    let out = std::process::Command::new("git")
        .current_dir(dir)
        .args([
            "-c",
            "user.name=docmock",
            "-c",
            "user.email=docmock@example.com",
        ])
        .args(args)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "git {args:?}: {}",
        common::transcript(&out)
    );
}

#[test]
fn diff_compares_two_git_revisions_without_checking_them_out() {
    let repo = tempfile::tempdir().unwrap();
    let dir = repo.path();
    let docs = dir.join("docs-source");
    std::fs::create_dir_all(&docs).unwrap();
    let page = "protocol_subscriptions.mdx";
    git(dir, &["init", "-q"]);
    std::fs::copy(common::root().join(OLD).join(page), docs.join(page)).unwrap();
    git(dir, &["add", "-A"]);
    git(dir, &["commit", "-qm", "docs"]);
    std::fs::copy(common::root().join(NEW).join(page), docs.join(page)).unwrap();
    git(dir, &["commit", "-qam", "change the docs"]);
    // the working tree now differs from both revisions: the diff must not read it
    std::fs::write(docs.join(page), "# Emptied in the working tree\n").unwrap();
    let out = diff(
        dir,
        &[
            "git:HEAD~1:docs-source",
            "git:HEAD:docs-source",
            "--format",
            "json",
        ],
    );
    assert_eq!(out.status.code(), Some(1), "{}", common::transcript(&out));
    let from_git = json(&out);
    let from_folders = json(&diff(&common::root(), &[OLD, NEW, "--format", "json"]));
    assert_eq!(from_git["changes"], from_folders["changes"]);
    assert_eq!(from_git["old"], "git:HEAD~1:docs-source");
    // also from a subfolder of the repository: PATH is relative to its root, as in git
    let out = diff(
        &docs,
        &[
            "git:HEAD~1:docs-source",
            "git:HEAD:docs-source",
            "--format",
            "json",
        ],
    );
    assert_eq!(json(&out)["changes"], from_folders["changes"]);
}

#[test]
fn the_seed_docs_compared_with_themselves_have_no_changes() {
    let out = diff(
        &common::root(),
        &["docs-source", "docs-source", "--fail-on", "any"],
    );
    assert_eq!(
        common::transcript(&out),
        "exit: 0\n--- stdout\ndocmock diff docs-source -> docs-source\nno changes\n--- stderr\n"
    );
}

#[test]
fn diff_between_git_revisions_of_the_seed_docs_shows_the_return_to_fix() {
    let repo = tempfile::tempdir().unwrap();
    let dir = repo.path();
    let docs = dir.join("docs-source");
    std::fs::create_dir_all(&docs).unwrap();
    git(dir, &["init", "-q"]);
    for entry in std::fs::read_dir(common::root().join("docs-source")).unwrap() {
        let path = entry.unwrap().path();
        std::fs::copy(&path, docs.join(path.file_name().unwrap())).unwrap();
    }
    git(dir, &["add", "-A"]);
    git(dir, &["commit", "-qm", "seed docs"]);
    // answer about the parameter the table documents, as `lint` suggests
    let page = docs.join("000_045ac4162208df96.txt");
    let text = std::fs::read_to_string(&page).unwrap();
    std::fs::write(&page, text.replace("\"return_url\": [", "\"return_to\": [")).unwrap();
    git(dir, &["commit", "-qam", "fix the return_to example"]);
    let out = diff(dir, &["git:HEAD~1:docs-source", "git:HEAD:docs-source"]);
    insta::assert_snapshot!("seed_docs_git_revisions", common::transcript(&out));
    let lint = common::docmock(dir)
        .args(["lint", "git:HEAD:docs-source"])
        .output()
        .unwrap();
    assert!(!String::from_utf8_lossy(&lint.stdout).contains("DM007"));
}
