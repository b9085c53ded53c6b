//! `python { code, interpreter }`: runs `task(i)` from the profile's Python code, to see the
//! GIL. Threads and pool: one interpreter runs tasks in N Python threads; thread-per-task:
//! one interpreter, a new Python thread per task; processes: each worker process has its own
//! interpreter; process-per-task: a new interpreter per task. The harness parlab ships
//! (`assets/python/harness.py`) times each `task(i)` inside the interpreter.

use super::{Field, Kind, KindInfo, Placement, TaskContext, TaskError, Workload};
use crate::model::Model;
use crate::process::children;
use crate::process::drain::StderrTail;
use crate::validation::{FieldPath, ValidationError};
use serde::{Deserialize, Serialize};
use std::collections::HashMap;
use std::io::{BufRead, BufReader, Write};
use std::process::{Child, ChildStdin, Stdio};
use std::sync::mpsc::{self, RecvTimeoutError, Sender};
use std::sync::{Arc, Mutex, OnceLock, PoisonError};
use std::time::Duration;

const HARNESS: &str = include_str!("../../assets/python/harness.py");

/// Python code defining `task(i)`, run by an interpreter.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Python {
    /// Source that defines `def task(i): ...`.
    pub code: String,
    /// The interpreter to run (default `python3`).
    #[serde(
        default = "default_interpreter",
        skip_serializing_if = "is_default_interpreter"
    )]
    pub interpreter: String,
}

fn default_interpreter() -> String {
    "python3".into()
}

fn is_default_interpreter(s: &String) -> bool {
    s == "python3"
}

impl KindInfo for Python {
    const NAME: &'static str = "python";
    const EXPLANATION: &'static str = "Runs `task(i)` from the profile's Python code; the interpreter times each call itself. With threads, pool and thread-per-task, one interpreter runs the tasks in Python threads that take turns holding its GIL, so pure-Python work does not speed up with more thread workers; with processes, each worker process has its own interpreter and scales like CPU work; process-per-task starts a new interpreter for every task.";

    fn default_params() -> Self {
        Python {
            code: "def task(i):\n    s = 0\n    for x in range(200_000):\n        s += x * x\n    return s\n".into(),
            interpreter: default_interpreter(),
        }
    }

    fn fields(&mut self) -> Vec<Field<'_>> {
        vec![
            Field::code("code", "Python code defining task(i)", &mut self.code, 6),
            Field::line("interpreter", "Interpreter", &mut self.interpreter),
        ]
    }
}

impl Kind for Python {
    fn validate(&self, _model: Model, at: &FieldPath) -> Vec<ValidationError> {
        let mut errors = Vec::new();
        if !self.code.contains("def task") {
            errors.push(ValidationError::new(
                at.key("code"),
                "code must define a function task(i), like: def task(i): return sum(x * x for x in range(10000))",
            ));
        }
        if self.interpreter.trim().is_empty() {
            errors.push(ValidationError::new(
                at.key("interpreter"),
                "interpreter must name a program, like python3",
            ));
        }
        errors
    }

    fn build(&self, placement: &Placement) -> Result<Box<dyn Workload>, String> {
        let (mode, threads) = match placement.model {
            Model::ThreadPerTask => ("spawn", 1),
            _ => ("pool", placement.workers.max(1)),
        };
        let workload = PythonWorkload {
            params: self.clone(),
            mode,
            threads,
            interpreter: OnceLock::new(),
            run: placement.run,
        };
        // Started here, on a thread that outlives the run: the interpreter is bound to the
        // thread that starts it (PR_SET_PDEATHSIG), and worker threads come and go.
        if placement.runs_tasks {
            let started = workload.start(placement.run)?;
            let _ = workload.interpreter.set(Ok(started));
        }
        Ok(Box::new(workload))
    }

    fn external_commands(&self) -> Vec<String> {
        vec![format!(
            "{} (running the profile's Python code)",
            crate::format::shell_quote(&[&self.interpreter])
        )]
    }
}

