//! One chart model, two renderers (issue 11, item 3): every chart's data is prepared once by
//! `parlab::chart`, and both the app (egui_plot) and exported images (plotters) draw exactly
//! that data. Also walks the chart registry and checks the app's latency distribution now
//! leaves p100 out (it plotted it at infinity, which emptied the chart).

mod common;

use common::ui::app_series;
use common::*;
use parlab::chart::{self, ChartData, ChartRun, Scale};
use parlab::export::{self, CHARTS, ChartKind, ExportSet, ImageFormat, ImageOptions};
use parlab::gui::charts::{self, plot};
use parlab::gui::palette;
use parlab::gui::settings::ChartTab;
use parlab::results::Results;
use std::collections::HashSet;
use std::sync::OnceLock;
use std::time::Duration;

/// A real results file: a two-count sweep (so scaling has data), read once per test binary.
fn results() -> &'static Results {
    static RESULTS: OnceLock<Results> = OnceLock::new();
    RESULTS.get_or_init(|| {
        let dir = tempfile::tempdir().expect("temporary folder");
        let runs = [run_table(
            "threads",
            "[1, 2]",
            "duration_s = 0.3",
            "kind = \"cpu\"\niterations = 2000",
        )];
        let profile = write(dir.path(), "p.toml", &profile(&runs));
        let json = dir.path().join("r.json");
        run_profile(&profile)
            .arg("--json")
            .arg(&json)
            .arg("-q")
            .timeout(Duration::from_secs(60))
            .assert()
            .success();
        Results::load_json(&json).expect("the results file reads back")
    })
}

/// Every chart panel the model prepares for `runs`.
fn every_panel(runs: &[ChartRun]) -> Vec<(&'static str, ChartData)> {
    let mut panels = vec![
        ("throughput", chart::throughput(runs, 1200)),
        ("latency over time", chart::latency_over_time(runs, 1200)),
        ("latency distribution", chart::latency_distribution(runs)),
        ("speedup", chart::speedup(runs)),
        ("efficiency", chart::efficiency(runs)),
    ];
    panels.extend(runs.iter().map(|r| ("cpu", chart::cpu(r, 1200))));
    panels
}

#[test]
fn the_app_and_the_image_prepare_the_same_chart_data() {
    let results = results();
    let set = ExportSet::from_results(results);
    let series = app_series(results);
    let from_image = every_panel(&set.chart_runs());
    let from_app = every_panel(&charts::chart_runs(&series));
    assert_eq!(from_image.len(), from_app.len());
    for ((name, image), (_, app)) in from_image.iter().zip(&from_app) {
        assert!(!image.is_empty(), "the {name} chart has data: {image:?}");
        assert_eq!(image, app, "the {name} chart differs between app and image");
    }
}

#[test]
fn both_renderers_draw_exactly_the_model_series() {
    let results = results();
    let set = ExportSet::from_results(results);
    let weak = eframe::egui::Color32::GRAY;
    for (name, data) in every_panel(&set.chart_runs()) {
        let strokes = export::strokes(&data);
        let traces = plot::traces(&data, weak);
        assert_eq!(strokes.len(), data.series.len(), "{name}");
        assert_eq!(traces.len(), data.series.len(), "{name}");
        for ((s, stroke), trace) in data.series.iter().zip(&strokes).zip(&traces) {
            let points: Vec<(f64, f64)> = s.points.iter().map(|p| (p[0], p[1])).collect();
            assert_eq!(
                stroke.points, points,
                "{name}: the image draws the model's points"
            );
            let plotted: Vec<[f64; 2]> = s
                .points
                .iter()
                .map(|p| match data.y.scale {
                    Scale::Log => [p[0], p[1].log10()],
                    _ => *p,
                })
                .collect();
            assert_eq!(
                trace.points, plotted,
                "{name}: the app draws the model's points"
            );
            assert!(trace.name.starts_with(&s.name), "{name}: {}", trace.name);
            if let (Some(n), false) = (s.color, s.weight == parlab::chart::Weight::Faint) {
                let (r, g, b) = parlab::palette::rgb(n);
                assert_eq!((stroke.color.0, stroke.color.1, stroke.color.2), (r, g, b));
                assert_eq!(
                    trace.color.to_srgba_unmultiplied()[..3],
                    palette::color(n).to_srgba_unmultiplied()[..3]
                );
            }
            assert_eq!(
                stroke.dots.is_some(),
                trace.dots.is_some(),
                "{name}: markers"
            );
        }
    }
}

