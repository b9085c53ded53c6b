//! The app: menus and shortcuts, the editor on the left, the history on the right, the charts
//! in the middle and a status bar below. It sends commands to the [`Runner`] and draws what
//! the engine reports; it never runs a workload itself.

use super::actions::Action;
use super::charts::{self, Series};
use super::dialogs::FileChooser;
use super::document::Document;
use super::editor::Editor;
use super::export::ExportJob;
use super::files::{self, Replace};
use super::palette;
use super::prompts::Questions;
use super::repaint;
use super::runner::{HistoryEntry, Runner};
use super::settings::{Settings, Theme};
use super::status::Status;
use super::welcome;
use crate::profile::{Profile, Stop};
use crate::results::RunResult;
use crate::stream::EngineCommand;
use eframe::egui::{self, Key, KeyboardShortcut, Modifiers, RichText, Ui};
use std::path::PathBuf;
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

/// The whole application state. The user changes it only through [`ParlabApp::apply`]
/// (see `actions.rs`); drawing turns clicks, keys, prompts and dropped files into actions.
pub struct ParlabApp {
    /// Remembered settings.
    pub settings: Settings,
    /// The profile editor (it owns its fields' state).
    pub editor: Editor,
    /// The link to the engine and the history.
    pub runner: Runner,
    /// The file behind the editor.
    pub(super) doc: Document,
    /// Native file dialogs, or the in-app path prompt.
    pub(super) files: FileChooser,
    /// Questions waiting for an answer, and what earlier answers allowed.
    pub(super) questions: Questions,
    /// An export in progress.
    pub(super) export: Option<ExportJob>,
    /// What the status lines under the run buttons say.
    pub(super) status: Status,
    /// What the window shows.
    pub(super) view: View,
    /// Closing the window.
    pub(super) window: WindowState,
    /// `--start` and its companions (see `automation.rs`), when given.
    pub(super) automation: Option<super::automation::Automation>,
}

/// What the window shows, apart from the settings.
#[derive(Debug, Default)]
pub(super) struct View {
    /// History id of the run whose CPU chart is shown; `None`: the live or latest run.
    pub(super) cpu_run: Option<u64>,
    /// Show the welcome view (first launch, until a profile is chosen or a run starts).
    pub(super) welcome: bool,
    /// The About window is open.
    pub(super) about_open: bool,
    /// Which program the process models start as workers, and why (shown in About).
    pub(super) worker: String,
    /// The window title last sent to the window.
    title: String,
    /// Paces redraws while a run is live.
    pacer: super::repaint::Pacer,
    /// The summary's and the findings' notes of the shown history.
    notes: super::summary::NotesCache,
}

/// Closing the window.
#[derive(Debug, Default)]
pub(super) struct WindowState {
    /// The user chose to quit: close even with unsaved edits.
    pub(super) allow_close: bool,
    /// Close the window in the next frame.
    pub(super) close: bool,
    /// The user quit with "Discard changes": the edits are not remembered.
    pub(super) discarded: bool,
}

impl ParlabApp {
    /// The app with `settings` (as remembered), running profiles in engine processes
    /// started with `engine`.
    pub fn new(settings: Settings, engine: EngineCommand) -> Self {
        let restored = settings.restore();
        // The engine process finds its worker beside its own program, as this does.
        let worker_text = crate::exec::WorkerCommand::beside(&engine.program).describe();
        let mut app = Self {
            settings,
            editor: Editor::new(restored.profile),
            runner: Runner::new(engine),
            doc: restored.doc,
            files: FileChooser::new(true),
            questions: Questions::default(),
            export: None,
            status: Status::default(),
            view: View {
                welcome: restored.welcome,
                worker: worker_text,
                ..View::default()
            },
            window: WindowState::default(),
            automation: None,
        };
        // A remembered profile file that cannot be opened any more says why.
        app.status.error = restored.error;
        app
    }

    /// Lowers the window's scheduling priority while a run is live (the real window does;
    /// see [`Runner::yield_while_running`]).
    pub fn yield_while_running(mut self) -> Self {
        self.runner = self.runner.yield_while_running();
        self
    }

