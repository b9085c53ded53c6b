//! `processes`: N long-lived `parlab worker` children, fed batches of tasks over pipes.

use super::child::WorkerProcess;
use super::protocol::{FromWorker, ProtocolError, ToWorker};
use super::run::{RunCtx, run_workers};
use super::task::WARMUP_BASE;
use crate::metrics::Recorder;
use std::collections::VecDeque;
use std::time::Instant;

/// Runs the run's tasks in `workers` worker processes.
pub fn execute(ctx: &RunCtx) {
    run_workers(ctx, "process", worker);
}

/// A batch should keep a worker busy for about this long: long enough that the pipe
/// round trip is a rounding error, short enough to end a timed run promptly.
const BATCH_TARGET_NS: u64 = 2_000_000;
const MAX_BATCH: u64 = 1 << 16;
const MAX_PAYLOAD: u64 = 8 << 20;

/// A RUN frame for `count` tasks from `first`, with a copy of the workload's input for each.
pub(crate) fn run_frame(ctx: &RunCtx, first: u64, count: u32) -> ToWorker {
    let block = ctx.workload.payload();
    let mut data = Vec::with_capacity(block.len() * count as usize);
    for _ in 0..count {
        data.extend_from_slice(block);
    }
    ToWorker::Run { first, count, data }
}

/// Why talking to a worker process stopped.
pub(crate) enum Broken {
    /// A task failed in the worker; it is still alive.
    Task { index: u64, message: String },
    /// The worker could not build its workload.
    Prepare(String),
    /// The conversation broke: the worker died, closed its pipe or sent garbage.
    Protocol(ProtocolError),
}

impl From<ProtocolError> for Broken {
    fn from(e: ProtocolError) -> Self {
        Broken::Protocol(e)
    }
}

impl From<std::io::Error> for Broken {
    fn from(e: std::io::Error) -> Self {
        Broken::Protocol(ProtocolError::Io(e))
    }
}

/// Starts a worker process for the run, with a message naming the worker on failure.
pub(crate) fn start(ctx: &RunCtx, w: usize) -> Result<WorkerProcess, String> {
    let child =
        WorkerProcess::spawn(ctx.worker_command, ctx.run_id, &ctx.plan.workload).map_err(|e| {
            format!(
                "worker {}: cannot start the worker process `{}`: {e}",
                w + 1,
                ctx.worker_command.program.display()
            )
        })?;
    ctx.set_worker_pid(w, child.pid());
    Ok(child)
}

/// Ends `child` after `outcome` and turns what went wrong into the run's error message.
pub(crate) fn conclude(
    ctx: &RunCtx,
    w: usize,
    child: WorkerProcess,
    outcome: Result<(), Broken>,
    tasks: u64,
) -> Result<(), String> {
    let pid = child.pid();
    let worker = w + 1;
    match outcome {
        Ok(()) => match child.finish() {
            Ok(end) if end.exit.success() || ctx.stopping() => {
                // The worker's own peak since exec: `ru_maxrss` from wait4 would also count
                // parlab's memory at the moment the worker was forked.
                if let Some(peak) = end.peak_rss {
                    ctx.add_child_peak(peak);
                }
                if let Some(stats) = &end.stats {
                    ctx.add_stats(stats);
                }
                Ok(())
            }
            Ok(end) => Err(end.describe(worker, pid, tasks)),
            Err(e) => Err(format!(
                "worker {worker} (pid {pid}) could not be reaped: {e}"
            )),
        },
        Err(_) if ctx.stopping() => {
            let _ = child.kill();
            Ok(())
        }
        Err(Broken::Task { index, message }) => {
            ctx.count_failed_task();
            let _ = child.kill();
            Err(format!(
                "worker {worker} (pid {pid}), task {index}: {message}"
            ))
        }
        Err(Broken::Prepare(message)) => {
            let _ = child.kill();
            Err(format!(
                "the workload could not be prepared in worker {worker} (pid {pid}): {message}"
            ))
        }
        Err(Broken::Protocol(ProtocolError::Garbage(what))) => {
            let _ = child.kill();
            Err(format!(
                "worker {worker} (pid {pid}) sent garbage on its pipe ({what}) after {tasks} tasks"
            ))
        }
        Err(Broken::Protocol(_)) => match child.kill() {
            // Killing a worker that already died keeps the status it died with.
            Ok(end) => Err(end.describe(worker, pid, tasks)),
            Err(e) => Err(format!(
                "worker {worker} (pid {pid}) stopped answering and could not be reaped: {e}"
            )),
        },
    }
}

