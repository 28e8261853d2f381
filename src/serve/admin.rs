//! The admin endpoints under `/__docmock/`: the request journal (`GET` to read, `DELETE` to
//! reset), the documented routes and the global cases, and coverage (which cases were served,
//! which never were; global cases under method and route `*`).

use super::own::json_response;
use super::response::ERROR_HEADER;
use super::table::Table;
use super::Server;
use axum::body::Body;
use axum::extract::{Request, State};
use axum::http::{HeaderValue, Method, Response, StatusCode, Uri};
use axum::middleware::Next;
use axum::routing::{any, get, MethodRouter};
use axum::Router;
use serde_json::{json, Value};
use std::sync::Arc;

/// The admin endpoints as routes (each also with a trailing `/`), `more` (the proxy's) among
/// them; any other path under `/__docmock/` is docmock's own 404. A method an endpoint does
/// not answer gets axum's 405 with `Allow`, marked as docmock's own.
pub(crate) fn routes(server: &Arc<Server>, more: Router) -> Router {
    let endpoints: [(&str, MethodRouter<Arc<Server>>); 3] = [
        ("requests", get(requests).delete(clear_requests)),
        ("routes", get(routes_of)),
        ("coverage", get(coverage)),
    ];
    let mut router = Router::new()
        .route("/__docmock/", any(no_endpoint))
        .route("/__docmock/{*rest}", any(no_endpoint));
    for (name, methods) in endpoints {
        router = router.merge(endpoint(
            &format!("/__docmock/{name}"),
            methods,
            server.clone(),
        ));
    }
    let router = router.merge(more);
    if server.config.allowed_hosts.is_none() {
        return router;
    }
    router.layer(axum::middleware::from_fn_with_state(
        server.clone(),
        host_allowed,
    ))
}

/// The admin routes of a proxy (`/__docmock/violations`), answered like the others.
pub(crate) fn endpoint<S: Clone + Send + Sync + 'static>(
    path: &str,
    methods: MethodRouter<S>,
    state: S,
) -> Router {
    let methods = methods.fallback(method_not_allowed);
    Router::new()
        .route(path, methods.clone())
        .route(&format!("{path}/"), methods)
        .with_state(state)
}

/// Only loopback host names (and `--allow-host`) read the journal: the refusal is journaled
/// as `serve` journals it.
async fn host_allowed(
    State(server): State<Arc<Server>>,
    request: Request,
    next: Next,
) -> Response<Body> {
    let (parts, body) = request.into_parts();
    if let Some(refusal) = super::check_host(&server.config, &parts) {
        return super::finish(&server, &parts, Err(refusal));
    }
    next.run(Request::from_parts(parts, body)).await
}

async fn requests(State(server): State<Arc<Server>>) -> Response<Body> {
    json_response(StatusCode::OK, &journal_view(&server))
}

async fn clear_requests(State(server): State<Arc<Server>>) -> Response<Body> {
    server.journal.clear();
    no_content()
}

/// `204 No Content`.
pub(crate) fn no_content() -> Response<Body> {
    let mut response = Response::new(Body::empty());
    *response.status_mut() = StatusCode::NO_CONTENT;
    response
}

async fn routes_of(State(server): State<Arc<Server>>) -> Response<Body> {
    json_response(StatusCode::OK, &routes_view(&server.table()))
}

async fn coverage(State(server): State<Arc<Server>>) -> Response<Body> {
    json_response(StatusCode::OK, &coverage_view(&server.table()))
}

/// The body of a 405; axum adds `Allow`.
async fn method_not_allowed(method: Method, uri: Uri) -> Response<Body> {
    let path = uri.path().trim_end_matches('/');
    let mut response = json_response(
        StatusCode::METHOD_NOT_ALLOWED,
        &json!({"error": format!("{path} does not answer {method} (see Allow)")}),
    );
    response
        .headers_mut()
        .insert(ERROR_HEADER, HeaderValue::from_static("method-not-allowed"));
    response
}

async fn no_endpoint(uri: Uri) -> Response<Body> {
    let rest = uri.path().strip_prefix("/__docmock/").unwrap_or_default();
    let mut response = json_response(
        StatusCode::NOT_FOUND,
        &json!({
            "error": format!("no docmock endpoint /__docmock/{}", rest.trim_end_matches('/')),
            "closest": ["GET /__docmock/requests", "DELETE /__docmock/requests", "GET /__docmock/routes", "GET /__docmock/coverage"],
        }),
    );
    response
        .headers_mut()
        .insert(ERROR_HEADER, HeaderValue::from_static("no-route"));
    response
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
