//! docmock as a test library: `MockServer` in-process, expectations, unmatched requests,
//! several servers, start/drop without leaks, and the verifier as a library call.

use docmock::{Docs, MockServer};
use std::panic::{catch_unwind, AssertUnwindSafe};

/// A small doc page: one route with a success and a 404 case, one with a 201.
const WIDGETS: &str = r#"# Widgets

## Show a widget — GET /widgets/{id}

### 200 OK

```json
{"id": 7, "name": "Gear"}
```

### 404 Not Found

```json
{"error": "no widget with this id"}
```

## Create a widget — POST /widgets

### 201 Created

```json
{"id": 8, "name": "Sprocket"}
```
"#;

async fn widgets() -> MockServer {
    MockServer::builder()
        .page("widgets.md", WIDGETS)
        .start()
        .await
        .unwrap()
}

async fn get(server: &MockServer, path: &str) -> reqwest::Response {
    reqwest::get(format!("{}{path}", server.uri()))
        .await
        .unwrap()
}

/// The message of a panic raised by `f`.
fn panic_message(f: impl FnOnce()) -> String {
    let panic = catch_unwind(AssertUnwindSafe(f)).expect_err("expected a panic");
    panic
        .downcast_ref::<String>()
        .cloned()
        .or_else(|| panic.downcast_ref::<&str>().map(|s| s.to_string()))
        .unwrap_or_default()
}

#[tokio::test]
async fn met_expectations_pass_verify_and_drop() {
    let server = widgets().await;
    server.expect("widgets/show-a-widget/ok").times(2);
    server.expect("created").never();
    server.expect_code("GET /widgets/{id}", 404).at_most(1);
    get(&server, "/widgets/7").await;
    let answer = get(&server, "/widgets/8").await;
    assert_eq!(answer.status(), 200);
    server.verify();
    let received = server.received_requests();
    let paths: Vec<_> = received.iter().map(|e| e.path()).collect();
    assert_eq!(paths, ["/widgets/7", "/widgets/8"]);
    assert_eq!(received[0].fixture(), Some("widgets/show-a-widget/ok"));
}

#[tokio::test]
async fn unmet_expectations_name_the_case_heading_counts_and_doc_line() {
    let server = widgets().await;
    server.expect("widgets/show-a-widget/ok").times(1);
    server.expect("widgets/create-a-widget/created").at_least(2);
    server.expect_code("GET /widgets/{id}", 404).never();
    let not_found = reqwest::Client::new()
        .get(format!("{}/widgets/7", server.uri()))
        .header("Prefer", "code=404")
        .send()
        .await
        .unwrap();
    assert_eq!(not_found.status(), 404);
    let unmet = server.check().unwrap_err();
    assert_eq!(unmet.unmet_expectations(), 3);
    insta::assert_snapshot!(unmet.to_string());
    server.reset();
}

#[tokio::test]
async fn verify_panics_with_the_unmet_expectations_and_so_does_drop() {
    let server = widgets().await;
    server.expect("widgets/show-a-widget/ok").times(1);
    let message = panic_message(|| server.verify());
    assert!(
        message
            .contains("expected exactly 1 request answered by `widgets/show-a-widget/ok`, got 0"),
        "{message}"
    );
    let message = panic_message(move || drop(server));
    assert!(message.contains("--> widgets.md:7"), "{message}");
}

#[tokio::test]
async fn expectations_count_from_when_they_are_set() {
    let server = widgets().await;
    get(&server, "/widgets/7").await;
    server.expect("widgets/show-a-widget/ok").times(1);
    get(&server, "/widgets/7").await;
    server.verify();
}

#[tokio::test]
async fn counts_stay_exact_beyond_what_the_journal_keeps() {
    let server = MockServer::builder()
        .page("widgets.md", WIDGETS)
        .journal_size(2)
        .start()
        .await
        .unwrap();
    server.expect("widgets/show-a-widget/ok").times(5);
    let client = reqwest::Client::new();
    for id in 0..5 {
        client
            .get(format!("{}/widgets/{id}", server.uri()))
            .send()
            .await
            .unwrap();
    }
    assert_eq!(server.received_requests().len(), 2);
    server.verify();
}

