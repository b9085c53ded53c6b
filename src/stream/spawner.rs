//! One long-lived thread that starts every engine process.
//!
//! Two things a child inherits from the *thread* that starts it, not from the process: its
//! scheduling priority (Linux keeps nice values per thread) and its parent-death signal
//! (sent when that thread ends). The app lowers the priority of its own threads while a run
//! is live (so its drawing yields to the workload) and Linux does not let it raise them back
//! without privilege; starting engines from this thread, which is never lowered, gives every
//! engine the priority the app started with. And the thread lives as long as the app, so
//! the engine's parent-death signal fires when the app dies, not when some caller ends.

use std::io;
use std::process::{Child, Command};
use std::sync::mpsc::{self, Sender};
use std::sync::{Mutex, OnceLock, PoisonError};

type Job = Box<dyn FnOnce() + Send>;

struct Spawner {
    jobs: Mutex<Sender<Job>>,
    tid: u32,
}

static SPAWNER: OnceLock<Option<Spawner>> = OnceLock::new();

fn spawner() -> Option<&'static Spawner> {
    SPAWNER
        .get_or_init(|| {
            let (jobs, queue) = mpsc::channel::<Job>();
            let (tid_tx, tid_rx) = mpsc::channel();
            std::thread::Builder::new()
                .name("parlab-engine-starter".into())
                .spawn(move || {
                    let _ = tid_tx.send(crate::sys::thread_id());
                    for job in queue {
                        job();
                    }
                })
                .ok()?;
            let tid = tid_rx.recv().ok()?;
            Some(Spawner {
                jobs: Mutex::new(jobs),
                tid,
            })
        })
        .as_ref()
}

/// The kernel id of the thread that starts engines (started on first use), which must keep
/// the app's original priority; `None` if it could not start.
pub fn spawner_tid() -> Option<u32> {
    spawner().map(|s| s.tid)
}

/// Starts `command` from the starter thread (or from this thread if that one is missing).
pub fn spawn(mut command: Command) -> io::Result<Child> {
    let Some(spawner) = spawner() else {
        return command.spawn();
    };
    let (tx, rx) = mpsc::channel();
    let job: Job = Box::new(move || {
        let _ = tx.send(command.spawn());
    });
    let sent = spawner
        .jobs
        .lock()
        .unwrap_or_else(PoisonError::into_inner)
        .send(job);
    if sent.is_err() {
        return Err(io::Error::other(
            "the thread that starts the engine has ended",
        ));
    }
    rx.recv()
        .map_err(|_| io::Error::other("the thread that starts the engine has ended"))?
}
