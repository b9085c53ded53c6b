use super::*;

fn profile(toml: &str) -> Profile {
    crate::profile::parse_str(toml, "test").expect("a valid profile")
}

fn one_run(model: &str, workers: &str, stop: &str, workload: &str) -> String {
    format!(
        "[[run]]\nmodel = \"{model}\"\nworkers = {workers}\n{stop}\n[run.workload]\n{workload}\n"
    )
}

#[test]
fn the_issue_case_ten_ms_sleeps_are_minutes_before_start() {
    // The CPU example's 20 000 tasks with the workload switched to a 10 ms sleep.
    let p = profile(&one_run(
        "threads",
        "1",
        "tasks = 20_000",
        "kind = \"sleep\"\nms = 10",
    ));
    let e = time_estimate(&p, 2);
    assert!((200.0..205.0).contains(&e.seconds), "{e:?}");
    assert_eq!(e.describe(), "about 3 min 20 s");
    // Waiting does not need a core: 4 workers take a quarter of the time even on 2 cores.
    let p = profile(&one_run(
        "threads",
        "4",
        "tasks = 20_000",
        "kind = \"sleep\"\nms = 10",
    ));
    assert_eq!(time_estimate(&p, 2).describe(), "about 50 s");
}

#[test]
fn runs_that_stop_on_time_take_duration_times_runs_times_repetitions() {
    let p = profile(&format!(
        "repetitions = 3\n{}",
        one_run(
            "threads",
            "[1, 4, 16, 64]",
            "duration_s = 3.0",
            "kind = \"sleep\"\nms = 20"
        )
    ));
    let e = time_estimate(&p, 2);
    assert_eq!(e.runs.len(), 4);
    assert_eq!(e.rounds, 3);
    assert!((36.0..37.0).contains(&e.seconds), "{e:?}");
    assert_eq!(e.describe(), "about 37 s");
}

#[test]
fn cpu_tasks_spread_over_the_cores_not_over_more_workers() {
    // 20 000 × 60 000 iterations × 1.8 ns = 2.16 s of one core.
    let run = |workers| {
        one_run(
            "threads",
            workers,
            "tasks = 20_000",
            "kind = \"cpu\"\niterations = 60_000",
        )
    };
    let one = time_estimate(&profile(&run("1")), 2).seconds;
    let eight_on_two = time_estimate(&profile(&run("8")), 2).seconds;
    let eight_on_eight = time_estimate(&profile(&run("8")), 8).seconds;
    assert!((2.1..2.4).contains(&one), "{one}");
    assert!((one / 2.0 - eight_on_two).abs() < 0.05, "{eight_on_two}");
    assert!(
        (one / 8.0 - eight_on_eight).abs() < 0.06,
        "{eight_on_eight}"
    );
}

#[test]
fn kinds_that_cannot_be_timed_are_named_not_guessed() {
    let python = "kind = \"python\"\ncode = \"def task(i):\\n    pass\\n\"";
    let p = profile(&format!(
        "{}{}{}",
        one_run(
            "threads",
            "1",
            "duration_s = 12.0",
            "kind = \"cpu\"\niterations = 1"
        ),
        one_run("threads", "1", "tasks = 100", python),
        one_run(
            "threads",
            "1",
            "tasks = 10",
            "kind = \"command\"\nargv = [\"/bin/true\"]"
        ),
    ));
    let e = time_estimate(&p, 2);
    assert_eq!(e.runs[1], None);
    assert_eq!(
        e.describe(),
        "at least 12 s; python and command tasks: unknown"
    );
    // A python run that stops on time is known: its duration.
    let p = profile(&one_run("threads", "1", "duration_s = 2.0", python));
    assert_eq!(time_estimate(&p, 2).describe(), "about 2 s");
    // Nothing known at all.
    let p = profile(&one_run(
        "threads",
        "1",
        "tasks = 10",
        "kind = \"file-io\"\nbytes = 4096",
    ));
    assert_eq!(time_estimate(&p, 2).describe(), "file-io tasks: unknown");
}

#[test]
fn a_deadlock_lasts_its_stall_timeout_not_its_duration() {
    let p = profile(&one_run(
        "threads",
        "2",
        "duration_s = 60.0\nstall_timeout_s = 2.0",
        "kind = \"contention\"\nlock = \"lock-order\"\ncritical_iterations = 50_000",
    ));
    let e = time_estimate(&p, 2);
    assert!((2.0..2.5).contains(&e.seconds), "{e:?}");
}

#[test]
fn a_mutex_serialises_its_threads() {
    let run = |workers| {
        one_run(
            "threads",
            workers,
            "tasks = 100_000",
            "kind = \"contention\"\nlock = \"mutex\"\ncritical_iterations = 10_000",
        )
    };
    let one = time_estimate(&profile(&run("1")), 4).seconds;
    let four = time_estimate(&profile(&run("4")), 4).seconds;
    assert!((one - four).abs() / one < 0.05, "{one} vs {four}");
}

#[test]
fn durations_read_as_a_person_would_say_them() {
    let cases = [
        (0.4, "1 s"),
        (12.4, "12 s"),
        (59.4, "59 s"),
        (61.0, "1 min"),
        (213.4, "3 min 35 s"),
        (599.0, "10 min"),
        (754.0, "13 min"),
        (3600.0, "1 h"),
        (3600.0 + 65.0 * 60.0, "2 h 5 min"),
    ];
    for (seconds, text) in cases {
        assert_eq!(human_duration(seconds), text, "{seconds}");
    }
    assert_eq!(approximately(0.3), "under a second");
}
