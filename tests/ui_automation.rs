//! `parlab gui PROFILE --start --export-results FILE --quit-when-done`, app side, driven
//! headless through egui_kittest: the app starts the run by itself, writes the results file
//! `parlab run --json` would write, also after a Stop or a close of the window mid-run, and
//! says so when the file cannot be written.

mod common;

use common::ui::harness;
use eframe::egui::{ViewportCommand, ViewportEvent, ViewportId};
use egui_kittest::Harness;
use egui_kittest::kittest::Queryable;
use parlab::gui::automation::{Automation, AutomationOptions, Outcome, SessionEnd};
use parlab::gui::{ParlabApp, Settings};
use parlab::results::{Results, RunStatus};
use parlab::stream::EngineCommand;
use std::path::Path;
use std::time::{Duration, Instant};

/// Threads runs of small CPU tasks, one per stop (`tasks = 20`, `duration_s = 30.0`), as
/// `stop` separated by `|`.
fn profile(stop: &str) -> parlab::profile::Profile {
    let cpu = "kind = \"cpu\"\niterations = 1000";
    let runs: Vec<String> = stop
        .split('|')
        .map(|stop| common::run_table("threads", "1", stop, cpu))
        .collect();
    parlab::profile::parse_str(&common::profile(&runs), "auto.toml").expect("valid profile")
}

/// The app as `parlab gui PROFILE --start --export-results OUT --quit-when-done` makes it.
fn automated(stop: &str, out: &Path) -> Harness<'static, ParlabApp> {
    automated_after(stop, out, |_| {})
}

/// The same, with `before` done to the app first.
fn automated_after(
    stop: &str,
    out: &Path,
    before: impl FnOnce(&mut ParlabApp),
) -> Harness<'static, ParlabApp> {
    let settings = Settings::default();
    let worker = EngineCommand::new(common::parlab_bin());
    let mut app = ParlabApp::new(settings, worker).without_native_dialogs();
    app.open_profile(profile(stop));
    before(&mut app);
    let app = app.with_automation(Automation::new(AutomationOptions {
        export_results: Some(out.to_path_buf()),
        quit_when_done: true,
        ..AutomationOptions::default()
    }));
    harness(app)
}

/// Steps in real time until the automated session has ended; its outcome, and whether the
/// automation closed the window.
fn until_done(h: &mut Harness<'_, ParlabApp>) -> (Outcome, bool) {
    let deadline = Instant::now() + Duration::from_secs(30);
    while Instant::now() < deadline {
        if let Some(auto) = h.state().automation()
            && let Some(outcome) = auto.outcome()
        {
            return (outcome, auto.closed_window());
        }
        h.step();
        std::thread::sleep(Duration::from_millis(20));
    }
    panic!("the automated session ends within 30 s");
}

/// Steps until the run is live.
fn until_running(h: &mut Harness<'_, ParlabApp>) {
    let live = common::ui::step_until(h, Duration::from_secs(10), |a| a.runner.is_running());
    assert!(live, "the automation starts the run by itself");
}

#[test]
fn the_app_starts_the_profile_by_itself_and_writes_the_results() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("out.json");
    // Runs already in the history (from a results file) are not the session's.
    let golden = Results::load_json(Path::new("tests/golden/results-v1.json")).unwrap();
    let earlier = golden.runs.len();
    let mut h = automated_after("tasks = 20", &out, |app| app.runner.add_results(golden));
    // Nobody clicks Start.
    let (outcome, closes) = until_done(&mut h);
    assert_eq!(outcome.end, SessionEnd::Completed, "{outcome:?}");
    assert!(
        closes,
        "--quit-when-done closes the window once the file is written"
    );
    let results = Results::load_json(&out).expect("the results file reads back");
    assert_eq!(results.runs.len(), 1);
    let run = &results.runs[0];
    assert_eq!(
        (run.label.as_str(), run.status, run.tasks_completed),
        ("threads ×1", RunStatus::Completed, 20)
    );
    assert_eq!(results.profile.name, "test");
    assert_eq!(h.state().runner.history.len(), earlier + 1);
    h.run_steps(2);
    h.get_by_label_contains("Results written to");
}

#[test]
fn a_stop_mid_run_still_writes_the_results() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("out.json");
    let mut h = automated("duration_s = 30.0", &out);
    until_running(&mut h);
    h.get_by_label("Stop").click();
    let (outcome, closes) = until_done(&mut h);
    assert_eq!(outcome.end, SessionEnd::Stopped, "{outcome:?}");
    assert!(closes);
    let results = Results::load_json(&out).expect("the results file reads back");
    assert_eq!(results.runs.len(), 1);
    assert_eq!(results.runs[0].status, RunStatus::Stopped);
}

