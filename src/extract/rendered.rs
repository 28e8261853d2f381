//! Rendered doc pages saved as text: a title, endpoint headings, declarations
//! (`POST /api/v1/...`), parameter tables flattened to `dossier_idstringRequired. ...`, and
//! examples that read "Sample request", `METHOD /path`, `Status: 422 Unprocessable Entity`,
//! then a JSON body the rendering may have cut short.
//!
//! In: the page as [`Line`]s (a text file line by line, or an HTML page turned into lines by
//! [`super::html`]). Out: a [`Page`] with the same endpoints and fixtures the Markdown source
//! of the page gives, so that a page documented twice (source and rendering) is recognised.
//!
//! A text file does not mark its headings; a line reads as one when it stands alone between
//! blank lines, is short, and is at most one sentence. An example's case title is the last
//! heading between the previous example (or declaration) and "Sample request"; its endpoint is
//! the nearest earlier declaration whose route the example's path matches. An example no
//! declaration covers declares its endpoint itself, under the heading before it.

pub mod flat_table;
pub mod lines;
pub mod repair;

pub use lines::{Line, LineKind};

use super::binding::{self, CalledIds};
use super::{common, prose, ExtractError, PageExtraction};
use crate::fixture::pointer;
use crate::fixture::{
    BodyRef, Fixture, Page, ParamLocation, Placeholder, PlaceholderKind, Reconstruction,
    ResponseSpec, Source, SourceFormat,
};
use indexmap::IndexMap;
use serde_json::Value;

/// Whether a page reads as a rendered doc page.
pub fn looks_like(text: &str) -> bool {
    text.lines().any(|l| is_sample_marker(l.trim()))
        || text.lines().any(|l| parse_status(l.trim()).is_some())
}

/// Extract one rendered text page.
pub fn extract(file: &str, text: &str) -> PageExtraction {
    extract_lines(file, &lines::from_text(text), SourceFormat::RenderedText)
}

/// Extract a rendered page given as lines (from text or HTML).
pub fn extract_lines(file: &str, lines: &[Line], format: SourceFormat) -> PageExtraction {
    let mut reader = Reader {
        file,
        lines,
        format,
        marked: lines.iter().any(|l| l.kind == LineKind::Heading),
        page: Page {
            file: file.to_string(),
            format,
            ..Default::default()
        },
        errors: Vec::new(),
        since_anchor: Vec::new(),
        since_decl: Vec::new(),
        after_decl: false,
        called_ids: CalledIds::read(
            &lines
                .iter()
                .map(|l| l.text.as_str())
                .collect::<Vec<_>>()
                .join("\n"),
        ),
        inferred: Vec::new(),
        prose: Vec::new(),
        describing: None,
    };
    reader.run();
    binding::unbind_outvoted(&mut reader.page.fixtures, &reader.called_ids);
    for endpoint in &mut reader.page.endpoints {
        prose::add_route_params(&mut endpoint.params, &endpoint.route);
        let paragraphs: Vec<String> = endpoint
            .description
            .split("\n\n")
            .filter(|p| !p.is_empty())
            .map(str::to_string)
            .collect();
        let deprecation = prose::wording::section_deprecation(&endpoint.heading, &paragraphs);
        endpoint.deprecated = deprecation.deprecated;
        endpoint.replaced_by = deprecation.replaced_by;
    }
    // response tables usually follow the example: its fixtures get them once the page is read
    let Page {
        endpoints,
        fixtures,
        ..
    } = &mut reader.page;
    for fixture in fixtures.iter_mut() {
        let endpoint = endpoints.iter().find(|e| {
            e.heading == fixture.endpoint
                && e.method == fixture.request.method
                && e.route == fixture.request.route
        });
        if let Some(endpoint) = endpoint {
            fixture.response_fields = endpoint.response_fields.clone();
            fixture.deprecated |= endpoint.deprecated;
            if fixture.replaced_by.is_none() {
                fixture.replaced_by = endpoint.replaced_by.clone();
            }
        }
    }
    PageExtraction {
        page: reader.page,
        errors: reader.errors,
        ..PageExtraction::default()
    }
}

