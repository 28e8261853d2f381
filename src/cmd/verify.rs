//! `docmock verify`: run the documented requests against `--target`, print one line per case,
//! write the CI reports, and (with `--update`) rewrite the docs that drifted.

use super::Outcome;
use crate::cli::{MatchLevel as CliMatch, VerifyArgs, VerifyFormat};
use anyhow::{bail, Context};
use docmock::extract::DocsLocation;
use docmock::report::verify as report;
use docmock::verify::{self, MatchLevel, Summary, Vars, VerifyOptions};
use std::io::Write;
use std::time::Duration;

/// Which CI report to write where.
enum ReportFile {
    Junit(std::path::PathBuf),
    Json(std::path::PathBuf),
}

pub fn run(args: VerifyArgs) -> anyhow::Result<Outcome> {
    let Some(target) = args.target.clone() else {
        bail!("no target: give --target URL, DOCMOCK_TARGET or `target` under [verify] in docmock.toml");
    };
    let reports = args
        .reports
        .iter()
        .map(|(format, path)| match format.as_str() {
            "junit" => Ok(ReportFile::Junit(path.into())),
            "json" => Ok(ReportFile::Json(path.into())),
            other => bail!(
                "unknown report format `{other}` in --report: expected junit=PATH or json=PATH"
            ),
        })
        .collect::<anyhow::Result<Vec<_>>>()?;
    if !(args.timeout.is_finite() && args.timeout > 0.0) {
        bail!(
            "--timeout expects a positive number of seconds, got {}",
            args.timeout
        );
    }
    let mut vars = match &args.vars_file {
        Some(path) => Vars::from_file(path)?,
        None => Vars::default(),
    };
    vars.cli = args.vars.iter().cloned().collect();
    let headers = args
        .headers
        .iter()
        .map(|h| verify::request::parse_header(h).map_err(anyhow::Error::msg))
        .collect::<anyhow::Result<Vec<_>>>()?;
    let match_level = match args.match_level {
        CliMatch::Shape => MatchLevel::Shape,
        CliMatch::Values => MatchLevel::Values,
        CliMatch::Exact => MatchLevel::Exact,
    };
    let options = VerifyOptions {
        target: target.clone(),
        vars,
        headers,
        setup: args.setup.clone(),
        jobs: args.jobs.max(1),
        only: args.only.clone(),
        skip: args.skip.clone(),
        timeout: Duration::from_secs_f64(args.timeout),
        match_level,
        prefer: !args.no_prefer,
        secrets: if args.show_secrets {
            verify::curl::Secrets::Shown
        } else {
            verify::curl::Secrets::Masked
        },
        max_body_bytes: args.max_body_bytes,
        ca_certs: verify::tls::CaCerts::from_pem_files(&args.ca_certs)?,
    };

    let (location, extraction) = super::load(&args.docs)?;
    let docs_root = match (&location, args.update) {
        (DocsLocation::Dir(dir), true) => Some(dir.clone()),
        (_, true) => bail!("--update rewrites doc files: give the docs folder (not {location})"),
        _ => None,
    };
    super::print_extract_errors(&extraction);

    let runtime = tokio::runtime::Runtime::new().context("cannot start the async runtime")?;
    let run = verify::Run::with_options(&extraction.docs, options);
    let mut verdicts = runtime.block_on(run.run())?.verdicts;
    if verdicts.iter().any(|v| !v.differences.is_empty()) {
        // Differences point at their field's doc line when the doc files can be read again.
        if let Ok(files) = location.files(&super::options(&args.docs.aliases)) {
            verify::place::locate(&extraction.docs, &files, &mut verdicts);
        }
    }

    let colour = super::stdout_colour();
    let stdout = std::io::stdout();
    let mut out = stdout.lock();
    match args.format {
        VerifyFormat::Human => report::human::render(&verdicts, colour, &mut out)?,
        VerifyFormat::Github => {
            let mut summary = super::github_step_summary()?;
            report::github::render(
                &verdicts,
                &mut out,
                summary.as_mut().map(|f| f as &mut dyn Write),
            )?
        }
    }
    if let Some(root) = &docs_root {
        let plan = verify::update::plan(root, &extraction.docs, &verdicts);
        if !args.dry_run {
            plan.write(root)
                .with_context(|| format!("cannot rewrite the docs in {}", root.display()))?;
        }
        report::human::render_update(&plan, args.dry_run, &mut out)?;
    }
    out.flush()?;

    for report_file in &reports {
        let (path, bytes) = match report_file {
            ReportFile::Junit(path) => {
                let mut bytes = Vec::new();
                report::junit::render(&verdicts, &mut bytes)?;
                (path, bytes)
            }
            ReportFile::Json(path) => {
                let mut bytes = Vec::new();
                report::json::render(&verdicts, &target, match_level, &mut bytes)?;
                (path, bytes)
            }
        };
        std::fs::write(path, bytes)
            .with_context(|| format!("cannot write the report {}", path.display()))?;
    }

    let summary = Summary::of(&verdicts);
    Ok(Outcome::findings_if(summary.failed > 0))
}
