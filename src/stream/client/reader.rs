//! The thread that reads the engine's events into the session's shared state, and the
//! sentence for an engine that ended badly.

use super::super::{Event, decode};
use crate::exec::{LiveRun, Progress};
use crate::metrics::live::LiveList;
use crate::process::drain::StderrTail;
use crate::results::RunResult;
use crate::sys::{Exit, Usage};
use std::io::BufRead;
use std::process::Child;
use std::sync::{Arc, Mutex, PoisonError};
use std::time::{Duration, Instant};

/// What the reader thread learnt from the stream.
#[derive(Default)]
pub(super) struct Shared {
    pub(super) progress: Progress,
    /// Why the session ended badly (the engine died, refused the profile, garbled).
    pub(super) error: Option<String>,
    /// The engine's worker program (from `hello`).
    pub(super) worker: Option<String>,
    /// The seed of the session's order (from `hello`).
    pub(super) seed: Option<u64>,
    /// The window's CPU (cores) during each finished step, by planned run.
    pub(super) observed: std::collections::HashMap<usize, Vec<f64>>,
    /// The machine as the engine's session found it at its start (from `hello`).
    pub(super) host: Option<crate::results::Host>,
}

/// The thread that reads the engine's events into [`Shared`].
pub(super) struct Reader {
    pub(super) shared: Arc<Mutex<Shared>>,
    pub(super) child: Arc<Mutex<Child>>,
    pub(super) plan: Vec<(String, crate::profile::Stop)>,
    pub(super) order: crate::profile::Order,
    pub(super) pid: u32,
}

/// Where the app's own CPU use stood when a run began: the window's cost during the run
/// is measured from here.
struct Mark {
    usage: Usage,
    at: Instant,
}

impl Mark {
    fn now() -> Self {
        Self {
            usage: crate::sys::self_usage(),
            at: Instant::now(),
        }
    }

    /// Cores' worth of CPU this process used since the mark.
    fn cores_since(&self) -> Option<f64> {
        let wall = self.at.elapsed().as_secs_f64();
        let used = crate::sys::self_usage().since(&self.usage);
        (wall > 0.0).then(|| (used.user_s + used.sys_s) / wall)
    }
}

impl Reader {
    pub(super) fn read(self, stdout: impl BufRead, stderr: StderrTail) {
        let mut ended = false;
        let mut mark = Mark::now();
        let mut garbled = None;
        for line in stdout.lines() {
            let Ok(line) = line else { break };
            match decode::<Event>(&line) {
                Ok(Event::End { .. }) => ended = true,
                Ok(event) => self.apply(event, &mut mark),
                Err(e) => {
                    garbled.get_or_insert(e);
                }
            }
        }
        let exit = self.reap();
        let last_line = stderr.finish(Duration::from_millis(500));
        let mut shared = self.shared.lock().unwrap_or_else(PoisonError::into_inner);
        let p = &mut shared.progress;
        let what = match p.run_index {
            i if i < p.run_count && i >= p.finished.len() => {
                format!(" during run {} of {} ({})", i + 1, p.run_count, p.label)
            }
            _ => String::new(),
        };
        let kept = p.merged.len();
        p.run_index = p.run_count;
        let failure = match (ended, exit) {
            (true, Some(exit)) if exit.success() => None,
            _ if shared.error.is_some() => None,
            (_, exit) => Some(describe_end(
                self.pid, exit, &what, kept, garbled, &last_line,
            )),
        };
        if failure.is_some() {
            shared.error = failure;
        }
    }

    /// Waits for the engine to end (it ends right after closing its stream), without
    /// holding the child while it waits, so that a stop can still kill it.
    fn reap(&self) -> Option<Exit> {
        use std::os::unix::process::ExitStatusExt;
        let status = loop {
            let polled = self
                .child
                .lock()
                .unwrap_or_else(PoisonError::into_inner)
                .try_wait();
            match polled {
                Ok(Some(status)) => break status,
                Ok(None) => std::thread::sleep(Duration::from_millis(5)),
                Err(_) => return None,
            }
        };
        match (status.code(), status.signal()) {
            (Some(code), _) => Some(Exit::Code(code)),
            (None, Some(sig)) => Some(Exit::Signal(sig)),
            _ => None,
        }
    }

