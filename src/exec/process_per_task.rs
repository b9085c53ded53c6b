//! `process-per-task`: every task starts a new `parlab worker` process; at most N are alive.

use super::processes::{Broken, conclude, expect_done, expect_ready, run_frame, start};
use super::protocol::ProtocolError;
use super::run::{RunCtx, run_workers};
use super::task::WARMUP_BASE;
use crate::metrics::Recorder;
use std::time::Instant;

/// Runs the run's tasks, one new process each, from `workers` spawning slots.
pub fn execute(ctx: &RunCtx) {
    run_workers(ctx, "spawner", worker);
}

/// Runs task `index` in a new worker process; `None` when the run is being stopped.
fn run_one(
    ctx: &RunCtx,
    w: usize,
    index: u64,
    done_so_far: u64,
) -> Result<Option<(Instant, u64)>, String> {
    let mut child = start(ctx, w)?;
    let mut latency = None;
    let outcome = (|| -> Result<(), Broken> {
        child.queue(&run_frame(ctx, index, 1))?;
        child.close_stdin()?;
        expect_ready(&mut child)?;
        let latencies = expect_done(&mut child)?;
        match latencies.as_slice() {
            [ns] => {
                latency = Some((Instant::now(), *ns));
                Ok(())
            }
            _ => Err(Broken::Protocol(ProtocolError::Garbage(format!(
                "{} latencies for one task",
                latencies.len()
            )))),
        }
    })();
    conclude(ctx, w, child, outcome, done_so_far)?;
    Ok(latency)
}

fn worker(ctx: &RunCtx, w: usize, recorder: &mut Recorder) -> Result<(), String> {
    let mut warm = Ok(());
    for k in 0..ctx.warmup_share(w) {
        if let Err(e) = run_one(ctx, w, WARMUP_BASE + k, 0) {
            warm = Err(e);
            break;
        }
    }
    ctx.sync_start(recorder);
    warm?;
    while let Some(range) = ctx.source.claim(1) {
        for index in range {
            match run_one(ctx, w, index, recorder.completed())? {
                Some((end, ns)) => recorder.record(end, ns),
                None => return Ok(()),
            }
        }
    }
    Ok(())
}
