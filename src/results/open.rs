//! The figures of an open-model run (`arrival_rate` set): offered against achieved rate,
//! dropped and late tasks, saturation, and the response and queue latencies. Closed-loop
//! runs have none of these fields, so their results files are exactly as before.

use crate::metrics::histogram::{LatencySummary, latency_cdf};
use crate::metrics::open::OpenHistograms;
use crate::profile::arrivals::{Arrivals, OpenLoad};
use serde::{Deserialize, Serialize};

/// How tasks reach the workers.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum LoadModel {
    /// Each worker takes the next task when it finished one.
    Closed,
    /// Tasks arrive on a schedule whether or not a worker is free.
    Open,
}

/// The `load` field of an open-model run.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct Load {
    /// `open` (closed-loop runs have no `load` field).
    pub model: LoadModel,
    /// Tasks per second offered.
    pub arrival_rate: f64,
    /// How the arrivals were spaced.
    pub arrivals: Arrivals,
}

/// A run is saturated when it achieves less than this share of the offered rate.
pub const SATURATED_SHARE: f64 = 0.95;

/// What an open-model run measured besides the closed-loop figures.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct OpenFigures {
    /// The load model and its parameters.
    pub load: Load,
    /// Tasks per second the schedule offered (the arrival rate).
    pub offered_rate: f64,
    /// Tasks per second completed (completed tasks ÷ wall time).
    pub achieved_rate: f64,
    /// Tasks per second that arrived: the arrivals ÷ the time they came over. Equal to
    /// `offered_rate` for uniform arrivals; for Poisson ones it differs by chance (±10 %
    /// over 100 arrivals), and saturation is judged against it. Absent (0) in files from
    /// before it was recorded: read [`arrived`](Self::arrived).
    #[serde(default, skip_serializing_if = "is_zero")]
    pub arrived_rate: f64,
    /// Arrivals that found the queue full (`max_queue`) and never ran.
    pub dropped: u64,
    /// Arrivals still waiting when a duration or a stop ended the run.
    #[serde(default)]
    pub unstarted: u64,
    /// Tasks that started more than one median service time after their intended start.
    pub late: u64,
    /// Achieved below 95 % of what arrived (`arrived_rate`), or the queue kept growing.
    pub saturated: bool,
    /// End − intended start (µs): what a user of the system feels.
    pub response_us: LatencySummary,
    /// Actual start − intended start (µs): the wait for a worker.
    pub queue_us: LatencySummary,
    /// The response-time distribution: `[percentile, µs]` pairs from 0 to 100.
    #[serde(default)]
    pub response_cdf: Vec<[f64; 2]>,
    /// CPU seconds the workers spent waiting for intended starts (timer sleeps and the
    /// short spin before each start): the cost of keeping the schedule.
    #[serde(default)]
    pub dispatcher_cpu_seconds: f64,
}

impl OpenFigures {
    /// The figures of a run with `load`, `h` its response and queue latencies, `service_p50_us`
    /// its median service time, `completed` tasks in `wall_s`, `queue_lens` the longest queue
    /// of each timeline bucket (so far, for a running run's live figures).
    #[allow(clippy::too_many_arguments)]
    pub fn measure(
        load: &OpenLoad,
        h: &OpenHistograms,
        service_p50_us: f64,
        completed: u64,
        wall_s: f64,
        queue_lens: &[u64],
        workers: usize,
        counts: crate::metrics::open::OpenCounts,
    ) -> Self {
        let achieved_rate = if wall_s > 0.0 {
            completed as f64 / wall_s
        } else {
            0.0
        };
        Self {
            load: Load {
                model: LoadModel::Open,
                arrival_rate: load.rate,
                arrivals: load.arrivals,
            },
            offered_rate: load.rate,
            achieved_rate,
            arrived_rate: counts.arrived_rate,
            dropped: counts.dropped,
            unstarted: counts.unstarted,
            late: late(h, service_p50_us),
            saturated: achieved_rate < SATURATED_SHARE * arrived(counts.arrived_rate, load.rate)
                || queue_grows(queue_lens, workers),
            response_us: LatencySummary::from_histogram(&h.response),
            queue_us: LatencySummary::from_histogram(&h.queue),
            response_cdf: latency_cdf(&h.response),
            dispatcher_cpu_seconds: counts.dispatcher_cpu_s,
        }
    }

    /// Tasks per second that arrived (the offered rate in files from before it was recorded).
    pub fn arrived(&self) -> f64 {
        arrived(self.arrived_rate, self.offered_rate)
    }

