//! The one stack every docmock server serves: the admin endpoints under `/__docmock/`, the
//! app (the stub's handler, the proxy's, `--fallback`'s) for everything else, and the layers
//! both wear in one order.
//!
//! [`Stack`] sends a request to one or the other by its path prefix, so a documented request
//! reaches the handler without a path table, a boxed route or a reference-counted router
//! clone in front of it.

use super::{admin, own::own_error, response, Config, Server};
use axum::body::{Body, HttpBody};
use axum::http::{HeaderValue, Request, Response, StatusCode};
use axum::Router;
use futures_util::future::Either;
use serde_json::json;
use std::any::Any;
use std::convert::Infallible;
use std::future::Future;
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll};
use tower::layer::util::{Identity, Stack as Then};
use tower::{Layer, ServiceBuilder};
use tower_http::cors::CorsLayer;
use tower_service::Service;

/// The admin routes in front of `app`. Cloned per request by hyper: both halves are cheap to
/// clone (an `Arc`'d router, a handler and its `Arc` state).
#[derive(Clone)]
pub struct Stack<A> {
    admin: Router,
    app: A,
}

/// `app` behind the admin endpoints (serve's, plus `more_admin`). `app` wears [`layers`]
/// already; the admin endpoints wear them too but stay out of CORS unless `cors_admin`, so
/// no web page can read the journal (it holds request bodies) or clear it.
pub(crate) fn stack<A>(server: &Arc<Server>, app: A, more_admin: Router) -> Stack<A> {
    let config = &server.config;
    let admin = admin::routes(server, more_admin);
    let cors = cors(config).filter(|_| config.cors_admin);
    Stack {
        admin: admin.layer(layers_with(cors)),
        app,
    }
}

/// [`stack`] of an app that is a router (the proxy's, `--fallback`'s), wearing [`layers`],
/// as a router.
pub(crate) fn router(server: &Arc<Server>, app: Router, more_admin: Router) -> Router {
    let app = app.layer(layers(&server.config));
    Router::new().fallback_service(stack(server, app, more_admin))
}

/// Is `path` one of docmock's own admin endpoints?
fn is_admin(path: &str) -> bool {
    path.strip_prefix("/__docmock")
        .is_some_and(|rest| rest.is_empty() || rest.starts_with('/'))
}

impl<A, B> Service<Request<B>> for Stack<A>
where
    A: Service<Request<Body>, Response = Response<Body>, Error = Infallible>,
    B: HttpBody<Data = axum::body::Bytes> + Send + 'static,
    B::Error: Into<axum::BoxError>,
{
    type Response = Response<Body>;
    type Error = Infallible;
    type Future = Either<axum::routing::future::RouteFuture<Infallible>, A::Future>;

    fn poll_ready(&mut self, cx: &mut Context<'_>) -> Poll<Result<(), Infallible>> {
        // an axum router is always ready; the app decides
        self.app.poll_ready(cx)
    }

    fn call(&mut self, request: Request<B>) -> Self::Future {
        let request = request.map(Body::new);
        if is_admin(request.uri().path()) {
            Either::Left(Service::<Request<Body>>::call(&mut self.admin, request))
        } else {
            Either::Right(self.app.call(request))
        }
    }
}

/// The layers every docmock answer wears, outermost first.
pub(crate) type Layers =
    ServiceBuilder<Then<CatchPanicLayer, Then<tower::util::Either<CorsLayer, Identity>, Identity>>>;

/// The layers every docmock answer wears, in one order: CORS (when asked) outermost, so even
/// the 500 of a caught panic carries its headers; catching panics inside it.
pub(crate) fn layers(config: &Config) -> Layers {
    layers_with(cors(config))
}

fn layers_with(cors: Option<CorsLayer>) -> Layers {
    ServiceBuilder::new()
        .option_layer(cors)
        .layer(CatchPanicLayer)
}

/// Catches a panic in a service's `call` or while its answer is computed: the request gets
/// [`panic_answer`] instead of a dropped connection.
///
/// tower-http's `CatchPanic` does the same, but its answers have a body type of its own,
/// which boxed every answer's body a second time on its way back to axum's `Body`: an
/// allocation and a free per request on the hot path (bench/serve-results.txt).
#[derive(Clone, Copy, Debug, Default)]
pub(crate) struct CatchPanicLayer;

