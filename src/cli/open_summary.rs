//! The open-model table `parlab run` prints after the summary when some runs had an
//! `arrival_rate`: the columns of [`columns::OPEN_SUMMARY`] (offered against achieved rate,
//! response and queue times, late and dropped tasks, saturation). Nothing for closed-loop
//! runs.

use super::summary::layout;
use parlab::format::printable;
use parlab::results::Results;
use parlab::results::columns;

/// The table (after a blank line), or nothing when no run had an open load.
pub fn render(results: &Results) -> String {
    let rows: Vec<Vec<String>> = results
        .runs
        .iter()
        .filter(|r| r.open.is_some())
        .map(|r| {
            columns::OPEN_SUMMARY
                .iter()
                .map(|c| match c.shown(r, Some(&results.host)) {
                    Some(text) => printable(&text).into_owned(),
                    None => "-".to_string(),
                })
                .collect()
        })
        .collect();
    if rows.is_empty() {
        return String::new();
    }
    // The table's name heads its first column (the runs' labels).
    let header: Vec<String> = columns::OPEN_SUMMARY
        .iter()
        .enumerate()
        .map(|(i, c)| if i == 0 { "Open load" } else { c.heading }.to_string())
        .collect();
    format!("\n{}", layout(&header, &rows, |c| c == 0))
}
