//! The app's summary table takes its columns from the one column table
//! (`parlab::results::columns::APP_SUMMARY`): the golden results show every column, and the
//! workload figures only when some run measured them.

mod common;

use common::ui::{app_with, harness};
use egui_kittest::kittest::Queryable;
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
    for c in columns::APP_SUMMARY {
        assert!(
            h.query_all_by_label(c.heading).next().is_some(),
            "heading {:?} shown",
            c.heading
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
