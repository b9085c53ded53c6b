//! `parlab findings RESULTS.json`: what the measurements of a saved results file mean,
//! recomputed from its runs (so files from before findings, and from other hosts, work too);
//! `--md FILE` writes them as a Markdown report with the summary table.

use super::{EXIT_BAD_INPUT, EXIT_OUTPUT_FAILED};
use parlab::format::{printable, printable_lines};
use parlab::results::Results;
use parlab::results::findings::{self, Finding};
use std::path::PathBuf;
use std::process::ExitCode;

/// Arguments of `parlab findings`.
#[derive(clap::Args)]
pub struct FindingsArgs {
    /// A results file from `parlab run --json` or the app.
    results: PathBuf,
    /// Also write a Markdown report (title, host, summary table, findings with their
    /// evidence) to FILE.
    #[arg(long, value_name = "FILE")]
    md: Option<PathBuf>,
}

/// Runs the command.
pub fn findings(args: &FindingsArgs) -> ExitCode {
    if let Some(md) = &args.md
        && let Err(e) = parlab::fsutil::check_output(md, "md", &[&args.results])
    {
        return bad_input(format!("--md {e}"));
    }
    let mut results = match Results::load_json(&args.results) {
        Ok(r) => r,
        Err(e) => return bad_input(e),
    };
    let order = results.order.unwrap_or_default();
    results.findings = findings::findings(&results.runs, &results.host, order);
    results.fits = parlab::results::fits::fits(&results.runs, Some(results.host.logical_cpus));
    print!("{}", render(&results.findings));
    print!("{}", render_fits(&results.fits));
    if let Some(md) = &args.md {
        let name = args.results.display().to_string();
        if let Err(e) = parlab::fsutil::write_output(
            md,
            parlab::export::report::markdown(&name, &results).as_bytes(),
        ) {
            eprintln!(
                "error: cannot write the report to {}: {e}",
                printable(&md.display().to_string())
            );
            return ExitCode::from(EXIT_OUTPUT_FAILED);
        }
        eprintln!("written: {}", printable(&md.display().to_string()));
    }
    ExitCode::SUCCESS
}

fn bad_input(message: impl std::fmt::Display) -> ExitCode {
    eprintln!("error: {}", printable_lines(&message.to_string()));
    ExitCode::from(EXIT_BAD_INPUT)
}

/// The findings as text: `findings:` then one block per finding (severity, id, title, then
/// the text), or a line saying there are none. Control characters are escaped.
pub fn render(found: &[Finding]) -> String {
    if found.is_empty() {
        return "findings: none (nothing the rules could establish from these runs)\n".into();
    }
    let mut out = String::from("findings:\n");
    for f in found {
        out.push_str(&format!(
            "- {} [{}] {}\n  {}\n",
            f.severity,
            f.id,
            printable(&f.title),
            printable(&f.text)
        ));
    }
    out
}

/// The scaling laws fitted to each sweep as text: `scaling laws:` then a line each; empty
/// when no run swept worker counts.
pub fn render_fits(fits: &[parlab::results::fits::SweepFit]) -> String {
    let lines: Vec<String> = fits.iter().flat_map(|f| f.describe()).collect();
    if lines.is_empty() {
        return String::new();
    }
    let mut out = String::from("\nscaling laws:\n");
    for line in lines {
        out.push_str(&format!("- {}\n", printable(&line)));
    }
    out
}
