//! Opening a predictions file together with its session: the one path the
//! command line and the desktop app both take, so they read the same data
//! and the same tags.

use std::path::{Path, PathBuf};

use super::dataset::Dataset;
use super::error::LoadError;
use super::load::{self, ColumnSelection, LoadOptions};
use super::metrics::Confusion;
use super::session::{Session, SessionError, ViewState};
use super::session_file::SessionFile;
use super::tags::Annotations;

/// A data file opened with its session.
#[derive(Debug)]
pub struct Opened {
    /// The data.
    pub ds: Dataset,
    /// Tags, reviewed marks and notes from the session (empty without one).
    pub state: Annotations,
    /// The session file: where it is read from and saved to, and what it
    /// held (the base for merging what another window writes meanwhile).
    pub file: SessionFile,
    /// Whether that session file existed.
    pub had_session: bool,
    /// The app's view as the session remembers it (the default without one).
    pub view: ViewState,
    /// What the user should know about binding the session to this data
    /// (other file, unknown ids, rules that do not fit). Load warnings are in
    /// `ds.warnings`.
    pub session_warnings: Vec<String>,
}

/// Why a file could not be opened.
#[derive(Debug, thiserror::Error)]
pub enum OpenError {
    /// The data could not be loaded.
    #[error(transparent)]
    Load(#[from] LoadError),
    /// A session file was named but does not exist.
    #[error(
        "The session file does not exist. Check the path, or leave out --session to use {} when it exists: {}",
        default.display(),
        path.display()
    )]
    NoSession {
        /// The path given.
        path: PathBuf,
        /// Where the default session would be.
        default: PathBuf,
    },
    /// The session file is unreadable, damaged or too new. It is never
    /// overwritten: opening stops instead.
    #[error(transparent)]
    Session(#[from] SessionError),
}

/// Loads `data` and binds its session: the file at `session` if given (it
/// must exist), else `<stem>.slicewise.ron` beside the data if it exists.
///
/// # Errors
/// An [`OpenError`] naming the file and what to do.
pub fn open(
    data: &Path,
    options: &LoadOptions,
    session: Option<&Path>,
) -> Result<Opened, OpenError> {
    let default = load::default_session_path(data);
    let session_path = match session {
        Some(p) if !p.exists() => {
            return Err(OpenError::NoSession {
                path: p.to_path_buf(),
                default,
            });
        }
        Some(p) => p.to_path_buf(),
        None => default,
    };
    let had_session = session_path.exists();
    // The session first: the column roles it remembers are used where no
    // flag names a role.
    let read = if had_session {
        Some(Session::read_stamped(&session_path)?)
    } else {
        None
    };
    let remembered = read.as_ref().and_then(|(s, _)| s.roles.as_ref());
    // A load that reads only some columns reads those the rule tags name.
    let with_rules;
    let options = match &read {
        Some((session, _)) if options.columns != ColumnSelection::All => {
            let named = session
                .tags
                .iter()
                .filter_map(|t| t.rule.as_deref())
                .flat_map(crate::core::rules::columns);
            with_rules = LoadOptions {
                columns: options.columns.clone().and(named),
                ..options.clone()
            };
            &with_rules
        }
        _ => options,
    };
    let mut notes = Vec::new();
    let ds = match remembered {
        Some(roles) => match load::load(data, &options.or_roles(roles)) {
            // The file's columns changed since: detect them afresh.
            Err(e) if e.is_role_problem() => {
                notes.push(format!(
                    "The columns the session remembers (label '{}', prediction '{}') do not fit the file any more, so they were found afresh.",
                    roles.label, roles.pred
                ));
                load::load(data, options)?
            }
            other => other?,
        },
        None => load::load(data, options)?,
    };
    let (state, mut session_warnings, view) = match &read {
        Some((session, _)) => {
            let (state, warnings) = Annotations::from_session(&ds, session);
            (state, warnings, session.view.clone())
        }
        None => (Annotations::new(&ds), Vec::new(), ViewState::default()),
    };
    session_warnings.extend(notes);
    Ok(Opened {
        ds,
        state,
        file: SessionFile::new(session_path, read),
        had_session,
        view,
        session_warnings,
    })
}

/// The headline numbers of an opened file: what the app shows first and
/// keeps for the Review filter, computed once per load (by the load worker).
#[derive(Debug, Clone)]
pub struct Summary {
    /// Confusion matrix.
    pub confusion: Confusion,
    /// Overall accuracy with its interval (a stratified sample's own).
    pub accuracy: super::metrics::Rate,
    /// The score column's range, for the Review view's score filter.
    pub score_range: Option<super::thresholds::ScoreRange>,
}

impl Summary {
    /// The headline numbers of `ds`: passes over every row (1.3 s at 100M
    /// rows), so the load worker computes them, not the window.
    #[must_use]
    pub fn of(ds: &Dataset) -> Self {
        let confusion = super::sample::confusion(ds);
        let accuracy = super::sample::overall_accuracy(ds, &confusion);
        Self {
            confusion,
            accuracy,
            score_range: ds
                .score
                .as_deref()
                .and_then(super::thresholds::ScoreRange::of),
        }
    }
}
