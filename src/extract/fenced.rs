//! Markdown in the common API-doc style, without `<Snapshot>` components: endpoints declared
//! in headings (`#### GET /api/widgets`, `### Create a widget — POST /widgets`), inline code or
//! index tables; requests in ` ```http ` blocks or `curl` commands; responses as JSON blocks
//! under status headings or labels (`##### 200: OK`, `**Status: 422**`, `Example Response:`,
//! `> The above command returns JSON structured like this:`).
//!
//! The Markdown reader ([`super::mdx`]) calls this module twice: [`declarations`] for the
//! endpoints these pages declare (so sections, parameter tables and lists bind to them as to
//! any declaration), then [`examples`] for the fixtures, walking the page in document order:
//! a label or status sets what the next blocks mean, a request block is the documented
//! request of the cases after it, and each JSON block under a status is one case.

use super::binding::{self, CalledIds};
use super::common;
use super::jslit;
use super::markdown::{CodeBlock, Lines, Outline};
use super::prose::wording::Deprecation;
use super::ExtractError;
use crate::fixture::pointer;
use crate::fixture::{
    Anchors, BodyRef, Endpoint, Fixture, Placeholder, PlaceholderKind, ResponseSpec, Source,
    SourceFormat,
};
use indexmap::IndexMap;
use serde_json::Value;

/// An endpoint these pages declare outside code blocks, or in a request block no other
/// declaration covers.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Declared {
    pub offset: usize,
    pub method: String,
    pub path: String,
    /// The endpoint heading when the declaration gives one (a heading's words around the
    /// request line, an index table's description); else the section's heading applies.
    pub heading: Option<String>,
    pub kind: DeclaredIn,
}

/// Where a [`Declared`] endpoint was written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DeclaredIn {
    /// A heading (its index in the outline); the heading's section is the endpoint's.
    Heading(usize),
    /// A paragraph that is only `` `GET /path` ``.
    InlineCode,
    /// A row of an index table (`| Method | Endpoint | Description |`): declares the route
    /// unless the page declares it elsewhere, and names it.
    IndexTable,
    /// A request block (its index in the outline), when nothing above declares its route.
    RequestBlock(usize),
}

/// The endpoints declared in headings, inline code, index tables and request blocks.
pub fn declarations(outline: &Outline) -> Vec<Declared> {
    let mut out = Vec::new();
    for (i, h) in outline.headings.iter().enumerate() {
        if let Some((method, path, rest)) = heading_declaration(&h.text) {
            out.push(Declared {
                offset: h.start,
                method,
                path,
                heading: Some(rest),
                kind: DeclaredIn::Heading(i),
            });
        }
    }
    for p in &outline.paragraphs {
        let t = p.text.trim();
        let code = t.strip_prefix('`').and_then(|t| t.strip_suffix('`'));
        if let Some((method, path)) = code.and_then(common::parse_declaration) {
            out.push(Declared {
                offset: p.start,
                method,
                path,
                heading: None,
                kind: DeclaredIn::InlineCode,
            });
        }
    }
    for table in &outline.tables {
        let find = |names: &[&str]| {
            table
                .header
                .iter()
                .position(|h| names.contains(&common::clean(h).to_lowercase().as_str()))
        };
        let method = find(&["method", "verb", "http method"]);
        let Some(path) = find(&["endpoint", "path", "route", "url", "uri", "resource"]) else {
            continue;
        };
        let description = find(&["description", "summary", "action", "what it does"]);
        for row in &table.rows {
            let cell = |i: Option<usize>| {
                i.and_then(|i| row.get(i))
                    .map(|c| link_text(c))
                    .unwrap_or_default()
            };
            let written = match method {
                Some(_) => format!("{} {}", cell(method), cell(Some(path))),
                None => cell(Some(path)),
            };
            if let Some((method, path)) = common::parse_declaration(&common::clean(&written)) {
                let heading = cell(description);
                out.push(Declared {
                    offset: table.start,
                    method,
                    path,
                    heading: (!heading.is_empty()).then_some(heading),
                    kind: DeclaredIn::IndexTable,
                });
            }
        }
    }
    for (i, block) in outline.code_blocks.iter().enumerate() {
        if let Some(Message::Request(request)) = request_block(block) {
            // the request line's own line, as for declarations in other code blocks
            let first_line = block.lines.first().map_or(block.start, |(o, _)| *o);
            out.push(Declared {
                offset: first_line,
                method: request.method,
                path: request.path,
                heading: None,
                kind: DeclaredIn::RequestBlock(i),
            });
        }
    }
    out.sort_by_key(|d| d.offset);
    out
}

/// `GET /api/widgets`, `` `DELETE /widgets/:id` ``, `Create a widget — POST /widgets`,
/// `Create a widget (POST /widgets)`: method, path and the heading's other words.
fn heading_declaration(text: &str) -> Option<(String, String, String)> {
    let plain = common::clean(&link_text(text));
    if let Some((method, path)) = common::parse_declaration(&plain) {
        return Some((method, path.clone(), plain));
    }
    // the declaration after a separator, or in parentheses at the end
    for sep in [" — ", " – ", " - ", ": ", " | ", " ("] {
        let Some((words, rest)) = plain.rsplit_once(sep) else {
            continue;
        };
        let rest = rest.trim().trim_end_matches(')');
        if let Some((method, path)) = common::parse_declaration(rest) {
            return Some((method, path, words.trim().to_string()));
        }
    }
    None
}

