//! The quality bars of issue 13 on synthetic samples: an A/A comparison (two labels, one
//! distribution) must rarely claim a difference, and a real 10 % difference must be found.
//! Seeded, so each run draws the same numbers.

use super::{Pairing, Verdict, ratio};

const TRIALS: usize = 2000;
const REPS: usize = 5;

/// SplitMix64 (Steele, Lea and Flood, 2014): small, seeded, good enough for test samples.
struct SplitMix(u64);

impl SplitMix {
    fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// Uniform in (0, 1].
    fn uniform(&mut self) -> f64 {
        ((self.next_u64() >> 11) + 1) as f64 / (1u64 << 53) as f64
    }

    /// Standard normal (Box–Muller).
    fn normal(&mut self) -> f64 {
        let (u, v) = (self.uniform(), self.uniform());
        (-2.0 * u.ln()).sqrt() * (std::f64::consts::TAU * v).cos()
    }

    /// `REPS` throughputs around `mean` with relative noise `cv`, each times `drift[i]`.
    fn samples(&mut self, mean: f64, cv: f64, drift: &[f64]) -> Vec<f64> {
        drift
            .iter()
            .map(|d| mean * d * (1.0 + cv * self.normal()))
            .collect()
    }
}

/// The share of trials that end in `want`, each drawing a (mean `ma`) and b (mean 1000), 2 %
/// noise, with a drift shared by each round of 5 % when `drift` is set.
fn rate(seed: u64, ma: f64, drift: bool, pairing: Pairing, want: Verdict) -> f64 {
    let mut rng = SplitMix(seed);
    let hits = (0..TRIALS)
        .filter(|_| {
            let rounds: Vec<f64> = (0..REPS)
                .map(|_| {
                    if drift {
                        1.0 + 0.05 * rng.normal()
                    } else {
                        1.0
                    }
                })
                .collect();
            let a = rng.samples(ma, 0.02, &rounds);
            let b = rng.samples(1000.0, 0.02, &rounds);
            ratio(&a, &b, pairing).and_then(|r| r.verdict()) == Some(want)
        })
        .count();
    hits as f64 / TRIALS as f64
}

#[test]
fn a_a_comparisons_rarely_claim_a_difference() {
    // At the 95 % level about 95 % of A/A trials find no difference. The band fails both ways:
    // an interval too narrow (false alarms) or too wide (a test that cannot find anything).
    let same = Verdict::NoSignificantDifference;
    let unpaired = rate(13, 1000.0, false, Pairing::Unpaired, same);
    assert!(
        (0.92..=0.98).contains(&unpaired),
        "unpaired A/A: {unpaired}"
    );
    let paired = rate(14, 1000.0, true, Pairing::Paired, same);
    assert!(
        (0.92..=0.98).contains(&paired),
        "paired A/A with drift: {paired}"
    );
    // Unpaired ignores the drift the rounds share: wider intervals, fewer false alarms still.
    let noisy = rate(15, 1000.0, true, Pairing::Unpaired, same);
    assert!(noisy >= 0.92, "unpaired A/A with drift: {noisy}");
}

#[test]
fn a_ten_percent_difference_is_found() {
    let faster = rate(16, 1100.0, false, Pairing::Unpaired, Verdict::Faster);
    assert!(faster >= 0.95, "unpaired, 10 % faster: found in {faster}");
    let paired = rate(17, 1100.0, true, Pairing::Paired, Verdict::Faster);
    assert!(
        paired >= 0.95,
        "paired with 5 % drift, 10 % faster: found in {paired}"
    );
    let slower = rate(18, 1000.0 / 1.1, false, Pairing::Unpaired, Verdict::Slower);
    assert!(slower >= 0.95, "unpaired, 10 % slower: found in {slower}");
}
