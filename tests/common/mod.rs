//! Helpers shared by the integration tests: profiles in temporary folders, the real
//! binary, and a look at the process table.
#![allow(dead_code)]

pub mod ui;

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

/// A small valid profile that the bad-input tests break in one place at a time (its line
/// numbers are in their expected messages).
pub const GOOD: &str = r#"name = "bad input"

[[run]]
model = "threads"
workers = 2
tasks = 10

[run.workload]
kind = "cpu"
iterations = 100
"#;

/// The parlab binary cargo built for these tests.
pub fn parlab_bin() -> PathBuf {
    PathBuf::from(env!("CARGO_BIN_EXE_parlab"))
}

/// A `Command` for the real binary.
pub fn parlab() -> assert_cmd::Command {
    assert_cmd::Command::new(parlab_bin())
}

/// `parlab run PROFILE --json OUT` for the real binary; more arguments may follow.
pub fn run_command(profile: &Path, out: &Path) -> assert_cmd::Command {
    let mut command = run_profile(profile);
    command.arg("--json").arg(out);
    command
}

/// `parlab run PROFILE`, for tests that add their own arguments.
pub fn run_profile(profile: &Path) -> assert_cmd::Command {
    let mut command = parlab();
    command.arg("run").arg(profile);
    command
}

/// `parlab run PROFILE --json OUT` started in the background, stdout and stderr piped.
pub fn spawn_run(profile: &Path, out: &Path) -> std::process::Child {
    std::process::Command::new(parlab_bin())
        .arg("run")
        .arg(profile)
        .arg("--json")
        .arg(out)
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .expect("parlab starts")
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

/// Runs a threads sweep over 1 and 2 workers of `workload` (`duration_s` each, repeated
/// `repetitions` times) with the real binary, and returns the results file it wrote in `dir`.
pub fn run_repeated_sweep(
    dir: &Path,
    repetitions: usize,
    duration_s: f64,
    workload: &str,
) -> PathBuf {
    let runs = [run_table(
        "threads",
        "[1, 2]",
        &format!("duration_s = {duration_s}"),
        workload,
    )];
    let text = repeated_profile(repetitions, &runs);
    let json = dir.join("r.json");
    run_command(&write(dir, "p.toml", &text), &json)
        .arg("-q")
        .timeout(Duration::from_secs(60))
        .assert()
        .success();
    json
}

/// A profile made of `runs`, each repeated `repetitions` times.
pub fn repeated_profile(repetitions: usize, runs: &[String]) -> String {
    format!(
        "name = \"test\"\nrepetitions = {repetitions}\n\n{}",
        runs.concat()
    )
}

/// Writes `runs` as a profile, runs `parlab run PROFILE --json OUT` plus `extra` arguments,
/// and returns the process output and the results (`Null` when no results were written).
pub fn run_with_json(runs: &[String], extra: &[&str]) -> (std::process::Output, serde_json::Value) {
    let dir = tempfile::tempdir().expect("temporary folder");
    let path = write(dir.path(), "profile.toml", &profile(runs));
    let out = dir.path().join("out.json");
    let output = run_command(&path, &out)
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

/// Every process below `root` (children, grandchildren, …).
pub fn descendants(root: u32) -> Vec<u32> {
    let mut all = Vec::new();
    let mut next = vec![root];
    while let Some(pid) = next.pop() {
        let kids = children_of(pid);
        all.extend(&kids);
        next.extend(kids);
    }
    all
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

/// Jiffies of CPU time from `/proc/stat` (per core) and of this test process with its
/// reaped children (`/proc/self/stat`): an independent view of who used the machine.
#[derive(Debug, Clone)]
pub struct CpuClock {
    /// Per core: (busy jiffies, total jiffies).
    pub cores: Vec<(u64, u64)>,
    /// This process's user + system jiffies, its reaped children's included.
    pub own: u64,
}

impl CpuClock {
    /// Reads the clocks now.
    pub fn now() -> Self {
        let stat = std::fs::read_to_string("/proc/stat").expect("/proc/stat");
        let cores = stat
            .lines()
            .filter(|l| l.starts_with("cpu") && !l.starts_with("cpu "))
            .map(|l| {
                let v: Vec<u64> = l
                    .split_whitespace()
                    .skip(1)
                    .filter_map(|x| x.parse().ok())
                    .collect();
                // user nice system idle iowait irq softirq steal: idle and iowait are not busy.
                let total: u64 = v.iter().take(8).sum();
                let idle = v.get(3).copied().unwrap_or(0) + v.get(4).copied().unwrap_or(0);
                (total - idle, total)
            })
            .collect();
        let me = std::fs::read_to_string("/proc/self/stat").expect("/proc/self/stat");
        let rest = me.rsplit_once(')').map(|(_, r)| r).unwrap_or("");
        let fields: Vec<u64> = rest
            .split_whitespace()
            .map(|f| f.parse().unwrap_or(0))
            .collect();
        // Fields 14–17 of stat (utime stime cutime cstime) are 11–14 after the name.
        let own = fields.iter().skip(11).take(4).sum();
        Self { cores, own }
    }

    /// Per-core busy percentages between `self` and `later`.
    pub fn busy_percent(&self, later: &Self) -> Vec<f64> {
        self.cores
            .iter()
            .zip(&later.cores)
            .map(|(a, b)| {
                let total = (b.1 - a.1).max(1) as f64;
                100.0 * (b.0 - a.0) as f64 / total
            })
            .collect()
    }

    /// Cores' worth of CPU that programs other than this test process (and its reaped
    /// children) used between `self` and `later`.
    pub fn others_cores(&self, later: &Self) -> f64 {
        let busy: u64 = self
            .cores
            .iter()
            .zip(&later.cores)
            .map(|(a, b)| b.0 - a.0)
            .sum();
        let total: u64 = self
            .cores
            .iter()
            .zip(&later.cores)
            .map(|(a, b)| b.1 - a.1)
            .sum();
        let wall = total as f64 / self.cores.len().max(1) as f64;
        (busy.saturating_sub(later.own - self.own)) as f64 / wall.max(1.0)
    }
}

/// The Python tests need an interpreter; without one they fail and say how to get it.
pub fn require_python() {
    let found = std::process::Command::new("python3")
        .arg("--version")
        .output()
        .is_ok_and(|o| o.status.success());
    assert!(
        found,
        "these tests need python3: install it (Debian/Ubuntu: apt-get install python3); .ci/run does"
    );
}
