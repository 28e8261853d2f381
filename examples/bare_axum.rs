//! The benchmark's baseline: a bare axum server answering one route with the same bytes
//! `docmock serve` sends for one documented case of the default docs (the protocol
//! subscriptions list), and nothing else: no matching beyond axum's router, no case
//! selection, no journal, no logs.
//!
//! `cargo run --release --example bare_axum -- [PORT]` prints `bare axum serving on http://ADDR`.

use axum::http::{header, HeaderValue};
use axum::routing::get;
use axum::Router;
use bytes::Bytes;
use docmock::extract::{DocsLocation, Options};

/// The documented case both servers answer with.
const FIXTURE: &str =
    "protocol-subscriptions/list-active-protocol-subscriptions-for-a-patient/success";

fn main() -> anyhow::Result<()> {
    let port: u16 = std::env::args()
        .nth(1)
        .map(|p| p.parse())
        .transpose()?
        .unwrap_or(0);
    let docs = docmock::extract::load(&DocsLocation::Embedded, &Options::default())?.docs;
    let fixture = docs
        .fixture(FIXTURE)
        .ok_or_else(|| anyhow::anyhow!("no fixture {FIXTURE} in the default docs"))?;
    let body = Bytes::from(serde_json::to_vec(
        fixture
            .response
            .body
            .as_ref()
            .unwrap_or(&serde_json::Value::Null),
    )?);
    let app = Router::new().route(
        "/api/v1/dossiers/{dossier_id}/protocol_subscriptions",
        get(move || {
            let body = body.clone();
            async move {
                (
                    [(
                        header::CONTENT_TYPE,
                        HeaderValue::from_static("application/json"),
                    )],
                    body,
                )
            }
        }),
    );
    tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()?
        .block_on(async {
            let listener = tokio::net::TcpListener::bind(("127.0.0.1", port)).await?;
            println!("bare axum serving on http://{}", listener.local_addr()?);
            axum::serve(listener, app).await?;
            Ok(())
        })
}
