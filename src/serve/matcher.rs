//! Route lookup: a request's method and path in, the documented route it names out.
//!
//! Routes live in a segment trie (one trie for case-sensitive routes, one with lower-cased
//! literals for ASP.NET routes), so a lookup walks as many nodes as the path has segments
//! whatever the number of routes. At each node a literal segment is tried before a parameter,
//! which makes the most specific route win; the walk backtracks to the parameter branch when
//! the literal branch leads nowhere.

use crate::fixture::{RouteTemplate, Segment};
use std::borrow::Cow;
use std::cell::RefCell;
use std::collections::HashMap;
use std::sync::OnceLock;

mod near;
use near::{NameTrie, Want, NEAR_CHARS};

/// What a lookup found.
#[derive(Debug, PartialEq, Eq)]
pub enum Lookup<'a> {
    /// The route (its index in the table) and the path's parameter values in route order.
    Found {
        route: usize,
        values: Vec<Cow<'a, str>>,
    },
    /// The path names routes, none with this method: their indices.
    MethodNotAllowed {
        routes: Vec<usize>,
    },
    NotFound,
}

/// Routes by method and path template.
#[derive(Debug, Default)]
pub struct Matcher {
    exact: Node,
    /// Literals stored lower-cased; looked up with the request's segments lower-cased.
    case_insensitive: Node,
    has_case_insensitive: bool,
}

#[derive(Debug, Default)]
struct Node {
    literals: Literals,
    param: Option<Box<Node>>,
    /// This node is a parameter that also matches an empty segment (`/orders//items`), because
    /// a documented case has that parameter empty.
    blank: bool,
    /// Routes ending here: (upper-case method, route index).
    routes: Vec<(Box<str>, usize)>,
}

impl Node {
    /// Could a route under this node match `segments`? A cheap first look (the first segment
    /// among a few literals, ASCII case ignored), so that a path no case-insensitive route
    /// starts like skips lower-casing a copy of it.
    fn may_lead<S: AsRef<str>>(&self, segments: &[S]) -> bool {
        let Some(first) = segments.first() else {
            return !self.routes.is_empty();
        };
        let children = &self.literals.children;
        self.param.is_some()
            || children.len() > Literals::SCAN
            || children
                .iter()
                .any(|c| c.key.eq_ignore_ascii_case(first.as_ref()))
    }
}

/// The literal children of a node: a short list scanned in place (most nodes have a handful
/// of children, where comparing beats hashing), with a hash index once it grows. Route
/// literals are the docs' own, so a fast hasher without DoS resistance does (lookups insert
/// nothing).
#[derive(Debug, Default)]
struct Literals {
    children: Vec<Child>,
    index: Option<HashMap<Box<str>, usize, foldhash::fast::RandomState>>,
    /// The most chars of a child: no child is nearer a request segment than one edit of this
    /// many chars (or of the segment's own, if longer).
    longest: usize,
    /// Has a child an ASCII capital? Only then can a child differ from a (lower-cased)
    /// request segment in case alone, and be nearer than one edit.
    capitals: bool,
    /// The children's names in a trie, built at the node's first near-miss search.
    names: OnceLock<NameTrie>,
}

#[derive(Debug)]
struct Child {
    key: Box<str>,
    node: Node,
}

impl Literals {
    /// Children beyond this many are found through the hash index.
    const SCAN: usize = 8;

    fn get(&self, key: &str) -> Option<&Node> {
        let i = match &self.index {
            Some(index) => *index.get(key)?,
            None => self.children.iter().position(|c| &*c.key == key)?,
        };
        Some(&self.children[i].node)
    }

    /// The children's names, for a near-miss search.
    fn names(&self) -> &NameTrie {
        self.names
            .get_or_init(|| NameTrie::new(self.children.iter().map(|c| &*c.key)))
    }

    fn entry(&mut self, key: Box<str>) -> &mut Node {
        let found = match &self.index {
            Some(index) => index.get(&key).copied(),
            None => self.children.iter().position(|c| c.key == key),
        };
        let i = match found {
            Some(i) => i,
            None => {
                self.names = OnceLock::new();
                self.longest = self.longest.max(key.chars().count());
                self.capitals |= key.bytes().any(|b| b.is_ascii_uppercase());
                self.children.push(Child {
                    key: key.clone(),
                    node: Node::default(),
                });
                let i = self.children.len() - 1;
                if let Some(index) = &mut self.index {
                    index.insert(key, i);
                } else if self.children.len() > Self::SCAN {
                    self.index = Some(
                        self.children
                            .iter()
                            .enumerate()
                            .map(|(i, c)| (c.key.clone(), i))
                            .collect(),
                    );
                }
                i
            }
        };
        &mut self.children[i].node
    }
}

