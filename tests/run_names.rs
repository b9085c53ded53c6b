//! Issue 15, item 4: runs can be told apart. The exported legend names runs as the app's
//! does (number, label, "(stopped)", the file a run was loaded from); the app's legend lists
//! runs by number (#2 before #10); a loaded results file's sweep is its own scaling line.
//! (Automatic labels and the palette are tested in `src/profile/labels.rs` and
//! `src/palette.rs`.)

mod common;

use common::ui::{app_with, harness};
use egui_kittest::kittest::Queryable;
use parlab::chart::{self, ChartRun, Weight};
use parlab::export::{self, ExportSet};
use parlab::gui::charts;
use parlab::gui::palette;
use parlab::gui::settings::ChartTab;
use parlab::results::{Results, RunResult, RunStatus};

fn golden() -> Results {
    Results::from_json(include_str!("golden/results-v1.json"), "results-v1.json")
        .expect("the golden results file reads")
}

/// `n` copies of the golden results' first (cpu) run, labelled `cpu` and numbered by their
/// throughput.
fn copies(n: usize) -> Results {
    let mut results = golden();
    let run = results.runs[0].clone();
    results.runs = (0..n)
        .map(|i| RunResult {
            label: "cpu".into(),
            throughput_per_sec: 100.0 * (i + 1) as f64,
            ..run.clone()
        })
        .collect();
    results
}

#[test]
fn the_exported_legend_names_runs_as_the_app_does() {
    let mut results = golden();
    results.runs[0].status = RunStatus::Stopped;
    let mut app = app_with(None);
    app.runner.add_results_named(results.clone(), "cli.json");
    let entries = &app.runner.history;
    assert_eq!(entries[0].legend(), "#1 cpu (stopped) [cli.json]");
    // The export of those runs, as the app asks for it.
    let runs: Vec<(u64, &RunResult)> = entries.iter().map(|e| (e.id, &*e.result)).collect();
    let set = ExportSet {
        title: "t".into(),
        runs,
        origins: parlab::gui::export::origins_for(&app.runner),
        host: results.host.clone(),
        created: String::new(),
        findings: Vec::new(),
        laws: Vec::new(),
    };
    let image = chart::throughput(&set.chart_runs(), 100);
    let legend: Vec<String> = export::strokes(&image)
        .into_iter()
        .filter_map(|s| s.label)
        .collect();
    let app_names: Vec<String> = entries.iter().map(|e| e.legend()).collect();
    assert_eq!(legend, app_names, "the image's legend is the app's");
    assert!(legend[3].starts_with("#4 =fails (failed)"), "{legend:?}");
    // A results file charted on its own (parlab chart) numbers its runs the same way.
    let alone = ExportSet::from_results(&results);
    let names: Vec<String> = alone
        .chart_runs()
        .iter()
        .map(|r| r.name.to_string())
        .collect();
    assert_eq!(names[0], "#1 cpu (stopped)");
}

#[test]
fn the_apps_legend_lists_runs_by_number_not_as_text() {
    let mut app = app_with(None);
    app.runner.add_results_named(copies(11), "eleven.json");
    app.settings.tab = ChartTab::Throughput;
    let mut h = harness(app);
    h.run_steps(3);
    // The history names runs as the legend does; the legend's entry is the leftmost.
    let top = |name: &str| {
        let nodes = h.query_all_by_label(name).map(|n| n.rect());
        let legend = nodes.min_by(|a, b| a.left().total_cmp(&b.left()));
        legend.expect("in the legend").top()
    };
    let names: Vec<String> = (1..=11)
        .map(|n| format!("#{n} cpu [eleven.json]"))
        .collect();
    for pair in names.windows(2) {
        assert!(
            top(&pair[0]) < top(&pair[1]),
            "{} above {} in the legend",
            pair[0],
            pair[1]
        );
    }
    // And #11 does not share #1's colour.
    assert_ne!(palette::color(10), palette::color(0));
}

#[test]
fn a_loaded_files_sweep_is_its_own_scaling_line() {
    // The same sweep measured in the app and loaded from a CLI results file.
    let mut sweep = copies(2);
    sweep.runs[0].workers = 1;
    sweep.runs[1].workers = 2;
    let both: Vec<(Option<&str>, &RunResult)> = sweep
        .runs
        .iter()
        .map(|r| (None, r))
        .chain(sweep.runs.iter().map(|r| (Some("cli.json"), r)))
        .collect();
    let series: Vec<charts::Series> = both
        .iter()
        .enumerate()
        .map(|(i, (origin, r))| charts::Series {
            name: chart::legend_name(i as u64, r, *origin),
            color: palette::color(i as u64),
            result: r,
            origin: *origin,
        })
        .collect();
    let runs: Vec<ChartRun> = charts::chart_runs(&series);
    let data = chart::speedup(&runs);
    let lines: Vec<&str> = data
        .series
        .iter()
        .filter(|s| s.weight == Weight::Bold)
        .map(|s| s.name.as_str())
        .collect();
    assert_eq!(
        lines,
        ["threads · cpu", "threads · cpu [cli.json]"],
        "one line per (model, workload, source)"
    );
}
