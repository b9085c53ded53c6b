//! `command { argv }`: runs an external program per task, never through a shell.

use super::{Kind, Placement, TaskContext, TaskError, Workload};
use crate::exec::children;
use crate::profile::{FieldPath, Model, ValidationError};
use serde::{Deserialize, Serialize};
use std::io::ErrorKind;
use std::process::Stdio;

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
        Ok(Box::new(self.clone()))
    }

    fn external_commands(&self) -> Vec<String> {
        vec![self.display()]
    }
}

impl Workload for Command {
    fn run_task(&self, _index: u64, ctx: &TaskContext) -> Result<(), TaskError> {
        let Some((program, args)) = self.argv.split_first() else {
            return Err(TaskError::Failed("argv is empty".into()));
        };
        let mut cmd = std::process::Command::new(program);
        cmd.args(args)
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::piped());
        crate::sys::isolate_external(&mut cmd);
        let child = cmd.spawn().map_err(|e| {
            TaskError::Failed(match e.kind() {
                ErrorKind::NotFound => {
                    format!(
                        "cannot start `{program}`: no such program (is it installed and on PATH?)"
                    )
                }
                ErrorKind::PermissionDenied => {
                    format!("cannot start `{program}`: permission denied (is it executable?)")
                }
                _ => format!("cannot start `{program}`: {e}"),
            })
        })?;
        let pid = child.id();
        children::register(pid, ctx.run);
        let output = child.wait_with_output();
        children::unregister(pid);
        if ctx.cancel.is_cancelled() {
            return Err(TaskError::Cancelled);
        }
        let output =
            output.map_err(|e| TaskError::Failed(format!("waiting for `{program}`: {e}")))?;
        if output.status.success() {
            return Ok(());
        }
        let stderr = String::from_utf8_lossy(&output.stderr);
        let last = stderr
            .lines()
            .rev()
            .find(|l| !l.trim().is_empty())
            .unwrap_or("");
        let status = match output.status.code() {
            Some(code) => format!("exited with status {code}"),
            None => "was killed by a signal".to_string(),
        };
        let mut msg = format!("command `{}` {status}", self.display());
        if !last.is_empty() {
            msg.push_str(&format!(": {}", last.trim()));
        }
        Err(TaskError::Failed(msg))
    }
}
