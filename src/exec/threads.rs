//! `threads`: N long-lived OS threads pulling task chunks from the shared queue.

use super::contract::{ExecutionModel, Ran, TaskWorker, claim_loop, run_workers};
use super::ctx::RunCtx;
use super::source::Claim;
use super::task::{WARMUP_BASE, run_guarded};
use crate::profile::chunk::{Chunk, static_share};
use crate::workload::{TaskContext, TaskError, Waits};
use std::ops::Range;
use std::time::{Duration, Instant};

/// `threads`: runs the run's tasks on `workers` threads.
pub struct Threads;

impl ExecutionModel for Threads {
    fn run(ctx: &RunCtx) {
        run_workers(ctx, "thread", |ctx, w, recorder| {
            let mut worker = Worker {
                task_ctx: ctx.task_ctx(),
                chunk: match ctx.plan.chunk {
                    Some(Chunk::Tasks(n)) => n,
                    _ => 1,
                },
                adaptive: ctx.plan.chunk.is_none(),
                share: match ctx.plan.chunk {
                    Some(Chunk::Static) => Some(static_share(ctx.plan.stop, w, ctx.plan.workers)),
                    _ => None,
                },
            };
            claim_loop(ctx, w, recorder, &mut worker)
        });
    }
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

/// Static chunking hands out a worker's own range this many tasks at a time, so a stop
/// is seen between slices (the queue is not touched).
const STATIC_SLICE: u64 = 64;

/// One long-lived thread: its task context, its current chunk size (fixed unless
/// `adaptive`), and under static chunking what is left of its own range.
struct Worker<'a> {
    task_ctx: TaskContext<'a>,
    chunk: u64,
    adaptive: bool,
    share: Option<Range<u64>>,
}

impl TaskWorker for Worker<'_> {
    fn warm_up(&mut self, ctx: &RunCtx, w: usize, k: u64) -> Result<(), String> {
        let outcome = run_guarded(ctx.workload, WARMUP_BASE + k, &self.task_ctx);
        // A warm-up task's waits are not the first measured task's.
        self.task_ctx.take_waits();
        match outcome {
            Err(TaskError::Failed(m)) => Err(format!("worker {}, warm-up task {k}: {m}", w + 1)),
            _ => Ok(()),
        }
    }

    #[inline]
    fn run(&mut self, ctx: &RunCtx, _w: usize, index: u64, _done: u64) -> Result<Ran, String> {
        let start = Instant::now();
        let outcome = run_guarded(ctx.workload, index, &self.task_ctx);
        let end = Instant::now();
        Ok(match outcome {
            Ok(()) => Ran::Done {
                end,
                latency_ns: self.task_ctx.latency((end - start).as_nanos() as u64),
            },
            Err(TaskError::Cancelled) => Ran::Stopped,
            Err(TaskError::Failed(m)) => Ran::Failed(m),
        })
    }

    #[inline]
    fn waits(&mut self) -> Option<Waits> {
        if self.task_ctx.waited() {
            self.task_ctx.take_waits()
        } else {
            None
        }
    }

    fn claim(&mut self, ctx: &RunCtx, _w: usize) -> Option<Claim> {
        let Some(share) = &mut self.share else {
            return ctx.source.claim_timed(self.chunk);
        };
        if share.is_empty() || ctx.stopping() {
            return None;
        }
        let end = share.end.min(share.start + STATIC_SLICE);
        let slice = share.start..end;
        share.start = end;
        Some(Claim {
            tasks: slice,
            intended: None,
        })
    }

    fn claim_size(&self) -> u64 {
        self.chunk
    }

    fn claimed(&mut self, took: Duration) {
        if self.adaptive {
            self.chunk = next_chunk(self.chunk, took);
        }
    }
}
