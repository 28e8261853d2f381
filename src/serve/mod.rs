//! serve: a stub HTTP server answering as the docs say.
//!
//! Fixtures in ([`Server::new`] takes a [`DocSet`]), HTTP answers out ([`run`], or [`router`]
//! to embed). One handler does its own work per request: [`matcher`] finds the route in the
//! [`table`], [`select`] chooses the documented case, [`response`] holds each case
//! pre-rendered, [`journal`] remembers requests, [`log`] writes one line per request, and
//! [`watch`] swaps in a new table when the docs change. docmock's own answers (no route, wrong
//! method, refused requests) carry `x-docmock-error`; documented ones `x-docmock-fixture` and
//! `x-docmock-reason`. Admin endpoints live under `/__docmock/`.

pub(crate) mod admin;
mod conn;
pub mod explain;
pub mod journal;
pub mod log;
pub mod matcher;
pub(crate) mod own;
pub mod response;
pub mod select;
pub(crate) mod stack;
pub mod table;
pub mod watch;

#[cfg(test)]
mod stack_tests;

use crate::fixture::media;
use crate::fixture::DocSet;
use arc_swap::ArcSwap;
use axum::body::{Body, Bytes};
use axum::extract::Request;
use axum::http::{header, HeaderMap, HeaderValue, Method, Response, StatusCode};
use axum::Router;
use journal::{Answered, Entry, Journal};
use matcher::Lookup;
use own::{json_response, method_not_allowed, not_found, own_error, too_large, Refusal};
use select::{Incoming, Preference, Reason, Selection};
use serde_json::{json, Value};
pub use stack::Stack;
use std::borrow::Cow;
use std::sync::atomic::Ordering;
use std::sync::Arc;
use std::time::SystemTime;
use table::{Route, Table};

/// How the server behaves, from the command line.
#[derive(Debug, Clone)]
pub struct Config {
    /// Requests the journal keeps.
    pub journal_size: usize,
    /// Largest accepted request body (413 above).
    pub max_body_bytes: usize,
    /// Answer CORS preflights and add CORS headers: any origin, without credentials.
    pub cors: bool,
    /// Origins allowed to send credentials (`--cors-origin`, implies `cors`); only these are
    /// then named in `Access-Control-Allow-Origin`.
    pub cors_origins: Vec<String>,
    /// Also answer CORS for the admin endpoints (`/__docmock/`), which hold request bodies.
    pub cors_admin: bool,
    /// Host names answered (with any port), when `Some`: the loopback names and `--allow-host`.
    /// A request for another host (DNS rebinding) is refused with 421.
    pub allowed_hosts: Option<Vec<String>>,
    /// How long a client may take to send a request's head, and then its body.
    pub read_timeout: std::time::Duration,
    /// Connections served at once; more wait to be accepted.
    pub max_connections: usize,
    /// Write served-request log lines straight to this writer, bypassing tracing-subscriber's
    /// formatting (still filtered by its level).
    pub request_log: Option<log::Background>,
}

impl Default for Config {
    fn default() -> Self {
        Config {
            journal_size: 1000,
            max_body_bytes: 1024 * 1024,
            cors: false,
            cors_origins: Vec::new(),
            cors_admin: false,
            allowed_hosts: None,
            read_timeout: READ_TIMEOUT,
            max_connections: MAX_CONNECTIONS,
            request_log: None,
        }
    }
}

/// Default of [`Config::read_timeout`] (`--read-timeout`).
pub const READ_TIMEOUT: std::time::Duration = std::time::Duration::from_secs(10);
/// Default of [`Config::max_connections`] (`--max-connections`).
pub const MAX_CONNECTIONS: usize = 512;
/// How long requests in flight may take to finish after a shutdown signal.
pub const SHUTDOWN_DEADLINE: std::time::Duration = std::time::Duration::from_secs(5);
/// Host names always answered when [`Config::allowed_hosts`] is set.
pub const LOOPBACK_HOSTS: &[&str] = &["localhost", "127.0.0.1", "[::1]"];