#[test]
fn closing_the_window_mid_run_stops_writes_then_closes() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("out.json");
    let mut h = automated("duration_s = 30.0", &out);
    until_running(&mut h);
    let root = h.input_mut().viewports.entry(ViewportId::ROOT).or_default();
    root.events.push(ViewportEvent::Close);
    h.step();
    let commands = &h.output().viewport_output[&ViewportId::ROOT].commands;
    assert!(
        commands.contains(&ViewportCommand::CancelClose),
        "the window waits for the results"
    );
    let (outcome, closes) = until_done(&mut h);
    assert_eq!(outcome.end, SessionEnd::Stopped, "{outcome:?}");
    assert!(closes, "then it closes");
    let results = Results::load_json(&out).expect("the results file reads back");
    assert_eq!(results.runs[0].status, RunStatus::Stopped);
}

#[test]
fn an_export_that_fails_saves_a_fallback_and_says_where() {
    let dir = tempfile::tempdir().unwrap();
    let folder = dir.path().join("gone");
    std::fs::create_dir(&folder).unwrap();
    let mut h = automated("duration_s = 1.0", &folder.join("out.json"));
    until_running(&mut h);
    // The folder disappears while the run is live: the write at the end fails.
    std::fs::remove_dir(&folder).unwrap();
    let (outcome, _) = until_done(&mut h);
    assert_eq!(outcome.end, SessionEnd::OutputFailed, "{outcome:?}");
    let message = h
        .state()
        .message()
        .expect("the status line says why")
        .to_string();
    assert!(
        message.contains("/gone/out.json: no such file or folder; the results were saved to"),
        "{message}"
    );
    let saved = message
        .split("saved to ")
        .nth(1)
        .and_then(|rest| rest.strip_suffix(" instead."))
        .unwrap_or_else(|| panic!("names the fallback file: {message}"));
    let results = Results::load_json(Path::new(saved)).expect("the fallback file reads back");
    std::fs::remove_file(saved).unwrap();
    assert_eq!(results.runs.len(), 1);
    let said = format!("error: {}", message.trim_end_matches('.'));
    assert_eq!(outcome.messages, [said], "the same sentence on stderr");
    // The status line shows it.
    h.run_steps(2);
    h.get_by_label_contains("cannot write results to");
}

#[test]
fn an_engine_killed_mid_session_fails_it_and_keeps_the_finished_runs() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("out.json");
    let mut h = automated("tasks = 20|duration_s = 30.0", &out);
    let second = common::ui::step_until(&mut h, Duration::from_secs(20), |a| {
        a.runner.history.len() == 1 && a.runner.is_running()
    });
    assert!(second, "the first run finished and the second is live");
    let pid = h
        .state()
        .runner
        .engine_pid()
        .expect("an engine runs the session");
    common::signal(pid, libc::SIGKILL);
    let (outcome, closes) = until_done(&mut h);
    assert_eq!(outcome.end, SessionEnd::RunFailed, "{outcome:?}");
    assert!(closes);
    let killed = format!("error: the engine process (pid {pid}) was killed by signal 9");
    assert!(outcome.messages[0].starts_with(&killed), "{outcome:?}");
    let results = Results::load_json(&out).expect("the finished run is written");
    assert_eq!(results.runs.len(), 1);
    assert_eq!(results.runs[0].status, RunStatus::Completed);
}

#[test]
fn programs_the_command_line_showed_are_not_asked_about_again() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("out.json");
    let text = common::profile(&[common::run_table(
        "threads",
        "1",
        "tasks = 3",
        "kind = \"command\"\nargv = [\"/bin/true\"]",
    )]);
    let profile = parlab::profile::parse_str(&text, "cmd.toml").expect("valid profile");
    let commands = profile.external_commands();
    assert!(!commands.is_empty());
    let mut app = ParlabApp::new(
        Settings::default(),
        EngineCommand::new(common::parlab_bin()),
    )
    .without_native_dialogs();
    app.open_profile(profile);
    let app = app.with_automation(Automation::new(AutomationOptions {
        export_results: Some(out.clone()),
        quit_when_done: true,
        approved_commands: commands,
        force: false,
    }));
    let mut h = harness(app);
    let (outcome, _) = until_done(&mut h);
    assert_eq!(outcome.end, SessionEnd::Completed, "{outcome:?}");
    let results = Results::load_json(&out).expect("written");
    assert_eq!(results.runs[0].tasks_completed, 3);
}
