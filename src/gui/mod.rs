//! The desktop app (eframe/egui). A thin layer over the engine: it edits a profile, starts
//! and stops sessions, and draws what they report.

pub mod actions;
pub mod app;
pub mod automation;
pub mod charts;
pub mod dialogs;
pub mod document;
pub mod editor;
mod estimate;
pub mod export;
mod field_ids;
pub mod files;
pub mod findings;
mod history;
pub mod history_keeping;
pub mod load_editor;
pub mod palette;
pub mod prompts;
pub mod repaint;
pub mod runner;
pub mod saved_history;
pub mod settings;
mod status;
pub mod summary;
mod welcome;
pub mod workload_editor;

pub use app::ParlabApp;

/// The smallest window the layout is made for (and checked at, in `tests/ui_layout.rs`):
/// below it the editor, the charts and the history no longer fit side by side.
pub const MIN_WINDOW_SIZE: [f32; 2] = [900.0, 600.0];
pub use settings::Settings;

use crate::profile::Profile;
use crate::stream::EngineCommand;
use eframe::egui;

/// eframe's side of the app: persistence and the frame callback.
struct Window(ParlabApp);

impl eframe::App for Window {
    fn ui(&mut self, ui: &mut egui::Ui, _frame: &mut eframe::Frame) {
        self.0.ui(ui);
    }

    fn save(&mut self, storage: &mut dyn eframe::Storage) {
        eframe::set_value(storage, settings::KEY, &self.0.settings_to_save());
    }
}

/// Opens the window (with `profile` loaded, if given) and returns when it closes; with
/// `automation` (`--start`), returns how the automated session ended, if it did.
pub fn run(
    profile: Option<Profile>,
    automation: Option<automation::Automation>,
) -> anyhow::Result<Option<automation::Outcome>> {
    let outcome = automation
        .as_ref()
        .map(automation::Automation::outcome_handle);
    let engine = EngineCommand::current_exe().map_err(|e| {
        anyhow::anyhow!("cannot find parlab's own executable to run the engine: {e}")
    })?;
    let options = eframe::NativeOptions {
        viewport: egui::ViewportBuilder::default()
            .with_title("parlab")
            .with_app_id("parlab")
            .with_inner_size([1280.0, 800.0])
            .with_min_inner_size(MIN_WINDOW_SIZE),
        ..Default::default()
    };
    eframe::run_native(
        "parlab",
        options,
        Box::new(move |cc| {
            let settings: Settings = cc
                .storage
                .and_then(|s| eframe::get_value(s, settings::KEY))
                .unwrap_or_default();
            let mut app = ParlabApp::new(settings, engine).yield_while_running();
            if let Some(dir) = saved_history::default_dir() {
                app = app.with_saved_history(&dir);
            }
            if let Some(profile) = profile {
                app.open_profile(profile);
            }
            if let Some(automation) = automation {
                app = app.with_automation(automation);
            }
            Ok(Box::new(Window(app)))
        }),
    )
    .map_err(|e| anyhow::anyhow!("{}", explain(&e.to_string())))?;
    Ok(outcome.and_then(|handle| automation::read(&handle)))
}

/// One clear sentence for the usual reason the window cannot open.
fn explain(error: &str) -> String {
    if error.contains("XOpenDisplayFailed")
        || error.contains("DISPLAY")
        || error.contains("NoAvailablePixelFormat")
    {
        "cannot open the parlab window: no graphical display is available (DISPLAY is not set or the X server refused it). Run it from a desktop session, or use `parlab run PROFILE` on the command line.".to_string()
    } else {
        format!("cannot open the parlab window: {error}")
    }
}
