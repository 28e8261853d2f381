//! One module per subcommand: read the docs, call the library, write the output.

pub mod completions;
pub mod config;
pub mod diff;
pub mod explain;
pub mod export;
pub mod extract;
pub mod init;
pub mod lint;
pub mod proxy;
pub mod routes;
pub mod serve;
pub mod verify;

use crate::cli::DocsArgs;
use anyhow::Context;
use docmock::extract::{DocsLocation, Extraction, Options};
use docmock::report::Colour;
use std::io::IsTerminal;

/// How a run ended when it did not fail outright.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    /// Exit 0.
    Clean,
    /// Exit 1: differences, findings, or extraction errors.
    Findings,
}

impl Outcome {
    pub fn findings_if(condition: bool) -> Outcome {
        if condition {
            Outcome::Findings
        } else {
            Outcome::Clean
        }
    }
}

/// Extraction options from the `--alias` flags.
pub fn options(aliases: &[(String, String)]) -> Options {
    aliases
        .iter()
        .fold(Options::default(), |o, (prefix, folder)| {
            o.with_alias(prefix, folder)
        })
}

/// Extraction options from the `--alias` and `--max-page-bytes` flags.
pub fn docs_options(docs: &DocsArgs) -> Options {
    Options {
        max_page_bytes: docs.max_page_bytes,
        ..options(&docs.aliases)
    }
}

/// Load the doc set the arguments name.
pub fn load(docs: &DocsArgs) -> anyhow::Result<(DocsLocation, Extraction)> {
    let location = DocsLocation::parse(docs.docs.as_deref());
    let extraction = docmock::extract::load(&location, &docs_options(docs))
        .with_context(|| format!("cannot read docs from {location}"))?;
    Ok((location, extraction))
}

/// Print extraction errors and warnings to stderr, one `file:line:col: message` line each.
pub fn print_extract_errors(extraction: &Extraction) {
    for error in &extraction.errors {
        eprintln!("error: {error}");
    }
    for warning in &extraction.warnings {
        eprintln!("warning: {warning}");
    }
}

/// Colour only on a terminal without `NO_COLOR`, decided once per run.
pub fn stdout_colour() -> Colour {
    let on_terminal = std::io::stdout().is_terminal()
        && std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty());
    if on_terminal {
        Colour::Always
    } else {
        Colour::Never
    }
}

/// Writing to a closed pipe (`docmock routes | head`) ends the run quietly.
pub fn is_broken_pipe(err: &anyhow::Error) -> bool {
    err.chain().any(|cause| {
        cause
            .downcast_ref::<std::io::Error>()
            .is_some_and(|e| e.kind() == std::io::ErrorKind::BrokenPipe)
    })
}

/// The step summary file GitHub Actions names in `$GITHUB_STEP_SUMMARY`, opened to append;
/// annotations beyond GitHub's limit are listed there.
pub fn github_step_summary() -> anyhow::Result<Option<std::fs::File>> {
    match std::env::var_os("GITHUB_STEP_SUMMARY") {
        Some(path) if !path.is_empty() => Ok(Some(
            std::fs::OpenOptions::new()
                .create(true)
                .append(true)
                .open(&path)
                .with_context(|| {
                    format!("cannot open GITHUB_STEP_SUMMARY {}", path.to_string_lossy())
                })?,
        )),
        _ => Ok(None),
    }
}
