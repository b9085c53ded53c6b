//! The data of every chart, prepared once from results (or the app's live runs, which are
//! results too) and drawn by two thin renderers: one for exported images and one for the
//! desktop app. Everything a chart
//! shows is decided here: its series, axes, ranges, tick labels, thresholds and notes, so
//! the app and an exported image of the same runs show the same points and labels.
//!
//! No user-interface or drawing crate is used here.

mod cpu;
mod latency;
mod load;
mod names;
mod range;
mod registry;
mod scaling;
mod throughput;
pub mod workers;

pub use cpu::{NO_CPU_SAMPLES, cpu};
pub use latency::{latency_distribution, latency_over_time, nines, nines_label};
pub use load::{NO_OPEN_RUNS, latency_vs_rate, queue_over_time};
pub use names::legend_name;
pub use range::{AXIS_LIMIT, axis_range, headroom, inside, log_axis_range};
pub use registry::{CHARTS, ChartEntry, ChartKind};
pub use scaling::{efficiency, efficiency_on, speedup, speedup_on};
pub use throughput::throughput;
pub use workers::{WorkersChart, workers};

use crate::results::RunResult;
use std::ops::Range;

/// Series with fewer points than this also mark each point, so a short run's one or two
/// buckets are visible.
pub const MARKER_LIMIT: usize = 40;

/// How far apart the error bars of different runs that share an x are spread, as a
/// fraction of the largest x shown.
const DODGE: f64 = 0.02;

/// Above this many cores the CPU chart is a heatmap (cores × time) instead of a line per core.
pub const HEATMAP_CORES: usize = 16;

/// One run as the charts see it.
#[derive(Debug, Clone)]
pub struct ChartRun<'a> {
    /// The run's colour number (the app's history number; the results file's run index).
    pub color: u64,
    /// Legend text ([`legend_name`]).
    pub name: std::borrow::Cow<'a, str>,
    /// Where the run was loaded from (a results file's name), when it was not measured with
    /// the others: the scaling chart keeps its sweeps apart from theirs.
    pub origin: Option<&'a str>,
    /// The measurements.
    pub result: &'a RunResult,
}

/// How an axis maps values to positions.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Scale {
    /// Evenly spaced values.
    Linear,
    /// Decades evenly spaced (values are the raw numbers, always positive).
    Log,
    /// Percentiles spread as "nines": the values are already [`nines`] of the percentile.
    Nines,
}

/// How an axis writes its tick labels.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TickFormat {
    /// Short numbers (`12`, `0.25`, `15k`): [`crate::format::axis`].
    Number,
    /// Whole numbers (`42`).
    Whole,
    /// Percentiles of a nines axis (`p90`, `p99.9`).
    Percentile,
}

/// One axis of a chart.
#[derive(Debug, Clone, PartialEq)]
pub struct Axis {
    /// What the axis shows, with its unit.
    pub label: &'static str,
    /// The unit alone, for hover labels (`s`, `µs`, `%`).
    pub unit: &'static str,
    /// The range shown: finite, increasing and never empty (positive for [`Scale::Log`]).
    pub range: Range<f64>,
    /// How values map to positions.
    pub scale: Scale,
    /// About how many labelled ticks.
    pub ticks: usize,
    /// How tick labels are written.
    pub format: TickFormat,
}

impl Axis {
    /// A linear axis from `lo` to `hi` (guarded by [`axis_range`]).
    pub fn linear(label: &'static str, unit: &'static str, lo: f64, hi: f64) -> Self {
        Self {
            label,
            unit,
            range: axis_range(lo, hi),
            scale: Scale::Linear,
            ticks: 10,
            format: TickFormat::Number,
        }
    }

    /// The label of a tick at `v`.
    pub fn tick_label(&self, v: f64) -> String {
        match self.format {
            TickFormat::Number => crate::format::axis(v),
            TickFormat::Whole => format!("{v:.0}"),
            TickFormat::Percentile => nines_label(v),
        }
    }

