//! File handling in the app (egui_kittest): the unsaved mark, asking before discarding
//! edits, saving through the in-app path prompt, broken files, and consent before running
//! external programs.

mod common;

use common::ui::{app_with, harness, start_and_finish, step_until};
use eframe::egui;
use egui_kittest::kittest::Queryable;
use parlab::gui::actions::Action;
use std::time::Duration;

const HAND_WRITTEN: &str = "# kept comment\nname = \"hand\"\n\n[[run]]\nmodel = \"threads\" # why threads\nworkers = 1\ntasks = 5\n\n[run.workload]\nkind = \"sleep\"\nms = 1\n";

#[test]
fn edits_mark_the_title_and_ctrl_s_saves_keeping_comments() {
    let dir = tempfile::tempdir().unwrap();
    let path = common::write(dir.path(), "hand.toml", HAND_WRITTEN);
    let mut app = app_with(None);
    app.apply(Action::OpenFile(path.clone()));
    let mut h = harness(app);
    assert_eq!(h.state().window_title(), "hand (hand.toml) — parlab");
    let name = h.get_by_label("Name");
    name.focus();
    name.type_text("y");
    h.run_steps(2);
    assert_eq!(
        h.state().window_title(),
        "*handy (hand.toml) — parlab",
        "unsaved edits are marked"
    );
    h.key_press_modifiers(egui::Modifiers::COMMAND, egui::Key::S);
    h.run_steps(2);
    assert_eq!(h.state().window_title(), "handy (hand.toml) — parlab");
    let saved = std::fs::read_to_string(&path).unwrap();
    assert!(
        saved.contains("# kept comment") && saved.contains("# why threads"),
        "{saved}"
    );
    assert!(saved.contains("name = \"handy\""));
    assert_eq!(
        h.state().settings.recent.first(),
        Some(&std::fs::canonicalize(&path).unwrap())
    );
}

#[test]
fn new_asks_before_discarding_unsaved_edits() {
    let mut h = harness(app_with(None));
    h.state_mut().editor.profile.name = "precious".into();
    h.state_mut().editor.mark_changed();
    h.key_press_modifiers(egui::Modifiers::COMMAND, egui::Key::N);
    h.run_steps(2);
    h.get_by_label("Unsaved changes");
    h.get_by_label("Cancel").click();
    h.run_steps(2);
    assert_eq!(
        h.state().editor.profile.name,
        "precious",
        "cancel keeps the edits"
    );
    assert!(h.query_by_label("Unsaved changes").is_none());

    h.key_press_modifiers(egui::Modifiers::COMMAND, egui::Key::N);
    h.run_steps(2);
    h.get_by_label("Discard changes").click();
    h.run_steps(2);
    assert_eq!(h.state().editor.profile.name, "New profile");
    assert!(!h.state().doc().dirty);
}

#[test]
fn save_as_through_the_path_prompt_then_continue_what_was_asked() {
    let dir = tempfile::tempdir().unwrap();
    let target = dir.path().join("saved.toml");
    let mut h = harness(app_with(None));
    h.state_mut().editor.mark_changed();
    // Opening an example with unsaved edits: choose Save, give a path, then the example opens.
    h.state_mut()
        .apply(Action::Request(parlab::gui::files::Replace::Example(1)));
    h.run_steps(2);
    h.get_by_label("Save").click();
    h.run_steps(3);
    h.get_by_label("Save profile as");
    let field = h.get_by_label("Path");
    field.focus();
    h.key_press_modifiers(egui::Modifiers::COMMAND, egui::Key::A);
    h.get_by_label("Path")
        .type_text(&target.display().to_string());
    h.run_steps(1);
    h.key_press(egui::Key::Enter);
    h.run_steps(3);
    assert!(target.exists(), "saved where the user typed");
    let saved = parlab::profile::load_file(&target).unwrap();
    assert_eq!(saved.name, "CPU-bound work: threads vs processes");
    assert_eq!(
        h.state().editor.profile.name,
        "Blocking I/O: more threads than cores",
        "then the example opened"
    );
}

#[test]
fn a_broken_file_is_reported_and_the_current_profile_stays() {
    let dir = tempfile::tempdir().unwrap();
    let broken = common::write(
        dir.path(),
        "broken.toml",
        "name = \"b\"\n[[run]]\nmodel = \"threads\"\nworkers = 0\ntasks = 1\n[run.workload]\nkind = \"cpu\"\niterations = 1\n",
    );
    let mut h = harness(app_with(None));
    let before = h.state().editor.profile.clone();
    h.key_press_modifiers(egui::Modifiers::COMMAND, egui::Key::O);
    h.run_steps(2);
    let field = h.get_by_label("Path");
    field.focus();
    h.get_by_label("Path")
        .type_text(&broken.display().to_string());
    h.get_by_label("Open").click();
    h.run_steps(3);
    assert_eq!(h.state().editor.profile, before);
    h.get_by_label_contains("broken.toml:4:11: run[0].workers must be between 1 and 1024, got 0");
}