impl<S> Layer<S> for CatchPanicLayer {
    type Service = CatchPanic<S>;

    fn layer(&self, inner: S) -> CatchPanic<S> {
        CatchPanic(inner)
    }
}

/// `S`, its panics answered (see [`CatchPanicLayer`]).
#[derive(Clone, Debug)]
pub(crate) struct CatchPanic<S>(S);

impl<S, R> Service<R> for CatchPanic<S>
where
    S: Service<R, Response = Response<Body>, Error = Infallible>,
{
    type Response = Response<Body>;
    type Error = Infallible;
    type Future = Caught<S::Future>;

    fn poll_ready(&mut self, cx: &mut Context<'_>) -> Poll<Result<(), Infallible>> {
        self.0.poll_ready(cx)
    }

    fn call(&mut self, request: R) -> Caught<S::Future> {
        match catch_unwind(AssertUnwindSafe(|| self.0.call(request))) {
            Ok(future) => Caught::Running { future },
            Err(panic) => Caught::Panicked {
                answer: Some(panic_answer(panic)),
            },
        }
    }
}

pin_project_lite::pin_project! {
    /// The answer of a [`CatchPanic`] service.
    #[project = CaughtNow]
    pub(crate) enum Caught<F> {
        Running { #[pin] future: F },
        Panicked { answer: Option<Response<Body>> },
    }
}

impl<F> Future for Caught<F>
where
    F: Future<Output = Result<Response<Body>, Infallible>>,
{
    type Output = Result<Response<Body>, Infallible>;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        match self.project() {
            CaughtNow::Running { future } => {
                match catch_unwind(AssertUnwindSafe(|| future.poll(cx))) {
                    Ok(polled) => polled,
                    Err(panic) => Poll::Ready(Ok(panic_answer(panic))),
                }
            }
            CaughtNow::Panicked { answer } => {
                Poll::Ready(Ok(answer.take().expect("a future is not polled once done")))
            }
        }
    }
}

/// A bug in docmock answers 500, marked as docmock's own, and is logged.
fn panic_answer(panic: Box<dyn Any + Send + 'static>) -> Response<Body> {
    let message = panic
        .downcast_ref::<String>()
        .map(String::as_str)
        .or_else(|| panic.downcast_ref::<&str>().copied())
        .unwrap_or("unknown panic");
    tracing::error!(message, "docmock failed while answering a request");
    own_error(
        StatusCode::INTERNAL_SERVER_ERROR,
        "internal",
        json!({"error": format!("docmock failed: {message}")}),
    )
    .0
}

/// The CORS layer, when asked for. `--cors`: any origin without credentials; with
/// `--cors-origin`, those origins only, with credentials. Any method and header; the docmock
/// headers readable by scripts.
fn cors(config: &Config) -> Option<CorsLayer> {
    use tower_http::cors::{AllowHeaders, AllowMethods, AllowOrigin, Any};
    if !config.cors && config.cors_origins.is_empty() {
        return None;
    }
    let layer = CorsLayer::new().expose_headers([
        response::FIXTURE_HEADER,
        response::REASON_HEADER,
        response::ERROR_HEADER,
    ]);
    if config.cors_origins.is_empty() {
        return Some(
            layer
                .allow_origin(Any)
                .allow_methods(Any)
                .allow_headers(Any),
        );
    }
    let origins: Vec<HeaderValue> = config
        .cors_origins
        .iter()
        .filter_map(|o| HeaderValue::from_str(o.trim_end_matches('/')).ok())
        .collect();
    // credentials rule out `*`: methods and headers are mirrored from the preflight
    Some(
        layer
            .allow_origin(AllowOrigin::list(origins))
            .allow_credentials(true)
            .allow_methods(AllowMethods::mirror_request())
            .allow_headers(AllowHeaders::mirror_request()),
    )
}

#[cfg(test)]
mod tests {
    use super::is_admin;

    #[test]
    fn admin_paths_are_the_ones_under_the_docmock_prefix() {
        for path in [
            "/__docmock",
            "/__docmock/",
            "/__docmock/requests",
            "/__docmock/x/y",
        ] {
            assert!(is_admin(path), "{path}");
        }
        for path in [
            "/",
            "/__docmockery",
            "/api/__docmock/requests",
            "/__DOCMOCK/requests",
        ] {
            assert!(!is_admin(path), "{path}");
        }
    }
}
