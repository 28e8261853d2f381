//! Markdown/MDX pages: headings, endpoint declarations in code blocks, parameter tables, and
//! `<Snapshot json={...} />` blocks (inline literals or references to JSON files).
//!
//! The page structure comes from pulldown-cmark ([`super::markdown`]); snapshot tags are found
//! by scanning the text outside code and comments, because MDX writes them as JSX that
//! Markdown parsers read as paragraphs or HTML. Each tag becomes one [`Fixture`], placed in the
//! section of the endpoint heading above it. The same sections hold the endpoints and examples
//! of the common API-doc style ([`super::fenced`]: declarations in headings, request blocks,
//! JSON example blocks) and parameter lists ([`super::prose::lists`]), so a page may mix both.

use super::binding::{self, CalledIds};
use super::common;
use super::fenced;
use super::files::resolve_within_root;
use super::jslit::{self, Literal};
use super::markdown::{self, Lines, Outline};
use super::prose;
use super::{DocFiles, ExtractError, Options, PageExtraction};
use crate::fixture::{
    Anchors, BodyRef, Computed, Endpoint, Fixture, LiteralSpans, Page, Placeholder, ResponseSpec,
    Source, SourceFormat, Span,
};
use indexmap::IndexMap;
use serde_json::Value;
use std::cell::RefCell;
use std::collections::HashMap;
use std::ops::Range;

/// Whether a page reads as Markdown/MDX source.
pub fn looks_like(text: &str) -> bool {
    let lower = text.to_ascii_lowercase();
    let atx_heading = |l: &str| {
        let hashes = l.len() - l.trim_start_matches('#').len();
        (1..=6).contains(&hashes) && l[hashes..].starts_with([' ', '\t'])
    };
    lower.contains("<snapshot")
        || text.starts_with("---\n")
        || text.starts_with("---\r\n")
        || text.starts_with("+++\n")
        || text.starts_with("+++\r\n")
        || text.lines().any(|l| l.starts_with("```"))
        || text
            .lines()
            .any(|l| atx_heading(l) || (l.starts_with("import ") && l.contains(" from ")))
}

/// Extract one Markdown/MDX page: its title, the endpoints it declares (with their parameter
/// tables) and one fixture per snapshot tag. Problems are returned with the page, never thrown.
///
/// ```
/// use docmock::extract::{mdx, DocFiles, Options};
/// let page = "# Pets\n\n## Show a pet\n\n    GET /pets/:id\n\n### Found\n\n\
///     <Snapshot json={{request: {request_method: 'GET', path: '/pets/7'}, response: {status: 200, body: {id: 7}}}} />\n";
/// let result = mdx::extract("pets.mdx", page, &DocFiles::default(), &Options::default());
/// let fixture = &result.page.fixtures[0];
/// assert_eq!((fixture.endpoint.as_str(), fixture.title.as_str()), ("Show a pet", "Found"));
/// assert_eq!(fixture.request.route, "/pets/{id}");
/// assert_eq!(fixture.request.path_params["id"], "7");
/// assert!(result.errors.is_empty());
/// ```
pub fn extract(file: &str, text: &str, files: &DocFiles, options: &Options) -> PageExtraction {
    let mut errors = Vec::new();
    let mut warnings = Vec::new();
    let lines = Lines::new(text);
    let mut outline = markdown::outline(text);
    let tags = find_tags(file, text, &lines, &outline, &mut errors);
    let tag_ranges: Vec<Range<usize>> = tags.iter().map(|t| t.range.clone()).collect();
    outline.remove_inside(&tag_ranges);

    let title = outline
        .front_matter_title
        .clone()
        .or_else(|| {
            outline
                .headings
                .iter()
                .find(|h| h.level == 1)
                .map(|h| h.text.clone())
        })
        .unwrap_or_else(|| file_stem(file));
    let mut sections = Sections::new(&lines, &outline, &title);
    let section_tables = sections.read_tables((file, text, &lines), &outline, &mut warnings);
    // parameter lists (definition and bullet lists) beside the tables
    sections.add_list_params(&prose::lists::rows(&outline));
    sections.read_prose(&outline, &tag_ranges);
    let imports = imports(text, &outline);
    // the prose, without the examples: what the page's text calls an id
    let called_ids = {
        let mut prose = text.to_string();
        for range in &tag_ranges {
            prose.replace_range(range.clone(), &" ".repeat(range.len()));
        }
        CalledIds::read(&prose)
    };

    let mut fixtures = Vec::new();
    for tag in &tags {
        let context = SnapshotContext {
            file,
            text,
            files,
            options,
            imports: &imports,
            lines: &lines,
            called_ids: &called_ids,
        };
        match snapshot_fixture(&context, tag, &sections, &title) {
            Ok(mut fixture) => {
                // a section only examples declare: its tables describe its examples
                let tables = sections.section_tables(tag.range.start, &section_tables);
                if !tables.is_empty() {
                    let request = &fixture.request;
                    let described = prose::describe(&tables, &request.method, &request.route);
                    fixture.params = described.params;
                    fixture.response_fields = described.response_fields;
                }
                fixtures.push(fixture)
            }
            Err(error) => errors.push(error),
        }
    }
    let context = fenced::Context {
        file,
        lines: &lines,
        outline: &outline,
        title: &title,
        called_ids: &called_ids,
    };
    let place = |offset: usize| {
        let placement = sections.place(offset);
        fenced::Placed {
            section_len: placement.candidates.section_len,
            anchors: placement.anchors.clone(),
            candidates: placement.candidates.list,
            endpoint: placement.endpoint,
            case: placement.case,
            deprecation: placement.deprecation,
        }
    };
    let (examples, fenced_errors) = fenced::examples(&context, &place);
    if !examples.is_empty() {
        fixtures.extend(examples);
        fixtures.sort_by_key(|f| f.source.line);
    }
    errors.extend(fenced_errors);
    binding::unbind_outvoted(&mut fixtures, &called_ids);
    errors.sort_by_key(|e| (e.file != file, e.line, e.col));
    let endpoints = sections
        .declarations
        .into_iter()
        .map(|d| d.endpoint)
        .collect();
    PageExtraction {
        page: Page {
            file: file.to_string(),
            format: SourceFormat::Markdown,
            title,
            endpoints,
            fixtures,
        },
        errors,
        warnings,
    }
}

fn file_stem(file: &str) -> String {
    let name = file.rsplit('/').next().unwrap_or(file);
    name.split('.').next().unwrap_or(name).to_string()
}

/// An endpoint declared on the page, and where.
#[derive(Debug, Clone)]
struct Declaration {
    endpoint: Endpoint,
    offset: usize,
    /// Index of the code block that declares it.
    block: usize,
    /// Index of the heading whose section the declaration belongs to.
    section: Option<usize>,
}

/// Headings and declarations in document order: what section a snapshot is in.
struct Sections {
    headings: Vec<markdown::Heading>,
    declarations: Vec<Declaration>,
    /// Index of the heading that is the page title, if one is.
    title_heading: Option<usize>,
    /// Where each heading's section ends.
    section_ends: Vec<usize>,
    /// The heading each heading is nested in.
    parents: Vec<Option<usize>>,
    /// The page's prose paragraphs (not in lists, no example labels), source as written.
    prose: Vec<(usize, String)>,
    /// Where examples start (snapshot tags, example code blocks): a section's prose ends there.
    example_starts: Vec<usize>,
    /// What each own part (heading, end) says about deprecation, read once: every endpoint and
    /// snapshot of a section asks again (quadratic on a page of many endpoints otherwise).
    part_deprecations: RefCell<HashMap<(Option<usize>, usize), prose::wording::Deprecation>>,
}

