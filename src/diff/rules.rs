//! The diff rules: a stable id (`DF001` ...), a name, a default [`Level`] and a one-line
//! explanation each. The README's rule table says the same; `--severity DF005=warning` and
//! `--ignore` name rules by id.

use serde::{Serialize, Serializer};
use std::fmt;

/// How much a change matters to an existing client. `None` changes (a page moved, a heading
/// reworded) are shown but not counted.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Level {
    Breaking,
    Warning,
    Info,
    None,
}

impl Level {
    pub const ALL: [Level; 4] = [Level::Breaking, Level::Warning, Level::Info, Level::None];

    pub fn as_str(self) -> &'static str {
        match self {
            Level::Breaking => "breaking",
            Level::Warning => "warning",
            Level::Info => "info",
            Level::None => "none",
        }
    }

    /// `breaking`, `warning`, `info` or `none`.
    pub fn parse(text: &str) -> Option<Level> {
        Level::ALL
            .into_iter()
            .find(|l| l.as_str().eq_ignore_ascii_case(text.trim()))
    }
}

impl fmt::Display for Level {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The diff rules. Ids are stable: a rule keeps its id for ever, retired ids are not reused.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Rule {
    RouteRemoved,
    RouteAdded,
    CaseRemoved,
    CaseAdded,
    StatusChanged,
    ResponseFieldRemoved,
    ResponseFieldTypeChanged,
    ResponseFieldAdded,
    ParamRequired,
    ParamOptional,
    ParamRemoved,
    ParamEnumNarrowed,
    ParamEnumWidened,
    ResponseEnumWidened,
    ResponseEnumNarrowed,
    ParamTypeChanged,
    ParamTypeWidened,
    ParamDefaultChanged,
    ParamConditionChanged,
    Deprecated,
    DeprecatedRemoved,
    RequestHeaderAdded,
    RequestHeaderRemoved,
    ResponseHeaderChanged,
    ResponseHeaderAdded,
    Moved,
    Retitled,
    PathParamRenamed,
    RequestExampleChanged,
}

impl Rule {
    pub const ALL: [Rule; 29] = [
        Rule::RouteRemoved,
        Rule::RouteAdded,
        Rule::CaseRemoved,
        Rule::CaseAdded,
        Rule::StatusChanged,
        Rule::ResponseFieldRemoved,
        Rule::ResponseFieldTypeChanged,
        Rule::ResponseFieldAdded,
        Rule::ParamRequired,
        Rule::ParamOptional,
        Rule::ParamRemoved,
        Rule::ParamEnumNarrowed,
        Rule::ParamEnumWidened,
        Rule::ResponseEnumWidened,
        Rule::ResponseEnumNarrowed,
        Rule::ParamTypeChanged,
        Rule::ParamTypeWidened,
        Rule::ParamDefaultChanged,
        Rule::ParamConditionChanged,
        Rule::Deprecated,
        Rule::DeprecatedRemoved,
        Rule::RequestHeaderAdded,
        Rule::RequestHeaderRemoved,
        Rule::ResponseHeaderChanged,
        Rule::ResponseHeaderAdded,
        Rule::Moved,
        Rule::Retitled,
        Rule::PathParamRenamed,
        Rule::RequestExampleChanged,
    ];

    /// `DF001` ...: the position in [`Rule::ALL`], which only ever grows at the end.
    pub fn id(self) -> String {
        let n = Rule::ALL.iter().position(|r| *r == self).unwrap_or(0) + 1;
        format!("DF{n:03}")
    }

    /// The rule with this id (`DF005`, any case).
    pub fn from_id(id: &str) -> Option<Rule> {
        Rule::ALL
            .into_iter()
            .find(|r| r.id().eq_ignore_ascii_case(id.trim()))
    }

