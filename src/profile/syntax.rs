//! TOML syntax errors as located sentences: a duplicate key named with the line of its first
//! setting, and keys nested past the parser's limit pointed at instead of "recursion limit".

use super::load::{Problem, line_col, locate, path_at};
use super::messages::{elide, plain};
use crate::validation::FieldPath;
use std::ops::Range;
use toml::Spanned;
use toml::de::{DeTable, DeValue};

/// A TOML syntax error, located, with the key named for a duplicate.
pub fn problem(text: &str, doc: &Spanned<DeTable>, e: &toml::de::Error) -> Problem {
    let message = e.message().trim();
    if message.starts_with("duplicate key")
        && let Some(span) = e.span()
    {
        return duplicate(text, doc, span);
    }
    if message.starts_with("recursion limit") {
        let (line, column) = deepest_line(text);
        return Problem {
            line: Some(line),
            column: Some(column),
            path: None,
            message: "keys or values nest too deeply here; a profile needs only a few levels \
                      (like run.workload.kind)"
                .into(),
        };
    }
    let path = e.span().and_then(|s| path_at(doc, s.start));
    let message = plain(message, None);
    locate(text, e.span(), path, message)
}

/// "the key `tasks` is set twice", with the line of its first setting when it can be found.
fn duplicate(text: &str, doc: &Spanned<DeTable>, span: Range<usize>) -> Problem {
    let raw = text.get(span.clone()).unwrap_or("").trim();
    let key = raw.trim_matches(|c| c == '"' || c == '\'');
    // The recovered document holds the first setting of a key, or the second of a table.
    let known = first_key_before(doc.get_ref(), key, span.end, FieldPath::root());
    let first_line = match &known {
        Some((_, at)) if at.start < span.start => Some(line_col(text, at.start).0),
        _ => earlier_line_setting(text, key, span.start),
    };
    let shown = elide(key);
    let message = match first_line {
        Some(line) => format!("the key `{shown}` is set twice: first on line {line}, again here"),
        None => format!("the key `{shown}` is set twice"),
    };
    locate(text, Some(span), known.map(|(p, _)| p), message)
}

/// The last line before byte `before` that sets `key` (`key = …`) or opens a table
/// ending in it (`[run.key]`), 1-based.
fn earlier_line_setting(text: &str, key: &str, before: usize) -> Option<usize> {
    let head = &text[..text.floor_char_boundary(before.min(text.len()))];
    let sets = |line: &str| {
        let line = line.trim();
        if let Some(header) = line.strip_prefix('[') {
            let name = header.trim_matches(|c| c == '[' || c == ']' || c == ' ');
            let last = name.rsplit('.').next().unwrap_or("").trim();
            return last.trim_matches(|c| c == '"' || c == '\'') == key;
        }
        line.split_once('=')
            .is_some_and(|(k, _)| k.trim().trim_matches(|c| c == '"' || c == '\'') == key)
    };
    let lines: Vec<&str> = head.lines().collect();
    // The duplicate's own line is the last (partial) one: skip it.
    let earlier = lines.len().saturating_sub(1);
    (0..earlier).rev().find(|&i| sets(lines[i])).map(|i| i + 1)
}

/// The last key named `key` that starts before byte `before`, with its path and span.
fn first_key_before(
    t: &DeTable,
    key: &str,
    before: usize,
    at: FieldPath,
) -> Option<(FieldPath, Range<usize>)> {
    let mut best: Option<(FieldPath, Range<usize>)> = None;
    let mut consider = |found: Option<(FieldPath, Range<usize>)>| {
        if let Some(f) = found
            && best.as_ref().is_none_or(|b| b.1.start < f.1.start)
        {
            best = Some(f);
        }
    };
    for (k, v) in t.iter() {
        let here = at.key(k.get_ref());
        if k.get_ref().as_ref() == key && k.span().start < before {
            consider(Some((here.clone(), k.span())));
        }
        match v.get_ref() {
            DeValue::Table(inner) => consider(first_key_before(inner, key, before, here)),
            DeValue::Array(items) => {
                for (i, item) in items.iter().enumerate() {
                    if let Some(inner) = item.get_ref().as_table() {
                        consider(first_key_before(inner, key, before, here.index(i)));
                    }
                }
            }
            _ => {}
        }
    }
    best
}

/// The line (and column 1) that nests deepest: the most dots in a key, or brackets.
fn deepest_line(text: &str) -> (usize, usize) {
    let depth = |line: &str| {
        let key = line.split('=').next().unwrap_or("");
        key.matches('.').count() + line.matches(['[', '{']).count()
    };
    let line = text
        .lines()
        .enumerate()
        .max_by_key(|(i, l)| (depth(l), std::cmp::Reverse(*i)))
        .map_or(0, |(i, _)| i);
    (line + 1, 1)
}
