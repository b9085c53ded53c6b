//! Helpers shared by the integration tests: profiles in temporary folders, the real
//! binary, and a look at the process table.
#![allow(dead_code)]

pub mod ui;

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

/// The parlab binary cargo built for these tests.
pub fn parlab_bin() -> PathBuf {
    PathBuf::from(env!("CARGO_BIN_EXE_parlab"))
}

/// A `Command` for the real binary.
pub fn parlab() -> assert_cmd::Command {
    assert_cmd::Command::new(parlab_bin())
}

/// Writes `text` as `name` in `dir` and returns its path.
pub fn write(dir: &Path, name: &str, text: &str) -> PathBuf {
    let path = dir.join(name);
    std::fs::write(&path, text).expect("write test file");
    path
}

/// One `[[run]]` table.
pub fn run_table(model: &str, workers: &str, stop: &str, workload: &str) -> String {
    format!(
        "[[run]]\nmodel = \"{model}\"\nworkers = {workers}\n{stop}\n[run.workload]\n{workload}\n\n"
    )
}

/// A profile made of `runs`.
pub fn profile(runs: &[String]) -> String {
    format!("name = \"test\"\n\n{}", runs.concat())
}

/// Writes `runs` as a profile, runs `parlab run PROFILE --json OUT` plus `extra` arguments,
/// and returns the process output and the results (`Null` when no results were written).
pub fn run_with_json(runs: &[String], extra: &[&str]) -> (std::process::Output, serde_json::Value) {
    let dir = tempfile::tempdir().expect("temporary folder");
    let path = write(dir.path(), "profile.toml", &profile(runs));
    let out = dir.path().join("out.json");
    let output = parlab()
        .arg("run")
        .arg(&path)
        .arg("--json")
        .arg(&out)
        .args(extra)
        .output()
        .expect("parlab runs");
    let json = if out.exists() {
        read_json(&out)
    } else {
        serde_json::Value::Null
    };
    (output, json)
}

/// Reads a results file as JSON.
pub fn read_json(path: &Path) -> serde_json::Value {
    let text = std::fs::read_to_string(path).expect("results file exists");
    serde_json::from_str(&text).expect("results are JSON")
}

/// Process ids whose parent is `pid` (Linux `/proc`); zombies excluded.
pub fn children_of(pid: u32) -> Vec<u32> {
    let mut kids = Vec::new();
    let Ok(entries) = std::fs::read_dir("/proc") else {
        return kids;
    };
    for entry in entries.flatten() {
        let Some(child) = entry
            .file_name()
            .to_str()
            .and_then(|n| n.parse::<u32>().ok())
        else {
            continue;
        };
        let Ok(stat) = std::fs::read_to_string(format!("/proc/{child}/stat")) else {
            continue;
        };
        // Fields after the command name, which is in parentheses and may contain spaces.
        let Some(rest) = stat.rsplit_once(')').map(|(_, r)| r) else {
            continue;
        };
        let fields: Vec<&str> = rest.split_whitespace().collect();
        if fields.first() != Some(&"Z")
            && fields.get(1).and_then(|p| p.parse::<u32>().ok()) == Some(pid)
        {
            kids.push(child);
        }
    }
    kids
}

/// True while `pid` exists and is not a zombie.
pub fn alive(pid: u32) -> bool {
    match std::fs::read_to_string(format!("/proc/{pid}/stat")) {
        Ok(stat) => stat
            .rsplit_once(')')
            .is_some_and(|(_, r)| !r.trim_start().starts_with('Z')),
        Err(_) => false,
    }
}

/// Polls `cond` every 20 ms until it holds or `timeout` passes; returns whether it held.
pub fn wait_until(timeout: Duration, mut cond: impl FnMut() -> bool) -> bool {
    let deadline = Instant::now() + timeout;
    while Instant::now() < deadline {
        if cond() {
            return true;
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    cond()
}

/// Sends `signal` to `pid`.
pub fn signal(pid: u32, signal: i32) {
    // SAFETY: kill has no memory effects.
    unsafe {
        libc::kill(pid as i32, signal);
    }
}
