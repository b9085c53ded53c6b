//! Open-model load (issue 17) on the real binary: tasks arrive on a schedule whether or not
//! a worker is free, and the response time counts the wait from the intended start (no
//! coordinated omission); the schedule is kept; Poisson arrivals repeat; a full queue drops.

mod common;

use common::{CpuClock, profile, read_json, run_table, run_with_json, spawn_run, write};
use serde_json::Value;
use std::sync::Mutex;

/// One run at a time in this file: the schedule checks need the cores.
static SERIAL: Mutex<()> = Mutex::new(());

fn open_run(model: &str, workers: u32, stop: &str, load: &str, workload: &str) -> String {
    run_table(
        model,
        &workers.to_string(),
        &format!("{stop}\n{load}"),
        workload,
    )
}

fn f(run: &Value, path: &[&str]) -> f64 {
    let mut v = run;
    for key in path {
        v = &v[key];
    }
    v.as_f64()
        .unwrap_or_else(|| panic!("{path:?} is a number in {run}"))
}

const SLEEP_10MS: &str = "kind = \"sleep\"\nms = 10";
const TINY: &str = "kind = \"cpu\"\niterations = 1";

#[test]
fn over_capacity_the_response_time_grows_and_the_run_is_saturated() {
    let _serial = SERIAL.lock().unwrap_or_else(|e| e.into_inner());
    // One worker serves 10 ms tasks: at most 100 a second, and 150 arrive.
    let runs = [open_run(
        "threads",
        1,
        "duration_s = 3.0",
        "arrival_rate = 150",
        SLEEP_10MS,
    )];
    let (output, json) = run_with_json(&runs, &["-q"]);
    assert!(output.status.success(), "{output:?}");
    let run = &json["runs"][0];
    assert_eq!(run["load"]["model"], "open");
    assert_eq!(run["saturated"], true, "{run}");
    let service_p50 = f(run, &["latency_us", "p50"]);
    assert!(
        (9_500.0..15_000.0).contains(&service_p50),
        "service p50 {service_p50} µs"
    );
    let response_p99 = f(run, &["response_us", "p99"]);
    assert!(response_p99 >= 500_000.0, "response p99 {response_p99} µs");
    // The backlog grows all through the run: so does the response time.
    let over_time: Vec<f64> = run["timeline"]
        .as_array()
        .expect("timeline")
        .iter()
        .filter_map(|p| p["response_p99_us"].as_f64())
        .collect();
    let (first, last) = (over_time[0], over_time[over_time.len() - 2]);
    assert!(last > 4.0 * first, "response p99 over time: {over_time:?}");
    assert!(f(run, &["achieved_rate"]) < 110.0);
}

/// At a third of capacity the response time is the service time plus a few ms at most.
fn under_capacity(duration_s: f64) -> (Value, f64) {
    let runs = [open_run(
        "threads",
        1,
        &format!("duration_s = {duration_s}"),
        "arrival_rate = 50",
        SLEEP_10MS,
    )];
    let (output, json) = run_with_json(&runs, &["-q"]);
    assert!(output.status.success(), "{output:?}");
    let run = json["runs"][0].clone();
    let gap = f(&run, &["response_us", "p99"]) - f(&run, &["latency_us", "p99"]);
    (run, gap)
}

