//! GitHub Actions workflow commands: `::error file=a.md,line=3,title=T::message` lines that a
//! workflow shows as annotations on the pull request's files. One writer for every command
//! that reports places in the docs (`diff` today; `lint` and `verify` can use it too).
//!
//! GitHub shows at most 10 annotations of each level per step, so [`render`] writes the first
//! 10 of each level and lists the rest in the step summary (`$GITHUB_STEP_SUMMARY`, opened by
//! the caller) when it is given one, or says how many were left out.

use std::io::{self, Write};

/// How many annotations of one level GitHub shows for a step.
pub const SHOWN_PER_LEVEL: usize = 10;

/// An annotation's level, as the workflow command names it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Level {
    Error,
    Warning,
    Notice,
}

impl Level {
    pub fn as_str(self) -> &'static str {
        match self {
            Level::Error => "error",
            Level::Warning => "warning",
            Level::Notice => "notice",
        }
    }
}

/// One annotation: a level, an optional place and title, and a message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Annotation {
    pub level: Level,
    pub file: Option<String>,
    pub line: Option<usize>,
    pub col: Option<usize>,
    pub title: Option<String>,
    pub message: String,
}

impl Annotation {
    /// An annotation at `place`, written `file:line` or `file:line:col` (a bare file also
    /// goes). The file is everything before the trailing numbers.
    pub fn at(level: Level, place: Option<&str>, title: &str, message: &str) -> Annotation {
        let (mut file, mut line, mut col) = (None, None, None);
        if let Some(place) = place {
            let mut rest = place;
            let mut numbers = Vec::new();
            while let Some((head, tail)) = rest.rsplit_once(':') {
                match tail.parse::<usize>() {
                    Ok(n) if numbers.len() < 2 => {
                        numbers.push(n);
                        rest = head;
                    }
                    _ => break,
                }
            }
            numbers.reverse();
            file = Some(rest.to_string());
            line = numbers.first().copied();
            col = numbers.get(1).copied();
        }
        Annotation {
            level,
            file,
            line,
            col,
            title: (!title.is_empty()).then(|| title.to_string()),
            message: message.to_string(),
        }
    }
}

/// A command's data (the message): `%`, CR and LF escaped.
pub fn escape_data(text: &str) -> String {
    text.replace('%', "%25")
        .replace('\r', "%0D")
        .replace('\n', "%0A")
}

/// A command's property value (file, title): as data, and `:` and `,` too.
pub fn escape_property(text: &str) -> String {
    escape_data(text).replace(':', "%3A").replace(',', "%2C")
}

/// One workflow command line.
pub fn write_annotation(annotation: &Annotation, out: &mut impl Write) -> io::Result<()> {
    let mut properties = Vec::new();
    if let Some(file) = &annotation.file {
        properties.push(format!("file={}", escape_property(file)));
    }
    if let Some(line) = annotation.line {
        properties.push(format!("line={line}"));
    }
    if let Some(col) = annotation.col {
        properties.push(format!("col={col}"));
    }
    if let Some(title) = &annotation.title {
        properties.push(format!("title={}", escape_property(title)));
    }
    let properties = if properties.is_empty() {
        String::new()
    } else {
        format!(" {}", properties.join(","))
    };
    writeln!(
        out,
        "::{}{properties}::{}",
        annotation.level.as_str(),
        escape_data(&annotation.message)
    )
}

