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
    // The parent's end closed means it sends nothing more: answers can wait for the last one.
    let parent_done = || crate::sys::writers_gone(&input);
    let mut answers = Answers::new(&mut output, parent_done);
    let mut input = BufReader::new(&input);
    let code = match serve(&mut input, &mut answers) {
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

/// Where a worker's answers go: written as they come, but sent only while the parent may be
/// waiting for them. Once the parent has closed its end of the input (process-per-task does
/// so right after INIT and RUN), it is only waiting for the worker to finish, so READY,
/// DONE and the last figures leave in one write at the end: one wake-up of the parent per
/// task instead of three.
pub struct Answers<W: Write, F: FnMut() -> bool> {
    out: io::BufWriter<W>,
    parent_done: F,
    /// Set once `parent_done` said so (it stays so).
    holding: bool,
}

impl<W: Write, F: FnMut() -> bool> Answers<W, F> {
    /// Answers onto `out`; `parent_done` tells whether the parent's input end is closed.
    pub fn new(out: W, parent_done: F) -> Self {
        Self {
            out: io::BufWriter::with_capacity(64 * 1024, out),
            parent_done,
            holding: false,
        }
    }

    /// Writes `msg`, and sends it unless the parent no longer waits for answers one by one.
    fn send(&mut self, msg: &FromWorker) -> io::Result<()> {
        send_from_worker(&mut self.out, msg)?;
        self.holding = self.holding || (self.parent_done)();
        if self.holding {
            Ok(())
        } else {
            self.out.flush()
        }
    }

    /// Sends everything written so far.
    fn flush(&mut self) -> io::Result<()> {
        self.out.flush()
    }
}

/// Serves one parent over `input` / `answers`; everything answered is sent when it returns.
pub fn serve<W: Write, F: FnMut() -> bool>(
    input: &mut impl io::Read,
    answers: &mut Answers<W, F>,
) -> Result<(), ProtocolError> {
    let served = serve_until_closed(input, answers);
    let flushed = answers.flush();
    served?;
    Ok(flushed?)
}

fn serve_until_closed<W: Write, F: FnMut() -> bool>(
    input: &mut impl io::Read,
    output: &mut Answers<W, F>,
) -> Result<(), ProtocolError> {
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
            output.send(&FromWorker::Failed {
                index: u64::MAX,
                message,
            })?;
            return Ok(());
        }
    };
    let cancel = CancelToken::new();

    output.send(&FromWorker::Ready {
        pid: std::process::id(),
    })?;
    let mut latencies = Vec::new();
    loop {
        let (first, count, data) = match recv_to_worker(input) {
            Ok(ToWorker::Run { first, count, data }) => (first, count, data),
            Ok(ToWorker::Init(_)) => return Err(ProtocolError::Garbage("a second INIT".into())),
            Err(ProtocolError::Closed) => {
                // Its own peak since exec, and that of the programs its workload started:
                // not `ru_maxrss`, which counts the parent's memory at spawn.
                let peak = crate::sys::self_peak_rss().unwrap_or(0) + workload.external_peak_rss();
                // Sent together by `serve`'s last flush.
                send_from_worker(&mut output.out, &FromWorker::Peak(peak))?;
                send_from_worker(&mut output.out, &FromWorker::Stats(workload.stats()))?;
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
        output.send(&answer)?;
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
    let started = crate::sys::monotonic_ns();
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
    FromWorker::Done(std::mem::take(latencies), started)
}