    /// Uses the in-app path prompt instead of native file dialogs (tests never open those).
    pub fn without_native_dialogs(mut self) -> Self {
        self.files = FileChooser::new(false);
        self
    }

    /// Replaces the profile being edited with one that has no file yet.
    pub fn open_profile(&mut self, profile: Profile) {
        self.apply(Action::Load(Box::new(profile)));
    }

    /// The window title: the profile's name, marked with `*` while there are unsaved edits.
    pub fn window_title(&self) -> String {
        let mark = if self.doc.dirty { "*" } else { "" };
        match self.doc.file_name() {
            Some(file) => format!("{mark}{} ({file}) — parlab", self.editor.profile.name),
            None => format!("{mark}{} — parlab", self.editor.profile.name),
        }
    }

    /// What to remember: the settings, the profile's file and its unsaved edits (none
    /// after "Discard changes").
    pub fn settings_to_save(&self) -> Settings {
        (self.settings).remembering(&self.doc, &self.editor.profile, self.window.discarded)
    }

    /// The file behind the editor.
    pub fn doc(&self) -> &Document {
        &self.doc
    }

    /// The error the status line shows, if any.
    pub fn message(&self) -> Option<&str> {
        self.status.error.as_deref()
    }

    /// True while an export runs in the background.
    pub fn is_exporting(&self) -> bool {
        self.export.is_some()
    }

    /// Waits for a running export to finish (tests and shutdown).
    pub fn wait_for_export(&mut self, ctx: &egui::Context) {
        while let Some(job) = &self.export {
            match job.poll(ctx) {
                Some(done) => self.apply(done),
                None => std::thread::sleep(Duration::from_millis(10)),
            }
        }
    }

    /// Marks the profile as having unsaved edits when the editor changed it.
    pub(super) fn sync_dirty(&mut self) {
        if self.editor.take_changed() {
            self.doc.dirty = true;
        }
    }

    fn apply_all(&mut self, actions: &mut Vec<Action>) {
        for action in actions.drain(..) {
            self.apply(action);
        }
    }

    /// Draws one frame. What the user did becomes actions, applied after each part is drawn
    /// (so the next part already shows their effect, as when a click acted at once).
    pub fn ui(&mut self, ui: &mut Ui) {
        self.runner.poll();
        if let Some(error) = self.runner.take_error() {
            self.status.error = Some(error);
        }
        self.sync_dirty();
        self.expire_messages();
        let ctx = ui.ctx().clone();
        self.keep_reading(&ctx);
        let mut out = Vec::new();
        self.shortcuts(&ctx, &mut out);
        self.apply_all(&mut out);
        ctx.set_theme(self.settings.theme.preference());
        self.update_title(&ctx);
        self.file_events(&ctx, &mut out);
        self.apply_all(&mut out);
        if let Some(done) = self.export.as_ref().and_then(|job| job.poll(&ctx)) {
            self.apply(done);
        }
        self.questions.ui(&ctx, &self.editor.profile.name, &mut out);
        self.apply_all(&mut out);

        let menu = egui::Panel::top("menu").show(ui, |ui| self.menu_bar(ui, &mut out));
        self.apply_all(&mut out);
        egui::Panel::bottom("status").show(ui, |ui| self.status_bar(ui));
        egui::Panel::left("editor")
            .resizable(true)
            .default_size(320.0)
            .show(ui, |ui| {
                self.run_controls(ui, &mut out);
                ui.separator();
                let running = self.runner.is_running();
                self.editor.ui(ui, !running);
            });
        self.apply_all(&mut out);
        // Run labels are elided in the history, so it keeps this width range whatever they say;
        // a wide window starts it wider, so that labels with their workload read whole.
        let history_width = (ui.available_width() * 0.22).clamp(200.0, 320.0);
        egui::Panel::right("history")
            .resizable(true)
            .default_size(history_width)
            .size_range(180.0..=420.0)
            .show(ui, |ui| self.history(ui, &mut out));
        self.apply_all(&mut out);
        egui::CentralPanel::default().show(ui, |ui| self.charts(ui, &mut out));
        self.apply_all(&mut out);

        if self.view.about_open {
            let view = &mut self.view;
            let below_menu = ctx.content_rect().with_min_y(menu.response.rect.bottom());
            about(
                &ctx,
                below_menu,
                self.runner.host(),
                &view.worker,
                &mut view.about_open,
            );
        }
        if self.runner.is_running() {
            let delay = self.view.pacer.next_delay(self.settings.tab);
            ui.ctx().request_repaint_after(delay);
        } else {
            self.view.pacer.reset();
        }
        self.automate(&ctx);
    }

