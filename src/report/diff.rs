//! `docmock diff` output: grouped by route for people, JSON for tools, Markdown for a pull
//! request, JUnit for CI test views, GitHub workflow annotations on the changed lines.

use super::github::{self, Annotation};
use super::printable;
use super::verify::junit::escape as xml;
use crate::diff::{Change, ChangeKind, DiffReport, Level};
use std::io::{self, Write};

/// Changes grouped by route, in report order.
fn by_route(report: &DiffReport) -> Vec<(String, Vec<&Change>)> {
    let mut groups: Vec<(String, Vec<&Change>)> = Vec::new();
    for change in &report.changes {
        let route = format!("{} {}", change.method, change.route);
        match groups.iter_mut().find(|(r, _)| *r == route) {
            Some((_, changes)) => changes.push(change),
            None => groups.push((route, vec![change])),
        }
    }
    groups
}

/// `"Success"`, or the fixture id when the case has no heading.
fn case_name(change: &Change) -> String {
    match (&change.title, &change.case) {
        (Some(title), _) if !title.is_empty() => format!("\"{title}\""),
        (_, Some(id)) => id.clone(),
        _ => String::new(),
    }
}

fn place(change: &Change) -> Option<String> {
    match (&change.old_source, &change.new_source) {
        (Some(o), Some(n)) => Some(format!("old {o}, new {n}")),
        (Some(o), None) => Some(format!("old {o}")),
        (None, Some(n)) => Some(format!("new {n}")),
        (None, None) => None,
    }
}

/// "1 breaking, 2 warning, 3 info, 1 none (not counted)".
pub fn totals(report: &DiffReport) -> String {
    format!(
        "{} breaking, {} warning, {} info, {} none (not counted)",
        report.breaking, report.warning, report.info, report.none
    )
}

fn is_case_added_or_removed(c: &Change) -> bool {
    matches!(
        c.kind,
        ChangeKind::CaseAdded { .. } | ChangeKind::CaseRemoved { .. }
    )
}

/// The change in words, naming its case when it added or removed one.
fn describe_with_case(change: &Change) -> String {
    match &change.kind {
        ChangeKind::CaseAdded { .. } | ChangeKind::CaseRemoved { .. } => change
            .describe()
            .replacen("case ", &format!("case {} ", case_name(change)), 1),
        _ => change.describe(),
    }
}

/// Changes under their route: route changes first, then cases added or removed, then the
/// changes of each kept case under its heading; each with its level, rule and where it is
/// documented. Ignored changes follow, then the totals.
pub fn render_human(report: &DiffReport, out: &mut impl Write) -> io::Result<()> {
    writeln!(out, "docmock diff {} -> {}", report.old, report.new)?;
    if report.changes.is_empty() && report.ignored.is_empty() {
        return writeln!(out, "no changes");
    }
    let line = |out: &mut dyn Write, indent: &str, change: &Change| {
        writeln!(
            out,
            "{indent}{:<8}  {}  {}",
            change.level.as_str(),
            change.rule.id(),
            printable(&describe_with_case(change))
        )
    };
    for (route, changes) in by_route(report) {
        writeln!(out)?;
        writeln!(out, "{}", printable(&route))?;
        for change in changes
            .iter()
            .filter(|c| c.case.is_none() || is_case_added_or_removed(c))
        {
            line(out, "  ", change)?;
            if let Some(place) = place(change) {
                writeln!(out, "  {:<15}  --> {}", "", printable(&place))?;
            }
        }
        let mut cases: Vec<&str> = Vec::new();
        for change in &changes {
            if let Some(id) = change.case.as_deref() {
                if !is_case_added_or_removed(change) && !cases.contains(&id) {
                    cases.push(id);
                }
            }
        }
        for id in cases {
            let in_case: Vec<&&Change> = changes
                .iter()
                .filter(|c| c.case.as_deref() == Some(id) && !is_case_added_or_removed(c))
                .collect();
            writeln!(out, "  case {}", printable(&case_name(in_case[0])))?;
            if let Some(place) = place(in_case[0]) {
                writeln!(out, "  --> {}", printable(&place))?;
            }
            for change in in_case {
                line(out, "    ", change)?;
            }
        }
    }
    if !report.ignored.is_empty() {
        writeln!(out)?;
        writeln!(out, "ignored (--ignore)")?;
        for ignored in &report.ignored {
            let c = &ignored.change;
            writeln!(
                out,
                "  {}  {} {}: {}",
                c.rule.id(),
                c.method,
                printable(&c.route),
                printable(&describe_with_case(c))
            )?;
            writeln!(
                out,
                "         {} ({})",
                if ignored.reason.is_empty() {
                    "no reason given"
                } else {
                    &ignored.reason
                },
                ignored.ignored_at
            )?;
        }
    }
    writeln!(out)?;
    writeln!(out, "{}", totals(report))
}

/// The report as pretty JSON.
pub fn render_json(report: &DiffReport, out: &mut impl Write) -> io::Result<()> {
    serde_json::to_writer_pretty(&mut *out, report)?;
    out.write_all(b"\n")
}

/// A table cell: pipes escaped, on one line.
fn cell(text: &str) -> String {
    text.replace('|', "\\|").replace('\n', " ")
}

fn case_cell(change: &Change) -> String {
    match (&change.case, &change.title) {
        (Some(_), Some(title)) if !title.is_empty() => cell(title),
        (Some(id), _) => format!("`{}`", cell(id)),
        _ => String::new(),
    }
}

