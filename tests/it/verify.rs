//! `docmock verify` against implementations written here: a drifted one (each kind of drift
//! caught, at each match level, with the exit code), reports, variables, headers, setup,
//! `--update`, and the stub server of the same docs.

use crate::common::{data, docmock, serve_config, serve_http, serve_https, transcript, MockServer};
use axum::extract::Path as UrlPath;
use axum::http::{HeaderMap, StatusCode};
use axum::routing::{get, post};
use axum::{Json, Router};
use serde_json::{json, Value};
use std::net::SocketAddr;
use std::path::Path;
use std::process::Output;
use std::time::Duration;

/// The widgets API as implemented, drifted from `tests/data/verify/drift/widgets.mdx`: each
/// endpoint drifts in one way.
fn drifted_app() -> Router {
    Router::new()
        // A status changed.
        .route(
            "/status",
            get(|| async { (StatusCode::CREATED, Json(json!({"ok": true}))) }),
        )
        // A key dropped (`name`).
        .route(
            "/widgets/{id}",
            get(|UrlPath(id): UrlPath<u64>| async move { Json(json!({"id": id, "price": 12.5})) }),
        )
        // A type changed (`count` became a string).
        .route(
            "/widgets/{id}/stock",
            get(|| async { Json(json!({"count": "3", "warehouse": "north"})) }),
        )
        // A key added (`email`).
        .route(
            "/widgets/{id}/owner",
            get(|| async { Json(json!({"name": "Ada", "email": "ada@example.com"})) }),
        )
        // A value changed (`colour`).
        .route(
            "/widgets/{id}/colour",
            get(|| async { Json(json!({"colour": "blue", "shades": ["crimson", "scarlet"]})) }),
        )
        // A header omitted (`X-Api-Version`).
        .route(
            "/widgets/{id}/manual",
            get(|| async { Json(json!({"pages": 10})) }),
        )
        // Too slow to answer.
        .route(
            "/reports/slow",
            get(|| async {
                tokio::time::sleep(Duration::from_secs(5)).await;
                Json(json!({"done": true}))
            }),
        )
        .route("/widgets", post(create_widget))
        .route(
            "/owners/{owner_id}",
            get(|UrlPath(owner): UrlPath<String>| async move { Json(json!({"id": owner})) }),
        )
        .route("/secret", get(secret))
}

/// Creating a widget follows the docs: the "etc" placeholder is not sent, a timestamp and any
/// number of parts come back.
async fn create_widget(Json(body): Json<Value>) -> (StatusCode, Json<Value>) {
    if body != json!({"name": "Sprocket", "tags": ["new"]}) {
        return (StatusCode::BAD_REQUEST, Json(json!({"got": body})));
    }
    (
        StatusCode::CREATED,
        Json(json!({
            "id": 8,
            "name": "Sprocket",
            "created_at": "2026-12-01T10:00:00.000Z",
            "parts": [{"sku": "A-1", "count": 2}, {"sku": "B-7", "count": 1}, {"sku": "C-3", "count": 4}]
        })),
    )
}

/// Only with the bearer token the test passes through `--header`.
async fn secret(headers: HeaderMap) -> (StatusCode, Json<Value>) {
    let auth = headers.get("authorization").and_then(|v| v.to_str().ok());
    if auth == Some("Bearer widgets/show-a-secret/success") {
        (StatusCode::OK, Json(json!({"secret": "s3cr3t"})))
    } else {
        (
            StatusCode::UNAUTHORIZED,
            Json(json!({"error": "who are you"})),
        )
    }
}

fn drift_docs() -> std::path::PathBuf {
    data("data/verify/drift")
}

fn verify(addr: SocketAddr, docs: &Path, extra: &[&str]) -> Output {
    let target = format!("http://{addr}");
    docmock(&data("data/verify"))
        .args(["verify", "--target", &target, "--timeout", "0.5"])
        .arg(docs)
        .args(extra)
        .output()
        .unwrap()
}

