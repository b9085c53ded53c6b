//! The workers' timelines as a Chrome Trace Event Format file, which Perfetto
//! (ui.perfetto.dev) and chrome://tracing open: `{"traceEvents": [...]}` with
//!
//! - one `"ph": "M"` `process_name` event per run (`pid` = the run's number from 1, named
//!   by its label) and a `process_sort_index` keeping the runs in the file's order;
//! - one `"ph": "M"` `thread_name` event per worker lane (`tid` = worker number from 1,
//!   named `worker N`);
//! - one complete event (`"ph": "X"`) per span, `ts` and `dur` in microseconds since the
//!   run clock started, named by its state (`running`, `creating`, `moving`, `waiting`:
//!   for a lock) with the task index in `args.task`.
//!
//! Runs are processes and workers threads, so a whole profile compares in one window.
//! Runs without a worker timeline (files from older parlab versions) have no lanes.

use crate::metrics::spans::{Span, WorkerTimeline};
use crate::results::{Results, RunResult};
use serde_json::{Value, json};
use std::path::Path;

/// Why a trace could not be written.
#[derive(Debug, thiserror::Error)]
pub enum TraceError {
    /// The file could not be written.
    #[error("cannot write the trace to {path}: {source}")]
    Write {
        /// Where.
        path: String,
        /// Why.
        source: std::io::Error,
    },
    /// The events could not be encoded (never expected: they are plain numbers and text).
    #[error("cannot encode the trace: {0}")]
    Encode(#[from] serde_json::Error),
}

/// The trace of every run of `results`, as JSON text.
pub fn trace_json(results: &Results) -> Result<Vec<u8>, TraceError> {
    let mut out = Vec::with_capacity(1 << 16);
    out.extend_from_slice(b"{\"traceEvents\":[\n");
    let mut first = true;
    let mut push = |event: &Value, out: &mut Vec<u8>| -> Result<(), TraceError> {
        if !std::mem::take(&mut first) {
            out.extend_from_slice(b",\n");
        }
        serde_json::to_writer(&mut *out, event)?;
        Ok(())
    };
    for (r, run) in results.runs.iter().enumerate() {
        let pid = r + 1;
        for event in run_metadata(run, pid) {
            push(&event, &mut out)?;
        }
        let Some(timeline) = &run.worker_timeline else {
            continue;
        };
        for (w, lane) in timeline.lanes.iter().enumerate() {
            let tid = w + 1;
            push(&thread_name(pid, tid), &mut out)?;
            for span in &lane.spans {
                push(&complete(pid, tid, span), &mut out)?;
            }
        }
    }
    out.extend_from_slice(b"\n],\"displayTimeUnit\":\"ms\"}\n");
    Ok(out)
}

/// Writes the trace of `results` to `path` (atomically, like every output).
pub fn write_trace(results: &Results, path: &Path) -> Result<(), TraceError> {
    let bytes = trace_json(results)?;
    crate::fsutil::write_output(path, &bytes).map_err(|source| TraceError::Write {
        path: crate::format::printable(&path.display().to_string()).into_owned(),
        source,
    })
}

/// The run's name and place among the processes of the trace.
fn run_metadata(run: &RunResult, pid: usize) -> [Value; 2] {
    let thinned = match run.worker_timeline.as_deref() {
        Some(WorkerTimeline {
            thinned: true,
            span_limit,
            ..
        }) => format!(" (spans of the first {span_limit} tasks)"),
        _ => String::new(),
    };
    [
        json!({"name": "process_name", "ph": "M", "pid": pid, "tid": 0,
               "args": {"name": format!("{}{thinned}", run.label)}}),
        json!({"name": "process_sort_index", "ph": "M", "pid": pid, "tid": 0,
               "args": {"sort_index": pid}}),
    ]
}

fn thread_name(pid: usize, tid: usize) -> Value {
    json!({"name": "thread_name", "ph": "M", "pid": pid, "tid": tid,
           "args": {"name": format!("worker {tid}")}})
}

fn complete(pid: usize, tid: usize, span: &Span) -> Value {
    json!({"name": span.state.name(), "cat": span.state.name(), "ph": "X",
           "pid": pid, "tid": tid,
           "ts": span.start_ns as f64 / 1000.0, "dur": span.duration_ns() as f64 / 1000.0,
           "args": {"task": span.task}})
}
