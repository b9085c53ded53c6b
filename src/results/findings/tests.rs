//! Tests of every rule on synthetic runs: where it must fire and where it must not.

use super::{Finding, findings};
use crate::profile::{Model, Order};
use crate::results::{Host, Repetition, RepetitionLatency, RunResult, RunStats, RunStatus};
use crate::stats::Summary;
use crate::workload::{WorkloadSpec, WorkloadStats};

fn golden_run() -> RunResult {
    let text = include_str!("../../../tests/golden/results-v1.json");
    let results = crate::results::Results::from_json(text, "golden").expect("golden");
    results.runs[0].clone()
}

fn workload(json: serde_json::Value) -> WorkloadSpec {
    serde_json::from_value(json).expect("workload")
}

fn cpu() -> WorkloadSpec {
    workload(serde_json::json!({"kind": "cpu", "iterations": 1000}))
}

/// A completed run with one repetition per throughput (1 s each), using `cores` of CPU and
/// a median latency of `p50` µs.
fn run(
    model: Model,
    workers: usize,
    w: &WorkloadSpec,
    tput: &[f64],
    cores: f64,
    p50: f64,
) -> RunResult {
    let mut r = golden_run();
    r.label = format!("{model} ×{workers}");
    r.model = model;
    r.workers = workers;
    r.workload = w.clone();
    r.status = RunStatus::Completed;
    r.repetitions = tput
        .iter()
        .enumerate()
        .map(|(i, &t)| Repetition {
            round: i,
            position: 0,
            wall_seconds: 1.0,
            tasks_completed: t as u64,
            throughput_per_sec: t,
            latency_us: RepetitionLatency {
                p50,
                p99: p50 * 2.0,
            },
            overhead_per_task_us: Some(5.0),
            foreign_cpu_cores: Some(0.0),
            status: RunStatus::Completed,
        })
        .collect();
    let s = Summary::of(tput).expect("throughputs");
    r.stats = Some(RunStats {
        throughput_per_sec: s,
        overhead_per_task_us: Summary::of(&vec![5.0; tput.len()]),
        p50_us: Summary::of(&vec![p50; tput.len()]).expect("p50"),
        p99_us: Summary::of(&vec![p50 * 2.0; tput.len()]).expect("p99"),
    });
    r.throughput_per_sec = s.mean;
    r.wall_seconds = tput.len() as f64;
    r.tasks_completed = tput.iter().sum::<f64>() as u64;
    r.process.user_s = cores * r.wall_seconds;
    r.process.sys_s = 0.0;
    r.latency_us.p50 = p50;
    r.latency_us.mean = p50;
    r.overhead_per_task_us = Some(5.0);
    r.foreign_cpu_cores = Some(0.0);
    r.warnings.clear();
    r.workload_stats = None;
    r
}

fn host() -> Host {
    Host {
        logical_cpus: 2,
        os: "Linux".into(),
        cpu_brand: "a CPU".into(),
        physical_cpus: Some(2),
        governor: None,
        load_avg_1m: None,
        kernel: None,
    }
}

fn ids(runs: &[RunResult]) -> Vec<String> {
    found(runs).into_iter().map(|f| f.id).collect()
}

fn found(runs: &[RunResult]) -> Vec<Finding> {
    findings(runs, &host(), Order::Interleaved)
}

fn one(runs: &[RunResult], id: &str) -> Finding {
    let all = found(runs);
    let hits: Vec<_> = all.iter().filter(|f| f.id == id).cloned().collect();
    assert_eq!(hits.len(), 1, "{id} in {all:#?}");
    hits[0].clone()
}

fn x(base: f64, factor: f64) -> Vec<f64> {
    [0.99, 1.0, 1.01]
        .iter()
        .map(|j| base * factor * j)
        .collect()
}

