//! Per-worker recording: each worker owns a [`Recorder`] and touches nothing shared on
//! the hot path except its own padded progress counter. Every timeline bucket it has
//! finished is sent to the aggregator as one message.

use super::histogram::{LatencyHistogram, new_histogram};
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::mpsc::Sender;
use std::time::{Duration, Instant};

/// A worker's completed-task count, on its own cache line so workers never share one.
#[derive(Debug, Default)]
#[repr(align(128))]
pub struct WorkerCounter(AtomicU64);

impl WorkerCounter {
    /// Tasks this worker has completed so far.
    pub fn get(&self) -> u64 {
        self.0.load(Ordering::Relaxed)
    }
}

/// One worker's tasks that ended in one timeline bucket.
#[derive(Debug)]
pub struct Flush {
    /// Which worker.
    pub worker: usize,
    /// Bucket index (bucket `i` covers `[i, i+1) × BUCKET` after the run clock started).
    pub bucket: u64,
    /// The worker's next bucket: it will send nothing more for buckets before this one.
    pub next_bucket: u64,
    /// Latencies of those tasks, in nanoseconds.
    pub latencies: LatencyHistogram,
    /// Their exact sum in nanoseconds (the histogram rounds).
    pub sum_ns: u128,
    /// Open model: their response and queue latencies.
    pub open: Option<super::open::OpenHistograms>,
}

/// Records task latencies for one worker.
pub struct Recorder {
    worker: usize,
    start: Instant,
    bucket_ns: u128,
    bucket: u64,
    histogram: LatencyHistogram,
    sum_ns: u128,
    completed: u64,
    counter: Arc<WorkerCounter>,
    tx: Sender<Flush>,
    open: Option<super::open::OpenHistograms>,
}

impl Recorder {
    /// A recorder for `worker` whose clock starts at `start`.
    pub fn new(
        worker: usize,
        start: Instant,
        bucket: Duration,
        counter: Arc<WorkerCounter>,
        tx: Sender<Flush>,
    ) -> Self {
        Self {
            worker,
            start,
            bucket_ns: bucket.as_nanos().max(1),
            bucket: 0,
            histogram: new_histogram(),
            sum_ns: 0,
            completed: 0,
            counter,
            tx,
            open: None,
        }
    }

    /// Moves the clock origin (after a warm-up phase).
    pub fn restart_clock(&mut self, start: Instant) {
        self.start = start;
    }

    /// Records one task that ended at `end` after running `latency_ns` nanoseconds.
    #[inline]
    pub fn record(&mut self, end: Instant, latency_ns: u64) {
        let bucket = (end.saturating_duration_since(self.start).as_nanos() / self.bucket_ns) as u64;
        if bucket != self.bucket {
            self.flush(bucket, false);
        }
        self.histogram.saturating_record(latency_ns);
        self.sum_ns += latency_ns as u128;
        self.completed += 1;
        self.counter.0.store(self.completed, Ordering::Relaxed);
    }

    /// Records one task like [`record`](Self::record); in an open-model run (`intended`
    /// is its intended start) also its response and queue latencies.
    #[inline]
    pub fn record_from(&mut self, end: Instant, latency_ns: u64, intended: Option<Instant>) {
        self.record(end, latency_ns);
        if let Some(intended) = intended {
            self.open
                .get_or_insert_with(Default::default)
                .record(end, latency_ns, intended);
        }
    }

    /// Tasks recorded so far.
    pub fn completed(&self) -> u64 {
        self.completed
    }

    fn flush(&mut self, next_bucket: u64, always: bool) {
        if self.histogram.is_empty() && !always {
            self.bucket = next_bucket;
            return;
        }
        let latencies = std::mem::replace(&mut self.histogram, new_histogram());
        // A closed channel means the run is over; nothing is waiting for the data.
        let _ = self.tx.send(Flush {
            worker: self.worker,
            bucket: self.bucket,
            next_bucket,
            latencies,
            sum_ns: std::mem::take(&mut self.sum_ns),
            open: self.open.as_mut().map(super::open::OpenHistograms::take),
        });
        self.bucket = next_bucket;
    }
}

impl Drop for Recorder {
    /// Sends what is left, with `next_bucket = u64::MAX`: this worker is done.
    fn drop(&mut self) {
        self.flush(u64::MAX, true);
    }
}