#[test]
fn a_failed_save_says_why_and_keeps_the_edits() {
    let mut h = harness(app_with(None));
    h.state_mut().editor.profile.name = "unsaved work".into();
    h.state_mut().editor.mark_changed();
    h.state_mut()
        .apply(Action::SaveTo("/proc/parlab-cannot-write.toml".into()));
    h.run_steps(2);
    assert!(h.state().message().is_some(), "the save failed");
    assert!(h.state().doc().dirty, "still marked unsaved");
    assert_eq!(h.state().editor.profile.name, "unsaved work");
    h.get_by_label_contains("cannot save the profile to /proc/parlab-cannot-write.toml:");
}

#[test]
fn external_programs_need_consent_before_the_first_run() {
    let profile = common::profile(&[common::run_table(
        "threads",
        "1",
        "tasks = 3",
        "kind = \"command\"\nargv = [\"/bin/true\"]",
    )]);
    let mut h = harness(app_with(Some(&profile)));
    h.get_by_label("Start").click();
    h.run_steps(3);
    h.get_by_label("Run external programs?");
    h.get_by_label("/bin/true");
    h.get_by_label("Cancel").click();
    h.run_steps(2);
    assert!(
        !h.state().runner.is_running(),
        "nothing runs without consent"
    );
    assert!(h.state().runner.history.is_empty());

    h.get_by_label("Start").click();
    h.run_steps(3);
    h.get_by_label("Run them").click();
    assert!(step_until(&mut h, Duration::from_secs(20), |a| a
        .runner
        .history
        .len()
        == 1));
    assert_eq!(h.state().runner.history[0].result.tasks_completed, 3);
    // Once agreed, the same programs run without asking again.
    h.get_by_label("Start").click();
    h.run_steps(3);
    assert!(h.query_by_label("Run external programs?").is_none());
    assert!(step_until(&mut h, Duration::from_secs(20), |a| a
        .runner
        .history
        .len()
        == 2));
}

#[test]
fn examples_menu_offers_every_shipped_profile() {
    let mut app = app_with(None);
    // A new profile (Ctrl+N) leaves the welcome view, whose example buttons would repeat
    // the menu's.
    app.apply(Action::Request(parlab::gui::files::Replace::New));
    let mut h = harness(app);
    h.get_by_label("File").click();
    h.run_steps(2);
    h.get_by_label("Examples").click();
    h.run_steps(2);
    for example in parlab::profile::examples::EXAMPLES {
        h.get_by_label(&example.profile().unwrap().name);
    }
    h.get_by_label("Scaling sweep: throughput vs workers")
        .click();
    h.run_steps(2);
    assert_eq!(
        h.state().editor.profile.runs[0].workers.counts(),
        [1, 2, 4, 8]
    );
    assert!(!h.state().doc().dirty);
}

#[test]
fn export_menu_writes_charts_and_results_and_open_results_joins_the_history() {
    use parlab::gui::dialogs::Purpose;
    let dir = tempfile::tempdir().unwrap();
    let profile = common::profile(&[common::run_table(
        "threads",
        "[1, 2]",
        "tasks = 200",
        "kind = \"cpu\"\niterations = 2000",
    )]);
    let mut h = harness(app_with(Some(&profile)));
    start_and_finish(&mut h, 2);

    // Ctrl+E asks where to put the current chart (the in-app prompt here).
    h.key_press_modifiers(egui::Modifiers::COMMAND, egui::Key::E);
    h.run_steps(3);
    h.get_by_label("Export chart as PNG");
    let png = dir.path().join("chart.png");
    h.get_by_label("Path").focus();
    h.key_press_modifiers(egui::Modifiers::COMMAND, egui::Key::A);
    h.get_by_label("Path").type_text(&png.display().to_string());
    h.key_press(egui::Key::Enter);
    h.run_steps(2);
    let ctx = h.ctx.clone();
    h.state_mut().wait_for_export(&ctx);
    assert!(
        std::fs::metadata(&png).unwrap().len() > 10_000,
        "{:?}",
        h.state().message()
    );
    h.run_steps(2);
    h.get_by_label_contains("throughput chart saved to");

    let folder = dir.path().join("all");
    std::fs::create_dir(&folder).unwrap();
    h.state_mut()
        .apply(Action::ExportTo(Purpose::ChartsFolder, folder.clone()));
    h.state_mut().wait_for_export(&ctx);
    assert_eq!(
        std::fs::read_dir(&folder).unwrap().count(),
        14,
        "4 charts, a dashboard, the findings and the workers' lanes, PNG and SVG"
    );

    let json = dir.path().join("results.json");
    h.state_mut()
        .apply(Action::ExportTo(Purpose::ResultsJson, json.clone()));
    h.state_mut().wait_for_export(&ctx);
    let csv = dir.path().join("results.csv");
    h.state_mut()
        .apply(Action::ExportTo(Purpose::ResultsCsv, csv.clone()));
    h.state_mut().wait_for_export(&ctx);
    assert_eq!(std::fs::read_to_string(&csv).unwrap().lines().count(), 3);
    // Export ▸ Report as Markdown… asks where, then writes what parlab findings --md does.
    h.get_by_label("Export").click();
    h.run_steps(2);
    h.get_by_label("Report as Markdown…").click();
    h.run_steps(3);
    h.get_by_label("Export a report as Markdown");
    let md = dir.path().join("report.md");
    h.get_by_label("Path").focus();
    h.key_press_modifiers(egui::Modifiers::COMMAND, egui::Key::A);
    h.get_by_label("Path").type_text(&md.display().to_string());
    h.key_press(egui::Key::Enter);
    h.run_steps(2);
    h.state_mut().wait_for_export(&ctx);
    h.run_steps(2);
    h.get_by_label_contains("report saved to");
    let report = std::fs::read_to_string(&md).unwrap();
    assert!(report.starts_with("# parlab findings: "), "{report}");
    assert!(report.contains("| threads ×2 | threads | 2 |"), "{report}");
    assert!(report.contains("\n## Findings\n"), "{report}");

    // Reopen the saved results: they join the history beside the runs made here.
    h.get_by_label("File").click();
    h.run_steps(2);
    h.get_by_label("Open Results…").click();
    h.run_steps(3);
    h.get_by_label("Path").focus();
    h.get_by_label("Path")
        .type_text(&json.display().to_string());
    h.key_press(egui::Key::Enter);
    h.run_steps(3);
    assert_eq!(h.state().runner.history.len(), 4);
    assert_eq!(h.state().runner.history[3].result.label, "threads ×2");
}

