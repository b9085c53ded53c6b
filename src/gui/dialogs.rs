//! Choosing a file: the desktop's native dialog (rfd, through the XDG portal) on a thread of
//! its own, and an in-app path prompt whenever no native dialog can be shown. rfd answers
//! `None` at once when no portal exists, exactly like a cancel; a "cancel" that comes back
//! faster than a person can click is taken to mean that, and the prompt opens instead.
//!
//! Both start in one folder, shown to the user: the folder of the last file chosen, else the
//! profile's folder, else the home folder. Suggested names are made absolute in it, and a
//! relative path typed into the prompt is resolved against it (never against the folder the
//! app happened to be started from, which the user cannot see).

use eframe::egui::{self, Key, RichText, Ui};
use std::path::{Path, PathBuf};
use std::sync::mpsc::{self, Receiver, TryRecvError};
use std::time::{Duration, Instant};

/// What the chosen path is for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Purpose {
    /// Open a profile.
    Open,
    /// Save the profile under a new name.
    SaveAs,
    /// Add saved results to the history.
    OpenResults,
    /// Export the current chart as PNG.
    ChartPng,
    /// Export the current chart as SVG.
    ChartSvg,
    /// Export every chart into a folder.
    ChartsFolder,
    /// Export the results as JSON.
    ResultsJson,
    /// Export the results as CSV.
    ResultsCsv,
    /// Export the findings and the summary as a Markdown report.
    ReportMarkdown,
    /// Export the workers' spans as a Chrome trace (Perfetto).
    Trace,
}

impl Purpose {
    fn title(self) -> &'static str {
        match self {
            Purpose::Open => "Open profile",
            Purpose::SaveAs => "Save profile as",
            Purpose::OpenResults => "Open results",
            Purpose::ChartPng => "Export chart as PNG",
            Purpose::ChartSvg => "Export chart as SVG",
            Purpose::ChartsFolder => "Export all charts to a folder",
            Purpose::ResultsJson => "Export results as JSON",
            Purpose::ResultsCsv => "Export results as CSV",
            Purpose::ReportMarkdown => "Export a report as Markdown",
            Purpose::Trace => "Export a trace for Perfetto",
        }
    }

    fn button(self) -> &'static str {
        match self {
            Purpose::Open | Purpose::OpenResults => "Open",
            Purpose::SaveAs => "Save",
            _ => "Export",
        }
    }

    /// The file type a dialog should offer: (name, extension); `None` for a folder.
    fn filter(self) -> Option<(&'static str, &'static str)> {
        match self {
            Purpose::Open | Purpose::SaveAs => Some(("parlab profile", "toml")),
            Purpose::OpenResults | Purpose::ResultsJson => Some(("parlab results", "json")),
            Purpose::ChartPng => Some(("PNG image", "png")),
            Purpose::ChartSvg => Some(("SVG image", "svg")),
            Purpose::ResultsCsv => Some(("CSV table", "csv")),
            Purpose::ReportMarkdown => Some(("Markdown report", "md")),
            Purpose::Trace => Some(("Chrome trace (Perfetto)", "json")),
            Purpose::ChartsFolder => None,
        }
    }

    fn picks_existing(self) -> bool {
        matches!(self, Purpose::Open | Purpose::OpenResults)
    }
}

/// A native dialog that has been asked for and not yet answered.
struct Pending {
    purpose: Purpose,
    asked: Instant,
    answer: Receiver<Option<PathBuf>>,
}

/// The in-app path prompt.
struct Prompt {
    purpose: Purpose,
    path: String,
    reason: Option<String>,
    /// What a relative path is resolved against (shown).
    folder: PathBuf,
}

/// Native dialogs with the in-app fallback.
pub struct FileChooser {
    native: bool,
    pending: Option<Pending>,
    prompt: Option<Prompt>,
    /// The folder of the last path chosen, where the next dialog starts.
    last_folder: Option<PathBuf>,
}

/// An answer faster than this is not a person pressing Cancel.
const TOO_FAST: Duration = Duration::from_millis(300);

impl FileChooser {
    /// A chooser; `native: false` always uses the in-app prompt (tests, or by choice).
    pub fn new(native: bool) -> Self {
        Self {
            native,
            pending: None,
            prompt: None,
            last_folder: None,
        }
    }

    /// Where the next dialog starts: the folder of the last path chosen, else `near` (the
    /// profile's folder), else the home folder; always absolute.
    pub fn folder(&self, near: Option<&Path>) -> PathBuf {
        let home = std::env::var_os("HOME").map(PathBuf::from);
        let folder = (self.last_folder.clone())
            .or_else(|| near.map(Path::to_path_buf))
            .or(home)
            .unwrap_or_else(|| PathBuf::from("."));
        std::path::absolute(&folder).unwrap_or(folder)
    }

    /// Remembers where `path` (chosen for `purpose`) is, for the next dialog.
    fn chosen(&mut self, purpose: Purpose, path: &Path) {
        let folder = match purpose.filter() {
            None => Some(path),
            Some(_) => path.parent(),
        };
        self.last_folder = folder.filter(|f| f.is_absolute()).map(Path::to_path_buf);
    }

    /// True while a dialog or the prompt is open.
    pub fn is_open(&self) -> bool {
        self.pending.is_some() || self.prompt.is_some()
    }