/// Headings that name the part of an endpoint section holding the declaration rather than the
/// endpoint itself; the declaration then takes the heading above.
const GENERIC_HEADINGS: &[&str] = &[
    "http request",
    "request",
    "endpoint",
    "url",
    "route",
    "definition",
    "usage",
    "http method",
];

impl Sections {
    fn new(lines: &Lines<'_>, outline: &Outline, title: &str) -> Sections {
        let headings = outline.headings.clone();
        // a page that opens with a `#` heading names itself there, whatever the front matter
        // says; later `#` headings are ordinary section headings
        let title_heading = headings
            .first()
            .filter(|h| h.level == 1)
            .map(|_| 0)
            .or_else(|| {
                headings
                    .iter()
                    .position(|h| h.level == 1 && h.text == title)
            });
        // a section ends at the next heading of the same or a higher level
        let mut section_ends = vec![usize::MAX; headings.len()];
        let mut parents = vec![None; headings.len()];
        let mut open: Vec<usize> = Vec::new();
        for (i, h) in headings.iter().enumerate() {
            while let Some(&top) = open.last() {
                if headings[top].level < h.level {
                    break;
                }
                section_ends[top] = h.start;
                open.pop();
            }
            parents[i] = open.last().copied();
            open.push(i);
        }
        let mut sections = Sections {
            headings,
            declarations: Vec::new(),
            title_heading,
            section_ends,
            parents,
            prose: Vec::new(),
            example_starts: Vec::new(),
            part_deprecations: RefCell::default(),
        };
        for (block, code) in outline.code_blocks.iter().enumerate() {
            // http messages and curl commands are requests; `fenced` reads them
            if fenced::request_block(code).is_some() {
                continue;
            }
            for (offset, line) in &code.lines {
                let Some((method, path)) = common::parse_declaration(line) else {
                    continue;
                };
                let section = sections.declaration_section(code.start);
                let heading = section.map_or("", |h| sections.headings[h].text.as_str());
                let line_no = lines.line(*offset);
                let endpoint = common::endpoint(&method, &path, heading, line_no, false);
                sections.declarations.push(Declaration {
                    endpoint,
                    offset: *offset,
                    block,
                    section,
                });
            }
        }
        sections.add_fenced(lines, outline);
        sections
    }

    /// Add the endpoints declared in headings, inline code, index tables and request blocks
    /// ([`fenced::declarations`]). A request block or index row whose route the page declares
    /// already is an example (or a name) of that declaration, not another one.
    fn add_fenced(&mut self, lines: &Lines<'_>, outline: &Outline) {
        let declared = fenced::declarations(outline);
        let mut later = Vec::new();
        for d in declared {
            let (section, heading, block) = match d.kind {
                fenced::DeclaredIn::Heading(h) => {
                    let text = self.headings[h].text.clone();
                    let words = d.heading.clone().filter(|w| *w != common::clean(&text));
                    // a heading that is only `POST /widgets` under "Create a widget" takes
                    // that heading's name, unless it is the page title or declares too
                    let parent = self.parents[h]
                        .filter(|&p| Some(p) != self.title_heading)
                        .filter(|&p| {
                            let start = self.headings[p].start;
                            !self.declarations.iter().any(|x| x.offset == start)
                        })
                        .map(|p| self.headings[p].text.clone());
                    let heading = words.or(parent).or(d.heading.clone()).unwrap_or(text);
                    (Some(h), heading, usize::MAX - h)
                }
                fenced::DeclaredIn::InlineCode => {
                    let section = self.declaration_section(d.offset);
                    let heading = section.map_or("", |h| self.headings[h].text.as_str());
                    (section, heading.to_string(), usize::MAX / 2 + d.offset)
                }
                fenced::DeclaredIn::IndexTable | fenced::DeclaredIn::RequestBlock(_) => {
                    later.push(d);
                    continue;
                }
            };
            let endpoint =
                common::endpoint(&d.method, &d.path, &heading, lines.line(d.offset), false);
            self.declarations.push(Declaration {
                endpoint,
                offset: d.offset,
                block,
                section,
            });
        }
        for d in later {
            // a request block is an example of a declaration of its own section; an index
            // row names a declaration anywhere on the page
            let in_scope = |x: &Declaration| match (d.kind, x.section) {
                (fenced::DeclaredIn::RequestBlock(_), Some(h)) => {
                    self.section(h).contains(&d.offset)
                }
                _ => true,
            };
            let scoped: Vec<bool> = self.declarations.iter().map(in_scope).collect();
            let owner = self
                .declarations
                .iter_mut()
                .zip(scoped)
                .filter(|(_, scoped)| *scoped)
                .map(|(x, _)| &mut x.endpoint)
                .find(|e| {
                    e.method == d.method
                        && crate::fixture::RouteTemplate::parse(&e.route)
                            .match_path(&d.path, false)
                            .is_some()
                });
            if let Some(owner) = owner {
                // an index table names a route its heading only declares
                if let (fenced::DeclaredIn::IndexTable, Some(name)) = (d.kind, &d.heading) {
                    let bare = common::clean(&owner.heading);
                    if common::parse_declaration(&bare).is_some() {
                        owner.heading = name.clone();
                    }
                }
                continue;
            }
            let section = self.declaration_section(d.offset);
            let heading = match (&d.heading, section) {
                (Some(h), _) => h.clone(),
                (None, Some(s)) => self.headings[s].text.clone(),
                (None, None) => String::new(),
            };
            let block = match d.kind {
                fenced::DeclaredIn::RequestBlock(b) => b,
                _ => usize::MAX / 4 + d.offset,
            };
            // an example request's query is no part of the route it declares
            let path = d.path.split('?').next().unwrap_or(&d.path);
            let endpoint = common::endpoint(&d.method, path, &heading, lines.line(d.offset), false);
            self.declarations.push(Declaration {
                endpoint,
                offset: d.offset,
                block,
                section,
            });
        }
        self.declarations.sort_by_key(|d| d.offset);
    }

    /// Attach the rows of definition and bullet lists to the declaration above them in the
    /// same section, as [`Sections::add_params`] does for tables. A list under a heading about
    /// the response describes the response, not the request.
    fn add_list_params(&mut self, rows: &[prose::lists::ListRow]) {
        for row in rows {
            let chain = self.chain(row.start);
            let about_response = chain
                .iter()
                .any(|&h| prose::tables::is_response_heading(&self.headings[h].text));
            if about_response {
                continue;
            }
            let heading_location = chain
                .iter()
                .rev()
                .find_map(|&h| prose::location_named(&self.headings[h].text));
            let Some(block) = self
                .declarations
                .iter()
                .rfind(|d| d.offset < row.start)
                .filter(|d| {
                    d.section
                        .is_none_or(|h| self.section(h).contains(&row.start))
                })
                .map(|d| d.block)
            else {
                continue;
            };
            for decl in self.declarations.iter_mut().filter(|d| d.block == block) {
                let e = &mut decl.endpoint;
                if e.params.iter().any(|p| p.name == row.name) {
                    continue;
                }
                let mut param =
                    prose::param(&row.name, &row.ty, &row.description, &e.method, &e.route);
                param.required |= row.required;
                if !row.allowed.is_empty() {
                    param.allowed = row.allowed.clone();
                }
                if param.location != crate::fixture::ParamLocation::Path {
                    if let Some(location) = heading_location {
                        param.location = location;
                    }
                }
                e.params.push(param);
            }
        }
    }

