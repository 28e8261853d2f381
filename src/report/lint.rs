//! `docmock lint` output: compiler-style diagnostics for people, JSON for tools.

use super::github::{self, Annotation};
use super::{printable, Colour, Paint};
use crate::lint::{counts, Finding, NoteKind, Severity};
use serde::Serialize;
use std::io::{self, Write};

impl Paint {
    fn severity(&self, severity: Severity, text: &str) -> String {
        match severity {
            Severity::Error => self.wrap("1;31", text),
            Severity::Warning => self.wrap("1;33", text),
        }
    }
    fn gutter(&self, text: &str) -> String {
        self.wrap("1;34", text)
    }
    fn bold(&self, text: &str) -> String {
        self.wrap("1", text)
    }
}

/// Findings as compiler diagnostics: `warning[DM009]: ...`, `--> file:line:col`, the line
/// quoted with a caret under the place, then notes; a count at the end.
pub fn render_human(findings: &[Finding], colour: Colour, out: &mut impl Write) -> io::Result<()> {
    let paint = Paint(colour);
    for finding in findings {
        let title = format!("{}[{}]", finding.severity.as_str(), finding.code);
        writeln!(
            out,
            "{}{}",
            paint.severity(finding.severity, &title),
            paint.bold(&format!(": {}", printable(&finding.message)))
        )?;
        let width = finding.line.to_string().len();
        let pad = " ".repeat(width);
        writeln!(
            out,
            "{pad}{} {}:{}:{}",
            paint.gutter("-->"),
            printable(&finding.file),
            finding.line,
            finding.col
        )?;
        if let Some(text) = &finding.source_line {
            let (text, col) = window(text.trim_end(), finding.col, finding.len);
            // one character for one: the caret stays under the place
            let text: String = text
                .chars()
                .map(|c| {
                    if c.is_control() && c != '\t' {
                        '\u{fffd}'
                    } else {
                        c
                    }
                })
                .collect();
            writeln!(out, "{pad} {}", paint.gutter("|"))?;
            writeln!(
                out,
                "{} {} {text}",
                paint.gutter(&finding.line.to_string()),
                paint.gutter("|")
            )?;
            // keep tabs so the caret lines up under tab-indented text
            let lead: String = text
                .chars()
                .take(col - 1)
                .map(|c| if c == '\t' { '\t' } else { ' ' })
                .collect();
            let available = text.chars().count().saturating_sub(col - 1);
            let carets = "^".repeat(finding.len.min(available).max(1));
            writeln!(
                out,
                "{pad} {} {lead}{}",
                paint.gutter("|"),
                paint.severity(finding.severity, &carets)
            )?;
        }
        for note in &finding.notes {
            let kind = match note.kind {
                NoteKind::Note => "note",
                NoteKind::Help => "help",
            };
            let place = match (&note.file, note.line) {
                (Some(file), Some(line)) => format!(" ({}:{line})", printable(file)),
                _ => String::new(),
            };
            writeln!(
                out,
                "{pad} {} {}: {}{place}",
                paint.gutter("="),
                paint.bold(kind),
                printable(&note.message)
            )?;
        }
        writeln!(out)?;
    }
    writeln!(out, "{}", summary(findings))
}

/// Lines longer than this are quoted around the place only (HTML pages put whole sections on
/// one line).
const MAX_QUOTE: usize = 100;

/// The part of a long line worth quoting, and the column of the place inside it.
fn window(text: &str, col: usize, len: usize) -> (String, usize) {
    let chars: Vec<char> = text.chars().collect();
    if chars.len() <= MAX_QUOTE {
        return (text.to_string(), col);
    }
    let margin = 30;
    let start = col.saturating_sub(1 + margin);
    let end = (col - 1 + len.min(MAX_QUOTE - 2 * margin) + margin).min(chars.len());
    let mut out = String::new();
    let mut col = col - start;
    if start > 0 {
        out.push_str("...");
        col += 3;
    }
    out.extend(&chars[start..end]);
    if end < chars.len() {
        out.push_str("...");
    }
    (out, col)
}

/// `2 errors, 1 warning`, or `no findings`.
pub fn summary(findings: &[Finding]) -> String {
    let c = counts(findings);
    if c.errors + c.warnings == 0 {
        return "lint: no findings".to_string();
    }
    let plural = |n: usize, word: &str| format!("{n} {word}{}", if n == 1 { "" } else { "s" });
    format!(
        "lint: {}, {}",
        plural(c.errors, "error"),
        plural(c.warnings, "warning")
    )
}

