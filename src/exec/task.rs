//! Running one task body with its panic caught, so a panicking task fails its run, not parlab.

use crate::workload::{TaskContext, TaskError, Workload};
use std::cell::Cell;
use std::panic::{AssertUnwindSafe, catch_unwind};

thread_local! {
    static IN_TASK: Cell<bool> = const { Cell::new(false) };
}

/// True while the current thread runs a task body. A panic hook can use it to stay quiet
/// about task panics, which parlab reports as the run's error instead.
pub fn in_task() -> bool {
    IN_TASK.with(Cell::get)
}

/// Task indices from here up are warm-up tasks, so a fault at task 0 does not fire during warm-up.
pub const WARMUP_BASE: u64 = 1 << 63;

/// Runs task `index`, turning a panic into [`TaskError::Failed`].
#[inline]
pub fn run_guarded(
    workload: &dyn Workload,
    index: u64,
    ctx: &TaskContext,
) -> Result<(), TaskError> {
    IN_TASK.with(|f| f.set(true));
    let outcome = catch_unwind(AssertUnwindSafe(|| workload.run_task(index, ctx)));
    IN_TASK.with(|f| f.set(false));
    outcome.unwrap_or_else(|payload| {
        Err(TaskError::Failed(format!(
            "panicked: {}",
            panic_message(&*payload)
        )))
    })
}

/// The text of a panic payload.
pub fn panic_message(payload: &(dyn std::any::Any + Send)) -> String {
    if let Some(s) = payload.downcast_ref::<&str>() {
        (*s).to_string()
    } else if let Some(s) = payload.downcast_ref::<String>() {
        s.clone()
    } else {
        "unknown panic".to_string()
    }
}
