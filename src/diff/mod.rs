//! Diff: what changed between two versions of the docs, judged from a client's side.
//!
//! In: two [`DocSet`]s (from doc folders, extracted fixture folders or git revisions). Out: a
//! [`DiffReport`], a flat list of [`Change`]s, each found by one [`Rule`] (`DF001` ...) and
//! given its [`Level`]; [`DiffReport::judged`] applies `--severity` and `--ignore`, and
//! [`crate::report::diff`] renders it.
//!
//! Identity survives moves, because a client never sees a page: endpoints are matched by
//! method and route template with parameter names ignored (`{a}` and `{b}` in the same place
//! are the same route; case-insensitively for ASP.NET routes); cases within an endpoint by
//! status and case heading, then by heading alone (the status changed), then by request
//! signature (the documented query and body keys, when there are some) and status, then by
//! position among the cases left with the same status. Parameters are matched by name (a
//! renamed route parameter by its place). A page moved or renamed, a heading reworded, an
//! example moved to another file or newly showing its request body is reported with level
//! `none`: shown, not counted.
//!
//! `null` in an example says nothing about a field's type, so a change from or to `null` is not
//! a type change; integers and decimals are both `number`.

mod ignore;
mod rules;

pub use ignore::{Ignore, IgnoreError};
pub use rules::{Level, Rule};

use crate::fixture::{
    DocSet, Fixture, Param, ParamLocation, ParamType, PlaceholderKind, ResponseField,
};
use indexmap::IndexMap;
use serde::Serialize;
use serde_json::Value;

/// Which side of the exchange a header is on.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Side {
    Request,
    Response,
}

/// One change between the two versions.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Change {
    /// The rule that found it (`DF005`).
    pub rule: Rule,
    /// The rule's level, or the one `--severity` gave it.
    pub level: Level,
    /// The route the change is about, as the new docs write it (the old, for removals).
    pub method: String,
    pub route: String,
    /// The fixture id of the case, for case-level changes (the new id when both exist).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub case: Option<String>,
    /// The case heading, for case-level changes.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub title: Option<String>,
    #[serde(flatten)]
    pub kind: ChangeKind,
    /// `file:line` in the old docs.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub old_source: Option<String>,
    /// `file:line` in the new docs.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub new_source: Option<String>,
}

fn is_false(b: &bool) -> bool {
    !*b
}

/// What changed. Response fields are written as paths: `.` is the whole body, `.a.b` a key,
/// `[]` the elements of an array (`.responses[].name`).
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum ChangeKind {
    RouteAdded {
        cases: Vec<String>,
    },
    /// `was_deprecated`: the old docs already said so (DF021, not DF001).
    RouteRemoved {
        cases: Vec<String>,
        #[serde(skip_serializing_if = "is_false")]
        was_deprecated: bool,
    },
    CaseAdded {
        status: u16,
    },
    CaseRemoved {
        status: u16,
        #[serde(skip_serializing_if = "is_false")]
        was_deprecated: bool,
    },
    StatusChanged {
        old: u16,
        new: u16,
    },
    FieldRemoved {
        field: String,
        old_type: String,
    },
    FieldTypeChanged {
        field: String,
        old_type: String,
        new_type: String,
    },
    FieldAdded {
        field: String,
        new_type: String,
    },
    /// A documented response field's allowed values (empty: any value).
    FieldValuesChanged {
        field: String,
        old: Vec<String>,
        new: Vec<String>,
    },
    ParamRequired {
        name: String,
        location: ParamLocation,
        was: String,
    },
    /// Less required than it was: `now` says how much.
    ParamNoLongerRequired {
        name: String,
        location: ParamLocation,
        now: String,
    },
    ParamAdded {
        name: String,
        location: ParamLocation,
    },
    ParamRemoved {
        name: String,
        location: ParamLocation,
        #[serde(skip_serializing_if = "is_false")]
        was_deprecated: bool,
    },
    /// A request parameter's allowed values (empty: any value of the type).
    ParamValuesChanged {
        name: String,
        location: ParamLocation,
        old: Vec<String>,
        new: Vec<String>,
    },
    /// `widened`: every value of the old type is still accepted.
    ParamTypeChanged {
        name: String,
        location: ParamLocation,
        old_type: String,
        new_type: String,
        widened: bool,
    },
    ParamDefaultChanged {
        name: String,
        location: ParamLocation,
        old: Option<String>,
        new: Option<String>,
    },
    ParamConditionChanged {
        name: String,
        location: ParamLocation,
        old: Vec<String>,
        new: Vec<String>,
    },
    /// `subject`: "parameter `ref` (query)", "route", "case", "response field `status`".
    Deprecated {
        subject: String,
        #[serde(skip_serializing_if = "Option::is_none")]
        replaced_by: Option<String>,
    },
    HeaderAdded {
        side: Side,
        name: String,
        value: String,
    },
    HeaderRemoved {
        side: Side,
        name: String,
        value: String,
    },
    HeaderChanged {
        side: Side,
        name: String,
        old: String,
        new: String,
    },
    /// Documented on another page (`file` without extension) or with its example in another
    /// file; `subject` is "route" or "case".
    Moved {
        subject: String,
        old_file: String,
        new_file: String,
    },
    /// `heading`: "page", "endpoint" or "case".
    Retitled {
        heading: String,
        old: String,
        new: String,
    },
    PathParamRenamed {
        old_route: String,
    },
    /// The example now shows a part of its request (`body`, `query`) it did not show.
    RequestExampleChanged {
        shown: String,
    },
}

