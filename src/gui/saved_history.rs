//! The history kept between launches: one `parlab-results/1` file per session (a run of a
//! profile, or a loaded results file) in the app's data folder, beside eframe's own storage
//! (`$XDG_DATA_HOME/parlab/history/`, else `~/.local/share/parlab/history/`).
//!
//! A session's file is written (atomically) when the session ends. At start-up a background
//! thread lists the folder and reads the files one by one, oldest first, so the window opens
//! at once however large the history is. The files together stay under a size limit the user
//! chooses: over it, the oldest sessions' files are deleted (never the newest). History ▸
//! Clear moves the files into `cleared/`, from where Undo brings them back; they are deleted
//! when the undo window ends (the next session, or quitting) or at the next start-up.

use crate::results::Results;
use std::path::{Path, PathBuf};
use std::sync::mpsc::{Receiver, TryRecvError, channel};

/// The size limit when the user chose none: 200 MB.
pub const DEFAULT_LIMIT_MB: u64 = 200;

/// The limits the user can choose, in MB.
pub const LIMIT_CHOICES_MB: [u64; 7] = [20, 50, 100, 200, 500, 1000, 2000];

/// The folder the history is kept in: `history/` beside eframe's storage (`app.ron`).
pub fn default_dir() -> Option<PathBuf> {
    eframe::storage_dir("parlab").map(|dir| dir.join("history"))
}

/// One session's file.
#[derive(Debug, Clone, PartialEq)]
pub struct StoredFile {
    /// Where it is.
    pub path: PathBuf,
    /// Its size in bytes.
    pub bytes: u64,
}

/// What the loading thread sends, in this order.
#[derive(Debug)]
pub enum Loaded {
    /// The files in the folder, oldest first (sent before any is read).
    Listing(Vec<StoredFile>),
    /// One file read, or why it could not be (one sentence).
    File(PathBuf, Result<Box<Results>, String>),
}

/// The history's folder and what is in it.
pub struct SavedHistory {
    dir: PathBuf,
    limit_bytes: u64,
    /// The sessions' files, oldest first (also those not read yet).
    files: Vec<StoredFile>,
    /// The loading thread's answers, while it reads.
    loader: Option<Receiver<Loaded>>,
    /// Files moved away by Clear, waiting for Undo or for deletion.
    cleared: Vec<StoredFile>,
}

impl SavedHistory {
    /// The history in `dir`, limited to `limit_mb` MB; starts reading it in the background.
    /// Files left in `cleared/` by an earlier launch are deleted.
    pub fn open(dir: &Path, limit_mb: u64) -> Self {
        let _ = std::fs::remove_dir_all(dir.join("cleared"));
        let mut store = Self {
            dir: dir.to_path_buf(),
            limit_bytes: limit_mb.saturating_mul(1_000_000),
            files: Vec::new(),
            loader: None,
            cleared: Vec::new(),
        };
        store.load(Vec::new());
        store
    }

    /// Starts the loading thread, which skips the files in `known`.
    fn load(&mut self, known: Vec<PathBuf>) {
        let (send, receive) = channel();
        let dir = self.dir.clone();
        let spawned = std::thread::Builder::new()
            .name("parlab-history".into())
            .spawn(move || {
                let listing = list(&dir);
                let todo: Vec<PathBuf> = (listing.iter().map(|f| f.path.clone()))
                    .filter(|p| !known.contains(p))
                    .collect();
                if send.send(Loaded::Listing(listing)).is_err() {
                    return;
                }
                for path in todo {
                    let read = Results::load_json(&path).map_err(|e| e.to_string());
                    if send.send(Loaded::File(path, read.map(Box::new))).is_err() {
                        return;
                    }
                }
            });
        self.loader = spawned.ok().map(|_| receive);
    }

    /// The folder.
    pub fn dir(&self) -> &Path {
        &self.dir
    }

    /// True while the background thread still reads files.
    pub fn is_loading(&self) -> bool {
        self.loader.is_some()
    }

    /// What the loading thread has sent since the last call (the listing is taken in here).
    pub fn poll(&mut self) -> Vec<(PathBuf, Result<Box<Results>, String>)> {
        let mut read = Vec::new();
        while let Some(receiver) = &self.loader {
            match receiver.try_recv() {
                Ok(Loaded::Listing(listing)) => {
                    for file in listing {
                        if !self.files.iter().any(|f| f.path == file.path) {
                            self.files.push(file);
                        }
                    }
                    self.files.sort_by(|a, b| a.path.cmp(&b.path));
                }
                // A file deleted meanwhile (over the limit, cleared) is not brought back.
                Ok(Loaded::File(path, result)) => {
                    if self.files.iter().any(|f| f.path == path) {
                        read.push((path, result));
                    }
                }
                Err(TryRecvError::Empty) => break,
                Err(TryRecvError::Disconnected) => self.loader = None,
            }
        }
        read
    }

