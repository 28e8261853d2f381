//! proxy: live traffic between a client and the real implementation, checked against the docs.
//!
//! In: a [`Server`] (the same route table, journal, limits and admin endpoints as `serve`) and
//! [`ProxyOptions`]. Each request is forwarded to the target ([`forward`]); the answer is
//! compared, with `verify::compare`, to the documented case `serve::select` picks for its
//! status, and the request is checked against the parameter table with `serve::select`'s
//! validation. Out: the target's answers (replaced only with `--strict`), one [`Kind`] verdict
//! per exchange (WARN lines, journal, `/__docmock/violations`, coverage), a [`Summary`] for
//! the shutdown report, and with `--record` draft doc pages ([`record`]). `serve --fallback`
//! uses the same forwarding for requests no documented route matches ([`fallback_router`]).

pub mod forward;
pub mod record;
pub mod verdict;

pub use verdict::{Kind, Summary};

use crate::serve::journal::{Answered, Entry};
use crate::serve::matcher::Lookup;
use crate::serve::own::{json_response, own_error};
use crate::serve::select::{self, Incoming, Invalid, Preference};
use crate::serve::table::{Case, Table};
use crate::serve::{self, Outcome, ParsedBody, Server};
use crate::verify::tls::CaCerts;
use crate::verify::{compare, ActualResponse, Difference, MatchLevel, VerifyError};
use axum::body::{Body, Bytes};
use axum::extract::{ConnectInfo, Request, State};
use axum::http::request::Parts;
use axum::http::{header, HeaderMap, HeaderValue, Method, Response, StatusCode};
use axum::routing::get;
use axum::Router;
use forward::{Answer, Forwarder};
use indexmap::IndexMap;
use serde_json::{json, Value};
use std::net::{IpAddr, SocketAddr};
use std::path::PathBuf;
use std::sync::Arc;
use std::time::{Duration, SystemTime};
use verdict::{CaseTally, Found, Sample, SampleRequest, SampleResponse, Tallies, Violations};

/// Header values never written to logs, the journal, reports or recordings.
pub const SECRET_HEADERS: &[&str] = &[
    "authorization",
    "cookie",
    "set-cookie",
    "proxy-authorization",
];

/// What stands in for a secret header value.
pub const REDACTED: &str = "[redacted]";

/// How the proxy behaves, from the command line.
#[derive(Debug, Clone)]
pub struct ProxyOptions {
    /// Base URL of the real implementation.
    pub target: String,
    pub match_level: MatchLevel,
    /// Replace a differing answer with a 502 and refuse a request that breaks the table (422).
    pub strict: bool,
    /// More header names to redact (`--redact-header`).
    pub redact: Vec<String>,
    /// Write exchanges no documented case covers as draft doc pages into this folder.
    pub record: Option<PathBuf>,
    /// Timeout of each forwarded request.
    pub timeout: Duration,
    /// CAs trusted at an https target besides the public web roots (`--ca-cert`).
    pub ca_certs: CaCerts,
}

impl Default for ProxyOptions {
    fn default() -> Self {
        ProxyOptions {
            target: String::new(),
            match_level: MatchLevel::Shape,
            strict: false,
            redact: Vec::new(),
            record: None,
            timeout: Duration::from_secs(30),
            ca_certs: CaCerts::default(),
        }
    }
}

/// Header names whose values are redacted.
#[derive(Debug, Clone)]
pub struct Redaction {
    names: Vec<String>,
}

impl Redaction {
    pub fn new(extra: &[String]) -> Redaction {
        let mut names: Vec<String> = SECRET_HEADERS.iter().map(|s| s.to_string()).collect();
        names.extend(extra.iter().map(|n| n.trim().to_ascii_lowercase()));
        Redaction { names }
    }

    pub fn is_secret(&self, name: &str) -> bool {
        self.names.iter().any(|n| n.eq_ignore_ascii_case(name))
    }

