//! Names near a request segment. A route-trie node's literal names live in a trie of chars,
//! walked with a bit-parallel edit distance: names sharing a prefix share the work of that
//! prefix, and a branch is left as soon as no name below it can be near enough. A near-miss
//! search then costs about as much with 3 sibling names as with 3,000.

/// Names and segments of more chars than this are never near anything (they match exactly or
/// not at all): the distances of one name to every prefix of a segment fit in a machine word.
pub(super) const NEAR_CHARS: usize = 64;

/// How many trie nodes one walk visits at most, so that a walk through thousands of similar
/// names still costs a bounded amount; a walk rarely needs a tenth of this.
const VISITS: usize = 512;

/// A trie with at most this many children of its root is weighed whole before a walk starts
/// (a walk through a small node's names that finds none costs more than the weighing).
const SMALL: u32 = 8;

/// A request segment, ASCII lower-cased, prepared for walking name tries. One per thread,
/// set to each segment of each search in turn (it is a few kilobytes: made once, not per 404).
pub(super) struct Want {
    text: String,
    chars: usize,
    /// Are `each`, `positions` and `letters` filled for `text`?
    laid_out: bool,
    /// Its [`letters`].
    letters: u64,
    /// Its chars (up to [`NEAR_CHARS`]).
    each: [char; NEAR_CHARS],
    positions: Positions,
    /// A walk's path from the root of a trie.
    path: [Step; NEAR_CHARS + 1],
}

impl Default for Want {
    fn default() -> Want {
        Want {
            text: String::with_capacity(NEAR_CHARS),
            chars: 0,
            laid_out: false,
            letters: 0,
            each: ['\0'; NEAR_CHARS],
            positions: Positions::default(),
            path: [Step::default(); NEAR_CHARS + 1],
        }
    }
}

/// For each char of a segment, the positions where the segment has it, as bits.
struct Positions {
    ascii: [u64; 128],
    /// The other chars (rare).
    other: Vec<(char, u64)>,
}

impl Default for Positions {
    fn default() -> Positions {
        Positions {
            ascii: [0; 128],
            other: Vec::new(),
        }
    }
}

impl Positions {
    /// Where the segment has `c` (ASCII lower-cased already).
    fn of(&self, c: char) -> u64 {
        if c.is_ascii() {
            self.ascii[c as usize]
        } else {
            let found = self.other.iter().find(|(o, _)| *o == c);
            found.map_or(0, |(_, bits)| *bits)
        }
    }
}

impl Want {
    #[cfg(test)]
    pub(super) fn new(text: &str) -> Want {
        let mut want = Want::default();
        want.set(text);
        want
    }

    /// Take `segment`; its chars are laid out for walks at the first walk that needs them
    /// (most segments of a search meet no literal names, or only their exact one).
    pub(super) fn set(&mut self, segment: &str) {
        if self.laid_out {
            for byte in self.text.bytes().filter(u8::is_ascii) {
                self.positions.ascii[usize::from(byte)] = 0;
            }
            self.positions.other.clear();
            self.laid_out = false;
        }
        self.text.clear();
        self.text.push_str(segment);
        self.text.make_ascii_lowercase();
        self.chars = match self.text.is_ascii() {
            true => self.text.len(),
            false => self.text.chars().count(),
        };
    }

    /// Fill `each`, `positions` and `letters` for the segment (up to [`NEAR_CHARS`] chars),
    /// once.
    fn lay_out(&mut self) {
        if self.laid_out || self.chars > NEAR_CHARS {
            return;
        }
        self.laid_out = true;
        self.letters = 0;
        let positions = &mut self.positions;
        for (i, c) in self.text.chars().enumerate() {
            self.each[i] = c;
            self.letters |= letter(c);
            let bit = 1 << i;
            if c.is_ascii() {
                positions.ascii[c as usize] |= bit;
            } else if let Some((_, bits)) = positions.other.iter_mut().find(|(o, _)| *o == c) {
                *bits |= bit;
            } else {
                positions.other.push((c, bit));
            }
        }
    }

    /// The segment, ASCII lower-cased.
    pub(super) fn text(&self) -> &str {
        &self.text
    }

    /// Its length in chars.
    pub(super) fn chars(&self) -> usize {
        self.chars
    }
}

