//! What the proxy concluded about each exchange, and what it keeps of them: violations grouped
//! by route, case and kind (`/__docmock/violations`), per-case tallies, and the [`Summary`]
//! the shutdown report renders.

use crate::verify::Difference;
use indexmap::IndexMap;
use serde::Serialize;
use serde_json::Value;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Mutex;
use std::time::SystemTime;

/// The verdict on one exchange.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Kind {
    /// The answer matches the documented case for its status.
    Conforms,
    /// The answer differs from the documented case for its status.
    Differs,
    /// The client's request breaks the endpoint's parameter table.
    RequestViolates,
    /// The route is documented, this status is not.
    UndocumentedStatus,
    /// No documented route matches the request.
    UndocumentedRoute,
}

impl Kind {
    pub const ALL: [Kind; 5] = [
        Kind::Conforms,
        Kind::Differs,
        Kind::RequestViolates,
        Kind::UndocumentedStatus,
        Kind::UndocumentedRoute,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Kind::Conforms => "conforms",
            Kind::Differs => "differs",
            Kind::RequestViolates => "request-violates",
            Kind::UndocumentedStatus => "undocumented-status",
            Kind::UndocumentedRoute => "undocumented-route",
        }
    }

    /// Kinds that fail the run (the shutdown report's exit code, its JUnit failures).
    pub fn fails(self) -> bool {
        matches!(self, Kind::Differs | Kind::RequestViolates)
    }
}

/// One exchange as reports show it, secret header values redacted.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Sample {
    pub request: SampleRequest,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub response: Option<SampleResponse>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SampleRequest {
    pub method: String,
    /// Path and query as sent.
    pub path: String,
    pub headers: IndexMap<String, String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub body: Option<Value>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SampleResponse {
    pub status: u16,
    pub headers: IndexMap<String, String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub body: Option<Value>,
}

/// Exchanges with one kind of violation of one route (and case).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Group {
    pub kind: Kind,
    pub method: String,
    /// The documented route, or the path itself when no route matches.
    pub route: String,
    /// The documented case the answer was compared with.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub case: Option<String>,
    /// `file:line` of that case (or of the route's first case).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub doc: Option<String>,
    pub count: u64,
    pub first_seen: String,
    pub last_seen: String,
    /// The sample's differences from the docs.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub differences: Vec<Difference>,
    /// The parameter the sample's request broke, and how.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub problem: Option<String>,
    /// The first exchange of the group.
    pub sample: Sample,
}

/// A violation found in one exchange, before it joins its group.
#[derive(Debug)]
pub struct Found {
    pub kind: Kind,
    pub method: String,
    pub route: String,
    pub case: Option<String>,
    pub doc: Option<String>,
    pub differences: Vec<Difference>,
    pub problem: Option<String>,
}

/// What makes two violations one group: kind, method, route, case.
type GroupKey = (Kind, String, String, Option<String>);

/// Every violation seen, grouped.
#[derive(Debug, Default)]
pub struct Violations {
    groups: Mutex<IndexMap<GroupKey, Group>>,
}

impl Violations {
    /// Count `found`; the first of its group keeps its sample (built only then).
    pub fn add(&self, found: Found, sample: impl FnOnce() -> Sample) {
        let now = humantime::format_rfc3339_millis(SystemTime::now()).to_string();
        let key = (
            found.kind,
            found.method.clone(),
            found.route.clone(),
            found.case.clone(),
        );
        let mut groups = self.groups.lock().unwrap_or_else(|e| e.into_inner());
        match groups.get_mut(&key) {
            Some(group) => {
                group.count += 1;
                group.last_seen = now;
            }
            None => {
                groups.insert(
                    key,
                    Group {
                        kind: found.kind,
                        method: found.method,
                        route: found.route,
                        case: found.case,
                        doc: found.doc,
                        count: 1,
                        first_seen: now.clone(),
                        last_seen: now,
                        differences: found.differences,
                        problem: found.problem,
                        sample: sample(),
                    },
                );
            }
        }
    }

