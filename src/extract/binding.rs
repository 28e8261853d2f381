//! Which route an example belongs to, read as a person (and a router) would, for Markdown and
//! rendered pages alike: the most specific declaration of the page that matches it
//! ([`owning_endpoint`]), a declaration its examples contradict on a literal segment
//! ([`near_declaration`], undone by [`unbind_outvoted`] when another example matches it), a
//! template inferred from an undeclared concrete path ([`undeclared_request`]), or a case that
//! holds for every route ([`is_generic_example`]).

use super::common;
use crate::fixture::{is_uuid, param_name, Endpoint, Fixture, RequestSpec, RouteTemplate};
use std::collections::HashSet;

/// The endpoint among `candidates` (nearest first) that an example with this method and path
/// belongs to, as a router would choose: of the declarations with the same method whose route
/// the path matches, the most specific (a literal segment beats a parameter at the first place
/// they differ); the nearest breaks ties.
pub fn owning_endpoint<'a>(
    candidates: impl IntoIterator<Item = &'a Endpoint>,
    method: &str,
    path: &str,
) -> Option<&'a Endpoint> {
    // the path parsed once, each declaration's route read in place: a page with thousands
    // of declarations and examples stays fast
    let concrete = RouteTemplate::parse(path);
    let mut best: Option<(&Endpoint, RouteTemplate)> = None;
    for e in candidates {
        if !e.method.eq_ignore_ascii_case(method)
            || !RouteTemplate::route_matches(&e.route, &concrete, e.case_insensitive)
        {
            continue;
        }
        let template = RouteTemplate::parse(&e.route);
        let better = best
            .as_ref()
            .is_none_or(|(_, b)| template.cmp_specificity(b) == std::cmp::Ordering::Greater);
        if better {
            best = Some((e, template));
        }
    }
    best.map(|(e, _)| e)
}

/// Where an example was bound: its request (route, path values, `inferred`,
/// `declared_route`), the declaration it belongs to, and whether it is a global case.
pub struct Bound<'a> {
    pub request: RequestSpec,
    pub owner: Option<&'a Endpoint>,
    pub global: bool,
}

/// Bind an example as a reader would, in this order: the most specific matching declaration
/// among `candidates` (its section's first, nearest first, then the rest of the page's); a
/// declaration of its section (`section`, the first `section_len` candidates) it contradicts
/// on a literal segment; a case of every route when its path is a placeholder on a page or
/// under a heading about errors or authentication (`topic`: page title, endpoint and case
/// headings); else a route of its own, with parameters inferred from its concrete segments.
pub fn bind<'a>(
    candidates: &[&'a Endpoint],
    section_len: usize,
    method: &str,
    path: &str,
    topic: &[&str],
    called_ids: &CalledIds,
) -> Bound<'a> {
    if let Some(e) = owning_endpoint(candidates.iter().copied(), method, path) {
        return Bound {
            request: common::request(method, path, Some(e)),
            owner: Some(e),
            global: false,
        };
    }
    let section = &candidates[..section_len.min(candidates.len())];
    if let Some(e) = near_declaration(section.iter().copied(), method, path) {
        return Bound {
            request: near_request(method, path, e),
            owner: Some(e),
            global: false,
        };
    }
    let global = is_generic_example(topic, path);
    let request = if global {
        common::request(method, path, None)
    } else {
        undeclared_request(method, path, called_ids)
    };
    Bound {
        request,
        owner: None,
        global,
    }
}

/// Two literal segments close enough that one reads as a misspelling of the other
/// (`order` / `orders`): at most half the longer one's characters differ.
pub fn close_segments(a: &str, b: &str) -> bool {
    let (a, b) = (a.to_lowercase(), b.to_lowercase());
    let longest = a.chars().count().max(b.chars().count());
    a != b && strsim::levenshtein(&a, &b) * 2 <= longest
}

