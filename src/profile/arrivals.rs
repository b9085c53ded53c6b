//! Open-model load in a `[[run]]`: `arrival_rate = 800` (or a list, a sweep),
//! `arrivals = "uniform" | "poisson"` and `max_queue`. Without `arrival_rate` a run is a
//! closed loop (each worker takes the next task when it finished one).

use super::RunSpec;
use crate::validation::{FieldPath, ValidationError};
use serde::de::{self, SeqAccess, Visitor};
use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// How arrivals are spaced.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Arrivals {
    /// Exactly `1 / rate` apart.
    #[default]
    Uniform,
    /// Exponential gaps of mean `1 / rate` from a seeded generator: the same profile gives
    /// the same schedule.
    Poisson,
}

/// An arrival rate or a sweep of rates (tasks per second).
#[derive(Debug, Clone, PartialEq)]
pub struct Rates(pub Vec<f64>);

/// A rate as written: `800`, not `800.0`, when it is whole (a profile saved as it was read).
#[derive(Serialize)]
#[serde(untagged)]
enum Written {
    Whole(u64),
    Fraction(f64),
}

fn written(rate: f64) -> Written {
    if rate.fract() == 0.0 && (0.0..=MAX_RATE).contains(&rate) {
        Written::Whole(rate as u64)
    } else {
        Written::Fraction(rate)
    }
}

impl Serialize for Rates {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        match self.0.as_slice() {
            [one] => written(*one).serialize(s),
            many => s.collect_seq(many.iter().map(|r| written(*r))),
        }
    }
}

impl<'de> Deserialize<'de> for Rates {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        d.deserialize_any(RatesVisitor)
    }
}

struct RatesVisitor;

impl<'de> Visitor<'de> for RatesVisitor {
    type Value = Rates;

    fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
        f.write_str("tasks per second or a list of them, like 800 or [200, 400, 800]")
    }

    fn visit_i64<E: de::Error>(self, v: i64) -> Result<Rates, E> {
        Ok(Rates(vec![v as f64]))
    }

    fn visit_u64<E: de::Error>(self, v: u64) -> Result<Rates, E> {
        Ok(Rates(vec![v as f64]))
    }

    fn visit_f64<E: de::Error>(self, v: f64) -> Result<Rates, E> {
        Ok(Rates(vec![v]))
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Rates, A::Error> {
        let mut rates = Vec::new();
        while let Some(v) = seq.next_element::<f64>()? {
            rates.push(v);
        }
        Ok(Rates(rates))
    }
}

/// The open-model load of one planned run.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct OpenLoad {
    /// Tasks per second offered.
    pub rate: f64,
    /// How they are spaced.
    pub arrivals: Arrivals,
    /// Arrivals waiting for a worker beyond this many are dropped.
    pub max_queue: u64,
    /// Seeds the Poisson gaps.
    pub seed: u64,
}

/// The queue cap when a run sets none: 16 bytes an entry, so at most 16 MB.
pub const DEFAULT_MAX_QUEUE: u64 = 1_000_000;
/// The largest `max_queue` a run may set (160 MB of queue).
pub const MAX_MAX_QUEUE: u64 = 10_000_000;
/// The highest arrival rate a run may set (tasks per second).
pub const MAX_RATE: f64 = 10_000_000.0;
/// The seed of the Poisson schedule when the profile sets no `seed`.
pub const DEFAULT_ARRIVAL_SEED: u64 = 0x5eed_a771_7a15;

/// The loads a run plans, one per rate (one `None` for a closed-loop run).
pub fn loads(run: &RunSpec, seed: Option<u64>) -> Vec<Option<OpenLoad>> {
    let Some(rates) = &run.arrival_rate else {
        return vec![None];
    };
    rates
        .0
        .iter()
        .map(|&rate| {
            Some(OpenLoad {
                rate,
                arrivals: run.arrivals.unwrap_or_default(),
                max_queue: run.max_queue.unwrap_or(DEFAULT_MAX_QUEUE),
                seed: seed.unwrap_or(DEFAULT_ARRIVAL_SEED),
            })
        })
        .collect()
}

/// How many runs the rates of `run` multiply its worker counts by.
pub fn rate_count(run: &RunSpec) -> usize {
    run.arrival_rate.as_ref().map_or(1, |r| r.0.len().max(1))
}

/// The located problems of a run's load fields.
pub fn validate(run: &RunSpec, at: &FieldPath) -> Vec<ValidationError> {
    let mut errors = Vec::new();
    let Some(rates) = &run.arrival_rate else {
        for (key, set) in [
            ("arrivals", run.arrivals.is_some()),
            ("max_queue", run.max_queue.is_some()),
        ] {
            if set {
                errors.push(ValidationError::new(
                    at.key(key),
                    format!("{key} only applies to an open-model run: set arrival_rate too"),
                ));
            }
        }
        return errors;
    };
    let at_rate = at.key("arrival_rate");
    if rates.0.is_empty() {
        errors.push(ValidationError::new(
            at_rate.clone(),
            "arrival_rate must list at least one rate, like [200, 400]",
        ));
    }
    for (j, &rate) in rates.0.iter().enumerate() {
        if !(rate > 0.0 && rate <= MAX_RATE) {
            let path = if rates.0.len() > 1 {
                at_rate.index(j)
            } else {
                at_rate.clone()
            };
            errors.push(ValidationError::new(
                path,
                format!(
                    "arrival_rate must be more than 0 and at most {MAX_RATE} tasks per second, got {rate}"
                ),
            ));
        }
    }
    if let Some(q) = run.max_queue
        && !(1..=MAX_MAX_QUEUE).contains(&q)
    {
        errors.push(ValidationError::new(
            at.key("max_queue"),
            format!("max_queue must be between 1 and {MAX_MAX_QUEUE}, got {q}"),
        ));
    }
    errors
}

/// A rate as a label shows it: `800/s`, `12.5/s`.
pub fn rate_label(rate: f64) -> String {
    if rate.fract() == 0.0 {
        format!("{rate:.0}/s")
    } else {
        format!("{rate}/s")
    }
}
