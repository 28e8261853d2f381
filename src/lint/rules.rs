//! One function per lint rule (see [`Rule`] for what each finds and why).

use super::source::{self, Sources};
use super::{Finding, Note, Rule};
use crate::extract::{DocFiles, ExtractError};
use crate::fixture::{
    header, json_type, media, param_name, DocSet, Endpoint, Fixture, Given, Occurrence, Page,
    Param, ParamLocation, RequestSpec, RouteTemplate, Segment,
};
use serde_json::Value;
use std::ops::ControlFlow;

/// What every rule reads: the doc set and its files.
pub struct Context<'a> {
    pub docs: &'a DocSet,
    pub errors: &'a [ExtractError],
    pub sources: Sources<'a>,
}

impl<'a> Context<'a> {
    pub fn new(docs: &'a DocSet, errors: &'a [ExtractError], files: &'a DocFiles) -> Self {
        Context {
            docs,
            errors,
            sources: Sources::new(files),
        }
    }

    /// Every fixture to lint with its page: one of each set of identical examples.
    fn fixtures(&self) -> impl Iterator<Item = (&'a Page, &'a Fixture)> {
        self.docs.pages.iter().flat_map(|p| {
            p.fixtures
                .iter()
                .filter(|f| f.duplicate_of.is_none())
                .map(move |f| (p, f))
        })
    }

    /// The line after the last line of a fixture's example: the next example's line on the
    /// same page, or the end of the file.
    fn example_end(&self, page: &Page, fixture: &Fixture) -> usize {
        page.fixtures
            .iter()
            .map(|f| f.source.line)
            .filter(|&l| l > fixture.source.line)
            .min()
            .unwrap_or(usize::MAX)
    }

    /// Where `name` is written inside a fixture's example; the example's own line otherwise.
    fn locate_in_example(&self, page: &Page, fixture: &Fixture, name: &str) -> (usize, usize) {
        let file = &fixture.source.file;
        let end = self.example_end(page, fixture);
        self.sources
            .find_word(file, fixture.source.line, end, name, false)
            .unwrap_or((fixture.source.line, 1))
    }

    /// The row of parameter `name` in the table of `endpoint`: the first line after the
    /// declaration that starts with the name (after table marks and code marks).
    fn table_row(&self, page: &Page, endpoint_line: usize, name: &str) -> Option<usize> {
        let count = self.sources.line_count(&page.file);
        (endpoint_line + 1..=count).find(|&n| {
            let line = self.sources.line(&page.file, n).unwrap_or("");
            let cell = line.trim_start_matches(|c: char| c == '|' || c == '`' || c.is_whitespace());
            cell.strip_prefix(name).is_some_and(|rest| {
                !rest
                    .chars()
                    .next()
                    .is_some_and(|c| c.is_ascii_digit() || c == '_')
            })
        })
    }
}

fn endpoint_of<'p>(page: &'p Page, fixture: &Fixture) -> Option<&'p Endpoint> {
    page.endpoints
        .iter()
        .find(|e| e.examples.contains(&fixture.id))
}

/// `the 422 example "When no return_to url is provided"`, or `the 200 example of "Start a
/// session"` when the case has no heading of its own.
fn example_name(fixture: &Fixture) -> String {
    let status = fixture.response.status;
    if fixture.title.trim().is_empty() {
        format!("the {status} example of \"{}\"", fixture.endpoint)
    } else {
        format!("the {status} example \"{}\"", fixture.title)
    }
}

fn request_line(fixture: &Fixture) -> String {
    format!("{} {}", fixture.request.method, fixture.request.path)
}

fn same_name(a: &str, b: &str) -> bool {
    a.eq_ignore_ascii_case(b)
}

/// `response_ids[]` and `filters[keys][]` name the parameters `response_ids` and `filters`.
fn base_name(name: &str) -> &str {
    name.split(['[', '.']).next().unwrap_or(name)
}

/// The path parameters of all routes declared in a section. One table can serve several
/// routes declared together (`GET /q` and `GET /q/:key`); its `key` row is then about the
/// path of the second, not a query parameter of the first.
fn shared_path_params(page: &Page, section: &str) -> Vec<String> {
    let section = source::plain(section);
    page.endpoints
        .iter()
        .filter(|e| source::plain(&e.heading) == section)
        .flat_map(|e| {
            RouteTemplate::parse(&e.route)
                .param_names()
                .map(str::to_string)
                .collect::<Vec<_>>()
        })
        .collect()
}

/// DM001: the extractor's errors, as findings.
pub fn snapshot_parse_error(errors: &[ExtractError]) -> Vec<Finding> {
    errors
        .iter()
        .map(|e| Finding::new(Rule::SnapshotParseError, &e.file, e.line, e.col, &e.message))
        .collect()
}

/// DM015: tables that look like parameter tables but could not be read.
pub fn unreadable_table(warnings: &[ExtractError]) -> Vec<Finding> {
    warnings
        .iter()
        .map(|e| Finding::new(Rule::UnreadableTable, &e.file, e.line, e.col, &e.message))
        .collect()
}

