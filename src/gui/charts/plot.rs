//! The egui_plot renderer: draws a [`ChartData`] panel as prepared by [`crate::chart`],
//! deciding nothing about its data (only pixels: line widths, the heatmap's palette).

use super::trim;
use crate::chart::{Axis, ChartData, Heatmap, LegendAt, Markers, Scale, Series, Weight};
use eframe::egui::{Color32, Ui};
use egui_plot::{
    AxisHints, Corner, GridInput, GridMark, HoverPosition, Legend, Line, LineStyle, Plot,
    PlotPoint, PlotUi, Points,
};

/// One line as the app draws it.
#[derive(Debug, Clone, PartialEq)]
pub struct Trace {
    /// The legend entry (the series' name and its part, `#1 threads ×1 p99`).
    pub name: String,
    /// Its colour.
    pub color: Color32,
    /// Line width in points.
    pub width: f32,
    /// Whether it is dashed.
    pub dashed: bool,
    /// Whether its points are joined by a line (markers only when not).
    pub line: bool,
    /// Dot radius, when each point is marked.
    pub dots: Option<f32>,
    /// Whether the dots are hollow rings (points called out: saturated).
    pub hollow: bool,
    /// The points as plotted: the series' points, with a log axis as its log10.
    pub points: Vec<[f64; 2]>,
    /// Error bars as plotted, `[x, low, high]`: a vertical line with short caps.
    pub whiskers: Vec<[f64; 3]>,
}

/// What the app draws for `data`: one trace per series, in order. `weak` is the colour of
/// reference lines. Nothing is added, left out or moved.
pub fn traces(data: &ChartData, weak: Color32) -> Vec<Trace> {
    data.series.iter().map(|s| trace(data, s, weak)).collect()
}

fn trace(data: &ChartData, s: &Series, weak: Color32) -> Trace {
    let base = s.color.map_or(weak, crate::gui::palette::color);
    let (color, width) = match s.weight {
        Weight::Bold => (base, 2.0),
        Weight::Normal => (base, 1.5),
        Weight::Faint => (base.gamma_multiply(0.7), 1.0),
        Weight::Reference => (weak, 1.0),
        Weight::Dashed => (base.gamma_multiply(0.9), 1.5),
        Weight::Marks => (base, 1.5),
    };
    Trace {
        name: match s.part {
            Some(part) => format!("{} {part}", s.name),
            None => s.name.clone(),
        },
        color,
        width,
        dashed: matches!(s.weight, Weight::Reference | Weight::Dashed),
        line: s.weight != Weight::Marks,
        dots: match s.markers {
            Markers::None => None,
            Markers::Small => Some(3.0),
            Markers::Large => Some(4.0),
            Markers::Ring => Some(7.0),
        },
        hollow: s.markers == Markers::Ring,
        points: s
            .points
            .iter()
            .map(|p| [plotted(&data.x, p[0]), plotted(&data.y, p[1])])
            .collect(),
        whiskers: s
            .whiskers
            .iter()
            .map(|w| {
                let y = |v| plotted(&data.y, v);
                [plotted(&data.x, w[0]), y(w[1]), y(w[2])]
            })
            .collect(),
    }
}

/// Grid marks of a linear axis at multiples of 10ⁿ, 5·10ⁿ⁻¹ and 10ⁿ⁻¹ (one chain, so a
/// coarser label is always on a finer mark): egui's own marks are decades only, which left a
/// 0.8 s time axis with the single label 0.
pub fn linear_marks(input: GridInput) -> Vec<GridMark> {
    let (lo, hi) = input.bounds;
    let base = input.base_step_size;
    if !(lo.is_finite() && hi.is_finite() && hi > lo && base.is_finite() && base > 0.0) {
        return Vec::new();
    }
    // The chain …, 10ⁿ, 5·10ⁿ, 10ⁿ⁺¹, …: its first step at least `base`, then coarser ones.
    let decade = 10f64.powf(base.log10().floor());
    let mut chain: Vec<f64> = (0..6)
        .flat_map(|k| {
            let d = decade * 10f64.powi(k);
            [d, 5.0 * d]
        })
        .filter(|step| *step >= base)
        .collect();
    chain.truncate(8);
    let fine = chain[0];
    let (first, last) = ((lo / fine).ceil() as i64, (hi / fine).floor() as i64);
    if last - first > 10_000 {
        return Vec::new();
    }
    (first..=last)
        .map(|k| {
            let value = k as f64 * fine;
            let on = |step: &&f64| ((value / **step).round() * **step - value).abs() < fine * 1e-6;
            let step_size = chain.iter().rev().find(on).copied().unwrap_or(fine);
            GridMark { value, step_size }
        })
        .collect()
}

/// Where value `v` sits on `axis` as egui_plot sees it (it has no log axis: log10).
fn plotted(axis: &Axis, v: f64) -> f64 {
    match axis.scale {
        Scale::Log => v.log10(),
        Scale::Linear | Scale::Nines => v,
    }
}