/// `a` without `b`'s values.
fn minus<'v>(a: &'v [String], b: &[String]) -> Vec<&'v String> {
    a.iter().filter(|v| !b.contains(v)).collect()
}

impl ChangeKind {
    /// The rule that reports this change.
    pub fn rule(&self) -> Rule {
        use ChangeKind::*;
        match self {
            RouteAdded { .. } => Rule::RouteAdded,
            RouteRemoved {
                was_deprecated: true,
                ..
            }
            | CaseRemoved {
                was_deprecated: true,
                ..
            }
            | ParamRemoved {
                was_deprecated: true,
                ..
            } => Rule::DeprecatedRemoved,
            RouteRemoved { .. } => Rule::RouteRemoved,
            CaseAdded { .. } => Rule::CaseAdded,
            CaseRemoved { .. } => Rule::CaseRemoved,
            StatusChanged { .. } => Rule::StatusChanged,
            FieldRemoved { .. } => Rule::ResponseFieldRemoved,
            FieldTypeChanged { .. } => Rule::ResponseFieldTypeChanged,
            FieldAdded { .. } => Rule::ResponseFieldAdded,
            // a response that may hold a value it could not before surprises clients
            FieldValuesChanged { old, new, .. } => {
                if (!old.is_empty() && !minus(new, old).is_empty()) || new.is_empty() {
                    Rule::ResponseEnumWidened
                } else {
                    Rule::ResponseEnumNarrowed
                }
            }
            ParamRequired { .. } => Rule::ParamRequired,
            ParamNoLongerRequired { .. } | ParamAdded { .. } => Rule::ParamOptional,
            ParamRemoved { .. } => Rule::ParamRemoved,
            // a request value clients send may no longer be accepted
            ParamValuesChanged { old, new, .. } => {
                if !new.is_empty() && (old.is_empty() || !minus(old, new).is_empty()) {
                    Rule::ParamEnumNarrowed
                } else {
                    Rule::ParamEnumWidened
                }
            }
            ParamTypeChanged { widened: true, .. } => Rule::ParamTypeWidened,
            ParamTypeChanged { .. } => Rule::ParamTypeChanged,
            ParamDefaultChanged { .. } => Rule::ParamDefaultChanged,
            ParamConditionChanged { .. } => Rule::ParamConditionChanged,
            Deprecated { .. } => Rule::Deprecated,
            HeaderAdded {
                side: Side::Request,
                ..
            }
            | HeaderChanged {
                side: Side::Request,
                ..
            } => Rule::RequestHeaderAdded,
            HeaderRemoved {
                side: Side::Request,
                ..
            } => Rule::RequestHeaderRemoved,
            HeaderAdded { .. } => Rule::ResponseHeaderAdded,
            HeaderRemoved { .. } | HeaderChanged { .. } => Rule::ResponseHeaderChanged,
            Moved { .. } => Rule::Moved,
            Retitled { .. } => Rule::Retitled,
            PathParamRenamed { .. } => Rule::PathParamRenamed,
            RequestExampleChanged { .. } => Rule::RequestExampleChanged,
        }
    }
}

/// "no longer allows b; now also allows c", "now only allows a, b", "now allows any value".
/// The order of values does not matter.
fn values_change(old: &[String], new: &[String]) -> String {
    let list = |v: &[&String]| {
        v.iter()
            .map(|s| format!("`{s}`"))
            .collect::<Vec<_>>()
            .join(", ")
    };
    let all = |v: &[String]| list(&v.iter().collect::<Vec<_>>());
    if old.is_empty() {
        return format!("now only allows {} (allowed any value)", all(new));
    }
    if new.is_empty() {
        return format!("now allows any value (allowed {})", all(old));
    }
    let mut parts = Vec::new();
    let (removed, added) = (minus(old, new), minus(new, old));
    if !removed.is_empty() {
        parts.push(format!("no longer allows {}", list(&removed)));
    }
    if !added.is_empty() {
        parts.push(format!("now also allows {}", list(&added)));
    }
    parts.join("; ")
}