/// `[text](target)` → `text`, anywhere in `text`.
fn link_text(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(open) = rest.find('[') {
        let Some(close) = rest[open..].find("](").map(|i| open + i) else {
            break;
        };
        let Some(end) = rest[close..].find(')').map(|i| close + i) else {
            break;
        };
        out.push_str(&rest[..open]);
        out.push_str(&rest[open + 1..close]);
        rest = &rest[end + 1..];
    }
    out.push_str(rest);
    out.trim().to_string()
}

/// What a code block holds, when it is an HTTP message or a `curl` command.
#[derive(Debug, Clone, PartialEq)]
pub enum Message {
    Request(DocRequest),
    /// A raw response: `HTTP/1.1 201 Created`, headers, a blank line, the body.
    Response {
        status: u16,
        headers: IndexMap<String, String>,
        body: Option<Body>,
    },
}

/// A request as documented in an http block or a curl command.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct DocRequest {
    pub method: String,
    /// Path and query as documented, scheme and host dropped.
    pub path: String,
    pub headers: IndexMap<String, String>,
    pub body: Option<Body>,
}

/// A documented body and the markers found in it.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Body {
    pub value: Value,
    pub placeholders: Vec<(String, PlaceholderKind)>,
}

const SHELL_LANGS: &[&str] = &[
    "sh",
    "shell",
    "bash",
    "console",
    "zsh",
    "curl",
    "shell-session",
];

/// The request or response a block holds: an ` ```http ` block with a request or status line,
/// or a shell block (or unlabelled one) holding a `curl` command. Other blocks, and an http
/// block listing several `METHOD /path` lines, are left to the declaration reading of
/// [`super::mdx`].
pub fn request_block(block: &CodeBlock) -> Option<Message> {
    let lang = block.lang.as_str();
    let first = block.content.lines().find(|l| !l.trim().is_empty())?.trim();
    if lang.starts_with("http") {
        if let Some(message) = http_message(&block.content) {
            return Some(message);
        }
    }
    let shell = SHELL_LANGS.contains(&lang) || lang.is_empty();
    let curl_line = block
        .content
        .lines()
        .position(|l| command_line(l).starts_with("curl "));
    if shell && (curl_line.is_some() || first.starts_with("curl ")) {
        return curl(&block.content).map(Message::Request);
    }
    None
}

/// A line without a shell prompt (`$ `, `% `, `> `).
fn command_line(line: &str) -> &str {
    let t = line.trim_start();
    for prompt in ["$ ", "% ", "> ", "PS> "] {
        if let Some(rest) = t.strip_prefix(prompt) {
            return rest.trim_start();
        }
    }
    t
}

/// A raw HTTP message: request line or status line, header lines, blank line, body.
fn http_message(content: &str) -> Option<Message> {
    let mut lines = content.lines().skip_while(|l| l.trim().is_empty());
    let first = lines.next()?.trim();
    let rest: Vec<&str> = lines.collect();
    // a list of declarations (`GET /a`, `POST /b`) is not one message
    if rest.iter().any(|l| common::parse_declaration(l).is_some()) {
        return None;
    }
    let mut headers = IndexMap::new();
    let mut body_lines = Vec::new();
    let mut in_body = false;
    for line in rest {
        if in_body {
            body_lines.push(line);
        } else if line.trim().is_empty() {
            in_body = true;
        } else if let Some((name, value)) = line.split_once(':') {
            let name = name.trim();
            if name.is_empty() || name.contains(char::is_whitespace) {
                // not a header: the body starts without a blank line
                in_body = true;
                body_lines.push(line);
            } else {
                headers.insert(name.to_string(), value.trim().to_string());
            }
        } else {
            in_body = true;
            body_lines.push(line);
        }
    }
    let body_text = body_lines.join("\n");
    let body = (!body_text.trim().is_empty()).then(|| match json_body(&body_text) {
        Ok(Some(body)) => body,
        _ => Body {
            value: Value::String(body_text.trim().to_string()),
            placeholders: Vec::new(),
        },
    });
    if let Some(rest) = first.strip_prefix("HTTP/") {
        let status = rest.split_whitespace().nth(1)?.parse().ok()?;
        return (100..=599).contains(&status).then_some(Message::Response {
            status,
            headers,
            body,
        });
    }
    let (method, path) = common::parse_declaration(first)?;
    headers.retain(|name, _| !name.eq_ignore_ascii_case("host"));
    Some(Message::Request(DocRequest {
        method,
        path,
        headers,
        body,
    }))
}

/// The words of the first `curl` command in a shell block: quotes, escapes and `\` line
/// continuations as a shell reads them; prompts and comments dropped.
fn shell_words(content: &str) -> Vec<String> {
    let start = content
        .split_inclusive('\n')
        .scan(0usize, |offset, line| {
            let at = *offset;
            *offset += line.len();
            Some((at, line))
        })
        .find(|(_, l)| command_line(l).starts_with("curl "))
        .map(|(at, l)| at + (l.len() - command_line(l).len()))
        .unwrap_or(0);
    let text = content.get(start..).unwrap_or(content);
    let mut words = Vec::new();
    let mut word = String::new();
    let mut in_word = false;
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '\\' => match chars.next() {
                Some('\n') => {}
                Some('\r') if chars.peek() == Some(&'\n') => {
                    chars.next();
                }
                Some(other) => {
                    word.push(other);
                    in_word = true;
                }
                None => {}
            },
            '\'' => {
                in_word = true;
                for c in chars.by_ref() {
                    if c == '\'' {
                        break;
                    }
                    word.push(c);
                }
            }
            '"' => {
                in_word = true;
                while let Some(c) = chars.next() {
                    match c {
                        '"' => break,
                        '\\' if matches!(chars.peek(), Some('"' | '\\' | '$' | '`')) => {
                            word.extend(chars.next());
                        }
                        '\\' if chars.peek() == Some(&'\n') => {
                            chars.next();
                        }
                        _ => word.push(c),
                    }
                }
            }
            '#' if !in_word => {
                for c in chars.by_ref() {
                    if c == '\n' {
                        break;
                    }
                }
            }
            '\n' => {
                // the command ends at a line break without a continuation
                break;
            }
            c if c.is_whitespace() => {
                if in_word {
                    words.push(std::mem::take(&mut word));
                    in_word = false;
                }
            }
            _ => {
                word.push(c);
                in_word = true;
            }
        }
    }
    if in_word {
        words.push(word);
    }
    words
}

