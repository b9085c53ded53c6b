//! The starter's side of the stream: runs a profile in a `parlab engine` child process and
//! rebuilds its [`Progress`] from the events, for the app (and tests) to read as if the
//! session ran in-process.

mod reader;

use super::{Command as EngineRequest, encode, spawner};
use crate::exec::Progress;
use crate::process::drain::StderrTail;
use crate::profile::Profile;
use crate::results::{Results, RunResult};
use reader::{Reader, Shared};
use std::ffi::OsString;
use std::io::{BufReader, Write};
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
