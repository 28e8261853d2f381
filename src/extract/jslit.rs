//! JavaScript object literals as written inside `<Snapshot json={{ ... }} />`: finding where
//! one ends, and reading it into JSON with computed values and placeholders.
//!
//! Doc pages write snapshot literals as JavaScript, not JSON: unquoted keys, single quotes,
//! trailing commas, comments, and now and then an expression such as
//! `new Date().toISOString()`. A small scanner reads the literal into a JSON value as it walks
//! it: it bounds the nesting depth, records the byte span of values (`/response/body` for
//! `verify --update`, `/response/body/name` for the doc line of a difference), and puts a
//! sentinel string where it recognises an expression; the sentinels' JSON pointers become
//! [`Computed`](crate::fixture::Computed) markers. Scalars with escapes or JavaScript number
//! forms (`'\x41'`, `0x1F`, `.5`) are read by json5, one scalar at a time: json5 given the
//! whole literal keeps a parse token per piece of it, ~80 times the literal's size.

use crate::fixture::pointer;
use crate::fixture::{Generator, PlaceholderKind};
use serde_json::Value;
use std::ops::Range;

/// Literals nested deeper than this are refused: no doc example needs it, and the scanner
/// recurses once per level.
pub const MAX_DEPTH: usize = 64;

/// A problem inside a literal, at a byte offset of the text given to [`find_end`] / [`parse`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LiteralError {
    pub offset: usize,
    /// Lower case, saying what was expected.
    pub message: String,
}

impl LiteralError {
    fn new(offset: usize, message: impl Into<String>) -> Self {
        LiteralError {
            offset,
            message: message.into(),
        }
    }
}

/// A value the literal computes, found at `pointer` (RFC 6901, from the literal's root).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ComputedAt {
    pub pointer: String,
    pub generator: Generator,
    /// The expression as written, white space collapsed.
    pub expression: String,
}

/// A literal read into JSON.
#[derive(Debug, Clone, PartialEq)]
pub struct Literal {
    /// The value; computed values are `null` here (see [`Literal::computed`]).
    pub value: Value,
    pub computed: Vec<ComputedAt>,
    /// Byte ranges (relative to the literal text) of every value, by pointer: `/response`,
    /// `/response/body`, `/response/body/items/0`, ...
    pub spans: Vec<(String, Range<usize>)>,
}

impl Literal {
    /// The byte range of the value at `pointer`.
    pub fn span(&self, pointer: &str) -> Option<Range<usize>> {
        self.spans
            .iter()
            .find(|(p, _)| p == pointer)
            .map(|(_, r)| r.clone())
    }
}

/// The offset just past the literal that opens with `{` or `[` at `open`: strings, template
/// strings and comments are skipped, brackets must nest properly.
///
/// ```
/// use docmock::extract::jslit::find_end;
/// let text = "<snapshot json={{a: '}', b: [1] /* } */}} />";
/// assert_eq!(&text[16..find_end(text, 16).unwrap()], "{a: '}', b: [1] /* } */}");
/// ```
pub fn find_end(text: &str, open: usize) -> Result<usize, LiteralError> {
    let bytes = text.as_bytes();
    let mut stack: Vec<(u8, usize)> = Vec::new();
    let mut i = open;
    while i < bytes.len() {
        match bytes[i] {
            c @ (b'{' | b'[' | b'(') => {
                if stack.len() >= MAX_DEPTH {
                    return Err(LiteralError::new(
                        i,
                        format!("literal nested deeper than {MAX_DEPTH} levels: expected a flatter example"),
                    ));
                }
                stack.push((c, i));
                i += 1;
            }
            c @ (b'}' | b']' | b')') => {
                let Some((opened, at)) = stack.pop() else {
                    return Err(LiteralError::new(i, format!("unexpected `{}`", c as char)));
                };
                let want = closer(opened);
                if c != want {
                    return Err(LiteralError::new(
                        i,
                        format!(
                            "expected `{}` to close the `{}` opened at byte {} of the literal, found `{}`",
                            want as char,
                            opened as char,
                            at - open,
                            c as char
                        ),
                    ));
                }
                i += 1;
                if stack.is_empty() {
                    return Ok(i);
                }
            }
            b'"' | b'\'' | b'`' => i = skip_string(text, i)?,
            b'/' if bytes.get(i + 1) == Some(&b'/') => {
                i = text[i..].find('\n').map_or(bytes.len(), |n| i + n);
            }
            b'/' if bytes.get(i + 1) == Some(&b'*') => {
                i = text[i + 2..]
                    .find("*/")
                    .map(|n| i + 2 + n + 2)
                    .ok_or_else(|| LiteralError::new(i, "expected `*/` to close this comment"))?;
            }
            _ => i += 1,
        }
        if stack.is_empty() {
            // `open` did not point at an opening bracket
            return Err(LiteralError::new(open, "expected `{` to open a literal"));
        }
    }
    let (opened, at) = stack.last().copied().unwrap_or((b'{', open));
    Err(LiteralError::new(
        at,
        format!(
            "expected `{}` to close the `{}` opened here before the end of the file",
            closer(opened) as char,
            opened as char
        ),
    ))
}

