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
    /// The session runs; its runs are the history entries whose ids are not in `before`
    /// (the ids in the history when it began: ids are never reused).
    Running {
        before: Vec<u64>,
        profile: Box<Profile>,
        quit: bool,
    },
    /// The session ended; nothing more to do.
    Done,
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
                self.apply(Action::Start);
                auto.phase = Phase::Starting;
                self.automation_started(ctx, &mut auto, true);
            }
            Phase::Starting => {
                auto.phase = Phase::Starting;
                self.automation_started(ctx, &mut auto, false);
            }
            Phase::Running {
                before,
                profile,
                quit,
            } => {
                let quit = quit || self.intercept_close(ctx);
                if self.runner.is_running() {
                    auto.phase = Phase::Running {
                        before,
                        profile,
                        quit,
                    };
                } else {
                    let outcome = self.export_session(&auto.options, &before, *profile);
                    auto.finish(outcome);
                    if quit || auto.options.quit_when_done {
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
            auto.phase = Phase::Running {
                // Seen in the frame the run began, before it can have finished a run.
                before: self.runner.history.iter().map(|e| e.id).collect(),
                profile: Box::new(self.editor.profile.clone()),
                quit: false,
            };
        } else if just_asked && let Some(error) = self.status.error.clone() {
            auto.finish(Outcome {
                end: SessionEnd::RunFailed,
                messages: vec![format!("the profile did not start: {error}")],
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
    fn export_session(
        &mut self,
        options: &AutomationOptions,
        before: &[u64],
        profile: Profile,
    ) -> Outcome {
        let runs: Vec<RunResult> = self
            .runner
            .history
            .iter()
            .filter(|e| !before.contains(&e.id))
            .map(|e| RunResult::clone(&e.result))
            .collect();
        let mut end = session_end(&runs);
        let mut messages = Vec::new();
        if runs.is_empty() {
            messages.push(
                "stopped before any run began: nothing was measured, no results written".into(),
            );
            return Outcome { end, messages };
        }
        let Some(path) = &options.export_results else {
            return Outcome { end, messages };
        };
        let results = Results::new(profile, runs);
        let shown = printable(&path.display().to_string()).to_string();
        match results.save_json(path) {
            Ok(()) => {
                messages.push(format!("written: {shown}"));
                self.status.notice = Some(format!("Results written to {shown}."));
            }
            Err(e) => {
                let mut message = format!("cannot write results to {shown}: {e}");
                match results.save_fallback() {
                    Ok(saved) => message.push_str(&format!(
                        "; the results were saved to {} instead",
                        printable(&saved.display().to_string())
                    )),
                    Err(why) => message
                        .push_str(&format!("; the results could not be saved anywhere: {why}")),
                }
                self.status.error = Some(format!("{message}."));
                messages.push(message);
                if end != SessionEnd::Stopped {
                    end = SessionEnd::OutputFailed;
                }
            }
        }
        Outcome { end, messages }
    }
}

/// How `runs` ended, as `parlab run` ranks it: a stop, then a failure, else completed. No
/// run at all means the session was stopped before its first run.
fn session_end(runs: &[RunResult]) -> SessionEnd {
    if runs.is_empty() || runs.iter().any(|r| r.status == RunStatus::Stopped) {
        SessionEnd::Stopped
    } else if runs.iter().any(|r| r.status.is_failure()) {
        SessionEnd::RunFailed
    } else {
        SessionEnd::Completed
    }
}