/// The value at plotted position `v` of `axis`.
fn value(axis: &Axis, v: f64) -> f64 {
    match axis.scale {
        Scale::Log => 10f64.powf(v),
        Scale::Linear | Scale::Nines => v,
    }
}

/// A position on `axis` as hover text.
fn hover_text(axis: &Axis, v: f64) -> String {
    match axis.scale {
        Scale::Nines => axis.tick_label(v),
        _ => format!("{} {}", trim(value(axis, v)), axis.unit)
            .trim_end()
            .to_string(),
    }
}

/// The grid marks of `axis` (plotted positions), or `None` for egui's own (linear axes).
/// A nines axis gets one per nine; a log axis one per decade and, between them, at 2× and
/// 5× (a range within one decade would otherwise have a single label or none). egui
/// leaves out the labels that do not fit, finest first (each mark's step is its gap).
pub fn marks(axis: &Axis) -> Option<Vec<GridMark>> {
    let (lo, hi) = (
        plotted(axis, axis.range.start),
        plotted(axis, axis.range.end),
    );
    let decades = (lo.floor() as i32)..=(hi.floor() as i32);
    let marks = match axis.scale {
        Scale::Linear => return None,
        Scale::Nines => decades
            .map(|n| GridMark {
                value: f64::from(n),
                step_size: 1.0,
            })
            .collect(),
        Scale::Log => decades
            .flat_map(|n| {
                let n = f64::from(n);
                [(n, 1.0), (n + 2f64.log10(), 0.3), (n + 5f64.log10(), 0.3)]
            })
            .filter(|(v, _)| (lo..=hi).contains(v))
            .map(|(value, step_size)| GridMark { value, step_size })
            .collect(),
    };
    Some(marks)
}

/// The view of `data` before any pan or zoom, in plotted positions (`[x, y]`, each
/// `start..end`): exactly the model's axes, which never reach below zero where the values
/// cannot (egui's own bounds add a margin that showed latencies down to −1 000).
pub fn view(data: &ChartData) -> [std::ops::Range<f64>; 2] {
    let range = |a: &Axis| plotted(a, a.range.start)..plotted(a, a.range.end);
    [range(&data.x), range(&data.y)]
}

/// Where a pan or zoom may not go: the start of an axis whose values are never negative
/// (linear from zero or above); `None` for an axis without such a floor.
fn floor(axis: &Axis) -> Option<f64> {
    (axis.scale == Scale::Linear && axis.range.start >= 0.0).then_some(axis.range.start)
}

/// Keeps a panned or zoomed view above the floors of `data`'s axes, shifting it up (or
/// right) without changing its size.
fn keep_above_floor(plot: &mut PlotUi, data: &ChartData) {
    let bounds = plot.plot_bounds();
    let shown = [bounds.range_x(), bounds.range_y()];
    for (k, axis) in [&data.x, &data.y].into_iter().enumerate() {
        let (Some(floor), range) = (floor(axis), &shown[k]) else {
            continue;
        };
        let (lo, hi) = (*range.start(), *range.end());
        if lo < floor && lo.is_finite() && hi.is_finite() {
            let moved = floor..=(floor + (hi - lo));
            if k == 0 {
                plot.set_plot_bounds_x(moved);
            } else {
                plot.set_plot_bounds_y(moved);
            }
        }
    }
}

/// Draws `data` as plot `id`.
pub fn show(ui: &mut Ui, id: &str, data: &ChartData) {
    let weak = ui.visuals().weak_text_color();
    let traces = traces(data, weak);
    // Caps a hundredth of the x axis wide either side: a few pixels at any zoom-out.
    let [vx, _] = view(data);
    let cap = (vx.end - vx.start) / 100.0;
    // A narrow chart (the latency pair at 900 px) gets a legend in small print, so that
    // it covers less of the lines.
    let narrow = ui.available_width() < NARROW_CHART;
    builder(id, data, narrow).show(ui, |plot| {
        if !plot.auto_bounds().any() {
            keep_above_floor(plot, data);
        }
        if let Some(map) = &data.heatmap {
            heatmap(plot, map);
        }
        for t in traces {
            whiskers(plot, &t, cap);
            draw(plot, t);
        }
    });
}

/// Charts narrower than this (in points) get their legend in small print.
const NARROW_CHART: f32 = 480.0;