fn closer(open: u8) -> u8 {
    match open {
        b'{' => b'}',
        b'[' => b']',
        _ => b')',
    }
}

/// The offset just past the string (quote `'`, `"` or `` ` ``) that starts at `start`.
fn skip_string(text: &str, start: usize) -> Result<usize, LiteralError> {
    let bytes = text.as_bytes();
    let quote = bytes[start];
    let mut i = start + 1;
    while i < bytes.len() {
        match bytes[i] {
            // `\` before `\r\n` continues the string on the next line
            b'\\' if text[i + 1..].starts_with("\r\n") => i += 3,
            b'\\' => i += 2,
            b'\n' if quote != b'`' => break,
            c if c == quote => return Ok(i + 1),
            _ => i += 1,
        }
    }
    Err(LiteralError::new(
        start,
        format!(
            "expected `{}` to close this string on the same line",
            quote as char
        ),
    ))
}

/// Read a literal (the whole of `text`, e.g. `{request: {...}, response: {...}}`) into JSON.
///
/// ```
/// use docmock::extract::jslit::parse;
/// let lit = parse("{status: 200, body: {b: 'x', a: [1, 2,], at: new Date().toISOString()}}").unwrap();
/// assert_eq!(lit.value.to_string(), r#"{"status":200,"body":{"b":"x","a":[1,2],"at":null}}"#);
/// assert_eq!(lit.computed[0].pointer, "/body/at");
/// assert_eq!(lit.span("/body").map(|r| r.start), Some(20));
/// ```
pub fn parse(text: &str) -> Result<Literal, LiteralError> {
    parse_with(text, Spans::Every)
}

/// Which values [`parse_with`] records the byte span of.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Spans {
    /// Every value: a doc line for any difference's pointer.
    Every,
    /// Values at most this many keys below the root (`2`: `/response/body`): a big literal
    /// would otherwise keep a pointer string per value, several times its own size.
    Within(usize),
}

/// [`parse`], recording only the spans `spans` asks for.
pub fn parse_with(text: &str, spans: Spans) -> Result<Literal, LiteralError> {
    let mut scanner = Scanner {
        text,
        bytes: text.as_bytes(),
        pos: 0,
        depth: 0,
        path: Vec::new(),
        computed: Vec::new(),
        spans: Vec::new(),
        spans_within: match spans {
            Spans::Every => usize::MAX,
            Spans::Within(depth) => depth,
        },
    };
    scanner.skip_trivia()?;
    let mut value = scanner.value()?;
    scanner.skip_trivia()?;
    if scanner.pos < text.len() {
        return Err(LiteralError::new(
            scanner.pos,
            "expected the end of the literal after its value",
        ));
    }
    let Scanner {
        computed, spans, ..
    } = scanner;
    let mut found = Vec::new();
    take_sentinels(&mut value, &mut String::new(), &mut found);
    let computed = found
        .into_iter()
        .filter_map(|(pointer, n)| {
            computed.get(n).map(|(generator, expression)| ComputedAt {
                pointer,
                generator: *generator,
                expression: expression.clone(),
            })
        })
        .collect();
    Ok(Literal {
        value,
        computed,
        spans,
    })
}

