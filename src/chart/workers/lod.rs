//! What a renderer draws of the Workers view for one view of its time axis: spans at least a
//! few pixels wide as they are, narrower spans (and the gaps between them) merged into one
//! block per lane shaded by the share of it the worker was busy, and CPU samples merged the
//! same way. Where a run's spans were thinned, its bucket totals fill the rest of the lane as
//! shaded blocks. A frame never draws more than [`MAX_BLOCKS`] rectangles: when a view would
//! need more, the merging width doubles until it fits.

use super::{CPU_COLOR, Lane, LaneKind, WorkersChart, duration, state_color};
use crate::metrics::CpuSeries;
use crate::metrics::spans::{Span, SpanState, WorkerLane};
use std::ops::Range;

/// How many span states there are (the length of a block's time per state).
const STATES: usize = SpanState::ALL.len();

/// Rectangles drawn per frame at most, whatever the zoom.
pub const MAX_BLOCKS: usize = 4000;

/// How a block is filled.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Fill {
    /// One span, solid in its state's colour.
    Span {
        /// Its state.
        state: SpanState,
        /// Its task index.
        task: u64,
    },
    /// Several spans (or, where spans were thinned, a stretch of bucket totals), in the
    /// colour of the state that took most of their time.
    Merged {
        /// That state.
        state: SpanState,
        /// Spans merged (`None`: bucket totals, the spans themselves were not kept).
        tasks: Option<u64>,
    },
    /// CPU samples of a core.
    Cpu,
}

/// One rectangle of the view.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Block {
    /// Index of its lane in [`WorkersChart::lanes`].
    pub lane: usize,
    /// Start, in seconds.
    pub x0: f64,
    /// End, in seconds.
    pub x1: f64,
    /// Seconds of it the worker was in a span (the core's busy seconds, for CPU).
    pub busy_s: f64,
    /// How it is filled.
    pub fill: Fill,
}

impl Block {
    /// The share of the block that was busy, `0..=1` (1 for a single span).
    pub fn share(&self) -> f64 {
        let width = self.x1 - self.x0;
        if width > 0.0 {
            (self.busy_s / width).clamp(0.0, 1.0)
        } else {
            1.0
        }
    }

    /// Its colour and opacity: a span solid, merged blocks and CPU shaded by their share
    /// (never fully transparent, so a nearly idle stretch still shows).
    pub fn rgba(&self) -> (u8, u8, u8, f64) {
        let (rgb, solid) = match self.fill {
            Fill::Span { state, .. } => (state_color(state), true),
            Fill::Merged { state, .. } => (state_color(state), false),
            Fill::Cpu => (CPU_COLOR, false),
        };
        let alpha = if solid {
            1.0
        } else {
            0.12 + 0.88 * self.share()
        };
        (rgb.0, rgb.1, rgb.2, alpha)
    }
}

impl WorkersChart<'_> {
    /// The blocks to draw for the time range `view` (seconds) across `width_px` pixels, lane
    /// by lane and in time order within a lane; at most [`MAX_BLOCKS`].
    pub fn blocks(&self, view: Range<f64>, width_px: f64) -> Vec<Block> {
        let span = view.end - view.start;
        // NaN widths fail these tests too.
        let usable = span > 0.0 && width_px >= 1.0;
        if self.lanes.is_empty() || !usable {
            return Vec::new();
        }
        let mut min_px = 1.0;
        loop {
            let min_w = span / width_px * min_px;
            let blocks = self.blocks_at(&view, min_w);
            if blocks.len() <= MAX_BLOCKS || min_px > width_px {
                return blocks;
            }
            min_px *= 2.0;
        }
    }

    fn blocks_at(&self, view: &Range<f64>, min_w: f64) -> Vec<Block> {
        let mut out = Vec::new();
        for (i, lane) in self.lanes.iter().enumerate() {
            let mut merger = Merger::new(i, min_w, view.clone(), &mut out);
            match lane.kind {
                LaneKind::Worker {
                    lane,
                    bucket_s,
                    thinned,
                } => worker_blocks(&mut merger, lane, bucket_s, thinned),
                LaneKind::Core { cpu, core } => core_blocks(&mut merger, cpu, core),
            }
            merger.flush();
        }
        out
    }

    /// What hovering block `b` says: its lane's summary, then the block.
    pub fn describe(&self, b: &Block) -> String {
        let lane: Option<&Lane> = self.lanes.get(b.lane);
        let summary = lane.map_or("", |l| l.summary.as_str());
        let width = b.x1 - b.x0;
        let what = match b.fill {
            Fill::Span { state, task } => format!(
                "task {task}: {} {} at {:.4} s",
                hover_name(state),
                duration(width),
                b.x0
            ),
            Fill::Merged {
                state,
                tasks: Some(n),
            } => format!(
                "{n} spans in {}, {:.0} % busy (mostly {})",
                duration(width),
                100.0 * b.share(),
                hover_name(state)
            ),
            Fill::Merged { tasks: None, .. } => format!(
                "{:.0} % busy over {} (its spans were not kept here, only its time)",
                100.0 * b.share(),
                duration(width)
            ),
            Fill::Cpu => format!("{:.0} % busy over {}", 100.0 * b.share(), duration(width)),
        };
        format!("{summary}\n{what}")
    }

    /// The block of `blocks` at `x` (seconds) in lane `lane`, allowing `slack` seconds either
    /// side (a span one pixel wide is hard to hit).
    pub fn block_at<'b>(
        &self,
        blocks: &'b [Block],
        lane: usize,
        x: f64,
        slack: f64,
    ) -> Option<&'b Block> {
        let first = blocks.partition_point(|b| b.lane < lane);
        let of_lane = &blocks[first..];
        let of_lane = &of_lane[..of_lane.partition_point(|b| b.lane == lane)];
        let exact = of_lane.iter().find(|b| b.x0 <= x && x <= b.x1);
        exact.or_else(|| {
            of_lane
                .iter()
                .filter(|b| b.x0 - slack <= x && x <= b.x1 + slack)
                .min_by(|a, b| gap(a, x).total_cmp(&gap(b, x)))
        })
    }
}

