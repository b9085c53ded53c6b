//! The Export menu: charts as PNG/SVG and results as JSON/CSV, made by the engine's
//! exporters (the same files as the command line) on a background thread. The export in
//! progress is this panel's own state ([`ExportJob`]); the app only starts and polls it.

use super::actions::Action;
use super::dialogs::Purpose;
use super::document::Document;
use super::runner::Runner;
use super::settings::ChartTab;
use crate::export::{
    ChartKind, ExportSet, ImageFormat, ImageOptions, render, render_all, write_csv,
};
use crate::profile::Profile;
use crate::results::{Results, RunResult};
use eframe::egui::{self, Key, KeyboardShortcut, Modifiers};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::mpsc::{self, Receiver};

/// Export the current chart as PNG.
pub const EXPORT_CHART: KeyboardShortcut = KeyboardShortcut::new(Modifiers::COMMAND, Key::E);

/// An export running in the background; its answer is the message to show.
pub struct ExportJob(Receiver<Result<String, String>>);

/// Everything one export needs, gathered from the app when the user chose the path.
pub struct Request {
    /// Which export.
    pub purpose: Purpose,
    /// Where to write it.
    pub path: PathBuf,
    /// The chart the current tab shows.
    pub kind: ChartKind,
    /// The runs the chart shows, with their colour numbers.
    pub runs: Vec<(u64, Arc<RunResult>)>,
    /// The results file each loaded run came from, by colour number (legends name it).
    pub origins: Vec<(u64, String)>,
    /// The visible runs as a results file.
    pub results: Results,
    /// The start of each file name when exporting all charts.
    pub stem: String,
}

/// The runs an export of `kind` covers (what the charts overlay), with their colour numbers;
/// `cpu_run` is the run whose CPU chart the app shows, if one was chosen.
pub fn runs_for(
    runner: &Runner,
    cpu_run: Option<u64>,
    kind: ChartKind,
) -> Vec<(u64, Arc<RunResult>)> {
    let visible = runner.history.iter().filter(|e| e.visible);
    let selected_cpu = cpu_run.and_then(|id| runner.history.iter().find(|e| e.id == id));
    match (kind, selected_cpu) {
        // The CPU chart shows one run in the app: export that one.
        (ChartKind::Cpu, Some(entry)) => vec![(entry.id, Arc::clone(&entry.result))],
        _ => visible.map(|e| (e.id, Arc::clone(&e.result))).collect(),
    }
}

/// The results file each loaded run of the history came from, by colour number.
pub fn origins_for(runner: &Runner) -> Vec<(u64, String)> {
    let loaded = runner
        .history
        .iter()
        .filter_map(|e| Some((e.id, e.origin.as_deref()?)));
    loaded.map(|(id, o)| (id, o.to_string())).collect()
}

/// The visible runs as a results file for `profile`; runs from other machines keep their
/// host. Its findings and fits are worked out per session, as the app shows them.
pub fn results_for(runner: &Runner, profile: &Profile) -> Results {
    let here = runner.host().clone();
    let runs = runner
        .history
        .iter()
        .filter(|e| e.visible)
        .map(|e| {
            let mut run = (*e.result).clone();
            if !e.host.same_machine(&here) {
                run.host = Some((*e.host).clone());
            }
            run
        })
        .collect();
    let mut results = Results::new(profile.clone(), runs);
    results.findings = runner.findings().into_iter().map(|f| f.finding).collect();
    results.fits = runner.sweep_fits();
    results
}

/// The file name to suggest for an export.
pub fn suggested_name(purpose: Purpose, stem: &str, kind: ChartKind) -> String {
    match purpose {
        Purpose::ChartPng => format!("{stem}-{}.png", kind.name()),
        Purpose::ChartSvg => format!("{stem}-{}.svg", kind.name()),
        Purpose::ResultsJson => format!("{stem}-results.json"),
        Purpose::ResultsCsv => format!("{stem}-results.csv"),
        Purpose::ReportMarkdown => format!("{stem}-report.md"),
        Purpose::Trace => format!("{stem}-trace.json"),
        _ => String::new(),
    }
}

/// The start of exported file names: the profile file's name, or "parlab".
pub fn stem(doc: &Document) -> String {
    doc.path
        .as_ref()
        .and_then(|p| p.file_stem())
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_else(|| "parlab".into())
}

