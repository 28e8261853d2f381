//! The words of one parameter row: what a reader takes from a name cell, a type cell and a
//! description about requirement, allowed values, defaults and deprecation.
//!
//! Every reader is conservative: it answers only when the text says so in one of the ways
//! doc sites write it, and otherwise leaves the row as a plain, optional parameter.

/// Text without Markdown and HTML emphasis (`**`, `~~`, `<b>`, `<del>`), with escapes
/// (`\[`, `\|`) undone and white space collapsed. Backticks are kept: they mark values.
pub fn plain(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '\\' => {
                if let Some(&next) = chars.peek() {
                    if next.is_ascii_punctuation() {
                        out.push(next);
                        chars.next();
                        continue;
                    }
                }
                out.push(c);
            }
            '*' => {}
            '~' if chars.peek() == Some(&'~') => {
                chars.next();
            }
            '<' => {
                // an HTML tag such as `<del>`, `</b>`, `<br/>`: dropped (a line break is a space)
                let rest: String = chars.clone().take(12).collect();
                let close = rest.find('>');
                let is_tag = close.is_some_and(|i| {
                    let inner = rest[..i].trim_start_matches('/').trim_end_matches('/');
                    !inner.is_empty() && inner.chars().all(|c| c.is_ascii_alphanumeric())
                });
                match (is_tag, close) {
                    (true, Some(i)) => {
                        for _ in 0..=i {
                            chars.next();
                        }
                        out.push(' ');
                    }
                    _ => out.push(c),
                }
            }
            _ => out.push(c),
        }
    }
    out.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// What the docs say about whether a parameter must be given.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Requirement {
    /// `Some(true)`: required; `Some(false)`: said to be optional; `None`: not said, or
    /// required only under a condition docmock cannot check ("required when `type` is card").
    pub required: Option<bool>,
    /// Required unless one of these is given ("required unless `id` given", "either `a` or
    /// `b` is required").
    pub unless: Vec<String>,
}

/// Words that end a requirement's condition and are no parameter names.
const STOP_WORDS: &[&str] = &[
    "or",
    "and",
    "either",
    "neither",
    "nor",
    "the",
    "a",
    "an",
    "is",
    "are",
    "was",
    "given",
    "provided",
    "set",
    "present",
    "specified",
    "supplied",
    "passed",
    "included",
    "sent",
    "no",
    "not",
    "parameter",
    "parameters",
    "param",
    "params",
    "field",
    "fields",
    "value",
    "values",
    "one",
    "of",
    "if",
    "both",
];

/// Read requirement from a description (or a name or type cell): `**Required**`, `Required.`,
/// `[Required]`, `\[Required\]`, `(required)`, "is required"; `Optional`, `[Optional, ...]`,
/// `(optional)`, "not required"; "required unless X", "Required if no `X` is given", "either
/// `a` or `b` is required" (for `a`: unless `b`). `name` is the row's own name.
pub fn requirement(text: &str, name: &str) -> Requirement {
    let lower = plain(text).to_ascii_lowercase();
    let mut out = Requirement::default();
    let opening = lower.trim_start_matches(['[', '(', ' ']);
    let says_optional = opening.starts_with("optional")
        || lower.contains("(optional")
        || lower.contains("[optional")
        || lower.contains("not required")
        || lower.contains("is optional");
    if says_optional {
        out.required = Some(false);
        return out;
    }
    for sentence in sentences(&lower) {
        if let Some(either) = either_required(sentence, name) {
            return either;
        }
        if sentence.contains("either ") || sentence.contains("one of ") {
            // "either `a` or `b` is required" on a third row says nothing of this one
            continue;
        }
        let Some(at) = required_word(sentence) else {
            continue;
        };
        let after = sentence[at + "required".len()..]
            .trim_start_matches([']', ')', ' ', ':', ','])
            .trim_start();
        if let Some(clause) = after.strip_prefix("unless ") {
            out.unless = names_in(clause);
            out.required = (!out.unless.is_empty()).then_some(true);
        } else if let Some(clause) = absent_clause(after) {
            out.unless = names_in(clause);
            out.required = (!out.unless.is_empty()).then_some(true);
        } else if [
            "if ",
            "when ",
            "only ",
            "for ",
            "in case",
            "depending",
            "with ",
        ]
        .iter()
        .any(|w| after.starts_with(w))
        {
            // required under a condition on other values: not checkable, left optional
            out.required = None;
        } else {
            out.required = Some(true);
        }
        return out;
    }
    out
}

