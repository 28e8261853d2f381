//! A mutation fuzzer that runs on the stable toolchain and in CI: every parser (each page
//! format's extractor, the JS literal reader, JSON repair, the Markdown table and list readers
//! behind them, and the serve request path in process) gets pages and requests mutated from
//! the seed corpus (`docs-source/`, `tests/pages/`, `tests/fuzz/`) with a fixed seed. A panic
//! fails the test with the case's seed; a stack overflow aborts the test binary.
//!
//! `DOCMOCK_FUZZ_CASES` sets the cases per target (default 1,500: seconds in CI);
//! `DOCMOCK_FUZZ_SEED` another start seed. A longer run:
//! `DOCMOCK_FUZZ_CASES=1000000 cargo test --release --test it fuzz:: -- --nocapture`.
//! A case that failed is kept by adding its text to `tests/fuzz/` (the corpus) and a test.
//!
//! The targets are [`targets`], shared with the coverage-guided campaign in `fuzz/` (cargo-fuzz,
//! nightly); its minimised corpora, committed under `fuzz/corpus/<target>/`, are replayed here
//! on every run, so what the campaign found stays found on the stable toolchain.

mod targets;

use std::path::Path;

/// xorshift64*: small, fast and the same on every machine.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_f491_4f6c_dd1d)
    }

    fn below(&mut self, n: usize) -> usize {
        if n == 0 {
            0
        } else {
            (self.next() % n as u64) as usize
        }
    }
}

fn cases() -> usize {
    std::env::var("DOCMOCK_FUZZ_CASES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(1_500)
}

fn start_seed() -> u64 {
    std::env::var("DOCMOCK_FUZZ_SEED")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(0x00d0_c00c_u64)
}

/// Every text file under the seed folders.
fn corpus() -> Vec<String> {
    fn walk(dir: &Path, out: &mut Vec<String>) {
        let Ok(entries) = std::fs::read_dir(dir) else {
            return;
        };
        let mut entries: Vec<_> = entries.filter_map(Result::ok).map(|e| e.path()).collect();
        entries.sort();
        for path in entries {
            if path.is_dir() {
                walk(&path, out);
            } else if let Ok(text) = std::fs::read_to_string(&path) {
                out.push(text);
            }
        }
    }
    let root = crate::common::root();
    let mut out = Vec::new();
    for dir in ["docs-source", "tests/pages", "tests/fuzz"] {
        walk(&root.join(dir), &mut out);
    }
    assert!(out.len() > 20, "the seed corpus is missing");
    out
}

/// Pieces that steer mutations towards the syntax the parsers look for.
const TOKENS: &[&str] = &[
    "<div>",
    "</div>",
    "<table><tr><td>",
    "</td></tr></table>",
    "<pre>",
    "<h2>",
    "{",
    "}",
    "[",
    "]",
    "\"",
    "'",
    "`",
    "```",
    "```json\n",
    "```http\n",
    "\n",
    "\r\n",
    "|",
    "| --- |",
    "- ",
    "  - ",
    "> ",
    "# ",
    "#### 200\n",
    "<Snapshot json={",
    "} />",
    "response: {",
    "status: 200",
    "body: ",
    "...",
    "`GET /x/{id}`",
    "POST /a HTTP/1.1\n",
    "Status: 200 OK\n",
    "Sample request",
    "\u{feff}",
    "\u{0}",
    "é",
    "\u{200b}",
    "${",
    "require(\"./a.json\")",
    "Required.",
    "enum",
    "Default: ",
    "curl -X POST",
    ":id",
    "{{",
    "}}",
    "<!--",
    "-->",
    "\\",
];

/// One mutated version of a seed text.
fn mutate(rng: &mut Rng, corpus: &[String]) -> String {
    let mut text = corpus[rng.below(corpus.len())].clone().into_bytes();
    for _ in 0..=rng.below(8) {
        let at = rng.below(text.len() + 1);
        match rng.below(7) {
            0 => {
                if let Some(b) = text.get_mut(at) {
                    *b ^= 1 << rng.below(8);
                }
            }
            1 | 2 => {
                let token = TOKENS[rng.below(TOKENS.len())].as_bytes();
                text.splice(at..at, token.iter().copied());
            }
            3 => {
                let end = (at + rng.below(64)).min(text.len());
                text.drain(at..end);
            }
            4 => {
                // repeat a piece: nesting, long lines, many cases
                let end = (at + 1 + rng.below(16)).min(text.len());
                let piece = text[at.min(end)..end].to_vec();
                let times = 1 + rng.below(300);
                let repeated: Vec<u8> = piece.repeat(times);
                text.splice(at..at, repeated);
            }
            5 => {
                // splice in part of another seed
                let other = corpus[rng.below(corpus.len())].as_bytes();
                let from = rng.below(other.len());
                let end = (from + rng.below(400)).min(other.len());
                text.splice(at..at, other[from..end].iter().copied());
            }
            _ => {
                let end = (at + rng.below(32)).min(text.len());
                text.truncate(end.max(at));
            }
        }
    }
    String::from_utf8_lossy(&text).into_owned()
}

/// Run `target` on `cases()` mutated texts; a panic names the case's seed.
fn fuzz(name: &str, mut target: impl FnMut(&str)) {
    let corpus = corpus();
    let first = start_seed();
    for case in 0..cases() as u64 {
        let seed = first.wrapping_add(case).wrapping_mul(0x9e37_79b9_7f4a_7c15) | 1;
        let text = mutate(&mut Rng(seed), &corpus);
        let result = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| target(&text)));
        if result.is_err() {
            let kept = std::env::temp_dir().join(format!("docmock-fuzz-{name}-{seed}.txt"));
            let _ = std::fs::write(&kept, &text);
            panic!(
                "{name}: case {case} panicked (DOCMOCK_FUZZ_SEED={first}, seed {seed}); input kept in {}",
                kept.display()
            );
        }
    }
}

