//! Building and sending the documented requests: path parameters from the docs or the
//! variables, the documented query, headers and body, extra headers, the setup command.

use super::{ActualResponse, VerifyError, VerifyOptions};
use crate::fixture::{
    media, BodyRef, Fixture, ParamLocation, PlaceholderKind, RouteTemplate, Segment,
};
use indexmap::IndexMap;
use serde_json::Value;
use std::path::Path;

/// Path parameter values given on the command line or in a vars file.
///
/// Precedence, highest first: a table named after the fixture id, a table named after the
/// route (`"POST /a/{id}"` before `"/a/{id}"`), `--var`, the vars file's top-level values.
/// Any of them overrides the concrete value the docs show.
///
/// ```
/// let vars = docmock::verify::Vars::parse_toml("id = \"1\"\n[\"/a/{id}\"]\nid = 2\n").unwrap();
/// assert_eq!(vars.global["id"], "1");
/// assert_eq!(vars.tables["/a/{id}"]["id"], "2");
/// ```
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Vars {
    /// Top-level values of the vars file.
    pub global: IndexMap<String, String>,
    /// `--var NAME=VALUE`.
    pub cli: IndexMap<String, String>,
    /// Tables of the vars file, by fixture id or route.
    pub tables: IndexMap<String, IndexMap<String, String>>,
}

/// A vars file that cannot be used.
#[derive(Debug, thiserror::Error)]
#[error("{file}:{line}:{col}: {message}")]
pub struct VarsError {
    pub file: String,
    pub line: usize,
    pub col: usize,
    pub message: String,
}

impl Vars {
    /// Read a TOML or JSON vars file (JSON when it is named `.json` or starts with `{`).
    pub fn from_file(path: &Path) -> Result<Vars, VarsError> {
        let file = path.display().to_string();
        let text = std::fs::read_to_string(path).map_err(|e| VarsError {
            file: file.clone(),
            line: 1,
            col: 1,
            message: format!("cannot read the vars file: {e}"),
        })?;
        let json =
            path.extension().is_some_and(|e| e == "json") || text.trim_start().starts_with('{');
        let result = if json {
            Vars::parse_json(&text)
        } else {
            Vars::parse_toml(&text)
        };
        result.map_err(|(line, col, message)| VarsError {
            file,
            line,
            col,
            message,
        })
    }

    /// Parse TOML; errors as `(line, col, message)`.
    pub fn parse_toml(text: &str) -> Result<Vars, (usize, usize, String)> {
        let value: toml::Value = toml::from_str(text).map_err(|e| {
            let (line, col) = e
                .span()
                .map(|s| crate::extract::line_col(text, s.start))
                .unwrap_or((1, 1));
            (line, col, e.message().to_string())
        })?;
        let json = serde_json::to_value(value).map_err(|e| (1, 1, e.to_string()))?;
        Vars::from_value(&json).map_err(|m| (1, 1, m))
    }

    /// Parse JSON; errors as `(line, col, message)`.
    pub fn parse_json(text: &str) -> Result<Vars, (usize, usize, String)> {
        let value: Value =
            serde_json::from_str(text).map_err(|e| (e.line(), e.column(), e.to_string()))?;
        Vars::from_value(&value).map_err(|m| (1, 1, m))
    }

    fn from_value(value: &Value) -> Result<Vars, String> {
        let Value::Object(map) = value else {
            return Err("expected a table of `name = value` pairs and per-route tables".into());
        };
        let mut vars = Vars::default();
        for (key, value) in map {
            match value {
                Value::Object(table) => {
                    let mut values = IndexMap::new();
                    for (name, v) in table {
                        values.insert(
                            name.clone(),
                            scalar(v).ok_or_else(|| {
                                format!("expected a string or number for `{name}` in table `{key}`")
                            })?,
                        );
                    }
                    vars.tables.insert(key.clone(), values);
                }
                v => {
                    let s = scalar(v)
                        .ok_or_else(|| format!("expected a string or number for `{key}`"))?;
                    vars.global.insert(key.clone(), s);
                }
            }
        }
        Ok(vars)
    }