/// CPU-bound threads on 2 cores: 1 → 2 doubles, 4 gains nothing, the cores full.
fn cpu_sweep() -> Vec<RunResult> {
    let w = cpu();
    vec![
        run(Model::Threads, 1, &w, &x(1000.0, 1.0), 1.0, 100.0),
        run(Model::Threads, 2, &w, &x(1000.0, 1.95), 1.98, 100.0),
        run(Model::Threads, 4, &w, &x(1000.0, 1.94), 1.99, 200.0),
    ]
}

/// A mutex: flat from 1 worker, one core used, latency rising with the workers.
fn mutex_sweep() -> Vec<RunResult> {
    let w = workload(
        serde_json::json!({"kind": "contention", "lock": "mutex", "critical_iterations": 100}),
    );
    vec![
        run(Model::Threads, 1, &w, &x(1000.0, 1.0), 1.0, 100.0),
        run(Model::Threads, 2, &w, &x(1000.0, 0.97), 1.02, 200.0),
        run(Model::Threads, 4, &w, &x(1000.0, 0.95), 1.05, 400.0),
    ]
}

#[test]
fn cpu_bound_sweep_is_scaling_and_saturated_not_contention() {
    let runs = cpu_sweep();
    let got = ids(&runs);
    assert!(
        got.contains(&"scaling".into()) && got.contains(&"cpu-saturated".into()),
        "{got:?}"
    );
    assert!(
        !got.contains(&"lock-contention".into()) && !got.contains(&"noisy".into()),
        "{got:?}"
    );
    let s = one(&runs, "scaling");
    assert_eq!(s.evidence.figures["knee_workers"], 2.0, "{s:#?}");
    assert!(s.text.contains("stopped helping at 2"), "{}", s.text);
    let c = one(&runs, "cpu-saturated");
    assert!(c.text.contains("4 workers on 2 logical CPUs"), "{}", c.text);
}

#[test]
fn a_sweep_that_scales_has_no_knee_and_is_not_saturated() {
    let mut runs = cpu_sweep();
    runs.pop();
    let s = one(&runs, "scaling");
    assert!(!s.evidence.figures.contains_key("knee_workers"), "{s:#?}");
    assert!(
        (s.evidence.figures["efficiency"] - 0.975).abs() < 0.01,
        "{s:#?}"
    );
    assert!(!ids(&runs).contains(&"cpu-saturated".into()));
}

#[test]
fn a_mutex_is_lock_contention_not_saturated_cores() {
    let runs = mutex_sweep();
    let got = ids(&runs);
    assert!(got.contains(&"lock-contention".into()), "{got:?}");
    assert!(!got.contains(&"cpu-saturated".into()), "{got:?}");
    let f = one(&runs, "lock-contention");
    assert!(
        f.text.contains("the `mutex` lock") && f.text.contains("from 1 to 2"),
        "{}",
        f.text
    );
}

/// A mutex that spins before it sleeps, as measured on the 2-core machine: the CPU stays busy
/// (1.4 cores at 2 workers) and the median task barely slows, but throughput falls.
#[test]
fn a_spinning_mutex_whose_throughput_falls_on_free_cores_is_lock_contention() {
    let w = workload(
        serde_json::json!({"kind": "contention", "lock": "mutex", "critical_iterations": 2000}),
    );
    let runs = vec![
        run(Model::Threads, 1, &w, &x(266_000.0, 1.0), 1.01, 3.68),
        run(Model::Threads, 2, &w, &x(266_000.0, 0.82), 1.40, 3.70),
        run(Model::Threads, 4, &w, &x(266_000.0, 0.72), 1.78, 3.79),
    ];
    let f = one(&runs, "lock-contention");
    assert!(
        f.text.contains("from 1 to 2 workers") && f.text.contains("each worker had a free core"),
        "{}",
        f.text
    );
    assert!(!ids(&runs).contains(&"cpu-saturated".into()));
    // CPU-bound work that doubles is never called contention.
    assert!(!ids(&cpu_sweep()).contains(&"lock-contention".into()));
}