impl Change {
    /// The change in words, without its route and case: "status 200 -> 201".
    pub fn describe(&self) -> String {
        use ChangeKind::*;
        let location = |l: &ParamLocation| l.as_str();
        let cases = |n: usize| match n {
            0 => "no example".to_string(),
            1 => "1 case".to_string(),
            n => format!("{n} cases"),
        };
        let deprecated = |was: &bool| if *was { ", deprecated before" } else { "" };
        match &self.kind {
            RouteAdded { cases: c } => format!("route added ({})", cases(c.len())),
            RouteRemoved {
                cases: c,
                was_deprecated,
            } => format!(
                "route removed ({}{})",
                cases(c.len()),
                deprecated(was_deprecated)
            ),
            CaseAdded { status } => format!("case added ({status})"),
            CaseRemoved {
                status,
                was_deprecated,
            } => format!("case removed ({status}{})", deprecated(was_deprecated)),
            StatusChanged { old, new } => format!("status {old} -> {new}"),
            FieldRemoved { field, old_type } => {
                format!("response field `{field}` removed (was {old_type})")
            }
            FieldTypeChanged {
                field,
                old_type,
                new_type,
            } => format!("response field `{field}` changed type: {old_type} -> {new_type}"),
            FieldAdded { field, new_type } => {
                format!("response field `{field}` added ({new_type})")
            }
            FieldValuesChanged { field, old, new } => {
                format!("response field `{field}` {}", values_change(old, new))
            }
            ParamRequired {
                name,
                location: l,
                was,
            } => format!(
                "parameter `{name}` ({}) is now required (was {was})",
                location(l)
            ),
            ParamNoLongerRequired {
                name,
                location: l,
                now,
            } => format!(
                "parameter `{name}` ({}) is no longer required (now {now})",
                location(l)
            ),
            ParamAdded { name, location: l } => {
                format!("optional parameter `{name}` ({}) added", location(l))
            }
            ParamRemoved {
                name,
                location: l,
                was_deprecated,
            } => format!(
                "parameter `{name}` ({}) removed{}",
                location(l),
                if *was_deprecated {
                    " (deprecated before)"
                } else {
                    ""
                }
            ),
            ParamValuesChanged {
                name,
                location: l,
                old,
                new,
            } => format!(
                "parameter `{name}` ({}) {}",
                location(l),
                values_change(old, new)
            ),
            ParamTypeChanged {
                name,
                location: l,
                old_type,
                new_type,
                widened,
            } => format!(
                "parameter `{name}` ({}) type {} `{old_type}` -> `{new_type}`",
                location(l),
                if *widened { "widened:" } else { "changed:" }
            ),
            ParamDefaultChanged {
                name,
                location: l,
                old,
                new,
            } => {
                let d = |v: &Option<String>| match v {
                    Some(v) => format!("`{v}`"),
                    None => "none documented".to_string(),
                };
                format!(
                    "parameter `{name}` ({}) default changed: {} -> {}",
                    location(l),
                    d(old),
                    d(new)
                )
            }
            ParamConditionChanged {
                name,
                location: l,
                old,
                new,
            } => format!(
                "parameter `{name}` ({}) is required unless {} given (was unless {} given)",
                location(l),
                new.join(" or "),
                old.join(" or ")
            ),
            Deprecated {
                subject,
                replaced_by,
            } => match replaced_by {
                Some(new) => format!("{subject} deprecated (use `{new}`)"),
                None => format!("{subject} deprecated"),
            },
            HeaderAdded { side, name, value } => {
                format!("{} header `{name}: {value}` added", side_word(*side))
            }
            HeaderRemoved { side, name, value } => {
                format!("{} header `{name}: {value}` removed", side_word(*side))
            }
            HeaderChanged {
                side,
                name,
                old,
                new,
            } => format!(
                "{} header `{name}` changed: `{old}` -> `{new}`",
                side_word(*side)
            ),
            Moved {
                subject,
                old_file,
                new_file,
            } => format!("{subject} moved: {old_file} -> {new_file}"),
            Retitled { heading, old, new } => {
                format!("{heading} heading reworded: \"{old}\" -> \"{new}\"")
            }
            PathParamRenamed { old_route } => {
                format!("route parameter renamed (was `{old_route}`)")
            }
            RequestExampleChanged { shown } => {
                format!("the example now shows its request {shown}")
            }
        }
    }

    /// Where to point a reader: the new side's `file:line`, the old side's for removals.
    pub fn place(&self) -> Option<&str> {
        self.new_source.as_deref().or(self.old_source.as_deref())
    }
}

fn side_word(side: Side) -> &'static str {
    match side {
        Side::Request => "request",
        Side::Response => "response",
    }
}

/// A change an `--ignore` line accepted, with the reason given there.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Ignored {
    #[serde(flatten)]
    pub change: Change,
    pub reason: String,
    /// `file:line` of the ignore line.
    pub ignored_at: String,
}

/// Everything that changed, in route order (old routes first, then new ones), routes before
/// their cases.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct DiffReport {
    /// What was compared, as given on the command line.
    pub old: String,
    pub new: String,
    pub breaking: usize,
    pub warning: usize,
    pub info: usize,
    /// Changes shown but not counted (moves, rewording).
    pub none: usize,
    pub changes: Vec<Change>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub ignored: Vec<Ignored>,
    /// Ignore lines that matched no change: the change they accepted is gone or was fixed.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub unused_ignores: Vec<Ignore>,
}

/// What a user decided about the rules: other levels (`--severity`) and known changes
/// accepted (`--ignore`).
#[derive(Debug, Clone, Default)]
pub struct Policy {
    pub levels: Vec<(Rule, Level)>,
    pub ignores: Vec<Ignore>,
}

impl DiffReport {
    /// The same report, labelled with what was compared.
    pub fn labelled(mut self, old: &str, new: &str) -> Self {
        self.old = old.to_string();
        self.new = new.to_string();
        self
    }

