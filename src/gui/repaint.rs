//! How often the window redraws while a run is live. The window is an observer: each frame
//! it draws takes CPU time from the workload it shows (about 25 ms of CPU a frame with
//! software rendering). So it redraws at the rate the engine reports (4 times a second) on
//! the tabs that show the live run, once a second on the others (the status bar's
//! progress), and never more often than a budget of [`BUDGET_CORES`] allows.

use crate::chart::ChartKind;
use std::time::{Duration, Instant};

/// The most CPU the window may use on average while a run is live, in cores: below the
/// [`OBSERVER_WARN_CORES`](crate::results::OBSERVER_WARN_CORES) at which a run is flagged
/// as disturbed by the window.
pub const BUDGET_CORES: f64 = 0.03;

/// The slowest refresh while a run is live.
const SLOWEST: Duration = Duration::from_secs(2);

/// Paces the window's redraws while a run is live.
#[derive(Debug, Default)]
pub struct Pacer {
    /// The window's CPU seconds at the last frame, and when that was.
    last: Option<(Instant, f64)>,
}

impl Pacer {
    /// The delay before the next frame while a run is live on `tab`: the tab's refresh
    /// interval, lengthened so that the CPU spent since the last frame fits the budget.
    pub fn next_delay(&mut self, tab: ChartKind) -> Duration {
        let cpu = own_cpu_seconds();
        let spent = self.last.map_or(0.0, |(_, before)| (cpu - before).max(0.0));
        self.last = Some((Instant::now(), cpu));
        let base = if shows_live(tab) {
            crate::stream::serve::UPDATE_INTERVAL
        } else {
            Duration::from_secs(1)
        };
        let earned = Duration::from_secs_f64(spent / BUDGET_CORES);
        earned.clamp(base, SLOWEST.max(base))
    }

    /// Forgets the last frame (no run is live).
    pub fn reset(&mut self) {
        self.last = None;
    }
}

/// True for the tabs that draw the live run; the summary and the findings are about
/// finished runs only.
pub fn shows_live(tab: ChartKind) -> bool {
    !matches!(tab, ChartKind::Dashboard | ChartKind::Findings)
}

fn own_cpu_seconds() -> f64 {
    let usage = crate::sys::self_usage();
    usage.user_s + usage.sys_s
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn live_tabs_refresh_four_times_a_second_at_most() {
        let mut pacer = Pacer::default();
        assert_eq!(
            pacer.next_delay(ChartKind::Throughput),
            Duration::from_millis(250)
        );
        assert!(pacer.next_delay(ChartKind::Dashboard) >= Duration::from_secs(1));
    }

    #[test]
    fn an_expensive_frame_lengthens_the_wait() {
        let mut pacer = Pacer::default();
        pacer.next_delay(ChartKind::Throughput);
        // Burn 30 ms of CPU: at 0.03 cores that earns a second's wait.
        let start = crate::sys::thread_cpu_seconds();
        let mut x = 0u64;
        while crate::sys::thread_cpu_seconds() - start < 0.03 {
            x = std::hint::black_box(x.wrapping_add(1));
        }
        let delay = pacer.next_delay(ChartKind::Throughput);
        assert!(delay >= Duration::from_millis(500), "{delay:?}");
        assert!(delay <= SLOWEST);
    }
}