/// The declaration among `candidates` (the example's section, nearest first) that an example
/// contradicts only on literal segments, each a near spelling of the declared one
/// (`/order/:id/items` declared, `/orders/abc/items` shown): same method, same number of
/// segments, parameters where the declaration has them.
pub fn near_declaration<'a>(
    candidates: impl IntoIterator<Item = &'a Endpoint>,
    method: &str,
    path: &str,
) -> Option<&'a Endpoint> {
    let shown = RouteTemplate::parse(path);
    candidates.into_iter().find(|e| {
        if !e.method.eq_ignore_ascii_case(method) {
            return false;
        }
        let declared = RouteTemplate::parse(&e.route);
        if declared.segments.len() != shown.segments.len() {
            return false;
        }
        let mut differ = false;
        for pair in declared.segments.iter().zip(&shown.segments) {
            use crate::fixture::Segment::{Literal, Param};
            match pair {
                (Literal(a), Literal(b)) => {
                    let same = if e.case_insensitive {
                        a.eq_ignore_ascii_case(b)
                    } else {
                        a == b
                    };
                    if !same {
                        if !close_segments(a, b) {
                            return false;
                        }
                        differ = true;
                    }
                }
                (Literal(_), Param(_)) => return false,
                (Param(_), _) => {}
            }
        }
        differ
    })
}

/// The request of an example bound to a declaration it contradicts on literal segments: the
/// route keeps the example's literals (what the examples show is what is served) and the
/// declaration's parameters, bound to the example's values; `declared_route` names the
/// declaration.
pub fn near_request(method: &str, path: &str, declared: &Endpoint) -> RequestSpec {
    let mut spec = common::request(method, path, None);
    let shown = RouteTemplate::parse(path);
    let template = RouteTemplate::parse(&declared.route);
    let mut segments = Vec::new();
    for (want, got) in template.segments.iter().zip(&shown.segments) {
        use crate::fixture::Segment::{Literal, Param};
        match (want, got) {
            (Param(name), Literal(value)) => {
                spec.path_params.insert(name.clone(), value.clone());
                segments.push(format!("{{{name}}}"));
            }
            (Param(name), Param(_)) => segments.push(format!("{{{name}}}")),
            (Literal(_), Literal(shown)) => segments.push(shown.clone()),
            (Literal(l), Param(_)) => segments.push(l.clone()),
        }
    }
    spec.route = format!("/{}", segments.join("/"));
    spec.case_insensitive = declared.case_insensitive;
    spec.declared_route = Some(declared.route.clone());
    spec
}

/// An example bound to a declaration it contradicts ([`near_declaration`]) belongs
/// to it only while no example of the page matches the declaration as written: otherwise the
/// declaration is right and the example documents a route of its own.
pub fn unbind_outvoted(fixtures: &mut [Fixture], called_ids: &CalledIds) {
    let exact: Vec<(String, String)> = fixtures
        .iter()
        .filter(|f| f.request.declared_route.is_none())
        .map(|f| (f.request.method.clone(), f.request.route.clone()))
        .collect();
    for fixture in fixtures.iter_mut() {
        let Some(declared) = &fixture.request.declared_route else {
            continue;
        };
        let matched = exact
            .iter()
            .any(|(m, r)| *m == fixture.request.method && r == declared);
        if matched {
            let old = std::mem::take(&mut fixture.request);
            fixture.request = undeclared_request(&old.method, &old.path, called_ids);
            fixture.request.headers = old.headers;
            fixture.request.body = old.body;
            fixture.params.clear();
        }
    }
}

/// Words the page's text calls an id: `abc123` in "where `abc123` is the widget id" or
/// "replace `abc123` with your widget's id".
#[derive(Debug, Clone, Default)]
pub struct CalledIds(HashSet<String>);

