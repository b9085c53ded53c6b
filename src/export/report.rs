//! The Markdown report (`parlab findings --md`, `parlab run --md`, the app's Export ▸ Report
//! as Markdown…): title, machine, the summary table, the findings with their evidence and the
//! scaling laws, in the form hyperfine users paste into pull requests.

use crate::format::printable;
use crate::results::Results;
use crate::results::columns::{self, Column};

/// The report of `results`, titled with `name` (the results file or the profile). The
/// findings and fits are the ones `results` holds: compute them first for an old file.
pub fn markdown(name: &str, results: &Results) -> String {
    let mut out = heading(name, results);
    out.push_str("## Runs\n\n");
    out.push_str(&table(results));
    out.push_str("\n## Findings\n\n");
    if results.findings.is_empty() {
        out.push_str("None: nothing the rules could establish from these runs.\n\n");
    }
    for f in &results.findings {
        out.push_str(&format!(
            "### {} `{}`: {}\n\n{}\n\n",
            f.severity,
            f.id,
            md(&f.title),
            md(&f.text)
        ));
        let runs: Vec<String> = f
            .evidence
            .runs
            .iter()
            .map(|r| format!("`{}`", md(r)))
            .collect();
        out.push_str(&format!("- runs: {}\n", runs.join(", ")));
        for (name, value) in &f.evidence.figures {
            out.push_str(&format!("- {name}: {}\n", figure(*value)));
        }
        out.push('\n');
    }
    let laws: Vec<String> = results.fits.iter().flat_map(|f| f.describe()).collect();
    if !laws.is_empty() {
        out.push_str("## Scaling laws\n\n");
        for line in laws {
            out.push_str(&format!("- {}\n", md(&line)));
        }
    }
    out
}

/// The title and the line about the machine and the version.
fn heading(name: &str, results: &Results) -> String {
    let h = &results.host;
    let when = if results.created_utc.is_empty() {
        String::new()
    } else {
        format!(", {}", md(&results.created_utc))
    };
    format!(
        "# parlab findings: {}\n\n{} logical CPUs, {}, {} (parlab {}{when})\n\n",
        md(name),
        h.logical_cpus,
        md(&h.cpu_brand),
        md(&h.os),
        md(&results.parlab_version),
    )
}

/// The summary table (the columns that apply, as `parlab run` prints them) in Markdown.
fn table(results: &Results) -> String {
    let shown: Vec<&Column> = columns::SUMMARY
        .into_iter()
        .filter(|c| c.applies_to(&results.runs))
        .collect();
    let row = |cells: Vec<String>| format!("| {} |\n", cells.join(" | "));
    let mut out = row(shown.iter().map(|c| md(c.heading)).collect());
    out.push_str(&row(shown.iter().map(|_| "---".to_string()).collect()));
    for r in &results.runs {
        out.push_str(&row(shown
            .iter()
            .map(|c| {
                c.shown_with_spread(r, Some(&results.host))
                    .map_or_else(|| "-".to_string(), |t| md(&t))
            })
            .collect()));
    }
    out
}

/// A figure with up to 4 decimals, no trailing zeros.
fn figure(v: f64) -> String {
    let s = format!("{v:.4}");
    let s = s.trim_end_matches('0').trim_end_matches('.');
    s.to_string()
}

/// Text made safe for Markdown: control characters escaped, `|` and backquotes neutralised.
fn md(text: &str) -> String {
    printable(text).replace('|', "\\|").replace('`', "'")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn figures_lose_trailing_zeros_and_text_cannot_break_the_table() {
        assert_eq!(figure(2.0), "2");
        assert_eq!(figure(0.12345), "0.1235");
        assert_eq!(md("a|b`c"), "a\\|b'c");
    }
}