    /// Headers as reports show them: lower-case names, repeats joined, secrets redacted.
    pub fn headers(&self, headers: &HeaderMap) -> IndexMap<String, String> {
        let mut out: IndexMap<String, String> = IndexMap::new();
        for (name, value) in headers {
            let value = if self.is_secret(name.as_str()) {
                REDACTED.to_string()
            } else {
                String::from_utf8_lossy(value.as_bytes()).into_owned()
            };
            out.entry(name.as_str().to_string())
                .and_modify(|v| {
                    if v != REDACTED {
                        v.push_str(", ");
                        v.push_str(&value);
                    }
                })
                .or_insert(value);
        }
        out
    }

    /// A difference whose header values are secret, with them redacted.
    pub fn difference(&self, difference: Difference) -> Difference {
        match difference {
            Difference::MissingHeader { name, .. } if self.is_secret(&name) => {
                Difference::MissingHeader {
                    name,
                    expected: REDACTED.into(),
                }
            }
            Difference::HeaderMismatch { name, .. } if self.is_secret(&name) => {
                Difference::HeaderMismatch {
                    name,
                    expected: REDACTED.into(),
                    actual: REDACTED.into(),
                }
            }
            other => other,
        }
    }
}

/// A running proxy's state.
#[derive(Debug)]
pub struct Proxy {
    /// Route table, journal, limits: `serve`'s.
    pub server: Arc<Server>,
    forwarder: Forwarder,
    options: ProxyOptions,
    redaction: Redaction,
    violations: Violations,
    tallies: Tallies,
    recorder: Option<record::Recorder>,
}

impl Proxy {
    pub fn new(server: Arc<Server>, options: ProxyOptions) -> Result<Arc<Proxy>, VerifyError> {
        let forwarder = Forwarder::new(&options.target, options.timeout, &options.ca_certs)?;
        let redaction = Redaction::new(&options.redact);
        let recorder = options
            .record
            .as_ref()
            .map(|dir| record::Recorder::new(dir.clone()));
        Ok(Arc::new(Proxy {
            server,
            forwarder,
            redaction,
            violations: Violations::default(),
            tallies: Tallies::default(),
            recorder,
            options,
        }))
    }

    /// What the run saw so far.
    pub fn summary(&self) -> Summary {
        Summary {
            target: self.forwarder.target().to_string(),
            verdicts: self.tallies.counts(),
            cases: self.tallies.cases(),
            violations: self.violations.groups(),
        }
    }

    /// Problems writing the recording (each logged when it happened too).
    pub fn record_errors(&self) -> Vec<String> {
        self.recorder
            .as_ref()
            .map(|r| r.errors())
            .unwrap_or_default()
    }
}

/// The proxy as an axum router; serve it with `into_make_service_with_connect_info::<SocketAddr>`
/// so `X-Forwarded-For` names the client.
pub fn router(proxy: Arc<Proxy>) -> Router {
    let violations = serve::admin::endpoint(
        "/__docmock/violations",
        get(violations).delete(clear_violations),
        proxy.clone(),
    );
    let app = Router::new().fallback(handle).with_state(proxy.clone());
    serve::stack::router(&proxy.server, app, violations)
}

/// `GET /__docmock/violations`: the violations seen, grouped.
async fn violations(State(proxy): State<Arc<Proxy>>) -> Response<Body> {
    let groups = proxy.violations.groups();
    let total: u64 = groups.iter().map(|g| g.count).sum();
    json_response(StatusCode::OK, &json!({"count": total, "groups": groups}))
}

async fn clear_violations(State(proxy): State<Arc<Proxy>>) -> Response<Body> {
    proxy.violations.clear();
    serve::admin::no_content()
}

/// Proxy on `listener` until `shutdown` completes, then finish the exchanges in flight.
pub async fn run(
    proxy: Arc<Proxy>,
    listener: tokio::net::TcpListener,
    shutdown: impl std::future::Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    axum::serve(
        listener,
        router(proxy).into_make_service_with_connect_info::<SocketAddr>(),
    )
    .with_graceful_shutdown(shutdown)
    .await
}

