//! Case selection: which documented case of a route answers a request.
//!
//! In this order: the client's explicit choice (`Prefer: code=404`, `Prefer: example=<id or
//! slug>`, or `__code=` / `__example=` in the query); a case whose documented request (path
//! values, query, body) equals the incoming one; validation against the parameter table (a
//! missing required parameter, a value of the wrong type or outside the enum, nested attributes
//! included, answers with the documented error case naming that parameter, else a synthesized
//! 422); otherwise the success case.

use super::table::{Case, Route};
use crate::fixture::pointer;
use crate::fixture::{Param, ParamLocation, ParamType, Problem, RequestValues};
use axum::http::{HeaderMap, HeaderName, HeaderValue};
use serde_json::Value;
use std::borrow::Cow;

/// Why a case was chosen; sent as `x-docmock-reason`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Reason {
    PreferCode,
    PreferExample,
    RequestMatch,
    Validation,
    /// Validation failed and no documented case names the parameter.
    ValidationSynthesized,
    Success,
    /// The route documents no 2xx case: its first case.
    FirstCase,
}

impl Reason {
    pub fn as_str(self) -> &'static str {
        match self {
            Reason::PreferCode => "prefer-code",
            Reason::PreferExample => "prefer-example",
            Reason::RequestMatch => "request-match",
            Reason::Validation => "validation",
            Reason::ValidationSynthesized => "validation-synthesized",
            Reason::Success => "success",
            Reason::FirstCase => "first-case",
        }
    }

    pub fn header_value(self) -> HeaderValue {
        HeaderValue::from_static(self.as_str())
    }
}

/// The client's explicit choice of case.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Preference {
    pub code: Option<String>,
    pub example: Option<String>,
}

impl Preference {
    /// Read `Prefer: code=...` / `example=...` (comma- or semicolon-separated, quotes allowed)
    /// and the `__code` / `__example` query parameters, which are removed from `query`.
    pub fn from_request(headers: &HeaderMap, query: &mut Vec<(Cow<str>, Cow<str>)>) -> Preference {
        let mut preference = Preference::default();
        const PREFER: HeaderName = HeaderName::from_static("prefer");
        for value in headers.get_all(PREFER) {
            // not text (obs-text bytes): still read, so that it is refused as an unknown case
            // (400) instead of silently ignored
            let value = String::from_utf8_lossy(value.as_bytes());
            for token in value.split([',', ';']) {
                let Some((name, value)) = token.split_once('=') else {
                    continue;
                };
                let value = value.trim().trim_matches('"').to_string();
                match name.trim().to_ascii_lowercase().as_str() {
                    "code" => preference.code = Some(value),
                    "example" => preference.example = Some(value),
                    _ => {}
                }
            }
        }
        if query.iter().any(|(name, _)| name.starts_with("__")) {
            query.retain(|(name, value)| match name.as_ref() {
                "__code" => {
                    preference.code = Some(value.to_string());
                    false
                }
                "__example" => {
                    preference.example = Some(value.to_string());
                    false
                }
                _ => true,
            });
        }
        preference
    }

    pub fn is_empty(&self) -> bool {
        self.code.is_none() && self.example.is_none()
    }
}

/// The parts of a request that selection looks at.
#[derive(Debug, Default)]
pub struct Incoming<'a> {
    /// Route parameter values, by name.
    pub path: Vec<(&'a str, Cow<'a, str>)>,
    /// Decoded query pairs, docmock's own `__` parameters removed.
    pub query: Vec<(Cow<'a, str>, Cow<'a, str>)>,
    /// The JSON (or form) body, if any.
    pub body: Option<Value>,
    /// The body is a form read as an object of strings.
    pub form: bool,
}

/// What selection decided.
#[derive(Debug, PartialEq)]
pub enum Selection {
    /// Serve this case of the route.
    Case { case: usize, reason: Reason },
    /// No documented case names the invalid parameter: answer 422 in the docs' error shape.
    Invalid(Invalid),
    /// The client asked for a case the route does not document.
    UnknownPreference {
        asked: String,
        codes: Vec<u16>,
        examples: Vec<String>,
    },
}