#[tokio::test]
async fn an_unknown_case_name_panics_at_once_listing_the_cases() {
    let server = widgets().await;
    let message = panic_message(|| server.expect("widgets/show-a-widget/gone").times(1));
    insta::assert_snapshot!(message);
    let message = panic_message(|| server.expect_code("GET /widgets/{id}", 500).times(1));
    insta::assert_snapshot!(message);
    let message = panic_message(|| server.expect_code("DELETE /gadgets/{id}", 204).times(1));
    insta::assert_snapshot!(message);
}

#[tokio::test]
async fn a_slug_several_cases_share_panics_naming_them() {
    let page = "# Things\n\n## Get a — GET /a\n\n### 200 OK\n\n```json\n{}\n```\n\n## Get b — GET /b\n\n### 200 OK\n\n```json\n{}\n```\n";
    let server = MockServer::builder()
        .page("things.md", page)
        .start()
        .await
        .unwrap();
    let message = panic_message(|| server.expect("ok").times(1));
    insta::assert_snapshot!(message);
}

#[tokio::test]
async fn unmatched_requests_fail_verify_with_the_closest_routes() {
    let server = widgets().await;
    get(&server, "/widget/7").await;
    let put = reqwest::Client::new()
        .put(format!("{}/widgets/7", server.uri()))
        .send()
        .await
        .unwrap();
    assert_eq!(put.status(), 405);
    let unmet = server.check().unwrap_err();
    assert_eq!(unmet.unmatched_requests(), 2);
    insta::assert_snapshot!(unmet.to_string());
    server.reset();
}

#[tokio::test]
async fn allow_unmatched_lets_undocumented_requests_pass() {
    let server = MockServer::builder()
        .page("widgets.md", WIDGETS)
        .allow_unmatched()
        .start()
        .await
        .unwrap();
    assert_eq!(get(&server, "/nowhere").await.status(), 404);
    server.verify();
}

#[tokio::test]
async fn docs_come_from_a_folder_the_embedded_set_or_strings() {
    let folder = tempfile::tempdir().unwrap();
    std::fs::write(folder.path().join("widgets.md"), WIDGETS).unwrap();
    let from_folder = MockServer::start(folder.path()).await.unwrap();
    assert_eq!(get(&from_folder, "/widgets/1").await.status(), 200);

    let embedded = MockServer::builder().embedded_docs().start().await.unwrap();
    let answer = get(&embedded, "/api/v1/dossiers/42/protocol_subscriptions").await;
    assert_eq!(answer.status(), 200);

    // a folder plus a page given as a string
    let both = MockServer::builder()
        .docs(folder.path())
        .page(
            "ping.md",
            "# Ping\n\n## Ping — GET /ping\n\n### 200 OK\n\n```json\n{}\n```\n",
        )
        .start()
        .await
        .unwrap();
    assert_eq!(get(&both, "/ping").await.status(), 200);
    assert_eq!(get(&both, "/widgets/1").await.status(), 200);
}

