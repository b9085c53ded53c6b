//! Distinct colours for overlaid runs.

use eframe::egui::{self, Color32, Ui};

/// The colour of run number `n` (by its place in the history), as in exported images.
pub fn color(n: u64) -> Color32 {
    let (r, g, b) = crate::palette::rgb(n);
    Color32::from_rgb(r, g, b)
}

/// A small filled square in `color`, as a legend key beside a run's name.
pub fn swatch(ui: &mut Ui, color: Color32) {
    let size = egui::vec2(10.0, 10.0);
    let (rect, _) = ui.allocate_exact_size(size, egui::Sense::hover());
    ui.painter().rect_filled(rect, 2.0, color);
}
