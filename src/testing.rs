//! testing: the documented stub inside a Rust test.
//!
//! Docs in (a folder, the embedded default docs, or pages given as strings), a running
//! [`MockServer`] on a random loopback port out. Expectations name documented cases (by
//! fixture id, case-heading slug, or `METHOD route` and status, as `Prefer: example=` and
//! `code=` do) and are checked by [`MockServer::verify`] and when the server is dropped,
//! together with requests no documented route answers. Served by [`serve::run`]: the stack
//! `docmock serve` runs, so a test sees what the CLI's users see.
//!
//! ```
//! # tokio::runtime::Runtime::new().unwrap().block_on(async {
//! let server = docmock::MockServer::builder()
//!     .page("widgets.md", "# Widgets\n\n## Show a widget — GET /widgets/{id}\n\n### 200 OK\n\n```json\n{\"id\": 7}\n```\n")
//!     .start()
//!     .await
//!     .unwrap();
//! server.expect("widgets/show-a-widget/ok").times(1);
//! let body = reqwest::get(format!("{}/widgets/7", server.uri())).await.unwrap().text().await.unwrap();
//! assert_eq!(body.trim(), r#"{"id":7}"#);
//! server.verify();
//! # });
//! ```

use crate::extract::{self, DocFiles, DocsLocation, ExtractError, LoadError, Options};
use crate::fixture::DocSet;
use crate::serve::journal::Entry;
use crate::serve::matcher::Lookup;
use crate::serve::table::{Case, Table};
use crate::serve::{self, Config, Server};
use std::fmt::{self, Write as _};
use std::net::SocketAddr;
use std::path::Path;
use std::sync::{Arc, Mutex};

/// Where a test's docs come from: a folder, the embedded default docs, pages given as
/// strings, or a folder plus pages; import aliases as `--alias`.
///
/// ```
/// let docs = docmock::Docs::new()
///     .page("ping.md", "# Ping\n\n## Ping — GET /ping\n\n### 200 OK\n\n```json\n{\"ok\": true}\n```\n")
///     .load()
///     .unwrap();
/// assert_eq!(docs.fixtures().count(), 1);
/// ```
#[derive(Debug, Clone, Default)]
pub struct Docs {
    location: Option<DocsLocation>,
    pages: Vec<(String, String)>,
    options: Options,
}

impl Docs {
    /// No docs yet: add pages with [`Docs::page`].
    ///
    /// ```
    /// assert!(docmock::Docs::new().load().is_err(), "no docs at all is an error");
    /// ```
    pub fn new() -> Docs {
        Docs::default()
    }

    /// The doc pages under a folder (relative paths are read from the current directory,
    /// which `cargo test` sets to the crate's root).
    ///
    /// ```
    /// let error = docmock::Docs::dir("no/such/folder").load().unwrap_err();
    /// assert!(error.to_string().starts_with("cannot read docs from no/such/folder"));
    /// ```
    pub fn dir(path: impl AsRef<Path>) -> Docs {
        Docs {
            location: Some(DocsLocation::Dir(path.as_ref().to_path_buf())),
            ..Docs::default()
        }
    }

    /// The default doc set embedded in docmock (what `docmock serve` serves without a folder).
    ///
    /// ```
    /// let docs = docmock::Docs::embedded().load().unwrap();
    /// assert!(docs.fixture("protocol-subscriptions/start-a-protocol-subscription/success").is_some());
    /// ```
    pub fn embedded() -> Docs {
        Docs {
            location: Some(DocsLocation::Embedded),
            ..Docs::default()
        }
    }

    /// A doc page given as text, read as if it were the file `path` under the docs root
    /// (added to a folder's pages, or replacing one of the same path).
    ///
    /// ```
    /// let docs = docmock::Docs::new()
    ///     .page("a.md", "# A\n\n## Get a — GET /a\n\n### 200 OK\n\n```json\n{}\n```\n")
    ///     .page("b.md", "# B\n\n## Get b — GET /b\n\n### 200 OK\n\n```json\n{}\n```\n")
    ///     .load()
    ///     .unwrap();
    /// assert_eq!(docs.pages.len(), 2);
    /// ```
    pub fn page(mut self, path: impl Into<String>, text: impl Into<String>) -> Docs {
        self.pages.push((path.into(), text.into()));
        self
    }

