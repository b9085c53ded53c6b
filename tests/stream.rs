//! The engine behind a process boundary (`parlab engine` and `parlab::stream`): the stream
//! format round-trips, runs from an engine process measure what `parlab run` measures and
//! not the process that started them, and no engine or worker outlives its starter.

mod common;

use common::{alive, descendants, parlab_bin, profile, run_table, signal, wait_until};
use parlab::exec::{Session, WorkerCommand};
use parlab::profile::{Profile, parse_str};
use parlab::results::{Results, RunStatus};
use parlab::stream::{Command, EngineCommand, EngineSession, Event, FORMAT, decode, encode};
use std::io::BufRead;
use std::time::Duration;

fn engine() -> EngineCommand {
    EngineCommand::new(parlab_bin())
}

fn parsed(runs: &[String]) -> Profile {
    parse_str(&profile(runs), "test.toml").expect("valid profile")
}

fn start(runs: &[String]) -> EngineSession {
    EngineSession::start(&engine(), &parsed(runs), "test.toml").expect("the engine starts")
}

/// Waits until the session's live run has completed a task.
fn wait_for_progress(session: &EngineSession) {
    assert!(
        wait_until(Duration::from_secs(20), || session
            .progress()
            .live
            .tasks_done
            > 0),
        "the engine reported no progress"
    );
}

fn long_processes_run() -> String {
    run_table(
        "processes",
        "2",
        "duration_s = 60",
        "kind = \"sleep\"\nms = 5",
    )
}

/// `run` as if repeated twice: its repetitions, statistics and a warning filled in.
fn with_repetitions(run: &parlab::results::RunResult) -> parlab::results::RunResult {
    use parlab::results::{Repetition, RepetitionLatency, RunStats};
    use parlab::stats::Summary;
    let mut run = run.clone();
    let xs = [run.throughput_per_sec * 0.97, run.throughput_per_sec * 1.03];
    run.repetitions = xs
        .iter()
        .enumerate()
        .map(|(round, &x)| Repetition {
            round,
            position: 1 - round,
            wall_seconds: run.wall_seconds / 2.0,
            tasks_completed: run.tasks_completed / 2,
            throughput_per_sec: x,
            latency_us: RepetitionLatency {
                p50: run.latency_us.p50,
                p99: run.latency_us.p99 / 3.0,
            },
            overhead_per_task_us: run.overhead_per_task_us,
            foreign_cpu_cores: Some(0.1 / 3.0),
            status: run.status,
        })
        .collect();
    let summary = Summary::of(&xs).expect("finite");
    run.stats = Some(RunStats {
        throughput_per_sec: summary,
        overhead_per_task_us: None,
        p50_us: summary,
        p99_us: summary,
    });
    run.warnings = vec!["throughput varies by 4.2 % between \"repetitions\"".into()];
    run.foreign_cpu_cores = Some(1.0 / 7.0);
    run
}

#[test]
fn every_event_round_trips_with_real_runs() {
    let golden = Results::from_json(include_str!("golden/results-v1.json"), "golden")
        .expect("the golden results read");
    let mut events = vec![
        Event::Hello {
            format: FORMAT.into(),
            pid: 4711,
            runs: golden.runs.len() * 3,
            configs: golden.runs.len(),
            rounds: 3,
            seed: (1 << 53) - 1,
            worker: "/usr/libexec/parlab/parlab-worker".into(),
            host: Some(golden.host.clone()),
        },
        Event::End { stopped: true },
        Event::Error {
            message: "x.toml:3:1: bad \"quote\"\nsecond line".into(),
        },
    ];
    for (index, run) in golden.runs.iter().enumerate() {
        let mut snapshot = run.clone();
        snapshot.timeline.clear();
        snapshot.cpu.per_core.clear();
        let rows = (0..run.cpu.per_core.first().map_or(0, Vec::len))
            .map(|k| run.cpu.per_core.iter().map(|core| core[k]).collect())
            .collect();
        events.push(Event::Run {
            index,
            config: index,
            round: 2,
            label: run.label.clone(),
        });
        events.push(Event::Live {
            index,
            tasks_done: run.tasks_completed,
            elapsed_s: run.wall_seconds,
            snapshot: Some(Box::new(snapshot)),
            timeline: run.timeline.clone(),
            cpu_rows: rows,
        });
        events.push(Event::Finished {
            index,
            run: Box::new(run.clone()),
        });
        events.push(Event::Merged {
            index,
            run: Box::new(with_repetitions(run)),
        });
    }
    for event in events {
        let line = encode(&event);
        assert_eq!(line.matches('\n').count(), 1, "one line per event");
        assert_eq!(decode::<Event>(&line).expect("reads back"), event);
    }
    let stop = encode(&Command::Stop);
    assert_eq!(decode::<Command>(&stop).expect("reads back"), Command::Stop);
}

