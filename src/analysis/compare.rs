//! `parlab compare`'s engine: two results files, BASE and NEW, their runs matched and each
//! pair judged by the ratio of throughputs NEW/BASE with its 95 % interval. The command line
//! prints it and writes it as JSON (`parlab-compare/1`, see [`SCHEMA`]); the app can show the
//! same [`Report`].
//!
//! - Matching ([`match_runs`]): first by label, then the runs left over by configuration
//!   (model, workers and workload all equal). Runs matched neither way are listed as only in
//!   one file.
//! - Samples: each run's per-repetition throughputs (completed repetitions only); a run from
//!   before repetitions counts as one sample (its throughput), which gives a ratio but no
//!   interval and no verdict.
//! - The ratio is [`stats::ratio`] with [`Pairing::Unpaired`] (Welch on log throughput): the
//!   two files ran at different times, so their rounds do not pair. The verdict is
//!   [`stats::Ratio::against_threshold`], a regression [`stats::Ratio::is_regression`].

use crate::format::printable;
use crate::results::{Host, Results, RunResult, RunStatus};
use crate::stats::{self, CompareVerdict, Pairing, Summary};
use serde::{Deserialize, Serialize};

mod hosts;

pub use hosts::{host_line, hosts_differ};

/// The schema tag of a comparison written as JSON.
pub const SCHEMA: &str = "parlab-compare/1";

/// The default threshold in percent: changes whose whole interval lies within ±5 % are
/// `within noise`.
pub const DEFAULT_THRESHOLD_PCT: f64 = 5.0;

/// The comparison of two results files.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Report {
    /// Always [`SCHEMA`].
    pub schema: String,
    /// The parlab that compared.
    pub parlab_version: String,
    /// Changes within ±this many percent count as `within noise`.
    pub threshold_pct: f64,
    /// The baseline file.
    pub base: FileSide,
    /// The file compared with it.
    pub new: FileSide,
    /// Whether the two files were measured on different machines (CPU model or logical CPUs).
    pub hosts_differ: bool,
    /// Why the ratios may mislead (different hosts), as sentences.
    pub warnings: Vec<String>,
    /// One entry per pair of matched runs, in BASE's order.
    pub runs: Vec<RunPair>,
    /// Labels of BASE's runs that match none in NEW.
    pub only_in_base: Vec<String>,
    /// Labels of NEW's runs that match none in BASE.
    pub only_in_new: Vec<String>,
    /// How many pairs are regressions (significantly slower beyond the threshold, or failed
    /// in NEW only).
    pub regressions: usize,
}

/// What a comparison records of one results file.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FileSide {
    /// The path as given.
    pub file: String,
    /// The parlab that measured it.
    pub parlab_version: String,
    /// When it was measured (empty for old files).
    pub created_utc: String,
    /// Repetitions asked for (null for files from before repetitions).
    pub repetitions: Option<usize>,
    /// The machine it was measured on, every field of the results' `host`.
    pub host: Host,
}

/// How two runs were matched.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum MatchedBy {
    /// The same label.
    Label,
    /// The same model, workers and workload under different labels.
    Configuration,
}

/// One side of a matched pair.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RunSide {
    /// The run's label in its file.
    pub label: String,
    /// Its execution model.
    pub model: crate::model::Model,
    /// Its worker count.
    pub workers: usize,
    /// How it ended.
    pub status: RunStatus,
    /// Its throughput samples (tasks/s; completed repetitions, or the one throughput of a run
    /// from before repetitions) summarised as in the results' `stats`: `n`, `mean`, `sd`,
    /// `ci_low`, `ci_high`. Null when it has none (failed, or no repetition completed).
    pub throughput_per_sec: Option<Summary>,
}

/// Two matched runs and what their throughputs say.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RunPair {
    /// The run's label in NEW (what the user reads).
    pub label: String,
    /// How the two runs were matched.
    pub matched_by: MatchedBy,
    /// The baseline run.
    pub base: RunSide,
    /// The new run.
    pub new: RunSide,
    /// NEW/BASE mean throughput (on the log scale); null when a side has no sample.
    pub ratio: Option<f64>,
    /// Lower end of the ratio's 95 % interval; null with one sample on a side.
    pub ci_low: Option<f64>,
    /// Upper end of that interval.
    pub ci_high: Option<f64>,
    /// `faster`, `slower`, `no change` or `within noise`; null when no verdict is claimed
    /// (fewer than 3 samples on a side, or no ratio).
    pub verdict: Option<CompareVerdict>,
    /// True for a regression: significantly slower by more than the threshold, or failed in
    /// NEW where BASE completed.
    pub regression: bool,
    /// The pair as a sentence.
    pub sentence: String,
}

