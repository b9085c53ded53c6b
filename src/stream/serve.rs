//! The engine's side of the stream (`parlab engine`): reads the profile from the starter,
//! runs it with [`Session`] exactly as `parlab run` does, and writes what it measures.

use super::{Command, Event, FORMAT, decode, encode};
use crate::cancel::CancelToken;
use crate::exec::{Progress, Session, WorkerCommand};
use crate::results::{RunResult, RunStatus};
use std::io::{BufRead, Write};
use std::sync::Arc;
use std::time::Duration;

/// How often the engine reports a live run: the rate at which the app's charts refresh.
pub const UPDATE_INTERVAL: Duration = Duration::from_millis(250);

/// Exit status when the engine could not run the profile (as `parlab run`'s bad input).
pub const EXIT_BAD_INPUT: i32 = 2;

/// Serves one session: reads a `start` command from `input`, runs the profile with
/// `worker` for the process models, writes events to `output` until every run ended, and
/// returns the exit status. A `stop` line, the end of `input` or `cancel` stop the session.
pub fn serve(
    mut input: impl BufRead + Send + 'static,
    mut output: impl Write,
    worker: WorkerCommand,
    cancel: CancelToken,
) -> i32 {
    let profile = match read_start(&mut input) {
        Ok(p) => p,
        Err(message) => {
            let _ = output.write_all(encode(&Event::Error { message }).as_bytes());
            return EXIT_BAD_INPUT;
        }
    };
    let mut out = Output::new(output, cancel.clone());
    let worker_line = command_line(&worker);
    watch_input(input, cancel.clone());
    let session = match Session::start_with_cancel(profile, worker, cancel.clone()) {
        Ok(s) => s,
        Err(e) => {
            out.send(&Event::Error {
                message: format!("cannot start the run: {e}"),
            });
            return 1;
        }
    };
    // Sent once the session has started: it carries the host the session detected.
    out.send(&Event::Hello {
        format: FORMAT.to_string(),
        pid: std::process::id(),
        runs: session.progress().run_count,
        configs: session.profile().plan().len(),
        rounds: session.profile().rounds(),
        seed: session.profile().seed.unwrap_or(0),
        worker: worker_line,
        host: Some(session.host().clone()),
    });
    let mut sent = Sent::default();
    loop {
        let done = session.wait_timeout(UPDATE_INTERVAL);
        for event in sent.events(&session.progress()) {
            out.send(&event);
        }
        if done {
            break;
        }
    }
    let results = session.wait();
    let stopped = results.runs.iter().any(|r| r.status == RunStatus::Stopped)
        || (cancel.is_cancelled() && sent.finished < sent.planned);
    out.send(&Event::End { stopped });
    0
}

/// `parlab engine`: serves one session on standard input and output, then exits. It dies
/// with its starter (parent-death signal), and Ctrl-C or SIGTERM stop the session cleanly.
pub fn main() -> i32 {
    crate::sys::exit_with_parent();
    // The app that started the engine is parlab too: its CPU is not another program's
    // (the window's cost is measured apart, as `observer_cpu_cores`).
    crate::metrics::foreign::count_as_ours(std::os::unix::process::parent_id());
    let (input, output) = match crate::sys::move_stdio_off() {
        Ok(io) => io,
        Err(e) => {
            eprintln!("parlab engine: cannot set up its stream: {e}");
            return 1;
        }
    };
    let cancel = CancelToken::new();
    let on_signal = cancel.clone();
    if let Err(e) = ctrlc::set_handler(move || on_signal.cancel()) {
        eprintln!("parlab engine: Ctrl-C will not stop the run cleanly: {e}");
    }
    let worker = match WorkerCommand::current_exe() {
        Ok(w) => w,
        Err(e) => {
            let message =
                format!("cannot find parlab's own executable to start worker processes: {e}");
            let mut output = output;
            let _ = output.write_all(encode(&Event::Error { message }).as_bytes());
            return EXIT_BAD_INPUT;
        }
    };
    let output = std::io::BufWriter::new(output);
    serve(std::io::BufReader::new(input), output, worker, cancel)
}

/// A worker command as a shell would need it typed.
fn command_line(worker: &WorkerCommand) -> String {
    let mut argv = vec![worker.program.display().to_string()];
    argv.extend(worker.args.iter().map(|a| a.to_string_lossy().into_owned()));
    crate::format::shell_quote(&argv)
}

