//! `parlab-worker`: the child side of the process models on its own, without the desktop
//! app linked in, so that starting a worker process (once per task in the process-per-task
//! model) costs little more than starting any small program. `parlab worker` does the same.

use std::process::ExitCode;

fn main() -> ExitCode {
    ExitCode::from(parlab::exec::worker::main().clamp(0, 255) as u8)
}
