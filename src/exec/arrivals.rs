//! The open model's arrival schedule and queue, behind the run's `TaskSource`.
//!
//! Each task has an intended start computed from the schedule alone (`i / rate` after the
//! run clock started, or seeded exponential gaps), never from when a worker was free: that
//! is what keeps coordinated omission out of the response times. There is no dispatcher
//! thread: arrivals are replayed lazily, under one lock, by whoever looks (a claiming
//! worker, or the run's monitor sampling the queue length), which gives the same queue as
//! a thread pushing each arrival at its instant would. The queue is the tasks whose
//! intended start has passed and that no worker claimed yet; it holds at most `max_queue`,
//! and an arrival that finds it full is dropped and counted.

use crate::cancel::CancelToken;
pub use crate::metrics::open::OpenCounts;
use crate::profile::arrivals::{Arrivals, OpenLoad};
use std::collections::VecDeque;
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use std::sync::{Mutex, PoisonError};
use std::time::{Duration, Instant};

/// A waiting worker sleeps until this long before its task's intended start, then spins.
/// Its timer slack is 1 ns ([`crate::sys::precise_timers`]), so the sleep ends within
/// tens of µs of when it should (on a 2-core VM: with the default 50 µs slack and a 120 µs
/// spin, 2 threads at 20 000 arrivals a second spun 1.95 cores and were late by 42 µs at
/// p99 at 200/s; with 1 ns slack and 60 µs, 1.1 cores and 45–90 µs; with 25 µs, 0.4 cores
/// but 73–103 µs).
const SPIN: Duration = Duration::from_micros(60);

thread_local! {
    /// Set once this thread's timers were made precise.
    static PRECISE: std::cell::Cell<bool> = const { std::cell::Cell::new(false) };
}

/// The arrival times, in nanoseconds after the run clock started.
struct Schedule {
    poisson: bool,
    gap_ns: f64,
    rng: u64,
    index: u64,
    at_ns: f64,
    /// The intended start of the arrival before `index` (0 before the first).
    last_ns: f64,
}

impl Schedule {
    fn new(load: &OpenLoad) -> Self {
        Self {
            poisson: load.arrivals == Arrivals::Poisson,
            gap_ns: 1e9 / load.rate,
            rng: load.seed,
            index: 0,
            at_ns: 0.0,
            last_ns: 0.0,
        }
    }

    /// The next arrival: its task index and intended start.
    fn peek(&self) -> (u64, u64) {
        (self.index, self.at_ns as u64)
    }

    fn advance(&mut self) {
        self.index += 1;
        self.last_ns = self.at_ns;
        self.at_ns = if self.poisson {
            // Inverse transform of a uniform in (0, 1]: never ln(0).
            let u = (self.next_u64() >> 11) as f64 / (1u64 << 53) as f64;
            self.at_ns - (1.0 - u).ln() * self.gap_ns
        } else {
            // From the index, not summed gaps: no drift over a long run.
            self.index as f64 * self.gap_ns
        };
    }

    /// SplitMix64: small, fast and good enough for arrival gaps.
    fn next_u64(&mut self) -> u64 {
        self.rng = self.rng.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.rng;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }
}

/// What the lock guards: the schedule replayed so far and the queue it left.
struct State {
    schedule: Schedule,
    /// `(task index, intended start in ns)` of the arrivals waiting for a worker.
    queue: VecDeque<(u64, u64)>,
    dropped: u64,
}

/// The open model's side of a task source.
pub struct OpenSource {
    load: OpenLoad,
    state: Mutex<State>,
    origin: Mutex<Option<Instant>>,
    waiting: AtomicUsize,
    wait_cpu_ns: AtomicU64,
}

/// A task handed out with its intended start.
pub struct Arrival {
    /// The task index.
    pub index: u64,
    /// When the schedule says it starts.
    pub intended: Instant,
}

impl OpenSource {
    /// An empty queue for `load`; nothing arrives before [`start`](Self::start).
    pub fn new(load: OpenLoad) -> Self {
        Self {
            state: Mutex::new(State {
                schedule: Schedule::new(&load),
                queue: VecDeque::new(),
                dropped: 0,
            }),
            load,
            origin: Mutex::new(None),
            waiting: AtomicUsize::new(0),
            wait_cpu_ns: AtomicU64::new(0),
        }
    }

    /// Starts the schedule at `origin` (the run clock).
    pub fn start(&self, origin: Instant) {
        *self.origin.lock().unwrap_or_else(PoisonError::into_inner) = Some(origin);
    }