/// Where `required` stands as the marker word of a sentence: at its start (after `[`/`(`),
/// as `[required]`/`(required)`, or in "is/are required".
fn required_word(sentence: &str) -> Option<usize> {
    let opening = sentence.len() - sentence.trim_start_matches(['[', '(', ' ']).len();
    let word_at = |i: usize| {
        sentence[i..].starts_with("required")
            && !sentence[i + "required".len()..].starts_with(|c: char| c.is_alphanumeric())
    };
    if word_at(opening) {
        return Some(opening);
    }
    for marker in [
        "[required",
        "(required",
        "is required",
        "are required",
        "must be given",
    ] {
        if let Some(i) = sentence.find(marker) {
            let at = i + marker.len() - "required".len();
            if marker == "must be given" || word_at(at) {
                return Some(if marker == "must be given" { i } else { at });
            }
        }
    }
    None
}

/// The condition of "required if no `x` is given" / "if `x` is not given": the names.
fn absent_clause(after: &str) -> Option<&str> {
    for lead in ["if no ", "when no ", "if neither ", "when neither "] {
        if let Some(rest) = after.strip_prefix(lead) {
            return Some(rest);
        }
    }
    let rest = after
        .strip_prefix("if ")
        .or_else(|| after.strip_prefix("when "))?;
    [
        "is not ",
        "are not ",
        "isn't ",
        "is absent",
        "is missing",
        "is omitted",
    ]
    .iter()
    .any(|w| rest.contains(w))
    .then_some(rest)
}

/// "Either `a` or `b` is required" (also "one of `a` or `b` must be given"): required unless the
/// others are given, for a row that is one of them.
fn either_required(sentence: &str, name: &str) -> Option<Requirement> {
    let either = sentence
        .find("either ")
        .or_else(|| sentence.find("one of "))?;
    let end = [
        "is required",
        "are required",
        "must be given",
        "must be provided",
    ]
    .iter()
    .filter_map(|w| sentence[either..].find(w))
    .min()?;
    let names = names_in(&sentence[either..either + end]);
    let name = name.to_ascii_lowercase();
    if names.len() < 2 || !names.contains(&name) {
        return None;
    }
    Some(Requirement {
        required: Some(true),
        unless: names.into_iter().filter(|n| *n != name).collect(),
    })
}

/// Parameter names in a clause: the backticked ones when any are, else its identifier words
/// without the words that join them; `[]` when the clause reads as prose.
fn names_in(clause: &str) -> Vec<String> {
    let clause = clause.split(['.', ';', ')']).next().unwrap_or("");
    let ticked = backticked(clause);
    if !ticked.is_empty() {
        return ticked.into_iter().map(|(_, v)| v.to_string()).collect();
    }
    let words: Vec<String> = clause
        .split([',', ' ', '/'])
        .map(|w| w.trim_matches(|c: char| !c.is_alphanumeric() && c != '_'))
        .filter(|w| !w.is_empty() && !STOP_WORDS.contains(w))
        .map(str::to_string)
        .collect();
    if words.len() > 3 {
        return Vec::new();
    }
    words
}

/// Sentences of a text: split at `.`, `;` or `!` followed by a space or the end, never inside
/// backticks.
pub fn sentences(text: &str) -> Vec<&str> {
    let mut out = Vec::new();
    let mut start = 0;
    let mut in_code = false;
    let bytes = text.as_bytes();
    for (i, &b) in bytes.iter().enumerate() {
        match b {
            b'`' => in_code = !in_code,
            b'.' | b';' | b'!' if !in_code => {
                let next = bytes.get(i + 1);
                if next.is_none_or(|n| n.is_ascii_whitespace()) {
                    out.push(text[start..i].trim());
                    start = i + 1;
                }
            }
            _ => {}
        }
    }
    out.push(text[start..].trim());
    out.retain(|s| !s.is_empty());
    out
}

/// The backticked (or quoted) values of a text, with the byte offset after each.
fn backticked(text: &str) -> Vec<(usize, &str)> {
    let mut out = Vec::new();
    let mut rest = 0;
    while let Some(open) = text[rest..].find(['`', '\'', '"']).map(|i| rest + i) {
        let quote = text[open..].chars().next().unwrap_or('`');
        // an apostrophe inside a word ("patient's") is no quote
        if quote == '\''
            && text[..open]
                .chars()
                .next_back()
                .is_some_and(char::is_alphanumeric)
        {
            rest = open + 1;
            continue;
        }
        let Some(close) = text[open + 1..].find(quote).map(|i| open + 1 + i) else {
            break;
        };
        out.push((close + 1, &text[open + 1..close]));
        rest = close + 1;
    }
    out
}

/// Allowed values and the default a text states.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Values {
    pub allowed: Vec<String>,
    pub default: Option<String>,
}

/// Phrases after which a sentence lists the allowed values.
const ENUM_TRIGGERS: &[&str] = &[
    "allowed values",
    "possible values",
    "valid values",
    "accepted values",
    "supported values",
    "permitted values",
    "must be one of",
    "can be one of",
    "is one of",
    "one of",
    "either",
    "can be",
    "may be",
    "must be",
    "values are",
    "values:",
    "options:",
];

