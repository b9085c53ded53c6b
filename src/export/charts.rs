//! How each chart of the registry ([`crate::chart::CHARTS`]) is laid out on an image page. Every chart's data
//! comes from [`crate::chart`]; [`super::plot`] draws it.

use super::plot::{Density, panel};
use super::{ChartKind, ExportSet, frame::Style};
use crate::chart::{self, ChartRun};
use plotters::coord::Shift;
use plotters::prelude::*;

/// CPU panels shown at most; the last runs are the ones drawn.
const MAX_PANELS: usize = 9;

impl ExportSet<'_> {
    /// The runs as the chart model takes them: named as the app's legend names them
    /// ([`chart::legend_name`]: number, label, status, origin), with their colour numbers.
    pub fn chart_runs(&self) -> Vec<ChartRun<'_>> {
        self.runs
            .iter()
            .map(|(n, r)| {
                let origin = self
                    .origins
                    .iter()
                    .find(|o| o.0 == *n)
                    .map(|o| o.1.as_str());
                ChartRun {
                    color: *n,
                    name: chart::legend_name(*n, r, origin).into(),
                    origin,
                    result: r,
                }
            })
            .collect()
    }
}

/// Most points per line in `area`: two per pixel column.
fn max_points<DB: DrawingBackend>(area: &DrawingArea<DB, Shift>) -> usize {
    area.dim_in_pixel().0 as usize * 2
}

/// Draws chart `kind` of `set` into `body`.
pub fn draw<DB: DrawingBackend>(
    body: &DrawingArea<DB, Shift>,
    set: &ExportSet,
    kind: ChartKind,
    style: &Style,
) -> Result<(), String> {
    let runs = set.chart_runs();
    let full = Density::Full;
    match kind {
        ChartKind::Throughput => throughput(body, &runs, style),
        ChartKind::Load => panel(body, &chart::latency_vs_rate(&runs), style, full),
        ChartKind::Latency => {
            let (left, right) = body.split_horizontally(body.dim_in_pixel().0 / 2);
            let over_time = chart::latency_over_time(&runs, max_points(&left));
            panel(&left, &over_time, style, full)?;
            panel(&right, &chart::latency_distribution(&runs), style, full)
        }
        ChartKind::Cpu => cpu(body, &runs, style),
        ChartKind::Scaling => {
            let cores = Some(set.host.logical_cpus);
            let speedup = chart::speedup_on(&runs, cores);
            if speedup.is_empty() {
                return panel(body, &speedup, style, full);
            }
            let (left, right) = body.split_horizontally(body.dim_in_pixel().0 / 2);
            panel(&left, &speedup, style, full)?;
            panel(&right, &chart::efficiency_on(&runs, cores), style, full)
        }
        ChartKind::Findings => super::findings::draw(body, &set.findings, &set.laws, style),
        ChartKind::Workers => super::workers::draw(body, &runs, style),
        ChartKind::Dashboard => {
            // The main findings under the charts, when there are any.
            let (charts, text) = if set.findings.is_empty() {
                (body.clone(), None)
            } else {
                let (h, gap) = (body.dim_in_pixel().1, style.px(12.0));
                let (top, bottom) = body.split_vertically(h * 7 / 10);
                (top, Some(bottom.margin(gap, 0, 0, 0)))
            };
            if let Some(text) = &text {
                super::findings::draw(text, &set.findings, &[], style)?;
            }
            let quadrants = charts.split_evenly((2, 2));
            let throughput = chart::throughput(&runs, max_points(&quadrants[0]));
            panel(&quadrants[0], &throughput, style, full)?;
            let distribution = chart::latency_distribution(&runs);
            panel(&quadrants[1], &distribution, style, full)?;
            cpu(&quadrants[2], &runs, style)?;
            let cores = Some(set.host.logical_cpus);
            let speedup = chart::speedup_on(&runs, cores);
            // Open-load runs without a worker sweep: their latency–throughput curve instead.
            let load = chart::latency_vs_rate(&runs);
            let last = if speedup.is_empty() && !load.is_empty() {
                load
            } else {
                speedup
            };
            panel(&quadrants[3], &last, style, full)
        }
    }
}

/// The throughput chart, with the queue length of open-load runs in a smaller panel under
/// it when there are any.
fn throughput<DB: DrawingBackend>(
    body: &DrawingArea<DB, Shift>,
    runs: &[ChartRun],
    style: &Style,
) -> Result<(), String> {
    let data = chart::throughput(runs, max_points(body));
    let queue = chart::queue_over_time(runs, max_points(body));
    if queue.is_empty() {
        return panel(body, &data, style, Density::Full);
    }
    let (top, bottom) = body.split_vertically(body.dim_in_pixel().1 * 64 / 100);
    panel(&top, &data, style, Density::Full)?;
    panel(&bottom, &queue, style, Density::Compact)
}

/// One CPU panel per run with samples (the last [`MAX_PANELS`]), in a grid.
fn cpu<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    runs: &[ChartRun],
    style: &Style,
) -> Result<(), String> {
    let runs: Vec<&ChartRun> = runs.iter().filter(|r| r.result.cpu.samples() > 0).collect();
    if runs.is_empty() {
        return super::frame::nothing_to_show(area, chart::NO_CPU_SAMPLES, style);
    }
    let runs = &runs[runs.len().saturating_sub(MAX_PANELS)..];
    let cols = (runs.len() as f64).sqrt().ceil() as usize;
    let rows = runs.len().div_ceil(cols);
    let density = if runs.len() == 1 {
        Density::Compact
    } else {
        Density::Small
    };
    for (area, run) in area.split_evenly((rows, cols)).iter().zip(runs) {
        panel(area, &chart::cpu(run, max_points(area)), style, density)?;
    }
    Ok(())
}
