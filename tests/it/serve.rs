//! `docmock serve` as a client sees it: the documented answers. Most tests send their
//! requests to the router in process (`common::Stub`); the few that need a process or a socket
//! (start-up, `--watch`, SIGTERM, what hyper does with raw bytes, the request log) run the
//! built binary on an ephemeral loopback port.

use crate::common::{send, serve_config, Answer, MockServer, Stub};
use docmock::extract::{DocsLocation, Options};
use docmock::fixture::{DocSet, Fixture, PlaceholderKind, Segment};
use docmock::serve::Config;
use reqwest::{Method, StatusCode};
use serde_json::{json, Value};
use std::path::Path;
use std::process::Command;
use std::time::{Duration, Instant};

fn client() -> reqwest::Client {
    reqwest::Client::builder().no_proxy().build().unwrap()
}

/// Send over HTTP, to the binary.
async fn send_http(request: reqwest::RequestBuilder) -> Answer {
    Answer::from_reqwest(request.send().await.expect("the server answers")).await
}

fn default_docs() -> DocSet {
    docmock::extract::load(&DocsLocation::Embedded, &Options::default())
        .unwrap()
        .docs
}

/// A concrete path for a fixture: documented values where the docs give them, else `7`.
fn concrete_path(fixture: &Fixture) -> String {
    let template = docmock::fixture::RouteTemplate::parse(&fixture.request.route);
    let mut path = String::new();
    for segment in &template.segments {
        path.push('/');
        match segment {
            Segment::Literal(l) => path.push_str(l),
            Segment::Param(p) => path.push_str(
                fixture
                    .request
                    .path_params
                    .get(p)
                    .map(String::as_str)
                    .unwrap_or("7"),
            ),
        }
    }
    path
}

fn method(fixture: &Fixture) -> Method {
    Method::from_bytes(fixture.request.method.as_bytes()).unwrap()
}

#[tokio::test]
async fn every_documented_case_of_the_default_docs_is_served_as_documented() {
    let stub = Stub::embedded();
    let docs = default_docs();
    let mut checked = 0;
    for fixture in docs.servable() {
        let answer = send(
            stub.request(method(fixture), concrete_path(fixture))
                .header("Prefer", format!("example={}", fixture.id)),
        )
        .await;
        assert_eq!(
            answer.status.as_u16(),
            fixture.response.status,
            "{}",
            fixture.id
        );
        assert_eq!(
            answer.header("x-docmock-fixture"),
            Some(fixture.id.as_str())
        );
        assert_eq!(answer.header("x-docmock-reason"), Some("prefer-example"));
        assert_eq!(answer.header("x-docmock-error"), None);
        match &fixture.response.body {
            None => assert_eq!(answer.text, "", "{}", fixture.id),
            Some(documented) => {
                assert_eq!(answer.header("content-type"), Some("application/json"));
                let served = answer.json();
                let more: Vec<&str> = fixture
                    .placeholders
                    .iter()
                    .filter(|p| p.kind == PlaceholderKind::MoreElements)
                    .map(|p| p.pointer.as_str())
                    .collect();
                if more.is_empty() {
                    assert_eq!(&served, documented, "{}", fixture.id);
                } else {
                    // "More elements" stand-ins are left out, everything else is as documented.
                    for pointer in more {
                        let (parent, _) = pointer.rsplit_once('/').unwrap();
                        let documented_len = documented
                            .pointer(parent)
                            .unwrap()
                            .as_array()
                            .unwrap()
                            .len();
                        let served_len = served.pointer(parent).unwrap().as_array().unwrap().len();
                        assert_eq!(served_len, documented_len - 1, "{} {pointer}", fixture.id);
                    }
                    assert_eq!(served["id"], documented["id"]);
                }
            }
        }
        checked += 1;
    }
    assert!(checked >= 20, "{checked} cases");
}

#[tokio::test]
async fn a_case_can_be_chosen_by_code_by_slug_by_duplicate_id_or_from_the_query() {
    let stub = Stub::embedded();
    let path = "/api/v1/dossiers/7/protocol_subscriptions";
    let answer = send(stub.post(path).header("Prefer", "code=422")).await;
    assert_eq!(answer.status, 422);
    assert_eq!(answer.header("x-docmock-reason"), Some("prefer-code"));
    assert_eq!(
        answer.json(),
        json!({"errors": {"base": ["flag_does_not_exist"]}})
    );

    let answer = send(
        stub.post(path)
            .header("Prefer", "example=when-a-flag-is-set-to-an-invalid-value"),
    )
    .await;
    assert_eq!(
        answer.json(),
        json!({"errors": {"base": ["flag_value_invalid"]}})
    );

    let duplicate = "protocol-subscriptions/start-a-protocol-subscription/when-a-flag-is-set-to-an-invalid-value@002-106654f3fb5ffc7e-txt";
    let answer = send(
        stub.post(path)
            .header("Prefer", format!("example={duplicate}")),
    )
    .await;
    assert_eq!(answer.status, 422);

    let answer = send(stub.post(format!("{path}?__code=404"))).await;
    assert_eq!(answer.status, 404);
    assert_eq!(
        answer.header("x-docmock-fixture"),
        Some("protocol-subscriptions/start-a-protocol-subscription/when-no-protocol-exists-with-the-protocol-key-provided")
    );
    assert_eq!(
        answer.header("x-docmock-error"),
        None,
        "a documented 404 is not docmock's own"
    );
}

#[tokio::test]
async fn an_unknown_preference_gets_400_listing_the_available_cases() {
    let stub = Stub::embedded();
    let path = "/api/v1/dossiers/7/protocol_subscriptions/3";
    for prefer in ["code=418", "example=no-such-case", "code=teapot"] {
        let answer = send(stub.delete(path).header("Prefer", prefer)).await;
        assert_eq!(answer.status, 400, "{prefer}");
        assert_eq!(answer.header("x-docmock-error"), Some("unknown-preference"));
        let body = answer.json();
        assert_eq!(body["available"]["codes"], json!([200, 404]));
        assert_eq!(body["available"]["examples"].as_array().unwrap().len(), 2);
    }
    let answer = send(stub.delete(format!("{path}?__example=nope"))).await;
    assert_eq!(answer.status, 400);
}

