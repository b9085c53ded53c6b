//! Ratios of two configurations' throughputs, their intervals and the verdicts drawn from them.
//!
//! Ratios are computed on the log scale: ln(a/b) = ln a − ln b is a difference, so the
//! textbook t intervals for differences apply, and the interval, exponentiated, is never
//! negative and treats "2× faster" and "2× slower" alike. hyperfine instead propagates the
//! standard deviations of the two means linearly (`relative_speed.rs`: ratio ·
//! √((σa/a)² + (σb/b)²), assuming independence); on the log scale that error propagation is
//! exact for small spreads, and the t quantile accounts for few samples.

use serde::{Deserialize, Serialize};

use super::{mean, sample_sd, t_critical};

/// Fewest samples on each side for which a verdict is claimed.
pub const MIN_VERDICT_SAMPLES: usize = 3;

/// How the samples of the two sides relate.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Pairing {
    /// Sample i of each side ran in the same round (interleaved order): the ratio is taken per
    /// round, so drift shared by a round cancels. Both sides must have the same length.
    Paired,
    /// Independent samples (sequential order): Welch's interval, which does not assume equal
    /// spreads.
    Unpaired,
}

/// The ratio of the mean throughputs a/b (geometric means: the ratio is estimated on the log
/// scale) with its 95 % interval.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct Ratio {
    /// a/b: above 1 means a is faster.
    pub ratio: f64,
    /// Lower end of the 95 % interval of the ratio; `None` with fewer than 2 samples a side.
    pub ci_low: Option<f64>,
    /// Upper end of that interval.
    pub ci_high: Option<f64>,
    /// Samples behind it: the pairs when paired, the smaller side when unpaired.
    pub n: usize,
}

/// The ratio of `a`'s throughput to `b`'s with its 95 % interval.
///
/// - `Paired`: dᵢ = ln(aᵢ/bᵢ); ratio = exp(mean d), interval exp(mean d ± t(0.975, n − 1) ·
///   sd(d)/√n), the one-sample t interval of the differences.
/// - `Unpaired`: d = mean ln a − mean ln b, se² = s²(ln a)/na + s²(ln b)/nb; interval
///   exp(d ± t(0.975, ν) · se) with the Welch–Satterthwaite ν = se⁴ / ((s²a/na)²/(na − 1) +
///   (s²b/nb)²/(nb − 1)) (Welch, 1947).
///
/// `None` when a side is empty, holds a value that is not finite or not above zero (no
/// logarithm), when `Paired` sides differ in length (pass complete rounds only), or when the
/// result overflows.
pub fn ratio(a: &[f64], b: &[f64], pairing: Pairing) -> Option<Ratio> {
    let (la, lb) = (logs(a)?, logs(b)?);
    match pairing {
        Pairing::Paired => paired(&la, &lb),
        Pairing::Unpaired => welch(&la, &lb),
    }
}

fn logs(xs: &[f64]) -> Option<Vec<f64>> {
    let ok = !xs.is_empty() && xs.iter().all(|&x| x.is_finite() && x > 0.0);
    ok.then(|| xs.iter().map(|x| x.ln()).collect())
}

fn paired(la: &[f64], lb: &[f64]) -> Option<Ratio> {
    if la.len() != lb.len() {
        return None;
    }
    let d: Vec<f64> = la.iter().zip(lb).map(|(x, y)| x - y).collect();
    let n = d.len();
    let m = mean(&d);
    let half = match sample_sd(&d, m) {
        Some(sd) => Some(t_critical((n - 1) as f64)? * sd / (n as f64).sqrt()),
        None => None,
    };
    from_log(m, half, n)
}

fn welch(la: &[f64], lb: &[f64]) -> Option<Ratio> {
    let (ma, mb) = (mean(la), mean(lb));
    let half = match (sample_sd(la, ma), sample_sd(lb, mb)) {
        (Some(sa), Some(sb)) => Some(welch_half_width(sa, la.len(), sb, lb.len())?),
        _ => None,
    };
    from_log(ma - mb, half, la.len().min(lb.len()))
}

/// t(0.975, ν) · se for Welch's interval (both sides have n ≥ 2).
fn welch_half_width(sa: f64, na: usize, sb: f64, nb: usize) -> Option<f64> {
    let (va, vb) = (sa * sa / na as f64, sb * sb / nb as f64);
    let se2 = va + vb;
    if se2 == 0.0 {
        return Some(0.0); // no spread on either side: ν is 0/0, the interval a point
    }
    let df = se2 * se2 / (va * va / (na - 1) as f64 + vb * vb / (nb - 1) as f64);
    Some(t_critical(df)? * se2.sqrt())
}

