//! The Workers view: what every worker of a run did over time, one lane per worker with its
//! task spans coloured by state (running, creating, moving data, waiting for a lock; gaps
//! are idle), and under
//! them the run's per-core CPU lanes on the same time axis. Several runs stack, each under a
//! header row with its name and load-balance figures.
//!
//! [`WorkersChart`] borrows the runs' lanes (a 1 M-task run keeps 200 000 spans: copying
//! them every frame would cost more than drawing). What a renderer draws for a view is
//! [`WorkersChart::blocks`] ([`lod`]): spans at least a pixel wide as they are, narrower ones
//! merged into shaded blocks, so a frame draws at most [`MAX_BLOCKS`] rectangles at any
//! zoom. The app and the image renderer both draw those blocks and nothing else.

mod lod;
#[cfg(test)]
mod tests;

pub use lod::{Block, Fill, MAX_BLOCKS};

use super::{Axis, ChartRun, axis_range};
use crate::metrics::CpuSeries;
use crate::metrics::spans::{SpanState, WorkerLane, WorkerTimeline};
use crate::results::{RunResult, RunStatus};

/// What the view says when no run is shown.
pub const NO_RUNS: &str =
    "Start a run (F5) or tick runs in the history to see what each of their workers did.";

/// What the view says when the shown runs have no worker lanes.
pub const NO_LANES: &str = "These runs have no worker lanes: results written by a parlab \
    from before worker timelines, or runs that ran no task.";

/// What the view says while the only shown run is live.
pub const LIVE_ONLY: &str = "The workers' lanes show here when the run finishes.";

/// Worker lanes drawn per run at most; more would be thinner than a line of text.
pub const MAX_WORKER_LANES: usize = 64;

/// The colour of each state (running, creating, moving, waiting for a lock), as RGB, in
/// code order: waiting is a red, apart from creating's orange.
pub const STATE_COLORS: [(u8, u8, u8); 4] =
    [(52, 150, 88), (232, 140, 38), (146, 88, 204), (214, 39, 40)];

/// The colour of a CPU lane at 100 % (lighter shades for less).
pub const CPU_COLOR: (u8, u8, u8) = (58, 104, 176);

/// The colour of `state`.
pub fn state_color(state: SpanState) -> (u8, u8, u8) {
    STATE_COLORS[usize::from(state.code())]
}

/// What a lane shows.
#[derive(Debug, Clone, Copy)]
pub enum LaneKind<'a> {
    /// A worker's spans (and, where they were thinned, its time per bucket).
    Worker {
        /// The lane.
        lane: &'a WorkerLane,
        /// Width of its buckets in seconds.
        bucket_s: f64,
        /// Whether spans were left out after the kept ones.
        thinned: bool,
    },
    /// One core's utilisation, per sample.
    Core {
        /// The run's CPU series.
        cpu: &'a CpuSeries,
        /// Which core.
        core: usize,
    },
}

/// One lane of the view.
#[derive(Debug, Clone)]
pub struct Lane<'a> {
    /// Its row from the top (header rows included).
    pub row: usize,
    /// Its short label on the axis (`w1 82%`, `cpu 0`).
    pub label: String,
    /// What hovering it says first (the worker's busy and idle time).
    pub summary: String,
    /// What it shows.
    pub kind: LaneKind<'a>,
}

/// One run's rows: a header, its worker lanes, its CPU lanes.
#[derive(Debug, Clone, PartialEq)]
pub struct RunGroup {
    /// The header's row from the top.
    pub row: usize,
    /// The run's legend name.
    pub name: String,
    /// Its colour number.
    pub color: u64,
    /// Its load-balance figures as a line (`balance 0.70 · 2.9 busy workers · …`).
    pub figures: String,
}

/// Everything the Workers view shows.
#[derive(Debug, Clone)]
pub struct WorkersChart<'a> {
    /// Notes about the lanes (thinned spans, runs without lanes, lanes left out).
    pub notes: Vec<String>,
    /// The time axis.
    pub x: Axis,
    /// The runs, top to bottom.
    pub groups: Vec<RunGroup>,
    /// Every lane, top to bottom.
    pub lanes: Vec<Lane<'a>>,
    /// Rows in all (headers and lanes).
    pub rows: usize,
    /// Shown instead of the view when there is nothing to draw.
    pub nothing: &'static str,
}

