//! `parlab run PROFILE`: execute a profile with a progress display, print a summary,
//! write the results.

use super::progress::ProgressView;
use super::{EXIT_BAD_INPUT, EXIT_RUN_FAILED, EXIT_STOPPED, summary};
use parlab::exec::{Session, WorkerCommand, children};
use parlab::results::RunStatus;
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

/// Arguments of `parlab run`.
#[derive(clap::Args)]
pub struct RunArgs {
    /// The profile (TOML).
    profile: PathBuf,
    /// Write the results as JSON (schema parlab-results/1) to FILE.
    #[arg(long, value_name = "FILE")]
    json: Option<PathBuf>,
    /// No progress display.
    #[arg(long, short)]
    quiet: bool,
}

fn bad_input(message: impl std::fmt::Display) -> ExitCode {
    eprintln!("error: {message}");
    ExitCode::from(EXIT_BAD_INPUT)
}

/// Checks before running that an output file can be created, so an hour-long run is not
/// lost to a typo in a path.
fn check_output(path: &Path) -> Result<(), String> {
    let dir = match path.parent() {
        Some(d) if !d.as_os_str().is_empty() => d,
        _ => Path::new("."),
    };
    if path.is_dir() {
        return Err(format!(
            "cannot write results to {}: it is a directory",
            path.display()
        ));
    }
    if !dir.is_dir() {
        return Err(format!(
            "cannot write results to {}: folder {} does not exist",
            path.display(),
            dir.display()
        ));
    }
    Ok(())
}

/// Runs the command.
pub fn run(args: &RunArgs) -> ExitCode {
    let profile = match parlab::profile::load_file(&args.profile) {
        Ok(p) => p,
        Err(e) => return bad_input(e),
    };
    if let Some(json) = &args.json
        && let Err(e) = check_output(json)
    {
        return bad_input(e);
    }
    let commands: Vec<String> = profile
        .runs
        .iter()
        .flat_map(|r| r.workload.workload().external_commands())
        .collect();
    if !commands.is_empty() {
        eprintln!("This profile runs external programs:");
        for c in &commands {
            eprintln!("  {c}");
        }
    }
    let worker = match WorkerCommand::current_exe() {
        Ok(w) => w,
        Err(e) => {
            return bad_input(format!(
                "cannot find parlab's own executable to start worker processes: {e}"
            ));
        }
    };
    let session = match Session::start(profile, worker) {
        Ok(s) => s,
        Err(e) => {
            eprintln!("error: cannot start the run: {e}");
            return ExitCode::from(EXIT_RUN_FAILED);
        }
    };
    install_stop_handler(&session);
    let mut view = ProgressView::new(args.quiet);
    while !session.wait_timeout(Duration::from_millis(100)) {
        view.update(&session.progress());
    }
    view.update(&session.progress());
    view.finish();
    let results = session.wait();
    print!("{}", summary::render(&results));
    let mut code = if results.runs.iter().any(|r| r.status == RunStatus::Stopped) {
        EXIT_STOPPED
    } else if results.runs.iter().any(|r| r.status == RunStatus::Failed) {
        EXIT_RUN_FAILED
    } else {
        0
    };
    if let Some(path) = &args.json {
        match results.save_json(path) {
            Ok(()) => {
                if !args.quiet {
                    eprintln!("results written to {}", path.display());
                }
            }
            Err(e) => {
                eprintln!("error: cannot write results to {}: {e}", path.display());
                if code == 0 {
                    code = EXIT_RUN_FAILED;
                }
            }
        }
    }
    ExitCode::from(code)
}

/// Ctrl-C (or SIGTERM) stops the session cleanly; a second one kills every child and exits.
fn install_stop_handler(session: &Session) {
    static STOPPING: AtomicBool = AtomicBool::new(false);
    let cancel = session.cancel_token();
    let installed = ctrlc::set_handler(move || {
        if STOPPING.swap(true, Ordering::SeqCst) {
            children::kill_all();
            std::process::exit(i32::from(EXIT_STOPPED));
        }
        eprintln!("\nstopping… (press Ctrl-C again to quit at once)");
        cancel.cancel();
    });
    if let Err(e) = installed {
        eprintln!("warning: Ctrl-C will not stop the run cleanly: {e}");
    }
}
