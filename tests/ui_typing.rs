//! Typing in the editor through a validation message: the "N problem(s) to fix" line and the
//! inline errors appear and disappear while the user types, and no keystroke may be lost
//! (issue 15, item 1: the fields' automatic ids shifted, so the focused field lost focus).

mod common;

use common::ui::{app_with, harness};
use eframe::egui;
use egui_kittest::Harness;
use egui_kittest::kittest::{NodeT, Queryable};
use parlab::gui::ParlabApp;
use parlab::profile::{Profile, Workers};
use parlab::workload::WorkloadSpec;

/// One thing the user does in the focused field.
#[derive(Clone, Copy)]
enum Step {
    /// Ctrl+A.
    SelectAll,
    /// Backspace.
    Erase,
    /// Types these characters one at a time, a frame apart.
    Type(&'static str),
}
use Step::{Erase, SelectAll, Type};

/// A field, what to do in it, and a check of the profile once done.
struct Case {
    /// The run selected in the editor.
    run: usize,
    /// The field's label.
    label: &'static str,
    /// What the user does, after focusing the field once.
    steps: &'static [Step],
    /// An invalid value on the way: the test checks the error shows at some point.
    error: Option<&'static str>,
    /// The edited profile once done.
    check: fn(&Profile) -> bool,
}

const WORKERS: &str = "Workers (a count, or a sweep: 1, 2, 4 or 1-8)";

fn workload_toml(kind: &str) -> String {
    toml::to_string(&WorkloadSpec::default_of(kind).expect("a kind")).expect("serialises")
}

/// Run 1: threads × cpu by tasks; run 2: processes × python by duration; run 3: a command.
fn app() -> Harness<'static, ParlabApp> {
    let runs = [
        common::run_table("threads", "1", "tasks = 100", &workload_toml("cpu")),
        common::run_table("processes", "1", "duration_s = 1", &workload_toml("python")),
        common::run_table("threads", "1", "tasks = 10", &workload_toml("command")),
    ];
    harness(app_with(Some(&common::profile(&runs))))
}

/// The text the field shows.
fn field_text(h: &Harness<'_, ParlabApp>, label: &str) -> String {
    h.get_by_label(label)
        .accesskit_node()
        .value()
        .unwrap_or_default()
}

/// Does `steps` in `label`'s field after focusing it once; after every character, the field
/// must show everything typed so far. The error says what went wrong first.
fn type_through(h: &mut Harness<'_, ParlabApp>, case: &Case) -> Result<(), String> {
    h.state_mut().editor.selected = case.run;
    h.run_steps(2);
    h.get_by_label(case.label).focus();
    h.run_steps(2);
    let mut expected = field_text(h, case.label);
    let mut all_selected = false;
    let mut error_seen = false;
    for step in case.steps {
        match *step {
            SelectAll => {
                h.key_press_modifiers(egui::Modifiers::COMMAND, egui::Key::A);
                all_selected = true;
            }
            Erase => {
                h.key_press(egui::Key::Backspace);
                if std::mem::take(&mut all_selected) {
                    expected.clear();
                } else {
                    expected.pop();
                }
            }
            Type(text) => {
                for c in text.chars() {
                    h.event(egui::Event::Text(c.to_string()));
                    if std::mem::take(&mut all_selected) {
                        expected.clear();
                    }
                    expected.push(c);
                    h.run_steps(2);
                    error_seen |= case.error.is_some_and(|e| h.query_by_label(e).is_some());
                    let shown = field_text(h, case.label);
                    if shown != expected {
                        return Err(format!(
                            "{}: typed {expected:?}, the field shows {shown:?}",
                            case.label
                        ));
                    }
                }
            }
        }
        h.run_steps(2);
        error_seen |= case.error.is_some_and(|e| h.query_by_label(e).is_some());
    }
    if let Some(error) = case.error.filter(|_| !error_seen) {
        return Err(format!("{}: the error {error:?} never showed", case.label));
    }
    if !(case.check)(&h.state().editor.profile) {
        return Err(format!(
            "{}: the profile does not hold what was typed",
            case.label
        ));
    }
    Ok(())
}

#[test]
fn typing_in_workers_through_an_error_keeps_every_character() {
    let mut h = app();
    let case = Case {
        run: 0,
        label: WORKERS,
        steps: &[SelectAll, Type("0")],
        error: Some("1 problem(s) to fix before starting"),
        check: |p| p.runs[0].workers.counts() == [0],
    };
    type_through(&mut h, &case).unwrap_or_else(|e| panic!("{e}"));
    // The error is showing now; the field keeps its focus.
    let case = Case {
        steps: &[Type("7")],
        error: None,
        check: |p| p.runs[0].workers == Workers::parse("07").expect("a count"),
        ..case
    };
    type_through_focused(&mut h, &case, "07");
    let case = Case {
        steps: &[SelectAll, Type("1, 2")],
        check: |p| p.runs[0].workers.counts() == [1, 2],
        ..case
    };
    type_through_focused(&mut h, &case, "1, 2");
    assert!(h.state().editor.is_valid(), "no problem left");
}