impl ExportJob {
    /// Checks the path and starts the export on a thread of its own; `input` is the profile
    /// file, which an export must not overwrite.
    pub fn start(request: Request, input: Option<&Path>) -> Result<Self, String> {
        // The same check, and the same sentences, as the command line's before a run.
        let extension = match request.purpose {
            Purpose::ChartPng => Some("png"),
            Purpose::ChartSvg => Some("svg"),
            Purpose::ResultsJson => Some("json"),
            Purpose::ResultsCsv => Some("csv"),
            Purpose::ReportMarkdown => Some("md"),
            Purpose::Trace => Some("json"),
            _ => None,
        };
        if let Some(extension) = extension {
            let inputs: Vec<&Path> = input.into_iter().collect();
            crate::fsutil::check_output(&request.path, extension, &inputs)?;
        }
        let (tx, rx) = mpsc::channel();
        std::thread::Builder::new()
            .name("parlab-export".into())
            .spawn(move || {
                let _ = tx.send(run(request));
            })
            .map_err(|e| format!("cannot start the export: {e}"))?;
        Ok(ExportJob(rx))
    }

    /// The finished export's answer, once there is one.
    pub fn poll(&self, ctx: &egui::Context) -> Option<Action> {
        match self.0.try_recv() {
            Ok(done) => Some(Action::ExportFinished(done)),
            Err(mpsc::TryRecvError::Empty) => {
                ctx.request_repaint_after(std::time::Duration::from_millis(50));
                None
            }
            Err(mpsc::TryRecvError::Disconnected) => Some(Action::ExportFinished(Err(
                "the export stopped unexpectedly".into(),
            ))),
        }
    }
}

/// Makes the files (on the export thread).
fn run(request: Request) -> Result<String, String> {
    let Request {
        purpose,
        path,
        kind,
        runs,
        origins,
        results,
        stem,
    } = request;
    let set = ExportSet {
        title: results.profile.name.clone(),
        runs: runs.iter().map(|(n, r)| (*n, r.as_ref())).collect(),
        origins,
        host: results.host.clone(),
        created: results.created_utc.clone(),
        findings: results.findings.clone(),
        laws: results.fits.iter().flat_map(|f| f.describe()).collect(),
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
                let shown = crate::format::printable(&path.display().to_string()).into_owned();
                format!("cannot write results to {shown}: {e}")
            }),
        Purpose::ResultsCsv => write_csv(&results, &path)
            .map(|()| done("results table", &path))
            .map_err(|e| e.to_string()),
        Purpose::ReportMarkdown => {
            let report = crate::export::report::markdown(&stem, &results);
            crate::fsutil::write_output(&path, report.as_bytes())
                .map(|()| done("report", &path))
                .map_err(|e| {
                    let shown = crate::format::printable(&path.display().to_string()).into_owned();
                    format!("cannot write the report to {shown}: {e}")
                })
        }
        Purpose::Trace => crate::export::trace::write_trace(&results, &path)
            .map(|()| done("trace", &path))
            .map_err(|e| e.to_string()),
        _ => Err("not an export".into()),
    }
}

/// The Export menu; `tab` is the chart tab shown.
pub fn export_menu(ui: &mut egui::Ui, tab: ChartTab, out: &mut Vec<Action>) {
    let shortcut = ui.ctx().format_shortcut(&EXPORT_CHART);
    let chart = tab.name();
    if ui
        .add(egui::Button::new(format!("Chart as PNG… ({chart})")).shortcut_text(shortcut))
        .clicked()
    {
        out.push(Action::AskExport(Purpose::ChartPng));
    }
    if ui.button(format!("Chart as SVG… ({chart})")).clicked() {
        out.push(Action::AskExport(Purpose::ChartSvg));
    }
    if ui.button("All charts to a folder…").clicked() {
        out.push(Action::AskExport(Purpose::ChartsFolder));
    }
    ui.separator();
    if ui.button("Results as JSON…").clicked() {
        out.push(Action::AskExport(Purpose::ResultsJson));
    }
    if ui.button("Results as CSV…").clicked() {
        out.push(Action::AskExport(Purpose::ResultsCsv));
    }
    if ui
        .button("Report as Markdown…")
        .on_hover_text("The summary table, the findings with their evidence and the scaling laws, as parlab findings --md writes them")
        .clicked()
    {
        out.push(Action::AskExport(Purpose::ReportMarkdown));
    }
    if ui
        .button("Trace…")
        .on_hover_text("Every worker's task spans as a Chrome trace (JSON), which Perfetto and chrome://tracing open, as parlab run --trace writes it")
        .clicked()
    {
        out.push(Action::AskExport(Purpose::Trace));
    }
}