#[test]
fn under_capacity_the_response_time_is_the_service_time() {
    let _serial = SERIAL.lock().unwrap_or_else(|e| e.into_inner());
    let (mut run, mut gap) = under_capacity(3.0);
    // Another program that takes the core makes a sleep overrun, and the next task queues
    // for real: measured by the engine, then once more, longer.
    let others = |run: &Value| run["foreign_cpu_cores"].as_f64().unwrap_or(0.0);
    let spoiled = |run: &Value, gap: f64| gap >= 3_000.0 || run["saturated"] != false;
    if spoiled(&run, gap) && others(&run) >= 0.5 {
        (run, gap) = under_capacity(6.0);
    }
    if spoiled(&run, gap) && others(&run) >= 0.5 {
        // Other programs held the core through both runs (a 10 ms sleep once took 210 ms
        // beside 1.95 cores of builds): the queue was real, so only what holds under any
        // load is checked.
        eprintln!(
            "other programs used {:.2} cores through the longer run too",
            others(&run)
        );
        assert!(f(&run, &["response_us", "p50"]) >= f(&run, &["latency_us", "p50"]));
        assert_eq!(run["dropped"], 0);
        return;
    }
    assert_eq!(run["saturated"], false, "{run}");
    assert!(
        gap < 3_000.0,
        "response p99 − service p99 = {gap} µs: {run}"
    );
    assert!(f(&run, &["queue_us", "p50"]) < 1_000.0, "{run}");
    assert_eq!(run["dropped"], 0);
}

/// 20 000 tiny tasks a second on 2 threads for `duration_s`: (offered, achieved, others' CPU).
fn twenty_thousand(duration_s: f64) -> (f64, f64, f64) {
    let runs = [open_run(
        "threads",
        2,
        &format!("duration_s = {duration_s}"),
        "arrival_rate = 20000",
        TINY,
    )];
    let before = CpuClock::now();
    let (output, json) = run_with_json(&runs, &["-q"]);
    let others = before.others_cores(&CpuClock::now());
    assert!(output.status.success(), "{output:?}");
    let run = &json["runs"][0];
    (
        f(run, &["offered_rate"]),
        f(run, &["achieved_rate"]),
        others,
    )
}

#[test]
fn the_schedule_is_kept_at_twenty_thousand_tasks_a_second() {
    let _serial = SERIAL.lock().unwrap_or_else(|e| e.into_inner());
    let (mut offered, mut achieved, others) = twenty_thousand(2.0);
    if (achieved / offered - 1.0).abs() >= 0.01 && others >= 0.5 {
        (offered, achieved, _) = twenty_thousand(6.0);
    }
    assert_eq!(offered, 20_000.0);
    assert!(
        (achieved / offered - 1.0).abs() < 0.01,
        "achieved {achieved}/s of {offered}/s (others used {others:.2} cores)"
    );
}

/// Tasks offered by a 0.5 s Poisson schedule of 2000 a second with `seed`.
fn poisson_offered(seed: u64) -> u64 {
    let runs = [open_run(
        "threads",
        2,
        "duration_s = 0.5",
        "arrival_rate = 2000\narrivals = \"poisson\"",
        TINY,
    )];
    let dir = tempfile::tempdir().expect("temporary folder");
    let text = format!("name = \"p\"\nseed = {seed}\n\n{}", runs.concat());
    let path = common::write(dir.path(), "p.toml", &text);
    let out = dir.path().join("out.json");
    common::run_command(&path, &out)
        .arg("-q")
        .assert()
        .success();
    let json = common::read_json(&out);
    let run = &json["runs"][0];
    assert_eq!(run["load"]["arrivals"], "poisson");
    ["tasks_completed", "tasks_failed", "dropped", "unstarted"]
        .iter()
        .map(|k| run[k].as_u64().expect("a count"))
        .sum()
}

#[test]
fn poisson_arrivals_repeat_with_the_seed() {
    let _serial = SERIAL.lock().unwrap_or_else(|e| e.into_inner());
    let a = poisson_offered(7);
    assert_eq!(a, poisson_offered(7), "the same seed, the same schedule");
    assert_ne!(a, 1000, "uniform arrivals would give exactly 1000");
    assert_ne!(a, poisson_offered(8), "another seed, another schedule");
}

