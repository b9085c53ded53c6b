//! Per-worker recording: each worker owns a [`Recorder`] and touches nothing shared on
//! the hot path except its own padded progress counter. Every timeline bucket it has
//! finished is sent to the aggregator as one message, with the task spans it recorded
//! meanwhile (see [`super::spans`]).

use super::histogram::{LatencyHistogram, new_histogram};
use super::spans::{SPAN_LIMIT, Span, SpanBuffer, SpanState};
use crate::workload::Waits;
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
    /// The worker's spans recorded since its last flush (in time order).
    pub spans: Vec<Span>,
    /// Its time per state and bucket since its last flush: `(bucket, state, ns)`.
    pub busy: Vec<(u64, SpanState, u64)>,
    /// True once the worker left a span out (it had kept its share of `SPAN_LIMIT`).
    pub thinned: bool,
    /// Open model: their response and queue latencies.
    pub open: Option<super::open::OpenHistograms>,
}

/// Records task latencies for one worker.
pub struct Recorder {
    worker: usize,
    start: Instant,
    bucket_ns: u64,
    bucket: u64,
    /// The run-clock bounds of `bucket`, `[lo, hi)` in nanoseconds.
    lo: u64,
    hi: u64,
    /// Running time within `bucket` so far (the task spans' parts inside it).
    running_ns: u64,
    histogram: LatencyHistogram,
    sum_ns: u128,
    completed: u64,
    counter: Arc<WorkerCounter>,
    tx: Sender<Flush>,
    spans: SpanBuffer,
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
            bucket_ns: (bucket.as_nanos() as u64).max(1),
            bucket: 0,
            lo: 0,
            hi: (bucket.as_nanos() as u64).max(1),
            running_ns: 0,
            histogram: new_histogram(),
            sum_ns: 0,
            completed: 0,
            counter,
            tx,
            spans: SpanBuffer::new(SPAN_LIMIT),
            open: None,
        }
    }

    /// Keeps at most `room` spans (this worker's share of the run's `SPAN_LIMIT`).
    pub fn with_span_room(mut self, room: u64) -> Self {
        self.spans.room = room;
        self
    }

    /// Moves the clock origin (after a warm-up phase).
    pub fn restart_clock(&mut self, start: Instant) {
        self.start = start;
    }

    /// Records task `task` that ended at `end` after running `latency_ns` nanoseconds: its
    /// latency and its `running` span `[end - latency, end]`.
    #[inline(always)]
    pub fn record(&mut self, task: u64, end: Instant, latency_ns: u64) {
        let end_ns = self.since_start(end);
        let start_ns = end_ns.saturating_sub(latency_ns);
        self.spans.keep(Span {
            start_ns,
            end_ns,
            task,
            state: SpanState::Running,
        });
        self.record_latency(end_ns, latency_ns);
        // The hot path adds the task's part in the current bucket to one counter; a task
        // that began in an earlier bucket has that earlier part split bucket by bucket.
        self.running_ns += end_ns - start_ns.max(self.lo).min(end_ns);
        if start_ns < self.lo {
            let earlier = Span {
                start_ns,
                end_ns: self.lo.min(end_ns),
                task,
                state: SpanState::Running,
            };
            self.spans.add_time(earlier, self.bucket_ns);
        }
    }

    /// Records task `task` like [`record_from`](Self::record_from), for a task that
    /// reported lock `waits`: its span is split into running and `waiting` spans at the
    /// reported instants (see [`split_waits`]), and its bucket totals the same way. Out of
    /// line: only tasks that waited come here.
    #[cold]
    #[inline(never)]
    pub fn record_waited(
        &mut self,
        task: u64,
        end: Instant,
        latency_ns: u64,
        intended: Option<Instant>,
        waits: &Waits,
    ) {
        let end_ns = self.since_start(end);
        let start_ns = end_ns.saturating_sub(latency_ns);
        let waits = waits
            .iter()
            .map(|(from, to)| (self.since_start(from), self.since_start(to)));
        let pieces = split_waits(start_ns, end_ns, waits);
        // The latency first: it flushes the buckets the task's spans come after.
        self.record_latency(end_ns, latency_ns);
        for (from, to, state) in pieces {
            self.push_span(task, from, to, state);
        }
        if let Some(intended) = intended {
            self.record_open(end, latency_ns, intended);
        }
    }

    /// Records task `task`'s latency at `end`, without a span (the caller records the
    /// task's span itself with [`span`](Self::span), e.g. from a worker process's clock).
    #[inline]
    pub fn record_latency_at(&mut self, end: Instant, latency_ns: u64) {
        let end_ns = self.since_start(end);
        self.record_latency(end_ns, latency_ns);
    }

    /// Records a span of `state` for `task` from `from` to `to` (clamped to the run clock).
    #[inline]
    pub fn span(&mut self, state: SpanState, task: u64, from: Instant, to: Instant) {
        let (start_ns, end_ns) = (self.since_start(from), self.since_start(to));
        self.push_span(task, start_ns, end_ns.max(start_ns), state);
    }

    /// Nanoseconds from the run clock's start to `at` (0 before it).
    #[inline]
    pub fn since_start(&self, at: Instant) -> u64 {
        at.saturating_duration_since(self.start).as_nanos() as u64
    }

    /// Records a batch's task latency at `end_ns` on the run clock, without a span (see
    /// [`record_latency_at`](Self::record_latency_at)); for a batch, one clock reading.
    #[inline]
    pub fn record_latency_ns(&mut self, end_ns: u64, latency_ns: u64) {
        self.record_latency(end_ns, latency_ns);
    }

    /// Records a span of `state` for `task` from `start_ns` to `end_ns` on the run clock.
    #[inline]
    pub fn push_span(&mut self, task: u64, start_ns: u64, end_ns: u64, state: SpanState) {
        let span = Span {
            start_ns,
            end_ns,
            task,
            state,
        };
        self.spans.push(span, self.bucket_ns);
    }

    #[inline(always)]
    fn record_latency(&mut self, end_ns: u64, latency_ns: u64) {
        if !(self.lo..self.hi).contains(&end_ns) {
            self.flush(end_ns / self.bucket_ns, false);
        }
        self.histogram.saturating_record(latency_ns);
        self.sum_ns += latency_ns as u128;
        self.completed += 1;
        self.counter.0.store(self.completed, Ordering::Relaxed);
    }

    /// Records one task like [`record`](Self::record); in an open-model run (`intended`
    /// is its intended start) also its response and queue latencies.
    #[inline]
    pub fn record_from(
        &mut self,
        task: u64,
        end: Instant,
        latency_ns: u64,
        intended: Option<Instant>,
    ) {
        self.record(task, end, latency_ns);
        if let Some(intended) = intended {
            self.record_open(end, latency_ns, intended);
        }
    }

    /// Records an open-model task's response and queue latencies (its service latency is
    /// recorded apart, just before: the open figures go with its bucket).
    #[inline]
    pub fn record_open(&mut self, end: Instant, latency_ns: u64, intended: Instant) {
        self.open
            .get_or_insert_with(Default::default)
            .record(end, latency_ns, intended);
    }

    /// Tasks recorded so far.
    pub fn completed(&self) -> u64 {
        self.completed
    }

    fn flush(&mut self, next_bucket: u64, always: bool) {
        if self.histogram.is_empty() && self.spans.busy.is_empty() && !always {
            self.move_to(next_bucket);
            return;
        }
        if self.running_ns > 0 {
            let running = std::mem::take(&mut self.running_ns);
            self.spans
                .busy
                .push((self.bucket, SpanState::Running, running));
        }
        let latencies = std::mem::replace(&mut self.histogram, new_histogram());
        // A closed channel means the run is over; nothing is waiting for the data.
        let _ = self.tx.send(Flush {
            worker: self.worker,
            bucket: self.bucket,
            next_bucket,
            latencies,
            sum_ns: std::mem::take(&mut self.sum_ns),
            spans: std::mem::take(&mut self.spans.spans),
            busy: std::mem::take(&mut self.spans.busy),
            thinned: self.spans.thinned,
            open: self.open.as_mut().map(super::open::OpenHistograms::take),
        });
        self.move_to(next_bucket);
    }

    fn move_to(&mut self, bucket: u64) {
        self.bucket = bucket;
        self.lo = bucket.saturating_mul(self.bucket_ns);
        self.hi = self.lo.saturating_add(self.bucket_ns);
    }
}

