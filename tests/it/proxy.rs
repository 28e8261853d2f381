//! `docmock proxy` in front of an implementation written here (`widgets_app`, following
//! `tests/data/proxy/widgets.mdx` on some requests and drifting on others): verdicts, WARN
//! lines, violations, `--strict`, redaction, a target that is down, the shutdown reports,
//! `--record` read back by `lint` and `serve`, and `serve --fallback`.

use crate::common::{data, docmock, serve_http, serve_https, MockServer};
use axum::extract::Path as UrlPath;
use axum::http::{HeaderMap, StatusCode};
use axum::response::IntoResponse;
use axum::routing::get;
use axum::{Json, Router};
use serde_json::{json, Value};
use std::net::SocketAddr;
use std::path::Path;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;

/// The widgets API as implemented; `posts` counts the creations that reached it.
fn widgets_app(posts: Arc<AtomicUsize>) -> Router {
    Router::new()
        .route(
            "/widgets/{id}",
            get(|UrlPath(id): UrlPath<String>| async move {
                match id.as_str() {
                    // as documented
                    "7" => (
                        StatusCode::OK,
                        Json(json!({"id": 7, "name": "Gizmo", "price": 12.5})),
                    ),
                    // `name` dropped, `price` a string
                    "8" => (StatusCode::OK, Json(json!({"id": 8, "price": "12.5"}))),
                    // another value, same shape
                    "6" => (
                        StatusCode::OK,
                        Json(json!({"id": 6, "name": "Gizmo", "price": 12.5})),
                    ),
                    // a status the docs do not show
                    "5" => (StatusCode::GONE, Json(json!({"error": "gone"}))),
                    _ => (
                        StatusCode::NOT_FOUND,
                        Json(json!({"error": "no such widget"})),
                    ),
                }
            }),
        )
        .route(
            "/widgets",
            axum::routing::post(move |Json(body): Json<Value>| {
                let posts = posts.clone();
                async move {
                    posts.fetch_add(1, Ordering::SeqCst);
                    (
                        StatusCode::CREATED,
                        Json(json!({"id": 8, "name": body["name"], "colour": body["colour"]})),
                    )
                }
            }),
        )
        // undocumented
        .route(
            "/gadgets/{id}",
            get(|UrlPath(id): UrlPath<u64>| async move {
                (
                    [("set-cookie", "session=SECRET-SESSION")],
                    Json(json!({"id": id, "kind": "gadget"})),
                )
                    .into_response()
            }),
        )
        // what the target received
        .route(
            "/echo",
            get(|headers: HeaderMap| async move {
                let text = |name: &str| {
                    headers
                        .get(name)
                        .and_then(|v| v.to_str().ok())
                        .map(str::to_string)
                };
                Json(json!({
                    "authorized": headers.contains_key("authorization"),
                    "host": text("host"),
                    "forwarded_for": text("x-forwarded-for"),
                    "forwarded_proto": text("x-forwarded-proto"),
                    "hop": headers.contains_key("x-hop"),
                }))
            }),
        )
}

fn target() -> (SocketAddr, Arc<AtomicUsize>) {
    let posts = Arc::new(AtomicUsize::new(0));
    (serve_http(widgets_app(posts.clone())), posts)
}

fn docs() -> String {
    data("data/proxy").display().to_string()
}

fn proxy(target: SocketAddr, extra: &[&str]) -> MockServer {
    let target = format!("http://{target}");
    let docs = docs();
    let mut args = vec![docs.as_str(), "--target", target.as_str()];
    args.extend_from_slice(extra);
    MockServer::proxy_in(&data("data/proxy"), &args)
}

fn client() -> reqwest::Client {
    reqwest::Client::builder().no_proxy().build().unwrap()
}

async fn get_json(url: &str) -> (u16, HeaderMap, Value) {
    let response = client().get(url).send().await.unwrap();
    let status = response.status().as_u16();
    let headers = response.headers().clone();
    let text = response.text().await.unwrap();
    (
        status,
        headers,
        serde_json::from_str(&text).unwrap_or(Value::String(text)),
    )
}

