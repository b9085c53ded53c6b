//! What every worker did over time: its task spans and its busy time per timeline bucket.
//!
//! # The data (the `worker_timeline` field of a run in a results file)
//!
//! [`WorkerTimeline`] has one [`WorkerLane`] per worker (`lanes[w]` is worker `w`, 0-based:
//! a thread of `threads`/`pool`, a spawning slot of the per-task models, a worker process of
//! `processes`). A lane holds
//!
//! - `spans`: [`Span`]s in time order, never overlapping, each `start_ns .. end_ns` in
//!   nanoseconds since the run clock started (the end of warm-up, the same origin as the
//!   run's `timeline` and CPU series), with the task index and a [`SpanState`]: `running`
//!   a task, `creating` its thread or process (per-task models), `moving` data through the
//!   worker's pipes (process models), `waiting` for a lock inside a task (in-process
//!   models, as the task reports it: `contention`; the task's span is then split into
//!   running, waiting, running spans of the same task). Time outside every span is idle
//!   (waiting for work, for the other workers, or for the start line). In JSON a span is
//!   the array `[start_ns, end_ns, task, state]`, with state `0` running, `1` creating,
//!   `2` moving, `3` waiting, written on one line (200 000 spans: about 6 MB).
//! - `running_ns`, `creating_ns`, `moving_ns`, `waiting_ns`: the time in each state per
//!   timeline bucket
//!   (`[i, i+1) × bucket_s`), for the whole run, exact also where spans were thinned.
//!   Empty arrays (omitted in JSON) when the worker never was in that state.
//!
//! Spans are bounded: each worker keeps the spans of its first `span_limit / workers`
//! tasks (`SPAN_LIMIT` tasks per run in all, fewer when a session has so many runs that
//! they would hold more than `SESSION_SPAN_LIMIT` together); `thinned` says whether some
//! were left out.
//! The bucket totals cost 4 bytes per state per worker per 250 ms bucket (12 for the
//! three states a model uses at most, running, waiting and creating or moving: 173 KB
//! per worker-hour).
//!
//! Workers record spans into their own [`SpanBuffer`] (no lock) and hand them over with the
//! bucket flushes of their recorder (`recorder.rs`); the aggregator appends them.

use serde::{Deserialize, Serialize};

/// Spans kept per run at most, all workers together; beyond this only bucket totals are
/// kept.
pub const SPAN_LIMIT: u64 = 200_000;

/// Spans a session may hold at once, all its runs together (about 64 MB in memory, 60 MB in
/// a results file): a profile of many configurations or repetitions keeps fewer per run
/// (see [`run_limit`]), so that its memory and its results file stay bounded.
pub const SESSION_SPAN_LIMIT: u64 = 2_000_000;

/// Spans each run of a session keeps, when `held` runs' timelines are held at once (every
/// configuration's repetitions while they run, see `exec::merge`): `SPAN_LIMIT`, or
/// less where `held` of them would pass [`SESSION_SPAN_LIMIT`].
pub fn run_limit(held: usize) -> u64 {
    (SESSION_SPAN_LIMIT / held.max(1) as u64).min(SPAN_LIMIT)
}

/// What a worker was doing during a span.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum SpanState {
    /// Running a task (its latency).
    Running,
    /// Creating the task's thread or process (per-task models), up to the task's start.
    Creating,
    /// Moving data: a process worker's pipe time between its batches of tasks, or a
    /// per-task process's result on its way back.
    Moving,
    /// Waiting for a lock inside a task (part of the task's latency, not of its running
    /// time).
    Waiting,
}

impl SpanState {
    /// Every state, in code order (`ALL[k].code() == k`).
    pub const ALL: [SpanState; 4] = [
        SpanState::Running,
        SpanState::Creating,
        SpanState::Moving,
        SpanState::Waiting,
    ];

    /// The code a span carries in JSON.
    pub fn code(self) -> u8 {
        match self {
            SpanState::Running => 0,
            SpanState::Creating => 1,
            SpanState::Moving => 2,
            SpanState::Waiting => 3,
        }
    }

    fn from_code(code: u8) -> Option<Self> {
        match code {
            0 => Some(SpanState::Running),
            1 => Some(SpanState::Creating),
            2 => Some(SpanState::Moving),
            3 => Some(SpanState::Waiting),
            _ => None,
        }
    }

