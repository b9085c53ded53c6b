//! File actions of the app: New, Open, Open Recent, Examples, Save, Save As, dropped files
//! and closing the window, each asking before unsaved edits would be lost.

use super::app::ParlabApp;
use super::dialogs::Purpose;
use super::document::Document;
use super::editor::default_profile;
use super::prompts::{self, Discard};
use crate::profile::examples::EXAMPLES;
use eframe::egui;
use std::path::{Path, PathBuf};

/// Recent files remembered.
pub const MAX_RECENT: usize = 10;

/// Something that would replace the profile being edited (or close the app).
#[derive(Debug, Clone, PartialEq)]
pub enum Replace {
    /// An empty new profile.
    New,
    /// Choose a file to open.
    OpenDialog,
    /// Open this file.
    Open(PathBuf),
    /// Open shipped example number `n`.
    Example(usize),
    /// Close the window.
    Quit,
}

impl Replace {
    fn doing(&self) -> &'static str {
        match self {
            Replace::New => "starting a new profile",
            Replace::OpenDialog | Replace::Open(_) | Replace::Example(_) => {
                "opening another profile"
            }
            Replace::Quit => "closing parlab",
        }
    }
}

impl ParlabApp {
    /// Does `action`, first asking whether to save unsaved edits.
    pub fn request(&mut self, action: Replace) {
        if self.doc.dirty {
            self.confirm = Some(action);
        } else {
            self.perform(action);
        }
    }

    fn perform(&mut self, action: Replace) {
        match action {
            Replace::New => {
                self.welcome = false;
                let mut profile = default_profile();
                profile.name = "New profile".into();
                self.editor.set_profile(profile);
                self.doc = Document::unsaved(None);
            }
            Replace::OpenDialog => {
                let dir = self
                    .doc
                    .path
                    .as_ref()
                    .and_then(|p| p.parent())
                    .map(|d| d.join(""));
                let suggested = dir.map(|d| d.display().to_string()).unwrap_or_default();
                self.files.ask(Purpose::Open, &suggested);
            }
            Replace::Open(path) => self.open_file(&path),
            Replace::Example(n) => {
                match EXAMPLES.get(n).and_then(|e| e.profile().map(|p| (e, p))) {
                    Some((example, profile)) => {
                        self.welcome = false;
                        self.editor.set_profile(profile);
                        self.doc = Document::unsaved(Some(example.text));
                    }
                    None => self.message = Some(format!("example {n} is not available")),
                }
            }
            Replace::Quit => {
                self.allow_close = true;
                self.close_window = true;
            }
        }
    }

    /// Opens the profile at `path` (no unsaved-edits check); a broken file leaves the
    /// current profile as it was and says what is wrong.
    pub fn open_file(&mut self, path: &Path) {
        match Document::open(path) {
            Ok((doc, profile)) => {
                self.editor.set_profile(profile);
                self.doc = doc;
                self.welcome = false;
                self.message = None;
                self.remember(path);
            }
            Err(message) => self.message = Some(message),
        }
    }

    /// Saves to the current file, or asks where when there is none.
    pub fn save(&mut self) {
        match self.doc.path.clone() {
            Some(path) => {
                self.save_to(&path);
            }
            None => self.save_as(),
        }
    }

    /// Asks where to save, then saves.
    pub fn save_as(&mut self) {
        let suggested = match &self.doc.path {
            Some(p) => p.display().to_string(),
            None => format!("{}.toml", slug(&self.editor.profile.name)),
        };
        self.files.ask(Purpose::SaveAs, &suggested);
    }

    /// Saves to `path`; on failure the edits stay and the message says why.
    pub fn save_to(&mut self, path: &Path) -> bool {
        match self.doc.save_as(&self.editor.profile, path) {
            Ok(()) => {
                self.message = None;
                self.remember(path);
                if let Some(next) = self.after_save.take() {
                    self.perform(next);
                }
                true
            }
            Err(message) => {
                self.message = Some(message);
                self.after_save = None;
                false
            }
        }
    }

    fn remember(&mut self, path: &Path) {
        let path = std::fs::canonicalize(path).unwrap_or_else(|_| path.to_path_buf());
        let recent = &mut self.settings.recent;
        recent.retain(|p| p != &path);
        recent.insert(0, path);
        recent.truncate(MAX_RECENT);
    }

