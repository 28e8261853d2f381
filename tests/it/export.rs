//! `docmock export openapi`: the document of the default docs as a snapshot, read back by an
//! independent OpenAPI 3.1 parser (oas3), every example checked against its inferred schema
//! by an independent JSON Schema 2020-12 validator (jsonschema), for the default docs and
//! every test page set; and `docmock serve` answering each operation's success example.

use crate::common::{self, MockServer};
use docmock::export::openapi::{document, Options};
use docmock::extract::{DocsLocation, Extraction};
use docmock::fixture::DocSet;
use serde_json::{json, Value};
use std::path::Path;

fn load(location: &DocsLocation) -> Option<Extraction> {
    docmock::extract::load(location, &docmock::extract::Options::default()).ok()
}

fn spec_of(docs: &DocSet) -> Value {
    serde_json::to_value(document(docs, &Options::default())).unwrap()
}

/// Every folder under `tests/pages/` that holds pages directly, with its extraction.
fn test_page_sets() -> Vec<(String, Extraction)> {
    fn walk(dir: &Path, out: &mut Vec<std::path::PathBuf>) {
        let mut entries: Vec<_> = std::fs::read_dir(dir)
            .unwrap()
            .map(|e| e.unwrap().path())
            .collect();
        entries.sort();
        if entries.iter().any(|p| p.is_file()) {
            out.push(dir.to_path_buf());
        }
        for e in entries.iter().filter(|p| p.is_dir()) {
            walk(e, out);
        }
    }
    let mut dirs = Vec::new();
    walk(&common::data("pages"), &mut dirs);
    dirs.into_iter()
        .filter_map(|dir| {
            let name = dir
                .strip_prefix(common::data("pages"))
                .unwrap()
                .display()
                .to_string();
            let location = DocsLocation::parse(Some(dir.to_str().unwrap()));
            Some((name, load(&location)?))
        })
        .collect()
}

/// Each (place, example, schema) the document holds: response and request-body examples.
fn examples(spec: &Value) -> Vec<(String, Value, Value)> {
    let mut out = Vec::new();
    let mut contents: Vec<(String, &Value)> = Vec::new();
    for (path, item) in spec["paths"].as_object().unwrap() {
        for (method, op) in item.as_object().unwrap() {
            if let Some(content) = op["requestBody"]["content"].as_object() {
                for (media, c) in content {
                    contents.push((format!("{method} {path} request {media}"), c));
                }
            }
            for (status, response) in op["responses"].as_object().unwrap() {
                if let Some(content) = response["content"].as_object() {
                    for (media, c) in content {
                        contents.push((format!("{method} {path} {status} {media}"), c));
                    }
                }
            }
        }
    }
    if let Some(responses) = spec["components"]["responses"].as_object() {
        for (name, response) in responses {
            for (media, c) in response["content"].as_object().into_iter().flatten() {
                contents.push((format!("components/responses/{name} {media}"), c));
            }
        }
    }
    for (place, content) in contents {
        for (id, example) in content["examples"].as_object().into_iter().flatten() {
            out.push((
                format!("{place} {id}"),
                example["value"].clone(),
                content["schema"].clone(),
            ));
        }
    }
    out
}

/// Check every example against its schema, `$ref`s resolved against the document's
/// components; returns how many were checked.
fn assert_examples_validate(set: &str, spec: &Value) -> usize {
    let examples = examples(spec);
    for (place, example, schema) in &examples {
        let mut root = json!({"$schema": "https://json-schema.org/draft/2020-12/schema"});
        for (k, v) in schema.as_object().unwrap() {
            root[k] = v.clone();
        }
        root["components"] = spec["components"].clone();
        let validator = jsonschema::draft202012::new(&root)
            .unwrap_or_else(|e| panic!("{set}: {place}: not a valid schema: {e}\n{root:#}"));
        let errors: Vec<String> = validator
            .iter_errors(example)
            .map(|e| format!("{} at {}", e, e.instance_path()))
            .collect();
        assert!(
            errors.is_empty(),
            "{set}: {place}: the example does not fit its schema: {errors:?}\nschema: {schema:#}\nexample: {example:#}"
        );
    }
    examples.len()
}

