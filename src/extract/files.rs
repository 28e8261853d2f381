//! The doc files extraction reads, held in memory: from a folder, from the default doc set
//! embedded in the binary, or from a git revision (read without checking it out).

use super::ExtractError;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

/// The default doc set (`docs-source/`), compiled into the binary so `docmock serve` works
/// from any directory.
static DEFAULT_DOCS: include_dir::Dir<'_> =
    include_dir::include_dir!("$CARGO_MANIFEST_DIR/docs-source");

/// Files larger than this are not read unless `--max-page-bytes` says otherwise (a doc page
/// or snapshot file is far smaller).
pub const MAX_FILE_BYTES: u64 = 16 * 1024 * 1024;

/// Why a doc set could not be read at all.
#[derive(Debug, thiserror::Error)]
pub enum LoadError {
    #[error("cannot read {path}")]
    Read {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error("{path}: expected a folder of doc pages")]
    NotAFolder { path: PathBuf },
    #[error("git:{rev}:{path}: {message}")]
    Git {
        rev: String,
        path: String,
        message: String,
    },
}

/// Doc files by path relative to the docs root (`/`-separated), in path order.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct DocFiles {
    files: BTreeMap<String, Vec<u8>>,
    /// Files left unread because of a limit.
    errors: Vec<ExtractError>,
    /// Links left unfollowed.
    warnings: Vec<ExtractError>,
}

/// The whole file, or `None` when it holds more than `max` bytes (read no further).
pub(crate) fn read_at_most(path: &Path, max: u64) -> std::io::Result<Option<Vec<u8>>> {
    use std::io::Read;
    let mut bytes = Vec::new();
    std::fs::File::open(path)?
        .take(max.saturating_add(1))
        .read_to_end(&mut bytes)?;
    Ok((bytes.len() as u64 <= max).then_some(bytes))
}

impl DocFiles {
    /// The default doc set embedded in the binary.
    pub fn embedded() -> DocFiles {
        let mut files = DocFiles::default();
        fn walk(dir: &include_dir::Dir<'_>, out: &mut DocFiles) {
            for file in dir.files() {
                out.insert(&file.path().to_string_lossy(), file.contents().to_vec());
            }
            for sub in dir.dirs() {
                walk(sub, out);
            }
        }
        walk(&DEFAULT_DOCS, &mut files);
        files
    }

    /// Every file under `dir`, recursively; hidden files and folders are skipped.
    ///
    /// Nothing outside `dir` is read: a symbolic link leaving it is not followed, and a link
    /// back into a folder already read (a loop) is skipped, each with a warning naming the
    /// link. A file over `max_file_bytes` is not read: an error naming it and the limit.
    pub fn from_dir(dir: &Path, max_file_bytes: u64) -> Result<DocFiles, LoadError> {
        let meta = std::fs::metadata(dir).map_err(|source| LoadError::Read {
            path: dir.to_path_buf(),
            source,
        })?;
        if !meta.is_dir() {
            return Err(LoadError::NotAFolder {
                path: dir.to_path_buf(),
            });
        }
        let root = std::fs::canonicalize(dir).map_err(|source| LoadError::Read {
            path: dir.to_path_buf(),
            source,
        })?;
        let rel_of = |path: &Path| -> String {
            let rel = path.strip_prefix(dir).unwrap_or(path);
            rel.components()
                .map(|c| c.as_os_str().to_string_lossy().into_owned())
                .collect::<Vec<_>>()
                .join("/")
        };
        let mut files = DocFiles::default();
        let mut visited = std::collections::HashSet::from([root.clone()]);
        let mut stack = vec![dir.to_path_buf()];
        while let Some(folder) = stack.pop() {
            let entries = std::fs::read_dir(&folder).map_err(|source| LoadError::Read {
                path: folder.clone(),
                source,
            })?;
            for entry in entries {
                let entry = entry.map_err(|source| LoadError::Read {
                    path: folder.clone(),
                    source,
                })?;
                let path = entry.path();
                if entry.file_name().to_string_lossy().starts_with('.') {
                    continue;
                }
                let link = entry.file_type().is_ok_and(|t| t.is_symlink());
                if link {
                    match std::fs::canonicalize(&path) {
                        Err(err) => {
                            files.warn(
                                &rel_of(&path),
                                format!("a link that cannot be followed ({err}): skipped"),
                            );
                            continue;
                        }
                        Ok(target) if !target.starts_with(&root) => {
                            files.warn(
                                &rel_of(&path),
                                "a link to outside the docs folder: not followed",
                            );
                            continue;
                        }
                        Ok(_) => {}
                    }
                }
                let meta = std::fs::metadata(&path).map_err(|source| LoadError::Read {
                    path: path.clone(),
                    source,
                })?;
                if meta.is_dir() {
                    let canonical =
                        std::fs::canonicalize(&path).map_err(|source| LoadError::Read {
                            path: path.clone(),
                            source,
                        })?;
                    if visited.insert(canonical) {
                        stack.push(path);
                    } else {
                        files.warn(
                            &rel_of(&path),
                            "a link to a folder already read (a link loop): skipped",
                        );
                    }
                } else if meta.is_file() {
                    let rel = rel_of(&path);
                    if meta.len() > max_file_bytes {
                        files.too_big(&rel, max_file_bytes);
                        continue;
                    }
                    let bytes =
                        read_at_most(&path, max_file_bytes).map_err(|source| LoadError::Read {
                            path: path.clone(),
                            source,
                        })?;
                    match bytes {
                        Some(bytes) => files.insert(&rel, bytes),
                        // it grew while we read it
                        None => files.too_big(&rel, max_file_bytes),
                    }
                }
            }
        }
        Ok(files)
    }

