//! Lint: docs that contradict themselves.
//!
//! In: an [`Extraction`] (pages, endpoints, fixtures and extraction errors) and the raw
//! [`DocFiles`] it came from (to point at the exact line and column of a problem). Out: a list of
//! [`Finding`]s, each with a stable rule code, a severity, a `file:line:col` and notes pointing
//! at the related places. Lint never prints; [`crate::report::lint`] renders the findings.
//!
//! Every rule is one function in [`rules`], documented on its [`Rule`] variant. Rules look at
//! each example once: an example that repeats an identical one from another page (a source
//! page and its rendering) is not linted a second time.

mod rules;
mod source;

use crate::extract::{DocFiles, Extraction};
use serde::Serialize;

/// How bad a finding is. Errors always fail `docmock lint`; warnings only with
/// `--deny warnings`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    Error,
    Warning,
}

impl Severity {
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Error => "error",
            Severity::Warning => "warning",
        }
    }
}

/// The lint rules. Codes are stable: a rule keeps its code for ever, retired codes are not
/// reused.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Rule {
    /// `DM001 snapshot-parse-error` (error): a snapshot or sample the extractor could not read
    /// (an unterminated literal, an expression it cannot interpret, a reference outside the docs
    /// root, a body cut short beyond repair). The extractor's message, as a finding.
    SnapshotParseError,
    /// `DM002 example-outside-declaration` (warning): an example whose method and path match no
    /// endpoint declared in its section, or that sits in a section declaring no endpoint while
    /// no declaration of the page matches it (so its route has no declaration and no parameter
    /// table). An example in a section without declarations (more examples, notes) that matches
    /// a declaration elsewhere on the page belongs to that declaration and is fine. Global cases
    /// (no route of their own) and examples bound to a declaration they misspell (DM014) are
    /// not reported here.
    ExampleOutsideDeclaration,
    /// `DM003 endpoint-without-example` (warning): an endpoint declared with no example at all;
    /// `serve` cannot answer it and `verify` cannot check it.
    EndpointWithoutExample,
    /// `DM004 route-param-undocumented` (warning): a parameter of a declared route that neither
    /// the parameter table lists nor the text around the declaration mentions.
    RouteParamUndocumented,
    /// `DM005 param-unused` (warning): a table parameter no example uses. Path parameters are
    /// used by any example of the route (`:dossier_id` included); query (body) parameters are
    /// only judged when at least one example of the endpoint documents a query string (request
    /// body), since examples that show none say nothing about them. A nested parameter is
    /// only judged in examples that give its parent; a deprecated one is never (DM013 wants it
    /// out of the examples).
    ParamUnused,
    /// `DM006 request-breaks-table` (error): a 2xx example whose documented request breaks its
    /// own parameter table: a required parameter missing (body parameters only when the example
    /// documents a body; a nested one, `subscription[plan_keys]`, only where its parent is
    /// given), or a value of the wrong type (nested ones at their depth).
    RequestBreaksTable,
    /// `DM007 error-names-unknown-param` (error): an error example (4xx) whose body names a
    /// parameter the table does not know, e.g. `{"errors": {"return_url": [...]}}` beside a
    /// table that requires `return_to`. Names are read from `errors`-style objects (keys) and
    /// arrays (`field`, `param`, `parameter`, `attribute`, JSON:API `source.parameter`);
    /// `base` (errors not tied to one parameter) is ignored. A nested parameter
    /// `subscription[plan_keys]` is known as `plan_keys` and `subscription.plan_keys` too.
    ErrorNamesUnknownParam,
    /// `DM008 conflicting-examples` (error): the same route and case (same page, endpoint and
    /// case headings) documented twice with different requests or responses, e.g. a source page
    /// and its rendering that disagree.
    ConflictingExamples,
    /// `DM009 reconstructed-body` (warning): a body rebuilt from text a rendering cut short;
    /// what was repaired is listed, and the rebuilt body may not be what the API sends. A body
    /// beyond repair is reported once, as the extractor's DM001 (or as DM009 when linting an
    /// extracted fixtures folder, which keeps no extraction errors).
    ReconstructedBody,
    /// `DM010 json-under-non-json-content-type` (warning): a JSON object or array body under a
    /// documented `Content-Type` that is not JSON.
    JsonUnderNonJsonType,
    /// `DM011 heading-contradicts-status` (warning): a case heading that says the opposite of its
    /// status: "Success" (or "OK", "Created") over a 4xx/5xx, "Error" (or "Failure", "Not
    /// found", ...) over a 2xx, or a status code in the heading other than the documented one.
    HeadingContradictsStatus,
    /// `DM012 value-outside-enum` (error): an example whose request gives a parameter (path,
    /// query, body or nested) a value outside the allowed values its table lists. A 2xx
    /// example always; an error example only when it is about something else: a 4xx whose
    /// error body or heading names the parameter shows the invalid value on purpose.
    ValueOutsideEnum,
    /// `DM013 deprecated-param-used` (warning): a 2xx example that still uses a deprecated
    /// parameter without its replacement (`replaced_by`); readers copy examples.
    DeprecatedParamUsed,
    /// `DM014 declaration-contradicts-examples` (error): a declaration whose section's examples
    /// all request another literal segment (`/order/:id/items` declared, `/orders/abc/items`
    /// shown), with "did you mean" the path the examples show. An error, like DM008: one of
    /// the two is wrong, and a client written from the declaration calls a route the examples
    /// say does not exist. `serve` answers the route the examples show.
    DeclarationContradictsExamples,
    /// `DM015 unreadable-table` (warning): a table that looks like a parameter table (a Type
    /// or Description column) but cannot be read: no name column, or a row whose cells cannot
    /// be matched to the header. The rows docmock could not read are missing from the model.
    UnreadableTable,
}

