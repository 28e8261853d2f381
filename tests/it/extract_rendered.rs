//! Rendered doc pages and ASP.NET help pages, as text and as HTML: the seeds give the
//! documented fixtures, every shape has a page of its own under `tests/pages/`, and an HTML
//! page gives the same fixtures as its text form.

use crate::common;
use docmock::extract::{self, DocFiles, Extraction, Options};
use docmock::fixture::{Fixture, SourceFormat};
use serde_json::{json, Value};
use std::path::Path;

/// Extract one page file on its own.
fn extract_file(path: &Path) -> Extraction {
    let name = path.file_name().unwrap().to_string_lossy().to_string();
    let mut files = DocFiles::default();
    files.insert(&name, std::fs::read(path).unwrap());
    extract::from_files(&files, &Options::default())
}

/// What a snapshot shows of one page: the page with its fixtures, and the errors.
fn snapshot_of(path: &Path) -> Value {
    let extraction = extract_file(path);
    json!({
        "errors": extraction.errors.iter().map(ToString::to_string).collect::<Vec<_>>(),
        "pages": extraction.docs.pages,
    })
}

fn seed(prefix: &str) -> std::path::PathBuf {
    let dir = common::root().join("docs-source");
    std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .find(|p| p.file_name().unwrap().to_string_lossy().starts_with(prefix))
        .unwrap_or_else(|| panic!("no seed {prefix} in {}", dir.display()))
}

fn summary(f: &Fixture) -> String {
    format!(
        "{} {} {}",
        f.request.method, f.request.route, f.response.status
    )
}

#[test]
fn seed_pages_extract_to_their_snapshots() {
    insta::glob!("../../docs-source", "00[0-3]_*.txt", |path| {
        insta::assert_json_snapshot!(snapshot_of(path));
    });
}

#[test]
fn every_rendered_shape_extracts_to_its_snapshot() {
    insta::glob!("../pages/rendered", "*.txt", |path| {
        insta::assert_json_snapshot!(snapshot_of(path));
    });
}

#[test]
fn every_aspnet_shape_extracts_to_its_snapshot() {
    insta::glob!("../pages/aspnet", "*.txt", |path| {
        insta::assert_json_snapshot!(snapshot_of(path));
    });
}

#[test]
fn fill_out_sessions_gives_five_fixtures_with_repaired_bodies() {
    let extraction = extract_file(&seed("000_"));
    assert!(extraction.errors.is_empty(), "{:?}", extraction.errors);
    let page = &extraction.docs.pages[0];
    assert_eq!(page.format, SourceFormat::RenderedText);
    assert_eq!(page.title, "Fill Out Sessions");
    let statuses: Vec<u16> = page.fixtures.iter().map(|f| f.response.status).collect();
    assert_eq!(statuses, vec![200, 422, 404, 404, 422]);
    let f = &page.fixtures;
    assert!(f.iter().all(|f| f.endpoint == "Start a fill out session."));
    assert_eq!(f[0].title, "");
    assert_eq!(
        f[1].title,
        "When no questionnaire keys or answer ids are provided."
    );
    assert_eq!(f[0].response.body, Some(json!({"fill_out_url": ""})));
    assert_eq!(
        f[1].response.body,
        Some(json!({"errors": {"questionnaire_keys": "missing", "response_ids": "missing"}}))
    );
    assert_eq!(
        f[4].response.body,
        Some(json!({"errors": {"return_url": []}}))
    );
    for i in [0, 1, 4] {
        let r = f[i]
            .reconstructed
            .as_ref()
            .expect("marked as reconstructed");
        assert!(!r.repairs.is_empty() && r.unrepaired.is_none());
    }
    assert!(f[2].reconstructed.is_none() && f[2].response.body.is_none());
    let endpoint = &page.endpoints[0];
    assert_eq!(
        endpoint.path,
        "/api/v1/dossiers/:dossier_id/fill_out_sessions/"
    );
    let params: Vec<(&str, &str, bool)> = endpoint
        .params
        .iter()
        .map(|p| (p.name.as_str(), p.ty.as_str(), p.required))
        .collect();
    assert_eq!(
        params,
        vec![
            ("dossier_id", "string", true),
            ("questionnaire_keys", "array", false),
            ("response_ids", "array", false),
            ("return_to", "string", true),
            ("progress_url", "string", false),
            ("stylesheet", "string", false),
        ]
    );
    assert_eq!(f[1].request.path_params["dossier_id"], "some_epd_id");
}

