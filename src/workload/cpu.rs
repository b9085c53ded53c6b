//! `cpu { iterations }`: a deterministic integer-hash loop whose result is consumed.

use super::{Field, Kind, KindInfo, Placement, TaskContext, TaskError, TaskTime, Workload};
use crate::cancel::CancelToken;
use crate::model::Model;
use crate::validation::{FieldPath, ValidationError, check_range};
use serde::{Deserialize, Serialize};

/// CPU-bound work: `iterations` rounds of a 64-bit mixing function.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Cpu {
    /// Rounds per task (about 1–2 ns each on a current core).
    pub iterations: u64,
}

const MAX_ITERATIONS: u64 = 1_000_000_000_000;
/// Rounds between two looks at the stop flag: rare enough to cost nothing measurable.
const CHECK_EVERY: u64 = 1 << 16;

/// Runs the kernel from `seed`; `None` when `cancel` was set midway.
///
/// Each round depends on the previous one (xor-shift, multiply, add), so the loop can be
/// neither vectorised nor folded away; callers pass the result to `black_box`.
pub fn kernel(seed: u64, iterations: u64, cancel: &CancelToken) -> Option<u64> {
    let mut x = seed ^ 0x9E37_79B9_7F4A_7C15;
    let mut done = 0;
    while done < iterations {
        let chunk = (iterations - done).min(CHECK_EVERY);
        for i in 0..chunk {
            x = (x ^ (x >> 29))
                .wrapping_mul(0xBF58_476D_1CE4_E5B9)
                .wrapping_add(i);
        }
        done += chunk;
        if done < iterations && cancel.is_cancelled() {
            return None;
        }
    }
    Some(x)
}

impl KindInfo for Cpu {
    const NAME: &'static str = "cpu";
    const EXPLANATION: &'static str = "CPU-bound work: a 64-bit hash loop, about 1.8 ns per iteration. With as many workers as cores, every model should scale almost linearly; beyond that, workers only queue for the cores.";

    fn default_params() -> Self {
        Cpu { iterations: 60_000 }
    }

    fn fields(&mut self) -> Vec<Field<'_>> {
        vec![
            Field::integer("iterations", "Iterations", &mut self.iterations, 1000.0)
                .help("About 1.8 ns each: 55 000 iterations ≈ 100 µs"),
        ]
    }
}

impl Kind for Cpu {
    fn validate(&self, _model: Model, at: &FieldPath) -> Vec<ValidationError> {
        check_range(at, "iterations", self.iterations, 1..=MAX_ITERATIONS, "")
    }

    fn build(&self, _placement: &Placement) -> Result<Box<dyn Workload>, String> {
        Ok(Box::new(self.clone()))
    }

    fn task_time(&self, _model: Model) -> TaskTime {
        TaskTime::Cpu(super::kernel_seconds(self.iterations))
    }
}

impl Workload for Cpu {
    fn run_task(&self, index: u64, ctx: &TaskContext) -> Result<(), TaskError> {
        match kernel(index, self.iterations, ctx.cancel) {
            Some(x) => {
                std::hint::black_box(x);
                Ok(())
            }
            None => Err(TaskError::Cancelled),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kernel_is_deterministic_and_depends_on_the_work() {
        let c = CancelToken::new();
        assert_eq!(kernel(7, 1000, &c), kernel(7, 1000, &c));
        assert_ne!(kernel(7, 1000, &c), kernel(7, 1001, &c));
        assert_ne!(kernel(7, 1000, &c), kernel(8, 1000, &c));
    }

    #[test]
    fn kernel_stops_when_cancelled() {
        let c = CancelToken::new();
        c.cancel();
        assert_eq!(kernel(1, u64::MAX, &c), None);
    }
}
