//! Reading profiles from TOML, with every error located by file, line, column and field.

use super::Profile;
use super::validate::{FieldPath, Segment, ValidationError};
use std::ops::Range;
use std::path::Path;
use toml::Spanned;
use toml::de::{DeTable, DeValue};

/// Why a profile could not be used.
#[derive(Debug, thiserror::Error)]
pub enum ProfileError {
    /// The file could not be read.
    #[error("cannot read profile {file}: {source}")]
    Read {
        /// The path as the user gave it.
        file: String,
        /// The operating system's reason.
        source: std::io::Error,
    },
    /// The file was read but is not a valid profile.
    #[error("{}", render(.file, .problems))]
    Invalid {
        /// The path as the user gave it.
        file: String,
        /// Each problem, in document order.
        problems: Vec<Problem>,
    },
}

/// One located problem in a profile.
#[derive(Debug, Clone, PartialEq)]
pub struct Problem {
    /// 1-based line, when known.
    pub line: Option<usize>,
    /// 1-based column (in characters), when known.
    pub column: Option<usize>,
    /// The field concerned, when known.
    pub path: Option<FieldPath>,
    /// What is wrong, as a sentence.
    pub message: String,
}

fn render(file: &str, problems: &[Problem]) -> String {
    problems
        .iter()
        .map(|p| match (p.line, p.column) {
            (Some(l), Some(c)) => format!("{file}:{l}:{c}: {}", p.message),
            _ => format!("{file}: {}", p.message),
        })
        .collect::<Vec<_>>()
        .join("\n")
}

/// Reads and validates the profile at `path`.
pub fn load_file(path: &Path) -> Result<Profile, ProfileError> {
    let file = path.display().to_string();
    let text = std::fs::read_to_string(path).map_err(|source| ProfileError::Read {
        file: file.clone(),
        source,
    })?;
    parse_str(&text, &file)
}

/// Parses and validates profile `text`; `file` names it in error messages.
pub fn parse_str(text: &str, file: &str) -> Result<Profile, ProfileError> {
    let invalid = |problems| ProfileError::Invalid {
        file: file.to_string(),
        problems,
    };
    let document = DeTable::parse(text).ok();
    let profile: Profile = match toml::from_str(text) {
        Ok(p) => p,
        Err(e) => {
            let span = e.span();
            let path = span
                .as_ref()
                .zip(document.as_ref())
                .and_then(|(s, doc)| path_at(doc, s.start));
            let mut message = e.message().trim().to_string();
            if let Some(leaf) = path.as_ref().and_then(|p| p.leaf())
                && !message.contains(leaf)
            {
                message = format!("{leaf}: {message}");
            }
            return Err(invalid(vec![locate(text, span, path, message)]));
        }
    };
    let errors = profile.validate();
    if errors.is_empty() {
        return Ok(profile);
    }
    let problems = errors
        .into_iter()
        .map(|ValidationError { path, message }| {
            let span = document.as_ref().and_then(|doc| span_of(doc, &path));
            locate(text, span, Some(path), message)
        })
        .collect();
    Err(invalid(problems))
}

fn locate(
    text: &str,
    span: Option<Range<usize>>,
    path: Option<FieldPath>,
    message: String,
) -> Problem {
    let (line, column) = match span {
        Some(span) => {
            let (l, c) = line_col(text, span.start);
            (Some(l), Some(c))
        }
        None => (None, None),
    };
    Problem {
        line,
        column,
        path,
        message,
    }
}

/// 1-based line and column (in characters) of byte `offset`.
fn line_col(text: &str, offset: usize) -> (usize, usize) {
    let before = &text[..text.floor_char_boundary(offset.min(text.len()))];
    let line = before.matches('\n').count() + 1;
    let line_start = before.rfind('\n').map_or(0, |i| i + 1);
    (line, before[line_start..].chars().count() + 1)
}

/// The span of the value at `path`; for a path that names no value (a missing key), the
/// span of the nearest enclosing value that exists.
fn span_of(doc: &Spanned<DeTable>, path: &FieldPath) -> Option<Range<usize>> {
    let mut span = None;
    let mut table = Some(doc.get_ref());
    let mut value: Option<&Spanned<DeValue>> = None;
    for seg in &path.0 {
        let next = match (seg, table, value) {
            (Segment::Key(k), Some(t), _) => t.get(k.as_str()),
            (Segment::Index(i), _, Some(v)) => v.get_ref().as_array().and_then(|a| a.get(*i)),
            _ => None,
        };
        let Some(next) = next else { break };
        span = Some(next.span());
        table = next.get_ref().as_table();
        value = Some(next);
    }
    span.or_else(|| Some(doc.span()).filter(|_| path.0.is_empty()))
}

