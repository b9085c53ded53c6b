//! `parlab compare BASE NEW`: the throughput of each run in NEW against the same run in BASE,
//! with its 95 % interval and a verdict; `--fail-on-regression` makes a CI job fail on a
//! significant slowdown. The judging is `parlab::analysis::compare`; this prints it.

use super::outputs;
use super::{EXIT_BAD_INPUT, EXIT_OUTPUT_FAILED, EXIT_RUN_FAILED, summary};
use parlab::analysis::compare::{self, FileSide, MatchedBy, Report, RunPair, RunSide};
use parlab::format::{printable, printable_lines};
use parlab::results::Results;
use parlab::stats::sentence::{interval, value_with_interval};
use parlab::stats::{MIN_VERDICT_SAMPLES, Summary};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

/// Arguments of `parlab compare`.
#[derive(clap::Args)]
pub struct CompareArgs {
    /// The baseline: a results file from `parlab run --json` or the app.
    base: PathBuf,
    /// The results file to compare with the baseline.
    new: PathBuf,
    /// Changes whose whole 95 % interval lies within ±PCT % count as `within noise`, and only
    /// slowdowns beyond PCT % are regressions (0–100).
    #[arg(long, value_name = "PCT", default_value_t = compare::DEFAULT_THRESHOLD_PCT,
          value_parser = parse_threshold, allow_negative_numbers = true)]
    threshold: f64,
    /// Exit with status 1 when a run is significantly slower than in BASE by more than the
    /// threshold (or failed in NEW only).
    #[arg(long)]
    fail_on_regression: bool,
    /// Write the comparison as JSON (schema parlab-compare/1) to FILE.
    #[arg(long, value_name = "FILE")]
    json: Option<PathBuf>,
}

fn parse_threshold(s: &str) -> Result<f64, String> {
    let v: f64 = s
        .trim_end_matches('%')
        .parse()
        .map_err(|_| format!("`{s}` is not a number; give a percentage from 0 to 100"))?;
    compare::check_threshold(v).map_err(|e| e.to_string())
}

fn bad_input(message: impl std::fmt::Display) -> ExitCode {
    eprintln!("error: {}", printable_lines(&message.to_string()));
    ExitCode::from(EXIT_BAD_INPUT)
}

/// Runs the command.
pub fn compare(args: &CompareArgs) -> ExitCode {
    let json = outputs::given(args.json.as_deref(), None, None, None);
    if let Err(e) = outputs::check_all(&json, &[&args.base, &args.new]) {
        return bad_input(e);
    }
    let (base, new) = match (load(&args.base), load(&args.new)) {
        (Ok(b), Ok(n)) => (b, n),
        (Err(e), _) | (_, Err(e)) => return bad_input(e),
    };
    let (base_name, new_name) = (shown_path(&args.base), shown_path(&args.new));
    let report = match compare::compare((&base_name, &base), (&new_name, &new), args.threshold) {
        Ok(r) => r,
        Err(e) => return bad_input(e),
    };
    print!("{}", render(&report));
    if let Some(path) = &args.json {
        if let Err(e) = write_json(&report, path) {
            eprintln!("error: {}", printable_lines(&e));
            return ExitCode::from(EXIT_OUTPUT_FAILED);
        }
        eprintln!("written: {}", printable(&path.display().to_string()));
    }
    if args.fail_on_regression && report.regressions > 0 {
        ExitCode::from(EXIT_RUN_FAILED)
    } else {
        ExitCode::SUCCESS
    }
}

fn load(path: &Path) -> Result<Results, String> {
    Results::load_json(path).map_err(|e| e.to_string())
}

fn shown_path(path: &Path) -> String {
    path.display().to_string()
}

/// Writes the report as pretty JSON through the same atomic writer as `parlab run --json`.
fn write_json(report: &Report, path: &Path) -> Result<(), String> {
    let text = serde_json::to_string_pretty(report)
        .map_err(|e| format!("cannot write the comparison as JSON: {e}"))?;
    parlab::fsutil::write_output(path, text.as_bytes()).map_err(|e| {
        format!(
            "cannot write the comparison to {}: {e}",
            printable(&path.display().to_string())
        )
    })
}

