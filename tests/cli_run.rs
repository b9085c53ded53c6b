//! `parlab run` end to end with the real binary: every model, sweeps, durations, output.

mod common;

use common::*;

fn cpu(iterations: u64) -> String {
    format!("kind = \"cpu\"\niterations = {iterations}")
}

#[test]
fn every_model_completes_the_exact_task_count() {
    let dir = tempfile::tempdir().unwrap();
    let models = [
        "threads",
        "pool",
        "processes",
        "thread-per-task",
        "process-per-task",
    ];
    let runs: Vec<String> = models
        .iter()
        .map(|m| run_table(m, "2", "tasks = 37", &cpu(1000)))
        .collect();
    let path = write(dir.path(), "all.toml", &profile(&runs));
    let out = dir.path().join("out.json");
    let assert = run_command(&path, &out).assert().success();
    let stdout = String::from_utf8_lossy(&assert.get_output().stdout).to_string();
    let json = read_json(&out);
    assert_eq!(json["schema"], "parlab-results/1");
    assert!(json["host"]["logical_cpus"].as_u64().unwrap() >= 1);
    let results = json["runs"].as_array().unwrap();
    assert_eq!(results.len(), models.len());
    for (run, model) in results.iter().zip(models) {
        assert_eq!(run["model"], model);
        assert_eq!(run["status"], "completed", "{run}");
        assert_eq!(run["tasks_completed"], 37, "{model}");
        assert_eq!(run["tasks_failed"], 0);
        assert!(run["error"].is_null());
        assert!(run["wall_seconds"].as_f64().unwrap() > 0.0);
        assert!(run["throughput_per_sec"].as_f64().unwrap() > 0.0);
        let lat = &run["latency_us"];
        assert!(lat["p50"].as_f64().unwrap() > 0.0, "{model}: {lat}");
        assert!(lat["min"].as_f64().unwrap() <= lat["p50"].as_f64().unwrap());
        assert!(lat["p99"].as_f64().unwrap() <= lat["max"].as_f64().unwrap());
        assert!(run["overhead_per_task_us"].as_f64().is_some());
        let timeline = run["timeline"].as_array().unwrap();
        assert!(!timeline.is_empty());
        let timeline_tasks: f64 = timeline
            .iter()
            .zip(std::iter::once(0.0).chain(timeline.iter().map(|p| p["t"].as_f64().unwrap())))
            .map(|(p, prev)| {
                p["tasks_per_sec"].as_f64().unwrap() * (p["t"].as_f64().unwrap() - prev)
            })
            .sum();
        assert!(
            (timeline_tasks - 37.0).abs() < 0.5,
            "{model}: timeline sums to {timeline_tasks}"
        );
        assert!(
            stdout.contains(&format!("{model} ×2")),
            "summary lists {model}:\n{stdout}"
        );
    }
    assert!(stdout.lines().next().unwrap().contains("tasks/s"));
}

#[test]
fn a_sweep_expands_into_one_run_per_worker_count() {
    let dir = tempfile::tempdir().unwrap();
    let path = write(
        dir.path(),
        "sweep.toml",
        &profile(&[run_table("threads", "[1, 2, 3]", "tasks = 12", &cpu(100))]),
    );
    let out = dir.path().join("out.json");
    run_command(&path, &out).arg("--quiet").assert().success();
    let json = read_json(&out);
    let workers: Vec<u64> = json["runs"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["workers"].as_u64().unwrap())
        .collect();
    assert_eq!(workers, [1, 2, 3]);
    assert_eq!(json["runs"][2]["label"], "threads ×3");
    assert_eq!(
        json["profile"]["run"][0]["workers"],
        serde_json::json!([1, 2, 3])
    );
}

#[test]
fn a_timed_run_lasts_its_duration_and_samples_cpu() {
    let dir = tempfile::tempdir().unwrap();
    let runs = [
        run_table(
            "threads",
            "2",
            "duration_s = 0.6",
            "kind = \"sleep\"\nms = 2",
        ),
        run_table("processes", "2", "duration_s = 0.6", &cpu(20_000)),
        run_table("pool", "2", "duration_s = 0.6", &cpu(20_000)),
    ];
    let path = write(dir.path(), "timed.toml", &profile(&runs));
    let out = dir.path().join("out.json");
    run_command(&path, &out).assert().success();
    for run in read_json(&out)["runs"].as_array().unwrap() {
        let wall = run["wall_seconds"].as_f64().unwrap();
        assert!((0.55..2.0).contains(&wall), "{}: wall {wall}", run["label"]);
        assert!(run["tasks_completed"].as_u64().unwrap() > 10);
        let cpu = &run["cpu"];
        assert_eq!(cpu["interval_s"], 0.25);
        let cores = cpu["per_core"].as_array().unwrap();
        assert!(!cores.is_empty(), "one series per logical core");
        // 0.6 s at 4 samples a second.
        assert!(cores[0].as_array().unwrap().len() >= 2, "{cpu}");
        for v in cores.iter().flat_map(|c| c.as_array().unwrap()) {
            assert!((0.0..=100.0).contains(&v.as_f64().unwrap()));
        }
        assert!(run["process"]["peak_rss_bytes"].as_u64().unwrap() > 1_000_000);
    }
}

