//! The run context: everything the workers of one run share, and the library the execution
//! models call (recorders, warm-up shares, the start line, failures). The dispatcher
//! (`run.rs`) builds it; the models only use it, so they never import the dispatcher.

use super::source::TaskSource;
use crate::cancel::CancelToken;
use crate::metrics::{BUCKET, Flush, Recorder, WorkerCounter};
use crate::process::children::{self, RunId};
use crate::process::worker_command::WorkerCommand;
use crate::profile::{PlannedRun, Stop};
use crate::workload::{TaskContext, Workload, WorkloadStats};
use std::sync::atomic::{AtomicBool, AtomicU32, AtomicU64, Ordering};
use std::sync::mpsc::Sender;
use std::sync::{Arc, Condvar, Mutex, OnceLock, PoisonError};
use std::time::{Duration, Instant};

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
    /// Tasks each worker completed (read by the dispatcher's progress and stall watch).
    pub(super) counters: Vec<Arc<WorkerCounter>>,
    tx: Mutex<Sender<Flush>>,
    start: Mutex<Instant>,
    /// The run's error, once it failed (the first failure wins).
    pub(super) failure: OnceLock<String>,
    /// Set when the stall watch failed the run.
    pub(super) stalled: AtomicBool,
    tasks_failed: AtomicU64,
    start_line: StartLine,
    /// Workload figures the worker processes sent.
    pub(super) child_stats: Mutex<WorkloadStats>,
    child_peaks: Mutex<Vec<u64>>,
    /// What the stall watch knows of each worker besides its count.
    pub(super) slots: Vec<Slot>,
}

impl<'a> RunCtx<'a> {
    /// The context of run `run_id` of `plan`, with its clock at `start`; workers record
    /// into `tx`, and `stop` ends the run early.
    pub(super) fn new(
        run_id: RunId,
        plan: &'a PlannedRun,
        workload: &'a dyn Workload,
        worker_command: &'a WorkerCommand,
        stop: CancelToken,
        tx: Sender<Flush>,
        start: Instant,
    ) -> Self {
        let (limit, duration) = match plan.stop {
            Stop::Tasks(n) => (Some(n), None),
            Stop::Duration(s) => (None, Some(Duration::from_secs_f64(s))),
        };
        let ctx = RunCtx {
            run_id,
            plan,
            workload,
            source: TaskSource::new(limit, duration, plan.workers, stop.clone())
                .with_load(plan.load),
            stop,
            worker_command,
            // The pool model records per pool thread; there are as many as workers.
            counters: (0..plan.workers).map(|_| Arc::default()).collect(),
            tx: Mutex::new(tx),
            start: Mutex::new(start),
            failure: OnceLock::new(),
            stalled: AtomicBool::new(false),
            tasks_failed: AtomicU64::new(0),
            start_line: StartLine::default(),
            child_stats: Mutex::new(WorkloadStats::default()),
            child_peaks: Mutex::new(Vec::new()),
            slots: (0..plan.workers).map(|_| Slot::default()).collect(),
        };
        if plan.warmup_tasks == 0 {
            ctx.source.start_clock(start);
        }
        ctx
    }

    /// Tasks completed so far, all workers together.
    pub(super) fn tasks_done(&self) -> u64 {
        self.counters.iter().map(|c| c.get()).sum()
    }
}

/// What the stall watchdog knows of one worker besides its task count.
#[derive(Default)]
pub(super) struct Slot {
    /// Its thread returned: it is not stuck, whatever its count.
    pub(super) finished: AtomicBool,
    /// The worker process it is talking to (0: none).
    pub(super) pid: AtomicU32,
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
    pub(super) fn children_peak(&self) -> u64 {
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
        // Each worker keeps its share of the run's spans, so no lane is left empty.
        let room = self.plan.span_limit / self.plan.workers.max(1) as u64;
        Recorder::new(w, self.start(), BUCKET, counter, tx).with_span_room(room)
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
