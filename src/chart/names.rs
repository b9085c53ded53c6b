//! What a run is called in a chart's legend, the same in the app and in exported images:
//! its number, its label, how it ended when it did not complete, and the file it was loaded
//! from when it was not measured in this session.

use crate::results::{RunResult, RunStatus};

/// The legend text of run number `n` (counted from 0, shown from 1):
/// `#3 threads ×2 (stopped) [cli.json]`.
pub fn legend_name(n: u64, result: &RunResult, origin: Option<&str>) -> String {
    let status = match result.status {
        RunStatus::Completed => String::new(),
        other => format!(" ({other})"),
    };
    let origin = origin.map_or_else(String::new, |o| format!(" [{o}]"));
    format!("#{} {}{status}{origin}", n + 1, result.label)
}
