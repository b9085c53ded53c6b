//! `threads`: N long-lived OS threads pulling task chunks from the shared queue.

use super::run::{RunCtx, run_workers};
use super::task::{WARMUP_BASE, run_guarded};
use crate::metrics::Recorder;
use crate::workload::TaskError;
use std::time::{Duration, Instant};

/// Runs the run's tasks on `workers` threads.
pub fn execute(ctx: &RunCtx) {
    run_workers(ctx, "thread", worker);
}

/// Chunk sizing: claims that take about this long keep the queue's atomic counter out
/// of the per-task cost while bounding how far a duration-bound run can overshoot.
const CHUNK_TARGET: Duration = Duration::from_micros(100);
const MAX_CHUNK: u64 = 1 << 16;

/// The next chunk size after a chunk of `size` tasks took `took`.
pub(crate) fn next_chunk(size: u64, took: Duration) -> u64 {
    if took < CHUNK_TARGET / 2 {
        (size * 2).min(MAX_CHUNK)
    } else if took > CHUNK_TARGET * 2 {
        (size / 2).max(1)
    } else {
        size
    }
}

fn worker(ctx: &RunCtx, w: usize, recorder: &mut Recorder) -> Result<(), String> {
    let task_ctx = ctx.task_ctx();
    let workload = ctx.workload;
    let warmup = (0..ctx.warmup_share(w)).try_for_each(|k| {
        match run_guarded(workload, WARMUP_BASE + k, &task_ctx) {
            Err(TaskError::Failed(m)) => Err(format!("worker {}, warm-up task {k}: {m}", w + 1)),
            _ => Ok(()),
        }
    });
    ctx.sync_start(recorder);
    warmup?;
    let mut chunk = 1;
    while let Some(range) = ctx.source.claim(chunk) {
        let claimed = Instant::now();
        for index in range {
            let start = Instant::now();
            let outcome = run_guarded(workload, index, &task_ctx);
            let end = Instant::now();
            match outcome {
                Ok(()) => recorder.record(end, task_ctx.latency((end - start).as_nanos() as u64)),
                Err(TaskError::Cancelled) => return Ok(()),
                Err(TaskError::Failed(m)) => {
                    ctx.count_failed_task();
                    return Err(format!("worker {}, task {index}: {m}", w + 1));
                }
            }
        }
        chunk = next_chunk(chunk, claimed.elapsed());
    }
    Ok(())
}
