//! `docmock init`: write a commented `docmock.toml` naming the docs folder found here.

use super::config::{template, FILE_NAME};
use super::Outcome;
use crate::cli::InitArgs;
use anyhow::{bail, Context};
use std::path::Path;

/// Folders docs usually live in, most specific first; `.` when the pages are right here.
const CANDIDATES: [&str; 8] = [
    "docs-source",
    "docs",
    "doc",
    "api-docs",
    "content",
    "src/pages",
    "pages",
    ".",
];

pub fn run(args: InitArgs) -> anyhow::Result<Outcome> {
    let path = Path::new(FILE_NAME);
    if path.exists() && !args.force {
        bail!("{FILE_NAME} exists already (--force replaces it)");
    }
    let docs = CANDIDATES
        .iter()
        .find(|dir| has_pages(Path::new(dir), 3))
        .copied()
        .unwrap_or("docs");
    std::fs::write(path, template(docs)).with_context(|| format!("cannot write {FILE_NAME}"))?;
    println!("wrote {FILE_NAME} (docs = \"{docs}\")");
    Ok(Outcome::Clean)
}

/// Does `dir` hold a doc page (Markdown, MDX or HTML) within `depth` folders?
fn has_pages(dir: &Path, depth: usize) -> bool {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return false;
    };
    entries.flatten().any(|entry| {
        let path = entry.path();
        let hidden = entry.file_name().to_string_lossy().starts_with('.');
        if path.is_dir() {
            depth > 0 && !hidden && entry.file_name() != "target" && has_pages(&path, depth - 1)
        } else {
            path.extension()
                .and_then(|e| e.to_str())
                .is_some_and(|e| matches!(e, "md" | "mdx" | "html" | "htm"))
        }
    })
}
