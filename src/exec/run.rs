//! One run: start the workers of its model, aggregate what they record, watch for a stop
//! or a failure, and assemble the [`RunResult`].

use super::cancel::CancelToken;
use super::child::WorkerCommand;
use super::children::{self, RunId};
use super::source::TaskSource;
use super::{pool, process_per_task, processes, thread_per_task, threads};
use crate::metrics::CpuSeries;
use crate::metrics::aggregate::TimelinePoint;
use crate::metrics::histogram::{LatencyHistogram, LatencySummary, latency_cdf};
use crate::metrics::live::LiveList;
use crate::metrics::{Aggregator, BUCKET, Flush, Recorder, Sampler, WorkerCounter};
use crate::profile::{Model, PlannedRun, Stop};
use crate::results::{ProcessFigures, RunResult, RunStatus};
use crate::workload::{TaskContext, Workload, WorkloadStats};
use std::sync::atomic::{AtomicBool, AtomicU32, AtomicU64, Ordering};
use std::sync::mpsc::{self, Sender};
use std::sync::{Arc, Condvar, Mutex, OnceLock, PoisonError};
use std::time::{Duration, Instant};

/// Live figures of the run in progress, for progress bars and live charts.
#[derive(Debug, Clone, Default)]
pub struct LiveRun {
    /// Tasks completed so far.
    pub tasks_done: u64,
    /// Time since the run clock started.
    pub elapsed: Duration,
    /// Everything measured so far, as a result with status `running`; refreshed once per
    /// timeline bucket (`None` in the updates between two refreshes). Its `timeline` and
    /// `cpu.per_core` are empty: the series are in `timeline` and `cpu_rows`, which only
    /// grow, so a viewer copies the new points instead of the whole run every time.
    pub snapshot: Option<Arc<RunResult>>,
    /// The timeline points closed so far (a late flush that corrects a closed point shows
    /// in the final result only).
    pub timeline: Arc<LiveList<TimelinePoint>>,
    /// CPU samples so far, one row per sample with every core's utilisation (%).
    pub cpu_rows: Arc<LiveList<Vec<f32>>>,
}

/// Everything the workers of one run share.
pub struct RunCtx<'a> {
    /// Identifies the run's child processes.
    pub run_id: RunId,
    /// What to run.
    pub plan: &'a PlannedRun,
    /// The workload (for in-process models).
    pub workload: &'a dyn Workload,
    /// Hands out task indices.
    pub source: TaskSource,
    /// Set when the run must end early (stop or failure).
    pub stop: CancelToken,
    /// How to start worker processes.
    pub worker_command: &'a WorkerCommand,
    counters: Vec<Arc<WorkerCounter>>,
    tx: Mutex<Sender<Flush>>,
    start: Mutex<Instant>,
    failure: OnceLock<String>,
    stalled: std::sync::atomic::AtomicBool,
    tasks_failed: AtomicU64,
    start_line: StartLine,
    child_stats: Mutex<WorkloadStats>,
    child_peaks: Mutex<Vec<u64>>,
    slots: Vec<Slot>,
}

/// What the stall watchdog knows of one worker besides its task count.
#[derive(Default)]
struct Slot {
    /// Its thread returned: it is not stuck, whatever its count.
    finished: AtomicBool,
    /// The worker process it is talking to (0: none).
    pid: AtomicU32,
}

