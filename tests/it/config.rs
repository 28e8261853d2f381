//! `docmock.toml`: found in a parent folder, flags over environment over file, unknown keys
//! named with their line, and `docmock init`.

use crate::common::{data, docmock, transcript};

fn write_config(dir: &std::path::Path, text: &str) {
    std::fs::write(dir.join("docmock.toml"), text).unwrap();
}

#[test]
fn a_flag_beats_the_environment_which_beats_the_file_found_in_a_parent_folder() {
    let tmp = tempfile::tempdir().unwrap();
    let docs = data("data/explain");
    write_config(
        tmp.path(),
        &format!(
            "docs = {:?}\n\n[verify]\ntarget = \"http://127.0.0.1:9\"\n",
            docs.to_str().unwrap()
        ),
    );
    let below = tmp.path().join("a/b");
    std::fs::create_dir_all(&below).unwrap();
    let refused = |extra: &[&str], env: Option<&str>| {
        let mut command = docmock(&below);
        command.arg("verify").args(extra);
        if let Some(target) = env {
            command.env("DOCMOCK_TARGET", target);
        }
        let output = command.output().unwrap();
        assert_eq!(output.status.code(), Some(2), "{}", transcript(&output));
        String::from_utf8_lossy(&output.stderr).into_owned()
    };
    let target_of = |stderr: String| {
        stderr
            .split("cannot connect to the target ")
            .nth(1)
            .and_then(|rest| rest.split(':').nth(2))
            .map(|port| port.to_string())
            .unwrap_or(stderr)
    };
    assert_eq!(target_of(refused(&[], None)), "9");
    assert_eq!(target_of(refused(&[], Some("http://127.0.0.1:8"))), "8");
    assert_eq!(
        target_of(refused(
            &["--target", "http://127.0.0.1:7"],
            Some("http://127.0.0.1:8")
        )),
        "7"
    );
    // `--config` names another file.
    let other = tmp.path().join("other.toml");
    std::fs::write(&other, "[verify]\ntarget = \"http://127.0.0.1:6\"\n").unwrap();
    assert_eq!(
        target_of(refused(&["--config", other.to_str().unwrap()], None)),
        "6"
    );
}

#[test]
fn an_unknown_key_is_an_error_naming_the_key_and_its_line() {
    let tmp = tempfile::tempdir().unwrap();
    write_config(tmp.path(), "[serve]\nport = 4011\ncolour = \"red\"\n");
    let output = docmock(tmp.path()).arg("routes").output().unwrap();
    assert_eq!(output.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        stderr.contains("docmock.toml:3:1: unknown field `colour`"),
        "{stderr}"
    );
}

#[test]
fn init_writes_a_commented_config_for_the_docs_it_finds_and_keeps_an_existing_one() {
    let tmp = tempfile::tempdir().unwrap();
    std::fs::create_dir(tmp.path().join("docs")).unwrap();
    std::fs::copy(
        data("data/explain/plans.mdx"),
        tmp.path().join("docs/plans.mdx"),
    )
    .unwrap();
    let output = docmock(tmp.path()).arg("init").output().unwrap();
    assert_eq!(output.status.code(), Some(0), "{}", transcript(&output));
    let written = std::fs::read_to_string(tmp.path().join("docmock.toml")).unwrap();
    assert!(written.contains("\ndocs = \"docs\"\n"), "{written}");
    assert!(written.contains("# target = "), "{written}");
    // The docs come from the file now.
    let routes = docmock(tmp.path()).arg("routes").output().unwrap();
    let text = String::from_utf8_lossy(&routes.stdout);
    assert!(text.contains("/subscriptions"), "{}", transcript(&routes));
    let again = docmock(tmp.path()).arg("init").output().unwrap();
    assert_eq!(again.status.code(), Some(2));
}