/// The pieces of a task's span `start_ns .. end_ns` with its `waits` (run-clock
/// nanoseconds, in the order reported): running, waiting, running… in time order, never
/// overlapping, each wait clamped to the task's span and to the end of the one before,
/// empty pieces left out. At most `2 × WAIT_SLOTS + 1` pieces.
pub fn split_waits(
    start_ns: u64,
    end_ns: u64,
    waits: impl Iterator<Item = (u64, u64)>,
) -> Vec<(u64, u64, SpanState)> {
    let mut pieces = Vec::with_capacity(2 * crate::workload::WAIT_SLOTS + 1);
    let mut at = start_ns;
    for (from, to) in waits {
        let from = from.clamp(at, end_ns);
        let to = to.clamp(from, end_ns);
        if to == from {
            continue;
        }
        if from > at {
            pieces.push((at, from, SpanState::Running));
        }
        pieces.push((from, to, SpanState::Waiting));
        at = to;
    }
    if end_ns > at || pieces.is_empty() {
        pieces.push((at, end_ns, SpanState::Running));
    }
    pieces
}

impl Drop for Recorder {
    /// Sends what is left, with `next_bucket = u64::MAX`: this worker is done.
    fn drop(&mut self) {
        self.flush(u64::MAX, true);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use SpanState::{Running, Waiting};

    #[test]
    fn a_task_that_waited_splits_into_running_and_waiting_pieces() {
        let split = |waits: &[(u64, u64)]| split_waits(100, 200, waits.iter().copied());
        assert_eq!(split(&[]), vec![(100, 200, Running)]);
        assert_eq!(
            split(&[(120, 150)]),
            vec![
                (100, 120, Running),
                (120, 150, Waiting),
                (150, 200, Running)
            ]
        );
        // Clamped to the task's span, a wait from its start leaves no empty piece.
        assert_eq!(
            split(&[(90, 130), (180, 260)]),
            vec![
                (100, 130, Waiting),
                (130, 180, Running),
                (180, 200, Waiting)
            ]
        );
        // Overlapping or out-of-order waits never make overlapping pieces.
        assert_eq!(
            split(&[(110, 140), (130, 150), (120, 125)]),
            vec![
                (100, 110, Running),
                (110, 140, Waiting),
                (140, 150, Waiting),
                (150, 200, Running)
            ]
        );
        // A zero-length task keeps its one running span.
        assert_eq!(
            split_waits(5, 5, [(5, 5)].into_iter()),
            vec![(5, 5, Running)]
        );
    }

    #[test]
    fn a_waited_task_splits_its_spans_and_its_bucket_totals_alike() {
        let (tx, rx) = std::sync::mpsc::channel();
        let start = Instant::now();
        let at = |ns| start + Duration::from_nanos(ns);
        let bucket = Duration::from_nanos(100);
        let mut recorder = Recorder::new(0, start, bucket, Arc::default(), tx);
        let mut waits = Waits::default();
        waits.push(at(100), at(180));
        recorder.record_waited(7, at(250), 200, None, &waits);
        drop(recorder);
        let flushes: Vec<Flush> = rx.iter().collect();
        let spans: Vec<_> = flushes.iter().flat_map(|f| f.spans.clone()).collect();
        let pieces: Vec<_> = spans
            .iter()
            .map(|s| (s.start_ns, s.end_ns, s.task, s.state))
            .collect();
        assert_eq!(
            pieces,
            vec![
                (50, 100, 7, Running),
                (100, 180, 7, Waiting),
                (180, 250, 7, Running)
            ]
        );
        let mut busy: Vec<_> = flushes.iter().flat_map(|f| f.busy.clone()).collect();
        busy.sort_by_key(|&(b, s, _)| (b, s.code()));
        assert_eq!(
            busy,
            vec![
                (0, Running, 50),
                (1, Running, 20),
                (1, Waiting, 80),
                (2, Running, 50)
            ]
        );
        let sum: u128 = flushes.iter().map(|f| f.sum_ns).sum();
        assert_eq!(sum, 200, "the latency is the whole task's");
    }
}