    /// The state as people read it (`running`, `creating`, `moving`, `waiting`).
    pub fn name(self) -> &'static str {
        match self {
            SpanState::Running => "running",
            SpanState::Creating => "creating",
            SpanState::Moving => "moving",
            SpanState::Waiting => "waiting",
        }
    }
}

/// One span of a worker: `[start_ns, end_ns, task, state]` in JSON.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(into = "(u64, u64, u64, u8)", try_from = "(u64, u64, u64, u8)")]
pub struct Span {
    /// Start, in nanoseconds since the run clock started.
    pub start_ns: u64,
    /// End, in nanoseconds since the run clock started (`>= start_ns`).
    pub end_ns: u64,
    /// The task's index (`0..` in claim order).
    pub task: u64,
    /// What the worker was doing.
    pub state: SpanState,
}

impl Span {
    /// Its length in nanoseconds.
    pub fn duration_ns(&self) -> u64 {
        self.end_ns.saturating_sub(self.start_ns)
    }
}

impl From<Span> for (u64, u64, u64, u8) {
    fn from(s: Span) -> Self {
        (s.start_ns, s.end_ns, s.task, s.state.code())
    }
}

impl TryFrom<(u64, u64, u64, u8)> for Span {
    type Error = String;
    fn try_from((start_ns, end_ns, task, code): (u64, u64, u64, u8)) -> Result<Self, String> {
        let state =
            SpanState::from_code(code).ok_or_else(|| format!("a span with state code {code}"))?;
        if end_ns < start_ns {
            return Err(format!("a span that ends ({end_ns} ns) before it starts"));
        }
        Ok(Span {
            start_ns,
            end_ns,
            task,
            state,
        })
    }
}

/// Writes `spans` as one line of JSON, also inside pretty-printed results: one number per
/// line would make 200 000 spans 25 MB instead of 6.
fn one_line<S: serde::Serializer>(spans: &[Span], s: S) -> Result<S::Ok, S::Error> {
    use serde::ser::Error;
    let text = serde_json::to_string(spans).map_err(S::Error::custom)?;
    serde_json::value::RawValue::from_string(text)
        .map_err(S::Error::custom)?
        .serialize(s)
}

/// One worker's lane (see the module docs).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct WorkerLane {
    /// Its spans in time order (its first tasks' only, when `thinned`).
    #[serde(default, serialize_with = "one_line")]
    pub spans: Vec<Span>,
    /// Nanoseconds running tasks, per timeline bucket.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub running_ns: Vec<u32>,
    /// Nanoseconds creating threads or processes, per timeline bucket.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub creating_ns: Vec<u32>,
    /// Nanoseconds moving data, per timeline bucket.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub moving_ns: Vec<u32>,
    /// Nanoseconds waiting for a lock inside tasks, per timeline bucket.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub waiting_ns: Vec<u32>,
}

impl WorkerLane {
    /// The per-bucket totals of `state`.
    pub fn buckets(&self, state: SpanState) -> &[u32] {
        match state {
            SpanState::Running => &self.running_ns,
            SpanState::Creating => &self.creating_ns,
            SpanState::Moving => &self.moving_ns,
            SpanState::Waiting => &self.waiting_ns,
        }
    }

    fn buckets_mut(&mut self, state: SpanState) -> &mut Vec<u32> {
        match state {
            SpanState::Running => &mut self.running_ns,
            SpanState::Creating => &mut self.creating_ns,
            SpanState::Moving => &mut self.moving_ns,
            SpanState::Waiting => &mut self.waiting_ns,
        }
    }

    /// Total nanoseconds in `state` over the whole run.
    pub fn total_ns(&self, state: SpanState) -> u64 {
        self.buckets(state).iter().map(|&n| u64::from(n)).sum()
    }

    /// Adds `ns` of `state` to bucket `bucket`.
    pub fn add(&mut self, state: SpanState, bucket: usize, ns: u64) {
        let v = self.buckets_mut(state);
        if v.len() <= bucket {
            v.resize(bucket + 1, 0);
        }
        // A bucket is 250 ms: its total fits a u32 of nanoseconds.
        v[bucket] = v[bucket].saturating_add(u32::try_from(ns).unwrap_or(u32::MAX));
    }

