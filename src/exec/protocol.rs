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

/// A message from parlab to a worker.
#[derive(Debug, Clone, PartialEq)]
pub enum ToWorker {
    /// The workload to build.
    Init(WorkloadSpec),
    /// Run tasks `first .. first + count`.
    Run {
        /// First task index.
        first: u64,
        /// Number of tasks.
        count: u32,
        /// `count` equal blocks of input, one per task (empty for most kinds).
        data: Vec<u8>,
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

fn write_frame(w: &mut impl Write, kind: u8, payload: &[u8]) -> io::Result<()> {
    let len = u32::try_from(payload.len() + 1)
        .map_err(|_| io::Error::new(io::ErrorKind::InvalidInput, "frame too large"))?;
    let mut frame = Vec::with_capacity(payload.len() + 5);
    frame.extend_from_slice(&len.to_le_bytes());
    frame.push(kind);
    frame.extend_from_slice(payload);
    w.write_all(&frame)
}

fn read_frame(r: &mut impl Read) -> Result<(u8, Vec<u8>), ProtocolError> {
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
    let mut body = vec![0u8; len as usize];
    r.read_exact(&mut body).map_err(|e| match e.kind() {
        io::ErrorKind::UnexpectedEof => ProtocolError::Garbage("a frame cut short".into()),
        _ => ProtocolError::Io(e),
    })?;
    let kind = body[0];
    body.remove(0);
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

/// Writes a parent → worker message.
pub fn send_to_worker(w: &mut impl Write, msg: &ToWorker) -> io::Result<()> {
    match msg {
        ToWorker::Init(spec) => {
            let json = serde_json::to_vec(spec).map_err(io::Error::other)?;
            write_frame(w, INIT, &json)
        }
        ToWorker::Run { first, count, data } => {
            let mut p = Vec::with_capacity(12 + data.len());
            p.extend_from_slice(&first.to_le_bytes());
            p.extend_from_slice(&count.to_le_bytes());
            p.extend_from_slice(data);
            write_frame(w, RUN, &p)
        }
    }
}

/// Reads a parent → worker message (worker side).
pub fn recv_to_worker(r: &mut impl Read) -> Result<ToWorker, ProtocolError> {
    let (kind, body) = read_frame(r)?;
    match kind {
        INIT => serde_json::from_slice(&body)
            .map(ToWorker::Init)
            .map_err(|e| ProtocolError::Garbage(format!("an INIT frame with a bad workload: {e}"))),
        RUN => match (u64_at(&body, 0), u32_at(&body, 8)) {
            (Some(first), Some(count)) if count > 0 && (body.len() - 12) % count as usize == 0 => {
                Ok(ToWorker::Run {
                    first,
                    count,
                    data: body[12..].to_vec(),
                })
            }
            _ => Err(short("RUN")),
        },
        other => Err(ProtocolError::Garbage(format!(
            "unknown message type 0x{other:02x}"
        ))),
    }
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
mod tests {
    use super::*;
    use crate::workload::{Cpu, WorkloadSpec};

    #[test]
    fn frames_round_trip() {
        let mut buf = Vec::new();
        let init = ToWorker::Init(WorkloadSpec::Cpu(Cpu {
            iterations: 5,
            sizes: Default::default(),
        }));
        send_to_worker(&mut buf, &init).unwrap();
        let run = ToWorker::Run {
            first: 7,
            count: 3,
            data: vec![1, 2, 3, 4, 5, 6],
        };
        send_to_worker(&mut buf, &run).unwrap();
        let mut r = buf.as_slice();
        assert_eq!(recv_to_worker(&mut r).unwrap(), init);
        assert_eq!(recv_to_worker(&mut r).unwrap(), run);
        assert!(matches!(recv_to_worker(&mut r), Err(ProtocolError::Closed)));

        let mut buf = Vec::new();
        let msgs = [
            FromWorker::Ready { pid: 42 },
            FromWorker::Done(vec![1, 2, 3], 77),
            FromWorker::Failed {
                index: 9,
                message: "boom".into(),
            },
            FromWorker::Peak(3 << 20),
            FromWorker::Stats(crate::workload::WorkloadStats {
                lost_updates: Some(3),
                bytes_moved: None,
            }),
        ];
        for m in &msgs {
            send_from_worker(&mut buf, m).unwrap();
        }
        let mut r = buf.as_slice();
        for m in &msgs {
            assert_eq!(&recv_from_worker(&mut r).unwrap(), m);
        }
    }

    #[test]
    fn garbage_is_detected() {
        let mut r: &[u8] = b"\xffthis is not a parlab frame\n";
        assert!(matches!(
            recv_from_worker(&mut r),
            Err(ProtocolError::Garbage(_))
        ));
        let mut r: &[u8] = &[2, 0, 0, 0, 0x55, 0];
        match recv_from_worker(&mut r) {
            Err(ProtocolError::Garbage(m)) => assert!(m.contains("0x55")),
            other => panic!("unexpected {other:?}"),
        }
    }
}
