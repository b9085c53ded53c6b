//! `cpu-saturated`: more workers than cores bought nothing because the cores were full.
//!
//! Fires for a sweep with a count N above the machine's logical CPUs when the run at N was
//! not faster than the run at the largest count within the cores (N₀), while the CPU was
//! full during it (parlab's CPU plus other programs' at least [`FULL_SHARE`] of the logical
//! CPUs), and the sweep did scale up to N₀ (N₀ faster than the smallest count, when they
//! differ): work that gains nothing from a second worker is contention, not full cores.

use super::measure::{Facts, cores, foreign, pct};
use super::{Finding, Severity};

/// The cores count as full when the CPU used (parlab's and other programs') is at least this
/// share of the logical CPUs.
pub const FULL_SHARE: f64 = 0.75;

/// One finding per sweep that went past the cores without gaining.
pub fn find(facts: &Facts) -> Vec<Finding> {
    facts
        .sweeps()
        .into_iter()
        .filter_map(|sweep| {
            let logical = facts.logical(sweep[0]);
            let within = sweep.iter().rposition(|r| r.workers as f64 <= logical)?;
            let at_cores = sweep[within];
            let beyond = *sweep.last()?;
            if beyond.workers as f64 <= logical {
                return None;
            }
            if within > 0 && !facts.change(at_cores, sweep[0])?.gain() {
                return None;
            }
            let change = facts.change(beyond, at_cores)?;
            let own = cores(beyond)?;
            let used = own + foreign(beyond);
            if !change.no_gain() || used < FULL_SHARE * logical {
                return None;
            }
            let others = if foreign(beyond) >= 0.1 {
                format!(", {:.2} of them by other programs,", foreign(beyond))
            } else {
                ",".to_string()
            };
            let text = format!(
                "{} workers on {logical:.0} logical CPUs gave {} the throughput of {} workers, \
                 while {used:.2} cores were busy{others} {} of the machine. The cores were \
                 full: for CPU-bound work, more workers than cores adds switching, not speed; \
                 use {} workers.",
                beyond.workers,
                change.describe(),
                at_cores.workers,
                pct(used / logical),
                at_cores.workers
            );
            let title = format!(
                "{} · {}: the cores were full past {} workers",
                beyond.model,
                beyond.workload.kind(),
                at_cores.workers
            );
            let f = Finding::new("cpu-saturated", Severity::Notice, title, text)
                .runs([at_cores.label.as_str(), beyond.label.as_str()])
                .figure("logical_cpus", logical)
                .figure("cpu_cores", own)
                .figure("foreign_cpu_cores", foreign(beyond));
            Some(change.add_to(f, "throughput_ratio"))
        })
        .collect()
}
