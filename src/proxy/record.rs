//! `proxy --record DIR`: the exchanges no documented case covers, written as draft doc pages in
//! the docs' own style (Markdown with `<Snapshot>` blocks, which `extract` reads back).
//!
//! One page per route (`get-api-v1-widgets-id.md`), a `##` heading for the endpoint, a fenced
//! `METHOD /route` declaration, then a `###` heading (status and reason phrase) and one
//! snapshot per distinct case. A number or UUID in a path is a parameter from the start; any
//! other segment becomes one when two recorded requests differ only there. An undocumented
//! status of a documented route keeps the documented route. Identical exchanges are recorded
//! once; volatile and connection headers are left out, secret ones redacted.

use super::verdict::Sample;
use crate::fixture::{is_uuid, RouteTemplate, Segment};
use crate::verify::compare::{TRANSPORT_HEADERS, VOLATILE_HEADERS};
use indexmap::IndexMap;
use serde_json::{json, Map, Value};
use std::path::PathBuf;
use std::sync::Mutex;

/// Request headers that say nothing about the API: not recorded.
const CLIENT_HEADERS: &[&str] = &[
    "host",
    "user-agent",
    "accept",
    "accept-encoding",
    "x-forwarded-for",
    "x-forwarded-proto",
    "x-forwarded-host",
];

/// Writes the recording as exchanges arrive.
#[derive(Debug)]
pub struct Recorder {
    dir: PathBuf,
    state: Mutex<Recording>,
}

#[derive(Debug, Default)]
struct Recording {
    routes: Vec<RecordedRoute>,
    errors: Vec<String>,
}

/// One path segment of a recorded route.
#[derive(Debug, Clone, PartialEq)]
enum Seg {
    Literal(String),
    /// A parameter: its documented name, or none yet; `any` when it took over a text segment
    /// (it then matches any value, not only numbers and UUIDs).
    Param {
        name: Option<String>,
        any: bool,
    },
}

#[derive(Debug)]
struct RecordedRoute {
    method: String,
    segments: Vec<Seg>,
    documented: bool,
    exchanges: Vec<Sample>,
    /// The file this route was last written to.
    file: Option<PathBuf>,
}

impl Recorder {
    /// Exchanges come already redacted (see [`Sample`]).
    pub fn new(dir: PathBuf) -> Recorder {
        Recorder {
            dir,
            state: Mutex::new(Recording::default()),
        }
    }

    /// Problems met writing pages.
    pub fn errors(&self) -> Vec<String> {
        self.state
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .errors
            .clone()
    }

    /// Record one exchange (of `documented` route, when the route is documented) and rewrite
    /// its page.
    pub fn add(&self, documented: Option<&str>, sample: Sample) {
        let mut state = self.state.lock().unwrap_or_else(|e| e.into_inner());
        let index = state.place(&sample, documented);
        let route = &mut state.routes[index];
        let same = |s: &Sample| {
            s.request.method == sample.request.method
                && s.request.path == sample.request.path
                && s.request.body == sample.request.body
                && s.response.as_ref().map(|r| (r.status, &r.body))
                    == sample.response.as_ref().map(|r| (r.status, &r.body))
        };
        let known = route.exchanges.iter().any(same);
        if !known {
            route.exchanges.push(sample);
        }
        if let Err(error) = self.write(route) {
            tracing::error!("cannot write the recording: {error}");
            state.errors.push(error);
        }
    }

    fn write(&self, route: &mut RecordedRoute) -> Result<(), String> {
        let names = route.names();
        let file = self.dir.join(route.file_name(&names));
        std::fs::create_dir_all(&self.dir)
            .map_err(|e| format!("cannot create {}: {e}", self.dir.display()))?;
        std::fs::write(&file, route.page(&names))
            .map_err(|e| format!("cannot write {}: {e}", file.display()))?;
        if let Some(old) = route.file.replace(file.clone()) {
            if old != file {
                let _ = std::fs::remove_file(old);
            }
        }
        Ok(())
    }
}

