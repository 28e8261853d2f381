//! What every Markdown-like format shares: reading parameter tables and their prose as a
//! careful reader does.
//!
//! A format reader (Markdown/MDX, rendered pages, fenced Markdown) finds the tables and lists
//! and the headings above them; this module decides what they mean: a row becomes a [`Param`]
//! ([`param`]) with its requirement, allowed values, default and deprecation read from the
//! wording ([`wording`]); a table is request parameters, response fields, or the attributes of
//! a row of an earlier table ([`tables`]); [`describe`] turns an endpoint's tables into its
//! `params` and `response_fields`, route parameters included.

pub mod lists;
pub mod tables;
pub mod wording;

pub use tables::{location_named, Columns, Header};

use crate::fixture::{Param, ParamLocation, ParamType, ResponseField, RouteTemplate};

/// One row of a parameter table or list: the name, type and description cells as written
/// (backticks, `**`, `~~` allowed). Requirement, allowed values, default and deprecation come
/// from the wording; route parameters are in the path and always required.
///
/// ```
/// use docmock::extract::prose;
/// let p = prose::param("`status`", "string", "One of `draft`, `published`. Defaults to `draft`.", "GET", "/posts");
/// assert_eq!(p.allowed, ["draft", "published"]);
/// assert_eq!(p.default.as_deref(), Some("draft"));
/// let p = prose::param("~~`key`~~", "string", "Use `protocol_id` instead.", "POST", "/s");
/// assert!(p.deprecated && p.name == "key");
/// assert_eq!(p.replaced_by.as_deref(), Some("protocol_id"));
/// ```
pub fn param(name: &str, ty: &str, description: &str, method: &str, route: &str) -> Param {
    let name_cell = wording::name_cell(name);
    let type_cell = wording::type_cell(ty);
    // `{{< required >}}`, `<Required />` mark requirement; other shortcodes are no prose
    let (description, marked_required) = lists::without_shortcodes(description);
    let description = description.trim().to_string();
    let requirement = wording::requirement(&description, &name_cell.name);
    let mut values = wording::allowed_values(&description);
    if !type_cell.values.allowed.is_empty() {
        values = type_cell.values.clone();
    }
    let default = values
        .default
        .clone()
        .or_else(|| wording::default_value(&description));
    let deprecation = wording::deprecation(&description);
    let location = ParamLocation::infer(&name_cell.name, method, route);
    let mut required = marked_required
        || name_cell
            .required
            .or(type_cell.required)
            .or(requirement.required)
            .unwrap_or(false);
    let mut required_unless = if required {
        requirement.unless
    } else {
        Vec::new()
    };
    if location == ParamLocation::Path {
        required = true;
        required_unless.clear();
    }
    Param {
        location,
        name: name_cell.name,
        ty: type_cell.ty,
        description,
        required,
        required_unless,
        allowed: values.allowed,
        default,
        deprecated: name_cell.deprecated || deprecation.deprecated,
        replaced_by: deprecation.replaced_by,
        ..Param::default()
    }
}

/// A field of a response-field table (or callback parameter list), read with the same words.
pub fn response_field(name: &str, ty: &str, description: &str) -> ResponseField {
    let name_cell = wording::name_cell(name);
    let type_cell = wording::type_cell(ty);
    let mut values = wording::allowed_values(description);
    if !type_cell.values.allowed.is_empty() {
        values = type_cell.values;
    }
    ResponseField {
        name: name_cell.name,
        ty: type_cell.ty,
        description: description.trim().to_string(),
        allowed: values.allowed,
        deprecated: name_cell.deprecated || wording::deprecation(description).deprecated,
    }
}

/// What a table describes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Role {
    /// Request parameters.
    Params,
    /// Fields of the response, or of a callback the API makes.
    Response,
}

/// A table as written, and what surrounds it.
#[derive(Debug, Clone, Copy)]
pub struct TableText<'a> {
    pub header: &'a [String],
    /// Cells of each row; a row with more cells than the header is repaired ([`tables::repair`]).
    pub rows: &'a [Vec<String>],
    /// The headings between the endpoint heading and the table, outermost first.
    pub headings: &'a [&'a str],
    /// The paragraph right before the table ("The callback url is called with ...").
    pub lead: &'a str,
}

