//! `workers = 4` or `workers = [1, 2, 4]`.

use serde::de::{self, SeqAccess, Visitor};
use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// A worker count or a sweep of counts.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Workers(Vec<u64>);

impl Workers {
    /// A single count.
    pub fn one(n: u64) -> Self {
        Self(vec![n])
    }

    /// A sweep over `counts`.
    pub fn sweep(counts: Vec<u64>) -> Self {
        Self(counts)
    }

    /// The counts, in the order given.
    pub fn counts(&self) -> &[u64] {
        &self.0
    }
}

impl Serialize for Workers {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        match self.0.as_slice() {
            [one] => s.serialize_u64(*one),
            many => many.serialize(s),
        }
    }
}

impl<'de> Deserialize<'de> for Workers {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        d.deserialize_any(WorkersVisitor)
    }
}

struct WorkersVisitor;

const EXPECTED: &str = "a whole number of workers or a list of them, like 4 or [1, 2, 4]";

fn count<E: de::Error>(v: i64) -> Result<u64, E> {
    u64::try_from(v).map_err(|_| E::custom(format!("workers must be between 1 and 1024, got {v}")))
}

impl<'de> Visitor<'de> for WorkersVisitor {
    type Value = Workers;

    fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
        f.write_str(EXPECTED)
    }

    fn visit_i64<E: de::Error>(self, v: i64) -> Result<Workers, E> {
        Ok(Workers(vec![count(v)?]))
    }

    fn visit_u64<E: de::Error>(self, v: u64) -> Result<Workers, E> {
        Ok(Workers(vec![v]))
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Workers, A::Error> {
        let mut counts = Vec::new();
        while let Some(v) = seq.next_element::<i64>()? {
            counts.push(count(v)?);
        }
        Ok(Workers(counts))
    }
}
