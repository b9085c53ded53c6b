//! Scaling laws fitted to a sweep (one model and workload over worker counts): Amdahl's
//! serial fraction, Gunther's Universal Scalability Law and the Karp–Flatt metric, with what
//! the fit cannot know (full cores, super-linear speedup) said as notes.
//!
//! Pure functions on measured runs: no I/O. [`fits`] is what a results file's `fits` list
//! holds; the scaling chart draws [`SweepFit::curve`].
//!
//! Both laws are fitted to the measured throughputs X(N) (mean over the repetitions), by
//! weighted least squares with weights 1 / var(mean) = n / sd² of each point's repetitions
//! (all 1 when a point has fewer than two repetitions or no spread). The 95 % intervals are
//! the usual asymptotic ones: `p ± t(0.975, m − k) · √(s² · [(JᵀWJ)⁻¹]ⱼⱼ)` with
//! `s² = Σ wᵢ rᵢ² / (m − k)` (m points, k parameters): the residuals' scatter, so a curve that
//! fits badly gets wide intervals even when the repetitions agree. A bound (σ, κ ≥ 0) cuts
//! an interval at 0.

mod amdahl;
mod describe;
mod karp_flatt;
mod lsq;
mod usl;

#[cfg(test)]
mod tests;

pub use amdahl::Amdahl;
pub use karp_flatt::{KarpFlatt, karp_flatt};
pub use usl::{Peak, Regime, Usl};

use crate::profile::Model;
use crate::results::RunResult;
use crate::results::scaling::{Sweep, sweeps};
use crate::results::verdicts::measured;
use serde::{Deserialize, Serialize};

/// A point's workers each used at least this much of a core (CPU seconds per wall second,
/// median over the points up to the core count with more than one worker): the work is
/// CPU-bound.
pub const CPU_BOUND: f64 = 0.75;

/// Amdahl needs at least this many distinct worker counts (two parameters and one degree of
/// freedom for the interval).
pub const AMDAHL_MIN_POINTS: usize = 3;

/// The USL needs at least this many distinct worker counts (three parameters and two
/// degrees of freedom).
pub const USL_MIN_POINTS: usize = 5;

/// A fitted value with its 95 % interval (absent when the fit has no degree of freedom
/// left or its matrix is singular).
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct Estimate {
    /// The fitted value.
    pub value: f64,
    /// Lower end of the 95 % interval.
    pub ci_low: Option<f64>,
    /// Upper end of the 95 % interval.
    pub ci_high: Option<f64>,
}

impl Estimate {
    /// Whether `v` lies inside the interval (false without one).
    pub fn covers(&self, v: f64) -> bool {
        matches!((self.ci_low, self.ci_high), (Some(lo), Some(hi)) if lo <= v && v <= hi)
    }
}

/// One law fitted to a sweep, tagged by `model` in JSON (`"usl"` or `"amdahl"`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "model", rename_all = "lowercase")]
pub enum Law {
    /// Gunther's Universal Scalability Law.
    Usl(Usl),
    /// Amdahl's law.
    Amdahl(Amdahl),
}

/// What the laws say about one sweep (an entry of a results file's `fits`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SweepFit {
    /// The sweep's name, as the scaling chart's legend writes it (`threads · cpu`).
    pub series: String,
    /// The execution model of its runs.
    pub execution_model: Model,
    /// The labels of its runs, in increasing worker order.
    pub runs: Vec<String>,
    /// The host's logical cores the fit was judged against, when known.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cores: Option<usize>,
    /// The largest worker count fitted (the core count for CPU-bound work past it).
    pub fitted_up_to: usize,
    /// The laws that could be fitted (Amdahl first, then the USL).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub laws: Vec<Law>,
    /// Why a law was not fitted, as sentences.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub not_fitted: Vec<String>,
    /// The Karp–Flatt serial fraction of each point with more than one worker.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub karp_flatt: Vec<KarpFlatt>,
    /// What the fit cannot know, as sentences (full cores, super-linear speedup, a peak
    /// beyond the measured range).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub notes: Vec<String>,
}

impl SweepFit {
    /// The USL fit, if any.
    pub fn usl(&self) -> Option<&Usl> {
        self.laws.iter().find_map(|l| match l {
            Law::Usl(u) => Some(u),
            Law::Amdahl(_) => None,
        })
    }

