//! Per-core CPU utilisation of one run: a line per core, or a heatmap (cores × time) when
//! there are too many cores for lines to stay readable.

use super::{MAX_POINTS, Series, empty, hover_label};
use crate::analysis::downsample;
use eframe::egui::{Color32, Ui};
use egui_plot::{Heatmap, Legend, Line, Plot, PlotPoint, Points};

/// Above this many cores the chart switches to a heatmap.
const MAX_LINES: usize = 16;

/// Draws the CPU chart for `run`.
pub fn cpu(ui: &mut Ui, run: Option<&Series>) {
    let Some(run) = run.filter(|r| r.result.cpu.per_core.iter().any(|c| !c.is_empty())) else {
        return empty(
            ui,
            "Per-core CPU of the selected run shows here (click a run in the history to select it).",
        );
    };
    let cpu = &run.result.cpu;
    match cpu.partial_note() {
        Some(note) => ui.label(format!("CPU per core during {} ({note})", run.name)),
        None => ui.label(format!("CPU per core during {}", run.name)),
    };
    let dt = cpu.interval_s;
    if cpu.per_core.len() <= MAX_LINES {
        Plot::new("cpu-lines")
            .legend(Legend::default())
            .x_axis_label("time since start (s)")
            .y_axis_label("CPU utilisation (%)")
            .include_y(0.0)
            .include_y(100.0)
            .label_formatter(hover_label("s", "%"))
            .show(ui, |plot| {
                for (core, series) in cpu.per_core.iter().enumerate() {
                    let points: Vec<[f64; 2]> = series
                        .iter()
                        .enumerate()
                        .map(|(k, v)| [cpu.time_of(k), f64::from(*v)])
                        .collect();
                    let name = format!("core {core}");
                    if points.len() == 1 {
                        // One sample is a point, not a line: show it as a dot.
                        plot.points(Points::new(name, points).radius(4.0));
                    } else {
                        plot.line(Line::new(name, downsample(&points, MAX_POINTS)).width(1.5));
                    }
                }
            });
    } else {
        let cols = cpu.per_core.iter().map(Vec::len).max().unwrap_or(0);
        let mut values = Vec::with_capacity(cols * cpu.per_core.len());
        for series in &cpu.per_core {
            values.extend((0..cols).map(|k| series.get(k).map_or(0.0, |v| f64::from(*v))));
        }
        Plot::new("cpu-heatmap")
            .x_axis_label("time since start (s)")
            .y_axis_label("core")
            .show(ui, |plot| {
                plot.heatmap(
                    Heatmap::new(values, cols)
                        .range(0.0, 100.0)
                        .palette(&[
                            Color32::from_rgb(20, 20, 60),
                            Color32::from_rgb(230, 80, 30),
                            Color32::YELLOW,
                        ])
                        .tile_size(dt as f32, 1.0)
                        .at(PlotPoint::new(0.0, 0.0))
                        .name("CPU %"),
                );
            });
    }
}