/// Segments a path may have to match a route: parameter positions are kept in a 64-bit set.
pub const MAX_SEGMENTS: usize = 64;

impl Matcher {
    /// Add route `index`. A second route with the same method and template shape is shadowed by
    /// the first (the table merges such fixtures into one route before they get here).
    pub fn insert(
        &mut self,
        method: &str,
        template: &RouteTemplate,
        case_insensitive: bool,
        index: usize,
    ) {
        let mut node = if case_insensitive {
            self.has_case_insensitive = true;
            &mut self.case_insensitive
        } else {
            &mut self.exact
        };
        for segment in &template.segments {
            node = match segment {
                Segment::Literal(text) => {
                    let key: Box<str> = if case_insensitive {
                        text.to_ascii_lowercase().into()
                    } else {
                        text.as_str().into()
                    };
                    node.literals.entry(key)
                }
                Segment::Param(_) => node.param.get_or_insert_with(Default::default),
            };
        }
        node.routes.push((method.into(), index));
    }

    /// Let the parameter at `position` of an inserted template also match an empty segment.
    pub fn accept_blank(
        &mut self,
        template: &RouteTemplate,
        case_insensitive: bool,
        position: usize,
    ) {
        let mut node = if case_insensitive {
            &mut self.case_insensitive
        } else {
            &mut self.exact
        };
        for segment in template.segments.iter().take(position + 1) {
            let next = match segment {
                Segment::Literal(text) if case_insensitive => {
                    node.literals.entry(text.to_ascii_lowercase().into())
                }
                Segment::Literal(text) => node.literals.entry(text.as_str().into()),
                Segment::Param(_) => node.param.get_or_insert_with(Default::default),
            };
            node = next;
        }
        node.blank = true;
    }

    /// Find the route for `method` and `path` (no query string). A trailing slash and a `.json`
    /// suffix are tolerated; segments are percent-decoded.
    pub fn lookup<'p>(&self, method: &str, path: &'p str) -> Lookup<'p> {
        let path = trim_path(path);
        if path.contains('%') {
            let decoded: Vec<Cow<'p, str>> = raw_segments(path)
                .map(|s| percent_decode(s, false))
                .collect();
            self.lookup_segments(method, &decoded)
        } else {
            // The usual case: no escapes, segments borrowed from the path, nothing allocated.
            let mut buffer = [""; MAX_SEGMENTS];
            let mut count = 0;
            for segment in raw_segments(path) {
                if count == MAX_SEGMENTS {
                    return Lookup::NotFound;
                }
                buffer[count] = segment;
                count += 1;
            }
            self.lookup_borrowed(method, &buffer[..count])
        }
    }

    fn lookup_borrowed<'p>(&self, method: &str, segments: &[&'p str]) -> Lookup<'p> {
        self.lookup_in(method, segments, |i| Cow::Borrowed(segments[i]))
    }

    fn lookup_segments<'p>(&self, method: &str, segments: &[Cow<'p, str>]) -> Lookup<'p> {
        if segments.len() > MAX_SEGMENTS {
            return Lookup::NotFound;
        }
        self.lookup_in(method, segments, |i| segments[i].clone())
    }

    fn lookup_in<'p, S: AsRef<str>>(
        &self,
        method: &str,
        segments: &[S],
        value: impl Fn(usize) -> Cow<'p, str>,
    ) -> Lookup<'p> {
        let mut allowed = Vec::new();
        let values = |positions: u64| -> Vec<Cow<'p, str>> {
            (0..segments.len())
                .filter(|i| positions & (1 << i) != 0)
                .map(&value)
                .collect()
        };
        if let Some((route, positions)) = find_route(&self.exact, segments, method, &mut allowed) {
            return Lookup::Found {
                route,
                values: values(positions),
            };
        }
        if self.has_case_insensitive && self.case_insensitive.may_lead(segments) {
            // One lower-cased copy of all segments, sliced: one allocation, not one each.
            let count = segments.len().min(MAX_SEGMENTS);
            let mut joined = String::with_capacity(segments.iter().map(|s| s.as_ref().len()).sum());
            for segment in &segments[..count] {
                joined.push_str(segment.as_ref());
            }
            joined.make_ascii_lowercase();
            let mut lower = [""; MAX_SEGMENTS];
            let mut start = 0;
            for (slot, segment) in lower.iter_mut().zip(&segments[..count]) {
                let end = start + segment.as_ref().len();
                *slot = &joined[start..end];
                start = end;
            }
            if let Some((route, positions)) = find_route(
                &self.case_insensitive,
                &lower[..count],
                method,
                &mut allowed,
            ) {
                // Parameter values keep the case the client sent.
                return Lookup::Found {
                    route,
                    values: values(positions),
                };
            }
        }
        if allowed.is_empty() {
            Lookup::NotFound
        } else {
            allowed.sort_unstable();
            allowed.dedup();
            Lookup::MethodNotAllowed { routes: allowed }
        }
    }
}

