//! The app: menus and shortcuts, the editor on the left, the history on the right, the charts
//! in the middle and a status bar below. It sends commands to the [`Runner`] and draws what
//! the engine reports; it never runs a workload itself.

use super::charts::{self, Series};
use super::dialogs::FileChooser;
use super::document::Document;
use super::editor::{Editor, default_profile};
use super::files::Replace;
use super::palette;
use super::prompts;
use super::runner::Runner;
use super::settings::{ChartTab, Settings, Theme};
use super::summary::{self, Row};
use crate::exec::WorkerCommand;
use crate::profile::{Profile, Stop};
use crate::results::RunResult;
use eframe::egui::{self, Key, KeyboardShortcut, Modifiers, RichText, Ui};
use std::time::Duration;

/// Start the profile.
pub const START: KeyboardShortcut = KeyboardShortcut::new(Modifiers::NONE, Key::F5);
/// Stop the run.
pub const STOP: KeyboardShortcut = KeyboardShortcut::new(Modifiers::NONE, Key::Escape);
/// Quit.
pub const QUIT: KeyboardShortcut = KeyboardShortcut::new(Modifiers::COMMAND, Key::Q);
/// New profile.
pub const NEW: KeyboardShortcut = KeyboardShortcut::new(Modifiers::COMMAND, Key::N);
/// Open a profile.
pub const OPEN: KeyboardShortcut = KeyboardShortcut::new(Modifiers::COMMAND, Key::O);
/// Save the profile.
pub const SAVE: KeyboardShortcut = KeyboardShortcut::new(Modifiers::COMMAND, Key::S);
/// Save the profile under a new name.
pub const SAVE_AS: KeyboardShortcut =
    KeyboardShortcut::new(Modifiers::COMMAND.plus(Modifiers::SHIFT), Key::S);

/// The whole application state.
pub struct ParlabApp {
    /// Remembered settings.
    pub settings: Settings,
    /// The profile editor.
    pub editor: Editor,
    /// The link to the engine and the history.
    pub runner: Runner,
    /// History id of the run whose CPU chart is shown; `None`: the live or latest run.
    pub cpu_run: Option<u64>,
    /// The last error to show the user (cleared by the next action).
    pub message: Option<String>,
    /// The last success to tell the user about (an export written, results added).
    pub notice: Option<String>,
    /// An export in progress.
    pub export_job: Option<super::export::ExportJob>,
    /// The file behind the editor.
    pub doc: Document,
    /// Native file dialogs, or the in-app path prompt.
    pub files: FileChooser,
    /// An action waiting for the answer to "discard unsaved edits?".
    pub confirm: Option<Replace>,
    /// An action to do once the pending Save As succeeds.
    pub after_save: Option<Replace>,
    /// External programs waiting for the user's consent before the run starts.
    pub consent: Option<Vec<String>>,
    approved: std::collections::HashSet<String>,
    /// Why the profile would exhaust the machine, waiting for "start anyway" or "cancel".
    pub too_big: Option<String>,
    start_anyway: bool,
    /// Show the welcome view (first launch, until a profile is chosen or a run starts).
    pub welcome: bool,
    pub(super) allow_close: bool,
    pub(super) close_window: bool,
    about_open: bool,
    title: String,
}

impl ParlabApp {
    /// The app with `settings` (as remembered), starting worker processes with `worker`.
    pub fn new(settings: Settings, worker: WorkerCommand) -> Self {
        let profile = settings
            .profile_toml
            .as_deref()
            .and_then(|t| crate::profile::parse_str(t, "saved profile").ok())
            .unwrap_or_else(default_profile);
        let welcome = settings.profile_toml.is_none();
        Self {
            welcome,
            settings,
            editor: Editor::new(profile),
            runner: Runner::new(worker),
            cpu_run: None,
            message: None,
            notice: None,
            export_job: None,
            doc: Document::default(),
            files: FileChooser::new(true),
            confirm: None,
            after_save: None,
            consent: None,
            approved: Default::default(),
            too_big: None,
            start_anyway: false,
            allow_close: false,
            close_window: false,
            about_open: false,
            title: String::new(),
        }
    }

