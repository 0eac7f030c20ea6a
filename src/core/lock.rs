//! Lock files that name their owner (`pid host`), so a second window knows
//! the session is open elsewhere and two saves never interleave. A lock
//! whose owner died on this host is stale and taken over.

use std::fs::{self, OpenOptions};
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

    /// Whether the owner is known to be gone: a process of this host that
    /// no longer runs. An owner on another host is never taken for dead.
    #[must_use]
    pub fn is_gone(&self) -> bool {
        self.host == host_name() && !alive(self.pid)
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

fn alive(pid: u32) -> bool {
    process_alive(pid).unwrap_or(true)
}

/// Whether process `pid` of this host runs, where that can be asked
/// (Linux, through `/proc`); `None` elsewhere.
#[must_use]
pub fn process_alive(pid: u32) -> Option<bool> {
    cfg!(target_os = "linux").then(|| Path::new("/proc").join(pid.to_string()).exists())
}

/// A lock file this process holds; removed when dropped.
#[derive(Debug)]
pub struct Lock {
    path: PathBuf,
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
    /// Takes the lock at `path` unless a live owner holds it (a stale one is
    /// taken over).
    ///
    /// # Errors
    /// When the lock file cannot be created or read.
    pub fn try_take(path: &Path) -> io::Result<Attempt> {
        for _ in 0..3 {
            match OpenOptions::new().write(true).create_new(true).open(path) {
                Ok(mut f) => {
                    let me = Owner::me();
                    writeln!(f, "{} {}", me.pid, me.host)?;
                    return Ok(Attempt::Taken(Self {
                        path: path.to_path_buf(),
                    }));
                }
                Err(e) if e.kind() == io::ErrorKind::AlreadyExists => {
                    let text = fs::read_to_string(path).unwrap_or_default();
                    match Owner::parse(&text) {
                        Some(owner) if !owner.is_gone() => return Ok(Attempt::HeldBy(owner)),
                        // Stale or unreadable (a crash while writing it): take over.
                        _ => {
                            let _ = fs::remove_file(path);
                        }
                    }
                }
                Err(e) => return Err(e),
            }
        }
        Err(io::Error::other(format!(
            "cannot take the lock file: {}",
            path.display()
        )))
    }

    /// Takes the lock at `path`, waiting up to `wait` for a live owner to
    /// let go.
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

impl Drop for Lock {
    fn drop(&mut self) {
        // Only remove it while it still names this process.
        let mine = fs::read_to_string(&self.path)
            .ok()
            .and_then(|t| Owner::parse(&t))
            .is_some_and(|o| o == Owner::me());
        if mine {
            let _ = fs::remove_file(&self.path);
        }
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
        // A lock left by a process that is gone.
        fs::write(&path, format!("{} {}\n", u32::MAX - 7, host_name())).unwrap();
        assert!(matches!(Lock::try_take(&path).unwrap(), Attempt::Taken(_)));
    }
}
