//! Helpers for the egui_kittest tests.

use eframe::egui;
use egui_kittest::Harness;
use parlab::gui::{ParlabApp, Settings};
use parlab::profile::parse_str;
use parlab::stream::EngineCommand;
use std::time::{Duration, Instant};

/// The app as a user starts it, with worker processes from the test binary's parlab and the
/// in-app path prompt instead of native dialogs.
pub fn app_with(profile: Option<&str>) -> ParlabApp {
    let mut app = ParlabApp::new(Settings::default(), EngineCommand::new(super::parlab_bin()))
        .without_native_dialogs();
    if let Some(text) = profile {
        app.open_profile(parse_str(text, "test.toml").expect("valid test profile"));
    }
    app
}

/// A 1280×800 harness around `app`.
pub fn harness(app: ParlabApp) -> Harness<'static, ParlabApp> {
    let mut harness = Harness::builder()
        .with_size(egui::vec2(1280.0, 800.0))
        .build_ui_state(|ui, app: &mut ParlabApp| app.ui(ui), app);
    harness.run_steps(2);
    harness
}

/// Steps the UI in real time until `done` holds (the engine runs on its own threads).
pub fn step_until(
    harness: &mut Harness<'_, ParlabApp>,
    timeout: Duration,
    done: impl Fn(&ParlabApp) -> bool,
) -> bool {
    let deadline = Instant::now() + timeout;
    while Instant::now() < deadline {
        harness.step();
        if done(harness.state()) {
            harness.run_steps(2);
            return true;
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    false
}

/// Clicks Start and steps until `runs` runs are in the history and nothing runs.
pub fn start_and_finish(harness: &mut Harness<'_, ParlabApp>, runs: usize) {
    use egui_kittest::kittest::Queryable;
    harness.get_by_label("Start").click();
    assert!(
        step_until(harness, Duration::from_secs(30), |a| a.runner.history.len()
            == runs
            && !a.runner.is_running()),
        "{runs} run(s) finish within 30 s"
    );
}

/// The app's chart series for `results`, built as the app builds them (legend name,
/// history number, colour), for the tests that compare the app's charts with the exported images.
pub fn app_series(results: &parlab::results::Results) -> Vec<parlab::gui::charts::Series<'_>> {
    results
        .runs
        .iter()
        .enumerate()
        .map(|(i, r)| parlab::gui::charts::Series {
            name: parlab::chart::legend_name(i as u64, r, None),
            color: parlab::gui::palette::color(i as u64),
            result: r,
            origin: None,
        })
        .collect()
}
