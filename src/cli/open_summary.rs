//! The open-model table `parlab run` prints after the summary when some runs had an
//! `arrival_rate`: offered against achieved rate, response and queue times, late and
//! dropped tasks, saturation. Nothing for closed-loop runs.

use super::summary::layout;
use parlab::format::{printable, si};
use parlab::results::Results;

const HEADER: [&str; 10] = [
    "Open load",
    "offered/s",
    "achieved/s",
    "response p50 µs",
    "response p99 µs",
    "queue p99 µs",
    "service p50 µs",
    "late",
    "dropped",
    "saturated",
];

/// The table (after a blank line), or nothing when no run had an open load.
pub fn render(results: &Results) -> String {
    let rows: Vec<Vec<String>> = results
        .runs
        .iter()
        .filter_map(|r| {
            let o = r.open.as_ref()?;
            Some(vec![
                printable(&r.label).into_owned(),
                si(o.offered_rate),
                si(o.achieved_rate),
                si(o.response_us.p50),
                si(o.response_us.p99),
                si(o.queue_us.p99),
                si(r.latency_us.p50),
                o.late.to_string(),
                o.dropped.to_string(),
                if o.saturated { "yes" } else { "no" }.to_string(),
            ])
        })
        .collect();
    if rows.is_empty() {
        return String::new();
    }
    let header: Vec<String> = HEADER.iter().map(|h| h.to_string()).collect();
    format!("\n{}", layout(&header, &rows, |c| c == 0))
}