    /// Recomputes the figures that come from histograms (after merging repetitions).
    pub fn remeasure(&mut self, h: &OpenHistograms, service_p50_us: f64) {
        self.late = late(h, service_p50_us);
        self.response_us = LatencySummary::from_histogram(&h.response);
        self.queue_us = LatencySummary::from_histogram(&h.queue);
        self.response_cdf = latency_cdf(&h.response);
    }
}

/// `arrived_rate`, or `offered_rate` where it was not recorded.
fn arrived(arrived_rate: f64, offered_rate: f64) -> f64 {
    if arrived_rate > 0.0 {
        arrived_rate
    } else {
        offered_rate
    }
}

fn is_zero(x: &f64) -> bool {
    *x == 0.0
}

/// Tasks whose queue time exceeded the median service time.
fn late(h: &OpenHistograms, service_p50_us: f64) -> u64 {
    let above = (service_p50_us * 1000.0) as u64 + 1;
    if h.queue.is_empty() || above > h.queue.max() {
        return 0;
    }
    h.queue.count_between(above, h.queue.max())
}

/// True when the queue kept growing: over the second half of the timeline (`queue_lens`, one
/// per bucket) its median is more than twice the first half's, and longer than the worker
/// count. Medians, so that one stall (a 10 ms sleep once took 210 ms beside other programs'
/// builds: a queue of 10 in one bucket) does not make a run that kept up look saturated,
/// while a queue that grows bucket after bucket does.
pub fn queue_grows(queue_lens: &[u64], workers: usize) -> bool {
    if queue_lens.len() < 4 {
        return false;
    }
    let (first, second) = queue_lens.split_at(queue_lens.len() / 2);
    let (a, b) = (median(first), median(second));
    b > 2.0 * a && b > workers as f64
}

/// The median of `xs` (not empty).
fn median(xs: &[u64]) -> f64 {
    let mut v = xs.to_vec();
    let mid = v.len() / 2;
    let upper = *v.select_nth_unstable(mid).1 as f64;
    if v.len() % 2 == 1 {
        return upper;
    }
    let lower = v[..mid].iter().copied().max().unwrap_or(0) as f64;
    (lower + upper) / 2.0
}

#[cfg(test)]
mod queue_tests {
    use super::queue_grows;

    #[test]
    fn a_growing_queue_grows_and_one_stall_does_not() {
        let growing: Vec<u64> = (0..12).map(|i| i * 40).collect();
        assert!(queue_grows(&growing, 1));
        // Kept up, but one bucket of the second half saw a stall: a queue of 10.
        let mut stalled = vec![0; 12];
        stalled[9] = 10;
        assert!(!queue_grows(&stalled, 1));
        // Two stalls are still not a trend; half the second half queued is.
        stalled[7] = 10;
        assert!(!queue_grows(&stalled, 1));
        let steady_backlog = [0, 0, 0, 0, 0, 0, 5, 6, 7, 8, 9, 10];
        assert!(queue_grows(&steady_backlog, 1));
        assert!(
            !queue_grows(&steady_backlog, 8),
            "no longer than the workers"
        );
    }
}

/// Open runs for the tests of the charts and findings that read them.
#[cfg(test)]
pub(crate) mod fixture {
    use super::*;
    use crate::results::{Results, RunResult};

    /// A completed open run of `model` at `offered` tasks/s that achieved `achieved`, with a
    /// response p50 and p99 (µs); saturated when it achieved below 95 %.
    pub fn open_run(
        model: crate::profile::Model,
        offered: f64,
        achieved: f64,
        (p50, p99): (f64, f64),
    ) -> RunResult {
        let text = include_str!("../../tests/golden/results-v1.json");
        let base = Results::from_json(text, "golden")
            .expect("the golden file reads")
            .runs[0]
            .clone();
        let summary = |p50: f64, p99: f64| LatencySummary {
            min: p50 / 2.0,
            mean: p50,
            p50,
            p90: p99,
            p99,
            p999: p99,
            max: p99,
        };
        RunResult {
            label: format!("{model} @{}", crate::profile::arrivals::rate_label(offered)),
            model,
            workers: 4,
            throughput_per_sec: achieved,
            repetitions: Vec::new(),
            host: None,
            open: Some(OpenFigures {
                load: Load {
                    model: LoadModel::Open,
                    arrival_rate: offered,
                    arrivals: Arrivals::Uniform,
                },
                offered_rate: offered,
                achieved_rate: achieved,
                arrived_rate: offered,
                dropped: 0,
                unstarted: 0,
                late: 0,
                saturated: achieved < SATURATED_SHARE * offered,
                response_us: summary(p50, p99),
                queue_us: summary(p50 / 10.0, p99 / 2.0),
                response_cdf: Vec::new(),
                dispatcher_cpu_seconds: 0.0,
            }),
            ..base
        }
    }
}
