//! verify: send each documented request to a running implementation and compare the answer
//! with the documented response.
//!
//! In: a [`DocSet`] and [`VerifyOptions`] (target URL, variables, extra headers, match level).
//! Out: one [`Verdict`] per selected fixture, in document order. Nothing here prints: the
//! report renderers in `report::verify` turn verdicts into text, JSON or JUnit XML. A
//! verification failure is a verdict, not an error; [`VerifyError`] is only for a run that
//! cannot start (target down, bad vars file).

pub mod compare;
pub mod curl;
pub mod place;
pub mod request;
pub mod tls;
pub mod update;

pub use compare::{Difference, MatchLevel};
pub use request::{Vars, VarsError};

use crate::fixture::{DocSet, Fixture, Source};
use indexmap::IndexMap;
use serde::Serialize;
use serde_json::Value;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::{Duration, Instant};

/// How to run a verification.
#[derive(Debug, Clone)]
pub struct VerifyOptions {
    /// Base URL of the implementation, e.g. `http://127.0.0.1:3000`.
    pub target: String,
    /// Path parameter values from `--var` and `--vars-file`.
    pub vars: Vars,
    /// Extra headers for every request; `${DOCMOCK_FIXTURE_ID}` and `${DOCMOCK_FIXTURE_TITLE}`
    /// in values are expanded.
    pub headers: Vec<(String, String)>,
    /// Shell command run (`sh -c`) before each case, with `DOCMOCK_FIXTURE_ID`,
    /// `DOCMOCK_FIXTURE_TITLE` and `DOCMOCK_TARGET` in its environment.
    pub setup: Option<String>,
    /// Cases run at the same time (at least 1).
    pub jobs: usize,
    /// Only fixtures whose id contains one of these patterns (`*` matches any text).
    pub only: Vec<String>,
    /// Not the fixtures whose id contains one of these patterns.
    pub skip: Vec<String>,
    /// Timeout of each request.
    pub timeout: Duration,
    pub match_level: MatchLevel,
    /// Send `Prefer: example=<fixture id>` with every request (RFC 7240: a server ignores a
    /// preference it does not know, so only a docmock stub acts on it). `--no-prefer` clears it.
    pub prefer: bool,
    /// Credentials in the `curl` command of a failed case: masked unless `--show-secrets`.
    pub secrets: curl::Secrets,
    /// Largest answer body read; a larger one fails the case.
    pub max_body_bytes: u64,
    /// CAs trusted at an https target besides the public web roots (`--ca-cert`).
    pub ca_certs: tls::CaCerts,
}

/// The default of [`VerifyOptions::max_body_bytes`] and `verify --max-body-bytes`: 16 MiB.
pub const MAX_BODY_BYTES: u64 = 16 * 1024 * 1024;

impl Default for VerifyOptions {
    fn default() -> Self {
        VerifyOptions {
            target: String::new(),
            vars: Vars::default(),
            headers: Vec::new(),
            setup: None,
            jobs: 1,
            only: Vec::new(),
            skip: Vec::new(),
            timeout: Duration::from_secs(10),
            match_level: MatchLevel::Shape,
            prefer: true,
            secrets: curl::Secrets::Masked,
            max_body_bytes: MAX_BODY_BYTES,
            ca_certs: tls::CaCerts::default(),
        }
    }
}

/// A run that cannot start.
#[derive(Debug, thiserror::Error)]
pub enum VerifyError {
    #[error("the target `{target}` is not an http(s) URL: {message}")]
    BadTarget { target: String, message: String },
    #[error("cannot connect to the target {target}")]
    Unreachable {
        target: String,
        #[source]
        source: std::io::Error,
    },
    #[error("`{pattern}` is not a valid pattern: {message}")]
    BadPattern { pattern: String, message: String },
    #[error("--only {only} matched no fixture id (see `docmock routes` or `docmock extract`)")]
    NothingSelected { only: String },
    #[error("cannot build the HTTP client: {0}")]
    Client(#[source] reqwest::Error),
    #[error("cannot use the CA file {}: {message}", path.display())]
    CaFile { path: PathBuf, message: String },
    #[error("cannot set up TLS for the target: {0}")]
    Tls(String),
}

/// How one case ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum CaseStatus {
    Pass,
    Fail,
    Skip,
}