    fn warn(&mut self, path: &str, message: impl Into<String>) {
        self.warnings.push(ExtractError::new(path, 1, 1, message));
    }

    fn too_big(&mut self, path: &str, limit: u64) {
        self.errors.push(ExtractError::new(
            path,
            1,
            1,
            format!("larger than {limit} bytes (raise the limit with --max-page-bytes): skipped"),
        ));
    }

    /// Files that were not read, and why (too big): extraction reports them as errors.
    pub fn errors(&self) -> &[ExtractError] {
        &self.errors
    }

    /// Links that were not followed: extraction reports them as warnings.
    pub fn warnings(&self) -> &[ExtractError] {
        &self.warnings
    }

    /// The files under `path` at git revision `rev` of the repository in `repo`.
    pub fn from_git(
        repo: &Path,
        rev: &str,
        path: &str,
        max_file_bytes: u64,
    ) -> Result<DocFiles, LoadError> {
        let git_error = |message: String| LoadError::Git {
            rev: rev.to_string(),
            path: path.to_string(),
            message,
        };
        // A revision starting with `-` would reach git as an option (`--output=...`).
        if rev.starts_with('-') || rev.is_empty() {
            return Err(git_error(
                "a revision cannot be empty or start with `-`".to_string(),
            ));
        }
        let git = |args: &[&str]| -> Result<Vec<u8>, LoadError> {
            let out = std::process::Command::new("git")
                .arg("-C")
                .arg(repo)
                .args(args)
                .output()
                .map_err(|e| git_error(format!("cannot run git: {e}")))?;
            if !out.status.success() {
                return Err(git_error(
                    String::from_utf8_lossy(&out.stderr).trim().to_string(),
                ));
            }
            Ok(out.stdout)
        };
        let prefix = path.trim_matches('/');
        // an empty pathspec is an error to git; `.` with --full-tree is the whole tree
        let pathspec = if prefix.is_empty() || prefix == "." {
            "."
        } else {
            prefix
        };
        let listing = git(&["ls-tree", "-r", "-z", "--full-tree", rev, "--", pathspec])?;
        let mut files = DocFiles::default();
        for entry in listing.split(|b| *b == 0).filter(|n| !n.is_empty()) {
            // `<mode> <type> <object>\t<path>`; submodules (commits) hold no doc files
            let entry = String::from_utf8_lossy(entry).into_owned();
            let Some((meta, name)) = entry.split_once('\t') else {
                continue;
            };
            if meta.split(' ').nth(1) != Some("blob") {
                continue;
            }
            let bytes = git(&["show", &format!("{rev}:{name}")])?;
            let rel = if pathspec == "." {
                name
            } else {
                name.strip_prefix(prefix)
                    .unwrap_or(name)
                    .trim_start_matches('/')
            };
            // a PATH naming one file: keep its name
            let rel = if rel.is_empty() {
                name.rsplit('/').next().unwrap_or(name)
            } else {
                rel
            };
            if bytes.len() as u64 > max_file_bytes {
                files.too_big(rel, max_file_bytes);
            } else {
                files.insert(rel, bytes);
            }
        }
        if files.files.is_empty() && files.errors.is_empty() {
            return Err(git_error("no files at that revision and path".to_string()));
        }
        Ok(files)
    }

