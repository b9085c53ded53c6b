//! Writing output files: the one function every output of parlab goes through (results,
//! tables, images, profiles), and the check made before any work that it will succeed.
//!
//! A regular file (or a new path) is replaced atomically: a temporary file in the same folder,
//! synced, then renamed over it, so a crash or a full disk leaves the old file or the new one,
//! never a mix. Anything else that can be written (a device such as `/dev/null`, a pipe,
//! `/dev/stdout`) is written into directly: renaming over it would replace the device node.

use std::fs::{Metadata, OpenOptions, Permissions};
use std::io::{self, Write};
use std::os::unix::fs::{MetadataExt, PermissionsExt};
use std::path::{Path, PathBuf};

/// Symlinks followed before giving up, as the kernel does (`ELOOP`).
const MAX_LINKS: usize = 40;

/// Where a write lands once symlinks are followed.
#[derive(Debug, PartialEq)]
enum Target {
    /// A regular file (or nothing yet) at this path: replace atomically.
    File(PathBuf),
    /// A device, a pipe or a file reached through `/proc` (`/dev/stdout`): write in place.
    Direct,
}

/// Writes `bytes` to `path`: atomically for regular files and new paths (through symlinks, to
/// the file they name, keeping its mode and owner), directly into devices and pipes. Errors
/// read as sentences (`the disk is full (no space left on device)`).
pub fn write_output(path: &Path, bytes: &[u8]) -> io::Result<()> {
    let result = match target(path)? {
        Target::File(file) => replace_atomically(&file, bytes),
        Target::Direct => write_in_place(path, bytes),
    };
    result.map_err(|e| sentence_error(&e))
}

/// Follows the symlinks of `path`'s last component. A link into `/proc` (`/dev/stdout`,
/// `/dev/fd/1`) names an open file, not a path: it is written in place.
fn target(path: &Path) -> io::Result<Target> {
    let mut current = path.to_path_buf();
    for _ in 0..MAX_LINKS {
        if is_under_proc(&current) {
            return Ok(Target::Direct);
        }
        let meta = match std::fs::symlink_metadata(&current) {
            Ok(m) => m,
            Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(Target::File(current)),
            Err(e) => return Err(sentence_error(&e)),
        };
        if meta.file_type().is_symlink() {
            let link = std::fs::read_link(&current).map_err(|e| sentence_error(&e))?;
            current = folder_of(&current).join(link);
        } else if meta.is_dir() {
            return Err(io::Error::new(
                io::ErrorKind::IsADirectory,
                "it is a folder",
            ));
        } else if meta.is_file() {
            return Ok(Target::File(current));
        } else {
            return Ok(Target::Direct);
        }
    }
    Err(io::Error::other("too many levels of symbolic links"))
}

/// True when `path` is in `/proc` once its folder's own symlinks are resolved.
fn is_under_proc(path: &Path) -> bool {
    let folder = folder_of(path);
    let real = folder
        .canonicalize()
        .unwrap_or_else(|_| folder.to_path_buf());
    real.starts_with("/proc")
}

/// The folder a path's last component lives in (`.` for a bare name).
fn folder_of(path: &Path) -> &Path {
    match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p,
        _ => Path::new("."),
    }
}

/// A temporary file beside `file`, written, synced and renamed over it. A file that exists
/// keeps its mode (and, where allowed, its owner); a new one gets the usual `0666 & !umask`.
fn replace_atomically(file: &Path, bytes: &[u8]) -> io::Result<()> {
    let existing = std::fs::metadata(file).ok();
    let mut tmp = tempfile::Builder::new()
        .prefix(".parlab-")
        .suffix(".tmp")
        .permissions(Permissions::from_mode(0o666))
        .tempfile_in(folder_of(file))?;
    if let Some(old) = &existing {
        keep_owner_and_mode(tmp.as_file(), old)?;
    }
    tmp.write_all(bytes)?;
    tmp.as_file().sync_all()?;
    tmp.persist(file).map_err(|e| e.error)?;
    Ok(())
}

fn keep_owner_and_mode(file: &std::fs::File, old: &Metadata) -> io::Result<()> {
    // Only root may give a file away; for anyone else the owner is already theirs.
    let _ = std::os::unix::fs::fchown(file, Some(old.uid()), Some(old.gid()));
    // After chown, which clears set-user-ID bits.
    file.set_permissions(Permissions::from_mode(old.mode() & 0o7777))
}