/// A parameter that failed validation.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Invalid {
    pub param: String,
    /// `missing`, `must be <type>`, or `must be one of: a, b`.
    pub problem: String,
}

/// Choose the case of `route` that answers `incoming`.
pub fn select(route: &Route, preference: &Preference, incoming: &Incoming) -> Selection {
    if !preference.is_empty() {
        return by_preference(route, preference);
    }
    if let Some(case) = request_match(route, incoming, None) {
        return Selection::Case {
            case,
            reason: Reason::RequestMatch,
        };
    }
    if let Some(invalid) = validate(&route.params, incoming) {
        return match error_case_for(route, &invalid.param) {
            Some(case) => Selection::Case {
                case,
                reason: Reason::Validation,
            },
            None => Selection::Invalid(invalid),
        };
    }
    let success = route.success;
    let reason = match route.cases.get(success) {
        Some(case) if (200..300).contains(&case.status) => Reason::Success,
        _ => Reason::FirstCase,
    };
    Selection::Case {
        case: success,
        reason,
    }
}

fn by_preference(route: &Route, preference: &Preference) -> Selection {
    match preferred(&route.cases, preference) {
        Ok((case, reason)) => Selection::Case { case, reason },
        Err(asked) => Selection::UnknownPreference {
            asked,
            codes: {
                let mut codes: Vec<u16> = route.cases.iter().map(|c| c.status).collect();
                codes.sort_unstable();
                codes.dedup();
                codes
            },
            examples: route.cases.iter().map(|c| c.id.to_string()).collect(),
        },
    }
}

/// The case of `cases` the client asked for (a route's, or the global cases), or what was
/// asked in words when none is.
pub fn preferred(cases: &[Case], preference: &Preference) -> Result<(usize, Reason), String> {
    let code = match &preference.code {
        Some(code) => match code.parse::<u16>() {
            Ok(code) => Some(code),
            Err(_) => return Err(format!("code={code}")),
        },
        None => None,
    };
    let by_code = |c: &Case| code.is_none_or(|code| c.status == code);
    if let Some(example) = &preference.example {
        return match cases.iter().position(|c| c.is_named(example) && by_code(c)) {
            Some(case) => Ok((case, Reason::PreferExample)),
            None => Err(match code {
                Some(code) => format!("code={code}, example={example}"),
                None => format!("example={example}"),
            }),
        };
    }
    match cases.iter().position(by_code) {
        Some(case) => Ok((case, Reason::PreferCode)),
        None => Err(format!("code={}", code.unwrap_or_default())),
    }
}

/// The case whose documented request equals the incoming one in everything it documents
/// (path values, query, body); the one documenting most wins, then document order. With a
/// `status`, only cases documenting that status compete (the proxy knows the real status).
pub fn request_match(route: &Route, incoming: &Incoming, status: Option<u16>) -> Option<usize> {
    let mut best: Option<(usize, usize)> = None;
    for (i, case) in route.cases.iter().enumerate() {
        if status.is_some_and(|s| s != case.status) {
            continue;
        }
        if let Some(score) = request_match_score(case, incoming) {
            if best.is_none_or(|(_, s)| score > s) {
                best = Some((i, score));
            }
        }
    }
    best.map(|(i, _)| i)
}

fn request_match_score(case: &Case, incoming: &Incoming) -> Option<usize> {
    let documented = &case.request;
    let mut score = 0;
    for (name, value) in &documented.path_params {
        let got = incoming.path.iter().find(|(n, _)| n == name)?;
        let same = if case.request.case_insensitive {
            got.1.eq_ignore_ascii_case(value)
        } else {
            got.1 == value.as_str()
        };
        if !same {
            return None;
        }
        score += 1;
    }
    if !documented.query.is_empty() {
        if documented.query.len() != incoming.query.len() {
            return None;
        }
        for q in &documented.query {
            let name = super::matcher::percent_decode(&q.name, true);
            let value = super::matcher::percent_decode(&q.value, true);
            if !incoming
                .query
                .iter()
                .any(|(n, v)| *n == name && *v == value)
            {
                return None;
            }
        }
        score += 1;
    }
    if let Some(body) = &documented.body {
        if !same_json(body, incoming.body.as_ref()?, "", &case.request_samples) {
            return None;
        }
        score += 1;
    }
    (score > 0).then_some(score)
}

