//! Logging: one structured line per request (tracing), unmatched requests at WARN, and a
//! writer that keeps terminal output off the request path.
//!
//! [`Background`] hands each formatted line to a thread that writes to stderr, so a slow
//! terminal or pipe never stalls a request. When the thread falls behind by
//! [`Background::QUEUE`] lines, further lines are dropped and counted instead of blocking.

use super::Outcome;
use axum::http::Method;
use std::io::Write;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::mpsc::{sync_channel, SyncSender, TrySendError};
use std::sync::Arc;
use std::time::Duration;

/// Log one answered request.
pub(super) fn request(
    method: &Method,
    path: &str,
    query: &str,
    status: u16,
    outcome: &Outcome,
    elapsed: Duration,
) {
    let micros = elapsed.as_micros() as u64;
    match &outcome.fixture {
        Some(fixture) => tracing::info!(
            %method, path, query, status, fixture = &**fixture, reason = outcome.reason, micros,
            "served"
        ),
        None => tracing::warn!(
            %method, path, query, status, reason = outcome.reason, micros,
            "not a documented request"
        ),
    }
}

/// A `MakeWriter` for tracing-subscriber that writes on a background thread.
#[derive(Debug, Clone)]
pub struct Background {
    sender: SyncSender<Vec<u8>>,
    dropped: Arc<AtomicU64>,
}

impl Background {
    /// Lines waiting to be written before new ones are dropped.
    pub const QUEUE: usize = 16 * 1024;

    /// Start the writer thread over `out`.
    pub fn spawn(mut out: impl Write + Send + 'static) -> Background {
        let (sender, receiver) = sync_channel::<Vec<u8>>(Self::QUEUE);
        let dropped = Arc::new(AtomicU64::new(0));
        let counter = dropped.clone();
        std::thread::Builder::new()
            .name("docmock-log".into())
            .spawn(move || {
                while let Ok(line) = receiver.recv() {
                    let _ = out.write_all(&line);
                    // Write what queued up meanwhile, then flush once.
                    while let Ok(line) = receiver.try_recv() {
                        let _ = out.write_all(&line);
                    }
                    let lost = counter.swap(0, Ordering::Relaxed);
                    if lost > 0 {
                        let _ =
                            writeln!(out, "docmock: {lost} log lines dropped (output too slow)");
                    }
                    let _ = out.flush();
                }
            })
            .ok();
        Background { sender, dropped }
    }
}

/// One log line being formatted; sent when dropped.
pub struct Line {
    buffer: Vec<u8>,
    background: Background,
}

impl Write for Line {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.buffer.extend_from_slice(buf);
        Ok(buf.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

impl Drop for Line {
    fn drop(&mut self) {
        if self.buffer.is_empty() {
            return;
        }
        let line = std::mem::take(&mut self.buffer);
        if let Err(TrySendError::Full(_)) = self.background.sender.try_send(line) {
            self.background.dropped.fetch_add(1, Ordering::Relaxed);
        }
    }
}

impl<'a> tracing_subscriber::fmt::MakeWriter<'a> for Background {
    type Writer = Line;

    fn make_writer(&'a self) -> Line {
        Line {
            buffer: Vec::with_capacity(256),
            background: self.clone(),
        }
    }
}
