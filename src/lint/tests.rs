//! Each rule against a doc set built in code, beside the page text it points into.

use super::*;
use crate::extract::ExtractError;
use crate::fixture::{
    assign_ids, DocSet, Endpoint, Fixture, Page, Param, ParamLocation, QueryParam, Reconstruction,
    RequestSpec, ResponseSpec, Source,
};
use serde_json::json;

const PAGE: &str = "\
## Start a fill out session

    POST /api/v1/dossiers/:dossier_id/fill_out_sessions

Name | Type | Description
-----|------|------------
`dossier_id` | `string` | **Required**. The patient.
`return_to` | `string` | **Required**. Where to go afterwards.
`limit` | `integer` | How many.

### Success

<snapshot json={{
  request: {request_method: \"POST\", path: \"/api/v1/dossiers/:dossier_id/fill_out_sessions\"},
  response: {status: 200, body: {fill_out_url: \"\"}}
}} />

### When no return_to url is provided

<snapshot json={{
  request: {request_method: \"POST\", path: \"/api/v1/dossiers/:dossier_id/fill_out_sessions\"},
  response: {status: 422, body: {errors: {return_url: [\"missing\"]}}}
}} />
";

fn param(name: &str, ty: &str, required: bool, location: ParamLocation) -> Param {
    Param {
        name: name.into(),
        ty: ty.into(),
        required,
        location,
        ..Default::default()
    }
}

fn table() -> Vec<Param> {
    vec![
        param("dossier_id", "string", true, ParamLocation::Path),
        param("return_to", "string", true, ParamLocation::Body),
        param("limit", "integer", false, ParamLocation::Body),
    ]
}

const ROUTE: &str = "/api/v1/dossiers/{dossier_id}/fill_out_sessions";

fn example(line: usize, title: &str, status: u16, body: serde_json::Value) -> Fixture {
    Fixture {
        source: Source {
            file: "page.mdx".into(),
            line,
            ..Default::default()
        },
        page: "Fill Out Sessions".into(),
        endpoint: "Start a fill out session".into(),
        title: title.into(),
        request: RequestSpec {
            method: "POST".into(),
            path: "/api/v1/dossiers/:dossier_id/fill_out_sessions".into(),
            route: ROUTE.into(),
            ..Default::default()
        },
        response: ResponseSpec {
            status,
            body: Some(body),
            ..Default::default()
        },
        params: table(),
        ..Default::default()
    }
}

fn page(fixtures: Vec<Fixture>) -> Page {
    Page {
        file: "page.mdx".into(),
        title: "Fill Out Sessions".into(),
        endpoints: vec![Endpoint {
            method: "POST".into(),
            path: "/api/v1/dossiers/:dossier_id/fill_out_sessions".into(),
            route: ROUTE.into(),
            heading: "Start a fill out session".into(),
            line: 3,
            params: table(),
            ..Default::default()
        }],
        fixtures,
        ..Default::default()
    }
}

fn lint(pages: Vec<Page>, errors: Vec<ExtractError>) -> Vec<Finding> {
    let mut docs = DocSet { pages };
    assign_ids(&mut docs);
    let mut files = DocFiles::default();
    files.insert("page.mdx", PAGE.as_bytes().to_vec());
    run(
        &Extraction {
            docs,
            errors,
            ..Extraction::default()
        },
        &files,
    )
}

fn the_seed_like_page() -> Page {
    page(vec![
        example(13, "Success", 200, json!({"fill_out_url": ""})),
        example(
            20,
            "When no return_to url is provided",
            422,
            json!({"errors": {"return_url": ["missing"]}}),
        ),
    ])
}

fn codes(findings: &[Finding]) -> Vec<&str> {
    findings.iter().map(|f| f.code).collect()
}

#[test]
fn an_error_body_naming_a_parameter_the_table_lacks_is_an_error_at_the_name() {
    let findings = lint(vec![the_seed_like_page()], vec![]);
    assert_eq!(codes(&findings), vec!["DM007"], "{findings:#?}");
    let f = &findings[0];
    assert_eq!(f.severity, Severity::Error);
    assert_eq!((f.line, f.col, f.len), (22, 43, 10));
    assert_eq!(
        f.source_line.as_deref(),
        Some("  response: {status: 422, body: {errors: {return_url: [\"missing\"]}}}")
    );
    let notes: Vec<String> = f
        .notes
        .iter()
        .map(|n| format!("{:?} {} {:?}", n.kind, n.message, n.line))
        .collect();
    assert_eq!(
        notes,
        vec![
            "Note the parameter table requires `return_to` Some(8)",
            "Note the case heading \"When no return_to url is provided\" is about `return_to`",
            "Help if the API answers about `return_to`, write `return_to` in the example; otherwise rename the parameter in the table",
        ]
        .into_iter()
        .map(|s| if s.starts_with("Note the parameter") { s.to_string() } else { format!("{s} None") })
        .collect::<Vec<_>>()
    );
}

#[test]
fn errors_about_known_parameters_and_base_are_not_findings() {
    let p = page(vec![
        example(13, "Success", 200, json!({"ok": true})),
        example(
            20,
            "Bad",
            422,
            json!({"errors": {"return_to": ["missing"], "base": ["x"], "limit[]": "no"}}),
        ),
    ]);
    assert_eq!(codes(&lint(vec![p], vec![])), Vec::<&str>::new());
}

#[test]
fn extraction_errors_become_snapshot_parse_errors() {
    let findings = lint(
        vec![the_seed_like_page()],
        vec![ExtractError::new("page.mdx", 14, 3, "expected `}`")],
    );
    assert_eq!(codes(&findings), vec!["DM001", "DM007"]);
    assert_eq!(findings[0].message, "expected `}`");
}

#[test]
fn an_example_outside_any_declaration_is_reported_at_its_request() {
    let mut p = the_seed_like_page();
    p.fixtures.truncate(1);
    // in a section of its own, but bound to the declaration above: fine
    p.fixtures[0].endpoint = "More examples".into();
    assert!(lint(vec![p.clone()], vec![]).is_empty());
    // a second example in that section that no declaration of the page matches
    let mut other = p.fixtures[0].clone();
    other.title = "Delete".into();
    other.request.method = "DELETE".into();
    p.fixtures.push(other);
    let findings = lint(vec![p], vec![]);
    assert_eq!(codes(&findings), vec!["DM002"], "{findings:#?}");
    assert_eq!(
        findings[0].message,
        "example `DELETE /api/v1/dossiers/:dossier_id/fill_out_sessions` sits in section \"More examples\", which declares no endpoint"
    );
    assert_eq!((findings[0].line, findings[0].col), (14, 44));
}

#[test]
fn an_example_whose_path_matches_no_declaration_of_its_section_is_reported() {
    let mut p = the_seed_like_page();
    p.fixtures.truncate(1);
    p.fixtures[0].request.method = "PUT".into();
    let findings = lint(vec![p], vec![]);
    // the declaration is left without an example too
    assert_eq!(codes(&findings), vec!["DM003", "DM002"], "{findings:#?}");
    assert!(findings[1]
        .message
        .contains("matches no endpoint declared in section"));
}

#[test]
fn a_declared_endpoint_without_example_is_reported_at_its_declaration() {
    let findings = lint(vec![page(vec![])], vec![]);
    assert_eq!(codes(&findings), vec!["DM003"]);
    assert_eq!((findings[0].line, findings[0].col), (3, 5));
}

#[test]
fn a_route_parameter_neither_in_the_table_nor_in_the_text_is_reported() {
    let mut p = the_seed_like_page();
    p.endpoints[0].params.remove(0);
    p.fixtures.truncate(1);
    let mut docs = DocSet { pages: vec![p] };
    assign_ids(&mut docs);
    let extraction = Extraction {
        docs,
        ..Extraction::default()
    };
    let without_row = PAGE.replace("`dossier_id` | `string` | **Required**. The patient.", "");
    let mut files = DocFiles::default();
    files.insert("page.mdx", without_row.clone().into_bytes());
    let findings = run(&extraction, &files);
    assert_eq!(codes(&findings), vec!["DM004"]);
    assert_eq!((findings[0].line, findings[0].col), (3, 28));
    // a mention in the text documents it well enough
    files.insert(
        "page.mdx",
        without_row
            .replace("Name | Type", "The dossier_id is the patient.\nName | Type")
            .into_bytes(),
    );
    assert_eq!(codes(&run(&extraction, &files)), Vec::<&str>::new());
}

#[test]
fn table_parameters_are_unused_only_when_examples_show_that_part_of_the_request() {
    // no example documents a request body: nothing to say about body parameters
    assert!(lint(
        vec![page(vec![example(13, "Success", 200, json!({}))])],
        vec![]
    )
    .is_empty());
    let mut with_body = example(13, "Success", 200, json!({}));
    with_body.request.body = Some(json!({"return_to": "https://x"}));
    let findings = lint(vec![page(vec![with_body])], vec![]);
    assert_eq!(codes(&findings), vec!["DM005"], "{findings:#?}");
    assert!(findings[0].message.contains("`limit`"));
    assert_eq!((findings[0].line, findings[0].col), (9, 2));
}

#[test]
fn a_success_example_missing_a_required_parameter_or_of_the_wrong_type_breaks_its_table() {
    let mut missing = example(13, "Success", 200, json!({}));
    missing.request.body = Some(json!({"limit": 3}));
    let mut wrong = example(20, "Also fine", 201, json!({}));
    wrong.request.body = Some(json!({"return_to": "x", "limit": "three"}));
    let findings = lint(vec![page(vec![missing, wrong])], vec![]);
    assert_eq!(codes(&findings), vec!["DM006", "DM006"], "{findings:#?}");
    assert!(findings[0].message.contains("leaves out `return_to`"));
    assert_eq!(findings[0].notes[0].line, Some(8));
    assert!(findings[1]
        .message
        .contains("gives `limit` as string `\"three\"`"));
}

/// The seed-like page whose table also has a `session` hash with a required, enumerated
/// `session[locale]`, and a deprecated `return_url` replaced by `return_to`.
fn page_with_nested(fixtures: Vec<Fixture>) -> Page {
    let mut params = table();
    params.push(param("session", "hash", false, ParamLocation::Body));
    params.push(Param {
        allowed: vec!["en".into(), "nl".into()],
        ..param("session[locale]", "string", true, ParamLocation::Body)
    });
    params.push(Param {
        deprecated: true,
        replaced_by: Some("return_to".into()),
        ..param("return_url", "string", false, ParamLocation::Body)
    });
    let mut p = page(fixtures);
    p.endpoints[0].params = params.clone();
    for f in &mut p.fixtures {
        f.params = params.clone();
    }
    p
}

fn with_request(mut f: Fixture, body: serde_json::Value) -> Fixture {
    f.request.body = Some(body);
    f
}

#[test]
fn a_nested_parameter_is_required_only_inside_a_given_parent() {
    let findings = lint(
        vec![page_with_nested(vec![
            with_request(
                example(13, "Success", 200, json!({})),
                json!({"return_to": "x", "limit": 1, "session": {"locale": "en"}}),
            ),
            with_request(
                example(20, "Also fine", 201, json!({})),
                json!({"return_to": "x", "session": {}}),
            ),
            with_request(
                example(21, "No session", 201, json!({})),
                json!({"return_to": "x", "return_url": "x"}),
            ),
        ])],
        vec![],
    );
    assert_eq!(codes(&findings), vec!["DM006"], "{findings:#?}");
    assert_eq!(
        findings[0].message,
        "201 example `POST /api/v1/dossiers/:dossier_id/fill_out_sessions` leaves out `session[locale]`, which its table requires when `session` is given"
    );
}

#[test]
fn a_nested_parameter_is_unused_only_where_its_parent_is_given() {
    let body = json!({"return_to": "x", "limit": 1});
    let findings = lint(
        vec![page_with_nested(vec![with_request(
            example(13, "Success", 200, json!({})),
            body.clone(),
        )])],
        vec![],
    );
    // the parent's row says it; deprecated `return_url` is no loss
    let messages: Vec<&str> = findings.iter().map(|f| f.message.as_str()).collect();
    assert_eq!(
        messages,
        ["no example of `POST /api/v1/dossiers/:dossier_id/fill_out_sessions` uses its parameter `session`"]
    );
    let findings = lint(
        vec![page_with_nested(vec![with_request(
            example(13, "Success", 200, json!({})),
            json!({"return_to": "x", "limit": 1, "session": {"locale": "en"}}),
        )])],
        vec![],
    );
    assert!(findings.is_empty(), "{findings:#?}");
}

#[test]
fn a_value_outside_the_enum_is_an_error_unless_an_error_example_is_about_it() {
    let outside = json!({"return_to": "x", "limit": 1, "session": {"locale": "fr"}});
    let findings = lint(
        vec![page_with_nested(vec![
            with_request(example(13, "Success", 200, json!({})), outside.clone()),
            // about the locale: its heading says so, the invalid value is on purpose
            with_request(
                example(
                    20,
                    "When the locale is unknown",
                    422,
                    json!({"errors": {"base": ["no"]}}),
                ),
                outside.clone(),
            ),
            // about the key, named by the error body
            with_request(
                example(21, "Invalid", 422, json!({"errors": {"locale": ["no"]}})),
                outside.clone(),
            ),
            // about something else
            with_request(
                example(22, "Not found", 404, json!({"error": "no such dossier"})),
                outside,
            ),
        ])],
        vec![],
    );
    assert_eq!(codes(&findings), vec!["DM012", "DM012"], "{findings:#?}");
    assert_eq!(findings[0].severity, Severity::Error);
    assert_eq!(
        findings[0].message,
        "200 example `POST /api/v1/dossiers/:dossier_id/fill_out_sessions` gives `session[locale]` the value `fr`, which its table does not allow"
    );
    assert_eq!(
        findings[0].notes[0].message,
        "the table allows `session[locale]` to be one of: en, nl"
    );
    assert_eq!(findings[1].line, 22);
    assert!(findings[1].notes[1]
        .message
        .contains("about something else"));
}

#[test]
fn a_success_example_using_a_deprecated_parameter_without_its_replacement_is_a_warning() {
    let findings = lint(
        vec![page_with_nested(vec![
            with_request(
                example(13, "Success", 200, json!({})),
                json!({"return_url": "x", "limit": 1, "session": {"locale": "en"}}),
            ),
            // both, during a migration
            with_request(
                example(20, "Also fine", 201, json!({})),
                json!({"return_url": "x", "return_to": "x"}),
            ),
            // an error example may show anything
            with_request(
                example(
                    21,
                    "Invalid",
                    422,
                    json!({"errors": {"return_to": ["missing"]}}),
                ),
                json!({"return_url": "x"}),
            ),
        ])],
        vec![],
    );
    // the first also leaves out the required `return_to`
    assert_eq!(codes(&findings), vec!["DM006", "DM013"], "{findings:#?}");
    let f = &findings[1];
    assert_eq!(f.severity, Severity::Warning);
    assert_eq!(
        f.message,
        "200 example `POST /api/v1/dossiers/:dossier_id/fill_out_sessions` still uses `return_url`, which its table deprecates"
    );
    let notes: Vec<(&str, Option<usize>)> = f
        .notes
        .iter()
        .map(|n| (n.message.as_str(), n.line))
        .collect();
    assert_eq!(
        notes,
        vec![
            ("`return_url` is deprecated here", None),
            ("its replacement is `return_to`", Some(8)),
            (
                "show `return_to` in the example instead of `return_url`",
                None
            ),
        ]
    );
}

#[test]
fn error_bodies_may_name_a_nested_parameter_by_its_key_or_dotted() {
    let p = page_with_nested(vec![
        with_request(
            example(13, "Success", 200, json!({})),
            json!({"return_to": "x", "limit": 1, "session": {"locale": "en"}}),
        ),
        example(
            20,
            "Bad",
            422,
            json!({"errors": {"locale": ["no"], "session.locale": ["no"]}}),
        ),
    ]);
    assert_eq!(codes(&lint(vec![p], vec![])), Vec::<&str>::new());
}

#[test]
fn required_unless_is_satisfied_by_the_alternative_and_query_values_are_typed() {
    let mut p = page(vec![]);
    p.endpoints[0].method = "GET".into();
    let params = vec![
        param("key", "string", true, ParamLocation::Query),
        param("id", "integer", true, ParamLocation::Query),
    ];
    let mut params = params;
    params[0].required_unless = vec!["id".into()];
    params[1].required_unless = vec!["key".into()];
    p.endpoints[0].params = params.clone();
    let mut f = example(13, "Success", 200, json!({}));
    f.request.method = "GET".into();
    f.request.query = vec![QueryParam {
        name: "id".into(),
        value: "abc".into(),
    }];
    f.params = params;
    p.fixtures.push(f);
    let findings = lint(vec![p], vec![]);
    // `key` is never used although the examples show a query string
    assert_eq!(codes(&findings), vec!["DM005", "DM006"], "{findings:#?}");
    assert!(findings[1]
        .message
        .contains("gives `id` as `abc`, but its table says integer"));
}

#[test]
fn the_same_case_documented_differently_on_two_pages_is_one_error() {
    let a = the_seed_like_page();
    let mut b = the_seed_like_page();
    b.file = "rendered.txt".into();
    for f in &mut b.fixtures {
        f.source.file = "rendered.txt".into();
    }
    b.fixtures[0].response.body = Some(json!({"fill_out_url": "https://x"}));
    let findings = lint(vec![a, b], vec![]);
    let conflicts: Vec<&Finding> = findings.iter().filter(|f| f.code == "DM008").collect();
    assert_eq!(conflicts.len(), 1, "{findings:#?}");
    assert_eq!(conflicts[0].file, "rendered.txt");
    assert!(conflicts[0]
        .notes
        .iter()
        .any(|n| n.message == "response bodies differ at `.fill_out_url`"));
    // the identical 422 is a duplicate: its DM007 is reported once, on the first page
    assert_eq!(findings.iter().filter(|f| f.code == "DM007").count(), 1);
}

#[test]
fn a_rebuilt_body_is_a_warning_listing_the_repairs() {
    let mut p = the_seed_like_page();
    p.fixtures.truncate(1);
    p.fixtures[0].reconstructed = Some(Reconstruction {
        repairs: vec!["added the missing outer braces".into()],
        unrepaired: None,
    });
    let findings = lint(vec![p], vec![]);
    assert_eq!(codes(&findings), vec!["DM009"]);
    assert_eq!(findings[0].severity, Severity::Warning);
    assert_eq!(
        findings[0].notes[0].message,
        "repaired: added the missing outer braces"
    );
}

#[test]
fn a_json_body_under_a_text_content_type_is_a_warning() {
    let mut p = the_seed_like_page();
    p.fixtures.truncate(1);
    p.fixtures[0]
        .response
        .headers
        .insert("Content-Type".into(), "text/plain".into());
    assert_eq!(codes(&lint(vec![p.clone()], vec![])), vec!["DM010"]);
    p.fixtures[0].response.body = Some(json!("plain text"));
    assert!(lint(vec![p], vec![]).is_empty());
}

#[test]
fn a_success_heading_over_an_error_status_is_a_warning_at_the_heading() {
    let mut p = the_seed_like_page();
    p.fixtures.truncate(1);
    p.fixtures[0].response.status = 404;
    let findings = lint(vec![p], vec![]);
    assert_eq!(codes(&findings), vec!["DM011"]);
    assert_eq!((findings[0].line, findings[0].col), (11, 5));
}

#[test]
fn headings_claim_outcomes_only_with_their_first_words() {
    use super::rules::error_param_names;
    assert_eq!(
        error_param_names(&json!({"errors": [{"field": "a"}, {"source": {"parameter": "b"}}]})),
        vec!["a", "b"]
    );
    assert!(error_param_names(&json!(["x"])).is_empty());
}

#[test]
fn every_rule_has_a_unique_code_and_name() {
    let mut codes: Vec<&str> = Rule::ALL.iter().map(|r| r.code()).collect();
    let mut names: Vec<&str> = Rule::ALL.iter().map(|r| r.name()).collect();
    codes.dedup();
    names.sort();
    names.dedup();
    assert_eq!(codes.len(), Rule::ALL.len());
    assert_eq!(names.len(), Rule::ALL.len());
}

#[test]
fn a_table_shared_by_routes_declared_together_is_not_misread_as_query_parameters() {
    // `GET /q` and `GET /q/:key` under one heading, one table with a required `key`
    let mut p = page(vec![]);
    let decl = |path: &str, route: &str| Endpoint {
        method: "GET".into(),
        path: path.into(),
        route: route.into(),
        heading: "Questionnaires".into(),
        line: 3,
        params: vec![param("key", "string", true, ParamLocation::Query)],
        ..Default::default()
    };
    p.endpoints = vec![decl("/q", "/q"), decl("/q/:key", "/q/{key}")];
    let mut list = example(13, "The list", 200, json!([]));
    list.endpoint = "Questionnaires".into();
    list.request.method = "GET".into();
    list.request.path = "/q".into();
    list.request.route = "/q".into();
    list.request.query = vec![QueryParam {
        name: "locale".into(),
        value: "nl".into(),
    }];
    list.params = p.endpoints[0].params.clone();
    let mut one = list.clone();
    one.title = "One".into();
    one.request.path = "/q/oq45".into();
    one.request.route = "/q/{key}".into();
    one.request.query.clear();
    p.fixtures = vec![list, one];
    let findings = lint(vec![p], vec![]);
    assert!(findings.is_empty(), "{findings:#?}");
}

#[test]
fn a_body_beyond_repair_is_reported_once() {
    let mut p = the_seed_like_page();
    p.fixtures.truncate(1);
    p.fixtures[0].reconstructed = Some(Reconstruction {
        repairs: vec![],
        unrepaired: Some("a string is cut short".into()),
    });
    p.fixtures[0].response.body = None;
    // the extractor said so: one DM001
    let error = ExtractError::new("page.mdx", 15, 3, "a string is cut short");
    assert_eq!(codes(&lint(vec![p.clone()], vec![error])), vec!["DM001"]);
    // a fixtures folder keeps no extraction errors: DM009 says it
    let findings = lint(vec![p], vec![]);
    assert_eq!(codes(&findings), vec!["DM009"]);
    assert!(findings[0]
        .message
        .ends_with("could not be rebuilt: a string is cut short"));
}