impl CaseStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            CaseStatus::Pass => "PASS",
            CaseStatus::Fail => "FAIL",
            CaseStatus::Skip => "SKIP",
        }
    }
}

/// What the implementation answered.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct ActualResponse {
    pub status: u16,
    /// Header names in lower case, in the order received (repeated headers joined by `, `).
    pub headers: IndexMap<String, String>,
    /// The body read as JSON when it parses, else as text; `None` when empty.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub body: Option<Value>,
}

impl ActualResponse {
    /// An answer as compared: header names lower-cased (repeats joined by `, `), the body read
    /// as JSON when it parses, else as text.
    pub fn from_parts(
        status: u16,
        headers: &axum::http::HeaderMap,
        bytes: &[u8],
    ) -> ActualResponse {
        let mut joined: IndexMap<String, String> = IndexMap::new();
        for (name, value) in headers {
            let value = String::from_utf8_lossy(value.as_bytes()).to_string();
            joined
                .entry(name.as_str().to_ascii_lowercase())
                .and_modify(|v| {
                    v.push_str(", ");
                    v.push_str(&value)
                })
                .or_insert(value);
        }
        let body = if bytes.is_empty() {
            None
        } else {
            Some(
                serde_json::from_slice(bytes)
                    .unwrap_or_else(|_| Value::String(String::from_utf8_lossy(bytes).to_string())),
            )
        };
        ActualResponse {
            status,
            headers: joined,
            body,
        }
    }
}

/// The result of one case.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Verdict {
    pub id: String,
    pub title: String,
    pub source: Source,
    pub method: String,
    /// The path sent, query included (the documented path when the case was skipped early).
    pub path: String,
    pub status: CaseStatus,
    /// Why the case was skipped, or the error that failed it (timeout, setup command).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
    /// Differences that fail the case.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub differences: Vec<Difference>,
    /// The doc line of each difference's field, in the order of `differences` (filled by
    /// [`place::locate`]; empty when the case's source has no inline literal to look in).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub difference_lines: Vec<usize>,
    /// Differences reported without failing (undocumented keys below `exact`).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub warnings: Vec<Difference>,
    /// The documented body, for the report's diff.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub expected_body: Option<Value>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub actual: Option<ActualResponse>,
    /// A `curl` command that sends the same request again, for a failed case.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub curl: Option<String>,
    pub duration_ms: u64,
}

impl Verdict {
    fn new(fixture: &Fixture, path: String) -> Verdict {
        Verdict {
            id: fixture.id.clone(),
            title: fixture.title.clone(),
            source: fixture.source.clone(),
            method: fixture.request.method.clone(),
            path,
            status: CaseStatus::Pass,
            reason: None,
            differences: Vec::new(),
            difference_lines: Vec::new(),
            warnings: Vec::new(),
            expected_body: fixture.response.body.clone(),
            actual: None,
            curl: None,
            duration_ms: 0,
        }
    }

    /// The body differs from the docs, or belongs to another status (the report shows a
    /// diff).
    pub fn body_differs(&self) -> bool {
        self.differences
            .iter()
            .chain(&self.warnings)
            .any(|d| d.is_about_body() || matches!(d, Difference::StatusMismatch { .. }))
    }
}

/// Counts of a run: passed, failed, skipped.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct Summary {
    pub passed: usize,
    pub failed: usize,
    pub skipped: usize,
}

impl Summary {
    pub fn of(verdicts: &[Verdict]) -> Summary {
        let mut summary = Summary::default();
        for v in verdicts {
            match v.status {
                CaseStatus::Pass => summary.passed += 1,
                CaseStatus::Fail => summary.failed += 1,
                CaseStatus::Skip => summary.skipped += 1,
            }
        }
        summary
    }
}

/// Run every selected, non-duplicate fixture against the target; verdicts in document order.
/// The same run as [`Run`], for callers that already hold [`VerifyOptions`].
pub async fn run(docs: &DocSet, options: &VerifyOptions) -> Result<Vec<Verdict>, VerifyError> {
    let report = Run::with_options(docs, options.clone()).run().await?;
    Ok(report.verdicts)
}

