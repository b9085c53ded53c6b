use super::*;
use crate::results::{Repetition, RepetitionLatency};

fn golden() -> Results {
    let text = include_str!("../../../tests/golden/results-v1.json");
    Results::from_json(text, "results-v1.json").expect("golden results")
}

/// The golden `cpu` run with one completed repetition per throughput.
fn run_with(label: &str, throughputs: &[f64]) -> RunResult {
    let mut run = golden().runs[0].clone();
    run.label = label.to_string();
    run.repetitions = throughputs
        .iter()
        .enumerate()
        .map(|(i, &t)| Repetition {
            round: i,
            position: 0,
            wall_seconds: 1.0,
            tasks_completed: t as u64,
            throughput_per_sec: t,
            latency_us: RepetitionLatency { p50: 1.0, p99: 2.0 },
            overhead_per_task_us: None,
            foreign_cpu_cores: None,
            status: RunStatus::Completed,
        })
        .collect();
    run
}

fn results(runs: Vec<RunResult>) -> Results {
    Results { runs, ..golden() }
}

fn one_pair(base: &[f64], new: &[f64], threshold: f64) -> RunPair {
    let (b, n) = (
        results(vec![run_with("r", base)]),
        results(vec![run_with("r", new)]),
    );
    let mut report = compare(("b.json", &b), ("n.json", &n), threshold).expect("comparable");
    report.runs.remove(0)
}

const BASE: [f64; 5] = [1000.0, 1010.0, 990.0, 1005.0, 995.0];

#[test]
fn verdicts_follow_the_interval_and_the_threshold() {
    let scaled = |f: f64| BASE.map(|x| x * f);
    let faster = one_pair(&BASE, &scaled(1.2), 5.0);
    assert_eq!(faster.verdict, Some(CompareVerdict::Faster), "{faster:?}");
    assert!(!faster.regression);
    let slower = one_pair(&BASE, &scaled(0.8), 5.0);
    assert_eq!(slower.verdict, Some(CompareVerdict::Slower));
    assert!(slower.regression, "20 % slower is beyond 5 %");
    // 2 % slower, significantly, but the interval lies inside ±5 %.
    let small = one_pair(&BASE, &scaled(0.98), 5.0);
    assert_eq!(small.verdict, Some(CompareVerdict::WithinNoise));
    assert!(!small.regression);
    // Significantly slower by about 2 %, and a 0.5 % threshold: slower and a regression.
    let tight = one_pair(&BASE, &scaled(0.98), 0.5);
    assert_eq!(tight.verdict, Some(CompareVerdict::Slower));
    assert!(tight.regression);
    // 5 % slower (interval about 0.94–0.96): slower, but not by more than 5 % for sure.
    let edge = one_pair(&BASE, &scaled(0.95), 5.0);
    assert_eq!(edge.verdict, Some(CompareVerdict::Slower));
    assert!(!edge.regression);
    // Wide spread: the interval holds 1 and reaches past ±5 %.
    let noisy = one_pair(&BASE, &[700.0, 1300.0, 900.0, 1200.0, 950.0], 5.0);
    assert_eq!(noisy.verdict, Some(CompareVerdict::NoChange));
    assert!(!noisy.regression);
}

#[test]
fn a_side_without_repetitions_counts_as_one_sample_and_gets_no_verdict() {
    let mut old = golden().runs[0].clone();
    old.label = "r".into();
    let b = results(vec![old.clone()]);
    let n = results(vec![run_with("r", &BASE.map(|x| x * 0.5))]);
    let report = compare(("b", &b), ("n", &n), 5.0).unwrap();
    let pair = &report.runs[0];
    let base = pair.base.throughput_per_sec.expect("one sample");
    assert_eq!((base.n, base.mean), (1, old.throughput_per_sec));
    assert_eq!(pair.new.throughput_per_sec.map(|s| s.n), Some(5));
    assert!(pair.ratio.is_some());
    assert_eq!(
        (pair.ci_low, pair.verdict, pair.regression),
        (None, None, false)
    );
    assert!(
        pair.sentence.contains("too few repetitions"),
        "{}",
        pair.sentence
    );
}

