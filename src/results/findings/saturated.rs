//! `saturated`: an open-load model (`arrival_rate`) could not keep up: it completed less than
//! 95 % of the arrivals that came (`arrived_rate`), or its queue kept growing. Named at the
//! lowest rate where that happened, with the response p99 it reached there and the highest
//! rate it still served, which brackets its capacity.

use super::measure::{duration, measured};
use super::{Facts, Finding, Severity};
use crate::format::si;
use crate::profile::arrivals::rate_label;
use crate::results::RunResult;
use crate::results::open::OpenFigures;

/// One finding per model, workload and worker count (swept over arrival rates) that
/// saturated at some rate.
pub fn find(facts: &Facts) -> Vec<Finding> {
    let mut groups: Vec<Vec<&RunResult>> = Vec::new();
    let same = |a: &RunResult, b: &RunResult| {
        let arrivals = |r: &RunResult| r.open.as_ref().map(|o| o.load.arrivals);
        a.same_model(b)
            && a.workers == b.workers
            && a.workload == b.workload
            && arrivals(a) == arrivals(b)
    };
    for run in facts
        .runs
        .iter()
        .filter(|r| measured(r) && r.open.is_some())
    {
        match groups.iter_mut().find(|g| same(g[0], run)) {
            Some(g) => {
                g.retain(|r| offered(r) != offered(run));
                g.push(run);
            }
            None => groups.push(vec![run]),
        }
    }
    groups
        .into_iter()
        .filter_map(|mut g| {
            g.sort_by(|a, b| offered(a).total_cmp(&offered(b)));
            one(&g)
        })
        .collect()
}

fn offered(run: &RunResult) -> f64 {
    run.open.as_ref().map_or(0.0, |o| o.offered_rate)
}

fn figures(run: &RunResult) -> Option<&OpenFigures> {
    run.open.as_ref()
}

/// The finding of one sweep over rates (by increasing offered rate), if it saturated.
fn one(sweep: &[&RunResult]) -> Option<Finding> {
    let at = sweep
        .iter()
        .position(|r| figures(r).is_some_and(|o| o.saturated))?;
    let run = sweep[at];
    let o = figures(run)?;
    let kept_up = sweep[..at].last().copied();
    let who = format!("{} ×{}", run.model_name(), run.workers);
    let rate = rate_label(o.offered_rate);
    let share = o.achieved_rate / o.arrived();
    // Poisson arrivals: say what came when chance made it differ from what was asked.
    let came = if (o.arrived() / o.offered_rate - 1.0).abs() > 0.01 {
        format!(" ({}/s arrived)", si(o.arrived()))
    } else {
        String::new()
    };
    let mut text = format!(
        "At {rate} offered{came}, {} ({} workers, {} tasks) completed {}/s ({:.0} % of the \
         arrivals) and its response p99 reached {}: tasks waited in a queue for a free worker.",
        run.label,
        run.workers,
        run.workload.kind(),
        si(o.achieved_rate),
        share * 100.0,
        duration(o.response_us.p99)
    );
    match kept_up.and_then(figures) {
        Some(k) => text.push_str(&format!(
            " At {} it kept up (response p99 {}): its capacity lies between the two.",
            rate_label(k.offered_rate),
            duration(k.response_us.p99)
        )),
        None => text.push_str(
            " It saturated at the lowest rate tried: lower rates would find its capacity.",
        ),
    }
    let mut f = Finding::new(
        "saturated",
        Severity::Notice,
        format!("{who} saturated at {rate}"),
        text,
    )
    .figure("offered_rate", o.offered_rate)
    .figure("achieved_rate", o.achieved_rate)
    .figure("arrived_rate", o.arrived())
    .figure("response_p99_us", o.response_us.p99);
    let mut labels = vec![run.label.as_str()];
    if let Some(k) = kept_up.and_then(figures) {
        f = f.figure("kept_up_rate", k.offered_rate);
        labels.push(kept_up?.label.as_str());
    }
    Some(f.runs(labels))
}

