//! `parlab compare BASE NEW` with the real binary, on results files built here from the golden
//! file: per-repetition throughputs written by hand, so each verdict is known in advance.

mod common;

use common::parlab;
use serde_json::{Value, json};
use std::path::{Path, PathBuf};

const GOLDEN: &str = include_str!("golden/results-v1.json");

/// Five throughputs around 1000 with a spread of about 0.8 %.
const BASE: [f64; 5] = [1000.0, 1010.0, 990.0, 1005.0, 995.0];

/// The golden results, every run completed (`=fails` too), no repetitions yet.
fn golden() -> Value {
    let mut v: Value = serde_json::from_str(GOLDEN).expect("golden JSON");
    let fails = &mut v["runs"][3];
    fails["status"] = "completed".into();
    fails["error"] = Value::Null;
    v
}

/// Sets run `i`'s repetitions to these throughputs (completed, in rounds 0, 1, …).
fn set_reps(results: &mut Value, i: usize, throughputs: &[f64]) {
    let reps: Vec<Value> = throughputs
        .iter()
        .enumerate()
        .map(|(round, &t)| {
            json!({
                "round": round, "position": 0, "wall_seconds": 1.0,
                "tasks_completed": t as u64, "throughput_per_sec": t,
                "latency_us": {"p50": 8.0, "p99": 18.0},
                "overhead_per_task_us": 40.0, "status": "completed"
            })
        })
        .collect();
    results["runs"][i]["repetitions"] = reps.into();
    results["repetitions"] = throughputs.len().into();
}

fn scaled(f: f64) -> Vec<f64> {
    BASE.iter().map(|x| x * f).collect()
}

/// BASE: every run at `BASE`. NEW: cpu 20 % faster, race 20 % slower, copy 2 % slower
/// (within noise at 5 %), `=fails` so spread that nothing can be said (no change).
fn base_and_new() -> (Value, Value) {
    let mut base = golden();
    let mut new = golden();
    for i in 0..4 {
        set_reps(&mut base, i, &BASE);
    }
    set_reps(&mut new, 0, &scaled(1.2));
    set_reps(&mut new, 1, &scaled(0.8));
    set_reps(&mut new, 2, &scaled(0.98));
    set_reps(&mut new, 3, &[700.0, 1300.0, 900.0, 1200.0, 950.0]);
    (base, new)
}

fn write(dir: &Path, name: &str, v: &Value) -> PathBuf {
    common::write(dir, name, &v.to_string())
}

/// Runs `parlab compare BASE NEW ARGS…` on the two results; returns exit code, stdout, stderr.
fn compare(base: &Value, new: &Value, args: &[&str]) -> (i32, String, String) {
    let dir = tempfile::tempdir().expect("temporary folder");
    let (b, n) = (
        write(dir.path(), "base.json", base),
        write(dir.path(), "new.json", new),
    );
    let out = parlab()
        .current_dir(dir.path())
        .arg("compare")
        .arg(&b)
        .arg(&n)
        .args(args)
        .output()
        .expect("parlab runs");
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

/// The table row of run `label` (the first word of the line).
fn row<'a>(stdout: &'a str, label: &str) -> &'a str {
    stdout
        .lines()
        .find(|l| l.split_whitespace().next() == Some(label))
        .unwrap_or_else(|| panic!("no row for {label} in\n{stdout}"))
}

#[test]
fn each_run_gets_its_ratio_interval_and_verdict() {
    let (base, new) = base_and_new();
    let (code, out, err) = compare(&base, &new, &[]);
    assert_eq!(code, 0, "{out}{err}");
    assert!(row(&out, "cpu").ends_with("1.19–1.21  faster"), "{out}");
    assert!(row(&out, "cpu").contains("5 / 5"), "{out}");
    assert!(
        row(&out, "race").ends_with("0.79–0.81  slower, beyond 5 %"),
        "{out}"
    );
    assert!(
        row(&out, "copy").ends_with("0.97–0.99  within noise"),
        "{out}"
    );
    assert!(
        row(&out, "=fails").ends_with("0.73–1.34  no change"),
        "{out}"
    );
    assert!(
        out.contains("regression: race: 1.25× slower than the baseline (95 % CI"),
        "{out}"
    );
    assert!(!out.contains("warning"), "same host: {out}");
}