    /// The end of its last span, in nanoseconds since the run clock started.
    pub fn last_end_ns(&self) -> Option<u64> {
        self.spans.iter().map(|s| s.end_ns).max()
    }
}

/// Every worker's lane of one run (see the module docs).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct WorkerTimeline {
    /// Width of a bucket of the per-bucket totals, in seconds (0.25).
    pub bucket_s: f64,
    /// Spans kept per run at most (all workers together).
    pub span_limit: u64,
    /// True when some spans were left out (the lanes hold their workers' first tasks).
    pub thinned: bool,
    /// One lane per worker, `lanes[w]` for worker `w`.
    pub lanes: Vec<WorkerLane>,
}

/// One worker's span buffer and bucket totals, owned by that worker (no lock); drained
/// into each bucket flush.
#[derive(Debug, Default)]
pub struct SpanBuffer {
    /// Spans recorded since the last flush.
    pub spans: Vec<Span>,
    /// Per-bucket totals since the last flush, as `(bucket, state, ns)`.
    pub busy: Vec<(u64, SpanState, u64)>,
    /// Spans this worker may still keep.
    pub room: u64,
    /// True once a span was left out for lack of room.
    pub thinned: bool,
    /// The run-clock bounds of the bucket of `busy`'s last entry.
    open: (u64, u64),
}

impl SpanBuffer {
    /// A buffer that keeps at most `room` spans.
    pub fn new(room: u64) -> Self {
        Self {
            room,
            ..Self::default()
        }
    }

    /// Keeps `span` while there is room (its time is counted elsewhere).
    #[inline]
    pub fn keep(&mut self, span: Span) {
        if self.room > 0 {
            self.room -= 1;
            self.spans.push(span);
        } else {
            self.thinned = true;
        }
    }

    /// Records `[start_ns, end_ns)` of `state` for `task`, splitting its time over the
    /// buckets of `bucket_ns` it covers.
    #[inline]
    pub fn push(&mut self, span: Span, bucket_ns: u64) {
        self.keep(span);
        self.add_time(span, bucket_ns);
    }

    /// Adds `span`'s time to the bucket totals, without keeping the span.
    #[inline]
    pub fn add_time(&mut self, span: Span, bucket_ns: u64) {
        // Most spans fall in the bucket and state of the one before: no division.
        if let Some((_, s, ns)) = self.busy.last_mut()
            && *s == span.state
            && span.start_ns >= self.open.0
            && span.end_ns <= self.open.1
        {
            *ns += span.end_ns - span.start_ns;
            return;
        }
        self.split(span, bucket_ns);
    }

    /// Adds a span's time bucket by bucket.
    fn split(&mut self, span: Span, bucket_ns: u64) {
        let (mut at, end) = (span.start_ns, span.end_ns);
        while at < end {
            let bucket = at / bucket_ns;
            let upto = ((bucket + 1) * bucket_ns).min(end);
            match self.busy.last_mut() {
                Some((b, s, ns)) if *b == bucket && *s == span.state => *ns += upto - at,
                _ => self.busy.push((bucket, span.state, upto - at)),
            }
            self.open = (bucket * bucket_ns, (bucket + 1) * bucket_ns);
            at = upto;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn spans_read_back_as_written() {
        let span = Span {
            start_ns: 5,
            end_ns: 9,
            task: 3,
            state: SpanState::Moving,
        };
        let json = serde_json::to_string(&span).unwrap();
        assert_eq!(json, "[5,9,3,2]");
        assert_eq!(serde_json::from_str::<Span>(&json).unwrap(), span);
        assert!(serde_json::from_str::<Span>("[9,5,3,0]").is_err());
        assert!(serde_json::from_str::<Span>("[5,9,3,7]").is_err());
    }

    #[test]
    fn a_span_across_buckets_is_split_and_room_is_bounded() {
        let mut buffer = SpanBuffer::new(1);
        let span = |start_ns, end_ns| Span {
            start_ns,
            end_ns,
            task: 0,
            state: SpanState::Running,
        };
        buffer.push(span(50, 250), 100);
        buffer.push(span(260, 270), 100);
        assert_eq!(buffer.spans.len(), 1);
        assert!(buffer.thinned);
        assert_eq!(
            buffer.busy,
            vec![
                (0, SpanState::Running, 50),
                (1, SpanState::Running, 100),
                (2, SpanState::Running, 60)
            ]
        );
    }
}
