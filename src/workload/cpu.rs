//! `cpu { iterations, sizes }`: a deterministic integer-hash loop whose result is consumed;
//! task sizes fixed, drawn from a distribution with the same mean or rising with the index
//! (per task index, so the same task always has the same size, whatever model or worker
//! runs it).

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
    /// The run's task count, which `sizes = "increasing"` rises over: never written in a
    /// profile, filled in by the planner ([`Cpu::for_run`]) so that it travels with the
    /// workload to worker processes and is kept in the results.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub run_tasks: Option<u64>,
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
    /// Rising with the index over the run's `tasks` (n): task i runs
    /// `round(2 × iterations × (i + ½) / n)` rounds, the rows of a triangular loop, the
    /// textbook case for static against dynamic scheduling (OpenMP `schedule(static)` vs
    /// `dynamic`). Split in W contiguous ranges, worker w gets (2w + 1) / W² of the work: a
    /// load balance of W / (2W − 1) (0.67 at 2 workers, 0.57 at 4) on any machine. Needs
    /// `tasks` (a count, closed loop); warm-up tasks run the mean.
    Increasing,
}

impl Sizes {
    /// True for the default.
    pub fn is_fixed(&self) -> bool {
        *self == Sizes::Fixed
    }

    /// The rounds of task `index` for a mean of `mean` over a run of `tasks` tasks: a
    /// function of the index (and, for `increasing`, the count) alone. `increasing` runs the
    /// mean for an index outside `0..tasks` (warm-up) or without a count.
    pub fn iterations(self, index: u64, mean: u64, tasks: Option<u64>) -> u64 {
        let u = unit(index);
        let m = mean as f64;
        let x = match self {
            Sizes::Fixed => return mean,
            Sizes::Increasing => match tasks {
                Some(n) if index < n => 2.0 * m * (index as f64 + 0.5) / n as f64,
                _ => return mean,
            },
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
            run_tasks: None,
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
                    (Sizes::Increasing, "increasing"),
                ],
            )
            .help(
                "How task sizes vary around the mean `iterations` (per task index); \
                 `increasing` rises linearly over the run's tasks",
            ),
        ]
    }
}

impl Kind for Cpu {
    fn validate(&self, _model: Model, at: &FieldPath) -> Vec<ValidationError> {
        let mut errors = check_range(at, "iterations", self.iterations, 1..=MAX_ITERATIONS, "");
        if self.run_tasks.is_some() {
            errors.push(ValidationError::new(
                at.key("run_tasks"),
                "run_tasks is filled in by parlab from the run's tasks: remove it",
            ));
        }
        errors
    }

    fn build(&self, _placement: &Placement) -> Result<Box<dyn Workload>, String> {
        if self.sizes == Sizes::Increasing && self.run_tasks.is_none() {
            return Err(
                "sizes = \"increasing\" rises over the run's tasks, and this run has no task \
                 count: set tasks"
                    .to_string(),
            );
        }
        Ok(Box::new(self.clone()))
    }

    fn task_time(&self, _model: Model) -> TaskTime {
        TaskTime::Cpu(super::kernel_seconds(self.iterations))
    }
}

impl Cpu {
    /// The workload as a run of `tasks` tasks (`None`: a timed run) runs it: with
    /// `sizes = "increasing"` it carries the count its sizes rise over; otherwise unchanged,
    /// so that its results stay as they were.
    pub fn for_run(&self, tasks: Option<u64>) -> Cpu {
        Cpu {
            run_tasks: tasks.filter(|_| self.sizes == Sizes::Increasing),
            ..self.clone()
        }
    }
}

