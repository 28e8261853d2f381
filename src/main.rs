//! The `docmock` binary: parse the command line, run the verb, map the outcome to an exit code
//! (0 all good, 1 differences or findings, 2 usage, input or connection error).

mod cli;
mod cmd;

use clap::{CommandFactory, FromArgMatches};
use std::process::ExitCode;

fn main() -> ExitCode {
    let matches = cli::Cli::command().get_matches();
    let mut cli = cli::Cli::from_arg_matches(&matches).unwrap_or_else(|e| e.exit());
    if let Err(err) = cmd::config::apply(&mut cli, &matches) {
        eprintln!("error: {err:#}");
        return ExitCode::from(2);
    }
    let outcome = match cli.command {
        cli::Command::Extract(args) => cmd::extract::run(args),
        cli::Command::Routes(args) => cmd::routes::run(args),
        cli::Command::Serve(args) => cmd::serve::run(args),
        cli::Command::Proxy(args) => cmd::proxy::run(args),
        cli::Command::Verify(args) => cmd::verify::run(args),
        cli::Command::Lint(args) => cmd::lint::run(args),
        cli::Command::Diff(args) => cmd::diff::run(args),
        cli::Command::Export(cli::ExportCommand::Openapi(args)) => cmd::export::openapi(args),
        cli::Command::Explain(args) => cmd::explain::run(args),
        cli::Command::Completions(args) => cmd::completions::run(args),
        cli::Command::Init(args) => cmd::init::run(args),
    };
    match outcome {
        Ok(cmd::Outcome::Clean) => ExitCode::SUCCESS,
        Ok(cmd::Outcome::Findings) => ExitCode::from(1),
        Err(err) if cmd::is_broken_pipe(&err) => ExitCode::SUCCESS,
        Err(err) => {
            eprintln!("error: {err:#}");
            ExitCode::from(2)
        }
    }
}
