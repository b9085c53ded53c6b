//! CPU utilisation per core of one run: a line per core, or a heatmap (cores × time) above
//! [`HEATMAP_CORES`] cores, where lines stop being readable.

use super::{
    Axis, ChartData, ChartRun, HEATMAP_CORES, Heatmap, LegendAt, Markers, Series, TickFormat,
    Weight, axis_range,
};
use crate::analysis::downsample;
use crate::metrics::CpuSeries;

/// What a CPU chart without samples says.
pub const NO_CPU_SAMPLES: &str = "No CPU samples in these results.";

/// Above this many cores the image's legend is left out (it would cover the lines).
const LEGEND_CORES: usize = 8;

/// The CPU chart of `run`, each core's line downsampled to `max_points`.
pub fn cpu(run: &ChartRun, max_points: usize) -> ChartData {
    let cpu = &run.result.cpu;
    let cores = cpu.per_core.len();
    let heatmap = cores > HEATMAP_CORES;
    let x_end = cpu
        .time_of(cpu.samples().saturating_sub(1))
        .max(cpu.interval_s);
    let y = if heatmap {
        Axis {
            format: TickFormat::Whole,
            ticks: 6,
            ..Axis::linear("core", "", 0.0, cores as f64)
        }
    } else {
        Axis {
            format: TickFormat::Whole,
            ticks: 6,
            ..Axis::linear("CPU utilisation (%)", "%", 0.0, 105.0)
        }
    };
    let has_samples = cpu.samples() > 0;
    ChartData {
        caption: run.name.to_string(),
        detail: Some(format!("{cores} cores")),
        notes: cpu.partial_note().into_iter().collect(),
        x: Axis {
            range: axis_range(0.0, x_end),
            ..Axis::linear("time since start (s)", "s", 0.0, x_end)
        },
        y,
        series: if heatmap {
            Vec::new()
        } else {
            lines(cpu, max_points)
        },
        heatmap: (heatmap && has_samples).then(|| cells(cpu)),
        legend: if cores <= LEGEND_CORES {
            LegendAt::UpperRight
        } else {
            LegendAt::Hidden
        },
        nothing: NO_CPU_SAMPLES,
    }
    .clamped()
}

/// One line per core that has samples; a single sample is a dot, not a line.
fn lines(cpu: &CpuSeries, max_points: usize) -> Vec<Series> {
    cpu.per_core
        .iter()
        .enumerate()
        .filter(|(_, s)| !s.is_empty())
        .map(|(core, samples)| {
            let points: Vec<[f64; 2]> = samples
                .iter()
                .enumerate()
                .map(|(k, v)| [cpu.time_of(k), f64::from(*v)])
                .collect();
            Series {
                name: format!("core {core}"),
                part: None,
                color: Some(core as u64),
                markers: if points.len() == 1 {
                    Markers::Small
                } else {
                    Markers::None
                },
                points: downsample(&points, max_points),
                weight: Weight::Normal,
                legend: true,
                whiskers: Vec::new(),
            }
        })
        .collect()
}

/// The heatmap cells: a column per sample, from the end of the previous one to its own end
/// (the last may be partial); a core without that sample reads NaN.
fn cells(cpu: &CpuSeries) -> Heatmap {
    let cols = cpu.samples();
    let edges = std::iter::once(0.0)
        .chain((0..cols).map(|k| cpu.time_of(k)))
        .collect();
    let values = cpu
        .per_core
        .iter()
        .flat_map(|s| (0..cols).map(|k| s.get(k).map_or(f64::NAN, |v| f64::from(*v))))
        .collect();
    Heatmap {
        rows: cpu.per_core.len(),
        edges,
        values,
    }
}