/// Flags of curl that take a value docmock does not need.
const CURL_FLAGS_WITH_VALUE: &[&str] = &[
    "-o",
    "--output",
    "-w",
    "--write-out",
    "-b",
    "--cookie",
    "-c",
    "--cookie-jar",
    "-e",
    "--referer",
    "-m",
    "--max-time",
    "--connect-timeout",
    "--cacert",
    "--cert",
    "--key",
    "-x",
    "--proxy",
    "-A",
    "--user-agent",
    "--retry",
    "-T",
    "--upload-file",
];

/// A `curl` command as a documented request: `-X`, `-H`, `-d`/`--data*`, `-F`, `-G`, `-u`,
/// `--url-query`, `--url`, and the URL with scheme and host dropped.
fn curl(content: &str) -> Option<DocRequest> {
    let words = shell_words(content);
    let mut args = words.iter().skip_while(|w| *w != "curl").skip(1);
    let mut method: Option<String> = None;
    let mut url: Option<String> = None;
    let mut headers: IndexMap<String, String> = IndexMap::new();
    let mut data: Vec<String> = Vec::new();
    let mut form: Vec<(String, String)> = Vec::new();
    let mut url_query: Vec<String> = Vec::new();
    let mut get = false;
    let mut user: Option<String> = None;
    while let Some(arg) = args.next() {
        let (flag, inline) = match arg.split_once('=') {
            Some((f, v)) if f.starts_with("--") => (f, Some(v.to_string())),
            _ => (arg.as_str(), None),
        };
        let mut value = |inline: Option<String>| inline.or_else(|| args.next().cloned());
        match flag {
            "-X" | "--request" => method = value(inline),
            f if f.starts_with("-X") && f.len() > 2 => method = Some(f[2..].to_string()),
            "-H" | "--header" => {
                if let Some((name, v)) = value(inline).as_deref().and_then(|h| h.split_once(':')) {
                    headers.insert(name.trim().to_string(), v.trim().to_string());
                }
            }
            "-d" | "--data" | "--data-raw" | "--data-binary" | "--data-ascii" | "--json" => {
                if flag == "--json" {
                    headers
                        .entry("Content-Type".to_string())
                        .or_insert_with(|| "application/json".to_string());
                }
                data.extend(value(inline));
            }
            "--data-urlencode" => {
                if let Some(v) = value(inline) {
                    let (name, raw) = v.split_once('=').unwrap_or(("", v.as_str()));
                    data.push(if name.is_empty() {
                        percent_encode(raw)
                    } else {
                        format!("{name}={}", percent_encode(raw))
                    });
                }
            }
            "-F" | "--form" | "--form-string" => {
                if let Some(v) = value(inline) {
                    let (name, v) = v.split_once('=').unwrap_or((v.as_str(), ""));
                    form.push((name.to_string(), v.to_string()));
                }
            }
            "-G" | "--get" => get = true,
            "-u" | "--user" => user = value(inline),
            "--url-query" => url_query.extend(value(inline)),
            "--url" => url = value(inline),
            "-I" | "--head" => method = Some("HEAD".to_string()),
            f if CURL_FLAGS_WITH_VALUE.contains(&f) => {
                value(inline);
            }
            f if f.starts_with('-') && f.len() > 1 => {}
            _ => {
                if url.is_none() {
                    url = Some(arg.clone());
                }
            }
        }
    }
    let mut path = url_path(&url?);
    let mut query: Vec<String> = url_query;
    let mut body = None;
    if get {
        query.append(&mut data);
    } else if !data.is_empty() {
        let joined = data.join("&");
        let trimmed = joined.trim();
        body = match json_body(trimmed) {
            Ok(Some(body)) if trimmed.starts_with(['{', '[']) => Some(body),
            // JSON that does not read stays text, as curl would send it
            _ if trimmed.starts_with(['{', '[']) => Some(Body {
                value: Value::String(trimmed.to_string()),
                placeholders: Vec::new(),
            }),
            // `-d @file.json`: the body is in a file the docs do not show
            _ if trimmed.starts_with('@') => None,
            _ => {
                headers
                    .entry("Content-Type".to_string())
                    .or_insert_with(|| "application/x-www-form-urlencoded".to_string());
                Some(Body {
                    value: form_object(trimmed.split('&').map(|pair| {
                        let (n, v) = pair.split_once('=').unwrap_or((pair, ""));
                        (n.to_string(), v.to_string())
                    })),
                    placeholders: Vec::new(),
                })
            }
        };
    }
    if !form.is_empty() {
        body = Some(Body {
            value: form_object(form.into_iter()),
            placeholders: Vec::new(),
        });
    }
    if !query.is_empty() {
        path.push(if path.contains('?') { '&' } else { '?' });
        path.push_str(&query.join("&"));
    }
    if let Some(user) = user {
        if !headers
            .keys()
            .any(|k| k.eq_ignore_ascii_case("authorization"))
        {
            use base64::Engine;
            let encoded = base64::engine::general_purpose::STANDARD.encode(user.as_bytes());
            headers.insert("Authorization".to_string(), format!("Basic {encoded}"));
        }
    }
    let method = method.map(|m| m.to_ascii_uppercase()).unwrap_or_else(|| {
        if body.is_some() {
            "POST".to_string()
        } else {
            "GET".to_string()
        }
    });
    Some(DocRequest {
        method,
        path,
        headers,
        body,
    })
}

