//! The Workers view's model: lanes per worker, merging that keeps the covered time, the
//! block bound, thinned notes and why an empty view is empty.

use super::{Fill, LIVE_ONLY, MAX_BLOCKS, NO_LANES, NO_RUNS, WorkersChart, workers};
use crate::chart::ChartRun;
use crate::metrics::spans::{Span, SpanState, WorkerLane, WorkerTimeline};
use crate::results::{RunResult, RunStatus};
use std::sync::Arc;

fn golden_run() -> RunResult {
    let text = include_str!("../../../tests/golden/results-v1.json");
    let results = crate::results::Results::from_json(text, "golden").expect("golden");
    results.runs[0].clone()
}

/// A lane of `n` spans of `len_ns` each, `gap_ns` apart, from `start_ns`, with its bucket
/// totals (250 ms buckets).
fn lane(n: u64, start_ns: u64, len_ns: u64, gap_ns: u64) -> WorkerLane {
    let mut lane = WorkerLane::default();
    for k in 0..n {
        let s = start_ns + k * (len_ns + gap_ns);
        let state = if k % 10 == 0 {
            SpanState::Creating
        } else {
            SpanState::Running
        };
        lane.spans.push(Span {
            start_ns: s,
            end_ns: s + len_ns,
            task: k,
            state,
        });
        lane.add(state, (s / 250_000_000) as usize, len_ns);
    }
    lane
}

fn with_lanes(lanes: Vec<WorkerLane>, thinned: bool) -> RunResult {
    let mut run = golden_run();
    run.workers = lanes.len();
    run.worker_timeline = Some(Arc::new(WorkerTimeline {
        bucket_s: 0.25,
        span_limit: 200_000,
        thinned,
        lanes,
    }));
    run
}

fn chart_runs(runs: &[RunResult]) -> Vec<ChartRun<'_>> {
    runs.iter()
        .enumerate()
        .map(|(i, r)| ChartRun {
            color: i as u64,
            name: format!("#{} {}", i + 1, r.label).into(),
            origin: None,
            result: r,
        })
        .collect()
}

/// Seconds of spans (or busy CPU) the blocks of worker lanes cover.
fn covered(chart: &WorkersChart, blocks: &[super::Block]) -> f64 {
    let workers =
        |b: &&super::Block| matches!(chart.lanes[b.lane].kind, super::LaneKind::Worker { .. });
    blocks.iter().filter(workers).map(|b| b.busy_s).sum()
}

#[test]
fn one_lane_per_worker_then_one_per_core_under_a_header() {
    let run = with_lanes(
        vec![lane(5, 0, 1_000_000, 0), lane(3, 0, 2_000_000, 0)],
        false,
    );
    let cores = run.cpu.per_core.iter().filter(|c| !c.is_empty()).count();
    let runs = [run];
    let chart = workers(&chart_runs(&runs));
    assert_eq!(chart.groups.len(), 1);
    assert_eq!(chart.groups[0].row, 0);
    assert_eq!(chart.lanes.len(), 2 + cores);
    assert_eq!(chart.rows, 1 + 2 + cores);
    assert!(
        chart.lanes[0].label.starts_with("w1"),
        "{}",
        chart.lanes[0].label
    );
    assert!(chart.lanes[1].label.starts_with("w2"));
    assert_eq!(chart.lanes[2].label, "cpu 0");
    // Rows from the top: the header highest, each lane a band of its own.
    let (lo, hi) = chart.band(1);
    assert!(lo < hi && hi <= chart.rows as f64 - 1.0);
    assert_eq!(chart.lane_at((lo + hi) / 2.0), Some(0));
    // Zoomed in, every span is its own block with its task.
    let blocks = chart.blocks(0.0..0.01, 1000.0);
    let spans: Vec<_> = blocks.iter().filter(|b| b.lane == 0).collect();
    assert_eq!(spans.len(), 5, "{spans:?}");
    assert_eq!(
        spans[1].fill,
        Fill::Span {
            state: SpanState::Running,
            task: 1
        }
    );
    let text = chart.describe(spans[1]);
    assert!(text.contains("task 1: running 1.00 ms"), "{text}");
    assert_eq!(super::duration(0.75), "750 ms");
    assert_eq!(super::duration(12.3e-6), "12.3 µs");
}

