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

/// Where served-request lines are logged: the target tracing filters (`RUST_LOG`) apply to.
pub const TARGET: &str = "docmock::serve::log";

/// The level and message of a request not answered from the docs, as [`LineFormat`] writes them.
const UNANSWERED: &[u8] = b"  WARN not answered from the docs";

/// Log one answered request: INFO when a documented case answered, WARN when nothing did.
///
/// With a [`Background`] writer (the `docmock serve` binary), both lines are written straight
/// into its buffer in [`LineFormat`]'s format, still filtered by the tracing subscriber's level
/// for [`TARGET`]: going through tracing-subscriber's formatting machinery cost as much per
/// request as answering it. Without a writer, lines go through tracing.
pub(crate) fn request(
    writer: Option<&Background>,
    now: std::time::SystemTime,
    method: &Method,
    path: &str,
    query: &str,
    status: u16,
    outcome: &Outcome<'_>,
) {
    match (outcome.fixture, writer) {
        (Some(fixture), Some(writer)) => {
            if tracing::enabled!(target: TARGET, tracing::Level::INFO) {
                writer.served_line(now, method, path, query, status, fixture, outcome.reason);
            }
        }
        (Some(fixture), None) => tracing::info!(
            target: TARGET,
            %method, path, query, status, fixture, reason = outcome.reason,
            "served"
        ),
        (None, Some(writer)) => {
            if tracing::enabled!(target: TARGET, tracing::Level::WARN) {
                writer.unanswered_line(now, method, path, query, status, outcome.reason);
            }
        }
        (None, None) => tracing::warn!(
            target: TARGET,
            %method, path, query, status, reason = outcome.reason,
            "not answered from the docs"
        ),
    }
}

/// A compact event format: `2026-12-01T14:13:33.123Z  INFO served method=GET path="/x" ...`.
///
/// tracing-subscriber's default format cost as much as the rest of a request; this one writes
/// the same facts with a per-second cached timestamp and without styling.
#[derive(Debug, Clone, Copy, Default)]
pub struct LineFormat;

impl<S, N> tracing_subscriber::fmt::FormatEvent<S, N> for LineFormat
where
    S: tracing::Subscriber + for<'a> tracing_subscriber::registry::LookupSpan<'a>,
    N: for<'a> tracing_subscriber::fmt::FormatFields<'a> + 'static,
{
    fn format_event(
        &self,
        _ctx: &tracing_subscriber::fmt::FmtContext<'_, S, N>,
        mut writer: tracing_subscriber::fmt::format::Writer<'_>,
        event: &tracing::Event<'_>,
    ) -> std::fmt::Result {
        write_timestamp(&mut writer)?;
        let metadata = event.metadata();
        write!(writer, " {:>5} ", metadata.level())?;
        if !metadata.target().starts_with("docmock") {
            write!(writer, "{}: ", metadata.target())?;
        }
        let mut visitor = Fields {
            writer: &mut writer,
            first: true,
            result: Ok(()),
        };
        event.record(&mut visitor);
        visitor.result?;
        writer.write_char('\n')
    }
}

/// Writes `name=value` pairs; the message bare; text quoted and escaped as Rust strings.
struct Fields<'a, 'w> {
    writer: &'a mut tracing_subscriber::fmt::format::Writer<'w>,
    first: bool,
    result: std::fmt::Result,
}

impl Fields<'_, '_> {
    fn separate(&mut self) -> std::fmt::Result {
        if self.first {
            self.first = false;
            Ok(())
        } else {
            self.writer.write_char(' ')
        }
    }
}

impl tracing::field::Visit for Fields<'_, '_> {
    fn record_str(&mut self, field: &tracing::field::Field, value: &str) {
        if self.result.is_err() {
            return;
        }
        self.result = self.separate().and_then(|()| {
            if field.name() == "message" {
                self.writer.write_str(value)
            } else if value
                .bytes()
                .all(|b| b.is_ascii_graphic() && b != b'"' && b != b'\\')
            {
                // Plain text needs no escaping: the common case, written as it is.
                write!(self.writer, "{}=\"{value}\"", field.name())
            } else {
                write!(self.writer, "{}={value:?}", field.name())
            }
        });
    }

