//! Pieces every format extractor shares: endpoint declarations, and binding an example's
//! concrete path to the endpoint it exemplifies. Parameter rows are read in [`super::prose`].

use crate::fixture::{normalize_route, Endpoint, RequestSpec, RouteTemplate};

/// HTTP methods recognised in endpoint declarations and sample requests.
pub const METHODS: &[&str] = &["GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS"];

/// Parse `POST /api/v1/x/:id/` (or `POST API/V1/...`) into method and path.
pub fn parse_declaration(line: &str) -> Option<(String, String)> {
    let line = line.trim();
    let (method, rest) = line.split_once(char::is_whitespace)?;
    // Declarations write the method in upper case; "Post a new thing" is prose.
    if !METHODS.contains(&method) {
        return None;
    }
    let method = method.to_string();
    let mut path = rest.trim();
    // a request line: `GET /path HTTP/1.1`
    if let Some((p, version)) = path.rsplit_once(char::is_whitespace) {
        if version.starts_with("HTTP/") {
            path = p.trim();
        }
    }
    // a full URL: `GET https://api.example.com/v1/users`
    for scheme in ["https://", "http://"] {
        if let Some(rest) = path.strip_prefix(scheme) {
            path = rest.find('/').map_or("/", |i| &rest[i..]);
        }
    }
    if path.is_empty() || path.contains(char::is_whitespace) {
        return None;
    }
    let looks_like_path = path.starts_with('/') || path.split('/').count() > 1;
    looks_like_path.then(|| (method, path.to_string()))
}

/// An endpoint declaration with its route normalized.
pub fn endpoint(
    method: &str,
    path: &str,
    heading: &str,
    line: usize,
    case_insensitive: bool,
) -> Endpoint {
    Endpoint {
        method: method.to_ascii_uppercase(),
        path: path.to_string(),
        route: normalize_route(path).route,
        heading: heading.trim().to_string(),
        line,
        description: String::new(),
        deprecated: false,
        replaced_by: None,
        params: Vec::new(),
        response_fields: Vec::new(),
        case_insensitive,
        examples: Vec::new(),
    }
}

/// Strip Markdown emphasis and code marks and surrounding white space.
pub fn clean(text: &str) -> String {
    text.replace(['`', '*'], "").trim().to_string()
}

/// The request of an example: method and path as documented, the route normalized, and the
/// concrete path segments bound to the parameters of `declared` (the endpoint the example
/// belongs to) as example values. Without a matching declaration the example's own path is the
/// route.
pub fn request(method: &str, path: &str, declared: Option<&Endpoint>) -> RequestSpec {
    let normalized = normalize_route(path);
    let method = method.to_ascii_uppercase();
    let mut spec = RequestSpec {
        method,
        path: path.to_string(),
        route: normalized.route.clone(),
        query: normalized.query,
        trailing_slash: normalized.trailing_slash,
        json_suffix: normalized.json_suffix,
        ..Default::default()
    };
    if let Some(endpoint) = declared {
        let template = RouteTemplate::parse(&endpoint.route);
        if let Some(values) = template.match_path(path, endpoint.case_insensitive) {
            spec.route = endpoint.route.clone();
            spec.path_params = values.into_iter().collect();
            spec.case_insensitive = endpoint.case_insensitive;
            let declared_path = normalize_route(&endpoint.path);
            spec.trailing_slash |= declared_path.trailing_slash;
            spec.json_suffix |= declared_path.json_suffix;
        }
    }
    spec
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn binds_concrete_segments_to_the_declared_route() {
        let e = endpoint(
            "GET",
            "/api/v1/dossiers/:dossier_id/responses.json",
            "List",
            3,
            false,
        );
        let r = request("GET", "/api/v1/dossiers/epd_id_index/responses", Some(&e));
        assert_eq!(r.route, "/api/v1/dossiers/{dossier_id}/responses");
        assert_eq!(r.path_params["dossier_id"], "epd_id_index");
        assert!(r.json_suffix);
        assert_eq!(
            parse_declaration("POST /a/:b/"),
            Some(("POST".into(), "/a/:b/".into()))
        );
        assert_eq!(
            parse_declaration("POST API/V1/Patients/{patientId}/Forms")
                .unwrap()
                .1,
            "API/V1/Patients/{patientId}/Forms"
        );
        assert_eq!(parse_declaration("Post a new thing"), None);
        assert_eq!(
            parse_declaration("GET https://api.example.com/v1/users/{id} HTTP/1.1"),
            Some(("GET".into(), "/v1/users/{id}".into()))
        );
    }
}