fn path_segments(path: &str) -> Vec<&str> {
    let path = path.split(['?', '#']).next().unwrap_or_default();
    path.split('/').filter(|s| !s.is_empty()).collect()
}

fn is_value(segment: &str) -> bool {
    (!segment.is_empty() && segment.bytes().all(|b| b.is_ascii_digit())) || is_uuid(segment)
}

impl Recording {
    /// The index of the route this exchange belongs to (created or generalized as needed).
    fn place(&mut self, sample: &Sample, documented: Option<&str>) -> usize {
        let method = sample.request.method.to_ascii_uppercase();
        if let Some(route) = documented {
            let segments: Vec<Seg> = RouteTemplate::parse(route)
                .segments
                .into_iter()
                .map(|s| match s {
                    Segment::Literal(l) => Seg::Literal(l),
                    Segment::Param(n) => Seg::Param {
                        name: Some(n),
                        any: true,
                    },
                })
                .collect();
            if let Some(i) = self
                .routes
                .iter()
                .position(|r| r.documented && r.method == method && r.segments == segments)
            {
                return i;
            }
            return self.push(method, segments, true);
        }
        let concrete = path_segments(&sample.request.path);
        let mut one_off: Option<(usize, usize)> = None;
        for (i, route) in self.routes.iter().enumerate() {
            if route.documented || route.method != method || route.segments.len() != concrete.len()
            {
                continue;
            }
            // a text segment never joins a number/UUID parameter; differing text may become one
            let fits = route
                .segments
                .iter()
                .zip(&concrete)
                .all(|(seg, value)| match seg {
                    Seg::Param { any, .. } => *any || is_value(value),
                    Seg::Literal(_) => true,
                });
            if !fits {
                continue;
            }
            let mismatches: Vec<usize> = route
                .segments
                .iter()
                .zip(&concrete)
                .enumerate()
                .filter(|(_, (seg, value))| matches!(seg, Seg::Literal(l) if l != *value))
                .map(|(p, _)| p)
                .collect();
            match mismatches.as_slice() {
                [] => return i,
                [p] if one_off.is_none() => one_off = Some((i, *p)),
                _ => {}
            }
        }
        if let Some((i, position)) = one_off {
            self.routes[i].segments[position] = Seg::Param {
                name: None,
                any: true,
            };
            return i;
        }
        let segments = concrete
            .iter()
            .map(|s| {
                if is_value(s) {
                    Seg::Param {
                        name: None,
                        any: false,
                    }
                } else {
                    Seg::Literal(s.to_string())
                }
            })
            .collect();
        self.push(method, segments, false)
    }

    fn push(&mut self, method: String, segments: Vec<Seg>, documented: bool) -> usize {
        self.routes.push(RecordedRoute {
            method,
            segments,
            documented,
            exchanges: Vec::new(),
            file: None,
        });
        self.routes.len() - 1
    }
}

impl RecordedRoute {
    /// A name per parameter position: the documented one, else `id` for the last and
    /// `<singular of the segment before>_id` for the others.
    fn names(&self) -> Vec<Option<String>> {
        let last = self
            .segments
            .iter()
            .rposition(|s| matches!(s, Seg::Param { .. }));
        let mut taken: Vec<String> = Vec::new();
        let mut names = Vec::new();
        for (i, seg) in self.segments.iter().enumerate() {
            let Seg::Param { name, .. } = seg else {
                names.push(None);
                continue;
            };
            let mut name = match name {
                Some(name) => name.clone(),
                None if Some(i) == last => "id".to_string(),
                None => match i.checked_sub(1).map(|p| &self.segments[p]) {
                    Some(Seg::Literal(before)) => {
                        let word: String = before
                            .chars()
                            .map(|c| if c.is_ascii_alphanumeric() { c } else { '_' })
                            .collect();
                        format!("{}_id", word.strip_suffix('s').unwrap_or(&word))
                    }
                    _ => format!("param{}", i + 1),
                },
            };
            while taken.contains(&name) {
                name.push('_');
            }
            taken.push(name.clone());
            names.push(Some(name));
        }
        names
    }

