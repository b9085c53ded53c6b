//! The `chunk` option of a `threads` run: how many tasks a worker claims per grab from the
//! shared queue, or `"static"`: the tasks split evenly up front, each worker a contiguous
//! range (static scheduling, as `#pragma omp for schedule(static)`). Absent: the chunk
//! adapts to the task length (the default).

use super::{Model, RunSpec, Stop};
use crate::validation::{FieldPath, ValidationError};
use serde::de::{self, Visitor};
use serde::{Deserialize, Deserializer, Serialize, Serializer};
use std::fmt;

/// How `threads` workers claim tasks.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Chunk {
    /// This many tasks per grab from the shared queue (fewer near the end).
    Tasks(u64),
    /// Each worker runs a contiguous `1/workers` of the tasks, fixed before the run.
    Static,
}

impl Chunk {
    /// As in a profile: `static`, or the number of tasks per grab.
    pub fn describe(self) -> String {
        match self {
            Chunk::Tasks(n) => n.to_string(),
            Chunk::Static => "static".into(),
        }
    }
}

/// The largest chunk a profile may ask for (the adaptive chunk's own ceiling).
pub const MAX_CHUNK: u64 = 1 << 16;

impl Serialize for Chunk {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        match self {
            Chunk::Tasks(n) => s.serialize_u64(*n),
            Chunk::Static => s.serialize_str("static"),
        }
    }
}

struct ChunkVisitor;

impl Visitor<'_> for ChunkVisitor {
    type Value = Chunk;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a number of tasks per grab or \"static\"")
    }

    fn visit_u64<E: de::Error>(self, n: u64) -> Result<Chunk, E> {
        Ok(Chunk::Tasks(n))
    }

    fn visit_i64<E: de::Error>(self, n: i64) -> Result<Chunk, E> {
        u64::try_from(n)
            .map(Chunk::Tasks)
            .map_err(|_| E::custom(format!("chunk must be at least 1, got {n}")))
    }

    fn visit_str<E: de::Error>(self, s: &str) -> Result<Chunk, E> {
        match s {
            "static" => Ok(Chunk::Static),
            other => Err(E::custom(format!(
                "chunk must be a number of tasks or \"static\", got \"{other}\""
            ))),
        }
    }
}

impl<'de> Deserialize<'de> for Chunk {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Chunk, D::Error> {
        d.deserialize_any(ChunkVisitor)
    }
}

/// The problems of `run`'s `chunk`, at `at` (the run's path).
pub fn validate(run: &RunSpec, at: &FieldPath) -> Vec<ValidationError> {
    let Some(chunk) = run.chunk else {
        return Vec::new();
    };
    let at = at.key("chunk");
    let problem = match chunk {
        _ if run.model != Model::Threads => Some(format!(
            "chunk applies to the threads model only, not {}: remove it or set model = \"threads\"",
            run.model
        )),
        Chunk::Tasks(n) if !(1..=MAX_CHUNK).contains(&n) => Some(format!(
            "chunk must be between 1 and {MAX_CHUNK} tasks, got {n}"
        )),
        Chunk::Static if run.tasks.is_none() => Some(
            "chunk = \"static\" splits a known number of tasks: set tasks instead of duration_s"
                .to_string(),
        ),
        Chunk::Static if run.arrival_rate.is_some() => Some(
            "chunk = \"static\" splits the tasks up front, but under arrival_rate they arrive \
             one by one: remove chunk or arrival_rate"
                .to_string(),
        ),
        _ => None,
    };
    problem
        .map(|m| ValidationError::new(at, m))
        .into_iter()
        .collect()
}

/// Worker `w`'s share of `stop`'s tasks under static chunking: a contiguous range, the
/// shares of all workers covering `0..n` once.
pub fn static_share(stop: Stop, w: usize, workers: usize) -> std::ops::Range<u64> {
    let n = match stop {
        Stop::Tasks(n) => n as u128,
        Stop::Duration(_) => 0,
    };
    let workers = workers.max(1) as u128;
    let at = |k: u128| (n * k / workers) as u64;
    at(w as u128)..at(w as u128 + 1)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn static_shares_cover_every_task_once() {
        let shares: Vec<_> = (0..3)
            .map(|w| static_share(Stop::Tasks(10), w, 3))
            .collect();
        assert_eq!(shares, vec![0..3, 3..6, 6..10]);
    }

    #[test]
    fn reads_numbers_and_static() {
        #[derive(Deserialize)]
        struct T {
            chunk: Chunk,
        }
        let read = |s: &str| toml::from_str::<T>(s).map(|t| t.chunk);
        assert_eq!(read("chunk = 8").ok(), Some(Chunk::Tasks(8)));
        assert_eq!(read("chunk = \"static\"").ok(), Some(Chunk::Static));
        let e = read("chunk = \"dynamic\"").err().map(|e| e.to_string());
        assert!(
            e.unwrap_or_default()
                .contains("number of tasks or \"static\"")
        );
    }
}
