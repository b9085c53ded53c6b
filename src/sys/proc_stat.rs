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
}
