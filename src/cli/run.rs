//! `parlab run PROFILE`: execute a profile with a progress display, print a summary,
//! write the results.

use super::chart::ImageArgs;
use super::outputs::{self, Output};
use super::progress::ProgressView;
use super::{EXIT_BAD_INPUT, EXIT_OUTPUT_FAILED, EXIT_RUN_FAILED, EXIT_STOPPED, summary};
use parlab::cancel::CancelToken;
use parlab::exec::{Session, WorkerCommand};
use parlab::format::{printable, printable_lines};
use parlab::process::children;
use parlab::results::{Results, RunStatus};
use std::path::PathBuf;
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
    /// Write one row per run as CSV to FILE.
    #[arg(long, value_name = "FILE")]
    csv: Option<PathBuf>,
    /// Write a dashboard of the four charts as PNG to FILE.
    #[arg(long, value_name = "FILE")]
    png: Option<PathBuf>,
    /// Write a dashboard of the four charts as SVG to FILE.
    #[arg(long, value_name = "FILE")]
    svg: Option<PathBuf>,
    /// Write a Markdown report (summary table, findings with their evidence, scaling laws)
    /// to FILE.
    #[arg(long, value_name = "FILE")]
    md: Option<PathBuf>,
    /// Write every worker's task spans as a Chrome trace (JSON; Perfetto and
    /// chrome://tracing open it) to FILE: runs are processes, workers are threads.
    #[arg(long, value_name = "FILE")]
    trace: Option<PathBuf>,
    #[command(flatten)]
    image: ImageArgs,
    /// No progress display.
    #[arg(long, short)]
    quiet: bool,
    /// Start even when a run is estimated to need more memory or temporary disk space than
    /// this machine has available.
    #[arg(long)]
    force: bool,
    /// Run each run N times (1–1000), overriding the profile's `repetitions`.
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u16).range(1..=1000))]
    repetitions: Option<u16>,
    /// The seed of the interleaved order, overriding the profile's `seed` (repeat a
    /// session's order exactly: its results record the seed).
    #[arg(long, value_name = "SEED")]
    seed: Option<u64>,
}

fn bad_input(message: impl std::fmt::Display) -> ExitCode {
    eprintln!("error: {}", printable_lines(&message.to_string()));
    ExitCode::from(EXIT_BAD_INPUT)
}

/// `Estimated time: about 1 min 5 s (6 runs × 3 repetitions)`: the first line of
/// `parlab run` and the second of `parlab validate`.
pub fn estimate_line(profile: &parlab::profile::Profile) -> String {
    let estimate = parlab::profile::time_estimate(profile, parlab::profile::cores_here());
    let runs = estimate.runs.len();
    let repetitions = match estimate.rounds {
        1 => String::new(),
        n => format!(" × {n} repetitions"),
    };
    format!(
        "Estimated time: {} ({runs} run{}{repetitions})",
        estimate.describe(),
        if runs == 1 { "" } else { "s" },
    )
}

/// Runs the command.
pub fn run(args: &RunArgs) -> ExitCode {
    // First of all, so a Ctrl-C at any moment from here on stops cleanly instead of killing
    // parlab half-way (loading, checking outputs, starting workers).
    let cancel = CancelToken::new();
    install_stop_handler(&cancel);
    let mut profile = match parlab::profile::load_file(&args.profile) {
        Ok(p) => p,
        Err(e) => return bad_input(e),
    };
    if let Err(e) = args.override_repetitions(&mut profile) {
        return bad_input(e);
    }
    // Checked before running, so an hour-long run is not lost to a typo in a path.
    if let Err(e) = outputs::check_all(&args.outputs(), &[&args.profile]) {
        return bad_input(e);
    }
    if let Err(e) = check_needs_unless(&profile, args.force) {
        return bad_input(e);
    }
    if !args.quiet {
        eprintln!("{}", estimate_line(&profile));
    }
    show_external_commands(&profile.external_commands());
    let worker = match WorkerCommand::current_exe() {
        Ok(w) => w,
        Err(e) => {
            return bad_input(format!(
                "cannot find parlab's own executable to start worker processes: {e}"
            ));
        }
    };
    if cancel.is_cancelled() {
        return stopped_before_start();
    }
    let session = match Session::start_with_cancel(profile, worker, cancel.clone()) {
        Ok(s) => s,
        Err(e) => {
            eprintln!(
                "error: cannot start the run: {}",
                printable_lines(&e.to_string())
            );
            return ExitCode::from(EXIT_RUN_FAILED);
        }
    };
    let mut view = ProgressView::new(args.quiet);
    while !session.wait_timeout(Duration::from_millis(100)) {
        view.update(&session.progress());
    }
    view.update(&session.progress());
    view.finish();
    let results = session.wait();
    if results.runs.is_empty() && cancel.is_cancelled() {
        return stopped_before_start();
    }
    print!("{}", summary::render(&results));
    print!("\n{}", super::findings::render(&results.findings));
    print!("{}", super::findings::render_fits(&results.fits));
    let code = if results.runs.iter().any(|r| r.status == RunStatus::Stopped) {
        EXIT_STOPPED
    } else if results.runs.iter().any(|r| r.status.is_failure()) {
        EXIT_RUN_FAILED
    } else {
        0
    };
    // A stop says more than a failed output (whose results are saved to a fallback file).
    let written = write_outputs(args, &results);
    ExitCode::from(if written || code == EXIT_STOPPED {
        code
    } else {
        EXIT_OUTPUT_FAILED
    })
}

