//! Questions the app must ask before acting: discarding unsaved edits, and running external
//! programs named in a profile.

use eframe::egui::{self, RichText};

/// The user's answer to "discard unsaved edits?".
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Discard {
    /// Save first, then go on.
    Save,
    /// Go on without saving.
    Discard,
    /// Do nothing.
    Cancel,
}

/// Asks whether to save the edits to `name` before `doing`; `None` until answered.
pub fn confirm_discard(ctx: &egui::Context, name: &str, doing: &str) -> Option<Discard> {
    let mut answer = None;
    egui::Modal::new(egui::Id::unique("parlab-confirm-discard")).show(ctx, |ui| {
        ui.heading("Unsaved changes");
        ui.label(format!(
            "The profile “{name}” has changes that are not saved. Save them before {doing}?"
        ));
        ui.add_space(8.0);
        ui.horizontal(|ui| {
            if ui.button("Save").clicked() {
                answer = Some(Discard::Save);
            }
            if ui.button("Discard changes").clicked() {
                answer = Some(Discard::Discard);
            }
            if ui.button("Cancel").clicked() || ui.input(|i| i.key_pressed(egui::Key::Escape)) {
                answer = Some(Discard::Cancel);
            }
        });
    });
    answer
}

/// Lists the external programs a profile will start and asks to go ahead; `None` until answered.
pub fn confirm_commands(ctx: &egui::Context, commands: &[String]) -> Option<bool> {
    let mut answer = None;
    egui::Modal::new(egui::Id::unique("parlab-confirm-commands")).show(ctx, |ui| {
        ui.heading("Run external programs?");
        ui.label("This profile starts these programs, once per task:");
        for c in commands {
            ui.label(RichText::new(c).monospace());
        }
        ui.label("Only run programs you trust.");
        ui.add_space(8.0);
        ui.horizontal(|ui| {
            if ui.button("Run them").clicked() {
                answer = Some(true);
            }
            if ui.button("Cancel").clicked() || ui.input(|i| i.key_pressed(egui::Key::Escape)) {
                answer = Some(false);
            }
        });
    });
    answer
}

/// Says that a run would need more memory or disk than the machine has (`why`) and asks
/// whether to start anyway; `None` until answered.
pub fn confirm_too_big(ctx: &egui::Context, why: &str) -> Option<bool> {
    let mut answer = None;
    egui::Modal::new(egui::Id::unique("parlab-confirm-too-big")).show(ctx, |ui| {
        ui.heading("Not enough room for this profile");
        ui.label(why);
        ui.label("Starting anyway may make the system swap or the kernel kill processes.");
        ui.add_space(8.0);
        ui.horizontal(|ui| {
            if ui.button("Start anyway").clicked() {
                answer = Some(true);
            }
            if ui.button("Cancel").clicked() || ui.input(|i| i.key_pressed(egui::Key::Escape)) {
                answer = Some(false);
            }
        });
    });
    answer
}
