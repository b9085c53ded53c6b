//! What the rules read from the runs: CPU used, the machine's free cores, sweeps over worker
//! counts, and throughput changes judged with their intervals ([`Change`]).

use crate::model::Host as ModelHost;
use crate::profile::{Model, Order};
use crate::results::verdicts::throughput_ratio;
use crate::results::{Host, RunResult, RunStatus};
use crate::stats::{Ratio, Verdict};

/// Without a verdict (fewer than 3 repetitions a side), a gain or a loss counts only when the
/// ratio is at least this far from 1 (25 %): one repetition's spread on a busy machine is
/// easily 10 %.
pub const UNTESTED_CHANGE: f64 = 1.25;

/// Without a verdict, "no gain" is said only when the ratio is below this (10 %).
pub const UNTESTED_NO_GAIN: f64 = 1.10;

/// Workers "used the CPU they could get" when their CPU was at least this share of
/// min(workers, free cores): below it they waited.
pub const BUSY_SHARE: f64 = 0.75;

/// What the rules see: the runs, the machine and how the repetitions were ordered.
pub struct Facts<'a> {
    /// Every run of the results, in order.
    pub runs: &'a [RunResult],
    /// The machine the results were measured on.
    pub host: &'a Host,
    /// True when repetitions ran interleaved (ratios are then paired by round).
    pub interleaved: bool,
}

impl<'a> Facts<'a> {
    /// The facts of `runs` measured on `host`.
    pub fn new(runs: &'a [RunResult], host: &'a Host, order: Order) -> Self {
        Self {
            runs,
            host,
            interleaved: order == Order::Interleaved,
        }
    }

    /// Logical CPUs of the machine `run` ran on.
    pub fn logical(&self, run: &RunResult) -> f64 {
        run.host.as_ref().unwrap_or(self.host).logical_cpus.max(1) as f64
    }

    /// Cores other programs left to `run` (logical CPUs minus their CPU), at least 0.5.
    pub fn free_cores(&self, run: &RunResult) -> f64 {
        (self.logical(run) - foreign(run)).max(0.5)
    }

    /// True when `run`'s workers used at least [`BUSY_SHARE`] of the CPU they could get.
    pub fn busy(&self, run: &RunResult) -> bool {
        let could = (run.workers as f64).min(self.free_cores(run));
        cores(run).is_some_and(|c| c >= BUSY_SHARE * could)
    }

    /// `a`'s throughput against `b`'s; `None` when either had an open load (its arrival
    /// rate, not the model, set its throughput).
    pub fn change(&self, a: &RunResult, b: &RunResult) -> Option<Change> {
        if !closed(a) || !closed(b) {
            return None;
        }
        throughput_ratio(a, b, self.interleaved).map(Change)
    }

    /// Completed runs of one model and workload, by increasing worker count (the last run
    /// of a count wins), for every such group with at least two worker counts.
    pub fn sweeps(&self) -> Vec<Vec<&'a RunResult>> {
        let mut groups: Vec<Vec<&RunResult>> = Vec::new();
        for run in self.runs.iter().filter(|r| measured(r) && closed(r)) {
            match groups
                .iter_mut()
                .find(|g| g[0].same_model(run) && g[0].workload == run.workload)
            {
                Some(g) => {
                    g.retain(|r| r.workers != run.workers);
                    g.push(run);
                }
                None => groups.push(vec![run]),
            }
        }
        groups.retain(|g| g.len() >= 2);
        for g in &mut groups {
            g.sort_by_key(|r| r.workers);
        }
        groups
    }

    /// Cores' worth of CPU that no program used and `run`'s workers could have had (one
    /// core each), left idle: what tells waiting from having no core to run on.
    pub fn idle_cores(&self, run: &RunResult) -> Option<f64> {
        let free = self.logical(run) - foreign(run);
        Some((run.workers as f64).min(free) - cores(run)?)
    }

    /// `sweep` split at the machine's logical CPUs: `(logical CPUs, index of N₀, the runs
    /// past the cores)`, N₀ being the largest count within them; `None` unless the sweep has
    /// counts on both sides.
    pub fn past_cores<'s>(
        &self,
        sweep: &'s [&'a RunResult],
    ) -> Option<(f64, usize, &'s [&'a RunResult])> {
        let logical = self.logical(sweep.first()?);
        let within = sweep.iter().rposition(|r| r.workers as f64 <= logical)?;
        let beyond = &sweep[within + 1..];
        (!beyond.is_empty()).then_some((logical, within, beyond))
    }

    /// The completed closed-loop runs of the same workload and worker count as `run` under
    /// another model (or `chunk`).
    pub fn same_work(&self, run: &'a RunResult) -> impl Iterator<Item = &'a RunResult> {
        self.runs.iter().filter(move |r| {
            measured(r)
                && closed(r)
                && r.workload == run.workload
                && r.workers == run.workers
                && !r.same_model(run)
        })
    }
}

