//! Keeping the history between launches, as the runner and the history panel see it: each
//! finished session goes to the store (`saved_history.rs`), what the store reads at start-up
//! comes back into the history, History ▸ Clear can be undone until the next session, and
//! the panel shows how much is kept against the limit the user chose.

use super::actions::Action;
use super::app::ParlabApp;
use super::runner::{HistoryEntry, Runner};
use super::saved_history::{LIMIT_CHOICES_MB, SavedHistory, megabytes};
use crate::profile::Profile;
use crate::results::{Host, Results, RunResult};
use eframe::egui::{self, RichText, Ui};
use std::path::{Path, PathBuf};
use std::sync::Arc;

/// What History ▸ Clear took away, kept until Undo or the end of the undo window.
#[derive(Debug)]
pub struct Cleared {
    history: Vec<HistoryEntry>,
    stored: Vec<(u64, PathBuf)>,
    stored_end: usize,
}

impl Runner {
    /// Keeps the history between launches in `store` (it starts reading at once).
    pub fn with_store(mut self, store: SavedHistory) -> Self {
        self.store = Some(store);
        self
    }

    /// True while the saved history is still being read.
    pub fn is_loading(&self) -> bool {
        self.store.as_ref().is_some_and(SavedHistory::is_loading)
    }

    /// The number of runs Clear took away, while Undo can still bring them back.
    pub fn cleared_runs(&self) -> Option<usize> {
        self.cleared.as_ref().map(|c| c.history.len())
    }

    /// The file each session of the history is kept in, by session id.
    pub fn stored_files(&self) -> &[(u64, PathBuf)] {
        &self.stored
    }

    /// Adds the sessions the store has read since the last frame, before this launch's.
    pub(super) fn poll_store(&mut self) {
        let Some(store) = &mut self.store else { return };
        let read = store.poll();
        let over = store.enforce_limit();
        for (path, result) in read {
            match result {
                Ok(results) => self.add_stored(*results, path),
                Err(e) => (self.store_notes)
                    .push(format!("A file of the saved history was skipped: {e}.")),
            }
        }
        self.store_notes.extend(over);
    }

    fn add_stored(&mut self, results: Results, path: PathBuf) {
        self.session_id += 1;
        let id = self.session_id;
        let date = results.created_utc.replace('T', " ").replace('Z', " UTC");
        (self.sessions).push((id, format!("{} ({date})", results.profile.name)));
        self.stored.push((id, path));
        let host = Arc::new(results.host);
        let start = self.next_id;
        self.next_id += results.runs.len() as u64;
        let entries = (start..)
            .zip(results.runs)
            .map(|(run_id, run)| HistoryEntry {
                id: run_id,
                result: Arc::new(run),
                visible: true,
                host: Arc::clone(&host),
                session: id,
                // The app's own runs of an earlier launch: not marked as loaded from a file.
                origin: None,
            });
        let at = self.stored_end.min(self.history.len());
        let before = self.history.len();
        self.history.splice(at..at, entries);
        self.stored_end = at + (self.history.len() - before);
        if !self.is_running() {
            self.live_id = self.next_id;
        }
    }

    /// Writes the finished session `id` (run from `profile`) to the store, if it has runs.
    pub(super) fn keep_session(&mut self, id: u64, profile: Profile) {
        let Some(store) = &mut self.store else { return };
        let entries: Vec<&HistoryEntry> = self.history.iter().filter(|e| e.session == id).collect();
        let Some(first) = entries.first() else { return };
        let runs = entries
            .iter()
            .map(|e| RunResult::clone(&e.result))
            .collect();
        let results = Results::with_host(profile, runs, Host::clone(&first.host));
        let name = (self.sessions.iter().find(|(s, _)| *s == id))
            .map_or_else(|| results.profile.name.clone(), |(_, n)| n.clone());
        match store.save(&results, &name) {
            Ok(path) => self.stored.push((id, path)),
            Err(e) => self.store_notes.push(e),
        }
        self.store_notes.extend(store.enforce_limit());
    }

    /// Clears the history; [`undo_clear`](Self::undo_clear) brings it back (files too)
    /// until the next session starts or the app closes.
    pub fn clear_history(&mut self) {
        self.end_undo_window();
        self.cleared = Some(Cleared {
            history: std::mem::take(&mut self.history),
            stored: std::mem::take(&mut self.stored),
            stored_end: std::mem::take(&mut self.stored_end),
        });
        if let Some(store) = &mut self.store {
            store.clear();
        }
    }

