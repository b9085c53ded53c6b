//! The session's span budget on real runs of the real binary (issue 16, "bound memory"):
//! a profile of many runs keeps fewer spans per run, so that a session holds at most
//! `SESSION_SPAN_LIMIT` spans whatever its length; the spans kept are each worker's first
//! tasks', and the per-bucket busy totals still count every task.

mod common;

use parlab::metrics::spans::SESSION_SPAN_LIMIT;
use serde_json::Value;
use std::time::Duration;

/// Spans in `lane`.
fn span_count(lane: &Value) -> u64 {
    lane["spans"].as_array().map_or(0, |s| s.len() as u64)
}

/// Nanoseconds of running time in `lane`'s bucket totals.
fn running_ns(lane: &Value) -> u64 {
    lane["running_ns"]
        .as_array()
        .map_or(0, |b| b.iter().filter_map(Value::as_u64).sum())
}

#[test]
fn many_runs_keep_fewer_spans_each_and_the_bucket_totals_stay_whole() {
    // 2 configurations × 10 interleaved repetitions: 20 timelines held at once, so each run
    // keeps 2 000 000 / 20 = 100 000 spans, fewer than its 150 000 tasks.
    let text = "name = \"budget\"\nrepetitions = 10\n\n[[run]]\nmodel = \"threads\"\n\
                workers = [1, 2]\ntasks = 150_000\n\n[run.workload]\nkind = \"cpu\"\n\
                iterations = 300\n";
    let limit = SESSION_SPAN_LIMIT / 20;
    assert!(limit < 150_000, "the test must reach the limit");
    let dir = tempfile::tempdir().expect("temporary folder");
    let json = dir.path().join("results.json");
    common::run_command(&common::write(dir.path(), "p.toml", text), &json)
        .arg("-q")
        .timeout(Duration::from_secs(120))
        .assert()
        .success();
    let results = common::read_json(&json);
    let runs = results["runs"].as_array().expect("runs");
    assert_eq!(runs.len(), 2);
    for run in runs {
        let label = run["label"].as_str().unwrap_or("");
        let timeline = &run["worker_timeline"];
        assert_eq!(timeline["span_limit"], limit, "{label}");
        assert_eq!(
            timeline["thinned"], true,
            "{label}: 150 000 tasks, {limit} spans"
        );
        let lanes = timeline["lanes"].as_array().expect("lanes");
        let workers = lanes.len() as u64;
        let kept: u64 = lanes.iter().map(span_count).sum();
        // Each worker keeps its share; one that ran fewer tasks keeps fewer.
        assert!(
            lanes.iter().all(|l| span_count(l) <= limit / workers),
            "{label}: a worker kept more than its share of {limit}"
        );
        assert!(
            kept > limit / 2 && kept <= limit,
            "{label}: {kept} spans kept"
        );
        if workers == 1 {
            assert_eq!(
                kept, limit,
                "{label}: one worker keeps its first {limit} tasks"
            );
        }
        // The bucket totals count every task, not only the ones with a span: tasks of one
        // size, so they hold about 150 000 / kept times the spans' time.
        let totals: u64 = lanes.iter().map(running_ns).sum();
        let spans_ns: u64 = lanes
            .iter()
            .flat_map(|l| l["spans"].as_array().cloned().unwrap_or_default())
            .map(|s| s[1].as_u64().unwrap_or(0) - s[0].as_u64().unwrap_or(0))
            .sum();
        let expected = 150_000.0 / kept as f64;
        let ratio = totals as f64 / spans_ns as f64;
        assert!(
            (0.75 * expected..1.33 * expected).contains(&ratio),
            "{label}: bucket totals {totals} ns are {ratio:.2} × the spans' {spans_ns} ns, \
             expected about {expected:.2}"
        );
    }
}
