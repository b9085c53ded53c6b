//! Messages that say what is true now (issue 15, item 5): each one goes when what it
//! describes stops being true, and the app says what it did and why it cannot do more.

mod common;

use common::ui::{app_with, harness};
use eframe::egui;
use egui_kittest::Harness;
use egui_kittest::kittest::Queryable;
use parlab::gui::ParlabApp;
use parlab::gui::actions::Action;
use parlab::gui::files::Replace;
use std::path::{Path, PathBuf};

const WORKERS: &str = "Workers (a count, or a sweep: 1, 2, 4 or 1-8)";
const GOLDEN: &str = "tests/golden/results-v1.json";

/// The app editing a one-run threads profile.
fn app() -> Harness<'static, ParlabApp> {
    let run = common::run_table(
        "threads",
        "1",
        "tasks = 10",
        "kind = \"cpu\"\niterations = 1",
    );
    harness(app_with(Some(&common::profile(&[run]))))
}

fn shows(h: &Harness<'_, ParlabApp>, text: &str) -> bool {
    h.query_all_by_label_contains(text).next().is_some()
}

fn apply(h: &mut Harness<'_, ParlabApp>, action: Action) {
    h.state_mut().apply(action);
    h.run_steps(3);
}

/// Selects what the Workers field holds and types `text` over it.
fn type_workers(h: &mut Harness<'_, ParlabApp>, text: &str) {
    h.get_by_label(WORKERS).focus();
    h.run_steps(1);
    h.key_press_modifiers(egui::Modifiers::COMMAND, egui::Key::A);
    h.get_by_label(WORKERS).type_text(text);
    h.run_steps(3);
}

fn broken_profile(dir: &Path) -> PathBuf {
    common::write(
        dir,
        "broken.toml",
        "name = \"b\"\n[[run]]\nmodel = \"nope\"\n",
    )
}

#[test]
fn a_load_error_goes_when_a_later_action_succeeds() {
    let dir = tempfile::tempdir().unwrap();
    let broken = broken_profile(dir.path());
    let mut h = app();
    let successes = [
        Action::Request(Replace::Example(0)),
        Action::Request(Replace::New),
        Action::OpenResults(GOLDEN.into()),
        Action::ClearHistory,
    ];
    for success in successes {
        apply(&mut h, Action::OpenFile(broken.clone()));
        assert!(shows(&h, "broken.toml"), "the load error shows");
        apply(&mut h, success.clone());
        assert!(
            !shows(&h, "broken.toml") && h.state().message().is_none(),
            "the load error is gone after {success:?}"
        );
    }
}

#[test]
fn the_added_runs_notice_goes_when_the_history_changes() {
    let mut h = app();
    apply(&mut h, Action::OpenResults(GOLDEN.into()));
    let notice = format!("from {GOLDEN} added to the history");
    assert!(shows(&h, &notice), "the notice shows");
    h.get_by_label("Run").click();
    h.run_steps(2);
    h.get_by_label("Clear history").click();
    h.run_steps(3);
    assert!(h.state().runner.history.is_empty());
    assert!(
        !shows(&h, &notice),
        "the notice went with the runs it was about"
    );
}

#[test]
fn the_status_bar_says_why_start_is_disabled_and_the_fix_message_goes_once_fixed() {
    let mut h = app();
    assert!(shows(&h, "press Start (F5)"), "ready");
    type_workers(&mut h, "abc");
    h.key_press(egui::Key::F5);
    h.run_steps(3);
    assert!(
        !shows(&h, "Start (F5)"),
        "the status bar does not offer a disabled Start"
    );
    assert!(shows(
        &h,
        "Start is disabled: fix the 1 problem(s) marked in red on the left."
    ));
    assert!(shows(&h, "Fix the fields marked in red before starting."));
    type_workers(&mut h, "2");
    assert!(h.state().editor.is_valid());
    assert!(
        !shows(&h, "Fix the fields marked in red"),
        "the message went once the fields were fixed"
    );
    assert!(shows(&h, "press Start (F5)"), "ready again");
}

#[test]
fn the_run_list_shows_the_workers_as_typed() {
    let mut h = app();
    h.get_by_label("1. threads ×1");
    type_workers(&mut h, "abc");
    h.get_by_label("1. threads ×abc (fix)");
    type_workers(&mut h, "0");
    h.get_by_label("1. threads ×0 (fix)");
    h.get_by_label(WORKERS).focus();
    h.run_steps(1);
    h.key_press_modifiers(egui::Modifiers::COMMAND, egui::Key::A);
    h.key_press(egui::Key::Backspace);
    h.run_steps(3);
    h.get_by_label("1. threads, no workers (fix)");
    type_workers(&mut h, "1, 2");
    h.get_by_label("1. threads ×1, 2");
}

#[test]
fn saving_says_where_and_the_message_goes_at_the_next_edit() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("saved.toml");
    let mut h = app();
    apply(&mut h, Action::SaveTo(path.clone()));
    assert!(path.exists());
    let saved = format!("Saved to {}.", path.display());
    h.get_by_label(&saved);
    type_workers(&mut h, "2");
    assert!(h.state().doc().dirty);
    assert!(
        !shows(&h, &saved),
        "unsaved edits: the profile is no longer what was saved"
    );
}
