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
pub mod table;
pub mod watch;

use crate::fixture::media;
use crate::fixture::DocSet;
use axum::body::{Body, Bytes};
use axum::extract::{Request, State};
use axum::http::{header, HeaderMap, HeaderValue, Method, Response, StatusCode};
use axum::Router;
use journal::{Entry, Journal};
use matcher::Lookup;
use own::{json_response, method_not_allowed, not_found, own_error, too_large, Refusal};
use response::ERROR_HEADER;
use select::{Incoming, Preference, Reason, Selection};
use serde_json::{json, Value};
use std::borrow::Cow;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, RwLock};
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
#[derive(Debug)]
pub struct Server {
    table: RwLock<Arc<Table>>,
    /// The generation of `table`, readable without taking the lock.
    generation: AtomicU64,
    pub journal: Journal,
    pub config: Config,
}

impl Server {
    pub fn new(docs: &DocSet, config: Config) -> Arc<Server> {
        let table = Table::build(docs);
        log_table_warnings(&table);
        Arc::new(Server {
            generation: AtomicU64::new(table.generation),
            table: RwLock::new(Arc::new(table)),
            journal: Journal::new(config.journal_size),
            config,
        })
    }

    /// The current route table.
    pub fn table(&self) -> Arc<Table> {
        self.table.read().unwrap_or_else(|e| e.into_inner()).clone()
    }

    /// Serve a new doc set from now on; requests in flight finish with the old one.
    pub fn replace(&self, docs: &DocSet) -> Arc<Table> {
        let table = Arc::new(Table::build(docs));
        log_table_warnings(&table);
        *self.table.write().unwrap_or_else(|e| e.into_inner()) = table.clone();
        self.generation.store(table.generation, Ordering::Release);
        table
    }

    /// Run `f` with the current table. Each request thread keeps the table it last used and
    /// only checks the generation: no lock and no shared reference count per request.
    pub fn with_table<T>(&self, f: impl FnOnce(&Table) -> T) -> T {
        thread_local! {
            static CACHED: std::cell::RefCell<Option<Arc<Table>>> =
                const { std::cell::RefCell::new(None) };
        }
        let generation = self.generation.load(Ordering::Acquire);
        CACHED.with(|cached| {
            let mut cached = cached.borrow_mut();
            if cached.as_ref().is_none_or(|t| t.generation != generation) {
                *cached = Some(self.table());
            }
            f(cached.get_or_insert_with(|| self.table()))
        })
    }
}

fn log_table_warnings(table: &Table) {
    for warning in &table.warnings {
        tracing::warn!("{warning}");
    }
}

/// The server lives as long as the process once it serves: handlers hold a plain reference,
/// so no request touches a reference count shared by every request thread.
pub(crate) fn leak(server: Arc<Server>) -> &'static Server {
    let leaked: &'static Arc<Server> = Box::leak(Box::new(server));
    leaked
}

/// The stub server as an axum router (for embedding; `run` serves the same handler).
pub fn router(server: Arc<Server>) -> Router {
    let server = leak(server);
    let catch_panic = tower_http::catch_panic::CatchPanicLayer::custom(panic_answer);
    if server.config.cors || !server.config.cors_origins.is_empty() {
        with_cors(server).layer(catch_panic)
    } else {
        Router::new()
            .fallback(handle)
            .with_state(server)
            .layer(catch_panic)
    }
}

/// The layers every docmock server wears (panics answered 500, CORS when asked): the proxy's
/// routers wear them too.
pub(crate) fn layers(router: Router, config: &Config) -> Router {
    let router = router.layer(tower_http::catch_panic::CatchPanicLayer::custom(
        panic_answer,
    ));
    if config.cors || !config.cors_origins.is_empty() {
        router.layer(cors_layer(config))
    } else {
        router
    }
}

/// The handler behind the CORS layer; the admin endpoints stay outside it unless asked, so
/// no web page can read the journal (it holds request bodies) or clear it.
fn with_cors(server: &'static Server) -> Router {
    let documented = Router::new()
        .fallback(handle)
        .with_state(server)
        .layer(cors_layer(&server.config));
    if server.config.cors_admin {
        return documented;
    }
    Router::new()
        .route("/__docmock/", axum::routing::any(handle))
        .route("/__docmock/{*rest}", axum::routing::any(handle))
        .with_state(server)
        .fallback_service(documented)
}

/// A bug in docmock answers 500, marked as docmock's own, and is logged.
fn panic_answer(panic: Box<dyn std::any::Any + Send + 'static>) -> Response<Body> {
    let message = panic
        .downcast_ref::<String>()
        .map(String::as_str)
        .or_else(|| panic.downcast_ref::<&str>().copied())
        .unwrap_or("unknown panic");
    tracing::error!(message, "docmock failed while answering a request");
    own_error(
        StatusCode::INTERNAL_SERVER_ERROR,
        "internal",
        json!({"error": format!("docmock failed: {message}")}),
    )
    .0
}