async fn post_json(url: &str, body: Value) -> (u16, HeaderMap, Value) {
    let response = client()
        .post(url)
        .header("content-type", "application/json")
        .body(body.to_string())
        .send()
        .await
        .unwrap();
    let status = response.status().as_u16();
    let headers = response.headers().clone();
    let text = response.text().await.unwrap();
    (
        status,
        headers,
        serde_json::from_str(&text).unwrap_or(Value::String(text)),
    )
}

/// The verdicts of the journal, in order.
async fn journal_reasons(proxy: &MockServer) -> Vec<String> {
    let (_, _, journal) = get_json(&proxy.url("/__docmock/requests")).await;
    journal["requests"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| {
            format!(
                "{} {} {}",
                e["path"].as_str().unwrap(),
                e["status"],
                e["reason"].as_str().unwrap()
            )
        })
        .collect()
}

/// The proxy's log once it holds `text` (lines are written every 20 ms), or as it is after 5 s.
async fn log_with(proxy: &MockServer, text: &str) -> String {
    for _ in 0..250 {
        let log = proxy.stderr();
        if log.contains(text) {
            return log;
        }
        tokio::time::sleep(std::time::Duration::from_millis(20)).await;
    }
    proxy.stderr()
}

#[tokio::test]
async fn conforming_traffic_passes_through_unchanged_and_counts_as_coverage() {
    let (target, _) = target();
    let proxy = proxy(target, &[]);
    let (status, headers, body) = get_json(&proxy.url("/widgets/7")).await;
    assert_eq!(status, 200);
    assert_eq!(body, json!({"id": 7, "name": "Gizmo", "price": 12.5}));
    assert!(headers.get("x-docmock-error").is_none());
    assert_eq!(journal_reasons(&proxy).await, ["/widgets/7 200 conforms"]);
    let (_, _, coverage) = get_json(&proxy.url("/__docmock/coverage")).await;
    assert_eq!(coverage["served_count"], 1);
    assert_eq!(coverage["served"][0]["id"], "widgets/show-a-widget/success");
    let (_, _, violations) = get_json(&proxy.url("/__docmock/violations")).await;
    assert_eq!(violations, json!({"count": 0, "groups": []}));
    assert!(!proxy.stderr().contains("WARN"), "{}", proxy.stderr());
}

#[tokio::test]
async fn a_differing_answer_is_returned_unchanged_with_a_warn_line_per_difference_and_grouped_under_violations(
) {
    let (target, _) = target();
    let proxy = proxy(target, &[]);
    for _ in 0..2 {
        let (status, _, body) = get_json(&proxy.url("/widgets/8")).await;
        assert_eq!((status, body), (200, json!({"id": 8, "price": "12.5"})));
    }
    let log = log_with(&proxy, "/price").await;
    assert!(
        log.contains(
            r#"differs GET /widgets/8: /name: docs "Gizmo", actual missing (widgets.mdx:18)"#
        ),
        "{log}"
    );
    assert!(
        log.contains(
            r#"differs GET /widgets/8: /price: docs 12.5, actual "12.5" (widgets.mdx:18)"#
        ),
        "{log}"
    );
    let (_, _, violations) = get_json(&proxy.url("/__docmock/violations")).await;
    assert_eq!(violations["count"], 2);
    let group = &violations["groups"][0];
    assert_eq!(group["kind"], "differs");
    assert_eq!(group["route"], "/widgets/{widget_id}");
    assert_eq!(group["case"], "widgets/show-a-widget/success");
    assert_eq!(group["doc"], "widgets.mdx:18");
    assert_eq!(group["count"], 2);
    assert_eq!(group["differences"][0]["pointer"], "/name");
    assert_eq!(group["sample"]["request"]["path"], "/widgets/8");
    assert_eq!(
        group["sample"]["response"]["body"],
        json!({"id": 8, "price": "12.5"})
    );
    assert!(group["first_seen"].is_string() && group["last_seen"].is_string());
    assert_eq!(
        journal_reasons(&proxy).await,
        ["/widgets/8 200 differs", "/widgets/8 200 differs"]
    );
}