    fn route(&self, names: &[Option<String>]) -> String {
        let mut route = String::new();
        for (seg, name) in self.segments.iter().zip(names) {
            route.push('/');
            match (seg, name) {
                (Seg::Literal(l), _) => route.push_str(l),
                (Seg::Param { .. }, Some(name)) => {
                    route.push('{');
                    route.push_str(name);
                    route.push('}');
                }
                (Seg::Param { .. }, None) => route.push_str("{param}"),
            }
        }
        if route.is_empty() {
            route.push('/');
        }
        route
    }

    /// A parameter table of the route's parameters with the values seen (integers when every
    /// value was one), so the draft documents them from the start.
    fn param_table(&self, names: &[Option<String>]) -> String {
        let mut rows = String::new();
        for (position, name) in names.iter().enumerate() {
            let Some(name) = name else { continue };
            let mut values: Vec<String> = Vec::new();
            for sample in &self.exchanges {
                let segments = path_segments(&sample.request.path);
                if let Some(value) = segments.get(position) {
                    if !values.iter().any(|v| v == value) {
                        values.push(value.to_string());
                    }
                }
            }
            let integer =
                !values.is_empty() && values.iter().all(|v| v.bytes().all(|b| b.is_ascii_digit()));
            let shown: Vec<String> = values.iter().take(5).map(|v| format!("`{v}`")).collect();
            rows.push_str(&format!(
                "| `{name}` | `{}` | yes | Recorded values: {}. |\n",
                if integer { "integer" } else { "string" },
                shown.join(", ")
            ));
        }
        if rows.is_empty() {
            return rows;
        }
        format!("\n| Parameter | Type | Required | Description |\n|-----------|------|----------|-------------|\n{rows}")
    }

    /// `get-api-v1-widgets-id.md`.
    fn file_name(&self, names: &[Option<String>]) -> String {
        let mut parts = vec![self.method.to_ascii_lowercase()];
        for (seg, name) in self.segments.iter().zip(names) {
            let text = match seg {
                Seg::Literal(l) => l.as_str(),
                Seg::Param { .. } => name.as_deref().unwrap_or("param"),
            };
            let slug: String = text
                .chars()
                .map(|c| {
                    if c.is_ascii_alphanumeric() {
                        c.to_ascii_lowercase()
                    } else {
                        '-'
                    }
                })
                .collect();
            let slug = slug.trim_matches('-').to_string();
            if !slug.is_empty() {
                parts.push(slug);
            }
        }
        if parts.len() == 1 {
            parts.push("root".into());
        }
        format!("{}.md", parts.join("-"))
    }

    fn page(&self, names: &[Option<String>]) -> String {
        let route = self.route(names);
        let line = format!("{} {route}", self.method);
        // Headings in words (`Get gadgets id`): a heading holding `GET /route` would declare
        // the endpoint a second time.
        let file = self.file_name(names);
        let words = file.trim_end_matches(".md").replace('-', " ");
        let name = match words.split_at_checked(1) {
            Some((first, rest)) => first.to_ascii_uppercase() + rest,
            None => words.clone(),
        };
        let mut page = format!(
            "---\ntitle: {name} (recorded)\n---\n\n# {name} (recorded)\n\nRecorded by `docmock proxy --record` from traffic the docs do not cover: a draft\nto describe and move into the docs.\n\n## {name}\n\n```http\n{line}\n```\n"
        );
        page.push_str(&self.param_table(names));
        let mut seen: IndexMap<u16, usize> = IndexMap::new();
        for sample in &self.exchanges {
            let Some(response) = &sample.response else {
                continue;
            };
            let count = seen.entry(response.status).or_insert(0);
            *count += 1;
            let reason = axum::http::StatusCode::from_u16(response.status)
                .ok()
                .and_then(|s| s.canonical_reason())
                .unwrap_or("");
            let heading = if *count == 1 {
                format!("{} {reason}", response.status)
            } else {
                format!("{} {reason} ({count})", response.status)
            };
            page.push_str(&format!(
                "\n### {}\n\n<Snapshot json={{{}}} />\n",
                heading.trim_end(),
                crate::verify::update::js_literal(&snapshot(sample), "", "  ")
            ));
        }
        page
    }
}

