//! The Unix implementation of [`crate::sys`].

use super::{Exit, Usage};
use std::io;
use std::os::unix::process::CommandExt;
use std::process::Command;
use std::sync::atomic::{AtomicI32, Ordering};

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
/// the thread that started it dies (Linux `PR_SET_PDEATHSIG`). With `announce`, the child
/// writes its group id (`+` and the id as a little-endian `u32`) there before it execs, so
/// that the watcher on the other end knows of it from its first instruction on.
pub fn isolate_external(cmd: &mut Command, announce: Option<std::os::fd::RawFd>) {
    cmd.process_group(0);
    #[cfg(target_os = "linux")]
    {
        let parent = std::process::id() as libc::pid_t;
        // SAFETY: only async-signal-safe calls (prctl, getppid, getpid, write, _exit) run
        // between fork and exec, on a buffer of the child's own stack.
        unsafe {
            cmd.pre_exec(move || {
                if libc::prctl(libc::PR_SET_PDEATHSIG, libc::SIGKILL) != 0 {
                    return Err(io::Error::last_os_error());
                }
                if libc::getppid() != parent {
                    libc::_exit(1);
                }
                if let Some(fd) = announce {
                    let mut record = [b'+', 0, 0, 0, 0];
                    record[1..].copy_from_slice(&(libc::getpid() as u32).to_le_bytes());
                    libc::write(fd, record.as_ptr().cast(), record.len());
                }
                Ok(())
            });
        }
    }
}

/// What a worker runs when its parent dies, once [`arm_parent_death`] armed the catch.
static ON_PARENT_DEATH: std::sync::OnceLock<fn()> = std::sync::OnceLock::new();

/// Set once the thread that catches the parent's death runs.
static ARMED: std::sync::atomic::AtomicBool = std::sync::atomic::AtomicBool::new(false);

/// Called first thing in a worker child, before it starts any thread: the worker dies with
/// SIGKILL when its parent dies (even by `kill -9`), and exits at once if the parent is
/// already gone. SIGTERM is blocked here (so in every thread started later) so that
/// [`arm_parent_death`] can catch it later: a worker whose tasks start no program has
/// nothing to clean up and never pays for the extra thread (process-per-task starts a
/// worker per task).
pub fn die_with_parent(on_death: fn()) {
    let _ = ON_PARENT_DEATH.set(on_death);
    #[cfg(target_os = "linux")]
    {
        // SAFETY: sigset_t is plain old data, initialised by sigemptyset before use; the
        // other calls take no pointers.
        unsafe {
            let mut set: libc::sigset_t = std::mem::zeroed();
            libc::sigemptyset(&mut set);
            libc::sigaddset(&mut set, libc::SIGTERM);
            libc::pthread_sigmask(libc::SIG_BLOCK, &set, std::ptr::null_mut());
            libc::prctl(libc::PR_SET_PDEATHSIG, libc::SIGKILL);
        }
    }
    exit_if_orphaned();
}

/// Before a worker starts a program: from now on its parent's death is caught (SIGTERM, on
/// a thread of its own) and runs the `on_death` given to [`die_with_parent`], which kills
/// what the worker started. Does nothing outside a worker, or once armed.
pub fn arm_parent_death() {
    let Some(&on_death) = ON_PARENT_DEATH.get() else {
        return;
    };
    if ARMED.swap(true, std::sync::atomic::Ordering::SeqCst) {
        return;
    }
    #[cfg(target_os = "linux")]
    if catch_sigterm(on_death) {
        // SAFETY: a plain system call without pointers.
        unsafe {
            libc::prctl(libc::PR_SET_PDEATHSIG, libc::SIGTERM);
        }
        // The parent may have died before the new death signal was set.
        if parent_is_gone() {
            on_death();
            std::process::exit(1);
        }
    }
}

fn parent_is_gone() -> bool {
    let expected = std::env::var(PARENT_PID_ENV)
        .ok()
        .and_then(|v| v.parse::<libc::pid_t>().ok());
    // SAFETY: getppid cannot fail.
    expected.is_some_and(|expected| unsafe { libc::getppid() } != expected)
}

fn exit_if_orphaned() {
    if parent_is_gone() {
        std::process::exit(1);
    }
}