#[test]
fn first_launch_welcomes_with_examples_and_one_click_loads_one() {
    let mut h = harness(app_with(None));
    h.get_by_label("Welcome to parlab");
    h.get_by_label("Open a profile…");
    h.get_by_label("Transfer: sharing data vs copying it through a pipe")
        .click();
    h.run_steps(2);
    assert_eq!(h.state().editor.profile.runs[0].workload.kind(), "transfer");
    assert!(
        h.query_by_label("Welcome to parlab").is_none(),
        "the charts take over"
    );
    h.get_by_label("Throughput");
}

#[test]
fn closing_the_window_with_unsaved_edits_asks_first() {
    let mut h = harness(app_with(None));
    h.state_mut().editor.mark_changed();
    let close = |h: &mut egui_kittest::Harness<'_, parlab::gui::ParlabApp>| {
        h.input_mut()
            .viewports
            .entry(egui::ViewportId::ROOT)
            .or_default()
            .events
            .push(egui::ViewportEvent::Close);
        h.run_steps(3);
    };
    close(&mut h);
    h.get_by_label("Unsaved changes");
    h.get_by_label_contains("before closing parlab");
    h.get_by_label("Cancel").click();
    h.run_steps(2);
    assert!(
        h.query_by_label("Unsaved changes").is_none(),
        "cancel keeps the window open"
    );
    close(&mut h);
    h.get_by_label("Discard changes").click();
    let mut closing = false;
    for _ in 0..3 {
        h.step();
        closing |= h
            .output()
            .viewport_output
            .get(&egui::ViewportId::ROOT)
            .is_some_and(|v| v.commands.contains(&egui::ViewportCommand::Close));
    }
    assert!(closing, "after Discard the window is asked to close");
}

#[test]
fn the_consent_dialog_shows_argv_shell_quoted_with_escapes() {
    let profile = common::profile(&[common::run_table(
        "threads",
        "1",
        "tasks = 1",
        "kind = \"command\"\nargv = [\"/bin/sh\", \"-c\", \"touch pwned #\\u001b[2K\\r  /bin/true\"]",
    )]);
    let mut h = harness(app_with(Some(&profile)));
    h.get_by_label("Start").click();
    h.run_steps(3);
    h.get_by_label("Run external programs?");
    h.get_by_label(r"/bin/sh -c $'touch pwned #\e[2K\r  /bin/true'");
    h.get_by_label("Cancel").click();
    h.run_steps(2);
    assert!(!h.state().runner.is_running());
}

#[test]
fn exports_are_checked_with_the_command_lines_sentences() {
    use parlab::gui::dialogs::Purpose;
    let dir = tempfile::tempdir().unwrap();
    let mut app = app_with(None);
    app.apply(Action::ExportTo(
        Purpose::ChartPng,
        dir.path().join("chart.jpg"),
    ));
    let message = app.message().unwrap_or_default().to_string();
    assert!(
        message.ends_with("chart.jpg: the file name must end in .png"),
        "{message}"
    );
    app.apply(Action::ExportTo(
        Purpose::ResultsJson,
        dir.path().join("missing/r.json"),
    ));
    let message = app.message().unwrap_or_default().to_string();
    assert!(message.contains("does not exist"), "{message}");
    assert!(!app.is_exporting(), "nothing was started");
    assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 0);
}
