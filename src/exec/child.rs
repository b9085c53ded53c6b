//! The parent's handle on one `parlab worker` process: start it, talk to it, reap it.

use super::children::{self, RunId};
use super::protocol::{FromWorker, ProtocolError, ToWorker, recv_from_worker, send_to_worker};
use crate::sys::{Exit, Usage};
use crate::workload::WorkloadSpec;
use std::ffi::OsString;
use std::io::{self, BufReader, BufWriter, Read, Write};
use std::path::PathBuf;
use std::process::{ChildStderr, ChildStdin, ChildStdout, Command, Stdio};

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

/// A running worker process.
pub struct WorkerProcess {
    pid: u32,
    stdin: Option<BufWriter<ChildStdin>>,
    stdout: BufReader<ChildStdout>,
    stderr: Option<ChildStderr>,
    reaped: bool,
}

impl Ending {
    /// A sentence for a worker that ended when it should not have, e.g.
    /// `worker 2 (pid 4711) was killed by signal 9 (SIGKILL) after 312 tasks`.
    pub fn describe(&self, worker: usize, pid: u32, tasks: u64) -> String {
        let oom = if self.exit == Exit::Signal(libc::SIGKILL) && crate::sys::memory_was_exhausted()
        {
            ", probably by the kernel's out-of-memory killer,"
        } else {
            ""
        };
        let mut msg = format!(
            "worker {worker} (pid {pid}) {}{oom} after {tasks} tasks",
            self.exit
        );
        if !self.stderr_tail.is_empty() {
            msg.push_str(": ");
            msg.push_str(&self.stderr_tail);
        }
        msg
    }
}

/// How a worker process ended.
pub struct Ending {
    /// Exit status or signal.
    pub exit: Exit,
    /// Its resource usage.
    pub usage: Usage,
    /// The last line it wrote to stderr, if any.
    pub stderr_tail: String,
    /// The workload's own figures, when it sent them before exiting.
    pub stats: Option<crate::workload::WorkloadStats>,
}

impl WorkerProcess {
    /// Starts a worker for `run` in its own process group and queues the workload for it
    /// (sent with the next flush).
    pub fn spawn(cmd: &WorkerCommand, run: RunId, workload: &WorkloadSpec) -> io::Result<Self> {
        let mut command = Command::new(&cmd.program);
        command
            .args(&cmd.args)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped());
        crate::sys::isolate_worker(&mut command);
        let mut child = command.spawn()?;
        let pid = child.id();
        children::register(pid, run);
        let (Some(stdin), Some(stdout)) = (child.stdin.take(), child.stdout.take()) else {
            crate::sys::kill_group(pid);
            let _ = crate::sys::reap(pid);
            children::unregister(pid);
            return Err(io::Error::other("the worker's pipes were not created"));
        };
        let mut process = Self {
            pid,
            stdin: Some(BufWriter::new(stdin)),
            stdout: BufReader::with_capacity(64 * 1024, stdout),
            stderr: child.stderr.take(),
            reaped: false,
        };
        process.queue(&ToWorker::Init(workload.clone()))?;
        Ok(process)
    }

    /// The worker's process id.
    pub fn pid(&self) -> u32 {
        self.pid
    }

    /// Sends one message and flushes it.
    pub fn send(&mut self, msg: &ToWorker) -> io::Result<()> {
        let stdin = self
            .stdin
            .as_mut()
            .ok_or_else(|| io::Error::new(io::ErrorKind::BrokenPipe, "stdin already closed"))?;
        send_to_worker(stdin, msg)?;
        stdin.flush()
    }

    /// Queues a message without flushing (flushed by the next [`send`](Self::send) or [`close_stdin`](Self::close_stdin)).
    pub fn queue(&mut self, msg: &ToWorker) -> io::Result<()> {
        match self.stdin.as_mut() {
            Some(stdin) => send_to_worker(stdin, msg),
            None => Err(io::Error::new(
                io::ErrorKind::BrokenPipe,
                "stdin already closed",
            )),
        }
    }

    /// Sends what was queued.
    pub fn flush(&mut self) -> io::Result<()> {
        match self.stdin.as_mut() {
            Some(stdin) => stdin.flush(),
            None => Ok(()),
        }
    }

    /// Reads the next message.
    pub fn recv(&mut self) -> Result<FromWorker, ProtocolError> {
        recv_from_worker(&mut self.stdout)
    }

    /// Flushes and closes stdin: the worker exits once it has answered what it was sent.
    pub fn close_stdin(&mut self) -> io::Result<()> {
        match self.stdin.take() {
            Some(mut stdin) => stdin.flush(),
            None => Ok(()),
        }
    }

    /// Closes stdin, reads the worker's last figures and waits for it to exit.
    pub fn finish(mut self) -> io::Result<Ending> {
        let _ = self.close_stdin();
        let mut stats = None;
        while let Ok(msg) = self.recv() {
            if let FromWorker::Stats(s) = msg {
                stats = Some(s);
            }
        }
        let mut ending = self.reap()?;
        ending.stats = stats;
        Ok(ending)
    }

    /// Kills the worker's process group and reaps it.
    pub fn kill(mut self) -> io::Result<Ending> {
        crate::sys::kill_group(self.pid);
        self.stdin = None;
        self.reap()
    }

    fn reap(&mut self) -> io::Result<Ending> {
        let (exit, usage) = crate::sys::reap(self.pid)?;
        self.reaped = true;
        children::unregister(self.pid);
        Ok(Ending {
            exit,
            usage,
            stderr_tail: self.stderr.take().map(read_tail).unwrap_or_default(),
            stats: None,
        })
    }
}

impl Drop for WorkerProcess {
    /// A worker is never left behind, whatever path dropped its handle.
    fn drop(&mut self) {
        if !self.reaped {
            crate::sys::kill_group(self.pid);
            let _ = crate::sys::reap(self.pid);
            children::unregister(self.pid);
        }
    }
}

/// The last non-empty line of a dead worker's stderr, without blocking on a pipe that a
/// stray grandchild might still hold open.
fn read_tail(mut stderr: ChildStderr) -> String {
    crate::sys::set_nonblocking(&stderr);
    let mut buf = Vec::new();
    let mut chunk = [0u8; 4096];
    while let Ok(n) = stderr.read(&mut chunk) {
        if n == 0 || buf.len() > 1 << 20 {
            break;
        }
        buf.extend_from_slice(&chunk[..n]);
    }
    let text = String::from_utf8_lossy(&buf);
    text.lines()
        .rev()
        .find(|l| !l.trim().is_empty())
        .unwrap_or("")
        .trim()
        .to_string()
}