    /// An import alias, as `--alias PREFIX=FOLDER` (`@site` and `@snapshots` are set already).
    ///
    /// ```
    /// let docs = docmock::Docs::embedded().alias("@site", ".");
    /// ```
    pub fn alias(mut self, prefix: &str, folder: &str) -> Docs {
        self.options = self.options.with_alias(prefix, folder);
        self
    }

    /// Read and extract the docs. A page docmock cannot read is an error here (each problem
    /// with its `file:line:col`), so a test never runs against half its docs.
    ///
    /// ```
    /// let error = docmock::Docs::new().page("bad.mdx", "<Snapshot json={{ oops").load().unwrap_err();
    /// assert!(error.to_string().contains("bad.mdx:1:"), "{error}");
    /// ```
    pub fn load(&self) -> Result<DocSet, Error> {
        let load_error = |location: &DocsLocation, source| Error::Load {
            location: location.to_string(),
            source,
        };
        let extraction = match (&self.location, self.pages.is_empty()) {
            (None, true) => return Err(Error::NoDocs),
            (Some(location), true) => {
                extract::load(location, &self.options).map_err(|e| load_error(location, e))?
            }
            (location, false) => {
                let mut files = match location {
                    Some(location) => location
                        .files(&self.options)
                        .map_err(|e| load_error(location, e))?,
                    None => DocFiles::default(),
                };
                for (path, text) in &self.pages {
                    files.insert(path, text.as_bytes().to_vec());
                }
                extract::from_files(&files, &self.options)
            }
        };
        if !extraction.errors.is_empty() {
            return Err(Error::Extract(extraction.errors));
        }
        Ok(extraction.docs)
    }
}

/// Why a [`MockServer`] could not start.
///
/// ```
/// # tokio::runtime::Runtime::new().unwrap().block_on(async {
/// let error = docmock::MockServer::start("no/such/folder").await.unwrap_err();
/// assert!(matches!(error, docmock::testing::Error::Load { .. }));
/// # });
/// ```
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// Neither a folder, the embedded docs, a page nor a doc set was given.
    #[error("no docs: give a folder, the embedded docs or a page")]
    NoDocs,
    /// The folder (or the embedded docs) could not be read.
    #[error("cannot read docs from {location}")]
    Load {
        location: String,
        #[source]
        source: LoadError,
    },
    /// Pages docmock cannot read, each problem with its `file:line:col`.
    #[error("the docs cannot be read:{}", .0.iter().map(|e| format!("\n  {e}")).collect::<String>())]
    Extract(Vec<ExtractError>),
    /// No loopback port could be bound.
    #[error("cannot listen on 127.0.0.1")]
    Bind(#[source] std::io::Error),
}

/// How to start a [`MockServer`]: the docs, and the `serve` settings a test may want.
///
/// ```
/// # tokio::runtime::Runtime::new().unwrap().block_on(async {
/// let server = docmock::MockServer::builder()
///     .embedded_docs()
///     .alias("@site", ".")
///     .cors(true)
///     .allow_unmatched()
///     .start()
///     .await
///     .unwrap();
/// assert!(server.uri().starts_with("http://127.0.0.1:"));
/// # });
/// ```
#[derive(Debug, Default)]
pub struct MockServerBuilder {
    docs: Docs,
    doc_set: Option<DocSet>,
    config: Config,
    allow_unmatched: bool,
}

impl MockServerBuilder {
    /// Serve the doc pages under this folder (see [`Docs::dir`]).
    ///
    /// ```
    /// let builder = docmock::MockServer::builder().docs("docs");
    /// ```
    pub fn docs(mut self, path: impl AsRef<Path>) -> MockServerBuilder {
        self.docs.location = Some(DocsLocation::Dir(path.as_ref().to_path_buf()));
        self
    }

    /// Serve the default docs embedded in docmock (see [`Docs::embedded`]).
    ///
    /// ```
    /// let builder = docmock::MockServer::builder().embedded_docs();
    /// ```
    pub fn embedded_docs(mut self) -> MockServerBuilder {
        self.docs.location = Some(DocsLocation::Embedded);
        self
    }

