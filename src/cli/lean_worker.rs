//! The lean worker under `cargo run`: `cargo run` builds only the `parlab` binary, not
//! `parlab-worker`, so the process models would start the whole app (16 MB, slower to
//! start) as each worker process. When cargo launched parlab for a command that starts
//! workers and the lean worker is missing, build it first with that same cargo, profile,
//! target folder and features: the library is already built, so this normally only links.
//!
//! Cargo sets `CARGO` (its own path), `CARGO_MANIFEST_DIR` and `CARGO_PKG_NAME` for the
//! program `cargo run` starts (checked with cargo 1.9x; a program started any other way
//! has none of them, unless it inherits them from a cargo-run parent).
//!
//! On Linux with glibc the worker is linked statically, at a fixed address (`cargo rustc … --
//! -C target-feature=+crt-static -C relocation-model=static`, the same as `cargo
//! static-worker`): loading `libc.so` and
//! `libgcc_s.so` cost the dynamically linked worker about 0.35–0.45 ms per start on a 2-core
//! test machine, more than half of what starting `/bin/true` costs, and process-per-task pays
//! it once per task (`benches/spawn-floor.sh`).
//! If the static link fails (no `libc.a`), the ordinary dynamic build is used.

use parlab::exec::WorkerCommand;
use parlab::format::printable;
use std::ffi::{OsStr, OsString};
use std::os::fd::AsFd;
use std::path::Path;
use std::process::{Command, Stdio};

/// Builds `parlab-worker` beside this executable when cargo launched parlab and it is not
/// there; says on stderr what is happening, and which worker is used if it fails.
pub fn ensure() {
    let Some(cargo) = launched_by_cargo() else {
        return;
    };
    let Ok(exe) = std::env::current_exe() else {
        return;
    };
    if WorkerCommand::current_exe().is_ok_and(|w| w.is_lean()) {
        return;
    }
    let Some(args) = build_args(&exe, &cargo.manifest_dir, cfg!(feature = "gui")) else {
        return;
    };
    // Only into a folder cargo made (it tags each target folder), never beside a copy elsewhere.
    let target_dir = exe.parent().and_then(Path::parent);
    if !target_dir.is_some_and(|d| d.join("CACHEDIR.TAG").is_file()) {
        return;
    }
    eprintln!(
        "parlab: building parlab-worker first: `cargo run` built only the app, and without \
         the lean worker each worker process of the process models would load the whole app"
    );
    let outcome = match static_args(&args) {
        Some(linked_statically) => build(&cargo.program, &linked_statically).or_else(|why| {
            eprintln!(
                "parlab: a statically linked parlab-worker could not be built ({}); building \
                 the dynamically linked one, which is slower to start",
                printable(&why)
            );
            build(&cargo.program, &args)
        }),
        None => build(&cargo.program, &args),
    };
    match (outcome, WorkerCommand::current_exe()) {
        (Ok(()), Ok(w)) if w.is_lean() => {}
        (outcome, _) => {
            let why = outcome.err().unwrap_or_else(|| {
                "cargo finished but no parlab-worker is beside parlab".to_string()
            });
            eprintln!(
                "parlab: could not build parlab-worker ({}); the process models use the whole \
                 parlab binary (`{} worker`) as their worker, which is slower to start",
                printable(&why),
                printable(&exe.display().to_string())
            );
        }
    }
}

/// The cargo that ran parlab and the package's folder.
struct Cargo {
    program: OsString,
    manifest_dir: OsString,
}

/// `Some` when `cargo run` started this program (of this package).
fn launched_by_cargo() -> Option<Cargo> {
    if std::env::var_os("CARGO_PKG_NAME")? != "parlab" {
        return None;
    }
    Some(Cargo {
        program: std::env::var_os("CARGO")?,
        manifest_dir: std::env::var_os("CARGO_MANIFEST_DIR")?,
    })
}