impl Rule {
    /// Every rule, in code order.
    pub const ALL: [Rule; 15] = [
        Rule::SnapshotParseError,
        Rule::ExampleOutsideDeclaration,
        Rule::EndpointWithoutExample,
        Rule::RouteParamUndocumented,
        Rule::ParamUnused,
        Rule::RequestBreaksTable,
        Rule::ErrorNamesUnknownParam,
        Rule::ConflictingExamples,
        Rule::ReconstructedBody,
        Rule::JsonUnderNonJsonType,
        Rule::HeadingContradictsStatus,
        Rule::ValueOutsideEnum,
        Rule::DeprecatedParamUsed,
        Rule::DeclarationContradictsExamples,
        Rule::UnreadableTable,
    ];

    /// The stable code, `DM001` ...
    pub fn code(self) -> &'static str {
        match self {
            Rule::SnapshotParseError => "DM001",
            Rule::ExampleOutsideDeclaration => "DM002",
            Rule::EndpointWithoutExample => "DM003",
            Rule::RouteParamUndocumented => "DM004",
            Rule::ParamUnused => "DM005",
            Rule::RequestBreaksTable => "DM006",
            Rule::ErrorNamesUnknownParam => "DM007",
            Rule::ConflictingExamples => "DM008",
            Rule::ReconstructedBody => "DM009",
            Rule::JsonUnderNonJsonType => "DM010",
            Rule::HeadingContradictsStatus => "DM011",
            Rule::ValueOutsideEnum => "DM012",
            Rule::DeprecatedParamUsed => "DM013",
            Rule::DeclarationContradictsExamples => "DM014",
            Rule::UnreadableTable => "DM015",
        }
    }

    /// The rule's name, as used in the docs and the JSON report.
    pub fn name(self) -> &'static str {
        match self {
            Rule::SnapshotParseError => "snapshot-parse-error",
            Rule::ExampleOutsideDeclaration => "example-outside-declaration",
            Rule::EndpointWithoutExample => "endpoint-without-example",
            Rule::RouteParamUndocumented => "route-param-undocumented",
            Rule::ParamUnused => "param-unused",
            Rule::RequestBreaksTable => "request-breaks-table",
            Rule::ErrorNamesUnknownParam => "error-names-unknown-param",
            Rule::ConflictingExamples => "conflicting-examples",
            Rule::ReconstructedBody => "reconstructed-body",
            Rule::JsonUnderNonJsonType => "json-under-non-json-content-type",
            Rule::HeadingContradictsStatus => "heading-contradicts-status",
            Rule::ValueOutsideEnum => "value-outside-enum",
            Rule::DeprecatedParamUsed => "deprecated-param-used",
            Rule::DeclarationContradictsExamples => "declaration-contradicts-examples",
            Rule::UnreadableTable => "unreadable-table",
        }
    }

    pub fn severity(self) -> Severity {
        match self {
            Rule::SnapshotParseError
            | Rule::RequestBreaksTable
            | Rule::ErrorNamesUnknownParam
            | Rule::ConflictingExamples
            | Rule::ValueOutsideEnum
            | Rule::DeclarationContradictsExamples => Severity::Error,
            Rule::ExampleOutsideDeclaration
            | Rule::EndpointWithoutExample
            | Rule::RouteParamUndocumented
            | Rule::ParamUnused
            | Rule::ReconstructedBody
            | Rule::JsonUnderNonJsonType
            | Rule::HeadingContradictsStatus
            | Rule::UnreadableTable
            | Rule::DeprecatedParamUsed => Severity::Warning,
        }
    }
}

