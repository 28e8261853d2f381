//! Diff: what changed between two versions of the docs, and whether clients break.
//!
//! In: two [`DocSet`]s (from doc folders, extracted fixture folders or git revisions). Out: a
//! [`DiffReport`], a flat list of [`Change`]s, each classified [`Class::Breaking`] or
//! [`Class::Compatible`]; [`crate::report::diff`] renders it.
//!
//! Routes are matched by method and route template (case-insensitively for ASP.NET routes),
//! cases by fixture id (`page/endpoint/case` slugs). Examples that repeat an identical one of
//! another page are compared once. The rules, from a client's point of view:
//!
//! | change | class |
//! |---|---|
//! | route or case removed | breaking |
//! | route or case added | compatible |
//! | case moved to another method or route | breaking |
//! | status changed | breaking |
//! | response field removed, or of another type | breaking |
//! | response field added | compatible |
//! | request parameter became required (or added as required) | breaking |
//! | request parameter added as optional, or no longer required | compatible |
//! | request parameter removed from the table | breaking (clients relying on it lose it) |
//! | request header added or changed | breaking (clients must send it) |
//! | request header removed | compatible |
//! | response header removed or changed | breaking |
//! | response header added | compatible |
//!
//! `null` in an example says nothing about a field's type, so a change from or to `null` is not
//! a type change; integers and decimals are both `number`.

use crate::fixture::{DocSet, Fixture, Param, ParamLocation, PlaceholderKind};
use indexmap::IndexMap;
use serde::Serialize;
use serde_json::Value;

/// Whether a change can break an existing client.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Class {
    Breaking,
    Compatible,
}

impl Class {
    pub fn as_str(self) -> &'static str {
        match self {
            Class::Breaking => "breaking",
            Class::Compatible => "compatible",
        }
    }
}

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
    pub class: Class,
    /// The route the change is about (the new one when a case moved).
    pub method: String,
    pub route: String,
    /// The fixture id of the case, for case-level changes.
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

/// What changed. Response fields are written as paths: `.` is the whole body, `.a.b` a key,
/// `[]` the elements of an array (`.responses[].name`).
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum ChangeKind {
    RouteAdded {
        cases: Vec<String>,
    },
    RouteRemoved {
        cases: Vec<String>,
    },
    CaseAdded {
        status: u16,
    },
    CaseRemoved {
        status: u16,
    },
    CaseMoved {
        old_method: String,
        old_route: String,
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
    ParamRequired {
        name: String,
        location: ParamLocation,
        was: String,
    },
    ParamNoLongerRequired {
        name: String,
        location: ParamLocation,
    },
    ParamAdded {
        name: String,
        location: ParamLocation,
    },
    ParamRemoved {
        name: String,
        location: ParamLocation,
    },
    /// The documented enum changed (empty: any value of the type). Breaking when a value the
    /// old docs allowed is no longer allowed.
    ParamValuesChanged {
        name: String,
        location: ParamLocation,
        old: Vec<String>,
        new: Vec<String>,
    },
    ParamDeprecated {
        name: String,
        location: ParamLocation,
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
}

impl ChangeKind {
    fn class(&self) -> Class {
        use ChangeKind::*;
        match self {
            RouteAdded { .. } | CaseAdded { .. } | FieldAdded { .. } => Class::Compatible,
            ParamNoLongerRequired { .. } | ParamAdded { .. } | ParamDeprecated { .. } => {
                Class::Compatible
            }
            ParamValuesChanged { old, new, .. } => {
                let narrowed =
                    !new.is_empty() && (old.is_empty() || old.iter().any(|v| !new.contains(v)));
                if narrowed {
                    Class::Breaking
                } else {
                    Class::Compatible
                }
            }
            HeaderAdded {
                side: Side::Response,
                ..
            }
            | HeaderRemoved {
                side: Side::Request,
                ..
            } => Class::Compatible,
            RouteRemoved { .. }
            | CaseRemoved { .. }
            | CaseMoved { .. }
            | StatusChanged { .. }
            | FieldRemoved { .. }
            | FieldTypeChanged { .. }
            | ParamRequired { .. }
            | ParamRemoved { .. }
            | HeaderAdded { .. }
            | HeaderRemoved { .. }
            | HeaderChanged { .. } => Class::Breaking,
        }
    }
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
        match &self.kind {
            RouteAdded { cases: c } => format!("route added ({})", cases(c.len())),
            RouteRemoved { cases: c } => format!("route removed ({})", cases(c.len())),
            CaseAdded { status } => format!("case added ({status})"),
            CaseRemoved { status } => format!("case removed ({status})"),
            CaseMoved {
                old_method,
                old_route,
            } => format!("case moved here from `{old_method} {old_route}`"),
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
            ParamRequired {
                name,
                location: l,
                was,
            } => {
                format!(
                    "parameter `{name}` ({}) is now required (was {was})",
                    location(l)
                )
            }
            ParamNoLongerRequired { name, location: l } => {
                format!("parameter `{name}` ({}) is no longer required", location(l))
            }
            ParamAdded { name, location: l } => {
                format!("optional parameter `{name}` ({}) added", location(l))
            }
            ParamRemoved { name, location: l } => {
                format!("parameter `{name}` ({}) removed", location(l))
            }
            ParamValuesChanged {
                name,
                location: l,
                old,
                new,
            } => {
                let values = |v: &[String]| {
                    if v.is_empty() {
                        "any value".to_string()
                    } else {
                        v.join(", ")
                    }
                };
                format!(
                    "parameter `{name}` ({}) allowed values changed: {} -> {}",
                    location(l),
                    values(old),
                    values(new)
                )
            }
            ParamDeprecated {
                name,
                location: l,
                replaced_by,
            } => match replaced_by {
                Some(new) => format!(
                    "parameter `{name}` ({}) is deprecated (use `{new}`)",
                    location(l)
                ),
                None => format!("parameter `{name}` ({}) is deprecated", location(l)),
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
        }
    }
}

fn side_word(side: Side) -> &'static str {
    match side {
        Side::Request => "request",
        Side::Response => "response",
    }
}

/// Everything that changed, in route order (old routes first, then new ones), routes before
/// their cases.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct DiffReport {
    /// What was compared, as given on the command line.
    pub old: String,
    pub new: String,
    pub breaking: usize,
    pub compatible: usize,
    pub changes: Vec<Change>,
}

