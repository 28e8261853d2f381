//! The Markdown structure of a page, read with pulldown-cmark: front matter, headings, code
//! blocks, GFM tables, and the places where `<snapshot` is text rather than a tag (code,
//! comments). Everything carries its byte offset so errors and sections can be located.

use pulldown_cmark::{CodeBlockKind, Event, HeadingLevel, Options, Parser, Tag, TagEnd};
use std::ops::Range;

/// A heading as written (inline code marks kept), with its level and offset.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Heading {
    pub level: u8,
    pub text: String,
    pub start: usize,
    /// A custom heading id written after the text (`## Create {#create}`): the slug the page
    /// gives the section, used for fixture ids.
    pub anchor: Option<String>,
}

/// A code block (fenced or indented) and its lines with their byte offsets.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct CodeBlock {
    pub start: usize,
    /// Its non-blank lines, each with the offset where it starts.
    pub lines: Vec<(usize, String)>,
    /// The first word of a fenced block's info string, lower-cased (`json`, `sh`); empty for
    /// an indented block or a fence without one.
    pub lang: String,
    /// The content as written, blank lines kept (a raw HTTP message separates its body so).
    pub content: String,
    /// Offset of the content's first byte.
    pub content_start: usize,
}

/// A paragraph (also inside a list item or block quote): its source, trimmed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Paragraph {
    pub start: usize,
    pub text: String,
    /// Inside a list item or a definition: a parameter list's prose, not the section's.
    pub in_list: bool,
}

/// One item of a bullet or numbered list: the source of its own lines (nested lists cut off).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ListItem {
    pub start: usize,
    pub text: String,
    /// How many lists enclose it (1 for a top-level item).
    pub depth: usize,
}

/// One term of a definition list (`term` line, then `: definition` lines).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Definition {
    pub start: usize,
    pub term: String,
    /// Each `:` definition's source, the `:` marker removed.
    pub definitions: Vec<String>,
}

/// A GFM table: header cells and rows of cells, as written.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Table {
    pub start: usize,
    pub header: Vec<String>,
    pub rows: Vec<Vec<String>>,
    /// Where each row starts.
    pub row_starts: Vec<usize>,
    /// Each row split at every unescaped `|` of its source line: GFM drops the cells past the
    /// header's width, which a `|` inside a type (`string|array of string`) creates.
    pub raw_rows: Vec<Vec<String>>,
}

/// The structure of a page.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Outline {
    /// `title:` of the YAML front matter.
    pub front_matter_title: Option<String>,
    pub headings: Vec<Heading>,
    pub code_blocks: Vec<CodeBlock>,
    pub tables: Vec<Table>,
    /// Paragraphs outside tables and raw HTML.
    pub paragraphs: Vec<Paragraph>,
    pub list_items: Vec<ListItem>,
    pub definitions: Vec<Definition>,
    /// Where markup is shown rather than meant: fenced code, inline code, HTML and JSX
    /// comments, front matter. Sorted and merged.
    pub verbatim: Vec<Range<usize>>,
}

impl Outline {
    /// Whether `offset` lies in code or a comment.
    pub fn is_verbatim(&self, offset: usize) -> bool {
        let i = self.verbatim.partition_point(|r| r.end <= offset);
        self.verbatim.get(i).is_some_and(|r| r.contains(&offset))
    }

    /// Drop the structure pulldown-cmark saw inside these ranges (snapshot literals, whose
    /// lines it may read as paragraphs, code or tables).
    /// `ranges` are sorted and do not overlap.
    pub fn remove_inside(&mut self, ranges: &[Range<usize>]) {
        let inside = |at: usize| {
            let i = ranges.partition_point(|r| r.end <= at);
            ranges.get(i).is_some_and(|r| r.contains(&at))
        };
        self.headings.retain(|h| !inside(h.start));
        self.code_blocks.retain(|c| !inside(c.start));
        self.tables.retain(|t| !inside(t.start));
        self.paragraphs.retain(|p| !inside(p.start));
        self.list_items.retain(|i| !inside(i.start));
        self.definitions.retain(|d| !inside(d.start));
    }
}

