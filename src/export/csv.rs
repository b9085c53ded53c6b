//! Results as CSV: one row per run, stable column names with their units.

use super::ExportError;
use crate::results::Results;
use crate::results::columns::{self, Value};
use std::path::Path;

/// The header, in order: the names of [`columns::CSV`]. Documented in the README; names
/// never change meaning (`tests/golden/results-v1.csv` holds them literally).
pub const CSV_HEADER: [&str; columns::CSV.len()] = {
    let mut header = [""; columns::CSV.len()];
    let mut i = 0;
    while i < header.len() {
        header[i] = columns::CSV[i].key;
        i += 1;
    }
    header
};

/// Writes `results` as CSV to `path` (through [`crate::fsutil::write_output`]).
pub fn write_csv(results: &Results, path: &Path) -> Result<(), ExportError> {
    let fail = |message: String| ExportError::Data {
        path: crate::format::printable(&path.display().to_string()).into_owned(),
        message,
    };
    let mut out = csv::Writer::from_writer(Vec::new());
    // The open-load columns follow only when some run had an open load, `chunk` only when
    // some run had one: a file of other runs has exactly the columns it always had.
    let open = results.runs.iter().any(|r| r.open.is_some());
    let chunked = results.runs.iter().any(|r| r.chunk.is_some());
    let shown: Vec<&columns::Column> = columns::CSV
        .into_iter()
        .chain(columns::CSV_OPEN.into_iter().filter(|_| open))
        .chain(columns::CSV_CHUNK.into_iter().filter(|_| chunked))
        .collect();
    out.write_record(shown.iter().map(|c| c.key))
        .map_err(|e| fail(e.to_string()))?;
    for run in &results.runs {
        let row = shown
            .iter()
            .map(|c| cell(c.value(run, Some(&results.host))));
        out.write_record(row).map_err(|e| fail(e.to_string()))?;
    }
    let bytes = out.into_inner().map_err(|e| fail(e.to_string()))?;
    crate::fsutil::write_output(path, &bytes).map_err(|e| fail(e.to_string()))
}

/// A value as the CSV writes it: numbers in full, text guarded, nothing as an empty cell.
fn cell(value: Option<Value>) -> String {
    match value {
        None => String::new(),
        Some(Value::Text(t)) => text_cell(&t),
        Some(Value::Count(n)) => n.to_string(),
        Some(Value::Real(v)) => v.to_string(),
        Some(Value::Flag(b)) => b.to_string(),
    }
}

/// A text cell that a spreadsheet cannot take for a formula: text starting with `=`, `+`,
/// `-`, `@`, a tab or a carriage return gets a leading `'` (as OWASP advises against CSV
/// injection). Numbers are written as numbers and never pass through here.
fn text_cell(text: &str) -> String {
    if text.starts_with(['=', '+', '-', '@', '\t', '\r']) {
        format!("'{text}")
    } else {
        text.to_string()
    }
}
