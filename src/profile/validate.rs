//! Checks a parsed profile against the documented limits. Every error carries the path of
//! the field it is about, so the CLI can point at a line and the app at a widget.

use super::{
    FORMAT_VERSION, MAX_STALL_TIMEOUT_S, MIN_STALL_TIMEOUT_S, Model, Profile, RunSpec, Workers,
};
use crate::validation::{FieldPath, ValidationError};

impl Profile {
    /// Every problem in the profile; empty when it can run.
    pub fn validate(&self) -> Vec<ValidationError> {
        let root = FieldPath::root();
        let mut errors = Vec::new();
        if let Some(v) = self.version
            && v != FORMAT_VERSION
        {
            errors.push(ValidationError::new(
                root.key("version"),
                format!(
                    "version must be {FORMAT_VERSION}, got {v}: this parlab reads profile format {FORMAT_VERSION}"
                ),
            ));
        }
        if self.name.trim().is_empty() {
            errors.push(ValidationError::new(
                root.key("name"),
                "name must not be empty",
            ));
        }
        errors.extend(check_length(&root, "name", &self.name));
        if self.runs.is_empty() {
            errors.push(ValidationError::new(
                root,
                "the profile has no [[run]] table: add at least one run",
            ));
        }
        for (i, run) in self.runs.iter().enumerate() {
            validate_run(run, &FieldPath::root().key("run").index(i), &mut errors);
        }
        errors.extend(check_plan_size(self));
        errors.extend(check_repetitions(self));
        errors
    }
}

/// The longest name or label, in characters: titles and legends show a line of text.
pub const MAX_TITLE_CHARS: usize = 200;

/// A name or label longer than [`MAX_TITLE_CHARS`].
fn check_length(at: &FieldPath, key: &str, text: &str) -> Option<ValidationError> {
    let count = text.chars().count();
    (count > MAX_TITLE_CHARS).then(|| {
        ValidationError::new(
            at.key(key),
            format!("{key} is {count} characters long; at most {MAX_TITLE_CHARS} fit on a chart"),
        )
    })
}

/// The most runs one profile may plan (each sweep value is a run).
pub const MAX_PLANNED_RUNS: usize = 1000;

/// A profile planning more than [`MAX_PLANNED_RUNS`] runs, reported at the sweep that
/// crosses the limit.
fn check_plan_size(profile: &Profile) -> Option<ValidationError> {
    let planned = |r: &RunSpec| r.workers.counts().len() * super::arrivals::rate_count(r);
    let total: usize = profile.runs.iter().map(planned).sum();
    if total <= MAX_PLANNED_RUNS {
        return None;
    }
    let mut so_far = 0;
    let crossing = profile.runs.iter().position(|r| {
        so_far += planned(r);
        so_far > MAX_PLANNED_RUNS
    })?;
    Some(ValidationError::new(
        FieldPath::root().key("run").index(crossing).key("workers"),
        format!(
            "this profile plans {total} runs (one per worker count of each sweep); \
             a profile may plan at most {MAX_PLANNED_RUNS}"
        ),
    ))
}

/// The most steps (runs × repetitions) one session may hold.
pub const MAX_STEPS: usize = 100_000;

/// `repetitions` out of range, or too many steps in all.
fn check_repetitions(profile: &Profile) -> Vec<ValidationError> {
    let Some(repetitions) = profile.repetitions else {
        return Vec::new();
    };
    let range = super::schedule::REPETITIONS;
    let range = *range.start() as u64..=*range.end() as u64;
    let errors = crate::validation::check_range(
        &FieldPath::root(),
        "repetitions",
        repetitions as u64,
        range,
        "",
    );
    if !errors.is_empty() {
        return errors;
    }
    let runs: usize = profile
        .runs
        .iter()
        .map(|r| r.workers.counts().len() * super::arrivals::rate_count(r))
        .sum();
    if runs.saturating_mul(repetitions) > MAX_STEPS {
        return vec![ValidationError::new(
            FieldPath::root().key("repetitions"),
            format!(
                "{runs} runs × {repetitions} repetitions is {} runs in all; a session may \
                 hold at most {MAX_STEPS}",
                runs * repetitions
            ),
        )];
    }
    Vec::new()
}

/// Out-of-range counts reported one by one at most; a longer list gets one more line.
const MAX_COUNT_ERRORS: usize = 5;

fn validate_run(run: &RunSpec, at: &FieldPath, errors: &mut Vec<ValidationError>) {
    if run.label.as_deref().is_some_and(|l| l.trim().is_empty()) {
        errors.push(ValidationError::new(
            at.key("label"),
            "label must not be empty",
        ));
    }
    if let Some(label) = &run.label {
        errors.extend(check_length(at, "label", label));
    }
    validate_workers(run.model, &run.workers, &at.key("workers"), errors);
    match (run.tasks, run.duration_s) {
        (Some(_), Some(_)) => errors.push(ValidationError::new(
            at.key("duration_s"),
            "set either tasks or duration_s, not both",
        )),
        (None, None) => errors.push(ValidationError::new(
            at.clone(),
            "set tasks (a count) or duration_s (seconds) to say when the run ends",
        )),
        (Some(0), None) => errors.push(ValidationError::new(
            at.key("tasks"),
            "tasks must be at least 1, got 0",
        )),
        (None, Some(d)) if !(0.1..=86_400.0).contains(&d) => errors.push(ValidationError::new(
            at.key("duration_s"),
            format!("duration_s must be between 0.1 and 86400 (24 h), got {d}"),
        )),
        _ => {}
    }
    if let Some(t) = run.stall_timeout_s
        && !(MIN_STALL_TIMEOUT_S..=MAX_STALL_TIMEOUT_S).contains(&t)
    {
        errors.push(ValidationError::new(
            at.key("stall_timeout_s"),
            format!(
                "stall_timeout_s must be between {MIN_STALL_TIMEOUT_S} and {MAX_STALL_TIMEOUT_S} (24 h), got {t}"
            ),
        ));
    }
    errors.extend(super::chunk::validate(run, at));
    errors.extend(super::arrivals::validate(run, at));
    errors.extend(super::sizes::validate(run, at));
    errors.extend(run.workload.validate(run.model, &at.key("workload")));
}

fn validate_workers(
    model: Model,
    workers: &Workers,
    at: &FieldPath,
    errors: &mut Vec<ValidationError>,
) {
    let counts = workers.counts();
    if counts.is_empty() {
        errors.push(ValidationError::new(
            at.clone(),
            "workers must list at least one count, like [1, 2, 4]",
        ));
    }
    let max = model.max_workers();
    let why = model.limit_reason();
    let bad = counts.iter().filter(|n| !(1..=max).contains(*n)).count();
    if bad > MAX_COUNT_ERRORS {
        errors.push(ValidationError::new(
            at.clone(),
            format!(
                "workers must be between 1 and {max}{why}, and {bad} of the counts listed are not"
            ),
        ));
        return;
    }
    for (j, &n) in counts.iter().enumerate() {
        if !(1..=max).contains(&n) {
            let path = if counts.len() > 1 {
                at.index(j)
            } else {
                at.clone()
            };
            errors.push(ValidationError::new(
                path,
                format!(
                    "workers must be between 1 and {max}, got {}{why}",
                    workers.written(j)
                ),
            ));
        }
    }
}
