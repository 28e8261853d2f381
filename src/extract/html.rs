//! Rendered doc pages and ASP.NET help pages saved as HTML.
//!
//! The page is parsed with a real HTML parser (html5ever through `scraper`) and turned into
//! the lines a browser's "save as text" gives: one line per paragraph, heading, list item and
//! table row, `<pre>` blocks line by line, blank lines between blocks. Unlike plain text, the
//! lines keep what the markup says (this is a heading, this a code line, these the cells of a
//! row) and the source line of their element. The text extractors then read these lines, so
//! an HTML page and its text form give the same fixtures.
//!
//! Site chrome is left out: `<head>`, scripts and styles, `<nav>`, `<aside>`, `<footer>`,
//! and anything `aria-hidden` (the `#` anchors docs sites put in headings).

use super::rendered::{Line, LineKind};
use super::{aspnet, rendered, ExtractError, PageExtraction};
use crate::fixture::{Page, SourceFormat};
use html5ever::tendril::{StrTendril, TendrilSink};
use html5ever::tree_builder::{ElementFlags, NodeOrText, QuirksMode, TreeSink};
use html5ever::{Attribute, QualName};
use scraper::{ElementRef, Html, HtmlTreeSink, Node};
use std::borrow::Cow;
use std::cell::{Cell, RefCell};
use std::collections::HashMap;

type Handle = <HtmlTreeSink as TreeSink>::Handle;

/// Deepest element nesting read. Reading the tree recurses once per level; real doc pages
/// stay far below this, and a deeper (hostile) page is an error instead of a stack overflow.
pub const MAX_DEPTH: usize = 256;

/// Extract one HTML page of the given format (rendered page or ASP.NET help page).
pub fn extract(file: &str, text: &str, format: SourceFormat) -> PageExtraction {
    let lines = match to_lines(text) {
        Ok(lines) => lines,
        Err(TooDeep { line }) => {
            return PageExtraction {
                page: Page {
                    file: file.to_string(),
                    format,
                    ..Page::default()
                },
                errors: vec![ExtractError::new(
                    file,
                    line,
                    1,
                    format!("elements nested more than {MAX_DEPTH} deep: page skipped"),
                )],
                warnings: Vec::new(),
            }
        }
    };
    match format {
        SourceFormat::AspnetHtml | SourceFormat::AspnetText => {
            aspnet::extract_lines(file, &lines, SourceFormat::AspnetHtml)
        }
        _ => rendered::extract_lines(file, &lines, SourceFormat::RenderedHtml),
    }
}

/// A page nested deeper than [`MAX_DEPTH`]: `line` is where the first too-deep element starts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TooDeep {
    pub line: usize,
}

/// The page as lines, each with the source line of its element.
pub fn to_lines(text: &str) -> Result<Vec<Line>, TooDeep> {
    let sink = LineSink {
        inner: HtmlTreeSink::new(Html::new_document()),
        line: Cell::new(1),
        lines: RefCell::new(HashMap::new()),
    };
    let (html, element_lines) =
        html5ever::driver::parse_document(sink, Default::default()).one(text);
    check_depth(&html, &element_lines)?;
    let source: Vec<&str> = text.lines().collect();
    let mut writer = Writer {
        element_lines: &element_lines,
        source: &source,
        out: Vec::new(),
        inline: String::new(),
        inline_line: 0,
    };
    writer.block(html.root_element(), 1);
    writer.flush();
    Ok(writer.out)
}

/// The element nesting depth, walked without recursion: in pre-order every parent comes
/// before its children, so each node's depth is its parent's plus one. Text has no children:
/// only elements can be too deep.
fn check_depth(html: &Html, element_lines: &HashMap<Handle, usize>) -> Result<(), TooDeep> {
    let mut depths: HashMap<Handle, usize> = HashMap::new();
    for node in html.tree.root().descendants() {
        let depth = node
            .parent()
            .and_then(|parent| depths.get(&parent.id()))
            .map_or(0, |d| d + 1);
        if depth > MAX_DEPTH && node.value().is_element() {
            let line = element_lines.get(&node.id()).copied().unwrap_or(1);
            return Err(TooDeep { line });
        }
        if node.has_children() {
            depths.insert(node.id(), depth);
        }
    }
    Ok(())
}

/// Elements left out entirely: not content, or site chrome.
const SKIPPED: &[&str] = &[
    "head", "script", "style", "noscript", "template", "svg", "button", "nav", "aside", "footer",
    "iframe", "select", "input", "textarea",
];

