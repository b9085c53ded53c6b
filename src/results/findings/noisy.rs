//! `noisy`: runs whose figures cannot be trusted: a wide interval, a large spread, an outlier
//! repetition, or other programs using a good part of the CPU during the run.

use super::measure::{Facts, foreign, pct};
use super::{Finding, Severity};
use crate::results::RunResult;
use crate::results::verdicts::throughput_samples;

/// The 95 % interval of the mean throughput is wide beyond ±10 % of the mean.
pub const WIDE_INTERVAL: f64 = 0.10;

/// Other programs used at least this share of the logical CPUs.
pub const FOREIGN_SHARE: f64 = 0.25;

/// One finding for all the runs that are noisy, each with its reasons.
pub fn find(facts: &Facts) -> Vec<Finding> {
    let noisy: Vec<(&RunResult, Vec<String>)> = facts
        .runs
        .iter()
        .map(|r| (r, reasons(facts, r)))
        .filter(|(_, why)| !why.is_empty())
        .collect();
    if noisy.is_empty() {
        return Vec::new();
    }
    let listed: Vec<String> = noisy
        .iter()
        .map(|(r, why)| format!("{} ({})", r.label, why.join(", ")))
        .collect();
    let most_foreign = noisy.iter().map(|(r, _)| foreign(r)).fold(0.0, f64::max);
    let widest = noisy
        .iter()
        .filter_map(|(r, _)| relative_half_width(r))
        .fold(0.0, f64::max);
    let text = format!(
        "The figures of {} are shaky: {}. Close other programs, run with more repetitions \
         (repetitions = 10) and longer runs, and treat small differences between these runs \
         as unproven.",
        if noisy.len() == 1 {
            "one run"
        } else {
            "these runs"
        },
        listed.join("; ")
    );
    let title = format!(
        "{} of {} runs measured with noise",
        noisy.len(),
        facts.runs.len()
    );
    vec![
        Finding::new("noisy", Severity::Warning, title, text)
            .runs(noisy.iter().map(|(r, _)| r.label.as_str()))
            .figure("max_foreign_cpu_cores", most_foreign)
            .figure("max_relative_half_width", widest),
    ]
}

fn relative_half_width(run: &RunResult) -> Option<f64> {
    let s = run.stats.as_ref()?.throughput_per_sec;
    (s.mean > 0.0).then(|| s.half_width().map(|h| h / s.mean))?
}

fn reasons(facts: &Facts, run: &RunResult) -> Vec<String> {
    let mut why = Vec::new();
    if let Some(w) = relative_half_width(run).filter(|&w| w > WIDE_INTERVAL) {
        why.push(format!("95 % interval ±{}", pct(w)));
    }
    if crate::stats::noise::outliers(&throughput_samples(run)).is_some() {
        why.push("an outlier repetition".to_string());
    }
    let others = foreign(run);
    if others >= FOREIGN_SHARE * facts.logical(run) {
        why.push(format!("other programs used {others:.2} cores"));
    }
    why
}
