//! The load part of the run editor: "as fast as possible" (the closed loop: each worker
//! takes the next task when it finished one) or a fixed arrival rate (the open model: tasks
//! arrive on a schedule whether or not a worker is free), with the rate or a sweep of rates,
//! how arrivals are spaced and the queue limit.

use super::editor::show_problems;
use super::field_ids::keyed;
use crate::profile::RunSpec;
use crate::profile::arrivals::{Arrivals, DEFAULT_MAX_QUEUE, MAX_MAX_QUEUE, Rates, rate_label};
use crate::validation::{FieldPath, ValidationError};
use eframe::egui::{self, RichText, Ui};

/// The rate field's label.
pub const RATE_LABEL: &str = "Arrival rate (tasks/s, or a sweep: 200, 400, 800)";

/// The rate a run gets when the user first chooses a fixed arrival rate.
const FIRST_RATE: &str = "100";

/// The rates typed in the field: numbers separated by commas or spaces.
pub fn parse_rates(text: &str) -> Result<Rates, String> {
    let words: Vec<&str> = text
        .split(|c: char| c == ',' || c.is_whitespace())
        .filter(|w| !w.is_empty())
        .collect();
    if words.is_empty() {
        return Err("write an arrival rate in tasks per second, like 800 or 200, 400, 800".into());
    }
    words
        .iter()
        .map(|w| {
            w.parse::<f64>()
                .ok()
                .filter(|v| v.is_finite())
                .ok_or_else(|| {
                    format!(
                        "arrival rate: \"{w}\" is not a number of tasks per second (write 800, \
                         or 200, 400, 800 for a sweep)"
                    )
                })
        })
        .collect::<Result<Vec<f64>, String>>()
        .map(Rates)
}

/// The rates as the field shows them: `200, 400, 800`.
pub fn rates_text(rates: &Rates) -> String {
    let each: Vec<String> = rates
        .0
        .iter()
        .map(|r| rate_label(*r).trim_end_matches("/s").to_string())
        .collect();
    each.join(", ")
}

/// The problems of the rate fields as typed: `texts[i]` is run `i`'s, `None` until drawn.
/// Only runs with a fixed arrival rate have a rate to parse.
pub fn typed_problems(runs: &[RunSpec], texts: &[Option<String>]) -> Vec<ValidationError> {
    runs.iter()
        .zip(texts)
        .enumerate()
        .filter(|(_, (run, _))| run.arrival_rate.is_some())
        .filter_map(|(i, (_, text))| {
            let message = parse_rates(text.as_deref()?).err()?;
            Some(ValidationError::new(rate_path(i), message))
        })
        .collect()
}

/// Where run `i`'s rate is in the profile (and its field's id).
pub fn rate_path(i: usize) -> FieldPath {
    FieldPath::root().key("run").index(i).key("arrival_rate")
}

/// Draws the load fields of `run` at `at` (`run[i]`); `text` is its rate as typed (filled
/// from the run when first drawn). True when something changed.
pub fn load_fields(
    ui: &mut Ui,
    run: &mut RunSpec,
    text: &mut Option<String>,
    problems: &[ValidationError],
    at: &FieldPath,
) -> bool {
    let typed = text.get_or_insert_with(|| {
        run.arrival_rate
            .as_ref()
            .map(rates_text)
            .unwrap_or_default()
    });
    let mut open = run.arrival_rate.is_some();
    let mut changed = false;
    ui.horizontal_wrapped(|ui| {
        ui.label("Load");
        keyed(ui, &at.key("load"), |ui| {
            changed |= ui
                .radio_value(&mut open, false, "as fast as possible")
                .on_hover_text(
                    "A closed loop: each worker takes the next task as soon as it finished \
                     one. The latency is the task's own time.",
                )
                .changed();
            changed |= ui
                .radio_value(&mut open, true, "fixed arrival rate")
                .on_hover_text(
                    "An open model: tasks arrive at a fixed rate whether or not a worker is \
                     free, as requests reach a server. Response time (end − intended start) \
                     includes the wait in the queue.",
                )
                .changed();
        });
    });
    if changed {
        switch(run, typed, open);
    }
    if open {
        changed |= open_fields(ui, run, typed, problems, at);
    }
    changed
}