/// DM002: examples whose path matches no endpoint declared in their section.
pub fn example_outside_declaration(ctx: &Context) -> Vec<Finding> {
    let mut out = Vec::new();
    for (page, fixture) in ctx.fixtures() {
        // bound to a declaration it contradicts on a literal segment: DM014 says so
        if fixture.request.declared_route.is_some() || fixture.global {
            continue;
        }
        let section = source::plain(&fixture.endpoint);
        let in_section: Vec<&Endpoint> = page
            .endpoints
            .iter()
            .filter(|e| source::plain(&e.heading) == section)
            .collect();
        let matches = |e: &&Endpoint| {
            e.method.eq_ignore_ascii_case(&fixture.request.method)
                && RouteTemplate::parse(&e.route)
                    .match_path(&fixture.request.path, e.case_insensitive)
                    .is_some()
        };
        if in_section.iter().any(matches) {
            continue;
        }
        // a section of notes or more examples, below the declaration its example matches
        if in_section.is_empty() && page.endpoints.iter().any(|e| matches(&e)) {
            continue;
        }
        let file = &fixture.source.file;
        let end = ctx.example_end(page, fixture);
        let what = request_line(fixture);
        // point at `METHOD /path` on a rendered page, at the path inside a snapshot literal
        let (line, col, len) = ctx
            .sources
            .find_word(file, fixture.source.line, end, &fixture.request.path, false)
            .map(|(l, c)| {
                let text = ctx.sources.line(file, l).unwrap_or("");
                let before: String = text.chars().take(c - 1).collect();
                match before.strip_suffix(&format!("{} ", fixture.request.method)) {
                    Some(rest) => (l, rest.chars().count() + 1, what.chars().count()),
                    None => (l, c, fixture.request.path.chars().count()),
                }
            })
            .unwrap_or((fixture.source.line, 1, 1));
        let mut finding = if in_section.is_empty() {
            Finding::new(
                Rule::ExampleOutsideDeclaration,
                file,
                line,
                col,
                format!(
                    "example `{what}` sits in section \"{}\", which declares no endpoint",
                    fixture.endpoint
                ),
            )
            .note(Note::info(
                "so its route has no declaration and no parameter table",
            ))
        } else {
            let mut f = Finding::new(
                Rule::ExampleOutsideDeclaration,
                file,
                line,
                col,
                format!(
                    "example `{what}` matches no endpoint declared in section \"{}\"",
                    fixture.endpoint
                ),
            );
            for e in &in_section {
                f = f.note(
                    Note::info(format!("the section declares `{} {}`", e.method, e.path))
                        .at(&page.file, e.line),
                );
            }
            f
        };
        if let Some(elsewhere) = page.endpoints.iter().find(|e| matches(e)) {
            finding = finding.note(
                Note::info(format!(
                    "it matches `{} {}`, declared under \"{}\"",
                    elsewhere.method, elsewhere.path, elsewhere.heading
                ))
                .at(&page.file, elsewhere.line),
            );
        } else {
            finding = finding.note(Note::help(
                "declare the endpoint in a code block under the section heading, with its parameter table",
            ));
        }
        out.push(finding.len(len).fixture(&fixture.id));
    }
    out
}

/// Where a declaration's method stands on its line (the line's start when it is not found).
fn declaration_at(ctx: &Context, page: &Page, endpoint: &Endpoint) -> (usize, usize) {
    ctx.sources
        .find_word(
            &page.file,
            endpoint.line,
            endpoint.line + 1,
            &endpoint.method,
            false,
        )
        .unwrap_or((endpoint.line, 1))
}

/// DM003: endpoints declared without any example.
pub fn endpoint_without_example(ctx: &Context) -> Vec<Finding> {
    let mut out = Vec::new();
    for (page, endpoint) in ctx.docs.endpoints() {
        if !endpoint.examples.is_empty() {
            continue;
        }
        let declared = format!("{} {}", endpoint.method, endpoint.path);
        let (line, col) = declaration_at(ctx, page, endpoint);
        out.push(
            Finding::new(
                Rule::EndpointWithoutExample,
                &page.file,
                line,
                col,
                format!("`{declared}` is declared but has no example"),
            )
            .len(declared.chars().count())
            .note(Note::info(
                "`serve` cannot answer this route and `verify` cannot check it",
            )),
        );
    }
    out
}

