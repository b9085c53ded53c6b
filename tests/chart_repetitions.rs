//! The spread of repetitions in the charts (issue 13, "The app"): the scaling chart's error
//! bars (95 % interval of each speedup against the base run, as the verdicts compute it), and
//! at the end of each throughput and latency line a bar from the lowest to the highest
//! repetition. The chart model holds the bars; the app and the image draw exactly those.
//! Runs without repetitions (files from before) draw as before: no bars, no notes.

mod common;

use common::ui::app_series;
use common::*;
use parlab::chart::{self, ChartData, ChartRun, LegendAt, Scale};
use parlab::export::{self, ChartKind, ExportSet, ImageFormat, ImageOptions};
use parlab::gui::charts::{self, plot};
use parlab::results::verdicts::comparisons;
use parlab::results::{Order, Repetition, RepetitionLatency, Results, RunResult, RunStatus};
use parlab::stats::{Pairing, ratio};
use std::path::Path;
use std::time::Duration;

/// One completed repetition of 100 tasks.
fn rep(round: usize, throughput: f64, p50: f64, p99: f64) -> Repetition {
    Repetition {
        round,
        position: 0,
        wall_seconds: 1.0,
        tasks_completed: 100,
        throughput_per_sec: throughput,
        latency_us: RepetitionLatency { p50, p99 },
        overhead_per_task_us: None,
        foreign_cpu_cores: None,
        status: RunStatus::Completed,
    }
}

/// `run` with `reps` as its repetitions and their mean as its throughput.
fn with_reps(mut run: RunResult, label: &str, workers: usize, reps: Vec<Repetition>) -> RunResult {
    run.label = label.into();
    run.workers = workers;
    if !reps.is_empty() {
        run.throughput_per_sec =
            reps.iter().map(|r| r.throughput_per_sec).sum::<f64>() / reps.len() as f64;
    }
    run.repetitions = reps;
    run
}

/// The golden results file's CPU run as a sweep (threads ×1 and ×2), three rounds each (no
/// repetitions when `reps` is false, as in files from before repetitions).
fn sweep(reps: bool) -> Results {
    let mut results =
        Results::load_json(Path::new("tests/golden/results-v1.json")).expect("golden file");
    let cpu = results.runs[0].clone();
    let pick = |v: Vec<Repetition>| if reps { v } else { Vec::new() };
    let one = pick(vec![
        rep(0, 100.0, 10.0, 40.0),
        rep(1, 110.0, 12.0, 44.0),
        rep(2, 90.0, 11.0, 50.0),
    ]);
    let two = pick(vec![
        rep(0, 190.0, 20.0, 70.0),
        rep(1, 215.0, 22.0, 90.0),
        rep(2, 185.0, 21.0, 80.0),
    ]);
    results.runs = vec![
        with_reps(cpu.clone(), "cpu ×1", 1, one),
        with_reps(cpu, "cpu ×2", 2, two),
    ];
    results
}

/// The charts that show repetitions.
fn panels(runs: &[ChartRun]) -> Vec<(&'static str, ChartData)> {
    vec![
        ("throughput", chart::throughput(runs, 1200)),
        ("latency over time", chart::latency_over_time(runs, 1200)),
        ("speedup", chart::speedup(runs)),
        ("efficiency", chart::efficiency(runs)),
    ]
}

fn close(a: f64, b: f64) -> bool {
    (a - b).abs() <= 1e-9 * a.abs().max(1.0)
}

fn bars(data: &ChartData) -> Vec<Vec<[f64; 3]>> {
    data.series.iter().map(|s| s.whiskers.clone()).collect()
}

