//! `docmock diff OLD NEW`: compare two versions of the docs; the exit code follows `--fail-on`.

use super::Outcome;
use crate::cli::{DiffArgs, DiffFormat, FailOn};
use anyhow::Context;
use docmock::extract::DocsLocation;
use docmock::report::diff as render;
use std::io::Write;

pub fn run(args: DiffArgs) -> anyhow::Result<Outcome> {
    let options = super::options(&args.aliases);
    let load = |arg: &str| -> anyhow::Result<docmock::fixture::DocSet> {
        let location = DocsLocation::parse(Some(arg));
        let extraction = docmock::extract::load(&location, &options)
            .with_context(|| format!("cannot read docs from {location}"))?;
        // a snapshot that does not parse would show up as a removed case: say why
        for error in &extraction.errors {
            eprintln!("warning: {location}: {error}");
        }
        Ok(extraction.docs)
    };
    let old = load(&args.old)?;
    let new = load(&args.new)?;
    let report = docmock::diff::compare(&old, &new).labelled(&args.old, &args.new);
    let mut out = std::io::stdout().lock();
    match args.format {
        DiffFormat::Human => render::render_human(&report, &mut out)?,
        DiffFormat::Json => render::render_json(&report, &mut out)?,
        DiffFormat::Markdown => render::render_markdown(&report, &mut out)?,
    }
    out.flush()?;
    Ok(Outcome::findings_if(match args.fail_on {
        FailOn::Breaking => report.breaking > 0,
        FailOn::Any => !report.changes.is_empty(),
        FailOn::Never => false,
    }))
}
