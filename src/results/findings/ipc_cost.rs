//! `ipc-cost`: long-lived worker processes paid more per task than threads for the same
//! work and worker count, because each task's data crosses a pipe. Claimed when the two runs'
//! 95 % intervals of overhead per task do not overlap (with fewer than 2 repetitions a side:
//! when the difference is at least the threads' overhead and 10 µs). With `bytes_moved`
//! measured, the cost is also given per MB moved.

use super::measure::{Facts, in_threads, per_task};
use super::{Finding, Severity};
use crate::results::RunResult;
use crate::stats::Summary;

/// One finding per long-lived process run that a thread run of the same work undercut.
pub fn find(facts: &Facts) -> Vec<Finding> {
    facts
        .runs
        .iter()
        .filter(|r| super::measure::measured(r) && !in_threads(r.model) && !per_task(r.model))
        .filter_map(|procs| {
            let threads = facts
                .same_work(procs)
                .find(|r| in_threads(r.model) && !per_task(r.model))?;
            one(procs, threads)
        })
        .collect()
}

fn overhead(run: &RunResult) -> Option<Summary> {
    match run.stats.as_ref().and_then(|s| s.overhead_per_task_us) {
        Some(s) => Some(s),
        None => Summary::of(&[run.overhead_per_task_us?]),
    }
}

fn one(procs: &RunResult, threads: &RunResult) -> Option<Finding> {
    let (p, t) = (overhead(procs)?, overhead(threads)?);
    let diff = p.mean - t.mean;
    let clear = match (p.ci_low, t.ci_high) {
        (Some(p_low), Some(t_high)) => p_low > t_high,
        _ => diff >= t.mean.max(10.0),
    };
    if !clear || diff <= 0.0 {
        return None;
    }
    let tasks = (procs.tasks_completed + procs.warmup_tasks).max(1) as f64;
    let per_mb = procs
        .workload_stats
        .as_ref()
        .and_then(|s| s.bytes_moved)
        .map(|b| b as f64 / tasks / 1e6)
        .filter(|mb| *mb > 0.0)
        .map(|mb| diff / mb);
    let moved = per_mb
        .map(|us| format!(", about {us:.0} µs per MB moved"))
        .unwrap_or_default();
    let text = format!(
        "{} cost {:.1} µs per task more than {} ({:.1} against {:.1} µs){moved}: each task and \
         its result crossed a pipe between processes, which threads sharing memory skip.",
        procs.label, diff, threads.label, p.mean, t.mean
    );
    let title = format!(
        "{}: moving data between processes costs {diff:.1} µs per task",
        procs.label
    );
    let mut f = Finding::new("ipc-cost", Severity::Info, title, text)
        .runs([procs.label.as_str(), threads.label.as_str()])
        .figure("overhead_difference_us", diff);
    if let Some(us) = per_mb {
        f = f.figure("us_per_mb", us);
    }
    Some(f)
}