    /// Uses the in-app path prompt instead of native file dialogs (tests never open those).
    pub fn without_native_dialogs(mut self) -> Self {
        self.files = FileChooser::new(false);
        self
    }

    /// Replaces the profile being edited with one that has no file yet.
    pub fn open_profile(&mut self, profile: Profile) {
        self.editor.set_profile(profile);
        self.doc = Document::unsaved(None);
        self.welcome = false;
    }

    /// The window title: the profile's name, marked with `*` while there are unsaved edits.
    pub fn window_title(&self) -> String {
        let mark = if self.doc.dirty { "*" } else { "" };
        match self.doc.file_name() {
            Some(file) => format!("{mark}{} ({file}) — parlab", self.editor.profile.name),
            None => format!("{mark}{} — parlab", self.editor.profile.name),
        }
    }

    /// What to remember: the settings and the profile being edited.
    pub fn settings_to_save(&self) -> Settings {
        Settings {
            profile_toml: Some(self.editor.profile.to_toml()),
            ..self.settings.clone()
        }
    }

    /// Starts the edited profile if it is valid and nothing runs.
    pub fn start(&mut self) {
        if self.runner.is_running() {
            return;
        }
        if !self.editor.is_valid() {
            self.message = Some("Fix the fields marked in red before starting.".into());
            return;
        }
        let mut commands = self.editor.profile.external_commands();
        commands.retain(|c| !self.approved.contains(c));
        if !commands.is_empty() {
            self.consent = Some(commands);
            return;
        }
        if !std::mem::take(&mut self.start_anyway) {
            let plan = self.editor.profile.plan();
            let available = crate::profile::Available::detect();
            if let Err(e) = crate::profile::check_needs(&plan, &available) {
                self.too_big = Some(format!("{e} Lower workers or size, or start anyway."));
                return;
            }
        }
        self.message = self.runner.start(self.editor.profile.clone()).err();
        self.cpu_run = None;
    }

    /// Stops the run in progress.
    pub fn stop(&mut self) {
        self.runner.stop();
    }

    /// Draws one frame.
    pub fn ui(&mut self, ui: &mut Ui) {
        self.runner.poll();
        if self.editor.take_changed() {
            self.doc.dirty = true;
        }
        self.shortcuts(ui.ctx());
        ui.ctx().set_theme(self.settings.theme.preference());
        self.update_title(ui.ctx());
        let ctx = ui.ctx().clone();
        self.file_events(&ctx);
        self.poll_export(&ctx);
        if let Some(commands) = self.consent.clone() {
            match prompts::confirm_commands(&ctx, &commands) {
                Some(true) => {
                    self.approved.extend(commands);
                    self.consent = None;
                    self.start();
                }
                Some(false) => self.consent = None,
                None => {}
            }
        }
        if let Some(why) = self.too_big.clone() {
            match prompts::confirm_too_big(&ctx, &why) {
                Some(true) => {
                    self.too_big = None;
                    self.start_anyway = true;
                    self.start();
                }
                Some(false) => self.too_big = None,
                None => {}
            }
        }

        egui::Panel::top("menu").show(ui, |ui| self.menu_bar(ui));
        egui::Panel::bottom("status").show(ui, |ui| self.status_bar(ui));
        egui::Panel::left("editor")
            .resizable(true)
            .default_size(320.0)
            .show(ui, |ui| {
                self.run_controls(ui);
                ui.separator();
                let running = self.runner.is_running();
                self.editor.ui(ui, !running);
            });
        egui::Panel::right("history")
            .resizable(true)
            .default_size(240.0)
            .show(ui, |ui| self.history(ui));
        egui::CentralPanel::default().show(ui, |ui| self.charts(ui));

        if self.about_open {
            self.about(ui.ctx());
        }
        if self.runner.is_running() {
            ui.ctx().request_repaint_after(Duration::from_millis(100));
        }
    }

