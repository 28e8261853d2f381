//! `verify --update`: rewrite the documented responses that differ from what the
//! implementation answered, so the docs can be kept true to it and reviewed like a snapshot.
//!
//! In: the doc folder, the doc set and the verdicts of a run. Out: an [`UpdatePlan`], the new
//! text of each doc file to change (nothing is written until [`UpdatePlan::write`]). An inline
//! snapshot literal is rewritten in place through the byte spans extraction recorded
//! ([`LiteralSpans`](crate::fixture::LiteralSpans)): only the body value when only the body
//! differs, the whole `response` value when the status or a header does; everything else in
//! the page stays byte for byte. The new literal is JavaScript-object style (unquoted keys,
//! valid json5) indented like the original, and computed expressions
//! (`new Date().toISOString()`) stay where the answer has a value of their type. A referenced
//! JSON snapshot file is rewritten whole, pretty.

use super::compare::Difference;
use super::{ActualResponse, CaseStatus, Verdict};
use crate::fixture::pointer;
use crate::fixture::{BodyRef, DocSet, Fixture, Span};
use indexmap::IndexMap;
use serde_json::{Map, Value};
use std::collections::HashMap;
use std::path::Path;

/// The new text of one doc file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FileUpdate {
    /// Relative to the docs root.
    pub file: String,
    pub before: String,
    pub after: String,
    /// Ids of the fixtures whose responses changed in this file.
    pub fixtures: Vec<String>,
}

/// A differing response that cannot be rewritten, and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NotUpdated {
    pub id: String,
    pub reason: String,
}

/// Every change `--update` makes.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct UpdatePlan {
    pub files: Vec<FileUpdate>,
    pub not_updated: Vec<NotUpdated>,
}

impl UpdatePlan {
    /// Write the new files under `root`.
    pub fn write(&self, root: &Path) -> std::io::Result<()> {
        for update in &self.files {
            std::fs::write(root.join(&update.file), &update.after)?;
        }
        Ok(())
    }
}

/// One rewrite inside a page: the byte range and its new text.
struct Splice {
    span: Span,
    text: String,
}

/// Plan the rewrites for the failed verdicts that got an answer.
pub fn plan(root: &Path, docs: &DocSet, verdicts: &[Verdict]) -> UpdatePlan {
    let mut plan = UpdatePlan::default();
    let mut splices: IndexMap<String, Vec<(Splice, String)>> = IndexMap::new();
    let mut json_files: IndexMap<String, (String, Value, Vec<String>)> = IndexMap::new();
    for verdict in verdicts.iter().filter(|v| v.status == CaseStatus::Fail) {
        let Some(actual) = &verdict.actual else {
            continue;
        };
        let Some(fixture) = docs.fixture(&verdict.id) else {
            continue;
        };
        let mut not_updated = |reason: String| {
            plan.not_updated.push(NotUpdated {
                id: verdict.id.clone(),
                reason,
            })
        };
        let source = &fixture.source;
        // Loaded fixture folders are checked when read; this keeps a library caller's
        // hand-made doc set from making `--update` write outside the docs too.
        let outside = std::iter::once(source.file.as_str())
            .chain(source.snapshot_file.as_deref())
            .find(|p| !crate::extract::files::is_inside_root(p));
        if let Some(outside) = outside {
            not_updated(format!(
                "{outside}: not inside the docs folder, not rewritten"
            ));
            continue;
        }
        if let Some(snapshot) = &source.snapshot_file {
            if !json_files.contains_key(snapshot) {
                let text = match std::fs::read_to_string(root.join(snapshot)) {
                    Ok(text) => text,
                    Err(e) => {
                        not_updated(format!("cannot read {snapshot}: {e}"));
                        continue;
                    }
                };
                let value: Value = match serde_json::from_str(&text) {
                    Ok(v) => v,
                    Err(e) => {
                        not_updated(format!("{snapshot}: not valid JSON: {e}"));
                        continue;
                    }
                };
                json_files.insert(snapshot.clone(), (text, value, Vec::new()));
            }
            let (_, value, ids) = json_files.get_mut(snapshot).expect("inserted above");
            match value.get_mut("response") {
                Some(Value::Object(response)) => {
                    let new = new_response(fixture, verdict, actual);
                    let Value::Object(new) = new else { continue };
                    for key in ["status", "headers", "body"] {
                        match new.get(key) {
                            Some(v) => {
                                response.insert(key.to_string(), v.clone());
                            }
                            None => {
                                response.remove(key);
                            }
                        }
                    }
                    ids.push(verdict.id.clone());
                }
                _ => not_updated(format!("{snapshot}: no `response` object to rewrite")),
            }
            continue;
        }
        let Some(spans) = source.literal else {
            not_updated(format!(
                "{}:{}: only snapshot literals and JSON snapshot files can be rewritten",
                source.file, source.line
            ));
            continue;
        };
        let text = match std::fs::read_to_string(root.join(&source.file)) {
            Ok(text) => text,
            Err(e) => {
                not_updated(format!("cannot read {}: {e}", source.file));
                continue;
            }
        };
        let response_level = verdict.differences.iter().any(|d| !d.is_about_body());
        let (span, value, expressions) = match (response_level, spans.body) {
            (false, Some(body)) => (
                body,
                actual.body.clone().unwrap_or(Value::Null),
                expressions(fixture, actual, ""),
            ),
            _ => (
                spans.response,
                new_response(fixture, verdict, actual),
                expressions(fixture, actual, "/body"),
            ),
        };
        if span.end > text.len() || span.start > span.end || !text.is_char_boundary(span.start) {
            not_updated(format!(
                "{}:{}: the page changed since it was read",
                source.file, source.line
            ));
            continue;
        }
        let style = Style::of(&text, span);
        let new_text = style.render(&value, &expressions);
        splices.entry(source.file.clone()).or_default().push((
            Splice {
                span,
                text: new_text,
            },
            verdict.id.clone(),
        ));
    }

    for (file, mut edits) in splices {
        let Ok(before) = std::fs::read_to_string(root.join(&file)) else {
            continue;
        };
        edits.sort_by_key(|(s, _)| std::cmp::Reverse(s.span.start));
        let mut after = before.clone();
        let mut ids = Vec::new();
        for (splice, id) in edits {
            after.replace_range(splice.span.start..splice.span.end, &splice.text);
            ids.push(id);
        }
        ids.reverse();
        plan.files.push(FileUpdate {
            file,
            before,
            after,
            fixtures: ids,
        });
    }
    for (file, (before, value, ids)) in json_files {
        let mut after = serde_json::to_string_pretty(&value).unwrap_or_default();
        if before.ends_with('\n') {
            after.push('\n');
        }
        plan.files.push(FileUpdate {
            file,
            before,
            after,
            fixtures: ids,
        });
    }
    plan.files.sort_by(|a, b| a.file.cmp(&b.file));
    plan
}

