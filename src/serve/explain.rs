//! Why the stub answers a request as it does: the route, the case, the reason, and the
//! documented cases that came close when a fallback answered.
//!
//! In: a route [`Table`] and one request. Out: an [`Explanation`]. The answer comes from the
//! serving code itself ([`super::answer_from`]), so `docmock explain` and `serve` cannot
//! disagree; near misses ([`select::near_misses`]) are only computed here and when the
//! journal is read, never while serving.

use super::select::{self, Incoming, NearMiss, Reason};
use super::table::{Route, Table};
use super::{answer_from, matcher::Lookup, parse_body, query_pairs, ParsedBody};
use axum::body::Bytes;
use axum::http::{HeaderMap, HeaderName, Method};
use serde::Serialize;
use serde_json::Value;
use std::io::{self, Write};

/// The stub's answer to one request, and why.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Explanation {
    pub method: String,
    /// Path and query as asked.
    pub target: String,
    /// `METHOD /route/{param}` of the documented route reached, if any.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub route: Option<String>,
    pub status: u16,
    /// The documented case that answers, if one does.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub fixture: Option<String>,
    /// `x-docmock-reason` of a documented answer, or `x-docmock-error` of docmock's own.
    pub reason: String,
    /// The answer's body (docmock's own answers explain themselves there: closest routes,
    /// available cases, the invalid parameter).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub body: Option<Value>,
    /// Cases whose documented request came close, when a fallback answered.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub near_misses: Vec<NearMiss>,
}

/// Reasons that mean no case matched the request itself: the request may have missed one.
pub(super) fn is_fallback(reason: &str) -> bool {
    [
        Reason::Success,
        Reason::FirstCase,
        Reason::Validation,
        Reason::ValidationSynthesized,
    ]
    .iter()
    .any(|r| r.as_str() == reason)
}

/// Answer `method path?query` with `headers` and `body` as `serve` would, and say why.
pub async fn explain(
    table: &Table,
    method: &Method,
    target: &str,
    headers: &HeaderMap,
    body: Bytes,
) -> Explanation {
    let (path, query) = target.split_once('?').unwrap_or((target, ""));
    let (response, outcome) = answer_from(table, method, headers, path, query, &body);
    let status = response.status().as_u16();
    let header = |name: HeaderName| {
        response
            .headers()
            .get(name)
            .and_then(|v| v.to_str().ok())
            .map(str::to_string)
    };
    let reason = header(super::response::REASON_HEADER)
        .or_else(|| header(super::response::ERROR_HEADER))
        .unwrap_or_else(|| outcome.reason.to_string());
    let bytes = axum::body::to_bytes(response.into_body(), usize::MAX)
        .await
        .unwrap_or_default();
    let answer_body = (!bytes.is_empty()).then(|| {
        serde_json::from_slice(&bytes)
            .unwrap_or_else(|_| Value::String(String::from_utf8_lossy(&bytes).into_owned()))
    });
    let reached = request(table, method.as_str(), path, query, headers, &body);
    let near_misses = match &reached {
        Some((route, incoming)) if is_fallback(outcome.reason) => {
            select::near_misses(route, incoming)
        }
        _ => Vec::new(),
    };
    Explanation {
        method: method.to_string(),
        target: target.to_string(),
        route: reached.map(|(route, _)| format!("{} {}", route.method, route.route)),
        status,
        fixture: outcome.fixture.map(str::to_string),
        reason,
        body: answer_body,
        near_misses,
    }
}

/// The near misses of a request the journal kept (its body is JSON or has no type).
pub(super) fn near_misses_of(
    table: &Table,
    method: &str,
    path: &str,
    query: &str,
    body: &[u8],
) -> Vec<NearMiss> {
    match request(table, method, path, query, &HeaderMap::new(), body) {
        Some((route, incoming)) => select::near_misses(route, &incoming),
        None => Vec::new(),
    }
}

/// The route `method path` reaches and the request as selection reads it; `None` when no
/// route of this method matches or the body is not readable.
fn request<'a>(
    table: &'a Table,
    method: &str,
    path: &'a str,
    query: &'a str,
    headers: &HeaderMap,
    body: &[u8],
) -> Option<(&'a Route, Incoming<'a>)> {
    let Lookup::Found { route, values } = table.matcher.lookup(method, path) else {
        return None;
    };
    let route = &table.routes[route];
    let mut incoming = Incoming {
        path: route.template.param_names().zip(values).collect(),
        query: query_pairs(query),
        body: None,
        form: false,
    };
    // `__code` / `__example` are docmock's, not the request's.
    incoming.query.retain(|(name, _)| !name.starts_with("__"));
    if !body.is_empty() {
        match parse_body(headers, body).ok()? {
            ParsedBody::Json(value) => incoming.body = Some(value),
            ParsedBody::Form(value) => {
                incoming.body = Some(value);
                incoming.form = true;
            }
            ParsedBody::Other => {}
        }
    }
    Some((route, incoming))
}

/// The explanation for people: the request, the route, the answer and why, the near misses.
pub fn render(explanation: &Explanation, out: &mut impl Write) -> io::Result<()> {
    let e = explanation;
    writeln!(out, "{} {}", e.method, e.target)?;
    writeln!(
        out,
        "  route:  {}",
        e.route.as_deref().unwrap_or("none documented")
    )?;
    match &e.fixture {
        Some(fixture) => writeln!(out, "  answer: {} from {fixture}", e.status)?,
        None => writeln!(out, "  answer: {} from docmock itself", e.status)?,
    }
    writeln!(out, "  reason: {} ({})", e.reason, why(&e.reason))?;
    if e.fixture.is_none() {
        if let Some(body) = &e.body {
            let pretty = serde_json::to_string_pretty(body).unwrap_or_default();
            for line in pretty.lines() {
                writeln!(out, "    {line}")?;
            }
        }
    }
    if !e.near_misses.is_empty() {
        writeln!(out, "  near misses (where the request differs):")?;
        for miss in &e.near_misses {
            writeln!(out, "    {}: {}", miss.case, miss.differences.join(", "))?;
        }
    }
    Ok(())
}

/// A reason in words (a fallback's `; near-miss=<id>` is named by the near misses below it).
fn why(reason: &str) -> &'static str {
    match reason.split(';').next().unwrap_or_default() {
        "prefer-code" => "the request asked for this status with `Prefer: code=`",
        "prefer-example" => "the request asked for this case with `Prefer: example=`",
        "request-match" => "the case documents this request: path values, query and body",
        "validation" => "a parameter is missing or invalid, and this error case names it",
        "validation-synthesized" => {
            "a parameter is missing or invalid, and no documented case names it"
        }
        "success" => "no case documents this request and its parameters are valid",
        "first-case" => "no case documents this request and the route documents no 2xx",
        "no-route" => "no documented route has this path",
        "method-not-allowed" => "the path is documented for other methods",
        "unknown-preference" => "the route documents no case the request asked for",
        "no-example" => "the route is declared without an example answer",
        "malformed-json" => "the body is not valid JSON",
        _ => "docmock's own answer",
    }
}