impl RunCtx<'_> {
    /// Records the process worker `w` is talking to, for the stall message.
    pub fn set_worker_pid(&self, w: usize, pid: u32) {
        if let Some(slot) = self.slots.get(w) {
            slot.pid.store(pid, Ordering::Relaxed);
        }
    }

    /// The task context for in-process task bodies.
    pub fn task_ctx(&self) -> TaskContext<'_> {
        TaskContext::new(&self.stop, self.run_id, &[])
    }

    /// Records the peak resident memory of a worker process that ended.
    pub fn add_child_peak(&self, bytes: u64) {
        self.child_peaks
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .push(bytes);
    }

    /// Peak memory of the worker processes together: at most `workers` are alive at once,
    /// so the largest `workers` peaks added up (an upper bound for the per-task models).
    fn children_peak(&self) -> u64 {
        let mut peaks = self
            .child_peaks
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .clone();
        peaks.sort_unstable_by(|a, b| b.cmp(a));
        peaks.iter().take(self.plan.workers).sum()
    }

    /// Adds a worker process's workload figures.
    pub fn add_stats(&self, stats: &WorkloadStats) {
        self.child_stats
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .merge(stats);
    }

    /// A recorder for worker `w` (counter slots beyond the worker count are not used).
    pub fn recorder(&self, w: usize) -> Recorder {
        let counter = self.counters.get(w).cloned().unwrap_or_default();
        let tx = self
            .tx
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .clone();
        Recorder::new(w, self.start(), BUCKET, counter, tx)
    }

    /// When the measured part of the run began.
    pub fn start(&self) -> Instant {
        *self.start.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// Warm-up tasks worker `w` runs before measuring starts.
    pub fn warmup_share(&self, w: usize) -> u64 {
        let n = self.plan.workers as u64;
        let total = self.plan.warmup_tasks;
        total / n + u64::from((w as u64) < total % n)
    }

    /// With warm-up: waits until every worker has warmed up, then starts the clock
    /// (the last worker to arrive starts it) and moves `recorder` to it. Without: nothing.
    pub fn sync_start(&self, recorder: &mut Recorder) {
        if self.plan.warmup_tasks == 0 {
            return;
        }
        if self.start_line.arrive(self.plan.workers, &self.stop) {
            self.begin_measuring();
            self.start_line.release();
        }
        recorder.restart_clock(self.start());
    }

    /// Starts the run clock now (the end of warm-up) and returns it.
    pub fn begin_measuring(&self) -> Instant {
        let now = Instant::now();
        *self.start.lock().unwrap_or_else(PoisonError::into_inner) = now;
        self.source.start_clock(now);
        now
    }

    /// Ends the run as failed with `message` (the first failure wins) and kills its children.
    pub fn fail(&self, message: String) {
        if self.failure.set(message).is_ok() {
            self.stop.cancel();
            children::kill_run(self.run_id);
        }
    }

    /// Tasks that failed so far.
    pub fn tasks_failed(&self) -> u64 {
        self.tasks_failed.load(Ordering::Relaxed)
    }

    /// Counts a task that failed.
    pub fn count_failed_task(&self) {
        self.tasks_failed.fetch_add(1, Ordering::Relaxed);
    }

    /// True once the run is being stopped or has failed: errors seen now are consequences.
    pub fn stopping(&self) -> bool {
        self.stop.is_cancelled()
    }
}

/// A barrier that a stop releases, so a worker that never arrives cannot hang the others.
#[derive(Default)]
struct StartLine {
    state: Mutex<(usize, bool)>,
    wake: Condvar,
}

impl StartLine {
    /// Arrives; returns true for the last of `n` arrivals (which must call `release`).
    fn arrive(&self, n: usize, stop: &CancelToken) -> bool {
        let mut state = self.state.lock().unwrap_or_else(PoisonError::into_inner);
        state.0 += 1;
        if state.0 == n {
            return true;
        }
        while !state.1 && !stop.is_cancelled() {
            state = self
                .wake
                .wait_timeout(state, Duration::from_millis(50))
                .unwrap_or_else(PoisonError::into_inner)
                .0;
        }
        false
    }

    fn release(&self) {
        self.state.lock().unwrap_or_else(PoisonError::into_inner).1 = true;
        self.wake.notify_all();
    }
}

