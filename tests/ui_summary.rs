//! The app's summary table takes its columns from the one column table
//! (`parlab::results::columns::APP_SUMMARY`): the golden results show every column, and the
//! workload figures only when some run measured them.

mod common;

use common::ui::{app_with, harness};
use egui_kittest::kittest::Queryable;
use parlab::chart::ChartKind;
use parlab::results::{Results, columns};

fn golden() -> Results {
    let text = include_str!("golden/results-v1.json");
    Results::from_json(text, "results-v1.json").expect("golden results")
}

#[test]
fn the_summary_shows_the_column_table_with_workload_figures_when_measured() {
    let mut app = app_with(None);
    app.runner.add_results(golden());
    let mut h = harness(app);
    h.get_by_label("Summary").click();
    h.run_steps(2);
    let runs = golden().runs;
    for c in columns::APP_SUMMARY {
        // The golden runs are closed loops from before the load-balance figures: the
        // open-load and load-balance columns are the ones left out.
        let balance = [
            columns::LOAD_BALANCE.key,
            columns::EFFECTIVE_PARALLELISM.key,
        ];
        let left_out = columns::CSV_OPEN.iter().any(|o| o.key == c.key) || balance.contains(&c.key);
        assert_eq!(c.applies_to(&runs), !left_out, "{}", c.key);
        assert_eq!(
            h.query_all_by_label(c.heading).next().is_some(),
            !left_out,
            "heading {:?} shown for the golden runs: {}",
            c.heading,
            !left_out
        );
    }
    // The race run's lost updates, the copy run's MiB moved.
    for value in ["413", "0.1"] {
        assert!(
            h.query_all_by_label(value).next().is_some(),
            "{value} shown"
        );
    }
}

#[test]
fn the_summary_leaves_out_workload_figures_nobody_measured() {
    let mut results = golden();
    results.runs.retain(|r| r.label == "cpu");
    let mut app = app_with(None);
    app.runner.add_results(results);
    let mut h = harness(app);
    h.get_by_label("Summary").click();
    h.run_steps(2);
    assert!(
        h.query_all_by_label(columns::PEAK_RSS.heading)
            .next()
            .is_some()
    );
    for c in [columns::LOST_UPDATES, columns::BYTES_MOVED] {
        assert!(
            h.query_all_by_label(c.heading).next().is_none(),
            "{}",
            c.key
        );
    }
}

#[test]
fn a_run_the_window_disturbed_is_flagged_in_the_summary_and_the_history() {
    let mut results = golden();
    results.runs.truncate(2);
    results.runs[0].observer_cpu_cores = Some(0.2);
    results.runs[1].observer_cpu_cores = Some(0.01);
    let (flagged, quiet) = (results.runs[0].label.clone(), results.runs[1].label.clone());
    let mut app = app_with(None);
    app.runner.add_results(results);
    let mut h = harness(app);
    h.get_by_label("Summary").click();
    h.run_steps(2);
    let warning =
        format!("Warning, {flagged}: the window used 0.20 cores of CPU while this run was live");
    assert!(
        h.query_all_by_label_contains(&warning).next().is_some(),
        "{warning} shown"
    );
    assert!(
        h.query_all_by_label_contains(&format!("Warning, {quiet}:"))
            .next()
            .is_none()
    );
    // The history marks it too, once.
    assert_eq!(h.query_all_by_label("1 warning").count(), 1);
}

/// The golden cpu run as `label`, repeated three times at about `throughput` tasks/s.
fn repeated(label: &str, throughput: f64) -> parlab::results::RunResult {
    use parlab::results::{Repetition, RepetitionLatency};
    let mut run = golden()
        .runs
        .into_iter()
        .find(|r| r.label == "cpu")
        .expect("the golden file has a cpu run");
    run.label = label.into();
    run.repetitions = [0.99, 1.0, 1.01]
        .iter()
        .enumerate()
        .map(|(round, f)| Repetition {
            round,
            position: round % 2,
            wall_seconds: 1.0,
            tasks_completed: (throughput * f) as u64,
            throughput_per_sec: throughput * f,
            latency_us: RepetitionLatency {
                p50: 10.0,
                p99: 20.0,
            },
            overhead_per_task_us: Some(1.0),
            foreign_cpu_cores: None,
            status: run.status,
        })
        .collect();
    run.throughput_per_sec = throughput;
    let xs: Vec<f64> = run
        .repetitions
        .iter()
        .map(|r| r.throughput_per_sec)
        .collect();
    let summary = parlab::stats::Summary::of(&xs).expect("finite");
    run.stats = Some(parlab::results::RunStats {
        throughput_per_sec: summary,
        overhead_per_task_us: None,
        p50_us: summary,
        p99_us: summary,
    });
    run
}

