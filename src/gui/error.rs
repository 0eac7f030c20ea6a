//! What can go wrong in the desktop app, typed: each error is shown once,
//! in the status bar or a dialog, with what to do.

use std::path::PathBuf;

use crate::core::export::UnknownExportFormat;
use crate::core::open::OpenError;
use crate::core::session::SessionError;
use crate::core::tags::TagError;

/// Why a load did not give an open file.
#[derive(Debug)]
pub enum LoadFailure {
    /// Column roles need choosing: the mapping dialog can fix it.
    Roles {
        /// What is wrong.
        error: crate::core::error::LoadError,
        /// The file's columns and first values.
        preview: Box<crate::core::load::Preview>,
    },
    /// Anything else (including a cancelled load).
    Error(GuiError),
}

/// An error of the desktop app.
#[derive(Debug, thiserror::Error)]
pub enum GuiError {
    /// The file could not be opened.
    #[error(transparent)]
    Open(#[from] OpenError),
    /// The user cancelled a load.
    #[error("Loading was cancelled")]
    Cancelled,
    /// The session could not be written.
    #[error(transparent)]
    Session(#[from] SessionError),
    /// A tag edit was refused.
    #[error("{0}")]
    Tag(#[from] TagError),
    /// Handing examples on failed.
    #[error(transparent)]
    Examples(#[from] crate::core::examples::ExamplesError),
    /// An export path with no known format.
    #[error(transparent)]
    ExportFormat(#[from] UnknownExportFormat),
    /// An export would replace the data, a part of it or its session, or
    /// would be read as a part of the data next time.
    #[error(
        "Not exported: that file is the data (or one of its parts) or its session, which the export would replace, or a new file the data folder would read as a part. Choose a file outside the data: {}",
        path.display()
    )]
    ExportOverInput {
        /// The file.
        path: PathBuf,
    },
    /// Writing an export failed.
    #[error("Cannot write the export ({source}): {}", path.display())]
    Export {
        /// The file.
        path: PathBuf,
        /// The OS error.
        source: std::io::Error,
    },
    /// A background thread could not be started.
    #[error("Cannot start {what} ({source})")]
    Thread {
        /// What the thread was for.
        what: &'static str,
        /// The OS error.
        source: std::io::Error,
    },
    /// Two runs that cannot be compared.
    #[error("Cannot compare with {}: {source}", path.display())]
    Compare {
        /// The second run's file.
        path: PathBuf,
        /// Why.
        source: crate::core::compare::CompareError,
    },
    /// A tag key with no tag on it.
    #[error("No tag has key {0}; press n to create one")]
    NoTagOnKey(u8),
    /// An action that needs a selected example.
    #[error("Select an example first")]
    NoSelection,
}
