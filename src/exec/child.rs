//! The parent's handle on one `parlab worker` process: start it, talk to it, reap it.

use super::protocol::{FromWorker, ProtocolError, ToWorker, recv_from_worker, send_to_worker};
use crate::process::alongside::StdoutAlongside;
use crate::process::children::{self, RunId};
use crate::process::drain::StderrTail;
use crate::process::worker_command::WorkerCommand;
use crate::sys::{Exit, Usage};
use crate::workload::WorkloadSpec;
use std::io::{self, BufReader, BufWriter, Write};
use std::process::{ChildStderr, ChildStdin, ChildStdout, Command, Stdio};
use std::time::Duration;

/// A running worker process.
pub struct WorkerProcess {
    pid: u32,
    stdin: Option<BufWriter<ChildStdin>>,
    stdout: BufReader<StdoutAlongside<ChildStdout, ChildStderr>>,
    /// Its stderr's reader when it has a thread of its own ([`Stderr::OnItsOwnThread`]).
    stderr: Option<StderrTail>,
    reaped: bool,
}

/// Where a worker's stderr is read while it runs (so a worker that writes a lot there never
/// stalls on a full pipe), keeping its last line for the message if it dies.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Stderr {
    /// On a thread of its own: for a worker that lives the whole run and is sent frames
    /// while it runs tasks.
    OnItsOwnThread,
    /// Alongside its stdout, by whoever reads its answers: for a worker per task, which
    /// reads its one RUN frame before it runs anything (a thread per worker would cost a
    /// thread start and join per task).
    WhileReadingAnswers,
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
    /// The last line it wrote to stderr, if any (cut to a few hundred characters).
    pub stderr_tail: String,
    /// The workload's own figures, when it sent them before exiting.
    pub stats: Option<crate::workload::WorkloadStats>,
    /// Its own peak resident memory since exec plus that of what it started, when it
    /// reported it before exiting.
    pub peak_rss: Option<u64>,
}

impl WorkerProcess {
    /// Starts a worker for `run` in its own process group and queues the workload for it
    /// (sent with the next flush); its stderr is read as `stderr` says.
    pub fn spawn(
        cmd: &WorkerCommand,
        run: RunId,
        workload: &WorkloadSpec,
        stderr: Stderr,
    ) -> io::Result<Self> {
        let mut command = Command::new(&cmd.program);
        command
            .args(&cmd.args)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped());
        crate::sys::isolate_worker(&mut command);
        let mut child = children::spawn_worker_registered(run, || {
            command.spawn().map(|c| {
                let pid = c.id();
                (c, pid)
            })
        })?;
        let pid = child.id();
        let (Some(stdin), Some(stdout)) = (child.stdin.take(), child.stdout.take()) else {
            crate::sys::kill_tree(pid);
            let _ = crate::sys::reap(pid);
            children::unregister(pid);
            return Err(io::Error::other("the worker's pipes were not created"));
        };
        let (alongside, own_thread) = match stderr {
            Stderr::WhileReadingAnswers => (child.stderr.take(), None),
            Stderr::OnItsOwnThread => (None, child.stderr.take().map(StderrTail::start)),
        };
        let mut process = Self {
            pid,
            stdin: Some(BufWriter::new(stdin)),
            stdout: BufReader::with_capacity(64 * 1024, StdoutAlongside::new(stdout, alongside)),
            stderr: own_thread,
            reaped: false,
        };
        process.queue(&ToWorker::Init(workload.clone()))?;
        Ok(process)
    }

    /// The worker's process id.
    pub fn pid(&self) -> u32 {
        self.pid
    }

    /// Sends one message and flushes it. A task's input block is written into the pipe
    /// from the caller's slice: the buffer only collects the small frame headers.
    pub fn send(&mut self, msg: &ToWorker) -> io::Result<()> {
        let stdin = self
            .stdin
            .as_mut()
            .ok_or_else(|| io::Error::new(io::ErrorKind::BrokenPipe, "stdin already closed"))?;
        send_to_worker(stdin, msg)?;
        stdin.flush()
    }

    /// Queues a message without flushing (flushed by the next [`send`](Self::send) or [`close_stdin`](Self::close_stdin)).
    /// A task block larger than the buffer is written at once, straight from its slice.
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
        let (mut stats, mut peak) = (None, None);
        while let Ok(msg) = self.recv() {
            match msg {
                FromWorker::Stats(s) => stats = Some(s),
                FromWorker::Peak(bytes) => peak = Some(bytes),
                _ => {}
            }
        }
        let mut ending = self.reap()?;
        ending.stats = stats;
        ending.peak_rss = peak;
        Ok(ending)
    }

    /// Kills the worker and everything it started, and reaps it.
    pub fn kill(mut self) -> io::Result<Ending> {
        crate::sys::kill_tree(self.pid);
        self.stdin = None;
        self.reap()
    }

    fn reap(&mut self) -> io::Result<Ending> {
        // Forgotten once it has ended but before it is reaped, so a stop never signals a
        // reused pid.
        crate::sys::wait_exited(self.pid)?;
        children::unregister(self.pid);
        let (exit, usage) = crate::sys::reap(self.pid)?;
        self.reaped = true;
        // A stray grandchild may still hold the pipe open: do not wait long for it.
        let patience = Duration::from_millis(100);
        let stderr_tail = match self.stderr.take() {
            Some(thread) => thread.finish(patience),
            None => self.stdout.get_mut().finish(patience),
        };
        Ok(Ending {
            exit,
            usage,
            stderr_tail,
            stats: None,
            peak_rss: None,
        })
    }
}

impl Drop for WorkerProcess {
    /// A worker is never left behind, whatever path dropped its handle.
    fn drop(&mut self) {
        if !self.reaped {
            crate::sys::kill_tree(self.pid);
            let _ = crate::sys::reap(self.pid);
            children::unregister(self.pid);
        }
    }
}
