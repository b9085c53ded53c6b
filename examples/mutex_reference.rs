//! An independent reference for the `contention` kind with `lock = "mutex"`: the same cpu
//! kernel run inside a plain `std::sync::Mutex` by 1 and then 2 threads, with no parlab
//! engine in the way. Compare its 2-thread / 1-thread ratio with `parlab run` of the
//! equivalent profile in the same sitting.
//!
//! `cargo run --release --example mutex_reference -- [ITERATIONS] [SECONDS]`
//! (defaults: 20000 iterations inside the lock, 1 s per thread count).

use parlab::cancel::CancelToken;
use parlab::workload::kernel;
use std::sync::Mutex;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::time::{Duration, Instant};

/// Tasks per second of `threads` threads, each task holding one shared mutex while it runs
/// `iterations` of the kernel and then incrementing the counter.
fn tasks_per_sec(threads: usize, iterations: u64, seconds: f64) -> f64 {
    let lock = Mutex::new(0u64);
    let next = AtomicU64::new(0);
    let done = AtomicBool::new(false);
    let cancel = CancelToken::new();
    let start = Instant::now();
    std::thread::scope(|s| {
        for _ in 0..threads {
            s.spawn(|| {
                while !done.load(Ordering::Relaxed) {
                    let i = next.fetch_add(1, Ordering::Relaxed);
                    let mut guard = lock.lock().unwrap_or_else(|p| p.into_inner());
                    std::hint::black_box(kernel(i, iterations, &cancel));
                    *guard += 1;
                }
            });
        }
        std::thread::sleep(Duration::from_secs_f64(seconds));
        done.store(true, Ordering::Relaxed);
    });
    let count = *lock.lock().unwrap_or_else(|p| p.into_inner());
    count as f64 / start.elapsed().as_secs_f64()
}

fn main() {
    let mut args = std::env::args().skip(1);
    let iterations = args.next().and_then(|a| a.parse().ok()).unwrap_or(20_000);
    let seconds = args.next().and_then(|a| a.parse().ok()).unwrap_or(1.0);
    let one = tasks_per_sec(1, iterations, seconds);
    let two = tasks_per_sec(2, iterations, seconds);
    println!(
        "std::sync::Mutex, {iterations} iterations inside: 1 thread {one:.0} tasks/s, 2 threads {two:.0} tasks/s, ratio {:.2}",
        two / one
    );
}
