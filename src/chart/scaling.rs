//! Scaling: speedup and efficiency vs workers for each model that ran a sweep, with the ideal
//! and, where a scaling law could be fitted (`crate::analysis::fit`), its curve (a faint line
//! of the sweep's colour, never past twice the largest worker count fitted) and its peak N*.

use super::{Axis, ChartData, ChartRun, DODGE, LegendAt, Markers, Series, Weight, dodge};
use crate::analysis::fit::{SweepFit, fit_sweep};
use crate::analysis::{ScalingPoint, ScalingSeries, sweeps};

const NO_SWEEP: &str =
    "No sweep: scaling needs one model and workload at two or more worker counts.";

/// Points on the ideal line, so a dashed line has dashes all along it.
const IDEAL_STEPS: u32 = 40;

/// Points on a fitted curve.
const FIT_STEPS: u32 = 60;

/// Speedup vs workers, with the ideal line (speedup = workers); fits judged without knowing
/// the host's cores unless the runs carry their own `host` ([`speedup_on`]).
pub fn speedup(runs: &[ChartRun]) -> ChartData {
    speedup_on(runs, None)
}

/// Efficiency (speedup ÷ workers) vs workers, with the ideal line (1) ([`efficiency_on`]).
pub fn efficiency(runs: &[ChartRun]) -> ChartData {
    efficiency_on(runs, None)
}

/// Speedup vs workers, the fits judged against `cores` logical cores (the results' host),
/// as the results file's `fits` are.
pub fn speedup_on(runs: &[ChartRun], cores: Option<usize>) -> ChartData {
    let mut data = panel(
        runs,
        cores,
        "Speedup vs workers",
        ("speedup (× one worker)", "×"),
        |p| (p.speedup, p.speedup_ci),
        |w| w,
    );
    // Above the ideal line, top left, nothing is drawn; top right the error bars of the
    // largest worker count reach up under the legend.
    if data.series.iter().any(|s| !s.whiskers.is_empty()) {
        data.legend = LegendAt::UpperLeft;
    }
    data
}

/// Efficiency vs workers, the fits judged against `cores` logical cores.
pub fn efficiency_on(runs: &[ChartRun], cores: Option<usize>) -> ChartData {
    panel(
        runs,
        cores,
        "Efficiency (speedup ÷ workers)",
        ("efficiency", ""),
        |p| (p.efficiency, p.efficiency_ci()),
        |_| 1.0,
    )
}

/// Curve `n` with its points' `value` and, where they have one, their interval as bars.
fn curve_series(
    n: usize,
    curve: &ScalingSeries,
    value: impl Fn(&ScalingPoint) -> (f64, Option<(f64, f64)>),
) -> Series {
    Series {
        name: curve.name.clone(),
        part: None,
        color: Some(n as u64),
        points: curve
            .points
            .iter()
            .map(|p| [p.workers as f64, value(p).0])
            .collect(),
        weight: Weight::Bold,
        markers: Markers::Large,
        legend: true,
        whiskers: curve
            .points
            .iter()
            .filter_map(|p| Some((p.workers as f64, value(p).1?)))
            .map(|(w, (lo, hi))| [w, lo, hi])
            .collect(),
    }
}

/// A sweep as the panel draws it: its points and, when a law was fitted, the fit and the
/// base run's throughput and workers (to turn fitted throughput into speedup).
struct Curve {
    series: ScalingSeries,
    fit: Option<(SweepFit, f64, f64)>,
}

impl Curve {
    /// The fitted speedup at `n`.
    fn fitted(&self, n: f64) -> Option<f64> {
        let (fit, base_x, base_n) = self.fit.as_ref()?;
        Some(fit.throughput(n)? / base_x * base_n)
    }

    /// Where the fitted curve ends: the largest point, or past it up to just beyond N*
    /// when the peak lies within reach; never past twice the largest worker count fitted.
    fn end(&self, largest: f64) -> Option<f64> {
        let (fit, _, _) = self.fit.as_ref()?;
        let n_star = fit.usl().and_then(|u| u.n_star).unwrap_or(0.0);
        Some(largest.max(n_star * 1.15).min(fit.reach()).max(1.0))
    }
}