/// The comparison as text: both files and their machines, a warning when the machines
/// differ, one row per matched run, then the notes (matches by configuration, pairs without
/// a ratio or a verdict, runs only in one file, regressions).
pub fn render(report: &Report) -> String {
    let mut out = String::new();
    for (name, side) in [("BASE", &report.base), ("NEW", &report.new)] {
        out.push_str(&file_lines(name, side));
    }
    for w in &report.warnings {
        out.push_str(&format!("warning: {}\n", printable(w)));
    }
    out.push('\n');
    out.push_str(&table(report));
    let notes = notes(report);
    if !notes.is_empty() {
        out.push('\n');
        for n in notes {
            out.push_str(&n);
            out.push('\n');
        }
    }
    out
}

/// `BASE  base.json (parlab 0.1.0, 2026-11-25T15:22:09Z, 5 repetitions)` and its machine.
fn file_lines(name: &str, side: &FileSide) -> String {
    let mut facts = vec![format!("parlab {}", printable(&side.parlab_version))];
    if !side.created_utc.is_empty() {
        facts.push(printable(&side.created_utc).into_owned());
    }
    facts.push(match side.repetitions {
        Some(1) => "1 repetition".to_string(),
        Some(n) => format!("{n} repetitions"),
        None => "from before repetitions".to_string(),
    });
    format!(
        "{name:<4}  {} ({})\n      on {}\n",
        printable(&side.file),
        facts.join(", "),
        compare::host_line(&side.host)
    )
}

const HEADER: [&str; 7] = [
    "run",
    "BASE tasks/s",
    "NEW tasks/s",
    "reps",
    "NEW/BASE",
    "95 % CI",
    "verdict",
];

fn table(report: &Report) -> String {
    let header: Vec<String> = HEADER.iter().map(|h| h.to_string()).collect();
    let rows: Vec<Vec<String>> = report
        .runs
        .iter()
        .map(|p| row(p, report.threshold_pct))
        .collect();
    // The label and the verdict are words: aligned left.
    summary::layout(&header, &rows, |c| c == 0 || c == HEADER.len() - 1)
}

fn row(p: &RunPair, threshold_pct: f64) -> Vec<String> {
    let span = match (p.ci_low, p.ci_high) {
        (Some(lo), Some(hi)) => interval(lo, hi),
        _ => "-".to_string(),
    };
    // The ratio with as many decimals as its interval needs (0.995 must not read 1.00).
    let decimals = span
        .split('–')
        .next()
        .and_then(|lo| lo.split_once('.'))
        .map_or(2, |(_, frac)| frac.len());
    let verdict = match (p.verdict, p.ratio) {
        (Some(v), _) if p.regression => format!("{v}, beyond {threshold_pct} %"),
        (Some(v), _) => v.to_string(),
        (None, Some(_)) => "no verdict".to_string(),
        (None, None) if p.regression => "not compared, failed in NEW".to_string(),
        (None, None) => "not compared".to_string(),
    };
    vec![
        printable(&p.label).into_owned(),
        throughput(&p.base),
        throughput(&p.new),
        format!("{} / {}", samples(&p.base), samples(&p.new)),
        p.ratio.map_or("-".into(), |r| format!("{r:.decimals$}")),
        span,
        verdict,
    ]
}

fn samples(side: &RunSide) -> usize {
    side.throughput_per_sec.map_or(0, |s| s.n)
}

fn throughput(side: &RunSide) -> String {
    side.throughput_per_sec
        .as_ref()
        .map_or_else(|| "-".to_string(), |s: &Summary| value_with_interval(s, ""))
}

/// The lines after the table.
fn notes(report: &Report) -> Vec<String> {
    let mut notes = Vec::new();
    for p in &report.runs {
        if p.matched_by == MatchedBy::Configuration {
            notes.push(format!(
                "{}: matched by configuration with BASE's {} ({} ×{})",
                printable(&p.label),
                printable(&p.base.label),
                p.base.model,
                p.base.workers
            ));
        }
        if p.ratio.is_none() {
            notes.push(printable(&p.sentence).into_owned());
        }
    }
    if report
        .runs
        .iter()
        .any(|p| p.ratio.is_some() && p.verdict.is_none())
    {
        notes.push(format!(
            "no verdict where a side has fewer than {MIN_VERDICT_SAMPLES} repetitions (one \
             repetition gives no interval at all; a file from before repetitions counts as one)"
        ));
    }
    for (name, labels) in [("BASE", &report.only_in_base), ("NEW", &report.only_in_new)] {
        if !labels.is_empty() {
            let labels: Vec<String> = labels.iter().map(|l| printable(l).into()).collect();
            notes.push(format!("only in {name}: {}", labels.join(", ")));
        }
    }
    for p in report.runs.iter().filter(|p| p.regression) {
        notes.push(format!("regression: {}", printable(&p.sentence)));
    }
    notes
}
