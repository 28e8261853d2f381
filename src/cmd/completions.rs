//! `docmock completions SHELL`: the completion script clap derives from the command line.

use super::Outcome;
use crate::cli::{Cli, CompletionsArgs};
use clap::CommandFactory;

pub fn run(args: CompletionsArgs) -> anyhow::Result<Outcome> {
    let mut command = Cli::command();
    clap_complete::generate(
        args.shell,
        &mut command,
        "docmock",
        &mut std::io::stdout().lock(),
    );
    Ok(Outcome::Clean)
}