#[test]
fn no_contention_is_claimed_when_other_programs_held_the_free_core() {
    let mut runs = mutex_sweep();
    for r in &mut runs {
        r.foreign_cpu_cores = Some(1.0);
    }
    assert!(!ids(&runs).contains(&"lock-contention".into()));
}

/// Measured beside other builds: 2 workers of a transfer used 0.27 cores while other
/// programs used 1.7 of the 2; the 0.03 cores left idle say nothing about waiting.
#[test]
fn workers_that_had_no_idle_core_to_use_are_not_said_to_wait() {
    let mut runs = mutex_sweep();
    for r in &mut runs {
        r.foreign_cpu_cores = Some(1.7);
        r.process.user_s = 0.27 * r.wall_seconds;
    }
    assert!(
        !ids(&runs).contains(&"lock-contention".into()),
        "{:#?}",
        found(&runs)
    );
    // The same figures with the cores free: the workers left 1.7 cores idle and waited.
    for r in &mut runs {
        r.foreign_cpu_cores = Some(0.0);
    }
    assert!(ids(&runs).contains(&"lock-contention".into()));
}

#[test]
fn few_repetitions_claim_no_small_difference() {
    let w = cpu();
    // One repetition each: 2 workers 1.15× of 1 is not a gain, 4 workers 1.05× of 2 not shown.
    let runs = vec![
        run(Model::Threads, 1, &w, &[1000.0], 1.0, 100.0),
        run(Model::Threads, 2, &w, &[1150.0], 1.9, 100.0),
        run(Model::Threads, 4, &w, &[1200.0], 2.0, 200.0),
    ];
    let got = found(&runs);
    assert!(!got.iter().any(|f| f.id == "cpu-saturated"), "{got:#?}");
    let s = one(&runs, "scaling");
    assert!(s.text.contains("not tested for significance"), "{}", s.text);
}

/// Python-like: `threads` flat on one core, processes scale.
fn python(thread_cores: f64, thread_factor: f64) -> Vec<RunResult> {
    let w =
        workload(serde_json::json!({"kind": "python", "code": "x = 1", "interpreter": "python3"}));
    vec![
        run(Model::Threads, 1, &w, &x(100.0, 1.0), 1.0, 100.0),
        run(
            Model::Threads,
            2,
            &w,
            &x(100.0, thread_factor),
            thread_cores,
            200.0,
        ),
        run(Model::Processes, 2, &w, &x(100.0, 1.9), 1.95, 100.0),
    ]
}

#[test]
fn gil_fires_for_threads_on_one_core_that_processes_beat() {
    let runs = python(1.02, 1.0);
    let f = one(&runs, "gil");
    assert!(
        f.text.contains("the GIL") && f.text.contains("1.02 cores"),
        "{}",
        f.text
    );
}

#[test]
fn gil_stays_silent_when_python_threads_scale_or_wait() {
    // Releasing the GIL: threads scale on two cores.
    assert!(!ids(&python(1.95, 1.9)).contains(&"gil".into()));
    // Sleeping: threads scale using almost no CPU.
    assert!(!ids(&python(0.05, 1.95)).contains(&"gil".into()));
}

#[test]
fn lost_updates_and_deadlocks_are_reported_from_what_was_measured() {
    let w = workload(
        serde_json::json!({"kind": "contention", "lock": "unsynchronized", "critical_iterations": 1}),
    );
    let mut race = run(Model::Threads, 2, &w, &[1000.0], 2.0, 10.0);
    race.workload_stats = Some(WorkloadStats {
        lost_updates: Some(250),
        bytes_moved: None,
    });
    let f = one(&[race.clone()], "lost-updates");
    assert!(
        f.text.contains("lost 250 of 1000 updates (25 %)"),
        "{}",
        f.text
    );
    race.workload_stats = Some(WorkloadStats {
        lost_updates: Some(0),
        bytes_moved: None,
    });
    assert!(!ids(&[race.clone()]).contains(&"lost-updates".into()));

    let mut stalled = run(Model::Threads, 2, &w, &[10.0], 0.01, 10.0);
    stalled.status = RunStatus::Stalled;
    stalled.error = Some("no task completed for 2 s; workers 0, 1 are stuck.".into());
    let f = one(&[stalled.clone()], "deadlock");
    assert!(
        f.text.contains("blocked waiting") && !f.text.contains(".."),
        "{}",
        f.text
    );
    // Stalled while computing (an endless loop): not a deadlock.
    stalled.process.user_s = 2.0 * stalled.wall_seconds;
    assert!(!ids(&[stalled]).contains(&"deadlock".into()));
}

