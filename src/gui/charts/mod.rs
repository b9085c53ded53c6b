//! The live charts (egui_plot). Their data comes from [`crate::chart`], the same model the
//! exported images are drawn from; [`plot`] draws it. They never sample anything.

pub mod plot;
pub mod workers;

use crate::chart::{self, ChartRun};
use crate::chart::{CHARTS, ChartKind};
use crate::gui::actions::Action;
use crate::gui::settings::ChartTab;
use crate::results::RunResult;
use eframe::egui::{self, Color32, Key, KeyboardShortcut, Modifiers, Ui};

/// Most points a line draws; longer series are downsampled (peaks kept). About twice the
/// width in pixels of a chart on a laptop screen: more would not show.
pub const MAX_POINTS: usize = 1200;

/// One run as the charts see it.
pub struct Series<'a> {
    /// Legend text.
    pub name: String,
    /// Line colour.
    pub color: Color32,
    /// The measurements.
    pub result: &'a RunResult,
    /// The results file it was loaded from; `None` for a run measured in the app.
    pub origin: Option<&'a str>,
}

/// What the app's charts are drawn from.
pub struct Shown<'a> {
    /// The runs the charts overlay (ticked history runs and the live run).
    pub series: &'a [Series<'a>],
    /// What the summary says under its table (verdicts, baseline, environment).
    pub notes: &'a crate::gui::summary::Notes,
    /// The run whose CPU chart shows, if any.
    pub cpu_run: Option<&'a Series<'a>>,
}

/// Draws chart `kind` of the registry (the dashboard's tab is the summary table, the
/// findings' a list); what the user clicks goes to `out`.
pub fn show(ui: &mut Ui, kind: ChartKind, shown: &Shown, out: &mut Vec<Action>) {
    match kind {
        ChartKind::Throughput => throughput(ui, shown.series),
        ChartKind::Latency => latency(ui, shown.series),
        ChartKind::Cpu => cpu(ui, shown.cpu_run),
        ChartKind::Scaling => scaling(ui, shown.series),
        ChartKind::Dashboard => summary(ui, shown, out),
        ChartKind::Findings => {
            crate::gui::findings::view(ui, &shown.notes.findings, &shown.notes.fits, out)
        }
        ChartKind::Load => load(ui, shown.series),
        ChartKind::Workers => workers::workers(ui, shown.series),
    }
}

/// The app's tabs from the chart registry, in order: each tab, its title and its shortcut.
pub fn tabs() -> Vec<(ChartTab, &'static str, KeyboardShortcut)> {
    CHARTS
        .iter()
        .map(|c| {
            let key = Key::from_name(&c.shortcut.to_string()).unwrap_or(Key::Num0);
            let shortcut = KeyboardShortcut::new(Modifiers::COMMAND, key);
            (c.kind, c.tab, shortcut)
        })
        .collect()
}

