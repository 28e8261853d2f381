//! What a hostile page, client or target could do (issue 14), each reproduced: deep nesting,
//! big files, crafted fixture folders, slow clients, other origins and hosts, endless answers.

use crate::common::{docmock, MockServer};
use std::io::{Read, Write};
use std::net::TcpStream;
use std::path::Path;
use std::time::{Duration, Instant};

fn write(dir: &Path, name: &str, text: impl AsRef<[u8]>) {
    let path = dir.join(name);
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    std::fs::write(path, text).unwrap();
}

/// Exit code and stderr of `docmock ARGS` run in `dir`; a crash (signal) is a test failure.
fn run(dir: &Path, args: &[&str]) -> (i32, String, String) {
    let output = docmock(dir).args(args).output().unwrap();
    let stderr = String::from_utf8_lossy(&output.stderr).into_owned();
    let code = output
        .status
        .code()
        .unwrap_or_else(|| panic!("docmock {args:?} crashed: {:?}\n{stderr}", output.status));
    (
        code,
        String::from_utf8_lossy(&output.stdout).into_owned(),
        stderr,
    )
}

const PAGE: &str =
    "# Widgets\n\n## Show a widget\n\n`GET /widgets/1`\n\n#### 200\n\n```json\n{\"id\": 1}\n```\n";

#[test]
fn deeply_nested_pages_are_errors_at_their_line_never_a_crash() {
    let docs = tempfile::tempdir().unwrap();
    let dir = docs.path();
    write(dir, "ok.md", PAGE);
    write(
        dir,
        "deep.html",
        format!(
            "<html><body>\n{}{}</body></html>",
            "<div>\n".repeat(20_000),
            "</div>".repeat(20_000)
        ),
    );
    write(
        dir,
        "quotes.md",
        format!("# Q\n\n{}x\n", "> ".repeat(5_000)),
    );
    write(
        dir,
        "lists.md",
        format!(
            "# L\n\n{}",
            (0..1_000)
                .map(|i| format!("{}- x\n", "  ".repeat(i)))
                .collect::<String>()
        ),
    );
    write(
        dir,
        "json.md",
        format!(
            "# J\n\n## Get j\n\n`GET /j`\n\n#### 200\n\n```json\n{}1{}\n```\n",
            "[".repeat(10_000),
            "]".repeat(10_000)
        ),
    );
    write(
        dir,
        "literal.mdx",
        format!(
            "# M\n\n<Snapshot json={{{{ request: {{ method: \"GET\", path: \"/m\" }}, response: {{ status: 200, body: {}1{} }} }}}} />\n",
            "[".repeat(10_000),
            "]".repeat(10_000)
        ),
    );
    let (code, stdout, stderr) = run(dir, &["routes", "."]);
    assert_eq!(code, 1, "{stderr}");
    assert!(stdout.contains("/widgets/1"), "{stdout}");
    assert!(
        stderr.contains("deep.html:256:1: elements nested more than 256 deep: page skipped"),
        "{stderr}"
    );
}

#[test]
fn a_file_over_the_page_limit_is_an_error_naming_it_and_the_flag() {
    let docs = tempfile::tempdir().unwrap();
    write(docs.path(), "ok.md", PAGE);
    write(
        docs.path(),
        "big.md",
        format!("{PAGE}\n{}", "x".repeat(2_000)),
    );
    let (code, stdout, stderr) = run(docs.path(), &["routes", ".", "--max-page-bytes", "1000"]);
    assert_eq!(code, 1, "{stderr}");
    assert!(stdout.contains("/widgets/1"), "{stdout}");
    assert_eq!(
        stderr,
        "error: big.md:1:1: larger than 1000 bytes (raise the limit with --max-page-bytes): skipped\n"
    );
    let (code, _, stderr) = run(docs.path(), &["routes", "."]);
    assert_eq!(code, 0, "{stderr}");
}

