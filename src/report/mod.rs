//! Renderers: each takes data built by an earlier stage and writes it to any `impl Write`, so
//! every output format is testable as text.

pub mod diff;
pub mod fixtures;
pub mod lint;
pub mod routes;
pub mod verify;