#[tokio::test]
async fn a_page_docmock_cannot_read_fails_the_start_with_its_place() {
    let error = MockServer::builder()
        .page("bad.mdx", "# Bad\n\n<Snapshot json={{ oops")
        .start()
        .await
        .unwrap_err();
    insta::assert_snapshot!(error.to_string());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn several_servers_run_at_once_each_on_its_own_port() {
    let servers = start_widgets(8).await;
    let mut ports: Vec<u16> = servers.iter().map(|s| s.address().port()).collect();
    ports.sort_unstable();
    ports.dedup();
    assert_eq!(ports.len(), servers.len());
    for (i, server) in servers.iter().enumerate() {
        server.expect("widgets/show-a-widget/ok").times(i as u64);
        for _ in 0..i {
            get(server, "/widgets/1").await;
        }
    }
    let mut servers = servers.into_iter();
    for server in servers.by_ref().take(4) {
        let address = server.address();
        server.shutdown().await;
        assert!(tokio::net::TcpStream::connect(address).await.is_err());
    }
    // a plain drop stops the server too: its port closes as soon as the task sees the signal
    for server in servers {
        let address = server.address();
        drop(server);
        let closed = async {
            while tokio::net::TcpStream::connect(address).await.is_ok() {
                tokio::time::sleep(std::time::Duration::from_millis(10)).await;
            }
        };
        tokio::time::timeout(std::time::Duration::from_secs(5), closed)
            .await
            .expect("the dropped server still accepts connections");
    }
}

async fn start_widgets(n: usize) -> Vec<MockServer> {
    let mut servers = Vec::new();
    for _ in 0..n {
        servers.push(widgets().await);
    }
    servers
}

/// The resident set of this process, from `/proc/self/status`.
fn rss_kib() -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("VmRSS:"))?;
    line.split_whitespace().nth(1)?.parse().ok()
}

#[test]
fn starting_and_dropping_a_thousand_servers_leaves_memory_flat() {
    if rss_kib().is_none() {
        return; // no /proc: not Linux
    }
    // in a process of its own: the other tests of this binary, running at the same time,
    // move this process's RSS by megabytes
    let out = std::process::Command::new(std::env::current_exe().unwrap())
        .args([
            "--exact",
            "testing::a_thousand_servers_started_and_dropped_in_this_process",
            "--ignored",
            "--nocapture",
        ])
        .output()
        .unwrap();
    let (stdout, stderr) = (
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr),
    );
    assert!(out.status.success(), "{stdout}{stderr}");
    assert!(
        stdout.contains("1 passed"),
        "the inner test did not run: {stdout}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "run in a process of its own by starting_and_dropping_a_thousand_servers_leaves_memory_flat"]
async fn a_thousand_servers_started_and_dropped_in_this_process() {
    let docs = Docs::embedded().load().unwrap();
    let mut after_100 = 0;
    for round in 0..1000 {
        let server = MockServer::builder()
            .doc_set(docs.clone())
            .start()
            .await
            .unwrap();
        get(&server, "/api/v1/dossiers/42/protocol_subscriptions").await;
        server.shutdown().await;
        if round == 99 {
            after_100 = rss_kib().unwrap();
        }
    }
    let growth = rss_kib().unwrap().saturating_sub(after_100);
    eprintln!("RSS after 100 servers: {after_100} KiB; grew {growth} KiB over the next 900");
    assert!(
        growth < 4 * 1024,
        "RSS grew by {growth} KiB over 900 servers started and dropped"
    );
}

#[tokio::test]
async fn the_verifier_as_a_library_passes_against_a_stub_of_the_same_docs() {
    let docs = Docs::embedded().load().unwrap();
    let stub = MockServer::builder()
        .doc_set(docs.clone())
        .start()
        .await
        .unwrap();
    let report = docmock::verify::Run::new(&docs)
        .target(stub.uri())
        .run()
        .await
        .unwrap();
    assert!(report.passed(), "{report}");
    assert!(report.summary().passed > 0);
}

#[tokio::test]
async fn the_verifier_as_a_library_reports_failures_as_the_cli_does() {
    let docs = Docs::new().page("widgets.md", WIDGETS).load().unwrap();
    let other = WIDGETS.replace(
        r#"{"id": 7, "name": "Gear"}"#,
        r#"{"id": "7", "label": "Gear"}"#,
    );
    let stub = MockServer::builder()
        .page("widgets.md", other)
        .start()
        .await
        .unwrap();
    let report = docmock::verify::Run::new(&docs)
        .target(stub.uri())
        .var("id", "7")
        .run()
        .await
        .unwrap();
    assert!(!report.passed());
    let port = stub.address().port().to_string();
    insta::assert_snapshot!(report.to_string().replace(&port, "PORT"));
}
