//! Turns the TOML parser's and serde's messages into plain sentences: "a whole number"
//! rather than "expected i64", "a list" rather than "a sequence", and long values elided so
//! a 100 kB string is never echoed whole.

/// Values longer than this many characters are elided in messages.
const LONGEST_VALUE: usize = 80;
/// How many characters of an elided value are kept.
const KEPT: usize = 60;
/// Messages longer than this many characters are cut (after eliding their values).
const LONGEST_MESSAGE: usize = 400;

/// `message` from serde or the TOML parser, in plain words; `leaf` is the field's name.
pub fn plain(message: &str, leaf: Option<&str>) -> String {
    let message = message.trim();
    let field = leaf.unwrap_or("this value");
    if let Some(rest) = message.strip_prefix("invalid type: ")
        && let Some((found, expected)) = rest.split_once(", expected ")
    {
        if found.starts_with("integer ") && found.contains("` as ") {
            return format!(
                "{field} must be {}, got {}, which is too large",
                value_expectation(expected),
                found_value(found)
            );
        }
        return format!(
            "{field} must be {}, not {}",
            expectation(expected),
            found_value(found)
        );
    }
    if let Some(rest) = message.strip_prefix("invalid value: ")
        && let Some((found, expected)) = rest.split_once(", expected ")
    {
        return format!(
            "{field} must be {}, got {}",
            value_expectation(expected),
            found_value(found)
        );
    }
    if let Some(rest) = message.strip_prefix("invalid length ")
        && let Some((n, expected)) = rest.split_once(", expected ")
    {
        return format!(
            "{field} has {n} elements; it must be {}",
            expectation(expected)
        );
    }
    if let Some(rest) = message.strip_prefix("unknown field ") {
        return unknown(rest, "key", "keys allowed here");
    }
    if let Some(rest) = message.strip_prefix("unknown variant ") {
        return unknown(rest, "choice", "choices");
    }
    if let Some(key) = message.strip_prefix("missing field ") {
        return format!("the key {key} is missing here");
    }
    if let Some(key) = message.strip_prefix("duplicate field ") {
        return format!("the key {key} is set twice");
    }
    if message.starts_with("wanted exactly 1 element")
        || message.starts_with("wanted string or table")
    {
        return format!("{field} must be one name, written as text in quotes");
    }
    elide_quoted(message)
}

/// `` `x`, expected one of `a`, `b` `` as a sentence.
fn unknown(rest: &str, what: &str, choices: &str) -> String {
    let (name, allowed) = rest.split_once(", expected ").unwrap_or((rest, ""));
    let name = elide_quoted(name);
    let allowed = allowed.trim_start_matches("one of ");
    if rest.contains("there are no") || allowed.is_empty() {
        format!("unknown {what} {name}: none is allowed here")
    } else {
        format!("unknown {what} {name}; the {choices} are {allowed}")
    }
}

/// What serde's "expected ..." means, for a wrong type.
fn expectation(expected: &str) -> String {
    let e = expected.trim();
    let whole = [
        "u8", "u16", "u32", "u64", "u128", "usize", "i8", "i16", "i32", "i64", "i128", "isize",
    ];
    if whole.contains(&e) || e == "an integer" {
        "a whole number".into()
    } else if e == "f32" || e == "f64" || e == "a float" {
        "a number".into()
    } else if e.contains("string") || e == "a character" || e == "char" {
        "text".into()
    } else if e == "a boolean" || e == "bool" {
        "true or false".into()
    } else if e.contains("sequence") || e.starts_with("a tuple") || e.starts_with("an array") {
        "a list".into()
    } else if e.contains("tagged enum") {
        "a table with a `kind` key".into()
    } else if e.starts_with("struct ") || e == "a map" || e == "map" {
        "a table".into()
    } else if e.starts_with("enum ")
        || e.contains("variant identifier")
        || e.contains("map with a single key")
    {
        "one name, written as text in quotes".into()
    } else {
        elide_quoted(e)
    }
}

/// What serde's "expected ..." means, for a value of the right type out of range.
fn value_expectation(expected: &str) -> String {
    match expected.trim() {
        "u8" | "u16" | "u32" | "u64" | "u128" | "usize" => {
            let max = match expected.trim() {
                "u8" => u64::from(u8::MAX),
                "u16" => u64::from(u16::MAX),
                "u32" => u64::from(u32::MAX),
                _ => u64::MAX,
            };
            format!("a whole number from 0 to {max}")
        }
        other => expectation(other),
    }
}

