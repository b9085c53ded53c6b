//! The parent ↔ worker-process protocol, spoken over the child's stdin and stdout.
//!
//! Every message is one frame: a little-endian `u32` length (of the type byte and the
//! payload), a type byte, then the payload. Integers are little-endian.
//!
//! | dir | type | name   | payload |
//! |-----|------|--------|---------|
//! | →   | 0x01 | INIT   | the workload spec as JSON |
//! | →   | 0x02 | RUN    | `first: u64`, `count: u32`, then `count` equal blocks of task input (may be empty): run tasks `first .. first+count` |
//! | ←   | 0x81 | READY  | the 8 bytes `PARLABW1`, then `pid: u32` |
//! | ←   | 0x82 | DONE   | `count: u32`, then `count` latencies in nanoseconds as `u64`, then `started: u64`: `CLOCK_MONOTONIC` in ns when the batch's first task started (the parent lays the batch's task spans from it) |
//! | ←   | 0x83 | FAILED | `index: u64`, then a UTF-8 message (`index` = `u64::MAX`: the workload could not be prepared) |
//! | ←   | 0x84 | STATS  | the workload's own figures as JSON, sent once stdin is closed |
//! | ←   | 0x85 | PEAK   | `bytes: u64`: the worker's peak resident memory since exec (`VmHWM`) plus that of the programs its workload started, sent just before STATS |
//!
//! The parent sends INIT once, then RUN frames; the worker answers INIT with READY and each
//! RUN with DONE (or FAILED at the first task that fails). Tasks are batched and the parent
//! keeps two RUN frames in flight, so the pipe round trip is paid per batch, not per task.
//! Closing the worker's stdin asks it to send PEAK and STATS and exit with status 0.
//!
//! A RUN frame is never built in memory (issue 18): the parent writes its header, then the
//! one block its workload holds, `count` times, straight from that block; the worker reads
//! the header ([`recv_to_worker`]), then each task's block into one buffer of the block's
//! size ([`read_block`]) just before running that task. So each side holds one copy of a
//! block however large the batch or the number of workers.
//!
//! The worker moves these pipes off its descriptors 0 and 1 as it starts (see
//! [`crate::sys::take_stdio`]), so nothing a task prints can reach them.

use crate::workload::WorkloadSpec;
use std::io::{self, Read, Write};

/// Identifies a parlab worker and its protocol version.
pub const MAGIC: &[u8; 8] = b"PARLABW1";

/// The largest frame either side accepts; anything longer is garbage.
const MAX_FRAME: u32 = 64 << 20;

const INIT: u8 = 0x01;
const RUN: u8 = 0x02;
const READY: u8 = 0x81;
const DONE: u8 = 0x82;
const FAILED: u8 = 0x83;
const STATS: u8 = 0x84;
const PEAK: u8 = 0x85;

/// A message from parlab to a worker, as the parent writes it.
#[derive(Debug, Clone, PartialEq)]
pub enum ToWorker<'a> {
    /// The workload to build.
    Init(WorkloadSpec),
    /// Run tasks `first .. first + count`.
    Run {
        /// First task index.
        first: u64,
        /// Number of tasks.
        count: u32,
        /// Each task's input (empty for most kinds): written `count` times straight from
        /// this slice, never copied into a frame, so the parent holds one shared block
        /// however many workers it feeds.
        block: &'a [u8],
    },
}

/// A message from parlab as the worker reads it: a RUN's blocks are left on the pipe for
/// [`read_block`], so the worker holds one block at a time in one buffer of its size.
#[derive(Debug, Clone, PartialEq)]
pub enum FromParent {
    /// The workload to build.
    Init(WorkloadSpec),
    /// Run tasks `first .. first + count`; `count` blocks of `block_len` bytes follow.
    Run {
        /// First task index.
        first: u64,
        /// Number of tasks.
        count: u32,
        /// Bytes of input per task (0 for most kinds).
        block_len: usize,
    },
}

/// A message from a worker to parlab.
#[derive(Debug, Clone, PartialEq)]
pub enum FromWorker {
    /// The worker built its workload and waits for tasks.
    Ready {
        /// The worker's process id.
        pid: u32,
    },
    /// A batch completed: one latency per task, in nanoseconds, and `CLOCK_MONOTONIC` in
    /// nanoseconds when its first task started (shared by all processes on Linux, so the
    /// parent can put the batch's task spans on its own clock).
    Done(Vec<u64>, u64),
    /// Task `index` failed.
    Failed {
        /// The failing task.
        index: u64,
        /// Why.
        message: String,
    },
    /// The workload's own figures, at the end.
    Stats(crate::workload::WorkloadStats),
    /// The worker's peak resident memory in bytes, with the programs it started, at the end.
    Peak(u64),
}

