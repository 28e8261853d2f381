//! Forwarding one request to the target as a proxy must: hop-by-hop headers (and those the
//! `Connection` header names) dropped both ways, `Host` rewritten to the target's, and
//! `X-Forwarded-For` / `-Proto` / `-Host` added. Shared by `proxy` and `serve --fallback`.
//!
//! The client is hyper-util's pooled HTTP/1 client (keep-alive, `TCP_NODELAY`, no redirects, no
//! proxy from the environment), not reqwest: reqwest parsed a URL and ran its redirect and
//! timeout layers per request, which cost more than the rest of an exchange.

use crate::verify::tls::{explain, CaCerts};
use crate::verify::VerifyError;
use axum::body::Bytes;
use axum::http::request::Parts;
use axum::http::uri::{Authority, PathAndQuery, Scheme};
use axum::http::{header, HeaderMap, HeaderName, HeaderValue, Request, Uri};
use http_body_util::{BodyExt, Full};
use hyper_rustls::HttpsConnector;
use hyper_util::client::legacy::connect::HttpConnector;
use hyper_util::client::legacy::Client;
use hyper_util::rt::TokioExecutor;
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

// Named once: a `&str` header name is parsed again at every use.
const X_FORWARDED_FOR: HeaderName = HeaderName::from_static("x-forwarded-for");
const X_FORWARDED_PROTO: HeaderName = HeaderName::from_static("x-forwarded-proto");
const X_FORWARDED_HOST: HeaderName = HeaderName::from_static("x-forwarded-host");

/// The target and a client to reach it.
#[derive(Debug)]
pub struct Forwarder {
    client: Client<HttpsConnector<HttpConnector>, Full<Bytes>>,
    scheme: Scheme,
    authority: Authority,
    /// The target's base path without a trailing `/` (usually empty).
    prefix: String,
    /// The target's base URL without a trailing `/`, for messages.
    base: String,
    timeout: Duration,
}

/// What the target answered.
#[derive(Debug, Clone)]
pub struct Answer {
    pub status: u16,
    /// End-to-end headers only.
    pub headers: HeaderMap,
    pub body: Bytes,
}

/// Why the target gave no answer.
enum Failure {
    Timeout,
    Connect(Box<dyn std::error::Error + Send + Sync>),
    Exchange(Box<dyn std::error::Error + Send + Sync>),
}

