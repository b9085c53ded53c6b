//! `fault { action, at_task }`: misbehaves on purpose at one task, so a user (and the test
//! suite) can see how each execution model copes with a panicking, crashing or garbled worker.

use super::{Field, Kind, KindInfo, Placement, TaskContext, TaskError, TaskTime, Workload};
use crate::model::Model;
use crate::validation::{FieldPath, ValidationError};
use serde::{Deserialize, Serialize};
use std::time::Duration;

/// What the faulty task does.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum FaultAction {
    /// The task panics.
    Panic,
    /// The task returns an error.
    Error,
    /// The worker process exits with status 3 (process models only).
    Exit,
    /// The worker process kills itself with SIGKILL (process models only).
    Signal,
    /// The worker process writes bytes that are not a protocol frame (process models only).
    Garbage,
    /// The task blocks until the run is stopped.
    Hang,
}

/// Every task but one does nothing; task `at_task` performs `action`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Fault {
    /// The misbehaviour.
    pub action: FaultAction,
    /// Index of the task that misbehaves (0 is the first).
    #[serde(default)]
    pub at_task: u64,
}

impl KindInfo for Fault {
    const NAME: &'static str = "fault";
    const EXPLANATION: &'static str = "Misbehaves at one task (panic, error, exit, signal, garbage on the pipe, hang) to show how each model copes with a failing worker.";

    fn default_params() -> Self {
        Fault {
            action: FaultAction::Panic,
            at_task: 0,
        }
    }

    fn fields(&mut self) -> Vec<Field<'_>> {
        vec![
            Field::choice(
                "action",
                "Action",
                &mut self.action,
                &[
                    (FaultAction::Panic, "panic"),
                    (FaultAction::Error, "error"),
                    (FaultAction::Exit, "exit"),
                    (FaultAction::Signal, "signal"),
                    (FaultAction::Garbage, "garbage"),
                    (FaultAction::Hang, "hang"),
                ],
            ),
            Field::integer("at_task", "At task", &mut self.at_task, 1.0),
        ]
    }
}

impl Kind for Fault {
    fn validate(&self, model: Model, at: &FieldPath) -> Vec<ValidationError> {
        let process_only = matches!(
            self.action,
            FaultAction::Exit | FaultAction::Signal | FaultAction::Garbage
        );
        if process_only && !model.uses_processes() {
            let name = serde_json::to_string(&self.action).unwrap_or_default();
            return vec![ValidationError::new(
                at.key("action"),
                format!(
                    "action {name} would end parlab itself under the {model} model; use it with processes or process-per-task"
                ),
            )];
        }
        Vec::new()
    }

    fn build(&self, _placement: &Placement) -> Result<Box<dyn Workload>, String> {
        Ok(Box::new(self.clone()))
    }

    /// Empty tasks, except that a hang ends the run as stalled.
    fn task_time(&self, _model: Model) -> TaskTime {
        match self.action {
            FaultAction::Hang => TaskTime::Stalls,
            _ => TaskTime::Cpu(0.0),
        }
    }
}

impl Workload for Fault {
    fn run_task(&self, index: u64, ctx: &TaskContext) -> Result<(), TaskError> {
        if index != self.at_task {
            return Ok(());
        }
        match self.action {
            FaultAction::Panic => panic!("fault injected at task {index}"),
            FaultAction::Error => Err(TaskError::Failed(format!("fault injected at task {index}"))),
            FaultAction::Exit => {
                // Said on stderr, which parlab quotes when it reports the worker's exit.
                eprintln!("fault injected at task {index}: exiting with status 3");
                std::process::exit(3)
            }
            FaultAction::Signal => {
                crate::sys::kill_process(std::process::id());
                Ok(())
            }
            FaultAction::Garbage => {
                let _ = crate::sys::write_raw_to_protocol(b"\xffthis is not a parlab frame\n");
                Ok(())
            }
            FaultAction::Hang => {
                while ctx.cancel.sleep(Duration::from_secs(3600)) {}
                Err(TaskError::Cancelled)
            }
        }
    }
}
