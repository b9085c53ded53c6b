//! Issue 15, item 2: the app's latency charts read. The distribution has labelled axes and
//! finite points (p100 left out), latency over time is on a log axis (a p99 100× the p50
//! left the p50 flat at zero on a linear one) and no view shows a negative latency.

mod common;

use common::ui::app_series;
use parlab::chart::{self, ChartData, Scale};
use parlab::gui::charts::{self, plot};
use parlab::metrics::aggregate::TimelinePoint;
use parlab::results::Results;

/// The golden results, each run given a timeline whose p99 is 100× its p50, with an empty
/// bucket (no latency) and one of 0 µs, as live runs can have.
fn tail_heavy() -> Results {
    let mut results = Results::from_json(include_str!("golden/results-v1.json"), "results-v1.json")
        .expect("the golden results file reads");
    for run in &mut results.runs {
        let template = run.timeline[0];
        run.timeline = (0..20)
            .map(|i| {
                let (p50, p99) = match i {
                    3 => (None, None),
                    4 => (Some(0.0), Some(0.0)),
                    _ => (
                        Some(10.0 + f64::from(i)),
                        Some(1000.0 + 50.0 * f64::from(i)),
                    ),
                };
                TimelinePoint {
                    t: 0.1 * f64::from(i + 1),
                    p50_us: p50,
                    p99_us: p99,
                    ..template
                }
            })
            .collect();
    }
    results
}

/// Checks what the app plots for `data`: every point and bar finite and inside the view,
/// the view's values never negative, and on a log or nines axis at least two labelled marks
/// inside the view, none of them negative.
fn check(name: &str, data: &ChartData) {
    let [vx, vy] = plot::view(data);
    for (axis, view) in [(&data.x, &vx), (&data.y, &vy)] {
        assert!(
            view.start.is_finite() && view.end.is_finite() && view.start < view.end,
            "{name}: view {view:?}"
        );
        let lowest = match axis.scale {
            Scale::Log => 10f64.powf(view.start),
            _ => view.start,
        };
        assert!(lowest >= 0.0, "{name}: {} starts at {lowest}", axis.label);
        if let Some(marks) = plot::marks(axis) {
            let inside: Vec<String> = marks
                .iter()
                .filter(|m| view.contains(&m.value) || m.value == view.end)
                .map(|m| {
                    axis.tick_label(if axis.scale == Scale::Log {
                        10f64.powf(m.value)
                    } else {
                        m.value
                    })
                })
                .collect();
            assert!(inside.len() >= 2, "{name}: {} marks {inside:?}", axis.label);
            assert!(
                inside.iter().all(|l| !l.contains('-') && !l.contains('−')),
                "{name}: {inside:?}"
            );
        }
    }
    let traces = plot::traces(data, eframe::egui::Color32::GRAY);
    assert!(!traces.is_empty(), "{name} draws something");
    for t in traces {
        assert!(!t.points.is_empty(), "{name}: {}", t.name);
        for p in &t.points {
            assert!(p[0].is_finite() && p[1].is_finite(), "{name}: {p:?}");
            assert!(
                vx.start <= p[0] && p[0] <= vx.end,
                "{name}: {p:?} in {vx:?}"
            );
            assert!(
                vy.start <= p[1] && p[1] <= vy.end,
                "{name}: {p:?} in {vy:?}"
            );
        }
        for w in &t.whiskers {
            assert!(w.iter().all(|v| v.is_finite()), "{name}: {w:?}");
        }
    }
}

#[test]
fn latency_over_time_is_on_a_log_axis_that_never_shows_a_negative_latency() {
    let results = tail_heavy();
    let series = app_series(&results);
    let data = chart::latency_over_time(&charts::chart_runs(&series), charts::MAX_POINTS);
    assert_eq!(data.y.scale, Scale::Log, "p99 is 100× p50: a log axis");
    // The p50 line is not flattened at the bottom: its rise from 10 to 29 µs spans a tenth
    // of the axis at least, where a linear axis to 2 000 µs gave it under 1 %.
    let [_, vy] = plot::view(&data);
    let trace = &plot::traces(&data, eframe::egui::Color32::GRAY)[0];
    assert!(trace.name.ends_with("p50"), "{}", trace.name);
    let lowest = trace.points.iter().map(|p| p[1]).fold(f64::MAX, f64::min);
    let highest = trace.points.iter().map(|p| p[1]).fold(f64::MIN, f64::max);
    assert!(
        (highest - lowest) / (vy.end - vy.start) > 0.1,
        "p50 from {lowest} to {highest} in {vy:?}"
    );
    // The empty and the 0 µs bucket are left out, not drawn at a made-up place.
    assert_eq!(trace.points.len(), 18, "{:?}", trace.points);
    check("latency over time", &data);
}

#[test]
fn the_latency_distribution_has_finite_points_and_labelled_axes() {
    let results = tail_heavy();
    assert!(
        results.runs[0].latency_cdf.iter().any(|[p, _]| *p >= 100.0),
        "the results hold p100, which sits at infinity on a nines axis"
    );
    let series = app_series(&results);
    let data = chart::latency_distribution(&charts::chart_runs(&series));
    assert_eq!(data.x.scale, Scale::Nines);
    check("latency distribution", &data);
}

#[test]
fn every_other_chart_the_app_draws_stays_finite_and_non_negative() {
    let results = tail_heavy();
    let series = app_series(&results);
    let runs = charts::chart_runs(&series);
    check("throughput", &chart::throughput(&runs, charts::MAX_POINTS));
    check("cpu", &chart::cpu(&runs[0], charts::MAX_POINTS));
}