#[test]
fn fail_on_regression_exits_1_only_for_a_significant_slowdown_beyond_the_threshold() {
    let (base, new) = base_and_new();
    let (code, out, _) = compare(&base, &new, &["--fail-on-regression"]);
    assert_eq!(code, 1, "race is 20 % slower: {out}");
    // Only copy changed, 5 % slower: significantly slower, but not surely by more than 5 %.
    let mut five = base.clone();
    set_reps(&mut five, 2, &scaled(0.95));
    let (code, out, _) = compare(&base, &five, &["--fail-on-regression"]);
    assert_eq!(code, 0, "{out}");
    assert!(row(&out, "copy").ends_with("  slower"), "{out}");
    let (code, out, _) = compare(&base, &five, &["--fail-on-regression", "--threshold", "1"]);
    assert_eq!(code, 1, "beyond 1 %: {out}");
    // Within noise and faster never fail.
    let mut fine = base.clone();
    set_reps(&mut fine, 0, &scaled(1.2));
    set_reps(&mut fine, 1, &scaled(0.99));
    let (code, out, _) = compare(&base, &fine, &["--fail-on-regression"]);
    assert_eq!(code, 0, "{out}");
}

#[test]
fn runs_match_by_label_then_by_configuration_and_the_rest_are_listed() {
    let (base, mut new) = base_and_new();
    new["runs"][0]["label"] = "cpu renamed".into(); // same configuration as BASE's cpu
    new["runs"][2]["label"] = "copy x4".into();
    new["runs"][2]["workers"] = 4.into(); // matches nothing
    let (code, out, err) = compare(&base, &new, &[]);
    assert_eq!(code, 0, "{out}{err}");
    assert!(row(&out, "cpu").ends_with("  faster"), "{out}");
    assert!(
        out.contains("cpu renamed: matched by configuration with BASE's cpu (threads ×2)"),
        "{out}"
    );
    assert!(out.contains("\nonly in BASE: copy\n"), "{out}");
    assert!(out.contains("\nonly in NEW: copy x4\n"), "{out}");
}

#[test]
fn different_hosts_are_shown_and_warned_about() {
    let (base, mut new) = base_and_new();
    new["host"]["cpu_brand"] = "Intel Xeon".into();
    new["host"]["logical_cpus"] = 16.into();
    let (code, out, _) = compare(&base, &new, &[]);
    assert_eq!(code, 0, "{out}");
    assert!(out.contains("on AMD EPYC, 2 logical CPUs, Linux"), "{out}");
    assert!(
        out.contains("on Intel Xeon, 16 logical CPUs, Linux"),
        "{out}"
    );
    assert!(
        out.contains("warning: the files were measured on different machines (BASE: AMD EPYC, 2 logical CPUs; NEW: Intel Xeon, 16 logical CPUs)"),
        "{out}"
    );
}

#[test]
fn the_json_comparison_reads_back() {
    let (base, new) = base_and_new();
    let dir = tempfile::tempdir().expect("temporary folder");
    let (b, n) = (
        write(dir.path(), "b.json", &base),
        write(dir.path(), "n.json", &new),
    );
    let out_path = dir.path().join("cmp.json");
    let out = parlab()
        .args([
            "compare".as_ref(),
            b.as_os_str(),
            n.as_os_str(),
            "--json".as_ref(),
        ])
        .arg(&out_path)
        .output()
        .expect("parlab runs");
    assert_eq!(out.status.code(), Some(0));
    let text = std::fs::read_to_string(&out_path).expect("comparison written");
    let report: parlab::analysis::compare::Report =
        serde_json::from_str(&text).expect("the comparison reads back");
    assert_eq!(report.schema, "parlab-compare/1");
    assert_eq!((report.threshold_pct, report.regressions), (5.0, 1));
    let verdicts: Vec<_> = report
        .runs
        .iter()
        .map(|r| (r.label.as_str(), r.verdict.map(|v| v.as_str())))
        .collect();
    assert_eq!(
        verdicts,
        [
            ("cpu", Some("faster")),
            ("race", Some("slower")),
            ("copy", Some("within noise")),
            ("=fails", Some("no change")),
        ]
    );
    let cpu = &report.runs[0];
    assert_eq!(cpu.new.throughput_per_sec.map(|s| s.n), Some(5));
    assert!((cpu.ratio.unwrap() - 1.2).abs() < 1e-9);
    let raw: Value = serde_json::from_str(&text).expect("JSON");
    assert_eq!(raw["runs"][0]["matched_by"], "label");
    assert_eq!(raw["base"]["host"]["cpu_brand"], "AMD EPYC");
}