/// Read the structure of a Markdown/MDX page.
pub fn outline(text: &str) -> Outline {
    let masked = without_admonition_lines(text);
    let text = masked.as_deref().unwrap_or(text);
    let mut out = Outline::default();
    let options = Options::ENABLE_TABLES
        | Options::ENABLE_YAML_STYLE_METADATA_BLOCKS
        | Options::ENABLE_PLUSES_DELIMITED_METADATA_BLOCKS
        | Options::ENABLE_DEFINITION_LIST;
    let mut code: Option<(CodeBlock, bool)> = None;
    let mut list_depth = 0usize;
    // items whose own text ends where a nested list starts: (index in list_items, end)
    let mut open_items: Vec<(usize, usize)> = Vec::new();
    let mut definition: Option<Definition> = None;
    let mut table: Option<Table> = None;
    let mut row: Vec<String> = Vec::new();
    let mut in_head = false;
    for (event, range) in Parser::new_ext(text, options).into_offset_iter() {
        match event {
            Event::Start(Tag::MetadataBlock(_)) => out.verbatim.push(range.clone()),
            Event::Start(Tag::Heading { level, .. }) => {
                let (heading, anchor) = heading_text(&text[range.clone()]);
                out.headings.push(Heading {
                    level: heading_level(level),
                    text: heading,
                    start: range.start,
                    anchor,
                })
            }
            Event::Start(Tag::CodeBlock(kind)) => {
                let lang = match &kind {
                    CodeBlockKind::Fenced(info) => info
                        .split(|c: char| c.is_whitespace() || c == ',' || c == '{')
                        .next()
                        .unwrap_or("")
                        .to_ascii_lowercase(),
                    CodeBlockKind::Indented => String::new(),
                };
                let fenced = matches!(kind, CodeBlockKind::Fenced(_));
                if fenced {
                    out.verbatim.push(range.clone());
                }
                code = Some((
                    CodeBlock {
                        start: range.start,
                        lang,
                        ..CodeBlock::default()
                    },
                    fenced,
                ));
            }
            Event::Text(t) if code.is_some() => {
                let (block, _) = code.as_mut().expect("checked");
                if block.content.is_empty() {
                    block.content_start = range.start;
                }
                block.content.push_str(&t);
                let mut offset = range.start;
                for line in t.split_inclusive('\n') {
                    let content = line.trim_end_matches(['\n', '\r']);
                    if !content.trim().is_empty() {
                        block.lines.push((offset, content.to_string()));
                    }
                    offset += line.len();
                }
            }
            Event::End(TagEnd::CodeBlock) => {
                if let Some((block, _)) = code.take() {
                    out.code_blocks.push(block);
                }
            }
            Event::Code(_) => out.verbatim.push(range.clone()),
            Event::Start(Tag::Table(_)) => {
                table = Some(Table {
                    start: range.start,
                    header: Vec::new(),
                    rows: Vec::new(),
                    row_starts: Vec::new(),
                    raw_rows: Vec::new(),
                })
            }
            Event::Start(Tag::TableHead) => {
                in_head = true;
                row.clear();
            }
            Event::Start(Tag::TableRow) => {
                row.clear();
                if let Some(t) = table.as_mut() {
                    t.row_starts.push(range.start);
                    t.raw_rows.push(raw_cells(&text[range.clone()]));
                }
            }
            Event::Start(Tag::TableCell) => row.push(cell_text(&text[range.clone()])),
            Event::End(TagEnd::TableHead) => {
                in_head = false;
                if let Some(t) = table.as_mut() {
                    t.header = std::mem::take(&mut row);
                }
            }
            Event::End(TagEnd::TableRow) => {
                if let Some(t) = table.as_mut() {
                    if !in_head {
                        t.rows.push(std::mem::take(&mut row));
                    }
                }
            }
            Event::End(TagEnd::Table) => out.tables.extend(table.take()),
            Event::Start(Tag::Paragraph) if table.is_none() => {
                let source = &text[range.clone()];
                out.paragraphs.push(Paragraph {
                    start: range.start,
                    text: without_quote_marks(source),
                    in_list: list_depth > 0 || definition.is_some(),
                });
            }
            Event::Start(Tag::List(_)) => {
                // a nested list ends the own text of the item it is in
                if let Some(&(i, _)) = open_items.last() {
                    let item = &mut out.list_items[i];
                    let own = range.start.saturating_sub(item.start).min(item.text.len());
                    item.text.truncate(own);
                    item.text = item.text.trim_end().to_string();
                }
                list_depth += 1;
            }
            Event::End(TagEnd::List(_)) => list_depth = list_depth.saturating_sub(1),
            Event::Start(Tag::Item) => {
                open_items.push((out.list_items.len(), range.end));
                out.list_items.push(ListItem {
                    start: range.start,
                    text: text[range.clone()].trim_end().to_string(),
                    depth: list_depth,
                });
            }
            Event::End(TagEnd::Item) => {
                open_items.pop();
            }
            Event::Start(Tag::DefinitionListTitle) => {
                out.definitions.extend(definition.take());
                definition = Some(Definition {
                    start: range.start,
                    term: text[range.clone()].trim().to_string(),
                    definitions: Vec::new(),
                });
            }
            Event::Start(Tag::DefinitionListDefinition) => {
                if let Some(d) = definition.as_mut() {
                    let source = text[range.clone()].trim();
                    let source = source.strip_prefix(':').unwrap_or(source).trim();
                    d.definitions.push(source.to_string());
                }
            }
            Event::End(TagEnd::DefinitionList) => out.definitions.extend(definition.take()),
            _ => {}
        }
    }
    out.verbatim.extend(comments(text, "<!--", "-->"));
    out.verbatim.extend(comments(text, "{/*", "*/}"));
    out.verbatim = merged(std::mem::take(&mut out.verbatim));
    out.front_matter_title = front_matter_title(text);
    out
}