#[test]
fn warmup_tasks_run_before_measuring_and_are_not_counted() {
    let dir = tempfile::tempdir().unwrap();
    let runs: Vec<String> = [
        "threads",
        "pool",
        "processes",
        "process-per-task",
        "thread-per-task",
    ]
    .iter()
    .map(|m| run_table(m, "2", "tasks = 10\nwarmup_tasks = 5", &cpu(100)))
    .collect();
    let path = write(dir.path(), "warm.toml", &profile(&runs));
    let out = dir.path().join("out.json");
    run_command(&path, &out).arg("-q").assert().success();
    for run in read_json(&out)["runs"].as_array().unwrap() {
        assert_eq!(run["tasks_completed"], 10, "{}", run["label"]);
        assert_eq!(run["warmup_tasks"], 5);
    }
}

#[test]
fn command_workload_runs_the_program_and_reports_its_failure() {
    let dir = tempfile::tempdir().unwrap();
    let runs = [
        run_table(
            "threads",
            "2",
            "tasks = 10",
            "kind = \"command\"\nargv = [\"/bin/true\"]",
        ),
        run_table(
            "processes",
            "2",
            "tasks = 10",
            "kind = \"command\"\nargv = [\"/bin/true\"]",
        ),
        run_table(
            "threads",
            "1",
            "tasks = 3",
            "kind = \"command\"\nargv = [\"/bin/sh\", \"-c\", \"echo disk full >&2; exit 4\"]",
        ),
    ];
    let path = write(dir.path(), "cmd.toml", &profile(&runs));
    let out = dir.path().join("out.json");
    let assert = run_command(&path, &out).assert().code(1);
    let stderr = String::from_utf8_lossy(&assert.get_output().stderr).to_string();
    assert!(
        stderr.contains("This profile runs external programs"),
        "{stderr}"
    );
    assert!(stderr.contains("/bin/true"));
    let json = read_json(&out);
    assert_eq!(json["runs"][0]["status"], "completed");
    assert_eq!(json["runs"][0]["tasks_completed"], 10);
    assert_eq!(json["runs"][1]["tasks_completed"], 10);
    let failed = &json["runs"][2];
    assert_eq!(failed["status"], "failed");
    let error = failed["error"].as_str().unwrap();
    assert!(
        error.contains("exited with status 4") && error.contains("disk full"),
        "{error}"
    );
    assert_eq!(failed["tasks_failed"], 1);
}

#[test]
fn missing_program_gets_a_clear_error() {
    let dir = tempfile::tempdir().unwrap();
    let path = write(
        dir.path(),
        "nope.toml",
        &profile(&[run_table(
            "threads",
            "1",
            "tasks = 1",
            "kind = \"command\"\nargv = [\"no-such-program-xyz\"]",
        )]),
    );
    let assert = run_profile(&path).assert().code(1);
    let stdout = String::from_utf8_lossy(&assert.get_output().stdout).to_string();
    assert!(
        stdout.contains("cannot start `no-such-program-xyz`: no such program"),
        "{stdout}"
    );
}

#[test]
fn without_a_display_the_app_says_so_in_one_sentence() {
    let out = parlab()
        .env_remove("DISPLAY")
        .env_remove("WAYLAND_DISPLAY")
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("no graphical display is available"),
        "{stderr}"
    );
    assert!(stderr.contains("parlab run PROFILE"), "{stderr}");
    assert!(!stderr.contains("panicked"), "{stderr}");
    assert_eq!(
        stderr.trim().lines().count(),
        1,
        "one sentence, not a dump: {stderr}"
    );
}

#[test]
fn gui_with_a_broken_profile_names_the_line_and_opens_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let path = write(
        dir.path(),
        "broken.toml",
        "name = \"x\"\n[[run]]\nmodel = \"thread\"\n",
    );
    let out = parlab()
        .arg("gui")
        .arg(&path)
        .env_remove("DISPLAY")
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("broken.toml:3:9"), "{stderr}");
}

#[test]
fn validate_accepts_a_good_profile() {
    let dir = tempfile::tempdir().unwrap();
    let path = write(
        dir.path(),
        "ok.toml",
        &profile(&[run_table("pool", "[1, 2]", "tasks = 5", &cpu(10))]),
    );
    let assert = parlab().arg("validate").arg(&path).assert().success();
    let stdout = String::from_utf8_lossy(&assert.get_output().stdout).to_string();
    assert!(
        stdout.contains("valid, 2 runs: pool ×1, pool ×2"),
        "{stdout}"
    );
}