#[test]
fn responses_gives_eight_fixtures_bound_to_their_declarations() {
    let extraction = extract_file(&seed("001_"));
    assert!(extraction.errors.is_empty(), "{:?}", extraction.errors);
    let page = &extraction.docs.pages[0];
    let got: Vec<String> = page.fixtures.iter().map(summary).collect();
    let list = "/api/v1/dossiers/{dossier_id}/responses";
    let one = "/api/v1/dossiers/{dossier_id}/responses/{external_id}";
    assert_eq!(
        got,
        vec![
            format!("GET {list} 200"),
            format!("POST {list} 201"),
            format!("POST {list} 404"),
            format!("PUT {one} 200"),
            format!("PUT {one} 403"),
            format!("PUT {one} 404"),
            format!("PUT {one} 404"),
            format!("DELETE {one} 204"),
        ]
    );
    let get = &page.fixtures[0];
    assert_eq!(get.request.path_params["dossier_id"], "epd_id_index");
    assert!(get.request.json_suffix);
    // Only the "Parameters" table (and the route parameter no row lists): response
    // attributes, outcome and requesters describe the response.
    let names: Vec<&str> = get.params.iter().map(|p| p.name.as_str()).collect();
    assert_eq!(
        names,
        vec![
            "questionnaire_keys",
            "completed_before",
            "completed_after",
            "respondent_type",
            "status",
            "protocol_subscription_id",
            "dossier_id"
        ]
    );
    assert_eq!(get.params[0].ty, "array of strings");
    assert!(get.params[6].from_route && get.params[6].required);
    let post = &page.fixtures[1];
    let required: Vec<&str> = post
        .params
        .iter()
        .filter(|p| p.required)
        .map(|p| p.name.as_str())
        .collect();
    assert_eq!(
        required,
        vec![
            "questionnaire_key",
            "external_id",
            "answer_data",
            "dossier_id"
        ]
    );
    let delete = page.fixtures.last().unwrap();
    assert_eq!(delete.endpoint, "Delete a response");
    assert_eq!(delete.title, "");
    assert!(
        delete.id.ends_with("/delete-a-response/204"),
        "{}",
        delete.id
    );
    let declared: Vec<String> = page
        .endpoints
        .iter()
        .map(|e| format!("{} {}", e.method, e.route))
        .collect();
    assert_eq!(declared.len(), 4);
    assert_eq!(declared[3], format!("DELETE {one}"));
}

#[test]
fn protocol_subscriptions_rendering_gives_the_ids_of_its_source_page() {
    let extraction = extract_file(&seed("002_"));
    assert!(extraction.errors.is_empty(), "{:?}", extraction.errors);
    let page = &extraction.docs.pages[0];
    assert_eq!(page.title, "Protocol Subscriptions");
    let ids: Vec<&str> = page.fixtures.iter().map(|f| f.id.as_str()).collect();
    let base = "protocol-subscriptions";
    assert_eq!(
        ids,
        vec![
            format!("{base}/list-active-protocol-subscriptions-for-a-patient/success"),
            format!("{base}/start-a-protocol-subscription/success"),
            format!("{base}/start-a-protocol-subscription/when-no-protocol-exists-with-the-protocol-key-provided"),
            format!("{base}/start-a-protocol-subscription/when-a-flag-does-not-exist-within-the-protocol"),
            format!("{base}/start-a-protocol-subscription/when-a-flag-is-set-to-an-invalid-value"),
            format!("{base}/stop-a-protocol-subscription/success"),
            format!("{base}/stop-a-protocol-subscription/when-no-protocol-subscription-exists-with-the-given-id"),
        ]
    );
    let post = &page.fixtures[1];
    assert_eq!(post.placeholders.len(), 1);
    assert_eq!(post.placeholders[0].pointer, "/responses/1");
    assert_eq!(
        post.placeholders[0].kind,
        docmock::fixture::PlaceholderKind::MoreElements
    );
}

