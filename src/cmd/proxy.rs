//! `docmock proxy`: load the docs, listen as `serve` does, forward to `--target` and check every
//! exchange until Ctrl-C or SIGTERM; then write the `--report`s and exit 1 if anything differed.

use super::serve::{init_logging, listen};
use super::Outcome;
use crate::cli::{MatchLevel as CliMatch, ProxyArgs};
use anyhow::{bail, Context};
use docmock::proxy::{self, Proxy, ProxyOptions};
use docmock::report::proxy as report;
use docmock::serve::Server;
use docmock::verify::tls::CaCerts;
use docmock::verify::MatchLevel;
use std::io::{IsTerminal, Write};
use std::path::PathBuf;
use std::time::Duration;

/// Which report to write where.
enum ReportFile {
    Human,
    Junit(PathBuf),
    Json(PathBuf),
}

pub fn run(args: ProxyArgs) -> anyhow::Result<Outcome> {
    let reports = args
        .reports
        .iter()
        .map(|r| match r.split_once('=') {
            None if r == "human" => Ok(ReportFile::Human),
            Some(("junit", path)) => Ok(ReportFile::Junit(path.into())),
            Some(("json", path)) => Ok(ReportFile::Json(path.into())),
            _ => bail!("unknown report `{r}` in --report: expected human, junit=PATH or json=PATH"),
        })
        .collect::<anyhow::Result<Vec<_>>>()?;
    if args.serve.fallback.is_some() {
        bail!("--fallback belongs to `docmock serve`; the proxy forwards every request already");
    }
    if !(args.timeout.is_finite() && args.timeout > 0.0) {
        bail!(
            "--timeout expects a positive number of seconds, got {}",
            args.timeout
        );
    }
    let match_level = match args.match_level {
        CliMatch::Shape => MatchLevel::Shape,
        CliMatch::Values => MatchLevel::Values,
        CliMatch::Exact => MatchLevel::Exact,
    };
    let log = init_logging(args.serve.log_requests || std::io::stderr().is_terminal());
    let config = super::serve::config(&args.serve, &log)?;
    let (location, extraction) = super::load(&args.serve.docs)?;
    super::print_extract_errors(&extraction);
    let server = Server::new(&extraction.docs, config);
    drop(extraction);
    let proxy = Proxy::new(
        server.clone(),
        ProxyOptions {
            target: args.target.clone(),
            match_level,
            strict: args.strict,
            redact: args.redact_headers.clone(),
            record: args.record.clone(),
            timeout: Duration::from_secs_f64(args.timeout),
            ca_certs: CaCerts::from_pem_files(&args.serve.ca_certs)?,
        },
    )?;
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .context("cannot start the async runtime")?;
    let serve = &args.serve;
    let running = proxy.clone();
    runtime.block_on(async move {
        let target = &args.target;
        let (listener, shutdown, _watcher) =
            listen(serve, &server, &location, &|address, routes, cases| {
                format!("docmock proxying http://{address} to {target} ({routes} routes, {cases} cases)")
            })
            .await?;
        proxy::run(running, listener, shutdown)
            .await
            .context("the proxy stopped")
    })?;
    log.flush_to(&mut std::io::stderr());

    let summary = proxy.summary();
    for report_file in &reports {
        match report_file {
            ReportFile::Human => {
                let mut out = std::io::stdout().lock();
                report::human(&summary, &mut out)?;
                out.flush()?;
            }
            ReportFile::Junit(path) | ReportFile::Json(path) => {
                let mut bytes = Vec::new();
                if matches!(report_file, ReportFile::Junit(_)) {
                    report::junit(&summary, &mut bytes)?;
                } else {
                    report::json(&summary, &mut bytes)?;
                }
                std::fs::write(path, bytes)
                    .with_context(|| format!("cannot write the report {}", path.display()))?;
            }
        }
    }
    Ok(Outcome::findings_if(summary.failed()))
}
