//! The line model every rendered-page extractor reads: a page as a browser's "save as text"
//! gives it, one entry per line, each tied to its line in the source file. Text files map one
//! to one; HTML pages are turned into the same lines by [`crate::extract::html`], which also
//! knows what the text form can only guess (headings, code blocks, table cells).

/// One line of a rendered page.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Line {
    /// The text, without surrounding white space.
    pub text: String,
    /// 1-based line in the source file.
    pub line: usize,
    /// Characters of white space trimmed from the start: the text begins in this column + 1.
    pub indent: usize,
    pub kind: LineKind,
}

/// What the line is, as far as the source tells.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum LineKind {
    /// An empty line: the break between blocks.
    Blank,
    /// Ordinary text; in a text file also headings, code and flattened table rows, which the
    /// extractors recognise by their shape.
    Text,
    /// A heading (`<h1>`..`<h6>` in HTML).
    Heading,
    /// A line of a preformatted block (`<pre>` in HTML).
    Code,
    /// A table row with its cells (`<tr>` in HTML, `| a | b |` rows in ASP.NET text pages).
    Row(Vec<String>),
}

impl Line {
    /// A line with its text trimmed (the trimmed indent kept); empty text makes a blank line,
    /// except in code blocks and table rows, where an empty line is content.
    pub fn new(text: impl Into<String>, line: usize, kind: LineKind) -> Line {
        let raw = text.into();
        let indent = raw.chars().take_while(|c| c.is_whitespace()).count();
        let text = raw.trim().to_string();
        let kind = if text.is_empty() && !matches!(kind, LineKind::Code | LineKind::Row(_)) {
            LineKind::Blank
        } else {
            kind
        };
        Line {
            text,
            line,
            indent,
            kind,
        }
    }

    /// Whether this is the break between two blocks.
    pub fn is_blank(&self) -> bool {
        self.kind == LineKind::Blank
    }
}

/// The lines of a text file: blank or text.
pub fn from_text(text: &str) -> Vec<Line> {
    text.lines()
        .enumerate()
        .map(|(i, l)| Line::new(l, i + 1, LineKind::Text))
        .collect()
}
