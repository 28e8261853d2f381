//! `docmock extract`: fixtures as JSON lines, one JSON document, or one file per page.

use super::Outcome;
use crate::cli::{ExtractArgs, ExtractFormat};
use anyhow::Context;
use std::io::Write;

pub fn run(args: ExtractArgs) -> anyhow::Result<Outcome> {
    let (_, extraction) = super::load(&args.docs)?;
    super::print_extract_errors(&extraction);
    if let Some(dir) = &args.out {
        docmock::report::fixtures::write_dir(&extraction.docs, dir)
            .with_context(|| format!("cannot write fixtures to {}", dir.display()))?;
    } else {
        let mut out = std::io::stdout().lock();
        match args.format {
            ExtractFormat::Jsonl => {
                docmock::report::fixtures::write_jsonl(&extraction.docs, &mut out)?
            }
            ExtractFormat::Json => {
                docmock::report::fixtures::write_json(&extraction.docs, &mut out)?
            }
        }
        out.flush()?;
    }
    Ok(Outcome::findings_if(!extraction.errors.is_empty()))
}
