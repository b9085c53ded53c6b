//! The output files of `parlab run` and `parlab chart`: checked before any work, written
//! after it, and when writing still fails, the results saved somewhere rather than lost.

use parlab::export::{ChartKind, ExportSet, ImageFormat, ImageOptions, render};
use parlab::format::printable;
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

/// Saves `results` as JSON in a new file of its own, in the temporary folder or else the
/// current one, for when the outputs asked for could not be written. The name is
/// `parlab-results-<time>-<random>.json`, created exclusively (never through a link someone
/// put in a shared folder) and readable only by its owner.
pub fn save_fallback(results: &Results) -> Result<PathBuf, String> {
    let time = parlab::format::utc_timestamp(std::time::SystemTime::now()).replace(':', "");
    let json = results.to_json();
    let mut reasons = Vec::new();
    for folder in [std::env::temp_dir(), PathBuf::from(".")] {
        match save_new(&folder, &format!("parlab-results-{time}-"), json.as_bytes()) {
            Ok(path) => return Ok(path),
            Err(e) => reasons.push(format!(
                "{}: {}",
                printable(&folder.display().to_string()),
                parlab::fsutil::describe(&e)
            )),
        }
    }
    Err(reasons.join("; "))
}

fn save_new(folder: &Path, prefix: &str, bytes: &[u8]) -> std::io::Result<PathBuf> {
    use std::io::Write;
    let mut file = tempfile::Builder::new()
        .prefix(prefix)
        .suffix(".json")
        .tempfile_in(folder)?;
    file.write_all(bytes)?;
    file.as_file().sync_all()?;
    let (_, path) = file.keep().map_err(|e| e.error)?;
    // An absolute path, so the message says where it is whatever the current folder.
    Ok(std::path::absolute(&path).unwrap_or(path))
}