/// Runs worker `w` for each of `workers` scoped threads; a worker's error fails the run.
pub fn run_workers<F>(ctx: &RunCtx, name: &str, worker: F)
where
    F: Fn(&RunCtx, usize, &mut Recorder) -> Result<(), String> + Sync,
{
    std::thread::scope(|scope| {
        for w in 0..ctx.plan.workers {
            let worker = &worker;
            let spawned = std::thread::Builder::new()
                .name(format!("parlab-{name}-{w}"))
                .spawn_scoped(scope, move || {
                    let mut recorder = ctx.recorder(w);
                    if let Err(message) = worker(ctx, w, &mut recorder) {
                        ctx.fail(message);
                    }
                    if let Some(slot) = ctx.slots.get(w) {
                        slot.finished.store(true, Ordering::SeqCst);
                    }
                });
            if let Err(e) = spawned {
                ctx.fail(format!(
                    "cannot start worker thread {} of {}: {e}",
                    w + 1,
                    ctx.plan.workers
                ));
                break;
            }
        }
    });
}

static NEXT_RUN_ID: AtomicU64 = AtomicU64::new(1);

/// Executes one planned run to its end; `cancel` is the user's stop for the whole session,
/// `live` receives progress a few times a second.
pub fn execute(
    plan: &PlannedRun,
    worker_command: &WorkerCommand,
    cancel: &CancelToken,
    live: &dyn Fn(LiveRun),
) -> RunResult {
    let run_id = NEXT_RUN_ID.fetch_add(1, Ordering::Relaxed);
    let placement = crate::workload::Placement {
        model: plan.model,
        workers: plan.workers,
        runs_tasks: !plan.model.uses_processes(),
        run: run_id,
    };
    let workload = match plan.workload.build(&placement) {
        Ok(w) => w,
        Err(message) => {
            return assemble(
                plan,
                RunStatus::Failed,
                Some(message),
                0,
                Measured::nothing(),
                None,
            );
        }
    };
    let (tx, rx) = mpsc::channel();
    let stop = CancelToken::new();
    let (limit, duration) = match plan.stop {
        Stop::Tasks(n) => (Some(n), None),
        Stop::Duration(s) => (None, Some(Duration::from_secs_f64(s))),
    };
    // The pool model records per pool thread; there are as many as workers.
    let counters: Vec<Arc<WorkerCounter>> = (0..plan.workers).map(|_| Arc::default()).collect();
    crate::sys::reset_peak_rss();
    crate::sys::mark_oom_kills();
    let self_before = crate::sys::self_usage();
    let children_before = crate::sys::children_usage();
    let sampler = Sampler::start(run_id, BUCKET);
    let start = Instant::now();
    let ctx = RunCtx {
        run_id,
        plan,
        workload: workload.as_ref(),
        source: TaskSource::new(limit, duration, plan.workers, stop.clone()),
        stop: stop.clone(),
        worker_command,
        counters,
        tx: Mutex::new(tx),
        start: Mutex::new(start),
        failure: OnceLock::new(),
        stalled: Default::default(),
        tasks_failed: AtomicU64::new(0),
        start_line: StartLine::default(),
        child_stats: Mutex::new(WorkloadStats::default()),
        child_peaks: Mutex::new(Vec::new()),
        slots: (0..plan.workers).map(|_| Slot::default()).collect(),
    };
    let mut watchdog = Watchdog::new(plan.workers);
    if plan.warmup_tasks == 0 {
        ctx.source.start_clock(start);
    }
    let mut aggregator = Aggregator::new(plan.workers, BUCKET);
    let mut last_snapshot = Instant::now();
    let live_timeline = Arc::new(LiveList::default());
    let end = std::thread::scope(|scope| {
        let driver = scope.spawn(|| {
            match plan.model {
                Model::Threads => threads::execute(&ctx),
                Model::Pool => pool::execute(&ctx),
                Model::Processes => processes::execute(&ctx),
                Model::ThreadPerTask => thread_per_task::execute(&ctx),
                Model::ProcessPerTask => process_per_task::execute(&ctx),
            }
            Instant::now()
        });
        loop {
            if let Ok(flush) = rx.recv_timeout(Duration::from_millis(50)) {
                aggregator.apply(flush);
            }
            if cancel.is_cancelled() && !stop.is_cancelled() {
                stop.cancel();
                children::kill_run(run_id);
            }
            if !stop.is_cancelled()
                && let Some(stuck) =
                    watchdog.check(&ctx.counters, &ctx.slots, ctx.start(), plan.stall_timeout)
            {
                ctx.stalled.store(true, Ordering::SeqCst);
                ctx.fail(stuck);
            }
            if driver.is_finished() {
                while let Ok(flush) = rx.try_recv() {
                    aggregator.apply(flush);
                }
                break;
            }
            // A full snapshot for live charts once per bucket; counts every iteration.
            let snapshot = (last_snapshot.elapsed() >= BUCKET).then(|| {
                last_snapshot = Instant::now();
                live_timeline.catch_up(aggregator.timeline());
                let measured = Measured {
                    wall: ctx.start().elapsed(),
                    latencies: aggregator.latencies(),
                    tasks: aggregator.tasks(),
                    sum_ns: aggregator.sum_ns(),
                    timeline: Vec::new(),
                    cpu: CpuSeries {
                        interval_s: BUCKET.as_secs_f64(),
                        ..CpuSeries::default()
                    },
                    usage: usage_since(&self_before, &children_before),
                    peak_rss: 0,
                    sampler_cpu_s: 0.0,
                };
                Arc::new(assemble(
                    plan,
                    RunStatus::Running,
                    None,
                    ctx.tasks_failed(),
                    measured,
                    None,
                ))
            });
            live(LiveRun {
                tasks_done: ctx.counters.iter().map(|c| c.get()).sum(),
                elapsed: ctx.start().elapsed(),
                snapshot,
                timeline: Arc::clone(&live_timeline),
                cpu_rows: sampler.live_rows(),
            });
        }
        driver.join().unwrap_or_else(|_| {
            ctx.fail("the run's driver thread panicked".into());
            Instant::now()
        })
    });
    // Whatever is still running now is stray: nothing of this run may outlive it.
    children::kill_run(run_id);
    // Programs the workload started end here, so their CPU time counts for this run.
    workload.cleanup();
    // What was reparented to parlab (left by a worker killed from outside) ends too.
    children::sweep_orphans();
    let sampled = sampler.stop();
    let usage = usage_since(&self_before, &children_before);
    let wall = end.saturating_duration_since(ctx.start());
    let totals = aggregator.finish(wall);
    let status = if cancel.is_cancelled() {
        RunStatus::Stopped
    } else if ctx.stalled.load(Ordering::SeqCst) {
        RunStatus::Stalled
    } else if ctx.failure.get().is_some() {
        RunStatus::Failed
    } else {
        RunStatus::Completed
    };
    let stats = if plan.model.uses_processes() {
        ctx.child_stats
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .clone()
    } else {
        workload.stats()
    };
    let measured = Measured {
        wall,
        latencies: totals.latencies,
        tasks: totals.tasks,
        sum_ns: totals.sum_ns,
        timeline: totals.timeline,
        cpu: sampled.cpu,
        usage,
        // Sampling misses short-lived children; their own peaks (from wait4) do not.
        peak_rss: sampled
            .peak_rss_bytes
            .max(crate::sys::self_peak_rss().unwrap_or(0) + ctx.children_peak()),
        sampler_cpu_s: sampled.own_cpu_s,
    };
    let error = status
        .is_failure()
        .then(|| ctx.failure.get().cloned())
        .flatten();
    let stats = (!stats.is_empty()).then_some(stats);
    assemble(plan, status, error, ctx.tasks_failed(), measured, stats)
}

