//! The statistics behind repetitions, intervals, verdicts and noise warnings (issue 13).
//!
//! Pure functions on plain numbers: no I/O, no user interface, nothing else of parlab but the
//! number style of [`crate::format::si`]. Samples are per-repetition figures of one
//! configuration (throughputs, in the order the repetitions ran); bigger is faster.
//!
//! - [`Summary::of`]: mean, sample standard deviation and the 95 % Student-t interval of the
//!   mean, the `stats` objects of the results.
//! - [`ratio`]: the ratio of two configurations' mean throughputs on the log scale, with its
//!   95 % interval, [`Pairing::Paired`] by round or [`Pairing::Unpaired`] (Welch);
//!   [`Ratio::verdict`] ([`Verdict`]) for comparisons within a run,
//!   [`Ratio::against_threshold`] ([`CompareVerdict`]) and [`Ratio::is_regression`] for
//!   `parlab compare`.
//! - [`noise`]: warnings a user can act on (outliers, spread, warm-up, overhead), as sentences.
//! - [`sentence`]: verdicts and figures with their intervals as text.
//!
//! What the interval means: a 95 % confidence interval of the *mean* (how well the repetitions
//! pin down the configuration's average), not the range a single run falls in. It narrows as
//! repetitions are added (with √n); the spread of single runs does not.

pub mod noise;
mod ratio;
pub mod sentence;
#[cfg(test)]
mod trials;

pub use ratio::{CompareVerdict, MIN_VERDICT_SAMPLES, Pairing, Ratio, Verdict, ratio};

use serde::{Deserialize, Serialize};
use statrs::distribution::{ContinuousCDF, StudentsT};

/// The confidence level of every interval here.
pub const CONFIDENCE: f64 = 0.95;

/// Mean, spread and the 95 % interval of the mean of one set of samples.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct Summary {
    /// How many samples.
    pub n: usize,
    /// Their arithmetic mean.
    pub mean: f64,
    /// The sample standard deviation (divisor n − 1); 0 for a single sample, whose spread
    /// cannot be measured.
    pub sd: f64,
    /// Lower end of the 95 % Student-t interval of the mean; `None` when n < 2.
    pub ci_low: Option<f64>,
    /// Upper end of that interval; `None` when n < 2.
    pub ci_high: Option<f64>,
}

impl Summary {
    /// The summary of `xs`; `None` when `xs` is empty or holds a value that is not finite
    /// (NaN, ±∞), which no honest mean can include.
    ///
    /// The interval is mean ± t(0.975, n − 1) · sd / √n (Student, 1908; the textbook
    /// one-sample t interval, as pyperf's `tdist95conf_level` table approximates).
    pub fn of(xs: &[f64]) -> Option<Summary> {
        if xs.is_empty() || xs.iter().any(|x| !x.is_finite()) {
            return None;
        }
        let n = xs.len();
        let mean = mean(xs);
        let sd = sample_sd(xs, mean).unwrap_or(0.0);
        // Equal samples can leave a rounding residue (3e-17 for values near 3.68): that is
        // no spread, and a results file must not carry it as one.
        let sd = if sd <= mean.abs() * 1e-12 { 0.0 } else { sd };
        let half = half_width(sd, n);
        Some(Summary {
            n,
            mean,
            sd,
            ci_low: half.map(|h| mean - h),
            ci_high: half.map(|h| mean + h),
        })
    }

    /// Half the width of the interval (the `± h` of `mean ± h`); `None` when n < 2.
    pub fn half_width(&self) -> Option<f64> {
        Some((self.ci_high? - self.ci_low?) / 2.0)
    }

    /// The coefficient of variation, sd / mean (0.05 = 5 %); `None` when n < 2 or the mean is
    /// not positive.
    pub fn cv(&self) -> Option<f64> {
        (self.n >= 2 && self.mean > 0.0).then(|| self.sd / self.mean)
    }
}

/// The two-sided 95 % critical value of Student's t with `df` degrees of freedom,
/// t(0.975, df): 12.706 for 1, 2.776 for 4, → 1.960 as df grows. `df` may be fractional
/// (Welch). `None` unless `df` is finite and positive. statrs agrees with mpmath to 1e-11 up
/// to df = 10 000 (1000 repetitions need at most 1998); past 10⁵ it drifts by ~1e-4.
pub fn t_critical(df: f64) -> Option<f64> {
    if !(df.is_finite() && df > 0.0) {
        return None;
    }
    let t = StudentsT::new(0.0, 1.0, df).ok()?;
    let q = t.inverse_cdf(1.0 - (1.0 - CONFIDENCE) / 2.0);
    q.is_finite().then_some(q)
}

