//! Faults and stops with the real binary: a failing worker fails its run (with a message
//! naming the worker and why) and the next run still runs; Ctrl-C stops promptly, writes
//! what was measured and leaves no child process behind.

mod common;

use common::*;
use std::process::Child;
use std::time::{Duration, Instant};

fn fault(action: &str, at: u64) -> String {
    format!("kind = \"fault\"\naction = \"{action}\"\nat_task = {at}")
}

const NEXT_RUN: &str = "kind = \"cpu\"\niterations = 1000";

/// Runs a profile of `(model, fault action)` runs, each followed by a healthy run, and
/// returns the runs' JSON.
fn run_faults(cases: &[(&str, &str)]) -> Vec<serde_json::Value> {
    let mut runs = Vec::new();
    for (model, action) in cases {
        runs.push(run_table(model, "2", "tasks = 50", &fault(action, 3)));
        runs.push(run_table(model, "2", "tasks = 20", NEXT_RUN));
    }
    let (output, json) = run_with_json(&runs, &[]);
    assert_eq!(output.status.code(), Some(1), "a failed run exits 1");
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        !stderr.contains("panicked at"),
        "task panics are reported, not dumped: {stderr}"
    );
    let runs = json["runs"].as_array().unwrap().clone();
    assert_eq!(runs.len(), cases.len() * 2, "every run ran");
    for pair in runs.chunks(2) {
        assert_eq!(pair[0]["status"], "failed", "{}", pair[0]);
        assert_eq!(
            pair[1]["status"], "completed",
            "the next run still runs: {}",
            pair[1]
        );
        assert_eq!(pair[1]["tasks_completed"], 20);
    }
    runs
}

fn error(run: &serde_json::Value) -> String {
    run["error"].as_str().unwrap_or_default().to_string()
}

#[test]
fn panicking_task_fails_its_run_in_every_thread_model() {
    let runs = run_faults(&[
        ("threads", "panic"),
        ("pool", "panic"),
        ("thread-per-task", "panic"),
        ("threads", "error"),
    ]);
    for run in runs.iter().step_by(2).take(3) {
        let e = error(run);
        assert!(
            e.contains("task 3: panicked: fault injected at task 3"),
            "{e}"
        );
        assert!(e.starts_with("worker "), "{e}");
        assert_eq!(run["tasks_failed"], 1);
    }
    assert!(error(&runs[6]).contains("task 3: fault injected at task 3"));
}

#[test]
fn crashing_or_garbling_worker_process_fails_its_run() {
    let runs = run_faults(&[
        ("processes", "exit"),
        ("processes", "signal"),
        ("processes", "garbage"),
        ("processes", "panic"),
        ("process-per-task", "exit"),
        ("process-per-task", "signal"),
    ]);
    let errors: Vec<String> = runs.iter().step_by(2).map(error).collect();
    let pid_and = |e: &str, what: &str| e.contains("(pid ") && e.contains(what);
    // What the worker wrote to stderr last is quoted, whichever way its stderr was read (a
    // thread of its own for `processes`, alongside its answers for `process-per-task`).
    let said = ": fault injected at task 3: exiting with status 3";
    assert!(
        pid_and(&errors[0], "exited with status 3 after") && errors[0].ends_with(said),
        "{}",
        errors[0]
    );
    assert!(
        pid_and(&errors[1], "was killed by signal 9 (SIGKILL) after"),
        "{}",
        errors[1]
    );
    assert!(
        pid_and(&errors[2], "sent garbage on its pipe"),
        "{}",
        errors[2]
    );
    assert!(
        pid_and(&errors[3], "task 3: panicked: fault injected at task 3"),
        "{}",
        errors[3]
    );
    assert!(
        pid_and(&errors[4], "exited with status 3") && errors[4].ends_with(said),
        "{}",
        errors[4]
    );
    assert!(
        pid_and(&errors[5], "was killed by signal 9"),
        "{}",
        errors[5]
    );
}

/// Starts `parlab run` on `runs` in the background, results to `out`.
fn spawn_profile(dir: &std::path::Path, runs: &[String], out: &std::path::Path) -> Child {
    let path = write(dir, "bg.toml", &profile(runs));
    spawn_run(&path, out)
}