#[test]
fn the_latency_distribution_leaves_p100_out_on_a_finite_labelled_axis() {
    let results = results();
    let run = &results.runs[0];
    assert!(
        run.latency_cdf.iter().any(|[p, _]| *p >= 100.0),
        "the results hold p100, the case that broke the app's chart"
    );
    let series = app_series(results);
    let data = chart::latency_distribution(&charts::chart_runs(&series));
    assert_eq!(data.x.scale, Scale::Nines);
    assert!(
        data.x.range.end.is_finite() && data.x.range.end < 5.0,
        "{:?}",
        data.x.range
    );
    for trace in plot::traces(&data, eframe::egui::Color32::GRAY) {
        assert!(!trace.points.is_empty());
        for p in &trace.points {
            assert!(
                p[0].is_finite() && p[1].is_finite(),
                "{}: {p:?}",
                trace.name
            );
            assert!(p[0] <= data.x.range.end);
        }
    }
    let labels: Vec<String> = (0..=4).map(|n| data.x.tick_label(f64::from(n))).collect();
    assert_eq!(labels, ["p0", "p90", "p99", "p99.9", "p99.99"]);
}

#[test]
fn stray_numbers_stay_inside_finite_axes_for_both_renderers() {
    let mut results = results().clone();
    for run in &mut results.runs {
        for p in &mut run.timeline {
            p.tasks_per_sec = f64::INFINITY;
            p.p99_us = Some(f64::NAN);
        }
    }
    let set = ExportSet::from_results(&results);
    for (name, data) in every_panel(&set.chart_runs()) {
        for axis in [&data.x, &data.y] {
            let r = &axis.range;
            assert!(
                r.start.is_finite() && r.end.is_finite() && r.end > r.start,
                "{name}: {r:?}"
            );
        }
        for s in &data.series {
            for p in &s.points {
                assert!(
                    data.x.range.contains(&p[0]) || p[0] == data.x.range.end,
                    "{name}: {p:?}"
                );
                assert!(
                    data.y.range.contains(&p[1]) || p[1] == data.y.range.end,
                    "{name}: {p:?}"
                );
            }
        }
    }
    let bytes = export::render_bytes(
        &set,
        ChartKind::Dashboard,
        ImageFormat::Png,
        ImageOptions::default(),
    )
    .expect("the dashboard renders");
    assert!(bytes.starts_with(b"\x89PNG"));
}

#[test]
fn every_registered_chart_has_a_name_a_tab_a_unique_shortcut_and_renders() {
    let results = results();
    let set = ExportSet::from_results(results);
    let small = ImageOptions {
        width: 640,
        height: 400,
        scale: 1.0,
    };
    let (mut names, mut keys) = (HashSet::new(), HashSet::new());
    for entry in CHARTS {
        let name = entry.kind.name();
        assert!(!name.is_empty() && names.insert(name), "{name} is unique");
        assert!(!entry.tab.is_empty(), "{name} has a tab");
        assert!(
            keys.insert(entry.shortcut),
            "{name}'s shortcut {} is unique",
            entry.shortcut
        );
        let png = export::render_bytes(&set, entry.kind, ImageFormat::Png, small)
            .unwrap_or_else(|e| panic!("{name} renders to PNG: {e}"));
        assert!(png.starts_with(b"\x89PNG"), "{name}");
        let svg = export::render_bytes(&set, entry.kind, ImageFormat::Svg, small)
            .unwrap_or_else(|e| panic!("{name} renders to SVG: {e}"));
        assert!(String::from_utf8_lossy(&svg).contains("<svg"), "{name}");
    }
    // Every exportable kind is registered, and every tab of the app comes from the registry
    // with a working shortcut (a tab without one fails here, not silently in the app).
    for kind in ChartKind::SINGLE.into_iter().chain([ChartKind::Dashboard]) {
        assert!(
            CHARTS.iter().any(|c| c.kind == kind),
            "{} is registered",
            kind.name()
        );
    }
    let tabs = charts::tabs();
    assert_eq!(tabs.len(), ChartTab::ALL.len());
    for tab in ChartTab::ALL {
        let (_, title, shortcut) = tabs
            .iter()
            .find(|t| t.0 == tab)
            .expect("the tab is registered");
        assert!(!title.is_empty());
        assert_ne!(
            shortcut.logical_key,
            eframe::egui::Key::Num0,
            "{title} has its key"
        );
    }
    let shortcuts: HashSet<_> = tabs.iter().map(|t| t.2.logical_key).collect();
    assert_eq!(shortcuts.len(), tabs.len(), "shortcuts are unique");
}
