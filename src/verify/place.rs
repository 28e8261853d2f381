//! The doc line of each difference: the field a difference's pointer names, found in the
//! inline snapshot literal the case was read from (the literal is read again with the spans of
//! every value), so a report can point at `widgets.mdx:14` rather than the snapshot's first
//! line. Cases from other sources (fenced blocks, rendered pages, referenced JSON files) keep
//! the case's line.

use super::{Difference, Verdict};
use crate::extract::jslit;
use crate::extract::DocFiles;
use crate::fixture::{DocSet, Fixture};
use std::collections::HashMap;

/// Fill [`Verdict::difference_lines`] of every verdict with differences.
pub fn locate(docs: &DocSet, files: &DocFiles, verdicts: &mut [Verdict]) {
    let fixtures: HashMap<&str, &Fixture> = docs.fixtures().map(|f| (f.id.as_str(), f)).collect();
    for verdict in verdicts.iter_mut().filter(|v| !v.differences.is_empty()) {
        let Some(fixture) = fixtures.get(verdict.id.as_str()) else {
            continue;
        };
        let Some(lines) = lines_of(fixture, files, &verdict.differences) else {
            continue;
        };
        verdict.difference_lines = lines;
    }
}

/// The line of each difference in the fixture's literal, or `None` when the fixture has no
/// inline literal to look in.
fn lines_of(fixture: &Fixture, files: &DocFiles, differences: &[Difference]) -> Option<Vec<usize>> {
    let spans = fixture.source.literal?;
    let text = std::str::from_utf8(files.get(&fixture.source.file)?).ok()?;
    let response = text.get(spans.response.start..spans.response.end)?;
    let literal = jslit::parse(response).ok()?;
    let line_at = |offset: usize| {
        text[..(spans.response.start + offset).min(text.len())]
            .matches('\n')
            .count()
            + 1
    };
    let lines = differences
        .iter()
        .map(|difference| {
            let mut pointer = match difference {
                Difference::StatusMismatch { .. } => "/status".to_string(),
                Difference::MissingHeader { name, .. }
                | Difference::HeaderMismatch { name, .. } => format!("/headers/{name}"),
                Difference::BodyMismatch { .. } => "/body".to_string(),
                Difference::MissingKey { pointer, .. }
                | Difference::UnexpectedKey { pointer, .. }
                | Difference::TypeMismatch { pointer, .. }
                | Difference::ValueMismatch { pointer, .. }
                | Difference::LengthMismatch { pointer, .. } => format!("/body{pointer}"),
            };
            // A key the docs do not show (or a header written in another case) is placed at
            // the nearest value they do.
            loop {
                if let Some(span) = literal.span(&pointer) {
                    return line_at(span.start);
                }
                match pointer.rsplit_once('/') {
                    Some((parent, _)) if !parent.is_empty() => pointer = parent.to_string(),
                    _ => return fixture.source.line,
                }
            }
        })
        .collect();
    Some(lines)
}