/// DM004: route parameters that the parameter table omits and the page's text never mentions.
pub fn route_param_undocumented(ctx: &Context) -> Vec<Finding> {
    let mut out = Vec::new();
    for page in &ctx.docs.pages {
        // a page often explains a path parameter once for all its routes ("In this path
        // DOSSIER_ID is ..."); paths themselves (words holding a `/`) are no explanation
        let prose = ctx.sources.prose(&page.file, 1, usize::MAX);
        for endpoint in &page.endpoints {
            // the parameters written in the declaration: not those docmock inferred for an
            // endpoint a rendered page's undeclared example stands for (`/widgets/17`)
            for name in RouteTemplate::parse(&endpoint.path).param_names() {
                // a route parameter docmock added for the route is no row documenting it
                let rows = || endpoint.params.iter().filter(|p| !p.from_route);
                if rows().any(|p| same_name(&p.name, name)) {
                    continue;
                }
                if source::mentions(&prose, name) {
                    continue;
                }
                let (line, col) = ctx
                    .sources
                    .find_word(&page.file, endpoint.line, endpoint.line + 1, name, true)
                    .unwrap_or((endpoint.line, 1));
                let message = if rows().next().is_none() {
                    format!(
                        "route parameter `{name}` of `{} {}` is not documented: no parameter table, and the page never mentions it",
                        endpoint.method, endpoint.path
                    )
                } else {
                    format!(
                        "route parameter `{name}` of `{} {}` is missing from the parameter table, and the page never mentions it",
                        endpoint.method, endpoint.path
                    )
                };
                out.push(
                    Finding::new(Rule::RouteParamUndocumented, &page.file, line, col, message)
                        .len(name.chars().count())
                        .note(Note::help(format!(
                            "add a `{name}` row saying what the value identifies"
                        ))),
                );
            }
        }
    }
    out
}

/// DM005: table parameters that no example of the endpoint uses.
pub fn param_unused(ctx: &Context) -> Vec<Finding> {
    let mut out = Vec::new();
    for page in &ctx.docs.pages {
        for endpoint in &page.endpoints {
            let examples: Vec<&Fixture> = endpoint
                .examples
                .iter()
                .filter_map(|id| page.fixtures.iter().find(|f| f.id == *id))
                .collect();
            if examples.is_empty() {
                continue; // DM003 says it better
            }
            let shows_query = examples.iter().any(|f| !f.request.query.is_empty());
            let shows_body = examples
                .iter()
                .any(|f| matches!(f.request.body, Some(Value::Object(_))));
            let shared = shared_path_params(page, &endpoint.heading);
            for param in &endpoint.params {
                if param.location != ParamLocation::Path
                    && shared.iter().any(|n| same_name(n, &param.name))
                {
                    continue;
                }
                // examples should not show it (DM013)
                if param.deprecated {
                    continue;
                }
                let used = match param.location {
                    // judged only in examples that give its parent: an unused parent is
                    // reported on its own row
                    ParamLocation::Query | ParamLocation::Body if param.is_nested() => {
                        let mut belongs = false;
                        let mut given = false;
                        for f in &examples {
                            let _ = param.occurrences(&f.request, &mut |o| {
                                belongs = true;
                                given |= o.given().is_some();
                                ControlFlow::Continue(())
                            });
                        }
                        !belongs || given
                    }
                    ParamLocation::Path => examples.iter().any(|f| {
                        RouteTemplate::parse(&f.request.route)
                            .param_names()
                            .any(|n| same_name(n, &param.name))
                    }),
                    ParamLocation::Query => {
                        !shows_query
                            || examples.iter().any(|f| {
                                f.request
                                    .query
                                    .iter()
                                    .any(|q| same_name(base_name(&q.name), &param.name))
                            })
                    }
                    ParamLocation::Body => {
                        !shows_body
                            || examples.iter().any(|f| {
                                f.request
                                    .body
                                    .as_ref()
                                    .and_then(Value::as_object)
                                    .is_some_and(|o| {
                                        o.keys().any(|k| same_name(base_name(k), &param.name))
                                    })
                            })
                    }
                    ParamLocation::Header => examples
                        .iter()
                        .any(|f| header(&f.request.headers, &param.name).is_some()),
                };
                if used {
                    continue;
                }
                let line = ctx
                    .table_row(page, endpoint.line, &param.name)
                    .unwrap_or(endpoint.line);
                let col = ctx
                    .sources
                    .find_word(&page.file, line, line + 1, &param.name, false)
                    .map_or(1, |(_, c)| c);
                let where_ = match param.location {
                    ParamLocation::Path => "path",
                    ParamLocation::Query => "query string",
                    ParamLocation::Body => "request body",
                    ParamLocation::Header => "request headers",
                };
                out.push(
                    Finding::new(
                        Rule::ParamUnused,
                        &page.file,
                        line,
                        col,
                        format!(
                            "no example of `{} {}` uses its parameter `{}`",
                            endpoint.method, endpoint.path, param.name
                        ),
                    )
                    .len(param.name.chars().count())
                    .note(Note::info(format!(
                        "the examples document a {where_}, but never this parameter"
                    ))),
                );
            }
        }
    }
    out
}

/// Is leaving `param` out of this example's request something the example says? Path
/// parameters are the route's; body parameters only when the example documents a body; a
/// table shared with a route that has the name in its path is about that route.
fn absence_is_judged(param: &Param, request: &RequestSpec, shared: &[String]) -> bool {
    if shared.iter().any(|n| same_name(n, &param.name)) {
        return false;
    }
    match param.location {
        ParamLocation::Path => false,
        ParamLocation::Query | ParamLocation::Header => true,
        ParamLocation::Body => matches!(request.body, Some(Value::Object(_))),
    }
}

/// Where a value stands in an example, to point at it: a body member by its key, a text
/// value by itself.
fn needle(param: &Param, given: &Given) -> String {
    match given {
        Given::Json(_) => param.leaf_name().to_string(),
        Given::Text(t) => t.to_string(),
    }
}

