//! ASP.NET Web API help pages saved as text: `POST API/V1/Patients/{patientId}/Forms`,
//! "URI Parameters" / "Body Parameters" tables, "Request Formats" / "Response Formats" with
//! `Sample:` bodies whose values are generated from types.
//!
//! In: the page as [`Line`]s (text, or HTML through [`super::html`]). The text form writes
//! table rows as `| patientId | integer |` with cells running over several lines and empty
//! cells left out; [`rows_from_text`] puts them back together. Out: one endpoint (routes match
//! case-insensitively in ASP.NET) and one fixture: the JSON request sample, the JSON response
//! sample (status 200; 204 when the action returns nothing), the typed parameters and the media
//! types. Every value the help page generated from a type (`"sample string 5"`, `1`, `true`,
//! GUIDs, dates, `"QEA="`) is a [`PlaceholderKind::SampleValue`], compared by type.

use super::rendered::{lines, repair, Line, LineKind};
use super::{common, prose, ExtractError, PageExtraction};
use crate::fixture::pointer;
use crate::fixture::{
    BodyRef, Fixture, Page, Param, Placeholder, PlaceholderKind, Reconstruction, RequestSpec,
    ResponseSpec, Source, SourceFormat,
};
use serde_json::Value;

/// Whether a page reads as an ASP.NET Web API help page.
pub fn looks_like(text: &str) -> bool {
    (text.contains("Request Information") || text.contains("Response Information"))
        && (text.contains("Request Formats")
            || text.contains("Response Formats")
            || text.contains("URI Parameters"))
}

/// Extract one ASP.NET help page in text form.
pub fn extract(file: &str, text: &str) -> PageExtraction {
    extract_lines(file, &rows_from_text(text), SourceFormat::AspnetText)
}