/// Elements that start and end a block of text.
const BLOCKS: &[&str] = &[
    "html",
    "body",
    "main",
    "article",
    "section",
    "header",
    "div",
    "p",
    "ul",
    "ol",
    "li",
    "dl",
    "dt",
    "dd",
    "blockquote",
    "figure",
    "figcaption",
    "details",
    "summary",
    "form",
    "fieldset",
    "legend",
    "address",
    "hr",
    "center",
    "caption",
];

struct Writer<'a> {
    element_lines: &'a HashMap<Handle, usize>,
    source: &'a [&'a str],
    out: Vec<Line>,
    /// Inline text gathered for the current block, white space collapsed.
    inline: String,
    inline_line: usize,
}

impl Writer<'_> {
    fn line_of(&self, el: ElementRef, parent_line: usize) -> usize {
        self.element_lines
            .get(&el.id())
            .copied()
            .unwrap_or(parent_line)
    }

    fn block(&mut self, el: ElementRef, parent_line: usize) {
        let line = self.line_of(el, parent_line);
        let name = el.value().name();
        if SKIPPED.contains(&name) || el.value().attr("aria-hidden") == Some("true") {
            return;
        }
        match name {
            "h1" | "h2" | "h3" | "h4" | "h5" | "h6" => {
                self.flush();
                let text = inline_text(el);
                self.push(Line::new(text, line, LineKind::Heading));
                self.blank();
            }
            "pre" => {
                self.flush();
                self.pre(el, line);
                self.blank();
            }
            "table" => {
                self.flush();
                self.table(el, line);
                self.blank();
            }
            "br" => self.flush_line(),
            _ if BLOCKS.contains(&name) => {
                self.flush();
                self.children(el, line);
                self.flush();
            }
            _ => self.children(el, line),
        }
    }

    fn children(&mut self, el: ElementRef, line: usize) {
        for child in el.children() {
            if let Some(child_el) = ElementRef::wrap(child) {
                self.block(child_el, line);
            } else if let Node::Text(text) = child.value() {
                self.text(text, line);
            }
        }
    }

    fn text(&mut self, text: &str, line: usize) {
        if self.inline.trim().is_empty() && !text.trim().is_empty() {
            self.inline_line = line;
        }
        for c in text.chars().filter(|c| *c != '\u{200b}') {
            if c.is_whitespace() {
                if !self.inline.ends_with(' ') {
                    self.inline.push(' ');
                }
            } else {
                self.inline.push(c);
            }
        }
    }

    /// A `<pre>` block line by line, white space kept. A line's source line counts the
    /// newlines written in the source before it (`<br>` breaks a line of text but not of the
    /// source); html5ever drops a newline right after `<pre>`, which is counted back.
    fn pre(&mut self, el: ElementRef, line: usize) {
        let after_tag = self
            .source
            .get(line.wrapping_sub(1))
            .and_then(|l| l.rfind("<pre").map(|at| &l[at..]))
            .and_then(|tag| tag.find('>').map(|end| tag[end + 1..].trim().is_empty()))
            .unwrap_or(false);
        let base = line + usize::from(after_tag);
        let mut lines = pre_lines(el);
        if lines.last().is_some_and(|(text, _)| text.trim().is_empty()) {
            lines.pop();
        }
        for (text, newlines) in lines {
            self.push(Line::new(text, base + newlines, LineKind::Code));
        }
    }

    fn table(&mut self, el: ElementRef, line: usize) {
        for row in table_rows(el) {
            let cells: Vec<String> = row
                .children()
                .filter_map(ElementRef::wrap)
                .filter(|c| matches!(c.value().name(), "td" | "th"))
                .map(inline_text)
                .collect();
            let row_line = self.line_of(row, line);
            self.push(Line::new(cells.concat(), row_line, LineKind::Row(cells)));
        }
    }

    /// End the current block: its text becomes a line, then a blank line.
    fn flush(&mut self) {
        self.flush_line();
        self.blank();
    }

    /// End the current line (`<br>`).
    fn flush_line(&mut self) {
        let text = std::mem::take(&mut self.inline);
        if !text.trim().is_empty() {
            self.push(Line::new(text, self.inline_line, LineKind::Text));
        }
    }

    fn blank(&mut self) {
        if self.out.last().is_some_and(|l| !l.is_blank()) {
            let line = self.out.last().map_or(1, |l| l.line);
            self.out.push(Line::new("", line, LineKind::Blank));
        }
    }

    fn push(&mut self, line: Line) {
        self.out.push(line);
    }
}

