//! `workers = 4` or `workers = [1, 2, 4]`.

use serde::de::{self, SeqAccess, Visitor};
use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// A worker count or a sweep of counts.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Workers(Vec<u64>, Negatives);

/// Negative counts read from a file, by position (held as 0 among the counts): validation,
/// which knows the run's model and so its limit, reports them as written.
type Negatives = Vec<(usize, i64)>;

impl Workers {
    /// A single count.
    pub fn one(n: u64) -> Self {
        Self(vec![n], Vec::new())
    }

    /// A sweep over `counts`.
    pub fn sweep(counts: Vec<u64>) -> Self {
        Self(counts, Vec::new())
    }

    /// The counts, in the order given.
    pub fn counts(&self) -> &[u64] {
        &self.0
    }

    /// Parses what a person types: counts and ranges separated by commas or spaces,
    /// e.g. `4`, `1, 2, 4, 8` or `1-4, 8` (a range includes both ends).
    pub fn parse(text: &str) -> Result<Self, String> {
        let mut counts = Vec::new();
        for part in text
            .split([',', ' '])
            .map(str::trim)
            .filter(|p| !p.is_empty())
        {
            let number = |s: &str| {
                s.trim()
                    .parse::<u64>()
                    .map_err(|_| format!("workers: `{s}` is not a whole number; write counts like 1, 2, 4 or a range like 1-8"))
            };
            match part.split_once('-') {
                Some((a, b)) => {
                    let (a, b) = (number(a)?, number(b)?);
                    if a > b || b - a > 1024 {
                        return Err(format!(
                            "workers: the range {part} must go from low to high and span at most 1024 counts"
                        ));
                    }
                    counts.extend(a..=b);
                }
                None => counts.push(number(part)?),
            }
        }
        if counts.is_empty() {
            return Err("workers: enter a count like 4, or a sweep like 1, 2, 4".into());
        }
        Ok(Self(counts, Vec::new()))
    }

    /// Count `j` as the file wrote it (a negative count is held as 0 in [`counts`](Self::counts)).
    pub fn written(&self, j: usize) -> String {
        match self.1.iter().find(|(at, _)| *at == j) {
            Some((_, v)) => v.to_string(),
            None => self.0.get(j).map(u64::to_string).unwrap_or_default(),
        }
    }

    /// The counts as [`parse`](Self::parse) reads them back: `1, 2, 4`.
    pub fn to_text(&self) -> String {
        self.0
            .iter()
            .map(u64::to_string)
            .collect::<Vec<_>>()
            .join(", ")
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

/// Adds `v` to `workers`; a negative count is kept for validation to report with the
/// run's own limit (the model is not known here).
fn push(workers: &mut Workers, v: i64) {
    let at = workers.0.len();
    workers.0.push(u64::try_from(v).unwrap_or_else(|_| {
        workers.1.push((at, v));
        0
    }));
}

impl<'de> Visitor<'de> for WorkersVisitor {
    type Value = Workers;

    fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
        f.write_str(EXPECTED)
    }

    fn visit_i64<E: de::Error>(self, v: i64) -> Result<Workers, E> {
        let mut workers = Workers(Vec::new(), Vec::new());
        push(&mut workers, v);
        Ok(workers)
    }

    fn visit_u64<E: de::Error>(self, v: u64) -> Result<Workers, E> {
        Ok(Workers::one(v))
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Workers, A::Error> {
        let mut workers = Workers(Vec::new(), Vec::new());
        while let Some(v) = seq.next_element::<i64>()? {
            push(&mut workers, v);
        }
        Ok(workers)
    }
}

#[cfg(test)]
mod tests {
    use super::Workers;

    #[test]
    fn parses_lists_and_ranges() {
        assert_eq!(Workers::parse("4").unwrap().counts(), [4]);
        assert_eq!(Workers::parse("1, 2,4 8").unwrap().counts(), [1, 2, 4, 8]);
        assert_eq!(Workers::parse("1-3, 8").unwrap().counts(), [1, 2, 3, 8]);
        assert_eq!(
            Workers::parse(&Workers::sweep(vec![1, 16]).to_text())
                .unwrap()
                .counts(),
            [1, 16]
        );
        assert!(
            Workers::parse("two")
                .unwrap_err()
                .contains("not a whole number")
        );
        assert!(Workers::parse("8-1").is_err());
        assert!(Workers::parse(" ").is_err());
    }
}
