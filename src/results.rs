//! The results model and its JSON file format, `parlab-results/1`.

use crate::metrics::CpuSeries;
use crate::metrics::aggregate::TimelinePoint;
use crate::metrics::histogram::LatencySummary;
use crate::profile::{Model, Profile};
use crate::workload::WorkloadSpec;
use serde::{Deserialize, Serialize};
use std::path::Path;

mod check;
pub mod columns;
mod fallback;
pub mod findings;
pub mod fits;
mod host;
pub mod open;
pub mod repetitions;
pub mod scaling;
pub mod verdicts;

pub use host::{Host, LOAD_WARN};
pub use repetitions::{Comparison, Order, Repetition, RepetitionLatency, RunStats};

/// The schema tag written into every results file.
pub const SCHEMA: &str = "parlab-results/1";

/// Everything one execution of a profile measured.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Results {
    /// Always [`SCHEMA`].
    pub schema: String,
    /// The parlab that measured.
    pub parlab_version: String,
    /// When the results were gathered (UTC, `2026-11-25T15:22:09Z`); empty in older files.
    #[serde(default)]
    pub created_utc: String,
    /// The machine it ran on.
    pub host: Host,
    /// The profile exactly as run.
    pub profile: Profile,
    /// One entry per run that started, in order.
    pub runs: Vec<RunResult>,
    /// How many times each run was asked to repeat (absent in files from before
    /// repetitions: once).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub repetitions: Option<usize>,
    /// The order the repetitions ran in.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub order: Option<Order>,
    /// The seed of the shuffled order (`interleaved`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub seed: Option<u64>,
    /// Verdicts on pairs of runs (speedups, models against each other).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub comparisons: Vec<Comparison>,
    /// The scaling laws fitted to each sweep (one model and workload over worker counts;
    /// `fits`).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub fits: Vec<fits::SweepFit>,
    /// What the measurements mean, as sentences with their evidence (absent in files from
    /// before findings; `parlab findings` recomputes them from the runs).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub findings: Vec<findings::Finding>,
}

/// How a run ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum RunStatus {
    /// It reached its task count or duration.
    Completed,
    /// The user stopped it; the figures cover what ran.
    Stopped,
    /// A task or a worker failed; `error` says which and why.
    Failed,
    /// No task completed for the stall timeout (a deadlock or a hung worker); `error`
    /// names the stuck workers.
    Stalled,
    /// Still running: only in live snapshots, never in a results file.
    Running,
}

impl RunStatus {
    /// True for a run that ended badly (failed or stalled).
    pub fn is_failure(self) -> bool {
        matches!(self, RunStatus::Failed | RunStatus::Stalled)
    }
}

impl std::fmt::Display for RunStatus {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            RunStatus::Completed => "completed",
            RunStatus::Stopped => "stopped",
            RunStatus::Failed => "failed",
            RunStatus::Stalled => "stalled",
            RunStatus::Running => "running",
        })
    }
}

/// CPU time, context switches and memory of parlab and its children during a run.
#[derive(Debug, Clone, Copy, Default, PartialEq, Serialize, Deserialize)]
pub struct ProcessFigures {
    /// User-mode CPU seconds.
    pub user_s: f64,
    /// Kernel CPU seconds.
    pub sys_s: f64,
    /// Voluntary context switches (blocking).
    pub voluntary_ctx: u64,
    /// Involuntary context switches (preemption).
    pub involuntary_ctx: u64,
    /// Peak resident memory of parlab plus the run's live children.
    pub peak_rss_bytes: u64,
}

