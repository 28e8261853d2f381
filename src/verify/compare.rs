//! Comparing an answer with the documented response: status, headers, body at a match level.
//!
//! Every difference names where it is (a JSON pointer or a header name), what the docs say and
//! what came back. Computed values (`new Date().toISOString()`) and sample values are compared
//! by type only; "more elements" placeholders let the array hold any number of further
//! elements, each compared with the documented elements' shapes; bodies rebuilt from a cut
//! rendering are compared leniently (documented keys only, by shape); objects the docs show in
//! part (`// ...`) may hold further keys, at every level.

use super::ActualResponse;
use crate::fixture::media;
use crate::fixture::pointer;
use crate::fixture::{BodyRef, Fixture, PlaceholderKind};
use serde::Serialize;
use serde_json::Value;
use std::collections::{HashMap, HashSet};

/// How closely bodies must match.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum MatchLevel {
    /// Same JSON types, every documented key present; undocumented keys are warnings.
    #[default]
    Shape,
    /// Shape, and scalar values and array lengths equal.
    Values,
    /// Equal JSON: undocumented keys fail too.
    Exact,
}

impl MatchLevel {
    pub fn as_str(self) -> &'static str {
        match self {
            MatchLevel::Shape => "shape",
            MatchLevel::Values => "values",
            MatchLevel::Exact => "exact",
        }
    }
}

/// One way the answer differs from the docs.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Difference {
    StatusMismatch {
        expected: u16,
        actual: u16,
    },
    /// A documented header is absent.
    MissingHeader {
        name: String,
        expected: String,
    },
    HeaderMismatch {
        name: String,
        expected: String,
        actual: String,
    },
    /// The body as a whole: none where the docs show one, text where they show JSON.
    BodyMismatch {
        expected: String,
        actual: String,
    },
    /// A documented key is absent.
    MissingKey {
        pointer: String,
        expected: Value,
    },
    /// A key the docs do not show (a warning below `exact`).
    UnexpectedKey {
        pointer: String,
        actual: Value,
    },
    TypeMismatch {
        pointer: String,
        expected: Value,
        actual: Value,
    },
    ValueMismatch {
        pointer: String,
        expected: Value,
        actual: Value,
    },
    /// An array with another number of elements than documented (`values` and `exact`).
    LengthMismatch {
        pointer: String,
        expected: usize,
        actual: usize,
    },
}

impl Difference {
    /// Differences about the body (the report adds a diff for them).
    pub fn is_about_body(&self) -> bool {
        !matches!(
            self,
            Difference::StatusMismatch { .. }
                | Difference::MissingHeader { .. }
                | Difference::HeaderMismatch { .. }
        )
    }
}

/// Headers whose values change from one response to the next: only their presence is checked.
pub const VOLATILE_HEADERS: &[&str] = &[
    "date",
    "expires",
    "last-modified",
    "set-cookie",
    "etag",
    "age",
    "x-request-id",
    "x-correlation-id",
    "request-id",
    "x-runtime",
    "server-timing",
];

/// Connection-level headers that say nothing about the API: not compared at all.
pub const TRANSPORT_HEADERS: &[&str] = &[
    "content-length",
    "transfer-encoding",
    "connection",
    "keep-alive",
];

