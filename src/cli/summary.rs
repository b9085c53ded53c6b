//! The summary table `parlab run` prints on stdout.

use parlab::format::{mib, si};
use parlab::results::{Results, RunStatus};

/// The table: one row per run, then one line per failed run with its error.
pub fn render(results: &Results) -> String {
    let header = [
        "run",
        "model",
        "workers",
        "status",
        "tasks",
        "wall s",
        "tasks/s",
        "p50 µs",
        "p99 µs",
        "overhead µs",
        "CPU s",
        "peak RSS MiB",
    ];
    let rows: Vec<Vec<String>> = results
        .runs
        .iter()
        .map(|r| {
            vec![
                r.label.clone(),
                r.model.to_string(),
                r.workers.to_string(),
                r.status.to_string(),
                r.tasks_completed.to_string(),
                format!("{:.2}", r.wall_seconds),
                si(r.throughput_per_sec),
                si(r.latency_us.p50),
                si(r.latency_us.p99),
                r.overhead_per_task_us.map_or("-".into(), si),
                format!("{:.2}", r.process.user_s + r.process.sys_s),
                mib(r.process.peak_rss_bytes),
            ]
        })
        .collect();
    let width = |c: usize| {
        rows.iter()
            .map(|r| r[c].chars().count())
            .chain([header[c].chars().count()])
            .max()
            .unwrap_or(0)
    };
    let widths: Vec<usize> = (0..header.len()).map(width).collect();
    let line = |cells: Vec<&str>| {
        cells
            .iter()
            .enumerate()
            .map(|(c, cell)| {
                let pad = widths[c].saturating_sub(cell.chars().count());
                // Text columns align left, numbers right.
                if c < 4 {
                    format!("{cell}{}", " ".repeat(pad))
                } else {
                    format!("{}{cell}", " ".repeat(pad))
                }
            })
            .collect::<Vec<_>>()
            .join("  ")
            .trim_end()
            .to_string()
    };
    let mut out = line(header.to_vec());
    out.push('\n');
    for row in &rows {
        out.push_str(&line(row.iter().map(String::as_str).collect()));
        out.push('\n');
    }
    for r in results
        .runs
        .iter()
        .filter(|r| r.status == RunStatus::Failed)
    {
        out.push_str(&format!(
            "\n{} failed: {}\n",
            r.label,
            r.error.as_deref().unwrap_or("unknown error")
        ));
    }
    out
}
