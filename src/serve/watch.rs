//! `--watch`: reload the docs when their files change.
//!
//! A notify watcher marks changes; a thread waits for each changed file to settle, loads the
//! docs again with the loader it was given (serve does not read files itself) and swaps the
//! route table. Files settle one by one: a file rewritten every 100 ms does not hold back the
//! reload of another that was saved once. The folder's parent is watched too, so a docs
//! folder deleted and created again is watched again (and that is logged). When the new docs
//! fail to load or have extraction errors, the last good set keeps being served and the
//! reason is logged.

use super::Server;
use crate::fixture::DocSet;
use notify::{RecursiveMode, Watcher};
use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::mpsc::{channel, RecvTimeoutError};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

/// How long a file must stay quiet before a reload (editors write in several steps).
pub const SETTLE: Duration = Duration::from_millis(200);

/// A loaded doc set, or why it cannot be served: each problem as `file:line:col: message`.
pub type Loaded = Result<DocSet, Vec<String>>;

/// A running watch; dropping it stops watching.
pub struct Watch {
    _watcher: Arc<Mutex<notify::RecommendedWatcher>>,
}

/// Watch `dir`; on changes call `load` and serve its result. Keep the returned watch alive;
/// it does not keep `server` alive (watching ends with the server).
pub fn spawn(
    server: Arc<Server>,
    dir: &Path,
    load: impl Fn() -> Loaded + Send + 'static,
) -> notify::Result<Watch> {
    let root = std::fs::canonicalize(dir)?;
    // (whether the paths were created, the paths)
    let (changes, changed) = channel::<(bool, Vec<PathBuf>)>();
    let watcher =
        notify::recommended_watcher(move |event: notify::Result<notify::Event>| match event {
            Ok(event) if !event.kind.is_access() => {
                let _ = changes.send((event.kind.is_create(), event.paths));
            }
            _ => {}
        })?;
    let watcher = Arc::new(Mutex::new(watcher));
    {
        let mut w = watcher.lock().unwrap_or_else(|e| e.into_inner());
        w.watch(&root, RecursiveMode::Recursive)?;
        if let Some(parent) = root.parent() {
            // only to see the folder itself come back; a parent we cannot watch costs that
            let _ = w.watch(parent, RecursiveMode::NonRecursive);
        }
    }
    // not strong references: dropping the returned watch must end the watcher and this
    // thread, and the server is freed when the last router serving it is dropped
    let rewatch = Arc::downgrade(&watcher);
    let server = Arc::downgrade(&server);
    std::thread::Builder::new()
        .name("docmock-watch".into())
        .spawn(move || {
            // changed files (under the root) and when each last changed
            let mut pending: HashMap<PathBuf, Instant> = HashMap::new();
            loop {
                let next = match pending.values().min() {
                    None => changed.recv().map_err(|_| RecvTimeoutError::Disconnected),
                    Some(oldest) => changed
                        .recv_timeout((*oldest + SETTLE).saturating_duration_since(Instant::now())),
                };
                match next {
                    Ok((created, paths)) => {
                        let now = Instant::now();
                        for path in paths.into_iter().filter(|p| p.starts_with(&root)) {
                            if created && path == root {
                                if let Some(watcher) = rewatch.upgrade() {
                                    watch_again(&watcher, &root);
                                }
                            }
                            pending.insert(path, now);
                        }
                    }
                    Err(RecvTimeoutError::Timeout) => {}
                    Err(RecvTimeoutError::Disconnected) => return,
                }
                let before = pending.len();
                pending.retain(|_, changed| changed.elapsed() < SETTLE);
                if pending.len() < before {
                    let Some(server) = server.upgrade() else {
                        return;
                    };
                    reload(&server, &load);
                }
            }
        })?;
    Ok(Watch { _watcher: watcher })
}

/// The docs folder was deleted and created again: its old watch went with it.
fn watch_again(watcher: &Mutex<notify::RecommendedWatcher>, root: &Path) {
    let mut watcher = watcher.lock().unwrap_or_else(|e| e.into_inner());
    let _ = watcher.unwatch(root);
    match watcher.watch(root, RecursiveMode::Recursive) {
        Ok(()) => tracing::info!("{} was created again: watching it again", root.display()),
        Err(err) => tracing::warn!(
            "{} was created again but cannot be watched: {err}",
            root.display()
        ),
    }
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::serve::Config;
    use std::sync::atomic::{AtomicUsize, Ordering};

    /// A watch over a fresh folder whose loader counts its calls, and the server it reloads.
    fn watched() -> (tempfile::TempDir, Arc<AtomicUsize>, (Watch, Arc<Server>)) {
        let dir = tempfile::tempdir().unwrap();
        let loads = Arc::new(AtomicUsize::new(0));
        let counter = loads.clone();
        let server = Server::new(&DocSet::default(), Config::default());
        let watch = spawn(server.clone(), dir.path(), move || {
            counter.fetch_add(1, Ordering::SeqCst);
            Ok(DocSet::default())
        })
        .unwrap();
        (dir, loads, (watch, server))
    }

    fn wait_for(what: &str, condition: impl Fn() -> bool) {
        let started = Instant::now();
        while !condition() {
            assert!(
                started.elapsed() < Duration::from_secs(5),
                "{what}: not within 5 s"
            );
            std::thread::sleep(Duration::from_millis(20));
        }
    }

    #[test]
    fn a_watch_does_not_keep_its_server_alive() {
        let (_dir, _loads, (_watch, server)) = watched();
        let weak = Arc::downgrade(&server);
        drop(server);
        assert!(weak.upgrade().is_none());
    }

    #[test]
    fn a_docs_folder_deleted_and_created_again_is_watched_again() {
        let (dir, loads, _watch) = watched();
        let root = dir.path().to_path_buf();
        std::fs::remove_dir(&root).unwrap();
        std::thread::sleep(SETTLE * 2);
        std::fs::create_dir(&root).unwrap();
        std::thread::sleep(SETTLE * 2);
        let before = loads.load(Ordering::SeqCst);
        std::fs::write(root.join("a.md"), "# A\n").unwrap();
        wait_for("a reload after an edit in the new folder", || {
            loads.load(Ordering::SeqCst) > before
        });
    }

    #[test]
    fn a_file_written_all_the_time_does_not_hold_back_a_reload() {
        let (dir, loads, _watch) = watched();
        let busy = dir.path().join("busy.log");
        let stop = Arc::new(std::sync::atomic::AtomicBool::new(false));
        let writer = {
            let stop = stop.clone();
            std::thread::spawn(move || {
                while !stop.load(Ordering::SeqCst) {
                    let _ = std::fs::write(&busy, "x");
                    std::thread::sleep(Duration::from_millis(50));
                }
            })
        };
        std::thread::sleep(SETTLE * 2);
        let before = loads.load(Ordering::SeqCst);
        std::fs::write(dir.path().join("a.md"), "# A\n").unwrap();
        wait_for("a reload while another file keeps changing", || {
            loads.load(Ordering::SeqCst) > before
        });
        stop.store(true, Ordering::SeqCst);
        writer.join().unwrap();
    }
}
