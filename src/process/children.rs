//! The register of live child processes, so that a stop, a failure or parlab's own exit
//! can kill every child it started, and everything those started, and leave no orphan.
//!
//! Three layers keep a run's processes from outliving it:
//! - every child is registered with its run, and stopping a run kills each child's whole
//!   tree (found through `/proc` parent links) and process group;
//! - parlab workers are child subreapers: whatever their tasks leave behind, even a
//!   program that detaches with `setsid` and a double fork, stays below the worker, and a
//!   worker kills everything below it before it exits, also when parlab dies (its parent
//!   death signal is caught for that);
//! - the `parlab` executable is a subreaper too ([`adopt_orphans`]): what is left when a
//!   worker is killed from outside is reparented to parlab and killed at the end of the run;
//! - the programs parlab starts itself (the in-process models' commands and interpreters)
//!   are watched by the [`super::guardian`], which kills their process groups if parlab dies.
//!
//! Limits: a process that runs as another user, or one that leaves its process group with
//! `setsid` in an in-process model just before parlab is killed with `kill -9` (no parlab
//! worker above it to catch the parent's death), is not caught.

use std::collections::HashMap;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Mutex, PoisonError, RwLock};

/// Identifies the run a child belongs to.
pub type RunId = u64;

/// Each live child's run, and whether the guardian watches it.
static LIVE: Mutex<Option<HashMap<u32, (RunId, bool)>>> = Mutex::new(None);

/// Held (shared) from spawning a child until it is registered, and (exclusive) while
/// orphans are swept, so a child that is not registered yet is never taken for an orphan.
static SPAWNING: RwLock<()> = RwLock::new(());

/// Set once this process is a subreaper whose stray children parlab may kill.
static ADOPTS: AtomicBool = AtomicBool::new(false);

fn with_live<R>(f: impl FnOnce(&mut HashMap<u32, (RunId, bool)>) -> R) -> R {
    let mut guard = LIVE.lock().unwrap_or_else(PoisonError::into_inner);
    f(guard.get_or_insert_with(HashMap::new))
}

/// Spawns an external program with `spawn` (which returns it and its pid) and registers it
/// with `run`, with no gap in which an orphan sweep could take it for a stray process. The
/// program announces itself to the guardian ([`crate::sys::isolate_external`]), which is
/// told here when it is gone.
pub fn spawn_registered<T, E>(
    run: RunId,
    spawn: impl FnOnce() -> Result<(T, u32), E>,
) -> Result<T, E> {
    // In a worker: what this program starts must be killed if parlab dies.
    crate::sys::arm_parent_death();
    let _guard = SPAWNING.read().unwrap_or_else(PoisonError::into_inner);
    let (child, pid) = spawn()?;
    register(pid, run, true);
    Ok(child)
}

/// [`spawn_registered`] for a parlab worker process, which needs no guardian: it catches
/// parlab's death itself and ends everything below it.
pub fn spawn_worker_registered<T, E>(
    run: RunId,
    spawn: impl FnOnce() -> Result<(T, u32), E>,
) -> Result<T, E> {
    let _guard = SPAWNING.read().unwrap_or_else(PoisonError::into_inner);
    let (child, pid) = spawn()?;
    register(pid, run, false);
    Ok(child)
}

/// Records that `pid` (a child that leads its own process group) belongs to `run`.
fn register(pid: u32, run: RunId, guarded: bool) {
    // A guarded child announced itself to the guardian before it exec'd.
    with_live(|live| live.insert(pid, (run, guarded)));
}

/// Forgets `pid` once it has ended (before it is reaped, so its group id is still its own).
pub fn unregister(pid: u32) {
    if let Some((_, true)) = with_live(|live| live.remove(&pid)) {
        super::guardian::forget(pid);
    }
}

/// The children of `run` that are still alive.
pub fn of_run(run: RunId) -> Vec<u32> {
    with_live(|live| {
        live.iter()
            .filter(|(_, (r, _))| *r == run)
            .map(|(pid, _)| *pid)
            .collect()
    })
}

/// Kills every child of `run` and everything each of them started.
pub fn kill_run(run: RunId) {
    for pid in of_run(run) {
        crate::sys::kill_tree(pid);
    }
}

/// Kills every child parlab started and their descendants (when parlab must exit now).
pub fn kill_all() {
    let all: Vec<u32> = with_live(|live| live.keys().copied().collect());
    for pid in all {
        crate::sys::kill_tree(pid);
    }
    sweep_orphans();
}

/// Makes this process a subreaper whose stray children (orphans of its children's
/// children, reparented to it) are killed and reaped by [`sweep_orphans`]. For programs
/// whose only children are parlab's (the `parlab` executable, a worker); a library user
/// with children of its own should not call it.
pub fn adopt_orphans() {
    if crate::sys::become_subreaper() {
        ADOPTS.store(true, Ordering::SeqCst);
    }
}

/// Kills and reaps this process's children that parlab did not register: orphans that
/// were reparented to it. Does nothing unless [`adopt_orphans`] was called.
pub fn sweep_orphans() {
    if !ADOPTS.load(Ordering::SeqCst) {
        return;
    }
    let _guard = SPAWNING.write().unwrap_or_else(PoisonError::into_inner);
    sweep_unregistered();
}

/// Kills everything below this process for good, when it is about to exit: no child can
/// be spawned from now on (a spawn in progress finishes first), so none can slip past.
pub fn end_everything_below() {
    let guard = SPAWNING.write().unwrap_or_else(PoisonError::into_inner);
    // Everything below a subreaper descends from one of its own children: with none, there
    // is nothing to walk `/proc` for (the common case, which process-per-task pays per task).
    if crate::sys::has_children() {
        crate::sys::kill_descendants(std::process::id());
        if ADOPTS.load(Ordering::SeqCst) {
            sweep_unregistered();
        }
    }
    // Held until the process exits.
    std::mem::forget(guard);
}

fn sweep_unregistered() {
    // Killing an orphan reparents what it started to us too: a few passes find those.
    for _ in 0..8 {
        let strays: Vec<(u32, bool)> = crate::sys::own_children()
            .into_iter()
            .filter(|(pid, _)| !with_live(|live| live.contains_key(pid)))
            .filter(|(pid, _)| Some(*pid) != super::guardian::pid())
            .collect();
        if strays.is_empty() {
            return;
        }
        for &(pid, zombie) in &strays {
            if !zombie {
                crate::sys::kill_tree(pid);
            }
        }
        for (pid, _) in strays {
            // A killed process takes a moment to become a zombie.
            for _ in 0..200 {
                if crate::sys::reap_if_ended(pid) {
                    break;
                }
                std::thread::sleep(std::time::Duration::from_millis(1));
            }
        }
    }
}
