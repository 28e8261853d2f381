//! `docmock routes`: one row per documented route (method and route), built from endpoint
//! declarations and examples of every page, rendered as a table or JSON; global cases (an
//! authentication page's 401 for any route) listed apart, after the routes.

use crate::fixture::{DocSet, Param};
use serde::Serialize;
use std::collections::{HashMap, HashSet};
use std::io::{self, Write};

/// One documented route.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct RouteSummary {
    pub method: String,
    pub route: String,
    /// Documented statuses, ascending, each once.
    pub statuses: Vec<u16>,
    /// `file:line` of every declaration and example, declarations first.
    pub sources: Vec<String>,
    /// False for a route declared without any example.
    pub example: bool,
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub case_insensitive: bool,
    /// Pairs of fixture ids documenting the same case differently.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub conflicts: Vec<(String, String)>,
    /// The docs mark the whole route deprecated: a declaration says so, or (a route no page
    /// declares) every example does.
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub route_deprecated: bool,
    /// What replaces the deprecated route, as the docs name it.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub replaced_by: Option<String>,
    /// Parameters the docs deprecate, in table order.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub deprecated: Vec<Deprecated>,
    /// Route parameters inferred from concrete segments of undeclared example paths.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub inferred: Vec<String>,
    /// Global cases documented with this placeholder path: they are no route of their own,
    /// and any route answers them when asked (`Prefer: code=401`). Listed after the routes.
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub global: bool,
}

/// A deprecated parameter of a route and what replaces it, if the docs say.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Deprecated {
    pub name: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub replaced_by: Option<String>,
}

impl RouteSummary {
    fn note_deprecated(&mut self, params: &[Param]) {
        for p in params.iter().filter(|p| p.deprecated) {
            if !self.deprecated.iter().any(|d| d.name == p.name) {
                self.deprecated.push(Deprecated {
                    name: p.name.clone(),
                    replaced_by: p.replaced_by.clone(),
                });
            }
        }
    }
}

/// Every route of the doc set, in the order first documented.
pub fn summarize(docs: &DocSet) -> Vec<RouteSummary> {
    let mut routes: Vec<RouteSummary> = Vec::new();
    let key = |method: &str, route: &str, ci: bool| {
        let route = if ci {
            route.to_ascii_lowercase()
        } else {
            route.to_string()
        };
        (method.to_string(), route)
    };
    let mut index: HashMap<(String, String), usize> = Default::default();
    let mut declared: HashSet<usize> = HashSet::new();
    let mut entry = |method: &str, route: &str, ci: bool, routes: &mut Vec<RouteSummary>| {
        *index.entry(key(method, route, ci)).or_insert_with(|| {
            routes.push(RouteSummary {
                method: method.to_string(),
                route: route.to_string(),
                statuses: Vec::new(),
                sources: Vec::new(),
                example: false,
                case_insensitive: ci,
                conflicts: Vec::new(),
                route_deprecated: false,
                replaced_by: None,
                deprecated: Vec::new(),
                inferred: Vec::new(),
                global: false,
            });
            routes.len() - 1
        })
    };
    for (page, endpoint) in docs.endpoints() {
        // a declaration its examples contradict on a literal segment: its row is the route
        // the examples show (which is what `serve` answers)
        let shown = page
            .fixtures
            .iter()
            .find(|f| {
                f.request.method == endpoint.method
                    && f.request.declared_route.as_ref() == Some(&endpoint.route)
            })
            .map_or(&endpoint.route, |f| &f.request.route);
        let i = entry(
            &endpoint.method,
            shown,
            endpoint.case_insensitive,
            &mut routes,
        );
        routes[i]
            .sources
            .push(format!("{}:{}", page.file, endpoint.line));
        routes[i].note_deprecated(&endpoint.params);
        declared.insert(i);
        if endpoint.deprecated {
            routes[i].route_deprecated = true;
            if routes[i].replaced_by.is_none() {
                routes[i].replaced_by = endpoint.replaced_by.clone();
            }
        }
    }
    // routes no page declares are deprecated when every example is: index → the replacement
    // named (`None` once an example is not deprecated)
    let mut by_examples: HashMap<usize, Option<Option<String>>> = HashMap::new();
    let mut global: Vec<RouteSummary> = Vec::new();
    for fixture in docs.fixtures() {
        let request = &fixture.request;
        let route = if fixture.global {
            let found = global
                .iter()
                .position(|g| g.method == request.method && g.route == request.route);
            let i = found.unwrap_or_else(|| {
                global.push(RouteSummary {
                    method: request.method.clone(),
                    route: request.route.clone(),
                    statuses: Vec::new(),
                    sources: Vec::new(),
                    example: true,
                    case_insensitive: false,
                    conflicts: Vec::new(),
                    route_deprecated: false,
                    replaced_by: None,
                    deprecated: Vec::new(),
                    inferred: Vec::new(),
                    global: true,
                });
                global.len() - 1
            });
            &mut global[i]
        } else {
            let i = entry(
                &request.method,
                &request.route,
                request.case_insensitive,
                &mut routes,
            );
            let all = by_examples.entry(i).or_insert(Some(None));
            if !fixture.deprecated {
                *all = None;
            } else if *all == Some(None) {
                *all = Some(fixture.replaced_by.clone());
            }
            &mut routes[i]
        };
        for name in &request.inferred {
            if !route.inferred.contains(name) {
                route.inferred.push(name.clone());
            }
        }
        route.example = true;
        route.note_deprecated(&fixture.params);
        if !route.statuses.contains(&fixture.response.status) {
            route.statuses.push(fixture.response.status);
        }
        let source = format!("{}:{}", fixture.source.file, fixture.source.line);
        if !route.sources.contains(&source) {
            route.sources.push(source);
        }
        for other in &fixture.conflicts_with {
            let pair = if fixture.id < *other {
                (fixture.id.clone(), other.clone())
            } else {
                (other.clone(), fixture.id.clone())
            };
            if !route.conflicts.contains(&pair) {
                route.conflicts.push(pair);
            }
        }
    }
    for (i, all) in by_examples {
        if let (false, Some(replaced_by)) = (declared.contains(&i), all) {
            routes[i].route_deprecated = true;
            routes[i].replaced_by = replaced_by;
        }
    }
    routes.extend(global);
    for route in &mut routes {
        route.statuses.sort_unstable();
    }
    routes
}