enum Reply {
    Ok(u64),
    Err(String),
}

type Waiting = Arc<Mutex<HashMap<u64, Sender<Reply>>>>;

/// A running interpreter and the tasks waiting for its answers.
struct Interpreter {
    child: Mutex<Child>,
    stdin: Mutex<Option<ChildStdin>>,
    waiting: Waiting,
    pid: u32,
    /// Its stderr, read all along (a task that prints there must not fill the pipe).
    stderr: StderrTail,
}

struct PythonWorkload {
    params: Python,
    mode: &'static str,
    threads: usize,
    /// Started by `build` where tasks run; never in the parent of worker processes.
    interpreter: OnceLock<Result<Interpreter, String>>,
    /// The run, for the version query's process.
    run: children::RunId,
}

fn lock<T>(m: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    m.lock().unwrap_or_else(PoisonError::into_inner)
}

impl PythonWorkload {
    fn start(&self, run: children::RunId) -> Result<Interpreter, String> {
        let program = &self.params.interpreter;
        let mut cmd = std::process::Command::new(program);
        cmd.arg("-u")
            .arg("-c")
            .arg(HARNESS)
            .arg(self.mode)
            .arg(self.threads.to_string())
            .env("PARLAB_PYTHON_CODE", &self.params.code)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped());
        crate::sys::isolate_external(&mut cmd, crate::process::guardian::announce_fd());
        let spawned = children::spawn_registered(run, || {
            cmd.spawn().map(|c| {
                let pid = c.id();
                (c, pid)
            })
        });
        let mut child = spawned.map_err(|e| match e.kind() {
            std::io::ErrorKind::NotFound => format!(
                "cannot start the Python interpreter `{program}`: no such program. Install Python 3 (on Debian or Ubuntu: apt-get install python3) or set `interpreter` in the profile"
            ),
            _ => format!("cannot start the Python interpreter `{program}`: {e}"),
        })?;
        let pid = child.id();
        let (Some(stdin), Some(stdout), Some(stderr)) =
            (child.stdin.take(), child.stdout.take(), child.stderr.take())
        else {
            let _ = child.kill();
            let _ = child.wait();
            children::unregister(pid);
            return Err("the Python interpreter's pipes were not created".into());
        };
        let stderr = StderrTail::start(stderr);
        let mut lines = BufReader::new(stdout).lines();
        match lines.next() {
            Some(Ok(line)) if line == "ready" => {}
            Some(Ok(line)) => {
                let _ = child.kill();
                let _ = child.wait();
                children::unregister(pid);
                let detail = match line.strip_prefix("error ") {
                    Some(json) => decode(json.to_string()),
                    None => line,
                };
                return Err(format!(
                    "the profile's Python code failed to load:\n{}",
                    detail.trim_end()
                ));
            }
            _ => {
                let _ = child.wait();
                children::unregister(pid);
                return Err(format!(
                    "the Python interpreter `{program}` exited at start: {}",
                    stderr.finish(Duration::from_millis(500))
                ));
            }
        }
        let waiting: Waiting = Arc::default();
        let replies = Arc::clone(&waiting);
        std::thread::Builder::new()
            .name("parlab-python-replies".into())
            .spawn(move || {
                for line in lines.map_while(Result::ok) {
                    let mut parts = line.splitn(3, ' ');
                    let (kind, index, rest) =
                        (parts.next(), parts.next(), parts.next().unwrap_or(""));
                    let Some(index) = index.and_then(|i| i.parse::<u64>().ok()) else {
                        continue;
                    };
                    let reply = match kind {
                        Some("ok") => Reply::Ok(rest.parse().unwrap_or(0)),
                        _ => Reply::Err(decode(rest.to_string())),
                    };
                    if let Some(tx) = lock(&replies).remove(&index) {
                        let _ = tx.send(reply);
                    }
                }
                // The interpreter is gone: every waiting task learns it.
                lock(&replies).clear();
            })
            .map_err(|e| format!("cannot start the Python reply reader: {e}"))?;
        Ok(Interpreter {
            child: Mutex::new(child),
            stdin: Mutex::new(Some(stdin)),
            waiting,
            pid,
            stderr,
        })
    }
}