/// The first line: the profile to run, loaded and checked as `parlab run` loads a file.
fn read_start(input: &mut impl BufRead) -> Result<crate::profile::Profile, String> {
    let mut line = String::new();
    match input.read_line(&mut line) {
        Ok(0) => return Err("the engine was given no profile to run".into()),
        Ok(_) => {}
        Err(e) => return Err(format!("the engine cannot read its instructions: {e}")),
    }
    match decode::<Command>(&line).map_err(|e| e.replace("the engine sent", "the app sent"))? {
        Command::Start {
            source,
            profile_toml,
        } => crate::profile::parse_str(&profile_toml, &source).map_err(|e| e.to_string()),
        Command::Stop => Err("the run was stopped before it started".into()),
    }
}

/// Stops the session on a `stop` line or when the starter closes the stream (it is gone).
fn watch_input(input: impl BufRead + Send + 'static, cancel: CancelToken) {
    let watch = move || {
        for line in input.lines() {
            match line.map(|l| decode::<Command>(&l)) {
                Ok(Ok(Command::Stop)) => break,
                Ok(_) => continue,
                Err(_) => break,
            }
        }
        cancel.cancel();
    };
    if std::thread::Builder::new()
        .name("parlab-engine-input".into())
        .spawn(watch)
        .is_err()
    {
        // Without the watcher only a signal or the starter's death ends the session early.
        eprintln!("parlab engine: cannot watch for stop commands");
    }
}

/// The stream: a write that fails means the starter is gone, which stops the session.
struct Output<W: Write> {
    out: W,
    cancel: CancelToken,
    broken: bool,
}

impl<W: Write> Output<W> {
    fn new(out: W, cancel: CancelToken) -> Self {
        Self {
            out,
            cancel,
            broken: false,
        }
    }

    fn send(&mut self, event: &Event) {
        if self.broken {
            return;
        }
        let line = encode(event);
        if self.out.write_all(line.as_bytes()).is_err() || self.out.flush().is_err() {
            self.broken = true;
            self.cancel.cancel();
        }
    }
}

/// What the starter has been sent so far, so each update carries only what is new.
#[derive(Default)]
struct Sent {
    planned: usize,
    finished: usize,
    merged: usize,
    live_index: Option<usize>,
    timeline: usize,
    cpu_rows: usize,
    snapshot: Option<Arc<RunResult>>,
}

impl Sent {
    /// The events that bring the starter from what it was sent to `p`.
    fn events(&mut self, p: &Progress) -> Vec<Event> {
        self.planned = p.run_count;
        let mut out: Vec<Event> = p.finished[self.finished.min(p.finished.len())..]
            .iter()
            .zip(self.finished..)
            .map(|(run, index)| Event::Finished {
                index,
                run: Box::new(RunResult::clone(run)),
            })
            .collect();
        self.finished = p.finished.len();
        let new = &p.merged[self.merged.min(p.merged.len())..];
        out.extend(new.iter().map(|(index, run)| Event::Merged {
            index: *index,
            run: Box::new(RunResult::clone(run)),
        }));
        self.merged = p.merged.len();
        // The live part still shows a run that has just ended, or none.
        if p.run_index >= p.run_count || p.run_index < p.finished.len() {
            return out;
        }
        if self.live_index != Some(p.run_index) {
            self.live_index = Some(p.run_index);
            (self.timeline, self.cpu_rows, self.snapshot) = (0, 0, None);
            out.push(Event::Run {
                index: p.run_index,
                config: p.config,
                round: p.round,
                label: p.label.clone(),
            });
        }
        out.push(self.live(p));
        out
    }

    fn live(&mut self, p: &Progress) -> Event {
        let timeline = p.live.timeline.items_from(self.timeline);
        self.timeline += timeline.len();
        let cpu_rows = p.live.cpu_rows.items_from(self.cpu_rows);
        self.cpu_rows += cpu_rows.len();
        let snapshot = match &p.live.snapshot {
            Some(s)
                if !self
                    .snapshot
                    .as_ref()
                    .is_some_and(|old| Arc::ptr_eq(old, s)) =>
            {
                self.snapshot = Some(Arc::clone(s));
                Some(Box::new(RunResult::clone(s)))
            }
            _ => None,
        };
        Event::Live {
            index: p.run_index,
            tasks_done: p.live.tasks_done,
            elapsed_s: p.live.elapsed.as_secs_f64(),
            snapshot,
            timeline,
            cpu_rows,
        }
    }
}
