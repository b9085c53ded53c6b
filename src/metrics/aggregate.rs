//! Folds the workers' bucket flushes into one run: exact merged histograms (never averaged
//! percentiles), the throughput and latency timeline, and the totals.

use super::histogram::{LatencyHistogram, new_histogram};
use super::open::OpenHistograms;
use super::recorder::Flush;
use super::spans::{WorkerLane, WorkerTimeline};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::time::Duration;

/// One point of the run timeline (the `timeline` field of a results file).
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct TimelinePoint {
    /// End of the bucket, seconds since the run clock started.
    pub t: f64,
    /// Tasks completed in the bucket, per second.
    pub tasks_per_sec: f64,
    /// Median latency of those tasks (µs); null when none completed.
    pub p50_us: Option<f64>,
    /// 99th percentile latency of those tasks (µs); null when none completed.
    pub p99_us: Option<f64>,
    /// Open model: 99th percentile response time (end − intended start) of those tasks (µs).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub response_p99_us: Option<f64>,
    /// Open model: the longest queue of arrived, unstarted tasks seen in the bucket.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub queue_len: Option<u64>,
}

struct OpenBucket {
    latencies: LatencyHistogram,
    count: u64,
    response: Option<LatencyHistogram>,
}

/// The totals of a finished run.
pub struct RunTotals {
    /// Every task latency of the run, merged.
    pub latencies: LatencyHistogram,
    /// Tasks recorded.
    pub tasks: u64,
    /// Exact sum of task latencies in nanoseconds.
    pub sum_ns: u128,
    /// The timeline, one point per bucket up to the end of the run.
    pub timeline: Vec<TimelinePoint>,
    /// What each worker did over time.
    pub workers: WorkerTimeline,
    /// Open model: every response and queue latency, merged.
    pub open: Option<OpenHistograms>,
}

/// Merges flushes from `workers` recorders as they arrive.
pub struct Aggregator {
    bucket_s: f64,
    watermarks: Vec<u64>,
    open: BTreeMap<u64, OpenBucket>,
    finalized: Vec<TimelinePoint>,
    total: LatencyHistogram,
    tasks: u64,
    sum_ns: u128,
    workers: WorkerTimeline,
    total_open: Option<OpenHistograms>,
}

/// Buckets kept open waiting for a slow worker before they are closed anyway; a late
/// flush into a closed bucket still adds its tasks to the throughput.
const MAX_OPEN: usize = 64;

impl Aggregator {
    /// An aggregator for `workers` workers and buckets of `bucket`, whose workers keep
    /// `span_limit` spans in all.
    pub fn new(workers: usize, bucket: Duration, span_limit: u64) -> Self {
        Self {
            bucket_s: bucket.as_secs_f64(),
            watermarks: vec![0; workers.max(1)],
            open: BTreeMap::new(),
            finalized: Vec::new(),
            total: new_histogram(),
            tasks: 0,
            sum_ns: 0,
            workers: WorkerTimeline {
                bucket_s: bucket.as_secs_f64(),
                span_limit,
                thinned: false,
                lanes: vec![WorkerLane::default(); workers.max(1)],
            },
            total_open: None,
        }
    }

    /// Open model: the response and queue latencies merged so far.
    pub fn open(&self) -> Option<&OpenHistograms> {
        self.total_open.as_ref()
    }

    /// Tasks merged so far.
    pub fn tasks(&self) -> u64 {
        self.tasks
    }

    /// Every latency merged so far.
    pub fn latencies(&self) -> LatencyHistogram {
        self.total.clone()
    }

    /// Exact sum of the latencies merged so far, in nanoseconds.
    pub fn sum_ns(&self) -> u128 {
        self.sum_ns
    }

    /// The timeline points closed so far.
    pub fn timeline(&self) -> &[TimelinePoint] {
        &self.finalized
    }