async fn handle(State(proxy): State<Arc<Proxy>>, request: Request) -> Response<Body> {
    let client = request
        .extensions()
        .get::<ConnectInfo<SocketAddr>>()
        .map(|c| c.0.ip());
    let (parts, body) = request.into_parts();
    let config = &proxy.server.config;
    // as `serve`: bound to loopback, a page that rebinds its own name to 127.0.0.1 must not
    // drive the target through the proxy
    if let Some((response, _)) = serve::check_host(config, &parts) {
        return response;
    }
    let body = match serve::check_limits(config, &parts.uri, &parts.headers) {
        Some((response, _)) => return response,
        None => match serve::read_body(body, config).await {
            Ok(body) => body,
            Err((response, _)) => return response,
        },
    };
    proxy.exchange(&parts, body, client).await
}

/// Where a request lands in the docs.
enum Place<'a> {
    Route {
        index: usize,
        incoming: Incoming<'a>,
        invalid: Option<Invalid>,
    },
    Unrouted,
}

/// The documented route of a request, its values as selection reads them, and the first
/// parameter it breaks.
fn place<'a>(
    table: &'a Table,
    method: &Method,
    headers: &HeaderMap,
    path: &'a str,
    query: &'a str,
    body: &Bytes,
) -> Place<'a> {
    let mut lookup = table.matcher.lookup(method.as_str(), path);
    if *method == Method::HEAD && !matches!(lookup, Lookup::Found { .. }) {
        if let found @ Lookup::Found { .. } = table.matcher.lookup("GET", path) {
            lookup = found;
        }
    }
    let Lookup::Found { route, values } = lookup else {
        return Place::Unrouted;
    };
    let documented = &table.routes[route];
    let mut incoming = Incoming {
        path: documented.template.param_names().zip(values).collect(),
        query: serve::query_pairs(query),
        body: None,
        form: false,
    };
    // docmock's own `__code` / `__example` are not the client's parameters
    let _ = Preference::from_request(headers, &mut incoming.query);
    let mut invalid = None;
    if !body.is_empty() {
        match serve::parse_body(headers, body) {
            Ok(ParsedBody::Json(value)) => incoming.body = Some(value),
            Ok(ParsedBody::Form(value)) => {
                incoming.body = Some(value);
                incoming.form = true;
            }
            Ok(ParsedBody::Other) => {}
            Err(message) => {
                invalid = Some(Invalid {
                    param: "body".into(),
                    problem: format!("is not valid JSON: {message}"),
                })
            }
        }
    }
    let invalid = invalid.or_else(|| select::validate(&documented.params, &incoming));
    Place::Route {
        index: route,
        incoming,
        invalid,
    }
}

/// The documented case for a real status: among the route's cases with that status the one
/// whose documented request matches (as `serve` chooses), else the first; else a global case.
fn case_for<'t>(
    table: &'t Table,
    route: usize,
    incoming: &Incoming,
    status: u16,
) -> Option<&'t Case> {
    let documented = &table.routes[route];
    select::request_match(documented, incoming, Some(status))
        .or_else(|| documented.cases.iter().position(|c| c.status == status))
        .map(|i| &documented.cases[i])
        .or_else(|| table.global.iter().find(|c| c.status == status))
}

fn doc_of(case: &Case) -> String {
    format!("{}:{}", case.fixture.source.file, case.fixture.source.line)
}