/// Continues typing in the field that has the focus (no new focus request) and checks the
/// field ends with `expected`.
fn type_through_focused(h: &mut Harness<'_, ParlabApp>, case: &Case, expected: &str) {
    for step in case.steps {
        match *step {
            SelectAll => h.key_press_modifiers(egui::Modifiers::COMMAND, egui::Key::A),
            Erase => h.key_press(egui::Key::Backspace),
            Type(text) => {
                for c in text.chars() {
                    h.event(egui::Event::Text(c.to_string()));
                    h.run_steps(2);
                }
            }
        }
        h.run_steps(2);
    }
    assert_eq!(field_text(h, case.label), expected, "{}", case.label);
    assert!((case.check)(&h.state().editor.profile), "{}", case.label);
}

#[test]
fn typing_in_every_editor_field_through_an_error_keeps_every_character() {
    let count = |n: usize| match n {
        1 => "1 problem(s) to fix before starting",
        _ => "2 problem(s) to fix before starting",
    };
    let cases = [
        Case {
            run: 0,
            label: "Name",
            steps: &[SelectAll, Type(" x")],
            error: Some("name must not be empty"),
            check: |p| p.name == " x",
        },
        Case {
            run: 0,
            label: "Description",
            steps: &[SelectAll, Type("ab c")],
            error: None,
            check: |p| p.description == "ab c",
        },
        Case {
            run: 0,
            label: "Label (empty: automatic)",
            steps: &[SelectAll, Type(" x")],
            error: Some("label must not be empty"),
            check: |p| p.runs[0].label.as_deref() == Some(" x"),
        },
        Case {
            run: 0,
            label: WORKERS,
            steps: &[SelectAll, Type("0"), Type("7"), SelectAll, Type("1, 2")],
            error: Some(count(1)),
            check: |p| p.runs[0].workers.counts() == [1, 2],
        },
        Case {
            run: 0,
            label: "Tasks",
            steps: &[SelectAll, Type("07")],
            error: Some("tasks must be at least 1, got 0"),
            check: |p| p.runs[0].tasks == Some(7),
        },
        Case {
            run: 0,
            label: "Stall timeout (s)",
            steps: &[SelectAll, Type("03")],
            error: Some(count(1)),
            check: |p| p.runs[0].stall_timeout_s == Some(3.0),
        },
        Case {
            run: 0,
            label: "Iterations",
            steps: &[SelectAll, Type("05")],
            error: Some(count(1)),
            check: |p| matches!(&p.runs[0].workload, WorkloadSpec::Cpu(c) if c.iterations == 5),
        },
        Case {
            run: 1,
            label: "Duration (s)",
            steps: &[SelectAll, Type("0.5")],
            error: Some(count(1)),
            check: |p| p.runs[1].duration_s == Some(0.5),
        },
        Case {
            run: 1,
            label: "Python code defining task(i)",
            steps: &[SelectAll, Type("def task(i): pass")],
            error: Some(count(1)),
            check: |p| matches!(&p.runs[1].workload, WorkloadSpec::Python(c) if c.code == "def task(i): pass"),
        },
        Case {
            run: 1,
            label: "Interpreter",
            steps: &[SelectAll, Type(" py")],
            error: Some("interpreter must name a program, like python3"),
            check: |p| matches!(&p.runs[1].workload, WorkloadSpec::Python(c) if c.interpreter == " py"),
        },
        Case {
            run: 2,
            label: "Program and arguments, one per line (no shell)",
            steps: &[SelectAll, Erase, Type("/bin/true")],
            error: Some("argv must name a program, like [\"/bin/true\"]"),
            check: |p| matches!(&p.runs[2].workload, WorkloadSpec::Command(c) if c.argv == ["/bin/true"]),
        },
    ];
    let mut failures = Vec::new();
    for case in &cases {
        let mut h = app();
        match type_through(&mut h, case) {
            Ok(()) if !h.state().editor.is_valid() => {
                failures.push(format!("{}: a problem is left", case.label));
            }
            Ok(()) => {}
            Err(e) => failures.push(e),
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn two_runs_fields_have_different_ids() {
    let mut h = app();
    let id_of =
        |h: &Harness<'_, ParlabApp>, label: &str| h.get_by_label(label).accesskit_node().id();
    let mut ids = Vec::new();
    for run in [0, 2] {
        h.state_mut().editor.selected = run;
        h.run_steps(2);
        ids.push([id_of(&h, WORKERS), id_of(&h, "Label (empty: automatic)")]);
    }
    assert_ne!(ids[0][0], ids[1][0], "the runs' Workers fields differ");
    assert_ne!(ids[0][1], ids[1][1], "the runs' Label fields differ");
    assert_ne!(ids[0][0], ids[0][1], "one run's fields differ");
}