/// The documented response made true: the answer's status and body; documented headers
/// with the answer's values where they differed, left out where the answer had none.
fn new_response(fixture: &Fixture, verdict: &Verdict, actual: &ActualResponse) -> Value {
    let mut response = Map::new();
    response.insert("status".into(), Value::from(actual.status));
    let mut headers = Map::new();
    for (name, value) in &fixture.response.headers {
        let missing = verdict
            .differences
            .iter()
            .any(|d| matches!(d, Difference::MissingHeader { name: n, .. } if n == name));
        if missing {
            continue;
        }
        let changed = verdict.differences.iter().find_map(|d| match d {
            Difference::HeaderMismatch {
                name: n, actual, ..
            } if n == name => Some(actual.clone()),
            _ => None,
        });
        headers.insert(
            name.clone(),
            Value::String(changed.unwrap_or(value.clone())),
        );
    }
    if !headers.is_empty() {
        response.insert("headers".into(), Value::Object(headers));
    }
    if let Some(body) = &actual.body {
        response.insert("body".into(), body.clone());
    }
    Value::Object(response)
}

/// Computed expressions to keep, by pointer from the value being written (`prefix` is where
/// the body sits in it): those whose place in the answer holds a value of their type.
fn expressions(
    fixture: &Fixture,
    actual: &ActualResponse,
    prefix: &str,
) -> HashMap<String, String> {
    fixture
        .computed
        .iter()
        .filter(|c| c.body == BodyRef::Response)
        .filter(|c| {
            let got = actual.body.as_ref().and_then(|b| b.pointer(&c.pointer));
            let sample = c.generator.generate();
            got.is_some_and(|g| std::mem::discriminant(g) == std::mem::discriminant(&sample))
        })
        .map(|c| (format!("{prefix}{}", c.pointer), c.expression.clone()))
        .collect()
}

/// How the original literal was written: on one line or several, and its indentation.
struct Style {
    one_line: bool,
    /// Indentation of the line the literal starts on.
    base: String,
    /// One level of indentation.
    unit: String,
}

impl Style {
    fn of(text: &str, span: Span) -> Style {
        let original = &text[span.start..span.end];
        let line_start = text[..span.start].rfind('\n').map_or(0, |i| i + 1);
        let base: String = text[line_start..span.start]
            .chars()
            .take_while(|c| *c == ' ' || *c == '\t')
            .collect();
        let unit = original
            .lines()
            .skip(1)
            .filter(|l| !l.trim().is_empty())
            .map(|l| {
                l.chars()
                    .take_while(|c| *c == ' ' || *c == '\t')
                    .collect::<String>()
            })
            .filter(|indent| indent.len() > base.len() && indent.starts_with(&base))
            .map(|indent| indent[base.len()..].to_string())
            .min_by_key(|unit| unit.len())
            .unwrap_or_else(|| "  ".to_string());
        Style {
            one_line: !original.contains('\n'),
            base,
            unit,
        }
    }

