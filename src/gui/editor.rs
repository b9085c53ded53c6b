//! The profile editor in the side panel: the profile's name, its list of runs, and the
//! selected run's model, workers, stop condition and workload. Invalid values are marked
//! where they are entered, with the same sentence the command line prints.

use super::field_ids::{editor_scope, keyed};
use crate::profile::{Model, Profile, RunSpec, Workers};

use crate::validation::{FieldPath, Segment, ValidationError};
use crate::workload::{Cpu, WorkloadSpec};
use eframe::egui::{self, Color32, RichText, Ui};

/// The profile being edited, with the text the user typed where it is not yet a value.
pub struct Editor {
    /// The profile.
    pub profile: Profile,
    /// Index of the selected run.
    pub selected: usize,
    workers_text: Vec<String>,
    /// The text of each run's list field (argv) as typed, blank lines included.
    lines_text: Vec<String>,
    /// The text of each run's arrival rate as typed (`None` until first drawn).
    rates_text: Vec<Option<String>>,
    problems: Vec<ValidationError>,
    /// Set when the user changed something since the last call to [`take_changed`](Self::take_changed).
    changed: bool,
}

/// A run to start from: two thread counts of the CPU kernel.
pub fn default_run() -> RunSpec {
    RunSpec {
        label: None,
        model: Model::Threads,
        workers: Workers::sweep(vec![1, 2]),
        tasks: None,
        duration_s: Some(2.0),
        warmup_tasks: 0,
        arrival_rate: None,
        arrivals: None,
        max_queue: None,
        stall_timeout_s: None,
        chunk: None,
        workload: WorkloadSpec::Cpu(Cpu {
            iterations: 60_000,
            sizes: Default::default(),
            run_tasks: None,
        }),
    }
}

/// The profile a first launch shows.
pub fn default_profile() -> Profile {
    let mut processes = default_run();
    processes.model = Model::Processes;
    Profile {
        version: None,
        name: "CPU-bound work: threads vs processes".into(),
        description: "About 100 µs of hashing per task, on 1 and 2 workers.".into(),
        repetitions: Some(crate::profile::schedule::DEFAULT_NEW_REPETITIONS),
        order: None,
        seed: None,
        runs: vec![default_run(), processes],
    }
}

/// A one-line explanation of each model, for tooltips (the model declares it).
pub fn model_help(model: Model) -> &'static str {
    model.help()
}

impl Editor {
    /// An editor for `profile`.
    pub fn new(profile: Profile) -> Self {
        let mut editor = Self {
            profile,
            selected: 0,
            workers_text: Vec::new(),
            lines_text: Vec::new(),
            rates_text: Vec::new(),
            problems: Vec::new(),
            changed: false,
        };
        editor.reload_buffers();
        editor
    }

    /// Replaces the profile being edited.
    pub fn set_profile(&mut self, profile: Profile) {
        self.profile = profile;
        self.selected = 0;
        self.reload_buffers();
    }

    fn reload_buffers(&mut self) {
        self.workers_text = self
            .profile
            .runs
            .iter()
            .map(|r| r.workers.to_text())
            .collect();
        // Filled from each run's list field when first drawn (see `workload_fields`).
        self.lines_text = vec![String::new(); self.profile.runs.len()];
        self.rates_text = vec![None; self.profile.runs.len()];
        self.revalidate();
    }

    fn revalidate(&mut self) {
        self.problems = self.profile.validate();
        for (i, text) in self.workers_text.iter().enumerate() {
            if let Err(message) = Workers::parse(text) {
                self.problems
                    .retain(|p| !p.path.0.starts_with(&workers_path(i).0));
                self.problems
                    .push(ValidationError::new(workers_path(i), message));
            }
        }
        // A rate that does not parse replaces what the profile's last rate would say.
        for typed in super::load_editor::typed_problems(&self.profile.runs, &self.rates_text) {
            self.problems
                .retain(|p| !p.path.0.starts_with(&typed.path.0));
            self.problems.push(typed);
        }
        self.selected = self.selected.min(self.profile.runs.len().saturating_sub(1));
    }

    /// Every problem that keeps the profile from running.
    pub fn problems(&self) -> &[ValidationError] {
        &self.problems
    }

    /// True when the profile can run.
    pub fn is_valid(&self) -> bool {
        self.problems.is_empty()
    }

