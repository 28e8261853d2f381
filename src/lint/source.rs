//! Finding places in the doc files: the exact line and column of a name inside an example, the
//! row of a parameter table, a case heading, the prose around a declaration.

use crate::extract::DocFiles;
use std::collections::HashMap;

/// The doc files as lines, for locating things. Files that are not UTF-8 text are absent.
pub struct Sources<'a> {
    lines: HashMap<&'a str, Vec<&'a str>>,
}

impl<'a> Sources<'a> {
    pub fn new(files: &'a DocFiles) -> Self {
        let lines = files
            .iter()
            .filter_map(|(path, bytes)| {
                let text = std::str::from_utf8(bytes).ok()?;
                let text = text.strip_prefix('\u{feff}').unwrap_or(text);
                Some((path, text.lines().collect()))
            })
            .collect();
        Sources { lines }
    }

    /// The 1-based line `line` of `file`.
    pub fn line(&self, file: &str, line: usize) -> Option<&'a str> {
        self.lines.get(file)?.get(line.checked_sub(1)?).copied()
    }

    pub fn line_count(&self, file: &str) -> usize {
        self.lines.get(file).map_or(0, Vec::len)
    }

    /// The first place, in lines `from..until` (1-based, `until` exclusive), where `needle`
    /// occurs as a whole word (not inside a longer identifier); `(line, col)` with a 1-based
    /// column in characters. Case-insensitive when `ignore_case` is set.
    pub fn find_word(
        &self,
        file: &str,
        from: usize,
        until: usize,
        needle: &str,
        ignore_case: bool,
    ) -> Option<(usize, usize)> {
        let lines = self.lines.get(file)?;
        let until = until.min(lines.len() + 1);
        (from.max(1)..until).find_map(|n| {
            let text = lines[n - 1];
            word_at(text, needle, ignore_case).map(|byte| (n, text[..byte].chars().count() + 1))
        })
    }

    /// The line at or before `before` (at most `look_back` lines up) that reads as a heading
    /// with this text (Markdown `#` marks, emphasis and code marks ignored).
    pub fn heading_line(
        &self,
        file: &str,
        before: usize,
        look_back: usize,
        title: &str,
    ) -> Option<usize> {
        let want = plain(title);
        if want.is_empty() {
            return None;
        }
        let from = before.saturating_sub(look_back).max(1);
        (from..=before)
            .rev()
            .find(|&n| self.line(file, n).is_some_and(|l| plain(l) == want))
    }

    /// The lines `from..until` (1-based, `until` exclusive) joined, with every word that holds
    /// a `/` (paths, declarations, sample requests) left out: what the prose says.
    pub fn prose(&self, file: &str, from: usize, until: usize) -> String {
        let Some(lines) = self.lines.get(file) else {
            return String::new();
        };
        let until = until.min(lines.len() + 1);
        let mut out = String::new();
        for n in from.max(1)..until {
            for word in lines[n - 1].split_whitespace() {
                if !word.contains('/') {
                    out.push_str(word);
                    out.push(' ');
                }
            }
            out.push('\n');
        }
        out
    }
}

/// Heading text without Markdown marks, lower-cased, white space collapsed.
pub fn plain(text: &str) -> String {
    let text = text.trim().trim_start_matches('#');
    text.replace(['`', '*', '_'], "")
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
        .trim_end_matches(['.', ':'])
        .to_lowercase()
}

/// The byte offset of `needle` in `text` as a whole word.
pub fn word_at(text: &str, needle: &str, ignore_case: bool) -> Option<usize> {
    if needle.is_empty() {
        return None;
    }
    let (hay, pat) = if ignore_case {
        (text.to_lowercase(), needle.to_lowercase())
    } else {
        (text.to_string(), needle.to_string())
    };
    // lower-casing can change byte lengths outside ASCII; only trust offsets when it did not
    if hay.len() != text.len() {
        return None;
    }
    let is_ident = |c: char| c.is_alphanumeric() || c == '_';
    let mut start = 0;
    while let Some(i) = hay[start..].find(&pat) {
        let at = start + i;
        let end = at + pat.len();
        let before_ok = !hay[..at].chars().next_back().is_some_and(is_ident);
        let after_ok = !hay[end..].chars().next().is_some_and(is_ident);
        if before_ok && after_ok {
            return Some(at);
        }
        start = at + pat.len().max(1);
        while !hay.is_char_boundary(start) {
            start += 1;
        }
    }
    None
}

/// Whether `text` mentions `name` as a word, case-insensitively, also when written in upper
/// case as in `DOSSIER_ID`.
pub fn mentions(text: &str, name: &str) -> bool {
    word_at(text, name, true).is_some()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn words_are_found_only_whole() {
        assert_eq!(word_at("\"return_url\": [", "return_url", false), Some(1));
        assert_eq!(word_at("return_urls", "return_url", false), None);
        assert_eq!(word_at("a DOSSIER_ID path", "dossier_id", true), Some(2));
        assert_eq!(word_at("x_dossier_id", "dossier_id", true), None);
    }

    #[test]
    fn headings_compare_without_marks() {
        assert_eq!(
            plain("### When no protocol exists with the `protocol_key` provided"),
            "when no protocol exists with the protocolkey provided"
        );
        assert_eq!(
            plain("Stop a protocol subscription."),
            plain("## Stop a protocol subscription")
        );
    }
}
