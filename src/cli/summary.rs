//! The summary table `parlab run` prints on stdout: the columns of
//! [`columns::SUMMARY`](parlab::results::columns::SUMMARY) that apply to these runs, with the
//! uncertainty of runs measured over repetitions, then the session's verdicts and every run's
//! warnings. Files from before repetitions print as they always did.

use parlab::format::printable;
use parlab::results::Results;
use parlab::results::columns::{self, Column};

/// Text columns (the run's identity: label, model, workers, status) align left, numbers right.
const LEFT_ALIGNED: usize = 4;

/// The table: one row per run, then one line per failed run with its error, then the notes
/// (see [`notes`]); control characters in labels and errors are escaped.
pub fn render(results: &Results) -> String {
    let shown: Vec<&Column> = columns::SUMMARY
        .into_iter()
        .filter(|c| c.applies_to(&results.runs))
        .collect();
    let header: Vec<String> = shown.iter().map(|c| c.heading.to_string()).collect();
    let rows: Vec<Vec<String>> = results
        .runs
        .iter()
        .map(|r| {
            shown
                .iter()
                .map(|c| match c.shown_with_spread(r, Some(&results.host)) {
                    Some(text) => printable(&text).into_owned(),
                    None => "-".to_string(),
                })
                .collect()
        })
        .collect();
    let mut out = layout(&header, &rows, |c| c < LEFT_ALIGNED);
    out.push_str(&super::open_summary::render(results));
    for r in results.runs.iter().filter(|r| r.status.is_failure()) {
        // User text (labels, a command's stderr) escaped: it must not rewrite the terminal.
        out.push_str(&format!(
            "\n{} {}: {}\n",
            printable(&r.label),
            r.status,
            printable(r.error.as_deref().unwrap_or("unknown error"))
        ));
    }
    out.push_str(&notes(results));
    out
}

/// The lines after the table (each block after a blank line): what ± means, that one
/// repetition gives no uncertainty, the verdicts, the warnings. Empty for files from before
/// repetitions.
fn notes(results: &Results) -> String {
    let mut blocks: Vec<Vec<String>> = Vec::new();
    if results.runs.iter().any(columns::has_spread) {
        blocks.push(vec![
            "tasks/s: mean ± half width of the 95 % confidence interval of the mean; p50/p99: \
             over all repetitions (lowest–highest single repetition)"
                .to_string(),
        ]);
    }
    blocks.push(one_repetition(results).into_iter().collect());
    let verdicts = results.comparisons.iter();
    blocks.push(
        verdicts
            .map(|c| printable(&c.sentence).into_owned())
            .collect(),
    );
    let mut warnings: Vec<String> = results
        .host
        .warnings()
        .iter()
        .map(|w| format!("warning: environment: {}", printable(w)))
        .collect();
    warnings.extend(
        results
            .runs
            .iter()
            .flat_map(|r| r.warnings.iter().map(move |w| (r, w)))
            .map(|(r, w)| format!("warning: {}: {}", printable(&r.label), printable(w))),
    );
    blocks.push(warnings);
    blocks
        .into_iter()
        .filter(|b| !b.is_empty())
        .map(|b| format!("\n{}\n", b.join("\n")))
        .collect()
}

/// Said once when runs of a file with repetitions have fewer than two (no interval).
fn one_repetition(results: &Results) -> Option<String> {
    let runs: Vec<&parlab::results::RunResult> = results.runs.iter().collect();
    columns::one_repetition_note(&runs, results.repetitions.is_some())
}

