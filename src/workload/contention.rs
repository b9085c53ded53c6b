//! `contention { lock, critical_iterations }`: every task updates shared state. In-process
//! models share one instance across workers; each worker process has its own (no sharing).
//!
//! How a task waits for a lock another worker holds:
//! - `mutex` and `rwlock` block in the kernel like any program's lock (parking_lot: a short
//!   spin, then a futex wait; the holder's unlock wakes one waiter). The wait is timed
//!   ([`WAIT_SLICE`]) and repeated, only so that a stop can still end it: a blocked waiter
//!   uses no CPU and wakes on the hand-off, as with `std::sync::Mutex`.
//! - `lock-order` polls (`try_lock`, then a 50 µs sleep that a stop interrupts): its point is
//!   a deadlock, which only a stop ends, and two waiters that never get their lock would
//!   otherwise sit out whole wait slices.
//! - `atomic`, `sharded` and `unsynchronized` never wait.
//!
//! A task that had to wait reports the wait (from its first failed attempt to the
//! acquisition) through [`TaskContext::report_wait`], so that its worker's lane shows it
//! as a `waiting` span. A task that got its lock at once reads no clock (see [`acquire`]).

use super::{
    Field, Kind, KindInfo, Placement, TaskContext, TaskError, TaskTime, Workload, WorkloadStats,
    kernel,
};
use crate::model::Model;
use crate::validation::{FieldPath, ValidationError, check_range};
use parking_lot::{Mutex, MutexGuard, RwLock};
use serde::{Deserialize, Serialize};
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use std::time::{Duration, Instant};

/// How the shared counter is protected.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum LockKind {
    /// One mutex held during the work: workers take turns; a waiter blocks in the kernel.
    Mutex,
    /// The work under a read lock (shared), the increment under the write lock; waiters
    /// block in the kernel.
    Rwlock,
    /// The work outside any lock, then an atomic increment.
    Atomic,
    /// One counter per worker thread: nothing shared.
    Sharded,
    /// Read the counter, work, write it back: a race that loses updates.
    Unsynchronized,
    /// Two locks taken in opposite orders by alternate tasks: a deadlock. Waiters poll, so
    /// a stop ends the deadlock.
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
/// How long one blocking wait for a lock lasts before the waiter checks for a stop. Only a
/// stop while another worker holds the lock for longer waits this long to end; the lock's
/// release wakes the waiter at once.
pub const WAIT_SLICE: Duration = Duration::from_millis(50);

#[repr(align(128))]
#[derive(Default)]
struct Shard(AtomicU64);

impl KindInfo for Contention {
    const NAME: &'static str = "contention";
    const EXPLANATION: &'static str = "Each task updates one shared counter, doing `critical_iterations` of work while holding the lock. A mutex serialises the workers and throughput collapses as they grow; sharded counters scale; `unsynchronized` reads, works, then writes and loses updates (counted as lost_updates); `lock-order` takes two locks in opposite orders and deadlocks. Processes each have their own counter: no sharing, no races.";

    fn default_params() -> Self {
        Contention {
            lock: LockKind::Mutex,
            critical_iterations: 1000,
        }
    }

