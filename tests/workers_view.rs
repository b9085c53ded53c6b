//! The Workers view (issue 16): a results file written by the real binary with worker
//! spans draws its lanes as an image (`parlab chart --kind workers`, PNG and SVG) and, loaded
//! into the app, in the Workers tab (Ctrl+8), where hovering a lane says what it holds.

mod common;

use common::ui::{app_with, harness};
use common::*;
use eframe::egui;
use egui_kittest::kittest::Queryable;
use parlab::chart::ChartKind;
use parlab::chart::workers::{Fill, LaneKind, STATE_COLORS};
use parlab::gui::actions::Action;
use parlab::gui::dialogs::Purpose;
use parlab::results::Results;
use std::path::{Path, PathBuf};

/// Runs a skewed workload under a static split and the pool with the real binary and
/// returns its results file.
fn results_file(dir: &Path) -> PathBuf {
    let workload = "kind = \"cpu\"\niterations = 100000\nsizes = \"pareto\"";
    let runs = [
        run_table("threads", "4", "tasks = 200\nchunk = \"static\"", workload),
        run_table("pool", "4", "tasks = 200", workload),
    ];
    let profile = write(dir, "p.toml", &profile(&runs));
    let json = dir.join("r.json");
    run_profile(&profile)
        .args(["--json".as_ref(), json.as_os_str(), "-q".as_ref()])
        .assert()
        .success();
    json
}

/// Pixels of `path` (a PNG) within a few levels of `rgb`.
fn pixels_of(path: &Path, rgb: (u8, u8, u8)) -> usize {
    let decoder = png::Decoder::new(std::io::BufReader::new(std::fs::File::open(path).unwrap()));
    let mut reader = decoder.read_info().unwrap();
    let mut buf = vec![0; reader.output_buffer_size().unwrap()];
    let info = reader.next_frame(&mut buf).unwrap();
    let channels = info.color_type.samples();
    let near = |a: u8, b: u8| a.abs_diff(b) <= 6;
    buf[..info.buffer_size()]
        .chunks(channels)
        .filter(|p| near(p[0], rgb.0) && near(p[1], rgb.1) && near(p[2], rgb.2))
        .count()
}

#[test]
fn a_saved_run_draws_its_lanes_as_an_image_and_in_the_app() {
    let dir = tempfile::tempdir().unwrap();
    let json = results_file(dir.path());
    let results = Results::load_json(&json).expect("the results file reads back");

    // The chart model: a header, one lane per worker and the CPU lanes, per run.
    let series = ui::app_series(&results);
    let runs = parlab::gui::charts::chart_runs(&series);
    let model = parlab::chart::workers(&runs);
    assert_eq!(model.groups.len(), 2, "{:?}", model.notes);
    let worker_lanes = model
        .lanes
        .iter()
        .filter(|l| matches!(l.kind, LaneKind::Worker { .. }))
        .count();
    assert_eq!(worker_lanes, 8, "4 workers in each of 2 runs");
    let blocks = model.blocks(model.x.range.clone(), 1200.0);
    assert!(
        blocks.iter().any(|b| matches!(b.fill, Fill::Span { .. })),
        "spans at least a pixel wide are drawn as themselves"
    );

    // The image, through the real binary: running spans in their colour, lanes labelled.
    let (png, svg) = (dir.path().join("w.png"), dir.path().join("w.svg"));
    parlab()
        .args([
            "chart".as_ref(),
            json.as_os_str(),
            "--kind".as_ref(),
            "workers".as_ref(),
        ])
        .args([
            "--png".as_ref(),
            png.as_os_str(),
            "--svg".as_ref(),
            svg.as_os_str(),
        ])
        .assert()
        .success();
    let running = pixels_of(&png, STATE_COLORS[0]);
    assert!(running > 20_000, "{running} pixels of running spans");
    let text = std::fs::read_to_string(&svg).unwrap();
    for label in ["w1", "w4", "cpu 0", "#1 threads", "#2 pool", "balance 0."] {
        assert!(text.contains(label), "{label} in the SVG");
    }

    // The app: Ctrl+8 shows the Workers tab, and hovering a lane says what it holds.
    let mut app = app_with(None);
    app.runner.add_results(results);
    let mut h = harness(app);
    h.key_press_modifiers(egui::Modifiers::COMMAND, egui::Key::Num8);
    h.run_steps(2);
    assert_eq!(h.state().settings.tab, ChartKind::Workers);
    h.get_by_label("running");
    h.get_by_label("moving data");
    // Down the middle of the plot, a row at a time, until a lane of worker 1 answers.
    let hovered = (0..60).any(|k| {
        h.hover_at(egui::pos2(700.0, 110.0 + 10.0 * k as f32));
        h.run_steps(3);
        let tip = |text: &str| h.query_all_by_label_contains(text).next().is_some();
        tip("worker 1: busy") && tip(": running ")
    });
    assert!(
        hovered,
        "hovering a span of worker 1 names the worker, its task and duration"
    );

    // Export ▸ Trace… writes the shown runs' lanes as a Chrome trace, with the path checks of
    // every export.
    let ctx = h.ctx.clone();
    let trace = dir.path().join("t.json");
    let app = h.state_mut();
    app.apply(Action::ExportTo(Purpose::Trace, trace.clone()));
    app.wait_for_export(&ctx);
    let events = read_json(&trace)["traceEvents"].as_array().unwrap().clone();
    let named = |name: &str| events.iter().filter(|e| e["name"] == name).count();
    assert_eq!(named("thread_name"), 8, "a lane per worker per run");
    assert_eq!(named("running"), 400, "a span per task");
    let wrong = dir.path().join("t.txt");
    app.apply(Action::ExportTo(Purpose::Trace, wrong.clone()));
    assert!(
        app.message()
            .is_some_and(|m| m.contains("must end in .json")),
        "{:?}",
        app.message()
    );
    assert!(!wrong.exists());
}

