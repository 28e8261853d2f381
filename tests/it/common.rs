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
