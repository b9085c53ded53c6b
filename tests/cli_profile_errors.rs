//! Profile errors from the real binary (issue 10, item 11): every message names the file,
//! the line and the field by its full path, in plain words, with long values elided, and
//! profiles too large to read or planning too many runs are refused with a sentence.

mod common;

use common::*;
use std::time::{Duration, Instant};

/// Runs `parlab validate` on `bytes` saved as `cpu.toml`; returns its stderr (exit 2).
fn refused(bytes: &[u8]) -> String {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("cpu.toml");
    std::fs::write(&path, bytes).unwrap();
    let out = parlab()
        .arg("validate")
        .arg(&path)
        .timeout(Duration::from_secs(20))
        .output()
        .unwrap();
    let err = String::from_utf8_lossy(&out.stderr).to_string();
    assert_eq!(out.status.code(), Some(2), "exits 2: {err}");
    assert!(err.contains("cpu.toml"), "names the file: {err}");
    for jargon in [
        "expected i64",
        "expected u64",
        "wanted exactly",
        "map with a single key",
        "recursion limit",
        "Error(",
        "Some(",
    ] {
        assert!(!err.contains(jargon), "jargon `{jargon}` in: {err}");
    }
    err
}

#[test]
fn wrong_type_inside_the_workload_names_the_field_and_its_line() {
    let err = refused(
        GOOD.replace("iterations = 100", "iterations = \"ten\"")
            .as_bytes(),
    );
    assert!(
        err.contains(
            "cpu.toml:10:14: run[0].workload.iterations must be a whole number, not text \"ten\""
        ),
        "{err}"
    );
    // The second run's workload, in an inline table.
    let second = format!(
        "{GOOD}\n[[run]]\nmodel = \"pool\"\nworkers = 1\ntasks = 1\nworkload = {{ kind = \"sleep\", ms = [1] }}\n"
    );
    let err = refused(second.as_bytes());
    assert!(
        err.contains("cpu.toml:16:")
            && err.contains("run[1].workload.ms must be a number, not a list"),
        "{err}"
    );
}

#[test]
fn jargon_becomes_plain_words() {
    let err = refused(
        GOOD.replace("workers = 2", "workers = [1, \"two\"]")
            .as_bytes(),
    );
    assert!(
        err.contains("cpu.toml:5:15: run[0].workers[1] must be a whole number, not text \"two\""),
        "{err}"
    );
    let lock = |value: &str| {
        GOOD.replace(
            "kind = \"cpu\"\niterations = 100",
            &format!("kind = \"contention\"\ncritical_iterations = 5\nlock = {value}"),
        )
    };
    let err = refused(lock("5").as_bytes());
    assert!(
        err.contains(
            "cpu.toml:11:8: run[0].workload.lock must be one name, written as text in quotes"
        ),
        "{err}"
    );
    let err = refused(
        GOOD.replace("tasks = 10", "tasks = 99999999999999999999999")
            .as_bytes(),
    );
    assert!(
        err.contains("cpu.toml:6:9: run[0].tasks must be a whole number"),
        "{err}"
    );
    assert!(err.contains("too large"), "{err}");
}

#[test]
fn invalid_utf8_names_the_line_and_byte() {
    let mut bytes = GOOD.as_bytes().to_vec();
    let at = GOOD.find("threads").unwrap() + 3;
    bytes.insert(at, 0xff);
    let err = refused(&bytes);
    assert!(
        err.contains("cpu.toml:4:13: line 4, byte 13 is not valid UTF-8"),
        "{err}"
    );
}

#[test]
fn deeply_dotted_keys_are_located() {
    let key = vec!["a"; 100].join(".");
    let err = refused(format!("{GOOD}{key} = 1\n").as_bytes());
    assert!(
        err.contains("cpu.toml:11:1: keys or values nest too deeply"),
        "{err}"
    );
}

#[test]
fn duplicate_keys_name_the_key_and_both_lines() {
    let err = refused(
        GOOD.replace("tasks = 10", "tasks = 10\ntasks = 11")
            .as_bytes(),
    );
    assert!(
        err.contains(
            "cpu.toml:7:1: run[0].tasks: the key `tasks` is set twice: first on line 6, again here"
        ),
        "{err}"
    );
    let err = refused(format!("{GOOD}\n[run.workload]\nkind = \"cpu\"\n").as_bytes());
    assert!(
        err.contains("the key `workload` is set twice: first on line 8, again here"),
        "{err}"
    );
}

#[test]
fn long_values_are_elided() {
    let long = "g".repeat(100_000);
    let err = refused(GOOD.replace("\"cpu\"", &format!("\"{long}\"")).as_bytes());
    assert!(err.len() < 1000, "{} bytes: {}", err.len(), &err[..400]);
    assert!(
        err.contains("cpu.toml:9:8: run[0].workload.kind: unknown choice"),
        "{err}"
    );
    assert!(err.contains("(100000 characters)"), "{err}");
    let err = refused(
        GOOD.replace("iterations = 100", &format!("iterations = \"{long}\""))
            .as_bytes(),
    );
    assert!(
        err.len() < 1000 && err.contains("(100000 characters)"),
        "{err}"
    );
}

/// The largest resident size of any child this test process has waited for, in bytes.
fn children_peak_rss() -> u64 {
    // SAFETY: getrusage only writes the struct it is given.
    let mut usage: libc::rusage = unsafe { std::mem::zeroed() };
    unsafe { libc::getrusage(libc::RUSAGE_CHILDREN, &mut usage) };
    usage.ru_maxrss as u64 * 1024
}

#[test]
fn oversized_profiles_are_refused_before_reading() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("blank.toml");
    let blank = vec![b'\n'; 20_000_000];
    std::fs::write(&path, [GOOD.as_bytes(), &blank].concat()).unwrap();
    let started = Instant::now();
    let out = parlab()
        .arg("validate")
        .arg(&path)
        .timeout(Duration::from_secs(20))
        .output()
        .unwrap();
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{err}");
    assert!(
        err.contains("blank.toml is 20.0 MB; profiles are limited to 1 MiB"),
        "{err}"
    );
    assert!(
        started.elapsed() < Duration::from_secs(10),
        "{:?}",
        started.elapsed()
    );
    // Before the limit, parsing these 20 MB took about 1 GB.
    assert!(
        children_peak_rss() < 400 << 20,
        "{} bytes",
        children_peak_rss()
    );
}

#[test]
fn a_sweep_planning_too_many_runs_is_refused() {
    let counts = vec!["1"; 300_000].join(",");
    let err = refused(
        GOOD.replace("workers = 2", &format!("workers = [{counts}]"))
            .as_bytes(),
    );
    assert!(
        err.contains(
            "cpu.toml:5:11: run[0].workers: this profile plans 300000 runs (one per worker count of each sweep); a profile may plan at most 1000"
        ),
        "{err}"
    );
}