/// Words that make a sentence about other parameters rather than about this one's values.
const NOT_VALUES: &[&str] = &[
    "required",
    "unless",
    "instead",
    "deprecated",
    "replaced",
    "in favor",
    "in favour",
    "default",
    " if ",
    "when ",
    " with ",
    "see ",
    "both",
];

/// Allowed values: a list of quoted values in brackets (`['draft'(default) | 'published']`),
/// "One of: a, b, c", "Allowed values: ...", "Possible values: ...", "Must be one of ...",
/// "either `a` or `b`", or a bare list of backticked values (`` `asc` or `desc` ``). A
/// `(default)` after a value makes it the default. Backticks in a sentence that says nothing
/// of values (a mention of another parameter) are no enum.
pub fn allowed_values(text: &str) -> Values {
    let text = plain(text);
    if let Some(values) = bracket_list(&text) {
        return values;
    }
    for sentence in sentences(&text) {
        let lower = sentence.to_ascii_lowercase();
        if NOT_VALUES.iter().any(|w| lower.contains(w)) {
            continue;
        }
        let trigger = ENUM_TRIGGERS
            .iter()
            .find_map(|t| lower.find(t).map(|i| (i + t.len(), *t)));
        let values = match trigger {
            Some((after, trigger)) => {
                let rest = &sentence[after..];
                let listed = value_run(rest);
                if listed.allowed.len() >= 2 {
                    listed
                } else if trigger.ends_with(':')
                    || trigger.contains("one of")
                    || trigger.contains("values")
                {
                    word_list(rest)
                } else {
                    Values::default()
                }
            }
            None => {
                // `asc` or `desc`: backticked values joined by "or", "," or "|" only
                let first = sentence.find('`').unwrap_or(sentence.len());
                let run = value_run(&sentence[first..]);
                if run.allowed.len() >= 2 && !lower[first..].contains(" and ") {
                    run
                } else {
                    Values::default()
                }
            }
        };
        if values.allowed.len() >= 2 {
            return values;
        }
    }
    Values::default()
}

/// `['draft'(default) | 'published']`, `["a", "b"]`: every item quoted or backticked.
fn bracket_list(text: &str) -> Option<Values> {
    let mut from = 0;
    while let Some(open) = text[from..].find('[').map(|i| from + i) {
        let close = text[open..].find(']').map(|i| open + i)?;
        from = close + 1;
        let inner = &text[open + 1..close];
        let mut values = Values::default();
        let ok = inner.split([',', '|']).all(|item| match item_value(item) {
            Some((value, default)) => {
                if default {
                    values.default = Some(value.clone());
                }
                values.allowed.push(value);
                true
            }
            None => false,
        });
        if ok && !values.allowed.is_empty() {
            return Some(values);
        }
    }
    None
}

/// One quoted list item, and whether `(default)` follows it.
fn item_value(item: &str) -> Option<(String, bool)> {
    let item = item.trim();
    let (item, default) = match item.strip_suffix("(default)") {
        Some(rest) => (rest.trim(), true),
        None => (item, false),
    };
    let quote = item
        .chars()
        .next()
        .filter(|c| matches!(c, '\'' | '"' | '`'))?;
    let value = item.strip_prefix(quote)?.strip_suffix(quote)?;
    (!value.is_empty() && !value.contains(quote)).then(|| (value.to_string(), default))
}

/// The run of quoted values at the start of `text` (after leading white space and a colon),
/// joined only by `,`, `|`, `/`, "or" and `(default)` marks.
fn value_run(text: &str) -> Values {
    let mut values = Values::default();
    let mut rest = lead_in(text);
    while let Some(quote) = rest
        .chars()
        .next()
        .filter(|c| matches!(c, '\'' | '"' | '`'))
    {
        let Some(close) = rest[1..].find(quote) else {
            break;
        };
        let value = &rest[1..1 + close];
        if value.is_empty() {
            break;
        }
        values.allowed.push(value.to_string());
        rest = rest[close + 2..].trim_start();
        if let Some(after) = rest.strip_prefix("(default)") {
            values.default = Some(value.to_string());
            rest = after.trim_start();
        }
        let joined = [",", "|", "/", "or ", "and "]
            .iter()
            .find_map(|j| rest.strip_prefix(j))
            .map(str::trim_start);
        match joined {
            Some(next) => {
                rest = next
                    .strip_prefix("or ")
                    .or_else(|| next.strip_prefix("and "))
                    .unwrap_or(next)
                    .trim_start()
            }
            None => break,
        }
    }
    values
}

/// The text after a trigger without the words that lead into the list (`:`, "are", "is").
fn lead_in(text: &str) -> &str {
    let mut rest = text.trim_start().trim_start_matches(':').trim_start();
    for word in ["are ", "is ", "include ", "includes "] {
        if let Some(after) = rest.strip_prefix(word) {
            rest = after.trim_start().trim_start_matches(':').trim_start();
        }
    }
    rest
}

