//! Saving results somewhere when the file asked for cannot be written: the one fallback of
//! `parlab run` and of the app's `--export-results`, so a finished session is never lost.

use super::Results;
use crate::format::printable;
use std::path::{Path, PathBuf};

impl Results {
    /// Saves the results as JSON in a new file of its own, in the temporary folder or else
    /// the current one, for when the outputs asked for could not be written. The name is
    /// `parlab-results-<time>-<random>.json`, created exclusively (never through a link
    /// someone put in a shared folder) and readable only by its owner. The error says why
    /// each folder refused.
    pub fn save_fallback(&self) -> Result<PathBuf, String> {
        let time = crate::format::utc_timestamp(std::time::SystemTime::now()).replace(':', "");
        let json = self.to_json();
        let mut reasons = Vec::new();
        for folder in [std::env::temp_dir(), PathBuf::from(".")] {
            match save_new(&folder, &format!("parlab-results-{time}-"), json.as_bytes()) {
                Ok(path) => return Ok(path),
                Err(e) => reasons.push(format!(
                    "{}: {}",
                    printable(&folder.display().to_string()),
                    crate::fsutil::describe(&e)
                )),
            }
        }
        Err(reasons.join("; "))
    }
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