    /// True once after each change the user made.
    pub fn take_changed(&mut self) -> bool {
        std::mem::take(&mut self.changed)
    }

    /// Records a change made to [`profile`](Self::profile) from outside the editor's fields
    /// (a script or a test), so it counts as an unsaved edit.
    pub fn mark_changed(&mut self) {
        self.changed = true;
    }

    fn touched(&mut self) {
        self.changed = true;
        self.revalidate();
    }

    /// Draws the editor; `enabled` is false while a run is in progress.
    pub fn ui(&mut self, ui: &mut Ui, enabled: bool) {
        editor_scope(ui, |ui| self.ui_inner(ui, enabled));
    }

    fn ui_inner(&mut self, ui: &mut Ui, enabled: bool) {
        ui.add_enabled_ui(enabled, |ui| {
            egui::ScrollArea::vertical()
                .auto_shrink([false, false])
                .show(ui, |ui| {
                    self.profile_fields(ui);
                    ui.separator();
                    self.run_list(ui);
                    ui.separator();
                    if !self.profile.runs.is_empty() {
                        self.run_fields(ui);
                    }
                    self.other_problems(ui);
                });
        });
    }

    fn profile_fields(&mut self, ui: &mut Ui) {
        ui.heading("Profile");
        let root = FieldPath::root();
        let label = ui.label("Name");
        let name = egui::TextEdit::singleline(&mut self.profile.name).desired_width(f32::INFINITY);
        if keyed(ui, &root.key("name"), |ui| ui.add(name))
            .labelled_by(label.id)
            .changed()
        {
            self.touched();
        }
        show_problems(ui, &self.problems, &root.key("name"));
        let label = ui.label("Description");
        let description = egui::TextEdit::multiline(&mut self.profile.description)
            .desired_rows(2)
            .desired_width(f32::INFINITY);
        if keyed(ui, &root.key("description"), |ui| ui.add(description))
            .labelled_by(label.id)
            .changed()
        {
            self.touched();
        }
        self.repetitions_field(ui);
    }

    /// How many times each run runs: the interleaved rounds behind every interval.
    fn repetitions_field(&mut self, ui: &mut Ui) {
        let range = crate::profile::schedule::REPETITIONS;
        ui.horizontal(|ui| {
            let label = ui.label("Repetitions");
            let mut n = self.profile.rounds();
            let value = egui::DragValue::new(&mut n).range(range).speed(0.2);
            let field = keyed(ui, &FieldPath::root().key("repetitions"), |ui| {
                ui.add(value)
            })
            .labelled_by(label.id)
            .on_hover_text(
                "Run each run this many times, in rounds that run every run once in a \
                     shuffled order. Throughput is then shown with its 95 % interval and runs \
                     are compared with a verdict; 3 or more are needed for a verdict, 1 gives \
                     no uncertainty.",
            );
            if field.changed() {
                self.profile.repetitions = Some(n);
                self.touched();
            }
        });
        show_problems(ui, &self.problems, &FieldPath::root().key("repetitions"));
    }

    fn run_list(&mut self, ui: &mut Ui) {
        ui.heading("Runs");
        let plan_labels: Vec<String> = (self.profile.runs.iter())
            .zip(&self.workers_text)
            .map(|(r, typed)| r.label.clone().unwrap_or_else(|| list_label(r, typed)))
            .collect();
        for (i, label) in plan_labels.iter().enumerate() {
            let has_problem = self
                .problems
                .iter()
                .any(|p| p.path.0.get(1) == Some(&Segment::Index(i)));
            let text = if has_problem {
                RichText::new(format!("{}. {label} (fix)", i + 1))
                    .color(ui.visuals().error_fg_color)
            } else {
                RichText::new(format!("{}. {label}", i + 1))
            };
            if ui.selectable_label(self.selected == i, text).clicked() {
                self.selected = i;
            }
        }
        ui.horizontal_wrapped(|ui| {
            if ui.button("Add").on_hover_text("Add a run").clicked() {
                self.profile.runs.push(default_run());
                self.workers_text.push(default_run().workers.to_text());
                self.lines_text.push(String::new());
                self.rates_text.push(None);
                self.selected = self.profile.runs.len() - 1;
                self.touched();
            }
            let has = !self.profile.runs.is_empty();
            let i = self.selected;
            if ui
                .add_enabled(has, egui::Button::new("Duplicate"))
                .clicked()
            {
                self.profile
                    .runs
                    .insert(i + 1, self.profile.runs[i].clone());
                self.workers_text
                    .insert(i + 1, self.workers_text[i].clone());
                self.lines_text.insert(i + 1, self.lines_text[i].clone());
                self.rates_text.insert(i + 1, self.rates_text[i].clone());
                self.selected = i + 1;
                self.touched();
            }
            if ui.add_enabled(has, egui::Button::new("Remove")).clicked() {
                self.profile.runs.remove(i);
                self.workers_text.remove(i);
                self.lines_text.remove(i);
                self.rates_text.remove(i);
                self.touched();
            }
            if ui
                .add_enabled(has && i > 0, egui::Button::new("Up"))
                .on_hover_text("Move up")
                .clicked()
            {
                self.swap(i, i - 1);
            }
            if ui
                .add_enabled(
                    has && i + 1 < self.profile.runs.len(),
                    egui::Button::new("Down"),
                )
                .on_hover_text("Move down")
                .clicked()
            {
                self.swap(i, i + 1);
            }
        });
    }

