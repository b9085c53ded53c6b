//! A fitted sweep in words, for the tables people read (`parlab run`, `parlab findings`, the
//! app's summary): one line per law, then what the fit could not do and its notes.

use super::{Estimate, SweepFit, usl::Peak, usl::Regime};
use crate::format::si;

/// A fitted parameter: fractions (σ, κ, s) with three decimals, throughputs as parlab
/// writes them.
fn number(v: f64) -> String {
    if v.abs() < 1.0 {
        format!("{v:.3}")
    } else {
        si(v)
    }
}

/// `0.033 (95 % CI 0.012–0.054)` with `unit` after the value, or the value alone without an
/// interval.
fn estimate(e: &Estimate, unit: &str) -> String {
    match (e.ci_low, e.ci_high) {
        (Some(lo), Some(hi)) => format!(
            "{}{unit} (95 % CI {}–{})",
            number(e.value),
            number(lo),
            number(hi)
        ),
        _ => format!("{}{unit}", number(e.value)),
    }
}

/// What bends the curve, in words.
fn regime(r: Regime) -> &'static str {
    match r {
        Regime::NearLinear => "near-linear",
        Regime::Contention => "contention-bound (levels off, does not fall)",
        Regime::Coherency => "coherency-bound (falls past its peak)",
        Regime::Undetermined => "contention or coherency: cannot tell (both intervals include 0)",
    }
}

impl SweepFit {
    /// The fit as lines of text: Amdahl's serial fraction and limit, the USL's parameters and
    /// peak, then the sentences of what was not fitted and why, and the notes.
    pub fn describe(&self) -> Vec<String> {
        let mut lines = Vec::new();
        if let Some(a) = self.amdahl() {
            let limit = a
                .limit
                .as_ref()
                .map_or("none (s = 0)".to_string(), |l| estimate(l, "×"));
            lines.push(format!(
                "{}: Amdahl serial fraction s = {}, speedup limit 1/s = {limit}",
                self.series,
                estimate(&a.s, "")
            ));
        }
        if let Some(u) = self.usl() {
            let peak = match (u.peak, u.n_star, u.throughput_at_n_star) {
                (Peak::Inside, Some(n), Some(x)) => {
                    format!("peak at N* = {} workers, {}/s", number(n), si(x))
                }
                (Peak::BeyondMeasuredRange, ..) => "peak beyond the measured range".to_string(),
                _ => "no peak".to_string(),
            };
            lines.push(format!(
                "{}: USL contention σ = {}, coherency κ = {}, one worker λ = {}; {peak}; {}",
                self.series,
                estimate(&u.sigma, ""),
                estimate(&u.kappa, ""),
                estimate(&u.lambda, "/s"),
                regime(u.regime)
            ));
        }
        lines.extend(
            self.not_fitted
                .iter()
                .map(|s| format!("{}: {s}", self.series)),
        );
        lines.extend(self.notes.iter().map(|s| format!("{}: {s}", self.series)));
        lines
    }
}
