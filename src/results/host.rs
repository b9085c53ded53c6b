//! The machine a session ran on (`host` in a results file), detected when the session
//! starts, and the environment warnings pyperf and Google Benchmark print.

use serde::{Deserialize, Serialize};

/// A 1-minute load average above this when the session started means other programs were
/// busy (pyperf and hyperfine users are told the same: benchmark on an idle machine).
pub const LOAD_WARN: f64 = 0.5;

/// Facts about the measuring machine.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Host {
    /// Logical CPUs (hardware threads) the OS reports.
    pub logical_cpus: usize,
    /// Operating system name and version.
    pub os: String,
    /// CPU model.
    pub cpu_brand: String,
    /// Physical cores (fewer than `logical_cpus` with SMT); absent in older files.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub physical_cpus: Option<usize>,
    /// The CPU frequency scaling governor of cpu0 (`performance`, `powersave`, …); absent
    /// where the machine has none (most virtual machines) and in older files.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub governor: Option<String>,
    /// The 1-minute load average when the session started.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub load_avg_1m: Option<f64>,
    /// The kernel release (`uname -r`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub kernel: Option<String>,
}

impl Host {
    /// Describes this machine now (call it when a session starts: the load average is
    /// the one the session found).
    pub fn detect() -> Self {
        use sysinfo::{CpuRefreshKind, RefreshKind, System};
        // Read first, before sysinfo's own work shows in it.
        let load_avg_1m = crate::sys::load_average_1m();
        let system =
            System::new_with_specifics(RefreshKind::nothing().with_cpu(CpuRefreshKind::nothing()))
                .ok();
        let logical_cpus = system
            .as_ref()
            .map(|s| s.cpus().len())
            .filter(|n| *n > 0)
            .or_else(|| std::thread::available_parallelism().ok().map(|n| n.get()))
            .unwrap_or(1);
        let cpu_brand = system
            .as_ref()
            .and_then(|s| s.cpus().first().map(|c| c.brand().trim().to_string()))
            .filter(|b| !b.is_empty())
            .unwrap_or_else(|| "unknown CPU".to_string());
        let os = System::long_os_version().unwrap_or_else(|_| std::env::consts::OS.to_string());
        Self {
            logical_cpus,
            os,
            cpu_brand,
            physical_cpus: crate::sys::physical_cpus(),
            governor: crate::sys::governor(),
            load_avg_1m,
            kernel: crate::sys::kernel_release(),
        }
    }

    /// True when `other` describes the same machine (CPU, count and system), whatever its
    /// load at the time.
    pub fn same_machine(&self, other: &Host) -> bool {
        self.cpu_brand == other.cpu_brand
            && self.logical_cpus == other.logical_cpus
            && self.os == other.os
    }

    /// What about this machine may distort the figures, as sentences a user can act on
    /// (empty when nothing does, or nothing is known): pyperf's and Google Benchmark's checks.
    pub fn warnings(&self) -> Vec<String> {
        let mut out = Vec::new();
        // pyperf (`system show`) and Google Benchmark both flag any governor but
        // `performance`: the clock speed then follows the load.
        if let Some(governor) = self.governor.as_deref().filter(|g| *g != "performance") {
            let why = if governor == "powersave" {
                "the CPU runs slower while lightly loaded and speeds up under load"
            } else {
                "the CPU changes its clock speed with the load"
            };
            out.push(format!(
                "the CPU frequency governor is `{governor}`: {why}, which can distort timings \
                 (CPU frequency scaling); for steadier figures set it to `performance` \
                 (`sudo cpupower frequency-set -g performance`)"
            ));
        }
        if let Some(load) = self.load_avg_1m.filter(|l| *l > LOAD_WARN) {
            out.push(format!(
                "the 1-minute load average was {load:.2} when the session started (above \
                 {LOAD_WARN}): other programs were busy and may have taken CPU from the \
                 workers; close them, or wait until the machine is idle, and run again"
            ));
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn host(governor: Option<&str>, load: Option<f64>) -> Host {
        Host {
            logical_cpus: 4,
            os: "Linux".into(),
            cpu_brand: "a CPU".into(),
            physical_cpus: Some(2),
            governor: governor.map(str::to_string),
            load_avg_1m: load,
            kernel: Some("6.1.0".into()),
        }
    }

    #[test]
    fn a_quiet_tuned_or_unknown_machine_has_no_warning() {
        assert!(host(Some("performance"), Some(0.1)).warnings().is_empty());
        assert!(host(None, None).warnings().is_empty());
        assert!(host(None, Some(LOAD_WARN)).warnings().is_empty());
    }

    #[test]
    fn powersave_is_named_with_the_fix() {
        let w = host(Some("powersave"), Some(0.0)).warnings();
        assert_eq!(w.len(), 1, "{w:?}");
        assert!(
            w[0].starts_with("the CPU frequency governor is `powersave`"),
            "{}",
            w[0]
        );
        assert!(w[0].contains("frequency-set -g performance"), "{}", w[0]);
        let other = host(Some("schedutil"), None).warnings();
        assert!(other[0].contains("`schedutil`: the CPU changes its clock speed"));
    }

    #[test]
    fn a_busy_machine_at_start_is_named() {
        let w = host(Some("performance"), Some(1.27)).warnings();
        assert_eq!(w.len(), 1, "{w:?}");
        assert!(w[0].starts_with("the 1-minute load average was 1.27 when the session started"));
        assert_eq!(host(Some("powersave"), Some(0.51)).warnings().len(), 2);
    }

    #[test]
    fn the_new_fields_round_trip_and_are_checked_when_read() {
        let golden = include_str!("../../tests/golden/results-v1.json");
        let mut results = crate::results::Results::from_json(golden, "golden").unwrap();
        assert_eq!(
            results.host.governor, None,
            "older files have no environment"
        );
        results.host = host(Some("powersave"), Some(0.75));
        let back = crate::results::Results::from_json(&results.to_json(), "new").unwrap();
        assert_eq!(back.host, results.host);
        results.host.load_avg_1m = Some(-1.0);
        let err = crate::results::Results::from_json(&results.to_json(), "bad")
            .unwrap_err()
            .to_string();
        assert_eq!(
            err,
            "bad: host.load_avg_1m is -1, but it cannot be negative"
        );
    }

    #[cfg(target_os = "linux")]
    #[test]
    fn linux_detects_the_new_fields() {
        let h = Host::detect();
        assert!(h.kernel.is_some() && h.load_avg_1m.is_some(), "{h:?}");
        let physical = h.physical_cpus.expect("physical cores");
        assert!((1..=h.logical_cpus).contains(&physical), "{h:?}");
    }
}
