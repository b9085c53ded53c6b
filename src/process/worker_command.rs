//! How to start a `parlab worker` process: its own file, so that the process register's
//! guardian and the worker handle both use it without importing each other.

use std::ffi::OsString;
use std::io;
use std::path::{Path, PathBuf};

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

    /// How the running parlab starts workers (what the CLI and the engine use): see
    /// [`WorkerCommand::beside`] for this executable.
    pub fn current_exe() -> io::Result<Self> {
        Ok(Self::beside(&std::env::current_exe()?))
    }

    /// How the parlab executable `exe` starts workers: the lean `parlab-worker` binary when
    /// it is installed beside it (or in `../libexec/parlab/`), which is quicker to start than
    /// the whole app; otherwise `exe` with the `worker` subcommand.
    pub fn beside(exe: &Path) -> Self {
        let lean = exe.parent().into_iter().flat_map(|dir| {
            [
                dir.join("parlab-worker"),
                dir.join("../libexec/parlab/parlab-worker"),
            ]
        });
        for candidate in lean {
            if candidate.is_file() {
                return Self {
                    program: candidate,
                    args: Vec::new(),
                };
            }
        }
        Self::new(exe)
    }

    /// True when this starts the lean `parlab-worker` (no arguments), false for the whole
    /// parlab executable with its `worker` subcommand.
    pub fn is_lean(&self) -> bool {
        self.args.is_empty()
    }

    /// The worker's command line, shell-quoted as the list of external programs shown for
    /// consent is (control characters escaped): what a results file records as
    /// `worker_program`. A path that is not UTF-8 is shown with U+FFFD in its place.
    pub fn command_line(&self) -> String {
        let mut argv = vec![self.program.to_string_lossy().into_owned()];
        argv.extend(self.args.iter().map(|a| a.to_string_lossy().into_owned()));
        crate::format::shell_quote(&argv)
    }

    /// Which program the process models start and why, in one sentence for the user (the
    /// app's About box; the CLI could print it too).
    pub fn describe(&self) -> String {
        if self.is_lean() {
            format!("the lean parlab-worker at {}", self.command_line())
        } else {
            format!(
                "the whole parlab binary ({}), because parlab-worker was not found beside it: \
                 each worker process loads the full app, {WHOLE_COST}",
                self.command_line()
            )
        }
    }
}

/// What starting the whole app as a worker costs, as measured on a 2-core machine
/// (`hyperfine -N`: 1.3 ms against 1.1 ms per start; process-per-task, 1 worker, cpu tasks
/// of 1 iteration for 3 s, six interleaved pairs: 691 against 925 tasks/s).
const WHOLE_COST: &str = "which starts about 1.2x slower and cost process-per-task runs of \
                          tiny tasks a quarter of their throughput on a 2-core test machine";

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_lean_worker_and_the_whole_binary_describe_themselves() {
        let lean = WorkerCommand {
            program: "/opt/my parlab/parlab-worker".into(),
            args: Vec::new(),
        };
        assert!(lean.is_lean());
        assert_eq!(lean.command_line(), "'/opt/my parlab/parlab-worker'");
        assert_eq!(
            lean.describe(),
            "the lean parlab-worker at '/opt/my parlab/parlab-worker'"
        );
        let whole = WorkerCommand::new("/usr/bin/parlab");
        assert!(!whole.is_lean());
        assert_eq!(whole.command_line(), "/usr/bin/parlab worker");
        let text = whole.describe();
        assert!(text.starts_with("the whole parlab binary (/usr/bin/parlab worker), because parlab-worker was not found beside it"), "{text}");
    }

    #[test]
    fn the_lean_worker_is_found_beside_the_executable_or_else_the_whole_one_is_used() {
        let dir = tempfile::tempdir().expect("temporary folder");
        let exe = dir.path().join("parlab");
        std::fs::write(&exe, "").expect("write");
        assert_eq!(WorkerCommand::beside(&exe), WorkerCommand::new(&exe));
        std::fs::write(dir.path().join("parlab-worker"), "").expect("write");
        let found = WorkerCommand::beside(&exe);
        assert!(found.is_lean());
        assert_eq!(found.program, dir.path().join("parlab-worker"));
    }

    #[test]
    fn control_characters_in_the_path_are_escaped() {
        let odd = WorkerCommand::new("/tmp/a\nb/parlab");
        assert_eq!(odd.command_line(), "$'/tmp/a\\nb/parlab' worker");
    }
}