/// Peak resident memory (bytes) of `docmock routes .` run in `dir`, which must succeed: the
/// child's own `ru_maxrss` from `wait4`, so other tests' processes do not count.
#[cfg(target_os = "linux")]
#[allow(clippy::zombie_processes)] // reaped by wait4, which also gives its rusage
fn routes_peak_memory(dir: &Path) -> u64 {
    let child = docmock(dir)
        .args(["routes", "."])
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
        .unwrap();
    let mut status = 0;
    // SAFETY: a zeroed rusage is valid; wait4 fills it for this child only
    let mut usage: libc::rusage = unsafe { std::mem::zeroed() };
    let waited = unsafe { libc::wait4(child.id() as i32, &mut status, 0, &mut usage) };
    assert_eq!(waited, child.id() as i32);
    assert!(
        libc::WIFEXITED(status) && libc::WEXITSTATUS(status) == 0,
        "{status}"
    );
    usage.ru_maxrss as u64 * 1024
}

/// A page of about `size` bytes: `head`, then `unit(i)` for i = 0, 1, ... , then `tail`.
fn generated(head: &str, unit: impl Fn(usize) -> String, tail: &str, size: usize) -> String {
    let mut page = head.to_string();
    let mut i = 0;
    while page.len() < size {
        page.push_str(&unit(i));
        i += 1;
    }
    page.push_str(tail);
    page
}

/// The pages of the memory test, ~`size` bytes each, one per reader: a snapshot with one big
/// literal body, a fenced JSON block as big, many small snapshots, a rendered page with a big
/// sample and an ASP.NET help page of many body parameters.
fn big_pages(size: usize) -> Vec<(&'static str, String)> {
    let item = |i: usize| {
        format!("{{ id: {i}, name: \"item number {i}\", tags: [\"a\", \"b\"], nested: {{ x: 1.5, y: null, ok: true }} }},\n")
    };
    let json_item = |i: usize| {
        format!("{{\"id\": {i}, \"name\": \"item number {i}\", \"tags\": [\"a\", \"b\"], \"nested\": {{\"x\": 1.5, \"y\": null}}}},\n")
    };
    let aspnet_row = |i: usize| {
        format!("<tr><td class=\"parameter-name\">Field{i}</td><td class=\"parameter-documentation\"><p>Field number {i}</p></td><td class=\"parameter-type\">string</td><td class=\"parameter-annotations\"><p>None.</p></td></tr>\n")
    };
    vec![
        (
            "literal.mdx",
            generated(
                "# Things\n\n## List things\n\n<Snapshot json={{ request: { method: \"GET\", path: \"/things\" }, response: { status: 200, body: [\n",
                item,
                "] } }} />\n",
                size,
            ),
        ),
        (
            "fenced.md",
            generated(
                "# Things\n\n## List things\n\n`GET /things`\n\n#### 200\n\n```json\n[\n",
                json_item,
                "{}\n]\n```\n",
                size,
            ),
        ),
        (
            "snapshots.mdx",
            generated(
                "# Things\n\n",
                |i| format!("## Make thing {i}\n\n<Snapshot json={{{{ request: {{ method: \"POST\", path: \"/t{i}/:id\", body: {{ a: [1, 2, 3] }} }}, response: {{ status: 201, body: {{ id: 7, n: [[\"a\"]], s: \"some text\" }} }} }}}} />\n\n"),
                "",
                size,
            ),
        ),
        (
            // one endpoint with a big sample: a page of thousands of endpoints is slow today
            // (binding looks at every endpoint for every example)
            "rendered.html",
            generated(
                "<!doctype html>\n<html><head><title>Things</title></head><body><article>\n<h1>Things</h1>\n<h2>List things</h2>\n<pre><code>GET /api/things</code></pre>\n<p><strong>Sample request</strong></p>\n<pre><code>GET /api/things\nStatus: 200 OK\n[\n",
                json_item,
                "{}\n]</code></pre>\n</article></body></html>\n",
                size,
            ),
        ),
        (
            "help.html",
            generated(
                "<!DOCTYPE html>\n<html><head><title>POST API/Things</title></head><body><div id=\"body\" class=\"help-page\">\n<h1>POST API/Things</h1>\n<div><h2>Request Information</h2><h3>Body Parameters</h3><table class=\"help-page-table\"><thead><tr><th>Name</th><th>Description</th><th>Type</th><th>Additional information</th></tr></thead><tbody>\n",
                aspnet_row,
                "</tbody></table><h2>Response Information</h2><h3>Response Formats</h3><h4>application/json, text/json</h4><div class=\"sample-content\"><span><b>Sample:</b><pre class=\"wrapped\">{\"Id\": 1}</pre></span></div></div></div></body></html>\n",
                size,
            ),
        ),
    ]
}

