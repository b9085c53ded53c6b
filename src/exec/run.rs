//! The dispatcher of one run: build its workload and context, start the workers of its model
//! (through [`super::models`]), aggregate what they record, watch for a stop or a stall, and
//! assemble the [`RunResult`]. The models never import this file: what they share is in
//! [`super::ctx`].

use super::ctx::{RunCtx, Slot};
use super::models;
use crate::cancel::CancelToken;
use crate::metrics::CpuSeries;
use crate::metrics::aggregate::TimelinePoint;
use crate::metrics::balance::LoadBalance;
use crate::metrics::histogram::{LatencyHistogram, LatencySummary, latency_cdf};
use crate::metrics::live::LiveList;
use crate::metrics::open::OpenHistograms;
use crate::metrics::spans::WorkerTimeline;
use crate::metrics::{Aggregator, BUCKET, Flush, Sampler, WorkerCounter};
use crate::process::children;
use crate::process::worker_command::WorkerCommand;
use crate::profile::PlannedRun;
use crate::results::{ProcessFigures, RunResult, RunStatus};
use crate::workload::{Workload, WorkloadStats};
use std::borrow::Cow;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::mpsc::{self, Receiver};
use std::sync::{Arc, PoisonError};
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
    /// grow, so a viewer copies the new points instead of the whole run every time. An
    /// open-load run's snapshot has its `open` figures so far (over the closed points).
    pub snapshot: Option<Arc<RunResult>>,
    /// The timeline points closed so far (a late flush that corrects a closed point shows
    /// in the final result only); an open-load run's carry their bucket's longest queue.
    pub timeline: Arc<LiveList<TimelinePoint>>,
    /// CPU samples so far, one row per sample with every core's utilisation (%).
    pub cpu_rows: Arc<LiveList<Vec<f32>>>,
}

static NEXT_RUN_ID: AtomicU64 = AtomicU64::new(1);

/// A finished run with its latency histogram, which repetitions merge exactly.
pub struct Executed {
    /// What the run measured.
    pub result: RunResult,
    /// Every measured task's latency.
    pub latencies: LatencyHistogram,
    /// Open model: every measured task's response and queue latency.
    pub open: Option<OpenHistograms>,
}

/// Executes one planned run to its end; `cancel` is the user's stop for the whole session,
/// `live` receives progress a few times a second.
pub fn execute(
    plan: &PlannedRun,
    worker_command: &WorkerCommand,
    cancel: &CancelToken,
    live: &dyn Fn(LiveRun),
) -> Executed {
    let run_id = NEXT_RUN_ID.fetch_add(1, Ordering::Relaxed);
    let workload = match build_workload(plan, run_id) {
        Ok(w) => w,
        Err(message) => {
            let nothing = Measured::nothing();
            let latencies = nothing.latencies.clone();
            let result = assemble(plan, RunStatus::Failed, Some(message), 0, nothing, None);
            return Executed {
                result,
                latencies,
                open: None,
            };
        }
    };
    let (tx, rx) = mpsc::channel();
    let marks = Marks::take();
    let sampler = Sampler::start(run_id, BUCKET);
    let ctx = RunCtx::new(
        run_id,
        plan,
        workload.as_ref(),
        worker_command,
        CancelToken::new(),
        tx,
        Instant::now(),
    );
    let mut monitor = Monitor::new(&ctx, cancel, rx, &marks, &sampler);
    let end = monitor.drive(live);
    // Whatever is still running now is stray: nothing of this run may outlive it.
    children::kill_run(run_id);
    // Programs the workload started end here, so their CPU time counts for this run.
    workload.cleanup();
    // What was reparented to parlab (left by a worker killed from outside) ends too.
    children::sweep_orphans();
    let queue_lens = std::mem::take(&mut monitor.queue_lens);
    conclude(
        &ctx,
        cancel,
        (monitor.aggregator, queue_lens),
        workload.as_ref(),
        sampler,
        &marks,
        end,
    )
}

/// The run's workload, built for its model and worker count.
fn build_workload(plan: &PlannedRun, run_id: u64) -> Result<Box<dyn Workload>, String> {
    let placement = crate::workload::Placement {
        model: plan.model,
        workers: plan.workers,
        runs_tasks: !plan.model.uses_processes(),
        run: run_id,
    };
    plan.workload.build(&placement)
}

