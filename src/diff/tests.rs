//! Each kind of change between two doc sets built in code.

use super::*;
use crate::fixture::{
    assign_ids, Endpoint, Page, Placeholder, RequestSpec, ResponseField, ResponseSpec, Source,
};
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
        .map(|c| format!("{} {}", c.level.as_str(), c.describe()))
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
            "info response field `.tags[].v` added (number)",
            "info response field `.extra` added (boolean)",
        ]
    );
    assert_eq!((report.breaking, report.info), (2, 2));
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
            "info case added (404)",
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
            "info parameter `c` (query) is no longer required (now optional)",
            "breaking parameter `e` (query) is now required (was not documented)",
            "info optional parameter `f` (query) added",
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
            "info optional parameter `address[zip]` (query) added",
            "breaking parameter `items[][sku]` (query) removed",
        ]
    );
}

#[test]
fn request_enums_narrowed_are_breaking_widened_are_info_and_deprecation_warns() {
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
            "breaking parameter `status` (query) no longer allows `published`",
            "info parameter `sort` (query) now also allows `desc`",
            "breaking parameter `kind` (query) now only allows `a`, `b` (allowed any value)",
            "warning parameter `ref` (query) deprecated (use `id`)",
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
            "info route added (1 case)"
        ]
    );
    assert_eq!(report.changes[1].route, "/v2/things/{id}");
    let json = serde_json::to_value(&report).unwrap();
    assert_eq!(json["changes"][0]["kind"], "route_removed");
    assert_eq!(json["changes"][0]["cases"][0], "things/get-a-thing/success");
}

fn with_type(name: &str, ty: &str) -> Param {
    Param {
        ty: ty.into(),
        ..param(name, false)
    }
}

#[test]
fn types_widened_are_info_other_type_changes_default_and_condition_changes_are_reported() {
    let mut unless = param("key", true);
    unless.required_unless = vec!["id".into()];
    let old = docs(
        vec![case("Success", 200, json!({}))],
        vec![
            with_type("ids", "string"),
            with_type("n", "integer"),
            with_type("at", "integer"),
            Param {
                default: Some("25".into()),
                ..param("limit", false)
            },
            unless.clone(),
        ],
    );
    let mut other = unless;
    other.required_unless = vec!["ref".into()];
    let new = docs(
        vec![case("Success", 200, json!({}))],
        vec![
            with_type("ids", "string|array of string"),
            with_type("n", "number"),
            with_type("at", "time"),
            Param {
                default: Some("50".into()),
                ..param("limit", false)
            },
            other,
        ],
    );
    assert_eq!(
        described(&compare(&old, &new)),
        vec![
            "info parameter `ids` (query) type widened: `string` -> `string|array of string`",
            "info parameter `n` (query) type widened: `integer` -> `number`",
            "breaking parameter `at` (query) type changed: `integer` -> `time`",
            "warning parameter `limit` (query) default changed: `25` -> `50`",
            "warning parameter `key` (query) is required unless ref given (was unless id given)",
        ]
    );
}

#[test]
fn response_field_enums_added_to_warn_and_removed_from_are_info() {
    let field = |name: &str, allowed: &[&str], deprecated: bool| ResponseField {
        name: name.into(),
        ty: "string".into(),
        allowed: allowed.iter().map(|s| s.to_string()).collect(),
        deprecated,
        ..Default::default()
    };
    let with_fields = |fields: Vec<ResponseField>| {
        let mut d = docs(vec![case("Success", 200, json!({}))], vec![]);
        d.pages[0].endpoints[0].response_fields = fields;
        d
    };
    let old = with_fields(vec![
        field("state", &["a", "b"], false),
        field("kind", &["x", "y"], false),
        field("mode", &[], false),
    ]);
    let new = with_fields(vec![
        field("state", &["a", "b", "c"], false),
        field("kind", &["x"], false),
        field("mode", &[], true),
    ]);
    assert_eq!(
        described(&compare(&old, &new)),
        vec![
            "warning response field `state` now also allows `c`",
            "info response field `kind` no longer allows `y`",
            "warning response field `mode` deprecated",
        ]
    );
}