    /// The Amdahl fit, if any.
    pub fn amdahl(&self) -> Option<&Amdahl> {
        self.laws.iter().find_map(|l| match l {
            Law::Amdahl(a) => Some(a),
            Law::Usl(_) => None,
        })
    }

    /// The fitted throughput at `n` workers: the USL's when fitted, else Amdahl's.
    pub fn throughput(&self, n: f64) -> Option<f64> {
        match (self.usl(), self.amdahl()) {
            (Some(u), _) => Some(u.throughput(n)),
            (None, Some(a)) => Some(a.throughput(n)),
            (None, None) => None,
        }
    }

    /// The largest worker count a curve may be drawn to: twice the largest fitted.
    pub fn reach(&self) -> f64 {
        2.0 * self.fitted_up_to as f64
    }
}

/// One measured point as the fits see it.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Point {
    /// Workers.
    pub n: usize,
    /// Mean throughput.
    pub x: f64,
    /// Variance of that mean (sd² / n), when the repetitions have spread.
    pub var: Option<f64>,
    /// CPU seconds per wall second per worker.
    pub cpu_per_worker: Option<f64>,
}

impl Point {
    fn of(run: &RunResult) -> Self {
        let xs: Vec<f64> = measured(run).map(|r| r.throughput_per_sec).collect();
        let var = crate::stats::Summary::of(&xs)
            .filter(|s| s.n >= 2 && s.sd > 0.0)
            .map(|s| s.sd * s.sd / s.n as f64);
        let cpu = run.process.user_s + run.process.sys_s;
        Point {
            n: run.workers,
            x: run.throughput_per_sec,
            var,
            cpu_per_worker: (run.wall_seconds > 0.0 && run.workers > 0)
                .then(|| cpu / run.wall_seconds / run.workers as f64),
        }
    }
}

/// The fits of every sweep among `runs`, judged against `cores` logical cores (the host's;
/// a run measured elsewhere brings its own `host`).
pub fn fits(runs: &[RunResult], cores: Option<usize>) -> Vec<SweepFit> {
    sweeps(runs).iter().map(|s| fit_sweep(s, cores)).collect()
}

/// The fits of one sweep.
pub fn fit_sweep(sweep: &Sweep, cores: Option<usize>) -> SweepFit {
    let cores = sweep
        .runs
        .iter()
        .find_map(|r| r.host.as_ref().map(|h| h.logical_cpus))
        .or(cores);
    let points: Vec<Point> = sweep.runs.iter().map(|r| Point::of(r)).collect();
    let mut notes = Vec::new();
    let fitted = match cores.and_then(|c| cpu_bound_past(&points, c)) {
        Some((c, used)) => {
            let kept: Vec<Point> = points.iter().copied().filter(|p| p.n <= c).collect();
            notes.push(format!(
                "CPU-bound: each worker kept about {used:.2} of a core busy, so past the host's \
                 {c} logical cores the curve flattens because the cores are full, not because of \
                 contention; the laws are fitted to the {} worker counts up to {c} only.",
                kept.len()
            ));
            kept
        }
        None => points.clone(),
    };
    notes.extend(superlinear_note(&sweep.series().points));
    let mut laws = Vec::new();
    let mut not_fitted = Vec::new();
    match amdahl::fit(&fitted) {
        Ok(a) => laws.push(Law::Amdahl(a)),
        Err(why) => not_fitted.push(why),
    }
    match usl::fit(&fitted) {
        Ok((u, note)) => {
            notes.extend(note);
            laws.push(Law::Usl(u));
        }
        Err(why) => not_fitted.push(why),
    }
    SweepFit {
        series: sweep.name.clone(),
        execution_model: sweep.model,
        runs: sweep.runs.iter().map(|r| r.label.clone()).collect(),
        cores,
        fitted_up_to: fitted.iter().map(|p| p.n).max().unwrap_or(0),
        laws,
        not_fitted,
        karp_flatt: karp_flatt(&sweep.series().points),
        notes,
    }
}