    /// Serve this page too (see [`Docs::page`]).
    ///
    /// ```
    /// let builder = docmock::MockServer::builder()
    ///     .page("ping.md", "# Ping\n\n## Ping — GET /ping\n\n### 200 OK\n\n```json\n{}\n```\n");
    /// ```
    pub fn page(mut self, path: impl Into<String>, text: impl Into<String>) -> MockServerBuilder {
        self.docs = self.docs.page(path, text);
        self
    }

    /// An import alias, as `--alias PREFIX=FOLDER` (see [`Docs::alias`]).
    ///
    /// ```
    /// let builder = docmock::MockServer::builder().docs("docs").alias("@site", ".");
    /// ```
    pub fn alias(mut self, prefix: &str, folder: &str) -> MockServerBuilder {
        self.docs = self.docs.alias(prefix, folder);
        self
    }

    /// Serve a doc set loaded already (by [`Docs::load`] or [`crate::extract`]); the folder,
    /// embedded docs and pages given to this builder are then not read.
    ///
    /// ```
    /// let docs = docmock::Docs::embedded().load().unwrap();
    /// let builder = docmock::MockServer::builder().doc_set(docs);
    /// ```
    pub fn doc_set(mut self, docs: DocSet) -> MockServerBuilder {
        self.doc_set = Some(docs);
        self
    }

    /// Answer CORS preflights and add CORS headers for any origin, as `serve --cors`.
    ///
    /// ```
    /// let builder = docmock::MockServer::builder().embedded_docs().cors(true);
    /// ```
    pub fn cors(mut self, on: bool) -> MockServerBuilder {
        self.config.cors = on;
        self
    }

    /// Requests the journal keeps for [`MockServer::received_requests`] (default 1,000).
    /// Expectation counts stay exact beyond it.
    ///
    /// ```
    /// let builder = docmock::MockServer::builder().embedded_docs().journal_size(10_000);
    /// ```
    pub fn journal_size(mut self, requests: usize) -> MockServerBuilder {
        self.config.journal_size = requests;
        self
    }

    /// Do not fail [`MockServer::verify`] for requests no documented route answers.
    ///
    /// ```
    /// let builder = docmock::MockServer::builder().embedded_docs().allow_unmatched();
    /// ```
    pub fn allow_unmatched(mut self) -> MockServerBuilder {
        self.allow_unmatched = true;
        self
    }

    /// Load the docs, bind a random port on 127.0.0.1 and serve on the current tokio runtime
    /// until the server is dropped.
    ///
    /// ```
    /// # tokio::runtime::Runtime::new().unwrap().block_on(async {
    /// let server = docmock::MockServer::builder().embedded_docs().start().await.unwrap();
    /// # });
    /// ```
    pub async fn start(self) -> Result<MockServer, Error> {
        let docs = match self.doc_set {
            Some(docs) => docs,
            None => self.docs.load()?,
        };
        let server = Server::new(&docs, self.config);
        drop(docs);
        let listener = tokio::net::TcpListener::bind((std::net::Ipv4Addr::LOCALHOST, 0))
            .await
            .map_err(Error::Bind)?;
        let address = listener.local_addr().map_err(Error::Bind)?;
        let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
        let task = tokio::spawn(serve::run(server.clone(), listener, async {
            // a dropped sender stops the server too
            let _ = stopped.await;
        }));
        Ok(MockServer {
            server,
            address,
            stop: Some(stop),
            task: Some(task),
            expectations: Mutex::new(Vec::new()),
            allow_unmatched: self.allow_unmatched,
        })
    }
}

