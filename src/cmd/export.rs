//! `docmock export openapi`: the docs as an OpenAPI 3.1 document, JSON or YAML.

use super::Outcome;
use crate::cli::{OpenapiArgs, OpenapiFormat};
use anyhow::Context;
use docmock::export::openapi::{document, Options};
use std::io::Write;

pub fn openapi(args: OpenapiArgs) -> anyhow::Result<Outcome> {
    let (_, extraction) = super::load(&args.docs)?;
    super::print_extract_errors(&extraction);
    let spec = document(
        &extraction.docs,
        &Options {
            title: args.title,
            version: args.api_version,
            servers: args.servers,
        },
    );
    let mut text = match args.format {
        OpenapiFormat::Json => serde_json::to_string_pretty(&spec)?,
        OpenapiFormat::Yaml => serde_norway::to_string(&spec)?,
    };
    if !text.ends_with('\n') {
        text.push('\n');
    }
    match &args.out {
        Some(path) => std::fs::write(path, text)
            .with_context(|| format!("cannot write {}", path.display()))?,
        None => {
            let mut out = std::io::stdout().lock();
            out.write_all(text.as_bytes())?;
            out.flush()?;
        }
    }
    Ok(Outcome::findings_if(!extraction.errors.is_empty()))
}
