//! The fixture format on disk: JSON lines, one JSON document, or one pretty file per page.

use crate::fixture::{DocSet, Page};
use std::io::{self, Write};
use std::path::{Path, PathBuf};

/// One fixture per line, in document order.
pub fn write_jsonl(docs: &DocSet, out: &mut impl Write) -> io::Result<()> {
    for fixture in docs.fixtures() {
        serde_json::to_writer(&mut *out, fixture)?;
        out.write_all(b"\n")?;
    }
    Ok(())
}

/// The whole doc set as one pretty JSON document.
pub fn write_json(docs: &DocSet, out: &mut impl Write) -> io::Result<()> {
    serde_json::to_writer_pretty(&mut *out, docs)?;
    out.write_all(b"\n")
}

/// The pretty JSON of one page's fixture file.
pub fn page_json(page: &Page) -> String {
    let mut text = serde_json::to_string_pretty(page).expect("fixtures always serialize");
    text.push('\n');
    text
}

/// Where a page's fixture file goes inside `dir`: the page path plus `.json`.
pub fn page_file(dir: &Path, page: &Page) -> PathBuf {
    dir.join(format!("{}.json", page.file))
}

/// Write one pretty JSON file per page into `dir`, and remove fixture files of pages that no
/// longer exist (other files are left alone).
pub fn write_dir(docs: &DocSet, dir: &Path) -> io::Result<()> {
    std::fs::create_dir_all(dir)?;
    let mut written = std::collections::HashSet::new();
    for page in &docs.pages {
        if !crate::extract::files::is_inside_root(&page.file) {
            return Err(io::Error::new(
                io::ErrorKind::InvalidInput,
                format!(
                    "page `{}` is not a path inside the folder: not written",
                    page.file
                ),
            ));
        }
        let path = page_file(dir, page);
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent)?;
        }
        std::fs::write(&path, page_json(page))?;
        written.insert(path);
    }
    remove_stale(dir, &written)
}

fn remove_stale(dir: &Path, keep: &std::collections::HashSet<PathBuf>) -> io::Result<()> {
    for entry in std::fs::read_dir(dir)? {
        let entry = entry?;
        let path = entry.path();
        // never through a link: it may lead out of `dir` or back into it
        if entry.file_type()?.is_symlink() {
            continue;
        }
        if path.is_dir() {
            remove_stale(&path, keep)?;
        } else if path.extension().is_some_and(|e| e == "json") && !keep.contains(&path) {
            let is_fixture_file = std::fs::read(&path)
                .ok()
                .and_then(|b| serde_json::from_slice::<Page>(&b).ok())
                .is_some();
            if is_fixture_file {
                std::fs::remove_file(&path)?;
            }
        }
    }
    Ok(())
}