/// Ends a run whose tasks stopped completing: a deadlock, a hung worker.
struct Watchdog {
    counts: Vec<u64>,
    since: Instant,
    started: Option<Instant>,
}

impl Watchdog {
    fn new(workers: usize) -> Self {
        Self {
            counts: vec![0; workers],
            since: Instant::now(),
            started: None,
        }
    }

    /// The error to fail the run with once no task completed for `timeout`.
    fn check(
        &mut self,
        counters: &[Arc<WorkerCounter>],
        slots: &[Slot],
        start: Instant,
        timeout: Duration,
    ) -> Option<String> {
        let now: Vec<u64> = counters.iter().map(|c| c.get()).collect();
        // Progress, or the end of warm-up (which moves the run clock), restarts the wait.
        if now != self.counts || self.started != Some(start) {
            self.counts = now;
            self.since = Instant::now();
            self.started = Some(start);
            return None;
        }
        if self.since.elapsed() < timeout {
            return None;
        }
        // Workers that finished their share are waiting for the others, not stuck.
        let stuck: Vec<String> = self
            .counts
            .iter()
            .enumerate()
            .filter(|(w, _)| {
                !slots
                    .get(*w)
                    .is_some_and(|s| s.finished.load(Ordering::SeqCst))
            })
            .map(
                |(w, done)| match slots.get(w).map(|s| s.pid.load(Ordering::Relaxed)) {
                    Some(pid) if pid != 0 => {
                        format!("worker {} (pid {pid}) after {done} tasks", w + 1)
                    }
                    _ => format!("worker {} after {done} tasks", w + 1),
                },
            )
            .collect();
        Some(format!(
            "no task completed for {:.1} s (a deadlock or a hung worker); stuck: {}",
            timeout.as_secs_f64(),
            stuck.join(", ")
        ))
    }
}

