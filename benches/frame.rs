//! The app's frame cost (layout + tessellation, what the CPU does each frame) with a large
//! history: 8 overlaid runs of one hour each (14 400 timeline buckets, 2 cores × 14 400 CPU
//! samples). And the same frame while a workload keeps both cores busy.

#[path = "support/fixtures.rs"]
mod fixtures;

use criterion::{Criterion, criterion_group, criterion_main};
use eframe::egui;
use fixtures::hour_long_run;
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

criterion_group!(benches, frames, frames_while_busy);
criterion_main!(benches);
