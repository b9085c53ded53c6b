//! Scaling: speedup and efficiency vs workers for each model that ran a sweep, with the ideal.

use super::{Axis, ChartData, ChartRun, DODGE, LegendAt, Markers, Series, Weight, dodge};
use crate::analysis::{ScalingPoint, ScalingSeries, scaling};

const NO_SWEEP: &str =
    "No sweep: scaling needs one model and workload at two or more worker counts.";

/// Points on the ideal line, so a dashed line has dashes all along it.
const IDEAL_STEPS: u32 = 40;

/// Speedup vs workers, with the ideal line (speedup = workers).
pub fn speedup(runs: &[ChartRun]) -> ChartData {
    let mut data = panel(
        runs,
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

/// Efficiency (speedup ÷ workers) vs workers, with the ideal line (1).
pub fn efficiency(runs: &[ChartRun]) -> ChartData {
    panel(
        runs,
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

fn panel(
    runs: &[ChartRun],
    caption: &str,
    (y_label, y_unit): (&'static str, &'static str),
    value: impl Fn(&ScalingPoint) -> (f64, Option<(f64, f64)>),
    ideal: impl Fn(f64) -> f64,
) -> ChartData {
    let curves: Vec<ScalingSeries> = scaling(runs.iter().map(|r| r.result));
    let max_workers = curves
        .iter()
        .flat_map(|c| c.points.iter().map(|p| p.workers))
        .max()
        .unwrap_or(1) as f64;
    let y_max = curves
        .iter()
        .flat_map(|c| c.points.iter().map(&value))
        .map(|(v, ci)| ci.map_or(v, |(_, hi)| v.max(hi)))
        .fold(ideal(max_workers), f64::max)
        * 1.1;
    let mut series = Vec::new();
    if !curves.is_empty() {
        series.push(Series {
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
        });
    }
    series.extend(
        curves
            .iter()
            .enumerate()
            .map(|(n, curve)| curve_series(n, curve, &value)),
    );
    dodge(&mut series, max_workers * DODGE);
    let bars = series.iter().any(|s| !s.whiskers.is_empty());
    ChartData {
        caption: caption.into(),
        detail: None,
        notes: bars
            .then(|| "bars: 95 % interval from the repetitions".to_string())
            .into_iter()
            .collect(),
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