/// Compare an answer with a fixture's documented response: `(differences, warnings)`.
///
/// ```
/// use docmock::fixture::{Fixture, ResponseSpec};
/// use docmock::verify::{compare, ActualResponse, Difference, MatchLevel};
/// use serde_json::json;
///
/// let fixture = Fixture {
///     response: ResponseSpec { status: 200, body: Some(json!({"id": 7, "name": "Gizmo"})), ..Default::default() },
///     ..Default::default()
/// };
/// let answer = ActualResponse { status: 200, body: Some(json!({"id": "7", "extra": 1})), ..Default::default() };
/// let (differences, warnings) = compare::response(&fixture, &answer, MatchLevel::Shape);
/// assert!(matches!(&differences[0], Difference::TypeMismatch { pointer, .. } if pointer == "/id"));
/// assert!(matches!(&differences[1], Difference::MissingKey { pointer, .. } if pointer == "/name"));
/// assert!(matches!(&warnings[0], Difference::UnexpectedKey { pointer, .. } if pointer == "/extra"));
/// ```
pub fn response(
    fixture: &Fixture,
    actual: &ActualResponse,
    level: MatchLevel,
) -> (Vec<Difference>, Vec<Difference>) {
    let documented = &fixture.response;
    let mut differences = Vec::new();
    let mut warnings = Vec::new();
    if documented.status != actual.status {
        differences.push(Difference::StatusMismatch {
            expected: documented.status,
            actual: actual.status,
        });
    }
    for (name, expected) in &documented.headers {
        let lower = name.to_ascii_lowercase();
        if TRANSPORT_HEADERS.contains(&lower.as_str()) {
            continue;
        }
        let Some(got) = actual.headers.get(&lower) else {
            differences.push(Difference::MissingHeader {
                name: name.clone(),
                expected: expected.clone(),
            });
            continue;
        };
        let same = if lower == "content-type" {
            media::essence(expected) == media::essence(got)
        } else {
            VOLATILE_HEADERS.contains(&lower.as_str()) || expected.trim() == got.trim()
        };
        if !same {
            differences.push(Difference::HeaderMismatch {
                name: name.clone(),
                expected: expected.clone(),
                actual: got.clone(),
            });
        }
    }
    // Another status is another case: its body is shown as a diff, not compared key by key.
    let same_case = documented.status == actual.status;
    if let (Some(expected), true) = (&documented.body, same_case) {
        let unrepaired = fixture
            .reconstructed
            .as_ref()
            .is_some_and(|r| r.unrepaired.is_some());
        if !unrepaired {
            body(
                fixture,
                expected,
                actual,
                level,
                &mut differences,
                &mut warnings,
            );
        }
    }
    (differences, warnings)
}

fn body(
    fixture: &Fixture,
    expected: &Value,
    actual: &ActualResponse,
    level: MatchLevel,
    differences: &mut Vec<Difference>,
    warnings: &mut Vec<Difference>,
) {
    let Some(got) = &actual.body else {
        differences.push(Difference::BodyMismatch {
            expected: describe_kind(expected),
            actual: "no body".into(),
        });
        return;
    };
    let text_documented = expected.is_string()
        && fixture
            .response
            .content_type()
            .is_some_and(|t| !media::is_json(t));
    let got_json = actual
        .headers
        .get("content-type")
        .is_none_or(|t| media::is_json(t));
    if matches!(expected, Value::Object(_) | Value::Array(_)) && got.is_string() && !got_json {
        differences.push(Difference::BodyMismatch {
            expected: describe_kind(expected),
            actual: format!("text {}", shorten(got.as_str().unwrap_or_default())),
        });
        return;
    }
    if text_documented {
        let got_text = match got {
            Value::String(s) => s.clone(),
            other => other.to_string(),
        };
        if level >= MatchLevel::Values && got_text.trim() != expected.as_str().unwrap_or("").trim()
        {
            differences.push(Difference::BodyMismatch {
                expected: format!("text {}", shorten(expected.as_str().unwrap_or_default())),
                actual: format!("text {}", shorten(&got_text)),
            });
        }
        return;
    }
    let comparer = Comparer::new(fixture, level);
    let mut found = Found::default();
    let mut at = At::default();
    comparer.value(expected, got, &mut at, comparer.level, &mut found);
    differences.extend(found.differences);
    warnings.extend(found.warnings);
}

fn describe_kind(value: &Value) -> String {
    match value {
        Value::Object(_) => "a JSON object".into(),
        Value::Array(_) => "a JSON array".into(),
        Value::String(s) => format!("text {}", shorten(s)),
        other => format!("JSON {other}"),
    }
}