    /// `v` clamped into the axis (NaN goes to its start).
    pub fn clamp(&self, v: f64) -> f64 {
        inside((v, v), &self.range, &self.range).0
    }
}

/// How strongly a series is drawn.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Weight {
    /// The main line of a chart (a run's throughput, its p50).
    Bold,
    /// One of many lines (a core's utilisation).
    Normal,
    /// A secondary line beside a bold one of the same colour (a run's p99).
    Faint,
    /// A reference (the ideal scaling line): dashed and grey.
    Reference,
    /// A second figure of a run, dashed in its colour (an open run's response p99 beside
    /// its service latency).
    Dashed,
    /// Only the markers, no line (the saturated points of a load curve).
    Marks,
}

/// How big a series' point markers are.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Markers {
    /// Only the line.
    None,
    /// Small dots on every point.
    Small,
    /// Larger dots on every point (few, important points).
    Large,
    /// A hollow ring around every point (a point to call out: saturated).
    Ring,
}

/// One line of a chart.
#[derive(Debug, Clone, PartialEq)]
pub struct Series {
    /// Legend text.
    pub name: String,
    /// What the app's legend adds after the name (`p99`), if anything.
    pub part: Option<&'static str>,
    /// The colour number; `None` for a reference line (drawn grey).
    pub color: Option<u64>,
    /// The points, inside the chart's axes (clamped there).
    pub points: Vec<[f64; 2]>,
    /// How strongly it is drawn.
    pub weight: Weight,
    /// Point markers.
    pub markers: Markers,
    /// Whether the image's legend lists it.
    pub legend: bool,
    /// Error bars `[x, low, high]` in the series' colour (low ≤ high, inside the axes like
    /// the points): the spread of a run's repetitions. Empty without repetitions.
    pub whiskers: Vec<[f64; 3]>,
}

/// Cells of a heatmap: one row per core, one column per sample.
#[derive(Debug, Clone, PartialEq)]
pub struct Heatmap {
    /// How many rows (cores).
    pub rows: usize,
    /// The x edges of the columns: `cols + 1` increasing times.
    pub edges: Vec<f64>,
    /// Row-major values in 0–100 (`rows × cols`); missing samples are 0.
    pub values: Vec<f64>,
}

impl Heatmap {
    /// How many columns (samples).
    pub fn cols(&self) -> usize {
        self.edges.len().saturating_sub(1)
    }
}

/// Where the image's legend goes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LegendAt {
    /// No legend (too many lines to label).
    Hidden,
    /// Top left (the distribution rises to the right).
    UpperLeft,
    /// Top right.
    UpperRight,
}

/// Everything one chart panel shows.
#[derive(Debug, Clone, PartialEq)]
pub struct ChartData {
    /// The panel's caption.
    pub caption: String,
    /// A short fact shown beside the caption in images (`8 cores`).
    pub detail: Option<String>,
    /// Notes about the data, shown with the caption (a partial CPU interval).
    pub notes: Vec<String>,
    /// The horizontal axis.
    pub x: Axis,
    /// The vertical axis.
    pub y: Axis,
    /// The lines, in drawing order.
    pub series: Vec<Series>,
    /// A heatmap instead of lines, when there are too many.
    pub heatmap: Option<Heatmap>,
    /// Where the image's legend goes.
    pub legend: LegendAt,
    /// Shown instead of the chart when there is nothing to draw.
    pub nothing: &'static str,
}

impl ChartData {
    /// Whether there is nothing to draw.
    pub fn is_empty(&self) -> bool {
        self.heatmap.is_none() && self.series.iter().all(|s| s.weight == Weight::Reference)
    }

    /// `p` clamped into the chart's axes.
    pub fn inside(&self, p: [f64; 2]) -> [f64; 2] {
        [self.x.clamp(p[0]), self.y.clamp(p[1])]
    }

