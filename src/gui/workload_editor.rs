//! The workload part of the run editor: the kind, a paragraph on what it shows, and the
//! kind's parameters.

use super::editor::{argv_text, show_problems};
use crate::profile::{FieldPath, RunSpec, ValidationError};
use crate::workload::{FaultAction, LockKind, Pattern, WorkloadSpec};
use eframe::egui::{self, RichText, Ui};

/// A labelled drag value; true when changed.
fn number<N: egui::emath::Numeric>(
    ui: &mut Ui,
    label: &str,
    value: &mut N,
    speed: f64,
    help: &str,
) -> bool {
    ui.horizontal(|ui| {
        let l = ui.label(label);
        let r = ui
            .add(egui::DragValue::new(value).speed(speed))
            .labelled_by(l.id);
        let r = if help.is_empty() {
            r
        } else {
            r.on_hover_text(help)
        };
        r.changed()
    })
    .inner
}

/// A labelled choice among `options`; true when changed.
fn choice<T: PartialEq + Copy>(
    ui: &mut Ui,
    label: &str,
    id: (&str, usize),
    value: &mut T,
    options: &[(T, &str)],
) -> bool {
    let mut changed = false;
    ui.horizontal(|ui| {
        let l = ui.label(label);
        let current = options.iter().find(|o| o.0 == *value).map_or("", |o| o.1);
        egui::ComboBox::from_id_salt(id)
            .selected_text(current)
            .show_ui(ui, |ui| {
                for (option, name) in options {
                    changed |= ui.selectable_value(value, *option, *name).changed();
                }
            })
            .response
            .labelled_by(l.id);
    });
    changed
}

/// Draws the workload fields of `run` (run number `i`); true when something changed.
pub fn workload_fields(
    ui: &mut Ui,
    run: &mut RunSpec,
    argv: &mut String,
    problems: &[ValidationError],
    at: &FieldPath,
    i: usize,
) -> bool {
    let mut changed = false;
    ui.horizontal(|ui| {
        let label = ui.label("Workload");
        let mut kind = run.workload.kind();
        egui::ComboBox::from_id_salt(("kind", i))
            .selected_text(kind)
            .show_ui(ui, |ui| {
                for k in WorkloadSpec::KINDS {
                    ui.selectable_value(&mut kind, k, k);
                }
            })
            .response
            .labelled_by(label.id);
        if kind != run.workload.kind()
            && let Some(spec) = WorkloadSpec::default_of(kind)
        {
            run.workload = spec;
            *argv = argv_text(run);
            changed = true;
        }
    });
    ui.label(
        RichText::new(WorkloadSpec::explanation(run.workload.kind()))
            .weak()
            .small(),
    );
    match &mut run.workload {
        WorkloadSpec::Cpu(cpu) => {
            changed |= number(
                ui,
                "Iterations",
                &mut cpu.iterations,
                1000.0,
                "About 1.8 ns each: 55 000 iterations ≈ 100 µs",
            );
            show_problems(ui, problems, &at.key("iterations"));
        }
        WorkloadSpec::Sleep(sleep) => {
            changed |= number(ui, "Milliseconds", &mut sleep.ms, 0.5, "");
            show_problems(ui, problems, &at.key("ms"));
        }
        WorkloadSpec::Command(command) => {
            let label = ui.label("Program and arguments, one per line (no shell)");
            if ui
                .add(
                    egui::TextEdit::multiline(argv)
                        .desired_rows(3)
                        .desired_width(f32::INFINITY)
                        .code_editor(),
                )
                .labelled_by(label.id)
                .changed()
            {
                command.argv = argv
                    .lines()
                    .filter(|l| !l.is_empty())
                    .map(str::to_string)
                    .collect();
                changed = true;
            }
            show_problems(ui, problems, &at.key("argv"));
        }
        WorkloadSpec::Memory(memory) => {
            changed |= number(
                ui,
                "Bytes",
                &mut memory.bytes,
                65536.0,
                "The buffer each task reads",
            );
            show_problems(ui, problems, &at.key("bytes"));
            changed |= choice(
                ui,
                "Pattern",
                ("pattern", i),
                &mut memory.pattern,
                &[
                    (Pattern::Sequential, "sequential"),
                    (Pattern::Random, "random"),
                ],
            );
        }
        WorkloadSpec::FileIo(io) => {
            changed |= number(
                ui,
                "Bytes",
                &mut io.bytes,
                4096.0,
                "Written, read back and deleted per task",
            );
            show_problems(ui, problems, &at.key("bytes"));
            changed |= ui.checkbox(&mut io.fsync, "fsync each write").changed();
        }
        WorkloadSpec::Contention(c) => {
            changed |= choice(
                ui,
                "Lock",
                ("lock", i),
                &mut c.lock,
                &[
                    (LockKind::Mutex, "mutex"),
                    (LockKind::Rwlock, "rwlock"),
                    (LockKind::Atomic, "atomic"),
                    (LockKind::Sharded, "sharded"),
                    (LockKind::Unsynchronized, "unsynchronized"),
                    (LockKind::LockOrder, "lock-order"),
                ],
            );
            changed |= number(
                ui,
                "Critical iterations",
                &mut c.critical_iterations,
                100.0,
                "Kernel work done while holding the lock",
            );
            show_problems(ui, problems, &at.key("critical_iterations"));
        }
        WorkloadSpec::Spawn(_) => {}
        WorkloadSpec::Python(py) => {
            let label = ui.label("Python code defining task(i)");
            changed |= ui
                .add(
                    egui::TextEdit::multiline(&mut py.code)
                        .desired_rows(6)
                        .desired_width(f32::INFINITY)
                        .code_editor(),
                )
                .labelled_by(label.id)
                .changed();
            show_problems(ui, problems, &at.key("code"));
            ui.horizontal(|ui| {
                let label = ui.label("Interpreter");
                changed |= ui
                    .text_edit_singleline(&mut py.interpreter)
                    .labelled_by(label.id)
                    .changed();
            });
            show_problems(ui, problems, &at.key("interpreter"));
        }
        WorkloadSpec::Transfer(t) => {
            changed |= number(
                ui,
                "Bytes",
                &mut t.bytes,
                65536.0,
                "Data per task; copied through the pipe in the process models",
            );
            show_problems(ui, problems, &at.key("bytes"));
        }
        WorkloadSpec::Fault(fault) => {
            changed |= choice(
                ui,
                "Action",
                ("fault", i),
                &mut fault.action,
                &[
                    (FaultAction::Panic, "panic"),
                    (FaultAction::Error, "error"),
                    (FaultAction::Exit, "exit"),
                    (FaultAction::Signal, "signal"),
                    (FaultAction::Garbage, "garbage"),
                    (FaultAction::Hang, "hang"),
                ],
            );
            show_problems(ui, problems, &at.key("action"));
            changed |= number(ui, "At task", &mut fault.at_task, 1.0, "");
        }
    }
    changed
}
