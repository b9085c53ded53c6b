//! The repetitions of one planned run merged into the run a results file keeps: throughput
//! is their mean, latency percentiles come from their merged histograms, counts and CPU
//! seconds add up, peak memory is the largest, and the timeline and CPU series are the
//! median repetition's. The repetitions themselves, the statistics over them and the noise
//! warnings are kept beside.

use crate::metrics::histogram::{LatencyHistogram, LatencySummary, latency_cdf, new_histogram};
use crate::metrics::open::OpenHistograms;
use crate::profile::Step;
use crate::results::{Repetition, RepetitionLatency, RunResult, RunStats, RunStatus};
use crate::stats::{Summary, noise};

/// The repetitions of one configuration gathered so far.
pub struct Gathered {
    /// Each repetition's result and the step it ran as, in the order they ran.
    runs: Vec<(Step, RunResult)>,
    /// Every repetition's latencies.
    latencies: LatencyHistogram,
    /// Open model: every repetition's response and queue latencies.
    open: Option<OpenHistograms>,
}

impl Default for Gathered {
    fn default() -> Self {
        Self {
            runs: Vec::new(),
            latencies: new_histogram(),
            open: None,
        }
    }
}

impl Gathered {
    /// Adds one repetition.
    pub fn add(&mut self, step: Step, result: RunResult, latencies: &LatencyHistogram) {
        // Both histograms have parlab's bounds; a sum cannot leave them.
        let _ = self.latencies.add(latencies);
        self.runs.push((step, result));
    }

    /// Drops the worker timelines of every repetition but the median one (which the merged
    /// run shares): a finished configuration holds one run's spans, not one per repetition.
    pub fn keep_median_timeline(&mut self) {
        let median = median_index(&self.runs);
        for (k, (_, r)) in self.runs.iter_mut().enumerate() {
            if Some(k) != median {
                r.worker_timeline = None;
            }
        }
    }

    /// Adds one repetition's response and queue latencies (open model).
    pub fn add_open(&mut self, open: Option<&OpenHistograms>) {
        if let Some(h) = open {
            self.open.get_or_insert_with(Default::default).add(h);
        }
    }

    /// Repetitions gathered.
    pub fn len(&self) -> usize {
        self.runs.len()
    }

    /// True before the first repetition.
    pub fn is_empty(&self) -> bool {
        self.runs.is_empty()
    }

    /// The merged run; `complete` is false when a stop ended the session before every
    /// repetition ran (the run is then `stopped`, unless a repetition failed).
    pub fn merge(&self, complete: bool) -> Option<RunResult> {
        let median = median_index(&self.runs)?;
        let mut run = self.runs[median].1.clone();
        let results: Vec<&RunResult> = self.runs.iter().map(|(_, r)| r).collect();
        run.status = status(&results, complete);
        run.error = error(&results);
        add_up(&mut run, &results);
        run.latency_us = LatencySummary::from_histogram(&self.latencies);
        run.latency_cdf = latency_cdf(&self.latencies);
        let measured: Vec<&RunResult> = results.iter().copied().filter(|r| counts(r)).collect();
        let throughputs: Vec<f64> = measured.iter().map(|r| r.throughput_per_sec).collect();
        run.throughput_per_sec = mean(&throughputs).unwrap_or(0.0);
        let overheads: Vec<f64> = measured
            .iter()
            .filter_map(|r| r.overhead_per_task_us)
            .collect();
        run.overhead_per_task_us = mean(&overheads);
        let foreign: Vec<f64> = results.iter().filter_map(|r| r.foreign_cpu_cores).collect();
        run.foreign_cpu_cores = mean(&foreign);
        run.repetitions = self.runs.iter().map(|(s, r)| repetition(*s, r)).collect();
        run.stats = stats(&measured);
        let balances: Vec<_> = measured.iter().filter_map(|r| r.balance.as_ref()).collect();
        run.balance = run
            .balance
            .as_ref()
            .map(|median| crate::metrics::balance::LoadBalance::merged(median, &balances));
        run.warnings = warnings(&self.runs, &throughputs, &run);
        self.merge_open(&mut run, &measured);
        Some(run)
    }

