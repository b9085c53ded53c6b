//! Workload profiles: the model, TOML loading with error locations,
//! validation, and expansion into the list of runs to execute.

pub mod arrivals;
pub mod chunk;
mod estimate;
pub mod examples;
mod labels;
pub use labels::brief as workload_brief;
mod load;
mod messages;
mod needs;
mod save;
pub mod schedule;
mod sizes;
mod syntax;
mod validate;
mod workers;
mod workload_spans;

pub(crate) use crate::model::for_each_model;
pub use crate::model::{Host, Model};
pub use estimate::{TimeEstimate, cores_here, human_duration, run_seconds, time_estimate};
pub use load::{
    MAX_PROFILE_BYTES, Problem, ProfileError, load_file, parse_str, read_text, text_from_bytes,
};
pub(crate) use messages::plain as plain_message;
pub use needs::{Available, TooBig, check_needs, estimate, human_bytes};
pub use save::{SaveError, render, save_file};
pub use schedule::{Order, Step, schedule};
pub use workers::Workers;

use crate::workload::WorkloadSpec;
use serde::{Deserialize, Serialize};

/// The profile format version this build reads and writes.
pub const FORMAT_VERSION: u32 = 1;

/// A saved setup: what to run and how.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Profile {
    /// Format version; absent means 1.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub version: Option<u32>,
    /// A short title shown in the app and in reports.
    #[serde(default = "default_name")]
    pub name: String,
    /// Free text: what the profile shows and what to look for.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub description: String,
    /// How many times to run each planned run (absent: once).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub repetitions: Option<usize>,
    /// The order of the repetitions (absent: interleaved).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub order: Option<Order>,
    /// The seed of the interleaved order (absent: a new one each session, recorded in the
    /// results).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub seed: Option<u64>,
    /// The runs, in order.
    #[serde(rename = "run", default)]
    pub runs: Vec<RunSpec>,
}

fn default_name() -> String {
    "Untitled profile".to_string()
}

/// One `[[run]]` table: an execution model, a worker count or sweep, a stop condition and a workload.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RunSpec {
    /// Label in charts and tables; default `"<model> ×<workers>"`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub label: Option<String>,
    /// How tasks are executed.
    pub model: Model,
    /// A worker count, or a list of counts (a sweep: one run per value).
    pub workers: Workers,
    /// Stop after this many tasks (exactly one of `tasks` and `duration_s`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tasks: Option<u64>,
    /// Stop after this many seconds.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub duration_s: Option<f64>,
    /// Tasks run before measuring starts (spread over the workers), not counted.
    #[serde(default, skip_serializing_if = "is_zero")]
    pub warmup_tasks: u64,
    /// End the run as stalled when no task completes for this long (default 10 s).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub stall_timeout_s: Option<f64>,
    /// `threads` only: tasks claimed per grab, or `"static"` (see [`chunk::Chunk`]);
    /// absent: adaptive.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub chunk: Option<chunk::Chunk>,
    /// Open model: tasks arrive at this rate (per second; a list sweeps rates), whether or
    /// not a worker is free. Absent: a closed loop.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub arrival_rate: Option<arrivals::Rates>,
    /// How arrivals are spaced (open model; default uniform).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub arrivals: Option<arrivals::Arrivals>,
    /// Arrivals waiting beyond this many are dropped (open model).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_queue: Option<u64>,
    /// What each task does.
    pub workload: WorkloadSpec,
}

/// The stall timeout when a run does not set one.
pub const DEFAULT_STALL_TIMEOUT_S: f64 = 10.0;

/// The shortest stall timeout a run may set: validation and [`Profile::plan`] share it.
pub const MIN_STALL_TIMEOUT_S: f64 = 0.5;

/// The longest stall timeout a run may set (24 h).
pub const MAX_STALL_TIMEOUT_S: f64 = 86_400.0;

fn is_zero(v: &u64) -> bool {
    *v == 0
}

/// When a run ends.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Stop {
    /// After this many tasks.
    Tasks(u64),
    /// After this many seconds.
    Duration(f64),
}