fn shorten(text: &str) -> String {
    let one_line: String = text.split_whitespace().collect::<Vec<_>>().join(" ");
    let cut: String = one_line.chars().take(60).collect();
    if cut.len() < one_line.len() {
        format!("{:?}", format!("{cut}..."))
    } else {
        format!("{cut:?}")
    }
}

#[derive(Default)]
struct Found {
    differences: Vec<Difference>,
    warnings: Vec<Difference>,
}

struct Comparer {
    level: MatchLevel,
    /// Documented pointers compared by type only: computed and sample values.
    type_only: HashSet<String>,
    /// Documented pointers of computed values (`null` in the docs' JSON) and a value of the
    /// type their generator makes.
    computed: HashMap<String, Value>,
    /// Documented pointers of "more elements" placeholders.
    more_elements: HashSet<String>,
    /// Documented pointers of objects shown in part (`// ...`): other keys are expected there.
    partial: HashSet<String>,
    /// Reconstructed body: documented keys only, by shape.
    lenient: bool,
}

impl Comparer {
    fn new(fixture: &Fixture, level: MatchLevel) -> Comparer {
        let computed = fixture
            .computed
            .iter()
            .filter(|c| c.body == BodyRef::Response)
            .map(|c| (c.pointer.clone(), c.generator.generate()))
            .collect();
        let mut type_only = HashSet::new();
        let mut more_elements = HashSet::new();
        let mut partial = HashSet::new();
        for p in fixture
            .placeholders
            .iter()
            .filter(|p| p.body == BodyRef::Response)
        {
            match p.kind {
                PlaceholderKind::SampleValue => type_only.insert(p.pointer.clone()),
                PlaceholderKind::MoreElements => more_elements.insert(p.pointer.clone()),
                PlaceholderKind::Partial => partial.insert(p.pointer.clone()),
            };
        }
        let lenient = fixture.reconstructed.is_some();
        Comparer {
            level: if lenient { MatchLevel::Shape } else { level },
            type_only,
            computed,
            more_elements,
            partial,
            lenient,
        }
    }

    /// Compare `got` (at `at.answer` in the answer) with `expected` (at `at.doc` in the docs).
    fn value(
        &self,
        expected: &Value,
        got: &Value,
        at: &mut At,
        level: MatchLevel,
        found: &mut Found,
    ) {
        let computed = self.computed.get(at.doc.as_str());
        let expected = computed.unwrap_or(expected);
        if !same_type(expected, got) {
            found.differences.push(Difference::TypeMismatch {
                pointer: at.answer.clone(),
                expected: expected.clone(),
                actual: got.clone(),
            });
            return;
        }
        if computed.is_some() || self.type_only.contains(at.doc.as_str()) {
            return;
        }
        match (expected, got) {
            (Value::Object(documented), Value::Object(answer)) => {
                for (key, documented_value) in documented {
                    let mark = at.key(key);
                    match answer.get(key) {
                        Some(v) => self.value(documented_value, v, at, level, found),
                        None => found.differences.push(Difference::MissingKey {
                            pointer: at.answer.clone(),
                            expected: documented_value.clone(),
                        }),
                    }
                    at.back(mark);
                }
                if self.lenient || self.partial.contains(at.doc.as_str()) {
                    return;
                }
                for (key, v) in answer.iter().filter(|(k, _)| !documented.contains_key(*k)) {
                    let mut pointer = at.answer.clone();
                    pointer::push(&mut pointer, key);
                    let difference = Difference::UnexpectedKey {
                        pointer,
                        actual: v.clone(),
                    };
                    if level == MatchLevel::Exact {
                        found.differences.push(difference);
                    } else {
                        found.warnings.push(difference);
                    }
                }
            }
            (Value::Array(documented), Value::Array(answer)) => {
                self.array(documented, answer, at, level, found)
            }
            _ => {
                if level >= MatchLevel::Values && !same_scalar(expected, got) {
                    found.differences.push(Difference::ValueMismatch {
                        pointer: at.answer.clone(),
                        expected: expected.clone(),
                        actual: got.clone(),
                    });
                }
            }
        }
    }

