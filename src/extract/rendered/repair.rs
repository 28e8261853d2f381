//! Rebuilding JSON bodies that a text rendering cut short.
//!
//! Saving a rendered page as text loses lines: the outer `{`/`}` of a body (`"errors": {`
//! with nothing around it), or the end of a section (an array left open). Each rule below
//! fixes one such loss and says so in words; what no rule covers is reported with the line
//! and column of the problem, and the caller keeps the fixture without a body.
//!
//! Rules, in the order they apply:
//! 1. a body that starts with `"key":` lost its outer braces: they are added;
//! 2. top-level values separated by commas lost their outer brackets: they are added;
//! 3. a comma right before a closing bracket, or at the very end, is removed;
//! 4. objects and arrays still open at the end are closed, innermost first.
//!
//! A string cut in the middle, a key without its value, or mismatched brackets are not guessed.

use serde_json::Value;

/// A body parsed, possibly after repairs.
#[derive(Debug, Clone, PartialEq)]
pub struct Repaired {
    pub value: Value,
    /// Each repair applied, in words; empty when the body was valid JSON as written.
    pub repairs: Vec<String>,
}

/// Why a body could not be repaired, and where: `line` is a 0-based index into the body
/// lines, `col` 1-based in characters.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Unrepairable {
    pub line: usize,
    pub col: usize,
    pub message: String,
}

/// Parse `lines` as JSON, repairing what a rendering cut short. Repairs name lines of the
/// body (1-based), so that a page and its HTML form describe them alike.
///
/// ```
/// use docmock::extract::rendered::repair::repair;
/// let r = repair(&["\"errors\": {", "\"return_url\": ["]).unwrap();
/// assert_eq!(r.value, serde_json::json!({"errors": {"return_url": []}}));
/// assert_eq!(r.repairs[0], "added the outer braces the rendering left out");
/// assert!(repair(&["\"errors\": \"cut"]).is_err());
/// ```
pub fn repair(lines: &[&str]) -> Result<Repaired, Unrepairable> {
    let text = lines.join("\n");
    if let Ok(value) = serde_json::from_str::<Value>(&text) {
        return Ok(Repaired {
            value,
            repairs: Vec::new(),
        });
    }
    let body_line = |i: usize| i + 1;
    let tokens = scan(&text)?;
    let Some(first) = tokens.first() else {
        return Err(Unrepairable {
            line: 0,
            col: 1,
            message: "expected a JSON value, found nothing".into(),
        });
    };
    let mut repairs = Vec::new();
    // The wrapper the rendering lost, if any: its opening and closing text.
    let mut wrapper: Option<(char, char)> = None;
    if first.kind == Tok::Str && tokens.get(1).is_some_and(|t| t.kind == Tok::Colon) {
        wrapper = Some(('{', '}'));
        repairs.push("added the outer braces the rendering left out".to_string());
    } else if top_level_commas(&tokens) {
        wrapper = Some(('[', ']'));
        repairs.push("added the outer brackets the rendering left out".to_string());
    }

    // Rebuild the text token by token: drop stray commas, track what is open.
    let mut out = String::with_capacity(text.len() + 8);
    if let Some((open, _)) = wrapper {
        out.push(open);
    }
    let mut open: Vec<(char, usize)> = Vec::new();
    let mut last_end = 0;
    // A comma is written only once a value follows it: one before a closer is dropped.
    let mut pending_comma: Option<usize> = None; // its line
    for tok in &tokens {
        let gap = &text[last_end..tok.start];
        let piece = &text[tok.start..tok.end];
        match tok.kind {
            Tok::Close(c) => {
                if let Some(line) = pending_comma.take() {
                    repairs.push(format!(
                        "removed the comma before a closing bracket on line {} of the body",
                        body_line(line)
                    ));
                }
                let expected = match open.pop() {
                    Some((o, _)) => closer(o),
                    None if wrapper.is_some() => {
                        let (_, close) = wrapper.take().expect("checked");
                        // The text closed the wrapper itself: only the opening was lost.
                        repairs.remove(0);
                        repairs.insert(
                            0,
                            format!(
                                "added the opening `{}` the rendering left out",
                                opener(close)
                            ),
                        );
                        close
                    }
                    None => {
                        return Err(tok.error(&text, format!("unexpected `{c}`: nothing is open")))
                    }
                };
                if expected != c {
                    return Err(tok.error(&text, format!("expected `{expected}`, found `{c}`")));
                }
                out.push_str(gap);
                out.push(c);
            }
            Tok::Comma => {
                if pending_comma.replace(tok.line).is_some() {
                    return Err(tok.error(&text, "expected a value between two commas"));
                }
                out.push_str(gap);
            }
            _ => {
                if pending_comma.take().is_some() {
                    out.push(',');
                }
                out.push_str(gap);
                out.push_str(piece);
                if let Tok::Open(o) = tok.kind {
                    open.push((o, tok.line));
                }
            }
        }
        last_end = tok.end;
    }
    if let Some(line) = pending_comma.take() {
        repairs.push(format!(
            "removed the comma at the end, on line {} of the body",
            body_line(line)
        ));
    }
    if let Some(last) = tokens.last() {
        if last.kind == Tok::Colon {
            return Err(last.error(&text, "the body ends after a key: its value is cut off"));
        }
    }
    for (o, line) in open.iter().rev() {
        let what = if *o == '{' { "object" } else { "array" };
        repairs.push(format!(
            "closed the {what} left open on line {} of the body",
            body_line(*line)
        ));
        out.push(closer(*o));
    }
    if let Some((_, close)) = wrapper {
        out.push(close);
    }
    match serde_json::from_str::<Value>(&out) {
        Ok(value) => Ok(Repaired { value, repairs }),
        Err(e) => {
            // The wrapper sits on the first line, before the text: shift the column back.
            let line = e.line().saturating_sub(1);
            let shift = usize::from(line == 0 && wrapper.is_some());
            Err(Unrepairable {
                line: line.min(lines.len().saturating_sub(1)),
                col: e.column().saturating_sub(shift).max(1),
                message: format!("not JSON even after repairs: {}", strip_position(&e)),
            })
        }
    }
}