fn assert_parses_as_openapi_31(set: &str, spec: &Value) {
    let text = serde_json::to_string(spec).unwrap();
    let parsed = oas3::from_json(&text).unwrap_or_else(|e| panic!("{set}: oas3 rejects it: {e}"));
    assert_eq!(parsed.openapi, "3.1.0", "{set}");
    let operations = parsed.operations().count();
    let expected: usize = spec["paths"]
        .as_object()
        .unwrap()
        .values()
        .map(|item| item.as_object().unwrap().len())
        .sum();
    assert_eq!(operations, expected, "{set}: oas3 sees every operation");
}

#[test]
fn the_default_docs_export_as_their_snapshot_says() {
    let output = common::docmock(&common::root())
        .args(["export", "openapi"])
        .output()
        .unwrap();
    assert!(output.status.success(), "{}", common::transcript(&output));
    let spec: Value = serde_json::from_slice(&output.stdout).unwrap();
    insta::assert_json_snapshot!("default_docs_openapi", spec);
}

#[test]
fn the_export_is_the_same_bytes_every_time_and_yaml_says_the_same() {
    let run = |args: &[&str]| {
        let output = common::docmock(&common::root())
            .args(["export", "openapi", "docs-source"])
            .args(args)
            .output()
            .unwrap();
        assert!(output.status.success(), "{}", common::transcript(&output));
        output.stdout
    };
    let first = run(&[]);
    assert_eq!(first, run(&[]));
    let yaml = run(&["--format", "yaml"]);
    let from_yaml: Value = serde_norway::from_slice(&yaml).unwrap();
    let from_json: Value = serde_json::from_slice(&first).unwrap();
    assert_eq!(from_yaml, from_json);
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("spec.json");
    let titled = run(&[
        "--title",
        "Dossiers",
        "--api-version",
        "2.1.0",
        "--server",
        "https://a.example",
        "--server",
        "https://b.example",
        "--out",
        out.to_str().unwrap(),
    ]);
    assert!(titled.is_empty());
    let titled: Value = serde_json::from_slice(&std::fs::read(&out).unwrap()).unwrap();
    assert_eq!(
        titled["info"],
        json!({"title": "Dossiers", "version": "2.1.0"})
    );
    assert_eq!(
        titled["servers"],
        json!([{"url": "https://a.example"}, {"url": "https://b.example"}])
    );
}

#[test]
fn every_export_parses_as_openapi_3_1_and_every_example_fits_its_schema() {
    let default = load(&DocsLocation::Embedded).unwrap();
    let mut sets = vec![("default docs".to_string(), default)];
    sets.extend(test_page_sets());
    assert!(sets.len() > 10, "{}", sets.len());
    let mut checked = 0;
    for (set, extraction) in &sets {
        let spec = spec_of(&extraction.docs);
        assert_parses_as_openapi_31(set, &spec);
        checked += assert_examples_validate(set, &spec);
    }
    assert!(checked > 100, "only {checked} examples checked");
}

#[test]
fn a_schema_that_an_example_breaks_is_caught() {
    // the check above can fail: a body that does not fit is reported
    let spec = json!({
        "paths": {"/a": {"get": {"responses": {"200": {"content": {"application/json": {
            "schema": {"$ref": "#/components/schemas/A"},
            "examples": {"x": {"value": {"id": "not a number"}}}
        }}}}}}},
        "components": {"schemas": {"A": {"type": "object", "properties": {"id": {"type": "integer"}}}}}
    });
    let caught = std::panic::catch_unwind(|| assert_examples_validate("made up", &spec));
    assert!(caught.is_err());
}

