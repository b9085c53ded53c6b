//! `io-bound`: throughput kept growing past the machine's logical CPUs while the CPU stayed
//! mostly idle: the work waits (on sleep, disk, network), and threads are enough. Where
//! other programs gave up CPU past the cores, the gain must also exceed [`BEYOND_CPU`] times
//! the growth of parlab's CPU: CPU-bound work also gains past the cores then (by winning a
//! larger share) while using little CPU, and that is not waiting. On a quiet machine the
//! CPU grows with the throughput of any work (file I/O's system calls too), so it is not
//! compared.

use super::cpu_saturated::others_gave_up_cpu;
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
            let (logical, within, past) = facts.past_cores(&sweep)?;
            // The best count past the cores: I/O that scales to 8 threads and then levels
            // off (a disk's queue) still scaled past 2 cores.
            let at_cores = sweep[within];
            let beyond = *past
                .iter()
                .max_by(|a, b| a.throughput_per_sec.total_cmp(&b.throughput_per_sec))?;
            let change = facts.change(beyond, at_cores)?;
            let used = cores(beyond)?;
            let cpu_growth = used / cores(at_cores)?.max(1e-9);
            let won_from_others = others_gave_up_cpu(at_cores, beyond);
            let followed_cpu = won_from_others && change.ratio() <= BEYOND_CPU * cpu_growth;
            if !change.gain() || used > IDLE_SHARE * logical || followed_cpu {
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