/// Resource usage at the start of a run, to subtract at its end.
struct Marks {
    self_before: crate::sys::Usage,
    children_before: crate::sys::Usage,
}

impl Marks {
    /// Resets the peak-memory and OOM marks and reads the usage so far.
    fn take() -> Self {
        crate::sys::reset_peak_rss();
        crate::sys::mark_oom_kills();
        Self {
            self_before: crate::sys::self_usage(),
            children_before: crate::sys::children_usage(),
        }
    }

    /// CPU time and context switches of parlab and its reaped children since the marks.
    fn usage_since(&self) -> crate::sys::Usage {
        crate::sys::self_usage()
            .since(&self.self_before)
            .plus(&crate::sys::children_usage().since(&self.children_before))
    }
}

/// The dispatcher's side of a run in progress: aggregation, stop, stall watch, live figures.
struct Monitor<'r, 'a> {
    ctx: &'r RunCtx<'a>,
    cancel: &'r CancelToken,
    rx: Receiver<Flush>,
    aggregator: Aggregator,
    watchdog: Watchdog,
    last_snapshot: Instant,
    live_timeline: Arc<LiveList<TimelinePoint>>,
    marks: &'r Marks,
    sampler: &'r Sampler,
    /// Open model: the longest queue seen in each timeline bucket.
    queue_lens: Vec<u64>,
}

impl<'r, 'a> Monitor<'r, 'a> {
    fn new(
        ctx: &'r RunCtx<'a>,
        cancel: &'r CancelToken,
        rx: Receiver<Flush>,
        marks: &'r Marks,
        sampler: &'r Sampler,
    ) -> Self {
        Self {
            ctx,
            cancel,
            rx,
            aggregator: Aggregator::new(ctx.plan.workers, BUCKET, ctx.plan.span_limit),
            watchdog: Watchdog::new(ctx.plan.workers),
            last_snapshot: Instant::now(),
            live_timeline: Arc::new(LiveList::default()),
            marks,
            sampler,
            queue_lens: Vec::new(),
        }
    }

    /// Open model: notes the queue length in the current bucket.
    fn sample_queue(&mut self) {
        let Some(len) = self.ctx.source.queue_len() else {
            return;
        };
        let bucket = (self.ctx.start().elapsed().as_nanos() / BUCKET.as_nanos()) as usize;
        if self.queue_lens.len() <= bucket {
            self.queue_lens.resize(bucket + 1, 0);
        }
        self.queue_lens[bucket] = self.queue_lens[bucket].max(len);
    }

    /// Runs the model's workers on a driver thread and watches them until they return;
    /// returns when they did.
    fn drive(&mut self, live: &dyn Fn(LiveRun)) -> Instant {
        let (ctx, sampler) = (self.ctx, self.sampler);
        std::thread::scope(|scope| {
            let driver = scope.spawn(|| {
                models::run(ctx);
                let end = Instant::now();
                // The CPU series ends with the workers, not up to 50 ms later when this
                // loop next looks (a 75 ms run's cores read 60 % busy instead of 100 %).
                sampler.end();
                end
            });
            loop {
                if let Ok(flush) = self.rx.recv_timeout(Duration::from_millis(50)) {
                    self.aggregator.apply(flush);
                }
                self.watch();
                self.sample_queue();
                if driver.is_finished() {
                    while let Ok(flush) = self.rx.try_recv() {
                        self.aggregator.apply(flush);
                    }
                    break;
                }
                live(self.live_run());
            }
            driver.join().unwrap_or_else(|_| {
                ctx.fail("the run's driver thread panicked".into());
                Instant::now()
            })
        })
    }