/// A readable table: method, route, statuses, first source (and how many more), notes.
pub fn render_table(routes: &[RouteSummary], out: &mut impl Write) -> io::Result<()> {
    let (global, routed): (Vec<&RouteSummary>, Vec<&RouteSummary>) =
        routes.iter().partition(|r| r.global);
    table(&routed, ["METHOD", "ROUTE"], out)?;
    writeln!(
        out,
        "{} routes, {} without an example",
        routed.len(),
        routed.iter().filter(|r| !r.example).count()
    )?;
    if !global.is_empty() {
        writeln!(
            out,
            "\nGlobal cases: any route answers them when asked (`Prefer: code=` or `example=`) and documents no such case itself"
        )?;
        table(&global, ["METHOD", "DOCUMENTED AS"], out)?;
    }
    Ok(())
}

fn table(routes: &[&RouteSummary], names: [&str; 2], out: &mut impl Write) -> io::Result<()> {
    let rows: Vec<[String; 5]> = routes
        .iter()
        .map(|r| {
            let statuses = if r.example {
                r.statuses
                    .iter()
                    .map(u16::to_string)
                    .collect::<Vec<_>>()
                    .join(" ")
            } else {
                "-".to_string()
            };
            let source = match r.sources.len() {
                0 => String::new(),
                1 => r.sources[0].clone(),
                n => format!("{} (+{} more)", r.sources[0], n - 1),
            };
            let mut notes = Vec::new();
            if !r.example {
                notes.push("no example".to_string());
            }
            if r.case_insensitive {
                notes.push("case-insensitive".to_string());
            }
            if !r.inferred.is_empty() {
                notes.push(format!("inferred: {}", r.inferred.join(", ")));
            }
            for (a, b) in &r.conflicts {
                notes.push(format!("conflicting examples: {a} vs {b}"));
            }
            if r.route_deprecated {
                notes.push(match &r.replaced_by {
                    Some(new) => format!("deprecated route → {new}"),
                    None => "deprecated route".to_string(),
                });
            }
            if !r.deprecated.is_empty() {
                let params: Vec<String> = r
                    .deprecated
                    .iter()
                    .map(|d| match &d.replaced_by {
                        Some(new) => format!("{} → {new}", d.name),
                        None => d.name.clone(),
                    })
                    .collect();
                notes.push(format!("deprecated: {}", params.join(", ")));
            }
            // a file name or heading with a line break must not break the table
            [
                crate::report::printable(&r.method).into_owned(),
                crate::report::printable(&r.route).into_owned(),
                statuses,
                crate::report::printable(&source).into_owned(),
                crate::report::printable(&notes.join("; ")).into_owned(),
            ]
        })
        .collect();
    let header = [names[0], names[1], "STATUSES", "SOURCE", "NOTES"].map(String::from);
    let mut widths = header.clone().map(|h| h.len());
    for row in &rows {
        for (w, cell) in widths.iter_mut().zip(row) {
            *w = (*w).max(cell.chars().count());
        }
    }
    for row in std::iter::once(&header).chain(&rows) {
        let mut line = String::new();
        for (i, cell) in row.iter().enumerate() {
            if i + 1 == row.len() {
                line.push_str(cell);
            } else {
                line.push_str(&format!("{cell:<w$}  ", w = widths[i]));
            }
        }
        writeln!(out, "{}", line.trim_end())?;
    }
    Ok(())
}

/// The routes as a pretty JSON array.
pub fn render_json(routes: &[RouteSummary], out: &mut impl Write) -> io::Result<()> {
    serde_json::to_writer_pretty(&mut *out, routes)?;
    out.write_all(b"\n")
}
