//! How long one task of a kind is expected to take, for the estimate shown before a profile
//! starts (see `profile::time_estimate`). Figures are rough on purpose: the estimate only has
//! to tell "seconds" from "minutes" from "hours" before the user commits to a run.

/// What one task costs, as far as it can be told before running it.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum TaskTime {
    /// Busy on a core for this many seconds: workers beyond the core count only queue.
    Cpu(f64),
    /// Off the cores (blocked) for this many seconds: every worker waits at once.
    Wait(f64),
    /// On a core for this many seconds while holding a lock every worker needs: the workers
    /// take turns, so the tasks run one at a time.
    Serial(f64),
    /// The run ends as stalled (a deadlock, a hang): it lasts about its stall timeout.
    Stalls,
    /// Cannot be told before running: an external program, Python code, a disk.
    Unknown,
}

/// Nanoseconds per iteration of the CPU kernel (`workload::kernel`), measured at about
/// 1.8 ns on current x86-64 cores (`cpu` and `contention` use it).
pub const KERNEL_NS_PER_ITERATION: f64 = 1.8;

/// Seconds of `iterations` rounds of the CPU kernel.
pub fn kernel_seconds(iterations: u64) -> f64 {
    iterations as f64 * KERNEL_NS_PER_ITERATION * 1e-9
}
