//! The summary table: one row per run with its key figures; failed runs show their error.

use super::actions::Action;
use super::charts::empty;
use super::findings::IN_SUMMARY;
use crate::results::RunStatus;
use crate::results::columns::{self, Column};
use eframe::egui::{self, RichText, Ui};

/// What the summary says under the table, beside each run's own warnings.
#[derive(Debug, Clone, Default)]
pub struct Notes {
    /// What about the machines of the shown runs may have distorted them, each once.
    pub environment: Vec<String>,
    /// The verdicts on shown runs measured in one session.
    pub verdicts: Vec<String>,
    /// What the shown runs of each session mean, most severe first.
    pub findings: Vec<super::findings::ShownFinding>,
    /// The scaling laws fitted to the shown sweeps, in words.
    pub fits: Vec<String>,
    /// The baseline's name and the shown runs judged against it, when one is chosen.
    pub baseline: Option<(String, Vec<String>)>,
}

/// The last [`Notes`] worked out, kept while the history they came from is unchanged: the
/// findings, fits and verdicts clone every shown run, too much to redo at every frame of a
/// mouse move over a long history.
#[derive(Debug, Default)]
pub struct NotesCache(std::cell::RefCell<Option<(u64, std::rc::Rc<Notes>)>>);

impl NotesCache {
    /// The notes for history state `key`, worked out by `make` when the key changed.
    pub fn get(&self, key: u64, make: impl FnOnce() -> Notes) -> std::rc::Rc<Notes> {
        let mut cached = self.0.borrow_mut();
        match cached.as_ref() {
            Some((k, notes)) if *k == key => std::rc::Rc::clone(notes),
            _ => {
                let notes = std::rc::Rc::new(make());
                *cached = Some((key, std::rc::Rc::clone(&notes)));
                notes
            }
        }
    }
}

/// One row of the table.
pub struct Row<'a> {
    /// Colour swatch of the run.
    pub color: egui::Color32,
    /// The run.
    pub result: &'a crate::results::RunResult,
}

/// Draws the table: the columns of [`columns::APP_SUMMARY`] that apply to these runs, then
/// what `notes` says (environment, verdicts, baseline), then each run's warnings and errors.
pub fn summary(ui: &mut Ui, rows: &[Row], notes: &Notes, out: &mut Vec<Action>) {
    if rows.is_empty() {
        return empty(ui, "Finished runs are summarised here.");
    }
    // The table scrolls sideways on a narrow window; the sentences below wrap to its width.
    egui::ScrollArea::vertical()
        .auto_shrink([false, false])
        .show(ui, |ui| {
            // Its scroll bar always shows: a floating one appears only on hover, and a cut
            // column then reads as a cut heading ("peak M") rather than one to scroll to.
            egui::ScrollArea::horizontal()
                .id_salt("summary-table")
                .scroll_bar_visibility(egui::scroll_area::ScrollBarVisibility::AlwaysVisible)
                .show(ui, |ui| table(ui, rows));
            for warning in &notes.environment {
                warn(ui, None, format!("Warning, environment: {warning}"));
            }
            let runs: Vec<&crate::results::RunResult> = rows.iter().map(|r| r.result).collect();
            if let Some(note) = columns::one_repetition_note(&runs, false) {
                ui.weak(note);
            }
            if rows.iter().any(|r| columns::has_spread(r.result)) {
                ui.weak(
                    "tasks/s: mean ± half width of the 95 % confidence interval of the mean; \
                     p50/p99: over all repetitions (lowest–highest single repetition)",
                );
            }
            judgements(ui, notes, out);
            for row in rows {
                for warning in row.result.all_warnings() {
                    warn(
                        ui,
                        Some(row),
                        format!("Warning, {}: {warning}", row.result.label),
                    );
                }
                if let Some(error) = &row.result.error {
                    let text = format!("{} failed: {error}", row.result.label);
                    let color = ui.visuals().error_fg_color;
                    line(ui, Some(row), RichText::new(text).color(color));
                }
            }
        });
}