fn wait_exit(child: &mut Child, timeout: Duration) -> Option<i32> {
    let deadline = Instant::now() + timeout;
    while Instant::now() < deadline {
        if let Some(status) = child.try_wait().unwrap() {
            return status.code();
        }
        std::thread::sleep(Duration::from_millis(10));
    }
    let _ = child.kill();
    None
}

#[test]
fn a_worker_killed_from_outside_fails_the_run_and_the_next_run_completes() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("out.json");
    let runs = [
        run_table(
            "processes",
            "2",
            "duration_s = 60",
            "kind = \"sleep\"\nms = 5",
        ),
        run_table("processes", "2", "tasks = 30", NEXT_RUN),
    ];
    let mut child = spawn_profile(dir.path(), &runs, &out);
    let parent = child.id();
    assert!(
        wait_until(Duration::from_secs(10), || children_of(parent).len() == 2),
        "two workers start"
    );
    // Let some tasks complete first.
    std::thread::sleep(Duration::from_millis(300));
    let victim = children_of(parent)[0];
    signal(victim, libc::SIGKILL);
    assert_eq!(wait_exit(&mut child, Duration::from_secs(30)), Some(1));
    let json = read_json(&out);
    let e = error(&json["runs"][0]);
    assert!(
        e.contains(&format!(
            "(pid {victim}) was killed by signal 9 (SIGKILL) after "
        )),
        "{e}"
    );
    assert_eq!(json["runs"][1]["status"], "completed");
    assert!(children_of(parent).is_empty());
}

/// Sends Ctrl-C to `child` and waits for it: its exit code and how long it took.
fn stop_and_time(child: &mut Child) -> (Option<i32>, Duration) {
    let stopped_at = Instant::now();
    signal(child.id(), libc::SIGINT);
    let code = wait_exit(child, Duration::from_secs(10));
    (code, stopped_at.elapsed())
}

#[test]
fn ctrl_c_stops_promptly_writes_results_and_leaves_no_children() {
    for model in ["processes", "process-per-task", "threads"] {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("out.json");
        let workload = if model == "threads" {
            "kind = \"sleep\"\nms = 60000"
        } else {
            "kind = \"sleep\"\nms = 20"
        };
        let runs = [
            run_table(model, "2", "duration_s = 60", workload),
            run_table("threads", "1", "tasks = 5", NEXT_RUN),
        ];
        let mut child = spawn_profile(dir.path(), &runs, &out);
        let parent = child.id();
        let mut seen = Vec::new();
        if model != "threads" {
            assert!(wait_until(Duration::from_secs(10), || !children_of(parent).is_empty()));
            seen = children_of(parent);
        }
        std::thread::sleep(Duration::from_millis(400));
        let (code, took) = stop_and_time(&mut child);
        assert_eq!(code, Some(130), "{model}: stopped exits 130");
        assert!(
            took < Duration::from_secs(3),
            "{model}: stopping took {took:?}"
        );
        for pid in seen {
            assert!(!alive(pid), "{model}: worker {pid} outlived the run");
        }
        let json = read_json(&out);
        let runs = json["runs"].as_array().unwrap();
        assert_eq!(
            runs.len(),
            1,
            "{model}: later runs do not start after a stop"
        );
        assert_eq!(runs[0]["status"], "stopped");
        assert!(runs[0]["error"].is_null());
        if model != "threads" {
            assert!(
                runs[0]["tasks_completed"].as_u64().unwrap() > 0,
                "{model}: what ran is kept"
            );
        }
    }
}

#[test]
fn workers_die_with_parlab_even_when_it_is_killed() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("out.json");
    let runs = [run_table(
        "processes",
        "2",
        "duration_s = 60",
        "kind = \"sleep\"\nms = 10",
    )];
    let mut child = spawn_profile(dir.path(), &runs, &out);
    let parent = child.id();
    assert!(wait_until(Duration::from_secs(10), || children_of(parent)
        .len()
        == 2));
    let workers = children_of(parent);
    signal(parent, libc::SIGKILL);
    let _ = child.wait();
    assert!(
        wait_until(Duration::from_secs(5), || workers
            .iter()
            .all(|w| !alive(*w))),
        "PR_SET_PDEATHSIG ends the workers"
    );
}
