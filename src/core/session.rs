//! The session file: tag definitions, per-example tags, reviewed marks and
//! notes, the watch list and the desktop app's view, as plain data: one RON
//! file, versioned and diff-friendly. Saving it (lock, merge with another
//! writer, atomic write) is [`crate::core::session_file`]'s.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use super::dataset::SourceInfo;

/// The session format this build writes and reads.
pub const SESSION_VERSION: u32 = 1;

/// Default importance and effort of a tag (on a 1–5 scale).
pub const DEFAULT_WEIGHT: u8 = 3;

/// Something went wrong with a session file.
#[derive(Debug, thiserror::Error)]
pub enum SessionError {
    /// Reading or writing failed.
    #[error("Cannot {action} the session file ({source}): {}", path.display())]
    Io {
        /// "read" or "write".
        action: &'static str,
        /// The file.
        path: PathBuf,
        /// The OS error.
        source: std::io::Error,
    },
    /// The file is not valid RON for a session.
    #[error(
        "The session file is damaged at line {line}, column {column}: {message}. Fix it by hand, or restore the previous version{}: {}",
        backup.as_ref().map(|b| format!(" from {}", b.display())).unwrap_or_default(), path.display()
    )]
    Corrupt {
        /// The file.
        path: PathBuf,
        /// 1-based line.
        line: usize,
        /// 1-based column.
        column: usize,
        /// The parser's message.
        message: String,
        /// A backup that exists, if any.
        backup: Option<PathBuf>,
    },
    /// The file has nothing in it.
    #[error(
        "The session file is empty. Delete it to start a new session{}: {}",
        backup.as_ref().map(|b| format!(", or restore the previous version from {}", b.display())).unwrap_or_default(),
        path.display()
    )]
    Empty {
        /// The file.
        path: PathBuf,
        /// A backup that exists, if any.
        backup: Option<PathBuf>,
    },
    /// The file was written by a newer Slicewise.
    #[error(
        "The session file is version {found}, newer than this Slicewise understands (version {SESSION_VERSION}). Update Slicewise to open it; it was left untouched: {}",
        path.display()
    )]
    TooNew {
        /// The file.
        path: PathBuf,
        /// Its version.
        found: u32,
    },
}

/// Which data file a session belongs to.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
pub struct DataRef {
    /// File name (without folders, so the pair can be moved together).
    pub file: String,
    /// Size in bytes.
    pub size: u64,
    /// Content fingerprint.
    pub fingerprint: String,
}

impl DataRef {
    /// The reference for a loaded file.
    #[must_use]
    pub fn of(source: &SourceInfo) -> Self {
        Self {
            file: source
                .path
                .file_name()
                .map(|f| f.to_string_lossy().into_owned())
                .unwrap_or_default(),
            size: source.size,
            fingerprint: source.fingerprint.clone(),
        }
    }
}

/// How examples are keyed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
pub enum Key {
    /// By the values of this id column.
    Column(String),
    /// By 1-based row number (no id column).
    #[default]
    RowNumber,
}

/// A tag definition.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct TagDef {
    /// Name, unique in the session.
    pub name: String,
    /// Colour as `#rrggbb`.
    pub colour: String,
    /// Key 1–9 that toggles it in the desktop app.
    pub hotkey: Option<u8>,
    /// Human-level performance typed in (0–1); wins over the human column.
    pub hlp: Option<f64>,
    /// How much fixing this matters, 1–5.
    pub importance: u8,
    /// How hard fixing this is, 1–5.
    pub effort: u8,
    /// What the tag means.
    pub description: String,
    /// A rule (see [`crate::core::rules`]): the tag then applies to every matching row.
    pub rule: Option<String>,
}

impl Default for TagDef {
    fn default() -> Self {
        Self {
            name: String::new(),
            colour: String::new(),
            hotkey: None,
            hlp: None,
            importance: DEFAULT_WEIGHT,
            effort: DEFAULT_WEIGHT,
            description: String::new(),
            rule: None,
        }
    }
}

impl TagDef {
    /// A manual tag with a name and colour.
    #[must_use]
    pub fn manual(name: &str, colour: &str) -> Self {
        Self {
            name: name.to_string(),
            colour: colour.to_string(),
            ..Self::default()
        }
    }

    /// A rule tag.
    #[must_use]
    pub fn rule(name: &str, colour: &str, rule: &str) -> Self {
        Self {
            rule: Some(rule.to_string()),
            ..Self::manual(name, colour)
        }
    }
}

