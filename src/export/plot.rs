//! The plotters renderer: draws a [`ChartData`] panel as prepared by [`crate::chart`],
//! deciding nothing about its data (only pixels: line widths, fonts, the legend box).

use super::frame::{Style, color, key, legend, nothing_to_show};
use crate::chart::{ChartData, LegendAt, Markers, Scale, Weight};
use plotters::coord::Shift;
use plotters::coord::ranged1d::{AsRangedCoord, Ranged, ValueFormatter};
use plotters::prelude::*;

/// The grey of reference lines (the ideal scaling line).
const GREY: RGBColor = RGBColor(150, 150, 150);

/// One line as the image draws it.
#[derive(Debug, Clone, PartialEq)]
pub struct Stroke {
    /// The legend entry, if the legend lists it.
    pub label: Option<String>,
    /// Its colour.
    pub color: RGBColor,
    /// Its opacity (1 is solid).
    pub alpha: f64,
    /// Line width in pixels at scale 1.
    pub width: f64,
    /// Whether it is dashed.
    pub dashed: bool,
    /// Whether its points are joined by a line (markers only when not).
    pub line: bool,
    /// Dot radius at scale 1, when each point is marked.
    pub dots: Option<f64>,
    /// Whether the dots are hollow rings (points called out: saturated).
    pub hollow: bool,
    /// The points drawn.
    pub points: Vec<(f64, f64)>,
    /// Error bars drawn in its colour: (x, low, high), a vertical line with short caps.
    pub whiskers: Vec<(f64, f64, f64)>,
}

/// What the image draws for `data`: one stroke per series, in order. Nothing is added,
/// left out or moved (the points are the chart model's, already inside the axes).
pub fn strokes(data: &ChartData) -> Vec<Stroke> {
    data.series
        .iter()
        .map(|s| {
            let base = s.color.map_or(GREY, color);
            let (alpha, width) = match s.weight {
                Weight::Bold => (1.0, 2.5),
                Weight::Normal => (1.0, 2.0),
                Weight::Faint => (0.6, 1.2),
                Weight::Reference => (1.0, 1.5),
                Weight::Dashed => (0.9, 1.8),
                Weight::Marks => (1.0, 2.0),
            };
            Stroke {
                label: (s.legend && data.legend != LegendAt::Hidden).then(|| s.name.clone()),
                color: base,
                alpha,
                width,
                dashed: matches!(s.weight, Weight::Reference | Weight::Dashed),
                line: s.weight != Weight::Marks,
                dots: match s.markers {
                    Markers::None => None,
                    Markers::Small => Some(4.0),
                    Markers::Large => Some(5.0),
                    Markers::Ring => Some(9.0),
                },
                hollow: s.markers == Markers::Ring,
                points: s.points.iter().map(|p| (p[0], p[1])).collect(),
                whiskers: s.whiskers.iter().map(|w| (w[0], w[1], w[2])).collect(),
            }
        })
        .collect()
}

/// The caption with its detail and notes: `core 3 (8 cores, one partial interval of 0.05 s)`.
pub fn caption(data: &ChartData) -> String {
    let extra: Vec<&str> = data
        .detail
        .iter()
        .chain(&data.notes)
        .map(String::as_str)
        .collect();
    if extra.is_empty() {
        data.caption.clone()
    } else {
        format!("{} ({})", data.caption, extra.join(", "))
    }
}

/// How dense a panel is: full size, or one of a grid of small panels.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Density {
    /// A chart on its own (or one of two).
    Full,
    /// One of several small panels, but the only one.
    Compact,
    /// One of several small panels.
    Small,
}

/// Draws `data` into `area`, or its "nothing to show" message.
pub fn panel<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    data: &ChartData,
    style: &Style,
    density: Density,
) -> Result<(), String> {
    if data.is_empty() {
        return nothing_to_show(area, data.nothing, style);
    }
    let (margin, x_area, y_area) = match density {
        Density::Full => (10.0, 52.0, 84.0),
        _ => (8.0, 44.0, 60.0),
    };
    let mut builder = ChartBuilder::on(area);
    builder
        .caption(
            caption(data),
            style.font(if density == Density::Small {
                18.0
            } else {
                22.0
            }),
        )
        .margin(style.px(margin))
        .x_label_area_size(style.px(x_area))
        .y_label_area_size(style.px(y_area));
    let x = data.x.range.clone();
    let y = data.y.range.clone();
    if data.y.scale == Scale::Log {
        let chart = builder
            .build_cartesian_2d(x, y.log_scale())
            .map_err(|e| e.to_string())?;
        draw(chart, data, style, density)
    } else {
        let chart = builder
            .build_cartesian_2d(x, y)
            .map_err(|e| e.to_string())?;
        draw(chart, data, style, density)
    }
}

