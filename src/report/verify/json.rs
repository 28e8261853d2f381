//! Verification results as one JSON document for tools: the counts, the match level and
//! every verdict (differences with their JSON pointers, documented and actual values).

use crate::verify::{MatchLevel, Summary, Verdict};
use serde::Serialize;
use std::io::{self, Write};

#[derive(Serialize)]
struct Report<'a> {
    target: &'a str,
    #[serde(rename = "match")]
    match_level: MatchLevel,
    summary: Summary,
    cases: &'a [Verdict],
}

/// Write the JSON report, pretty, with a final newline.
pub fn render(
    verdicts: &[Verdict],
    target: &str,
    match_level: MatchLevel,
    out: &mut impl Write,
) -> io::Result<()> {
    let report = Report {
        target,
        match_level,
        summary: Summary::of(verdicts),
        cases: verdicts,
    };
    serde_json::to_writer_pretty(&mut *out, &report)?;
    writeln!(out)
}
