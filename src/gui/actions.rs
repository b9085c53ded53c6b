//! Everything a user can ask the app to do, as one [`Action`], and the one function that
//! carries actions out: [`ParlabApp::apply`]. Menus, shortcuts, buttons, prompts, the file
//! chooser and dropped files only produce actions; this file is the only place where the app's
//! state changes in answer to them.

use super::app::ParlabApp;
use super::dialogs::Purpose;
use super::document::Document;
use super::editor::default_profile;
use super::export::{self, ExportJob};
use super::files::{self, Replace};
use super::settings::{ChartTab, Theme};
use super::status::{HistoryMark, Until};
use crate::profile::Profile;
use crate::profile::examples::EXAMPLES;
use crate::results::Results;
use std::path::{Path, PathBuf};

/// One thing the user asked for.
#[derive(Debug, Clone, PartialEq)]
pub enum Action {
    /// Start the edited profile, asking first about external programs and resource needs.
    Start,
    /// Start although the profile may exhaust the machine (the user said "start anyway").
    StartAnyway,
    /// Allow these external programs from now on, then start.
    Approve(Vec<String>),
    /// Stop the run in progress.
    Stop,
    /// Forget every run in the history.
    ClearHistory,
    /// Overlay every run of the history on the charts (`true`) or none (`false`).
    ShowAllRuns(bool),
    /// Overlay history run `id` on the charts, or not.
    ShowRun(u64, bool),
    /// Show the CPU chart of history run `id`.
    SelectCpuRun(u64),
    /// Show only these history runs on the charts (a finding's runs), the first one's CPU.
    ShowOnlyRuns(Vec<u64>),
    /// Judge the other runs against this session or loaded file (`None`: no baseline).
    SetBaseline(Option<u64>),
    /// Show this chart tab.
    ShowTab(ChartTab),
    /// Use this colour theme.
    SetTheme(Theme),
    /// Open the About window.
    ShowAbout,
    /// Replace the profile (or quit), first asking whether to save unsaved edits.
    Request(Replace),
    /// Replace the profile (or quit) now: there is nothing to save or the user discarded it.
    Replace(Replace),
    /// Save the edits, then (once saved) replace the profile or quit.
    SaveThen(Replace),
    /// Save to the current file, or ask where when there is none.
    Save,
    /// Ask where to save, then save.
    SaveAs,
    /// Save to this path; on failure the edits stay and the status line says why.
    SaveTo(PathBuf),
    /// Open the profile at this path (no unsaved-edits question: already asked).
    OpenFile(PathBuf),
    /// Edit this profile, which has no file yet (given on the command line).
    Load(Box<Profile>),
    /// Ask which results file to add to the history.
    AskOpenResults,
    /// Add the results file at this path to the history.
    OpenResults(PathBuf),
    /// Ask where to export, then export (`Purpose` is one of the export purposes).
    AskExport(Purpose),
    /// Export to this path in the background.
    ExportTo(Purpose, PathBuf),
    /// The background export finished: what it made, or why it failed.
    ExportFinished(Result<String, String>),
    /// A file was dropped on the window.
    Dropped(PathBuf),
    /// Forget the recent profiles.
    ClearRecent,
    /// Bring back the runs the last Clear took away.
    UndoClear,
    /// Keep at most this many MB of history between launches.
    SetHistoryLimit(u64),
    /// Hide what the kept history had to say.
    DismissHistoryNotes,
}

impl Action {
    /// What to do with the path the file chooser returned for `purpose`.
    pub fn chosen(purpose: Purpose, path: PathBuf) -> Action {
        match purpose {
            Purpose::Open => Action::OpenFile(path),
            Purpose::SaveAs => Action::SaveTo(path),
            Purpose::OpenResults => Action::OpenResults(path),
            _ => Action::ExportTo(purpose, path),
        }
    }
}