/// The sweeps of `runs`, one per (model, workload, origin): runs loaded from a results file
/// are never joined with runs measured in the app into one line. A sweep of a loaded file
/// is named with the file when the chart also has others.
fn curves(runs: &[ChartRun], cores: Option<usize>) -> Vec<Curve> {
    let mut origins: Vec<Option<&str>> = Vec::new();
    for r in runs {
        if !origins.contains(&r.origin) {
            origins.push(r.origin);
        }
    }
    let several = origins.len() > 1;
    origins
        .into_iter()
        .flat_map(|origin| {
            let mine = runs.iter().filter(move |r| r.origin == origin);
            sweeps(mine.map(|r| r.result))
                .into_iter()
                .map(move |mut sweep| {
                    if let (true, Some(o)) = (several, origin) {
                        sweep.name = format!("{} [{o}]", sweep.name);
                    }
                    sweep
                })
                .collect::<Vec<_>>()
        })
        .map(|sweep| {
            let fit = fit_sweep(&sweep, cores);
            let base = sweep.runs[0];
            Curve {
                series: sweep.series(),
                fit: (!fit.laws.is_empty()).then_some((
                    fit,
                    base.throughput_per_sec,
                    base.workers as f64,
                )),
            }
        })
        .collect()
}

/// The faint fitted line of curve `n` and its N* marker, in the panel's units (`per_n`:
/// speedup → the value shown).
fn fit_series(
    n: usize,
    curve: &Curve,
    largest: f64,
    per_n: &dyn Fn(f64, f64) -> f64,
) -> Vec<Series> {
    let (Some(end), Some((fit, _, _))) = (curve.end(largest), curve.fit.as_ref()) else {
        return Vec::new();
    };
    let start = curve
        .series
        .points
        .first()
        .map_or(1.0, |p| p.workers as f64)
        .min(1.0);
    let law = if fit.usl().is_some() {
        "USL fit"
    } else {
        "Amdahl fit"
    };
    let line = Series {
        name: curve.series.name.clone(),
        part: Some(law),
        color: Some(n as u64),
        points: (0..=FIT_STEPS)
            .map(|i| start + (end - start) * f64::from(i) / f64::from(FIT_STEPS))
            .filter_map(|w| Some([w, per_n(w, curve.fitted(w)?)]))
            .collect(),
        weight: Weight::Faint,
        markers: Markers::None,
        legend: false,
        whiskers: Vec::new(),
    };
    let peak = fit.usl().and_then(|u| u.n_star).filter(|&s| s <= end);
    let marker = peak.and_then(|s| {
        Some(Series {
            name: format!("{}: peak N* = {s:.1}", curve.series.name),
            part: None,
            color: Some(n as u64),
            points: vec![[s, per_n(s, curve.fitted(s)?)]],
            weight: Weight::Faint,
            markers: Markers::Large,
            legend: true,
            whiskers: Vec::new(),
        })
    });
    std::iter::once(line).chain(marker).collect()
}

/// The ideal line from 0 to `max_workers`.
fn ideal_series(max_workers: f64, ideal: &impl Fn(f64) -> f64) -> Series {
    Series {
        name: "ideal".into(),
        part: None,
        color: None,
        points: (0..=IDEAL_STEPS)
            .map(|i| max_workers * f64::from(i) / f64::from(IDEAL_STEPS))
            .map(|w| [w, ideal(w)])
            .collect(),
        weight: Weight::Reference,
        markers: Markers::None,
        legend: true,
        whiskers: Vec::new(),
    }
}

