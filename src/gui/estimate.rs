//! The estimate of how long the profile will take, beside Start: recomputed from the profile
//! as edited on every frame (a plan of a few runs: microseconds), so it follows each edit.

use crate::profile::{Profile, cores_here, human_duration, time_estimate};
use eframe::egui::{self, Ui};

/// Draws `Takes about 3 min 35 s` (or what cannot be told) for `profile`, with each run's
/// share on hover. Nothing while the profile has problems: the problems line says that.
pub(super) fn label(ui: &mut Ui, profile: &Profile, valid: bool) {
    if !valid || profile.runs.is_empty() {
        return;
    }
    let estimate = time_estimate(profile, cores_here());
    let text = format!("Takes {}", estimate.describe());
    let plan = profile.plan();
    // The first line repeats the label, which a narrow panel cuts short.
    let mut details = format!(
        "{text}.\nEstimated on this machine ({} logical CPUs) from each run's duration, or from its \
         tasks × the expected time of a task. One repetition of each run:",
        cores_here()
    );
    for (run, seconds) in plan.iter().zip(&estimate.runs) {
        let each = match seconds {
            Some(s) if *s < 1.0 => "under a second".to_string(),
            Some(s) => format!("about {}", human_duration(*s)),
            None => format!(
                "unknown ({} tasks cannot be timed before they run)",
                run.workload.kind()
            ),
        };
        details.push_str(&format!("\n• {}: {each}", run.label));
    }
    if estimate.rounds > 1 {
        details.push_str(&format!("\n× {} repetitions.", estimate.rounds));
    }
    ui.add(egui::Label::new(text).truncate())
        .on_hover_text(details);
}