#[test]
fn fastest_says_whether_the_difference_is_significant() {
    let w = cpu();
    let a = run(Model::Threads, 2, &w, &x(1000.0, 1.0), 2.0, 100.0);
    let b = run(Model::Processes, 2, &w, &x(1000.0, 1.5), 2.0, 100.0);
    let f = one(&[a.clone(), b], "fastest");
    assert!(f.title.starts_with("processes was fastest"), "{}", f.title);
    let same = run(
        Model::Processes,
        2,
        &w,
        &[990.0, 1010.0, 1000.0],
        2.0,
        100.0,
    );
    let f = one(&[a.clone(), same], "fastest");
    assert!(f.text.contains("not significant"), "{}", f.text);
    let untested = run(Model::Processes, 2, &w, &[1050.0], 2.0, 100.0);
    assert!(!ids(&[a, untested]).contains(&"fastest".into()));
}

#[test]
fn a_static_split_is_its_own_model_not_a_point_of_the_shared_queue_curve() {
    use crate::profile::chunk::Chunk;
    let w = cpu();
    let queue = |n| {
        run(
            Model::Threads,
            n,
            &w,
            &x(1000.0 * n as f64, 1.0),
            n as f64,
            100.0,
        )
    };
    let split = |n| {
        let mut r = run(
            Model::Threads,
            n,
            &w,
            &x(700.0 * n as f64, 1.0),
            n as f64,
            100.0,
        );
        r.chunk = Some(Chunk::Static);
        r.label = format!("static ×{n}");
        r
    };
    let runs = [queue(1), queue(2), split(1), split(2)];
    let sweeps = crate::results::scaling::sweeps(&runs);
    let names: Vec<&str> = sweeps.iter().map(|s| s.name.as_str()).collect();
    assert_eq!(names, ["threads · cpu", "threads, chunk static · cpu"]);
    assert!(
        sweeps.iter().all(|s| s.runs.len() == 2),
        "one run per worker count"
    );
    // Same model, another chunk: compared with each other, the queue named the faster.
    let fastest: Vec<Finding> = found(&runs)
        .into_iter()
        .filter(|f| f.id == "fastest")
        .collect();
    assert_eq!(fastest.len(), 2, "one per worker count: {fastest:?}");
    for f in fastest {
        assert!(f.title.starts_with("threads was fastest"), "{}", f.title);
        assert!(f.text.contains("static ×"), "{}", f.text);
    }
    // Speedups: each curve's ×2 against its own ×1.
    let v = crate::results::verdicts::comparisons(&runs, Default::default());
    let pair = |a: &str, b: &str| v.iter().any(|c| c.a == a && c.b == b);
    assert!(pair("static ×2", "static ×1") && pair("threads ×2", "threads ×1"));
    assert!(!pair("static ×2", "threads ×1"), "{v:?}");
}

#[test]
fn creation_cost_needs_a_large_overhead_and_a_faster_long_lived_run() {
    let w = cpu();
    let mut per_task = run(Model::ProcessPerTask, 2, &w, &x(1000.0, 0.3), 1.5, 100.0);
    per_task.stats.as_mut().unwrap().overhead_per_task_us = Summary::of(&[800.0; 3]);
    let pool = run(Model::Processes, 2, &w, &x(1000.0, 1.0), 2.0, 100.0);
    let f = one(&[per_task.clone(), pool.clone()], "creation-cost");
    assert!(
        f.text.contains("800 µs per task") && f.text.contains("89 %"),
        "{}",
        f.text
    );
    per_task.stats.as_mut().unwrap().overhead_per_task_us = Summary::of(&[5.0; 3]);
    assert!(!ids(&[per_task, pool]).contains(&"creation-cost".into()));
}