/// A Markdown section to paste into a pull request: the totals, then a table per level,
/// breaking changes first, and the ignored changes with their reasons.
pub fn render_markdown(report: &DiffReport, out: &mut impl Write) -> io::Result<()> {
    writeln!(out, "### API docs: {}", totals(report))?;
    writeln!(out)?;
    writeln!(out, "`{}` → `{}`", report.old, report.new)?;
    if report.changes.is_empty() && report.ignored.is_empty() {
        writeln!(out)?;
        return writeln!(out, "No changes.");
    }
    for level in Level::ALL {
        let rows: Vec<&Change> = report.changes.iter().filter(|c| c.level == level).collect();
        if rows.is_empty() {
            continue;
        }
        writeln!(out)?;
        let heading = match level {
            Level::Breaking => "Breaking changes",
            Level::Warning => "Warnings",
            Level::Info => "Compatible changes",
            Level::None => "Docs-only changes (not counted)",
        };
        writeln!(out, "#### {heading}")?;
        writeln!(out)?;
        writeln!(out, "| Rule | Route | Case | Change | Where |")?;
        writeln!(out, "|---|---|---|---|---|")?;
        for change in rows {
            writeln!(
                out,
                "| {} | `{} {}` | {} | {} | {} |",
                change.rule.id(),
                change.method,
                cell(&change.route),
                case_cell(change),
                cell(&describe_with_case(change)),
                change
                    .place()
                    .map_or(String::new(), |p| format!("`{}`", cell(p)))
            )?;
        }
    }
    if !report.ignored.is_empty() {
        writeln!(out)?;
        writeln!(out, "#### Ignored (accepted with `--ignore`)")?;
        writeln!(out)?;
        writeln!(out, "| Rule | Route | Change | Reason |")?;
        writeln!(out, "|---|---|---|---|")?;
        for ignored in &report.ignored {
            let c = &ignored.change;
            writeln!(
                out,
                "| {} | `{} {}` | {} | {} |",
                c.rule.id(),
                c.method,
                cell(&c.route),
                cell(&describe_with_case(c)),
                cell(&ignored.reason)
            )?;
        }
    }
    Ok(())
}

/// JUnit XML: one test case per change, named by rule and change; breaking changes fail,
/// ignored ones are skipped with their reason.
pub fn render_junit(report: &DiffReport, out: &mut impl Write) -> io::Result<()> {
    let tests = report.changes.len() + report.ignored.len();
    writeln!(out, r#"<?xml version="1.0" encoding="UTF-8"?>"#)?;
    writeln!(
        out,
        r#"<testsuites name="docmock diff" tests="{tests}" failures="{}" skipped="{}">"#,
        report.breaking,
        report.ignored.len()
    )?;
    writeln!(
        out,
        r#"  <testsuite name="docmock diff" tests="{tests}" failures="{}" errors="0" skipped="{}">"#,
        report.breaking,
        report.ignored.len()
    )?;
    let testcase = |out: &mut dyn Write, change: &Change| -> io::Result<()> {
        let mut name = format!(
            "{} {}: {}",
            change.rule.id(),
            change.rule.name(),
            describe_with_case(change)
        );
        if let (Some(_), false) = (&change.case, is_case_added_or_removed(change)) {
            name = format!("{name} (case {})", case_name(change));
        }
        write!(
            out,
            r#"    <testcase classname="{}" name="{}""#,
            xml(&format!("{} {}", change.method, change.route)),
            xml(&name)
        )?;
        if let Some(place) = change.place() {
            if let Some((file, line)) = place.rsplit_once(':') {
                write!(out, r#" file="{}" line="{}""#, xml(file), xml(line))?;
            }
        }
        Ok(())
    };
    for change in &report.changes {
        testcase(out, change)?;
        if change.level == Level::Breaking {
            writeln!(out, ">")?;
            writeln!(
                out,
                r#"      <failure message="{}" type="{}">{}</failure>"#,
                xml(&describe_with_case(change)),
                change.rule.id(),
                xml(&format!(
                    "{} {}\n{}\n{}",
                    change.method,
                    change.route,
                    describe_with_case(change),
                    place(change).unwrap_or_default()
                ))
            )?;
            writeln!(out, "    </testcase>")?;
        } else {
            writeln!(out, " />")?;
        }
    }
    for ignored in &report.ignored {
        testcase(out, &ignored.change)?;
        writeln!(out, ">")?;
        writeln!(
            out,
            r#"      <skipped message="{}" />"#,
            xml(&format!(
                "ignored ({}): {}",
                ignored.ignored_at, ignored.reason
            ))
        )?;
        writeln!(out, "    </testcase>")?;
    }
    writeln!(out, "  </testsuite>")?;
    writeln!(out, "</testsuites>")
}

/// GitHub workflow annotations at the new side's `file:line` (the old side's for removals):
/// breaking changes as errors, warnings as warnings, the rest as notices; then the totals.
/// `summary` is the step summary file, when the workflow gives one.
pub fn render_github(
    report: &DiffReport,
    out: &mut impl Write,
    summary: Option<&mut dyn Write>,
) -> io::Result<()> {
    let annotations: Vec<Annotation> = report
        .changes
        .iter()
        .map(|change| {
            let level = match change.level {
                Level::Breaking => github::Level::Error,
                Level::Warning => github::Level::Warning,
                Level::Info | Level::None => github::Level::Notice,
            };
            let mut message = format!(
                "{} {}: {}",
                change.method,
                change.route,
                describe_with_case(change)
            );
            if change.case.is_some() && !is_case_added_or_removed(change) {
                message = format!("{message} (case {})", case_name(change));
            }
            Annotation::at(
                level,
                change.place(),
                &format!("{} {}", change.rule.id(), change.rule.name()),
                &message,
            )
        })
        .collect();
    github::render(&annotations, out, summary)?;
    writeln!(out, "docmock diff: {}", totals(report))
}
