//! `processes`: N long-lived `parlab worker` children, fed batches of tasks over pipes.

//!
//! Its workers keep two frames in flight, so they do not fit [`claim_loop`]'s one task at a
//! time: `drive` follows the same contract by hand (warm-up, start line, claims, records;
//! failures are counted by [`conclude`]).
//!
//! [`claim_loop`]: super::contract::claim_loop

use super::child::WorkerProcess;
use super::contract::{ExecutionModel, run_workers};
use super::ctx::RunCtx;
use super::task::WARMUP_BASE;
use super::worker_process::{
    Broken, Stderr, conclude, expect_done, expect_ready, run_frame, start,
};
use crate::metrics::Recorder;
use crate::metrics::spans::SpanState;
use std::collections::VecDeque;
use std::time::Instant;

/// `processes`: runs the run's tasks in `workers` worker processes.
pub struct Processes;

impl ExecutionModel for Processes {
    fn run(ctx: &RunCtx) {
        run_workers(ctx, "process", worker);
    }
}

/// A batch should keep a worker busy for about this long: long enough that the pipe
/// round trip is a rounding error, short enough to end a timed run promptly.
const BATCH_TARGET_NS: u64 = 2_000_000;
const MAX_BATCH: u64 = 1 << 16;
const MAX_PAYLOAD: u64 = 8 << 20;

fn worker(ctx: &RunCtx, w: usize, recorder: &mut Recorder) -> Result<(), String> {
    let mut child = start(ctx, w, Stderr::OnItsOwnThread)?;
    let outcome = drive(ctx, w, recorder, &mut child);
    conclude(ctx, w, child, outcome, recorder.completed())
}

fn drive(
    ctx: &RunCtx,
    w: usize,
    recorder: &mut Recorder,
    child: &mut WorkerProcess,
) -> Result<(), Broken> {
    let warm = warm_up(ctx, w, child);
    ctx.sync_start(recorder);
    warm?;
    let mut in_flight = VecDeque::with_capacity(2);
    let mut batch = 1u64;
    // Keep frames with task input (the transfer kind) to a few MiB.
    let max_batch = match ctx.workload.payload_bytes() as u64 {
        0 => MAX_BATCH,
        bytes => (MAX_PAYLOAD / bytes).clamp(1, MAX_BATCH),
    };
    // The end of the worker's last batch: the gap to its next batch is pipe time.
    let mut last_end = recorder.since_start(Instant::now());
    loop {
        while in_flight.len() < 2 {
            let Some(range) = ctx.source.claim(batch) else {
                break;
            };
            let count = (range.end - range.start) as u32;
            child.queue(&run_frame(ctx, range.start, count))?;
            in_flight.push_back(range.start);
        }
        let Some(first) = in_flight.pop_front() else {
            return Ok(());
        };
        child.flush()?;
        let (latencies, started) = expect_done(child)?;
        let sum = record_batch(recorder, first, &latencies, started, &mut last_end);
        let mean = (sum / latencies.len().max(1) as u64).max(1);
        batch = (BATCH_TARGET_NS / mean)
            .clamp(1, max_batch)
            .min(batch.saturating_mul(4));
    }
}

/// Records a batch of tasks from `first` that started at `started` (on parlab's clock):
/// its latencies now, its spans laid end to end from `started` (the worker runs them back
/// to back), and the pipe time since the worker's previous batch ended (`last_end`, in
/// run-clock nanoseconds, moved to this batch's end). Returns the sum of the latencies.
fn record_batch(
    recorder: &mut Recorder,
    first: u64,
    latencies: &[u64],
    started: Instant,
    last_end: &mut u64,
) -> u64 {
    // Run-clock nanoseconds throughout: one clock reading per batch, not per task.
    let now = recorder.since_start(Instant::now());
    let started = recorder.since_start(started);
    if started > *last_end {
        recorder.push_span(first, *last_end, started, SpanState::Moving);
    }
    let mut at = started;
    let mut sum = 0u64;
    for (task, &ns) in (first..).zip(latencies) {
        recorder.push_span(task, at, at + ns, SpanState::Running);
        recorder.record_latency_ns(now, ns);
        at += ns;
        sum += ns;
    }
    *last_end = at;
    sum
}

/// Waits for the worker to be ready and runs its share of the warm-up in one frame.
fn warm_up(ctx: &RunCtx, w: usize, child: &mut WorkerProcess) -> Result<(), Broken> {
    child.flush()?;
    expect_ready(child)?;
    let share = ctx.warmup_share(w);
    if share > 0 {
        let count = u32::try_from(share).unwrap_or(u32::MAX);
        child.send(&run_frame(ctx, WARMUP_BASE, count))?;
        expect_done(child)?;
    }
    Ok(())
}