impl CalledIds {
    /// Read a page's prose. A sentence ends at `.`, `;`, `:` followed by a space, or a blank
    /// line; within one, `X is/are/stands for/means ... id` (the id word at most six words
    /// later) or `replace X with ... id` calls `X` an id. Id words: `id`, `ids`, `identifier`,
    /// `uuid`, `guid`, `key`, and any `<thing>_id`.
    pub fn read(text: &str) -> CalledIds {
        let mut ids = HashSet::new();
        let sentences = text
            .split("\n\n")
            .flat_map(|p| p.split([';']))
            .flat_map(|s| s.split(". "))
            .flat_map(|s| s.split(": "));
        // words compared without case, in place: no copy per word of the page
        let is = |word: Option<&&str>, any: &[&str]| {
            word.is_some_and(|w| any.iter().any(|a| w.eq_ignore_ascii_case(a)))
        };
        let is_id_word = |w: &&str| {
            is(
                Some(w),
                &[
                    "id",
                    "ids",
                    "identifier",
                    "identifiers",
                    "uuid",
                    "guid",
                    "key",
                ],
            ) || w.len() >= 3 && w.as_bytes()[w.len() - 3..].eq_ignore_ascii_case(b"_id")
        };
        let mut words: Vec<&str> = Vec::new();
        for sentence in sentences {
            words.clear();
            words.extend(
                sentence
                    .split(|c: char| !(c.is_alphanumeric() || c == '_' || c == '-' || c == '$'))
                    .filter(|w| !w.is_empty()),
            );
            for (i, word) in words.iter().enumerate() {
                let linked = is(
                    words.get(i + 1),
                    &["is", "are", "stands", "means", "represents"],
                ) || (i > 0
                    && is(words.get(i - 1), &["replace", "substitute"])
                    && is(words.get(i + 1), &["with"]));
                let after = &words[(i + 2).min(words.len())..(i + 8).min(words.len())];
                if linked && after.iter().any(is_id_word) {
                    ids.insert(word.to_string());
                }
            }
        }
        CalledIds(ids)
    }

    pub fn contains(&self, word: &str) -> bool {
        self.0.contains(word)
    }
}

/// Is a concrete path segment clearly a value rather than a name: all digits, a UUID, empty
/// (`/orders//items`: the value left out), or a word the page calls an id?
fn is_value(segment: &str, ids: &CalledIds) -> bool {
    segment.is_empty()
        || segment.bytes().all(|b| b.is_ascii_digit())
        || is_uuid(segment)
        || ids.contains(segment)
}

/// `widgets` -> `widget`, `categories` -> `category`, `statuses` -> `status`, `boxes` -> `box`,
/// `houses` -> `house`; `status`, `address` and `analysis` stay.
fn singular(word: &str) -> String {
    if let Some(stem) = word.strip_suffix("ies") {
        return format!("{stem}y");
    }
    if let Some(stem) = word.strip_suffix("uses") {
        // the -us words APIs name collections after; otherwise `houses` -> `house`
        if ["stat", "b", "camp", "vir", "cens", "bon", "foc"]
            .iter()
            .any(|w| stem.ends_with(w))
        {
            return format!("{stem}us");
        }
    }
    for ending in ["sses", "xes", "ches", "shes"] {
        if let Some(stem) = word.strip_suffix(ending) {
            return format!("{stem}{}", &ending[..ending.len() - 2]);
        }
    }
    let keeps = ["us", "ss", "is"].iter().any(|e| word.ends_with(e));
    match word.strip_suffix('s') {
        Some(stem) if !keeps && !stem.is_empty() => stem.to_string(),
        _ => word.to_string(),
    }
}

/// The name of an inferred parameter: the preceding literal segment singularized with `_id`
/// (`/widgets/1` -> `widget_id`), `id` when there is none; `_2`, `_3` when taken.
fn inferred_name(previous: Option<&str>, taken: &[String]) -> String {
    let base = previous
        .map(|p| {
            let word: String = singular(&p.to_lowercase())
                .chars()
                .map(|c| if c.is_alphanumeric() { c } else { '_' })
                .collect();
            format!("{}_id", word.trim_matches('_'))
        })
        .filter(|n| n != "_id")
        .unwrap_or_else(|| "id".to_string());
    let mut name = base.clone();
    let mut n = 2;
    while taken.contains(&name) {
        name = format!("{base}_{n}");
        n += 1;
    }
    name
}

