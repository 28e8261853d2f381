//! docmock's own answers: no route (404 naming the closest documented routes), wrong method
//! (405 with `Allow`), a route declared without an example (501), and refused requests (400, 413, 414, 431). Each carries
//! `x-docmock-error: <kind>`, so it is never mistaken for a documented answer.

use super::response::ERROR_HEADER;
use super::table::{Route, Table};
use super::Outcome;
use axum::body::Body;
use axum::http::{header, HeaderValue, Method, Response, StatusCode};
use serde_json::{json, Value};

/// A request docmock refuses or cannot route: the answer and why.
pub(crate) type Refusal = (Response<Body>, Outcome<'static>);

/// A pretty JSON answer.
pub(crate) fn json_response(status: StatusCode, body: &Value) -> Response<Body> {
    let mut response = Response::new(Body::from(
        serde_json::to_vec_pretty(body).unwrap_or_default(),
    ));
    *response.status_mut() = status;
    response.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/json"),
    );
    response
}

/// One of docmock's own answers, marked with `x-docmock-error: <kind>`.
pub(crate) fn own_error(status: StatusCode, kind: &'static str, body: Value) -> Refusal {
    let mut response = json_response(status, &body);
    response
        .headers_mut()
        .insert(ERROR_HEADER, HeaderValue::from_static(kind));
    (response, Outcome::own(kind))
}

/// A route the docs declare without any example: there is no documented answer to give.
pub(super) fn no_example(route: &Route, method: &Method) -> Refusal {
    own_error(
        StatusCode::NOT_IMPLEMENTED,
        "no-example",
        json!({
            "error": format!(
                "{method} {} is documented but shows no example response to answer with",
                route.route
            ),
            "declared_at": route.declared_at,
        }),
    )
}

pub(super) fn too_large(max: usize) -> Refusal {
    own_error(
        StatusCode::PAYLOAD_TOO_LARGE,
        "body-too-large",
        json!({"error": format!("the request body is larger than {max} bytes (--max-body-bytes)")}),
    )
}

/// The kinds (journal reason, `x-docmock-error`) of a request no documented route answers: no
/// route has its path, or none its method. `MockServer::verify` fails on them.
pub(crate) const NO_ROUTE: &str = "no-route";
pub(crate) const METHOD_NOT_ALLOWED: &str = "method-not-allowed";

/// Did no documented route answer a request answered for this reason?
pub(crate) fn is_unrouted(reason: &str) -> bool {
    reason == NO_ROUTE || reason == METHOD_NOT_ALLOWED
}

pub(super) fn method_not_allowed(
    table: &Table,
    routes: &[usize],
    method: &Method,
    path: &str,
) -> Refusal {
    let mut methods: Vec<&str> = routes
        .iter()
        .map(|&r| table.routes[r].method.as_str())
        .collect();
    methods.sort_unstable();
    methods.dedup();
    let allow = methods.join(", ");
    let (mut response, outcome) = own_error(
        StatusCode::METHOD_NOT_ALLOWED,
        METHOD_NOT_ALLOWED,
        json!({
            "error": format!("{path} is documented, but not for {method}"),
            "allow": methods,
        }),
    );
    if let Ok(value) = HeaderValue::from_str(&allow) {
        response.headers_mut().insert(header::ALLOW, value);
    }
    (response, outcome)
}

pub(super) fn not_found(table: &Table, method: &Method, path: &str) -> Refusal {
    own_error(
        StatusCode::NOT_FOUND,
        NO_ROUTE,
        json!({
            "error": format!("no documented route matches {method} {path}"),
            "closest": closest_routes(table, method.as_str(), path, 3),
        }),
    )
}

/// The documented routes most like `method path`, found through the route trie: a 404
/// costs the same with ten routes or ten thousand.
pub(crate) fn closest_routes(table: &Table, method: &str, path: &str, n: usize) -> Vec<String> {
    table
        .matcher
        .closest(method, path, n)
        .into_iter()
        .map(|r| format!("{} {}", table.routes[r].method, table.routes[r].route))
        .collect()
}