/// The transcripts of one case at `shape`, `values` and `exact`.
fn at_each_level(addr: SocketAddr, id: &str) -> String {
    ["shape", "values", "exact"]
        .iter()
        .map(|level| {
            let output = verify(addr, &drift_docs(), &["--only", id, "--match", level]);
            format!("## --match {level}\n{}", transcript(&output))
        })
        .collect::<Vec<_>>()
        .join("\n")
}

macro_rules! assert_drift_snapshot {
    ($name:expr, $text:expr) => {
        insta::with_settings!({filters => vec![(r"127\.0\.0\.1:\d+", "127.0.0.1:PORT")]}, {
            insta::assert_snapshot!($name, $text);
        })
    };
}

#[test]
fn a_changed_status_fails_at_every_level() {
    let addr = serve_http(drifted_app());
    let text = at_each_level(addr, "widgets/show-the-service-status/");
    assert_eq!(text.matches("exit: 1").count(), 3, "{text}");
    assert_drift_snapshot!("drift_status", text);
}

#[test]
fn a_dropped_key_fails_at_every_level() {
    let addr = serve_http(drifted_app());
    let text = at_each_level(addr, "widgets/show-a-widget/");
    assert_eq!(text.matches("exit: 1").count(), 3, "{text}");
    assert_drift_snapshot!("drift_dropped_key", text);
}

#[test]
fn a_changed_type_fails_at_every_level() {
    let addr = serve_http(drifted_app());
    let text = at_each_level(addr, "widgets/show-the-stock-of-a-widget/");
    assert_eq!(text.matches("exit: 1").count(), 3, "{text}");
    assert_drift_snapshot!("drift_changed_type", text);
}

#[test]
fn an_added_key_is_a_warning_until_exact() {
    let addr = serve_http(drifted_app());
    let text = at_each_level(addr, "widgets/show-the-owner-of-a-widget/");
    assert_eq!(text.matches("exit: 0").count(), 2, "{text}");
    assert_eq!(text.matches("exit: 1").count(), 1, "{text}");
    assert_drift_snapshot!("drift_added_key", text);
}

#[test]
fn a_changed_value_passes_shape_and_fails_values_and_exact() {
    let addr = serve_http(drifted_app());
    let text = at_each_level(addr, "widgets/show-the-colour-of-a-widget/");
    assert_eq!(text.matches("exit: 0").count(), 1, "{text}");
    assert_eq!(text.matches("exit: 1").count(), 2, "{text}");
    assert_drift_snapshot!("drift_changed_value", text);
}

#[test]
fn an_omitted_header_fails_at_every_level_and_volatile_headers_are_only_checked_for_presence() {
    let addr = serve_http(drifted_app());
    let text = at_each_level(addr, "widgets/show-the-manual-of-a-widget/");
    assert_eq!(text.matches("exit: 1").count(), 3, "{text}");
    assert!(!text.contains("header Date"), "{text}");
    assert_drift_snapshot!("drift_omitted_header", text);
}

#[test]
fn a_request_that_times_out_fails_at_every_level() {
    let addr = serve_http(drifted_app());
    let text = at_each_level(addr, "widgets/build-a-report-slowly/");
    assert_eq!(text.matches("exit: 1").count(), 3, "{text}");
    assert_drift_snapshot!("drift_timeout", text);
}

#[test]
fn placeholders_and_computed_values_match_by_type_and_the_documented_body_is_sent_without_them() {
    let addr = serve_http(drifted_app());
    let text = at_each_level(addr, "widgets/create-a-widget/");
    assert_eq!(text.matches("exit: 0").count(), 3, "{text}");
}

#[test]
fn the_whole_run_lists_cases_in_document_order_whatever_the_number_of_jobs() {
    let addr = serve_http(drifted_app());
    let auth = ["--header", "Authorization: Bearer ${DOCMOCK_FIXTURE_ID}"];
    let one = verify(addr, &drift_docs(), &auth);
    let four = verify(addr, &drift_docs(), &[&auth[..], &["--jobs", "4"]].concat());
    assert_eq!(one.status.code(), Some(1));
    assert_eq!(
        String::from_utf8_lossy(&one.stdout),
        String::from_utf8_lossy(&four.stdout)
    );
    assert_drift_snapshot!("whole_run", transcript(&one));
}