/// The runs as the chart model takes them. Their colour number is the palette entry of the
/// app's colour, so the model (and an export) give each run the colour it has in the app.
pub fn chart_runs<'a>(series: &'a [Series<'a>]) -> Vec<ChartRun<'a>> {
    series
        .iter()
        .enumerate()
        .map(|(i, s)| ChartRun {
            color: crate::palette::COLORS
                .iter()
                .position(|&(r, g, b)| Color32::from_rgb(r, g, b) == s.color)
                .map_or(i as u64, |n| n as u64),
            name: s.name.as_str().into(),
            origin: s.origin,
            result: s.result,
        })
        .collect()
}

/// Draws the throughput chart.
pub fn throughput(ui: &mut Ui, series: &[Series]) {
    if series.is_empty() {
        return empty(ui, "Start a run (F5) to see its throughput here.");
    }
    let runs = chart_runs(series);
    let data = chart::throughput(&runs, MAX_POINTS);
    notes(ui, &data);
    // Open-load runs: their queue length in a small chart underneath, on the same time axis.
    above_queue(ui, "throughput", &data, &runs);
}

/// Draws chart `data` with, when some of `runs` had an open load whose queue held tasks, the
/// queue length over time in a small chart underneath (it grows while such a run runs).
fn above_queue(ui: &mut Ui, id: &str, data: &chart::ChartData, runs: &[ChartRun]) {
    let queue = chart::queue_over_time(runs, MAX_POINTS);
    if queue.is_empty() {
        return plot::show(ui, id, data);
    }
    let height = ui.available_height();
    let width = ui.available_width();
    ui.allocate_ui(egui::vec2(width, height * QUEUE_SHARE.0), |ui| {
        plot::show(ui, id, data)
    });
    match queue.notes.is_empty() {
        true => ui.small(&queue.caption),
        false => ui.small(format!("{} ({})", queue.caption, queue.notes.join(", "))),
    };
    // Its own id per tab: zooming one tab's queue chart leaves the other's as it was.
    let queue_id = match id {
        "throughput" => "queue-over-time".to_string(),
        _ => format!("{id}-queue-over-time"),
    };
    ui.allocate_ui(egui::vec2(width, ui.available_height()), |ui| {
        plot::show(ui, &queue_id, &queue)
    });
}

/// The share of the throughput and load tabs' height their chart keeps when the queue chart
/// is drawn under it (the rest is the queue's).
const QUEUE_SHARE: (f32, f32) = (0.64, 0.36);

/// Draws the latency–throughput curve of the open-load runs (a running one's point so far)
/// and, under it, their queue length over time, which grows while an over-capacity run runs.
pub fn load(ui: &mut Ui, series: &[Series]) {
    let runs = chart_runs(series);
    let data = chart::latency_vs_rate(&runs);
    let queued = runs.iter().any(|r| {
        r.result
            .timeline
            .iter()
            .any(|p| p.queue_len.unwrap_or(0) > 0)
    });
    if data.is_empty() && !queued {
        return empty(ui, chart::NO_OPEN_RUNS);
    }
    notes(ui, &data);
    above_queue(ui, "load", &data, &runs);
}

/// The chart's notes (what its error bars are), in small print above it.
fn notes(ui: &mut Ui, data: &chart::ChartData) {
    if !data.notes.is_empty() {
        ui.small(data.notes.join(", "));
    }
}

/// Draws p50/p99 over time on the left and the percentile distribution on the right.
pub fn latency(ui: &mut Ui, series: &[Series]) {
    if series.is_empty() {
        return empty(ui, "Start a run (F5) to see task latencies here.");
    }
    let runs = chart_runs(series);
    let width = (ui.available_width() - ui.spacing().item_spacing.x) / 2.0;
    let height = ui.available_height();
    ui.horizontal(|ui| {
        let over_time = chart::latency_over_time(&runs, MAX_POINTS);
        ui.allocate_ui(egui::vec2(width, height), |ui| {
            ui.vertical(|ui| {
                notes(ui, &over_time);
                plot::show(ui, "latency-over-time", &over_time)
            })
        });
        let distribution = chart::latency_distribution(&runs);
        ui.allocate_ui(egui::vec2(width, height), |ui| {
            plot::show(ui, "latency-distribution", &distribution)
        });
    });
}

/// Draws the CPU chart of one run: a line per core, or a heatmap when there are many.
pub fn cpu(ui: &mut Ui, run: Option<&Series>) {
    let data = run.map(|s| {
        let runs = chart_runs(std::slice::from_ref(s));
        chart::cpu(&runs[0], MAX_POINTS)
    });
    let Some(data) = data.filter(|d| !d.is_empty()) else {
        return empty(
            ui,
            "Per-core CPU of the selected run shows here (click a run in the history to select it).",
        );
    };
    match data.notes.is_empty() {
        true => ui.label(format!("CPU per core during {}", data.caption)),
        false => ui.label(format!(
            "CPU per core during {} ({})",
            data.caption,
            data.notes.join(", ")
        )),
    };
    let id = if data.heatmap.is_some() {
        "cpu-heatmap"
    } else {
        "cpu-lines"
    };
    plot::show(ui, id, &data);
}

/// Draws the speedup chart from the visible runs.
pub fn scaling(ui: &mut Ui, series: &[Series]) {
    // The runs in the app were measured here: their fits know this machine's cores.
    let cores = std::thread::available_parallelism().ok().map(|n| n.get());
    let data = chart::speedup_on(&chart_runs(series), cores);
    if data.is_empty() {
        return empty(
            ui,
            "Scaling needs completed runs of one model and workload at two or more worker counts (a sweep such as workers = [1, 2, 4]).",
        );
    }
    notes(ui, &data);
    plot::show(ui, "scaling", &data);
}

/// The Summary tab: the table of the overlaid runs.
pub fn summary(ui: &mut Ui, shown: &Shown, out: &mut Vec<Action>) {
    let rows: Vec<crate::gui::summary::Row> = shown
        .series
        .iter()
        .map(|s| crate::gui::summary::Row {
            color: s.color,
            result: s.result,
        })
        .collect();
    crate::gui::summary::summary(ui, &rows, shown.notes, out);
}

/// A number with a sensible count of decimals.
pub fn trim(v: f64) -> String {
    let a = v.abs();
    if a >= 1000.0 {
        format!("{v:.0}")
    } else if a >= 10.0 {
        format!("{v:.1}")
    } else {
        format!("{v:.3}")
    }
}

/// Shown instead of a chart that has nothing to draw.
pub fn empty(ui: &mut Ui, text: &str) {
    ui.centered_and_justified(|ui| {
        ui.weak(text);
    });
}