/// A documented case that came close to a request answered by a fallback (validation or the
/// success case): which case, and where the request differed from it.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct NearMiss {
    pub case: String,
    /// The first [`NEAR_MISS_POINTERS`] places, as JSON pointers into the request:
    /// `/path/id`, `/query/page`, `/body/plan`.
    pub differences: Vec<String>,
}

/// How many differing places a [`NearMiss`] names.
pub const NEAR_MISS_POINTERS: usize = 3;

/// The cases of `route` that document a request (path values, query or body), each with the
/// first places where `incoming` differs from it. Never computed for a request a case matched
/// (the journal computes it when read, `explain` when asked), so serving pays nothing for it.
pub fn near_misses(route: &Route, incoming: &Incoming) -> Vec<NearMiss> {
    let mut misses = Vec::new();
    for case in &route.cases {
        let documented = &case.request;
        if documented.path_params.is_empty()
            && documented.query.is_empty()
            && documented.body.is_none()
        {
            continue;
        }
        let mut differences = Vec::new();
        for (name, value) in &documented.path_params {
            let same = incoming.path.iter().any(|(n, got)| {
                n == name
                    && if documented.case_insensitive {
                        got.eq_ignore_ascii_case(value)
                    } else {
                        got.as_ref() == value.as_str()
                    }
            });
            if !same {
                differences.push(format!("/path/{}", pointer::token(name)));
            }
        }
        if !documented.query.is_empty() {
            let wanted: Vec<(Cow<str>, Cow<str>)> = documented
                .query
                .iter()
                .map(|q| {
                    (
                        super::matcher::percent_decode(&q.name, true),
                        super::matcher::percent_decode(&q.value, true),
                    )
                })
                .collect();
            for (name, value) in &wanted {
                if !incoming.query.iter().any(|(n, v)| n == name && v == value) {
                    differences.push(format!("/query/{}", pointer::token(name)));
                }
            }
            for (name, _) in &incoming.query {
                if !wanted.iter().any(|(n, _)| n == name) {
                    differences.push(format!("/query/{}", pointer::token(name)));
                }
            }
        }
        if let Some(body) = &documented.body {
            match &incoming.body {
                Some(got) => {
                    json_differences(body, got, "/body", &case.request_samples, &mut differences)
                }
                None => differences.push("/body".to_string()),
            }
        }
        differences.dedup();
        differences.truncate(NEAR_MISS_POINTERS);
        if !differences.is_empty() {
            misses.push(NearMiss {
                case: case.id.clone(),
                differences,
            });
        }
    }
    misses
}

/// The pointers (below `pointer`) where `got` differs from `documented`, in document order,
/// up to [`NEAR_MISS_POINTERS`]; sample values match any value of their type.
fn json_differences(
    documented: &Value,
    got: &Value,
    pointer: &str,
    samples: &[String],
    out: &mut Vec<String>,
) {
    if out.len() >= NEAR_MISS_POINTERS {
        return;
    }
    // Samples are recorded relative to the body: `/seats`, not `/body/seats`.
    let relative = pointer.strip_prefix("/body").unwrap_or(pointer);
    if samples.iter().any(|s| s == relative) {
        if std::mem::discriminant(documented) != std::mem::discriminant(got) {
            out.push(pointer.to_string());
        }
        return;
    }
    match (documented, got) {
        (Value::Object(a), Value::Object(b)) => {
            for (key, value) in a {
                let child = format!("{pointer}/{}", pointer::token(key));
                match b.get(key) {
                    Some(other) => json_differences(value, other, &child, samples, out),
                    None => out.push(child),
                }
            }
            for key in b.keys().filter(|k| !a.contains_key(*k)) {
                out.push(format!("{pointer}/{}", pointer::token(key)));
            }
        }
        (Value::Array(a), Value::Array(b)) if a.len() == b.len() => {
            for (i, (v, w)) in a.iter().zip(b).enumerate() {
                json_differences(v, w, &format!("{pointer}/{i}"), samples, out);
            }
        }
        (Value::Number(a), Value::Number(b)) if a.as_f64() == b.as_f64() => {}
        _ if documented == got => {}
        _ => out.push(pointer.to_string()),
    }
}

