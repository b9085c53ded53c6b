//! Gunther's Universal Scalability Law: `X(N) = λN / (1 + σ(N − 1) + κN(N − 1))`.
//!
//! σ (contention) is the share of the work that queues for something shared; κ (coherency)
//! the cost of every pair of workers agreeing with each other (cache lines, locks handed
//! around), which makes throughput fall past the peak `N* = √((1 − σ)/κ)`. λ is the
//! throughput of one worker. Seeded from Gunther's quadratic transform, then fitted by
//! bounded, weighted least squares ([`super::lsq`]).

use super::lsq::{self, Data, Params};
use super::{Estimate, Point, USL_MIN_POINTS, distinct, estimates};
use serde::{Deserialize, Serialize};

/// Contention and coherency together cost less than this at the largest worker count
/// fitted: the curve is near-linear.
const NEAR_LINEAR: f64 = 0.05;

/// Where the fitted curve peaks.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Peak {
    /// No peak: κ = 0 (throughput rises towards λ/σ for ever), or σ ≥ 1.
    None,
    /// N* lies within twice the largest worker count fitted.
    Inside,
    /// N* lies beyond twice the largest worker count fitted: too far to say.
    BeyondMeasuredRange,
}

/// What limits the curve.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Regime {
    /// σ and κ together cost under 5 % at the largest worker count fitted.
    NearLinear,
    /// σ dominates: throughput levels off towards λ/σ and does not fall.
    Contention,
    /// κ matters: throughput peaks (at N*) and then falls.
    Coherency,
    /// The curve is not near-linear, but neither σ's nor κ's 95 % interval excludes 0: the
    /// points cannot tell which of the two bends it.
    Undetermined,
}

/// The USL fitted to a sweep.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Usl {
    /// σ, contention (0 ≤ σ), with its 95 % interval.
    pub sigma: Estimate,
    /// κ, coherency (0 ≤ κ), with its 95 % interval.
    pub kappa: Estimate,
    /// λ, the throughput of one worker (tasks/s), with its 95 % interval.
    pub lambda: Estimate,
    /// Where the curve peaks.
    pub peak: Peak,
    /// N*, when the peak lies within twice the largest worker count fitted.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub n_star: Option<f64>,
    /// The fitted throughput at N* (tasks/s).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub throughput_at_n_star: Option<f64>,
    /// Contention- or coherency-bound (or near-linear).
    pub regime: Regime,
    /// Whether the points were weighted by their repetitions' variance.
    pub weighted: bool,
    /// How many worker counts were fitted.
    pub points: usize,
}

impl Usl {
    /// The fitted throughput at `n` workers.
    pub fn throughput(&self, n: f64) -> f64 {
        lsq::usl(n, &self.params())
    }

    fn params(&self) -> Params {
        [self.lambda.value, self.sigma.value, self.kappa.value]
    }
}

/// Starting values from Gunther's transform: with `C(N) = X(N)/X(1)`,
/// `N/C(N) − 1 = κ(N − 1)² + (σ + κ)(N − 1)`, a quadratic through the origin fitted by
/// ordinary least squares. X(1) is the measured one-worker point, or the smallest worker
/// count's throughput per worker when the sweep does not start at one.
pub(super) fn seed(data: &Data) -> Params {
    let base = (0..data.n.len())
        .min_by(|&a, &b| data.n[a].total_cmp(&data.n[b]))
        .map_or(1.0, |i| data.y[i] / data.n[i]);
    let (mut s2, mut s3, mut s4, mut s1z, mut s2z) = (0.0, 0.0, 0.0, 0.0, 0.0);
    for (&n, &y) in data.n.iter().zip(&data.y) {
        let (x, z) = (n - 1.0, n / (y / base) - 1.0);
        s2 += x * x;
        s3 += x * x * x;
        s4 += x * x * x * x;
        s1z += x * z;
        s2z += x * x * z;
    }
    let det = s4 * s2 - s3 * s3;
    let a = if det.abs() > 1e-12 * s4 * s2 {
        (s2z * s2 - s1z * s3) / det
    } else {
        0.0
    };
    let (kappa, sigma) = if a > 0.0 {
        (a, ((s4 * s1z - s3 * s2z) / det - a).max(0.0))
    } else {
        (0.0, if s2 > 0.0 { (s1z / s2).max(0.0) } else { 0.0 })
    };
    [base, sigma, kappa]
}