#[test]
fn runs_match_by_label_first_then_by_configuration() {
    let g = golden();
    let (cpu, race, copy) = (g.runs[0].clone(), g.runs[1].clone(), g.runs[2].clone());
    let renamed = |r: &RunResult, l: &str| RunResult {
        label: l.into(),
        ..r.clone()
    };
    // NEW: `race` under its label, `cpu`'s configuration renamed, a run of its own.
    let base = vec![cpu.clone(), race.clone(), copy.clone()];
    let mut other = renamed(&copy, "extra");
    other.workers = 7;
    let new = vec![other, renamed(&cpu, "cpu again"), race.clone()];
    let m = match_runs(&base, &new);
    assert_eq!(
        m.pairs,
        vec![(0, 1, MatchedBy::Configuration), (1, 2, MatchedBy::Label)]
    );
    assert_eq!((m.only_in_base, m.only_in_new), (vec![2], vec![0]));
    // A label wins over a configuration: `race` relabelled `cpu` pairs with `cpu`.
    let swapped = vec![renamed(&race, "cpu"), renamed(&cpu, "race")];
    let pairs = match_runs(&base[..2], &swapped).pairs;
    assert_eq!(
        pairs,
        vec![(0, 0, MatchedBy::Label), (1, 1, MatchedBy::Label)]
    );
}

#[test]
fn files_without_a_run_in_common_are_refused_with_their_labels() {
    let g = golden();
    let mut other = g.runs[0].clone();
    other.label = "lonely".into();
    other.workers = 9;
    let new = results(vec![other]);
    let err = compare(("b.json", &g), ("n.json", &new), 5.0).unwrap_err();
    let text = err.to_string();
    assert!(text.contains("no run in common"), "{text}");
    assert!(
        text.contains("b.json has cpu, race, copy, =fails"),
        "{text}"
    );
    assert!(text.contains("n.json has lonely"), "{text}");
}

#[test]
fn thresholds_outside_0_to_100_are_refused() {
    for bad in [-1.0, 100.5, f64::NAN, f64::INFINITY] {
        assert!(check_threshold(bad).is_err(), "{bad}");
    }
    for good in [0.0, 5.0, 100.0] {
        assert_eq!(check_threshold(good), Ok(good));
    }
    let g = golden();
    assert!(matches!(
        compare(("a", &g), ("b", &g), 101.0),
        Err(CompareError::Threshold(_))
    ));
}

#[test]
fn a_run_failing_only_in_new_is_a_regression_without_a_ratio() {
    let g = golden();
    let mut failed = g.runs[0].clone();
    failed.status = RunStatus::Failed;
    let new = results(vec![failed]);
    let report = compare(("b", &g), ("n", &new), 5.0).unwrap();
    let pair = &report.runs[0];
    assert_eq!((pair.ratio, pair.regression), (None, true));
    assert_eq!(report.regressions, 1);
    assert_eq!(pair.sentence, "cpu: not compared: it failed in NEW");
    // `=fails` failed on both sides: listed, no ratio, not a regression.
    let both = compare(("b", &g), ("n", &g), 5.0).unwrap();
    let fails = both.runs.iter().find(|p| p.label == "=fails").unwrap();
    assert_eq!((fails.ratio, fails.regression), (None, false));
    assert_eq!(
        fails.sentence,
        "=fails: not compared: it failed in both files"
    );
}

#[test]
fn different_hosts_are_warned_about_and_every_host_field_is_shown() {
    let g = golden();
    let mut other = g.clone();
    other.host.logical_cpus = 8;
    let report = compare(("b", &g), ("n", &other), 5.0).unwrap();
    assert!(report.hosts_differ);
    assert!(report.warnings[0].contains("BASE: AMD EPYC, 2 logical CPUs"));
    assert!(report.warnings[0].contains("NEW: AMD EPYC, 8 logical CPUs"));
    let same = compare(("b", &g), ("n", &g), 5.0).unwrap();
    assert!(!same.hosts_differ && same.warnings.is_empty());
    assert_eq!(
        host_line(&g.host),
        "AMD EPYC, 2 logical CPUs, Linux (Debian GNU/Linux 12)"
    );
}
