//! Lock files that name their owner (`pid host`), so a second window knows
//! the session is open elsewhere and two saves never interleave. The lock
//! is the operating system's (std's `File::try_lock`), released when its
//! process ends, so a crash never leaves a stale one.

use std::fs::{self, File, OpenOptions, TryLockError};
use std::io::{self, Write};
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

/// Who holds a lock.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Owner {
    /// Process id.
    pub pid: u32,
    /// Host name.
    pub host: String,
}

impl std::fmt::Display for Owner {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "process {} on {}", self.pid, self.host)
    }
}

impl Owner {
    /// This process.
    #[must_use]
    pub fn me() -> Self {
        Self {
            pid: std::process::id(),
            host: host_name(),
        }
    }

    fn parse(text: &str) -> Option<Self> {
        let mut parts = text.split_whitespace();
        let pid = parts.next()?.parse().ok()?;
        let host = parts.next().unwrap_or("").to_string();
        Some(Self { pid, host })
    }
}

fn host_name() -> String {
    fs::read_to_string("/proc/sys/kernel/hostname")
        .ok()
        .or_else(|| std::env::var("HOSTNAME").ok())
        .map(|h| h.trim().to_string())
        .filter(|h| !h.is_empty())
        .unwrap_or_else(|| "localhost".to_string())
}

/// Whether process `pid` of this host runs, where that can be asked
/// (Linux, through `/proc`); `None` elsewhere.
#[must_use]
pub fn process_alive(pid: u32) -> Option<bool> {
    cfg!(target_os = "linux").then(|| Path::new("/proc").join(pid.to_string()).exists())
}

/// A lock file this process holds: an exclusive lock of the operating system
/// on the open file (`flock` on Unix, `LockFileEx` on Windows), which the
/// system lets go when the process ends however it ends, so a crashed
/// owner never leaves a lock behind. The file names its owner for the
/// message a second window shows; it is removed when dropped.
#[derive(Debug)]
pub struct Lock {
    path: PathBuf,
    file: File,
}

/// The outcome of trying a lock.
#[derive(Debug)]
pub enum Attempt {
    /// This process holds it now.
    Taken(Lock),
    /// Someone alive holds it.
    HeldBy(Owner),
}

impl Lock {
    /// Takes the lock at `path` unless another open file (of this or any
    /// process) holds it.
    ///
    /// # Errors
    /// When the lock file cannot be created, locked or written.
    pub fn try_take(path: &Path) -> io::Result<Attempt> {
        for _ in 0..3 {
            let file = OpenOptions::new()
                .read(true)
                .write(true)
                .create(true)
                .truncate(false)
                .open(path)?;
            match file.try_lock() {
                Ok(()) => {}
                Err(TryLockError::WouldBlock) => return Ok(Attempt::HeldBy(read_owner(path))),
                Err(TryLockError::Error(e)) => return Err(e),
            }
            // The holder before us may have removed the file between our open
            // and our lock: then we hold a lock on a name no one sees. Try anew.
            if !same_file(&file, path) {
                continue;
            }
            file.set_len(0)?;
            let me = Owner::me();
            (&file).write_all(format!("{} {}\n", me.pid, me.host).as_bytes())?;
            return Ok(Attempt::Taken(Self {
                path: path.to_path_buf(),
                file,
            }));
        }
        Err(io::Error::other(format!(
            "cannot take the lock file: {}",
            path.display()
        )))
    }

    /// Takes the lock at `path`, waiting up to `wait` for its holder to let
    /// go.
    ///
    /// # Errors
    /// When the owner keeps it longer, or the file cannot be created.
    pub fn take(path: &Path, wait: Duration) -> io::Result<Self> {
        let start = Instant::now();
        loop {
            match Self::try_take(path)? {
                Attempt::Taken(lock) => return Ok(lock),
                Attempt::HeldBy(owner) if start.elapsed() >= wait => {
                    return Err(io::Error::other(format!(
                        "{owner} has held {} for over {} s",
                        path.display(),
                        wait.as_secs()
                    )));
                }
                Attempt::HeldBy(_) => std::thread::sleep(Duration::from_millis(20)),
            }
        }
    }
}

/// The owner a held lock file names. Its holder writes it just after taking
/// the lock, so an empty file is read again for a moment; a file that never
/// names anyone (written by something else) reads as an unknown owner.
fn read_owner(path: &Path) -> Owner {
    for _ in 0..10 {
        if let Some(owner) = fs::read_to_string(path).ok().and_then(|t| Owner::parse(&t)) {
            return owner;
        }
        std::thread::sleep(Duration::from_millis(5));
    }
    Owner {
        pid: 0,
        host: "an unknown host".to_string(),
    }
}

/// Whether `path` still names the file `file` has open.
#[cfg(unix)]
fn same_file(file: &File, path: &Path) -> bool {
    use std::os::unix::fs::MetadataExt as _;
    match (file.metadata(), fs::metadata(path)) {
        (Ok(a), Ok(b)) => a.dev() == b.dev() && a.ino() == b.ino(),
        _ => false,
    }
}

/// Whether `path` still names the file `file` has open. Windows does not
/// remove a file another process has open, so the name cannot move.
#[cfg(not(unix))]
fn same_file(_file: &File, path: &Path) -> bool {
    path.exists()
}

impl Drop for Lock {
    fn drop(&mut self) {
        // Removed while still locked, so whoever opened it meanwhile sees the
        // name gone once the lock is theirs, and tries anew.
        let _ = fs::remove_file(&self.path);
        let _ = self.file.unlock();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_held_lock_names_its_owner_and_a_stale_one_is_taken_over() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("s.lock");
        let first = match Lock::try_take(&path).unwrap() {
            Attempt::Taken(l) => l,
            Attempt::HeldBy(o) => panic!("held by {o}"),
        };
        match Lock::try_take(&path).unwrap() {
            Attempt::HeldBy(o) => assert_eq!(o, Owner::me()),
            Attempt::Taken(_) => panic!("taken twice"),
        }
        drop(first);
        assert!(!path.exists());
        // A lock file left by a process that is gone holds no lock of the
        // system: it is taken over, whatever it names.
        fs::write(&path, format!("{} {}\n", u32::MAX - 7, host_name())).unwrap();
        let again = match Lock::try_take(&path).unwrap() {
            Attempt::Taken(l) => l,
            Attempt::HeldBy(o) => panic!("held by {o}"),
        };
        assert_eq!(
            Owner::parse(&fs::read_to_string(&path).unwrap()),
            Some(Owner::me())
        );
        // A waiting taker gets it once the holder lets go.
        let waiter = {
            let path = path.clone();
            std::thread::spawn(move || Lock::take(&path, Duration::from_secs(5)).is_ok())
        };
        std::thread::sleep(Duration::from_millis(50));
        drop(again);
        assert!(waiter.join().unwrap());
    }
}
