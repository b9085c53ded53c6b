//! How long a profile will take, estimated before it starts (shown next to Start, and by
//! `parlab validate` and `parlab run`): a run that stops on time lasts its duration; one that
//! stops on a task count lasts its tasks × the expected task time (each kind's
//! [`TaskTime`]) spread over the workers that can work at once, plus the model's own cost
//! per task. Kinds whose task time cannot be told (an external program, Python code, a disk)
//! are named instead of guessed: the estimate then says "at least".

use super::{PlannedRun, Profile, Stop};
use crate::model::Model;
use crate::workload::TaskTime;

/// The estimate for a whole profile.
#[derive(Debug, Clone, PartialEq)]
pub struct TimeEstimate {
    /// Seconds of the runs that can be estimated, every repetition included.
    pub seconds: f64,
    /// Each planned run's seconds for one repetition; `None` where its kind cannot be told.
    pub runs: Vec<Option<f64>>,
    /// How many times each planned run runs.
    pub rounds: usize,
    /// The kinds whose task time cannot be told, in plan order, each once.
    pub unknown_kinds: Vec<&'static str>,
}

impl TimeEstimate {
    /// `about 3 min 35 s`; `at least 12 s; python tasks: unknown` where some runs cannot
    /// be estimated.
    pub fn describe(&self) -> String {
        if self.unknown_kinds.is_empty() {
            return approximately(self.seconds);
        }
        let unknown = format!("{} tasks: unknown", and_list(&self.unknown_kinds));
        if self.seconds < 1.0 {
            unknown
        } else {
            format!("at least {}; {unknown}", human_duration(self.seconds))
        }
    }
}

/// The model's own cost per task in seconds of a core: dispatch from a shared queue, a
/// pipe round trip shared by a batch, a thread or a process created. The spawn-cost and
/// creation-cost examples measured 0.1 µs, 0.1–0.4 µs, 140 µs and 3–4 ms on a 2-core EPYC
/// that other programs kept about 75 % busy; an idle machine pays about a third of the last
/// two, so these sit between.
fn per_task_overhead(model: Model) -> f64 {
    match model {
        Model::Threads | Model::Pool => 0.2e-6,
        Model::Processes => 0.5e-6,
        Model::ThreadPerTask => 60e-6,
        Model::ProcessPerTask => 2e-3,
    }
}

/// What every run costs besides its tasks: starting and joining workers, the samplers, the
/// summary; worker processes start one by one (a few milliseconds each).
fn per_run_overhead(run: &PlannedRun) -> f64 {
    let processes = if run.model == Model::Processes {
        run.workers as f64 * 5e-3
    } else {
        0.0
    };
    0.05 + processes
}

/// Estimates `profile` on a machine with `cores` logical CPUs.
pub fn time_estimate(profile: &Profile, cores: usize) -> TimeEstimate {
    let plan = profile.plan();
    let runs: Vec<Option<f64>> = plan.iter().map(|r| run_seconds(r, cores)).collect();
    let rounds = profile.rounds();
    let mut unknown_kinds = Vec::new();
    for (run, seconds) in plan.iter().zip(&runs) {
        let kind = run.workload.kind();
        if seconds.is_none() && !unknown_kinds.contains(&kind) {
            unknown_kinds.push(kind);
        }
    }
    let one_round: f64 = runs.iter().flatten().sum();
    TimeEstimate {
        seconds: one_round * rounds as f64,
        runs,
        rounds,
        unknown_kinds,
    }
}

/// Logical CPUs of this machine (read once: it is asked for on every frame of the app).
pub fn cores_here() -> usize {
    static CORES: std::sync::OnceLock<usize> = std::sync::OnceLock::new();
    *CORES.get_or_init(|| std::thread::available_parallelism().map_or(1, |n| n.get()))
}

/// Seconds one repetition of `run` takes on `cores` logical CPUs; `None` when its tasks'
/// time cannot be told and it stops on a task count.
pub fn run_seconds(run: &PlannedRun, cores: usize) -> Option<f64> {
    let time = run.workload.task_time(run.model);
    let stall = run.stall_timeout.as_secs_f64();
    let body = match (run.stop, time) {
        (Stop::Duration(d), TaskTime::Stalls) => d.min(stall),
        (Stop::Tasks(_), TaskTime::Stalls) => stall,
        (Stop::Duration(d), _) => d,
        (Stop::Tasks(n), time) => tasks_seconds(n, time, run, cores)?,
    };
    // Unknown warm-up tasks add an unknown time: left out (the estimate is then low).
    let warmup = tasks_seconds(run.warmup_tasks, time, run, cores).unwrap_or(0.0);
    Some(per_run_overhead(run) + warmup + body)
}

/// Seconds `n` tasks of `time` take with the run's workers on `cores` CPUs.
fn tasks_seconds(n: u64, time: TaskTime, run: &PlannedRun, cores: usize) -> Option<f64> {
    if n == 0 {
        return Some(0.0);
    }
    let tasks = n as f64;
    // Never more workers busy than tasks, nor more on a core at once than cores.
    let workers = (run.workers as f64).min(tasks).max(1.0);
    let busy = workers.min(cores.max(1) as f64);
    let overhead = tasks * per_task_overhead(run.model) / busy;
    let work = match time {
        TaskTime::Cpu(c) => tasks * c / busy,
        TaskTime::Wait(w) => tasks * w / workers,
        TaskTime::Serial(c) => tasks * c,
        TaskTime::Stalls | TaskTime::Unknown => return None,
    };
    Some(overhead + work)
}

/// `about 3 min 35 s`, or `under a second`.
fn approximately(seconds: f64) -> String {
    if seconds < 1.0 {
        "under a second".to_string()
    } else {
        format!("about {}", human_duration(seconds))
    }
}

/// `213.4` → `3 min 35 s`: whole seconds under a minute, 5 s steps under 10 minutes, whole
/// minutes after that, hours and minutes from an hour on.
pub fn human_duration(seconds: f64) -> String {
    let s = seconds.max(0.0).round() as u64;
    if s < 60 {
        return format!("{} s", s.max(1));
    }
    if s < 600 {
        let s = (s + 2) / 5 * 5;
        return match (s / 60, s % 60) {
            (m, 0) => format!("{m} min"),
            (m, r) => format!("{m} min {r} s"),
        };
    }
    let m = (s + 30) / 60;
    if m < 60 {
        return format!("{m} min");
    }
    match (m / 60, m % 60) {
        (h, 0) => format!("{h} h"),
        (h, r) => format!("{h} h {r} min"),
    }
}

/// `["command", "python"]` → `command and python`.
fn and_list(items: &[&str]) -> String {
    match items {
        [] => String::new(),
        [one] => (*one).to_string(),
        [init @ .., last] => format!("{} and {last}", init.join(", ")),
    }
}

#[cfg(test)]
#[path = "estimate_tests.rs"]
mod tests;