/// The rows of a table, in order, leaving out those of tables nested in its cells.
fn table_rows(table: ElementRef) -> Vec<ElementRef> {
    let mut rows = Vec::new();
    for child in table.children().filter_map(ElementRef::wrap) {
        match child.value().name() {
            "tr" => rows.push(child),
            "thead" | "tbody" | "tfoot" => rows.extend(table_rows(child)),
            _ => {}
        }
    }
    rows
}

/// The lines of a `<pre>` as written, each with the number of source newlines before it.
/// `<br>` ends a line too (Docusaurus writes code lines as `<span class="token-line">..<br>`).
/// Copy buttons and hidden parts are left out.
fn pre_lines(el: ElementRef) -> Vec<(String, usize)> {
    fn walk(el: ElementRef, out: &mut Vec<(String, usize)>, newlines: &mut usize) {
        for child in el.children() {
            if let Some(e) = ElementRef::wrap(child) {
                if e.value().name() == "br" {
                    out.push((String::new(), *newlines));
                } else if !SKIPPED.contains(&e.value().name())
                    && e.value().attr("aria-hidden") != Some("true")
                {
                    walk(e, out, newlines);
                }
            } else if let Node::Text(t) = child.value() {
                for (i, part) in t.split('\n').enumerate() {
                    if i > 0 {
                        *newlines += 1;
                        out.push((String::new(), *newlines));
                    }
                    out.last_mut().expect("a line is open").0.push_str(part);
                }
            }
        }
    }
    let mut out = vec![(String::new(), 0)];
    let mut newlines = 0;
    walk(el, &mut out, &mut newlines);
    out
}

/// The text of an element with white space collapsed, hidden parts left out.
fn inline_text(el: ElementRef) -> String {
    fn walk(el: ElementRef, out: &mut String) {
        for child in el.children() {
            if let Some(e) = ElementRef::wrap(child) {
                let hidden = SKIPPED.contains(&e.value().name())
                    || e.value().attr("aria-hidden") == Some("true");
                if !hidden {
                    // a line break or a block inside a cell (`<li>`) separates words
                    if matches!(e.value().name(), "br" | "li" | "p" | "div" | "ul" | "ol") {
                        out.push(' ');
                    }
                    walk(e, out);
                }
            } else if let Node::Text(t) = child.value() {
                out.push_str(t);
            }
        }
    }
    let mut raw = String::new();
    walk(el, &mut raw);
    raw.replace('\u{200b}', "")
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
}

/// Builds scraper's tree, recording the source line each element starts on.
struct LineSink {
    inner: HtmlTreeSink,
    line: Cell<u64>,
    lines: RefCell<HashMap<Handle, usize>>,
}

impl TreeSink for LineSink {
    type Handle = Handle;
    type Output = (Html, HashMap<Handle, usize>);
    type ElemName<'a> = <HtmlTreeSink as TreeSink>::ElemName<'a>;

