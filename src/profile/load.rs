//! Reading profiles from TOML, with every error located by file, line, column and field.

use super::Profile;
use super::messages::{elide_quoted, plain};
use crate::validation::{FieldPath, Segment, ValidationError};
use std::ops::Range;
use std::path::Path;
use toml::Spanned;
use toml::de::{DeTable, DeValue};

/// The largest profile read, in bytes: hand-written profiles are a few kB, and a parser fed
/// 20 MB of blank lines would use a gigabyte.
pub const MAX_PROFILE_BYTES: u64 = 1 << 20;

/// Problems listed at most; a profile with more is summarised after these.
const MAX_PROBLEMS: usize = 20;

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
    /// The file is larger than any profile needs to be.
    #[error("{file} is {}; profiles are limited to 1 MiB", describe_size(*.bytes))]
    TooLarge {
        /// The path as the user gave it.
        file: String,
        /// Its size in bytes, when known (a pipe has none).
        bytes: Option<u64>,
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

fn describe_size(bytes: Option<u64>) -> String {
    match bytes {
        Some(b) => format!("{:.1} MB", b as f64 / 1e6),
        None => "larger than 1 MiB".to_string(),
    }
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

impl Problem {
    /// The message with the field's full path as its subject (`run[0].workload.ms must be
    /// …`), so a problem in the second run never reads like one in the first.
    pub fn sentence(&self) -> String {
        let Some(path) = self.path.as_ref().filter(|p| !p.0.is_empty()) else {
            return self.message.clone();
        };
        let full = path.to_string();
        match path.leaf() {
            _ if self.message.starts_with(&full) => self.message.clone(),
            Some(leaf) if self.message.starts_with(&format!("{leaf} ")) => {
                format!("{full}{}", &self.message[leaf.len()..])
            }
            _ => format!("{full}: {}", self.message),
        }
    }
}

fn render(file: &str, problems: &[Problem]) -> String {
    problems
        .iter()
        .map(|p| match (p.line, p.column) {
            (Some(l), Some(c)) => format!("{file}:{l}:{c}: {}", p.sentence()),
            _ => format!("{file}: {}", p.sentence()),
        })
        .collect::<Vec<_>>()
        .join("\n")
}

/// Reads and validates the profile at `path`.
pub fn load_file(path: &Path) -> Result<Profile, ProfileError> {
    let text = read_text(path)?;
    parse_str(&text, &path.display().to_string())
}

/// Reads the text of the profile at `path`: at most [`MAX_PROFILE_BYTES`], and UTF-8 (an
/// invalid byte is reported with its line).
pub fn read_text(path: &Path) -> Result<String, ProfileError> {
    use std::io::Read;
    let file = path.display().to_string();
    let unreadable = |source| ProfileError::Read {
        file: file.clone(),
        source,
    };
    let handle = std::fs::File::open(path).map_err(unreadable)?;
    let declared = handle.metadata().map(|m| m.len()).unwrap_or(0);
    if declared > MAX_PROFILE_BYTES {
        return Err(ProfileError::TooLarge {
            file,
            bytes: Some(declared),
        });
    }
    let mut bytes = Vec::new();
    handle
        .take(MAX_PROFILE_BYTES + 1)
        .read_to_end(&mut bytes)
        .map_err(unreadable)?;
    if bytes.len() as u64 > MAX_PROFILE_BYTES {
        return Err(ProfileError::TooLarge { file, bytes: None });
    }
    text_from_bytes(bytes, &file)
}

/// The bytes of a profile as text, or a problem naming the line and byte that are not
/// UTF-8; `file` names it in the message.
pub fn text_from_bytes(bytes: Vec<u8>, file: &str) -> Result<String, ProfileError> {
    let file = file.to_string();
    String::from_utf8(bytes).map_err(|e| {
        let valid = &e.as_bytes()[..e.utf8_error().valid_up_to()];
        // The prefix is valid UTF-8 by definition; lossy conversion never changes it.
        let before = String::from_utf8_lossy(valid);
        let (line, column) = line_col(&before, before.len());
        let line_start = valid.iter().rposition(|b| *b == b'\n').map_or(0, |i| i + 1);
        let byte = valid.len() - line_start + 1;
        ProfileError::Invalid {
            file,
            problems: vec![Problem {
                line: Some(line),
                column: Some(column),
                path: None,
                message: format!(
                    "line {line}, byte {byte} is not valid UTF-8: save the profile as UTF-8 text"
                ),
            }],
        }
    })
}

/// Parses and validates profile `text`; `file` names it in error messages.
pub fn parse_str(text: &str, file: &str) -> Result<Profile, ProfileError> {
    if text.len() as u64 > MAX_PROFILE_BYTES {
        return Err(ProfileError::TooLarge {
            file: file.to_string(),
            bytes: Some(text.len() as u64),
        });
    }
    let invalid = |problems| ProfileError::Invalid {
        file: file.to_string(),
        problems,
    };
    let (document, syntax) = DeTable::parse_recoverable(text);
    if let Some(e) = syntax.first() {
        return Err(invalid(vec![super::syntax::problem(text, &document, e)]));
    }
    let profile: Profile = match toml::from_str(text) {
        Ok(p) => p,
        Err(e) => return Err(invalid(vec![type_problem(text, &document, &e)])),
    };
    let errors = profile.validate();
    if errors.is_empty() {
        return Ok(profile);
    }
    let count = errors.len();
    let mut problems: Vec<Problem> = errors
        .into_iter()
        .take(MAX_PROBLEMS)
        .map(|ValidationError { path, message }| {
            let span = span_of(&document, &path);
            locate(text, span, Some(path), elide_quoted(&message))
        })
        .collect();
    if count > MAX_PROBLEMS {
        problems.push(Problem {
            line: None,
            column: None,
            path: None,
            message: format!("… and {} more problems", count - MAX_PROBLEMS),
        });
    }
    Err(invalid(problems))
}

/// A value of the wrong type or a key that does not belong, located at the field itself,
/// even inside `[run.workload]` (whose kind-tagged table serde reads without positions).
fn type_problem(text: &str, doc: &Spanned<DeTable>, e: &toml::de::Error) -> Problem {
    let mut span = e.span();
    let mut message = e.message().to_string();
    let mut path = span.as_ref().and_then(|s| path_at(doc, s.start));
    if let Some(run) = path.as_ref().and_then(workload_run)
        && let Some(inner) = super::workload_spans::first_error(doc, run)
        && let Some(inner_span) = inner.span()
    {
        path = path_at(doc, inner_span.start);
        span = Some(inner_span);
        message = inner.message().to_string();
    }
    let leaf = path.as_ref().and_then(|p| p.leaf());
    let message = plain(&message, leaf);
    locate(text, span, path, message)
}

/// The index of the run whose workload `path` lies in, if it does.
fn workload_run(path: &FieldPath) -> Option<usize> {
    match path.0.as_slice() {
        [Segment::Key(run), Segment::Index(i), Segment::Key(w), ..]
            if run == "run" && w == "workload" =>
        {
            Some(*i)
        }
        _ => None,
    }
}

pub(super) fn locate(
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
pub(super) fn line_col(text: &str, offset: usize) -> (usize, usize) {
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
pub(super) fn path_at(doc: &Spanned<DeTable>, offset: usize) -> Option<FieldPath> {
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
    fn many_runs_share_the_session_span_budget() {
        use crate::metrics::spans::{SESSION_SPAN_LIMIT, SPAN_LIMIT};
        let limit = |order: &str, reps: usize, counts: &str| {
            let text = format!(
                "name = \"x\"\nrepetitions = {reps}\norder = \"{order}\"\n[[run]]\n\
                 model = \"threads\"\nworkers = [{counts}]\ntasks = 5\n[run.workload]\n\
                 kind = \"sleep\"\nms = 1\n"
            );
            let plan = parse_str(&text, "p.toml").expect("valid").plan();
            assert!(plan.iter().all(|r| r.span_limit == plan[0].span_limit));
            plan[0].span_limit
        };
        assert_eq!(limit("interleaved", 1, "1, 2"), SPAN_LIMIT);
        // 50 configurations: interleaved, all 3 repetitions of each are held at once.
        let fifty: String = (1..=50).map(|w| format!("{w}, ")).collect();
        assert_eq!(limit("interleaved", 3, &fifty), SESSION_SPAN_LIMIT / 150);
        // Sequential: the finished configurations' medians and one configuration's 3.
        assert_eq!(limit("sequential", 3, &fifty), SESSION_SPAN_LIMIT / 52);
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
            "cpu.toml:4:11: run[0].workers must be between 1 and 1024, got 0"
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
    fn negative_workers_name_the_models_own_limit() {
        let text = GOOD.replace("[1, 2]", "-1");
        assert_eq!(
            problems(&text)[0].message,
            "workers must be between 1 and 1024, got -1"
        );
        let text = GOOD
            .replace("\"threads\"", "\"processes\"")
            .replace("[1, 2]", "[2, -3]");
        let p = problems(&text);
        assert_eq!((p[0].line, p[0].column), (Some(5), Some(15)));
        assert_eq!(
            p[0].message,
            "workers must be between 1 and 256, got -3 (process models start one child process per worker)"
        );
    }

    #[test]
    fn the_shortest_stall_timeout_validation_accepts_is_the_one_planned() {
        let min = super::super::MIN_STALL_TIMEOUT_S;
        let at = |t: f64| GOOD.replace("tasks = 10", &format!("tasks = 10\nstall_timeout_s = {t}"));
        assert_eq!(
            problems(&at(0.2))[0].message,
            "stall_timeout_s must be between 0.5 and 86400 (24 h), got 0.2"
        );
        let mut profile = parse_str(&at(min), "p.toml").expect("valid");
        assert_eq!(profile.plan()[0].stall_timeout.as_secs_f64(), min);
        // A profile planned without validation (as an editor might) gets the same floor.
        profile.runs[0].stall_timeout_s = Some(0.2);
        assert_eq!(profile.plan()[0].stall_timeout.as_secs_f64(), min);
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