    /// The value of parameter `name` for this fixture, if the variables give one.
    pub fn lookup(&self, fixture: &Fixture, name: &str) -> Option<&str> {
        let method_route = format!("{} {}", fixture.request.method, fixture.request.route);
        [
            fixture.id.as_str(),
            method_route.as_str(),
            fixture.request.route.as_str(),
        ]
        .iter()
        .find_map(|key| self.tables.get(*key).and_then(|t| t.get(name)))
        .or_else(|| self.cli.get(name))
        .or_else(|| self.global.get(name))
        .map(String::as_str)
    }
}

fn scalar(value: &Value) -> Option<String> {
    match value {
        Value::String(s) => Some(s.clone()),
        Value::Number(n) => Some(n.to_string()),
        Value::Bool(b) => Some(b.to_string()),
        _ => None,
    }
}

/// The target's base URL.
pub fn base_url(target: &str) -> Result<reqwest::Url, VerifyError> {
    let bad = |message: String| VerifyError::BadTarget {
        target: target.to_string(),
        message,
    };
    let url = reqwest::Url::parse(target).map_err(|e| bad(e.to_string()))?;
    if !matches!(url.scheme(), "http" | "https") || url.host_str().is_none() {
        return Err(bad("expected http://HOST:PORT".into()));
    }
    Ok(url)
}

/// A request ready to send.
#[derive(Debug, Clone, PartialEq)]
pub struct PreparedRequest {
    pub method: String,
    /// Path and query, parameters filled in.
    pub path: String,
    pub headers: Vec<(String, String)>,
    pub body: Option<Vec<u8>>,
}

/// What the target is, found out once before the cases run.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Target {
    /// A docmock stub (`GET /__docmock/routes` lists its routes): it answers a case for any
    /// value of a route parameter, so a parameter without a value gets a generated one.
    Stub,
    /// Any other server: a case whose route parameter has no value is skipped.
    Other,
}

impl Target {
    /// Ask `GET /__docmock/routes`; only a docmock stub answers it with its route list. The
    /// answer is read up to `max_body_bytes`, like a case's: a target that never ends its
    /// answer is no stub, and does not hold the run.
    pub async fn probe(
        client: &reqwest::Client,
        base: &reqwest::Url,
        max_body_bytes: u64,
    ) -> Target {
        let url = format!("{}/__docmock/routes", base.as_str().trim_end_matches('/'));
        let Ok(mut response) = client.get(url).send().await else {
            return Target::Other;
        };
        if response.status() != reqwest::StatusCode::OK
            || response
                .content_length()
                .is_some_and(|n| n > max_body_bytes)
        {
            return Target::Other;
        }
        let mut bytes = Vec::new();
        while let Ok(Some(chunk)) = response.chunk().await {
            if (bytes.len() + chunk.len()) as u64 > max_body_bytes {
                return Target::Other;
            }
            bytes.extend_from_slice(&chunk);
        }
        match serde_json::from_slice::<Value>(&bytes) {
            Ok(Value::Object(view)) if view.get("routes").is_some_and(Value::is_array) => {
                Target::Stub
            }
            _ => Target::Other,
        }
    }
}

/// A value for a route parameter the docs give none: its first allowed value, its default,
/// else `1` (an integer, a string and an id alike accept it).
fn generated_value(fixture: &Fixture, name: &str) -> String {
    let param = fixture
        .params
        .iter()
        .find(|p| p.location == ParamLocation::Path && p.name == name);
    param
        .and_then(|p| p.allowed.first().cloned().or_else(|| p.default.clone()))
        .unwrap_or_else(|| "1".to_string())
}

