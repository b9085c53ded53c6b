//! `parlab-reference`: minimal programs that do what parlab's profiles do, with none of
//! parlab's bookkeeping (no recorder, no histogram, no sampler, no task source but one atomic
//! counter), so that `benches/compare.sh` can show how close parlab's figures come to what
//! the machine allows. Each mode prints one machine-readable line:
//!
//! `reference=MODE threads=N iterations=K seconds=S tasks=T tasks_per_sec=R us_per_task=U`
//!
//! where `us_per_task` = wall seconds × threads × 10⁶ / tasks (each thread's time per task),
//! the same reading as `workers / throughput_per_sec` of a parlab run.
//!
//! - `threads`: N `std::thread`s run parlab's cpu kernel, tasks claimed from one `AtomicU64`
//!   (`--chunk` at a time: for tiny tasks, so that the shared counter is not what is measured).
//! - `spawn-join`: N spawners each `std::thread::spawn` a thread per task (the kernel) and join it.
//! - `spawn-process`: N spawners each start `--program` (default `/bin/true`) and wait for it.
//! - `worker`: N spawners each start the lean `parlab-worker`, hand it one cpu task (INIT,
//!   RUN, stdin closed), read its answers to the end and wait for it.
//! - `mutex`: N threads, each task holds one `std::sync::Mutex` while it runs the kernel.

mod process;
mod threads;

use clap::{Parser, ValueEnum};
use std::path::PathBuf;
use std::process::ExitCode;
use std::time::{Duration, Instant};

/// Which reference to run.
#[derive(Clone, Copy, ValueEnum)]
enum Mode {
    /// Raw threads on the cpu kernel (the `threads` model's reference).
    Threads,
    /// Raw spawn + join per task (the `thread-per-task` reference).
    SpawnJoin,
    /// Raw spawn + wait of a program per task (`/bin/true` unless --program).
    SpawnProcess,
    /// Raw spawn of parlab-worker running one real task (the `process-per-task` reference).
    Worker,
    /// A std::sync::Mutex held around the kernel (the `contention` mutex reference).
    Mutex,
}

/// Reference programs for benches/compare.sh.
#[derive(Parser)]
#[command(name = "parlab-reference")]
struct Args {
    /// What to run.
    mode: Mode,
    /// Threads (or concurrent spawners).
    #[arg(long, default_value_t = 1)]
    threads: usize,
    /// Seconds to run.
    #[arg(long, default_value_t = 1.0)]
    seconds: f64,
    /// Cpu kernel iterations per task (inside the lock for `mutex`).
    #[arg(long, default_value_t = 1)]
    iterations: u64,
    /// Task indices a `threads` thread claims at a time (parlab's `threads` model claims
    /// chunks of about 100 µs of tasks).
    #[arg(long, default_value_t = 1)]
    chunk: u64,
    /// The program of `spawn-process`, or the worker of `worker` (default: parlab-worker
    /// beside this executable).
    #[arg(long)]
    program: Option<PathBuf>,
}

fn main() -> ExitCode {
    let args = Args::parse();
    if args.threads == 0 || !(args.seconds > 0.0 && args.seconds < 1e6) {
        eprintln!("parlab-reference: --threads must be at least 1 and --seconds a positive number");
        return ExitCode::from(2);
    }
    let time = Duration::from_secs_f64(args.seconds);
    let (n, k) = (args.threads, args.iterations);
    let outcome = match args.mode {
        Mode::Threads => Ok(threads::claimed(n, k, args.chunk, time)),
        Mode::SpawnJoin => Ok(threads::spawn_join(n, k, time)),
        Mode::Mutex => Ok(threads::mutex(n, k, time)),
        Mode::SpawnProcess => {
            let program = args.program.unwrap_or_else(|| PathBuf::from("/bin/true"));
            process::spawn_wait(n, time, &program)
        }
        Mode::Worker => match args.program.map_or_else(process::worker_beside_me, Ok) {
            Ok(worker) => process::worker(n, k, time, &worker),
            Err(e) => Err(e),
        },
    };
    match outcome {
        Ok(m) => {
            let name = args
                .mode
                .to_possible_value()
                .map(|v| v.get_name().to_string());
            m.print(&name.unwrap_or_default(), n, k);
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("parlab-reference: {e}");
            ExitCode::FAILURE
        }
    }
}

/// What one reference run measured.
pub struct Measured {
    /// Tasks completed.
    pub tasks: u64,
    /// Wall time from the first start to the last join.
    pub wall: Duration,
    /// CPU time (user + system) of this process and the children it waited for, over the
    /// run: what parlab's results call the run's CPU s.
    pub cpu_s: f64,
}

impl Measured {
    /// Measures `run`, which returns the tasks it completed, by wall clock and CPU time.
    pub fn of(run: impl FnOnce() -> u64) -> Measured {
        let (cpu_before, start) = (cpu_seconds(), Instant::now());
        let tasks = run();
        let wall = start.elapsed();
        Measured {
            tasks,
            wall,
            cpu_s: cpu_seconds() - cpu_before,
        }
    }

    fn print(&self, mode: &str, threads: usize, iterations: u64) {
        let secs = self.wall.as_secs_f64();
        let tasks = self.tasks.max(1) as f64;
        let rate = self.tasks as f64 / secs;
        let per_task = secs * threads as f64 * 1e6 / tasks;
        let cpu_per_task = self.cpu_s * 1e6 / tasks;
        println!(
            "reference={mode} threads={threads} iterations={iterations} seconds={secs:.3} \
             tasks={} tasks_per_sec={rate:.1} us_per_task={per_task:.3} \
             cpu_us_per_task={cpu_per_task:.3}",
            self.tasks
        );
    }
}

/// User + system seconds of this process and of its waited-for children so far.
fn cpu_seconds() -> f64 {
    [libc::RUSAGE_SELF, libc::RUSAGE_CHILDREN]
        .into_iter()
        .map(|who| {
            // SAFETY: rusage is plain old data, and getrusage only writes into it.
            let mut ru: libc::rusage = unsafe { std::mem::zeroed() };
            if unsafe { libc::getrusage(who, &mut ru) } != 0 {
                return 0.0;
            }
            let secs = |t: libc::timeval| t.tv_sec as f64 + t.tv_usec as f64 / 1e6;
            secs(ru.ru_utime) + secs(ru.ru_stime)
        })
        .sum()
}
