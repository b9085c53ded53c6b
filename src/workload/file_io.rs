//! `file-io { bytes, fsync }`: writes a file, optionally fsyncs it, reads it back and deletes
//! it, in a private temporary folder (mode 0700, unpredictable name) of the process that
//! runs the tasks, removed when the workload ends; folders of killed processes are removed
//! by the next file-io run.

use super::{
    Field, Kind, KindInfo, Needs, Placement, TaskContext, TaskError, Workload, WorkloadStats,
};
use crate::model::Model;
use crate::validation::{FieldPath, ValidationError, check_range};
use serde::{Deserialize, Serialize};
use std::io::{Read, Write};
use std::os::unix::fs::{MetadataExt, OpenOptionsExt, PermissionsExt};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};
use tempfile::TempDir;

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

impl KindInfo for FileIo {
    const NAME: &'static str = "file-io";
    const EXPLANATION: &'static str = "Writes `bytes` to a file in a temporary folder, optionally fsyncs, reads it back and deletes it: real blocking I/O, where threads keep scaling past the core count while the disk keeps up.";

    fn default_params() -> Self {
        FileIo {
            bytes: 64 << 10,
            fsync: false,
        }
    }

    fn fields(&mut self) -> Vec<Field<'_>> {
        vec![
            Field::integer("bytes", "Bytes", &mut self.bytes, 4096.0)
                .help("Written, read back and deleted per task"),
            Field::flag("fsync", "fsync each write", &mut self.fsync),
        ]
    }
}

impl Kind for FileIo {
    fn size_bytes(&self) -> Option<u64> {
        Some(self.bytes)
    }

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

    fn build(&self, placement: &Placement) -> Result<Box<dyn Workload>, String> {
        let base = std::env::temp_dir();
        // What killed runs left behind goes first.
        remove_leftovers(&base);
        // Only the process that runs the tasks needs a folder (not the parent of workers).
        let dir = if placement.runs_tasks {
            Some(private_folder(&base)?)
        } else {
            None
        };
        Ok(Box::new(FileIoWorkload {
            params: self.clone(),
            dir,
            base,
            data: (0..self.bytes).map(|i| (i * 31 % 251) as u8).collect(),
            moved: AtomicU64::new(0),
        }))
    }
}

const PREFIX: &str = "parlab-file-io-";

/// A new folder in `base` that only this user can enter, with an unpredictable name
/// created exclusively (never one that already exists, whoever made it):
/// `parlab-file-io-<pid>-<random>`, so a later run can tell when its owner is gone.
fn private_folder(base: &Path) -> Result<TempDir, String> {
    tempfile::Builder::new()
        .prefix(&format!("{PREFIX}{}-", std::process::id()))
        .permissions(std::fs::Permissions::from_mode(0o700))
        .tempdir_in(base)
        .map_err(|e| {
            format!(
                "file-io: cannot create a temporary folder in {}: {e}",
                base.display()
            )
        })
}

/// Removes the folders of file-io runs whose process is gone (killed before it could
/// clean up): only real folders (never a symbolic link) owned by this user.
fn remove_leftovers(base: &Path) {
    let Ok(entries) = std::fs::read_dir(base) else {
        return;
    };
    for entry in entries.flatten() {
        let name = entry.file_name();
        let Some(pid) = name.to_str().and_then(owner_pid) else {
            continue;
        };
        // symlink_metadata: a link is judged as the link, never followed.
        let Ok(meta) = std::fs::symlink_metadata(entry.path()) else {
            continue;
        };
        if meta.is_dir() && meta.uid() == crate::sys::uid() && !crate::sys::pid_alive(pid) {
            // remove_dir_all does not follow symbolic links inside the folder.
            let _ = std::fs::remove_dir_all(entry.path());
        }
    }
}

/// The pid in a file-io folder name: `parlab-file-io-<pid>-<random>` (or the older
/// `parlab-file-io-<pid>`).
fn owner_pid(name: &str) -> Option<u32> {
    let rest = name.strip_prefix(PREFIX)?;
    let digits = rest.split('-').next()?;
    digits.parse().ok().filter(|&pid| pid > 0)
}

struct FileIoWorkload {
    params: FileIo,
    dir: Option<TempDir>,
    base: PathBuf,
    data: Vec<u8>,
    moved: AtomicU64,
}

