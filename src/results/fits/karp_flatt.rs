//! The Karp–Flatt metric (Karp and Flatt, 1990): the serial fraction each measured point
//! implies, `e(N) = (1/S − 1/N) / (1 − 1/N)`. Constant `e` is Amdahl's law; `e` that grows
//! with N points at overhead that grows with the workers (contention, coherency).

use crate::results::scaling::ScalingPoint;
use serde::{Deserialize, Serialize};

/// The experimentally determined serial fraction at one worker count.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct KarpFlatt {
    /// Workers.
    pub workers: usize,
    /// The measured speedup it is computed from.
    pub speedup: f64,
    /// `e = (1/S − 1/N) / (1 − 1/N)`; negative for super-linear speedup (kept as measured).
    pub serial_fraction: f64,
}

/// `e(N)` for each point with more than one worker.
pub fn karp_flatt(points: &[ScalingPoint]) -> Vec<KarpFlatt> {
    points
        .iter()
        .filter(|p| p.workers > 1 && p.speedup > 0.0)
        .map(|p| {
            let n = p.workers as f64;
            KarpFlatt {
                workers: p.workers,
                speedup: p.speedup,
                serial_fraction: (1.0 / p.speedup - 1.0 / n) / (1.0 - 1.0 / n),
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn point(workers: usize, speedup: f64) -> ScalingPoint {
        ScalingPoint {
            workers,
            throughput: speedup,
            speedup,
            efficiency: speedup / workers as f64,
            speedup_ci: None,
        }
    }

    #[test]
    fn matches_hand_computed_values() {
        // N = 2, S = 1.6: (0.625 − 0.5) / 0.5 = 0.25.
        // N = 4, S = 2.5: (0.4 − 0.25) / 0.75 = 0.2.
        // N = 8, S = 8: 0 (linear). N = 4, S = 5: (0.2 − 0.25) / 0.75 = −1/15 (super-linear).
        let points = [point(1, 1.0), point(2, 1.6), point(4, 2.5), point(8, 8.0)];
        let e = karp_flatt(&points);
        assert_eq!(e.iter().map(|k| k.workers).collect::<Vec<_>>(), [2, 4, 8]);
        assert!((e[0].serial_fraction - 0.25).abs() < 1e-12);
        assert!((e[1].serial_fraction - 0.2).abs() < 1e-12);
        assert!(e[2].serial_fraction.abs() < 1e-12);
        let superlinear = karp_flatt(&[point(4, 5.0)]);
        assert!((superlinear[0].serial_fraction + 1.0 / 15.0).abs() < 1e-12);
    }
}