    fn array(
        &self,
        documented: &[Value],
        answer: &[Value],
        at: &mut At,
        level: MatchLevel,
        found: &mut Found,
    ) {
        let mut concrete: Vec<(usize, &Value)> = Vec::with_capacity(documented.len());
        for (i, expected) in documented.iter().enumerate() {
            let placeholder = !self.more_elements.is_empty() && {
                let doc = at.doc.len();
                push_index(&mut at.doc, i);
                let found = self.more_elements.contains(at.doc.as_str());
                at.doc.truncate(doc);
                found
            };
            if !placeholder {
                concrete.push((i, expected));
            }
        }
        let open_ended =
            concrete.len() < documented.len() || self.partial.contains(at.doc.as_str());
        if level >= MatchLevel::Values && !self.lenient {
            let too_few = answer.len() < concrete.len();
            if too_few || (!open_ended && answer.len() != concrete.len()) {
                found.differences.push(Difference::LengthMismatch {
                    pointer: at.answer.clone(),
                    expected: concrete.len(),
                    actual: answer.len(),
                });
            }
        }
        for (i, got) in answer.iter().enumerate() {
            let mark = at.index(i, concrete.get(i).map(|(doc_index, _)| *doc_index));
            if let Some((_, expected)) = concrete.get(i) {
                self.value(expected, got, at, level, found);
                at.back(mark);
                continue;
            }
            if level > MatchLevel::Shape && !open_ended && !self.lenient {
                // Already reported as a length difference.
                at.back(mark);
                continue;
            }
            // Further elements: like the documented element they resemble most, by shape.
            let mut best: Option<Found> = None;
            for (doc_index, expected) in &concrete {
                let mut f = Found::default();
                let doc = at.doc.len();
                push_index(&mut at.doc, *doc_index);
                self.value(expected, got, at, MatchLevel::Shape, &mut f);
                at.doc.truncate(doc);
                if best
                    .as_ref()
                    .is_none_or(|b| f.differences.len() < b.differences.len())
                {
                    best = Some(f);
                }
            }
            if let Some(best) = best {
                found.differences.extend(best.differences);
                found.warnings.extend(best.warnings);
            }
            at.back(mark);
        }
    }
}

/// Where a comparison is: the pointer in the answer and the one in the docs, grown on the way
/// down and cut back on the way up, so no string is built per key (the proxy compares every
/// exchange).
#[derive(Default)]
struct At {
    answer: String,
    doc: String,
}

/// The lengths of [`At`]'s pointers before a step down.
#[derive(Clone, Copy)]
struct Mark(usize, usize);

impl At {
    /// One key down in both.
    fn key(&mut self, key: &str) -> Mark {
        let mark = Mark(self.answer.len(), self.doc.len());
        pointer::push(&mut self.answer, key);
        pointer::push(&mut self.doc, key);
        mark
    }

    /// Element `i` of the answer; element `doc` of the docs when there is one to compare with.
    fn index(&mut self, i: usize, doc: Option<usize>) -> Mark {
        let mark = Mark(self.answer.len(), self.doc.len());
        push_index(&mut self.answer, i);
        if let Some(doc) = doc {
            push_index(&mut self.doc, doc);
        }
        mark
    }

    fn back(&mut self, Mark(answer, doc): Mark) {
        self.answer.truncate(answer);
        self.doc.truncate(doc);
    }
}

fn push_index(pointer: &mut String, i: usize) {
    use std::fmt::Write;
    let _ = write!(pointer, "/{i}");
}

