//! Warnings that a run's numbers are shaky, as sentences a user can act on.
//!
//! The repetition checks take one configuration's throughputs (tasks/s) in the order its
//! repetitions ran (the first is repetition 1); they return `None` when all is well, when there
//! are too few repetitions to judge, or when a value is not finite. [`warnings`] runs them all.
//! Sentences start lower-case and end without a full stop, like `RunResult::observer_warning`,
//! so a caller can prefix them ("threads ×2: …").

use crate::format::si;

/// hyperfine's outlier limit on the modified Z-score (`src/outlier_detection.rs`,
/// `OUTLIER_THRESHOLD`): 10 standard deviations, the MAD scaled by 1.4826 to estimate one.
pub const OUTLIER_THRESHOLD: f64 = 1.4826 * 10.0;

/// The least distance from the median, as a fraction of it, for a repetition to be named an
/// outlier. With few repetitions the MAD can be tiny (with 3 it is the smaller of two
/// distances), so a repetition 0.7 % off would score beyond hyperfine's limit; a difference
/// that small changes no conclusion and is not worth a warning.
pub const MIN_OUTLIER_DEVIATION: f64 = 0.02;

/// Coefficient of variation (sd / mean) above which the repetitions are called noisy.
pub const MAX_CV: f64 = 0.05;

/// "Much slower" for the first repetition: at least this fraction below the median of the
/// others (and slower than each of them). Twice [`MAX_CV`]: with the spread allowed, a first
/// repetition this far down is at least two standard deviations off.
pub const WARMUP_SLOWDOWN: f64 = 0.10;

/// A task should take at least this many times the model's own overhead per task.
pub const MIN_WORK_PER_OVERHEAD: f64 = 10.0;

/// Modified Z-scores, (xᵢ − median) / MAD with MAD the median absolute deviation, exactly as
/// hyperfine computes them (after Iglewicz and Hoaglin, 1993): a MAD of 0 is replaced by
/// `f64::EPSILON`, so any value off a flat sample scores as an outlier.
pub fn modified_zscores(xs: &[f64]) -> Vec<f64> {
    let Some(med) = median(xs) else {
        return Vec::new();
    };
    let deviations: Vec<f64> = xs.iter().map(|x| (x - med).abs()).collect();
    let mad = median(&deviations)
        .filter(|&m| m > 0.0)
        .unwrap_or(f64::EPSILON);
    xs.iter().map(|x| (x - med) / mad).collect()
}

/// The median (mean of the middle two for an even count); `None` when empty.
fn median(xs: &[f64]) -> Option<f64> {
    let mut v = xs.to_vec();
    v.sort_by(f64::total_cmp);
    let n = v.len();
    match n {
        0 => None,
        _ if n % 2 == 1 => Some(v[n / 2]),
        _ => Some((v[n / 2 - 1] + v[n / 2]) / 2.0),
    }
}

fn judgeable(xs: &[f64], min: usize) -> bool {
    xs.len() >= min && xs.iter().all(|x| x.is_finite())
}

fn per_sec(v: f64) -> String {
    format!("{}/s", si(v))
}

/// "1", "1 and 3", "1, 3 and 4".
fn list(items: &[String]) -> String {
    match items {
        [] => String::new(),
        [one] => one.clone(),
        [init @ .., last] => format!("{} and {last}", init.join(", ")),
    }
}

/// Repetitions whose modified Z-score lies beyond ±[`OUTLIER_THRESHOLD`] (needs 3).
pub fn outliers(throughputs: &[f64]) -> Option<String> {
    outliers_from(throughputs, 0)
}

