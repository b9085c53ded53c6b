//! Verdicts and figures with their intervals as text, for the CLI, the app and the images.
//!
//! Labels pass through [`crate::format::printable`]; numbers use the style of
//! [`crate::format::si`].

use super::{CompareVerdict, MIN_VERDICT_SAMPLES, Ratio, Summary, Verdict};
use crate::format::printable;

/// Decimals for ratios: 2, more (up to 4) while the interval's ends would print alike or an
/// end other than 1 would print as 1 (a "faster" verdict over "1.00–1.02" reads as a lie).
fn decimals(lo: f64, hi: f64) -> usize {
    let shows = |x: f64, d: usize| format!("{x:.d$}");
    let misleading = |d: usize| {
        (lo != hi && shows(lo, d) == shows(hi, d))
            || [lo, hi]
                .iter()
                .any(|&x| x != 1.0 && shows(x, d) == shows(1.0, d))
    };
    (2..4).find(|&d| !misleading(d)).unwrap_or(4)
}

/// `1.88–1.98`, with as many decimals as the two ends need to differ.
pub fn interval(lo: f64, hi: f64) -> String {
    let d = decimals(lo, hi);
    format!("{lo:.d$}–{hi:.d$}")
}

/// The verdict on `a` against `b` as one sentence, e.g. "processes ×2 is 1.93× faster than
/// threads ×2 (95 % CI 1.88–1.98)", "threads ×1 is 1.95× slower than threads ×2 (95 % CI
/// 1.90–2.01)", "no significant difference between pool ×2 and threads ×2 (0.98–1.03)", or,
/// with fewer than [`MIN_VERDICT_SAMPLES`] repetitions, the ratio and that no verdict is
/// claimed. Slower ratios are turned round (1/ratio, 1/ci_high–1/ci_low), as hyperfine says
/// "times faster" only with numbers above 1.
pub fn verdict_sentence(a: &str, b: &str, r: &Ratio) -> String {
    let (a, b) = (printable(a), printable(b));
    match (r.verdict(), r.ci_low, r.ci_high) {
        (Some(Verdict::NoSignificantDifference), Some(lo), Some(hi)) => {
            format!(
                "no significant difference between {a} and {b} ({})",
                interval(lo, hi)
            )
        }
        (Some(v), Some(lo), Some(hi)) => format!("{a} is {}", times(v, r.ratio, lo, hi, &b)),
        (_, lo, hi) => {
            let within = match (lo, hi) {
                (Some(lo), Some(hi)) => format!(" (95 % CI {})", interval(lo, hi)),
                _ => String::new(),
            };
            format!(
                "{a} runs at {:.2}× the throughput of {b}{within}; too few repetitions for a \
                 verdict (at least {MIN_VERDICT_SAMPLES} needed)",
                r.ratio
            )
        }
    }
}

/// "1.93× faster than B (95 % CI 1.88–1.98)"; a slower ratio turned round first.
fn times(v: Verdict, ratio: f64, lo: f64, hi: f64, b: &str) -> String {
    let (ratio, lo, hi) = match v {
        Verdict::Slower => (1.0 / ratio, 1.0 / hi, 1.0 / lo),
        _ => (ratio, lo, hi),
    };
    let d = decimals(lo, hi);
    format!("{ratio:.d$}× {v} than {b} (95 % CI {})", interval(lo, hi))
}

/// One run of `parlab compare` (ratio NEW/BASE) as text, e.g. "threads ×2: 1.08× faster than
/// the baseline (95 % CI 1.05–1.11)", "threads ×2: within noise (0.99–1.02 lies inside ±5 %)",
/// "threads ×2: no change (0.93–1.06)".
pub fn compare_sentence(label: &str, r: &Ratio, threshold_pct: f64) -> String {
    let label = printable(label);
    let (Some(v), Some(lo), Some(hi)) = (r.against_threshold(threshold_pct), r.ci_low, r.ci_high)
    else {
        return format!(
            "{label}: {:.2}× the baseline's throughput; too few repetitions for a verdict (at \
             least {MIN_VERDICT_SAMPLES} needed on each side)",
            r.ratio
        );
    };
    let span = interval(lo, hi);
    match v {
        CompareVerdict::WithinNoise => {
            format!("{label}: within noise ({span} lies inside ±{threshold_pct} %)")
        }
        CompareVerdict::NoChange => format!("{label}: no change ({span})"),
        CompareVerdict::Faster => format!(
            "{label}: {}",
            times(Verdict::Faster, r.ratio, lo, hi, "the baseline")
        ),
        CompareVerdict::Slower => format!(
            "{label}: {}",
            times(Verdict::Slower, r.ratio, lo, hi, "the baseline")
        ),
    }
}

/// A mean with the half width of its 95 % interval in one unit of [`crate::format::si`]:
/// `12.0k ± 0.2k/s` (with `unit` "/s"), `850 ± 12 µs` (with " µs"). The half width gets the
/// mean's scale and enough decimals to show its first digit. Without an interval (n < 2) just
/// the mean, `12.0k/s`.
pub fn value_with_interval(s: &Summary, unit: &str) -> String {
    let Some(h) = s.half_width() else {
        return format!("{}{unit}", crate::format::si(s.mean));
    };
    let (div, suffix, base) = scale(s.mean);
    let hs = h / div;
    let needed = if hs > 0.0 && hs < 1.0 {
        (-hs.log10()).ceil() as usize
    } else {
        0
    };
    let d = base.max(needed).min(base + 3);
    format!("{:.d$}{suffix} ± {hs:.d$}{suffix}{unit}", s.mean / div)
}

/// Divisor, suffix and decimals that [`crate::format::si`] uses for `v`.
fn scale(v: f64) -> (f64, &'static str, usize) {
    match v.abs() {
        a if a >= 1e9 => (1e9, "G", 2),
        a if a >= 1e6 => (1e6, "M", 2),
        a if a >= 1e4 => (1e3, "k", 1),
        a if a >= 100.0 => (1.0, "", 0),
        a if a >= 10.0 => (1.0, "", 1),
        _ => (1.0, "", 2),
    }
}

#[cfg(test)]
mod tests;
