//! Other programs' CPU during a run (`foreign_cpu_cores`) and the environment in the
//! results, with the real binary: a busy loop of the test's own (not started through
//! parlab) must show as another program's CPU, and a quiet run must not.

mod common;

use std::process::{Child, Command, Stdio};

/// Tests that load or measure the CPU must not overlap.
static CPU_HEAVY: std::sync::Mutex<()> = std::sync::Mutex::new(());

/// A shell loop that keeps one core busy until dropped.
struct BusyLoop(Child);

impl BusyLoop {
    fn start() -> Self {
        let child = Command::new("sh")
            .args(["-c", "while :; do :; done"])
            .stdin(Stdio::null())
            .spawn()
            .expect("sh starts");
        Self(child)
    }
}

impl Drop for BusyLoop {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// `parlab run` of two sleeping thread workers for `seconds` (the workers use no CPU);
/// returns the run's JSON, the whole results, and the cores' worth of CPU that programs
/// other than this test and parlab used meanwhile, measured from `/proc/stat` here.
fn sleep_run(seconds: f64) -> (serde_json::Value, serde_json::Value, f64) {
    let runs = [common::run_table(
        "threads",
        "2",
        &format!("duration_s = {seconds}"),
        "kind = \"sleep\"\nms = 20",
    )];
    let before = common::CpuClock::now();
    let (output, json) = common::run_with_json(&runs, &[]);
    // parlab is reaped by now, so its CPU is this process's own in the reference.
    let others = before.others_cores(&common::CpuClock::now());
    assert!(
        output.status.success(),
        "parlab run failed: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    (json["runs"][0].clone(), json, others)
}

fn foreign(run: &serde_json::Value) -> f64 {
    run["foreign_cpu_cores"]
        .as_f64()
        .unwrap_or_else(|| panic!("no foreign_cpu_cores in {run}"))
}

fn warnings(run: &serde_json::Value) -> Vec<String> {
    run["warnings"]
        .as_array()
        .map(|w| {
            w.iter()
                .filter_map(|s| s.as_str().map(String::from))
                .collect()
        })
        .unwrap_or_default()
}

/// parlab's figure and the reference cover nearly the same interval (the reference adds
/// parlab's start and exit), so they agree within this many cores.
const AGREEMENT: f64 = 0.2;

#[test]
fn a_busy_loop_beside_the_run_is_another_programs_cpu_with_a_warning() {
    let _serial = CPU_HEAVY.lock().unwrap_or_else(|e| e.into_inner());
    let busy = BusyLoop::start();
    let (run, _, others) = sleep_run(3.0);
    drop(busy);
    let cores = foreign(&run);
    assert!(
        cores >= 0.5,
        "a busy loop ran beside the run, yet foreign_cpu_cores is {cores:.2} (reference {others:.2})"
    );
    assert!(
        (cores - others).abs() < AGREEMENT,
        "parlab says others used {cores:.2} cores, /proc/stat read here says {others:.2}"
    );
    let warned = warnings(&run);
    let sentence = warned
        .iter()
        .find(|w| w.starts_with("other programs used "))
        .unwrap_or_else(|| panic!("no interference warning in {warned:?}"));
    assert!(
        sentence.contains(&format!("{cores:.2} cores of CPU during this run")),
        "{sentence}"
    );
}

#[test]
fn a_quiet_run_has_almost_no_foreign_cpu() {
    let _serial = CPU_HEAVY.lock().unwrap_or_else(|e| e.into_inner());
    // Other programs on this machine are not the test's to stop: measure them, and run
    // again for longer once when they were busy.
    let (mut run, _, mut others) = sleep_run(2.0);
    if others >= 0.05 {
        (run, _, others) = sleep_run(4.0);
    }
    let cores = foreign(&run);
    assert!(
        (cores - others).abs() < AGREEMENT,
        "parlab says others used {cores:.2} cores, /proc/stat read here says {others:.2}"
    );
    if others < 0.05 {
        assert!(cores < 0.15, "a quiet run has foreign_cpu_cores {cores:.2}");
        assert!(
            !warnings(&run)
                .iter()
                .any(|w| w.starts_with("other programs")),
            "{:?}",
            warnings(&run)
        );
    } else {
        eprintln!(
            "other programs used {others:.2} cores in both attempts: checked that parlab's \
             {cores:.2} agrees with it, not the quiet-machine bar"
        );
    }
}

#[cfg(target_os = "linux")]
#[test]
fn the_results_name_the_environment() {
    let _serial = CPU_HEAVY.lock().unwrap_or_else(|e| e.into_inner());
    let (_, json, _) = sleep_run(0.3);
    let host = &json["host"];
    let kernel = std::fs::read_to_string("/proc/sys/kernel/osrelease").expect("osrelease");
    assert_eq!(host["kernel"].as_str(), Some(kernel.trim()), "{host}");
    let load = host["load_avg_1m"].as_f64().expect("load_avg_1m");
    assert!((0.0..1000.0).contains(&load), "{host}");
    let logical = host["logical_cpus"].as_u64().expect("logical_cpus");
    let physical = host["physical_cpus"].as_u64().expect("physical_cpus");
    assert!((1..=logical).contains(&physical), "{host}");
    let governor = std::fs::read_to_string("/sys/devices/system/cpu/cpu0/cpufreq/scaling_governor");
    assert_eq!(
        host["governor"].as_str(),
        governor.as_ref().ok().map(|g| g.trim()),
        "{host}"
    );
}

#[test]
fn a_python_run_names_its_interpreter_version() {
    let _serial = CPU_HEAVY.lock().unwrap_or_else(|e| e.into_inner());
    let expected = Command::new("python3")
        .args(["-c", "import platform; print(platform.python_version())"])
        .output()
        .expect("python3 runs (the python workload's tests need it too)");
    let expected = String::from_utf8_lossy(&expected.stdout).trim().to_string();
    for model in ["threads", "processes"] {
        let runs = [common::run_table(
            model,
            "1",
            "tasks = 3",
            "kind = \"python\"\ncode = \"def task(i):\\n    return i\\n\"",
        )];
        let (output, json) = common::run_with_json(&runs, &["-q"]);
        assert!(
            output.status.success(),
            "{}",
            String::from_utf8_lossy(&output.stderr)
        );
        assert_eq!(
            json["runs"][0]["python_version"].as_str(),
            Some(expected.as_str()),
            "{model}"
        );
    }
}

/// The app's engine sends the host its session detected at the start (`hello`), and the
/// app's results carry that one, not one detected when they are collected.
#[test]
fn an_engine_reports_the_host_its_session_started_with() {
    let _serial = CPU_HEAVY.lock().unwrap_or_else(|e| e.into_inner());
    let runs = [common::run_table(
        "threads",
        "1",
        "tasks = 2",
        "kind = \"sleep\"\nms = 10",
    )];
    let profile = parlab::profile::parse_str(&common::profile(&runs), "test.toml").unwrap();
    let engine = parlab::stream::EngineCommand::new(common::parlab_bin());
    let session = parlab::stream::EngineSession::start(&engine, &profile, "test.toml")
        .expect("the engine starts");
    assert!(session.wait_timeout(std::time::Duration::from_secs(30)));
    let sent = session.host().expect("the engine's hello names its host");
    assert!(
        sent.load_avg_1m.is_some() && sent.kernel.is_some(),
        "{sent:?}"
    );
    let results = session.wait();
    assert_eq!(results.host, sent);
    assert!(results.runs[0].foreign_cpu_cores.is_some());
}
