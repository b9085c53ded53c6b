//! Speedup and efficiency across the worker counts of a sweep, with their 95 % intervals
//! where the runs have repetitions.

use crate::profile::Model;
use crate::results::verdicts::throughput_ratio;
use crate::results::{RunResult, RunStatus};

/// One worker count of a scaling series.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct ScalingPoint {
    /// Worker count.
    pub workers: usize,
    /// Tasks per second.
    pub throughput: f64,
    /// Throughput relative to the smallest worker count, scaled to that count (1 worker = 1×).
    pub speedup: f64,
    /// `speedup / workers`: 1.0 is perfect scaling.
    pub efficiency: f64,
    /// The 95 % interval of the speedup (low, high), from the repetitions of this run and the
    /// base run; `None` without repetitions (and for the base run itself).
    pub speedup_ci: Option<(f64, f64)>,
}

impl ScalingPoint {
    /// The 95 % interval of the efficiency: the speedup's, divided by the workers.
    pub fn efficiency_ci(&self) -> Option<(f64, f64)> {
        let w = self.workers as f64;
        self.speedup_ci.map(|(lo, hi)| (lo / w, hi / w))
    }
}

/// The runs of one model and workload at different worker counts.
#[derive(Debug, Clone, PartialEq)]
pub struct ScalingSeries {
    /// A name for legends, e.g. `threads · cpu`.
    pub name: String,
    /// The execution model.
    pub model: Model,
    /// Points in increasing worker order.
    pub points: Vec<ScalingPoint>,
}

/// The completed runs of one model and workload at different worker counts: a sweep.
#[derive(Debug, Clone)]
pub struct Sweep<'a> {
    /// A name for legends, e.g. `threads · cpu`.
    pub name: String,
    /// The execution model.
    pub model: Model,
    /// The runs in increasing worker order, one per worker count.
    pub runs: Vec<&'a RunResult>,
}

/// Groups completed closed-loop runs by model and workload and returns every group with at
/// least two worker counts. When a worker count appears more than once, the last run counts.
pub fn sweeps<'a>(runs: impl IntoIterator<Item = &'a RunResult>) -> Vec<Sweep<'a>> {
    // (model, workload as JSON, legend name, runs by worker count)
    type Group<'a> = (Model, String, String, Vec<&'a RunResult>);
    let mut groups: Vec<Group> = Vec::new();
    for run in runs {
        // An open-load run's throughput is its arrival rate's: no point of a scaling curve.
        if run.status != RunStatus::Completed || run.throughput_per_sec <= 0.0 || run.open.is_some()
        {
            continue;
        }
        // A `threads` run's chunk is part of its model: a static split is another curve.
        let chunk = run.chunk.map(|c| c.describe()).unwrap_or_default();
        let key = chunk + &serde_json::to_string(&run.workload).unwrap_or_default();
        let index = match groups.iter().position(|g| g.0 == run.model && g.1 == key) {
            Some(i) => i,
            None => {
                let name = format!("{} · {}", run.model_name(), run.workload.kind());
                groups.push((run.model, key, name, Vec::new()));
                groups.len() - 1
            }
        };
        let members = &mut groups[index].3;
        members.retain(|r| r.workers != run.workers);
        members.push(run);
    }
    groups
        .into_iter()
        .filter(|g| g.3.len() >= 2)
        .map(|(model, _, name, mut runs)| {
            runs.sort_by_key(|r| r.workers);
            Sweep { name, model, runs }
        })
        .collect()
}

/// The speedup and efficiency of every sweep ([`sweeps`]).
///
/// Without repetitions a point's speedup is its throughput over the base's (the smallest
/// worker count), times the base's workers. With repetitions on both sides it is the ratio
/// [`throughput_ratio`] gives (of geometric means, paired by round when both runs have the
/// same complete rounds), the figure the verdicts print, with its 95 % interval.
pub fn scaling<'a>(runs: impl IntoIterator<Item = &'a RunResult>) -> Vec<ScalingSeries> {
    sweeps(runs).iter().map(Sweep::series).collect()
}

impl Sweep<'_> {
    /// Its speedup and efficiency at each worker count.
    pub fn series(&self) -> ScalingSeries {
        let base = self.runs[0];
        ScalingSeries {
            name: self.name.clone(),
            model: self.model,
            points: self.runs.iter().map(|run| point(run, base)).collect(),
        }
    }
}

/// One point of a series: `run` against the series' `base` run.
fn point(run: &RunResult, base: &RunResult) -> ScalingPoint {
    let scale = base.workers as f64;
    let plain = run.throughput_per_sec / base.throughput_per_sec * scale;
    let spread = |r: &RunResult| r.repetitions.len() >= 2;
    let with_ci = (spread(run) && spread(base) && !std::ptr::eq(run, base))
        .then(|| throughput_ratio(run, base, true))
        .flatten()
        .and_then(|r| Some((r.ratio * scale, (r.ci_low? * scale, r.ci_high? * scale))));
    let (speedup, speedup_ci) = match with_ci {
        Some((s, ci)) => (s, Some(ci)),
        None => (plain, None),
    };
    ScalingPoint {
        workers: run.workers,
        throughput: run.throughput_per_sec,
        speedup,
        efficiency: speedup / run.workers as f64,
        speedup_ci,
    }
}