    /// Handles the file chooser, the discard question, dropped files and the close button.
    pub(super) fn file_events(&mut self, ctx: &egui::Context) {
        let chosen = self.files.poll(ctx).or_else(|| self.files.ui(ctx));
        match chosen {
            Some((Purpose::Open, path)) => self.open_file(&path),
            Some((Purpose::SaveAs, path)) => {
                self.save_to(&path);
            }
            Some((Purpose::OpenResults, path)) => self.open_results(&path),
            Some((purpose, path)) => self.export_to(purpose, path),
            None => {}
        }
        if let Some(action) = self.confirm.clone() {
            match prompts::confirm_discard(ctx, &self.editor.profile.name, action.doing()) {
                Some(Discard::Save) => {
                    self.confirm = None;
                    self.after_save = Some(action);
                    match self.doc.path.clone() {
                        Some(path) => {
                            self.save_to(&path);
                        }
                        None => self.save_as(),
                    }
                }
                Some(Discard::Discard) => {
                    self.confirm = None;
                    self.perform(action);
                }
                Some(Discard::Cancel) => self.confirm = None,
                None => {}
            }
        }
        let dropped: Vec<PathBuf> = ctx.input(|i| {
            i.raw
                .dropped_files
                .iter()
                .map(|f| f.path().to_path_buf())
                .filter(|p| !p.as_os_str().is_empty())
                .collect()
        });
        for path in dropped {
            match path.extension().and_then(|e| e.to_str()) {
                Some("toml") => self.request(Replace::Open(path)),
                Some("json") => self.open_results(&path),
                _ => {
                    self.message = Some(format!(
                        "{} is neither a profile (.toml) nor results (.json)",
                        path.display()
                    ))
                }
            }
        }
        if ctx.input(|i| i.viewport().close_requested()) && self.doc.dirty && !self.allow_close {
            ctx.send_viewport_cmd(egui::ViewportCommand::CancelClose);
            self.confirm = Some(Replace::Quit);
        }
        if std::mem::take(&mut self.close_window) {
            ctx.send_viewport_cmd(egui::ViewportCommand::Close);
        }
    }

    /// The File menu.
    pub(super) fn file_menu(&mut self, ui: &mut egui::Ui) {
        use super::app::{NEW, OPEN, SAVE, SAVE_AS};
        let ctx = ui.ctx().clone();
        let item = |text: &str, shortcut| {
            egui::Button::new(text.to_string()).shortcut_text(ctx.format_shortcut(shortcut))
        };
        if ui.add(item("New", &NEW)).clicked() {
            self.request(Replace::New);
        }
        if ui.add(item("Open…", &OPEN)).clicked() {
            self.request(Replace::OpenDialog);
        }
        if ui.button("Open Results…").clicked() {
            self.files.ask(Purpose::OpenResults, "");
        }
        ui.menu_button("Open Recent", |ui| {
            if self.settings.recent.is_empty() {
                ui.weak("No recent profiles");
            }
            for path in self.settings.recent.clone() {
                let name = path
                    .file_name()
                    .map(|n| n.to_string_lossy().into_owned())
                    .unwrap_or_default();
                if ui
                    .button(name)
                    .on_hover_text(path.display().to_string())
                    .clicked()
                {
                    self.request(Replace::Open(path));
                }
            }
            if !self.settings.recent.is_empty() {
                ui.separator();
                if ui.button("Clear the list").clicked() {
                    self.settings.recent.clear();
                }
            }
        });
        ui.menu_button("Examples", |ui| {
            for (n, example) in EXAMPLES.iter().enumerate() {
                let Some(profile) = example.profile() else {
                    continue;
                };
                if ui
                    .button(&profile.name)
                    .on_hover_text(&profile.description)
                    .clicked()
                {
                    self.request(Replace::Example(n));
                }
            }
        });
        ui.separator();
        if ui.add(item("Save", &SAVE)).clicked() {
            self.save();
        }
        if ui.add(item("Save As…", &SAVE_AS)).clicked() {
            self.save_as();
        }
        ui.separator();
        if ui.add(item("Quit", &super::app::QUIT)).clicked() {
            self.request(Replace::Quit);
        }
    }
}

/// `CPU-bound work: threads` → `cpu-bound-work-threads`, for a suggested file name.
fn slug(name: &str) -> String {
    let s: String = name
        .chars()
        .map(|c| {
            if c.is_alphanumeric() {
                c.to_ascii_lowercase()
            } else {
                '-'
            }
        })
        .collect();
    let s = s
        .split('-')
        .filter(|p| !p.is_empty())
        .collect::<Vec<_>>()
        .join("-");
    if s.is_empty() { "profile".into() } else { s }
}

#[cfg(test)]
mod tests {
    #[test]
    fn slugs_make_file_names() {
        assert_eq!(
            super::slug("CPU-bound work: threads"),
            "cpu-bound-work-threads"
        );
        assert_eq!(super::slug("  "), "profile");
    }
}
