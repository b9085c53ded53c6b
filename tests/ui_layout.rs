//! Layouts that must not break (issue 15, item 6), at the smallest window the app allows
//! (900×600), a laptop's 1280×800 and 1920×1080: every tab shows whole beside the panels,
//! long text is elided or wrapped (never cut), errors read at the normal size, the About
//! window leaves the menu bar alone and the whole workload menu is reachable.
//!
//! No image is rendered here (egui_kittest is built without wgpu): the checks read where
//! egui placed each widget. The screenshots under Xvfb are in the layout note.

mod common;

use common::ui::app_with;
use eframe::egui;
use egui_kittest::Harness;
use egui_kittest::kittest::Queryable;
use parlab::gui::ParlabApp;
use parlab::results::{Results, columns};

const SIZES: [[f32; 2]; 3] = [
    parlab::gui::MIN_WINDOW_SIZE,
    [1280.0, 800.0],
    [1920.0, 1080.0],
];
const TABS: [&str; 6] = [
    "Throughput",
    "Latency",
    "CPU per core",
    "Scaling",
    "Summary",
    "Findings",
];
/// A run label as long as the app now writes them, and longer.
const LONG: &str =
    "threads ×16 · cpu iterations=200k · a label someone typed that goes on [cli.json]";

fn golden() -> Results {
    let text = include_str!("golden/results-v1.json");
    Results::from_json(text, "results-v1.json").expect("golden results")
}

fn at(app: ParlabApp, [w, h]: [f32; 2]) -> Harness<'static, ParlabApp> {
    let mut harness = Harness::builder()
        .with_size(egui::vec2(w, h))
        .build_ui_state(|ui, app: &mut ParlabApp| app.ui(ui), app);
    harness.run_steps(3);
    harness
}

/// The app with the golden results in its history, the first run with a long label.
fn with_runs(size: [f32; 2]) -> Harness<'static, ParlabApp> {
    let mut results = golden();
    results.runs[0].label = LONG.to_string();
    let mut app = app_with(None);
    app.runner.add_results(results);
    at(app, size)
}

/// Every widget egui placed in the panels (not in popups or tooltips) in the last frame.
/// Each with whether its right edge is clipped, and whether any part is (by a scroll area
/// or a panel).
fn panel_widgets(h: &Harness<'_, ParlabApp>) -> Vec<(egui::Rect, bool, bool)> {
    h.ctx.viewport(|v| {
        let pass = if v.this_pass.widgets.layer_ids().len() > 0 {
            &v.this_pass
        } else {
            &v.prev_pass
        };
        pass.widgets
            .layers()
            .filter(|(layer, _)| layer.order == egui::Order::Background)
            .flat_map(|(_, widgets)| widgets.iter())
            .filter(|w| w.visible && w.rect.is_positive())
            .map(|w| {
                (
                    w.rect,
                    w.interact_rect.right() < w.rect.right() - 0.5,
                    w.interact_rect != w.rect,
                )
            })
            .collect()
    })
}

/// The left edge of the history panel's content.
fn history_left(h: &Harness<'_, ParlabApp>) -> f32 {
    h.get_by_label("History").rect().left()
}

fn rect_of(h: &Harness<'_, ParlabApp>, label: &str) -> egui::Rect {
    h.get_by_label(label).rect()
}

/// A tab (the first widget with its name: the summary also heads its findings "Findings").
fn tab_rect(h: &Harness<'_, ParlabApp>, tab: &str) -> egui::Rect {
    let node = h.get_all_by_label(tab).next();
    node.map(|n| n.rect())
        .unwrap_or_else(|| panic!("the {tab} tab is shown"))
}