    /// Asks for a path, suggesting `suggested` (a name, made absolute in [`folder`](Self::folder),
    /// or a path; empty for none); `near` is the profile's folder. The answer comes from
    /// [`poll`](Self::poll) or [`ui`](Self::ui).
    pub fn ask(&mut self, purpose: Purpose, suggested: &str, near: Option<&Path>) {
        if self.is_open() {
            return;
        }
        let folder = self.folder(near);
        let suggested = match suggested {
            "" => PathBuf::new(),
            s => folder.join(expand_home(s)),
        };
        if !self.native {
            return self.open_prompt(purpose, &suggested, None, folder);
        }
        if let Some(reason) = no_portal_reason() {
            return self.open_prompt(purpose, &suggested, Some(reason), folder);
        }
        let (tx, answer) = mpsc::channel();
        let start_in = suggested.parent().map_or(folder.clone(), Path::to_path_buf);
        let suggested_name = (suggested.file_name())
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        let spawned = std::thread::Builder::new()
            .name("parlab-file-dialog".into())
            .spawn(move || {
                let mut dialog = rfd::FileDialog::new()
                    .set_title(purpose.title())
                    .set_directory(&start_in);
                if let Some((name, ext)) = purpose.filter() {
                    dialog = dialog.add_filter(name, &[ext]);
                }
                let picked = match purpose.filter() {
                    None => dialog.pick_folder(),
                    Some(_) if purpose.picks_existing() => dialog.pick_file(),
                    Some(_) => dialog.set_file_name(suggested_name).save_file(),
                };
                let _ = tx.send(picked);
            });
        match spawned {
            Ok(_) => {
                self.pending = Some(Pending {
                    purpose,
                    asked: Instant::now(),
                    answer,
                })
            }
            Err(e) => self.open_prompt(
                purpose,
                &suggested,
                Some(format!("The file dialog could not start ({e}).")),
                folder,
            ),
        }
    }

    fn open_prompt(
        &mut self,
        purpose: Purpose,
        suggested: &Path,
        reason: Option<String>,
        folder: PathBuf,
    ) {
        self.prompt = Some(Prompt {
            purpose,
            path: suggested.display().to_string(),
            reason,
            folder,
        });
    }

    /// Checks on a native dialog; returns the chosen path once there is one.
    pub fn poll(&mut self, ctx: &egui::Context) -> Option<(Purpose, PathBuf)> {
        let pending = self.pending.as_ref()?;
        match pending.answer.try_recv() {
            Ok(Some(path)) => {
                let purpose = pending.purpose;
                self.pending = None;
                self.chosen(purpose, &path);
                Some((purpose, path))
            }
            Ok(None) | Err(TryRecvError::Disconnected) => {
                let (purpose, fast) = (pending.purpose, pending.asked.elapsed() < TOO_FAST);
                self.pending = None;
                if fast {
                    let folder = self.folder(None);
                    self.open_prompt(
                        purpose,
                        Path::new(""),
                        Some("The desktop's file dialog did not open (no file-chooser portal answered).".into()),
                        folder,
                    );
                }
                None
            }
            Err(TryRecvError::Empty) => {
                ctx.request_repaint_after(Duration::from_millis(50));
                None
            }
        }
    }

    /// Draws the prompt when it is open; returns the path the user confirmed.
    pub fn ui(&mut self, ctx: &egui::Context) -> Option<(Purpose, PathBuf)> {
        let prompt = self.prompt.as_mut()?;
        let mut result = None;
        let mut close = false;
        egui::Window::new(prompt.purpose.title())
            .collapsible(false)
            .resizable(false)
            .anchor(egui::Align2::CENTER_CENTER, egui::vec2(0.0, 0.0))
            .show(ctx, |ui: &mut Ui| {
                if let Some(reason) = &prompt.reason {
                    ui.label(
                        RichText::new(format!("{reason} Type the file's path instead.")).weak(),
                    );
                }
                let label = ui.label("Path");
                let edit = ui
                    .add(egui::TextEdit::singleline(&mut prompt.path).desired_width(420.0))
                    .labelled_by(label.id);
                if !edit.has_focus() && !edit.lost_focus() {
                    edit.request_focus();
                }
                ui.label(
                    RichText::new(format!(
                        "Relative paths are resolved against {}",
                        prompt.folder.display()
                    ))
                    .weak(),
                );
                let submitted = edit.lost_focus() && ui.input(|i| i.key_pressed(Key::Enter));
                ui.horizontal(|ui| {
                    let path = prompt.path.trim();
                    if (ui
                        .add_enabled(!path.is_empty(), egui::Button::new(prompt.purpose.button()))
                        .clicked()
                        || submitted)
                        && !path.is_empty()
                    {
                        result = Some((prompt.purpose, prompt.folder.join(expand_home(path))));
                        close = true;
                    }
                    if ui.button("Cancel").clicked() || ui.input(|i| i.key_pressed(Key::Escape)) {
                        close = true;
                    }
                });
            });
        if close {
            self.prompt = None;
        }
        if let Some((purpose, path)) = &result {
            self.chosen(*purpose, path);
        }
        result
    }
}

/// `~/x.toml` → `$HOME/x.toml`, as a shell would.
fn expand_home(path: &str) -> PathBuf {
    match (path.strip_prefix("~/"), std::env::var_os("HOME")) {
        (Some(rest), Some(home)) => PathBuf::from(home).join(rest),
        _ => PathBuf::from(path),
    }
}

/// Why no native dialog can appear, when that is already known: the portal is reached over
/// the D-Bus session bus, and without one rfd can only answer "cancelled".
fn no_portal_reason() -> Option<String> {
    if !cfg!(target_os = "linux") {
        return None;
    }
    let has_bus = std::env::var_os("DBUS_SESSION_BUS_ADDRESS").is_some()
        || std::env::var_os("XDG_RUNTIME_DIR")
            .is_some_and(|d| PathBuf::from(d).join("bus").exists());
    (!has_bus).then(|| "No desktop file dialog is available here (no D-Bus session).".to_string())
}