#[test]
fn extra_headers_carry_the_fixture_id() {
    let addr = serve_http(drifted_app());
    let only = ["--only", "show-a-secret"];
    let without = verify(addr, &drift_docs(), &only);
    assert_eq!(without.status.code(), Some(1), "{}", transcript(&without));
    let with = verify(
        addr,
        &drift_docs(),
        &[
            &only[..],
            &["-H", "Authorization: Bearer ${DOCMOCK_FIXTURE_ID}"],
        ]
        .concat(),
    );
    assert_eq!(with.status.code(), Some(0), "{}", transcript(&with));
}

#[test]
fn path_parameters_come_from_the_fixture_id_table_then_the_route_table_then_var_then_the_global_value(
) {
    let addr = serve_http(drifted_app());
    let dir = tempfile::tempdir().unwrap();
    let only = ["--only", "owner-by-id", "--match", "values"];
    let run = |vars_file: &str, extra: &[&str]| {
        let path = dir.path().join("vars.toml");
        std::fs::write(&path, vars_file).unwrap();
        let path = path.to_str().unwrap().to_string();
        let output = verify(
            addr,
            &drift_docs(),
            &[&only[..], &["--vars-file", &path], extra].concat(),
        );
        String::from_utf8_lossy(&output.stdout)
            .lines()
            .next()
            .unwrap()
            .to_string()
    };
    // No value anywhere: skipped, saying why.
    let output = verify(addr, &drift_docs(), &only);
    assert_eq!(output.status.code(), Some(0));
    insta::assert_snapshot!("skipped_without_a_value", transcript(&output));

    assert_eq!(
        run("owner_id = \"ada\"\n", &[]),
        "PASS widgets/show-a-widget-s-owner-by-id/success GET /owners/ada"
    );
    assert!(run("owner_id = \"bob\"\n", &["--var", "owner_id=ada"]).ends_with("/owners/ada"));
    assert!(run(
        "owner_id = \"bob\"\n[\"/owners/{owner_id}\"]\nowner_id = \"ada\"\n",
        &["--var", "owner_id=carl"]
    )
    .ends_with("/owners/ada"));
    assert!(run(
        "[\"/owners/{owner_id}\"]\nowner_id = \"bob\"\n[\"GET /owners/{owner_id}\"]\nowner_id = \"eve\"\n[\"widgets/show-a-widget-s-owner-by-id/success\"]\nowner_id = \"ada\"\n",
        &[]
    )
    .ends_with("/owners/ada"));
    // JSON works too; a value with a slash stays one segment.
    let path = dir.path().join("vars.json");
    std::fs::write(&path, r#"{"owner_id": "a/b"}"#).unwrap();
    let output = verify(
        addr,
        &drift_docs(),
        &[&only[..], &["--vars-file", path.to_str().unwrap()]].concat(),
    );
    assert!(String::from_utf8_lossy(&output.stdout).contains("GET /owners/a%2Fb"));
}

#[test]
fn a_bad_vars_file_names_its_line_and_exits_2() {
    let addr = serve_http(drifted_app());
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("vars.toml");
    std::fs::write(&path, "owner_id = \"ada\"\nbroken =\n").unwrap();
    let output = verify(
        addr,
        &drift_docs(),
        &["--vars-file", path.to_str().unwrap()],
    );
    assert_eq!(output.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains("vars.toml:2:"), "{stderr}");
}

#[test]
fn the_setup_command_runs_before_each_case_with_its_id_and_title_and_its_failure_fails_the_case() {
    let addr = serve_http(drifted_app());
    let dir = tempfile::tempdir().unwrap();
    let log = dir.path().join("setup.log");
    let setup = format!(
        "printf '%s|%s\\n' \"$DOCMOCK_FIXTURE_ID\" \"$DOCMOCK_FIXTURE_TITLE\" >> '{}'",
        log.display()
    );
    let output = verify(
        addr,
        &drift_docs(),
        &["--only", "widgets/show-*-widget/", "--setup", &setup],
    );
    assert_eq!(output.status.code(), Some(1), "{}", transcript(&output));
    assert_eq!(
        std::fs::read_to_string(&log).unwrap(),
        "widgets/show-a-widget/success|Success\n\
         widgets/show-the-stock-of-a-widget/success|Success\n\
         widgets/show-the-owner-of-a-widget/success|Success\n\
         widgets/show-the-colour-of-a-widget/success|Success\n\
         widgets/show-the-manual-of-a-widget/success|Success\n"
    );
    let output = verify(
        addr,
        &drift_docs(),
        &[
            "--only",
            "service-status",
            "--setup",
            "echo no database >&2; exit 3",
        ],
    );
    assert_drift_snapshot!("failing_setup", transcript(&output));
}

#[test]
fn a_target_that_is_down_gives_one_error_line_and_exit_2() {
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let addr: SocketAddr = format!("127.0.0.1:{port}").parse().unwrap();
    let output = verify(addr, &drift_docs(), &[]);
    assert_eq!(output.status.code(), Some(2));
    assert!(output.stdout.is_empty());
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(stderr.lines().count(), 1, "{stderr}");
    assert!(
        stderr.starts_with(&format!(
            "error: cannot connect to the target http://{addr}: "
        )),
        "{stderr}"
    );
}

#[test]
fn junit_and_json_reports_are_written_and_the_junit_xml_parses_with_errors_apart_from_failures() {
    let addr = serve_http(drifted_app());
    let dir = tempfile::tempdir().unwrap();
    let junit = dir.path().join("junit.xml");
    let json_path = dir.path().join("report.json");
    let output = verify(
        addr,
        &drift_docs(),
        &[
            "--report",
            &format!("junit={}", junit.display()),
            "--report",
            &format!("json={}", json_path.display()),
        ],
    );
    assert_eq!(output.status.code(), Some(1));
    let xml = std::fs::read_to_string(&junit).unwrap();
    let doc = roxmltree::Document::parse(&xml).unwrap();
    let suite = doc
        .descendants()
        .find(|n| n.has_tag_name("testsuite"))
        .unwrap();
    assert_eq!(suite.attribute("tests"), Some("10"));
    // Five cases differ; the slow one got no answer to compare: an error.
    assert_eq!(suite.attribute("failures"), Some("5"));
    assert_eq!(suite.attribute("errors"), Some("1"));
    assert_eq!(suite.attribute("skipped"), Some("1"));
    let root = doc.root_element();
    assert_eq!(
        (root.attribute("failures"), root.attribute("errors")),
        (Some("5"), Some("1"))
    );
    let cases: Vec<_> = suite
        .children()
        .filter(|n| n.has_tag_name("testcase"))
        .collect();
    assert_eq!(cases.len(), 10);
    let status = cases
        .iter()
        .find(|c| c.attribute("name") == Some("widgets/show-the-service-status/success"))
        .unwrap();
    let failure = status
        .children()
        .find(|n| n.has_tag_name("failure"))
        .unwrap();
    assert_eq!(
        failure.attribute("message"),
        Some("status: expected 200, got 201")
    );
    let elements = |tag: &str| {
        cases
            .iter()
            .filter(|c| c.children().any(|n| n.has_tag_name(tag)))
            .map(|c| c.attribute("name").unwrap())
            .collect::<Vec<_>>()
    };
    assert_eq!(elements("failure").len(), 5);
    assert_eq!(elements("error"), ["widgets/build-a-report-slowly/success"]);
    let dropped = cases
        .iter()
        .find(|c| c.attribute("name") == Some("widgets/show-a-widget/success"))
        .unwrap();
    let text = dropped
        .children()
        .find(|n| n.has_tag_name("failure"))
        .unwrap()
        .text()
        .unwrap();
    assert!(
        text.contains("/name: missing key; the docs show string <\"Gizmo\">"),
        "{text}"
    );

    let report: Value =
        serde_json::from_str(&std::fs::read_to_string(&json_path).unwrap()).unwrap();
    assert_eq!(
        report["summary"],
        json!({"passed": 3, "failed": 6, "skipped": 1})
    );
    let stock = &report["cases"][2];
    assert_eq!(stock["status"], "fail");
    assert_eq!(
        stock["differences"],
        json!([{"kind": "type_mismatch", "pointer": "/count", "expected": 3, "actual": "3"}])
    );
}

/// The books API of `tests/data/verify/update`, drifted: a book's body changed (value, extra
/// element, extra key, a timestamp where the docs compute one), deleting answers 204, an
/// author has a new key.
fn books_app() -> Router {
    Router::new()
        .route(
            "/books/{id}",
            get(|| async {
                Json(json!({
                    "id": 1,
                    "title": "Dune Messiah",
                    "updated_at": "2026-12-01T10:00:00.000Z",
                    "tags": ["sf", "classic"],
                    "pages": 256
                }))
            })
            .delete(|| async { StatusCode::NO_CONTENT }),
        )
        .route("/health", get(|| async { Json(json!({"ok": true})) }))
        .route(
            "/authors/{id}",
            get(|| async { Json(json!({"name": "Frank Herbert", "born": 1920, "died": 1986})) }),
        )
}

/// A copy of `tests/data/verify/update` to rewrite.
fn copy_of_update_docs() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let from = data("data/verify/update");
    std::fs::create_dir_all(dir.path().join("snapshots")).unwrap();
    for file in ["books.mdx", "snapshots/author.json"] {
        std::fs::copy(from.join(file), dir.path().join(file)).unwrap();
    }
    dir
}