/// The request of an example no declaration covers. Segments written as parameters (`:id`,
/// `{id}`, `$ID`, `<id>`) and concrete segments that are clearly values ([`is_value`]) become
/// parameters of the route, listed in `inferred`; the concrete values are the example values.
pub fn undeclared_request(method: &str, path: &str, ids: &CalledIds) -> RequestSpec {
    let mut spec = common::request(method, path, None);
    if spec.route == "/" {
        return spec;
    }
    let raw: Vec<&str> = spec.route.split('/').skip(1).collect();
    let mut segments = Vec::with_capacity(raw.len());
    let mut previous: Option<&str> = None;
    for segment in raw {
        if let Some(name) = segment.strip_prefix('{').and_then(|s| s.strip_suffix('}')) {
            spec.inferred.push(name.to_string());
            segments.push(segment.to_string());
            previous = None;
        } else if is_value(segment, ids) {
            let name = inferred_name(previous, &spec.inferred);
            spec.path_params.insert(name.clone(), segment.to_string());
            segments.push(format!("{{{name}}}"));
            spec.inferred.push(name);
            previous = None;
        } else {
            segments.push(segment.to_string());
            previous = Some(segment);
        }
    }
    spec.route = format!("/{}", segments.join("/"));
    spec
}

/// Does a heading or title say the page is about what holds for every route: errors,
/// authentication, authorization, rate limits?
pub fn is_general_topic(text: &str) -> bool {
    let lower = text.to_lowercase();
    [
        "error",
        "authenticat",
        "authoriz",
        "rate limit",
        "status code",
    ]
    .iter()
    .any(|w| lower.contains(w))
        || lower
            .split(|c: char| !c.is_alphanumeric())
            .any(|w| w == "auth")
}

/// Is an example path a placeholder for any route: a segment such as `any_resource`,
/// `:resource`, `<resource>`, `{resource}`, `resource` (as in `/path/to/resource`), `endpoint`,
/// `anything`, `...`?
pub fn is_generic_path(path: &str) -> bool {
    let path = path.split('?').next().unwrap_or(path);
    path.split('/').any(|segment| {
        let name = param_name(segment).unwrap_or_else(|| segment.to_string());
        let name = name.to_lowercase().replace('-', "_");
        let core = ["any_", "some_", "your_", "a_"]
            .iter()
            .find_map(|p| name.strip_prefix(p))
            .unwrap_or(&name);
        matches!(
            core,
            "resource"
                | "resources"
                | "endpoint"
                | "endpoints"
                | "route"
                | "anything"
                | "something"
                | "whatever"
                | "..."
                | "…"
                | "*"
        )
    })
}

