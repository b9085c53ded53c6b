//! The open model's two extra latencies per task, recorded beside the service latency:
//! `response` = end − intended start (what a user of the system feels) and `queue` =
//! actual start − intended start. The actual start is the end minus the service latency,
//! so `response = queue + service` holds for every task. No HdrHistogram correction for
//! coordinated omission is applied: the intended starts already count the waiting.

use super::histogram::{LatencyHistogram, new_histogram};
use std::time::Instant;

/// Response and queue latencies in nanoseconds.
#[derive(Debug, Clone)]
pub struct OpenHistograms {
    /// End − intended start.
    pub response: LatencyHistogram,
    /// Actual start − intended start.
    pub queue: LatencyHistogram,
}

impl Default for OpenHistograms {
    fn default() -> Self {
        Self {
            response: new_histogram(),
            queue: new_histogram(),
        }
    }
}

impl OpenHistograms {
    /// Records a task that ended at `end` after `service_ns` of service, intended to start
    /// at `intended`.
    #[inline]
    pub fn record(&mut self, end: Instant, service_ns: u64, intended: Instant) {
        let response = end.saturating_duration_since(intended).as_nanos() as u64;
        // A task cannot start before its intended start; what rounding leaves is zero.
        self.response.saturating_record(response.max(service_ns));
        self.queue
            .saturating_record(response.saturating_sub(service_ns));
    }

    /// Adds another set (same bounds: cannot fail).
    pub fn add(&mut self, other: &OpenHistograms) {
        let _ = self.response.add(&other.response);
        let _ = self.queue.add(&other.queue);
    }

    /// Takes what was recorded, leaving empty histograms.
    pub fn take(&mut self) -> Self {
        std::mem::take(self)
    }
}

/// Counters of an open run, for its results.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct OpenCounts {
    /// Arrivals that found the queue full.
    pub dropped: u64,
    /// Arrivals still queued when the run ended (a duration ended it, or a stop).
    pub unstarted: u64,
    /// CPU seconds the workers spent waiting for intended starts (spinning and sleeping).
    pub dispatcher_cpu_s: f64,
    /// Arrivals per second that actually came: with Poisson arrivals a short run's count
    /// differs from the rate asked for by chance (±10 % at 100 arrivals).
    pub arrived_rate: f64,
}
