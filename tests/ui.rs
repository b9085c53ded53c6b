//! The app's behaviour, driven through egui_kittest without a display: editing, validation,
//! real runs started and stopped from the UI, the history overlay and persistence.

mod common;

use common::ui::{app_with, harness, start_and_finish, step_until};
use eframe::egui;
use egui_kittest::kittest::{NodeT, Queryable};
use parlab::gui::settings::{ChartTab, Theme};
use parlab::gui::{ParlabApp, Settings};
use parlab::stream::EngineCommand;
use std::time::{Duration, Instant};

const WORKERS: &str = "Workers (a count, or a sweep: 1, 2, 4 or 1-8)";

fn short_profile(runs: &[String]) -> String {
    common::profile(runs)
}

#[test]
fn editing_the_name_updates_the_profile_and_the_title() {
    let mut h = harness(app_with(None));
    let name = h.get_by_label("Name");
    name.focus();
    name.type_text(" (edited)");
    h.run_steps(2);
    assert!(
        h.state().editor.profile.name.ends_with("(edited)"),
        "{}",
        h.state().editor.profile.name
    );
}

#[test]
fn an_invalid_value_shows_the_cli_message_and_disables_start() {
    let mut h = harness(app_with(None));
    assert!(!h.get_by_label("Start").accesskit_node().is_disabled());
    let workers = h.get_by_label(WORKERS);
    workers.focus();
    h.key_press_modifiers(egui::Modifiers::COMMAND, egui::Key::A);
    h.get_by_label(WORKERS).type_text("0");
    h.run_steps(3);
    h.get_by_label("workers must be between 1 and 1024, got 0");
    assert!(
        h.get_by_label("Start").accesskit_node().is_disabled(),
        "Start is disabled while the profile is invalid"
    );
    assert!(!h.state().editor.is_valid());
    // F5 does nothing either.
    h.key_press(egui::Key::F5);
    h.run_steps(2);
    assert!(!h.state().runner.is_running());

    let workers = h.get_by_label(WORKERS);
    workers.focus();
    h.key_press_modifiers(egui::Modifiers::COMMAND, egui::Key::A);
    h.get_by_label(WORKERS).type_text("1-4");
    h.run_steps(3);
    assert!(h.state().editor.is_valid());
    assert_eq!(
        h.state().editor.profile.runs[0].workers.counts(),
        [1, 2, 3, 4]
    );
    assert!(
        h.query_by_label("workers must be between 1 and 1024, got 0")
            .is_none()
    );
}

#[test]
fn runs_can_be_added_duplicated_reordered_and_removed() {
    let mut h = harness(app_with(None));
    assert_eq!(h.state().editor.profile.runs.len(), 2);
    h.get_by_label("Add").click();
    h.run_steps(2);
    assert_eq!(h.state().editor.profile.runs.len(), 3);
    assert_eq!(h.state().editor.selected, 2);
    // Make the new run recognisable, then duplicate and move it.
    h.state_mut().editor.profile.runs[2].label = Some("mine".into());
    h.get_by_label("Duplicate").click();
    h.run_steps(2);
    assert_eq!(h.state().editor.profile.runs.len(), 4);
    assert_eq!(
        h.state().editor.profile.runs[3].label.as_deref(),
        Some("mine")
    );
    h.get_by_label("Up").click();
    h.run_steps(2);
    assert_eq!(h.state().editor.selected, 2);
    h.get_by_label("Remove").click();
    h.run_steps(2);
    h.get_by_label("Remove").click();
    h.run_steps(2);
    assert_eq!(h.state().editor.profile.runs.len(), 2);
    assert!(
        h.state()
            .editor
            .profile
            .runs
            .iter()
            .all(|r| r.label.is_none())
    );
}

#[test]
fn a_real_run_finishes_into_the_history_and_the_summary() {
    let profile = short_profile(&[common::run_table(
        "threads",
        "[1, 2]",
        "tasks = 300",
        "kind = \"cpu\"\niterations = 2000",
    )]);
    let mut h = harness(app_with(Some(&profile)));
    start_and_finish(&mut h, 2);
    let history = &h.state().runner.history;
    assert_eq!(history[0].result.label, "threads ×1");
    assert_eq!(history[1].result.tasks_completed, 300);
    h.get_by_label("Summary").click();
    h.run_steps(2);
    // In the summary by its label, in the history by the name the legends give it.
    assert_eq!(
        h.get_all_by_label("threads ×2").count(),
        1,
        "in the summary"
    );
    h.get_by_label("#2 threads ×2");
    h.get_by_label_contains("2 run(s) in the history, 0 failed");
    // Every chart tab draws with real data.
    for tab in ["Throughput", "Latency", "CPU per core", "Scaling"] {
        h.get_by_label(tab).click();
        h.run_steps(2);
    }
    assert_eq!(h.state().settings.tab, ChartTab::Scaling);
}

