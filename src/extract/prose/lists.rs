//! Parameter lists written in prose: Markdown definition lists (a `name` line, then
//! `: {{< required >}} String. The text...`) and bullet lists (`` - `name` (string, required):
//! the text``). Text in, [`ListRow`]s out; binding a row to the endpoint it documents (and so
//! its location and the `Param` it becomes) is the Markdown reader's job, as for tables.
//!
//! Template shortcodes and components that mark requirement (`{{< required >}}`,
//! `<Required />`, `(required)`) count; other shortcodes are dropped from descriptions
//! (`[Widgets]({{< relref "widgets" >}})` reads "Widgets"). A run of `` `value` = meaning ``
//! lines after a description lists the allowed values.

use crate::extract::common;
use crate::extract::markdown::{self, Outline};
use crate::fixture::ParamType;

/// One parameter as a list writes it.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct ListRow {
    /// Offset of the list item or definition term.
    pub start: usize,
    pub name: String,
    /// The type as written ("Array of String"), empty when the list gives none.
    pub ty: String,
    /// The description with shortcodes and enum lines removed; requirement words kept, so
    /// the shared row reading sees them.
    pub description: String,
    /// A shortcode, component or `(required)` marks it required.
    pub required: bool,
    /// Values of a `` `value` = meaning `` list.
    pub allowed: Vec<String>,
}

/// Every parameter row of the page's definition lists and bullet lists.
pub fn rows(outline: &Outline) -> Vec<ListRow> {
    let mut out: Vec<ListRow> = outline.definitions.iter().filter_map(definition).collect();
    let items = &outline.list_items;
    let mut i = 0;
    while i < items.len() {
        let item = &items[i];
        let Some(mut row) = bullet(item.start, &item.text) else {
            i += 1;
            continue;
        };
        // nested items right below: allowed values
        let mut j = i + 1;
        while j < items.len() && items[j].depth > item.depth {
            if let Some(value) = enum_value(strip_marker(&items[j].text)) {
                row.allowed.push(value);
            }
            j += 1;
        }
        out.push(row);
        i = j;
    }
    out.sort_by_key(|r| r.start);
    out
}

/// A definition list term and its definitions.
fn definition(d: &markdown::Definition) -> Option<ListRow> {
    let name = param_name(&d.term)?;
    let text = d.definitions.join("\n");
    Some(read_description(d.start, name, String::new(), &text))
}

/// `` `name` (string, required): description `` (or `**name**`, `—` instead of `:`).
fn bullet(start: usize, text: &str) -> Option<ListRow> {
    let text = strip_marker(text);
    let (name, rest) = leading_name(text)?;
    let mut rest = rest.trim_start();
    let mut ty = String::new();
    let mut required = false;
    if let Some(inner) = rest.strip_prefix('(') {
        let close = inner.find(')')?;
        for word in inner[..close].split(',').map(str::trim) {
            let lower = common::clean(word).to_ascii_lowercase();
            if lower == "required" {
                required = true;
            } else if lower == "optional" || lower.is_empty() {
            } else if ty.is_empty() && !matches!(ParamType::parse(&lower), ParamType::Other(_)) {
                ty = common::clean(word);
            }
        }
        rest = inner[close + 1..].trim_start();
    }
    // a separator must follow the name (or its parentheses), else this is prose in a list
    let rest = ["—", "–", ":", " - ", "-"]
        .iter()
        .find_map(|sep| rest.strip_prefix(sep))
        .or_else(|| rest.is_empty().then_some(""))?;
    let mut row = read_description(start, name, ty, rest.trim());
    row.required |= required;
    Some(row)
}

/// The description of a row: shortcodes read and dropped, a leading type sentence taken as
/// the type, enum lines collected.
fn read_description(start: usize, name: String, ty: String, text: &str) -> ListRow {
    let (mut text, mut required) = without_shortcodes(text);
    if let Some(i) = text.to_ascii_lowercase().find("(required)") {
        text.replace_range(i..i + "(required)".len(), "");
        text = text.replace(" .", ".").replace("  ", " ");
        required = true;
    }
    let mut allowed = Vec::new();
    let mut kept = Vec::new();
    for line in text.lines() {
        match enum_value(strip_marker(line.trim())) {
            Some(value) => allowed.push(value),
            None if allowed.is_empty() => kept.push(line.trim()),
            None => {}
        }
    }
    let mut description = kept.join(" ").trim().to_string();
    let mut ty = ty;
    if ty.is_empty() {
        // `Required. String. The text` / `Array of String. The text`
        let mut prefix = String::new();
        let mut rest = description.as_str();
        loop {
            let (sentence, after) = rest.split_once(". ").unwrap_or((rest, ""));
            let word = common::clean(sentence.trim_end_matches('.'));
            let lower = word.to_ascii_lowercase();
            if matches!(lower.as_str(), "required" | "optional") {
                prefix.push_str(sentence.trim_end_matches('.'));
                prefix.push_str(". ");
                rest = after;
            } else if !word.is_empty()
                && word.split_whitespace().count() <= 4
                && !matches!(ParamType::parse(&lower), ParamType::Other(_))
            {
                ty = word;
                rest = after;
                break;
            } else {
                break;
            }
        }
        if !ty.is_empty() {
            description = format!("{prefix}{rest}").trim().to_string();
        }
    }
    ListRow {
        start,
        name,
        ty,
        description,
        required,
        allowed,
    }
}

/// `` `draft` = not published yet `` → `draft`.
fn enum_value(line: &str) -> Option<String> {
    let (value, _) = line.split_once(" = ").or_else(|| line.split_once('='))?;
    let value = value.trim();
    let inner = value.strip_prefix('`')?.strip_suffix('`')?;
    (!inner.is_empty()).then(|| inner.to_string())
}

