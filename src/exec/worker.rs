//! The child side of the process protocol: `parlab worker`, started by the process models.
//! It reads frames from stdin, runs tasks, and answers on stdout (see [`super::protocol`]).

use super::protocol::{
    FromParent, FromWorker, ProtocolError, read_block, recv_to_worker, send_from_worker,
    skip_blocks,
};
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
    // Frame headers come through this small buffer; a task's block is larger than it, so
    // `read_exact` reads the block straight into the worker's one block buffer.
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
        FromParent::Init(spec) => spec,
        FromParent::Run { .. } => return Err(ProtocolError::Garbage("RUN before INIT".into())),
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
    // The one buffer a task's input is read into, allocated at the block's exact size.
    let mut block = Vec::new();
    loop {
        let (first, count, block_len) = match recv_to_worker(input) {
            Ok(FromParent::Run {
                first,
                count,
                block_len,
            }) => (first, count, block_len),
            Ok(FromParent::Init(_)) => return Err(ProtocolError::Garbage("a second INIT".into())),
            Err(ProtocolError::Closed) => return say_goodbye(output, workload.as_ref()),
            Err(e) => return Err(e),
        };
        if block.len() != block_len {
            // The old one is freed first, so two blocks are never held at once.
            drop(std::mem::take(&mut block));
            block = vec![0u8; block_len];
        }
        let batch = Batch {
            first,
            count,
            input,
            block: &mut block,
        };
        let answer = batch.run(workload.as_ref(), &cancel, &mut latencies)?;
        output.send(&answer)?;
    }
}

/// Writes the worker's last figures once the parent closed stdin (`serve` sends them).
fn say_goodbye<W: Write, F: FnMut() -> bool>(
    output: &mut Answers<W, F>,
    workload: &dyn crate::workload::Workload,
) -> Result<(), ProtocolError> {
    // Its own peak since exec, and that of the programs its workload started: not
    // `ru_maxrss`, which counts the parent's memory at spawn.
    let peak = crate::sys::self_peak_rss().unwrap_or(0) + workload.external_peak_rss();
    send_from_worker(&mut output.out, &FromWorker::Peak(peak))?;
    send_from_worker(&mut output.out, &FromWorker::Stats(workload.stats()))?;
    Ok(())
}

/// A RUN frame being served: its header is read, its `count` blocks are still on `input`.
struct Batch<'a, R> {
    first: u64,
    count: u32,
    input: &'a mut R,
    block: &'a mut [u8],
}