impl Proxy {
    async fn exchange(&self, parts: &Parts, body: Bytes, client: Option<IpAddr>) -> Response<Body> {
        let table = self.server.table();
        let path = parts.uri.path();
        let query = parts.uri.query().unwrap_or("");
        let place = place(&table, &parts.method, &parts.headers, path, query, &body);
        let route_name = match &place {
            Place::Route { index, .. } => table.routes[*index].route.clone(),
            Place::Unrouted => path.to_string(),
        };
        let request_sample = || SampleRequest {
            method: parts.method.to_string(),
            path: parts
                .uri
                .path_and_query()
                .map_or(path, |p| p.as_str())
                .to_string(),
            headers: self.redaction.headers(&parts.headers),
            body: body_value(&body),
        };

        if let Place::Route {
            index,
            invalid: Some(invalid),
            ..
        } = &place
        {
            let problem = format!("{}: {}", invalid.param, invalid.problem);
            tracing::warn!(
                "request-violates {} {}: {problem} (docs {})",
                parts.method,
                path,
                table.routes[*index]
                    .cases
                    .first()
                    .map(doc_of)
                    .or_else(|| table.routes[*index].declared_at.clone())
                    .unwrap_or_default()
            );
            self.tallies.verdict(Kind::RequestViolates);
            self.violations.add(
                Found {
                    kind: Kind::RequestViolates,
                    method: parts.method.to_string(),
                    route: route_name.clone(),
                    case: None,
                    doc: table.routes[*index].cases.first().map(doc_of),
                    differences: Vec::new(),
                    problem: Some(problem.clone()),
                },
                || Sample {
                    request: request_sample(),
                    response: None,
                },
            );
            if self.options.strict {
                let problem_body = json!({
                    "type": "urn:docmock:request-violates",
                    "title": "the request breaks the documented parameter table",
                    "status": 422,
                    "detail": format!("{} {}: {problem}", parts.method, route_name),
                    "errors": {invalid.param.clone(): [invalid.problem.clone()]},
                });
                let response = problem_response(
                    StatusCode::UNPROCESSABLE_ENTITY,
                    &problem_body,
                    "request-violates",
                );
                self.journal(parts, &body, None, Kind::RequestViolates.as_str(), 422);
                return response;
            }
        }

        let answer = match self.forwarder.forward(parts, body.clone(), client).await {
            Ok(answer) => answer,
            Err(message) => {
                tracing::error!("{} {}: {message}", parts.method, path);
                let (response, _) = own_error(
                    StatusCode::BAD_GATEWAY,
                    "target-unreachable",
                    json!({"error": message}),
                );
                self.journal(parts, &body, None, "target-unreachable", 502);
                return response;
            }
        };
        let actual = ActualResponse::from_parts(answer.status, &answer.headers, &answer.body);
        let response_sample = || SampleResponse {
            status: answer.status,
            headers: self.redaction.headers(&answer.headers),
            body: actual.body.clone(),
        };
        let sample = || Sample {
            request: request_sample(),
            response: Some(response_sample()),
        };

        let (kind, case, differences) = match &place {
            Place::Unrouted => (Kind::UndocumentedRoute, None, Vec::new()),
            Place::Route {
                index, incoming, ..
            } => match case_for(&table, *index, incoming, answer.status) {
                None => (Kind::UndocumentedStatus, None, Vec::new()),
                Some(case) => {
                    case.record_served();
                    let (differences, _warnings) =
                        compare::response(&case.fixture, &actual, self.options.match_level);
                    let differences: Vec<Difference> = differences
                        .into_iter()
                        .map(|d| self.redaction.difference(d))
                        .collect();
                    let route = &table.routes[*index];
                    self.tallies
                        .case(&case.id, !differences.is_empty(), || CaseTally {
                            id: case.id.to_string(),
                            method: route.method.clone(),
                            route: route.route.clone(),
                            status: case.status,
                            doc: doc_of(case),
                            exchanges: 0,
                            differed: 0,
                        });
                    let kind = if differences.is_empty() {
                        Kind::Conforms
                    } else {
                        Kind::Differs
                    };
                    (kind, Some(case), differences)
                }
            },
        };
        let request_violated = matches!(
            &place,
            Place::Route {
                invalid: Some(_),
                ..
            }
        );
        if !request_violated {
            self.tallies.verdict(kind);
        }
        let doc = case.map(doc_of);
        match kind {
            Kind::Conforms => {}
            Kind::Differs => {
                for difference in &differences {
                    let (at, docs, got) = verdict::parts(difference);
                    tracing::warn!(
                        "differs {} {}: {at}: docs {docs}, actual {got} ({})",
                        parts.method,
                        path,
                        doc.as_deref().unwrap_or_default()
                    );
                }
            }
            Kind::UndocumentedStatus | Kind::UndocumentedRoute => {
                tracing::warn!(
                    "{} {} {}: status {} (no documented case)",
                    kind.as_str(),
                    parts.method,
                    path,
                    answer.status
                );
            }
            Kind::RequestViolates => {}
        }
        if kind != Kind::Conforms {
            self.violations.add(
                Found {
                    kind,
                    method: parts.method.to_string(),
                    route: route_name.clone(),
                    case: case.map(|c| c.id.clone()),
                    doc: doc.clone(),
                    differences: differences.clone(),
                    problem: None,
                },
                sample,
            );
        }
        if let (Some(recorder), Kind::UndocumentedRoute | Kind::UndocumentedStatus) =
            (&self.recorder, kind)
        {
            let documented = match &place {
                Place::Route { index, .. } => Some(table.routes[*index].route.as_str()),
                Place::Unrouted => None,
            };
            recorder.add(documented, sample());
        }
        let reason = if request_violated {
            Kind::RequestViolates.as_str()
        } else {
            kind.as_str()
        };
        if kind == Kind::Differs && self.options.strict {
            let violations: Vec<Value> = differences
                .iter()
                .map(|d| {
                    let (at, docs, actual) = verdict::parts(d);
                    json!({"at": at, "docs": docs, "actual": actual})
                })
                .collect();
            let problem_body = json!({
                "type": "urn:docmock:differs",
                "title": "the answer differs from the docs",
                "status": 502,
                "detail": format!(
                    "{} {} answered {}, which differs from {}",
                    parts.method, path, answer.status, doc.as_deref().unwrap_or_default()
                ),
                "case": case.map(|c| &c.id),
                "violations": violations,
            });
            self.journal(parts, &body, case.map(|c| c.id.as_str()), reason, 502);
            return problem_response(StatusCode::BAD_GATEWAY, &problem_body, "differs");
        }
        self.journal(
            parts,
            &body,
            case.map(|c| c.id.as_str()),
            reason,
            answer.status,
        );
        answer_response(answer)
    }

