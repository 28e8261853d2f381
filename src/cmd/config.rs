//! `docmock.toml`: the settings a project would otherwise repeat on every command line.
//!
//! Found in the current folder or the nearest parent that has one, or named by `--config`.
//! A setting applies only where the command line left the default: a flag beats an
//! environment variable (`DOCMOCK_DOCS`, `DOCMOCK_TARGET`, `DOCMOCK_PORT`), which beats the
//! file. Relative paths in the file are relative to the file's folder. An unknown key is an
//! error naming the key and its line.

use crate::cli::{
    Cli, Command, DenyLevel, DiffArgs, DocsArgs, ExportCommand, FailOn, MatchLevel, ServeArgs,
    VerifyArgs,
};
use anyhow::{bail, Context};
use clap::parser::ValueSource;
use clap::{ArgMatches, ValueEnum};
use indexmap::IndexMap;
use serde::Deserialize;
use std::path::{Path, PathBuf};

/// The file's name.
pub const FILE_NAME: &str = "docmock.toml";

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct File {
    /// The docs folder (or `git:REV:PATH`).
    pub docs: Option<String>,
    /// Import aliases: `"@site" = "."`.
    #[serde(default)]
    pub alias: IndexMap<String, String>,
    #[serde(default)]
    pub serve: ServeSection,
    #[serde(default)]
    pub verify: VerifySection,
    #[serde(default)]
    pub lint: LintSection,
    #[serde(default)]
    pub diff: DiffSection,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ServeSection {
    pub host: Option<String>,
    pub port: Option<u16>,
    pub cors: Option<bool>,
    pub watch: Option<bool>,
    pub journal_size: Option<usize>,
    pub max_body_bytes: Option<usize>,
    /// PEM files, as `--ca-cert`.
    #[serde(default)]
    pub ca_certs: Vec<String>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct VerifySection {
    pub target: Option<String>,
    /// Path parameter values, as `--var`.
    #[serde(default)]
    pub vars: IndexMap<String, toml::Value>,
    pub vars_file: Option<String>,
    /// `"Name: value"`, as `--header`.
    #[serde(default)]
    pub headers: Vec<String>,
    pub setup: Option<String>,
    #[serde(rename = "match")]
    pub match_level: Option<String>,
    pub jobs: Option<usize>,
    pub timeout: Option<f64>,
    /// `"junit=PATH"`, as `--report`.
    #[serde(default)]
    pub reports: Vec<String>,
    pub prefer: Option<bool>,
    /// PEM files, as `--ca-cert`.
    #[serde(default)]
    pub ca_certs: Vec<String>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LintSection {
    /// `"warnings"`: warnings fail the run.
    pub deny: Option<String>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DiffSection {
    pub fail_on: Option<String>,
    /// `DF005 = "warning"`, as `--severity`.
    #[serde(default)]
    pub severity: IndexMap<String, String>,
    pub ignore: Option<String>,
}

/// A config file read, and where it was.
#[derive(Debug)]
pub struct Loaded {
    pub path: PathBuf,
    pub file: File,
}

impl Loaded {
    /// A path written in the file, relative to the file's folder.
    fn resolve(&self, path: &str) -> String {
        if path.starts_with("git:") || Path::new(path).is_absolute() {
            return path.to_string();
        }
        let dir = self.path.parent().unwrap_or(Path::new("."));
        dir.join(path).to_string_lossy().into_owned()
    }
}

/// `explicit` (`--config`), else `docmock.toml` in the current folder or its nearest parent.
pub fn find(explicit: Option<&Path>) -> anyhow::Result<Option<Loaded>> {
    let path = match explicit {
        Some(path) => path.to_path_buf(),
        None => {
            let cwd = std::env::current_dir().context("cannot read the current folder")?;
            match cwd
                .ancestors()
                .map(|dir| dir.join(FILE_NAME))
                .find(|p| p.is_file())
            {
                Some(path) => path,
                None => return Ok(None),
            }
        }
    };
    let text = std::fs::read_to_string(&path)
        .with_context(|| format!("cannot read the config file {}", path.display()))?;
    let file = parse(&text).map_err(|(line, col, message)| {
        anyhow::anyhow!("{}:{line}:{col}: {message}", path.display())
    })?;
    Ok(Some(Loaded { path, file }))
}

/// The file's settings; `Err` is the line, column and message of the first problem.
pub fn parse(text: &str) -> Result<File, (usize, usize, String)> {
    toml::from_str(text).map_err(|e: toml::de::Error| {
        let at = e.span().map_or(0, |s| s.start);
        let before = &text[..at.min(text.len())];
        let line = before.matches('\n').count() + 1;
        let col = before.len() - before.rfind('\n').map_or(0, |i| i + 1) + 1;
        (line, col, e.message().trim().to_string())
    })
}

/// Fill every setting the command line left at its default from the config file.
pub fn apply(cli: &mut Cli, matches: &ArgMatches) -> anyhow::Result<()> {
    if matches!(cli.command, Command::Init(_) | Command::Completions(_)) {
        return Ok(());
    }
    let Some(loaded) = find(cli.config.as_deref())? else {
        return Ok(());
    };
    let Some((_, mut sub)) = matches.subcommand() else {
        return Ok(());
    };
    if let Some((_, nested)) = sub.subcommand() {
        sub = nested;
    }
    let c = &loaded;
    match &mut cli.command {
        Command::Extract(a) => docs(&mut a.docs, c),
        Command::Routes(a) => docs(&mut a.docs, c),
        Command::Export(ExportCommand::Openapi(a)) => docs(&mut a.docs, c),
        Command::Explain(a) => docs(&mut a.docs, c),
        Command::Serve(a) => serve(a, sub, c),
        // the proxy listens like `serve`: the file's `[serve]` settings apply to it too
        Command::Proxy(a) => serve(&mut a.serve, sub, c),
        Command::Verify(a) => verify(a, sub, c)?,
        Command::Lint(a) => {
            docs(&mut a.docs, c);
            if let (Some(deny), None) = (&c.file.lint.deny, a.deny) {
                a.deny = Some(parse_enum::<DenyLevel>("lint.deny", deny)?);
            }
        }
        Command::Diff(a) => diff(a, sub, c)?,
        Command::Init(_) | Command::Completions(_) => {}
    }
    Ok(())
}

/// Not given on the command line nor in the environment.
fn unset(matches: &ArgMatches, id: &str) -> bool {
    matches!(
        matches.value_source(id),
        None | Some(ValueSource::DefaultValue)
    )
}

fn docs(args: &mut DocsArgs, c: &Loaded) {
    if args.docs.is_none() {
        args.docs = c.file.docs.as_deref().map(|d| c.resolve(d));
    }
    // The file's first, so a flag for the same prefix wins.
    let mut aliases: Vec<(String, String)> = c
        .file
        .alias
        .iter()
        .map(|(k, v)| (k.clone(), v.clone()))
        .collect();
    aliases.append(&mut args.aliases);
    args.aliases = aliases;
}

fn serve(args: &mut ServeArgs, m: &ArgMatches, c: &Loaded) {
    docs(&mut args.docs, c);
    let s = &c.file.serve;
    if let (Some(host), true) = (&s.host, unset(m, "host")) {
        args.host = host.clone();
    }
    if let (Some(port), true) = (s.port, unset(m, "port")) {
        args.port = port;
    }
    if let (Some(size), true) = (s.journal_size, unset(m, "journal_size")) {
        args.journal_size = size;
    }
    if let (Some(max), true) = (s.max_body_bytes, unset(m, "max_body_bytes")) {
        args.max_body_bytes = max;
    }
    if args.ca_certs.is_empty() {
        args.ca_certs = s.ca_certs.iter().map(|p| c.resolve(p).into()).collect();
    }
    args.cors |= s.cors.unwrap_or(false) && unset(m, "cors");
    args.watch |= s.watch.unwrap_or(false) && unset(m, "watch");
}

fn verify(args: &mut VerifyArgs, m: &ArgMatches, c: &Loaded) -> anyhow::Result<()> {
    docs(&mut args.docs, c);
    let v = &c.file.verify;
    if args.target.is_none() {
        args.target = v.target.clone();
    }
    // File variables first: a `--var` of the same name wins.
    let mut vars: Vec<(String, String)> = v
        .vars
        .iter()
        .map(|(k, value)| {
            let text = match value {
                toml::Value::String(s) => s.clone(),
                other => other.to_string(),
            };
            (k.clone(), text)
        })
        .collect();
    vars.append(&mut args.vars);
    args.vars = vars;
    if args.vars_file.is_none() {
        args.vars_file = v.vars_file.as_deref().map(|p| c.resolve(p).into());
    }
    let mut headers = v.headers.clone();
    headers.append(&mut args.headers);
    args.headers = headers;
    if args.setup.is_none() {
        args.setup = v.setup.clone();
    }
    if let (Some(level), true) = (&v.match_level, unset(m, "match_level")) {
        args.match_level = parse_enum::<MatchLevel>("verify.match", level)?;
    }
    if let (Some(jobs), true) = (v.jobs, unset(m, "jobs")) {
        args.jobs = jobs;
    }
    if let (Some(timeout), true) = (v.timeout, unset(m, "timeout")) {
        args.timeout = timeout;
    }
    if args.reports.is_empty() {
        for report in &v.reports {
            match report.split_once('=') {
                Some((format, path)) => args
                    .reports
                    .push((format.trim().to_string(), c.resolve(path.trim()))),
                None => bail!(
                    "{}: verify.reports: expected \"FORMAT=PATH\", got `{report}`",
                    c.path.display()
                ),
            }
        }
    }
    if args.ca_certs.is_empty() {
        args.ca_certs = v.ca_certs.iter().map(|p| c.resolve(p).into()).collect();
    }
    if v.prefer == Some(false) && unset(m, "no_prefer") {
        args.no_prefer = true;
    }
    Ok(())
}

fn diff(args: &mut DiffArgs, m: &ArgMatches, c: &Loaded) -> anyhow::Result<()> {
    let d = &c.file.diff;
    let mut aliases: Vec<(String, String)> = c
        .file
        .alias
        .iter()
        .map(|(k, v)| (k.clone(), v.clone()))
        .collect();
    aliases.append(&mut args.aliases);
    args.aliases = aliases;
    if let (Some(fail_on), true) = (&d.fail_on, unset(m, "fail_on")) {
        args.fail_on = parse_enum::<FailOn>("diff.fail_on", fail_on)?;
    }
    let mut severity: Vec<(String, String)> = d
        .severity
        .iter()
        .map(|(k, v)| (k.clone(), v.clone()))
        .collect();
    severity.append(&mut args.severity);
    args.severity = severity;
    if args.ignore.is_none() {
        args.ignore = d.ignore.as_deref().map(|p| c.resolve(p).into());
    }
    Ok(())
}

fn parse_enum<T: ValueEnum>(key: &str, value: &str) -> anyhow::Result<T> {
    T::from_str(value, true).map_err(|_| {
        let names: Vec<String> = T::value_variants()
            .iter()
            .filter_map(|v| v.to_possible_value())
            .map(|p| p.get_name().to_string())
            .collect();
        anyhow::anyhow!(
            "{FILE_NAME}: {key}: `{value}` is not one of: {}",
            names.join(", ")
        )
    })
}

/// The commented file `docmock init` writes for `docs`.
pub fn template(docs: &str) -> String {
    format!(
        r#"# docmock settings for this project. A flag on the command line beats an environment
# variable (DOCMOCK_DOCS, DOCMOCK_TARGET, DOCMOCK_PORT), which beats this file. Relative
# paths are relative to this file's folder. Uncomment what you need.

# The docs folder (Markdown/MDX pages, rendered pages, ASP.NET help pages).
docs = "{docs}"

# Import aliases for snapshot references.
[alias]
# "@site" = "."
# "@snapshots" = "snapshots"

[serve]
# host = "127.0.0.1"
# port = 4010
# cors = false
# watch = false
# journal_size = 1000
# max_body_bytes = 1048576
# ca_certs = ["dev-ca.pem"]   # trusted at an https --fallback or proxy --target

[verify]
# target = "http://127.0.0.1:3000"
# vars = {{ dossier_id = "123" }}
# vars_file = "vars.toml"
# headers = ["Authorization: Bearer ${{DOCMOCK_FIXTURE_ID}}"]
# setup = "./reset-db.sh"
# match = "shape"   # shape, values or exact
# jobs = 1
# timeout = 10.0
# reports = ["junit=target/docmock.xml"]
# prefer = true     # send `Prefer: example=<fixture id>`
# ca_certs = ["dev-ca.pem"]   # trusted at an https target besides the public roots

[lint]
# deny = "warnings"

[diff]
# fail_on = "breaking"   # breaking, warning, any or never
# severity = {{ DF005 = "warning" }}
# ignore = "docmock-ignore.txt"
"#
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_unknown_key_is_an_error_naming_it_and_its_line() {
        let (line, col, message) = parse("docs = \"d\"\n[verify]\ncolour = \"red\"\n").unwrap_err();
        assert_eq!((line, col), (3, 1));
        assert!(message.starts_with("unknown field `colour`"), "{message}");
    }

    #[test]
    fn the_template_parses_and_names_its_docs() {
        let file = parse(&template("docs")).unwrap();
        assert_eq!(file.docs.as_deref(), Some("docs"));
    }
}
