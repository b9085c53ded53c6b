//! Refusing runs that would exhaust the machine: each planned run's memory and disk needs,
//! estimated from its workload kind, against what the machine has available.

use super::PlannedRun;
use crate::workload::Needs;

/// A worker process's own memory when lean (parlab's code, stack and heap), measured at
/// about 2.5 MiB.
const PER_PROCESS: u64 = 3 << 20;

/// What the machine has to spare, in bytes; `None` where it cannot be read (never refused).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Available {
    /// Memory available to programs (`MemAvailable`).
    pub memory_bytes: Option<u64>,
    /// Free space in the temporary folder.
    pub disk_bytes: Option<u64>,
}

impl Available {
    /// This machine, now.
    pub fn detect() -> Self {
        Self {
            memory_bytes: crate::sys::memory_available_and_total().map(|(available, _)| available),
            disk_bytes: crate::sys::free_disk(&std::env::temp_dir()),
        }
    }
}

/// A run that needs more than the machine has.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[error(
    "run {run} ({what}) needs about {} of {resource}; this machine has {} available.",
    human_bytes(*.needed),
    human_bytes(*.available)
)]
pub struct TooBig {
    /// The run's number in the plan, from 1.
    pub run: usize,
    /// Its label and workload, e.g. `processes ×256, memory 4.0 GiB each`.
    pub what: String,
    /// `memory` or `disk space in the temporary folder`.
    pub resource: &'static str,
    /// Estimated need, in bytes.
    pub needed: u64,
    /// What the machine has, in bytes.
    pub available: u64,
}

/// What `run` is expected to hold at its peak, worker processes' own memory included.
pub fn estimate(run: &PlannedRun) -> Needs {
    let mut needs = run.workload.estimate(run.model, run.workers);
    if run.model.uses_processes() {
        let own = PER_PROCESS.saturating_mul(run.workers as u64);
        needs.memory_bytes = needs.memory_bytes.saturating_add(own);
    }
    needs
}

/// The first run of `plan` that needs more memory or disk than `available`.
pub fn check_needs(plan: &[PlannedRun], available: &Available) -> Result<(), TooBig> {
    for (i, run) in plan.iter().enumerate() {
        let needs = estimate(run);
        let checks = [
            ("memory", needs.memory_bytes, available.memory_bytes),
            (
                "disk space in the temporary folder",
                needs.disk_bytes,
                available.disk_bytes,
            ),
        ];
        for (resource, needed, have) in checks {
            if let Some(have) = have.filter(|have| needed > *have) {
                return Err(TooBig {
                    run: i + 1,
                    what: describe(run),
                    resource,
                    needed,
                    available: have,
                });
            }
        }
    }
    Ok(())
}

fn describe(run: &PlannedRun) -> String {
    match run.workload.size_bytes() {
        Some(size) => format!(
            "{}, {} {} each",
            run.label,
            run.workload.kind(),
            human_bytes(size)
        ),
        None => format!("{}, {}", run.label, run.workload.kind()),
    }
}

/// `1099511627776` → `1.0 TiB`.
pub fn human_bytes(bytes: u64) -> String {
    const UNITS: [&str; 5] = ["KiB", "MiB", "GiB", "TiB", "PiB"];
    if bytes < 1024 {
        return format!("{bytes} bytes");
    }
    let mut value = bytes as f64 / 1024.0;
    let mut unit = 0;
    while value >= 1024.0 && unit + 1 < UNITS.len() {
        value /= 1024.0;
        unit += 1;
    }
    format!("{value:.1} {}", UNITS[unit])
}

#[cfg(test)]
mod tests {
    use super::*;

    fn plan(toml: &str) -> Vec<PlannedRun> {
        crate::profile::parse_str(toml, "test")
            .expect("a valid profile")
            .plan()
    }

    fn run(model: &str, workers: u32, workload: &str) -> String {
        format!(
            "[[run]]\nmodel = \"{model}\"\nworkers = {workers}\ntasks = 10\n[run.workload]\n{workload}\n"
        )
    }

    const SMALL: Available = Available {
        memory_bytes: Some(22 << 30),
        disk_bytes: Some(50 << 30),
    };

    #[test]
    fn the_issue_cases_are_refused_with_the_numbers() {
        let cases = [
            (
                run(
                    "processes",
                    256,
                    "kind = \"memory\"\nbytes = 4294967296\npattern = \"sequential\"",
                ),
                "run 1 (processes ×256, memory 4.0 GiB each) needs about 1.0 TiB of memory; this machine has 22.0 GiB available.",
            ),
            (
                run("threads", 1024, "kind = \"file-io\"\nbytes = 1073741824"),
                "run 1 (threads ×1024, file-io 1.0 GiB each) needs about 1.0 TiB of memory; this machine has 22.0 GiB available.",
            ),
            (
                run("processes", 256, "kind = \"transfer\"\nbytes = 16777216"),
                "run 1 (processes ×256, transfer 16.0 MiB each) needs about 4.8 GiB of memory; this machine has 4.0 GiB available.",
            ),
        ];
        // One block per worker process since issue 18 (it was five: 20.8 GiB here).
        let tight = Available {
            memory_bytes: Some(4 << 30),
            ..SMALL
        };
        for (i, (toml, message)) in cases.iter().enumerate() {
            let have = if i == 2 { &tight } else { &SMALL };
            let err = check_needs(&plan(toml), have).expect_err("refused");
            assert_eq!(err.to_string(), *message);
        }
        // Disk alone: plenty of memory, too little disk.
        let roomy = Available {
            memory_bytes: Some(4 << 40),
            disk_bytes: Some(10 << 30),
        };
        let err = check_needs(&plan(&cases[1].0), &roomy).expect_err("refused");
        assert_eq!(err.resource, "disk space in the temporary folder");
        assert_eq!(err.needed, 1 << 40);
    }

    #[test]
    fn modest_runs_pass_and_the_run_number_is_named() {
        let profile = format!(
            "{}{}",
            run(
                "threads",
                4,
                "kind = \"memory\"\nbytes = 67108864\npattern = \"random\""
            ),
            run(
                "processes",
                64,
                "kind = \"memory\"\nbytes = 1073741824\npattern = \"random\""
            )
        );
        let err = check_needs(&plan(&profile), &SMALL).expect_err("the second run is refused");
        assert_eq!(err.run, 2);
        assert!(check_needs(&plan(&profile)[..1], &SMALL).is_ok());
        // Unknown figures refuse nothing.
        assert!(check_needs(&plan(&profile), &Available::default()).is_ok());
    }
}
