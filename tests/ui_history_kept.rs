//! Work that is not lost (issue 15, item 3): the history comes back at the next launch,
//! History ▸ Clear can be undone (and deletes the kept files once it cannot), the size limit
//! shows and changes, broken files are skipped with a sentence, and "Discard changes" then
//! quit opens the file as saved on disk at the next launch.

mod common;

use common::ui::{app_with, harness, start_and_finish, step_until};
use eframe::egui;
use egui_kittest::Harness;
use egui_kittest::kittest::Queryable;
use parlab::gui::ParlabApp;
use parlab::gui::actions::Action;
use std::path::Path;
use std::time::Duration;

/// Two runs (1 and 2 workers) of a short sleep workload.
fn profile() -> String {
    let run = common::run_table("threads", "[1, 2]", "tasks = 4", "kind = \"sleep\"\nms = 1");
    common::profile(&[run])
}

/// The app keeping its history in `dir`, at 1280×800.
fn app_in(dir: &Path, profile: Option<&str>) -> Harness<'static, ParlabApp> {
    harness(app_with(profile).with_saved_history(dir))
}

/// Steps until the saved history is read.
fn read_history(h: &mut Harness<'_, ParlabApp>) {
    assert!(
        step_until(h, Duration::from_secs(10), |a| !a.runner.is_loading()),
        "the saved history is read within 10 s"
    );
}

fn shows(h: &Harness<'_, ParlabApp>, text: &str) -> bool {
    h.query_all_by_label_contains(text).next().is_some()
}

fn json_files(dir: &Path) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(dir)
        .map(|d| {
            d.flatten()
                .map(|e| e.file_name().to_string_lossy().into_owned())
                .collect()
        })
        .unwrap_or_default();
    names.retain(|n| n.ends_with(".json"));
    names.sort();
    names
}

/// A session run in one app is back, runs and all, in a new app on the same data folder;
/// a loaded results file is kept too.
#[test]
fn the_history_comes_back_at_the_next_launch() {
    let data = tempfile::tempdir().unwrap();
    let mut h = app_in(data.path(), Some(&profile()));
    read_history(&mut h);
    start_and_finish(&mut h, 2);
    h.state_mut()
        .apply(Action::OpenResults("tests/golden/results-v1.json".into()));
    h.run_steps(2);
    let before: Vec<String> = (h.state().runner.history.iter())
        .map(|e| e.result.label.clone())
        .collect();
    assert!(before.len() > 2, "{before:?}");
    assert_eq!(json_files(data.path()).len(), 2, "one file per session");
    drop(h);

    let mut h = app_in(data.path(), None);
    read_history(&mut h);
    let after: Vec<String> = (h.state().runner.history.iter())
        .map(|e| e.result.label.clone())
        .collect();
    assert_eq!(after, before, "the same runs, oldest first");
    assert_eq!(h.state().runner.sessions().len(), 2);
    assert!(shows(&h, "Kept between launches:"), "the size is shown");
    assert_eq!(
        json_files(data.path()).len(),
        2,
        "reading writes nothing new"
    );
}

/// Clear takes the runs and their files away; Undo brings both back; a second Clear then
/// a new session deletes the files for good.
#[test]
fn clear_can_be_undone_and_then_deletes_the_files() {
    let data = tempfile::tempdir().unwrap();
    let mut h = app_in(data.path(), Some(&profile()));
    read_history(&mut h);
    start_and_finish(&mut h, 2);
    assert_eq!(json_files(data.path()).len(), 1);
    h.get_by_label("Clear").click();
    h.run_steps(2);
    assert!(h.state().runner.history.is_empty());
    assert!(
        json_files(data.path()).is_empty(),
        "the file leaves the history folder"
    );
    assert!(shows(&h, "Cleared 2 run(s)."));
    h.get_by_label("Undo").click();
    h.run_steps(3);
    assert_eq!(
        h.state().runner.history.len(),
        2,
        "Undo brings the runs back"
    );
    assert_eq!(json_files(data.path()).len(), 1, "and their file");
    assert!(h.query_by_label("Undo").is_none());

    h.get_by_label("Clear").click();
    h.run_steps(2);
    start_and_finish(&mut h, 2);
    assert!(
        h.query_by_label("Undo").is_none(),
        "a new session ends the undo window"
    );
    assert_eq!(
        json_files(data.path()).len(),
        1,
        "only the new session's file"
    );
    assert!(
        !data.path().join("cleared").exists(),
        "the cleared files are deleted"
    );
    drop(h);
    let mut h = app_in(data.path(), None);
    read_history(&mut h);
    assert_eq!(
        h.state().runner.history.len(),
        2,
        "the cleared runs stay gone"
    );
}

