//! `command { argv }`: runs an external program per task, never through a shell.

use super::{Field, Kind, KindInfo, Placement, TaskContext, TaskError, Workload};
use crate::model::Model;
use crate::process::children;
use crate::process::drain::StderrTail;
use crate::sys::Exit;
use crate::validation::{FieldPath, ValidationError};
use serde::{Deserialize, Serialize};
use std::io::ErrorKind;
use std::process::Stdio;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

/// Starts `argv[0]` with the remaining arguments and waits for it; a non-zero exit fails the task.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Command {
    /// Program and arguments, passed as they are (no shell, no globbing).
    pub argv: Vec<String>,
}

impl Command {
    /// Shell-quoted, control characters escaped: shown for the user's consent, it must be
    /// exactly what runs.
    fn display(&self) -> String {
        crate::format::shell_quote(&self.argv)
    }
}

impl KindInfo for Command {
    const NAME: &'static str = "command";
    const EXPLANATION: &'static str = "Runs an external program per task (no shell): the cost of creating a process and loading a program, about half a millisecond here.";

    fn default_params() -> Self {
        Command {
            argv: vec!["/bin/true".into()],
        }
    }

    fn fields(&mut self) -> Vec<Field<'_>> {
        vec![Field::lines(
            "argv",
            "Program and arguments, one per line (no shell)",
            &mut self.argv,
            3,
        )]
    }
}

impl Kind for Command {
    fn validate(&self, _model: Model, at: &FieldPath) -> Vec<ValidationError> {
        match self.argv.first() {
            None => vec![ValidationError::new(
                at.key("argv"),
                "argv must name a program, like [\"/bin/true\"]",
            )],
            Some(p) if p.trim().is_empty() => vec![ValidationError::new(
                at.key("argv").index(0),
                "argv[0] must name a program, got an empty string",
            )],
            Some(_) => Vec::new(),
        }
    }

    fn build(&self, _placement: &Placement) -> Result<Box<dyn Workload>, String> {
        Ok(Box::new(CommandWorkload {
            spec: self.clone(),
            peak: AtomicU64::new(0),
        }))
    }

    fn external_commands(&self) -> Vec<String> {
        vec![self.display()]
    }
}

/// A command workload while it runs: the spec and the largest peak memory of its programs.
struct CommandWorkload {
    spec: Command,
    peak: AtomicU64,
}

impl Workload for CommandWorkload {
    fn run_task(&self, _index: u64, ctx: &TaskContext) -> Result<(), TaskError> {
        let Some((program, args)) = self.spec.argv.split_first() else {
            return Err(TaskError::Failed("argv is empty".into()));
        };
        let mut cmd = std::process::Command::new(program);
        // Its stdout goes nowhere: in a worker process, stdout must never reach parlab's pipe.
        cmd.args(args)
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::piped());
        crate::sys::isolate_external(&mut cmd, crate::process::guardian::announce_fd());
        let spawned = children::spawn_registered(ctx.run, || {
            cmd.spawn().map(|c| {
                let pid = c.id();
                (c, pid)
            })
        });
        let mut child = spawned.map_err(|e| TaskError::Failed(spawn_error(program, &e)))?;
        let pid = child.id();
        // Read all along: a chatty program never blocks on a full pipe nor grows parlab.
        let stderr = child.stderr.take().map(StderrTail::start);
        let exited = crate::sys::wait_exited(pid);
        // The task is over: what the program left running in its process group ends too.
        crate::sys::kill_group(pid);
        // Forgotten before it is reaped, so a stop never signals a reused pid.
        children::unregister(pid);
        let reaped = crate::sys::reap(pid);
        let last = stderr
            .map(|t| t.finish(Duration::from_millis(100)))
            .unwrap_or_default();
        if ctx.cancel.is_cancelled() {
            return Err(TaskError::Cancelled);
        }
        let (exit, usage) = exited
            .and(reaped)
            .map_err(|e| TaskError::Failed(format!("waiting for `{program}`: {e}")))?;
        // Includes the memory of the process that started it, at that moment: an upper
        // bound, close for a program started by a small worker process.
        self.peak.fetch_max(usage.max_rss_bytes, Ordering::Relaxed);
        if exit.success() {
            return Ok(());
        }
        let status = match exit {
            Exit::Code(code) => format!("exited with status {code}"),
            Exit::Signal(_) => exit.to_string(),
        };
        let mut msg = format!("command `{}` {status}", self.spec.display());
        if !last.is_empty() {
            msg.push_str(&format!(": {last}"));
        }
        Err(TaskError::Failed(msg))
    }

    fn external_peak_rss(&self) -> u64 {
        self.peak.load(Ordering::Relaxed)
    }
}

fn spawn_error(program: &str, e: &std::io::Error) -> String {
    match e.kind() {
        ErrorKind::NotFound => {
            format!("cannot start `{program}`: no such program (is it installed and on PATH?)")
        }
        ErrorKind::PermissionDenied => {
            format!("cannot start `{program}`: permission denied (is it executable?)")
        }
        _ => format!("cannot start `{program}`: {e}"),
    }
}
