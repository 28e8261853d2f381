//! Each kind of change between two doc sets built in code.

use super::*;
use crate::fixture::{assign_ids, Endpoint, Page, Placeholder, RequestSpec, ResponseSpec, Source};
use serde_json::json;

fn case(title: &str, status: u16, body: Value) -> Fixture {
    Fixture {
        source: Source {
            file: "p.mdx".into(),
            line: 10,
            ..Default::default()
        },
        page: "Things".into(),
        endpoint: "Get a thing".into(),
        title: title.into(),
        request: RequestSpec {
            method: "GET".into(),
            path: "/things/:id".into(),
            route: "/things/{id}".into(),
            ..Default::default()
        },
        response: ResponseSpec {
            status,
            body: Some(body),
            ..Default::default()
        },
        ..Default::default()
    }
}

fn docs(fixtures: Vec<Fixture>, params: Vec<Param>) -> DocSet {
    let mut docs = DocSet {
        pages: vec![Page {
            file: "p.mdx".into(),
            title: "Things".into(),
            endpoints: vec![Endpoint {
                method: "GET".into(),
                path: "/things/:id".into(),
                route: "/things/{id}".into(),
                heading: "Get a thing".into(),
                line: 3,
                params,
                ..Default::default()
            }],
            fixtures,
            ..Default::default()
        }],
    };
    assign_ids(&mut docs);
    docs
}

fn param(name: &str, required: bool) -> Param {
    Param {
        name: name.into(),
        ty: "string".into(),
        required,
        location: ParamLocation::Query,
        ..Default::default()
    }
}

fn described(report: &DiffReport) -> Vec<String> {
    report
        .changes
        .iter()
        .map(|c| format!("{} {}", c.class.as_str(), c.describe()))
        .collect()
}

#[test]
fn identical_docs_have_no_changes() {
    let d = docs(vec![case("Success", 200, json!({"id": 1}))], vec![]);
    let report = compare(&d, &d);
    assert!(report.changes.is_empty());
}

#[test]
fn response_fields_removed_retyped_and_added_are_classified() {
    let old = docs(
        vec![case(
            "Success",
            200,
            json!({"id": 1, "name": "a", "tags": [{"k": "x"}], "at": null}),
        )],
        vec![],
    );
    let new = docs(
        vec![case(
            "Success",
            200,
            json!({"id": "1", "tags": [{"k": "x", "v": 2}], "at": "2020", "extra": true}),
        )],
        vec![],
    );
    let report = compare(&old, &new);
    assert_eq!(
        described(&report),
        vec![
            "breaking response field `.id` changed type: number -> string",
            "breaking response field `.name` removed (was string)",
            "compatible response field `.tags[].v` added (number)",
            "compatible response field `.extra` added (boolean)",
        ]
    );
    assert_eq!((report.breaking, report.compatible), (2, 2));
    assert_eq!(
        report.changes[0].case.as_deref(),
        Some("things/get-a-thing/success")
    );
}

#[test]
fn more_elements_markers_are_not_compared_as_elements() {
    let mut old = case("Success", 200, json!([{"etc": "etc"}, {"id": 1}]));
    old.placeholders.push(Placeholder {
        pointer: "/0".into(),
        ..Default::default()
    });
    let new = case("Success", 200, json!([{"id": 2}]));
    let report = compare(&docs(vec![old], vec![]), &docs(vec![new], vec![]));
    assert!(report.changes.is_empty(), "{:?}", described(&report));
}

#[test]
fn a_field_the_new_docs_elide_is_not_a_removed_field() {
    let old = case(
        "Success",
        200,
        json!({"id": 1, "owner": {"name": "a", "email": "e"}}),
    );
    let mut new = case("Success", 200, json!({"id": 1, "owner": {"name": "a"}}));
    new.placeholders.push(Placeholder {
        pointer: "/owner".into(),
        kind: PlaceholderKind::Partial,
        ..Default::default()
    });
    let report = compare(&docs(vec![old.clone()], vec![]), &docs(vec![new], vec![]));
    assert!(report.changes.is_empty(), "{:?}", described(&report));
    let without = case("Success", 200, json!({"id": 1, "owner": {"name": "a"}}));
    let report = compare(&docs(vec![old], vec![]), &docs(vec![without], vec![]));
    assert_eq!(
        described(&report),
        ["breaking response field `.owner.email` removed (was string)"]
    );
}