#[tokio::test]
async fn a_request_equal_to_a_documented_one_gets_that_case() {
    let stub = Stub::embedded();
    let answer = send(stub.post("/api/v1/dossiers/some_epd_id/fill_out_sessions")).await;
    assert_eq!(answer.status, 422);
    assert_eq!(answer.header("x-docmock-reason"), Some("request-match"));
    assert_eq!(
        answer.json(),
        json!({"errors": {"questionnaire_keys": "missing", "response_ids": "missing"}})
    );
    let answer = send(stub.get("/api/v1/dossiers/epd_id_index/responses")).await;
    assert_eq!(answer.status, 200);
    assert_eq!(answer.header("x-docmock-reason"), Some("request-match"));
    // Any other dossier gets the success case.
    let answer = send(stub.get("/api/v1/dossiers/other/responses")).await;
    assert_eq!(answer.header("x-docmock-reason"), Some("success"));
}

#[tokio::test]
async fn parameter_tables_validate_requests() {
    let stub = Stub::embedded();
    let fill = "/api/v1/dossiers/7/fill_out_sessions";
    // Missing `return_to`: the documented error case whose heading names it.
    let answer = send(
        stub.post(fill)
            .json_body(&json!({"questionnaire_keys": ["a"]})),
    )
    .await;
    assert_eq!(answer.status, 422);
    assert_eq!(answer.header("x-docmock-reason"), Some("validation"));
    assert_eq!(
        answer.header("x-docmock-fixture"),
        Some("fill-out-sessions/start-a-fill-out-session/when-no-return-to-url-is-provided")
    );
    let answer = send(
        stub.post(fill)
            .json_body(&json!({"return_to": "https://x"})),
    )
    .await;
    assert_eq!(answer.status, 200);
    assert_eq!(answer.header("x-docmock-reason"), Some("success"));

    let subscribe = "/api/v1/dossiers/7/protocol_subscriptions";
    // Neither `protocol_key` nor `protocol_id`: no documented case names them, so 422 in the
    // docs' error shape.
    let answer = send(stub.post(subscribe).json_body(&json!({}))).await;
    assert_eq!(answer.status, 422);
    assert_eq!(
        answer.header("x-docmock-reason"),
        Some("validation-synthesized")
    );
    assert_eq!(
        answer.json(),
        json!({"errors": {"protocol_key": ["missing"]}})
    );
    // `protocol_id` alone is enough ("required unless"), but it must be an integer.
    let answer = send(stub.post(subscribe).json_body(&json!({"protocol_id": "x"}))).await;
    assert_eq!(
        answer.json(),
        json!({"errors": {"protocol_id": ["must be an integer"]}})
    );
    let answer = send(stub.post(subscribe).json_body(&json!({"protocol_id": 5}))).await;
    assert_eq!(answer.status, 200);
    let answer = send(
        stub.post(subscribe)
            .json_body(&json!({"protocol_key": "rom"})),
    )
    .await;
    assert_eq!(answer.status, 200);
}

/// A hand-written fixtures folder whose tables have enums, nested attributes and a
/// deprecated parameter (`tests/data/serve/params/orders.json`).
const PARAMS: &str = "tests/data/serve/params";
/// The same API written as a Markdown page with parameter tables (read by `extract::prose`).
const PARAMS_PAGE: &str = "tests/data/serve/prose";

#[tokio::test]
async fn a_value_outside_the_enum_is_answered_like_a_wrong_type() {
    for docs in [PARAMS, PARAMS_PAGE] {
        value_outside_the_enum(docs).await;
    }
}

/// The orders API as a hand-written model (`PARAMS`) and as a page a reader writes
/// (`PARAMS_PAGE`): both must be served alike.
async fn value_outside_the_enum(docs: &str) {
    let stub = Stub::from_dir(docs);
    let orders = "/orders";
    // no documented case names `status`: a synthesized 422 in the docs' error shape
    let answer = send(stub.post(orders).json_body(&json!({"status": "archived"}))).await;
    assert_eq!(answer.status, 422);
    assert_eq!(
        answer.header("x-docmock-reason"),
        Some("validation-synthesized; near-miss=orders/create-an-order/when-a-plan-key-is-unknown")
    );
    assert_eq!(
        answer.json(),
        json!({"errors": {"status": ["must be one of: draft, published"]}})
    );
    let answer = send(stub.post(orders).json_body(&json!({"status": "draft"}))).await;
    assert_eq!(answer.status, 201);
    // query values too; headers are never checked
    let answer = send(stub.get("/orders?state=pending")).await;
    assert_eq!(answer.status, 422);
    assert_eq!(
        answer.json(),
        json!({"errors": {"state": ["must be one of: open, closed"]}})
    );
    // a nested one, answered by the case whose heading names it as written
    for query in ["filter[kind]=resale", "filter%5Bkind%5D=resale"] {
        let answer = send(stub.get(format!("/orders?{query}"))).await;
        assert_eq!(answer.status, 400, "{query}");
        assert_eq!(answer.header("x-docmock-reason"), Some("validation"));
        assert_eq!(
            answer.header("x-docmock-fixture"),
            Some("orders/list-orders/when-filter-kind-is-unknown")
        );
    }
    let answer = send(stub.get("/orders?state=open&filter[kind]=retail")).await;
    assert_eq!(answer.status, 200);
}

#[tokio::test]
async fn nested_attributes_are_validated_inside_their_parent() {
    for docs in [PARAMS, PARAMS_PAGE] {
        nested_attributes_inside_their_parent(docs).await;
    }
}