/// The `{request, response}` object of one snapshot.
fn snapshot(sample: &Sample) -> Value {
    let mut request = Map::new();
    request.insert("request_method".into(), json!(sample.request.method));
    request.insert("path".into(), json!(sample.request.path));
    let headers = kept(&sample.request.headers, CLIENT_HEADERS);
    if !headers.is_empty() {
        request.insert("headers".into(), Value::Object(headers));
    }
    if let Some(body) = &sample.request.body {
        request.insert("body".into(), body.clone());
    }
    let mut response = Map::new();
    if let Some(answer) = &sample.response {
        response.insert("status".into(), json!(answer.status));
        let headers = kept(&answer.headers, &[]);
        if !headers.is_empty() {
            response.insert("headers".into(), Value::Object(headers));
        }
        if let Some(body) = &answer.body {
            response.insert("body".into(), body.clone());
        }
    }
    json!({"request": request, "response": response})
}

/// Headers worth documenting: not volatile, not about the connection, not in `skip`.
fn kept(headers: &IndexMap<String, String>, skip: &[&str]) -> Map<String, Value> {
    headers
        .iter()
        .filter(|(name, _)| {
            let name = name.to_ascii_lowercase();
            !VOLATILE_HEADERS.contains(&name.as_str())
                && !TRANSPORT_HEADERS.contains(&name.as_str())
                && !skip.contains(&name.as_str())
        })
        .map(|(name, value)| (header_case(name), Value::String(value.clone())))
        .collect()
}

/// `content-type` → `Content-Type`, as docs write header names.
fn header_case(name: &str) -> String {
    name.split('-')
        .map(|part| {
            let mut chars = part.chars();
            match chars.next() {
                Some(first) => first.to_ascii_uppercase().to_string() + chars.as_str(),
                None => String::new(),
            }
        })
        .collect::<Vec<_>>()
        .join("-")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::proxy::verdict::{SampleRequest, SampleResponse};

    fn sample(method: &str, path: &str, status: u16, body: Value) -> Sample {
        Sample {
            request: SampleRequest {
                method: method.into(),
                path: path.into(),
                headers: IndexMap::new(),
                body: None,
            },
            response: Some(SampleResponse {
                status,
                headers: IndexMap::from([(
                    "content-type".to_string(),
                    "application/json".to_string(),
                )]),
                body: Some(body),
            }),
        }
    }

    fn routes(recording: &Recording) -> Vec<String> {
        recording
            .routes
            .iter()
            .map(|r| format!("{} {}", r.method, r.route(&r.names())))
            .collect()
    }

    #[test]
    fn numbers_and_uuids_are_parameters_and_text_that_varies_becomes_one() {
        let mut recording = Recording::default();
        for path in [
            "/api/v1/widgets/7",
            "/api/v1/widgets/8",
            "/api/v1/widgets/search",
            "/users/ada/orders/3f2504e0-4f89-11d3-9a0c-0305e82c3301",
            "/users/bob/orders/12",
        ] {
            let sample = sample("GET", path, 200, json!({}));
            recording.place(&sample, None);
        }
        assert_eq!(
            routes(&recording),
            [
                "GET /api/v1/widgets/{id}",
                "GET /api/v1/widgets/search",
                "GET /users/{user_id}/orders/{id}",
            ]
        );
        let route = &recording.routes[0];
        assert_eq!(route.file_name(&route.names()), "get-api-v1-widgets-id.md");
    }

    #[test]
    fn an_undocumented_status_of_a_documented_route_keeps_its_route() {
        let mut recording = Recording::default();
        let sample = sample("DELETE", "/widgets/7", 409, json!({"error": "in use"}));
        recording.place(&sample, Some("/widgets/{widget_id}"));
        assert_eq!(routes(&recording), ["DELETE /widgets/{widget_id}"]);
    }
}
