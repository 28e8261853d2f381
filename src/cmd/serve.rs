//! `docmock serve`.

use super::Outcome;
use crate::cli::ServeArgs;

pub fn run(_args: ServeArgs) -> anyhow::Result<Outcome> {
    anyhow::bail!("`docmock serve` is not available yet")
}
