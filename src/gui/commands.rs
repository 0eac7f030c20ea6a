//! Commands: everything the user can do, and every result of background
//! work, as data. Views, panels and keys send commands through a
//! [`CommandSender`], background jobs through a [`Mailbox`] (the same
//! channel, from any thread); the app runs them in one exhaustive `match`
//! at the start of the next frame (`app/commands.rs`), so no logic hides in
//! click handlers or job threads and a new command cannot be forgotten.

use std::path::PathBuf;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::mpsc::{Receiver, Sender, channel};

use super::actions::Action;
use super::error::{GuiError, LoadFailure};
use crate::core::compare::{Flip, RunComparison};
use crate::core::dataset::Roles;
use crate::core::export::ExportFormat;
use crate::core::open::{Opened, Summary};
use crate::core::priority::SortKey;
use crate::core::session::{TagDef, WatchPair};
use crate::core::tags::TagId;
use crate::core::view::ReviewFilter;

/// Which background job a result is from (a result of a job that was
/// cancelled or replaced since is dropped).
pub type JobId = u64;

/// A user command, or the result of a background job.
#[derive(Debug)]
pub enum Command {
    /// An action without payload (keys, menus).
    Act(Action),
    /// Open a predictions file (detecting column roles).
    Open(PathBuf),
    /// Open a predictions file with the roles chosen in the mapping dialog.
    OpenWithRoles(PathBuf, Roles),
    /// Unpack the bundled sample into the user's data folder and open it.
    OpenSample,
    /// Load a second run of the model on the same examples and compare.
    Compare(PathBuf),
    /// Let the second run go.
    CloseCompare,
    /// Review the examples the second run fixed or broke, optionally only
    /// in one slice group, tag or true class.
    ShowFlips {
        /// Fixed or broken.
        flip: Flip,
        /// Only this slice group: (column, value) for each column of it.
        slice: Vec<(String, String)>,
        /// Only this tag.
        tag: Option<String>,
        /// Only this true class.
        truth: Option<String>,
    },
    /// Write the prioritisation table to a file (format from its extension).
    Export(PathBuf),
    /// Write the examples Review shows to a file (CSV or Parquet).
    ExportExamples(PathBuf),
    /// Write the report to a file (HTML or Markdown).
    ExportReport(PathBuf),
    /// Select the example at a list position (optionally extending the range).
    Select {
        /// Position in the filtered list.
        index: usize,
        /// Extend from the anchor instead of moving it.
        extend: bool,
    },
    /// Toggle a tag on the selection.
    ToggleTag(TagId),
    /// Create a manual tag and apply it to the selection.
    CreateTag(String),
    /// Create a rule tag.
    CreateRuleTag(TagDef),
    /// Apply a tag to every example the filter shows, as one undo step.
    BulkTag(TagId),
    /// Put a manual tag on these rows (a selection on the map), as one
    /// undo step.
    TagRows {
        /// The tag.
        tag: TagId,
        /// The rows, ascending.
        rows: std::sync::Arc<[u32]>,
    },
    /// Create a manual tag holding these rows, as one undo step.
    CreateTagWithRows {
        /// Its name.
        name: String,
        /// The rows, ascending.
        rows: std::sync::Arc<[u32]>,
    },
    /// Set the note of an example (row).
    SetNote(u32, String),
    /// Change a tag's definition.
    UpdateTag(TagId, TagDef),
    /// Delete a tag.
    DeleteTag(TagId),
    /// Merge one tag into another.
    MergeTags {
        /// Merged away.
        from: TagId,
        /// Kept.
        into: TagId,
    },
    /// Replace the Review filter.
    SetFilter(ReviewFilter),
    /// A new random order.
    Reshuffle,
    /// Sort the prioritisation table by a column (again: reverse).
    SortTable(SortKey),
    /// Review the examples of one confusion cell.
    ShowCell {
        /// True class.
        truth: String,
        /// Predicted class.
        pred: String,
    },
    /// Review the examples whose human label differs from the true label.
    ShowHumanDisagreements,
    /// Add a costly confusion to the watch list.
    AddWatch(WatchPair),
    /// Remove an entry of the watch list.
    RemoveWatch(usize),
    /// A load finished (or failed, or was cancelled).
    Loaded {
        /// The job.
        job: JobId,
        /// The file.
        path: PathBuf,
        /// The opened file with its headline numbers, or why not.
        result: Box<Result<(Opened, Summary), LoadFailure>>,
    },
    /// A second run was loaded and joined (or not).
    Compared {
        /// The job.
        job: JobId,
        /// The second run's file.
        path: PathBuf,
        /// The join, or why not.
        result: Box<Result<RunComparison, GuiError>>,
    },
    /// An export was written (or not).
    Exported(Result<PathBuf, GuiError>),
    /// A native file dialog closed.
    DialogClosed {
        /// What it was for.
        purpose: DialogPurpose,
        /// The folder it started in.
        dir: Option<PathBuf>,
        /// The name it proposed.
        name: String,
        /// The chosen path; `None` when cancelled.
        choice: Option<PathBuf>,
        /// Whether it closed at once (it never appeared: no portal).
        at_once: bool,
    },
}

