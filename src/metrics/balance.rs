//! Load-balance figures of a run, from its workers' lanes ([`super::spans`]): how evenly
//! the work was spread and how many workers were really working on average.
//!
//! - `busy_s[w]`: seconds worker `w` spent running tasks (its `running` time);
//! - `idle_s[w]`: `wall − busy − creating − moving − waiting` of worker `w` (waiting for
//!   work, for the others to finish, or for the start line; not for a lock);
//! - `load_balance` = mean busy / max busy (1.0: perfectly even; the POP methodology treats
//!   below 0.8 as a problem);
//! - `effective_parallelism` = Σ busy / wall: workers' worth of task time per second;
//! - `creating_share`, `moving_share`, `waiting_share`: time all workers spent creating
//!   threads or processes, moving data through pipes, or waiting for a lock inside tasks,
//!   over `workers × wall` (a task's lock wait is not in `busy_s`);
//! - `makespan_s`: from the run clock's start to the end of the last span (the wall time
//!   when spans were thinned, as the last span is then not known).

use super::spans::{SpanState, WorkerTimeline};
use crate::stats::Summary;
use serde::{Deserialize, Serialize};

/// The load-balance figures of a run (the `balance` field of a run in a results file).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct LoadBalance {
    /// Seconds from the run clock's start to the end of the last task span.
    pub makespan_s: f64,
    /// Seconds each worker spent running tasks (`busy_s[w]` for worker `w`).
    pub busy_s: Vec<f64>,
    /// Seconds each worker was idle within the wall time.
    pub idle_s: Vec<f64>,
    /// Mean busy / max busy, in `0..=1`; the mean over the repetitions in a merged run.
    pub load_balance: f64,
    /// Total busy / wall; the mean over the repetitions in a merged run.
    pub effective_parallelism: f64,
    /// Share of the workers' wall time spent creating threads or processes.
    pub creating_share: f64,
    /// Share of the workers' wall time spent moving data through pipes.
    pub moving_share: f64,
    /// Share of the workers' wall time spent waiting for a lock inside tasks (0 in results
    /// written before it was measured).
    #[serde(default)]
    pub waiting_share: f64,
    /// Over the repetitions (absent for a single run).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub stats: Option<BalanceStats>,
}

/// Mean, sd and 95 % interval of the load-balance figures over a run's repetitions.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct BalanceStats {
    /// `load_balance` of each repetition.
    pub load_balance: Summary,
    /// `effective_parallelism` of each repetition.
    pub effective_parallelism: Summary,
    /// `makespan_s` of each repetition.
    pub makespan_s: Summary,
}

impl LoadBalance {
    /// The figures of `timeline` over `wall_s` seconds; `None` without a worker or a
    /// measured moment.
    pub fn of(timeline: &WorkerTimeline, wall_s: f64) -> Option<LoadBalance> {
        if timeline.lanes.is_empty() || wall_s <= 0.0 {
            return None;
        }
        let secs = |ns: u64| ns as f64 / 1e9;
        let total = |state| -> Vec<f64> {
            let of_lane = |l: &super::spans::WorkerLane| secs(l.total_ns(state));
            timeline.lanes.iter().map(of_lane).collect()
        };
        let (busy, creating, moving, waiting) = (
            total(SpanState::Running),
            total(SpanState::Creating),
            total(SpanState::Moving),
            total(SpanState::Waiting),
        );
        let idle = (0..busy.len())
            .map(|w| (wall_s - busy[w] - creating[w] - moving[w] - waiting[w]).max(0.0))
            .collect();
        let n = busy.len() as f64;
        let sum = busy.iter().sum::<f64>();
        let max = busy.iter().copied().fold(0.0, f64::max);
        let makespan = match timeline.lanes.iter().filter_map(|l| l.last_end_ns()).max() {
            Some(end) if !timeline.thinned => secs(end),
            _ => wall_s,
        };
        Some(LoadBalance {
            makespan_s: makespan,
            load_balance: if max > 0.0 { sum / n / max } else { 1.0 },
            effective_parallelism: sum / wall_s,
            creating_share: creating.iter().sum::<f64>() / (n * wall_s),
            moving_share: moving.iter().sum::<f64>() / (n * wall_s),
            waiting_share: waiting.iter().sum::<f64>() / (n * wall_s),
            busy_s: busy,
            idle_s: idle,
            stats: None,
        })
    }

    /// The median repetition's figures with `load_balance` and `effective_parallelism`
    /// replaced by their means over `reps`, and the statistics over them.
    pub fn merged(median: &LoadBalance, reps: &[&LoadBalance]) -> LoadBalance {
        let of = |f: fn(&LoadBalance) -> f64| reps.iter().map(|b| f(b)).collect::<Vec<_>>();
        let (lb, ep, ms) = (
            of(|b| b.load_balance),
            of(|b| b.effective_parallelism),
            of(|b| b.makespan_s),
        );
        let mut merged = median.clone();
        let stats = match (Summary::of(&lb), Summary::of(&ep), Summary::of(&ms)) {
            (Some(l), Some(e), Some(m)) => Some(BalanceStats {
                load_balance: l,
                effective_parallelism: e,
                makespan_s: m,
            }),
            _ => None,
        };
        if let Some(s) = &stats {
            merged.load_balance = s.load_balance.mean;
            merged.effective_parallelism = s.effective_parallelism.mean;
        }
        merged.stats = stats.filter(|_| reps.len() > 1);
        merged
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::metrics::spans::WorkerLane;

    fn lane(running_ms: &[u32]) -> WorkerLane {
        WorkerLane {
            running_ns: running_ms.iter().map(|ms| ms * 1_000_000).collect(),
            ..WorkerLane::default()
        }
    }

    #[test]
    fn one_worker_doing_everything_is_imbalanced() {
        let timeline = WorkerTimeline {
            bucket_s: 0.25,
            span_limit: 10,
            thinned: true,
            lanes: vec![lane(&[200, 200]), lane(&[100]), lane(&[]), lane(&[100])],
        };
        let b = LoadBalance::of(&timeline, 0.5).unwrap();
        assert_eq!(b.busy_s, vec![0.4, 0.1, 0.0, 0.1]);
        assert!((b.load_balance - 0.15 / 0.4).abs() < 1e-12);
        assert!((b.effective_parallelism - 1.2).abs() < 1e-12);
        assert!((b.idle_s[2] - 0.5).abs() < 1e-12);
        assert_eq!(b.makespan_s, 0.5, "thinned: the wall time");
    }
}