    /// The report under a policy: levels replaced, ignored changes moved out of the counts.
    pub fn judged(mut self, policy: &Policy) -> Self {
        let mut used = vec![false; policy.ignores.len()];
        let mut kept = Vec::new();
        for mut change in std::mem::take(&mut self.changes) {
            if let Some((_, level)) = policy.levels.iter().rev().find(|(r, _)| *r == change.rule) {
                change.level = *level;
            }
            match policy.ignores.iter().position(|i| i.matches(&change)) {
                Some(i) => {
                    used[i] = true;
                    let ignore = &policy.ignores[i];
                    self.ignored.push(Ignored {
                        change,
                        reason: ignore.reason.clone(),
                        ignored_at: format!("{}:{}", ignore.file, ignore.line),
                    });
                }
                None => kept.push(change),
            }
        }
        self.changes = kept;
        self.unused_ignores = policy
            .ignores
            .iter()
            .zip(used)
            .filter(|(_, used)| !used)
            .map(|(i, _)| i.clone())
            .collect();
        self.count();
        self
    }

    fn count(&mut self) {
        let n = |level| self.changes.iter().filter(|c| c.level == level).count();
        (self.breaking, self.warning, self.info, self.none) = (
            n(Level::Breaking),
            n(Level::Warning),
            n(Level::Info),
            n(Level::None),
        );
    }

    /// How many changes are at this level.
    pub fn count_of(&self, level: Level) -> usize {
        match level {
            Level::Breaking => self.breaking,
            Level::Warning => self.warning,
            Level::Info => self.info,
            Level::None => self.none,
        }
    }
}

/// Method and route template with parameter names left out (`GET /a/{}`): one endpoint
/// whatever its parameters are called.
pub(crate) fn route_identity(method: &str, route: &str, case_insensitive: bool) -> String {
    let route: Vec<String> = route
        .split('/')
        .map(|s| {
            if s.starts_with('{') && s.ends_with('}') {
                "{}".to_string()
            } else if case_insensitive {
                s.to_ascii_lowercase()
            } else {
                s.to_string()
            }
        })
        .collect();
    format!("{} {}", method.to_ascii_uppercase(), route.join("/"))
}

/// A route as documented by one version: where, its parameters, its cases.
#[derive(Debug, Default)]
struct RouteInfo<'a> {
    method: String,
    route: String,
    file: String,
    line: usize,
    page_title: String,
    heading: String,
    /// A declaration marks the route deprecated, or (declared nowhere) every example does.
    deprecated: bool,
    replaced_by: Option<String>,
    /// Some page declares the route (its examples then do not decide its deprecation).
    declared: bool,
    params: Vec<&'a Param>,
    fields: Vec<&'a ResponseField>,
    cases: Vec<&'a Fixture>,
}

impl RouteInfo<'_> {
    fn source(&self) -> String {
        format!("{}:{}", self.file, self.line)
    }
}

fn fixture_key(f: &Fixture) -> String {
    route_identity(
        &f.request.method,
        &f.request.route,
        f.request.case_insensitive,
    )
}

/// The routes of a doc set, in the order first documented.
fn routes(docs: &DocSet) -> IndexMap<String, RouteInfo<'_>> {
    let mut out: IndexMap<String, RouteInfo> = IndexMap::new();
    for (page, endpoint) in docs.endpoints() {
        let info = out
            .entry(route_identity(
                &endpoint.method,
                &endpoint.route,
                endpoint.case_insensitive,
            ))
            .or_insert_with(|| RouteInfo {
                method: endpoint.method.clone(),
                route: endpoint.route.clone(),
                file: page.file.clone(),
                line: endpoint.line,
                page_title: page.title.clone(),
                heading: endpoint.heading.clone(),
                declared: true,
                ..Default::default()
            });
        info.deprecated |= endpoint.deprecated;
        if info.replaced_by.is_none() {
            info.replaced_by = endpoint.replaced_by.clone();
        }
        for param in &endpoint.params {
            if !info
                .params
                .iter()
                .any(|p| p.name.eq_ignore_ascii_case(&param.name))
            {
                info.params.push(param);
            }
        }
        for field in &endpoint.response_fields {
            if !info.fields.iter().any(|f| f.name == field.name) {
                info.fields.push(field);
            }
        }
    }
    for fixture in docs.servable() {
        let info = out
            .entry(fixture_key(fixture))
            .or_insert_with(|| RouteInfo {
                method: fixture.request.method.clone(),
                route: fixture.request.route.clone(),
                file: fixture.source.file.clone(),
                line: fixture.source.line,
                page_title: fixture.page.clone(),
                heading: fixture.endpoint.clone(),
                ..Default::default()
            });
        info.cases.push(fixture);
    }
    // routes documented only by examples take their parameters and deprecation from them
    for info in out.values_mut() {
        if !info.declared && info.cases.iter().all(|f| f.deprecated) {
            info.deprecated = !info.cases.is_empty();
            info.replaced_by = info.cases.iter().find_map(|f| f.replaced_by.clone());
        }
        if let Some(first) = info.cases.first() {
            if info.params.is_empty() {
                info.params = first.params.iter().collect();
            }
            if info.fields.is_empty() {
                info.fields = first.response_fields.iter().collect();
            }
        }
    }
    out
}