async fn nested_attributes_inside_their_parent(docs: &str) {
    let stub = Stub::from_dir(docs);
    let orders = "/orders";
    let unknown_plan = Some("orders/create-an-order/when-a-plan-key-is-unknown");
    // `subscription[plan_keys]` is required once `subscription` is given; the documented 422
    // names its key `plan_keys`
    for body in [
        json!({"subscription": {}}),
        json!({"subscription": {"plan_keys": ["gold", "pro"]}}),
        json!({"subscription": {"plan_keys": "pro"}}),
    ] {
        let answer = send(stub.post(orders).json_body(&body)).await;
        assert_eq!(answer.status, 422, "{body}");
        assert_eq!(
            answer.header("x-docmock-reason"),
            Some("validation; near-miss=orders/create-an-order/when-a-plan-key-is-unknown"),
            "{body}"
        );
        assert_eq!(answer.header("x-docmock-fixture"), unknown_plan, "{body}");
    }
    // the same from a form
    let answer = send(
        stub.post(orders)
            .header("content-type", "application/x-www-form-urlencoded")
            .body("subscription[plan_keys]=gold"),
    )
    .await;
    assert_eq!(answer.header("x-docmock-fixture"), unknown_plan);
    // `items[][sku]` in every element: the first failing one, named as documented
    let answer = send(
        stub.post(orders)
            .json_body(&json!({"items": [{"sku": "A-1"}, {"quantity": 1}]})),
    )
    .await;
    assert_eq!(
        answer.json(),
        json!({"errors": {"items[][sku]": ["missing"]}})
    );
    let answer = send(
        stub.post(orders)
            .json_body(&json!({"items": [{"sku": "A-1", "quantity": "two"}]})),
    )
    .await;
    assert_eq!(
        answer.json(),
        json!({"errors": {"items[][quantity]": ["must be an integer"]}})
    );
    // no parent, nothing required of its attributes
    let answer = send(
        stub.post(orders)
            .json_body(&json!({"items": [{"sku": "A-1"}], "customer_id": 3})),
    )
    .await;
    assert_eq!(answer.status, 201);
    assert_eq!(
        answer.header("x-docmock-reason"),
        Some("success; near-miss=orders/create-an-order/success")
    );
}

#[tokio::test]
async fn another_method_on_a_documented_path_gets_405_with_allow() {
    let stub = Stub::embedded();
    let answer = send(stub.patch("/api/v1/dossiers/7/responses/5")).await;
    assert_eq!(answer.status, 405);
    assert_eq!(answer.header("allow"), Some("DELETE, PUT"));
    assert_eq!(answer.header("x-docmock-error"), Some("method-not-allowed"));
}

#[tokio::test]
async fn an_undocumented_path_gets_404_naming_the_closest_routes() {
    let stub = Stub::embedded();
    let answer = send(stub.get("/api/v1/dossiers/7/respons")).await;
    assert_eq!(answer.status, 404);
    assert_eq!(answer.header("x-docmock-error"), Some("no-route"));
    let closest = answer.json()["closest"].clone();
    assert_eq!(
        closest[0], "GET /api/v1/dossiers/{dossier_id}/responses",
        "{closest}"
    );
}

#[tokio::test]
async fn a_request_no_route_answers_is_logged_as_a_warning() {
    let mock = MockServer::start(&[]);
    let answer = send_http(client().get(mock.url("/api/v1/dossiers/7/respons"))).await;
    assert_eq!(answer.status, 404);
    let log = wait_for(|| Some(mock.stderr()).filter(|l| l.contains("/api/v1/dossiers/7/respons")));
    assert!(log.contains("WARN"), "{log}");
}

#[tokio::test]
async fn trailing_slash_json_suffix_and_case_of_aspnet_routes_are_tolerated() {
    let stub = Stub::embedded();
    for path in [
        "/api/v1/dossiers/7/responses/",
        "/api/v1/dossiers/7/responses.json",
    ] {
        let answer = send(stub.get(path)).await;
        assert_eq!(answer.status, 200, "{path}");
    }
    for path in [
        "/api/v1/patients/12/forms",
        "/API/V1/PATIENTS/12/FORMS/",
        "/Api/V1/Patients/12/Forms",
    ] {
        let answer = send(stub.post(path).json_body(&json!({}))).await;
        assert_eq!(answer.status, 200, "{path}");
        assert_eq!(
            answer.header("x-docmock-fixture"),
            Some("post-api-v1-patients-patientid-forms/post-api-v1-patients-patientid-forms/200")
        );
    }
    // Case does not matter for ASP.NET routes only.
    let answer = send(stub.get("/API/v1/dossiers/7/responses")).await;
    assert_eq!(answer.status, 404);
    // `patientId` is an integer.
    let answer = send(
        stub.post("/api/v1/patients/abc/forms")
            .json_body(&json!({})),
    )
    .await;
    assert_eq!(answer.status, 422);
    assert_eq!(
        answer.json(),
        json!({"errors": {"patientId": ["must be an integer"]}})
    );
}

#[tokio::test]
async fn a_body_over_the_limit_gets_413_and_broken_json_gets_400_with_the_place() {
    let stub = Stub::with_config(
        None,
        Config {
            max_body_bytes: 100,
            ..serve_config()
        },
    );
    let path = "/api/v1/dossiers/7/protocol_subscriptions";
    let answer = send(
        stub.post(path)
            .json_body(&json!({"protocol_key": "x".repeat(200)})),
    )
    .await;
    assert_eq!(answer.status, 413);
    assert_eq!(answer.header("x-docmock-error"), Some("body-too-large"));

    let answer = send(
        stub.post(path)
            .header("content-type", "application/json")
            .body("{\n  \"protocol_key\": \"x\",\n}"),
    )
    .await;
    assert_eq!(answer.status, 400);
    assert_eq!(answer.header("x-docmock-error"), Some("malformed-json"));
    let detail = answer.json()["detail"].as_str().unwrap().to_string();
    assert!(detail.contains("line 3 column 1"), "{detail}");
}