    /// The bytes kept, and the limit.
    pub fn usage(&self) -> (u64, u64) {
        (self.files.iter().map(|f| f.bytes).sum(), self.limit_bytes)
    }

    /// Writes a session's `results` (named `name`) as a new file, atomically; returns its
    /// path, or why it could not be written.
    pub fn save(&mut self, results: &Results, name: &str) -> Result<PathBuf, String> {
        std::fs::create_dir_all(&self.dir).map_err(|e| {
            format!(
                "cannot keep the session in the history: cannot create {}: {}",
                self.dir.display(),
                crate::fsutil::describe(&e)
            )
        })?;
        let path = self.new_path(name);
        let text = results.to_json();
        crate::fsutil::write_output(&path, text.as_bytes()).map_err(|e| {
            format!(
                "cannot keep the session in the history: cannot write {}: {e}",
                path.display()
            )
        })?;
        let bytes = text.len() as u64;
        self.files.push(StoredFile {
            path: path.clone(),
            bytes,
        });
        Ok(path)
    }

    /// A new file name that sorts after every earlier one: the time in milliseconds, then
    /// the session's name made safe.
    fn new_path(&self, name: &str) -> PathBuf {
        let millis = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| d.as_millis());
        let newest = self.files.last().and_then(|f| millis_of(&f.path));
        let millis = newest.map_or(millis, |n| millis.max(n + 1));
        let slug = super::files::slug(name);
        self.dir.join(format!("{millis:013}-{slug}.json"))
    }

    /// Sets the limit to `limit_mb` MB and applies it.
    pub fn set_limit(&mut self, limit_mb: u64) -> Option<String> {
        self.limit_bytes = limit_mb.saturating_mul(1_000_000);
        self.enforce_limit()
    }

    /// Deletes the oldest files while the history is over its limit (never the newest);
    /// says what was deleted, if anything.
    pub fn enforce_limit(&mut self) -> Option<String> {
        let sizes: Vec<u64> = self.files.iter().map(|f| f.bytes).collect();
        let n = oldest_over_limit(&sizes, self.limit_bytes);
        if n == 0 {
            return None;
        }
        let gone: Vec<StoredFile> = self.files.drain(..n).collect();
        let freed: u64 = gone.iter().map(|f| f.bytes).sum();
        for file in &gone {
            let _ = std::fs::remove_file(&file.path);
        }
        Some(format!(
            "The history kept between launches was over its limit of {}: the {} oldest session(s) ({}) will not come back at the next launch.",
            megabytes(self.limit_bytes),
            gone.len(),
            megabytes(freed)
        ))
    }

    /// History ▸ Clear: moves every file into `cleared/` (Undo brings them back) and stops
    /// reading. A file that cannot be moved is deleted.
    pub fn clear(&mut self) {
        self.loader = None;
        self.delete_cleared();
        let cleared = self.dir.join("cleared");
        let _ = std::fs::create_dir_all(&cleared);
        for file in std::mem::take(&mut self.files) {
            let Some(name) = file.path.file_name() else {
                continue;
            };
            let to = cleared.join(name);
            match std::fs::rename(&file.path, &to) {
                Ok(()) => self.cleared.push(StoredFile { path: to, ..file }),
                Err(_) => drop(std::fs::remove_file(&file.path)),
            }
        }
    }

    /// Undo of Clear: moves the cleared files back; those not read yet (Clear came while
    /// they were loading) are read again, skipping `known` (the files already in memory).
    pub fn undo_clear(&mut self, known: Vec<PathBuf>) {
        for file in std::mem::take(&mut self.cleared) {
            let Some(name) = file.path.file_name() else {
                continue;
            };
            let back = self.dir.join(name);
            if std::fs::rename(&file.path, &back).is_ok() {
                self.files.push(StoredFile { path: back, ..file });
            }
        }
        self.files.sort_by(|a, b| a.path.cmp(&b.path));
        let _ = std::fs::remove_dir(self.dir.join("cleared"));
        self.load(known);
    }

    /// Ends the undo window of Clear: the cleared files are deleted.
    pub fn delete_cleared(&mut self) {
        self.cleared.clear();
        let _ = std::fs::remove_dir_all(self.dir.join("cleared"));
    }
}

/// The files of `dir` that may be sessions (`*.json`), oldest first; no folder, no files.
fn list(dir: &Path) -> Vec<StoredFile> {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return Vec::new();
    };
    let mut files: Vec<StoredFile> = entries
        .flatten()
        .filter(|e| e.path().extension().is_some_and(|x| x == "json"))
        .filter_map(|e| {
            let meta = e.metadata().ok().filter(std::fs::Metadata::is_file)?;
            Some(StoredFile {
                path: e.path(),
                bytes: meta.len(),
            })
        })
        .collect();
    files.sort_by(|a, b| a.path.cmp(&b.path));
    files
}

/// The time a file name starts with, in milliseconds.
fn millis_of(path: &Path) -> Option<u128> {
    let name = path.file_name()?.to_str()?;
    name.split('-').next()?.parse().ok()
}

