//! The request journal: a ring of the last N requests and what answered them.
//!
//! Bounded so memory stays flat under any load: when full, the oldest entry is dropped and
//! counted. Bodies are kept up to [`BODY_LIMIT`] bytes. The lock is held only to push or copy
//! entries; an entry is built before the lock is taken.

use bytes::Bytes;
use serde::Serialize;
use std::collections::VecDeque;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Mutex;
use std::time::SystemTime;

/// Bytes of a request body the journal keeps.
pub const BODY_LIMIT: usize = 4096;

/// One request as the journal remembers it.
#[derive(Debug, Clone)]
pub struct Entry {
    pub time: SystemTime,
    pub method: axum::http::Method,
    pub path: String,
    pub query: String,
    /// At most [`BODY_LIMIT`] bytes.
    pub body: Bytes,
    pub body_len: usize,
    /// The fixture that answered, if a documented case did.
    pub fixture: Option<&'static str>,
    pub reason: &'static str,
    pub status: u16,
}

impl Entry {
    /// The part of a body the journal keeps (an empty body allocates nothing).
    pub fn kept_body(body: &Bytes) -> Bytes {
        if body.len() <= BODY_LIMIT {
            // Keeping a slice of a small body would pin it; a copy is as cheap.
            Bytes::copy_from_slice(body)
        } else {
            Bytes::copy_from_slice(&body[..BODY_LIMIT])
        }
    }
}

/// The journal of one server.
#[derive(Debug)]
pub struct Journal {
    entries: Mutex<VecDeque<Entry>>,
    capacity: usize,
    dropped: AtomicU64,
}

impl Journal {
    pub fn new(capacity: usize) -> Journal {
        Journal {
            entries: Mutex::new(VecDeque::with_capacity(capacity.min(65_536))),
            capacity,
            dropped: AtomicU64::new(0),
        }
    }

    pub fn record(&self, entry: Entry) {
        if self.capacity == 0 {
            self.dropped.fetch_add(1, Ordering::Relaxed);
            return;
        }
        let evicted = {
            let mut entries = self.entries.lock().unwrap_or_else(|e| e.into_inner());
            let evicted = if entries.len() >= self.capacity {
                entries.pop_front()
            } else {
                None
            };
            entries.push_back(entry);
            evicted
        };
        // Freed outside the lock.
        if evicted.is_some() {
            self.dropped.fetch_add(1, Ordering::Relaxed);
        }
    }

    pub fn clear(&self) {
        let old = std::mem::take(&mut *self.entries.lock().unwrap_or_else(|e| e.into_inner()));
        self.dropped.store(0, Ordering::Relaxed);
        drop(old);
    }

    /// The journal as JSON: entries oldest first, and how many were dropped.
    pub fn snapshot(&self) -> JournalView {
        let entries: Vec<Entry> = self
            .entries
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .iter()
            .cloned()
            .collect();
        JournalView {
            capacity: self.capacity,
            dropped: self.dropped.load(Ordering::Relaxed),
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
}

impl From<&Entry> for EntryView {
    fn from(e: &Entry) -> Self {
        EntryView {
            time: humantime::format_rfc3339_millis(e.time).to_string(),
            method: e.method.to_string(),
            path: e.path.clone(),
            query: e.query.clone(),
            body: (!e.body.is_empty()).then(|| String::from_utf8_lossy(&e.body).into_owned()),
            body_truncated: e.body_len > e.body.len(),
            fixture: e.fixture.map(str::to_string),
            reason: e.reason,
            status: e.status,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn entry(path: &str) -> Entry {
        Entry {
            time: SystemTime::now(),
            method: axum::http::Method::GET,
            path: path.into(),
            query: String::new(),
            body: Bytes::new(),
            body_len: 0,
            fixture: None,
            reason: "success",
            status: 200,
        }
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
