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
    loop {
        while in_flight.len() < depth {
            let Some(claim) = ctx.source.claim_timed(batch) else {
                break;
            };
            let count = (claim.tasks.end - claim.tasks.start) as u32;
            child.queue(&run_frame(ctx, claim.tasks.start, count))?;
            in_flight.push_back(claim.intended);
        }
        if in_flight.is_empty() {
            return Ok(());
        }
        child.flush()?;
        let latencies = expect_done(child)?;
        let now = Instant::now();
        let intended = in_flight.pop_front().flatten();
        let mut sum = 0u64;
        for &ns in &latencies {
            recorder.record_from(now, ns, intended);
            sum += ns;
        }
        let mean = (sum / latencies.len().max(1) as u64).max(1);
        batch = (BATCH_TARGET_NS / mean)
            .clamp(1, max_batch)
            .min(batch.saturating_mul(4));
    }
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