/// The header and rows in columns as wide as their widest cell, two spaces apart; the columns
/// for which `left` is true align left, the others right.
pub fn layout(header: &[String], rows: &[Vec<String>], left: impl Fn(usize) -> bool) -> String {
    let widths: Vec<usize> = (0..header.len())
        .map(|c| {
            rows.iter()
                .map(|r| r[c].chars().count())
                .chain([header[c].chars().count()])
                .max()
                .unwrap_or(0)
        })
        .collect();
    let line = |cells: &[String]| {
        let padded: Vec<String> = cells
            .iter()
            .enumerate()
            .map(|(c, cell)| {
                let pad = " ".repeat(widths[c].saturating_sub(cell.chars().count()));
                if left(c) {
                    format!("{cell}{pad}")
                } else {
                    format!("{pad}{cell}")
                }
            })
            .collect();
        format!("{}\n", padded.join("  ").trim_end())
    };
    std::iter::once(header)
        .chain(rows.iter().map(Vec::as_slice))
        .map(line)
        .collect()
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

    /// The golden results with five repetitions of `cpu` (stats, a warning) and one of the
    /// others, and a verdict.
    fn with_repetitions(cpu_reps: usize) -> Results {
        let path = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/golden/results-v1.json");
        let text = std::fs::read_to_string(path).expect("golden results");
        let mut json: serde_json::Value = serde_json::from_str(&text).expect("JSON");
        let throughputs = [37000.0, 37500.0, 36800.0, 37200.0, 37100.0];
        let reps: Vec<serde_json::Value> = (0..cpu_reps)
            .map(|i| {
                serde_json::json!({
                    "round": i, "position": 0, "wall_seconds": 0.001, "tasks_completed": 40,
                    "throughput_per_sec": throughputs[i],
                    "latency_us": {"p50": 8.0 + i as f64 * 0.25, "p99": 18.0 + i as f64},
                    "overhead_per_task_us": 44.0, "status": "completed"
                })
            })
            .collect();
        let summary = |xs: &[f64]| serde_json::to_value(Summary::of(xs).unwrap()).unwrap();
        let cpu = &mut json["runs"][0];
        cpu["repetitions"] = reps.into();
        cpu["stats"] = serde_json::json!({
            "throughput_per_sec": summary(&throughputs[..cpu_reps]),
            "p50_us": summary(&[8.5]), "p99_us": summary(&[18.9]),
        });
        cpu["warnings"] = serde_json::json!(["the spread is 7 % (above 5 %)"]);
        json["repetitions"] = cpu_reps.into();
        json["comparisons"] = serde_json::json!([{
            "a": "cpu", "b": "race", "ratio": 0.02, "ci_low": 0.019, "ci_high": 0.021,
            "verdict": "slower", "sentence": "cpu is 46.70× slower than race (95 % CI …)"
        }]);
        Results::from_json(&json.to_string(), "test").expect("valid results")
    }

    use parlab::stats::Summary;

    #[test]
    fn runs_with_repetitions_show_their_interval_spread_verdicts_and_warnings() {
        let text = render(&with_repetitions(5));
        let cpu = text.lines().nth(1).expect("the cpu row");
        // Mean 37120, sd 259.8, t(0.975, 4) · sd / √5 = 322.6.
        assert!(cpu.contains("37.1k ± 0.3k"), "{text}");
        assert!(cpu.contains("8.51 (8.00–9.00)"), "{text}");
        assert!(cpu.contains("18.9 (18.0–22.0)"), "{text}");
        let race = text.lines().nth(2).expect("the race row");
        assert!(race.contains("1.73M") && !race.contains('±'), "{text}");
        assert!(
            text.contains("\ntasks/s: mean ± half width of the 95 % confidence"),
            "{text}"
        );
        assert!(
            text.contains("\none repetition of race, copy, =fails: no uncertainty can be given"),
            "{text}"
        );
        assert!(text.contains("\ncpu is 46.70× slower than race"), "{text}");
        assert!(
            text.ends_with("\nwarning: cpu: the spread is 7 % (above 5 %)\n"),
            "{text}"
        );
    }

    #[test]
    fn one_repetition_says_once_that_no_uncertainty_can_be_given() {
        let text = render(&with_repetitions(1));
        assert!(!text.contains('±'), "{text}");
        let said = text.matches("no uncertainty can be given").count();
        assert_eq!(said, 1, "{text}");
        assert!(text.contains("\none repetition: no uncertainty"), "{text}");
    }

    #[test]
    fn environment_warnings_come_before_the_runs_warnings() {
        let mut results = with_repetitions(5);
        results.host.load_avg_1m = Some(2.5);
        results.host.governor = Some("powersave".into());
        let text = render(&results);
        let load = text
            .find("\nwarning: environment: the 1-minute load average was 2.50 when the session started")
            .expect("the load average is named");
        let governor = text
            .find("\nwarning: environment: the CPU frequency governor is `powersave`")
            .expect("the governor is named");
        let run = text.find("\nwarning: cpu:").expect("the run's warning");
        assert!(governor < run && load < run, "{text}");
    }
}
