//! The in-process references: raw threads on the kernel, raw spawn + join, a std mutex.
//! Every thread claims task indices from one `AtomicU64` (one at a time, or `chunk` at a
//! time for `threads`) and stops at the first claim after the time is up; nothing else is
//! shared or recorded. The counter and the stop flag have cache lines of their own, so that
//! the reference measures the machine and not its own false sharing.

use crate::Measured;
use parlab::cancel::CancelToken;
use parlab::workload::kernel;
use std::sync::Mutex;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::time::Duration;

/// A value alone on its cache line (128 bytes: x86 prefetches lines in pairs).
#[repr(align(128))]
struct Alone<T>(T);

/// Runs `body(task index)` on `threads` threads for `time`, claiming `chunk` indices at a
/// time; counts the tasks they finished.
fn run_for(threads: usize, time: Duration, chunk: u64, body: impl Fn(u64) + Sync) -> Measured {
    let next = Alone(AtomicU64::new(0));
    let done = AtomicU64::new(0);
    let stop = Alone(AtomicBool::new(false));
    let chunk = chunk.max(1);
    Measured::of(|| {
        std::thread::scope(|s| {
            for _ in 0..threads {
                s.spawn(|| {
                    let mut mine = 0;
                    while !stop.0.load(Ordering::Relaxed) {
                        let first = next.0.fetch_add(chunk, Ordering::Relaxed);
                        (first..first + chunk).for_each(&body);
                        mine += chunk;
                    }
                    done.fetch_add(mine, Ordering::Relaxed);
                });
            }
            std::thread::sleep(time);
            stop.0.store(true, Ordering::Relaxed);
        });
        done.load(Ordering::Relaxed)
    })
}

/// Raw threads running the cpu kernel, `iterations` per task, claimed `chunk` at a time.
pub fn claimed(threads: usize, iterations: u64, chunk: u64, time: Duration) -> Measured {
    let cancel = CancelToken::new();
    run_for(threads, time, chunk, |i| {
        std::hint::black_box(kernel(i, iterations, &cancel));
    })
}

/// `threads` spawners, each starting a new thread per task (the kernel) and joining it.
pub fn spawn_join(threads: usize, iterations: u64, time: Duration) -> Measured {
    let cancel = CancelToken::new();
    run_for(threads, time, 1, |i| {
        let cancel = cancel.clone();
        let task = std::thread::spawn(move || {
            std::hint::black_box(kernel(i, iterations, &cancel));
        });
        // A kernel cannot panic; a failed join would only mean a lost task, not a wrong time.
        let _ = task.join();
    })
}

/// `threads` threads; each task holds one `std::sync::Mutex` while it runs the kernel.
pub fn mutex(threads: usize, iterations: u64, time: Duration) -> Measured {
    let cancel = CancelToken::new();
    let lock = Mutex::new(0u64);
    run_for(threads, time, 1, |i| {
        let mut guard = lock.lock().unwrap_or_else(|p| p.into_inner());
        std::hint::black_box(kernel(i, iterations, &cancel));
        *guard += 1;
    })
}