/// The Workers view of `runs` (the ones with worker lanes; the others are named in a note).
pub fn workers<'a>(runs: &[ChartRun<'a>]) -> WorkersChart<'a> {
    let mut chart = WorkersChart {
        notes: Vec::new(),
        x: Axis::linear("time since start (s)", "s", 0.0, 1.0),
        groups: Vec::new(),
        lanes: Vec::new(),
        rows: 0,
        nothing: nothing_for(runs),
    };
    let mut end: f64 = 0.0;
    for run in runs {
        match run.result.worker_timeline.as_deref() {
            Some(t) if !t.lanes.is_empty() => {
                end = end.max(run_end(run.result, t));
                chart.add_run(run, t);
            }
            _ if run.result.status == RunStatus::Running => {}
            _ => (chart.notes).push(format!("{}: no worker lanes", run.name)),
        }
    }
    let repeated = runs.iter().any(|r| r.result.repetitions.len() >= 2);
    if repeated && !chart.lanes.is_empty() {
        (chart.notes).insert(0, "lanes: each run's median repetition".into());
    }
    chart.x = Axis::linear("time since start (s)", "s", 0.0, end);
    chart.x.range = axis_range(0.0, end);
    chart
}

/// Why a view of `runs` would be empty, if it is.
fn nothing_for(runs: &[ChartRun]) -> &'static str {
    if runs.is_empty() {
        NO_RUNS
    } else if runs.iter().all(|r| r.result.status == RunStatus::Running) {
        LIVE_ONLY
    } else {
        NO_LANES
    }
}

/// Where a run's time axis ends: its last span, its last CPU sample or the wall time of
/// the repetition its lanes come from, whichever is last.
fn run_end(result: &RunResult, timeline: &WorkerTimeline) -> f64 {
    let spans = timeline.lanes.iter().filter_map(WorkerLane::last_end_ns);
    let last_span = spans.max().unwrap_or(0) as f64 / 1e9;
    let cpu = &result.cpu;
    let last_sample = match cpu.samples() {
        0 => 0.0,
        n => cpu.time_of(n - 1),
    };
    let walls = (0..timeline.lanes.len()).filter_map(|w| lane_wall(result, timeline, w));
    let wall = walls.fold(0.0, f64::max);
    wall.max(last_span).max(last_sample)
}

/// The wall time of the repetition worker `w`'s lane comes from: its busy, idle, creating,
/// moving and waiting time together (a merged run's `wall_seconds` is the sum of its
/// repetitions').
fn lane_wall(result: &RunResult, timeline: &WorkerTimeline, w: usize) -> Option<f64> {
    let b = result.balance.as_ref()?;
    let lane = timeline.lanes.get(w)?;
    let other = [SpanState::Creating, SpanState::Moving, SpanState::Waiting]
        .map(|s| lane.total_ns(s))
        .iter()
        .sum::<u64>();
    Some(b.busy_s.get(w)? + b.idle_s.get(w)? + other as f64 / 1e9)
}

impl<'a> WorkersChart<'a> {
    /// Whether there is nothing to draw.
    pub fn is_empty(&self) -> bool {
        self.lanes.is_empty()
    }

    /// The band of row `row` on the y axis, `(low, high)`: the axis runs from 0 at the
    /// bottom to `rows` at the top, and a lane fills most of its row.
    pub fn band(&self, row: usize) -> (f64, f64) {
        let top = (self.rows - row.min(self.rows)) as f64;
        (top - 0.9, top - 0.1)
    }

    /// The row at height `y` on the y axis, if it is one.
    pub fn row_at(&self, y: f64) -> Option<usize> {
        let from_top = self.rows as f64 - y;
        (from_top >= 0.0 && from_top < self.rows as f64).then_some(from_top as usize)
    }

    /// The lane at height `y`, if any.
    pub fn lane_at(&self, y: f64) -> Option<usize> {
        let row = self.row_at(y)?;
        self.lanes.iter().position(|l| l.row == row)
    }

