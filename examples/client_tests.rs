//! A client crate's tests against the documented stub: the client below is what a crate
//! calling the protocol-subscriptions API would hold; its tests start docmock's stub of the
//! API's own docs (the embedded default docs here; `MockServer::start("docs")` for a folder)
//! and check both what the client made of the answers and what the stub was asked.
//!
//! `cargo test --example client_tests` runs them (`cargo test` does too: `test = true` in
//! Cargo.toml).

use serde_json::{json, Value};

/// The client under test: a thin wrapper over the documented endpoints.
pub struct Subscriptions {
    base: String,
    http: reqwest::Client,
}

/// What the client reports when the API says no.
#[derive(Debug, PartialEq)]
pub enum SubscribeError {
    UnknownProtocol,
    Rejected(Value),
    Unexpected(u16),
}

impl Subscriptions {
    pub fn new(base: impl Into<String>) -> Subscriptions {
        Subscriptions {
            base: base.into(),
            http: reqwest::Client::new(),
        }
    }

    /// The protocol keys a patient is subscribed to.
    pub async fn active(&self, dossier: &str) -> reqwest::Result<Vec<String>> {
        let url = format!(
            "{}/api/v1/dossiers/{dossier}/protocol_subscriptions",
            self.base
        );
        let bytes = self.http.get(url).send().await?.bytes().await?;
        let list: Vec<Value> = serde_json::from_slice(&bytes).unwrap_or_default();
        Ok(list
            .iter()
            .filter_map(|s| s["protocol_key"].as_str().map(str::to_string))
            .collect())
    }

    /// Subscribe a patient to a protocol; the new subscription's id.
    pub async fn subscribe(&self, dossier: &str, protocol: &str) -> Result<u64, SubscribeError> {
        let url = format!(
            "{}/api/v1/dossiers/{dossier}/protocol_subscriptions",
            self.base
        );
        let response = self
            .http
            .post(url)
            .header(reqwest::header::CONTENT_TYPE, "application/json")
            .body(json!({"protocol_key": protocol}).to_string())
            .send()
            .await
            .map_err(|_| SubscribeError::Unexpected(0))?;
        let status = response.status().as_u16();
        let bytes = response.bytes().await.unwrap_or_default();
        let body: Value = serde_json::from_slice(&bytes).unwrap_or(Value::Null);
        match status {
            200 => body["id"]
                .as_u64()
                .ok_or(SubscribeError::Unexpected(status)),
            404 => Err(SubscribeError::UnknownProtocol),
            422 => Err(SubscribeError::Rejected(body["errors"].clone())),
            other => Err(SubscribeError::Unexpected(other)),
        }
    }
}

fn main() {
    println!("run the tests: cargo test --example client_tests");
}

#[cfg(test)]
mod tests {
    use super::*;
    use docmock::MockServer;

    async fn stub() -> MockServer {
        MockServer::builder().embedded_docs().start().await.unwrap()
    }

    #[tokio::test]
    async fn subscribing_returns_the_documented_subscription_id() {
        let server = stub().await;
        server
            .expect("protocol-subscriptions/start-a-protocol-subscription/success")
            .times(1);
        let client = Subscriptions::new(server.uri());
        assert_eq!(client.subscribe("42", "rom").await, Ok(124));
        // the expectation is checked when `server` is dropped
    }

    #[tokio::test]
    async fn the_active_list_reads_protocol_keys() {
        let server = stub().await;
        let client = Subscriptions::new(server.uri());
        assert_eq!(client.active("42").await.unwrap(), ["rom"]);
        let received = server.received_requests();
        assert_eq!(received.len(), 1);
        assert_eq!(
            received[0].path(),
            "/api/v1/dossiers/42/protocol_subscriptions"
        );
    }

    #[tokio::test]
    async fn a_documented_422_becomes_a_rejection_with_its_errors() {
        // The docs document two 422 cases: pick one the way a client test would, through the
        // stub's `Prefer` header, by fixture id.
        let server = stub().await;
        server
            .expect_code(
                "POST /api/v1/dossiers/{dossier_id}/protocol_subscriptions",
                422,
            )
            .times(1);
        let id = "protocol-subscriptions/start-a-protocol-subscription/when-a-flag-is-set-to-an-invalid-value";
        let client = Subscriptions {
            base: server.uri(),
            http: reqwest::Client::builder()
                .default_headers(
                    [(
                        reqwest::header::HeaderName::from_static("prefer"),
                        format!("example={id}").parse().unwrap(),
                    )]
                    .into_iter()
                    .collect(),
                )
                .build()
                .unwrap(),
        };
        assert_eq!(
            client.subscribe("42", "rom").await,
            Err(SubscribeError::Rejected(
                json!({"base": ["flag_value_invalid"]})
            ))
        );
    }
}