    /// Merges one flush.
    pub fn apply(&mut self, mut flush: Flush) {
        self.add_spans(&mut flush);
        let count = flush.latencies.len();
        if count > 0 {
            // Both histograms share the same bounds, so adding cannot fail.
            let _ = self.total.add(&flush.latencies);
            self.tasks += count;
            self.sum_ns += flush.sum_ns;
            let idx = flush.bucket as usize;
            if idx < self.finalized.len() {
                self.finalized[idx].tasks_per_sec += count as f64 / self.bucket_s;
            } else {
                let open = self.open.entry(flush.bucket).or_insert_with(|| OpenBucket {
                    latencies: new_histogram(),
                    count: 0,
                    response: None,
                });
                let _ = open.latencies.add(&flush.latencies);
                open.count += count;
                if let Some(o) = &flush.open {
                    let _ = (open.response.get_or_insert_with(new_histogram)).add(&o.response);
                }
            }
        }
        if let Some(o) = &flush.open {
            self.total_open.get_or_insert_with(Default::default).add(o);
        }
        if let Some(w) = self.watermarks.get_mut(flush.worker) {
            *w = (*w).max(flush.next_bucket);
        }
        let mut upto = self.watermarks.iter().copied().min().unwrap_or(0);
        if upto == u64::MAX {
            // Every worker is done: close what has data; `finish` closes the rest.
            upto = self.open.keys().next_back().map_or(0, |k| k + 1);
        }
        if self.open.len() > MAX_OPEN {
            upto = upto.max(
                self.open
                    .keys()
                    .nth(self.open.len() - MAX_OPEN)
                    .copied()
                    .unwrap_or(0),
            );
        }
        self.close_until(upto);
    }

    /// Appends a flush's spans and bucket totals to its worker's lane.
    fn add_spans(&mut self, flush: &mut Flush) {
        self.workers.thinned |= flush.thinned;
        let Some(lane) = self.workers.lanes.get_mut(flush.worker) else {
            return;
        };
        lane.spans.append(&mut flush.spans);
        for &(bucket, state, ns) in &flush.busy {
            lane.add(state, bucket as usize, ns);
        }
    }

    fn close_until(&mut self, upto: u64) {
        while (self.finalized.len() as u64) < upto {
            let idx = self.finalized.len() as u64;
            let point = self.point(idx, (idx + 1) as f64 * self.bucket_s, self.bucket_s);
            self.finalized.push(point);
        }
    }

    fn point(&mut self, idx: u64, t: f64, width_s: f64) -> TimelinePoint {
        match self.open.remove(&idx) {
            Some(b) if b.count > 0 => TimelinePoint {
                t,
                tasks_per_sec: b.count as f64 / width_s,
                p50_us: Some(b.latencies.value_at_quantile(0.5) as f64 / 1000.0),
                p99_us: Some(b.latencies.value_at_quantile(0.99) as f64 / 1000.0),
                response_p99_us: b
                    .response
                    .map(|r| r.value_at_quantile(0.99) as f64 / 1000.0),
                queue_len: None,
            },
            _ => TimelinePoint {
                t,
                tasks_per_sec: 0.0,
                p50_us: None,
                p99_us: None,
                response_p99_us: None,
                queue_len: None,
            },
        }
    }