/// Longest request target accepted (414 above).
pub const MAX_URI_BYTES: usize = 8 * 1024;
/// Largest total size of request headers accepted (431 above).
pub const MAX_HEADER_BYTES: usize = 64 * 1024;

/// A small number for the calling thread, distinct for the first threads that ask: picks a
/// per-thread cell of sharded counters and buffers.
pub(crate) fn thread_index() -> usize {
    use std::sync::atomic::AtomicUsize;
    static NEXT: AtomicUsize = AtomicUsize::new(0);
    thread_local! {
        static INDEX: usize = NEXT.fetch_add(1, Ordering::Relaxed);
    }
    INDEX.with(|i| *i)
}

/// A running stub server's state: the current route table, the journal, the config.
///
/// Shared behind an `Arc` by the router, `run`'s connections and `--watch`; freed when the
/// last of them is dropped.
#[derive(Debug)]
pub struct Server {
    /// Swapped whole on reload: a request loads it once and finishes with the table it
    /// loaded; the old table is freed when no request holds it any more.
    table: ArcSwap<Table>,
    pub journal: Journal,
    pub config: Config,
}

impl Server {
    pub fn new(docs: &DocSet, config: Config) -> Arc<Server> {
        let table = Table::build(docs);
        log_table_warnings(&table);
        Arc::new(Server {
            table: ArcSwap::from_pointee(table),
            journal: Journal::new(config.journal_size),
            config,
        })
    }

    /// The current route table.
    pub fn table(&self) -> Arc<Table> {
        self.table.load_full()
    }

    /// The current route table for the length of one request: no lock, and no reference
    /// count shared with other request threads.
    pub(crate) fn current(&self) -> arc_swap::Guard<Arc<Table>> {
        self.table.load()
    }

    /// Serve a new doc set from now on; requests in flight finish with the old one.
    pub fn replace(&self, docs: &DocSet) -> Arc<Table> {
        let table = Arc::new(Table::build(docs));
        log_table_warnings(&table);
        self.table.store(table.clone());
        table
    }
}

fn log_table_warnings(table: &Table) {
    for warning in &table.warnings {
        tracing::warn!("{warning}");
    }
}

/// The stub server as an axum router, for embedding and for tests: the [`service`] `run`
/// serves, as a router's fallback.
pub fn router(server: Arc<Server>) -> Router {
    Router::new().fallback_service(service(server))
}

/// The stub server as a service: docmock's handler behind the admin endpoints, wearing
/// [`stack::layers`]. Everything that serves the stub serves this.
pub fn service(
    server: Arc<Server>,
) -> Stack<
    impl tower_service::Service<
            Request,
            Response = Response<Body>,
            Error = std::convert::Infallible,
            Future = impl Send,
        > + Clone
        + Send
        + Sync
        + 'static,
> {
    let app = stack::layers(&server.config).service(Stub(server.clone()));
    stack::stack(&server, app, Router::new())
}

/// The stub's handler as a service. A request with no body to read (most are) is answered in
/// `call`, its answer a ready future; only a body to read takes a boxed future. (An axum
/// handler boxed a future per request and moved it through an extractor and a mapping.)
#[derive(Clone)]
struct Stub(Arc<Server>);

/// What the stub answers with: a response, never an error.
type Answer = Result<Response<Body>, std::convert::Infallible>;

impl tower_service::Service<Request> for Stub {
    type Response = Response<Body>;
    type Error = std::convert::Infallible;
    /// Ready at once, or once the body is read.
    type Future = futures_util::future::Either<
        std::future::Ready<Answer>,
        std::pin::Pin<Box<dyn std::future::Future<Output = Answer> + Send>>,
    >;

    fn poll_ready(
        &mut self,
        _: &mut std::task::Context<'_>,
    ) -> std::task::Poll<Result<(), std::convert::Infallible>> {
        std::task::Poll::Ready(Ok(()))
    }

    fn call(&mut self, request: Request) -> Self::Future {
        use futures_util::future::Either;
        let (parts, body) = request.into_parts();
        match body_known(&self.0.config, &parts, &body) {
            Some(read) => Either::Left(std::future::ready(Ok(finish(&self.0, &parts, read)))),
            None => {
                let server = self.0.clone();
                Either::Right(Box::pin(async move {
                    let read = read_body(body, &server.config).await;
                    Ok(finish(&server, &parts, read))
                }))
            }
        }
    }
}