#[test]
fn every_page_extractor_survives_mutated_pages() {
    fuzz("pages", |text| {
        targets::mdx_page(text);
        targets::fenced_page(text);
        targets::rendered_page(text);
        targets::aspnet_page(text);
        targets::markdown_tables(text);
        targets::markdown_lists(text);
    });
}

#[test]
fn the_literal_reader_and_json_repair_survive_mutated_text() {
    fuzz("literals", |text| {
        targets::jslit_literal(text);
        targets::json_repair(text);
    });
}

#[test]
fn every_input_of_the_committed_fuzz_corpora_is_read_without_a_panic() {
    let root = crate::common::root().join("fuzz/corpus");
    for (name, target) in targets::ALL {
        let dir = root.join(name);
        let mut inputs: Vec<_> = std::fs::read_dir(&dir)
            .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
            .map(|e| e.unwrap().path())
            .collect();
        inputs.sort();
        assert!(!inputs.is_empty(), "{}: no inputs", dir.display());
        for input in inputs {
            let data = std::fs::read(&input).unwrap();
            let result = std::panic::catch_unwind(|| target(&data));
            assert!(result.is_ok(), "{name}: {} panicked", input.display());
        }
    }
}

#[test]
fn the_serve_request_path_survives_mutated_requests() {
    let paths = [
        "/api/v1/dossiers/7/protocol_subscriptions",
        "/api/v1/dossiers/x/fill_out_sessions",
        "/__docmock/requests",
        "/",
    ];
    fuzz("requests", |text| {
        let mut rng = Rng(text.len() as u64 | 1);
        let method = [
            "GET", "POST", "PUT", "DELETE", "HEAD", "PATCH", "OPTIONS", "X",
        ][rng.below(8)];
        let path: String = text
            .chars()
            .take(rng.below(40))
            .filter(|c| c.is_ascii_graphic())
            .collect();
        let prefer: String = text.chars().take(30).filter(|c| *c != '\n').collect();
        let content_type = [
            "application/json",
            "application/x-www-form-urlencoded",
            "text/plain",
        ][rng.below(3)];
        let request = format!(
            "{method} {}{path}\nprefer: {prefer}\ncontent-type: {content_type}\n\n{text}",
            paths[rng.below(paths.len())]
        );
        targets::serve_request(request.as_bytes());
    });
}
