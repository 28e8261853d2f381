//! The admin endpoints under `/__docmock/`: the request journal (`GET` to read, `DELETE` to
//! reset), the documented routes and the global cases, and coverage (which cases were served,
//! which never were; global cases under method and route `*`).

use super::own::json_response;
use super::response::ERROR_HEADER;
use super::table::Table;
use super::Server;
use axum::body::Body;
use axum::http::{header, HeaderValue, Method, Response, StatusCode};
use serde_json::{json, Value};

/// `/__docmock/...`: the journal, the routes, coverage.
pub(crate) fn answer(server: &Server, method: &Method, path: &str) -> Response<Body> {
    let path = path.trim_end_matches('/');
    match (method.as_str(), path) {
        ("GET", "requests") => json_response(StatusCode::OK, &journal_view(server)),
        ("DELETE", "requests") => {
            server.journal.clear();
            let mut response = Response::new(Body::empty());
            *response.status_mut() = StatusCode::NO_CONTENT;
            response
        }
        ("GET", "routes") => json_response(StatusCode::OK, &routes_view(&server.table())),
        ("GET", "coverage") => json_response(StatusCode::OK, &coverage_view(&server.table())),
        (_, "requests" | "routes" | "coverage") => {
            let allow = if path == "requests" {
                "GET, DELETE"
            } else {
                "GET"
            };
            let mut response = json_response(
                StatusCode::METHOD_NOT_ALLOWED,
                &json!({"error": format!("/__docmock/{path} answers {allow}")}),
            );
            let headers = response.headers_mut();
            headers.insert(header::ALLOW, HeaderValue::from_static(allow));
            headers.insert(ERROR_HEADER, HeaderValue::from_static("method-not-allowed"));
            response
        }
        _ => {
            let mut response = json_response(
                StatusCode::NOT_FOUND,
                &json!({
                    "error": format!("no docmock endpoint /__docmock/{path}"),
                    "closest": ["GET /__docmock/requests", "DELETE /__docmock/requests", "GET /__docmock/routes", "GET /__docmock/coverage"],
                }),
            );
            response
                .headers_mut()
                .insert(ERROR_HEADER, HeaderValue::from_static("no-route"));
            response
        }
    }
}

/// The journal, each request a fallback answered with the documented cases it came close to.
fn journal_view(server: &Server) -> Value {
    let mut view = server.journal.snapshot();
    let table = server.table();
    for entry in &mut view.requests {
        if super::explain::is_fallback(entry.reason) && !entry.body_truncated {
            let body = entry.body.as_deref().unwrap_or("").as_bytes();
            entry.near_misses = super::explain::near_misses_of(
                &table,
                &entry.method,
                &entry.path,
                &entry.query,
                body,
            );
        }
    }
    json!(view)
}

fn routes_view(table: &Table) -> Value {
    let routes: Vec<Value> = table
        .routes
        .iter()
        .map(|route| {
            let mut view = json!({
                "method": route.method,
                "route": route.route,
                "case_insensitive": route.case_insensitive,
                "cases": route.cases.iter().map(|c| json!({
                    "id": c.id,
                    "status": c.status,
                    "title": c.title,
                })).collect::<Vec<_>>(),
            });
            // parameters no declaration gives, inferred from the examples' paths
            let mut inferred: Vec<&str> = Vec::new();
            for name in route.cases.iter().flat_map(|c| &c.request.inferred) {
                if !inferred.contains(&name.as_str()) {
                    inferred.push(name);
                }
            }
            if !inferred.is_empty() {
                view["inferred"] = json!(inferred);
            }
            view
        })
        .collect();
    // cases of every route, answered when a route is asked for a case it does not document
    let global: Vec<Value> = table
        .global
        .iter()
        .map(|c| {
            json!({
                "id": c.id,
                "status": c.status,
                "title": c.title,
                "documented_as": format!("{} {}", c.request.method, c.request.path),
            })
        })
        .collect();
    json!({"routes": routes, "global": global})
}

fn coverage_view(table: &Table) -> Value {
    let mut served = Vec::new();
    let mut never_served = Vec::new();
    let routed = table.routes.iter().flat_map(|r| {
        r.cases
            .iter()
            .map(move |c| (c, r.method.as_str(), r.route.as_str()))
    });
    let global = table.global.iter().map(|c| (c, "*", "*"));
    for (case, method, route) in routed.chain(global) {
        let count = case.served_count();
        let item = json!({
            "id": case.id,
            "method": method,
            "route": route,
            "status": case.status,
            "count": count,
        });
        if count > 0 {
            served.push(item);
        } else {
            never_served.push(item);
        }
    }
    json!({
        "cases": table.case_count() + table.global.len(),
        "served_count": served.len(),
        "served": served,
        "never_served": never_served,
    })
}