/// Form fields as a JSON object of strings, in documented order.
fn form_object(pairs: impl Iterator<Item = (String, String)>) -> Value {
    Value::Object(pairs.map(|(n, v)| (n, Value::String(v))).collect())
}

fn percent_encode(text: &str) -> String {
    let mut out = String::new();
    for b in text.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.' | b'~') {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

/// The path and query of a documented URL: `https://api.example.com/v1/x?y=1` → `/v1/x?y=1`;
/// `$API_URL/x`, `{{base_url}}/x`, `localhost:3000/x` → `/x`.
fn url_path(url: &str) -> String {
    let url = url.trim();
    let rest = match url.find("://") {
        Some(i) => &url[i + 3..],
        None if url.starts_with('/') => return url.to_string(),
        None => url,
    };
    match rest.find(['/', '?']) {
        Some(i) if rest[i..].starts_with('?') => format!("/{}", &rest[i..]),
        Some(i) => rest[i..].to_string(),
        None => "/".to_string(),
    }
}

/// The languages of code blocks read as JSON examples.
const JSON_LANGS: &[&str] = &["json", "jsonc", "json5", "javascript", "js", "jsx", "ts"];

/// A JSON example block's body: `Ok(None)` for an empty block, `Err` with a message and the
/// offset inside the block when it does not read. `None` when the block is no JSON block.
fn json_block(block: &CodeBlock, labelled: bool) -> Option<Result<Option<Body>, (usize, String)>> {
    let lang = block.lang.as_str();
    let trimmed = block.content.trim();
    let is_json_lang = JSON_LANGS.contains(&lang);
    let starts_like_json = trimmed.is_empty() || trimmed.starts_with(['{', '[']);
    let object_literal = trimmed
        .strip_prefix("const ")
        .or_else(|| trimmed.strip_prefix("let "))
        .or_else(|| trimmed.strip_prefix("var "))
        .and_then(|t| t.split_once('='))
        .map(|(_, v)| v.trim().trim_end_matches(';').trim_end())
        .filter(|v| v.starts_with(['{', '[']));
    let plain_json = matches!(lang, "json" | "jsonc" | "json5");
    if !(is_json_lang && (plain_json || starts_like_json || object_literal.is_some())
        || (lang.is_empty() && labelled && starts_like_json && !trimmed.is_empty()))
    {
        return None;
    }
    let text = object_literal.unwrap_or(&block.content);
    let lead = block.content.find(text.trim_start()).unwrap_or(0);
    Some(json_body(text).map_err(|(offset, message)| (lead + offset, message)))
}

/// Read JSON-ish text (JSON, JSONC, JSON5, a JavaScript object literal) with its "fields
/// elided" markers; `Ok(None)` for blank text.
fn json_body(text: &str) -> Result<Option<Body>, (usize, String)> {
    if text.trim().is_empty() {
        return Ok(None);
    }
    let (cleaned, partial) = elide(text);
    // no spans: a fenced example's differences keep the case's line
    let literal = jslit::parse_with(cleaned.trim(), jslit::Spans::Within(0)).map_err(|e| {
        let lead = cleaned.len() - cleaned.trim_start().len();
        (lead + e.offset, e.message)
    })?;
    let mut placeholders = jslit::placeholders(&literal.value);
    for pointer in partial {
        if !placeholders
            .iter()
            .any(|(p, k)| *p == pointer && *k == PlaceholderKind::Partial)
        {
            placeholders.push((pointer, PlaceholderKind::Partial));
        }
    }
    // computed expressions are read as their sentinels' null; docs in this style rarely
    // write them, and their generator is not known here
    Ok(Some(Body {
        value: literal.value,
        placeholders,
    }))
}

/// A container being read by [`elide`]: its pointer, and where in it the scan is.
enum Frame {
    Object {
        pointer: String,
        key: String,
        expecting_key: bool,
    },
    Array {
        pointer: String,
        index: usize,
    },
}

impl Frame {
    fn pointer(&self) -> &str {
        match self {
            Frame::Object { pointer, .. } | Frame::Array { pointer, .. } => pointer,
        }
    }

    /// The pointer of a value that starts here.
    fn child(&self) -> String {
        match self {
            Frame::Object { pointer, key, .. } => format!("{pointer}/{}", pointer::token(key)),
            Frame::Array { pointer, index } => format!("{pointer}/{index}"),
        }
    }
}

/// Whether a comment's text says "fields elided here": `// ...`, `/* … */`, `// etc.`.
fn is_elision(comment: &str) -> bool {
    let t = comment.trim();
    t.contains("...")
        || t.contains('…')
        || matches!(t.to_ascii_lowercase().as_str(), "etc" | "etc.")
}

/// The text with "fields elided" markers blanked out (`...` or `…` among an object's
/// members, with the comma after it), and the pointers of the objects (or arrays) holding a
/// marker, a bare one or an elision comment. Bare `...` in arrays stay for the literal reader,
/// which reads them as "more elements"; a `…` there becomes `...`. Offsets do not change.
fn elide(text: &str) -> (String, Vec<String>) {
    let bytes = text.as_bytes();
    let mut out = bytes.to_vec();
    let mut stack: Vec<Frame> = Vec::new();
    let mut found: Vec<String> = Vec::new();
    let ellipsis = "…".as_bytes();
    let mut i = 0;
    let mark = |stack: &Vec<Frame>, found: &mut Vec<String>| {
        if let Some(top) = stack.last() {
            let p = top.pointer().to_string();
            if !found.contains(&p) {
                found.push(p);
            }
        }
    };
    while i < bytes.len() {
        let c = bytes[i];
        match c {
            b'"' | b'\'' | b'`' => {
                let mut j = i + 1;
                while j < bytes.len() && bytes[j] != c {
                    if bytes[j] == b'\\' {
                        j += 1;
                    }
                    j += 1;
                }
                let end = (j + 1).min(bytes.len());
                if let Some(Frame::Object {
                    key, expecting_key, ..
                }) = stack.last_mut()
                {
                    if *expecting_key {
                        let inner = text.get(i + 1..end.saturating_sub(1).max(i + 1));
                        *key = inner.unwrap_or_default().to_string();
                    }
                }
                i = end;
                continue;
            }
            b'/' if bytes.get(i + 1) == Some(&b'/') => {
                let end = text[i..].find('\n').map_or(bytes.len(), |n| i + n);
                if is_elision(&text[i + 2..end]) {
                    mark(&stack, &mut found);
                }
                i = end;
                continue;
            }
            b'/' if bytes.get(i + 1) == Some(&b'*') => {
                let end = text[i + 2..]
                    .find("*/")
                    .map_or(bytes.len(), |n| i + 2 + n + 2);
                let inner = text.get(i + 2..end.saturating_sub(2).max(i + 2));
                if is_elision(inner.unwrap_or_default()) {
                    mark(&stack, &mut found);
                }
                i = end;
                continue;
            }
            b'{' | b'[' => {
                let pointer = stack.last().map(Frame::child).unwrap_or_default();
                stack.push(if c == b'{' {
                    Frame::Object {
                        pointer,
                        key: String::new(),
                        expecting_key: true,
                    }
                } else {
                    Frame::Array { pointer, index: 0 }
                });
            }
            b'}' | b']' => {
                stack.pop();
            }
            b',' => match stack.last_mut() {
                Some(Frame::Object {
                    expecting_key, key, ..
                }) => {
                    *expecting_key = true;
                    key.clear();
                }
                Some(Frame::Array { index, .. }) => *index += 1,
                None => {}
            },
            b':' => {
                if let Some(Frame::Object { expecting_key, .. }) = stack.last_mut() {
                    *expecting_key = false;
                }
            }
            _ if bytes[i..].starts_with(b"...") || bytes[i..].starts_with(ellipsis) => {
                let len = 3;
                match stack.last() {
                    Some(Frame::Object {
                        expecting_key: true,
                        ..
                    }) => {
                        mark(&stack, &mut found);
                        out[i..i + len].fill(b' ');
                        // the comma after it goes too, so `{a: 1, ..., b: 2}` still reads
                        let mut j = i + len;
                        while j < bytes.len() && bytes[j].is_ascii_whitespace() {
                            j += 1;
                        }
                        if bytes.get(j) == Some(&b',') {
                            out[j] = b' ';
                            i = j + 1;
                            continue;
                        }
                    }
                    Some(Frame::Array { .. }) if bytes[i..].starts_with(ellipsis) => {
                        out[i..i + len].copy_from_slice(b"...");
                    }
                    _ => {}
                }
                i += len;
                continue;
            }
            _ => {
                if let Some(Frame::Object {
                    key,
                    expecting_key: true,
                    ..
                }) = stack.last_mut()
                {
                    if c.is_ascii_alphanumeric() || c == b'_' || c == b'$' {
                        let end = text[i..]
                            .find(|ch: char| !(ch.is_alphanumeric() || ch == '_' || ch == '$'))
                            .map_or(bytes.len(), |n| i + n);
                        *key = text[i..end].to_string();
                        i = end;
                        continue;
                    }
                }
            }
        }
        i += 1;
    }
    let cleaned = String::from_utf8(out).unwrap_or_else(|_| text.to_string());
    (cleaned, found)
}

/// What a heading or label paragraph says about the blocks after it.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Label {
    /// A status (`200: OK`, `Response 201`, `**Status: 422**`), with the words after it.
    Status(u16, String),
    /// `Example Response`, `Response:`, "The above command returns JSON ...".
    Response,
    /// `Example Request`, `Request body`.
    Request,
}