/// `json string `"x"`` for a body value, `` `x` `` for text.
fn shown(given: &Given) -> String {
    match given {
        Given::Json(v) => format!("{} `{v}`", json_type(v)),
        Given::Text(t) => format!("`{t}`"),
    }
}

/// Where a parameter goes, in words.
fn where_(location: ParamLocation) -> &'static str {
    match location {
        ParamLocation::Path => "path",
        ParamLocation::Query => "query string",
        ParamLocation::Body => "request body",
        ParamLocation::Header => "request headers",
    }
}

/// A note on the table row of `param`, when the row is found.
fn row_note(ctx: &Context, page: &Page, fixture: &Fixture, param: &str, text: String) -> Note {
    let table_line = endpoint_of(page, fixture).map(|e| e.line);
    let note = Note::info(text);
    match table_line.and_then(|l| ctx.table_row(page, l, param)) {
        Some(line) => note.at(&page.file, line),
        None => note,
    }
}

/// DM006: 2xx examples whose request breaks their own parameter table.
pub fn request_breaks_table(ctx: &Context) -> Vec<Finding> {
    let mut out = Vec::new();
    for (page, fixture) in ctx.fixtures() {
        if !(200..300).contains(&fixture.response.status) || fixture.params.is_empty() {
            continue;
        }
        let request = &fixture.request;
        let shared = shared_path_params(page, &fixture.endpoint);
        for param in &fixture.params {
            let ty = param.param_type();
            let judged = param.required && absence_is_judged(param, request, &shared);
            let mut missing = false;
            let mut wrong: Option<Given> = None;
            let _ = param.occurrences(request, &mut |o| match o {
                Occurrence::Missing => {
                    missing |= judged;
                    ControlFlow::Continue(())
                }
                Occurrence::Given(g) if !g.fits(&ty) => {
                    wrong = Some(g);
                    ControlFlow::Break(())
                }
                Occurrence::Given(_) => ControlFlow::Continue(()),
            });
            let excused = || {
                fixture
                    .params
                    .iter()
                    .filter(|p| param.required_unless.iter().any(|u| same_name(u, &p.name)))
                    .any(|p| p.is_given(request))
            };
            if missing && !excused() {
                let unless = if param.required_unless.is_empty() {
                    String::new()
                } else {
                    format!(" (unless {} given)", param.required_unless.join(" or "))
                };
                let within = match param.parent_name() {
                    Some(parent) => format!(" when `{parent}` is given"),
                    None => String::new(),
                };
                out.push(
                    Finding::new(
                        Rule::RequestBreaksTable,
                        &fixture.source.file,
                        fixture.source.line,
                        1,
                        format!(
                            "{} example `{}` leaves out `{}`, which its table requires{within}{unless}",
                            fixture.response.status,
                            request_line(fixture),
                            param.name
                        ),
                    )
                    .fixture(&fixture.id)
                    .note(row_note(
                        ctx,
                        page,
                        fixture,
                        &param.name,
                        format!(
                            "`{}` is required here, in the {}",
                            param.name,
                            where_(param.location)
                        ),
                    )),
                );
                continue;
            }
            if let Some(given) = wrong {
                let needle = needle(param, &given);
                let (line, col) = ctx.locate_in_example(page, fixture, &needle);
                out.push(
                    Finding::new(
                        Rule::RequestBreaksTable,
                        &fixture.source.file,
                        line,
                        col,
                        format!(
                            "{} example `{}` gives `{}` as {}, but its table says {}",
                            fixture.response.status,
                            request_line(fixture),
                            param.name,
                            shown(&given),
                            param.ty
                        ),
                    )
                    .len(needle.chars().count())
                    .fixture(&fixture.id)
                    .note(row_note(
                        ctx,
                        page,
                        fixture,
                        &param.name,
                        format!("`{}` is documented as {} here", param.name, param.ty),
                    )),
                );
            }
        }
    }
    out
}

/// Is a non-2xx example about `param` (its error body or its heading names it), so that it
/// may show an invalid value on purpose?
fn error_is_about(fixture: &Fixture, param: &Param) -> bool {
    let names = |name: &str| {
        same_name(name, &param.name)
            || same_name(base_name(name), param.leaf_name())
            || same_name(name, param.leaf_name())
    };
    fixture
        .response
        .body
        .as_ref()
        .is_some_and(|b| error_param_names(b).iter().any(|n| names(n)))
        || source::mentions(&fixture.title, param.leaf_name())
}

