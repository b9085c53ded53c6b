//! The starter's side of the stream: runs a profile in a `parlab engine` child process and
//! rebuilds its [`Progress`] from the events, for the app (and tests) to read as if the
//! session ran in-process.

use super::{Command as EngineRequest, Event, decode, encode, spawner};
use crate::exec::{LiveRun, Progress};
use crate::metrics::live::LiveList;
use crate::process::drain::StderrTail;
use crate::profile::Profile;
use crate::results::{Results, RunResult};
use crate::sys::{Exit, Usage};
use std::ffi::OsString;
use std::io::{BufRead, BufReader, Write};
use std::path::PathBuf;
use std::process::{Child, ChildStdin, Command, Stdio};
use std::sync::{Arc, Mutex, PoisonError};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

/// How to start the engine: parlab's executable and the hidden `engine` subcommand.
#[derive(Debug, Clone, PartialEq)]
pub struct EngineCommand {
    /// The parlab executable.
    pub program: PathBuf,
    /// Arguments that select engine mode.
    pub args: Vec<OsString>,
}

impl EngineCommand {
    /// `program engine`.
    pub fn new(program: impl Into<PathBuf>) -> Self {
        Self {
            program: program.into(),
            args: vec!["engine".into()],
        }
    }

    /// The running parlab executable in engine mode.
    pub fn current_exe() -> std::io::Result<Self> {
        Ok(Self::new(std::env::current_exe()?))
    }
}

/// How long a session that was asked to stop may take before its engine is killed.
const STOP_PATIENCE: Duration = Duration::from_secs(5);

/// A profile running in an engine child process.
pub struct EngineSession {
    shared: Arc<Mutex<Shared>>,
    stdin: Mutex<Option<ChildStdin>>,
    child: Arc<Mutex<Child>>,
    reader: Option<JoinHandle<()>>,
    profile: Profile,
    pid: u32,
}

/// What the reader thread learnt from the stream.
#[derive(Default)]
struct Shared {
    progress: Progress,
    /// Why the session ended badly (the engine died, refused the profile, garbled).
    error: Option<String>,
    /// The engine's worker program (from `hello`).
    worker: Option<String>,
    /// The seed of the session's order (from `hello`).
    seed: Option<u64>,
    /// The window's CPU (cores) during each finished step, by planned run.
    observed: std::collections::HashMap<usize, Vec<f64>>,
    /// The machine as the engine's session found it at its start (from `hello`).
    host: Option<crate::results::Host>,
}

