//! `pool`: a rayon work-stealing pool of N threads. Each pool thread records into its own
//! thread-local recorder, so the hot path takes no lock.

use super::contract::ExecutionModel;
use super::ctx::RunCtx;
use super::task::{WARMUP_BASE, run_guarded};
use crate::metrics::Recorder;
use crate::profile::Stop;
use crate::workload::{TaskContext, TaskError};
use rayon::prelude::*;
use std::cell::RefCell;
use std::time::Instant;

thread_local! {
    static RECORDER: RefCell<Option<Recorder>> = const { RefCell::new(None) };
}

/// Why the parallel iteration stopped early.
struct Halt;

/// `pool`: runs the run's tasks on a new rayon pool of `workers` threads. Rayon owns the
/// threads, so it follows the contract by hand: one warm-up over the pool, then
/// [`RunCtx::begin_measuring`] (its start line), thread-local recorders, failures counted
/// in `report`.
pub struct Pool;

impl ExecutionModel for Pool {
    fn run(ctx: &RunCtx) {
        execute(ctx);
    }
}

fn execute(ctx: &RunCtx) {
    let pool = match rayon::ThreadPoolBuilder::new()
        .num_threads(ctx.plan.workers)
        .thread_name(|i| format!("parlab-pool-{i}"))
        .build()
    {
        Ok(pool) => pool,
        Err(e) => {
            return ctx.fail(format!(
                "cannot start a pool of {} threads: {e}",
                ctx.plan.workers
            ));
        }
    };
    pool.broadcast(|b| RECORDER.set(Some(ctx.recorder(b.index()))));
    if warm_up(ctx, &pool).is_ok() {
        // Read once: the deadline is fixed from the end of warm-up on.
        let deadline = ctx.source.deadline();
        let body = |index| run_task(ctx, index, deadline, None);
        // Open model: each pool thread takes the next arrival from the source instead.
        let arrival = |_| match ctx.source.claim_timed(1) {
            Some(c) => run_task(ctx, c.tasks.start, deadline, c.intended),
            None => Err(Halt),
        };
        let _ = pool.install(|| match ctx.plan.stop {
            _ if ctx.source.is_open() => (0..u64::MAX).into_par_iter().try_for_each(arrival),
            Stop::Tasks(n) => (0..n).into_par_iter().try_for_each(body),
            Stop::Duration(_) => (0..u64::MAX).into_par_iter().try_for_each(body),
        });
    }
    // Dropping each thread's recorder sends its last bucket.
    pool.broadcast(|_| RECORDER.take());
}

/// Counts a failed task and fails the run with it, naming the pool thread that ran it.
fn report(ctx: &RunCtx, index: u64, message: String) -> Halt {
    ctx.count_failed_task();
    let w = rayon::current_thread_index().map_or(0, |i| i + 1);
    ctx.fail(format!("worker {w}, task {index}: {message}"));
    Halt
}

/// Runs the warm-up over the whole pool, then starts the clock (the pool's start line).
fn warm_up(ctx: &RunCtx, pool: &rayon::ThreadPool) -> Result<(), Halt> {
    if ctx.plan.warmup_tasks == 0 {
        return Ok(());
    }
    let warm = pool.install(|| {
        (0..ctx.plan.warmup_tasks)
            .into_par_iter()
            .try_for_each(
                |k| match run_guarded(ctx.workload, WARMUP_BASE + k, &ctx.task_ctx()) {
                    Err(TaskError::Failed(m)) => Err(report(ctx, k, format!("warm-up: {m}"))),
                    _ => Ok(()),
                },
            )
    });
    let start = ctx.begin_measuring();
    pool.broadcast(|_| RECORDER.with_borrow_mut(|r| r.as_mut().map(|r| r.restart_clock(start))));
    warm
}

/// Records task `index` in this pool thread's recorder, if it has one.
#[inline(never)]
fn record(
    recorder: Option<&mut Recorder>,
    index: u64,
    end: Instant,
    ns: u64,
    intended: Option<Instant>,
) {
    if let Some(r) = recorder {
        r.record_from(index, end, ns, intended);
    }
}

/// Records task `index`, which reported lock waits to `task_ctx`, in this pool thread's
/// recorder, if it has one (see `Recorder::record_waited`).
#[cold]
#[inline(never)]
fn record_waited(
    index: u64,
    end: Instant,
    ns: u64,
    intended: Option<Instant>,
    task_ctx: &TaskContext,
) {
    let waits = task_ctx.take_waits().unwrap_or_default();
    RECORDER.with_borrow_mut(|r| {
        if let Some(r) = r.as_mut() {
            r.record_waited(index, end, ns, intended, &waits);
        }
    });
}

/// Runs task `index` (intended to start at `intended`, open model) on the current pool
/// thread and records it; `Halt` ends the iteration.
#[inline]
fn run_task(
    ctx: &RunCtx,
    index: u64,
    deadline: Option<Instant>,
    intended: Option<Instant>,
) -> Result<(), Halt> {
    if ctx.stopping() {
        return Err(Halt);
    }
    // A context per task: pool threads share the caller's closure, and a context is not `Sync`.
    let task_ctx = ctx.task_ctx();
    let start = Instant::now();
    let outcome = run_guarded(ctx.workload, index, &task_ctx);
    let end = Instant::now();
    match outcome {
        Ok(()) => {
            let ns = task_ctx.latency((end - start).as_nanos() as u64);
            if task_ctx.waited() {
                record_waited(index, end, ns, intended, &task_ctx);
            } else {
                // Out of line, so that the thread-local access around it stays small enough
                // to be inlined (inlined, the recorder's span work made it a call per task:
                // +8 ns).
                RECORDER.with_borrow_mut(|r| record(r.as_mut(), index, end, ns, intended));
            }
            match deadline {
                Some(d) if end >= d => Err(Halt),
                _ => Ok(()),
            }
        }
        Err(TaskError::Cancelled) => Err(Halt),
        Err(TaskError::Failed(m)) => Err(report(ctx, index, m)),
    }
}
