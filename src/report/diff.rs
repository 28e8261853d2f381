//! `docmock diff` output: grouped by route for people, JSON for tools, Markdown for a pull
//! request.

use crate::diff::{Change, ChangeKind, Class, DiffReport};
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

fn totals(report: &DiffReport) -> String {
    let plural =
        |n: usize, word: &str| format!("{n} {word} change{}", if n == 1 { "" } else { "s" });
    format!(
        "{}, {}",
        plural(report.breaking, "breaking"),
        plural(report.compatible, "compatible")
    )
}

/// Changes under their route: route changes first, then cases added or removed, then the
/// changes of each kept case under its heading; each with where it is documented.
pub fn render_human(report: &DiffReport, out: &mut impl Write) -> io::Result<()> {
    writeln!(out, "docmock diff {} -> {}", report.old, report.new)?;
    if report.changes.is_empty() {
        return writeln!(out, "no changes");
    }
    let line = |out: &mut dyn Write, indent: &str, change: &Change, text: String| {
        writeln!(out, "{indent}{:<10}  {text}", change.class.as_str())
    };
    for (route, changes) in by_route(report) {
        writeln!(out)?;
        writeln!(out, "{route}")?;
        let added_or_removed = |c: &Change| {
            matches!(
                c.kind,
                ChangeKind::CaseAdded { .. } | ChangeKind::CaseRemoved { .. }
            )
        };
        for change in changes
            .iter()
            .filter(|c| c.case.is_none() || added_or_removed(c))
        {
            let text = match &change.kind {
                ChangeKind::CaseAdded { status } => {
                    format!("case {} added ({status})", case_name(change))
                }
                ChangeKind::CaseRemoved { status } => {
                    format!("case {} removed ({status})", case_name(change))
                }
                _ => change.describe(),
            };
            line(out, "  ", change, text)?;
            if let Some(place) = place(change) {
                writeln!(out, "  {:<10}  --> {place}", "")?;
            }
        }
        let mut cases: Vec<&str> = Vec::new();
        for change in &changes {
            if let Some(id) = change.case.as_deref() {
                if !added_or_removed(change) && !cases.contains(&id) {
                    cases.push(id);
                }
            }
        }
        for id in cases {
            let in_case: Vec<&&Change> = changes
                .iter()
                .filter(|c| c.case.as_deref() == Some(id))
                .collect();
            writeln!(out, "  case {}", case_name(in_case[0]))?;
            if let Some(place) = place(in_case[0]) {
                writeln!(out, "  --> {place}")?;
            }
            for change in in_case {
                line(out, "    ", change, change.describe())?;
            }
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

/// A Markdown section to paste into a pull request: the totals, then one table row per change,
/// breaking changes first.
pub fn render_markdown(report: &DiffReport, out: &mut impl Write) -> io::Result<()> {
    writeln!(out, "### API docs: {}", totals(report))?;
    writeln!(out)?;
    writeln!(out, "`{}` → `{}`", report.old, report.new)?;
    if report.changes.is_empty() {
        writeln!(out)?;
        return writeln!(out, "No changes.");
    }
    for class in [Class::Breaking, Class::Compatible] {
        let rows: Vec<&Change> = report.changes.iter().filter(|c| c.class == class).collect();
        if rows.is_empty() {
            continue;
        }
        writeln!(out)?;
        let heading = match class {
            Class::Breaking => "Breaking changes",
            Class::Compatible => "Compatible changes",
        };
        writeln!(out, "#### {heading}")?;
        writeln!(out)?;
        writeln!(out, "| Route | Case | Change |")?;
        writeln!(out, "|---|---|---|")?;
        for change in rows {
            let case = match (&change.case, &change.title) {
                (Some(_), Some(title)) if !title.is_empty() => cell(title),
                (Some(id), _) => format!("`{}`", cell(id)),
                _ => String::new(),
            };
            writeln!(
                out,
                "| `{} {}` | {} | {} |",
                change.method,
                cell(&change.route),
                case,
                cell(&change.describe())
            )?;
        }
    }
    Ok(())
}
