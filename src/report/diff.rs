//! `docmock diff` output: grouped by route for people, JSON for tools, Markdown for a pull
//! request.

use crate::diff::{Change, Class, DiffReport};
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

/// `case "Success" (protocol-subscriptions/start/success): ` or nothing for route changes.
fn case_label(change: &Change) -> String {
    match (&change.case, &change.title) {
        (Some(id), Some(title)) if !title.is_empty() => format!("case \"{title}\" ({id}): "),
        (Some(id), _) => format!("case {id}: "),
        _ => String::new(),
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

/// One line per change under its route, with where it is documented.
pub fn render_human(report: &DiffReport, out: &mut impl Write) -> io::Result<()> {
    writeln!(out, "docmock diff {} -> {}", report.old, report.new)?;
    if report.changes.is_empty() {
        return writeln!(out, "no changes");
    }
    for (route, changes) in by_route(report) {
        writeln!(out)?;
        writeln!(out, "{route}")?;
        for change in changes {
            writeln!(
                out,
                "  {:<10}  {}{}",
                change.class.as_str(),
                case_label(change),
                change.describe()
            )?;
            let place = match (&change.old_source, &change.new_source) {
                (Some(o), Some(n)) if o == n => o.to_string(),
                (Some(o), Some(n)) => format!("{o} -> {n}"),
                (Some(o), None) => format!("{o} (old)"),
                (None, Some(n)) => format!("{n} (new)"),
                (None, None) => continue,
            };
            writeln!(out, "  {:<10}  --> {place}", "")?;
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