#[tokio::test]
async fn the_match_level_is_verifys_another_value_conforms_by_shape_and_differs_by_values() {
    let (target, _) = target();
    for (level, verdict) in [
        ("shape", "conforms"),
        ("values", "differs"),
        ("exact", "differs"),
    ] {
        let proxy = proxy(target, &["--match", level]);
        get_json(&proxy.url("/widgets/6")).await;
        assert_eq!(
            journal_reasons(&proxy).await,
            [format!("/widgets/6 200 {verdict}")],
            "{level}"
        );
    }
}

#[tokio::test]
async fn the_documented_case_for_the_real_status_is_the_one_compared() {
    let (target, _) = target();
    let proxy = proxy(target, &[]);
    let (status, _, _) = get_json(&proxy.url("/widgets/404")).await;
    assert_eq!(status, 404);
    let (_, _, journal) = get_json(&proxy.url("/__docmock/requests")).await;
    assert_eq!(journal["requests"][0]["reason"], "conforms");
    assert_eq!(
        journal["requests"][0]["fixture"],
        "widgets/show-a-widget/when-the-widget-does-not-exist"
    );
}

#[tokio::test]
async fn a_request_that_breaks_the_parameter_table_is_a_client_side_violation() {
    let (target, posts) = target();
    let proxy = proxy(target, &[]);
    let (status, _, _) = post_json(&proxy.url("/widgets"), json!({"colour": "green"})).await;
    assert_eq!(status, 201, "forwarded all the same without --strict");
    assert_eq!(posts.load(Ordering::SeqCst), 1);
    let (_, _, violations) = get_json(&proxy.url("/__docmock/violations")).await;
    let group = &violations["groups"][0];
    assert_eq!(group["kind"], "request-violates");
    assert_eq!(group["problem"], "name: missing");
    assert_eq!(
        journal_reasons(&proxy).await,
        ["/widgets 201 request-violates"]
    );
    let warning = "request-violates POST /widgets: name: missing (docs widgets.mdx:";
    let log = log_with(&proxy, warning).await;
    assert!(log.contains(warning), "{log}");
}

#[tokio::test]
async fn undocumented_routes_and_statuses_are_verdicts_of_their_own() {
    let (target, _) = target();
    let proxy = proxy(target, &[]);
    assert_eq!(get_json(&proxy.url("/gadgets/3")).await.0, 200);
    assert_eq!(get_json(&proxy.url("/widgets/5")).await.0, 410);
    assert_eq!(
        journal_reasons(&proxy).await,
        [
            "/gadgets/3 200 undocumented-route",
            "/widgets/5 410 undocumented-status"
        ]
    );
    let (_, _, violations) = get_json(&proxy.url("/__docmock/violations")).await;
    let kinds: Vec<(&str, &str)> = violations["groups"]
        .as_array()
        .unwrap()
        .iter()
        .map(|g| (g["route"].as_str().unwrap(), g["kind"].as_str().unwrap()))
        .collect();
    assert_eq!(
        kinds,
        [
            ("/gadgets/3", "undocumented-route"),
            ("/widgets/{widget_id}", "undocumented-status")
        ]
    );
}

#[tokio::test]
async fn strict_answers_502_problem_json_for_a_difference_and_422_without_forwarding() {
    let (target, posts) = target();
    let proxy = proxy(target, &["--strict"]);
    let (status, headers, body) = get_json(&proxy.url("/widgets/8")).await;
    assert_eq!(status, 502);
    assert_eq!(headers["content-type"], "application/problem+json");
    assert_eq!(headers["x-docmock-error"], "differs");
    assert_eq!(body["status"], 502);
    assert_eq!(body["case"], "widgets/show-a-widget/success");
    assert_eq!(
        body["violations"],
        json!([
            {"at": "/name", "docs": "\"Gizmo\"", "actual": "missing"},
            {"at": "/price", "docs": "12.5", "actual": "\"12.5\""}
        ])
    );
    let (status, headers, body) =
        post_json(&proxy.url("/widgets"), json!({"colour": "green"})).await;
    assert_eq!(status, 422);
    assert_eq!(headers["content-type"], "application/problem+json");
    assert_eq!(body["errors"], json!({"name": ["missing"]}));
    assert_eq!(posts.load(Ordering::SeqCst), 0, "not forwarded");
    // conforming answers are still the target's
    let (status, _, body) = get_json(&proxy.url("/widgets/7")).await;
    assert_eq!((status, body["name"].clone()), (200, json!("Gizmo")));
}

