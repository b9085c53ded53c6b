//! What every exported image shares: the font, sizes, the title band, the footer and legends.

use super::ExportSet;
use plotters::coord::Shift;
use plotters::coord::ranged1d::Ranged;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};
use std::sync::Once;

/// The font family name the images use (registered from bytes built into the binary).
pub const FONT: &str = "sans-serif";

/// Registers the bundled font with plotters, once.
pub fn ensure_font() {
    static ONCE: Once = Once::new();
    ONCE.call_once(|| {
        for style in [FontStyle::Normal, FontStyle::Bold] {
            // The font is egui's bundled Ubuntu-Light; it parses, so this cannot fail.
            let _ = plotters::style::register_font(FONT, style, epaint_default_fonts::UBUNTU_LIGHT);
        }
    });
}

/// Sizes scaled for high-DPI output.
pub struct Style {
    /// 1.0 at the default size.
    pub scale: f64,
}

impl Style {
    /// A text style of `size` points at scale 1.
    pub fn font(&self, size: f64) -> TextStyle<'static> {
        (FONT, size * self.scale).into_font().color(&BLACK)
    }

    /// Pixels at scale 1, scaled.
    pub fn px(&self, v: f64) -> u32 {
        (v * self.scale).round() as u32
    }
}

/// A run's colour as plotters wants it.
pub fn color(n: u64) -> RGBColor {
    let (r, g, b) = crate::palette::rgb(n);
    RGBColor(r, g, b)
}

/// Fills the page, draws the title and the footer, and returns the area left for charts.
pub fn page<DB: DrawingBackend>(
    root: &DrawingArea<DB, Shift>,
    set: &ExportSet,
    title: &str,
    style: &Style,
) -> Result<DrawingArea<DB, Shift>, String> {
    root.fill(&WHITE).map_err(|e| e.to_string())?;
    let (w, h) = root.dim_in_pixel();
    let (head, rest) = root.split_vertically(style.px(64.0));
    let (body, foot) = rest.split_vertically(h.saturating_sub(style.px(64.0) + style.px(36.0)));
    let heading = if set.title.is_empty() {
        title.to_string()
    } else {
        format!("{title}: {}", set.title)
    };
    head.draw_text(
        &heading,
        &style.font(30.0),
        (style.px(24.0) as i32, style.px(18.0) as i32),
    )
    .map_err(|e| e.to_string())?;
    let host = &set.host;
    let date = set.created.get(..10).unwrap_or(&set.created);
    let footer = format!(
        "{} · {} logical CPUs · {} · parlab {} · {date}",
        host.cpu_brand,
        host.logical_cpus,
        host.os,
        env!("CARGO_PKG_VERSION")
    );
    let small = style
        .font(15.0)
        .color(&RGBColor(90, 90, 90))
        .pos(Pos::new(HPos::Right, VPos::Center));
    foot.draw_text(
        &footer,
        &small,
        ((w - style.px(24.0)) as i32, style.px(18.0) as i32),
    )
    .map_err(|e| e.to_string())?;
    Ok(body.margin(style.px(8.0), style.px(8.0), style.px(16.0), style.px(24.0)))
}

/// Writes `message` in the middle of `area` (a chart with nothing to show).
pub fn nothing_to_show<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    message: &str,
    style: &Style,
) -> Result<(), String> {
    let (w, h) = area.dim_in_pixel();
    let text = style
        .font(20.0)
        .color(&RGBColor(110, 110, 110))
        .pos(Pos::new(HPos::Center, VPos::Center));
    area.draw_text(message, &text, ((w / 2) as i32, (h / 2) as i32))
        .map_err(|e| e.to_string())
}

/// Draws the series labels of `chart` at `position`.
pub fn legend<'a, DB: DrawingBackend + 'a, X: Ranged, Y: Ranged>(
    chart: &mut ChartContext<'a, DB, Cartesian2d<X, Y>>,
    style: &Style,
    position: SeriesLabelPosition,
) -> Result<(), String> {
    chart
        .configure_series_labels()
        .background_style(WHITE.mix(0.88))
        .border_style(RGBColor(200, 200, 200))
        .label_font(style.font(16.0))
        .position(position)
        .draw()
        .map_err(|e| e.to_string())
}

/// A legend key: a short thick line in `color`.
pub fn key(color: RGBColor) -> impl Fn((i32, i32)) -> PathElement<(i32, i32)> {
    move |(x, y)| PathElement::new(vec![(x, y), (x + 24, y)], color.stroke_width(4))
}
