//! The Findings tab: what the shown runs of each session mean, most severe first, each with
//! its evidence and links to its runs (a click shows those runs on the charts and picks the
//! first for the CPU chart), then the scaling laws. The summary lists the first few.

use super::actions::Action;
use super::runner::Runner;
use crate::results::findings::{self, Finding, Severity};
use eframe::egui::{self, Color32, RichText, Ui};

/// How many findings the Summary tab lists before pointing to the Findings tab.
pub const IN_SUMMARY: usize = 3;

/// A finding on the shown runs of one session, with the history runs it rests on.
#[derive(Debug, Clone)]
pub struct ShownFinding {
    /// The finding.
    pub finding: Finding,
    /// The session or loaded file it is about, when more than one is shown.
    pub source: Option<String>,
    /// The history runs it rests on: (id, label), in the finding's order.
    pub runs: Vec<(u64, String)>,
}

impl Runner {
    /// The findings of the shown runs, worked out per session (runs measured side by side),
    /// most severe first.
    pub fn findings(&self) -> Vec<ShownFinding> {
        let shown = self.shown_entries();
        let names = self.sessions();
        let several = shown.len() > 1;
        let mut all = Vec::new();
        for (session, entries) in shown {
            let Some(host) = entries.first().map(|e| &e.host) else {
                continue;
            };
            let runs: Vec<_> = entries.iter().map(|e| (*e.result).clone()).collect();
            let order = crate::profile::Order::Interleaved;
            let source = names.iter().find(|(id, _)| *id == session);
            for finding in findings::findings(&runs, host, order) {
                // Labels can repeat within a session: a link then shows each run so named.
                let linked = finding.evidence.runs.iter().flat_map(|label| {
                    let named = entries.iter().filter(move |e| &e.result.label == label);
                    named.map(|e| (e.id, e.result.label.clone()))
                });
                all.push(ShownFinding {
                    runs: linked.collect(),
                    source: source.filter(|_| several).map(|(_, name)| name.clone()),
                    finding,
                });
            }
        }
        all.sort_by_key(|f| std::cmp::Reverse(f.finding.severity));
        all
    }
}

/// The Findings tab: every finding with its evidence, then the scaling laws.
pub fn view(ui: &mut Ui, found: &[ShownFinding], laws: &[String], out: &mut Vec<Action>) {
    if found.is_empty() && laws.is_empty() {
        return super::charts::empty(
            ui,
            "What the shown runs mean appears here when a run ends: how they scaled, \
             whether the cores were full, what each model cost. Tick runs in the history \
             to include them.",
        );
    }
    egui::ScrollArea::vertical()
        .auto_shrink([false, false])
        .show(ui, |ui| {
            if found.is_empty() {
                ui.weak(crate::export::findings::NO_FINDINGS);
            }
            for (i, shown) in found.iter().enumerate() {
                ui.push_id(("finding", i), |ui| finding(ui, shown, true, out));
                ui.add_space(10.0);
            }
            if !laws.is_empty() {
                ui.label(RichText::new("Scaling laws").strong());
                for law in laws {
                    ui.label(law);
                }
            }
        });
}

/// One finding: its mark and title, its text, and (with `evidence`) its figures and links.
pub fn finding(ui: &mut Ui, shown: &ShownFinding, evidence: bool, out: &mut Vec<Action>) {
    let f = &shown.finding;
    ui.horizontal_wrapped(|ui| {
        mark(ui, f.severity);
        ui.label(RichText::new(&f.title).strong());
        ui.weak(format!("{} · {}", f.severity, f.id));
        if let Some(source) = &shown.source {
            ui.weak(format!("· {source}"));
        }
    });
    ui.label(&f.text);
    if !evidence {
        return;
    }
    links(ui, shown, out);
    if !f.evidence.figures.is_empty() {
        let figures: Vec<String> = f
            .evidence
            .figures
            .iter()
            .map(|(name, v)| format!("{name} {}", super::charts::trim(*v)))
            .collect();
        ui.weak(figures.join(" · "));
    }
}

/// The runs a finding rests on, each a link that shows it; then one that shows them all.
fn links(ui: &mut Ui, shown: &ShownFinding, out: &mut Vec<Action>) {
    if shown.runs.is_empty() {
        return;
    }
    ui.horizontal_wrapped(|ui| {
        ui.weak("Runs:");
        for (id, label) in &shown.runs {
            super::palette::swatch(ui, super::palette::color(*id));
            let link = ui
                .link(format!("#{} {label}", id + 1))
                .on_hover_text("Show this run on the charts and its CPU chart");
            if link.clicked() {
                out.push(Action::ShowOnlyRuns(vec![*id]));
            }
        }
        if shown.runs.len() > 1 {
            let ids: Vec<u64> = shown.runs.iter().map(|(id, _)| *id).collect();
            if ui
                .small_button("Show these runs")
                .on_hover_text("Show only these runs on the charts (History ▸ Show all brings the others back)")
                .clicked()
            {
                out.push(Action::ShowOnlyRuns(ids));
            }
        }
    });
}

/// A dot in the severity's colour.
fn mark(ui: &mut Ui, severity: Severity) {
    let (r, g, b) = crate::palette::severity_rgb(severity);
    let (rect, _) = ui.allocate_exact_size(egui::vec2(12.0, 12.0), egui::Sense::hover());
    ui.painter()
        .circle_filled(rect.center(), 5.0, Color32::from_rgb(r, g, b));
}
