//! Logging: one structured line per request (tracing), unmatched requests at WARN, and a
//! writer that keeps terminal output off the request path.
//!
//! [`Background`] buffers formatted lines for a thread that writes them to stderr, so a slow
//! terminal or pipe never stalls a request. When it falls behind by [`Background::LIMIT`]
//! bytes, further lines are dropped and counted instead of blocking.

use super::Outcome;
use axum::http::Method;
use std::io::Write;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

/// Log one answered request.
pub(super) fn request(method: &Method, path: &str, query: &str, status: u16, outcome: &Outcome) {
    match &outcome.fixture {
        Some(fixture) => tracing::info!(
            %method, path, query, status, fixture = &**fixture, reason = outcome.reason,
            "served"
        ),
        None => tracing::warn!(
            %method, path, query, status, reason = outcome.reason,
            "not a documented request"
        ),
    }
}

/// A `MakeWriter` for tracing-subscriber that writes on a background thread.
///
/// Lines are appended to one shared buffer (a short memcpy under a lock); the thread takes
/// the whole buffer every [`Background::INTERVAL`] and writes it. No thread is woken per line:
/// waking a writer thread for every request cost more than the rest of the request.
#[derive(Debug, Clone)]
pub struct Background {
    shared: Arc<Shared>,
}

#[derive(Debug, Default)]
struct Shared {
    buffer: Mutex<Vec<u8>>,
    dropped: AtomicU64,
}

impl Background {
    /// How often buffered lines are written.
    pub const INTERVAL: Duration = Duration::from_millis(20);
    /// Bytes buffered before further lines are dropped (and counted) rather than kept.
    pub const LIMIT: usize = 8 * 1024 * 1024;

    /// Start the writer thread over `out`.
    pub fn spawn(out: impl Write + Send + 'static) -> Background {
        let shared = Arc::new(Shared::default());
        let writer = shared.clone();
        let mut out = out;
        std::thread::Builder::new()
            .name("docmock-log".into())
            .spawn(move || {
                let mut spare = Vec::new();
                loop {
                    std::thread::sleep(Self::INTERVAL);
                    write_pending(&writer, &mut spare, &mut out);
                }
            })
            .ok();
        Background { shared }
    }

    /// Write what is buffered now (at shutdown), to `out`.
    pub fn flush_to(&self, out: &mut impl Write) {
        write_pending(&self.shared, &mut Vec::new(), out);
    }
}

fn write_pending(shared: &Shared, spare: &mut Vec<u8>, out: &mut impl Write) {
    {
        let mut buffer = shared.buffer.lock().unwrap_or_else(|e| e.into_inner());
        if buffer.is_empty() {
            return;
        }
        std::mem::swap(&mut *buffer, spare);
    }
    let _ = out.write_all(spare);
    spare.clear();
    let lost = shared.dropped.swap(0, Ordering::Relaxed);
    if lost > 0 {
        let _ = writeln!(out, "docmock: {lost} log lines dropped (output too slow)");
    }
    let _ = out.flush();
}

/// The writer of one log line: appends to the shared buffer.
pub struct Line<'a> {
    shared: &'a Shared,
}

impl Write for Line<'_> {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        let mut buffer = self.shared.buffer.lock().unwrap_or_else(|e| e.into_inner());
        if buffer.len() + buf.len() > Background::LIMIT {
            self.shared.dropped.fetch_add(1, Ordering::Relaxed);
        } else {
            buffer.extend_from_slice(buf);
        }
        Ok(buf.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

impl<'a> tracing_subscriber::fmt::MakeWriter<'a> for Background {
    type Writer = Line<'a>;

    fn make_writer(&'a self) -> Line<'a> {
        Line {
            shared: &self.shared,
        }
    }
}
