//! `parlab gui [PROFILE] [--start [--export-results FILE] [--quit-when-done]]`: the desktop
//! app, optionally running a profile by itself (see `src/gui/automation.rs`).

use super::EXIT_BAD_INPUT;
use parlab::format::printable_lines;
use std::path::PathBuf;
use std::process::ExitCode;

/// Arguments of `parlab gui`.
#[derive(clap::Args, Default)]
pub struct GuiArgs {
    /// A profile (TOML) to open.
    profile: Option<PathBuf>,
    /// Start the profile as soon as the window is up. Once the window closes, parlab exits
    /// with the statuses of `parlab run` (see `parlab --help`).
    #[arg(long, requires = "profile")]
    start: bool,
    /// Write the results as JSON (schema parlab-results/1, as `parlab run --json`) to FILE
    /// when the profile finishes or is stopped.
    #[arg(long, value_name = "FILE", requires = "start")]
    export_results: Option<PathBuf>,
    /// Close the window once the profile finished and its results are written.
    #[arg(long, requires = "start")]
    quit_when_done: bool,
    /// Start even when a run is estimated to need more memory or temporary disk space than
    /// this machine has available.
    #[arg(long, requires = "start")]
    force: bool,
}

fn bad_input(message: impl std::fmt::Display) -> ExitCode {
    eprintln!("error: {}", printable_lines(&message.to_string()));
    ExitCode::from(EXIT_BAD_INPUT)
}

/// Opens the app; checks the profile and the output file first, so a typo is a sentence on
/// the terminal, not a lost run.
#[cfg(feature = "gui")]
pub fn gui(args: &GuiArgs) -> ExitCode {
    use super::{EXIT_OUTPUT_FAILED, EXIT_RUN_FAILED, EXIT_STOPPED};
    use parlab::gui::automation::{Automation, AutomationOptions, SessionEnd};
    let profile = match args.profile.as_deref().map(parlab::profile::load_file) {
        Some(Err(e)) => return bad_input(e),
        loaded => loaded.and_then(Result::ok),
    };
    if let (Some(out), Some(input)) = (&args.export_results, &args.profile) {
        let output = super::outputs::Output {
            flag: "--export-results",
            extension: "json",
            path: out,
        };
        if let Err(e) = super::outputs::check_all(&[output], &[input]) {
            return bad_input(e);
        }
    }
    let mut approved_commands = Vec::new();
    if let (true, Some(profile)) = (args.start, &profile) {
        // As `parlab run` does: the user's go, with what will run shown first.
        if let Err(e) = super::run::check_needs_unless(profile, args.force) {
            return bad_input(e);
        }
        approved_commands = profile.external_commands();
        super::run::show_external_commands(&approved_commands);
    }
    let automation = args.start.then(|| {
        Automation::new(AutomationOptions {
            export_results: args.export_results.clone(),
            quit_when_done: args.quit_when_done,
            approved_commands,
            force: args.force,
        })
    });
    let outcome = match parlab::gui::run(profile, automation) {
        Ok(outcome) => outcome,
        Err(e) => {
            eprintln!("error: {}", printable_lines(&e.to_string()));
            return ExitCode::from(EXIT_RUN_FAILED);
        }
    };
    if !args.start {
        return ExitCode::SUCCESS;
    }
    let Some(outcome) = outcome else {
        eprintln!("the window closed before the profile started: nothing was measured");
        return ExitCode::from(EXIT_STOPPED);
    };
    for message in &outcome.messages {
        eprintln!("{}", printable_lines(message));
    }
    ExitCode::from(match outcome.end {
        SessionEnd::Completed => 0,
        SessionEnd::RunFailed => EXIT_RUN_FAILED,
        SessionEnd::OutputFailed => EXIT_OUTPUT_FAILED,
        SessionEnd::Stopped => EXIT_STOPPED,
    })
}

/// A build without the `gui` feature has the command line only: say so plainly, and what
/// works instead.
#[cfg(not(feature = "gui"))]
pub fn gui(_args: &GuiArgs) -> ExitCode {
    bad_input(
        "this build of parlab has no desktop app (it was built without the `gui` feature); \
         run a profile with `parlab run PROFILE`, or see `parlab --help`",
    )
}
