//! cargo-fuzz target `md_list`: [`targets::markdown_lists`], shared with the stable harness.
#![no_main]
#[path = "../../tests/it/fuzz/targets.rs"]
#[allow(dead_code)]
mod targets;

libfuzzer_sys::fuzz_target!(|text: &str| targets::markdown_lists(text));