/// The names of a node's literal children, ASCII lower-cased, in a trie of chars where a run
/// of chars no name ends in or branches from is one node.
#[derive(Debug)]
pub(super) struct NameTrie {
    /// `nodes[0]` is the root (the empty prefix); each node's children are contiguous, in
    /// the order of their chars.
    nodes: Vec<TrieNode>,
    /// The nodes' runs of chars.
    runs: Vec<char>,
    /// The names (their indices among the children) ending at each node: several where names
    /// differ in case only, in the order they were given.
    ends: Vec<u32>,
}

#[derive(Debug, Clone, Copy)]
struct TrieNode {
    /// Its run: `runs[run.0..run.1]`.
    run: (u32, u32),
    /// Its children: `nodes[kids.0..kids.1]`.
    kids: (u32, u32),
    /// The names ending here: `ends[ends.0..ends.1]`.
    ends: (u32, u32),
    /// The most chars of a name through this node.
    deepest: u32,
    /// The [`letters`] every name through this node has.
    letters: u64,
}

impl TrieNode {
    /// A node with the run `runs[run.0..run.1]` that `names` go through (its kids and ends
    /// are filled later).
    fn new(run: (u32, u32), names: &[(Vec<char>, u32)]) -> TrieNode {
        let deepest = names.iter().map(|(name, _)| name.len() as u32).max();
        let shared = names.iter().map(|(name, _)| letters(name.iter().copied()));
        TrieNode {
            run,
            kids: (0, 0),
            ends: (0, 0),
            deepest: deepest.unwrap_or(0),
            letters: shared.fold(u64::MAX, |all, one| all & one),
        }
    }
}

