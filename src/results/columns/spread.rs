//! Cells with their uncertainty, for tables people read: a run measured over repetitions shows
//! its throughput as mean ± the half width of the 95 % interval of the mean (`12.0k ± 0.2k`)
//! and its p50/p99 (from the histograms merged over all repetitions) with the lowest and
//! highest single repetition's value beside them (`8.51 (8.40–8.70)`). A run without
//! repetitions, or with one, reads as [`Column::shown`] does: the CSV and the tables of older
//! files do not change.

use super::{Column, P50, P99, THROUGHPUT};
use crate::format::si;
use crate::results::{Host, RunResult, RunStatus};
use crate::stats::sentence::value_with_interval;

impl Column {
    /// `run`'s value as people read it, with its uncertainty where the run has repetitions
    /// to give one (throughput, p50, p99); otherwise as [`Column::shown`].
    pub fn shown_with_spread(&self, run: &RunResult, host: Option<&Host>) -> Option<String> {
        let spread = if self.key == THROUGHPUT.key {
            throughput(run)
        } else if self.key == P50.key {
            latency(run, run.latency_us.p50, |r| r.latency_us.p50)
        } else if self.key == P99.key {
            latency(run, run.latency_us.p99, |r| r.latency_us.p99)
        } else {
            None
        };
        spread.or_else(|| self.shown(run, host))
    }
}

/// For runs measured once among `runs` (from a session that repeats: some run has `stats`),
/// the sentence that says no uncertainty can be given; `all_measured_again` is true when
/// the session asked for repetitions although none of these runs got more than one.
pub fn one_repetition_note(runs: &[&RunResult], all_measured_again: bool) -> Option<String> {
    let era = all_measured_again || runs.iter().any(|r| r.stats.is_some());
    let single: Vec<&&RunResult> = runs.iter().filter(|r| r.repetitions.len() < 2).collect();
    if !era || single.is_empty() {
        return None;
    }
    let which = if single.len() == runs.len() {
        "one repetition".to_string()
    } else {
        let labels: Vec<_> = single
            .iter()
            .map(|r| crate::format::printable(&r.label))
            .collect();
        format!("one repetition of {}", labels.join(", "))
    };
    Some(format!(
        "{which}: no uncertainty can be given (an interval needs 2 repetitions, a verdict 3; \
         set repetitions = 5)"
    ))
}

/// True when a run has an uncertainty to show: an interval needs two repetitions.
pub fn has_spread(run: &RunResult) -> bool {
    run.stats
        .as_ref()
        .is_some_and(|s| s.throughput_per_sec.half_width().is_some())
}

fn throughput(run: &RunResult) -> Option<String> {
    let stats = run.stats.as_ref()?;
    stats.throughput_per_sec.half_width()?;
    Some(value_with_interval(&stats.throughput_per_sec, ""))
}

/// `merged (lowest–highest)` over the completed repetitions, when there are two or more.
fn latency(
    run: &RunResult,
    merged: f64,
    of: fn(&crate::results::Repetition) -> f64,
) -> Option<String> {
    let values: Vec<f64> = run
        .repetitions
        .iter()
        .filter(|r| r.status == RunStatus::Completed)
        .map(of)
        .filter(|v| v.is_finite())
        .collect();
    if values.len() < 2 {
        return None;
    }
    let lo = values.iter().copied().fold(f64::INFINITY, f64::min);
    let hi = values.iter().copied().fold(f64::NEG_INFINITY, f64::max);
    Some(format!("{} ({}–{})", si(merged), si(lo), si(hi)))
}
