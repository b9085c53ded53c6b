//! `parlab gui PROFILE --start [--export-results FILE] [--quit-when-done]`: the app starts
//! the profile as soon as its window is up, writes the session's results when it ends, and
//! closes if asked. For demos, classrooms and `benches/observer.sh`, which compares the app's
//! numbers with the command line's.
//!
//! "The session" is the runs added to the history after the automated Start: a Stop still
//! ends it (its runs are written, marked stopped), and so does closing the window mid-run
//! (the run is stopped, written, then the window closes). A profile that asks first
//! (external programs, more memory than the machine has) waits for the user's answer; a
//! Start the user gives later counts as well.

use super::actions::Action;
use super::app::ParlabApp;
use crate::format::printable;
use crate::profile::Profile;
use crate::results::{Results, RunResult, RunStatus};
use eframe::egui;
use std::path::PathBuf;
use std::sync::{Arc, Mutex, PoisonError};

/// What the command line asked the app to do by itself.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct AutomationOptions {
    /// Write the session's results (JSON, as `parlab run --json` writes them) here.
    pub export_results: Option<PathBuf>,
    /// Close the window once the session ended and its results are written.
    pub quit_when_done: bool,
    /// External programs the command line already showed the user: the app does not ask
    /// about them again (`parlab gui PROFILE --start` is the user's go, as `parlab run` is).
    pub approved_commands: Vec<String>,
    /// Start even when the machine seems too small for the profile (`--force`).
    pub force: bool,
}

/// How an automated session ended, ordered as `parlab run` ranks them for its exit status.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SessionEnd {
    /// Every run completed and the results were written.
    Completed,
    /// A run failed (or the session could not start).
    RunFailed,
    /// The results could not be written where asked (they went to a fallback file).
    OutputFailed,
    /// The user stopped the session.
    Stopped,
}

/// The end of an automated session, for the command line once the window is closed.
#[derive(Debug, Clone, PartialEq)]
pub struct Outcome {
    /// How it ended.
    pub end: SessionEnd,
    /// What to tell the user on stderr (`written: FILE`, why a write failed and where the
    /// results went instead), one sentence each.
    pub messages: Vec<String>,
}

/// Where the automation stands.
#[derive(Debug)]
enum Phase {
    /// Before the first frame: nothing started yet.
    Armed,
    /// Start was asked for; waiting for the run to begin (or the user's answer).
    Starting,
    /// The session runs.
    Running(Session),
    /// The session ended; nothing more to do.
    Done,
}

/// The automated session while it runs.
#[derive(Debug)]
struct Session {
    /// The ids in the history when it began: its runs are the entries added since (ids are
    /// never reused).
    before: Vec<u64>,
    /// The profile it runs.
    profile: Box<Profile>,
    /// Close the window once it ended (the user asked to close it meanwhile).
    quit: bool,
    /// The status line's error in the last frame: a new one in the frame the session ends is
    /// why the engine ended badly (it died, or refused the profile).
    error: Option<String>,
}

/// The app-side state of the automation, driven once a frame by [`ParlabApp::automate`].
#[derive(Debug)]
pub struct Automation {
    options: AutomationOptions,
    phase: Phase,
    outcome: Arc<Mutex<Option<Outcome>>>,
    closed: bool,
}

impl Automation {
    /// An automation that starts the profile in the app's first frame.
    pub fn new(options: AutomationOptions) -> Self {
        Self {
            options,
            phase: Phase::Armed,
            outcome: Arc::default(),
            closed: false,
        }
    }

    /// A handle to the outcome, still readable once the app (and this) is dropped.
    pub fn outcome_handle(&self) -> Arc<Mutex<Option<Outcome>>> {
        Arc::clone(&self.outcome)
    }

    /// How the session ended, once it has.
    pub fn outcome(&self) -> Option<Outcome> {
        read(&self.outcome)
    }

    /// True once the automation closed the window (`--quit-when-done`, or a close asked for
    /// while the session ran).
    pub fn closed_window(&self) -> bool {
        self.closed
    }

    fn finish(&mut self, outcome: Outcome) {
        self.phase = Phase::Done;
        *self.outcome.lock().unwrap_or_else(PoisonError::into_inner) = Some(outcome);
    }
}

/// Reads an outcome handle (a poisoned lock still holds the value).
pub fn read(handle: &Mutex<Option<Outcome>>) -> Option<Outcome> {
    let outcome = handle.lock().unwrap_or_else(PoisonError::into_inner);
    outcome.clone()
}

impl ParlabApp {
    /// The app that runs `automation` from its first frame on.
    pub fn with_automation(mut self, automation: Automation) -> Self {
        self.automation = Some(automation);
        self
    }

    /// The automation, if the app runs one.
    pub fn automation(&self) -> Option<&Automation> {
        self.automation.as_ref()
    }