/// A docmock stub serving documented answers on a random 127.0.0.1 port for the length of a
/// test. Dropping it stops the server and checks the expectations (see
/// [`MockServer::verify`]); several can run at once.
///
/// ```
/// # tokio::runtime::Runtime::new().unwrap().block_on(async {
/// let server = docmock::MockServer::builder().embedded_docs().start().await.unwrap();
/// server.expect("protocol-subscriptions/start-a-protocol-subscription/success").times(1);
/// let response = reqwest::Client::new()
///     .post(format!("{}/api/v1/dossiers/42/protocol_subscriptions", server.uri()))
///     .header("content-type", "application/json")
///     .body(r#"{"protocol_key": "rom"}"#)
///     .send()
///     .await
///     .unwrap();
/// assert_eq!(response.status(), 200);
/// // verified here, when `server` is dropped
/// # });
/// ```
#[derive(Debug)]
pub struct MockServer {
    server: Arc<Server>,
    address: SocketAddr,
    stop: Option<tokio::sync::oneshot::Sender<()>>,
    task: Option<tokio::task::JoinHandle<std::io::Result<()>>>,
    expectations: Mutex<Vec<Expectation>>,
    allow_unmatched: bool,
}

impl MockServer {
    /// Serve the doc pages under `docs` (see [`MockServerBuilder::docs`]).
    ///
    /// ```no_run
    /// # async fn test() -> Result<(), docmock::testing::Error> {
    /// let server = docmock::MockServer::start("docs").await?;
    /// # Ok(()) }
    /// ```
    pub async fn start(docs: impl AsRef<Path>) -> Result<MockServer, Error> {
        MockServer::builder().docs(docs).start().await
    }

    /// Choose the docs and settings first.
    ///
    /// ```
    /// let builder = docmock::MockServer::builder();
    /// ```
    pub fn builder() -> MockServerBuilder {
        MockServerBuilder::default()
    }

    /// The server's base URL, `http://127.0.0.1:PORT`.
    ///
    /// ```
    /// # tokio::runtime::Runtime::new().unwrap().block_on(async {
    /// # let server = docmock::MockServer::builder().embedded_docs().start().await.unwrap();
    /// assert_eq!(server.uri(), format!("http://{}", server.address()));
    /// # });
    /// ```
    pub fn uri(&self) -> String {
        format!("http://{}", self.address)
    }

    /// The address the server listens on.
    ///
    /// ```
    /// # tokio::runtime::Runtime::new().unwrap().block_on(async {
    /// # let server = docmock::MockServer::builder().embedded_docs().start().await.unwrap();
    /// assert!(server.address().ip().is_loopback());
    /// # });
    /// ```
    pub fn address(&self) -> SocketAddr {
        self.address
    }

    /// The requests received so far, oldest first, with what answered each (the fixture id,
    /// why it was chosen, the status): at most the last [`MockServerBuilder::journal_size`].
    ///
    /// ```
    /// # tokio::runtime::Runtime::new().unwrap().block_on(async {
    /// # let server = docmock::MockServer::builder().embedded_docs().start().await.unwrap();
    /// reqwest::get(format!("{}/api/v1/dossiers/42/protocol_subscriptions", server.uri())).await.unwrap();
    /// let received = server.received_requests();
    /// assert_eq!(received[0].path(), "/api/v1/dossiers/42/protocol_subscriptions");
    /// assert_eq!(received[0].status, 200);
    /// assert!(received[0].fixture().unwrap().starts_with("protocol-subscriptions/list-active"));
    /// # });
    /// ```
    pub fn received_requests(&self) -> Vec<Entry> {
        self.server.journal.entries().0
    }

