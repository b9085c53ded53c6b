//! `spawn {}`: an empty task, so what is measured is the execution model itself.

use super::{Kind, Placement, TaskContext, TaskError, Workload};
use crate::profile::{FieldPath, Model, ValidationError};
use serde::{Deserialize, Serialize};

/// Does nothing.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Spawn {}

impl Kind for Spawn {
    fn validate(&self, _model: Model, _at: &FieldPath) -> Vec<ValidationError> {
        Vec::new()
    }

    fn build(&self, _placement: &Placement) -> Result<Box<dyn Workload>, String> {
        Ok(Box::new(self.clone()))
    }
}

impl Workload for Spawn {
    fn run_task(&self, _index: u64, _ctx: &TaskContext) -> Result<(), TaskError> {
        Ok(())
    }
}