    fn origin(&self) -> Option<Instant> {
        *self.origin.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// The next task to start, arrivals up to task `limit` and before `end_ns`: the oldest
    /// queued one, else the next arrival (which the caller then waits for). `None` once the
    /// schedule has nothing left, or at `end_ns` (a duration: no task starts after it).
    pub fn next(&self, limit: u64, end_ns: u64) -> Option<Arrival> {
        let origin = self.origin()?;
        let now_ns = origin.elapsed().as_nanos().min(u64::MAX as u128) as u64;
        if now_ns >= end_ns {
            return None;
        }
        let mut state = self.state.lock().unwrap_or_else(PoisonError::into_inner);
        self.replay(&mut state, now_ns, limit, end_ns);
        let (index, at_ns) = match state.queue.pop_front() {
            Some(queued) => queued,
            None => {
                let (index, at_ns) = state.schedule.peek();
                if index >= limit || at_ns >= end_ns {
                    return None;
                }
                state.schedule.advance();
                (index, at_ns)
            }
        };
        Some(Arrival {
            index,
            intended: origin + Duration::from_nanos(at_ns),
        })
    }

    /// Queues (or drops) every arrival up to `now_ns`.
    fn replay(&self, state: &mut State, now_ns: u64, limit: u64, end_ns: u64) {
        loop {
            let (index, at_ns) = state.schedule.peek();
            if at_ns > now_ns || index >= limit || at_ns >= end_ns {
                return;
            }
            if (state.queue.len() as u64) < self.load.max_queue {
                state.queue.push_back((index, at_ns));
            } else {
                state.dropped += 1;
            }
            state.schedule.advance();
        }
    }

    /// Tasks waiting for a worker now; `None` before the clock starts.
    pub fn queue_len(&self, limit: u64, end_ns: u64) -> Option<u64> {
        let now_ns = self.origin()?.elapsed().as_nanos().min(u64::MAX as u128) as u64;
        let mut state = self.state.lock().unwrap_or_else(PoisonError::into_inner);
        self.replay(&mut state, now_ns.min(end_ns), limit, end_ns);
        Some(state.queue.len() as u64)
    }

    /// Waits until `intended` without holding a core: a timer sleep, then a short spin.
    /// False when `stop` ended the wait.
    pub fn wait_until(&self, intended: Instant, stop: &CancelToken) -> bool {
        let left = intended.saturating_duration_since(Instant::now());
        if left.is_zero() {
            return true;
        }
        if !PRECISE.with(|p| p.replace(true)) {
            crate::sys::precise_timers();
        }
        let cpu_before = crate::sys::thread_cpu_seconds();
        if left > SPIN {
            self.waiting.fetch_add(1, Ordering::Relaxed);
            let slept = stop.sleep(left - SPIN);
            self.waiting.fetch_sub(1, Ordering::Relaxed);
            if !slept {
                return false;
            }
        }
        while Instant::now() < intended {
            std::hint::spin_loop();
        }
        let cpu = (crate::sys::thread_cpu_seconds() - cpu_before).max(0.0);
        self.wait_cpu_ns
            .fetch_add((cpu * 1e9) as u64, Ordering::Relaxed);
        !stop.is_cancelled()
    }

    /// Workers sleeping until an arrival now: they are idle, not stuck.
    pub fn waiting(&self) -> usize {
        self.waiting.load(Ordering::Relaxed)
    }

    /// The load this source follows.
    pub fn load(&self) -> &OpenLoad {
        &self.load
    }

    /// Dropped and unstarted arrivals, the rate they came at and the waiting's CPU, up to
    /// now, of arrivals up to task `limit` and before `end_ns` (see [`next`](Self::next)).
    pub fn counts(&self, limit: u64, end_ns: u64) -> OpenCounts {
        let now_ns = self
            .origin()
            .map_or(0, |o| o.elapsed().as_nanos().min(u64::MAX as u128) as u64);
        let mut state = self.state.lock().unwrap_or_else(PoisonError::into_inner);
        self.replay(&mut state, now_ns.min(end_ns), limit, end_ns);
        let schedule = &state.schedule;
        let arrived_rate = if schedule.index >= limit && schedule.index > 1 {
            // Every arrival came: n − 1 gaps up to the last one.
            (schedule.index - 1) as f64 * 1e9 / schedule.last_ns.max(1.0)
        } else if schedule.peek().1 >= end_ns {
            // Every arrival before the end came (the run may end before it).
            schedule.index as f64 * 1e9 / end_ns.max(1) as f64
        } else {
            schedule.index as f64 * 1e9 / now_ns.max(1) as f64
        };
        OpenCounts {
            dropped: state.dropped,
            unstarted: state.queue.len() as u64,
            dispatcher_cpu_s: self.wait_cpu_ns.load(Ordering::Relaxed) as f64 / 1e9,
            arrived_rate,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn load(rate: f64, arrivals: Arrivals, max_queue: u64, seed: u64) -> OpenLoad {
        OpenLoad {
            rate,
            arrivals,
            max_queue,
            seed,
        }
    }

    fn times(l: &OpenLoad, n: usize) -> Vec<u64> {
        let mut s = Schedule::new(l);
        (0..n)
            .map(|_| {
                let t = s.peek().1;
                s.advance();
                t
            })
            .collect()
    }

    #[test]
    fn uniform_arrivals_are_one_gap_apart() {
        let t = times(&load(1000.0, Arrivals::Uniform, 10, 1), 4);
        assert_eq!(t, [0, 1_000_000, 2_000_000, 3_000_000]);
    }

    #[test]
    fn poisson_arrivals_repeat_with_the_seed_and_keep_the_mean_rate() {
        let a = times(&load(1000.0, Arrivals::Poisson, 10, 7), 20_000);
        assert_eq!(a, times(&load(1000.0, Arrivals::Poisson, 10, 7), 20_000));
        assert_ne!(a, times(&load(1000.0, Arrivals::Poisson, 10, 8), 20_000));
        let mean_gap = a[a.len() - 1] as f64 / (a.len() - 1) as f64;
        assert!((mean_gap - 1e6).abs() < 0.03e6, "mean gap {mean_gap} ns");
        let gaps: Vec<u64> = a.windows(2).map(|w| w[1] - w[0]).collect();
        let short = gaps.iter().filter(|&&g| g < 1_000_000).count() as f64 / gaps.len() as f64;
        // Exponential gaps: P(gap < mean) = 1 − 1/e ≈ 0.632.
        assert!((short - 0.632).abs() < 0.02, "{short}");
    }

    #[test]
    fn a_full_queue_drops_and_counts() {
        let source = OpenSource::new(load(1_000_000.0, Arrivals::Uniform, 5, 1));
        source.start(Instant::now() - Duration::from_millis(1));
        // About 1000 arrivals are due; only 5 fit.
        assert_eq!(source.queue_len(u64::MAX, u64::MAX), Some(5));
        let counts = source.counts(u64::MAX, u64::MAX);
        assert!(counts.dropped >= 990, "{counts:?}");
        let first = source.next(u64::MAX, u64::MAX).map(|a| a.index);
        assert_eq!(first, Some(0), "the oldest queued task goes first");
    }

    #[test]
    fn the_arrived_rate_is_what_came() {
        // All 10 arrivals of a uniform 1000/s schedule came: 9 gaps over 9 ms.
        let source = OpenSource::new(load(1000.0, Arrivals::Uniform, 100, 1));
        source.start(Instant::now() - Duration::from_millis(50));
        assert_eq!(source.counts(10, u64::MAX).arrived_rate, 1000.0);
        // A duration of 5 ms: arrivals at 0, 1, .. 4 ms, 5 over 5 ms.
        let source = OpenSource::new(load(1000.0, Arrivals::Uniform, 100, 1));
        source.start(Instant::now() - Duration::from_millis(50));
        let counts = source.counts(u64::MAX, 5_000_000);
        assert_eq!((counts.arrived_rate, counts.unstarted), (1000.0, 5));
        // Poisson: what came differs from what was asked, by chance.
        let source = OpenSource::new(load(1000.0, Arrivals::Poisson, 1000, 3));
        source.start(Instant::now() - Duration::from_millis(50));
        let counts = source.counts(u64::MAX, 20_000_000);
        assert_eq!(counts.arrived_rate, counts.unstarted as f64 / 0.02);
        assert!((800.0..1200.0).contains(&counts.arrived_rate), "{counts:?}");
    }

    #[test]
    fn nothing_starts_after_the_end_or_beyond_the_limit() {
        let source = OpenSource::new(load(1000.0, Arrivals::Uniform, 100, 1));
        assert!(source.next(10, u64::MAX).is_none(), "not started yet");
        source.start(Instant::now());
        let got: Vec<u64> =
            std::iter::from_fn(|| source.next(3, u64::MAX).map(|a| a.index)).collect();
        assert_eq!(got, [0, 1, 2]);
        let late = OpenSource::new(load(1000.0, Arrivals::Uniform, 100, 1));
        late.start(Instant::now() - Duration::from_secs(1));
        assert!(late.next(u64::MAX, 1_000_000).is_none());
    }

    #[test]
    fn waiting_sleeps_rather_than_spins() {
        let source = OpenSource::new(load(10.0, Arrivals::Uniform, 10, 1));
        let stop = CancelToken::new();
        let started = Instant::now();
        assert!(source.wait_until(started + Duration::from_millis(50), &stop));
        assert!(started.elapsed() >= Duration::from_millis(50));
        let cpu = source.counts(u64::MAX, u64::MAX).dispatcher_cpu_s;
        // A spinning wait would use about 50 ms.
        assert!(cpu < 0.01, "{cpu} s of CPU for a 50 ms wait");
    }
}
