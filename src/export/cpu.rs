//! CPU utilisation per core: one small panel per run (lines, or a heatmap above 16 cores).

use super::ExportSet;
use super::frame::{Style, axis_range, color, inside, key, legend, nothing_to_show};
use crate::analysis::downsample;
use crate::results::RunResult;
use plotters::coord::Shift;
use plotters::prelude::*;

/// Panels shown at most; the last runs are the ones drawn.
const MAX_PANELS: usize = 9;

/// Draws one panel per run with CPU samples.
pub fn draw<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    set: &ExportSet,
    style: &Style,
) -> Result<(), String> {
    let runs: Vec<&RunResult> = set
        .runs
        .iter()
        .map(|(_, r)| *r)
        .filter(|r| r.cpu.per_core.iter().any(|c| !c.is_empty()))
        .collect();
    if runs.is_empty() {
        return nothing_to_show(area, "No CPU samples in these results.", style);
    }
    let runs = &runs[runs.len().saturating_sub(MAX_PANELS)..];
    let cols = (runs.len() as f64).sqrt().ceil() as usize;
    let rows = runs.len().div_ceil(cols);
    let panels = area.split_evenly((rows, cols));
    for (panel, run) in panels.iter().zip(runs) {
        draw_run(panel, run, style, runs.len() == 1)?;
    }
    Ok(())
}

fn draw_run<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    run: &RunResult,
    style: &Style,
    alone: bool,
) -> Result<(), String> {
    let dt = run.cpu.interval_s;
    let samples = run.cpu.samples();
    let x_range = axis_range(0.0, run.cpu.time_of(samples.saturating_sub(1)).max(dt));
    let cores = run.cpu.per_core.len();
    let heatmap = cores > 16;
    let y_range = if heatmap {
        0.0..cores as f64
    } else {
        0.0..105.0
    };
    let mut chart = ChartBuilder::on(area)
        .caption(
            match run.cpu.partial_note() {
                Some(note) => format!("{} ({cores} cores, {note})", run.label),
                None => format!("{} ({cores} cores)", run.label),
            },
            style.font(if alone { 22.0 } else { 18.0 }),
        )
        .margin(style.px(8.0))
        .x_label_area_size(style.px(44.0))
        .y_label_area_size(style.px(60.0))
        .build_cartesian_2d(x_range.clone(), y_range.clone())
        .map_err(|e| e.to_string())?;
    chart
        .configure_mesh()
        .x_desc("time (s)")
        .y_desc(if heatmap { "core" } else { "CPU %" })
        .y_labels(6)
        .y_label_formatter(&|v| format!("{v:.0}"))
        .label_style(style.font(14.0))
        .axis_desc_style(style.font(16.0))
        .light_line_style(RGBColor(240, 240, 240))
        .draw()
        .map_err(|e| e.to_string())?;
    if heatmap {
        let (xr, yr) = (&x_range, &y_range);
        let cells = run
            .cpu
            .per_core
            .iter()
            .enumerate()
            .flat_map(|(core, series)| {
                series.iter().enumerate().map(move |(k, v)| {
                    let heat = (f64::from(*v) / 100.0).clamp(0.0, 1.0);
                    let shade = RGBColor(
                        (30.0 + 220.0 * heat) as u8,
                        (40.0 + 120.0 * heat) as u8,
                        (90.0 - 60.0 * heat) as u8,
                    );
                    Rectangle::new(
                        [
                            inside(
                                (
                                    if k == 0 { 0.0 } else { run.cpu.time_of(k - 1) },
                                    core as f64,
                                ),
                                xr,
                                yr,
                            ),
                            inside((run.cpu.time_of(k), core as f64 + 1.0), xr, yr),
                        ],
                        shade.filled(),
                    )
                })
            });
        chart.draw_series(cells).map_err(|e| e.to_string())?;
        return Ok(());
    }
    let width = area.dim_in_pixel().0 as usize;
    for (core, series) in run.cpu.per_core.iter().enumerate() {
        let points: Vec<[f64; 2]> = series
            .iter()
            .enumerate()
            .map(|(k, v)| [run.cpu.time_of(k), f64::from(*v)])
            .collect();
        let c = color(core as u64);
        if let [only] = points[..] {
            // One sample is a point, not a line: show it as a dot.
            chart
                .draw_series(std::iter::once(Circle::new(
                    inside((only[0], only[1]), &x_range, &y_range),
                    style.px(4.0),
                    c.filled(),
                )))
                .map_err(|e| e.to_string())?;
        }
        chart
            .draw_series(LineSeries::new(
                downsample(&points, width * 2)
                    .into_iter()
                    .map(|p| inside((p[0], p[1]), &x_range, &y_range)),
                c.stroke_width(style.px(2.0)),
            ))
            .map_err(|e| e.to_string())?
            .label(format!("core {core}"))
            .legend(key(c));
    }
    if cores <= 8 {
        legend(&mut chart, style, SeriesLabelPosition::UpperRight)?;
    }
    Ok(())
}