fn source(f: &Fixture) -> String {
    format!("{}:{}", f.source.file, f.source.line)
}

/// A page path without its extension: `a.md` and `a.mdx` are the same page to a reader.
fn page_stem(file: &str) -> &str {
    let name_start = file.rfind('/').map_or(0, |i| i + 1);
    match file[name_start..].rfind('.') {
        Some(dot) if dot > 0 => &file[..name_start + dot],
        _ => file,
    }
}

/// A case's documented request keys: query names and top-level body keys, sorted.
fn signature(f: &Fixture) -> Vec<String> {
    let mut keys: Vec<String> = f
        .request
        .query
        .iter()
        .map(|q| format!("?{}", q.name))
        .collect();
    if let Some(Value::Object(body)) = &f.request.body {
        keys.extend(body.keys().map(|k| format!(".{k}")));
    }
    keys.sort();
    keys
}

/// One way of telling two versions of a case are the same case.
type CasePass<'p> = dyn Fn(&Fixture, &Fixture) -> bool + 'p;

/// For each new case, the old case it is (index into `old`), matched as the module says.
fn match_cases(old: &[&Fixture], new: &[&Fixture]) -> Vec<Option<usize>> {
    let mut matched: Vec<Option<usize>> = vec![None; new.len()];
    let mut taken = vec![false; old.len()];
    let same_status = |o: &Fixture, n: &Fixture| o.response.status == n.response.status;
    let same_title = |o: &Fixture, n: &Fixture| o.title.trim() == n.title.trim();
    let same_signature = |o: &Fixture, n: &Fixture| {
        let s = signature(n);
        !s.is_empty() && signature(o) == s && same_status(o, n)
    };
    let passes: [&CasePass; 3] = [
        &|o, n| same_status(o, n) && same_title(o, n),
        &same_title,
        &same_signature,
    ];
    for pass in passes {
        for (j, n) in new.iter().enumerate() {
            if matched[j].is_some() {
                continue;
            }
            if let Some(i) = (0..old.len()).find(|&i| !taken[i] && pass(old[i], n)) {
                taken[i] = true;
                matched[j] = Some(i);
            }
        }
    }
    // by position: the k-th old case left with a status is the k-th new one left with it
    let left_new: Vec<usize> = (0..new.len()).filter(|&j| matched[j].is_none()).collect();
    let mut left_old: Vec<usize> = (0..old.len()).filter(|&i| !taken[i]).collect();
    for j in left_new {
        let status = new[j].response.status;
        if let Some(k) = left_old
            .iter()
            .position(|&i| old[i].response.status == status)
        {
            matched[j] = Some(left_old.remove(k));
        }
    }
    matched
}

/// Route parameters renamed in place: (old name, new name).
fn renamed_params(old_route: &str, new_route: &str) -> Vec<(String, String)> {
    old_route
        .split('/')
        .zip(new_route.split('/'))
        .filter_map(|(a, b)| {
            let a = a.strip_prefix('{')?.strip_suffix('}')?;
            let b = b.strip_prefix('{')?.strip_suffix('}')?;
            (a != b).then(|| (a.to_string(), b.to_string()))
        })
        .collect()
}

/// Collects changes with their route, case and places.
struct Changes(Vec<Change>);

impl Changes {
    fn push(
        &mut self,
        route: (&str, &str),
        case: Option<&Fixture>,
        kind: ChangeKind,
        old_source: Option<String>,
        new_source: Option<String>,
    ) {
        let rule = kind.rule();
        self.0.push(Change {
            rule,
            level: rule.default_level(),
            method: route.0.to_string(),
            route: route.1.to_string(),
            case: case.map(|c| c.id.clone()),
            title: case.map(|c| c.title.clone()),
            kind,
            old_source,
            new_source,
        });
    }
}

/// Compare two versions of the docs, every change at its rule's default level.
pub fn compare(old: &DocSet, new: &DocSet) -> DiffReport {
    let old_routes = routes(old);
    let new_routes = routes(new);
    let mut changes = Changes(Vec::new());
    let mut order: Vec<&String> = old_routes.keys().collect();
    order.extend(new_routes.keys().filter(|k| !old_routes.contains_key(*k)));
    for route_key in order {
        match (old_routes.get(route_key), new_routes.get(route_key)) {
            (Some(o), None) => changes.push(
                (&o.method, &o.route),
                None,
                ChangeKind::RouteRemoved {
                    cases: o.cases.iter().map(|f| f.id.clone()).collect(),
                    was_deprecated: o.deprecated,
                },
                Some(o.source()),
                None,
            ),
            (None, Some(n)) => changes.push(
                (&n.method, &n.route),
                None,
                ChangeKind::RouteAdded {
                    cases: n.cases.iter().map(|f| f.id.clone()).collect(),
                },
                None,
                Some(n.source()),
            ),
            (Some(o), Some(n)) => compare_route(o, n, &mut changes),
            (None, None) => {}
        }
    }
    let mut report = DiffReport {
        changes: changes.0,
        ..Default::default()
    };
    report.count();
    report
}