    fn shortcuts(&mut self, ctx: &egui::Context) {
        if ctx.input_mut(|i| i.consume_shortcut(&START)) {
            self.start();
        }
        if ctx.input_mut(|i| i.consume_shortcut(&STOP)) {
            self.stop();
        }
        if ctx.input_mut(|i| i.consume_shortcut(&QUIT)) {
            self.request(Replace::Quit);
        }
        if ctx.input_mut(|i| i.consume_shortcut(&NEW)) {
            self.request(Replace::New);
        }
        if ctx.input_mut(|i| i.consume_shortcut(&OPEN)) {
            self.request(Replace::OpenDialog);
        }
        // Ctrl+Shift+S first: Ctrl+S would match it too.
        if ctx.input_mut(|i| i.consume_shortcut(&SAVE_AS)) {
            self.save_as();
        }
        if ctx.input_mut(|i| i.consume_shortcut(&SAVE)) {
            self.save();
        }
        if ctx.input_mut(|i| i.consume_shortcut(&super::export::EXPORT_CHART)) {
            self.ask_export(super::dialogs::Purpose::ChartPng);
        }
        for (tab, _, shortcut) in charts::tabs() {
            if ctx.input_mut(|i| i.consume_shortcut(&shortcut)) {
                self.settings.tab = tab;
            }
        }
    }

    fn update_title(&mut self, ctx: &egui::Context) {
        let title = self.window_title();
        if title != self.title {
            ctx.send_viewport_cmd(egui::ViewportCommand::Title(title.clone()));
            self.title = title;
        }
    }

    fn menu_bar(&mut self, ui: &mut Ui) {
        let ctx = ui.ctx().clone();
        egui::MenuBar::new().ui(ui, |ui| {
            ui.menu_button("File", |ui| self.file_menu(ui));
            ui.menu_button("Export", |ui| self.export_menu(ui));
            ui.menu_button("Run", |ui| {
                let can_start = !self.runner.is_running() && self.editor.is_valid();
                if ui
                    .add_enabled(
                        can_start,
                        egui::Button::new("Start").shortcut_text(ctx.format_shortcut(&START)),
                    )
                    .clicked()
                {
                    self.start();
                }
                if ui
                    .add_enabled(
                        self.runner.is_running(),
                        egui::Button::new("Stop").shortcut_text(ctx.format_shortcut(&STOP)),
                    )
                    .clicked()
                {
                    self.stop();
                }
                ui.separator();
                if ui
                    .add_enabled(
                        !self.runner.history.is_empty(),
                        egui::Button::new("Clear history"),
                    )
                    .clicked()
                {
                    self.runner.clear_history();
                }
            });
            ui.menu_button("View", |ui| {
                for (tab, title, shortcut) in charts::tabs() {
                    let shortcut = ctx.format_shortcut(&shortcut);
                    let selected = self.settings.tab == tab;
                    if ui
                        .add(egui::Button::selectable(selected, title).shortcut_text(shortcut))
                        .clicked()
                    {
                        self.settings.tab = tab;
                    }
                }
                ui.separator();
                ui.menu_button("Theme", |ui| {
                    for (theme, name) in [
                        (Theme::System, "Follow the system"),
                        (Theme::Light, "Light"),
                        (Theme::Dark, "Dark"),
                    ] {
                        ui.radio_value(&mut self.settings.theme, theme, name);
                    }
                });
            });
            ui.menu_button("Help", |ui| {
                if ui.button("About parlab").clicked() {
                    self.about_open = true;
                }
            });
        });
    }