#[test]
fn dry_run_prints_the_diff_of_each_doc_file_and_writes_nothing() {
    let addr = serve_http(books_app());
    let docs = copy_of_update_docs();
    let output = verify(
        addr,
        docs.path(),
        &["--match", "exact", "--update", "--dry-run"],
    );
    assert_eq!(output.status.code(), Some(1));
    for file in ["books.mdx", "snapshots/author.json"] {
        assert_eq!(
            std::fs::read(docs.path().join(file)).unwrap(),
            std::fs::read(data("data/verify/update").join(file)).unwrap()
        );
    }
    assert_drift_snapshot!("update_dry_run", transcript(&output));
}

#[test]
fn update_rewrites_only_the_differing_literals_and_files_and_a_second_run_passes() {
    let addr = serve_http(books_app());
    let docs = copy_of_update_docs();
    let first = verify(addr, docs.path(), &["--match", "exact", "--update"]);
    assert_eq!(first.status.code(), Some(1), "{}", transcript(&first));
    let stdout = String::from_utf8_lossy(&first.stdout);
    assert!(
        stdout.contains("updated books.mdx (2 responses)\n"),
        "{stdout}"
    );
    assert!(
        stdout.contains("updated snapshots/author.json (1 response)\n"),
        "{stdout}"
    );

    let second = verify(addr, docs.path(), &["--match", "exact"]);
    assert_eq!(second.status.code(), Some(0), "{}", transcript(&second));

    // Outside the responses of the two changed inline literals, the page is byte for byte the
    // same.
    let original_dir = data("data/verify/update");
    let original = std::fs::read_to_string(original_dir.join("books.mdx")).unwrap();
    let updated = std::fs::read_to_string(docs.path().join("books.mdx")).unwrap();
    let extraction =
        docmock::extract::from_dir(&original_dir, &docmock::extract::Options::default()).unwrap();
    let mut changed: Vec<_> = ["books/show-a-book/success", "books/delete-a-book/success"]
        .iter()
        .map(|id| {
            extraction
                .docs
                .fixture(id)
                .unwrap()
                .source
                .literal
                .unwrap()
                .response
        })
        .collect();
    changed.sort_by_key(|s| s.start);
    let mut kept = Vec::new();
    let mut at = 0;
    for span in &changed {
        kept.push(&original[at..span.start]);
        at = span.end;
    }
    kept.push(&original[at..]);
    assert!(updated.starts_with(kept[0]));
    assert!(updated.ends_with(kept[kept.len() - 1]));
    let mut rest = &updated[kept[0].len()..];
    for segment in &kept[1..] {
        let found = rest
            .find(segment)
            .expect("unchanged text between the literals");
        rest = &rest[found + segment.len()..];
    }
    assert!(rest.is_empty());
    insta::assert_snapshot!("update_rewritten_page", updated);

    let author: Value = serde_json::from_str(
        &std::fs::read_to_string(docs.path().join("snapshots/author.json")).unwrap(),
    )
    .unwrap();
    assert_eq!(
        author,
        json!({
            "request": {"request_method": "GET", "path": "/authors/1"},
            "response": {"status": 200, "body": {"name": "Frank Herbert", "born": 1920, "died": 1986}}
        })
    );
}

