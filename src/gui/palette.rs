//! Distinct colours for overlaid runs.

use eframe::egui::{self, Color32, Ui};

const COLORS: [Color32; 10] = [
    Color32::from_rgb(31, 119, 180),
    Color32::from_rgb(255, 127, 14),
    Color32::from_rgb(44, 160, 44),
    Color32::from_rgb(214, 39, 40),
    Color32::from_rgb(148, 103, 189),
    Color32::from_rgb(140, 86, 75),
    Color32::from_rgb(227, 119, 194),
    Color32::from_rgb(127, 127, 127),
    Color32::from_rgb(188, 189, 34),
    Color32::from_rgb(23, 190, 207),
];

/// The colour of run number `n` (by its place in the history).
pub fn color(n: u64) -> Color32 {
    COLORS[(n % COLORS.len() as u64) as usize]
}

/// A small filled square in `color`, as a legend key beside a run's name.
pub fn swatch(ui: &mut Ui, color: Color32) {
    let size = egui::vec2(10.0, 10.0);
    let (rect, _) = ui.allocate_exact_size(size, egui::Sense::hover());
    ui.painter().rect_filled(rect, 2.0, color);
}