/// Serve [`service`] on `listener` until `shutdown` completes, then finish the requests in
/// flight (at most [`SHUTDOWN_DEADLINE`]).
///
/// Slow clients are bounded here, per connection and not per request: a request head must
/// arrive within `read_timeout`, and at most `max_connections` are served at once.
pub async fn run(
    server: Arc<Server>,
    listener: tokio::net::TcpListener,
    shutdown: impl std::future::Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    let config = server.config.clone();
    serve_connections(service(server), listener, shutdown, &config).await
}

/// The accept loop: one task per connection, a permit per connection, a deadline on request
/// heads, and a graceful shutdown that gives up after [`SHUTDOWN_DEADLINE`].
async fn serve_connections<S>(
    app: S,
    listener: tokio::net::TcpListener,
    shutdown: impl std::future::Future<Output = ()> + Send + 'static,
    config: &Config,
) -> std::io::Result<()>
where
    S: tower_service::Service<
            axum::http::Request<hyper::body::Incoming>,
            Response = Response<Body>,
            Error = std::convert::Infallible,
        > + Clone
        + Send
        + 'static,
    S::Future: Send + 'static,
{
    use hyper_util::rt::{TokioIo, TokioTimer};
    let max = config
        .max_connections
        .clamp(1, tokio::sync::Semaphore::MAX_PERMITS) as u32;
    let permits = Arc::new(tokio::sync::Semaphore::new(max as usize));
    let (stop, stopped) = tokio::sync::watch::channel(false);
    let mut http = hyper::server::conn::http1::Builder::new();
    http.timer(TokioTimer::new())
        .header_read_timeout(config.read_timeout);
    let mut shutdown = std::pin::pin!(shutdown);
    loop {
        let permit = tokio::select! {
            () = &mut shutdown => break,
            permit = permits.clone().acquire_owned() => permit.expect("the semaphore is never closed"),
        };
        let stream = tokio::select! {
            () = &mut shutdown => break,
            accepted = listener.accept() => match accepted {
                Ok((stream, _)) => stream,
                Err(err) => {
                    // out of file descriptors, or a connection reset before it was accepted:
                    // wait a little instead of spinning
                    tracing::warn!("cannot accept a connection: {err}");
                    tokio::time::sleep(std::time::Duration::from_millis(50)).await;
                    continue;
                }
            },
        };
        let _ = stream.set_nodelay(true);
        let service = hyper_util::service::TowerToHyperService::new(app.clone());
        let connection = http.serve_connection(TokioIo::new(conn::Marked::new(stream)), service);
        let mut stopped = stopped.clone();
        tokio::spawn(async move {
            let _permit = permit;
            let mut connection = std::pin::pin!(connection);
            tokio::select! {
                _ = connection.as_mut() => return,
                _ = stopped.wait_for(|stop| *stop) => {}
            }
            connection.as_mut().graceful_shutdown();
            let _ = connection.await;
        });
    }
    drop(listener);
    let _ = stop.send(true);
    let all_closed = permits.acquire_many(max);
    if tokio::time::timeout(SHUTDOWN_DEADLINE, all_closed)
        .await
        .is_err()
    {
        tracing::warn!(
            "connections still open {} after shutting down: closed",
            humantime::format_duration(SHUTDOWN_DEADLINE)
        );
    }
    Ok(())
}

/// What answered a request, for the journal and the log line (also the proxy's): the
/// fixture id is borrowed from the table the request was answered from.
pub(crate) struct Outcome<'t> {
    pub(crate) fixture: Option<&'t str>,
    pub(crate) reason: &'static str,
}

impl Outcome<'static> {
    fn own(kind: &'static str) -> Outcome<'static> {
        Outcome {
            fixture: None,
            reason: kind,
        }
    }
}

/// Answer one request (the stub's handler, as [`service`] serves it).
pub(crate) async fn handle(server: Arc<Server>, request: Request) -> Response<Body> {
    let (parts, body) = request.into_parts();
    let read = match body_known(&server.config, &parts, &body) {
        Some(read) => read,
        None => read_body(body, &server.config).await,
    };
    finish(&server, &parts, read)
}

