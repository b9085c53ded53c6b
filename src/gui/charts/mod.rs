//! The live charts (egui_plot). They draw from results; they never sample anything.

mod cpu;
mod latency;
mod scaling;
mod throughput;

pub use cpu::cpu;
pub use latency::latency;
pub use scaling::scaling;
pub use throughput::throughput;

use crate::results::RunResult;
use eframe::egui::{Color32, Ui};

/// Most points a line draws; longer series are downsampled (peaks kept). About twice the
/// width in pixels of a chart on a laptop screen: more would not show.
pub const MAX_POINTS: usize = 1200;

/// One run as the charts see it.
pub struct Series<'a> {
    /// Legend text.
    pub name: String,
    /// Line colour.
    pub color: Color32,
    /// The measurements.
    pub result: &'a RunResult,
}

/// A hover label: the line's name and the point's exact values.
pub fn hover_label(
    x_unit: &'static str,
    y_unit: &'static str,
) -> impl Fn(&egui_plot::HoverPosition<'_>) -> Option<String> {
    move |hover| match hover {
        egui_plot::HoverPosition::NearDataPoint {
            plot_name,
            position,
            ..
        } => Some(format!(
            "{plot_name}\n{} {x_unit}\n{} {y_unit}",
            trim(position.x),
            trim(position.y)
        )),
        egui_plot::HoverPosition::Elsewhere { .. } => None,
    }
}

/// A number with a sensible count of decimals.
pub fn trim(v: f64) -> String {
    let a = v.abs();
    if a >= 1000.0 {
        format!("{v:.0}")
    } else if a >= 10.0 {
        format!("{v:.1}")
    } else {
        format!("{v:.3}")
    }
}

/// Shown instead of a chart that has nothing to draw.
pub fn empty(ui: &mut Ui, text: &str) {
    ui.centered_and_justified(|ui| {
        ui.weak(text);
    });
}
