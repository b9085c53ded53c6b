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

/// Bytes one waiting arrival takes in an open run's queue (its index and intended start).
pub const QUEUE_ENTRY_BYTES: u64 = 16;

/// What `run` is expected to hold at its peak, worker processes' own memory and an open
/// run's queue included.
pub fn estimate(run: &PlannedRun) -> Needs {
    let mut needs = run.workload.estimate(run.model, run.workers);
    if run.model.uses_processes() {
        let own = PER_PROCESS.saturating_mul(run.workers as u64);
        needs.memory_bytes = needs.memory_bytes.saturating_add(own);
    }
    needs.memory_bytes = needs.memory_bytes.saturating_add(queue_bytes(run));
    needs
}

/// The most an open run's queue can hold: `max_queue` entries, or fewer when the run offers
/// fewer arrivals (its tasks, or its rate over its duration); the queue's buffer doubles as
/// it grows, so up to the next power of two of that. 0 for a closed loop.
fn queue_bytes(run: &PlannedRun) -> u64 {
    let Some(load) = &run.load else {
        return 0;
    };
    let offered = match run.stop {
        super::Stop::Tasks(n) => n,
        super::Stop::Duration(s) => (load.rate * s).ceil().min(u64::MAX as f64) as u64,
    };
    let entries = load.max_queue.min(offered.saturating_add(1));
    entries
        .checked_next_power_of_two()
        .unwrap_or(u64::MAX)
        .saturating_mul(QUEUE_ENTRY_BYTES)
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
    fn an_open_runs_queue_counts_up_to_max_queue_or_its_arrivals() {
        let open = |stop: &str, load: &str| {
            format!(
                "[[run]]\nmodel = \"pool\"\nworkers = 2\n{stop}\n{load}\n[run.workload]\nkind = \"sleep\"\nms = 1\n"
            )
        };
        let closed = estimate(&plan(&open("duration_s = 100", ""))[0]).memory_bytes;
        let queue =
            |stop: &str, load: &str| estimate(&plan(&open(stop, load))[0]).memory_bytes - closed;
        // 10 M arrivals offered, at most 4 M waiting: 4 M entries (2²² ≥ 4 M) of 16 bytes.
        let capped = queue(
            "duration_s = 100",
            "arrival_rate = 100000\nmax_queue = 4000000",
        );
        assert_eq!(capped, (1 << 22) * 16);
        // 1000 tasks can never queue more than 1000.
        let few = queue("tasks = 1000", "arrival_rate = 100000\nmax_queue = 4000000");
        assert_eq!(few, 1024 * 16);
        // The largest queue a profile may set is 160 MB: refused on a machine without it.
        let big = plan(&open(
            "duration_s = 1000",
            "arrival_rate = 1000000\nmax_queue = 10000000",
        ));
        let tiny = Available {
            memory_bytes: Some(100 << 20),
            disk_bytes: None,
        };
        let err = check_needs(&big, &tiny).expect_err("the queue does not fit");
        assert!(err.needed >= 10_000_000 * 16, "{err}");
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
