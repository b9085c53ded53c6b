//! Samples per-core CPU utilisation and the memory of parlab and its children on its own
//! thread while a run is live, so workers never pay for it. When the run ends, one last
//! sample covers the partial interval since the previous one, so every run, however short,
//! has its CPU series.

use super::foreign::{CpuReading, ForeignCpu};
use super::live::LiveList;
use crate::process::children::{self, RunId};
use serde::{Deserialize, Serialize};
use std::sync::mpsc::{self, RecvTimeoutError};
use std::sync::{Arc, Mutex, PoisonError};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};
use sysinfo::{CpuRefreshKind, RefreshKind, System};

/// The last sample is kept only when its interval is at least this long: the kernel counts
/// CPU time in ticks of 10 ms, so a shorter one holds mostly rounding. A run that has no
/// sample yet always gets one.
const MIN_PARTIAL: Duration = Duration::from_millis(20);

/// Per-core CPU utilisation over a run (the `cpu` field of a results file).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct CpuSeries {
    /// Seconds between two samples.
    pub interval_s: f64,
    /// `per_core[i][k]`: core `i`'s utilisation (0–100 %) during interval `k`.
    pub per_core: Vec<Vec<f32>>,
    /// Seconds covered by the last sample when it is shorter than `interval_s`: the run ended
    /// between two samples. Absent when every interval is whole (and in older files).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub last_interval_s: Option<f64>,
}

impl CpuSeries {
    /// Samples per core.
    pub fn samples(&self) -> usize {
        self.per_core.iter().map(Vec::len).max().unwrap_or(0)
    }

    /// When sample `k` ends, in seconds since the start (the last one may be partial).
    pub fn time_of(&self, k: usize) -> f64 {
        match self.last_interval_s {
            Some(last) if k + 1 == self.samples() => k as f64 * self.interval_s + last,
            _ => (k + 1) as f64 * self.interval_s,
        }
    }

    /// A note for charts when the whole series is one partial interval (a run shorter than
    /// one sampling interval): its figures are averages over that short time.
    pub fn partial_note(&self) -> Option<String> {
        let last = self.last_interval_s?;
        (self.samples() == 1).then(|| format!("one partial interval of {last:.2} s"))
    }
}

/// What the sampler measured, handed over when it stops.
#[derive(Debug, Clone, Default)]
pub struct SamplerOutput {
    /// The CPU series.
    pub cpu: CpuSeries,
    /// Highest sampled resident memory of parlab plus the run's live children, in bytes.
    pub peak_rss_bytes: u64,
    /// CPU seconds the sampler thread itself used: what measuring cost.
    pub own_cpu_s: f64,
    /// The CPU other programs used meanwhile; `None` without `/proc/stat`.
    pub foreign: Option<ForeignCpu>,
}

/// A running sampler; [`Sampler::stop`] ends it and returns what it measured.
pub struct Sampler {
    stop: mpsc::Sender<()>,
    handle: Option<JoinHandle<()>>,
    shared: Arc<Mutex<SamplerOutput>>,
    rows: Arc<LiveList<Vec<f32>>>,
}

impl Sampler {
    /// Starts sampling every `interval` for `run`.
    pub fn start(run: RunId, interval: Duration) -> Self {
        let (stop, stop_rx) = mpsc::channel();
        let shared = Arc::new(Mutex::new(SamplerOutput {
            cpu: CpuSeries {
                interval_s: interval.as_secs_f64(),
                per_core: Vec::new(),
                last_interval_s: None,
            },
            peak_rss_bytes: 0,
            own_cpu_s: 0.0,
            foreign: None,
        }));
        let out = Arc::clone(&shared);
        let rows = Arc::new(LiveList::default());
        let live = Arc::clone(&rows);
        let handle = std::thread::Builder::new()
            .name("parlab-sampler".into())
            .spawn(move || sample_loop(run, interval, &stop_rx, &out, &live))
            .ok();
        Self {
            stop,
            handle,
            shared,
            rows,
        }
    }

    /// The samples so far for live views, one row per sample holding every core's
    /// utilisation; viewers copy only the rows they have not seen.
    pub fn live_rows(&self) -> Arc<LiveList<Vec<f32>>> {
        Arc::clone(&self.rows)
    }

    /// Takes the last (partial) sample now and ends sampling, without waiting for it: the
    /// run's workers are done, and its CPU series ends with them, not when the caller gets
    /// to [`stop`](Self::stop).
    pub fn end(&self) {
        let _ = self.stop.send(());
    }

    /// Stops the sampler (unless [`end`](Self::end) did) and returns its measurements.
    pub fn stop(mut self) -> SamplerOutput {
        let _ = self.stop.send(());
        if let Some(handle) = self.handle.take() {
            let _ = handle.join();
        }
        lock(&self.shared).clone()
    }
}

fn lock(m: &Mutex<SamplerOutput>) -> std::sync::MutexGuard<'_, SamplerOutput> {
    m.lock().unwrap_or_else(PoisonError::into_inner)
}