/// Seed 5 draws 93 Poisson arrivals in the first second of a 100/s schedule: chance, not
/// a slow system. Two idle workers serve them all; the run must not be called saturated.
#[test]
fn fewer_poisson_arrivals_than_the_rate_are_not_saturation() {
    let _serial = SERIAL.lock().unwrap_or_else(|e| e.into_inner());
    let runs = [open_run(
        "threads",
        2,
        "duration_s = 1.0",
        "arrival_rate = 100\narrivals = \"poisson\"",
        "kind = \"sleep\"\nms = 1",
    )];
    let dir = tempfile::tempdir().expect("temporary folder");
    let text = format!("name = \"p\"\nseed = 5\n\n{}", runs.concat());
    let out = dir.path().join("out.json");
    common::run_command(&common::write(dir.path(), "p.toml", &text), &out)
        .arg("-q")
        .assert()
        .success();
    let json = common::read_json(&out);
    let run = &json["runs"][0];
    let arrived = f(run, &["arrived_rate"]);
    let came = ["tasks_completed", "tasks_failed", "dropped", "unstarted"]
        .iter()
        .map(|k| run[k].as_u64().expect("a count"))
        .sum::<u64>();
    assert_eq!(arrived, came as f64, "arrivals in the 1 s schedule: {run}");
    assert!(
        arrived < 95.0,
        "seed 5 must draw fewer than 95 arrivals: {arrived}"
    );
    assert_eq!(f(run, &["offered_rate"]), 100.0);
    assert_eq!(run["saturated"], false, "{run}");
    let ids: Vec<&str> = json["findings"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|f| f["id"].as_str())
        .collect();
    assert!(!ids.contains(&"saturated"), "{ids:?}");
}

#[test]
fn a_full_queue_drops_and_counts() {
    let _serial = SERIAL.lock().unwrap_or_else(|e| e.into_inner());
    // 300 arrivals in 0.3 s for one worker serving 100 a second; 5 may wait.
    let runs = [open_run(
        "threads",
        1,
        "tasks = 300",
        "arrival_rate = 1000\nmax_queue = 5",
        SLEEP_10MS,
    )];
    let (output, json) = run_with_json(&runs, &["-q"]);
    assert!(output.status.success(), "{output:?}");
    let run = &json["runs"][0];
    let completed = run["tasks_completed"].as_u64().expect("count");
    let dropped = run["dropped"].as_u64().expect("count");
    assert_eq!(completed + dropped, 300, "{run}");
    assert!(dropped >= 200, "{dropped} dropped");
    let longest = run["timeline"]
        .as_array()
        .expect("timeline")
        .iter()
        .filter_map(|p| p["queue_len"].as_u64())
        .max();
    assert!(longest.is_some_and(|q| (1..=5).contains(&q)), "{longest:?}");
}

#[test]
fn every_model_serves_an_open_load() {
    let _serial = SERIAL.lock().unwrap_or_else(|e| e.into_inner());
    let runs: Vec<String> = [
        "threads",
        "pool",
        "processes",
        "thread-per-task",
        "process-per-task",
    ]
    .iter()
    .map(|m| open_run(m, 2, "tasks = 40", "arrival_rate = 200", TINY))
    .collect();
    let (output, json) = run_with_json(&runs, &["-q"]);
    assert!(output.status.success(), "{output:?}");
    for run in json["runs"].as_array().expect("runs") {
        assert_eq!(run["tasks_completed"], 40, "{run}");
        // 40 arrivals 5 ms apart: the run lasts about 0.2 s, not as long as 40 tasks take.
        assert!(f(run, &["wall_seconds"]) >= 0.19, "{run}");
        assert!(f(run, &["response_us", "p50"]) >= f(run, &["latency_us", "p50"]));
    }
}

