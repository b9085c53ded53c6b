//! The child side of the process protocol: `parlab worker`, started by the process models.
//! It reads frames from stdin, runs tasks, and answers on stdout (see [`super::protocol`]).

use super::protocol::{FromWorker, ProtocolError, ToWorker, recv_to_worker, send_from_worker};
use super::task::run_guarded;
use crate::cancel::CancelToken;
use crate::workload::{TaskContext, TaskError};
use std::io::{self, BufReader, Write};

use std::time::Instant;

/// Runs the worker loop until the parent closes stdin; returns the process exit status.
pub fn main() -> i32 {
    if std::env::var_os(crate::process::guardian::GUARD_ENV).is_some() {
        return crate::process::guardian::main();
    }
    crate::sys::die_with_parent(kill_everything_below);
    // What tasks leave behind stays below this worker, which kills it before exiting.
    crate::process::children::adopt_orphans();
    // Task panics are reported to the parent in a FAILED frame; anything else goes to
    // stderr, which the parent quotes when the worker dies.
    std::panic::set_hook(Box::new(|info| {
        if !super::task::in_task() {
            eprintln!("parlab worker: {info}");
        }
    }));
    let (input, mut output) = match crate::sys::take_stdio() {
        Ok(pipes) => pipes,
        Err(e) => {
            eprintln!("parlab worker: cannot set up the pipes to parlab: {e}");
            return 2;
        }
    };
    let mut input = BufReader::new(input);
    let code = match serve(&mut input, &mut output) {
        Ok(()) => 0,
        Err(e) => {
            eprintln!("parlab worker: {e}");
            2
        }
    };
    kill_everything_below();
    code
}

/// Kills whatever the worker's tasks started that is still running.
fn kill_everything_below() {
    crate::process::children::end_everything_below();
}

fn send(out: &mut impl Write, msg: &FromWorker) -> io::Result<()> {
    send_from_worker(out, msg)?;
    out.flush()
}

/// Serves one parent over `input` / `output`.
pub fn serve(input: &mut impl io::Read, output: &mut impl Write) -> Result<(), ProtocolError> {
    let spec = match recv_to_worker(input)? {
        ToWorker::Init(spec) => spec,
        ToWorker::Run { .. } => return Err(ProtocolError::Garbage("RUN before INIT".into())),
    };
    // A worker process runs its tasks one at a time.
    let placement = crate::workload::Placement {
        model: crate::profile::Model::Processes,
        workers: 1,
        runs_tasks: true,
        run: 0,
    };
    let workload = match spec.build(&placement) {
        Ok(w) => w,
        Err(message) => {
            send(
                output,
                &FromWorker::Failed {
                    index: u64::MAX,
                    message,
                },
            )?;
            return Ok(());
        }
    };
    let cancel = CancelToken::new();

    send(
        output,
        &FromWorker::Ready {
            pid: std::process::id(),
        },
    )?;
    let mut latencies = Vec::new();
    loop {
        let (first, count, data) = match recv_to_worker(input) {
            Ok(ToWorker::Run { first, count, data }) => (first, count, data),
            Ok(ToWorker::Init(_)) => return Err(ProtocolError::Garbage("a second INIT".into())),
            Err(ProtocolError::Closed) => {
                // Its own peak since exec, and that of the programs its workload started:
                // not `ru_maxrss`, which counts the parent's memory at spawn.
                let peak = crate::sys::self_peak_rss().unwrap_or(0) + workload.external_peak_rss();
                // Both in one write: one wake-up of the parent fewer, which process-per-task
                // pays once per task.
                let mut last = Vec::new();
                send_from_worker(&mut last, &FromWorker::Peak(peak))?;
                send_from_worker(&mut last, &FromWorker::Stats(workload.stats()))?;
                output.write_all(&last)?;
                output.flush()?;
                return Ok(());
            }
            Err(e) => return Err(e),
        };
        let answer = run_batch(
            workload.as_ref(),
            &cancel,
            first,
            count,
            &data,
            &mut latencies,
        );
        send(output, &answer)?;
    }
}

/// Runs the batch of `count` tasks from `first`, each with its slice of `data`; answers
/// with their latencies, or with the first task that failed.
fn run_batch(
    workload: &dyn crate::workload::Workload,
    cancel: &CancelToken,
    first: u64,
    count: u32,
    data: &[u8],
    latencies: &mut Vec<u64>,
) -> FromWorker {
    latencies.clear();
    let block = data.len() / count.max(1) as usize;
    for (k, index) in (first..first.saturating_add(count as u64)).enumerate() {
        let ctx = TaskContext::new(cancel, 0, &data[k * block..(k + 1) * block]);
        let start = Instant::now();
        let outcome = run_guarded(workload, index, &ctx);
        let ns = ctx.latency(start.elapsed().as_nanos() as u64);
        match outcome {
            Ok(()) => latencies.push(ns),
            Err(TaskError::Failed(message)) => return FromWorker::Failed { index, message },
            Err(TaskError::Cancelled) => break,
        }
    }
    FromWorker::Done(std::mem::take(latencies))
}