/// Where per-core utilisation comes from: `/proc/stat` on Linux (any interval), else
/// sysinfo (intervals of 200 ms or more only, so no partial last sample).
enum CoreClock {
    ProcStat(Vec<crate::sys::CoreTimes>),
    Sysinfo(Option<Box<System>>),
}

impl CoreClock {
    fn start() -> Self {
        match crate::sys::core_times() {
            Some(times) => CoreClock::ProcStat(times),
            None => {
                let refresh =
                    RefreshKind::nothing().with_cpu(CpuRefreshKind::nothing().with_usage());
                CoreClock::Sysinfo(System::new_with_specifics(refresh).ok().map(Box::new))
            }
        }
    }

    /// Utilisation per core since the previous call; `partial` asks for an interval shorter
    /// than sysinfo allows, which only `/proc/stat` can give (empty otherwise).
    fn sample(&mut self, partial: bool) -> Vec<f32> {
        match self {
            CoreClock::ProcStat(before) => {
                let Some(now) = crate::sys::core_times() else {
                    return Vec::new();
                };
                let usage = now
                    .iter()
                    .zip(before.iter())
                    .map(|(n, b)| n.usage_since(b).unwrap_or(0.0))
                    .collect();
                *before = now;
                usage
            }
            CoreClock::Sysinfo(Some(system)) if !partial => {
                system.refresh_cpu_usage();
                system.cpus().iter().map(|c| c.usage()).collect()
            }
            CoreClock::Sysinfo(_) => Vec::new(),
        }
    }
}

fn sample_loop(
    run: RunId,
    interval: Duration,
    stop: &mpsc::Receiver<()>,
    out: &Mutex<SamplerOutput>,
    live: &LiveList<Vec<f32>>,
) {
    let mut clock = CoreClock::start();
    let started = Instant::now();
    // Others' CPU is read at the same instants as the per-core series.
    let mut readings: Vec<CpuReading> = CpuReading::now(run, 0.0).into_iter().collect();
    let read = |readings: &mut Vec<CpuReading>| {
        readings.extend(CpuReading::now(run, started.elapsed().as_secs_f64()));
    };
    let mut last = started;
    let mut tick: u32 = 0;
    loop {
        tick += 1;
        let next = started + interval * tick;
        match stop.recv_timeout(next.saturating_duration_since(Instant::now())) {
            Err(RecvTimeoutError::Timeout) => {
                let usage = clock.sample(false);
                record(out, run, &usage, None);
                read(&mut readings);
                if !usage.is_empty() {
                    live.push(usage);
                }
                last = Instant::now();
            }
            _ => {
                // The run ended between two samples: one last, partial one.
                let since = last.elapsed().min(interval);
                if since >= MIN_PARTIAL || tick == 1 {
                    let usage = clock.sample(true);
                    record(out, run, &usage, Some(since.as_secs_f64()));
                }
                // Always read at the end: the run's figure covers all of it.
                read(&mut readings);
                let mut out = lock(out);
                out.foreign = ForeignCpu::from_readings(&readings);
                out.own_cpu_s = crate::sys::thread_cpu_seconds();
                return;
            }
        }
    }
}

/// Adds one sample per core (and the memory now) to `out`; `partial` is the length of a last
/// interval shorter than the others.
fn record(out: &Mutex<SamplerOutput>, run: RunId, usage: &[f32], partial: Option<f64>) {
    let rss = memory_now(run);
    let mut out = lock(out);
    out.peak_rss_bytes = out.peak_rss_bytes.max(rss);
    if usage.is_empty() {
        return;
    }
    if out.cpu.per_core.len() < usage.len() {
        out.cpu.per_core.resize(usage.len(), Vec::new());
    }
    for (series, value) in out.cpu.per_core.iter_mut().zip(usage.iter().copied()) {
        series.push((value * 10.0).round() / 10.0);
    }
    out.cpu.last_interval_s = partial;
}

fn memory_now(run: RunId) -> u64 {
    let own = crate::sys::rss_of(std::process::id()).unwrap_or(0);
    let kids: u64 = children::of_run(run)
        .into_iter()
        .filter_map(crate::sys::rss_of)
        .sum();
    own + kids
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_run_shorter_than_one_interval_has_one_partial_sample_per_core() {
        let sampler = Sampler::start(0, Duration::from_millis(250));
        std::thread::sleep(Duration::from_millis(50));
        let cpu = sampler.stop().cpu;
        assert!(!cpu.per_core.is_empty(), "no per-core series");
        assert!(
            cpu.per_core.iter().all(|c| c.len() == 1),
            "{:?}",
            cpu.per_core
        );
        let last = cpu.last_interval_s.expect("the partial interval is marked");
        assert!((0.04..0.25).contains(&last), "last interval {last} s");
        assert_eq!(cpu.time_of(0), last);
        assert_eq!(
            cpu.partial_note(),
            Some(format!("one partial interval of {last:.2} s"))
        );
    }
}
