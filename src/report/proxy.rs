//! A proxy run's shutdown report: what real traffic exercised and every violation, as text for
//! people, one JSON document, or JUnit XML (one test case per documented case exercised and per
//! violation kind). All three render the same [`Summary`].

use super::verify::junit::escape;
use crate::proxy::verdict::{parts, Group};
use crate::proxy::{Kind, Summary};
use std::io::{self, Write};

/// The counts per verdict, each case exercised, then each violation group with its sample's
/// differences.
pub fn human(summary: &Summary, out: &mut impl Write) -> io::Result<()> {
    writeln!(out, "docmock proxy in front of {}", summary.target)?;
    for tally in &summary.cases {
        let status = if tally.differed > 0 { "FAIL" } else { "PASS" };
        writeln!(
            out,
            "{status} {} {} {} ({} exchanges, {} differed)\n  --> {}",
            tally.id, tally.method, tally.route, tally.exchanges, tally.differed, tally.doc
        )?;
    }
    for group in &summary.violations {
        writeln!(
            out,
            "{} {} {} ({}x)",
            group.kind.as_str(),
            group.method,
            group.route,
            group.count
        )?;
        if let Some(doc) = &group.doc {
            writeln!(out, "  --> {doc}")?;
        }
        for line in details(group) {
            writeln!(out, "  {line}")?;
        }
    }
    let counts: Vec<String> = summary
        .verdicts
        .iter()
        .map(|(kind, count)| format!("{count} {kind}"))
        .collect();
    writeln!(out, "{}", counts.join(", "))
}

/// The summary as one pretty JSON document.
pub fn json(summary: &Summary, out: &mut impl Write) -> io::Result<()> {
    serde_json::to_writer_pretty(&mut *out, summary)?;
    writeln!(out)
}

/// JUnit XML: a test case per documented case exercised (failed when an answer differed), and
/// per violation kind seen (`differs` and `request-violates` fail, undocumented traffic is
/// skipped: nothing to compare it with).
pub fn junit(summary: &Summary, out: &mut impl Write) -> io::Result<()> {
    let mut kinds: Vec<Kind> = summary.violations.iter().map(|g| g.kind).collect();
    kinds.sort();
    kinds.dedup();
    let failed_cases = summary.cases.iter().filter(|c| c.differed > 0).count();
    let failed_kinds = kinds.iter().filter(|k| k.fails()).count();
    let skipped = kinds.len() - failed_kinds;
    let tests = summary.cases.len() + kinds.len();
    let failures = failed_cases + failed_kinds;
    writeln!(out, r#"<?xml version="1.0" encoding="UTF-8"?>"#)?;
    writeln!(
        out,
        r#"<testsuites name="docmock proxy" tests="{tests}" failures="{failures}" skipped="{skipped}">"#
    )?;
    writeln!(
        out,
        r#"  <testsuite name="docmock proxy" tests="{tests}" failures="{failures}" errors="0" skipped="{skipped}">"#
    )?;
    for tally in &summary.cases {
        let classname = tally.id.rsplit_once('/').map_or("", |(c, _)| c);
        let (file, line) = tally
            .doc
            .rsplit_once(':')
            .unwrap_or((tally.doc.as_str(), "0"));
        write!(
            out,
            r#"    <testcase classname="{}" name="{}" file="{}" line="{}""#,
            escape(classname),
            escape(&tally.id),
            escape(file),
            escape(line)
        )?;
        if tally.differed == 0 {
            writeln!(out, " />")?;
            continue;
        }
        let lines: Vec<String> = summary
            .violations
            .iter()
            .filter(|g| g.kind == Kind::Differs && g.case.as_deref() == Some(tally.id.as_str()))
            .flat_map(details)
            .collect();
        writeln!(out, ">")?;
        writeln!(
            out,
            r#"      <failure message="{}" type="differs">{}</failure>"#,
            escape(&format!(
                "{} of {} answers differ from the docs",
                tally.differed, tally.exchanges
            )),
            escape(&lines.join("\n"))
        )?;
        writeln!(out, "    </testcase>")?;
    }
    for kind in kinds {
        let groups: Vec<&Group> = summary
            .violations
            .iter()
            .filter(|g| g.kind == kind)
            .collect();
        let count: u64 = groups.iter().map(|g| g.count).sum();
        let lines: Vec<String> = groups
            .iter()
            .map(|g| format!("{} {} ({}x)", g.method, g.route, g.count))
            .collect();
        writeln!(
            out,
            r#"    <testcase classname="docmock.proxy" name="{}">"#,
            kind.as_str()
        )?;
        let message = format!("{count} exchanges: {}", lines.join("; "));
        if kind.fails() {
            writeln!(
                out,
                r#"      <failure message="{}" type="{}">{}</failure>"#,
                escape(&message),
                kind.as_str(),
                escape(&lines.join("\n"))
            )?;
        } else {
            writeln!(out, r#"      <skipped message="{}" />"#, escape(&message))?;
        }
        writeln!(out, "    </testcase>")?;
    }
    writeln!(out, "  </testsuite>")?;
    writeln!(out, "</testsuites>")
}

/// A group's sample: the request line, then one line per difference or the broken parameter.
fn details(group: &Group) -> Vec<String> {
    let mut lines = vec![format!(
        "{} {}{}",
        group.sample.request.method,
        group.sample.request.path,
        group
            .sample
            .response
            .as_ref()
            .map_or(String::new(), |r| format!(" -> {}", r.status))
    )];
    if let Some(problem) = &group.problem {
        lines.push(problem.clone());
    }
    for difference in &group.differences {
        let (at, docs, actual) = parts(difference);
        lines.push(format!("{at}: docs {docs}, actual {actual}"));
    }
    lines
}