struct Reader<'a> {
    file: &'a str,
    lines: &'a [Line],
    format: SourceFormat,
    /// The source marks its headings (HTML): plain text lines are then never headings.
    marked: bool,
    page: Page,
    errors: Vec<ExtractError>,
    /// Headings since the last declaration or example, in order.
    since_anchor: Vec<String>,
    /// Headings since the last declaration.
    since_decl: Vec<String>,
    /// Nothing but prose since the last declaration: a table here is its parameter table
    /// even without a header row.
    after_decl: bool,
    /// What the page's text calls an id.
    called_ids: CalledIds,
    /// Endpoints an undeclared example declared with an inferred template: (method, route,
    /// inferred parameters); later examples of the same route are bound to them.
    inferred: Vec<(String, String, Vec<String>)>,
    /// Prose lines since the last heading (one line is one paragraph of the rendering).
    prose: Vec<String>,
    /// The endpoint (index in `page.endpoints`) whose description further prose lines
    /// continue: set by a declaration, ended by a heading or an example.
    describing: Option<usize>,
}

impl Reader<'_> {
    fn run(&mut self) {
        let mut i = self.read_title();
        let lines = self.lines;
        while i < lines.len() {
            let line = &lines[i];
            let text = line.text.as_str();
            if line.is_blank() {
                i += 1;
            } else if is_sample_marker(text) && !matches!(line.kind, LineKind::Row(_)) {
                i = self.example(i);
            } else if matches!(line.kind, LineKind::Row(_))
                || flat_table::is_header(text)
                || (self.after_decl
                    && line.kind == LineKind::Text
                    && flat_table::parse_row(text).is_some())
            {
                i = self.table(i);
            } else if let Some((method, path)) = common::parse_declaration(text) {
                self.declare(i, &method, &path);
                i += 1;
            } else {
                if self.is_heading(i) {
                    self.since_anchor.push(text.to_string());
                    self.since_decl.push(text.to_string());
                    self.after_decl = false;
                    self.prose.clear();
                    self.describing = None;
                } else if line.kind == LineKind::Text
                    && parse_status(text).is_none()
                    && !text.ends_with(':')
                {
                    self.add_prose(text);
                }
                i += 1;
            }
        }
    }

    /// Set the page title; returns the index of the line after it. Site chrome before the
    /// title (a "Skip to main content" link; in HTML everything before the first heading)
    /// is passed over.
    fn read_title(&mut self) -> usize {
        let found = if self.marked {
            self.lines.iter().position(|l| l.kind == LineKind::Heading)
        } else {
            self.lines
                .iter()
                .position(|l| !l.is_blank() && !is_skip_link(&l.text))
        };
        match found {
            Some(i) => {
                self.page.title = self.lines[i].text.clone();
                i + 1
            }
            None => self.lines.len(),
        }
    }

    fn is_heading(&self, i: usize) -> bool {
        let line = &self.lines[i];
        match line.kind {
            LineKind::Heading => true,
            LineKind::Text if !self.marked => {
                let alone = (i == 0 || self.lines[i - 1].is_blank())
                    && self.lines.get(i + 1).is_none_or(Line::is_blank);
                let text = line.text.as_str();
                alone
                    && text.chars().count() <= 90
                    && parse_status(text).is_none()
                    && !is_sample_marker(text)
                    && !text.ends_with([':', ',', ';'])
                    && !text.contains(". ")
                    && !text.starts_with(['"', '{', '[', '•', '-', '*', '|'])
            }
            _ => false,
        }
    }

    /// A line of prose: the case's, and the description of the endpoint declared above it.
    fn add_prose(&mut self, text: &str) {
        self.prose.push(text.to_string());
        if let Some(e) = self.describing.and_then(|e| self.page.endpoints.get_mut(e)) {
            if !e.description.is_empty() {
                e.description.push_str("\n\n");
            }
            e.description.push_str(text);
        }
    }

    fn declare(&mut self, i: usize, method: &str, path: &str) {
        let heading = self
            .since_anchor
            .last()
            .cloned()
            .or_else(|| self.page.endpoints.last().map(|e| e.heading.clone()))
            .unwrap_or_else(|| self.page.title.clone());
        let mut endpoint = common::endpoint(method, path, &heading, self.lines[i].line, false);
        // the prose between the endpoint heading and its declaration
        if !self.since_anchor.is_empty() {
            endpoint.description = self.prose.join("\n\n");
        }
        self.describing = Some(self.page.endpoints.len());
        self.page.endpoints.push(endpoint);
        self.since_anchor.clear();
        self.since_decl.clear();
        self.after_decl = true;
    }

    /// A table starting at `i`; its rows become the parameters of the last declared endpoint
    /// when it follows the declaration directly or sits under a "Parameters" heading.
    /// Returns the index after the table.
    fn table(&mut self, mut i: usize) -> usize {
        let lines = self.lines;
        let mut header: Option<Vec<String>> = None;
        let mut flat_header = false;
        match &lines[i].kind {
            LineKind::Row(cells) => {
                if let Some(columns) = flat_table::header_columns(cells) {
                    header = Some(columns);
                    i += 1;
                }
            }
            _ if flat_table::is_header(&lines[i].text) => {
                header = flat_table::split_cells(&lines[i].text)
                    .and_then(|cells| flat_table::header_columns(&cells));
                flat_header = header.is_none();
                i += 1;
            }
            _ => {}
        }
        let mut rows: Vec<flat_table::FlatRow> = Vec::new();
        while let Some(line) = lines.get(i) {
            match &line.kind {
                LineKind::Blank | LineKind::Heading => break,
                LineKind::Row(cells) => {
                    rows.push(flat_table::row_from_cells(cells, header.as_deref()))
                }
                LineKind::Text | LineKind::Code => {
                    if is_sample_marker(&line.text) {
                        break;
                    }
                    let separated = header.as_deref().and_then(|h| {
                        flat_table::split_cells(&line.text)
                            .map(|cells| flat_table::row_from_cells(&cells, Some(h)))
                    });
                    match (
                        separated.or_else(|| flat_table::parse_row(&line.text)),
                        rows.last_mut(),
                    ) {
                        (Some(row), _) => rows.push(row),
                        // A description that runs over several lines.
                        (None, Some(last)) => {
                            last.description.push(' ');
                            last.description.push_str(&line.text);
                        }
                        (None, None) => {
                            if flat_header || header.is_some() {
                                let message = "expected a parameter row (`name`, a type such as `string`, then the description) after the table header";
                                self.error(i, message);
                            }
                            break;
                        }
                    }
                }
            }
            i += 1;
        }
        // The heading above a table names the table, not an endpoint or a case.
        self.since_anchor.clear();
        let is_params = self.after_decl
            || self
                .since_decl
                .last()
                .is_some_and(|h| h.to_ascii_lowercase().contains("parameter"));
        // the latest heading that names a kind of table decides: "Response Attributes" (and its
        // subsections) describe the response, a later "Parameters" the request again
        let is_response = self
            .since_decl
            .iter()
            .rev()
            .find_map(|h| {
                if prose::tables::is_response_heading(h) {
                    Some(true)
                } else {
                    h.to_ascii_lowercase()
                        .contains("parameter")
                        .then_some(false)
                }
            })
            .unwrap_or(false);
        if let (true, Some(endpoint)) = (is_response, self.page.endpoints.last_mut()) {
            for row in rows.iter().filter(|r| !r.name.is_empty()) {
                let field = prose::response_field(&row.name, &row.ty, &row.description);
                endpoint.response_fields.push(field);
            }
        } else if let (true, Some(endpoint)) = (is_params, self.page.endpoints.last_mut()) {
            for row in rows.into_iter().filter(|r| !r.name.is_empty()) {
                let mut param = prose::param(
                    &row.name,
                    &row.ty,
                    &row.description,
                    &endpoint.method,
                    &endpoint.route,
                );
                if let Some(required) = row.required {
                    // route parameters are required whatever the column says
                    param.required = required || param.location == ParamLocation::Path;
                }
                endpoint.params.push(param);
            }
        }
        i
    }

    /// The example whose "Sample request" marker is at `i`; returns the index after it.
    fn example(&mut self, marker: usize) -> usize {
        let lines = self.lines;
        let file = self.file;
        let Some(req) = next_non_blank(lines, marker + 1) else {
            self.error(
                marker,
                "expected `METHOD /path` after \"Sample request\", found the end of the page",
            );
            return lines.len();
        };
        let Some((method, path)) = common::parse_declaration(&lines[req].text) else {
            self.error(req, "expected `METHOD /path` after \"Sample request\"");
            return req;
        };
        // Request headers and body, up to the status line.
        let mut i = req + 1;
        let mut request_headers = IndexMap::new();
        let mut request_body: Vec<usize> = Vec::new();
        let status = loop {
            let Some(line) = lines.get(i) else {
                self.error(req, "expected `Status: <code> <reason>` after the sample request, found the end of the page");
                return i;
            };
            if let Some(status) = parse_status(&line.text) {
                break status;
            }
            if line.is_blank() {
                i += 1;
                continue;
            }
            if is_sample_marker(&line.text) || self.is_heading(i) {
                self.error(
                    i,
                    "expected `Status: <code> <reason>` after the sample request",
                );
                return i;
            }
            match header_line(&line.text) {
                Some((k, v)) if request_body.is_empty() => {
                    request_headers.insert(k, v);
                }
                _ if request_body.is_empty() && !starts_json(&line.text) => {
                    self.error(
                        i,
                        "expected `Status: <code> <reason>` after the sample request",
                    );
                    return i + 1;
                }
                _ => request_body.push(i),
            }
            i += 1;
        };
        i += 1;
        let mut response_headers = IndexMap::new();
        while let Some((k, v)) = lines.get(i).and_then(|l| header_line(&l.text)) {
            response_headers.insert(k, v);
            i += 1;
        }
        let (response_body, next) = self.body_lines(i);

        let found =
            binding::owning_endpoint(self.page.endpoints.iter().rev(), &method, &path).cloned();
        // a declaration the example misspells on a literal segment (DM014)
        let near = match found {
            Some(_) => None,
            None => {
                binding::near_declaration(self.page.endpoints.iter().rev(), &method, &path).cloned()
            }
        };
        let case_headings: Vec<&String> = self
            .since_anchor
            .iter()
            .filter(|h| !h.to_ascii_lowercase().contains("parameter"))
            .collect();
        let mut global = false;
        let (endpoint, title, mut request) = match (found, near) {
            (None, Some(e)) => {
                let request = binding::near_request(&method, &path, &e);
                (e, case_headings.last().map(|h| h.to_string()), request)
            }
            (Some(e), _) => {
                let mut request = common::request(&method, &path, Some(&e));
                if let Some((_, _, names)) = self
                    .inferred
                    .iter()
                    .find(|(m, r, _)| *m == e.method && *r == e.route)
                {
                    request.inferred = names.clone();
                }
                (e, case_headings.last().map(|h| h.to_string()), request)
            }
            (None, None) => {
                // No declaration covers this example: it declares its endpoint itself.
                let (heading, title) = match case_headings.as_slice() {
                    [] => (
                        self.page
                            .endpoints
                            .last()
                            .map(|e| e.heading.clone())
                            .unwrap_or_else(|| format!("{method} {path}")),
                        None,
                    ),
                    [only] => (only.to_string(), None),
                    [.., endpoint, case] => (endpoint.to_string(), Some(case.to_string())),
                };
                let mut e = common::endpoint(&method, &path, &heading, lines[req].line, false);
                let topic = [
                    self.page.title.as_str(),
                    heading.as_str(),
                    title.as_deref().unwrap_or(""),
                ];
                global = binding::is_generic_example(&topic, &path);
                let request = if global {
                    // a case of every route, not an endpoint of its own
                    common::request(&method, &path, None)
                } else {
                    let request = binding::undeclared_request(&method, &path, &self.called_ids);
                    e.route = request.route.clone();
                    if !request.inferred.is_empty() {
                        self.inferred.push((
                            e.method.clone(),
                            e.route.clone(),
                            request.inferred.clone(),
                        ));
                    }
                    self.page.endpoints.push(e.clone());
                    request
                };
                (e, title, request)
            }
        };

        let mut reconstructed = Reconstruction::default();
        request.headers = request_headers;
        request.body = self.body(&request_body, "request", &mut reconstructed);
        let response = ResponseSpec {
            status,
            headers: response_headers,
            body: self.body(&response_body, "response", &mut reconstructed),
            media_types: Vec::new(),
        };
        let mut placeholders = Vec::new();
        if let Some(body) = &request.body {
            more_elements(body, BodyRef::Request, "", &mut placeholders);
        }
        if let Some(body) = &response.body {
            more_elements(body, BodyRef::Response, "", &mut placeholders);
        }
        let touched = !reconstructed.repairs.is_empty() || reconstructed.unrepaired.is_some();
        // the case heading and the prose under it; the endpoint's is added once the page is read
        let deprecation =
            prose::wording::section_deprecation(title.as_deref().unwrap_or(""), &self.prose);
        self.page.fixtures.push(Fixture {
            source: Source {
                file: file.to_string(),
                line: lines[marker].line,
                format: self.format,
                ..Default::default()
            },
            page: self.page.title.clone(),
            endpoint: endpoint.heading.clone(),
            title: title.unwrap_or_default(),
            request,
            response,
            params: {
                let mut params = endpoint.params.clone();
                prose::add_route_params(&mut params, &endpoint.route);
                params
            },
            global,
            deprecated: deprecation.deprecated,
            replaced_by: deprecation.replaced_by,
            placeholders,
            reconstructed: touched.then_some(reconstructed),
            ..Default::default()
        });
        self.since_anchor.clear();
        self.prose.clear();
        self.describing = None;
        self.after_decl = false;
        next
    }

    /// The lines of a body starting at `i` (none when a blank line or the next block comes
    /// first); returns them and the index after them. A code block is taken whole; in text, a
    /// body ends at a blank line unless brackets are still open and JSON follows.
    fn body_lines(&self, mut i: usize) -> (Vec<usize>, usize) {
        let lines = self.lines;
        let mut body = Vec::new();
        if lines.get(i).is_some_and(Line::is_blank) {
            match next_non_blank(lines, i) {
                Some(j) if starts_json(&lines[j].text) && !self.is_heading(j) => i = j,
                _ => return (body, i),
            }
        }
        let in_code = lines.get(i).is_some_and(|l| l.kind == LineKind::Code);
        while let Some(line) = lines.get(i) {
            if in_code {
                if line.kind != LineKind::Code {
                    break;
                }
            } else if line.is_blank() {
                let texts: Vec<&str> = body
                    .iter()
                    .map(|&b: &usize| lines[b].text.as_str())
                    .collect();
                let continues = depth(&texts) > 0
                    && next_non_blank(lines, i)
                        .is_some_and(|j| lines[j].text.starts_with(['}', ']', '{', '[', '"']));
                if !continues {
                    break;
                }
                i += 1;
                continue;
            } else if line.kind != LineKind::Text || is_sample_marker(&line.text) {
                break;
            }
            body.push(i);
            i += 1;
        }
        // Trailing empty code lines are not part of the body.
        while body.last().is_some_and(|&b| lines[b].text.is_empty()) {
            body.pop();
        }
        (body, i)
    }

    /// Parse a body, repairing what the rendering cut short; records repairs and failures.
    fn body(
        &mut self,
        body: &[usize],
        which: &str,
        reconstructed: &mut Reconstruction,
    ) -> Option<Value> {
        if body.is_empty() {
            return None;
        }
        let lines = self.lines;
        let texts: Vec<&str> = body.iter().map(|&i| lines[i].text.as_str()).collect();
        if !starts_json(texts[0]) {
            // Plain text: served as it is.
            return Some(Value::String(texts.join("\n")));
        }
        match repair::repair(&texts) {
            Ok(repaired) => {
                reconstructed.repairs.extend(repaired.repairs);
                Some(repaired.value)
            }
            Err(e) => {
                let message = format!("{which} body cannot be repaired: {}", e.message);
                let at = &lines[body.get(e.line).copied().unwrap_or(body[0])];
                self.errors.push(ExtractError::new(
                    self.file,
                    at.line,
                    e.col + at.indent,
                    message.clone(),
                ));
                reconstructed.unrepaired = Some(message);
                None
            }
        }
    }

    fn error(&mut self, i: usize, message: &str) {
        let line = self.lines.get(i).map_or(1, |l| l.line);
        self.errors
            .push(ExtractError::new(self.file, line, 1, message));
    }
}

