//! Per-core CPU time counters from Linux `/proc/stat`.
//!
//! The sampler reads these itself instead of through sysinfo, which refuses to measure an
//! interval shorter than 200 ms: the last, partial interval of a run (and the whole of a run
//! shorter than one sampling interval) would otherwise have no CPU figures at all.

/// One core's cumulative CPU time, in clock ticks (USER_HZ, usually 100 per second).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct CoreTimes {
    /// Ticks spent running something (user, nice, system, irq, softirq, steal).
    pub busy: u64,
    /// All ticks, idle and I/O wait included.
    pub total: u64,
}

impl CoreTimes {
    /// Utilisation in % between `earlier` and `self`; `None` when no tick passed.
    pub fn usage_since(&self, earlier: &CoreTimes) -> Option<f32> {
        let total = self.total.checked_sub(earlier.total).filter(|t| *t > 0)?;
        let busy = self.busy.saturating_sub(earlier.busy).min(total);
        Some((busy as f64 * 100.0 / total as f64) as f32)
    }
}

/// Every core's counters now, in core order; `None` where `/proc/stat` cannot be read.
pub fn core_times() -> Option<Vec<CoreTimes>> {
    let text = std::fs::read_to_string("/proc/stat").ok()?;
    let cores: Vec<CoreTimes> = text.lines().filter_map(parse_core).collect();
    (!cores.is_empty()).then_some(cores)
}

/// The busy time of all cores together so far, in seconds (`/proc/stat`'s per-core lines,
/// in USER_HZ ticks); `None` where `/proc/stat` cannot be read.
pub fn all_cores_busy_seconds() -> Option<f64> {
    let busy: u64 = core_times()?.iter().map(|c| c.busy).sum();
    Some(busy as f64 / ticks_per_second())
}

/// CPU seconds (user + system) process `pid` has used so far, plus, with `reaped`, those
/// of the children it has waited for (`/proc/PID/stat` fields 14–17); `None` when it is
/// gone or `/proc` cannot be read.
pub fn process_cpu_seconds(pid: u32, reaped: bool) -> Option<f64> {
    let text = std::fs::read_to_string(format!("/proc/{pid}/stat")).ok()?;
    Some(parse_process_ticks(&text, reaped)? as f64 / ticks_per_second())
}

/// utime + stime (+ cutime + cstime) from a `/proc/PID/stat` line, in ticks. The name in
/// parentheses may hold spaces and parentheses, so fields are counted after the last `)`.
fn parse_process_ticks(text: &str, reaped: bool) -> Option<u64> {
    let (_, rest) = text.rsplit_once(')')?;
    let fields: Vec<&str> = rest.split_whitespace().collect();
    // After the name: state is field 3, so utime (14) … cstime (17) are at 11 … 14.
    let take = if reaped { 4 } else { 2 };
    let ticks: Option<Vec<u64>> = fields
        .get(11..11 + take)?
        .iter()
        .map(|f| f.parse().ok())
        .collect();
    Some(ticks?.iter().sum())
}

/// The kernel's USER_HZ: the ticks per second of `/proc/stat` and `/proc/PID/stat`.
pub fn ticks_per_second() -> f64 {
    // SAFETY: sysconf has no memory effects.
    let hz = unsafe { libc::sysconf(libc::_SC_CLK_TCK) };
    if hz > 0 { hz as f64 } else { 100.0 }
}

/// Parses a `cpuN user nice system idle iowait irq softirq steal …` line.
fn parse_core(line: &str) -> Option<CoreTimes> {
    let mut fields = line.split_whitespace();
    let name = fields.next()?;
    if name.len() <= 3 || !name.starts_with("cpu") {
        return None;
    }
    let v: Vec<u64> = fields.take(8).map(|f| f.parse().unwrap_or(0)).collect();
    let at = |i: usize| v.get(i).copied().unwrap_or(0);
    // guest time is already inside user time, so it is not added again.
    let busy = at(0) + at(1) + at(2) + at(5) + at(6) + at(7);
    Some(CoreTimes {
        busy,
        total: busy + at(3) + at(4),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_per_core_lines_and_skips_the_total() {
        assert_eq!(parse_core("cpu  10 0 5 100 0 0 0 0 0 0"), None);
        let c = parse_core("cpu1 10 2 5 100 3 1 1 0 0 0").expect("a core line");
        assert_eq!(
            c,
            CoreTimes {
                busy: 19,
                total: 122
            }
        );
        let later = CoreTimes {
            busy: 69,
            total: 222,
        };
        assert_eq!(later.usage_since(&c), Some(50.0));
        assert_eq!(c.usage_since(&c), None);
    }

    #[test]
    fn process_ticks_are_counted_after_the_name() {
        let line = "42 (a) b (c)) S 1 42 42 0 -1 4194560 100 0 0 0 7 3 20 10 20 0 1 0 5 0 0";
        assert_eq!(parse_process_ticks(line, false), Some(10));
        assert_eq!(parse_process_ticks(line, true), Some(40));
        assert_eq!(parse_process_ticks("42 (short) S 1", true), None);
        let own = process_cpu_seconds(std::process::id(), true);
        assert!(own.is_some_and(|s| s >= 0.0), "{own:?}");
    }
}
