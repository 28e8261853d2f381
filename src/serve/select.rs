//! Case selection: which documented case of a route answers a request.
//!
//! In this order: the client's explicit choice (`Prefer: code=404`, `Prefer: example=<id or
//! slug>`, or `__code=` / `__example=` in the query); a case whose documented request (path
//! values, query, body) equals the incoming one; validation against the parameter table (a
//! missing required parameter or a value of the wrong type answers with the documented error
//! case naming that parameter, else a synthesized 422); otherwise the success case.

use super::table::{Case, Route};
use crate::fixture::{Param, ParamLocation};
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
            let Ok(value) = value.to_str() else { continue };
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
    /// `missing`, or `must be <type>`.
    pub problem: String,
}

/// Choose the case of `route` that answers `incoming`.
pub fn select(route: &Route, preference: &Preference, incoming: &Incoming) -> Selection {
    if !preference.is_empty() {
        return by_preference(route, preference);
    }
    if let Some(case) = by_request_match(route, incoming) {
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
/// (path values, query, body); the one documenting most wins, then document order.
fn by_request_match(route: &Route, incoming: &Incoming) -> Option<usize> {
    let mut best: Option<(usize, usize)> = None;
    for (i, case) in route.cases.iter().enumerate() {
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
    format!("{pointer}/{}", key.replace('~', "~0").replace('/', "~1"))
}

/// The first parameter (in table order) that is missing while required, or has a value of
/// the wrong type.
pub fn validate(params: &[Param], incoming: &Incoming) -> Option<Invalid> {
    // Documented request headers (auth tokens ...) are not the stub's to enforce.
    for param in params
        .iter()
        .filter(|p| p.location != ParamLocation::Header)
    {
        let value = lookup(param, incoming);
        let given = |name: &str| {
            params
                .iter()
                .find(|p| p.name == name)
                .is_some_and(|p| lookup(p, incoming).is_some())
        };
        match value {
            None => {
                if param.required && !param.required_unless.iter().any(|other| given(other)) {
                    return Some(Invalid {
                        param: param.name.clone(),
                        problem: "missing".to_string(),
                    });
                }
            }
            Some(value) => {
                if let Some(expected) = type_mismatch(param, &value) {
                    return Some(Invalid {
                        param: param.name.clone(),
                        problem: format!("must be {expected}"),
                    });
                }
            }
        }
    }
    None
}

/// A parameter's value as the request gives it: JSON from the body, text from path or query.
enum Given<'a> {
    Json(&'a Value),
    Text(&'a str),
}

fn lookup<'a>(param: &Param, incoming: &'a Incoming) -> Option<Given<'a>> {
    match param.location {
        ParamLocation::Path => incoming
            .path
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(&param.name))
            .map(|(_, v)| Given::Text(v)),
        ParamLocation::Query => incoming
            .query
            .iter()
            // `ids[]=1&ids[]=2` gives the parameter `ids`.
            .find(|(n, _)| n.split('[').next() == Some(param.name.as_str()))
            .map(|(_, v)| Given::Text(v)),
        ParamLocation::Body => {
            let object = incoming.body.as_ref()?.as_object()?;
            // ASP.NET binds body members case-insensitively (`Sessions` / `sessions`).
            let value = object.get(&param.name).or_else(|| {
                object
                    .iter()
                    .find(|(k, _)| k.eq_ignore_ascii_case(&param.name))
                    .map(|(_, v)| v)
            })?;
            (!value.is_null()).then_some(Given::Json(value))
        }
        ParamLocation::Header => None,
    }
}

/// The type a value should have had, when it does not have the documented one. Types the
/// docs write in prose (`time`, class names) are not checked.
fn type_mismatch(param: &Param, value: &Given) -> Option<String> {
    let ty = param.param_type();
    let ok = match value {
        Given::Json(v) => ty.accepts_json(v),
        // Path and query values are text: only numbers, booleans and UUIDs can be checked.
        Given::Text(t) => ty.accepts_text(t),
    };
    (!ok).then(|| ty.expected())
}

/// The documented validation error (400 or 422) about `param`: its name among the keys of
/// the error body first, then in the case heading.
fn error_case_for(route: &Route, param: &str) -> Option<usize> {
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
                .is_some_and(|b| names_key(b, param))
        })
        .or_else(|| errors().find(|(_, c)| heading_names(&c.title, param)))
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
        let params = [
            param("protocol_key", "string", true, &["protocol_id"]),
            param("protocol_id", "integer", true, &["protocol_key"]),
        ];
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