fn heading_level(level: HeadingLevel) -> u8 {
    match level {
        HeadingLevel::H1 => 1,
        HeadingLevel::H2 => 2,
        HeadingLevel::H3 => 3,
        HeadingLevel::H4 => 4,
        HeadingLevel::H5 => 5,
        HeadingLevel::H6 => 6,
    }
}

/// The text of a heading as written: ATX `#` marks, a closing `#` run, a setext underline and
/// a Docusaurus/Hugo `{#custom-id}` removed; the custom id apart.
fn heading_text(source: &str) -> (String, Option<String>) {
    let source = source.trim_end_matches(['\n', '\r']);
    let text = if source.trim_start().starts_with('#') {
        let t = source.trim().trim_start_matches('#');
        let t = t.trim_end();
        // a closing run of `#` counts only after a space
        let without_closing = t.trim_end_matches('#');
        if without_closing.len() < t.len()
            && (without_closing.is_empty() || without_closing.ends_with([' ', '\t']))
        {
            without_closing.to_string()
        } else {
            t.to_string()
        }
    } else {
        // setext: every line but the underline
        let mut lines: Vec<&str> = source.lines().collect();
        lines.pop();
        lines.iter().map(|l| l.trim()).collect::<Vec<_>>().join(" ")
    };
    let mut text = text.trim().to_string();
    let mut anchor = None;
    if let Some(open) = text.rfind("{#") {
        if text.ends_with('}') {
            let id = text[open + 2..text.len() - 1].trim();
            anchor = (!id.is_empty() && !id.contains(char::is_whitespace)).then(|| id.to_string());
            text.truncate(open);
        }
    }
    (text.trim().to_string(), anchor)
}

/// A table cell as written, without the surrounding pipes and white space.
fn cell_text(source: &str) -> String {
    source
        .trim()
        .trim_start_matches('|')
        .trim_end_matches('|')
        .trim()
        .replace("\\|", "|")
}

/// The cells of a table row's source line, split at every `|` not escaped as `\|`.
fn raw_cells(source: &str) -> Vec<String> {
    let line = source.lines().next().unwrap_or("").trim();
    let line = line.strip_prefix('|').unwrap_or(line);
    let line = match line.strip_suffix('|') {
        Some(rest) if !rest.ends_with('\\') => rest,
        _ => line,
    };
    let mut cells = Vec::new();
    let mut cell = String::new();
    let mut chars = line.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '\\' if chars.peek() == Some(&'|') => {
                cell.push('|');
                chars.next();
            }
            '|' => cells.push(std::mem::take(&mut cell).trim().to_string()),
            _ => cell.push(c),
        }
    }
    cells.push(cell.trim().to_string());
    cells
}

/// A paragraph's source with block-quote marks (`> `) at its line starts removed, trimmed.
fn without_quote_marks(source: &str) -> String {
    source
        .lines()
        .map(|l| {
            let t = l.trim_start();
            t.strip_prefix('>').map_or(t, str::trim_start)
        })
        .collect::<Vec<_>>()
        .join("\n")
        .trim()
        .to_string()
}

