//! What repetitions add to a results file (all optional, so files from before open): each
//! run's repetitions, the statistics over them, its warnings, and the session's verdicts.

use super::RunStatus;
pub use crate::profile::Order;
use crate::stats::{Summary, Verdict};
use serde::{Deserialize, Serialize};

/// One repetition of a run, in the order the session ran it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Repetition {
    /// The round it ran in (0-based).
    pub round: usize,
    /// Its place in that round's order (0-based).
    pub position: usize,
    /// Seconds from the start of measuring to the last worker's end.
    pub wall_seconds: f64,
    /// Tasks completed within the measured part.
    pub tasks_completed: u64,
    /// Completed tasks per second of wall time.
    pub throughput_per_sec: f64,
    /// Its median and 99th-percentile task latency.
    pub latency_us: RepetitionLatency,
    /// What the execution model cost per task (µs); `None` when no task completed.
    pub overhead_per_task_us: Option<f64>,
    /// Cores' worth of CPU that programs other than parlab used during it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub foreign_cpu_cores: Option<f64>,
    /// How it ended.
    pub status: RunStatus,
}

/// The latency percentiles kept per repetition.
#[derive(Debug, Clone, Copy, Default, PartialEq, Serialize, Deserialize)]
pub struct RepetitionLatency {
    /// Median (µs).
    pub p50: f64,
    /// 99th percentile (µs).
    pub p99: f64,
}

/// The statistics of a run over its repetitions (mean, sd and 95 % interval of each).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RunStats {
    /// Throughput (tasks/s).
    pub throughput_per_sec: Summary,
    /// Overhead per task (µs), over the repetitions that completed a task.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub overhead_per_task_us: Option<Summary>,
    /// Median latency of each repetition (µs).
    pub p50_us: Summary,
    /// 99th-percentile latency of each repetition (µs).
    pub p99_us: Summary,
}

/// A verdict on two runs of a session: run `a`'s throughput over run `b`'s.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Comparison {
    /// The label of the run compared.
    pub a: String,
    /// The label of the run it is compared with.
    pub b: String,
    /// Mean throughput of `a` over that of `b` (on the log scale).
    pub ratio: f64,
    /// Lower end of the ratio's 95 % interval.
    pub ci_low: Option<f64>,
    /// Upper end of the ratio's 95 % interval.
    pub ci_high: Option<f64>,
    /// `faster`, `slower` or `no significant difference`; `None` (null) with fewer than 3
    /// repetitions, when no verdict is claimed.
    pub verdict: Option<Verdict>,
    /// The verdict as a sentence.
    pub sentence: String,
}