    fn record_u64(&mut self, field: &tracing::field::Field, value: u64) {
        if self.result.is_ok() {
            self.result = self
                .separate()
                .and_then(|()| write!(self.writer, "{}={value}", field.name()));
        }
    }

    fn record_debug(&mut self, field: &tracing::field::Field, value: &dyn std::fmt::Debug) {
        if self.result.is_ok() {
            self.result = self.separate().and_then(|()| {
                if field.name() == "message" {
                    write!(self.writer, "{value:?}")
                } else {
                    write!(self.writer, "{}={value:?}", field.name())
                }
            });
        }
    }
}

/// RFC 3339 UTC with milliseconds; the part up to the seconds is formatted once a second per
/// thread.
fn write_timestamp(writer: &mut impl std::fmt::Write) -> std::fmt::Result {
    with_timestamp(std::time::SystemTime::now(), |seconds, millis| {
        write!(writer, "{seconds}.{millis:03}Z")
    })
}

/// Call `f` with `now` as `2026-12-01T14:13:33` and its milliseconds.
fn with_timestamp<T>(now: std::time::SystemTime, f: impl FnOnce(&str, u32) -> T) -> T {
    use std::cell::RefCell;
    thread_local! {
        static SECOND: RefCell<(u64, String)> = const { RefCell::new((u64::MAX, String::new())) };
    }
    let since_epoch = now
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap_or_default();
    let seconds = since_epoch.as_secs();
    SECOND.with(|cache| {
        let mut cache = cache.borrow_mut();
        if cache.0 != seconds {
            let full = humantime::format_rfc3339_seconds(
                std::time::UNIX_EPOCH + Duration::from_secs(seconds),
            )
            .to_string();
            cache.1 = full.trim_end_matches('Z').to_string();
            cache.0 = seconds;
        }
        f(&cache.1, since_epoch.subsec_millis())
    })
}

/// Append `name="value"`, escaped as a Rust string when it has to be.
fn push_quoted(line: &mut Vec<u8>, name: &str, value: &str) {
    line.push(b' ');
    line.extend_from_slice(name.as_bytes());
    line.push(b'=');
    // every byte looked at, without stopping at the first to escape: the compiler then
    // checks many bytes per instruction
    let plain = |b: u8| b.is_ascii_graphic() && b != b'"' && b != b'\\';
    if value.bytes().fold(true, |all, b| all & plain(b)) {
        line.push(b'"');
        line.extend_from_slice(value.as_bytes());
        line.push(b'"');
    } else {
        line.extend_from_slice(format!("{value:?}").as_bytes());
    }
}

/// A `MakeWriter` for tracing-subscriber that writes on a background thread.
///
/// Lines are appended to a buffer (a short memcpy under a lock); the thread takes the
/// buffers every [`Background::INTERVAL`] and writes them. No thread is woken per line: waking
/// a writer thread for every request cost more than the rest of the request. Each thread that
/// logs has its own buffer (of [`Background::SHARDS`]), so request threads do not share cache
/// lines; lines of different threads within one interval may come out of time order (each
/// carries its timestamp).
#[derive(Debug, Clone)]
pub struct Background {
    shared: Arc<Shared>,
}

#[derive(Debug)]
struct Shared {
    buffers: Vec<Shard>,
    dropped: AtomicU64,
    /// One INFO line per served request; otherwise they are counted in `served` and a
    /// summary is written once a second (a busy server wrote a gigabyte of lines a minute).
    per_request: bool,
    served: Vec<Count>,
}

/// A served-request count of one thread, alone on its cache line.
#[derive(Debug, Default)]
#[repr(align(128))]
struct Count(AtomicU64);