/// True for a run that completed with some throughput.
pub fn measured(run: &RunResult) -> bool {
    run.status == RunStatus::Completed && run.throughput_per_sec > 0.0
}

/// True for a closed-loop run (no `arrival_rate`): its throughput is the model's to compare.
/// An open run's throughput is its arrival rate's, up to saturation.
pub fn closed(run: &RunResult) -> bool {
    run.open.is_none()
}

/// Cores' worth of CPU parlab and its children used during `run`: (user + sys) / wall.
pub fn cores(run: &RunResult) -> Option<f64> {
    let used = run.process.user_s + run.process.sys_s;
    (run.wall_seconds > 0.0 && used.is_finite()).then(|| used / run.wall_seconds)
}

/// CPU used per worker, in cores (1.0: each worker computed all the time).
pub fn cpu_per_worker(run: &RunResult) -> Option<f64> {
    cores(run).map(|c| c / run.workers.max(1) as f64)
}

/// Cores' worth of CPU other programs used during `run` (0 when not measured).
pub fn foreign(run: &RunResult) -> f64 {
    run.foreign_cpu_cores.unwrap_or(0.0).max(0.0)
}

/// True for models whose workers are threads of parlab's process.
pub fn in_threads(model: Model) -> bool {
    model.host() == ModelHost::Threads
}

/// True for the models that start a new worker for every task.
pub fn per_task(model: Model) -> bool {
    matches!(model, Model::ThreadPerTask | Model::ProcessPerTask)
}

/// `run`'s label with its model and workers when the label does not say them.
pub fn name(run: &RunResult) -> String {
    format!("{} ({} ×{})", run.label, run.model_name(), run.workers)
}

/// A time given in µs as people read it: `850 µs`, `13 ms`, `2.4 s`.
pub fn duration(us: f64) -> String {
    match us {
        _ if us < 1_000.0 => format!("{us:.0} µs"),
        _ if us < 10_000.0 => format!("{:.1} ms", us / 1e3),
        _ if us < 1e6 => format!("{:.0} ms", us / 1e3),
        _ => format!("{:.2} s", us / 1e6),
    }
}

/// A percentage with no decimals ("93 %").
pub fn pct(x: f64) -> String {
    format!("{:.0} %", x * 100.0)
}

/// One throughput against another, judged with its interval.
#[derive(Debug, Clone, Copy)]
pub struct Change(pub Ratio);

impl Change {
    /// The ratio a/b.
    pub fn ratio(&self) -> f64 {
        self.0.ratio
    }

    /// True when a verdict could be drawn (3 repetitions a side, an interval).
    pub fn tested(&self) -> bool {
        self.0.verdict().is_some()
    }

    /// `a` is faster: significantly, or by [`UNTESTED_CHANGE`] without a verdict.
    pub fn gain(&self) -> bool {
        match self.0.verdict() {
            Some(v) => v == Verdict::Faster,
            None => self.ratio() >= UNTESTED_CHANGE,
        }
    }

    /// `a` is slower: significantly, or by [`UNTESTED_CHANGE`] without a verdict.
    pub fn loss(&self) -> bool {
        match self.0.verdict() {
            Some(v) => v == Verdict::Slower,
            None => self.ratio() <= 1.0 / UNTESTED_CHANGE,
        }
    }

    /// `a` is not faster: not significantly, or by less than [`UNTESTED_NO_GAIN`] without a
    /// verdict.
    pub fn no_gain(&self) -> bool {
        match self.0.verdict() {
            Some(v) => v != Verdict::Faster,
            None => self.ratio() < UNTESTED_NO_GAIN,
        }
    }

    /// "1.92× (95 % CI 1.85–1.99)", or with "not tested" when no verdict could be drawn.
    pub fn describe(&self) -> String {
        let r = self.ratio();
        match (self.tested(), self.0.ci_low, self.0.ci_high) {
            (true, Some(lo), Some(hi)) => format!(
                "{r:.2}× (95 % CI {})",
                crate::stats::sentence::interval(lo, hi)
            ),
            _ => format!("{r:.2}× (fewer than 3 repetitions: not tested for significance)"),
        }
    }

    /// The figures of this change for the evidence, prefixed by `name`.
    pub fn add_to(&self, finding: super::Finding, name: &str) -> super::Finding {
        let mut f = finding.figure(name, self.ratio());
        if let (true, Some(lo), Some(hi)) = (self.tested(), self.0.ci_low, self.0.ci_high) {
            f = f
                .figure(&format!("{name}_ci_low"), lo)
                .figure(&format!("{name}_ci_high"), hi);
        }
        f
    }
}