/// A scalar read by json5 (`token` starts at byte `at` of the literal): a string with escapes
/// or a number written as JavaScript allows. An error is placed at the scalar's start.
fn json5_scalar(token: &str, at: usize) -> Result<Value, LiteralError> {
    json5::from_str(token).map_err(|e| {
        let json5::Error::Message { msg, .. } = e;
        // pest's report ends in a line such as ` = expected boolean, null, or string`
        let last = msg.lines().last().unwrap_or(&msg).trim();
        let last = last.trim_start_matches('=').trim();
        let message = if last.starts_with("expected") {
            format!("expected a valid json5 value here ({last})")
        } else {
            format!("expected a valid json5 value here: {last}")
        };
        LiteralError::new(at, message)
    })
}

/// Prefix of the strings that stand in for computed expressions while the literal is read.
const SENTINEL: &str = "\u{1}docmock-computed-";

struct Scanner<'a> {
    text: &'a str,
    bytes: &'a [u8],
    pos: usize,
    depth: usize,
    /// Keys and indices from the root to the value being read.
    path: Vec<String>,
    /// Recognised expressions, by sentinel number.
    computed: Vec<(Generator, String)>,
    spans: Vec<(String, Range<usize>)>,
    /// Spans are recorded for values at most this deep ([`Spans`]).
    spans_within: usize,
}