fn draw<'a, DB, Y>(
    mut chart: ChartContext<
        'a,
        DB,
        Cartesian2d<<std::ops::Range<f64> as AsRangedCoord>::CoordDescType, Y>,
    >,
    data: &ChartData,
    style: &Style,
    density: Density,
) -> Result<(), String>
where
    DB: DrawingBackend + 'a,
    Y: Ranged<ValueType = f64> + ValueFormatter<f64>,
{
    mesh(&mut chart, data, style, density)?;
    if let Some(map) = &data.heatmap {
        chart
            .draw_series(heat_cells(map))
            .map_err(|e| e.to_string())?;
    }
    let mut labelled = false;
    for stroke in strokes(data) {
        let width = style.px(stroke.width);
        let line = stroke.color.mix(stroke.alpha).stroke_width(width);
        let points = || stroke.points.iter().copied();
        let drawn = match (stroke.line, stroke.dashed) {
            (false, _) => chart.draw_series(std::iter::empty::<Circle<(f64, f64), u32>>()),
            (true, true) => chart.draw_series(DashedLineSeries::new(
                points(),
                style.px(8.0),
                style.px(6.0),
                line,
            )),
            (true, false) => chart.draw_series(LineSeries::new(points(), line)),
        }
        .map_err(|e| e.to_string())?;
        if let Some(label) = &stroke.label {
            drawn.label(label.as_str()).legend(key(stroke.color));
            labelled = true;
        }
        whiskers(&mut chart, &stroke, style)?;
        dots(&mut chart, &stroke, style)?;
    }
    match data.legend {
        LegendAt::Hidden => Ok(()),
        _ if !labelled => Ok(()),
        LegendAt::UpperLeft => legend(&mut chart, style, SeriesLabelPosition::UpperLeft),
        LegendAt::UpperRight => legend(&mut chart, style, SeriesLabelPosition::UpperRight),
    }
}

/// The stroke's point markers: filled dots, or hollow rings around the points.
fn dots<'a, DB, Y>(
    chart: &mut ChartContext<
        'a,
        DB,
        Cartesian2d<<std::ops::Range<f64> as AsRangedCoord>::CoordDescType, Y>,
    >,
    stroke: &Stroke,
    style: &Style,
) -> Result<(), String>
where
    DB: DrawingBackend + 'a,
    Y: Ranged<ValueType = f64> + ValueFormatter<f64>,
{
    let Some(r) = stroke.dots else {
        return Ok(());
    };
    let r = style.px(r);
    let paint = if stroke.hollow {
        stroke.color.stroke_width(style.px(2.0))
    } else {
        stroke.color.filled()
    };
    chart
        .draw_series(stroke.points.iter().map(|p| Circle::new(*p, r, paint)))
        .map_err(|e| e.to_string())?;
    Ok(())
}

/// The stroke's error bars: a vertical line from low to high with a short cap at each end.
fn whiskers<'a, DB, Y>(
    chart: &mut ChartContext<
        'a,
        DB,
        Cartesian2d<<std::ops::Range<f64> as AsRangedCoord>::CoordDescType, Y>,
    >,
    stroke: &Stroke,
    style: &Style,
) -> Result<(), String>
where
    DB: DrawingBackend + 'a,
    Y: Ranged<ValueType = f64> + ValueFormatter<f64>,
{
    if stroke.whiskers.is_empty() {
        return Ok(());
    }
    let line = stroke.color.mix(stroke.alpha).stroke_width(style.px(1.5));
    let cap = style.px(5.0) as i32;
    chart
        .draw_series(
            stroke
                .whiskers
                .iter()
                .map(|&(x, lo, hi)| PathElement::new(vec![(x, lo), (x, hi)], line)),
        )
        .map_err(|e| e.to_string())?;
    let caps = stroke
        .whiskers
        .iter()
        .flat_map(|&(x, lo, hi)| [(x, lo), (x, hi)])
        .map(|at| EmptyElement::at(at) + PathElement::new(vec![(-cap, 0), (cap, 0)], line));
    chart.draw_series(caps).map_err(|e| e.to_string())?;
    Ok(())
}

/// The axes, their labels and the grid.
fn mesh<'a, DB, Y>(
    chart: &mut ChartContext<
        'a,
        DB,
        Cartesian2d<<std::ops::Range<f64> as AsRangedCoord>::CoordDescType, Y>,
    >,
    data: &ChartData,
    style: &Style,
    density: Density,
) -> Result<(), String>
where
    DB: DrawingBackend + 'a,
    Y: Ranged<ValueType = f64> + ValueFormatter<f64>,
{
    let light = match (data.x.scale, density) {
        (Scale::Nines, _) => WHITE,
        (_, Density::Full) => RGBColor(238, 238, 238),
        _ => RGBColor(240, 240, 240),
    };
    let (labels, descs) = if density == Density::Full {
        (16.0, 18.0)
    } else {
        (14.0, 16.0)
    };
    chart
        .configure_mesh()
        .x_desc(data.x.label)
        .y_desc(data.y.label)
        .x_labels(data.x.ticks)
        .y_labels(data.y.ticks)
        .label_style(style.font(labels))
        .axis_desc_style(style.font(descs))
        .x_label_formatter(&|v| data.x.tick_label(*v))
        .y_label_formatter(&|v| data.y.tick_label(*v))
        .light_line_style(light)
        .draw()
        .map_err(|e| e.to_string())
}

/// The heatmap's cells, shaded from dark blue (idle) to orange (busy); missing samples are
/// left blank.
fn heat_cells(map: &crate::chart::Heatmap) -> Vec<Rectangle<(f64, f64)>> {
    let cols = map.cols();
    let mut cells = Vec::with_capacity(map.values.len());
    for row in 0..map.rows {
        for k in 0..cols {
            let Some(&v) = map.values.get(row * cols + k) else {
                continue;
            };
            if v.is_nan() {
                continue;
            }
            let heat = (v / 100.0).clamp(0.0, 1.0);
            let shade = RGBColor(
                (30.0 + 220.0 * heat) as u8,
                (40.0 + 120.0 * heat) as u8,
                (90.0 - 60.0 * heat) as u8,
            );
            let corners = [
                (map.edges[k], row as f64),
                (map.edges[k + 1], row as f64 + 1.0),
            ];
            cells.push(Rectangle::new(corners, shade.filled()));
        }
    }
    cells
}