/// Extracting a page keeps at most this many times its size in memory, above docmock's own
/// footprint. The model itself is the floor: a page of small JSON values becomes serde_json
/// values (an order-keeping map entry is ~100 bytes before its key), 10 to 15 times its
/// text, and the page's text is held a few times while it is read; measured 17 to 23 times.
/// 30 leaves room for the allocator; what this caught does not fit: json5 reading a whole
/// literal (a parse token per piece, ~100 times), a pointer string per value, every fenced
/// example copied once more.
const MEMORY_PER_PAGE_BYTE: u64 = 30;

#[cfg(target_os = "linux")]
#[test]
fn extracting_a_big_page_keeps_memory_within_a_small_multiple_of_its_size() {
    let size = 1_000_000;
    let small = tempfile::tempdir().unwrap();
    write(small.path(), "ok.md", PAGE);
    let footprint = routes_peak_memory(small.path());
    for (name, page) in big_pages(size) {
        let docs = tempfile::tempdir().unwrap();
        write(docs.path(), name, &page);
        let started = Instant::now();
        let peak = routes_peak_memory(docs.path());
        let took = started.elapsed();
        let above = peak.saturating_sub(footprint);
        assert!(
            above <= MEMORY_PER_PAGE_BYTE * page.len() as u64,
            "{name}: {} bytes took {above} bytes above docmock's own {footprint} ({:.1} times)",
            page.len(),
            above as f64 / page.len() as f64
        );
        eprintln!(
            "{name}: {:.1} times its size, {took:?}",
            above as f64 / page.len() as f64
        );
    }
}

#[cfg(unix)]
#[test]
fn a_link_out_of_the_docs_folder_is_not_followed() {
    let outside = tempfile::tempdir().unwrap();
    write(
        outside.path(),
        "secret.md",
        PAGE.replace("widgets", "secrets"),
    );
    let docs = tempfile::tempdir().unwrap();
    write(docs.path(), "ok.md", PAGE);
    std::os::unix::fs::symlink(
        outside.path().join("secret.md"),
        docs.path().join("leak.md"),
    )
    .unwrap();
    std::os::unix::fs::symlink(docs.path(), docs.path().join("loop")).unwrap();
    let (code, stdout, stderr) = run(docs.path(), &["routes", "."]);
    assert_eq!(code, 0, "{stderr}");
    assert!(!stdout.contains("secrets"), "{stdout}");
    assert!(
        stderr.contains("warning: leak.md:1:1: a link to outside the docs folder: not followed"),
        "{stderr}"
    );
    assert!(
        stderr.contains("warning: loop:1:1: a link to a folder already read"),
        "{stderr}"
    );
}

