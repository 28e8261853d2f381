//! Classifying a table as a reader does: which columns hold what, whether it lists request
//! parameters, response fields, or the attributes of a row of an earlier table, and where its
//! parameters go.

use super::wording::plain;
use crate::fixture::ParamLocation;

/// Which columns of a table hold a row's name, type, description, requirement, place, allowed
/// values and default.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Columns {
    pub name: usize,
    pub ty: Option<usize>,
    pub description: Option<usize>,
    pub required: Option<usize>,
    pub location: Option<usize>,
    pub allowed: Option<usize>,
    pub default: Option<usize>,
    /// How many cells the header has.
    pub width: usize,
}

/// What a table header says about the table.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Header {
    /// A parameter-like table: a name column and a type or description column.
    Rows(Columns),
    /// It has a Type (or Required) column but no column docmock reads as the name.
    NoNameColumn,
    /// Any other table (status codes, fruit and colours).
    Other,
}

const NAME: &[&str] = &[
    "name",
    "parameter",
    "param",
    "field",
    "key",
    "attribute",
    "argument",
    "property",
    "parameter name",
    "field name",
    "attribute name",
    "property name",
    "query parameter",
    "body parameter",
    "path parameter",
    "header",
];
const TYPE: &[&str] = &[
    "type",
    "data type",
    "datatype",
    "format",
    "schema",
    "value type",
];
const DESCRIPTION: &[&str] = &[
    "description",
    "desc",
    "details",
    "notes",
    "meaning",
    "comment",
    "comments",
    "explanation",
];
const REQUIRED: &[&str] = &["required", "required?", "mandatory", "optional?", "req"];
const LOCATION: &[&str] = &[
    "in",
    "location",
    "where",
    "param type",
    "parameter type",
    "sent in",
];
const ALLOWED: &[&str] = &[
    "enum",
    "values",
    "allowed values",
    "possible values",
    "valid values",
    "accepted values",
    "options",
];
const DEFAULT: &[&str] = &["default", "default value", "defaults"];

impl Header {
    /// Classify a header row.
    pub fn of(header: &[String]) -> Header {
        let names: Vec<String> = header
            .iter()
            .map(|h| {
                plain(h)
                    .replace('`', "")
                    .trim()
                    .trim_end_matches(':')
                    .to_ascii_lowercase()
            })
            .collect();
        let find = |words: &[&str]| names.iter().position(|h| words.contains(&h.as_str()));
        let ty = find(TYPE);
        let description = find(DESCRIPTION);
        let required = find(REQUIRED);
        let location = find(LOCATION);
        let taken = [ty, description, required, location];
        let name = find(NAME).or_else(|| {
            names.iter().enumerate().position(|(i, h)| {
                !taken.contains(&Some(i))
                    && [
                        "name",
                        "param",
                        "field",
                        "attribute",
                        "property",
                        "key",
                        "argument",
                    ]
                    .iter()
                    .any(|w| h.contains(w))
            })
        });
        match name {
            Some(name) if ty.is_some() || description.is_some() => Header::Rows(Columns {
                name,
                ty,
                description,
                required,
                location,
                allowed: find(ALLOWED),
                default: find(DEFAULT),
                width: header.len(),
            }),
            None if ty.is_some() || (required.is_some() && description.is_some()) => {
                Header::NoNameColumn
            }
            _ => Header::Other,
        }
    }
}

/// The cells of a row, repaired when a `|` inside a cell split it: GFM splits
/// `string|array of string` into two cells, and `['a' | 'b']` too. Cells are joined back
/// where a bracket, quote or code span was left open, then at the type column when the extra
/// cells read as types, then at the last column when it is the description. `None` when the
/// row cannot be repaired.
pub fn repair(cells: &[String], columns: &Columns) -> Option<Vec<String>> {
    if cells.len() <= columns.width {
        return Some(cells.to_vec());
    }
    let mut cells: Vec<String> = cells.to_vec();
    // an open bracket, quote or code span continues into the next cell
    let mut i = 0;
    while i + 1 < cells.len() && cells.len() > columns.width {
        if is_open(&cells[i]) {
            let next = cells.remove(i + 1);
            cells[i] = format!("{} | {}", cells[i], next);
        } else {
            i += 1;
        }
    }
    let excess = cells.len().saturating_sub(columns.width);
    if excess == 0 {
        return Some(cells);
    }
    if let Some(ty) = columns.ty {
        let parts = cells.get(ty..=ty + excess)?;
        let all_types = parts.iter().all(|p| {
            !matches!(
                crate::fixture::ParamType::parse(p),
                crate::fixture::ParamType::Other(_)
            )
        });
        if all_types {
            let joined = parts.iter().map(|p| p.trim()).collect::<Vec<_>>().join("|");
            cells.splice(ty..=ty + excess, [joined]);
            return Some(cells);
        }
    }
    if columns.description == Some(columns.width - 1) {
        let tail = cells.split_off(columns.width - 1);
        cells.push(tail.join(" | "));
        return Some(cells);
    }
    None
}