    /// Expect requests answered by one documented case, named by its fixture id (or the id of
    /// an identical example documented elsewhere) or, when no other case shares it, by its
    /// case-heading slug. Counts start now. Panics at once, listing the cases, when no
    /// case or several have that name.
    ///
    /// ```
    /// # tokio::runtime::Runtime::new().unwrap().block_on(async {
    /// # let server = docmock::MockServer::builder().embedded_docs().start().await.unwrap();
    /// server.expect("protocol-subscriptions/stop-a-protocol-subscription/success").never();
    /// server.expect("when-a-flag-is-set-to-an-invalid-value").at_most(2);
    /// # });
    /// ```
    pub fn expect(&self, name: &str) -> Expect<'_> {
        let table = self.server.table();
        let case = named_case(&table, name).unwrap_or_else(|message| panic!("{message}"));
        self.expectation(format!("`{}`", case.id), vec![case.id.to_string()])
    }

    /// Expect requests to a documented route answered with a documented status: `"METHOD
    /// route"` as the docs write it (`{param}` or a value in its place). Counts start now.
    /// Panics at once, listing what is documented, when the route or the status is not.
    ///
    /// ```
    /// # tokio::runtime::Runtime::new().unwrap().block_on(async {
    /// # let server = docmock::MockServer::builder().embedded_docs().start().await.unwrap();
    /// server
    ///     .expect_code("POST /api/v1/dossiers/{dossier_id}/protocol_subscriptions", 422)
    ///     .never();
    /// # });
    /// ```
    pub fn expect_code(&self, route: &str, status: u16) -> Expect<'_> {
        let table = self.server.table();
        let ids = cases_answering(&table, route, status).unwrap_or_else(|m| panic!("{m}"));
        self.expectation(format!("{route} with {status}"), ids)
    }

    fn expectation(&self, label: String, case_ids: Vec<String>) -> Expect<'_> {
        let baseline = self.served(&case_ids);
        Expect {
            server: self,
            label,
            case_ids,
            baseline,
        }
    }

    /// Requests answered by these cases since the server started: the cases' own counters,
    /// exact whatever the journal keeps.
    fn served(&self, case_ids: &[String]) -> u64 {
        let table = self.server.table();
        all_cases(&table)
            .filter(|(case, _)| case_ids.contains(&case.id))
            .map(|(case, _)| case.served_count())
            .sum()
    }

    /// What [`verify`](MockServer::verify) would panic with, as a value: every expectation
    /// not met and every request no documented route answered (unless
    /// [`MockServerBuilder::allow_unmatched`]).
    ///
    /// ```
    /// # tokio::runtime::Runtime::new().unwrap().block_on(async {
    /// # let server = docmock::MockServer::builder().embedded_docs().start().await.unwrap();
    /// server.expect("protocol-subscriptions/start-a-protocol-subscription/success").times(1);
    /// let failure = server.check().unwrap_err();
    /// assert!(failure.to_string().contains("expected exactly 1 request answered by"));
    /// server.reset();
    /// assert!(server.check().is_ok());
    /// # });
    /// ```
    pub fn check(&self) -> Result<(), Unmet> {
        let table = self.server.table();
        let expectations = self.expectations.lock().unwrap_or_else(|e| e.into_inner());
        let mut unmet = Unmet::default();
        for expectation in expectations.iter() {
            let actual = self
                .served(&expectation.case_ids)
                .saturating_sub(expectation.baseline);
            if !expectation.times.allows(actual) {
                unmet
                    .expectations
                    .push(unmet_expectation(&table, expectation, actual));
            }
        }
        if !self.allow_unmatched {
            let (entries, dropped) = self.server.journal.entries();
            unmet.unmatched = entries
                .iter()
                .filter(|e| serve::own::is_unrouted(e.reason))
                .map(|e| unmatched(&table, e))
                .collect();
            unmet.unkept = dropped;
        }
        if unmet.expectations.is_empty() && unmet.unmatched.is_empty() {
            Ok(())
        } else {
            Err(unmet)
        }
    }

    /// Panic with every expectation not met (its case heading, expected and actual count, doc
    /// `file:line`) and every request no documented route answered, with the closest
    /// documented routes. Also run when the server is dropped, unless the thread is already
    /// panicking.
    ///
    /// ```should_panic
    /// # tokio::runtime::Runtime::new().unwrap().block_on(async {
    /// let server = docmock::MockServer::builder().embedded_docs().start().await.unwrap();
    /// reqwest::get(format!("{}/api/v2/nothing", server.uri())).await.unwrap();
    /// server.verify(); // panics: no documented route for GET /api/v2/nothing
    /// # });
    /// ```
    pub fn verify(&self) {
        if let Err(unmet) = self.check() {
            panic!("{unmet}");
        }
    }

    /// Forget the expectations and the requests received so far.
    ///
    /// ```
    /// # tokio::runtime::Runtime::new().unwrap().block_on(async {
    /// # let server = docmock::MockServer::builder().embedded_docs().start().await.unwrap();
    /// reqwest::get(format!("{}/nowhere", server.uri())).await.unwrap();
    /// server.reset();
    /// assert!(server.received_requests().is_empty());
    /// # });
    /// ```
    pub fn reset(&self) {
        self.expectations
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .clear();
        self.server.journal.clear();
    }

    /// Stop serving, wait until the server has finished (requests in flight answered), then
    /// verify as a drop does.
    ///
    /// ```
    /// # tokio::runtime::Runtime::new().unwrap().block_on(async {
    /// let server = docmock::MockServer::builder().embedded_docs().start().await.unwrap();
    /// let address = server.address();
    /// server.shutdown().await;
    /// assert!(tokio::net::TcpStream::connect(address).await.is_err());
    /// # });
    /// ```
    pub async fn shutdown(mut self) {
        self.stop.take();
        if let Some(task) = self.task.take() {
            let _ = task.await;
        }
    }
}

