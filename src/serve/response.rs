//! Responses: each documented case rendered once, at load time, into the bytes it is served as.
//!
//! Status, headers (with `Content-Type` from the docs, else `application/json` for a JSON body)
//! and body are built when the docs are loaded, so serving a case clones a header map and a
//! reference-counted buffer. Only cases whose docs compute values (`new Date().toISOString()`)
//! build their body per request. "More elements" placeholders are removed from served data.

use crate::fixture::{media, BodyRef, Computed, Fixture, Generator, PlaceholderKind};
use axum::body::Body;
use axum::http::{header, HeaderMap, HeaderName, HeaderValue, Response, StatusCode};
use bytes::Bytes;
use serde_json::Value;

/// The header naming the fixture an answer came from.
pub const FIXTURE_HEADER: HeaderName = HeaderName::from_static("x-docmock-fixture");
/// The header saying why that fixture was chosen.
pub const REASON_HEADER: HeaderName = HeaderName::from_static("x-docmock-reason");
/// The header on docmock's own answers (no route, wrong method, bad request ...).
pub const ERROR_HEADER: HeaderName = HeaderName::from_static("x-docmock-error");

/// A documented response, ready to send.
#[derive(Debug)]
pub struct Rendered {
    pub status: StatusCode,
    pub headers: HeaderMap,
    pub body: Bytes,
    computed: Option<ComputedBody>,
}

/// A body with values generated per request.
#[derive(Debug)]
struct ComputedBody {
    documented: Value,
    values: Vec<(String, Generator)>,
    placeholders: Vec<String>,
    as_text: bool,
}

impl Rendered {
    /// Render a fixture's documented response; problems (a header that is not valid HTTP) are
    /// returned as warnings and the rest is served.
    pub fn from_fixture(fixture: &Fixture) -> (Rendered, Vec<String>) {
        let mut warnings = Vec::new();
        let response = &fixture.response;
        let status = StatusCode::from_u16(response.status).unwrap_or_else(|_| {
            warnings.push(format!(
                "{}: status {} is not an HTTP status, serving 500",
                fixture.id, response.status
            ));
            StatusCode::INTERNAL_SERVER_ERROR
        });
        let mut headers = HeaderMap::new();
        for (name, value) in &response.headers {
            // hyper computes the framing headers from the body it sends.
            if ["content-length", "transfer-encoding", "connection"]
                .iter()
                .any(|h| name.eq_ignore_ascii_case(h))
            {
                continue;
            }
            match (
                HeaderName::from_bytes(name.trim().as_bytes()),
                HeaderValue::from_str(value.trim()),
            ) {
                (Ok(name), Ok(value)) => {
                    headers.append(name, value);
                }
                _ => warnings.push(format!(
                    "{}: header `{name}: {value}` is not valid HTTP, left out",
                    fixture.id
                )),
            }
        }
        let content_type = response.content_type();
        let as_text = matches!((&response.body, content_type), (Some(Value::String(_)), Some(ct)) if !media::is_json(ct));
        if response.body.is_some() && content_type.is_none() {
            headers.insert(
                header::CONTENT_TYPE,
                HeaderValue::from_static("application/json"),
            );
        }
        if let Ok(id) = HeaderValue::from_str(&fixture.id) {
            headers.insert(FIXTURE_HEADER, id);
        }
        let placeholders: Vec<String> = fixture
            .placeholders
            .iter()
            .filter(|p| p.body == BodyRef::Response && p.kind == PlaceholderKind::MoreElements)
            .map(|p| p.pointer.clone())
            .collect();
        let computed: Vec<&Computed> = fixture
            .computed
            .iter()
            .filter(|c| c.body == BodyRef::Response)
            .collect();
        let body = match &response.body {
            Some(documented) => body_bytes(served_value(documented, &[], &placeholders), as_text),
            None => Bytes::new(),
        };
        let computed = match &response.body {
            Some(documented) if !computed.is_empty() => Some(ComputedBody {
                documented: documented.clone(),
                values: computed
                    .iter()
                    .map(|c| (c.pointer.clone(), c.generator))
                    .collect(),
                placeholders,
                as_text,
            }),
            _ => None,
        };
        (
            Rendered {
                status,
                headers,
                body,
                computed,
            },
            warnings,
        )
    }