/// One thread's buffer, alone on its cache lines: neighbouring buffers written by other
/// threads would otherwise bounce the line between cores on every lock.
#[derive(Debug, Default)]
#[repr(align(128))]
struct Shard(Mutex<Vec<u8>>);

impl Shared {
    /// The buffer of the calling thread.
    fn buffer(&self) -> &Mutex<Vec<u8>> {
        let shard = super::thread_index() % self.buffers.len();
        &self.buffers[shard].0
    }
}

impl Background {
    /// How often buffered lines are written.
    pub const INTERVAL: Duration = Duration::from_millis(20);
    /// Bytes buffered before further lines are dropped (and counted) rather than kept.
    pub const LIMIT: usize = 8 * 1024 * 1024;
    /// Buffers, one per logging thread up to this many.
    pub const SHARDS: usize = 8;

    /// How often the served-request summary is written when lines are not per request.
    pub const SUMMARY_INTERVAL: Duration = Duration::from_secs(1);

    /// Start the writer thread over `out`, with one line per served request.
    pub fn spawn(out: impl Write + Send + 'static) -> Background {
        Background::spawn_with(out, true)
    }

    /// Start the writer thread over `out`; without `per_request`, served requests are
    /// counted and summed up once a second (`served requests=N`). The thread ends when the
    /// last clone is dropped; what is still buffered then is lost unless [`Background::flush_to`]
    /// wrote it first.
    pub fn spawn_with(out: impl Write + Send + 'static, per_request: bool) -> Background {
        let shared = Arc::new(Shared {
            buffers: (0..Self::SHARDS).map(|_| Shard::default()).collect(),
            dropped: AtomicU64::new(0),
            per_request,
            served: (0..Self::SHARDS).map(|_| Count::default()).collect(),
        });
        // not a strong reference: the thread ends once the last `Background` is dropped
        let weak = Arc::downgrade(&shared);
        let mut out = out;
        std::thread::Builder::new()
            .name("docmock-log".into())
            .spawn(move || {
                let mut spare = Vec::new();
                let mut last_summary = std::time::Instant::now();
                loop {
                    std::thread::sleep(Self::INTERVAL);
                    let Some(writer) = weak.upgrade() else { return };
                    if !writer.per_request && last_summary.elapsed() >= Self::SUMMARY_INTERVAL {
                        last_summary = std::time::Instant::now();
                        write_summary(&writer, &mut out);
                    }
                    write_pending(&writer, &mut spare, &mut out);
                }
            })
            .ok();
        Background { shared }
    }

    /// Append one served-request line, formatted as [`LineFormat`] would, or count it.
    #[allow(clippy::too_many_arguments)]
    fn served_line(
        &self,
        now: std::time::SystemTime,
        method: &Method,
        path: &str,
        query: &str,
        status: u16,
        fixture: &str,
        reason: &str,
    ) {
        if !self.shared.per_request {
            let cell = &self.shared.served[super::thread_index() % self.shared.served.len()];
            cell.0.fetch_add(1, Ordering::Relaxed);
            return;
        }
        let request = (method, path, query, status);
        self.append_line(now, b"  INFO served", request, Some(fixture), reason);
    }

    /// Append the WARN line of a request not answered from the docs, formatted as
    /// [`LineFormat`] would: each one, terminal or not (unlike served requests, they are what
    /// someone reading the log looks for).
    fn unanswered_line(
        &self,
        now: std::time::SystemTime,
        method: &Method,
        path: &str,
        query: &str,
        status: u16,
        reason: &str,
    ) {
        let request = (method, path, query, status);
        self.append_line(now, UNANSWERED, request, None, reason);
    }