#[test]
fn io_bound_needs_growth_past_the_cores_on_idle_cpus() {
    let w = workload(serde_json::json!({"kind": "sleep", "ms": 1.0}));
    let runs = vec![
        run(Model::Threads, 1, &w, &x(900.0, 1.0), 0.05, 1000.0),
        run(Model::Threads, 2, &w, &x(900.0, 2.0), 0.1, 1000.0),
        run(Model::Threads, 8, &w, &x(900.0, 7.8), 0.3, 1000.0),
    ];
    assert!(ids(&runs).contains(&"io-bound".into()));
    assert!(!ids(&cpu_sweep()).contains(&"io-bound".into()));
}

#[test]
fn noisy_names_wide_intervals_and_other_programs() {
    let mut runs = cpu_sweep();
    assert!(!ids(&runs).contains(&"noisy".into()));
    runs[1].foreign_cpu_cores = Some(0.9);
    let f = one(&runs, "noisy");
    assert!(
        f.text.contains("other programs used 0.90 cores"),
        "{}",
        f.text
    );
    assert_eq!(f.evidence.runs, vec!["threads ×2".to_string()]);
}

#[test]
fn memory_per_process_needs_processes_to_grow_and_threads_not() {
    let w = cpu();
    let mut runs = vec![
        run(Model::Threads, 1, &w, &x(1000.0, 1.0), 1.0, 100.0),
        run(Model::Threads, 4, &w, &x(1000.0, 2.0), 2.0, 100.0),
        run(Model::Processes, 1, &w, &x(1000.0, 1.0), 1.0, 100.0),
        run(Model::Processes, 4, &w, &x(1000.0, 2.0), 2.0, 100.0),
    ];
    let mib = 1024 * 1024;
    for (r, rss) in runs.iter_mut().zip([20, 21, 30, 90]) {
        r.label = format!("{} ×{}", r.model, r.workers);
        r.process.peak_rss_bytes = rss * mib;
    }
    let f = one(&runs, "memory-per-process");
    assert!(
        (f.evidence.figures["bytes_per_process"] - 20.0 * mib as f64).abs() < 1.0,
        "{f:#?}"
    );
    runs[1].process.peak_rss_bytes = 80 * mib;
    assert!(!ids(&runs).contains(&"memory-per-process".into()));
}

#[test]
fn ipc_cost_needs_intervals_apart() {
    let w = workload(serde_json::json!({"kind": "transfer", "bytes": 1000000}));
    let threads = run(Model::Threads, 2, &w, &x(1000.0, 1.0), 2.0, 100.0);
    let mut procs = run(Model::Processes, 2, &w, &x(1000.0, 0.8), 2.0, 100.0);
    procs.stats.as_mut().unwrap().overhead_per_task_us = Summary::of(&[300.0, 310.0, 305.0]);
    procs.workload_stats = Some(WorkloadStats {
        lost_updates: None,
        bytes_moved: Some(procs.tasks_completed * 1_000_000),
    });
    let f = one(&[threads.clone(), procs.clone()], "ipc-cost");
    assert!(f.text.contains("about 300 µs per MB"), "{}", f.text);
    procs.stats.as_mut().unwrap().overhead_per_task_us = Summary::of(&[4.0, 6.0, 5.5]);
    assert!(!ids(&[threads, procs]).contains(&"ipc-cost".into()));
}

#[test]
fn findings_round_trip_and_old_files_have_none() {
    let text = include_str!("../../../tests/golden/results-v1.json");
    let mut results = crate::results::Results::from_json(text, "golden").expect("golden");
    assert!(results.findings.is_empty());
    results.findings = found(&cpu_sweep());
    let back = crate::results::Results::from_json(&results.to_json(), "new").expect("back");
    assert_eq!(back.findings, results.findings);
    assert!(results.to_json().contains("\"severity\": \"notice\""));
}

