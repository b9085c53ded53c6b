//! `cpu-saturated`: more workers than cores bought nothing because the cores were full.
//!
//! Fires for a sweep with a count N above the machine's logical CPUs when the run at N was
//! not faster than the run at the largest count within the cores (N₀), while the CPU was
//! full during it (parlab's CPU plus other programs' at least [`FULL_SHARE`] of the logical
//! CPUs), and the sweep did scale up to N₀ (N₀ faster than the smallest count, when they
//! differ): work that gains nothing from a second worker is contention, not full cores.
//!
//! Other programs' CPU is allowed for: where they took cores, the gain up to N₀ may be too
//! small to test, and more workers past the cores win a larger share of the machine from
//! them. So N₀ also counts as scaled when its workers used the CPU they could get at no
//! less than [`KEPT_PER_CORE`] of the smallest count's throughput per core used; and N
//! counts as no gain when its throughput grew no more than parlab's CPU did (within
//! [`FOLLOWED_CPU`]) while other programs' CPU fell by [`TAKEN_FROM_OTHERS`] cores or more
//! and the workers kept [`CPU_BOUND_CORES`] busy at N₀: the extra came from other programs'
//! share, not from more cores.

use super::measure::{Facts, cores, foreign, pct};
use super::{Finding, Severity};
use crate::results::RunResult;

/// The cores count as full when the CPU used (parlab's and other programs') is at least this
/// share of the logical CPUs.
pub const FULL_SHARE: f64 = 0.75;

/// Throughput per core used at N₀ at least this share of the smallest count's: the work did
/// not get costlier per task as workers were added.
pub const KEPT_PER_CORE: f64 = 0.8;

/// Throughput past the cores "followed the CPU" when it grew by at most this factor times
/// parlab's CPU growth…
pub const FOLLOWED_CPU: f64 = 1.1;

/// …while other programs' CPU fell by at least this many cores…
pub const TAKEN_FROM_OTHERS: f64 = 0.1;

/// True when other programs used [`TAKEN_FROM_OTHERS`] cores less during `later` than
/// during `earlier`: CPU that `later`'s workers could win from them.
pub fn others_gave_up_cpu(earlier: &RunResult, later: &RunResult) -> bool {
    foreign(earlier) - foreign(later) >= TAKEN_FROM_OTHERS
}

/// …and parlab's workers kept at least this many cores busy at N₀: evidence that the work is
/// CPU-bound. Work that waits (file I/O beside busy programs) also gains in step with its
/// CPU, but then used a fraction of a core at N₀.
pub const CPU_BOUND_CORES: f64 = 0.9;

/// One finding per sweep that went past the cores without gaining.
pub fn find(facts: &Facts) -> Vec<Finding> {
    facts
        .sweeps()
        .into_iter()
        .filter_map(|sweep| {
            let (logical, within, past) = facts.past_cores(&sweep)?;
            let (at_cores, beyond) = (sweep[within], *past.last()?);
            if within > 0 && !scaled(facts, sweep[0], at_cores)? {
                return None;
            }
            let change = facts.change(beyond, at_cores)?;
            let own = cores(beyond)?;
            let used = own + foreign(beyond);
            let took = took_from_others(at_cores, beyond, change.ratio())?;
            if !(change.no_gain() || took) || used < FULL_SHARE * logical {
                return None;
            }
            let others = if foreign(beyond) >= 0.1 {
                format!(", {:.2} of them by other programs,", foreign(beyond))
            } else {
                ",".to_string()
            };
            let share = if took {
                format!(
                    " What they gained ({:.2} to {:.2} cores for parlab) was taken from other \
                     programs' share of the CPU, not from more cores.",
                    cores(at_cores)?,
                    own
                )
            } else {
                String::new()
            };
            let text = format!(
                "{} workers on {logical:.0} logical CPUs gave {} the throughput of {} workers, \
                 while {used:.2} cores were busy{others} {} of the machine.{share} The cores \
                 were full: for CPU-bound work, more workers than cores adds switching, not \
                 speed; use {} workers.",
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

/// `top` scaled from `base`: significantly faster, or (where other programs took cores) its
/// workers used the CPU they could get at no less than [`KEPT_PER_CORE`] of `base`'s
/// throughput per core.
fn scaled(facts: &Facts, base: &RunResult, top: &RunResult) -> Option<bool> {
    if facts.change(top, base)?.gain() {
        return Some(true);
    }
    let per_core = |r: &RunResult| Some(r.throughput_per_sec / cores(r)?.max(1e-9));
    let kept = per_core(top)? >= KEPT_PER_CORE * per_core(base)?;
    Some(kept && facts.busy(top) && cores(top)? > cores(base)?)
}

/// True when `beyond`'s throughput (`ratio` times `at_cores`') grew no more than parlab's
/// CPU did while other programs' CPU fell: the gain came from their share.
fn took_from_others(at_cores: &RunResult, beyond: &RunResult, ratio: f64) -> Option<bool> {
    let cpu_ratio = cores(beyond)? / cores(at_cores)?.max(1e-9);
    let fell = others_gave_up_cpu(at_cores, beyond);
    let cpu_bound = cores(at_cores)? >= CPU_BOUND_CORES;
    Some(fell && cpu_bound && ratio <= FOLLOWED_CPU * cpu_ratio)
}