/// One concrete run of a profile: a [`RunSpec`] with a single worker count.
#[derive(Debug, Clone, PartialEq)]
pub struct PlannedRun {
    /// Label for charts and tables.
    pub label: String,
    /// Execution model.
    pub model: Model,
    /// Worker count.
    pub workers: usize,
    /// Stop condition.
    pub stop: Stop,
    /// Unmeasured warm-up tasks.
    pub warmup_tasks: u64,
    /// No completed task for this long ends the run as stalled.
    pub stall_timeout: std::time::Duration,
    /// The workload.
    pub workload: WorkloadSpec,
    /// `threads` only: how workers claim tasks (`None`: adaptive chunks).
    pub chunk: Option<chunk::Chunk>,
    /// Open-model load; `None`: a closed loop.
    pub load: Option<arrivals::OpenLoad>,
    /// Task spans the run keeps at most, all workers together (its share of the
    /// session's, see [`crate::metrics::spans::run_limit`]).
    pub span_limit: u64,
}

impl Profile {
    /// Expands every sweep into one run per worker count. Call on a validated profile.
    pub fn plan(&self) -> Vec<PlannedRun> {
        let mut plan = Vec::new();
        for run in &self.runs {
            let sweep = run.workers.counts().len() > 1;
            let rate_sweep = arrivals::rate_count(run) > 1;
            for (&workers, load) in run.workers.counts().iter().flat_map(|w| {
                arrivals::loads(run, self.seed)
                    .into_iter()
                    .map(move |l| (w, l))
            }) {
                let mut label = match &run.label {
                    Some(label) if sweep => format!("{label} ×{workers}"),
                    Some(label) => label.clone(),
                    None => labels::automatic(run, workers, &self.runs),
                };
                if let Some(load) = load.filter(|_| rate_sweep || run.label.is_none()) {
                    label = format!("{label} @{}", arrivals::rate_label(load.rate));
                }
                let stop = match (run.tasks, run.duration_s) {
                    (Some(tasks), _) => Stop::Tasks(tasks),
                    (None, Some(secs)) => Stop::Duration(secs),
                    (None, None) => Stop::Tasks(1),
                };
                plan.push(PlannedRun {
                    label,
                    model: run.model,
                    workers: workers as usize,
                    stop,
                    warmup_tasks: run.warmup_tasks,
                    stall_timeout: std::time::Duration::from_secs_f64(
                        run.stall_timeout_s
                            .unwrap_or(DEFAULT_STALL_TIMEOUT_S)
                            .clamp(MIN_STALL_TIMEOUT_S, MAX_STALL_TIMEOUT_S),
                    ),
                    workload: run.workload.for_run(run.tasks),
                    chunk: run.chunk,
                    load,
                    span_limit: crate::metrics::spans::SPAN_LIMIT,
                });
            }
        }
        let limit = crate::metrics::spans::run_limit(self.timelines_held(plan.len()));
        for run in &mut plan {
            run.span_limit = limit;
        }
        plan
    }

    /// How many runs' worker timelines a session of `configs` configurations holds at most
    /// at once: each configuration keeps its repetitions' until its last one ran (then only
    /// the median's), so interleaved rounds hold them all, sequential ones one
    /// configuration's plus one per configuration before it.
    fn timelines_held(&self, configs: usize) -> usize {
        match self.order() {
            Order::Interleaved => configs * self.rounds(),
            Order::Sequential => configs.saturating_sub(1) + self.rounds(),
        }
    }

    /// How many times each planned run runs.
    pub fn rounds(&self) -> usize {
        self.repetitions.unwrap_or(1).max(1)
    }

    /// The order of the repetitions.
    pub fn order(&self) -> Order {
        self.order.unwrap_or_default()
    }

    /// The external programs the profile's runs start, each once, in order: what a user
    /// must see (and the app must ask about) before anything runs.
    pub fn external_commands(&self) -> Vec<String> {
        let mut commands: Vec<String> = Vec::new();
        for command in self
            .runs
            .iter()
            .flat_map(|r| r.workload.external_commands())
        {
            if !commands.contains(&command) {
                commands.push(command);
            }
        }
        commands
    }

    /// Serialises the profile as TOML.
    pub fn to_toml(&self) -> String {
        // A profile is plain data (strings, numbers, lists, tables): serialisation cannot fail.
        toml::to_string(self).unwrap_or_default()
    }
}
