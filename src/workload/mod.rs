//! The workload catalogue: what one task does. One file per kind. Each kind's parameters
//! implement [`Kind`] (validation, and building a fresh [`Workload`] for a run); the runner
//! only ever sees [`Workload`], so adding a kind never touches the execution models.

mod command;
mod contention;
mod cpu;
mod fault;
mod file_io;
mod memory;
mod python;
mod sleep;
mod spawn;
mod stats;
mod transfer;

pub use command::Command;
pub use contention::{Contention, LockKind};
pub use cpu::{Cpu, kernel};
pub use fault::{Fault, FaultAction};
pub use file_io::FileIo;
pub use memory::{Memory, Pattern};
pub use python::Python;
pub use sleep::Sleep;
pub use spawn::Spawn;
pub use stats::WorkloadStats;
pub use transfer::Transfer;

/// `bytes` held once per worker process, or once for every worker thread together.
fn per_process(model: Model, workers: usize, bytes: u64) -> u64 {
    if model.uses_processes() {
        bytes.saturating_mul(workers as u64)
    } else {
        bytes
    }
}

use crate::exec::cancel::CancelToken;
use crate::exec::children::RunId;
use crate::profile::{FieldPath, Model, ValidationError};
use serde::{Deserialize, Serialize};

/// What a task body needs from the runner.
pub struct TaskContext<'a> {
    /// Set when the run is being stopped; long tasks check it and give up.
    pub cancel: &'a CancelToken,
    /// The run, so child processes a task starts can be killed with it.
    pub run: RunId,
    /// Data sent with the task through the pipe (process models of the `transfer` kind);
    /// empty otherwise.
    pub input: &'a [u8],
    /// A latency the task measured itself (the `python` kind times `task(i)` inside the
    /// interpreter), used instead of parlab's own measurement around the call.
    pub reported: std::cell::Cell<Option<u64>>,
}

impl<'a> TaskContext<'a> {
    /// A context for tasks of run `run`.
    pub fn new(cancel: &'a CancelToken, run: RunId, input: &'a [u8]) -> Self {
        Self {
            cancel,
            run,
            input,
            reported: std::cell::Cell::new(None),
        }
    }

    /// Reports the task's own latency in nanoseconds.
    pub fn report_latency(&self, ns: u64) {
        self.reported.set(Some(ns));
    }

    /// The latency to record: the task's own report, else `measured`.
    pub fn latency(&self, measured: u64) -> u64 {
        self.reported.take().unwrap_or(measured)
    }
}

/// Why a task did not complete.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum TaskError {
    /// The task failed; the message says why.
    #[error("{0}")]
    Failed(String),
    /// The run was stopped while the task ran.
    #[error("stopped")]
    Cancelled,
}

/// A workload instance for one run (in-process models) or one worker process; it may hold
/// state the tasks share (a buffer, a counter, locks).
pub trait Workload: Send + Sync {
    /// Runs task number `index`.
    fn run_task(&self, index: u64, ctx: &TaskContext) -> Result<(), TaskError>;

    /// Bytes the parent sends with each task in the process models; 0 for most kinds.
    fn payload_bytes(&self) -> usize {
        0
    }

    /// The block the parent copies into the pipe for each task (`payload_bytes` long).
    fn payload(&self) -> &[u8] {
        &[]
    }

    /// Figures only this kind measures (lost updates, bytes moved), so far.
    fn stats(&self) -> WorkloadStats {
        WorkloadStats::default()
    }

    /// Called once in the parent when the run is over, to remove what the tasks left.
    fn cleanup(&self) {}

    /// Peak resident memory, in bytes, of the programs this workload started (an external
    /// command, an interpreter); 0 for workloads that start none.
    fn external_peak_rss(&self) -> u64 {
        0
    }
}

/// Where a workload instance will run tasks.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Placement {
    /// The run's execution model.
    pub model: Model,
    /// How many workers share this instance: the run's worker count in-process, 1 in a
    /// worker process.
    pub workers: usize,
    /// False for the parent of the process models, whose instance runs no task.
    pub runs_tasks: bool,
    /// The run, so programs the instance starts are killed with it (0 in a worker process).
    pub run: RunId,
}