    /// Note the page's prose paragraphs and where its examples start (`tags`: the snapshot
    /// tags), then give each declaration the description and deprecation of its section.
    fn read_prose(&mut self, outline: &Outline, tags: &[Range<usize>]) {
        self.prose = outline
            .paragraphs
            .iter()
            .filter(|p| !p.in_list && !fenced::is_label(&p.text))
            // "The following parameters are accepted:" leads into a table or block
            .filter(|p| !p.text.trim_end().ends_with(':'))
            .filter(|p| common::parse_declaration(&common::clean(&p.text)).is_none())
            .map(|p| (p.start, markdown::without_admonition_fences(&p.text)))
            .collect();
        // a code block of declarations only (`    POST /widgets`) is no example
        let declares_only = |c: &markdown::CodeBlock| {
            c.lines
                .iter()
                .all(|(_, l)| common::parse_declaration(l).is_some())
        };
        self.example_starts = tags.iter().map(|t| t.start).collect();
        self.example_starts.extend(
            outline
                .code_blocks
                .iter()
                .filter(|c| !declares_only(c))
                .map(|c| c.start),
        );
        self.example_starts.sort_unstable();
        // endpoints sharing a section share its description
        let mut descriptions: HashMap<Option<usize>, String> = HashMap::new();
        for i in 0..self.declarations.len() {
            let mut section = self.declarations[i].section;
            // a heading that is only `POST /widgets` under "Create a widget": the section of
            // the heading it is named after holds the prose
            if let Some(h) = section {
                let parent = self.parents[h].filter(|&p| Some(p) != self.title_heading);
                if let Some(p) = parent {
                    let named_after =
                        self.headings[p].text == self.declarations[i].endpoint.heading;
                    if named_after && self.own_prose(Some(h), usize::MAX).is_empty() {
                        section = Some(p);
                    }
                }
            }
            let description = descriptions
                .entry(section)
                .or_insert_with(|| {
                    let paragraphs: Vec<String> = self
                        .own_prose(section, usize::MAX)
                        .iter()
                        .map(|(_, text)| markdown::plain_text(text))
                        .filter(|p| !p.is_empty())
                        .collect();
                    paragraphs.join("\n\n")
                })
                .clone();
            let deprecation = match section {
                // declared right under the page title: the title and its prose are the
                // endpoint's own
                Some(h) if Some(h) == self.title_heading => {
                    self.part_deprecation(Some(h), usize::MAX)
                }
                Some(h) => {
                    let chain = self.chain(self.headings[h].start + 1);
                    self.deprecation_in(&chain, false, usize::MAX)
                }
                None => self.deprecation_in(&[], true, usize::MAX),
            };
            let e = &mut self.declarations[i].endpoint;
            e.description = description;
            e.deprecated = deprecation.deprecated;
            e.replaced_by = deprecation.replaced_by;
        }
    }

    /// The byte range of a heading's own part (`None`: the part before the first heading):
    /// up to its first sub-heading, its first example and `before`.
    fn own_part(&self, heading: Option<usize>, before: usize) -> Range<usize> {
        let (start, next) = match heading {
            Some(h) => (
                self.headings[h].start,
                self.headings.get(h + 1).map_or(usize::MAX, |n| n.start),
            ),
            None => (0, self.headings.first().map_or(usize::MAX, |n| n.start)),
        };
        let first_example = self
            .example_starts
            .get(self.example_starts.partition_point(|&e| e < start))
            .copied()
            .unwrap_or(usize::MAX);
        start..next.min(first_example).min(before).max(start)
    }

    /// The prose paragraphs of a heading's own part (see [`Sections::own_part`]).
    fn own_prose(&self, heading: Option<usize>, before: usize) -> &[(usize, String)] {
        let part = self.own_part(heading, before);
        // paragraphs are in document order
        let from = self.prose.partition_point(|(at, _)| *at < part.start);
        let to = self.prose.partition_point(|(at, _)| *at < part.end);
        &self.prose[from..to]
    }

    /// What a heading (`None`: no heading) and its own prose before `before` say about
    /// deprecation; each part is read once.
    fn part_deprecation(
        &self,
        heading: Option<usize>,
        before: usize,
    ) -> prose::wording::Deprecation {
        let key = (heading, self.own_part(heading, before).end);
        if let Some(known) = self.part_deprecations.borrow().get(&key) {
            return known.clone();
        }
        let paragraphs: Vec<String> = self
            .own_prose(heading, before)
            .iter()
            .map(|(_, text)| text.clone())
            .collect();
        let text = heading.map_or("", |h| self.headings[h].text.as_str());
        let read = prose::wording::section_deprecation(text, &paragraphs);
        self.part_deprecations
            .borrow_mut()
            .insert(key, read.clone());
        read
    }

    /// What the headings of `chain` (the page title left out) and their own prose before
    /// `before` say about deprecation, the innermost naming the replacement first; with
    /// `page_part`, the prose before the first heading counts too.
    fn deprecation_in(
        &self,
        chain: &[usize],
        page_part: bool,
        before: usize,
    ) -> prose::wording::Deprecation {
        let parts = chain
            .iter()
            .rev()
            .filter(|&&h| Some(h) != self.title_heading)
            .map(|&h| Some(h))
            .chain(page_part.then_some(None));
        let mut out = prose::wording::Deprecation::default();
        for part in parts {
            let d = self.part_deprecation(part, before);
            out.deprecated |= d.deprecated;
            if out.replaced_by.is_none() {
                out.replaced_by = d.replaced_by;
            }
        }
        out
    }

    /// The endpoint heading of a section: the words of a heading that declares an endpoint
    /// itself (`Create a widget — POST /widgets`), else the heading.
    fn endpoint_heading(&self, heading: usize) -> String {
        let start = self.headings[heading].start;
        self.declarations
            .iter()
            .find(|d| d.offset == start && d.section == Some(heading))
            .map(|d| d.endpoint.heading.clone())
            .unwrap_or_else(|| self.headings[heading].text.clone())
    }

    /// The headings enclosing `offset`, outermost first (as indices).
    fn chain(&self, offset: usize) -> Vec<usize> {
        let before = self.headings.partition_point(|h| h.start < offset);
        let mut chain: Vec<usize> = Vec::new();
        let mut next = before.checked_sub(1);
        while let Some(h) = next {
            chain.push(h);
            next = self.parents[h];
        }
        chain.reverse();
        chain
    }

    /// The byte range of the section a heading opens: up to the next heading of the same or a
    /// higher level.
    fn section(&self, heading: usize) -> Range<usize> {
        self.headings[heading].start..self.section_ends[heading]
    }

