//! The first-launch view: what parlab measures, the shipped examples as one-click starting
//! points, Open… and the recent profiles.

use super::actions::Action;
use super::files::Replace;
use crate::profile::examples::EXAMPLES;
use eframe::egui::{self, RichText, Ui};
use std::path::PathBuf;

/// Draws the welcome view in the central area; `recent` are the recent profiles.
pub fn welcome(ui: &mut Ui, recent: &[PathBuf], out: &mut Vec<Action>) {
    egui::ScrollArea::vertical().auto_shrink([false, false]).show(ui, |ui| {
            ui.add_space(24.0);
            ui.heading(RichText::new("Welcome to parlab").size(28.0));
            ui.add_space(8.0);
            ui.label(
                "parlab runs the same work as threads, a thread pool, child processes, or a new thread or process per task, \
                 and measures throughput, latency, per-core CPU and what each model itself costs per task.",
            );
            ui.label("Pick an example to start from, open a profile, or edit the one on the left and press Start (F5).");
            ui.add_space(16.0);
            ui.label(RichText::new("Examples").strong());
            examples(ui, out);
            ui.add_space(16.0);
            ui.horizontal(|ui| {
                if ui.button("Open a profile…").clicked() {
                    out.push(Action::Request(Replace::OpenDialog));
                }
                if ui.button("Open results…").clicked() {
                    out.push(Action::AskOpenResults);
                }
            });
            if !recent.is_empty() {
                ui.add_space(16.0);
                ui.label(RichText::new("Recent profiles").strong());
                for path in recent {
                    if ui.link(path.display().to_string()).clicked() {
                        out.push(Action::Request(Replace::Open(path.clone())));
                    }
                }
            }
        });
}

/// Each shipped example: its button, and under it the first sentence of its description,
/// both wrapped to the window's width rather than cut off (names and sentences are long; side
/// by side they left the sentences a sliver of a narrow window).
fn examples(ui: &mut Ui, out: &mut Vec<Action>) {
    for (n, example) in EXAMPLES.iter().enumerate() {
        let Some(profile) = example.profile() else {
            continue;
        };
        if ui.add(egui::Button::new(&profile.name).wrap()).clicked() {
            out.push(Action::Request(Replace::Example(n)));
        }
        let summary = profile.description.split(". ").next().unwrap_or_default();
        let summary = summary.trim_end_matches('.');
        ui.add(egui::Label::new(RichText::new(summary).weak()).wrap());
        ui.add_space(6.0);
    }
}
