//! `sleep { ms }`: a blocking wait that stands in for I/O.

use super::{Field, Kind, KindInfo, Placement, TaskContext, TaskError, TaskTime, Workload};
use crate::model::Model;
use crate::validation::{FieldPath, ValidationError};
use serde::{Deserialize, Serialize};
use std::time::Duration;

/// Blocks the worker for `ms` milliseconds without using the CPU.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Sleep {
    /// Milliseconds per task; fractions allowed.
    pub ms: f64,
}

const MAX_MS: f64 = 3_600_000.0;

impl KindInfo for Sleep {
    const NAME: &'static str = "sleep";
    const EXPLANATION: &'static str = "A blocking wait that uses no CPU, standing in for network or disk I/O. Throughput grows with workers far past the core count: waiting does not need a core.";

    fn default_params() -> Self {
        Sleep { ms: 10.0 }
    }

    fn fields(&mut self) -> Vec<Field<'_>> {
        vec![Field::decimal("ms", "Milliseconds", &mut self.ms, 0.5)]
    }
}

impl Kind for Sleep {
    fn validate(&self, _model: Model, at: &FieldPath) -> Vec<ValidationError> {
        if (0.0..=MAX_MS).contains(&self.ms) {
            return Vec::new();
        }
        vec![ValidationError::new(
            at.key("ms"),
            format!("ms must be between 0 and {MAX_MS} (1 h), got {}", self.ms),
        )]
    }

    fn build(&self, _placement: &Placement) -> Result<Box<dyn Workload>, String> {
        Ok(Box::new(self.clone()))
    }

    /// The wait, plus the kernel's timer slack (50 µs by default) and the wake-up.
    fn task_time(&self, _model: Model) -> TaskTime {
        TaskTime::Wait(self.ms / 1000.0 + SLACK_S)
    }
}

/// What a sleep overshoots by on Linux: the default timer slack (50 µs) and a wake-up.
const SLACK_S: f64 = 60e-6;

impl Workload for Sleep {
    fn run_task(&self, _index: u64, ctx: &TaskContext) -> Result<(), TaskError> {
        if ctx.cancel.sleep(Duration::from_secs_f64(self.ms / 1000.0)) {
            Ok(())
        } else {
            Err(TaskError::Cancelled)
        }
    }
}
