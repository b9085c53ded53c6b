//! The workload editor, drawn for every kind from the fields the kind describes: its own
//! explanation (the Python kind used to show the fault paragraph), its fields, the kind menu,
//! and edits of each sort of field with their inline errors.

mod common;

use common::ui::{app_with, harness};
use eframe::egui;
use egui_kittest::Harness;
use egui_kittest::kittest::{NodeT, Queryable};
use parlab::gui::ParlabApp;
use parlab::profile::Model;
use parlab::validation::FieldPath;
use parlab::workload::{Fault, KindInfo, LockKind, Python, WorkloadSpec};

/// The app editing one threads run of `spec`.
fn editing(spec: &WorkloadSpec) -> Harness<'static, ParlabApp> {
    let workload = toml::to_string(spec).expect("a workload serialises");
    let run = common::run_table("threads", "1", "tasks = 1", &workload);
    harness(app_with(Some(&common::profile(&[run]))))
}

fn workload<'a>(h: &'a Harness<'_, ParlabApp>) -> &'a WorkloadSpec {
    &h.state().editor.profile.runs[0].workload
}

/// Selects what a text field holds and types `text` over it (or deletes it).
fn retype(h: &mut Harness<'_, ParlabApp>, label: &str, text: &str) {
    h.get_by_label(label).focus();
    h.run_steps(1);
    h.key_press_modifiers(egui::Modifiers::COMMAND, egui::Key::A);
    if text.is_empty() {
        h.key_press(egui::Key::Backspace);
    } else {
        h.get_by_label(label).type_text(text);
    }
    h.run_steps(3);
}

#[test]
fn the_python_workload_shows_the_python_explanation() {
    let h = editing(&WorkloadSpec::default_of("python").expect("python is a kind"));
    h.get_by_label(Python::EXPLANATION);
    assert!(
        h.query_by_label(Fault::EXPLANATION).is_none(),
        "the fault paragraph is not shown for Python"
    );
}

#[test]
fn every_kind_shows_its_own_explanation_and_fields() {
    for &kind in WorkloadSpec::KINDS {
        let mut spec = WorkloadSpec::default_of(kind).expect("every listed kind has a default");
        let h = editing(&spec);
        assert_eq!(workload(&h).kind(), kind);
        assert_eq!(
            h.get_all_by_label(spec.explanation()).count(),
            1,
            "{kind}: its explanation is shown"
        );
        for other in WorkloadSpec::KINDS.iter().filter(|&&k| k != kind) {
            let other = WorkloadSpec::default_of(other).expect("a kind");
            assert!(h.query_by_label(other.explanation()).is_none(), "{kind}");
        }
        for field in spec.fields() {
            // Panics unless exactly one widget carries the label.
            h.get_by_label(field.label);
        }
    }
}

#[test]
fn choosing_a_kind_in_the_menu_gives_its_defaults() {
    let mut h = editing(&WorkloadSpec::default_of("cpu").expect("cpu is a kind"));
    h.get_by_label("Workload").click();
    h.run_steps(2);
    h.get_by_label("python").click();
    h.run_steps(3);
    assert_eq!(
        workload(&h),
        &WorkloadSpec::default_of("python").expect("python is a kind")
    );
    h.get_by_label(Python::EXPLANATION);
    h.get_by_label("Python code defining task(i)");
    h.get_by_label("Interpreter");
    assert!(h.query_by_label("Iterations").is_none());
}

#[test]
fn a_number_typed_in_is_kept_and_an_invalid_one_shows_the_cli_message() {
    let mut h = editing(&WorkloadSpec::default_of("cpu").expect("cpu is a kind"));
    retype(&mut h, "Iterations", "0");
    assert!(matches!(workload(&h), WorkloadSpec::Cpu(c) if c.iterations == 0));
    let at = FieldPath::root().key("run").index(0).key("workload");
    let errors = workload(&h).validate(Model::Threads, &at);
    assert_eq!(errors.len(), 1);
    assert_eq!(errors[0].path, at.key("iterations"));
    h.get_by_label(&errors[0].message);
    assert!(!h.state().editor.is_valid());
}

#[test]
fn argv_is_edited_one_argument_per_line_keeping_blank_lines_while_typing() {
    let mut h = editing(&WorkloadSpec::default_of("command").expect("command is a kind"));
    let label = "Program and arguments, one per line (no shell)";
    retype(&mut h, label, "/bin/echo\n\nhello");
    match workload(&h) {
        WorkloadSpec::Command(c) => assert_eq!(c.argv, ["/bin/echo", "hello"]),
        other => panic!("{other:?}"),
    }
    let text = h.get_by_label(label).accesskit_node().value();
    assert_eq!(text.as_deref(), Some("/bin/echo\n\nhello"), "as typed");
    retype(&mut h, label, "");
    h.get_by_label("argv must name a program, like [\"/bin/true\"]");
}

#[test]
fn a_choice_and_a_flag_change_the_workload() {
    let mut h = editing(&WorkloadSpec::default_of("contention").expect("a kind"));
    h.get_by_label("Lock").click();
    h.run_steps(2);
    h.get_by_label("sharded").click();
    h.run_steps(3);
    assert!(matches!(workload(&h), WorkloadSpec::Contention(c) if c.lock == LockKind::Sharded));

    let mut h = editing(&WorkloadSpec::default_of("file-io").expect("a kind"));
    h.get_by_label("fsync each write").click();
    h.run_steps(3);
    assert!(matches!(workload(&h), WorkloadSpec::FileIo(f) if f.fsync));
}