/// `r` with other programs using `foreign` cores during it.
fn busy_beside(mut r: RunResult, foreign: f64) -> RunResult {
    r.foreign_cpu_cores = Some(foreign);
    r.repetitions
        .iter_mut()
        .for_each(|p| p.foreign_cpu_cores = Some(foreign));
    r
}

/// CPU-bound pool work on 2 cores while other programs used about one, as measured on the
/// 2-core machine: every count got a little more CPU than the last, taken from the other
/// programs, and throughput followed the CPU; 1 → 2 too noisy to test.
fn cpu_sweep_beside_other_programs(per_core_at_8: f64) -> Vec<RunResult> {
    let w = cpu();
    let spread = |base: f64| vec![base * 0.85, base, base * 1.15];
    vec![
        busy_beside(run(Model::Pool, 1, &w, &spread(1529.0), 1.15, 500.0), 1.24),
        busy_beside(run(Model::Pool, 2, &w, &spread(1677.0), 1.22, 500.0), 1.16),
        busy_beside(run(Model::Pool, 4, &w, &x(1810.0, 1.0), 1.30, 500.0), 1.04),
        busy_beside(
            run(
                Model::Pool,
                8,
                &w,
                &x(1.36 * per_core_at_8, 1.0),
                1.36,
                500.0,
            ),
            0.98,
        ),
    ]
}

#[test]
fn cores_full_beside_other_programs_are_saturated_when_throughput_only_followed_the_cpu() {
    // 8 workers: 1.36 cores at 1408 tasks per core-second, as at 2 workers (1375).
    let runs = cpu_sweep_beside_other_programs(1408.0);
    let f = one(&runs, "cpu-saturated");
    assert!(f.text.contains("taken from other programs"), "{}", f.text);
    assert!(f.title.contains("past 2 workers"), "{}", f.title);
    assert!(!ids(&runs).contains(&"lock-contention".into()));
    // Throughput that grew well beyond the CPU gained (1.6× the tasks per core-second):
    // not full cores.
    let runs = cpu_sweep_beside_other_programs(1.6 * 1375.0);
    assert!(!ids(&runs).contains(&"cpu-saturated".into()));
}

#[test]
fn work_that_costs_more_per_core_at_the_core_count_is_not_saturated_beside_other_programs() {
    // 2 workers did 40 % less per core-second than 1: contention, not full cores.
    let mut runs = cpu_sweep_beside_other_programs(1408.0);
    let w = cpu();
    let spread = |base: f64| vec![base * 0.85, base, base * 1.15];
    runs[1] = busy_beside(
        run(
            Model::Pool,
            2,
            &w,
            &spread(0.6 * 1.22 * 1330.0),
            1.22,
            500.0,
        ),
        1.16,
    );
    assert!(!ids(&runs).contains(&"cpu-saturated".into()));
}

#[test]
fn cpu_work_that_wins_cpu_from_other_programs_past_the_cores_is_not_io_bound() {
    // As measured with other programs on 1.8 of 2 cores: 8 workers 1.53× of 2 at 0.47
    // cores, 2 at 0.31: throughput followed the CPU.
    let w = cpu();
    let runs = vec![
        busy_beside(run(Model::Threads, 1, &w, &x(300.0, 1.0), 0.2, 500.0), 1.8),
        busy_beside(run(Model::Threads, 2, &w, &x(300.0, 1.5), 0.31, 500.0), 1.7),
        busy_beside(run(Model::Threads, 8, &w, &x(300.0, 2.3), 0.47, 500.0), 1.5),
    ];
    assert!(!ids(&runs).contains(&"io-bound".into()), "{:?}", ids(&runs));
    // Sleeping work: 4× the throughput at the same little CPU.
    let mut sleeping = runs.clone();
    sleeping[2] = busy_beside(run(Model::Threads, 8, &w, &x(300.0, 6.0), 0.33, 500.0), 1.5);
    assert!(ids(&sleeping).contains(&"io-bound".into()));
}

