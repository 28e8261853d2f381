//! `docmock routes`: every documented route as a table or JSON.

use super::Outcome;
use crate::cli::{RoutesArgs, RoutesFormat};
use docmock::report::routes;
use std::io::Write;

pub fn run(args: RoutesArgs) -> anyhow::Result<Outcome> {
    let (_, extraction) = super::load(&args.docs)?;
    super::print_extract_errors(&extraction);
    let summary = routes::summarize(&extraction.docs);
    let mut out = std::io::stdout().lock();
    match args.format {
        RoutesFormat::Table => routes::render_table(&summary, &mut out)?,
        RoutesFormat::Json => routes::render_json(&summary, &mut out)?,
    }
    out.flush()?;
    Ok(Outcome::findings_if(!extraction.errors.is_empty()))
}
