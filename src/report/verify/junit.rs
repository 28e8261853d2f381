//! Verification results as JUnit XML, the format CI systems show as test results: one
//! `<testcase>` per fixture, a `<failure>` with the differences, an `<error>` when the case got
//! no answer to compare (timeout, refused connection, failed setup command), `<skipped>` with
//! the reason.

use super::human::describe;
use crate::verify::{CaseStatus, Summary, Verdict};
use std::io::{self, Write};

/// Write a JUnit XML document with one test suite.
pub fn render(verdicts: &[Verdict], out: &mut impl Write) -> io::Result<()> {
    let summary = Summary::of(verdicts);
    // A failed case with a reason never got an answer to compare: an error, not a failure.
    let errors = verdicts
        .iter()
        .filter(|v| v.status == CaseStatus::Fail && v.reason.is_some())
        .count();
    let failures = summary.failed - errors;
    let total_ms: u64 = verdicts.iter().map(|v| v.duration_ms).sum();
    writeln!(out, r#"<?xml version="1.0" encoding="UTF-8"?>"#)?;
    writeln!(
        out,
        r#"<testsuites name="docmock verify" tests="{}" failures="{}" errors="{}" skipped="{}" time="{}">"#,
        verdicts.len(),
        failures,
        errors,
        summary.skipped,
        seconds(total_ms)
    )?;
    writeln!(
        out,
        r#"  <testsuite name="docmock verify" tests="{}" failures="{}" errors="{}" skipped="{}" time="{}">"#,
        verdicts.len(),
        failures,
        errors,
        summary.skipped,
        seconds(total_ms)
    )?;
    for verdict in verdicts {
        let classname = verdict.id.rsplit_once('/').map_or("", |(c, _)| c);
        write!(
            out,
            r#"    <testcase classname="{}" name="{}" file="{}" line="{}" time="{}""#,
            escape(classname),
            escape(&verdict.id),
            escape(&verdict.source.file),
            verdict.source.line,
            seconds(verdict.duration_ms)
        )?;
        match verdict.status {
            CaseStatus::Pass => writeln!(out, " />")?,
            CaseStatus::Skip => {
                writeln!(out, ">")?;
                writeln!(
                    out,
                    r#"      <skipped message="{}" />"#,
                    escape(verdict.reason.as_deref().unwrap_or(""))
                )?;
                writeln!(out, "    </testcase>")?;
            }
            CaseStatus::Fail => {
                writeln!(out, ">")?;
                let lines: Vec<String> = verdict
                    .reason
                    .iter()
                    .cloned()
                    .chain(verdict.differences.iter().map(describe))
                    .collect();
                let message = lines.first().cloned().unwrap_or_default();
                let (element, kind) = if verdict.reason.is_some() {
                    ("error", "transport")
                } else {
                    ("failure", "difference")
                };
                writeln!(
                    out,
                    r#"      <{element} message="{}" type="{kind}">{}</{element}>"#,
                    escape(&message),
                    escape(&format!(
                        "{} {}\n{}",
                        verdict.method,
                        verdict.path,
                        lines.join("\n")
                    ))
                )?;
                writeln!(out, "    </testcase>")?;
            }
        }
    }
    writeln!(out, "  </testsuite>")?;
    writeln!(out, "</testsuites>")
}

fn seconds(ms: u64) -> String {
    format!("{}.{:03}", ms / 1000, ms % 1000)
}

/// XML text and attribute escaping; characters XML 1.0 cannot hold become U+FFFD.
pub(crate) fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            '\n' => out.push_str("&#10;"),
            '\t' | '\r' => out.push_str(&format!("&#{};", c as u32)),
            c if (c as u32) < 0x20 || c == '\u{fffe}' || c == '\u{ffff}' => out.push('\u{fffd}'),
            c => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    #[test]
    fn escapes_markup_and_control_characters() {
        assert_eq!(
            super::escape("a<b>&\"'\u{1}"),
            "a&lt;b&gt;&amp;&quot;&apos;\u{fffd}"
        );
    }
}
