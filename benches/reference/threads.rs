//! The in-process references: raw threads on the kernel, raw spawn + join, a std mutex.
//! Every thread claims task indices from one `AtomicU64` and stops at the first claim after
//! the time is up; nothing else is shared or recorded.

use crate::Measured;
use parlab::cancel::CancelToken;
use parlab::workload::kernel;
use std::sync::Mutex;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::time::Duration;

/// Runs `body(task index)` on `threads` threads for `time`; counts the tasks they finished.
fn run_for(threads: usize, time: Duration, body: impl Fn(u64) + Sync) -> Measured {
    let next = AtomicU64::new(0);
    let done = AtomicU64::new(0);
    let stop = AtomicBool::new(false);
    Measured::of(|| {
        std::thread::scope(|s| {
            for _ in 0..threads {
                s.spawn(|| {
                    let mut mine = 0;
                    while !stop.load(Ordering::Relaxed) {
                        body(next.fetch_add(1, Ordering::Relaxed));
                        mine += 1;
                    }
                    done.fetch_add(mine, Ordering::Relaxed);
                });
            }
            std::thread::sleep(time);
            stop.store(true, Ordering::Relaxed);
        });
        done.load(Ordering::Relaxed)
    })
}

/// Raw threads running the cpu kernel, `iterations` per task.
pub fn claimed(threads: usize, iterations: u64, time: Duration) -> Measured {
    let cancel = CancelToken::new();
    run_for(threads, time, |i| {
        std::hint::black_box(kernel(i, iterations, &cancel));
    })
}

/// `threads` spawners, each starting a new thread per task (the kernel) and joining it.
pub fn spawn_join(threads: usize, iterations: u64, time: Duration) -> Measured {
    let cancel = CancelToken::new();
    run_for(threads, time, |i| {
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
    run_for(threads, time, |i| {
        let mut guard = lock.lock().unwrap_or_else(|p| p.into_inner());
        std::hint::black_box(kernel(i, iterations, &cancel));
        *guard += 1;
    })
}
