//! Forwarding one request to the target as a proxy must: hop-by-hop headers (and those the
//! `Connection` header names) dropped both ways, `Host` rewritten to the target's, and
//! `X-Forwarded-For` / `-Proto` / `-Host` added. Shared by `proxy` and `serve --fallback`.

use crate::verify::VerifyError;
use axum::body::Bytes;
use axum::http::request::Parts;
use axum::http::{header, HeaderMap, HeaderValue};
use std::net::IpAddr;
use std::time::Duration;

/// Headers that belong to one connection, never forwarded (RFC 9110 §7.6.1).
const HOP_BY_HOP: &[&str] = &[
    "connection",
    "keep-alive",
    "proxy-connection",
    "proxy-authenticate",
    "proxy-authorization",
    "te",
    "trailer",
    "transfer-encoding",
    "upgrade",
];

/// The target and a client to reach it.
#[derive(Debug)]
pub struct Forwarder {
    client: reqwest::Client,
    /// The target's base URL without a trailing `/`.
    base: String,
}

/// What the target answered.
#[derive(Debug, Clone)]
pub struct Answer {
    pub status: u16,
    /// End-to-end headers only.
    pub headers: HeaderMap,
    pub body: Bytes,
}

impl Forwarder {
    pub fn new(target: &str, timeout: Duration) -> Result<Forwarder, VerifyError> {
        let base = crate::verify::request::base_url(target)?;
        let client = reqwest::Client::builder()
            .timeout(timeout)
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .map_err(VerifyError::Client)?;
        Ok(Forwarder {
            client,
            base: base.as_str().trim_end_matches('/').to_string(),
        })
    }

    pub fn target(&self) -> &str {
        &self.base
    }

    /// Send the request on, unchanged but for its connection headers; `Err` says why the
    /// target gave no answer.
    pub async fn forward(
        &self,
        parts: &Parts,
        body: Bytes,
        client: Option<IpAddr>,
    ) -> Result<Answer, String> {
        let target = parts.uri.path_and_query().map_or("/", |p| p.as_str());
        let url = format!("{}{target}", self.base);
        let mut headers = end_to_end(&parts.headers);
        // reqwest writes the target's `Host` and the body's length.
        headers.remove(header::HOST);
        headers.remove(header::CONTENT_LENGTH);
        if let Some(ip) = client {
            let value = match parts
                .headers
                .get("x-forwarded-for")
                .and_then(|v| v.to_str().ok())
            {
                Some(earlier) => format!("{earlier}, {ip}"),
                None => ip.to_string(),
            };
            if let Ok(value) = HeaderValue::from_str(&value) {
                headers.insert("x-forwarded-for", value);
            }
        }
        if !headers.contains_key("x-forwarded-proto") {
            headers.insert("x-forwarded-proto", HeaderValue::from_static("http"));
        }
        if let Some(host) = parts.headers.get(header::HOST) {
            if !headers.contains_key("x-forwarded-host") {
                headers.insert("x-forwarded-host", host.clone());
            }
        }
        let mut request = self
            .client
            .request(parts.method.clone(), url)
            .headers(headers);
        if !body.is_empty() {
            request = request.body(body);
        }
        let response = request.send().await.map_err(|e| self.describe(e))?;
        let status = response.status().as_u16();
        let mut headers = end_to_end(response.headers());
        // hyper writes the length of the body it sends.
        headers.remove(header::CONTENT_LENGTH);
        let body = response.bytes().await.map_err(|e| self.describe(e))?;
        Ok(Answer {
            status,
            headers,
            body,
        })
    }

    fn describe(&self, error: reqwest::Error) -> String {
        let mut cause: &dyn std::error::Error = &error;
        while let Some(next) = cause.source() {
            cause = next;
        }
        if error.is_timeout() {
            format!("the target {} did not answer in time", self.base)
        } else if error.is_connect() {
            format!("cannot connect to the target {}: {cause}", self.base)
        } else {
            format!("the exchange with the target {} failed: {cause}", self.base)
        }
    }
}

/// The headers meant for the other end: hop-by-hop ones and those `Connection` names left out.
fn end_to_end(headers: &HeaderMap) -> HeaderMap {
    let named: Vec<String> = headers
        .get_all(header::CONNECTION)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(','))
        .map(|n| n.trim().to_ascii_lowercase())
        .collect();
    let mut out = HeaderMap::with_capacity(headers.len());
    for (name, value) in headers {
        let name_text = name.as_str();
        if HOP_BY_HOP.contains(&name_text) || named.iter().any(|n| n == name_text) {
            continue;
        }
        out.append(name.clone(), value.clone());
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hop_by_hop_headers_and_those_connection_names_are_not_forwarded() {
        let mut headers = HeaderMap::new();
        headers.insert(
            "connection",
            HeaderValue::from_static("keep-alive, x-trace"),
        );
        headers.insert("keep-alive", HeaderValue::from_static("timeout=5"));
        headers.insert("x-trace", HeaderValue::from_static("1"));
        headers.insert("proxy-authorization", HeaderValue::from_static("Basic x"));
        headers.insert("authorization", HeaderValue::from_static("Bearer t"));
        headers.append("accept", HeaderValue::from_static("a/b"));
        headers.append("accept", HeaderValue::from_static("c/d"));
        let kept = end_to_end(&headers);
        let names: Vec<&str> = kept.keys().map(|k| k.as_str()).collect();
        assert_eq!(names, ["authorization", "accept"]);
        assert_eq!(kept.get_all("accept").iter().count(), 2);
    }
}
