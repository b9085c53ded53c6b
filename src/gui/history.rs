//! The history panel: the finished runs, their overlay ticks and warnings, and the baseline
//! the summary judges the other runs against.

use super::actions::Action;
use super::app::ParlabApp;
use super::palette;
use eframe::egui::{self, RichText, Ui};

/// The threshold of the baseline's verdicts, as `parlab compare`'s default.
pub const BASELINE_THRESHOLD_PCT: f64 = 5.0;

impl ParlabApp {
    /// The baseline the summary judges the other runs against, as `parlab compare` does.
    fn baseline_choice(&self, ui: &mut Ui, out: &mut Vec<Action>) {
        let sessions = self.runner.sessions();
        if sessions.len() < 2 {
            return;
        }
        let chosen = self.runner.baseline_name().unwrap_or_else(|| "none".into());
        ui.horizontal(|ui| {
            let label = ui.label("Baseline");
            egui::ComboBox::from_id_salt("baseline")
                .selected_text(chosen)
                .show_ui(ui, |ui| {
                    if ui
                        .selectable_label(self.runner.baseline.is_none(), "none")
                        .clicked()
                    {
                        out.push(Action::SetBaseline(None));
                    }
                    for (id, name) in &sessions {
                        let selected = self.runner.baseline == Some(*id);
                        if ui.selectable_label(selected, name).clicked() {
                            out.push(Action::SetBaseline(Some(*id)));
                        }
                    }
                })
                .response
                .labelled_by(label.id)
                .on_hover_text(
                    "Judge the other runs against this session or results file: the Summary \
                     tab then says for each whether it is faster, slower, unchanged or within \
                     noise (5 %), as parlab compare does.",
                );
        });
    }

    /// The history panel: every finished run, newest first.
    pub(super) fn history(&self, ui: &mut Ui, out: &mut Vec<Action>) {
        ui.heading("History");
        ui.horizontal(|ui| {
            if ui.small_button("Show all").clicked() {
                out.push(Action::ShowAllRuns(true));
            }
            if ui.small_button("Hide all").clicked() {
                out.push(Action::ShowAllRuns(false));
            }
            if ui
                .add_enabled(
                    !self.runner.history.is_empty(),
                    egui::Button::new("Clear").small(),
                )
                .clicked()
            {
                out.push(Action::ClearHistory);
            }
        });
        self.keeping_ui(ui, out);
        self.baseline_choice(ui, out);
        ui.separator();
        egui::ScrollArea::vertical().auto_shrink([false, false]).show(ui, |ui| {
            if self.runner.history.is_empty() {
                ui.weak("Finished runs appear here. Tick a run to overlay it on the charts; click its name to show its CPU.");
            }
            for entry in self.runner.history.iter().rev() {
                ui.horizontal(|ui| {
                    let name = format!("Show #{} {} on the charts", entry.id + 1, entry.result.label);
                    let mut visible = entry.visible;
                    let tick = ui
                        .checkbox(&mut visible, "")
                        .on_hover_text("Overlay on the charts");
                    tick.widget_info(|| {
                        egui::WidgetInfo::selected(egui::Role::CheckBox, true, entry.visible, &name)
                    });
                    if tick.changed() {
                        out.push(Action::ShowRun(entry.id, visible));
                    }
                    palette::swatch(ui, palette::color(entry.id));
                    let selected = self.view.cpu_run == Some(entry.id);
                    let warnings = entry.result.all_warnings();
                    let mark = match warnings.len() {
                        0 => None,
                        1 => Some("1 warning".to_string()),
                        n => Some(format!("{n} warnings")),
                    };
                    // The name the legends give it: number, label, status, file.
                    let text = entry.legend();
                    let hover = format!(
                        "{text}\n{} · {:.0} tasks/s · {}",
                        entry.result.status,
                        entry.result.throughput_per_sec,
                        entry.host.cpu_brand
                    );
                    if elided(ui, mark.as_deref(), |ui| {
                        ui.add(egui::Button::selectable(selected, text).truncate())
                    })
                    .on_hover_text(hover)
                    .clicked()
                    {
                        out.push(Action::SelectCpuRun(entry.id));
                    }
                    if let Some(mark) = mark {
                        let mark = RichText::new(mark).color(ui.visuals().warn_fg_color);
                        ui.label(mark).on_hover_text(warnings.join("\n"));
                    }
                });
            }
        });
    }
}

/// Draws `add` (a run's label, elided with `…`) in what is left of the row once `mark` (the
/// warning count after it) has its room: a long label never widens the panel, and the full
/// text is in the hover text.
fn elided(
    ui: &mut Ui,
    mark: Option<&str>,
    add: impl FnOnce(&mut Ui) -> egui::Response,
) -> egui::Response {
    let reserved = mark.map_or(0.0, |m| {
        let font = egui::TextStyle::Body.resolve(ui.style());
        let width = ui.fonts_mut(|f| {
            f.layout_no_wrap(m.to_string(), font, egui::Color32::PLACEHOLDER)
                .size()
                .x
        });
        width + ui.spacing().item_spacing.x
    });
    let width = (ui.available_width() - reserved).max(24.0);
    let height = ui.spacing().interact_size.y;
    ui.allocate_ui_with_layout(
        egui::vec2(width, height),
        egui::Layout::left_to_right(egui::Align::Center),
        add,
    )
    .inner
}
