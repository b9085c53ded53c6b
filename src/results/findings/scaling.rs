//! `scaling`: how close to ideal each sweep over worker counts scaled, its efficiency at the
//! largest count, and where adding workers stopped helping (the knee: the first count after
//! which the next one was not faster, judged with the intervals).

use super::measure::{Facts, pct};
use super::{Finding, Severity};
use crate::results::RunResult;

/// Efficiency at or above this at the largest count is "close to ideal" (info); below, the
/// finding is a notice.
pub const GOOD_EFFICIENCY: f64 = 0.8;

/// One finding per sweep of at least two worker counts.
pub fn find(facts: &Facts) -> Vec<Finding> {
    facts
        .sweeps()
        .into_iter()
        .filter_map(|sweep| one(facts, &sweep))
        .collect()
}

fn one(facts: &Facts, sweep: &[&RunResult]) -> Option<Finding> {
    let (first, top) = (sweep[0], sweep[sweep.len() - 1]);
    let last = point(facts, top, first)?;
    let knee = knee(facts, sweep);
    let what = format!("{} · {}", first.model_name(), first.workload.kind());
    let ci = last
        .efficiency_ci()
        .map(|(lo, hi)| format!(" (95 % CI {}–{})", pct(lo), pct(hi)))
        .unwrap_or_default();
    let mut text = format!(
        "{what} reached a speedup of {:.2}× with {} workers (ideal {}×): efficiency {}{ci}.",
        last.speedup,
        last.workers,
        last.workers,
        pct(last.efficiency)
    );
    let title = match knee {
        Some((k, change)) => {
            let next = sweep
                .iter()
                .position(|r| r.workers == k)
                .map(|i| sweep[i + 1])?;
            text.push_str(&format!(
                " Adding workers stopped helping at {k}: {} workers gave {} the throughput of {k}.",
                next.workers,
                change.describe()
            ));
            format!(
                "{what} stopped scaling at {k} worker{}",
                if k == 1 { "" } else { "s" }
            )
        }
        None => format!(
            "{what} scaled to {} workers at {} efficiency",
            last.workers,
            pct(last.efficiency)
        ),
    };
    let severity = if last.efficiency >= GOOD_EFFICIENCY {
        Severity::Info
    } else {
        Severity::Notice
    };
    let mut f = Finding::new("scaling", severity, title, text)
        .runs(sweep.iter().map(|r| r.label.as_str()))
        .figure("workers", top.workers as f64)
        .figure("speedup", last.speedup)
        .figure("efficiency", last.efficiency);
    if let Some((lo, hi)) = last.efficiency_ci() {
        f = f
            .figure("efficiency_ci_low", lo)
            .figure("efficiency_ci_high", hi);
    }
    if let Some((k, _)) = knee {
        f = f.figure("knee_workers", k as f64);
    }
    Some(f)
}

/// Speedup and efficiency of `run` against the sweep's `base` (scaled to its workers).
struct Point {
    workers: usize,
    speedup: f64,
    efficiency: f64,
    ci: Option<(f64, f64)>,
}

impl Point {
    fn efficiency_ci(&self) -> Option<(f64, f64)> {
        let w = self.workers as f64;
        self.ci.map(|(lo, hi)| (lo / w, hi / w))
    }
}

/// As the scaling chart computes it (`analysis::scaling`): the throughput ratio with its
/// interval, times the base's workers.
fn point(facts: &Facts, run: &RunResult, base: &RunResult) -> Option<Point> {
    let scale = base.workers as f64;
    let r = facts.change(run, base)?.0;
    let speedup = r.ratio * scale;
    Some(Point {
        workers: run.workers,
        speedup,
        efficiency: speedup / run.workers as f64,
        ci: r
            .ci_low
            .zip(r.ci_high)
            .map(|(lo, hi)| (lo * scale, hi * scale)),
    })
}

/// The first worker count whose next count was not faster, with that change.
fn knee(facts: &Facts, sweep: &[&RunResult]) -> Option<(usize, super::measure::Change)> {
    sweep.windows(2).find_map(|w| {
        let change = facts.change(w[1], w[0])?;
        change.no_gain().then_some((w[0].workers, change))
    })
}
