//! `spawn {}`: an empty task, so what is measured is the execution model itself.

use super::{Field, Kind, KindInfo, Placement, TaskContext, TaskError, TaskTime, Workload};
use crate::model::Model;
use crate::validation::{FieldPath, ValidationError};
use serde::{Deserialize, Serialize};

/// Does nothing.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Spawn {}

impl KindInfo for Spawn {
    const NAME: &'static str = "spawn";
    const EXPLANATION: &'static str = "An empty task: with the per-task models, the pure cost of creating a thread versus a process; with the pool models, the bookkeeping cost per task.";

    fn default_params() -> Self {
        Spawn {}
    }

    fn fields(&mut self) -> Vec<Field<'_>> {
        Vec::new()
    }
}

impl Kind for Spawn {
    fn validate(&self, _model: Model, _at: &FieldPath) -> Vec<ValidationError> {
        Vec::new()
    }

    fn build(&self, _placement: &Placement) -> Result<Box<dyn Workload>, String> {
        Ok(Box::new(self.clone()))
    }

    /// Nothing: the model's own cost per task is the whole task.
    fn task_time(&self, _model: Model) -> TaskTime {
        TaskTime::Cpu(0.0)
    }
}

impl Workload for Spawn {
    fn run_task(&self, _index: u64, _ctx: &TaskContext) -> Result<(), TaskError> {
        Ok(())
    }
}