/// The documented body as the report's diff shows it: computed and sample values take the
/// answer's value where its type agrees (they are compared by type only, so they should not
/// show up as changed lines), or the documented expression where there is none.
pub fn documented_for_diff(fixture: &Fixture, actual: Option<&Value>) -> Option<Value> {
    let mut body = fixture.response.body.clone()?;
    let computed = fixture
        .computed
        .iter()
        .filter(|c| c.body == BodyRef::Response)
        .map(|c| {
            (
                c.pointer.as_str(),
                Some(c.generator.generate()),
                Some(&c.expression),
            )
        });
    let samples = fixture
        .placeholders
        .iter()
        .filter(|p| p.body == BodyRef::Response && p.kind == PlaceholderKind::SampleValue)
        .map(|p| (p.pointer.as_str(), None, None));
    for (pointer, sample, expression) in computed.chain(samples) {
        let Some(slot) = body.pointer_mut(pointer) else {
            continue;
        };
        let kind = sample.unwrap_or_else(|| slot.clone());
        match actual.and_then(|a| a.pointer(pointer)) {
            Some(got) if same_type(&kind, got) => *slot = got.clone(),
            _ => {
                if let Some(expression) = expression {
                    *slot = Value::String(expression.clone());
                }
            }
        }
    }
    Some(body)
}

fn same_type(a: &Value, b: &Value) -> bool {
    std::mem::discriminant(a) == std::mem::discriminant(b)
}

