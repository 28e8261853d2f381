//! `--ignore FILE`: known changes a team accepted, one a line: `DF005 POST /a/{id} reason...`.
//! Blank lines and lines starting with `#` are skipped. A line matches a change of its rule on
//! its endpoint (parameter names in the route do not matter, as for diff's identity).

use super::{route_identity, Change, Rule};
use serde::Serialize;

/// One accepted change.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Ignore {
    pub rule: Rule,
    pub method: String,
    pub route: String,
    pub reason: String,
    /// Where the line is, for "unused ignore" warnings.
    pub file: String,
    pub line: usize,
}

/// An ignore line that does not say a rule, a method and a route.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{file}:{line}:{col}: {message}")]
pub struct IgnoreError {
    pub file: String,
    pub line: usize,
    pub col: usize,
    pub message: String,
}

impl Ignore {
    /// Read an ignore file's text; `file` names it in errors.
    pub fn parse(text: &str, file: &str) -> Result<Vec<Ignore>, IgnoreError> {
        let mut out = Vec::new();
        for (n, raw) in text.lines().enumerate() {
            let trimmed = raw.trim();
            if trimmed.is_empty() || trimmed.starts_with('#') {
                continue;
            }
            let col = raw.len() - raw.trim_start().len() + 1;
            let error = |col: usize, message: String| IgnoreError {
                file: file.to_string(),
                line: n + 1,
                col,
                message,
            };
            let mut words = trimmed.splitn(4, char::is_whitespace);
            let id = words.next().unwrap_or_default();
            let rule = Rule::from_id(id)
                .ok_or_else(|| error(col, format!("unknown diff rule `{id}` (DF001 ...)")))?;
            let (Some(method), Some(route)) = (words.next(), words.next()) else {
                return Err(error(
                    col,
                    "expected `DFxxx METHOD /route reason...`".to_string(),
                ));
            };
            if !route.starts_with('/') {
                return Err(error(
                    col,
                    format!("expected a route starting with `/`, got `{route}`"),
                ));
            }
            out.push(Ignore {
                rule,
                method: method.to_ascii_uppercase(),
                route: route.to_string(),
                reason: words.next().unwrap_or_default().trim().to_string(),
                file: file.to_string(),
                line: n + 1,
            });
        }
        Ok(out)
    }

    /// Does this line accept `change`?
    pub fn matches(&self, change: &Change) -> bool {
        self.rule == change.rule
            && route_identity(&self.method, &self.route, false)
                == route_identity(&change.method, &change.route, false)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ignore_lines_name_a_rule_an_endpoint_and_a_reason() {
        let text =
            "# accepted in review\n\nDF005 post /a/{id} moved to 201 on purpose\nDF001 GET /b\n";
        let ignores = Ignore::parse(text, "ignore.txt").unwrap();
        assert_eq!(ignores.len(), 2);
        assert_eq!(
            (
                ignores[0].rule,
                ignores[0].method.as_str(),
                ignores[0].route.as_str(),
                ignores[0].reason.as_str(),
                ignores[0].line
            ),
            (
                Rule::StatusChanged,
                "POST",
                "/a/{id}",
                "moved to 201 on purpose",
                3
            )
        );
        assert_eq!(ignores[1].reason, "");
    }

    #[test]
    fn a_bad_ignore_line_is_an_error_at_its_place() {
        let err = Ignore::parse("DF001 GET /a\n  DX9 GET /b\n", "i.txt").unwrap_err();
        assert_eq!(
            err.to_string(),
            "i.txt:2:3: unknown diff rule `DX9` (DF001 ...)"
        );
        let err = Ignore::parse("DF001 GET\n", "i.txt").unwrap_err();
        assert_eq!(
            err.to_string(),
            "i.txt:1:1: expected `DFxxx METHOD /route reason...`"
        );
    }
}
