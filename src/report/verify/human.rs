//! Verification results for people: one line per case, and under each failure its
//! differences and a unified diff of the pretty JSON bodies; the counts last.
//!
//! ```text
//! FAIL widgets/show-a-widget/success GET /widgets/7
//!   --> widgets.mdx:12
//!   /name: missing key; the docs show string <"Gizmo"> (widgets.mdx:14)
//!   reproduce: curl -i 'http://127.0.0.1:3000/widgets/7' -H 'Accept: application/json'
//! ```

use crate::fixture::json_type;
use crate::report::{printable, Colour, Paint};
use crate::verify::{CaseStatus, Difference, Summary, Verdict};
use serde_json::Value;
use std::io::{self, Write};

impl Paint {
    fn status(&self, status: CaseStatus) -> String {
        let code = match status {
            CaseStatus::Pass => "1;32",
            CaseStatus::Fail => "1;31",
            CaseStatus::Skip => "1;33",
        };
        self.wrap(code, status.as_str())
    }
}

/// Write the report of a run.
pub fn render(verdicts: &[Verdict], colour: Colour, out: &mut impl Write) -> io::Result<()> {
    let paint = Paint(colour);
    for verdict in verdicts {
        write!(
            out,
            "{} {} {} {}",
            paint.status(verdict.status),
            printable(&verdict.id),
            printable(&verdict.method),
            printable(&verdict.path)
        )?;
        match (&verdict.status, &verdict.reason) {
            (CaseStatus::Skip, Some(reason)) => writeln!(out, ": {}", printable(reason))?,
            _ => writeln!(out)?,
        }
        if verdict.status == CaseStatus::Fail {
            writeln!(
                out,
                "  {} {}:{}",
                paint.wrap("1;34", "-->"),
                printable(&verdict.source.file),
                verdict.source.line
            )?;
            if let Some(reason) = &verdict.reason {
                writeln!(
                    out,
                    "  {}: {}",
                    paint.wrap("1;31", "error"),
                    printable(reason)
                )?;
            }
            for (i, difference) in verdict.differences.iter().enumerate() {
                match verdict.difference_lines.get(i) {
                    Some(line) => writeln!(
                        out,
                        "  {} ({}:{line})",
                        printable(&describe(difference)),
                        verdict.source.file
                    )?,
                    None => writeln!(out, "  {}", printable(&describe(difference)))?,
                }
            }
        }
        for warning in &verdict.warnings {
            writeln!(
                out,
                "  {}: {}",
                paint.wrap("1;33", "warning"),
                printable(&describe(warning))
            )?;
        }
        if verdict.status == CaseStatus::Fail && verdict.body_differs() {
            body_diff(verdict, &paint, out)?;
        }
        if let Some(curl) = &verdict.curl {
            writeln!(out, "  {} {curl}", paint.wrap("1;34", "reproduce:"))?;
        }
    }
    let summary = Summary::of(verdicts);
    writeln!(
        out,
        "{} passed, {} failed, {} skipped",
        summary.passed, summary.failed, summary.skipped
    )
}

/// A library run's report reads as the CLI's, without colour (written here, beside the
/// renderer, so `verify` itself never renders).
impl std::fmt::Display for crate::verify::Report {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let mut text = Vec::new();
        render(&self.verdicts, Colour::Never, &mut text).map_err(|_| std::fmt::Error)?;
        f.write_str(&String::from_utf8_lossy(&text))
    }
}

/// One difference in words: where, what the docs say, what came back.
pub fn describe(difference: &Difference) -> String {
    match difference {
        Difference::StatusMismatch { expected, actual } => {
            format!("status: expected {expected}, got {actual}")
        }
        Difference::MissingHeader { name, expected } => {
            format!("header {name}: missing; the docs show {expected:?}")
        }
        Difference::HeaderMismatch {
            name,
            expected,
            actual,
        } => format!("header {name}: expected {expected:?}, got {actual:?}"),
        Difference::BodyMismatch { expected, actual } => {
            format!("body: expected {expected}, got {actual}")
        }
        Difference::MissingKey { pointer, expected } => format!(
            "{}: missing key; the docs show {}",
            at(pointer),
            typed(expected)
        ),
        Difference::UnexpectedKey { pointer, actual } => {
            format!("{}: key not in the docs: {}", at(pointer), typed(actual))
        }
        Difference::TypeMismatch {
            pointer,
            expected,
            actual,
        }
        | Difference::ValueMismatch {
            pointer,
            expected,
            actual,
        } => format!(
            "{}: expected {}, got {}",
            at(pointer),
            typed(expected),
            typed(actual)
        ),
        Difference::LengthMismatch {
            pointer,
            expected,
            actual,
        } => format!(
            "{}: expected {expected} element{}, got {actual}",
            at(pointer),
            if *expected == 1 { "" } else { "s" }
        ),
    }
}

/// The body root is the empty pointer; say so.
fn at(pointer: &str) -> &str {
    if pointer.is_empty() {
        "body"
    } else {
        pointer
    }
}

/// `integer <20>`, `string <"x">`, `object <{"a":1}>` (long values cut).
pub fn typed(value: &Value) -> String {
    let text = value.to_string();
    let cut: String = text.chars().take(60).collect();
    let text = if cut.len() < text.len() {
        format!("{cut}...")
    } else {
        cut
    };
    format!("{} <{text}>", json_type(value))
}

