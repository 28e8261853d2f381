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
    json_bytes_response(status, serde_json::to_vec_pretty(body).unwrap_or_default())
}

/// An answer of JSON already written.
fn json_bytes_response(status: StatusCode, body: Vec<u8>) -> Response<Body> {
    let mut response = Response::new(Body::from(body));
    *response.status_mut() = status;
    response.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/json"),
    );
    response
}

/// One of docmock's own answers, marked with `x-docmock-error: <kind>`.
pub(crate) fn own_error(status: StatusCode, kind: &'static str, body: Value) -> Refusal {
    marked(json_response(status, &body), kind)
}

fn marked(mut response: Response<Body>, kind: &'static str) -> Refusal {
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

/// The 404, naming the documented routes most like `method path`, found through the route
/// trie: a 404 costs the same with ten routes or ten thousand.
pub(super) fn not_found(table: &Table, method: &Method, path: &str) -> Refusal {
    let closest = table.matcher.closest(method.as_str(), path, 3);
    let listed = closest.iter().map(|&r| &*table.routes[r].listed);
    let body = not_found_body(method, path, listed);
    marked(json_bytes_response(StatusCode::NOT_FOUND, body), NO_ROUTE)
}

/// The documented routes most like `method path`, as the 404 lists them (`METHOD /route`).
pub(crate) fn closest_routes(table: &Table, method: &str, path: &str, n: usize) -> Vec<String> {
    table
        .matcher
        .closest(method, path, n)
        .into_iter()
        .map(|r| format!("{} {}", table.routes[r].method, table.routes[r].route))
        .collect()
}

/// `"METHOD /route"` as a JSON string, the way the 404 lists a route ([`Route::listed`]).
pub(super) fn listed(method: &str, route: &str) -> Box<str> {
    let mut out = Vec::with_capacity(method.len() + route.len() + 3);
    json_string(&mut out, &[method, " ", route]);
    // JSON written from `&str`s is UTF-8
    String::from_utf8(out).unwrap_or_default().into()
}

/// What `serde_json::to_vec_pretty` makes of `{"error": .., "closest": ["METHOD /route", ..]}`,
/// written straight into one buffer: building and dropping a `Value` tree and its strings per
/// unknown path showed in the 404's profile. `closest` are the routes as JSON strings already
/// ([`Route::listed`]).
fn not_found_body<'r>(
    method: &Method,
    path: &str,
    closest: impl Iterator<Item = &'r str>,
) -> Vec<u8> {
    let mut body = Vec::with_capacity(256 + path.len());
    body.extend_from_slice(b"{\n  \"error\": ");
    let error = ["no documented route matches ", method.as_str(), " ", path];
    json_string(&mut body, &error);
    body.extend_from_slice(b",\n  \"closest\": [");
    let mut empty = true;
    for listed in closest {
        body.extend_from_slice(if empty { b"\n    " } else { b",\n    " });
        body.extend_from_slice(listed.as_bytes());
        empty = false;
    }
    if !empty {
        body.extend_from_slice(b"\n  ");
    }
    body.extend_from_slice(b"]\n}");
    body
}

/// Append `parts` joined as one JSON string: as they are when no byte needs an escape (JSON
/// escapes only control bytes, `"` and `\\`; route names and most paths have none), else
/// escaped by serde_json.
fn json_string(out: &mut Vec<u8>, parts: &[&str]) {
    // every byte looked at, without stopping at the first escape: the compiler then checks
    // many bytes per instruction (most parts need no escape, so stopping early saves nothing)
    let escape = |part: &&str| {
        let needs = |b: u8| b < 0x20 || b == b'"' || b == b'\\';
        part.bytes().fold(false, |found, b| found | needs(b))
    };
    if !parts.iter().any(escape) {
        out.push(b'"');
        for part in parts {
            out.extend_from_slice(part.as_bytes());
        }
        out.push(b'"');
        return;
    }
    let joined = parts.concat();
    // Writing to a Vec cannot fail.
    let _ = serde_json::to_writer(out, &joined);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_404_body_is_the_pretty_json_of_its_fields() {
        let path = "/a \"quoted\"\\back/\u{1}ctl/é/日本/🦀";
        for closest in [
            &[][..],
            &[("GET", "/a/{id}")][..],
            &[
                ("GET", "/a/{id}"),
                ("POST", "/\"b\"\n"),
                ("DELETE", "/ärzte/{id}"),
            ][..],
        ] {
            let names: Vec<String> = closest.iter().map(|(m, r)| format!("{m} {r}")).collect();
            let expected = serde_json::to_vec_pretty(&serde_json::json!({
                "error": format!("no documented route matches POST {path}"),
                "closest": names,
            }))
            .unwrap();
            let listed: Vec<Box<str>> = closest
                .iter()
                .map(|(method, route)| listed(method, route))
                .collect();
            let body = not_found_body(&Method::POST, path, listed.iter().map(|l| &**l));
            assert_eq!(
                String::from_utf8(body).unwrap(),
                String::from_utf8(expected).unwrap()
            );
        }
    }
}
