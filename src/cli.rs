//! The command line: one subcommand per verb, the docs arguments shared by all of them.

use clap::{Args, Parser, Subcommand, ValueEnum};
use std::path::PathBuf;

/// Turn API documentation into a working mock server and a contract test.
#[derive(Debug, Parser)]
#[command(name = "docmock", version, about, propagate_version = true)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
    /// The config file; default: `docmock.toml` in this folder or the nearest parent.
    #[arg(long, global = true, value_name = "FILE", env = "DOCMOCK_CONFIG")]
    pub config: Option<PathBuf>,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Extract route fixtures from doc pages (one JSON line per fixture, or one file per page).
    Extract(ExtractArgs),
    /// List every documented route: method, route, documented statuses, source.
    Routes(RoutesArgs),
    /// Run a stub HTTP server that answers as the docs say.
    Serve(ServeArgs),
    /// Sit between a client and the real implementation: check every answer against the docs,
    /// record what they do not cover.
    Proxy(ProxyArgs),
    /// Send the documented requests to a real implementation and report every difference.
    Verify(VerifyArgs),
    /// Find docs that contradict themselves.
    Lint(LintArgs),
    /// Compare two versions of the docs.
    Diff(DiffArgs),
    /// Write the docs in a format other tools read.
    #[command(subcommand)]
    Export(ExportCommand),
    /// Say how `serve` would answer a request, offline: which route, which case, and why.
    Explain(ExplainArgs),
    /// Write a commented `docmock.toml` for the docs found here.
    Init(InitArgs),
    /// Print a shell completion script: `docmock completions bash > ~/.local/share/bash-completion/completions/docmock`.
    Completions(CompletionsArgs),
}