    /// The file chooser's answer, dropped files and the window's close button, as actions.
    fn file_events(&mut self, ctx: &egui::Context, out: &mut Vec<Action>) {
        let chosen = self.files.poll(ctx).or_else(|| self.files.ui(ctx));
        out.extend(chosen.map(|(purpose, path)| Action::chosen(purpose, path)));
        let dropped: Vec<PathBuf> = ctx.input(|i| {
            i.raw
                .dropped_files
                .iter()
                .map(|f| f.path().to_path_buf())
                .filter(|p| !p.as_os_str().is_empty())
                .collect()
        });
        out.extend(dropped.into_iter().map(Action::Dropped));
        let closing = ctx.input(|i| i.viewport().close_requested());
        if closing && self.doc.dirty && !self.window.allow_close {
            ctx.send_viewport_cmd(egui::ViewportCommand::CancelClose);
            out.push(Action::Request(Replace::Quit));
        }
        if std::mem::take(&mut self.window.close) {
            ctx.send_viewport_cmd(egui::ViewportCommand::Close);
        }
    }

    fn shortcuts(&self, ctx: &egui::Context, out: &mut Vec<Action>) {
        if ctx.input_mut(|i| i.consume_shortcut(&START)) {
            out.push(Action::Start);
        }
        if ctx.input_mut(|i| i.consume_shortcut(&STOP)) {
            out.push(Action::Stop);
        }
        if ctx.input_mut(|i| i.consume_shortcut(&QUIT)) {
            out.push(Action::Request(Replace::Quit));
        }
        if ctx.input_mut(|i| i.consume_shortcut(&NEW)) {
            out.push(Action::Request(Replace::New));
        }
        if ctx.input_mut(|i| i.consume_shortcut(&OPEN)) {
            out.push(Action::Request(Replace::OpenDialog));
        }
        // Ctrl+Shift+S first: Ctrl+S would match it too.
        if ctx.input_mut(|i| i.consume_shortcut(&SAVE_AS)) {
            out.push(Action::SaveAs);
        }
        if ctx.input_mut(|i| i.consume_shortcut(&SAVE)) {
            out.push(Action::Save);
        }
        if ctx.input_mut(|i| i.consume_shortcut(&super::export::EXPORT_CHART)) {
            out.push(Action::AskExport(super::dialogs::Purpose::ChartPng));
        }
        for (tab, _, shortcut) in charts::tabs() {
            if ctx.input_mut(|i| i.consume_shortcut(&shortcut)) {
                out.push(Action::ShowTab(tab));
            }
        }
    }

    fn update_title(&mut self, ctx: &egui::Context) {
        let title = self.window_title();
        if title != self.view.title {
            ctx.send_viewport_cmd(egui::ViewportCommand::Title(title.clone()));
            self.view.title = title;
        }
    }

