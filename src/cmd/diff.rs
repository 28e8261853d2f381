//! `docmock diff OLD NEW`: compare two versions of the docs under the user's `--severity` and
//! `--ignore`; the exit code follows `--fail-on`.

use super::Outcome;
use crate::cli::{DiffArgs, DiffFormat, FailOn};
use anyhow::{bail, Context};
use docmock::diff::{Ignore, Level, Policy, Rule};
use docmock::extract::DocsLocation;
use docmock::report::diff as render;
use std::io::Write;

/// `--severity` and `--ignore` as a policy.
fn policy(args: &DiffArgs) -> anyhow::Result<Policy> {
    let mut policy = Policy::default();
    for (id, level) in &args.severity {
        let Some(rule) = Rule::from_id(id) else {
            bail!("--severity {id}={level}: unknown diff rule `{id}` (DF001 ...)");
        };
        let Some(level) = Level::parse(level) else {
            bail!("--severity {id}={level}: expected breaking, warning, info or none");
        };
        policy.levels.push((rule, level));
    }
    if let Some(path) = &args.ignore {
        let text = std::fs::read_to_string(path)
            .with_context(|| format!("cannot read --ignore file {}", path.display()))?;
        policy.ignores = Ignore::parse(&text, &path.display().to_string())?;
    }
    Ok(policy)
}

pub fn run(args: DiffArgs) -> anyhow::Result<Outcome> {
    let policy = policy(&args)?;
    let load = |arg: &str, own: &[(String, String)]| -> anyhow::Result<docmock::fixture::DocSet> {
        let aliases: Vec<(String, String)> = args.aliases.iter().chain(own).cloned().collect();
        let location = DocsLocation::parse(Some(arg));
        let extraction = docmock::extract::load(&location, &super::options(&aliases))
            .with_context(|| format!("cannot read docs from {location}"))?;
        // a snapshot that does not parse would show up as a removed case: say why
        for error in &extraction.errors {
            eprintln!("warning: {location}: {error}");
        }
        Ok(extraction.docs)
    };
    let old = load(&args.old, &args.old_aliases)?;
    let new = load(&args.new, &args.new_aliases)?;
    let report = docmock::diff::compare(&old, &new)
        .labelled(&args.old, &args.new)
        .judged(&policy);
    for unused in &report.unused_ignores {
        eprintln!(
            "warning: {}:{}: unused ignore: no {} change on {} {}",
            unused.file,
            unused.line,
            unused.rule.id(),
            unused.method,
            unused.route
        );
    }
    let mut out = std::io::stdout().lock();
    match args.format {
        DiffFormat::Human => render::render_human(&report, &mut out)?,
        DiffFormat::Json => render::render_json(&report, &mut out)?,
        DiffFormat::Markdown => render::render_markdown(&report, &mut out)?,
        DiffFormat::Junit => render::render_junit(&report, &mut out)?,
        DiffFormat::Github => {
            let mut summary = super::github_step_summary()?;
            render::render_github(
                &report,
                &mut out,
                summary.as_mut().map(|f| f as &mut dyn Write),
            )?
        }
    }
    out.flush()?;
    Ok(Outcome::findings_if(match args.fail_on {
        FailOn::Breaking => report.breaking > 0,
        FailOn::Warning => report.breaking + report.warning > 0,
        FailOn::Any => report.breaking + report.warning + report.info > 0,
        FailOn::Never => false,
    }))
}