    fn finish(self) -> Self::Output {
        (self.inner.finish(), self.lines.into_inner())
    }
    fn parse_error(&self, msg: Cow<'static, str>) {
        self.inner.parse_error(msg)
    }
    fn get_document(&self) -> Handle {
        self.inner.get_document()
    }
    fn elem_name<'a>(&'a self, target: &'a Handle) -> Self::ElemName<'a> {
        self.inner.elem_name(target)
    }
    fn create_element(&self, name: QualName, attrs: Vec<Attribute>, flags: ElementFlags) -> Handle {
        let handle = self.inner.create_element(name, attrs, flags);
        self.lines
            .borrow_mut()
            .insert(handle, self.line.get() as usize);
        handle
    }
    fn create_comment(&self, text: StrTendril) -> Handle {
        self.inner.create_comment(text)
    }
    fn create_pi(&self, target: StrTendril, data: StrTendril) -> Handle {
        self.inner.create_pi(target, data)
    }
    fn append(&self, parent: &Handle, child: NodeOrText<Handle>) {
        self.inner.append(parent, child)
    }
    fn append_based_on_parent_node(
        &self,
        element: &Handle,
        prev_element: &Handle,
        child: NodeOrText<Handle>,
    ) {
        self.inner
            .append_based_on_parent_node(element, prev_element, child)
    }
    fn append_doctype_to_document(
        &self,
        name: StrTendril,
        public_id: StrTendril,
        system_id: StrTendril,
    ) {
        self.inner
            .append_doctype_to_document(name, public_id, system_id)
    }
    fn get_template_contents(&self, target: &Handle) -> Handle {
        self.inner.get_template_contents(target)
    }
    fn same_node(&self, x: &Handle, y: &Handle) -> bool {
        self.inner.same_node(x, y)
    }
    fn set_quirks_mode(&self, mode: QuirksMode) {
        self.inner.set_quirks_mode(mode)
    }
    fn append_before_sibling(&self, sibling: &Handle, new_node: NodeOrText<Handle>) {
        self.inner.append_before_sibling(sibling, new_node)
    }
    fn add_attrs_if_missing(&self, target: &Handle, attrs: Vec<Attribute>) {
        self.inner.add_attrs_if_missing(target, attrs)
    }
    fn remove_from_parent(&self, target: &Handle) {
        self.inner.remove_from_parent(target)
    }
    fn reparent_children(&self, node: &Handle, new_parent: &Handle) {
        self.inner.reparent_children(node, new_parent)
    }
    fn set_current_line(&self, line_number: u64) {
        self.line.set(line_number)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn shape(lines: &[Line]) -> Vec<(String, usize, &'static str)> {
        lines
            .iter()
            .map(|l| {
                let kind = match &l.kind {
                    LineKind::Blank => "blank",
                    LineKind::Text => "text",
                    LineKind::Heading => "heading",
                    LineKind::Code => "code",
                    LineKind::Row(_) => "row",
                };
                (l.text.clone(), l.line, kind)
            })
            .collect()
    }

    #[test]
    fn turns_blocks_into_lines_with_their_source_lines() {
        let html = "<!doctype html>\n<html><head><title>x</title></head>\n<body>\n<nav>Docs</nav>\n<h1>Fill Out <code>Sessions</code><a aria-hidden=\"true\" href=\"#x\">#</a></h1>\n<p>Some\n  <em>prose</em>.</p>\n<pre><code>POST /a\n{\n  \"a\": 1\n}\n</code></pre>\n<table><tr><th>Name</th><th>Type</th></tr>\n<tr><td>id</td><td>string</td></tr></table>\n</body></html>\n";
        let lines = to_lines(html);
        let s = |t: &str, n, k| (t.to_string(), n, k);
        assert_eq!(
            shape(&lines.unwrap()),
            vec![
                s("Fill Out Sessions", 5, "heading"),
                s("", 5, "blank"),
                s("Some prose.", 6, "text"),
                s("", 6, "blank"),
                s("POST /a", 8, "code"),
                s("{", 9, "code"),
                s("\"a\": 1", 10, "code"),
                s("}", 11, "code"),
                s("", 11, "blank"),
                s("NameType", 13, "row"),
                s("idstring", 14, "row"),
                s("", 14, "blank"),
            ]
        );
    }

    #[test]
    fn rows_of_nested_tables_stay_in_their_cell() {
        let html = "<html><body><table><tr><th>Name</th><th>Type</th></tr><tr><td>a</td><td><table><tr><td>x</td></tr></table></td></tr></table></body></html>";
        let rows: Vec<LineKind> = to_lines(html)
            .unwrap()
            .into_iter()
            .filter(|l| matches!(l.kind, LineKind::Row(_)))
            .map(|l| l.kind)
            .collect();
        let row = |cells: &[&str]| LineKind::Row(cells.iter().map(|c| c.to_string()).collect());
        assert_eq!(rows, vec![row(&["Name", "Type"]), row(&["a", "x"])]);
    }

    #[test]
    fn never_panics_on_broken_markup() {
        for html in [
            "",
            "<",
            "<html><body><table><tr><td>x",
            "</p></pre><pre>",
            "<h1>\u{0}</h1>",
        ] {
            let _ = to_lines(html).unwrap();
            let _ = extract("x.html", html, SourceFormat::RenderedHtml);
            let _ = extract("x.html", html, SourceFormat::AspnetHtml);
        }
    }

    #[test]
    fn a_page_nested_deeper_than_the_limit_is_an_error_at_its_line() {
        let html = format!(
            "<html><body>\n<h1>Deep</h1>\n{}x{}</body></html>",
            "<div>\n".repeat(20_000),
            "</div>".repeat(20_000)
        );
        let result = extract("deep.html", &html, SourceFormat::RenderedHtml);
        let errors: Vec<_> = result.errors.iter().map(|e| e.to_string()).collect();
        // the document, <html> and <body> are depths 0 to 2; div k is on line k + 2
        let line = MAX_DEPTH + 1;
        assert_eq!(
            errors,
            [format!(
                "deep.html:{line}:1: elements nested more than {MAX_DEPTH} deep: page skipped"
            )]
        );
        assert!(result.page.fixtures.is_empty());
        let shallow = format!(
            "<html><body>{}x{}</body></html>",
            "<div>".repeat(200),
            "</div>".repeat(200)
        );
        assert!(to_lines(&shallow).is_ok());
    }
}
