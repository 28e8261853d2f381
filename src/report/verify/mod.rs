//! `docmock verify` output: a line per case for people, JSON, JUnit XML and GitHub
//! annotations for CI.

pub mod github;
pub mod human;
pub mod json;
pub mod junit;