#[test]
fn the_scaling_chart_has_the_speedup_interval_of_the_verdicts() {
    let results = sweep(true);
    let set = ExportSet::from_results(&results);
    let runs = set.chart_runs();
    // Same rounds, all complete: paired by round, as the verdicts pair them.
    let a = [190.0, 215.0, 185.0];
    let b = [100.0, 110.0, 90.0];
    let r = ratio(&a, &b, Pairing::Paired).unwrap();
    let (lo, hi) = (r.ci_low.unwrap(), r.ci_high.unwrap());
    let speedup = chart::speedup(&runs);
    let curve = &speedup.series[1];
    assert!(
        speedup.series[0].whiskers.is_empty(),
        "the ideal line has no bars"
    );
    assert_eq!(curve.points[1][0], 2.0);
    assert!(close(curve.points[1][1], r.ratio), "{curve:?}");
    assert_eq!(
        curve.whiskers.len(),
        1,
        "the base run has no bar: {curve:?}"
    );
    let w = curve.whiskers[0];
    assert!(w[0] == 2.0 && close(w[1], lo) && close(w[2], hi), "{w:?}");
    assert!(lo < r.ratio && r.ratio < hi && lo > 1.0);
    let verdicts = comparisons(&results.runs, Order::Interleaved);
    let verdict = verdicts
        .iter()
        .find(|c| c.a == "cpu ×2" && c.b == "cpu ×1")
        .expect("the speedup verdict");
    assert_eq!(
        (verdict.ci_low, verdict.ci_high),
        (Some(w[1]), Some(w[2])),
        "the bar is the verdict's interval"
    );
    let efficiency = chart::efficiency(&runs);
    let w = efficiency.series[1].whiskers[0];
    assert!(w[0] == 2.0 && close(w[1], lo / 2.0) && close(w[2], hi / 2.0));
    assert!(speedup.y.range.end >= hi, "the axis holds the bar");
    assert_eq!(speedup.notes, ["bars: 95 % interval from the repetitions"]);
    assert_eq!(speedup.legend, LegendAt::UpperLeft, "not over the bars");
}

#[test]
fn time_charts_end_each_line_with_the_range_of_the_repetitions() {
    let results = sweep(true);
    let set = ExportSet::from_results(&results);
    let runs = set.chart_runs();
    let throughput = chart::throughput(&runs, 1200);
    let note = "line: median repetition; bar: range over 3 repetitions";
    assert_eq!(throughput.notes, [note]);
    // Both lines end together: their bars stand side by side, 2 % of the axis apart.
    let end = throughput.series[0].points.last().unwrap()[0];
    let step = end * 0.02;
    let want = [
        [end - step / 2.0, 90.0, 110.0],
        [end + step / 2.0, 185.0, 215.0],
    ];
    for (s, want) in throughput.series.iter().zip(want) {
        assert_eq!(s.points.last().unwrap()[0], end);
        assert_eq!(s.whiskers.len(), 1, "{}", s.name);
        let w = s.whiskers[0];
        assert!(
            close(w[0], want[0]) && w[1..] == want[1..],
            "{}: {w:?}",
            s.name
        );
    }
    let latency = chart::latency_over_time(&runs, 1200);
    assert_eq!(latency.notes, [note]);
    // p50 and p99 of a run share its place.
    let want = [
        [end - step / 2.0, 10.0, 12.0],
        [end - step / 2.0, 40.0, 50.0],
        [end + step / 2.0, 20.0, 22.0],
        [end + step / 2.0, 70.0, 90.0],
    ];
    assert_eq!(latency.series.len(), want.len());
    for (s, want) in latency.series.iter().zip(want) {
        assert_eq!(s.whiskers.len(), 1, "{}", s.name);
        let w = s.whiskers[0];
        assert!(
            close(w[0], want[0]) && w[1..] == want[1..],
            "{} {:?}: {w:?}",
            s.name,
            s.part
        );
    }
}

#[test]
fn a_failed_repetition_is_left_out_and_the_pairing_falls_back_to_welch() {
    let mut results = sweep(true);
    let mut failed = rep(3, 5000.0, 1.0, 1e6);
    failed.status = RunStatus::Failed;
    results.runs[1].repetitions.push(failed);
    let set = ExportSet::from_results(&results);
    let runs = set.chart_runs();
    let throughput = chart::throughput(&runs, 1200);
    assert_eq!(throughput.series[1].whiskers[0][1..], [185.0, 215.0]);
    let r = ratio(
        &[190.0, 215.0, 185.0],
        &[100.0, 110.0, 90.0],
        Pairing::Unpaired,
    )
    .unwrap();
    let w = chart::speedup(&runs).series[1].whiskers[0];
    assert!(close(w[1], r.ci_low.unwrap()) && close(w[2], r.ci_high.unwrap()));
}

#[test]
fn runs_without_repetitions_draw_as_before() {
    let results = sweep(false);
    let set = ExportSet::from_results(&results);
    let runs = set.chart_runs();
    for (name, data) in panels(&runs) {
        assert!(bars(&data).iter().all(Vec::is_empty), "{name}: {data:?}");
        assert!(data.notes.is_empty(), "{name}: {:?}", data.notes);
        for stroke in export::strokes(&data) {
            assert!(stroke.whiskers.is_empty(), "{name}");
        }
    }
    let speedup = chart::speedup(&runs);
    assert_eq!(speedup.legend, LegendAt::UpperRight, "as before");
    let (one, two) = (&results.runs[0], &results.runs[1]);
    assert_eq!(
        speedup.series[1].points[1][1],
        two.throughput_per_sec / one.throughput_per_sec,
        "the plain ratio of throughputs, as before"
    );
    // The golden file as it is (no sweep, no repetitions) has none either.
    let golden = Results::load_json(Path::new("tests/golden/results-v1.json")).unwrap();
    let set = ExportSet::from_results(&golden);
    for (name, data) in panels(&set.chart_runs()) {
        assert!(bars(&data).iter().all(Vec::is_empty), "{name}");
    }
}

