//! `parlab-worker`: the child side of the process models on its own, without the desktop
//! app linked in, so that starting a worker process (once per task in the process-per-task
//! model) costs little more than starting any small program. `parlab worker` does the same.
//!
//! It has no Rust `main`: the C `main` below skips the start-up the Rust runtime does before
//! `main` (checking descriptors 0–2 with `poll`, reading `/proc/self/maps` and mapping an
//! alternate signal stack to report stack overflows), about 40 µs of CPU per start on a
//! 2-core test machine (`perf stat -r 500` of an empty program: 0.34 against 0.30 ms), which
//! process-per-task pays once per task. What that start-up gave the worker, it does itself:
//! SIGPIPE is ignored (a write to a closed pipe is an error, not death), and a panic outside
//! a task exits with status 101 as Rust's `main` would. A stack overflow kills it with
//! SIGSEGV, which the parent reports as such.
// Under `cargo test` the test harness brings its own `main` (and this file has no tests).
#![cfg_attr(not(test), no_main)]

#[cfg(not(test))]
use std::ffi::{c_char, c_int};

/// The C entry point (see the module docs for why it is not a Rust `main`).
#[cfg(not(test))]
#[unsafe(no_mangle)]
pub extern "C" fn main(_argc: c_int, _argv: *const *const c_char) -> c_int {
    // SAFETY: setting a signal's disposition to "ignore" touches no memory of ours.
    unsafe {
        libc::signal(libc::SIGPIPE, libc::SIG_IGN);
    }
    std::panic::catch_unwind(parlab::exec::worker::main).map_or(101, |code| code.clamp(0, 255))
}
