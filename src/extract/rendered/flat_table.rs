//! Parameter table rows flattened by a text rendering: the cells of `| name | type | desc |`
//! run together, as in `dossier_idstringRequired. Unique identifier...`. The name is the
//! identifier before a known type word; the description is what follows the type.

/// The type words a flattened row may use, longest first so `'array of strings'` wins over
/// `array` and `integer` over `int`.
const TYPES: &[&str] = &[
    "array of strings",
    "array of integers",
    "array of objects",
    "array of hashes",
    "datetime",
    "timestamp",
    "boolean",
    "integer",
    "decimal",
    "number",
    "object",
    "string",
    "float",
    "array",
    "hash",
    "date",
    "time",
    "json",
    "uuid",
    "bool",
    "file",
    "int",
];

/// One recovered row.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FlatRow {
    pub name: String,
    /// The type word as written, without quotes or backticks.
    pub ty: String,
    pub description: String,
    /// From a "Required" column, when the table has one.
    pub required: Option<bool>,
}

/// Split a flattened row; `None` when no identifier is followed by a type word.
///
/// ```
/// use docmock::extract::rendered::flat_table::parse_row;
/// let row = parse_row("dossier_idstringRequired. Unique identifier.").unwrap();
/// assert_eq!((row.name.as_str(), row.ty.as_str()), ("dossier_id", "string"));
/// assert_eq!(row.description, "Required. Unique identifier.");
/// ```
///
/// Among the places where an identifier meets a type word, the first one after which the
/// description starts like a description (upper case, `[`, a quote, or nothing) wins, so that
/// `description_stringstringString ...` reads as `description_string` / `string`.
pub fn parse_row(line: &str) -> Option<FlatRow> {
    let line = line.trim();
    if let Some(row) = separated_row(line) {
        return Some(row);
    }
    let mut fallback = None;
    for (i, c) in line.char_indices() {
        if i > 0 {
            for candidate in candidates_at(line, i) {
                if starts_like_description(&candidate.description) {
                    return Some(candidate);
                }
                fallback.get_or_insert(candidate);
            }
        }
        if !is_name_char(c) {
            break;
        }
    }
    fallback
}

/// The cells of a line that kept a separator: tabs (a browser's "save as text" of a table)
/// or ` | `; `None` for a flattened line.
pub fn split_cells(line: &str) -> Option<Vec<String>> {
    let cells: Vec<String> = if line.contains('\t') {
        line.split('\t').map(|c| c.trim().to_string()).collect()
    } else if line.contains(" | ") {
        let line = line.trim().trim_start_matches('|').trim_end_matches('|');
        line.split(" | ").map(|c| c.trim().to_string()).collect()
    } else {
        return None;
    };
    (cells.len() >= 2).then_some(cells)
}

/// The lower-cased column names of a header row, if `cells` is one: the first names the
/// parameter, another gives its type or description.
pub fn header_columns(cells: &[String]) -> Option<Vec<String>> {
    let lower: Vec<String> = cells
        .iter()
        .map(|c| c.trim().trim_matches('*').to_ascii_lowercase())
        .collect();
    let is_header = lower.len() >= 2
        && matches!(
            lower[0].as_str(),
            "name" | "parameter" | "field" | "attribute" | "key"
        )
        && lower[1..].iter().any(|c| c == "type" || c == "description");
    is_header.then_some(lower)
}

/// A row from its cells, by the header's column names (name, type, description, required);
/// without a header the columns are name, type, description.
pub fn row_from_cells(cells: &[String], header: Option<&[String]>) -> FlatRow {
    let col =
        |names: &[&str]| header.and_then(|h| h.iter().position(|c| names.contains(&c.as_str())));
    let get = |i: Option<usize>| {
        i.and_then(|i| cells.get(i))
            .map(|c| c.trim().to_string())
            .unwrap_or_default()
    };
    let name = get(col(&["name", "parameter", "field", "attribute", "key"]).or(Some(0)));
    let required = col(&["required", "required?"])
        .and_then(|i| crate::extract::prose::wording::required_flag(&get(Some(i))));
    FlatRow {
        name: name.trim_matches('`').to_string(),
        ty: get(col(&["type"]).or(header.map_or(Some(1), |_| None)))
            .trim_matches(|c| c == '`' || c == '\'')
            .to_string(),
        description: get(col(&["description"]).or(header.map_or(Some(2), |_| None))),
        required,
    }
}

/// A separated row without a header: name, type, then the description.
fn separated_row(line: &str) -> Option<FlatRow> {
    let cells = split_cells(line)?;
    let valid = cells[0].trim_matches('`').chars().all(is_name_char)
        && !cells[0].trim_matches('`').is_empty()
        && !cells[1].is_empty()
        && cells[1].split_whitespace().count() <= 4;
    let mut row = row_from_cells(&cells[..2], None);
    row.description = cells[2..].join(" ").trim().to_string();
    valid.then_some(row)
}

/// Whether a header row reads `Name Type Description` (cells flattened or separated).
pub fn is_header(line: &str) -> bool {
    if let Some(cells) = split_cells(line) {
        return header_columns(&cells).is_some();
    }
    let squashed: String = line
        .chars()
        .filter(|c| c.is_alphanumeric())
        .collect::<String>()
        .to_ascii_lowercase();
    matches!(
        squashed.as_str(),
        "nametypedescription"
            | "parametertypedescription"
            | "nametyperequireddescription"
            | "parametertyperequireddescription"
    )
}