    fn apply(&self, event: Event, mark: &mut Mark) {
        let mut shared = self.shared.lock().unwrap_or_else(PoisonError::into_inner);
        let shared = &mut *shared;
        match event {
            Event::Hello {
                worker,
                runs,
                configs,
                rounds,
                seed,
                host,
                ..
            } => {
                (shared.worker, shared.seed, shared.host) = (Some(worker), Some(seed), host);
                // The same order the engine runs: step k's configuration and round.
                let steps = crate::profile::schedule(configs, rounds, self.order, seed);
                shared.progress.steps = Arc::new(steps);
                (shared.progress.run_count, shared.progress.rounds) = (runs, rounds);
                *mark = Mark::now();
            }
            Event::Run {
                index,
                config,
                round,
                label,
            } => {
                let p = &mut shared.progress;
                (p.run_index, p.config, p.round, p.label) = (index, config, round, label);
                p.stop = self.plan.get(config).map(|(_, stop)| *stop);
                p.live = LiveRun::default();
                *mark = Mark::now();
            }
            Event::Live {
                index,
                tasks_done,
                elapsed_s,
                snapshot,
                timeline,
                cpu_rows,
            } => {
                let p = &mut shared.progress;
                live(
                    p, index, tasks_done, elapsed_s, snapshot, timeline, cpu_rows,
                );
            }
            Event::Finished { index, run } => finished(shared, index, *run, mark),
            Event::Merged { index, mut run } => {
                run.observer_cpu_cores = mean(shared.observed.get(&index));
                shared.progress.merged.push((index, Arc::from(run)));
            }
            Event::Error { message } => shared.error = Some(message),
            Event::End { .. } => {}
        }
    }
}

/// A step ended: it gets the window's CPU since the step began, kept for its planned run.
fn finished(shared: &mut Shared, index: usize, mut run: RunResult, mark: &mut Mark) {
    run.observer_cpu_cores = mark.cores_since();
    *mark = Mark::now();
    let step = shared.progress.steps.get(index).copied();
    if let (Some(step), Some(cores)) = (step, run.observer_cpu_cores) {
        shared.observed.entry(step.config).or_default().push(cores);
    }
    let p = &mut shared.progress;
    p.finished.push(Arc::new(run));
    // The next step (if any) is the one in progress until its own event.
    p.run_index = index + 1;
    p.live = LiveRun::default();
}

/// The mean of `xs`, when there are any.
fn mean(xs: Option<&Vec<f64>>) -> Option<f64> {
    let xs = xs.filter(|xs| !xs.is_empty())?;
    Some(xs.iter().sum::<f64>() / xs.len() as f64)
}

/// Applies a `live` event to the progress of run `index`.
fn live(
    p: &mut Progress,
    index: usize,
    tasks_done: u64,
    elapsed_s: f64,
    snapshot: Option<Box<RunResult>>,
    timeline: Vec<crate::metrics::aggregate::TimelinePoint>,
    cpu_rows: Vec<Vec<f32>>,
) {
    if index != p.run_index {
        return;
    }
    p.live.tasks_done = tasks_done;
    p.live.elapsed = Duration::try_from_secs_f64(elapsed_s).unwrap_or_default();
    if let Some(snapshot) = snapshot {
        p.live.snapshot = Some(Arc::from(snapshot));
    }
    append(&p.live.timeline, timeline);
    append(&p.live.cpu_rows, cpu_rows);
}

fn append<T: Clone>(list: &LiveList<T>, items: Vec<T>) {
    for item in items {
        list.push(item);
    }
}

/// The sentence for an engine that ended without finishing its session.
fn describe_end(
    pid: u32,
    exit: Option<Exit>,
    during: &str,
    kept: usize,
    garbled: Option<String>,
    last_line: &str,
) -> String {
    let how = exit.map_or("ended".to_string(), |e| e.to_string());
    let mut message = format!("the engine process (pid {pid}) {how}{during}");
    match kept {
        0 => message.push_str("; no run had finished"),
        1 => message.push_str("; the run that finished is kept"),
        n => message.push_str(&format!("; the {n} runs that finished are kept")),
    }
    if let Some(garbled) = garbled {
        message.push_str(&format!(" ({garbled})"));
    }
    if !last_line.is_empty() {
        message.push_str(&format!(": {last_line}"));
    }
    message
}