impl<R: io::Read> Batch<'_, R> {
    /// Runs the batch's tasks, each after reading its block into the one block buffer;
    /// answers with their latencies, or with the first task that failed. The blocks of
    /// tasks that did not run are read past, so the next frame starts where it should.
    fn run(
        self,
        workload: &dyn crate::workload::Workload,
        cancel: &CancelToken,
        latencies: &mut Vec<u64>,
    ) -> Result<FromWorker, ProtocolError> {
        latencies.clear();
        let mut answer = None;
        let mut read = 0u32;
        // When the first task started (its block read): the parent lays the batch's
        // spans end to end from here.
        let mut started = None;
        for index in self.first..self.first.saturating_add(u64::from(self.count)) {
            read_block(self.input, self.block)?;
            read += 1;
            started.get_or_insert_with(crate::sys::monotonic_ns);
            let ctx = TaskContext::new(cancel, 0, self.block);
            let start = Instant::now();
            let outcome = run_guarded(workload, index, &ctx);
            let ns = ctx.latency(start.elapsed().as_nanos() as u64);
            match outcome {
                Ok(()) => latencies.push(ns),
                Err(TaskError::Failed(message)) => {
                    answer = Some(FromWorker::Failed { index, message });
                    break;
                }
                Err(TaskError::Cancelled) => break,
            }
        }
        skip_blocks(self.input, self.count - read, self.block)?;
        let started = started.unwrap_or_else(crate::sys::monotonic_ns);
        Ok(answer.unwrap_or_else(|| FromWorker::Done(std::mem::take(latencies), started)))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::exec::protocol::{ToWorker, recv_from_worker, send_to_worker};
    use crate::workload::WorkloadSpec;

    #[test]
    fn each_task_reads_its_block_and_a_failed_batch_leaves_the_next_frame_whole() {
        let spec: WorkloadSpec =
            serde_json::from_str(r#"{"kind":"transfer","bytes":4096}"#).expect("a transfer spec");
        let (good, bad) = (vec![3u8; 4096], vec![3u8; 100]);
        let mut input = Vec::new();
        let frames = [
            ToWorker::Init(spec),
            ToWorker::Run {
                first: 0,
                count: 3,
                block: &good,
            },
            // The wrong size: task 3 fails, and the worker must pass task 4's block by.
            ToWorker::Run {
                first: 3,
                count: 2,
                block: &bad,
            },
            ToWorker::Run {
                first: 5,
                count: 1,
                block: &good,
            },
        ];
        for frame in &frames {
            send_to_worker(&mut input, frame).expect("written");
        }
        let mut output = Vec::new();
        serve(
            &mut input.as_slice(),
            &mut Answers::new(&mut output, || false),
        )
        .expect("served");
        let mut r = output.as_slice();
        let mut next = || recv_from_worker(&mut r).expect("an answer");
        assert!(matches!(next(), FromWorker::Ready { .. }));
        assert!(matches!(next(), FromWorker::Done(l, _) if l.len() == 3));
        match next() {
            FromWorker::Failed { index: 3, message } => {
                assert!(
                    message.contains("received 100 bytes, expected 4096"),
                    "{message}"
                )
            }
            other => panic!("unexpected {other:?}"),
        }
        assert!(matches!(next(), FromWorker::Done(l, _) if l.len() == 1));
        assert!(matches!(next(), FromWorker::Peak(_)));
        match next() {
            FromWorker::Stats(s) => assert_eq!(s.bytes_moved, Some(4 * 4096)),
            other => panic!("unexpected {other:?}"),
        }
    }

    /// Counts the writes that reach it.
    struct Writes<'a>(&'a mut Vec<usize>);

    impl Write for Writes<'_> {
        fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
            self.0.push(buf.len());
            Ok(buf.len())
        }
        fn flush(&mut self) -> io::Result<()> {
            Ok(())
        }
    }

    /// INIT and one RUN of one cpu task, as process-per-task sends them.
    fn one_task() -> Vec<u8> {
        let spec: WorkloadSpec =
            serde_json::from_str(r#"{"kind":"cpu","iterations":1}"#).expect("a cpu spec");
        let mut input = Vec::new();
        send_to_worker(&mut input, &ToWorker::Init(spec)).expect("written");
        let run = ToWorker::Run {
            first: 0,
            count: 1,
            block: &[],
        };
        send_to_worker(&mut input, &run).expect("written");
        input
    }

    #[test]
    fn answers_leave_in_one_write_once_the_parent_sends_nothing_more_and_one_by_one_before() {
        let mut done_parent = Vec::new();
        let mut answers = Answers::new(Writes(&mut done_parent), || true);
        serve(&mut one_task().as_slice(), &mut answers).expect("served");
        drop(answers);
        // READY, DONE, PEAK and STATS: one wake-up of the parent.
        assert_eq!(done_parent.len(), 1, "{done_parent:?}");
        let mut waiting_parent = Vec::new();
        let mut answers = Answers::new(Writes(&mut waiting_parent), || false);
        serve(&mut one_task().as_slice(), &mut answers).expect("served");
        drop(answers);
        // READY and DONE as they come (the parent may be waiting for them), then the rest.
        assert_eq!(waiting_parent.len(), 3, "{waiting_parent:?}");
        assert_eq!(
            waiting_parent.iter().sum::<usize>(),
            done_parent[0],
            "the same answers"
        );
    }
}