fn is_name_char(c: char) -> bool {
    c.is_ascii_alphanumeric() || matches!(c, '_' | '-' | '.' | '[' | ']')
}

/// Rows where the type word begins at byte `i`, optionally quoted: `'array of strings'`,
/// `` `hash ``.
fn candidates_at(line: &str, i: usize) -> Vec<FlatRow> {
    let name = &line[..i];
    if !name
        .chars()
        .next()
        .is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
    {
        return Vec::new();
    }
    let rest = &line[i..];
    let (quote, rest) = match rest.chars().next() {
        Some(q @ ('\'' | '`' | '"')) => (Some(q), &rest[1..]),
        _ => (None, rest),
    };
    let mut out = Vec::new();
    for ty in TYPES {
        let Some(after) = rest.strip_prefix(ty) else {
            continue;
        };
        let after = match quote {
            Some(q) => after.strip_prefix(q).unwrap_or(after),
            None => after,
        };
        out.push(FlatRow {
            name: name.to_string(),
            ty: ty.to_string(),
            description: after.trim().to_string(),
            required: None,
        });
    }
    out
}

fn starts_like_description(description: &str) -> bool {
    match description.chars().next() {
        None => true,
        Some(c) => c.is_uppercase() || c.is_ascii_digit() || "['\"`(*".contains(c),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn row(line: &str) -> (String, String, String) {
        let r = parse_row(line).unwrap_or_else(|| panic!("no row in {line:?}"));
        (r.name, r.ty, r.description)
    }

    #[test]
    fn splits_name_type_and_description() {
        assert_eq!(
            row("dossier_idstringRequired. Unique identifier for the patient."),
            (
                "dossier_id".into(),
                "string".into(),
                "Required. Unique identifier for the patient.".into()
            )
        );
        assert_eq!(
            row("questionnaire_keysarrayArray of keys").0,
            "questionnaire_keys"
        );
        assert_eq!(row("completed_beforetimeOnly return responses").1, "time");
    }

    #[test]
    fn reads_quoted_and_backticked_types() {
        assert_eq!(
            row("questionnaire_keys'array of strings'Only return responses"),
            (
                "questionnaire_keys".into(),
                "array of strings".into(),
                "Only return responses".into()
            )
        );
        assert_eq!(
            row("flags`hashHash of flag_name to boolean"),
            (
                "flags".into(),
                "hash".into(),
                "Hash of flag_name to boolean".into()
            )
        );
    }

    #[test]
    fn prefers_the_split_where_a_description_starts() {
        assert_eq!(
            row("description_stringstringString describing it").0,
            "description_string"
        );
        assert_eq!(
            row("statusstring['completed', 'aborted'] Only return").2,
            "['completed', 'aborted'] Only return"
        );
        assert_eq!(row("idintegerId uniquely identifying").0, "id");
        assert_eq!(
            row("external_idstring[Required] ID as managed").2,
            "[Required] ID as managed"
        );
    }

    #[test]
    fn reads_rows_whose_cells_kept_a_separator() {
        assert_eq!(
            row("dossier_id\tstring\tRequired. Unique identifier."),
            (
                "dossier_id".into(),
                "string".into(),
                "Required. Unique identifier.".into()
            )
        );
        assert_eq!(
            row("`tags` | `array of strings` | Labels"),
            ("tags".into(), "array of strings".into(), "Labels".into())
        );
        assert_eq!(
            parse_row("a sentence | with a bar in it and more words here | x"),
            None
        );
    }

    #[test]
    fn maps_cells_by_the_header_columns() {
        let cells = |s: &str| {
            s.split('|')
                .map(|c| c.trim().to_string())
                .collect::<Vec<_>>()
        };
        let header = header_columns(&cells("Name|Type|Required|Description")).unwrap();
        let r = row_from_cells(
            &cells("`limit`|integer|Yes|At most this many"),
            Some(&header),
        );
        assert_eq!(
            (
                r.name.as_str(),
                r.ty.as_str(),
                r.description.as_str(),
                r.required
            ),
            ("limit", "integer", "At most this many", Some(true))
        );
        let header = header_columns(&cells("Parameter|Description|Type")).unwrap();
        let r = row_from_cells(&cells("id|The id|string"), Some(&header));
        assert_eq!((r.ty.as_str(), r.required), ("string", None));
        assert_eq!(header_columns(&cells("Id|Status")), None);
        assert!(is_header("Name\tType\tRequired\tDescription"));
    }

    #[test]
    fn prose_is_not_a_row() {
        assert_eq!(
            parse_row("When an array of questionnaire keys is provided."),
            None
        );
        assert_eq!(
            parse_row("open - This response is completable right now."),
            None
        );
        assert_eq!(parse_row(""), None);
    }

    #[test]
    fn recognises_header_rows() {
        assert!(is_header("NameTypeDescription"));
        assert!(is_header("Name | Type | Description"));
        assert!(!is_header("Name Description Type Additional information"));
    }
}
