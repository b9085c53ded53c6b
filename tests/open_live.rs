//! An open-load run watched while it runs: its live snapshots carry the queue length of each
//! timeline point and the open figures so far (response and queue latencies, achieved rate,
//! saturation), so a user sees an over-capacity queue grow before the run ends; the app's
//! Load tab draws them. Closed-loop runs' snapshots have none of it.

mod common;

use common::ui::{app_with, harness, step_until};
use egui_kittest::kittest::Queryable;
use parlab::chart::ChartKind;
use parlab::exec::{Session, WorkerCommand};
use parlab::gui::actions::Action;
use parlab::metrics::aggregate::TimelinePoint;
use parlab::profile::parse_str;
use parlab::results::{RunResult, RunStatus};
use std::sync::Arc;
use std::time::{Duration, Instant};

/// One run at a time in this file: each keeps a worker busy for seconds.
static SERIAL: std::sync::Mutex<()> = std::sync::Mutex::new(());

/// One worker serving 10 ms sleeps (at most 100 a second) while 300 arrive each second: the
/// queue grows by at least 200 a second whatever else the machine does, as the engine
/// schedules the arrivals and a sleep cannot end early.
fn over_capacity(duration_s: f64) -> String {
    common::profile(&[common::run_table(
        "threads",
        "1",
        &format!("duration_s = {duration_s}\narrival_rate = 300"),
        "kind = \"sleep\"\nms = 10",
    )])
}

fn session(text: &str) -> Session {
    let profile = parse_str(text, "test.toml").expect("valid profile");
    Session::start(profile, WorkerCommand::new(common::parlab_bin())).expect("session starts")
}

