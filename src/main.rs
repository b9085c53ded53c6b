//! The `parlab` executable: the command line, and the desktop app (`parlab gui`, the default
//! with no subcommand) when built with the default feature `gui`.

mod cli;

use std::ffi::OsStr;
use std::process::ExitCode;

fn main() -> ExitCode {
    // Worker processes start on every task of the per-task models: skip argument parsing.
    if std::env::args_os().nth(1).as_deref() == Some(OsStr::new("worker")) {
        return ExitCode::from(parlab::exec::worker::main().clamp(0, 255) as u8);
    }
    // Whatever a run's processes leave behind is reparented to parlab, which ends it.
    parlab::process::children::adopt_orphans();
    cli::main()
}