impl ParlabApp {
    /// Carries out `action`: the only way the user changes the app.
    pub fn apply(&mut self, action: Action) {
        // Edits made in the editor before this action count as unsaved edits for it.
        self.sync_dirty();
        match action {
            Action::Start => self.start(false),
            Action::StartAnyway => self.start(true),
            Action::Approve(commands) => {
                self.questions.approve(commands);
                self.start(false);
            }
            Action::Stop => self.runner.stop(),
            Action::ClearHistory => {
                self.runner.clear_history();
                self.view.cpu_run = None;
                self.status.succeeded();
            }
            Action::ShowAllRuns(visible) => {
                let history = self.runner.history.iter_mut();
                history.for_each(|e| e.visible = visible);
            }
            Action::ShowRun(id, visible) => {
                let entry = self.runner.history.iter_mut().find(|e| e.id == id);
                entry.into_iter().for_each(|e| e.visible = visible);
            }
            Action::SelectCpuRun(id) => self.view.cpu_run = Some(id),
            Action::ShowOnlyRuns(ids) => {
                let history = self.runner.history.iter_mut();
                history.for_each(|e| e.visible = ids.contains(&e.id));
                self.view.cpu_run = ids.first().copied().or(self.view.cpu_run);
            }
            Action::SetBaseline(session) => self.runner.baseline = session,
            Action::ShowTab(tab) => self.settings.tab = tab,
            Action::SetTheme(theme) => self.settings.theme = theme,
            Action::ShowAbout => self.view.about_open = true,
            Action::ClearRecent => self.settings.recent.clear(),
            Action::UndoClear | Action::SetHistoryLimit(_) | Action::DismissHistoryNotes => {
                self.apply_keeping(action)
            }
            action => self.apply_file_action(action),
        }
    }

    /// The actions about files: profiles, results and exports.
    fn apply_file_action(&mut self, action: Action) {
        match action {
            Action::Request(replace) if self.doc.dirty => self.questions.ask_discard(replace),
            Action::Request(replace) | Action::Replace(replace) => self.replace(replace),
            Action::SaveThen(next) => {
                self.questions.after_save = Some(next);
                self.save();
            }
            Action::Save => self.save(),
            Action::SaveAs => self.save_as(),
            Action::SaveTo(path) => self.save_to(&path),
            Action::OpenFile(path) => self.open_file(&path),
            Action::Load(profile) => {
                self.editor.set_profile(*profile);
                self.doc = Document::unsaved(None);
                self.view.welcome = false;
                self.status.succeeded();
            }
            Action::AskOpenResults => {
                let near = self.doc_folder();
                (self.files).ask(Purpose::OpenResults, "", near.as_deref());
            }
            Action::OpenResults(path) => self.open_results(&path),
            Action::AskExport(purpose) => self.ask_export(purpose),
            Action::ExportTo(purpose, path) => self.export_to(purpose, path),
            Action::ExportFinished(Ok(done)) => {
                self.status.succeeded();
                self.status.tell(done, Until::Replaced);
                self.export = None;
            }
            Action::ExportFinished(Err(e)) => {
                self.status.fail(e);
                self.status.forget_notice();
                self.export = None;
            }
            Action::Dropped(path) => match path.extension().and_then(|e| e.to_str()) {
                Some("toml") => self.apply(Action::Request(Replace::Open(path))),
                Some("json") => self.open_results(&path),
                _ => self.status.fail(format!(
                    "{} is neither a profile (.toml) nor results (.json)",
                    path.display()
                )),
            },
            other => unreachable!("{other:?} is applied by ParlabApp::apply"),
        }
    }

    /// Starts the edited profile if it is valid and nothing runs; `anyway` skips the check
    /// that the machine has room for it (the user already said to start anyway).
    fn start(&mut self, anyway: bool) {
        if self.runner.is_running() {
            return;
        }
        if !self.editor.is_valid() {
            (self.status).fail_until_valid("Fix the fields marked in red before starting.");
            return;
        }
        let commands = self.editor.profile.external_commands();
        if self.questions.ask_consent(commands) {
            return;
        }
        if !anyway {
            let plan = self.editor.profile.plan();
            let available = crate::profile::Available::detect();
            if let Err(e) = crate::profile::check_needs(&plan, &available) {
                self.questions.too_big =
                    Some(format!("{e} Lower workers or size, or start anyway."));
                return;
            }
        }
        let source = (self.doc.file_name()).unwrap_or_else(|| "the profile being edited".into());
        match self.runner.start(&self.editor.profile, &source) {
            Ok(()) => self.status.succeeded(),
            Err(e) => self.status.fail(e),
        }
        self.view.cpu_run = None;
    }

