//! The save protocol of a session file, in one place for the app and every
//! command that writes a session: a short save lock (two saves never
//! interleave), the stamp of what was last read or written (to tell whether
//! someone else wrote the file since), a three-way merge with what they
//! wrote ([`crate::core::merge`]), and an atomic write that keeps the
//! previous version as `.bak`. A window also announces that it has the
//! session open (`presence`), so a second window can say so.

use std::path::{Path, PathBuf};
use std::time::Duration;

use super::lock::{Attempt, Lock, Owner};
use super::merge::{Conflict, merge};
use super::session::{Session, SessionError, Stamp};

/// How long a save waits for another writer's save to finish.
pub const SAVE_LOCK_WAIT: Duration = Duration::from_secs(3);

/// `path` with `suffix` after its file name.
fn with_suffix(path: &Path, suffix: &str) -> PathBuf {
    let mut name = path.file_name().unwrap_or_default().to_os_string();
    name.push(suffix);
    path.with_file_name(name)
}

/// What a save did.
#[derive(Debug, Default)]
pub struct SaveOutcome {
    /// When another writer had changed the file since it was last read or
    /// written here: the merge of both, which is what was written and what
    /// the caller should now show.
    pub merged: Option<Session>,
    /// Two different changes to one thing in that merge (both notes kept;
    /// our version of a tag kept).
    pub conflicts: Vec<Conflict>,
}

/// A session file as one writer knows it.
#[derive(Debug)]
pub struct SessionFile {
    path: PathBuf,
    /// The session as last read or written here: the common base when
    /// another writer has written the file since.
    base: Session,
    /// The stamp of the file then (`None`: it did not exist).
    disk: Option<Stamp>,
    /// This writer's presence lock, or who else had the session open.
    presence: Option<Attempt>,
}

impl SessionFile {
    /// The file at `path`, as `read` (the session read from it and its stamp;
    /// `None` when it did not exist).
    #[must_use]
    pub fn new(path: PathBuf, read: Option<(Session, Stamp)>) -> Self {
        let (base, disk) = read.map_or((Session::default(), None), |(s, stamp)| (s, Some(stamp)));
        Self {
            path,
            base,
            disk,
            presence: None,
        }
    }

    /// Reads the file at `path` when it exists.
    ///
    /// # Errors
    /// When it exists but cannot be read, is damaged or is too new.
    pub fn open(path: &Path) -> Result<Self, SessionError> {
        let read = if path.exists() {
            Some(Session::read_stamped(path)?)
        } else {
            None
        };
        Ok(Self::new(path.to_path_buf(), read))
    }

    /// Announces that this process has the session open (a lock file beside
    /// it naming this process, removed when the `SessionFile` is dropped).
    /// Returns who else has it open, when someone does.
    pub fn announce(&mut self) -> Option<&Owner> {
        self.presence = Lock::try_take(&with_suffix(&self.path, ".lock")).ok();
        self.shared_with()
    }

    /// Who else had the session open when this process announced itself.
    #[must_use]
    pub fn shared_with(&self) -> Option<&Owner> {
        match &self.presence {
            Some(Attempt::HeldBy(owner)) => Some(owner),
            _ => None,
        }
    }

    /// Where the session is.
    #[must_use]
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// The session as last read or written here.
    #[must_use]
    pub fn base(&self) -> &Session {
        &self.base
    }

    /// Writes `ours` under the save lock. When the file changed since it was
    /// last read or written here (another window, a colleague, a command),
    /// both versions are merged against the common base first and the merge
    /// is written (and returned, with its conflicts).
    ///
    /// # Errors
    /// When the lock is held too long, the other version cannot be read, or
    /// writing fails; the file on disk is then unchanged.
    pub fn save(&mut self, ours: Session) -> Result<SaveOutcome, SessionError> {
        let _lock = self.save_lock()?;
        let changed = Stamp::of_file(&self.path).is_some_and(|now| Some(now) != self.disk);
        let mut outcome = SaveOutcome::default();
        let session = if changed {
            let (theirs, _) = Session::read_stamped(&self.path)?;
            let (merged, conflicts) = merge(&self.base, &ours, &theirs);
            outcome = SaveOutcome {
                merged: Some(merged.clone()),
                conflicts,
            };
            merged
        } else {
            ours
        };
        self.write(session)?;
        Ok(outcome)
    }