#[test]
fn an_only_pattern_that_matches_nothing_is_a_usage_error() {
    let addr = serve_http(drifted_app());
    let output = verify(addr, &drift_docs(), &["--only", "widgest/*"]);
    assert_eq!(output.status.code(), Some(2));
    insta::assert_snapshot!("only_matches_nothing", transcript(&output));
}

#[test]
fn skip_leaves_out_the_fixtures_whose_ids_match() {
    let addr = serve_http(drifted_app());
    let output = verify(
        addr,
        &drift_docs(),
        &["--skip", "widgets/show-*", "--skip", "slowly"],
    );
    let stdout = String::from_utf8_lossy(&output.stdout);
    let ids: Vec<&str> = stdout
        .lines()
        .filter_map(|l| l.split(' ').nth(1))
        .filter(|id| id.starts_with("widgets/"))
        .collect();
    assert_eq!(ids, ["widgets/create-a-widget/success"], "{stdout}");
}

/// `docmock serve` of a doc set (the default docs without one) on an ephemeral port.
fn stub(docs: Option<&Path>) -> MockServer {
    let docs = docs.map(|d| d.to_str().unwrap());
    MockServer::start_in(&data("data/verify"), docs.as_slice())
}

#[test]
fn verify_against_docmock_serve_of_the_same_docs_passes_every_case_with_no_flags() {
    let update_docs = data("data/verify/update");
    let drift = drift_docs();
    let sets: [Option<&Path>; 3] = [None, Some(drift.as_path()), Some(update_docs.as_path())];
    for docs in sets {
        let stub = stub(docs);
        for level in ["shape", "values", "exact"] {
            let mut command = docmock(&data("data/verify"));
            command.args(["verify", "--target", &stub.base, "--match", level]);
            if let Some(docs) = docs {
                command.arg(docs);
            }
            let output = command.output().unwrap();
            let text = transcript(&output);
            assert_eq!(
                output.status.code(),
                Some(0),
                "{docs:?} at {level}:\n{text}"
            );
            assert!(!text.contains("FAIL"), "{text}");
            assert!(!text.contains("SKIP"), "{text}");
            assert!(!text.contains("warning"), "{text}");
        }
    }
    // The default docs (docs-source/): every case, those without a path value included.
    let stub = stub(None);
    let output = docmock(&data("data/verify"))
        .args(["verify", "--target", &stub.base, "--match", "exact"])
        .output()
        .unwrap();
    insta::assert_snapshot!("seed_docs_against_serve", transcript(&output));
}

