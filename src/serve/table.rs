//! The route table: the servable fixtures of a doc set grouped into routes (method + path
//! template), each with its documented cases rendered and a matcher to find them.

use super::matcher::Matcher;
use super::response::Rendered;
use super::select::Params;
use crate::fixture::{BodyRef, DocSet, PlaceholderKind, RequestSpec, RouteTemplate, Segment};
use std::collections::HashMap;
use std::sync::atomic::{AtomicU64, Ordering};

/// Everything `serve` answers from; rebuilt as a whole when the docs change.
#[derive(Debug, Default)]
pub struct Table {
    pub routes: Vec<Route>,
    /// Cases that hold for every route (a 401 documented on an authentication page with a
    /// placeholder path): not routed, answered on any route that is asked for a case it does
    /// not document itself (`Prefer: code=401`).
    pub global: Vec<Case>,
    pub matcher: Matcher,
    /// Problems met while rendering (invalid headers ...), logged at load.
    pub warnings: Vec<String>,
}

/// One documented method + path template and its cases, in document order.
#[derive(Debug)]
pub struct Route {
    pub method: String,
    /// Normalized template, e.g. `/api/v1/dossiers/{dossier_id}/responses`.
    pub route: String,
    pub template: RouteTemplate,
    pub case_insensitive: bool,
    /// Parameter table of the endpoint (of its first fixture that has one).
    pub params: Params,
    pub cases: Vec<Case>,
    /// Index of the case served when nothing else decides: the first 2xx, else the first.
    pub success: usize,
    /// `file:line` of the declaration, for a route declared without any example (no cases):
    /// it is answered with a 501 that says so, not a 404 that says it is undocumented.
    pub declared_at: Option<String>,
    /// Some case documents a query or a body: only then can a request answered by a fallback
    /// have come close to a documented case (other path values alone are just other ids).
    pub documents_requests: bool,
    /// `"METHOD /route"` as a JSON string, the way docmock's 404 lists the route among the
    /// closest ones (written once here rather than escaped per 404).
    pub listed: Box<str>,
}

/// One documented case (fixture) of a route.
#[derive(Debug)]
pub struct Case {
    /// The fixture id: answers borrow it from the table they were served from, the journal
    /// copies it.
    pub id: String,
    /// The last part of the id (the case heading's slug), accepted by `Prefer: example=`.
    pub slug: String,
    /// Ids of identical fixtures documented elsewhere, accepted too.
    pub aliases: Vec<String>,
    pub title: String,
    pub status: u16,
    pub request: RequestSpec,
    /// Pointers of type-generated sample values in the documented request body: compared by
    /// type when matching a request.
    pub request_samples: Vec<String>,
    /// The error body, searched for a parameter name during validation.
    pub response_body: Option<serde_json::Value>,
    pub rendered: Rendered,
    /// The documented example itself: the proxy compares real answers with it.
    pub fixture: std::sync::Arc<crate::fixture::Fixture>,
    /// How many times this case was served (coverage), counted per request thread.
    pub served: ServedCount,
}

impl Case {
    pub fn record_served(&self) {
        self.served.add();
    }

    pub fn served_count(&self) -> u64 {
        self.served.total()
    }

    /// Does this case document a query or a body, which a request can come close to?
    pub fn documents_request(&self) -> bool {
        !self.request.query.is_empty() || self.request.body.is_some()
    }

    /// Is this case named by `Prefer: example=<name>` (full id, duplicate id, or slug)?
    pub fn is_named(&self, name: &str) -> bool {
        self.has_id(name) || self.slug == name
    }

    /// Is `name` this case's fixture id, or the id of an identical example documented
    /// elsewhere?
    pub fn has_id(&self, name: &str) -> bool {
        self.id == name || self.aliases.iter().any(|a| a == name)
    }
}