/// `a, b or c` after "One of:": single words only; a list with a phrase in it is prose.
fn word_list(text: &str) -> Values {
    let text = lead_in(text).trim();
    let mut values = Values::default();
    for item in text
        .split([',', '|'])
        .flat_map(|p| p.split(" or "))
        .map(str::trim)
        .filter(|i| !i.is_empty())
    {
        let (item, default) = match item.strip_suffix("(default)") {
            Some(rest) => (rest.trim(), true),
            None => (item, false),
        };
        let value = item.trim_matches(['`', '\'', '"']);
        if value.is_empty() || value.contains(char::is_whitespace) {
            return Values::default();
        }
        if default {
            values.default = Some(value.to_string());
        }
        values.allowed.push(value.to_string());
    }
    values
}

/// The default a description names: "Defaults to `nl`", "Default: 25", "default is `asc`",
/// "(default: true)". Only a single value counts: "Defaults to the current time" names none.
pub fn default_value(text: &str) -> Option<String> {
    let text = plain(text);
    let lower = text.to_ascii_lowercase();
    for phrase in [
        "defaults to",
        "default value is",
        "default value:",
        "default is",
        "default:",
        "default =",
        "(default",
    ] {
        let Some(at) = lower.find(phrase) else {
            continue;
        };
        let rest = text[at + phrase.len()..].trim_start();
        let rest = rest.strip_prefix(':').unwrap_or(rest).trim_start();
        if let Some(value) = single_value(rest) {
            return Some(value);
        }
    }
    None
}

/// A quoted value, or one word that ends the sentence.
fn single_value(text: &str) -> Option<String> {
    if let Some(quote) = text
        .chars()
        .next()
        .filter(|c| matches!(c, '\'' | '"' | '`'))
    {
        let close = text[1..].find(quote)?;
        let value = &text[1..1 + close];
        return (!value.is_empty()).then(|| value.to_string());
    }
    let end = text
        .find(|c: char| c.is_whitespace() || matches!(c, ',' | ';' | ')'))
        .unwrap_or(text.len());
    let word = text[..end].trim_end_matches('.');
    let after = text[end..].trim_start();
    let ends = after.is_empty() || after.starts_with([',', ';', ')']) || text[..end].ends_with('.');
    let is_value = !word.is_empty()
        && word
            .chars()
            .all(|c| c.is_alphanumeric() || matches!(c, '_' | '-' | '.' | ':' | '+'));
    (ends && is_value).then(|| word.to_string())
}

/// Whether a parameter is deprecated, and what replaces it.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Deprecation {
    pub deprecated: bool,
    pub replaced_by: Option<String>,
}

/// `**Deprecated.**`, `Deprecated:`, `(deprecated)`, `[Deprecated]`, "is deprecated",
/// "Use `X` instead", "replaced by `X`", "deprecated in favor of `X`".
pub fn deprecation(text: &str) -> Deprecation {
    let text = plain(text);
    let lower = text.to_ascii_lowercase();
    let opening = lower.trim_start_matches(['[', '(', ' ']);
    let marked = opening.starts_with("deprecated")
        || [
            "(deprecated",
            "[deprecated",
            "is deprecated",
            "are deprecated",
            "deprecated:",
        ]
        .iter()
        .any(|m| lower.contains(m));
    let replaced_by = replacement(&text, marked);
    Deprecation {
        deprecated: marked || replaced_by.is_some(),
        replaced_by,
    }
}

/// What a text names as the replacement: "replaced by `X`", "superseded by `X`", "in favor of
/// `X`", "use `X` instead" (or just "use `X`" in a text `marked` deprecated). `text` is plain.
fn replacement(text: &str, marked: bool) -> Option<String> {
    let lower = text.to_ascii_lowercase();
    for phrase in [
        "replaced by ",
        "superseded by ",
        "in favor of ",
        "in favour of ",
        "use ",
    ] {
        let mut from = 0;
        while let Some(at) = lower[from..].find(phrase).map(|i| from + i + phrase.len()) {
            from = at;
            // `use` only as a word of its own
            if phrase == "use " && at > 4 && lower[..at - 4].ends_with(char::is_alphanumeric) {
                continue;
            }
            let Some((name, after)) = identifier_at(&text[at..]) else {
                continue;
            };
            let after = after.trim_start().to_ascii_lowercase();
            if phrase == "use " && !(after.starts_with("instead") || marked) {
                continue;
            }
            return Some(name);
        }
    }
    None
}