    /// (name, default level, what it finds)
    fn meta(self) -> (&'static str, Level, &'static str) {
        use Level::*;
        match self {
            Rule::RouteRemoved => ("route-removed", Breaking, "a route the old docs document is gone (removing one the old docs marked deprecated is DF021)"),
            Rule::RouteAdded => ("route-added", Info, "a new route"),
            Rule::CaseRemoved => ("case-removed", Breaking, "a case (status and example) of a kept route is gone"),
            Rule::CaseAdded => ("case-added", Info, "a new case of a kept route"),
            Rule::StatusChanged => ("status-changed", Breaking, "the same case answers with another status"),
            Rule::ResponseFieldRemoved => ("response-field-removed", Breaking, "a response field of an example is gone"),
            Rule::ResponseFieldTypeChanged => ("response-field-type-changed", Breaking, "a response field of an example has another JSON type"),
            Rule::ResponseFieldAdded => ("response-field-added", Info, "a new response field in an example"),
            Rule::ParamRequired => ("param-required", Breaking, "a request parameter became required, or was added as required (stricter `required_unless` too)"),
            Rule::ParamOptional => ("param-optional", Info, "a request parameter was added as optional, or is less required than it was"),
            Rule::ParamRemoved => ("param-removed", Breaking, "a request parameter is no longer documented"),
            Rule::ParamEnumNarrowed => ("param-enum-narrowed", Breaking, "a request parameter's allowed values lost a value, or a free value became an enum"),
            Rule::ParamEnumWidened => ("param-enum-widened", Info, "a request parameter's allowed values only grew, or its enum was dropped"),
            Rule::ResponseEnumWidened => ("response-enum-widened", Warning, "a response field may hold a value it could not before: clients may not handle it"),
            Rule::ResponseEnumNarrowed => ("response-enum-narrowed", Info, "a response field's allowed values only lost values"),
            Rule::ParamTypeChanged => ("param-type-changed", Breaking, "a request parameter's documented type changed and does not accept every old value"),
            Rule::ParamTypeWidened => ("param-type-widened", Info, "a request parameter's type widened (`string` -> `string|array of string`)"),
            Rule::ParamDefaultChanged => ("param-default-changed", Warning, "a request parameter's default changed: clients leaving it out get other behaviour"),
            Rule::ParamConditionChanged => ("param-condition-changed", Warning, "the parameters a `required unless` names changed"),
            Rule::Deprecated => ("deprecated", Warning, "a parameter, response field, case or route is newly deprecated (with its replacement when named)"),
            Rule::DeprecatedRemoved => ("deprecated-removed", Info, "something the old docs already marked deprecated was removed"),
            Rule::RequestHeaderAdded => ("request-header-added", Breaking, "an example's request shows a new or changed header clients must send"),
            Rule::RequestHeaderRemoved => ("request-header-removed", Info, "an example's request no longer shows a header"),
            Rule::ResponseHeaderChanged => ("response-header-changed", Breaking, "an example's response header was removed or changed"),
            Rule::ResponseHeaderAdded => ("response-header-added", Info, "an example's response shows a new header"),
            Rule::Moved => ("moved", None, "a route or case is documented on another page or its example in another file"),
            Rule::Retitled => ("retitled", None, "a page, endpoint or case heading was reworded"),
            Rule::PathParamRenamed => ("path-param-renamed", None, "a route parameter has another name in the same place: the same route"),
            Rule::RequestExampleChanged => ("request-example-changed", None, "an example now shows a request body or query it did not show (a docs change)"),
        }
    }

    /// `route-removed`, ...
    pub fn name(self) -> &'static str {
        self.meta().0
    }

    pub fn default_level(self) -> Level {
        self.meta().1
    }

    /// What the rule finds, in one line.
    pub fn explanation(self) -> &'static str {
        self.meta().2
    }
}

impl Serialize for Rule {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&self.id())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_names_and_levels_round_trip() {
        assert_eq!(Rule::RouteRemoved.id(), "DF001");
        assert_eq!(Rule::RequestExampleChanged.id(), "DF029");
        for rule in Rule::ALL {
            assert_eq!(Rule::from_id(&rule.id()), Some(rule));
        }
        assert_eq!(Rule::from_id("df012"), Some(Rule::ParamEnumNarrowed));
        assert_eq!(Level::parse("Warning"), Some(Level::Warning));
        assert_eq!(Level::parse("compatible"), None);
    }

    #[test]
    fn the_readme_rule_table_says_what_the_rules_say() {
        let readme = include_str!("../../README.md");
        for rule in Rule::ALL {
            let row = format!(
                "| {} | {} | {} | {} |",
                rule.id(),
                rule.name(),
                rule.default_level(),
                rule.explanation().replace('|', "\\|")
            );
            assert!(readme.contains(&row), "README lacks the row {row}");
        }
    }
}