/// The extracted fixture files of the default docs, with `edit` applied to the first page.
fn fixture_folder(edit: impl Fn(&mut serde_json::Value)) -> tempfile::TempDir {
    let folder = tempfile::tempdir().unwrap();
    let source = crate::common::root().join("snapshots");
    let mut names: Vec<_> = std::fs::read_dir(&source)
        .unwrap()
        .map(|e| e.unwrap().file_name())
        .collect();
    names.sort();
    for (i, name) in names.iter().enumerate() {
        let text = std::fs::read_to_string(source.join(name)).unwrap();
        let text = if i == 0 {
            let mut page: serde_json::Value = serde_json::from_str(&text).unwrap();
            edit(&mut page);
            serde_json::to_string_pretty(&page).unwrap()
        } else {
            text
        };
        std::fs::write(folder.path().join(name), text).unwrap();
    }
    folder
}

#[test]
fn a_fixture_folder_cannot_name_files_outside_itself() {
    let work = tempfile::tempdir().unwrap();
    let folder = fixture_folder(|page| page["file"] = "../escaped.txt".into());
    let out = work.path().join("out");
    let (code, _, stderr) = run(
        work.path(),
        &[
            "extract",
            folder.path().to_str().unwrap(),
            "--out",
            out.to_str().unwrap(),
        ],
    );
    assert_eq!(code, 1, "{stderr}");
    assert!(
        stderr.contains("000_045ac4162208df96.txt.json:1:1: `file` must be a relative path inside the docs folder, got `../escaped.txt`"),
        "{stderr}"
    );
    assert!(!work.path().join("escaped.txt.json").exists());

    let folder = fixture_folder(|page| {
        page["fixtures"][0]["source"]["snapshot_file"] = "../victim.json".into()
    });
    let (code, _, stderr) = run(work.path(), &["routes", folder.path().to_str().unwrap()]);
    assert_eq!(code, 1, "{stderr}");
    assert!(
        stderr.contains("must be a relative path inside the docs folder, got `../victim.json`"),
        "{stderr}"
    );
}

#[test]
fn a_fixture_file_that_does_not_parse_is_an_error_not_an_empty_doc_set() {
    let folder = fixture_folder(|_| {});
    write(
        folder.path(),
        "broken.json",
        "{\"file\": \"x.txt\", \"fixtures\": [",
    );
    let (code, stdout, stderr) = run(folder.path(), &["routes", "."]);
    assert_eq!(code, 1, "{stderr}");
    assert!(stderr.starts_with("error: broken.json:1:"), "{stderr}");
    assert!(
        stderr.contains("not a fixture file: EOF while parsing"),
        "{stderr}"
    );
    assert!(stdout.contains("/api/v1/dossiers/"), "{stdout}");
}

/// A page with one route whose documented answer is small.
fn one_route_docs() -> docmock::fixture::DocSet {
    let mut files = docmock::extract::DocFiles::default();
    files.insert("widgets.md", PAGE.as_bytes().to_vec());
    let extraction = docmock::extract::from_files(&files, &Default::default());
    assert!(extraction.errors.is_empty(), "{:?}", extraction.errors);
    assert_eq!(extraction.docs.fixtures().count(), 1);
    extraction.docs
}

/// A target on 127.0.0.1 that answers every request with `head` and then `chunk` forever
/// (until the client hangs up).
fn endless_target(head: &'static str, chunk: &'static [u8]) -> String {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let address = listener.local_addr().unwrap();
    std::thread::spawn(move || {
        for stream in listener.incoming() {
            let Ok(mut stream) = stream else { continue };
            std::thread::spawn(move || {
                let mut head_in = Vec::new();
                let mut byte = [0u8; 1];
                while !head_in.ends_with(b"\r\n\r\n") {
                    match stream.read(&mut byte) {
                        Ok(1) => head_in.push(byte[0]),
                        _ => return,
                    }
                }
                if stream.write_all(head.as_bytes()).is_err() {
                    return;
                }
                while stream.write_all(chunk).is_ok() {}
            });
        }
    });
    format!("http://{address}")
}