    fn menu_bar(&self, ui: &mut Ui, out: &mut Vec<Action>) {
        let ctx = ui.ctx().clone();
        egui::MenuBar::new().ui(ui, |ui| {
            ui.menu_button("File", |ui| {
                files::file_menu(ui, &self.settings.recent, out)
            });
            ui.menu_button("Export", |ui| {
                super::export::export_menu(ui, self.settings.tab, out)
            });
            ui.menu_button("Run", |ui| {
                let can_start = !self.runner.is_running() && self.editor.is_valid();
                if ui
                    .add_enabled(
                        can_start,
                        egui::Button::new("Start").shortcut_text(ctx.format_shortcut(&START)),
                    )
                    .clicked()
                {
                    out.push(Action::Start);
                }
                if ui
                    .add_enabled(
                        self.runner.is_running(),
                        egui::Button::new("Stop").shortcut_text(ctx.format_shortcut(&STOP)),
                    )
                    .clicked()
                {
                    out.push(Action::Stop);
                }
                ui.separator();
                if ui
                    .add_enabled(
                        !self.runner.history.is_empty(),
                        egui::Button::new("Clear history"),
                    )
                    .clicked()
                {
                    out.push(Action::ClearHistory);
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
                        out.push(Action::ShowTab(tab));
                    }
                }
                ui.separator();
                ui.menu_button("Theme", |ui| {
                    for (theme, name) in [
                        (Theme::System, "Follow the system"),
                        (Theme::Light, "Light"),
                        (Theme::Dark, "Dark"),
                    ] {
                        if ui.radio(self.settings.theme == theme, name).clicked() {
                            out.push(Action::SetTheme(theme));
                        }
                    }
                });
            });
            ui.menu_button("Help", |ui| {
                if ui.button("About parlab").clicked() {
                    out.push(Action::ShowAbout);
                }
            });
        });
    }

    fn run_controls(&self, ui: &mut Ui, out: &mut Vec<Action>) {
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
                out.push(Action::Start);
            }
            if ui
                .add_enabled(running, egui::Button::new("Stop"))
                .on_hover_text("Stop now and keep what was measured (Esc)")
                .clicked()
            {
                out.push(Action::Stop);
            }
            super::estimate::label(ui, &self.editor.profile, self.editor.is_valid());
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
        if let Some(message) = &self.status.error {
            ui.label(RichText::new(message).color(ui.visuals().error_fg_color));
        }
        if let Some(notice) = &self.status.notice {
            ui.label(notice);
        }
    }

    fn status_bar(&self, ui: &mut Ui) {
        ui.horizontal(|ui| match self.runner.progress() {
            Some(p) if p.run_index < p.run_count => {
                if p.rounds > 1 {
                    ui.label(format!("Round {} of {} ·", p.round + 1, p.rounds));
                }
                ui.label(format!(
                    "Run {} of {}: {}",
                    p.run_index + 1,
                    p.run_count,
                    p.label
                ));
                let elapsed = p.live.elapsed.as_secs_f64();
                let (fraction, remaining) = match p.stop {
                    Some(Stop::Tasks(n)) => {
                        let f = (p.live.tasks_done as f64 / n as f64).clamp(0.0, 1.0);
                        let rem = (f > 0.01).then(|| elapsed / f - elapsed);
                        (f, rem)
                    }
                    Some(Stop::Duration(d)) => {
                        ((elapsed / d).clamp(0.0, 1.0), Some((d - elapsed).max(0.0)))
                    }
                    None => (0.0, None),
                };
                ui.add(
                    egui::ProgressBar::new(fraction as f32)
                        .desired_width(200.0)
                        .show_percentage(),
                );
                ui.label(format!(
                    "{} tasks · {elapsed:.1} s elapsed",
                    p.live.tasks_done
                ));
                if let Some(rem) = remaining {
                    ui.label(format!("· about {rem:.1} s left in this run"));
                }
            }
            _ => {
                ui.label(self.ready_line());
            }
        });
    }

    fn charts(&self, ui: &mut Ui, out: &mut Vec<Action>) {
        if self.view.welcome && self.runner.history.is_empty() && !self.runner.is_running() {
            return welcome::welcome(ui, &self.settings.recent, out);
        }
        // The tabs wrap onto a second line in a narrow window rather than push the chart
        // under the history panel; the hint shows only where it fits beside them.
        ui.horizontal_wrapped(|ui| {
            for (tab, title, _) in charts::tabs() {
                if ui
                    .selectable_label(self.settings.tab == tab, title)
                    .clicked()
                {
                    out.push(Action::ShowTab(tab));
                }
            }
            pan_hint(ui, self.settings.tab);
        });
        ui.separator();
        let live = self.runner.live();
        let mut series: Vec<Series> = self
            .runner
            .history
            .iter()
            .filter(|e| e.visible)
            .map(|e| Series {
                name: e.legend(),
                color: palette::color(e.id),
                result: &e.result,
                origin: e.origin.as_deref(),
            })
            .collect();
        if let Some(live) = live
            .as_deref()
            .filter(|_| repaint::shows_live(self.settings.tab))
        {
            series.push(live_series(live, self.runner.live_id));
        }
        let selected = self.cpu_series(live.as_deref());
        // Only the summary lists the verdicts: the other tabs need not work them out.
        let notes = if repaint::shows_live(self.settings.tab) {
            Default::default()
        } else {
            let key = self.runner.shown_key();
            self.view.notes.get(key, || self.summary_notes())
        };
        let shown = charts::Shown {
            series: &series,
            notes: &notes,
            cpu_run: selected.as_ref(),
        };
        charts::show(ui, self.settings.tab, &shown, out);
    }

    /// What the summary says under its table: the environment warnings of the shown runs'
    /// machines, the verdicts, and the runs against the baseline.
    fn summary_notes(&self) -> crate::gui::summary::Notes {
        let mut environment: Vec<String> = Vec::new();
        for entry in self.runner.history.iter().filter(|e| e.visible) {
            for warning in entry.host.warnings() {
                if !environment.contains(&warning) {
                    environment.push(warning);
                }
            }
        }
        let baseline = self.runner.baseline_name().map(|name| {
            (
                name,
                self.runner
                    .baseline_verdicts(super::history::BASELINE_THRESHOLD_PCT),
            )
        });
        crate::gui::summary::Notes {
            environment,
            verdicts: self.runner.verdicts(),
            findings: self.runner.findings(),
            fits: self.runner.fits(),
            baseline,
        }
    }

    /// The run whose CPU chart shows: the one picked in the history, else the live run,
    /// else the newest.
    fn cpu_series<'a>(&'a self, live: Option<&'a RunResult>) -> Option<Series<'a>> {
        let of = |e: &'a HistoryEntry| Series {
            name: e.legend(),
            color: palette::color(e.id),
            result: &e.result,
            origin: e.origin.as_deref(),
        };
        match self.view.cpu_run {
            Some(id) => self.runner.history.iter().find(|e| e.id == id).map(of),
            None => live
                .map(|l| live_series(l, self.runner.live_id))
                .or_else(|| self.runner.history.last().map(of)),
        }
    }
}

