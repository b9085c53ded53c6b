//! A child's stdout read on the calling thread, with its stderr drained alongside and kept
//! as a tail ([`Tail`]): for a child that lives about a millisecond. Process-per-task starts
//! one worker per task, and a thread of its own to drain each worker's stderr
//! ([`super::drain::StderrTail`]) cost the spawning thread a thread start and join per task.
//!
//! While the caller reads stdout, whatever the child writes to stderr is read too, so a
//! child that writes a lot there never stalls on a full pipe while the caller waits for its
//! answer. (While the caller *writes* to the child nothing is drained: use this only for
//! children that read their input before they write much to stderr, as a worker does.)

use super::drain::Tail;
use std::io::{self, Read};
use std::os::fd::AsRawFd;
use std::time::{Duration, Instant};

/// A child's stdout, with its stderr (if given) drained whenever stdout is read.
pub struct StdoutAlongside<O, E> {
    stdout: O,
    stderr: Option<E>,
    tail: Tail,
}

impl<O: Read + AsRawFd, E: Read + AsRawFd> StdoutAlongside<O, E> {
    /// Reads `stdout`, draining `stderr` (when given) alongside.
    pub fn new(stdout: O, stderr: Option<E>) -> Self {
        Self {
            stdout,
            stderr,
            tail: Tail::default(),
        }
    }

    /// Reads what stderr holds now; forgets it at its end.
    fn drain_stderr(&mut self) {
        let mut chunk = [0u8; 8192];
        if let Some(stderr) = &mut self.stderr {
            match stderr.read(&mut chunk) {
                Ok(0) | Err(_) => self.stderr = None,
                Ok(n) => self.tail.push(&chunk[..n]),
            }
        }
    }

    /// Waits up to `patience` for stderr to close (a grandchild that still holds it open
    /// must not hang parlab), then returns its last line.
    pub fn finish(&mut self, patience: Duration) -> String {
        let deadline = Instant::now() + patience;
        while let Some(stderr) = &self.stderr {
            let left = deadline.saturating_duration_since(Instant::now());
            match crate::sys::wait_readable([stderr.as_raw_fd()], Some(left)) {
                Ok([true]) => self.drain_stderr(),
                _ => break,
            }
        }
        self.tail.last_line()
    }
}

impl<O: Read + AsRawFd, E: Read + AsRawFd> Read for StdoutAlongside<O, E> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        loop {
            let Some(stderr) = &self.stderr else {
                return self.stdout.read(buf);
            };
            let fds = [self.stdout.as_raw_fd(), stderr.as_raw_fd()];
            let [out_ready, err_ready] = crate::sys::wait_readable(fds, None)?;
            if err_ready {
                self.drain_stderr();
            }
            if out_ready {
                return self.stdout.read(buf);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::process::{Command, Stdio};

    #[test]
    fn a_child_that_floods_stderr_before_answering_is_read_to_the_end_on_one_thread() {
        // 1 MiB on stderr (16 pipefuls) before a word on stdout: without draining alongside,
        // the child would stall on a full stderr pipe and the read would never return.
        let mut child = Command::new("sh")
            .args(["-c", "head -c 1048576 /dev/zero | tr '\\0' x >&2; echo >&2; echo last words >&2; echo answer"])
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("sh starts");
        let (stdout, stderr) = (child.stdout.take(), child.stderr.take());
        let mut both = StdoutAlongside::new(stdout.expect("piped"), stderr);
        let mut answer = String::new();
        both.read_to_string(&mut answer).expect("stdout read");
        assert_eq!(answer, "answer\n");
        assert_eq!(both.finish(Duration::from_secs(5)), "last words");
        assert!(child.wait().expect("reaped").success());
    }
}
