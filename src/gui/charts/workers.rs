//! The Workers tab: the lanes of [`crate::chart::workers`] in an egui_plot (time across, zoom
//! and pan along it), painted as the model's blocks for the current view and width, so a
//! frame paints at most [`crate::chart::workers::MAX_BLOCKS`] rectangles at any zoom.
//! Hovering a block says what it is (a span's task and duration, a merged block's share).

use super::{Series, chart_runs, empty, plot::linear_marks};
use crate::chart::workers::{Block, CPU_COLOR, STATE_COLORS, WorkersChart};
use crate::chart::{self};
use eframe::egui::{self, Align2, Color32, FontId, Pos2, Rect, Ui, Vec2b};
use egui_plot::{AxisHints, GridMark, Plot, PlotTransform};

/// Draws the Workers tab for the shown runs.
pub fn workers(ui: &mut Ui, series: &[Series]) {
    let runs = chart_runs(series);
    let model = chart::workers(&runs);
    if model.is_empty() {
        if !model.notes.is_empty() {
            ui.small(model.notes.join("; "));
        }
        return empty(ui, model.nothing);
    }
    key(ui);
    if !model.notes.is_empty() {
        ui.small(model.notes.join("; "));
    }
    let response = plot(&model).show(ui, |_| ());
    let transform = response.transform;
    let blocks = paint(ui, &model, &transform);
    if let Some(pos) = response.response.hover_pos()
        && let Some(text) = hover(&model, &blocks, &transform, pos)
    {
        response.response.on_hover_text_at_pointer(text);
    }
}

/// The plot: time across, zoom and pan along it only; the lanes labelled on the left.
fn plot<'a>(model: &WorkersChart) -> Plot<'a> {
    let labels: Vec<(usize, String)> = model
        .lanes
        .iter()
        .map(|l| (l.row, l.label.clone()))
        .collect();
    let marks: Vec<GridMark> = labels
        .iter()
        .map(|(row, _)| {
            let (lo, hi) = model.band(*row);
            GridMark {
                value: (lo + hi) / 2.0,
                step_size: 1.0,
            }
        })
        .collect();
    let rows = model.rows;
    let x = model.x.clone();
    let label_of = move |m: GridMark, _: &std::ops::RangeInclusive<f64>| {
        let row = rows.saturating_sub(m.value.ceil() as usize);
        let found = labels.iter().find(|(r, _)| *r == row);
        found.map_or_else(String::new, |(_, l)| l.clone())
    };
    // Every lane labelled down to rows 10 points apart (egui's default fades labels out
    // below 20, which left a 900 × 600 window with none).
    let y_axis = AxisHints::new_y()
        .formatter(label_of)
        .label_spacing(9.0..=12.0)
        .min_thickness(56.0);
    let fx = x.clone();
    let x_axis = AxisHints::new_x()
        .label(x.label)
        .formatter(move |m: GridMark, _| fx.tick_label(m.value));
    Plot::new("workers")
        .custom_x_axes(vec![x_axis])
        .include_x(x.range.start)
        .include_x(x.range.end)
        .include_y(0.0)
        .include_y(rows as f64)
        .set_margin_fraction(egui::Vec2::ZERO)
        .allow_zoom(Vec2b::new(true, false))
        .allow_drag(Vec2b::new(true, false))
        .allow_scroll(Vec2b::new(true, false))
        .allow_boxed_zoom(false)
        .show_x(false)
        .show_y(false)
        .custom_y_axes(vec![y_axis])
        .x_grid_spacer(linear_marks)
        .y_grid_spacer(move |_| marks.clone())
}

/// Paints the blocks of the shown time range and the runs' headers; returns the blocks.
fn paint(ui: &Ui, model: &WorkersChart, transform: &PlotTransform) -> Vec<Block> {
    let frame = *transform.frame();
    let bounds = transform.bounds();
    let view = bounds.min()[0]..bounds.max()[0];
    let blocks = model.blocks(view, f64::from(frame.width()));
    let painter = ui.painter_at(frame);
    let shapes = blocks.iter().map(|b| {
        let (lo, hi) = model.band(model.lanes[b.lane].row);
        let a = transform.position_from_point(&egui_plot::PlotPoint::new(b.x0, hi));
        let z = transform.position_from_point(&egui_plot::PlotPoint::new(b.x1, lo));
        // A block narrower than a pixel still covers one.
        let rect = Rect::from_min_max(a, Pos2::new(z.x.max(a.x + 1.0), z.y));
        egui::Shape::rect_filled(rect, 0.0, fill(b))
    });
    painter.extend(shapes);
    for g in &model.groups {
        let (lo, hi) = model.band(g.row);
        let y = transform.position_from_point(&egui_plot::PlotPoint::new(0.0, (lo + hi) / 2.0));
        let at = Pos2::new(frame.left() + 6.0, y.y);
        let text = format!("{}   {}", g.name, g.figures);
        let color = crate::gui::palette::color(g.color);
        painter.text(
            at,
            Align2::LEFT_CENTER,
            text,
            FontId::proportional(13.0),
            color,
        );
    }
    blocks
}

/// A block's colour as egui paints it.
fn fill(b: &Block) -> Color32 {
    let (r, g, bl, a) = b.rgba();
    Color32::from_rgba_unmultiplied(r, g, bl, (a * 255.0).round() as u8)
}

/// What hovering at `pos` says: the block there, or the lane's summary, or the run's header.
pub fn hover(
    model: &WorkersChart,
    blocks: &[Block],
    transform: &PlotTransform,
    pos: Pos2,
) -> Option<String> {
    let at = transform.value_from_position(pos);
    let slack = 3.0 / transform.dpos_dvalue_x().abs().max(f64::MIN_POSITIVE);
    if let Some(lane) = model.lane_at(at.y) {
        let block = model.block_at(blocks, lane, at.x, slack);
        return Some(match block {
            Some(b) => model.describe(b),
            None => format!("{}\nidle", model.lanes[lane].summary),
        });
    }
    let row = model.row_at(at.y)?;
    let group = model.groups.iter().find(|g| g.row == row)?;
    Some(format!("{}\n{}", group.name, group.figures))
}

/// The key of the colours, on one line above the plot.
fn key(ui: &mut Ui) {
    let names = ["running", "creating", "moving data", "waiting for a lock"];
    let mut entries: Vec<((u8, u8, u8), &str)> = STATE_COLORS.into_iter().zip(names).collect();
    entries.push((CPU_COLOR, "CPU busy (shade)"));
    ui.horizontal_wrapped(|ui| {
        for ((r, g, b), name) in entries {
            let (rect, _) = ui.allocate_exact_size(egui::vec2(12.0, 12.0), egui::Sense::hover());
            ui.painter()
                .rect_filled(rect, 2.0, Color32::from_rgb(r, g, b));
            small(ui, name);
            ui.add_space(8.0);
        }
        small(ui, "gaps: idle");
        ui.add_space(8.0);
        small(ui, "merged tiny spans: paler = more idle");
    });
}

/// Small print that moves to the next line whole rather than breaking.
fn small(ui: &mut Ui, text: &str) {
    ui.add(egui::Label::new(egui::RichText::new(text).small()).extend());
}