impl DiffReport {
    /// The same report, labelled with what was compared.
    pub fn labelled(mut self, old: &str, new: &str) -> Self {
        self.old = old.to_string();
        self.new = new.to_string();
        self
    }
}

/// A route as documented by one version: where, its parameters, its cases.
#[derive(Debug, Default)]
struct RouteInfo<'a> {
    method: String,
    route: String,
    source: Option<String>,
    params: Vec<&'a Param>,
    cases: Vec<&'a Fixture>,
}

type RouteKey = (String, String);

fn key(method: &str, route: &str, case_insensitive: bool) -> RouteKey {
    let route = if case_insensitive {
        route.to_ascii_lowercase()
    } else {
        route.to_string()
    };
    (method.to_ascii_uppercase(), route)
}

fn fixture_key(f: &Fixture) -> RouteKey {
    key(
        &f.request.method,
        &f.request.route,
        f.request.case_insensitive,
    )
}

/// The routes of a doc set, in the order first documented.
fn routes(docs: &DocSet) -> IndexMap<RouteKey, RouteInfo<'_>> {
    let mut out: IndexMap<RouteKey, RouteInfo> = IndexMap::new();
    for (page, endpoint) in docs.endpoints() {
        let info = out
            .entry(key(
                &endpoint.method,
                &endpoint.route,
                endpoint.case_insensitive,
            ))
            .or_insert_with(|| RouteInfo {
                method: endpoint.method.clone(),
                route: endpoint.route.clone(),
                source: Some(format!("{}:{}", page.file, endpoint.line)),
                ..Default::default()
            });
        for param in &endpoint.params {
            if !info
                .params
                .iter()
                .any(|p| p.name.eq_ignore_ascii_case(&param.name))
            {
                info.params.push(param);
            }
        }
    }
    for fixture in docs.servable() {
        let info = out
            .entry(fixture_key(fixture))
            .or_insert_with(|| RouteInfo {
                method: fixture.request.method.clone(),
                route: fixture.request.route.clone(),
                source: Some(source(fixture)),
                ..Default::default()
            });
        info.cases.push(fixture);
    }
    // routes documented only by examples take their parameters from the examples
    for info in out.values_mut() {
        if info.params.is_empty() {
            if let Some(first) = info.cases.first() {
                info.params = first.params.iter().collect();
            }
        }
    }
    out
}

fn source(f: &Fixture) -> String {
    format!("{}:{}", f.source.file, f.source.line)
}

