//! Open-model load (`arrival_rate`): the latency–throughput curve capacity planners read
//! (response time against the achieved rate, one line per model, workers and workload swept
//! over arrival rates) and the queue length over time.

use super::{
    Axis, ChartData, ChartRun, LegendAt, Markers, Scale, Series, TickFormat, Weight, headroom,
    log_axis_range, markers_for, max_of,
};
use crate::analysis::downsample;
use crate::profile::arrivals::rate_label;
use crate::results::{RunResult, RunStatus};

/// What the load charts say when no run had an open load.
pub const NO_OPEN_RUNS: &str = "No open-load runs: set arrival_rate in a run (tasks per second; a \
     list such as [200, 400, 800] draws a curve per model) or choose \"fixed arrival rate\" in \
     the editor.";

/// One curve: the runs of one model, worker count, workload and arrival spacing (and
/// origin), which differ only in their arrival rate, by increasing offered rate; or the
/// running run's point so far, alone, in its own colour.
struct Curve<'a> {
    name: String,
    runs: Vec<&'a RunResult>,
    /// The run's colour for a running run's point; `None`: the curve's number.
    color: Option<u64>,
}

/// The open runs of `runs` that completed, or are running (their figures so far), with
/// something to plot.
fn plotted<'a>(run: &'a ChartRun<'a>) -> Option<&'a RunResult> {
    let r = run.result;
    let open = r.open.as_ref()?;
    let shown = matches!(r.status, RunStatus::Completed | RunStatus::Running);
    (shown && open.achieved_rate > 0.0 && open.response_us.p50 > 0.0).then_some(r)
}

/// The curves of `runs`: grouped by what the runs share besides the rate; a rate run twice
/// counts once (the last run).
fn curves<'a>(runs: &'a [ChartRun<'a>]) -> Vec<Curve<'a>> {
    type Key = (Option<String>, String, usize, String, String);
    let key = |c: &ChartRun, r: &RunResult| -> Key {
        let open = r.open.as_ref().map(|o| format!("{:?}", o.load.arrivals));
        let workload = serde_json::to_string(&r.workload).unwrap_or_default();
        let origin = c.origin.map(str::to_string);
        (
            origin,
            r.model.to_string(),
            r.workers,
            workload,
            open.unwrap_or_default(),
        )
    };
    let mut groups: Vec<(Key, Vec<&RunResult>)> = Vec::new();
    let mut running = Vec::new();
    for c in runs {
        let Some(r) = plotted(c) else { continue };
        if r.status == RunStatus::Running {
            // Named as in the other charts ("… (running)"), apart from the finished curves.
            running.push(Curve {
                name: c.name.to_string(),
                runs: vec![r],
                color: Some(c.color),
            });
            continue;
        }
        let k = key(c, r);
        match groups.iter_mut().find(|g| g.0 == k) {
            Some(g) => {
                g.1.retain(|o| offered(o) != offered(r));
                g.1.push(r);
            }
            None => groups.push((k, vec![r])),
        }
    }
    let mut origins: Vec<&Option<String>> = Vec::new();
    for g in &groups {
        if !origins.contains(&&g.0.0) {
            origins.push(&g.0.0);
        }
    }
    let several = origins.len() > 1;
    groups
        .into_iter()
        .map(|((origin, ..), mut runs)| {
            runs.sort_by(|a, b| offered(a).total_cmp(&offered(b)));
            let mut name = curve_name(&runs);
            // Curves of one model from two results files stay apart in the legend.
            if let (true, Some(o)) = (several, origin) {
                name = format!("{name} [{o}]");
            }
            Curve {
                name,
                runs,
                color: None,
            }
        })
        .chain(running)
        .collect()
}

fn offered(r: &RunResult) -> f64 {
    r.open.as_ref().map_or(0.0, |o| o.offered_rate)
}

/// A curve's legend name: its runs' label without the ` @400/s` a rate sweep adds, when they
/// all share it; else the model and workers.
fn curve_name(runs: &[&RunResult]) -> String {
    let stripped = |r: &RunResult| {
        let suffix = format!(" @{}", rate_label(offered(r)));
        r.label
            .strip_suffix(&suffix)
            .unwrap_or(&r.label)
            .to_string()
    };
    let first = stripped(runs[0]);
    if runs.iter().all(|r| stripped(r) == first) {
        first
    } else {
        format!("{} ×{}", runs[0].model, runs[0].workers)
    }
}

/// Milliseconds from microseconds.
fn ms(us: f64) -> f64 {
    us / 1000.0
}

/// The response p50 (bold), p99 (faint) and saturated rings of curve `n`.
fn curve_series(n: usize, curve: &Curve) -> Vec<Series> {
    let color = curve.color.unwrap_or(n as u64);
    let at = |r: &RunResult, p99: bool| {
        let o = r.open.as_ref()?;
        let us = if p99 {
            o.response_us.p99
        } else {
            o.response_us.p50
        };
        Some([o.achieved_rate, ms(us)])
    };
    let line = |part: &'static str, p99: bool| Series {
        name: curve.name.clone(),
        part: Some(part),
        color: Some(color),
        points: curve.runs.iter().filter_map(|r| at(r, p99)).collect(),
        weight: if p99 { Weight::Faint } else { Weight::Bold },
        markers: Markers::Small,
        legend: !p99,
        whiskers: Vec::new(),
    };
    let saturated: Vec<[f64; 2]> = curve
        .runs
        .iter()
        .filter(|r| r.open.as_ref().is_some_and(|o| o.saturated))
        .flat_map(|r| [at(r, false), at(r, true)].into_iter().flatten())
        .collect();
    let mut out = vec![line("response p50", false), line("response p99", true)];
    if !saturated.is_empty() {
        // One legend entry for the rings of every curve (the app merges same-named items).
        out.push(Series {
            name: "saturated".into(),
            part: None,
            color: Some(color),
            points: saturated,
            weight: Weight::Marks,
            markers: Markers::Ring,
            legend: false,
            whiskers: Vec::new(),
        });
    }
    out
}

