//! Open-load results through the real binary (issue 17): `parlab chart --kind load` draws
//! the latency–throughput curve to PNG and SVG, the CSV gains the open-load columns, the
//! summary prints them, and an over-capacity rate gives a `saturated` finding.

mod common;

use common::*;

/// A pool of 2 workers serving 2 ms sleeps (at most 1000 tasks/s) at 100, 300 and 3000
/// arrivals a second: the last is three times its capacity on any machine.
fn open_results(dir: &std::path::Path) -> (std::path::PathBuf, std::path::PathBuf, String) {
    let run = run_table(
        "pool",
        "2",
        "duration_s = 0.5\narrival_rate = [100, 300, 3000]",
        "kind = \"sleep\"\nms = 2",
    );
    let profile = write(dir, "open.toml", &profile(&[run]));
    let (json, csv) = (dir.join("r.json"), dir.join("r.csv"));
    let out = run_command(&profile, &json)
        .arg("--csv")
        .arg(&csv)
        .assert()
        .success();
    let stdout = String::from_utf8_lossy(&out.get_output().stdout).into_owned();
    (json, csv, stdout)
}

#[test]
fn the_load_chart_csv_summary_and_saturated_finding_of_an_open_sweep() {
    let dir = tempfile::tempdir().unwrap();
    let (json, csv, stdout) = open_results(dir.path());
    let (png, svg) = (dir.path().join("load.png"), dir.path().join("load.svg"));
    parlab()
        .arg("chart")
        .arg(&json)
        .args(["--kind", "load", "--png"])
        .arg(&png)
        .arg("--svg")
        .arg(&svg)
        .assert()
        .success();
    let bytes = std::fs::read(&png).unwrap();
    assert!(
        bytes.starts_with(b"\x89PNG") && bytes.len() > 10_000,
        "a drawn PNG"
    );
    let text = std::fs::read_to_string(&svg).unwrap();
    assert!(
        text.contains("Response time vs rate"),
        "the chart's caption"
    );
    assert!(
        text.contains("ring: saturated"),
        "3000/s is ringed as saturated"
    );
    assert!(
        !text.contains("No open-load runs"),
        "the chart is drawn, not its message"
    );

    // The CSV: the closed columns, then the open ones.
    let mut reader = csv::Reader::from_path(&csv).unwrap();
    let header: Vec<String> = reader
        .headers()
        .unwrap()
        .iter()
        .map(str::to_string)
        .collect();
    assert_eq!(
        &header[..parlab::export::CSV_HEADER.len()],
        parlab::export::CSV_HEADER
    );
    let at = |name: &str| header.iter().position(|h| h == name).unwrap();
    let rows: Vec<csv::StringRecord> = reader.records().map(Result::unwrap).collect();
    assert_eq!(rows.len(), 3);
    assert_eq!(&rows[0][at("offered_rate")], "100");
    assert_eq!(&rows[2][at("saturated")], "true");
    assert_eq!(&rows[0][at("saturated")], "false");
    assert!(rows[2][at("response_p99_us")].parse::<f64>().unwrap() > 0.0);

    // The summary's open table, and the finding naming the rate.
    assert!(stdout.contains("Open load"), "{stdout}");
    assert!(stdout.contains("response p99 µs"), "{stdout}");
    let results = parlab::results::Results::load_json(&json).unwrap();
    let saturated: Vec<_> = results
        .findings
        .iter()
        .filter(|f| f.id == "saturated")
        .collect();
    assert_eq!(saturated.len(), 1, "{:#?}", results.findings);
    assert!(
        saturated[0].title.ends_with("saturated at 3000/s"),
        "{:?}",
        saturated[0]
    );
}

#[test]
fn closed_runs_have_the_csv_they_always_had_and_an_empty_load_chart() {
    let dir = tempfile::tempdir().unwrap();
    let run = run_table("threads", "1", "tasks = 50", "kind = \"sleep\"\nms = 1");
    let profile = write(dir.path(), "closed.toml", &profile(&[run]));
    let (json, csv) = (dir.path().join("r.json"), dir.path().join("r.csv"));
    run_command(&profile, &json)
        .arg("--csv")
        .arg(&csv)
        .arg("-q")
        .assert()
        .success();
    let mut reader = csv::Reader::from_path(&csv).unwrap();
    let header: Vec<String> = reader
        .headers()
        .unwrap()
        .iter()
        .map(str::to_string)
        .collect();
    assert_eq!(header, parlab::export::CSV_HEADER);
    let svg = dir.path().join("load.svg");
    parlab()
        .arg("chart")
        .arg(&json)
        .args(["--kind", "load", "--svg"])
        .arg(&svg)
        .assert()
        .success();
    let text = std::fs::read_to_string(&svg).unwrap();
    assert!(
        text.contains("No open-load runs"),
        "says why the chart is empty"
    );
}