/// One table row, its cells sorted by meaning.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Row {
    pub name: String,
    pub ty: String,
    pub description: String,
    /// From a Required column.
    pub required: Option<bool>,
    /// From an `In` column.
    pub location: Option<ParamLocation>,
    /// From an enum/values column.
    pub allowed: Vec<String>,
    /// From a Default column.
    pub default: Option<String>,
}

/// A table read: what it describes, where its parameters go, and its rows.
#[derive(Debug, Clone, PartialEq)]
pub struct ParamTable {
    pub role: Role,
    /// From a heading such as "Query parameters".
    pub location: Option<ParamLocation>,
    /// The nearest heading and the lead paragraph: they may name the row whose attributes the
    /// table lists ("#### subscription attributes").
    pub names_parent: String,
    pub rows: Vec<Row>,
}

/// A table docmock cannot read although it looks like a parameter table.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TableProblem {
    /// The row (0-based) it is about; `None` for the header.
    pub row: Option<usize>,
    pub message: String,
}

/// Read a table: `Ok(None)` for a table that is no parameter table, problems for one that
/// looks like one but cannot be read (the rows that can be read are kept).
pub fn read_table(table: &TableText<'_>) -> (Option<ParamTable>, Vec<TableProblem>) {
    let columns = match Header::of(table.header) {
        Header::Rows(columns) => columns,
        Header::NoNameColumn => {
            let problem = TableProblem {
                row: None,
                message: format!(
                    "table with columns `{}` has no name column: expected a `Name`, `Parameter` or `Field` column; its rows were not read",
                    table.header.join(" | ")
                ),
            };
            return (None, vec![problem]);
        }
        Header::Other => return (None, Vec::new()),
    };
    let response = table
        .headings
        .iter()
        .any(|h| tables::is_response_heading(h))
        || tables::lead_is_response(table.lead);
    // a heading ("Query parameters") or the name column's header ("Header", "Path parameter")
    let location = table
        .headings
        .iter()
        .rev()
        .find_map(|h| location_named(h))
        .or_else(|| location_named(&table.header[columns.name]));
    let mut problems = Vec::new();
    let mut rows = Vec::new();
    for (i, cells) in table.rows.iter().enumerate() {
        let Some(cells) = tables::repair(cells, &columns) else {
            problems.push(TableProblem {
                row: Some(i),
                message: format!(
                    "table row has {} cells where the header has {}: expected one cell per column (write a `|` inside a cell as `\\|`); the row was not read",
                    cells.len(),
                    columns.width
                ),
            });
            continue;
        };
        let cell = |i: Option<usize>| {
            i.and_then(|i| cells.get(i))
                .map(|c| c.trim().to_string())
                .unwrap_or_default()
        };
        let name = cell(Some(columns.name));
        if wording::name_cell(&name).name.is_empty() {
            continue;
        }
        let allowed = cell(columns.allowed);
        let allowed = wording::allowed_values(&allowed).allowed;
        let allowed = if allowed.is_empty() {
            value_list(&cell(columns.allowed))
        } else {
            allowed
        };
        let default = Some(cell(columns.default))
            .map(|d| {
                wording::plain(&d)
                    .trim_matches(['`', '\'', '"'])
                    .to_string()
            })
            .filter(|d| !d.is_empty() && !matches!(d.as_str(), "-" | "–" | "none" | "n/a"));
        rows.push(Row {
            name,
            ty: cell(columns.ty),
            description: cell(columns.description),
            required: columns
                .required
                .and_then(|i| wording::required_flag(&cell(Some(i)))),
            location: columns
                .location
                .and_then(|i| location_named(&cell(Some(i)))),
            allowed,
            default,
        });
    }
    let names_parent = [table.headings.last().copied().unwrap_or(""), table.lead].join(" ");
    let role = if response {
        Role::Response
    } else {
        Role::Params
    };
    let read = ParamTable {
        role,
        location,
        names_parent,
        rows,
    };
    (Some(read), problems)
}

/// `a, b, c` or `a | b` in an enum column.
fn value_list(cell: &str) -> Vec<String> {
    let text = wording::plain(cell);
    let values: Vec<String> = text
        .split([',', '|'])
        .flat_map(|p| p.split(" or "))
        .map(|v| v.trim().trim_matches(['`', '\'', '"']).to_string())
        .filter(|v| !v.is_empty())
        .collect();
    if values.iter().any(|v| v.contains(char::is_whitespace)) {
        return Vec::new();
    }
    values
}