#[test]
fn the_summary_gives_the_verdicts_on_runs_measured_together() {
    let mut results = golden();
    results.runs = vec![repeated("slow", 100.0), repeated("fast", 200.0)];
    let mut app = app_with(None);
    app.runner.add_results(results.clone());
    let mut h = harness(app);
    h.get_by_label("Summary").click();
    h.run_steps(2);
    h.get_by_label("Verdicts (95 % confidence)");
    assert!(
        h.query_all_by_label_contains("× faster than slow (95 % CI ")
            .next()
            .is_some(),
        "the verdict is shown"
    );
    assert!(
        h.query_all_by_label_contains("fast is 2.0")
            .next()
            .is_some()
    );
    // Mean ± the half width of the interval: 200 ± t(0.975, 2) · 2 / √3 = 200 ± 4.97.
    assert!(
        h.query_all_by_label_contains(" ± ").next().is_some(),
        "throughput with ±"
    );
    h.get_by_label_contains("tasks/s: mean ± half width of the 95 % confidence interval");
    // Runs from two different files were not measured together: no verdict between them.
    let mut apart = golden();
    apart.runs = vec![repeated("slow", 100.0)];
    let mut other = golden();
    other.runs = vec![repeated("fast", 200.0)];
    let mut app = app_with(None);
    app.runner.add_results(apart);
    app.runner.add_results(other);
    let mut h = harness(app);
    h.get_by_label("Summary").click();
    h.run_steps(2);
    assert!(
        h.query_all_by_label("Verdicts (95 % confidence)")
            .next()
            .is_none()
    );
}

#[test]
fn a_baseline_judges_the_other_runs_and_the_environment_is_named() {
    let mut base = golden();
    base.runs = vec![repeated("cpu", 100.0)];
    let mut new = golden();
    new.runs = vec![repeated("cpu", 150.0)];
    new.host.load_avg_1m = Some(3.0);
    let mut app = app_with(None);
    app.runner.add_results_named(base, "base.json");
    app.runner.add_results_named(new, "new.json");
    let mut h = harness(app);
    h.get_by_label("Summary").click();
    h.run_steps(2);
    h.get_by_label_contains("Warning, environment: the 1-minute load average was 3.00");
    assert!(
        h.query_all_by_label_contains("Against the baseline")
            .next()
            .is_none()
    );
    h.get_by_label("Baseline").click();
    h.run_steps(2);
    h.get_by_label("base.json").click();
    h.run_steps(3);
    assert_eq!(
        h.state().runner.baseline_name().as_deref(),
        Some("base.json")
    );
    h.get_by_label("Against the baseline, base.json");
    h.get_by_label_contains("cpu: 1.50× faster than the baseline");
}

#[test]
fn the_summary_says_what_the_runs_mean() {
    let mut app = app_with(None);
    app.runner.add_results(golden());
    let mut h = harness(app);
    h.get_by_label("Summary").click();
    h.run_steps(2);
    // The tab and the summary's heading.
    assert_eq!(h.query_all_by_label("Findings").count(), 2);
    // The golden race run lost 413 of its updates: a warning, listed first.
    h.get_by_label_contains("warning · lost-updates");
    h.get_by_label_contains("race lost 413 of");
    h.get_by_label_contains("the Findings tab").click();
    h.run_steps(2);
    assert_eq!(h.state().settings_to_save().tab, ChartKind::Findings);
}

#[test]
fn the_findings_tab_links_each_finding_to_its_runs() {
    let mut h = golden_on_the_findings_tab();
    // The evidence's figures are listed with the finding.
    h.get_by_label_contains("lost_updates 413");
    // The golden race run is history run #2: its link shows it alone and picks its CPU.
    h.get_by_label("#2 race").click();
    h.run_steps(2);
    let visible: Vec<u64> = h
        .state()
        .runner
        .history
        .iter()
        .filter(|e| e.visible)
        .map(|e| e.id)
        .collect();
    assert_eq!(visible, [1]);
}

#[test]
fn the_findings_tab_says_what_it_is_for_when_nothing_is_shown() {
    let profile = "name = \"p\"\n[[run]]\nmodel = \"threads\"\nworkers = 1\ntasks = 1\n[run.workload]\nkind = \"spawn\"\n";
    let mut h = harness(app_with(Some(profile)));
    h.get_by_label("Findings").click();
    h.run_steps(2);
    h.get_by_label_contains("What the shown runs mean appears here when a run ends");
}

