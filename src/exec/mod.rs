//! Execution: runs a profile's runs one after another on a background thread, in the
//! execution model each asks for, and reports progress while it goes.
//!
//! The CLI, the app and the tests all drive it the same way: [`Session::start`], read
//! [`Session::progress`], maybe [`Session::cancel`], then [`Session::wait`] for the results.

mod arrivals;
pub mod child;
pub mod contract;
pub mod ctx;
mod merge;
mod models;
pub mod protocol;
mod run;
mod source;
pub mod task;
pub mod worker;
mod worker_process;

// The execution models, one file each; their rows are in `for_each_model!`
// (`src/model.rs`), from which `models::run` dispatches.
mod pool;
mod process_per_task;
mod processes;
mod thread_per_task;
mod threads;

pub use crate::process::WorkerCommand;
pub use contract::ExecutionModel;
pub use ctx::RunCtx;
pub use run::LiveRun;

use crate::cancel::CancelToken;

use crate::profile::{PlannedRun, Profile, Step, Stop};
use crate::results::{Host, Results, RunResult, RunStatus};
use std::sync::{Arc, Mutex, PoisonError};
use std::thread::JoinHandle;
use std::time::Duration;

/// Where a session stands, for progress bars and the app's status line. A session runs
/// every planned run (configuration) `rounds` times: each repetition is one step.
#[derive(Debug, Clone, Default)]
pub struct Progress {
    /// Index of the step in progress (0-based); equals `run_count` when all are done.
    pub run_index: usize,
    /// Steps in the session: planned runs × rounds.
    pub run_count: usize,
    /// The planned run (configuration) the step in progress repeats.
    pub config: usize,
    /// The round (repetition) of the step in progress (0-based).
    pub round: usize,
    /// Rounds in the session (the profile's `repetitions`).
    pub rounds: usize,
    /// Every step of the session, in order.
    pub steps: Arc<Vec<Step>>,
    /// Label of the run in progress.
    pub label: String,
    /// When the run in progress ends.
    pub stop: Option<Stop>,
    /// Tasks done and time elapsed in the run in progress.
    pub live: LiveRun,
    /// Steps finished so far: each a single repetition, in the order they ran.
    pub finished: Vec<Arc<RunResult>>,
    /// Planned runs whose repetitions all ended, merged (what the results keep), in the
    /// order they completed, each with its index in the plan.
    pub merged: Vec<(usize, Arc<RunResult>)>,
}

/// A profile being executed on a background thread.
pub struct Session {
    cancel: CancelToken,
    progress: Arc<Mutex<Progress>>,
    profile: Profile,
    /// The machine as the session found it when it started (its load average then).
    host: Host,
    handle: Option<JoinHandle<Results>>,
}

impl Session {
    /// Starts executing a validated `profile`, starting worker processes with `worker_command`.
    pub fn start(profile: Profile, worker_command: WorkerCommand) -> std::io::Result<Session> {
        Self::start_with_cancel(profile, worker_command, CancelToken::new())
    }

    /// Like [`start`](Self::start), stopped by `cancel`: a token a signal handler installed
    /// before the session existed may already hold (a session cancelled before it starts runs
    /// nothing).
    pub fn start_with_cancel(
        profile: Profile,
        worker_command: WorkerCommand,
        cancel: CancelToken,
    ) -> std::io::Result<Session> {
        let mut profile = profile;
        // The seed is recorded with the profile, so the results say which order ran.
        let seed = *profile
            .seed
            .get_or_insert_with(crate::profile::schedule::fresh_seed);
        let plan = profile.plan();
        let steps = crate::profile::schedule(plan.len(), profile.rounds(), profile.order(), seed);
        let host = Host::detect();
        let progress = Arc::new(Mutex::new(Progress {
            run_count: steps.len(),
            rounds: profile.rounds(),
            steps: Arc::new(steps.clone()),
            ..Progress::default()
        }));
        let handle = {
            let cancel = cancel.clone();
            let progress = Arc::clone(&progress);
            let profile = profile.clone();
            let host = host.clone();
            std::thread::Builder::new()
                .name("parlab-session".into())
                .spawn(move || {
                    let runs = run_steps(&plan, &steps, &worker_command, &cancel, &progress);
                    Results::with_host(profile, runs, host)
                })?
        };
        Ok(Session {
            cancel,
            progress,
            profile,
            host,
            handle: Some(handle),
        })
    }

