//! What every exported image shares: the font, sizes, the title band, the footer and legends.

use super::ExportSet;
use plotters::coord::Shift;
use plotters::coord::ranged1d::Ranged;
use plotters::coord::types::RangedCoordf64;
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

/// The upper end of an axis that shows `max` with some headroom (never empty).
pub fn headroom(max: f64) -> f64 {
    if max.is_finite() && max > 0.0 {
        max * 1.08
    } else {
        1.0
    }
}

/// The largest magnitude an axis reaches. Results files are checked against much smaller
/// limits; this guards figures that come from elsewhere (the app's live runs).
const AXIS_LIMIT: f64 = 1e18;

/// A linear axis range from `lo` to `hi` that plotters can always lay ticks on: finite,
/// within ±[`AXIS_LIMIT`], increasing and not vanishingly narrow. An infinite or degenerate
/// range makes its tick search loop forever.
pub fn axis_range(lo: f64, hi: f64) -> std::ops::Range<f64> {
    let tame = |v: f64, fallback: f64| {
        if v.is_finite() {
            v.clamp(-AXIS_LIMIT, AXIS_LIMIT)
        } else {
            fallback
        }
    };
    let lo = tame(lo, 0.0);
    let hi = tame(hi, lo + 1.0);
    let (lo, hi) = if hi < lo { (hi, lo) } else { (lo, hi) };
    let least = (lo.abs().max(hi.abs()) * 1e-6).max(1e-9);
    if hi - lo < least {
        if hi + least <= AXIS_LIMIT {
            lo..hi + least
        } else {
            lo - least..hi
        }
    } else {
        lo..hi
    }
}

/// A log-scale axis range from `lo` to `hi`: positive, finite and at least a little wide.
pub fn log_axis_range(lo: f64, hi: f64) -> std::ops::Range<f64> {
    let lo = if lo.is_finite() && lo > 0.0 {
        lo.clamp(1e-9, AXIS_LIMIT / 10.0)
    } else {
        1e-3
    };
    let hi = if hi.is_finite() {
        hi.min(AXIS_LIMIT)
    } else {
        lo * 10.0
    };
    lo..hi.max(lo * 1.1)
}

/// `p` clamped into the box `x` × `y`, so a stray point is drawn at the edge instead of
/// billions of pixels away.
pub fn inside(p: (f64, f64), x: &std::ops::Range<f64>, y: &std::ops::Range<f64>) -> (f64, f64) {
    let clamp = |v: f64, r: &std::ops::Range<f64>| {
        if v.is_nan() {
            r.start
        } else {
            v.clamp(r.start, r.end)
        }
    };
    (clamp(p.0, x), clamp(p.1, y))
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

/// One axis of a linear chart: its description, range and about how many ticks.
pub struct Axis<'a> {
    /// What the axis shows, with its unit.
    pub desc: &'a str,
    /// The range shown.
    pub range: std::ops::Range<f64>,
    /// About how many labelled ticks.
    pub ticks: usize,
}

/// A captioned chart with linear axes, light grid lines and readable tick labels.
pub fn linear_chart<'a, DB: DrawingBackend>(
    area: &'a DrawingArea<DB, Shift>,
    style: &Style,
    caption: &str,
    x: Axis,
    y: Axis,
) -> Result<ChartContext<'a, DB, Cartesian2d<RangedCoordf64, RangedCoordf64>>, String> {
    let mut chart = ChartBuilder::on(area)
        .caption(caption, style.font(22.0))
        .margin(style.px(10.0))
        .x_label_area_size(style.px(52.0))
        .y_label_area_size(style.px(84.0))
        .build_cartesian_2d(
            axis_range(x.range.start, x.range.end),
            axis_range(y.range.start, y.range.end),
        )
        .map_err(|e| e.to_string())?;
    chart
        .configure_mesh()
        .x_desc(x.desc)
        .y_desc(y.desc)
        .x_labels(x.ticks)
        .y_labels(y.ticks)
        .label_style(style.font(16.0))
        .axis_desc_style(style.font(18.0))
        .x_label_formatter(&|v| crate::format::axis(*v))
        .y_label_formatter(&|v| crate::format::axis(*v))
        .light_line_style(RGBColor(238, 238, 238))
        .draw()
        .map_err(|e| e.to_string())?;
    Ok(chart)
}

#[cfg(test)]
mod tests {
    use super::{axis_range, inside, log_axis_range};

    fn usable(r: &std::ops::Range<f64>) -> bool {
        r.start.is_finite() && r.end.is_finite() && r.end > r.start
    }

    #[test]
    fn axis_ranges_are_finite_and_never_empty() {
        for (lo, hi) in [
            (0.0, f64::MAX * 1.08),
            (0.0, f64::INFINITY),
            (f64::NAN, f64::NAN),
            (0.0, 0.0),
            (0.0, 5e-324),
            (1e300, 1e300),
            (5.0, -5.0),
            (f64::NEG_INFINITY, 0.0),
        ] {
            let r = axis_range(lo, hi);
            assert!(usable(&r), "{lo}..{hi} gave {r:?}");
            assert!(r.end - r.start >= 1e-9, "{lo}..{hi} gave {r:?}");
        }
        assert_eq!(axis_range(0.0, 10.0), 0.0..10.0, "sensible ranges are kept");
        for (lo, hi) in [
            (0.0, f64::INFINITY),
            (f64::NAN, 1.0),
            (5e-324, 5e-324),
            (2.0, 1.0),
        ] {
            let r = log_axis_range(lo, hi);
            assert!(usable(&r) && r.start > 0.0, "{lo}..{hi} gave {r:?}");
        }
        let r = axis_range(0.0, 10.0);
        assert_eq!(inside((f64::MAX, f64::NAN), &r, &r), (10.0, 0.0));
    }
}