/// A list item's text without its marker (`- `, `* `, `+ `, `1. `).
fn strip_marker(text: &str) -> &str {
    let t = text.trim_start();
    for marker in ["- ", "* ", "+ "] {
        if let Some(rest) = t.strip_prefix(marker) {
            return rest.trim_start();
        }
    }
    let digits = t.len() - t.trim_start_matches(|c: char| c.is_ascii_digit()).len();
    if digits > 0 {
        if let Some(rest) = t[digits..]
            .strip_prefix(". ")
            .or_else(|| t[digits..].strip_prefix(") "))
        {
            return rest.trim_start();
        }
    }
    t
}

/// A parameter name in code or bold at the start of `text`, and what follows it.
fn leading_name(text: &str) -> Option<(String, &str)> {
    for (open, close) in [("`", "`"), ("**", "**"), ("__", "__")] {
        if let Some(rest) = text.strip_prefix(open) {
            let end = rest.find(close)?;
            let name = param_name(&rest[..end])?;
            return Some((name, &rest[end + close.len()..]));
        }
    }
    None
}

/// A definition term or code span that names a parameter: one word of letters, digits, `_`,
/// `-`, `.`, and brackets for nested names (`items[][sku]`).
fn param_name(term: &str) -> Option<String> {
    let name = common::clean(term);
    let name = name.split_whitespace().next()?.to_string();
    let valid = name
        .chars()
        .all(|c| c.is_alphanumeric() || matches!(c, '_' | '-' | '.' | '[' | ']' | '$'))
        && name.starts_with(|c: char| c.is_alphabetic() || c == '_' || c == '$');
    valid.then_some(name)
}

/// Text without template shortcodes (`{{< x >}}`, `{{% x %}}`) and self-closing components
/// (`<Required />`), and whether one of them marked the parameter required. Markdown links
/// whose target was a shortcode keep their text.
pub fn without_shortcodes(text: &str) -> (String, bool) {
    let mut out = String::with_capacity(text.len());
    let mut required = false;
    let mut rest = text;
    loop {
        let shortcode = ["{{<", "{{%"].iter().filter_map(|o| rest.find(o)).min();
        let component = rest
            .find('<')
            .filter(|&i| rest[i + 1..].starts_with(|c: char| c.is_ascii_uppercase()));
        let next = match (shortcode, component) {
            (Some(a), Some(b)) => Some(a.min(b)),
            (a, b) => a.or(b),
        };
        let Some(at) = next else {
            out.push_str(rest);
            break;
        };
        out.push_str(&rest[..at]);
        let (inner, after) = if Some(at) == shortcode {
            let close = rest[at..].find("}}").map(|i| at + i + 2);
            match close {
                Some(end) => (&rest[at + 3..end - 2], &rest[end..]),
                None => {
                    out.push_str(&rest[at..]);
                    break;
                }
            }
        } else {
            match rest[at..].find("/>") {
                Some(i) => (&rest[at + 1..at + i], &rest[at + i + 2..]),
                None => {
                    out.push_str(&rest[at..]);
                    break;
                }
            }
        };
        let name = inner
            .trim_matches(|c: char| matches!(c, '<' | '>' | '%' | ' ' | '/'))
            .split_whitespace()
            .next()
            .unwrap_or("")
            .to_ascii_lowercase();
        if name == "required" {
            required = true;
        }
        rest = after;
    }
    // `[text]()` left by a dropped link target: keep the text; other brackets are prose
    // (`[Required]`, `['a', 'b']`)
    let mut cleaned = String::with_capacity(out.len());
    let mut rest = out.as_str();
    while let Some(end) = rest.find("]()") {
        match rest[..end].rfind('[') {
            Some(open) => {
                cleaned.push_str(&rest[..open]);
                cleaned.push_str(&rest[open + 1..end]);
            }
            None => cleaned.push_str(&rest[..end + 1]),
        }
        rest = &rest[end + 3..];
    }
    cleaned.push_str(rest);
    let collapsed = cleaned
        .lines()
        .map(|l| l.split_whitespace().collect::<Vec<_>>().join(" "))
        .collect::<Vec<_>>()
        .join("\n");
    (collapsed.trim().to_string(), required)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::extract::markdown;

    #[test]
    fn shortcodes_mark_requirement_and_leave_link_text() {
        let (text, required) =
            without_shortcodes("{{< required >}} String. See [Widgets]({{< relref \"w\" >}}).");
        assert!(required);
        assert_eq!(text, "String. See Widgets.");
        let (text, required) = without_shortcodes("<Required /> The id. {{< hint >}}");
        assert!(required);
        assert_eq!(text, "The id.");
    }

    #[test]
    fn definition_and_bullet_lists_become_rows() {
        let text = "`name`\n: {{< required >}} String. The name.\n\n`status`\n: Optional. String. The state.\n  `draft` = not yet\n  `live` = shown\n\n- `items[][sku]` (string, required): The SKU.\n- **limit** (integer): At most this many.\n  - `10` = default\n- just prose here\n";
        let rows = rows(&markdown::outline(text));
        let summary: Vec<_> = rows
            .iter()
            .map(|r| {
                (
                    r.name.as_str(),
                    r.ty.as_str(),
                    r.description.as_str(),
                    r.required,
                    r.allowed.join(","),
                )
            })
            .collect();
        assert_eq!(
            summary,
            [
                ("name", "String", "The name.", true, String::new()),
                (
                    "status",
                    "String",
                    "Optional. The state.",
                    false,
                    "draft,live".to_string()
                ),
                ("items[][sku]", "string", "The SKU.", true, String::new()),
                ("limit", "integer", "At most this many.", false, "10".into()),
            ]
        );
    }
}