/// Creates `path` for writing, failing if anything (a file, a symbolic link) is there.
fn create_exclusive(path: &Path) -> std::io::Result<std::fs::File> {
    std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .mode(0o600)
        .custom_flags(libc::O_NOFOLLOW)
        .open(path)
}

impl Workload for FileIoWorkload {
    fn run_task(&self, index: u64, _ctx: &TaskContext) -> Result<(), TaskError> {
        let fail = |what: &str, path: &PathBuf, e: std::io::Error| {
            TaskError::Failed(format!("file-io: cannot {what} {}: {e}", path.display()))
        };
        let Some(dir) = &self.dir else {
            return Err(TaskError::Failed("file-io: no temporary folder".into()));
        };
        let path = dir.path().join(format!("{index}.dat"));
        let mut file = create_exclusive(&path).map_err(|e| fail("create", &path, e))?;
        file.write_all(&self.data)
            .map_err(|e| fail("write", &path, e))?;
        if self.params.fsync {
            file.sync_all().map_err(|e| fail("fsync", &path, e))?;
        }
        drop(file);
        let mut back = Vec::with_capacity(self.data.len());
        std::fs::OpenOptions::new()
            .read(true)
            .custom_flags(libc::O_NOFOLLOW)
            .open(&path)
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

    /// Its own folder goes when the workload is dropped; the folders of worker processes
    /// that were killed go here, once the run's workers are gone.
    fn cleanup(&self) {
        remove_leftovers(&self.base);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::cancel::CancelToken;

    fn workload(dir: TempDir, base: &Path) -> FileIoWorkload {
        FileIoWorkload {
            params: FileIo {
                bytes: 64,
                fsync: false,
            },
            dir: Some(dir),
            base: base.to_path_buf(),
            data: vec![7; 64],
            moved: AtomicU64::new(0),
        }
    }

    #[test]
    fn an_attackers_folder_and_links_are_never_followed() {
        let base = tempfile::tempdir().unwrap();
        let victim = base.path().join("victim");
        std::fs::write(&victim, "precious").unwrap();
        // The folder name the old code predicted, made world-writable by someone else,
        // with a link where the first task's file would go.
        let pid = std::process::id();
        let trap = base.path().join(format!("{PREFIX}{pid}"));
        std::fs::create_dir(&trap).unwrap();
        std::os::unix::fs::symlink(&victim, trap.join(format!("{pid}-0.dat"))).unwrap();
        let dir = private_folder(base.path()).unwrap();
        assert_ne!(dir.path(), trap);
        let mode = std::fs::metadata(dir.path()).unwrap().permissions().mode();
        assert_eq!(mode & 0o777, 0o700);
        // Even a link planted inside the private folder is refused, not followed.
        std::os::unix::fs::symlink(&victim, dir.path().join("1.dat")).unwrap();
        let w = workload(dir, base.path());
        let cancel = CancelToken::new();
        let ctx = TaskContext::new(&cancel, 0, &[]);
        w.run_task(0, &ctx).unwrap();
        assert!(w.run_task(1, &ctx).is_err());
        assert_eq!(std::fs::read_to_string(&victim).unwrap(), "precious");
    }

    #[test]
    fn leftovers_of_dead_processes_are_removed_and_nothing_else() {
        let base = tempfile::tempdir().unwrap();
        let mut child = std::process::Command::new("true").spawn().unwrap();
        let dead = child.id();
        child.wait().unwrap();
        let left = base.path().join(format!("{PREFIX}{dead}-abc123"));
        std::fs::create_dir(&left).unwrap();
        std::fs::write(left.join("0.dat"), vec![1u8; 1000]).unwrap();
        let old_style = base.path().join(format!("{PREFIX}{dead}"));
        std::fs::create_dir(&old_style).unwrap();
        let live = base
            .path()
            .join(format!("{PREFIX}{}-xyz", std::process::id()));
        std::fs::create_dir(&live).unwrap();
        // A link with a leftover's name must not lead the cleanup elsewhere.
        let elsewhere = tempfile::tempdir().unwrap();
        std::fs::write(elsewhere.path().join("keep"), "x").unwrap();
        let link = base.path().join(format!("{PREFIX}{dead}-link"));
        std::os::unix::fs::symlink(elsewhere.path(), &link).unwrap();
        remove_leftovers(base.path());
        assert!(!left.exists() && !old_style.exists());
        assert!(live.exists());
        assert!(elsewhere.path().join("keep").exists());
        assert!(std::fs::symlink_metadata(&link).is_ok());
    }
}
