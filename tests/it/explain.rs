//! `docmock explain` (the stub's decision for one request, offline), the near misses in the
//! request journal, and shell completions.

use crate::common::{data, docmock, root, send, transcript, Stub};
use serde_json::{json, Value};

fn explain(args: &[&str]) -> String {
    let output = docmock(&root())
        .args(["explain"])
        .args(args)
        .arg(data("data/explain"))
        .output()
        .unwrap();
    transcript(&output)
}

#[test]
fn explain_names_the_route_the_case_and_the_reason_with_near_misses_for_a_fallback() {
    let body_missing_a_key = r#"{"plan": "gold", "seats": 3}"#;
    let sold_out = r#"{"plan": "gold", "seats": 3, "coupon": "X"}"#;
    let runs: [&[&str]; 6] = [
        &["POST", "/subscriptions", "--body", body_missing_a_key],
        &["POST", "/subscriptions", "--body", sold_out],
        &["GET", "/subscriptions/8"],
        &["GET", "/subscriptions/7", "-H", "Prefer: code=404"],
        &["GET", "/subscriptionz/7"],
        &["DELETE", "/subscriptions"],
    ];
    let text: Vec<String> = runs.iter().map(|args| explain(args)).collect();
    insta::assert_snapshot!(text.join("\n"));
}

#[test]
fn explain_json_carries_the_same_decision() {
    let output = docmock(&root())
        .args(["explain", "POST", "/subscriptions", "--format", "json"])
        .args(["--body", r#"{"plan": "gold", "seats": 3}"#])
        .arg(data("data/explain"))
        .output()
        .unwrap();
    let explanation: Value = serde_json::from_slice(&output.stdout).unwrap();
    assert_eq!(
        explanation["fixture"],
        "subscriptions/start-a-subscription/success"
    );
    assert_eq!(
        explanation["reason"],
        "success; near-miss=subscriptions/start-a-subscription/when-the-plan-is-sold-out"
    );
    assert_eq!(
        explanation["near_misses"][1],
        json!({"case": "subscriptions/start-a-subscription/when-the-plan-is-sold-out", "differences": ["/body/coupon"]})
    );
}

#[tokio::test]
async fn the_journal_lists_the_cases_a_request_came_close_to_and_where_it_differed() {
    let stub = Stub::from_dir(data("data/explain"));
    // The sold-out case's body without its `coupon`: the success case answers.
    let answer = send(
        stub.post("/subscriptions")
            .header("content-type", "application/json")
            .body(r#"{"plan": "gold", "seats": 3}"#),
    )
    .await;
    assert_eq!(answer.status.as_u16(), 201);
    // A request a case matches has no near misses.
    send(
        stub.post("/subscriptions")
            .header("content-type", "application/json")
            .body(r#"{"plan": "basic", "seats": 1}"#),
    )
    .await;
    let journal = send(stub.get("/__docmock/requests")).await.json();
    let requests = journal["requests"].as_array().unwrap();
    assert_eq!(requests[0]["reason"], "success");
    assert_eq!(
        requests[0]["near_misses"],
        json!([
            {"case": "subscriptions/start-a-subscription/success", "differences": ["/body/plan", "/body/seats"]},
            {"case": "subscriptions/start-a-subscription/when-the-plan-is-sold-out", "differences": ["/body/coupon"]}
        ])
    );
    assert_eq!(requests[1]["reason"], "request-match");
    assert!(requests[1].get("near_misses").is_none(), "{journal}");
}

#[test]
fn completions_are_printed_for_each_shell() {
    for shell in ["bash", "zsh", "fish", "powershell"] {
        let output = docmock(&root())
            .args(["completions", shell])
            .output()
            .unwrap();
        assert_eq!(output.status.code(), Some(0), "{shell}");
        let script = String::from_utf8_lossy(&output.stdout);
        assert!(script.contains("docmock"), "{shell}: {script}");
        assert!(script.contains("explain"), "{shell}: {script}");
    }
    let output = docmock(&root())
        .args(["completions", "tcsh"])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(2));
}
