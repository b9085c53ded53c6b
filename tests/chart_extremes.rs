//! `parlab chart` on results files with one extreme number (issue 10, item 7): each used to
//! hang at 100 % CPU while the chart library searched an infinite axis for ticks. Now the
//! reader refuses the file naming the field, exit 2, at once.

mod common;

use common::*;
use serde_json::Value;
use std::path::Path;
use std::time::{Duration, Instant};

/// A real results file: a two-count sweep, so every chart (scaling included) has data.
fn measured(dir: &Path) -> Value {
    let runs = [run_table(
        "threads",
        "[1, 2]",
        "duration_s = 0.3",
        "kind = \"sleep\"\nms = 1",
    )];
    let profile = write(dir, "p.toml", &profile(&runs));
    let json = dir.join("r.json");
    run_command(&profile, &json)
        .arg("-q")
        .timeout(Duration::from_secs(60))
        .assert()
        .success();
    read_json(&json)
}

/// Runs `parlab chart` on `doc` (PNG and SVG) with a time limit; returns exit code and stderr.
fn chart(dir: &Path, doc: &Value) -> (Option<i32>, String) {
    let json = dir.join("edited.json");
    std::fs::write(&json, doc.to_string()).unwrap();
    let started = Instant::now();
    let out = parlab()
        .arg("chart")
        .arg(&json)
        .arg("--png")
        .arg(dir.join("c.png"))
        .arg("--svg")
        .arg(dir.join("c.svg"))
        .timeout(Duration::from_secs(20))
        .output()
        .unwrap();
    assert!(
        started.elapsed() < Duration::from_secs(20),
        "parlab chart hung on {doc}"
    );
    (
        out.status.code(),
        String::from_utf8_lossy(&out.stderr).into(),
    )
}

#[test]
fn extreme_numbers_are_refused_naming_the_field() {
    let dir = tempfile::tempdir().unwrap();
    let good = measured(dir.path());
    let (code, err) = chart(dir.path(), &good);
    assert_eq!(code, Some(0), "the measured file charts: {err}");
    let cases: [(&str, Value, &str); 7] = [
        (
            "/runs/1/timeline/0/tasks_per_sec",
            f64::MAX.into(),
            "runs[1].timeline[0].tasks_per_sec is 1.8e308, which no run can reach",
        ),
        (
            "/runs/0/timeline/0/t",
            f64::MAX.into(),
            "runs[0].timeline[0].t is 1.8e308, which no run can reach",
        ),
        (
            "/runs/0/timeline/0/p99_us",
            f64::MAX.into(),
            "runs[0].timeline[0].p99_us is 1.8e308",
        ),
        (
            "/runs/1/latency_us/p99",
            f64::MAX.into(),
            "runs[1].latency_us.p99 is 1.8e308",
        ),
        (
            "/runs/0/cpu/interval_s",
            1e308.into(),
            "runs[0].cpu.interval_s is 1e308, which no run can reach (at most 1e9 seconds)",
        ),
        (
            "/runs/0/throughput_per_sec",
            5e-324.into(),
            "runs[0].throughput_per_sec is 4.9e-324, too small to be a measurement",
        ),
        (
            "/runs/0/wall_seconds",
            (-1.0).into(),
            "runs[0].wall_seconds is -1, but it cannot be negative",
        ),
    ];
    for (pointer, value, expected) in cases {
        let mut doc = good.clone();
        *doc.pointer_mut(pointer)
            .unwrap_or_else(|| panic!("{pointer} exists")) = value;
        let (code, err) = chart(dir.path(), &doc);
        assert_eq!(code, Some(2), "{pointer}: {err}");
        assert!(
            err.contains("edited.json: ") && err.contains(expected),
            "{pointer}: {err}"
        );
    }
}

#[test]
fn a_number_given_as_text_is_refused_in_plain_words() {
    let dir = tempfile::tempdir().unwrap();
    let mut doc = measured(dir.path());
    doc["runs"][0]["latency_us"]["p99"] = "NaN".into();
    let (code, err) = chart(dir.path(), &doc);
    assert_eq!(code, Some(2), "{err}");
    assert!(
        err.contains("not a parlab results file: this value must be a number, not text \"NaN\""),
        "{err}"
    );
}

/// Error bars come from the repetitions, which the reader does not (yet) check: an extreme
/// repetition must still chart at once (or be refused naming its field), never hang or panic.
#[test]
fn extreme_repetitions_chart_at_once_or_are_refused() {
    let dir = tempfile::tempdir().unwrap();
    let json = common::run_repeated_sweep(dir.path(), 2, 0.1, "kind = \"sleep\"\nms = 1");
    let good = read_json(&json);
    for pointer in [
        "/runs/1/repetitions/0/throughput_per_sec",
        "/runs/0/repetitions/1/latency_us/p99",
        "/runs/1/repetitions/1/latency_us/p50",
    ] {
        for value in [f64::MAX, 1e300, 5e-324] {
            let mut doc = good.clone();
            *doc.pointer_mut(pointer)
                .unwrap_or_else(|| panic!("{pointer} exists")) = value.into();
            let (code, err) = chart(dir.path(), &doc);
            let refused = err.contains("edited.json: ") && err.contains("].repetitions[");
            assert!(
                code == Some(0) || (code == Some(2) && refused),
                "{pointer} = {value}: exit {code:?}: {err}"
            );
        }
    }
}