/// The lines of a text help page with its `|`-tables read back into rows: a row starts with
/// `|`, goes on over lines ending in `|`, and its non-empty cells are kept. A table's header
/// may follow the documented type's name on the same line (`My.Type| Name | ...`).
pub fn rows_from_text(text: &str) -> Vec<Line> {
    let mut out: Vec<Line> = Vec::new();
    let raw = lines::from_text(text);
    let mut i = 0;
    while i < raw.len() {
        let line = &raw[i];
        let t = line.text.as_str();
        let Some(bar) = t.find('|').filter(|_| t.ends_with('|')) else {
            out.push(line.clone());
            i += 1;
            continue;
        };
        if bar > 0 {
            // `iMDsoft.Api.SessionBundle| Name | ...`: the type name, then the header.
            out.push(Line::new(&t[..bar], line.line, LineKind::Text));
        }
        let mut joined = t[bar..].to_string();
        let mut j = i + 1;
        while let Some(next) = raw.get(j) {
            if next.is_blank() || next.text.starts_with('|') || !next.text.ends_with('|') {
                break;
            }
            joined.push_str(&next.text);
            j += 1;
        }
        let cells: Vec<String> = joined
            .split('|')
            .map(|c| c.trim().to_string())
            .filter(|c| !c.is_empty())
            .collect();
        let separator = !cells.is_empty()
            && cells
                .iter()
                .all(|c| c.chars().all(|ch| matches!(ch, '-' | ':')));
        if !separator && !cells.is_empty() {
            out.push(Line::new(cells.concat(), line.line, LineKind::Row(cells)));
        }
        i = j;
    }
    out
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Section {
    Top,
    UriParameters,
    BodyParameters,
    RequestFormats,
    ResponseDescription,
    ResponseFormats,
    Other,
}

fn section_of(text: &str) -> Option<Section> {
    Some(match text.trim().to_ascii_lowercase().as_str() {
        "request information" | "response information" => Section::Other,
        "uri parameters" => Section::UriParameters,
        "body parameters" => Section::BodyParameters,
        "request formats" => Section::RequestFormats,
        "resource description" => Section::ResponseDescription,
        "response formats" => Section::ResponseFormats,
        _ => return None,
    })
}

/// A group of media types and the sample shown for them.
#[derive(Debug, Default)]
struct Format {
    media_types: Vec<String>,
    /// Indexes of the sample's lines.
    sample: Vec<usize>,
}

/// Extract a help page given as lines (from text or HTML).
pub fn extract_lines(file: &str, lines: &[Line], format: SourceFormat) -> PageExtraction {
    let mut errors = Vec::new();
    let mut page = Page {
        file: file.to_string(),
        format,
        ..Default::default()
    };
    let Some((decl_at, method, path)) = lines
        .iter()
        .enumerate()
        .find_map(|(i, l)| common::parse_declaration(&l.text).map(|(m, p)| (i, m, p)))
    else {
        let line = lines.first().map_or(1, |l| l.line);
        errors.push(ExtractError::new(
            file,
            line,
            1,
            "expected the help page's `METHOD API/path` heading",
        ));
        return PageExtraction {
            page,
            errors,
            ..PageExtraction::default()
        };
    };
    page.title = lines[decl_at].text.clone();
    // The action's documentation, shown under the title, names the endpoint when present.
    let documentation = lines[decl_at + 1..]
        .iter()
        .find(|l| !l.is_blank())
        .filter(|l| section_of(&l.text).is_none() && !matches!(l.kind, LineKind::Row(_)))
        .map(|l| l.text.clone());
    let heading = documentation.unwrap_or_else(|| page.title.clone());
    let mut endpoint = common::endpoint(&method, &path, &heading, lines[decl_at].line, true);
    // the whole documentation is the description: its lines up to the first section
    let described: Vec<String> = lines[decl_at + 1..]
        .iter()
        .take_while(|l| section_of(&l.text).is_none() && !matches!(l.kind, LineKind::Row(_)))
        .filter(|l| l.kind == LineKind::Text || l.kind == LineKind::Heading)
        .map(|l| l.text.clone())
        .collect();
    let deprecation = prose::wording::section_deprecation("", &described);
    endpoint.description = described.join("\n\n");
    endpoint.deprecated = deprecation.deprecated;
    endpoint.replaced_by = deprecation.replaced_by;

    let mut section = Section::Top;
    let mut header: Option<Vec<String>> = None;
    let mut request_formats: Vec<Format> = Vec::new();
    let mut response_formats: Vec<Format> = Vec::new();
    let mut response_documented = false;
    let mut in_sample = false;
    for (i, line) in lines.iter().enumerate().skip(decl_at + 1) {
        if line.is_blank() {
            continue;
        }
        let text = line.text.as_str();
        if let Some(s) = section_of(text) {
            section = s;
            header = None;
            in_sample = false;
            continue;
        }
        let formats = match section {
            Section::RequestFormats => &mut request_formats,
            Section::ResponseFormats => &mut response_formats,
            Section::UriParameters | Section::BodyParameters => {
                if let LineKind::Row(cells) = &line.kind {
                    if header.is_none() && is_header(cells) {
                        header = Some(cells.iter().map(|c| c.to_ascii_lowercase()).collect());
                    } else if let Some(p) = param(cells, header.as_deref(), &endpoint) {
                        endpoint.params.push(p);
                    }
                }
                continue;
            }
            Section::ResponseDescription => {
                if !text.eq_ignore_ascii_case("none.") {
                    response_documented = true;
                }
                continue;
            }
            Section::Top | Section::Other => continue,
        };
        if let Some(types) = media_types(text) {
            formats.push(Format {
                media_types: types,
                sample: Vec::new(),
            });
            in_sample = false;
        } else if text.eq_ignore_ascii_case("sample:") {
            in_sample = true;
        } else if let (true, Some(current)) = (in_sample, formats.last_mut()) {
            current.sample.push(i);
        }
    }

    prose::add_route_params(&mut endpoint.params, &endpoint.route);

    let mut reconstructed = Reconstruction::default();
    let mut placeholders = Vec::new();
    let mut request: RequestSpec = common::request(&method, &path, Some(&endpoint));
    // `?format={format}` declares a query parameter; it is no example value.
    request
        .query
        .retain(|q| !(q.value.starts_with('{') && q.value.ends_with('}')));
    request.media_types = request_formats
        .iter()
        .flat_map(|f| f.media_types.clone())
        .collect();
    request.body = json_sample(
        file,
        lines,
        &request_formats,
        &mut errors,
        &mut reconstructed,
    );
    let response_body = json_sample(
        file,
        lines,
        &response_formats,
        &mut errors,
        &mut reconstructed,
    );
    if let Some(body) = &request.body {
        sample_values(body, BodyRef::Request, "", &mut placeholders);
    }
    if let Some(body) = &response_body {
        sample_values(body, BodyRef::Response, "", &mut placeholders);
    }
    // Web API answers 204 No Content for an action that returns nothing.
    let status = if response_formats.is_empty() && !response_documented {
        204
    } else {
        200
    };
    let response = ResponseSpec {
        status,
        body: response_body,
        media_types: response_formats
            .iter()
            .flat_map(|f| f.media_types.clone())
            .collect(),
        ..Default::default()
    };
    let touched = !reconstructed.repairs.is_empty() || reconstructed.unrepaired.is_some();
    page.fixtures.push(Fixture {
        source: Source {
            file: file.to_string(),
            line: lines[decl_at].line,
            format,
            ..Default::default()
        },
        page: page.title.clone(),
        endpoint: endpoint.heading.clone(),
        title: String::new(),
        request,
        response,
        params: endpoint.params.clone(),
        deprecated: endpoint.deprecated,
        replaced_by: endpoint.replaced_by.clone(),
        placeholders,
        reconstructed: touched.then_some(reconstructed),
        ..Default::default()
    });
    page.endpoints.push(endpoint);
    PageExtraction {
        page,
        errors,
        ..PageExtraction::default()
    }
}

/// `application/json, text/json` -> both; `None` for anything else.
fn media_types(text: &str) -> Option<Vec<String>> {
    let types: Vec<String> = text.split(',').map(|t| t.trim().to_string()).collect();
    let valid = types.iter().all(|t| {
        let Some((kind, sub)) = t.split_once('/') else {
            return false;
        };
        let ok = |s: &str| {
            !s.is_empty()
                && s.chars()
                    .all(|c| c.is_ascii_alphanumeric() || "+-.*_".contains(c))
        };
        ok(kind) && ok(sub)
    });
    valid.then_some(types)
}

fn is_header(cells: &[String]) -> bool {
    cells
        .first()
        .is_some_and(|c| c.eq_ignore_ascii_case("name"))
        && cells.iter().any(|c| c.eq_ignore_ascii_case("type"))
}

/// A parameter from a table row. Columns follow the header; a text row whose empty cells
/// were left out keeps its name first and its annotation ("Required", "None.") last, with
/// the type right before the annotation.
fn param(
    cells: &[String],
    header: Option<&[String]>,
    endpoint: &crate::fixture::Endpoint,
) -> Option<Param> {
    let col = |name: &str| header.and_then(|h| h.iter().position(|c| c.starts_with(name)));
    let (name, description, ty, annotation) = match (
        col("name"),
        col("description"),
        col("type"),
        col("additional"),
    ) {
        (Some(n), Some(d), Some(t), Some(a))
            if cells.len() == header.map_or(0, <[String]>::len) =>
        {
            (
                cells[n].clone(),
                cells[d].clone(),
                cells[t].clone(),
                cells[a].clone(),
            )
        }
        _ => match cells {
            [] => return None,
            [name] => (name.clone(), String::new(), String::new(), String::new()),
            [name, ty] => (name.clone(), String::new(), ty.clone(), String::new()),
            [name, ty, annotation] => (name.clone(), String::new(), ty.clone(), annotation.clone()),
            [name, middle @ .., ty, annotation] => (
                name.clone(),
                middle.join(" "),
                ty.clone(),
                annotation.clone(),
            ),
        },
    };
    let annotation = annotation.trim();
    let note = if annotation.eq_ignore_ascii_case("none.") {
        ""
    } else {
        annotation
    };
    let full = [description.trim(), note]
        .into_iter()
        .filter(|s| !s.is_empty())
        .collect::<Vec<_>>()
        .join(" ");
    let mut p = prose::param(&name, &ty, &full, &endpoint.method, &endpoint.route);
    p.description = full;
    // route parameters are required whatever the annotation says
    p.required |= annotation
        .split(|c: char| !c.is_alphanumeric())
        .any(|w| w.eq_ignore_ascii_case("required"));
    Some(p)
}

/// The first JSON sample among `formats` (XML and form samples are left to their media
/// types); a sample that does not parse is reported.
fn json_sample(
    file: &str,
    lines: &[Line],
    formats: &[Format],
    errors: &mut Vec<ExtractError>,
    reconstructed: &mut Reconstruction,
) -> Option<Value> {
    let format = formats.iter().find(|f| {
        f.media_types.iter().any(|t| t.contains("json"))
            && f.sample
                .first()
                .is_some_and(|&i| lines[i].text.starts_with(['{', '[', '"']))
    })?;
    let texts: Vec<&str> = format
        .sample
        .iter()
        .map(|&i| lines[i].text.as_str())
        .collect();
    match repair::repair(&texts) {
        Ok(r) => {
            reconstructed.repairs.extend(r.repairs);
            Some(r.value)
        }
        Err(e) => {
            let message = format!("sample cannot be repaired: {}", e.message);
            let at = &lines[format
                .sample
                .get(e.line)
                .copied()
                .unwrap_or(format.sample[0])];
            errors.push(ExtractError::new(
                file,
                at.line,
                e.col + at.indent,
                message.clone(),
            ));
            reconstructed.unrepaired = Some(message);
            None
        }
    }
}

/// Mark every value the help page generated from its type.
pub fn sample_values(value: &Value, body: BodyRef, pointer: &str, out: &mut Vec<Placeholder>) {
    match value {
        Value::Array(items) => {
            for (i, item) in items.iter().enumerate() {
                sample_values(item, body, &format!("{pointer}/{i}"), out);
            }
        }
        Value::Object(map) => {
            for (k, v) in map {
                sample_values(v, body, &format!("{pointer}/{}", pointer::token(k)), out);
            }
        }
        scalar if is_generated(scalar) => out.push(Placeholder {
            body,
            pointer: pointer.to_string(),
            kind: PlaceholderKind::SampleValue,
        }),
        _ => {}
    }
}

/// Whether a value is one the help page's sample generator makes from a type: numbers and
/// `true` (from the member's index), `"sample string N"`, GUIDs, dates, the byte array
/// `"QEA="`, the char `"A"`, the time span `"00:00:00.1234567"`, `http://webapihelppageN.com`.
pub fn is_generated(value: &Value) -> bool {
    match value {
        Value::Bool(_) | Value::Number(_) => true,
        Value::String(s) => {
            let s = s.as_str();
            s.strip_prefix("sample string ")
                .is_some_and(|n| n.parse::<u32>().is_ok())
                || is_guid(s)
                || is_date(s)
                || matches!(s, "QEA=" | "A" | "00:00:00.1234567")
                || (s.starts_with("http://webapihelppage") && s.contains(".com"))
        }
        _ => false,
    }
}

fn is_guid(s: &str) -> bool {
    let groups: Vec<&str> = s.split('-').collect();
    groups.len() == 5
        && groups
            .iter()
            .zip([8, 4, 4, 4, 12])
            .all(|(g, n)| g.len() == n && g.chars().all(|c| c.is_ascii_hexdigit()))
}

/// `2026-07-03T22:16:25.0894179+03:00` and other ISO 8601 date-times.
fn is_date(s: &str) -> bool {
    let b = s.as_bytes();
    b.len() >= 19
        && b[..4].iter().all(u8::is_ascii_digit)
        && b[4] == b'-'
        && b[7] == b'-'
        && b[10] == b'T'
        && b[13] == b':'
        && b[16] == b':'
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn joins_rows_that_run_over_several_lines() {
        let lines = rows_from_text(
            "URI Parameters\n| Name | Description | Type | Additional information |\n|---|---|---|---|\n| patientId | integer |\nRequired |\nBody Parameters\nMy.Type| Name | Type |\n",
        );
        let kinds: Vec<_> = lines.iter().map(|l| (&l.kind, l.line)).collect();
        let row = |cells: &[&str]| LineKind::Row(cells.iter().map(|c| c.to_string()).collect());
        assert_eq!(
            kinds,
            vec![
                (&LineKind::Text, 1),
                (
                    &row(&["Name", "Description", "Type", "Additional information"]),
                    2
                ),
                (&row(&["patientId", "integer", "Required"]), 4),
                (&LineKind::Text, 6),
                (&LineKind::Text, 7),
                (&row(&["Name", "Type"]), 7),
            ]
        );
        assert_eq!(lines[4].text, "My.Type");
    }

    #[test]
    fn recognises_generated_sample_values() {
        for v in [
            json!("sample string 5"),
            json!(1),
            json!(true),
            json!("63304feb-4567-48aa-940d-8c47a92d3f00"),
            json!("2026-07-03T22:16:25.0894179+03:00"),
            json!("QEA="),
        ] {
            assert!(is_generated(&v), "{v}");
        }
        for v in [json!("rom"), json!(null), json!("sample string")] {
            assert!(!is_generated(&v), "{v}");
        }
    }

    #[test]
    fn reads_media_type_lines() {
        assert_eq!(
            media_types("application/json, text/json"),
            Some(vec!["application/json".into(), "text/json".into()])
        );
        assert_eq!(media_types("Sample:"), None);
        assert_eq!(media_types("Response Formats"), None);
    }
}