    /// The heading a declaration at `offset` belongs to: the one above it, or the one above
    /// that when it is a generic "HTTP Request".
    fn declaration_section(&self, offset: usize) -> Option<usize> {
        let chain = self.chain(offset);
        let &last = chain.last()?;
        let text = &self.headings[last].text;
        let generic = GENERIC_HEADINGS.contains(&common::clean(text).to_lowercase().as_str());
        match (generic, chain.len()) {
            (true, n) if n >= 2 => Some(chain[n - 2]),
            _ => Some(last),
        }
    }

    /// Where a snapshot at `offset` belongs: its endpoint heading, its case heading, and the
    /// declarations of its section, nearest first.
    fn place(&self, offset: usize) -> Placement<'_> {
        let chain = self.chain(offset);
        let declares = |h: usize| {
            // the page title holds the whole page: it is the endpoint heading only for
            // declarations written directly under it, before its first subheading
            let range = if Some(h) == self.title_heading {
                let next = self.headings.get(h + 1).map_or(usize::MAX, |n| n.start);
                self.headings[h].start..next
            } else {
                self.section(h)
            };
            // declarations are in document order
            let i = self
                .declarations
                .partition_point(|d| d.offset < range.start);
            self.declarations
                .get(i)
                .is_some_and(|d| range.contains(&d.offset))
        };
        let declaring = chain.iter().rev().copied().find(|&h| declares(h));
        let deprecation = self.deprecation_in(&chain, false, offset);
        match declaring {
            Some(e) => {
                let case = chain.last().copied().filter(|&last| last != e);
                Placement {
                    endpoint: self.endpoint_heading(e),
                    case: case
                        .map(|last| self.headings[last].text.clone())
                        .unwrap_or_default(),
                    anchors: self.anchors(Some(e), case),
                    candidates: self.candidates(offset, self.section(e)),
                    deprecation,
                }
            }
            None => {
                // no declaration in an enclosing section: the headings still name the
                // example, and a matching declaration elsewhere on the page still binds it
                let named: Vec<usize> = chain
                    .into_iter()
                    .filter(|&h| Some(h) != self.title_heading)
                    .collect();
                let text = |h: Option<usize>| h.map(|h| self.headings[h].text.clone());
                let endpoint = named.first().copied();
                let case = named.last().copied().filter(|_| named.len() >= 2);
                Placement {
                    endpoint: text(endpoint).unwrap_or_default(),
                    case: text(case).unwrap_or_default(),
                    anchors: self.anchors(endpoint, case),
                    candidates: self.candidates(offset, 0..usize::MAX),
                    deprecation,
                }
            }
        }
    }

    /// The custom ids (`{#create}`) of an endpoint and a case heading.
    fn anchors(&self, endpoint: Option<usize>, case: Option<usize>) -> Anchors {
        let anchor = |h: Option<usize>| h.and_then(|h| self.headings[h].anchor.clone());
        Anchors {
            endpoint: anchor(endpoint),
            case: anchor(case),
        }
    }

    /// The declarations an example at `offset` may belong to: those in `section` first (the
    /// ones above the example nearest first, then those below it), then the rest of the page
    /// nearest first (ties: the one above). One merge over the declarations in document
    /// order, no sorting: a page of thousands of examples and declarations stays linear.
    fn candidates(&self, offset: usize, section: Range<usize>) -> Candidates<'_> {
        let all = &self.declarations;
        let (first, end) = (
            all.partition_point(|d| d.offset < section.start),
            all.partition_point(|d| d.offset < section.end),
        );
        let split = all.partition_point(|d| d.offset < offset);
        let in_section = |i: usize| (first..end).contains(&i) && all[i].offset != offset;
        let middle = split.clamp(first, end);
        let mut list: Vec<&Endpoint> = Vec::with_capacity(all.len());
        list.extend((first..middle).rev().map(|i| &all[i].endpoint));
        list.extend(
            (middle..end)
                .filter(|&i| in_section(i))
                .map(|i| &all[i].endpoint),
        );
        let section_len = list.len();
        let (mut above, mut below) = (split, split);
        loop {
            while above > 0 && in_section(above - 1) {
                above -= 1;
            }
            while below < all.len() && in_section(below) {
                below += 1;
            }
            let up = (above > 0).then(|| offset - all[above - 1].offset);
            let down = (below < all.len()).then(|| all[below].offset - offset);
            match (up, down) {
                (Some(u), Some(d)) if u <= d => above -= 1,
                (Some(_), None) => above -= 1,
                (_, Some(_)) => {
                    below += 1;
                    list.push(&all[below - 1].endpoint);
                    continue;
                }
                (None, None) => break,
            }
            list.push(&all[above].endpoint);
        }
        Candidates { list, section_len }
    }
}

/// Where a table's endpoint is: the heading of the endpoint section that holds it, or the page
/// for declarations written outside any endpoint heading.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Owner {
    Heading(usize),
    Page,
}

/// Tables of sections that no code block declares: they belong to the examples of that
/// section (keyed by its outermost heading below the title; `None` when there is none).
type SectionTables = Vec<(Option<usize>, prose::ParamTable)>;

impl Sections {
    /// Whether a declaration belongs to the endpoint section of `owner`.
    fn owns(&self, owner: Owner, d: &Declaration) -> bool {
        match owner {
            Owner::Heading(h) => {
                d.section == Some(h)
                    || (Some(h) != self.title_heading && self.section(h).contains(&d.offset))
            }
            Owner::Page => d.section.is_none() || d.section == self.title_heading,
        }
    }

    /// The endpoint section enclosing a heading chain: the innermost heading whose section
    /// declares an endpoint, else the page when it declares outside every endpoint heading;
    /// with the position in `chain` after which the headings below the endpoint heading start.
    fn owner(&self, chain: &[usize]) -> Option<(Owner, usize)> {
        let declares = |owner| self.declarations.iter().any(|d| self.owns(owner, d));
        if let Some(i) = chain.iter().rposition(|&h| declares(Owner::Heading(h))) {
            return Some((Owner::Heading(chain[i]), i + 1));
        }
        let below_title = usize::from(
            chain
                .first()
                .is_some_and(|&h| Some(h) == self.title_heading),
        );
        declares(Owner::Page).then_some((Owner::Page, below_title))
    }

    /// The key of the declaration-less section a heading chain is in (see [`SectionTables`]),
    /// and the position in `chain` after which its headings start.
    fn example_section(&self, chain: &[usize]) -> (Option<usize>, usize) {
        match chain.iter().position(|&h| Some(h) != self.title_heading) {
            Some(i) => (Some(chain[i]), i + 1),
            None => (None, chain.len()),
        }
    }

