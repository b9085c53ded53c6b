//! The version of a `python` workload's interpreter, recorded with each run
//! (`python_version`): the same code can run at very different speeds on two versions.

use crate::process::children::{self, RunId};
use std::collections::HashMap;
use std::io::Read;
use std::process::{Command, Stdio};
use std::sync::{Mutex, PoisonError};
use std::time::{Duration, Instant};

/// Asked once per interpreter per parlab process.
static KNOWN: Mutex<Option<HashMap<String, Option<String>>>> = Mutex::new(None);

/// An interpreter that does not answer within this is not asked again.
const PATIENCE: Duration = Duration::from_secs(5);

/// The version `program` reports (`3.12.3`); `None` when it cannot be started or does not
/// answer. Called after a run's measurements are taken, so its cost counts nowhere.
pub(super) fn of_interpreter(program: &str, run: RunId) -> Option<String> {
    let mut known = KNOWN.lock().unwrap_or_else(PoisonError::into_inner);
    let known = known.get_or_insert_with(HashMap::new);
    if let Some(version) = known.get(program) {
        return version.clone();
    }
    let version = ask(program, run);
    known.insert(program.to_string(), version.clone());
    version
}

fn ask(program: &str, run: RunId) -> Option<String> {
    let mut cmd = Command::new(program);
    cmd.args(["-c", "import platform; print(platform.python_version())"])
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::null());
    crate::sys::isolate_external(&mut cmd, crate::process::guardian::announce_fd());
    let mut child = children::spawn_registered(run, || {
        cmd.spawn().map(|c| {
            let pid = c.id();
            (c, pid)
        })
    })
    .ok()?;
    let pid = child.id();
    let deadline = Instant::now() + PATIENCE;
    let ended = loop {
        match child.try_wait() {
            Ok(Some(status)) => break status.success(),
            Ok(None) if Instant::now() < deadline => std::thread::sleep(Duration::from_millis(5)),
            _ => {
                crate::sys::kill_tree(pid);
                let _ = child.wait();
                break false;
            }
        }
    };
    children::unregister(pid);
    let mut text = String::new();
    child.stdout.take()?.read_to_string(&mut text).ok()?;
    let version = text.trim();
    (ended && !version.is_empty() && version.len() < 100).then(|| version.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_missing_interpreter_has_no_version() {
        assert_eq!(of_interpreter("/nonexistent/python3", 0), None);
    }

    #[test]
    fn python3_reports_its_version() {
        // The python workload's own tests need python3 too.
        let version = of_interpreter("python3", 0).expect("python3 answers");
        assert!(version.starts_with("3."), "{version}");
    }
}
