//! Renderers: each takes data built by an earlier stage and writes it to any `impl Write`, so
//! every output format is testable as text.

pub mod diff;
pub mod fixtures;
pub mod github;
pub mod lint;
pub mod proxy;
pub mod routes;
pub mod verify;

/// Terminal styling, decided once by the caller (only `main`/`cmd` look at the terminal).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum Colour {
    #[default]
    Never,
    Always,
}

/// Wraps text in ANSI styles when colour is on; each report adds its own styles.
pub(crate) struct Paint(pub(crate) Colour);

impl Paint {
    pub(crate) fn wrap(&self, code: &str, text: &str) -> String {
        match self.0 {
            Colour::Never => text.to_string(),
            Colour::Always => format!("\x1b[{code}m{text}\x1b[0m"),
        }
    }
}