/// DM012: examples whose request gives a parameter a value outside its enum.
pub fn value_outside_enum(ctx: &Context) -> Vec<Finding> {
    let mut out = Vec::new();
    for (page, fixture) in ctx.fixtures() {
        let success = (200..300).contains(&fixture.response.status);
        let request = &fixture.request;
        for param in fixture.params.iter().filter(|p| !p.allowed.is_empty()) {
            if !success && error_is_about(fixture, param) {
                continue; // the documented answer to this very value
            }
            let ty = param.param_type();
            // a value of the wrong type is DM006's
            let mut outside: Option<Given> = None;
            let _ = param.occurrences(request, &mut |o| match o {
                Occurrence::Given(g) if g.fits(&ty) && !g.allowed_by(param) => {
                    outside = Some(match g {
                        // point at the element outside the enum
                        Given::Json(Value::Array(items)) => items
                            .iter()
                            .find(|v| !param.allows_json(v))
                            .map_or(g, Given::Json),
                        _ => g,
                    });
                    ControlFlow::Break(())
                }
                _ => ControlFlow::Continue(()),
            });
            let Some(given) = outside else {
                continue;
            };
            let needle = match given {
                Given::Json(Value::String(s)) => s.clone(),
                other => other.to_string(),
            };
            let (line, col) = ctx.locate_in_example(page, fixture, &needle);
            let mut finding = Finding::new(
                Rule::ValueOutsideEnum,
                &fixture.source.file,
                line,
                col,
                format!(
                    "{} example `{}` gives `{}` the value `{needle}`, which its table does not allow",
                    fixture.response.status,
                    request_line(fixture),
                    param.name,
                ),
            )
            .len(needle.chars().count())
            .fixture(&fixture.id)
            .note(row_note(
                ctx,
                page,
                fixture,
                &param.name,
                format!("the table allows `{}` to be {}", param.name, param.one_of()),
            ));
            if !success {
                finding = finding.note(Note::info(format!(
                    "the example answers {} about something else: neither its error body nor its heading names `{}`",
                    fixture.response.status, param.name
                )));
            }
            out.push(finding);
        }
    }
    out
}

/// DM013: 2xx examples that still use a deprecated parameter instead of its replacement.
pub fn deprecated_param_used(ctx: &Context) -> Vec<Finding> {
    let mut out = Vec::new();
    for (page, fixture) in ctx.fixtures() {
        if !(200..300).contains(&fixture.response.status) {
            continue;
        }
        let request = &fixture.request;
        for param in fixture.params.iter().filter(|p| p.deprecated) {
            if !param.is_given(request) {
                continue;
            }
            let replacement = param.replaced_by.as_deref().map(|name| {
                fixture
                    .params
                    .iter()
                    .find(|p| same_name(&p.name, name))
                    .cloned()
                    .unwrap_or_else(|| Param {
                        name: name.to_string(),
                        location: param.location,
                        ..Param::default()
                    })
            });
            // both during a migration is fine
            if replacement.as_ref().is_some_and(|r| r.is_given(request)) {
                continue;
            }
            let needle = param.leaf_name();
            let (line, col) = ctx.locate_in_example(page, fixture, needle);
            let finding = Finding::new(
                Rule::DeprecatedParamUsed,
                &fixture.source.file,
                line,
                col,
                format!(
                    "{} example `{}` still uses `{}`, which its table deprecates",
                    fixture.response.status,
                    request_line(fixture),
                    param.name
                ),
            )
            .len(needle.chars().count())
            .fixture(&fixture.id)
            .note(row_note(
                ctx,
                page,
                fixture,
                &param.name,
                format!("`{}` is deprecated here", param.name),
            ));
            out.push(match replacement {
                Some(r) => finding
                    .note(row_note(
                        ctx,
                        page,
                        fixture,
                        &r.name,
                        format!("its replacement is `{}`", r.name),
                    ))
                    .note(Note::help(format!(
                        "show `{}` in the example instead of `{}`",
                        r.name, param.name
                    ))),
                None => finding.note(Note::help(format!(
                    "leave `{}` out of the example, or say in the table what replaces it",
                    param.name
                ))),
            });
        }
    }
    out
}

/// Keys under which error bodies list the parameters they complain about.
const ERROR_KEYS: &[&str] = &[
    "errors",
    "validation_errors",
    "validationErrors",
    "field_errors",
    "fieldErrors",
    "invalid_params",
];

/// Keys of an errors object that name no parameter.
const NOT_PARAMS: &[&str] = &[
    "base",
    "message",
    "messages",
    "code",
    "detail",
    "details",
    "title",
    "status",
    "type",
    "description",
    "error",
    "errors",
];

/// The parameter names an error body complains about, as written.
pub fn error_param_names(body: &Value) -> Vec<String> {
    let mut names = Vec::new();
    let Some(object) = body.as_object() else {
        return names;
    };
    for (key, value) in object {
        if !ERROR_KEYS.contains(&key.as_str()) {
            continue;
        }
        match value {
            Value::Object(fields) => names.extend(
                fields
                    .keys()
                    .filter(|k| !NOT_PARAMS.contains(&k.as_str()))
                    .cloned(),
            ),
            Value::Array(items) => {
                for item in items.iter().filter_map(Value::as_object) {
                    let named = ["field", "param", "parameter", "attribute", "name"]
                        .iter()
                        .find_map(|k| item.get(*k).and_then(Value::as_str))
                        .or_else(|| {
                            item.get("source")
                                .and_then(|s| s.get("parameter"))
                                .and_then(Value::as_str)
                        });
                    if let Some(name) = named {
                        names.push(name.to_string());
                    }
                }
            }
            _ => {}
        }
    }
    names.dedup();
    names
}