/// Subjects of "... is deprecated" that mean the route or case a section documents, not a
/// parameter it mentions.
const SELF_SUBJECTS: &[&str] = &[
    "",
    "it",
    "this",
    "this endpoint",
    "this route",
    "this operation",
    "this method",
    "this api",
    "this call",
    "this request",
    "this resource",
    "this action",
    "this case",
    "this response",
    "this example",
    "this section",
    "the endpoint",
    "the route",
    "the operation",
];

/// Whether the route or case a section documents is deprecated, and what replaces it: its
/// heading marked `(deprecated)`, `[Deprecated]`, `Deprecated:`, ending in "deprecated" or
/// struck through; or a sentence of its paragraphs that opens with "Deprecated"
/// (`**Deprecated**`, `Deprecated: use ...`, `[Deprecated]`) or says "This endpoint is
/// deprecated". The replacement comes from the marking sentence or the one after it, in the
/// words [`deprecation`] reads; a route is named as `` `GET /v2/items` `` or `GET /v2/items`.
/// A sentence about something else ("The `key` parameter is deprecated") marks nothing.
pub fn section_deprecation(heading: &str, paragraphs: &[String]) -> Deprecation {
    let mut out = Deprecation {
        deprecated: heading_marks_deprecated(heading),
        replaced_by: None,
    };
    if out.deprecated {
        out.replaced_by = replacement(&plain(heading), true);
    }
    for paragraph in paragraphs {
        let text = plain(paragraph);
        let said = sentences(&text);
        for (i, sentence) in said.iter().enumerate() {
            if !sentence_marks_deprecated(sentence) {
                continue;
            }
            out.deprecated = true;
            if out.replaced_by.is_none() {
                let next = said.get(i + 1).copied().unwrap_or("");
                out.replaced_by = replacement(&format!("{sentence}. {next}"), true);
            }
        }
    }
    out
}

/// A heading that marks what it names deprecated.
fn heading_marks_deprecated(heading: &str) -> bool {
    let raw = heading.trim();
    let struck = (raw.starts_with("~~") && raw.ends_with("~~"))
        || ["<del>", "<s>", "<strike>"]
            .iter()
            .any(|t| raw.to_ascii_lowercase().starts_with(t));
    let lower = plain(heading).replace('`', "").to_ascii_lowercase();
    let words: Vec<&str> = lower
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .collect();
    struck
        || opens_with_deprecated(lower.trim_start_matches(['[', '(', ' ']))
        || words.last() == Some(&"deprecated")
        || lower.contains("(deprecated")
        || lower.contains("[deprecated")
}

/// A heading or sentence opening with "deprecated" as a mark ("Deprecated:", "Deprecated
/// since 2.0", "Deprecated endpoint"), not as a word about other things ("Deprecated
/// parameters are listed below").
fn opens_with_deprecated(opening: &str) -> bool {
    let Some(rest) = opening.strip_prefix("deprecated") else {
        return false;
    };
    let rest = rest.trim_start();
    rest.is_empty()
        || rest.starts_with(|c: char| !c.is_alphanumeric())
        || [
            "since ",
            "as of ",
            "in favo",
            "and ",
            "for ",
            "until ",
            "endpoint",
            "route",
            "operation",
            "api",
        ]
        .iter()
        .any(|w| rest.starts_with(w))
}

/// A sentence of a section's prose that marks the section's route or case deprecated.
fn sentence_marks_deprecated(sentence: &str) -> bool {
    let lower = sentence.to_ascii_lowercase();
    let opening = lower.trim_start_matches(['[', '(', ' ', '>', '!', ':']);
    if opens_with_deprecated(opening)
        || opening.starts_with("replaced by ")
        || opening.starts_with("superseded by ")
    {
        return true;
    }
    for verb in [
        " is deprecated",
        " has been deprecated",
        " was deprecated",
        " is now deprecated",
    ] {
        let padded = format!(" {lower}");
        if let Some(at) = padded.find(verb) {
            let subject = padded[..at].trim();
            let names_self = SELF_SUBJECTS.contains(&subject)
                || (!subject.contains('`')
                    && ["endpoint", "route", "operation"]
                        .iter()
                        .any(|w| subject.ends_with(w)));
            if names_self {
                return true;
            }
        }
    }
    false
}

