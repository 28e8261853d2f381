//! `docmock explain METHOD PATH`: build the stub's route table from the docs and say how it
//! answers one request, without starting a server.

use super::Outcome;
use crate::cli::{ExplainArgs, ExplainFormat};
use anyhow::{bail, Context};
use axum::http::{HeaderMap, HeaderName, HeaderValue, Method};
use docmock::serve::{explain, table::Table};
use std::io::Write;

pub fn run(args: ExplainArgs) -> anyhow::Result<Outcome> {
    let method = Method::from_bytes(args.method.to_ascii_uppercase().as_bytes())
        .with_context(|| format!("`{}` is not an HTTP method", args.method))?;
    if !args.path.starts_with('/') {
        bail!("the path must start with `/`, got `{}`", args.path);
    }
    let mut headers = HeaderMap::new();
    for text in &args.headers {
        let (name, value) =
            docmock::verify::request::parse_header(text).map_err(anyhow::Error::msg)?;
        let name = HeaderName::from_bytes(name.as_bytes())
            .with_context(|| format!("`{name}` is not a header name"))?;
        let value = HeaderValue::from_str(&value)
            .with_context(|| format!("`{value}` is not a header value"))?;
        headers.append(name, value);
    }
    let body = args.body.clone().unwrap_or_default();
    if !body.is_empty() && !headers.contains_key(axum::http::header::CONTENT_TYPE) {
        headers.insert(
            axum::http::header::CONTENT_TYPE,
            HeaderValue::from_static("application/json"),
        );
    }
    let (_, extraction) = super::load(&args.docs)?;
    super::print_extract_errors(&extraction);
    let table = Table::build(&extraction.docs);
    let runtime = tokio::runtime::Builder::new_current_thread()
        .build()
        .context("cannot start the async runtime")?;
    let explanation = runtime.block_on(explain::explain(
        &table,
        &method,
        &args.path,
        &headers,
        body.into(),
    ));
    let mut out = std::io::stdout().lock();
    match args.format {
        ExplainFormat::Human => explain::render(&explanation, &mut out)?,
        ExplainFormat::Json => {
            serde_json::to_writer_pretty(&mut out, &explanation)?;
            writeln!(out)?;
        }
    }
    out.flush()?;
    Ok(Outcome::Clean)
}
