//! The per-task hot paths and the background costs: recording a latency, claiming tasks,
//! merging a worker's bucket, the pipe protocol, the CPU kernel, and one CPU sample.

use criterion::{BatchSize, Criterion, criterion_group, criterion_main};
use parlab::cancel::CancelToken;
use parlab::exec::protocol::{FromWorker, recv_from_worker, send_from_worker};
use parlab::metrics::histogram::new_histogram;
use parlab::metrics::{Aggregator, BUCKET, Flush, Recorder, WorkerCounter};
use std::hint::black_box;
use std::sync::Arc;
use std::sync::mpsc;
use std::time::Instant;

fn record(c: &mut Criterion) {
    let (tx, rx) = mpsc::channel();
    let mut recorder = Recorder::new(
        0,
        Instant::now(),
        BUCKET,
        Arc::new(WorkerCounter::default()),
        tx,
    );
    let mut n = 0u64;
    c.bench_function("recorder: record one task (incl. clock read)", |b| {
        b.iter(|| {
            n = n.wrapping_add(37);
            recorder.record(n, Instant::now(), black_box(100 + n % 5000));
        })
    });
    drop(recorder);
    drop(rx);
}

fn clock(c: &mut Criterion) {
    c.bench_function("Instant::now", |b| b.iter(Instant::now));
}

fn kernel(c: &mut Criterion) {
    let cancel = CancelToken::new();
    c.bench_function("cpu kernel: 1000 iterations", |b| {
        b.iter(|| parlab::workload::kernel(black_box(7), black_box(1000), &cancel))
    });
}

fn aggregate(c: &mut Criterion) {
    let mut latencies = new_histogram();
    for v in 0..10_000u64 {
        latencies.saturating_record(50 + v * 13);
    }
    c.bench_function("aggregator: merge one worker bucket", |b| {
        b.iter_batched(
            || {
                (
                    Aggregator::new(1, BUCKET, parlab::metrics::spans::SPAN_LIMIT),
                    Flush {
                        worker: 0,
                        bucket: 0,
                        next_bucket: 1,
                        latencies: latencies.clone(),
                        sum_ns: 1,
                        spans: Vec::new(),
                        busy: Vec::new(),
                        thinned: false,
                        open: None,
                    },
                )
            },
            |(mut agg, flush)| {
                agg.apply(flush);
                agg
            },
            BatchSize::SmallInput,
        )
    });
}

fn protocol(c: &mut Criterion) {
    let done = FromWorker::Done((0..10_000u64).collect(), 0);
    let mut buf = Vec::new();
    c.bench_function("protocol: encode + decode a DONE of 10k latencies", |b| {
        b.iter(|| {
            buf.clear();
            send_from_worker(&mut buf, &done).expect("encode");
            recv_from_worker(&mut buf.as_slice()).expect("decode")
        })
    });
}

fn sampler(c: &mut Criterion) {
    use sysinfo::{CpuRefreshKind, RefreshKind, System};
    let refresh = RefreshKind::nothing().with_cpu(CpuRefreshKind::nothing().with_usage());
    let Ok(mut system) = System::new_with_specifics(refresh) else {
        return;
    };
    c.bench_function("sampler: one per-core CPU sample (sysinfo)", |b| {
        b.iter(|| {
            system.refresh_cpu_usage();
            black_box(system.cpus().iter().map(|c| c.usage()).sum::<f32>())
        })
    });
    c.bench_function("sampler: one RSS read (/proc/self/statm)", |b| {
        b.iter(|| parlab::sys::rss_of(std::process::id()))
    });
}

criterion_group!(benches, record, clock, kernel, aggregate, protocol, sampler);
criterion_main!(benches);