    /// Open model: latencies from the merged histograms, the achieved and arrived rates are
    /// the means, counts and CPU add up, and the run is saturated when any repetition was.
    fn merge_open(&self, run: &mut RunResult, measured: &[&RunResult]) {
        let p50 = run.latency_us.p50;
        let Some(figures) = run.open.as_mut() else {
            return;
        };
        let all: Vec<&crate::results::open::OpenFigures> = self
            .runs
            .iter()
            .filter_map(|(_, r)| r.open.as_ref())
            .collect();
        if let Some(h) = &self.open {
            figures.remeasure(h, p50);
        }
        let rates = |rate: fn(&crate::results::open::OpenFigures) -> f64| -> Vec<f64> {
            measured
                .iter()
                .filter_map(|r| r.open.as_ref().map(rate))
                .collect()
        };
        figures.achieved_rate = mean(&rates(|o| o.achieved_rate)).unwrap_or(figures.achieved_rate);
        figures.arrived_rate = mean(&rates(|o| o.arrived_rate)).unwrap_or(figures.arrived_rate);
        figures.dropped = all.iter().map(|o| o.dropped).sum();
        figures.unstarted = all.iter().map(|o| o.unstarted).sum();
        figures.dispatcher_cpu_seconds = all.iter().map(|o| o.dispatcher_cpu_seconds).sum();
        figures.saturated = all.iter().any(|o| o.saturated);
    }
}

/// A repetition whose figures count in the statistics: it measured something and did not
/// fail.
fn counts(r: &RunResult) -> bool {
    !r.status.is_failure() && r.tasks_completed > 0
}

fn mean(xs: &[f64]) -> Option<f64> {
    (!xs.is_empty()).then(|| xs.iter().sum::<f64>() / xs.len() as f64)
}

/// The repetition with the median throughput (the lower one of an even count).
fn median_index(runs: &[(Step, RunResult)]) -> Option<usize> {
    let mut order: Vec<usize> = (0..runs.len()).collect();
    order.sort_by(|&a, &b| {
        runs[a]
            .1
            .throughput_per_sec
            .total_cmp(&runs[b].1.throughput_per_sec)
    });
    order.get(order.len().checked_sub(1)? / 2).copied()
}

/// How the run ended: a failure in any repetition first, then a stall, then a stop.
fn status(results: &[&RunResult], complete: bool) -> RunStatus {
    let any = |s: RunStatus| results.iter().any(|r| r.status == s);
    if any(RunStatus::Failed) {
        RunStatus::Failed
    } else if any(RunStatus::Stalled) {
        RunStatus::Stalled
    } else if any(RunStatus::Stopped) || !complete {
        RunStatus::Stopped
    } else {
        RunStatus::Completed
    }
}

/// The first repetition's error, naming the repetition when there were several.
fn error(results: &[&RunResult]) -> Option<String> {
    let (k, message) = results
        .iter()
        .enumerate()
        .find_map(|(k, r)| r.error.as_ref().map(|e| (k, e)))?;
    Some(if results.len() > 1 {
        format!("repetition {}: {message}", k + 1)
    } else {
        message.clone()
    })
}