    pub fn insert(&mut self, path: &str, bytes: Vec<u8>) {
        self.files.insert(path.replace('\\', "/"), bytes);
    }

    pub fn get(&self, path: &str) -> Option<&[u8]> {
        self.files.get(path).map(Vec::as_slice)
    }

    pub fn iter(&self) -> impl Iterator<Item = (&str, &[u8])> {
        self.files.iter().map(|(k, v)| (k.as_str(), v.as_slice()))
    }

    pub fn len(&self) -> usize {
        self.files.len()
    }

    pub fn is_empty(&self) -> bool {
        self.files.is_empty()
    }
}

/// Join `reference` (`./x/y.json`, `../a`, `x/y`) onto the folder `base` (relative to the docs
/// root) and normalize it. `None` when the result would leave the docs root: such references
/// are errors and never read.
///
/// ```
/// use docmock::extract::files::resolve_within_root;
/// assert_eq!(resolve_within_root("docs/api", "../snapshots/a.json").as_deref(), Some("docs/snapshots/a.json"));
/// assert_eq!(resolve_within_root("", "../etc/passwd"), None);
/// ```
pub fn resolve_within_root(base: &str, reference: &str) -> Option<String> {
    let mut parts: Vec<&str> = Vec::new();
    let joined = if reference.starts_with('/') {
        reference.to_string()
    } else {
        format!("{base}/{reference}")
    };
    for part in joined.split(['/', '\\']) {
        match part {
            "" | "." => {}
            ".." => {
                parts.pop()?;
            }
            p => parts.push(p),
        }
    }
    Some(parts.join("/"))
}