/// `Some((cores, CPU per worker))` when the work is CPU-bound (the points up to `cores` with
/// more than one worker, or all up to `cores` when there are none, used at least
/// [`CPU_BOUND`] of a core per worker, median) and the sweep goes past `cores`.
fn cpu_bound_past(points: &[Point], cores: usize) -> Option<(usize, f64)> {
    if !points.iter().any(|p| p.n > cores) {
        return None;
    }
    // One worker keeps a core busy whatever the work (a lone mutex holder computes all the
    // time): judge by the points with workers to share with, where there are any.
    let within: Vec<&Point> = points.iter().filter(|p| p.n <= cores).collect();
    let shared: Vec<&Point> = within.iter().copied().filter(|p| p.n > 1).collect();
    let judged = if shared.is_empty() { within } else { shared };
    let mut used: Vec<f64> = judged.iter().filter_map(|p| p.cpu_per_worker).collect();
    if used.is_empty() {
        return None;
    }
    used.sort_by(f64::total_cmp);
    let mid = used.len() / 2;
    let median = if used.len().is_multiple_of(2) {
        (used[mid - 1] + used[mid]) / 2.0
    } else {
        used[mid]
    };
    (median >= CPU_BOUND).then_some((cores, median))
}

/// Speedup more than 5 % above the worker count (and above it beyond the interval, where
/// there is one) is super-linear: said, never clamped.
fn superlinear_note(points: &[crate::results::scaling::ScalingPoint]) -> Option<String> {
    let over = points.iter().filter(|p| p.workers > 1).find(|p| {
        let n = p.workers as f64;
        p.speedup > 1.05 * n && p.speedup_ci.is_none_or(|(lo, _)| lo > n)
    })?;
    Some(format!(
        "Super-linear: {} workers gave {:.2}× the throughput of one (more than {}×); this is \
         reported as measured, not clamped. Work that waits (sleep, I/O) or fits better in the \
         caches can do this; the USL (σ, κ ≥ 0) and Amdahl's law describe at most linear \
         scaling.",
        over.workers, over.speedup, over.workers
    ))
}

/// The estimates of a least-squares solution over `m` points: intervals from the residuals'
/// scatter with t(0.975, m − k), k the free parameters; cut at each parameter's bound.
fn estimates(sol: &lsq::Solution, m: usize, free: [bool; 3], scale: [f64; 3]) -> [Estimate; 3] {
    let k = free.iter().filter(|f| **f).count();
    let df = m.saturating_sub(k);
    let t = crate::stats::t_critical(df as f64);
    let s2 = if df > 0 {
        sol.cost / df as f64
    } else {
        f64::NAN
    };
    std::array::from_fn(|j| {
        let value = sol.p[j] * scale[j];
        let half = match (free[j], t, sol.cov) {
            (true, Some(t), Some(cov)) if cov[j][j] >= 0.0 && s2.is_finite() => {
                Some(t * (s2 * cov[j][j]).sqrt() * scale[j])
            }
            _ => None,
        };
        let floor = if j == 0 { f64::MIN_POSITIVE } else { 0.0 };
        Estimate {
            value,
            ci_low: half.map(|h| (value - h).max(floor)),
            ci_high: half.map(|h| value + h),
        }
    })
}

/// The points as least-squares data: throughputs over the largest (so the numbers are near
/// 1), weighted by 1 / var(mean) when every point has spread, else all alike. Returns the
/// data, the scale and whether it is weighted.
fn data(points: &[Point]) -> (lsq::Data, f64, bool) {
    let scale = points
        .iter()
        .map(|p| p.x)
        .fold(0.0, f64::max)
        .max(f64::MIN_POSITIVE);
    let weighted = points.iter().all(|p| p.var.is_some_and(|v| v > 0.0));
    let w = points
        .iter()
        .map(|p| match (weighted, p.var) {
            (true, Some(v)) => scale * scale / v,
            _ => 1.0,
        })
        .collect();
    let data = lsq::Data {
        n: points.iter().map(|p| p.n as f64).collect(),
        y: points.iter().map(|p| p.x / scale).collect(),
        w,
    };
    (data, scale, weighted)
}

/// Distinct worker counts among `points` (a sweep has one point per count already).
fn distinct(points: &[Point]) -> usize {
    let mut ns: Vec<usize> = points.iter().map(|p| p.n).collect();
    ns.dedup();
    ns.len()
}