#[test]
fn the_engine_process_runs_the_profile_and_reports_each_run() {
    let session = start(&[
        run_table(
            "threads",
            "1",
            "tasks = 200",
            "kind = \"cpu\"\niterations = 1000",
        ),
        run_table(
            "processes",
            "2",
            "tasks = 200",
            "kind = \"cpu\"\niterations = 1000",
        ),
    ]);
    let engine_pid = session.pid();
    assert!(
        session.wait_timeout(Duration::from_secs(60)),
        "the session ends"
    );
    assert_eq!(session.error(), None);
    assert!(session.worker().is_some_and(|w| w.contains("parlab")));
    let results = session.wait();
    assert_eq!(results.runs.len(), 2);
    for run in &results.runs {
        assert_eq!(run.status, RunStatus::Completed, "{:?}", run.error);
        assert_eq!(run.tasks_completed, 200);
        let observer = run
            .observer_cpu_cores
            .expect("the starter's CPU is recorded");
        assert!((0.0..=64.0).contains(&observer), "{observer}");
    }
    assert!(!alive(engine_pid), "the engine exited");
}

#[test]
fn a_stop_ends_the_session_and_keeps_the_live_run() {
    let session = start(&[long_processes_run(), long_processes_run()]);
    wait_for_progress(&session);
    session.cancel();
    assert!(
        session.wait_timeout(Duration::from_secs(5)),
        "stopped within seconds"
    );
    assert_eq!(session.error(), None);
    let results = session.wait();
    assert_eq!(results.runs.len(), 1, "the second run never started");
    assert_eq!(results.runs[0].status, RunStatus::Stopped);
    assert!(results.runs[0].tasks_completed > 0);
}

#[test]
fn an_engine_killed_mid_run_is_a_clear_error_and_leaves_nothing_running() {
    let session = start(&[
        run_table(
            "threads",
            "1",
            "tasks = 20",
            "kind = \"cpu\"\niterations = 100",
        ),
        long_processes_run(),
    ]);
    assert!(
        wait_until(Duration::from_secs(20), || {
            let p = session.progress();
            p.finished.len() == 1 && p.live.tasks_done > 0
        }),
        "the second run got going"
    );
    let engine_pid = session.pid();
    let below = descendants(engine_pid);
    assert!(below.len() >= 2, "the workers run: {below:?}");
    signal(engine_pid, libc::SIGKILL);
    assert!(
        session.wait_timeout(Duration::from_secs(10)),
        "the session ends"
    );
    let error = session.error().expect("the app is told");
    assert!(
        error.starts_with(&format!(
            "the engine process (pid {engine_pid}) was killed by signal 9 (SIGKILL) during run 2 of 2"
        )),
        "{error}"
    );
    assert!(error.contains("the run that finished is kept"), "{error}");
    assert_eq!(session.wait().runs.len(), 1);
    assert!(
        wait_until(Duration::from_secs(10), || below.iter().all(|&p| !alive(p))),
        "left running: {:?}",
        below.iter().filter(|&&p| alive(p)).collect::<Vec<_>>()
    );
}

#[test]
fn a_session_dropped_mid_run_leaves_no_process_behind() {
    let session = start(&[long_processes_run()]);
    wait_for_progress(&session);
    let engine_pid = session.pid();
    let mut everything = descendants(engine_pid);
    everything.push(engine_pid);
    drop(session);
    assert!(
        wait_until(Duration::from_secs(5), || everything
            .iter()
            .all(|&p| !alive(p))),
        "left running: {:?}",
        everything.iter().filter(|&&p| alive(p)).collect::<Vec<_>>()
    );
}

/// Set in the environment of this test binary when it plays the app for
/// [`a_killed_app_leaves_no_engine_or_worker_behind`].
const PLAY_THE_APP: &str = "PARLAB_TEST_PLAY_THE_APP";

#[test]
fn a_killed_app_leaves_no_engine_or_worker_behind() {
    if std::env::var_os(PLAY_THE_APP).is_some() {
        // The app's role: start a session, say which engine runs it, wait to be killed.
        let session = start(&[long_processes_run()]);
        wait_for_progress(&session);
        println!("engine {}", session.pid());
        std::thread::sleep(Duration::from_secs(120));
        return;
    }
    let mut app = std::process::Command::new(std::env::current_exe().expect("test binary"))
        .args([
            "a_killed_app_leaves_no_engine_or_worker_behind",
            "--exact",
            "--nocapture",
        ])
        .env(PLAY_THE_APP, "1")
        .stdout(std::process::Stdio::piped())
        .spawn()
        .expect("the app starts");
    let stdout = app.stdout.take().expect("piped");
    let engine_pid: u32 = std::io::BufReader::new(stdout)
        .lines()
        .map_while(Result::ok)
        .find_map(|l| {
            l.strip_prefix("engine ")
                .and_then(|p| p.trim().parse().ok())
        })
        .expect("the app names its engine");
    let mut everything = descendants(engine_pid);
    everything.push(engine_pid);
    assert!(everything.len() >= 3, "engine and workers: {everything:?}");
    signal(app.id(), libc::SIGKILL);
    let _ = app.wait();
    assert!(
        wait_until(Duration::from_secs(10), || everything
            .iter()
            .all(|&p| !alive(p))),
        "left running: {:?}",
        everything.iter().filter(|&&p| alive(p)).collect::<Vec<_>>()
    );
}