#[tokio::test]
async fn forwarding_rewrites_host_adds_x_forwarded_headers_and_drops_hop_by_hop_ones() {
    let (target, _) = target();
    let proxy = proxy(target, &[]);
    let response = client()
        .get(proxy.url("/echo"))
        .header("authorization", "Bearer t")
        .header("connection", "x-hop")
        .header("x-hop", "1")
        .send()
        .await
        .unwrap();
    let body: Value = serde_json::from_str(&response.text().await.unwrap()).unwrap();
    assert_eq!(body["authorized"], true);
    assert_eq!(body["host"], target.to_string());
    assert_eq!(body["forwarded_for"], "127.0.0.1");
    assert_eq!(body["forwarded_proto"], "http");
    assert_eq!(body["hop"], false);
}

#[tokio::test]
async fn bound_to_loopback_a_foreign_host_is_refused_421_and_never_forwarded() {
    let (target, posts) = target();
    let proxy = proxy(target, &[]);
    let response = client()
        .post(proxy.url("/widgets"))
        .header("host", "attacker.example")
        .header("content-type", "application/json")
        .body(json!({"name": "w"}).to_string())
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 421);
    assert_eq!(response.headers()["x-docmock-error"], "host-not-allowed");
    assert_eq!(
        posts.load(Ordering::SeqCst),
        0,
        "the target saw the request"
    );
    // a loopback name is forwarded as before
    let (status, _, _) = get_json(&proxy.url("/echo")).await;
    assert_eq!(status, 200);
}

#[tokio::test]
async fn secret_header_values_never_reach_logs_journal_violations_reports_or_recordings() {
    let (target, _) = target();
    let dir = tempfile::tempdir().unwrap();
    let report = dir.path().join("report.json");
    let recording = dir.path().join("recorded");
    let mut proxy = proxy(
        target,
        &[
            "--redact-header",
            "X-Api-Key",
            "--report",
            &format!("json={}", report.display()),
            "--record",
            recording.to_str().unwrap(),
        ],
    );
    for path in ["/gadgets/3", "/widgets/8"] {
        let response = client()
            .get(proxy.url(path))
            .header("authorization", "Bearer SECRET-TOKEN")
            .header("cookie", "c=SECRET-COOKIE")
            .header("proxy-authorization", "Basic SECRET-PROXY")
            .header("x-api-key", "SECRET-KEY")
            .send()
            .await
            .unwrap();
        // the client still gets the target's cookie: redaction is about what docmock keeps
        if path == "/gadgets/3" {
            assert_eq!(response.headers()["set-cookie"], "session=SECRET-SESSION");
        }
    }
    let mut kept = String::new();
    kept.push_str(
        &get_json(&proxy.url("/__docmock/requests"))
            .await
            .2
            .to_string(),
    );
    let violations = get_json(&proxy.url("/__docmock/violations")).await.2;
    assert_eq!(
        violations["groups"][0]["sample"]["request"]["headers"]["authorization"],
        "[redacted]"
    );
    kept.push_str(&violations.to_string());
    let (code, _) = proxy.terminate();
    assert_eq!(code, Some(1));
    kept.push_str(&proxy.stderr());
    kept.push_str(&std::fs::read_to_string(&report).unwrap());
    for entry in std::fs::read_dir(&recording).unwrap() {
        kept.push_str(&std::fs::read_to_string(entry.unwrap().path()).unwrap());
    }
    assert!(kept.contains("[redacted]"));
    assert!(!kept.contains("SECRET"), "{kept}");
}

