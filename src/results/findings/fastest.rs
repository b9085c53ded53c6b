//! `fastest`: for each workload and worker count run under several models, which model gave
//! the most throughput, by how much over the next best, and whether that is significant.
//! Open-load runs (`arrival_rate`) are not compared by throughput (the arrival rate sets it):
//! at the same offered rate, the model with the lowest response p99 answered fastest.

use super::measure::{Facts, UNTESTED_CHANGE, closed, duration, measured};
use super::{Finding, Severity};
use crate::profile::arrivals::rate_label;
use crate::results::RunResult;

/// One finding per workload and worker count with at least two models (closed loop), and
/// per workload, worker count and offered rate with at least two models (open load).
pub fn find(facts: &Facts) -> Vec<Finding> {
    let mut found = closed_loop(facts);
    found.extend(open_load(facts));
    found
}

/// `runs` in groups of the `same` comparison, one run per model (and `chunk`) in each (the
/// last one);
/// only groups of at least two models.
fn by_model<'a>(
    runs: impl Iterator<Item = &'a RunResult>,
    same: impl Fn(&RunResult, &RunResult) -> bool,
) -> Vec<Vec<&'a RunResult>> {
    let mut groups: Vec<Vec<&RunResult>> = Vec::new();
    for run in runs {
        match groups.iter_mut().find(|g| same(g[0], run)) {
            Some(g) => {
                g.retain(|r| !r.same_model(run));
                g.push(run);
            }
            None => groups.push(vec![run]),
        }
    }
    groups.retain(|g| g.len() >= 2);
    groups
}

fn closed_loop(facts: &Facts) -> Vec<Finding> {
    let runs = facts.runs.iter().filter(|r| measured(r) && closed(r));
    by_model(runs, |a, b| {
        a.workload == b.workload && a.workers == b.workers
    })
    .into_iter()
    .filter_map(|mut g| {
        g.sort_by(|a, b| b.throughput_per_sec.total_cmp(&a.throughput_per_sec));
        one(facts, &g)
    })
    .collect()
}

fn one(facts: &Facts, group: &[&RunResult]) -> Option<Finding> {
    let (best, second) = (group[0], group[1]);
    let change = facts.change(best, second)?;
    let work = format!("{} with {} workers", best.workload.kind(), best.workers);
    let (title, text, severity) = if change.gain() {
        let how = if change.tested() {
            "significant"
        } else {
            "a large difference, but not tested"
        };
        (
            format!("{} was fastest for {work}", best.model_name()),
            format!(
                "For {work}, {} gave the most throughput: {} that of {}, the next best ({how}).",
                best.label,
                change.describe(),
                second.label
            ),
            Severity::Info,
        )
    } else if change.tested() {
        (
            format!("no model was significantly fastest for {work}"),
            format!(
                "For {work}, {} and {} differ by {}, which is not significant.",
                best.label,
                second.label,
                change.describe()
            ),
            Severity::Info,
        )
    } else {
        return None; // too few repetitions to say which is faster, and no large gap
    };
    let f = Finding::new("fastest", severity, title, text)
        .runs(group.iter().map(|r| r.label.as_str()))
        .figure("throughput_per_sec", best.throughput_per_sec);
    Some(change.add_to(f, "throughput_ratio"))
}

/// The response p99 of an open run (µs).
fn response_p99(run: &RunResult) -> Option<f64> {
    run.open
        .as_ref()
        .map(|o| o.response_us.p99)
        .filter(|v| *v > 0.0)
}

/// Open runs of one workload, worker count and offered rate under several models, by their
/// response p99: the fastest named when the next best's is at least [`UNTESTED_CHANGE`]
/// times higher (percentiles of merged histograms have no interval to test).
fn open_load(facts: &Facts) -> Vec<Finding> {
    let same = |a: &RunResult, b: &RunResult| {
        let rate = |r: &RunResult| r.open.as_ref().map(|o| (o.offered_rate, o.load.arrivals));
        a.workload == b.workload && a.workers == b.workers && rate(a) == rate(b)
    };
    let runs = facts
        .runs
        .iter()
        .filter(|r| measured(r) && response_p99(r).is_some());
    by_model(runs, same)
        .into_iter()
        .filter_map(|mut g| {
            let p99 = |r: &RunResult| response_p99(r).unwrap_or(f64::INFINITY);
            g.sort_by(|a, b| p99(a).total_cmp(&p99(b)));
            one_open(&g)
        })
        .collect()
}

fn one_open(group: &[&RunResult]) -> Option<Finding> {
    let (best, second) = (group[0], group[1]);
    let (b, s) = (response_p99(best)?, response_p99(second)?);
    let ratio = s / b;
    if ratio < UNTESTED_CHANGE {
        return None;
    }
    let rate = rate_label(best.open.as_ref()?.offered_rate);
    let work = format!(
        "{} with {} workers at {rate}",
        best.workload.kind(),
        best.workers
    );
    let text = format!(
        "At {rate} offered, {} answered with a response p99 of {} against {} for {}, the \
         next best ({ratio:.2}×). Response times are compared, not throughput: the arrival \
         rate sets an open run's throughput. Percentiles have no interval, so only a gap of \
         {:.0} % or more is claimed.",
        best.label,
        duration(b),
        duration(s),
        second.label,
        (UNTESTED_CHANGE - 1.0) * 100.0
    );
    let f = Finding::new(
        "fastest",
        Severity::Info,
        format!("{} answered fastest for {work}", best.model_name()),
        text,
    )
    .runs(group.iter().map(|r| r.label.as_str()))
    .figure("response_p99_us", b)
    .figure("response_p99_ratio", ratio);
    Some(f)
}