/// The grid of the runs, one row each.
fn table(ui: &mut Ui, rows: &[Row]) {
    let shown: Vec<&Column> = columns::APP_SUMMARY
        .into_iter()
        .filter(|c| c.applies_to(rows.iter().map(|r| r.result)))
        .collect();
    egui::Grid::new("summary")
        .striped(true)
        .spacing([12.0, 6.0])
        .show(ui, |ui| {
            for c in &shown {
                ui.label(RichText::new(c.heading).strong());
            }
            ui.end_row();
            for row in rows {
                for c in &shown {
                    cell(ui, c, row);
                }
                ui.end_row();
            }
        });
}

/// The verdicts on runs measured together, the findings, and the runs against the baseline.
fn judgements(ui: &mut Ui, notes: &Notes, out: &mut Vec<Action>) {
    if !notes.findings.is_empty() {
        ui.add_space(8.0);
        ui.label(RichText::new("Findings").strong());
        for shown in notes.findings.iter().take(IN_SUMMARY) {
            ui.add_space(4.0);
            super::findings::finding(ui, shown, false, &mut Vec::new());
        }
        let more = notes.findings.len().saturating_sub(IN_SUMMARY);
        let text = match more {
            0 => "Their evidence and runs: the Findings tab".to_string(),
            n => format!("{n} more, with their evidence and runs: the Findings tab"),
        };
        if ui.link(text).clicked() {
            out.push(Action::ShowTab(crate::chart::ChartKind::Findings));
        }
    }
    if !notes.verdicts.is_empty() {
        ui.add_space(8.0);
        ui.label(RichText::new("Verdicts (95 % confidence)").strong());
        for verdict in &notes.verdicts {
            ui.label(verdict);
        }
    }
    if !notes.fits.is_empty() {
        ui.add_space(8.0);
        ui.label(RichText::new("Scaling laws").strong());
        for fit in &notes.fits {
            ui.label(fit);
        }
    }
    if let Some((name, judged)) = &notes.baseline {
        ui.add_space(8.0);
        ui.label(RichText::new(format!("Against the baseline, {name}")).strong());
        if judged.is_empty() {
            ui.weak("No shown run matches a run of the baseline (by label, then by model, workers and workload).");
        }
        for verdict in judged {
            ui.label(verdict);
        }
    }
}

/// A warning sentence, after the run's colour when it is about one run.
fn warn(ui: &mut Ui, row: Option<&Row>, text: String) {
    let color = ui.visuals().warn_fg_color;
    line(ui, row, RichText::new(text).color(color));
}

fn line(ui: &mut Ui, row: Option<&Row>, text: RichText) {
    ui.add_space(6.0);
    ui.horizontal_wrapped(|ui| {
        if let Some(row) = row {
            crate::gui::palette::swatch(ui, row.color);
        }
        ui.label(text);
    });
}

/// The widest a run's label may make its column; longer ones end in `…` (full on hover).
const LABEL_WIDTH: f32 = 200.0;
/// The widest a workload may make its column.
const WORKLOAD_WIDTH: f32 = 150.0;

/// `text` in at most `width` points, elided with `…` and shown whole on hover when longer:
/// long labels would otherwise push the figures out of sight.
fn elided(ui: &mut Ui, text: String, width: f32) {
    ui.scope(|ui| {
        ui.set_max_width(width);
        ui.add(egui::Label::new(text).truncate());
    });
}

/// One cell: the run's label with its colour, the status coloured by how it ended, and
/// every other value as text ("–" when the run has none).
fn cell(ui: &mut Ui, column: &Column, row: &Row) {
    let r = row.result;
    // With the uncertainty of a run measured over repetitions, as `parlab run` prints it.
    let text = column
        .shown_with_spread(r, None)
        .unwrap_or_else(|| "–".into());
    if column.key == columns::LABEL.key {
        ui.horizontal(|ui| {
            crate::gui::palette::swatch(ui, row.color);
            elided(ui, text, LABEL_WIDTH);
        });
    } else if column.key == columns::WORKLOAD_BRIEF.key {
        elided(ui, text, WORKLOAD_WIDTH);
    } else if column.key == columns::STATUS.key {
        let status = RichText::new(text);
        ui.label(match r.status {
            RunStatus::Failed | RunStatus::Stalled => status.color(ui.visuals().error_fg_color),
            RunStatus::Stopped => status.color(ui.visuals().warn_fg_color),
            _ => status,
        });
    } else {
        ui.label(text);
    }
}