/// File I/O beside other builds, as measured: at 2 workers parlab used 0.34 cores (others
/// 1.59), at 16 workers 0.94 (others 1.10) and 2.87× the throughput. The gain followed the
/// CPU, as any work's does, but work that used a third of a core is not CPU-bound: no claim
/// that the cores were full.
#[test]
fn waiting_work_that_gains_with_cpu_won_from_other_programs_is_not_saturated() {
    let w = workload(serde_json::json!({"kind": "file-io", "bytes": 65536, "fsync": true}));
    let spread = |base: f64| vec![base * 0.7, base, base * 1.3];
    let runs = vec![
        busy_beside(run(Model::Threads, 1, &w, &spread(100.0), 0.2, 5000.0), 1.9),
        busy_beside(
            run(Model::Threads, 2, &w, &spread(200.0), 0.34, 5000.0),
            1.59,
        ),
        busy_beside(
            run(Model::Threads, 16, &w, &spread(574.0), 0.94, 5000.0),
            1.10,
        ),
    ];
    assert!(
        !ids(&runs).contains(&"cpu-saturated".into()),
        "{:#?}",
        found(&runs)
    );
}

/// File I/O on a quiet machine: 16 workers gave 1.8× the throughput of 2 and, doing 1.8×
/// the system calls, used 1.8× the CPU (0.18 to 0.32 cores). No other program gave up CPU,
/// so the CPU growth is the work's own: it waits, and is I/O-bound.
#[test]
fn waiting_work_whose_cpu_grows_with_its_throughput_on_a_quiet_machine_is_io_bound() {
    let w = workload(serde_json::json!({"kind": "file-io", "bytes": 65536, "fsync": true}));
    let runs = vec![
        run(Model::Threads, 1, &w, &x(100.0, 1.0), 0.1, 5000.0),
        run(Model::Threads, 2, &w, &x(100.0, 1.5), 0.18, 5000.0),
        run(Model::Threads, 16, &w, &x(100.0, 2.7), 0.32, 5000.0),
    ];
    assert!(
        ids(&runs).contains(&"io-bound".into()),
        "{:#?}",
        found(&runs)
    );
}

/// Python threads handing the GIL around on 2 free cores: throughput fell a little from 1
/// to 2 threads while they used 1.34 cores. The gil finding says why; lock-contention,
/// which would say the same less precisely, is left out.
#[test]
fn the_gil_explains_the_lock_contention_of_python_threads() {
    let mut runs = python(1.34, 0.96);
    let gil = one(&runs, "gil");
    assert!(
        !ids(&runs).contains(&"lock-contention".into()),
        "{:#?}",
        found(&runs)
    );
    // Without the processes to compare with, no gil finding: the lock contention stays.
    runs.retain(|r| r.model == Model::Threads);
    assert!(
        ids(&runs).contains(&"lock-contention".into()),
        "{:#?}",
        found(&runs)
    );
    assert!(gil.text.contains("GIL"));
}

/// File I/O that scales to 8 threads and then falls back into noise at 16 (the disk's
/// queue): it still grew past the 2 cores on idle CPUs, at 8.
#[test]
fn io_that_levels_off_after_passing_the_cores_is_still_io_bound() {
    let w = workload(serde_json::json!({"kind": "file-io", "bytes": 65536, "fsync": true}));
    let runs = vec![
        run(Model::Threads, 2, &w, &x(100.0, 1.0), 0.1, 5000.0),
        run(Model::Threads, 8, &w, &x(100.0, 2.0), 0.15, 5000.0),
        // 16 threads queued on the disk: no faster than 2 on average, and noisy.
        run(Model::Threads, 16, &w, &[60.0, 130.0, 200.0], 0.15, 5000.0),
    ];
    let f = one(&runs, "io-bound");
    assert!(f.text.starts_with("8 workers gave"), "{}", f.text);
}