impl NameTrie {
    /// The trie of `names` (empty ones, and ones of more than [`NEAR_CHARS`] chars, left out).
    pub(super) fn new<'a>(names: impl Iterator<Item = &'a str>) -> NameTrie {
        let mut names: Vec<(Vec<char>, u32)> = names
            .enumerate()
            .map(|(i, name)| {
                (
                    name.chars().map(|c| c.to_ascii_lowercase()).collect(),
                    i as u32,
                )
            })
            .filter(|(chars, _): &(Vec<char>, u32)| (1..=NEAR_CHARS).contains(&chars.len()))
            .collect();
        names.sort_unstable();
        let mut trie = NameTrie {
            nodes: vec![TrieNode::new((0, 0), &names)],
            runs: Vec::new(),
            ends: Vec::new(),
        };
        trie.fill(0, &names, 0);
        trie
    }

    /// Give node `at` its ends and children: `names` (sorted) are the names through it, all
    /// sharing their first `depth` chars (the node's run ends there).
    fn fill(&mut self, at: usize, names: &[(Vec<char>, u32)], depth: usize) {
        // a name of `depth` chars is this node's own, and sorts before the longer ones
        let ending = names.partition_point(|(name, _)| name.len() == depth);
        let start = self.ends.len() as u32;
        self.ends.extend(names[..ending].iter().map(|(_, i)| *i));
        let mut groups: Vec<&[(Vec<char>, u32)]> = Vec::new();
        let mut rest = &names[ending..];
        while let Some((first, _)) = rest.first() {
            let same = rest.partition_point(|(name, _)| name[depth] == first[depth]);
            groups.push(&rest[..same]);
            rest = &rest[same..];
        }
        let first = self.nodes.len();
        let mut depths = Vec::with_capacity(groups.len());
        for group in &groups {
            // the chars all of them share, up to where the first (the shortest, if one is a
            // prefix of the others) ends
            let (shortest, longest) = (&group[0].0, &group[group.len() - 1].0);
            let shared = shortest[depth..]
                .iter()
                .zip(&longest[depth..])
                .take_while(|(a, b)| a == b)
                .count();
            let from = self.runs.len() as u32;
            self.runs
                .extend_from_slice(&shortest[depth..depth + shared]);
            let run = (from, self.runs.len() as u32);
            self.nodes.push(TrieNode::new(run, group));
            depths.push(depth + shared);
        }
        let node = &mut self.nodes[at];
        node.ends = (start, self.ends.len() as u32);
        node.kids = (first as u32, (first + groups.len()) as u32);
        for (k, (group, depth)) in groups.into_iter().zip(depths).enumerate() {
            self.fill(first + k, group, depth);
        }
    }

    /// Call `near(name, distance, chars)` for each name within `most` edits of `want` (its
    /// Levenshtein distance in chars), until the visits run out. Names come in the order of
    /// their chars, except that at each depth the branch with the segment's own char there
    /// comes first (the nearest names are usually down it, and once found they shrink the
    /// bound for the rest). `near` answers the bound for the rest of the walk (it may only
    /// shrink), or `None` to stop.
    pub(super) fn walk(
        &self,
        want: &mut Want,
        mut most: usize,
        mut near: impl FnMut(usize, usize, usize) -> Option<usize>,
    ) {
        if !(1..=NEAR_CHARS).contains(&want.chars) {
            return;
        }
        want.lay_out();
        // a name is an edit away at least per letter it has and the segment lacks: weighed
        // for the root's children, where names differ most (a small node's names are its
        // root's children, a wide one's share their first chars)
        let letters = want.letters;
        let hopeless = |kid: usize, most: usize| {
            let lacking = self.nodes[kid].letters & !letters;
            lacking.count_ones() as usize > most
        };
        let (first, end) = self.nodes[0].kids;
        if end - first <= SMALL && (first..end).all(|kid| hopeless(kid as usize, most)) {
            return;
        }
        let last = 1 << (want.chars - 1);
        let own = |at: usize, depth: usize| {
            let c = want.each[..want.chars].get(depth)?;
            self.kid(at, *c)
        };
        let path = &mut want.path;
        path[0] = Step::new(self.nodes[0].kids, own(0, 0), Column::first(want.chars), 0);
        let mut depth = 0;
        'visits: for _ in 0..VISITS {
            // the next node: the next child of the deepest node on the path with one left
            let kid = loop {
                match path[depth].next_kid() {
                    Some(kid) => break kid,
                    None if depth == 0 => return,
                    None => depth -= 1,
                }
            };
            if depth == 0 && hopeless(kid, most) {
                continue;
            }
            let node = &self.nodes[kid];
            let (mut column, mut chars) = (path[depth].column, path[depth].chars);
            for &c in &self.runs[node.run.0 as usize..node.run.1 as usize] {
                column = column.next(want.positions.of(c), last);
                chars += 1;
                // each char more of a name below takes one edit off at most
                if column
                    .distance
                    .saturating_sub(node.deepest as usize - chars)
                    > most
                {
                    continue 'visits;
                }
            }
            if column.distance <= most {
                for &name in &self.ends[node.ends.0 as usize..node.ends.1 as usize] {
                    let Some(bound) = near(name as usize, column.distance, chars) else {
                        return;
                    };
                    most = bound;
                }
            }
            let below = node.deepest as usize - chars;
            if node.kids.0 < node.kids.1 && column.distance.saturating_sub(below) <= most {
                depth += 1;
                path[depth] = Step::new(node.kids, own(kid, chars), column, chars);
            }
        }
    }

    /// The names in the order a walk for `want` finds them, all of them (tests compare the
    /// bounded search with one that weighs every name in this order).
    #[cfg(test)]
    pub(super) fn order(&self, want: &str) -> Vec<usize> {
        let mut order = Vec::new();
        self.walk(&mut Want::new(want), usize::MAX, |name, _, _| {
            order.push(name);
            Some(usize::MAX)
        });
        order
    }

    /// The child of node `at` whose run starts with `c`.
    fn kid(&self, at: usize, c: char) -> Option<u32> {
        let (from, to) = self.nodes[at].kids;
        (from..to).find(|&k| self.runs[self.nodes[k as usize].run.0 as usize] == c)
    }
}

/// The set of chars in `chars` as bits, some chars sharing a bit: each ASCII letter and digit
/// its own, other ASCII chars 27 bits, other chars one (sharing a bit only weakens the bound
/// they give: a bit counts as lacking only where the segment has none of its chars).
fn letters(chars: impl Iterator<Item = char>) -> u64 {
    chars.fold(0, |set, c| set | letter(c))
}