#[test]
fn a_chunked_body_over_the_limit_gets_413() {
    let mock = MockServer::start(&["--max-body-bytes", "100"]);
    // Without a length up front (chunked), the limit holds too.
    let head = raw_request(
        &mock.base,
        "POST /api/v1/dossiers/7/protocol_subscriptions HTTP/1.1\r\nHost: 127.0.0.1\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\n50\r\n"
            .to_string()
            + &"x".repeat(80)
            + "\r\n50\r\n"
            + &"y".repeat(80)
            + "\r\n0\r\n\r\n",
    );
    assert!(head.starts_with("HTTP/1.1 413"), "{head}");
}

/// Send raw bytes over a new connection and return what comes back.
fn raw_request(base: &str, request: String) -> String {
    use std::io::{Read, Write};
    let address = base.trim_start_matches("http://");
    let mut stream = std::net::TcpStream::connect(address).unwrap();
    stream
        .set_read_timeout(Some(Duration::from_secs(10)))
        .unwrap();
    stream.write_all(request.as_bytes()).unwrap();
    let mut answer = Vec::new();
    let _ = stream.read_to_end(&mut answer);
    String::from_utf8_lossy(&answer).into_owned()
}

#[tokio::test]
async fn header_and_uri_sizes_are_limited() {
    let stub = Stub::embedded();
    let long = format!("/api/v1/dossiers/{}/responses", "x".repeat(10_000));
    let answer = send(stub.get(long)).await;
    assert_eq!(answer.status, 414);
    let answer = send(
        stub.get("/api/v1/dossiers/7/responses")
            .header("x-big", "y".repeat(70_000)),
    )
    .await;
    assert_eq!(answer.status, 431);
}

