//! Measurement: per-worker latency recording, the aggregated timeline, the CPU and
//! memory sampler, and process figures.

pub mod aggregate;
pub mod balance;
pub mod foreign;
pub mod histogram;
pub mod live;
pub mod open;
pub mod recorder;
pub mod sampler;
pub mod spans;

pub use aggregate::{Aggregator, RunTotals};
pub use recorder::{Flush, Recorder, WorkerCounter};
pub use sampler::{CpuSeries, Sampler};

use std::time::Duration;

/// Width of one timeline bucket; the CPU sampler uses the same interval so both series line up.
pub const BUCKET: Duration = Duration::from_millis(250);