fn compare_route(o: &RouteInfo, n: &RouteInfo, changes: &mut Changes) {
    let route = (n.method.as_str(), n.route.as_str());
    let places = || (Some(o.source()), Some(n.source()));
    let at_route = |changes: &mut Changes, kind| {
        let (a, b) = places();
        changes.push(route, None, kind, a, b)
    };
    let renames = renamed_params(&o.route, &n.route);
    if !renames.is_empty() {
        at_route(
            changes,
            ChangeKind::PathParamRenamed {
                old_route: o.route.clone(),
            },
        );
    }
    let route_moved = page_stem(&o.file) != page_stem(&n.file);
    if route_moved {
        at_route(
            changes,
            ChangeKind::Moved {
                subject: "route".into(),
                old_file: o.file.clone(),
                new_file: n.file.clone(),
            },
        );
    }
    for (heading, a, b) in [
        ("page", &o.page_title, &n.page_title),
        ("endpoint", &o.heading, &n.heading),
    ] {
        if a.trim() != b.trim() {
            at_route(
                changes,
                ChangeKind::Retitled {
                    heading: heading.into(),
                    old: a.clone(),
                    new: b.clone(),
                },
            );
        }
    }
    if n.deprecated && !o.deprecated {
        at_route(
            changes,
            ChangeKind::Deprecated {
                subject: "route".into(),
                replaced_by: n.replaced_by.clone(),
            },
        );
    }
    for kind in param_changes(&o.params, &n.params, &renames) {
        at_route(changes, kind);
    }
    for kind in response_field_changes(&o.fields, &n.fields) {
        at_route(changes, kind);
    }
    let matched = match_cases(&o.cases, &n.cases);
    // cases removed from this route
    for (i, case) in o.cases.iter().enumerate() {
        if !matched.contains(&Some(i)) {
            changes.push(
                route,
                Some(case),
                ChangeKind::CaseRemoved {
                    status: case.response.status,
                    was_deprecated: case.deprecated,
                },
                Some(source(case)),
                None,
            );
        }
    }
    for (case, before) in n.cases.iter().zip(&matched) {
        let Some(before) = before.map(|i| o.cases[i]) else {
            changes.push(
                route,
                Some(case),
                ChangeKind::CaseAdded {
                    status: case.response.status,
                },
                None,
                Some(source(case)),
            );
            continue;
        };
        // a case that moved with its route is not reported again
        let moved_alone = page_stem(&before.source.file) != page_stem(&case.source.file)
            && (page_stem(&before.source.file), page_stem(&case.source.file))
                != (page_stem(&o.file), page_stem(&n.file));
        let mut kinds = Vec::new();
        if moved_alone || before.source.snapshot_file != case.source.snapshot_file {
            let file = |f: &Fixture| {
                f.source
                    .snapshot_file
                    .clone()
                    .unwrap_or_else(|| f.source.file.clone())
            };
            kinds.push(ChangeKind::Moved {
                subject: "case".into(),
                old_file: file(before),
                new_file: file(case),
            });
        }
        if before.title.trim() != case.title.trim() {
            kinds.push(ChangeKind::Retitled {
                heading: "case".into(),
                old: before.title.clone(),
                new: case.title.clone(),
            });
        }
        // a case of a deprecated route is reported with its route
        if case.deprecated && !before.deprecated && !n.deprecated {
            kinds.push(ChangeKind::Deprecated {
                subject: "case".into(),
                replaced_by: case.replaced_by.clone(),
            });
        }
        kinds.extend(case_changes(before, case));
        for kind in kinds {
            changes.push(
                route,
                Some(case),
                kind,
                Some(source(before)),
                Some(source(case)),
            );
        }
    }
}

fn requirement(p: &Param) -> String {
    if !p.required {
        "optional".to_string()
    } else if p.required_unless.is_empty() {
        "required".to_string()
    } else {
        format!("required unless {} given", p.required_unless.join(" or "))
    }
}

/// How much a parameter is required: 0 optional, 1 required unless another is given,
/// 2 required.
fn strictness(p: &Param) -> u8 {
    match (p.required, p.required_unless.is_empty()) {
        (false, _) => 0,
        (true, false) => 1,
        (true, true) => 2,
    }
}

/// Does every value of `old` still fit `new`? (`string` -> `string|array of string`,
/// `integer` -> `number`, a uuid or time -> `string`.)
fn widens(old: &ParamType, new: &ParamType) -> bool {
    if old == new {
        return true;
    }
    match (old, new) {
        (ParamType::Union(parts), _) => parts.iter().all(|p| widens(p, new)),
        (_, ParamType::Union(parts)) => parts.iter().any(|p| widens(old, p)),
        (ParamType::Integer, ParamType::Number) => true,
        (ParamType::Time | ParamType::Uuid, ParamType::String) => true,
        (ParamType::Array(_), ParamType::Array(None)) => true,
        (ParamType::Array(Some(a)), ParamType::Array(Some(b))) => widens(a, b),
        _ => false,
    }
}