/// /bin/true from threads and processes beside a busy core, as measured: the 2 threads
/// used 0.96 cores while other programs held 0.88, and processes were 1.29× faster. One
/// core was all the threads could have had: no claim of a GIL.
#[test]
fn threads_on_the_only_free_core_are_not_said_to_hold_a_gil() {
    let mut runs = python(0.96, 0.9);
    for r in &mut runs {
        *r = busy_beside(r.clone(), 0.88);
    }
    assert!(!ids(&runs).contains(&"gil".into()), "{:#?}", found(&runs));
    // The same figures with the cores free: the threads left a core idle, and it is the GIL.
    let runs = python(0.96, 0.9);
    assert!(ids(&runs).contains(&"gil".into()), "{:#?}", found(&runs));
}

fn balanced(label: &str, busy: &[f64]) -> RunResult {
    let mut r = run(Model::Threads, busy.len(), &cpu(), &[1000.0], 2.0, 10.0);
    r.label = label.to_string();
    let max = busy.iter().copied().fold(0.0, f64::max);
    r.balance = Some(crate::metrics::balance::LoadBalance {
        makespan_s: 1.0,
        busy_s: busy.to_vec(),
        idle_s: busy.iter().map(|b| 1.0 - b).collect(),
        load_balance: busy.iter().sum::<f64>() / busy.len() as f64 / max,
        effective_parallelism: busy.iter().sum(),
        creating_share: 0.0,
        moving_share: 0.0,
        waiting_share: 0.0,
        stats: None,
    });
    r
}

#[test]
fn an_unevenly_busy_run_is_load_imbalance_named_with_the_even_one() {
    let runs = [
        balanced("static", &[1.0, 0.5]),
        balanced("queue", &[0.98, 0.97]),
    ];
    let f = one(&runs, "load-imbalance");
    assert_eq!(f.evidence.runs, vec!["static", "queue"]);
    assert!(f.text.contains("load balance 0.75"), "{}", f.text);
    // Of 2 workers busy 1.0 and 0.5 s, the second idled half the time: a quarter on average.
    assert!(
        f.text
            .contains("on average a worker sat idle for 25 % of the busiest one's time"),
        "{}",
        f.text
    );
    assert_eq!(
        ids(&runs).iter().filter(|i| *i == "load-imbalance").count(),
        1
    );
}

#[test]
fn workers_taking_turns_at_a_lock_are_not_load_imbalance() {
    // Two threads at one mutex: worker 1 ran 0.75 of the time while worker 2 waited for the
    // lock, then the other way round for a while (as measured): the lock, not the split.
    let mut mutex = balanced("mutex", &[0.75, 0.22]);
    if let Some(b) = mutex.balance.as_mut() {
        b.waiting_share = 0.5;
    }
    assert!(!ids(std::slice::from_ref(&mutex)).contains(&"load-imbalance".to_string()));
    if let Some(b) = mutex.balance.as_mut() {
        b.waiting_share = 0.05;
    }
    assert!(ids(&[mutex]).contains(&"load-imbalance".to_string()));
}

#[test]
fn load_imbalance_needs_enough_tasks_and_a_core_per_worker() {
    let mut few = balanced("few", &[1.0, 0.5]);
    few.tasks_completed = 39;
    assert!(!ids(&[few]).contains(&"load-imbalance".to_string()));
    let mut crowded = balanced("crowded", &[1.0, 0.5]);
    crowded.foreign_cpu_cores = Some(1.0);
    assert!(!ids(&[crowded.clone()]).contains(&"load-imbalance".to_string()));
    crowded.foreign_cpu_cores = Some(0.3);
    assert!(!ids(&[crowded.clone()]).contains(&"load-imbalance".to_string()));
    // What a quiet machine's daemons use leaves 2 workers on 2 cores a core each.
    crowded.foreign_cpu_cores = Some(0.05);
    assert!(ids(&[crowded]).contains(&"load-imbalance".to_string()));
}
