//! Questions the app must ask before acting: discarding unsaved edits, running external
//! programs named in a profile, and starting a profile the machine has no room for. The
//! questions waiting for an answer are this panel's own state ([`Questions`]); an answer
//! becomes an [`Action`].

use super::actions::Action;
use super::files::Replace;
use eframe::egui::{self, RichText};
use std::collections::HashSet;

/// The questions waiting for the user's answer, and what earlier answers allowed.
#[derive(Debug, Default)]
pub struct Questions {
    /// A replacement waiting for the answer to "save unsaved edits first?".
    discard: Option<Replace>,
    /// A replacement to do once the save the user asked for succeeds.
    pub(super) after_save: Option<Replace>,
    /// External programs waiting for the user's consent before the run starts.
    consent: Option<Vec<String>>,
    /// External programs the user already allowed.
    approved: HashSet<String>,
    /// Why the profile would exhaust the machine, waiting for "start anyway" or "cancel".
    pub(super) too_big: Option<String>,
}

impl Questions {
    /// Asks whether to save before `replace`.
    pub fn ask_discard(&mut self, replace: Replace) {
        self.discard = Some(replace);
    }

    /// Asks for consent to the `commands` not yet allowed; false when all are allowed.
    pub fn ask_consent(&mut self, mut commands: Vec<String>) -> bool {
        commands.retain(|c| !self.approved.contains(c));
        let ask = !commands.is_empty();
        if ask {
            self.consent = Some(commands);
        }
        ask
    }

    /// Remembers that the user allowed `commands`.
    pub fn approve(&mut self, commands: Vec<String>) {
        self.approved.extend(commands);
    }

    /// Shows the open questions; `name` is the profile's. Answers become actions in `out`.
    pub fn ui(&mut self, ctx: &egui::Context, name: &str, out: &mut Vec<Action>) {
        let doing = self.discard.as_ref().map(Replace::doing);
        if let Some(answer) = doing.and_then(|doing| confirm_discard(ctx, name, doing)) {
            match (answer, self.discard.take()) {
                (Discard::Save, Some(replace)) => out.push(Action::SaveThen(replace)),
                (Discard::Discard, Some(replace)) => out.push(Action::Replace(replace)),
                _ => {}
            }
        }
        if let Some(commands) = &self.consent {
            match confirm_commands(ctx, commands) {
                Some(true) => out.extend(self.consent.take().map(Action::Approve)),
                Some(false) => self.consent = None,
                None => {}
            }
        }
        if let Some(why) = &self.too_big {
            match confirm_too_big(ctx, why) {
                Some(true) => {
                    self.too_big = None;
                    out.push(Action::StartAnyway);
                }
                Some(false) => self.too_big = None,
                None => {}
            }
        }
    }
}

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