impl Serialize for Rule {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.name())
    }
}

/// One problem in the docs.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Finding {
    /// Stable rule code, `DM007`.
    pub code: &'static str,
    pub rule: Rule,
    pub severity: Severity,
    /// Path relative to the docs root.
    pub file: String,
    /// 1-based.
    pub line: usize,
    /// 1-based, in characters.
    pub col: usize,
    /// How many characters from `col` the finding is about (at least 1).
    pub len: usize,
    pub message: String,
    /// The fixture the finding is about, if any.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub fixture: Option<String>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub notes: Vec<Note>,
    /// The text of line `line`, for quoting (absent when the doc file is not at hand, as for
    /// an extracted fixtures folder).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub source_line: Option<String>,
}

/// A note or a suggestion attached to a finding, possibly pointing at a related place.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Note {
    pub kind: NoteKind,
    pub message: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub file: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub line: Option<usize>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum NoteKind {
    /// A fact about related places.
    Note,
    /// What to do about it.
    Help,
}

impl Note {
    pub fn info(message: impl Into<String>) -> Note {
        Note {
            kind: NoteKind::Note,
            message: message.into(),
            file: None,
            line: None,
        }
    }

    pub fn help(message: impl Into<String>) -> Note {
        Note {
            kind: NoteKind::Help,
            ..Note::info(message)
        }
    }

    /// The same note, pointing at `file:line`.
    pub fn at(mut self, file: &str, line: usize) -> Note {
        self.file = Some(file.to_string());
        self.line = Some(line);
        self
    }
}

impl Finding {
    /// A finding of `rule` at `file:line:col`.
    pub fn new(
        rule: Rule,
        file: &str,
        line: usize,
        col: usize,
        message: impl Into<String>,
    ) -> Self {
        Finding {
            code: rule.code(),
            rule,
            severity: rule.severity(),
            file: file.to_string(),
            line: line.max(1),
            col: col.max(1),
            len: 1,
            message: message.into(),
            fixture: None,
            notes: Vec::new(),
            source_line: None,
        }
    }

    fn len(mut self, len: usize) -> Self {
        self.len = len.max(1);
        self
    }

    fn fixture(mut self, id: &str) -> Self {
        self.fixture = Some(id.to_string());
        self
    }

    fn note(mut self, note: Note) -> Self {
        self.notes.push(note);
        self
    }
}

/// Lint a doc set. `files` are the files it was extracted from; without them (an extracted
/// fixtures folder) findings still carry the lines the fixtures record, only less precisely.
/// Findings come sorted by file, line, column and code.
pub fn run(extraction: &Extraction, files: &DocFiles) -> Vec<Finding> {
    let ctx = rules::Context::new(&extraction.docs, &extraction.errors, files);
    let mut findings = Vec::new();
    findings.extend(rules::snapshot_parse_error(&extraction.errors));
    findings.extend(rules::unreadable_table(&extraction.warnings));
    findings.extend(rules::example_outside_declaration(&ctx));
    findings.extend(rules::endpoint_without_example(&ctx));
    findings.extend(rules::route_param_undocumented(&ctx));
    findings.extend(rules::param_unused(&ctx));
    findings.extend(rules::request_breaks_table(&ctx));
    findings.extend(rules::error_names_unknown_param(&ctx));
    findings.extend(rules::conflicting_examples(&ctx));
    findings.extend(rules::reconstructed_body(&ctx));
    findings.extend(rules::json_under_non_json_type(&ctx));
    findings.extend(rules::heading_contradicts_status(&ctx));
    findings.extend(rules::value_outside_enum(&ctx));
    findings.extend(rules::deprecated_param_used(&ctx));
    findings.extend(rules::declaration_contradicts_examples(&ctx));
    for finding in &mut findings {
        finding.source_line = ctx
            .sources
            .line(&finding.file, finding.line)
            .map(str::to_string);
    }
    findings
        .sort_by(|a, b| (&a.file, a.line, a.col, a.code).cmp(&(&b.file, b.line, b.col, b.code)));
    findings.dedup();
    findings
}

/// How many findings of each severity.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct Counts {
    pub errors: usize,
    pub warnings: usize,
}

pub fn counts(findings: &[Finding]) -> Counts {
    Counts {
        errors: findings
            .iter()
            .filter(|f| f.severity == Severity::Error)
            .count(),
        warnings: findings
            .iter()
            .filter(|f| f.severity == Severity::Warning)
            .count(),
    }
}

#[cfg(test)]
mod tests;