/// Counts, times and CPU add up over the repetitions; peak memory is the largest.
fn add_up(run: &mut RunResult, results: &[&RunResult]) {
    run.tasks_completed = results.iter().map(|r| r.tasks_completed).sum();
    run.tasks_failed = results.iter().map(|r| r.tasks_failed).sum();
    run.wall_seconds = results.iter().map(|r| r.wall_seconds).sum();
    run.sampler_cpu_seconds = results.iter().map(|r| r.sampler_cpu_seconds).sum();
    let p = &mut run.process;
    p.user_s = results.iter().map(|r| r.process.user_s).sum();
    p.sys_s = results.iter().map(|r| r.process.sys_s).sum();
    p.voluntary_ctx = results.iter().map(|r| r.process.voluntary_ctx).sum();
    p.involuntary_ctx = results.iter().map(|r| r.process.involuntary_ctx).sum();
    p.peak_rss_bytes = results
        .iter()
        .map(|r| r.process.peak_rss_bytes)
        .max()
        .unwrap_or(0);
    let mut stats = None::<crate::workload::WorkloadStats>;
    for s in results.iter().filter_map(|r| r.workload_stats.as_ref()) {
        stats.get_or_insert_with(Default::default).merge(s);
    }
    run.workload_stats = stats;
}

fn repetition(step: Step, r: &RunResult) -> Repetition {
    Repetition {
        round: step.round,
        position: step.position,
        wall_seconds: r.wall_seconds,
        tasks_completed: r.tasks_completed,
        throughput_per_sec: r.throughput_per_sec,
        latency_us: RepetitionLatency {
            p50: r.latency_us.p50,
            p99: r.latency_us.p99,
        },
        overhead_per_task_us: r.overhead_per_task_us,
        foreign_cpu_cores: r.foreign_cpu_cores,
        status: r.status,
    }
}

fn stats(measured: &[&RunResult]) -> Option<RunStats> {
    let of = |f: fn(&RunResult) -> f64| {
        let xs: Vec<f64> = measured.iter().map(|r| f(r)).collect();
        Summary::of(&xs)
    };
    let overheads: Vec<f64> = measured
        .iter()
        .filter_map(|r| r.overhead_per_task_us)
        .collect();
    Some(RunStats {
        throughput_per_sec: of(|r| r.throughput_per_sec)?,
        overhead_per_task_us: Summary::of(&overheads),
        p50_us: of(|r| r.latency_us.p50)?,
        p99_us: of(|r| r.latency_us.p99)?,
    })
}