impl RunArgs {
    /// `--repetitions` and `--seed` over the profile's own, checked as the profile is.
    fn override_repetitions(&self, profile: &mut parlab::profile::Profile) -> Result<(), String> {
        if let Some(n) = self.repetitions {
            profile.repetitions = Some(usize::from(n));
        }
        if let Some(seed) = self.seed {
            profile.seed = Some(seed);
        }
        match profile.validate().first() {
            Some(problem) => Err(format!(
                "{}: {problem}",
                printable(&self.profile.display().to_string())
            )),
            None => Ok(()),
        }
    }

    fn outputs(&self) -> Vec<Output<'_>> {
        let mut all = outputs::given(
            self.json.as_deref(),
            self.csv.as_deref(),
            self.png.as_deref(),
            self.svg.as_deref(),
        );
        all.extend(self.md.as_deref().map(|path| Output {
            flag: "--md",
            extension: "md",
            path,
        }));
        all.extend(self.trace.as_deref().map(|path| Output {
            flag: "--trace",
            extension: "json",
            path,
        }));
        all
    }
}

/// Writes every output asked for; when one fails and the results are in none of them, saves
/// the results to a fallback file and says where. True when every output was written.
fn write_outputs(args: &RunArgs, results: &Results) -> bool {
    let mut written = Vec::new();
    let mut failures = Vec::new();
    let mut json_written = false;
    if let Some(path) = &args.json {
        match results.save_json(path) {
            Ok(()) => {
                written.push(path.clone());
                json_written = true;
            }
            Err(e) => failures.push(format!(
                "cannot write results to {}: {e}",
                printable(&path.display().to_string())
            )),
        }
    }
    if let Some(path) = &args.csv {
        let outcome = parlab::export::write_csv(results, path).map_err(|e| e.to_string());
        record(outcome, path, &mut written, &mut failures);
    }
    if let Some(path) = &args.md {
        let name = args.profile.display().to_string();
        let report = parlab::export::report::markdown(&name, results);
        match parlab::fsutil::write_output(path, report.as_bytes()) {
            Ok(()) => written.push(path.clone()),
            Err(e) => failures.push(format!(
                "cannot write the report to {}: {e}",
                printable(&path.display().to_string())
            )),
        }
    }
    if let Some(path) = &args.trace {
        let outcome = parlab::export::trace::write_trace(results, path).map_err(|e| e.to_string());
        record(outcome, path, &mut written, &mut failures);
    }
    if args.png.is_some() || args.svg.is_some() {
        let kind = parlab::export::ChartKind::Dashboard;
        let (png, svg) = (args.png.as_deref(), args.svg.as_deref());
        match outputs::write_images(results, kind, png, svg, args.image.options()) {
            Ok(paths) => written.extend(paths),
            Err(e) => failures.push(e),
        }
    }
    if !args.quiet {
        for path in &written {
            eprintln!("written: {}", printable(&path.display().to_string()));
        }
    }
    for failure in &failures {
        eprintln!("error: {}", printable_lines(failure));
    }
    if failures.is_empty() {
        return true;
    }
    if !json_written {
        match results.save_fallback() {
            Ok(path) => eprintln!(
                "the results were saved to {} instead",
                printable(&path.display().to_string())
            ),
            Err(e) => eprintln!("error: the results could not be saved anywhere: {e}"),
        }
    }
    false
}

/// Notes an output written to `path`, or why it was not.
fn record(
    outcome: Result<(), String>,
    path: &std::path::Path,
    written: &mut Vec<PathBuf>,
    failures: &mut Vec<String>,
) {
    match outcome {
        Ok(()) => written.push(path.to_path_buf()),
        Err(e) => failures.push(e),
    }
}

/// Refuses (with the sentence to print) a profile this machine seems too small for, unless
/// `force`.
pub fn check_needs_unless(profile: &parlab::profile::Profile, force: bool) -> Result<(), String> {
    if force {
        return Ok(());
    }
    let available = parlab::profile::Available::detect();
    parlab::profile::check_needs(&profile.plan(), &available)
        .map_err(|e| format!("{e} Lower workers or size, or pass --force."))
}

/// Lists on stderr the external programs a profile runs, before it runs them.
pub fn show_external_commands(commands: &[String]) {
    if !commands.is_empty() {
        eprintln!("This profile runs external programs:");
        // Shell-quoted with control characters escaped (Command::display): what runs.
        for c in commands {
            eprintln!("  {}", printable(c));
        }
    }
}

/// A stop that came before the first run began: nothing was measured, nothing is written.
fn stopped_before_start() -> ExitCode {
    eprintln!("stopped before any run began: nothing was measured, no results written");
    ExitCode::from(EXIT_STOPPED)
}

/// Ctrl-C (or SIGTERM) sets `cancel`, which stops the session cleanly; a second one kills
/// every child and exits.
fn install_stop_handler(cancel: &CancelToken) {
    static STOPPING: AtomicBool = AtomicBool::new(false);
    let cancel = cancel.clone();
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