#[test]
fn every_tab_fits_beside_the_panels_at_every_size() {
    for size in SIZES {
        let mut h = with_runs(size);
        for tab in TABS {
            let node = h.get_all_by_label(tab).next();
            node.unwrap_or_else(|| panic!("{size:?}: the {tab} tab is shown"))
                .click();
            h.run_steps(3);
            let screen = egui::Rect::from_min_size(egui::Pos2::ZERO, size.into());
            let tabs: Vec<egui::Rect> = TABS.iter().map(|t| tab_rect(&h, t)).collect();
            let central_left = tabs[0].left() - 1.0;
            // The history panel's edge: its frame's margin left of its heading.
            let central_right = history_left(&h) - 9.0;
            let tab_row_bottom = tabs.iter().map(|r| r.bottom()).fold(0.0, f32::max);
            for (i, t) in tabs.iter().enumerate() {
                assert!(
                    t.left() >= central_left && t.right() <= central_right,
                    "{size:?} {tab}: tab {} lies in the chart area",
                    TABS[i]
                );
                for other in &tabs[i + 1..] {
                    assert!(!t.intersects(*other), "{size:?} {tab}: tabs overlap");
                }
            }
            let summary = tab == "Summary";
            let widgets = panel_widgets(&h);
            // The charts, whole in the chart area: what they clip (a legend) is theirs.
            let charts: Vec<egui::Rect> = (widgets.iter())
                .filter(|(w, _, scrolled)| !scrolled && w.width() >= 100.0 && w.height() >= 100.0)
                .filter(|(w, _, _)| w.left() >= central_left && w.right() <= central_right + 1.0)
                .map(|(w, _, _)| *w)
                .collect();
            for (w, clipped, scrolled) in widgets {
                // What is not in a scroll area is whole in the window.
                assert!(
                    scrolled || screen.expand(0.5).contains_rect(w),
                    "{size:?} {tab}: {w:?} lies outside the window"
                );
                // (The history panel's resize handle straddles its edge.)
                let handle = w.width() <= 8.0 && w.right() > central_right;
                let central = w.left() >= central_left && w.left() < central_right && !handle;
                // Only the summary's table scrolls sideways (its cells are clipped there).
                let in_chart = clipped && charts.iter().any(|c| c.contains(w.left_top()));
                let scrolls = (summary && clipped) || in_chart;
                if central && !scrolls && !tabs.iter().any(|t| t == &w) {
                    // Nothing in the chart area runs under the history panel or over the tabs.
                    assert!(
                        w.right() <= central_right + 1.0,
                        "{size:?} {tab}: {w:?} runs under the history panel (at {central_right})"
                    );
                    if w.top() >= tabs[0].top() - 1.0 {
                        // (What holds the tabs, the panel or their row, is no overlap.)
                        let over_tabs = tabs
                            .iter()
                            .any(|t| t.intersects(w.shrink(0.5)) && !w.contains_rect(*t));
                        assert!(
                            !over_tabs || w.bottom() <= tab_row_bottom + 0.5,
                            "{size:?} {tab}: {w:?} overlaps the tab row"
                        );
                    }
                }
            }
        }
    }
}

#[test]
fn the_pan_hint_shows_only_where_it_fits_and_only_on_tabs_that_pan() {
    const HINT: &str = "drag: pan · Ctrl+scroll: zoom · double-click: reset";
    let mut h = with_runs([1920.0, 1080.0]);
    h.get_by_label("Throughput").click();
    h.run_steps(3);
    let hint = rect_of(&h, HINT);
    assert!(hint.right() <= history_left(&h) + 0.5);
    for tab in TABS {
        assert!(
            !hint.intersects(tab_rect(&h, tab)),
            "the hint is clear of {tab}"
        );
    }
    h.get_by_label("Summary").click();
    h.run_steps(3);
    assert!(
        h.query_by_label(HINT).is_none(),
        "nothing pans on the summary"
    );
}

#[test]
fn long_run_labels_are_elided_in_the_history_with_the_full_text_on_hover() {
    let mut h = with_runs(parlab::gui::MIN_WINDOW_SIZE);
    h.run_steps(3);
    let panel_width = h.ctx.content_rect().right() - history_left(&h);
    assert!(
        panel_width <= 430.0,
        "the history keeps its width range ({panel_width} wide)"
    );
    let throughput = rect_of(&h, "Throughput");
    assert!(
        history_left(&h) - throughput.left() >= 300.0,
        "the charts keep room beside the history"
    );
    // The history names the run as the legends do: number, label, file.
    let name = h.state().runner.history[0].legend();
    assert!(name.contains(LONG), "{name}");
    // The legend names it the same way; the history's entry is the rightmost.
    let node = h
        .query_all_by_label(&name)
        .max_by(|a, b| a.rect().left().total_cmp(&b.rect().left()))
        .expect("the run is in the history");
    assert!(node.rect().right() <= h.ctx.content_rect().right());
    node.hover();
    // Tooltips wait half a second (of the harness's time).
    h.run_steps(60);
    assert!(
        h.query_all_by_label_contains(&format!("{name}\n"))
            .next()
            .is_some(),
        "the full label shows on hover"
    );
}

#[test]
fn the_summary_has_a_workload_column_and_every_heading_can_be_seen_whole() {
    let mut h = with_runs([1280.0, 800.0]);
    h.get_by_label("Summary").click();
    h.run_steps(3);
    let workload = rect_of(&h, columns::WORKLOAD_BRIEF.heading);
    let cpu = h.get_all_by_label("cpu iterations=1k").count();
    assert!(cpu >= 1, "the cpu runs' workload is in the table");
    let right = history_left(&h);
    assert!(workload.right() <= right);
    // Wider than the chart area at 1280 (14 columns): the table scrolls sideways, and each
    // heading scrolled to shows whole.
    for c in [
        columns::PEAK_RSS,
        columns::WALL_SECONDS,
        columns::BYTES_MOVED,
    ] {
        h.get_by_label(c.heading).scroll_to_me();
        h.run_steps(3);
        let heading = rect_of(&h, c.heading);
        assert!(
            heading.right() <= right + 0.5,
            "\"{}\" can be scrolled to and shows whole ({heading:?}, the chart area ends at {right})",
            c.heading
        );
    }
}