#[test]
fn merging_keeps_the_covered_time_and_the_block_bound() {
    // 8 workers × 25 000 spans of 7 µs with 3 µs gaps: 0.25 s each, far below a pixel.
    let lanes: Vec<_> = (0..8)
        .map(|w| lane(25_000, w * 1000, 7_000, 3_000))
        .collect();
    let total: f64 = lanes
        .iter()
        .flat_map(|l| &l.spans)
        .map(|s| s.duration_ns() as f64 / 1e9)
        .sum();
    let runs = [with_lanes(lanes, false)];
    let chart = workers(&chart_runs(&runs));
    for (view, px) in [(0.0..1.0, 1200.0), (0.0..0.3, 300.0), (0.0..0.3, 20_000.0)] {
        let blocks = chart.blocks(view.clone(), px);
        assert!(blocks.len() <= MAX_BLOCKS, "{} blocks", blocks.len());
        let inside = covered(&chart, &blocks);
        assert!(
            (inside - total).abs() < 1e-6 * total,
            "{inside} vs {total} for {view:?}"
        );
    }
    // Zoomed out, a lane of tiny tasks is a few shaded blocks, 70 % busy.
    let blocks = chart.blocks(0.0..1.0, 1200.0);
    let first: Vec<_> = blocks.iter().filter(|b| b.lane == 0).collect();
    assert!(first.len() < 20, "{} blocks", first.len());
    assert!(matches!(first[0].fill, Fill::Merged { tasks: Some(_), .. }));
    assert!(
        (first[0].share() - 0.7).abs() < 0.05,
        "{}",
        first[0].share()
    );
    // Blocks of a lane are in time order and never overlap.
    for pair in first.windows(2) {
        assert!(pair[0].x1 <= pair[1].x0 + 1e-12);
    }
}

#[test]
fn a_view_that_would_need_more_blocks_merges_wider() {
    // Spans of exactly 1.5 px with 1.5 px gaps at 1000 px: 333 solid spans per lane.
    let lanes: Vec<_> = (0..40)
        .map(|_| lane(340, 0, 1_500_000, 1_500_000))
        .collect();
    let runs = [with_lanes(lanes, false)];
    let chart = workers(&chart_runs(&runs));
    let blocks = chart.blocks(0.0..1.0, 1000.0);
    assert!(blocks.len() <= MAX_BLOCKS, "{} blocks", blocks.len());
    assert!(blocks.len() > 40, "{} blocks", blocks.len());
}

#[test]
fn thinned_spans_are_said_and_their_buckets_fill_the_lane() {
    // Spans for the first 0.1 s, then only bucket totals (70 % busy) up to 1 s.
    let mut l = lane(100, 0, 1_000_000, 0);
    for bucket in 0..4 {
        l.add(SpanState::Running, bucket, 175_000_000);
    }
    let mut run = with_lanes(vec![l], true);
    run.wall_seconds = 1.0;
    let runs = [run];
    let chart = workers(&chart_runs(&runs));
    assert!(
        chart.notes.iter().any(|n| n.contains("first 200000 tasks")),
        "{:?}",
        chart.notes
    );
    let blocks = chart.blocks(0.0..1.0, 800.0);
    let shaded: Vec<_> = blocks
        .iter()
        .filter(|b| b.lane == 0 && matches!(b.fill, Fill::Merged { tasks: None, .. }))
        .collect();
    assert!(!shaded.is_empty(), "{blocks:?}");
    assert!(shaded.iter().all(|b| b.x0 >= 0.1 - 1e-9));
    // All the lane's busy time is drawn once: 0.1 s of spans + 4 × 0.175 s of buckets.
    let inside = covered(&chart, &blocks);
    assert!((inside - 0.8).abs() < 1e-6, "{inside}");
    let text = chart.describe(shaded[0]);
    assert!(text.contains("not kept"), "{text}");
}

#[test]
fn an_empty_view_says_why() {
    assert_eq!(workers(&[]).nothing, NO_RUNS);
    let old = [golden_run()];
    let chart = workers(&chart_runs(&old));
    assert!(chart.is_empty());
    assert_eq!(chart.nothing, NO_LANES);
    assert!(
        chart.notes[0].contains("no worker lanes"),
        "{:?}",
        chart.notes
    );
    let mut live = golden_run();
    live.status = RunStatus::Running;
    let live = [live];
    assert_eq!(workers(&chart_runs(&live)).nothing, LIVE_ONLY);
    assert!(chart.blocks(0.0..1.0, 500.0).is_empty());
}

#[test]
fn two_runs_stack_each_under_its_header() {
    let runs = [
        with_lanes(vec![lane(3, 0, 1_000_000, 0)], false),
        with_lanes(
            vec![lane(3, 0, 1_000_000, 0), lane(2, 0, 1_000_000, 0)],
            false,
        ),
    ];
    let chart = workers(&chart_runs(&runs));
    assert_eq!(chart.groups.len(), 2);
    let second = &chart.groups[1];
    assert!(second.name.starts_with("#2"));
    let lanes_after = chart.lanes.iter().filter(|l| l.row > second.row).count();
    assert!(lanes_after >= 2);
}
