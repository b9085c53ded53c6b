//! The app's frame cost (layout + tessellation, what the CPU does each frame) with a large
//! history: 8 overlaid runs of one hour each (14 400 timeline buckets, 2 cores × 14 400 CPU
//! samples). And the same frame while a workload keeps both cores busy.

#[path = "support/fixtures.rs"]
mod fixtures;

use criterion::{Criterion, criterion_group, criterion_main};
use eframe::egui;
use fixtures::{hour_long_run, million_task_run};
use parlab::exec::{Session, WorkerCommand};
use parlab::gui::settings::ChartTab;
use parlab::gui::{ParlabApp, Settings};
use parlab::profile::parse_str;
use parlab::results::Results;

fn app_with_history() -> ParlabApp {
    let mut app = ParlabApp::new(
        Settings::default(),
        parlab::stream::EngineCommand::new(env!("CARGO_BIN_EXE_parlab")),
    );
    let profile = app.editor.profile.clone();
    app.runner
        .add_results(Results::new(profile, (0..8).map(hour_long_run).collect()));
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

/// The Workers view of a 1 M-task run (spans thinned at 200 000, bucket totals for the hour):
/// its model and blocks zoomed out and zoomed in, and the app's whole frame on that tab.
fn workers_view(c: &mut Criterion) {
    let run = million_task_run();
    let chart_run = parlab::chart::ChartRun {
        color: 0,
        name: "#1 threads ×8".into(),
        origin: None,
        result: &run,
    };
    let runs = [chart_run];
    for (what, view) in [("whole hour", 0.0..3600.0), ("one second", 100.0..101.0)] {
        let name = format!("workers view: 1 M tasks, model + blocks, {what} at 1000 px");
        c.bench_function(&name, |b| {
            b.iter(|| {
                let model = parlab::chart::workers(&runs);
                model.blocks(view.clone(), 1000.0).len()
            })
        });
    }
    let ctx = egui::Context::default();
    let mut app = ParlabApp::new(
        Settings::default(),
        parlab::stream::EngineCommand::new(env!("CARGO_BIN_EXE_parlab")),
    );
    let profile = app.editor.profile.clone();
    app.runner
        .add_results(Results::new(profile, vec![run.clone()]));
    app.settings.tab = ChartTab::Workers;
    frame(&ctx, &mut app);
    c.bench_function("frame: Workers tab, 1 M-task run", |b| {
        b.iter(|| frame(&ctx, &mut app))
    });
}

criterion_group!(benches, frames, frames_while_busy, workers_view);
criterion_main!(benches);
