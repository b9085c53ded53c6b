//! `deadlock`: a run that stalled (no task completed for the stall timeout) while its workers
//! used almost no CPU: they were blocked waiting, not computing. A stall with busy workers
//! (an endless loop) is not called a deadlock.

use super::measure::{Facts, cpu_per_worker};
use super::{Finding, Severity};
use crate::results::RunStatus;

/// Below this CPU per worker (in cores) a stalled run's workers count as blocked.
pub const BLOCKED_CPU_PER_WORKER: f64 = 0.25;

/// One finding per stalled run whose workers were blocked.
pub fn find(facts: &Facts) -> Vec<Finding> {
    facts
        .runs
        .iter()
        .filter(|r| r.status == RunStatus::Stalled)
        .filter_map(|run| {
            let per_worker = cpu_per_worker(run)?;
            if per_worker >= BLOCKED_CPU_PER_WORKER {
                return None;
            }
            let why = run
                .error
                .as_deref()
                .map(|e| format!(" parlab said: {}.", e.trim_end_matches('.')))
                .unwrap_or_default();
            let text = format!(
                "{} stopped completing tasks after {} while its {} workers used {:.2} cores \
                 each: they were blocked waiting for each other (locks taken in opposite \
                 orders, for example).{why} Take locks in one order everywhere.",
                run.label, run.tasks_completed, run.workers, per_worker
            );
            Some(
                Finding::new(
                    "deadlock",
                    Severity::Warning,
                    format!("{}: the workers deadlocked", run.label),
                    text,
                )
                .runs([run.label.as_str()])
                .figure("tasks_completed", run.tasks_completed as f64)
                .figure("cpu_per_worker", per_worker),
            )
        })
        .collect()
}
