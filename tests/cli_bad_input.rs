//! Bad input: every case exits 2 with a message naming the file, line and field, and never panics.

mod common;

use common::*;

/// Runs `parlab run` and `parlab validate` on `text` and returns validate's stderr.
fn rejected(text: &str) -> String {
    let dir = tempfile::tempdir().unwrap();
    let path = write(dir.path(), "cpu.toml", text);
    let mut stderr = String::new();
    for cmd in ["run", "validate"] {
        let out = parlab().arg(cmd).arg(&path).output().unwrap();
        assert_eq!(out.status.code(), Some(2), "{cmd} exits 2");
        stderr = String::from_utf8_lossy(&out.stderr).to_string();
        assert!(!stderr.contains("panicked"), "{stderr}");
        assert!(stderr.contains("cpu.toml:"), "names the file: {stderr}");
        assert!(out.stdout.is_empty(), "no summary for a rejected profile");
    }
    stderr
}

#[test]
fn zero_workers_names_line_column_and_range() {
    let err = rejected(&GOOD.replace("workers = 2", "workers = 0"));
    assert!(
        err.contains("cpu.toml:5:11: run[0].workers must be between 1 and 1024, got 0"),
        "{err}"
    );
}

#[test]
fn too_many_processes_names_the_process_limit() {
    let err = rejected(
        &GOOD
            .replace("\"threads\"", "\"processes\"")
            .replace("workers = 2", "workers = [1, 257]"),
    );
    assert!(
        err.contains("cpu.toml:5:15: run[0].workers[1] must be between 1 and 256, got 257"),
        "{err}"
    );
}

#[test]
fn unknown_key_is_an_error() {
    let err = rejected(&GOOD.replace("tasks = 10", "tasks = 10\nworkerz = 3"));
    assert!(
        err.contains("cpu.toml:7:") && err.contains("workerz"),
        "{err}"
    );
}

#[test]
fn unknown_model_lists_the_choices() {
    let err = rejected(&GOOD.replace("\"threads\"", "\"fibers\""));
    assert!(
        err.contains("cpu.toml:4:") && err.contains("fibers") && err.contains("process-per-task"),
        "{err}"
    );
}

#[test]
fn unknown_workload_kind_and_parameter() {
    let err = rejected(&GOOD.replace("kind = \"cpu\"", "kind = \"gpu\""));
    assert!(err.contains("gpu"), "{err}");
    let err = rejected(&GOOD.replace("iterations = 100", "iterations = 100\nthreads = 2"));
    assert!(err.contains("threads"), "{err}");
}

#[test]
fn tasks_and_duration_are_exclusive_and_one_is_required() {
    let err = rejected(&GOOD.replace("tasks = 10", "tasks = 10\nduration_s = 1.0"));
    assert!(
        err.contains("cpu.toml:7:14: run[0].duration_s: set either tasks or duration_s, not both"),
        "{err}"
    );
    let err = rejected(&GOOD.replace("tasks = 10\n", ""));
    assert!(err.contains("set tasks (a count) or duration_s"), "{err}");
}

#[test]
fn out_of_range_values_name_the_allowed_range() {
    let err = rejected(&GOOD.replace("tasks = 10", "tasks = 0"));
    assert!(
        err.contains("cpu.toml:6:9: run[0].tasks must be at least 1, got 0"),
        "{err}"
    );
    let err = rejected(&GOOD.replace("tasks = 10", "duration_s = 0.01"));
    assert!(
        err.contains("duration_s must be between 0.1 and 86400 (24 h), got 0.01"),
        "{err}"
    );
    let err = rejected(&GOOD.replace("iterations = 100", "iterations = 0"));
    assert!(
        err.contains("cpu.toml:10:14: run[0].workload.iterations must be between 1 and"),
        "{err}"
    );
    let err = rejected(&GOOD.replace(
        "kind = \"cpu\"\niterations = 100",
        "kind = \"sleep\"\nms = -5",
    ));
    assert!(err.contains("ms must be between 0 and"), "{err}");
}

#[test]
fn wrong_types_and_syntax_errors_are_located() {
    let err = rejected(&GOOD.replace("tasks = 10", "tasks = \"ten\""));
    assert!(
        err.contains("cpu.toml:6:") && err.contains("tasks"),
        "{err}"
    );
    let err = rejected(&GOOD.replace("[run.workload]", "[run.workload"));
    assert!(err.contains("cpu.toml:8:"), "{err}");
    let err = rejected(&GOOD.replace("workers = 2", "workers = -1"));
    assert!(
        err.contains("cpu.toml:5:") && err.contains("workers"),
        "{err}"
    );
}

#[test]
fn empty_profile_and_empty_argv() {
    let err = rejected("name = \"nothing\"\n");
    assert!(err.contains("no [[run]] table"), "{err}");
    let err = rejected(&GOOD.replace(
        "kind = \"cpu\"\niterations = 100",
        "kind = \"command\"\nargv = []",
    ));
    assert!(err.contains("argv must name a program"), "{err}");
}

#[test]
fn process_only_faults_are_refused_for_thread_models() {
    let err = rejected(&GOOD.replace(
        "kind = \"cpu\"\niterations = 100",
        "kind = \"fault\"\naction = \"exit\"",
    ));
    assert!(err.contains("would end parlab itself"), "{err}");
}

#[test]
fn missing_profile_file() {
    let out = parlab()
        .arg("run")
        .arg("/nonexistent/cpu.toml")
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("cannot read profile /nonexistent/cpu.toml"),
        "{err}"
    );
}

#[test]
fn unwritable_output_is_refused_before_running() {
    let dir = tempfile::tempdir().unwrap();
    let path = write(dir.path(), "cpu.toml", GOOD);
    let out = run_profile(&path)
        .arg("--json")
        .arg("/nonexistent/dir/out.json")
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("folder /nonexistent/dir does not exist"),
        "{err}"
    );
    assert!(out.stdout.is_empty(), "nothing ran");
}

#[test]
fn bad_arguments_exit_2() {
    let out = parlab().arg("run").output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    let out = parlab().arg("frobnicate").output().unwrap();
    assert_eq!(out.status.code(), Some(2));
}