/// [`outliers`] among the repetitions from index `from` on (the scores use them all).
fn outliers_from(xs: &[f64], from: usize) -> Option<String> {
    if !judgeable(xs, 3) {
        return None;
    }
    let scores = modified_zscores(xs);
    let med = median(xs).unwrap_or(0.0);
    let far = |x: f64| (x - med).abs() > MIN_OUTLIER_DEVIATION * med.abs();
    let hit: Vec<usize> = (from..xs.len())
        .filter(|&i| scores[i].abs() > OUTLIER_THRESHOLD && far(xs[i]))
        .collect();
    let (numbers, values): (Vec<String>, Vec<String>) = hit
        .iter()
        .map(|&i| ((i + 1).to_string(), per_sec(xs[i])))
        .unzip();
    let (noun, verb) = if hit.len() == 1 {
        ("repetition", "is an outlier")
    } else {
        ("repetitions", "are outliers")
    };
    (!hit.is_empty()).then(|| {
        format!(
            "{noun} {} of {} {verb}: {} against a median of {} (modified Z-score beyond \
             ±{OUTLIER_THRESHOLD:.1}, hyperfine's limit): something else probably disturbed \
             the machine then; re-run on a quiet machine",
            list(&numbers),
            xs.len(),
            list(&values),
            per_sec(med),
        )
    })
}

/// A coefficient of variation above [`MAX_CV`] (needs 2).
pub fn spread(throughputs: &[f64]) -> Option<String> {
    if !judgeable(throughputs, 2) {
        return None;
    }
    let cv = super::Summary::of(throughputs)?.cv()?;
    (cv > MAX_CV).then(|| {
        format!(
            "throughput varies by {:.1} % between repetitions (coefficient of variation; above \
             {:.0} % the figures are noisy): re-run on a quiet machine or with more repetitions",
            cv * 100.0,
            MAX_CV * 100.0
        )
    })
}

/// A first repetition much slower than the rest (needs 3): at least [`WARMUP_SLOWDOWN`] below
/// the median of the others and slower than each, or, as hyperfine's "slow initial run",
/// an outlier on the slow side.
pub fn warm_up(throughputs: &[f64]) -> Option<String> {
    if !judgeable(throughputs, 3) {
        return None;
    }
    let (first, rest) = (throughputs[0], &throughputs[1..]);
    let others = median(rest)?;
    let slowest = rest.iter().all(|&x| first < x);
    let slow_outlier = modified_zscores(throughputs)[0] < -OUTLIER_THRESHOLD;
    let much = slowest && first <= (1.0 - WARMUP_SLOWDOWN) * others;
    (much || slow_outlier).then(|| {
        format!(
            "the first repetition was {:.0} % slower than the median of the others ({} against \
             {}): a warm-up effect (caches, page faults, CPU frequency); raise `warmup_tasks` in \
             the profile",
            (1.0 - first / others) * 100.0,
            per_sec(first),
            per_sec(others)
        )
    })
}

/// A task shorter than [`MIN_WORK_PER_OVERHEAD`] times the model's own overhead per task, from
/// the mean task latency and that overhead, both in µs. `None` unless both are finite and the
/// overhead is positive.
pub fn overhead(mean_latency_us: f64, overhead_us: f64) -> Option<String> {
    let known = mean_latency_us.is_finite() && overhead_us.is_finite() && overhead_us > 0.0;
    (known && mean_latency_us < MIN_WORK_PER_OVERHEAD * overhead_us).then(|| {
        format!(
            "tasks take {} µs on average, less than {MIN_WORK_PER_OVERHEAD:.0}× this model's own \
             overhead per task ({} µs): the figures measure the model more than the work; give \
             each task more work",
            si(mean_latency_us),
            si(overhead_us)
        )
    })
}

/// Every repetition check on one configuration's throughputs, in the order outliers, spread,
/// warm-up. A first repetition reported as warm-up is not named again as an outlier.
pub fn warnings(throughputs: &[f64]) -> Vec<String> {
    let warm = warm_up(throughputs);
    let skip = usize::from(warm.is_some());
    [outliers_from(throughputs, skip), spread(throughputs), warm]
        .into_iter()
        .flatten()
        .collect()
}

#[cfg(test)]
mod tests;
