//! Speedup vs workers for each model that ran a sweep, with the ideal line.

use super::{Series, empty};
use crate::analysis;
use crate::gui::palette;
use eframe::egui::Ui;
use egui_plot::{Legend, Line, LineStyle, Plot, Points};

/// Draws the scaling chart from the visible runs.
pub fn scaling(ui: &mut Ui, series: &[Series]) {
    let curves = analysis::scaling(series.iter().map(|s| s.result));
    if curves.is_empty() {
        return empty(
            ui,
            "Scaling needs completed runs of one model and workload at two or more worker counts (a sweep such as workers = [1, 2, 4]).",
        );
    }
    let max_workers = curves
        .iter()
        .flat_map(|c| c.points.iter().map(|p| p.workers))
        .max()
        .unwrap_or(1) as f64;
    let ideal_color = ui.visuals().weak_text_color();
    Plot::new("scaling")
        .legend(Legend::default())
        .x_axis_label("workers")
        .y_axis_label("speedup (× one worker)")
        .include_x(0.0)
        .include_y(0.0)
        .label_formatter(|hover| match hover {
            egui_plot::HoverPosition::NearDataPoint {
                plot_name,
                position,
                ..
            } => Some(format!(
                "{plot_name}\n{} workers: {:.2}× ({:.0} % efficiency)",
                position.x,
                position.y,
                100.0 * position.y / position.x.max(1e-9)
            )),
            _ => None,
        })
        .show(ui, |plot| {
            plot.line(
                Line::new("ideal", vec![[0.0, 0.0], [max_workers, max_workers]])
                    .style(LineStyle::dashed_dense())
                    .color(ideal_color),
            );
            for (n, curve) in curves.iter().enumerate() {
                let points: Vec<[f64; 2]> = curve
                    .points
                    .iter()
                    .map(|p| [p.workers as f64, p.speedup])
                    .collect();
                let color = palette::color(n as u64);
                plot.line(
                    Line::new(curve.name.clone(), points.clone())
                        .color(color)
                        .width(2.0),
                );
                plot.points(
                    Points::new(curve.name.clone(), points)
                        .color(color)
                        .radius(4.0),
                );
            }
        });
}
