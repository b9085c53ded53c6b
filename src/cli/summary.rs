//! The summary table `parlab run` prints on stdout.

use parlab::format::{mib, printable, si};
use parlab::results::Results;

/// The table: one row per run, then one line per failed run with its error; control
/// characters in labels and errors are escaped.
pub fn render(results: &Results) -> String {
    let mut header = vec![
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
    // Workload figures get columns only when some run has them.
    let lost = results.runs.iter().any(|r| {
        r.workload_stats
            .as_ref()
            .is_some_and(|s| s.lost_updates.is_some())
    });
    let moved = results.runs.iter().any(|r| {
        r.workload_stats
            .as_ref()
            .is_some_and(|s| s.bytes_moved.is_some())
    });
    if lost {
        header.push("lost updates");
    }
    if moved {
        header.push("MiB moved");
    }
    let rows: Vec<Vec<String>> = results
        .runs
        .iter()
        .map(|r| {
            let stats = r.workload_stats.clone().unwrap_or_default();
            let mut row = vec![
                printable(&r.label).into_owned(),
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
            ];
            if lost {
                row.push(stats.lost_updates.map_or("-".into(), |n| n.to_string()));
            }
            if moved {
                row.push(stats.bytes_moved.map_or("-".into(), mib));
            }
            row
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
    let mut out = line(header.clone());
    out.push('\n');
    for row in &rows {
        out.push_str(&line(row.iter().map(String::as_str).collect()));
        out.push('\n');
    }
    for r in results.runs.iter().filter(|r| r.status.is_failure()) {
        // User text (labels, a command's stderr) escaped: it must not rewrite the terminal.
        out.push_str(&format!(
            "\n{} {}: {}\n",
            printable(&r.label),
            r.status,
            printable(r.error.as_deref().unwrap_or("unknown error"))
        ));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The table printed for the golden results, frozen: the column table must not change
    /// what `parlab run` prints.
    #[test]
    fn the_table_of_the_golden_results_is_unchanged() {
        let path = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/golden/results-v1.json");
        let results = Results::load_json(std::path::Path::new(path)).expect("golden results");
        let expected = include_str!("../../tests/golden/summary-v1.txt");
        assert_eq!(render(&results), expected);
    }
}