/// The noise checks over the repetitions, then what each repetition warned about itself
/// (named by its number when there are several), each sentence once.
fn warnings(runs: &[(Step, RunResult)], throughputs: &[f64], run: &RunResult) -> Vec<String> {
    let mut all = noise::warnings(throughputs);
    if let Some(overhead) = run.overhead_per_task_us {
        all.extend(noise::overhead(run.latency_us.mean, overhead));
    }
    for (k, (_, r)) in runs.iter().enumerate() {
        for w in &r.warnings {
            let w = if runs.len() > 1 {
                format!("repetition {}: {w}", k + 1)
            } else {
                w.clone()
            };
            if !all.contains(&w) {
                all.push(w);
            }
        }
    }
    all
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::metrics::aggregate::TimelinePoint;

    /// A repetition measuring `throughput` tasks/s for one second, with task latencies of
    /// `latency_us`.
    fn rep(round: usize, throughput: f64, latency_us: u64) -> (Step, RunResult, LatencyHistogram) {
        let golden = crate::results::Results::from_json(
            include_str!("../../tests/golden/results-v1.json"),
            "golden",
        )
        .expect("golden results");
        let mut r = golden.runs[0].clone();
        r.throughput_per_sec = throughput;
        r.tasks_completed = throughput as u64;
        r.wall_seconds = 1.0;
        r.process.user_s = 0.5;
        r.process.peak_rss_bytes = 1000 * (round as u64 + 1);
        r.overhead_per_task_us = Some(2.0 * (round + 1) as f64);
        r.timeline = vec![TimelinePoint {
            t: 1.0,
            tasks_per_sec: throughput,
            p50_us: None,
            p99_us: None,
            response_p99_us: None,
            queue_len: None,
        }];
        let mut h = new_histogram();
        for _ in 0..100 {
            let _ = h.record(latency_us * 1000);
        }
        let step = Step {
            config: 0,
            round,
            position: 0,
        };
        (step, r, h)
    }

    fn gathered(reps: &[(f64, u64)]) -> Gathered {
        let mut g = Gathered::default();
        for (round, &(throughput, latency)) in reps.iter().enumerate() {
            let (step, r, h) = rep(round, throughput, latency);
            g.add(step, r, &h);
        }
        g
    }

    #[test]
    fn repetitions_merge_into_one_run() {
        let run = gathered(&[(100.0, 10), (300.0, 30), (200.0, 20)])
            .merge(true)
            .expect("merged");
        assert_eq!(run.status, RunStatus::Completed);
        assert_eq!(run.throughput_per_sec, 200.0, "the mean");
        assert_eq!(run.tasks_completed, 600, "counts add up");
        assert_eq!(run.wall_seconds, 3.0);
        assert_eq!(run.process.user_s, 1.5);
        assert_eq!(run.process.peak_rss_bytes, 3000, "the largest peak");
        assert_eq!(run.overhead_per_task_us, Some(4.0));
        // The median repetition's timeline (the one at 200/s).
        assert_eq!(run.timeline[0].tasks_per_sec, 200.0);
        // Latency from every repetition's tasks: a third each at 10, 20 and 30 µs.
        assert!(
            (run.latency_us.mean - 20.0).abs() < 0.5,
            "{:?}",
            run.latency_us
        );
        assert!((run.latency_us.p50 - 20.0).abs() < 0.5);
        assert!(run.latency_us.max >= 29.9);
        let rounds: Vec<usize> = run.repetitions.iter().map(|r| r.round).collect();
        assert_eq!(rounds, [0, 1, 2]);
        let stats = run.stats.expect("statistics");
        assert_eq!(stats.throughput_per_sec.n, 3);
        assert_eq!(stats.throughput_per_sec.mean, 200.0);
        assert!(stats.throughput_per_sec.ci_low.is_some());
        // 50 % spread is noisy.
        assert!(
            run.warnings.iter().any(|w| w.contains("varies by")),
            "{:?}",
            run.warnings
        );
    }

    #[test]
    fn a_stop_before_every_repetition_ran_marks_the_run_stopped() {
        let g = gathered(&[(100.0, 10), (110.0, 10)]);
        assert_eq!(g.merge(false).map(|r| r.status), Some(RunStatus::Stopped));
        assert_eq!(g.merge(true).map(|r| r.status), Some(RunStatus::Completed));
    }

    #[test]
    fn a_failed_repetition_fails_the_run_and_is_named() {
        let mut g = gathered(&[(100.0, 10)]);
        let (step, mut r, h) = rep(1, 0.0, 10);
        r.status = RunStatus::Failed;
        r.tasks_completed = 0;
        r.error = Some("worker 1 (pid 4711) was killed by signal 9 (SIGKILL)".into());
        g.add(step, r, &h);
        let run = g.merge(true).expect("merged");
        assert_eq!(run.status, RunStatus::Failed);
        assert_eq!(
            run.error.as_deref(),
            Some("repetition 2: worker 1 (pid 4711) was killed by signal 9 (SIGKILL)")
        );
        // The failed repetition does not drag the mean down.
        assert_eq!(run.throughput_per_sec, 100.0);
        assert_eq!(run.stats.map(|s| s.throughput_per_sec.n), Some(1));
    }

    #[test]
    fn one_repetition_is_the_run_itself() {
        let (step, r, h) = rep(0, 123.0, 10);
        let mut g = Gathered::default();
        g.add(step, r.clone(), &h);
        let run = g.merge(true).expect("merged");
        assert_eq!(run.throughput_per_sec, r.throughput_per_sec);
        assert_eq!(run.tasks_completed, r.tasks_completed);
        assert_eq!(run.timeline, r.timeline);
        assert_eq!(run.repetitions.len(), 1);
        assert_eq!(run.stats.map(|s| s.throughput_per_sec.ci_low), Some(None));
    }
}