/// Why two files cannot be compared.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum CompareError {
    /// The threshold is not a percentage from 0 to 100.
    #[error("the threshold must be a percentage from 0 to 100, got {0}")]
    Threshold(f64),
    /// No run of one file matches a run of the other.
    #[error(
        "{base} and {new} have no run in common (runs are matched by label, then by model, \
         workers and workload); {base} has {base_runs}, {new} has {new_runs}"
    )]
    NothingInCommon {
        /// BASE's path.
        base: String,
        /// NEW's path.
        new: String,
        /// BASE's run labels, listed.
        base_runs: String,
        /// NEW's run labels, listed.
        new_runs: String,
    },
}

/// Checks a threshold: a finite percentage from 0 to 100.
pub fn check_threshold(pct: f64) -> Result<f64, CompareError> {
    if pct.is_finite() && (0.0..=100.0).contains(&pct) {
        Ok(pct)
    } else {
        Err(CompareError::Threshold(pct))
    }
}

/// Compares NEW with BASE, each given as (the name to show for it, its results).
pub fn compare(
    base: (&str, &Results),
    new: (&str, &Results),
    threshold_pct: f64,
) -> Result<Report, CompareError> {
    let threshold_pct = check_threshold(threshold_pct)?;
    let matching = match_runs(&base.1.runs, &new.1.runs);
    if matching.pairs.is_empty() {
        return Err(nothing_in_common(base, new));
    }
    let runs: Vec<RunPair> = matching
        .pairs
        .iter()
        .map(|&(b, n, by)| judge(&base.1.runs[b], &new.1.runs[n], by, threshold_pct))
        .collect();
    let labels = |rs: &[RunResult], idx: Vec<usize>| -> Vec<String> {
        idx.into_iter().map(|i| rs[i].label.clone()).collect()
    };
    let differ = hosts_differ(&base.1.host, &new.1.host);
    Ok(Report {
        schema: SCHEMA.to_string(),
        parlab_version: env!("CARGO_PKG_VERSION").to_string(),
        threshold_pct,
        base: file_side(base),
        new: file_side(new),
        hosts_differ: differ,
        warnings: hosts::warnings(&base.1.host, &new.1.host),
        regressions: runs.iter().filter(|r| r.regression).count(),
        runs,
        only_in_base: labels(&base.1.runs, matching.only_in_base),
        only_in_new: labels(&new.1.runs, matching.only_in_new),
    })
}

fn file_side((file, results): (&str, &Results)) -> FileSide {
    FileSide {
        file: file.to_string(),
        parlab_version: results.parlab_version.clone(),
        created_utc: results.created_utc.clone(),
        repetitions: results.repetitions,
        host: results.host.clone(),
    }
}

fn nothing_in_common(base: (&str, &Results), new: (&str, &Results)) -> CompareError {
    let list = |r: &Results| -> String {
        if r.runs.is_empty() {
            return "no runs".to_string();
        }
        let labels: Vec<String> = r.runs.iter().map(|r| printable(&r.label).into()).collect();
        labels.join(", ")
    };
    CompareError::NothingInCommon {
        base: base.0.to_string(),
        new: new.0.to_string(),
        base_runs: list(base.1),
        new_runs: list(new.1),
    }
}

/// A matched pair: (BASE's index, NEW's index, how).
pub type Pair = (usize, usize, MatchedBy);

/// How the runs of two files match.
#[derive(Debug, Clone, PartialEq)]
pub struct Matching {
    /// The matched pairs, in BASE's order.
    pub pairs: Vec<Pair>,
    /// Indices of BASE's runs matched by none of NEW's.
    pub only_in_base: Vec<usize>,
    /// Indices of NEW's runs matched by none of BASE's.
    pub only_in_new: Vec<usize>,
}

/// Whether two runs match by one rule.
type Rule = fn(&RunResult, &RunResult) -> bool;