const RESPONSE_LABELS: &[&str] = &[
    "response",
    "responses",
    "example response",
    "example responses",
    "sample response",
    "sample responses",
    "response example",
    "response examples",
    "example response body",
    "response body",
    "returns",
    "example output",
    "output",
    "result",
];

const REQUEST_LABELS: &[&str] = &[
    "request",
    "example request",
    "sample request",
    "request example",
    "example request body",
    "request body",
    "sample request body",
    "example body",
    "request payload",
    "example payload",
    "payload",
    "body",
];

/// Whether a paragraph labels the example after it ("Example response:", "`200 OK`"): no
/// prose of the section.
pub fn is_label(paragraph: &str) -> bool {
    label(paragraph, false).is_some()
}

/// The label a heading (`heading`) or a paragraph is, if any.
fn label(text: &str, heading: bool) -> Option<Label> {
    let plain = common::clean(text).replace('_', " ");
    let plain = plain.trim().trim_end_matches([':', '.']).trim();
    let lower = plain.to_ascii_lowercase();
    if lower.contains('\n') {
        return None;
    }
    if let Some((status, title)) = status_words(plain, heading) {
        return Some(Label::Status(status, title));
    }
    if RESPONSE_LABELS.contains(&lower.as_str())
        || lower.starts_with("the above command returns")
        || lower.starts_with("the above request returns")
        || lower.contains("returns json structured like this")
    {
        return Some(Label::Response);
    }
    REQUEST_LABELS
        .contains(&lower.as_str())
        .then_some(Label::Request)
}

