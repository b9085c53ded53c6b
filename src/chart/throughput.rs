//! Throughput over time: tasks per second, one line per run (its median repetition), and at
//! the end of each line a bar from its slowest to its fastest repetition.

use super::{
    Axis, ChartData, ChartRun, DODGE, Series, Weight, dodge, headroom, legend_beside, markers_for,
    max_of, range_bar, repetitions_note,
};
use crate::analysis::downsample;
use crate::results::verdicts::measured;

/// The throughput chart of `runs`, each series downsampled to at most `max_points`.
pub fn throughput(runs: &[ChartRun], max_points: usize) -> ChartData {
    let mut series: Vec<Series> = runs
        .iter()
        .map(|r| {
            let points: Vec<[f64; 2]> = r
                .result
                .timeline
                .iter()
                .map(|p| [p.t, p.tasks_per_sec])
                .collect();
            let points = downsample(&points, max_points);
            let end = points.last().map_or(0.0, |p| p[0]);
            let bar = range_bar(end, measured(r.result).map(|p| p.throughput_per_sec));
            Series {
                name: r.name.to_string(),
                part: None,
                color: Some(r.color),
                markers: markers_for(points.len()),
                points,
                weight: Weight::Bold,
                legend: true,
                whiskers: bar.into_iter().collect(),
            }
        })
        .filter(|s| !s.points.is_empty())
        .collect();
    let step = max_of(&series, 0) * DODGE;
    dodge(&mut series, step);
    let x_max = max_of(&series, 0).max(1e-3) * 1.02;
    let y_max = headroom(max_of(&series, 1));
    ChartData {
        caption: "Throughput".into(),
        detail: None,
        notes: repetitions_note(runs, "range").into_iter().collect(),
        x: Axis::linear("time since start (s)", "s", 0.0, x_max),
        y: Axis::linear("tasks per second", "tasks/s", 0.0, y_max),
        legend: legend_beside(&series),
        series,
        heatmap: None,
        nothing: "No timeline to show: no task completed.",
    }
    .clamped()
}