/// "Sample request" (and its usual variants) introducing an example.
fn is_sample_marker(text: &str) -> bool {
    let lower = text.trim().trim_end_matches(':').to_ascii_lowercase();
    matches!(lower.as_str(), "sample request" | "example request")
}

/// The status of `Status: 422 Unprocessable Entity`, `Status 200 OK` or `HTTP/1.1 200 OK`.
///
/// ```
/// use docmock::extract::rendered::parse_status;
/// assert_eq!(parse_status("Status: 422 Unprocessable Entity"), Some(422));
/// assert_eq!(parse_status("Status: soon"), None);
/// ```
pub fn parse_status(text: &str) -> Option<u16> {
    let rest = match text.strip_prefix("Status") {
        Some(rest) => rest.strip_prefix(':').unwrap_or(rest),
        None => text
            .strip_prefix("HTTP/")
            .and_then(|r| r.split_once(' ').map(|(_, s)| s))?,
    };
    let code: u16 = rest.split_whitespace().next()?.parse().ok()?;
    (100..=599).contains(&code).then_some(code)
}

/// A `Name: value` header line (not a JSON member, which starts with a quote).
fn header_line(text: &str) -> Option<(String, String)> {
    let (name, value) = text.split_once(": ")?;
    let valid = !name.is_empty()
        && name.chars().next().is_some_and(|c| c.is_ascii_alphabetic())
        && name.chars().all(|c| c.is_ascii_alphanumeric() || c == '-');
    (valid && !value.trim().is_empty()).then(|| (name.to_string(), value.trim().to_string()))
}

