//! The summary table `parlab run` prints on stdout: the columns of
//! [`columns::SUMMARY`](parlab::results::columns::SUMMARY) that apply to these runs.

use parlab::format::printable;
use parlab::results::Results;
use parlab::results::columns::{self, Column};

/// Text columns (the run's identity: label, model, workers, status) align left, numbers right.
const LEFT_ALIGNED: usize = 4;

/// The table: one row per run, then one line per failed run with its error; control
/// characters in labels and errors are escaped.
pub fn render(results: &Results) -> String {
    let shown: Vec<&Column> = columns::SUMMARY
        .into_iter()
        .filter(|c| c.applies_to(&results.runs))
        .collect();
    let header: Vec<String> = shown.iter().map(|c| c.heading.to_string()).collect();
    let rows: Vec<Vec<String>> = results
        .runs
        .iter()
        .map(|r| {
            shown
                .iter()
                .map(|c| match c.shown(r, Some(&results.host)) {
                    Some(text) => printable(&text).into_owned(),
                    None => "-".to_string(),
                })
                .collect()
        })
        .collect();
    let mut out = layout(&header, &rows);
    for r in results.runs.iter().filter(|r| r.status.is_failure()) {
        // User text (labels, a command's stderr) escaped: it must not rewrite the terminal.
        out.push_str(&format!(
            "\n{} {}: {}\n",
            printable(&r.label),
            r.status,
            printable(r.error.as_deref().unwrap_or("unknown error"))
        ));
    }
    out
}

/// The header and rows in columns as wide as their widest cell, two spaces apart.
fn layout(header: &[String], rows: &[Vec<String>]) -> String {
    let widths: Vec<usize> = (0..header.len())
        .map(|c| {
            rows.iter()
                .map(|r| r[c].chars().count())
                .chain([header[c].chars().count()])
                .max()
                .unwrap_or(0)
        })
        .collect();
    let line = |cells: &[String]| {
        let padded: Vec<String> = cells
            .iter()
            .enumerate()
            .map(|(c, cell)| {
                let pad = " ".repeat(widths[c].saturating_sub(cell.chars().count()));
                if c < LEFT_ALIGNED {
                    format!("{cell}{pad}")
                } else {
                    format!("{pad}{cell}")
                }
            })
            .collect();
        format!("{}\n", padded.join("  ").trim_end())
    };
    std::iter::once(header)
        .chain(rows.iter().map(Vec::as_slice))
        .map(line)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The table printed for the golden results, frozen: the column table must not change
    /// what `parlab run` prints.
    #[test]
    fn the_table_of_the_golden_results_is_unchanged() {
        let path = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/golden/results-v1.json");
        let results = Results::load_json(std::path::Path::new(path)).expect("golden results");
        let expected = include_str!("../../tests/golden/summary-v1.txt");
        assert_eq!(render(&results), expected);
    }
}