/// A status with the words after it: `200: OK`, `404 Not Found`, `Response 201`,
/// `Status: 422`, `HTTP 200`, `Example response (201)`. A paragraph needs a word that says it
/// is a status (or to be short), so prose that starts with a number is not one.
fn status_words(plain: &str, heading: bool) -> Option<(u16, String)> {
    let mut rest = plain;
    let mut said = false;
    loop {
        let lower = rest.to_ascii_lowercase();
        let before = rest.len();
        for word in [
            "example",
            "sample",
            "responses",
            "response",
            "status code",
            "status",
            "http/1.1",
            "http/2",
            "http",
            "code",
        ] {
            if lower.starts_with(word) {
                rest = &rest[word.len()..];
                said = true;
                break;
            }
        }
        rest = rest.trim_start_matches([' ', ':', '(', '-', '—', '–', '\t']);
        if rest.len() == before {
            break;
        }
    }
    let digits: String = rest.chars().take_while(char::is_ascii_digit).collect();
    if digits.len() != 3 {
        return None;
    }
    let status: u16 = digits.parse().ok()?;
    if !(100..=599).contains(&status) {
        return None;
    }
    let title = rest[3..]
        .trim_start_matches([' ', ':', ')', '-', '—', '–', '\t'])
        .trim_end_matches(')')
        .trim()
        .to_string();
    let short = title.split_whitespace().count() <= 4;
    (heading || said || short).then_some((status, title))
}

/// Where the walk over a page is: what the next blocks mean.
#[derive(Default)]
struct Walk {
    mode: Mode,
    /// The status the last status heading or label gave, with its words.
    status: Option<(u16, String)>,
    /// The documented request of the cases that follow.
    request: Option<DocRequest>,
    /// A request body shown under a "Request body" label.
    request_body: Option<Body>,
    /// The prose line right before the next block.
    prose: Option<String>,
    /// Which status group the next case belongs to (several blocks under one status).
    group: usize,
}

#[derive(Default, Clone, Copy, PartialEq, Eq)]
enum Mode {
    #[default]
    None,
    Request,
    Response,
}

/// Page context for [`examples`].
pub struct Context<'a> {
    pub file: &'a str,
    pub lines: &'a Lines<'a>,
    pub outline: &'a Outline,
    pub title: &'a str,
    /// What the page's prose calls an id (for templates inferred from undeclared paths).
    pub called_ids: &'a CalledIds,
}

/// Where an example at an offset belongs: the endpoint heading, the case heading (the deepest
/// heading below it, or empty), and the declarations of its section, nearest first.
pub type Place<'a> = dyn Fn(usize) -> Placed<'a> + 'a;

/// Where an example at an offset stands: its endpoint and case headings, and the page's
/// declarations it may belong to — its section's first (`section_len` of them, nearest
/// first), then the rest of the page's.
pub struct Placed<'e> {
    pub endpoint: String,
    pub case: String,
    /// Custom heading ids of the endpoint and case headings.
    pub anchors: Anchors,
    /// Borrowed: a page with thousands of declarations would otherwise copy them all for
    /// every example.
    pub candidates: Vec<&'e Endpoint>,
    pub section_len: usize,
    /// What the headings above the example and their prose say about its deprecation.
    pub deprecation: Deprecation,
}

/// One case found by the walk, before titles are settled.
struct Case {
    fixture: Fixture,
    group: usize,
    heading_title: String,
    prose: Option<String>,
}