/// What was recorded for one example.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(default)]
pub struct ExampleState {
    /// Names of the manual tags on it.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub tags: Vec<String>,
    /// Whether it was reviewed.
    pub reviewed: bool,
    /// A free-text note.
    #[serde(skip_serializing_if = "String::is_empty")]
    pub note: String,
}

/// A (true, predicted) pair worth watching whatever its count.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct WatchPair {
    /// True class.
    pub truth: String,
    /// Predicted class.
    pub pred: String,
}

/// The desktop app's view state, restored on reopening.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
#[serde(default)]
pub struct ViewState {
    /// The filter of the Review view.
    pub filter: super::view::ReviewFilter,
    /// Key of the selected example.
    pub selected: Option<String>,
    /// Each view's options (slice columns, positive class, chart metric,
    /// ...), as RON text by view name, so they come back on reopening.
    pub views: BTreeMap<String, String>,
    /// The order of the prioritisation table: (column, descending).
    pub table_sort: Option<(String, bool)>,
}

/// A session as stored on disk.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct Session {
    /// Format version.
    pub version: u32,
    /// The data file it was made for.
    pub data: DataRef,
    /// How examples are keyed.
    pub key: Key,
    /// Tag definitions, in display order.
    pub tags: Vec<TagDef>,
    /// Per example (by key): tags, reviewed mark, note.
    pub examples: BTreeMap<String, ExampleState>,
    /// Costly confusions to watch.
    pub watch: Vec<WatchPair>,
    /// The app's view.
    pub view: ViewState,
    /// The columns that play each role, as last opened (chosen in the
    /// column dialog or detected); used when no flag names a role.
    pub roles: Option<super::dataset::Roles>,
}

impl Default for Session {
    fn default() -> Self {
        Self {
            version: SESSION_VERSION,
            data: DataRef::default(),
            key: Key::RowNumber,
            tags: Vec::new(),
            examples: BTreeMap::new(),
            watch: Vec::new(),
            view: ViewState::default(),
            roles: None,
        }
    }
}

#[derive(Deserialize)]
struct VersionProbe {
    #[serde(default)]
    version: u32,
}

pub use super::files::backup_path;

/// What a session file held when it was last read or written, to tell
/// whether someone else wrote it since.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Stamp {
    len: u64,
    hash: u64,
}

impl Stamp {
    /// The stamp of some contents.
    #[must_use]
    pub fn of_bytes(bytes: &[u8]) -> Self {
        use std::hash::BuildHasher;
        Self {
            len: bytes.len() as u64,
            hash: rustc_hash::FxBuildHasher.hash_one(bytes),
        }
    }

    /// The stamp of the file at `path` now (`None` when it cannot be read).
    #[must_use]
    pub fn of_file(path: &Path) -> Option<Self> {
        std::fs::read(path).ok().map(|b| Self::of_bytes(&b))
    }
}

/// The work by hand a session holds: what would be lost if it were
/// replaced by a session made by a program.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct HandWork {
    /// Examples carrying at least one manual tag.
    pub tagged: usize,
    /// Examples marked reviewed.
    pub reviewed: usize,
    /// Examples with a note.
    pub notes: usize,
}

impl HandWork {
    /// Whether there is none.
    #[must_use]
    pub fn is_empty(&self) -> bool {
        *self == Self::default()
    }
}

impl std::fmt::Display for HandWork {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let parts: Vec<String> = [
            (self.tagged, "tagged example"),
            (self.reviewed, "reviewed example"),
            (self.notes, "note"),
        ]
        .into_iter()
        .filter(|(n, _)| *n > 0)
        .map(|(n, what)| format!("{n} {what}{}", if n == 1 { "" } else { "s" }))
        .collect();
        write!(f, "{}", parts.join(", "))
    }
}

impl Session {
    /// The hand work in this session: tagged, reviewed and noted examples.
    #[must_use]
    pub fn hand_work(&self) -> HandWork {
        let mut work = HandWork::default();
        for e in self.examples.values() {
            work.tagged += usize::from(!e.tags.is_empty());
            work.reviewed += usize::from(e.reviewed);
            work.notes += usize::from(!e.note.is_empty());
        }
        work
    }