/// The About window, kept in `area` (below the menu bar, which it must not cover); `open` is
/// cleared when the user closes it.
fn about(
    ctx: &egui::Context,
    area: egui::Rect,
    host: &crate::results::Host,
    worker: &str,
    open: &mut bool,
) {
    egui::Window::new("About parlab")
            .constrain_to(area)
            .default_pos(area.center_top() + egui::vec2(0.0, 24.0))
            .pivot(egui::Align2::CENTER_TOP)
            .max_width(area.width().min(560.0))
            .open(open)
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
                    ui.label("Worker processes");
                    ui.add(egui::Label::new(worker).wrap());
                    ui.end_row();
                });
            });
}

/// How to move around a chart, right-aligned after the tabs: only on the tabs whose charts
/// pan, and only where it fits on the tabs' line (it is left out rather than drawn over them).
fn pan_hint(ui: &mut Ui, tab: crate::chart::ChartKind) {
    use crate::chart::ChartKind;
    const HINT: &str = "drag: pan · Ctrl+scroll: zoom · double-click: reset";
    if matches!(tab, ChartKind::Dashboard | ChartKind::Findings) {
        return;
    }
    let text = egui::WidgetText::from(egui::RichText::new(HINT).weak());
    let galley = text.into_galley(
        ui,
        Some(egui::TextWrapMode::Extend),
        f32::INFINITY,
        egui::TextStyle::Body,
    );
    // What is left of this line: in a wrapping row, available_width() is the whole row's.
    let left = ui.max_rect().right() - ui.cursor().left();
    if left > galley.size().x + 24.0 {
        ui.with_layout(egui::Layout::right_to_left(egui::Align::Center), |ui| {
            ui.label(galley);
        });
    }
}

fn live_series(live: &RunResult, id: u64) -> Series<'_> {
    Series {
        name: crate::chart::legend_name(id, live, None),
        color: palette::color(id),
        result: live,
        origin: None,
    }
}