/// Write the annotations, at most [`SHOWN_PER_LEVEL`] of each level; the rest go to `summary`
/// as a Markdown list when there is one, else a plain line says how many were left out.
pub fn render(
    annotations: &[Annotation],
    out: &mut impl Write,
    summary: Option<&mut dyn Write>,
) -> io::Result<()> {
    let mut rest: Vec<&Annotation> = Vec::new();
    for level in [Level::Error, Level::Warning, Level::Notice] {
        let of_level = annotations.iter().filter(|a| a.level == level);
        for (i, annotation) in of_level.enumerate() {
            if i < SHOWN_PER_LEVEL {
                write_annotation(annotation, out)?;
            } else {
                rest.push(annotation);
            }
        }
    }
    if rest.is_empty() {
        return Ok(());
    }
    match summary {
        Some(summary) => {
            writeln!(
                out,
                "{} more annotations are listed in the step summary",
                rest.len()
            )?;
            writeln!(
                summary,
                "### {} more annotations than GitHub shows\n",
                rest.len()
            )?;
            for a in rest {
                let place = match (&a.file, a.line) {
                    (Some(f), Some(l)) => format!("`{f}:{l}` "),
                    (Some(f), None) => format!("`{f}` "),
                    _ => String::new(),
                };
                let title = a
                    .title
                    .as_deref()
                    .map_or(String::new(), |t| format!("{t}: "));
                writeln!(
                    summary,
                    "- **{}** {place}{title}{}",
                    a.level.as_str(),
                    a.message.replace('\n', " ")
                )?;
            }
            Ok(())
        }
        None => writeln!(
            out,
            "{} more annotations not shown (GitHub shows {SHOWN_PER_LEVEL} of each level)",
            rest.len()
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn line(a: &Annotation) -> String {
        let mut out = Vec::new();
        write_annotation(a, &mut out).unwrap();
        String::from_utf8(out).unwrap()
    }

    #[test]
    fn messages_escape_percent_and_line_breaks_and_properties_also_colons_and_commas() {
        let a = Annotation {
            level: Level::Error,
            file: Some("docs/a,b:c.md".into()),
            line: Some(3),
            col: Some(7),
            title: Some("DF005: status, changed 100%".into()),
            message: "50% off\r\nnext: a, b".into(),
        };
        assert_eq!(
            line(&a),
            "::error file=docs/a%2Cb%3Ac.md,line=3,col=7,title=DF005%3A status%2C changed 100%25::50%25 off%0D%0Anext: a, b\n"
        );
    }

    #[test]
    fn an_annotation_without_a_place_has_no_properties() {
        let a = Annotation::at(Level::Notice, None, "", "hello");
        assert_eq!(line(&a), "::notice::hello\n");
    }

    #[test]
    fn a_place_splits_into_file_line_and_column() {
        let a = Annotation::at(Level::Warning, Some("c:/docs/a.md:12:5"), "t", "m");
        assert_eq!(
            (a.file.as_deref(), a.line, a.col),
            (Some("c:/docs/a.md"), Some(12), Some(5))
        );
        let a = Annotation::at(Level::Warning, Some("a.md:12"), "t", "m");
        assert_eq!(
            (a.file.as_deref(), a.line, a.col),
            (Some("a.md"), Some(12), None)
        );
    }

    #[test]
    fn at_most_ten_of_each_level_are_shown_and_the_rest_go_to_the_summary() {
        let many: Vec<Annotation> = (0..12)
            .map(|i| Annotation::at(Level::Error, Some(&format!("a.md:{i}")), "", "e"))
            .chain([Annotation::at(Level::Warning, None, "", "w")])
            .collect();
        let mut out = Vec::new();
        let mut summary = Vec::new();
        render(&many, &mut out, Some(&mut summary)).unwrap();
        let out = String::from_utf8(out).unwrap();
        assert_eq!(out.matches("::error ").count(), 10);
        assert_eq!(out.matches("::warning::").count(), 1);
        assert!(out.ends_with("2 more annotations are listed in the step summary\n"));
        assert_eq!(
            String::from_utf8(summary).unwrap(),
            "### 2 more annotations than GitHub shows\n\n- **error** `a.md:10` e\n- **error** `a.md:11` e\n"
        );
        let mut out = Vec::new();
        render(&many, &mut out, None).unwrap();
        assert!(String::from_utf8(out)
            .unwrap()
            .ends_with("2 more annotations not shown (GitHub shows 10 of each level)\n"));
    }
}
