//! The register of live child process groups, so that a stop, a failure or parlab's own
//! exit can kill every child it started and leave no orphan behind.

use std::collections::HashMap;
use std::sync::{Mutex, PoisonError};

/// Identifies the run a child belongs to.
pub type RunId = u64;

static LIVE: Mutex<Option<HashMap<u32, RunId>>> = Mutex::new(None);

fn with_live<R>(f: impl FnOnce(&mut HashMap<u32, RunId>) -> R) -> R {
    let mut guard = LIVE.lock().unwrap_or_else(PoisonError::into_inner);
    f(guard.get_or_insert_with(HashMap::new))
}

/// Records that `pgid` (a child that leads its own process group) belongs to `run`.
pub fn register(pgid: u32, run: RunId) {
    with_live(|live| live.insert(pgid, run));
}

/// Forgets `pgid` once it has been reaped.
pub fn unregister(pgid: u32) {
    with_live(|live| live.remove(&pgid));
}

/// The process groups of `run` that are still alive.
pub fn of_run(run: RunId) -> Vec<u32> {
    with_live(|live| {
        live.iter()
            .filter(|(_, r)| **r == run)
            .map(|(pid, _)| *pid)
            .collect()
    })
}

/// Kills every process group that belongs to `run`.
pub fn kill_run(run: RunId) {
    for pgid in of_run(run) {
        crate::sys::kill_group(pgid);
    }
}

/// Kills every child process group parlab started (used when parlab itself must exit now).
pub fn kill_all() {
    let all: Vec<u32> = with_live(|live| live.keys().copied().collect());
    for pgid in all {
        crate::sys::kill_group(pgid);
    }
}
