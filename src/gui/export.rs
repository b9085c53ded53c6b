//! The Export menu and File ▸ Open Results: charts as PNG/SVG and results as JSON/CSV, made
//! by the engine's exporters (the same files as the command line) on a background thread.

use super::app::ParlabApp;
use super::dialogs::Purpose;
use super::settings::ChartTab;
use crate::export::{
    ChartKind, ExportSet, ImageFormat, ImageOptions, render, render_all, write_csv,
};
use crate::results::{Results, RunResult};
use eframe::egui::{self, Key, KeyboardShortcut, Modifiers};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::mpsc::{self, Receiver};

/// Export the current chart as PNG.
pub const EXPORT_CHART: KeyboardShortcut = KeyboardShortcut::new(Modifiers::COMMAND, Key::E);

/// An export running in the background; its answer is the message to show.
pub struct ExportJob(Receiver<Result<String, String>>);

impl ParlabApp {
    /// The chart the current tab shows, as an exportable kind.
    fn current_chart(&self) -> ChartKind {
        match self.settings.tab {
            ChartTab::Throughput => ChartKind::Throughput,
            ChartTab::Latency => ChartKind::Latency,
            ChartTab::Cpu => ChartKind::Cpu,
            ChartTab::Scaling => ChartKind::Scaling,
            ChartTab::Summary => ChartKind::Dashboard,
        }
    }

    /// The runs an export covers (what the charts overlay), with their colour numbers.
    fn export_runs(&self, kind: ChartKind) -> Vec<(u64, Arc<RunResult>)> {
        let visible = self.runner.history.iter().filter(|e| e.visible);
        let selected_cpu = self
            .cpu_run
            .and_then(|id| self.runner.history.iter().find(|e| e.id == id));
        match (kind, selected_cpu) {
            // The CPU chart shows one run in the app: export that one.
            (ChartKind::Cpu, Some(entry)) => vec![(entry.id, Arc::clone(&entry.result))],
            _ => visible.map(|e| (e.id, Arc::clone(&e.result))).collect(),
        }
    }

    /// The visible runs as a results file; runs from other machines keep their host.
    pub fn results_for_export(&self) -> Results {
        let here = self.runner.host().clone();
        let runs = self
            .runner
            .history
            .iter()
            .filter(|e| e.visible)
            .map(|e| {
                let mut run = (*e.result).clone();
                if *e.host != here {
                    run.host = Some((*e.host).clone());
                }
                run
            })
            .collect();
        Results::new(self.editor.profile.clone(), runs)
    }

    /// Asks where, then exports (`purpose` is one of the export purposes).
    pub fn ask_export(&mut self, purpose: Purpose) {
        if self.runner.history.iter().all(|e| !e.visible) {
            self.message = Some(
                "Nothing to export: run a profile (or tick runs in the history) first.".into(),
            );
            return;
        }
        let stem = self.export_stem();
        let suggested = match purpose {
            Purpose::ChartPng => format!("{stem}-{}.png", self.current_chart().name()),
            Purpose::ChartSvg => format!("{stem}-{}.svg", self.current_chart().name()),
            Purpose::ResultsJson => format!("{stem}-results.json"),
            Purpose::ResultsCsv => format!("{stem}-results.csv"),
            _ => String::new(),
        };
        self.files.ask(purpose, &suggested);
    }

    fn export_stem(&self) -> String {
        self.doc
            .path
            .as_ref()
            .and_then(|p| p.file_stem())
            .map(|s| s.to_string_lossy().into_owned())
            .unwrap_or_else(|| "parlab".into())
    }