/// The request's body when it is known without reading it: refused (a foreign host, limits)
/// or empty; `None` when it must be read.
fn body_known(
    config: &Config,
    parts: &axum::http::request::Parts,
    body: &Body,
) -> Option<Result<Bytes, Refusal>> {
    if let Some(refusal) = check_host(config, parts) {
        return Some(Err(refusal));
    }
    if let Some(refusal) = check_limits(config, &parts.uri, &parts.headers) {
        return Some(Err(refusal));
    }
    if axum::body::HttpBody::is_end_stream(body) {
        return Some(Ok(Bytes::new()));
    }
    None
}

/// Answer, log and journal one request.
pub(crate) fn finish(
    server: &Server,
    parts: &axum::http::request::Parts,
    read: Result<Bytes, Refusal>,
) -> Response<Body> {
    let path = parts.uri.path();
    let query = parts.uri.query().unwrap_or("");
    let table = server.current();
    let (response, outcome, body) = match read {
        Ok(body) => {
            let (response, outcome) =
                answer_from(&table, &parts.method, &parts.headers, path, query, &body);
            (response, outcome, body)
        }
        Err((response, outcome)) => (response, outcome, Bytes::new()),
    };
    let status = response.status().as_u16();
    let now = SystemTime::now();
    log::request(
        server.config.request_log.as_ref(),
        now,
        &parts.method,
        path,
        query,
        status,
        &outcome,
    );
    let answered = Answered {
        fixture: outcome.fixture,
        reason: outcome.reason,
        status,
    };
    let entry = Entry::new(now, &parts.method, path, query, &body, answered);
    server.journal.record(entry);
    response
}

/// URI, header and declared body sizes.
pub(crate) fn check_limits(
    config: &Config,
    uri: &axum::http::Uri,
    headers: &HeaderMap,
) -> Option<Refusal> {
    let target = uri.path_and_query().map_or(0, |p| p.as_str().len());
    if target > MAX_URI_BYTES {
        return Some(own_error(
            StatusCode::URI_TOO_LONG,
            "uri-too-long",
            json!({"error": format!("the request target is longer than {MAX_URI_BYTES} bytes")}),
        ));
    }
    let header_bytes: usize = headers
        .iter()
        .map(|(k, v)| k.as_str().len() + v.len() + 4)
        .sum();
    if header_bytes > MAX_HEADER_BYTES {
        return Some(own_error(
            StatusCode::REQUEST_HEADER_FIELDS_TOO_LARGE,
            "headers-too-large",
            json!({"error": format!("the request headers are larger than {MAX_HEADER_BYTES} bytes")}),
        ));
    }
    let declared = headers
        .get(header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<u64>().ok());
    if declared.is_some_and(|len| len > config.max_body_bytes as u64) {
        return Some(too_large(config.max_body_bytes));
    }
    None
}

/// The `Host` a request names, when it is not one of the allowed (loopback names,
/// `--allow-host`): a page on another site reached through DNS rebinding names its own host.
pub(crate) fn check_host(config: &Config, parts: &axum::http::request::Parts) -> Option<Refusal> {
    let allowed = config.allowed_hosts.as_deref()?;
    let host = match parts.headers.get(header::HOST) {
        Some(value) => value.as_bytes(),
        None => parts.uri.host()?.as_bytes(),
    };
    // without the port; an IPv6 literal keeps its brackets
    let name = match host.iter().rposition(|b| *b == b':') {
        Some(colon) if !host[colon..].contains(&b']') => &host[..colon],
        _ => host,
    };
    let known = LOOPBACK_HOSTS
        .iter()
        .map(|h| h.as_bytes())
        .chain(allowed.iter().map(|h| h.as_bytes()))
        .any(|h| h.eq_ignore_ascii_case(name));
    if known {
        return None;
    }
    Some(own_error(
        StatusCode::MISDIRECTED_REQUEST,
        "host-not-allowed",
        json!({"error": format!(
            "this server answers only for loopback host names; `{}` is not one (add it with --allow-host)",
            String::from_utf8_lossy(name)
        )}),
    ))
}