    fn add_run(&mut self, run: &ChartRun<'a>, timeline: &'a WorkerTimeline) {
        let balance = run.result.balance.as_ref();
        self.groups.push(RunGroup {
            row: self.rows,
            name: run.name.to_string(),
            color: run.color,
            figures: figures(run.result),
        });
        self.rows += 1;
        let shown = timeline.lanes.len().min(MAX_WORKER_LANES);
        for (w, lane) in timeline.lanes.iter().take(shown).enumerate() {
            let busy = balance.and_then(|b| Some((*b.busy_s.get(w)?, *b.idle_s.get(w)?)));
            let wall = lane_wall(run.result, timeline, w).unwrap_or(0.0);
            self.lanes.push(Lane {
                row: self.rows,
                label: worker_label(w, busy, wall),
                summary: worker_summary(w, busy, lane.total_ns(SpanState::Waiting)),
                kind: LaneKind::Worker {
                    lane,
                    bucket_s: timeline.bucket_s,
                    thinned: timeline.thinned,
                },
            });
            self.rows += 1;
        }
        self.notes.extend(run_notes(run, timeline, shown));
        self.add_cores(&run.result.cpu);
    }

    fn add_cores(&mut self, cpu: &'a CpuSeries) {
        for (core, samples) in cpu.per_core.iter().enumerate() {
            if samples.is_empty() {
                continue;
            }
            self.lanes.push(Lane {
                row: self.rows,
                label: format!("cpu {core}"),
                summary: format!("core {core}"),
                kind: LaneKind::Core { cpu, core },
            });
            self.rows += 1;
        }
    }
}

/// A run's notes: its spans thinned, its lanes left out.
fn run_notes(run: &ChartRun, timeline: &WorkerTimeline, shown: usize) -> Vec<String> {
    let mut notes = Vec::new();
    if timeline.thinned {
        notes.push(format!(
            "{}: spans of its first {} tasks, then time per {} ms (shaded)",
            run.name,
            timeline.span_limit,
            (timeline.bucket_s * 1000.0).round()
        ));
    }
    if shown < timeline.lanes.len() {
        notes.push(format!(
            "{}: the first {shown} of its {} workers",
            run.name,
            timeline.lanes.len()
        ));
    }
    notes
}

/// The run's load-balance figures as one line, or what it lacks.
fn figures(result: &RunResult) -> String {
    let Some(b) = &result.balance else {
        return "no load-balance figures".into();
    };
    format!(
        "balance {:.2} · {:.1} busy workers · makespan {:.3} s",
        b.load_balance, b.effective_parallelism, b.makespan_s
    )
}

/// `w3 82%`: worker `w` (from 1) and its busy share of the wall time.
fn worker_label(w: usize, busy: Option<(f64, f64)>, wall_s: f64) -> String {
    match busy {
        Some((busy, _)) if wall_s > 0.0 => {
            format!("w{} {:.0}%", w + 1, (100.0 * busy / wall_s).min(100.0))
        }
        _ => format!("w{}", w + 1),
    }
}

/// `worker 3: busy 1.234 s, idle 0.200 s`, with `waiting for a lock 0.500 s` between them
/// when the worker waited `waiting_ns` for locks.
fn worker_summary(w: usize, busy: Option<(f64, f64)>, waiting_ns: u64) -> String {
    let waiting = match waiting_ns {
        0 => String::new(),
        ns => format!(", waiting for a lock {:.3} s", ns as f64 / 1e9),
    };
    match busy {
        Some((busy, idle)) => {
            format!(
                "worker {}: busy {busy:.3} s{waiting}, idle {idle:.3} s",
                w + 1
            )
        }
        None => format!("worker {}", w + 1),
    }
}

/// A duration in seconds as people read it, to three digits: `850 ns`, `12.3 µs`,
/// `4.56 ms`, `750 ms`, `1.23 s`.
pub fn duration(s: f64) -> String {
    let (v, unit) = match s {
        s if s < 1e-6 => (s * 1e9, "ns"),
        s if s < 1e-3 => (s * 1e6, "µs"),
        s if s < 1.0 => (s * 1e3, "ms"),
        s => (s, "s"),
    };
    let decimals = match v {
        v if v < 10.0 => 2,
        v if v < 100.0 => 1,
        _ => 0,
    };
    format!("{v:.decimals$} {unit}")
}
