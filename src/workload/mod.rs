//! The workload catalogue: what one task does. One file per kind, all behind [`Workload`],
//! so execution models never need to know which kind they run.

mod command;
mod cpu;
mod fault;
mod sleep;

pub use command::Command;
pub use cpu::{Cpu, kernel};
pub use fault::{Fault, FaultAction};
pub use sleep::Sleep;

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

/// One kind of task.
pub trait Workload: Send + Sync {
    /// Problems with the parameters for `model`; `at` is the path of the workload table.
    fn validate(&self, model: Model, at: &FieldPath) -> Vec<ValidationError>;

    /// Runs task number `index`.
    fn run_task(&self, index: u64, ctx: &TaskContext) -> Result<(), TaskError>;

    /// The external programs this workload starts, for the user's consent; none by default.
    fn external_commands(&self) -> Vec<String> {
        Vec::new()
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
    /// Misbehaves on purpose, to see how a model copes with a failing worker.
    Fault(Fault),
}

impl WorkloadSpec {
    /// The kind's name as written in profiles.
    pub fn kind(&self) -> &'static str {
        match self {
            WorkloadSpec::Cpu(_) => "cpu",
            WorkloadSpec::Sleep(_) => "sleep",
            WorkloadSpec::Command(_) => "command",
            WorkloadSpec::Fault(_) => "fault",
        }
    }

    /// The workload behind the spec.
    pub fn workload(&self) -> &dyn Workload {
        match self {
            WorkloadSpec::Cpu(w) => w,
            WorkloadSpec::Sleep(w) => w,
            WorkloadSpec::Command(w) => w,
            WorkloadSpec::Fault(w) => w,
        }
    }

    /// Problems with the parameters for `model`.
    pub fn validate(&self, model: Model, at: &FieldPath) -> Vec<ValidationError> {
        self.workload().validate(model, at)
    }
}
