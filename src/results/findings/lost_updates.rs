//! `lost-updates`: a run whose shared counter ended short of the updates its tasks made
//! (`lost_updates` above 0): a race.

use super::measure::{Facts, pct};
use super::{Finding, Severity};

/// One finding per run that lost updates.
pub fn find(facts: &Facts) -> Vec<Finding> {
    facts
        .runs
        .iter()
        .filter_map(|run| {
            let lost = run
                .workload_stats
                .as_ref()?
                .lost_updates
                .filter(|&n| n > 0)?;
            // Every task, warm-up included, made one update.
            let made = (run.tasks_completed + run.warmup_tasks).max(lost);
            let text = format!(
                "{} lost {lost} of {made} updates ({}): workers read the shared value, \
                 changed it and wrote it back over each other's writes. Protect it (a mutex, \
                 an atomic) or give each worker its own.",
                run.label,
                pct(lost as f64 / made as f64)
            );
            let title = format!("{}: a race lost {lost} updates", run.label);
            Some(
                Finding::new("lost-updates", Severity::Warning, title, text)
                    .runs([run.label.as_str()])
                    .figure("lost_updates", lost as f64)
                    .figure("updates", made as f64),
            )
        })
        .collect()
}