/// How many of the oldest files (`sizes`, oldest first) to delete to get under `limit`
/// bytes; the newest file is always kept.
pub fn oldest_over_limit(sizes: &[u64], limit: u64) -> usize {
    let mut total: u64 = sizes.iter().sum();
    let mut n = 0;
    while total > limit && n + 1 < sizes.len() {
        total -= sizes[n];
        n += 1;
    }
    n
}

/// `12 MB`, `1.2 MB`, `30 kB`: sizes as the user sees them (decimal units, as the limit
/// is set).
pub fn megabytes(bytes: u64) -> String {
    let mb = bytes as f64 / 1e6;
    if mb < 0.1 {
        format!("{:.0} kB", (bytes as f64 / 1e3).ceil())
    } else if mb < 10.0 {
        format!("{mb:.1} MB")
    } else {
        format!("{mb:.0} MB")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_oldest_go_until_the_rest_fits_and_the_newest_stays() {
        assert_eq!(oldest_over_limit(&[], 10), 0);
        assert_eq!(oldest_over_limit(&[5, 5], 10), 0, "exactly at the limit");
        assert_eq!(oldest_over_limit(&[5, 5, 1], 10), 1);
        assert_eq!(oldest_over_limit(&[4, 4, 4, 4], 8), 2);
        assert_eq!(oldest_over_limit(&[1, 1, 50], 10), 2, "the newest is kept");
        assert_eq!(oldest_over_limit(&[50], 10), 0);
    }

    #[test]
    fn sizes_read_as_megabytes() {
        assert_eq!(megabytes(12_345_678), "12 MB");
        assert_eq!(megabytes(1_250_000), "1.2 MB");
        assert_eq!(megabytes(200_000_000), "200 MB");
        assert_eq!(megabytes(30_328), "31 kB");
        assert_eq!(megabytes(0), "0 kB");
    }

    fn results(name: &str, filler: usize) -> Results {
        let mut profile = crate::profile::parse_str(
            "name = \"p\"\n[[run]]\nmodel = \"threads\"\nworkers = 1\ntasks = 1\n[run.workload]\nkind = \"sleep\"\nms = 1\n",
            "t.toml",
        )
        .expect("valid profile");
        profile.name = name.into();
        profile.description = "x".repeat(filler);
        Results::new(profile, Vec::new())
    }

    fn wait_loaded(store: &mut SavedHistory) -> Vec<(PathBuf, Result<Box<Results>, String>)> {
        let mut all = Vec::new();
        let deadline = std::time::Instant::now() + std::time::Duration::from_secs(10);
        while store.is_loading() && std::time::Instant::now() < deadline {
            all.extend(store.poll());
            std::thread::sleep(std::time::Duration::from_millis(5));
        }
        all
    }

    /// Saving three sessions of about 0.4 MB under a 1 MB limit deletes the oldest file,
    /// on disk too; raising the limit deletes nothing; the next open lists the two left.
    #[test]
    fn over_the_limit_the_oldest_files_are_deleted() {
        let dir = tempfile::tempdir().expect("temp dir");
        let mut store = SavedHistory::open(dir.path(), 1);
        wait_loaded(&mut store);
        let mut paths = Vec::new();
        for name in ["first", "second", "third"] {
            paths.push(store.save(&results(name, 400_000), name).expect("saved"));
        }
        let said = store.enforce_limit().expect("over the limit");
        assert!(said.contains("1 oldest session(s)"), "{said}");
        assert!(!paths[0].exists() && paths[1].exists() && paths[2].exists());
        assert!(store.usage().0 <= 1_000_000, "{:?}", store.usage());
        assert_eq!(store.set_limit(500), None);
        let mut again = SavedHistory::open(dir.path(), 500);
        let loaded = wait_loaded(&mut again);
        let names: Vec<String> = loaded
            .iter()
            .map(|(_, r)| r.as_ref().expect("reads back").profile.name.clone())
            .collect();
        assert_eq!(names, ["second", "third"], "oldest first");
    }

    /// A broken file is skipped with one sentence; the good ones load.
    #[test]
    fn a_broken_file_is_skipped_with_a_sentence() {
        let dir = tempfile::tempdir().expect("temp dir");
        std::fs::write(dir.path().join("0000000000001-bad.json"), "{ not json").expect("write");
        let mut store = SavedHistory::open(dir.path(), 10);
        wait_loaded(&mut store);
        store.save(&results("good", 10), "good").expect("saved");
        let mut again = SavedHistory::open(dir.path(), 10);
        let loaded = wait_loaded(&mut again);
        assert_eq!(loaded.len(), 2);
        let error = loaded[0].1.as_ref().expect_err("the broken file fails");
        assert!(
            error.contains("0000000000001-bad.json") && !error.contains('\n'),
            "{error}"
        );
        assert!(loaded[1].1.is_ok());
    }
}