/// Whether `path` names a place inside the docs root as it is written: relative, with no
/// `..` and no drive prefix. Paths read from loaded fixture files
/// are checked with it before docmock writes there.
///
/// ```
/// use docmock::extract::files::is_inside_root;
/// assert!(is_inside_root("snapshots/a.json"));
/// assert!(!is_inside_root("../victim.json"));
/// assert!(!is_inside_root("/etc/passwd"));
/// ```
pub fn is_inside_root(path: &str) -> bool {
    !path.is_empty()
        && !path.starts_with(['/', '\\'])
        // a Windows drive (`C:x`) is not relative either
        && path.as_bytes().get(1) != Some(&b':')
        && !path.split(['/', '\\']).any(|part| part == "..")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_default_doc_set_is_embedded() {
        let files = DocFiles::embedded();
        assert_eq!(files.len(), 5);
        assert!(files.iter().all(|(p, _)| p.ends_with(".txt")));
    }

    #[cfg(unix)]
    #[test]
    fn links_out_of_the_docs_folder_and_link_loops_are_skipped_with_a_warning() {
        let outside = tempfile::tempdir().unwrap();
        std::fs::write(outside.path().join("secret.json"), "{}").unwrap();
        let docs = tempfile::tempdir().unwrap();
        let root = docs.path();
        std::fs::create_dir_all(root.join("snapshots")).unwrap();
        std::fs::write(root.join("snapshots/ok.json"), "[]").unwrap();
        let link = |target: &Path, at: PathBuf| std::os::unix::fs::symlink(target, at);
        link(
            &outside.path().join("secret.json"),
            root.join("snapshots/leak.json"),
        )
        .unwrap();
        link(outside.path(), root.join("etc")).unwrap();
        link(root, root.join("snapshots/loop")).unwrap();
        link(&root.join("snapshots/ok.json"), root.join("inside.json")).unwrap();
        link(&root.join("missing"), root.join("dangling.md")).unwrap();
        let files = DocFiles::from_dir(root, MAX_FILE_BYTES).unwrap();
        let read: Vec<_> = files.iter().map(|(p, _)| p).collect();
        assert_eq!(read, ["inside.json", "snapshots/ok.json"]);
        let mut warnings: Vec<_> = files.warnings().iter().map(|w| w.to_string()).collect();
        warnings.sort();
        assert_eq!(warnings.len(), 4, "{warnings:?}");
        assert!(warnings[0].starts_with("dangling.md:1:1: a link that cannot be followed"));
        assert_eq!(
            warnings[1],
            "etc:1:1: a link to outside the docs folder: not followed"
        );
        assert_eq!(
            warnings[2],
            "snapshots/leak.json:1:1: a link to outside the docs folder: not followed"
        );
        assert_eq!(
            warnings[3],
            "snapshots/loop:1:1: a link to a folder already read (a link loop): skipped"
        );
        assert!(files.errors().is_empty());
    }

    #[test]
    fn a_file_over_the_limit_is_an_error_naming_it_and_the_limit() {
        let docs = tempfile::tempdir().unwrap();
        std::fs::write(docs.path().join("big.md"), "x".repeat(101)).unwrap();
        std::fs::write(docs.path().join("small.md"), "x".repeat(100)).unwrap();
        let files = DocFiles::from_dir(docs.path(), 100).unwrap();
        assert_eq!(
            files.iter().map(|(p, _)| p).collect::<Vec<_>>(),
            ["small.md"]
        );
        let errors: Vec<_> = files.errors().iter().map(|e| e.to_string()).collect();
        assert_eq!(
            errors,
            ["big.md:1:1: larger than 100 bytes (raise the limit with --max-page-bytes): skipped"]
        );
    }

    fn git(dir: &Path, args: &[&str]) {
        let status = std::process::Command::new("git")
            .arg("-C")
            .arg(dir)
            .args(["-c", "user.name=t", "-c", "user.email=t@example.com"])
            .args(args)
            .output()
            .expect("git runs");
        assert!(status.status.success(), "git {args:?}: {status:?}");
    }

    #[test]
    fn a_git_revision_is_read_without_checking_it_out() {
        let repo = tempfile::tempdir().unwrap();
        let dir = repo.path();
        git(dir, &["init", "-q"]);
        std::fs::create_dir_all(dir.join("docs/sub")).unwrap();
        std::fs::create_dir_all(dir.join("docs-old")).unwrap();
        std::fs::write(dir.join("docs/a.md"), "one").unwrap();
        std::fs::write(dir.join("docs/sub/b.md"), "two").unwrap();
        std::fs::write(dir.join("docs-old/c.md"), "three").unwrap();
        git(dir, &["add", "-A"]);
        git(dir, &["commit", "-qm", "first"]);
        std::fs::write(dir.join("docs/a.md"), "changed").unwrap();
        git(dir, &["commit", "-qam", "second"]);
        let files = DocFiles::from_git(dir, "HEAD~1", "docs", MAX_FILE_BYTES).unwrap();
        let listed: Vec<_> = files
            .iter()
            .map(|(p, b)| (p.to_string(), b.to_vec()))
            .collect();
        assert_eq!(
            listed,
            vec![
                ("a.md".to_string(), b"one".to_vec()),
                ("sub/b.md".to_string(), b"two".to_vec())
            ]
        );
        assert_eq!(
            DocFiles::from_git(dir, "HEAD", "docs/", MAX_FILE_BYTES)
                .unwrap()
                .get("a.md"),
            Some(&b"changed"[..])
        );
        assert_eq!(
            DocFiles::from_git(dir, "HEAD", "", MAX_FILE_BYTES)
                .unwrap()
                .len(),
            3
        );
        assert_eq!(
            DocFiles::from_git(dir, "HEAD", "docs/a.md", MAX_FILE_BYTES)
                .unwrap()
                .get("a.md"),
            Some(&b"changed"[..])
        );
        let err = DocFiles::from_git(dir, "HEAD", "nothing", MAX_FILE_BYTES)
            .unwrap_err()
            .to_string();
        assert_eq!(err, "git:HEAD:nothing: no files at that revision and path");
        let err = DocFiles::from_git(dir, "--output=x", "docs", MAX_FILE_BYTES)
            .unwrap_err()
            .to_string();
        assert_eq!(
            err,
            "git:--output=x:docs: a revision cannot be empty or start with `-`"
        );
        assert!(!dir.join("x").exists());
        let err = DocFiles::from_git(dir, "nope", "docs", MAX_FILE_BYTES)
            .unwrap_err()
            .to_string();
        assert!(err.starts_with("git:nope:docs: "), "{err}");
    }
}