#[test]
fn closed_runs_have_no_open_fields_and_bad_loads_are_located() {
    let runs = [run_table("threads", "1", "tasks = 5", TINY)];
    let (_, json) = run_with_json(&runs, &["-q"]);
    let run = &json["runs"][0];
    for key in [
        "load",
        "offered_rate",
        "response_us",
        "queue_us",
        "saturated",
    ] {
        assert!(run.get(key).is_none(), "{key} in a closed run: {run}");
    }
    let bad = [open_run(
        "threads",
        1,
        "tasks = 5",
        "arrival_rate = [100, -2]",
        TINY,
    )];
    let (output, _) = run_with_json(&bad, &["-q"]);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(!output.status.success());
    assert!(
        stderr.contains("run[0].arrival_rate[1]") && stderr.contains("got -2"),
        "{stderr}"
    );
}

#[test]
fn a_failing_task_or_a_stuck_one_ends_an_open_run_as_in_a_closed_one() {
    let _serial = SERIAL.lock().unwrap_or_else(|e| e.into_inner());
    let failing = "kind = \"fault\"\naction = \"error\"\nat_task = 5";
    let stuck = "kind = \"fault\"\naction = \"hang\"\nat_task = 2";
    let runs = [
        open_run("threads", 2, "tasks = 40", "arrival_rate = 200", failing),
        open_run(
            "process-per-task",
            2,
            "tasks = 40",
            "arrival_rate = 200",
            failing,
        ),
        open_run(
            "threads",
            1,
            "tasks = 40\nstall_timeout_s = 1",
            "arrival_rate = 200",
            stuck,
        ),
    ];
    let (output, json) = run_with_json(&runs, &["-q"]);
    // A failed or stalled run is exit status 1, with every run's results written.
    assert_eq!(output.status.code(), Some(1), "{output:?}");
    let runs = json["runs"].as_array().expect("runs");
    for run in &runs[..2] {
        assert_eq!(run["status"], "failed", "{run}");
        let error = run["error"].as_str().unwrap_or("");
        assert!(
            error.contains("task 5: fault injected at task 5"),
            "{error}"
        );
        assert_eq!(run["tasks_failed"], 1, "{run}");
    }
    // Stuck in task 2 while arrivals queue behind it: the watchdog, not the schedule, ends it.
    assert_eq!(runs[2]["status"], "stalled", "{}", runs[2]);
    assert!(f(&runs[2], &["wall_seconds"]) < 10.0, "{}", runs[2]);
}

#[test]
fn ctrl_c_stops_an_open_run_with_its_queue_and_leaves_no_worker_behind() {
    let _serial = SERIAL.lock().unwrap_or_else(|e| e.into_inner());
    let dir = tempfile::tempdir().expect("temporary folder");
    // Over capacity for 10 s: the queue grows until Ctrl+C, 1 s in.
    let runs = [open_run(
        "process-per-task",
        1,
        "duration_s = 10",
        "arrival_rate = 150",
        SLEEP_10MS,
    )];
    let path = write(dir.path(), "open.toml", &profile(&runs));
    let out = dir.path().join("out.json");
    let child = spawn_run(&path, &out);
    let pid = child.id();
    std::thread::sleep(std::time::Duration::from_secs(1));
    let workers = common::descendants(pid);
    let asked = std::time::Instant::now();
    common::signal(pid, libc::SIGINT);
    let output = child.wait_with_output().expect("parlab ends");
    assert_eq!(output.status.code(), Some(130), "{output:?}");
    assert!(
        asked.elapsed().as_secs_f64() < 5.0,
        "stopped in {:?}",
        asked.elapsed()
    );
    let alive: Vec<u32> = workers.into_iter().filter(|&w| common::alive(w)).collect();
    assert!(alive.is_empty(), "workers {alive:?} outlived the run");
    let run = &read_json(&out)["runs"][0];
    assert_eq!(run["status"], "stopped", "{run}");
    // What ran is reported, with the wait it had in the queue; what still waited is unstarted.
    assert!(run["tasks_completed"].as_u64().unwrap_or(0) > 0, "{run}");
    assert!(
        f(run, &["response_us", "p99"]) > f(run, &["latency_us", "p99"]),
        "{run}"
    );
    assert!(run["unstarted"].as_u64().unwrap_or(0) > 0, "{run}");
}