/// The same allowed values, in any order.
fn same_values(a: &[String], b: &[String]) -> bool {
    minus(a, b).is_empty() && minus(b, a).is_empty()
}

fn same_names(a: &[String], b: &[String]) -> bool {
    a.len() == b.len()
        && a.iter()
            .all(|x| b.iter().any(|y| x.eq_ignore_ascii_case(y)))
}

fn param_changes(old: &[&Param], new: &[&Param], renames: &[(String, String)]) -> Vec<ChangeKind> {
    let mut out = Vec::new();
    fn find<'p>(list: &[&'p Param], name: &str) -> Option<&'p Param> {
        list.iter()
            .find(|p| p.name.eq_ignore_ascii_case(name))
            .copied()
    }
    // a renamed route parameter keeps its identity: compare it under its old name
    let old_name = |name: &str| -> String {
        renames
            .iter()
            .find(|(_, n)| n.eq_ignore_ascii_case(name))
            .map_or(name.to_string(), |(o, _)| o.clone())
    };
    let new_name = |name: &str| -> String {
        renames
            .iter()
            .find(|(o, _)| o.eq_ignore_ascii_case(name))
            .map_or(name.to_string(), |(_, n)| n.clone())
    };
    for p in new {
        let (name, location) = (p.name.clone(), p.location);
        let Some(o) = find(old, &old_name(&p.name)) else {
            out.push(if p.required {
                ChangeKind::ParamRequired {
                    name,
                    location,
                    was: "not documented".to_string(),
                }
            } else {
                ChangeKind::ParamAdded { name, location }
            });
            continue;
        };
        if strictness(p) > strictness(o) {
            out.push(ChangeKind::ParamRequired {
                name: name.clone(),
                location,
                was: requirement(o),
            });
        } else if strictness(p) < strictness(o) {
            out.push(ChangeKind::ParamNoLongerRequired {
                name: name.clone(),
                location,
                now: requirement(p),
            });
        } else if !same_names(&o.required_unless, &p.required_unless) {
            out.push(ChangeKind::ParamConditionChanged {
                name: name.clone(),
                location,
                old: o.required_unless.clone(),
                new: p.required_unless.clone(),
            });
        }
        let (old_type, new_type) = (o.param_type(), p.param_type());
        if !o.ty.is_empty() && !p.ty.is_empty() && old_type != new_type {
            out.push(ChangeKind::ParamTypeChanged {
                name: name.clone(),
                location,
                old_type: o.ty.clone(),
                new_type: p.ty.clone(),
                widened: widens(&old_type, &new_type),
            });
        }
        if !same_values(&o.allowed, &p.allowed) {
            out.push(ChangeKind::ParamValuesChanged {
                name: name.clone(),
                location,
                old: o.allowed.clone(),
                new: p.allowed.clone(),
            });
        }
        if o.default != p.default {
            out.push(ChangeKind::ParamDefaultChanged {
                name: name.clone(),
                location,
                old: o.default.clone(),
                new: p.default.clone(),
            });
        }
        if p.deprecated && !o.deprecated {
            out.push(ChangeKind::Deprecated {
                subject: format!("parameter `{name}` ({})", location.as_str()),
                replaced_by: p.replaced_by.clone(),
            });
        }
    }
    for p in old {
        if find(new, &new_name(&p.name)).is_none() {
            out.push(ChangeKind::ParamRemoved {
                name: p.name.clone(),
                location: p.location,
                was_deprecated: p.deprecated,
            });
        }
    }
    out
}

/// Changes of the response fields the prose documents: their allowed values and deprecation
/// (fields added, removed or retyped are read from the examples).
fn response_field_changes(old: &[&ResponseField], new: &[&ResponseField]) -> Vec<ChangeKind> {
    let mut out = Vec::new();
    for f in new {
        let Some(o) = old.iter().find(|o| o.name == f.name) else {
            continue;
        };
        if !same_values(&o.allowed, &f.allowed) {
            out.push(ChangeKind::FieldValuesChanged {
                field: f.name.clone(),
                old: o.allowed.clone(),
                new: f.allowed.clone(),
            });
        }
        if f.deprecated && !o.deprecated {
            out.push(ChangeKind::Deprecated {
                subject: format!("response field `{}`", f.name),
                replaced_by: None,
            });
        }
    }
    out
}

fn case_changes(old: &Fixture, new: &Fixture) -> Vec<ChangeKind> {
    let mut out = Vec::new();
    if old.response.status != new.response.status {
        out.push(ChangeKind::StatusChanged {
            old: old.response.status,
            new: new.response.status,
        });
    }
    if old.request.body.is_none() && new.request.body.is_some() {
        out.push(ChangeKind::RequestExampleChanged {
            shown: "body".into(),
        });
    }
    if old.request.query.is_empty() && !new.request.query.is_empty() {
        out.push(ChangeKind::RequestExampleChanged {
            shown: "query".into(),
        });
    }
    match (&old.response.body, &new.response.body) {
        (Some(a), Some(b)) => compare_values(
            a,
            b,
            &Walk {
                old,
                new,
                pointer_old: String::new(),
                pointer_new: String::new(),
                field: String::new(),
            },
            &mut out,
        ),
        (Some(a), None) => out.push(ChangeKind::FieldRemoved {
            field: ".".to_string(),
            old_type: type_name(a).to_string(),
        }),
        (None, Some(b)) => out.push(ChangeKind::FieldAdded {
            field: ".".to_string(),
            new_type: type_name(b).to_string(),
        }),
        (None, None) => {}
    }
    header_changes(
        Side::Request,
        &old.request.headers,
        &new.request.headers,
        &mut out,
    );
    header_changes(
        Side::Response,
        &old.response.headers,
        &new.response.headers,
        &mut out,
    );
    out
}

