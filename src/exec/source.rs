//! Hands out task indices to workers in chunks, and says when the run is over. In an open
//! model run it hands them out one at a time on the arrival schedule ([`super::arrivals`]),
//! each with its intended start, and makes an early worker wait for it.

use super::arrivals::{OpenCounts, OpenSource};
use crate::cancel::CancelToken;
use crate::profile::arrivals::OpenLoad;
use std::ops::Range;
use std::sync::OnceLock;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Instant;

/// The shared queue of a run: task indices `0..limit` (or unbounded until a deadline).
///
/// Every claim writes `next` and reads the rest, from every worker: `next` has a cache line
/// of its own, so that a claim does not take the line holding the limit and the deadline
/// away from the other workers, and the deadline is read without a lock.
pub struct TaskSource {
    next: NextIndex,
    limit: u64,
    workers: u64,
    deadline: OnceLock<Instant>,
    duration: Option<std::time::Duration>,
    stop: CancelToken,
    open: Option<OpenSource>,
}

/// Tasks a worker claimed: their indices, and in an open run the intended start of the
/// one task claimed (which has come when the claim returns).
pub struct Claim {
    /// The task indices.
    pub tasks: Range<u64>,
    /// The intended start on the arrival schedule (open model only).
    pub intended: Option<Instant>,
}

/// The next unclaimed task index, alone on its cache line (128 bytes: two lines on x86,
/// which the prefetcher fetches in pairs).
#[repr(align(128))]
struct NextIndex(AtomicU64);

impl TaskSource {
    /// A source of `limit` tasks, or of tasks until `duration` has passed since
    /// [`start_clock`](Self::start_clock); `stop` ends it early.
    pub fn new(
        limit: Option<u64>,
        duration: Option<std::time::Duration>,
        workers: usize,
        stop: CancelToken,
    ) -> Self {
        Self {
            next: NextIndex(AtomicU64::new(0)),
            limit: limit.unwrap_or(u64::MAX),
            workers: workers.max(1) as u64,
            deadline: OnceLock::new(),
            duration,
            stop,
            open: None,
        }
    }

    /// The same source following the open-model `load`.
    pub fn with_load(mut self, load: Option<OpenLoad>) -> Self {
        self.open = load.map(OpenSource::new);
        self
    }

    /// True for an open-model run.
    pub fn is_open(&self) -> bool {
        self.open.is_some()
    }

    /// The open-model side: its load, counters and queue.
    pub fn open(&self) -> Option<&OpenSource> {
        self.open.as_ref()
    }

    /// Open model: tasks waiting for a worker now (`None`: closed, or not started).
    pub fn queue_len(&self) -> Option<u64> {
        self.open.as_ref()?.queue_len(self.limit, self.end_ns())
    }

    /// Open model: dropped and unstarted arrivals, the rate they came at and the
    /// waiting's CPU, up to now.
    pub fn open_counts(&self) -> Option<OpenCounts> {
        Some(self.open.as_ref()?.counts(self.limit, self.end_ns()))
    }

    /// Nanoseconds from the clock start to the end of a duration-bound run.
    fn end_ns(&self) -> u64 {
        self.duration
            .map_or(u64::MAX, |d| d.as_nanos().min(u64::MAX as u128) as u64)
    }

    /// Starts the duration clock (at the end of warm-up); only the first call counts.
    pub fn start_clock(&self, start: Instant) {
        if let Some(d) = self.duration {
            let _ = self.deadline.set(start + d);
        }
        if let Some(open) = &self.open {
            open.start(start);
        }
    }

    /// The instant a duration-bound run ends, once the clock started.
    pub fn deadline(&self) -> Option<Instant> {
        self.deadline.get().copied()
    }

    /// True when no more tasks should start.
    pub fn exhausted(&self, now: Instant) -> bool {
        self.stop.is_cancelled()
            || self.next.0.load(Ordering::Relaxed) >= self.limit
            || self.deadline().is_some_and(|d| now >= d)
    }

    /// Claims up to `want` task indices (an open run: the next one, once its intended start
    /// has come); `None` when the run is over.
    pub fn claim_timed(&self, want: u64) -> Option<Claim> {
        let Some(open) = &self.open else {
            return self.claim(want).map(|tasks| Claim {
                tasks,
                intended: None,
            });
        };
        if self.stop.is_cancelled() {
            return None;
        }
        let arrival = open.next(self.limit, self.end_ns())?;
        if !open.wait_until(arrival.intended, &self.stop) {
            return None;
        }
        Some(Claim {
            tasks: arrival.index..arrival.index + 1,
            intended: Some(arrival.intended),
        })
    }

    /// Claims up to `want` task indices; fewer near the end so that workers finish together.
    /// `None` when the run is over. (Closed model; see [`claim_timed`](Self::claim_timed).)
    pub fn claim(&self, want: u64) -> Option<Range<u64>> {
        if self.exhausted(Instant::now()) {
            return None;
        }
        let want = if self.limit == u64::MAX {
            want.max(1)
        } else {
            let remaining = self
                .limit
                .saturating_sub(self.next.0.load(Ordering::Relaxed));
            want.min(remaining / (2 * self.workers)).max(1)
        };
        let first = self.next.0.fetch_add(want, Ordering::Relaxed);
        if first >= self.limit {
            return None;
        }
        Some(first..first.saturating_add(want).min(self.limit))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hands_out_every_index_exactly_once() {
        let source = TaskSource::new(Some(1000), None, 2, CancelToken::new());
        let mut seen = Vec::new();
        while let Some(r) = source.claim(64) {
            seen.extend(r);
        }
        assert_eq!(seen, (0..1000).collect::<Vec<_>>());
    }

    #[test]
    fn stops_when_cancelled() {
        let stop = CancelToken::new();
        let source = TaskSource::new(None, None, 1, stop.clone());
        assert!(source.claim(4).is_some());
        stop.cancel();
        assert!(source.claim(4).is_none());
    }
}
