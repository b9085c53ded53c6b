//! `file-io { bytes, fsync }`: writes a file, optionally fsyncs it, reads it back and deletes
//! it, in a temporary folder that parlab removes when the run ends.

use super::{Kind, Needs, Placement, TaskContext, TaskError, Workload, WorkloadStats};
use crate::profile::{FieldPath, Model, ValidationError, check_range};
use serde::{Deserialize, Serialize};
use std::io::{Read, Write};
use std::path::PathBuf;
use std::sync::atomic::{AtomicU64, Ordering};

/// Real blocking file I/O per task.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FileIo {
    /// Bytes written and read back per task.
    pub bytes: u64,
    /// Whether each write is flushed to the disk (`fsync`) before reading.
    #[serde(default)]
    pub fsync: bool,
}

const MAX: u64 = 1 << 30;

impl Kind for FileIo {
    fn validate(&self, _model: Model, at: &FieldPath) -> Vec<ValidationError> {
        check_range(at, "bytes", self.bytes, 1..=MAX, "1 GiB")
    }

    /// The data to write (once in-process, once per worker process plus the parent's), a
    /// read-back buffer and a file per task running at once.
    fn estimate(&self, model: Model, workers: usize) -> Needs {
        let per_task = self.bytes.saturating_mul(workers as u64);
        let data = super::per_process(model, workers, self.bytes);
        let parent = if model.uses_processes() {
            self.bytes
        } else {
            0
        };
        Needs {
            memory_bytes: per_task.saturating_add(data).saturating_add(parent),
            disk_bytes: per_task,
        }
    }

    fn build(&self, _placement: &Placement) -> Result<Box<dyn Workload>, String> {
        Ok(Box::new(FileIoWorkload {
            params: self.clone(),
            dir: folder(),
            data: (0..self.bytes).map(|i| (i * 31 % 251) as u8).collect(),
            moved: AtomicU64::new(0),
        }))
    }
}

/// The folder of this parlab session: worker processes use their parent's, so the parent
/// can remove everything when the run ends, even files of a worker that was killed.
fn folder() -> PathBuf {
    let owner = std::env::var(crate::sys::PARENT_PID_ENV)
        .ok()
        .and_then(|p| p.parse::<u32>().ok())
        .unwrap_or_else(std::process::id);
    std::env::temp_dir().join(format!("parlab-file-io-{owner}"))
}

struct FileIoWorkload {
    params: FileIo,
    dir: PathBuf,
    data: Vec<u8>,
    moved: AtomicU64,
}

impl Workload for FileIoWorkload {
    fn run_task(&self, index: u64, _ctx: &TaskContext) -> Result<(), TaskError> {
        let fail = |what: &str, path: &PathBuf, e: std::io::Error| {
            TaskError::Failed(format!("file-io: cannot {what} {}: {e}", path.display()))
        };
        std::fs::create_dir_all(&self.dir).map_err(|e| fail("create", &self.dir, e))?;
        let path = self.dir.join(format!("{}-{index}.dat", std::process::id()));
        let mut file = std::fs::File::create(&path).map_err(|e| fail("create", &path, e))?;
        file.write_all(&self.data)
            .map_err(|e| fail("write", &path, e))?;
        if self.params.fsync {
            file.sync_all().map_err(|e| fail("fsync", &path, e))?;
        }
        drop(file);
        let mut back = Vec::with_capacity(self.data.len());
        std::fs::File::open(&path)
            .and_then(|mut f| f.read_to_end(&mut back))
            .map_err(|e| fail("read", &path, e))?;
        std::fs::remove_file(&path).map_err(|e| fail("delete", &path, e))?;
        if back.len() != self.data.len() {
            return Err(TaskError::Failed(format!(
                "file-io: read {} bytes back from {}, wrote {}",
                back.len(),
                path.display(),
                self.data.len()
            )));
        }
        self.moved
            .fetch_add(2 * self.params.bytes, Ordering::Relaxed);
        Ok(())
    }

    fn stats(&self) -> WorkloadStats {
        WorkloadStats {
            bytes_moved: Some(self.moved.load(Ordering::Relaxed)),
            ..Default::default()
        }
    }

    fn cleanup(&self) {
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}