/// Matches the runs: labels first (each run used once, the first unused run with the label),
/// then the rest by configuration.
pub fn match_runs(base: &[RunResult], new: &[RunResult]) -> Matching {
    let mut base_free: Vec<bool> = vec![true; base.len()];
    let mut new_free: Vec<bool> = vec![true; new.len()];
    let mut pairs = Vec::new();
    let rules: [(MatchedBy, Rule); 2] = [
        (MatchedBy::Label, |a, b| a.label == b.label),
        (MatchedBy::Configuration, same_configuration),
    ];
    for (by, same) in rules {
        for (b, run) in base.iter().enumerate() {
            if !base_free[b] {
                continue;
            }
            if let Some(n) = (0..new.len()).find(|&n| new_free[n] && same(run, &new[n])) {
                base_free[b] = false;
                new_free[n] = false;
                pairs.push((b, n, by));
            }
        }
    }
    pairs.sort_by_key(|&(b, _, _)| b);
    let left = |free: Vec<bool>| (0..free.len()).filter(|&i| free[i]).collect();
    Matching {
        pairs,
        only_in_base: left(base_free),
        only_in_new: left(new_free),
    }
}

/// Same model (and `chunk`), workers and workload (compared as JSON, as the results store
/// them).
pub fn same_configuration(a: &RunResult, b: &RunResult) -> bool {
    a.same_model(b)
        && a.workers == b.workers
        && serde_json::to_value(&a.workload).ok() == serde_json::to_value(&b.workload).ok()
}

/// The throughput samples of a run: its completed repetitions, or for a run from before
/// repetitions its one throughput; none for a run that failed or stalled.
pub fn samples(run: &RunResult) -> Vec<f64> {
    if run.status.is_failure() {
        return Vec::new();
    }
    if run.repetitions.is_empty() {
        return vec![run.throughput_per_sec];
    }
    run.repetitions
        .iter()
        .filter(|r| r.status == RunStatus::Completed)
        .map(|r| r.throughput_per_sec)
        .collect()
}

fn run_side(run: &RunResult, samples: &[f64]) -> RunSide {
    RunSide {
        label: run.label.clone(),
        model: run.model,
        workers: run.workers,
        status: run.status,
        throughput_per_sec: Summary::of(samples),
    }
}

/// Every run of `new` matched with its run in `base` and judged against it (the app's
/// baseline uses this, as `parlab compare` does for two files).
pub fn judge_runs(base: &[RunResult], new: &[RunResult], threshold_pct: f64) -> Vec<RunPair> {
    match_runs(base, new)
        .pairs
        .iter()
        .map(|&(b, n, by)| judge(&base[b], &new[n], by, threshold_pct))
        .collect()
}

/// Judges one pair: the ratio NEW/BASE, its verdict, whether it is a regression, a sentence.
fn judge(base: &RunResult, new: &RunResult, by: MatchedBy, threshold_pct: f64) -> RunPair {
    let (bs, ns) = (samples(base), samples(new));
    let ratio = stats::ratio(&ns, &bs, Pairing::Unpaired);
    let failed_in_new = new.status.is_failure() && !base.status.is_failure();
    let sentence = match &ratio {
        Some(r) => stats::sentence::compare_sentence(&new.label, r, threshold_pct),
        None => no_ratio_sentence(base, new),
    };
    RunPair {
        label: new.label.clone(),
        matched_by: by,
        base: run_side(base, &bs),
        new: run_side(new, &ns),
        ratio: ratio.map(|r| r.ratio),
        ci_low: ratio.and_then(|r| r.ci_low),
        ci_high: ratio.and_then(|r| r.ci_high),
        verdict: ratio.and_then(|r| r.against_threshold(threshold_pct)),
        regression: failed_in_new || ratio.is_some_and(|r| r.is_regression(threshold_pct)),
        sentence,
    }
}

/// Why a pair has no ratio: a side failed, or has no completed repetition or no throughput.
fn no_ratio_sentence(base: &RunResult, new: &RunResult) -> String {
    let why = |side: &str, r: &RunResult| -> Option<String> {
        if r.status.is_failure() {
            Some(format!("it {} in {side}", r.status))
        } else if samples(r).iter().all(|&t| !(t.is_finite() && t > 0.0)) {
            Some(format!("it completed no task in {side}"))
        } else {
            None
        }
    };
    let reasons = match (why("BASE", base), why("NEW", new)) {
        (Some(_), Some(_)) if base.status == new.status && base.status.is_failure() => {
            format!("it {} in both files", new.status)
        }
        (Some(b), Some(n)) => format!("{b} and {n}"),
        (Some(one), None) | (None, Some(one)) => one,
        (None, None) => "its throughputs cannot be compared".to_string(),
    };
    format!("{}: not compared: {reasons}", printable(&new.label))
}

#[cfg(test)]
mod tests;