fn panel(
    runs: &[ChartRun],
    cores: Option<usize>,
    caption: &str,
    (y_label, y_unit): (&'static str, &'static str),
    value: impl Fn(&ScalingPoint) -> (f64, Option<(f64, f64)>),
    ideal: impl Fn(f64) -> f64,
) -> ChartData {
    let curves = curves(runs, cores);
    let largest = curves
        .iter()
        .flat_map(|c| c.series.points.iter().map(|p| p.workers))
        .max()
        .unwrap_or(1) as f64;
    let per_n = |w: f64, s: f64| {
        value(&ScalingPoint {
            workers: 1,
            throughput: 0.0,
            speedup: s,
            efficiency: s / w,
            speedup_ci: None,
        })
        .0
    };
    let fitted: Vec<Series> = curves
        .iter()
        .enumerate()
        .flat_map(|(n, c)| fit_series(n, c, largest, &per_n))
        .collect();
    let max_workers = fitted
        .iter()
        .map(|s| super::max_of(std::slice::from_ref(s), 0))
        .fold(largest, f64::max);
    let y_max = curves
        .iter()
        .flat_map(|c| c.series.points.iter().map(&value))
        .map(|(v, ci)| ci.map_or(v, |(_, hi)| v.max(hi)))
        .chain(fitted.iter().flat_map(|s| s.points.iter().map(|p| p[1])))
        .fold(ideal(max_workers), f64::max)
        * 1.1;
    let mut series: Vec<Series> = (!curves.is_empty())
        .then(|| ideal_series(max_workers, &ideal))
        .into_iter()
        .collect();
    series.extend(fitted);
    series.extend(
        curves
            .iter()
            .enumerate()
            .map(|(n, curve)| curve_series(n, &curve.series, &value)),
    );
    dodge(&mut series, max_workers * DODGE);
    let bars = series.iter().any(|s| !s.whiskers.is_empty());
    let fits = series.iter().any(|s| s.weight == Weight::Faint);
    let notes = [
        bars.then(|| "bars: 95 % interval from the repetitions".to_string()),
        fits.then(|| "faint line: fitted scaling law (USL, else Amdahl)".to_string()),
    ];
    ChartData {
        caption: caption.into(),
        detail: None,
        notes: notes.into_iter().flatten().collect(),
        x: Axis {
            ticks: (max_workers as usize + 1).min(12),
            ..Axis::linear("workers", "workers", 0.0, max_workers * 1.05)
        },
        y: Axis::linear(y_label, y_unit, 0.0, y_max),
        series,
        heatmap: None,
        legend: LegendAt::UpperRight,
        nothing: NO_SWEEP,
    }
    .clamped()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::results::{Results, RunResult};

    fn sweep(throughput: impl Fn(f64) -> f64, ns: &[usize]) -> Vec<RunResult> {
        let text = include_str!("../../tests/golden/results-v1.json");
        let run = Results::from_json(text, "golden").unwrap().runs[0].clone();
        ns.iter()
            .map(|&n| RunResult {
                label: format!("w{n}"),
                workers: n,
                throughput_per_sec: throughput(n as f64),
                repetitions: Vec::new(),
                host: None,
                ..run.clone()
            })
            .collect()
    }

    fn chart_runs(runs: &[RunResult]) -> Vec<ChartRun<'_>> {
        runs.iter()
            .map(|r| ChartRun {
                color: 0,
                name: r.label.as_str().into(),
                origin: None,
                result: r,
            })
            .collect()
    }

    #[test]
    fn the_fitted_curve_and_its_peak_are_drawn_within_reach() {
        // USL λ = 100, σ = 0.02, κ = 0.01: N* = √(0.98 / 0.01) ≈ 9.9, past the 8 measured.
        let usl = |n: f64| 100.0 * n / (1.0 + 0.02 * (n - 1.0) + 0.01 * n * (n - 1.0));
        let runs = sweep(usl, &[1, 2, 3, 4, 6, 8]);
        let data = speedup(&chart_runs(&runs));
        let line = data
            .series
            .iter()
            .find(|s| s.part == Some("USL fit"))
            .unwrap();
        let end = line.points.last().unwrap()[0];
        assert!(
            end > 9.9 && end <= 16.0,
            "ends past N* and within 2 × 8: {end}"
        );
        let peak = data
            .series
            .iter()
            .find(|s| s.name.contains("peak N*"))
            .unwrap();
        assert!((peak.points[0][0] - 9.9).abs() < 0.1, "{peak:?}");
        assert!(
            (peak.points[0][1] - usl(9.9) / 100.0).abs() < 0.05,
            "{peak:?}"
        );
        assert!(data.x.range.end >= end);
        assert!(data.notes.iter().any(|n| n.starts_with("faint line")));
        // Two worker counts: no fit, drawn as before.
        let runs = sweep(usl, &[1, 2]);
        let data = speedup(&chart_runs(&runs));
        assert!(data.series.iter().all(|s| s.weight != Weight::Faint));
        assert!(data.notes.is_empty());
    }
}