    /// Closes every bucket up to `wall` (the last one may be partial) and returns the totals.
    pub fn finish(mut self, wall: Duration) -> RunTotals {
        for lane in &mut self.workers.lanes {
            // A worker records a task's overhead spans around its running span; most lanes
            // are in order already, which a stable sort checks in one pass.
            lane.spans.sort_by_key(|s| s.start_ns);
            // The run's results keep the lanes: no growth slack.
            lane.spans.shrink_to_fit();
        }
        let wall_s = wall.as_secs_f64();
        let last = ((wall_s / self.bucket_s).ceil() as u64)
            .max(self.open.keys().next_back().map_or(0, |k| k + 1))
            .max(self.finalized.len() as u64)
            .max(1);
        self.close_until(last);
        let start = (last - 1) as f64 * self.bucket_s;
        let width = (wall_s - start).clamp(self.bucket_s * 0.001, self.bucket_s);
        let n = self.finalized.len();
        let tail_count = self.finalized[n - 1].tasks_per_sec * self.bucket_s;
        if width < self.bucket_s / 4.0 && n >= 2 {
            // A sliver of a bucket gives a meaningless rate: fold it into the previous one.
            self.finalized.pop();
            let prev = &mut self.finalized[n - 2];
            let count = prev.tasks_per_sec * self.bucket_s + tail_count;
            prev.tasks_per_sec = count / (self.bucket_s + width);
            prev.t = start + width;
        } else {
            let last_point = &mut self.finalized[n - 1];
            last_point.tasks_per_sec = tail_count / width;
            last_point.t = start + width;
        }
        RunTotals {
            latencies: self.total,
            tasks: self.tasks,
            sum_ns: self.sum_ns,
            timeline: self.finalized,
            workers: self.workers,
            open: self.total_open,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::metrics::spans::SPAN_LIMIT;

    fn flush(worker: usize, bucket: u64, next: u64, values: &[u64]) -> Flush {
        let mut latencies = new_histogram();
        for v in values {
            latencies.record(*v).expect("in range");
        }
        Flush {
            worker,
            bucket,
            next_bucket: next,
            latencies,
            sum_ns: values.iter().map(|v| *v as u128).sum(),
            spans: Vec::new(),
            busy: Vec::new(),
            thinned: false,
            open: None,
        }
    }

    #[test]
    fn merges_histograms_not_percentiles() {
        let mut agg = Aggregator::new(2, Duration::from_millis(250), SPAN_LIMIT);
        // Worker 0: 99 fast tasks; worker 1: one slow task. Averaging each worker's p99
        // would give ~5 ms; the merged p99 is the fast value.
        agg.apply(flush(0, 0, u64::MAX, &[1_000; 99]));
        agg.apply(flush(1, 0, u64::MAX, &[10_000_000]));
        let totals = agg.finish(Duration::from_millis(250));
        assert_eq!(totals.tasks, 100);
        assert!(totals.latencies.value_at_quantile(0.99) < 2_000);
        assert_eq!(totals.timeline.len(), 1);
        assert!((totals.timeline[0].tasks_per_sec - 400.0).abs() < 1e-6);
    }

    #[test]
    fn closes_buckets_only_when_every_worker_moved_on() {
        let mut agg = Aggregator::new(2, Duration::from_millis(100), SPAN_LIMIT);
        agg.apply(flush(0, 0, 3, &[5_000, 5_000]));
        assert!(
            agg.timeline().is_empty(),
            "worker 1 may still add to bucket 0"
        );
        agg.apply(flush(1, 0, 2, &[7_000]));
        assert_eq!(agg.timeline().len(), 2, "buckets 0 and 1 are closed");
        assert!((agg.timeline()[0].tasks_per_sec - 30.0).abs() < 1e-6);
        assert_eq!(agg.timeline()[1].tasks_per_sec, 0.0);
        assert_eq!(agg.timeline()[1].p50_us, None);
        let totals = agg.finish(Duration::from_millis(350));
        assert_eq!(totals.timeline.len(), 4);
        assert!((totals.timeline[3].t - 0.35).abs() < 1e-9);
        assert_eq!(totals.sum_ns, 17_000);
    }

    #[test]
    fn a_sliver_of_a_last_bucket_folds_into_the_previous_one() {
        let mut agg = Aggregator::new(1, Duration::from_millis(100), SPAN_LIMIT);
        agg.apply(flush(0, 0, 1, &[1_000; 10]));
        agg.apply(flush(0, 1, u64::MAX, &[1_000; 10]));
        agg.apply(flush(0, 2, u64::MAX, &[1_000; 1]));
        let totals = agg.finish(Duration::from_millis(201));
        assert_eq!(totals.timeline.len(), 2);
        let last = totals.timeline[1];
        assert!((last.t - 0.201).abs() < 1e-9);
        assert!(
            (last.tasks_per_sec - 11.0 / 0.101).abs() < 1e-6,
            "{}",
            last.tasks_per_sec
        );
    }
}
