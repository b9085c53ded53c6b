//! `io-bound`: throughput kept growing past the machine's logical CPUs while the CPU stayed
//! mostly idle: the work waits (on sleep, disk, network), and threads are enough. The gain
//! must also exceed [`BEYOND_CPU`] times the growth of parlab's CPU: where other programs
//! held the cores, CPU-bound work also gains past them (by winning a larger share) while
//! using little CPU, and that is not waiting.

use super::measure::{Facts, cores, pct};
use super::{Finding, Severity};

/// "Mostly idle": parlab used at most this share of the logical CPUs at the largest count.
pub const IDLE_SHARE: f64 = 0.5;

/// The throughput must grow by more than this factor times parlab's CPU growth.
pub const BEYOND_CPU: f64 = 1.25;

/// One finding per sweep that grew past the cores on idle CPUs.
pub fn find(facts: &Facts) -> Vec<Finding> {
    facts
        .sweeps()
        .into_iter()
        .filter_map(|sweep| {
            let logical = facts.logical(sweep[0]);
            let within = sweep.iter().rposition(|r| r.workers as f64 <= logical)?;
            let (at_cores, beyond) = (sweep[within], *sweep.last()?);
            if beyond.workers as f64 <= logical {
                return None;
            }
            let change = facts.change(beyond, at_cores)?;
            let used = cores(beyond)?;
            let cpu_growth = used / cores(at_cores)?.max(1e-9);
            if !change.gain()
                || used > IDLE_SHARE * logical
                || change.ratio() <= BEYOND_CPU * cpu_growth
            {
                return None;
            }
            let text = format!(
                "{} workers gave {} the throughput of {} on {logical:.0} logical CPUs, while \
                 using {used:.2} cores ({} of the machine): the tasks spend their time waiting, \
                 not computing. Threads are enough for such work, and more of them than cores \
                 still help.",
                beyond.workers,
                change.describe(),
                at_cores.workers,
                pct(used / logical)
            );
            let title = format!(
                "{} · {}: the work waits, and scales past the cores",
                beyond.model,
                beyond.workload.kind()
            );
            let f = Finding::new("io-bound", Severity::Info, title, text)
                .runs([at_cores.label.as_str(), beyond.label.as_str()])
                .figure("logical_cpus", logical)
                .figure("cpu_cores", used);
            Some(change.add_to(f, "throughput_ratio"))
        })
        .collect()
}