/// The bit of `c` among [`letters`].
fn letter(c: char) -> u64 {
    let bit = match c {
        'a'..='z' => c as u32 - 'a' as u32,
        '0'..='9' => 26 + c as u32 - '0' as u32,
        c if c.is_ascii() => 36 + c as u32 % 27,
        _ => 63,
    };
    1 << bit
}

/// A node on a walk's path from the root: its children left to visit, its column and its
/// depth in chars.
#[derive(Debug, Clone, Copy, Default)]
struct Step {
    /// The child visited first (none once visited), and skipped in order.
    first: Option<u32>,
    skip: Option<u32>,
    /// The children left in order: `next..end`.
    next: u32,
    end: u32,
    column: Column,
    /// The chars of the names to this node.
    chars: usize,
}

impl Step {
    fn new(kids: (u32, u32), first: Option<u32>, column: Column, chars: usize) -> Step {
        Step {
            first,
            skip: first,
            next: kids.0,
            end: kids.1,
            column,
            chars,
        }
    }

    /// The child to visit next.
    fn next_kid(&mut self) -> Option<usize> {
        if let Some(first) = self.first.take() {
            return Some(first as usize);
        }
        if Some(self.next) == self.skip {
            self.next += 1;
        }
        if self.next == self.end {
            return None;
        }
        self.next += 1;
        Some(self.next as usize - 1)
    }
}

/// The edit distances of a name's prefix to every prefix of the segment, as Myers' and
/// Hyyrö's bit-parallel algorithm keeps them: the steps between consecutive prefixes of the
/// segment as two bit sets (+1 and -1), and the distance to the whole segment.
#[derive(Debug, Clone, Copy, Default)]
struct Column {
    plus: u64,
    minus: u64,
    distance: usize,
}

impl Column {
    /// The empty prefix: `i` edits to each prefix of `i` chars.
    fn first(chars: usize) -> Column {
        Column {
            plus: u64::MAX,
            minus: 0,
            distance: chars,
        }
    }

