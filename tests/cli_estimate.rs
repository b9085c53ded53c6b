//! How long a profile will take, said before it runs: `parlab validate`'s second line and
//! `parlab run`'s first (issue 15, item 7).

mod common;

use common::{parlab, profile, run_profile, run_table, write};

/// The CPU example with its workload switched to a 10 ms sleep: the case from the issue,
/// which took minutes per run with nothing said before Start.
#[test]
fn validate_says_the_cpu_example_with_10_ms_sleeps_takes_45_minutes() {
    let example = include_str!("../assets/profiles/cpu-threads-vs-processes.toml");
    let slept = example.replace(
        "kind = \"cpu\"\niterations = 60_000",
        "kind = \"sleep\"\nms = 10",
    );
    assert_eq!(slept.matches("ms = 10").count(), 3, "every run switched");
    let dir = tempfile::tempdir().unwrap();
    let path = write(dir.path(), "slept.toml", &slept);
    let out = parlab().arg("validate").arg(&path).output().unwrap();
    assert!(out.status.success());
    let stdout = String::from_utf8_lossy(&out.stdout);
    // 20 000 tasks × 10 ms on 1 and on 2 workers, 3 models, 3 repetitions: 45 minutes.
    assert_eq!(
        stdout.lines().nth(1),
        Some("Estimated time: about 45 min (6 runs × 3 repetitions)"),
        "{stdout}"
    );
    let path = write(dir.path(), "example.toml", example);
    let out = parlab().arg("validate").arg(&path).output().unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(stdout.contains("\nEstimated time: about "), "{stdout}");
}

#[test]
fn what_cannot_be_timed_is_named_not_guessed() {
    let dir = tempfile::tempdir().unwrap();
    let text = profile(&[
        run_table(
            "threads",
            "1",
            "duration_s = 12.0",
            "kind = \"sleep\"\nms = 1",
        ),
        run_table(
            "threads",
            "1",
            "tasks = 10",
            "kind = \"command\"\nargv = [\"/bin/true\"]",
        ),
    ]);
    let path = write(dir.path(), "mixed.toml", &text);
    let out = parlab().arg("validate").arg(&path).output().unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert_eq!(
        stdout.lines().nth(1),
        Some("Estimated time: at least 12 s; command tasks: unknown (2 runs)"),
        "{stdout}"
    );
}

#[test]
fn run_says_the_estimate_first_and_not_when_quiet() {
    let dir = tempfile::tempdir().unwrap();
    let text = profile(&[run_table(
        "threads",
        "2",
        "tasks = 20",
        "kind = \"sleep\"\nms = 1",
    )]);
    let path = write(dir.path(), "quick.toml", &text);
    let out = run_profile(&path).output().unwrap();
    assert!(out.status.success());
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(
        stderr.lines().next(),
        Some("Estimated time: under a second (1 run)"),
        "{stderr}"
    );
    let out = run_profile(&path).arg("-q").output().unwrap();
    assert!(!String::from_utf8_lossy(&out.stderr).contains("Estimated"));
}