    /// Passes the user's stop on to the run, and fails a run whose tasks stopped completing.
    fn watch(&mut self) {
        let ctx = self.ctx;
        if self.cancel.is_cancelled() && !ctx.stop.is_cancelled() {
            ctx.stop.cancel();
            children::kill_run(ctx.run_id);
        }
        // Open model: a worker sleeping until the next arrival is idle, not stuck.
        if ctx.source.open().is_some_and(|o| o.waiting() > 0) {
            self.watchdog.since = Instant::now();
        }
        if !ctx.stop.is_cancelled()
            && let Some(stuck) = self.watchdog.check(
                &ctx.counters,
                &ctx.slots,
                ctx.start(),
                ctx.plan.stall_timeout,
            )
        {
            ctx.stalled.store(true, Ordering::SeqCst);
            ctx.fail(stuck);
        }
    }

    /// The live figures: counts every time, a full snapshot for live charts once per bucket.
    fn live_run(&mut self) -> LiveRun {
        let snapshot = (self.last_snapshot.elapsed() >= BUCKET).then(|| self.snapshot());
        LiveRun {
            tasks_done: self.ctx.tasks_done(),
            elapsed: self.ctx.start().elapsed(),
            snapshot,
            timeline: Arc::clone(&self.live_timeline),
            cpu_rows: self.sampler.live_rows(),
        }
    }

    /// Everything measured so far, as a result with status `running`; an open run's with its
    /// open figures so far, and its new timeline points with their queue lengths.
    fn snapshot(&mut self) -> Arc<RunResult> {
        self.last_snapshot = Instant::now();
        let open = self.ctx.source.is_open();
        let queue_lens = &self.queue_lens;
        // A closed point's bucket has passed: its longest queue is final, as in the result.
        self.live_timeline
            .catch_up_with(self.aggregator.timeline(), |i, point| {
                if open {
                    point.queue_len = Some(queue_lens.get(i).copied().unwrap_or(0));
                }
            });
        let measured = Measured {
            wall: self.ctx.start().elapsed(),
            latencies: self.aggregator.latencies(),
            tasks: self.aggregator.tasks(),
            sum_ns: self.aggregator.sum_ns(),
            timeline: Vec::new(),
            workers: None,
            cpu: CpuSeries {
                interval_s: BUCKET.as_secs_f64(),
                ..CpuSeries::default()
            },
            usage: self.marks.usage_since(),
            peak_rss: 0,
            sampler_cpu_s: 0.0,
        };
        let failed = self.ctx.tasks_failed();
        let mut result = assemble(
            self.ctx.plan,
            RunStatus::Running,
            None,
            failed,
            measured,
            None,
        );
        // The buckets whose points are out: what the final figures judge the queue from.
        let closed = self.live_timeline.len().min(self.queue_lens.len());
        let lens = &self.queue_lens[..closed];
        result.open = open_figures(self.ctx, &result, self.aggregator.open(), Some(lens));
        Arc::new(result)
    }
}