/// Whether a cell leaves a `[`, a quote or a code span open.
fn is_open(cell: &str) -> bool {
    let count = |c: char| cell.matches(c).count();
    count('[') > count(']') || count('`') % 2 == 1 || count('(') > count(')')
}

/// Headings whose tables describe the response (and every table in the subsections below them).
pub fn is_response_heading(text: &str) -> bool {
    let lower = plain(text).replace('`', "").to_ascii_lowercase();
    let lower = lower.trim().trim_end_matches(':').trim();
    matches!(
        lower,
        "response"
            | "responses"
            | "returns"
            | "return value"
            | "return values"
            | "returned"
            | "attributes"
            | "output"
            | "result"
            | "results"
            | "example response"
    ) || lower.starts_with("response ")
        || lower.starts_with("returned ")
        || lower.starts_with("return ")
        || lower.contains("callback")
        || lower.contains("webhook")
}

/// Whether the paragraph before a table says the table describes a response or a callback:
/// "The callback url is called with the following params", "The response contains".
pub fn lead_is_response(lead: &str) -> bool {
    let lower = plain(lead).to_ascii_lowercase();
    [
        "callback",
        "webhook",
        "the response contains",
        "the response has",
        "the response includes",
        "the response body contains",
        "response attributes",
        "response fields",
        "returns the following",
        "the following fields are returned",
        "the following attributes are returned",
    ]
    .iter()
    .any(|w| lower.contains(w))
}

/// Where a parameter goes, when a heading ("Query parameters") or an `In` column says so.
pub fn location_named(text: &str) -> Option<ParamLocation> {
    let lower = plain(text).replace('`', "").to_ascii_lowercase();
    let lower = lower.trim();
    let path = ["path", "url", "uri", "route"];
    if path.contains(&lower)
        || path.iter().any(|p| {
            lower.contains(&format!("{p} param")) || lower.contains(&format!("{p} segment"))
        })
    {
        Some(ParamLocation::Path)
    } else if lower.contains("query") {
        Some(ParamLocation::Query)
    } else if lower == "header"
        || lower == "headers"
        || lower.contains("header param")
        || lower.starts_with("request header")
    {
        Some(ParamLocation::Header)
    } else if lower.contains("body") || lower.contains("form") {
        Some(ParamLocation::Body)
    } else {
        None
    }
}

/// Words that say a heading or sentence lists the members of something.
const MEMBER_WORDS: &[&str] = &[
    "attributes",
    "attribute",
    "fields",
    "field",
    "properties",
    "property",
    "keys",
    "parameters",
    "params",
    "object",
    "hash",
    "members",
    "elements",
    "items",
    "entries",
    "contains",
    "structure",
];

