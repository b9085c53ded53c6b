use super::*;
use crate::metrics::aggregate::TimelinePoint;
use crate::profile::Model;
use crate::results::open::fixture::open_run;

fn chart_runs(runs: &[RunResult]) -> Vec<ChartRun<'_>> {
    runs.iter()
        .enumerate()
        .map(|(i, r)| ChartRun {
            color: i as u64,
            name: r.label.as_str().into(),
            origin: None,
            result: r,
        })
        .collect()
}

/// A pool holding up at every rate and process-per-task saturating at 600/s and 700/s, given
/// out of order, plus a closed-loop run that has no place on the chart.
fn sweep() -> Vec<RunResult> {
    let text = include_str!("../../../tests/golden/results-v1.json");
    let closed = crate::results::Results::from_json(text, "golden")
        .unwrap()
        .runs[0]
        .clone();
    vec![
        open_run(Model::Pool, 400.0, 399.0, (5_100.0, 6_000.0)),
        open_run(Model::Pool, 200.0, 200.0, (5_050.0, 5_600.0)),
        open_run(Model::ProcessPerTask, 200.0, 199.0, (6_000.0, 9_000.0)),
        closed,
        open_run(Model::ProcessPerTask, 600.0, 460.0, (255_000.0, 400_000.0)),
        open_run(Model::ProcessPerTask, 700.0, 455.0, (346_000.0, 600_000.0)),
        open_run(Model::Pool, 600.0, 598.0, (5_200.0, 7_000.0)),
    ]
}

#[test]
fn one_curve_per_model_by_offered_rate_with_saturated_points_ringed() {
    let runs = sweep();
    let data = latency_vs_rate(&chart_runs(&runs));
    let lines: Vec<&Series> = data
        .series
        .iter()
        .filter(|s| s.part == Some("response p50"))
        .collect();
    assert_eq!(
        lines.len(),
        2,
        "pool and process-per-task: {:?}",
        data.series
    );
    // The rate sweep's `@…/s` is not part of the curve's name.
    assert_eq!(lines[0].name, "pool");
    assert_eq!(lines[1].name, "process-per-task");
    // x is the achieved rate, in the order of the offered rate; y the response p50 in ms.
    assert_eq!(
        lines[0].points,
        vec![[200.0, 5.05], [399.0, 5.1], [598.0, 5.2]]
    );
    assert_eq!(lines[1].points[2], [455.0, 346.0]);
    let p99 = data
        .series
        .iter()
        .find(|s| s.part == Some("response p99") && s.name == "process-per-task")
        .unwrap();
    assert_eq!(p99.points[1], [460.0, 400.0]);
    assert_eq!(p99.weight, Weight::Faint);
    // Only process-per-task saturated: its two top rates, ringed on both lines.
    let rings: Vec<&Series> = data
        .series
        .iter()
        .filter(|s| s.weight == Weight::Marks)
        .collect();
    assert_eq!(rings.len(), 1);
    assert_eq!(rings[0].name, "saturated");
    assert_eq!(
        rings[0].color, lines[1].color,
        "in the colour of process-per-task's curve"
    );
    assert_eq!(rings[0].markers, Markers::Ring);
    assert_eq!(
        rings[0].points,
        vec![
            [460.0, 255.0],
            [460.0, 400.0],
            [455.0, 346.0],
            [455.0, 600.0]
        ]
    );
    assert!(data.notes.iter().any(|n| n.starts_with("ring: saturated")));
    // Both ends of both curves inside the axes (a log axis of response times).
    assert_eq!(data.y.scale, Scale::Log);
    assert!(data.y.range.start < 5.05 && data.y.range.end > 600.0);
    assert!(data.x.range.end > 598.0);
}