/// An example that documents a case of every route: on a page (or under headings) about
/// errors or authentication, with a placeholder path, and no declaration of its own.
pub fn is_generic_example(topic: &[&str], path: &str) -> bool {
    is_generic_path(path) && topic.iter().any(|t| is_general_topic(t))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn endpoint(method: &str, path: &str) -> Endpoint {
        common::endpoint(method, path, "h", 1, false)
    }

    #[test]
    fn the_most_specific_matching_declaration_owns_an_example_and_the_nearest_breaks_ties() {
        let any = endpoint("GET", "/reports/:report_id");
        let latest = endpoint("GET", "/reports/latest");
        let other = endpoint("GET", "/reports/:id");
        let owner = owning_endpoint([&any, &latest], "GET", "/reports/latest").unwrap();
        assert_eq!(owner.path, "/reports/latest");
        let owner = owning_endpoint([&any, &latest], "GET", "/reports/7").unwrap();
        assert_eq!(owner.path, "/reports/:report_id");
        let owner = owning_endpoint([&other, &any], "GET", "/reports/7").unwrap();
        assert_eq!(owner.path, "/reports/:id");
        assert!(owning_endpoint([&any], "POST", "/reports/7").is_none());
    }

    #[test]
    fn a_declaration_misspelling_a_literal_segment_is_near_its_examples() {
        let declared = endpoint("GET", "/order/:id/items");
        let near = near_declaration([&declared], "GET", "/orders/abc/items").unwrap();
        let spec = near_request("GET", "/orders/abc/items", near);
        assert_eq!(spec.route, "/orders/{id}/items");
        assert_eq!(spec.path_params["id"], "abc");
        assert_eq!(spec.declared_route.as_deref(), Some("/order/{id}/items"));
        assert!(near_declaration([&declared], "GET", "/baskets/abc/items").is_none());
        assert!(near_declaration([&declared], "GET", "/order/abc/items").is_none());
        assert!(near_declaration([&declared], "GET", "/orders/abc").is_none());
    }

    #[test]
    fn concrete_values_of_undeclared_paths_become_inferred_parameters() {
        let none = CalledIds::default();
        let spec = undeclared_request("GET", "/widgets/1", &none);
        assert_eq!(spec.route, "/widgets/{widget_id}");
        assert_eq!(spec.path_params["widget_id"], "1");
        assert_eq!(spec.inferred, ["widget_id"]);
        let spec = undeclared_request(
            "GET",
            "/categories/2/boxes/0b5c1b9e-6f3a-4c1e-9d7e-2f1a3b4c5d6e/items",
            &none,
        );
        assert_eq!(spec.route, "/categories/{category_id}/boxes/{box_id}/items");
        let spec = undeclared_request("DELETE", "/orders//items", &none);
        assert_eq!(spec.route, "/orders/{order_id}/items");
        assert_eq!(spec.path_params["order_id"], "");
        for path in [
            "/widgets/:id",
            "/widgets/{id}",
            "/widgets/$ID",
            "/widgets/<id>",
        ] {
            let spec = undeclared_request("GET", path, &none);
            assert_eq!(spec.route, "/widgets/{id}", "{path}");
            assert_eq!(spec.inferred, ["id"], "{path}");
            assert!(spec.path_params.is_empty());
        }
        let spec = undeclared_request("GET", "/1/2", &none);
        assert_eq!(spec.route, "/{id}/{id_2}");
        let spec = undeclared_request("GET", "/api/v1/beta", &none);
        assert_eq!(spec.route, "/api/v1/beta");
        assert!(spec.inferred.is_empty());
        assert!(undeclared_request("GET", "/", &none).inferred.is_empty());
    }

    #[test]
    fn parameters_are_named_after_the_singular_of_the_segment_before() {
        for (plural, singular_) in [
            ("widgets", "widget"),
            ("categories", "category"),
            ("statuses", "status"),
            ("status", "status"),
            ("boxes", "box"),
            ("addresses", "address"),
            ("houses", "house"),
            ("analysis", "analysis"),
            ("responses", "response"),
            ("data", "data"),
        ] {
            assert_eq!(singular(plural), singular_, "{plural}");
        }
        assert_eq!(
            inferred_name(Some("fill-out-sessions"), &[]),
            "fill_out_session_id"
        );
        assert_eq!(inferred_name(None, &["id".to_string()]), "id_2");
    }

    #[test]
    fn a_word_the_text_calls_an_id_is_a_value() {
        let ids = CalledIds::read(
            "Fetch it with `GET /widgets/abc123`, where `abc123` is the widget id.\n\n\
             Replace XYZ with your order's identifier. The latest report has the highest id.",
        );
        assert!(ids.contains("abc123"));
        assert!(ids.contains("XYZ"));
        assert!(!ids.contains("latest"));
        let spec = undeclared_request("GET", "/widgets/abc123", &ids);
        assert_eq!(spec.route, "/widgets/{widget_id}");
        let spec = undeclared_request("GET", "/reports/latest", &ids);
        assert_eq!(spec.route, "/reports/latest");
    }

    #[test]
    fn placeholder_paths_on_error_and_authentication_pages_are_generic() {
        for path in [
            "/api/v1/any_resource",
            "/api/v1/:resource",
            "/api/v1/<resource>",
            "/api/v1/{resource}",
            "/path/to/resource",
            "/api/v1/any-endpoint?x=1",
        ] {
            assert!(is_generic_example(&["Authentication"], path), "{path}");
        }
        assert!(!is_generic_example(&["Widgets"], "/api/v1/:resource"));
        assert!(!is_generic_example(&["Errors"], "/api/v1/widgets/1"));
        assert!(is_general_topic("Auth"));
        assert!(is_general_topic("When basic authentication fails"));
        assert!(!is_general_topic("Author list"));
    }
}