/// How far `x` is from block `b`.
fn gap(b: &Block, x: f64) -> f64 {
    (b.x0 - x).max(x - b.x1).max(0.0)
}

/// A worker lane's blocks: its kept spans, then (when thinned) its bucket totals after them.
fn worker_blocks(merger: &mut Merger, lane: &WorkerLane, bucket_s: f64, thinned: bool) {
    let view = merger.view.clone();
    let spans = &lane.spans;
    // Spans are in time order and never overlap: their ends are sorted too.
    let first = spans.partition_point(|s| (s.end_ns as f64 / 1e9) < view.start);
    for span in &spans[first..] {
        if span.start_ns as f64 / 1e9 > view.end {
            break;
        }
        merger.span(span);
    }
    if thinned && bucket_s > 0.0 {
        let kept_end = lane.last_end_ns().unwrap_or(0);
        bucket_blocks(merger, lane, bucket_s, kept_end);
    }
}

/// The bucket totals of `lane` after its kept spans (which end at `kept_end` ns), each
/// bucket a stretch of known busy time but unknown spans.
fn bucket_blocks(merger: &mut Merger, lane: &WorkerLane, bucket_s: f64, kept_end: u64) {
    let states = SpanState::ALL;
    let buckets = states.iter().map(|s| lane.buckets(*s).len()).max();
    let kept_s = kept_end as f64 / 1e9;
    let first = (kept_s / bucket_s).floor() as usize;
    let last = ((merger.view.end / bucket_s).ceil() as usize).min(buckets.unwrap_or(0));
    let first = first.max((merger.view.start / bucket_s).floor() as usize);
    for i in first..last {
        let (start, end) = (i as f64 * bucket_s, (i + 1) as f64 * bucket_s);
        let bucket_ns = (start * 1e9) as u64..(end * 1e9) as u64;
        let mut secs = [0.0; STATES];
        for (k, state) in states.iter().enumerate() {
            let total = lane.buckets(*state).get(i).map_or(0, |&n| u64::from(n));
            // The part of a bucket the kept spans already show is not counted twice.
            let shown = kept_in(&lane.spans, *state, &bucket_ns);
            secs[k] = total.saturating_sub(shown) as f64 / 1e9;
        }
        merger.share(start.max(kept_s), end, secs);
    }
}

/// What hovering says a worker in `state` was doing.
fn hover_name(state: SpanState) -> &'static str {
    match state {
        SpanState::Waiting => "waiting for a lock",
        other => other.name(),
    }
}

/// Nanoseconds of `state` the kept `spans` spend inside `bucket`.
fn kept_in(spans: &[Span], state: SpanState, bucket: &Range<u64>) -> u64 {
    spans
        .iter()
        .rev()
        .take_while(|s| s.end_ns > bucket.start)
        .filter(|s| s.state == state)
        .map(|s| {
            s.end_ns
                .min(bucket.end)
                .saturating_sub(s.start_ns.max(bucket.start))
        })
        .sum()
}

/// A core's samples as blocks, each sample `[end of the previous, its end]`.
fn core_blocks(merger: &mut Merger, cpu: &CpuSeries, core: usize) {
    let Some(samples) = cpu.per_core.get(core) else {
        return;
    };
    let view = merger.view.clone();
    let interval = cpu.interval_s.max(f64::MIN_POSITIVE);
    let first = ((view.start / interval).floor() as usize).saturating_sub(1);
    for (k, pct) in samples.iter().enumerate().skip(first) {
        let start = if k == 0 { 0.0 } else { cpu.time_of(k - 1) };
        if start > view.end {
            break;
        }
        let end = cpu.time_of(k);
        let busy = (end - start) * f64::from(pct.clamp(0.0, 100.0)) / 100.0;
        merger.cpu(start, end, busy);
    }
}

/// A merged block in the making.
struct Pending {
    x0: f64,
    x1: f64,
    secs: [f64; STATES],
    tasks: Option<u64>,
}