fn closer(open: char) -> char {
    if open == '{' {
        '}'
    } else {
        ']'
    }
}

fn opener(close: char) -> char {
    if close == '}' {
        '{'
    } else {
        '['
    }
}

/// serde_json's message without its " at line L column C" suffix (we report our own place).
fn strip_position(e: &serde_json::Error) -> String {
    let msg = e.to_string();
    match msg.rfind(" at line ") {
        Some(i) => msg[..i].to_string(),
        None => msg,
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Tok {
    Open(char),
    Close(char),
    Comma,
    Colon,
    Str,
    /// A number or literal (`true`, `null`), or anything else outside strings.
    Word,
}

#[derive(Debug, Clone, Copy)]
struct Token {
    kind: Tok,
    start: usize,
    end: usize,
    /// 0-based line of the start.
    line: usize,
}

impl Token {
    fn error(&self, text: &str, message: impl Into<String>) -> Unrepairable {
        let before = &text[..self.start];
        let line_start = before.rfind('\n').map(|i| i + 1).unwrap_or(0);
        Unrepairable {
            line: self.line,
            col: before[line_start..].chars().count() + 1,
            message: message.into(),
        }
    }
}

/// Split the text into structural tokens; a string cut short is an error.
fn scan(text: &str) -> Result<Vec<Token>, Unrepairable> {
    let mut tokens = Vec::new();
    let mut line = 0;
    let mut chars = text.char_indices().peekable();
    while let Some((i, c)) = chars.next() {
        let simple = match c {
            '\n' => {
                line += 1;
                continue;
            }
            c if c.is_whitespace() => continue,
            '{' | '[' => Some(Tok::Open(c)),
            '}' | ']' => Some(Tok::Close(c)),
            ',' => Some(Tok::Comma),
            ':' => Some(Tok::Colon),
            _ => None,
        };
        if let Some(kind) = simple {
            tokens.push(Token {
                kind,
                start: i,
                end: i + 1,
                line,
            });
            continue;
        }
        if c == '"' {
            let mut escaped = false;
            let mut end = None;
            for (j, d) in chars.by_ref() {
                if d == '\n' {
                    break;
                }
                if escaped {
                    escaped = false;
                } else if d == '\\' {
                    escaped = true;
                } else if d == '"' {
                    end = Some(j + 1);
                    break;
                }
            }
            let Some(end) = end else {
                let token = Token {
                    kind: Tok::Str,
                    start: i,
                    end: i,
                    line,
                };
                return Err(
                    token.error(text, "a string is cut short: its closing quote is missing")
                );
            };
            tokens.push(Token {
                kind: Tok::Str,
                start: i,
                end,
                line,
            });
            continue;
        }
        let mut end = i + c.len_utf8();
        while let Some(&(j, d)) = chars.peek() {
            if d.is_whitespace() || "{}[],:\"".contains(d) {
                break;
            }
            end = j + d.len_utf8();
            chars.next();
        }
        tokens.push(Token {
            kind: Tok::Word,
            start: i,
            end,
            line,
        });
    }
    Ok(tokens)
}

/// Whether a comma appears outside every bracket: several top-level values.
fn top_level_commas(tokens: &[Token]) -> bool {
    let mut depth = 0i32;
    for t in tokens {
        match t.kind {
            Tok::Open(_) => depth += 1,
            Tok::Close(_) => depth -= 1,
            Tok::Comma if depth == 0 => return true,
            _ => {}
        }
    }
    false
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn fix(lines: &[&str]) -> Result<Repaired, Unrepairable> {
        repair(lines)
    }

    #[test]
    fn valid_json_needs_no_repair() {
        let r = fix(&["{", "\"a\": [1, 2]", "}"]).unwrap();
        assert_eq!(r.value, json!({"a": [1, 2]}));
        assert!(r.repairs.is_empty());
    }

    #[test]
    fn adds_the_outer_braces_around_a_lone_member() {
        let r = fix(&["\"fill_out_url\": \"\""]).unwrap();
        assert_eq!(r.value, json!({"fill_out_url": ""}));
        assert_eq!(
            r.repairs,
            vec!["added the outer braces the rendering left out"]
        );
    }

    #[test]
    fn closes_objects_left_open_at_the_end() {
        let r = fix(&[
            "\"errors\": {",
            "\"questionnaire_keys\": \"missing\",",
            "\"response_ids\": \"missing\"",
        ])
        .unwrap();
        assert_eq!(
            r.value,
            json!({"errors": {"questionnaire_keys": "missing", "response_ids": "missing"}})
        );
        assert_eq!(
            r.repairs,
            vec![
                "added the outer braces the rendering left out",
                "closed the object left open on line 1 of the body"
            ]
        );
    }

    #[test]
    fn closes_an_array_left_open_at_the_end_of_a_section() {
        let r = fix(&["\"errors\": {", "\"return_url\": ["]).unwrap();
        assert_eq!(r.value, json!({"errors": {"return_url": []}}));
        assert_eq!(
            r.repairs,
            vec![
                "added the outer braces the rendering left out",
                "closed the array left open on line 2 of the body",
                "closed the object left open on line 1 of the body"
            ]
        );
    }

    #[test]
    fn adds_only_the_opening_brace_when_the_closing_one_survived() {
        let r = fix(&["\"a\": 1", "}"]).unwrap();
        assert_eq!(r.value, json!({"a": 1}));
        assert_eq!(
            r.repairs,
            vec!["added the opening `{` the rendering left out"]
        );
    }

    #[test]
    fn adds_the_outer_brackets_around_comma_separated_values() {
        let r = fix(&["{\"id\": 1},", "{\"id\": 2}"]).unwrap();
        assert_eq!(r.value, json!([{"id": 1}, {"id": 2}]));
        assert_eq!(
            r.repairs,
            vec!["added the outer brackets the rendering left out"]
        );
    }

    #[test]
    fn removes_a_comma_before_a_closing_bracket_or_at_the_end() {
        let r = fix(&["[1,", "2,", "]"]).unwrap();
        assert_eq!(r.value, json!([1, 2]));
        assert_eq!(
            r.repairs,
            vec!["removed the comma before a closing bracket on line 2 of the body"]
        );
        let r = fix(&["[", "{\"a\": 1},"]).unwrap();
        assert_eq!(r.value, json!([{"a": 1}]));
        assert_eq!(
            r.repairs,
            vec![
                "removed the comma at the end, on line 2 of the body",
                "closed the array left open on line 1 of the body"
            ]
        );
    }

    #[test]
    fn a_string_cut_short_is_not_guessed() {
        let e = fix(&["\"errors\": {", "\"base\": \"flag_does"]).unwrap_err();
        assert_eq!((e.line, e.col), (1, 9));
        assert!(e.message.contains("cut short"), "{}", e.message);
    }

    #[test]
    fn a_key_without_its_value_is_not_guessed() {
        let e = fix(&["{", "\"errors\":"]).unwrap_err();
        assert_eq!((e.line, e.col), (1, 9));
        assert!(e.message.contains("value is cut off"), "{}", e.message);
    }

    #[test]
    fn mismatched_brackets_are_reported_where_they_are() {
        let e = fix(&["{", "\"a\": [1}", "}"]).unwrap_err();
        assert_eq!((e.line, e.col), (1, 8));
        assert_eq!(e.message, "expected `]`, found `}`");
        let e = fix(&["[1]]"]).unwrap_err();
        assert_eq!(e.message, "unexpected `]`: nothing is open");
    }

    #[test]
    fn text_that_is_not_json_is_reported() {
        let e = fix(&["{", "\"a\": nope", "}"]).unwrap_err();
        assert_eq!(e.line, 1);
        assert!(
            e.message.starts_with("not JSON even after repairs"),
            "{}",
            e.message
        );
        assert!(fix(&[]).is_err());
    }
}