/// The request body, at most `max_body_bytes`, within `read_timeout`.
pub(crate) async fn read_body(body: Body, config: &Config) -> Result<Bytes, Refusal> {
    let max = config.max_body_bytes;
    let read = tokio::time::timeout(config.read_timeout, axum::body::to_bytes(body, max));
    let Ok(read) = read.await else {
        let (mut response, outcome) = own_error(
            StatusCode::REQUEST_TIMEOUT,
            "body-timeout",
            json!({"error": format!(
                "the request body did not arrive within {} (--read-timeout)",
                humantime::format_duration(config.read_timeout)
            )}),
        );
        response
            .headers_mut()
            .insert(header::CONNECTION, HeaderValue::from_static("close"));
        return Err((response, outcome));
    };
    read.map_err(|err| {
        let limited = std::error::Error::source(&err)
            .is_some_and(|e| e.is::<http_body_util::LengthLimitError>());
        if limited {
            too_large(max)
        } else {
            own_error(
                StatusCode::BAD_REQUEST,
                "body-unreadable",
                json!({"error": format!("cannot read the request body: {err}")}),
            )
        }
    })
}

/// The answer to one request to a documented (or not) route.
fn answer_from<'t>(
    table: &'t Table,
    method: &Method,
    headers: &HeaderMap,
    path: &str,
    query: &str,
    bytes: &Bytes,
) -> (Response<Body>, Outcome<'t>) {
    let mut lookup = table.matcher.lookup(method.as_str(), path);
    if *method == Method::HEAD && !matches!(lookup, Lookup::Found { .. }) {
        // HEAD is GET without the body (hyper leaves the body out).
        if let found @ Lookup::Found { .. } = table.matcher.lookup("GET", path) {
            lookup = found;
        }
    }
    let (route_index, values) = match lookup {
        Lookup::Found { route, values } => (route, values),
        Lookup::MethodNotAllowed { routes } => {
            return method_not_allowed(table, &routes, method, path)
        }
        Lookup::NotFound => return not_found(table, method, path),
    };
    let route = &table.routes[route_index];
    if route.cases.is_empty() {
        let preference = Preference::from_request(headers, &mut query_pairs(query));
        return global_case(table, &preference).unwrap_or_else(|| own::no_example(route, method));
    }

    let mut incoming = Incoming {
        path: route.template.param_names().zip(values).collect(),
        query: query_pairs(query),
        body: None,
        form: false,
    };
    let preference = Preference::from_request(headers, &mut incoming.query);
    if !bytes.is_empty() {
        match parse_body(headers, bytes) {
            Ok(ParsedBody::Json(value)) => incoming.body = Some(value),
            Ok(ParsedBody::Form(value)) => {
                incoming.body = Some(value);
                incoming.form = true;
            }
            Ok(ParsedBody::Other) => {}
            Err(message) => {
                return own_error(
                    StatusCode::BAD_REQUEST,
                    "malformed-json",
                    json!({"error": "the request body is not valid JSON", "detail": message}),
                )
            }
        }
    }
    match select::select(route, &preference, &incoming) {
        Selection::Case { case, reason } => {
            let case = &route.cases[case];
            case.record_served();
            let response = case
                .rendered
                .to_response(fallback_reason(route, &incoming, reason));
            (
                response,
                Outcome {
                    fixture: Some(&case.id),
                    reason: reason.as_str(),
                },
            )
        }
        Selection::Invalid(invalid) => {
            // The endpoint's parameter table speaks for the answer: name its success case.
            let fixture = route.cases.get(route.success).map(|c| c.id.as_str());
            let body = json!({"errors": {invalid.param: [invalid.problem]}});
            let mut response = json_response(StatusCode::UNPROCESSABLE_ENTITY, &body);
            let headers = response.headers_mut();
            headers.insert(
                response::REASON_HEADER,
                fallback_reason(route, &incoming, Reason::ValidationSynthesized),
            );
            if let Some(value) = fixture.and_then(|f| HeaderValue::from_str(f).ok()) {
                headers.insert(response::FIXTURE_HEADER, value);
            }
            (
                response,
                Outcome {
                    fixture,
                    reason: Reason::ValidationSynthesized.as_str(),
                },
            )
        }
        Selection::UnknownPreference {
            asked,
            codes,
            examples,
        } => global_case(table, &preference).unwrap_or_else(|| {
            own_error(
                StatusCode::BAD_REQUEST,
                "unknown-preference",
                json!({
                    "error": format!("{} {} documents no case {asked}", route.method, route.route),
                    "available": {"codes": codes, "examples": examples},
                }),
            )
        }),
    }
}