    /// Read every table of the page and give each to the endpoint of its endpoint section
    /// (issue 10, point 2): the declarations of the nearest declaring code block above it in
    /// that section, or below it when it comes first. Tables of a section that only examples
    /// declare are returned for those examples. Unreadable tables are reported as warnings.
    fn read_tables(
        &mut self,
        ctx: (&str, &str, &Lines<'_>),
        outline: &Outline,
        warnings: &mut Vec<ExtractError>,
    ) -> SectionTables {
        let (file, text, lines) = ctx;
        let mut by_block: Vec<(usize, prose::ParamTable)> = Vec::new();
        let mut by_section = SectionTables::new();
        for table in &outline.tables {
            let chain = self.chain(table.start);
            let owner = self.owner(&chain);
            let below = match owner {
                Some((_, below)) => below,
                None => self.example_section(&chain).1,
            };
            let headings: Vec<&str> = chain[below.min(chain.len())..]
                .iter()
                .map(|&h| self.headings[h].text.as_str())
                .collect();
            let rows: Vec<Vec<String>> = table
                .rows
                .iter()
                .zip(&table.raw_rows)
                .map(|(cells, raw)| {
                    if raw.len() > table.header.len() {
                        raw.clone()
                    } else {
                        cells.clone()
                    }
                })
                .collect();
            let lead = lead_paragraph(text, table.start);
            let (read, problems) = prose::read_table(&prose::TableText {
                header: &table.header,
                rows: &rows,
                headings: &headings,
                lead: &lead,
            });
            for problem in problems {
                let at = problem
                    .row
                    .and_then(|r| table.row_starts.get(r).copied())
                    .unwrap_or(table.start);
                let (line, col) = lines.line_col(at);
                warnings.push(ExtractError::new(file, line, col, problem.message));
            }
            let Some(read) = read else {
                continue;
            };
            match owner {
                Some((owner, _)) => {
                    let owned = || self.declarations.iter().filter(|d| self.owns(owner, d));
                    let block = owned()
                        .filter(|d| d.offset < table.start)
                        .max_by_key(|d| d.offset)
                        .or_else(|| {
                            owned()
                                .filter(|d| d.offset > table.start)
                                .min_by_key(|d| d.offset)
                        })
                        .map(|d| d.block);
                    if let Some(block) = block {
                        by_block.push((block, read));
                    }
                }
                None => by_section.push((self.example_section(&chain).0, read)),
            }
        }
        for decl in &mut self.declarations {
            let tables: Vec<&prose::ParamTable> = by_block
                .iter()
                .filter(|(b, _)| *b == decl.block)
                .map(|(_, t)| t)
                .collect();
            let e = &mut decl.endpoint;
            let described = prose::describe(&tables, &e.method, &e.route);
            e.params = described.params;
            e.response_fields = described.response_fields;
        }
        by_section
    }

    /// The tables of the declaration-less section a snapshot at `offset` is in, if it is in one.
    fn section_tables<'t>(
        &self,
        offset: usize,
        tables: &'t SectionTables,
    ) -> Vec<&'t prose::ParamTable> {
        let chain = self.chain(offset);
        if self.owner(&chain).is_some() {
            return Vec::new();
        }
        let key = self.example_section(&chain).0;
        tables
            .iter()
            .filter(|(k, _)| *k == key)
            .map(|(_, t)| t)
            .collect()
    }
}

/// The paragraph right before a table (after blank lines), stopping at a heading, a code
/// fence, another table or a tag.
fn lead_paragraph(text: &str, start: usize) -> String {
    // read upwards from the table: only the lines of the lead are visited
    let above = text.get(..start).unwrap_or(text);
    let lines = above.lines().rev().skip_while(|l| l.trim().is_empty());
    let mut paragraph = Vec::new();
    for line in lines {
        let t = line.trim();
        let structural = t.is_empty()
            || t.starts_with('#')
            || t.starts_with('|')
            || t.contains(" | ")
            || t.starts_with("```")
            || t.starts_with('<')
            || t.chars().all(|c| matches!(c, '-' | '=' | '|' | ':' | ' '));
        if structural {
            break;
        }
        paragraph.push(t);
    }
    paragraph.reverse();
    paragraph.join(" ")
}

struct Placement<'a> {
    endpoint: String,
    case: String,
    anchors: Anchors,
    candidates: Candidates<'a>,
    /// What the headings above the example and their prose before it say.
    deprecation: prose::wording::Deprecation,
}

/// The declarations an example may belong to, for [`binding::bind`]: its section's first
/// (`section_len` of them, nearest first), then the rest of the page's, nearest first: the most
/// specific match anywhere wins, the nearest breaks ties.
struct Candidates<'a> {
    list: Vec<&'a Endpoint>,
    section_len: usize,
}

/// A `<snapshot ... />` tag.
#[derive(Debug, Clone)]
struct SnapshotTag {
    /// The whole tag.
    range: Range<usize>,
    json: JsonAttr,
}

/// What the `json` attribute holds.
#[derive(Debug, Clone)]
enum JsonAttr {
    /// `json={{...}}` or `json='{...}'`: the literal's byte range.
    Literal(Range<usize>),
    /// `json={require("path")}`: the path as written and where it is.
    Require(String, usize),
    /// `json={name}`: an imported name and where it is.
    Name(String, usize),
}

/// Every snapshot tag outside code and comments. Problems with one tag are reported and the
/// scan goes on after its name.
fn find_tags(
    file: &str,
    text: &str,
    lines: &Lines<'_>,
    outline: &Outline,
    errors: &mut Vec<ExtractError>,
) -> Vec<SnapshotTag> {
    let lower = text.to_ascii_lowercase();
    let mut tags = Vec::new();
    let mut from = 0;
    while let Some(start) = lower[from..].find("<snapshot").map(|i| from + i) {
        let after_name = start + "<snapshot".len();
        from = after_name;
        let boundary = text[after_name..]
            .chars()
            .next()
            .is_none_or(|c| c.is_whitespace() || c == '/' || c == '>');
        if !boundary || outline.is_verbatim(start) {
            continue;
        }
        match read_tag(text, &lower, start, after_name) {
            Ok(tag) => {
                from = tag.range.end;
                tags.push(tag);
            }
            Err((offset, message)) => {
                let (line, col) = lines.line_col(offset);
                errors.push(ExtractError::new(file, line, col, message))
            }
        }
    }
    tags
}

type TagError = (usize, String);

