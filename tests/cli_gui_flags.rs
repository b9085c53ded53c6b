//! `parlab gui`'s automation flags on the real binary: what is wrong with them is a sentence
//! and exit 2 before any window opens (so no display is needed here).

mod common;

use common::*;
use std::time::Duration;

/// Runs `parlab gui ARGS` with no display at all and returns its stderr, checking exit 2.
fn refused(args: &[&std::ffi::OsStr]) -> String {
    let out = parlab()
        .arg("gui")
        .args(args)
        .env_remove("DISPLAY")
        .env_remove("WAYLAND_DISPLAY")
        .timeout(Duration::from_secs(20))
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr).to_string();
    assert_eq!(out.status.code(), Some(2), "exits 2: {stderr}");
    assert!(!stderr.contains("panicked"), "{stderr}");
    assert!(
        !stderr.contains("cannot open the parlab window"),
        "refused before the window: {stderr}"
    );
    stderr
}

#[test]
fn an_export_path_in_a_missing_folder_is_refused_before_the_window() {
    let dir = tempfile::tempdir().unwrap();
    let profile = write(dir.path(), "cpu.toml", GOOD);
    let out = dir.path().join("missing").join("out.json");
    let err = refused(&[
        profile.as_os_str(),
        "--start".as_ref(),
        "--export-results".as_ref(),
        out.as_os_str(),
    ]);
    assert!(
        err.contains("error: --export-results cannot write")
            && err.contains("missing does not exist"),
        "{err}"
    );
}

#[test]
fn an_export_that_would_overwrite_the_profile_or_is_not_json_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let profile = write(dir.path(), "cpu.toml", GOOD);
    let start = ["--start".as_ref(), "--export-results".as_ref()];
    let err = refused(&[&[profile.as_os_str()], &start[..], &[profile.as_os_str()]].concat());
    assert!(err.contains("which parlab reads"), "{err}");
    let csv = dir.path().join("out.csv");
    let err = refused(&[&[profile.as_os_str()], &start[..], &[csv.as_os_str()]].concat());
    assert!(err.contains("the file name must end in .json"), "{err}");
}

#[test]
fn quit_when_done_and_export_need_start_and_start_needs_a_profile() {
    let dir = tempfile::tempdir().unwrap();
    let profile = write(dir.path(), "cpu.toml", GOOD);
    let out = dir.path().join("out.json");
    let err = refused(&[profile.as_os_str(), "--quit-when-done".as_ref()]);
    assert!(
        err.contains("required arguments were not provided") && err.contains("--start"),
        "{err}"
    );
    let err = refused(&[
        profile.as_os_str(),
        "--export-results".as_ref(),
        out.as_os_str(),
    ]);
    assert!(err.contains("--start"), "{err}");
    let err = refused(&["--start".as_ref()]);
    assert!(err.contains("<PROFILE>"), "{err}");
    assert!(!out.exists());
}

#[test]
fn a_broken_profile_with_start_is_refused_before_the_window() {
    let dir = tempfile::tempdir().unwrap();
    let profile = write(
        dir.path(),
        "cpu.toml",
        &GOOD.replace("workers = 2", "workers = 0"),
    );
    let err = refused(&[profile.as_os_str(), "--start".as_ref()]);
    assert!(err.contains("cpu.toml:5:11:"), "{err}");
}

#[test]
fn a_profile_too_big_for_the_machine_is_refused_before_the_window_unless_forced() {
    let dir = tempfile::tempdir().unwrap();
    let memory = "kind = \"memory\"\nbytes = 4294967296\npattern = \"sequential\"";
    let path = common::write(
        dir.path(),
        "big.toml",
        &common::profile(&[common::run_table("processes", "256", "tasks = 1", memory)]),
    );
    let stderr = refused(&[path.as_os_str(), "--start".as_ref()]);
    assert!(
        stderr.contains("needs about 1.0 TiB of memory")
            && stderr.contains("Lower workers or size, or pass --force."),
        "{stderr}"
    );
    // With --force the check is skipped: the window is what fails here (no display).
    let out = parlab()
        .arg("gui")
        .arg(&path)
        .args(["--start", "--force"])
        .env_remove("DISPLAY")
        .env_remove("WAYLAND_DISPLAY")
        .timeout(Duration::from_secs(20))
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("cannot open the parlab window"), "{stderr}");
}

#[test]
fn the_external_programs_of_a_started_profile_are_shown_before_the_window() {
    let dir = tempfile::tempdir().unwrap();
    let path = common::write(
        dir.path(),
        "cmd.toml",
        &common::profile(&[common::run_table(
            "threads",
            "1",
            "tasks = 1",
            "kind = \"command\"\nargv = [\"/bin/true\", \"x y\"]",
        )]),
    );
    let out = parlab()
        .arg("gui")
        .arg(&path)
        .arg("--start")
        .env_remove("DISPLAY")
        .env_remove("WAYLAND_DISPLAY")
        .timeout(Duration::from_secs(20))
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("This profile runs external programs:\n  /bin/true 'x y'\n"),
        "{stderr}"
    );
}
