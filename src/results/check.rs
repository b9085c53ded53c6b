//! Plausibility checks on results read from a file: every number must be one a real run can
//! produce. A hand-edited or corrupted file with `1.8e308` tasks per second is refused here,
//! naming the field, instead of reaching the chart code as an axis that overflows.

use super::{Results, RunResult};

/// What one kind of figure may be.
#[derive(Clone, Copy)]
struct Limit {
    /// The smallest value allowed.
    min: f64,
    /// The largest value allowed.
    max: f64,
    /// The unit, for the message.
    unit: &'static str,
}

/// Tasks per second: a million times more than any machine does today.
const RATE: Limit = Limit {
    min: 0.0,
    max: 1e12,
    unit: "tasks per second",
};
/// Seconds: about 31 years.
const SECONDS: Limit = Limit {
    min: 0.0,
    max: 1e9,
    unit: "seconds",
};
/// Microseconds: about 31 years.
const MICROS: Limit = Limit {
    min: 0.0,
    max: 1e15,
    unit: "µs",
};
/// The per-task overhead may come out slightly negative (timer granularity).
const OVERHEAD: Limit = Limit {
    min: -1e15,
    max: 1e15,
    unit: "µs",
};
/// A percentile.
const PERCENT: Limit = Limit {
    min: 0.0,
    max: 100.0,
    unit: "%",
};
/// Per-core utilisation; sampling jitter can overshoot 100 % a little.
const UTILISATION: Limit = Limit {
    min: 0.0,
    max: 1000.0,
    unit: "%",
};
/// Worker counts: far above what a profile allows (1024).
const CORES: Limit = Limit {
    min: 0.0,
    max: 1e6,
    unit: "cores",
};

const WORKERS: Limit = Limit {
    min: 1.0,
    max: 1e6,
    unit: "workers",
};
/// Non-zero magnitudes below this are not measurements (a denormal, say) and would make
/// ratios such as speedup overflow.
const TINY: f64 = 1e-9;

/// The first implausible number in `results`, as a sentence naming the field.
pub(super) fn check(results: &Results) -> Result<(), String> {
    let cpus = results.host.logical_cpus as f64;
    number(|| "host.logical_cpus".into(), cpus, WORKERS)?;
    text("profile.name", &results.profile.name)?;
    text("host.os", &results.host.os)?;
    text("host.cpu_brand", &results.host.cpu_brand)?;
    check_host(&results.host, "host")?;
    for (i, run) in results.runs.iter().enumerate() {
        text(&format!("runs[{i}].label"), &run.label)?;
        check_run(run, &format!("runs[{i}]"))?;
    }
    Ok(())
}

/// The environment fields (absent in older files).
fn check_host(host: &super::Host, at: &str) -> Result<(), String> {
    if let Some(n) = host.physical_cpus {
        number(|| format!("{at}.physical_cpus"), n as f64, WORKERS)?;
    }
    if let Some(load) = host.load_avg_1m {
        number(|| format!("{at}.load_avg_1m"), load, CORES)?;
    }
    text(
        &format!("{at}.governor"),
        host.governor.as_deref().unwrap_or(""),
    )?;
    text(
        &format!("{at}.kernel"),
        host.kernel.as_deref().unwrap_or(""),
    )
}

/// Text drawn on charts as one line: a profile allows 200 characters; this allows more,
/// for files from other tools, but not a megabyte that would take minutes to lay out.
const MAX_TEXT_CHARS: usize = 1000;

fn text(field: &str, value: &str) -> Result<(), String> {
    let count = value.chars().count();
    if count > MAX_TEXT_CHARS {
        return Err(format!(
            "{field} is {count} characters long; at most {MAX_TEXT_CHARS} fit on a chart"
        ));
    }
    Ok(())
}

