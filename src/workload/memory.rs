//! `memory { bytes, pattern }`: reads a buffer per task. In-process models share one buffer;
//! each worker process builds its own, so peak RSS grows with process workers.

use super::{
    Field, Kind, KindInfo, Needs, Placement, TaskContext, TaskError, TaskTime, Workload,
    WorkloadStats,
};
use crate::model::Model;
use crate::validation::{FieldPath, ValidationError, check_range};
use serde::{Deserialize, Serialize};
use std::sync::OnceLock;
use std::sync::atomic::{AtomicU64, Ordering};

/// How the buffer is read.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Pattern {
    /// One read per cache line, in order: bandwidth-bound.
    Sequential,
    /// One read per cache line at pseudo-random places: latency-bound.
    Random,
}

/// Reads `bytes` of memory per task.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Memory {
    /// Size of the buffer each task reads.
    pub bytes: u64,
    /// Access pattern.
    pub pattern: Pattern,
}

const MIN: u64 = 4096;
const MAX: u64 = 4 << 30;
const LINE: usize = 64;

impl KindInfo for Memory {
    const NAME: &'static str = "memory";
    const EXPLANATION: &'static str = "Reads a buffer of `bytes` per task, sequentially or at random. Memory bandwidth is shared by all cores, so it scales worse than CPU work; threads share one buffer while each process holds its own copy (watch peak RSS grow with process workers).";

    fn default_params() -> Self {
        Memory {
            bytes: 64 << 20,
            pattern: Pattern::Sequential,
        }
    }

    fn fields(&mut self) -> Vec<Field<'_>> {
        vec![
            Field::integer("bytes", "Bytes", &mut self.bytes, 65536.0)
                .help("The buffer each task reads"),
            Field::choice(
                "pattern",
                "Pattern",
                &mut self.pattern,
                &[
                    (Pattern::Sequential, "sequential"),
                    (Pattern::Random, "random"),
                ],
            ),
        ]
    }
}

impl Kind for Memory {
    fn size_bytes(&self) -> Option<u64> {
        Some(self.bytes)
    }

    fn validate(&self, _model: Model, at: &FieldPath) -> Vec<ValidationError> {
        check_range(at, "bytes", self.bytes, MIN..=MAX, "4 GiB")
    }

    /// One buffer shared by the threads; one per worker process.
    fn estimate(&self, model: Model, workers: usize) -> Needs {
        Needs {
            memory_bytes: super::per_process(model, workers, self.bytes),
            disk_bytes: 0,
        }
    }

    /// One read per cache line: 64 MiB took about 3.5 ms in order (19 GB/s) and 12 ms at
    /// random (12 ns per line) in the memory example on a 2-core EPYC.
    fn task_time(&self, _model: Model) -> TaskTime {
        let lines = self.bytes as f64 / LINE as f64;
        TaskTime::Cpu(match self.pattern {
            Pattern::Sequential => self.bytes as f64 / 19e9,
            Pattern::Random => lines * 12e-9,
        })
    }

    fn build(&self, _placement: &Placement) -> Result<Box<dyn Workload>, String> {
        Ok(Box::new(MemoryWorkload {
            params: self.clone(),
            buffer: OnceLock::new(),
            moved: AtomicU64::new(0),
        }))
    }
}

struct MemoryWorkload {
    params: Memory,
    /// Allocated by the first task, so a worker process only pays for it when it works.
    buffer: OnceLock<Result<Vec<u64>, String>>,
    moved: AtomicU64,
}

impl MemoryWorkload {
    fn buffer(&self) -> Result<&[u64], TaskError> {
        let words = (self.params.bytes as usize).div_ceil(8);
        let buffer = self.buffer.get_or_init(|| {
            let mut v = Vec::new();
            v.try_reserve_exact(words).map_err(|_| {
                format!(
                    "cannot allocate {} bytes for the memory workload",
                    self.params.bytes
                )
            })?;
            // Distinct values, written once, so every page is really backed by memory.
            v.extend((0..words as u64).map(|i| i.wrapping_mul(0x9E37_79B9_7F4A_7C15)));
            Ok(v)
        });
        buffer.as_deref().map_err(|e| TaskError::Failed(e.clone()))
    }
}

impl Workload for MemoryWorkload {
    fn run_task(&self, index: u64, _ctx: &TaskContext) -> Result<(), TaskError> {
        let buffer = self.buffer()?;
        let step = LINE / 8;
        let lines = buffer.len() / step;
        let mut sum = 0u64;
        match self.params.pattern {
            Pattern::Sequential => {
                for i in (0..buffer.len()).step_by(step) {
                    sum = sum.wrapping_add(buffer[i]);
                }
            }
            Pattern::Random => {
                // A full-period LCG over the lines: every line once, in scattered order.
                let mask = lines.next_power_of_two() - 1;
                let mut x = index as usize & mask;
                let mut visited = 0;
                while visited < lines {
                    x = (x.wrapping_mul(5).wrapping_add(1)) & mask;
                    if x < lines {
                        sum = sum.wrapping_add(buffer[x * step]);
                        visited += 1;
                    }
                }
            }
        }
        std::hint::black_box(sum);
        self.moved.fetch_add(self.params.bytes, Ordering::Relaxed);
        Ok(())
    }

    fn stats(&self) -> WorkloadStats {
        WorkloadStats {
            bytes_moved: Some(self.moved.load(Ordering::Relaxed)),
            ..Default::default()
        }
    }
}