/// The arithmetic mean (callers pass a non-empty slice).
pub(crate) fn mean(xs: &[f64]) -> f64 {
    xs.iter().sum::<f64>() / xs.len() as f64
}

/// The sample standard deviation around `mean`; `None` for fewer than two samples.
pub(crate) fn sample_sd(xs: &[f64], mean: f64) -> Option<f64> {
    (xs.len() >= 2).then(|| {
        let ss: f64 = xs.iter().map(|x| (x - mean).powi(2)).sum();
        (ss / (xs.len() - 1) as f64).sqrt()
    })
}

/// t(0.975, n − 1) · sd / √n, the half width of the one-sample interval; `None` when n < 2.
fn half_width(sd: f64, n: usize) -> Option<f64> {
    let t = t_critical(n.checked_sub(1)? as f64)?;
    Some(t * sd / (n as f64).sqrt())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn close(a: f64, b: f64, tol: f64) -> bool {
        (a - b).abs() <= tol
    }

    #[test]
    fn t_critical_matches_tables_and_mpmath() {
        // Reference: tools/stats-reference.py (mpmath, 30 digits); the integer ones also agree
        // with pyperf's _T_DIST_95_CONF_LEVELS table (12.706, 4.303, 2.776, 2.262).
        let cases = [
            (1.0, 12.706204736174694),
            (2.0, 4.302652729749462),
            (4.0, 2.7764451051977934),
            (9.0, 2.262157162798205),
            (7.5, 2.333039626864974),
            (1000.0, 1.962339080826408),
            (10000.0, 1.960201239890626),
        ];
        for (df, want) in cases {
            let got = t_critical(df).unwrap();
            assert!(
                close(got, want, 1e-9),
                "t(0.975, {df}) = {got}, want {want}"
            );
        }
    }

    #[test]
    fn t_critical_refuses_impossible_degrees_of_freedom() {
        for df in [0.0, -1.0, f64::NAN, f64::INFINITY] {
            assert_eq!(t_critical(df), None, "df {df}");
        }
    }

    #[test]
    fn summary_matches_python() {
        // Reference: tools/stats-reference.py: statistics.mean/stdev, t from mpmath.
        let s = Summary::of(&[10.2, 9.8, 10.5, 10.1, 9.9]).unwrap();
        assert_eq!(s.n, 5);
        assert!(close(s.mean, 10.1, 1e-12));
        assert!(close(s.sd, 0.27386127875258276, 1e-12));
        assert!(close(s.ci_low.unwrap(), 9.759956309670873, 1e-9));
        assert!(close(s.ci_high.unwrap(), 10.440043690329126, 1e-9));
        assert!(close(s.cv().unwrap(), 0.27386127875258276 / 10.1, 1e-12));
    }

    #[test]
    fn summary_edge_cases() {
        assert_eq!(Summary::of(&[]), None);
        assert_eq!(Summary::of(&[1.0, f64::NAN]), None);
        assert_eq!(Summary::of(&[1.0, f64::INFINITY]), None);
        let one = Summary::of(&[7.0]).unwrap();
        assert_eq!((one.n, one.mean, one.sd), (1, 7.0, 0.0));
        assert_eq!(
            (one.ci_low, one.ci_high, one.half_width(), one.cv()),
            (None, None, None, None)
        );
        // Two samples: t(0.975, 1) = 12.706…, sd = √2, half width = 12.706 · √2 / √2.
        let two = Summary::of(&[1.0, 3.0]).unwrap();
        assert!(close(two.half_width().unwrap(), 12.706204736174694, 1e-9));
        let flat = Summary::of(&[5.0; 4]).unwrap();
        assert_eq!(
            (flat.sd, flat.ci_low, flat.ci_high),
            (0.0, Some(5.0), Some(5.0))
        );
    }

    #[test]
    fn summary_serialises_missing_interval_as_null() {
        let json = serde_json::to_string(&Summary::of(&[7.0]).unwrap()).unwrap();
        assert_eq!(
            json,
            r#"{"n":1,"mean":7.0,"sd":0.0,"ci_low":null,"ci_high":null}"#
        );
        let back: Summary = serde_json::from_str(&json).unwrap();
        assert_eq!(back, Summary::of(&[7.0]).unwrap());
    }
}
