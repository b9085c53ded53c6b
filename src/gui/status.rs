//! The messages under the run buttons and the status bar's line when nothing runs.
//!
//! Every message has an owner and a lifetime: it is cleared as soon as what it says stops
//! being true. An error says the last thing the user did failed; it goes when a later
//! action succeeds (open, new, example, save, start, results added, export done, clear),
//! or, for "fix the fields", when the profile becomes valid. A notice says what happened
//! and goes when that no longer describes the app: "N run(s) added" when the history
//! changes, "saved to PATH" at the next edit or when another file is opened.

use super::app::ParlabApp;
use super::runner::HistoryEntry;
use std::path::PathBuf;

/// The last error and the last success to tell the user about, with what ends each.
#[derive(Debug, Default)]
pub(super) struct Status {
    /// The last error (set with [`fail`](Self::fail), cleared by the next success).
    pub(super) error: Option<String>,
    /// The last success (set with [`tell`](Self::tell)).
    pub(super) notice: Option<String>,
    /// The notice, and what ends it.
    notice_until: Option<(String, Until)>,
    /// An error that goes once the profile is valid.
    error_until_valid: Option<String>,
}

/// What makes a notice stale.
#[derive(Debug, Clone, PartialEq)]
pub(super) enum Until {
    /// The next notice replaces it (an export written: that stays true).
    Replaced,
    /// The history changes (runs added, cleared or dropped): the notice was about it.
    HistoryChanges(HistoryMark),
    /// The profile is edited, or another file is behind the editor ("saved to PATH").
    Edited(Option<PathBuf>),
}

/// Enough of the history to tell that it changed: its length and first and last ids.
#[derive(Debug, Clone, PartialEq)]
pub(super) struct HistoryMark(usize, Option<u64>, Option<u64>);

impl HistoryMark {
    /// The mark of `history` as it is now.
    pub(super) fn of(history: &[HistoryEntry]) -> Self {
        let id = |e: Option<&HistoryEntry>| e.map(|e| e.id);
        Self(history.len(), id(history.first()), id(history.last()))
    }
}

impl Status {
    /// Shows `message` as the error until the next success.
    pub(super) fn fail(&mut self, message: impl Into<String>) {
        self.error = Some(message.into());
    }

    /// Shows `message` as the error until the profile is valid (or a success).
    pub(super) fn fail_until_valid(&mut self, message: &str) {
        self.fail(message);
        self.error_until_valid = Some(message.to_string());
    }

    /// Something the user did worked: the last failure is no longer the news.
    pub(super) fn succeeded(&mut self) {
        self.error = None;
    }

    /// Shows `message` as the notice until `until` says it is stale.
    pub(super) fn tell(&mut self, message: impl Into<String>, until: Until) {
        let message = message.into();
        self.notice_until = Some((message.clone(), until));
        self.notice = Some(message);
    }

    /// Clears the notice.
    pub(super) fn forget_notice(&mut self) {
        self.notice = None;
        self.notice_until = None;
    }
}

impl ParlabApp {
    /// The notice under the run buttons, if any (the error is [`message`](Self::message)).
    pub fn notice(&self) -> Option<&str> {
        self.status.notice.as_deref()
    }

    /// Clears the messages that stopped being true since the last frame. A message
    /// replaced by other code in the meantime keeps no lifetime of the old one.
    pub(super) fn expire_messages(&mut self) {
        let status = &mut self.status;
        if let Some(text) = status.error_until_valid.take()
            && status.error.as_ref() == Some(&text)
        {
            if self.editor.is_valid() {
                status.error = None;
            } else {
                status.error_until_valid = Some(text);
            }
        }
        if let Some((text, until)) = status.notice_until.take()
            && status.notice.as_ref() == Some(&text)
        {
            let stale = match &until {
                Until::Replaced => false,
                Until::HistoryChanges(mark) => *mark != HistoryMark::of(&self.runner.history),
                Until::Edited(path) => self.doc.dirty || self.doc.path != *path,
            };
            if stale {
                status.notice = None;
            } else {
                status.notice_until = Some((text, until));
            }
        }
    }

    /// The status bar's line while no run is in progress: what Start will do, or why it
    /// cannot.
    pub(super) fn ready_line(&self) -> String {
        let runs = self.runner.history.len();
        let failed = (self.runner.history.iter())
            .filter(|e| e.result.status.is_failure())
            .count();
        let history = match runs {
            0 => String::new(),
            _ => format!("{runs} run(s) in the history, {failed} failed. "),
        };
        let problems = self.editor.problems().len();
        if self.runner.is_running() {
            format!("{history}Start is disabled while the run finishes.")
        } else if problems > 0 {
            format!(
                "{history}Start is disabled: fix the {problems} problem(s) marked in red on the left."
            )
        } else if runs == 0 {
            "Ready: edit the profile on the left, then press Start (F5).".into()
        } else {
            format!("{history}Press Start (F5) to run again.")
        }
    }
}
