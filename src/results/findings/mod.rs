//! Findings: what the measurements mean, as sentences with the figures and runs they rest on
//! (issue 14).
//!
//! They live with the results (like the verdicts) because `Results::with_host` computes
//! them; they read nothing but results, statistics and the model list.
//!
//! Each rule is one file holding one function `fn(&Facts) -> Vec<Finding>`, registered in
//! [`RULES`]. A rule decides only from what was measured (throughput and its interval, CPU
//! used, overhead per task, latency, lost updates, status, peak memory, other programs' CPU),
//! never from a workload's kind or a profile's name: the kind may only name things in the
//! text (the lock kind). A finding that rests on a difference is claimed only when the
//! difference is significant ([`measure::Change`]); with fewer than 3 repetitions a side, only
//! a large difference counts, and the text says that it was not tested.

mod cpu_saturated;
mod creation_cost;
mod deadlock;
mod fastest;
mod gil;
mod io_bound;
mod ipc_cost;
mod load_imbalance;
mod lock_contention;
mod lost_updates;
pub mod measure;
mod memory_per_process;
mod noisy;
mod saturated;
mod scaling;
#[cfg(test)]
mod tests;

pub use measure::Facts;

use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// How much a finding matters.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    /// Worth knowing: how the work behaved.
    Info,
    /// Worth acting on: the work could run better another way.
    Notice,
    /// Something went wrong (lost updates, a deadlock) or the figures cannot be trusted.
    Warning,
}

impl std::fmt::Display for Severity {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            Severity::Info => "info",
            Severity::Notice => "notice",
            Severity::Warning => "warning",
        })
    }
}

/// What a finding rests on: the runs (by label) and the figures it used, by name.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Evidence {
    /// The labels of the runs the finding compares or describes.
    pub runs: Vec<String>,
    /// The figures it was decided from (`efficiency`, `cpu_cores`, …).
    pub figures: BTreeMap<String, f64>,
}

/// One thing the measurements show, in plain words.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Finding {
    /// The rule that found it (`scaling`, `cpu-saturated`, …), stable across versions.
    pub id: String,
    /// How much it matters.
    pub severity: Severity,
    /// One line.
    pub title: String,
    /// One to three sentences with the numbers.
    pub text: String,
    /// The runs and figures behind it.
    pub evidence: Evidence,
}

impl Finding {
    /// A finding of rule `id` on `runs` with no figures yet (add them with [`Finding::figure`]).
    pub fn new(id: &str, severity: Severity, title: String, text: String) -> Self {
        Self {
            id: id.to_string(),
            severity,
            title,
            text,
            evidence: Evidence::default(),
        }
    }

    /// The same finding resting on these runs.
    pub fn runs<'a>(mut self, labels: impl IntoIterator<Item = &'a str>) -> Self {
        self.evidence.runs = labels.into_iter().map(str::to_string).collect();
        self
    }

    /// The same finding with one more figure (not finite figures are left out: JSON has none).
    pub fn figure(mut self, name: &str, value: f64) -> Self {
        if value.is_finite() {
            self.evidence.figures.insert(name.to_string(), value);
        }
        self
    }
}

/// One rule: its id and the function that applies it.
pub type Rule = (&'static str, fn(&Facts) -> Vec<Finding>);

/// Every rule, in the order their findings are listed. Adding a rule: its file, its `mod`
/// line above and one line here.
pub const RULES: &[Rule] = &[
    ("deadlock", deadlock::find),
    ("lost-updates", lost_updates::find),
    ("noisy", noisy::find),
    ("scaling", scaling::find),
    ("cpu-saturated", cpu_saturated::find),
    ("lock-contention", lock_contention::find),
    ("io-bound", io_bound::find),
    ("gil", gil::find),
    ("fastest", fastest::find),
    ("saturated", saturated::find),
    ("creation-cost", creation_cost::find),
    ("ipc-cost", ipc_cost::find),
    ("load-imbalance", load_imbalance::find),
    ("memory-per-process", memory_per_process::find),
];

/// A more specific finding and the general one it explains: when both rest on a common run,
/// only the specific one is kept (the GIL is the lock Python threads wait for).
pub const SUPERSEDES: &[(&str, &str)] = &[("gil", "lock-contention")];

/// The findings of `runs`, measured on `host` with the repetitions in `order`.
pub fn findings(
    runs: &[crate::results::RunResult],
    host: &crate::results::Host,
    order: crate::profile::Order,
) -> Vec<Finding> {
    let facts = Facts::new(runs, host, order);
    let all: Vec<Finding> = RULES.iter().flat_map(|(_, rule)| rule(&facts)).collect();
    let explained = |f: &Finding| {
        SUPERSEDES.iter().any(|(specific, general)| {
            f.id == *general
                && all.iter().any(|g| {
                    g.id == *specific && g.evidence.runs.iter().any(|r| f.evidence.runs.contains(r))
                })
        })
    };
    all.iter().filter(|f| !explained(f)).cloned().collect()
}

/// The findings most worth reading first: warnings, then notices, then the rest, each group
/// in rule order (what the app's summary and the dashboard image show when space is short).
pub fn ranked(found: &[Finding]) -> Vec<&Finding> {
    let mut ranked: Vec<&Finding> = found.iter().collect();
    ranked.sort_by_key(|f| std::cmp::Reverse(f.severity));
    ranked
}