impl Drop for MockServer {
    fn drop(&mut self) {
        // dropping the sender ends `serve::run`: the listener closes, the task ends
        self.stop.take();
        if !std::thread::panicking() {
            self.verify();
        }
    }
}

/// An expectation being set: say how many requests with [`times`](Expect::times),
/// [`at_least`](Expect::at_least), [`at_most`](Expect::at_most) or [`never`](Expect::never).
///
/// ```
/// # tokio::runtime::Runtime::new().unwrap().block_on(async {
/// # let server = docmock::MockServer::builder().embedded_docs().start().await.unwrap();
/// let expect = server.expect("protocol-subscriptions/start-a-protocol-subscription/success");
/// expect.at_least(0);
/// # });
/// ```
#[must_use = "an expectation is set by .times(n), .at_least(n), .at_most(n) or .never()"]
#[derive(Debug)]
pub struct Expect<'a> {
    server: &'a MockServer,
    label: String,
    case_ids: Vec<String>,
    baseline: u64,
}

impl Expect<'_> {
    /// Exactly `n` requests.
    ///
    /// ```
    /// # tokio::runtime::Runtime::new().unwrap().block_on(async {
    /// # let server = docmock::MockServer::builder().embedded_docs().start().await.unwrap();
    /// server.expect("protocol-subscriptions/stop-a-protocol-subscription/success").times(0);
    /// # });
    /// ```
    pub fn times(self, n: u64) {
        self.set(Times {
            min: n,
            max: Some(n),
        });
    }

    /// `n` requests or more.
    ///
    /// ```
    /// # tokio::runtime::Runtime::new().unwrap().block_on(async {
    /// # let server = docmock::MockServer::builder().embedded_docs().start().await.unwrap();
    /// server.expect("protocol-subscriptions/stop-a-protocol-subscription/success").at_least(0);
    /// # });
    /// ```
    pub fn at_least(self, n: u64) {
        self.set(Times { min: n, max: None });
    }

    /// `n` requests or fewer.
    ///
    /// ```
    /// # tokio::runtime::Runtime::new().unwrap().block_on(async {
    /// # let server = docmock::MockServer::builder().embedded_docs().start().await.unwrap();
    /// server.expect("protocol-subscriptions/stop-a-protocol-subscription/success").at_most(1);
    /// # });
    /// ```
    pub fn at_most(self, n: u64) {
        self.set(Times {
            min: 0,
            max: Some(n),
        });
    }

    /// No request at all.
    ///
    /// ```
    /// # tokio::runtime::Runtime::new().unwrap().block_on(async {
    /// # let server = docmock::MockServer::builder().embedded_docs().start().await.unwrap();
    /// server.expect("protocol-subscriptions/stop-a-protocol-subscription/success").never();
    /// # });
    /// ```
    pub fn never(self) {
        self.times(0);
    }

    fn set(self, times: Times) {
        let expectation = Expectation {
            label: self.label,
            case_ids: self.case_ids,
            baseline: self.baseline,
            times,
        };
        self.server
            .expectations
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .push(expectation);
    }
}