/// The fixtures of the fenced examples on a page, in document order.
pub fn examples(ctx: &Context<'_>, place: &Place<'_>) -> (Vec<Fixture>, Vec<ExtractError>) {
    enum Item {
        Heading(usize),
        Paragraph(usize),
        Code(usize),
    }
    let outline = ctx.outline;
    let mut items: Vec<(usize, Item)> = Vec::new();
    items.extend(
        outline
            .headings
            .iter()
            .enumerate()
            .map(|(i, h)| (h.start, Item::Heading(i))),
    );
    items.extend(
        outline
            .paragraphs
            .iter()
            .enumerate()
            .map(|(i, p)| (p.start, Item::Paragraph(i))),
    );
    items.extend(
        outline
            .code_blocks
            .iter()
            .enumerate()
            .map(|(i, c)| (c.start, Item::Code(i))),
    );
    items.sort_by_key(|(start, _)| *start);

    let mut walk = Walk::default();
    let mut cases: Vec<Case> = Vec::new();
    let mut errors = Vec::new();
    for (_, item) in items {
        match item {
            Item::Heading(i) => {
                let text = &outline.headings[i].text;
                match label(text, true) {
                    Some(l) => walk.label(l),
                    None => {
                        walk = Walk {
                            group: walk.group + 1,
                            ..Walk::default()
                        }
                    }
                }
            }
            Item::Paragraph(i) => {
                let text = &outline.paragraphs[i].text;
                match label(text, false) {
                    Some(l) => walk.label(l),
                    None => {
                        let line = text.lines().next().unwrap_or("");
                        let line = common::clean(line);
                        let line = line.trim().trim_end_matches(':').trim();
                        walk.prose = (!line.is_empty() && !line.starts_with(['<', '{', ':']))
                            .then(|| line.to_string());
                    }
                }
            }
            Item::Code(i) => {
                let block = &outline.code_blocks[i];
                match request_block(block) {
                    Some(Message::Request(request)) => {
                        walk.request = Some(request);
                        walk.prose = None;
                        continue;
                    }
                    Some(Message::Response {
                        status,
                        headers,
                        body,
                    }) => {
                        if let Some(case) = walk.case(ctx, place, block, status, headers, body) {
                            cases.push(case);
                        }
                        continue;
                    }
                    None => {}
                }
                let labelled = walk.mode != Mode::None;
                let Some(read) = json_block(block, labelled) else {
                    continue;
                };
                let body = match read {
                    Ok(body) => body,
                    Err((offset, message)) => {
                        if labelled {
                            let (line, col) = ctx.lines.line_col(block.content_start + offset);
                            errors.push(ExtractError::new(
                                ctx.file,
                                line,
                                col,
                                format!("cannot read this json example: {message}"),
                            ));
                        }
                        walk.prose = None;
                        continue;
                    }
                };
                match walk.mode {
                    Mode::Request => {
                        match walk.request.as_mut() {
                            Some(r) => r.body = body,
                            None => walk.request_body = body,
                        }
                        walk.prose = None;
                    }
                    Mode::Response => {
                        let status = walk.status.as_ref().map_or(200, |(s, _)| *s);
                        if let Some(case) =
                            walk.case(ctx, place, block, status, IndexMap::new(), body)
                        {
                            cases.push(case);
                        }
                    }
                    Mode::None => {}
                }
            }
        }
    }
    // several blocks under one status: each is titled by the prose line right before it
    let mut in_group: std::collections::HashMap<usize, usize> = Default::default();
    for case in &cases {
        *in_group.entry(case.group).or_default() += 1;
    }
    let fixtures = cases
        .into_iter()
        .map(|case| {
            let mut fixture = case.fixture;
            fixture.title = match (case.prose, in_group[&case.group] > 1) {
                (Some(prose), true) => prose,
                _ => case.heading_title,
            };
            fixture
        })
        .collect();
    (fixtures, errors)
}

impl Walk {
    fn label(&mut self, label: Label) {
        self.prose = None;
        self.group += 1;
        match label {
            Label::Status(status, title) => {
                self.mode = Mode::Response;
                self.status = Some((status, title));
            }
            Label::Response => {
                // "Example response" under a `404 Not Found` heading keeps its status
                if self.mode != Mode::Response {
                    self.status = None;
                }
                self.mode = Mode::Response;
            }
            Label::Request => self.mode = Mode::Request,
        }
    }

