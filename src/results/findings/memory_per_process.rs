//! `memory-per-process`: peak memory grew with the number of worker processes (each holds
//! its own copy) while threads running the same work shared one. Peak memory is one figure
//! per run (no interval), so the rule asks for a clear margin instead.

use super::measure::{Facts, in_threads};
use super::{Finding, Severity};
use crate::format::si;
use crate::results::RunResult;

/// Processes must add at least this much peak memory per worker (1 MiB)…
pub const MIN_GROWTH_BYTES: f64 = 1024.0 * 1024.0;
/// …and at least this many times what a thread added.
pub const MIN_FACTOR: f64 = 4.0;

/// One finding per workload with a process sweep and a thread sweep.
pub fn find(facts: &Facts) -> Vec<Finding> {
    let sweeps = facts.sweeps();
    sweeps
        .iter()
        .filter(|s| !in_threads(s[0].model))
        .filter_map(|procs| {
            let threads = sweeps
                .iter()
                .find(|t| in_threads(t[0].model) && t[0].workload == procs[0].workload)?;
            one(procs, threads)
        })
        .collect()
}

/// Bytes of peak memory each added worker cost across the sweep.
fn growth(sweep: &[&RunResult]) -> f64 {
    let (a, b) = (sweep[0], sweep[sweep.len() - 1]);
    let rss = |r: &RunResult| r.process.peak_rss_bytes as f64;
    (rss(b) - rss(a)) / (b.workers - a.workers) as f64
}

fn one(procs: &[&RunResult], threads: &[&RunResult]) -> Option<Finding> {
    let (per_process, per_thread) = (growth(procs), growth(threads).max(0.0));
    if per_process < MIN_GROWTH_BYTES || per_process < MIN_FACTOR * per_thread {
        return None;
    }
    let top = procs[procs.len() - 1];
    let text = format!(
        "Each added worker process raised peak memory by {}B ({} ×{}: {}B in all), each added \
         thread by {}B: every process holds its own copy of the interpreter and the data, \
         threads share one. Mind the memory when adding processes.",
        si(per_process),
        top.model,
        top.workers,
        si(top.process.peak_rss_bytes as f64),
        si(per_thread)
    );
    let title = format!(
        "{}: each worker process costs {}B of memory",
        top.workload.kind(),
        si(per_process)
    );
    let labels = procs.iter().chain(threads).map(|r| r.label.as_str());
    Some(
        Finding::new("memory-per-process", Severity::Info, title, text)
            .runs(labels)
            .figure("bytes_per_process", per_process)
            .figure("bytes_per_thread", per_thread),
    )
}