/// Why reading a frame failed.
#[derive(Debug, thiserror::Error)]
pub enum ProtocolError {
    /// The other side closed the pipe between frames.
    #[error("closed its pipe")]
    Closed,
    /// Reading or writing failed.
    #[error("{0}")]
    Io(#[from] io::Error),
    /// The bytes were not a valid frame.
    #[error("sent garbage on its pipe ({0})")]
    Garbage(String),
}

/// Writes a frame's length and type; its `payload_len` bytes of payload follow.
fn write_head(w: &mut impl Write, kind: u8, payload_len: usize) -> io::Result<()> {
    let len = u32::try_from(payload_len + 1)
        .ok()
        .filter(|&len| len <= MAX_FRAME)
        .ok_or_else(|| {
            io::Error::new(
                io::ErrorKind::InvalidInput,
                format!(
                    "a frame of {payload_len} bytes is longer than the protocol's {} MiB",
                    MAX_FRAME >> 20
                ),
            )
        })?;
    let [a, b, c, d] = len.to_le_bytes();
    w.write_all(&[a, b, c, d, kind])
}

fn write_frame(w: &mut impl Write, kind: u8, payload: &[u8]) -> io::Result<()> {
    write_head(w, kind, payload.len())?;
    w.write_all(payload)
}

/// Reads a frame's length and type; returns the type and the payload's length, still
/// unread. Nothing is allocated, so a bogus length costs nothing but an error.
fn read_head(r: &mut impl Read) -> Result<(u8, usize), ProtocolError> {
    let mut len = [0u8; 4];
    match r.read_exact(&mut len) {
        Ok(()) => {}
        Err(e) if e.kind() == io::ErrorKind::UnexpectedEof => return Err(ProtocolError::Closed),
        Err(e) => return Err(e.into()),
    }
    let len = u32::from_le_bytes(len);
    if len == 0 || len > MAX_FRAME {
        return Err(ProtocolError::Garbage(format!(
            "a frame length of {len} bytes; first bytes {:02x?}",
            len.to_le_bytes()
        )));
    }
    let mut kind = [0u8; 1];
    read_exactly(r, &mut kind)?;
    Ok((kind[0], len as usize - 1))
}

/// Fills `buf` from `r`; the other side stopping early is a frame cut short.
fn read_exactly(r: &mut impl Read, buf: &mut [u8]) -> Result<(), ProtocolError> {
    r.read_exact(buf).map_err(|e| match e.kind() {
        io::ErrorKind::UnexpectedEof => ProtocolError::Garbage(format!(
            "a frame cut short: {} more bytes were expected",
            buf.len()
        )),
        _ => ProtocolError::Io(e),
    })
}

/// Reads a whole frame: its type and its payload, in a buffer of exactly its size.
fn read_frame(r: &mut impl Read) -> Result<(u8, Vec<u8>), ProtocolError> {
    let (kind, len) = read_head(r)?;
    let mut body = vec![0u8; len];
    read_exactly(r, &mut body)?;
    Ok((kind, body))
}

fn u64_at(b: &[u8], at: usize) -> Option<u64> {
    Some(u64::from_le_bytes(b.get(at..at + 8)?.try_into().ok()?))
}

fn u32_at(b: &[u8], at: usize) -> Option<u32> {
    Some(u32::from_le_bytes(b.get(at..at + 4)?.try_into().ok()?))
}

fn short(what: &str) -> ProtocolError {
    ProtocolError::Garbage(format!("a {what} frame of the wrong size"))
}

/// Writes a parent → worker message. A RUN's header goes first, then its block `count`
/// times, each straight from the caller's slice (a buffered writer passes writes larger
/// than its buffer on without copying them).
pub fn send_to_worker(w: &mut impl Write, msg: &ToWorker) -> io::Result<()> {
    match msg {
        ToWorker::Init(spec) => {
            let json = serde_json::to_vec(spec).map_err(io::Error::other)?;
            write_frame(w, INIT, &json)
        }
        ToWorker::Run {
            first,
            count,
            block,
        } => {
            let payload = (*count as usize)
                .checked_mul(block.len())
                .and_then(|blocks| blocks.checked_add(RUN_HEAD))
                .unwrap_or(usize::MAX - 1);
            write_head(w, RUN, payload)?;
            let mut head = [0u8; RUN_HEAD];
            head[..8].copy_from_slice(&first.to_le_bytes());
            head[8..].copy_from_slice(&count.to_le_bytes());
            w.write_all(&head)?;
            if !block.is_empty() {
                for _ in 0..*count {
                    w.write_all(block)?;
                }
            }
            Ok(())
        }
    }
}

/// Bytes of a RUN payload before its blocks: `first: u64`, `count: u32`.
const RUN_HEAD: usize = 12;

/// Reads a parent → worker message (worker side). For RUN, only its header: the caller
/// then reads its `count` blocks with [`read_block`] (or passes them by with
/// [`skip_blocks`]) before the next message.
pub fn recv_to_worker(r: &mut impl Read) -> Result<FromParent, ProtocolError> {
    let (kind, len) = read_head(r)?;
    if kind == RUN {
        let mut head = [0u8; RUN_HEAD];
        if len < RUN_HEAD {
            return Err(short("RUN"));
        }
        read_exactly(r, &mut head)?;
        let (first, count) = (u64_at(&head, 0), u32_at(&head, 8));
        return match (first, count) {
            (Some(first), Some(count))
                if count > 0 && (len - RUN_HEAD).is_multiple_of(count as usize) =>
            {
                Ok(FromParent::Run {
                    first,
                    count,
                    block_len: (len - RUN_HEAD) / count as usize,
                })
            }
            _ => Err(short("RUN")),
        };
    }
    let mut body = vec![0u8; len];
    read_exactly(r, &mut body)?;
    match kind {
        INIT => serde_json::from_slice(&body)
            .map(FromParent::Init)
            .map_err(|e| ProtocolError::Garbage(format!("an INIT frame with a bad workload: {e}"))),
        other => Err(ProtocolError::Garbage(format!(
            "unknown message type 0x{other:02x}"
        ))),
    }
}

/// Reads the next block of a RUN into `block`, which the caller sized to the RUN's
/// `block_len` (worker side).
pub fn read_block(r: &mut impl Read, block: &mut [u8]) -> Result<(), ProtocolError> {
    read_exactly(r, block)
}

/// Passes over `blocks` blocks of `block_len` bytes that no task will read (a batch that
/// stopped early), reusing `scratch`, so the next message starts where it should.
pub fn skip_blocks(
    r: &mut impl Read,
    blocks: u32,
    scratch: &mut [u8],
) -> Result<(), ProtocolError> {
    for _ in 0..blocks {
        read_exactly(r, scratch)?;
    }
    Ok(())
}

/// Writes a worker → parent message (worker side).
pub fn send_from_worker(w: &mut impl Write, msg: &FromWorker) -> io::Result<()> {
    match msg {
        FromWorker::Ready { pid } => {
            let mut p = MAGIC.to_vec();
            p.extend_from_slice(&pid.to_le_bytes());
            write_frame(w, READY, &p)
        }
        FromWorker::Done(latencies, started) => {
            let mut p = Vec::with_capacity(12 + latencies.len() * 8);
            p.extend_from_slice(&(latencies.len() as u32).to_le_bytes());
            for l in latencies {
                p.extend_from_slice(&l.to_le_bytes());
            }
            p.extend_from_slice(&started.to_le_bytes());
            write_frame(w, DONE, &p)
        }
        FromWorker::Failed { index, message } => {
            let mut p = index.to_le_bytes().to_vec();
            p.extend_from_slice(message.as_bytes());
            write_frame(w, FAILED, &p)
        }
        FromWorker::Peak(bytes) => write_frame(w, PEAK, &bytes.to_le_bytes()),
        FromWorker::Stats(stats) => write_frame(
            w,
            STATS,
            &serde_json::to_vec(stats).map_err(io::Error::other)?,
        ),
    }
}

/// Reads a worker → parent message.
pub fn recv_from_worker(r: &mut impl Read) -> Result<FromWorker, ProtocolError> {
    let (kind, body) = read_frame(r)?;
    match kind {
        READY => match (body.get(..8), u32_at(&body, 8)) {
            (Some(magic), Some(pid)) if magic == MAGIC && body.len() == 12 => {
                Ok(FromWorker::Ready { pid })
            }
            _ => Err(ProtocolError::Garbage(
                "a READY frame without parlab's signature".into(),
            )),
        },
        DONE => {
            let count = u32_at(&body, 0).ok_or_else(|| short("DONE"))? as usize;
            if body.len() != 12 + count * 8 {
                return Err(short("DONE"));
            }
            let started = u64_at(&body, 4 + count * 8).ok_or_else(|| short("DONE"))?;
            Ok(FromWorker::Done(
                body[4..4 + count * 8]
                    .chunks_exact(8)
                    .map(|c| u64::from_le_bytes(c.try_into().unwrap_or([0; 8])))
                    .collect(),
                started,
            ))
        }
        FAILED => {
            let index = u64_at(&body, 0).ok_or_else(|| short("FAILED"))?;
            Ok(FromWorker::Failed {
                index,
                message: String::from_utf8_lossy(&body[8..]).into_owned(),
            })
        }
        PEAK => match (u64_at(&body, 0), body.len()) {
            (Some(bytes), 8) => Ok(FromWorker::Peak(bytes)),
            _ => Err(short("PEAK")),
        },
        STATS => serde_json::from_slice(&body)
            .map(FromWorker::Stats)
            .map_err(|e| ProtocolError::Garbage(format!("a STATS frame that is not JSON: {e}"))),
        other => Err(ProtocolError::Garbage(format!(
            "unknown message type 0x{other:02x}"
        ))),
    }
}

#[cfg(test)]
#[path = "protocol_tests.rs"]
mod tests;