fn verify_against(target: String) -> docmock::verify::Verdict {
    let options = docmock::verify::VerifyOptions {
        target,
        timeout: Duration::from_secs(20),
        max_body_bytes: 1024 * 1024,
        ..Default::default()
    };
    let runtime = tokio::runtime::Runtime::new().unwrap();
    let started = Instant::now();
    let mut verdicts = runtime
        .block_on(docmock::verify::run(&one_route_docs(), &options))
        .unwrap();
    assert!(
        started.elapsed() < Duration::from_secs(15),
        "took {:?}",
        started.elapsed()
    );
    verdicts.remove(0)
}

#[test]
fn verify_fails_a_case_whose_answer_never_ends() {
    // 256 chunks of 0x100 bytes per write, forever
    static BODY: std::sync::OnceLock<Vec<u8>> = std::sync::OnceLock::new();
    let chunk = BODY.get_or_init(|| {
        let mut c = b"100\r\n".to_vec();
        c.extend(std::iter::repeat_n(b'x', 0x100));
        c.extend(b"\r\n");
        c.repeat(256)
    });
    let target = endless_target(
        "HTTP/1.1 200 OK\r\ncontent-type: text/plain\r\ntransfer-encoding: chunked\r\n\r\n",
        chunk,
    );
    let verdict = verify_against(target);
    assert_eq!(verdict.status, docmock::verify::CaseStatus::Fail);
    assert_eq!(
        verdict.reason.as_deref(),
        Some("the answer's body is larger than 1048576 bytes (--max-body-bytes): not read")
    );
}

#[test]
fn verify_fails_a_case_whose_answer_declares_a_body_over_the_limit() {
    let target = endless_target(
        "HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: 1073741824\r\n\r\n",
        b"[1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1]",
    );
    let verdict = verify_against(target);
    assert_eq!(
        verdict.reason.as_deref(),
        Some("the answer's body is larger than 1048576 bytes (--max-body-bytes): not read")
    );
}

/// `host:port` of a running server.
fn address(mock: &MockServer) -> String {
    mock.base.trim_start_matches("http://").to_string()
}

/// Send raw bytes on a new connection and read the answer until the server closes it (at
/// most `wait`); `None` when nothing came back in time.
fn exchange(address: &str, request: &[u8], wait: Duration) -> Option<String> {
    let mut stream = TcpStream::connect(address).unwrap();
    stream.set_read_timeout(Some(wait)).unwrap();
    stream.write_all(request).unwrap();
    let mut answer = Vec::new();
    match stream.read_to_end(&mut answer) {
        Ok(_) => Some(String::from_utf8_lossy(&answer).into_owned()),
        Err(_) if !answer.is_empty() => Some(String::from_utf8_lossy(&answer).into_owned()),
        Err(_) => None,
    }
}

#[test]
fn a_client_that_never_finishes_its_request_head_is_disconnected() {
    let mock = MockServer::start(&["--read-timeout", "1"]);
    let started = Instant::now();
    let answer = exchange(
        &address(&mock),
        b"GET /api/v1/dossiers/7/protocol_subscriptions HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: ",
        Duration::from_secs(8),
    );
    assert!(answer.is_some(), "still connected after 8 s");
    assert!(
        started.elapsed() < Duration::from_secs(5),
        "{:?}",
        started.elapsed()
    );
}

#[test]
fn a_client_that_never_finishes_its_body_gets_408() {
    let mock = MockServer::start(&["--read-timeout", "1"]);
    let started = Instant::now();
    let answer = exchange(
        &address(&mock),
        b"POST /api/v1/dossiers/7/protocol_subscriptions HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n{\"a\"",
        Duration::from_secs(8),
    )
    .expect("an answer within 8 s");
    assert!(answer.starts_with("HTTP/1.1 408 "), "{answer}");
    assert!(answer.contains("x-docmock-error: body-timeout"), "{answer}");
    assert!(
        started.elapsed() < Duration::from_secs(5),
        "{:?}",
        started.elapsed()
    );
}

