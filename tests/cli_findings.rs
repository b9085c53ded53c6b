//! `parlab findings RESULTS.json`: findings recomputed from a saved file, `--md`, bad input.

mod common;

use serde_json::{Value, json};

/// The golden results with a threads sweep over 1, 2 and 4 workers of CPU-bound work on a
/// 2-CPU host: 1 → 2 doubles, 4 gains nothing while the cores are full.
fn sweep_file(dir: &std::path::Path) -> std::path::PathBuf {
    let text = include_str!("golden/results-v1.json");
    let mut results: Value = serde_json::from_str(text).expect("golden JSON");
    let base = results["runs"][0].clone();
    let runs: Vec<Value> = [(1, 1000.0, 1.0), (2, 1950.0, 1.98), (4, 1940.0, 1.99)]
        .iter()
        .map(|&(workers, tput, cores)| {
            let mut r = base.clone();
            r["label"] = json!(format!("t{workers}"));
            r["workers"] = json!(workers);
            r["throughput_per_sec"] = json!(tput);
            r["wall_seconds"] = json!(1.0);
            r["tasks_completed"] = json!(tput as u64);
            r["process"]["user_s"] = json!(cores);
            r["process"]["sys_s"] = json!(0.0);
            r
        })
        .collect();
    results["runs"] = json!(runs);
    results["host"]["logical_cpus"] = json!(2);
    common::write(dir, "sweep.json", &results.to_string())
}

#[test]
fn findings_of_a_saved_file_are_printed_and_written_as_markdown() {
    let dir = tempfile::tempdir().expect("temporary folder");
    let file = sweep_file(dir.path());
    let md = dir.path().join("report.md");
    let out = common::parlab()
        .arg("findings")
        .arg(&file)
        .arg("--md")
        .arg(&md)
        .output()
        .expect("parlab runs");
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "{stdout}\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(stdout.starts_with("findings:\n"), "{stdout}");
    assert!(
        stdout.contains("[scaling] threads · cpu stopped scaling at 2 workers"),
        "{stdout}"
    );
    assert!(stdout.contains("[cpu-saturated]"), "{stdout}");
    assert!(
        stdout.contains("fewer than 3 repetitions: not tested"),
        "{stdout}"
    );
    let report = std::fs::read_to_string(&md).expect("the report");
    assert!(report.starts_with("# parlab findings: "), "{report}");
    assert!(report.contains("\n## Runs\n\n| run |"), "{report}");
    assert!(report.contains("| t4 | threads | 4 |"), "{report}");
    assert!(report.contains("### notice `cpu-saturated`"), "{report}");
    assert!(report.contains("- runs: `t2`, `t4`\n"), "{report}");
    assert!(report.contains("- logical_cpus: 2\n"), "{report}");
}

#[test]
fn findings_refuses_what_is_not_results() {
    let dir = tempfile::tempdir().expect("temporary folder");
    let bad = common::write(dir.path(), "bad.json", "{\"hello\": 1}");
    let out = common::parlab()
        .arg("findings")
        .arg(&bad)
        .output()
        .expect("parlab runs");
    assert_eq!(out.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.starts_with("error: ") && stderr.contains("schema"),
        "{stderr}"
    );
    let missing = dir.path().join("missing.json");
    let out = common::parlab()
        .arg("findings")
        .arg(&missing)
        .output()
        .expect("parlab runs");
    assert_eq!(out.status.code(), Some(2));
    // An --md that would overwrite the input is refused before anything is printed.
    let file = sweep_file(dir.path());
    let out = common::parlab()
        .args(["findings"])
        .arg(&file)
        .arg("--md")
        .arg(&file)
        .output()
        .expect("parlab runs");
    assert_eq!(
        out.status.code(),
        Some(2),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(out.stdout.is_empty());
}

#[test]
fn run_writes_the_markdown_report_and_checks_its_path_first() {
    let dir = tempfile::tempdir().expect("temporary folder");
    let profile = common::write(
        dir.path(),
        "p.toml",
        &common::profile(&[common::run_table(
            "threads",
            "[1, 2]",
            "tasks = 200",
            "kind = \"cpu\"\niterations = 2000",
        )]),
    );
    let wrong = dir.path().join("report.txt");
    let out = common::run_profile(&profile)
        .arg("--md")
        .arg(&wrong)
        .output()
        .expect("parlab runs");
    assert_eq!(out.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("--md") && stderr.contains(".md"),
        "{stderr}"
    );
    assert!(
        !stderr.contains("threads ×1"),
        "refused before running: {stderr}"
    );

    let md = dir.path().join("report.md");
    common::run_profile(&profile)
        .arg("--md")
        .arg(&md)
        .arg("-q")
        .assert()
        .success();
    let report = std::fs::read_to_string(&md).expect("the report");
    assert!(report.starts_with("# parlab findings: "), "{report}");
    assert!(report.contains("| threads ×2 | threads | 2 |"), "{report}");
    assert!(report.contains("\n## Findings\n"), "{report}");
}