/// What one run of a workload is expected to hold at its peak, estimated before it starts
/// so a run that would exhaust the machine can be refused (see `profile::check_needs`).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Needs {
    /// Memory the workload's buffers take, in bytes (the workers' own code not included).
    pub memory_bytes: u64,
    /// Temporary disk space, in bytes.
    pub disk_bytes: u64,
}

/// The parameters of one kind, as written in a profile.
pub trait Kind {
    /// Problems with the parameters for `model`; `at` is the path of the workload table.
    fn validate(&self, model: Model, at: &FieldPath) -> Vec<ValidationError>;

    /// A fresh instance with fresh shared state, for tasks run as `placement` says.
    fn build(&self, placement: &Placement) -> Result<Box<dyn Workload>, String>;

    /// The external programs this workload starts, for the user's consent; none by default.
    fn external_commands(&self) -> Vec<String> {
        Vec::new()
    }

    /// What a run of `workers` workers under `model` holds at its peak; nothing to speak of
    /// by default.
    fn estimate(&self, _model: Model, _workers: usize) -> Needs {
        Needs::default()
    }
}

/// The `[run.workload]` table: a kind and its parameters.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "kebab-case")]
pub enum WorkloadSpec {
    /// A deterministic integer-hash kernel: CPU-bound work.
    Cpu(Cpu),
    /// A blocking wait: stands in for I/O.
    Sleep(Sleep),
    /// Runs an external program per task.
    Command(Command),
    /// Reads a buffer: memory bandwidth, and how much memory each model holds.
    Memory(Memory),
    /// Writes and reads a file: real blocking I/O.
    FileIo(FileIo),
    /// Updates shared state under a lock (or without one): the cost of sharing.
    Contention(Contention),
    /// Does nothing: the pure cost of the execution model.
    Spawn(Spawn),
    /// Reads a block of data that processes receive through the pipe: the cost of IPC.
    Transfer(Transfer),
    /// Runs `task(i)` from Python code: the GIL, measured.
    Python(Python),
    /// Misbehaves on purpose, to see how a model copes with a failing worker.
    Fault(Fault),
}

impl WorkloadSpec {
    /// Every kind's name, in menu order.
    pub const KINDS: [&'static str; 10] = [
        "cpu",
        "sleep",
        "command",
        "memory",
        "file-io",
        "contention",
        "spawn",
        "transfer",
        "python",
        "fault",
    ];

