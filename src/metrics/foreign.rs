//! Other programs' CPU during a run (`foreign_cpu_cores`): the busy time of every core
//! (`/proc/stat`) minus the CPU time of parlab's own process tree over the same interval,
//! per cores' worth of wall time. The sampler takes a [`CpuReading`] at its start, at each
//! sample and at its end; [`ForeignCpu::from_readings`] turns them into the run's figure
//! and one per sampling interval, which say *when* the others were busy.
//!
//! parlab's own tree is this process (all its threads, the sampler's included), the
//! children it has reaped (`getrusage`), the run's children still alive and the guardian
//! (`/proc/PID/stat`, with what they reaped), and any process registered with
//! [`count_as_ours`] (the app that started an engine).

use crate::process::children::{self, RunId};
use std::sync::{Mutex, PoisonError};

/// A run whose others used more than this many cores' worth of CPU carries a warning.
pub const FOREIGN_WARN_CORES: f64 = 0.1;

/// The share of the others' CPU time the "most between" span of the warning holds.
const SPAN_SHARE: f64 = 0.75;

/// The span is named only when it is at most this share of the run (the others were busy
/// at least half again as much there as on average); otherwise "throughout the run".
const CONCENTRATED: f64 = 0.5;

/// Processes outside parlab's own tree whose CPU counts as parlab's (the app's window
/// drawing a run is measured apart, as `observer_cpu_cores`).
static ALSO_OURS: Mutex<Vec<u32>> = Mutex::new(Vec::new());

/// Counts process `pid`'s own CPU time (not its children's) as parlab's from now on.
pub fn count_as_ours(pid: u32) {
    let mut ours = ALSO_OURS.lock().unwrap_or_else(PoisonError::into_inner);
    if !ours.contains(&pid) {
        ours.push(pid);
    }
}

/// CPU seconds used so far by parlab's own tree, as seen while `run` is live.
pub fn own_cpu_seconds(run: RunId) -> f64 {
    use crate::sys::process_cpu_seconds;
    // Live children first: one reaped between the two reads is counted twice for a moment
    // (the next reading is right again) rather than missed.
    let live: f64 = children::of_run(run)
        .into_iter()
        .chain(crate::process::guardian::pid())
        .filter_map(|pid| process_cpu_seconds(pid, true))
        .sum();
    let extra: f64 = ALSO_OURS
        .lock()
        .unwrap_or_else(PoisonError::into_inner)
        .iter()
        .filter_map(|pid| process_cpu_seconds(*pid, false))
        .sum();
    let usage = crate::sys::self_usage().plus(&crate::sys::children_usage());
    usage.user_s + usage.sys_s + live + extra
}

/// The CPU clocks at one instant.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct CpuReading {
    /// Seconds since the sampler started.
    pub t: f64,
    /// Busy seconds of all cores together so far.
    pub busy_s: f64,
    /// CPU seconds of parlab's own tree so far.
    pub own_s: f64,
}

impl CpuReading {
    /// Reads the clocks now, `t` seconds into the sampling; `None` without `/proc/stat`.
    pub fn now(run: RunId, t: f64) -> Option<Self> {
        let own_s = own_cpu_seconds(run);
        let busy_s = crate::sys::all_cores_busy_seconds()?;
        Some(Self { t, busy_s, own_s })
    }
}

/// Others' CPU during one sampling interval.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct ForeignInterval {
    /// Start, in seconds since the sampler started (as the CPU chart counts).
    pub start_s: f64,
    /// End.
    pub end_s: f64,
    /// Cores' worth of CPU others used in it (0 or more).
    pub cores: f64,
}

/// Others' CPU over a whole run.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ForeignCpu {
    /// Mean cores' worth of CPU others used (0 or more).
    pub cores: f64,
    /// The same per sampling interval.
    pub intervals: Vec<ForeignInterval>,
}

impl ForeignCpu {
    /// The figures between the first and the last of `readings` (in time order); `None`
    /// with fewer than two or no time between them.
    pub fn from_readings(readings: &[CpuReading]) -> Option<Self> {
        let (first, last) = (readings.first()?, readings.last()?);
        let cores = foreign_cores(first, last)?;
        let intervals = readings
            .windows(2)
            .filter_map(|w| {
                Some(ForeignInterval {
                    start_s: w[0].t,
                    end_s: w[1].t,
                    cores: foreign_cores(&w[0], &w[1])?,
                })
            })
            .collect();
        Some(Self { cores, intervals })
    }

    /// The shortest stretch of intervals that holds at least `share` of the others' CPU
    /// time, as (start, end) seconds; `None` when they used none.
    pub fn busiest_span(&self, share: f64) -> Option<(f64, f64)> {
        let weight = |i: &ForeignInterval| i.cores * (i.end_s - i.start_s);
        let total: f64 = self.intervals.iter().map(weight).sum();
        if total <= 0.0 {
            return None;
        }
        let target = total * share;
        let (mut best, mut left, mut sum) = (None::<(f64, f64)>, 0, 0.0);
        for (right, interval) in self.intervals.iter().enumerate() {
            sum += weight(interval);
            // Drop intervals from the left while the rest still holds the target.
            while left < right && sum - weight(&self.intervals[left]) >= target {
                sum -= weight(&self.intervals[left]);
                left += 1;
            }
            if sum >= target {
                let span = (self.intervals[left].start_s, interval.end_s);
                if best.is_none_or(|b| span.1 - span.0 < b.1 - b.0) {
                    best = Some(span);
                }
            }
        }
        best
    }

