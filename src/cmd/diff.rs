//! `docmock diff`.

use super::Outcome;
use crate::cli::DiffArgs;

pub fn run(_args: DiffArgs) -> anyhow::Result<Outcome> {
    anyhow::bail!("`docmock diff` is not available yet")
}
