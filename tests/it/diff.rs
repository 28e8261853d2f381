//! `docmock diff`: a version pair of the seed MDX page (`tests/pages/diff/old` and `new`, one
//! change of each kind), extracted fixture folders, git revisions, formats and exit codes; and a
//! doc pair per rule under `tests/pages/diff/<rule>/`: a page moved and retitled, a request enum
//! narrowed and widened, a deprecation and a later removal (of a parameter, and of a route
//! and a case deprecated in their prose), a request body newly shown, a
//! migration from `.md` + `require()` to `.mdx` + `import`, and `levels/` with one change of
//! each level, rendered in every format.

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
                c["level"].as_str().unwrap().to_string(),
                c["kind"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    // the 422 case whose heading changed is the same case (same request, same status, same
    // place among the 422s): reworded, not removed and added
    let expected = [
        ("breaking", "route_removed"),
        ("breaking", "param_required"),
        ("breaking", "field_removed"),
        ("none", "retitled"),
        ("breaking", "field_type_changed"),
        ("info", "field_added"),
        ("info", "header_added"),
        ("breaking", "status_changed"),
        ("info", "route_added"),
    ];
    let expected: Vec<(String, String)> = expected
        .iter()
        .map(|(a, b)| (a.to_string(), b.to_string()))
        .collect();
    assert_eq!(kinds, expected);
    let counts = ["breaking", "warning", "info", "none"].map(|l| report[l].as_u64());
    assert_eq!(counts, [Some(5), Some(0), Some(3), Some(1)]);
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
            .contains("    info      DF008  response field `[].protocol_version` added (number)\n"),
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
        .map(|c| (c["level"].as_str().unwrap(), c["kind"].as_str().unwrap()))
        .collect();
    assert_eq!(
        described,
        vec![
            ("info", "param_no_longer_required"),
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

fn stdout(output: &Output) -> String {
    String::from_utf8_lossy(&output.stdout).into_owned()
}

fn pages(pair: &str) -> String {
    format!("tests/pages/diff/{pair}")
}

#[test]
fn a_page_renamed_and_retitled_with_identical_examples_breaks_nothing_and_lists_the_move() {
    let out = diff(&common::root(), &[&pages("moved/old"), &pages("moved/new")]);
    insta::assert_snapshot!("moved_page", common::transcript(&out));
    assert_eq!(out.status.code(), Some(0));
    assert!(stdout(&out).contains(
        "  none      DF026  route moved: docs/orders.md -> docs/shop/purchase-orders.md\n"
    ));
    assert!(stdout(&out).ends_with("0 breaking, 0 warning, 0 info, 3 none (not counted)\n"));
    // moves are shown, not counted: not even `--fail-on any` fails on them
    let any = diff(
        &common::root(),
        &[&pages("moved/old"), &pages("moved/new"), "--fail-on", "any"],
    );
    assert_eq!(any.status.code(), Some(0));
}

#[test]
fn a_request_enum_narrowed_is_breaking_and_widened_is_compatible() {
    let narrowed = diff(
        &common::root(),
        &[&pages("enum/v1"), &pages("enum/narrowed")],
    );
    assert_eq!(
        narrowed.status.code(),
        Some(1),
        "{}",
        common::transcript(&narrowed)
    );
    assert!(stdout(&narrowed).contains(
        "  breaking  DF012  parameter `status` (query) no longer allows `shipped`, `delivered`, `cancelled`, `refunded`\n"
    ), "{}", common::transcript(&narrowed));
    let widened = diff(
        &common::root(),
        &[&pages("enum/v1"), &pages("enum/widened")],
    );
    assert_eq!(
        widened.status.code(),
        Some(0),
        "{}",
        common::transcript(&widened)
    );
    assert!(stdout(&widened)
        .contains("  info      DF013  parameter `status` (query) now also allows `returned`\n"));
    assert!(stdout(&widened).ends_with("0 breaking, 0 warning, 1 info, 0 none (not counted)\n"));
}

#[test]
fn a_deprecation_is_reported_and_a_later_removal_of_that_param_is_compatible() {
    let deprecated = diff(
        &common::root(),
        &[&pages("deprecation/v1"), &pages("deprecation/v2")],
    );
    assert_eq!(deprecated.status.code(), Some(0));
    assert!(stdout(&deprecated)
        .contains("  warning   DF020  parameter `ref` (query) deprecated (use `order_id`)\n"));
    let fail_on_warning = diff(
        &common::root(),
        &[
            &pages("deprecation/v1"),
            &pages("deprecation/v2"),
            "--fail-on",
            "warning",
        ],
    );
    assert_eq!(fail_on_warning.status.code(), Some(1));
    let removed = diff(
        &common::root(),
        &[&pages("deprecation/v2"), &pages("deprecation/v3")],
    );
    assert_eq!(
        removed.status.code(),
        Some(0),
        "{}",
        common::transcript(&removed)
    );
    assert!(stdout(&removed)
        .contains("  info      DF021  parameter `ref` (query) removed (deprecated before)\n"));
    // removed without a deprecation first: breaking
    let abrupt = diff(
        &common::root(),
        &[&pages("deprecation/v1"), &pages("deprecation/v3")],
    );
    assert_eq!(abrupt.status.code(), Some(1));
    assert!(stdout(&abrupt).contains("  breaking  DF011  parameter `ref` (query) removed\n"));
}

#[test]
fn a_route_deprecated_in_its_prose_is_reported_with_its_replacement_and_its_removal_is_compatible()
{
    let deprecated = diff(
        &common::root(),
        &[
            &pages("route-deprecation/v1"),
            &pages("route-deprecation/v2"),
            "--format",
            "json",
        ],
    );
    let report = json(&deprecated);
    let changes: Vec<(String, String, String)> = report["changes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| {
            (
                c["rule"].as_str().unwrap_or("").to_string(),
                c["route"].as_str().unwrap_or("").to_string(),
                c["subject"].as_str().unwrap_or("").to_string()
                    + " "
                    + c["replaced_by"].as_str().unwrap_or(""),
            )
        })
        .filter(|(rule, _, _)| rule == "DF020")
        .collect();
    let expected = [
        ("DF020", "/v1/items", "route GET /v2/items"),
        ("DF020", "/v1/items/count", "case "),
    ]
    .map(|(a, b, c)| (a.to_string(), b.to_string(), c.to_string()));
    assert_eq!(changes, expected, "{}", common::transcript(&deprecated));
    // the cases of the deprecated route are not reported one by one
    assert_eq!(report["warning"], 2, "{}", common::transcript(&deprecated));
    let removed = diff(
        &common::root(),
        &[
            &pages("route-deprecation/v2"),
            &pages("route-deprecation/v3"),
        ],
    );
    assert_eq!(
        removed.status.code(),
        Some(0),
        "{}",
        common::transcript(&removed)
    );
    let out = stdout(&removed);
    assert!(
        out.contains("DF021  route removed (2 cases, deprecated before)"),
        "{out}"
    );
    assert!(
        out.contains("DF021  case \"Counting archived items\" removed (200, deprecated before)"),
        "{out}"
    );
}

#[test]
fn a_request_body_newly_shown_in_an_example_is_a_docs_change() {
    let out = diff(
        &common::root(),
        &[
            &pages("request-body/old"),
            &pages("request-body/new"),
            "--fail-on",
            "any",
        ],
    );
    assert_eq!(out.status.code(), Some(0), "{}", common::transcript(&out));
    assert!(stdout(&out).contains("    none      DF029  the example now shows its request body\n"));
    assert!(stdout(&out).ends_with("0 breaking, 0 warning, 0 info, 1 none (not counted)\n"));
}

#[test]
fn a_migration_from_md_and_require_to_mdx_and_import_changes_nothing() {
    let (old, new) = (pages("migration/old"), pages("migration/new"));
    // the new site's `@snapshots` points elsewhere than docmock's default: its own alias
    let out = diff(
        &common::root(),
        &[
            &old,
            &new,
            "--new-alias",
            "@snapshots=static/snapshots",
            "--fail-on",
            "any",
        ],
    );
    assert_eq!(
        common::transcript(&out),
        format!("exit: 0\n--- stdout\ndocmock diff {old} -> {new}\nno changes\n--- stderr\n")
    );
    // --alias sets both sides (the old side never uses `@snapshots`)
    let both = diff(
        &common::root(),
        &[&old, &new, "--alias", "@snapshots=static/snapshots"],
    );
    assert_eq!(
        stdout(&both),
        format!("docmock diff {old} -> {new}\nno changes\n")
    );
    // without it the new references do not resolve: every case looks removed, and stderr says why
    let without = diff(&common::root(), &[&old, &new]);
    assert_eq!(without.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&without.stderr)
        .contains("cannot find the snapshot file `@snapshots/orders/show.json`"));
    // an --old-alias applies to the old side only: pointing its `@site` elsewhere loses its cases
    let old_only = diff(
        &common::root(),
        &[
            &old,
            &new,
            "--new-alias",
            "@snapshots=static/snapshots",
            "--old-alias",
            "@site=nowhere",
        ],
    );
    assert!(stdout(&old_only).contains("DF004  case \"Success\" added (200)"));
}

const LEVELS: [&str; 2] = ["tests/pages/diff/levels/old", "tests/pages/diff/levels/new"];

#[test]
fn every_format_renders_the_pair_with_one_change_of_each_level() {
    for format in ["human", "json", "markdown", "junit", "github"] {
        let out = diff(&common::root(), &[LEVELS[0], LEVELS[1], "--format", format]);
        assert_eq!(out.status.code(), Some(1), "{}", common::transcript(&out));
        insta::assert_snapshot!(format!("levels_{format}"), common::transcript(&out));
    }
}

#[test]
fn severity_changes_a_rules_level_and_ignore_accepts_known_changes() {
    let softened = diff(
        &common::root(),
        &[LEVELS[0], LEVELS[1], "--severity", "DF012=warning"],
    );
    assert_eq!(
        softened.status.code(),
        Some(0),
        "{}",
        common::transcript(&softened)
    );
    assert!(stdout(&softened).ends_with("0 breaking, 3 warning, 1 info, 1 none (not counted)\n"));
    let tmp = tempfile::tempdir().unwrap();
    std::fs::write(
        tmp.path().join("diff-ignore.txt"),
        "# accepted changes\nDF012 GET /orders only new and paid orders are listed now\nDF001 GET /reports gone since v2\n",
    )
    .unwrap();
    let ignored = diff(
        tmp.path(),
        &[
            common::root().join(LEVELS[0]).to_str().unwrap(),
            common::root().join(LEVELS[1]).to_str().unwrap(),
            "--ignore",
            "diff-ignore.txt",
        ],
    );
    let root = common::root().display().to_string();
    insta::assert_snapshot!(
        "levels_ignored",
        common::transcript(&ignored).replace(&root, "[ROOT]")
    );
    assert_eq!(ignored.status.code(), Some(0));
    let bad = diff(
        &common::root(),
        &[LEVELS[0], LEVELS[1], "--severity", "DF012=fatal"],
    );
    assert_eq!(bad.status.code(), Some(2));
    assert_eq!(
        String::from_utf8_lossy(&bad.stderr),
        "error: --severity DF012=fatal: expected breaking, warning, info or none\n"
    );
}

#[test]
fn github_annotations_beyond_ten_per_level_go_to_the_step_summary() {
    let tmp = tempfile::tempdir().unwrap();
    let empty = tmp.path().join("empty");
    std::fs::create_dir(&empty).unwrap();
    let summary = tmp.path().join("summary.md");
    let out = common::docmock(&common::root())
        .env("GITHUB_STEP_SUMMARY", &summary)
        .args(["diff", "tests/pages/prose", empty.to_str().unwrap()])
        .args(["--format", "github"])
        .output()
        .unwrap();
    let text = stdout(&out);
    assert_eq!(text.matches("::error file=").count(), 10, "{text}");
    assert!(text.contains("9 more annotations are listed in the step summary\n"));
    let summary = std::fs::read_to_string(&summary).unwrap();
    assert!(summary.starts_with("### 9 more annotations than GitHub shows\n"));
    assert_eq!(summary.matches("- **error** `").count(), 9, "{summary}");
}