/// The page with its Docusaurus admonition fences (`:::caution Deprecated`, `:::`) outside
/// code rewritten in place, every byte offset kept: an opening fence becomes its title as a
/// sentence (`Deprecated.`), a closing one white space. Read as written, a fence line right
/// after text starts a definition list that swallows the section's declarations.
fn without_admonition_lines(text: &str) -> Option<String> {
    if !text.contains(":::") {
        return None;
    }
    let mut out = String::with_capacity(text.len());
    let mut fence: Option<&str> = None;
    for line in text.split_inclusive('\n') {
        let trimmed = line.trim_start();
        for marker in ["```", "~~~"] {
            if trimmed.starts_with(marker) {
                fence = match fence {
                    Some(open) if open == marker => None,
                    None => Some(marker),
                    other => other,
                };
            }
        }
        match trimmed.strip_prefix(":::") {
            Some(_) if fence.is_none() => {
                let body = line.trim_end_matches(['\n', '\r']);
                let title = without_admonition_fences(trimmed.trim_end());
                let mut rewritten = title.trim().to_string();
                while rewritten.len() < body.len() {
                    rewritten.push(' ');
                }
                if rewritten.len() != body.len() {
                    // a title longer than its line cannot be: keep the line as written
                    rewritten = body.to_string();
                }
                out.push_str(&rewritten);
                out.push_str(&line[body.len()..]);
            }
            _ => out.push_str(line),
        }
    }
    Some(out)
}

/// A paragraph's source as prose for the section's reader: a Docusaurus admonition fence
/// (`:::caution Deprecated`, `:::`) gives its title only, as a sentence of its own.
pub fn without_admonition_fences(source: &str) -> String {
    source
        .lines()
        .map(|l| match l.trim_start().strip_prefix(":::") {
            Some(fence) => {
                let title = fence.trim_start_matches(|c: char| c.is_alphanumeric() || c == '-');
                let title = title.trim().trim_start_matches('[').trim_end_matches(']');
                if title.is_empty() || title.ends_with(|c: char| c.is_ascii_punctuation()) {
                    title.to_string()
                } else {
                    format!("{title}.")
                }
            }
            None => l.to_string(),
        })
        .collect::<Vec<_>>()
        .join("\n")
}

/// A paragraph's source as plain text: emphasis, code marks, links, images and HTML tags
/// removed (their text kept, an image's left out), white space collapsed, admonition fences
/// reduced to their titles.
pub fn plain_text(source: &str) -> String {
    let source = without_admonition_fences(source);
    let mut out = String::with_capacity(source.len());
    let mut in_image = 0usize;
    for event in Parser::new_ext(&source, Options::empty()) {
        match event {
            Event::Start(Tag::Image { .. }) => in_image += 1,
            Event::End(TagEnd::Image) => in_image = in_image.saturating_sub(1),
            Event::Text(t) | Event::Code(t) if in_image == 0 => out.push_str(&t),
            Event::SoftBreak | Event::HardBreak => out.push(' '),
            _ => {}
        }
    }
    out.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// Sort ranges and merge the overlapping ones, so a point lookup is a binary search.
fn merged(mut ranges: Vec<Range<usize>>) -> Vec<Range<usize>> {
    ranges.sort_by_key(|r| r.start);
    let mut out: Vec<Range<usize>> = Vec::with_capacity(ranges.len());
    for r in ranges {
        match out.last_mut() {
            Some(last) if r.start <= last.end => last.end = last.end.max(r.end),
            _ => out.push(r),
        }
    }
    out
}

/// Ranges of `open ... close` comments (an unclosed one runs to the end).
fn comments(text: &str, open: &str, close: &str) -> Vec<Range<usize>> {
    let mut out = Vec::new();
    let mut from = 0;
    while let Some(start) = text[from..].find(open).map(|i| from + i) {
        let end = text[start + open.len()..]
            .find(close)
            .map_or(text.len(), |i| start + open.len() + i + close.len());
        out.push(start..end);
        from = end;
    }
    out
}

/// `title:` of a YAML front matter block (`---`), or `title =` of a TOML one (`+++`), at the
/// very top of the page.
pub fn front_matter_title(text: &str) -> Option<String> {
    let mut lines = text.lines();
    let (key, ends): (&str, &[&str]) = match lines.next()?.trim_end() {
        "---" => ("title:", &["---", "..."]),
        "+++" => ("title", &["+++"]),
        _ => return None,
    };
    for line in lines {
        let trimmed = line.trim_end();
        if ends.contains(&trimmed) {
            return None;
        }
        let value = line.strip_prefix(key).and_then(|v| {
            if key == "title" {
                v.trim_start().strip_prefix('=')
            } else {
                Some(v)
            }
        });
        if let Some(value) = value {
            let value = value.trim();
            let unquoted = value
                .strip_prefix('"')
                .and_then(|v| v.strip_suffix('"'))
                .map(|v| v.replace("\\\"", "\"").replace("\\\\", "\\"))
                .or_else(|| {
                    value
                        .strip_prefix('\'')
                        .and_then(|v| v.strip_suffix('\''))
                        .map(|v| v.replace("''", "'"))
                })
                .unwrap_or_else(|| value.to_string());
            return (!unquoted.is_empty()).then_some(unquoted);
        }
    }
    None
}

/// Line starts of a text, so that many offsets turn into `line:col` without rescanning it.
#[derive(Debug, Clone)]
pub struct Lines<'a> {
    text: &'a str,
    starts: Vec<usize>,
}

