//! Command-line interface: a thin layer over the engine.

mod chart;
mod compare;
mod findings;
mod gui;
mod lean_worker;
mod open_summary;
mod outputs;
mod progress;
mod run;
mod summary;

use clap::{Parser, Subcommand};
use parlab::format::{printable, printable_lines};
use std::path::PathBuf;
use std::process::ExitCode;

/// Exit status for bad input: an invalid profile, a missing file, a bad argument.
pub const EXIT_BAD_INPUT: u8 = 2;
/// Exit status when a run failed.
pub const EXIT_RUN_FAILED: u8 = 1;
/// Exit status when the runs finished but an output could not be written (the results were
/// saved to a fallback file instead, named on stderr).
pub const EXIT_OUTPUT_FAILED: u8 = 3;
/// Exit status when the user stopped the run (128 + SIGINT, as shells report it).
pub const EXIT_STOPPED: u8 = 130;

#[derive(Parser)]
#[command(
    name = "parlab",
    version,
    about = "Profile parallel workloads: threads or processes, pool or spawn-per-task, and what each costs on this machine.",
    after_help = "Exit status of `run` (and of `gui --start` once its window closes): 0 every run completed, 1 a run failed, 2 bad input, 3 an output could not be written (results saved to a fallback file), 130 stopped with Ctrl-C. Of `compare`: 0 compared, 1 a regression with --fail-on-regression, 2 bad input, 3 --json could not be written."
)]
struct Cli {
    #[command(subcommand)]
    command: Option<Command>,
}

#[derive(Subcommand)]
enum Command {
    /// Open the desktop app, optionally with a profile loaded (the default with no subcommand).
    Gui(gui::GuiArgs),
    /// Run every run of a profile and report what was measured.
    Run(run::RunArgs),
    /// Draw a chart (PNG/SVG) from a results file.
    Chart(chart::ChartArgs),
    /// Compare two results files run by run: NEW's throughput against BASE's, with its 95 %
    /// interval and a verdict.
    Compare(compare::CompareArgs),
    /// Say what a results file's measurements mean: findings with the runs and figures they
    /// rest on (`--md FILE`: also as a Markdown report).
    Findings(findings::FindingsArgs),
    /// Check a profile without running it; errors name file, line and field.
    Validate {
        /// The profile (TOML).
        profile: PathBuf,
    },
    /// Serve as a worker process for the process models (stdin/stdout protocol).
    #[command(hide = true)]
    Worker,
    /// Run a profile for the app and stream what it measures (stdin/stdout, see
    /// `parlab::stream`).
    #[command(hide = true)]
    Engine,
}

/// Parses the command line and runs the chosen command.
pub fn main() -> ExitCode {
    install_panic_hook();
    let cli = Cli::parse();
    if starts_workers(cli.command.as_ref()) {
        lean_worker::ensure();
    }
    // What parlab starts itself is ended by a guardian process if parlab is killed outright
    // (the lean worker in guardian mode, once `ensure` has built it where it was missing).
    if let Ok(worker) = parlab::exec::WorkerCommand::current_exe() {
        parlab::process::guardian::enable(worker);
    }
    match cli.command {
        None => gui::gui(&gui::GuiArgs::default()),
        Some(Command::Gui(args)) => gui::gui(&args),
        Some(Command::Run(args)) => run::run(&args),
        Some(Command::Chart(args)) => chart::chart(&args),
        Some(Command::Compare(args)) => compare::compare(&args),
        Some(Command::Findings(args)) => findings::findings(&args),
        Some(Command::Validate { profile }) => validate(&profile),
        Some(Command::Worker) => ExitCode::from(parlab::exec::worker::main().clamp(0, 255) as u8),
        Some(Command::Engine) => ExitCode::from(parlab::stream::serve::main().clamp(0, 255) as u8),
    }
}

/// The commands whose runs may start worker processes (the app, `run`): under `cargo run`
/// they build the lean worker first if it is missing. Not the hidden modes, `validate`, `chart`.
fn starts_workers(command: Option<&Command>) -> bool {
    let app = matches!(command, None | Some(Command::Gui(_)));
    (app && cfg!(feature = "gui")) || matches!(command, Some(Command::Run(_)))
}

fn validate(path: &std::path::Path) -> ExitCode {
    match parlab::profile::load_file(path) {
        Ok(profile) => {
            let plan = profile.plan();
            let labels: Vec<_> = plan.iter().map(|r| printable(&r.label)).collect();
            println!(
                "{}: valid, {} run{}: {}",
                printable(&path.display().to_string()),
                plan.len(),
                if plan.len() == 1 { "" } else { "s" },
                labels.join(", ")
            );
            println!("{}", run::estimate_line(&profile));
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("error: {}", printable_lines(&e.to_string()));
            ExitCode::from(EXIT_BAD_INPUT)
        }
    }
}

/// A task that panics fails its run with the panic message; printing it a second time as a
/// Rust backtrace note would only alarm. Other panics are bugs and print as usual.
fn install_panic_hook() {
    let default = std::panic::take_hook();
    std::panic::set_hook(Box::new(move |info| {
        if !parlab::exec::task::in_task() {
            default(info);
        }
    }));
}
