//! Results as CSV: one row per run, stable column names with their units.

use super::ExportError;
use crate::results::Results;
use std::path::Path;

/// The header, in order. Documented in the README; names never change meaning.
pub const CSV_HEADER: [&str; 27] = [
    "label",
    "model",
    "workers",
    "workload",
    "status",
    "error",
    "tasks_completed",
    "tasks_failed",
    "wall_seconds",
    "throughput_per_sec",
    "latency_min_us",
    "latency_mean_us",
    "p50_us",
    "p90_us",
    "p99_us",
    "p999_us",
    "latency_max_us",
    "overhead_per_task_us",
    "user_s",
    "sys_s",
    "voluntary_ctx",
    "involuntary_ctx",
    "peak_rss_bytes",
    "host_cpu",
    "host_logical_cpus",
    "lost_updates",
    "bytes_moved",
];

/// Writes `results` as CSV to `path` (through [`crate::fsutil::write_output`]).
pub fn write_csv(results: &Results, path: &Path) -> Result<(), ExportError> {
    let fail = |message: String| ExportError::Data {
        path: crate::format::printable(&path.display().to_string()).into_owned(),
        message,
    };
    let mut out = csv::Writer::from_writer(Vec::new());
    out.write_record(CSV_HEADER)
        .map_err(|e| fail(e.to_string()))?;
    for run in &results.runs {
        let host = run.host.as_ref().unwrap_or(&results.host);
        let workload = serde_json::to_string(&run.workload).unwrap_or_default();
        let l = &run.latency_us;
        let stats = run.workload_stats.clone().unwrap_or_default();
        let p = &run.process;
        let row: Vec<String> = vec![
            text_cell(&run.label),
            text_cell(&run.model.to_string()),
            run.workers.to_string(),
            text_cell(&workload),
            text_cell(&run.status.to_string()),
            text_cell(run.error.as_deref().unwrap_or_default()),
            run.tasks_completed.to_string(),
            run.tasks_failed.to_string(),
            run.wall_seconds.to_string(),
            run.throughput_per_sec.to_string(),
            l.min.to_string(),
            l.mean.to_string(),
            l.p50.to_string(),
            l.p90.to_string(),
            l.p99.to_string(),
            l.p999.to_string(),
            l.max.to_string(),
            run.overhead_per_task_us
                .map(|v| v.to_string())
                .unwrap_or_default(),
            p.user_s.to_string(),
            p.sys_s.to_string(),
            p.voluntary_ctx.to_string(),
            p.involuntary_ctx.to_string(),
            p.peak_rss_bytes.to_string(),
            text_cell(&host.cpu_brand),
            host.logical_cpus.to_string(),
            stats
                .lost_updates
                .map(|v| v.to_string())
                .unwrap_or_default(),
            stats.bytes_moved.map(|v| v.to_string()).unwrap_or_default(),
        ];
        out.write_record(&row).map_err(|e| fail(e.to_string()))?;
    }
    let bytes = out.into_inner().map_err(|e| fail(e.to_string()))?;
    crate::fsutil::write_output(path, &bytes).map_err(|e| fail(e.to_string()))
}

/// A text cell that a spreadsheet cannot take for a formula: text starting with `=`, `+`,
/// `-`, `@`, a tab or a carriage return gets a leading `'` (as OWASP advises against CSV
/// injection). Numbers are written as numbers and never pass through here.
fn text_cell(text: &str) -> String {
    if text.starts_with(['=', '+', '-', '@', '\t', '\r']) {
        format!("'{text}")
    } else {
        text.to_string()
    }
}