#[test]
fn stop_ends_a_run_promptly_and_keeps_what_was_measured() {
    let profile = short_profile(&[
        common::run_table(
            "processes",
            "2",
            "duration_s = 60",
            "kind = \"sleep\"\nms = 5",
        ),
        common::run_table("threads", "1", "tasks = 5", "kind = \"sleep\"\nms = 1"),
    ]);
    let mut h = harness(app_with(Some(&profile)));
    h.key_press(egui::Key::F5);
    assert!(step_until(&mut h, Duration::from_secs(10), |a| a
        .runner
        .progress()
        .is_some_and(|p| p.live.tasks_done > 20)));
    h.get_by_label_contains("Run 1 of 2");
    let asked = Instant::now();
    h.get_by_label("Stop").click();
    assert!(step_until(&mut h, Duration::from_secs(5), |a| !a
        .runner
        .is_running()));
    assert!(
        asked.elapsed() < Duration::from_secs(2),
        "stopped after {:?}",
        asked.elapsed()
    );
    let history = &h.state().runner.history;
    assert_eq!(history.len(), 1, "the second run does not start");
    assert_eq!(
        history[0].result.status,
        parlab::results::RunStatus::Stopped
    );
    assert!(history[0].result.tasks_completed > 20);
}

#[test]
fn a_failed_run_shows_its_error() {
    let profile = short_profile(&[common::run_table(
        "processes",
        "1",
        "tasks = 10",
        "kind = \"fault\"\naction = \"exit\"\nat_task = 2",
    )]);
    let mut h = harness(app_with(Some(&profile)));
    h.get_by_label("Start").click();
    assert!(step_until(&mut h, Duration::from_secs(20), |a| !a
        .runner
        .is_running()
        && !a.runner.history.is_empty()));
    h.get_by_label("Summary").click();
    h.run_steps(2);
    h.get_by_label_contains("processes ×1 failed: worker 1 (pid");
    h.get_by_label_contains("exited with status 3 after 2 tasks");
    h.get_by_label("#1 processes ×1 (failed)");
}

#[test]
fn toggling_a_run_removes_it_from_the_overlay() {
    let profile = short_profile(&[common::run_table(
        "pool",
        "1",
        "tasks = 50",
        "kind = \"cpu\"\niterations = 100",
    )]);
    let mut h = harness(app_with(Some(&profile)));
    start_and_finish(&mut h, 1);
    h.get_by_label("Summary").click();
    h.run_steps(2);
    // The summary lists the run by its label, the history as the legends name it.
    assert_eq!(h.get_all_by_label("pool ×1").count(), 1, "in the summary");
    h.get_by_label("#1 pool ×1");
    h.get_by_label("Show #1 pool ×1 on the charts").click();
    h.run_steps(2);
    assert!(!h.state().runner.history[0].visible);
    assert!(
        h.query_by_label("Finished runs are summarised here.")
            .is_some(),
        "hidden runs leave the overlay"
    );
    h.get_by_label("Clear").click();
    h.run_steps(2);
    assert!(h.state().runner.history.is_empty());
}

#[test]
fn theme_tab_and_profile_survive_a_restart() {
    let mut h = harness(app_with(None));
    h.get_by_label("View").click();
    h.run_steps(2);
    h.get_by_label("Theme").click();
    h.run_steps(2);
    h.get_by_label("Dark").click();
    h.run_steps(2);
    h.key_press_modifiers(egui::Modifiers::COMMAND, egui::Key::Num2);
    h.run_steps(2);
    h.state_mut().editor.profile.name = "kept".into();
    let saved = h.state().settings_to_save();
    assert_eq!(saved.theme, Theme::Dark);
    assert_eq!(saved.tab, ChartTab::Latency);
    // What eframe stores is serde data: a round trip through text gives the same app.
    let text = serde_json::to_string(&saved).unwrap();
    let restored: Settings = serde_json::from_str(&text).unwrap();
    let app =
        ParlabApp::new(restored, EngineCommand::new(common::parlab_bin())).without_native_dialogs();
    assert_eq!(app.settings.theme, Theme::Dark);
    assert_eq!(app.settings.tab, ChartTab::Latency);
    assert_eq!(app.editor.profile.name, "kept");
}

