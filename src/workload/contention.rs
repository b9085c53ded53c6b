//! `contention { lock, critical_iterations }`: every task updates shared state. In-process
//! models share one instance across workers; each worker process has its own (no sharing).

use super::{Kind, Placement, TaskContext, TaskError, Workload, WorkloadStats, kernel};
use crate::profile::{FieldPath, Model, ValidationError, check_range};
use serde::{Deserialize, Serialize};
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use std::sync::{Mutex, MutexGuard, PoisonError, RwLock};
use std::time::Duration;

/// How the shared counter is protected.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum LockKind {
    /// One mutex held during the work: workers take turns.
    Mutex,
    /// The work under a read lock (shared), the increment under the write lock.
    Rwlock,
    /// The work outside any lock, then an atomic increment.
    Atomic,
    /// One counter per worker thread: nothing shared.
    Sharded,
    /// Read the counter, work, write it back: a race that loses updates.
    Unsynchronized,
    /// Two locks taken in opposite orders by alternate tasks: a deadlock.
    LockOrder,
}

/// Shared-state updates per task.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Contention {
    /// The protection.
    pub lock: LockKind,
    /// CPU kernel iterations done inside the critical section.
    pub critical_iterations: u64,
}

const MAX_ITERATIONS: u64 = 1_000_000_000;
const SHARDS: usize = 64;

#[repr(align(128))]
#[derive(Default)]
struct Shard(AtomicU64);

impl Kind for Contention {
    fn validate(&self, _model: Model, at: &FieldPath) -> Vec<ValidationError> {
        check_range(
            at,
            "critical_iterations",
            self.critical_iterations,
            0..=MAX_ITERATIONS,
            "",
        )
    }

    fn build(&self, _placement: &Placement) -> Result<Box<dyn Workload>, String> {
        Ok(Box::new(ContentionWorkload {
            params: self.clone(),
            mutex: Mutex::new(0),
            second: Mutex::new(0),
            rwlock: RwLock::new(0),
            atomic: AtomicU64::new(0),
            shards: (0..SHARDS).map(|_| Shard::default()).collect(),
            done: AtomicU64::new(0),
        }))
    }
}

struct ContentionWorkload {
    params: Contention,
    mutex: Mutex<u64>,
    second: Mutex<u64>,
    rwlock: RwLock<u64>,
    atomic: AtomicU64,
    shards: Vec<Shard>,
    /// Tasks that completed their update: what the counter should read.
    done: AtomicU64,
}

fn shard_index() -> usize {
    static NEXT: AtomicUsize = AtomicUsize::new(0);
    thread_local! {
        static INDEX: usize = NEXT.fetch_add(1, Ordering::Relaxed) % SHARDS;
    }
    INDEX.with(|i| *i)
}

/// Waits for `m` like a blocked thread would, but gives up when the run is stopped, so a
/// deadlocked run can still end.
fn lock_or_stop<'a>(
    m: &'a Mutex<u64>,
    ctx: &TaskContext,
) -> Result<MutexGuard<'a, u64>, TaskError> {
    loop {
        match m.try_lock() {
            Ok(guard) => return Ok(guard),
            Err(std::sync::TryLockError::Poisoned(p)) => return Ok(p.into_inner()),
            Err(std::sync::TryLockError::WouldBlock) => {
                if !ctx.cancel.sleep(Duration::from_micros(50)) {
                    return Err(TaskError::Cancelled);
                }
            }
        }
    }
}

impl ContentionWorkload {
    fn work(&self, index: u64, ctx: &TaskContext) -> Result<(), TaskError> {
        kernel(index, self.params.critical_iterations, ctx.cancel)
            .map(|x| {
                std::hint::black_box(x);
            })
            .ok_or(TaskError::Cancelled)
    }

    fn counter(&self) -> u64 {
        let m = *self.mutex.lock().unwrap_or_else(PoisonError::into_inner);
        let r = *self.rwlock.read().unwrap_or_else(PoisonError::into_inner);
        let s: u64 = self
            .shards
            .iter()
            .map(|s| s.0.load(Ordering::Relaxed))
            .sum();
        m + r + s + self.atomic.load(Ordering::Relaxed)
    }
}

impl Workload for ContentionWorkload {
    fn run_task(&self, index: u64, ctx: &TaskContext) -> Result<(), TaskError> {
        match self.params.lock {
            LockKind::Mutex => {
                let mut guard = lock_or_stop(&self.mutex, ctx)?;
                self.work(index, ctx)?;
                *guard += 1;
            }
            LockKind::Rwlock => {
                {
                    let _shared = self.rwlock.read().unwrap_or_else(PoisonError::into_inner);
                    self.work(index, ctx)?;
                }
                *self.rwlock.write().unwrap_or_else(PoisonError::into_inner) += 1;
            }
            LockKind::Atomic => {
                self.work(index, ctx)?;
                self.atomic.fetch_add(1, Ordering::Relaxed);
            }
            LockKind::Sharded => {
                self.work(index, ctx)?;
                self.shards[shard_index()].0.fetch_add(1, Ordering::Relaxed);
            }
            LockKind::Unsynchronized => {
                // Safe Rust, but a read-modify-write split by the work: another worker's
                // update between the load and the store is overwritten.
                let seen = self.atomic.load(Ordering::Relaxed);
                self.work(index, ctx)?;
                self.atomic.store(seen + 1, Ordering::Relaxed);
            }
            LockKind::LockOrder => {
                // Even tasks lock `mutex` then `second`, odd tasks the reverse: two workers
                // each holding one lock and waiting for the other never finish.
                let even = index.is_multiple_of(2);
                let (first, second) = if even {
                    (&self.mutex, &self.second)
                } else {
                    (&self.second, &self.mutex)
                };
                let mut a = lock_or_stop(first, ctx)?;
                self.work(index, ctx)?;
                let mut b = lock_or_stop(second, ctx)?;
                // The count lives in `mutex`, whichever order it was taken in.
                if even {
                    *a += 1;
                } else {
                    *b += 1;
                }
            }
        }
        self.done.fetch_add(1, Ordering::Relaxed);
        Ok(())
    }

    fn stats(&self) -> WorkloadStats {
        let done = self.done.load(Ordering::Relaxed);
        WorkloadStats {
            lost_updates: Some(done.saturating_sub(self.counter())),
            ..Default::default()
        }
    }
}