/// A verification as a library call: the documented requests of a doc set sent to a target,
/// the answers compared, a [`Report`] back. `docmock verify` runs this too.
///
/// ```
/// # tokio::runtime::Runtime::new().unwrap().block_on(async {
/// use docmock::verify::Run;
/// let docs = docmock::Docs::embedded().load().unwrap();
/// let stub = docmock::MockServer::builder().embedded_docs().start().await.unwrap();
/// let report = Run::new(&docs).target(stub.uri()).var("dossier_id", "42").run().await.unwrap();
/// assert!(report.passed(), "{report}");
/// # });
/// ```
#[derive(Debug, Clone)]
pub struct Run<'d> {
    docs: &'d DocSet,
    options: VerifyOptions,
}

impl<'d> Run<'d> {
    /// Verify every servable case of `docs` with the default options; give a
    /// [`target`](Run::target) before running.
    ///
    /// ```
    /// let docs = docmock::Docs::embedded().load().unwrap();
    /// let run = docmock::verify::Run::new(&docs).target("http://127.0.0.1:3000");
    /// ```
    pub fn new(docs: &'d DocSet) -> Run<'d> {
        Run::with_options(docs, VerifyOptions::default())
    }

    /// Verify with options built elsewhere (the CLI's flags).
    ///
    /// ```
    /// use docmock::verify::{MatchLevel, Run, VerifyOptions};
    /// let docs = docmock::Docs::embedded().load().unwrap();
    /// let options = VerifyOptions { match_level: MatchLevel::Values, ..Default::default() };
    /// let run = Run::with_options(&docs, options).target("http://127.0.0.1:3000");
    /// ```
    pub fn with_options(docs: &'d DocSet, options: VerifyOptions) -> Run<'d> {
        Run { docs, options }
    }

    /// The base URL of the implementation (`http://127.0.0.1:3000`).
    ///
    /// ```
    /// # let docs = docmock::Docs::embedded().load().unwrap();
    /// let run = docmock::verify::Run::new(&docs).target("http://127.0.0.1:3000/api");
    /// ```
    pub fn target(mut self, url: impl Into<String>) -> Self {
        self.options.target = url.into();
        self
    }

    /// A path parameter value, as `--var NAME=VALUE`.
    ///
    /// ```
    /// # let docs = docmock::Docs::embedded().load().unwrap();
    /// let run = docmock::verify::Run::new(&docs).var("dossier_id", "42");
    /// ```
    pub fn var(mut self, name: impl Into<String>, value: impl Into<String>) -> Self {
        self.options.vars.cli.insert(name.into(), value.into());
        self
    }

    /// A header sent with every request, as `--header 'NAME: VALUE'`.
    ///
    /// ```
    /// # let docs = docmock::Docs::embedded().load().unwrap();
    /// let run = docmock::verify::Run::new(&docs).header("Authorization", "Bearer test");
    /// ```
    pub fn header(mut self, name: impl Into<String>, value: impl Into<String>) -> Self {
        self.options.headers.push((name.into(), value.into()));
        self
    }

    /// Only the cases whose id contains `pattern` (`*` matches any text), as `--only`.
    ///
    /// ```
    /// # let docs = docmock::Docs::embedded().load().unwrap();
    /// let run = docmock::verify::Run::new(&docs).only("protocol-subscriptions/*");
    /// ```
    pub fn only(mut self, pattern: impl Into<String>) -> Self {
        self.options.only.push(pattern.into());
        self
    }

    /// How closely answers must match the docs, as `--match`.
    ///
    /// ```
    /// # let docs = docmock::Docs::embedded().load().unwrap();
    /// use docmock::verify::{MatchLevel, Run};
    /// let run = Run::new(&docs).match_level(MatchLevel::Values);
    /// ```
    pub fn match_level(mut self, level: MatchLevel) -> Self {
        self.options.match_level = level;
        self
    }

    /// Send the requests and compare the answers. An error only when the run cannot start
    /// (no target, target down); failed cases are in the report.
    ///
    /// ```
    /// # tokio::runtime::Runtime::new().unwrap().block_on(async {
    /// # let docs = docmock::Docs::embedded().load().unwrap();
    /// let run = docmock::verify::Run::new(&docs).target("http://127.0.0.1:9");
    /// assert!(run.run().await.is_err(), "nothing listens on port 9");
    /// # });
    /// ```
    pub async fn run(&self) -> Result<Report, VerifyError> {
        let verdicts = run_all(self.docs, &self.options).await?;
        Ok(Report {
            verdicts,
            target: self.options.target.clone(),
            match_level: self.options.match_level,
        })
    }
}

/// What a [`Run`] found: one verdict per case, in document order. Its `Display` is the
/// CLI's human report without colour, so `assert!(report.passed(), "{report}")` shows each
/// failure with its doc `file:line` and a diff.
///
/// ```
/// # tokio::runtime::Runtime::new().unwrap().block_on(async {
/// # let docs = docmock::Docs::embedded().load().unwrap();
/// # let stub = docmock::MockServer::builder().embedded_docs().start().await.unwrap();
/// let report = docmock::verify::Run::new(&docs).target(stub.uri()).run().await.unwrap();
/// assert!(report.passed(), "{report}");
/// assert!(report.to_string().ends_with("passed, 0 failed, 0 skipped\n"));
/// # });
/// ```
#[derive(Debug, Clone, PartialEq)]
pub struct Report {
    /// One per case run, in document order.
    pub verdicts: Vec<Verdict>,
    /// The target the cases were sent to.
    pub target: String,
    /// How closely answers had to match.
    pub match_level: MatchLevel,
}

impl Report {
    /// No case failed (skipped cases do not fail a run, as in the CLI).
    ///
    /// ```
    /// let report = docmock::verify::Report {
    ///     verdicts: Vec::new(),
    ///     target: "http://127.0.0.1:3000".into(),
    ///     match_level: docmock::verify::MatchLevel::Shape,
    /// };
    /// assert!(report.passed());
    /// ```
    pub fn passed(&self) -> bool {
        self.summary().failed == 0
    }

    /// Passed, failed and skipped counts.
    ///
    /// ```
    /// # let report = docmock::verify::Report { verdicts: Vec::new(), target: String::new(),
    /// #     match_level: docmock::verify::MatchLevel::Shape };
    /// assert_eq!(report.summary().failed, 0);
    /// ```
    pub fn summary(&self) -> Summary {
        Summary::of(&self.verdicts)
    }
}

async fn run_all(docs: &DocSet, options: &VerifyOptions) -> Result<Vec<Verdict>, VerifyError> {
    let base = request::base_url(&options.target)?;
    let only = patterns(&options.only)?;
    let skip = patterns(&options.skip)?;
    let selected: Vec<Fixture> = docs
        .servable()
        .filter(|f| only.is_empty() || only.iter().any(|p| p.is_match(&f.id)))
        .filter(|f| !skip.iter().any(|p| p.is_match(&f.id)))
        .cloned()
        .collect();
    if selected.is_empty() && !options.only.is_empty() {
        return Err(VerifyError::NothingSelected {
            only: options.only.join(", "),
        });
    }
    check_connectivity(&base, &options.target, options.timeout).await?;
    let client = reqwest::Client::builder()
        .timeout(options.timeout)
        .redirect(reqwest::redirect::Policy::none())
        .use_preconfigured_tls(options.ca_certs.client_config()?)
        .build()
        .map_err(VerifyError::Client)?;
    let target = request::Target::probe(&client, &base, options.max_body_bytes).await;
    let shared = Arc::new(Shared {
        client,
        base,
        target,
        options: options.clone(),
        cases: selected,
    });
    let permits = Arc::new(tokio::sync::Semaphore::new(options.jobs.max(1)));
    let mut tasks = tokio::task::JoinSet::new();
    let mut task_case = std::collections::HashMap::new();
    for index in 0..shared.cases.len() {
        let task_shared = Arc::clone(&shared);
        // Taken here, not in the task: cases start in document order (one at a time with
        // `--jobs 1`, so a setup command sees them in that order).
        let permit = Arc::clone(&permits).acquire_owned().await;
        let task = tasks.spawn(async move {
            let _permit = permit;
            let run = &*task_shared;
            let case = &run.cases[index];
            (index, run_case(run, case).await)
        });
        task_case.insert(task.id(), index);
    }
    let mut verdicts: Vec<(usize, Verdict)> = Vec::new();
    while let Some(joined) = tasks.join_next_with_id().await {
        match joined {
            Ok((_, done)) => verdicts.push(done),
            // A case that made docmock fail is a failed case, never one missing from the report.
            Err(error) => {
                let index = task_case[&error.id()];
                let fixture = &shared.cases[index];
                let mut verdict = Verdict::new(fixture, fixture.request.path.clone());
                verdict.status = CaseStatus::Fail;
                verdict.reason = Some(format!("docmock failed while verifying this case: {error}"));
                verdicts.push((index, verdict));
            }
        }
    }
    verdicts.sort_by_key(|(index, _)| *index);
    Ok(verdicts.into_iter().map(|(_, v)| v).collect())
}

/// What every case task of a run shares.
struct Shared {
    client: reqwest::Client,
    base: reqwest::Url,
    /// A docmock stub or another server.
    target: request::Target,
    options: VerifyOptions,
    /// The selected fixtures, in document order.
    cases: Vec<Fixture>,
}

/// One connection attempt before any case runs, so a target that is down gives one error
/// instead of a failure per case.
async fn check_connectivity(
    base: &reqwest::Url,
    target: &str,
    timeout: Duration,
) -> Result<(), VerifyError> {
    let host = base.host_str().unwrap_or_default().to_string();
    let host = host
        .trim_start_matches('[')
        .trim_end_matches(']')
        .to_string();
    let port = base.port_or_known_default().unwrap_or(80);
    let unreachable = |source| VerifyError::Unreachable {
        target: target.to_string(),
        source,
    };
    match tokio::time::timeout(timeout, tokio::net::TcpStream::connect((host, port))).await {
        Ok(Ok(_)) => Ok(()),
        Ok(Err(e)) => Err(unreachable(e)),
        Err(_) => Err(unreachable(std::io::Error::new(
            std::io::ErrorKind::TimedOut,
            format!(
                "no connection within {}",
                humantime::format_duration(timeout)
            ),
        ))),
    }
}

/// `--only`/`--skip` patterns: the id contains the pattern, `*` matching any text.
fn patterns(list: &[String]) -> Result<Vec<regex::Regex>, VerifyError> {
    list.iter()
        .map(|p| {
            let body: Vec<String> = p.split('*').map(regex::escape).collect();
            regex::Regex::new(&body.join(".*")).map_err(|e| VerifyError::BadPattern {
                pattern: p.clone(),
                message: e.to_string(),
            })
        })
        .collect()
}

async fn run_case(run: &Shared, fixture: &Fixture) -> Verdict {
    let (client, base, options) = (&run.client, &run.base, &run.options);
    let started = Instant::now();
    let prepared = match request::prepare(fixture, options, run.target) {
        Ok(prepared) => prepared,
        Err(reason) => {
            let mut verdict = Verdict::new(fixture, fixture.request.path.clone());
            verdict.status = CaseStatus::Skip;
            verdict.reason = Some(reason);
            return verdict;
        }
    };
    let mut verdict = Verdict::new(fixture, prepared.path.clone());
    let reproduce = || Some(curl::command(base.as_str(), &prepared, options.secrets));
    if let Some(command) = &options.setup {
        if let Err(message) = request::run_setup(command, fixture, &options.target).await {
            verdict.status = CaseStatus::Fail;
            verdict.reason = Some(message);
            verdict.curl = reproduce();
            return verdict;
        }
    }
    match request::send(
        client,
        base,
        &prepared,
        options.timeout,
        options.max_body_bytes,
    )
    .await
    {
        Ok(actual) => {
            verdict.expected_body = compare::documented_for_diff(fixture, actual.body.as_ref());
            let (differences, warnings) = compare::response(fixture, &actual, options.match_level);
            verdict.status = if differences.is_empty() {
                CaseStatus::Pass
            } else {
                CaseStatus::Fail
            };
            verdict.differences = differences;
            verdict.warnings = warnings;
            verdict.actual = Some(actual);
        }
        Err(message) => {
            verdict.status = CaseStatus::Fail;
            verdict.reason = Some(message);
        }
    }
    if verdict.status == CaseStatus::Fail {
        verdict.curl = reproduce();
    }
    verdict.duration_ms = started.elapsed().as_millis() as u64;
    verdict
}