/// A set expectation: the cases it counts, their count when it was set, the range allowed.
#[derive(Debug)]
struct Expectation {
    label: String,
    case_ids: Vec<String>,
    baseline: u64,
    times: Times,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Times {
    min: u64,
    max: Option<u64>,
}

impl Times {
    fn allows(self, n: u64) -> bool {
        n >= self.min && self.max.is_none_or(|max| n <= max)
    }
}

impl fmt::Display for Times {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let plural = |n: u64| if n == 1 { "request" } else { "requests" };
        match (self.min, self.max) {
            (0, Some(0)) => f.write_str("no request"),
            (min, Some(max)) if min == max => write!(f, "exactly {min} {}", plural(min)),
            (0, Some(max)) => write!(f, "at most {max} {}", plural(max)),
            (min, _) => write!(f, "at least {min} {}", plural(min)),
        }
    }
}

/// Why [`MockServer::verify`] fails: expectations not met, requests no documented route
/// answered. Its `Display` is the panic message.
///
/// ```
/// # tokio::runtime::Runtime::new().unwrap().block_on(async {
/// # let server = docmock::MockServer::builder().embedded_docs().start().await.unwrap();
/// reqwest::get(format!("{}/api/v1/dossier/42/protocol_subscriptions", server.uri())).await.unwrap();
/// let unmet = server.check().unwrap_err();
/// assert_eq!(unmet.unmatched_requests(), 1);
/// assert!(unmet.to_string().contains("closest: GET /api/v1/dossiers/{dossier_id}/protocol_subscriptions"));
/// # server.reset();
/// # });
/// ```
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct Unmet {
    expectations: Vec<String>,
    unmatched: Vec<String>,
    /// Requests the journal no longer keeps (its unmatched ones are not listed).
    unkept: u64,
}

impl Unmet {
    /// Expectations not met.
    ///
    /// ```
    /// # tokio::runtime::Runtime::new().unwrap().block_on(async {
    /// # let server = docmock::MockServer::builder().embedded_docs().start().await.unwrap();
    /// server.expect("protocol-subscriptions/stop-a-protocol-subscription/success").times(2);
    /// assert_eq!(server.check().unwrap_err().unmet_expectations(), 1);
    /// # server.reset();
    /// # });
    /// ```
    pub fn unmet_expectations(&self) -> usize {
        self.expectations.len()
    }

    /// Requests no documented route answered (of those the journal keeps).
    ///
    /// ```
    /// # tokio::runtime::Runtime::new().unwrap().block_on(async {
    /// # let server = docmock::MockServer::builder().embedded_docs().start().await.unwrap();
    /// server.expect("protocol-subscriptions/stop-a-protocol-subscription/success").times(2);
    /// assert_eq!(server.check().unwrap_err().unmatched_requests(), 0);
    /// # server.reset();
    /// # });
    /// ```
    pub fn unmatched_requests(&self) -> usize {
        self.unmatched.len()
    }
}

impl fmt::Display for Unmet {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut parts = Vec::new();
        if !self.expectations.is_empty() {
            parts.push(count(
                self.expectations.len(),
                "expectation not met",
                "expectations not met",
            ));
        }
        if !self.unmatched.is_empty() {
            parts.push(count(
                self.unmatched.len(),
                "request no documented route answers",
                "requests no documented route answers",
            ));
        }
        writeln!(f, "docmock: {}", parts.join(", "))?;
        for block in self.expectations.iter().chain(&self.unmatched) {
            write!(f, "\n{block}")?;
        }
        if self.unkept > 0 && !self.unmatched.is_empty() {
            write!(
                f,
                "\n({} older requests are no longer kept by the journal and not listed)\n",
                self.unkept
            )?;
        }
        Ok(())
    }
}

fn count(n: usize, one: &str, many: &str) -> String {
    format!("{n} {}", if n == 1 { one } else { many })
}

/// Every case of the table: each route's, then the global ones (routed nowhere).
fn all_cases(table: &Table) -> impl Iterator<Item = (&Case, Option<&serve::table::Route>)> {
    let routed = table
        .routes
        .iter()
        .flat_map(|route| route.cases.iter().map(move |case| (case, Some(route))));
    routed.chain(table.global.iter().map(|case| (case, None)))
}