/// The table parameter most like `name`, if one is close.
fn closest<'p>(params: &'p [Param], name: &str) -> Option<&'p Param> {
    params
        .iter()
        .map(|p| {
            (
                strsim::levenshtein(&p.name.to_lowercase(), &name.to_lowercase()),
                p,
            )
        })
        .filter(|(d, p)| *d <= name.len().max(p.name.len()) / 2)
        .min_by_key(|(d, _)| *d)
        .map(|(_, p)| p)
}

/// DM007: error examples whose body names a parameter the table does not know.
pub fn error_names_unknown_param(ctx: &Context) -> Vec<Finding> {
    let mut out = Vec::new();
    for (page, fixture) in ctx.fixtures() {
        let status = fixture.response.status;
        if !(400..500).contains(&status) || fixture.params.is_empty() {
            continue;
        }
        let Some(body) = &fixture.response.body else {
            continue;
        };
        for name in error_param_names(body) {
            // `subscription.plan_keys`, `plan_keys` and `subscription` all name a table
            // that has `subscription[plan_keys]`
            let known = fixture.params.iter().any(|p| {
                same_name(base_name(&p.name), base_name(&name)) || same_name(p.leaf_name(), &name)
            });
            if known {
                continue;
            }
            let (line, col) = ctx.locate_in_example(page, fixture, &name);
            let mut finding = Finding::new(
                Rule::ErrorNamesUnknownParam,
                &fixture.source.file,
                line,
                col,
                format!(
                    "{} answers with an error about `{name}`, a parameter its table does not know",
                    example_name(fixture)
                ),
            )
            .len(name.chars().count())
            .fixture(&fixture.id);
            let table_line = endpoint_of(page, fixture).map(|e| e.line);
            let suggestion = closest(&fixture.params, &name);
            // the case heading often names the parameter the example is really about
            let heading_names: Vec<&Param> = fixture
                .params
                .iter()
                .filter(|p| source::mentions(&fixture.title, &p.name))
                .collect();
            for p in suggestion
                .iter()
                .copied()
                .chain(heading_names.iter().copied())
            {
                let required = if p.required { "requires" } else { "documents" };
                let note = Note::info(format!("the parameter table {required} `{}`", p.name));
                let note = match table_line.and_then(|l| ctx.table_row(page, l, &p.name)) {
                    Some(row) => note.at(&page.file, row),
                    None => note,
                };
                if !finding.notes.contains(&note) {
                    finding = finding.note(note);
                }
            }
            for p in &heading_names {
                finding = finding.note(Note::info(format!(
                    "the case heading \"{}\" is about `{}`",
                    fixture.title, p.name
                )));
            }
            if fixture.reconstructed.is_some() {
                finding = finding.note(Note::info(
                    "the body was rebuilt from text the rendering cut short; the name is as written",
                ));
            }
            if let Some(p) = suggestion.or(heading_names.first().copied()) {
                finding = finding.note(Note::help(format!(
                    "if the API answers about `{}`, write `{}` in the example; otherwise rename the parameter in the table",
                    p.name, p.name
                )));
            }
            out.push(finding);
        }
    }
    out
}

/// What differs between two examples of the same case, in words.
fn differences(a: &Fixture, b: &Fixture) -> Vec<String> {
    let mut out = Vec::new();
    if a.request.method != b.request.method
        || !a.request.route.eq_ignore_ascii_case(&b.request.route)
    {
        out.push(format!(
            "request `{}` vs `{}`",
            request_line(a),
            request_line(b)
        ));
    }
    if a.request.path_params != b.request.path_params || a.request.query != b.request.query {
        out.push(format!(
            "request path `{}` vs `{}`",
            a.request.path, b.request.path
        ));
    }
    if a.request.body != b.request.body {
        out.push("request bodies differ".to_string());
    }
    if a.response.status != b.response.status {
        out.push(format!(
            "status {} vs {}",
            a.response.status, b.response.status
        ));
    }
    if a.response.body != b.response.body {
        match (&a.response.body, &b.response.body) {
            (Some(x), Some(y)) => {
                let at = first_difference(x, y, String::new());
                out.push(format!(
                    "response bodies differ at `{}`",
                    if at.is_empty() { "." } else { &at }
                ));
            }
            (Some(_), None) => out.push("only the first has a response body".to_string()),
            (None, Some(_)) => out.push("only the second has a response body".to_string()),
            (None, None) => {}
        }
    }
    if a.response.headers != b.response.headers {
        out.push("response headers differ".to_string());
    }
    out
}

/// The path (`.errors.return_to`) of the first place two JSON values differ.
fn first_difference(a: &Value, b: &Value, at: String) -> String {
    match (a, b) {
        (Value::Object(x), Value::Object(y)) => {
            for (k, v) in x {
                match y.get(k) {
                    Some(w) if v == w => {}
                    Some(w) => return first_difference(v, w, format!("{at}.{k}")),
                    None => return format!("{at}.{k}"),
                }
            }
            y.keys()
                .find(|k| !x.contains_key(*k))
                .map_or(at.clone(), |k| format!("{at}.{k}"))
        }
        (Value::Array(x), Value::Array(y)) => {
            for (i, (v, w)) in x.iter().zip(y).enumerate() {
                if v != w {
                    return first_difference(v, w, format!("{at}[{i}]"));
                }
            }
            format!("{at}[{}]", x.len().min(y.len()))
        }
        _ => at,
    }
}

