//! The verdicts of a session: each run against the one-worker run of the same model and
//! workload (its speedup), and runs with the same workload and worker count against each
//! other (different models, or one configuration written twice under two labels).
//!
//! Ratios are of mean throughputs on the log scale ([`crate::stats::ratio`]): paired by
//! round when the order was interleaved and both runs have the same rounds (drift then
//! cancels out), Welch's unpaired interval otherwise. Fewer than 3 repetitions on a side give
//! a ratio but no verdict.

use super::{Comparison, RunResult};
use crate::profile::Order;
use crate::stats::{Pairing, Ratio, ratio, sentence};

/// The comparisons worth reading among `runs`, ran in `order`.
pub fn comparisons(runs: &[RunResult], order: Order) -> Vec<Comparison> {
    let mut out = Vec::new();
    // An open-load run's throughput is its arrival rate's (up to saturation): no verdict
    // on it says anything about its model.
    let closed = |r: &&RunResult| r.open.is_none();
    for (i, a) in runs.iter().enumerate().filter(|(_, r)| closed(r)) {
        // Speedup: against the one-worker run of the same model and workload.
        if a.workers > 1
            && let Some(b) = runs
                .iter()
                .filter(closed)
                .find(|b| b.workers == 1 && b.same_model(a) && b.workload == a.workload)
        {
            out.extend(compare(a, b, order));
        }
        // Same work, same workers: models (or labels) against each other, each pair once,
        // the faster one named first ("processes ×2 is 1.9× faster than threads ×2").
        for b in runs[i + 1..].iter().filter(closed) {
            if b.workers == a.workers && b.workload == a.workload {
                let (first, second) = if b.throughput_per_sec > a.throughput_per_sec {
                    (b, a)
                } else {
                    (a, b)
                };
                out.extend(compare(first, second, order));
            }
        }
    }
    out
}

/// `a` against `b`: their throughputs per repetition, paired by round where that is sound.
fn compare(a: &RunResult, b: &RunResult, order: Order) -> Option<Comparison> {
    let r = throughput_ratio(a, b, order == Order::Interleaved)?;
    Some(Comparison {
        a: a.label.clone(),
        b: b.label.clone(),
        ratio: r.ratio,
        ci_low: r.ci_low,
        ci_high: r.ci_high,
        verdict: r.verdict(),
        sentence: sentence::verdict_sentence(&a.label, &b.label, &r),
    })
}

/// `a`'s throughput over `b`'s with its 95 % interval, from their repetitions: paired by
/// round when `interleaved` (the repetitions of one round ran side by side) and both runs
/// have the same complete rounds, unpaired (Welch) otherwise. The verdicts and the scaling
/// chart's error bars both come from here, so they agree.
pub fn throughput_ratio(a: &RunResult, b: &RunResult, interleaved: bool) -> Option<Ratio> {
    let (xa, xb) = (throughput_samples(a), throughput_samples(b));
    let rounds = |r: &RunResult| r.repetitions.iter().map(|p| p.round).collect::<Vec<_>>();
    let paired = interleaved
        && xa.len() == xb.len()
        && rounds(a) == rounds(b)
        && a.repetitions.len() == xa.len()
        && b.repetitions.len() == xb.len();
    let pairing = if paired {
        Pairing::Paired
    } else {
        Pairing::Unpaired
    };
    ratio(&xa, &xb, pairing)
}

/// The run's throughput per repetition that measured something (its overall throughput for
/// a run from before repetitions).
pub fn throughput_samples(r: &RunResult) -> Vec<f64> {
    if r.repetitions.is_empty() {
        return vec![r.throughput_per_sec];
    }
    measured(r).map(|p| p.throughput_per_sec).collect()
}

/// The repetitions of `r` that measured something: not failed, at least one task completed.
pub fn measured(r: &RunResult) -> impl Iterator<Item = &super::Repetition> {
    r.repetitions
        .iter()
        .filter(|p| !p.status.is_failure() && p.tasks_completed > 0)
}
