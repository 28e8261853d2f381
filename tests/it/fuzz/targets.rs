//! The fuzz targets, one function per parser: shared by the stable harness (`tests/it/fuzz.rs`,
//! which mutates seeds and replays `fuzz/corpus/`) and the cargo-fuzz campaign (`fuzz/`,
//! nightly), so both exercise exactly the same code. A target panics only on a bug.

use docmock::extract::{self, aspnet, html, jslit, markdown, mdx, prose, rendered};
use docmock::extract::{DocFiles, Options};
use docmock::fixture::SourceFormat;

/// A target reading its input as bytes.
pub type Target = fn(&[u8]);

/// Every target by name (the folder of its corpus under `fuzz/corpus/`), with its input as
/// bytes; the text targets skip input that is not UTF-8, as libFuzzer's `&str` targets do.
pub const ALL: &[(&str, Target)] = &[
    ("jslit", |d| text(d, jslit_literal)),
    ("json_repair", |d| text(d, json_repair)),
    ("mdx", |d| text(d, mdx_page)),
    ("fenced", |d| text(d, fenced_page)),
    ("rendered", |d| text(d, rendered_page)),
    ("aspnet", |d| text(d, aspnet_page)),
    ("md_table", |d| text(d, markdown_tables)),
    ("md_list", |d| text(d, markdown_lists)),
    ("serve", serve_request),
];

fn text(data: &[u8], target: fn(&str)) {
    if let Ok(text) = std::str::from_utf8(data) {
        target(text);
    }
}

/// The JS literal reader: where a `{`/`[` literal ends, and what it holds.
pub fn jslit_literal(text: &str) {
    if let Some(open) = text.find(['{', '[']) {
        let _ = jslit::find_end(text, open);
        let _ = jslit::parse(&text[open..]);
    }
    let _ = jslit::parse(text);
}

/// JSON repair of rendered pages: examples broken over lines, cells and page furniture.
pub fn json_repair(text: &str) {
    let lines: Vec<&str> = text.lines().collect();
    let _ = rendered::repair::repair(&lines);
}

/// The MDX extractor: `<Snapshot>` components, their literals and imports.
pub fn mdx_page(text: &str) {
    let _ = mdx::extract("fuzz.mdx", text, &DocFiles::default(), &Options::default());
}

/// Fenced Markdown (request lines, status headings, JSON blocks), through the entry point
/// that detects a page's format.
pub fn fenced_page(text: &str) {
    let _ = extract::extract_page("fuzz.md", text, &DocFiles::default(), &Options::default());
}

/// Rendered doc pages, as HTML and as the text a browser shows.
pub fn rendered_page(text: &str) {
    let _ = html::extract("fuzz.html", text, SourceFormat::RenderedHtml);
    let _ = rendered::extract("fuzz.txt", text);
}

/// ASP.NET Web API help pages, as HTML and as text.
pub fn aspnet_page(text: &str) {
    let _ = html::extract("fuzz.html", text, SourceFormat::AspnetHtml);
    let _ = aspnet::extract("fuzz.txt", text);
}

/// GFM tables read as parameter and response-field tables (rows as GFM cuts them and as
/// written).
pub fn markdown_tables(text: &str) {
    let outline = markdown::outline(text);
    for table in &outline.tables {
        for rows in [&table.rows, &table.raw_rows] {
            let _ = prose::read_table(&prose::TableText {
                header: &table.header,
                rows,
                headings: &["Parameters"],
                lead: "",
            });
        }
    }
}

/// Definition lists and bullet lists of parameters.
pub fn markdown_lists(text: &str) {
    let _ = prose::lists::rows(&markdown::outline(text));
}

/// The serve request path through the router, in process, over the default docs. The input
/// is `METHOD TARGET` on the first line, `name: value` lines, a blank line, the body. What
/// `http` itself refuses (a bad method, target or header) is skipped: hyper refuses it before
/// docmock sees it. No answer may be a 5xx.
pub fn serve_request(data: &[u8]) {
    use tower_service::Service;
    let Some(request) = request(data) else {
        return;
    };
    let app = app();
    let mut router = app.router.clone();
    let response = app.runtime.block_on(router.call(request)).unwrap();
    assert!(response.status().as_u16() < 500, "{}", response.status());
}

struct App {
    runtime: tokio::runtime::Runtime,
    router: axum::Router,
}

fn app() -> &'static App {
    static APP: std::sync::OnceLock<App> = std::sync::OnceLock::new();
    APP.get_or_init(|| {
        let docs = extract::load(&extract::DocsLocation::Embedded, &Options::default())
            .expect("the embedded docs load")
            .docs;
        // a short journal: the state one input leaves for the next stays small, and listing
        // it (`GET /__docmock/requests`) costs microseconds, not the milliseconds of 1,000
        let config = docmock::serve::Config {
            journal_size: 8,
            ..docmock::serve::Config::default()
        };
        let server = docmock::serve::Server::new(&docs, config);
        App {
            runtime: tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
                .expect("a runtime"),
            router: docmock::serve::router(server),
        }
    })
}

fn request(data: &[u8]) -> Option<axum::http::Request<axum::body::Body>> {
    use axum::http::{HeaderName, HeaderValue, Method, Request, Uri};
    let (head, body) = match data.windows(2).position(|w| w == b"\n\n") {
        Some(at) => (&data[..at], &data[at + 2..]),
        None => (data, &[][..]),
    };
    let mut lines = head.split(|&b| b == b'\n');
    let first = lines.next()?;
    let space = first.iter().position(|&b| b == b' ')?;
    let method = Method::from_bytes(&first[..space]).ok()?;
    let uri = Uri::try_from(&first[space + 1..]).ok()?;
    let mut builder = Request::builder().method(method).uri(uri);
    for line in lines {
        let colon = line.iter().position(|&b| b == b':')?;
        let name = HeaderName::from_bytes(&line[..colon]).ok()?;
        let value = HeaderValue::from_bytes(line[colon + 1..].trim_ascii()).ok()?;
        builder = builder.header(name, value);
    }
    builder.body(axum::body::Body::from(body.to_vec())).ok()
}