#[test]
fn connections_over_the_limit_wait_until_one_closes() {
    let mock = MockServer::start(&["--max-connections", "2", "--read-timeout", "30"]);
    let address = address(&mock);
    let idle: Vec<_> = (0..2)
        .map(|_| TcpStream::connect(&address).unwrap())
        .collect();
    std::thread::sleep(Duration::from_millis(200));
    let mut third = TcpStream::connect(&address).unwrap();
    third
        .write_all(b"GET /nothing HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n")
        .unwrap();
    third
        .set_read_timeout(Some(Duration::from_millis(700)))
        .unwrap();
    let mut answer = Vec::new();
    assert!(
        third.read_to_end(&mut answer).is_err() && answer.is_empty(),
        "answered over the limit: {}",
        String::from_utf8_lossy(&answer)
    );
    drop(idle);
    third
        .set_read_timeout(Some(Duration::from_secs(5)))
        .unwrap();
    third.read_to_end(&mut answer).unwrap();
    assert!(String::from_utf8_lossy(&answer).starts_with("HTTP/1.1 404 "));
}

#[cfg(unix)]
#[test]
fn sigterm_stops_the_server_even_with_a_request_head_half_sent() {
    let mut mock = MockServer::start(&["--read-timeout", "60"]);
    let mut slow = TcpStream::connect(address(&mock)).unwrap();
    slow.write_all(b"GET / HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: ")
        .unwrap();
    std::thread::sleep(Duration::from_millis(200));
    let pid = mock.process().id().to_string();
    let killed = std::process::Command::new("kill")
        .args(["-TERM", &pid])
        .status()
        .unwrap();
    assert!(killed.success());
    let started = Instant::now();
    let status = loop {
        if let Some(status) = mock.process().try_wait().unwrap() {
            break status;
        }
        assert!(
            started.elapsed() < Duration::from_secs(10),
            "still running 10 s after SIGTERM"
        );
        std::thread::sleep(Duration::from_millis(50));
    };
    assert!(status.success(), "{status:?}");
}

#[test]
fn bound_to_loopback_only_loopback_host_names_are_answered() {
    let mock = MockServer::start(&["--allow-host", "docs.test"]);
    let address = address(&mock);
    let ask = |host: &str| {
        exchange(
            &address,
            format!(
                "GET /__docmock/requests HTTP/1.1\r\nHost: {host}\r\nConnection: close\r\n\r\n"
            )
            .as_bytes(),
            Duration::from_secs(5),
        )
        .unwrap()
    };
    let rebound = ask("attacker.example:4010");
    assert!(rebound.starts_with("HTTP/1.1 421 "), "{rebound}");
    assert!(
        rebound.contains("x-docmock-error: host-not-allowed"),
        "{rebound}"
    );
    for host in [
        address.as_str(),
        "localhost",
        "LOCALHOST:80",
        "[::1]:4010",
        "docs.test",
    ] {
        let answer = ask(host);
        assert!(answer.starts_with("HTTP/1.1 200 "), "{host}: {answer}");
    }
}

/// The value of header `name` in a raw answer.
fn header<'a>(answer: &'a str, name: &str) -> Option<&'a str> {
    answer
        .split("\r\n\r\n")
        .next()?
        .lines()
        .find_map(|l| {
            l.split_once(':')
                .filter(|(n, _)| n.eq_ignore_ascii_case(name))
        })
        .map(|(_, v)| v.trim())
}