/// Waits for SIGTERM (blocked in every thread by [`die_with_parent`]) on a thread of its
/// own, which runs `on_death` and exits. False if the thread could not start.
#[cfg(target_os = "linux")]
fn catch_sigterm(on_death: fn()) -> bool {
    // SAFETY: sigset_t is plain old data, initialised by sigemptyset before use.
    let mut set: libc::sigset_t = unsafe { std::mem::zeroed() };
    unsafe {
        libc::sigemptyset(&mut set);
        libc::sigaddset(&mut set, libc::SIGTERM);
    }
    std::thread::Builder::new()
        .name("parlab-parent-death".into())
        .spawn(move || {
            let mut sig = 0;
            // SAFETY: valid pointers to locals; SIGTERM is blocked in every thread.
            while unsafe { libc::sigwait(&set, &mut sig) } != 0 {}
            on_death();
            // SAFETY: ends the process without running destructors of other threads' state.
            unsafe { libc::_exit(128 + libc::SIGTERM) }
        })
        .is_ok()
}

/// Moves a worker's protocol off its standard input and output: returns new descriptors
/// for the pipes on 0 and 1, and points 0 at `/dev/null` and 1 at stderr, so that nothing
/// a task prints (or a program it starts inherits) can reach the protocol.
pub fn take_stdio() -> io::Result<(std::fs::File, std::fs::File)> {
    let (input, output) = move_stdio_off()?;
    PROTOCOL_OUT.store(std::os::fd::AsRawFd::as_raw_fd(&output), Ordering::Relaxed);
    Ok((input, output))
}

/// Like [`take_stdio`], for a stream that is not a worker's protocol (the engine's): the
/// `garbage` fault never writes to it.
pub fn move_stdio_off() -> io::Result<(std::fs::File, std::fs::File)> {
    use std::os::fd::{AsRawFd, FromRawFd};
    // SAFETY: F_DUPFD_CLOEXEC returns a new descriptor we own (or -1).
    let dup = |fd: libc::c_int| match unsafe { libc::fcntl(fd, libc::F_DUPFD_CLOEXEC, 3) } {
        -1 => Err(io::Error::last_os_error()),
        new => Ok(unsafe { std::fs::File::from_raw_fd(new) }),
    };
    let input = dup(0)?;
    let output = dup(1)?;
    let null = std::fs::File::open("/dev/null")?;
    // SAFETY: dup2 onto the standard descriptors, which this process owns.
    unsafe {
        if libc::dup2(null.as_raw_fd(), 0) < 0 || libc::dup2(2, 1) < 0 {
            return Err(io::Error::last_os_error());
        }
    }
    Ok((input, output))
}

/// Called first thing in the engine child of the app: it is killed (SIGKILL) when the app
/// dies, however it dies, and exits at once if the app is already gone. What the engine
/// started ends with it (worker processes, the guardian).
pub fn exit_with_parent() {
    #[cfg(target_os = "linux")]
    // SAFETY: a plain system call without pointers.
    unsafe {
        libc::prctl(libc::PR_SET_PDEATHSIG, libc::SIGKILL);
    }
    exit_if_orphaned();
}

/// The descriptor [`take_stdio`] moved the protocol's output to (-1 before).
static PROTOCOL_OUT: AtomicI32 = AtomicI32::new(-1);

