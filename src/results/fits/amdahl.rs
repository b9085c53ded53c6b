//! Amdahl's law: `S(N) = 1 / (s + (1 − s)/N)`, the serial fraction `s` and the speedup limit
//! `1/s`.
//!
//! Fitted as the USL with κ = 0 (`X(N) = λN / (1 + s(N − 1))` is `λ · S(N)`): λ, the
//! throughput of one worker, is fitted along with `s`, so the sweep need not start at one
//! worker and the base point's own noise is not taken for exact.

use super::{AMDAHL_MIN_POINTS, Estimate, Point, distinct, estimates, lsq, usl};
use serde::{Deserialize, Serialize};

/// Amdahl's law fitted to a sweep.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Amdahl {
    /// The serial fraction `s` (0: perfectly parallel), with its 95 % interval.
    pub s: Estimate,
    /// λ: the fitted throughput of one worker (tasks/s).
    pub lambda: Estimate,
    /// The speedup no worker count can exceed, `1/s`; its interval is `1/s` at the ends of
    /// `s`'s (no upper end when `s`'s interval reaches 0). Absent when `s` = 0.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub limit: Option<Estimate>,
    /// Whether the points were weighted by their repetitions' variance.
    pub weighted: bool,
    /// How many worker counts were fitted.
    pub points: usize,
}

impl Amdahl {
    /// The fitted throughput at `n` workers.
    pub fn throughput(&self, n: f64) -> f64 {
        lsq::usl(n, &[self.lambda.value, self.s.value, 0.0])
    }
}

/// Fits Amdahl's law to `points`, or says why not.
pub fn fit(points: &[Point]) -> Result<Amdahl, String> {
    let m = distinct(points);
    if m < AMDAHL_MIN_POINTS {
        return Err(format!(
            "Amdahl's law is not fitted: it needs at least {AMDAHL_MIN_POINTS} distinct worker \
             counts and this sweep has {m}."
        ));
    }
    let (data, scale, weighted) = super::data(points);
    let [lambda, sigma, _] = usl::seed(&data);
    let free = [true, true, false];
    let sol = [sigma, 0.0]
        .into_iter()
        .map(|s| lsq::fit(&data, [lambda, s, 0.0], free))
        .min_by(|a, b| a.cost.total_cmp(&b.cost))
        .ok_or_else(|| "Amdahl's law could not be fitted.".to_string())?;
    let [lambda, s, _] = estimates(&sol, m, free, [scale, 1.0, 1.0]);
    if s.value > 1.0 {
        // Above 1 the law's own formula gives throughput that falls with the workers: a
        // serial fraction cannot be more than the whole work.
        return Err(format!(
            "Amdahl's law is not fitted: throughput fell as workers were added (its serial \
             fraction would be {:.2}, more than the whole work), which it cannot describe; \
             the Universal Scalability Law's coherency term can, from {} distinct worker \
             counts.",
            s.value,
            super::USL_MIN_POINTS
        ));
    }
    let limit = (s.value > 0.0).then(|| Estimate {
        value: 1.0 / s.value,
        ci_low: s.ci_high.map(|hi| 1.0 / hi),
        ci_high: s.ci_low.filter(|lo| *lo > 0.0).map(|lo| 1.0 / lo),
    });
    Ok(Amdahl {
        s,
        lambda,
        limit,
        weighted,
        points: m,
    })
}
