//! Starts and stops engine sessions for the app and keeps the history of finished runs.
//! It only talks to the engine's public API; the UI reads what it holds.

use crate::exec::{Progress, Session, WorkerCommand};
use crate::profile::Profile;
use crate::results::{Host, Results, RunResult};
use std::sync::Arc;

/// A finished run kept for comparison.
#[derive(Debug, Clone)]
pub struct HistoryEntry {
    /// Stable id (also picks the run's colour).
    pub id: u64,
    /// What it measured.
    pub result: Arc<RunResult>,
    /// Whether the charts overlay it.
    pub visible: bool,
    /// The machine it ran on.
    pub host: Arc<Host>,
}

/// The app's link to the engine.
pub struct Runner {
    worker: WorkerCommand,
    session: Option<Session>,
    progress: Option<Progress>,
    reported: usize,
    next_id: u64,
    host: Arc<Host>,
    /// Finished runs, oldest first.
    pub history: Vec<HistoryEntry>,
    /// The id the live run will get in the history (its colour while it runs).
    pub live_id: u64,
}

impl Runner {
    /// A runner that starts worker processes with `worker`.
    pub fn new(worker: WorkerCommand) -> Self {
        Self {
            worker,
            session: None,
            progress: None,
            reported: 0,
            next_id: 0,
            host: Arc::new(Host::detect()),
            history: Vec::new(),
            live_id: 0,
        }
    }

    /// This machine.
    pub fn host(&self) -> &Host {
        &self.host
    }

    /// True while a session runs.
    pub fn is_running(&self) -> bool {
        self.session.is_some()
    }

    /// Starts `profile` (which must be valid).
    pub fn start(&mut self, profile: Profile) -> Result<(), String> {
        if self.session.is_some() {
            return Err("a run is already in progress".into());
        }
        let session = Session::start(profile, self.worker.clone())
            .map_err(|e| format!("cannot start the run: {e}"))?;
        self.session = Some(session);
        self.reported = 0;
        self.live_id = self.next_id;
        Ok(())
    }

    /// Asks the session to stop; what was measured is kept.
    pub fn stop(&mut self) {
        if let Some(session) = &self.session {
            session.cancel();
        }
    }

    /// Reads the engine's progress; moves finished runs into the history. Call once a frame.
    pub fn poll(&mut self) {
        let Some(session) = &self.session else { return };
        // Check for the end first: a progress read after it is complete.
        let finished = session.is_finished();
        let progress = session.progress();
        for result in progress.finished.iter().skip(self.reported) {
            self.push(Arc::clone(result), Arc::clone(&self.host));
        }
        self.reported = progress.finished.len();
        self.live_id = self.next_id;
        if finished {
            self.session = None;
            self.progress = None;
        } else {
            self.progress = Some(progress);
        }
    }

    fn push(&mut self, result: Arc<RunResult>, host: Arc<Host>) {
        self.history.push(HistoryEntry {
            id: self.next_id,
            result,
            visible: true,
            host,
        });
        self.next_id += 1;
    }

    /// Adds saved results (from this or another machine) to the history.
    pub fn add_results(&mut self, results: Results) {
        let host = Arc::new(results.host);
        for run in results.runs {
            self.push(Arc::new(run), Arc::clone(&host));
        }
    }

    /// The session's progress, while one runs.
    pub fn progress(&self) -> Option<&Progress> {
        self.progress.as_ref()
    }

    /// What the run in progress has measured so far.
    pub fn live(&self) -> Option<Arc<RunResult>> {
        self.progress.as_ref().and_then(|p| p.live.snapshot.clone())
    }

    /// Forgets every finished run.
    pub fn clear_history(&mut self) {
        self.history.clear();
    }
}

impl Drop for Runner {
    /// Closing the app stops the run and waits for it, so no worker process outlives it.
    fn drop(&mut self) {
        if let Some(session) = self.session.take() {
            session.cancel();
            let _ = session.wait();
        }
    }
}
