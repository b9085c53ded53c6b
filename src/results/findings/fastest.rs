//! `fastest`: for each workload and worker count run under several models, which model gave
//! the most throughput, by how much over the next best, and whether that is significant.

use super::measure::{Facts, measured};
use super::{Finding, Severity};
use crate::results::RunResult;

/// One finding per workload and worker count with at least two models.
pub fn find(facts: &Facts) -> Vec<Finding> {
    let mut groups: Vec<Vec<&RunResult>> = Vec::new();
    for run in facts.runs.iter().filter(|r| measured(r)) {
        match groups
            .iter_mut()
            .find(|g| g[0].workload == run.workload && g[0].workers == run.workers)
        {
            Some(g) => {
                g.retain(|r| r.model != run.model);
                g.push(run);
            }
            None => groups.push(vec![run]),
        }
    }
    groups
        .into_iter()
        .filter(|g| g.len() >= 2)
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
            format!("{} was fastest for {work}", best.model),
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