#[test]
fn a_rate_run_twice_counts_once_and_other_worker_counts_are_other_curves() {
    let mut runs = sweep();
    runs.push(open_run(Model::Pool, 400.0, 390.0, (5_500.0, 9_000.0)));
    let mut eight = open_run(Model::Pool, 400.0, 400.0, (5_000.0, 5_500.0));
    eight.workers = 8;
    runs.push(eight);
    let data = latency_vs_rate(&chart_runs(&runs));
    let pools: Vec<&Series> = data
        .series
        .iter()
        .filter(|s| s.part == Some("response p50") && s.name == "pool")
        .collect();
    assert_eq!(pools.len(), 2, "4 and 8 workers are two curves");
    assert_eq!(
        pools[0].points.len(),
        3,
        "400/s once: {:?}",
        pools[0].points
    );
    assert!(
        pools[0].points.contains(&[390.0, 5.5]),
        "the last run counts"
    );
    assert_eq!(pools[1].points, vec![[400.0, 5.0]]);
    // One point is still drawn: marked.
    assert_ne!(pools[1].markers, Markers::None);
}

#[test]
fn without_open_runs_the_charts_say_how_to_get_them() {
    let runs = sweep();
    let closed: Vec<RunResult> = runs.into_iter().filter(|r| r.open.is_none()).collect();
    for data in [
        latency_vs_rate(&chart_runs(&closed)),
        queue_over_time(&chart_runs(&closed), 100),
        latency_vs_rate(&[]),
    ] {
        assert!(data.is_empty());
        assert_eq!(data.nothing, NO_OPEN_RUNS);
        assert!(data.notes.is_empty());
    }
}

#[test]
fn the_queue_over_time_of_open_runs_only() {
    let mut runs = sweep();
    runs[0].timeline = (1..=4)
        .map(|k| TimelinePoint {
            t: k as f64 * 0.25,
            tasks_per_sec: 400.0,
            p50_us: Some(5_000.0),
            p99_us: Some(6_000.0),
            response_p99_us: Some(7_000.0),
            queue_len: Some(k * 10),
        })
        .collect();
    // A run whose queue stayed empty is left out, and the note says so.
    runs[1].timeline = runs[0].timeline.clone();
    for p in &mut runs[1].timeline {
        p.queue_len = Some(0);
    }
    let data = queue_over_time(&chart_runs(&runs), 100);
    assert_eq!(data.series.len(), 1, "only the run whose queue held tasks");
    assert_eq!(data.notes, ["runs whose queue stayed empty are left out"]);
    assert_eq!(
        data.series[0].points,
        vec![[0.25, 10.0], [0.5, 20.0], [0.75, 30.0], [1.0, 40.0]]
    );
    assert!(data.y.range.end >= 40.0 && data.y.range.start == 0.0);
}

#[test]
fn a_running_run_is_a_point_of_its_own_in_its_colour() {
    let mut runs = sweep();
    let mut live = open_run(Model::Pool, 800.0, 500.0, (90_000.0, 200_000.0));
    live.status = RunStatus::Running;
    live.label = "#8 pool @800/s (running)".into();
    runs.push(live);
    let mut chart = chart_runs(&runs);
    chart.last_mut().unwrap().color = 11;
    let data = latency_vs_rate(&chart);
    let lines: Vec<&Series> = data
        .series
        .iter()
        .filter(|s| s.part == Some("response p50"))
        .collect();
    assert_eq!(lines.len(), 3, "{:?}", data.series);
    // The finished pool curve keeps its three rates; the running run is not on it.
    assert_eq!(lines[0].points.len(), 3);
    assert_eq!(lines[2].name, "#8 pool @800/s (running)");
    assert_eq!(lines[2].points, vec![[500.0, 90.0]]);
    assert_eq!(lines[2].color, Some(11));
    assert!(data.notes.iter().any(|n| n == "running: so far"));
    // A stopped or failed run has no place on the curve.
    runs.last_mut().unwrap().status = RunStatus::Stopped;
    let data = latency_vs_rate(&chart_runs(&runs));
    assert!(data.notes.iter().all(|n| n != "running: so far"));
}
