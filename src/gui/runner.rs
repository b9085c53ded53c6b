//! Starts and stops engine sessions for the app and keeps the history of finished runs.
//! Every session runs in a `parlab engine` child process (see `crate::stream`), so the
//! window's drawing, memory and CPU never count in what a run measures; the UI reads what
//! this holds.

use crate::exec::Progress;
use crate::metrics::aggregate::TimelinePoint;
use crate::metrics::live::LiveList;
use crate::profile::Profile;
use crate::results::{Host, Results, RunResult};
use crate::stream::{EngineCommand, EngineSession};
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
    /// The session (or loaded results file) it came from: runs of one session were
    /// measured side by side, so verdicts compare them.
    pub session: u64,
    /// The results file it was loaded from (legends mark it); `None` when measured here.
    pub origin: Option<Arc<str>>,
}

impl HistoryEntry {
    /// Its name in legends, the same in the app and in exported images
    /// ([`crate::chart::legend_name`]).
    pub fn legend(&self) -> String {
        crate::chart::legend_name(self.id, &self.result, self.origin.as_deref())
    }
}

/// The app's link to the engine.
pub struct Runner {
    engine: EngineCommand,
    session: Option<EngineSession>,
    progress: Option<Progress>,
    /// The run in progress as the charts see it: the engine's last snapshot plus the
    /// series, grown by the new points only.
    live: Option<Live>,
    reported: usize,
    pub(super) next_id: u64,
    /// The session the next finished runs belong to.
    pub(super) session_id: u64,
    host: Arc<Host>,
    /// Finished runs, oldest first.
    pub history: Vec<HistoryEntry>,
    /// The id the live run will get in the history (its colour while it runs).
    pub live_id: u64,
    /// The name of each session and loaded results file, by its id.
    pub(super) sessions: Vec<(u64, String)>,
    /// The session (or loaded file) the others are judged against, if one is chosen.
    pub baseline: Option<u64>,
    /// Why the last session ended badly (taken by the app to show it).
    error: Option<String>,
    /// The window's priority while runs are live (see [`Runner::yield_while_running`]).
    priority: Option<Priority>,
    /// The history kept between launches (see `saved_history.rs`), when the app keeps one.
    pub(super) store: Option<super::saved_history::SavedHistory>,
    /// Each session's file in the store, by session id.
    pub(super) stored: Vec<(u64, std::path::PathBuf)>,
    /// Where the next session read from the store goes in the history: before the
    /// sessions of this launch.
    pub(super) stored_end: usize,
    /// What History ▸ Clear took away, until Undo or the next session.
    pub(super) cleared: Option<super::history_keeping::Cleared>,
    /// What the store has to tell the user (files skipped, deleted over the limit).
    pub(super) store_notes: Vec<String>,
}

/// The app's threads' scheduling priority: lowered while a run is live.
struct Priority {
    /// The nice value the app started with, restored after a run where Linux allows it.
    normal: i32,
}

/// The nice value of the app's threads while a run is live: the lowest priority, so the
/// window's drawing takes a core's time only when the workload leaves it idle.
const YIELD_NICE: i32 = 19;

impl Runner {
    /// A runner that starts sessions in engine processes with `engine`.
    pub fn new(engine: EngineCommand) -> Self {
        Self {
            engine,
            session: None,
            progress: None,
            live: None,
            reported: 0,
            next_id: 0,
            session_id: 0,
            host: Arc::new(Host::detect()),
            history: Vec::new(),
            live_id: 0,
            error: None,
            priority: None,
            sessions: Vec::new(),
            baseline: None,
            store: None,
            stored: Vec::new(),
            stored_end: 0,
            cleared: None,
            store_notes: Vec::new(),
        }
    }

    /// Lowers the app's own threads to the lowest scheduling priority while a run is live
    /// (the engine and its workers keep the app's starting priority): the real window does
    /// this, tests need not. Linux lets an unprivileged program lower its priority but not
    /// raise it back, so after the first run the window usually stays at the low priority.
    pub fn yield_while_running(mut self) -> Self {
        self.priority = Some(Priority {
            normal: crate::sys::own_nice(),
        });
        self
    }

    /// This machine.
    pub fn host(&self) -> &Host {
        &self.host
    }

    /// True while a session runs.
    pub fn is_running(&self) -> bool {
        self.session.is_some()
    }

    /// Starts `profile` (which must be valid; `source` names it in the engine's messages).
    pub fn start(&mut self, profile: &Profile, source: &str) -> Result<(), String> {
        if self.session.is_some() {
            return Err("a run is already in progress".into());
        }
        let session = EngineSession::start(&self.engine, profile, source)
            .map_err(|e| format!("cannot start the engine process: {e}"))?;
        self.session = Some(session);
        self.end_undo_window();
        self.session_id += 1;
        let name = format!("session {} ({})", self.session_id, profile.name);
        self.sessions.push((self.session_id, name));
        self.reported = 0;
        self.live_id = self.next_id;
        self.error = None;
        self.set_priority(YIELD_NICE);
        Ok(())
    }

