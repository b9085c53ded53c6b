//! The execution-model contract, and the shared worker loop that keeps most models to what
//! makes them different.
//!
//! # The contract
//!
//! A model is a unit struct named like its [`Model`](crate::profile::Model) variant, in the
//! file its row of `for_each_model!` names, implementing [`ExecutionModel`]. Its
//! [`run`](ExecutionModel::run) runs the run's tasks on `ctx.plan.workers` workers and
//! returns when they are all done, and it must:
//!
//! 1. **Warm up** first: worker `w` runs [`RunCtx::warmup_share`] tasks, numbered from
//!    `WARMUP_BASE` (`task.rs`), recording nothing.
//! 2. **Cross the start line**: every worker calls [`RunCtx::sync_start`] once after its
//!    warm-up, even when the warm-up failed (others wait for it), and only then reports that
//!    failure. (The pool, whose threads are not its own, calls
//!    [`RunCtx::begin_measuring`] once instead and restarts its recorders' clocks.)
//! 3. **Claim** task indices only from `ctx.source` (which knows the stop condition), and
//!    stop claiming when it returns `None` or a task reports `Cancelled`.
//! 4. **Record** each completed task's end and latency in the worker's
//!    [`RunCtx::recorder`], never a failed one (with the claim's intended start in an
//!    open-model run: `record_from`).
//! 5. **Count failures**: call [`RunCtx::count_failed_task`] once per failed task before the
//!    run is failed with it. A worker's error ends the run through [`RunCtx::fail`]
//!    (`run_workers` does that with what a worker returns); errors seen while
//!    [`RunCtx::stopping`] are consequences of the stop and are not reported.
//! 6. Start child processes only through `worker_process::start` (so they are registered
//!    with the run and killed with it) and report their pid with [`RunCtx::set_worker_pid`].
//!
//! [`run_workers`] starts the worker threads and turns a worker's error into the run's
//! failure; [`claim_loop`] does 1–5 for a model whose workers run claimed tasks one by one:
//! such a model implements [`TaskWorker`] (how to run one task) and nothing else.

use super::ctx::RunCtx;
use super::source::Claim;
use crate::metrics::Recorder;
use crate::workload::Waits;
use std::sync::atomic::Ordering;
use std::time::{Duration, Instant};

/// An execution model: how a run's tasks are spread over its workers (see the module docs
/// for what `run` must do).
pub trait ExecutionModel {
    /// Runs every task of the run described by `ctx`, and returns when its workers are done.
    fn run(ctx: &RunCtx);
}

/// How one task ended, as a [`TaskWorker`] reports it.
pub enum Ran {
    /// It completed at `end`, taking `latency_ns`.
    Done {
        /// When it completed.
        end: Instant,
        /// Its latency as recorded.
        latency_ns: u64,
    },
    /// The run is being stopped: the worker ends quietly.
    Stopped,
    /// The task failed with this message; [`claim_loop`] counts it and fails the run.
    Failed(String),
}

/// What a one-task-at-a-time model does differently: run one task (per worker `w`).
pub trait TaskWorker {
    /// Runs this worker's warm-up task `k` (task index `WARMUP_BASE + k`); an error (a
    /// sentence, e.g. "worker 2, warm-up task 0: …") fails the run after the start line.
    fn warm_up(&mut self, ctx: &RunCtx, w: usize, k: u64) -> Result<(), String>;

    /// Runs task `index`; `done` tasks of this worker completed so far. `Err` is an error
    /// that is not a task's failure (a thread or process that could not start or broke), or
    /// a failure already counted with [`RunCtx::count_failed_task`].
    fn run(&mut self, ctx: &RunCtx, w: usize, index: u64, done: u64) -> Result<Ran, String>;

    /// Records the spans the worker spent on task `index` besides running it (creating its
    /// thread or process, moving its data), once the task completed; nothing by default.
    #[inline]
    fn overhead(&mut self, _index: u64, _recorder: &mut Recorder) {}

    /// The lock waits the task just completed reported (see `TaskContext::report_wait`),
    /// taken; `None`, the one cheap check per task, when it reported none.
    #[inline]
    fn waits(&mut self) -> Option<Waits> {
        None
    }

    /// Claims the next task indices for worker `w`: by default [`claim_size`](Self::claim_size)
    /// of them from the shared queue. A model that splits the tasks up front hands out its
    /// own share instead, and must still return `None` once the run is over.
    fn claim(&mut self, ctx: &RunCtx, _w: usize) -> Option<Claim> {
        ctx.source.claim_timed(self.claim_size())
    }

    /// How many task indices to claim next (1 unless the model batches).
    fn claim_size(&self) -> u64 {
        1
    }

    /// Learns that the last claim of `size` tasks took `took` to run.
    fn claimed(&mut self, _took: Duration) {}
}

/// Runs worker `w` for each of `workers` scoped threads; a worker's error fails the run.
pub fn run_workers<F>(ctx: &RunCtx, name: &str, worker: F)
where
    F: Fn(&RunCtx, usize, &mut Recorder) -> Result<(), String> + Sync,
{
    std::thread::scope(|scope| {
        for w in 0..ctx.plan.workers {
            let worker = &worker;
            let spawned = std::thread::Builder::new()
                .name(format!("parlab-{name}-{w}"))
                .spawn_scoped(scope, move || {
                    let mut recorder = ctx.recorder(w);
                    if let Err(message) = worker(ctx, w, &mut recorder) {
                        ctx.fail(message);
                    }
                    if let Some(slot) = ctx.slots.get(w) {
                        slot.finished.store(true, Ordering::SeqCst);
                    }
                });
            if let Err(e) = spawned {
                ctx.fail(format!(
                    "cannot start worker thread {} of {}: {e}",
                    w + 1,
                    ctx.plan.workers
                ));
                break;
            }
        }
    });
}

/// One worker's life under the contract: warm-up, start line, then claimed tasks until
/// the source runs dry or the run stops.
pub fn claim_loop(
    ctx: &RunCtx,
    w: usize,
    recorder: &mut Recorder,
    worker: &mut impl TaskWorker,
) -> Result<(), String> {
    let warm = (0..ctx.warmup_share(w)).try_for_each(|k| worker.warm_up(ctx, w, k));
    ctx.sync_start(recorder);
    warm?;
    while let Some(claim) = worker.claim(ctx, w) {
        let claimed = Instant::now();
        for index in claim.tasks {
            match worker.run(ctx, w, index, recorder.completed())? {
                Ran::Done { end, latency_ns } => {
                    worker.overhead(index, recorder);
                    match worker.waits() {
                        None => recorder.record_from(index, end, latency_ns, claim.intended),
                        Some(waits) => {
                            recorder.record_waited(index, end, latency_ns, claim.intended, &waits)
                        }
                    }
                }
                Ran::Stopped => return Ok(()),
                Ran::Failed(m) => {
                    ctx.count_failed_task();
                    return Err(format!("worker {}, task {index}: {m}", w + 1));
                }
            }
        }
        worker.claimed(claimed.elapsed());
    }
    Ok(())
}