    /// The run's warning when others used more than [`FOREIGN_WARN_CORES`], as a sentence
    /// that says how much and when.
    pub fn warning(&self) -> Option<String> {
        if self.cores <= FOREIGN_WARN_CORES {
            return None;
        }
        let (from, to) = (
            self.intervals.first().map_or(0.0, |i| i.start_s),
            self.intervals.last().map_or(0.0, |i| i.end_s),
        );
        let when = match self.busiest_span(SPAN_SHARE) {
            Some((a, b)) if (b - a) <= CONCENTRATED * (to - from) => {
                format!("most between {a:.1} s and {b:.1} s")
            }
            _ => "throughout the run".to_string(),
        };
        Some(format!(
            "other programs used {:.2} cores of CPU during this run ({when}): the workers may \
             have lost that time; close them or run again",
            self.cores
        ))
    }
}

/// Others' cores' worth of CPU between two readings; `None` when no time passed.
fn foreign_cores(a: &CpuReading, b: &CpuReading) -> Option<f64> {
    let wall = b.t - a.t;
    if wall <= 0.0 {
        return None;
    }
    let others = (b.busy_s - a.busy_s) - (b.own_s - a.own_s);
    Some((others / wall).max(0.0))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Readings every 0.25 s where all cores are busy `busy[k]` cores' worth and parlab
    /// `own[k]` cores' worth during interval `k`.
    fn readings(busy: &[f64], own: &[f64]) -> Vec<CpuReading> {
        let mut r = vec![CpuReading {
            t: 0.0,
            busy_s: 100.0,
            own_s: 7.0,
        }];
        for (b, o) in busy.iter().zip(own) {
            let last = *r.last().unwrap();
            r.push(CpuReading {
                t: last.t + 0.25,
                busy_s: last.busy_s + b * 0.25,
                own_s: last.own_s + o * 0.25,
            });
        }
        r
    }

    #[test]
    fn others_are_the_busy_time_less_parlabs_own() {
        // 2 cores busy, parlab using 1.2 of them: 0.8 cores are someone else's.
        let f = ForeignCpu::from_readings(&readings(&[2.0; 8], &[1.2; 8])).unwrap();
        assert!((f.cores - 0.8).abs() < 1e-9, "{}", f.cores);
        assert_eq!(f.intervals.len(), 8);
        assert!(f.intervals.iter().all(|i| (i.cores - 0.8).abs() < 1e-9));
        let text = f.warning().expect("0.8 cores warn");
        assert_eq!(
            text,
            "other programs used 0.80 cores of CPU during this run (throughout the run): the \
             workers may have lost that time; close them or run again"
        );
    }

    #[test]
    fn a_burst_is_located_in_time() {
        // Quiet, then one core busy from 1.0 s to 2.0 s, then quiet again (4 s in all).
        let mut busy = vec![0.5; 16];
        for b in &mut busy[4..8] {
            *b += 1.0;
        }
        let f = ForeignCpu::from_readings(&readings(&busy, &[0.5; 16])).unwrap();
        assert!((f.cores - 0.25).abs() < 1e-9, "{}", f.cores);
        assert_eq!(f.busiest_span(0.75), Some((1.0, 1.75)));
        assert_eq!(f.busiest_span(1.0), Some((1.0, 2.0)));
        let text = f.warning().unwrap();
        assert!(text.contains("0.25 cores") && text.contains("most between 1.0 s and 1.8 s"));
    }

    #[test]
    fn a_quiet_run_has_no_warning_and_rounding_never_goes_negative() {
        // parlab's own clock may run a tick ahead of /proc/stat's.
        let f = ForeignCpu::from_readings(&readings(&[1.0, 1.0, 1.0], &[1.04, 1.0, 1.0])).unwrap();
        assert!(f.cores < FOREIGN_WARN_CORES);
        assert!(f.intervals.iter().all(|i| i.cores >= 0.0));
        assert_eq!(f.intervals[0].cores, 0.0);
        assert_eq!(f.warning(), None);
        assert_eq!(f.busiest_span(0.75).is_some(), f.cores > 0.0);
        // Just below the threshold there is no warning; just above it there is.
        let below = ForeignCpu::from_readings(&readings(&[0.09; 4], &[0.0; 4])).unwrap();
        assert_eq!(below.warning(), None, "{}", below.cores);
        let above = ForeignCpu::from_readings(&readings(&[0.11; 4], &[0.0; 4])).unwrap();
        assert!(above.warning().is_some());
    }

    #[test]
    fn too_few_readings_give_nothing() {
        assert_eq!(ForeignCpu::from_readings(&[]), None);
        assert_eq!(ForeignCpu::from_readings(&readings(&[], &[])), None);
    }

    #[test]
    fn this_process_counts_as_its_own() {
        // Burn CPU in this thread: parlab's own clock sees it.
        let before = own_cpu_seconds(u64::MAX);
        let start = std::time::Instant::now();
        let mut x = 0u64;
        while start.elapsed().as_millis() < 50 {
            x = std::hint::black_box(x.wrapping_add(1));
        }
        let used = own_cpu_seconds(u64::MAX) - before;
        assert!(
            used >= 0.02,
            "own clock moved {used} s over 50 ms of spinning"
        );
    }
}
