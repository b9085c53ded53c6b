//! `thread-per-task`: every task gets a new OS thread; at most N are alive at once.

use super::contract::{ExecutionModel, Ran, TaskWorker, claim_loop, run_workers};
use super::ctx::RunCtx;
use super::task::{WARMUP_BASE, run_guarded};
use crate::workload::TaskError;
use std::time::Instant;

/// `thread-per-task`: runs the run's tasks, one new thread each, from `workers` spawning
/// slots.
pub struct ThreadPerTask;

impl ExecutionModel for ThreadPerTask {
    fn run(ctx: &RunCtx) {
        run_workers(ctx, "spawner", |ctx, w, recorder| {
            claim_loop(ctx, w, recorder, &mut Spawner)
        });
    }
}

/// A spawning slot: it holds nothing between tasks.
struct Spawner;

impl TaskWorker for Spawner {
    fn warm_up(&mut self, ctx: &RunCtx, w: usize, k: u64) -> Result<(), String> {
        match spawn_task(ctx, WARMUP_BASE + k)? {
            (Err(TaskError::Failed(m)), _, _) => {
                Err(format!("worker {}, warm-up task {k}: {m}", w + 1))
            }
            _ => Ok(()),
        }
    }

    fn run(&mut self, ctx: &RunCtx, _w: usize, index: u64, _done: u64) -> Result<Ran, String> {
        Ok(match spawn_task(ctx, index)? {
            (Ok(()), end, latency_ns) => Ran::Done { end, latency_ns },
            (Err(TaskError::Cancelled), _, _) => Ran::Stopped,
            (Err(TaskError::Failed(m)), _, _) => Ran::Failed(m),
        })
    }
}

/// Runs task `index` on a new thread; returns its outcome, its end and its latency.
fn spawn_task(ctx: &RunCtx, index: u64) -> Result<(Result<(), TaskError>, Instant, u64), String> {
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
                (outcome, end, ns)
            })
            .map_err(|e| format!("cannot start a thread for task {index}: {e}"))?;
        handle
            .join()
            .map_err(|_| format!("the thread of task {index} panicked"))
    })
}
