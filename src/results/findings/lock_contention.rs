//! `lock-contention`: adding workers did not raise throughput, and either the workers waited
//! (their CPU stayed below what the free cores allowed and the median task latency rose) or
//! throughput fell significantly although every worker had a free core (a lock that spins
//! before it sleeps keeps the CPU busy while the lock and its cache line bounce between
//! cores). The workload's lock kind is named when it has one.

use super::measure::{BUSY_SHARE, Facts, cores};
use super::{Finding, Severity};
use crate::results::RunResult;
use crate::workload::WorkloadSpec;

/// The median latency counts as risen from this factor.
pub const LATENCY_RISE: f64 = 1.2;

/// Workers count as waiting only when at least this much CPU (in cores) that no other
/// program used sat idle: with less, other programs' load could explain the idle time.
pub const MIN_IDLE_CORES: f64 = 0.5;

/// One finding per sweep, at the first step that shows contention.
pub fn find(facts: &Facts) -> Vec<Finding> {
    facts
        .sweeps()
        .into_iter()
        .filter_map(|sweep| {
            sweep
                .windows(2)
                .find_map(|w| one(facts, w[0], w[1], sweep.last().copied()?))
        })
        .collect()
}

fn one(facts: &Facts, a: &RunResult, b: &RunResult, last: &RunResult) -> Option<Finding> {
    let change = facts.change(b, a)?;
    let used = cores(b)?;
    let could = (b.workers as f64).min(facts.free_cores(b));
    let rise = b.latency_us.p50 / a.latency_us.p50;
    // The CPU no program used that the workers could have had, left idle.
    let idle = facts.idle_cores(b)?;
    let waited = !facts.busy(b) && idle >= MIN_IDLE_CORES && rise >= LATENCY_RISE;
    // Every worker had a core of its own, yet together they did significantly less.
    let collided = change.loss() && change.tested() && b.workers as f64 <= could + 0.25;
    if !change.no_gain() || !(waited || collided) || rise.is_nan() {
        return None;
    }
    let lock = match &b.workload {
        WorkloadSpec::Contention(c) => format!(
            "the `{}` lock",
            serde_json::to_value(c.lock)
                .ok()
                .and_then(|v| v.as_str().map(str::to_string))
                .unwrap_or_default()
        ),
        _ => "a lock or another shared resource".to_string(),
    };
    let text = if waited {
        format!(
            "Going from {} to {} workers gave {} the throughput while the workers used \
             {used:.2} cores of the {could:.2} they could have (below {:.0} %) and the median \
             task took {rise:.1}× as long: the workers waited for {lock}. Hold it for less \
             time, or give each worker its own data.",
            a.workers,
            b.workers,
            change.describe(),
            BUSY_SHARE * 100.0
        )
    } else {
        format!(
            "Going from {} to {} workers gave {} the throughput although each worker had a \
             free core ({could:.2} free, {used:.2} used): the workers got in each other's way \
             at {lock}, which they take in turn while it moves between cores. Hold it for \
             less time, or give each worker its own data.",
            a.workers,
            b.workers,
            change.describe(),
        )
    };
    let title = format!(
        "{} · {}: workers waited for {lock} from {} workers on",
        b.model,
        b.workload.kind(),
        b.workers
    );
    let mut labels = vec![a.label.as_str(), b.label.as_str()];
    if last.label != b.label {
        labels.push(last.label.as_str());
    }
    let f = Finding::new("lock-contention", Severity::Notice, title, text)
        .runs(labels)
        .figure("cpu_cores", used)
        .figure("free_cores", could)
        .figure("p50_rise", rise);
    Some(change.add_to(f, "throughput_ratio"))
}
