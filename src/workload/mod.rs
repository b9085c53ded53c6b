//! The workload catalogue: what one task does. One file per kind. Each kind's parameters
//! implement [`Kind`] (validation, and building a fresh [`Workload`] for a run); the runner
//! only ever sees [`Workload`], so adding a kind never touches the execution models.

#[macro_use]
mod registry;

mod command;
mod contention;
mod cpu;
mod fault;
mod fields;
mod file_io;
mod memory;
mod python;
mod python_version;
mod sleep;
mod spawn;
mod stats;
mod task_time;
mod transfer;
mod waits;

pub use contention::LockKind;
pub use cpu::{Sizes, kernel};
pub use fault::FaultAction;
pub use fields::{Choose, Field, OneOf, Value};
pub use memory::Pattern;
pub use registry::{KindInfo, KindVisitor};
pub use stats::WorkloadStats;
pub use task_time::{KERNEL_NS_PER_ITERATION, TaskTime, kernel_seconds};
pub use waits::{WAIT_SLOTS, Waits};

// The one list of kinds, in menu order: a new kind is its file, its `mod` line above and
// one line here.
kinds! {
    /// A deterministic integer-hash kernel: CPU-bound work.
    Cpu(cpu::Cpu),
    /// A blocking wait: stands in for I/O.
    Sleep(sleep::Sleep),
    /// Runs an external program per task.
    Command(command::Command),
    /// Reads a buffer: memory bandwidth, and how much memory each model holds.
    Memory(memory::Memory),
    /// Writes and reads a file: real blocking I/O.
    FileIo(file_io::FileIo),
    /// Updates shared state under a lock (or without one): the cost of sharing.
    Contention(contention::Contention),
    /// Does nothing: the pure cost of the execution model.
    Spawn(spawn::Spawn),
    /// Reads a block of data that processes receive through the pipe: the cost of IPC.
    Transfer(transfer::Transfer),
    /// Runs `task(i)` from Python code: the GIL, measured.
    Python(python::Python),
    /// Misbehaves on purpose, to see how a model copes with a failing worker.
    Fault(fault::Fault),
}

/// `bytes` held once per worker process, or once for every worker thread together.
fn per_process(model: Model, workers: usize, bytes: u64) -> u64 {
    if model.uses_processes() {
        bytes.saturating_mul(workers as u64)
    } else {
        bytes
    }
}

use crate::cancel::CancelToken;
use crate::model::Model;
use crate::process::children::RunId;
use crate::validation::{FieldPath, ValidationError};
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
    /// The lock waits the task reported (the `contention` kind), for its lane's `waiting`
    /// spans; `None` (one word to set up and to check) for a task that never waited.
    pub waits: std::cell::Cell<Option<Waits>>,
}

impl<'a> TaskContext<'a> {
    /// A context for tasks of run `run`.
    pub fn new(cancel: &'a CancelToken, run: RunId, input: &'a [u8]) -> Self {
        Self {
            cancel,
            run,
            input,
            reported: std::cell::Cell::new(None),
            waits: std::cell::Cell::new(None),
        }
    }

    /// Reports that the task waited for a lock from `from` to `to`.
    #[cold]
    pub fn report_wait(&self, from: std::time::Instant, to: std::time::Instant) {
        let mut waits = self.waits.take().unwrap_or_default();
        waits.push(from, to);
        self.waits.set(Some(waits));
    }

    /// True when the task reported a wait not yet taken: the one check a task that did not
    /// wait costs its worker.
    #[inline(always)]
    pub fn waited(&self) -> bool {
        self.waits.get().is_some()
    }

    /// The waits the task reported, if any, leaving none.
    #[inline]
    pub fn take_waits(&self) -> Option<Waits> {
        self.waits.take()
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

    /// `python`: the version of the interpreter that ran the tasks; `None` for other kinds.
    fn python_version(&self) -> Option<String> {
        None
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

    /// The size each task works on, for messages (`memory 4 GiB each`); `None` by default.
    fn size_bytes(&self) -> Option<u64> {
        None
    }

    /// How long one task takes under `model`, for the estimate before a start; unknown by
    /// default, so that a new kind never claims a figure it has not earned.
    fn task_time(&self, _model: Model) -> TaskTime {
        TaskTime::Unknown
    }
}

impl WorkloadSpec {
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
        self.params().size_bytes()
    }

    /// How long one task takes under `model`, as far as that can be told before running.
    pub fn task_time(&self, model: Model) -> TaskTime {
        self.params().task_time(model)
    }

    /// The workload as a run of `tasks` tasks (`None`: a timed run) runs it: a `cpu`
    /// workload with `sizes = "increasing"` carries the count (see [`Cpu::for_run`]); every
    /// other one is unchanged.
    pub fn for_run(&self, tasks: Option<u64>) -> WorkloadSpec {
        match self {
            WorkloadSpec::Cpu(cpu) => WorkloadSpec::Cpu(cpu.for_run(tasks)),
            other => other.clone(),
        }
    }
}