#[test]
fn aspnet_help_page_gives_one_case_insensitive_fixture_with_sample_values() {
    let extraction = extract_file(&seed("003_"));
    assert!(extraction.errors.is_empty(), "{:?}", extraction.errors);
    let page = &extraction.docs.pages[0];
    assert_eq!(page.format, SourceFormat::AspnetText);
    assert_eq!(page.fixtures.len(), 1);
    let f = &page.fixtures[0];
    assert_eq!(f.request.method, "POST");
    assert_eq!(f.request.route, "/API/V1/Patients/{patientId}/Forms");
    assert!(f.request.case_insensitive && page.endpoints[0].case_insensitive);
    assert_eq!(
        f.request.media_types,
        vec![
            "application/json",
            "text/json",
            "application/x-www-form-urlencoded"
        ]
    );
    assert_eq!(f.response.status, 200);
    assert_eq!(
        f.response.media_types,
        vec!["application/json", "text/json"]
    );
    let patient = &f.params[0];
    assert_eq!(
        (patient.name.as_str(), patient.ty.as_str(), patient.required),
        ("patientId", "integer", true)
    );
    assert_eq!(patient.location, docmock::fixture::ParamLocation::Path);
    let request = f.request.body.as_ref().unwrap();
    assert_eq!(request["sessions"][0]["updateUserName"], "sample string 5");
    let response = f.response.body.as_ref().unwrap();
    assert_eq!(
        response["sessions"][0]["formId"],
        "6e71e5cc-f353-4ce5-99de-6845387bb50f"
    );
    let marked = |body, pointer: &str| {
        f.placeholders.iter().any(|p| {
            p.body == body
                && p.pointer == pointer
                && p.kind == docmock::fixture::PlaceholderKind::SampleValue
        })
    };
    use docmock::fixture::BodyRef::{Request, Response};
    assert!(marked(Request, "/sessions/0/updateUserName"));
    assert!(marked(Request, "/sessions/1/tabs/0/tabId"));
    assert!(marked(Response, "/sessions/0/sessionTime"));
    assert!(marked(Response, "/sessions/0/dbTimeStamp"));
    assert!(marked(Response, "/success"));
}

#[test]
fn bad_examples_are_reported_with_their_place_and_never_stop_extraction() {
    let extraction = extract_file(&common::data("pages/rendered/bad_examples.txt"));
    let errors: Vec<String> = extraction.errors.iter().map(ToString::to_string).collect();
    assert_eq!(
        errors,
        vec![
            "bad_examples.txt:9:1: expected `METHOD /path` after \"Sample request\"",
            "bad_examples.txt:14:1: expected `Status: <code> <reason>` after the sample request",
            "bad_examples.txt:23:9: response body cannot be repaired: a string is cut short: its closing quote is missing",
            "bad_examples.txt:32:1: expected a parameter row (`name`, a type such as `string`, then the description) after the table header",
        ]
    );
    let page = &extraction.docs.pages[0];
    // The last example is kept, without a body, marked as not repaired.
    let last = page.fixtures.last().unwrap();
    assert_eq!(summary(last), "GET /api/v1/things 200");
    assert!(last.response.body.is_none());
    assert!(last.reconstructed.as_ref().unwrap().unrepaired.is_some());
}

#[test]
fn routes_lists_every_route_of_the_seeds() {
    let output = common::docmock(&common::root())
        .args(["routes", "docs-source"])
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&output.stdout);
    for route in [
        "POST    /api/v1/dossiers/{dossier_id}/fill_out_sessions ",
        "GET     /api/v1/dossiers/{dossier_id}/responses ",
        "POST    /api/v1/dossiers/{dossier_id}/responses ",
        "PUT     /api/v1/dossiers/{dossier_id}/responses/{external_id} ",
        "DELETE  /api/v1/dossiers/{dossier_id}/responses/{external_id} ",
        "GET     /api/v1/dossiers/{dossier_id}/protocol_subscriptions ",
        "POST    /api/v1/dossiers/{dossier_id}/protocol_subscriptions ",
        "DELETE  /api/v1/dossiers/{dossier_id}/protocol_subscriptions/{id} ",
        "POST    /API/V1/Patients/{patientId}/Forms ",
    ] {
        assert!(stdout.contains(route), "{route} missing from\n{stdout}");
    }
}