/// `cargo build` arguments for `parlab-worker` in the profile and target folder of `exe`
/// (`target/release/parlab` → `--release`, `target/debug` → the dev profile, any other
/// folder → `--profile NAME`), with the features of this build. `None` when `exe` is not in
/// a profile folder of a target folder.
fn build_args(exe: &Path, manifest_dir: &OsStr, gui: bool) -> Option<Vec<OsString>> {
    let profile_dir = exe.parent()?;
    let target_dir = profile_dir.parent()?;
    let profile = profile_dir.file_name()?;
    let mut args: Vec<OsString> = vec!["build".into(), "--bin".into(), "parlab-worker".into()];
    if profile == "release" {
        args.push("--release".into());
    } else if profile != "debug" {
        args.extend(["--profile".into(), profile.to_owned()]);
    }
    args.extend(["--target-dir".into(), target_dir.as_os_str().to_owned()]);
    args.extend([
        "--manifest-path".into(),
        Path::new(manifest_dir).join("Cargo.toml").into_os_string(),
    ]);
    if !gui {
        args.push("--no-default-features".into());
    }
    Some(args)
}

/// What `cargo rustc` is given to link the worker statically and at a fixed address (the same
/// as `cargo static-worker` in `.cargo/config.toml`): a static position-independent
/// executable relocates about 3 000 pointers of its own at every start, which a fixed
/// address does not (`perf stat -r 500`: 0.36 against 0.34 ms of CPU for an empty program).
const STATIC_LINK: [&str; 5] = [
    "--",
    "-C",
    "target-feature=+crt-static",
    "-C",
    "relocation-model=static",
];

/// The `cargo build` arguments `build` turned into a `cargo rustc` that links the worker
/// statically (`None` where that is not offered: only glibc Linux is known to start a static
/// worker faster). Only the worker's own link changes: the library is reused as it is.
fn static_args(build: &[OsString]) -> Option<Vec<OsString>> {
    if !cfg!(all(target_os = "linux", target_env = "gnu")) {
        return None;
    }
    let (first, rest) = build.split_first()?;
    if first != "build" {
        return None;
    }
    let mut args = vec![OsString::from("rustc")];
    args.extend(rest.iter().cloned());
    args.extend(STATIC_LINK.map(OsString::from));
    Some(args)
}

/// Runs `cargo ARGS`, its output on parlab's stderr (stdout may carry parlab's results).
fn build(cargo: &OsStr, args: &[OsString]) -> Result<(), String> {
    let mut command = Command::new(cargo);
    command.args(args);
    if let Ok(stderr) = std::io::stderr().as_fd().try_clone_to_owned() {
        command.stdout(Stdio::from(stderr));
    }
    let status = command
        .status()
        .map_err(|e| format!("cannot start cargo at {}: {e}", Path::new(cargo).display()))?;
    if status.success() {
        Ok(())
    } else {
        Err(format!("cargo build {status}"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn args(exe: &str, gui: bool) -> Vec<String> {
        build_args(Path::new(exe), OsStr::new("/src/parlab"), gui)
            .expect("in a target folder")
            .iter()
            .map(|a| a.to_string_lossy().into_owned())
            .collect()
    }

    #[test]
    fn the_worker_is_built_in_the_profile_and_target_folder_of_the_running_parlab() {
        let tail = ["--manifest-path", "/src/parlab/Cargo.toml"];
        let release = args("/w/target/release/parlab", true);
        let head = ["build", "--bin", "parlab-worker", "--release"];
        assert_eq!(
            release,
            [&head[..], &["--target-dir", "/w/target"], &tail].concat()
        );
        let debug = args("/w/t/debug/parlab", false);
        let head = ["build", "--bin", "parlab-worker", "--target-dir", "/w/t"];
        assert_eq!(
            debug,
            [&head[..], &tail, &["--no-default-features"]].concat()
        );
        let custom = args("/w/t/profiling/parlab", true);
        assert_eq!(custom[3..6], ["--profile", "profiling", "--target-dir"]);
    }

    #[test]
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    fn on_glibc_linux_the_worker_is_linked_statically_with_the_same_arguments() {
        let plain = build_args(Path::new("/w/t/release/parlab"), OsStr::new("/src"), true)
            .expect("in a target folder");
        let linked = static_args(&plain).expect("offered on glibc Linux");
        assert_eq!(linked[0], "rustc");
        assert_eq!(linked[1..plain.len()], plain[1..]);
        assert_eq!(linked[plain.len()..], STATIC_LINK.map(OsString::from));
    }
}