/// How many partial paths the closest-route search keeps per segment.
const BEAM: usize = 4;
/// How many literal children of a node the search offers as "the route has a segment more".
const MORE_CHILDREN: usize = 8;
/// The cost of a whole segment added, dropped or replaced.
const WHOLE: usize = 100;
/// A literal is near a request segment when it costs less than this: at most a third of the
/// longer one's chars are edits (as rustc's "did you mean" allows).
const NEAR: usize = WHOLE / 3 + 1;

impl Matcher {
    /// Indices of up to `n` routes closest to `method path`, best first, found by walking the
    /// trie with a small beam (never by scanning every route): per segment an equal literal or
    /// a parameter costs nothing, a near literal its edit distance relative to its length, an
    /// extra or a missing segment a whole one; another method costs half a segment.
    ///
    /// A 404 runs this, so it allocates only its answer and a small list (its scratch is one
    /// per thread), and follows a near literal only as far as it could still enter the beam.
    pub fn closest(&self, method: &str, path: &str, n: usize) -> Vec<usize> {
        let mut beam = Beam::new(&self.exact);
        beam.offer(0, &self.exact);
        if self.has_case_insensitive {
            beam.offer(0, &self.case_insensitive);
        }
        thread_local! {
            static WANT: RefCell<Want> = RefCell::default();
        }
        let path = trim_path(path);
        let escaped = path.contains('%');
        WANT.with_borrow_mut(|want| {
            for raw in raw_segments(path).take(MAX_SEGMENTS) {
                if escaped {
                    want.set(&percent_decode(raw, false));
                } else {
                    want.set(raw);
                }
                beam = beam.step(want);
            }
        });
        let mut best = Best::new(n);
        for &(cost, node) in beam.entries() {
            best.add(cost, node, method);
            // The route has a segment more than the path.
            if best.refuses(cost + WHOLE) {
                continue;
            }
            let children = node.literals.children.iter().map(|c| &c.node);
            for child in children.take(MORE_CHILDREN).chain(node.param.as_deref()) {
                best.add(cost + WHOLE, child, method);
            }
        }
        best.routes()
    }
}

/// The `n` cheapest distinct routes, as sorting every (cost, route) found and keeping the
/// first `n` distinct routes would give them, without keeping more than `n`.
struct Best {
    n: usize,
    /// Cheapest first, each route once at its least cost.
    entries: Vec<(usize, usize)>,
}

impl Best {
    fn new(n: usize) -> Best {
        Best {
            n,
            entries: Vec::with_capacity(n + 1),
        }
    }

    /// The routes ending at `node`; another method costs half a segment.
    fn add(&mut self, cost: usize, node: &Node, method: &str) {
        for (route_method, route) in &node.routes {
            let other = if route_method.eq_ignore_ascii_case(method) {
                0
            } else {
                WHOLE / 2
            };
            self.offer((cost + other, *route));
        }
    }

    /// Are the `n` places taken, all cheaper than `cost`?
    fn refuses(&self, cost: usize) -> bool {
        self.entries.len() == self.n && self.entries.last().is_some_and(|&(c, _)| c < cost)
    }

    fn offer(&mut self, found: (usize, usize)) {
        if let Some(i) = self.entries.iter().position(|&(_, r)| r == found.1) {
            if self.entries[i] <= found {
                return;
            }
            self.entries.remove(i);
        }
        let at = self.entries.partition_point(|&entry| entry < found);
        if at < self.n {
            self.entries.insert(at, found);
            self.entries.truncate(self.n);
        }
    }

    fn routes(self) -> Vec<usize> {
        self.entries.into_iter().map(|(_, route)| route).collect()
    }
}

