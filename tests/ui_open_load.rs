//! The editor's load choice (issue 17): "as fast as possible" or a fixed arrival rate, with
//! the rate (or a sweep) typed like the workers, the arrivals' spacing, located errors, and a
//! saved profile that loses every load field again when the closed loop is chosen back.

mod common;

use common::ui::{app_with, harness};
use eframe::egui;
use egui_kittest::Harness;
use egui_kittest::kittest::{NodeT, Queryable};
use parlab::gui::ParlabApp;
use parlab::gui::actions::Action;
use parlab::gui::load_editor::RATE_LABEL;
use parlab::profile::arrivals::{Arrivals, Rates};

fn app() -> Harness<'static, ParlabApp> {
    let runs = [common::run_table(
        "pool",
        "4",
        "duration_s = 1",
        "kind = \"sleep\"\nms = 5",
    )];
    harness(app_with(Some(&common::profile(&runs))))
}

/// Selects everything in the focused field and types `text`, a character a frame.
fn retype(h: &mut Harness<'_, ParlabApp>, text: &str) {
    h.key_press_modifiers(egui::Modifiers::COMMAND, egui::Key::A);
    for c in text.chars() {
        h.event(egui::Event::Text(c.to_string()));
        h.run_steps(2);
    }
    h.run_steps(2);
}

fn rate(h: &Harness<'_, ParlabApp>) -> Option<Rates> {
    h.state().editor.profile.runs[0].arrival_rate.clone()
}

fn saved(h: &mut Harness<'_, ParlabApp>, dir: &std::path::Path, name: &str) -> String {
    let path = dir.join(name);
    h.state_mut().apply(Action::SaveTo(path.clone()));
    h.run_steps(2);
    std::fs::read_to_string(&path).expect("the profile was saved")
}

#[test]
fn a_fixed_arrival_rate_is_typed_checked_saved_and_removed_again() {
    let dir = tempfile::tempdir().unwrap();
    let mut h = app();
    assert!(
        h.query_by_label(RATE_LABEL).is_none(),
        "closed loop: no rate field"
    );
    h.get_by_label("fixed arrival rate").click();
    h.run_steps(2);
    assert_eq!(rate(&h), Some(Rates(vec![100.0])), "a first rate to edit");

    h.get_by_label(RATE_LABEL).focus();
    h.run_steps(2);
    retype(&mut h, "200, 400 x");
    // The error shows where the rate is typed, and keeps the profile from starting.
    assert!(
        h.query_by_label_contains("\"x\" is not a number of tasks per second")
            .is_some(),
        "the located error shows"
    );
    assert!(!h.state().editor.is_valid());
    retype(&mut h, "200, 400");
    let shown = h.get_by_label(RATE_LABEL).accesskit_node().value();
    assert_eq!(
        shown.as_deref(),
        Some("200, 400"),
        "the field keeps what was typed"
    );
    assert_eq!(rate(&h), Some(Rates(vec![200.0, 400.0])));
    assert!(
        h.state().editor.is_valid(),
        "{:?}",
        h.state().editor.problems()
    );

    // A rate the profile refuses (0) is marked with the profile's own sentence.
    retype(&mut h, "0");
    assert!(
        h.query_by_label_contains("arrival_rate must be more than 0")
            .is_some()
    );
    retype(&mut h, "250");
    h.get_by_label("poisson").click();
    h.run_steps(2);
    let run = &h.state().editor.profile.runs[0];
    assert_eq!(run.arrivals, Some(Arrivals::Poisson));
    assert!(h.state().editor.is_valid());
    let text = saved(&mut h, dir.path(), "open.toml");
    assert!(text.contains("arrival_rate = 250\n"), "{text}");
    assert!(text.contains("arrivals = \"poisson\""), "{text}");
    // The saved profile plans an open run at 250/s.
    let plan = parlab::profile::parse_str(&text, "open.toml")
        .unwrap()
        .plan();
    assert_eq!(plan[0].load.map(|l| l.rate), Some(250.0));

    h.get_by_label("as fast as possible").click();
    h.run_steps(2);
    assert!(h.query_by_label(RATE_LABEL).is_none());
    let run = &h.state().editor.profile.runs[0];
    assert_eq!(
        (run.arrival_rate.clone(), run.arrivals, run.max_queue),
        (None, None, None)
    );
    let text = saved(&mut h, dir.path(), "closed.toml");
    assert!(!text.contains("arrival"), "no load field is left: {text}");
    assert!(!text.contains("max_queue"), "{text}");
    assert!(h.state().editor.is_valid());
    // Choosing the fixed rate again brings back the rate last typed.
    h.get_by_label("fixed arrival rate").click();
    h.run_steps(2);
    assert_eq!(rate(&h), Some(Rates(vec![250.0])));
}