/// The plot of `data` before its lines: legend (in small print when `narrow`), axes, marks,
/// view and hover text.
fn builder<'a>(id: &str, data: &ChartData, narrow: bool) -> Plot<'a> {
    let (x, y) = (data.x.clone(), data.y.clone());
    let (hx, hy) = (x.clone(), y.clone());
    let (fx, fy) = (x.clone(), y.clone());
    // The app's legend also toggles lines, so it shows even where the image hides it.
    let corner = match data.legend {
        LegendAt::UpperLeft => Corner::LeftTop,
        LegendAt::UpperRight | LegendAt::Hidden => Corner::RightTop,
    };
    let [vx, vy] = view(data);
    // The legend in the order of the series (by run number), not sorted as text
    // (#1, #10, #11, #2).
    let text = if narrow {
        eframe::egui::TextStyle::Small
    } else {
        eframe::egui::TextStyle::Body
    };
    let legend = Legend::default()
        .position(corner)
        .text_style(text)
        .follow_insertion_order(true);
    // Nines and decades are few and far apart: label them closer than egui's 60 px (it
    // still leaves out a label that would not fit).
    let x_axis = AxisHints::new_x()
        .label(x.label)
        .formatter(move |m: GridMark, _| fx.tick_label(value(&fx, m.value)))
        .label_spacing(if x.scale == Scale::Linear {
            60.0..=80.0
        } else {
            36.0..=50.0
        });
    let plot = Plot::new(id)
        .legend(legend)
        .custom_x_axes(vec![x_axis])
        .y_axis_label(y.label)
        // Exactly the model's axes (which follow a live run as it grows): no margin.
        .include_x(vx.start)
        .include_x(vx.end)
        .include_y(vy.start)
        .include_y(vy.end)
        .set_margin_fraction(eframe::egui::Vec2::ZERO)
        .y_axis_formatter(move |m: GridMark, _| fy.tick_label(value(&fy, m.value)))
        .label_formatter(move |hover: &HoverPosition| match hover {
            HoverPosition::NearDataPoint {
                plot_name,
                position,
                ..
            } => Some(format!(
                "{plot_name}\n{}\n{}",
                hover_text(&hx, position.x),
                hover_text(&hy, position.y)
            )),
            HoverPosition::Elsewhere { .. } => None,
        });
    let plot = match marks(&x) {
        Some(marks) => plot.x_grid_spacer(move |_| marks.clone()),
        None => plot.x_grid_spacer(linear_marks),
    };
    match marks(&y) {
        Some(marks) => plot.y_grid_spacer(move |_| marks.clone()),
        None => plot.y_grid_spacer(linear_marks),
    }
}

/// The trace's error bars, under its name (so its legend entry shows and hides them too).
fn whiskers(plot: &mut PlotUi, t: &Trace, cap: f64) {
    for &[x, lo, hi] in &t.whiskers {
        let color = t.color;
        let segment = |a: [f64; 2], b: [f64; 2]| {
            Line::new(t.name.clone(), vec![a, b])
                .color(color)
                .width(1.5)
        };
        plot.line(segment([x, lo], [x, hi]));
        plot.line(segment([x - cap, lo], [x + cap, lo]));
        plot.line(segment([x - cap, hi], [x + cap, hi]));
    }
}

fn draw(plot: &mut PlotUi, t: Trace) {
    if let Some(radius) = t.dots {
        plot.points(
            Points::new(t.name.clone(), t.points.clone())
                .color(t.color)
                .radius(radius)
                .filled(!t.hollow)
                .shape(egui_plot::MarkerShape::Circle),
        );
    }
    // A single point is a dot, not a line; a series of markers has no line.
    if t.line && (t.points.len() > 1 || t.dots.is_none()) {
        let mut line = Line::new(t.name, t.points).color(t.color).width(t.width);
        if t.dashed {
            line = line.style(LineStyle::dashed_dense());
        }
        plot.line(line);
    }
}

/// The heatmap, with a tile per sample (egui_plot's tiles are all one size: the interval's).
fn heatmap(plot: &mut PlotUi, map: &Heatmap) {
    let values = map
        .values
        .iter()
        .map(|v| if v.is_nan() { 0.0 } else { *v })
        .collect();
    let tile = map.edges.get(1).copied().unwrap_or(1.0) as f32;
    plot.heatmap(
        egui_plot::Heatmap::new(values, map.cols().max(1))
            .range(0.0, 100.0)
            .palette(&[
                Color32::from_rgb(20, 20, 60),
                Color32::from_rgb(230, 80, 30),
                Color32::YELLOW,
            ])
            .tile_size(tile, 1.0)
            .at(PlotPoint::new(0.0, 0.0))
            .name("CPU %"),
    );
}

#[cfg(test)]
mod tests {
    use super::{GridInput, linear_marks};

    #[test]
    fn a_short_time_axis_gets_labels_between_its_decades() {
        // 0–0.8 s over 230 px: egui's decade marks labelled only 0.
        let marks = linear_marks(GridInput {
            bounds: (0.0, 0.8),
            base_step_size: 8.0 * 0.8 / 230.0,
        });
        let step = |v: f64| {
            marks
                .iter()
                .find(|m| (m.value - v).abs() < 1e-9)
                .map(|m| m.step_size)
        };
        assert_eq!(step(0.5), Some(0.5), "{marks:?}");
        assert_eq!(step(0.1), Some(0.1));
        assert!(step(0.0).is_some_and(|s| s >= 0.5));
        assert!(
            linear_marks(GridInput {
                bounds: (0.0, f64::INFINITY),
                base_step_size: 1.0
            })
            .is_empty()
        );
    }
}
