//! File actions of the app: what can replace the profile being edited, the File menu, and
//! the list of recent profiles. Each replacement asks before unsaved edits would be lost (see
//! [`Action::Request`]).

use super::actions::Action;
use super::app::{NEW, OPEN, QUIT, SAVE, SAVE_AS};
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
    /// What replacing does, for the "save first?" question.
    pub fn doing(&self) -> &'static str {
        match self {
            Replace::New => "starting a new profile",
            Replace::OpenDialog | Replace::Open(_) | Replace::Example(_) => {
                "opening another profile"
            }
            Replace::Quit => "closing parlab",
        }
    }
}

/// Puts `path` first in the recent profiles.
pub fn remember(recent: &mut Vec<PathBuf>, path: &Path) {
    let path = std::fs::canonicalize(path).unwrap_or_else(|_| path.to_path_buf());
    recent.retain(|p| p != &path);
    recent.insert(0, path);
    recent.truncate(MAX_RECENT);
}

/// The File menu; `recent` are the recent profiles.
pub fn file_menu(ui: &mut egui::Ui, recent: &[PathBuf], out: &mut Vec<Action>) {
    let ctx = ui.ctx().clone();
    let item = |text: &str, shortcut| {
        egui::Button::new(text.to_string()).shortcut_text(ctx.format_shortcut(shortcut))
    };
    if ui.add(item("New", &NEW)).clicked() {
        out.push(Action::Request(Replace::New));
    }
    if ui.add(item("Open…", &OPEN)).clicked() {
        out.push(Action::Request(Replace::OpenDialog));
    }
    if ui.button("Open Results…").clicked() {
        out.push(Action::AskOpenResults);
    }
    ui.menu_button("Open Recent", |ui| recent_menu(ui, recent, out));
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
                out.push(Action::Request(Replace::Example(n)));
            }
        }
    });
    ui.separator();
    if ui.add(item("Save", &SAVE)).clicked() {
        out.push(Action::Save);
    }
    if ui.add(item("Save As…", &SAVE_AS)).clicked() {
        out.push(Action::SaveAs);
    }
    ui.separator();
    if ui.add(item("Quit", &QUIT)).clicked() {
        out.push(Action::Request(Replace::Quit));
    }
}

fn recent_menu(ui: &mut egui::Ui, recent: &[PathBuf], out: &mut Vec<Action>) {
    if recent.is_empty() {
        ui.weak("No recent profiles");
    }
    for path in recent {
        let name = path
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        if ui
            .button(name)
            .on_hover_text(path.display().to_string())
            .clicked()
        {
            out.push(Action::Request(Replace::Open(path.clone())));
        }
    }
    if !recent.is_empty() {
        ui.separator();
        if ui.button("Clear the list").clicked() {
            out.push(Action::ClearRecent);
        }
    }
}

/// `CPU-bound work: threads` → `cpu-bound-work-threads`, for a suggested file name.
pub fn slug(name: &str) -> String {
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
