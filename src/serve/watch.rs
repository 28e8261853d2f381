//! `--watch`: reload the docs when their files change.
//!
//! A notify watcher marks changes; a thread waits for them to settle, loads the docs again
//! with the loader it was given (serve does not read files itself) and swaps the route table.
//! When the new docs fail to load or have extraction errors, the last good set keeps being
//! served and the reason is logged.

use super::Server;
use crate::fixture::DocSet;
use notify::{RecursiveMode, Watcher};
use std::path::Path;
use std::sync::mpsc::{channel, RecvTimeoutError};
use std::sync::Arc;
use std::time::Duration;

/// How long the files must stay quiet before a reload (editors write in several steps).
pub const SETTLE: Duration = Duration::from_millis(200);

/// A loaded doc set, or why it cannot be served: each problem as `file:line:col: message`.
pub type Loaded = Result<DocSet, Vec<String>>;

/// Watch `dir`; on changes call `load` and serve its result. Keep the returned watcher alive.
pub fn spawn(
    server: Arc<Server>,
    dir: &Path,
    load: impl Fn() -> Loaded + Send + 'static,
) -> notify::Result<notify::RecommendedWatcher> {
    let (changes, changed) = channel::<()>();
    let mut watcher = notify::recommended_watcher(move |event: notify::Result<notify::Event>| {
        if event.is_ok_and(|e| !e.kind.is_access()) {
            let _ = changes.send(());
        }
    })?;
    watcher.watch(dir, RecursiveMode::Recursive)?;
    std::thread::Builder::new()
        .name("docmock-watch".into())
        .spawn(move || {
            while changed.recv().is_ok() {
                loop {
                    match changed.recv_timeout(SETTLE) {
                        Ok(()) => continue,
                        Err(RecvTimeoutError::Timeout) => break,
                        Err(RecvTimeoutError::Disconnected) => return,
                    }
                }
                reload(&server, &load);
            }
        })?;
    Ok(watcher)
}

/// Load the docs and swap them in, or keep the last good set and say why.
pub fn reload(server: &Server, load: &impl Fn() -> Loaded) {
    match load() {
        Ok(docs) => {
            let table = server.replace(&docs);
            tracing::info!(
                routes = table.routes.len(),
                cases = table.case_count(),
                "docs changed: reloaded"
            );
        }
        Err(problems) => {
            for problem in &problems {
                tracing::warn!("{problem}");
            }
            tracing::warn!(
                problems = problems.len(),
                "docs changed but do not load: still serving the last good docs"
            );
        }
    }
}
