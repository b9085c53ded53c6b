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
    let max_batch = max_batch(ctx);
    let warm = warm_up(ctx, w, child, max_batch);
    ctx.sync_start(recorder);
    warm?;
    let mut in_flight = VecDeque::with_capacity(2);
    // Open model: one task at a time, sent at its intended start; a second frame in flight
    // would hold an arrival back from an idle worker.
    let depth = if ctx.source.is_open() { 1 } else { 2 };
    let mut batch = 1u64;
    // The end of the worker's last batch: the gap to its next batch is pipe time.
    let mut last_end = recorder.since_start(Instant::now());
    loop {
        while in_flight.len() < depth {
            let Some(claim) = ctx.source.claim_timed(batch) else {
                break;
            };
            let count = (claim.tasks.end - claim.tasks.start) as u32;
            child.queue(&run_frame(ctx, claim.tasks.start, count))?;
            in_flight.push_back((claim.tasks.start, claim.intended));
        }
        let Some((first, intended)) = in_flight.pop_front() else {
            return Ok(());
        };
        child.flush()?;
        let (latencies, started) = expect_done(child)?;
        let sum = record_batch(
            recorder,
            (first, intended),
            &latencies,
            started,
            &mut last_end,
        );
        let mean = (sum / latencies.len().max(1) as u64).max(1);
        batch = (BATCH_TARGET_NS / mean)
            .clamp(1, max_batch)
            .min(batch.saturating_mul(4));
    }
}

/// Records a batch of tasks from `first` that started at `started` (on parlab's clock):
/// its latencies now (in an open run, `intended` is the one task's intended start: also
/// its response and queue latencies), its spans laid end to end from `started` (the worker
/// runs them back to back), and the pipe time since the worker's previous batch ended
/// (`last_end`, in run-clock nanoseconds, moved to this batch's end). Returns the sum of
/// the latencies.
fn record_batch(
    recorder: &mut Recorder,
    (first, intended): (u64, Option<Instant>),
    latencies: &[u64],
    started: Instant,
    last_end: &mut u64,
) -> u64 {
    // Run-clock nanoseconds throughout: one clock reading per batch, not per task.
    let end = Instant::now();
    let now = recorder.since_start(end);
    let started = recorder.since_start(started);
    // In an open run the gap also holds the wait for the next arrival: no `moving` span.
    if intended.is_none() && started > *last_end {
        recorder.push_span(first, *last_end, started, SpanState::Moving);
    }
    let mut at = started;
    let mut sum = 0u64;
    for (task, &ns) in (first..).zip(latencies) {
        recorder.push_span(task, at, at + ns, SpanState::Running);
        recorder.record_latency_ns(now, ns);
        if let Some(intended) = intended {
            recorder.record_open(end, ns, intended);
        }
        at += ns;
        sum += ns;
    }
    *last_end = at;
    sum
}

/// The most tasks in one RUN frame: frames with task input (the transfer kind) are kept to
/// a few MiB, so one stays within the protocol's frame limit and a timed run ends promptly.
fn max_batch(ctx: &RunCtx) -> u64 {
    match ctx.workload.payload_bytes() as u64 {
        0 => MAX_BATCH,
        bytes => (MAX_PAYLOAD / bytes).clamp(1, MAX_BATCH),
    }
}

/// Waits for the worker to be ready and runs its share of the warm-up, in frames of at
/// most `max_batch` tasks (a share of large blocks in one frame would pass the limit).
fn warm_up(
    ctx: &RunCtx,
    w: usize,
    child: &mut WorkerProcess,
    max_batch: u64,
) -> Result<(), Broken> {
    child.flush()?;
    expect_ready(child)?;
    let share = ctx.warmup_share(w);
    let mut done = 0;
    while done < share {
        let count = (share - done).min(max_batch) as u32;
        child.send(&run_frame(ctx, WARMUP_BASE + done, count))?;
        expect_done(child)?;
        done += u64::from(count);
    }
    Ok(())
}