/// Turns one lane's spans, bucket stretches or CPU samples into blocks, merging what is
/// narrower than `min_w` seconds.
struct Merger<'o> {
    lane: usize,
    min_w: f64,
    view: Range<f64>,
    pending: Option<Pending>,
    cpu: bool,
    out: &'o mut Vec<Block>,
}

impl<'o> Merger<'o> {
    fn new(lane: usize, min_w: f64, view: Range<f64>, out: &'o mut Vec<Block>) -> Self {
        Self {
            lane,
            min_w,
            view,
            pending: None,
            cpu: false,
            out,
        }
    }

    /// `(x0, x1)` clipped to the view, if anything of it is inside.
    fn clip(&self, x0: f64, x1: f64) -> Option<(f64, f64)> {
        let (a, b) = (x0.max(self.view.start), x1.min(self.view.end));
        (b >= a).then_some((a, b))
    }

    fn span(&mut self, span: &Span) {
        let (s, e) = (span.start_ns as f64 / 1e9, span.end_ns as f64 / 1e9);
        let Some((x0, x1)) = self.clip(s, e) else {
            return;
        };
        if x1 - x0 >= self.min_w {
            self.flush();
            let fill = Fill::Span {
                state: span.state,
                task: span.task,
            };
            self.emit(x0, x1, x1 - x0, fill);
            return;
        }
        let mut secs = [0.0; STATES];
        secs[usize::from(span.state.code())] = x1 - x0;
        self.add(x0, x1, secs, Some(1));
    }

    /// A stretch of bucket totals: `secs` of each state somewhere in `x0..x1`.
    fn share(&mut self, x0: f64, x1: f64, secs: [f64; STATES]) {
        let Some((a, b)) = self.clip(x0, x1) else {
            return;
        };
        // The part of the stretch inside the view holds its share of the time.
        let part = if x1 > x0 { (b - a) / (x1 - x0) } else { 0.0 };
        self.add(a, b, secs.map(|s| s * part), None);
    }

    fn cpu(&mut self, x0: f64, x1: f64, busy: f64) {
        self.cpu = true;
        let Some((a, b)) = self.clip(x0, x1) else {
            return;
        };
        let part = if x1 > x0 { (b - a) / (x1 - x0) } else { 0.0 };
        self.add(a, b, [busy * part, 0.0, 0.0, 0.0], None);
    }

    fn add(&mut self, x0: f64, x1: f64, secs: [f64; STATES], tasks: Option<u64>) {
        if let Some(p) = &self.pending
            && x0 - p.x1 > self.min_w
        {
            self.flush();
        }
        let p = self.pending.get_or_insert(Pending {
            x0,
            x1,
            secs: [0.0; STATES],
            tasks: tasks.map(|_| 0),
        });
        p.x1 = p.x1.max(x1);
        for (sum, add) in p.secs.iter_mut().zip(secs) {
            *sum += add;
        }
        p.tasks = match (p.tasks, tasks) {
            (Some(a), Some(b)) => Some(a + b),
            _ => None,
        };
        if p.x1 - p.x0 >= self.min_w {
            self.flush();
        }
    }

    fn flush(&mut self) {
        let Some(p) = self.pending.take() else {
            return;
        };
        let busy: f64 = p.secs.iter().sum();
        let fill = if self.cpu {
            Fill::Cpu
        } else {
            let most = (0..STATES).max_by(|&a, &b| p.secs[a].total_cmp(&p.secs[b]));
            Fill::Merged {
                state: SpanState::ALL[most.unwrap_or(0)],
                tasks: p.tasks,
            }
        };
        self.emit(p.x0, p.x1, busy, fill);
    }

    /// Adds a block, joining it to the lane's last one when both are shaded alike and touch
    /// (a long stretch of tiny tasks is one block, not one per pixel).
    fn emit(&mut self, x0: f64, x1: f64, busy_s: f64, fill: Fill) {
        let block = Block {
            lane: self.lane,
            x0,
            x1,
            busy_s,
            fill,
        };
        if let Some(last) = self.out.last_mut()
            && last.lane == self.lane
            && !matches!(fill, Fill::Span { .. })
            && alike(last, &block)
            && x0 - last.x1 <= self.min_w
        {
            last.x1 = x1;
            last.busy_s += busy_s;
            if let (Fill::Merged { tasks: Some(a), .. }, Fill::Merged { tasks: Some(b), .. }) =
                (&mut last.fill, fill)
            {
                *a += b;
            }
            return;
        }
        self.out.push(block);
    }
}

/// Whether two shaded blocks look the same: the same fill kind and state, and shares within
/// a tenth.
fn alike(a: &Block, b: &Block) -> bool {
    let same_kind = match (a.fill, b.fill) {
        (Fill::Cpu, Fill::Cpu) => true,
        (Fill::Merged { state: s, tasks: t }, Fill::Merged { state: u, tasks: v }) => {
            s == u && t.is_some() == v.is_some()
        }
        _ => false,
    };
    same_kind && (a.share() * 10.0).round() == (b.share() * 10.0).round()
}