impl EngineSession {
    /// Starts `engine` and hands it `profile` (which must be valid); `source` names the
    /// profile in the engine's error messages.
    pub fn start(engine: &EngineCommand, profile: &Profile, source: &str) -> std::io::Result<Self> {
        let mut command = Command::new(&engine.program);
        command
            .args(&engine.args)
            .env(crate::sys::PARENT_PID_ENV, std::process::id().to_string())
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped());
        let mut child = spawner::spawn(command)?;
        let pid = child.id();
        let (Some(mut stdin), Some(stdout), Some(stderr)) =
            (child.stdin.take(), child.stdout.take(), child.stderr.take())
        else {
            let _ = child.kill();
            let _ = child.wait();
            return Err(std::io::Error::other("the engine's pipes were not set up"));
        };
        let start = EngineRequest::Start {
            source: source.to_string(),
            profile_toml: profile.to_toml(),
        };
        // A failed write shows as the engine's end, with its reason, in the reader.
        let _ = stdin.write_all(encode(&start).as_bytes());
        let shared = Arc::new(Mutex::new(Shared {
            progress: Progress {
                run_count: profile.plan().len() * profile.rounds(),
                rounds: profile.rounds(),
                ..Progress::default()
            },
            ..Shared::default()
        }));
        let child = Arc::new(Mutex::new(child));
        let reader = Reader {
            shared: Arc::clone(&shared),
            child: Arc::clone(&child),
            plan: profile
                .plan()
                .into_iter()
                .map(|p| (p.label, p.stop))
                .collect(),
            order: profile.order(),
            pid,
        };
        let stderr = StderrTail::start(stderr);
        let handle = std::thread::Builder::new()
            .name("parlab-engine-reader".into())
            .spawn(move || reader.read(BufReader::new(stdout), stderr))?;
        Ok(Self {
            shared,
            stdin: Mutex::new(Some(stdin)),
            child,
            reader: Some(handle),
            profile: profile.clone(),
            pid,
        })
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Shared> {
        self.shared.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// A copy of the session's progress as the engine last reported it.
    pub fn progress(&self) -> Progress {
        self.lock().progress.clone()
    }

    /// Why the session ended badly, once it has (the finished runs are kept either way).
    pub fn error(&self) -> Option<String> {
        self.lock().error.clone()
    }

    /// The engine's process id.
    pub fn pid(&self) -> u32 {
        self.pid
    }

    /// The machine as the engine's session found it at its start (its load average then),
    /// once the engine said.
    pub fn host(&self) -> Option<crate::results::Host> {
        self.lock().host.clone()
    }

    /// The worker program the engine's process models start, once it said.
    pub fn worker(&self) -> Option<String> {
        self.lock().worker.clone()
    }

    /// Asks the engine to stop: the run in progress ends within a fraction of a second and
    /// keeps what it measured; later runs do not start.
    pub fn cancel(&self) {
        let mut stdin = self.stdin.lock().unwrap_or_else(PoisonError::into_inner);
        if let Some(pipe) = stdin.as_mut() {
            let _ = pipe.write_all(encode(&EngineRequest::Stop).as_bytes());
        }
    }

    /// True once the engine has ended and everything it sent was read.
    pub fn is_finished(&self) -> bool {
        self.reader.as_ref().is_none_or(JoinHandle::is_finished)
    }

    /// Waits up to `timeout` for the session to end; true when it has.
    pub fn wait_timeout(&self, timeout: Duration) -> bool {
        let deadline = Instant::now() + timeout;
        while !self.is_finished() {
            if Instant::now() >= deadline {
                return false;
            }
            std::thread::sleep(Duration::from_millis(10));
        }
        true
    }

    /// The profile as the engine runs it: with the seed of its order, once the engine said.
    pub fn profile(&self) -> Profile {
        let mut profile = self.profile.clone();
        if let Some(seed) = self.lock().seed {
            profile.seed = Some(seed);
        }
        profile
    }

    /// Waits for the session to end and returns its results: the runs that finished.
    pub fn wait(mut self) -> Results {
        if let Some(reader) = self.reader.take() {
            let _ = reader.join();
        }
        let (mut merged, host) = {
            let shared = self.lock();
            (shared.progress.merged.clone(), shared.host.clone())
        };
        merged.sort_by_key(|(index, _)| *index);
        let runs = merged.iter().map(|(_, r)| RunResult::clone(r)).collect();
        // The engine's host, detected when its session started; an engine that sent none
        // (or died before saying) leaves this machine as it is now.
        match host {
            Some(host) => Results::with_host(self.profile(), runs, host),
            None => Results::new(self.profile(), runs),
        }
    }
}

impl Drop for EngineSession {
    /// Stops the engine and waits for it (killing it if it does not end in time), so no
    /// engine or worker process outlives the session.
    fn drop(&mut self) {
        if !self.is_finished() {
            self.cancel();
        }
        // Closing the pipe tells an engine that missed the stop that its starter is gone.
        drop(
            self.stdin
                .lock()
                .unwrap_or_else(PoisonError::into_inner)
                .take(),
        );
        if !self.wait_timeout(STOP_PATIENCE) {
            let _ = self
                .child
                .lock()
                .unwrap_or_else(PoisonError::into_inner)
                .kill();
        }
        if let Some(reader) = self.reader.take() {
            let _ = reader.join();
        }
    }
}

/// The thread that reads the engine's events into [`Shared`].
struct Reader {
    shared: Arc<Mutex<Shared>>,
    child: Arc<Mutex<Child>>,
    plan: Vec<(String, crate::profile::Stop)>,
    order: crate::profile::Order,
    pid: u32,
}

/// Where the app's own CPU use stood when a run began: the window's cost during the run
/// is measured from here.
struct Mark {
    usage: Usage,
    at: Instant,
}

impl Mark {
    fn now() -> Self {
        Self {
            usage: crate::sys::self_usage(),
            at: Instant::now(),
        }
    }

    /// Cores' worth of CPU this process used since the mark.
    fn cores_since(&self) -> Option<f64> {
        let wall = self.at.elapsed().as_secs_f64();
        let used = crate::sys::self_usage().since(&self.usage);
        (wall > 0.0).then(|| (used.user_s + used.sys_s) / wall)
    }
}

impl Reader {
    fn read(self, stdout: impl BufRead, stderr: StderrTail) {
        let mut ended = false;
        let mut mark = Mark::now();
        let mut garbled = None;
        for line in stdout.lines() {
            let Ok(line) = line else { break };
            match decode::<Event>(&line) {
                Ok(Event::End { .. }) => ended = true,
                Ok(event) => self.apply(event, &mut mark),
                Err(e) => {
                    garbled.get_or_insert(e);
                }
            }
        }
        let exit = self.reap();
        let last_line = stderr.finish(Duration::from_millis(500));
        let mut shared = self.shared.lock().unwrap_or_else(PoisonError::into_inner);
        let p = &mut shared.progress;
        let what = match p.run_index {
            i if i < p.run_count && i >= p.finished.len() => {
                format!(" during run {} of {} ({})", i + 1, p.run_count, p.label)
            }
            _ => String::new(),
        };
        let kept = p.merged.len();
        p.run_index = p.run_count;
        let failure = match (ended, exit) {
            (true, Some(exit)) if exit.success() => None,
            _ if shared.error.is_some() => None,
            (_, exit) => Some(describe_end(
                self.pid, exit, &what, kept, garbled, &last_line,
            )),
        };
        if failure.is_some() {
            shared.error = failure;
        }
    }