#[test]
fn a_results_file_without_lanes_says_why() {
    let dir = tempfile::tempdir().unwrap();
    let golden = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/golden/results-v1.json");
    let png = dir.path().join("old.png");
    parlab()
        .args([
            "chart".as_ref(),
            golden.as_os_str(),
            "--kind".as_ref(),
            "workers".as_ref(),
        ])
        .args(["--png".as_ref(), png.as_os_str()])
        .assert()
        .success();
    assert!(png.exists());
    let text = include_str!("golden/results-v1.json");
    let mut app = app_with(None);
    app.runner
        .add_results(Results::from_json(text, "golden").expect("golden"));
    let mut h = harness(app);
    h.key_press_modifiers(egui::Modifiers::COMMAND, egui::Key::Num8);
    h.run_steps(2);
    h.get_by_label(parlab::chart::workers::NO_LANES);
}

/// Two workers taking turns at one mutex wait for it about half the time: their lanes show
/// the waits in the waiting colour (in the image and the app's key), and hovering a wait
/// says the worker was waiting for a lock.
#[test]
fn lock_waits_are_drawn_in_their_own_colour_and_named_on_hover() {
    let dir = tempfile::tempdir().unwrap();
    let workload = "kind = \"contention\"\nlock = \"mutex\"\ncritical_iterations = 200000";
    let runs = [run_table("threads", "2", "tasks = 200", workload)];
    let json = dir.path().join("r.json");
    run_profile(&write(dir.path(), "p.toml", &profile(&runs)))
        .args(["--json".as_ref(), json.as_os_str(), "-q".as_ref()])
        .assert()
        .success();
    let results = Results::load_json(&json).expect("the results file reads back");

    let series = ui::app_series(&results);
    let runs = parlab::gui::charts::chart_runs(&series);
    let model = parlab::chart::workers(&runs);
    let blocks = model.blocks(model.x.range.clone(), 1200.0);
    let wait = blocks
        .iter()
        .find(|b| matches!(b.fill, Fill::Span { state, .. } if state.name() == "waiting"))
        .expect("a lock wait at least a pixel wide is drawn as itself");
    let said = model.describe(wait);
    assert!(said.contains(": waiting for a lock "), "{said}");
    assert!(
        said.starts_with("worker ") && said.contains("s, waiting for a lock 0."),
        "the lane's summary has its lock waits: {said}"
    );

    let png = dir.path().join("w.png");
    parlab()
        .args(["chart".as_ref(), json.as_os_str()])
        .args(["--kind", "workers", "--png"])
        .arg(&png)
        .assert()
        .success();
    assert_ne!(STATE_COLORS[3], STATE_COLORS[1], "waiting is not creating");
    let waiting = pixels_of(&png, STATE_COLORS[3]);
    assert!(waiting > 20_000, "{waiting} pixels of waiting spans");

    let mut app = app_with(None);
    app.runner.add_results(results);
    let mut h = harness(app);
    h.key_press_modifiers(egui::Modifiers::COMMAND, egui::Key::Num8);
    h.run_steps(2);
    h.get_by_label("waiting for a lock");
}
