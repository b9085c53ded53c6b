//! `load-imbalance`: a run whose workers were unevenly busy: `load_balance` (mean busy
//! time over the busiest worker's, see [`crate::metrics::balance`]) below 0.8, the POP
//! methodology's threshold, over enough tasks that it is not one task's length. Named with
//! the run of the same work that spread it best, when there is one.
//!
//! Busy time is the wall time a worker spent in its tasks, so it is claimed only when each
//! worker could have a core of its own (workers ≤ the cores other programs left free, give
//! or take [`FOREIGN_WARN_CORES`]): otherwise a worker waiting for a core counts as busy,
//! and the figure says nothing about how the work was split.

use super::measure::{Facts, measured, pct};
use super::{Finding, Severity};
use crate::metrics::foreign::FOREIGN_WARN_CORES;
use crate::results::RunResult;

/// Below this `load_balance` the work was split unevenly (POP).
pub const THRESHOLD: f64 = 0.8;

/// Tasks per worker needed before the balance says something about the split.
pub const MIN_TASKS_PER_WORKER: u64 = 20;

/// From this share of the workers' time waiting for a lock inside tasks, uneven running
/// time is the lock's doing (an unfair hand-off lets one worker run while the other
/// waits), not the split's: `lock-contention` speaks for it, not this rule.
pub const LOCK_WAIT_SHARE: f64 = 0.1;

/// One finding per unevenly balanced run.
pub fn find(facts: &Facts) -> Vec<Finding> {
    facts
        .runs
        .iter()
        .filter(|r| measured(r) && r.workers >= 2)
        .filter(|r| r.tasks_completed >= MIN_TASKS_PER_WORKER * r.workers as u64)
        // Other programs' CPU below the level parlab warns about (what a quiet machine's
        // daemons use, and the measurement's own jitter on a short run) still leaves each of
        // as many workers as cores its core: its workers waited at most that share of the
        // run in all, too little to take an even split (0.9 and more) below THRESHOLD.
        .filter(|r| r.workers as f64 <= facts.free_cores(r) + FOREIGN_WARN_CORES)
        .filter(|r| {
            r.balance
                .as_ref()
                .is_some_and(|b| b.waiting_share < LOCK_WAIT_SHARE)
        })
        .filter_map(|run| one(facts, run))
        .collect()
}

fn balance(run: &RunResult) -> Option<f64> {
    run.balance
        .as_ref()
        .map(|b| b.load_balance)
        .filter(|b| b.is_finite())
}

fn one(facts: &Facts, run: &RunResult) -> Option<Finding> {
    let b = run.balance.as_ref()?;
    let lb = balance(run)?;
    if lb >= THRESHOLD {
        return None;
    }
    let max = b.busy_s.iter().copied().fold(0.0, f64::max);
    let mean = b.busy_s.iter().sum::<f64>() / b.busy_s.len().max(1) as f64;
    let better = facts
        .runs
        .iter()
        .filter(|r| measured(r) && r.label != run.label)
        .filter(|r| r.workload == run.workload && r.workers == run.workers)
        .filter_map(|r| Some((r, balance(r)?)))
        .filter(|(_, other)| *other >= THRESHOLD)
        .max_by(|a, b| a.1.total_cmp(&b.1));
    let mut text = format!(
        "{}: the busiest of its {} workers ran tasks for {:.3} s, the average one {:.3} s \
         (load balance {lb:.2}; below {THRESHOLD} is a problem): on average a worker sat idle \
         for {} of the busiest one's time.",
        run.label,
        run.workers,
        max,
        mean,
        pct(1.0 - lb)
    );
    let mut labels = vec![run.label.as_str()];
    let mut f = Finding::new(
        "load-imbalance",
        Severity::Notice,
        format!(
            "{}: workers unevenly busy (load balance {lb:.2})",
            run.label
        ),
        String::new(),
    )
    .figure("load_balance", lb)
    .figure("max_busy_s", max)
    .figure("mean_busy_s", mean);
    match better {
        Some((r, other)) => {
            text.push_str(&format!(
                " {} ran the same work with a balance of {other:.2}.",
                r.label
            ));
            labels.push(r.label.as_str());
            f = f.figure("better_load_balance", other);
        }
        None => text.push_str(
            " Hand out work dynamically (a shared queue, smaller chunks, work stealing) so \
             that a worker with short tasks takes more of them.",
        ),
    }
    f.text = text;
    Some(f.runs(labels))
}