    /// Runs the automation, if any, for this frame: the hook at the end of [`ParlabApp::ui`].
    pub(super) fn automate(&mut self, ctx: &egui::Context) {
        let Some(mut auto) = self.automation.take() else {
            return;
        };
        match std::mem::replace(&mut auto.phase, Phase::Done) {
            Phase::Armed => {
                self.status.error = None;
                self.questions
                    .approve(auto.options.approved_commands.clone());
                self.apply(if auto.options.force {
                    Action::StartAnyway
                } else {
                    Action::Start
                });
                auto.phase = Phase::Starting;
                self.automation_started(ctx, &mut auto, true);
            }
            Phase::Starting => {
                auto.phase = Phase::Starting;
                self.automation_started(ctx, &mut auto, false);
            }
            Phase::Running(mut session) => {
                session.quit |= self.intercept_close(ctx);
                if self.runner.is_running() {
                    session.error.clone_from(&self.status.error);
                    auto.phase = Phase::Running(session);
                } else {
                    let outcome = self.export_session(&auto.options, &session);
                    auto.finish(outcome);
                    if session.quit || auto.options.quit_when_done {
                        self.close_now(ctx, &mut auto);
                    }
                }
            }
            Phase::Done => {}
        }
        self.automation = Some(auto);
    }

    /// Moves on once the run began. Right after the automated Start, an error in the status
    /// line (and no run) means it could not start: the session ends as failed. Otherwise a
    /// question is waiting for the user, and the automation waits with it.
    fn automation_started(&mut self, ctx: &egui::Context, auto: &mut Automation, just_asked: bool) {
        if self.runner.is_running() {
            auto.phase = Phase::Running(Session {
                // Seen in the frame the run began, before it can have finished a run.
                before: self.runner.history.iter().map(|e| e.id).collect(),
                profile: Box::new(self.editor.profile.clone()),
                quit: false,
                error: self.status.error.clone(),
            });
        } else if just_asked && let Some(error) = self.status.error.clone() {
            auto.finish(Outcome {
                end: SessionEnd::RunFailed,
                messages: vec![format!("error: the profile did not start: {error}")],
            });
            if auto.options.quit_when_done {
                self.close_now(ctx, auto);
            }
        }
    }

    /// Closes the window without asking about unsaved edits (they stay in the settings).
    fn close_now(&mut self, ctx: &egui::Context, auto: &mut Automation) {
        auto.closed = true;
        self.window.allow_close = true;
        ctx.send_viewport_cmd(egui::ViewportCommand::Close);
    }

    /// A close of the window while the session runs stops it instead; the window closes
    /// once its results are written. True when that happened this frame.
    fn intercept_close(&mut self, ctx: &egui::Context) -> bool {
        if !ctx.input(|i| i.viewport().close_requested()) {
            return false;
        }
        ctx.send_viewport_cmd(egui::ViewportCommand::CancelClose);
        self.runner.stop();
        true
    }

    /// The session's runs, written where asked; the status line says what happened.
    fn export_session(&mut self, options: &AutomationOptions, session: &Session) -> Outcome {
        let runs: Vec<RunResult> = self
            .runner
            .history
            .iter()
            .filter(|e| !session.before.contains(&e.id))
            .map(|e| RunResult::clone(&e.result))
            .collect();
        let engine_error = (self.status.error != session.error)
            .then(|| self.status.error.clone())
            .flatten();
        let mut end = session_end(&runs, engine_error.is_some());
        let mut messages: Vec<String> =
            engine_error.iter().map(|e| format!("error: {e}")).collect();
        if runs.is_empty() {
            if engine_error.is_none() {
                messages.push(
                    "stopped before any run began: nothing was measured, no results written".into(),
                );
            }
            return Outcome { end, messages };
        }
        let Some(path) = &options.export_results else {
            return Outcome { end, messages };
        };
        let results = Results::new(Profile::clone(&session.profile), runs);
        if let Err(message) = self.write_results(&results, path, &mut messages) {
            self.status.error = Some(format!("{message}."));
            messages.push(format!("error: {message}"));
            if end != SessionEnd::Stopped {
                end = SessionEnd::OutputFailed;
            }
        }
        Outcome { end, messages }
    }

    /// Writes `results` to `path`, else to the fallback file; the error says why and where.
    fn write_results(
        &mut self,
        results: &Results,
        path: &std::path::Path,
        messages: &mut Vec<String>,
    ) -> Result<(), String> {
        let shown = printable(&path.display().to_string()).to_string();
        let Err(e) = results.save_json(path) else {
            messages.push(format!("written: {shown}"));
            let written = format!("Results written to {shown}.");
            (self.status).tell(written, super::status::Until::Replaced);
            return Ok(());
        };
        let mut message = format!("cannot write results to {shown}: {e}");
        match results.save_fallback() {
            Ok(saved) => message.push_str(&format!(
                "; the results were saved to {} instead",
                printable(&saved.display().to_string())
            )),
            Err(why) => {
                message.push_str(&format!("; the results could not be saved anywhere: {why}"))
            }
        }
        Err(message)
    }
}

/// How `runs` ended, as `parlab run` ranks it: a stop, then a failure (`engine_failed`: the
/// engine died or refused the profile), else completed. No run at all without an engine
/// failure means the session was stopped before its first run.
fn session_end(runs: &[RunResult], engine_failed: bool) -> SessionEnd {
    if runs.iter().any(|r| r.status == RunStatus::Stopped) || (runs.is_empty() && !engine_failed) {
        SessionEnd::Stopped
    } else if engine_failed || runs.iter().any(|r| r.status.is_failure()) {
        SessionEnd::RunFailed
    } else {
        SessionEnd::Completed
    }
}
