//! The Workers view as an image (plotters): the blocks [`crate::chart::WorkersChart::blocks`]
//! gives for the whole time axis at the plot's width, each run under a header with its
//! load-balance figures, the lanes labelled on the left and a key of the states on top.

use super::frame::{Style, color, nothing_to_show};
use crate::chart::workers::{CPU_COLOR, STATE_COLORS, WorkersChart};
use crate::chart::{self, ChartRun};
use plotters::coord::Shift;
use plotters::coord::types::RangedCoordf64;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};

/// Draws the Workers view of `runs` into `area`.
pub fn draw<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    runs: &[ChartRun],
    style: &Style,
) -> Result<(), String> {
    let model = chart::workers(runs);
    if model.is_empty() {
        return nothing_to_show(area, model.nothing, style);
    }
    let (top, body) = area.split_vertically(style.px(30.0));
    key(&top, style)?;
    let mut builder = ChartBuilder::on(&body);
    let caption = match model.notes.is_empty() {
        true => String::new(),
        false => model.notes.join("; "),
    };
    if !caption.is_empty() {
        builder.caption(caption, style.font(16.0));
    }
    builder
        .margin(style.px(10.0))
        .x_label_area_size(style.px(52.0))
        .y_label_area_size(style.px(84.0));
    let x = model.x.range.clone();
    let mut chart = builder
        .build_cartesian_2d(x.clone(), 0.0..model.rows as f64)
        .map_err(|e| e.to_string())?;
    chart
        .configure_mesh()
        .disable_y_mesh()
        .y_labels(0)
        .x_desc(model.x.label)
        .x_labels(model.x.ticks)
        .x_label_formatter(&|v| model.x.tick_label(*v))
        .label_style(style.font(16.0))
        .axis_desc_style(style.font(18.0))
        .light_line_style(RGBColor(238, 238, 238))
        .draw()
        .map_err(|e| e.to_string())?;
    blocks(&mut chart, &model)?;
    headers(&mut chart, &model, style)?;
    labels(&body, &chart, &model, style)
}

type Chart<'a, DB> = ChartContext<'a, DB, Cartesian2d<RangedCoordf64, RangedCoordf64>>;

/// Every block of the whole time axis at the plot's width.
fn blocks<DB: DrawingBackend>(chart: &mut Chart<DB>, model: &WorkersChart) -> Result<(), String> {
    let width = f64::from(chart.plotting_area().dim_in_pixel().0.max(1));
    let range = model.x.range.clone();
    let blocks = model.blocks(range.clone(), width);
    let pixel = (range.end - range.start) / width;
    let rects = blocks.iter().map(|b| {
        let (lo, hi) = model.band(model.lanes[b.lane].row);
        let (r, g, bl, a) = b.rgba();
        // A block narrower than a pixel still covers one.
        let corners = [(b.x0, lo), (b.x1.max(b.x0 + pixel), hi)];
        Rectangle::new(corners, RGBColor(r, g, bl).mix(a).filled())
    });
    chart.draw_series(rects).map_err(|e| e.to_string())?;
    Ok(())
}

/// Each run's name and load-balance figures on its header row, in its colour.
fn headers<DB: DrawingBackend>(
    chart: &mut Chart<DB>,
    model: &WorkersChart,
    style: &Style,
) -> Result<(), String> {
    let x0 = model.x.range.start;
    for g in &model.groups {
        let (lo, hi) = model.band(g.row);
        let run_color = color(g.color);
        let font = style.font(16.0).color(&run_color);
        let font = font.pos(Pos::new(HPos::Left, VPos::Center));
        let text = Text::new(
            format!("{}   {}", g.name, g.figures),
            (x0, (lo + hi) / 2.0),
            font,
        );
        chart
            .draw_series(std::iter::once(text))
            .map_err(|e| e.to_string())?;
    }
    Ok(())
}

/// The lanes' labels left of the plot, each at its lane's middle.
fn labels<DB: DrawingBackend>(
    body: &DrawingArea<DB, Shift>,
    chart: &Chart<DB>,
    model: &WorkersChart,
    style: &Style,
) -> Result<(), String> {
    let (base_x, base_y) = body.get_base_pixel();
    let x0 = model.x.range.start;
    let font = style.font(14.0).pos(Pos::new(HPos::Right, VPos::Center));
    for lane in &model.lanes {
        let (lo, hi) = model.band(lane.row);
        let (px, py) = chart.backend_coord(&(x0, (lo + hi) / 2.0));
        let at = (px - base_x - style.px(6.0) as i32, py - base_y);
        body.draw(&Text::new(lane.label.as_str(), at, font.clone()))
            .map_err(|e| e.to_string())?;
    }
    Ok(())
}

/// The key: a swatch and a name per state, then the CPU shade.
fn key<DB: DrawingBackend>(area: &DrawingArea<DB, Shift>, style: &Style) -> Result<(), String> {
    let names = ["running", "creating", "moving data", "waiting for a lock"];
    let mut entries: Vec<((u8, u8, u8), &str)> = STATE_COLORS.into_iter().zip(names).collect();
    entries.push(((255, 255, 255), "idle (gaps)"));
    entries.push((CPU_COLOR, "CPU busy (shade)"));
    let (size, mut x) = (style.px(14.0) as i32, style.px(94.0) as i32);
    let y = style.px(8.0) as i32;
    let font = style.font(15.0).pos(Pos::new(HPos::Left, VPos::Center));
    for ((r, g, b), name) in entries {
        let swatch = Rectangle::new([(x, y), (x + size, y + size)], RGBColor(r, g, b).filled());
        area.draw(&swatch).map_err(|e| e.to_string())?;
        let outline = Rectangle::new([(x, y), (x + size, y + size)], RGBColor(150, 150, 150));
        area.draw(&outline).map_err(|e| e.to_string())?;
        let label = Text::new(
            name,
            (x + size + style.px(5.0) as i32, y + size / 2),
            font.clone(),
        );
        area.draw(&label).map_err(|e| e.to_string())?;
        x += size + style.px(20.0) as i32 + (name.len() as f64 * style.px(8.0) as f64) as i32;
    }
    Ok(())
}