/// Build the request of a fixture; `Err` is the reason to skip the case.
pub fn prepare(
    fixture: &Fixture,
    options: &VerifyOptions,
    target: Target,
) -> Result<PreparedRequest, String> {
    let request = &fixture.request;
    if fixture.global {
        return Err(format!(
            "a global case (it holds for every route): `{}` is a placeholder, not a route to send to",
            request.path
        ));
    }
    let mut path = String::new();
    for segment in RouteTemplate::parse(&request.route).segments {
        path.push('/');
        match segment {
            Segment::Literal(s) => path.push_str(&s),
            Segment::Param(name) => {
                let value = options
                    .vars
                    .lookup(fixture, &name)
                    .or_else(|| request.path_params.get(&name).map(String::as_str))
                    .map(str::to_string);
                let value = match (value, target) {
                    (Some(value), _) => value,
                    (None, Target::Stub) => generated_value(fixture, &name),
                    (None, Target::Other) => {
                        return Err(format!(
                            "no value for path parameter `{name}` (give --var {name}=VALUE or a vars file)"
                        ))
                    }
                };
                path.push_str(&encode_segment(&value));
            }
        }
    }
    if path.is_empty() {
        path.push('/');
    }
    if request.json_suffix {
        path.push_str(".json");
    }
    if request.trailing_slash && !path.ends_with('/') {
        path.push('/');
    }
    if !request.query.is_empty() {
        let pairs: Vec<String> = request
            .query
            .iter()
            .map(|q| format!("{}={}", q.name, q.value))
            .collect();
        path.push('?');
        path.push_str(&pairs.join("&"));
    }

    let mut headers: Vec<(String, String)> = request
        .headers
        .iter()
        .map(|(k, v)| (k.clone(), v.clone()))
        .collect();
    let body = request
        .body
        .as_ref()
        .map(|body| request_body(fixture, body));
    let documented_type = crate::fixture::header(&request.headers, "content-type");
    let body = match body {
        Some(Value::String(text)) if documented_type.is_some_and(|t| !media::is_json(t)) => {
            Some(text.into_bytes())
        }
        Some(value) => {
            if documented_type.is_none() {
                headers.push(("Content-Type".into(), "application/json".into()));
            }
            Some(serde_json::to_vec(&value).unwrap_or_default())
        }
        None => None,
    };
    // Many frameworks answer HTML unless asked for JSON.
    let json_documented = matches!(
        fixture.response.body,
        Some(Value::Object(_) | Value::Array(_))
    );
    if json_documented && crate::fixture::header(&request.headers, "accept").is_none() {
        headers.push(("Accept".into(), "application/json".into()));
    }
    if options.prefer && crate::fixture::header(&request.headers, "prefer").is_none() {
        headers.push(("Prefer".into(), format!("example={}", fixture.id)));
    }
    for (name, value) in &options.headers {
        let value = value
            .replace("${DOCMOCK_FIXTURE_ID}", &fixture.id)
            .replace("${DOCMOCK_FIXTURE_TITLE}", &fixture.title);
        headers.retain(|(k, _)| !k.eq_ignore_ascii_case(name));
        headers.push((name.clone(), value));
    }
    Ok(PreparedRequest {
        method: request.method.clone(),
        path,
        headers,
        body,
    })
}

/// The documented request body with computed values generated now and "more elements"
/// placeholders left out.
fn request_body(fixture: &Fixture, body: &Value) -> Value {
    let mut body = body.clone();
    for computed in fixture
        .computed
        .iter()
        .filter(|c| c.body == BodyRef::Request)
    {
        if let Some(slot) = body.pointer_mut(&computed.pointer) {
            *slot = computed.generator.generate();
        }
    }
    let mut more: Vec<&str> = fixture
        .placeholders
        .iter()
        .filter(|p| p.body == BodyRef::Request && p.kind == PlaceholderKind::MoreElements)
        .map(|p| p.pointer.as_str())
        .collect();
    // Deepest and last first, so earlier indices stay valid.
    more.sort_by(|a, b| b.cmp(a));
    for pointer in more {
        let Some((parent, index)) = pointer.rsplit_once('/') else {
            continue;
        };
        if let (Some(Value::Array(items)), Ok(index)) =
            (body.pointer_mut(parent), index.parse::<usize>())
        {
            if index < items.len() {
                items.remove(index);
            }
        }
    }
    body
}