/// Response time (p50 bold, p99 faint, ms, log scale) against the achieved rate, one line per
/// model, workers and workload swept over arrival rates; saturated runs ringed; a running
/// run's figures so far as a point of its own. Where a curve turns up is that model's real
/// capacity.
pub fn latency_vs_rate(runs: &[ChartRun]) -> ChartData {
    let curves = curves(runs);
    let series: Vec<Series> = curves
        .iter()
        .enumerate()
        .flat_map(|(n, c)| curve_series(n, c))
        .collect();
    let least = series
        .iter()
        .flat_map(|s| s.points.iter().map(|p| p[1]))
        .filter(|v| *v > 0.0)
        .fold(f64::INFINITY, f64::min);
    let least = if least.is_finite() { least } else { 1.0 };
    // Short: the image puts the notes beside the caption, in a quarter page on the dashboard.
    let mut notes = vec!["thick: p50, thin: p99".to_string()];
    if series.iter().any(|s| s.weight == Weight::Marks) {
        notes.push("ring: saturated".into());
    }
    if curves.iter().any(|c| c.color.is_some()) {
        notes.push("running: so far".into());
    }
    ChartData {
        caption: "Response time vs rate".into(),
        detail: None,
        notes: if series.is_empty() { Vec::new() } else { notes },
        x: Axis::linear(
            "achieved rate (tasks/s)",
            "tasks/s",
            0.0,
            headroom(max_of(&series, 0)),
        ),
        y: Axis {
            label: "response time (ms, log scale)",
            unit: "ms",
            range: log_axis_range(least * 0.7, max_of(&series, 1) * 1.6),
            scale: Scale::Log,
            ticks: 8,
            format: TickFormat::Number,
        },
        legend: LegendAt::UpperLeft,
        series,
        heatmap: None,
        nothing: NO_OPEN_RUNS,
    }
    .clamped()
}

/// The queue of arrived, unstarted tasks over time (the longest seen in each timeline bucket),
/// one line per open run whose queue ever held a task, each downsampled to `max_points`.
pub fn queue_over_time(runs: &[ChartRun], max_points: usize) -> ChartData {
    // Runs whose queue stayed empty are left out: their lines would all lie on 0 and their
    // legend entries cover the ones that rose.
    let series: Vec<Series> = runs
        .iter()
        .filter(|r| r.result.open.is_some())
        .filter(|r| {
            r.result
                .timeline
                .iter()
                .any(|p| p.queue_len.unwrap_or(0) > 0)
        })
        .map(|r| {
            let points: Vec<[f64; 2]> = r
                .result
                .timeline
                .iter()
                .filter_map(|p| Some([p.t, p.queue_len? as f64]))
                .collect();
            let points = downsample(&points, max_points);
            Series {
                name: r.name.to_string(),
                part: Some("queue"),
                color: Some(r.color),
                markers: markers_for(points.len()),
                points,
                weight: Weight::Bold,
                legend: true,
                whiskers: Vec::new(),
            }
        })
        .filter(|s| !s.points.is_empty())
        .collect();
    let x_max = max_of(&series, 0).max(1e-3) * 1.02;
    let empty_queues = runs.iter().filter(|r| r.result.open.is_some()).count() > series.len();
    ChartData {
        caption: "Queue length over time".into(),
        detail: None,
        notes: (empty_queues && !series.is_empty())
            .then(|| "runs whose queue stayed empty are left out".to_string())
            .into_iter()
            .collect(),
        x: Axis::linear("time since start (s)", "s", 0.0, x_max),
        y: Axis {
            format: TickFormat::Whole,
            ..Axis::linear(
                "tasks waiting",
                "tasks",
                0.0,
                headroom(max_of(&series, 1).max(1.0)),
            )
        },
        legend: LegendAt::UpperLeft,
        series,
        heatmap: None,
        nothing: NO_OPEN_RUNS,
    }
    .clamped()
}

#[cfg(test)]
mod tests;
