//! Children that write a lot, print where they should not, or report memory (issue 10,
//! items 6 and 13).

mod common;

use common::*;
use parlab::exec::{Session, WorkerCommand};
use parlab::profile::parse_str;
use std::time::Duration;

fn python(code: &str) -> String {
    format!("kind = \"python\"\ncode = '''\n{code}\n'''")
}

fn only_run(runs: &[String]) -> serde_json::Value {
    let (output, json) = run_with_json(runs, &["--quiet"]);
    assert!(
        !json.is_null(),
        "no results: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    json["runs"][0].clone()
}

#[test]
fn python_writing_to_stderr_never_stalls() {
    let code = "import sys\ndef task(i):\n    sys.stderr.write('x' * 99 + '\\n')";
    let run = only_run(&[run_table(
        "threads",
        "2",
        "tasks = 5000\nstall_timeout_s = 10",
        &python(code),
    )]);
    assert_eq!(run["status"], "completed", "{run}");
    assert_eq!(run["tasks_completed"], 5000);
}

#[test]
fn python_printing_to_stdout_neither_corrupts_nor_fakes_replies() {
    for model in ["threads", "processes"] {
        // Printing without a newline glued itself to the next reply ("task(1) raised").
        let code = "def task(i):\n    print('x', end='')";
        let run = only_run(&[run_table(model, "2", "tasks = 300", &python(code))]);
        assert_eq!(run["status"], "completed", "{model}: {run}");
        // A reply for the next task, claiming it took 1 ns.
        let code = "def task(i):\n    print('ok', i + 1, 1)";
        let run = only_run(&[run_table(model, "2", "tasks = 300", &python(code))]);
        assert_eq!(run["status"], "completed", "{model}: {run}");
        assert_eq!(run["tasks_completed"], 300);
        let min_us = run["latency_us"]["min"].as_f64().unwrap();
        assert!(
            min_us >= 0.1,
            "{model}: a faked 1 ns reply counted ({min_us} µs)"
        );
    }
}

#[test]
fn a_failing_commands_huge_last_line_gives_a_bounded_message() {
    for model in ["threads", "processes"] {
        let script = "head -c 30000000 /dev/zero | tr '\\\\0' x >&2; exit 3";
        let workload = format!("kind = \"command\"\nargv = [\"/bin/sh\", \"-c\", \"{script}\"]");
        let run = only_run(&[run_table(model, "1", "tasks = 1", &workload)]);
        assert_eq!(run["status"], "failed", "{model}");
        let error = run["error"].as_str().unwrap();
        assert!(error.contains("exited with status 3"), "{model}: {error}");
        assert!(error.contains("xxxx…"), "{model}: the line is cut: {error}");
        assert!(
            error.len() < 2000,
            "{model}: {} bytes of error",
            error.len()
        );
    }
}

/// Peak resident memory of `pid` from `/proc` (`VmHWM`), in bytes.
fn vm_hwm(pid: u32) -> u64 {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).unwrap_or_default();
    status
        .lines()
        .find_map(|l| l.strip_prefix("VmHWM:"))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse::<u64>().ok())
        .map_or(0, |kb| kb * 1024)
}

#[test]
fn a_large_parent_does_not_inflate_the_workers_peaks() {
    // 200 MiB resident in this process, the parent of the workers.
    let mut ballast = vec![0u8; 200 << 20];
    for page in ballast.chunks_mut(4096) {
        page[0] = 1;
    }
    let text = profile(&[run_table(
        "processes",
        "4",
        "tasks = 400",
        "kind = \"spawn\"",
    )]);
    let profile = parse_str(&text, "test.toml").expect("valid profile");
    let session = Session::start(profile, WorkerCommand::new(parlab_bin())).expect("starts");
    let results = session.wait();
    let own = vm_hwm(std::process::id());
    let reported = results.runs[0].process.peak_rss_bytes;
    std::hint::black_box(&ballast);
    // Before: every worker counted the parent's 200 MiB (4 × 200 MiB on top of our own).
    assert!(
        reported < own + (100 << 20),
        "reported {} MiB with this process at {} MiB",
        reported >> 20,
        own >> 20
    );
}

