//! Helpers shared by the integration tests.

#![allow(dead_code)]

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

/// The repository root.
pub fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// A folder of test data under `tests/`.
pub fn data(rel: &str) -> PathBuf {
    root().join("tests").join(rel)
}

/// The built `docmock` binary with a clean environment, run from `dir`.
pub fn docmock(dir: &Path) -> Command {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_docmock"));
    cmd.env_clear()
        .env("PATH", std::env::var_os("PATH").unwrap_or_default())
        .env("NO_COLOR", "1")
        .current_dir(dir);
    cmd
}

/// stdout, stderr and exit code as one text, for snapshots.
pub fn transcript(output: &Output) -> String {
    format!(
        "exit: {}\n--- stdout\n{}--- stderr\n{}",
        output
            .status
            .code()
            .map_or("signal".to_string(), |c| c.to_string()),
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    )
}

/// A running `docmock serve --port 0 ARGS`, killed when dropped. Its stderr (the request log)
/// goes to a file the test can read.
pub struct MockServer {
    child: std::process::Child,
    /// `http://127.0.0.1:PORT`, as the server printed it.
    pub base: String,
    /// The rest of stdout (kept open: a server may still write to it).
    stdout: Option<std::io::BufReader<std::process::ChildStdout>>,
    stderr: PathBuf,
    _logs: tempfile::TempDir,
}

impl MockServer {
    /// Serve from the repository root.
    pub fn start(args: &[&str]) -> MockServer {
        MockServer::start_in(&root(), args)
    }

    /// Serve from `dir` (relative docs paths are read from there).
    pub fn start_in(dir: &Path, args: &[&str]) -> MockServer {
        MockServer::start_verb(dir, "serve", args)
    }

    /// A running `docmock proxy --port 0 ARGS` in `dir`.
    pub fn proxy_in(dir: &Path, args: &[&str]) -> MockServer {
        MockServer::start_verb(dir, "proxy", args)
    }

    fn start_verb(dir: &Path, verb: &str, args: &[&str]) -> MockServer {
        use std::io::BufRead;
        let logs = tempfile::tempdir().unwrap();
        let stderr = logs.path().join("stderr.log");
        let mut child = docmock(dir)
            .arg(verb)
            .args(["--port", "0"])
            .args(args)
            .stdout(std::process::Stdio::piped())
            .stderr(std::fs::File::create(&stderr).unwrap())
            .spawn()
            .expect("docmock serve starts");
        let mut line = String::new();
        let mut stdout = std::io::BufReader::new(child.stdout.take().unwrap());
        stdout.read_line(&mut line).unwrap();
        let base = line
            .split_whitespace()
            .find(|w| w.starts_with("http://"))
            .unwrap_or_else(|| {
                panic!(
                    "no address in {line:?}; stderr: {}",
                    std::fs::read_to_string(&stderr).unwrap_or_default()
                )
            })
            .to_string();
        assert!(
            line.starts_with("docmock serving ") || line.starts_with("docmock proxying "),
            "{line}"
        );
        MockServer {
            child,
            base,
            stdout: Some(stdout),
            stderr,
            _logs: logs,
        }
    }

    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base)
    }

    /// The server process, for signals and its exit status.
    pub fn process(&mut self) -> &mut std::process::Child {
        &mut self.child
    }

    /// Stop with SIGTERM as Ctrl-C would and wait: the exit code and the rest of stdout.
    pub fn terminate(&mut self) -> (Option<i32>, String) {
        use std::io::Read;
        let pid = self.child.id().to_string();
        let killed = Command::new("kill").args(["-TERM", &pid]).status().unwrap();
        assert!(killed.success());
        let status = self.child.wait().unwrap();
        let mut stdout = String::new();
        if let Some(mut out) = self.stdout.take() {
            let _ = out.read_to_string(&mut stdout);
        }
        (status.code(), stdout)
    }

    /// What the server logged so far.
    pub fn stderr(&self) -> String {
        std::fs::read_to_string(&self.stderr).unwrap_or_default()
    }
}

impl Drop for MockServer {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}
