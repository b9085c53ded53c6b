//! `process-per-task`: every task starts a new `parlab worker` process; at most N are alive.

use super::contract::{ExecutionModel, Ran, TaskWorker, claim_loop, run_workers};
use super::ctx::RunCtx;
use super::protocol::ProtocolError;
use super::task::WARMUP_BASE;
use super::worker_process::{
    Broken, Stderr, conclude, expect_done, expect_ready, run_frame, start,
};
use crate::metrics::Recorder;
use crate::metrics::spans::SpanState;
use std::time::{Duration, Instant};

/// `process-per-task`: runs the run's tasks, one new process each, from `workers` spawning
/// slots.
pub struct ProcessPerTask;

impl ExecutionModel for ProcessPerTask {
    fn run(ctx: &RunCtx) {
        run_workers(ctx, "spawner", |ctx, w, recorder| {
            claim_loop(ctx, w, recorder, &mut Spawner::default())
        });
    }
}

/// A spawning slot: it keeps only the times of its last task.
#[derive(Default)]
struct Spawner {
    last: Option<Times>,
}

/// When a task's process was asked for, when the task started and ended in it, and when
/// its answer reached parlab (all on parlab's clock).
#[derive(Clone, Copy)]
struct Times {
    asked: Instant,
    started: Instant,
    ended: Instant,
    answered: Instant,
}

impl TaskWorker for Spawner {
    fn warm_up(&mut self, ctx: &RunCtx, w: usize, k: u64) -> Result<(), String> {
        run_one(ctx, w, WARMUP_BASE + k, 0).map(drop)
    }

    fn run(&mut self, ctx: &RunCtx, w: usize, index: u64, done: u64) -> Result<Ran, String> {
        // A failed task was counted, and its message written, by `conclude`.
        Ok(match run_one(ctx, w, index, done)? {
            Some((times, latency_ns)) => {
                self.last = Some(times);
                Ran::Done {
                    end: times.ended,
                    latency_ns,
                }
            }
            None => Ran::Stopped,
        })
    }

    fn overhead(&mut self, index: u64, recorder: &mut Recorder) {
        if let Some(t) = self.last.take() {
            recorder.span(SpanState::Creating, index, t.asked, t.started);
            recorder.span(SpanState::Moving, index, t.ended, t.answered);
        }
    }
}

/// Runs task `index` in a new worker process; `None` when the run is being stopped.
fn run_one(
    ctx: &RunCtx,
    w: usize,
    index: u64,
    done_so_far: u64,
) -> Result<Option<(Times, u64)>, String> {
    let asked = Instant::now();
    let mut child = start(ctx, w, Stderr::WhileReadingAnswers)?;
    let mut latency = None;
    let outcome = (|| -> Result<(), Broken> {
        child.queue(&run_frame(ctx, index, 1))?;
        child.close_stdin()?;
        expect_ready(&mut child)?;
        let (latencies, started) = expect_done(&mut child)?;
        match latencies.as_slice() {
            [ns] => {
                let times = Times {
                    asked,
                    started,
                    ended: started + Duration::from_nanos(*ns),
                    answered: Instant::now(),
                };
                latency = Some((times, *ns));
                Ok(())
            }
            _ => Err(Broken::Protocol(ProtocolError::Garbage(format!(
                "{} latencies for one task",
                latencies.len()
            )))),
        }
    })();
    conclude(ctx, w, child, outcome, done_so_far)?;
    Ok(latency)
}
