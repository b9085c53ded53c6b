//! Samples per-core CPU utilisation (sysinfo) and the memory of parlab and its children
//! on its own thread while a run is live, so workers never pay for it.

use crate::exec::children::{self, RunId};
use serde::{Deserialize, Serialize};
use std::sync::mpsc::{self, RecvTimeoutError};
use std::sync::{Arc, Mutex, PoisonError};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};
use sysinfo::{CpuRefreshKind, RefreshKind, System};

/// Per-core CPU utilisation over a run (DESIGN §6 `cpu`).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct CpuSeries {
    /// Seconds between two samples.
    pub interval_s: f64,
    /// `per_core[i][k]`: core `i`'s utilisation (0–100 %) during interval `k`.
    pub per_core: Vec<Vec<f32>>,
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
}

/// A running sampler; [`Sampler::stop`] ends it and returns what it measured.
pub struct Sampler {
    stop: mpsc::Sender<()>,
    handle: Option<JoinHandle<()>>,
    shared: Arc<Mutex<SamplerOutput>>,
}

impl Sampler {
    /// Starts sampling every `interval` for `run`.
    pub fn start(run: RunId, interval: Duration) -> Self {
        let (stop, stop_rx) = mpsc::channel();
        let shared = Arc::new(Mutex::new(SamplerOutput {
            cpu: CpuSeries {
                interval_s: interval.as_secs_f64(),
                per_core: Vec::new(),
            },
            peak_rss_bytes: 0,
            own_cpu_s: 0.0,
        }));
        let out = Arc::clone(&shared);
        let handle = std::thread::Builder::new()
            .name("parlab-sampler".into())
            .spawn(move || sample_loop(run, interval, &stop_rx, &out))
            .ok();
        Self {
            stop,
            handle,
            shared,
        }
    }

    /// A copy of the CPU series so far (for live views).
    pub fn cpu_so_far(&self) -> CpuSeries {
        lock(&self.shared).cpu.clone()
    }

    /// Stops the sampler and returns its measurements.
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

fn sample_loop(
    run: RunId,
    interval: Duration,
    stop: &mpsc::Receiver<()>,
    out: &Mutex<SamplerOutput>,
) {
    let refresh = RefreshKind::nothing().with_cpu(CpuRefreshKind::nothing().with_usage());
    let mut system = System::new_with_specifics(refresh).ok();
    let started = Instant::now();
    let mut tick: u32 = 0;
    loop {
        tick += 1;
        let next = started + interval * tick;
        match stop.recv_timeout(next.saturating_duration_since(Instant::now())) {
            Err(RecvTimeoutError::Timeout) => {}
            _ => {
                lock(out).own_cpu_s = crate::sys::thread_cpu_seconds();
                return;
            }
        }
        let rss = memory_now(run);
        let usage: Vec<f32> = match system.as_mut() {
            Some(system) => {
                system.refresh_cpu_usage();
                system.cpus().iter().map(|c| c.usage()).collect()
            }
            None => Vec::new(),
        };
        let mut out = lock(out);
        out.peak_rss_bytes = out.peak_rss_bytes.max(rss);
        if out.cpu.per_core.len() < usage.len() {
            out.cpu.per_core.resize(usage.len(), Vec::new());
        }
        for (series, value) in out.cpu.per_core.iter_mut().zip(usage) {
            series.push((value * 10.0).round() / 10.0);
        }
    }
}

fn memory_now(run: RunId) -> u64 {
    let own = crate::sys::rss_of(std::process::id()).unwrap_or(0);
    let kids: u64 = children::of_run(run)
        .into_iter()
        .filter_map(crate::sys::rss_of)
        .sum();
    own + kids
}
