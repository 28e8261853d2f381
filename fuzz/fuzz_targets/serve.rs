//! cargo-fuzz target `serve`: [`targets::serve_request`], shared with the stable harness.
#![no_main]
#[path = "../../tests/it/fuzz/targets.rs"]
#[allow(dead_code)]
mod targets;

libfuzzer_sys::fuzz_target!(|data: &[u8]| targets::serve_request(data));
