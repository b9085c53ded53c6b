//! The egui_plot renderer: draws a [`ChartData`] panel as prepared by [`crate::chart`],
//! deciding nothing about its data (only pixels: line widths, the heatmap's palette).

use super::trim;
use crate::chart::{Axis, ChartData, Heatmap, LegendAt, Markers, Scale, Series, Weight};
use eframe::egui::{Color32, Ui};
use egui_plot::{
    Corner, GridMark, HoverPosition, Legend, Line, LineStyle, Plot, PlotPoint, PlotUi, Points,
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
    /// Dot radius, when each point is marked.
    pub dots: Option<f32>,
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
    };
    Trace {
        name: match s.part {
            Some(part) => format!("{} {part}", s.name),
            None => s.name.clone(),
        },
        color,
        width,
        dashed: s.weight == Weight::Reference,
        dots: match s.markers {
            Markers::None => None,
            Markers::Small => Some(3.0),
            Markers::Large => Some(4.0),
        },
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

/// Grid marks at whole plotted numbers (nines, decades), where egui's own would fall between.
fn whole_marks(axis: &Axis) -> Option<impl Fn(egui_plot::GridInput) -> Vec<GridMark> + use<>> {
    if axis.scale == Scale::Linear {
        return None;
    }
    let from = plotted(axis, axis.range.start).floor() as i32;
    let to = plotted(axis, axis.range.end).floor() as i32;
    Some(move |_| {
        (from..=to)
            .map(|n| GridMark {
                value: f64::from(n),
                step_size: 1.0,
            })
            .collect()
    })
}

/// Draws `data` as plot `id`.
pub fn show(ui: &mut Ui, id: &str, data: &ChartData) {
    let weak = ui.visuals().weak_text_color();
    let (x, y) = (data.x.clone(), data.y.clone());
    let (hx, hy) = (x.clone(), y.clone());
    let (fx, fy) = (x.clone(), y.clone());
    // The app's legend also toggles lines, so it shows even where the image hides it.
    let corner = match data.legend {
        LegendAt::UpperLeft => Corner::LeftTop,
        LegendAt::UpperRight | LegendAt::Hidden => Corner::RightTop,
    };
    let mut plot = Plot::new(id)
        .legend(Legend::default().position(corner))
        .x_axis_label(x.label)
        .y_axis_label(y.label)
        .include_x(plotted(&x, x.range.start))
        .include_x(plotted(&x, x.range.end))
        .include_y(plotted(&y, y.range.start))
        .include_y(plotted(&y, y.range.end))
        .x_axis_formatter(move |m: GridMark, _| fx.tick_label(value(&fx, m.value)))
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
    if let Some(marks) = whole_marks(&x) {
        plot = plot.x_grid_spacer(marks);
    }
    if let Some(marks) = whole_marks(&y) {
        plot = plot.y_grid_spacer(marks);
    }
    let traces = traces(data, weak);
    // Caps a hundredth of the x axis wide either side: a few pixels at any zoom-out.
    let cap = (plotted(&x, x.range.end) - plotted(&x, x.range.start)) / 100.0;
    plot.show(ui, |plot| {
        if let Some(map) = &data.heatmap {
            heatmap(plot, map);
        }
        for t in traces {
            whiskers(plot, &t, cap);
            draw(plot, t);
        }
    });
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
                .radius(radius),
        );
    }
    // A single point is a dot, not a line.
    if t.points.len() > 1 || t.dots.is_none() {
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