/// A row read as a parameter of the endpoint `method route`.
pub fn param_from_row(
    row: &Row,
    location: Option<ParamLocation>,
    method: &str,
    route: &str,
) -> Param {
    let mut p = param(&row.name, &row.ty, &row.description, method, route);
    if p.location != ParamLocation::Path {
        if let Some(required) = row.required {
            p.required = required;
            if !required {
                p.required_unless.clear();
            }
        }
        if let Some(location) = row.location.or(location) {
            p.location = location;
        }
    }
    if p.location == ParamLocation::Path {
        p.required = true;
    }
    if !row.allowed.is_empty() {
        p.allowed = row.allowed.clone();
    }
    if row.default.is_some() {
        p.default = row.default.clone();
    }
    p
}

/// What an endpoint's tables describe: its request parameters and its response fields.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Described {
    pub params: Vec<Param>,
    pub response_fields: Vec<ResponseField>,
}

/// The params and response fields of an endpoint `method route` from its tables, in
/// document order. A table whose heading or lead names an object row of an earlier table
/// lists that row's attributes: `subscription[plan_keys]`, `items[][sku]`.
pub fn describe(tables: &[&ParamTable], method: &str, route: &str) -> Described {
    let mut out = Described::default();
    for table in tables {
        match table.role {
            Role::Params => {
                let parents: Vec<(&str, bool)> = out
                    .params
                    .iter()
                    .filter_map(|p| container(&p.ty).map(|array| (p.name.as_str(), array)))
                    .collect();
                let names: Vec<&str> = parents.iter().map(|(n, _)| *n).collect();
                let parent = tables::nested_parent(&table.names_parent, &names)
                    .and_then(|name| out.params.iter().find(|p| p.name == name))
                    .cloned();
                let first = out.params.len();
                for row in &table.rows {
                    let p = match &parent {
                        Some(parent) => {
                            let mut p = param_from_row(row, Some(parent.location), method, "");
                            p.name = nested_name(
                                &parent.name,
                                container(&parent.ty) == Some(true),
                                &p.name,
                            );
                            p.location = parent.location;
                            p
                        }
                        None => param_from_row(row, table.location, method, route),
                    };
                    out.params.push(p);
                }
                if let Some(parent) = &parent {
                    qualify_siblings(&mut out.params[first..], parent);
                }
            }
            Role::Response => {
                let names: Vec<&str> = out
                    .response_fields
                    .iter()
                    .filter(|f| container(&f.ty).is_some())
                    .map(|f| f.name.as_str())
                    .collect();
                let parent = tables::nested_parent(&table.names_parent, &names).map(|name| {
                    let array = out
                        .response_fields
                        .iter()
                        .find(|f| f.name == name)
                        .and_then(|f| container(&f.ty))
                        == Some(true);
                    (name.to_string(), array)
                });
                for row in &table.rows {
                    let mut field = response_field(&row.name, &row.ty, &row.description);
                    if !row.allowed.is_empty() {
                        field.allowed = row.allowed.clone();
                    }
                    if let Some((parent, array)) = &parent {
                        field.name = nested_name(parent, *array, &field.name);
                    }
                    out.response_fields.push(field);
                }
            }
        }
    }
    forget_mentions(&mut out.params);
    add_route_params(&mut out.params, route);
    out
}

/// Whether a type holds attributes: `Some(false)` for an object (`hash`, a class name),
/// `Some(true)` for an array of objects; `None` for scalars.
fn container(ty: &str) -> Option<bool> {
    match ParamType::parse(ty) {
        ParamType::Object | ParamType::Other(_) => Some(false),
        ParamType::Array(None) => Some(true),
        ParamType::Array(Some(item)) => {
            matches!(*item, ParamType::Object | ParamType::Other(_)).then_some(true)
        }
        _ => None,
    }
}

/// A nested table's rows name each other by their short names ("Use `sku` instead",
/// "required unless `code` is given"): name them as the model does (`items[][sku]`).
fn qualify_siblings(rows: &mut [Param], parent: &Param) {
    let array = container(&parent.ty) == Some(true);
    let names: Vec<String> = rows.iter().map(|p| p.name.clone()).collect();
    let qualified = |short: &str| {
        let name = nested_name(&parent.name, array, short);
        names.contains(&name).then_some(name)
    };
    for row in rows {
        if let Some(name) = row.replaced_by.as_deref().and_then(qualified) {
            row.replaced_by = Some(name);
        }
        for other in &mut row.required_unless {
            if let Some(name) = qualified(other) {
                *other = name;
            }
        }
    }
}