#[test]
fn cors_allows_any_origin_without_credentials_and_keeps_the_journal_out() {
    let mock = MockServer::start(&["--cors"]);
    let address = address(&mock);
    let ask =
        |request: &str| exchange(&address, request.as_bytes(), Duration::from_secs(5)).unwrap();
    let documented = ask(
        "GET /nothing HTTP/1.1\r\nHost: 127.0.0.1\r\nOrigin: null\r\nConnection: close\r\n\r\n",
    );
    assert_eq!(
        header(&documented, "access-control-allow-origin"),
        Some("*"),
        "{documented}"
    );
    assert_eq!(
        header(&documented, "access-control-allow-credentials"),
        None
    );
    let journal = ask("GET /__docmock/requests HTTP/1.1\r\nHost: 127.0.0.1\r\nOrigin: http://evil.example\r\nConnection: close\r\n\r\n");
    assert_eq!(
        header(&journal, "access-control-allow-origin"),
        None,
        "{journal}"
    );
    let preflight = ask("OPTIONS /__docmock/requests HTTP/1.1\r\nHost: 127.0.0.1\r\nOrigin: http://evil.example\r\nAccess-Control-Request-Method: DELETE\r\nConnection: close\r\n\r\n");
    assert_eq!(
        header(&preflight, "access-control-allow-origin"),
        None,
        "{preflight}"
    );
    assert_eq!(
        header(&preflight, "access-control-allow-methods"),
        None,
        "{preflight}"
    );
}

#[test]
fn credentialed_cors_is_for_the_named_origins_only() {
    let mock = MockServer::start(&["--cors-origin", "http://app.test:3000"]);
    let address = address(&mock);
    let ask = |origin: &str| {
        exchange(
            &address,
            format!("GET /nothing HTTP/1.1\r\nHost: 127.0.0.1\r\nOrigin: {origin}\r\nConnection: close\r\n\r\n").as_bytes(),
            Duration::from_secs(5),
        )
        .unwrap()
    };
    let named = ask("http://app.test:3000");
    assert_eq!(
        header(&named, "access-control-allow-origin"),
        Some("http://app.test:3000"),
        "{named}"
    );
    assert_eq!(
        header(&named, "access-control-allow-credentials"),
        Some("true")
    );
    let other = ask("http://evil.example");
    assert_eq!(
        header(&other, "access-control-allow-origin"),
        None,
        "{other}"
    );
}

#[test]
fn a_prefer_header_that_is_not_text_is_refused_with_400() {
    let mock = MockServer::start(&[]);
    let answer = exchange(
        &address(&mock),
        b"GET /api/v1/dossiers/7/protocol_subscriptions HTTP/1.1\r\nHost: 127.0.0.1\r\nPrefer: code=4\xff4\r\nConnection: close\r\n\r\n",
        Duration::from_secs(5),
    )
    .unwrap();
    assert!(answer.starts_with("HTTP/1.1 400 "), "{answer}");
    assert!(
        answer.contains("x-docmock-error: unknown-preference"),
        "{answer}"
    );
}

/// The answer to a request head hyper refuses before docmock's handler sees it: docmock's
/// own, byte for byte (it has no `date` header, so it is exact).
fn refused(request: &[u8]) -> String {
    let mock = MockServer::start(&[]);
    exchange(&address(&mock), request, Duration::from_secs(5)).expect("an answer")
}

const MALFORMED: &str = "HTTP/1.1 400 Bad Request\r\nconnection: close\r\ncontent-type: application/json\r\nx-docmock-error: malformed-request\r\ncontent-length: 175\r\n\r\n{\n  \"error\": \"the request is not valid HTTP/1.1: its request line, method, target or a header could not be read (a request target must be ASCII; percent-encode other bytes)\"\n}";

#[test]
fn a_raw_non_ascii_request_path_is_refused_by_docmock_with_400() {
    let answer = refused(b"GET /caf\xe9 HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n");
    assert_eq!(answer, MALFORMED);
}

#[test]
fn a_request_line_that_is_not_http_is_refused_by_docmock_with_400() {
    let answer = refused(b"G@T / HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n");
    assert_eq!(answer, MALFORMED);
}

#[test]
fn a_malformed_header_is_refused_by_docmock_with_400() {
    let answer = refused(b"GET / HTTP/1.1\r\nHost: 127.0.0.1\r\nBad Name: x\r\n\r\n");
    assert_eq!(answer, MALFORMED);
}

