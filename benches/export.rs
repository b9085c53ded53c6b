//! Export cost: the dashboard (and the throughput chart) of 8 overlaid one-hour runs
//! (14 400 timeline buckets each), as PNG and as SVG.

#[path = "support/fixtures.rs"]
mod fixtures;

use criterion::{Criterion, criterion_group, criterion_main};
use parlab::export::{ChartKind, ExportSet, ImageFormat, ImageOptions, render};
use parlab::results::{Host, RunResult};

fn export(c: &mut Criterion) {
    let runs: Vec<RunResult> = (0..8).map(fixtures::hour_long_run).collect();
    let set = ExportSet {
        title: "8 runs × 1 h".into(),
        runs: runs
            .iter()
            .enumerate()
            .map(|(i, r)| (i as u64, r))
            .collect(),
        origins: Vec::new(),
        host: Host::detect(),
        created: "2026-11-25T00:00:00Z".into(),
        findings: Vec::new(),
        laws: Vec::new(),
    };
    let dir = tempfile::tempdir().expect("temporary folder");
    let mut group = c.benchmark_group("export 8 runs × 1 h");
    group.sample_size(10);
    for (kind, format) in [
        (ChartKind::Dashboard, ImageFormat::Png),
        (ChartKind::Dashboard, ImageFormat::Svg),
        (ChartKind::Throughput, ImageFormat::Png),
    ] {
        let path = dir
            .path()
            .join(format!("{}.{}", kind.name(), format.extension()));
        group.bench_function(format!("{} {}", kind.name(), format.extension()), |b| {
            b.iter(|| render(&set, kind, format, &path, ImageOptions::default()).expect("export"))
        });
    }
    group.finish();
}

criterion_group!(benches, export);
criterion_main!(benches);
