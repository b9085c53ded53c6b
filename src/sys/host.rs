//! Facts about the machine for the results' `host`: the CPU frequency governor, the load
//! average, the kernel release and the physical core count. Each is `None` where the system
//! does not say (another OS, a virtual machine without cpufreq, a restricted `/proc`).

/// The cpufreq scaling governor of cpu0 (`performance`, `powersave`, `schedutil`, …);
/// `None` where the machine has no cpufreq (most virtual machines).
pub fn governor() -> Option<String> {
    first_line("/sys/devices/system/cpu/cpu0/cpufreq/scaling_governor")
}

/// The 1-minute load average now (`/proc/loadavg`).
pub fn load_average_1m() -> Option<f64> {
    parse_load_average(&std::fs::read_to_string("/proc/loadavg").ok()?)
}

/// The kernel release (`/proc/sys/kernel/osrelease`, as `uname -r` prints it).
pub fn kernel_release() -> Option<String> {
    first_line("/proc/sys/kernel/osrelease")
}

/// Physical cores (without SMT siblings), as sysinfo counts them from `/proc/cpuinfo`.
pub fn physical_cpus() -> Option<usize> {
    sysinfo::System::physical_core_count()
        .ok()
        .filter(|n| *n > 0)
}

/// The first line of a small system file, trimmed; `None` when missing or empty.
fn first_line(path: &str) -> Option<String> {
    let text = std::fs::read_to_string(path).ok()?;
    let line = text.lines().next()?.trim();
    (!line.is_empty()).then(|| line.to_string())
}

/// The first field of `/proc/loadavg` (`0.52 0.58 0.59 1/467 12345`).
fn parse_load_average(text: &str) -> Option<f64> {
    text.split_whitespace()
        .next()?
        .parse::<f64>()
        .ok()
        .filter(|v| v.is_finite() && *v >= 0.0)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_load_average_is_the_first_field() {
        assert_eq!(
            parse_load_average("0.52 0.58 0.59 1/467 12345\n"),
            Some(0.52)
        );
        assert_eq!(parse_load_average("garbage"), None);
        assert_eq!(parse_load_average(""), None);
    }

    #[cfg(target_os = "linux")]
    #[test]
    fn linux_reports_the_kernel_and_load() {
        let kernel = kernel_release().expect("a kernel release");
        assert!(
            kernel.chars().next().is_some_and(|c| c.is_ascii_digit()),
            "{kernel}"
        );
        assert!(load_average_1m().is_some());
        assert!(physical_cpus().is_some_and(|n| n >= 1));
    }
}