    fn replace(&mut self, replace: Replace) {
        match replace {
            Replace::New => {
                self.status.succeeded();
                self.view.welcome = false;
                let mut profile = default_profile();
                profile.name = "New profile".into();
                self.editor.set_profile(profile);
                self.doc = Document::unsaved(None);
            }
            Replace::OpenDialog => {
                let near = self.doc_folder();
                (self.files).ask(Purpose::Open, "", near.as_deref());
            }
            Replace::Open(path) => self.open_file(&path),
            Replace::Example(n) => {
                match EXAMPLES.get(n).and_then(|e| e.profile().map(|p| (e, p))) {
                    Some((example, profile)) => {
                        self.status.succeeded();
                        self.view.welcome = false;
                        self.editor.set_profile(profile);
                        self.doc = Document::unsaved(Some(example.text));
                    }
                    None => self.status.fail(format!("example {n} is not available")),
                }
            }
            Replace::Quit => {
                // Quitting with unsaved edits is reached only through "Discard changes".
                self.window.discarded = self.doc.dirty;
                self.window.allow_close = true;
                self.window.close = true;
            }
        }
    }

    /// Opens the profile at `path`; a broken file leaves the current profile as it was and
    /// says what is wrong.
    fn open_file(&mut self, path: &Path) {
        match Document::open(path) {
            Ok((doc, profile)) => {
                self.editor.set_profile(profile);
                self.doc = doc;
                self.view.welcome = false;
                self.status.succeeded();
                files::remember(&mut self.settings.recent, path);
            }
            Err(message) => self.status.fail(message),
        }
    }

    /// The folder a file dialog starts in when none was used yet: the profile's, else that
    /// of the most recent profile.
    fn doc_folder(&self) -> Option<PathBuf> {
        let file = self.doc.path.as_ref().or(self.settings.recent.first())?;
        let file = std::path::absolute(file).unwrap_or_else(|_| file.clone());
        file.parent().map(Path::to_path_buf)
    }

    fn save(&mut self) {
        match self.doc.path.clone() {
            Some(path) => self.save_to(&path),
            None => self.save_as(),
        }
    }

    fn save_as(&mut self) {
        let suggested = match &self.doc.path {
            // Absolute: the dialog may start in another folder than the file's.
            Some(p) => std::path::absolute(p)
                .unwrap_or_else(|_| p.clone())
                .display()
                .to_string(),
            None => format!("{}.toml", files::slug(&self.editor.profile.name)),
        };
        let near = self.doc_folder();
        (self.files).ask(Purpose::SaveAs, &suggested, near.as_deref());
    }

    /// Saves to `path`, then does what was waiting for the save; on failure nothing waits.
    fn save_to(&mut self, path: &Path) {
        match self.doc.save_as(&self.editor.profile, path) {
            Ok(()) => {
                self.status.succeeded();
                // The full path: a bare name would not say in which folder.
                let shown = std::path::absolute(path).unwrap_or_else(|_| path.to_path_buf());
                let saved = format!("Saved to {}.", shown.display());
                (self.status).tell(saved, Until::Edited(Some(path.to_path_buf())));
                files::remember(&mut self.settings.recent, path);
                if let Some(next) = self.questions.after_save.take() {
                    self.replace(next);
                }
            }
            Err(message) => {
                self.status.fail(message);
                self.questions.after_save = None;
            }
        }
    }

    fn open_results(&mut self, path: &Path) {
        match Results::load_json(path) {
            Ok(results) => {
                let n = results.runs.len();
                let name = path.file_name().map_or_else(
                    || path.display().to_string(),
                    |n| n.to_string_lossy().into_owned(),
                );
                self.runner.add_results_named(results, &name);
                let added = format!("{n} run(s) from {} added to the history", path.display());
                let mark = HistoryMark::of(&self.runner.history);
                self.status.tell(added, Until::HistoryChanges(mark));
                self.status.succeeded();
            }
            Err(e) => self.status.fail(e.to_string()),
        }
    }

    fn ask_export(&mut self, purpose: Purpose) {
        if self.runner.history.iter().all(|e| !e.visible) {
            (self.status)
                .fail("Nothing to export: run a profile (or tick runs in the history) first.");
            return;
        }
        let kind = self.settings.tab;
        let suggested = export::suggested_name(purpose, &export::stem(&self.doc), kind);
        let near = self.doc_folder();
        (self.files).ask(purpose, &suggested, near.as_deref());
    }

    fn export_to(&mut self, purpose: Purpose, path: PathBuf) {
        let kind = self.settings.tab;
        let request = export::Request {
            purpose,
            path,
            kind,
            runs: export::runs_for(&self.runner, self.view.cpu_run, kind),
            origins: export::origins_for(&self.runner),
            results: export::results_for(&self.runner, &self.editor.profile),
            stem: export::stem(&self.doc),
        };
        match ExportJob::start(request, self.doc.path.as_deref()) {
            Ok(job) => {
                self.export = Some(job);
                self.status.tell("Exporting…", Until::Replaced);
            }
            Err(e) => self.status.fail(e),
        }
    }
}