#[test]
fn every_html_page_extracts_to_its_snapshot() {
    insta::glob!("../pages/html", "*.html", |path| {
        insta::assert_json_snapshot!(snapshot_of(path));
    });
}

/// A page's fixtures and endpoints with what only says where they were documented cleared.
fn comparable(extraction: &Extraction) -> Value {
    let page = &extraction.docs.pages[0];
    let fixtures: Vec<Fixture> = page
        .fixtures
        .iter()
        .cloned()
        .map(|mut f| {
            f.source = Default::default();
            f
        })
        .collect();
    let endpoints: Vec<_> = page
        .endpoints
        .iter()
        .cloned()
        .map(|mut e| {
            e.line = 0;
            e
        })
        .collect();
    json!({"title": page.title, "endpoints": endpoints, "fixtures": fixtures})
}

#[test]
fn html_pages_give_the_fixtures_of_their_text_form() {
    for (html, text, format) in [
        ("fill_out_sessions.html", "000_", SourceFormat::RenderedHtml),
        ("responses.html", "001_", SourceFormat::RenderedHtml),
        (
            "protocol_subscriptions.html",
            "002_",
            SourceFormat::RenderedHtml,
        ),
        ("forms_help_page.html", "003_", SourceFormat::AspnetHtml),
    ] {
        let from_html = extract_file(&common::data("pages/html").join(html));
        let from_text = extract_file(&seed(text));
        assert!(
            from_html.errors.is_empty(),
            "{html}: {:?}",
            from_html.errors
        );
        assert_eq!(from_html.docs.pages[0].format, format, "{html}");
        assert!(!from_html.docs.pages[0].fixtures.is_empty(), "{html}");
        assert_eq!(
            comparable(&from_html),
            comparable(&from_text),
            "{html} differs from its text form"
        );
    }
}

#[test]
fn html_errors_point_at_the_source_line_of_the_cut_body() {
    let extraction = extract_file(&common::data("pages/html/cut_string_in_pre.html"));
    let errors: Vec<String> = extraction.errors.iter().map(ToString::to_string).collect();
    assert_eq!(
        errors,
        vec!["cut_string_in_pre.html:25:13: response body cannot be repaired: a string is cut short: its closing quote is missing"]
    );
    let page = &extraction.docs.pages[0];
    let got: Vec<String> = page.fixtures.iter().map(summary).collect();
    assert_eq!(
        got,
        vec![
            "POST /api/v1/things/{kind} 422",
            "POST /api/v1/things/{kind} 201"
        ]
    );
    assert_eq!(page.fixtures[0].source.line, 19);
    assert_eq!(page.fixtures[1].request.path_params["kind"], "box");
    assert_eq!(page.endpoints[0].params[0].name, "kind");
    assert!(page.endpoints[0].params[0].required);
}

#[test]
fn pages_cut_anywhere_never_panic() {
    let mut pages: Vec<(String, String)> = ["000_", "001_", "002_", "003_"]
        .iter()
        .map(|p| {
            let path = seed(p);
            (
                path.file_name().unwrap().to_string_lossy().to_string(),
                std::fs::read_to_string(&path).unwrap(),
            )
        })
        .collect();
    for entry in std::fs::read_dir(common::data("pages/html")).unwrap() {
        let path = entry.unwrap().path();
        pages.push((
            path.file_name().unwrap().to_string_lossy().to_string(),
            std::fs::read_to_string(&path).unwrap(),
        ));
    }
    let files = DocFiles::default();
    let options = Options::default();
    for (name, text) in &pages {
        // Every fifth line end, and every 503rd character boundary.
        let mut cuts: Vec<usize> = text
            .match_indices('\n')
            .map(|(i, _)| i)
            .step_by(5)
            .collect();
        cuts.extend(text.char_indices().map(|(i, _)| i).step_by(503));
        for cut in cuts {
            let _ = extract::extract_page(name, &text[..cut], &files, &options);
            let _ = extract::extract_page(name, &text[cut..], &files, &options);
        }
    }
}