fn check_run(run: &RunResult, at: &str) -> Result<(), String> {
    number(|| format!("{at}.workers"), run.workers as f64, WORKERS)?;
    number(|| format!("{at}.wall_seconds"), run.wall_seconds, SECONDS)?;
    let rate = run.throughput_per_sec;
    number(|| format!("{at}.throughput_per_sec"), rate, RATE)?;
    let l = &run.latency_us;
    for (name, v) in [
        ("min", l.min),
        ("mean", l.mean),
        ("p50", l.p50),
        ("p90", l.p90),
        ("p99", l.p99),
        ("p999", l.p999),
        ("max", l.max),
    ] {
        number(|| format!("{at}.latency_us.{name}"), v, MICROS)?;
    }
    for (k, [p, us]) in run.latency_cdf.iter().enumerate() {
        number(|| format!("{at}.latency_cdf[{k}][0]"), *p, PERCENT)?;
        number(|| format!("{at}.latency_cdf[{k}][1]"), *us, MICROS)?;
    }
    if let Some(v) = run.overhead_per_task_us {
        number(|| format!("{at}.overhead_per_task_us"), v, OVERHEAD)?;
    }
    number(
        || format!("{at}.process.user_s"),
        run.process.user_s,
        SECONDS,
    )?;
    number(|| format!("{at}.process.sys_s"), run.process.sys_s, SECONDS)?;
    let sampler = run.sampler_cpu_seconds;
    number(|| format!("{at}.sampler_cpu_seconds"), sampler, SECONDS)?;
    if let Some(v) = run.observer_cpu_cores {
        number(|| format!("{at}.observer_cpu_cores"), v, CORES)?;
    }
    check_environment(run, at)?;
    check_repetitions(run, at)?;
    check_balance(run, at)?;
    for (k, p) in run.timeline.iter().enumerate() {
        number(|| format!("{at}.timeline[{k}].t"), p.t, SECONDS)?;
        number(
            || format!("{at}.timeline[{k}].tasks_per_sec"),
            p.tasks_per_sec,
            RATE,
        )?;
        for (name, v) in [("p50_us", p.p50_us), ("p99_us", p.p99_us)] {
            if let Some(v) = v {
                number(|| format!("{at}.timeline[{k}].{name}"), v, MICROS)?;
            }
        }
    }
    check_cpu(run, at)
}

/// Each repetition's figures and the statistics over them.
fn check_repetitions(run: &RunResult, at: &str) -> Result<(), String> {
    for (k, r) in run.repetitions.iter().enumerate() {
        let at = format!("{at}.repetitions[{k}]");
        number(|| format!("{at}.wall_seconds"), r.wall_seconds, SECONDS)?;
        number(
            || format!("{at}.throughput_per_sec"),
            r.throughput_per_sec,
            RATE,
        )?;
        number(|| format!("{at}.latency_us.p50"), r.latency_us.p50, MICROS)?;
        number(|| format!("{at}.latency_us.p99"), r.latency_us.p99, MICROS)?;
        if let Some(v) = r.overhead_per_task_us {
            number(|| format!("{at}.overhead_per_task_us"), v, OVERHEAD)?;
        }
        if let Some(v) = r.foreign_cpu_cores {
            number(|| format!("{at}.foreign_cpu_cores"), v, CORES)?;
        }
    }
    let Some(stats) = &run.stats else {
        return Ok(());
    };
    let summaries = [
        ("throughput_per_sec", Some(&stats.throughput_per_sec), RATE),
        (
            "overhead_per_task_us",
            stats.overhead_per_task_us.as_ref(),
            OVERHEAD,
        ),
        ("p50_us", Some(&stats.p50_us), MICROS),
        ("p99_us", Some(&stats.p99_us), MICROS),
    ];
    for (name, summary, limit) in summaries {
        let Some(s) = summary else { continue };
        let field = |part: &str| format!("{at}.stats.{name}.{part}");
        number(|| field("mean"), s.mean, limit)?;
        // A spread may be a rounding residue of equal samples (files written before that
        // was rounded to 0 carry them): only its sign and size are checked.
        bounded(|| field("sd"), s.sd, limit)?;
        for (part, v) in [("ci_low", s.ci_low), ("ci_high", s.ci_high)] {
            if let Some(v) = v {
                bounded(|| field(part), v, OVERHEAD)?;
            }
        }
    }
    Ok(())
}

/// A share of a whole (rounding may leave a hair above 1).
const SHARE: Limit = Limit {
    min: 0.0,
    max: 1.000_001,
    unit: "",
};