/// JSON equality, where documented sample values (`"sample string 1"`) match any value of
/// their type.
fn same_json(documented: &Value, got: &Value, pointer: &str, samples: &[String]) -> bool {
    if !samples.is_empty() && samples.iter().any(|s| s == pointer) {
        return std::mem::discriminant(documented) == std::mem::discriminant(got);
    }
    match (documented, got) {
        (Value::Object(a), Value::Object(b)) => {
            a.len() == b.len()
                && a.iter().all(|(k, v)| {
                    b.get(k).is_some_and(|w| {
                        same_json(v, w, &child_pointer(pointer, k, samples), samples)
                    })
                })
        }
        (Value::Array(a), Value::Array(b)) => {
            a.len() == b.len()
                && a.iter().zip(b).enumerate().all(|(i, (v, w))| {
                    same_json(
                        v,
                        w,
                        &child_pointer(pointer, &i.to_string(), samples),
                        samples,
                    )
                })
        }
        (Value::Number(a), Value::Number(b)) => a.as_f64() == b.as_f64(),
        _ => documented == got,
    }
}

fn child_pointer(pointer: &str, key: &str, samples: &[String]) -> String {
    if samples.is_empty() {
        return String::new();
    }
    format!("{pointer}/{}", pointer::token(key))
}

/// A route's parameter table with each type parsed once, when the table is built: validating
/// a request allocates nothing until it finds a problem.
#[derive(Debug, Default)]
pub struct Params {
    list: Vec<Param>,
    types: Vec<ParamType>,
}

impl Params {
    pub fn new(list: Vec<Param>) -> Params {
        let types = list.iter().map(Param::param_type).collect();
        Params { list, types }
    }

    pub fn is_empty(&self) -> bool {
        self.list.is_empty()
    }

    pub fn list(&self) -> &[Param] {
        &self.list
    }
}

/// The first parameter (in table order) that is missing while required (a nested one where
/// its parent is given), has a value of the wrong type, or a value outside its enum; for a
/// nested parameter the first element or place that fails.
pub fn validate(params: &Params, incoming: &Incoming) -> Option<Invalid> {
    // Documented request headers (auth tokens ...) are not the stub's to enforce.
    for (param, ty) in params
        .list
        .iter()
        .zip(&params.types)
        .filter(|(p, _)| p.location != ParamLocation::Header)
    {
        let Some(problem) = param.problem(ty, incoming, &params.list) else {
            continue;
        };
        let problem = match problem {
            Problem::Missing => "missing".to_string(),
            Problem::WrongType(_) => format!("must be {}", ty.expected()),
            Problem::NotAllowed(_) => format!("must be {}", param.one_of()),
        };
        return Some(Invalid {
            param: param.name.clone(),
            problem,
        });
    }
    None
}

/// The incoming request as the parameter lookup reads it.
impl RequestValues for Incoming<'_> {
    fn path_value(&self, name: &str) -> Option<&str> {
        self.path
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_ref())
    }

    fn query_pairs(&self) -> impl Iterator<Item = (&str, &str)> + Clone {
        self.query.iter().map(|(n, v)| (n.as_ref(), v.as_ref()))
    }

    fn body(&self) -> Option<&Value> {
        self.body.as_ref()
    }

    /// Headers are not validated.
    fn header(&self, _: &str) -> Option<&str> {
        None
    }

    fn body_is_form(&self) -> bool {
        self.form
    }
}