    /// The case of a response block at `block`: the pending documented request (else the
    /// nearest declaration of the section), this response.
    fn case(
        &mut self,
        ctx: &Context<'_>,
        place: &Place<'_>,
        block: &CodeBlock,
        status: u16,
        headers: IndexMap<String, String>,
        body: Option<Body>,
    ) -> Option<Case> {
        let prose = self.prose.take();
        let placed = place(block.start);
        let (endpoint_heading, case_heading) = (placed.endpoint, placed.case);
        let anchors = placed.anchors;
        let candidates = placed.candidates;
        let documented = match &self.request {
            Some(r) => r.clone(),
            None => {
                let e = candidates[..placed.section_len.min(candidates.len())].first()?;
                DocRequest {
                    method: e.method.clone(),
                    path: e.path.clone(),
                    headers: IndexMap::new(),
                    body: self.request_body.clone(),
                }
            }
        };
        let topic = [ctx.title, endpoint_heading.as_str(), case_heading.as_str()];
        let bound = binding::bind(
            &candidates,
            placed.section_len,
            &documented.method,
            &documented.path,
            &topic,
            ctx.called_ids,
        );
        let (mut request, owner) = (bound.request, bound.owner);
        request.headers = documented.headers;
        let mut placeholders = Vec::new();
        let mut add = |which: BodyRef, body: &Option<Body>| {
            for (pointer, kind) in body.iter().flat_map(|b| b.placeholders.iter()) {
                placeholders.push(Placeholder {
                    body: which,
                    pointer: pointer.clone(),
                    kind: *kind,
                });
            }
        };
        add(BodyRef::Request, &documented.body);
        add(BodyRef::Response, &body);
        request.body = documented.body.map(|b| b.value);
        // the words of the status heading or label, else a case heading that is no label
        let heading_title = self
            .status
            .as_ref()
            .map(|(_, t)| t.clone())
            .filter(|t| !t.is_empty())
            .or_else(|| label(&case_heading, true).is_none().then_some(case_heading))
            .unwrap_or_default();
        let endpoint = owner
            .map(|e| e.heading.clone())
            .filter(|h| !h.is_empty())
            .unwrap_or(endpoint_heading);
        Some(Case {
            fixture: Fixture {
                source: Source {
                    file: ctx.file.to_string(),
                    line: ctx.lines.line(block.start),
                    format: SourceFormat::MarkdownFenced,
                    literal: None,
                    snapshot_file: None,
                },
                page: ctx.title.to_string(),
                endpoint,
                title: String::new(),
                request,
                response: ResponseSpec {
                    status,
                    headers,
                    body: body.map(|b| b.value),
                    media_types: Vec::new(),
                },
                params: owner.map(|e| e.params.clone()).unwrap_or_default(),
                response_fields: owner.map(|e| e.response_fields.clone()).unwrap_or_default(),
                deprecated: placed.deprecation.deprecated || owner.is_some_and(|e| e.deprecated),
                replaced_by: placed
                    .deprecation
                    .replaced_by
                    .or_else(|| owner.and_then(|e| e.replaced_by.clone())),
                placeholders,
                global: bound.global,
                anchors,
                ..Default::default()
            },
            group: self.group,
            heading_title,
            prose,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn block(lang: &str, content: &str) -> CodeBlock {
        CodeBlock {
            lang: lang.to_string(),
            content: content.to_string(),
            ..CodeBlock::default()
        }
    }

    #[test]
    fn curl_commands_become_documented_requests() {
        let text = "$ curl -X POST 'https://api.example.com/v1/widgets?dry_run=1' \\\n  -u 'ann:s3cret' \\\n  -H \"Content-Type: application/json\" \\\n  --data-raw '{\"name\": \"Gear\"}'\n";
        let Some(Message::Request(r)) = request_block(&block("sh", text)) else {
            panic!("no request");
        };
        assert_eq!(r.method, "POST");
        assert_eq!(r.path, "/v1/widgets?dry_run=1");
        assert_eq!(r.headers["Authorization"], "Basic YW5uOnMzY3JldA==");
        assert_eq!(r.body.unwrap().value, json!({"name": "Gear"}));
        let text = "curl -G \"$API/v1/widgets\" --data-urlencode 'q=red gear' --url-query page=2 -H 'Authorization: Bearer x' -u a:b";
        let Some(Message::Request(r)) = request_block(&block("bash", text)) else {
            panic!("no request");
        };
        assert_eq!(r.method, "GET");
        assert_eq!(r.path, "/v1/widgets?page=2&q=red%20gear");
        assert_eq!(r.headers["Authorization"], "Bearer x");
    }

    #[test]
    fn http_blocks_hold_requests_or_responses() {
        let text = "POST /api/v1/widgets HTTP/1.1\nHost: example.com\nAccept: application/json\n\n{\"name\": \"Gear\"}\n";
        let Some(Message::Request(r)) = request_block(&block("http", text)) else {
            panic!("no request");
        };
        assert_eq!(
            (r.method.as_str(), r.path.as_str()),
            ("POST", "/api/v1/widgets")
        );
        assert_eq!(r.headers.keys().collect::<Vec<_>>(), ["Accept"]);
        let text = "HTTP/1.1 201 Created\nLocation: /w/1\n\n{\"id\": 1}";
        let Some(Message::Response { status, body, .. }) = request_block(&block("http", text))
        else {
            panic!("no response");
        };
        assert_eq!(status, 201);
        assert_eq!(body.unwrap().value, json!({"id": 1}));
    }

    #[test]
    fn elision_markers_make_their_object_partial() {
        let body = json_body(
            "{\n  \"id\": 1,\n  \"owner\": {\"name\": \"a\", ...},\n  \"tags\": [\"x\", …],\n  // ...\n  \"meta\": { /* … */ },\n  ...,\n  \"last\": true\n}",
        )
        .unwrap()
        .unwrap();
        assert_eq!(
            body.value,
            json!({"id": 1, "owner": {"name": "a"}, "tags": ["x", "..."], "meta": {}, "last": true})
        );
        let kinds: Vec<(&str, PlaceholderKind)> = body
            .placeholders
            .iter()
            .map(|(p, k)| (p.as_str(), *k))
            .collect();
        assert_eq!(
            kinds,
            [
                ("/tags/1", PlaceholderKind::MoreElements),
                ("/owner", PlaceholderKind::Partial),
                ("", PlaceholderKind::Partial),
                ("/meta", PlaceholderKind::Partial),
            ]
        );
    }

    #[test]
    fn status_headings_and_labels_are_told_from_prose() {
        assert_eq!(
            label("200: OK", true),
            Some(Label::Status(200, "OK".into()))
        );
        assert_eq!(
            label("Response 201", true),
            Some(Label::Status(201, String::new()))
        );
        assert_eq!(
            label("**Status: 422**", false),
            Some(Label::Status(422, String::new()))
        );
        assert_eq!(label("Example response:", false), Some(Label::Response));
        assert_eq!(
            label(
                "The above command returns JSON structured like this:",
                false
            ),
            Some(Label::Response)
        );
        assert_eq!(label("Example Request", true), Some(Label::Request));
        assert_eq!(
            label("404 widgets were found in the warehouse last year", false),
            None
        );
    }

    #[test]
    fn headings_declare_endpoints_in_every_spelling() {
        let cases = [
            (
                "GET /api/widgets",
                "GET",
                "/api/widgets",
                "GET /api/widgets",
            ),
            (
                "`DELETE /widgets/:id`",
                "DELETE",
                "/widgets/:id",
                "DELETE /widgets/:id",
            ),
            (
                "Create a widget — POST /widgets",
                "POST",
                "/widgets",
                "Create a widget",
            ),
            (
                "Update a widget (PATCH /widgets/{id})",
                "PATCH",
                "/widgets/{id}",
                "Update a widget",
            ),
        ];
        for (text, method, path, rest) in cases {
            assert_eq!(
                heading_declaration(text),
                Some((method.into(), path.into(), rest.into())),
                "{text}"
            );
        }
        assert_eq!(heading_declaration("Getting started"), None);
    }
}