#[test]
fn runs_measured_once_say_that_no_uncertainty_can_be_given() {
    let mut results = golden();
    let mut once = repeated("once", 100.0);
    once.repetitions.truncate(1);
    once.stats = Some(parlab::results::RunStats {
        throughput_per_sec: parlab::stats::Summary::of(&[100.0]).expect("one value"),
        overhead_per_task_us: None,
        p50_us: parlab::stats::Summary::of(&[10.0]).expect("one value"),
        p99_us: parlab::stats::Summary::of(&[20.0]).expect("one value"),
    });
    results.runs = vec![once];
    let mut app = app_with(None);
    app.runner.add_results(results);
    let mut h = harness(app);
    h.get_by_label("Summary").click();
    h.run_steps(2);
    h.get_by_label_contains("one repetition: no uncertainty can be given");
    // Files from before repetitions say nothing of the kind.
    let mut app = app_with(None);
    app.runner.add_results(golden());
    let mut h = harness(app);
    h.get_by_label("Summary").click();
    h.run_steps(2);
    assert!(
        h.query_all_by_label_contains("no uncertainty")
            .next()
            .is_none()
    );
}

#[test]
fn the_summary_gives_the_scaling_laws_of_a_sweep() {
    // A sweep over five worker counts that scales almost perfectly, three repetitions each.
    let mut results = golden();
    results.runs = (1..=5)
        .map(|n| {
            let mut run = repeated(&format!("threads ×{n}"), 100.0 * n as f64);
            run.workers = n;
            // Work that waits (little CPU), so the cores being full does not cut the fit short.
            (run.wall_seconds, run.process.user_s, run.process.sys_s) = (1.0, 0.01, 0.0);
            run
        })
        .collect();
    let mut app = app_with(None);
    app.runner.add_results(results);
    let mut h = harness(app);
    h.get_by_label("Summary").click();
    h.run_steps(2);
    h.get_by_label("Scaling laws");
    h.get_by_label_contains("Amdahl serial fraction s = ");
    h.get_by_label_contains("USL contention σ = ");
}

#[test]
fn findings_follow_the_runs_shown() {
    let mut h = golden_on_the_findings_tab();
    // Untick the race run in the history: its finding goes, and comes back with it.
    h.get_by_label("Show #2 race on the charts").click();
    h.run_steps(2);
    assert!(
        h.query_all_by_label_contains("race lost 413 of")
            .next()
            .is_none()
    );
    h.get_by_label("Show #2 race on the charts").click();
    h.run_steps(2);
    h.get_by_label_contains("race lost 413 of");
}

/// The app with the golden results in its history, on the Findings tab, which lists the
/// race run's lost updates.
fn golden_on_the_findings_tab() -> egui_kittest::Harness<'static, parlab::gui::ParlabApp> {
    let mut app = app_with(None);
    app.runner.add_results(golden());
    let mut h = harness(app);
    h.get_by_label("Findings").click();
    h.run_steps(2);
    h.get_by_label_contains("race lost 413 of");
    h
}

#[test]
fn an_open_load_run_adds_its_rates_response_and_saturation() {
    let mut results = golden();
    results.runs.truncate(1);
    let summary = |p50: f64, p99: f64| {
        serde_json::json!({"min": p50, "mean": p50, "p50": p50, "p90": p99, "p99": p99,
            "p999": p99, "max": p99})
    };
    let open = serde_json::json!({
        "load": {"model": "open", "arrival_rate": 700.0, "arrivals": "uniform"},
        "offered_rate": 700.0, "achieved_rate": 455.0, "dropped": 12, "late": 3000,
        "saturated": true, "response_us": summary(250_000.0, 612_000.0),
        "queue_us": summary(240_000.0, 600_000.0)
    });
    results.runs[0].open = Some(serde_json::from_value(open).expect("open figures"));
    let mut app = app_with(None);
    app.runner.add_results(results);
    let mut h = harness(app);
    h.get_by_label("Summary").click();
    h.run_steps(2);
    for heading in [
        "offered/s",
        "achieved/s",
        "response p99 µs",
        "dropped",
        "saturated",
    ] {
        assert!(
            h.query_all_by_label(heading).next().is_some(),
            "{heading} shown"
        );
    }
    for value in ["700", "455", "612.0k", "12", "yes"] {
        assert!(
            h.query_all_by_label(value).next().is_some(),
            "{value} shown"
        );
    }
}