/// Writes `bytes` straight onto the protocol's output, past the framing: only the `fault`
/// workload's `garbage` action does this, to show how a model copes with a garbled worker.
pub fn write_raw_to_protocol(bytes: &[u8]) -> io::Result<()> {
    let fd = PROTOCOL_OUT.load(Ordering::Relaxed);
    if fd < 0 {
        return Err(io::Error::other("not a worker process"));
    }
    // SAFETY: writes from a live buffer to a descriptor this process keeps open until it exits.
    match unsafe { libc::write(fd, bytes.as_ptr().cast(), bytes.len()) } {
        -1 => Err(io::Error::last_os_error()),
        _ => Ok(()),
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

/// Waits for child `pid` to end without reaping it: its pid (and process group id) stay
/// reserved until [`reap`], so signalling its group in between cannot hit a stranger.
pub fn wait_exited(pid: u32) -> io::Result<()> {
    loop {
        // SAFETY: siginfo_t is plain old data, filled by the kernel.
        let mut info: libc::siginfo_t = unsafe { std::mem::zeroed() };
        let flags = libc::WEXITED | libc::WNOWAIT;
        // SAFETY: a valid pointer to a local.
        if unsafe { libc::waitid(libc::P_PID, pid as libc::id_t, &mut info, flags) } == 0 {
            return Ok(());
        }
        let err = io::Error::last_os_error();
        if err.kind() != io::ErrorKind::Interrupted {
            return Err(err);
        }
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
    vm_hwm(&read_proc_file("/proc/self/status")?)
}

/// A small `/proc` file in two reads. `fs::read_to_string` asks for the size first (`/proc`
/// says 0) and then grows its buffer from 32 bytes, read by read: ten system calls for
/// `/proc/self/status`, which every worker process reads once before it exits.
fn read_proc_file(path: &str) -> Option<String> {
    use std::io::Read;
    let file = std::fs::File::open(path).ok()?;
    let mut bytes = Vec::with_capacity(8192);
    file.take(1 << 20).read_to_end(&mut bytes).ok()?;
    String::from_utf8(bytes).ok()
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

/// Waits until one of `fds` can be read without blocking (data, end of stream or an error),
/// or until `timeout` passed (`None`: no limit); says which can.
pub fn wait_readable<const N: usize>(
    fds: [std::os::fd::RawFd; N],
    timeout: Option<std::time::Duration>,
) -> io::Result<[bool; N]> {
    let mut entries = fds.map(|fd| libc::pollfd {
        fd,
        events: libc::POLLIN,
        revents: 0,
    });
    let ms = timeout.map_or(-1, |t| t.as_millis().min(i32::MAX as u128) as libc::c_int);
    loop {
        // SAFETY: N valid pollfd entries on our stack.
        let ready = unsafe { libc::poll(entries.as_mut_ptr(), N as libc::nfds_t, ms) };
        if ready >= 0 {
            break;
        }
        let error = io::Error::last_os_error();
        if error.kind() != io::ErrorKind::Interrupted {
            return Err(error);
        }
    }
    let readable = libc::POLLIN | libc::POLLHUP | libc::POLLERR | libc::POLLNVAL;
    Ok(entries.map(|e| e.revents & readable != 0))
}

/// Makes the calling thread's timed sleeps end within about a microsecond of when they
/// should (Linux `PR_SET_TIMERSLACK` of 1 ns; the default lets the kernel wake a sleeper up
/// to 50 µs late to batch wake-ups). Elsewhere it does nothing.
pub fn precise_timers() {
    #[cfg(target_os = "linux")]
    // SAFETY: a plain system call without pointers.
    unsafe {
        libc::prctl(libc::PR_SET_TIMERSLACK, 1 as libc::c_ulong);
    }
}

/// True when nobody can write to the pipe `fd` reads any more (its write end is closed):
/// reads from it will never block again. False when a writer may still send, or the state
/// cannot be told.
pub fn writers_gone(fd: &impl std::os::fd::AsRawFd) -> bool {
    let mut entry = libc::pollfd {
        fd: fd.as_raw_fd(),
        events: 0,
        revents: 0,
    };
    // SAFETY: one valid pollfd on our stack; a timeout of 0 never waits. POLLHUP is reported
    // whatever `events` asks for.
    let ready = unsafe { libc::poll(&mut entry, 1, 0) };
    ready == 1 && entry.revents & libc::POLLHUP != 0
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

/// Makes this process a child subreaper (Linux `PR_SET_CHILD_SUBREAPER`): whatever its
/// descendants leave behind, even a program that detaches with `setsid` and a double
/// fork, is reparented to it instead of to init, so it stays in reach of
/// [`kill_tree`]. Returns false where the system does not offer it.
pub fn become_subreaper() -> bool {
    #[cfg(target_os = "linux")]
    {
        // SAFETY: a plain system call without pointers.
        unsafe { libc::prctl(libc::PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0) == 0 }
    }
    #[cfg(not(target_os = "linux"))]
    {
        false
    }
}

/// One line of `/proc/PID/stat`: the parent pid and whether the process is a zombie.
fn stat_of(pid: u32) -> Option<(u32, bool)> {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).ok()?;
    // The command name is in parentheses and may itself contain spaces and parentheses.
    let rest = &stat[stat.rfind(')')? + 1..];
    let mut fields = rest.split_whitespace();
    let state = fields.next()?;
    let ppid = fields.next()?.parse().ok()?;
    Some((ppid, state == "Z" || state == "X"))
}

/// Every process on the system with its parent and zombie state (Linux `/proc`).
fn process_table() -> Vec<(u32, u32, bool)> {
    let Ok(entries) = std::fs::read_dir("/proc") else {
        return Vec::new();
    };
    entries
        .flatten()
        .filter_map(|e| e.file_name().to_str()?.parse::<u32>().ok())
        .filter_map(|pid| stat_of(pid).map(|(ppid, zombie)| (pid, ppid, zombie)))
        .collect()
}

/// The live (not zombie) descendants of `root`, found through the parent links in `/proc`.
pub fn descendants(root: u32) -> Vec<u32> {
    let table = process_table();
    let mut found = Vec::new();
    let mut frontier = vec![root];
    while let Some(parent) = frontier.pop() {
        for &(pid, ppid, zombie) in &table {
            if ppid == parent && pid != root && !found.contains(&pid) {
                frontier.push(pid);
                if !zombie {
                    found.push(pid);
                }
            }
        }
    }
    found
}

/// The direct children of this process (zombies included).
pub fn own_children() -> Vec<(u32, bool)> {
    let me = std::process::id();
    process_table()
        .into_iter()
        .filter(|&(_, ppid, _)| ppid == me)
        .map(|(pid, _, zombie)| (pid, zombie))
        .collect()
}

/// Kills everything below `root` with SIGKILL, but not `root` itself. `root` should be
/// a subreaper (a parlab worker is), so that what a killed process started is reparented
/// to `root` and found by the next pass; passes repeat until none is left (a bounded
/// number of times, in case something forks faster than it is killed).
pub fn kill_descendants(root: u32) {
    for _ in 0..64 {
        let below = descendants(root);
        if below.is_empty() {
            return;
        }
        for pid in below {
            kill_process(pid);
        }
    }
}

/// True when this process has a child, alive or a zombie (`waitid` with `WNOWAIT`, which
/// reaps nothing): one system call instead of a walk through `/proc`.
pub fn has_children() -> bool {
    // SAFETY: siginfo_t is plain old data, filled by the kernel.
    let mut info: libc::siginfo_t = unsafe { std::mem::zeroed() };
    // SAFETY: a valid pointer to a local.
    let r = unsafe {
        libc::waitid(
            libc::P_ALL,
            0,
            &mut info,
            libc::WEXITED | libc::WNOHANG | libc::WNOWAIT,
        )
    };
    // -1 with ECHILD: no child at all; 0: children, none of them ended yet, or one that did.
    r == 0 || io::Error::last_os_error().raw_os_error() != Some(libc::ECHILD)
}

/// Kills `root` and everything it started: `root` is paused first so it cannot start
/// anything new, its descendants are killed, then its process group and itself.
pub fn kill_tree(root: u32) {
    // SAFETY: kill has no memory effects; a process that is gone makes it fail harmlessly.
    unsafe {
        libc::kill(root as libc::pid_t, libc::SIGSTOP);
    }
    kill_descendants(root);
    kill_group(root);
    kill_process(root);
}

/// Reaps `pid` if it is a child of this process that has ended; never blocks.
pub fn reap_if_ended(pid: u32) -> bool {
    let mut status = 0;
    // SAFETY: a valid pointer to a local.
    unsafe { libc::waitpid(pid as libc::pid_t, &mut status, libc::WNOHANG) == pid as libc::pid_t }
}

/// True while process `pid` exists (a zombie counts).
pub fn pid_alive(pid: u32) -> bool {
    // SAFETY: signal 0 only checks that the process exists.
    let r = unsafe { libc::kill(pid as libc::pid_t, 0) };
    r == 0 || io::Error::last_os_error().raw_os_error() == Some(libc::EPERM)
}

/// The peak resident set size of process `pid` (`VmHWM` in `/proc/PID/status`), in bytes;
/// `None` once it has exited or without `/proc`.
pub fn peak_rss_of(pid: u32) -> Option<u64> {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).ok()?;
    vm_hwm(&status)
}

fn vm_hwm(status: &str) -> Option<u64> {
    status
        .lines()
        .find_map(|l| l.strip_prefix("VmHWM:"))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse::<u64>().ok())
        .map(|kb| kb * 1024)
}

/// The effective user id of this process.
pub fn uid() -> u32 {
    // SAFETY: geteuid cannot fail.
    unsafe { libc::geteuid() }
}

/// The kernel's id of the calling thread (`gettid`).
pub fn thread_id() -> u32 {
    // SAFETY: gettid cannot fail.
    unsafe { libc::gettid() as u32 }
}

/// The nice value of the calling thread.
pub fn own_nice() -> i32 {
    // SAFETY: getpriority can return -1 as a valid value, so errno is cleared first and
    // read after; both through the thread's own errno location.
    unsafe {
        *libc::__errno_location() = 0;
        let nice = libc::getpriority(libc::PRIO_PROCESS, 0);
        if nice == -1 && *libc::__errno_location() != 0 {
            0
        } else {
            nice
        }
    }
}

/// Sets the nice value of every thread of this process except `keep` (Linux keeps nice
/// values per thread, and a new thread or child takes its creator's). Returns the error of
/// the first thread that refused (raising priority needs privilege), after trying all.
pub fn renice_threads_except(keep: Option<u32>, nice: i32) -> io::Result<()> {
    let mut first_error = None;
    for entry in std::fs::read_dir("/proc/self/task")?.flatten() {
        let Some(tid) = entry
            .file_name()
            .to_str()
            .and_then(|t| t.parse::<u32>().ok())
        else {
            continue;
        };
        if Some(tid) == keep {
            continue;
        }
        // SAFETY: a plain system call without pointers; a thread that ended meanwhile
        // gives ESRCH, which is harmless.
        let rc = unsafe { libc::setpriority(libc::PRIO_PROCESS, tid as libc::id_t, nice) };
        if rc != 0 {
            let e = io::Error::last_os_error();
            if e.raw_os_error() != Some(libc::ESRCH) && first_error.is_none() {
                first_error = Some(e);
            }
        }
    }
    first_error.map_or(Ok(()), Err)
}

/// `CLOCK_MONOTONIC` in nanoseconds: the clock [`std::time::Instant`] reads on Linux, one
/// clock for every process of the machine, so a worker process's timestamps can be put on
/// its parent's run clock ([`instant_at_monotonic`]).
pub fn monotonic_ns() -> u64 {
    let mut ts = libc::timespec {
        tv_sec: 0,
        tv_nsec: 0,
    };
    // SAFETY: `ts` is a valid, writable timespec; CLOCK_MONOTONIC always exists on Linux.
    unsafe { libc::clock_gettime(libc::CLOCK_MONOTONIC, &mut ts) };
    (ts.tv_sec as u64)
        .saturating_mul(1_000_000_000)
        .saturating_add(ts.tv_nsec as u64)
}

/// The [`std::time::Instant`] of a `CLOCK_MONOTONIC` reading `ns` (from this or another
/// process), taken by reading both clocks now; `now` if `ns` lies in the future.
pub fn instant_at_monotonic(ns: u64) -> std::time::Instant {
    let now = std::time::Instant::now();
    let ago = monotonic_ns().saturating_sub(ns);
    now.checked_sub(std::time::Duration::from_nanos(ago))
        .unwrap_or(now)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_proc_file_is_read_whole_in_one_buffer() {
        // Larger than the first buffer: /proc/self/smaps runs to tens of KiB.
        for path in ["/proc/self/status", "/proc/self/smaps"] {
            let ours = read_proc_file(path).expect("readable");
            let std = std::fs::read_to_string(path).expect("readable");
            let keys = |s: &str| -> Vec<String> {
                s.lines()
                    .map(|l| l.split_whitespace().next().unwrap_or("").to_string())
                    .collect()
            };
            if path.ends_with("status") {
                assert_eq!(keys(&ours), keys(&std), "{path}");
            } else {
                assert!(ours.len() > 8192, "{path} is only {} bytes", ours.len());
                // The stack is among the last mappings listed.
                assert!(
                    ours.ends_with('\n') && ours.contains("[stack]"),
                    "{path} was cut"
                );
            }
        }
        assert!(self_peak_rss().is_some_and(|b| b > 0));
    }
}