impl<'a> Lines<'a> {
    pub fn new(text: &'a str) -> Lines<'a> {
        let starts = std::iter::once(0)
            .chain(text.match_indices('\n').map(|(i, _)| i + 1))
            .collect();
        Lines { text, starts }
    }

    /// 1-based line and column (in characters) of a byte offset, as [`super::line_col`].
    pub fn line_col(&self, offset: usize) -> (usize, usize) {
        let mut offset = offset.min(self.text.len());
        while !self.text.is_char_boundary(offset) {
            offset -= 1;
        }
        let line = self.starts.partition_point(|&s| s <= offset);
        let start = self.starts[line - 1];
        (line, self.text[start..offset].chars().count() + 1)
    }

    pub fn line(&self, offset: usize) -> usize {
        self.line_col(offset).0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_headings_code_and_tables_with_offsets() {
        let text = "---\ntitle: 'It''s'\n---\n\n# Page {#top}\n\n## Start a `thing` ##\n\n    POST /a/:id/\n    GET /b\n\nName | Type | Description\n-----|------|----\n`id` | `string` | a \\| b\n\nSetext\n------\n";
        let o = outline(text);
        assert_eq!(o.front_matter_title.as_deref(), Some("It's"));
        let headings: Vec<_> = o
            .headings
            .iter()
            .map(|h| (h.level, h.text.as_str()))
            .collect();
        assert_eq!(
            headings,
            [(1, "Page"), (2, "Start a `thing`"), (2, "Setext")]
        );
        assert_eq!(o.code_blocks.len(), 1);
        let (offset, line) = &o.code_blocks[0].lines[1];
        assert_eq!(line.trim(), "GET /b");
        assert_eq!(&text[*offset..*offset + line.len()], line);
        assert_eq!(o.tables[0].header, ["Name", "Type", "Description"]);
        assert_eq!(o.tables[0].rows, [["`id`", "`string`", "a | b"]]);
        assert_eq!(o.tables[0].raw_rows, [["`id`", "`string`", "a | b"]]);
        let split = outline("A | B\n--|--\nx | string|array | more\n");
        assert_eq!(split.tables[0].rows, [["x", "string"]]);
        assert_eq!(split.tables[0].raw_rows, [["x", "string", "array", "more"]]);
        assert!(o.is_verbatim(1));
    }

    #[test]
    fn plain_text_keeps_the_words_and_drops_the_marks() {
        assert_eq!(
            plain_text(
                "**Deprecated.** Use `GET /v2/x`\nas [the new one](/v2) ![logo](l.png) <b>now</b>."
            ),
            "Deprecated. Use GET /v2/x as the new one now."
        );
        assert_eq!(
            plain_text(":::caution Deprecated\nGone soon.\n:::"),
            "Deprecated. Gone soon."
        );
        assert_eq!(plain_text(":::note[Heads up]\nSoon."), "Heads up. Soon.");
    }

    #[test]
    fn admonition_fences_keep_the_sections_declarations_and_their_offsets() {
        let text = "## Resume\n\n:::caution Deprecated\nGone soon.\n:::\n\n    POST /resume\n";
        let o = outline(text);
        assert_eq!(o.code_blocks.len(), 1, "{o:#?}");
        assert_eq!(o.code_blocks[0].lines[0].1.trim(), "POST /resume");
        let (offset, line) = &o.code_blocks[0].lines[0];
        assert_eq!(&text[*offset..*offset + line.len()], line);
        assert_eq!(plain_text(&o.paragraphs[0].text), "Deprecated. Gone soon.");
        assert!(o.definitions.is_empty());
    }

    #[test]
    fn line_index_agrees_with_line_col() {
        let text = "ab\ncé d\n\nlast";
        let lines = Lines::new(text);
        for offset in 0..text.len() + 3 {
            assert_eq!(
                lines.line_col(offset),
                crate::extract::line_col(text, offset),
                "{offset}"
            );
        }
    }

    #[test]
    fn code_and_comments_are_verbatim() {
        let text = "```\n<snapshot json={{}} />\n```\n\n`<snapshot />` <!-- <snapshot --> {/* <Snapshot */}\n";
        let o = outline(text);
        for (i, _) in text.match_indices("snapshot") {
            assert!(o.is_verbatim(i - 1), "{i}");
        }
    }
}