/// Read the attributes of the tag starting at `start` (its name ends at `pos`).
fn read_tag(
    text: &str,
    lower: &str,
    start: usize,
    mut pos: usize,
) -> Result<SnapshotTag, TagError> {
    let bytes = text.as_bytes();
    let mut json = None;
    loop {
        while pos < bytes.len() && bytes[pos].is_ascii_whitespace() {
            pos += 1;
        }
        if text[pos..].starts_with("/>") {
            pos += 2;
            break;
        }
        if text[pos..].starts_with('>') {
            pos += 1;
            // a tag with children: the closing tag ends it when it comes before the next one
            let lower = &lower[pos..];
            if let Some(close) = lower.find("</snapshot") {
                if !lower[..close].contains("<snapshot") {
                    pos += close + text[pos + close..].find('>').map_or(10, |i| i + 1);
                }
            }
            break;
        }
        if pos >= bytes.len() {
            return Err((
                start,
                "expected `/>` to close this snapshot tag".to_string(),
            ));
        }
        let name_start = pos;
        while pos < bytes.len()
            && (bytes[pos].is_ascii_alphanumeric()
                || matches!(bytes[pos], b'_' | b'-' | b':' | b'.'))
        {
            pos += 1;
        }
        if pos == name_start {
            if text[pos..].starts_with('{') {
                // `{...props}`
                pos = jslit::find_end(text, pos).map_err(|e| (e.offset, e.message))?;
                continue;
            }
            return Err((
                pos,
                "expected an attribute or `/>` in this snapshot tag".to_string(),
            ));
        }
        let name = &text[name_start..pos];
        while pos < bytes.len() && bytes[pos].is_ascii_whitespace() {
            pos += 1;
        }
        if bytes.get(pos) != Some(&b'=') {
            continue;
        }
        pos += 1;
        while pos < bytes.len() && bytes[pos].is_ascii_whitespace() {
            pos += 1;
        }
        let value_start = pos;
        match bytes.get(pos) {
            Some(&q @ (b'"' | b'\'')) => {
                let end = text[pos + 1..]
                    .find(q as char)
                    .map(|i| pos + 1 + i)
                    .ok_or((
                        pos,
                        format!("expected `{}` to close this attribute value", q as char),
                    ))?;
                pos = end + 1;
                if name == "json" {
                    let inner = value_start + 1..end;
                    let lead = text[inner.clone()].len() - text[inner.clone()].trim_start().len();
                    let trail = text[inner.clone()].len() - text[inner.clone()].trim_end().len();
                    json = Some(JsonAttr::Literal(inner.start + lead..inner.end - trail));
                }
            }
            Some(b'{') => {
                let end = jslit::find_end(text, pos).map_err(|e| (e.offset, e.message))?;
                pos = end;
                if name == "json" {
                    json = Some(json_expression(text, value_start + 1..end - 1)?);
                }
            }
            _ => {
                return Err((
                    pos,
                    format!("expected a value in quotes or braces after `{name}=`"),
                ))
            }
        }
    }
    let json = json.ok_or((
        start,
        "expected a `json={...}` attribute on this snapshot tag".to_string(),
    ))?;
    Ok(SnapshotTag {
        range: start..pos,
        json,
    })
}

/// The expression inside `json={...}`.
fn json_expression(text: &str, inner: Range<usize>) -> Result<JsonAttr, TagError> {
    let written = &text[inner.clone()];
    let lead = written.len() - written.trim_start().len();
    let start = inner.start + lead;
    let expr = written.trim();
    if expr.starts_with('{') || expr.starts_with('[') {
        let end = jslit::find_end(text, start).map_err(|e| (e.offset, e.message))?;
        let rest = text[end..inner.end].trim();
        if !rest.is_empty() {
            return Err((
                end,
                "expected `}` right after the snapshot literal".to_string(),
            ));
        }
        return Ok(JsonAttr::Literal(start..end));
    }
    if let Some(args) = expr.strip_prefix("require") {
        let args = args.trim_start();
        let path = args
            .strip_prefix('(')
            .and_then(|a| a.trim_end().strip_suffix(')'))
            .map(str::trim)
            .and_then(|a| {
                let q = a.chars().next()?;
                matches!(q, '"' | '\'' | '`').then_some(())?;
                a.strip_prefix(q)?.strip_suffix(q)
            });
        return match path {
            Some(path) => Ok(JsonAttr::Require(path.to_string(), start)),
            None => Err((
                start,
                "expected `require(\"path/to/snapshot\")` with one quoted path".to_string(),
            )),
        };
    }
    let is_name = !expr.is_empty()
        && expr
            .chars()
            .all(|c| c.is_alphanumeric() || c == '_' || c == '$')
        && !expr.starts_with(|c: char| c.is_ascii_digit());
    if is_name {
        return Ok(JsonAttr::Name(expr.to_string(), start));
    }
    Err((
        start,
        format!("expected an object literal, `require(\"...\")` or an imported name in `json={{...}}`, found `{}`", shorten(expr)),
    ))
}

fn shorten(text: &str) -> String {
    let one_line = text.split_whitespace().collect::<Vec<_>>().join(" ");
    if one_line.chars().count() > 40 {
        format!("{}...", one_line.chars().take(40).collect::<String>())
    } else {
        one_line
    }
}

/// `import name from "path"` and `const name = require("path")` lines outside code.
fn imports(text: &str, outline: &Outline) -> IndexMap<String, String> {
    let mut out = IndexMap::new();
    let mut offset = 0;
    for line in text.split_inclusive('\n') {
        let at = offset;
        offset += line.len();
        let line = line.trim();
        let keyword = ["import ", "export ", "const ", "let ", "var "];
        if !keyword.iter().any(|k| line.starts_with(k)) || outline.is_verbatim(at) {
            continue;
        }
        let line = line.strip_prefix("export ").unwrap_or(line).trim_start();
        let parsed = if let Some(rest) = line.strip_prefix("import ") {
            rest.split_once(" from ")
                .map(|(name, path)| (name.trim(), path))
        } else {
            ["const ", "let ", "var "]
                .iter()
                .find_map(|kw| line.strip_prefix(kw))
                .and_then(|rest| rest.split_once('='))
                .and_then(|(name, rhs)| {
                    let rhs = rhs.trim().strip_prefix("require")?.trim_start();
                    Some((name.trim(), rhs.strip_prefix('(')?.split(')').next()?))
                })
        };
        let Some((name, path)) = parsed else {
            continue;
        };
        let path = path.trim().trim_end_matches(';').trim();
        let unquoted = ['"', '\'']
            .iter()
            .find_map(|&q| path.strip_prefix(q).and_then(|p| p.strip_suffix(q)));
        let valid_name = !name.is_empty()
            && name
                .chars()
                .all(|c| c.is_alphanumeric() || c == '_' || c == '$');
        if let (Some(path), true) = (unquoted, valid_name) {
            out.insert(name.to_string(), path.to_string());
        }
    }
    out
}

struct SnapshotContext<'a> {
    file: &'a str,
    text: &'a str,
    files: &'a DocFiles,
    options: &'a Options,
    imports: &'a IndexMap<String, String>,
    lines: &'a Lines<'a>,
    called_ids: &'a CalledIds,
}

impl SnapshotContext<'_> {
    fn error(&self, offset: usize, message: impl Into<String>) -> ExtractError {
        let (line, col) = self.lines.line_col(offset);
        ExtractError::new(self.file, line, col, message)
    }

    /// Resolve a reference to a JSON file under the docs root.
    fn resolve(&self, reference: &str, at: usize) -> Result<String, ExtractError> {
        let mut aliases: Vec<&(String, String)> = self.options.aliases.iter().collect();
        aliases.sort_by_key(|(prefix, _)| std::cmp::Reverse(prefix.len()));
        let alias_used = aliases.iter().find_map(|(prefix, folder)| {
            let rest = reference.strip_prefix(prefix.as_str())?;
            (rest.is_empty() || rest.starts_with('/')).then_some((prefix, folder))
        });
        let page_folder = self.file.rsplit_once('/').map_or("", |(dir, _)| dir);
        let resolved = match alias_used {
            Some((prefix, folder)) => {
                let joined = format!("{folder}/{}", &reference[prefix.len()..]);
                resolve_within_root("", joined.trim_start_matches('/'))
            }
            None => resolve_within_root(page_folder, reference),
        };
        let Some(resolved) = resolved else {
            return Err(self.error(
                at,
                format!("snapshot reference `{reference}` resolves outside the docs root: expected a file under it"),
            ));
        };
        let candidates = [
            resolved.clone(),
            format!("{resolved}.json"),
            format!("{resolved}/index.json"),
        ];
        if let Some(found) = candidates.into_iter().find(|c| self.files.get(c).is_some()) {
            return Ok(found);
        }
        let hint = match alias_used {
            Some((prefix, folder)) => format!(
                " (`{prefix}` stands for `{folder}`; set it with `--alias {prefix}=FOLDER`)"
            ),
            None => String::new(),
        };
        let expected = if resolved.ends_with(".json") {
            format!("`{resolved}`")
        } else {
            format!("`{resolved}` or `{resolved}.json`")
        };
        Err(self.error(
            at,
            format!("cannot find the snapshot file `{reference}`: expected {expected} under the docs root{hint}"),
        ))
    }
}