    /// Parses a session from RON text.
    ///
    /// # Errors
    /// [`SessionError::Corrupt`] with the parser's line and column, or
    /// [`SessionError::TooNew`].
    pub fn from_ron(text: &str, path: &Path) -> Result<Self, SessionError> {
        let corrupt = |e: ron::error::SpannedError| {
            let backup = backup_path(path);
            SessionError::Corrupt {
                path: path.to_path_buf(),
                line: e.span.start.line,
                column: e.span.start.col,
                message: e.code.to_string(),
                backup: backup.exists().then_some(backup),
            }
        };
        if text.trim().is_empty() {
            let backup = backup_path(path);
            return Err(SessionError::Empty {
                path: path.to_path_buf(),
                backup: backup.exists().then_some(backup),
            });
        }
        let options = ron::Options::default();
        let probe: VersionProbe = options.from_str(text).map_err(corrupt)?;
        if probe.version > SESSION_VERSION {
            return Err(SessionError::TooNew {
                path: path.to_path_buf(),
                found: probe.version,
            });
        }
        options.from_str(text).map_err(corrupt)
    }

    /// Reads a session file with the stamp of what was read.
    ///
    /// # Errors
    /// When the file cannot be read, is damaged or is too new.
    pub fn read_stamped(path: &Path) -> Result<(Self, Stamp), SessionError> {
        super::files::clean_stale_temps(path);
        let bytes = std::fs::read(path).map_err(|source| SessionError::Io {
            action: "read",
            path: path.to_path_buf(),
            source,
        })?;
        let stamp = Stamp::of_bytes(&bytes);
        let text = String::from_utf8_lossy(&bytes);
        Ok((Self::from_ron(&text, path)?, stamp))
    }

    /// Reads a session file.
    ///
    /// # Errors
    /// When the file cannot be read, is damaged or is too new.
    pub fn read(path: &Path) -> Result<Self, SessionError> {
        super::files::clean_stale_temps(path);
        let text = std::fs::read_to_string(path).map_err(|source| SessionError::Io {
            action: "read",
            path: path.to_path_buf(),
            source,
        })?;
        Self::from_ron(&text, path)
    }

    /// The session as pretty RON.
    #[must_use]
    pub fn to_ron(&self) -> String {
        let config = ron::ser::PrettyConfig::new()
            .struct_names(false)
            .depth_limit(4)
            .indentor("  ".to_string());
        // Serialising plain data to a String cannot fail.
        ron::ser::to_string_pretty(self, config).unwrap_or_default() + "\n"
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trips_through_ron() {
        let mut s = Session {
            key: Key::Column("id".into()),
            ..Session::default()
        };
        s.tags
            .push(TagDef::rule("car noise", "#e45756", r#"noise == "car""#));
        s.tags.push(TagDef {
            hotkey: Some(1),
            hlp: Some(0.93),
            ..TagDef::manual("mumbling", "#4c78a8")
        });
        s.examples.insert(
            "utt1".into(),
            ExampleState {
                tags: vec!["mumbling".into()],
                reviewed: true,
                note: "quiet \"speaker\"".into(),
            },
        );
        let text = s.to_ron();
        assert!(text.contains("\"utt1\""), "{text}");
        let back = Session::from_ron(&text, Path::new("s.ron")).unwrap();
        assert_eq!(back, s);
    }

    #[test]
    fn corrupt_files_report_line_and_column() {
        let err =
            Session::from_ron("(\n  version: 1,\n  tags: [,\n)", Path::new("s.ron")).unwrap_err();
        let SessionError::Corrupt { line, .. } = err else {
            panic!("{err}")
        };
        assert_eq!(line, 3);
    }

    #[test]
    fn newer_versions_are_refused() {
        let err =
            Session::from_ron("(version: 99, future_field: 1)", Path::new("s.ron")).unwrap_err();
        assert!(
            matches!(err, SessionError::TooNew { found: 99, .. }),
            "{err}"
        );
    }

    #[test]
    fn atomic_write_keeps_a_backup() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("x.slicewise.ron");
        crate::core::files::write(&path, b"one", true).unwrap();
        crate::core::files::write(&path, b"two", true).unwrap();
        assert_eq!(std::fs::read(&path).unwrap(), b"two");
        assert_eq!(std::fs::read(backup_path(&path)).unwrap(), b"one");
        let temps = std::fs::read_dir(dir.path())
            .unwrap()
            .filter(|e| {
                e.as_ref()
                    .is_ok_and(|e| e.file_name().to_string_lossy().ends_with(".tmp"))
            })
            .count();
        assert_eq!(temps, 0);
    }
}