/// Fits the USL to `points`, or says why not; the note says where a peak beyond the
/// measured range went.
pub fn fit(points: &[Point]) -> Result<(Usl, Option<String>), String> {
    let m = distinct(points);
    if m < USL_MIN_POINTS {
        return Err(format!(
            "The Universal Scalability Law is not fitted: it needs at least {USL_MIN_POINTS} \
             distinct worker counts and this sweep has {m}."
        ));
    }
    let (data, scale, weighted) = super::data(points);
    let start = seed(&data);
    let sol = [start, [start[0], start[1], 0.0], [start[0], 0.0, 0.0]]
        .into_iter()
        .map(|p| lsq::fit(&data, p, [true; 3]))
        .min_by(|a, b| a.cost.total_cmp(&b.cost))
        .ok_or_else(|| "The Universal Scalability Law could not be fitted.".to_string())?;
    let [lambda, sigma, kappa] = estimates(&sol, m, [true; 3], [scale, 1.0, 1.0]);
    let largest = points.iter().map(|p| p.n).max().unwrap_or(1) as f64;
    let mut usl = Usl {
        sigma,
        kappa,
        lambda,
        peak: Peak::None,
        n_star: None,
        throughput_at_n_star: None,
        regime: Regime::Contention,
        weighted,
        points: m,
    };
    let note = place_peak(&mut usl, largest);
    usl.regime = regime(&usl, largest);
    Ok((usl, note))
}

/// Sets the peak from σ and κ; a peak past twice `largest` is not reported (the note says so).
fn place_peak(usl: &mut Usl, largest: f64) -> Option<String> {
    let (sigma, kappa) = (usl.sigma.value, usl.kappa.value);
    if !(kappa > 0.0 && sigma < 1.0) {
        return None;
    }
    let n_star = ((1.0 - sigma) / kappa).sqrt();
    if n_star <= 2.0 * largest {
        usl.peak = Peak::Inside;
        usl.n_star = Some(n_star);
        usl.throughput_at_n_star = Some(usl.throughput(n_star));
        return None;
    }
    usl.peak = Peak::BeyondMeasuredRange;
    Some(format!(
        "The fitted peak lies beyond the measured range (past {} workers, twice the largest \
         fitted), where the fit cannot say where throughput would stop growing.",
        2.0 * largest
    ))
}

/// Near-linear when σ and κ cost under 5 % at `largest`. Otherwise the term the point
/// estimates favour (coherency when κ's term is the larger there or the curve peaks within
/// reach, else contention), provided its interval excludes 0; when it does not, the other
/// term if its interval does, else undetermined: a parameter whose interval holds 0 may be
/// absent, and a regime named after it would be a guess.
pub(super) fn regime(usl: &Usl, largest: f64) -> Regime {
    let contention = usl.sigma.value * (largest - 1.0);
    let coherency = usl.kappa.value * largest * (largest - 1.0);
    if contention + coherency < NEAR_LINEAR {
        return Regime::NearLinear;
    }
    let (sigma, kappa) = (above_zero(&usl.sigma), above_zero(&usl.kappa));
    let favoured = coherency >= contention || usl.peak == Peak::Inside;
    match (favoured, kappa, sigma) {
        (true, true, _) | (false, true, false) => Regime::Coherency,
        (false, _, true) | (true, false, true) => Regime::Contention,
        _ => Regime::Undetermined,
    }
}

/// True when `e`'s 95 % interval lies wholly above 0 (false without an interval).
fn above_zero(e: &Estimate) -> bool {
    e.ci_low.is_some_and(|lo| lo > 0.0)
}