/// Clear then quit (within the undo window) deletes the files: the next launch is empty.
#[test]
fn clear_then_quit_deletes_the_files() {
    let data = tempfile::tempdir().unwrap();
    let mut h = app_in(data.path(), Some(&profile()));
    read_history(&mut h);
    start_and_finish(&mut h, 2);
    h.get_by_label("Clear").click();
    h.run_steps(2);
    drop(h);
    assert!(json_files(data.path()).is_empty());
    assert!(!data.path().join("cleared").exists());
    let mut h = app_in(data.path(), None);
    read_history(&mut h);
    assert!(h.state().runner.history.is_empty());
}

/// The limit shows beside what is kept and can be lowered from the history panel; over it
/// the oldest session's file is deleted and the user is told.
#[test]
fn the_limit_shows_and_lowering_it_deletes_the_oldest() {
    let data = tempfile::tempdir().unwrap();
    let golden = std::fs::read_to_string("tests/golden/results-v1.json").unwrap();
    // Three big sessions of about 8 MB each (the golden file, padded with its description).
    let mut results = parlab::results::Results::from_json(&golden, "golden").unwrap();
    results.profile.description = "x".repeat(8_000_000);
    for n in 0..3 {
        let path = data.path().join(format!("000000000000{n}-old.json"));
        results.save_json(&path).unwrap();
    }
    let mut h = app_in(data.path(), None);
    read_history(&mut h);
    assert!(shows(&h, "Kept between launches:"), "the usage is shown");
    assert!(shows(&h, "24 MB of"), "the usage is shown");
    h.get_by_role_and_label(egui::accesskit::Role::ComboBox, "Kept between launches:")
        .click();
    h.run_steps(2);
    h.get_by_label("20 MB").click();
    h.run_steps(2);
    assert_eq!(h.state().settings_to_save().history_limit_mb, Some(20));
    assert_eq!(
        json_files(data.path()).len(),
        2,
        "the oldest file is deleted"
    );
    assert!(!data.path().join("0000000000000-old.json").exists());
    assert!(shows(&h, "the 1 oldest session(s)"), "the user is told");
}

/// A broken file in the folder is skipped with one sentence; the others load; no panic.
#[test]
fn a_broken_file_is_skipped_with_a_sentence() {
    let data = tempfile::tempdir().unwrap();
    std::fs::write(
        data.path().join("0000000000001-broken.json"),
        "{\"schema\":",
    )
    .unwrap();
    std::fs::copy(
        "tests/golden/results-v1.json",
        data.path().join("0000000000002-good.json"),
    )
    .unwrap();
    let mut h = app_in(data.path(), None);
    read_history(&mut h);
    assert!(!h.state().runner.history.is_empty(), "the good file loads");
    assert!(shows(&h, "A file of the saved history was skipped:"));
    assert!(shows(&h, "0000000000001-broken.json"));
}

/// Edits to a file, then Quit → "Discard changes": the next launch opens the file as it
/// is on disk, as saved, still tied to the file. Without Discard (a crash), the edits come
/// back marked unsaved, tied to their file.
#[test]
fn discard_then_quit_reopens_the_file_as_saved() {
    let dir = tempfile::tempdir().unwrap();
    let path = common::write(dir.path(), "kept.toml", &profile());
    let mut app = app_with(None);
    app.apply(Action::OpenFile(path.clone()));
    let mut h = harness(app);
    h.get_by_label("Name").focus();
    h.get_by_label("Name").type_text(" edited");
    h.run_steps(2);
    assert!(h.state().doc().dirty);
    let crashed = h.state().settings_to_save();
    h.key_press_modifiers(egui::Modifiers::COMMAND, egui::Key::Q);
    h.run_steps(2);
    h.get_by_label("Discard changes").click();
    h.run_steps(2);
    let settings = h.state().settings_to_save();
    drop(h);

    let on_disk = parlab::profile::parse_str(&std::fs::read_to_string(&path).unwrap(), "f")
        .unwrap()
        .name;
    let engine = parlab::stream::EngineCommand::new(common::parlab_bin());
    let next = ParlabApp::new(settings, engine.clone());
    assert_eq!(
        next.editor.profile.name, on_disk,
        "the discarded edits stay discarded"
    );
    assert!(!next.doc().dirty);
    assert_eq!(next.doc().path.as_deref(), Some(path.as_path()));
    assert_eq!(
        next.window_title(),
        format!("{on_disk} (kept.toml) — parlab")
    );

    let after_crash = ParlabApp::new(crashed, engine);
    assert_eq!(after_crash.editor.profile.name, format!("{on_disk} edited"));
    assert!(after_crash.doc().dirty, "unsaved edits are marked unsaved");
    assert_eq!(after_crash.doc().path.as_deref(), Some(path.as_path()));
}
