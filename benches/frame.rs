//! The app's frame cost (layout + tessellation, what the CPU does each frame) with a large
//! history: 8 overlaid runs of one hour each (14 400 timeline buckets, 2 cores × 14 400 CPU
//! samples). And the same frame while a workload keeps both cores busy.

use criterion::{Criterion, criterion_group, criterion_main};
use eframe::egui;
use parlab::exec::{Session, WorkerCommand};
use parlab::gui::settings::ChartTab;
use parlab::gui::{ParlabApp, Settings};
use parlab::metrics::CpuSeries;
use parlab::metrics::aggregate::TimelinePoint;
use parlab::metrics::histogram::LatencySummary;
use parlab::profile::{Model, parse_str};
use parlab::results::{Host, ProcessFigures, Results, RunResult, RunStatus};
use parlab::workload::{Cpu, WorkloadSpec};

const BUCKETS: usize = 14_400;

fn hour_long_run(n: usize) -> RunResult {
    let timeline = (0..BUCKETS)
        .map(|i| TimelinePoint {
            t: (i + 1) as f64 * 0.25,
            tasks_per_sec: 9000.0 + 500.0 * ((i + n * 7) as f64 / 40.0).sin(),
            p50_us: Some(110.0 + (i % 17) as f64),
            p99_us: Some(160.0 + (i % 31) as f64),
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
        workload: WorkloadSpec::Cpu(Cpu { iterations: 60_000 }),
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
        },
        sampler_cpu_seconds: 0.0,
    }
}

fn app_with_history() -> ParlabApp {
    let mut app = ParlabApp::new(
        Settings::default(),
        WorkerCommand::new(env!("CARGO_BIN_EXE_parlab")),
    );
    let profile = app.editor.profile.clone();
    app.runner.add_results(Results {
        schema: parlab::results::SCHEMA.into(),
        parlab_version: "bench".into(),
        host: Host::detect(),
        profile,
        runs: (0..8).map(hour_long_run).collect(),
    });
    app
}

fn frame(ctx: &egui::Context, app: &mut ParlabApp) -> usize {
    let input = egui::RawInput {
        screen_rect: Some(egui::Rect::from_min_size(
            egui::Pos2::ZERO,
            egui::vec2(1280.0, 800.0),
        )),
        ..Default::default()
    };
    let output = ctx.run_ui(input, |ui| app.ui(ui));
    ctx.tessellate(output.shapes, output.pixels_per_point).len()
}

fn frames(c: &mut Criterion) {
    let ctx = egui::Context::default();
    let mut app = app_with_history();
    for tab in ChartTab::ALL {
        app.settings.tab = tab;
        frame(&ctx, &mut app);
        c.bench_function(&format!("frame: 8 runs × 1 h, {} tab", tab.title()), |b| {
            b.iter(|| frame(&ctx, &mut app))
        });
    }
}

fn frames_while_busy(c: &mut Criterion) {
    let ctx = egui::Context::default();
    let mut app = app_with_history();
    app.settings.tab = ChartTab::Throughput;
    let text = "name = \"busy\"\n[[run]]\nmodel = \"threads\"\nworkers = 2\nduration_s = 600\n[run.workload]\nkind = \"cpu\"\niterations = 60000\n";
    let busy = Session::start(
        parse_str(text, "busy").expect("valid"),
        WorkerCommand::new(env!("CARGO_BIN_EXE_parlab")),
    )
    .expect("session starts");
    c.bench_function("frame: 8 runs × 1 h, both cores busy with a run", |b| {
        b.iter(|| frame(&ctx, &mut app))
    });
    busy.cancel();
    let _ = busy.wait();
}

criterion_group!(benches, frames, frames_while_busy);
criterion_main!(benches);
