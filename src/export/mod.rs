//! Export: charts as PNG or SVG images and results as CSV, rendered from results (never from
//! the screen) with plotters and a font built into the binary, so the command line and the
//! app produce the same files, headless.

mod charts;
mod csv;
pub mod findings;
mod frame;
mod glyphs;
mod plot;
pub mod report;
mod text;
pub mod trace;
mod workers;

pub use self::csv::{CSV_HEADER, write_csv};
pub use self::plot::{Stroke, caption, strokes};
/// The chart registry lives with the chart data; re-exported here for the renderers' callers.
pub use crate::chart::{CHARTS, ChartEntry, ChartKind};

use crate::results::findings::Finding;
use crate::results::{Host, Results, RunResult};
use frame::Style;
use plotters::coord::Shift;
use plotters::prelude::*;
use std::path::{Path, PathBuf};

/// The image file format.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ImageFormat {
    /// Bitmap, for documents and chat.
    Png,
    /// Vector, for slides and print.
    Svg,
}

impl ImageFormat {
    /// The file extension.
    pub fn extension(self) -> &'static str {
        match self {
            ImageFormat::Png => "png",
            ImageFormat::Svg => "svg",
        }
    }
}

/// Size of an exported image.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct ImageOptions {
    /// Width in pixels at scale 1.
    pub width: u32,
    /// Height in pixels at scale 1.
    pub height: u32,
    /// Multiplies the size and every font and line (2.0 for high-DPI screens).
    pub scale: f64,
}

impl Default for ImageOptions {
    fn default() -> Self {
        Self {
            width: 1600,
            height: 1000,
            scale: 1.0,
        }
    }
}

/// What an image shows: runs (each with a colour), the machine and when.
pub struct ExportSet<'a> {
    /// The profile's name, shown in titles.
    pub title: String,
    /// The runs, each with its colour number (as in the app).
    pub runs: Vec<(u64, &'a RunResult)>,
    /// The results file each loaded run came from, by colour number (the app's legend
    /// names it); empty for the runs of one results file.
    pub origins: Vec<(u64, String)>,
    /// The measuring machine (for the footer).
    pub host: Host,
    /// When the runs were measured (UTC timestamp) or exported.
    pub created: String,
    /// What the runs mean: the findings page and the dashboard's panel show them.
    pub findings: Vec<Finding>,
    /// The scaling laws fitted to the runs' sweeps, in words (the findings page lists them).
    pub laws: Vec<String>,
}

impl<'a> ExportSet<'a> {
    /// Every run of a results file.
    pub fn from_results(results: &'a Results) -> Self {
        Self {
            title: results.profile.name.clone(),
            runs: results
                .runs
                .iter()
                .enumerate()
                .map(|(i, r)| (i as u64, r))
                .collect(),
            origins: Vec::new(),
            host: results.host.clone(),
            created: if results.created_utc.is_empty() {
                crate::format::utc_timestamp(std::time::SystemTime::now())
            } else {
                results.created_utc.clone()
            },
            findings: findings_of(results),
            laws: results.fits.iter().flat_map(|f| f.describe()).collect(),
        }
    }
}

/// The findings a results file holds, or, for a file from before findings, worked out
/// from its runs as `parlab findings` does.
fn findings_of(results: &Results) -> Vec<Finding> {
    if !results.findings.is_empty() || results.runs.is_empty() {
        return results.findings.clone();
    }
    let order = results.order.unwrap_or_default();
    crate::results::findings::findings(&results.runs, &results.host, order)
}

/// Why an export failed.
#[derive(Debug, thiserror::Error)]
pub enum ExportError {
    /// Drawing or writing the image failed.
    #[error("cannot write the {kind} chart to {path}: {message}")]
    Image {
        /// The chart.
        kind: &'static str,
        /// The file.
        path: String,
        /// What went wrong.
        message: String,
    },
    /// Writing a data file failed.
    #[error("cannot write {path}: {message}")]
    Data {
        /// The file.
        path: String,
        /// What went wrong.
        message: String,
    },
}

/// Renders one chart of `set` to `path` (PNG or SVG by `format`, whatever the name says).
pub fn render(
    set: &ExportSet,
    kind: ChartKind,
    format: ImageFormat,
    path: &Path,
    options: ImageOptions,
) -> Result<(), ExportError> {
    let fail = |message: String| ExportError::Image {
        kind: kind.name(),
        path: crate::format::printable(&path.display().to_string()).into_owned(),
        message,
    };
    let bytes = render_bytes(set, kind, format, options).map_err(fail)?;
    // One writer for every output: atomic for files, in place for devices and pipes.
    crate::fsutil::write_output(path, &bytes).map_err(|e| fail(e.to_string()))
}

/// Renders one chart of `set` in memory: the bytes of a PNG or SVG file.
pub fn render_bytes(
    set: &ExportSet,
    kind: ChartKind,
    format: ImageFormat,
    options: ImageOptions,
) -> Result<Vec<u8>, String> {
    frame::ensure_font();
    let size = (
        (f64::from(options.width) * options.scale).round() as u32,
        (f64::from(options.height) * options.scale).round() as u32,
    );
    let style = Style {
        scale: options.scale,
    };
    match format {
        ImageFormat::Png => {
            let mut rgb = vec![0u8; size.0 as usize * size.1 as usize * 3];
            let backend = BitMapBackend::with_buffer(&mut rgb, size);
            draw(
                text::TextBackend {
                    inner: backend,
                    own_glyphs: true,
                }
                .into_drawing_area(),
                set,
                kind,
                &style,
            )?;
            encode_png(&rgb, size)
        }
        ImageFormat::Svg => {
            let mut svg = String::new();
            draw(
                text::TextBackend {
                    inner: SVGBackend::with_string(&mut svg, size),
                    own_glyphs: false,
                }
                .into_drawing_area(),
                set,
                kind,
                &style,
            )?;
            Ok(svg.into_bytes())
        }
    }
}

/// An RGB buffer as a PNG file, with the encoder plotters itself uses.
fn encode_png(rgb: &[u8], (width, height): (u32, u32)) -> Result<Vec<u8>, String> {
    use image::ImageEncoder;
    let mut out = Vec::new();
    image::codecs::png::PngEncoder::new(&mut out)
        .write_image(rgb, width, height, image::ColorType::Rgb8)
        .map_err(|e| format!("cannot encode the PNG image: {e}"))?;
    Ok(out)
}

/// Renders every single chart of `set` into folder `dir` as `<stem>-<kind>.<ext>`; returns the files.
/// The load chart is left out when no run had an open load (it would only say so).
pub fn render_all(
    set: &ExportSet,
    dir: &Path,
    stem: &str,
    format: ImageFormat,
    options: ImageOptions,
) -> Result<Vec<PathBuf>, ExportError> {
    let mut written = Vec::new();
    let open = set.runs.iter().any(|(_, r)| r.open.is_some());
    for kind in ChartKind::ALL
        .into_iter()
        .filter(|k| open || *k != ChartKind::Load)
    {
        let path = dir.join(format!("{stem}-{}.{}", kind.name(), format.extension()));
        render(set, kind, format, &path, options)?;
        written.push(path);
    }
    Ok(written)
}

fn draw<DB: DrawingBackend>(
    root: DrawingArea<DB, Shift>,
    set: &ExportSet,
    kind: ChartKind,
    style: &Style,
) -> Result<(), String> {
    let body = frame::page(&root, set, kind.title(), style)?;
    charts::draw(&body, set, kind, style)?;
    root.present().map_err(|e| e.to_string())
}
