//! Throughput over time, one line per run.

use super::ExportSet;
use super::frame::{Style, color, headroom, nothing_to_show};
use crate::analysis::downsample;
use crate::format::axis;
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
    let mut chart = ChartBuilder::on(area)
        .caption("Throughput", style.font(22.0))
        .margin(style.px(10.0))
        .x_label_area_size(style.px(52.0))
        .y_label_area_size(style.px(84.0))
        .build_cartesian_2d(0.0..headroom(x_max) / 1.08 * 1.02, 0.0..headroom(y_max))
        .map_err(|e| e.to_string())?;
    chart
        .configure_mesh()
        .x_desc("time since start (s)")
        .y_desc("tasks per second")
        .label_style(style.font(16.0))
        .axis_desc_style(style.font(18.0))
        .y_label_formatter(&|v| axis(*v))
        .light_line_style(RGBColor(238, 238, 238))
        .draw()
        .map_err(|e| e.to_string())?;
    for (n, label, points) in series {
        let c = color(n);
        let line = points.iter().map(|p| (p[0], p[1]));
        chart
            .draw_series(LineSeries::new(line, c.stroke_width(style.px(2.5))))
            .map_err(|e| e.to_string())?
            .label(label)
            .legend(move |(x, y)| PathElement::new(vec![(x, y), (x + 24, y)], c.stroke_width(4)));
        if points.len() < 40 {
            let r = style.px(4.0);
            chart
                .draw_series(
                    points
                        .iter()
                        .map(|p| Circle::new((p[0], p[1]), r, c.filled())),
                )
                .map_err(|e| e.to_string())?;
        }
    }
    super::frame::legend(&mut chart, style)
}
