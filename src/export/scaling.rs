//! Scaling: speedup and efficiency vs workers for each model that ran a sweep, with the ideal.

use super::ExportSet;
use super::frame::{
    Axis, Style, axis_range, color, inside, key, legend, linear_chart, nothing_to_show,
};
use crate::analysis::{ScalingSeries, scaling};
use plotters::coord::Shift;
use plotters::prelude::*;

const NO_SWEEP: &str =
    "No sweep: scaling needs one model and workload at two or more worker counts.";

fn curves(set: &ExportSet) -> Vec<ScalingSeries> {
    scaling(set.runs.iter().map(|(_, r)| *r))
}

/// Speedup on the left, efficiency on the right.
pub fn draw<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    set: &ExportSet,
    style: &Style,
) -> Result<(), String> {
    if curves(set).is_empty() {
        return nothing_to_show(area, NO_SWEEP, style);
    }
    let (left, right) = area.split_horizontally(area.dim_in_pixel().0 / 2);
    speedup(&left, set, style)?;
    panel(
        &right,
        &curves(set),
        style,
        "Efficiency (speedup ÷ workers)",
        "efficiency",
        |p| p.efficiency,
        |_| 1.0,
    )
}

/// Speedup vs workers with the ideal line.
pub fn speedup<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    set: &ExportSet,
    style: &Style,
) -> Result<(), String> {
    let curves = curves(set);
    if curves.is_empty() {
        return nothing_to_show(area, NO_SWEEP, style);
    }
    panel(
        area,
        &curves,
        style,
        "Speedup vs workers",
        "speedup (× one worker)",
        |p| p.speedup,
        |w| w,
    )
}

fn panel<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    curves: &[ScalingSeries],
    style: &Style,
    caption: &str,
    y_desc: &str,
    value: impl Fn(&crate::analysis::ScalingPoint) -> f64,
    ideal: impl Fn(f64) -> f64,
) -> Result<(), String> {
    let max_workers = curves
        .iter()
        .flat_map(|c| c.points.iter().map(|p| p.workers))
        .max()
        .unwrap_or(1) as f64;
    let y_max = curves
        .iter()
        .flat_map(|c| c.points.iter().map(&value))
        .fold(ideal(max_workers), f64::max)
        * 1.1;
    let x_range = axis_range(0.0, max_workers * 1.05);
    let y_range = axis_range(0.0, y_max);
    let mut chart = linear_chart(
        area,
        style,
        caption,
        Axis {
            desc: "workers",
            range: x_range.clone(),
            ticks: (max_workers as usize + 1).min(12),
        },
        Axis {
            desc: y_desc,
            range: y_range.clone(),
            ticks: 10,
        },
    )?;
    let grey = RGBColor(150, 150, 150);
    let ideal_points: Vec<(f64, f64)> = (0..=40)
        .map(|i| max_workers * f64::from(i) / 40.0)
        .map(|w| inside((w, ideal(w)), &x_range, &y_range))
        .collect();
    chart
        .draw_series(DashedLineSeries::new(
            ideal_points,
            style.px(8.0),
            style.px(6.0),
            grey.stroke_width(style.px(1.5)),
        ))
        .map_err(|e| e.to_string())?
        .label("ideal")
        .legend(key(grey));
    for (n, curve) in curves.iter().enumerate() {
        let c = color(n as u64);
        let points: Vec<(f64, f64)> = curve
            .points
            .iter()
            .map(|p| inside((p.workers as f64, value(p)), &x_range, &y_range))
            .collect();
        chart
            .draw_series(LineSeries::new(
                points.clone(),
                c.stroke_width(style.px(2.5)),
            ))
            .map_err(|e| e.to_string())?
            .label(curve.name.clone())
            .legend(key(c));
        let r = style.px(5.0);
        chart
            .draw_series(points.into_iter().map(|p| Circle::new(p, r, c.filled())))
            .map_err(|e| e.to_string())?;
    }
    legend(&mut chart, style, SeriesLabelPosition::UpperRight)
}
