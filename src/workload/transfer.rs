//! `transfer { bytes }`: each task reads a block of data. Threads read one shared buffer;
//! in the process models the parent writes its one block into the pipe for every task and
//! each worker reads it into its one block buffer (see `exec::protocol`).

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

    /// Reading the block (1 MiB in about 285 µs: 3.5 GB/s); the process models also pass
    /// it through a pipe (about 1 ms per MiB in all: 983 tasks/s for processes ×1 in the
    /// transfer example on a 2-core EPYC; 3 ms before issue 18 took the copies out).
    fn task_time(&self, model: Model) -> TaskTime {
        let rate = if model.uses_processes() { 1.0e9 } else { 3.5e9 };
        TaskTime::Cpu(self.bytes as f64 / rate)
    }

    /// One shared block in-process. With processes the parent holds the one block it
    /// writes to every worker and each worker the one block it receives into (16 MiB
    /// blocks: about 18 MiB per worker process, its own code included; it was 50 MiB
    /// before issue 18, with the worker's own copy and two frame copies).
    fn estimate(&self, model: Model, workers: usize) -> Needs {
        let per_worker = if model.uses_processes() {
            self.bytes
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

    /// A worker process gets each task's block through its pipe, so it builds none of its
    /// own: it would be a second copy on that side.
    fn build(&self, placement: &Placement) -> Result<Box<dyn Workload>, String> {
        let in_worker_process = placement.model.uses_processes() && placement.runs_tasks;
        let len = usize::try_from(self.bytes)
            .map_err(|_| format!("transfer: {} bytes do not fit in memory", self.bytes))?;
        let data = if in_worker_process {
            Vec::new()
        } else {
            (0..self.bytes).map(|i| (i * 7 % 253) as u8).collect()
        };
        Ok(Box::new(TransferWorkload {
            data,
            len,
            moved: AtomicU64::new(0),
        }))
    }
}

struct TransferWorkload {
    /// The block: empty in a worker process, whose tasks get theirs through the pipe.
    data: Vec<u8>,
    /// Bytes each task must receive.
    len: usize,
    moved: AtomicU64,
}

impl Workload for TransferWorkload {
    fn run_task(&self, _index: u64, ctx: &TaskContext) -> Result<(), TaskError> {
        let data = if ctx.input.is_empty() {
            &self.data[..]
        } else {
            ctx.input
        };
        if data.len() != self.len {
            return Err(TaskError::Failed(format!(
                "transfer: received {} bytes, expected {}",
                data.len(),
                self.len
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
        self.len
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