#[test]
fn status_and_cases_and_headers_changes_are_reported() {
    let mut ok = case("Success", 200, json!({}));
    ok.response.headers.insert("ETag".into(), "\"1\"".into());
    let old = docs(vec![ok.clone(), case("Gone", 410, json!({}))], vec![]);
    let mut ok2 = case("Success", 201, json!({}));
    ok2.response.headers.insert("etag".into(), "\"2\"".into());
    ok2.request
        .headers
        .insert("Authorization".into(), "Bearer x".into());
    let new = docs(vec![ok2, case("Not found", 404, json!({}))], vec![]);
    assert_eq!(
        described(&compare(&old, &new)),
        vec![
            "breaking case removed (410)",
            "breaking status 200 -> 201",
            "breaking request header `Authorization: Bearer x` added",
            "breaking response header `etag` changed: `\"1\"` -> `\"2\"`",
            "compatible case added (404)",
        ]
    );
}

#[test]
fn parameters_that_become_required_are_breaking() {
    let mut unless = param("key", true);
    unless.required_unless = vec!["id".into()];
    let old = docs(
        vec![case("Success", 200, json!({}))],
        vec![
            param("a", false),
            unless.clone(),
            param("c", true),
            param("d", false),
        ],
    );
    let new = docs(
        vec![case("Success", 200, json!({}))],
        vec![
            param("a", true),
            param("key", true),
            param("c", false),
            param("e", true),
            param("f", false),
        ],
    );
    assert_eq!(
        described(&compare(&old, &new)),
        vec![
            "breaking parameter `a` (query) is now required (was optional)",
            "breaking parameter `key` (query) is now required (was required unless id given)",
            "compatible parameter `c` (query) is no longer required",
            "breaking parameter `e` (query) is now required (was not documented)",
            "compatible optional parameter `f` (query) added",
            "breaking parameter `d` (query) removed",
        ]
    );
}

#[test]
fn nested_parameters_compare_like_any_other() {
    let old = docs(
        vec![case("Success", 200, json!({}))],
        vec![
            param("address", false),
            param("address[city]", false),
            param("items[][sku]", true),
        ],
    );
    let new = docs(
        vec![case("Success", 200, json!({}))],
        vec![
            param("address", false),
            param("address[city]", true),
            param("address[zip]", false),
        ],
    );
    assert_eq!(
        described(&compare(&old, &new)),
        vec![
            "breaking parameter `address[city]` (query) is now required (was optional)",
            "compatible optional parameter `address[zip]` (query) added",
            "breaking parameter `items[][sku]` (query) removed",
        ]
    );
}

#[test]
fn enum_and_deprecation_changes_are_parameter_changes() {
    let with = |name: &str, allowed: &[&str]| Param {
        allowed: allowed.iter().map(|s| s.to_string()).collect(),
        ..param(name, false)
    };
    let old = docs(
        vec![case("Success", 200, json!({}))],
        vec![
            with("status", &["draft", "published"]),
            with("sort", &["asc"]),
            with("kind", &[]),
            param("ref", false),
        ],
    );
    let new = docs(
        vec![case("Success", 200, json!({}))],
        vec![
            with("status", &["draft"]),
            with("sort", &["asc", "desc"]),
            with("kind", &["a", "b"]),
            Param {
                deprecated: true,
                replaced_by: Some("id".into()),
                ..param("ref", false)
            },
        ],
    );
    assert_eq!(
        described(&compare(&old, &new)),
        vec![
            "breaking parameter `status` (query) allowed values changed: draft, published -> draft",
            "compatible parameter `sort` (query) allowed values changed: asc -> asc, desc",
            "breaking parameter `kind` (query) allowed values changed: any value -> a, b",
            "compatible parameter `ref` (query) is deprecated (use `id`)",
        ]
    );
}

#[test]
fn routes_added_and_removed_carry_their_cases() {
    let old = docs(vec![case("Success", 200, json!({}))], vec![]);
    let mut moved = case("Success", 200, json!({}));
    moved.request.route = "/v2/things/{id}".into();
    let mut new = docs(vec![moved], vec![]);
    new.pages[0].endpoints[0].route = "/v2/things/{id}".into();
    assign_ids(&mut new);
    let report = compare(&old, &new);
    assert_eq!(
        described(&report),
        vec![
            "breaking route removed (1 case)",
            "compatible route added (1 case)"
        ]
    );
    assert_eq!(report.changes[1].route, "/v2/things/{id}");
    let json = serde_json::to_value(&report).unwrap();
    assert_eq!(json["changes"][0]["kind"], "route_removed");
    assert_eq!(json["changes"][0]["cases"][0], "things/get-a-thing/success");
}