#[test]
fn without_prefer_a_stub_answers_by_request_and_other_servers_skip_cases_without_path_values() {
    let stub = stub(None);
    let output = docmock(&data("data/verify"))
        .args(["verify", "--target", &stub.base, "--no-prefer"])
        .args([
            "--only",
            "responses/update-a-response/when-no-response-exists",
        ])
        .output()
        .unwrap();
    let text = transcript(&output);
    // Filled with a generated value, but without its preference the stub answers the
    // documented success case: the error case fails.
    assert!(text.contains("FAIL responses/update-a-response/when-no-response-exists-for-the-id-provided PUT /api/v1/dossiers/1/responses/1"), "{text}");
    let addr = serve_http(drifted_app());
    let output = docmock(&data("data/verify"))
        .args(["verify", "--target", &format!("http://{addr}")])
        .args([
            "--only",
            "responses/update-a-response/when-no-response-exists",
        ])
        .output()
        .unwrap();
    let text = transcript(&output);
    assert!(
        text.contains(
            "no value for path parameter `dossier_id` (give --var dossier_id=VALUE or a vars file)"
        ),
        "{text}"
    );
}

#[test]
fn a_global_case_is_skipped_with_the_reason_instead_of_sent_to_its_placeholder_path() {
    let addr = serve_http(drifted_app());
    let output = verify(
        addr,
        &data("pages/routes"),
        &["--only", "authentication/when-authentication-fails"],
    );
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(
        stdout.contains("SKIP authentication/when-authentication-fails"),
        "{stdout}"
    );
    assert!(
        stdout.contains("a global case (it holds for every route)"),
        "{stdout}"
    );
    assert!(stdout.contains("0 passed, 0 failed, 1 skipped"), "{stdout}");
}

