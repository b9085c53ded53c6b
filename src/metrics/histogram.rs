//! The latency histogram type and its summary.

use hdrhistogram::Histogram;
use serde::{Deserialize, Serialize};

/// Latencies in nanoseconds, 1 ns to 1 hour at two significant digits (1 % resolution).
pub type LatencyHistogram = Histogram<u64>;

const HIGHEST_NS: u64 = 3_600_000_000_000;

/// A new, empty latency histogram.
pub fn new_histogram() -> LatencyHistogram {
    // The bounds are constants that hdrhistogram accepts; failure would be a programming error.
    Histogram::new_with_bounds(1, HIGHEST_NS, 2).expect("valid histogram bounds")
}

/// Latency percentiles of a run, in microseconds (the `latency_us` field of a results file).
#[derive(Debug, Clone, Copy, Default, PartialEq, Serialize, Deserialize)]
pub struct LatencySummary {
    pub min: f64,
    pub mean: f64,
    pub p50: f64,
    pub p90: f64,
    pub p99: f64,
    pub p999: f64,
    pub max: f64,
}

impl LatencySummary {
    /// Summarises a histogram of nanosecond latencies.
    pub fn from_histogram(h: &LatencyHistogram) -> Self {
        if h.is_empty() {
            return Self::default();
        }
        let us = |ns: u64| ns as f64 / 1000.0;
        Self {
            min: us(h.min()),
            mean: h.mean() / 1000.0,
            p50: us(h.value_at_quantile(0.50)),
            p90: us(h.value_at_quantile(0.90)),
            p99: us(h.value_at_quantile(0.99)),
            p999: us(h.value_at_quantile(0.999)),
            max: us(h.max()),
        }
    }
}

/// The latency distribution as `[percentile, µs]` points: every percent, then the tail
/// (99.5, 99.9, 99.95, 99.99, 100). Empty for an empty histogram.
pub fn latency_cdf(h: &LatencyHistogram) -> Vec<[f64; 2]> {
    if h.is_empty() {
        return Vec::new();
    }
    let tail = [99.5, 99.9, 99.95, 99.99, 100.0];
    (0..100)
        .map(f64::from)
        .chain(tail)
        .map(|p| [p, h.value_at_quantile(p / 100.0) as f64 / 1000.0])
        .collect()
}
