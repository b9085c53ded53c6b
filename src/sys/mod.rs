//! Operating-system specifics, fenced in one place: process groups, the parent-death
//! signal, reaping with resource usage, and memory figures from `/proc`.
//!
//! Everything else in parlab is portable; Linux is the supported platform and other
//! Unix systems get the subset POSIX offers.

mod host;
mod proc_stat;
mod resources;
#[cfg(unix)]
mod unix;
pub use host::{governor, kernel_release, load_average_1m, physical_cpus};
pub use proc_stat::{
    CoreTimes, all_cores_busy_seconds, core_times, process_cpu_seconds, ticks_per_second,
};
pub use resources::{
    free_disk, mark_oom_kills, memory_available_and_total, memory_was_exhausted, oom_kills,
};
#[cfg(unix)]
pub use unix::*;

#[cfg(not(unix))]
compile_error!("parlab currently supports Unix-like systems only (process groups and wait4)");

/// CPU time, context switches and peak memory as reported by the kernel.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct Usage {
    /// CPU seconds spent in user mode.
    pub user_s: f64,
    /// CPU seconds spent in the kernel.
    pub sys_s: f64,
    /// Times the process gave up the CPU by itself (blocking).
    pub voluntary_ctx: u64,
    /// Times the scheduler took the CPU away.
    pub involuntary_ctx: u64,
    /// Peak resident set size in bytes.
    pub max_rss_bytes: u64,
}

impl Usage {
    /// The difference `self - earlier` for the cumulative counters; peak RSS is kept from `self`.
    pub fn since(&self, earlier: &Usage) -> Usage {
        Usage {
            user_s: (self.user_s - earlier.user_s).max(0.0),
            sys_s: (self.sys_s - earlier.sys_s).max(0.0),
            voluntary_ctx: self.voluntary_ctx.saturating_sub(earlier.voluntary_ctx),
            involuntary_ctx: self.involuntary_ctx.saturating_sub(earlier.involuntary_ctx),
            max_rss_bytes: self.max_rss_bytes,
        }
    }

    /// The sum of two usages; peak RSS is the larger of the two.
    pub fn plus(&self, other: &Usage) -> Usage {
        Usage {
            user_s: self.user_s + other.user_s,
            sys_s: self.sys_s + other.sys_s,
            voluntary_ctx: self.voluntary_ctx + other.voluntary_ctx,
            involuntary_ctx: self.involuntary_ctx + other.involuntary_ctx,
            max_rss_bytes: self.max_rss_bytes.max(other.max_rss_bytes),
        }
    }
}

/// How a reaped child process ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Exit {
    /// It called `exit` with this status.
    Code(i32),
    /// A signal ended it.
    Signal(i32),
}

impl Exit {
    /// True for a clean `exit(0)`.
    pub fn success(&self) -> bool {
        *self == Exit::Code(0)
    }
}

impl std::fmt::Display for Exit {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Exit::Code(code) => write!(f, "exited with status {code}"),
            Exit::Signal(sig) => match signal_name(*sig) {
                Some(name) => write!(f, "was killed by signal {sig} ({name})"),
                None => write!(f, "was killed by signal {sig}"),
            },
        }
    }
}

/// The conventional name of a signal number, for messages.
pub fn signal_name(sig: i32) -> Option<&'static str> {
    Some(match sig {
        1 => "SIGHUP",
        2 => "SIGINT",
        3 => "SIGQUIT",
        4 => "SIGILL",
        6 => "SIGABRT",
        7 => "SIGBUS",
        8 => "SIGFPE",
        9 => "SIGKILL",
        11 => "SIGSEGV",
        13 => "SIGPIPE",
        15 => "SIGTERM",
        _ => return None,
    })
}