/// The cheapest partial paths so far, at most [`BEAM`], cheapest first; of equal costs the one
/// offered first (a stable sort of every offer, cut to [`BEAM`], in a fixed array).
struct Beam<'t> {
    entries: [(usize, &'t Node); BEAM],
    len: usize,
}

impl<'t> Beam<'t> {
    /// An empty beam (`filler` only fills the unused places).
    fn new(filler: &'t Node) -> Beam<'t> {
        Beam {
            entries: [(0, filler); BEAM],
            len: 0,
        }
    }

    fn entries(&self) -> &[(usize, &'t Node)] {
        &self.entries[..self.len]
    }

    /// Costs below this can still enter the beam.
    fn limit(&self) -> usize {
        if self.len < BEAM {
            usize::MAX
        } else {
            self.entries[BEAM - 1].0
        }
    }

    fn offer(&mut self, cost: usize, node: &'t Node) {
        if self.len < BEAM {
            self.len += 1;
        } else if cost >= self.entries[BEAM - 1].0 {
            return;
        }
        // an insertion sort's step from the end: after the entries of equal cost
        let mut at = self.len - 1;
        while at > 0 && self.entries[at - 1].0 > cost {
            self.entries[at] = self.entries[at - 1];
            at -= 1;
        }
        self.entries[at] = (cost, node);
    }

    /// The beam one request segment further down the trie.
    fn step(&self, want: &mut Want) -> Beam<'t> {
        let mut next = Beam::new(self.entries[0].1);
        for &(cost, node) in self.entries() {
            // the entries are cheapest first: once one can offer nothing, no later one can
            if cost >= next.limit() {
                break;
            }
            let exact = node.literals.get(want.text());
            if let Some(child) = exact {
                next.offer(cost, child);
            }
            if let Some(child) = &node.param {
                next.offer(cost, child);
            }
            next.offer_near(cost, &node.literals, exact, want);
            // The path has a segment the route does not.
            next.offer(cost + WHOLE, node);
        }
        next
    }

    /// Offer the literals near `want` (other than the `exact` one) after a partial path of
    /// `cost`, as long as they could enter the beam.
    fn offer_near(
        &mut self,
        cost: usize,
        literals: &'t Literals,
        exact: Option<&Node>,
        want: &mut Want,
    ) {
        let want_chars = want.chars();
        if literals.children.is_empty() || !(1..=NEAR_CHARS).contains(&want_chars) {
            return;
        }
        // what the nearest child other than the exact one can cost, at best
        let one_edit = match literals.capitals {
            true => 1,
            false => WHOLE / want_chars.max(literals.longest).max(1),
        };
        // the beam only gets dearer to enter: once no child can, none will
        let room = |beam: &Beam| {
            let room = beam.limit().checked_sub(cost)?;
            (room > one_edit).then_some(room.min(NEAR))
        };
        // the most edits a name of the longest length may have and cost less than `room`
        let longest = want_chars.max(literals.longest.min(NEAR_CHARS));
        let edits_below = |room: usize| (room * longest - 1) / WHOLE;
        let Some(mut left) = room(self) else {
            return;
        };
        let most = edits_below(left);
        // within no edit, only the exact child (unless another differs from it in case only)
        if most == 0 && !literals.capitals {
            return;
        }
        literals.names().walk(want, most, |name, distance, chars| {
            let child = &literals.children[name];
            let spelling = WHOLE * distance / want_chars.max(chars);
            // the equal literal is the exact child, offered already
            if spelling < left && !exact.is_some_and(|exact| std::ptr::eq(exact, &child.node)) {
                // one in another case (of a case-sensitive route) is nearest of all
                self.offer(cost + spelling.max(1), &child.node);
                left = room(self)?;
            }
            Some(edits_below(left))
        });
    }
}

/// The path without a trailing slash or `.json` suffix.
fn trim_path(path: &str) -> &str {
    let mut path = path;
    if path.len() > 1 && path.ends_with('/') {
        path = &path[..path.len() - 1];
    }
    if let Some(stripped) = path.strip_suffix(".json") {
        if !stripped.ends_with('/') && !stripped.is_empty() {
            path = stripped;
        }
    }
    path
}

/// The path's segments as written. (Split by hand: `str::split` looks for a char with a
/// `memchr` call per segment, which costs more than reading a short segment's bytes.)
fn raw_segments(path: &str) -> impl Iterator<Item = &str> {
    let mut rest = Some(path.strip_prefix('/').unwrap_or(path));
    std::iter::from_fn(move || {
        let segment = rest?;
        match segment.bytes().position(|b| b == b'/') {
            Some(end) => {
                rest = Some(&segment[end + 1..]);
                Some(&segment[..end])
            }
            None => {
                rest = None;
                Some(segment)
            }
        }
    })
}

/// The decoded segments of a request path, trailing slash and `.json` suffix removed.
pub fn split_path(path: &str) -> Vec<Cow<'_, str>> {
    raw_segments(trim_path(path))
        .map(|s| percent_decode(s, false))
        .collect()
}

/// The route matching `segments` in the trie under `node`, with the positions (as bits) of
/// the segments bound to its parameters.
fn find_route<S: AsRef<str>>(
    node: &Node,
    segments: &[S],
    method: &str,
    allowed: &mut Vec<usize>,
) -> Option<(usize, u64)> {
    let mut positions = 0;
    find(node, segments, 0, method, &mut positions, allowed).map(|route| (route, positions))
}

/// Depth-first walk, literal before parameter; `positions` collects (as bits) the indices of
/// the segments bound to parameters. Routes that match the path with another method go to
/// `allowed`.
fn find<S: AsRef<str>>(
    node: &Node,
    segments: &[S],
    depth: usize,
    method: &str,
    positions: &mut u64,
    allowed: &mut Vec<usize>,
) -> Option<usize> {
    let Some(segment) = segments.get(depth) else {
        if let Some((_, route)) = node.routes.iter().find(|(m, _)| &**m == method) {
            return Some(*route);
        }
        allowed.extend(node.routes.iter().map(|(_, r)| *r));
        return None;
    };
    let segment = segment.as_ref();
    if let Some(next) = node.literals.get(segment) {
        if let Some(route) = find(next, segments, depth + 1, method, positions, allowed) {
            return Some(route);
        }
    }
    if let Some(next) = &node.param {
        // A parameter matches one non-empty segment, or an empty one where the docs show it.
        if !segment.is_empty() || next.blank {
            *positions |= 1 << depth;
            if let Some(route) = find(next, segments, depth + 1, method, positions, allowed) {
                return Some(route);
            }
            *positions &= !(1 << depth);
        }
    }
    None
}

/// Decode `%XX` escapes (and `+` as a space in query strings); invalid escapes stay as written.
pub fn percent_decode(text: &str, plus_as_space: bool) -> Cow<'_, str> {
    if !(text.contains('%') || plus_as_space && text.contains('+')) {
        return Cow::Borrowed(text);
    }
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'%' if i + 2 < bytes.len() => {
                let hex = |b: u8| (b as char).to_digit(16);
                match (hex(bytes[i + 1]), hex(bytes[i + 2])) {
                    (Some(hi), Some(lo)) => {
                        out.push((hi * 16 + lo) as u8);
                        i += 3;
                    }
                    _ => {
                        out.push(b'%');
                        i += 1;
                    }
                }
            }
            b'+' if plus_as_space => {
                out.push(b' ');
                i += 1;
            }
            b => {
                out.push(b);
                i += 1;
            }
        }
    }
    Cow::Owned(String::from_utf8_lossy(&out).into_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn matcher(routes: &[(&str, &str, bool)]) -> Matcher {
        let mut m = Matcher::default();
        for (i, (method, route, ci)) in routes.iter().enumerate() {
            m.insert(method, &RouteTemplate::parse(route), *ci, i);
        }
        m
    }

    #[test]
    fn the_closest_routes_are_found_by_spelling_by_a_missing_segment_and_by_method() {
        let m = matcher(&[
            ("GET", "/a/{id}/responses", false),
            ("GET", "/a/{id}/subscriptions", false),
            ("POST", "/a/{id}/responses", false),
            ("GET", "/b", false),
        ]);
        // `subscriptions` is not near `respons` (most of it would be edits): the same route
        // with another method is nearer
        assert_eq!(m.closest("GET", "/a/7/respons", 3), [0, 2, 1]);
        assert_eq!(m.closest("GET", "/a/7", 1), [0]);
        assert_eq!(m.closest("GET", "/b/c", 1), [3]);
        assert_eq!(m.closest("POST", "/a/7/responses", 1), [2]);
        // segments are weighed decoded
        assert_eq!(m.closest("GET", "/%61/7/respon%73", 3), [0, 2, 1]);
    }

    #[test]
    fn among_thousands_of_siblings_the_misspelt_one_is_weighed_wherever_it_is_documented() {
        // 3,000 resources under one node: the misspelt one is documented late (2,777th); the
        // search walks the names' trie down the segment's own chars first, so it is found
        // wherever it is misspelt
        let routes: Vec<String> = (0..3000).map(|k| format!("/wide/name{k}/items")).collect();
        let routes: Vec<(&str, &str, bool)> =
            routes.iter().map(|r| ("GET", r.as_str(), false)).collect();
        let m = matcher(&routes);
        assert_eq!(m.closest("GET", "/wide/name2777x/items", 1), [2777]);
        assert_eq!(m.closest("GET", "/wide/Name2777s/items", 1), [2777]);
        // a name before every other in name order, and one after every other
        assert_eq!(m.closest("GET", "/wide/name0x/items", 1), [0]);
        assert_eq!(m.closest("GET", "/wide/name999z/items", 1), [999]);
        // misspelt in its first chars
        assert_eq!(m.closest("GET", "/wide/nmae2777/items", 1), [2777]);
        assert_eq!(m.closest("GET", "/wide/xame2777/items", 1), [2777]);
        assert_eq!(m.closest("GET", "/wide/ame2777/items", 1), [2777]);
    }

    #[test]
    fn a_misspelt_literal_is_found_among_many_siblings_and_another_case_is_nearest() {
        // fifty resources under one node, declared in doc order: the misspelt one is the
        // forty-second, and the search weighs every one of them
        let resources: Vec<String> = (0..50).map(|i| format!("resource{i}")).collect();
        let mut routes: Vec<(&str, String, bool)> = resources
            .iter()
            .map(|r| ("GET", format!("/api/{r}/{{id}}"), false))
            .collect();
        routes.push(("GET", "/api/Subscriptions".into(), false));
        let mut m = Matcher::default();
        for (i, (method, route, ci)) in routes.iter().enumerate() {
            m.insert(method, &RouteTemplate::parse(route), *ci, i);
        }
        assert_eq!(m.closest("GET", "/api/resourse41/7", 1), [41]);
        assert_eq!(m.closest("GET", "/api/rsource41/7", 1), [41]);
        // a case-sensitive route asked in another case: nearer than any misspelling
        assert_eq!(m.lookup("GET", "/api/subscriptions"), Lookup::NotFound);
        assert_eq!(m.closest("GET", "/api/subscriptions", 1), [50]);
    }

    /// The closest-route search without its bounds: every candidate of a segment kept,
    /// sorted, cut; every literal compared in full (with `strsim`), in the order a walk of the
    /// names' trie finds them.
    fn closest_by_sorting_everything(
        m: &Matcher,
        method: &str,
        path: &str,
        n: usize,
    ) -> Vec<usize> {
        let segments: Vec<String> = split_path(path)
            .iter()
            .take(MAX_SEGMENTS)
            .map(|s| s.to_ascii_lowercase())
            .collect();
        let mut beam: Vec<(usize, &Node)> = vec![(0, &m.exact)];
        if m.has_case_insensitive {
            beam.push((0, &m.case_insensitive));
        }
        for segment in &segments {
            let mut next: Vec<(usize, &Node)> = Vec::new();
            for &(cost, node) in &beam {
                if let Some(child) = node.literals.get(segment) {
                    next.push((cost, child));
                }
                if let Some(child) = &node.param {
                    next.push((cost, child));
                }
                let children = &node.literals.children;
                let by_walk = node.literals.names().order(segment).into_iter();
                let by_walk =
                    by_walk.map(|i| (children[i].key.to_ascii_lowercase(), &children[i].node));
                for (have, child) in by_walk {
                    let counts = [segment.chars().count(), have.chars().count()];
                    let exact = node
                        .literals
                        .get(segment)
                        .is_some_and(|e| std::ptr::eq(e, child));
                    if exact || !counts.iter().all(|c| (1..=NEAR_CHARS).contains(c)) {
                        continue;
                    }
                    let spelling =
                        WHOLE * strsim::levenshtein(segment, &have) / counts[0].max(counts[1]);
                    if spelling < NEAR {
                        next.push((cost + spelling.max(1), child));
                    }
                }
                next.push((cost + WHOLE, node));
            }
            next.sort_by_key(|(cost, _)| *cost);
            next.truncate(BEAM);
            beam = next;
        }
        let mut found: Vec<(usize, usize)> = Vec::new();
        for &(cost, node) in &beam {
            let children = node.literals.children.iter().map(|c| &c.node);
            let ends = std::iter::once((cost, node)).chain(
                children
                    .take(MORE_CHILDREN)
                    .chain(node.param.as_deref())
                    .map(|c| (cost + WHOLE, c)),
            );
            for (cost, node) in ends {
                for (route_method, route) in &node.routes {
                    let other = if route_method.eq_ignore_ascii_case(method) {
                        0
                    } else {
                        WHOLE / 2
                    };
                    found.push((cost + other, *route));
                }
            }
        }
        found.sort_unstable();
        let mut routes: Vec<usize> = Vec::new();
        for (_, route) in found {
            if !routes.contains(&route) {
                routes.push(route);
            }
            if routes.len() == n {
                break;
            }
        }
        routes
    }

    #[test]
    fn the_bounded_beam_finds_what_sorting_every_candidate_found() {
        let (m, _) = reference_matcher();
        let paths = [
            "/gen/v1/area42/7/itemz4242",
            "/gen/v1/area4/7/items44",
            "/gen/v2/aera7/7/items5",
            "/gen/v0/area1/x",
            "/gen/v0/area1/x/items1/more",
            "/gen",
            "/",
            "/zzz",
            "/api/v1/dossiers/7/respons",
            "/api/v1/dossiers/7/subscriptions",
            "/api/v1/patients/1/form",
            "/api/v1/ARZTE/1",
            "/api/v1/%C3%A4rzt/1",
            "/wide/name77x/7",
            "/wide/nmae120/7",
            "/wide/NAME149/7/x",
            "/wide/a/7",
            "/wide/zzz/7",
        ];
        for path in paths {
            assert_closest_as_by_sorting_everything(&m, path);
        }
    }

    #[test]
    fn misspelt_documented_paths_find_what_sorting_every_candidate_found() {
        // each route's example path with a char replaced, dropped, doubled or two swapped,
        // at places a fixed-seed generator picks
        let (m, routes) = reference_matcher();
        let mut seed: u64 = 0x9e37_79b9_7f4a_7c15;
        let mut next = |below: usize| {
            seed = seed.wrapping_mul(6_364_136_223_846_793_005).wrapping_add(1);
            (seed >> 33) as usize % below
        };
        for (_, route, _) in routes.iter().step_by(7) {
            let mut path: Vec<char> = route
                .replace("{id}", "7")
                .replace("{patientId}", "1")
                .chars()
                .collect();
            for _ in 0..1 + next(2) {
                let at = 1 + next(path.len() - 1);
                match next(4) {
                    0 => path[at] = ['x', 'e', '4', 'A'][next(4)],
                    1 if path.len() > 2 => drop(path.remove(at)),
                    2 => path.insert(at, path[at]),
                    _ if at + 1 < path.len() => path.swap(at, at + 1),
                    _ => {}
                }
            }
            assert_closest_as_by_sorting_everything(&m, &path.into_iter().collect::<String>());
        }
    }

    /// The benchmark's shape (wide nodes, a parameter, near names) plus mixed-case literals
    /// and ASP.NET routes.
    fn reference_matcher() -> (Matcher, Vec<(String, String, bool)>) {
        let mut routes: Vec<(String, String, bool)> = Vec::new();
        for n in 0..600 {
            let route = format!("/gen/v{}/area{}/{{id}}/items{n}", n % 3, n % 20);
            routes.push(("GET".into(), route, false));
        }
        // a wide node
        for k in 0..150 {
            routes.push(("GET".into(), format!("/wide/Name{k}/{{id}}"), false));
        }
        for (method, route, ci) in [
            ("GET", "/api/v1/dossiers/{id}/responses", false),
            ("POST", "/api/v1/dossiers/{id}/responses", false),
            ("GET", "/api/v1/dossiers/{id}/Subscriptions", false),
            ("POST", "/API/V1/Patients/{patientId}/Forms", true),
            ("GET", "/api/v1/ärzte/{id}", false),
        ] {
            routes.push((method.into(), route.into(), ci));
        }
        let mut m = Matcher::default();
        for (i, (method, route, ci)) in routes.iter().enumerate() {
            m.insert(method, &RouteTemplate::parse(route), *ci, i);
        }
        (m, routes)
    }

    fn assert_closest_as_by_sorting_everything(m: &Matcher, path: &str) {
        for method in ["GET", "POST"] {
            for n in [1, 3, 10] {
                assert_eq!(
                    m.closest(method, path, n),
                    closest_by_sorting_everything(m, method, path, n),
                    "{method} {path} {n}"
                );
            }
        }
    }

    #[test]
    fn literal_segments_beat_parameters_and_the_walk_backtracks() {
        let m = matcher(&[
            ("GET", "/a/{id}/b", false),
            ("GET", "/a/new/c", false),
            ("GET", "/a/new", false),
        ]);
        assert_eq!(
            m.lookup("GET", "/a/new"),
            Lookup::Found {
                route: 2,
                values: vec![]
            }
        );
        assert_eq!(
            m.lookup("GET", "/a/new/b"),
            Lookup::Found {
                route: 0,
                values: vec!["new".into()]
            }
        );
        assert_eq!(
            m.lookup("GET", "/a/7/b/"),
            Lookup::Found {
                route: 0,
                values: vec!["7".into()]
            }
        );
        assert_eq!(m.lookup("GET", "/a/7/b.json"), m.lookup("GET", "/a/7/b"));
        assert_eq!(m.lookup("GET", "/a//b"), Lookup::NotFound);
    }

    #[test]
    fn a_parameter_matches_an_empty_segment_only_where_a_case_documents_one() {
        let mut m = matcher(&[("GET", "/a/{id}/b", false), ("GET", "/c/{id}/d", false)]);
        m.accept_blank(&RouteTemplate::parse("/a/{id}/b"), false, 1);
        assert_eq!(
            m.lookup("GET", "/a//b"),
            Lookup::Found {
                route: 0,
                values: vec!["".into()]
            }
        );
        assert_eq!(m.lookup("GET", "/c//d"), Lookup::NotFound);
    }

    #[test]
    fn another_method_on_a_known_path_is_not_allowed() {
        let m = matcher(&[("GET", "/a/{id}", false), ("DELETE", "/a/{id}", false)]);
        assert_eq!(
            m.lookup("POST", "/a/1"),
            Lookup::MethodNotAllowed { routes: vec![0, 1] }
        );
        assert_eq!(m.lookup("POST", "/b/1"), Lookup::NotFound);
    }

    #[test]
    fn aspnet_routes_match_in_any_case_and_keep_the_value_case() {
        let m = matcher(&[("POST", "/API/V1/Patients/{patientId}/Forms", true)]);
        assert_eq!(
            m.lookup("POST", "/api/v1/patients/AbC/forms"),
            Lookup::Found {
                route: 0,
                values: vec!["AbC".into()]
            }
        );
    }

    #[test]
    fn aspnet_routes_are_found_whatever_starts_them() {
        // a case-insensitive root with a parameter, one with literals only, one indexed
        let mut routes = vec![
            ("GET", "/{Tenant}/Items".to_string(), true),
            ("POST", "/plain".to_string(), false),
        ];
        let build = |routes: &[(&str, String, bool)]| {
            let routes: Vec<_> = routes
                .iter()
                .map(|(m, r, ci)| (*m, r.as_str(), *ci))
                .collect();
            matcher(&routes)
        };
        let param_first = build(&routes);
        routes[0].1 = "/Api/Values".to_string();
        let literals_first = build(&routes);
        routes.extend((0..12).map(|i| ("GET", format!("/Wide{i}/X"), true)));
        let wide = build(&routes);
        let found = |route| Lookup::Found {
            route,
            values: vec![],
        };
        assert_eq!(
            param_first.lookup("GET", "/ACME/items"),
            Lookup::Found {
                route: 0,
                values: vec!["ACME".into()]
            }
        );
        assert_eq!(literals_first.lookup("GET", "/API/values"), found(0));
        assert_eq!(wide.lookup("GET", "/api/VALUES"), found(0));
        assert_eq!(wide.lookup("GET", "/WIDE11/x"), found(13));
        // a path no case-insensitive route starts like: the exact routes alone decide
        for m in [&param_first, &literals_first, &wide] {
            let not_allowed = Lookup::MethodNotAllowed { routes: vec![1] };
            assert_eq!(m.lookup("GET", "/plain"), not_allowed);
            assert_eq!(m.lookup("GET", "/nothing/here/at/all"), Lookup::NotFound);
        }
    }

    #[test]
    fn a_path_splits_into_its_segments_as_written() {
        for path in [
            "",
            "/",
            "//",
            "/a",
            "a/b",
            "/a//b/",
            "/é/日本/🦀",
            "/a/b/c",
            "///x",
        ] {
            let by_str: Vec<&str> = path.strip_prefix('/').unwrap_or(path).split('/').collect();
            assert_eq!(raw_segments(path).collect::<Vec<_>>(), by_str, "{path:?}");
        }
    }

    #[test]
    fn wide_nodes_are_indexed_and_very_deep_paths_match_nothing() {
        let routes: Vec<(String, String, bool)> = (0..50)
            .map(|i| ("GET".to_string(), format!("/r{i}/{{id}}"), false))
            .collect();
        let mut m = Matcher::default();
        for (i, (method, route, ci)) in routes.iter().enumerate() {
            m.insert(method, &RouteTemplate::parse(route), *ci, i);
        }
        assert_eq!(
            m.lookup("GET", "/r42/x"),
            Lookup::Found {
                route: 42,
                values: vec!["x".into()]
            }
        );
        assert_eq!(m.lookup("GET", "/r50/x"), Lookup::NotFound);
        assert_eq!(m.lookup("GET", &"/r1".repeat(100)), Lookup::NotFound);
        assert_eq!(m.lookup("GET", &"/r%31".repeat(100)), Lookup::NotFound);
    }

    #[test]
    fn escapes_are_decoded_and_broken_ones_kept() {
        assert_eq!(percent_decode("a%20b", false), "a b");
        assert_eq!(percent_decode("a+b%2", true), "a b%2");
        assert_eq!(percent_decode("%zz%", false), "%zz%");
        assert_eq!(percent_decode("%C3%A9", false), "é");
    }
}
