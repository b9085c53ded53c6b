//! `thread-per-task`: every task gets a new OS thread; at most N are alive at once.

use super::run::{RunCtx, run_workers};
use super::task::{WARMUP_BASE, run_guarded};
use crate::metrics::Recorder;
use crate::workload::TaskError;
use std::time::Instant;

/// Runs the run's tasks, one new thread each, from `workers` spawning slots.
pub fn execute(ctx: &RunCtx) {
    run_workers(ctx, "spawner", worker);
}

/// Runs task `index` on a new thread; returns its outcome, its end and its latency.
fn spawn_task(ctx: &RunCtx, index: u64) -> Result<(Result<(), TaskError>, Instant, u64), String> {
    std::thread::scope(|scope| {
        let handle = std::thread::Builder::new()
            .name("parlab-task".into())
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

fn worker(ctx: &RunCtx, w: usize, recorder: &mut Recorder) -> Result<(), String> {
    let mut warmup = Ok(());
    for k in 0..ctx.warmup_share(w) {
        if let (Err(TaskError::Failed(m)), _, _) = spawn_task(ctx, WARMUP_BASE + k)? {
            warmup = Err(format!("worker {}, warm-up task {k}: {m}", w + 1));
            break;
        }
    }
    ctx.sync_start(recorder);
    warmup?;
    while let Some(range) = ctx.source.claim(1) {
        for index in range {
            match spawn_task(ctx, index)? {
                (Ok(()), end, ns) => recorder.record(end, ns),
                (Err(TaskError::Cancelled), _, _) => return Ok(()),
                (Err(TaskError::Failed(m)), _, _) => {
                    ctx.count_failed_task();
                    return Err(format!("worker {}, task {index}: {m}", w + 1));
                }
            }
        }
    }
    Ok(())
}