#[derive(Serialize)]
struct JsonReport<'a> {
    errors: usize,
    warnings: usize,
    findings: &'a [Finding],
}

/// `{"errors": n, "warnings": n, "findings": [...]}`, pretty.
pub fn render_json(findings: &[Finding], out: &mut impl Write) -> io::Result<()> {
    let c = counts(findings);
    let report = JsonReport {
        errors: c.errors,
        warnings: c.warnings,
        findings,
    };
    serde_json::to_writer_pretty(&mut *out, &report)?;
    out.write_all(b"\n")
}

/// GitHub workflow annotations at each finding's `file:line:col`, titled with its rule code,
/// then the counts; `summary_file` is the step summary, when the workflow gives one.
pub fn render_github(
    findings: &[Finding],
    out: &mut impl Write,
    summary_file: Option<&mut dyn Write>,
) -> io::Result<()> {
    let annotations: Vec<Annotation> = findings
        .iter()
        .map(|f| {
            let level = match f.severity {
                Severity::Error => github::Level::Error,
                Severity::Warning => github::Level::Warning,
            };
            let place = format!("{}:{}:{}", f.file, f.line, f.col);
            Annotation::at(level, Some(&place), f.code, &f.message)
        })
        .collect();
    github::render(&annotations, out, summary_file)?;
    writeln!(out, "{}", summary(findings))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::lint::{Note, Rule};

    fn finding() -> Finding {
        let mut f = Finding::new(
            Rule::ErrorNamesUnknownParam,
            "a.txt",
            12,
            2,
            "error about `return_url`",
        );
        f.len = 10;
        f.source_line = Some("\"return_url\": [".to_string());
        f.notes
            .push(Note::info("the table requires `return_to`").at("a.txt", 3));
        f.notes.push(Note::help("write `return_to`"));
        f
    }

    #[test]
    fn human_output_quotes_the_line_with_a_caret_under_the_name() {
        let mut out = Vec::new();
        render_human(&[finding()], Colour::Never, &mut out).unwrap();
        let text = String::from_utf8(out).unwrap();
        assert_eq!(
            text,
            "error[DM007]: error about `return_url`\n  \
             --> a.txt:12:2\n   \
             |\n\
             12 | \"return_url\": [\n   \
             |  ^^^^^^^^^^\n   \
             = note: the table requires `return_to` (a.txt:3)\n   \
             = help: write `return_to`\n\
             \n\
             lint: 1 error, 0 warnings\n"
        );
    }

    #[test]
    fn colour_marks_the_severity_and_the_carets_only_when_asked() {
        let mut plain = Vec::new();
        render_human(&[finding()], Colour::Never, &mut plain).unwrap();
        assert!(!plain.contains(&0x1b));
        let mut coloured = Vec::new();
        render_human(&[finding()], Colour::Always, &mut coloured).unwrap();
        let text = String::from_utf8(coloured).unwrap();
        assert!(text.starts_with("\x1b[1;31merror[DM007]\x1b[0m"), "{text}");
        assert!(text.contains("\x1b[1;31m^^^^^^^^^^\x1b[0m"), "{text}");
    }

    #[test]
    fn long_lines_are_quoted_around_the_place() {
        let line = format!("{}\"return_url\": [{}", "x".repeat(200), "y".repeat(200));
        let (text, col) = window(&line, 202, 10);
        assert_eq!(
            text,
            format!(
                "...{}\"return_url\": [{}...",
                "x".repeat(29),
                "y".repeat(26)
            )
        );
        assert_eq!(&text[col - 1..col - 1 + 10], "return_url");
        assert_eq!(window("short", 2, 1), ("short".to_string(), 2));
    }

    #[test]
    fn json_output_counts_and_lists_findings() {
        let mut out = Vec::new();
        render_json(&[finding()], &mut out).unwrap();
        let value: serde_json::Value = serde_json::from_slice(&out).unwrap();
        assert_eq!(value["errors"], 1);
        assert_eq!(value["findings"][0]["code"], "DM007");
        assert_eq!(value["findings"][0]["rule"], "error-names-unknown-param");
        assert_eq!(value["findings"][0]["severity"], "error");
        assert_eq!(value["findings"][0]["notes"][0]["line"], 3);
    }
}