/// Percent-encode a path segment value (RFC 3986 unreserved characters kept).
fn encode_segment(value: &str) -> String {
    let mut out = String::new();
    for b in value.bytes() {
        if b.is_ascii_alphanumeric() || b"-._~".contains(&b) {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

/// Parse `Name: Value` of `--header`.
pub fn parse_header(text: &str) -> Result<(String, String), String> {
    match text.split_once(':') {
        Some((name, value)) if !name.trim().is_empty() && !name.contains(' ') => {
            Ok((name.trim().to_string(), value.trim().to_string()))
        }
        _ => Err(format!("expected `Name: Value` for --header, got `{text}`")),
    }
}

/// Run the setup command for a case; `Err` says why the case fails.
pub async fn run_setup(command: &str, fixture: &Fixture, target: &str) -> Result<(), String> {
    let output = tokio::process::Command::new("sh")
        .arg("-c")
        .arg(command)
        .env("DOCMOCK_TARGET", target)
        .env("DOCMOCK_FIXTURE_ID", &fixture.id)
        .env("DOCMOCK_FIXTURE_TITLE", &fixture.title)
        .stdin(std::process::Stdio::null())
        .output()
        .await
        .map_err(|e| format!("cannot run the setup command: {e}"))?;
    if output.status.success() {
        return Ok(());
    }
    let stderr = String::from_utf8_lossy(&output.stderr);
    let last = stderr.lines().rev().find(|l| !l.trim().is_empty());
    let code = output
        .status
        .code()
        .map_or("a signal".to_string(), |c| c.to_string());
    Err(match last {
        Some(line) => format!("setup command failed (exit {code}): {}", line.trim()),
        None => format!("setup command failed (exit {code})"),
    })
}

/// Send a prepared request; `Err` describes a request that got no answer.
pub async fn send(
    client: &reqwest::Client,
    base: &reqwest::Url,
    prepared: &PreparedRequest,
    timeout: std::time::Duration,
    max_body_bytes: u64,
) -> Result<ActualResponse, String> {
    let mut url = base.as_str().trim_end_matches('/').to_string();
    url.push_str(&prepared.path);
    let method = reqwest::Method::from_bytes(prepared.method.as_bytes())
        .map_err(|_| format!("`{}` is not an HTTP method", prepared.method))?;
    let mut builder = client.request(method, &url);
    for (name, value) in &prepared.headers {
        builder = builder.header(name, value);
    }
    if let Some(body) = &prepared.body {
        builder = builder.body(body.clone());
    }
    let describe = |e: reqwest::Error| {
        if e.is_timeout() {
            format!(
                "no answer within {} (request timed out)",
                humantime::format_duration(timeout)
            )
        } else if e.is_connect() {
            format!("cannot connect to the target: {}", super::tls::explain(&e))
        } else {
            format!("request failed: {}", super::tls::explain(&e))
        }
    };
    let mut response = builder.send().await.map_err(describe)?;
    let too_big = || {
        format!(
            "the answer's body is larger than {max_body_bytes} bytes (--max-body-bytes): not read"
        )
    };
    if response
        .content_length()
        .is_some_and(|len| len > max_body_bytes)
    {
        return Err(too_big());
    }
    let status = response.status().as_u16();
    let headers = response.headers().clone();
    // Read chunk by chunk: a target streaming without end must not fill the memory.
    let mut bytes = Vec::new();
    while let Some(chunk) = response.chunk().await.map_err(describe)? {
        if (bytes.len() + chunk.len()) as u64 > max_body_bytes {
            return Err(too_big());
        }
        bytes.extend_from_slice(&chunk);
    }
    Ok(ActualResponse::from_parts(status, &headers, &bytes))
}
