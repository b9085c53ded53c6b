//! What the machine has to spare (memory, temporary disk space) and whether the kernel's
//! out-of-memory killer has been at work: the checks before a run and the explanation of a
//! worker killed by SIGKILL.

use std::path::Path;
use std::sync::atomic::{AtomicU64, Ordering};
use sysinfo::{MemoryRefreshKind, RefreshKind, System};

/// Memory the kernel says can be given to programs without swapping (`MemAvailable`), and
/// the total, in bytes.
pub fn memory_available_and_total() -> Option<(u64, u64)> {
    let system = System::new_with_specifics(
        RefreshKind::nothing().with_memory(MemoryRefreshKind::nothing().with_ram()),
    )
    .ok()?;
    let total = system.total_memory();
    (total > 0).then(|| (system.available_memory(), total))
}

/// Free space for an unprivileged user on the file system holding `path`, in bytes.
pub fn free_disk(path: &Path) -> Option<u64> {
    use std::os::unix::ffi::OsStrExt;
    let c_path = std::ffi::CString::new(path.as_os_str().as_bytes()).ok()?;
    // SAFETY: statvfs writes into the zeroed struct we own; the path is NUL-terminated.
    let mut stat: libc::statvfs = unsafe { std::mem::zeroed() };
    let rc = unsafe { libc::statvfs(c_path.as_ptr(), &mut stat) };
    (rc == 0).then(|| (stat.f_bavail as u64).saturating_mul(stat.f_frsize as u64))
}

/// Processes the kernel's out-of-memory killer has killed since boot (`oom_kill` in
/// `/proc/vmstat`, Linux 4.13 and later).
pub fn oom_kills() -> Option<u64> {
    let text = std::fs::read_to_string("/proc/vmstat").ok()?;
    text.lines()
        .find_map(|l| l.strip_prefix("oom_kill "))
        .and_then(|v| v.trim().parse().ok())
}

static OOM_KILLS_AT_START: AtomicU64 = AtomicU64::new(u64::MAX);

/// Notes the out-of-memory kill count when a run starts, for [`memory_was_exhausted`].
pub fn mark_oom_kills() {
    OOM_KILLS_AT_START.store(oom_kills().unwrap_or(u64::MAX), Ordering::Relaxed);
}

/// True when a process killed by SIGKILL now was probably killed for want of memory: the
/// out-of-memory killer struck since the run started, or less than 5 % of memory is
/// available.
pub fn memory_was_exhausted() -> bool {
    let at_start = OOM_KILLS_AT_START.load(Ordering::Relaxed);
    exhausted(
        (at_start != u64::MAX).then_some(at_start),
        oom_kills(),
        memory_available_and_total(),
    )
}

/// The decision behind [`memory_was_exhausted`], from the kill counts at the start and now
/// and the (available, total) memory now.
fn exhausted(
    kills_at_start: Option<u64>,
    kills_now: Option<u64>,
    memory: Option<(u64, u64)>,
) -> bool {
    let killed = matches!((kills_at_start, kills_now), (Some(a), Some(b)) if b > a);
    killed || memory.is_some_and(|(available, total)| available < total / 20)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn this_machine_reports_memory_and_disk() {
        let (available, total) = memory_available_and_total().expect("memory figures");
        assert!(available > 0 && available <= total);
        assert!(free_disk(&std::env::temp_dir()).is_some_and(|b| b > 0));
        assert_eq!(free_disk(Path::new("/no/such/folder")), None);
    }

    #[test]
    fn a_kill_counts_as_out_of_memory_after_an_oom_kill_or_with_memory_nearly_gone() {
        let plenty = Some((8 << 30, 16 << 30));
        assert!(!exhausted(Some(3), Some(3), plenty));
        assert!(exhausted(Some(3), Some(4), plenty));
        assert!(exhausted(None, None, Some((500 << 20, 16 << 30))));
        assert!(!exhausted(None, Some(9), plenty));
    }
}
