//! The lean worker under `cargo run` (issue 12, item 4): a copy of the real binary in a
//! cargo-like target folder, launched as cargo launches it (`CARGO`, `CARGO_MANIFEST_DIR`,
//! `CARGO_PKG_NAME`) but with a fake `cargo` that records how it was called. And the
//! `worker_program` that a results file records for the process models.

mod common;

use parlab::format::shell_quote;
use serde_json::Value;
use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};
use std::process::Output;

/// A processes run of a few tiny tasks.
fn processes_profile() -> String {
    common::profile(&[common::run_table(
        "processes",
        "1",
        "tasks = 5",
        "kind = \"cpu\"\niterations = 100",
    )])
}

/// A temporary package folder with `target/release/parlab` (a copy of the real binary, no
/// worker beside it) and a fake `cargo` whose script ends with `then`.
struct Sandbox {
    dir: tempfile::TempDir,
    target: PathBuf,
    parlab: PathBuf,
    cargo: PathBuf,
    record: PathBuf,
    /// One sandbox at a time: a program this test writes (the parlab copy, the fake cargo)
    /// cannot be started while another test thread's fork still holds it open for writing
    /// ("Text file busy", seen beside a busy core).
    _turn: std::sync::MutexGuard<'static, ()>,
}

/// Held by the one sandbox alive.
static SERIAL: std::sync::Mutex<()> = std::sync::Mutex::new(());

impl Sandbox {
    fn new(then: &str) -> Self {
        let turn = SERIAL.lock().unwrap_or_else(|p| p.into_inner());
        let dir = tempfile::tempdir().expect("temporary folder");
        let target = dir.path().join("target");
        std::fs::create_dir_all(target.join("release")).expect("target folder");
        // Cargo tags every target folder it makes; parlab builds only into such a folder.
        std::fs::write(
            target.join("CACHEDIR.TAG"),
            "Signature: 8a477f597d28d172789f06886806bc55",
        )
        .expect("tag");
        let parlab = target.join("release/parlab");
        std::fs::copy(common::parlab_bin(), &parlab).expect("copy parlab");
        let record = dir.path().join("cargo-args");
        let cargo = dir.path().join("cargo");
        let script = format!(
            "#!/bin/sh\nprintf '%s\\n' \"$@\" > '{}'\n{then}\n",
            record.display()
        );
        std::fs::write(&cargo, script).expect("write fake cargo");
        std::fs::set_permissions(&cargo, std::fs::Permissions::from_mode(0o755))
            .expect("make fake cargo executable");
        Sandbox {
            dir,
            target,
            parlab,
            cargo,
            record,
            _turn: turn,
        }
    }

    /// Runs the copy with `args` as `cargo run` would start it; returns its output and the
    /// results (`Null` when none were written).
    fn run(&self, args: &[&str]) -> (Output, Value) {
        let out = self.dir.path().join("out.json");
        let output = std::process::Command::new(&self.parlab)
            .args(args)
            .env("CARGO", &self.cargo)
            .env("CARGO_MANIFEST_DIR", self.dir.path())
            .env("CARGO_PKG_NAME", "parlab")
            .output()
            .expect("parlab runs");
        let json = if out.exists() {
            common::read_json(&out)
        } else {
            Value::Null
        };
        (output, json)
    }

    /// `run PROFILE --json out.json` with a processes profile.
    fn run_processes(&self) -> (Output, Value) {
        let profile = common::write(self.dir.path(), "p.toml", &processes_profile());
        let out = self.dir.path().join("out.json");
        let (profile, out) = (profile.display().to_string(), out.display().to_string());
        self.run(&["run", &profile, "--json", &out, "--quiet"])
    }

    /// The arguments the fake cargo was called with, if it was.
    fn cargo_args(&self) -> Option<Vec<String>> {
        let text = std::fs::read_to_string(&self.record).ok()?;
        Some(text.lines().map(str::to_string).collect())
    }
}

fn quoted(path: &Path) -> String {
    shell_quote(&[path.display().to_string()])
}

fn worker_program(json: &Value, run: usize) -> Option<&str> {
    json["runs"][run]["worker_program"].as_str()
}

