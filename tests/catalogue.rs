//! The workload catalogue end to end with the real binary: each kind on a tiny profile, the
//! race that loses updates, and the watchdog ending a deadlock.

mod common;

use common::*;
use serde_json::Value;

/// Runs `runs` and returns the results' runs (the run may fail; parlab may not).
fn run(runs: &[String]) -> Vec<Value> {
    let (output, json) = run_with_json(runs, &["-q"]);
    assert!(
        matches!(output.status.code(), Some(0 | 1)),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    json["runs"].as_array().unwrap().clone()
}

fn stat(run: &Value, name: &str) -> Option<u64> {
    run["workload_stats"][name].as_u64()
}

#[test]
fn memory_reads_its_buffer_and_each_process_holds_a_copy() {
    let wl = "kind = \"memory\"\nbytes = 33554432\npattern = \"sequential\"";
    let runs = run(&[
        run_table("threads", "2", "tasks = 20", wl),
        run_table("processes", "2", "tasks = 20", wl),
        run_table(
            "threads",
            "1",
            "tasks = 4",
            "kind = \"memory\"\nbytes = 4194304\npattern = \"random\"",
        ),
    ]);
    for r in &runs {
        assert_eq!(r["status"], "completed", "{r}");
    }
    assert_eq!(stat(&runs[0], "bytes_moved"), Some(20 * 33_554_432));
    assert_eq!(
        stat(&runs[1], "bytes_moved"),
        Some(20 * 33_554_432),
        "worker processes report their figures"
    );
    let rss = |r: &Value| r["process"]["peak_rss_bytes"].as_u64().unwrap();
    assert!(
        rss(&runs[1]) > rss(&runs[0]) + 20_000_000,
        "two processes hold two copies: {} vs {}",
        rss(&runs[1]),
        rss(&runs[0])
    );
}

#[test]
fn file_io_writes_reads_and_cleans_up() {
    let runs = run(&[
        run_table(
            "threads",
            "2",
            "tasks = 40",
            "kind = \"file-io\"\nbytes = 4096\nfsync = true",
        ),
        run_table(
            "processes",
            "2",
            "tasks = 40",
            "kind = \"file-io\"\nbytes = 4096",
        ),
    ]);
    for r in &runs {
        assert_eq!(r["status"], "completed", "{r}");
        assert_eq!(stat(r, "bytes_moved"), Some(40 * 2 * 4096));
    }
    let leftovers: Vec<_> = std::fs::read_dir(std::env::temp_dir())
        .unwrap()
        .filter_map(|e| e.ok())
        .filter(|e| {
            e.file_name()
                .to_string_lossy()
                .starts_with("parlab-file-io-")
        })
        .filter(|e| std::fs::read_dir(e.path()).is_ok_and(|mut d| d.next().is_some()))
        .collect();
    assert!(leftovers.is_empty(), "no files left behind: {leftovers:?}");
}

const RACE: &str = "kind = \"contention\"\nlock = \"unsynchronized\"\ncritical_iterations = 200";

#[test]
fn unsynchronized_updates_are_lost_with_two_threads_only() {
    let mut runs = run(&[
        run_table("threads", "1", "tasks = 100000", RACE),
        run_table("threads", "2", "tasks = 100000", RACE),
        run_table("processes", "2", "tasks = 100000", RACE),
        run_table(
            "threads",
            "2",
            "tasks = 20000",
            "kind = \"contention\"\nlock = \"mutex\"\ncritical_iterations = 200",
        ),
    ]);
    // Updates are lost only while both threads are inside the critical section at once; on a
    // busy machine they may have shared one core for the whole run and never overlapped.
    // Then race once more, ten times longer (about a second).
    if stat(&runs[1], "lost_updates") == Some(0) {
        eprintln!("no update lost in 100000 tasks (a busy machine?): racing ten times longer");
        runs[1] = run(&[run_table("threads", "2", "tasks = 1000000", RACE)]).remove(0);
    }
    assert_eq!(
        stat(&runs[0], "lost_updates"),
        Some(0),
        "one thread cannot race"
    );
    assert!(
        stat(&runs[1], "lost_updates").unwrap() > 0,
        "two threads lose updates: {}",
        runs[1]
    );
    assert_eq!(
        stat(&runs[2], "lost_updates"),
        Some(0),
        "processes each have their own counter"
    );
    assert_eq!(
        stat(&runs[3], "lost_updates"),
        Some(0),
        "a mutex loses nothing"
    );
}

#[test]
fn every_lock_kind_completes() {
    let runs: Vec<String> = ["mutex", "rwlock", "atomic", "sharded"]
        .iter()
        .map(|l| {
            run_table(
                "threads",
                "2",
                "tasks = 500",
                &format!("kind = \"contention\"\nlock = \"{l}\"\ncritical_iterations = 100"),
            )
        })
        .collect();
    for r in run(&runs) {
        assert_eq!(r["status"], "completed");
        assert_eq!(r["tasks_completed"], 500);
        assert_eq!(stat(&r, "lost_updates"), Some(0));
    }
}

#[test]
fn the_watchdog_ends_a_deadlock_and_the_next_run_still_runs() {
    let deadlock = "kind = \"contention\"\nlock = \"lock-order\"\ncritical_iterations = 200000";
    let started = std::time::Instant::now();
    let runs = run(&[
        run_table(
            "threads",
            "2",
            "duration_s = 60\nstall_timeout_s = 1.0",
            deadlock,
        ),
        run_table("threads", "1", "tasks = 10", "kind = \"spawn\""),
    ]);
    assert!(started.elapsed() < std::time::Duration::from_secs(30));
    assert_eq!(runs[0]["status"], "stalled");
    let error = runs[0]["error"].as_str().unwrap();
    assert!(
        error.contains("no task completed for 1.0 s")
            && error.contains("worker 1")
            && error.contains("worker 2"),
        "{error}"
    );
    assert_eq!(runs[1]["status"], "completed");
}

#[test]
fn a_hung_worker_process_is_ended_by_the_watchdog() {
    let runs = run(&[run_table(
        "processes",
        "1",
        "tasks = 5\nstall_timeout_s = 1.0",
        "kind = \"fault\"\naction = \"hang\"\nat_task = 2",
    )]);
    assert_eq!(runs[0]["status"], "stalled");
    assert_eq!(
        runs[0]["tasks_completed"], 2,
        "tasks 0 and 1 came back; the batch with task 2 never did"
    );
}

#[test]
fn spawn_and_transfer_run_in_every_model() {
    let mut runs = Vec::new();
    for model in [
        "threads",
        "pool",
        "processes",
        "thread-per-task",
        "process-per-task",
    ] {
        runs.push(run_table(model, "2", "tasks = 20", "kind = \"spawn\""));
        runs.push(run_table(
            model,
            "2",
            "tasks = 20",
            "kind = \"transfer\"\nbytes = 65536",
        ));
    }
    for r in run(&runs) {
        assert_eq!(r["status"], "completed", "{}", r["label"]);
        assert_eq!(r["tasks_completed"], 20);
        if r["workload"]["kind"] == "transfer" {
            assert_eq!(stat(&r, "bytes_moved"), Some(20 * 65536), "{}", r["model"]);
        }
    }
}

#[test]
fn catalogue_parameters_are_validated() {
    let dir = tempfile::tempdir().unwrap();
    for (workload, message) in [
        (
            "kind = \"memory\"\nbytes = 10\npattern = \"sequential\"",
            "bytes must be between 4096 and",
        ),
        (
            "kind = \"memory\"\nbytes = 4096\npattern = \"diagonal\"",
            "diagonal",
        ),
        (
            "kind = \"file-io\"\nbytes = 0",
            "bytes must be between 1 and",
        ),
        (
            "kind = \"transfer\"\nbytes = 999999999",
            "bytes must be between 1 and 16777216",
        ),
        (
            "kind = \"contention\"\nlock = \"spinlock\"\ncritical_iterations = 1",
            "spinlock",
        ),
    ] {
        let path = write(
            dir.path(),
            "bad.toml",
            &profile(&[run_table("threads", "1", "tasks = 1", workload)]),
        );
        let out = parlab().arg("validate").arg(&path).output().unwrap();
        assert_eq!(out.status.code(), Some(2));
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(err.contains("bad.toml:") && err.contains(message), "{err}");
    }
}

#[test]
fn python_runs_in_every_model_and_reports_its_own_timings() {
    common::require_python();
    let code = "kind = \"python\"\ncode = \"\"\"\nimport time\ndef task(i):\n    time.sleep(0.002)\n\"\"\"";
    let runs: Vec<String> = [
        "threads",
        "pool",
        "processes",
        "thread-per-task",
        "process-per-task",
    ]
    .iter()
    .map(|m| run_table(m, "2", "tasks = 6", code))
    .collect();
    for r in run(&runs) {
        assert_eq!(r["status"], "completed", "{}: {}", r["model"], r["error"]);
        assert_eq!(r["tasks_completed"], 6);
        let p50 = r["latency_us"]["p50"].as_f64().unwrap();
        assert!(
            (1_900.0..20_000.0).contains(&p50),
            "{}: the harness timed task(i) at {p50} µs",
            r["model"]
        );
    }
}

#[test]
fn a_python_exception_fails_the_run_with_its_traceback() {
    common::require_python();
    let code = "kind = \"python\"\ncode = \"\"\"\ndef task(i):\n    if i == 2:\n        raise ValueError('bad input ' + str(i))\n\"\"\"";
    let runs = run(&[
        run_table("threads", "1", "tasks = 5", code),
        run_table("processes", "1", "tasks = 5", code),
    ]);
    for r in runs {
        assert_eq!(r["status"], "failed");
        let error = r["error"].as_str().unwrap();
        assert!(
            error.contains("task(2) raised") && error.contains("ValueError: bad input 2"),
            "{error}"
        );
        assert!(error.contains("Traceback"), "{error}");
    }
    let broken = "kind = \"python\"\ncode = \"def task(i):\\n    return (\"";
    let runs = run(&[run_table("threads", "1", "tasks = 1", broken)]);
    let error = runs[0]["error"].as_str().unwrap();
    assert!(
        error.contains("failed to load") && error.contains("SyntaxError"),
        "{error}"
    );
}

#[test]
fn a_missing_interpreter_is_named_with_how_to_install_one() {
    let code = "kind = \"python\"\ninterpreter = \"python-does-not-exist\"\ncode = \"def task(i):\\n    pass\"";
    let runs = run(&[
        run_table("threads", "1", "tasks = 1", code),
        run_table("processes", "1", "tasks = 1", code),
    ]);
    for r in runs {
        assert_eq!(r["status"], "failed");
        let error = r["error"].as_str().unwrap();
        assert!(
            error.contains(
                "cannot start the Python interpreter `python-does-not-exist`: no such program"
            ),
            "{error}"
        );
        assert!(error.contains("apt-get install python3"), "{error}");
    }
}