    fn run_controls(&mut self, ui: &mut Ui) {
        ui.horizontal(|ui| {
            let running = self.runner.is_running();
            let can_start = !running && self.editor.is_valid();
            let start = ui
                .add_enabled(
                    can_start,
                    egui::Button::new(RichText::new("Start").strong()),
                )
                .on_hover_text("Run every run of the profile (F5)")
                .on_disabled_hover_text(if running {
                    "A run is in progress"
                } else {
                    "Fix the fields marked in red first"
                });
            if start.clicked() {
                self.start();
            }
            if ui
                .add_enabled(running, egui::Button::new("Stop"))
                .on_hover_text("Stop now and keep what was measured (Esc)")
                .clicked()
            {
                self.stop();
            }
        });
        if !self.editor.is_valid() {
            ui.label(
                RichText::new(format!(
                    "{} problem(s) to fix before starting",
                    self.editor.problems().len()
                ))
                .color(ui.visuals().error_fg_color),
            );
        }
        if let Some(message) = &self.message {
            ui.label(RichText::new(message).color(ui.visuals().error_fg_color));
        }
        if let Some(notice) = &self.notice {
            ui.label(notice);
        }
    }

    fn status_bar(&self, ui: &mut Ui) {
        ui.horizontal(|ui| match self.runner.progress() {
            Some(p) if p.run_index < p.run_count => {
                ui.label(format!("Run {} of {}: {}", p.run_index + 1, p.run_count, p.label));
                let elapsed = p.live.elapsed.as_secs_f64();
                let (fraction, remaining) = match p.stop {
                    Some(Stop::Tasks(n)) => {
                        let f = (p.live.tasks_done as f64 / n as f64).clamp(0.0, 1.0);
                        let rem = (f > 0.01).then(|| elapsed / f - elapsed);
                        (f, rem)
                    }
                    Some(Stop::Duration(d)) => ((elapsed / d).clamp(0.0, 1.0), Some((d - elapsed).max(0.0))),
                    None => (0.0, None),
                };
                ui.add(egui::ProgressBar::new(fraction as f32).desired_width(200.0).show_percentage());
                ui.label(format!("{} tasks · {elapsed:.1} s elapsed", p.live.tasks_done));
                if let Some(rem) = remaining {
                    ui.label(format!("· about {rem:.1} s left in this run"));
                }
            }
            _ => {
                let runs = self.runner.history.len();
                if runs == 0 {
                    ui.label("Ready: edit the profile on the left, then press Start (F5).");
                } else {
                    let failed = self
                        .runner
                        .history
                        .iter()
                        .filter(|e| e.result.status.is_failure())
                        .count();
                    ui.label(format!("{runs} run(s) in the history, {failed} failed. Press Start (F5) to run again."));
                }
            }
        });
    }

    fn history(&mut self, ui: &mut Ui) {
        ui.heading("History");
        ui.horizontal(|ui| {
            if ui.small_button("Show all").clicked() {
                self.runner
                    .history
                    .iter_mut()
                    .for_each(|e| e.visible = true);
            }
            if ui.small_button("Hide all").clicked() {
                self.runner
                    .history
                    .iter_mut()
                    .for_each(|e| e.visible = false);
            }
            if ui
                .add_enabled(
                    !self.runner.history.is_empty(),
                    egui::Button::new("Clear").small(),
                )
                .clicked()
            {
                self.runner.clear_history();
                self.cpu_run = None;
            }
        });
        ui.separator();
        egui::ScrollArea::vertical().auto_shrink([false, false]).show(ui, |ui| {
            if self.runner.history.is_empty() {
                ui.weak("Finished runs appear here. Tick a run to overlay it on the charts; click its name to show its CPU.");
            }
            for entry in self.runner.history.iter_mut().rev() {
                ui.horizontal(|ui| {
                    let name = format!("Show #{} {} on the charts", entry.id + 1, entry.result.label);
                    let visible = entry.visible;
                    ui.checkbox(&mut entry.visible, "")
                        .on_hover_text("Overlay on the charts")
                        .widget_info(|| {
                            egui::WidgetInfo::selected(egui::Role::CheckBox, true, visible, &name)
                        });
                    palette::swatch(ui, palette::color(entry.id));
                    let status = match entry.result.status {
                        crate::results::RunStatus::Completed => "",
                        crate::results::RunStatus::Failed => " (failed)",
                        crate::results::RunStatus::Stalled => " (stalled)",
                        crate::results::RunStatus::Stopped => " (stopped)",
                        crate::results::RunStatus::Running => " (running)",
                    };
                    let selected = self.cpu_run == Some(entry.id);
                    if ui
                        .selectable_label(selected, format!("{}{status}", entry.result.label))
                        .on_hover_text(format!(
                            "{} · {:.0} tasks/s · {}",
                            entry.result.status,
                            entry.result.throughput_per_sec,
                            entry.host.cpu_brand
                        ))
                        .clicked()
                    {
                        self.cpu_run = Some(entry.id);
                    }
                });
            }
        });
    }

