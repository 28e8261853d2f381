//! `docmock verify`.

use super::Outcome;
use crate::cli::VerifyArgs;

pub fn run(_args: VerifyArgs) -> anyhow::Result<Outcome> {
    anyhow::bail!("`docmock verify` is not available yet")
}