/// The "Skip to main content" link a docs site puts first, in a few languages.
fn is_skip_link(text: &str) -> bool {
    let lower = text.trim().to_lowercase();
    lower.starts_with("skip to ")
        || lower.starts_with("jump to ")
        || matches!(
            lower.as_str(),
            "ga naar hoofdinhoud"
                | "zum hauptinhalt springen"
                | "aller au contenu principal"
                | "passer au contenu principal"
                | "saltar al contenido principal"
                | "ir al contenido principal"
                | "vai al contenuto principale"
                | "pular para o conteúdo principal"
        )
}

fn next_non_blank(lines: &[Line], from: usize) -> Option<usize> {
    (from..lines.len()).find(|&i| !lines[i].is_blank())
}

/// Whether a body's first line reads as JSON (a member `"key":` included).
fn starts_json(text: &str) -> bool {
    let t = text.trim_start();
    t.starts_with(['{', '[', '"'])
        || matches!(t.trim_end_matches(','), "true" | "false" | "null")
        || t.parse::<f64>().is_ok()
}

/// Open brackets minus closed ones, outside strings.
fn depth(lines: &[&str]) -> i64 {
    let mut depth = 0;
    for line in lines {
        let mut in_string = false;
        let mut escaped = false;
        for c in line.chars() {
            match c {
                _ if escaped => escaped = false,
                '\\' if in_string => escaped = true,
                '"' => in_string = !in_string,
                '{' | '[' if !in_string => depth += 1,
                '}' | ']' if !in_string => depth -= 1,
                _ => {}
            }
        }
    }
    depth
}