    fn fields(&mut self) -> Vec<Field<'_>> {
        vec![
            Field::choice(
                "lock",
                "Lock",
                &mut self.lock,
                &[
                    (LockKind::Mutex, "mutex"),
                    (LockKind::Rwlock, "rwlock"),
                    (LockKind::Atomic, "atomic"),
                    (LockKind::Sharded, "sharded"),
                    (LockKind::Unsynchronized, "unsynchronized"),
                    (LockKind::LockOrder, "lock-order"),
                ],
            ),
            Field::integer(
                "critical_iterations",
                "Critical iterations",
                &mut self.critical_iterations,
                100.0,
            )
            .help("Kernel work done while holding the lock"),
        ]
    }
}

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

    /// The kernel's work; under a mutex shared by threads the workers take turns, and the
    /// lock-order deadlock ends the run as stalled.
    fn task_time(&self, model: Model) -> TaskTime {
        let work = super::kernel_seconds(self.critical_iterations);
        match self.lock {
            LockKind::LockOrder if !model.uses_processes() => TaskTime::Stalls,
            LockKind::Mutex if !model.uses_processes() => TaskTime::Serial(work),
            _ => TaskTime::Cpu(work),
        }
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

/// Takes a lock: `try_now` once, and only when that fails waits for it with `timed` (see
/// [`blocking`]), timing the wait and reporting it to `ctx`. An uncontended task pays the
/// one attempt and reads no clock: parking_lot's `lock()` and `try_lock_for()` themselves
/// begin with one compare-exchange on the lock word, which succeeds here, so their slow
/// path never runs. Measured uncontended (parking_lot 0.12.5, release, 20 M lock+unlock
/// pairs, best of 5): `try_lock` then unlock 5.42 ns against `try_lock_for` 5.17 ns (its
/// extra load of the word, +0.25 ns per task), `try_read`/`try_write` first 5.34/4.82 ns,
/// the same as `try_read_for`/`try_write_for` alone.
#[inline]
fn acquire<G>(
    ctx: &TaskContext,
    try_now: impl FnOnce() -> Option<G>,
    timed: impl FnMut(Duration) -> Option<G>,
) -> Result<G, TaskError> {
    match try_now() {
        Some(guard) => Ok(guard),
        None => wait_for(ctx, timed),
    }
}

/// The contended side of [`acquire`]: blocks with `timed` and reports the wait.
#[cold]
#[inline(never)]
fn wait_for<G>(
    ctx: &TaskContext,
    timed: impl FnMut(Duration) -> Option<G>,
) -> Result<G, TaskError> {
    let from = Instant::now();
    let guard = blocking(ctx, timed)?;
    ctx.report_wait(from, Instant::now());
    Ok(guard)
}

/// Takes a lock with `acquire`, a timed wait of [`WAIT_SLICE`], until it succeeds; gives
/// up when the run is stopped.
fn blocking<G>(
    ctx: &TaskContext,
    mut acquire: impl FnMut(Duration) -> Option<G>,
) -> Result<G, TaskError> {
    loop {
        if let Some(guard) = acquire(WAIT_SLICE) {
            return Ok(guard);
        }
        if ctx.cancel.is_cancelled() {
            return Err(TaskError::Cancelled);
        }
    }
}

/// Polls for `m` until it is free, giving up when the run is stopped: for `lock-order`,
/// whose deadlock only a stop ends. A wait is reported from the first failed try to the
/// acquisition.
fn lock_polling<'a>(
    m: &'a Mutex<u64>,
    ctx: &TaskContext,
) -> Result<MutexGuard<'a, u64>, TaskError> {
    if let Some(guard) = m.try_lock() {
        return Ok(guard);
    }
    let from = Instant::now();
    loop {
        if !ctx.cancel.sleep(Duration::from_micros(50)) {
            return Err(TaskError::Cancelled);
        }
        if let Some(guard) = m.try_lock() {
            ctx.report_wait(from, Instant::now());
            return Ok(guard);
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
        let m = *self.mutex.lock();
        let r = *self.rwlock.read();
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
        let (m, rw) = (&self.mutex, &self.rwlock);
        match self.params.lock {
            LockKind::Mutex => {
                let mut guard = acquire(ctx, || m.try_lock(), |t| m.try_lock_for(t))?;
                self.work(index, ctx)?;
                *guard += 1;
            }
            LockKind::Rwlock => {
                {
                    let _shared = acquire(ctx, || rw.try_read(), |t| rw.try_read_for(t))?;
                    self.work(index, ctx)?;
                }
                *acquire(ctx, || rw.try_write(), |t| rw.try_write_for(t))? += 1;
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
                let mut a = lock_polling(first, ctx)?;
                self.work(index, ctx)?;
                let mut b = lock_polling(second, ctx)?;
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::cancel::CancelToken;
    use std::sync::PoisonError;

    fn workload(lock: LockKind) -> ContentionWorkload {
        ContentionWorkload {
            params: Contention {
                lock,
                critical_iterations: 0,
            },
            mutex: Default::default(),
            second: Default::default(),
            rwlock: Default::default(),
            atomic: AtomicU64::new(0),
            shards: (0..SHARDS).map(|_| Shard::default()).collect(),
            done: AtomicU64::new(0),
        }
    }

    /// Runs one task of `w` on a new thread while `hold` keeps its lock for 300 ms; returns
    /// the waiter's CPU seconds and how long after the release it finished.
    fn wait_behind(w: &ContentionWorkload, hold: impl FnOnce(&dyn Fn()) + Send) -> (f64, Duration) {
        let cancel = CancelToken::new();
        let released = std::sync::Mutex::new(None::<Instant>);
        let (held_tx, held_rx) = std::sync::mpsc::channel();
        std::thread::scope(|s| {
            s.spawn(|| {
                hold(&|| {
                    let _ = held_tx.send(());
                    std::thread::sleep(Duration::from_millis(300));
                    *released.lock().unwrap_or_else(PoisonError::into_inner) = Some(Instant::now());
                })
            });
            let _ = held_rx.recv();
            let waiter = s.spawn(|| {
                let ctx = TaskContext::new(&cancel, 0, &[]);
                let before = crate::sys::thread_cpu_seconds();
                let done = w.run_task(0, &ctx);
                let waits = ctx.take_waits().unwrap_or_default();
                let waited: Vec<_> = waits.iter().map(|(f, t)| t - f).collect();
                assert!(
                    waited.len() == 1 && waited[0] > Duration::from_millis(200),
                    "the task reported its wait behind the holder: {waited:?}"
                );
                (
                    crate::sys::thread_cpu_seconds() - before,
                    Instant::now(),
                    done,
                )
            });
            let (cpu, finished, done) = waiter.join().expect("waiter thread");
            assert_eq!(done, Ok(()));
            let released = released
                .lock()
                .unwrap_or_else(PoisonError::into_inner)
                .expect("the lock was released");
            (cpu, finished.saturating_duration_since(released))
        })
    }

    /// A waiter that used almost no CPU while it waited (a blocked thread wakes only when
    /// its timed wait expires, every 50 ms; polling with short sleeps costs 10–30 ms of
    /// CPU over 300 ms), went on right after the release, and lost no update.
    fn assert_blocked_then_proceeded(w: &ContentionWorkload, cpu: f64, after: Duration) {
        assert!(
            cpu < 0.003,
            "the waiter used {:.1} ms of CPU while blocked",
            cpu * 1e3
        );
        assert!(
            after < Duration::from_millis(100),
            "the waiter took {after:?} after the release"
        );
        assert_eq!(w.stats().lost_updates, Some(0));
    }

    #[test]
    fn a_mutex_waiter_blocks_and_proceeds_right_after_release() {
        let w = workload(LockKind::Mutex);
        let (cpu, after) = wait_behind(&w, |held| {
            let _guard = w.mutex.lock();
            held();
        });
        assert_blocked_then_proceeded(&w, cpu, after);
    }

    #[test]
    fn an_rwlock_waiter_blocks_and_proceeds_right_after_release() {
        let w = workload(LockKind::Rwlock);
        let (cpu, after) = wait_behind(&w, |held| {
            let _guard = w.rwlock.write();
            held();
        });
        assert_blocked_then_proceeded(&w, cpu, after);
    }

    #[test]
    fn a_stop_ends_a_blocked_waiter_promptly() {
        for lock in [LockKind::Mutex, LockKind::Rwlock, LockKind::LockOrder] {
            let w = workload(lock);
            let cancel = CancelToken::new();
            let _held = w.mutex.lock();
            let _held_rw = w.rwlock.write();
            std::thread::scope(|s| {
                let waiter = s.spawn(|| w.run_task(0, &TaskContext::new(&cancel, 0, &[])));
                std::thread::sleep(Duration::from_millis(120));
                let stopped = Instant::now();
                cancel.cancel();
                let result = waiter.join().expect("waiter thread");
                let took = stopped.elapsed();
                assert_eq!(result, Err(TaskError::Cancelled), "{lock:?}");
                assert!(
                    took < WAIT_SLICE + Duration::from_millis(150),
                    "{lock:?}: the waiter ended {took:?} after the stop"
                );
            });
        }
    }
}
