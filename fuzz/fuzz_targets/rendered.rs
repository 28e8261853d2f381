//! cargo-fuzz target `rendered`: [`targets::rendered_page`], shared with the stable harness.
#![no_main]
#[path = "../../tests/it/fuzz/targets.rs"]
#[allow(dead_code)]
mod targets;

libfuzzer_sys::fuzz_target!(|text: &str| targets::rendered_page(text));
