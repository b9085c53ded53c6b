//! The protocol's framing: round trips, garbage, and that a task's block is written and
//! read without a copy of it being made in memory (issue 18).

use super::*;
use crate::workload::{Cpu, WorkloadSpec};
use std::io::{BufReader, BufWriter};

#[test]
fn frames_to_a_worker_round_trip() {
    let mut buf = Vec::new();
    let spec = WorkloadSpec::Cpu(Cpu {
        iterations: 5,
        sizes: Default::default(),
        run_tasks: None,
    });
    send_to_worker(&mut buf, &ToWorker::Init(spec.clone())).unwrap();
    let block = [1u8, 2];
    let run = ToWorker::Run {
        first: 7,
        count: 3,
        block: &block,
    };
    send_to_worker(&mut buf, &run).unwrap();
    send_to_worker(
        &mut buf,
        &ToWorker::Run {
            first: 10,
            count: 2,
            block: &[],
        },
    )
    .unwrap();
    let mut r = buf.as_slice();
    assert_eq!(recv_to_worker(&mut r).unwrap(), FromParent::Init(spec));
    assert_eq!(
        recv_to_worker(&mut r).unwrap(),
        FromParent::Run {
            first: 7,
            count: 3,
            block_len: 2
        }
    );
    let mut got = [0u8; 2];
    for _ in 0..3 {
        read_block(&mut r, &mut got).unwrap();
        assert_eq!(got, block);
    }
    assert_eq!(
        recv_to_worker(&mut r).unwrap(),
        FromParent::Run {
            first: 10,
            count: 2,
            block_len: 0
        }
    );
    assert!(matches!(recv_to_worker(&mut r), Err(ProtocolError::Closed)));
}

#[test]
fn answers_round_trip() {
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

/// Records every write it is handed: where the bytes were and how many.
#[derive(Default)]
struct Recorder {
    writes: Vec<(usize, usize)>,
    bytes: Vec<u8>,
}

impl Write for Recorder {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        self.writes.push((buf.as_ptr() as usize, buf.len()));
        self.bytes.extend_from_slice(buf);
        Ok(buf.len())
    }
    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }
}

#[test]
fn a_block_is_written_from_the_callers_memory_once_per_task() {
    // Before: the block was copied into a frame per worker (three copies in the parent).
    let block: Vec<u8> = (0..256 * 1024u32).map(|i| i as u8).collect();
    let mut pipe = BufWriter::new(Recorder::default());
    send_to_worker(
        &mut pipe,
        &ToWorker::Run {
            first: 1,
            count: 3,
            block: &block,
        },
    )
    .unwrap();
    let recorder = pipe.into_inner().map_err(|e| e.into_error()).unwrap();
    let straight = recorder
        .writes
        .iter()
        .filter(|&&(at, len)| at == block.as_ptr() as usize && len == block.len())
        .count();
    assert_eq!(straight, 3, "writes: {:?}", recorder.writes);
    // Only the 17-byte header went anywhere else (through the writer's own buffer).
    let other: usize = recorder.writes.iter().map(|w| w.1).sum::<usize>() - 3 * block.len();
    assert_eq!(other, 17);
    let mut r = recorder.bytes.as_slice();
    assert!(matches!(
        recv_to_worker(&mut r),
        Ok(FromParent::Run { count: 3, block_len, .. }) if block_len == block.len()
    ));
}

/// Records the size of every buffer it is asked to fill.
struct Source<'a> {
    bytes: &'a [u8],
    reads: Vec<usize>,
}

impl Read for Source<'_> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        self.reads.push(buf.len());
        self.bytes.read(buf)
    }
}