    /// Waits for the engine to end (it ends right after closing its stream), without
    /// holding the child while it waits, so that a stop can still kill it.
    fn reap(&self) -> Option<Exit> {
        use std::os::unix::process::ExitStatusExt;
        let status = loop {
            let polled = self
                .child
                .lock()
                .unwrap_or_else(PoisonError::into_inner)
                .try_wait();
            match polled {
                Ok(Some(status)) => break status,
                Ok(None) => std::thread::sleep(Duration::from_millis(5)),
                Err(_) => return None,
            }
        };
        match (status.code(), status.signal()) {
            (Some(code), _) => Some(Exit::Code(code)),
            (None, Some(sig)) => Some(Exit::Signal(sig)),
            _ => None,
        }
    }

    fn apply(&self, event: Event, mark: &mut Mark) {
        let mut shared = self.shared.lock().unwrap_or_else(PoisonError::into_inner);
        let shared = &mut *shared;
        match event {
            Event::Hello {
                worker,
                runs,
                configs,
                rounds,
                seed,
                host,
                ..
            } => {
                (shared.worker, shared.seed, shared.host) = (Some(worker), Some(seed), host);
                // The same order the engine runs: step k's configuration and round.
                let steps = crate::profile::schedule(configs, rounds, self.order, seed);
                shared.progress.steps = Arc::new(steps);
                (shared.progress.run_count, shared.progress.rounds) = (runs, rounds);
                *mark = Mark::now();
            }
            Event::Run {
                index,
                config,
                round,
                label,
            } => {
                let p = &mut shared.progress;
                (p.run_index, p.config, p.round, p.label) = (index, config, round, label);
                p.stop = self.plan.get(config).map(|(_, stop)| *stop);
                p.live = LiveRun::default();
                *mark = Mark::now();
            }
            Event::Live {
                index,
                tasks_done,
                elapsed_s,
                snapshot,
                timeline,
                cpu_rows,
            } => {
                let p = &mut shared.progress;
                live(
                    p, index, tasks_done, elapsed_s, snapshot, timeline, cpu_rows,
                );
            }
            Event::Finished { index, run } => finished(shared, index, *run, mark),
            Event::Merged { index, mut run } => {
                run.observer_cpu_cores = mean(shared.observed.get(&index));
                shared.progress.merged.push((index, Arc::from(run)));
            }
            Event::Error { message } => shared.error = Some(message),
            Event::End { .. } => {}
        }
    }
}

/// A step ended: it gets the window's CPU since the step began, kept for its planned run.
fn finished(shared: &mut Shared, index: usize, mut run: RunResult, mark: &mut Mark) {
    run.observer_cpu_cores = mark.cores_since();
    *mark = Mark::now();
    let step = shared.progress.steps.get(index).copied();
    if let (Some(step), Some(cores)) = (step, run.observer_cpu_cores) {
        shared.observed.entry(step.config).or_default().push(cores);
    }
    let p = &mut shared.progress;
    p.finished.push(Arc::new(run));
    // The next step (if any) is the one in progress until its own event.
    p.run_index = index + 1;
    p.live = LiveRun::default();
}

/// The mean of `xs`, when there are any.
fn mean(xs: Option<&Vec<f64>>) -> Option<f64> {
    let xs = xs.filter(|xs| !xs.is_empty())?;
    Some(xs.iter().sum::<f64>() / xs.len() as f64)
}

/// Applies a `live` event to the progress of run `index`.
fn live(
    p: &mut Progress,
    index: usize,
    tasks_done: u64,
    elapsed_s: f64,
    snapshot: Option<Box<RunResult>>,
    timeline: Vec<crate::metrics::aggregate::TimelinePoint>,
    cpu_rows: Vec<Vec<f32>>,
) {
    if index != p.run_index {
        return;
    }
    p.live.tasks_done = tasks_done;
    p.live.elapsed = Duration::try_from_secs_f64(elapsed_s).unwrap_or_default();
    if let Some(snapshot) = snapshot {
        p.live.snapshot = Some(Arc::from(snapshot));
    }
    append(&p.live.timeline, timeline);
    append(&p.live.cpu_rows, cpu_rows);
}

fn append<T: Clone>(list: &LiveList<T>, items: Vec<T>) {
    for item in items {
        list.push(item);
    }
}

/// The sentence for an engine that ended without finishing its session.
fn describe_end(
    pid: u32,
    exit: Option<Exit>,
    during: &str,
    kept: usize,
    garbled: Option<String>,
    last_line: &str,
) -> String {
    let how = exit.map_or("ended".to_string(), |e| e.to_string());
    let mut message = format!("the engine process (pid {pid}) {how}{during}");
    match kept {
        0 => message.push_str("; no run had finished"),
        1 => message.push_str("; the run that finished is kept"),
        n => message.push_str(&format!("; the {n} runs that finished are kept")),
    }
    if let Some(garbled) = garbled {
        message.push_str(&format!(" ({garbled})"));
    }
    if !last_line.is_empty() {
        message.push_str(&format!(": {last_line}"));
    }
    message
}
