//! The engine API as the app uses it: a session on a background thread, progress while it
//! runs, cancellation, and what the measurements say about the machine.

mod common;

use parlab::exec::{Session, WorkerCommand};
use parlab::profile::parse_str;
use parlab::results::RunStatus;
use std::time::{Duration, Instant};

/// Tests that measure the CPU must not share it with each other.
static CPU_HEAVY: std::sync::Mutex<()> = std::sync::Mutex::new(());

fn worker() -> WorkerCommand {
    WorkerCommand::new(common::parlab_bin())
}

fn session(text: &str) -> Session {
    let profile = parse_str(text, "test.toml").expect("valid profile");
    Session::start(profile, worker()).expect("session starts")
}

#[test]
fn progress_is_visible_while_running_and_cancel_keeps_what_was_measured() {
    let _serial = CPU_HEAVY.lock().unwrap_or_else(|e| e.into_inner());
    let text = common::profile(&[
        common::run_table(
            "threads",
            "2",
            "duration_s = 30",
            "kind = \"sleep\"\nms = 1",
        ),
        common::run_table("threads", "1", "tasks = 5", "kind = \"sleep\"\nms = 1"),
    ]);
    let session = session(&text);
    assert!(common::wait_until(Duration::from_secs(10), || session
        .progress()
        .live
        .tasks_done
        > 50));
    let progress = session.progress();
    assert_eq!(progress.run_count, 2);
    assert_eq!(progress.run_index, 0);
    assert_eq!(progress.label, "threads ×2");
    assert!(progress.live.elapsed > Duration::ZERO);
    let asked = Instant::now();
    session.cancel();
    assert!(
        session.wait_timeout(Duration::from_secs(3)),
        "stops promptly"
    );
    assert!(
        asked.elapsed() < Duration::from_secs(1),
        "stopped in {:?}",
        asked.elapsed()
    );
    let results = session.wait();
    assert_eq!(results.runs.len(), 1);
    assert_eq!(results.runs[0].status, RunStatus::Stopped);
    assert!(results.runs[0].tasks_completed > 50);
}

#[test]
fn one_busy_worker_shows_as_one_busy_core_agreeing_with_proc_stat() {
    let _serial = CPU_HEAVY.lock().unwrap_or_else(|e| e.into_inner());
    let text = common::profile(&[common::run_table(
        "threads",
        "1",
        "duration_s = 2.0",
        "kind = \"cpu\"\niterations = 50_000",
    )]);
    // The kernel's own per-core counters over the same run are the reference: whatever else
    // the machine is doing, parlab's per-core series must tell the same story.
    let before = common::CpuClock::now();
    let results = session(&text).wait();
    let reference = before.busy_percent(&common::CpuClock::now());
    let run = &results.runs[0];
    let cores = &run.cpu.per_core;
    assert_eq!(cores.len(), results.host.logical_cpus);
    let samples = cores[0].len();
    assert!(
        samples >= 7,
        "at least 4 samples a second over 2 s, got {samples}"
    );
    for (i, series) in cores.iter().enumerate() {
        let mean = series.iter().map(|&v| f64::from(v)).sum::<f64>() / samples as f64;
        assert!(
            (mean - reference[i]).abs() < 15.0,
            "core {i}: parlab says {mean:.0}%, /proc/stat says {:.0}%",
            reference[i]
        );
    }
    // Skip the first and last sample, which straddle the run's start and end: in every
    // interval some core carries the busy worker (one thread never looks like two halves).
    let inner = 1..samples - 1;
    let busiest: f32 = inner
        .clone()
        .map(|k| cores.iter().map(|c| c[k]).fold(0.0, f32::max))
        .sum::<f32>()
        / inner.len() as f32;
    assert!(
        busiest > 70.0,
        "the busy core averages {busiest}% ({cores:?})"
    );
    // One worker never uses more than one core's worth (the sampler and the driver are
    // rounding errors), however idle the machine.
    let used = (run.process.user_s + run.process.sys_s) / run.wall_seconds;
    assert!(used <= 1.15, "one worker used {used:.2} cores");
    let share = run.sampler_cpu_seconds / run.wall_seconds;
    assert!(share < 0.01, "sampler used {:.3}% of a core", share * 100.0);
}

