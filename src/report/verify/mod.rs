//! `docmock verify` output: a line per case for people, JSON and JUnit XML for CI.

pub mod human;
pub mod json;
pub mod junit;