    fn journal(
        &self,
        parts: &Parts,
        body: &Bytes,
        fixture: Option<&str>,
        reason: &'static str,
        status: u16,
    ) {
        journal(&self.server, parts, body, fixture, reason, status);
    }
}

/// One journal entry and one request log line, as `serve` writes them.
fn journal(
    server: &Server,
    parts: &Parts,
    body: &Bytes,
    fixture: Option<&str>,
    reason: &'static str,
    status: u16,
) {
    let now = SystemTime::now();
    let path = parts.uri.path();
    let query = parts.uri.query().unwrap_or("");
    serve::log::request(
        server.config.request_log.as_ref(),
        now,
        &parts.method,
        path,
        query,
        status,
        &Outcome { fixture, reason },
    );
    let answered = Answered {
        fixture,
        reason,
        status,
    };
    let entry = Entry::new(now, &parts.method, path, query, body, answered);
    server.journal.record(entry);
}

fn body_value(body: &Bytes) -> Option<Value> {
    if body.is_empty() {
        return None;
    }
    Some(
        serde_json::from_slice(body)
            .unwrap_or_else(|_| Value::String(String::from_utf8_lossy(body).into_owned())),
    )
}

/// An `application/problem+json` answer of docmock's own.
fn problem_response(status: StatusCode, body: &Value, kind: &'static str) -> Response<Body> {
    let mut response = json_response(status, body);
    let headers = response.headers_mut();
    headers.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/problem+json"),
    );
    headers.insert(
        serve::response::ERROR_HEADER,
        HeaderValue::from_static(kind),
    );
    response
}