#[test]
fn a_block_is_read_straight_into_a_buffer_of_its_size() {
    let block: Vec<u8> = (0..1024 * 1024u32).map(|i| (i * 7) as u8).collect();
    let mut frames = Vec::new();
    let run = ToWorker::Run {
        first: 0,
        count: 2,
        block: &block,
    };
    send_to_worker(&mut frames, &run).unwrap();
    let mut input = BufReader::new(Source {
        bytes: &frames,
        reads: Vec::new(),
    });
    let Ok(FromParent::Run { block_len, .. }) = recv_to_worker(&mut input) else {
        panic!("not a RUN");
    };
    let mut got = vec![0u8; block_len];
    for _ in 0..2 {
        read_block(&mut input, &mut got).unwrap();
        assert!(got == block);
    }
    assert_eq!(got.capacity(), block.len(), "allocated at its exact size");
    // Past the reader's first small fill, the block is read straight into `got`: the
    // reader's 8 KiB buffer never holds more than a sliver of it.
    let reads = &input.get_ref().reads;
    let big = reads.iter().filter(|&&n| n > 64 * 1024).count();
    let small: usize = reads.iter().filter(|&&n| n <= 64 * 1024).sum();
    assert!(big >= 2, "reads {reads:?}");
    assert!(small <= 4 * 8 * 1024, "reads {reads:?}");
}

#[test]
fn a_truncated_block_is_a_clear_error() {
    let block = vec![9u8; 4096];
    let mut frames = Vec::new();
    let run = ToWorker::Run {
        first: 0,
        count: 1,
        block: &block,
    };
    send_to_worker(&mut frames, &run).unwrap();
    frames.truncate(frames.len() - 100);
    let mut r = frames.as_slice();
    let Ok(FromParent::Run { block_len, .. }) = recv_to_worker(&mut r) else {
        panic!("not a RUN");
    };
    let mut got = vec![0u8; block_len];
    match read_block(&mut r, &mut got) {
        Err(ProtocolError::Garbage(m)) => assert!(m.contains("cut short"), "{m}"),
        other => panic!("unexpected {other:?}"),
    }
}

#[test]
fn a_bogus_run_header_allocates_nothing_and_says_why() {
    let frame = |len: u32, first: u64, count: u32| {
        let mut f = len.to_le_bytes().to_vec();
        f.push(RUN);
        f.extend_from_slice(&first.to_le_bytes());
        f.extend_from_slice(&count.to_le_bytes());
        f
    };
    // A length far past the limit: refused before anything is allocated or read.
    let bytes = frame(u32::MAX, 0, 1);
    match recv_to_worker(&mut bytes.as_slice()) {
        Err(ProtocolError::Garbage(m)) => assert!(m.contains("frame length"), "{m}"),
        other => panic!("unexpected {other:?}"),
    }
    // Blocks that do not divide the payload, no tasks, a payload shorter than the header.
    for bytes in [frame(13 + 10, 0, 3), frame(13, 0, 0), frame(5, 0, 1)] {
        match recv_to_worker(&mut bytes.as_slice()) {
            Err(ProtocolError::Garbage(m)) => assert!(m.contains("RUN frame"), "{m}"),
            other => panic!("unexpected {other:?}"),
        }
    }
}

#[test]
fn a_frame_past_the_limit_is_refused_before_a_byte_is_written() {
    let block = vec![0u8; 1 << 20];
    let mut out = Vec::new();
    let run = ToWorker::Run {
        first: 0,
        count: 65,
        block: &block,
    };
    let e = send_to_worker(&mut out, &run).unwrap_err();
    assert_eq!(e.kind(), io::ErrorKind::InvalidInput);
    assert!(e.to_string().contains("64 MiB"), "{e}");
    assert!(out.is_empty());
}

#[test]
fn skipped_blocks_leave_the_next_frame_in_place() {
    let mut frames = Vec::new();
    let block = [5u8; 100];
    for first in [0, 3] {
        let run = ToWorker::Run {
            first,
            count: 3,
            block: &block,
        };
        send_to_worker(&mut frames, &run).unwrap();
    }
    let mut r = frames.as_slice();
    let mut got = [0u8; 100];
    assert!(matches!(
        recv_to_worker(&mut r),
        Ok(FromParent::Run { first: 0, .. })
    ));
    read_block(&mut r, &mut got).unwrap();
    skip_blocks(&mut r, 2, &mut got).unwrap();
    assert!(matches!(
        recv_to_worker(&mut r),
        Ok(FromParent::Run { first: 3, .. })
    ));
}
