//! `docmock lint`: lint the docs, print the findings, fail on errors (and on warnings with
//! `--deny warnings`).

use super::Outcome;
use crate::cli::{DenyLevel, LintArgs, LintFormat};
use anyhow::Context;
use docmock::lint::Severity;
use docmock::report::lint as render;
use std::io::Write;

pub fn run(args: LintArgs) -> anyhow::Result<Outcome> {
    let (location, extraction) = super::load(&args.docs)?;
    // the raw files again, to quote the offending lines
    let files = location
        .files(&super::docs_options(&args.docs))
        .with_context(|| format!("cannot read docs from {location}"))?;
    let findings = docmock::lint::run(&extraction, &files);
    let mut out = std::io::stdout().lock();
    match args.format {
        LintFormat::Human => render::render_human(&findings, super::stdout_colour(), &mut out)?,
        LintFormat::Json => render::render_json(&findings, &mut out)?,
        LintFormat::Github => {
            let mut summary = super::github_step_summary()?;
            render::render_github(
                &findings,
                &mut out,
                summary.as_mut().map(|f| f as &mut dyn Write),
            )?
        }
    }
    out.flush()?;
    let deny_warnings = args.deny == Some(DenyLevel::Warnings);
    Ok(Outcome::findings_if(findings.iter().any(|f| {
        f.severity == Severity::Error || (deny_warnings && f.severity == Severity::Warning)
    })))
}
