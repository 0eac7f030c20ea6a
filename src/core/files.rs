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

/// A temporary name beside `path`, unique to this process and write:
/// `<name>.<pid>.<n>.tmp`.
fn temp_path(path: &Path) -> PathBuf {
    static NEXT: AtomicU64 = AtomicU64::new(0);
    let n = NEXT.fetch_add(1, Ordering::Relaxed);
    with_suffix(path, &format!(".{}.{n}.tmp", std::process::id()))
}

/// How old a temporary file must be before it is taken for a dead
/// writer's where a process's liveness cannot be asked (not Linux).
const STALE_AFTER: std::time::Duration = std::time::Duration::from_mins(10);

/// The process id in a temporary name of `name` (`<name>.<pid>.<n>.tmp`).
fn temp_owner(name: &str, candidate: &str) -> Option<u32> {
    let middle = candidate
        .strip_prefix(name)?
        .strip_prefix('.')?
        .strip_suffix(".tmp")?;
    let (pid, n) = middle.split_once('.')?;
    n.parse::<u64>().ok()?;
    pid.parse().ok()
}

/// Removes the temporary files that writers of `path` left when they were
/// killed mid-write (a save interrupted by a crash or `kill -9` leaves its
/// partial copy beside the file; nothing else ever removes it). A temporary
/// file is stale when its process no longer runs on this host (Linux asks
/// `/proc`), or elsewhere when nobody holds its lock and it is older than
/// ten minutes. Returns how many were removed; errors are ignored (a file
/// that cannot be listed or removed is left as it is).
#[allow(clippy::must_use_candidate)] // Called for its effect; the count is for tests.
pub fn clean_stale_temps(path: &Path) -> usize {
    let Ok(target) = resolve(path) else {
        return 0;
    };
    let Some(name) = target.file_name().and_then(|n| n.to_str()) else {
        return 0;
    };
    let dir = match target.parent() {
        Some(d) if !d.as_os_str().is_empty() => d,
        _ => Path::new("."),
    };
    let Ok(entries) = fs::read_dir(dir) else {
        return 0;
    };
    let me = std::process::id();
    let mut removed = 0;
    for entry in entries.flatten() {
        let file_name = entry.file_name();
        let Some(candidate) = file_name.to_str() else {
            continue;
        };
        let Some(pid) = temp_owner(name, candidate) else {
            continue;
        };
        if pid == me || !entry.file_type().is_ok_and(|t| t.is_file()) {
            continue;
        }
        let stale = match super::lock::process_alive(pid) {
            Some(alive) => !alive,
            None => {
                let old = entry
                    .metadata()
                    .and_then(|m| m.modified())
                    .ok()
                    .and_then(|t| t.elapsed().ok())
                    .is_some_and(|age| age > STALE_AFTER);
                old && File::open(entry.path()).is_ok_and(|f| f.try_lock().is_ok())
            }
        };
        if stale && fs::remove_file(entry.path()).is_ok() {
            removed += 1;
        }
    }
    removed
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
    write_with(path, keep_backup, &mut |w| w.write_all(bytes))
}

/// As [`write`], with the bytes written by `fill` as they are made (a large
/// output is never held whole).
///
/// # Errors
/// When `fill` or any step fails; a regular file is then left as it was.
pub fn write_with(
    path: &Path,
    keep_backup: bool,
    fill: &mut dyn FnMut(&mut dyn Write) -> io::Result<()>,
) -> io::Result<()> {
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
        fill(&mut f)?;
        return f.flush();
    }
    let target = resolve(path)?;
    clean_stale_temps(&target);
    let tmp = temp_path(&target);
    let written = (|| {
        let file = File::create(&tmp)?;
        // Held while writing, so a cleaner elsewhere can tell it is in use.
        let _ = file.try_lock();
        let mut buffered = io::BufWriter::new(file);
        fill(&mut buffered)?;
        let file = buffered
            .into_inner()
            .map_err(io::IntoInnerError::into_error)?;
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

    #[test]
    fn temporary_files_of_dead_writers_are_removed_and_others_kept() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("s.slicewise.ron");
        fs::write(&p, b"session").unwrap();
        // A killed writer's partial copy (a process id that does not run),
        // a live writer's (this process), and files that only look alike.
        let dead = dir
            .path()
            .join(format!("s.slicewise.ron.{}.3.tmp", u32::MAX - 7));
        let mine = dir
            .path()
            .join(format!("s.slicewise.ron.{}.0.tmp", std::process::id()));
        let other = dir.path().join("other.ron.123.0.tmp");
        let odd = dir.path().join("s.slicewise.ron.notes.tmp");
        for f in [&dead, &mine, &other, &odd] {
            fs::write(f, b"partial").unwrap();
        }
        if cfg!(target_os = "linux") {
            assert_eq!(clean_stale_temps(&p), 1);
            assert!(!dead.exists());
        }
        assert!(mine.exists() && other.exists() && odd.exists());
        // Saving cleans up as well.
        fs::write(&dead, b"partial").unwrap();
        write(&p, b"new", true).unwrap();
        assert_eq!(!dead.exists(), cfg!(target_os = "linux"));
        assert_eq!(fs::read(&p).unwrap(), b"new");
    }

    #[cfg(unix)]
    #[test]
    fn a_device_is_written_into_not_replaced() {
        write(Path::new("/dev/null"), b"nothing", false).unwrap();
        assert!(!fs::metadata("/dev/null").unwrap().is_file());
    }
}