#[test]
fn about_box_shows_version_and_host() {
    let mut h = harness(app_with(None));
    h.get_by_label("Help").click();
    h.run_steps(2);
    h.get_by_label("About parlab").click();
    h.run_steps(2);
    h.get_by_label(&format!("parlab {}", env!("CARGO_PKG_VERSION")));
    h.get_by_label("Logical CPUs");
    // Which worker the engine's process models start, and why: the lean one cargo built
    // beside the test binary.
    h.get_by_label("Worker processes");
    let lean = common::parlab_bin().with_file_name("parlab-worker");
    let lean = parlab::format::shell_quote(&[lean.display().to_string()]);
    let text = format!("the lean parlab-worker at {lean}");
    h.get_by_label(&text);
}

#[test]
fn many_cores_draw_as_a_heatmap_and_saved_results_join_the_history() {
    use parlab::results::Results;
    // Results as another machine with 32 cores would have saved them.
    let profile = short_profile(&[common::run_table(
        "threads",
        "1",
        "tasks = 20",
        "kind = \"cpu\"\niterations = 100",
    )]);
    let dir = tempfile::tempdir().unwrap();
    let path = common::write(dir.path(), "p.toml", &profile);
    let out = dir.path().join("r.json");
    common::run_command(&path, &out)
        .arg("-q")
        .assert()
        .success();
    let mut results = Results::load_json(&out).unwrap();
    results.host.logical_cpus = 32;
    results.runs[0].cpu.per_core = (0..32).map(|c| vec![c as f32 * 3.0; 8]).collect();
    let mut app = app_with(None);
    app.runner.add_results(results);
    app.settings.tab = ChartTab::Cpu;
    let h = harness(app);
    // A run loaded from results is marked with where it came from (issue 15).
    h.get_by_label("CPU per core during #1 threads ×1 [results 1]");
    assert_eq!(h.state().runner.history.len(), 1);
}

#[test]
fn an_engine_killed_mid_run_shows_a_clear_error_and_leaves_nothing_running() {
    let text = short_profile(&[common::run_table(
        "processes",
        "2",
        "duration_s = 60",
        "kind = \"sleep\"\nms = 5",
    )]);
    let mut h = harness(app_with(Some(&text)));
    h.get_by_label("Start").click();
    assert!(
        step_until(&mut h, Duration::from_secs(20), |a| a
            .runner
            .progress()
            .is_some_and(|p| p.live.tasks_done > 0)),
        "the run got going"
    );
    let pid = h
        .state()
        .runner
        .engine_pid()
        .expect("an engine runs the session");
    let below = common::descendants(pid);
    assert!(below.len() >= 2, "the workers run: {below:?}");
    common::signal(pid, libc::SIGKILL);
    assert!(step_until(&mut h, Duration::from_secs(10), |a| !a
        .runner
        .is_running()));
    let message = h.state().message().expect("the error is shown").to_string();
    assert!(
        message.starts_with(&format!(
            "the engine process (pid {pid}) was killed by signal 9 (SIGKILL) during run 1 of 1"
        )),
        "{message}"
    );
    h.get_by_label(&message);
    assert!(
        common::wait_until(Duration::from_secs(10), || below
            .iter()
            .all(|&p| !common::alive(p))),
        "nothing left running"
    );
}

#[test]
fn repetitions_run_in_rounds_and_the_history_keeps_one_merged_run_each() {
    let profile = short_profile(&[common::run_table(
        "threads",
        "[1, 2]",
        "duration_s = 0.4",
        "kind = \"cpu\"\niterations = 2000",
    )]);
    let mut h = harness(app_with(Some(&profile)));
    let field = h.get_by_label("Repetitions");
    field.focus();
    h.key_press_modifiers(egui::Modifiers::COMMAND, egui::Key::A);
    h.get_by_label("Repetitions").type_text("3");
    h.key_press(egui::Key::Enter);
    h.run_steps(2);
    assert_eq!(h.state().editor.profile.repetitions, Some(3));
    h.get_by_label("Start").click();
    assert!(
        step_until(&mut h, Duration::from_secs(20), |a| a
            .runner
            .progress()
            .is_some_and(|p| p.rounds == 3 && p.live.tasks_done > 0)),
        "the session runs in rounds"
    );
    h.get_by_label_contains("Round 1 of 3");
    assert!(
        step_until(&mut h, Duration::from_secs(30), |a| !a.runner.is_running()),
        "the session ends"
    );
    let history = &h.state().runner.history;
    assert_eq!(history.len(), 2, "one merged run per configuration");
    for entry in history {
        assert_eq!(entry.result.repetitions.len(), 3, "{}", entry.result.label);
        assert_eq!(
            entry.result.stats.as_ref().map(|s| s.throughput_per_sec.n),
            Some(3)
        );
        assert!(entry.result.observer_cpu_cores.is_some());
    }
}
