//! The request journal: a ring of the last N requests and what answered them.
//!
//! Bounded so memory stays flat under any load: when full, the oldest entry is dropped and
//! counted. Bodies are kept up to [`BODY_LIMIT`] bytes. An entry is built before any lock is
//! taken, and each slot of the ring has its own lock.

use bytes::Bytes;
use serde::Serialize;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Mutex;
use std::time::SystemTime;

/// Bytes of a request body the journal keeps.
pub const BODY_LIMIT: usize = 4096;

/// One request as the journal remembers it.
///
/// Path, query and fixture id share one allocation: the id is copied, not borrowed from the
/// route table, so a reload frees the old table while the journal still names its cases.
#[derive(Debug, Clone)]
pub struct Entry {
    pub time: SystemTime,
    pub method: axum::http::Method,
    /// The path, then the query, then the fixture id.
    text: String,
    query_at: usize,
    fixture_at: Option<usize>,
    /// At most [`BODY_LIMIT`] bytes.
    pub body: Bytes,
    pub body_len: usize,
    pub reason: &'static str,
    pub status: u16,
}

/// What a request was and what answered it, as [`Entry::new`] takes it.
#[derive(Debug, Clone, Copy)]
pub struct Answered<'a> {
    /// The fixture that answered, if a documented case did.
    pub fixture: Option<&'a str>,
    pub reason: &'static str,
    pub status: u16,
}

impl Entry {
    /// The entry of one request: its body cut to [`BODY_LIMIT`] bytes.
    pub fn new(
        time: SystemTime,
        method: &axum::http::Method,
        path: &str,
        query: &str,
        body: &Bytes,
        answered: Answered<'_>,
    ) -> Entry {
        let fixture = answered.fixture.unwrap_or("");
        let mut text = String::with_capacity(path.len() + query.len() + fixture.len());
        text.push_str(path);
        text.push_str(query);
        let fixture_at = answered.fixture.map(|f| {
            text.push_str(f);
            path.len() + query.len()
        });
        Entry {
            time,
            method: method.clone(),
            text,
            query_at: path.len(),
            fixture_at,
            body: Entry::kept_body(body),
            body_len: body.len(),
            reason: answered.reason,
            status: answered.status,
        }
    }

    pub fn path(&self) -> &str {
        &self.text[..self.query_at]
    }

    pub fn query(&self) -> &str {
        &self.text[self.query_at..self.fixture_at.unwrap_or(self.text.len())]
    }

    /// The fixture that answered, if a documented case did.
    pub fn fixture(&self) -> Option<&str> {
        self.fixture_at.map(|at| &self.text[at..])
    }

    /// The part of a body the journal keeps (an empty body allocates nothing).
    fn kept_body(body: &Bytes) -> Bytes {
        if body.len() <= BODY_LIMIT {
            // Keeping a slice of a small body would pin it; a copy is as cheap.
            Bytes::copy_from_slice(body)
        } else {
            Bytes::copy_from_slice(&body[..BODY_LIMIT])
        }
    }
}

/// The journal of one server: a ring of slots indexed by a sequence number.
///
/// Recording takes one shared counter increment and the lock of its own slot (on its own
/// cache lines), so request threads rarely meet; a single lock around the whole ring was
/// contended by every request.
#[derive(Debug)]
pub struct Journal {
    slots: Box<[Slot]>,
    /// Sequence number of the next entry: how many were ever recorded.
    next: AtomicU64,
    /// Entries numbered below this were cleared.
    cleared_at: AtomicU64,
}

#[derive(Debug, Default)]
#[repr(align(128))]
struct Slot(Mutex<Option<(u64, Entry)>>);

impl Journal {
    pub fn new(capacity: usize) -> Journal {
        Journal {
            slots: (0..capacity).map(|_| Slot::default()).collect(),
            next: AtomicU64::new(0),
            cleared_at: AtomicU64::new(0),
        }
    }

    pub fn record(&self, entry: Entry) {
        let seq = self.next.fetch_add(1, Ordering::Relaxed);
        if self.slots.is_empty() {
            return;
        }
        let slot = &self.slots[(seq % self.slots.len() as u64) as usize];
        let evicted = slot
            .0
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .replace((seq, entry));
        // Freed outside the lock.
        drop(evicted);
    }

