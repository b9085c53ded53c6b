//! The engine as a child process: `parlab engine` runs a profile with the same engine as
//! `parlab run` and streams what it measures to the process that started it (the app), so
//! that the app's own drawing, memory and CPU never count in a run's figures.
//!
//! # The stream format (`parlab-stream/1`)
//!
//! Both directions carry JSON Lines: one JSON object per line, UTF-8, `\n`-terminated.
//!
//! The starter writes to the engine's standard input:
//!
//! | line | meaning |
//! |------|---------|
//! | `{"command":"start","source":NAME,"profile_toml":TEXT}` | run this profile (first line, once); `source` names it in error messages |
//! | `{"command":"stop"}` | stop now and keep what was measured (as Ctrl-C does for `parlab run`) |
//!
//! End of file on the engine's standard input also stops the run: the starter is gone.
//!
//! The engine writes to its standard output (it moves its own standard output to stderr
//! first, so nothing else can reach the stream), about four times a second while a run is
//! live:
//!
//! | `event` | fields | meaning |
//! |---------|--------|---------|
//! | `hello` | `format`, `pid`, `runs`, `configs`, `rounds`, `seed`, `worker`, `host`? | the engine started: this format, its pid, the number of steps (`configs` planned runs × `rounds` repetitions), the seed of their order, the worker program of the process models and the machine as the session found it (a results file's `host`, its load average taken at the start) |
//! | `run` | `index`, `config`, `round`, `label` | step `index` (0-based) began: repetition `round` of planned run `config` |
//! | `live` | `index`, `tasks_done`, `elapsed_s`, `snapshot`?, `timeline`, `cpu_rows` | progress: `snapshot` (a results-file run with status `running` and empty series, when it changed; an open-load run's carries its open fields so far, `unstarted` being the arrivals waiting now), the timeline points (with `queue_len` in an open-load run) and per-core CPU rows (%) added since the last `live` |
//! | `finished` | `index`, `run` | step `index` ended: `run` is that one repetition |
//! | `merged` | `index`, `run` | every repetition of planned run `index` ended: `run` is exactly what `parlab run --json` writes for it |
//! | `end` | `stopped` | every run ended (`stopped`: a stop ended the session early); the engine exits 0 |
//! | `error` | `message` | the engine could not run the profile (a sentence); the engine exits 2 |
//!
//! Events come in order: a run's `finished` before the next run's `run`; a run that starts
//! and ends between two updates has no `run` event. Unknown fields are ignored, so fields
//! may be added without a new format name.

pub mod client;
pub mod serve;
mod spawner;

pub use client::{EngineCommand, EngineSession};
pub use spawner::spawner_tid;

use crate::metrics::aggregate::TimelinePoint;
use crate::results::RunResult;
use serde::{Deserialize, Serialize};

/// The name of the format, sent in the `hello` event.
pub const FORMAT: &str = "parlab-stream/1";

/// What the starter tells the engine.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "command", rename_all = "snake_case")]
pub enum Command {
    /// Run a profile.
    Start {
        /// The profile's name in error messages (its file, or "the app's profile").
        source: String,
        /// The profile as TOML.
        profile_toml: String,
    },
    /// Stop the session, keeping what was measured.
    Stop,
}

/// What the engine tells the starter.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "event", rename_all = "snake_case")]
pub enum Event {
    /// The engine started.
    Hello {
        /// [`FORMAT`].
        format: String,
        /// The engine's process id.
        pid: u32,
        /// Steps planned: planned runs × repetitions.
        runs: usize,
        /// Planned runs (configurations).
        #[serde(default)]
        configs: usize,
        /// Repetitions of each.
        #[serde(default)]
        rounds: usize,
        /// The seed of the order of the steps.
        #[serde(default)]
        seed: u64,
        /// The worker program of the process models, shell-quoted.
        worker: String,
        /// The machine as the session found it when it started (absent from older engines).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        host: Option<crate::results::Host>,
    },
    /// A step began.
    Run {
        /// Its index among the steps.
        index: usize,
        /// The planned run it repeats.
        #[serde(default)]
        config: usize,
        /// Its repetition (round).
        #[serde(default)]
        round: usize,
        /// Its label.
        label: String,
    },
    /// Progress of the live run.
    Live {
        /// The run's index in the plan.
        index: usize,
        /// Tasks completed so far.
        tasks_done: u64,
        /// Seconds since the run clock started.
        elapsed_s: f64,
        /// Everything measured so far (series empty), when it changed since the last event.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        snapshot: Option<Box<RunResult>>,
        /// Timeline points closed since the last event.
        #[serde(default)]
        timeline: Vec<TimelinePoint>,
        /// CPU samples since the last event: each core's utilisation (%).
        #[serde(default)]
        cpu_rows: Vec<Vec<f32>>,
    },
    /// A step ended.
    Finished {
        /// Its index among the steps.
        index: usize,
        /// What it measured.
        run: Box<RunResult>,
    },
    /// Every repetition of a planned run ended.
    Merged {
        /// The planned run's index in the plan.
        index: usize,
        /// The run merged over its repetitions.
        run: Box<RunResult>,
    },
    /// Every run ended.
    End {
        /// A stop ended the session before its last run.
        stopped: bool,
    },
    /// The engine could not run the profile.
    Error {
        /// Why, as a sentence.
        message: String,
    },
}

/// One line of the stream: the JSON of `value`, newline-terminated.
pub fn encode<T: Serialize>(value: &T) -> String {
    // Plain data (numbers, strings, lists) always serialises.
    let mut line = serde_json::to_string(value).unwrap_or_default();
    line.push('\n');
    line
}

/// Reads one line of the stream.
pub fn decode<T: for<'de> Deserialize<'de>>(line: &str) -> Result<T, String> {
    serde_json::from_str(line.trim_end()).map_err(|e| {
        let start: String = line.trim_end().chars().take(80).collect();
        format!(
            "the engine sent a line parlab cannot read ({e}): \"{}\"",
            crate::format::printable(&start)
        )
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn commands_round_trip() {
        for command in [
            Command::Start {
                source: "p.toml".into(),
                profile_toml: "name = \"x\"\n".into(),
            },
            Command::Stop,
        ] {
            let line = encode(&command);
            assert!(line.ends_with('\n') && !line[..line.len() - 1].contains('\n'));
            assert_eq!(decode::<Command>(&line).unwrap(), command);
        }
    }

    #[test]
    fn a_garbled_line_is_a_sentence() {
        let err = decode::<Event>("{\"event\":\"nonsense\"}\n").unwrap_err();
        assert!(
            err.starts_with("the engine sent a line parlab cannot read"),
            "{err}"
        );
    }
}