/// Compare two versions of the docs.
pub fn compare(old: &DocSet, new: &DocSet) -> DiffReport {
    let old_routes = routes(old);
    let new_routes = routes(new);
    let mut changes = Vec::new();
    let push = |changes: &mut Vec<Change>,
                method: &str,
                route: &str,
                case: Option<(&Fixture, Option<&Fixture>)>,
                kind: ChangeKind,
                old_source: Option<String>,
                new_source: Option<String>| {
        let (id, title) = match case {
            Some((a, _)) => (Some(a.id.clone()), Some(a.title.clone())),
            None => (None, None),
        };
        changes.push(Change {
            class: kind.class(),
            method: method.to_string(),
            route: route.to_string(),
            case: id,
            title,
            kind,
            old_source,
            new_source,
        });
    };
    let mut order: Vec<&RouteKey> = old_routes.keys().collect();
    order.extend(new_routes.keys().filter(|k| !old_routes.contains_key(*k)));
    let old_cases: IndexMap<&str, &Fixture> = old.servable().map(|f| (f.id.as_str(), f)).collect();
    let new_cases: IndexMap<&str, &Fixture> = new.servable().map(|f| (f.id.as_str(), f)).collect();
    for route_key in order {
        match (old_routes.get(route_key), new_routes.get(route_key)) {
            (Some(o), None) => push(
                &mut changes,
                &o.method,
                &o.route,
                None,
                ChangeKind::RouteRemoved {
                    cases: o.cases.iter().map(|f| f.id.clone()).collect(),
                },
                o.source.clone(),
                None,
            ),
            (None, Some(n)) => push(
                &mut changes,
                &n.method,
                &n.route,
                None,
                ChangeKind::RouteAdded {
                    cases: n.cases.iter().map(|f| f.id.clone()).collect(),
                },
                None,
                n.source.clone(),
            ),
            (Some(o), Some(n)) => {
                for kind in param_changes(&o.params, &n.params) {
                    push(
                        &mut changes,
                        &n.method,
                        &n.route,
                        None,
                        kind,
                        o.source.clone(),
                        n.source.clone(),
                    );
                }
                // cases removed from this route, or moved away from it
                for case in &o.cases {
                    if !new_cases.contains_key(case.id.as_str()) {
                        push(
                            &mut changes,
                            &n.method,
                            &n.route,
                            Some((case, None)),
                            ChangeKind::CaseRemoved {
                                status: case.response.status,
                            },
                            Some(source(case)),
                            None,
                        );
                    }
                }
                for case in &n.cases {
                    let Some(before) = old_cases.get(case.id.as_str()) else {
                        push(
                            &mut changes,
                            &n.method,
                            &n.route,
                            Some((case, None)),
                            ChangeKind::CaseAdded {
                                status: case.response.status,
                            },
                            None,
                            Some(source(case)),
                        );
                        continue;
                    };
                    for kind in case_changes(before, case) {
                        push(
                            &mut changes,
                            &n.method,
                            &n.route,
                            Some((case, Some(before))),
                            kind,
                            Some(source(before)),
                            Some(source(case)),
                        );
                    }
                }
            }
            (None, None) => {}
        }
    }
    let breaking = changes
        .iter()
        .filter(|c| c.class == Class::Breaking)
        .count();
    DiffReport {
        old: String::new(),
        new: String::new(),
        breaking,
        compatible: changes.len() - breaking,
        changes,
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

fn param_changes(old: &[&Param], new: &[&Param]) -> Vec<ChangeKind> {
    let mut out = Vec::new();
    fn find<'p>(list: &[&'p Param], name: &str) -> Option<&'p Param> {
        list.iter()
            .find(|p| p.name.eq_ignore_ascii_case(name))
            .copied()
    }
    for p in new {
        match find(old, &p.name) {
            None if p.required => out.push(ChangeKind::ParamRequired {
                name: p.name.clone(),
                location: p.location,
                was: "not documented".to_string(),
            }),
            None => out.push(ChangeKind::ParamAdded {
                name: p.name.clone(),
                location: p.location,
            }),
            Some(o) if strictness(p) > strictness(o) => out.push(ChangeKind::ParamRequired {
                name: p.name.clone(),
                location: p.location,
                was: requirement(o),
            }),
            Some(o) if strictness(p) < strictness(o) && !p.required => {
                out.push(ChangeKind::ParamNoLongerRequired {
                    name: p.name.clone(),
                    location: p.location,
                })
            }
            Some(_) => {}
        }
        let Some(o) = find(old, &p.name) else {
            continue;
        };
        if o.allowed != p.allowed {
            out.push(ChangeKind::ParamValuesChanged {
                name: p.name.clone(),
                location: p.location,
                old: o.allowed.clone(),
                new: p.allowed.clone(),
            });
        }
        if p.deprecated && !o.deprecated {
            out.push(ChangeKind::ParamDeprecated {
                name: p.name.clone(),
                location: p.location,
                replaced_by: p.replaced_by.clone(),
            });
        }
    }
    for p in old {
        if find(new, &p.name).is_none() {
            out.push(ChangeKind::ParamRemoved {
                name: p.name.clone(),
                location: p.location,
            });
        }
    }
    out
}

fn case_changes(old: &Fixture, new: &Fixture) -> Vec<ChangeKind> {
    let mut out = Vec::new();
    if fixture_key(old) != fixture_key(new) {
        out.push(ChangeKind::CaseMoved {
            old_method: old.request.method.clone(),
            old_route: old.request.route.clone(),
        });
    }
    if old.response.status != new.response.status {
        out.push(ChangeKind::StatusChanged {
            old: old.response.status,
            new: new.response.status,
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
        let escaped = k.replace('~', "~0").replace('/', "~1");
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