#[test]
fn the_app_and_the_image_draw_the_same_bars() {
    let results = sweep(true);
    let set = ExportSet::from_results(&results);
    let series = app_series(&results);
    let weak = eframe::egui::Color32::GRAY;
    let from_app = panels(&charts::chart_runs(&series));
    for ((name, data), (_, app)) in panels(&set.chart_runs()).into_iter().zip(from_app) {
        assert_eq!(data, app, "{name}: the app and the image share the model");
        assert!(bars(&data).iter().any(|b| !b.is_empty()), "{name} has bars");
        let strokes = export::strokes(&data);
        let traces = plot::traces(&data, weak);
        for ((s, stroke), trace) in data.series.iter().zip(&strokes).zip(&traces) {
            let want: Vec<(f64, f64, f64)> =
                s.whiskers.iter().map(|w| (w[0], w[1], w[2])).collect();
            assert_eq!(stroke.whiskers, want, "{name}: the image draws the bars");
            let plotted: Vec<[f64; 3]> = s
                .whiskers
                .iter()
                .map(|w| match data.y.scale {
                    Scale::Log => [w[0], w[1].log10(), w[2].log10()],
                    _ => *w,
                })
                .collect();
            assert_eq!(trace.whiskers, plotted, "{name}: the app draws the bars");
        }
    }
}

#[test]
fn stray_repetition_figures_stay_inside_the_axes() {
    for stray in [f64::NAN, f64::INFINITY, f64::MAX, -1.0, 1e300] {
        let mut results = sweep(true);
        for run in &mut results.runs {
            run.repetitions[1].throughput_per_sec = stray;
            run.repetitions[2].latency_us.p99 = stray;
        }
        let set = ExportSet::from_results(&results);
        for (name, data) in panels(&set.chart_runs()) {
            for s in &data.series {
                for w in &s.whiskers {
                    assert!(
                        data.x.range.start <= w[0] && w[0] <= data.x.range.end,
                        "{name} {stray}: {w:?}"
                    );
                    for v in [w[1], w[2]] {
                        assert!(
                            data.y.range.start <= v && v <= data.y.range.end,
                            "{name} {stray}: {w:?} outside {:?}",
                            data.y.range
                        );
                    }
                    assert!(w[1] <= w[2], "{name} {stray}: {w:?}");
                }
            }
        }
        let png = export::render_bytes(
            &set,
            ChartKind::Dashboard,
            ImageFormat::Png,
            ImageOptions::default(),
        )
        .unwrap_or_else(|e| panic!("{stray}: the dashboard renders: {e}"));
        assert!(png.starts_with(b"\x89PNG"));
    }
}

#[test]
fn parlab_chart_exports_a_repeated_sweep_with_its_bars() {
    let dir = tempfile::tempdir().unwrap();
    let json = common::run_repeated_sweep(dir.path(), 3, 0.2, "kind = \"cpu\"\niterations = 2000");
    let results = Results::load_json(&json).unwrap();
    assert!(results.runs.iter().all(|r| r.repetitions.len() == 3));
    let set = ExportSet::from_results(&results);
    let speedup = chart::speedup(&set.chart_runs());
    assert_eq!(speedup.series[1].whiskers.len(), 1, "{speedup:?}");
    for (kind, note) in [
        ("scaling", "bars: 95 % interval from the repetitions"),
        (
            "throughput",
            "line: median repetition; bar: range over 3 repetitions",
        ),
        ("dashboard", "bar: range over 3 repetitions"),
    ] {
        let (png, svg) = (dir.path().join("c.png"), dir.path().join("c.svg"));
        parlab()
            .arg("chart")
            .arg(&json)
            .args(["--kind", kind, "--png"])
            .arg(&png)
            .arg("--svg")
            .arg(&svg)
            .timeout(Duration::from_secs(30))
            .assert()
            .success();
        assert!(
            std::fs::read(&png).unwrap().starts_with(b"\x89PNG"),
            "{kind}"
        );
        let svg = std::fs::read_to_string(&svg).unwrap();
        assert!(
            svg.contains(note),
            "{kind}: the image says what its bars are"
        );
    }
}