    /// Forget every entry recorded so far (and the count of dropped ones).
    pub fn clear(&self) {
        self.cleared_at
            .store(self.next.load(Ordering::Relaxed), Ordering::Relaxed);
        for slot in self.slots.iter() {
            let old = slot.0.lock().unwrap_or_else(|e| e.into_inner()).take();
            drop(old);
        }
    }

    /// The entries kept, oldest first, and how many more were recorded but dropped.
    pub fn entries(&self) -> (Vec<Entry>, u64) {
        let cleared_at = self.cleared_at.load(Ordering::Relaxed);
        let mut entries: Vec<(u64, Entry)> = self
            .slots
            .iter()
            .filter_map(|slot| slot.0.lock().unwrap_or_else(|e| e.into_inner()).clone())
            .filter(|(seq, _)| *seq >= cleared_at)
            .collect();
        entries.sort_by_key(|(seq, _)| *seq);
        let recorded = self.next.load(Ordering::Relaxed).saturating_sub(cleared_at);
        let dropped = recorded.saturating_sub(entries.len() as u64);
        (entries.into_iter().map(|(_, e)| e).collect(), dropped)
    }

    /// The journal as JSON: entries oldest first, and how many were dropped.
    pub fn snapshot(&self) -> JournalView {
        let (entries, dropped) = self.entries();
        JournalView {
            capacity: self.slots.len(),
            dropped,
            requests: entries.iter().map(EntryView::from).collect(),
        }
    }
}

/// `GET /__docmock/requests`.
#[derive(Debug, Serialize)]
pub struct JournalView {
    pub capacity: usize,
    pub dropped: u64,
    pub requests: Vec<EntryView>,
}

#[derive(Debug, Serialize)]
pub struct EntryView {
    pub time: String,
    pub method: String,
    pub path: String,
    #[serde(skip_serializing_if = "String::is_empty")]
    pub query: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub body: Option<String>,
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub body_truncated: bool,
    pub fixture: Option<String>,
    pub reason: &'static str,
    pub status: u16,
    /// For a request a fallback answered: the cases whose documented request came close, and
    /// where this one differed (computed when the journal is read, not while serving).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub near_misses: Vec<super::select::NearMiss>,
}

impl From<&Entry> for EntryView {
    fn from(e: &Entry) -> Self {
        EntryView {
            time: humantime::format_rfc3339_millis(e.time).to_string(),
            method: e.method.to_string(),
            path: e.path().to_string(),
            query: e.query().to_string(),
            body: (!e.body.is_empty()).then(|| String::from_utf8_lossy(&e.body).into_owned()),
            body_truncated: e.body_len > e.body.len(),
            fixture: e.fixture().map(str::to_string),
            reason: e.reason,
            status: e.status,
            near_misses: Vec::new(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn entry(path: &str) -> Entry {
        let answered = Answered {
            fixture: None,
            reason: "success",
            status: 200,
        };
        Entry::new(
            SystemTime::now(),
            &axum::http::Method::GET,
            path,
            "",
            &Bytes::new(),
            answered,
        )
    }

    #[test]
    fn an_entry_gives_back_its_path_query_and_fixture() {
        let answered = Answered {
            fixture: Some("p/e/c"),
            reason: "success",
            status: 200,
        };
        let body = Bytes::from_static(b"{}");
        let entry = Entry::new(
            SystemTime::now(),
            &axum::http::Method::POST,
            "/x",
            "a=1",
            &body,
            answered,
        );
        assert_eq!(
            (entry.path(), entry.query(), entry.fixture()),
            ("/x", "a=1", Some("p/e/c"))
        );
        let entry = Entry::new(
            SystemTime::now(),
            &axum::http::Method::GET,
            "/y",
            "",
            &body,
            Answered {
                fixture: None,
                ..answered
            },
        );
        assert_eq!(
            (entry.path(), entry.query(), entry.fixture()),
            ("/y", "", None)
        );
    }

    #[test]
    fn a_full_ring_drops_the_oldest_and_counts_it() {
        let journal = Journal::new(2);
        for p in ["/a", "/b", "/c"] {
            journal.record(entry(p));
        }
        let view = journal.snapshot();
        assert_eq!(view.dropped, 1);
        let paths: Vec<_> = view.requests.iter().map(|e| e.path.as_str()).collect();
        assert_eq!(paths, ["/b", "/c"]);
        journal.clear();
        assert!(journal.snapshot().requests.is_empty());
    }
}