fn header_changes(
    side: Side,
    old: &IndexMap<String, String>,
    new: &IndexMap<String, String>,
    out: &mut Vec<ChangeKind>,
) {
    let find = |map: &IndexMap<String, String>, name: &str| {
        map.iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.clone())
    };
    for (name, value) in new {
        match find(old, name) {
            None => out.push(ChangeKind::HeaderAdded {
                side,
                name: name.clone(),
                value: value.clone(),
            }),
            Some(before) if before != *value => out.push(ChangeKind::HeaderChanged {
                side,
                name: name.clone(),
                old: before,
                new: value.clone(),
            }),
            Some(_) => {}
        }
    }
    for (name, value) in old {
        if find(new, name).is_none() {
            out.push(ChangeKind::HeaderRemoved {
                side,
                name: name.clone(),
                value: value.clone(),
            });
        }
    }
}

/// The JSON type of an example value; `null` says nothing about the type.
fn type_name(value: &Value) -> &'static str {
    match value {
        Value::Null => "null",
        Value::Bool(_) => "boolean",
        Value::Number(_) => "number",
        Value::String(_) => "string",
        Value::Array(_) => "array",
        Value::Object(_) => "object",
    }
}

/// Where two bodies are being compared: JSON pointers into each (for placeholder markers) and
/// the field path shown to people.
struct Walk<'a> {
    old: &'a Fixture,
    new: &'a Fixture,
    pointer_old: String,
    pointer_new: String,
    field: String,
}

impl Walk<'_> {
    fn field(&self) -> String {
        if self.field.is_empty() {
            ".".to_string()
        } else {
            self.field.clone()
        }
    }

    fn key(&self, k: &str) -> Self {
        let escaped = crate::fixture::pointer::token(k);
        Walk {
            old: self.old,
            new: self.new,
            pointer_old: format!("{}/{escaped}", self.pointer_old),
            pointer_new: format!("{}/{escaped}", self.pointer_new),
            field: format!("{}.{k}", self.field),
        }
    }

    fn element(&self, i: usize, j: usize) -> Self {
        Walk {
            old: self.old,
            new: self.new,
            pointer_old: format!("{}/{i}", self.pointer_old),
            pointer_new: format!("{}/{j}", self.pointer_new),
            field: format!("{}[]", self.field),
        }
    }
}

/// The first element of an array that is an example rather than a "more like these" marker.
fn representative(items: &[Value], fixture: &Fixture, pointer: &str) -> Option<usize> {
    (0..items.len()).find(|i| {
        let at = format!("{pointer}/{i}");
        !fixture
            .placeholders
            .iter()
            .any(|p| p.kind == PlaceholderKind::MoreElements && p.pointer == at)
    })
}

/// Whether the docs show the response object at `pointer` only in part.
fn is_partial(fixture: &Fixture, pointer: &str) -> bool {
    fixture.placeholders.iter().any(|p| {
        p.kind == PlaceholderKind::Partial
            && p.body == crate::fixture::BodyRef::Response
            && p.pointer == pointer
    })
}

fn compare_values(old: &Value, new: &Value, at: &Walk, out: &mut Vec<ChangeKind>) {
    match (old, new) {
        (Value::Null, _) | (_, Value::Null) => {}
        (Value::Object(a), Value::Object(b)) => {
            for (k, v) in a {
                match b.get(k) {
                    Some(w) => compare_values(v, w, &at.key(k), out),
                    // the new docs show this object in part (`// ...`): not shown is not gone
                    None if is_partial(at.new, &at.pointer_new) => {}
                    None => out.push(ChangeKind::FieldRemoved {
                        field: at.key(k).field(),
                        old_type: type_name(v).to_string(),
                    }),
                }
            }
            for (k, w) in b {
                if !a.contains_key(k) {
                    out.push(ChangeKind::FieldAdded {
                        field: at.key(k).field(),
                        new_type: type_name(w).to_string(),
                    });
                }
            }
        }
        (Value::Array(a), Value::Array(b)) => {
            let i = representative(a, at.old, &at.pointer_old);
            let j = representative(b, at.new, &at.pointer_new);
            if let (Some(i), Some(j)) = (i, j) {
                compare_values(&a[i], &b[j], &at.element(i, j), out);
            }
        }
        (a, b) if type_name(a) != type_name(b) => out.push(ChangeKind::FieldTypeChanged {
            field: at.field(),
            old_type: type_name(a).to_string(),
            new_type: type_name(b).to_string(),
        }),
        _ => {}
    }
}

#[cfg(test)]
mod tests;