#[test]
fn cases_keep_their_identity_when_their_page_moves_or_their_heading_changes() {
    let old = docs(
        vec![
            case("Success", 200, json!({"id": 1})),
            case("Not found", 404, json!({})),
        ],
        vec![],
    );
    let mut new = docs(
        vec![
            case("It works", 200, json!({"id": 1})),
            case("Not found", 404, json!({})),
        ],
        vec![],
    );
    new.pages[0].file = "reference/things.md".into();
    new.pages[0].title = "Thing reference".into();
    for f in &mut new.pages[0].fixtures {
        f.source.file = "reference/things.md".into();
    }
    // the example of the 404 now lives in a JSON file of its own
    new.pages[0].fixtures[1].source.snapshot_file = Some("snapshots/not-found.json".into());
    assign_ids(&mut new);
    let report = compare(&old, &new);
    assert_eq!(
        described(&report),
        vec![
            "none route moved: p.mdx -> reference/things.md",
            "none page heading reworded: \"Things\" -> \"Thing reference\"",
            "none case heading reworded: \"Success\" -> \"It works\"",
            "none case moved: p.mdx -> snapshots/not-found.json",
        ]
    );
    assert_eq!((report.breaking, report.info, report.none), (0, 0, 4));
    assert_eq!(
        report.changes[0].new_source.as_deref(),
        Some("reference/things.md:3")
    );
}

#[test]
fn cases_left_over_match_by_request_signature_then_by_position_with_the_same_status() {
    let with_query = |title: &str, status: u16, query: &str| {
        let mut f = case(title, status, json!({}));
        f.request.query = vec![crate::fixture::QueryParam {
            name: query.into(),
            value: "1".into(),
        }];
        f
    };
    let old = docs(
        vec![
            with_query("By name", 200, "name"),
            case("Gone", 410, json!({})),
            case("Bad", 422, json!({})),
            case("Worse", 422, json!({})),
        ],
        vec![],
    );
    let new = docs(
        vec![
            case("Invalid", 422, json!({})),
            with_query("Filtered by name", 200, "name"),
            case("Removed", 404, json!({})),
            case("Very invalid", 422, json!({})),
        ],
        vec![],
    );
    assert_eq!(
        described(&compare(&old, &new)),
        vec![
            "breaking case removed (410)",
            "none case heading reworded: \"Bad\" -> \"Invalid\"",
            "none case heading reworded: \"By name\" -> \"Filtered by name\"",
            "info case added (404)",
            "none case heading reworded: \"Worse\" -> \"Very invalid\"",
        ]
    );
}

#[test]
fn a_renamed_route_parameter_is_the_same_route_and_the_same_parameter() {
    let mut id = param("id", true);
    id.location = ParamLocation::Path;
    let old = docs(vec![case("Success", 200, json!({}))], vec![id.clone()]);
    let mut renamed = case("Success", 200, json!({}));
    renamed.request.route = "/things/{thing_id}".into();
    let mut new = docs(
        vec![renamed],
        vec![Param {
            name: "thing_id".into(),
            ..id
        }],
    );
    new.pages[0].endpoints[0].route = "/things/{thing_id}".into();
    assign_ids(&mut new);
    let report = compare(&old, &new);
    assert_eq!(
        described(&report),
        vec!["none route parameter renamed (was `/things/{id}`)"]
    );
    assert_eq!(report.changes[0].route, "/things/{thing_id}");
}