/// Runs 1 and 2 CPU-bound workers in each long-lived model; returns the results and the
/// cores' worth of CPU that other programs took meanwhile.
fn scaling_runs(tasks: u64) -> (parlab::results::Results, f64) {
    let mut runs = Vec::new();
    for model in ["threads", "pool", "processes"] {
        runs.push(common::run_table(
            model,
            "[1, 2]",
            &format!("tasks = {tasks}"),
            "kind = \"cpu\"\niterations = 50_000",
        ));
    }
    let before = common::CpuClock::now();
    let results = session(&common::profile(&runs)).wait();
    (results, before.others_cores(&common::CpuClock::now()))
}

/// Tasks per CPU second of the 2-worker run over those of the 1-worker run.
fn per_cpu_ratio(pair: &[parlab::results::RunResult]) -> f64 {
    let per_cpu_s = |r: &parlab::results::RunResult| {
        r.tasks_completed as f64 / (r.process.user_s + r.process.sys_s)
    };
    per_cpu_s(&pair[1]) / per_cpu_s(&pair[0])
}

#[test]
fn cpu_bound_work_scales_with_workers_in_every_long_lived_model() {
    let _serial = CPU_HEAVY.lock().unwrap_or_else(|e| e.into_inner());
    // Not a timing assertion about parlab's speed: a check that two workers really run in
    // parallel on a machine with two or more cores.
    if std::thread::available_parallelism().map_or(1, |n| n.get()) < 2 {
        panic!("this test needs at least 2 logical CPUs to check parallel execution");
    }
    // The speedup depends on the cores other programs leave free: measure that, and retry
    // once with a longer run when they took more than a quarter of a core.
    let (mut results, mut others) = scaling_runs(1200);
    if others > 0.25
        || !results
            .runs
            .chunks(2)
            .all(|p| (0.75..1.33).contains(&per_cpu_ratio(p)))
    {
        // Other programs took CPU, or a run this short (0.1 s) met a hiccup that a fixed
        // cost makes large (once, in CI: 0.57 tasks per CPU second): measure once more,
        // three times longer.
        (results, others) = scaling_runs(3600);
    }
    let quiet = others <= 0.25;
    for pair in results.runs.chunks(2) {
        let label = &pair[1].label;
        // Throughput follows the CPU time the workers got, load or not: no hidden
        // serialisation that burns CPU without progress.
        let efficiency = per_cpu_ratio(pair);
        assert!(
            (0.75..1.33).contains(&efficiency),
            "{label}: tasks per CPU second changed {efficiency:.2}× from 1 to 2 workers"
        );
        // Both workers are inside a task all the time (Little's law: tasks in progress =
        // throughput × mean latency). In-process workers never wait for parlab; worker
        // processes wait for the parent's dispatch threads, which other programs can starve.
        let in_progress = pair[1].throughput_per_sec * pair[1].latency_us.mean / 1e6;
        let speedup = pair[1].throughput_per_sec / pair[0].throughput_per_sec;
        if quiet || !pair[1].model.uses_processes() {
            assert!(
                in_progress > 1.7,
                "{label}: {in_progress:.2} tasks in progress"
            );
        }
        if quiet {
            // Two workers can only use the cores other programs left: up to a quarter of one
            // core's time went to them even in a "quiet" run.
            let free = (2.0 - others).clamp(1.0, 2.0);
            assert!(
                speedup > 0.75 * free,
                "{label}: speedup {speedup:.2} with {free:.2} cores free of other programs"
            );
        } else {
            eprintln!(
                "{label}: other programs used {others:.2} cores in both attempts, so the speedup ({speedup:.2}) and the processes' {in_progress:.2} tasks in progress are not held to the core count"
            );
        }
    }
}

#[test]
fn the_lean_worker_binary_serves_the_process_models() {
    let lean = WorkerCommand {
        program: env!("CARGO_BIN_EXE_parlab-worker").into(),
        args: Vec::new(),
    };
    let text = common::profile(&[
        common::run_table(
            "processes",
            "2",
            "tasks = 50",
            "kind = \"transfer\"\nbytes = 1000",
        ),
        common::run_table("process-per-task", "2", "tasks = 6", "kind = \"spawn\""),
    ]);
    let profile = parse_str(&text, "lean.toml").expect("valid");
    let results = Session::start(profile, lean).expect("starts").wait();
    for run in &results.runs {
        assert_eq!(run.status, RunStatus::Completed, "{:?}", run.error);
    }
    assert_eq!(results.runs[0].tasks_completed, 50);
    assert_eq!(results.runs[1].tasks_completed, 6);
}
