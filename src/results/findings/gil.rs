//! `gil`: threads of one interpreter did not scale while the same work in processes did, and
//! the threads' run used about one core in total: a global interpreter lock (Python's GIL)
//! let one thread run at a time. Decided from throughput and CPU only: Python threads that
//! wait (`time.sleep`) or release the lock (large `hashlib` digests, NumPy) scale, and the
//! rule stays silent for them. Nor is it claimed unless half a core that no program used sat
//! idle beside the threads: with the other cores busy, one core is all they could get.

use super::lock_contention::MIN_IDLE_CORES;
use super::measure::{Facts, cores, in_threads};
use super::{Finding, Severity};
use crate::results::RunResult;

/// "About one core": the threads' run used at most this many cores in total…
pub const ONE_CORE_HIGH: f64 = 1.35;
/// …and at least this many (far less is waiting, not a lock held while computing).
pub const ONE_CORE_LOW: f64 = 0.6;

/// One finding per thread sweep that a process run of the same work outran.
pub fn find(facts: &Facts) -> Vec<Finding> {
    facts
        .sweeps()
        .into_iter()
        .filter(|s| in_threads(s[0].model))
        .filter_map(|sweep| {
            sweep
                .iter()
                .rev()
                .filter(|r| r.workers >= 2)
                .find_map(|threads| one(facts, sweep[0], threads))
        })
        .collect()
}

fn one(facts: &Facts, base: &RunResult, threads: &RunResult) -> Option<Finding> {
    let scaled = facts.change(threads, base)?;
    let used = cores(threads)?;
    // "One core while more were free": with other programs on the other core, one core is
    // all the threads could have had, and says nothing about a lock.
    let idle = facts.idle_cores(threads)?;
    if !scaled.no_gain() || !(ONE_CORE_LOW..=ONE_CORE_HIGH).contains(&used) || idle < MIN_IDLE_CORES
    {
        return None;
    }
    let (procs, beat) = facts
        .same_work(threads)
        .filter(|r| !in_threads(r.model))
        .filter_map(|r| Some((r, facts.change(r, threads)?)))
        .filter(|(_, c)| c.gain())
        .max_by(|a, b| a.1.ratio().total_cmp(&b.1.ratio()))?;
    let lock = if threads.workload.kind() == "python" {
        "the interpreter's global lock (the GIL)"
    } else {
        "a lock of the runtime all threads share (like Python's GIL)"
    };
    let text = format!(
        "{} threads ran at {} the throughput of {} and used {used:.2} cores in total: only one \
         thread computed at a time, held back by {lock}. {} did the same work at {} the \
         threads' throughput. For CPU-bound work of such a runtime, use processes.",
        threads.workers,
        scaled.describe(),
        base.label,
        procs.label,
        beat.describe()
    );
    let title = format!(
        "{}: threads took turns on one lock while processes scaled",
        threads.label
    );
    let f = Finding::new("gil", Severity::Notice, title, text)
        .runs([
            base.label.as_str(),
            threads.label.as_str(),
            procs.label.as_str(),
        ])
        .figure("threads_cpu_cores", used);
    let f = scaled.add_to(f, "threads_speedup");
    Some(beat.add_to(f, "processes_over_threads"))
}