/// Reads READY.
pub(crate) fn expect_ready(child: &mut WorkerProcess) -> Result<(), Broken> {
    match child.recv()? {
        FromWorker::Ready { .. } => Ok(()),
        FromWorker::Failed {
            index: u64::MAX,
            message,
        } => Err(Broken::Prepare(message)),
        FromWorker::Failed { index, message } => Err(Broken::Task { index, message }),
        FromWorker::Done(_) | FromWorker::Stats(_) | FromWorker::Peak(_) => {
            Err(ProtocolError::Garbage("DONE before READY".into()).into())
        }
    }
}

/// Reads the answer to a RUN frame: the batch's latencies.
pub(crate) fn expect_done(child: &mut WorkerProcess) -> Result<Vec<u64>, Broken> {
    match child.recv()? {
        FromWorker::Done(latencies) => Ok(latencies),
        FromWorker::Failed { index, message } => Err(Broken::Task { index, message }),
        FromWorker::Ready { .. } | FromWorker::Stats(_) | FromWorker::Peak(_) => {
            Err(ProtocolError::Garbage("a second READY".into()).into())
        }
    }
}

fn worker(ctx: &RunCtx, w: usize, recorder: &mut Recorder) -> Result<(), String> {
    let mut child = start(ctx, w)?;
    let outcome = drive(ctx, w, recorder, &mut child);
    conclude(ctx, w, child, outcome, recorder.completed())
}

fn drive(
    ctx: &RunCtx,
    w: usize,
    recorder: &mut Recorder,
    child: &mut WorkerProcess,
) -> Result<(), Broken> {
    let warm = (|| -> Result<(), Broken> {
        child.flush()?;
        expect_ready(child)?;
        let share = ctx.warmup_share(w);
        if share > 0 {
            let count = u32::try_from(share).unwrap_or(u32::MAX);
            child.send(&run_frame(ctx, WARMUP_BASE, count))?;
            expect_done(child)?;
        }
        Ok(())
    })();
    ctx.sync_start(recorder);
    warm?;
    let mut in_flight = VecDeque::with_capacity(2);
    let mut batch = 1u64;
    // Keep frames with task input (the transfer kind) to a few MiB.
    let max_batch = match ctx.workload.payload_bytes() as u64 {
        0 => MAX_BATCH,
        bytes => (MAX_PAYLOAD / bytes).clamp(1, MAX_BATCH),
    };
    loop {
        while in_flight.len() < 2 {
            let Some(range) = ctx.source.claim(batch) else {
                break;
            };
            let count = (range.end - range.start) as u32;
            child.queue(&run_frame(ctx, range.start, count))?;
            in_flight.push_back(count);
        }
        if in_flight.is_empty() {
            return Ok(());
        }
        child.flush()?;
        let latencies = expect_done(child)?;
        let now = Instant::now();
        in_flight.pop_front();
        let mut sum = 0u64;
        for &ns in &latencies {
            recorder.record(now, ns);
            sum += ns;
        }
        let mean = (sum / latencies.len().max(1) as u64).max(1);
        batch = (BATCH_TARGET_NS / mean)
            .clamp(1, max_batch)
            .min(batch.saturating_mul(4));
    }
}