/// DM008: the same case documented twice, differently.
pub fn conflicting_examples(ctx: &Context) -> Vec<Finding> {
    let mut out = Vec::new();
    let all: Vec<&Fixture> = ctx.docs.fixtures().collect();
    for (i, fixture) in all.iter().enumerate() {
        for other_id in &fixture.conflicts_with {
            let Some(j) = all.iter().position(|f| f.id == *other_id) else {
                continue;
            };
            // report each pair once, on the later of the two
            if j > i {
                continue;
            }
            let other = all[j];
            let mut finding = Finding::new(
                Rule::ConflictingExamples,
                &fixture.source.file,
                fixture.source.line,
                1,
                format!(
                    "{}{} is documented differently in {}",
                    example_name(fixture),
                    if fixture.title.trim().is_empty() {
                        String::new()
                    } else {
                        format!(" of \"{}\"", fixture.endpoint)
                    },
                    other.source.file
                ),
            )
            .fixture(&fixture.id)
            .note(
                Note::info(format!("the other example of this case (`{}`)", other.id))
                    .at(&other.source.file, other.source.line),
            );
            for difference in differences(other, fixture) {
                finding = finding.note(Note::info(difference));
            }
            finding = finding.note(Note::help(
                "make both say the same; `serve` and `verify` use the first",
            ));
            out.push(finding);
        }
    }
    out
}

/// DM009: bodies rebuilt from truncated text.
pub fn reconstructed_body(ctx: &Context) -> Vec<Finding> {
    let mut out = Vec::new();
    for (page, fixture) in ctx.fixtures() {
        let Some(reconstruction) = &fixture.reconstructed else {
            continue;
        };
        let file = &fixture.source.file;
        let end = ctx.example_end(page, fixture);
        // a body beyond repair is already a DM001 from the extractor: say it once
        let reported = ctx
            .errors
            .iter()
            .any(|e| e.file == *file && (fixture.source.line..end).contains(&e.line));
        if reconstruction.unrepaired.is_some() && reported {
            continue;
        }
        // point at the first line of the body the rendering cut short
        let end = end.min(ctx.sources.line_count(file) + 1);
        let (line, len) = (fixture.source.line + 1..end)
            .find_map(|n| {
                let text = ctx.sources.line(file, n)?.trim_end();
                text.starts_with(['{', '[', '"'])
                    .then(|| (n, text.chars().count()))
            })
            .unwrap_or((fixture.source.line, 1));
        let message = match &reconstruction.unrepaired {
            None => format!(
                "the body of {} was cut short by the rendering and rebuilt",
                example_name(fixture)
            ),
            Some(reason) => format!(
                "the body of {} was cut short and could not be rebuilt: {reason}",
                example_name(fixture)
            ),
        };
        let mut finding = Finding::new(Rule::ReconstructedBody, file, line, 1, message)
            .len(len)
            .fixture(&fixture.id);
        for repair in &reconstruction.repairs {
            finding = finding.note(Note::info(format!("repaired: {repair}")));
        }
        if reconstruction.unrepaired.is_none() {
            if let Some(body) = &fixture.response.body {
                finding = finding.note(Note::info(format!("rebuilt as `{body}`")));
            }
        }
        out.push(finding.note(Note::help(
            "check the rebuilt body against the API or the page source; `verify` compares it leniently",
        )));
    }
    out
}

/// DM010: JSON bodies under a non-JSON `Content-Type`.
pub fn json_under_non_json_type(ctx: &Context) -> Vec<Finding> {
    let mut out = Vec::new();
    for (page, fixture) in ctx.fixtures() {
        let sides = [
            ("request", &fixture.request.headers, &fixture.request.body),
            (
                "response",
                &fixture.response.headers,
                &fixture.response.body,
            ),
        ];
        for (side, headers, body) in sides {
            let Some(content_type) = header(headers, "content-type") else {
                continue;
            };
            let is_json_body = matches!(body, Some(Value::Object(_) | Value::Array(_)));
            if !is_json_body || media::is_json(content_type) {
                continue;
            }
            let (line, col) = ctx.locate_in_example(page, fixture, content_type);
            out.push(
                Finding::new(
                    Rule::JsonUnderNonJsonType,
                    &fixture.source.file,
                    line,
                    col,
                    format!(
                        "the {side} of {} has a JSON body but `Content-Type: {content_type}`",
                        example_name(fixture)
                    ),
                )
                .len(content_type.chars().count())
                .fixture(&fixture.id)
                .note(Note::help(
                    "use `application/json`, or give the body as a string",
                )),
            );
        }
    }
    out
}

