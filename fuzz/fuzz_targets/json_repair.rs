//! cargo-fuzz target `json_repair`: [`targets::json_repair`], shared with the stable harness.
#![no_main]
#[path = "../../tests/it/fuzz/targets.rs"]
#[allow(dead_code)]
mod targets;

libfuzzer_sys::fuzz_target!(|text: &str| targets::json_repair(text));
