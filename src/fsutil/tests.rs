use super::*;
use std::os::unix::fs::FileTypeExt;

/// The process's umask, read without changing it (Linux 4.7+).
fn umask() -> u32 {
    let status = std::fs::read_to_string("/proc/self/status").expect("/proc/self/status");
    let line = status
        .lines()
        .find(|l| l.starts_with("Umask:"))
        .expect("Umask line");
    u32::from_str_radix(line["Umask:".len()..].trim(), 8).expect("octal umask")
}

fn mode(path: &Path) -> u32 {
    std::fs::metadata(path).expect("metadata").mode() & 0o7777
}

#[test]
fn a_new_file_gets_the_usual_mode() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("new.json");
    write_output(&path, b"{}").unwrap();
    assert_eq!(std::fs::read(&path).unwrap(), b"{}");
    assert_eq!(mode(&path), 0o666 & !umask());
}

#[test]
fn an_existing_file_keeps_its_mode_and_is_replaced_whole() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("old.json");
    std::fs::write(&path, b"a much longer old content").unwrap();
    std::fs::set_permissions(&path, Permissions::from_mode(0o640)).unwrap();
    write_output(&path, b"new").unwrap();
    assert_eq!(std::fs::read(&path).unwrap(), b"new");
    assert_eq!(mode(&path), 0o640);
    // No temporary file is left behind.
    assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 1);
}

#[test]
fn a_symlink_is_written_through_and_kept() {
    let dir = tempfile::tempdir().unwrap();
    let real = dir.path().join("sub").join("real.json");
    std::fs::create_dir(real.parent().unwrap()).unwrap();
    std::fs::write(&real, b"old").unwrap();
    std::fs::set_permissions(&real, Permissions::from_mode(0o600)).unwrap();
    let link = dir.path().join("link.json");
    std::os::unix::fs::symlink("sub/real.json", &link).unwrap();
    write_output(&link, b"new").unwrap();
    assert!(
        std::fs::symlink_metadata(&link)
            .unwrap()
            .file_type()
            .is_symlink()
    );
    assert_eq!(std::fs::read(&real).unwrap(), b"new");
    assert_eq!(mode(&real), 0o600);
    // A dangling link creates the file it names.
    let dangling = dir.path().join("dangling.json");
    std::os::unix::fs::symlink("sub/made.json", &dangling).unwrap();
    write_output(&dangling, b"made").unwrap();
    assert!(
        std::fs::symlink_metadata(&dangling)
            .unwrap()
            .file_type()
            .is_symlink()
    );
    assert_eq!(
        std::fs::read(dir.path().join("sub/made.json")).unwrap(),
        b"made"
    );
}

#[test]
fn devices_are_written_into_not_replaced() {
    write_output(Path::new("/dev/null"), b"x").unwrap();
    let meta = std::fs::symlink_metadata("/dev/null").unwrap();
    assert!(meta.file_type().is_char_device());
    let full = write_output(Path::new("/dev/full"), b"x").unwrap_err();
    assert_eq!(full.kind(), io::ErrorKind::StorageFull);
    assert_eq!(
        full.to_string(),
        "the disk is full (no space left on device)"
    );
    assert!(
        std::fs::symlink_metadata("/dev/full")
            .unwrap()
            .file_type()
            .is_char_device()
    );
    assert_eq!(target(Path::new("/dev/stdout")).unwrap(), Target::Direct);
    assert_eq!(target(Path::new("/dev/fd/1")).unwrap(), Target::Direct);
}

#[test]
fn a_fifo_is_written_into() {
    let dir = tempfile::tempdir().unwrap();
    let fifo = dir.path().join("pipe");
    let c = std::ffi::CString::new(fifo.to_str().unwrap()).unwrap();
    // SAFETY: a valid path.
    assert_eq!(unsafe { libc::mkfifo(c.as_ptr(), 0o600) }, 0);
    let reader = {
        let fifo = fifo.clone();
        std::thread::spawn(move || std::fs::read(fifo).unwrap())
    };
    write_output(&fifo, b"through the pipe").unwrap();
    assert_eq!(reader.join().unwrap(), b"through the pipe");
    assert!(
        std::fs::symlink_metadata(&fifo)
            .unwrap()
            .file_type()
            .is_fifo()
    );
}

#[test]
fn a_folder_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let e = write_output(dir.path(), b"x").unwrap_err();
    assert_eq!(e.to_string(), "it is a folder");
}

#[test]
fn checks_refuse_wrong_names_and_unwritable_folders() {
    let dir = tempfile::tempdir().unwrap();
    let ok = dir.path().join("r.json");
    assert_eq!(check_output(&ok, "json", &[]), Ok(()));
    assert_eq!(
        check_output(&dir.path().join("R.JSON"), "json", &[]),
        Ok(())
    );
    for bad in ["out", "x.png.bak", "x.svg", "x.jpg"] {
        let e = check_output(&dir.path().join(bad), "png", &[]).unwrap_err();
        assert!(e.ends_with("the file name must end in .png"), "{e}");
    }
    let file = dir.path().join("file");
    std::fs::write(&file, b"").unwrap();
    let e = check_output(&file.join("r.json"), "json", &[]).unwrap_err();
    assert!(
        e.contains("is not a folder") || e.contains("does not exist"),
        "{e}"
    );
    let e = check_output(Path::new("/proc/parlab-r.json"), "json", &[]).unwrap_err();
    assert!(e.starts_with("cannot write /proc/parlab-r.json: "), "{e}");
    let e = check_output(&dir.path().join("missing/r.json"), "json", &[]).unwrap_err();
    assert!(e.contains("does not exist"), "{e}");
    // Devices need no extension; nothing is left behind by the checks.
    assert_eq!(check_output(Path::new("/dev/null"), "png", &[]), Ok(()));
    assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 1);
}

#[test]
fn checks_refuse_the_profile_itself_also_through_a_link() {
    let dir = tempfile::tempdir().unwrap();
    let profile = dir.path().join("p.toml");
    std::fs::write(&profile, b"name = \"p\"").unwrap();
    let link = dir.path().join("p.json");
    std::os::unix::fs::symlink(&profile, &link).unwrap();
    for out in [&profile, &link] {
        let e = check_output(out, "json", &[&profile]).unwrap_err();
        assert!(e.contains("which parlab reads"), "{e}");
    }
}

#[test]
fn io_errors_read_as_sentences() {
    let e = io::Error::from_raw_os_error(libc::EACCES);
    assert_eq!(describe(&e), "permission denied");
    let e = io::Error::from_raw_os_error(libc::EIO);
    assert_eq!(describe(&e), "input/output error");
}

#[test]
fn a_folder_that_vanished_before_the_write_is_a_sentence() {
    let dir = tempfile::tempdir().unwrap();
    let e = write_output(&dir.path().join("gone").join("out.json"), b"{}").unwrap_err();
    assert_eq!(e.to_string(), "no such file or folder");
}
