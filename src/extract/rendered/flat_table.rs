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
}

/// Split a flattened row; `None` when no identifier is followed by a type word.
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

/// A row whose cells kept a separator: tabs (a browser's "save as text" of a table) or ` | `.
fn separated_row(line: &str) -> Option<FlatRow> {
    let cells: Vec<&str> = if line.contains('\t') {
        line.split('\t').map(str::trim).collect()
    } else if line.contains(" | ") {
        line.trim_matches('|').split(" | ").map(str::trim).collect()
    } else {
        return None;
    };
    let [name, ty, rest @ ..] = cells.as_slice() else {
        return None;
    };
    let name = name.trim_matches('`');
    let valid = !name.is_empty()
        && name.chars().all(is_name_char)
        && !ty.is_empty()
        && ty.split_whitespace().count() <= 4;
    valid.then(|| FlatRow {
        name: name.to_string(),
        ty: ty.trim_matches(|c| c == '`' || c == '\'').to_string(),
        description: rest.join(" ").trim().to_string(),
    })
}

/// Whether a header row reads `Name Type Description` (cells flattened or separated).
pub fn is_header(line: &str) -> bool {
    let squashed: String = line
        .chars()
        .filter(|c| c.is_alphanumeric())
        .collect::<String>()
        .to_ascii_lowercase();
    squashed == "nametypedescription" || squashed == "parametertypedescription"
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