#[cfg(test)]
mod tests {
    use crate::profile::{Model, Order};
    use crate::results::findings::findings;
    use crate::results::open::fixture::open_run;

    fn host() -> crate::results::Host {
        let text = include_str!("../../../tests/golden/results-v1.json");
        crate::results::Results::from_json(text, "golden")
            .expect("golden")
            .host
    }

    #[test]
    fn fires_where_a_model_fell_behind_the_offered_rate_and_names_the_rate() {
        let runs = vec![
            open_run(Model::ProcessPerTask, 200.0, 199.0, (6_000.0, 9_000.0)),
            open_run(Model::ProcessPerTask, 400.0, 398.0, (7_000.0, 13_000.0)),
            open_run(Model::ProcessPerTask, 600.0, 460.0, (255_000.0, 400_000.0)),
            open_run(Model::ProcessPerTask, 700.0, 455.0, (346_000.0, 600_000.0)),
            open_run(Model::Pool, 700.0, 699.0, (5_100.0, 6_000.0)),
        ];
        let found = findings(&runs, &host(), Order::Interleaved);
        let saturated: Vec<_> = found.iter().filter(|f| f.id == "saturated").collect();
        assert_eq!(saturated.len(), 1, "only process-per-task: {found:#?}");
        let f = saturated[0];
        assert_eq!(f.title, "process-per-task ×4 saturated at 600/s");
        assert!(f.text.contains("response p99 reached 400 ms"), "{}", f.text);
        assert!(f.text.contains("(response p99 13 ms)"), "{}", f.text);
        assert!(f.text.contains("At 400/s it kept up"), "{}", f.text);
        assert_eq!(f.evidence.figures["offered_rate"], 600.0);
        assert_eq!(f.evidence.figures["response_p99_us"], 400_000.0);
        assert_eq!(f.evidence.figures["kept_up_rate"], 400.0);
        assert_eq!(
            f.evidence.runs,
            ["process-per-task @600/s", "process-per-task @400/s"]
        );
    }

    #[test]
    fn does_not_fire_on_runs_that_kept_up() {
        let runs = vec![
            open_run(Model::Pool, 200.0, 200.0, (5_050.0, 5_600.0)),
            open_run(Model::Pool, 400.0, 399.0, (5_100.0, 6_000.0)),
            // 96 % of the offered rate with a short queue: not saturated.
            open_run(Model::Pool, 800.0, 768.0, (5_200.0, 8_000.0)),
        ];
        let found = findings(&runs, &host(), Order::Interleaved);
        assert!(found.iter().all(|f| f.id != "saturated"), "{found:#?}");
    }

    #[test]
    fn open_runs_are_compared_by_response_time_not_throughput() {
        // Same offered rate: the pool answered faster though process-per-task shows the
        // (barely) higher throughput; a closed-loop rule would have named it.
        let runs = vec![
            open_run(Model::ProcessPerTask, 400.0, 400.0, (7_000.0, 13_000.0)),
            open_run(Model::Pool, 400.0, 398.0, (5_100.0, 6_000.0)),
            // Another rate: not compared with the two above.
            open_run(Model::Threads, 600.0, 600.0, (5_000.0, 5_500.0)),
        ];
        let found = findings(&runs, &host(), Order::Interleaved);
        let fastest: Vec<_> = found.iter().filter(|f| f.id == "fastest").collect();
        assert_eq!(fastest.len(), 1, "{found:#?}");
        assert!(
            fastest[0].title.starts_with("pool answered fastest"),
            "{fastest:?}"
        );
        assert!(
            fastest[0]
                .evidence
                .figures
                .contains_key("response_p99_ratio")
        );
        assert!(!fastest[0].evidence.figures.contains_key("throughput_ratio"));
        // No throughput verdict either.
        let cmp = crate::results::verdicts::comparisons(&runs, Order::Interleaved);
        assert!(cmp.is_empty(), "{cmp:?}");
    }
}
