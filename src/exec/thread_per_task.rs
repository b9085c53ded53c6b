//! `thread-per-task`: every task gets a new OS thread; at most N are alive at once.

use super::contract::{ExecutionModel, Ran, TaskWorker, claim_loop, run_workers};
use super::ctx::RunCtx;
use super::task::{WARMUP_BASE, run_guarded};
use crate::metrics::Recorder;
use crate::metrics::spans::SpanState;
use crate::workload::{TaskError, Waits};
use std::time::Instant;

/// `thread-per-task`: runs the run's tasks, one new thread each, from `workers` spawning
/// slots.
pub struct ThreadPerTask;

impl ExecutionModel for ThreadPerTask {
    fn run(ctx: &RunCtx) {
        run_workers(ctx, "spawner", |ctx, w, recorder| {
            claim_loop(ctx, w, recorder, &mut Spawner::default())
        });
    }
}

/// A spawning slot: it keeps only when its last task's thread was asked for and when the
/// task started in it (its `creating` span), and the lock waits that task reported.
#[derive(Default)]
struct Spawner {
    created: Option<(Instant, Instant)>,
    /// The lock waits its last task reported.
    waits: Option<Waits>,
}

impl TaskWorker for Spawner {
    fn warm_up(&mut self, ctx: &RunCtx, w: usize, k: u64) -> Result<(), String> {
        match spawn_task(ctx, WARMUP_BASE + k)?.0 {
            (Err(TaskError::Failed(m)), ..) => {
                Err(format!("worker {}, warm-up task {k}: {m}", w + 1))
            }
            _ => Ok(()),
        }
    }

    fn run(&mut self, ctx: &RunCtx, _w: usize, index: u64, _done: u64) -> Result<Ran, String> {
        let (ran, created) = spawn_task(ctx, index)?;
        self.created = Some(created);
        Ok(match ran {
            (Ok(()), end, latency_ns, waits) => {
                self.waits = waits;
                Ran::Done { end, latency_ns }
            }
            (Err(TaskError::Cancelled), ..) => Ran::Stopped,
            (Err(TaskError::Failed(m)), ..) => Ran::Failed(m),
        })
    }

    fn waits(&mut self) -> Option<Waits> {
        self.waits.take()
    }

    fn overhead(&mut self, index: u64, recorder: &mut Recorder) {
        if let Some((asked, started)) = self.created.take() {
            recorder.span(SpanState::Creating, index, asked, started);
        }
    }
}

/// A task's outcome, end, latency and the lock waits it reported.
type Outcome = (Result<(), TaskError>, Instant, u64, Option<Waits>);

/// Runs task `index` on a new thread; returns its outcome, end, latency and waits, and
/// when the thread was asked for and when the task started in it.
fn spawn_task(ctx: &RunCtx, index: u64) -> Result<(Outcome, (Instant, Instant)), String> {
    let asked = Instant::now();
    std::thread::scope(|scope| {
        // Unnamed: a name costs every task an allocation and a prctl(PR_SET_NAME) in the new
        // thread, about 3 % of a spawn's CPU against a raw spawn + join (benches/compare.sh).
        let handle = std::thread::Builder::new()
            .spawn_scoped(scope, || {
                let task_ctx = ctx.task_ctx();
                let start = Instant::now();
                let outcome = run_guarded(ctx.workload, index, &task_ctx);
                let end = Instant::now();
                let ns = task_ctx.latency((end - start).as_nanos() as u64);
                ((outcome, end, ns, task_ctx.take_waits()), start)
            })
            .map_err(|e| format!("cannot start a thread for task {index}: {e}"))?;
        let (ran, started) = handle
            .join()
            .map_err(|_| format!("the thread of task {index} panicked"))?;
        Ok((ran, (asked, started)))
    })
}
