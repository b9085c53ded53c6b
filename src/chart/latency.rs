//! Latency: p50 and p99 over time, and the distribution by percentile on a "nines" axis.

use super::{
    Axis, ChartData, ChartRun, DODGE, LegendAt, Markers, Scale, Series, TickFormat, Weight, dodge,
    legend_beside, log_axis_range, max_of, range_bar, repetitions_note,
};
use crate::analysis::downsample;
use crate::results::RepetitionLatency;
use crate::results::verdicts::measured;

/// Percentiles spread as "nines": 0 → 0, 90 % → 1, 99 % → 2, 99.9 % → 3 (100 % → ∞).
pub fn nines(percentile: f64) -> f64 {
    -(1.0 - percentile / 100.0).log10()
}

/// The percentile at `x` on a nines axis: `p90`, `p99`, `p99.9`.
pub fn nines_label(x: f64) -> String {
    let p = 100.0 * (1.0 - 10f64.powf(-x));
    if p < 99.0 {
        format!("p{p:.0}")
    } else {
        format!("p{p:.2}")
            .trim_end_matches('0')
            .trim_end_matches('.')
            .to_string()
    }
}

/// One line of `run` for `part` (`p50` bold and in the legend, `p99` faint), ending in a
/// bar with the range of that percentile over the run's repetitions.
fn percentile_line(run: &ChartRun, part: &'static str, points: Vec<[f64; 2]>) -> Series {
    let main = part == "p50";
    let pick = |l: &RepetitionLatency| if main { l.p50 } else { l.p99 };
    let end = points.last().map_or(0.0, |p| p[0]);
    let bar = range_bar(end, measured(run.result).map(|r| pick(&r.latency_us)));
    Series {
        name: run.name.to_string(),
        part: Some(part),
        color: Some(run.color),
        points,
        weight: if main { Weight::Bold } else { Weight::Faint },
        markers: Markers::None,
        legend: main,
        whiskers: bar.into_iter().collect(),
    }
}

/// An open run's response p99 (end − intended start, the queue included) per bucket, dashed
/// beside its service latency: where the two part, tasks waited for a worker.
fn response_line(run: &ChartRun, points: Vec<[f64; 2]>) -> Series {
    Series {
        name: run.name.to_string(),
        part: Some("response p99"),
        color: Some(run.color),
        points,
        weight: Weight::Dashed,
        markers: Markers::None,
        legend: false,
        whiskers: Vec::new(),
    }
}

/// p50 (bold) and p99 (faint) per timeline bucket, and an open run's response p99 (dashed),
/// each downsampled to `max_points`.
pub fn latency_over_time(runs: &[ChartRun], max_points: usize) -> ChartData {
    let mut series = Vec::new();
    for run in runs {
        let line = |pick: fn(&crate::metrics::aggregate::TimelinePoint) -> Option<f64>| {
            let points: Vec<[f64; 2]> = run
                .result
                .timeline
                .iter()
                .filter_map(|p| pick(p).map(|v| [p.t, v]))
                // A log axis has no place for 0 (an empty bucket) or a negative figure.
                .filter(|p| p[1] > 0.0 && p[1].is_finite())
                .collect();
            downsample(&points, max_points)
        };
        let p50 = line(|p| p.p50_us);
        if p50.is_empty() {
            continue;
        }
        series.push(percentile_line(run, "p50", p50));
        series.push(percentile_line(run, "p99", line(|p| p.p99_us)));
        let response = line(|p| p.response_p99_us);
        if run.result.open.is_some() && !response.is_empty() {
            series.push(response_line(run, response));
        }
    }
    let open = series.iter().any(|s| s.weight == Weight::Dashed);
    let step = max_of(&series, 0) * DODGE;
    dodge(&mut series, step);
    let x_max = max_of(&series, 0).max(1e-3) * 1.02;
    let (y_min, y_max) = (min_positive(&series), max_of(&series, 1));
    ChartData {
        caption: if open {
            "p50 (thick), p99 (thin) and response p99 (dashed) over time".into()
        } else {
            "p50 (thick) and p99 (thin) over time".into()
        },
        detail: None,
        notes: repetitions_note(runs, "range").into_iter().collect(),
        x: Axis::linear("time since start (s)", "s", 0.0, x_max),
        // Log scale: a p99 100× the p50 leaves both lines readable, and no latency is
        // ever below zero.
        y: latency_axis(y_min, y_max),
        legend: legend_beside(&series),
        series,
        heatmap: None,
        nothing: "No latencies to show: no task completed.",
    }
    .clamped()
}

/// Latency by percentile on a nines axis (log-scale latency), one line per run. p100 is
/// left out: it sits at infinity on a nines axis (the maximum is in the summary).
pub fn latency_distribution(runs: &[ChartRun]) -> ChartData {
    let series: Vec<Series> = runs
        .iter()
        .map(|r| Series {
            name: r.name.to_string(),
            part: None,
            color: Some(r.color),
            points: r
                .result
                .latency_cdf
                .iter()
                .filter(|[p, us]| *p < 100.0 && *us > 0.0)
                .map(|[p, us]| [nines(*p), *us])
                .collect(),
            weight: Weight::Bold,
            markers: Markers::None,
            legend: true,
            whiskers: Vec::new(),
        })
        .filter(|s| !s.points.is_empty())
        .collect();
    let (y_min, y_max) = (min_positive(&series), max_of(&series, 1));
    ChartData {
        caption: "Distribution by percentile".into(),
        detail: None,
        notes: Vec::new(),
        x: Axis {
            label: "percentile",
            unit: "",
            range: 0.0..4.05,
            scale: Scale::Nines,
            ticks: 5,
            format: TickFormat::Percentile,
        },
        y: latency_axis(y_min, y_max),
        series,
        heatmap: None,
        legend: LegendAt::UpperLeft,
        nothing: "No latency distribution in these results.",
    }
    .clamped()
}

/// The smallest positive value over every point and error bar of `series` (1e-3 when there
/// is none): where a log axis starts.
fn min_positive(series: &[Series]) -> f64 {
    let points = series.iter().flat_map(|s| s.points.iter().map(|p| p[1]));
    let bars = series.iter().flat_map(|s| s.whiskers.iter().map(|w| w[1]));
    let least = points
        .chain(bars)
        .filter(|v| *v > 0.0)
        .fold(f64::INFINITY, f64::min);
    if least.is_finite() {
        least.max(1e-3)
    } else {
        1e-3
    }
}

/// The latency axis both latency charts share: log scale from a little below the lowest to
/// a little above the highest latency shown.
fn latency_axis(y_min: f64, y_max: f64) -> Axis {
    Axis {
        label: "latency (µs, log scale)",
        unit: "µs",
        range: log_axis_range(y_min * 0.8, y_max * 1.5),
        scale: Scale::Log,
        ticks: 8,
        format: TickFormat::Number,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nines_axis_round_trips_and_labels_once() {
        assert_eq!(nines(0.0), 0.0);
        assert!((nines(99.0) - 2.0).abs() < 1e-9);
        assert_eq!(nines_label(0.0), "p0");
        assert_eq!(nines_label(1.0), "p90");
        assert_eq!(nines_label(3.0), "p99.9");
    }
}