    fn swap(&mut self, a: usize, b: usize) {
        self.profile.runs.swap(a, b);
        self.workers_text.swap(a, b);
        self.lines_text.swap(a, b);
        self.rates_text.swap(a, b);
        self.selected = b;
        self.touched();
    }

    fn run_fields(&mut self, ui: &mut Ui) {
        let i = self.selected;
        let at = FieldPath::root().key("run").index(i);
        ui.heading(format!("Run {}", i + 1));
        let mut changed = false;
        let problems = self.problems.clone();
        let run = &mut self.profile.runs[i];

        let label = ui.label("Label (empty: automatic)");
        let mut text = run.label.clone().unwrap_or_default();
        let edit = egui::TextEdit::singleline(&mut text).desired_width(f32::INFINITY);
        if keyed(ui, &at.key("label"), |ui| ui.add(edit))
            .labelled_by(label.id)
            .changed()
        {
            run.label = (!text.is_empty()).then_some(text);
            changed = true;
        }
        show_problems(ui, &problems, &at.key("label"));

        ui.horizontal(|ui| {
            let label = ui.label("Model");
            egui::ComboBox::from_id_salt(("model", i))
                .selected_text(run.model.name())
                .show_ui(ui, |ui| {
                    for model in Model::ALL {
                        let r = ui
                            .selectable_value(&mut run.model, model, model.name())
                            .on_hover_text(model_help(model));
                        changed |= r.changed();
                    }
                })
                .response
                .labelled_by(label.id)
                .on_hover_text(model_help(run.model));
        });

        let label = ui.label("Workers (a count, or a sweep: 1, 2, 4 or 1-8)");
        let edit =
            egui::TextEdit::singleline(&mut self.workers_text[i]).desired_width(f32::INFINITY);
        if keyed(ui, &at.key("workers"), |ui| ui.add(edit))
            .labelled_by(label.id)
            .changed()
        {
            if let Ok(w) = Workers::parse(&self.workers_text[i]) {
                run.workers = w;
            }
            changed = true;
        }
        show_problems(ui, &problems, &at.key("workers"));

        changed |= stop_fields(ui, run, &problems, &at);
        ui.horizontal(|ui| {
            let label = ui.label("Warm-up tasks");
            let value = egui::DragValue::new(&mut run.warmup_tasks).speed(1.0);
            changed |= keyed(ui, &at.key("warmup_tasks"), |ui| ui.add(value))
                .labelled_by(label.id)
                .on_hover_text("Run before measuring starts, spread over the workers; not counted.")
                .changed();
        });

        ui.horizontal(|ui| {
            let label = ui.label("Stall timeout (s)");
            let mut secs = run.stall_timeout_s.unwrap_or(crate::profile::DEFAULT_STALL_TIMEOUT_S);
            let value = egui::DragValue::new(&mut secs).speed(0.5).max_decimals(1);
            if keyed(ui, &at.key("stall_timeout_s"), |ui| ui.add(value))
                .labelled_by(label.id)
                .on_hover_text("End the run as stalled when no task completes for this long (a deadlock or a hung worker).")
                .changed()
            {
                run.stall_timeout_s = Some(secs);
                changed = true;
            }
        });
        show_problems(ui, &problems, &at.key("stall_timeout_s"));

        ui.separator();
        changed |= super::workload_editor::workload_fields(
            ui,
            run,
            &mut self.lines_text[i],
            &problems,
            &at.key("workload"),
        );
        // Under the workload: the closed loop's fields above keep their places.
        ui.separator();
        changed |=
            super::load_editor::load_fields(ui, run, &mut self.rates_text[i], &problems, &at);
        if changed {
            self.touched();
        }
    }