/// The documented validation error (400 or 422) about `param`: its name among the keys of
/// the error body first, then in the case heading. A nested parameter
/// (`subscription[plan_keys]`) is found by its full name or by its own key (`plan_keys`).
fn error_case_for(route: &Route, param: &str) -> Option<usize> {
    let leaf = crate::fixture::split_name(param)
        .into_iter()
        .rfind(|p| !p.is_empty())
        .unwrap_or(param);
    let errors = || {
        route
            .cases
            .iter()
            .enumerate()
            .filter(|(_, c)| matches!(c.status, 400 | 422))
    };
    errors()
        .find(|(_, c)| {
            c.response_body
                .as_ref()
                .is_some_and(|b| names_key(b, param) || names_key(b, leaf))
        })
        .or_else(|| {
            errors().find(|(_, c)| {
                // a nested name as written (`subscription[plan_keys]`) is no word of its own
                heading_names(&c.title, leaf)
                    || (leaf != param
                        && c.title
                            .to_ascii_lowercase()
                            .contains(&param.to_ascii_lowercase()))
            })
        })
        .map(|(i, _)| i)
}

fn names_key(body: &Value, name: &str) -> bool {
    match body {
        Value::Object(map) => map
            .iter()
            .any(|(k, v)| k.eq_ignore_ascii_case(name) || names_key(v, name)),
        Value::Array(items) => items.iter().any(|v| names_key(v, name)),
        _ => false,
    }
}

