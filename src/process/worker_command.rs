//! How to start a `parlab worker` process: its own file, so that the process register's
//! guardian and the worker handle both use it without importing each other.

use std::ffi::OsString;
use std::io;
use std::path::PathBuf;

/// How to start a worker process: parlab's own executable and the hidden `worker` subcommand.
#[derive(Debug, Clone, PartialEq)]
pub struct WorkerCommand {
    /// The parlab executable.
    pub program: PathBuf,
    /// Arguments that select worker mode.
    pub args: Vec<OsString>,
}

impl WorkerCommand {
    /// `program worker`.
    pub fn new(program: impl Into<PathBuf>) -> Self {
        Self {
            program: program.into(),
            args: vec!["worker".into()],
        }
    }

    /// How the running parlab starts workers (what the CLI and the app use): the lean
    /// `parlab-worker` binary when it is installed beside this one (or in
    /// `../libexec/parlab/`), which starts in about two thirds of the time the whole app
    /// takes; otherwise this executable with the `worker` subcommand.
    pub fn current_exe() -> io::Result<Self> {
        let exe = std::env::current_exe()?;
        let lean = exe.parent().into_iter().flat_map(|dir| {
            [
                dir.join("parlab-worker"),
                dir.join("../libexec/parlab/parlab-worker"),
            ]
        });
        for candidate in lean {
            if candidate.is_file() {
                return Ok(Self {
                    program: candidate,
                    args: Vec::new(),
                });
            }
        }
        Ok(Self::new(exe))
    }
}