    fn other_problems(&self, ui: &mut Ui) {
        // Problems with the profile as a whole (for example no runs at all).
        show_problems(ui, &self.problems, &FieldPath::root());
    }
}

/// A run's name in the run list when it has no label: its model and workers as typed (the
/// profile keeps the last count that parsed, which would not be what the field shows).
fn list_label(run: &RunSpec, typed: &str) -> String {
    const LONGEST: usize = 16;
    if typed.trim().is_empty() {
        return format!("{}, no workers", run.model);
    }
    let workers = match Workers::parse(typed) {
        Ok(_) => run.workers.to_text(),
        Err(_) if typed.chars().count() > LONGEST => {
            let start: String = typed.chars().take(LONGEST - 1).collect();
            format!("{start}…")
        }
        Err(_) => typed.to_string(),
    };
    format!("{} ×{workers}", run.model)
}

/// When the run stops (after tasks or seconds) and the count or duration; true on a change.
fn stop_fields(
    ui: &mut Ui,
    run: &mut RunSpec,
    problems: &[ValidationError],
    at: &FieldPath,
) -> bool {
    let mut changed = false;
    let mut by_tasks = run.duration_s.is_none();
    ui.horizontal(|ui| {
        ui.label("Stop after");
        changed |= ui.radio_value(&mut by_tasks, true, "tasks").changed();
        changed |= ui.radio_value(&mut by_tasks, false, "seconds").changed();
    });
    if by_tasks && run.tasks.is_none() {
        run.tasks = Some(1000);
        run.duration_s = None;
    } else if !by_tasks && run.duration_s.is_none() {
        run.duration_s = Some(5.0);
        run.tasks = None;
    }
    if let Some(tasks) = run.tasks.as_mut() {
        ui.horizontal(|ui| {
            let label = ui.label("Tasks");
            let value = egui::DragValue::new(tasks).speed(10.0);
            changed |= keyed(ui, &at.key("tasks"), |ui| ui.add(value))
                .labelled_by(label.id)
                .changed();
        });
        show_problems(ui, problems, &at.key("tasks"));
    }
    if let Some(secs) = run.duration_s.as_mut() {
        ui.horizontal(|ui| {
            let label = ui.label("Duration (s)");
            let value = egui::DragValue::new(secs).speed(0.1).max_decimals(2);
            changed |= keyed(ui, &at.key("duration_s"), |ui| ui.add(value))
                .labelled_by(label.id)
                .changed();
        });
        show_problems(ui, problems, &at.key("duration_s"));
    }
    show_problems(ui, problems, at);
    changed
}

fn workers_path(i: usize) -> FieldPath {
    FieldPath::root().key("run").index(i).key("workers")
}

/// Shows, in the error colour and the normal text size (small print is unreadable for what
/// blocks Start), every problem whose path is exactly `path`.
pub(super) fn show_problems(ui: &mut Ui, problems: &[ValidationError], path: &FieldPath) {
    for p in problems
        .iter()
        .filter(|p| &p.path == path || is_element_of(&p.path, path))
    {
        ui.add(egui::Label::new(RichText::new(&p.message).color(error_color(ui))).wrap());
    }
}

/// `run[0].workers[1]` belongs under the `run[0].workers` field.
fn is_element_of(child: &FieldPath, parent: &FieldPath) -> bool {
    child.0.len() == parent.0.len() + 1
        && child.0.starts_with(&parent.0)
        && matches!(child.0.last(), Some(Segment::Index(_)))
        && !parent.0.is_empty()
        && matches!(parent.0.last(), Some(Segment::Key(_)))
}

fn error_color(ui: &Ui) -> Color32 {
    ui.visuals().error_fg_color
}
