//! Number and text formatting shared by the command line, the app and exported images.

use std::borrow::Cow;

/// `1234567.0` → `1.23M`: short, readable magnitudes for tables.
pub fn si(v: f64) -> String {
    let a = v.abs();
    if a == 0.0 {
        "0".into()
    } else if a >= 1e9 {
        format!("{:.2}G", v / 1e9)
    } else if a >= 1e6 {
        format!("{:.2}M", v / 1e6)
    } else if a >= 1e4 {
        format!("{:.1}k", v / 1e3)
    } else if a >= 100.0 {
        format!("{v:.0}")
    } else if a >= 10.0 {
        format!("{v:.1}")
    } else {
        format!("{v:.2}")
    }
}

/// An axis tick: whole numbers without decimals, large ones shortened (`12k`).
pub fn axis(v: f64) -> String {
    if v.abs() >= 1e4 {
        si(v)
    } else if (v - v.round()).abs() < 1e-9 {
        format!("{v:.0}")
    } else {
        let s = format!("{v:.3}");
        s.trim_end_matches('0').trim_end_matches('.').to_string()
    }
}

/// Bytes as MiB with one decimal.
pub fn mib(bytes: u64) -> String {
    format!("{:.1}", bytes as f64 / (1024.0 * 1024.0))
}

/// A moment as a UTC timestamp, `2026-11-25T15:22:09Z`.
pub fn utc_timestamp(t: std::time::SystemTime) -> String {
    let secs = t
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs());
    let (y, m, d) = civil_from_days((secs / 86_400) as i64);
    let s = secs % 86_400;
    format!(
        "{y:04}-{m:02}-{d:02}T{:02}:{:02}:{:02}Z",
        s / 3600,
        s / 60 % 60,
        s % 60
    )
}

/// Days since 1970-01-01 → (year, month, day) in the proleptic Gregorian calendar
/// (Howard Hinnant's algorithm).
fn civil_from_days(z: i64) -> (i64, u32, u32) {
    let z = z + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let m = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    (yoe + era * 400 + i64::from(m <= 2), m, d)
}

/// True for characters that can make text on a terminal (or in an image) lie: control
/// characters (C0, DEL, C1: escape sequences, carriage returns, newlines), bidirectional
/// overrides that reorder what follows, and the noncharacters U+FFFE and U+FFFF.
fn is_unsafe(c: char) -> bool {
    c.is_control()
        || matches!(c, '\u{200e}' | '\u{200f}' | '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}')
        || matches!(c, '\u{fffe}' | '\u{ffff}')
}

/// `s` with every unsafe character escaped (`\n`, `\r`, `\t`, `\u{1b}`): the one way user
/// text (labels, names, paths, error messages) reaches a terminal or an exported image.
pub fn printable(s: &str) -> Cow<'_, str> {
    if !s.chars().any(is_unsafe) {
        return Cow::Borrowed(s);
    }
    let mut out = String::with_capacity(s.len() + 8);
    for c in s.chars() {
        match c {
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if is_unsafe(c) => out.push_str(&format!("\\u{{{:x}}}", u32::from(c))),
            c => out.push(c),
        }
    }
    Cow::Owned(out)
}

/// Like [`printable`], but keeps line breaks: for messages made of several lines.
pub fn printable_lines(s: &str) -> String {
    s.split('\n').map(printable).collect::<Vec<_>>().join("\n")
}

/// A command line as a shell would need it typed: words quoted where needed, unsafe
/// characters written as Bash `$'…'` escapes, so what is shown is exactly what runs.
pub fn shell_quote<S: AsRef<str>>(argv: &[S]) -> String {
    argv.iter()
        .map(|a| quote_word(a.as_ref()))
        .collect::<Vec<_>>()
        .join(" ")
}

fn quote_word(w: &str) -> String {
    let plain = |c: char| c.is_ascii_alphanumeric() || "@%+=:,./_-".contains(c);
    if !w.is_empty() && w.chars().all(plain) {
        return w.to_string();
    }
    if !w.chars().any(is_unsafe) {
        return format!("'{}'", w.replace('\'', r"'\''"));
    }
    let mut out = String::from("$'");
    for c in w.chars() {
        match c {
            '\\' => out.push_str(r"\\"),
            '\'' => out.push_str(r"\'"),
            '\n' => out.push_str(r"\n"),
            '\r' => out.push_str(r"\r"),
            '\t' => out.push_str(r"\t"),
            '\u{1b}' => out.push_str(r"\e"),
            c if is_unsafe(c) && u32::from(c) < 0x80 => {
                out.push_str(&format!("\\x{:02x}", u32::from(c)))
            }
            c if is_unsafe(c) => out.push_str(&format!("\\u{:04x}", u32::from(c))),
            c => out.push(c),
        }
    }
    out.push('\'');
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn timestamps_are_utc_calendar_dates() {
        let t = std::time::UNIX_EPOCH + std::time::Duration::from_secs(1_795_620_129);
        assert_eq!(utc_timestamp(t), "2026-11-25T15:22:09Z");
        assert_eq!(utc_timestamp(std::time::UNIX_EPOCH), "1970-01-01T00:00:00Z");
        let leap = std::time::UNIX_EPOCH + std::time::Duration::from_secs(951_782_400);
        assert_eq!(utc_timestamp(leap), "2000-02-29T00:00:00Z");
    }

    #[test]
    fn si_formats_magnitudes() {
        assert_eq!(si(2_345_678.0), "2.35M");
        assert_eq!(si(12_345.0), "12.3k");
        assert_eq!(si(512.4), "512");
        assert_eq!(si(2.71), "2.71");
        assert_eq!(mib(3 * 1024 * 1024), "3.0");
        assert_eq!(axis(80.0), "80");
        assert_eq!(axis(0.25), "0.25");
        assert_eq!(axis(16_000.0), "16.0k");
    }

    #[test]
    fn printable_escapes_what_could_lie() {
        assert_eq!(printable("plain µs"), "plain µs");
        assert_eq!(
            printable("a\u{1b}]52;c;eA==\u{7}b\r\nc\u{9b}d\u{202e}"),
            "a\\u{1b}]52;c;eA==\\u{7}b\\r\\nc\\u{9b}d\\u{202e}"
        );
        assert_eq!(printable_lines("x\ny\rz"), "x\ny\\rz");
    }

    #[test]
    fn shell_quote_shows_what_runs() {
        assert_eq!(
            shell_quote(&["/bin/echo", "a b", "it's", ""]),
            r"/bin/echo 'a b' 'it'\''s' ''"
        );
        assert_eq!(
            shell_quote(&["/bin/sh", "-c", "touch pwned #\u{1b}[2K\r  /bin/true"]),
            r"/bin/sh -c $'touch pwned #\e[2K\r  /bin/true'"
        );
        assert_eq!(shell_quote(&["a\u{7}'\\\u{85}"]), r"$'a\x07\'\\\u0085'");
    }
}