impl Scanner<'_> {
    fn peek(&self) -> Option<u8> {
        self.bytes.get(self.pos).copied()
    }

    fn error<T>(&self, at: usize, message: impl Into<String>) -> Result<T, LiteralError> {
        Err(LiteralError::new(at, message))
    }

    /// Skip white space and comments.
    fn skip_trivia(&mut self) -> Result<(), LiteralError> {
        loop {
            match self.peek() {
                Some(c) if c.is_ascii_whitespace() => self.pos += 1,
                Some(b'/') if self.bytes.get(self.pos + 1) == Some(&b'/') => {
                    self.pos = self.text[self.pos..]
                        .find('\n')
                        .map_or(self.bytes.len(), |n| self.pos + n);
                }
                Some(b'/') if self.bytes.get(self.pos + 1) == Some(&b'*') => {
                    match self.text[self.pos + 2..].find("*/") {
                        Some(n) => self.pos += 2 + n + 2,
                        None => return self.error(self.pos, "expected `*/` to close this comment"),
                    }
                }
                _ => {
                    // U+00A0 and other Unicode spaces
                    match self.text[self.pos..].chars().next() {
                        Some(c) if c.is_whitespace() => self.pos += c.len_utf8(),
                        _ => return Ok(()),
                    }
                }
            }
        }
    }

    fn value(&mut self) -> Result<Value, LiteralError> {
        let start = self.pos;
        let value = match self.peek() {
            None => return self.error(start, "expected a value before the end of the literal"),
            Some(b'{') => self.object()?,
            Some(b'[') => self.array()?,
            Some(b'"' | b'\'') => {
                self.pos = skip_string(self.text, start)?;
                let token = &self.text[start..self.pos];
                let inner = &token[1..token.len() - 1];
                if inner.contains('\\') {
                    json5_scalar(token, start)?
                } else {
                    Value::String(inner.to_string())
                }
            }
            Some(b'`') => return self.template(),
            Some(b'.') if self.text[start..].starts_with("...") => {
                return self.error(start, "expected a value, found `...`");
            }
            Some(c) if c.is_ascii_digit() || matches!(c, b'-' | b'+' | b'.') => self.number()?,
            Some(_) => {
                let end = self.expression_end(start)?;
                if end == start {
                    return self.error(start, "expected a value");
                }
                let word = self.text[start..end].trim();
                let value = match word {
                    "true" => Value::Bool(true),
                    "false" => Value::Bool(false),
                    // JSON has no infinities: json5 reads them (and NaN) as null too
                    "null" | "Infinity" | "-Infinity" | "NaN" => Value::Null,
                    _ => return self.expression(start, end),
                };
                self.pos = end;
                value
            }
        };
        self.record_span(start);
        // `"a" + "b"`, `1000 * 60`: the value goes on as an expression
        let save = self.pos;
        self.skip_trivia()?;
        match self.peek() {
            Some(
                b'+' | b'-' | b'*' | b'/' | b'%' | b'?' | b'.' | b'|' | b'&' | b'<' | b'>' | b'='
                | b'(' | b'[',
            ) => {
                let end = self.expression_end(start)?;
                self.expression(start, end)
            }
            _ => {
                // what follows is for the enclosing object or array to judge
                self.pos = save;
                Ok(value)
            }
        }
    }

    /// A number as JavaScript writes it: `1_000`, `0x1F`, `.5`, `+1`, `1e3`.
    fn number(&mut self) -> Result<Value, LiteralError> {
        let start = self.pos;
        while self
            .peek()
            .is_some_and(|c| c.is_ascii_alphanumeric() || matches!(c, b'.' | b'_' | b'+' | b'-'))
        {
            // a sign only leads, or follows an exponent
            let c = self.bytes[self.pos];
            if matches!(c, b'+' | b'-')
                && self.pos > start
                && !matches!(self.bytes[self.pos - 1], b'e' | b'E')
            {
                break;
            }
            self.pos += 1;
        }
        let number = &self.text[start..self.pos];
        let plain = number.replace('_', "");
        if let Ok(integer) = plain.parse::<i64>() {
            return Ok(Value::from(integer));
        }
        // JavaScript reads an integer too large for 64 bits as a float; json5 fails
        let digits = plain.trim_start_matches(['-', '+']);
        let read = if !digits.is_empty() && digits.bytes().all(|b| b.is_ascii_digit()) {
            json5_scalar(&format!("{plain}.0"), start)
        } else {
            json5_scalar(&plain, start)
        };
        read.map_err(|_| LiteralError::new(start, format!("expected a number, found `{number}`")))
    }

    fn record_span(&mut self, start: usize) {
        if self.path.len() <= self.spans_within {
            self.spans.push((pointer_of(&self.path), start..self.pos));
        }
    }

    /// The end of an expression starting at `start`: the next `,`, `}` or `]` outside brackets
    /// and strings.
    fn expression_end(&self, start: usize) -> Result<usize, LiteralError> {
        let mut i = start;
        let mut depth = 0usize;
        while i < self.bytes.len() {
            match self.bytes[i] {
                b'(' | b'[' | b'{' => depth += 1,
                b')' | b']' | b'}' if depth > 0 => depth -= 1,
                b',' | b']' | b'}' if depth == 0 => break,
                b'"' | b'\'' | b'`' => {
                    i = skip_string(self.text, i)?;
                    continue;
                }
                b'/' if matches!(self.bytes.get(i + 1), Some(b'/' | b'*')) && depth == 0 => break,
                _ => {}
            }
            i += 1;
        }
        // trailing white space belongs to what follows
        Ok(start + self.text[start..i].trim_end().len())
    }

    /// A JavaScript expression at `start..end`: a known generator, or an error.
    fn expression(&mut self, start: usize, end: usize) -> Result<Value, LiteralError> {
        let written = &self.text[start..end];
        let expression = written.split_whitespace().collect::<Vec<_>>().join(" ");
        let Some(generator) = generator_of(&expression) else {
            return self.error(
                start,
                format!(
                    "cannot interpret the javascript expression `{expression}`: expected a json value or one of {}",
                    KNOWN_EXPRESSIONS.iter().map(|e| format!("`{e}`")).collect::<Vec<_>>().join(", ")
                ),
            );
        };
        let n = self.computed.len();
        self.computed.push((generator, expression));
        self.pos = end;
        self.record_span(start);
        Ok(Value::String(format!("{SENTINEL}{n}")))
    }

    /// A template string: without `${...}` it is a plain string.
    fn template(&mut self) -> Result<Value, LiteralError> {
        let start = self.pos;
        let end = skip_string(self.text, start)?;
        let inner = &self.text[start + 1..end - 1];
        if inner.contains("${") {
            let end = self.expression_end(start)?;
            return self.expression(start, end);
        }
        let content = inner
            .replace("\\`", "`")
            .replace("\\$", "$")
            .replace("\\\\", "\\");
        self.pos = end;
        self.record_span(start);
        Ok(Value::String(content))
    }

    fn enter(&mut self) -> Result<(), LiteralError> {
        self.depth += 1;
        if self.depth > MAX_DEPTH {
            return self.error(
                self.pos,
                format!(
                    "literal nested deeper than {MAX_DEPTH} levels: expected a flatter example"
                ),
            );
        }
        Ok(())
    }

    fn object(&mut self) -> Result<Value, LiteralError> {
        let open = self.pos;
        // gathered first, so the map is built at its exact size: a literal of many small
        // objects would otherwise keep up to half of each map's room unused
        let mut entries = Vec::new();
        self.enter()?;
        self.pos += 1;
        loop {
            self.skip_trivia()?;
            match self.peek() {
                None => return self.error(open, "expected `}` to close this object"),
                Some(b'}') => break,
                _ => {}
            }
            let key = self.key()?;
            self.skip_trivia()?;
            if self.peek() != Some(b':') {
                return self.error(self.pos, format!("expected `:` after the key `{key}`"));
            }
            self.pos += 1;
            self.skip_trivia()?;
            self.path.push(key);
            let value = self.value()?;
            let key = self.path.pop().unwrap_or_default();
            entries.push((key, value));
            self.skip_trivia()?;
            match self.peek() {
                Some(b',') => self.pos += 1,
                Some(b'}') => break,
                None => return self.error(open, "expected `}` to close this object"),
                Some(_) => return self.error(self.pos, "expected `,` or `}` after the value"),
            }
        }
        self.pos += 1;
        self.depth -= 1;
        // a repeated key keeps its first place and its last value, as JavaScript does
        Ok(Value::Object(entries.into_iter().collect()))
    }

    /// An object key: an identifier, a quoted string or a number; returned decoded.
    fn key(&mut self) -> Result<String, LiteralError> {
        let start = self.pos;
        match self.peek() {
            Some(b'"' | b'\'') => {
                let end = skip_string(self.text, start)?;
                self.pos = end;
                let inner = &self.text[start + 1..end - 1];
                if !inner.contains('\\') {
                    return Ok(inner.to_string());
                }
                match json5_scalar(&self.text[start..end], start)? {
                    Value::String(key) => Ok(key),
                    _ => self.error(start, "expected a key or `}`"),
                }
            }
            Some(b'.') if self.text[start..].starts_with("...") => self.error(
                start,
                "cannot interpret the spread `...` in an object: expected `key: value`",
            ),
            Some(b'[') => self.error(
                start,
                "cannot interpret a computed key: expected a plain key",
            ),
            _ => {
                let word: String = self.text[start..]
                    .chars()
                    .take_while(|c| c.is_alphanumeric() || matches!(c, '_' | '$' | '.' | '-' | '+'))
                    .collect();
                if word.is_empty() {
                    return self.error(start, "expected a key or `}`");
                }
                // `200: {...}` (JavaScript, not json5) is the key "200"
                self.pos += word.len();
                Ok(word)
            }
        }
    }

    fn array(&mut self) -> Result<Value, LiteralError> {
        let open = self.pos;
        let mut items = Vec::new();
        self.enter()?;
        self.pos += 1;
        let mut index = 0usize;
        loop {
            self.skip_trivia()?;
            match self.peek() {
                None => return self.error(open, "expected `]` to close this array"),
                Some(b']') => break,
                _ => {}
            }
            self.path.push(index.to_string());
            if self.text[self.pos..].starts_with("...")
                && !self.text[self.pos..].starts_with("...\"")
            {
                // `[{...}, ...]`: docs write a bare ellipsis for "more like these"
                let start = self.pos;
                self.pos += 3;
                if self.text[self.pos..].starts_with('.') {
                    return self.error(start, "expected a value, found `....`");
                }
                self.record_span(start);
                items.push(Value::String("...".to_string()));
            } else {
                items.push(self.value()?);
            }
            self.path.pop();
            index += 1;
            self.skip_trivia()?;
            match self.peek() {
                Some(b',') => self.pos += 1,
                Some(b']') => break,
                None => return self.error(open, "expected `]` to close this array"),
                Some(_) => return self.error(self.pos, "expected `,` or `]` after the value"),
            }
        }
        self.pos += 1;
        self.depth -= 1;
        items.shrink_to_fit();
        Ok(Value::Array(items))
    }
}