    /// `<time><head> method= path= query= status= [fixture=] reason=`, or a dropped line.
    fn append_line(
        &self,
        now: std::time::SystemTime,
        head: &[u8],
        (method, path, query, status): (&Method, &str, &str, u16),
        fixture: Option<&str>,
        reason: &str,
    ) {
        let mut buffer = self
            .shared
            .buffer()
            .lock()
            .unwrap_or_else(|e| e.into_inner());
        if buffer.len() + 512 + path.len() + query.len() > Background::LIMIT / Background::SHARDS {
            self.shared.dropped.fetch_add(1, Ordering::Relaxed);
            return;
        }
        let line = &mut *buffer;
        with_timestamp(now, |seconds, millis| {
            line.extend_from_slice(seconds.as_bytes());
            line.extend_from_slice(&[
                b'.',
                b'0' + (millis / 100) as u8,
                b'0' + (millis / 10 % 10) as u8,
                b'0' + (millis % 10) as u8,
                b'Z',
            ]);
        });
        line.extend_from_slice(head);
        line.extend_from_slice(b" method=");
        line.extend_from_slice(method.as_str().as_bytes());
        push_quoted(line, "path", path);
        push_quoted(line, "query", query);
        line.extend_from_slice(b" status=");
        line.extend_from_slice(&[
            b'0' + (status / 100 % 10) as u8,
            b'0' + (status / 10 % 10) as u8,
            b'0' + (status % 10) as u8,
        ]);
        if let Some(fixture) = fixture {
            push_quoted(line, "fixture", fixture);
        }
        push_quoted(line, "reason", reason);
        line.push(b'\n');
    }

    /// Write what is buffered now (at shutdown), to `out`.
    pub fn flush_to(&self, out: &mut impl Write) {
        write_summary(&self.shared, out);
        write_pending(&self.shared, &mut Vec::new(), out);
    }
}

/// `<time>  INFO served requests=N` for the requests served since the last summary, if any.
fn write_summary(shared: &Shared, out: &mut impl Write) {
    let served: u64 = shared
        .served
        .iter()
        .map(|c| c.0.swap(0, Ordering::Relaxed))
        .sum();
    if served == 0 {
        return;
    }
    let mut line = String::new();
    let _ = write_timestamp(&mut line);
    let _ = writeln!(
        out,
        "{line}  INFO served requests={served} (one line each: --log-requests)"
    );
    let _ = out.flush();
}

fn write_pending(shared: &Shared, spare: &mut Vec<u8>, out: &mut impl Write) {
    let mut wrote = false;
    for Shard(buffer) in &shared.buffers {
        {
            let mut buffer = buffer.lock().unwrap_or_else(|e| e.into_inner());
            if buffer.is_empty() {
                continue;
            }
            std::mem::swap(&mut *buffer, spare);
        }
        let _ = out.write_all(spare);
        spare.clear();
        wrote = true;
    }
    let lost = shared.dropped.swap(0, Ordering::Relaxed);
    if lost > 0 {
        let _ = writeln!(out, "docmock: {lost} log lines dropped (output too slow)");
    }
    if wrote || lost > 0 {
        let _ = out.flush();
    }
}

/// The writer of one log line: appends to the shared buffer.
pub struct Line<'a> {
    shared: &'a Shared,
}

