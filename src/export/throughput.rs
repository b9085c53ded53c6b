//! Throughput over time, one line per run.

use super::ExportSet;
use super::frame::{
    Axis, Style, axis_range, color, headroom, inside, key, legend, linear_chart, nothing_to_show,
};
use crate::analysis::downsample;
use plotters::coord::Shift;
use plotters::prelude::*;

/// Draws the throughput chart into `area`.
pub fn draw<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    set: &ExportSet,
    style: &Style,
) -> Result<(), String> {
    let width = area.dim_in_pixel().0 as usize;
    let series: Vec<(u64, &str, Vec<[f64; 2]>)> = set
        .runs
        .iter()
        .map(|(n, r)| {
            let points: Vec<[f64; 2]> = r.timeline.iter().map(|p| [p.t, p.tasks_per_sec]).collect();
            (*n, r.label.as_str(), downsample(&points, width * 2))
        })
        .filter(|s| !s.2.is_empty())
        .collect();
    if series.is_empty() {
        return nothing_to_show(area, "No timeline to show: no task completed.", style);
    }
    let x_max = series
        .iter()
        .flat_map(|s| s.2.iter().map(|p| p[0]))
        .fold(0.0, f64::max);
    let y_max = series
        .iter()
        .flat_map(|s| s.2.iter().map(|p| p[1]))
        .fold(0.0, f64::max);
    let x_range = axis_range(0.0, x_max.max(1e-3) * 1.02);
    let y_range = axis_range(0.0, headroom(y_max));
    let mut chart = linear_chart(
        area,
        style,
        "Throughput",
        Axis {
            desc: "time since start (s)",
            range: x_range.clone(),
            ticks: 10,
        },
        Axis {
            desc: "tasks per second",
            range: y_range.clone(),
            ticks: 10,
        },
    )?;
    for (n, label, points) in series {
        let c = color(n);
        let points: Vec<(f64, f64)> = points
            .iter()
            .map(|p| inside((p[0], p[1]), &x_range, &y_range))
            .collect();
        let line = points.iter().copied();
        chart
            .draw_series(LineSeries::new(line, c.stroke_width(style.px(2.5))))
            .map_err(|e| e.to_string())?
            .label(label)
            .legend(key(c));
        if points.len() < 40 {
            let r = style.px(4.0);
            chart
                .draw_series(points.iter().map(|p| Circle::new(*p, r, c.filled())))
                .map_err(|e| e.to_string())?;
        }
    }
    legend(&mut chart, style, SeriesLabelPosition::UpperRight)
}