    /// The value as a JavaScript object literal.
    fn render(&self, value: &Value, expressions: &HashMap<String, String>) -> String {
        if self.one_line {
            let compact = compact(value, "", expressions);
            if compact.len() <= 100 {
                return compact;
            }
        }
        let mut out = String::new();
        self.write(value, "", 0, expressions, &mut out);
        out
    }

    fn write(
        &self,
        value: &Value,
        pointer: &str,
        depth: usize,
        expressions: &HashMap<String, String>,
        out: &mut String,
    ) {
        if let Some(expression) = expressions.get(pointer) {
            out.push_str(expression);
            return;
        }
        let indent = |d: usize| format!("{}{}", self.base, self.unit.repeat(d));
        match value {
            Value::Object(map) if !map.is_empty() => {
                out.push_str("{\n");
                for (i, (key, v)) in map.iter().enumerate() {
                    out.push_str(&indent(depth + 1));
                    out.push_str(&js_key(key));
                    out.push_str(": ");
                    let child = format!("{pointer}/{}", pointer::token(key));
                    self.write(v, &child, depth + 1, expressions, out);
                    if i + 1 < map.len() {
                        out.push(',');
                    }
                    out.push('\n');
                }
                out.push_str(&indent(depth));
                out.push('}');
            }
            Value::Array(items) if !items.is_empty() => {
                // Arrays of scalars stay on one line when short.
                let flat = compact(value, pointer, expressions);
                if items.iter().all(|i| !i.is_object() && !i.is_array()) && flat.len() <= 80 {
                    out.push_str(&flat);
                    return;
                }
                out.push_str("[\n");
                for (i, v) in items.iter().enumerate() {
                    out.push_str(&indent(depth + 1));
                    self.write(v, &format!("{pointer}/{i}"), depth + 1, expressions, out);
                    if i + 1 < items.len() {
                        out.push(',');
                    }
                    out.push('\n');
                }
                out.push_str(&indent(depth));
                out.push(']');
            }
            other => out.push_str(&compact(other, pointer, expressions)),
        }
    }
}

/// A value as a pretty JavaScript object literal (`{id: 7}` over several lines), each level
/// indented by `unit` more than `base`: how `proxy --record` writes new snapshots.
pub(crate) fn js_literal(value: &Value, base: &str, unit: &str) -> String {
    let style = Style {
        one_line: false,
        base: base.to_string(),
        unit: unit.to_string(),
    };
    style.render(value, &HashMap::new())
}

/// A value on one line, JavaScript-object style: `{id: 7, tags: ["a"]}`.
fn compact(value: &Value, pointer: &str, expressions: &HashMap<String, String>) -> String {
    if let Some(expression) = expressions.get(pointer) {
        return expression.clone();
    }
    match value {
        Value::Object(map) if map.is_empty() => "{}".into(),
        Value::Object(map) => {
            let parts: Vec<String> = map
                .iter()
                .map(|(k, v)| {
                    let child = format!("{pointer}/{}", pointer::token(k));
                    format!("{}: {}", js_key(k), compact(v, &child, expressions))
                })
                .collect();
            format!("{{{}}}", parts.join(", "))
        }
        Value::Array(items) => {
            let parts: Vec<String> = items
                .iter()
                .enumerate()
                .map(|(i, v)| compact(v, &format!("{pointer}/{i}"), expressions))
                .collect();
            format!("[{}]", parts.join(", "))
        }
        scalar => scalar.to_string(),
    }
}

/// A key as JavaScript writes it: bare when it is an identifier, quoted otherwise.
fn js_key(key: &str) -> String {
    let mut chars = key.chars();
    let identifier = chars
        .next()
        .is_some_and(|c| c.is_ascii_alphabetic() || c == '_' || c == '$')
        && chars.all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '$');
    if identifier {
        key.to_string()
    } else {
        Value::String(key.to_string()).to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn literals_are_written_in_the_style_of_the_original() {
        let text = "x\n    body: {\n        a: 1\n    }\n";
        let start = text.find('{').unwrap();
        let span = Span {
            start,
            end: text.rfind('}').unwrap() + 1,
        };
        let style = Style::of(text, span);
        let value = json!({"id": 7, "a-b": [1, 2], "at": null, "n": {"k": [{"x": 1}]}});
        let expressions = HashMap::from([("/at".to_string(), "Date.now()".to_string())]);
        assert_eq!(
            style.render(&value, &expressions),
            "{\n        id: 7,\n        \"a-b\": [1, 2],\n        at: Date.now(),\n        n: {\n            k: [\n                {\n                    x: 1\n                }\n            ]\n        }\n    }"
        );
        let one_line = Style::of("body: {a: 1}", Span { start: 6, end: 12 });
        assert_eq!(
            one_line.render(&value, &HashMap::new()),
            "{id: 7, \"a-b\": [1, 2], at: null, n: {k: [{x: 1}]}}"
        );
        let written = style
            .render(&value, &expressions)
            .replace("Date.now()", "1");
        let back: Value = json5::from_str(&written).unwrap();
        assert_eq!(back["n"], value["n"]);
    }
}
