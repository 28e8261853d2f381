//! `docmock lint`.

use super::Outcome;
use crate::cli::LintArgs;

pub fn run(_args: LintArgs) -> anyhow::Result<Outcome> {
    anyhow::bail!("`docmock lint` is not available yet")
}