impl Table {
    /// Build the table from every servable fixture of the doc set.
    pub fn build(docs: &DocSet) -> Table {
        let mut table = Table::default();
        let mut index: HashMap<(String, String), usize> = HashMap::new();
        let mut aliases: HashMap<&str, Vec<String>> = HashMap::new();
        for fixture in docs.fixtures() {
            if let Some(original) = &fixture.duplicate_of {
                aliases
                    .entry(original.as_str())
                    .or_default()
                    .push(fixture.id.clone());
            }
        }
        for fixture in docs.servable() {
            if fixture.global {
                let case = Case::new(fixture, aliases.remove(fixture.id.as_str()), &mut table);
                table.global.push(case);
                continue;
            }
            let method = fixture.request.method.to_ascii_uppercase();
            let template = RouteTemplate::parse(&fixture.request.route);
            let case_insensitive = fixture.request.case_insensitive;
            let key = route_key(&method, &template, case_insensitive);
            let route_index = *index.entry(key).or_insert_with(|| {
                table.routes.push(Route {
                    method: method.clone(),
                    route: fixture.request.route.clone(),
                    template: template.clone(),
                    case_insensitive,
                    params: Params::default(),
                    cases: Vec::new(),
                    success: 0,
                    declared_at: None,
                    documents_requests: false,
                    listed: super::own::listed(&method, &fixture.request.route),
                });
                table.routes.len() - 1
            });
            let case = Case::new(fixture, aliases.remove(fixture.id.as_str()), &mut table);
            let route = &mut table.routes[route_index];
            if route.params.is_empty() {
                route.params = Params::new(fixture.params.clone());
            }
            route.cases.push(case);
        }
        for (page, endpoint) in docs.endpoints() {
            // examples of a declaration they contradict are served under the route they show
            let served_elsewhere = !endpoint.examples.is_empty();
            let method = endpoint.method.to_ascii_uppercase();
            let template = RouteTemplate::parse(&endpoint.route);
            let key = route_key(&method, &template, endpoint.case_insensitive);
            if served_elsewhere || index.contains_key(&key) {
                continue;
            }
            index.insert(key, table.routes.len());
            table.routes.push(Route {
                route: endpoint.route.clone(),
                template,
                case_insensitive: endpoint.case_insensitive,
                params: Params::new(endpoint.params.clone()),
                cases: Vec::new(),
                success: 0,
                declared_at: Some(format!("{}:{}", page.file, endpoint.line)),
                documents_requests: false,
                listed: super::own::listed(&method, &endpoint.route),
                method,
            });
        }
        for (i, route) in table.routes.iter_mut().enumerate() {
            route.documents_requests = route.cases.iter().any(Case::documents_request);
            route.success = route
                .cases
                .iter()
                .position(|c| (200..300).contains(&c.status))
                .unwrap_or(0);
            table
                .matcher
                .insert(&route.method, &route.template, route.case_insensitive, i);
            // `/orders//items` documented as a case of `/orders/{id}/items` (a 404 for the
            // missing id): that parameter also matches an empty segment
            for (position, name) in route.template.segments.iter().enumerate() {
                let Segment::Param(name) = name else { continue };
                let blank = route.cases.iter().any(|c| {
                    c.request
                        .path_params
                        .get(name)
                        .is_some_and(String::is_empty)
                });
                if blank {
                    table
                        .matcher
                        .accept_blank(&route.template, route.case_insensitive, position);
                }
            }
        }
        table
    }

    /// Number of documented cases served.
    pub fn case_count(&self) -> usize {
        self.routes.iter().map(|r| r.cases.len()).sum()
    }
}

impl Case {
    /// A fixture as a servable case, rendered once; rendering problems go to the table's
    /// warnings.
    fn new(
        fixture: &crate::fixture::Fixture,
        aliases: Option<Vec<String>>,
        table: &mut Table,
    ) -> Case {
        let (rendered, warnings) = Rendered::from_fixture(fixture);
        table.warnings.extend(warnings);
        let slug = fixture
            .id
            .rsplit('/')
            .next()
            .unwrap_or(&fixture.id)
            .split('@')
            .next()
            .unwrap_or_default()
            .to_string();
        Case {
            id: fixture.id.clone(),
            slug,
            aliases: aliases.unwrap_or_default(),
            title: fixture.title.clone(),
            status: fixture.response.status,
            request: fixture.request.clone(),
            request_samples: fixture
                .placeholders
                .iter()
                .filter(|p| p.body == BodyRef::Request && p.kind == PlaceholderKind::SampleValue)
                .map(|p| p.pointer.clone())
                .collect(),
            response_body: fixture.response.body.clone(),
            rendered,
            fixture: std::sync::Arc::new(fixture.clone()),
            served: ServedCount::default(),
        }
    }
}

/// A counter with one cell per request thread (up to [`ServedCount::CELLS`]), each on its own
/// cache line: the same case served by two threads at once does not bounce a line between
/// cores.
#[derive(Debug, Default)]
pub struct ServedCount([Cell; ServedCount::CELLS]);

#[derive(Debug, Default)]
#[repr(align(64))]
struct Cell(AtomicU64);

impl ServedCount {
    pub const CELLS: usize = 4;

    pub fn add(&self) {
        self.0[super::thread_index() % Self::CELLS]
            .0
            .fetch_add(1, Ordering::Relaxed);
    }

    pub fn total(&self) -> u64 {
        self.0.iter().map(|c| c.0.load(Ordering::Relaxed)).sum()
    }
}

/// One route per method and template shape: parameter names do not matter to a request, and
/// case does not matter for ASP.NET routes.
fn route_key(method: &str, template: &RouteTemplate, case_insensitive: bool) -> (String, String) {
    let shape = template
        .segments
        .iter()
        .map(|s| match s {
            Segment::Literal(l) if case_insensitive => l.to_ascii_lowercase(),
            Segment::Literal(l) => l.clone(),
            Segment::Param(_) => "{}".to_string(),
        })
        .collect::<Vec<_>>()
        .join("/");
    (method.to_string(), format!("{case_insensitive}:{shape}"))
}
