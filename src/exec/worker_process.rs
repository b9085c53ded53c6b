//! What both process models do with a `parlab worker` process: start it for the run, send
//! RUN frames, read READY and DONE, and end it, turning whatever went wrong into the run's
//! error message.

pub use super::child::Stderr;
use super::child::WorkerProcess;
use super::ctx::RunCtx;
use super::protocol::{FromWorker, ProtocolError, ToWorker};
use std::time::Instant;

/// A RUN frame for `count` tasks from `first`, each given the workload's input block: the
/// one block the parent's workload holds, written into the pipe once per task and never
/// copied, however many workers are fed.
pub fn run_frame<'a>(ctx: &RunCtx<'a>, first: u64, count: u32) -> ToWorker<'a> {
    ToWorker::Run {
        first,
        count,
        block: ctx.workload.payload(),
    }
}

/// Why talking to a worker process stopped.
pub enum Broken {
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

/// Starts a worker process for the run, its stderr read as `stderr` says, with a message
/// naming the worker on failure.
pub fn start(ctx: &RunCtx, w: usize, stderr: Stderr) -> Result<WorkerProcess, String> {
    let workload = &ctx.plan.workload;
    let child =
        WorkerProcess::spawn(ctx.worker_command, ctx.run_id, workload, stderr).map_err(|e| {
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
pub fn conclude(
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
pub fn expect_ready(child: &mut WorkerProcess) -> Result<(), Broken> {
    match child.recv()? {
        FromWorker::Ready { .. } => Ok(()),
        FromWorker::Failed {
            index: u64::MAX,
            message,
        } => Err(Broken::Prepare(message)),
        FromWorker::Failed { index, message } => Err(Broken::Task { index, message }),
        FromWorker::Done(..) | FromWorker::Stats(_) | FromWorker::Peak(_) => {
            Err(ProtocolError::Garbage("DONE before READY".into()).into())
        }
    }
}

/// Reads the answer to a RUN frame: the batch's latencies, and when its first task started
/// (on this process's clock).
pub fn expect_done(child: &mut WorkerProcess) -> Result<(Vec<u64>, Instant), Broken> {
    match child.recv()? {
        FromWorker::Done(latencies, started) => {
            Ok((latencies, crate::sys::instant_at_monotonic(started)))
        }
        FromWorker::Failed { index, message } => Err(Broken::Task { index, message }),
        FromWorker::Ready { .. } | FromWorker::Stats(_) | FromWorker::Peak(_) => {
            Err(ProtocolError::Garbage("a second READY".into()).into())
        }
    }
}