/// A backticked or plain identifier at the start of `text`, and the text after it. A route
/// (`` `GET /v2/items` `` or `GET /v2/items`) counts as one.
fn identifier_at(text: &str) -> Option<(String, &str)> {
    let text = text.trim_start();
    if let Some(inner) = text.strip_prefix('`') {
        let close = inner.find('`')?;
        let name = inner[..close].trim();
        let ok = !name.is_empty() && (!name.contains(char::is_whitespace) || is_route(name));
        return ok.then(|| (name.to_string(), &inner[close + 1..]));
    }
    if let Some((method, rest)) = text.split_once(' ') {
        if crate::extract::common::METHODS.contains(&method) && rest.starts_with('/') {
            let end = rest.find(char::is_whitespace).unwrap_or(rest.len());
            let path = rest[..end].trim_end_matches(['.', ',', ';', ')']);
            let used = method.len() + 1 + path.len();
            return Some((format!("{method} {path}"), &text[used..]));
        }
    }
    let end = text
        .find(|c: char| !(c.is_alphanumeric() || matches!(c, '_' | '-' | '[' | ']' | '.')))
        .unwrap_or(text.len());
    let name = text[..end].trim_end_matches('.');
    // "use the new endpoint instead" names no parameter
    let ok = name.contains(['_', '['])
        || (!name.is_empty()
            && text[end..]
                .trim_start()
                .to_ascii_lowercase()
                .starts_with("instead")
            && !matches!(name, "the" | "a" | "an" | "it" | "this"));
    ok.then(|| (name.to_string(), &text[name.len()..]))
}

/// `GET /v2/items`: a method and a path.
fn is_route(text: &str) -> bool {
    text.split_once(' ').is_some_and(|(method, path)| {
        crate::extract::common::METHODS.contains(&method)
            && path.starts_with('/')
            && !path.contains(char::is_whitespace)
    })
}

/// What a name cell says besides the name.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct NameCell {
    pub name: String,
    /// Struck through (`~~old~~`, `<del>`, `<s>`) or marked `(deprecated)`.
    pub deprecated: bool,
    /// `(required)`, `*required*`, `(optional)` written beside the name.
    pub required: Option<bool>,
}

/// Read a name cell: the name without its markers.
pub fn name_cell(cell: &str) -> NameCell {
    let lower = cell.to_ascii_lowercase();
    let struck = lower.contains("~~")
        || lower.contains("<del>")
        || lower.contains("<s>")
        || lower.contains("<strike>");
    let text = plain(cell).replace('`', "");
    let mut words: Vec<&str> = Vec::new();
    let mut out = NameCell {
        deprecated: struck,
        ..NameCell::default()
    };
    for word in text.split_whitespace() {
        let bare = word
            .trim_matches(['(', ')', '[', ']', ',', ':'])
            .to_ascii_lowercase();
        match bare.as_str() {
            "required" => out.required = Some(true),
            "optional" => out.required = Some(false),
            "deprecated" => out.deprecated = true,
            _ => words.push(word),
        }
    }
    out.name = words.first().map_or(String::new(), |w| {
        w.trim_end_matches([',', ':']).to_string()
    });
    out
}

/// What a type cell says: the type (lower-cased, without marks), and requirement or allowed
/// values written beside it (`string, required`, `integer (optional)`, `['a' | 'b']`).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct TypeCell {
    pub ty: String,
    pub required: Option<bool>,
    pub values: Values,
}

pub fn type_cell(cell: &str) -> TypeCell {
    let text = plain(cell);
    if let Some(values) = bracket_list(&text) {
        return TypeCell {
            ty: "string".into(),
            required: None,
            values,
        };
    }
    let mut required = None;
    let mut kept = Vec::new();
    for word in text.split_whitespace() {
        let bare = word
            .trim_matches(['(', ')', '[', ']', ',', '`', '*', ';'])
            .to_ascii_lowercase();
        match bare.as_str() {
            "required" => required = Some(true),
            "optional" => required = Some(false),
            _ => kept.push(word),
        }
    }
    let ty = kept
        .join(" ")
        .trim_end_matches([',', ';'])
        .replace('`', "")
        .trim_matches(|c| c == '\'' || c == '"' || c == ' ')
        .to_ascii_lowercase();
    TypeCell {
        ty,
        required,
        values: Values::default(),
    }
}