    /// Writes `session` under the save lock whatever the file holds now
    /// (the previous version kept as `.bak`): for a command asked to
    /// replace a session.
    ///
    /// # Errors
    /// When the lock is held too long or writing fails.
    pub fn replace(&mut self, session: Session) -> Result<(), SessionError> {
        let _lock = self.save_lock()?;
        self.write(session)
    }

    fn save_lock(&self) -> Result<Lock, SessionError> {
        Lock::take(&with_suffix(&self.path, ".saving"), SAVE_LOCK_WAIT).map_err(|source| {
            SessionError::Io {
                action: "lock",
                path: self.path.clone(),
                source,
            }
        })
    }

    fn write(&mut self, session: Session) -> Result<(), SessionError> {
        let text = session.to_ron();
        super::files::write(&self.path, text.as_bytes(), true).map_err(|source| {
            SessionError::Io {
                action: "write",
                path: self.path.clone(),
                source,
            }
        })?;
        self.disk = Some(Stamp::of_bytes(text.as_bytes()));
        self.base = session;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::core::session::{ExampleState, TagDef};

    fn tagged(session: &mut Session, key: &str, tag: &str) {
        session.examples.insert(
            key.to_string(),
            ExampleState {
                tags: vec![tag.to_string()],
                reviewed: true,
                note: String::new(),
            },
        );
    }

    #[test]
    fn two_writers_keep_each_others_work() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("run.slicewise.ron");
        let mut first = SessionFile::open(&path).unwrap();
        let mut second = SessionFile::open(&path).unwrap();

        let mut ours = Session::default();
        ours.tags.push(TagDef::manual("car noise", "#4e79a7"));
        tagged(&mut ours, "utt1", "car noise");
        let outcome = first.save(ours.clone()).unwrap();
        assert!(outcome.merged.is_none(), "nobody else wrote");

        // The second writer never saw the first one's save.
        let mut theirs = Session::default();
        theirs.tags.push(TagDef::manual("mumbling", "#f28e2b"));
        tagged(&mut theirs, "utt2", "mumbling");
        let outcome = second.save(theirs).unwrap();
        let merged = outcome
            .merged
            .expect("the first writer's save is merged in");
        assert!(outcome.conflicts.is_empty());
        assert_eq!(merged.examples.len(), 2);
        let on_disk = Session::read(&path).unwrap();
        assert_eq!(on_disk, merged);

        // The first writer's next save merges the second's work in too.
        tagged(&mut ours, "utt3", "car noise");
        let merged = first.save(ours).unwrap().merged.expect("merged");
        assert_eq!(merged.examples.len(), 3);
        assert_eq!(merged.tags.len(), 2);
        // The previous version is kept.
        assert!(crate::core::files::backup_path(&path).exists());
    }

    #[test]
    fn the_same_note_written_twice_differently_is_a_conflict_with_both_kept() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("s.slicewise.ron");
        let mut first = SessionFile::open(&path).unwrap();
        let mut second = SessionFile::open(&path).unwrap();
        let noted = |note: &str| {
            let mut s = Session::default();
            s.examples.insert(
                "utt1".into(),
                ExampleState {
                    note: note.into(),
                    ..ExampleState::default()
                },
            );
            s
        };
        first.save(noted("honks")).unwrap();
        let outcome = second.save(noted("a truck")).unwrap();
        assert_eq!(outcome.conflicts.len(), 1);
        let note = &outcome.merged.unwrap().examples["utt1"].note;
        assert!(note.contains("honks") && note.contains("a truck"), "{note}");
    }

    #[test]
    fn a_second_writer_sees_the_first_and_a_replace_ignores_the_file() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("s.slicewise.ron");
        let mut first = SessionFile::open(&path).unwrap();
        assert!(first.announce().is_none());
        let mut second = SessionFile::open(&path).unwrap();
        assert_eq!(second.announce(), Some(&Owner::me()));
        let mut old = Session::default();
        tagged(&mut old, "utt1", "x");
        first.save(old).unwrap();
        second.replace(Session::default()).unwrap();
        assert!(Session::read(&path).unwrap().examples.is_empty());
        drop(first);
        assert!(!with_suffix(&path, ".lock").exists());
    }
}