/// The `x-docmock-reason` of an answer. A fallback (validation or the success case) on a route
/// whose cases document a query or body also names the case the request came closest to
/// (`success; near-miss=<fixture id>`): the request looked like a documented one but was not.
/// Worked out only then, so the other answers (and routes documenting no request) pay nothing.
fn fallback_reason(route: &Route, incoming: &Incoming, reason: Reason) -> HeaderValue {
    let fallback = matches!(
        reason,
        Reason::Success | Reason::Validation | Reason::ValidationSynthesized
    );
    if !(fallback && route.documents_requests) {
        return reason.header_value();
    }
    select::near_misses(route, incoming)
        .into_iter()
        .filter(|miss| {
            let case = route.cases.iter().find(|c| c.id == miss.case);
            case.is_some_and(|c| c.documents_request())
        })
        .min_by_key(|miss| miss.differences.len())
        .and_then(|miss| {
            HeaderValue::from_str(&format!("{}; near-miss={}", reason.as_str(), miss.case)).ok()
        })
        .unwrap_or_else(|| reason.header_value())
}

/// The global case (documented for every route) the client asked for, if any: only asked
/// after the route itself documents no such case, so it costs nothing on other requests.
fn global_case<'t>(
    table: &'t Table,
    preference: &Preference,
) -> Option<(Response<Body>, Outcome<'t>)> {
    if table.global.is_empty() || preference.is_empty() {
        return None;
    }
    let (case, reason) = select::preferred(&table.global, preference).ok()?;
    let case = &table.global[case];
    case.record_served();
    Some((
        case.rendered.to_response(reason.header_value()),
        Outcome {
            fixture: Some(&case.id),
            reason: reason.as_str(),
        },
    ))
}

/// Decoded query pairs.
pub(crate) fn query_pairs(query: &str) -> Vec<(Cow<'_, str>, Cow<'_, str>)> {
    if query.is_empty() {
        return Vec::new();
    }
    query
        .split('&')
        .filter(|p| !p.is_empty())
        .map(|pair| {
            let (name, value) = pair.split_once('=').unwrap_or((pair, ""));
            (
                matcher::percent_decode(name, true),
                matcher::percent_decode(value, true),
            )
        })
        .collect()
}

/// A request body as selection reads it.
pub(crate) enum ParsedBody {
    Json(Value),
    /// A form, as an object of its pairs' text.
    Form(Value),
    /// A media type docmock does not look into.
    Other,
}

/// The body for selection: parsed when it is JSON (or has no type), read as pairs when it is a
/// form; other media types are not looked into.
pub(crate) fn parse_body(headers: &HeaderMap, bytes: &[u8]) -> Result<ParsedBody, String> {
    let content_type = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok());
    match content_type {
        // `curl -d '{...}'` sends JSON labelled as a form: read it as the JSON it is.
        Some(ct)
            if ct
                .to_ascii_lowercase()
                .starts_with("application/x-www-form-urlencoded")
                && !bytes.trim_ascii_start().starts_with(b"{") =>
        {
            let text = String::from_utf8_lossy(bytes);
            let object = query_pairs(&text)
                .into_iter()
                .map(|(k, v)| (k.into_owned(), Value::String(v.into_owned())))
                .collect();
            Ok(ParsedBody::Form(Value::Object(object)))
        }
        Some(ct) if !media::is_json(ct) => Ok(ParsedBody::Other),
        _ => serde_json::from_slice(bytes)
            .map(ParsedBody::Json)
            .map_err(|e| e.to_string()),
    }
}
