//! `docmock lint`: one folder of test pages per rule under `tests/pages/lint/` (named after the
//! rule it triggers), the exit codes and formats of the CLI, and the report on the seed docs.

use crate::common;
use docmock::extract::{self, DocsLocation, Options};
use docmock::lint::{self, Finding};
use docmock::report::lint::render_human;
use docmock::report::Colour;
use std::path::Path;

fn lint_dir(dir: &Path) -> Vec<Finding> {
    let location = DocsLocation::Dir(dir.to_path_buf());
    let extraction = extract::load(&location, &Options::default()).expect("test pages load");
    let files = location
        .files(&Options::default())
        .expect("test pages read");
    lint::run(&extraction, &files)
}

fn human(findings: &[Finding]) -> String {
    let mut out = Vec::new();
    render_human(findings, Colour::Never, &mut out).unwrap();
    String::from_utf8(out).unwrap()
}

fn rule_folders() -> Vec<std::path::PathBuf> {
    let mut dirs: Vec<_> = std::fs::read_dir(common::data("pages/lint"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.is_dir())
        .collect();
    dirs.sort();
    dirs
}

#[test]
fn every_rule_folder_yields_findings_of_its_own_rule_and_no_other() {
    let mut seen = Vec::new();
    for dir in rule_folders() {
        let name = dir.file_name().unwrap().to_string_lossy().into_owned();
        let findings = lint_dir(&dir);
        if name == "clean" {
            assert!(findings.is_empty(), "clean pages: {}", human(&findings));
            continue;
        }
        let (code, rule) = name.split_once('-').unwrap();
        assert!(!findings.is_empty(), "{name}: no findings");
        for f in &findings {
            assert_eq!(
                (f.code, f.rule.name()),
                (code, rule),
                "{name}:\n{}",
                human(&findings)
            );
        }
        seen.push(code.to_string());
        insta::assert_snapshot!(format!("lint_page_{name}"), human(&findings));
    }
    for rule in lint::Rule::ALL {
        assert!(
            seen.iter().any(|s| s == rule.code()),
            "no test folder for {}",
            rule.code()
        );
    }
}

#[test]
fn a_fixtures_folder_is_linted_from_the_lines_it_records() {
    // `docmock extract --out` of the DM007 pages, then lint that folder
    let out = tempfile::tempdir().unwrap();
    let dir = common::data("pages/lint/DM007-error-names-unknown-param");
    let extraction = extract::from_dir(&dir, &Options::default()).unwrap();
    docmock::report::fixtures::write_dir(&extraction.docs, out.path()).unwrap();
    let findings = lint_dir(out.path());
    let codes: Vec<_> = findings
        .iter()
        .map(|f| (f.code, f.file.as_str(), f.line))
        .collect();
    assert_eq!(codes, vec![("DM007", "sessions.mdx", 23)]);
    assert_eq!(findings[0].source_line, None);
}

fn run(args: &[&str]) -> std::process::Output {
    common::docmock(&common::root())
        .args(args)
        .output()
        .unwrap()
}

#[test]
fn lint_exits_1_on_errors_and_on_warnings_only_with_deny_warnings() {
    let errors = "tests/pages/lint/DM007-error-names-unknown-param";
    let warnings = "tests/pages/lint/DM003-endpoint-without-example";
    let clean = "tests/pages/lint/clean";
    assert_eq!(run(&["lint", errors]).status.code(), Some(1));
    assert_eq!(run(&["lint", warnings]).status.code(), Some(0));
    assert_eq!(
        run(&["lint", warnings, "--deny", "warnings"]).status.code(),
        Some(1)
    );
    let out = run(&["lint", clean, "--deny", "warnings"]);
    assert_eq!(out.status.code(), Some(0));
    assert_eq!(String::from_utf8_lossy(&out.stdout), "lint: no findings\n");
}

#[test]
fn lint_exits_2_when_the_docs_cannot_be_read() {
    let out = run(&["lint", "tests/pages/lint/no-such-folder"]);
    assert_eq!(out.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.starts_with("error: cannot read docs from tests/pages/lint/no-such-folder: "),
        "{stderr}"
    );
}

#[test]
fn lint_json_lists_findings_with_codes_places_and_notes() {
    let out = run(&[
        "lint",
        "tests/pages/lint/DM007-error-names-unknown-param",
        "--format",
        "json",
    ]);
    assert_eq!(out.status.code(), Some(1));
    let report: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    insta::assert_json_snapshot!(report);
}

#[test]
fn lint_github_writes_escaped_annotations_at_each_finding_and_exits_as_human_does() {
    // A file name with a comma and a colon: both must be escaped in the `file=` property.
    let tmp = tempfile::tempdir().unwrap();
    std::fs::copy(
        common::data("pages/lint/DM007-error-names-unknown-param/sessions.mdx"),
        tmp.path().join("a,b:c.mdx"),
    )
    .unwrap();
    let out = run(&["lint", tmp.path().to_str().unwrap(), "--format", "github"]);
    assert_eq!(out.status.code(), Some(1));
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.contains("::error file=a%2Cb%3Ac.mdx,line="), "{text}");
    let out = run(&[
        "lint",
        "tests/pages/lint/DM007-error-names-unknown-param",
        "--format",
        "github",
    ]);
    insta::assert_snapshot!(String::from_utf8_lossy(&out.stdout));
}

#[test]
fn the_seed_docs_report_the_return_to_contradiction_and_only_justified_findings() {
    let out = run(&["lint", "docs-source"]);
    let transcript = common::transcript(&out);
    // the table of 000 requires `return_to`; its 422 example answers about `return_url`
    assert!(
        transcript.contains("error[DM007]: the 422 example \"When no return_to url is provided\" answers with an error about `return_url`"),
        "{transcript}"
    );
    // 002 renders 004: their identical examples are one example, not a conflict
    assert!(!transcript.contains("DM008"), "{transcript}");
    insta::assert_snapshot!("seed_docs_lint", transcript);
}

#[test]
fn the_default_docs_are_linted_when_no_folder_is_given() {
    let out = common::docmock(&std::env::temp_dir())
        .args(["lint", "--format", "json"])
        .output()
        .unwrap();
    let from_default: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let out = run(&["lint", "docs-source", "--format", "json"]);
    let from_folder: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(from_default, from_folder);
}

#[test]
fn lint_runs_on_every_test_page_folder_of_the_repository() {
    // extractor test pages include broken and odd inputs: lint must never panic on them
    for entry in std::fs::read_dir(common::data("pages")).unwrap() {
        let dir = entry.unwrap().path();
        if dir.is_dir() {
            let out = common::docmock(&common::root())
                .arg("lint")
                .arg(&dir)
                .output()
                .unwrap();
            assert!(
                matches!(out.status.code(), Some(0 | 1)),
                "{}: {}",
                dir.display(),
                common::transcript(&out)
            );
        }
    }
}