#[test]
fn more_than_100_headers_are_refused_by_docmock_with_431() {
    let mut request = b"GET / HTTP/1.1\r\nHost: 127.0.0.1\r\n".to_vec();
    for i in 0..120 {
        request.extend_from_slice(format!("X-Header-{i}: v\r\n").as_bytes());
    }
    request.extend_from_slice(b"\r\n");
    let answer = refused(&request);
    assert_eq!(
        answer,
        "HTTP/1.1 431 Request Header Fields Too Large\r\nconnection: close\r\ncontent-type: application/json\r\nx-docmock-error: headers-too-large\r\ncontent-length: 88\r\n\r\n{\n  \"error\": \"the request has more than 100 headers, or its head is too large to read\"\n}"
    );
}

#[test]
fn a_request_head_over_hyper_s_buffer_is_refused_by_docmock_with_431() {
    // exactly hyper's read buffer (8 KiB + 100 × 4 KiB), the head unfinished: hyper reads
    // it all, so the socket closes cleanly after the answer instead of resetting
    let mut request = b"GET / HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Big: ".to_vec();
    request.resize(8192 + 4096 * 100, b'a');
    let answer = refused(&request);
    assert!(
        answer.starts_with("HTTP/1.1 431 Request Header Fields Too Large\r\n"),
        "{answer}"
    );
    assert_eq!(
        header(&answer, "x-docmock-error"),
        Some("headers-too-large")
    );
}

#[test]
fn a_request_target_over_64_kib_is_refused_by_docmock_with_414() {
    let mut request = b"GET /".to_vec();
    request.resize(request.len() + 70_000, b'a');
    request.extend_from_slice(b" HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n");
    let answer = refused(&request);
    assert_eq!(
        answer,
        "HTTP/1.1 414 URI Too Long\r\nconnection: close\r\ncontent-type: application/json\r\nx-docmock-error: uri-too-long\r\ncontent-length: 55\r\n\r\n{\n  \"error\": \"the request target is too long to read\"\n}"
    );
}

#[test]
fn a_malformed_request_after_a_good_one_on_the_same_connection_is_docmock_s_400() {
    let answer = refused(
        b"GET /api/v1/dossiers/7/protocol_subscriptions HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\nGET /caf\xe9 HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n",
    );
    let (first, second) = answer.split_at(answer.find("HTTP/1.1 400").expect(&answer));
    assert!(first.starts_with("HTTP/1.1 200 OK\r\n"), "{first}");
    assert_eq!(second, MALFORMED);
}

#[test]
fn a_file_that_is_not_text_is_reported_at_its_first_bad_byte() {
    let mut files = docmock::extract::DocFiles::default();
    files.insert("nul.md", b"# Title\n\nab\0c".to_vec());
    files.insert("latin1.md", b"# Title\ncaf\xe9\n".to_vec());
    let extraction = docmock::extract::from_files(&files, &Default::default());
    let errors: Vec<String> = extraction.errors.iter().map(ToString::to_string).collect();
    assert_eq!(
        errors,
        [
            "latin1.md:2:4: not a text file: expected UTF-8 text, skipped",
            "nul.md:3:3: not a text file: expected UTF-8 text, skipped",
        ]
    );
}

#[cfg(unix)]
#[test]
fn a_file_name_with_a_line_break_keeps_the_routes_table_one_line_per_route() {
    let docs = tempfile::tempdir().unwrap();
    write(docs.path(), "two\nlines.md", PAGE);
    let (code, stdout, stderr) = run(docs.path(), &["routes", "."]);
    assert_eq!(code, 0, "{stderr}");
    // the header, one route, the count
    assert_eq!(stdout.lines().count(), 3, "{stdout}");
    assert!(stdout.contains("two\\nlines.md:"), "{stdout}");
}