/// The accounts API of `tests/data/verify/fenced/accounts.md` (a fenced-style page): one
/// endpoint adds fields where the docs elide some, the other drops a documented field.
fn fenced_app() -> Router {
    Router::new()
        .route(
            "/accounts/{id}",
            get(|UrlPath(id): UrlPath<String>| async move {
                Json(json!({
                    "id": id,
                    "owner": {"name": "Ann", "email": "ann@example.com"},
                    "plan": "free"
                }))
            }),
        )
        .route(
            "/accounts/{id}/settings",
            get(|headers: HeaderMap| async move {
                // `curl -u 'ann:token'` in the docs: the documented credentials are sent
                let auth = headers.get("authorization").and_then(|v| v.to_str().ok());
                if auth != Some("Basic YW5uOnRva2Vu") {
                    return (StatusCode::UNAUTHORIZED, Json(json!({"auth": auth})));
                }
                (
                    StatusCode::OK,
                    Json(json!({"theme": "dark", "flags": {"beta": true, "new_ui": false}})),
                )
            }),
        )
}

fn fenced_at_each_level(addr: SocketAddr, id: &str) -> String {
    ["shape", "values", "exact"]
        .iter()
        .map(|level| {
            let output = verify(
                addr,
                &data("data/verify/fenced"),
                &["--only", id, "--match", level],
            );
            format!("## --match {level}\n{}", transcript(&output))
        })
        .collect::<Vec<_>>()
        .join("\n")
}

#[test]
fn fields_added_inside_an_elided_object_of_a_fenced_example_pass_at_every_level() {
    let addr = serve_http(fenced_app());
    let text = fenced_at_each_level(addr, "accounts/show-an-account/ok");
    assert_eq!(text.matches("exit: 0").count(), 3, "{text}");
    assert_eq!(text.matches("PASS").count(), 3, "{text}");
    assert!(!text.contains("email"), "no warning either: {text}");
}

#[test]
fn a_documented_field_dropped_from_a_fenced_example_fails_at_every_level() {
    let addr = serve_http(fenced_app());
    let text = fenced_at_each_level(addr, "accounts/show-the-settings-of-an-account/200");
    assert_eq!(text.matches("exit: 1").count(), 3, "{text}");
    assert_drift_snapshot!("fenced_dropped_field", text);
}

