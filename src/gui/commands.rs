//! Commands: everything the user can do, as data. Views, panels and keys
//! send commands through a [`CommandSender`]; the app runs them in one
//! exhaustive `match` at the start of the next frame (`app/commands.rs`), so
//! no logic hides in click handlers and a new command cannot be forgotten.

use std::cell::RefCell;
use std::path::PathBuf;

use super::actions::Action;
use crate::core::compare::Flip;
use crate::core::dataset::Roles;
use crate::core::filter::ReviewFilter;
use crate::core::priority::SortKey;
use crate::core::session::{TagDef, WatchPair};
use crate::core::tags::TagId;

/// A user command.
#[derive(Debug, Clone, PartialEq)]
pub enum Command {
    /// An action without payload (keys, menus).
    Act(Action),
    /// Open a predictions file (detecting column roles).
    Open(PathBuf),
    /// Open a predictions file with the roles chosen in the mapping dialog.
    OpenWithRoles(PathBuf, Roles),
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

/// Where views and panels send commands during a frame. Shared by reference
/// (views only borrow the frame's context), so it queues behind a `RefCell`.
#[derive(Debug, Default)]
pub struct CommandSender {
    queue: RefCell<Vec<Command>>,
}

impl CommandSender {
    /// Queues a command for the next `logic()`.
    pub fn send(&self, command: impl Into<Command>) {
        self.queue.borrow_mut().push(command.into());
    }

    /// Takes every queued command, in order.
    pub fn take(&self) -> Vec<Command> {
        std::mem::take(&mut *self.queue.borrow_mut())
    }

    /// Whether commands are waiting.
    pub fn is_empty(&self) -> bool {
        self.queue.borrow().is_empty()
    }
}