fn same_scalar(a: &Value, b: &Value) -> bool {
    match (a, b) {
        (Value::Number(x), Value::Number(y)) => x == y || x.as_f64() == y.as_f64(),
        _ => a == b,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::fixture::{Placeholder, ResponseSpec};
    use serde_json::json;

    fn fixture(body: Value) -> Fixture {
        Fixture {
            response: ResponseSpec {
                status: 200,
                body: Some(body),
                ..Default::default()
            },
            ..Default::default()
        }
    }

    fn answer(body: Value) -> ActualResponse {
        ActualResponse {
            status: 200,
            body: Some(body),
            ..Default::default()
        }
    }

    #[test]
    fn shape_reports_types_and_missing_keys_and_warns_about_extra_keys() {
        let f = fixture(json!({"a": 1, "b": "x", "c": [1]}));
        let (d, w) = response(
            &f,
            &answer(json!({"a": "1", "c": [2, 3], "z": 0})),
            MatchLevel::Shape,
        );
        assert_eq!(
            d,
            vec![
                Difference::TypeMismatch {
                    pointer: "/a".into(),
                    expected: json!(1),
                    actual: json!("1")
                },
                Difference::MissingKey {
                    pointer: "/b".into(),
                    expected: json!("x")
                },
            ]
        );
        assert_eq!(
            w,
            vec![Difference::UnexpectedKey {
                pointer: "/z".into(),
                actual: json!(0)
            }]
        );
    }

    #[test]
    fn a_partial_object_accepts_further_keys_at_every_level_but_not_a_missing_one() {
        let mut f = fixture(json!({"id": 1, "owner": {"name": "a"}}));
        f.placeholders = vec![Placeholder {
            body: BodyRef::Response,
            pointer: "/owner".into(),
            kind: PlaceholderKind::Partial,
        }];
        let got = answer(json!({"id": 1, "owner": {"name": "a", "email": "e"}}));
        assert_eq!(response(&f, &got, MatchLevel::Exact), (vec![], vec![]));
        // an array shown in part (`[1, 2, // ...]`) may hold further elements
        let mut list = fixture(json!([{"id": 1}]));
        list.placeholders = vec![Placeholder {
            body: BodyRef::Response,
            pointer: String::new(),
            kind: PlaceholderKind::Partial,
        }];
        let got = answer(json!([{"id": 1}, {"id": 2}]));
        assert_eq!(response(&list, &got, MatchLevel::Exact), (vec![], vec![]));
        let got = answer(json!({"id": 1, "owner": {"email": "e"}, "extra": true}));
        let (d, _) = response(&f, &got, MatchLevel::Exact);
        assert_eq!(
            d,
            vec![
                Difference::MissingKey {
                    pointer: "/owner/name".into(),
                    expected: json!("a")
                },
                Difference::UnexpectedKey {
                    pointer: "/extra".into(),
                    actual: json!(true)
                },
            ]
        );
    }

    #[test]
    fn values_compares_scalars_and_lengths_but_not_placeholders() {
        let mut f = fixture(json!({"n": 1, "when": "2020", "items": [{"id": 1}, {"etc": "etc"}]}));
        f.placeholders = vec![
            Placeholder {
                body: BodyRef::Response,
                pointer: "/items/1".into(),
                kind: PlaceholderKind::MoreElements,
            },
            Placeholder {
                body: BodyRef::Response,
                pointer: "/when".into(),
                kind: PlaceholderKind::SampleValue,
            },
        ];
        let got =
            answer(json!({"n": 1.0, "when": "2026", "items": [{"id": 1}, {"id": "x"}, {"id": 3}]}));
        let (d, _) = response(&f, &got, MatchLevel::Values);
        assert_eq!(
            d,
            vec![Difference::TypeMismatch {
                pointer: "/items/1/id".into(),
                expected: json!(1),
                actual: json!("x")
            }]
        );
        let (d, _) = response(
            &fixture(json!([1, 2])),
            &answer(json!([1])),
            MatchLevel::Values,
        );
        assert_eq!(
            d,
            vec![Difference::LengthMismatch {
                pointer: "".into(),
                expected: 2,
                actual: 1
            }]
        );
    }

    #[test]
    fn reconstructed_bodies_compare_documented_keys_by_shape_even_at_exact() {
        let mut f = fixture(json!({"a": 1, "b": {"c": "x"}, "list": [1]}));
        f.reconstructed = Some(crate::fixture::Reconstruction::default());
        let got = answer(json!({"a": 2, "b": {"c": "y", "d": 1}, "list": [1, 2], "e": 3}));
        assert_eq!(response(&f, &got, MatchLevel::Exact), (vec![], vec![]));
        let (d, _) = response(&f, &answer(json!({"a": "2"})), MatchLevel::Exact);
        assert_eq!(d.len(), 3, "{d:?}");
    }

    #[test]
    fn computed_values_compare_by_the_type_their_generator_makes() {
        let mut f = fixture(json!({"at": null}));
        f.computed = vec![crate::fixture::Computed {
            body: BodyRef::Response,
            pointer: "/at".into(),
            generator: crate::fixture::Generator::NowIso8601,
            expression: "new Date().toISOString()".into(),
        }];
        let ok = answer(json!({"at": "2026-12-01T10:00:00.000Z"}));
        assert_eq!(response(&f, &ok, MatchLevel::Exact), (vec![], vec![]));
        let (d, _) = response(&f, &answer(json!({"at": 5})), MatchLevel::Shape);
        assert!(matches!(&d[..], [Difference::TypeMismatch { pointer, .. }] if pointer == "/at"));
    }

    #[test]
    fn another_status_is_reported_without_comparing_the_body_key_by_key() {
        let f = fixture(json!({"id": 1}));
        let mut got = answer(json!({"error": "gone"}));
        got.status = 404;
        let (d, w) = response(&f, &got, MatchLevel::Shape);
        assert_eq!(
            d,
            vec![Difference::StatusMismatch {
                expected: 200,
                actual: 404
            }]
        );
        assert!(w.is_empty());
    }

    #[test]
    fn content_type_compares_media_types_and_volatile_headers_only_their_presence() {
        let mut f = fixture(json!({}));
        f.response
            .headers
            .insert("Content-Type".into(), "application/json".into());
        f.response.headers.insert("ETag".into(), "\"abc\"".into());
        f.response.headers.insert("X-Version".into(), "2".into());
        let mut got = answer(json!({}));
        got.headers.insert(
            "content-type".into(),
            "application/json; charset=utf-8".into(),
        );
        got.headers.insert("etag".into(), "\"def\"".into());
        got.headers.insert("x-version".into(), "3".into());
        let (d, _) = response(&f, &got, MatchLevel::Shape);
        assert_eq!(
            d,
            vec![Difference::HeaderMismatch {
                name: "X-Version".into(),
                expected: "2".into(),
                actual: "3".into()
            }]
        );
    }
}