#[test]
fn the_welcome_examples_wrap_inside_the_window() {
    for size in SIZES {
        let h = at(app_with(None), size);
        let right = history_left(&h);
        for example in parlab::profile::examples::EXAMPLES {
            let Some(profile) = example.profile() else {
                continue;
            };
            let summary = profile.description.split(". ").next().unwrap_or_default();
            let summary = summary.trim_end_matches('.');
            let button = h.get_by_label(&profile.name).rect();
            assert!(
                button.right() <= right + 0.5,
                "{size:?}: {} fits",
                profile.name
            );
            let node = h.get_by_label(summary);
            assert!(
                node.rect().right() <= right + 0.5,
                "{size:?}: {summary:?} ends at {} beyond {right}",
                node.rect().right()
            );
        }
    }
}

#[test]
fn an_inline_error_is_as_tall_as_normal_text() {
    let run = common::run_table(
        "threads",
        "1",
        "tasks = 1",
        "kind = \"cpu\"\niterations = 5\n",
    );
    let mut h = at(app_with(Some(&common::profile(&[run]))), [1280.0, 800.0]);
    h.get_by_label("Iterations").focus();
    h.run_steps(1);
    h.key_press_modifiers(egui::Modifiers::COMMAND, egui::Key::A);
    h.get_by_label("Iterations").type_text("0");
    h.run_steps(3);
    let at = parlab::validation::FieldPath::root()
        .key("run")
        .index(0)
        .key("workload");
    let spec = &h.state().editor.profile.runs[0].workload;
    let errors = spec.validate(parlab::profile::Model::Threads, &at);
    assert_eq!(errors.len(), 1, "iterations = 0 is an error");
    let error = rect_of(&h, &errors[0].message);
    let normal = rect_of(&h, "Iterations");
    assert!(
        error.height() >= normal.height() - 0.5,
        "the error ({}) is as tall as the label Iterations ({})",
        error.height(),
        normal.height()
    );
}

#[test]
fn the_about_window_leaves_the_menu_bar_uncovered() {
    for size in SIZES {
        let mut h = at(app_with(None), size);
        h.get_by_label("Help").click();
        h.run_steps(2);
        h.get_by_label("About parlab").click();
        h.run_steps(3);
        let menu_bottom = ["File", "Export", "Run", "View", "Help"]
            .iter()
            .map(|m| rect_of(&h, m).bottom())
            .fold(0.0, f32::max);
        let title = rect_of(&h, "About parlab");
        let heading = rect_of(&h, &format!("parlab {}", env!("CARGO_PKG_VERSION")));
        let window = title.union(heading);
        assert!(
            window.top() >= menu_bottom,
            "{size:?}: the About window ({window:?}) starts below the menu bar ({menu_bottom})"
        );
        assert!(window.bottom() <= size[1] + 0.5 && window.right() <= size[0] + 0.5);
    }
}

#[test]
fn every_workload_kind_is_reachable_in_the_menu_at_the_smallest_size() {
    let last = parlab::workload::WorkloadSpec::KINDS
        .last()
        .copied()
        .unwrap_or("fault");
    let mut h = at(app_with(None), parlab::gui::MIN_WINDOW_SIZE);
    h.get_by_label("Workload").click();
    h.run_steps(3);
    // A real click at the item's place: one hidden below the fold would miss it.
    h.get_by_label(last).click();
    h.run_steps(3);
    assert_eq!(h.state().editor.profile.runs[0].workload.kind(), last);
}

/// At 900×600 the two latency charts are about 220 px wide each: their legends use small
/// print there, so that they cover less of the lines; at 1920×1080 the normal size.
#[test]
fn a_narrow_charts_legend_is_in_small_print() {
    let legend_height = |size: [f32; 2]| {
        let mut h = with_runs(size);
        h.get_by_label("Latency").click();
        h.run_steps(3);
        let entry = h
            .query_all_by_label_contains("race [results 1] p50")
            .next()
            .map(|n| n.rect().height());
        entry.expect("the race run's p50 is in the legend")
    };
    let (narrow, wide) = (
        legend_height([900.0, 600.0]),
        legend_height([1920.0, 1080.0]),
    );
    assert!(
        narrow < wide,
        "{narrow} px high at 900×600, {wide} px at 1920×1080"
    );
}