    /// Clamps every point and error bar of every series into the axes, so a renderer never
    /// sees a stray one.
    fn clamped(mut self) -> Self {
        let (x, y) = (self.x.clone(), self.y.clone());
        for s in &mut self.series {
            for p in &mut s.points {
                *p = [x.clamp(p[0]), y.clamp(p[1])];
            }
            for w in &mut s.whiskers {
                let (lo, hi) = (y.clamp(w[1]), y.clamp(w[2]));
                *w = [x.clamp(w[0]), lo.min(hi), lo.max(hi)];
            }
        }
        self
    }
}

/// The largest value of coordinate `k` (0: x, 1: y) over every point and error bar of
/// `series` (0 when there is none), so the axes hold the bars too.
fn max_of(series: &[Series], k: usize) -> f64 {
    let points = series
        .iter()
        .flat_map(|s| s.points.iter().map(move |p| p[k]));
    let bars = series.iter().flat_map(|s| {
        s.whiskers
            .iter()
            .map(move |w| w[if k == 0 { 0 } else { 2 }])
    });
    points.chain(bars).fold(0.0, f64::max)
}

/// Where a time chart's legend goes: top left when lines end in error bars (they sit at the
/// right edge, under a legend there), else top right.
fn legend_beside(series: &[Series]) -> LegendAt {
    if series.iter().any(|s| !s.whiskers.is_empty()) {
        LegendAt::UpperLeft
    } else {
        LegendAt::UpperRight
    }
}

/// Spreads the error bars of different runs sideways, `step` apart and centred on where they
/// were, so bars that share an x (every run of a sweep at 2 workers, runs that end together)
/// stay visible side by side. The bars of one run (its p50 and p99) move together.
fn dodge(series: &mut [Series], step: f64) {
    let mut runs: Vec<Option<u64>> = Vec::new();
    for s in series.iter().filter(|s| !s.whiskers.is_empty()) {
        if !runs.contains(&s.color) {
            runs.push(s.color);
        }
    }
    let middle = (runs.len() as f64 - 1.0) / 2.0;
    for s in series.iter_mut() {
        let Some(k) = runs.iter().position(|c| *c == s.color) else {
            continue;
        };
        for w in &mut s.whiskers {
            w[0] += (k as f64 - middle) * step;
        }
    }
}

/// The lowest and highest of `values` as an error bar at `x`; `None` with fewer than two
/// values (a single repetition has no spread to show).
fn range_bar(x: f64, values: impl IntoIterator<Item = f64>) -> Option<[f64; 3]> {
    let (mut n, mut lo, mut hi) = (0, f64::INFINITY, f64::NEG_INFINITY);
    for v in values {
        n += 1;
        lo = lo.min(v);
        hi = hi.max(v);
    }
    (n >= 2).then_some([x, lo, hi])
}

/// The note saying what a time chart's line and bars are, when any of `runs` has
/// repetitions: `line: median repetition; bar: range over 5 repetitions`.
fn repetitions_note(runs: &[ChartRun], bar: &str) -> Option<String> {
    let counts = runs
        .iter()
        .map(|r| crate::results::verdicts::measured(r.result).count())
        .filter(|&n| n >= 2);
    let (lo, hi) = counts.fold(None, |acc: Option<(usize, usize)>, n| match acc {
        None => Some((n, n)),
        Some((lo, hi)) => Some((lo.min(n), hi.max(n))),
    })?;
    let count = if lo == hi {
        format!("{lo}")
    } else {
        format!("{lo}–{hi}")
    };
    Some(format!(
        "line: median repetition; bar: {bar} over {count} repetitions"
    ))
}

/// Point markers for a series of `len` points: small when there are few.
fn markers_for(len: usize) -> Markers {
    if len < MARKER_LIMIT {
        Markers::Small
    } else {
        Markers::None
    }
}
