//! Route lookup: a request's method and path in, the documented route it names out.
//!
//! Routes live in a segment trie (one trie for case-sensitive routes, one with lower-cased
//! literals for ASP.NET routes), so a lookup walks as many nodes as the path has segments
//! whatever the number of routes. At each node a literal segment is tried before a parameter,
//! which makes the most specific route win; the walk backtracks to the parameter branch when
//! the literal branch leads nowhere.

use crate::fixture::{RouteTemplate, Segment};
use std::borrow::Cow;
use std::collections::HashMap;
use std::sync::OnceLock;

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
    /// A wide node's children in the order of their names (ASCII lower-cased), sorted at its
    /// first near-miss search.
    by_name: OnceLock<Box<[u32]>>,
}

#[derive(Debug)]
struct Child {
    key: Box<str>,
    shape: Shape,
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

    /// The children a near-miss search for `segment` (lower-cased) weighs, in order: all of
    /// them in doc order, up to [`NEAR_CHILDREN`]; of a wider node the [`NEAR_CHILDREN`]
    /// nearest `segment` in name order, from where it would stand outwards, alternating after
    /// and before it: a name misspelt towards its end is among them, wherever it is
    /// documented.
    fn near(&self, segment: &str) -> Near<'_> {
        let count = self.children.len().min(NEAR_CHILDREN);
        if self.children.len() <= NEAR_CHILDREN {
            return Near::new(&self.children, None, 0, count);
        }
        let lower = |i: &u32| {
            self.children[*i as usize]
                .key
                .bytes()
                .map(|b| b.to_ascii_lowercase())
        };
        let by_name = self.by_name.get_or_init(|| {
            let mut order: Vec<u32> = (0..self.children.len() as u32).collect();
            order.sort_unstable_by(|a, b| lower(a).cmp(lower(b)));
            order.into()
        });
        let at = by_name.partition_point(|i| lower(i).lt(segment.bytes()));
        Near::new(&self.children, Some(by_name), at, count)
    }

    fn entry(&mut self, key: Box<str>) -> &mut Node {
        let found = match &self.index {
            Some(index) => index.get(&key).copied(),
            None => self.children.iter().position(|c| c.key == key),
        };
        let i = match found {
            Some(i) => i,
            None => {
                let shape = Shape::of(&key);
                self.by_name = OnceLock::new();
                self.longest = self.longest.max(shape.len);
                self.capitals |= key.bytes().any(|b| b.is_ascii_uppercase());
                self.children.push(Child {
                    key: key.clone(),
                    shape,
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

/// The children [`Literals::near`] gives: in doc order, or outwards from a place in name order.
struct Near<'a> {
    children: &'a [Child],
    by_name: Option<&'a [u32]>,
    /// In name order, the next child after the place is `by_name[after]`, the next before it
    /// `by_name[before - 1]`; in doc order `children[after]`.
    after: usize,
    before: usize,
    left: usize,
    /// Take the next one from after the place?
    from_after: bool,
}

impl<'a> Near<'a> {
    fn new(children: &'a [Child], by_name: Option<&'a [u32]>, at: usize, left: usize) -> Near<'a> {
        Near {
            children,
            by_name,
            after: at,
            before: at,
            left,
            from_after: true,
        }
    }
}

impl<'a> Iterator for Near<'a> {
    type Item = &'a Child;

    fn next(&mut self) -> Option<&'a Child> {
        self.left = self.left.checked_sub(1)?;
        let Some(by_name) = self.by_name else {
            self.after += 1;
            return self.children.get(self.after - 1);
        };
        let after = self.before == 0 || (self.from_after && self.after < by_name.len());
        self.from_after = !self.from_after;
        let i = if after {
            self.after += 1;
            by_name.get(self.after - 1)?
        } else {
            self.before -= 1;
            &by_name[self.before]
        };
        self.children.get(*i as usize)
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
        if self.has_case_insensitive {
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
/// How many literal children of one node the closest-route search weighs by spelling (an
/// exact child is always found through the node's index): each first by a bound from its
/// length and its chars, by edit distance only when that bound lets it into the beam. Keeps a
/// 404 as cheap with 10,000 routes as with ten.
const NEAR_CHILDREN: usize = 64;
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
    /// A 404 runs this, so it allocates only its answer and a few small lists, and compares a
    /// near literal only as far as it could still enter the beam.
    pub fn closest(&self, method: &str, path: &str, n: usize) -> Vec<usize> {
        let mut beam = Beam::new(&self.exact);
        beam.offer(0, &self.exact);
        if self.has_case_insensitive {
            beam.offer(0, &self.case_insensitive);
        }
        let mut want = Want::default();
        for raw in raw_segments(trim_path(path)).take(MAX_SEGMENTS) {
            want.set(&percent_decode(raw, false));
            beam = beam.step(&want);
        }
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
        if cost >= self.limit() {
            return;
        }
        let at = self.entries().partition_point(|&(c, _)| c <= cost);
        if self.len < BEAM {
            self.len += 1;
        }
        self.entries.copy_within(at..self.len - 1, at + 1);
        self.entries[at] = (cost, node);
    }

    /// The beam one request segment further down the trie.
    fn step(&self, want: &Want) -> Beam<'t> {
        let segment = want.text.as_str();
        let mut next = Beam::new(self.entries[0].1);
        for &(cost, node) in self.entries() {
            let exact = node.literals.get(segment);
            if let Some(child) = exact {
                next.offer(cost, child);
            }
            if let Some(child) = &node.param {
                next.offer(cost, child);
            }
            let literals = &node.literals;
            // what the nearest child other than the exact one can cost, at best
            let one_edit = match literals.capitals {
                true => 1,
                false => WHOLE / want.shape.len.max(literals.longest).max(1),
            };
            for child in literals.near(segment) {
                // the beam only gets dearer to enter: once no child can, none will
                let Some(room) = next
                    .limit()
                    .checked_sub(cost)
                    .filter(|&room| room > one_edit)
                else {
                    break;
                };
                // the equal literal is the exact child, offered above
                if exact.is_some_and(|exact| std::ptr::eq(exact, &child.node)) {
                    continue;
                }
                let room = room.min(NEAR);
                if let Some(spelling) = spelling_cost_below(want, &child.key, child.shape, room) {
                    // one in another case (of a case-sensitive route) is nearest of all
                    next.offer(cost + spelling.max(1), &child.node);
                }
            }
            // The path has a segment the route does not.
            next.offer(cost + WHOLE, node);
        }
        next
    }
}

/// A literal replaced by another: its edit distance relative to the longer one, so `respons`
/// is close to `responses`; `None` when that is not below `limit`.
#[inline]
fn spelling_cost_below(want: &Want, have: &str, shape: Shape, limit: usize) -> Option<usize> {
    let longest = want.shape.len.max(shape.len).max(1);
    // WHOLE * distance / longest < limit exactly when WHOLE * distance < limit * longest.
    let most = limit.saturating_mul(longest).checked_sub(1)? / WHOLE;
    // most literals are ruled out here, by their shapes, before any distance is computed
    if want.shape.needs_more_edits(shape, most) {
        return None;
    }
    let distance = distance_within(want, have, shape.len, most)?;
    Some(WHOLE * distance / longest)
}

/// What bounds the edit distance of two names from below, cheaply: their lengths, and which
/// chars each has.
#[derive(Debug, Clone, Copy, Default)]
struct Shape {
    /// The length in chars.
    len: usize,
    /// The chars (ASCII lower-cased), one bit per char modulo 64.
    chars: u64,
}

impl Shape {
    fn of(text: &str) -> Shape {
        let bit = |c: u32| 1u64 << (c % 64);
        // ASCII (most names) read byte by byte, without decoding chars
        if text.is_ascii() {
            let chars = text
                .bytes()
                .fold(0, |bits, b| bits | bit(u32::from(b.to_ascii_lowercase())));
            return Shape {
                len: text.len(),
                chars,
            };
        }
        let chars = text
            .chars()
            .fold(0, |bits, c| bits | bit(u32::from(c.to_ascii_lowercase())));
        Shape {
            len: text.chars().count(),
            chars,
        }
    }

    /// Does turning one name into the other take more than `most` edits, judged by their
    /// shapes? It takes one per char of length, and one per char (bit) one has and the other
    /// lacks, as no edit removes or brings more than one char.
    #[inline]
    fn needs_more_edits(self, other: Shape, most: usize) -> bool {
        self.len.abs_diff(other.len) > most
            || more_bits_than(self.chars & !other.chars, most)
            || more_bits_than(other.chars & !self.chars, most)
    }
}

/// Has `bits` more than `most` bits set? (Without a popcount instruction in the baseline
/// x86-64 target, counting all 64 costs more than clearing the few that matter.)
#[inline]
fn more_bits_than(mut bits: u64, most: usize) -> bool {
    for _ in 0..=most {
        if bits == 0 {
            return false;
        }
        bits &= bits - 1;
    }
    true
}

/// A request segment (lower-cased) prepared for comparing with many literals; one per
/// search, set to each segment in turn.
struct Want {
    text: String,
    shape: Shape,
    /// For an ASCII segment of at most 64 bytes (`bits`): for each byte value, the positions
    /// where the segment has it, as bits.
    positions: [u64; 128],
    bits: bool,
}

impl Default for Want {
    fn default() -> Want {
        Want {
            text: String::new(),
            shape: Shape::default(),
            positions: [0; 128],
            bits: false,
        }
    }
}

impl Want {
    #[cfg(test)]
    fn new(text: &str) -> Want {
        let mut want = Want::default();
        want.set(text);
        want
    }

    /// Prepare `segment`, clearing only what the last one set.
    fn set(&mut self, segment: &str) {
        if self.bits {
            for byte in self.text.bytes() {
                self.positions[usize::from(byte)] = 0;
            }
        }
        self.text.clear();
        self.text.push_str(segment);
        self.text.make_ascii_lowercase();
        self.shape = Shape::of(&self.text);
        self.bits = self.text.is_ascii() && self.text.len() <= 64;
        if self.bits {
            for (i, byte) in self.text.bytes().enumerate() {
                self.positions[usize::from(byte)] |= 1 << i;
            }
        }
    }
}

/// The Levenshtein distance of `want` and `have` (`have_len` chars) in chars, ASCII letters
/// compared without case (as `strsim::levenshtein` of both lower-cased), or `None` as soon
/// as it must exceed `most`.
fn distance_within(want: &Want, have: &str, have_len: usize, most: usize) -> Option<usize> {
    // Each char more in one name is one edit at least.
    if want.shape.len.abs_diff(have_len) > most {
        return None;
    }
    if want.bits && have.is_ascii() {
        bit_distance_within(want, have.as_bytes(), most)
    } else {
        row_distance_within(&want.text, have, have_len, most)
    }
}

/// Myers' bit-parallel Levenshtein distance, as Hyyrö formulates it for two whole strings:
/// the column of distances to each prefix of `want` (ASCII, at most 64 bytes) is kept as two
/// bit sets of +1 and −1 steps and advanced one byte of `b` (ASCII) at a time in a few word
/// operations. A shared prefix and suffix take no edits, so only what lies between is read.
fn bit_distance_within(want: &Want, b: &[u8], most: usize) -> Option<usize> {
    // `want` is lower-cased already (indexing, not zipped iterators: this runs per literal)
    let a = want.text.as_bytes();
    let same = |x: u8, y: u8| x == y.to_ascii_lowercase();
    let shorter = a.len().min(b.len());
    let mut prefix = 0;
    while prefix < shorter && same(a[prefix], b[prefix]) {
        prefix += 1;
    }
    let (a, b) = (&a[prefix..], &b[prefix..]);
    let shorter = shorter - prefix;
    let mut suffix = 0;
    while suffix < shorter && same(a[a.len() - 1 - suffix], b[b.len() - 1 - suffix]) {
        suffix += 1;
    }
    let (len, b) = (a.len() - suffix, &b[..b.len() - suffix]);
    if len == 0 {
        return Some(b.len()).filter(|&distance| distance <= most);
    }
    let last = 1u64 << (len - 1);
    let (mut plus, mut minus) = (u64::MAX, 0u64);
    let mut distance = len;
    for (j, &byte) in b.iter().enumerate() {
        // `len` > 0 here, so `prefix` < 64.
        let equal = want.positions[usize::from(byte.to_ascii_lowercase() & 0x7f)] >> prefix;
        let vertical = equal | minus;
        let horizontal = ((equal & plus).wrapping_add(plus) ^ plus) | equal;
        let mut up = minus | !(horizontal | plus);
        let mut down = plus & horizontal;
        // up and down never share a bit
        distance = distance + usize::from(up & last != 0) - usize::from(down & last != 0);
        up = (up << 1) | 1;
        down <<= 1;
        plus = down | !(vertical | up);
        minus = up & vertical;
        // Each byte of `b` left takes one edit off at most.
        if distance.saturating_sub(b.len() - j - 1) > most {
            return None;
        }
    }
    Some(distance).filter(|&distance| distance <= most)
}

/// Names up to this many chars are compared without allocating.
const SHORT: usize = 64;

/// The same distance for any names: one row of the edit-distance table at a time, on the
/// stack for names up to [`SHORT`] chars.
fn row_distance_within(a: &str, b: &str, b_len: usize, most: usize) -> Option<usize> {
    let mut stack = [0usize; SHORT + 1];
    let mut heap = Vec::new();
    let row = if b_len <= SHORT {
        &mut stack[..=b_len]
    } else {
        heap.resize(b_len + 1, 0);
        &mut heap[..]
    };
    // row[j]: the distance of the part of `a` read so far and the first j chars of `b`.
    for (j, cell) in row.iter_mut().enumerate() {
        *cell = j;
    }
    for (i, ca) in a.chars().enumerate() {
        let ca = ca.to_ascii_lowercase();
        let mut diagonal = row[0];
        row[0] = i + 1;
        let mut least = row[0];
        for (j, cb) in b.chars().enumerate() {
            let replace = diagonal + usize::from(ca != cb.to_ascii_lowercase());
            diagonal = row[j + 1];
            row[j + 1] = replace.min(diagonal + 1).min(row[j] + 1);
            least = least.min(row[j + 1]);
        }
        // A row never gets cheaper further down.
        if least > most {
            return None;
        }
    }
    Some(row[b_len]).filter(|&distance| distance <= most)
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

fn raw_segments(path: &str) -> std::str::Split<'_, char> {
    path.strip_prefix('/').unwrap_or(path).split('/')
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
    }

    #[test]
    fn among_thousands_of_siblings_the_misspelt_one_is_weighed_wherever_it_is_documented() {
        // 3,000 resources under one node: the misspelt one is documented late (2,777th), far
        // past the first 64; the search weighs the 64 nearest it in name order, where a name
        // misspelt towards its end stands (one misspelt in its first chars stands elsewhere)
        let routes: Vec<String> = (0..3000).map(|k| format!("/wide/name{k}/items")).collect();
        let routes: Vec<(&str, &str, bool)> =
            routes.iter().map(|r| ("GET", r.as_str(), false)).collect();
        let m = matcher(&routes);
        assert_eq!(m.closest("GET", "/wide/name2777x/items", 1), [2777]);
        assert_eq!(m.closest("GET", "/wide/Name2777s/items", 1), [2777]);
        // a name before every other in name order, and one after every other
        assert_eq!(m.closest("GET", "/wide/name0x/items", 1), [0]);
        assert_eq!(m.closest("GET", "/wide/name999z/items", 1), [999]);
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

    /// Names with and without case, non-ASCII chars, empty ones and ones too long for the
    /// stack row.
    const NAMES: &[&str] = &[
        "",
        "a",
        "responses",
        "Respons",
        "RESPONSES",
        "subscriptions",
        "protocol_subscriptions",
        "itemz4242",
        "items4222",
        "Ärzte",
        "ärzte",
        "straße",
        "STRASSE",
        "日本語",
        "日本",
        "🦀crab",
        "crab🦀",
        "kitten",
        "sitting",
        "items4200",
        "ITEMS4242",
        "itemsitems",
        "abcabcabc",
        "cbacbacba",
    ];

    /// Names around the 64 bytes a bit set holds, and longer.
    fn long_names() -> [String; 5] {
        [
            "ab".repeat(40),
            format!("{}x", "AB".repeat(39)),
            "ab".repeat(32),
            format!("{}a", "ba".repeat(32)),
            format!("{}é", "ab".repeat(31)),
        ]
    }

    /// Every ordered pair of [`NAMES`] and [`long_names`].
    fn name_pairs() -> Vec<(String, String)> {
        let names: Vec<String> = NAMES
            .iter()
            .map(|s| s.to_string())
            .chain(long_names())
            .collect();
        let pairs = names.iter().flat_map(|a| names.iter().map(move |b| (a, b)));
        pairs.map(|(a, b)| (a.clone(), b.clone())).collect()
    }

    /// The distance of `a` and `b` both ways: the bit-parallel one where it applies (ASCII,
    /// `a` up to 64 bytes), and the row by row one, which must agree.
    fn distance(a: &str, b: &str, most: usize) -> Option<usize> {
        let want = Want::new(a);
        let found = distance_within(&want, b, b.chars().count(), most);
        if a.chars().count().abs_diff(b.chars().count()) <= most {
            assert_eq!(
                row_distance_within(a, b, b.chars().count(), most),
                found,
                "{a} {b} {most}"
            );
        }
        found
    }

    #[test]
    fn the_distance_is_strsims_levenshtein_of_the_ascii_lower_cased_names() {
        for (a, b) in name_pairs() {
            let (a, b) = (a.as_str(), b.as_str());
            let expected = strsim::levenshtein(&a.to_ascii_lowercase(), &b.to_ascii_lowercase());
            assert_eq!(distance(a, b, usize::MAX), Some(expected), "{a} {b}");
        }
    }

    #[test]
    fn the_distance_gives_up_exactly_when_it_exceeds_the_bound() {
        for (a, b) in name_pairs() {
            let (a, b) = (a.as_str(), b.as_str());
            let full = distance(a, b, usize::MAX).unwrap();
            for most in 0..full + 3 {
                let expected = (full <= most).then_some(full);
                assert_eq!(distance(a, b, most), expected, "{a} {b} {most}");
            }
        }
    }

    #[test]
    fn the_shape_bound_never_rules_out_a_name_within_the_distance() {
        for (a, b) in name_pairs() {
            let (a, b) = (a.as_str(), b.as_str());
            let distance = strsim::levenshtein(&a.to_ascii_lowercase(), &b.to_ascii_lowercase());
            for most in 0..distance + 3 {
                if Shape::of(a).needs_more_edits(Shape::of(b), most) {
                    assert!(distance > most, "{a} {b} {most}");
                }
            }
        }
        assert!(!more_bits_than(0b1011, 3));
        assert!(more_bits_than(0b1011, 2));
        assert!(!more_bits_than(0, 0));
        assert!(more_bits_than(u64::MAX, 63 - 1));
        assert!(!more_bits_than(u64::MAX, 64));
    }

    #[test]
    fn names_whose_lengths_differ_by_more_than_the_bound_are_not_compared() {
        // One char against eighty: 79 edits at least, so a bound of 78 answers at once.
        let long = "a".repeat(80);
        assert_eq!(distance_within(&Want::new("a"), &long, 80, 78), None);
        assert_eq!(distance_within(&Want::new("a"), &long, 80, 79), Some(79));
        assert_eq!(distance_within(&Want::new("日本語"), "日", 1, 1), None);
    }

    #[test]
    fn the_spelling_cost_is_the_relative_distance_when_below_the_limit() {
        let cost = |a: &str, b: &str| {
            let longest = a.chars().count().max(b.chars().count()).max(1);
            WHOLE * strsim::levenshtein(a, &b.to_ascii_lowercase()) / longest
        };
        for a in NAMES.iter().map(|a| a.to_ascii_lowercase()) {
            for b in NAMES {
                let full = cost(&a, b);
                for limit in [0, 1, full, full + 1, WHOLE, usize::MAX] {
                    let expected = (full < limit).then_some(full);
                    assert_eq!(
                        spelling_cost_below(&Want::new(&a), b, Shape::of(b), limit),
                        expected,
                        "{a} {b}"
                    );
                }
            }
        }
    }

    /// The closest-route search as it was before the beam was bounded while filling: every
    /// candidate of a segment kept, sorted, cut; every near literal compared in full.
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
                for Child {
                    key, node: child, ..
                } in node.literals.near(segment)
                {
                    if **key != **segment {
                        let have = key.to_ascii_lowercase();
                        let longest = segment.chars().count().max(have.chars().count()).max(1);
                        let spelling = WHOLE * strsim::levenshtein(segment, &have) / longest;
                        if spelling < NEAR {
                            next.push((cost + spelling.max(1), child));
                        }
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
        // The benchmark's shape (wide nodes, a parameter, near names) plus mixed-case literals
        // and ASP.NET routes.
        let mut routes: Vec<(String, String, bool)> = Vec::new();
        for n in 0..600 {
            let route = format!("/gen/v{}/area{}/{{id}}/items{n}", n % 3, n % 20);
            routes.push(("GET".into(), route, false));
        }
        // a node wider than the children weighed: they are the nearest in name order
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
            for method in ["GET", "POST"] {
                for n in [1, 3, 10] {
                    assert_eq!(
                        m.closest(method, path, n),
                        closest_by_sorting_everything(&m, method, path, n),
                        "{method} {path} {n}"
                    );
                }
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
