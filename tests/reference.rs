//! The reference programs of benches/reference/ (what benches/compare.sh runs next to parlab)
//! each run once, briefly, and print their one machine-readable line: so they cannot rot.

use std::collections::HashMap;
use std::process::Command;

/// Runs `parlab-reference ARGS --seconds 0.1` and returns its figures by name.
fn reference(args: &[&str]) -> HashMap<String, String> {
    let output = Command::new(env!("CARGO_BIN_EXE_parlab-reference"))
        .args(args)
        .args(["--seconds", "0.1"])
        .output()
        .expect("parlab-reference starts");
    let stdout = String::from_utf8_lossy(&output.stdout).into_owned();
    assert!(
        output.status.success(),
        "parlab-reference {args:?} failed: {stdout}{}",
        String::from_utf8_lossy(&output.stderr)
    );
    assert_eq!(stdout.lines().count(), 1, "one line: {stdout}");
    stdout
        .split_whitespace()
        .map(|kv| {
            let (k, v) = kv.split_once('=').expect("key=value");
            (k.to_string(), v.to_string())
        })
        .collect()
}

/// The figures compare.sh reads are there, positive and consistent with each other.
fn check(args: &[&str], mode: &str, threads: u64) {
    let f = reference(args);
    assert_eq!(f["reference"], mode, "{f:?}");
    assert_eq!(f["threads"], threads.to_string(), "{f:?}");
    let number = |k: &str| -> f64 { f[k].parse().unwrap_or_else(|_| panic!("{k} in {f:?}")) };
    let (tasks, seconds) = (number("tasks"), number("seconds"));
    assert!(tasks >= 1.0 && seconds >= 0.1, "{f:?}");
    let rate = number("tasks_per_sec");
    assert!((rate - tasks / seconds).abs() <= 0.01 * rate + 0.1, "{f:?}");
    let per_task = number("us_per_task");
    let expected = seconds * threads as f64 * 1e6 / tasks;
    assert!((per_task - expected).abs() <= 0.01 * expected, "{f:?}");
    // Some CPU was spent (0.1 s of busy threads or spawns is well above a clock tick), and
    // no more than every core could have given in the time.
    let cores = std::thread::available_parallelism().map_or(1, |n| n.get()) as f64;
    let cpu = number("cpu_us_per_task") * tasks / 1e6;
    assert!(cpu > 0.0 && cpu <= seconds * cores + 0.05, "{f:?}");
}

#[test]
fn raw_threads_on_the_cpu_kernel_print_their_figures() {
    check(
        &["threads", "--threads", "2", "--iterations", "1000"],
        "threads",
        2,
    );
}

#[test]
fn raw_spawn_and_join_prints_its_figures() {
    check(&["spawn-join", "--threads", "2"], "spawn-join", 2);
}

#[test]
fn raw_spawn_and_wait_of_bin_true_prints_its_figures() {
    check(&["spawn-process"], "spawn-process", 1);
}

#[test]
fn the_raw_lean_worker_runs_a_real_task_and_prints_its_figures() {
    let worker = env!("CARGO_BIN_EXE_parlab-worker");
    check(&["worker", "--program", worker], "worker", 1);
}

#[test]
fn a_std_mutex_loop_prints_its_figures() {
    check(
        &["mutex", "--threads", "2", "--iterations", "100"],
        "mutex",
        2,
    );
}

#[test]
fn a_worker_that_does_not_answer_is_an_error_not_a_figure() {
    // /bin/true exits at once without reading its task: the reference must say so.
    let output = Command::new(env!("CARGO_BIN_EXE_parlab-reference"))
        .args(["worker", "--program", "/bin/true", "--seconds", "0.1"])
        .output()
        .expect("parlab-reference starts");
    assert!(!output.status.success());
    assert!(output.stdout.is_empty());
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        stderr.contains("ended without running the task"),
        "{stderr}"
    );
}