/// What a viewer saw of the run while it was still running: its snapshots (distinct ones,
/// in order) and the live timeline points at the last of them.
fn watch(session: &Session) -> (Vec<Arc<RunResult>>, Vec<TimelinePoint>) {
    let mut seen: Vec<Arc<RunResult>> = Vec::new();
    let mut points = Vec::new();
    let deadline = Instant::now() + Duration::from_secs(20);
    while !session.is_finished() && Instant::now() < deadline {
        let progress = session.progress();
        if progress.run_index == 0
            && progress.finished.is_empty()
            && let Some(snapshot) = progress.live.snapshot.clone()
            && !seen.last().is_some_and(|s| Arc::ptr_eq(s, &snapshot))
        {
            assert_eq!(snapshot.status, RunStatus::Running);
            points = progress.live.timeline.items_from(0);
            seen.push(snapshot);
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    (seen, points)
}

#[test]
fn a_running_open_run_shows_its_queue_growing_and_its_figures_so_far() {
    let _serial = SERIAL.lock().unwrap_or_else(|e| e.into_inner());
    let session = session(&over_capacity(2.0));
    let (snapshots, points) = watch(&session);
    let results = session.wait();
    let last = snapshots.last().expect("snapshots while running");
    assert!(
        points.len() >= 4,
        "live points of a 2 s run: {}",
        points.len()
    );
    // Every live point of an open run has its bucket's longest queue, growing by ~200/s.
    let lens: Vec<u64> = points
        .iter()
        .map(|p| {
            p.queue_len
                .expect("an open run's live point has a queue length")
        })
        .collect();
    // The longest (a bucket the monitor could not sample on a busy machine reads 0).
    let longest = (0..lens.len()).max_by_key(|&i| lens[i]).unwrap_or(0);
    let span_s = points[longest].t - points[0].t;
    assert!(
        span_s >= 0.75 && lens[longest] as f64 >= lens[0] as f64 + 100.0 * span_s,
        "the queue grows by at least 100/s over {span_s:.2} s: {lens:?}"
    );
    // The same lengths as the final result's points (the last may fold a sliver).
    let run = &results.runs[0];
    let done: Vec<Option<u64>> = run.timeline.iter().map(|p| p.queue_len).collect();
    let compared = lens.len().min(done.len() - 1);
    for (i, len) in lens.iter().enumerate().take(compared) {
        assert_eq!(
            done[i],
            Some(*len),
            "point {i}: live {lens:?}, final {done:?}"
        );
    }

    // The open figures so far: present in every snapshot once tasks completed, saturated
    // (at most 100 of the 300 offered each second), the response time growing.
    let open: Vec<_> = snapshots
        .iter()
        .filter(|s| s.tasks_completed > 0)
        .map(|s| {
            s.open
                .clone()
                .expect("a running open run has its open figures")
        })
        .collect();
    assert!(open.len() >= 3, "{} snapshots with tasks", open.len());
    let now = last
        .open
        .as_ref()
        .expect("the last snapshot's open figures");
    assert_eq!(now.offered_rate, 300.0);
    assert!(
        now.achieved_rate > 0.0 && now.achieved_rate <= 110.0,
        "achieved so far {}",
        now.achieved_rate
    );
    assert!(now.saturated, "over capacity: saturated so far");
    assert!(now.unstarted > 0, "arrivals wait in the queue now");
    assert!(
        now.queue_us.p99 > 0.0 && now.response_us.p99 >= now.queue_us.p99,
        "{now:?}"
    );
    let early = open[0].response_us.max;
    assert!(
        now.response_us.max >= early + 100_000.0,
        "the response time grows through the run: {early} µs, then {} µs",
        now.response_us.max
    );
}

#[test]
fn a_closed_loop_run_live_has_no_open_figures() {
    let _serial = SERIAL.lock().unwrap_or_else(|e| e.into_inner());
    let text = common::profile(&[common::run_table(
        "threads",
        "1",
        "duration_s = 1.0",
        "kind = \"sleep\"\nms = 2",
    )]);
    let session = session(&text);
    let (snapshots, points) = watch(&session);
    assert!(!snapshots.is_empty() && !points.is_empty());
    assert!(snapshots.iter().all(|s| s.open.is_none()));
    assert!(points.iter().all(|p| p.queue_len.is_none()));
    let results = session.wait();
    assert!(results.runs[0].open.is_none());
}

/// Steps the app while it runs, until its live run has `n` queue points.
fn queue_points(app: &parlab::gui::ParlabApp) -> usize {
    app.runner.live().map_or(0, |live| {
        live.timeline
            .iter()
            .filter(|p| p.queue_len.is_some_and(|q| q > 0))
            .count()
    })
}

#[test]
fn the_load_tab_draws_the_queue_of_the_running_run() {
    let _serial = SERIAL.lock().unwrap_or_else(|e| e.into_inner());
    let mut h = harness(app_with(Some(&over_capacity(10.0))));
    h.state_mut().apply(Action::ShowTab(ChartKind::Load));
    h.get_by_label("Start").click();
    assert!(
        step_until(&mut h, Duration::from_secs(15), |a| queue_points(a) >= 3),
        "the live run's queue reaches the app"
    );
    assert!(h.state().runner.is_running(), "still running");
    // The queue panel is drawn under the curve, from the live run's points.
    h.get_by_label("Queue length over time");
    let live = h.state().runner.live().expect("the live run");
    let series = [parlab::gui::charts::Series {
        name: parlab::chart::legend_name(0, &live, None),
        color: parlab::gui::palette::color(0),
        result: &live,
        origin: None,
    }];
    let runs = parlab::gui::charts::chart_runs(&series);
    let queue = parlab::chart::queue_over_time(&runs, 1200);
    assert_eq!(queue.series.len(), 1);
    assert!(queue.series[0].points.len() >= 3, "{:?}", queue.series);
    // The curve has the running run's point so far, named as running.
    let curve = parlab::chart::latency_vs_rate(&runs);
    assert!(
        curve
            .series
            .iter()
            .any(|s| s.name.ends_with("(running)") && s.points.len() == 1),
        "{:?}",
        curve.series
    );
    h.get_by_label("Stop").click();
    assert!(step_until(&mut h, Duration::from_secs(10), |a| !a
        .runner
        .is_running()));
}