/// The parent row a heading or lead paragraph names ("#### subscription attributes",
/// "Attributes of `filters`", "`address` fields", a heading that is just the name), among
/// `parents` (full names such as `subscription` or `address[geo]`, nearest last).
pub fn nested_parent<'a>(text: &str, parents: &[&'a str]) -> Option<&'a str> {
    let lower = plain(text).to_ascii_lowercase();
    let words: Vec<&str> = lower
        .split(|c: char| !(c.is_alphanumeric() || matches!(c, '_' | '-' | '[' | ']')))
        .filter(|w| !w.is_empty())
        .collect();
    if words.is_empty() {
        return None;
    }
    let says_members = words.iter().any(|w| MEMBER_WORDS.contains(w));
    parents.iter().rev().copied().find(|parent| {
        let last = crate::fixture::split_name(parent)
            .into_iter()
            .rev()
            .find(|s| !s.is_empty())
            .unwrap_or(parent)
            .to_ascii_lowercase();
        let full = parent.to_ascii_lowercase();
        let named = words.iter().any(|w| *w == last || *w == full);
        named && (says_members || words.len() == 1)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn header(cells: &str) -> Header {
        Header::of(
            &cells
                .split('|')
                .map(|c| c.trim().to_string())
                .collect::<Vec<_>>(),
        )
    }

    #[test]
    fn classifies_headers() {
        let Header::Rows(c) = header("Parameter | Type | Required | Description") else {
            panic!("not rows");
        };
        assert_eq!(
            (c.name, c.ty, c.required, c.description),
            (0, Some(1), Some(2), Some(3))
        );
        assert!(matches!(
            header("Field name | Description"),
            Header::Rows(_)
        ));
        let Header::Rows(c) = header("Name | Type | Allowed values | Default | Description") else {
            panic!("not rows");
        };
        assert_eq!((c.allowed, c.default), (Some(2), Some(3)));
        assert_eq!(header("Type | Description"), Header::NoNameColumn);
        assert_eq!(header("Status | Description"), Header::Other);
        assert_eq!(header("Fruit | Colour"), Header::Other);
    }

    #[test]
    fn repairs_rows_split_inside_a_cell() {
        let Header::Rows(columns) = header("Name | Type | Description") else {
            panic!("not rows");
        };
        let cells = |s: &[&str]| s.iter().map(|c| c.to_string()).collect::<Vec<_>>();
        assert_eq!(
            repair(
                &cells(&["ids", "string", "array of string", "The ids."]),
                &columns
            ),
            Some(cells(&["ids", "string|array of string", "The ids."]))
        );
        assert_eq!(
            repair(
                &cells(&["status", "string", "['draft'(default)", "'published']"]),
                &columns
            ),
            Some(cells(&[
                "status",
                "string",
                "['draft'(default) | 'published']"
            ]))
        );
        assert_eq!(
            repair(&cells(&["a", "string", "x", "y"]), &columns),
            Some(cells(&["a", "string", "x | y"]))
        );
        let Header::Rows(columns) = header("Name | Description | Type") else {
            panic!("not rows");
        };
        assert_eq!(repair(&cells(&["a", "b", "c", "d"]), &columns), None);
    }

    #[test]
    fn names_response_headings_and_leads() {
        for h in [
            "Response",
            "Response Attributes",
            "Response fields",
            "Returns",
            "Attributes",
            "Callback parameters",
        ] {
            assert!(is_response_heading(h), "{h}");
        }
        for h in [
            "Parameters",
            "Query parameters",
            "subscription attributes",
            "Success",
        ] {
            assert!(!is_response_heading(h), "{h}");
        }
        assert!(lead_is_response(
            "The callback url is called with the following params:"
        ));
        assert!(!lead_is_response("Send these parameters:"));
        assert!(!lead_is_response(
            "Send these; an error is returned when one is missing."
        ));
    }

    #[test]
    fn finds_the_parent_a_heading_names() {
        let parents = ["subscription", "filters", "address", "items"];
        assert_eq!(
            nested_parent("subscription attributes", &parents),
            Some("subscription")
        );
        assert_eq!(
            nested_parent("Attributes of `filters`", &parents),
            Some("filters")
        );
        assert_eq!(nested_parent("`address` fields", &parents), Some("address"));
        assert_eq!(nested_parent("Items", &parents), Some("items"));
        assert_eq!(nested_parent("Filtering the address book", &parents), None);
        assert_eq!(nested_parent("Other attributes", &parents), None);
    }

    #[test]
    fn locations_from_headings_and_columns() {
        assert_eq!(
            location_named("Query parameters"),
            Some(ParamLocation::Query)
        );
        assert_eq!(location_named("URL Parameters"), Some(ParamLocation::Path));
        assert_eq!(location_named("Body parameters"), Some(ParamLocation::Body));
        assert_eq!(location_named("Headers"), Some(ParamLocation::Header));
        assert_eq!(location_named("formData"), Some(ParamLocation::Body));
        assert_eq!(location_named("Parameters"), None);
    }
}
