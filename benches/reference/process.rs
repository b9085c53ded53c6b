//! The process references: start a program per task and wait for it, with
//! `std::process::Command` and nothing else (no process group, no registry, no stderr
//! reader, no death signal), from `threads` concurrent spawners.

use crate::Measured;
use parlab::exec::protocol::{
    FromWorker, ProtocolError, ToWorker, recv_from_worker, send_to_worker,
};
use parlab::workload::WorkloadSpec;
use std::io::{Read, Write};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::Mutex;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::time::{Duration, Instant};

/// Runs `task(index)` from `threads` spawners for `time`; the first error ends the run.
fn spawn_for(
    threads: usize,
    time: Duration,
    task: impl Fn(u64) -> Result<(), String> + Sync,
) -> Result<Measured, String> {
    let next = AtomicU64::new(0);
    let done = AtomicU64::new(0);
    let stop = AtomicBool::new(false);
    let failure = Mutex::new(None);
    let measured = Measured::of(|| {
        std::thread::scope(|s| {
            for _ in 0..threads {
                s.spawn(|| {
                    while !stop.load(Ordering::Relaxed) {
                        if let Err(e) = task(next.fetch_add(1, Ordering::Relaxed)) {
                            stop.store(true, Ordering::Relaxed);
                            *failure.lock().unwrap_or_else(|p| p.into_inner()) = Some(e);
                            return;
                        }
                        done.fetch_add(1, Ordering::Relaxed);
                    }
                });
            }
            // Woken early by a failure, so a broken program ends the run at once.
            let deadline = Instant::now() + time;
            while !stop.load(Ordering::Relaxed) && Instant::now() < deadline {
                std::thread::sleep(Duration::from_millis(5).min(time));
            }
            stop.store(true, Ordering::Relaxed);
        });
        done.load(Ordering::Relaxed)
    });
    match failure.into_inner().unwrap_or_else(|p| p.into_inner()) {
        Some(e) => Err(e),
        None => Ok(measured),
    }
}

/// Starts `program` per task and waits for it; it must exit with status 0.
pub fn spawn_wait(threads: usize, time: Duration, program: &Path) -> Result<Measured, String> {
    spawn_for(threads, time, |_| {
        let status = Command::new(program)
            .status()
            .map_err(|e| format!("cannot start {}: {e}", program.display()))?;
        if status.success() {
            Ok(())
        } else {
            Err(format!("{} ended with {status}", program.display()))
        }
    })
}

/// The lean worker installed beside this executable (cargo builds both into one folder).
pub fn worker_beside_me() -> Result<PathBuf, String> {
    let exe = std::env::current_exe().map_err(|e| format!("cannot find this program: {e}"))?;
    let worker = exe.with_file_name("parlab-worker");
    if worker.is_file() {
        Ok(worker)
    } else {
        Err(format!(
            "no parlab-worker at {}: build it (cargo build --release --bins) or pass --program",
            worker.display()
        ))
    }
}

/// Starts `worker` per task and runs one cpu task of `iterations` in it, as a
/// process-per-task run does: INIT and RUN written at once, stdin closed, every answer
/// read to the end of its stdout, then the exit status.
pub fn worker(
    threads: usize,
    iterations: u64,
    time: Duration,
    worker: &Path,
) -> Result<Measured, String> {
    let spec: WorkloadSpec =
        serde_json::from_str(&format!(r#"{{"kind":"cpu","iterations":{iterations}}}"#))
            .map_err(|e| format!("cannot describe a cpu task of {iterations} iterations: {e}"))?;
    let mut init = Vec::new();
    send_to_worker(&mut init, &ToWorker::Init(spec)).map_err(|e| e.to_string())?;
    spawn_for(threads, time, |first| {
        let mut frames = init.clone();
        let run = ToWorker::Run {
            first,
            count: 1,
            block: &[],
        };
        send_to_worker(&mut frames, &run).map_err(|e| e.to_string())?;
        one_worker_task(worker, &frames)
    })
}

/// One worker process for one task: `frames` in, answers out, exit status 0 expected.
fn one_worker_task(worker: &Path, frames: &[u8]) -> Result<(), String> {
    let name = worker.display();
    let mut child = Command::new(worker)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .map_err(|e| format!("cannot start {name}: {e}"))?;
    let written = match child.stdin.take() {
        Some(mut stdin) => stdin.write_all(frames),
        None => Ok(()),
    };
    let mut answers = Vec::new();
    if let Some(mut stdout) = child.stdout.take() {
        stdout
            .read_to_end(&mut answers)
            .map_err(|e| format!("cannot read {name}'s answers: {e}"))?;
    }
    let status = child
        .wait()
        .map_err(|e| format!("cannot wait for {name}: {e}"))?;
    if !status.success() {
        return Err(format!("{name} ended with {status}"));
    }
    // A program that exits without reading may also break the pipe: its silence says more.
    ran_one_task(&mut answers.as_slice()).map_err(|e| format!("{name}: {e}"))?;
    written.map_err(|e| format!("cannot write to {name}: {e}"))
}

/// True when the answers hold READY, then DONE with one latency.
fn ran_one_task(answers: &mut &[u8]) -> Result<(), String> {
    let mut ready = false;
    loop {
        match recv_from_worker(answers) {
            Ok(FromWorker::Ready { .. }) => ready = true,
            Ok(FromWorker::Done(latencies, _)) if ready && latencies.len() == 1 => return Ok(()),
            Ok(FromWorker::Failed { message, .. }) => {
                return Err(format!("the task failed: {message}"));
            }
            Ok(_) => {}
            Err(ProtocolError::Closed) => return Err("it ended without running the task".into()),
            Err(e) => return Err(e.to_string()),
        }
    }
}
