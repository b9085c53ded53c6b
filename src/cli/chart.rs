//! `parlab chart RESULTS`: draw a chart from saved results, and the image options it shares
//! with `parlab run`.

use super::EXIT_BAD_INPUT;
use parlab::export::{ChartKind, ExportSet, ImageFormat, ImageOptions, render};
use parlab::results::Results;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

/// Size options for exported images.
#[derive(clap::Args, Clone, Copy)]
pub struct ImageArgs {
    /// Image width in pixels (before --scale).
    #[arg(long, default_value_t = 1600, value_parser = clap::value_parser!(u32).range(320..=8000))]
    width: u32,
    /// Image height in pixels (before --scale).
    #[arg(long, default_value_t = 1000, value_parser = clap::value_parser!(u32).range(240..=8000))]
    height: u32,
    /// Multiplies size, fonts and lines, e.g. 2 for high-DPI screens (0.5–4).
    #[arg(long, default_value_t = 1.0, value_parser = parse_scale)]
    scale: f64,
}

fn parse_scale(s: &str) -> Result<f64, String> {
    let v: f64 = s.parse().map_err(|_| format!("`{s}` is not a number"))?;
    if (0.5..=4.0).contains(&v) {
        Ok(v)
    } else {
        Err(format!("the scale must be between 0.5 and 4, got {v}"))
    }
}

impl ImageArgs {
    /// As engine options.
    pub fn options(&self) -> ImageOptions {
        ImageOptions {
            width: self.width,
            height: self.height,
            scale: self.scale,
        }
    }
}

/// Arguments of `parlab chart`.
#[derive(clap::Args)]
pub struct ChartArgs {
    /// A results file written by `parlab run --json` or the app.
    results: PathBuf,
    /// Write the chart as PNG to FILE.
    #[arg(long, value_name = "FILE")]
    png: Option<PathBuf>,
    /// Write the chart as SVG to FILE.
    #[arg(long, value_name = "FILE")]
    svg: Option<PathBuf>,
    /// Which chart.
    #[arg(long, value_enum, default_value_t = ChartKind::Dashboard)]
    kind: ChartKind,
    #[command(flatten)]
    image: ImageArgs,
}

/// Checks before any work that an output file can be created in an existing folder.
pub fn check_output(path: &Path) -> Result<(), String> {
    let dir = match path.parent() {
        Some(d) if !d.as_os_str().is_empty() => d,
        _ => Path::new("."),
    };
    if path.is_dir() {
        return Err(format!(
            "cannot write {}: it is a directory",
            path.display()
        ));
    }
    if !dir.is_dir() {
        return Err(format!(
            "cannot write {}: folder {} does not exist",
            path.display(),
            dir.display()
        ));
    }
    Ok(())
}

/// Writes the images asked for; returns an error message for the first that fails.
pub fn write_images(
    results: &Results,
    kind: ChartKind,
    png: Option<&Path>,
    svg: Option<&Path>,
    image: &ImageArgs,
) -> Result<Vec<PathBuf>, String> {
    let set = ExportSet::from_results(results);
    let mut written = Vec::new();
    for (path, format) in [(png, ImageFormat::Png), (svg, ImageFormat::Svg)] {
        if let Some(path) = path {
            render(&set, kind, format, path, image.options()).map_err(|e| e.to_string())?;
            written.push(path.to_path_buf());
        }
    }
    Ok(written)
}

/// Runs the command.
pub fn chart(args: &ChartArgs) -> ExitCode {
    let bad = |message: String| {
        eprintln!("error: {message}");
        ExitCode::from(EXIT_BAD_INPUT)
    };
    if args.png.is_none() && args.svg.is_none() {
        return bad("say where to write the chart: --png FILE and/or --svg FILE".into());
    }
    for path in [&args.png, &args.svg].into_iter().flatten() {
        if let Err(e) = check_output(path) {
            return bad(e);
        }
    }
    let results = match Results::load_json(&args.results) {
        Ok(r) => r,
        Err(e) => return bad(e.to_string()),
    };
    match write_images(
        &results,
        args.kind,
        args.png.as_deref(),
        args.svg.as_deref(),
        &args.image,
    ) {
        Ok(written) => {
            for path in written {
                eprintln!("{} chart written to {}", args.kind.name(), path.display());
            }
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::from(super::EXIT_RUN_FAILED)
        }
    }
}
