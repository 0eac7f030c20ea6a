//! Writing files without harming what Slicewise does not own.
//!
//! A regular file is replaced atomically: the bytes go to a temporary file
//! beside it (named per process, so two windows never share one), which is
//! synced and renamed over the old file; a crash leaves the old file or the
//! new one, never half of either. A symbolic link is followed and its target
//! written that way, so the link stays a link. A device, FIFO or terminal
//! (`/dev/stdout`, `/dev/null`) is written in place, never renamed away. The
//! previous version is kept as `<name>.bak` only when asked (sessions).

use std::fs::{self, File, OpenOptions};
use std::io::{self, Write};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};

/// Links followed before giving up (as the kernel's `MAXSYMLINKS`).
const MAX_LINKS: usize = 40;

/// The `.bak` path kept beside a file.
#[must_use]
pub fn backup_path(path: &Path) -> PathBuf {
    with_suffix(path, ".bak")
}

fn with_suffix(path: &Path, suffix: &str) -> PathBuf {
    let mut name = path.file_name().unwrap_or_default().to_os_string();
    name.push(suffix);
    path.with_file_name(name)
}

/// A temporary name beside `path`, unique to this process and write.
fn temp_path(path: &Path) -> PathBuf {
    static NEXT: AtomicU64 = AtomicU64::new(0);
    let n = NEXT.fetch_add(1, Ordering::Relaxed);
    with_suffix(path, &format!(".{}.{n}.tmp", std::process::id()))
}

/// Where writing `path` really goes: symbolic links followed (a dangling
/// link to where it points).
///
/// # Errors
/// When a link cannot be read, or links loop.
pub fn resolve(path: &Path) -> io::Result<PathBuf> {
    let mut p = path.to_path_buf();
    for _ in 0..MAX_LINKS {
        match fs::symlink_metadata(&p) {
            Ok(m) if m.file_type().is_symlink() => {
                let target = fs::read_link(&p)?;
                p = if target.is_absolute() {
                    target
                } else {
                    p.parent().unwrap_or_else(|| Path::new(".")).join(target)
                };
            }
            _ => return Ok(p),
        }
    }
    Err(io::Error::other(format!(
        "too many symbolic links: {}",
        path.display()
    )))
}

/// Whether `a` and `b` are the same existing file (through links, hard
/// links or different spellings of the path).
#[must_use]
pub fn same_file(a: &Path, b: &Path) -> bool {
    #[cfg(unix)]
    {
        use std::os::unix::fs::MetadataExt;
        match (fs::metadata(a), fs::metadata(b)) {
            (Ok(x), Ok(y)) => x.dev() == y.dev() && x.ino() == y.ino(),
            _ => false,
        }
    }
    #[cfg(not(unix))]
    {
        match (fs::canonicalize(a), fs::canonicalize(b)) {
            (Ok(x), Ok(y)) => x == y,
            _ => false,
        }
    }
}

/// Writes `bytes` to `path` as the module describes; with `keep_backup`
/// the previous version of a regular file is kept as `<name>.bak`.
///
/// # Errors
/// When any step fails; a regular file is then left as it was.
pub fn write(path: &Path, bytes: &[u8], keep_backup: bool) -> io::Result<()> {
    // A device, FIFO or terminal, possibly behind a link (`/dev/stdout`):
    // write into it, never replace it.
    if let Ok(meta) = fs::metadata(path)
        && !meta.is_file()
    {
        if meta.is_dir() {
            return Err(io::Error::other(format!(
                "this is a folder, not a file: {}",
                path.display()
            )));
        }
        let mut f = OpenOptions::new().write(true).open(path)?;
        f.write_all(bytes)?;
        return f.flush();
    }
    let target = resolve(path)?;
    let tmp = temp_path(&target);
    let written = (|| {
        let mut file = File::create(&tmp)?;
        file.write_all(bytes)?;
        file.sync_all()
    })();
    if let Err(e) = written {
        let _ = fs::remove_file(&tmp);
        return Err(e);
    }
    if keep_backup && target.exists() {
        let bak = backup_path(&target);
        let _ = fs::remove_file(&bak);
        if fs::hard_link(&target, &bak).is_err()
            && let Err(e) = fs::copy(&target, &bak)
        {
            let _ = fs::remove_file(&tmp);
            return Err(e);
        }
    }
    if let Err(e) = fs::rename(&tmp, &target) {
        let _ = fs::remove_file(&tmp);
        return Err(e);
    }
    // Make the rename itself durable.
    if let Some(dir) = target.parent().filter(|d| !d.as_os_str().is_empty())
        && let Ok(d) = File::open(dir)
    {
        let _ = d.sync_all();
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_regular_file_is_replaced_and_its_backup_kept_only_when_asked() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("out.txt");
        write(&p, b"one", false).unwrap();
        write(&p, b"two", false).unwrap();
        assert_eq!(fs::read(&p).unwrap(), b"two");
        assert!(!backup_path(&p).exists(), "no .bak for outputs");
        write(&p, b"three", true).unwrap();
        assert_eq!(fs::read(backup_path(&p)).unwrap(), b"two");
        let leftovers: Vec<_> = fs::read_dir(dir.path())
            .unwrap()
            .filter_map(Result::ok)
            .filter(|e| e.file_name().to_string_lossy().ends_with(".tmp"))
            .collect();
        assert!(leftovers.is_empty());
    }

    #[cfg(unix)]
    #[test]
    fn a_link_stays_a_link_and_its_target_is_written() {
        let dir = tempfile::tempdir().unwrap();
        let target = dir.path().join("real.ron");
        fs::write(&target, b"old").unwrap();
        let link = dir.path().join("link.ron");
        std::os::unix::fs::symlink("real.ron", &link).unwrap();
        write(&link, b"new", true).unwrap();
        assert!(
            fs::symlink_metadata(&link)
                .unwrap()
                .file_type()
                .is_symlink()
        );
        assert_eq!(fs::read(&target).unwrap(), b"new");
        assert_eq!(fs::read(backup_path(&target)).unwrap(), b"old");
        assert!(same_file(&link, &target));
    }

    #[cfg(unix)]
    #[test]
    fn a_device_is_written_into_not_replaced() {
        write(Path::new("/dev/null"), b"nothing", false).unwrap();
        assert!(!fs::metadata("/dev/null").unwrap().is_file());
    }
}