/// Array elements that stand for "more elements like these": `{"etc": "etc"}`, `"..."`.
pub fn more_elements(value: &Value, body: BodyRef, pointer: &str, out: &mut Vec<Placeholder>) {
    match value {
        Value::Array(items) => {
            for (i, item) in items.iter().enumerate() {
                let at = format!("{pointer}/{i}");
                if is_more_marker(item) {
                    out.push(Placeholder {
                        body,
                        pointer: at,
                        kind: PlaceholderKind::MoreElements,
                    });
                } else {
                    more_elements(item, body, &at, out);
                }
            }
        }
        Value::Object(map) => {
            for (k, v) in map {
                more_elements(v, body, &format!("{pointer}/{}", pointer::token(k)), out);
            }
        }
        _ => {}
    }
}

fn is_more_marker(value: &Value) -> bool {
    let word = |s: &str| {
        matches!(
            s.trim().to_ascii_lowercase().as_str(),
            "etc" | "etc." | "..." | "…"
        )
    };
    match value {
        Value::String(s) => word(s),
        Value::Object(map) => {
            !map.is_empty()
                && map
                    .iter()
                    .all(|(k, v)| word(k) && v.as_str().is_some_and(word))
        }
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_status_lines() {
        assert_eq!(parse_status("Status: 422 Unprocessable Entity"), Some(422));
        assert_eq!(parse_status("HTTP/1.1 204 No Content"), Some(204));
        assert_eq!(parse_status("Status 201 Created"), Some(201));
        assert_eq!(parse_status("Statuses are listed below"), None);
        assert_eq!(parse_status("Status: soon"), None);
        assert_eq!(parse_status("Status: 999"), None);
    }

    #[test]
    fn finds_more_elements_markers_at_their_pointer() {
        let body = serde_json::json!({"a/b": [{"id": 1}, {"etc": "etc"}], "c": ["x", "..."]});
        let mut out = Vec::new();
        more_elements(&body, BodyRef::Response, "", &mut out);
        let pointers: Vec<&str> = out.iter().map(|p| p.pointer.as_str()).collect();
        assert_eq!(pointers, vec!["/a~1b/1", "/c/1"]);
    }

    #[test]
    fn tells_headings_from_prose_in_plain_text() {
        let text = "Title\n\nStart a fill out session.\n\nThis is prose. It has two sentences.\n\nA line\nin a paragraph\n";
        let lines = lines::from_text(text);
        let reader = Reader {
            file: "x",
            lines: &lines,
            format: SourceFormat::RenderedText,
            marked: false,
            page: Page::default(),
            errors: Vec::new(),
            since_anchor: Vec::new(),
            since_decl: Vec::new(),
            after_decl: false,
            called_ids: CalledIds::default(),
            inferred: Vec::new(),
            prose: Vec::new(),
            describing: None,
        };
        let headings: Vec<usize> = (0..lines.len()).filter(|&i| reader.is_heading(i)).collect();
        assert_eq!(headings, vec![0, 2]);
    }
}