/// The load-balance figures: shares within 0–1, times within the run's limits, and no more
/// worker lanes than workers.
fn check_balance(run: &RunResult, at: &str) -> Result<(), String> {
    if let Some(t) = &run.worker_timeline
        && t.lanes.len() > run.workers
    {
        return Err(format!(
            "{at}.worker_timeline has {} lanes for {} workers",
            t.lanes.len(),
            run.workers
        ));
    }
    let Some(b) = &run.balance else {
        return Ok(());
    };
    let at = format!("{at}.balance");
    for (name, v) in [
        ("load_balance", b.load_balance),
        ("creating_share", b.creating_share),
        ("moving_share", b.moving_share),
        ("waiting_share", b.waiting_share),
    ] {
        bounded(|| format!("{at}.{name}"), v, SHARE)?;
    }
    bounded(
        || format!("{at}.effective_parallelism"),
        b.effective_parallelism,
        CORES,
    )?;
    bounded(|| format!("{at}.makespan_s"), b.makespan_s, SECONDS)?;
    for (name, list) in [("busy_s", &b.busy_s), ("idle_s", &b.idle_s)] {
        for (w, v) in list.iter().enumerate() {
            bounded(|| format!("{at}.{name}[{w}]"), *v, SECONDS)?;
        }
    }
    Ok(())
}

/// What surrounded the run: others' CPU, its own host, the Python version.
fn check_environment(run: &RunResult, at: &str) -> Result<(), String> {
    if let Some(v) = run.foreign_cpu_cores {
        number(|| format!("{at}.foreign_cpu_cores"), v, CORES)?;
    }
    if let Some(host) = &run.host {
        check_host(host, &format!("{at}.host"))?;
    }
    text(
        &format!("{at}.python_version"),
        run.python_version.as_deref().unwrap_or(""),
    )
}

fn check_cpu(run: &RunResult, at: &str) -> Result<(), String> {
    let cpu = &run.cpu;
    number(|| format!("{at}.cpu.interval_s"), cpu.interval_s, SECONDS)?;
    if let Some(last) = cpu.last_interval_s {
        number(|| format!("{at}.cpu.last_interval_s"), last, SECONDS)?;
    }
    let has_samples = cpu.per_core.iter().any(|c| !c.is_empty());
    if has_samples && cpu.interval_s == 0.0 {
        return Err(format!(
            "{at}.cpu.interval_s is 0, but the run has CPU samples: they must be taken some time apart"
        ));
    }
    for (core, series) in cpu.per_core.iter().enumerate() {
        for (k, v) in series.iter().enumerate() {
            let field = || format!("{at}.cpu.per_core[{core}][{k}]");
            number(field, f64::from(*v), UTILISATION)?;
        }
    }
    Ok(())
}

/// Checks one number against `limit`; `field` names it in the message.
fn number(field: impl Fn() -> String, v: f64, limit: Limit) -> Result<(), String> {
    let Limit { min, max, unit } = limit;
    if !v.is_finite() {
        return Err(format!("{} is not a finite number", field()));
    }
    if v > max {
        return Err(format!(
            "{} is {}, which no run can reach (at most {} {unit})",
            field(),
            show(v),
            show(max)
        ));
    }
    if v < min {
        let least = if min == 0.0 {
            "it cannot be negative".to_string()
        } else {
            format!("it must be at least {} {unit}", show(min))
        };
        return Err(format!("{} is {}, but {least}", field(), show(v)));
    }
    if v != 0.0 && v.abs() < TINY {
        return Err(format!(
            "{} is {}, too small to be a measurement (a non-zero value is at least {})",
            field(),
            show(v),
            show(TINY)
        ));
    }
    Ok(())
}

/// Like [`number`] without the floor on tiny non-zero values: for figures derived from
/// measurements (a spread, an interval's end), where rounding leaves such residues.
fn bounded(field: impl Fn() -> String, v: f64, limit: Limit) -> Result<(), String> {
    if v != 0.0 && v.abs() < TINY {
        return Ok(());
    }
    number(field, v, limit)
}