    /// The groups by route, then case, then kind.
    pub fn groups(&self) -> Vec<Group> {
        let groups = self.groups.lock().unwrap_or_else(|e| e.into_inner());
        let mut list: Vec<Group> = groups.values().cloned().collect();
        list.sort_by(|a, b| {
            (&a.route, &a.method, &a.case, a.kind).cmp(&(&b.route, &b.method, &b.case, b.kind))
        });
        list
    }

    pub fn clear(&self) {
        self.groups
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .clear();
    }
}

/// One documented case that real traffic exercised.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct CaseTally {
    pub id: String,
    pub method: String,
    pub route: String,
    pub status: u16,
    /// `file:line` of the case.
    pub doc: String,
    pub exchanges: u64,
    /// Exchanges whose answer differed from it.
    pub differed: u64,
}

/// Per-case tallies and counts per verdict.
#[derive(Debug, Default)]
pub struct Tallies {
    cases: Mutex<IndexMap<String, CaseTally>>,
    verdicts: [AtomicU64; 5],
}

impl Tallies {
    pub fn verdict(&self, kind: Kind) {
        self.verdicts[kind as usize].fetch_add(1, Ordering::Relaxed);
    }

    /// An exchange compared with case `id`; `make` builds its tally the first time.
    pub fn case(&self, id: &str, differed: bool, make: impl FnOnce() -> CaseTally) {
        let mut cases = self.cases.lock().unwrap_or_else(|e| e.into_inner());
        if !cases.contains_key(id) {
            cases.insert(id.to_string(), make());
        }
        let tally = &mut cases[id];
        tally.exchanges += 1;
        tally.differed += u64::from(differed);
    }

    pub fn cases(&self) -> Vec<CaseTally> {
        let cases = self.cases.lock().unwrap_or_else(|e| e.into_inner());
        cases.values().cloned().collect()
    }

    pub fn counts(&self) -> IndexMap<&'static str, u64> {
        Kind::ALL
            .iter()
            .map(|k| {
                (
                    k.as_str(),
                    self.verdicts[*k as usize].load(Ordering::Relaxed),
                )
            })
            .collect()
    }
}

/// What a proxy run saw, for the shutdown report.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Summary {
    pub target: String,
    /// Exchanges per verdict.
    pub verdicts: IndexMap<&'static str, u64>,
    /// Documented cases exercised, in the order first met.
    pub cases: Vec<CaseTally>,
    pub violations: Vec<Group>,
}

impl Summary {
    /// Did anything differ from the docs (an answer, or a request breaking a table)?
    pub fn failed(&self) -> bool {
        self.violations.iter().any(|g| g.kind.fails())
    }
}

/// Where a difference is, what the docs say, what came back: the parts of a WARN line.
pub fn parts(difference: &Difference) -> (String, String, String) {
    let text = |v: &Value| v.to_string();
    match difference {
        Difference::StatusMismatch { expected, actual } => {
            ("status".into(), expected.to_string(), actual.to_string())
        }
        Difference::MissingHeader { name, expected } => (
            format!("header {name}"),
            format!("{expected:?}"),
            "missing".into(),
        ),
        Difference::HeaderMismatch {
            name,
            expected,
            actual,
        } => (
            format!("header {name}"),
            format!("{expected:?}"),
            format!("{actual:?}"),
        ),
        Difference::BodyMismatch { expected, actual } => {
            ("body".into(), expected.clone(), actual.clone())
        }
        Difference::MissingKey { pointer, expected } => {
            (pointer.clone(), text(expected), "missing".into())
        }
        Difference::UnexpectedKey { pointer, actual } => {
            (pointer.clone(), "absent".into(), text(actual))
        }
        Difference::TypeMismatch {
            pointer,
            expected,
            actual,
        }
        | Difference::ValueMismatch {
            pointer,
            expected,
            actual,
        } => (pointer.clone(), text(expected), text(actual)),
        Difference::LengthMismatch {
            pointer,
            expected,
            actual,
        } => (
            pointer.clone(),
            format!("{expected} elements"),
            format!("{actual} elements"),
        ),
    }
}