    /// The column one char further, the char found at `equal` in the segment.
    #[inline]
    fn next(self, equal: u64, last: u64) -> Column {
        let Column { plus, minus, .. } = self;
        let vertical = equal | minus;
        let horizontal = ((equal & plus).wrapping_add(plus) ^ plus) | equal;
        let mut up = minus | !(horizontal | plus);
        let mut down = plus & horizontal;
        // up and down never share a bit
        let distance = self.distance + usize::from(up & last != 0) - usize::from(down & last != 0);
        up = (up << 1) | 1;
        down <<= 1;
        Column {
            plus: down | !(vertical | up),
            minus: up & vertical,
            distance,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Names with and without case, non-ASCII chars, shared prefixes, empty ones and ones
    /// around the 64 chars a word holds.
    fn names() -> Vec<String> {
        let mut names: Vec<String> = [
            "",
            "a",
            "responses",
            "Respons",
            "RESPONSES",
            "subscriptions",
            "protocol_subscriptions",
            "itemz4242",
            "items4222",
            "items42",
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
        ]
        .iter()
        .map(|s| s.to_string())
        .collect();
        names.extend([
            "ab".repeat(40),
            "ab".repeat(32),
            format!("{}a", "ba".repeat(31)),
            format!("{}é", "ab".repeat(31)),
            format!("{}x", "AB".repeat(32)),
        ]);
        names
    }

    fn near(chars: usize) -> bool {
        (1..=NEAR_CHARS).contains(&chars)
    }

    /// What a walk reports: (name, distance, chars), in order.
    fn walk(trie: &NameTrie, want: &str, most: usize) -> Vec<(usize, usize, usize)> {
        let mut found = Vec::new();
        trie.walk(&mut Want::new(want), most, |name, distance, chars| {
            found.push((name, distance, chars));
            Some(most)
        });
        found
    }

    /// A walk of the trie of `names` for each of `wants` finds the names `strsim` puts within
    /// each bound.
    fn assert_walks_find_what_strsim_finds(names: &[String], wants: &[String]) {
        let trie = NameTrie::new(names.iter().map(String::as_str));
        let lower: Vec<String> = names.iter().map(|n| n.to_ascii_lowercase()).collect();
        for want in wants.iter().map(|w| w.to_ascii_lowercase()) {
            let distances: Vec<usize> = lower
                .iter()
                .map(|n| strsim::levenshtein(&want, n))
                .collect();
            for most in [0, 1, 2, 3, 10, usize::MAX] {
                let expected: Vec<(usize, usize, usize)> = (0..names.len())
                    .filter(|&n| near(lower[n].chars().count()) && near(want.chars().count()))
                    .filter(|&n| distances[n] <= most)
                    .map(|n| (n, distances[n], lower[n].chars().count()))
                    .collect();
                let mut found = walk(&trie, &want, most);
                found.sort_unstable();
                assert_eq!(found, expected, "{want} {most} in {names:?}");
            }
        }
    }

    #[test]
    fn a_walk_finds_every_name_within_the_bound_with_strsims_levenshtein() {
        let names = names();
        assert_walks_find_what_strsim_finds(&names, &names);
    }

    #[test]
    fn a_small_nodes_walk_finds_what_strsim_finds_whether_weighed_whole_first_or_not() {
        // three names make a trie whose root has three children at most: the walk weighs
        // them all before it starts
        let names = names();
        for few in names.windows(3) {
            assert_walks_find_what_strsim_finds(few, &names);
        }
    }

    #[test]
    fn letters_and_digits_have_a_bit_each_other_chars_share_some() {
        let of = |text: &str| letters(text.chars());
        assert_eq!(of("az09").count_ones(), 4);
        assert_eq!(of("abcdefghijklmnopqrstuvwxyz0123456789").count_ones(), 36);
        assert_eq!(of("é日本🦀"), 1 << 63);
        assert_eq!(of("-_.~") & of("abcdefghijklmnopqrstuvwxyz0123456789"), 0);
        // a name's letters the segment lacks: `api` lacks all three of `gen`'s
        assert_eq!((of("api") & !of("gen")).count_ones(), 3);
        assert_eq!(of("items4240") & !of("itemz4242"), of("s0"));
    }

    #[test]
    fn names_come_in_order_with_the_segments_own_char_first_at_each_depth() {
        let names = ["a1", "b1", "b2", "c", "c1", "c2", "C2", "c3"];
        let trie = NameTrie::new(names.into_iter());
        let order = |want: &str| -> Vec<&str> {
            walk(&trie, want, 9)
                .iter()
                .map(|&(n, _, _)| names[n])
                .collect()
        };
        assert_eq!(order("c2"), ["c", "c2", "C2", "c1", "c3", "a1", "b2", "b1"]);
        assert_eq!(order("x"), ["a1", "b1", "b2", "c", "c1", "c2", "C2", "c3"]);
    }

    #[test]
    fn the_bound_the_caller_answers_holds_for_the_rest_of_the_walk() {
        let names = [
            "items4201",
            "items4222",
            "items4240",
            "items4243",
            "items4299",
        ];
        let trie = NameTrie::new(names.into_iter());
        let found = |bound: usize| {
            let mut found = Vec::new();
            trie.walk(&mut Want::new("Itemz4200"), 3, |name, distance, _| {
                found.push((names[name], distance));
                Some(bound)
            });
            found
        };
        // each name is within 3 edits; `items4201` (found first, down the segment's own
        // chars) is within 2, and once the bound is 1 no other is
        assert_eq!(found(3).len(), 5);
        assert_eq!(found(1), [("items4201", 2)]);
        // `None` stops the walk at the first name
        let mut count = 0;
        trie.walk(&mut Want::new("items4222"), 9, |_, _, _| {
            count += 1;
            None
        });
        assert_eq!(count, 1);
    }

    #[test]
    fn a_walk_through_thousands_of_near_names_visits_a_bounded_number_of_nodes() {
        // 10,000 names within a few edits of each other: every one is within 9 edits, and
        // the walk stops after its visits, having reported the first names in order
        let names: Vec<String> = (0..10_000).map(|k| format!("n{k:04}")).collect();
        let trie = NameTrie::new(names.iter().map(String::as_str));
        let found = walk(&trie, "n0000", 9);
        assert!(
            found.len() < VISITS && found.len() > VISITS / 2,
            "{}",
            found.len()
        );
        assert_eq!(found[0], (0, 0, 5));
        assert!(found.windows(2).all(|w| w[0].0 < w[1].0));
    }
}
