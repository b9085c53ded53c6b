//! The output files of `parlab run` and `parlab chart`: checked before any work, written
//! after it, and when writing still fails, the results saved somewhere rather than lost.

use parlab::export::{ChartKind, ExportSet, ImageFormat, ImageOptions, render};
use parlab::results::Results;
use std::path::{Path, PathBuf};

/// One output asked for on the command line: its flag (`--png`), the extension its file name
/// must have, and the path.
pub struct Output<'a> {
    /// The flag, for messages.
    pub flag: &'static str,
    /// The extension a file must have (`png`).
    pub extension: &'static str,
    /// Where it goes.
    pub path: &'a Path,
}

/// The outputs among `--json`, `--csv`, `--png`, `--svg` that were given.
pub fn given<'a>(
    json: Option<&'a Path>,
    csv: Option<&'a Path>,
    png: Option<&'a Path>,
    svg: Option<&'a Path>,
) -> Vec<Output<'a>> {
    [
        ("--json", "json", json),
        ("--csv", "csv", csv),
        ("--png", "png", png),
        ("--svg", "svg", svg),
    ]
    .into_iter()
    .filter_map(|(flag, extension, path)| {
        path.map(|path| Output {
            flag,
            extension,
            path,
        })
    })
    .collect()
}

/// Checks every output before any work (see [`parlab::fsutil::check_output`]); `inputs` are
/// the files parlab reads, which no output may overwrite. The error is a sentence.
pub fn check_all(outputs: &[Output], inputs: &[&Path]) -> Result<(), String> {
    for o in outputs {
        parlab::fsutil::check_output(o.path, o.extension, inputs)
            .map_err(|e| format!("{} {e}", o.flag))?;
    }
    Ok(())
}

/// Writes the chart images asked for; returns the files written or the first failure.
pub fn write_images(
    results: &Results,
    kind: ChartKind,
    png: Option<&Path>,
    svg: Option<&Path>,
    options: ImageOptions,
) -> Result<Vec<PathBuf>, String> {
    let set = ExportSet::from_results(results);
    let mut written = Vec::new();
    for (path, format) in [(png, ImageFormat::Png), (svg, ImageFormat::Svg)] {
        if let Some(path) = path {
            render(&set, kind, format, path, options).map_err(|e| e.to_string())?;
            written.push(path.to_path_buf());
        }
    }
    Ok(written)
}