    /// The kind's name as written in profiles.
    pub fn kind(&self) -> &'static str {
        match self {
            WorkloadSpec::Cpu(_) => "cpu",
            WorkloadSpec::Sleep(_) => "sleep",
            WorkloadSpec::Command(_) => "command",
            WorkloadSpec::Memory(_) => "memory",
            WorkloadSpec::FileIo(_) => "file-io",
            WorkloadSpec::Contention(_) => "contention",
            WorkloadSpec::Spawn(_) => "spawn",
            WorkloadSpec::Transfer(_) => "transfer",
            WorkloadSpec::Python(_) => "python",
            WorkloadSpec::Fault(_) => "fault",
        }
    }

    /// The kind's parameters.
    pub fn params(&self) -> &dyn Kind {
        match self {
            WorkloadSpec::Cpu(w) => w,
            WorkloadSpec::Sleep(w) => w,
            WorkloadSpec::Command(w) => w,
            WorkloadSpec::Memory(w) => w,
            WorkloadSpec::FileIo(w) => w,
            WorkloadSpec::Contention(w) => w,
            WorkloadSpec::Spawn(w) => w,
            WorkloadSpec::Transfer(w) => w,
            WorkloadSpec::Python(w) => w,
            WorkloadSpec::Fault(w) => w,
        }
    }

    /// Problems with the parameters for `model`.
    pub fn validate(&self, model: Model, at: &FieldPath) -> Vec<ValidationError> {
        self.params().validate(model, at)
    }

    /// A fresh workload instance.
    pub fn build(&self, placement: &Placement) -> Result<Box<dyn Workload>, String> {
        self.params().build(placement)
    }

    /// The external programs this workload starts.
    pub fn external_commands(&self) -> Vec<String> {
        self.params().external_commands()
    }

    /// What a run of `workers` workers under `model` holds at its peak.
    pub fn estimate(&self, model: Model, workers: usize) -> Needs {
        self.params().estimate(model, workers)
    }

    /// The size each task works on, for messages (`memory 4 GiB each`); `None` for kinds
    /// without one.
    pub fn size_bytes(&self) -> Option<u64> {
        match self {
            WorkloadSpec::Memory(w) => Some(w.bytes),
            WorkloadSpec::FileIo(w) => Some(w.bytes),
            WorkloadSpec::Transfer(w) => Some(w.bytes),
            _ => None,
        }
    }

    /// Default parameters of kind `name` (for editors).
    pub fn default_of(name: &str) -> Option<Self> {
        Some(match name {
            "cpu" => WorkloadSpec::Cpu(Cpu { iterations: 60_000 }),
            "sleep" => WorkloadSpec::Sleep(Sleep { ms: 10.0 }),
            "command" => WorkloadSpec::Command(Command {
                argv: vec!["/bin/true".into()],
            }),
            "memory" => WorkloadSpec::Memory(Memory {
                bytes: 64 << 20,
                pattern: Pattern::Sequential,
            }),
            "file-io" => WorkloadSpec::FileIo(FileIo {
                bytes: 64 << 10,
                fsync: false,
            }),
            "contention" => WorkloadSpec::Contention(Contention {
                lock: LockKind::Mutex,
                critical_iterations: 1000,
            }),
            "spawn" => WorkloadSpec::Spawn(Spawn {}),
            "transfer" => WorkloadSpec::Transfer(Transfer { bytes: 1 << 20 }),
            "python" => WorkloadSpec::Python(Python {
                code: "def task(i):\n    s = 0\n    for x in range(200_000):\n        s += x * x\n    return s\n".into(),
                interpreter: "python3".into(),
            }),
            "fault" => WorkloadSpec::Fault(Fault {
                action: FaultAction::Panic,
                at_task: 0,
            }),
            _ => return None,
        })
    }

    /// One paragraph on what the kind makes measurable (shown in the app).
    pub fn explanation(name: &str) -> &'static str {
        match name {
            "cpu" => {
                "CPU-bound work: a 64-bit hash loop, about 1.8 ns per iteration. With as many workers as cores, every model should scale almost linearly; beyond that, workers only queue for the cores."
            }
            "sleep" => {
                "A blocking wait that uses no CPU, standing in for network or disk I/O. Throughput grows with workers far past the core count: waiting does not need a core."
            }
            "command" => {
                "Runs an external program per task (no shell): the cost of creating a process and loading a program, about half a millisecond here."
            }
            "memory" => {
                "Reads a buffer of `bytes` per task, sequentially or at random. Memory bandwidth is shared by all cores, so it scales worse than CPU work; threads share one buffer while each process holds its own copy (watch peak RSS grow with process workers)."
            }
            "file-io" => {
                "Writes `bytes` to a file in a temporary folder, optionally fsyncs, reads it back and deletes it: real blocking I/O, where threads keep scaling past the core count while the disk keeps up."
            }
            "contention" => {
                "Each task updates one shared counter, doing `critical_iterations` of work while holding the lock. A mutex serialises the workers and throughput collapses as they grow; sharded counters scale; `unsynchronized` reads, works, then writes and loses updates (counted as lost_updates); `lock-order` takes two locks in opposite orders and deadlocks. Processes each have their own counter: no sharing, no races."
            }
            "spawn" => {
                "An empty task: with the per-task models, the pure cost of creating a thread versus a process; with the pool models, the bookkeeping cost per task."
            }
            "transfer" => {
                "Reads `bytes` of data per task. Threads read one shared buffer; processes receive a copy through the pipe with every task, so the overhead per task shows the IPC cost in µs per MB."
            }
            _ => {
                "Misbehaves at one task (panic, error, exit, signal, garbage on the pipe, hang) to show how each model copes with a failing worker."
            }
        }
    }
}