#[tokio::test]
async fn a_target_that_is_down_gets_502_with_x_docmock_error_and_the_proxy_keeps_running() {
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap();
    let proxy = proxy(port, &[]);
    for _ in 0..2 {
        let (status, headers, body) = get_json(&proxy.url("/widgets/7")).await;
        assert_eq!(status, 502);
        assert_eq!(headers["x-docmock-error"], "target-unreachable");
        assert!(
            body["error"]
                .as_str()
                .unwrap()
                .contains("cannot connect to the target"),
            "{body}"
        );
    }
    assert_eq!(
        journal_reasons(&proxy).await,
        [
            "/widgets/7 502 target-unreachable",
            "/widgets/7 502 target-unreachable"
        ]
    );
    let log = log_with(&proxy, "cannot connect to the target").await;
    assert!(
        log.contains("ERROR GET /widgets/7: cannot connect to the target"),
        "{log}"
    );
}

#[tokio::test]
async fn the_shutdown_reports_have_a_case_per_exercised_case_and_per_violation_kind_and_exit_1_on_a_difference(
) {
    let (target, _) = target();
    let dir = tempfile::tempdir().unwrap();
    let json_path = dir.path().join("proxy.json");
    let junit_path = dir.path().join("proxy.xml");
    let mut proxy = proxy(
        target,
        &[
            "--report",
            &format!("json={}", json_path.display()),
            "--report",
            &format!("junit={}", junit_path.display()),
            "--report",
            "human",
        ],
    );
    for path in ["/widgets/7", "/widgets/8", "/widgets/404", "/gadgets/3"] {
        get_json(&proxy.url(path)).await;
    }
    let (code, stdout) = proxy.terminate();
    assert_eq!(code, Some(1));
    assert!(
        stdout.contains(
            "FAIL widgets/show-a-widget/success GET /widgets/{widget_id} (2 exchanges, 1 differed)"
        ),
        "{stdout}"
    );
    assert!(stdout.contains("2 conforms, 1 differs, 0 request-violates, 0 undocumented-status, 1 undocumented-route"), "{stdout}");

    let report: Value =
        serde_json::from_str(&std::fs::read_to_string(&json_path).unwrap()).unwrap();
    let cases: Vec<(&str, u64, u64)> = report["cases"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| {
            (
                c["id"].as_str().unwrap(),
                c["exchanges"].as_u64().unwrap(),
                c["differed"].as_u64().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        cases,
        [
            ("widgets/show-a-widget/success", 2, 1),
            ("widgets/show-a-widget/when-the-widget-does-not-exist", 1, 0)
        ]
    );
    assert_eq!(report["verdicts"]["differs"], 1);

    let xml = std::fs::read_to_string(&junit_path).unwrap();
    let document = roxmltree::Document::parse(&xml).unwrap();
    let testcases: Vec<(String, &str)> = document
        .descendants()
        .filter(|n| n.has_tag_name("testcase"))
        .map(|n| {
            let outcome = n
                .children()
                .find(|c| c.is_element())
                .map_or("pass", |c| c.tag_name().name());
            (n.attribute("name").unwrap().to_string(), outcome)
        })
        .collect();
    assert_eq!(
        testcases,
        [
            ("widgets/show-a-widget/success".to_string(), "failure"),
            (
                "widgets/show-a-widget/when-the-widget-does-not-exist".to_string(),
                "pass"
            ),
            ("differs".to_string(), "failure"),
            ("undocumented-route".to_string(), "skipped"),
        ]
    );
}

#[tokio::test]
async fn a_run_where_everything_conforms_exits_0() {
    let (target, _) = target();
    let mut proxy = proxy(target, &["--report", "human"]);
    get_json(&proxy.url("/widgets/7")).await;
    let (code, stdout) = proxy.terminate();
    assert_eq!(code, Some(0), "{stdout}");
}

/// Status and body of each path, as `base` answers them.
async fn answers(base: &str, paths: &[&str]) -> Vec<(u16, Value)> {
    let mut out = Vec::new();
    for path in paths {
        let (status, _, body) = get_json(&format!("{base}{path}")).await;
        out.push((status, body));
    }
    out
}

#[tokio::test]
async fn a_recording_reads_back_with_lint_and_serve_gives_the_same_answers() {
    let (target, _) = target();
    let dir = tempfile::tempdir().unwrap();
    let recording = dir.path().join("recorded");
    let mut proxy = proxy(target, &["--record", recording.to_str().unwrap()]);
    let paths = ["/gadgets/3", "/gadgets/4", "/gadgets/4", "/widgets/5"];
    let proxied = answers(&proxy.base, &paths).await;
    proxy.terminate();

    let mut files: Vec<String> = std::fs::read_dir(&recording)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    files.sort();
    assert_eq!(files, ["get-gadgets-id.md", "get-widgets-widget-id.md"]);
    insta::assert_snapshot!(
        "recorded_gadgets_page",
        std::fs::read_to_string(recording.join("get-gadgets-id.md")).unwrap()
    );
    insta::assert_snapshot!(
        "recorded_undocumented_status_page",
        std::fs::read_to_string(recording.join("get-widgets-widget-id.md")).unwrap()
    );

    let lint = docmock(dir.path())
        .args(["lint", "recorded"])
        .output()
        .unwrap();
    let lint_out = String::from_utf8_lossy(&lint.stdout);
    assert!(
        lint.status.success(),
        "{lint_out}{}",
        String::from_utf8_lossy(&lint.stderr)
    );
    assert_eq!(lint_out.trim(), "lint: no findings");

    let stub = MockServer::start_in(dir.path(), &["recorded"]);
    assert_eq!(answers(&stub.base, &paths).await, proxied);
}

#[tokio::test]
async fn serve_fallback_answers_documented_routes_from_the_docs_and_forwards_the_rest() {
    let (target, _) = target();
    let target = format!("http://{target}");
    let stub = MockServer::start_in(Path::new(&docs()), &[".", "--fallback", &target]);
    // documented: the docs answer (the target would drift here)
    let (status, headers, body) = get_json(&stub.url("/widgets/8")).await;
    assert_eq!(status, 200);
    assert_eq!(body["name"], "Gizmo");
    assert!(headers.contains_key("x-docmock-fixture"));
    // undocumented: the target answers
    let (status, _, body) = get_json(&stub.url("/gadgets/3")).await;
    assert_eq!((status, body), (200, json!({"id": 3, "kind": "gadget"})));
    let (_, _, journal) = get_json(&stub.url("/__docmock/requests")).await;
    let reasons: Vec<&str> = journal["requests"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["reason"].as_str().unwrap())
        .collect();
    assert_eq!(reasons, ["success", "fallback"]);
}

#[tokio::test]
async fn an_https_target_is_reached_through_the_ca_named_by_ca_cert() {
    let https = serve_https(widgets_app(Arc::new(AtomicUsize::new(0))));
    let ca = https.ca.display().to_string();
    let docs = docs();
    let proxy = MockServer::proxy_in(
        &data("data/proxy"),
        &[&docs, "--target", &https.base, "--ca-cert", &ca],
    );
    let (status, _, body) = get_json(&proxy.url("/widgets/7")).await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body, json!({"id": 7, "name": "Gizmo", "price": 12.5}));
    assert_eq!(journal_reasons(&proxy).await, ["/widgets/7 200 conforms"]);

    let stub = MockServer::start_in(
        Path::new(&docs),
        &[".", "--fallback", &https.base, "--ca-cert", &ca],
    );
    let (status, _, body) = get_json(&stub.url("/gadgets/3")).await;
    assert_eq!((status, body), (200, json!({"id": 3, "kind": "gadget"})));

    // Without the CA the certificate is refused, and the answer says how to trust it.
    let untrusting = MockServer::proxy_in(&data("data/proxy"), &[&docs, "--target", &https.base]);
    let (status, headers, body) = get_json(&untrusting.url("/widgets/7")).await;
    assert_eq!(status, 502);
    assert_eq!(headers["x-docmock-error"], "target-unreachable");
    let error = body["error"].as_str().unwrap();
    assert!(
        error.contains("invalid peer certificate: UnknownIssuer")
            && error.contains("--ca-cert FILE"),
        "{error}"
    );
}