/// Does the heading name the parameter as a word (`return_to`, `` `return_to` ``)?
fn heading_names(heading: &str, param: &str) -> bool {
    let heading = heading.to_ascii_lowercase();
    let param = param.to_ascii_lowercase();
    heading
        .split(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
        .any(|word| word == param)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn param(name: &str, ty: &str, required: bool, unless: &[&str]) -> Param {
        Param {
            name: name.into(),
            ty: ty.into(),
            required,
            required_unless: unless.iter().map(|s| s.to_string()).collect(),
            location: ParamLocation::Body,
            ..Default::default()
        }
    }

    #[test]
    fn required_unless_another_is_given() {
        let params = Params::new(vec![
            param("protocol_key", "string", true, &["protocol_id"]),
            param("protocol_id", "integer", true, &["protocol_key"]),
        ]);
        let with = |body: Value| Incoming {
            body: Some(body),
            ..Default::default()
        };
        assert_eq!(validate(&params, &with(json!({"protocol_id": 3}))), None);
        assert_eq!(
            validate(&params, &with(json!({}))),
            Some(Invalid {
                param: "protocol_key".into(),
                problem: "missing".into()
            })
        );
        assert_eq!(
            validate(&params, &with(json!({"protocol_id": "x"}))),
            Some(Invalid {
                param: "protocol_id".into(),
                problem: "must be an integer".into()
            })
        );
    }

    fn invalid(param: &str, problem: &str) -> Option<Invalid> {
        Some(Invalid {
            param: param.into(),
            problem: problem.into(),
        })
    }

    #[test]
    fn a_value_outside_the_enum_is_invalid_like_a_wrong_type() {
        let status = Param {
            allowed: vec!["draft".into(), "published".into()],
            ..param("status", "string", false, &[])
        };
        let params = Params::new(vec![status]);
        let with = |body: Value| Incoming {
            body: Some(body),
            ..Default::default()
        };
        assert_eq!(validate(&params, &with(json!({"status": "draft"}))), None);
        assert_eq!(
            validate(&params, &with(json!({"status": "archived"}))),
            invalid("status", "must be one of: draft, published")
        );
        assert_eq!(
            validate(&params, &with(json!({"status": 1}))),
            invalid("status", "must be a string")
        );
        let query = Params::new(vec![Param {
            location: ParamLocation::Query,
            ..params.list()[0].clone()
        }]);
        let incoming = Incoming {
            query: vec![("status".into(), "archived".into())],
            ..Default::default()
        };
        assert_eq!(
            validate(&query, &incoming),
            invalid("status", "must be one of: draft, published")
        );
    }

    #[test]
    fn nested_params_are_required_and_checked_inside_their_parent() {
        let params = Params::new(vec![
            param("subscription", "hash", false, &[]),
            param("subscription[plan_keys]", "array of strings", true, &[]),
            param("items[][sku]", "string", true, &[]),
        ]);
        let with = |body: Value| Incoming {
            body: Some(body),
            ..Default::default()
        };
        assert_eq!(validate(&params, &with(json!({}))), None);
        assert_eq!(
            validate(&params, &with(json!({"subscription": {}}))),
            invalid("subscription[plan_keys]", "missing")
        );
        assert_eq!(
            validate(&params, &with(json!({"subscription": {"plan_keys": [1]}}))),
            invalid("subscription[plan_keys]", "must be an array of strings")
        );
        assert_eq!(
            validate(
                &params,
                &with(json!({"items": [{"sku": "a"}, {"sku": 2}, {}]}))
            ),
            invalid("items[][sku]", "must be a string")
        );
        let form = Incoming {
            query: vec![("subscription[name]".into(), "x".into())],
            ..Default::default()
        };
        let in_query = Params::new(
            params
                .list()
                .iter()
                .map(|p| Param {
                    location: ParamLocation::Query,
                    ..p.clone()
                })
                .collect(),
        );
        assert_eq!(
            validate(&in_query, &form),
            invalid("subscription[plan_keys]", "missing")
        );
    }

    #[test]
    fn a_form_is_read_as_text_pairs_like_a_query() {
        let params = Params::new(vec![
            param("count", "integer", true, &[]),
            param("subscription[plan_keys]", "array of strings", true, &[]),
        ]);
        let form = |pairs: Value| Incoming {
            body: Some(pairs),
            form: true,
            ..Default::default()
        };
        assert_eq!(validate(&params, &form(json!({"count": "3"}))), None);
        assert_eq!(
            validate(&params, &form(json!({"count": "three"}))),
            invalid("count", "must be an integer")
        );
        assert_eq!(
            validate(
                &params,
                &form(json!({"count": "3", "subscription[name]": "x"}))
            ),
            invalid("subscription[plan_keys]", "missing")
        );
        assert_eq!(
            validate(
                &params,
                &form(json!({"count": "3", "subscription[plan_keys][]": "pro"}))
            ),
            None
        );
    }

    #[test]
    fn header_params_are_not_validated() {
        let params = Params::new(vec![Param {
            location: ParamLocation::Header,
            ..param("Authorization", "string", true, &[])
        }]);
        assert_eq!(validate(&params, &Incoming::default()), None);
    }

    #[test]
    fn prefer_reads_header_tokens_and_query_parameters() {
        let mut headers = HeaderMap::new();
        headers.insert(
            "prefer",
            HeaderValue::from_static("code=404, example=\"x\""),
        );
        let mut query = vec![("__code".into(), "422".into()), ("a".into(), "1".into())];
        let p = Preference::from_request(&headers, &mut query);
        assert_eq!(p.code.as_deref(), Some("422"));
        assert_eq!(p.example.as_deref(), Some("x"));
        assert_eq!(query.len(), 1);
    }

    #[test]
    fn sample_values_match_by_type() {
        let samples = vec!["/a".to_string()];
        assert!(same_json(
            &json!({"a": "s", "b": 1}),
            &json!({"a": "t", "b": 1.0}),
            "",
            &samples
        ));
        assert!(!same_json(
            &json!({"a": "s"}),
            &json!({"a": 1}),
            "",
            &samples
        ));
        assert!(heading_names(
            "When no `return_to` url is provided",
            "return_to"
        ));
        assert!(!heading_names("When no return_to_x url", "return_to"));
    }
}