/// A JSON string from the harness (a traceback) as plain text.
fn decode(json: String) -> String {
    serde_json::from_str::<String>(&json).unwrap_or(json)
}

impl Workload for PythonWorkload {
    fn run_task(&self, index: u64, ctx: &TaskContext) -> Result<(), TaskError> {
        let interpreter = self
            .interpreter
            .get()
            .ok_or_else(|| TaskError::Failed("the Python interpreter was not started".into()))?
            .as_ref()
            .map_err(|e| TaskError::Failed(e.clone()))?;
        let (tx, rx) = mpsc::channel();
        lock(&interpreter.waiting).insert(index, tx);
        let sent = match lock(&interpreter.stdin).as_mut() {
            Some(stdin) => writeln!(stdin, "{index}").and_then(|()| stdin.flush()),
            None => Err(std::io::ErrorKind::BrokenPipe.into()),
        };
        if sent.is_err() {
            lock(&interpreter.waiting).remove(&index);
            return Err(TaskError::Failed(format!(
                "the Python interpreter (pid {}) is gone",
                interpreter.pid
            )));
        }
        loop {
            match rx.recv_timeout(Duration::from_millis(100)) {
                Ok(Reply::Ok(ns)) => {
                    ctx.report_latency(ns);
                    return Ok(());
                }
                Ok(Reply::Err(traceback)) => {
                    return Err(TaskError::Failed(format!(
                        "task({index}) raised:\n{}",
                        traceback.trim_end()
                    )));
                }
                Err(RecvTimeoutError::Timeout) if ctx.cancel.is_cancelled() => {
                    return Err(TaskError::Cancelled);
                }
                Err(RecvTimeoutError::Timeout) => {}
                Err(RecvTimeoutError::Disconnected) => {
                    let mut child = lock(&interpreter.child);
                    let status = child.wait().map(|s| s.to_string()).unwrap_or_default();
                    return Err(TaskError::Failed(format!(
                        "the Python interpreter (pid {}) exited ({status}) during task({index}): {}",
                        interpreter.pid,
                        interpreter.stderr.last_line()
                    )));
                }
            }
        }
    }

    fn cleanup(&self) {
        if let Some(Ok(interpreter)) = self.interpreter.get() {
            interpreter.shut_down();
        }
    }

    fn python_version(&self) -> Option<String> {
        super::python_version::of_interpreter(&self.params.interpreter, self.run)
    }

    fn external_peak_rss(&self) -> u64 {
        match self.interpreter.get() {
            // Only while it runs: once reaped, its pid may belong to a stranger.
            Some(Ok(interpreter)) => match lock(&interpreter.child).try_wait() {
                Ok(None) => crate::sys::peak_rss_of(interpreter.pid).unwrap_or(0),
                _ => 0,
            },
            _ => 0,
        }
    }
}

impl Interpreter {
    /// Closes stdin so the harness finishes, then waits (killing it if it takes too long).
    fn shut_down(&self) {
        let mut child = lock(&self.child);
        // The run is over: what the profile's code forked ends now, before the interpreter
        // exits and its children would be reparented out of reach. Only while the
        // interpreter is still ours: once reaped, its pid may belong to a stranger.
        if let Ok(None) = child.try_wait() {
            crate::sys::kill_descendants(self.pid);
        }
        lock(&self.stdin).take();
        for _ in 0..100 {
            if let Ok(Some(_)) = child.try_wait() {
                children::unregister(self.pid);
                return;
            }
            std::thread::sleep(Duration::from_millis(10));
        }
        let _ = child.kill();
        let _ = child.wait();
        children::unregister(self.pid);
    }
}

impl Drop for PythonWorkload {
    /// A worker process drops its workload at exit: the interpreter goes with it.
    fn drop(&mut self) {
        self.cleanup();
    }
}
