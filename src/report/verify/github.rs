//! Verification results as GitHub workflow annotations: an error at the doc line of each
//! difference's field (a failed case without differences at its own line), with the `curl`
//! that reproduces the case in the message; a warning for each difference reported without
//! failing; then the counts.

use super::human::describe;
use crate::report::github::{self, Annotation, Level};
use crate::verify::{CaseStatus, Summary, Verdict};
use std::io::{self, Write};

/// Write the annotations through the one GitHub writer (at most 10 per level; the rest to
/// `summary_file` when the workflow gives one), then `N passed, N failed, N skipped`.
pub fn render(
    verdicts: &[Verdict],
    out: &mut impl Write,
    summary_file: Option<&mut dyn Write>,
) -> io::Result<()> {
    let mut annotations = Vec::new();
    for verdict in verdicts {
        let place = format!("{}:{}", verdict.source.file, verdict.source.line);
        let request = format!("{} {}", verdict.method, verdict.path);
        let reproduce = verdict.curl.as_ref().map(|c| format!("\nreproduce: {c}"));
        let reproduce = reproduce.as_deref().unwrap_or("");
        if verdict.status == CaseStatus::Fail && verdict.differences.is_empty() {
            let reason = verdict.reason.as_deref().unwrap_or("failed");
            annotations.push(Annotation::at(
                Level::Error,
                Some(&place),
                &verdict.id,
                &format!("{request}\n{reason}{reproduce}"),
            ));
        }
        // One annotation per difference, at the doc line of its field when known.
        for (i, difference) in verdict.differences.iter().enumerate() {
            let place = match verdict.difference_lines.get(i) {
                Some(line) => format!("{}:{line}", verdict.source.file),
                None => place.clone(),
            };
            annotations.push(Annotation::at(
                Level::Error,
                Some(&place),
                &verdict.id,
                &format!("{request}\n{}{reproduce}", describe(difference)),
            ));
        }
        for warning in &verdict.warnings {
            annotations.push(Annotation::at(
                Level::Warning,
                Some(&place),
                &verdict.id,
                &format!("{request}\n{}", describe(warning)),
            ));
        }
    }
    github::render(&annotations, out, summary_file)?;
    let summary = Summary::of(verdicts);
    writeln!(
        out,
        "{} passed, {} failed, {} skipped",
        summary.passed, summary.failed, summary.skipped
    )
}