    fn set_priority(&self, nice: i32) {
        if self.priority.is_some() {
            // Refused raises leave the window at the low priority, which only costs it speed.
            let _ = crate::sys::renice_threads_except(crate::stream::spawner_tid(), nice);
        }
    }

    /// Why the last session ended badly (the engine died or refused the profile), once.
    pub fn take_error(&mut self) -> Option<String> {
        self.error.take()
    }

    /// The engine's process id while a session runs.
    pub fn engine_pid(&self) -> Option<u32> {
        self.session.as_ref().map(EngineSession::pid)
    }

    /// Asks the session to stop; what was measured is kept.
    pub fn stop(&mut self) {
        if let Some(session) = &self.session {
            session.cancel();
        }
    }

    /// Reads the engine's progress; moves finished runs into the history and keeps a
    /// finished session in the store; adds what the store has read. Call once a frame.
    pub fn poll(&mut self) {
        self.poll_store();
        self.poll_session();
    }

    fn poll_session(&mut self) {
        let Some(session) = &self.session else { return };
        // Check for the end first: a progress read after it is complete.
        let finished = session.is_finished();
        let progress = session.progress();
        let error = if finished { session.error() } else { None };
        let profile = finished.then(|| session.profile());
        // The machine as the session found it at its start (its load average then).
        let host = session
            .host()
            .map_or_else(|| Arc::clone(&self.host), Arc::new);
        for (_, result) in progress.merged.iter().skip(self.reported) {
            self.push(Arc::clone(result), Arc::clone(&host), None);
        }
        self.reported = progress.merged.len();
        self.live_id = self.next_id;
        if finished {
            self.error = error;
            if let Some(profile) = profile {
                self.keep_session(self.session_id, profile);
            }
            self.session = None;
            self.progress = None;
            self.live = None;
            if let Some(normal) = self.priority.as_ref().map(|p| p.normal) {
                self.set_priority(normal);
            }
        } else {
            self.live = compose_live(self.live.take(), &progress);
            self.progress = Some(progress);
        }
    }

    fn push(&mut self, result: Arc<RunResult>, host: Arc<Host>, origin: Option<Arc<str>>) {
        self.history.push(HistoryEntry {
            id: self.next_id,
            result,
            visible: true,
            host,
            session: self.session_id,
            origin,
        });
        self.next_id += 1;
    }

    /// Adds saved results (from this or another machine) to the history.
    pub fn add_results(&mut self, results: Results) {
        let name = format!("results {}", self.session_id + 1);
        self.add_results_named(results, &name);
    }

    /// Adds saved results to the history under `name` (their file's name).
    pub fn add_results_named(&mut self, results: Results, name: &str) {
        self.end_undo_window();
        if let Some(store) = &mut self.store {
            match store.save(&results, name) {
                Ok(path) => self.stored.push((self.session_id + 1, path)),
                Err(e) => self.store_notes.push(e),
            }
            self.store_notes.extend(store.enforce_limit());
        }
        self.session_id += 1;
        self.sessions.push((self.session_id, name.to_string()));
        let host = Arc::new(results.host);
        let origin: Arc<str> = Arc::from(name);
        for run in results.runs {
            self.push(Arc::new(run), Arc::clone(&host), Some(Arc::clone(&origin)));
        }
    }

    /// The session's progress, while one runs.
    pub fn progress(&self) -> Option<&Progress> {
        self.progress.as_ref()
    }

    /// What the run in progress has measured so far.
    pub fn live(&self) -> Option<Arc<RunResult>> {
        self.live.as_ref().map(|(_, result, _)| Arc::clone(result))
    }

    /// The verdicts on the shown runs measured side by side in one session, as sentences.
    pub fn verdicts(&self) -> Vec<String> {
        self.shown_sessions()
            .into_iter()
            .flat_map(|(runs, _)| {
                crate::results::verdicts::comparisons(&runs, crate::profile::Order::Interleaved)
            })
            .map(|c| c.sentence)
            .collect()
    }

    /// The scaling laws fitted to the shown sweeps of each session, in words.
    pub fn fits(&self) -> Vec<String> {
        let fits = self.sweep_fits().into_iter();
        fits.flat_map(|fit| fit.describe()).collect()
    }

    /// The scaling laws fitted to the shown sweeps of each session.
    pub fn sweep_fits(&self) -> Vec<crate::results::fits::SweepFit> {
        self.shown_sessions()
            .into_iter()
            .flat_map(|(runs, host)| crate::results::fits::fits(&runs, Some(host.logical_cpus)))
            .collect()
    }

    /// A number that changes whenever what the summary says of the history may change: the
    /// runs, which are shown, their sessions and the baseline.
    pub fn shown_key(&self) -> u64 {
        use std::hash::{Hash, Hasher};
        let mut hasher = std::collections::hash_map::DefaultHasher::new();
        self.baseline.hash(&mut hasher);
        for e in &self.history {
            (e.id, e.visible, e.session, Arc::as_ptr(&e.result)).hash(&mut hasher);
        }
        hasher.finish()
    }