#[test]
fn old_files_give_a_ratio_but_no_verdict_and_never_fail() {
    let mut old_new = golden();
    old_new["runs"][1]["throughput_per_sec"] = 1000.0.into(); // race "1730× slower"
    let (code, out, _) = compare(&golden(), &old_new, &["--fail-on-regression"]);
    assert_eq!(code, 0, "one sample a side claims nothing: {out}");
    assert!(row(&out, "race").ends_with("  no verdict"), "{out}");
    assert!(row(&out, "race").contains("1 / 1"), "{out}");
    assert!(
        out.contains("no verdict where a side has fewer than 3 repetitions"),
        "{out}"
    );
    assert!(out.contains("from before repetitions"), "{out}");
}

/// Runs compare with `--json OUT` and expects exit 2, `message` on stderr, and no OUT.
fn refused(base: &str, new: &str, extra: &[&str], message: &str) {
    let dir = tempfile::tempdir().expect("temporary folder");
    let b = common::write(dir.path(), "base.json", base);
    let n = common::write(dir.path(), "new.json", new);
    let out_path = dir.path().join("out.json");
    let out = parlab()
        .arg("compare")
        .arg(&b)
        .arg(&n)
        .arg("--json")
        .arg(&out_path)
        .args(extra)
        .output()
        .expect("parlab runs");
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{err}");
    assert!(err.contains(message), "want {message:?} in {err}");
    assert!(
        out.stdout.is_empty(),
        "{}",
        String::from_utf8_lossy(&out.stdout)
    );
    assert!(!out_path.exists(), "nothing written on bad input");
}

#[test]
fn bad_input_is_a_sentence_exit_2_and_nothing_written() {
    let good = golden().to_string();
    refused(
        &good,
        common::GOOD,
        &[],
        "new.json:1:2: not a parlab results file",
    );
    refused(
        r#"{"schema": "other/1"}"#,
        &good,
        &[],
        "results schema \"other/1\" is not supported",
    );
    let mut lonely = golden();
    lonely["runs"] = json!([golden()["runs"][0].clone()]);
    lonely["runs"][0]["label"] = "lonely".into();
    lonely["runs"][0]["workers"] = 9.into();
    refused(&good, &lonely.to_string(), &[], "have no run in common");
    for bad in ["150", "-1", "abc", "nan"] {
        refused(
            &good,
            &good,
            &["--threshold", bad],
            "percentage from 0 to 100",
        );
    }
    refused(
        &good,
        &good,
        &["--threshold", "101"],
        "a percentage from 0 to 100, got 101",
    );
}

#[test]
fn a_json_output_that_cannot_be_written_exits_3_after_printing() {
    if !Path::new("/dev/full").exists() {
        panic!("this test needs /dev/full (Linux)");
    }
    let (base, new) = base_and_new();
    let (code, out, err) = compare(&base, &new, &["--json", "/dev/full"]);
    assert_eq!(code, 3, "{out}{err}");
    assert!(row(&out, "cpu").ends_with("  faster"), "{out}");
    assert!(
        err.contains("cannot write the comparison to /dev/full: the disk is full"),
        "{err}"
    );
}