/// Turns the open model on (with the typed rate, or a first one) or off (every load field
/// removed, so the saved profile is a closed loop again).
fn switch(run: &mut RunSpec, typed: &mut String, open: bool) {
    if !open {
        run.arrival_rate = None;
        run.arrivals = None;
        run.max_queue = None;
        return;
    }
    if parse_rates(typed).is_err() {
        *typed = FIRST_RATE.to_string();
    }
    run.arrival_rate = parse_rates(typed).ok();
}

/// The rate, the spacing of arrivals and the queue limit.
fn open_fields(
    ui: &mut Ui,
    run: &mut RunSpec,
    typed: &mut String,
    problems: &[ValidationError],
    at: &FieldPath,
) -> bool {
    let mut changed = false;
    let label = ui.label(RATE_LABEL);
    let edit = egui::TextEdit::singleline(typed).desired_width(f32::INFINITY);
    if keyed(ui, &at.key("arrival_rate"), |ui| ui.add(edit))
        .labelled_by(label.id)
        .changed()
    {
        if let Ok(rates) = parse_rates(typed) {
            run.arrival_rate = Some(rates);
        }
        changed = true;
    }
    show_problems(ui, problems, &at.key("arrival_rate"));
    ui.horizontal_wrapped(|ui| {
        ui.label("Arrivals");
        let mut spacing = run.arrivals.unwrap_or_default();
        keyed(ui, &at.key("arrivals"), |ui| {
            let even = ui
                .radio_value(&mut spacing, Arrivals::Uniform, "uniform")
                .on_hover_text("Exactly 1 / rate apart.");
            let random = ui
                .radio_value(&mut spacing, Arrivals::Poisson, "poisson")
                .on_hover_text(
                    "Random gaps averaging 1 / rate (seeded: the same profile gives the same \
                     schedule), as independent users send requests.",
                );
            if even.changed() || random.changed() {
                // Uniform is the default: left out of the profile.
                run.arrivals = (spacing == Arrivals::Poisson).then_some(spacing);
                changed = true;
            }
        });
    });
    show_problems(ui, problems, &at.key("arrivals"));
    changed |= queue_field(ui, run, at);
    show_problems(ui, problems, &at.key("max_queue"));
    ui.label(
        RichText::new(
            "Workers is the concurrency: the most tasks served at once. An arrival that finds \
             the queue full is dropped (counted, not run).",
        )
        .weak()
        .small(),
    );
    changed
}

/// The most arrivals kept waiting for a worker.
fn queue_field(ui: &mut Ui, run: &mut RunSpec, at: &FieldPath) -> bool {
    ui.horizontal(|ui| {
        let label = ui.label("Queue limit");
        let mut limit = run.max_queue.unwrap_or(DEFAULT_MAX_QUEUE);
        let value = egui::DragValue::new(&mut limit)
            .range(1..=MAX_MAX_QUEUE)
            .speed(100.0);
        let field = keyed(ui, &at.key("max_queue"), |ui| ui.add(value))
            .labelled_by(label.id)
            .on_hover_text(format!(
                "Arrivals waiting for a worker beyond this many are dropped (16 bytes each; \
                 default {DEFAULT_MAX_QUEUE})."
            ));
        if field.changed() {
            run.max_queue = (limit != DEFAULT_MAX_QUEUE).then_some(limit);
            return true;
        }
        false
    })
    .inner
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rates_parse_as_typed_and_read_back_as_written() {
        assert_eq!(parse_rates("800"), Ok(Rates(vec![800.0])));
        assert_eq!(
            parse_rates(" 200, 400 800,"),
            Ok(Rates(vec![200.0, 400.0, 800.0]))
        );
        assert_eq!(rates_text(&Rates(vec![200.0, 12.5])), "200, 12.5");
        let err = parse_rates("200, fast").unwrap_err();
        assert!(err.contains("\"fast\" is not a number"), "{err}");
        assert!(parse_rates("  ").is_err());
        assert!(parse_rates("inf").is_err());
    }
}