    /// The shown runs grouped by session (the session's id and its shown entries, oldest
    /// first).
    pub fn shown_entries(&self) -> Vec<(u64, Vec<&HistoryEntry>)> {
        let mut sessions: Vec<u64> = self
            .history
            .iter()
            .filter(|e| e.visible)
            .map(|e| e.session)
            .collect();
        sessions.dedup();
        sessions
            .into_iter()
            .map(|session| {
                let shown = self.history.iter();
                let shown = shown.filter(|e| e.visible && e.session == session);
                (session, shown.collect())
            })
            .collect()
    }

    /// The shown runs grouped by session, with the machine the session ran on.
    fn shown_sessions(&self) -> Vec<(Vec<RunResult>, Host)> {
        self.shown_entries()
            .into_iter()
            .filter_map(|(_, shown)| {
                let host = Host::clone(&shown.first()?.host);
                let runs = shown.iter().map(|e| RunResult::clone(&e.result)).collect();
                Some((runs, host))
            })
            .collect()
    }

    /// The sessions and loaded files that still have runs in the history: (id, name).
    pub fn sessions(&self) -> Vec<(u64, String)> {
        self.sessions
            .iter()
            .filter(|(id, _)| self.history.iter().any(|e| e.session == *id))
            .cloned()
            .collect()
    }

    /// The name of the baseline, if one is chosen and still in the history.
    pub fn baseline_name(&self) -> Option<String> {
        let id = self.baseline?;
        self.sessions()
            .into_iter()
            .find(|(s, _)| *s == id)
            .map(|(_, name)| name)
    }

    /// Each shown run of the other sessions against its match in the baseline, as
    /// `parlab compare` judges them (threshold `threshold_pct` %), as sentences.
    pub fn baseline_verdicts(&self, threshold_pct: f64) -> Vec<String> {
        let Some(base) = self.baseline.filter(|_| self.baseline_name().is_some()) else {
            return Vec::new();
        };
        let runs_of = |session: u64, shown_only: bool| -> Vec<RunResult> {
            self.history
                .iter()
                .filter(|e| e.session == session && (e.visible || !shown_only))
                .map(|e| RunResult::clone(&e.result))
                .collect()
        };
        let base_runs = runs_of(base, false);
        self.sessions()
            .into_iter()
            .filter(|(id, _)| *id != base)
            .flat_map(|(id, _)| {
                crate::analysis::compare::judge_runs(&base_runs, &runs_of(id, true), threshold_pct)
            })
            .map(|pair| pair.sentence)
            .collect()
    }
}

/// The live run as the charts see it, with the engine's list it grows from and the engine's
/// snapshot it was made from.
type Live = (Arc<LiveList<TimelinePoint>>, Arc<RunResult>, Arc<RunResult>);

/// The live run for the charts: `previous` (when it is the same run) brought up to date with
/// the engine's latest snapshot and the points added since, copying only those.
fn compose_live(previous: Option<Live>, progress: &Progress) -> Option<Live> {
    let snapshot = progress.live.snapshot.as_ref()?;
    let source = &progress.live.timeline;
    let (mut timeline, mut per_core) = match previous {
        // No new snapshot since the last frame: nothing to do.
        Some(same) if Arc::ptr_eq(&same.0, source) && Arc::ptr_eq(&same.2, snapshot) => {
            return Some(same);
        }
        Some((list, prev, _)) if Arc::ptr_eq(&list, source) => {
            // The app drops its copies at the end of each frame, so this moves, not copies.
            let prev = Arc::try_unwrap(prev).unwrap_or_else(|shared| (*shared).clone());
            (prev.timeline, prev.cpu.per_core)
        }
        // A new run starts its series afresh.
        _ => (Vec::new(), Vec::new()),
    };
    source.copy_new(&mut timeline);
    let have = per_core.iter().map(Vec::len).max().unwrap_or(0);
    for row in progress.live.cpu_rows.items_from(have) {
        if per_core.len() < row.len() {
            per_core.resize(row.len(), vec![0.0; have]);
        }
        for (series, value) in per_core.iter_mut().zip(row) {
            series.push(value);
        }
    }
    let mut live = RunResult::clone(snapshot);
    live.timeline = timeline;
    live.cpu.per_core = per_core;
    Some((Arc::clone(source), Arc::new(live), Arc::clone(snapshot)))
}

impl Drop for Runner {
    /// Closing the app stops the run and waits for its engine to end (the session's own
    /// drop), so no engine or worker process outlives the window.
    fn drop(&mut self) {
        // What a session stopped by the close measured is kept, as a stop keeps it.
        if let Some(session) = &self.session {
            session.cancel();
            if session.wait_timeout(std::time::Duration::from_secs(5)) {
                self.poll_session();
            }
        }
        drop(self.session.take());
        self.end_undo_window();
    }
}
