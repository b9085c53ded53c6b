//! Nothing a run starts outlives it: stops by signal, the stall watchdog, a normal end
//! with a background child left behind, and `kill -9` of parlab itself (issue 10, item 5).

mod common;

use common::*;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

/// A `sleep` argument no other process on the machine has: `30.<random digits>`.
fn marker() -> String {
    let nanos = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.subsec_nanos())
        .unwrap_or(0);
    format!("30.{:09}{}", nanos, std::process::id() % 1000)
}

/// Processes whose command line carries `marker`.
fn marked(marker: &str) -> Vec<u32> {
    let Ok(entries) = std::fs::read_dir("/proc") else {
        return Vec::new();
    };
    entries
        .flatten()
        .filter_map(|e| e.file_name().to_str()?.parse::<u32>().ok())
        .filter(|pid| {
            std::fs::read(format!("/proc/{pid}/cmdline"))
                .map(|c| String::from_utf8_lossy(&c).contains(marker))
                .unwrap_or(false)
                && alive(*pid)
        })
        .collect()
}

fn command(script: &str) -> String {
    format!("kind = \"command\"\nargv = [\"/bin/sh\", \"-c\", \"{script}\"]")
}

fn start(dir: &std::path::Path, runs: &[String]) -> Child {
    let path = write(dir, "profile.toml", &profile(runs));
    Command::new(parlab_bin())
        .arg("run")
        .arg(&path)
        .arg("--json")
        .arg(dir.join("out.json"))
        .arg("--quiet")
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("parlab starts")
}

/// Starts a 60 s `model ×2` run of `script` and waits until `count` processes carrying
/// `marker` are alive.
fn start_marked(
    dir: &std::path::Path,
    model: &str,
    script: &str,
    marker: &str,
    count: usize,
) -> Child {
    let runs = [run_table(model, "2", "duration_s = 60", &command(script))];
    let child = start(dir, &runs);
    assert!(
        wait_until(Duration::from_secs(10), || marked(marker).len() >= count),
        "{model}: the commands did not start their {count} marked processes"
    );
    child
}

fn wait_exit(child: &mut Child, timeout: Duration) -> Option<i32> {
    let deadline = Instant::now() + timeout;
    while Instant::now() < deadline {
        if let Ok(Some(status)) = child.try_wait() {
            return status.code();
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    let _ = child.kill();
    let _ = child.wait();
    None
}

/// Asserts that no process with `marker` is left, killing strays so other tests are clean.
fn assert_none_left(marker: &str, what: &str) {
    let gone = wait_until(Duration::from_secs(5), || marked(marker).is_empty());
    let left = marked(marker);
    // Their /proc/PID/stat (state, parent, group) says which mechanism missed them.
    let stats: Vec<String> = left
        .iter()
        .map(|pid| std::fs::read_to_string(format!("/proc/{pid}/stat")).unwrap_or_default())
        .collect();
    for pid in &left {
        signal(*pid, libc::SIGKILL);
    }
    assert!(gone, "{what}: processes outlived the run: {stats:?}");
}

#[test]
fn a_stop_by_signal_kills_the_commands_children() {
    for model in ["processes", "process-per-task"] {
        for sig in [libc::SIGINT, libc::SIGTERM] {
            let m = marker();
            let dir = tempfile::tempdir().unwrap();
            // The shell ignores SIGTERM too: only SIGKILL of the whole tree ends it.
            let script = format!("trap '' TERM; sleep {m}; true");
            let mut child = start_marked(dir.path(), model, &script, &m, 2);
            signal(child.id(), sig);
            let code = wait_exit(&mut child, Duration::from_secs(10));
            assert_eq!(code, Some(130), "{model}: a stopped run exits 130");
            assert_none_left(&m, &format!("{model} stopped by signal {sig}"));
        }
    }
}

#[test]
fn the_stall_watchdog_kills_the_commands_children() {
    let m = marker();
    let dir = tempfile::tempdir().unwrap();
    let runs = [run_table(
        "processes",
        "1",
        "tasks = 1\nstall_timeout_s = 0.5",
        &command(&format!("sleep {m}; true")),
    )];
    let mut child = start(dir.path(), &runs);
    let code = wait_exit(&mut child, Duration::from_secs(15));
    assert!(code.is_some(), "the watchdog ends the run");
    let json = read_json(&dir.path().join("out.json"));
    assert_eq!(json["runs"][0]["status"], "stalled", "{json}");
    let error = json["runs"][0]["error"].as_str().unwrap_or("");
    assert!(error.contains("worker 1 (pid "), "{error}");
    assert_none_left(&m, "stall watchdog");
}

#[test]
fn a_background_child_left_by_a_task_ends_with_it() {
    for model in ["processes", "process-per-task", "threads"] {
        let m = marker();
        let dir = tempfile::tempdir().unwrap();
        // One in the command's process group, one that detaches into a session of its own.
        let script = format!("sleep {m} & setsid sleep {m} & true");
        let runs = [run_table(model, "2", "tasks = 4", &command(&script))];
        let mut child = start(dir.path(), &runs);
        let code = wait_exit(&mut child, Duration::from_secs(20));
        assert_eq!(code, Some(0), "{model}: the run completes");
        assert_none_left(&m, &format!("{model}, a normal run"));
    }
}

#[test]
fn python_code_that_forks_leaves_nothing_behind() {
    for model in ["processes", "threads"] {
        let m = marker();
        let dir = tempfile::tempdir().unwrap();
        let code = format!(
            "kind = \"python\"\ncode = '''\nimport os\ndef task(i):\n    if os.fork() == 0:\n        os.execvp(\"sleep\", [\"sleep\", \"{m}\"])\n'''"
        );
        let runs = [run_table(model, "2", "tasks = 4", &code)];
        let mut child = start(dir.path(), &runs);
        let status = wait_exit(&mut child, Duration::from_secs(30));
        assert_eq!(status, Some(0), "{model}: the run completes");
        assert_none_left(&m, &format!("{model}, python forks"));
    }
}

#[test]
fn kill_9_of_parlab_leaves_no_grandchild() {
    // In-process models: the guardian ends the commands' groups; process models: the workers.
    for model in [
        "processes",
        "process-per-task",
        "threads",
        "pool",
        "thread-per-task",
    ] {
        let m = marker();
        let dir = tempfile::tempdir().unwrap();
        let script = format!("sleep {m} & sleep {m}; true");
        let mut child = start_marked(dir.path(), model, &script, &m, 4);
        signal(child.id(), libc::SIGKILL);
        let _ = child.wait();
        assert_none_left(&m, &format!("{model} after kill -9 of parlab"));
    }
}