/// The case a name picks: a fixture id (or duplicate id) first, else a slug only one case has.
fn named_case<'t>(table: &'t Table, name: &str) -> Result<&'t Case, String> {
    let exact = all_cases(table).find(|(case, _)| case.has_id(name));
    if let Some((case, _)) = exact {
        return Ok(case);
    }
    let by_slug: Vec<_> = all_cases(table)
        .filter(|(case, _)| case.slug == name)
        .collect();
    match by_slug.as_slice() {
        [(case, _)] => Ok(case),
        [] => Err(format!(
            "docmock: no documented case is named `{name}`; the cases are:\n{}",
            case_list(all_cases(table))
        )),
        several => Err(format!(
            "docmock: {} cases have the slug `{name}`; name one by its fixture id:\n{}",
            several.len(),
            case_list(several.iter().copied())
        )),
    }
}

/// The cases of `METHOD route` answering `status`, found as a request to that path would be.
fn cases_answering(table: &Table, route: &str, status: u16) -> Result<Vec<String>, String> {
    let Some((method, path)) = route.trim().split_once(' ') else {
        return Err(format!(
            "docmock: expected `METHOD route` (`GET /widgets/{{id}}`), got `{route}`"
        ));
    };
    let method = method.to_ascii_uppercase();
    let found = match table.matcher.lookup(&method, path.trim()) {
        Lookup::Found { route, .. } => &table.routes[route],
        _ => {
            let routes: String = table
                .routes
                .iter()
                .map(|r| format!("  {} {}\n", r.method, r.route))
                .collect();
            return Err(format!(
                "docmock: no documented route `{method} {}`; the routes are:\n{routes}",
                path.trim()
            ));
        }
    };
    let ids: Vec<String> = found
        .cases
        .iter()
        .filter(|case| case.status == status)
        .map(|case| case.id.to_string())
        .collect();
    if ids.is_empty() {
        return Err(format!(
            "docmock: {} {} documents no case answering {status}; its cases are:\n{}",
            found.method,
            found.route,
            case_list(found.cases.iter().map(|case| (case, Some(found))))
        ));
    }
    Ok(ids)
}

/// One line per case: id, route and status.
fn case_list<'t>(
    cases: impl Iterator<Item = (&'t Case, Option<&'t serve::table::Route>)>,
) -> String {
    let mut list = String::new();
    for (case, route) in cases {
        let route = route.map_or("any route".to_string(), |r| {
            format!("{} {}", r.method, r.route)
        });
        let _ = writeln!(list, "  {} ({route}, {})", case.id, case.status);
    }
    list
}

/// An unmet expectation in words: what was expected, what came, and each case it counts with
/// its heading and doc place.
fn unmet_expectation(table: &Table, expectation: &Expectation, actual: u64) -> String {
    let mut text = format!(
        "expected {} answered by {}, got {actual}\n",
        expectation.times, expectation.label
    );
    let counted = all_cases(table).filter(|(case, _)| expectation.case_ids.contains(&case.id));
    for (case, route) in counted {
        let route = route.map_or("any route".to_string(), |r| {
            format!("{} {}", r.method, r.route)
        });
        // the case heading under its endpoint heading: "Show a widget: Not Found"
        let endpoint = &case.fixture.endpoint;
        let heading = match (endpoint.is_empty(), case.title.is_empty()) {
            (false, false) => format!("{endpoint}: {}", case.title),
            (true, false) => case.title.clone(),
            _ => endpoint.clone(),
        };
        let source = &case.fixture.source;
        let _ = writeln!(text, "  case: {heading} ({route}, {})", case.status);
        let _ = writeln!(text, "  --> {}:{}", source.file, source.line);
    }
    text
}

/// A request no documented route answered, with the routes closest to it (as the 404 names).
fn unmatched(table: &Table, entry: &Entry) -> String {
    let query = if entry.query().is_empty() {
        String::new()
    } else {
        format!("?{}", entry.query())
    };
    let closest = serve::own::closest_routes(table, entry.method.as_str(), entry.path(), 3);
    let mut text = format!(
        "no documented route answers {} {}{query} (answered {})\n",
        entry.method,
        entry.path(),
        entry.status
    );
    if !closest.is_empty() {
        let _ = writeln!(text, "  closest: {}", closest.join(", "));
    }
    text
}
