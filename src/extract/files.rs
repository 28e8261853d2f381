//! The doc files extraction reads, held in memory: from a folder, from the default doc set
//! embedded in the binary, or from a git revision (read without checking it out).

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

/// The default doc set (`docs-source/`), compiled into the binary so `docmock serve` works
/// from any directory.
static DEFAULT_DOCS: include_dir::Dir<'_> =
    include_dir::include_dir!("$CARGO_MANIFEST_DIR/docs-source");

/// Files larger than this are not read as docs (a doc page or snapshot file is far smaller).
const MAX_FILE_BYTES: u64 = 16 * 1024 * 1024;

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
    pub fn from_dir(dir: &Path) -> Result<DocFiles, LoadError> {
        let meta = std::fs::metadata(dir).map_err(|source| LoadError::Read {
            path: dir.to_path_buf(),
            source,
        })?;
        if !meta.is_dir() {
            return Err(LoadError::NotAFolder {
                path: dir.to_path_buf(),
            });
        }
        let mut files = DocFiles::default();
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
                let meta = std::fs::metadata(&path).map_err(|source| LoadError::Read {
                    path: path.clone(),
                    source,
                })?;
                if meta.is_dir() {
                    stack.push(path);
                } else if meta.is_file() && meta.len() <= MAX_FILE_BYTES {
                    let bytes = std::fs::read(&path).map_err(|source| LoadError::Read {
                        path: path.clone(),
                        source,
                    })?;
                    let rel = path.strip_prefix(dir).unwrap_or(&path);
                    let rel: Vec<String> = rel
                        .components()
                        .map(|c| c.as_os_str().to_string_lossy().into_owned())
                        .collect();
                    files.insert(&rel.join("/"), bytes);
                }
            }
        }
        Ok(files)
    }

    /// The files under `path` at git revision `rev` of the repository in `repo`.
    pub fn from_git(repo: &Path, rev: &str, path: &str) -> Result<DocFiles, LoadError> {
        let git_error = |message: String| LoadError::Git {
            rev: rev.to_string(),
            path: path.to_string(),
            message,
        };
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
            files.insert(rel, bytes);
        }
        if files.files.is_empty() {
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_default_doc_set_is_embedded() {
        let files = DocFiles::embedded();
        assert_eq!(files.len(), 5);
        assert!(files.iter().all(|(p, _)| p.ends_with(".txt")));
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
        let files = DocFiles::from_git(dir, "HEAD~1", "docs").unwrap();
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
            DocFiles::from_git(dir, "HEAD", "docs/")
                .unwrap()
                .get("a.md"),
            Some(&b"changed"[..])
        );
        assert_eq!(DocFiles::from_git(dir, "HEAD", "").unwrap().len(), 3);
        assert_eq!(
            DocFiles::from_git(dir, "HEAD", "docs/a.md")
                .unwrap()
                .get("a.md"),
            Some(&b"changed"[..])
        );
        let err = DocFiles::from_git(dir, "HEAD", "nothing")
            .unwrap_err()
            .to_string();
        assert_eq!(err, "git:HEAD:nothing: no files at that revision and path");
        let err = DocFiles::from_git(dir, "nope", "docs")
            .unwrap_err()
            .to_string();
        assert!(err.starts_with("git:nope:docs: "), "{err}");
    }
}