    /// Carries out an export to `path` in the background.
    pub fn export_to(&mut self, purpose: Purpose, path: PathBuf) {
        // The same check, and the same sentences, as the command line's before a run.
        let extension = match purpose {
            Purpose::ChartPng => Some("png"),
            Purpose::ChartSvg => Some("svg"),
            Purpose::ResultsJson => Some("json"),
            Purpose::ResultsCsv => Some("csv"),
            _ => None,
        };
        if let Some(extension) = extension {
            let inputs: Vec<&Path> = self.doc.path.iter().map(PathBuf::as_path).collect();
            if let Err(e) = crate::fsutil::check_output(&path, extension, &inputs) {
                self.message = Some(e);
                return;
            }
        }
        let kind = self.current_chart();
        let runs = self.export_runs(kind);
        let results = self.results_for_export();
        let stem = self.export_stem();
        let (tx, rx) = mpsc::channel();
        let job = move || {
            let set = ExportSet {
                title: results.profile.name.clone(),
                runs: runs.iter().map(|(n, r)| (*n, r.as_ref())).collect(),
                host: results.host.clone(),
                created: results.created_utc.clone(),
            };
            let options = ImageOptions::default();
            let done = |what: &str, path: &Path| format!("{what} saved to {}", path.display());
            match purpose {
                Purpose::ChartPng | Purpose::ChartSvg => {
                    let format = if purpose == Purpose::ChartPng {
                        ImageFormat::Png
                    } else {
                        ImageFormat::Svg
                    };
                    render(&set, kind, format, &path, options)
                        .map(|()| done(&format!("{} chart", kind.name()), &path))
                        .map_err(|e| e.to_string())
                }
                Purpose::ChartsFolder => render_all(&set, &path, &stem, ImageFormat::Png, options)
                    .and_then(|pngs| {
                        render_all(&set, &path, &stem, ImageFormat::Svg, options)
                            .map(|svgs| pngs.len() + svgs.len())
                    })
                    .map(|n| format!("{n} chart images saved in {}", path.display()))
                    .map_err(|e| e.to_string()),
                Purpose::ResultsJson => results
                    .save_json(&path)
                    .map(|()| done("results", &path))
                    .map_err(|e| {
                        let shown =
                            crate::format::printable(&path.display().to_string()).into_owned();
                        format!("cannot write results to {shown}: {e}")
                    }),
                Purpose::ResultsCsv => write_csv(&results, &path)
                    .map(|()| done("results table", &path))
                    .map_err(|e| e.to_string()),
                _ => Err("not an export".into()),
            }
        };
        let spawned = std::thread::Builder::new()
            .name("parlab-export".into())
            .spawn(move || {
                let _ = tx.send(job());
            });
        match spawned {
            Ok(_) => {
                self.export_job = Some(ExportJob(rx));
                self.notice = Some("Exporting…".into());
            }
            Err(e) => self.message = Some(format!("cannot start the export: {e}")),
        }
    }

    /// Adds the results file at `path` to the history.
    pub fn open_results(&mut self, path: &Path) {
        match Results::load_json(path) {
            Ok(results) => {
                let n = results.runs.len();
                self.runner.add_results(results);
                self.notice = Some(format!(
                    "{n} run(s) from {} added to the history",
                    path.display()
                ));
                self.message = None;
            }
            Err(e) => self.message = Some(e.to_string()),
        }
    }

    /// Checks on a running export.
    pub(super) fn poll_export(&mut self, ctx: &egui::Context) {
        let Some(ExportJob(rx)) = &self.export_job else {
            return;
        };
        match rx.try_recv() {
            Ok(Ok(done)) => {
                self.notice = Some(done);
                self.export_job = None;
            }
            Ok(Err(e)) => {
                self.message = Some(e);
                self.notice = None;
                self.export_job = None;
            }
            Err(mpsc::TryRecvError::Empty) => {
                ctx.request_repaint_after(std::time::Duration::from_millis(50))
            }
            Err(mpsc::TryRecvError::Disconnected) => {
                self.message = Some("the export stopped unexpectedly".into());
                self.export_job = None;
            }
        }
    }

    /// Waits for a running export to finish (tests and shutdown).
    pub fn wait_for_export(&mut self, ctx: &egui::Context) {
        while self.export_job.is_some() {
            self.poll_export(ctx);
            std::thread::sleep(std::time::Duration::from_millis(10));
        }
    }

    /// The Export menu.
    pub(super) fn export_menu(&mut self, ui: &mut egui::Ui) {
        let shortcut = ui.ctx().format_shortcut(&EXPORT_CHART);
        let chart = self.current_chart().name();
        if ui
            .add(egui::Button::new(format!("Chart as PNG… ({chart})")).shortcut_text(shortcut))
            .clicked()
        {
            self.ask_export(Purpose::ChartPng);
        }
        if ui.button(format!("Chart as SVG… ({chart})")).clicked() {
            self.ask_export(Purpose::ChartSvg);
        }
        if ui.button("All charts to a folder…").clicked() {
            self.ask_export(Purpose::ChartsFolder);
        }
        ui.separator();
        if ui.button("Results as JSON…").clicked() {
            self.ask_export(Purpose::ResultsJson);
        }
        if ui.button("Results as CSV…").clicked() {
            self.ask_export(Purpose::ResultsCsv);
        }
    }
}
