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
            egui::Grid::new("welcome-examples").num_columns(2).spacing([16.0, 8.0]).show(ui, |ui| {
                for (n, example) in EXAMPLES.iter().enumerate() {
                    let Some(profile) = example.profile() else { continue };
                    if ui.button(&profile.name).clicked() {
                        out.push(Action::Request(Replace::Example(n)));
                    }
                    let summary = profile.description.split(". ").next().unwrap_or_default().trim_end_matches('.');
                    ui.label(RichText::new(summary).weak());
                    ui.end_row();
                }
            });
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