#[tokio::test]
async fn the_journal_lists_requests_and_is_bounded_and_resettable() {
    let stub = Stub::with_config(
        None,
        Config {
            journal_size: 3,
            ..serve_config()
        },
    );
    let answer = send(
        stub.post("/api/v1/dossiers/7/protocol_subscriptions")
            .json_body(&json!({"protocol_id": 1})),
    )
    .await;
    assert_eq!(answer.status, 200);
    send(stub.get("/nowhere?x=1")).await;
    let journal = send(stub.get("/__docmock/requests")).await.json();
    assert_eq!(journal["dropped"], 0);
    let requests = journal["requests"].as_array().unwrap();
    assert_eq!(requests.len(), 2);
    assert_eq!(requests[0]["method"], "POST");
    assert_eq!(requests[0]["body"], r#"{"protocol_id":1}"#);
    assert_eq!(
        requests[0]["fixture"],
        "protocol-subscriptions/start-a-protocol-subscription/success"
    );
    assert_eq!(requests[0]["reason"], "success");
    assert_eq!(requests[0]["status"], 200);
    assert!(requests[0]["time"].as_str().unwrap().ends_with('Z'));
    // Requests that matched nothing are listed too.
    assert_eq!(requests[1]["path"], "/nowhere");
    assert_eq!(requests[1]["query"], "x=1");
    assert_eq!(requests[1]["fixture"], Value::Null);
    assert_eq!(requests[1]["reason"], "no-route");
    assert_eq!(requests[1]["status"], 404);

    for i in 0..5 {
        send(stub.get(format!("/api/v1/dossiers/{i}/responses"))).await;
    }
    let journal = send(stub.get("/__docmock/requests")).await.json();
    assert_eq!(journal["requests"].as_array().unwrap().len(), 3);
    assert_eq!(journal["dropped"], 4);
    assert_eq!(
        journal["requests"][2]["path"],
        "/api/v1/dossiers/4/responses"
    );

    let answer = send(stub.delete("/__docmock/requests")).await;
    assert_eq!(answer.status, 204);
    let journal = send(stub.get("/__docmock/requests")).await.json();
    assert_eq!(journal["requests"], json!([]));
    assert_eq!(journal["dropped"], 0);
}

#[tokio::test]
async fn routes_and_coverage_say_what_is_documented_and_what_was_served() {
    let stub = Stub::embedded();
    let routes = send(stub.get("/__docmock/routes")).await.json();
    assert_eq!(routes["routes"].as_array().unwrap().len(), 9);
    let coverage = send(stub.get("/__docmock/coverage")).await.json();
    let cases = coverage["cases"].as_u64().unwrap();
    assert_eq!(
        coverage["never_served"].as_array().unwrap().len() as u64,
        cases
    );

    send(stub.delete("/api/v1/dossiers/7/protocol_subscriptions/1")).await;
    send(stub.delete("/api/v1/dossiers/7/protocol_subscriptions/1")).await;
    let coverage = send(stub.get("/__docmock/coverage")).await.json();
    assert_eq!(coverage["served_count"], 1);
    assert_eq!(
        coverage["served"][0]["id"],
        "protocol-subscriptions/stop-a-protocol-subscription/success"
    );
    assert_eq!(coverage["served"][0]["count"], 2);
    assert_eq!(
        coverage["never_served"].as_array().unwrap().len() as u64,
        cases - 1
    );
}

#[tokio::test]
async fn computed_values_are_generated_and_placeholders_are_not_served() {
    let stub = Stub::from_dir("tests/pages/mdx/shapes");
    let first = send(stub.get("/api/v1/sync_status")).await.json();
    std::thread::sleep(Duration::from_millis(5));
    let second = send(stub.get("/api/v1/sync_status")).await.json();
    assert_ne!(first["request_id"], second["request_id"]);
    assert_eq!(first["request_id"].as_str().unwrap().len(), 36);
    let year = first["last_success"].as_str().unwrap();
    assert!(year.len() == 24 && year.ends_with('Z'), "{year}");
    assert_ne!(first["last_success"], second["last_success"]);
    assert!(first["checked_at"].as_u64().unwrap() > 1_700_000_000);
    assert_eq!(first["history"].as_array().unwrap().len(), 1);
    assert_eq!(first["names"], json!(["a", "b"]));
    assert_eq!(first["more"], json!([1, 2]));
}

#[tokio::test]
async fn cors_is_answered_only_with_the_flag() {
    let stub = Stub::with_config(
        None,
        Config {
            cors: true,
            ..serve_config()
        },
    );
    let preflight = send(
        stub.request(Method::OPTIONS, "/api/v1/dossiers/7/responses")
            .header("Origin", "http://app.localhost")
            .header("Access-Control-Request-Method", "POST")
            .header("Access-Control-Request-Headers", "content-type, prefer"),
    )
    .await;
    assert!(preflight.status.is_success(), "{}", preflight.status);
    // any origin, without credentials (issue 14)
    assert_eq!(preflight.header("access-control-allow-origin"), Some("*"));
    let answer = send(
        stub.get("/api/v1/dossiers/7/responses")
            .header("Origin", "http://app.localhost"),
    )
    .await;
    assert_eq!(answer.header("access-control-allow-origin"), Some("*"));
    assert!(answer
        .header("access-control-expose-headers")
        .unwrap_or_default()
        .contains("x-docmock-fixture"));

    let plain = Stub::embedded();
    let answer = send(
        plain
            .get("/api/v1/dossiers/7/responses")
            .header("Origin", "http://app.localhost"),
    )
    .await;
    assert_eq!(answer.header("access-control-allow-origin"), None);
}

const PAGE: &str = r#"# Things

## Get a thing

```http
GET /things/:id
```

### Success

<snapshot json={{
  request: {request_method: "GET", path: "/things/1"},
  response: {status: 200, body: {version: VERSION}}
}} />
"#;

fn write_page(dir: &Path, text: &str) {
    // Write then rename, as editors do, so the watcher never reads half a file.
    let tmp = dir.join(".things.md.tmp");
    std::fs::write(&tmp, text).unwrap();
    std::fs::rename(&tmp, dir.join("things.md")).unwrap();
}

/// Poll `f` for up to 10 s.
fn wait_for<T>(mut f: impl FnMut() -> Option<T>) -> T {
    let start = Instant::now();
    loop {
        if let Some(value) = f() {
            return value;
        }
        assert!(start.elapsed() < Duration::from_secs(10), "timed out");
        std::thread::sleep(Duration::from_millis(50));
    }
}

#[tokio::test]
async fn watch_reloads_changed_docs_and_keeps_the_last_good_ones_after_a_broken_edit() {
    let docs = tempfile::tempdir().unwrap();
    write_page(docs.path(), &PAGE.replace("VERSION", "1"));
    let mock = MockServer::start(&["--watch", docs.path().to_str().unwrap()]);
    let client = client();
    let version =
        || async { send_http(client.get(mock.url("/things/9"))).await.json()["version"].clone() };
    assert_eq!(version().await, 1);

    write_page(docs.path(), &PAGE.replace("VERSION", "2"));
    let start = Instant::now();
    while version().await != 2 {
        assert!(start.elapsed() < Duration::from_secs(10), "no reload");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }

    write_page(
        docs.path(),
        &PAGE
            .replace("VERSION", "3")
            .replace("status: 200,", "status: 200"),
    );
    let log = wait_for(|| Some(mock.stderr()).filter(|l| l.contains("last good docs")));
    assert!(
        log.contains("things.md:"),
        "the log names the broken place: {log}"
    );
    assert_eq!(version().await, 2, "the last good docs are still served");

    write_page(docs.path(), &PAGE.replace("VERSION", "4"));
    let start = Instant::now();
    while version().await != 4 {
        assert!(
            start.elapsed() < Duration::from_secs(10),
            "no reload after the fix"
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

#[test]
fn sigterm_shuts_the_server_down_cleanly() {
    let mut mock = MockServer::start(&[]);
    let pid = mock.process().id().to_string();
    let status = Command::new("kill").args(["-TERM", &pid]).status().unwrap();
    assert!(status.success());
    let start = Instant::now();
    let exit = loop {
        if let Some(exit) = mock.process().try_wait().unwrap() {
            break exit;
        }
        assert!(start.elapsed() < Duration::from_secs(10), "still running");
        std::thread::sleep(Duration::from_millis(20));
    };
    assert_eq!(exit.code(), Some(0));
}

#[tokio::test]
async fn head_is_answered_like_get_without_a_body() {
    let mock = MockServer::start(&[]);
    let answer = send_http(client().head(mock.url("/api/v1/dossiers/7/responses"))).await;
    assert_eq!(answer.status, 200);
    assert_eq!(answer.header("x-docmock-reason"), Some("success"));
    assert_eq!(answer.text, "");
}

#[tokio::test]
async fn odd_requests_never_bring_the_server_down() {
    let mock = MockServer::start(&[]);
    let many_segments = "/a".repeat(2000);
    let odd = [
        "GET /%ff%fe/%00/../x HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n".to_string(),
        "GET /api/v1/dossiers/%/responses%zz HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n".to_string(),
        format!("GET {many_segments} HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n"),
        "POST /api/v1/dossiers/7/protocol_subscriptions HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nContent-Length: 4\r\nConnection: close\r\n\r\n\u{ff}\u{fe}"
            .to_string(),
        "DELETE /api/v1/dossiers/7/protocol_subscriptions/1 HTTP/1.1\r\nHost: 127.0.0.1\r\nPrefer: code=99999999999999999999, example=\r\nConnection: close\r\n\r\n".to_string(),
        "POST /api/v1/dossiers/7/protocol_subscriptions?__code=&__example=%ff HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: 2\r\nContent-Type: application/x-www-form-urlencoded\r\nConnection: close\r\n\r\n=&"
            .to_string(),
        "BREW /coffee HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n".to_string(),
        "this is not http\r\n\r\n".to_string(),
    ];
    for request in odd {
        let answer = raw_request(&mock.base, request.clone());
        assert!(
            !answer.starts_with("HTTP/1.1 500"),
            "{request:?} -> {answer}"
        );
    }
    let answer = send_http(client().get(mock.url("/api/v1/dossiers/7/responses"))).await;
    assert_eq!(answer.status, 200, "still serving");
}

#[tokio::test]
async fn a_documented_request_body_matches_with_sample_values_compared_by_type() {
    let stub = Stub::embedded();
    let docs = default_docs();
    let fixture = docs
        .fixture("post-api-v1-patients-patientid-forms/post-api-v1-patients-patientid-forms/200")
        .unwrap();
    let mut body = fixture.request.body.clone().unwrap();
    let path = "/api/v1/patients/3/forms";
    let answer = send(stub.post(path).json_body(&body)).await;
    assert_eq!(answer.header("x-docmock-reason"), Some("request-match"));
    // `summary` is a generated sample string: any string matches, a number does not.
    body["sessions"][0]["summary"] = json!("something else");
    let answer = send(stub.post(path).json_body(&body)).await;
    assert_eq!(answer.header("x-docmock-reason"), Some("request-match"));
    body["sessions"][0]["summary"] = json!(5);
    let answer = send(stub.post(path).json_body(&body)).await;
    assert_eq!(
        answer.header("x-docmock-reason"),
        Some("success; near-miss=post-api-v1-patients-patientid-forms/post-api-v1-patients-patientid-forms/200")
    );
}

/// What a client can tell of an answer whose body holds no generated values.
fn seen(answer: &Answer) -> [Option<&str>; 7] {
    [
        Some(answer.status.as_str()),
        answer.header("content-type"),
        answer.header("x-docmock-fixture"),
        answer.header("x-docmock-reason"),
        answer.header("x-docmock-error"),
        answer.header("allow"),
        Some(answer.text.as_str()),
    ]
}

/// The journal without its times.
fn journal_of(answer: &Answer) -> Vec<Value> {
    let mut journal = answer.json()["requests"].as_array().unwrap().clone();
    for entry in &mut journal {
        entry.as_object_mut().unwrap().remove("time");
    }
    journal
}

/// The tests above send their requests to the router in process: the binary answers them
/// alike, over a real socket.
#[tokio::test]
async fn the_binary_over_http_and_the_router_in_process_give_the_same_answers() {
    let mock = MockServer::start(&[]);
    let stub = Stub::embedded();
    let client = client();
    let subscriptions = "/api/v1/dossiers/7/protocol_subscriptions";
    let asked: [(Method, &str, Option<&str>, &str); 10] = [
        (
            Method::DELETE,
            "/api/v1/dossiers/7/protocol_subscriptions/1",
            None,
            "",
        ),
        (Method::POST, subscriptions, Some("code=422"), ""),
        (Method::POST, subscriptions, None, "{}"),
        (Method::POST, subscriptions, None, r#"{"protocol_id": 5}"#),
        (
            Method::POST,
            subscriptions,
            None,
            "{\n  \"protocol_key\": \"x\",\n}",
        ),
        (
            Method::DELETE,
            "/api/v1/dossiers/7/protocol_subscriptions/3",
            Some("code=418"),
            "",
        ),
        (Method::PATCH, "/api/v1/dossiers/7/responses/5", None, ""),
        (Method::GET, "/api/v1/dossiers/7/respons", None, ""),
        (Method::POST, "/API/V1/PATIENTS/abc/FORMS/", None, "{}"),
        (Method::GET, "/__docmock/routes", None, ""),
    ];
    for (method, path, prefer, body) in asked {
        let mut over_http = client.request(method.clone(), mock.url(path));
        let mut in_process = stub.request(method.clone(), path);
        if let Some(prefer) = prefer {
            over_http = over_http.header("Prefer", prefer);
            in_process = in_process.header("Prefer", prefer);
        }
        if !body.is_empty() {
            over_http = over_http
                .header("content-type", "application/json")
                .body(body);
            in_process = in_process
                .header("content-type", "application/json")
                .body(body);
        }
        let (over_http, in_process) = (send_http(over_http).await, send(in_process).await);
        assert_eq!(seen(&over_http), seen(&in_process), "{method} {path}");
        if method == Method::DELETE && prefer.is_none() {
            assert_eq!(in_process.status, 200);
            assert_eq!(
                in_process.header("x-docmock-fixture"),
                Some("protocol-subscriptions/stop-a-protocol-subscription/success")
            );
        }
    }
    let over_http = send_http(client.get(mock.url("/__docmock/requests"))).await;
    let in_process = send(stub.get("/__docmock/requests")).await;
    assert_eq!(journal_of(&over_http), journal_of(&in_process));
    assert_eq!(in_process.json()["requests"][0]["status"], 200);
}

#[tokio::test]
async fn the_route_table_of_the_default_docs() {
    let stub = Stub::embedded();
    let routes = send(stub.get("/__docmock/routes")).await.json();
    insta::assert_json_snapshot!(routes);
}

#[tokio::test]
async fn the_404_answer_names_the_closest_routes() {
    let stub = Stub::embedded();
    let answer = send(stub.post("/api/v1/dossier/7/protocol_subscription")).await;
    insta::assert_snapshot!(format!(
        "{} x-docmock-error: {}\n{}",
        answer.status,
        answer.header("x-docmock-error").unwrap_or("-"),
        answer.text
    ));
}

const QUERY_PAGE: &str = r#"# Things

## List things

```http
GET /things
```

### All things

<snapshot json={{
  request: {request_method: "GET", path: "/things"},
  response: {status: 200, body: ["a", "b"]}
}} />

### Open things

<snapshot json={{
  request: {request_method: "GET", path: "/things?status=open&tags[]=x"},
  response: {status: 200, body: ["a"]}
}} />
"#;

#[tokio::test]
async fn a_documented_query_is_matched_whatever_the_order_and_escaping() {
    let docs = tempfile::tempdir().unwrap();
    std::fs::write(docs.path().join("things.md"), QUERY_PAGE).unwrap();
    let stub = Stub::from_dir(docs.path());
    for query in ["?status=open&tags[]=x", "?tags%5B%5D=x&status=open"] {
        let answer = send(stub.get(format!("/things{query}"))).await;
        assert_eq!(answer.json(), json!(["a"]), "{query}");
        assert_eq!(answer.header("x-docmock-reason"), Some("request-match"));
    }
    for query in ["", "?status=open", "?status=closed&tags[]=x"] {
        let answer = send(stub.get(format!("/things{query}"))).await;
        assert_eq!(answer.json(), json!(["a", "b"]), "{query}");
        // the success case, and the documented case the request came closest to
        assert_eq!(
            answer.header("x-docmock-reason"),
            Some("success; near-miss=things/list-things/open-things"),
            "{query}"
        );
    }
    // docmock's own query parameters are not part of the request that is matched.
    let answer = send(stub.get("/things?status=open&tags[]=x&__example=all-things")).await;
    assert_eq!(answer.json(), json!(["a", "b"]));
    assert_eq!(answer.header("x-docmock-reason"), Some("prefer-example"));
}

#[tokio::test]
async fn an_endpoint_declared_without_an_example_gets_501_naming_its_declaration() {
    let docs = tempfile::tempdir().unwrap();
    let page = format!(
        "{}\n## Delete a thing\n\n```http\nDELETE /things/:id\n```\n",
        PAGE.replace("VERSION", "1")
    );
    std::fs::write(docs.path().join("things.md"), page).unwrap();
    let stub = Stub::from_dir(docs.path());

    let answer = send(stub.delete("/things/4")).await;
    assert_eq!(
        answer.status,
        StatusCode::NOT_IMPLEMENTED,
        "{}",
        answer.text
    );
    assert_eq!(answer.header("x-docmock-error"), Some("no-example"));
    assert_eq!(
        answer.json(),
        json!({
            "error": "DELETE /things/{id} is documented but shows no example response to answer with",
            "declared_at": "things.md:19"
        })
    );
    // The documented method of the same path still answers, and the other one is allowed.
    let answer = send(stub.get("/things/4")).await;
    assert_eq!(answer.status, StatusCode::OK);
    let answer = send(stub.put("/things/4")).await;
    assert_eq!(answer.header("allow"), Some("DELETE, GET"));
}

const ROUTES: &str = "tests/pages/routes";

#[tokio::test]
async fn a_literal_route_declared_anywhere_on_the_page_wins_over_a_parameter_route() {
    let stub = Stub::from_dir(ROUTES);
    let answer = send(stub.get("/reports/latest")).await;
    assert_eq!(answer.json(), json!({"id": 99, "latest": true}));
    assert_eq!(
        answer.header("x-docmock-fixture"),
        Some("reports/get-a-report/the-latest-report")
    );
    let answer = send(stub.get("/reports/8")).await;
    assert_eq!(
        answer.header("x-docmock-fixture"),
        Some("reports/get-a-report/success")
    );
}

#[tokio::test]
async fn the_route_the_examples_show_answers_when_the_declaration_misspells_it() {
    let stub = Stub::from_dir(ROUTES);
    let answer = send(stub.get("/baskets/b7/lines")).await;
    assert_eq!(answer.status, StatusCode::OK);
    assert_eq!(answer.header("x-docmock-reason"), Some("success"));
    let answer = send(stub.get("/baskets/nope/lines")).await;
    assert_eq!(answer.status, StatusCode::NOT_FOUND);
    assert_eq!(answer.header("x-docmock-reason"), Some("request-match"));
    // the declared spelling is no route: a 404 of docmock's own naming the one the examples show
    let answer = send(stub.get("/basket/b7/lines")).await;
    assert_eq!(answer.header("x-docmock-error"), Some("no-route"));
    assert_eq!(
        answer.json()["closest"][0],
        "GET /baskets/{basket_id}/lines"
    );
}

#[tokio::test]
async fn an_inferred_template_answers_any_id_and_a_literal_example_keeps_its_route() {
    let stub = Stub::from_dir(ROUTES);
    for (path, fixture, reason) in [
        ("/widgets/987", "widgets/show-a-widget/by-number", "success"),
        (
            "/widgets/abc123",
            "widgets/show-a-widget/by-a-word-the-text-calls-an-id",
            "request-match",
        ),
        (
            "/widgets/featured",
            "widgets/show-a-widget/the-featured-widget-is-a-route-of-its-own",
            "success",
        ),
        (
            "/things/5f0c1b9e-6f3a-4c1e-9d7e-2f1a3b4c5d6e/parts/9",
            "widgets/show-a-thing-by-its-uuid/200",
            "success",
        ),
        (
            "/levers/anything",
            "widgets/parameters-written-in-example-paths/angle-brackets",
            "success",
        ),
        (
            "/api/v2/widgets/5",
            "authentication/widgets/show-a-widget",
            "success",
        ),
    ] {
        let answer = send(stub.get(path)).await;
        assert_eq!(answer.status, StatusCode::OK, "{path}: {}", answer.text);
        assert_eq!(answer.header("x-docmock-fixture"), Some(fixture), "{path}");
        assert_eq!(answer.header("x-docmock-reason"), Some(reason), "{path}");
    }
}

#[tokio::test]
async fn prefer_on_any_route_answers_the_global_case_the_route_does_not_document() {
    let stub = Stub::from_dir(ROUTES);
    let answer = send(stub.get("/reports/7").header("Prefer", "code=401")).await;
    assert_eq!(answer.status, StatusCode::UNAUTHORIZED);
    assert_eq!(answer.json(), json!({"error": "Unauthorized"}));
    assert_eq!(
        answer.header("x-docmock-fixture"),
        Some("authentication/when-authentication-fails/401")
    );
    assert_eq!(answer.header("x-docmock-reason"), Some("prefer-code"));
    let answer = send(
        stub.delete("/orders/1/lines")
            .header("Prefer", "example=errors/validation-errors/422"),
    )
    .await;
    assert_eq!(answer.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(answer.header("x-docmock-reason"), Some("prefer-example"));
    let answer = send(stub.get("/widgets/1?__code=429")).await;
    assert_eq!(
        answer.header("x-docmock-fixture"),
        Some("errors/too-many-requests/429")
    );
    // a case the route documents itself wins over the global one
    let answer = send(stub.get("/baskets/x/lines").header("Prefer", "code=404")).await;
    assert_eq!(
        answer.header("x-docmock-fixture"),
        Some("reports/list-the-lines-of-a-basket/when-the-basket-does-not-exist")
    );
    // a route declared without examples answers a global case asked for, else its 501
    let answer = send(stub.delete("/reports/7").header("Prefer", "code=401")).await;
    assert_eq!(answer.status, StatusCode::UNAUTHORIZED);
    let answer = send(stub.delete("/reports/7")).await;
    assert_eq!(answer.status, StatusCode::NOT_IMPLEMENTED);
    // a case documented nowhere is still docmock's own 400
    let answer = send(stub.get("/reports/7").header("Prefer", "code=418")).await;
    assert_eq!(answer.status, StatusCode::BAD_REQUEST);
    assert_eq!(answer.header("x-docmock-error"), Some("unknown-preference"));
    // global cases are no routes of their own, and the admin view lists them apart
    let answer = send(stub.get("/api/v1/any_resource")).await;
    assert_eq!(answer.header("x-docmock-error"), Some("no-route"));
    let routes = send(stub.get("/__docmock/routes")).await.json();
    let global: Vec<&str> = routes["global"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["id"].as_str().unwrap())
        .collect();
    assert!(global.contains(&"authentication/when-authentication-fails/401"));
    assert_eq!(global.len(), 6, "{global:?}");
    let coverage = send(stub.get("/__docmock/coverage")).await.json();
    let served = &coverage["served"];
    let global_401 = served
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["id"] == "authentication/when-authentication-fails/401")
        .expect("the global 401 counted as served");
    assert_eq!(global_401["count"], 2);
    assert_eq!(global_401["route"], "*");
}

#[tokio::test]
async fn a_blank_segment_is_the_case_of_the_template_with_that_parameter_empty() {
    let stub = Stub::from_dir(ROUTES);
    let answer = send(stub.get("/orders//items")).await;
    assert_eq!(answer.status, StatusCode::NOT_FOUND, "{}", answer.text);
    assert_eq!(answer.json(), json!({"error": "order id missing"}));
    assert_eq!(
        answer.header("x-docmock-fixture"),
        Some("orders/list-the-items-of-an-order/when-no-order-id-is-given")
    );
    assert_eq!(answer.header("x-docmock-reason"), Some("request-match"));
    let answer = send(stub.get("/orders/abc/items")).await;
    assert_eq!(answer.status, StatusCode::OK);
    let answer = send(stub.delete("/orders//lines")).await;
    assert_eq!(
        answer.header("x-docmock-fixture"),
        Some("orders/cancel-the-items-of-an-order/when-no-order-id-is-given")
    );
    // no case documents an empty report id: an empty segment matches no parameter there
    let answer = send(stub.get("/reports//")).await;
    assert_eq!(answer.header("x-docmock-error"), Some("no-route"));
}

#[tokio::test]
async fn a_fenced_example_page_is_served_by_default_by_code_and_with_its_partial_bodies_as_documented(
) {
    let stub = Stub::from_dir("tests/pages/fenced");
    // the success case by default (the table requires `sort`)
    let widgets = "/api/widgets?sort=name";
    let answer = send(stub.get(widgets)).await;
    assert_eq!(answer.status, 200);
    assert_eq!(answer.header("x-docmock-reason"), Some("success"));
    assert_eq!(
        answer.json(),
        json!({"widgets": [{"id": 1, "name": "Gear"}], "page": 1})
    );
    // each documented status on request
    let answer = send(stub.get(widgets).header("Prefer", "code=401")).await;
    assert_eq!(answer.status, 401);
    assert_eq!(answer.json(), json!({"error": "unauthorized"}));
    let create = "/widgets";
    let answer = send(stub.post(create)).await;
    assert_eq!(answer.status, 201);
    assert_eq!(
        answer.json(),
        json!({"id": 2, "name": "Sprocket", "tags": ["new"]})
    );
    let answer = send(stub.post(create).header("Prefer", "code=422")).await;
    assert_eq!(answer.status, 422);
    assert_eq!(
        answer.json(),
        json!({"errors": {"name": ["can't be blank"]}})
    );
    let answer = send(stub.delete("/widgets/9")).await;
    assert_eq!(answer.status, 204);
    assert_eq!(answer.text, "");
    // a partial body is served as far as it is documented, without the markers
    let account = "/accounts/acc_1";
    let answer = send(stub.get(account)).await;
    assert_eq!(answer.status, 200);
    assert_eq!(
        answer.json(),
        json!({"id": "acc_1", "owner": {"name": "Ann"}, "settings": {}, "history": [{"at": "2026-01-01"}]})
    );
    let answer = send(stub.get(account).header("Prefer", "code=404")).await;
    assert_eq!(answer.status, 404);
    assert_eq!(answer.json(), json!({"error": "no such account"}));
    // the documented request of an http block picks its case
    let order = "/api/v1/orders/ord_1?expand=lines";
    let answer = send(stub.get(order)).await;
    assert_eq!(answer.status, 200);
    assert_eq!(answer.header("x-request-id"), Some("abc"));
    let answer = send(stub.get(order).header("Prefer", "code=404")).await;
    assert_eq!(answer.json(), json!({"error": "not found"}));
}