fn from_log(d: f64, half: Option<f64>, n: usize) -> Option<Ratio> {
    let r = Ratio {
        ratio: d.exp(),
        ci_low: half.map(|h| (d - h).exp()),
        ci_high: half.map(|h| (d + h).exp()),
        n,
    };
    let finite = |v: Option<f64>| v.is_none_or(f64::is_finite);
    (r.ratio.is_finite() && r.ratio > 0.0 && finite(r.ci_low) && finite(r.ci_high)).then_some(r)
}

/// What a comparison within a run concludes, for a ratio of throughputs a/b.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum Verdict {
    /// The whole interval lies above 1: a is faster.
    #[serde(rename = "faster")]
    Faster,
    /// The whole interval lies below 1: a is slower.
    #[serde(rename = "slower")]
    Slower,
    /// The interval contains 1.
    #[serde(rename = "no significant difference")]
    NoSignificantDifference,
}

/// What `parlab compare` concludes for a ratio NEW/BASE against a threshold in percent.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum CompareVerdict {
    /// Significantly faster, and not within the threshold.
    #[serde(rename = "faster")]
    Faster,
    /// Significantly slower, and not within the threshold.
    #[serde(rename = "slower")]
    Slower,
    /// The interval contains 1 and reaches past the threshold.
    #[serde(rename = "no change")]
    NoChange,
    /// The whole interval lies inside 1 ± threshold: whatever changed is smaller than the
    /// threshold (criterion.rs: "Change within noise threshold.").
    #[serde(rename = "within noise")]
    WithinNoise,
}

impl Verdict {
    /// The word as in the results (`faster`, `slower`, `no significant difference`).
    pub fn as_str(self) -> &'static str {
        match self {
            Verdict::Faster => "faster",
            Verdict::Slower => "slower",
            Verdict::NoSignificantDifference => "no significant difference",
        }
    }
}

impl CompareVerdict {
    /// The word as in `parlab compare` (`faster`, `slower`, `no change`, `within noise`).
    pub fn as_str(self) -> &'static str {
        match self {
            CompareVerdict::Faster => "faster",
            CompareVerdict::Slower => "slower",
            CompareVerdict::NoChange => "no change",
            CompareVerdict::WithinNoise => "within noise",
        }
    }
}

impl std::fmt::Display for Verdict {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

impl std::fmt::Display for CompareVerdict {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

impl Ratio {
    /// The interval, when there is one and enough samples ([`MIN_VERDICT_SAMPLES`]) to judge.
    fn judged_interval(&self) -> Option<(f64, f64)> {
        (self.n >= MIN_VERDICT_SAMPLES).then_some((self.ci_low?, self.ci_high?))
    }

    /// Faster or slower when the 95 % interval excludes 1, else no significant difference:
    /// the two-sided t test at the 5 % level on log throughput (pyperf's `is_significant` is
    /// the same test on raw values with pooled variances). `None` with fewer than
    /// [`MIN_VERDICT_SAMPLES`] samples a side.
    pub fn verdict(&self) -> Option<Verdict> {
        let (lo, hi) = self.judged_interval()?;
        Some(if lo > 1.0 {
            Verdict::Faster
        } else if hi < 1.0 {
            Verdict::Slower
        } else {
            Verdict::NoSignificantDifference
        })
    }

    /// The verdict of `parlab compare --threshold PCT` for this ratio NEW/BASE: within noise
    /// when the whole interval lies inside [1 − PCT/100, 1 + PCT/100], else as
    /// [`Ratio::verdict`] (no change when the interval contains 1). `None` with too few
    /// samples, or a threshold that is negative or not finite.
    pub fn against_threshold(&self, threshold_pct: f64) -> Option<CompareVerdict> {
        let (lo, hi) = self.judged_interval()?;
        let t = valid_threshold(threshold_pct)?;
        Some(if lo >= 1.0 - t && hi <= 1.0 + t {
            CompareVerdict::WithinNoise
        } else {
            match self.verdict()? {
                Verdict::Faster => CompareVerdict::Faster,
                Verdict::Slower => CompareVerdict::Slower,
                Verdict::NoSignificantDifference => CompareVerdict::NoChange,
            }
        })
    }

    /// True when NEW is significantly slower than BASE by more than the threshold: the whole
    /// interval lies below 1 − PCT/100 (criterion.rs's `compare_to_threshold` "regressed" rule).
    /// What `--fail-on-regression` exits 1 on; false with too few samples.
    pub fn is_regression(&self, threshold_pct: f64) -> bool {
        match (self.judged_interval(), valid_threshold(threshold_pct)) {
            (Some((_, hi)), Some(t)) => hi < 1.0 - t,
            _ => false,
        }
    }
}

fn valid_threshold(pct: f64) -> Option<f64> {
    (pct.is_finite() && pct >= 0.0).then_some(pct / 100.0)
}

#[cfg(test)]
mod tests;