/// What one run measured.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RunResult {
    /// Label for charts and tables.
    pub label: String,
    /// Execution model.
    pub model: Model,
    /// Worker count.
    pub workers: usize,
    /// The workload as run.
    pub workload: WorkloadSpec,
    /// `threads` only: how its workers claimed tasks (the profile's `chunk`: tasks per grab,
    /// or `"static"`); absent for the adaptive default, other models and older files. Runs
    /// that differ in it are different configurations (a static split is no point of the
    /// shared queue's scaling curve).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub chunk: Option<crate::profile::chunk::Chunk>,
    /// How it ended.
    pub status: RunStatus,
    /// Why it failed, when it did.
    pub error: Option<String>,
    /// Tasks that completed within the measured part.
    pub tasks_completed: u64,
    /// Tasks that failed.
    pub tasks_failed: u64,
    /// Unmeasured warm-up tasks run first.
    #[serde(default)]
    pub warmup_tasks: u64,
    /// Seconds from the start of measuring to the last worker's end.
    pub wall_seconds: f64,
    /// Completed tasks per second of wall time.
    pub throughput_per_sec: f64,
    /// Task latency percentiles.
    pub latency_us: LatencySummary,
    /// The latency distribution: `[percentile, µs]` pairs from 0 to 100.
    #[serde(default)]
    pub latency_cdf: Vec<[f64; 2]>,
    /// `(wall × workers − Σ latency) / tasks`: what the model itself costs per task (µs).
    pub overhead_per_task_us: Option<f64>,
    /// CPU, context switches and memory.
    pub process: ProcessFigures,
    /// Throughput and latency over time.
    pub timeline: Vec<TimelinePoint>,
    /// Per-core CPU utilisation over time.
    pub cpu: CpuSeries,
    /// CPU seconds parlab's own sampler thread used during the run (the cost of measuring).
    #[serde(default)]
    pub sampler_cpu_seconds: f64,
    /// Figures only this workload kind measures (`lost_updates`, `bytes_moved`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub workload_stats: Option<crate::workload::WorkloadStats>,
    /// The machine this run was measured on, when it differs from the file's `host`
    /// (results gathered from several machines and saved together).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub host: Option<Host>,
    /// Runs started from the app: the mean number of cores' worth of CPU the window itself
    /// used while this run was live (its drawing competes with the workload). Absent for
    /// runs from `parlab run`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub observer_cpu_cores: Option<f64>,
    /// Each repetition, in the order they ran (absent in files from before repetitions).
    /// The run's other figures describe all of them together: throughput is their mean,
    /// latency comes from their merged histograms, the timeline and CPU series are the
    /// median repetition's.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub repetitions: Vec<Repetition>,
    /// Mean, sd and 95 % interval over the repetitions.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub stats: Option<RunStats>,
    /// Why the figures may be shaky, as sentences.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub warnings: Vec<String>,
    /// Cores' worth of CPU other programs used during the run (mean over its repetitions).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub foreign_cpu_cores: Option<f64>,
    /// Process models: the program started as each worker process (`parlab-worker`, or
    /// `parlab worker` when the lean worker was not found), as a shell-quoted command line.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub worker_program: Option<String>,
    /// `python` workloads: the version of the interpreter that ran the tasks (`3.12.3`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub python_version: Option<String>,
    /// Load-balance figures (makespan, busy and idle time per worker, `load_balance`,
    /// `effective_parallelism`, creation and data-moving shares; see
    /// [`crate::metrics::balance`]). Absent in files from before them.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub balance: Option<crate::metrics::balance::LoadBalance>,
    /// What each worker did over time: one lane per worker with its task spans and its
    /// time per state per timeline bucket (see [`crate::metrics::spans`]); the median
    /// repetition's. Absent in files from before it. Shared (an `Arc`): the copies of a
    /// result a session keeps do not copy its spans.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub worker_timeline: Option<std::sync::Arc<crate::metrics::spans::WorkerTimeline>>,
    /// Open-model runs only (`arrival_rate` set): `load`, `offered_rate`, `achieved_rate`,
    /// `dropped`, `late`, `saturated`, `response_us`, `queue_us`, … beside the other fields.
    #[serde(flatten, default, skip_serializing_if = "Option::is_none")]
    pub open: Option<open::OpenFigures>,
}

/// A run is flagged when the app's window used more CPU than this (in cores) while the run
/// was live: its figures then include the cost of watching it.
pub const OBSERVER_WARN_CORES: f64 = 0.05;

impl RunResult {
    /// True when `other` ran the same execution model the same way (model and `chunk`):
    /// the runs the scaling curves, speedups and model comparisons put together.
    pub fn same_model(&self, other: &RunResult) -> bool {
        self.model == other.model && self.chunk == other.chunk
    }

    /// The model as people read it, with its `chunk` when set (`threads, chunk static`).
    pub fn model_name(&self) -> String {
        match self.chunk {
            Some(chunk) => format!("{}, chunk {}", self.model, chunk.describe()),
            None => self.model.to_string(),
        }
    }

    /// A copy without the worker timeline (the progress keeps every repetition; only the
    /// merged runs carry their lanes).
    pub fn without_worker_timeline(&self) -> RunResult {
        RunResult {
            worker_timeline: None,
            ..self.clone()
        }
    }

    /// The warning for a run whose window used more than [`OBSERVER_WARN_CORES`] of CPU
    /// while it was live, as a sentence.
    pub fn observer_warning(&self) -> Option<String> {
        let cores = self
            .observer_cpu_cores
            .filter(|&c| c > OBSERVER_WARN_CORES)?;
        Some(format!(
            "the window used {cores:.2} cores of CPU while this run was live (more than \
             {OBSERVER_WARN_CORES}), which the workload may have lost: for figures free of \
             the window, show the Summary tab during the run or use `parlab run`"
        ))
    }
}