/// A number short enough for a message: `1.8e308`, `5e-324`, `12.5`.
fn show(v: f64) -> String {
    let magnitude = v.abs();
    if magnitude != 0.0 && !(1e-3..1e6).contains(&magnitude) {
        let s = format!("{v:.1e}");
        s.replace(".0e", "e")
    } else {
        format!("{}", (v * 1000.0).round() / 1000.0)
    }
}

#[cfg(test)]
mod tests {
    use super::show;

    #[test]
    fn an_impossible_load_balance_is_refused_by_name() {
        let text = include_str!("../../tests/golden/results-v1.json");
        let mut results = super::Results::from_json(text, "golden").expect("golden reads");
        let run = &mut results.runs[0];
        run.balance = Some(crate::metrics::balance::LoadBalance {
            makespan_s: 0.5,
            busy_s: vec![0.4, 0.2],
            idle_s: vec![0.1, 0.3],
            load_balance: 1.5,
            effective_parallelism: 1.2,
            creating_share: 0.0,
            moving_share: 0.0,
            waiting_share: 0.0,
            stats: None,
        });
        let message = super::check(&results).expect_err("refused");
        assert!(
            message.contains("runs[0].balance.load_balance"),
            "{message}"
        );
    }

    #[test]
    fn numbers_are_shown_short() {
        assert_eq!(show(f64::MAX), "1.8e308");
        assert_eq!(show(5e-324), "4.9e-324");
        assert_eq!(show(1e12), "1e12");
        assert_eq!(show(12.5), "12.5");
        assert_eq!(show(-1.0), "-1");
    }

    #[test]
    fn impossible_repetition_figures_are_refused_by_name() {
        let text = include_str!("../../tests/golden/results-v1.json");
        let mut json: serde_json::Value = serde_json::from_str(text).expect("golden JSON");
        json["runs"][0]["repetitions"] = serde_json::json!([{
            "round": 0, "position": 0, "wall_seconds": 1.0, "tasks_completed": 10,
            "throughput_per_sec": 1e300, "latency_us": {"p50": 1.0, "p99": 2.0},
            "overhead_per_task_us": 1.0, "status": "completed"
        }]);
        let err =
            crate::results::Results::from_json(&json.to_string(), "r.json").expect_err("refused");
        assert!(
            err.to_string()
                .contains("runs[0].repetitions[0].throughput_per_sec is 1e300"),
            "{err}"
        );
        json["runs"][0]["repetitions"][0]["throughput_per_sec"] = 10.0.into();
        json["runs"][0]["stats"] = serde_json::json!({
            "throughput_per_sec": {"n": 1, "mean": 10.0, "sd": -1.0, "ci_low": null, "ci_high": null},
            "p50_us": {"n": 1, "mean": 1.0, "sd": 0.0, "ci_low": null, "ci_high": null},
            "p99_us": {"n": 1, "mean": 2.0, "sd": 0.0, "ci_low": null, "ci_high": null}
        });
        let err =
            crate::results::Results::from_json(&json.to_string(), "r.json").expect_err("refused");
        assert!(
            err.to_string()
                .contains("runs[0].stats.throughput_per_sec.sd"),
            "{err}"
        );
    }

    #[test]
    fn a_rounding_residue_of_a_spread_is_read_back() {
        // Three equal p50s: their sd computed in floating point, before it was rounded to 0.
        let text = include_str!("../../tests/golden/results-v1.json");
        let mut json: serde_json::Value = serde_json::from_str(text).expect("golden JSON");
        json["runs"][0]["stats"] = serde_json::json!({
            "throughput_per_sec": {"n": 3, "mean": 10.0, "sd": 1.0, "ci_low": 7.5, "ci_high": 12.5},
            "p50_us": {"n": 3, "mean": 0.06, "sd": 3.4e-17, "ci_low": 0.06, "ci_high": 0.06},
            "p99_us": {"n": 3, "mean": 2.0, "sd": 0.0, "ci_low": 2.0, "ci_high": 2.0}
        });
        assert!(crate::results::Results::from_json(&json.to_string(), "r.json").is_ok());
        let equal = crate::stats::Summary::of(&[0.06, 0.06, 0.06 + 1e-17]).expect("summary");
        assert_eq!(equal.sd, 0.0);
    }
}