/// The target's answer as the client gets it.
fn answer_response(answer: Answer) -> Response<Body> {
    let mut response = Response::new(Body::from(answer.body));
    *response.status_mut() = StatusCode::from_u16(answer.status).unwrap_or(StatusCode::BAD_GATEWAY);
    *response.headers_mut() = answer.headers;
    response
}

/// `serve --fallback`: documented routes answered from the docs, the rest forwarded.
#[derive(Debug)]
struct Fallback {
    server: Arc<Server>,
    forwarder: Forwarder,
}

/// `serve`'s router with every request no documented route matches forwarded to `target`
/// (journal reason `fallback`); at an https target the public web roots and `ca_certs` are
/// trusted.
pub fn fallback_router(
    server: Arc<Server>,
    target: &str,
    ca_certs: &CaCerts,
) -> Result<Router, VerifyError> {
    let forwarder = Forwarder::new(target, Duration::from_secs(30), ca_certs)?;
    let state = Arc::new(Fallback {
        server: server.clone(),
        forwarder,
    });
    let app = Router::new().fallback(fallback).with_state(state);
    Ok(serve::stack::router(&server, app, Router::new()))
}

async fn fallback(State(state): State<Arc<Fallback>>, request: Request) -> Response<Body> {
    let path = request.uri().path();
    let unrouted = matches!(
        state
            .server
            .current()
            .matcher
            .lookup(request.method().as_str(), path),
        Lookup::NotFound
    );
    if !unrouted {
        return serve::handle(state.server.clone(), request).await;
    }
    let client = request
        .extensions()
        .get::<ConnectInfo<SocketAddr>>()
        .map(|c| c.0.ip());
    let (parts, body) = request.into_parts();
    let config = &state.server.config;
    let body = match serve::check_limits(config, &parts.uri, &parts.headers) {
        Some((response, _)) => return response,
        None => match serve::read_body(body, config).await {
            Ok(body) => body,
            Err((response, _)) => return response,
        },
    };
    match state.forwarder.forward(&parts, body.clone(), client).await {
        Ok(answer) => {
            journal(
                &state.server,
                &parts,
                &body,
                None,
                "fallback",
                answer.status,
            );
            answer_response(answer)
        }
        Err(message) => {
            tracing::error!("{} {}: {message}", parts.method, parts.uri.path());
            journal(
                &state.server,
                &parts,
                &body,
                None,
                "target-unreachable",
                502,
            );
            own_error(
                StatusCode::BAD_GATEWAY,
                "target-unreachable",
                json!({"error": message}),
            )
            .0
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn secret_headers_and_named_ones_are_redacted_in_header_lists_and_differences() {
        let redaction = Redaction::new(&["X-Api-Key".to_string()]);
        let mut headers = HeaderMap::new();
        headers.insert("authorization", HeaderValue::from_static("Bearer t"));
        headers.append("cookie", HeaderValue::from_static("a=1"));
        headers.append("cookie", HeaderValue::from_static("b=2"));
        headers.insert("x-api-key", HeaderValue::from_static("k"));
        headers.insert("accept", HeaderValue::from_static("application/json"));
        let shown = redaction.headers(&headers);
        assert_eq!(shown["authorization"], REDACTED);
        assert_eq!(shown["cookie"], REDACTED);
        assert_eq!(shown["x-api-key"], REDACTED);
        assert_eq!(shown["accept"], "application/json");
        let difference = redaction.difference(Difference::HeaderMismatch {
            name: "Set-Cookie".into(),
            expected: "s=1".into(),
            actual: "s=2".into(),
        });
        assert_eq!(
            difference,
            Difference::HeaderMismatch {
                name: "Set-Cookie".into(),
                expected: REDACTED.into(),
                actual: REDACTED.into(),
            }
        );
    }
}