impl RunResult {
    /// Every warning about this run's figures: the window's cost first, then the run's own.
    pub fn all_warnings(&self) -> Vec<String> {
        self.observer_warning()
            .into_iter()
            .chain(self.warnings.iter().cloned())
            .collect()
    }
}

/// Why a results file could not be read.
#[derive(Debug, thiserror::Error)]
pub enum ResultsError {
    /// Reading the file failed.
    #[error("cannot read results {file}: {source}")]
    Read {
        /// The file.
        file: String,
        /// The operating system's reason.
        source: std::io::Error,
    },
    /// The file is not parlab results JSON.
    #[error("{file}:{line}:{column}: not a parlab results file: {message}")]
    Malformed {
        /// The file.
        file: String,
        /// 1-based line.
        line: usize,
        /// 1-based column.
        column: usize,
        /// The parser's complaint.
        message: String,
    },
    /// The file parses but holds a number no run can produce (an overflowing rate, a
    /// negative time); charting it would overflow the axes.
    #[error("{file}: {message}")]
    Implausible {
        /// The file.
        file: String,
        /// Which field holds what, and what is allowed.
        message: String,
    },
    /// The file has a schema this parlab does not know.
    #[error(
        "{file}: results schema {found:?} is not supported; this parlab {version} reads {SCHEMA}"
    )]
    Schema {
        /// The file.
        file: String,
        /// The schema it declares.
        found: String,
        /// This parlab's version.
        version: &'static str,
    },
}

/// serde_json's complaint in plain words, without the position it repeats.
fn plain_json_message(e: &serde_json::Error) -> String {
    let text = e.to_string();
    let text = match text.rfind(" at line ") {
        Some(at) => &text[..at],
        None => &text,
    };
    crate::profile::plain_message(text, None)
}

impl Results {
    /// The results of `runs` of `profile`, measured on this host now, with the verdicts
    /// on their pairs.
    pub fn new(profile: Profile, runs: Vec<RunResult>) -> Self {
        Self::with_host(profile, runs, Host::detect())
    }

    /// The results of `runs` of `profile`, measured on `host` (as detected when the
    /// session started).
    pub fn with_host(profile: Profile, runs: Vec<RunResult>, host: Host) -> Self {
        let comparisons = verdicts::comparisons(&runs, profile.order());
        let fits = fits::fits(&runs, Some(host.logical_cpus));
        let findings = findings::findings(&runs, &host, profile.order());
        Self {
            schema: SCHEMA.to_string(),
            parlab_version: env!("CARGO_PKG_VERSION").to_string(),
            created_utc: crate::format::utc_timestamp(std::time::SystemTime::now()),
            host,
            repetitions: Some(profile.rounds()),
            order: Some(profile.order()),
            seed: profile.seed,
            profile,
            runs,
            comparisons,
            fits,
            findings,
        }
    }

    /// The results as pretty-printed JSON.
    pub fn to_json(&self) -> String {
        // Plain data with string keys: serialisation cannot fail.
        serde_json::to_string_pretty(self).unwrap_or_default()
    }

    /// Writes the results as JSON to `path` atomically.
    pub fn save_json(&self, path: &Path) -> std::io::Result<()> {
        crate::fsutil::write_output(path, self.to_json().as_bytes())
    }

    /// Parses results JSON; `file` names the source in errors.
    pub fn from_json(text: &str, file: &str) -> Result<Self, ResultsError> {
        #[derive(Deserialize)]
        struct Tag {
            schema: Option<String>,
        }
        let malformed = |e: serde_json::Error| ResultsError::Malformed {
            file: file.to_string(),
            line: e.line(),
            column: e.column(),
            message: plain_json_message(&e),
        };
        let tag: Tag = serde_json::from_str(text).map_err(malformed)?;
        match tag.schema.as_deref() {
            Some(SCHEMA) => {
                let results: Self = serde_json::from_str(text).map_err(malformed)?;
                check::check(&results).map_err(|message| ResultsError::Implausible {
                    file: file.to_string(),
                    message,
                })?;
                Ok(results)
            }
            other => Err(ResultsError::Schema {
                file: file.to_string(),
                found: other.unwrap_or("(none)").to_string(),
                version: env!("CARGO_PKG_VERSION"),
            }),
        }
    }

    /// Reads a results file.
    pub fn load_json(path: &Path) -> Result<Self, ResultsError> {
        let file = path.display().to_string();
        let text = std::fs::read_to_string(path).map_err(|source| ResultsError::Read {
            file: file.clone(),
            source,
        })?;
        Self::from_json(&text, &file)
    }
}
