//! `parlab chart RESULTS`: draw a chart from saved results, and the image options it shares
//! with `parlab run`.

use super::outputs;
use super::{EXIT_BAD_INPUT, EXIT_OUTPUT_FAILED};
use parlab::export::{CHARTS, ChartKind, ImageOptions};
use parlab::format::{printable, printable_lines};
use parlab::results::Results;
use std::path::PathBuf;
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
    #[arg(long, value_parser = kind_parser(), default_value = "dashboard")]
    kind: ChartKind,
    #[command(flatten)]
    image: ImageArgs,
}

/// The `--kind` values, with their help, from the chart registry (clap stays out of the
/// engine, so the registry's list is turned into clap's here).
fn kind_parser() -> impl clap::builder::TypedValueParser<Value = ChartKind> {
    use clap::builder::TypedValueParser;
    let values = CHARTS
        .iter()
        .map(|c| clap::builder::PossibleValue::new(c.name).help(c.help));
    clap::builder::PossibleValuesParser::new(values)
        .map(|name: String| ChartKind::from_name(&name).unwrap_or_default())
}

/// Runs the command.
pub fn chart(args: &ChartArgs) -> ExitCode {
    let bad = |message: String| {
        eprintln!("error: {}", printable_lines(&message));
        ExitCode::from(EXIT_BAD_INPUT)
    };
    if args.png.is_none() && args.svg.is_none() {
        return bad("say where to write the chart: --png FILE and/or --svg FILE".into());
    }
    let outputs = outputs::given(None, None, args.png.as_deref(), args.svg.as_deref());
    if let Err(e) = outputs::check_all(&outputs, &[&args.results]) {
        return bad(e);
    }
    let results = match Results::load_json(&args.results) {
        Ok(r) => r,
        Err(e) => return bad(e.to_string()),
    };
    let (png, svg) = (args.png.as_deref(), args.svg.as_deref());
    let kind = args.kind;
    match outputs::write_images(&results, kind, png, svg, args.image.options()) {
        Ok(written) => {
            for path in written {
                eprintln!(
                    "{} chart written to {}",
                    kind.name(),
                    printable(&path.display().to_string())
                );
            }
            ExitCode::SUCCESS
        }
        Err(e) => {
            // The results file is still there: nothing to save elsewhere.
            eprintln!("error: {}", printable_lines(&e));
            ExitCode::from(EXIT_OUTPUT_FAILED)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::builder::TypedValueParser;

    /// Every chart in the registry can be asked for by its own name, and nothing else can.
    #[test]
    fn every_chart_kind_has_its_kind_value() {
        let cmd = clap::Command::new("t");
        let arg = clap::Arg::new("kind");
        for kind in ChartKind::ALL {
            let value = std::ffi::OsStr::new(kind.name());
            let parsed = kind_parser().parse_ref(&cmd, Some(&arg), value);
            assert_eq!(parsed.ok(), Some(kind));
        }
        let bad = kind_parser().parse_ref(&cmd, Some(&arg), std::ffi::OsStr::new("pie"));
        assert!(bad.is_err());
    }
}