/// The fixture of one snapshot tag.
fn snapshot_fixture(
    ctx: &SnapshotContext<'_>,
    tag: &SnapshotTag,
    sections: &Sections,
    title: &str,
) -> Result<Fixture, ExtractError> {
    let line = ctx.lines.line(tag.range.start);
    let mut source = Source {
        file: ctx.file.to_string(),
        line,
        format: SourceFormat::Markdown,
        literal: None,
        snapshot_file: None,
    };
    let (literal, at) = match &tag.json {
        JsonAttr::Literal(range) => {
            // `/response` and `/response/body` only: verify reads the literal again for deeper
            // spans, one case at a time
            let lit = jslit::parse_with(&ctx.text[range.clone()], jslit::Spans::Within(2))
                .map_err(|e| ctx.error(range.start + e.offset, e.message))?;
            let absolute = |r: Range<usize>| Span {
                start: range.start + r.start,
                end: range.start + r.end,
            };
            source.literal = lit.span("/response").map(|response| LiteralSpans {
                response: absolute(response),
                body: lit.span("/response/body").map(absolute),
            });
            (lit, range.start)
        }
        JsonAttr::Require(reference, at) => {
            (read_reference(ctx, reference, *at, &mut source)?, *at)
        }
        JsonAttr::Name(name, at) => {
            let Some(reference) = ctx.imports.get(name) else {
                return Err(ctx.error(
                    *at,
                    format!("unknown name `{name}`: expected an `import {name} from \"...json\"` line on this page"),
                ));
            };
            (read_reference(ctx, reference, *at, &mut source)?, *at)
        }
    };
    let mut computed = Vec::new();
    for c in &literal.computed {
        let (body, pointer) = if let Some(p) = c.pointer.strip_prefix("/request/body") {
            (BodyRef::Request, p)
        } else if let Some(p) = c.pointer.strip_prefix("/response/body") {
            (BodyRef::Response, p)
        } else {
            return Err(ctx.error(
                at,
                format!(
                    "cannot compute `{}` at `{}`: expected computed values only inside a request or response body",
                    c.expression, c.pointer
                ),
            ));
        };
        if !(pointer.is_empty() || pointer.starts_with('/')) {
            continue;
        }
        computed.push(Computed {
            body,
            pointer: pointer.to_string(),
            generator: c.generator,
            expression: c.expression.clone(),
        });
    }
    let mut literal = literal;
    let example = read_example(&mut literal.value).map_err(|m| ctx.error(at, m))?;
    let placement = sections.place(tag.range.start);
    let topic = [title, placement.endpoint.as_str(), placement.case.as_str()];
    let bound = binding::bind(
        &placement.candidates.list,
        placement.candidates.section_len,
        &example.method,
        &example.path,
        &topic,
        ctx.called_ids,
    );
    let (mut request, owner, global) = (bound.request, bound.owner, bound.global);
    request.headers = example.request_headers;
    request.body = example.request_body;

    let mut placeholders = Vec::new();
    for (body, value) in [
        (BodyRef::Request, &request.body),
        (BodyRef::Response, &example.response.body),
    ] {
        if let Some(value) = value {
            for (pointer, kind) in jslit::placeholders(value) {
                placeholders.push(Placeholder {
                    body,
                    pointer,
                    kind,
                });
            }
        }
    }
    Ok(Fixture {
        source,
        page: title.to_string(),
        endpoint: placement.endpoint,
        title: placement.case,
        anchors: placement.anchors,
        request,
        response: example.response,
        params: owner.map(|e| e.params.clone()).unwrap_or_default(),
        response_fields: owner.map(|e| e.response_fields.clone()).unwrap_or_default(),
        deprecated: placement.deprecation.deprecated || owner.is_some_and(|e| e.deprecated),
        replaced_by: placement
            .deprecation
            .replaced_by
            .or_else(|| owner.and_then(|e| e.replaced_by.clone())),
        global,
        computed,
        placeholders,
        ..Default::default()
    })
}

/// Read the JSON file a reference points to.
fn read_reference(
    ctx: &SnapshotContext<'_>,
    reference: &str,
    at: usize,
    source: &mut Source,
) -> Result<Literal, ExtractError> {
    let path = ctx.resolve(reference, at)?;
    let bytes = ctx.files.get(&path).unwrap_or_default();
    let text = std::str::from_utf8(bytes)
        .map_err(|_| ExtractError::new(&path, 1, 1, "expected a utf-8 json snapshot file"))?;
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let value: Value = serde_json::from_str(text).map_err(|e| {
        let line = ctx.lines.line(at);
        let cause = e.to_string();
        let cause = cause.split(" at line ").next().unwrap_or(&cause);
        ExtractError::new(
            &path,
            e.line().max(1),
            e.column().max(1),
            format!(
                "expected a json snapshot file (referenced from {}:{line}): {cause}",
                ctx.file
            ),
        )
    })?;
    source.snapshot_file = Some(path);
    Ok(Literal {
        value,
        computed: Vec::new(),
        spans: Vec::new(),
    })
}

/// The request and response a snapshot documents.
struct Example {
    method: String,
    path: String,
    request_headers: IndexMap<String, String>,
    request_body: Option<Value>,
    response: ResponseSpec,
}

/// The bodies are moved out of `value` (a big example is not kept twice).
fn read_example(value: &mut Value) -> Result<Example, String> {
    let Some(root) = value.as_object() else {
        return Err("expected a snapshot object with `request` and `response`".to_string());
    };
    let Some(request) = root.get("request").and_then(Value::as_object) else {
        return Err(
            "expected a `request` object with `request_method` and `path` in the snapshot"
                .to_string(),
        );
    };
    let method = ["request_method", "method"]
        .iter()
        .find_map(|k| request.get(*k))
        .and_then(Value::as_str)
        .map(str::trim)
        .filter(|m| !m.is_empty() && m.chars().all(|c| c.is_ascii_alphabetic()))
        .ok_or("expected `request_method` to be an http method such as \"GET\"")?
        .to_ascii_uppercase();
    let path = ["path", "url"]
        .iter()
        .find_map(|k| request.get(*k))
        .and_then(Value::as_str)
        .map(str::trim)
        .filter(|p| !p.is_empty())
        .ok_or("expected `path` to be the request path as a string")?;
    let path = without_origin(path).to_string();
    let request_headers = headers(request.get("headers"), "request")?;
    let take_body = |value: &mut Value, side: &str| {
        value
            .get_mut(side)
            .and_then(|side| side.get_mut("body"))
            .map(Value::take)
    };
    let Some(response) = root.get("response").and_then(Value::as_object) else {
        return Err("expected a `response` object with a `status` in the snapshot".to_string());
    };
    let status = match response.get("status") {
        Some(Value::Number(n)) => n.as_u64(),
        Some(Value::String(s)) => s.trim().parse().ok(),
        _ => None,
    }
    .filter(|s| (100..=599).contains(s))
    .ok_or("expected `status` in the response to be an http status code (100-599)")?
        as u16;
    let response_headers = headers(response.get("headers"), "response")?;
    Ok(Example {
        method,
        path,
        request_headers,
        request_body: take_body(value, "request"),
        response: ResponseSpec {
            status,
            headers: response_headers,
            body: take_body(value, "response"),
            media_types: Vec::new(),
        },
    })
}