    /// The HTTP response for one request, with the reason header added.
    pub fn to_response(&self, reason: HeaderValue) -> Response<Body> {
        let body = match &self.computed {
            None => self.body.clone(),
            Some(c) => body_bytes(
                served_value(&c.documented, &c.values, &c.placeholders),
                c.as_text,
            ),
        };
        let mut response = Response::new(Body::from(body));
        *response.status_mut() = self.status;
        let headers = response.headers_mut();
        *headers = self.headers.clone();
        headers.insert(REASON_HEADER, reason);
        response
    }
}

fn body_bytes(value: Value, as_text: bool) -> Bytes {
    match value {
        Value::String(text) if as_text => Bytes::from(text),
        value => Bytes::from(serde_json::to_vec(&value).unwrap_or_default()),
    }
}

/// The body as served: computed values generated, then "more elements" placeholders removed.
pub fn served_value(
    documented: &Value,
    computed: &[(String, Generator)],
    placeholders: &[String],
) -> Value {
    let mut value = documented.clone();
    for (pointer, generator) in computed {
        if let Some(slot) = value.pointer_mut(pointer) {
            *slot = generator.generate();
        }
    }
    // Later elements first (pointers in reverse document order), so removing one does not
    // shift the index of the next.
    let mut placeholders: Vec<&String> = placeholders.iter().collect();
    placeholders.sort_by(|a, b| pointer_key(b).cmp(&pointer_key(a)));
    for pointer in placeholders {
        let Some((parent, index)) = pointer.rsplit_once('/') else {
            continue;
        };
        let Ok(index) = index.parse::<usize>() else {
            continue;
        };
        if let Some(Value::Array(items)) = value.pointer_mut(parent) {
            if index < items.len() {
                items.remove(index);
            }
        }
    }
    value
}

/// A JSON pointer as sortable tokens: array indices compare as numbers.
fn pointer_key(pointer: &str) -> Vec<(u64, &str)> {
    pointer
        .split('/')
        .map(|t| (t.parse::<u64>().unwrap_or(u64::MAX), t))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn placeholders_are_removed_from_the_end_first() {
        let body = json!({"a": [1, "...", 2, "..."], "b": {"c": [{"etc": "etc"}]}});
        let served = served_value(&body, &[], &["/a/1".into(), "/a/3".into(), "/b/c/0".into()]);
        assert_eq!(served, json!({"a": [1, 2], "b": {"c": []}}));
        let body = json!([1, "...", [2, "..."]]);
        let served = served_value(&body, &[], &["/1".into(), "/2/1".into()]);
        assert_eq!(served, json!([1, [2]]));
    }

    #[test]
    fn documented_content_type_and_string_bodies_are_served_as_written() {
        let mut fixture = Fixture {
            id: "p/e/zip".into(),
            ..Default::default()
        };
        fixture.response.status = 200;
        fixture
            .response
            .headers
            .insert("Content-Type".into(), "application/zip".into());
        fixture
            .response
            .headers
            .insert("Content-Length".into(), "99".into());
        fixture.response.body = Some(json!("PK\u{3}\u{4}zipped"));
        let (rendered, warnings) = Rendered::from_fixture(&fixture);
        assert!(warnings.is_empty());
        assert_eq!(rendered.headers["content-type"], "application/zip");
        assert!(rendered.headers.get("content-length").is_none());
        assert_eq!(&rendered.body[..], "PK\u{3}\u{4}zipped".as_bytes());

        // A string under JSON (or no) content type is a JSON string.
        fixture.response.headers.clear();
        fixture.response.body = Some(json!("text"));
        let (rendered, _) = Rendered::from_fixture(&fixture);
        assert_eq!(rendered.headers["content-type"], "application/json");
        assert_eq!(&rendered.body[..], b"\"text\"");

        fixture.response.status = 42;
        fixture
            .response
            .headers
            .insert("Bad Header".into(), "x".into());
        let (rendered, warnings) = Rendered::from_fixture(&fixture);
        assert_eq!(rendered.status, StatusCode::INTERNAL_SERVER_ERROR);
        assert_eq!(warnings.len(), 2, "{warnings:?}");
    }

    #[test]
    fn computed_values_are_generated_per_call() {
        let body = json!({"at": "x", "id": "y"});
        let served = served_value(
            &body,
            &[
                ("/at".into(), Generator::NowIso8601),
                ("/id".into(), Generator::Uuid),
            ],
            &[],
        );
        assert_eq!(served["at"].as_str().unwrap().len(), 24);
        assert_eq!(served["id"].as_str().unwrap().len(), 36);
    }
}