#[test]
fn cargo_run_builds_the_lean_worker_with_the_same_cargo_profile_and_target() {
    // The fake cargo does what `cargo build` would: put parlab-worker into the target folder.
    let real_worker = common::parlab_bin().with_file_name("parlab-worker");
    let s = Sandbox::new(&format!(
        "while [ $# -gt 0 ]; do [ \"$1\" = --target-dir ] && t=\"$2\"; shift; done\n\
         cp '{}' \"$t/release/parlab-worker\"",
        real_worker.display()
    ));
    let (output, json) = s.run_processes();
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(output.status.success(), "{stderr}");
    let manifest = s.dir.path().join("Cargo.toml");
    // On glibc Linux the worker is linked statically: a `cargo rustc` with the same arguments.
    let statically = cfg!(all(target_os = "linux", target_env = "gnu"));
    let mut expected = vec![
        if statically { "rustc" } else { "build" }.to_string(),
        "--bin".into(),
        "parlab-worker".into(),
        "--release".into(),
        "--target-dir".into(),
        s.target.display().to_string(),
        "--manifest-path".into(),
        manifest.display().to_string(),
    ];
    if !cfg!(feature = "gui") {
        expected.push("--no-default-features".into());
    }
    if statically {
        expected.extend([
            "--".into(),
            "-C".into(),
            "target-feature=+crt-static".into(),
            "-C".into(),
            "relocation-model=static".into(),
        ]);
    }
    assert_eq!(s.cargo_args(), Some(expected), "{stderr}");
    assert!(
        stderr.contains("parlab: building parlab-worker first"),
        "{stderr}"
    );
    let lean = s.target.join("release/parlab-worker");
    assert_eq!(worker_program(&json, 0), Some(quoted(&lean).as_str()));
}

#[test]
#[cfg(all(target_os = "linux", target_env = "gnu"))]
fn a_failed_static_link_falls_back_to_the_dynamically_linked_worker() {
    // The fake cargo fails the static `cargo rustc` and does the plain `cargo build`.
    let real_worker = common::parlab_bin().with_file_name("parlab-worker");
    let s = Sandbox::new(&format!(
        "[ \"$1\" = rustc ] && {{ echo 'error: cannot find -lc' >&2; exit 101; }}\n\
         while [ $# -gt 0 ]; do [ \"$1\" = --target-dir ] && t=\"$2\"; shift; done\n\
         cp '{}' \"$t/release/parlab-worker\"",
        real_worker.display()
    ));
    let (output, json) = s.run_processes();
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(output.status.success(), "{stderr}");
    assert!(
        stderr.contains("a statically linked parlab-worker could not be built"),
        "{stderr}"
    );
    let last = s.cargo_args().expect("cargo was called");
    assert_eq!(last.first().map(String::as_str), Some("build"), "{stderr}");
    let lean = s.target.join("release/parlab-worker");
    assert_eq!(worker_program(&json, 0), Some(quoted(&lean).as_str()));
}

#[test]
fn a_failed_build_falls_back_to_the_whole_binary_and_says_so() {
    let s = Sandbox::new("echo 'error: no network' >&2\nexit 101");
    let (output, json) = s.run_processes();
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(output.status.success(), "{stderr}");
    assert!(s.cargo_args().is_some(), "cargo was not called: {stderr}");
    let whole = format!("{} worker", quoted(&s.parlab));
    assert!(
        stderr.contains("could not build parlab-worker")
            && stderr.contains(&format!("`{} worker`", s.parlab.display())),
        "{stderr}"
    );
    assert_eq!(worker_program(&json, 0), Some(whole.as_str()));
    assert_eq!(json["runs"][0]["status"], "completed");
}

#[test]
fn only_commands_that_start_workers_build_it_and_only_under_cargo() {
    let s = Sandbox::new("exit 0");
    let profile = common::write(s.dir.path(), "p.toml", &processes_profile());
    let (output, _) = s.run(&["validate", &profile.display().to_string()]);
    assert!(output.status.success());
    assert_eq!(s.cargo_args(), None, "validate called cargo");
    // The same run, not launched by cargo: nothing is built, the whole binary is the worker.
    let out = s.dir.path().join("out.json");
    let run = std::process::Command::new(&s.parlab)
        .args([
            "run".as_ref(),
            profile.as_os_str(),
            "--json".as_ref(),
            out.as_os_str(),
        ])
        .env("CARGO", &s.cargo)
        .env_remove("CARGO_PKG_NAME")
        .output()
        .expect("parlab runs");
    assert!(run.status.success());
    assert_eq!(
        s.cargo_args(),
        None,
        "a run not launched by cargo called cargo"
    );
}

#[test]
fn worker_program_is_recorded_for_process_models_only() {
    let threads = common::run_table(
        "threads",
        "1",
        "tasks = 5",
        "kind = \"cpu\"\niterations = 100",
    );
    let per_task = common::run_table(
        "process-per-task",
        "1",
        "tasks = 5",
        "kind = \"cpu\"\niterations = 100",
    );
    let (output, json) = common::run_with_json(&[threads, per_task], &["--quiet"]);
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    assert_eq!(json["runs"][0].get("worker_program"), None);
    // The test binary has the lean worker beside it (cargo builds every binary for tests).
    let lean = common::parlab_bin().with_file_name("parlab-worker");
    assert_eq!(worker_program(&json, 1), Some(quoted(&lean).as_str()));
}