    fn charts(&mut self, ui: &mut Ui) {
        if self.welcome && self.runner.history.is_empty() && !self.runner.is_running() {
            return self.welcome(ui);
        }
        ui.horizontal(|ui| {
            for (tab, title, _) in charts::tabs() {
                ui.selectable_value(&mut self.settings.tab, tab, title);
            }
            ui.with_layout(egui::Layout::right_to_left(egui::Align::Center), |ui| {
                ui.weak("drag: pan · Ctrl+scroll: zoom · double-click: reset");
            });
        });
        ui.separator();
        let live = self.runner.live();
        let mut series: Vec<Series> = self
            .runner
            .history
            .iter()
            .filter(|e| e.visible)
            .map(|e| Series {
                name: format!("#{} {}", e.id + 1, e.result.label),
                color: palette::color(e.id),
                result: &e.result,
            })
            .collect();
        if let Some(live) = live.as_deref() {
            series.push(live_series(live, self.runner.live_id));
        }
        match self.settings.tab {
            ChartTab::Throughput => charts::throughput(ui, &series),
            ChartTab::Latency => charts::latency(ui, &series),
            ChartTab::Cpu => {
                let selected = match self.cpu_run {
                    Some(id) => self
                        .runner
                        .history
                        .iter()
                        .find(|e| e.id == id)
                        .map(|e| Series {
                            name: format!("#{} {}", e.id + 1, e.result.label),
                            color: palette::color(e.id),
                            result: &e.result,
                        }),
                    None => live
                        .as_deref()
                        .map(|l| live_series(l, self.runner.live_id))
                        .or_else(|| {
                            self.runner.history.last().map(|e| Series {
                                name: format!("#{} {}", e.id + 1, e.result.label),
                                color: palette::color(e.id),
                                result: &e.result,
                            })
                        }),
                };
                charts::cpu(ui, selected.as_ref());
            }
            ChartTab::Scaling => charts::scaling(ui, &series),
            ChartTab::Summary => {
                let rows: Vec<Row> = series
                    .iter()
                    .map(|s| Row {
                        color: s.color,
                        result: s.result,
                    })
                    .collect();
                summary::summary(ui, &rows);
            }
        }
    }

    fn about(&mut self, ctx: &egui::Context) {
        let host = self.runner.host().clone();
        egui::Window::new("About parlab")
            .open(&mut self.about_open)
            .collapsible(false)
            .resizable(false)
            .show(ctx, |ui| {
                ui.heading(format!("parlab {}", env!("CARGO_PKG_VERSION")));
                ui.label("Threads or processes, pool or spawn-per-task: what each really costs on this machine.");
                ui.separator();
                egui::Grid::new("about-host").show(ui, |ui| {
                    ui.label("CPU");
                    ui.label(&host.cpu_brand);
                    ui.end_row();
                    ui.label("Logical CPUs");
                    ui.label(host.logical_cpus.to_string());
                    ui.end_row();
                    ui.label("System");
                    ui.label(&host.os);
                    ui.end_row();
                });
            });
    }
}

fn live_series(live: &RunResult, id: u64) -> Series<'_> {
    Series {
        name: format!("#{} {} (running)", id + 1, live.label),
        color: palette::color(id),
        result: live,
    }
}
