//! `docmock serve`: load the docs, bind, print the address, serve until Ctrl-C or SIGTERM.

use super::Outcome;
use crate::cli::ServeArgs;
use anyhow::Context;
use docmock::extract::DocsLocation;
use docmock::serve::{self, watch, Config, Server};
use docmock::verify::tls::CaCerts;
use std::io::{IsTerminal, Write};

pub fn run(args: ServeArgs) -> anyhow::Result<Outcome> {
    let log = init_logging(args.log_requests || std::io::stderr().is_terminal());
    let config = config(&args, &log)?;
    let ca_certs = CaCerts::from_pem_files(&args.ca_certs)?;
    let (location, extraction) = super::load(&args.docs)?;
    super::print_extract_errors(&extraction);
    let server = Server::new(&extraction.docs, config);
    // The server keeps what it serves; the extracted pages are not needed any more.
    drop(extraction);
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .context("cannot start the async runtime")?;
    runtime.block_on(async move {
        let (listener, shutdown, _watcher) =
            listen(&args, &server, &location, &|address, routes, cases| {
                format!("docmock serving {routes} routes ({cases} cases) on http://{address}")
            })
            .await?;
        match &args.fallback {
            // Only then the extra hop: without it `serve` keeps its own lean stack.
            Some(target) => {
                let router = docmock::proxy::fallback_router(server, target, &ca_certs)?;
                axum::serve(
                    listener,
                    router.into_make_service_with_connect_info::<std::net::SocketAddr>(),
                )
                .with_graceful_shutdown(shutdown)
                .await
                .context("the server stopped")
            }
            None => serve::run(server, listener, shutdown)
                .await
                .context("the server stopped"),
        }
    })?;
    log.flush_to(&mut std::io::stderr());
    Ok(Outcome::Clean)
}

/// Bind the listener of `args`, install the shutdown signals and start `--watch`, then print
/// `first_line(address, routes, cases)` as the first line of stdout (scripts and tests read the
/// address from it). Shared by `serve` and `proxy`; keep the watcher alive while serving.
pub(super) async fn listen(
    args: &ServeArgs,
    server: &std::sync::Arc<Server>,
    location: &DocsLocation,
    first_line: &dyn Fn(std::net::SocketAddr, usize, usize) -> String,
) -> anyhow::Result<(
    tokio::net::TcpListener,
    impl std::future::Future<Output = ()>,
    Option<watch::Watch>,
)> {
    let listener = tokio::net::TcpListener::bind((args.host.as_str(), args.port))
        .await
        .with_context(|| format!("cannot listen on {}:{}", args.host, args.port))?;
    let address = listener.local_addr()?;
    let shutdown = shutdown_signal()?;
    // Watch before saying we are up: an edit made right after the address is printed must not
    // be missed.
    let watcher = if args.watch {
        Some(start_watch(server, location, &args.docs)?)
    } else {
        None
    };
    let table = server.table();
    let mut out = std::io::stdout().lock();
    writeln!(
        out,
        "{}",
        first_line(address, table.routes.len(), table.case_count())
    )?;
    out.flush()?;
    Ok((listener, shutdown, watcher))
}

/// The server's settings from the flags `serve` and `proxy` share.
pub(super) fn config(args: &ServeArgs, log: &serve::log::Background) -> anyhow::Result<Config> {
    if !(args.read_timeout.is_finite() && args.read_timeout > 0.0) {
        anyhow::bail!(
            "--read-timeout expects a positive number of seconds, got {}",
            args.read_timeout
        );
    }
    // Bound to loopback, only loopback host names are answered: a web page that rebinds its
    // own name to 127.0.0.1 must not read the journal.
    let loopback = match args.host.parse::<std::net::IpAddr>() {
        Ok(ip) => ip.is_loopback(),
        Err(_) => args.host.eq_ignore_ascii_case("localhost"),
    };
    Ok(Config {
        journal_size: args.journal_size,
        max_body_bytes: args.max_body_bytes,
        cors: args.cors,
        cors_origins: args.cors_origins.clone(),
        cors_admin: args.cors_admin,
        allowed_hosts: (loopback || !args.allow_hosts.is_empty()).then(|| args.allow_hosts.clone()),
        read_timeout: std::time::Duration::from_secs_f64(args.read_timeout),
        max_connections: args.max_connections,
        request_log: Some(log.clone()),
    })
}

/// Structured logs to stderr (`RUST_LOG` filters; default `info`), written off the request path;
/// one line per served request only where someone reads them as they come (`per_request`).
pub(super) fn init_logging(per_request: bool) -> serve::log::Background {
    let filter = tracing_subscriber::EnvFilter::try_from_default_env()
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info"));
    let writer = serve::log::Background::spawn_with(std::io::stderr(), per_request);
    let _ = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .event_format(serve::log::LineFormat)
        .with_writer(writer.clone())
        .try_init();
    writer
}

pub(super) fn start_watch(
    server: &std::sync::Arc<Server>,
    location: &DocsLocation,
    docs: &crate::cli::DocsArgs,
) -> anyhow::Result<watch::Watch> {
    let DocsLocation::Dir(dir) = location else {
        anyhow::bail!("--watch needs a docs folder; {location} cannot change while serving");
    };
    let reload_location = location.clone();
    let options = super::docs_options(docs);
    watch::spawn(server.clone(), dir, move || {
        match docmock::extract::load(&reload_location, &options) {
            Err(err) => Err(vec![format!(
                "cannot read docs from {reload_location}: {err}"
            )]),
            Ok(extraction) if !extraction.errors.is_empty() => {
                Err(extraction.errors.iter().map(|e| e.to_string()).collect())
            }
            Ok(extraction) => Ok(extraction.docs),
        }
    })
    .with_context(|| format!("cannot watch {}", dir.display()))
}

/// Completes on Ctrl-C or SIGTERM. The handlers are installed when this is called (before the
/// address is printed), so a signal sent right after start-up is not missed.
#[cfg(unix)]
pub(super) fn shutdown_signal() -> anyhow::Result<impl std::future::Future<Output = ()>> {
    use tokio::signal::unix::{signal, SignalKind};
    let mut interrupt = signal(SignalKind::interrupt()).context("cannot handle Ctrl-C")?;
    let mut terminate = signal(SignalKind::terminate()).context("cannot handle SIGTERM")?;
    Ok(async move {
        tokio::select! {
            _ = interrupt.recv() => {},
            _ = terminate.recv() => {},
        }
        tracing::info!("shutting down");
    })
}

#[cfg(not(unix))]
pub(super) fn shutdown_signal() -> anyhow::Result<impl std::future::Future<Output = ()>> {
    Ok(async {
        let _ = tokio::signal::ctrl_c().await;
        tracing::info!("shutting down");
    })
}
