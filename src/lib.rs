//! docmock turns API documentation into a working mock server and a contract test.
//!
//! The pipeline: doc files are read by [`extract`] (one module per doc format) into the
//! [`fixture`] model — pages, endpoint declarations and documented request/response examples.
//! [`serve`] answers HTTP requests from the fixtures (and explains an answer offline,
//! [`serve::explain`]), [`verify`] sends them to a real
//! implementation and compares, [`lint`] finds docs that contradict themselves and [`diff`]
//! compares two versions of the docs; [`proxy`] sits between a client and the real
//! implementation, checks each real exchange against the docs (serve's case selection,
//! verify's comparison) and records what they do not cover; [`export`] writes them as an
//! OpenAPI 3.1 document with schemas inferred from every example; [`report`] renders their
//! results for people and CI.
//! [`testing`] runs the stub inside a Rust test ([`MockServer`]) and checks what it was asked.
//! Dependencies point one way: extract → fixture ← serve/verify/lint/diff/export → report;
//! proxy uses serve and verify.

pub mod diff;
pub mod export;
pub mod extract;
pub mod fixture;
pub mod lint;
pub mod proxy;
pub mod report;
pub mod serve;
pub mod testing;
pub mod verify;

pub use testing::{Docs, Expect, MockServer, MockServerBuilder, Unmet};