#[derive(Debug, Args)]
pub struct ExplainArgs {
    /// HTTP method, e.g. POST.
    pub method: String,
    /// Path and query, e.g. `/subscriptions?page=2`.
    pub path: String,
    #[command(flatten)]
    pub docs: DocsArgs,
    /// The request body (JSON unless a `Content-Type` header says otherwise).
    #[arg(long, value_name = "BODY")]
    pub body: Option<String>,
    /// A request header: `Prefer: code=404` (repeatable).
    #[arg(long = "header", short = 'H', value_name = "NAME: VALUE")]
    pub headers: Vec<String>,
    #[arg(long, value_enum, default_value = "human")]
    pub format: ExplainFormat,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ExplainFormat {
    Human,
    Json,
}

#[derive(Debug, Args)]
pub struct InitArgs {
    /// Replace an existing docmock.toml.
    #[arg(long)]
    pub force: bool,
}

#[derive(Debug, Args)]
pub struct CompletionsArgs {
    /// The shell to complete in.
    #[arg(value_enum)]
    pub shell: clap_complete::Shell,
}

#[derive(Debug, Subcommand)]
pub enum ExportCommand {
    /// An OpenAPI 3.1 document: routes, parameters, every example, schemas inferred from them.
    Openapi(OpenapiArgs),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum OpenapiFormat {
    Json,
    Yaml,
}

#[derive(Debug, Args)]
pub struct OpenapiArgs {
    #[command(flatten)]
    pub docs: DocsArgs,
    #[arg(long, value_enum, default_value = "json")]
    pub format: OpenapiFormat,
    /// Write the document to this file instead of stdout.
    #[arg(long, value_name = "FILE")]
    pub out: Option<PathBuf>,
    /// `info.title`; default: the first page's title.
    #[arg(long)]
    pub title: Option<String>,
    /// `info.version`; default: 0.0.0.
    #[arg(long, value_name = "VERSION")]
    pub api_version: Option<String>,
    /// A server URL for `servers` (repeatable).
    #[arg(long = "server", value_name = "URL")]
    pub servers: Vec<String>,
}

/// Which docs to read; shared by every subcommand that reads one doc set.
#[derive(Debug, Clone, Args)]
pub struct DocsArgs {
    /// Docs folder (Markdown/MDX, rendered pages, ASP.NET help pages) or a folder of extracted
    /// fixtures; `git:REV:PATH` reads PATH at a git revision. Default: the embedded default docs.
    #[arg(value_name = "DOCS", env = "DOCMOCK_DOCS")]
    pub docs: Option<String>,
    /// Import alias for snapshot references, e.g. `@site=.` or `@snapshots=src/data/snapshots`
    /// (folder relative to the docs root). Defaults: `@site=.`, `@snapshots=snapshots`.
    #[arg(long = "alias", value_name = "PREFIX=FOLDER", value_parser = parse_key_value)]
    pub aliases: Vec<(String, String)>,
    /// Largest file read from the docs, in bytes; a larger one is an error naming it.
    #[arg(long, value_name = "BYTES", default_value_t = docmock::extract::files::MAX_FILE_BYTES)]
    pub max_page_bytes: u64,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ExtractFormat {
    /// One fixture per line.
    Jsonl,
    /// The whole doc set as one pretty JSON document.
    Json,
}

#[derive(Debug, Args)]
pub struct ExtractArgs {
    #[command(flatten)]
    pub docs: DocsArgs,
    #[arg(long, value_enum, default_value = "jsonl")]
    pub format: ExtractFormat,
    /// Write one pretty, stably ordered JSON file per doc page into this folder instead.
    #[arg(long, value_name = "DIR")]
    pub out: Option<PathBuf>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum RoutesFormat {
    Table,
    Json,
}

#[derive(Debug, Args)]
pub struct RoutesArgs {
    #[command(flatten)]
    pub docs: DocsArgs,
    #[arg(long, value_enum, default_value = "table")]
    pub format: RoutesFormat,
}

#[derive(Debug, Args)]
pub struct ServeArgs {
    #[command(flatten)]
    pub docs: DocsArgs,
    /// Address to bind; loopback only unless you say otherwise.
    #[arg(long, default_value = "127.0.0.1")]
    pub host: String,
    /// Port to bind; 0 picks a free one (the bound address is printed).
    #[arg(long, default_value_t = 4010, env = "DOCMOCK_PORT")]
    pub port: u16,
    /// How many requests the journal keeps (older ones are dropped and counted); each keeps up
    /// to 4 KiB of its body.
    #[arg(long, default_value_t = 1000)]
    pub journal_size: usize,
    /// Reload when the docs change; a broken edit keeps the last good docs.
    #[arg(long)]
    pub watch: bool,
    /// Answer CORS preflights and add CORS headers, for browser clients: any origin, without
    /// credentials; the admin endpoints stay out of CORS.
    #[arg(long)]
    pub cors: bool,
    /// An origin allowed to send credentials, e.g. `http://localhost:3000` (repeatable;
    /// implies --cors, and then only these origins are allowed).
    #[arg(long = "cors-origin", value_name = "ORIGIN")]
    pub cors_origins: Vec<String>,
    /// Also answer CORS for the admin endpoints (`/__docmock/`), which hold request bodies.
    #[arg(long)]
    pub cors_admin: bool,
    /// A host name answered besides the loopback names when bound to loopback (repeatable).
    #[arg(long = "allow-host", value_name = "NAME")]
    pub allow_hosts: Vec<String>,
    /// Largest accepted request body in bytes (413 above it).
    #[arg(long, default_value_t = 1024 * 1024)]
    pub max_body_bytes: usize,
    /// Forward requests no documented route matches to this URL (journal reason `fallback`).
    #[arg(long, value_name = "URL")]
    pub fallback: Option<String>,
    /// PEM file of CA certificates trusted at an https `--fallback` (or proxy `--target`)
    /// besides the public web roots: a company CA, a development server's own (repeatable).
    #[arg(long = "ca-cert", value_name = "FILE")]
    pub ca_certs: Vec<PathBuf>,
    /// Seconds a client may take to send a request's head, and then its body (408).
    #[arg(long, value_name = "SECONDS", default_value_t = docmock::serve::READ_TIMEOUT.as_secs_f64())]
    pub read_timeout: f64,
    /// Connections served at once; more wait to be accepted.
    #[arg(long, value_name = "N", default_value_t = docmock::serve::MAX_CONNECTIONS)]
    pub max_connections: usize,
    /// Log one line per served request even when stderr is not a terminal (otherwise a
    /// summary a second).
    #[arg(long)]
    pub log_requests: bool,
}

#[derive(Debug, Args)]
pub struct ProxyArgs {
    /// Listening, limits, journal and `--watch` as for `serve`.
    #[command(flatten)]
    pub serve: ServeArgs,
    /// Base URL of the real implementation, e.g. http://127.0.0.1:3000
    #[arg(long, value_name = "URL")]
    pub target: String,
    /// How closely answers must match the docs.
    #[arg(long = "match", value_enum, default_value = "shape")]
    pub match_level: MatchLevel,
    /// Answer 502 (problem+json) instead of an answer that differs, and 422 without forwarding
    /// to a request that breaks the parameter table.
    #[arg(long)]
    pub strict: bool,
    /// On shutdown, write a report: `human`, `json=PATH` or `junit=PATH` (repeatable).
    #[arg(long = "report", value_name = "FORMAT[=PATH]")]
    pub reports: Vec<String>,
    /// Another header whose values never appear in logs, journal, reports or recordings.
    #[arg(long = "redact-header", value_name = "NAME")]
    pub redact_headers: Vec<String>,
    /// Write exchanges no documented case covers as draft doc pages into this folder.
    #[arg(long, value_name = "DIR")]
    pub record: Option<PathBuf>,
    /// Timeout of each forwarded request, in seconds.
    #[arg(long, default_value_t = 30.0)]
    pub timeout: f64,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum MatchLevel {
    /// Same JSON types and every documented key present.
    Shape,
    /// Shape, and scalar values equal.
    Values,
    /// Equal JSON.
    Exact,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum VerifyFormat {
    /// A line per case, differences and a body diff under each failure.
    Human,
    /// Workflow-command annotations at the doc line of each failed case.
    Github,
}

#[derive(Debug, Args)]
pub struct VerifyArgs {
    #[command(flatten)]
    pub docs: DocsArgs,
    #[arg(long, value_enum, default_value = "human")]
    pub format: VerifyFormat,
    /// Base URL of the implementation to verify, e.g. http://127.0.0.1:3000 (or `verify.target`
    /// in docmock.toml).
    #[arg(long, value_name = "URL", env = "DOCMOCK_TARGET")]
    pub target: Option<String>,
    /// Value for a path parameter, for every route: `dossier_id=123`.
    #[arg(long = "var", value_name = "NAME=VALUE", value_parser = parse_key_value)]
    pub vars: Vec<(String, String)>,
    /// TOML or JSON file of variables: global `name = "value"` pairs and per-route tables.
    #[arg(long, value_name = "FILE")]
    pub vars_file: Option<PathBuf>,
    /// Extra header for every request: `Authorization: Basic ...`.
    #[arg(long = "header", short = 'H', value_name = "NAME: VALUE")]
    pub headers: Vec<String>,
    /// Shell command run before each case, with DOCMOCK_FIXTURE_ID, DOCMOCK_FIXTURE_TITLE and DOCMOCK_TARGET set.
    #[arg(long, value_name = "CMD")]
    pub setup: Option<String>,
    /// Cases run concurrently.
    #[arg(long, default_value_t = 1)]
    pub jobs: usize,
    /// Run only fixtures whose id contains one of these patterns (`*` matches any text).
    #[arg(long, value_name = "PATTERN")]
    pub only: Vec<String>,
    /// Skip fixtures whose id contains one of these patterns (`*` matches any text).
    #[arg(long, value_name = "PATTERN")]
    pub skip: Vec<String>,
    /// Timeout per request, in seconds.
    #[arg(long, default_value_t = 10.0)]
    pub timeout: f64,
    /// How closely bodies must match.
    #[arg(long = "match", value_enum, default_value = "shape")]
    pub match_level: MatchLevel,
    /// Also write a report: `junit=PATH` or `json=PATH` (repeatable).
    #[arg(long = "report", value_name = "FORMAT=PATH", value_parser = parse_key_value)]
    pub reports: Vec<(String, String)>,
    /// Rewrite documented responses that differ with what the implementation returned.
    #[arg(long)]
    pub update: bool,
    /// With --update: print the would-be diff of each doc file instead of writing.
    #[arg(long, requires = "update")]
    pub dry_run: bool,
    /// Do not send `Prefer: example=<fixture id>` (sent by default; only a docmock stub acts on it).
    #[arg(long)]
    pub no_prefer: bool,
    /// Show credentials (`Authorization`, cookies, keys, tokens) in the `curl` command of a
    /// failed case instead of `***`.
    #[arg(long)]
    pub show_secrets: bool,
    /// Largest answer body read, in bytes; a larger one fails its case.
    #[arg(long, value_name = "BYTES", default_value_t = docmock::verify::MAX_BODY_BYTES)]
    pub max_body_bytes: u64,
    /// PEM file of CA certificates trusted at an https target besides the public web roots: a
    /// company CA, a development server's own (repeatable).
    #[arg(long = "ca-cert", value_name = "FILE")]
    pub ca_certs: Vec<PathBuf>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum LintFormat {
    Human,
    Json,
    /// Workflow-command annotations at each finding's line.
    Github,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum DenyLevel {
    /// Warnings fail the run too.
    Warnings,
}

#[derive(Debug, Args)]
pub struct LintArgs {
    #[command(flatten)]
    pub docs: DocsArgs,
    #[arg(long, value_enum, default_value = "human")]
    pub format: LintFormat,
    /// `--deny warnings` turns warnings into failures.
    #[arg(long, value_enum)]
    pub deny: Option<DenyLevel>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum DiffFormat {
    Human,
    Json,
    /// For a pull-request comment: a table per level.
    Markdown,
    /// One test case per change; breaking ones fail.
    Junit,
    /// Workflow-command annotations at the changed lines.
    Github,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum FailOn {
    /// A breaking change.
    Breaking,
    /// A breaking change or a warning.
    Warning,
    /// Any counted change (not moves and rewording, level `none`).
    Any,
    Never,
}

#[derive(Debug, Args)]
pub struct DiffArgs {
    /// The old docs: a doc folder, an extracted fixtures folder, or `git:REV:PATH`.
    pub old: String,
    /// The new docs, in the same forms.
    pub new: String,
    /// Import alias for snapshot references on both sides.
    #[arg(long = "alias", value_name = "PREFIX=FOLDER", value_parser = parse_key_value)]
    pub aliases: Vec<(String, String)>,
    /// Import alias for the old docs only (after --alias).
    #[arg(long = "old-alias", value_name = "PREFIX=FOLDER", value_parser = parse_key_value)]
    pub old_aliases: Vec<(String, String)>,
    /// Import alias for the new docs only (after --alias).
    #[arg(long = "new-alias", value_name = "PREFIX=FOLDER", value_parser = parse_key_value)]
    pub new_aliases: Vec<(String, String)>,
    #[arg(long, value_enum, default_value = "human")]
    pub format: DiffFormat,
    /// Another level for a rule: `DF005=warning` (breaking, warning, info, none); repeatable.
    #[arg(long = "severity", value_name = "DFxxx=LEVEL", value_parser = parse_key_value)]
    pub severity: Vec<(String, String)>,
    /// Accept known changes: a file of lines `DF005 POST /a/{id} reason...`.
    #[arg(long, value_name = "FILE")]
    pub ignore: Option<std::path::PathBuf>,
    /// Which changes make the exit code 1.
    #[arg(long, value_enum, default_value = "breaking")]
    pub fail_on: FailOn,
}

/// `name=value` (the first `=` splits).
fn parse_key_value(s: &str) -> Result<(String, String), String> {
    match s.split_once('=') {
        Some((k, v)) if !k.trim().is_empty() => Ok((k.trim().to_string(), v.trim().to_string())),
        _ => Err(format!("expected NAME=VALUE, got `{s}`")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::CommandFactory;

    #[test]
    fn the_cli_definition_is_consistent() {
        Cli::command().debug_assert();
    }
}