    /// Brings back what the last Clear took away (runs finished since stay after them).
    pub fn undo_clear(&mut self) -> usize {
        let Some(cleared) = self.cleared.take() else {
            return 0;
        };
        let n = cleared.history.len();
        let since = std::mem::replace(&mut self.history, cleared.history);
        self.history.extend(since);
        self.stored_end += cleared.stored_end;
        let since = std::mem::replace(&mut self.stored, cleared.stored);
        self.stored.extend(since);
        if let Some(store) = &mut self.store {
            store.undo_clear(self.stored.iter().map(|(_, p)| p.clone()).collect());
        }
        n
    }

    /// Ends the undo window of Clear: its runs and files are gone for good.
    pub(super) fn end_undo_window(&mut self) {
        if self.cleared.take().is_some()
            && let Some(store) = &mut self.store
        {
            store.delete_cleared();
        }
    }
}

impl ParlabApp {
    /// Keeps the history between launches in `dir` (tests use a temporary folder; the window
    /// uses [`super::saved_history::default_dir`]).
    pub fn with_saved_history(mut self, dir: &Path) -> Self {
        let store = SavedHistory::open(dir, self.settings.history_limit_mb());
        self.runner.store = Some(store);
        self
    }

    /// The actions about the kept history: Undo of Clear, the limit, dismissing its notes.
    pub(super) fn apply_keeping(&mut self, action: Action) {
        match action {
            Action::UndoClear => {
                let n = self.runner.undo_clear();
                self.status.succeeded();
                let text = format!("{n} run(s) brought back to the history.");
                let mark = super::status::HistoryMark::of(&self.runner.history);
                self.status
                    .tell(text, super::status::Until::HistoryChanges(mark));
            }
            Action::SetHistoryLimit(mb) => {
                self.settings.history_limit_mb = Some(mb);
                if let Some(store) = &mut self.runner.store {
                    self.runner.store_notes.extend(store.set_limit(mb));
                }
            }
            Action::DismissHistoryNotes => self.runner.store_notes.clear(),
            _ => {}
        }
    }

    /// Asks for frames while the saved history is read, so it appears without input.
    pub(super) fn keep_reading(&self, ctx: &egui::Context) {
        if self.runner.is_loading() {
            ctx.request_repaint_after(std::time::Duration::from_millis(50));
        }
    }

    /// The history panel's lines about keeping: Undo after Clear, what is kept against
    /// the limit (changeable), and what the store had to say.
    pub(super) fn keeping_ui(&self, ui: &mut Ui, out: &mut Vec<Action>) {
        if let Some(n) = self.runner.cleared_runs() {
            ui.horizontal_wrapped(|ui| {
                ui.label(format!("Cleared {n} run(s)."));
                if ui
                    .button("Undo")
                    .on_hover_text("Bring the cleared runs back (possible until the next run starts or parlab closes)")
                    .clicked()
                {
                    out.push(Action::UndoClear);
                }
            });
        }
        if let Some(store) = &self.runner.store {
            limit_line(ui, store, out);
        }
        if !self.runner.store_notes.is_empty() {
            for note in &self.runner.store_notes {
                ui.label(RichText::new(note).color(ui.visuals().warn_fg_color));
            }
            if ui.small_button("Dismiss").clicked() {
                out.push(Action::DismissHistoryNotes);
            }
        }
    }
}

/// "Kept between launches: 12 MB of 200 MB", with the limit to choose.
fn limit_line(ui: &mut Ui, store: &SavedHistory, out: &mut Vec<Action>) {
    let (used, limit) = store.usage();
    let text = if store.is_loading() {
        "Reading the history kept between launches…"
    } else {
        "Kept between launches:"
    };
    let label = ui.label(text).on_hover_text(format!(
        "Finished sessions are kept as results files in {}. Over the limit, the oldest \
         sessions' files are deleted.",
        store.dir().display()
    ));
    ui.horizontal(|ui| {
        ui.label(format!("{} of", megabytes(used)));
        egui::ComboBox::from_id_salt("history-limit")
            .selected_text(megabytes(limit))
            .show_ui(ui, |ui| {
                for mb in LIMIT_CHOICES_MB {
                    let chosen = limit == mb * 1_000_000;
                    if ui.selectable_label(chosen, format!("{mb} MB")).clicked() {
                        out.push(Action::SetHistoryLimit(mb));
                    }
                }
            })
            .response
            .labelled_by(label.id)
            .on_hover_text("The most the kept history may take on disk");
    });
}