/// `https://host/api/x` -> `/api/x`; a path stays as it is.
fn without_origin(path: &str) -> &str {
    for scheme in ["http://", "https://"] {
        if let Some(rest) = path.strip_prefix(scheme) {
            return rest.find('/').map_or("/", |i| &rest[i..]);
        }
    }
    path
}

fn headers(value: Option<&Value>, which: &str) -> Result<IndexMap<String, String>, String> {
    let Some(value) = value else {
        return Ok(IndexMap::new());
    };
    let Some(map) = value.as_object() else {
        return Err(format!(
            "expected the {which} `headers` to be an object of names and values"
        ));
    };
    map.iter()
        .map(|(name, v)| {
            let v = match v {
                Value::String(s) => s.clone(),
                Value::Number(_) | Value::Bool(_) => v.to_string(),
                _ => {
                    return Err(format!(
                        "expected the {which} header `{name}` to be a string"
                    ))
                }
            };
            Ok((name.clone(), v))
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn resolve(
        options: &Options,
        files: &[&str],
        page: &str,
        reference: &str,
    ) -> Result<String, String> {
        let mut docs = DocFiles::default();
        for f in files {
            docs.insert(f, b"{}".to_vec());
        }
        let imports = IndexMap::new();
        let lines = Lines::new("");
        let called_ids = CalledIds::default();
        let ctx = SnapshotContext {
            file: page,
            text: "",
            files: &docs,
            options,
            imports: &imports,
            lines: &lines,
            called_ids: &called_ids,
        };
        ctx.resolve(reference, 0).map_err(|e| e.message)
    }

    #[test]
    fn references_resolve_through_the_longest_alias_first() {
        let options = Options::default()
            .with_alias("@site/static", "public")
            .with_alias("@data", "../outside");
        let files = [
            "public/s/a.json",
            "static/s/a.json",
            "docs/s/b.json",
            "snapshots/c.json",
        ];
        assert_eq!(
            resolve(&options, &files, "docs/p.mdx", "@site/static/s/a"),
            Ok("public/s/a.json".into())
        );
        assert_eq!(
            resolve(&options, &files, "docs/p.mdx", "@snapshots/c.json"),
            Ok("snapshots/c.json".into())
        );
        assert_eq!(
            resolve(&options, &files, "docs/p.mdx", "./s/b"),
            Ok("docs/s/b.json".into())
        );
        assert_eq!(
            resolve(&options, &files, "docs/p.mdx", "/static/s/a.json"),
            Ok("static/s/a.json".into())
        );
        // `@sitex` is not `@site`: the page folder applies
        assert!(resolve(&options, &files, "docs/p.mdx", "@sitex/a")
            .unwrap_err()
            .contains("`docs/@sitex/a`"));
        assert!(resolve(&options, &files, "docs/p.mdx", "@data/x.json")
            .unwrap_err()
            .contains("outside the docs root"));
        assert!(resolve(&options, &files, "p.mdx", "../x.json")
            .unwrap_err()
            .contains("outside the docs root"));
    }

    #[test]
    fn imports_are_read_outside_code_only() {
        let text = "import a from \"@snapshots/a.json\";\nexport const b = require('./b.json');\nimport {c} from 'c';\n\n```\nimport d from \"d.json\"\n```\n";
        let outline = markdown::outline(text);
        let imported = imports(text, &outline);
        let found: Vec<(&str, &str)> = imported
            .iter()
            .map(|(k, v)| (k.as_str(), v.as_str()))
            .collect();
        assert_eq!(found, [("a", "@snapshots/a.json"), ("b", "./b.json")]);
    }

    #[test]
    fn snapshot_tags_need_a_name_boundary() {
        let text = "<snapshots>x</snapshots> <SnapshotTable /> <Snapshot json={{}}/>";
        let outline = markdown::outline(text);
        let lines = Lines::new(text);
        let mut errors = Vec::new();
        let tags = find_tags("p.mdx", text, &lines, &outline, &mut errors);
        assert_eq!(tags.len(), 1);
        assert_eq!(&text[tags[0].range.clone()], "<Snapshot json={{}}/>");
        assert!(errors.is_empty());
    }

    /// The candidate order as first written: the section's declarations above the example
    /// (nearest first) and below it, then every other declaration sorted by distance.
    fn candidates_by_sorting(
        sections: &Sections,
        offset: usize,
        section: Range<usize>,
    ) -> Vec<String> {
        let all = &sections.declarations;
        let inside = |d: &&Declaration| section.contains(&d.offset);
        let mut list: Vec<&Declaration> = all
            .iter()
            .filter(inside)
            .filter(|d| d.offset < offset)
            .collect();
        list.reverse();
        list.extend(all.iter().filter(inside).filter(|d| d.offset > offset));
        let mut rest: Vec<&Declaration> = all
            .iter()
            .filter(|d| !list.iter().any(|c| std::ptr::eq(*c, *d)))
            .collect();
        rest.sort_by_key(|d| d.offset.abs_diff(offset));
        list.extend(rest);
        list.iter().map(|d| d.endpoint.route.clone()).collect()
    }

    #[test]
    fn candidates_merged_in_one_pass_equal_sorting_them() {
        // sections of several levels, declarations unevenly spaced above and below examples
        let mut text = String::from("# API\n\nIntro.\n\n    GET /top\n\n");
        for i in 0..12 {
            let level = ["##", "###", "####"][i % 3];
            text.push_str(&format!("{level} Part {i}\n\n"));
            for j in 0..(i % 4) {
                text.push_str(&format!("    GET /p{i}/d{j}\n\n{}", "Prose.\n\n".repeat(j)));
            }
            text.push_str("Example.\n\n");
        }
        let lines = Lines::new(&text);
        let outline = markdown::outline(&text);
        let sections = Sections::new(&lines, &outline, "API");
        assert!(sections.declarations.len() > 15);
        let ranges: Vec<Range<usize>> = std::iter::once(0..usize::MAX)
            .chain((0..sections.headings.len()).map(|h| sections.section(h)))
            .collect();
        let offsets = (0..text.len())
            .step_by(7)
            .chain(sections.declarations.iter().map(|d| d.offset));
        for offset in offsets {
            for section in ranges.iter().filter(|r| r.contains(&offset)) {
                let merged = sections.candidates(offset, section.clone());
                let routes: Vec<String> = merged.list.iter().map(|e| e.route.clone()).collect();
                let expected = candidates_by_sorting(&sections, offset, section.clone());
                assert_eq!(routes, expected, "offset {offset}, section {section:?}");
                let in_section = sections
                    .declarations
                    .iter()
                    .filter(|d| section.contains(&d.offset) && d.offset != offset);
                assert_eq!(merged.section_len, in_section.count());
            }
        }
    }
}