/// The expressions the extractor knows how to generate.
pub const KNOWN_EXPRESSIONS: &[&str] = &[
    "new Date().toISOString()",
    "new Date().toJSON()",
    "new Date()",
    "Date.now()",
    "Math.floor(Date.now() / 1000)",
    "crypto.randomUUID()",
    "uuid()",
];

/// The generator of a recognised expression (white space already collapsed).
pub fn generator_of(expression: &str) -> Option<Generator> {
    let compact: String = expression.chars().filter(|c| !c.is_whitespace()).collect();
    let compact = compact.trim_end_matches(';');
    Some(match compact {
        "newDate().toISOString()"
        | "newDate().toJSON()"
        | "newDate()"
        | "(newDate()).toISOString()" => Generator::NowIso8601,
        "Date.now()" | "newDate().getTime()" | "+newDate()" => Generator::NowUnixMillis,
        "Math.floor(Date.now()/1000)"
        | "Math.round(Date.now()/1000)"
        | "Math.trunc(Date.now()/1000)" => Generator::NowUnixSeconds,
        "crypto.randomUUID()" | "uuid()" | "uuidv4()" | "uuid.v4()" | "randomUUID()" => {
            Generator::Uuid
        }
        _ => return None,
    })
}

/// Replace the sentinels by `null` and collect their pointers and numbers.
fn take_sentinels(value: &mut Value, pointer: &mut String, found: &mut Vec<(String, usize)>) {
    match value {
        Value::String(s) => {
            if let Some(n) = s.strip_prefix(SENTINEL).and_then(|n| n.parse().ok()) {
                found.push((pointer.clone(), n));
                *value = Value::Null;
            }
        }
        Value::Array(items) => {
            for (i, item) in items.iter_mut().enumerate() {
                let len = pointer.len();
                pointer.push('/');
                pointer.push_str(&i.to_string());
                take_sentinels(item, pointer, found);
                pointer.truncate(len);
            }
        }
        Value::Object(map) => {
            for (key, item) in map.iter_mut() {
                let len = pointer.len();
                pointer.push('/');
                pointer.push_str(&pointer::token(key));
                take_sentinels(item, pointer, found);
                pointer.truncate(len);
            }
        }
        _ => {}
    }
}

