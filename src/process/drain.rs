//! Reading a child's stderr while it runs, keeping only its tail: a child that writes a
//! lot never fills its pipe (and stalls), and never grows parlab's memory.

use std::collections::VecDeque;
use std::io::Read;
use std::sync::mpsc::{self, Receiver};
use std::sync::{Arc, Mutex, PoisonError};
use std::thread::JoinHandle;
use std::time::Duration;

/// How much of a child's stderr is kept: enough for the last message.
const KEEP: usize = 4096;

/// The longest line quoted in a message; longer lines are cut with "…".
pub const MAX_LINE: usize = 300;

/// The last few KiB of a stream.
#[derive(Default)]
pub struct Tail {
    bytes: VecDeque<u8>,
    /// True once bytes were dropped from the front.
    cut: bool,
}

impl Tail {
    /// Appends `chunk`, dropping the oldest bytes past [`KEEP`].
    pub fn push(&mut self, chunk: &[u8]) {
        self.bytes.extend(chunk);
        if self.bytes.len() > KEEP {
            let extra = self.bytes.len() - KEEP;
            self.bytes.drain(..extra);
            self.cut = true;
        }
    }

    /// The last non-empty line kept, at most [`MAX_LINE`] characters.
    pub fn last_line(&self) -> String {
        let bytes: Vec<u8> = self.bytes.iter().copied().collect();
        last_line(&bytes, self.cut)
    }
}

/// A thread that reads a child's stderr to its end and keeps the last few KiB.
pub struct StderrTail {
    tail: Arc<Mutex<Tail>>,
    handle: Option<JoinHandle<()>>,
    /// Told (or disconnected) when the reader reached the end of the stream. In a mutex
    /// only so that a workload holding a `StderrTail` can be shared between threads.
    done: Option<Mutex<Receiver<()>>>,
}

impl StderrTail {
    /// Starts draining `stderr` on a thread of its own.
    pub fn start(mut stderr: impl Read + Send + 'static) -> Self {
        let tail = Arc::new(Mutex::new(Tail::default()));
        let shared = Arc::clone(&tail);
        let (tell, done) = mpsc::channel();
        let handle = std::thread::Builder::new()
            .name("parlab-stderr".into())
            .spawn(move || {
                let mut chunk = [0u8; 8192];
                while let Ok(n) = stderr.read(&mut chunk) {
                    if n == 0 {
                        break;
                    }
                    let mut t = shared.lock().unwrap_or_else(PoisonError::into_inner);
                    t.push(&chunk[..n]);
                }
                let _ = tell.send(());
            })
            .ok();
        Self {
            tail,
            done: handle.as_ref().map(|_| Mutex::new(done)),
            handle,
        }
    }

    /// The last non-empty line written so far, at most [`MAX_LINE`] characters.
    pub fn last_line(&self) -> String {
        let t = self.tail.lock().unwrap_or_else(PoisonError::into_inner);
        t.last_line()
    }

    /// Waits up to `patience` for the child's stderr to close (a grandchild that still
    /// holds it open must not hang parlab), then returns its last line.
    pub fn finish(mut self, patience: Duration) -> String {
        // Woken the moment the reader is done, rather than polled (process-per-task pays
        // this once per task).
        let ended = self.done.take().is_some_and(|done| {
            let done = done.into_inner().unwrap_or_else(PoisonError::into_inner);
            !matches!(
                done.recv_timeout(patience),
                Err(mpsc::RecvTimeoutError::Timeout)
            )
        });
        if let Some(handle) = self.handle.take()
            && ended
        {
            let _ = handle.join();
        }
        self.last_line()
    }
}

/// The last non-empty line of `bytes`, trimmed and cut to [`MAX_LINE`] characters;
/// `cut_front` says the text before `bytes` was dropped (the line may have begun earlier).
pub fn last_line(bytes: &[u8], cut_front: bool) -> String {
    let text = String::from_utf8_lossy(bytes);
    let lines: Vec<&str> = text.lines().collect();
    let Some(pos) = lines.iter().rposition(|l| !l.trim().is_empty()) else {
        return String::new();
    };
    let line = lines[pos].trim();
    let partial = cut_front && pos == 0;
    shorten(line, partial)
}

/// `line` cut to [`MAX_LINE`] characters with "…" where text was left out.
pub fn shorten(line: &str, partial: bool) -> String {
    let chars = line.chars().count();
    if chars <= MAX_LINE {
        return if partial {
            format!("…{line}")
        } else {
            line.to_string()
        };
    }
    let head: String = line.chars().take(MAX_LINE).collect();
    if partial {
        format!("…{head}…")
    } else {
        format!("{head}…")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_huge_stream_keeps_a_bounded_tail_and_a_short_last_line() {
        let mut data = vec![b'x'; 10 << 20];
        data.extend_from_slice(b"\nfirst\n");
        data.extend(std::iter::repeat_n(b'y', 1 << 20));
        let drained = StderrTail::start(std::io::Cursor::new(data));
        let line = drained.finish(Duration::from_secs(5));
        assert!(line.chars().count() <= MAX_LINE + 2, "{} chars", line.len());
        assert!(line.starts_with('…') && line.ends_with('…'), "{line}");
        assert_eq!(last_line(b"a\nboom: it broke\n\n", false), "boom: it broke");
        assert_eq!(last_line(b"", true), "");
    }
}
