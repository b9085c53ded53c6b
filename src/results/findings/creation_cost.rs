//! `creation-cost`: a per-task model (a new thread or process for every task) whose overhead
//! per task is large against the task itself, when a long-lived model did the same work
//! faster (or, with no long-lived run to compare, when the overhead exceeds the task).

use super::measure::{Facts, measured, pct, per_task};
use super::{Finding, Severity};
use crate::results::RunResult;

/// The overhead counts as large from this share of the time per task (overhead + task).
pub const LARGE_SHARE: f64 = 0.2;

/// One finding per per-task run whose creation cost is large.
pub fn find(facts: &Facts) -> Vec<Finding> {
    facts
        .runs
        .iter()
        .filter(|r| measured(r) && per_task(r.model))
        .filter_map(|run| one(facts, run))
        .collect()
}

fn one(facts: &Facts, run: &RunResult) -> Option<Finding> {
    let overhead = run
        .stats
        .as_ref()
        .and_then(|s| s.overhead_per_task_us.map(|o| o.mean))
        .or(run.overhead_per_task_us)?;
    let task = run.latency_us.mean.max(0.0);
    let share = overhead / (overhead + task);
    if !(share.is_finite() && share >= LARGE_SHARE) {
        return None;
    }
    let faster = facts
        .same_work(run)
        .filter(|r| !per_task(r.model))
        .filter_map(|r| Some((r, facts.change(r, run)?)))
        .filter(|(_, c)| c.gain())
        .max_by(|a, b| a.1.ratio().total_cmp(&b.1.ratio()));
    if faster.is_none() && overhead < task {
        return None;
    }
    let mut text = format!(
        "{} spent {} µs per task starting its workers, against {} µs for the task itself ({} \
         of the time).",
        run.label,
        crate::format::si(overhead),
        crate::format::si(task),
        pct(share)
    );
    let mut f = Finding::new(
        "creation-cost",
        Severity::Notice,
        format!(
            "{}: creating a worker per task costs {} µs",
            run.label,
            crate::format::si(overhead)
        ),
        String::new(),
    )
    .figure("overhead_per_task_us", overhead)
    .figure("task_us", task)
    .figure("overhead_share", share);
    let mut labels = vec![run.label.as_str()];
    match faster {
        Some((r, change)) => {
            text.push_str(&format!(
                " {} did the same work with long-lived workers at {} the throughput.",
                r.label,
                change.describe()
            ));
            labels.push(r.label.as_str());
            f = change.add_to(f, "throughput_ratio");
        }
        None => text.push_str(" A long-lived model (threads, processes) pays it once."),
    }
    f.text = text;
    Some(f.runs(labels))
}