    /// The machine as detected when the session started.
    pub fn host(&self) -> &Host {
        &self.host
    }

    /// A copy of the current progress.
    pub fn progress(&self) -> Progress {
        self.progress
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .clone()
    }

    /// Asks the session to stop: the run in progress ends within a fraction of a second
    /// (its children killed) and keeps what it measured; later runs do not start.
    pub fn cancel(&self) {
        self.cancel.cancel();
    }

    /// The token behind [`cancel`](Self::cancel), for signal handlers.
    pub fn cancel_token(&self) -> CancelToken {
        self.cancel.clone()
    }

    /// True once every run has ended.
    pub fn is_finished(&self) -> bool {
        self.handle.as_ref().is_none_or(|h| h.is_finished())
    }

    /// Waits up to `timeout` for the session to end; true when it has.
    pub fn wait_timeout(&self, timeout: Duration) -> bool {
        let deadline = std::time::Instant::now() + timeout;
        while !self.is_finished() {
            if std::time::Instant::now() >= deadline {
                return false;
            }
            std::thread::sleep(Duration::from_millis(10));
        }
        true
    }

    /// The profile as it runs: with the seed of its order.
    pub fn profile(&self) -> &Profile {
        &self.profile
    }

    /// Waits for the session to end and returns its results.
    pub fn wait(mut self) -> Results {
        match self.handle.take().map(JoinHandle::join) {
            Some(Ok(results)) => results,
            // The session thread panicked: keep every run that was merged.
            _ => Results::with_host(
                self.profile.clone(),
                self.progress()
                    .merged
                    .iter()
                    .map(|(_, r)| (**r).clone())
                    .collect(),
                self.host.clone(),
            ),
        }
    }
}

/// Runs the steps (repetitions of planned runs) in order until they are done, one is
/// stopped, or `cancel` is set, publishing progress; returns the planned runs that ran,
/// each merged over its repetitions, in the plan's order.
fn run_steps(
    plan: &[PlannedRun],
    steps: &[Step],
    worker_command: &WorkerCommand,
    cancel: &CancelToken,
    progress: &Mutex<Progress>,
) -> Vec<RunResult> {
    let lock = || progress.lock().unwrap_or_else(PoisonError::into_inner);
    let rounds = lock().rounds;
    let mut gathered: Vec<merge::Gathered> = plan.iter().map(|_| Default::default()).collect();
    for (i, step) in steps.iter().enumerate() {
        if cancel.is_cancelled() {
            break;
        }
        let planned = &plan[step.config];
        {
            let mut p = lock();
            (p.run_index, p.config, p.round) = (i, step.config, step.round);
            p.label = planned.label.clone();
            p.stop = Some(planned.stop);
            p.live = LiveRun::default();
        }
        let live = |mut l: LiveRun| {
            let mut p = lock();
            // Between two snapshots, keep showing the last one.
            if l.snapshot.is_none() {
                l.snapshot = p.live.snapshot.take();
            }
            p.live = l;
        };
        let executed = run::execute(planned, worker_command, cancel, &live);
        let stopped = executed.result.status == RunStatus::Stopped;
        lock()
            .finished
            .push(Arc::new(executed.result.without_worker_timeline()));
        let done = &mut gathered[step.config];
        done.add_open(executed.open.as_ref());
        done.add(*step, executed.result, &executed.latencies);
        if done.len() == rounds
            && let Some(merged) = done.merge(true)
        {
            lock().merged.push((step.config, Arc::new(merged)));
            done.keep_median_timeline();
        }
        if stopped {
            break;
        }
    }
    lock().run_index = steps.len();
    finish(gathered, rounds, progress)
}

/// The merged runs in the plan's order, merging now the ones a stop left incomplete.
fn finish(
    gathered: Vec<merge::Gathered>,
    rounds: usize,
    progress: &Mutex<Progress>,
) -> Vec<RunResult> {
    let mut p = progress.lock().unwrap_or_else(PoisonError::into_inner);
    let mut runs = Vec::new();
    for (config, done) in gathered.iter().enumerate().filter(|(_, g)| !g.is_empty()) {
        let complete = done.len() == rounds;
        if let Some(merged) = done.merge(complete) {
            if !complete {
                p.merged.push((config, Arc::new(merged.clone())));
            }
            runs.push(merged);
        }
    }
    runs
}