/// The extensions of data files.
const DATA_EXTENSIONS: [&str; 8] = [
    "csv", "tsv", "txt", "parquet", "pq", "ndjson", "jsonl", "json",
];

/// What a file dialog (native or Slicewise's own) was opened for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DialogPurpose {
    /// Open a data file.
    Open,
    /// Open a folder of parts as one dataset.
    OpenFolder,
    /// Pick a second run to compare with.
    Compare,
    /// Export the table in this format.
    Export(ExportFormat),
    /// Export the examples Review shows.
    ExportExamples,
    /// Export the report.
    ExportReport,
}

impl DialogPurpose {
    /// The dialog's title, which also names the action in its errors.
    #[must_use]
    pub fn title(self) -> String {
        match self {
            Self::Open => "Open predictions".into(),
            Self::OpenFolder => "Open a folder of parts (Parquet, CSV or NDJSON)".into(),
            Self::Compare => "Compare with another run of the model".into(),
            Self::Export(f) => format!("Export the prioritisation table as {}", f.name()),
            Self::ExportExamples => "Export the shown examples (CSV or Parquet)".into(),
            Self::ExportReport => "Export the report (HTML with charts, or Markdown)".into(),
        }
    }

    /// The button that confirms.
    #[must_use]
    pub fn verb(self) -> &'static str {
        match self {
            Self::Open | Self::OpenFolder => "Open",
            Self::Compare => "Compare",
            Self::Export(_) | Self::ExportExamples | Self::ExportReport => "Save",
        }
    }

    /// Whether the dialog names a new file (else it picks an existing one).
    #[must_use]
    pub fn saves(self) -> bool {
        !matches!(self, Self::Open | Self::OpenFolder | Self::Compare)
    }

    /// The extensions listed (the first is added to a name without one).
    #[must_use]
    pub fn extensions(self) -> &'static [&'static str] {
        match self {
            Self::Open | Self::OpenFolder | Self::Compare => &DATA_EXTENSIONS,
            Self::Export(ExportFormat::Csv) => &["csv"],
            Self::Export(ExportFormat::Markdown) => &["md"],
            Self::Export(ExportFormat::Html) => &["html"],
            Self::ExportExamples => &["csv", "parquet"],
            Self::ExportReport => &["html", "md"],
        }
    }

    /// The hint in the empty file-name field.
    #[must_use]
    pub fn hint(self) -> &'static str {
        match self {
            Self::Open => "Pick a file above, or type its name or path",
            Self::OpenFolder => "Go into the folder and press Open, or type its name",
            Self::Compare => "The second run's predictions: pick or type a file",
            Self::Export(_) => "Name of the file to write",
            Self::ExportExamples => "Name of the file to write: .csv or .parquet",
            Self::ExportReport => "Name of the file to write: .html or .md",
        }
    }

    /// What to do with the chosen path.
    #[must_use]
    pub fn command(self, path: PathBuf) -> Command {
        match self {
            Self::Open | Self::OpenFolder => Command::Open(path),
            Self::Compare => Command::Compare(path),
            Self::Export(_) => Command::Export(path),
            Self::ExportExamples => Command::ExportExamples(path),
            Self::ExportReport => Command::ExportReport(path),
        }
    }
}