impl Write for Line<'_> {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        let mut buffer = self
            .shared
            .buffer()
            .lock()
            .unwrap_or_else(|e| e.into_inner());
        if buffer.len() + buf.len() > Background::LIMIT / Background::SHARDS {
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

#[cfg(test)]
mod tests {
    use super::*;

    /// A writer the test can read back.
    #[derive(Clone, Default)]
    struct Sink(Arc<Mutex<Vec<u8>>>);

    impl Write for Sink {
        fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
            self.0.lock().unwrap().extend_from_slice(buf);
            Ok(buf.len())
        }
        fn flush(&mut self) -> std::io::Result<()> {
            Ok(())
        }
    }

    fn serve_three(log: &Background) {
        for _ in 0..3 {
            log.served_line(
                std::time::SystemTime::now(),
                &Method::GET,
                "/x",
                "",
                200,
                "p/e/c",
                "only-case",
            );
        }
    }

    /// A writer that says when it is dropped (its thread ended).
    struct Dropped(Arc<std::sync::atomic::AtomicBool>);

    impl Write for Dropped {
        fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
            Ok(buf.len())
        }
        fn flush(&mut self) -> std::io::Result<()> {
            Ok(())
        }
    }

    impl Drop for Dropped {
        fn drop(&mut self) {
            self.0.store(true, Ordering::SeqCst);
        }
    }

    #[test]
    fn the_writer_thread_ends_when_the_last_clone_is_dropped() {
        let ended = Arc::new(std::sync::atomic::AtomicBool::new(false));
        let log = Background::spawn(Dropped(ended.clone()));
        let clone = log.clone();
        drop(log);
        std::thread::sleep(Background::INTERVAL * 3);
        assert!(
            !ended.load(Ordering::SeqCst),
            "ended while a clone was alive"
        );
        drop(clone);
        let started = std::time::Instant::now();
        while !ended.load(Ordering::SeqCst) {
            assert!(
                started.elapsed() < Duration::from_secs(5),
                "the thread lives on"
            );
            std::thread::sleep(Background::INTERVAL);
        }
    }

    /// The line `request` writes for `outcome` through a [`Background`], and through tracing
    /// with [`LineFormat`], each without its timestamp.
    fn direct_and_traced(outcome: &Outcome) -> (String, String) {
        let (method, path, query) = (Method::POST, "/a \"b\"/é", "x=1&y=\\");
        let now = std::time::SystemTime::now();
        let text = |sink: &Sink| {
            let text = String::from_utf8(sink.0.lock().unwrap().clone()).unwrap();
            text.split_once(' ')
                .map(|(_, rest)| rest.to_string())
                .unwrap_or(text)
        };

        let direct = Sink::default();
        let log = Background::spawn_with(direct.clone(), true);
        tracing::subscriber::with_default(subscriber_for(log.clone()), || {
            request(Some(&log), now, &method, path, query, 404, outcome)
        });
        log.flush_to(&mut direct.clone());

        let traced = Sink::default();
        let writer = traced.clone();
        tracing::subscriber::with_default(subscriber_for(move || writer.clone()), || {
            request(None, now, &method, path, query, 404, outcome)
        });
        (text(&direct), text(&traced))
    }

    fn subscriber_for(
        writer: impl for<'a> tracing_subscriber::fmt::MakeWriter<'a> + Send + Sync + 'static,
    ) -> impl tracing::Subscriber {
        tracing_subscriber::fmt()
            .event_format(LineFormat)
            .with_writer(writer)
            .finish()
    }

    #[test]
    fn lines_written_straight_into_the_buffer_are_the_lines_tracing_writes() {
        for fixture in [None, Some("p/e/c")] {
            let outcome = Outcome {
                fixture,
                reason: "no-route",
            };
            let (direct, traced) = direct_and_traced(&outcome);
            assert_eq!(direct, traced);
            assert!(traced.contains(" path=\"/a \\\"b\\\"/é\""), "{traced}");
        }
    }

    #[test]
    fn served_requests_are_summed_up_unless_each_is_asked_for() {
        let out = Sink::default();
        let log = Background::spawn_with(out.clone(), false);
        serve_three(&log);
        log.flush_to(&mut out.clone());
        let text = String::from_utf8(out.0.lock().unwrap().clone()).unwrap();
        assert!(
            text.ends_with("  INFO served requests=3 (one line each: --log-requests)\n"),
            "{text}"
        );
        assert!(!text.contains("method="), "{text}");

        let out = Sink::default();
        let log = Background::spawn_with(out.clone(), true);
        serve_three(&log);
        log.flush_to(&mut out.clone());
        let text = String::from_utf8(out.0.lock().unwrap().clone()).unwrap();
        assert_eq!(
            text.matches(" INFO served method=GET path=\"/x\"").count(),
            3,
            "{text}"
        );
    }
}