/// Touches 200 MiB in this process, the starter of the engine.
fn ballast() -> Vec<u8> {
    let mut ballast = vec![0u8; 200 << 20];
    for page in ballast.chunks_mut(4096) {
        page[0] = 1;
    }
    ballast
}

#[test]
fn the_starters_memory_is_not_the_runs() {
    let ballast = ballast();
    let runs = [
        run_table(
            "threads",
            "1",
            "tasks = 100",
            "kind = \"cpu\"\niterations = 1000",
        ),
        run_table(
            "processes",
            "2",
            "tasks = 100",
            "kind = \"cpu\"\niterations = 1000",
        ),
    ];
    // In this process the ballast counts (the control: it is large enough to show).
    let in_process = Session::start(parsed(&runs[..1]), WorkerCommand::new(parlab_bin()))
        .expect("starts")
        .wait();
    assert!(in_process.runs[0].process.peak_rss_bytes >= 200 << 20);
    let session = start(&runs);
    assert!(session.wait_timeout(Duration::from_secs(60)));
    let results = session.wait();
    std::hint::black_box(&ballast);
    for run in &results.runs {
        let mib = run.process.peak_rss_bytes >> 20;
        assert!((1..100).contains(&mib), "{}: {mib} MiB", run.label);
    }
}

#[test]
fn the_starters_cpu_is_recorded_as_the_observers() {
    let stop = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false));
    let burner = {
        let stop = std::sync::Arc::clone(&stop);
        std::thread::spawn(move || {
            let (wall, cpu) = (std::time::Instant::now(), parlab::sys::thread_cpu_seconds());
            let mut x = 0u64;
            while !stop.load(std::sync::atomic::Ordering::Relaxed) {
                x = std::hint::black_box(x.wrapping_add(1));
            }
            // The share of a core the spinning thread got: all of one on a quiet machine.
            (parlab::sys::thread_cpu_seconds() - cpu) / wall.elapsed().as_secs_f64()
        })
    };
    let session = start(&[run_table(
        "threads",
        "1",
        "duration_s = 1",
        "kind = \"sleep\"\nms = 5",
    )]);
    assert!(session.wait_timeout(Duration::from_secs(30)));
    stop.store(true, std::sync::atomic::Ordering::Relaxed);
    let share = burner.join().expect("the spinning thread ends");
    let run = &session.wait().runs[0];
    // A thread spinning all through the run: the share of a core it got (most of one, less
    // on a busy machine), measured by the thread itself.
    let observer = run.observer_cpu_cores.expect("recorded");
    assert!(share > 0.05, "the spinning thread got {share:.2} of a core");
    assert!(
        observer > 0.7 * share,
        "observer {observer:.2}, spinning thread {share:.2}"
    );
    // The engine's own CPU is the run's: a sleep workload uses almost none.
    let cpu = run.process.user_s + run.process.sys_s;
    assert!(
        cpu < 0.5 * run.wall_seconds,
        "{cpu} CPU s in {} s",
        run.wall_seconds
    );
}

#[test]
fn a_stop_mid_way_keeps_the_finished_repetitions_and_marks_the_runs_stopped() {
    let runs = [
        run_table(
            "threads",
            "1",
            "duration_s = 0.3",
            "kind = \"sleep\"\nms = 1",
        ),
        run_table(
            "threads",
            "2",
            "duration_s = 0.3",
            "kind = \"sleep\"\nms = 1",
        ),
    ];
    let text = common::repeated_profile(5, &runs);
    let parsed = parse_str(&text, "test.toml").expect("valid profile");
    let session = EngineSession::start(&engine(), &parsed, "test.toml").expect("starts");
    assert!(
        wait_until(Duration::from_secs(30), || session.progress().round >= 1),
        "the second round began"
    );
    session.cancel();
    assert!(
        session.wait_timeout(Duration::from_secs(10)),
        "stopped within seconds"
    );
    let results = session.wait();
    assert_eq!(
        results.runs.len(),
        2,
        "both runs had repetitions before the stop"
    );
    for run in &results.runs {
        assert_eq!(run.status, RunStatus::Stopped, "{}", run.label);
        let done = run.repetitions.len();
        assert!(
            (1..5).contains(&done),
            "{}: {done} repetitions kept",
            run.label
        );
        assert_eq!(
            run.stats.as_ref().map(|s| s.throughput_per_sec.n),
            Some(done)
        );
    }
}