/// Runs `parlab` on `runs` while sampling the VmHWM of it and every descendant from
/// `/proc`; returns (parlab's figure, parlab's sampled peak plus the `alive` largest
/// sampled peaks of its descendants: at most `alive` workers live at once).
pub fn peak_against_proc(runs: &[String], alive: usize) -> (u64, u64) {
    let dir = tempfile::tempdir().unwrap();
    let path = write(dir.path(), "p.toml", &profile(runs));
    let out = dir.path().join("out.json");
    let mut child = std::process::Command::new(parlab_bin())
        .args(["run", "--quiet", "--json"])
        .arg(&out)
        .arg(&path)
        .spawn()
        .unwrap();
    let mut peaks = std::collections::HashMap::new();
    let root = child.id();
    let parlab = std::fs::canonicalize(parlab_bin()).unwrap();
    while child.try_wait().unwrap().is_none() {
        let mut frontier = vec![root];
        while let Some(pid) = frontier.pop() {
            frontier.extend(children_of(pid));
            // A child caught between fork and exec still shares or copies parlab's memory
            // (its VmHWM is parlab's): it is not a worker yet, so it is not counted.
            let exe = std::fs::read_link(format!("/proc/{pid}/exe")).ok();
            if pid != root && exe.as_deref() == Some(parlab.as_path()) {
                continue;
            }
            let hwm = vm_hwm(pid);
            let e = peaks.entry(pid).or_insert(0);
            *e = hwm.max(*e);
        }
        std::thread::sleep(Duration::from_millis(5));
    }
    let json = read_json(&out);
    let reported = json["runs"][0]["process"]["peak_rss_bytes"]
        .as_u64()
        .unwrap();
    let own = peaks.remove(&root).unwrap_or(0);
    let mut others: Vec<u64> = peaks.into_values().collect();
    others.sort_unstable_by(|a, b| b.cmp(a));
    (reported, own + others.iter().take(alive).sum::<u64>())
}

#[test]
fn worker_peaks_agree_with_proc() {
    let memory = "kind = \"memory\"\nbytes = 33554432\npattern = \"sequential\"";
    let runs = [run_table("processes", "4", "duration_s = 1", memory)];
    let (reported, reference) = peak_against_proc(&runs, 4);
    let ratio = reported as f64 / reference as f64;
    eprintln!("processes ×4 memory 32 MiB: parlab {reported} / proc {reference} = {ratio:.2}");
    assert!((0.7..1.4).contains(&ratio), "ratio {ratio:.2}");
}

#[test]
fn empty_worker_peaks_agree_with_proc() {
    for (model, workers) in [
        ("processes", "1"),
        ("processes", "2"),
        ("processes", "8"),
        ("process-per-task", "2"),
    ] {
        let runs = [run_table(
            model,
            workers,
            "duration_s = 1",
            "kind = \"sleep\"\nms = 20",
        )];
        let (reported, reference) = peak_against_proc(&runs, workers.parse().unwrap());
        let ratio = reported as f64 / reference as f64;
        eprintln!("{model} ×{workers} sleep: parlab {reported} / proc {reference} = {ratio:.2}");
        // Before: each worker counted parlab's whole size at the moment it was forked.
        assert!(
            (0.6..1.5).contains(&ratio),
            "{model} ×{workers}: ratio {ratio:.2}"
        );
    }
}

#[test]
fn a_workload_that_cannot_be_prepared_in_a_worker_says_so() {
    let workload =
        "kind = \"python\"\ninterpreter = \"/nonexistent/python3\"\ncode = \"def task(i): pass\"";
    let run = only_run(&[run_table("processes", "1", "tasks = 3", workload)]);
    let error = run["error"].as_str().unwrap();
    assert!(
        error.starts_with("the workload could not be prepared in worker 1 (pid "),
        "{error}"
    );
    assert!(!error.contains("18446744073709551615"), "{error}");
}
