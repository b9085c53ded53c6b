//! Output files with the real binary (issue 10, items 1, 4, 8, 9): devices and pipes are
//! written into, not replaced; symlinks are written through; new files get the usual mode;
//! the profile itself is never an output; outputs are checked before a run, and results
//! that cannot be written after one are saved to a fallback file (exit 3).

mod common;

use common::*;
use std::os::unix::fs::{FileTypeExt, MetadataExt, PermissionsExt};
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

/// A quick profile of one run.
fn quick_profile(dir: &Path) -> PathBuf {
    write(
        dir,
        "p.toml",
        &profile(&[run_table(
            "threads",
            "1",
            "tasks = 20",
            "kind = \"sleep\"\nms = 1",
        )]),
    )
}

/// A profile whose one task creates `marker`: the marker says whether the run happened.
fn marking_profile(dir: &Path) -> (PathBuf, PathBuf) {
    let marker = dir.join("ran");
    let workload = format!(
        "kind = \"command\"\nargv = [\"/bin/touch\", \"{}\"]",
        marker.display()
    );
    let path = write(
        dir,
        "mark.toml",
        &profile(&[run_table("threads", "1", "tasks = 1", &workload)]),
    );
    (path, marker)
}

fn stderr_of(out: &std::process::Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

#[test]
fn devices_stay_devices() {
    let dir = tempfile::tempdir().unwrap();
    let p = quick_profile(dir.path());
    let out = run_profile(&p)
        .args([
            "--json",
            "/dev/null",
            "--csv",
            "/dev/null",
            "--svg",
            "/dev/null",
        ])
        .args(["--png", "/dev/null", "-q"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", stderr_of(&out));
    let meta = std::fs::symlink_metadata("/dev/null").unwrap();
    assert!(meta.file_type().is_char_device(), "/dev/null was replaced");
    assert_eq!(meta.mode() & 0o777, 0o666);

    // `chart` too; and a pipe through /dev/stdout receives the SVG.
    let json = dir.path().join("r.json");
    run_command(&p, &json).arg("-q").assert().success();
    parlab()
        .arg("chart")
        .arg(&json)
        .args(["--svg", "/dev/null"])
        .assert()
        .success();
    assert!(
        std::fs::symlink_metadata("/dev/null")
            .unwrap()
            .file_type()
            .is_char_device()
    );
    let out = parlab()
        .arg("chart")
        .arg(&json)
        .args(["--svg", "/dev/stdout"])
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", stderr_of(&out));
    roxmltree::Document::parse(&String::from_utf8(out.stdout).unwrap()).expect("SVG on stdout");
}

#[test]
fn a_symlink_is_written_through_keeping_the_link_and_the_mode() {
    let dir = tempfile::tempdir().unwrap();
    let p = quick_profile(dir.path());
    let real = dir.path().join("real.json");
    std::fs::write(&real, "old").unwrap();
    std::fs::set_permissions(&real, std::fs::Permissions::from_mode(0o640)).unwrap();
    let link = dir.path().join("link.json");
    std::os::unix::fs::symlink(&real, &link).unwrap();
    run_command(&p, &link).arg("-q").assert().success();
    assert!(
        std::fs::symlink_metadata(&link)
            .unwrap()
            .file_type()
            .is_symlink()
    );
    assert_eq!(read_json(&real)["runs"][0]["tasks_completed"], 20);
    assert_eq!(std::fs::metadata(&real).unwrap().mode() & 0o7777, 0o640);
}

#[test]
fn new_files_get_mode_0644_under_umask_022() {
    let dir = tempfile::tempdir().unwrap();
    let p = quick_profile(dir.path());
    let d = dir.path();
    let script = format!(
        "umask 022 && exec \"$0\" run {} --json {}/r.json --csv {}/r.csv --png {}/r.png --svg {}/r.svg --md {}/r.md -q",
        p.display(),
        d.display(),
        d.display(),
        d.display(),
        d.display(),
        d.display()
    );
    let out = std::process::Command::new("/bin/sh")
        .args(["-c", &script])
        .arg(parlab_bin()) // $0 of the script
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", stderr_of(&out));
    for ext in ["json", "csv", "png", "svg", "md"] {
        let mode = std::fs::metadata(d.join(format!("r.{ext}")))
            .unwrap()
            .mode()
            & 0o7777;
        assert_eq!(mode, 0o644, "r.{ext}");
    }
}

#[test]
fn the_profile_itself_is_never_an_output() {
    let dir = tempfile::tempdir().unwrap();
    let (p, marker) = marking_profile(dir.path());
    let before = std::fs::read(&p).unwrap();
    let link = dir.path().join("p.json");
    std::os::unix::fs::symlink(&p, &link).unwrap();
    for target in [&p, &link] {
        let out = run_command(&p, target).output().unwrap();
        assert_eq!(out.status.code(), Some(2));
        assert!(
            stderr_of(&out).contains("which parlab reads"),
            "{}",
            stderr_of(&out)
        );
    }
    assert_eq!(
        std::fs::read(&p).unwrap(),
        before,
        "the profile is unchanged"
    );
    assert!(!marker.exists(), "nothing ran");
}

#[test]
fn bad_outputs_are_refused_before_the_run() {
    let dir = tempfile::tempdir().unwrap();
    let (p, marker) = marking_profile(dir.path());
    let file = write(dir.path(), "plain-file", "");
    let cases: Vec<(&str, PathBuf, &str)> = vec![
        ("--png", dir.path().join("out"), "must end in .png"),
        ("--png", dir.path().join("x.png.bak"), "must end in .png"),
        ("--png", dir.path().join("x.svg"), "must end in .png"),
        ("--png", dir.path().join("x.jpg"), "must end in .png"),
        ("--svg", dir.path().join("x.png"), "must end in .svg"),
        ("--json", dir.path().join("x.csv"), "must end in .json"),
        ("--csv", dir.path().join("x.json"), "must end in .csv"),
        ("--json", file.join("r.json"), "not a folder"),
        (
            "--json",
            PathBuf::from("/proc/parlab-r.json"),
            "cannot write",
        ),
        (
            "--json",
            dir.path().join("missing/r.json"),
            "does not exist",
        ),
        ("--json", dir.path().to_path_buf(), "it is a folder"),
    ];
    for (flag, path, says) in cases {
        let started = Instant::now();
        let out = run_profile(&p).arg(flag).arg(&path).output().unwrap();
        let stderr = stderr_of(&out);
        assert_eq!(
            out.status.code(),
            Some(2),
            "{flag} {}: {stderr}",
            path.display()
        );
        assert!(stderr.contains(says), "{flag} {}: {stderr}", path.display());
        assert!(
            stderr.starts_with(&format!("error: {flag} cannot write")),
            "{stderr}"
        );
        assert!(!stderr.contains("Error("), "no Debug text: {stderr}");
        assert!(started.elapsed() < Duration::from_secs(10));
        assert!(
            !marker.exists(),
            "the run did not start for {}",
            path.display()
        );
    }
    assert_eq!(
        std::fs::read_dir(dir.path()).unwrap().count(),
        2,
        "no output written"
    );

    // `chart` checks the same way, and never writes over the results it reads.
    let json = dir.path().join("r.json");
    run_command(&p, &json).arg("-q").assert().success();
    for (flag, path) in [("--png", dir.path().join("c.jpg")), ("--svg", json.clone())] {
        let out = parlab()
            .arg("chart")
            .arg(&json)
            .arg(flag)
            .arg(&path)
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(2), "{}", stderr_of(&out));
    }
    assert!(!dir.path().join("c.jpg").exists());
    read_json(&json);
}

#[test]
fn results_that_cannot_be_written_after_the_run_go_to_a_fallback_file() {
    let dir = tempfile::tempdir().unwrap();
    let tmp = tempfile::tempdir().unwrap();
    let p = quick_profile(dir.path());
    let svg = dir.path().join("ok.svg");
    let out = run_profile(&p)
        .args(["--json", "/dev/full", "--svg"])
        .arg(&svg)
        .env("TMPDIR", tmp.path())
        .output()
        .unwrap();
    let stderr = stderr_of(&out);
    assert_eq!(out.status.code(), Some(3), "{stderr}");
    assert!(
        stderr.contains(
            "cannot write results to /dev/full: the disk is full (no space left on device)"
        ),
        "{stderr}"
    );
    assert!(svg.exists(), "the other outputs are still written");
    let saved: Vec<PathBuf> = std::fs::read_dir(tmp.path())
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    assert_eq!(saved.len(), 1, "{saved:?}");
    let name = saved[0].file_name().unwrap().to_string_lossy().into_owned();
    assert!(
        name.starts_with("parlab-results-") && name.ends_with(".json"),
        "{name}"
    );
    assert!(stderr.contains(&format!(
        "the results were saved to {} instead",
        saved[0].display()
    )));
    assert_eq!(read_json(&saved[0])["runs"][0]["tasks_completed"], 20);
    assert!(
        std::fs::symlink_metadata("/dev/full")
            .unwrap()
            .file_type()
            .is_char_device()
    );
}
