//! `cpu { iterations, sizes }`: a deterministic integer-hash loop whose result is consumed;
//! task sizes fixed or drawn from a distribution with the same mean (per task index, so the
//! same task always has the same size, whatever model or worker runs it).

use super::{Field, Kind, KindInfo, Placement, TaskContext, TaskError, TaskTime, Workload};
use crate::cancel::CancelToken;
use crate::model::Model;
use crate::validation::{FieldPath, ValidationError, check_range};
use serde::{Deserialize, Serialize};

/// CPU-bound work: `iterations` rounds of a 64-bit mixing function.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Cpu {
    /// Rounds per task (about 1–2 ns each on a current core): the mean when `sizes` varies.
    pub iterations: u64,
    /// How task sizes vary around `iterations` (`fixed` when absent).
    #[serde(default, skip_serializing_if = "Sizes::is_fixed")]
    pub sizes: Sizes,
}

/// The distribution of task sizes of a `cpu` workload, each with mean `iterations`.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Sizes {
    /// Every task runs `iterations` rounds.
    #[default]
    Fixed,
    /// Uniform over `0 .. 2 × iterations`.
    Uniform,
    /// Exponential with mean `iterations`: many short tasks, a few long ones.
    Exponential,
    /// Pareto with shape 1.16 (the 80/20 rule: a fifth of the tasks hold four fifths of
    /// the work), capped at 1000 × the mean: most tasks short, a rare one a hundred times
    /// the mean, the skew that leaves statically split workers idle. A few hundred tasks
    /// may average well below the mean (their sum is ruled by the rare long ones).
    Pareto,
}

impl Sizes {
    /// True for the default.
    pub fn is_fixed(&self) -> bool {
        *self == Sizes::Fixed
    }

    /// The rounds of task `index` for a mean of `mean`: a function of the index alone.
    pub fn iterations(self, index: u64, mean: u64) -> u64 {
        let u = unit(index);
        let m = mean as f64;
        let x = match self {
            Sizes::Fixed => return mean,
            Sizes::Uniform => 2.0 * m * u,
            Sizes::Exponential => -m * (1.0 - u).ln(),
            Sizes::Pareto => {
                (m * PARETO_XM * (1.0 - u).powf(-1.0 / PARETO_SHAPE)).min(PARETO_CAP * m)
            }
        };
        (x.round() as u64).max(1)
    }
}

/// The Pareto shape of `sizes = "pareto"` (80/20).
const PARETO_SHAPE: f64 = 1.16;
/// Its cap, in means.
const PARETO_CAP: f64 = 1000.0;
/// Its scale, in means: solves `E[min(X, cap)] = 1` for that shape and cap (checked by
/// the `pareto_scale_keeps_the_mean` test).
const PARETO_XM: f64 = 0.175_972_586_979_089_74;

/// A uniform number in `[0, 1)` from a task index (splitmix64), with no shared state.
fn unit(index: u64) -> f64 {
    let mut z = index.wrapping_add(0x9E37_79B9_7F4A_7C15);
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^= z >> 31;
    (z >> 11) as f64 / (1u64 << 53) as f64
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
        Cpu {
            iterations: 60_000,
            sizes: Sizes::Fixed,
        }
    }

    fn fields(&mut self) -> Vec<Field<'_>> {
        vec![
            Field::integer("iterations", "Iterations", &mut self.iterations, 1000.0)
                .help("About 1.8 ns each: 55 000 iterations ≈ 100 µs"),
            Field::choice(
                "sizes",
                "Task sizes",
                &mut self.sizes,
                &[
                    (Sizes::Fixed, "fixed"),
                    (Sizes::Uniform, "uniform"),
                    (Sizes::Exponential, "exponential"),
                    (Sizes::Pareto, "pareto"),
                ],
            )
            .help("How task sizes vary around the mean `iterations` (per task index)"),
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
        match kernel(
            index,
            self.sizes.iterations(index, self.iterations),
            ctx.cancel,
        ) {
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
    fn sizes_keep_the_mean_and_depend_on_the_index_alone() {
        let n = 200_000u64;
        for sizes in [
            Sizes::Fixed,
            Sizes::Uniform,
            Sizes::Exponential,
            Sizes::Pareto,
        ] {
            let sum: u64 = (0..n).map(|i| sizes.iterations(i, 10_000)).sum();
            let mean = sum as f64 / n as f64;
            // The 80/20 Pareto's sample mean converges slowly (1.5 % off at 200 000).
            assert!(
                (mean / 10_000.0 - 1.0).abs() < 0.03,
                "{sizes:?}: mean {mean}"
            );
            assert_eq!(sizes.iterations(77, 10_000), sizes.iterations(77, 10_000));
        }
        let max = (0..n).map(|i| Sizes::Pareto.iterations(i, 10_000)).max();
        assert!(max > Some(200_000), "pareto has a heavy tail: {max:?}");
    }

    #[test]
    fn pareto_scale_keeps_the_mean() {
        // E[min(X, c)] = x_m + x_m^a (c^(1-a) - x_m^(1-a)) / (1 - a) for a Pareto(x_m, a).
        let (x, a, c) = (PARETO_XM, PARETO_SHAPE, PARETO_CAP);
        let mean = x + x.powf(a) * (c.powf(1.0 - a) - x.powf(1.0 - a)) / (1.0 - a);
        assert!((mean - 1.0).abs() < 1e-9, "{mean}");
    }

    #[test]
    fn kernel_stops_when_cancelled() {
        let c = CancelToken::new();
        c.cancel();
        assert_eq!(kernel(1, u64::MAX, &c), None);
    }
}