/// Serve on `listener` until `shutdown` completes, then finish the requests in flight (at
/// most [`SHUTDOWN_DEADLINE`]).
///
/// The handler is served as a service of its own, without [`router`]'s (empty) path table in
/// front of it: every request goes to it anyway. Slow clients are bounded here, per
/// connection and not per request: a request head must arrive within `read_timeout`, and at
/// most `max_connections` are served at once.
pub async fn run(
    server: Arc<Server>,
    listener: tokio::net::TcpListener,
    shutdown: impl std::future::Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    use axum::handler::Handler;
    if server.config.cors || !server.config.cors_origins.is_empty() {
        let config = server.config.clone();
        serve_connections(router(server), listener, shutdown, &config).await
    } else {
        let server = leak(server);
        let catch_panic = tower_http::catch_panic::CatchPanicLayer::custom(panic_answer);
        let app = handle.layer(catch_panic).with_state(server);
        serve_connections(app, listener, shutdown, &server.config).await
    }
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

/// `--cors`: any origin without credentials; with `--cors-origin`, those origins only, with
/// credentials. Any method and header; the docmock headers readable by scripts.
fn cors_layer(config: &Config) -> tower_http::cors::CorsLayer {
    use tower_http::cors::{AllowHeaders, AllowMethods, AllowOrigin, Any, CorsLayer};
    let layer = CorsLayer::new().expose_headers([
        response::FIXTURE_HEADER,
        response::REASON_HEADER,
        ERROR_HEADER,
    ]);
    if config.cors_origins.is_empty() {
        return layer
            .allow_origin(Any)
            .allow_methods(Any)
            .allow_headers(Any);
    }
    let origins: Vec<HeaderValue> = config
        .cors_origins
        .iter()
        .filter_map(|o| HeaderValue::from_str(o.trim_end_matches('/')).ok())
        .collect();
    // credentials rule out `*`: methods and headers are mirrored from the preflight
    layer
        .allow_origin(AllowOrigin::list(origins))
        .allow_credentials(true)
        .allow_methods(AllowMethods::mirror_request())
        .allow_headers(AllowHeaders::mirror_request())
}

/// What answered a request, for the journal and the log line (also the proxy's).
pub(crate) struct Outcome {
    pub(crate) fixture: Option<&'static str>,
    pub(crate) reason: &'static str,
}

impl Outcome {
    fn own(kind: &'static str) -> Outcome {
        Outcome {
            fixture: None,
            reason: kind,
        }
    }
}

pub(crate) async fn handle(
    State(server): State<&'static Server>,
    request: Request,
) -> Response<Body> {
    let (parts, body) = request.into_parts();
    if let Some(allowed) = &server.config.allowed_hosts {
        if let Some(refusal) = check_host(allowed, &parts) {
            return finish(server, &parts, Err(refusal));
        }
    }
    if let Some(admin) = parts.uri.path().strip_prefix("/__docmock/") {
        return admin::answer(server, &parts.method, admin);
    }
    // Only reading a body awaits; everything else is synchronous, which keeps this future
    // (moved into a box per request) small.
    let read = match check_limits(&server.config, &parts.uri, &parts.headers) {
        Some(refusal) => Err(refusal),
        None if axum::body::HttpBody::is_end_stream(&body) => Ok(Bytes::new()),
        None => read_body(body, &server.config).await,
    };
    finish(server, &parts, read)
}

/// Answer, log and journal one request.
fn finish(
    server: &Server,
    parts: &axum::http::request::Parts,
    read: Result<Bytes, Refusal>,
) -> Response<Body> {
    let path = parts.uri.path();
    let query = parts.uri.query().unwrap_or("");
    let (response, outcome, body) = match read {
        Ok(body) => {
            let (response, outcome) =
                answer(server, &parts.method, &parts.headers, path, query, &body);
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
    server.journal.record(Entry {
        time: now,
        method: parts.method.clone(),
        path: path.to_string(),
        query: query.to_string(),
        body: Entry::kept_body(&body),
        body_len: body.len(),
        fixture: outcome.fixture,
        reason: outcome.reason,
        status,
    });
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

/// The `Host` a request names, when it is not one of `allowed` (loopback names, `--allow-host`):
/// a page on another site reached through DNS rebinding names its own host.
fn check_host(allowed: &[String], parts: &axum::http::request::Parts) -> Option<Refusal> {
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
fn answer(
    server: &Server,
    method: &Method,
    headers: &HeaderMap,
    path: &str,
    query: &str,
    bytes: &Bytes,
) -> (Response<Body>, Outcome) {
    server.with_table(|table| answer_from(table, method, headers, path, query, bytes))
}

fn answer_from(
    table: &Table,
    method: &Method,
    headers: &HeaderMap,
    path: &str,
    query: &str,
    bytes: &Bytes,
) -> (Response<Body>, Outcome) {
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
                    fixture: Some(case.id),
                    reason: reason.as_str(),
                },
            )
        }
        Selection::Invalid(invalid) => {
            // The endpoint's parameter table speaks for the answer: name its success case.
            let fixture = route.cases.get(route.success).map(|c| c.id);
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
fn global_case(table: &Table, preference: &Preference) -> Option<(Response<Body>, Outcome)> {
    if table.global.is_empty() || preference.is_empty() {
        return None;
    }
    let (case, reason) = select::preferred(&table.global, preference).ok()?;
    let case = &table.global[case];
    case.record_served();
    Some((
        case.rendered.to_response(reason.header_value()),
        Outcome {
            fixture: Some(case.id),
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
