//! The workload part of the run editor: the kind, a paragraph on what it shows, and the
//! kind's parameters, drawn from the fields each kind describes
//! ([`KindInfo::fields`](crate::workload::KindInfo::fields)), so a new kind needs no change
//! here.

use super::editor::show_problems;
use super::field_ids::keyed;
use crate::profile::RunSpec;
use crate::validation::{FieldPath, ValidationError};
use crate::workload::{Choose, Field, Value, WorkloadSpec};
use eframe::egui::{self, Response, RichText, Ui};

/// Draws the workload fields of `run`, whose workload is at `at` (`run[i].workload`: the
/// fields' ids derive from it); true when something changed.
/// `lines_text` is the text of the kind's list field (`Value::Lines`) as the user typed it,
/// blank lines included; it follows the list whenever the two disagree.
pub fn workload_fields(
    ui: &mut Ui,
    run: &mut RunSpec,
    lines_text: &mut String,
    problems: &[ValidationError],
    at: &FieldPath,
) -> bool {
    let mut changed = keyed(ui, &at.key("kind"), |ui| kind_menu(ui, run));
    ui.label(RichText::new(run.workload.explanation()).weak().small());
    for field in run.workload.fields() {
        let path = at.key(field.key);
        changed |= field_ui(ui, field, lines_text, &path);
        show_problems(ui, problems, &path);
    }
    changed
}

/// The kind menu; choosing another kind replaces the parameters with its defaults.
fn kind_menu(ui: &mut Ui, run: &mut RunSpec) -> bool {
    ui.horizontal(|ui| {
        let label = ui.label("Workload");
        let mut kind = run.workload.kind();
        egui::ComboBox::from_id_salt("kind")
            .selected_text(kind)
            .height(kind_menu_height(ui))
            .show_ui(ui, |ui| {
                for &k in WorkloadSpec::KINDS {
                    ui.selectable_value(&mut kind, k, k);
                }
            })
            .response
            .labelled_by(label.id);
        if kind != run.workload.kind()
            && let Some(spec) = WorkloadSpec::default_of(kind)
        {
            run.workload = spec;
            return true;
        }
        false
    })
    .inner
}

/// Tall enough for every kind at once (egui's default shows about eight and hides the last
/// ones, `fault` among them, below the fold), but never taller than the window: there the
/// menu scrolls.
fn kind_menu_height(ui: &Ui) -> f32 {
    let spacing = ui.spacing();
    let row = spacing
        .interact_size
        .y
        .max(ui.text_style_height(&egui::TextStyle::Button))
        + spacing.item_spacing.y;
    let all = WorkloadSpec::KINDS.len() as f32 * row + 2.0 * spacing.menu_margin.sum().y;
    all.min(ui.ctx().content_rect().height() - 2.0 * spacing.menu_margin.sum().y)
}

/// One field (at `path`) with its label and hover text; true when its value changed.
fn field_ui(ui: &mut Ui, field: Field<'_>, lines_text: &mut String, path: &FieldPath) -> bool {
    let Field {
        key: _,
        label,
        help,
        value,
    } = field;
    let keyed = |ui: &mut Ui, add: &mut dyn FnMut(&mut Ui) -> Response| keyed(ui, path, add);
    let response = match value {
        Value::Integer { value, step } => labelled(ui, label, |ui| {
            keyed(ui, &mut |ui| {
                ui.add(egui::DragValue::new(&mut *value).speed(step))
            })
        }),
        Value::Decimal { value, step } => labelled(ui, label, |ui| {
            keyed(ui, &mut |ui| {
                ui.add(egui::DragValue::new(&mut *value).speed(step))
            })
        }),
        Value::Flag(value) => keyed(ui, &mut |ui| ui.checkbox(value, label)),
        Value::Line(value) => labelled(ui, label, |ui| {
            keyed(ui, &mut |ui| ui.text_edit_singleline(value))
        }),
        Value::Code { value, rows } => above(ui, label, |ui| {
            keyed(ui, &mut |ui| ui.add(code_box(value, rows)))
        }),
        Value::Lines { value, rows } => lines(ui, label, value, lines_text, rows, path),
        Value::Choice(mut choose) => labelled(ui, label, |ui| {
            keyed(ui, &mut |ui| choice(ui, choose.as_mut()))
        }),
    };
    let response = if help.is_empty() {
        response
    } else {
        response.on_hover_text(help)
    };
    response.changed()
}

/// `label`, then on the same line the widget `add` draws, labelled by it.
fn labelled(ui: &mut Ui, label: &str, add: impl FnOnce(&mut Ui) -> Response) -> Response {
    ui.horizontal(|ui| {
        let l = ui.label(label);
        add(ui).labelled_by(l.id)
    })
    .inner
}

/// `label`, then under it the widget `add` draws, labelled by it.
fn above(ui: &mut Ui, label: &str, add: impl FnOnce(&mut Ui) -> Response) -> Response {
    let l = ui.label(label);
    add(ui).labelled_by(l.id)
}

/// A full-width code box of `rows` lines.
fn code_box(text: &mut String, rows: usize) -> egui::TextEdit<'_> {
    egui::TextEdit::multiline(text)
        .desired_rows(rows)
        .desired_width(f32::INFINITY)
        .code_editor()
}

/// A list edited one item per line in `text`, which keeps what the user typed (blank lines
/// while typing) as long as it holds the same items as `list`.
fn lines(
    ui: &mut Ui,
    label: &str,
    list: &mut Vec<String>,
    text: &mut String,
    rows: usize,
    path: &FieldPath,
) -> Response {
    let items = |t: &str| -> Vec<String> {
        t.lines()
            .filter(|l| !l.is_empty())
            .map(str::to_string)
            .collect()
    };
    if items(text) != *list {
        *text = list.join("\n");
    }
    let response = above(ui, label, |ui| {
        keyed(ui, path, |ui| ui.add(code_box(text, rows)))
    });
    if response.changed() {
        *list = items(text);
    }
    response
}

/// A menu of `choose`'s options; the response is marked changed when one was picked.
fn choice(ui: &mut Ui, choose: &mut dyn Choose) -> Response {
    let names = choose.names();
    let current = choose.selected();
    let mut picked = current;
    let mut inner = egui::ComboBox::from_id_salt("choice")
        .selected_text(current.and_then(|c| names.get(c)).copied().unwrap_or(""))
        .show_ui(ui, |ui| {
            for (n, name) in names.iter().enumerate() {
                ui.selectable_value(&mut picked, Some(n), *name);
            }
        });
    if picked != current
        && let Some(n) = picked
    {
        choose.select(n);
        inner.response.mark_changed();
    }
    inner.response
}
