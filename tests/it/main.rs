//! The integration tests: one binary, one module per pipeline stage, helpers in `common`.

mod cli;
mod common;
mod config;
mod diff;
mod explain;
mod export;
mod extract_fenced;
mod extract_mdx;
mod extract_prose;
mod extract_rendered;
mod extract_routes;
mod fuzz;
mod hardening;
mod lint;
mod proxy;
mod serve;
mod testing;
mod verify;
