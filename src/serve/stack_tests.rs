//! The serving stack as a whole, driven in-process: what a reload and a dropped server free,
//! the order of the layers, and the admin routes' answers.

use super::stack::{self, layers};
use super::{router, run, Config, Server};
use crate::extract::{self, DocsLocation, Options};
use crate::fixture::DocSet;
use axum::body::Body;
use axum::http::{Request, Response, StatusCode};
use axum::routing::get;
use axum::Router;
use std::sync::{Arc, Weak};
use tower::ServiceExt;

fn default_docs() -> DocSet {
    extract::load(&DocsLocation::Embedded, &Options::default())
        .unwrap()
        .docs
}

const DOCUMENTED: &str = "/api/v1/dossiers/123/protocol_subscriptions";

async fn ask(app: &Router, method: &str, path: &str, origin: Option<&str>) -> Response<Body> {
    let mut request = Request::builder().method(method).uri(path);
    if let Some(origin) = origin {
        request = request.header("origin", origin);
    }
    app.clone()
        .oneshot(request.body(Body::empty()).unwrap())
        .await
        .unwrap()
}

fn header<'a>(response: &'a Response<Body>, name: &str) -> Option<&'a str> {
    response.headers().get(name).and_then(|v| v.to_str().ok())
}

fn cors() -> Config {
    Config {
        cors: true,
        ..Config::default()
    }
}

#[test]
fn a_reload_frees_the_old_table_once_no_request_holds_it() {
    let docs = default_docs();
    let server = Server::new(&docs, Config::default());
    let old = Arc::downgrade(&server.table());
    let in_flight = server.current();
    server.replace(&docs);
    assert!(
        old.upgrade().is_some(),
        "a request in flight keeps the table it loaded"
    );
    assert_eq!(in_flight.routes.len(), server.table().routes.len());
    drop(in_flight);
    assert!(
        old.upgrade().is_none(),
        "the old table outlived its requests"
    );
}

#[tokio::test]
async fn a_dropped_router_frees_its_server() {
    let server = Server::new(&default_docs(), Config::default());
    let weak: Weak<Server> = Arc::downgrade(&server);
    let app = router(server);
    assert_eq!(ask(&app, "GET", DOCUMENTED, None).await.status(), 200);
    drop(app);
    assert!(weak.upgrade().is_none(), "the router's server outlived it");
}

#[tokio::test]
async fn a_server_run_and_shut_down_is_freed() {
    let server = Server::new(&default_docs(), Config::default());
    let weak = Arc::downgrade(&server);
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}{DOCUMENTED}", listener.local_addr().unwrap());
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    let running = tokio::spawn(run(server, listener, async {
        let _ = stopped.await;
    }));
    // a kept-alive connection too: shutting down closes it
    let client = reqwest::Client::new();
    assert_eq!(client.get(&url).send().await.unwrap().status(), 200);
    stop.send(()).unwrap();
    running.await.unwrap().unwrap();
    assert!(weak.upgrade().is_none(), "the server outlived `run`");
}

fn boom() -> Router {
    Router::new().route("/boom", get(|| async { panic!("boom") as &'static str }))
}

#[tokio::test]
async fn with_cors_a_caught_panic_answers_500_with_the_cors_headers() {
    let server = Server::new(&DocSet::default(), cors());
    // the layers alone, and the whole stack a router is (behind the admin routes)
    for app in [
        boom().layer(layers(&cors())),
        stack::router(&server, boom(), Router::new()),
    ] {
        let answer = ask(&app, "GET", "/boom", Some("http://app.example")).await;
        assert_eq!(answer.status(), StatusCode::INTERNAL_SERVER_ERROR);
        assert_eq!(header(&answer, "x-docmock-error"), Some("internal"));
        assert_eq!(header(&answer, "access-control-allow-origin"), Some("*"));
    }
}

#[tokio::test]
async fn a_panic_in_a_services_call_is_caught_too() {
    // the stub answers most requests inside `call`, before any future is polled
    let panics_in_call = tower::service_fn(
        |_: Request<Body>| -> std::future::Ready<Result<Response<Body>, std::convert::Infallible>> {
            panic!("in call")
        },
    );
    let answer = layers(&Config::default())
        .service(panics_in_call)
        .oneshot(Request::new(Body::empty()))
        .await
        .unwrap();
    assert_eq!(answer.status(), StatusCode::INTERNAL_SERVER_ERROR);
    assert_eq!(header(&answer, "x-docmock-error"), Some("internal"));
}

#[tokio::test]
async fn an_admin_endpoint_answers_another_method_with_405_and_allow() {
    let app = router(Server::new(&DocSet::default(), Config::default()));
    for path in ["/__docmock/requests", "/__docmock/requests/"] {
        let answer = ask(&app, "PUT", path, None).await;
        assert_eq!(answer.status(), StatusCode::METHOD_NOT_ALLOWED, "{path}");
        assert_eq!(header(&answer, "allow"), Some("GET,HEAD,DELETE"), "{path}");
        assert_eq!(
            header(&answer, "x-docmock-error"),
            Some("method-not-allowed")
        );
    }
    let answer = ask(&app, "POST", "/__docmock/coverage", None).await;
    assert_eq!(header(&answer, "allow"), Some("GET,HEAD"));
    let answer = ask(&app, "DELETE", "/__docmock/requests/", None).await;
    assert_eq!(answer.status(), StatusCode::NO_CONTENT);
}

#[tokio::test]
async fn an_unknown_admin_path_is_docmocks_own_404() {
    let app = router(Server::new(&DocSet::default(), Config::default()));
    for path in ["/__docmock/", "/__docmock/x", "/__docmock/requests/x"] {
        let answer = ask(&app, "GET", path, None).await;
        assert_eq!(answer.status(), StatusCode::NOT_FOUND, "{path}");
        assert_eq!(
            header(&answer, "x-docmock-error"),
            Some("no-route"),
            "{path}"
        );
    }
}

#[tokio::test]
async fn with_cors_the_admin_endpoints_stay_out_of_it_unless_asked() {
    let docs = default_docs();
    let origin = Some("http://app.example");
    let app = router(Server::new(&docs, cors()));
    let documented = ask(&app, "GET", DOCUMENTED, origin).await;
    assert_eq!(
        header(&documented, "access-control-allow-origin"),
        Some("*")
    );
    let journal = ask(&app, "GET", "/__docmock/requests", origin).await;
    assert_eq!(journal.status(), StatusCode::OK);
    assert_eq!(header(&journal, "access-control-allow-origin"), None);
    let preflight = Request::builder()
        .method("OPTIONS")
        .uri("/__docmock/requests")
        .header("origin", "http://app.example")
        .header("access-control-request-method", "DELETE")
        .body(Body::empty())
        .unwrap();
    let preflight = app.clone().oneshot(preflight).await.unwrap();
    assert_eq!(preflight.status(), StatusCode::METHOD_NOT_ALLOWED);
    assert_eq!(header(&preflight, "access-control-allow-origin"), None);

    let config = Config {
        cors_admin: true,
        ..cors()
    };
    let app = router(Server::new(&docs, config));
    let journal = ask(&app, "GET", "/__docmock/requests", origin).await;
    assert_eq!(header(&journal, "access-control-allow-origin"), Some("*"));
}
