//! Tasks per second over time, one line per run.

use super::{MAX_POINTS, Series, empty, hover_label};
use crate::analysis::downsample;
use eframe::egui::Ui;
use egui_plot::{Legend, Line, Plot, Points};

/// Draws the throughput chart.
pub fn throughput(ui: &mut Ui, series: &[Series]) {
    if series.is_empty() {
        return empty(ui, "Start a run (F5) to see its throughput here.");
    }
    Plot::new("throughput")
        .legend(Legend::default())
        .x_axis_label("time since start (s)")
        .y_axis_label("tasks per second")
        .include_y(0.0)
        .label_formatter(hover_label("s", "tasks/s"))
        .show(ui, |plot| {
            for s in series {
                let points: Vec<[f64; 2]> = s
                    .result
                    .timeline
                    .iter()
                    .map(|p| [p.t, p.tasks_per_sec])
                    .collect();
                let points = downsample(&points, MAX_POINTS);
                if points.len() < 40 {
                    // Short runs have few buckets: mark them so a single bucket is visible.
                    plot.points(
                        Points::new(s.name.clone(), points.clone())
                            .color(s.color)
                            .radius(3.0),
                    );
                }
                plot.line(Line::new(s.name.clone(), points).color(s.color).width(2.0));
            }
        });
}