impl Forwarder {
    /// A client for `target`; at an https target it trusts the public web roots and `ca_certs`.
    pub fn new(
        target: &str,
        timeout: Duration,
        ca_certs: &CaCerts,
    ) -> Result<Forwarder, VerifyError> {
        let url = crate::verify::request::base_url(target)?;
        let bad = |message: String| VerifyError::BadTarget {
            target: target.to_string(),
            message,
        };
        let base = url.as_str().trim_end_matches('/').to_string();
        let host = url.host_str().unwrap_or_default();
        let authority = match url.port() {
            Some(port) => Authority::try_from(format!("{host}:{port}")),
            None => Authority::try_from(host),
        }
        .map_err(|e| bad(e.to_string()))?;
        let scheme = if url.scheme() == "https" {
            Scheme::HTTPS
        } else {
            Scheme::HTTP
        };
        let mut http = HttpConnector::new();
        http.set_nodelay(true);
        http.enforce_http(false);
        let connector = hyper_rustls::HttpsConnectorBuilder::new()
            .with_tls_config(ca_certs.client_config()?)
            .https_or_http()
            .enable_http1()
            .wrap_connector(http);
        let client = Client::builder(TokioExecutor::new()).build(connector);
        Ok(Forwarder {
            client,
            scheme,
            authority,
            prefix: url.path().trim_end_matches('/').to_string(),
            base,
            timeout,
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
        let request = self.request(parts, body, client)?;
        match tokio::time::timeout(self.timeout, self.exchange(request)).await {
            Ok(Ok(answer)) => Ok(answer),
            Ok(Err(failure)) => Err(self.describe(failure)),
            Err(_) => Err(self.describe(Failure::Timeout)),
        }
    }

    /// The request as the target gets it.
    fn request(
        &self,
        parts: &Parts,
        body: Bytes,
        client: Option<IpAddr>,
    ) -> Result<Request<Full<Bytes>>, String> {
        let target = parts
            .uri
            .path_and_query()
            .cloned()
            .unwrap_or_else(|| PathAndQuery::from_static("/"));
        let target = if self.prefix.is_empty() {
            target
        } else {
            PathAndQuery::try_from(format!("{}{target}", self.prefix))
                .map_err(|e| format!("cannot forward {target}: {e}"))?
        };
        let uri = Uri::builder()
            .scheme(self.scheme.clone())
            .authority(self.authority.clone())
            .path_and_query(target)
            .build()
            .map_err(|e| format!("cannot forward to the target {}: {e}", self.base))?;
        let mut headers = end_to_end(&parts.headers);
        // the client writes the target's `Host` and the body's length
        headers.remove(header::HOST);
        headers.remove(header::CONTENT_LENGTH);
        if let Some(ip) = client {
            let value = match parts.headers.get(&X_FORWARDED_FOR) {
                Some(earlier) => {
                    let mut value = earlier.as_bytes().to_vec();
                    value.extend_from_slice(b", ");
                    value.extend_from_slice(ip_text(ip).as_bytes());
                    HeaderValue::from_bytes(&value).ok()
                }
                None => Some(ip_text(ip)),
            };
            if let Some(value) = value {
                headers.insert(X_FORWARDED_FOR, value);
            }
        }
        if !headers.contains_key(&X_FORWARDED_PROTO) {
            headers.insert(X_FORWARDED_PROTO, HeaderValue::from_static("http"));
        }
        if let Some(host) = parts.headers.get(header::HOST) {
            if !headers.contains_key(&X_FORWARDED_HOST) {
                headers.insert(X_FORWARDED_HOST, host.clone());
            }
        }
        let mut request = Request::new(Full::new(body));
        *request.method_mut() = parts.method.clone();
        *request.uri_mut() = uri;
        *request.headers_mut() = headers;
        Ok(request)
    }

    async fn exchange(&self, request: Request<Full<Bytes>>) -> Result<Answer, Failure> {
        let response = self.client.request(request).await.map_err(|e| {
            if e.is_connect() {
                Failure::Connect(Box::new(e))
            } else {
                Failure::Exchange(Box::new(e))
            }
        })?;
        let (head, body) = response.into_parts();
        let body = body
            .collect()
            .await
            .map_err(|e| Failure::Exchange(Box::new(e)))?
            .to_bytes();
        let mut headers = end_to_end(&head.headers);
        // hyper writes the length of the body it sends.
        headers.remove(header::CONTENT_LENGTH);
        Ok(Answer {
            status: head.status.as_u16(),
            headers,
            body,
        })
    }

    fn describe(&self, failure: Failure) -> String {
        match failure {
            Failure::Timeout => format!("the target {} did not answer in time", self.base),
            Failure::Connect(error) => {
                format!(
                    "cannot connect to the target {}: {}",
                    self.base,
                    explain(&*error)
                )
            }
            Failure::Exchange(error) => {
                let cause = explain(&*error);
                format!("the exchange with the target {} failed: {cause}", self.base)
            }
        }
    }
}

/// An address as `X-Forwarded-For` names it, written without `fmt` (which cost as much as a
/// header map per request).
fn ip_text(ip: IpAddr) -> HeaderValue {
    let IpAddr::V4(v4) = ip else {
        return HeaderValue::from_str(&ip.to_string()).expect("an IP address is a header value");
    };
    let mut text = [0u8; 15];
    let mut len = 0;
    for (i, octet) in v4.octets().into_iter().enumerate() {
        if i > 0 {
            text[len] = b'.';
            len += 1;
        }
        let digits = [octet / 100, octet / 10 % 10, octet % 10];
        let skip = if octet >= 100 {
            0
        } else if octet >= 10 {
            1
        } else {
            2
        };
        for digit in &digits[skip..] {
            text[len] = b'0' + digit;
            len += 1;
        }
    }
    HeaderValue::from_bytes(&text[..len]).expect("digits and dots are a header value")
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

    #[test]
    fn forwarded_for_writes_addresses_as_display_does() {
        for ip in [
            "0.0.0.0",
            "127.0.0.1",
            "10.20.100.255",
            "9.99.199.1",
            "::1",
            "fe80::1",
        ] {
            let ip: IpAddr = ip.parse().unwrap();
            assert_eq!(ip_text(ip), ip.to_string().as_str());
        }
    }
}