/// Writes into a device, a pipe or an open file named through `/proc`. Appending keeps what
/// is already there, as `/dev/stdout` redirected to a file holds the summary printed before.
fn write_in_place(path: &Path, bytes: &[u8]) -> io::Result<()> {
    let mut file = OpenOptions::new().append(true).open(path)?;
    file.write_all(bytes)?;
    file.flush()
}

/// What a failed write means, as a sentence without the OS's error number.
pub fn describe(e: &io::Error) -> String {
    use io::ErrorKind as K;
    match e.kind() {
        K::StorageFull => "the disk is full (no space left on device)".into(),
        K::PermissionDenied => "permission denied".into(),
        K::NotFound => "no such file or folder".into(),
        K::NotADirectory => "a part of the path is not a folder".into(),
        K::ReadOnlyFilesystem => "the file system is read-only".into(),
        K::IsADirectory => "it is a folder".into(),
        K::QuotaExceeded => "the disk quota is exceeded".into(),
        _ => {
            let text = e.to_string();
            let text = match text.find(" (os error") {
                Some(i) => &text[..i],
                None => &text,
            };
            let mut chars = text.chars();
            match chars.next() {
                Some(first) => first.to_lowercase().chain(chars).collect(),
                None => "unknown error".into(),
            }
        }
    }
}

/// The same error, its message made a sentence. Errors from the temporary file (tempfile's
/// wrapper names the OS error and the temporary path, `No such file or directory (os error 2)
/// at path "/x/.parlab-7YMbGa.tmp"`) read as sentences too, by their kind.
fn sentence_error(e: &io::Error) -> io::Error {
    io::Error::new(e.kind(), describe(e))
}

/// Checks before any work that [`write_output`] can write `path`: a regular file or new
/// path must end in `.extension`, its folder must exist and take a new file, and no output
/// may be one of `inputs` (the profile being run); a device or pipe must be writable.
/// The error is a sentence about the path.
pub fn check_output(path: &Path, extension: &str, inputs: &[&Path]) -> Result<(), String> {
    let shown = crate::format::printable(&path.display().to_string()).into_owned();
    let fail = |why: String| Err(format!("cannot write {shown}: {why}"));
    if let Ok(out) = std::fs::metadata(path) {
        for input in inputs {
            if std::fs::metadata(input).is_ok_and(|i| same_file(&i, &out)) {
                return fail(format!(
                    "it is {}, which parlab reads",
                    crate::format::printable(&input.display().to_string())
                ));
            }
        }
    }
    match target(path) {
        Err(e) => fail(describe(&e)),
        Ok(Target::Direct) => check_writable_in_place(path).or_else(|e| fail(describe(&e))),
        Ok(Target::File(file)) => {
            // The name given decides, as typed: a link `latest.json` may name any file.
            let matches = path
                .extension()
                .is_some_and(|e| e.eq_ignore_ascii_case(extension));
            if !matches {
                return fail(format!("the file name must end in .{extension}"));
            }
            let folder = folder_of(&file);
            if !folder.is_dir() {
                return fail(format!(
                    "folder {} does not exist",
                    crate::format::printable(&folder.display().to_string())
                ));
            }
            check_folder_takes_files(folder).or_else(|e| fail(describe(&e)))
        }
    }
}

fn same_file(a: &Metadata, b: &Metadata) -> bool {
    a.dev() == b.dev() && a.ino() == b.ino()
}

/// Creates (and removes) a temporary file in `folder`: the only test that cannot be fooled by
/// permission bits, read-only mounts or access control lists.
fn check_folder_takes_files(folder: &Path) -> io::Result<()> {
    tempfile::Builder::new()
        .prefix(".parlab-check-")
        .tempfile_in(folder)
        .map(drop)
}

/// A device or pipe: writable by this process (opening a pipe could block until a reader
/// comes, so the permission is asked instead).
fn check_writable_in_place(path: &Path) -> io::Result<()> {
    use std::os::unix::ffi::OsStrExt;
    let c = std::ffi::CString::new(path.as_os_str().as_bytes()).map_err(io::Error::other)?;
    // SAFETY: `c` is a valid NUL-terminated path that outlives the call.
    if unsafe { libc::access(c.as_ptr(), libc::W_OK) } == 0 {
        Ok(())
    } else {
        Err(io::Error::last_os_error())
    }
}

#[cfg(test)]
mod tests;