#[test]
fn a_failed_case_prints_a_curl_command_with_secrets_masked_that_gets_the_same_answer() {
    let stub = stub(Some(&drift_docs()));
    let dir = tempfile::tempdir().unwrap();
    let json_path = dir.path().join("report.json");
    let run = |extra: &[&str]| {
        docmock(&data("data/verify"))
            .args(["verify", "--target", &stub.base])
            .arg(drift_docs())
            .args(["--only", "widgets/show-the-service-status/success"])
            // A case the stub does not document: it answers its own 400.
            .args(["-H", "Prefer: example=no-such-case"])
            .args(["-H", "Authorization: Bearer sekrit"])
            .args(["--report", &format!("json={}", json_path.display())])
            .args(extra)
            .output()
            .unwrap()
    };
    let output = run(&[]);
    assert_drift_snapshot!("curl_reproduction", transcript(&output));
    let report: Value =
        serde_json::from_str(&std::fs::read_to_string(&json_path).unwrap()).unwrap();
    let case = &report["cases"][0];
    let curl = case["curl"].as_str().unwrap();
    assert!(curl.contains("-H 'Authorization: ***'"), "{curl}");
    assert!(!curl.contains("sekrit"), "{curl}");

    let replayed = std::process::Command::new("sh")
        .args(["-c", curl])
        .output()
        .unwrap();
    let replayed = String::from_utf8_lossy(&replayed.stdout).replace("\r\n", "\n");
    let (head, body) = replayed.split_once("\n\n").unwrap();
    let status = head.lines().next().unwrap();
    assert_eq!(
        status.split(' ').nth(1),
        Some(case["actual"]["status"].to_string().as_str()),
        "{replayed}"
    );
    assert_eq!(
        serde_json::from_str::<Value>(body).unwrap(),
        case["actual"]["body"],
        "{replayed}"
    );

    run(&["--show-secrets"]);
    let report: Value =
        serde_json::from_str(&std::fs::read_to_string(&json_path).unwrap()).unwrap();
    let curl = report["cases"][0]["curl"].as_str().unwrap();
    assert!(curl.contains("-H 'Authorization: Bearer sekrit'"), "{curl}");
}

#[test]
fn verify_github_annotates_each_failed_case_at_its_doc_line_with_escaped_messages() {
    let addr = serve_http(drifted_app());
    let output = verify(
        addr,
        &drift_docs(),
        &["--format", "github", "--skip", "slowly"],
    );
    let text = transcript(&output);
    assert_eq!(output.status.code(), Some(1), "{text}");
    assert!(text.contains("::error file=widgets.mdx,line="), "{text}");
    // Several lines in one message: line breaks escaped, one annotation per line of output.
    assert!(text.contains("%0A"), "{text}");
    assert_drift_snapshot!("verify_github", text);
}

#[test]
fn an_https_target_is_verified_through_the_ca_named_by_ca_cert() {
    use docmock::extract::{DocsLocation, Options};
    let docs = docmock::extract::load(&DocsLocation::Embedded, &Options::default())
        .unwrap()
        .docs;
    let stub = docmock::serve::Server::new(&docs, serve_config());
    let https = serve_https(docmock::serve::router(stub));
    let ca = https.ca.display().to_string();
    let dir = tempfile::tempdir().unwrap();
    let verify = |extra: &[&str]| {
        docmock(dir.path())
            .args(["verify", "--target", &https.base])
            .args(extra)
            .output()
            .unwrap()
    };

    let output = verify(&["--ca-cert", &ca]);
    let text = transcript(&output);
    assert_eq!(output.status.code(), Some(0), "{text}");
    assert!(text.contains("PASS") && !text.contains("FAIL"), "{text}");

    // Without the CA every case fails, saying why and how to trust the target.
    let output = verify(&[]);
    let text = transcript(&output);
    assert_eq!(output.status.code(), Some(1), "{text}");
    assert!(!text.contains("PASS"), "{text}");
    assert!(
        text.contains("cannot connect to the target: invalid peer certificate: UnknownIssuer")
            && text.contains("--ca-cert FILE"),
        "{text}"
    );

    // A file that holds no certificate stops the run before any request.
    std::fs::write(dir.path().join("notes.txt"), "not a certificate\n").unwrap();
    let output = verify(&["--ca-cert", "notes.txt"]);
    let text = transcript(&output);
    assert_eq!(output.status.code(), Some(2), "{text}");
    assert!(
        text.contains("cannot use the CA file notes.txt: no certificate in it"),
        "{text}"
    );

    // docmock.toml names it too, relative to the file's folder.
    std::fs::create_dir(dir.path().join("certs")).unwrap();
    std::fs::copy(&https.ca, dir.path().join("certs/dev-ca.pem")).unwrap();
    let config = "[verify]\nca_certs = [\"certs/dev-ca.pem\"]\n";
    std::fs::write(dir.path().join("docmock.toml"), config).unwrap();
    let output = verify(&[]);
    assert_eq!(output.status.code(), Some(0), "{}", transcript(&output));
}