/// The path of the innermost key or value whose span contains byte `offset`.
fn path_at(doc: &Spanned<DeTable>, offset: usize) -> Option<FieldPath> {
    fn in_table(t: &DeTable, offset: usize, at: FieldPath) -> Option<FieldPath> {
        for (k, v) in t.iter() {
            let here = at.key(k.get_ref());
            if k.span().contains(&offset) {
                return Some(here);
            }
            if let Some(found) = in_value(v, offset, here) {
                return Some(found);
            }
        }
        None
    }
    fn in_value(v: &Spanned<DeValue>, offset: usize, at: FieldPath) -> Option<FieldPath> {
        match v.get_ref() {
            DeValue::Table(t) => {
                in_table(t, offset, at.clone()).or_else(|| v.span().contains(&offset).then_some(at))
            }
            DeValue::Array(a) => a
                .iter()
                .enumerate()
                .find_map(|(i, item)| in_value(item, offset, at.index(i)))
                .or_else(|| v.span().contains(&offset).then_some(at)),
            _ => v.span().contains(&offset).then_some(at),
        }
    }
    in_table(doc.get_ref(), offset, FieldPath::root())
}

#[cfg(test)]
mod tests {
    use super::*;

    const GOOD: &str = r#"name = "demo"

[[run]]
model = "threads"
workers = [1, 2]
tasks = 10

[run.workload]
kind = "cpu"
iterations = 1000
"#;

    fn problems(text: &str) -> Vec<Problem> {
        match parse_str(text, "p.toml") {
            Err(ProfileError::Invalid { problems, .. }) => problems,
            other => panic!("expected an invalid profile, got {other:?}"),
        }
    }

    #[test]
    fn good_profile_parses_and_expands() {
        let profile = parse_str(GOOD, "p.toml").expect("valid");
        let plan = profile.plan();
        assert_eq!(plan.len(), 2);
        assert_eq!(plan[1].label, "threads ×2");
    }

    #[test]
    fn out_of_range_workers_point_at_the_value() {
        let text = "name = \"x\"\n[[run]]\nmodel = \"threads\"\nworkers = 0\ntasks = 5\n[run.workload]\nkind = \"sleep\"\nms = 1\n";
        let p = problems(text);
        assert_eq!(p.len(), 1);
        assert_eq!((p[0].line, p[0].column), (Some(4), Some(11)));
        assert_eq!(p[0].message, "workers must be between 1 and 1024, got 0");
        let err = parse_str(text, "cpu.toml").expect_err("invalid");
        assert_eq!(
            err.to_string(),
            "cpu.toml:4:11: workers must be between 1 and 1024, got 0"
        );
    }

    #[test]
    fn sweep_element_out_of_range_for_processes() {
        let text = GOOD
            .replace("\"threads\"", "\"processes\"")
            .replace("[1, 2]", "[1, 300]");
        let p = problems(&text);
        assert_eq!(p[0].line, Some(5));
        assert!(
            p[0].message
                .starts_with("workers must be between 1 and 256, got 300"),
            "{}",
            p[0].message
        );
    }

    #[test]
    fn unknown_key_is_an_error_with_its_line() {
        let text = GOOD.replace("tasks = 10", "tasks = 10\nthreds = 3");
        let p = problems(&text);
        assert_eq!(p[0].line, Some(7));
        assert!(p[0].message.contains("threds"), "{}", p[0].message);
    }

    #[test]
    fn unknown_workload_parameter_is_an_error() {
        let text = GOOD.replace("iterations = 1000", "iteratons = 1000");
        let p = problems(&text);
        assert!(p[0].message.contains("iteratons"), "{}", p[0].message);
        assert!(p[0].line.is_some());
    }

    #[test]
    fn wrong_type_names_the_field() {
        let text = GOOD.replace("tasks = 10", "tasks = \"ten\"");
        let p = problems(&text);
        assert_eq!(p[0].line, Some(6));
        assert!(p[0].message.contains("tasks"), "{}", p[0].message);
    }

    #[test]
    fn tasks_and_duration_together_are_rejected() {
        let text = GOOD.replace("tasks = 10", "tasks = 10\nduration_s = 2.0");
        let p = problems(&text);
        assert_eq!(p[0].line, Some(7));
        assert!(p[0].message.contains("not both"));
    }

    #[test]
    fn syntax_error_is_located() {
        let p = problems("name = \"x\"\n[[run]\n");
        assert_eq!(p[0].line, Some(2));
    }

    #[test]
    fn several_problems_are_all_reported() {
        let text = GOOD
            .replace("tasks = 10", "tasks = 0")
            .replace("[1, 2]", "[0, 2]");
        assert_eq!(problems(&text).len(), 2);
    }
}
