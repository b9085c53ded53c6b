//! Synthetic hour-long runs for benchmarks: 14 400 timeline buckets, 2 cores × 14 400 CPU samples.
#![allow(dead_code)]

use parlab::metrics::CpuSeries;
use parlab::metrics::aggregate::TimelinePoint;
use parlab::metrics::histogram::LatencySummary;
use parlab::profile::Model;
use parlab::results::{ProcessFigures, RunResult, RunStatus};
use parlab::workload::{Cpu, WorkloadSpec};

pub const BUCKETS: usize = 14_400;

pub fn hour_long_run(n: usize) -> RunResult {
    let timeline = (0..BUCKETS)
        .map(|i| TimelinePoint {
            t: (i + 1) as f64 * 0.25,
            tasks_per_sec: 9000.0 + 500.0 * ((i + n * 7) as f64 / 40.0).sin(),
            p50_us: Some(110.0 + (i % 17) as f64),
            p99_us: Some(160.0 + (i % 31) as f64),
            response_p99_us: None,
            queue_len: None,
        })
        .collect();
    let core = |phase: usize| {
        (0..BUCKETS)
            .map(|i| 50.0 + 45.0 * (((i + phase) as f32) / 30.0).sin())
            .collect()
    };
    RunResult {
        label: format!("threads ×{}", n + 1),
        model: Model::Threads,
        workers: n + 1,
        workload: WorkloadSpec::Cpu(Cpu {
            iterations: 60_000,
            sizes: Default::default(),
            run_tasks: None,
        }),
        chunk: None,
        status: RunStatus::Completed,
        error: None,
        tasks_completed: 32_400_000,
        tasks_failed: 0,
        warmup_tasks: 0,
        wall_seconds: 3600.0,
        throughput_per_sec: 9000.0,
        latency_us: LatencySummary::default(),
        latency_cdf: (0..100).map(|p| [p as f64, 100.0 + p as f64]).collect(),
        overhead_per_task_us: Some(1.0),
        process: ProcessFigures::default(),
        timeline,
        cpu: CpuSeries {
            interval_s: 0.25,
            per_core: vec![core(0), core(13)],
            last_interval_s: None,
        },
        sampler_cpu_seconds: 0.0,
        workload_stats: None,
        host: None,
        observer_cpu_cores: None,
        repetitions: Vec::new(),
        stats: None,
        warnings: Vec::new(),
        foreign_cpu_cores: None,
        worker_program: None,
        python_version: None,
        balance: None,
        worker_timeline: None,
        open: None,
    }
}

/// An hour-long run of 8 workers and 1 M tasks (3.6 ms each, with short gaps and every
/// tenth task twice as long) whose lanes were thinned at 200 000 spans: each worker keeps
/// its first 25 000 spans, and its running time per 250 ms bucket for the whole hour.
pub fn million_task_run() -> RunResult {
    use parlab::metrics::spans::{Span, SpanState, WorkerLane, WorkerTimeline};
    let (workers, tasks, kept) = (8u64, 1_000_000u64, 25_000u64);
    let lanes = (0..workers)
        .map(|w| {
            let mut lane = WorkerLane::default();
            let mut t = w * 1_000;
            for k in 0..tasks / workers {
                let len = if k % 10 == 0 { 6_000_000 } else { 3_000_000 };
                let span = Span {
                    start_ns: t,
                    end_ns: t + len,
                    task: k * workers + w,
                    state: SpanState::Running,
                };
                if k < kept {
                    lane.spans.push(span);
                }
                lane.add(SpanState::Running, (t / 250_000_000) as usize, len);
                t += len + 120_000;
            }
            lane
        })
        .collect();
    let mut run = hour_long_run(7);
    run.workers = workers as usize;
    run.worker_timeline = Some(std::sync::Arc::new(WorkerTimeline {
        bucket_s: 0.25,
        span_limit: 200_000,
        thinned: true,
        lanes,
    }));
    run
}