/// `address` + `city` → `address[city]`; an array parent: `items[][sku]`. A row already named
/// from its parent (`address[city]`, `address.city`) keeps that name.
fn nested_name(parent: &str, array: bool, child: &str) -> String {
    if child.starts_with(&format!("{parent}[")) {
        return child.to_string();
    }
    let child = child
        .strip_prefix(&format!("{parent}."))
        .or_else(|| child.strip_prefix(&format!("{parent}[].")))
        .unwrap_or(child);
    let inner: String = child.split('.').map(|part| format!("[{part}]")).collect();
    if array {
        format!("{parent}[]{inner}")
    } else {
        format!("{parent}{inner}")
    }
}

/// An "enum" whose values are names of other parameters was a mention of them, not a list
/// of values ("Overrides `start_at` or `stop_at`").
fn forget_mentions(params: &mut [Param]) {
    let names: Vec<String> = params.iter().map(|p| p.name.to_ascii_lowercase()).collect();
    for p in params.iter_mut() {
        if p.allowed
            .iter()
            .any(|v| names.contains(&v.to_ascii_lowercase()))
        {
            p.allowed.clear();
            p.default = None;
        }
    }
}

/// Route parameters no row lists: in the path, required, a string.
pub fn add_route_params(params: &mut Vec<Param>, route: &str) {
    let template = RouteTemplate::parse(route);
    for name in template.param_names() {
        if params.iter().any(|p| p.name.eq_ignore_ascii_case(name)) {
            continue;
        }
        params.push(Param {
            name: name.to_string(),
            ty: "string".into(),
            required: true,
            location: ParamLocation::Path,
            from_route: true,
            ..Param::default()
        });
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn table(header: &str, rows: &[&str], headings: &[&str], lead: &str) -> ParamTable {
        let split = |s: &str| {
            s.split('|')
                .map(|c| c.trim().to_string())
                .collect::<Vec<_>>()
        };
        let header = split(header);
        let rows: Vec<Vec<String>> = rows.iter().map(|r| split(r)).collect();
        let text = TableText {
            header: &header,
            rows: &rows,
            headings,
            lead,
        };
        let (read, problems) = read_table(&text);
        assert!(problems.is_empty(), "{problems:?}");
        read.expect("a parameter table")
    }

    #[test]
    fn reads_requirement_from_the_description() {
        let route = "/d/{dossier_id}/p";
        let p = param(
            "`dossier_id`",
            "`string`",
            "**Required**. Unique identifier.",
            "POST",
            route,
        );
        assert!(p.required && p.required_unless.is_empty());
        assert_eq!(p.location, ParamLocation::Path);
        let p = param(
            "`protocol_key`",
            "`string`",
            "**Required** unless protocol_id given. Key.",
            "POST",
            route,
        );
        assert!(p.required);
        assert_eq!(p.required_unless, vec!["protocol_id"]);
        assert_eq!(p.location, ParamLocation::Body);
        assert!(
            param(
                "questionnaire_key",
                "string",
                "[Required] Key",
                "POST",
                route
            )
            .required
        );
        assert!(
            !param(
                "entered_by",
                "string",
                "[Optional, blank means ...] The user id",
                "POST",
                route
            )
            .required
        );
        let p = param(
            "questionnaire_keys",
            "'array of strings'",
            "Only return",
            "GET",
            route,
        );
        assert_eq!(p.ty, "array of strings");
        assert_eq!(p.location, ParamLocation::Query);
    }

    #[test]
    fn route_params_are_required_path_params_with_or_without_a_row() {
        let p = param("id", "integer", "Optional. The id.", "GET", "/w/{id}");
        assert!(p.required && p.location == ParamLocation::Path);
        let t = table(
            "Name | Type | Description",
            &["`q` | string | Search."],
            &[],
            "",
        );
        let d = describe(&[&t], "GET", "/w/{id}/parts/{part_id}");
        let names: Vec<(&str, bool, bool)> = d
            .params
            .iter()
            .map(|p| (p.name.as_str(), p.required, p.from_route))
            .collect();
        assert_eq!(
            names,
            [
                ("q", false, false),
                ("id", true, true),
                ("part_id", true, true)
            ]
        );
    }

    #[test]
    fn nested_tables_name_their_rows_after_the_parent() {
        let top = table(
            "Name | Type | Description",
            &[
                "`subscription` | hash | **Required**.",
                "`items` | array of objects | Lines.",
            ],
            &["Parameters"],
            "",
        );
        let sub = table(
            "Name | Type | Description",
            &["`plan_keys` | array | **Required**."],
            &["subscription attributes"],
            "",
        );
        let items = table(
            "Name | Type | Description",
            &["`sku` | string | The sku."],
            &[],
            "Attributes of `items`:",
        );
        let d = describe(&[&top, &sub, &items], "POST", "/s");
        let names: Vec<(&str, bool)> = d
            .params
            .iter()
            .map(|p| (p.name.as_str(), p.required))
            .collect();
        assert_eq!(
            names,
            [
                ("subscription", true),
                ("items", false),
                ("subscription[plan_keys]", true),
                ("items[][sku]", false)
            ]
        );
        assert!(d.params.iter().all(|p| p.location == ParamLocation::Body));
    }

    #[test]
    fn rows_of_a_nested_table_name_each_other_as_the_model_does() {
        let top = table(
            "Name | Type | Description",
            &["`items` | array of objects | Lines."],
            &["Parameters"],
            "",
        );
        let items = table(
            "Name | Type | Description",
            &[
                "`code` | string | **Deprecated.** Use `sku` instead.",
                "`sku` | string | **Required** unless `code` is given.",
            ],
            &["`items` fields"],
            "",
        );
        let d = describe(&[&top, &items], "POST", "/orders");
        assert_eq!(d.params[1].name, "items[][code]");
        assert_eq!(d.params[1].replaced_by.as_deref(), Some("items[][sku]"));
        assert_eq!(d.params[2].required_unless, ["items[][code]"]);
    }

    #[test]
    fn response_tables_are_response_fields() {
        let fields = table(
            "Name | Type | Description",
            &["`id` | integer | The id.", "`links` | object | Links."],
            &["Response Attributes"],
            "",
        );
        let links = table(
            "Name | Type | Description",
            &["`self` | string | This."],
            &["Response Attributes", "Links"],
            "",
        );
        let callback = table(
            "Param | Description",
            &["`status` | `done` or `failed`."],
            &[],
            "The callback url is called with the following params:",
        );
        let d = describe(&[&fields, &links, &callback], "GET", "/w");
        assert!(d.params.is_empty());
        let names: Vec<&str> = d.response_fields.iter().map(|f| f.name.as_str()).collect();
        assert_eq!(names, ["id", "links", "links[self]", "status"]);
        assert_eq!(d.response_fields[3].allowed, ["done", "failed"]);
    }

    #[test]
    fn a_name_column_headed_header_lists_headers() {
        let t = table(
            "Header | Description",
            &["`X-Request-Id` | Traces the call."],
            &[],
            "",
        );
        let d = describe(&[&t], "POST", "/w");
        assert_eq!(d.params[0].location, ParamLocation::Header);
        let t = table("Query parameter | Type", &["`q` | string"], &[], "");
        assert_eq!(
            describe(&[&t], "POST", "/w").params[0].location,
            ParamLocation::Query
        );
    }

    #[test]
    fn a_type_column_split_by_a_union_is_joined_back() {
        let t = table(
            "Name | Type | Description",
            &["`ids` | string | array of string | The ids."],
            &[],
            "",
        );
        assert_eq!(
            (t.rows[0].ty.as_str(), t.rows[0].description.as_str()),
            ("string|array of string", "The ids.")
        );
    }

    #[test]
    fn mentions_of_sibling_params_are_no_enum() {
        let t = table(
            "Name | Type | Description",
            &[
                "`start_at` | time | Start.",
                "`window` | string | Sets `start_at` or `stop_at`.",
                "`stop_at` | time | Stop.",
            ],
            &[],
            "",
        );
        let d = describe(&[&t], "GET", "/w");
        assert!(d.params.iter().all(|p| p.allowed.is_empty()));
    }

    #[test]
    fn a_type_column_without_a_name_column_is_a_problem() {
        let header = vec!["Type".to_string(), "Description".to_string()];
        let (read, problems) = read_table(&TableText {
            header: &header,
            rows: &[],
            headings: &[],
            lead: "",
        });
        assert!(read.is_none());
        assert!(problems[0].message.contains("no name column"));
    }
}