impl Workload for Cpu {
    fn run_task(&self, index: u64, ctx: &TaskContext) -> Result<(), TaskError> {
        let rounds = self
            .sizes
            .iterations(index, self.iterations, self.run_tasks);
        match kernel(index, rounds, ctx.cancel) {
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
            Sizes::Increasing,
        ] {
            let sum: u64 = (0..n).map(|i| sizes.iterations(i, 10_000, Some(n))).sum();
            let mean = sum as f64 / n as f64;
            // The 80/20 Pareto's sample mean converges slowly (1.5 % off at 200 000).
            assert!(
                (mean / 10_000.0 - 1.0).abs() < 0.03,
                "{sizes:?}: mean {mean}"
            );
            assert_eq!(
                sizes.iterations(77, 10_000, Some(n)),
                sizes.iterations(77, 10_000, Some(n))
            );
        }
        let max = (0..n)
            .map(|i| Sizes::Pareto.iterations(i, 10_000, Some(n)))
            .max();
        assert!(max > Some(200_000), "pareto has a heavy tail: {max:?}");
    }

    /// The rounds of `increasing` tasks `range` of a run of `n`, at a mean of 10 000.
    fn increasing(range: std::ops::Range<u64>, n: u64) -> u64 {
        range
            .map(|i| Sizes::Increasing.iterations(i, 10_000, Some(n)))
            .sum()
    }

    #[test]
    fn increasing_sizes_rise_linearly_with_the_mean_iterations() {
        for n in [1, 2, 7, 100, 401, 1000] {
            let mean = increasing(0..n, n) as f64 / n as f64;
            assert!(
                (mean / 10_000.0 - 1.0).abs() < 1e-3,
                "{n} tasks: mean {mean}"
            );
        }
        let sizes: Vec<u64> = (0..4)
            .map(|i| Sizes::Increasing.iterations(i, 10_000, Some(4)))
            .collect();
        assert_eq!(sizes, [2_500, 7_500, 12_500, 17_500]);
        assert_eq!(
            Sizes::Increasing.iterations(0, 10, Some(1000)),
            1,
            "at least 1"
        );
        // Warm-up tasks (numbered past the run's) and a run without a count: the mean.
        assert_eq!(
            Sizes::Increasing.iterations(1 << 63, 10_000, Some(4)),
            10_000
        );
        assert_eq!(Sizes::Increasing.iterations(3, 10_000, None), 10_000);
    }

    #[test]
    fn increasing_sizes_split_statically_leave_workers_idle() {
        // Two contiguous halves hold a quarter and three quarters of the work (400 tasks
        // of a mean of 10 000: whole sizes, 50 i + 25, so exactly).
        let (first, second) = (increasing(0..200, 400), increasing(200..400, 400));
        assert_eq!(first * 3, second);
        let (first, second) = (increasing(0..500, 1000), increasing(500..1000, 1000));
        assert!((second as f64 / first as f64 - 3.0).abs() < 1e-3);
        // W contiguous shares: mean over max busy is W / (2W − 1).
        for (workers, n) in [(2u64, 800u64), (4, 800), (4, 80)] {
            let shares: Vec<u64> = (0..workers)
                .map(|w| increasing(n * w / workers..n * (w + 1) / workers, n))
                .collect();
            let max = *shares.iter().max().unwrap_or(&1) as f64;
            let balance = shares.iter().sum::<u64>() as f64 / workers as f64 / max;
            let expected = workers as f64 / (2 * workers - 1) as f64;
            assert!(
                (balance - expected).abs() < 0.01,
                "{workers} workers, {n} tasks: {balance}"
            );
        }
    }

    #[test]
    fn only_increasing_sizes_carry_the_run_s_task_count() {
        let mut cpu = Cpu::default_params();
        assert_eq!(cpu.for_run(Some(800)), cpu, "fixed: unchanged");
        cpu.sizes = Sizes::Increasing;
        assert!(cpu.build(&placement()).is_err(), "no count: refused");
        let planned = cpu.for_run(Some(800));
        assert_eq!(planned.run_tasks, Some(800));
        assert!(planned.build(&placement()).is_ok());
        let at = FieldPath::root();
        assert_eq!(cpu.validate(Model::Threads, &at), []);
        let errors = planned.validate(Model::Threads, &at);
        assert!(
            errors[0].to_string().contains("run_tasks is filled in"),
            "{errors:?}"
        );
    }

    fn placement() -> Placement {
        Placement {
            model: Model::Threads,
            workers: 1,
            runs_tasks: true,
            run: 0,
        }
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
