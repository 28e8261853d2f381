//! The stub and the verifier agree: `docmock verify` against `docmock serve` of the same docs
//! passes every case, at every match level.

use crate::common::{self, MockServer};
use docmock::extract::{DocsLocation, Options};
use docmock::fixture::RouteTemplate;
use serde_json::Value;
use std::collections::BTreeSet;

#[test]
fn verify_passes_every_case_of_the_default_docs_against_serve() {
    let docs = docmock::extract::load(&DocsLocation::parse(None), &Options::default())
        .expect("default docs")
        .docs;
    let expected: BTreeSet<String> = docs.servable().map(|f| f.id.clone()).collect();
    // Cases without concrete path values need one: give every route parameter a value.
    let params: BTreeSet<String> = docs
        .servable()
        .flat_map(|f| {
            RouteTemplate::parse(&f.request.route)
                .param_names()
                .map(str::to_string)
                .collect::<Vec<_>>()
        })
        .collect();
    assert!(params.contains("dossier_id"), "{params:?}");

    let server = MockServer::start(&[]);
    let reports = tempfile::tempdir().unwrap();
    for level in ["shape", "values", "exact"] {
        let report = reports.path().join(format!("{level}.json"));
        let mut verify = common::docmock(&common::root());
        verify
            .args(["verify", "--target", &server.base, "--match", level])
            // The stub's way of choosing a case, as a provider state would arrange it.
            .args(["--header", "Prefer: example=${DOCMOCK_FIXTURE_ID}"])
            .args(["--report", &format!("json={}", report.display())]);
        for name in &params {
            verify.args(["--var", &format!("{name}=7")]);
        }
        let output = verify.output().unwrap();
        let transcript = common::transcript(&output);
        assert_eq!(output.status.code(), Some(0), "{level}: {transcript}");

        let report: Value = serde_json::from_slice(&std::fs::read(&report).unwrap()).unwrap();
        let cases = report["cases"].as_array().unwrap();
        let passed: BTreeSet<String> = cases
            .iter()
            .filter(|c| c["status"] == "pass")
            .map(|c| c["id"].as_str().unwrap().to_string())
            .collect();
        assert_eq!(passed, expected, "{level}: {transcript}");
        assert_eq!(cases.len(), expected.len(), "{level}: {transcript}");
        assert!(
            transcript.contains(&format!("{} passed, 0 failed, 0 skipped", expected.len())),
            "{level}: {transcript}"
        );
    }
}

#[test]
fn without_a_choice_the_stub_still_agrees_on_every_case_it_can_tell_apart_by_request() {
    // No Prefer header and no vars: the cases whose documented request has concrete values
    // run, and the stub finds each of them by its documented request alone.
    let server = MockServer::start(&[]);
    let output = common::docmock(&common::root())
        .args(["verify", "--target", &server.base, "--only", "responses/*"])
        .output()
        .unwrap();
    let transcript = common::transcript(&output);
    assert_eq!(output.status.code(), Some(0), "{transcript}");
    assert!(
        transcript.contains("PASS responses/list-all-responses-for-dossier/response"),
        "{transcript}"
    );
}
