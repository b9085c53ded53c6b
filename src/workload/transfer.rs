//! `transfer { bytes }`: each task reads a block of data. Threads read one shared buffer;
//! in the process models the parent copies the block into the pipe for every task.

use super::{
    Field, Kind, KindInfo, Needs, Placement, TaskContext, TaskError, TaskTime, Workload,
    WorkloadStats,
};
use crate::model::Model;
use crate::validation::{FieldPath, ValidationError, check_range};
use serde::{Deserialize, Serialize};
use std::sync::atomic::{AtomicU64, Ordering};

/// Moves `bytes` of data to the task.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Transfer {
    /// Bytes per task.
    pub bytes: u64,
}

const MAX: u64 = 16 << 20;

impl KindInfo for Transfer {
    const NAME: &'static str = "transfer";
    const EXPLANATION: &'static str = "Reads `bytes` of data per task. Threads read one shared buffer; processes receive a copy through the pipe with every task, so the overhead per task shows the IPC cost in µs per MB.";

    fn default_params() -> Self {
        Transfer { bytes: 1 << 20 }
    }

    fn fields(&mut self) -> Vec<Field<'_>> {
        vec![
            Field::integer("bytes", "Bytes", &mut self.bytes, 65536.0)
                .help("Data per task; copied through the pipe in the process models"),
        ]
    }
}

impl Kind for Transfer {
    fn size_bytes(&self) -> Option<u64> {
        Some(self.bytes)
    }

    fn validate(&self, _model: Model, at: &FieldPath) -> Vec<ValidationError> {
        check_range(at, "bytes", self.bytes, 1..=MAX, "16 MiB")
    }

    /// Reading the block (1 MiB in about 285 µs: 3.5 GB/s); the process models also copy
    /// it through a pipe (about 3 ms per MiB in all), as the transfer example measured on a
    /// 2-core EPYC.
    fn task_time(&self, model: Model) -> TaskTime {
        let rate = if model.uses_processes() {
            0.35e9
        } else {
            3.5e9
        };
        TaskTime::Cpu(self.bytes as f64 / rate)
    }

    /// One shared block in-process. With processes the parent holds the block and each
    /// worker about five times its size (its own copy, the block received, pipe and reader
    /// buffers): 16 MiB blocks measured about 80 MiB per worker.
    fn estimate(&self, model: Model, workers: usize) -> Needs {
        let per_worker = if model.uses_processes() {
            5 * self.bytes
        } else {
            0
        };
        Needs {
            memory_bytes: per_worker
                .saturating_mul(workers as u64)
                .saturating_add(self.bytes),
            disk_bytes: 0,
        }
    }

    fn build(&self, _placement: &Placement) -> Result<Box<dyn Workload>, String> {
        Ok(Box::new(TransferWorkload {
            data: (0..self.bytes).map(|i| (i * 7 % 253) as u8).collect(),
            moved: AtomicU64::new(0),
        }))
    }
}

struct TransferWorkload {
    data: Vec<u8>,
    moved: AtomicU64,
}

impl Workload for TransferWorkload {
    fn run_task(&self, _index: u64, ctx: &TaskContext) -> Result<(), TaskError> {
        let data = if ctx.input.is_empty() {
            &self.data[..]
        } else {
            ctx.input
        };
        if data.len() != self.data.len() {
            return Err(TaskError::Failed(format!(
                "transfer: received {} bytes, expected {}",
                data.len(),
                self.data.len()
            )));
        }
        // Read every byte, 8 at a time, so the data really is consumed.
        let sum = data.chunks(8).fold(0u64, |acc, c| {
            acc.rotate_left(5) ^ c.iter().fold(0u64, |w, b| (w << 8) | u64::from(*b))
        });
        std::hint::black_box(sum);
        self.moved.fetch_add(data.len() as u64, Ordering::Relaxed);
        Ok(())
    }

    fn payload_bytes(&self) -> usize {
        self.data.len()
    }

    fn payload(&self) -> &[u8] {
        &self.data
    }

    fn stats(&self) -> WorkloadStats {
        WorkloadStats {
            bytes_moved: Some(self.moved.load(Ordering::Relaxed)),
            ..Default::default()
        }
    }
}