impl From<Action> for Command {
    fn from(action: Action) -> Self {
        Self::Act(action)
    }
}

/// Hover texts of commands that carry data (the [`Action`]s own theirs).
pub mod tips {
    /// [`super::Command::BulkTag`].
    pub const BULK_TAG: &str = "Put the tag on every example the filter shows, as one undo step";
    /// [`super::Command::DeleteTag`].
    pub const DELETE_TAG: &str = "Delete the tag (undo brings it back with its examples)";
    /// [`super::Command::MergeTags`].
    pub const MERGE_TAGS: &str = "Move this tag's examples to another tag and delete it";
    /// [`super::Command::CreateRuleTag`].
    pub const CREATE_RULE_TAG: &str = "Create a tag that applies to every row matching a rule";
    /// [`super::Command::ShowCell`].
    pub const SHOW_CELL: &str = "Open the Review view on these examples";
    /// [`super::Command::ShowHumanDisagreements`].
    pub const SHOW_HUMAN_DISAGREEMENTS: &str =
        "Open the Review view on the examples whose human label differs from the true label";
    /// [`super::Command::ShowFlips`].
    pub const SHOW_FLIPS: &str = "Open the Review view on exactly these examples";
    /// The realised lift column of the Compare view.
    pub const REALISED_LIFT: &str = "What the tag's examples added to overall accuracy: (fixed − broken) / examples in both runs, with its 95% interval; for a manual tag on a review sample, extrapolated from the sample";
    /// [`super::Command::CloseCompare`].
    pub const CLOSE_COMPARE: &str = "Stop comparing: let the second run go";
    /// [`super::Command::Reshuffle`].
    pub const RESHUFFLE: &str = "Draw a new random order";
    /// [`super::Command::SortTable`].
    pub const SORT: &str = "Sort by this column; again to reverse";
}

/// The command channel. Views and panels send during a frame (they only
/// borrow the frame's context); background jobs send from their threads
/// through a [`Mailbox`]; `logic()` takes everything at the start of the
/// next frame, in the order sent.
#[derive(Debug)]
pub struct CommandSender {
    tx: Sender<Command>,
    rx: Receiver<Command>,
    /// Commands sent and not yet taken.
    pending: Arc<AtomicUsize>,
}

impl Default for CommandSender {
    fn default() -> Self {
        let (tx, rx) = channel();
        Self {
            tx,
            rx,
            pending: Arc::new(AtomicUsize::new(0)),
        }
    }
}

impl CommandSender {
    /// Queues a command for the next `logic()`.
    pub fn send(&self, command: impl Into<Command>) {
        // The receiver lives as long as `self`: sending cannot fail.
        if self.tx.send(command.into()).is_ok() {
            self.pending.fetch_add(1, Ordering::Relaxed);
        }
    }

    /// Takes every queued command, in order.
    #[must_use]
    pub fn take(&self) -> Vec<Command> {
        let commands: Vec<Command> = self.rx.try_iter().collect();
        self.pending.fetch_sub(commands.len(), Ordering::Relaxed);
        commands
    }

    /// Whether commands are waiting.
    #[must_use]
    pub fn is_empty(&self) -> bool {
        self.pending.load(Ordering::Relaxed) == 0
    }

    /// A sender for a background thread; `ctx` is woken with each command.
    #[must_use]
    pub fn mailbox(&self, ctx: &egui::Context) -> Mailbox {
        Mailbox {
            tx: self.tx.clone(),
            pending: Arc::clone(&self.pending),
            ctx: ctx.clone(),
        }
    }
}

/// Where a background job posts its result: the command channel, from any
/// thread.
#[derive(Debug, Clone)]
pub struct Mailbox {
    tx: Sender<Command>,
    pending: Arc<AtomicUsize>,
    ctx: egui::Context,
}

impl Mailbox {
    /// Posts `command` and wakes the window to run it. After the app is
    /// gone the command is dropped.
    pub fn send(&self, command: Command) {
        if self.tx.send(command).is_ok() {
            self.pending.fetch_add(1, Ordering::Relaxed);
            self.ctx.request_repaint();
        }
    }
}