fn pretty(value: Option<&Value>) -> String {
    match value {
        None => String::new(),
        Some(Value::String(s)) => format!("{s}\n"),
        Some(v) => format!("{}\n", serde_json::to_string_pretty(v).unwrap_or_default()),
    }
}

fn body_diff(verdict: &Verdict, paint: &Paint, out: &mut impl Write) -> io::Result<()> {
    let expected = pretty(verdict.expected_body.as_ref());
    let actual = pretty(verdict.actual.as_ref().and_then(|a| a.body.as_ref()));
    if expected == actual {
        return Ok(());
    }
    let diff = similar::TextDiff::from_lines(&expected, &actual);
    let unified = diff
        .unified_diff()
        .context_radius(3)
        .header("docs", "actual")
        .to_string();
    for line in unified.lines() {
        let line = &printable(line);
        let line = if line.starts_with("+++") || line.starts_with("---") {
            paint.wrap("1", line)
        } else if line.starts_with('+') {
            paint.wrap("32", line)
        } else if line.starts_with('-') {
            paint.wrap("31", line)
        } else if line.starts_with("@@") {
            paint.wrap("36", line)
        } else {
            line.to_string()
        };
        writeln!(out, "  {line}")?;
    }
    Ok(())
}

/// What `--update` did (or, with `--dry-run`, would do): a unified diff per doc file, or one
/// line per rewritten file; then the differing responses it could not rewrite.
pub fn render_update(
    plan: &crate::verify::update::UpdatePlan,
    dry_run: bool,
    out: &mut impl Write,
) -> io::Result<()> {
    for file in &plan.files {
        if dry_run {
            let diff = similar::TextDiff::from_lines(&file.before, &file.after);
            let file_name = printable(&file.file);
            let unified = diff
                .unified_diff()
                .context_radius(3)
                .header(&format!("a/{file_name}"), &format!("b/{file_name}"))
                .missing_newline_hint(false)
                .to_string();
            for line in unified.lines() {
                writeln!(out, "{}", printable(line))?;
            }
        } else {
            let n = file.fixtures.len();
            writeln!(
                out,
                "updated {} ({n} response{})",
                printable(&file.file),
                if n == 1 { "" } else { "s" }
            )?;
        }
    }
    for skipped in &plan.not_updated {
        writeln!(
            out,
            "note: not updated {}: {}",
            printable(&skipped.id),
            printable(&skipped.reason)
        )?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::fixture::Source;
    use serde_json::json;

    fn verdict(status: CaseStatus) -> Verdict {
        Verdict {
            id: "p/e/c".into(),
            title: "c".into(),
            source: Source {
                file: "p.md".into(),
                line: 3,
                ..Default::default()
            },
            method: "GET".into(),
            path: "/x".into(),
            status,
            reason: None,
            differences: vec![Difference::StatusMismatch {
                expected: 200,
                actual: 500,
            }],
            difference_lines: Vec::new(),
            warnings: Vec::new(),
            expected_body: None,
            actual: None,
            curl: None,
            duration_ms: 0,
        }
    }

    #[test]
    fn colour_only_when_asked() {
        let verdicts = [verdict(CaseStatus::Fail)];
        let mut plain = Vec::new();
        render(&verdicts, Colour::Never, &mut plain).unwrap();
        let plain = String::from_utf8(plain).unwrap();
        assert_eq!(
            plain,
            "FAIL p/e/c GET /x\n  --> p.md:3\n  status: expected 200, got 500\n0 passed, 1 failed, 0 skipped\n"
        );
        let mut coloured = Vec::new();
        render(&verdicts, Colour::Always, &mut coloured).unwrap();
        let coloured = String::from_utf8(coloured).unwrap();
        assert!(
            coloured.starts_with("\x1b[1;31mFAIL\x1b[0m p/e/c"),
            "{coloured:?}"
        );
    }

    #[test]
    fn a_target_cannot_write_control_characters_to_the_terminal() {
        let mut fake = verdict(CaseStatus::Fail);
        fake.path = "/x\r\x1b[2K".into();
        fake.reason = Some("request failed: \x07\x1b]0;title\x07".into());
        fake.differences = vec![Difference::BodyMismatch {
            expected: "text".into(),
            actual: "\x1b[1;32mPASS\r".into(),
        }];
        fake.expected_body = Some(json!("a"));
        fake.actual = Some(crate::verify::ActualResponse {
            status: 200,
            headers: Default::default(),
            body: Some(json!("\x1b[1;32mPASS\r\u{9b}31m")),
        });
        let mut out = Vec::new();
        render(&[fake], Colour::Never, &mut out).unwrap();
        let out = String::from_utf8(out).unwrap();
        assert!(!out.chars().any(|c| c.is_control() && c != '\n'), "{out:?}");
        assert!(out.contains("  +\\u{1b}[1;32mPASS\\r"), "{out}");
        assert!(out.contains("\\u{9b}31m\n"), "{out}");
        assert!(out.contains("FAIL p/e/c GET /x\\r\\u{1b}[2K\n"), "{out}");
    }
}