/// A JSON pointer from keys (RFC 6901).
pub fn pointer_of(path: &[String]) -> String {
    path.iter()
        .map(|k| format!("/{}", pointer::token(k)))
        .collect()
}

/// Words that stand for "more elements like these" in a documented array.
const ELLIPSES: &[&str] = &["...", "…", "etc", "etc.", "etcetera", "et cetera"];

/// Pointers (inside `body`) of the array elements that mean "more elements like these":
/// `{etc: "etc"}`, `"..."`, `"etc"`.
pub fn placeholders(body: &Value) -> Vec<(String, PlaceholderKind)> {
    let mut out = Vec::new();
    find_placeholders(body, &mut String::new(), &mut out, 0);
    out
}

fn find_placeholders(
    value: &Value,
    pointer: &mut String,
    out: &mut Vec<(String, PlaceholderKind)>,
    depth: usize,
) {
    if depth > 256 {
        return;
    }
    let is_ellipsis = |s: &str| ELLIPSES.contains(&s.trim().to_lowercase().as_str());
    match value {
        Value::Array(items) => {
            for (i, item) in items.iter().enumerate() {
                let len = pointer.len();
                pointer.push('/');
                pointer.push_str(&i.to_string());
                let more = match item {
                    Value::String(s) => is_ellipsis(s),
                    Value::Object(map) => !map.is_empty() && map.keys().all(|k| is_ellipsis(k)),
                    _ => false,
                };
                if more {
                    out.push((pointer.clone(), PlaceholderKind::MoreElements));
                } else {
                    find_placeholders(item, pointer, out, depth + 1);
                }
                pointer.truncate(len);
            }
        }
        Value::Object(map) => {
            for (key, item) in map {
                let len = pointer.len();
                pointer.push('/');
                pointer.push_str(&pointer::token(key));
                find_placeholders(item, pointer, out, depth + 1);
                pointer.truncate(len);
            }
        }
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn finds_the_end_past_strings_and_comments() {
        let text = r#"{a: "}", b: '\'}', c: `}`, /* } */ // }
        d: [{}]} tail"#;
        let end = find_end(text, 0).unwrap();
        assert_eq!(&text[end..], " tail");
    }

    #[test]
    fn reports_an_unterminated_literal_where_it_opens() {
        let err = find_end("x {a: {b: 1}", 2).unwrap_err();
        assert_eq!(err.offset, 2);
        assert!(err.message.contains("expected `}`"), "{}", err.message);
        let err = find_end("{a: [1}", 0).unwrap_err();
        assert!(err.message.starts_with("expected `]`"), "{}", err.message);
    }

    #[test]
    fn refuses_deep_nesting_before_parsing() {
        let deep = format!("{}{}", "[".repeat(10_000), "]".repeat(10_000));
        assert!(find_end(&deep, 0)
            .unwrap_err()
            .message
            .contains("nested deeper"));
        assert!(parse(&deep).unwrap_err().message.contains("nested deeper"));
        let ok = format!("{}{}", "[".repeat(MAX_DEPTH), "]".repeat(MAX_DEPTH));
        assert!(parse(&ok).is_ok());
    }

    #[test]
    fn reads_javascript_literal_syntax_in_order() {
        let lit = parse(
            r#"{ z: 1, 'a b': 'it\'s', "q": "say \"hi\"", t: `tpl`, list: [1, 2,], // c
              /* c */ n: null, f: -1.5e3, h: 0x1F, }"#,
        )
        .unwrap();
        assert_eq!(
            lit.value,
            json!({"z": 1, "a b": "it's", "q": "say \"hi\"", "t": "tpl", "list": [1, 2], "n": null, "f": -1500.0, "h": 31})
        );
        let keys: Vec<_> = lit.value.as_object().unwrap().keys().cloned().collect();
        assert_eq!(keys, ["z", "a b", "q", "t", "list", "n", "f", "h"]);
    }

    #[test]
    fn computed_values_become_markers_at_their_pointer() {
        let text = "{response: {body: {a: [{last: new Date().toISOString() }], b: Date.now()}}}";
        let lit = parse(text).unwrap();
        assert_eq!(
            lit.value,
            json!({"response": {"body": {"a": [{"last": null}], "b": null}}})
        );
        assert_eq!(lit.computed.len(), 2);
        assert_eq!(lit.computed[0].pointer, "/response/body/a/0/last");
        assert_eq!(lit.computed[0].generator, Generator::NowIso8601);
        assert_eq!(lit.computed[0].expression, "new Date().toISOString()");
        assert_eq!(lit.computed[1].generator, Generator::NowUnixMillis);
        let body = lit.span("/response/body").unwrap();
        assert!(text[body].starts_with("{a: ["));
    }

    #[test]
    fn unknown_expressions_are_errors_at_their_place() {
        let text = "{a: 1,\n b: someVariable.field}";
        let err = parse(text).unwrap_err();
        assert_eq!(err.offset, text.find("someVariable").unwrap());
        assert!(
            err.message
                .contains("cannot interpret the javascript expression `someVariable.field`"),
            "{}",
            err.message
        );
        let err = parse("{a: 'x' + 'y'}").unwrap_err();
        assert!(err.message.contains("`'x' + 'y'`"), "{}", err.message);
    }

    #[test]
    fn syntax_errors_name_what_was_expected() {
        assert!(parse("{a 1}").unwrap_err().message.contains("expected `:`"));
        assert!(parse("{a: 1 b: 2}")
            .unwrap_err()
            .message
            .contains("expected `,` or `}`"));
        assert!(parse("{a: 'x}")
            .unwrap_err()
            .message
            .contains("close this string"));
        assert_eq!(
            parse("{a: [1,,2]}").unwrap_err().message,
            "expected a value"
        );
        let err = parse("{a: 0x}").unwrap_err();
        assert_eq!(err.offset, 4);
        assert_eq!(err.message, "expected a number, found `0x`");
        let read = |t: &str| parse(t).unwrap().value;
        assert_eq!(read("{a: 1_000}"), json!({"a": 1000}));
        assert_eq!(read("{a: 99999999999999999999}"), json!({"a": 1e20}));
    }

    #[test]
    fn ellipses_in_arrays_are_placeholders() {
        let lit = parse("{list: [{id: 1}, {etc: 'etc'}, '...', ...]}").unwrap();
        assert_eq!(
            lit.value,
            json!({"list": [{"id": 1}, {"etc": "etc"}, "...", "..."]})
        );
        let found: Vec<_> = placeholders(&lit.value)
            .into_iter()
            .map(|(p, _)| p)
            .collect();
        assert_eq!(found, ["/list/1", "/list/2", "/list/3"]);
    }
}
