//! The Unix implementation of [`crate::sys`].

use super::{Exit, Usage};
use std::io;
use std::os::unix::process::CommandExt;
use std::process::Command;

/// Environment variable through which a worker child learns its parent's pid, so it can
/// tell whether the parent died before the death signal was armed.
pub const PARENT_PID_ENV: &str = "PARLAB_PARENT_PID";

/// Makes a parlab worker child the leader of a new process group, so that stopping a run
/// can kill it and everything it started with one signal. The child arms its own death
/// signal ([`die_with_parent`]), which keeps `posix_spawn` (fast) usable for it.
pub fn isolate_worker(cmd: &mut Command) {
    cmd.process_group(0);
    cmd.env(PARENT_PID_ENV, std::process::id().to_string());
}

/// Puts an external program in a new process group and arranges for it to be killed if
/// the thread that started it dies (Linux `PR_SET_PDEATHSIG`).
pub fn isolate_external(cmd: &mut Command) {
    cmd.process_group(0);
    #[cfg(target_os = "linux")]
    {
        let parent = std::process::id() as libc::pid_t;
        // SAFETY: only async-signal-safe calls (prctl, getppid, _exit) run between fork and exec.
        unsafe {
            cmd.pre_exec(move || {
                if libc::prctl(libc::PR_SET_PDEATHSIG, libc::SIGKILL) != 0 {
                    return Err(io::Error::last_os_error());
                }
                if libc::getppid() != parent {
                    libc::_exit(1);
                }
                Ok(())
            });
        }
    }
}

/// Called first thing in a worker child: die with SIGKILL when the parent dies, and exit
/// at once if the parent is already gone.
pub fn die_with_parent() {
    #[cfg(target_os = "linux")]
    {
        // SAFETY: plain system calls without pointers.
        unsafe {
            libc::prctl(libc::PR_SET_PDEATHSIG, libc::SIGKILL);
        }
    }
    let expected = std::env::var(PARENT_PID_ENV)
        .ok()
        .and_then(|v| v.parse::<libc::pid_t>().ok());
    if let Some(expected) = expected {
        // SAFETY: getppid cannot fail.
        if unsafe { libc::getppid() } != expected {
            std::process::exit(1);
        }
    }
}

/// Sends SIGKILL to every process in the group led by `pgid`.
pub fn kill_group(pgid: u32) {
    // SAFETY: kill with a negative pid signals a process group; errors (group gone) are harmless.
    unsafe {
        libc::kill(-(pgid as libc::pid_t), libc::SIGKILL);
    }
}

/// Sends SIGKILL to one process.
pub fn kill_process(pid: u32) {
    // SAFETY: see `kill_group`.
    unsafe {
        libc::kill(pid as libc::pid_t, libc::SIGKILL);
    }
}

/// Waits for child `pid` to end and returns how it ended and what it used (`wait4`).
pub fn reap(pid: u32) -> io::Result<(Exit, Usage)> {
    let mut status: libc::c_int = 0;
    // SAFETY: rusage is plain old data; the kernel fills it.
    let mut ru: libc::rusage = unsafe { std::mem::zeroed() };
    loop {
        // SAFETY: valid pointers to locals.
        let r = unsafe { libc::wait4(pid as libc::pid_t, &mut status, 0, &mut ru) };
        if r >= 0 {
            break;
        }
        let err = io::Error::last_os_error();
        if err.kind() != io::ErrorKind::Interrupted {
            return Err(err);
        }
    }
    let exit = if libc::WIFSIGNALED(status) {
        Exit::Signal(libc::WTERMSIG(status))
    } else {
        Exit::Code(libc::WEXITSTATUS(status))
    };
    Ok((exit, usage_from(&ru)))
}

fn usage_from(ru: &libc::rusage) -> Usage {
    let secs = |tv: libc::timeval| tv.tv_sec as f64 + tv.tv_usec as f64 / 1e6;
    Usage {
        user_s: secs(ru.ru_utime),
        sys_s: secs(ru.ru_stime),
        voluntary_ctx: ru.ru_nvcsw.max(0) as u64,
        involuntary_ctx: ru.ru_nivcsw.max(0) as u64,
        // Linux reports kilobytes.
        max_rss_bytes: ru.ru_maxrss.max(0) as u64 * 1024,
    }
}

fn getrusage(who: libc::c_int) -> Usage {
    // SAFETY: rusage is plain old data; getrusage only fails for an invalid `who`.
    let mut ru: libc::rusage = unsafe { std::mem::zeroed() };
    if unsafe { libc::getrusage(who, &mut ru) } != 0 {
        return Usage::default();
    }
    usage_from(&ru)
}

/// Usage of this process (all its threads) so far.
pub fn self_usage() -> Usage {
    getrusage(libc::RUSAGE_SELF)
}

/// Usage of every child process this process has reaped so far (and of their reaped children).
pub fn children_usage() -> Usage {
    getrusage(libc::RUSAGE_CHILDREN)
}

/// Resets this process's peak-RSS mark so the next [`self_peak_rss`] covers one run only.
/// Best effort: without `/proc` the peak stays the lifetime peak.
pub fn reset_peak_rss() {
    let _ = std::fs::write("/proc/self/clear_refs", "5");
}

/// Peak resident set size of this process since the last [`reset_peak_rss`], in bytes.
pub fn self_peak_rss() -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    status
        .lines()
        .find_map(|l| l.strip_prefix("VmHWM:"))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse::<u64>().ok())
        .map(|kb| kb * 1024)
}

/// Current resident set size of process `pid` in bytes (`/proc/PID/statm`).
pub fn rss_of(pid: u32) -> Option<u64> {
    let statm = std::fs::read_to_string(format!("/proc/{pid}/statm")).ok()?;
    let pages: u64 = statm.split_whitespace().nth(1)?.parse().ok()?;
    Some(pages * page_size())
}

fn page_size() -> u64 {
    // SAFETY: sysconf has no memory effects.
    let size = unsafe { libc::sysconf(libc::_SC_PAGESIZE) };
    if size > 0 { size as u64 } else { 4096 }
}

/// Makes reads from `fd` return at once when no data is waiting.
pub fn set_nonblocking(fd: &impl std::os::fd::AsRawFd) {
    let fd = fd.as_raw_fd();
    // SAFETY: fcntl on a descriptor we own; failure leaves it blocking, which is harmless here.
    unsafe {
        let flags = libc::fcntl(fd, libc::F_GETFL);
        if flags >= 0 {
            libc::fcntl(fd, libc::F_SETFL, flags | libc::O_NONBLOCK);
        }
    }
}

/// CPU seconds (user + system) the calling thread has used so far.
pub fn thread_cpu_seconds() -> f64 {
    #[cfg(target_os = "linux")]
    {
        let usage = getrusage(libc::RUSAGE_THREAD);
        usage.user_s + usage.sys_s
    }
    #[cfg(not(target_os = "linux"))]
    {
        0.0
    }
}
