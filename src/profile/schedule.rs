//! Repetitions: the order in which a session runs every repetition of every planned run.
//!
//! Interleaved (the default): each round runs every configuration once, in an order shuffled
//! with a seeded generator, so slow drift (thermal throttling, a backup starting) spreads
//! over all configurations instead of landing on one. Sequential: every repetition of a
//! configuration, then the next configuration.

use serde::{Deserialize, Serialize};

/// The fewest and most repetitions a profile may ask for.
pub const REPETITIONS: std::ops::RangeInclusive<usize> = 1..=1000;

/// The repetitions new profiles (the app's New, the examples) ask for: the fewest with which
/// a verdict can be claimed.
pub const DEFAULT_NEW_REPETITIONS: usize = 3;

/// In what order a session runs the repetitions of its configurations.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Order {
    /// Each round runs every configuration once, in a shuffled (seeded) order.
    #[default]
    Interleaved,
    /// Every repetition of a configuration runs before the next configuration.
    Sequential,
}

/// One step of a session: repetition `round` of configuration `config`, at `position` in
/// its round.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Step {
    /// Index of the planned run (configuration).
    pub config: usize,
    /// The round (0-based): the repetition's number.
    pub round: usize,
    /// Its place in the round's order (0-based).
    pub position: usize,
}

/// Every step of `configs` configurations repeated `rounds` times, in `order`; `seed` shuffles
/// each round of an interleaved session.
pub fn schedule(configs: usize, rounds: usize, order: Order, seed: u64) -> Vec<Step> {
    let mut steps = Vec::with_capacity(configs * rounds);
    match order {
        Order::Sequential => {
            for config in 0..configs {
                for round in 0..rounds {
                    steps.push(Step {
                        config,
                        round,
                        position: config,
                    });
                }
            }
        }
        Order::Interleaved => {
            let mut rng = SplitMix64(seed);
            for round in 0..rounds {
                let mut order: Vec<usize> = (0..configs).collect();
                // One configuration, or one round: nothing to shuffle (and the order stays
                // the profile's, as without repetitions).
                if rounds > 1 {
                    shuffle(&mut order, &mut rng);
                }
                steps.extend(
                    order
                        .into_iter()
                        .enumerate()
                        .map(|(position, config)| Step {
                            config,
                            round,
                            position,
                        }),
                );
            }
        }
    }
    steps
}

/// A seed for a session that did not ask for one: different every time.
pub fn fresh_seed() -> u64 {
    use std::hash::{BuildHasher, Hasher};
    let mut hasher = std::collections::hash_map::RandomState::new().build_hasher();
    hasher.write_u128(
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| d.as_nanos()),
    );
    hasher.write_u32(std::process::id());
    // Seeds stay below 2^53 so that they survive any JSON reader as exact numbers.
    hasher.finish() >> 11
}

/// SplitMix64 (Steele, Lea and Flood, 2014): small, fast and well mixed; the same seed gives
/// the same order on every machine, which a recorded seed needs.
struct SplitMix64(u64);

impl SplitMix64 {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// A number in `0..n` (n ≥ 1), without the modulo bias that matters for small n.
    fn below(&mut self, n: usize) -> usize {
        ((u128::from(self.next()) * n as u128) >> 64) as usize
    }
}

/// Fisher–Yates.
fn shuffle(items: &mut [usize], rng: &mut SplitMix64) {
    for i in (1..items.len()).rev() {
        let j = rng.below(i + 1);
        items.swap(i, j);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_round_runs_every_configuration_once() {
        let steps = schedule(4, 5, Order::Interleaved, 42);
        assert_eq!(steps.len(), 20);
        for round in 0..5 {
            let mut configs: Vec<usize> = steps
                .iter()
                .filter(|s| s.round == round)
                .map(|s| s.config)
                .collect();
            let positions: Vec<usize> = steps
                .iter()
                .filter(|s| s.round == round)
                .map(|s| s.position)
                .collect();
            assert_eq!(positions, [0, 1, 2, 3]);
            configs.sort_unstable();
            assert_eq!(configs, [0, 1, 2, 3]);
        }
        // Rounds come one after another.
        assert!(steps.windows(2).all(|w| w[0].round <= w[1].round));
    }

    #[test]
    fn the_seed_decides_the_order_and_repeats_it() {
        let a = schedule(6, 4, Order::Interleaved, 7);
        assert_eq!(a, schedule(6, 4, Order::Interleaved, 7));
        assert_ne!(a, schedule(6, 4, Order::Interleaved, 8));
        // Shuffled: not every round in the profile's order.
        assert!(a.iter().any(|s| s.config != s.position));
    }

    #[test]
    fn shuffles_are_uniform_enough() {
        // Over many seeds, each configuration is first about equally often.
        let mut first = [0usize; 3];
        for seed in 0..3000 {
            first[schedule(3, 2, Order::Interleaved, seed)[0].config] += 1;
        }
        assert!(first.iter().all(|&n| (850..1150).contains(&n)), "{first:?}");
    }

    #[test]
    fn one_repetition_keeps_the_profiles_order() {
        let steps = schedule(3, 1, Order::Interleaved, 99);
        let configs: Vec<usize> = steps.iter().map(|s| s.config).collect();
        assert_eq!(configs, [0, 1, 2]);
    }

    #[test]
    fn sequential_runs_each_configuration_to_the_end() {
        let steps = schedule(2, 3, Order::Sequential, 0);
        let pairs: Vec<(usize, usize)> = steps.iter().map(|s| (s.config, s.round)).collect();
        assert_eq!(pairs, [(0, 0), (0, 1), (0, 2), (1, 0), (1, 1), (1, 2)]);
    }

    #[test]
    fn fresh_seeds_differ_and_fit_json() {
        let (a, b) = (fresh_seed(), fresh_seed());
        assert_ne!(a, b);
        assert!(a < 1 << 53 && b < 1 << 53);
    }
}
