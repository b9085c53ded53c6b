//! The guardian: a small watcher process that outlives a `kill -9` of parlab just long
//! enough to end what parlab started.
//!
//! Worker processes catch their parent's death themselves (see `children.rs`), but the
//! programs that the in-process models (threads, pool, thread-per-task) start are parlab's
//! own children: when parlab is killed with SIGKILL, each dies with it (parent-death signal)
//! while whatever it started in the background is reparented to init and would run on. So
//! the `parlab` executable starts one guardian (the worker binary with
//! [`GUARD_ENV`] set) the first time it starts a child, and tells it over a pipe which
//! process groups are alive. When that pipe reaches end-of-file, which the kernel guarantees
//! when parlab dies however it dies, the guardian kills every group still listed (each
//! child leads a group of its own, and what it starts stays in it unless it calls `setsid`)
//! and exits. A normal exit of parlab leaves nothing listed.
//!
//! Each record is 5 bytes: `+` or `-`, then the group id as a little-endian `u32`.

use super::worker_command::WorkerCommand;
use std::collections::HashSet;
use std::io::{Read, Write};
use std::os::fd::{AsRawFd, RawFd};
use std::os::unix::process::CommandExt;
use std::process::{ChildStdin, Command, Stdio};
use std::sync::{Mutex, OnceLock, PoisonError};

/// Set in the guardian's environment: the worker binary then guards instead of working.
pub const GUARD_ENV: &str = "PARLAB_GUARDIAN";

/// How to start the guardian, set once by the executable that wants one.
static PROGRAM: OnceLock<WorkerCommand> = OnceLock::new();

/// The pipe to the running guardian and its pid (`None` inside: starting it failed). Never
/// closed while parlab runs: children write to its descriptor between fork and exec.
static PIPE: Mutex<Option<Option<(ChildStdin, u32)>>> = Mutex::new(None);

/// Asks for a guardian, started with `program` when the first child is announced.
pub fn enable(program: WorkerCommand) {
    let _ = PROGRAM.set(program);
}

/// The guardian's pid, if one runs (it is parlab's child, but not one of a run's).
pub fn pid() -> Option<u32> {
    let pipe = PIPE.lock().unwrap_or_else(PoisonError::into_inner);
    pipe.as_ref().and_then(|p| p.as_ref().map(|(_, pid)| *pid))
}

/// The descriptor on which a child about to exec announces its process group (see
/// [`crate::sys::isolate_external`]); starts the guardian on first use. `None` without a guardian.
pub fn announce_fd() -> Option<RawFd> {
    let program = PROGRAM.get()?;
    let mut pipe = PIPE.lock().unwrap_or_else(PoisonError::into_inner);
    let slot = pipe.get_or_insert_with(|| start(program));
    slot.as_ref().map(|(stdin, _)| stdin.as_raw_fd())
}

/// Tells the guardian that process group `pgid` is gone. A child announces itself (from
/// between fork and exec, so that no instant exists in which parlab could die with the
/// child running but unlisted).
pub fn forget(pgid: u32) {
    let mut pipe = PIPE.lock().unwrap_or_else(PoisonError::into_inner);
    if let Some(Some((stdin, _))) = pipe.as_mut() {
        // A guardian that died leaves the layers in `children` to cover every other way out.
        let mut record = [b'-', 0, 0, 0, 0];
        record[1..].copy_from_slice(&pgid.to_le_bytes());
        let _ = stdin.write_all(&record);
    }
}

fn start(program: &WorkerCommand) -> Option<(ChildStdin, u32)> {
    let mut cmd = Command::new(&program.program);
    cmd.args(&program.args)
        .env(GUARD_ENV, "1")
        .stdin(Stdio::piped())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        // Its own group: a Ctrl-C at the terminal is parlab's to handle, not the guardian's.
        .process_group(0);
    let mut child = cmd.spawn().ok()?;
    let pid = child.id();
    child.stdin.take().map(|stdin| (stdin, pid))
}

/// The guardian's main loop (in the worker binary): follows the records until parlab is
/// gone, then kills the groups still listed. Returns the exit status.
pub fn main() -> i32 {
    let mut listed = HashSet::new();
    let mut input = std::io::stdin().lock();
    let mut record = [0u8; 5];
    while input.read_exact(&mut record).is_ok() {
        let pgid = u32::from_le_bytes([record[1], record[2], record[3], record[4]]);
        if record[0] == b'+' {
            listed.insert(pgid);
        } else {
            listed.remove(&pgid);
        }
    }
    for pgid in listed {
        crate::sys::kill_group(pgid);
    }
    0
}