/// Heading words that promise success.
const SUCCESS_WORDS: &[&str] = &["success", "successful", "succeeds", "ok", "created"];
/// Heading words that announce an error.
const ERROR_WORDS: &[&str] = &[
    "error",
    "errors",
    "failure",
    "fails",
    "failed",
    "not found",
    "bad request",
    "unauthorized",
    "forbidden",
    "invalid",
];

/// What a case heading claims, if it claims anything about the outcome.
fn heading_claim(title: &str) -> Option<Claim> {
    let text = source::plain(title);
    let first = text.split_whitespace().next()?;
    if let Ok(code) = first.parse::<u16>() {
        if (100..600).contains(&code) {
            return Some(Claim::Status(code));
        }
    }
    if SUCCESS_WORDS.contains(&first) {
        return Some(Claim::Success);
    }
    if ERROR_WORDS
        .iter()
        .any(|w| text == *w || text.starts_with(&format!("{w} ")))
    {
        return Some(Claim::Failure);
    }
    None
}

enum Claim {
    Status(u16),
    Success,
    Failure,
}

/// DM011: case headings that contradict their status.
pub fn heading_contradicts_status(ctx: &Context) -> Vec<Finding> {
    let mut out = Vec::new();
    for (_, fixture) in ctx.fixtures() {
        let status = fixture.response.status;
        let contradiction = match heading_claim(&fixture.title) {
            Some(Claim::Status(code)) if code != status => format!("says {code}"),
            Some(Claim::Success) if status >= 400 => "announces a success".to_string(),
            Some(Claim::Failure) if (200..300).contains(&status) => {
                "announces an error".to_string()
            }
            _ => continue,
        };
        let file = &fixture.source.file;
        let line = ctx
            .sources
            .heading_line(file, fixture.source.line, 12, &fixture.title)
            .unwrap_or(fixture.source.line);
        let col = ctx.sources.line(file, line).map_or(1, |l| {
            l.chars()
                .take_while(|c| *c == '#' || c.is_whitespace())
                .count()
                + 1
        });
        out.push(
            Finding::new(
                Rule::HeadingContradictsStatus,
                file,
                line,
                col,
                format!(
                    "the case heading \"{}\" {contradiction}, but its example answers {status}",
                    fixture.title
                ),
            )
            .len(fixture.title.chars().count())
            .fixture(&fixture.id)
            .note(
                Note::info(format!("the example is documented with status {status}"))
                    .at(file, fixture.source.line),
            ),
        );
    }
    out
}

/// DM014: declarations whose examples all show another literal segment.
pub fn declaration_contradicts_examples(ctx: &Context) -> Vec<Finding> {
    let mut out = Vec::new();
    for (page, endpoint) in ctx.docs.endpoints() {
        let shown: Vec<&Fixture> = page
            .fixtures
            .iter()
            .filter(|f| f.duplicate_of.is_none() && f.request.method == endpoint.method)
            .filter(|f| f.request.declared_route.as_ref() == Some(&endpoint.route))
            .collect();
        let Some(first) = shown.first() else {
            continue;
        };
        let declared = format!("{} {}", endpoint.method, endpoint.path);
        let (line, col) = declaration_at(ctx, page, endpoint);
        let mut finding = Finding::new(
            Rule::DeclarationContradictsExamples,
            &page.file,
            line,
            col,
            format!(
                "`{declared}` is declared, but its examples request `{}`",
                first.request.path
            ),
        )
        .len(declared.chars().count())
        .fixture(&first.id);
        for fixture in &shown {
            finding = finding.note(
                Note::info(format!(
                    "{} requests `{}`",
                    example_name(fixture),
                    request_line(fixture)
                ))
                .at(&fixture.source.file, fixture.source.line),
            );
        }
        out.push(
            finding
                .note(Note::help(format!(
                    "did you mean `{} {}`?",
                    endpoint.method,
                    suggested_path(&endpoint.path, &first.request.route)
                )))
                .note(Note::info("`serve` answers the route the examples show")),
        );
    }
    out
}

/// The declared path as written, its literal segments replaced by those of the route the
/// examples show (`/order/:id/items` and `/orders/{id}/items` give `/orders/:id/items`).
fn suggested_path(declared: &str, shown_route: &str) -> String {
    let shown = RouteTemplate::parse(shown_route);
    let (path, query) = match declared.split_once('?') {
        Some((p, q)) => (p, Some(q)),
        None => (declared, None),
    };
    let skip = usize::from(path.starts_with('/'));
    let mut parts: Vec<String> = path.split('/').map(str::to_string).collect();
    for (i, segment) in shown.segments.iter().enumerate() {
        let (Segment::Literal(literal), Some(part)) = (segment, parts.get_mut(i + skip)) else {
            continue;
        };
        if param_name(part).is_some() {
            continue;
        }
        let (bare, suffix) = match part.strip_suffix(".json") {
            Some(bare) if bare != literal.as_str() => (bare.to_string(), ".json"),
            _ => (part.clone(), ""),
        };
        if bare != *literal {
            *part = format!("{literal}{suffix}");
        }
    }
    let mut out = parts.join("/");
    if let Some(query) = query {
        out.push('?');
        out.push_str(query);
    }
    out
}