#[test]
fn removing_what_was_deprecated_before_is_info() {
    let mut old = docs(
        vec![
            case("Success", 200, json!({})),
            Fixture {
                deprecated: true,
                ..case("Legacy (deprecated)", 200, json!({"old": true}))
            },
        ],
        vec![Param {
            deprecated: true,
            ..param("ref", false)
        }],
    );
    old.pages[0].endpoints[0].heading = "Get a thing".into();
    let new = docs(vec![case("Success", 200, json!({}))], vec![]);
    assert_eq!(
        described(&compare(&old, &new)),
        vec![
            "info parameter `ref` (query) removed (deprecated before)",
            "info case removed (200, deprecated before)",
        ]
    );
    // a whole route marked deprecated by its docs, then removed
    let mut deprecated = old.clone();
    deprecated.pages[0].endpoints[0].deprecated = true;
    deprecated.pages[0].endpoints[0].replaced_by = Some("GET /v2/things/{id}".into());
    let report = compare(&old, &deprecated);
    assert_eq!(
        described(&report),
        vec!["warning route deprecated (use `GET /v2/things/{id}`)"]
    );
    let empty = DocSet::default();
    assert_eq!(
        described(&compare(&deprecated, &empty)),
        vec!["info route removed (2 cases, deprecated before)"]
    );
}

#[test]
fn severity_changes_a_level_and_ignores_move_changes_out_of_the_counts() {
    let old = docs(vec![case("Success", 200, json!({"a": 1}))], vec![]);
    let new = docs(vec![case("Success", 201, json!({"b": 1}))], vec![]);
    let ignores = Ignore::parse(
        "DF005 GET /things/{thing} 201 is right\nDF001 GET /gone was removed long ago\n",
        "ignore.txt",
    )
    .unwrap();
    let policy = Policy {
        levels: vec![(Rule::ResponseFieldRemoved, Level::Warning)],
        ignores,
    };
    let report = compare(&old, &new).judged(&policy);
    assert_eq!(
        described(&report),
        vec![
            "warning response field `.a` removed (was number)",
            "info response field `.b` added (number)",
        ]
    );
    assert_eq!((report.breaking, report.warning, report.info), (0, 1, 1));
    assert_eq!(report.ignored.len(), 1);
    assert_eq!(report.ignored[0].change.describe(), "status 200 -> 201");
    assert_eq!(report.ignored[0].reason, "201 is right");
    assert_eq!(report.ignored[0].ignored_at, "ignore.txt:1");
    assert_eq!(report.unused_ignores.len(), 1);
    assert_eq!(report.unused_ignores[0].route, "/gone");
}

#[test]
fn a_case_newly_deprecated_is_reported_unless_its_route_is() {
    let old = docs(vec![case("Legacy", 200, json!({"old": true}))], vec![]);
    let mut new = old.clone();
    new.pages[0].fixtures[0].deprecated = true;
    new.pages[0].fixtures[0].replaced_by = Some("GET /v2/things/{id}".into());
    assert_eq!(
        described(&compare(&old, &new)),
        vec!["warning case deprecated (use `GET /v2/things/{id}`)"]
    );
    // the heading's wording alone no longer counts: the model says what the docs say
    let mut reworded = old.clone();
    reworded.pages[0].fixtures[0].title = "Legacy (no longer deprecated)".into();
    assert_eq!(
        described(&compare(&old, &reworded)),
        vec!["none case heading reworded: \"Legacy\" -> \"Legacy (no longer deprecated)\""]
    );
    // a route deprecated with its cases is one change, at the route
    new.pages[0].endpoints[0].deprecated = true;
    assert_eq!(
        described(&compare(&old, &new)),
        vec!["warning route deprecated"]
    );
    // a route only examples document is deprecated when every example is
    let mut undeclared_old = old.clone();
    undeclared_old.pages[0].endpoints.clear();
    let mut undeclared_new = new.clone();
    undeclared_new.pages[0].endpoints.clear();
    assert_eq!(
        described(&compare(&undeclared_old, &undeclared_new)),
        vec!["warning route deprecated (use `GET /v2/things/{id}`)"]
    );
}