/// A Required column's cell: yes/true/✓/x/required, or the wording of a description.
pub fn required_flag(cell: &str) -> Option<bool> {
    let flag = plain(cell).replace('`', "").to_ascii_lowercase();
    match flag.trim() {
        "yes" | "y" | "true" | "required" | "✓" | "✔" | "✔️" | "✅" | "x" | "mandatory" => {
            Some(true)
        }
        "no" | "n" | "false" | "optional" | "-" | "–" | "✗" | "✘" | "❌" => Some(false),
        "" => None,
        _ => requirement(cell, "").required,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn required(text: &str) -> Option<bool> {
        requirement(text, "me").required
    }

    #[test]
    fn reads_each_spelling_of_required() {
        for text in [
            "**Required**. The id.",
            "Required. The id.",
            "[Required] The id",
            "\\[Required\\] The id",
            "The id (required).",
            "The id. Required.",
            "This field is required.",
            "**Required:** the id",
        ] {
            assert_eq!(required(text), Some(true), "{text}");
        }
    }

    #[test]
    fn reads_each_spelling_of_optional() {
        for text in [
            "Optional. The id.",
            "[Optional, blank means all] The id",
            "The id (optional).",
            "\\[Optional\\] The id",
            "Not required.",
        ] {
            assert_eq!(required(text), Some(false), "{text}");
        }
        for text in [
            "The id.",
            "Lists required fields.",
            "Required when `type` is `card`.",
        ] {
            assert_eq!(required(text), None, "{text}");
        }
    }

    #[test]
    fn reads_required_unless_in_each_spelling() {
        let unless = |text: &str, name: &str| {
            let r = requirement(text, name);
            assert_eq!(r.required, Some(true), "{text}");
            r.unless
        };
        assert_eq!(
            unless("**Required** unless protocol_id given. Key.", "k"),
            ["protocol_id"]
        );
        assert_eq!(
            unless("Required unless key or id given", "k"),
            ["key", "id"]
        );
        assert_eq!(unless("Required if no `email` is given.", "k"), ["email"]);
        assert_eq!(
            unless("Required if `email` is not provided.", "k"),
            ["email"]
        );
        assert_eq!(
            unless(
                "Either `protocol_key` or `protocol_id` is required.",
                "protocol_key"
            ),
            ["protocol_id"]
        );
        assert_eq!(
            unless(
                "Either protocol_key or protocol_id is required.",
                "protocol_id"
            ),
            ["protocol_key"]
        );
        // a third parameter is not one of the two
        assert_eq!(
            requirement("Either `a` or `b` is required.", "c").required,
            None
        );
    }

    #[test]
    fn reads_allowed_values_in_each_spelling() {
        let allowed = |text: &str| allowed_values(text).allowed;
        assert_eq!(
            allowed("['draft'(default) | 'published']"),
            ["draft", "published"]
        );
        assert_eq!(
            allowed_values("['draft'(default) | 'published']")
                .default
                .as_deref(),
            Some("draft")
        );
        assert_eq!(
            allowed("['completed', 'aborted'] Only return these."),
            ["completed", "aborted"]
        );
        assert_eq!(allowed("One of: a, b, c."), ["a", "b", "c"]);
        assert_eq!(allowed("The order. One of `asc`, `desc`."), ["asc", "desc"]);
        assert_eq!(allowed("Allowed values: `json`, `xml`"), ["json", "xml"]);
        assert_eq!(
            allowed("Possible values: open, closed."),
            ["open", "closed"]
        );
        assert_eq!(
            allowed("Must be one of draft, published or archived."),
            ["draft", "published", "archived"]
        );
        assert_eq!(allowed("Sort order: `asc` or `desc`."), ["asc", "desc"]);
        assert_eq!(
            allowed("Can be `day`, `week` or `month`."),
            ["day", "week", "month"]
        );
        assert_eq!(allowed("Either `asc` or `desc`."), ["asc", "desc"]);
        assert_eq!(
            allowed("Valid values are `1`, `2` and `3`."),
            ["1", "2", "3"]
        );
    }

    #[test]
    fn mentions_of_other_parameters_are_no_enum() {
        for text in [
            "Only used together with `start_at`.",
            "Overrides `start_at` and `stop_at`.",
            "Required unless `a` or `b` given.",
            "Use `new_name` or `other` instead.",
            "One of the patient's identifiers.",
            "Can be used to filter the list.",
            "Possible values: the patient, the doctor.",
            "Ignored when `a` or `b` is set.",
        ] {
            assert_eq!(allowed_values(text), Values::default(), "{text}");
        }
    }

    #[test]
    fn reads_defaults_in_each_spelling() {
        for (text, value) in [
            ("Language. Defaults to `nl`.", Some("nl")),
            ("Defaults to 25.", Some("25")),
            ("Default: true", Some("true")),
            ("The order; default is `asc`.", Some("asc")),
            ("Page size (default: 50).", Some("50")),
            ("Default value is 'draft'.", Some("draft")),
            ("Defaults to the current time.", None),
            ("The default view.", None),
        ] {
            assert_eq!(default_value(text).as_deref(), value, "{text}");
        }
    }

    #[test]
    fn reads_deprecation_in_each_spelling() {
        let dep = |text: &str| {
            let d = deprecation(text);
            (d.deprecated, d.replaced_by)
        };
        assert_eq!(
            dep("**Deprecated.** Use `protocol_id` instead."),
            (true, Some("protocol_id".into()))
        );
        assert_eq!(dep("Deprecated: the old key."), (true, None));
        assert_eq!(dep("The old key (deprecated)."), (true, None));
        assert_eq!(dep("\\[Deprecated\\] The old key."), (true, None));
        assert_eq!(dep("[Deprecated] The old key."), (true, None));
        assert_eq!(
            dep("Use `start_at` instead."),
            (true, Some("start_at".into()))
        );
        assert_eq!(
            dep("Replaced by `start_at`."),
            (true, Some("start_at".into()))
        );
        assert_eq!(
            dep("Deprecated in favor of new_key."),
            (true, Some("new_key".into()))
        );
        assert_eq!(dep("Use this to filter."), (false, None));
        assert_eq!(dep("Lists deprecated and active ones."), (false, None));
    }

    #[test]
    fn reads_route_and_case_deprecation_in_each_spelling() {
        let dep = |heading: &str, prose: &[&str]| {
            let prose: Vec<String> = prose.iter().map(|p| p.to_string()).collect();
            let d = section_deprecation(heading, &prose);
            (d.deprecated, d.replaced_by)
        };
        let yes = (true, None);
        assert_eq!(dep("List items (deprecated)", &[]), yes);
        assert_eq!(dep("[Deprecated] List items", &[]), yes);
        assert_eq!(dep("Deprecated: list items", &[]), yes);
        assert_eq!(dep("List items — deprecated", &[]), yes);
        assert_eq!(dep("~~List items~~", &[]), yes);
        assert_eq!(dep("List items", &["**Deprecated**"]), yes);
        assert_eq!(
            dep(
                "List items",
                &["Lists items.", "This endpoint is deprecated."]
            ),
            yes
        );
        assert_eq!(dep("List items", &["> **Deprecated.** Lists items."]), yes);
        assert_eq!(
            dep("List items", &["Deprecated: use `GET /v2/items` instead."]),
            (true, Some("GET /v2/items".into()))
        );
        assert_eq!(
            dep(
                "List items",
                &["This route has been deprecated. Use GET /v2/items instead."]
            ),
            (true, Some("GET /v2/items".into()))
        );
        assert_eq!(
            dep("List items (deprecated)", &["Replaced by `GET /v2/items`."]),
            (true, Some("GET /v2/items".into()))
        );
        assert_eq!(
            dep("Old key (deprecated, use `new_key`)", &[]),
            (true, Some("new_key".into()))
        );
        let no = (false, None);
        assert_eq!(
            dep(
                "List items",
                &["Lists items. The `key` parameter is deprecated."]
            ),
            no
        );
        assert_eq!(
            dep("List items", &["Deprecated parameters are listed below."]),
            no
        );
        assert_eq!(dep("List items", &["Use `status` instead of `state`."]), no);
        assert_eq!(dep("Deprecated parameters of a widget", &[]), no);
        assert_eq!(dep("Deprecated endpoints", &[]), yes);
        assert_eq!(dep("List deprecated widgets", &[]), no);
    }

    #[test]
    fn text_whose_lower_case_changes_length_is_read_without_panicking() {
        for text in [
            "İİİ defaults to `x`.",
            "Use İ instead.",
            "One of: İ, ß.",
            "ẞ `a` or `b` İ",
        ] {
            let _ = (allowed_values(text), default_value(text), deprecation(text));
            let _ = section_deprecation(text, &[text.to_string()]);
            let _ = (requirement(text, "İ"), name_cell(text), type_cell(text));
        }
        assert_eq!(default_value("İİ defaults to `x`.").as_deref(), Some("x"));
    }

    #[test]
    fn name_cells_lose_their_markers() {
        let cell = |text: &str| {
            let c = name_cell(text);
            (c.name, c.deprecated, c.required)
        };
        assert_eq!(cell("~~`old_key`~~"), ("old_key".into(), true, None));
        assert_eq!(cell("<del>old_key</del>"), ("old_key".into(), true, None));
        assert_eq!(cell("<s>old_key</s>"), ("old_key".into(), true, None));
        assert_eq!(
            cell("`old_key` (deprecated)"),
            ("old_key".into(), true, None)
        );
        assert_eq!(
            cell("`email` *required*"),
            ("email".into(), false, Some(true))
        );
        assert_eq!(cell("`items[][sku]`"), ("items[][sku]".into(), false, None));
        assert_eq!(
            cell("**name** \\[optional\\]"),
            ("name".into(), false, Some(false))
        );
    }

    #[test]
    fn type_cells_keep_only_the_type() {
        assert_eq!(type_cell("`String`").ty, "string");
        assert_eq!(type_cell("'array of strings'").ty, "array of strings");
        let t = type_cell("string, required");
        assert_eq!((t.ty.as_str(), t.required), ("string", Some(true)));
        assert_eq!(type_cell("integer (optional)").required, Some(false));
        let t = type_cell("['a' | 'b']");
        assert_eq!((t.ty.as_str(), t.values.allowed.len()), ("string", 2));
    }

    #[test]
    fn required_columns_read_flags_and_words() {
        for cell in ["yes", "Yes", "true", "✓", "x", "**Required**"] {
            assert_eq!(required_flag(cell), Some(true), "{cell}");
        }
        for cell in ["no", "false", "Optional"] {
            assert_eq!(required_flag(cell), Some(false), "{cell}");
        }
        assert_eq!(required_flag(""), None);
    }
}