/// CPU time and context switches of parlab and its reaped children since the marks.
fn usage_since(
    self_before: &crate::sys::Usage,
    children_before: &crate::sys::Usage,
) -> crate::sys::Usage {
    crate::sys::self_usage()
        .since(self_before)
        .plus(&crate::sys::children_usage().since(children_before))
}

/// What a run measured, final or so far.
struct Measured {
    wall: Duration,
    latencies: LatencyHistogram,
    tasks: u64,
    sum_ns: u128,
    timeline: Vec<TimelinePoint>,
    cpu: CpuSeries,
    usage: crate::sys::Usage,
    peak_rss: u64,
    sampler_cpu_s: f64,
}

impl Measured {
    /// A run that never started.
    fn nothing() -> Self {
        Self {
            wall: Duration::ZERO,
            latencies: crate::metrics::histogram::new_histogram(),
            tasks: 0,
            sum_ns: 0,
            timeline: Vec::new(),
            cpu: CpuSeries::default(),
            usage: crate::sys::Usage::default(),
            peak_rss: 0,
            sampler_cpu_s: 0.0,
        }
    }
}

fn assemble(
    plan: &PlannedRun,
    status: RunStatus,
    error: Option<String>,
    tasks_failed: u64,
    m: Measured,
    workload_stats: Option<WorkloadStats>,
) -> RunResult {
    let wall_s = m.wall.as_secs_f64();
    let overhead = (m.tasks > 0).then(|| {
        let busy_us = m.sum_ns as f64 / 1000.0;
        ((wall_s * 1e6 * plan.workers as f64 - busy_us) / m.tasks as f64).max(0.0)
    });
    RunResult {
        label: plan.label.clone(),
        model: plan.model,
        workers: plan.workers,
        workload: plan.workload.clone(),
        status,
        error,
        tasks_completed: m.tasks,
        tasks_failed,
        warmup_tasks: plan.warmup_tasks,
        wall_seconds: wall_s,
        throughput_per_sec: if wall_s > 0.0 {
            m.tasks as f64 / wall_s
        } else {
            0.0
        },
        latency_us: LatencySummary::from_histogram(&m.latencies),
        latency_cdf: latency_cdf(&m.latencies),
        overhead_per_task_us: overhead,
        process: ProcessFigures {
            user_s: m.usage.user_s,
            sys_s: m.usage.sys_s,
            voluntary_ctx: m.usage.voluntary_ctx,
            involuntary_ctx: m.usage.involuntary_ctx,
            peak_rss_bytes: m.peak_rss,
        },
        timeline: m.timeline,
        cpu: m.cpu,
        sampler_cpu_seconds: m.sampler_cpu_s,
        workload_stats,
        host: None,
    }
}