/// The result of a run whose workers returned at `end` and whose children are gone.
fn conclude(
    ctx: &RunCtx,
    cancel: &CancelToken,
    (aggregator, queue_lens): (Aggregator, Vec<u64>),
    workload: &dyn Workload,
    sampler: Sampler,
    marks: &Marks,
    end: Instant,
) -> Executed {
    let sampled = sampler.stop();
    let usage = marks.usage_since();
    let wall = end.saturating_duration_since(ctx.start());
    let mut totals = aggregator.finish(wall);
    let open = totals.open.take();
    if ctx.source.is_open() {
        add_queue_lens(&mut totals.timeline, &queue_lens);
    }
    let status = if cancel.is_cancelled() {
        RunStatus::Stopped
    } else if ctx.stalled.load(Ordering::SeqCst) {
        RunStatus::Stalled
    } else if ctx.failure.get().is_some() {
        RunStatus::Failed
    } else {
        RunStatus::Completed
    };
    let stats = if ctx.plan.model.uses_processes() {
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
        workers: Some(totals.workers),
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
    let latencies = measured.latencies.clone();
    let result = assemble(ctx.plan, status, error, ctx.tasks_failed(), measured, stats);
    let mut result = with_context(result, ctx, workload, sampled.foreign.as_ref());
    result.open = open_figures(ctx, &result, open.as_ref(), None);
    Executed {
        result,
        latencies,
        open,
    }
}

/// Open model: each timeline bucket's longest queue.
fn add_queue_lens(timeline: &mut [TimelinePoint], queue_lens: &[u64]) {
    for (i, point) in timeline.iter_mut().enumerate() {
        point.queue_len = Some(queue_lens.get(i).copied().unwrap_or(0));
    }
}

/// The open-model figures of a run, finished or so far (`None` for a closed loop), with
/// `queue_lens` the longest queue of each of its timeline buckets (`None`: those of
/// `result`'s timeline, a finished run's).
fn open_figures(
    ctx: &RunCtx,
    result: &RunResult,
    open: Option<&OpenHistograms>,
    queue_lens: Option<&[u64]>,
) -> Option<crate::results::open::OpenFigures> {
    let source = ctx.source.open()?;
    let queue_lens = queue_lens.map_or_else(
        || Cow::Owned(result.timeline.iter().filter_map(|p| p.queue_len).collect()),
        Cow::Borrowed,
    );
    let empty = OpenHistograms::default();
    Some(crate::results::open::OpenFigures::measure(
        source.load(),
        open.unwrap_or(&empty),
        result.latency_us.p50,
        result.tasks_completed,
        result.wall_seconds,
        &queue_lens,
        result.workers,
        ctx.source.open_counts().unwrap_or_default(),
    ))
}

/// Adds what surrounds a run's figures: others' CPU meanwhile (and a warning when it
/// matters), the worker program and the Python version.
fn with_context(
    mut result: RunResult,
    ctx: &RunCtx,
    workload: &dyn Workload,
    foreign: Option<&crate::metrics::foreign::ForeignCpu>,
) -> RunResult {
    if let Some(foreign) = foreign {
        result.foreign_cpu_cores = Some(foreign.cores);
        result.warnings.extend(foreign.warning());
    }
    // The worker program changes what a process model measures (its start cost): say which.
    result.worker_program =
        (ctx.plan.model.uses_processes()).then(|| ctx.worker_command.command_line());
    // Asked after everything was measured, so the question costs the run nothing.
    result.python_version = workload.python_version();
    result
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

/// What a run measured, final or so far.
struct Measured {
    wall: Duration,
    latencies: LatencyHistogram,
    tasks: u64,
    sum_ns: u128,
    timeline: Vec<TimelinePoint>,
    workers: Option<WorkerTimeline>,
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
            workers: None,
            cpu: CpuSeries::default(),
            usage: crate::sys::Usage::default(),
            peak_rss: 0,
            sampler_cpu_s: 0.0,
        }
    }
}

/// The workers' time together, each from the run's start to the end of its last span:
/// after that a worker only waits for the others (the load imbalance of a static split,
/// which the balance figures show), which is not a cost of the model per task. A worker
/// whose spans were thinned counts the whole wall time, one that ran nothing none.
fn worker_time_s(wall_s: f64, workers: usize, timeline: Option<&WorkerTimeline>) -> f64 {
    let Some(t) = timeline.filter(|t| !t.thinned && t.lanes.len() == workers) else {
        return wall_s * workers as f64;
    };
    t.lanes
        .iter()
        .map(|lane| {
            lane.last_end_ns()
                .map_or(0.0, |ns| (ns as f64 / 1e9).min(wall_s))
        })
        .sum()
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
    // Open model: workers idle between arrivals, so wall × workers − busy is not the
    // model's cost.
    let overhead = (m.tasks > 0 && plan.load.is_none()).then(|| {
        let busy_us = m.sum_ns as f64 / 1000.0;
        let worked_us = worker_time_s(wall_s, plan.workers, m.workers.as_ref()) * 1e6;
        ((worked_us - busy_us) / m.tasks as f64).max(0.0)
    });
    RunResult {
        label: plan.label.clone(),
        model: plan.model,
        workers: plan.workers,
        workload: plan.workload.clone(),
        chunk: plan.chunk,
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
        observer_cpu_cores: None,
        repetitions: Vec::new(),
        stats: None,
        warnings: Vec::new(),
        foreign_cpu_cores: None,
        worker_program: None,
        python_version: None,
        balance: m
            .workers
            .as_ref()
            .filter(|_| m.tasks > 0)
            .and_then(|t| LoadBalance::of(t, wall_s)),
        worker_timeline: m.workers.map(Arc::new),
        open: None,
    }
}
