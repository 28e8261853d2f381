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

/// Text from the docs or a target as it may be shown on a terminal: control characters (ESC,
/// CR, BEL, line breaks, C1 controls; not tabs) written as `\u{1b}` escapes, so no page or answer can
/// move the cursor, recolour or overwrite what docmock prints. Every human report passes
/// outside text through this; colours are added after.
///
/// ```
/// use docmock::report::printable;
/// assert_eq!(printable("ok\x1b[32m PASS\r"), "ok\\u{1b}[32m PASS\\r");
/// assert_eq!(printable("plain"), "plain");
/// ```
pub fn printable(text: &str) -> std::borrow::Cow<'_, str> {
    let escaped = |c: char| c.is_control() && c != '\t';
    if !text.chars().any(escaped) {
        return std::borrow::Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len() + 8);
    for c in text.chars() {
        if escaped(c) {
            out.extend(c.escape_default());
        } else {
            out.push(c);
        }
    }
    std::borrow::Cow::Owned(out)
}