#[test]
fn shared_objects_global_cases_and_query_parameters_take_their_openapi_form() {
    let routes = load(&DocsLocation::parse(Some(
        common::data("pages/routes").to_str().unwrap(),
    )))
    .unwrap();
    let spec = spec_of(&routes.docs);
    let responses = spec["components"]["responses"].as_object().unwrap();
    assert!(responses.contains_key("Unauthorized"), "{responses:?}");
    for item in spec["paths"].as_object().unwrap().values() {
        for op in item.as_object().unwrap().values() {
            assert_eq!(
                op["responses"]["401"],
                json!({"$ref": "#/components/responses/Unauthorized"}),
                "{op:#}"
            );
        }
    }
    // the `flags` object of a listed and of a started subscription is one component
    let default = spec_of(&load(&DocsLocation::Embedded).unwrap().docs);
    let schemas = default["components"]["schemas"].as_object().unwrap();
    assert!(schemas.contains_key("Flags"), "{:?}", schemas.keys());
    let subscriptions = &default["paths"]["/api/v1/dossiers/{dossier_id}/protocol_subscriptions"];
    let flags = json!({"$ref": "#/components/schemas/Flags"});
    assert_eq!(
        subscriptions["get"]["responses"]["200"]["content"]["application/json"]["schema"]["items"]
            ["properties"]["flags"],
        flags
    );
    assert_eq!(
        subscriptions["post"]["responses"]["200"]["content"]["application/json"]["schema"]
            ["properties"]["flags"],
        flags
    );
    let prose = spec_of(
        &load(&DocsLocation::parse(Some(
            common::data("pages/prose").to_str().unwrap(),
        )))
        .unwrap()
        .docs,
    );
    let status = prose["paths"]["/posts"]["get"]["parameters"]
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["name"] == "status")
        .unwrap();
    assert_eq!(
        status["schema"],
        json!({"type": "string", "default": "draft", "enum": ["draft", "published"]})
    );
    let arrays: Vec<&Value> = prose["paths"]
        .as_object()
        .unwrap()
        .values()
        .flat_map(|item| item.as_object().unwrap().values())
        .flat_map(|op| op["parameters"].as_array().into_iter().flatten())
        .filter(|p| p["in"] == "query" && p["schema"]["type"] == "array")
        .collect();
    assert!(!arrays.is_empty());
    for p in arrays {
        assert_eq!(
            (&p["style"], &p["explode"]),
            (&json!("form"), &json!(true)),
            "{p}"
        );
    }
}

#[tokio::test]
async fn docmock_serve_answers_each_operations_success_example() {
    let mock = MockServer::start(&[]);
    let docs = load(&DocsLocation::Embedded).unwrap().docs;
    let spec = spec_of(&docs);
    let client = reqwest::Client::builder().no_proxy().build().unwrap();
    let mut checked = 0;
    for (route, item) in spec["paths"].as_object().unwrap() {
        for (method, op) in item.as_object().unwrap() {
            let Some((status, response)) = op["responses"]
                .as_object()
                .unwrap()
                .iter()
                .find(|(s, _)| s.starts_with('2'))
            else {
                continue;
            };
            let example = response["content"]
                .as_object()
                .and_then(|c| c.values().next())
                .and_then(|c| c["examples"].as_object())
                .and_then(|e| e.iter().next());
            let fixture = match example {
                Some((id, _)) => docs.fixture(id).unwrap(),
                None => docs
                    .servable()
                    .find(|f| {
                        f.request.route == *route
                            && f.request.method.eq_ignore_ascii_case(method)
                            && f.response.status.to_string() == *status
                    })
                    .unwrap(),
            };
            let request = &fixture.request;
            let mut path = String::new();
            for segment in docmock::fixture::RouteTemplate::parse(route).segments {
                path.push('/');
                match segment {
                    docmock::fixture::Segment::Literal(l) => path.push_str(&l),
                    docmock::fixture::Segment::Param(p) => path.push_str(
                        request
                            .path_params
                            .get(&p)
                            .map(String::as_str)
                            .unwrap_or("7"),
                    ),
                }
            }
            // the documented request, naming the example (a rendered success example may
            // leave out a required parameter, and would then be answered by its 422)
            let mut call = client
                .request(
                    reqwest::Method::from_bytes(method.to_uppercase().as_bytes()).unwrap(),
                    mock.url(&path),
                )
                .header("Prefer", format!("example={}", fixture.id));
            for q in &request.query {
                call = call.query(&[(&q.name, &q.value)]);
            }
            for (name, value) in &request.headers {
                call = call.header(name, value);
            }
            if let Some(body) = &request.body {
                call = call
                    .header("content-type", "application/json")
                    .body(body.to_string());
            }
            let answer = call.send().await.unwrap();
            assert_eq!(answer.status().as_str(), status, "{method} {route}");
            let text = answer.text().await.unwrap();
            match example {
                Some((id, example)) => {
                    let served: Value = serde_json::from_str(&text).unwrap();
                    assert_eq!(served, example["value"], "{method} {route} {id}");
                }
                None => assert_eq!(text, "", "{method} {route}"),
            }
            checked += 1;
        }
    }
    assert!(checked >= 8, "only {checked} operations checked");
}