/// serde's description of the value found, in plain words.
fn found_value(found: &str) -> String {
    let f = found.trim();
    // `integer `5``, or `integer `99999999999999999999` as i128` for a huge one.
    let literal = |prefix: &str| {
        f.strip_prefix(prefix).map(|v| {
            let v = v.split("` as ").next().unwrap_or(v);
            elide(v.trim_matches('`')).to_string()
        })
    };
    if let Some(s) = f.strip_prefix("string ") {
        let inner = s.strip_prefix('"').and_then(|s| s.strip_suffix('"'));
        return format!("text {}", quote(inner.unwrap_or(s), '"'));
    }
    if let Some(v) = literal("integer ") {
        return v;
    }
    if let Some(v) = literal("floating point ") {
        return v;
    }
    if let Some(v) = literal("boolean ") {
        return v;
    }
    if let Some(v) = literal("character ") {
        return format!("text {v}");
    }
    match f {
        "sequence" => "a list".into(),
        "map" => "a table".into(),
        other => elide_quoted(other),
    }
}

/// `value` itself when short, else its first characters and its length.
pub fn elide(value: &str) -> std::borrow::Cow<'_, str> {
    let count = value.chars().count();
    if count <= LONGEST_VALUE {
        return value.into();
    }
    let head: String = value.chars().take(KEPT).collect();
    format!("{head}… ({count} characters)").into()
}

/// `value` in quotes, elided as `"first characters…" (N characters)` when long.
fn quote(value: &str, mark: char) -> String {
    let count = value.chars().count();
    if count <= LONGEST_VALUE {
        return format!("{mark}{value}{mark}");
    }
    let head: String = value.chars().take(KEPT).collect();
    format!("{mark}{head}…{mark} ({count} characters)")
}

/// `message` with every quoted or back-quoted part longer than the limit elided, and the
/// whole cut if it is still very long.
pub fn elide_quoted(message: &str) -> String {
    let mut out = String::with_capacity(message.len().min(1024));
    let mut rest = message;
    while let Some(open) = rest.find(['"', '`']) {
        let mark = rest[open..].chars().next().unwrap_or('"');
        out.push_str(&rest[..open]);
        let after = &rest[open + 1..];
        match after.find(mark) {
            Some(close) => {
                out.push_str(&quote(&after[..close], mark));
                rest = &after[close + 1..];
            }
            None => {
                out.push(mark);
                out.push_str(&elide(after));
                rest = "";
            }
        }
    }
    out.push_str(rest);
    let count = out.chars().count();
    if count > LONGEST_MESSAGE {
        let head: String = out.chars().take(LONGEST_MESSAGE - 40).collect();
        return format!("{head}… ({count} characters)");
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn jargon_becomes_plain_words() {
        let m = plain(
            "invalid type: string \"ten\", expected u64",
            Some("iterations"),
        );
        assert_eq!(m, "iterations must be a whole number, not text \"ten\"");
        let m = plain(
            "invalid type: floating point `1.5`, expected i64",
            Some("w"),
        );
        assert_eq!(m, "w must be a whole number, not 1.5");
        let m = plain(
            "invalid type: integer `3`, expected a string",
            Some("label"),
        );
        assert_eq!(m, "label must be text, not 3");
        let m = plain(
            "invalid type: integer `3`, expected a sequence",
            Some("argv"),
        );
        assert_eq!(m, "argv must be a list, not 3");
        let m = plain("invalid value: integer `-1`, expected u64", Some("bytes"));
        assert_eq!(
            m,
            "bytes must be a whole number from 0 to 18446744073709551615, got -1"
        );
        let m = plain(
            "wanted exactly 1 element, more than 1 element",
            Some("lock"),
        );
        assert_eq!(m, "lock must be one name, written as text in quotes");
        let m = plain(
            "invalid type: map, expected map with a single key",
            Some("lock"),
        );
        assert_eq!(
            m,
            "lock must be one name, written as text in quotes, not a table"
        );
    }

    #[test]
    fn long_values_are_elided() {
        let long = "x".repeat(100_000);
        let m = plain(
            &format!("invalid type: string \"{long}\", expected u64"),
            Some("ms"),
        );
        assert!(m.len() < 200, "{m}");
        assert!(m.contains("(100000 characters)"), "{m}");
        let m = elide_quoted(&format!("unknown variant `{long}`"));
        assert!(m.len() < 200, "{m}");
    }
}
