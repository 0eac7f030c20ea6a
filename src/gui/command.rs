//! Every user action is a [`Command`]. Menus, buttons and keys all send
//! commands; the app executes them in one place. Each command owns its label,
//! tooltip and keyboard shortcut, so the three never disagree.

use std::path::PathBuf;

use egui::{Key, KeyboardShortcut, Modifiers};

use crate::core::filter::ReviewFilter;
use crate::core::priority::SortKey;
use crate::core::session::TagDef;
use crate::core::tags::TagId;

/// The views of the central area.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, serde::Serialize, serde::Deserialize)]
pub enum View {
    /// Headline numbers and top tags.
    Overview,
    /// The error list with the inspector.
    #[default]
    Review,
    /// The prioritisation table and chart.
    Prioritise,
    /// The confusion matrix.
    Confusion,
    /// Per-class metrics.
    Classes,
    /// Slices and fairness.
    Slices,
    /// Score thresholds.
    Thresholds,
    /// Human labels against true labels.
    Labels,
}

impl View {
    /// All views, in tab order.
    pub const ALL: [Self; 8] = [
        Self::Overview,
        Self::Review,
        Self::Prioritise,
        Self::Confusion,
        Self::Classes,
        Self::Slices,
        Self::Thresholds,
        Self::Labels,
    ];

    /// Tab label.
    #[must_use]
    pub fn label(self) -> &'static str {
        match self {
            Self::Overview => "Overview",
            Self::Review => "Review",
            Self::Prioritise => "Prioritise",
            Self::Confusion => "Confusion",
            Self::Classes => "Classes",
            Self::Slices => "Slices",
            Self::Thresholds => "Thresholds",
            Self::Labels => "Labels",
        }
    }

    /// The function key that shows it.
    #[must_use]
    pub fn key(self) -> Key {
        match self {
            Self::Overview => Key::F2,
            Self::Review => Key::F3,
            Self::Prioritise => Key::F4,
            Self::Confusion => Key::F5,
            Self::Classes => Key::F6,
            Self::Slices => Key::F7,
            Self::Thresholds => Key::F8,
            Self::Labels => Key::F9,
        }
    }
}

/// Column roles chosen in the mapping dialog.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct RoleChoice {
    /// True label.
    pub label: String,
    /// Prediction.
    pub pred: String,
    /// Score ("" = none).
    pub score: String,
    /// Id ("" = row numbers).
    pub id: String,
    /// Human label ("" = none).
    pub human: String,
    /// Image path ("" = none).
    pub image: String,
    /// Text ("" = none).
    pub text: String,
}

/// Export formats of the prioritisation table.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ExportFormat {
    /// CSV for spreadsheets and scripts.
    Csv,
    /// Markdown for notes and tickets.
    Markdown,
    /// One self-contained HTML page for a planning document.
    Html,
}

impl ExportFormat {
    /// File extension.
    #[must_use]
    pub fn extension(self) -> &'static str {
        match self {
            Self::Csv => "csv",
            Self::Markdown => "md",
            Self::Html => "html",
        }
    }
}

/// A user action.
#[derive(Debug, Clone, PartialEq)]
pub enum Command {
    /// Show the native open dialog.
    OpenDialog,
    /// Open a predictions file (detecting column roles).
    Open(PathBuf),
    /// Open a predictions file with roles chosen by hand.
    OpenWithRoles(PathBuf, RoleChoice),
    /// Stop a load in progress.
    CancelLoad,
    /// Write the session now.
    Save,
    /// Show the save dialog for exporting the table.
    ExportDialog(ExportFormat),
    /// Write the table to a file.
    Export(PathBuf),
    /// Put the table on the clipboard as Markdown.
    CopyMarkdown,
    /// Undo the last tag, note or review action.
    Undo,
    /// Redo it.
    Redo,
    /// Select the next example.
    Next,
    /// Select the previous example.
    Previous,
    /// Extend the selection down.
    ExtendNext,
    /// Extend the selection up.
    ExtendPrevious,
    /// Jump a page down the list.
    PageDown,
    /// Jump a page up the list.
    PageUp,
    /// Jump to the first example.
    First,
    /// Jump to the last example.
    Last,
    /// Select the example at a list position (optionally extending the range).
    Select {
        /// Position in the filtered list.
        index: usize,
        /// Extend from the anchor instead of moving it.
        extend: bool,
    },
    /// Toggle the tag with this hotkey on the selection.
    ToggleHotkey(u8),
    /// Toggle a tag on the selection.
    ToggleTag(TagId),
    /// Ask for a new tag's name.
    NewTagPrompt,
    /// Create a manual tag and apply it to the selection.
    CreateTag(String),
    /// Create a rule tag.
    CreateRuleTag(TagDef),
    /// Mark the selection reviewed without a tag.
    MarkReviewed,
    /// Mark the selection not reviewed (removes its tags).
    MarkUnreviewed,
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
    /// Show a view.
    ShowView(View),
    /// Show or hide the keyboard shortcuts.
    ToggleShortcuts,
    /// Replace the Review filter.
    SetFilter(ReviewFilter),
    /// A new random order.
    Reshuffle,
    /// Sort the prioritisation table by a column (again: reverse).
    SortTable(SortKey),
    /// Switch between dark and light.
    ToggleTheme,
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
    AddWatch(crate::core::session::WatchPair),
    /// Remove an entry of the watch list.
    RemoveWatch(usize),
    /// Save and close the window.
    Quit,
}

const NONE: Modifiers = Modifiers::NONE;

#[allow(clippy::unnecessary_wraps)] // Reads better in the match below.
fn shortcut(modifiers: Modifiers, key: Key) -> Option<KeyboardShortcut> {
    Some(KeyboardShortcut::new(modifiers, key))
}

/// The digit keys 1–9.
pub const DIGITS: [Key; 9] = [
    Key::Num1,
    Key::Num2,
    Key::Num3,
    Key::Num4,
    Key::Num5,
    Key::Num6,
    Key::Num7,
    Key::Num8,
    Key::Num9,
];

impl Command {
    /// The text on menus and buttons.
    #[must_use]
    pub fn label(&self) -> String {
        match self {
            Self::OpenDialog => "Open…".into(),
            Self::Open(p) | Self::OpenWithRoles(p, _) => p.file_name().map_or_else(
                || p.display().to_string(),
                |f| f.to_string_lossy().into_owned(),
            ),
            Self::CancelLoad => "Cancel".into(),
            Self::Save => "Save session".into(),
            Self::ExportDialog(ExportFormat::Csv) => "Export as CSV…".into(),
            Self::ExportDialog(ExportFormat::Markdown) => "Export as Markdown…".into(),
            Self::ExportDialog(ExportFormat::Html) => "Export as HTML…".into(),
            Self::Export(_) => "Export".into(),
            Self::CopyMarkdown => "Copy as Markdown".into(),
            Self::Undo => "Undo".into(),
            Self::Redo => "Redo".into(),
            Self::Next => "Next example".into(),
            Self::Previous => "Previous example".into(),
            Self::ExtendNext => "Extend selection down".into(),
            Self::ExtendPrevious => "Extend selection up".into(),
            Self::PageDown => "Page down".into(),
            Self::PageUp => "Page up".into(),
            Self::First => "First example".into(),
            Self::Last => "Last example".into(),
            Self::Select { .. } => "Select".into(),
            Self::ToggleHotkey(k) => format!("Toggle tag {k}"),
            Self::ToggleTag(_) => "Toggle tag".into(),
            Self::NewTagPrompt => "New tag…".into(),
            Self::CreateTag(name) => format!("Create tag '{name}'"),
            Self::CreateRuleTag(_) => "Create rule tag".into(),
            Self::MarkReviewed => "Mark reviewed".into(),
            Self::MarkUnreviewed => "Mark not reviewed".into(),
            Self::BulkTag(_) => "Tag all shown".into(),
            Self::SetNote(..) => "Set note".into(),
            Self::UpdateTag(..) => "Edit tag".into(),
            Self::DeleteTag(_) => "Delete tag".into(),
            Self::MergeTags { .. } => "Merge tags".into(),
            Self::ShowView(v) => v.label().into(),
            Self::ToggleShortcuts => "Keyboard shortcuts".into(),
            Self::SetFilter(_) => "Filter".into(),
            Self::Reshuffle => "Reshuffle".into(),
            Self::SortTable(k) => format!("Sort by {}", k.name()),
            Self::ToggleTheme => "Dark / light theme".into(),
            Self::ShowCell { truth, pred } => format!("Review {truth} ➡ {pred}"),
            Self::ShowHumanDisagreements => "Review the disagreements".into(),
            Self::AddWatch(_) => "Watch".into(),
            Self::RemoveWatch(_) => "Remove".into(),
            Self::Quit => "Quit".into(),
        }
    }

    /// The hover text.
    #[must_use]
    pub fn tooltip(&self) -> &'static str {
        match self {
            Self::OpenDialog => "Open a predictions file (CSV, Parquet or NDJSON)",
            Self::Open(_) | Self::OpenWithRoles(..) => "Open this file",
            Self::CancelLoad => "Stop loading",
            Self::Save => "Write the session file now (it is also saved automatically)",
            Self::ExportDialog(_) | Self::Export(_) => "Write the prioritisation table to a file",
            Self::CopyMarkdown => {
                "Put the prioritisation table on the clipboard as a Markdown table"
            }
            Self::Undo => "Undo the last tag, note or review action",
            Self::Redo => "Redo what was undone",
            Self::Next => "Select the next example in the list",
            Self::Previous => "Select the previous example in the list",
            Self::ExtendNext | Self::ExtendPrevious => "Select a range of examples",
            Self::PageDown | Self::PageUp | Self::First | Self::Last => {
                "Move through the list quickly"
            }
            Self::Select { .. } => "Select this example",
            Self::ToggleHotkey(_) | Self::ToggleTag(_) => {
                "Put the tag on the selected examples, or take it off"
            }
            Self::NewTagPrompt => "Create a tag and put it on the selected examples",
            Self::CreateTag(_) => "Create the tag and put it on the selected examples",
            Self::CreateRuleTag(_) => "Create a tag that applies to every row matching a rule",
            Self::MarkReviewed => "Mark the selected examples reviewed without tagging them",
            Self::MarkUnreviewed => {
                "Forget that the selected examples were reviewed (removes their tags)"
            }
            Self::BulkTag(_) => "Put the tag on every example the filter shows, as one undo step",
            Self::SetNote(..) => "Write a note on the example",
            Self::UpdateTag(..) => "Change the tag",
            Self::DeleteTag(_) => "Delete the tag (undo brings it back with its examples)",
            Self::MergeTags { .. } => "Move this tag's examples to another tag and delete it",
            Self::ShowView(View::Overview) => "Rows, accuracy, review coverage and the top tags",
            Self::ShowView(View::Review) => "Review and tag examples",
            Self::ShowView(View::Prioritise) => "What to work on first: the prioritisation table",
            Self::ShowView(View::Confusion) => {
                "The confusion matrix; click a cell to review its examples"
            }
            Self::ShowView(View::Classes) => "Precision, recall and F1 per class",
            Self::ShowView(View::Slices) => "Metrics per slice, fairness disparities",
            Self::ShowView(View::Thresholds) => {
                "ROC and precision-recall curves, and a threshold to move"
            }
            Self::ShowView(View::Labels) => "Human labels against the true labels",
            Self::ShowCell { .. } => "Open the Review view on these examples",
            Self::ShowHumanDisagreements => {
                "Open the Review view on the examples whose human label differs"
            }
            Self::AddWatch(_) => "Add this pair to the watch list",
            Self::RemoveWatch(_) => "Remove this pair from the watch list",
            Self::Quit => "Save the session and close the window",
            Self::ToggleShortcuts => "Show every keyboard shortcut",
            Self::SetFilter(_) => "Change which examples are listed",
            Self::Reshuffle => "Draw a new random order",
            Self::SortTable(_) => "Sort by this column; again to reverse",
            Self::ToggleTheme => "Switch between dark and light",
        }
    }

    /// The main keyboard shortcut.
    #[must_use]
    pub fn shortcut(&self) -> Option<KeyboardShortcut> {
        match self {
            Self::OpenDialog => shortcut(Modifiers::COMMAND, Key::O),
            Self::Save => shortcut(Modifiers::COMMAND, Key::S),
            Self::ExportDialog(ExportFormat::Csv) => shortcut(Modifiers::COMMAND, Key::E),
            Self::CopyMarkdown => shortcut(Modifiers::COMMAND | Modifiers::SHIFT, Key::C),
            Self::Undo => shortcut(Modifiers::COMMAND, Key::Z),
            Self::Redo => shortcut(Modifiers::COMMAND | Modifiers::SHIFT, Key::Z),
            Self::Next => shortcut(NONE, Key::J),
            Self::Previous => shortcut(NONE, Key::K),
            Self::ExtendNext => shortcut(Modifiers::SHIFT, Key::J),
            Self::ExtendPrevious => shortcut(Modifiers::SHIFT, Key::K),
            Self::PageDown => shortcut(NONE, Key::PageDown),
            Self::PageUp => shortcut(NONE, Key::PageUp),
            Self::First => shortcut(NONE, Key::Home),
            Self::Last => shortcut(NONE, Key::End),
            Self::ToggleHotkey(k) => DIGITS
                .get(usize::from(*k).wrapping_sub(1))
                .and_then(|&key| shortcut(NONE, key)),
            Self::NewTagPrompt => shortcut(NONE, Key::N),
            Self::MarkReviewed => shortcut(NONE, Key::R),
            Self::ShowView(v) => shortcut(NONE, v.key()),
            Self::ToggleShortcuts => shortcut(Modifiers::SHIFT, Key::Questionmark),
            Self::CancelLoad => shortcut(NONE, Key::Escape),
            Self::Quit => shortcut(Modifiers::COMMAND, Key::Q),
            _ => None,
        }
    }

    /// Further keys that do the same (arrows beside j/k, Ctrl+Y for redo).
    #[must_use]
    pub fn alternatives(&self) -> Vec<KeyboardShortcut> {
        let one = |m, k| vec![KeyboardShortcut::new(m, k)];
        match self {
            Self::Next => one(NONE, Key::ArrowDown),
            Self::Previous => one(NONE, Key::ArrowUp),
            Self::ExtendNext => one(Modifiers::SHIFT, Key::ArrowDown),
            Self::ExtendPrevious => one(Modifiers::SHIFT, Key::ArrowUp),
            Self::Redo => one(Modifiers::COMMAND, Key::Y),
            Self::ToggleShortcuts => one(NONE, Key::Questionmark),
            _ => Vec::new(),
        }
    }

    /// The commands bound to keys, in the order the help lists them.
    #[must_use]
    pub fn with_shortcuts() -> Vec<Self> {
        let mut v = vec![
            Self::Next,
            Self::Previous,
            Self::ExtendNext,
            Self::ExtendPrevious,
            Self::PageDown,
            Self::PageUp,
            Self::First,
            Self::Last,
        ];
        v.extend((1..=9).map(Self::ToggleHotkey));
        v.extend([
            Self::NewTagPrompt,
            Self::MarkReviewed,
            Self::Undo,
            Self::Redo,
            Self::ShowView(View::Overview),
            Self::ShowView(View::Review),
            Self::ShowView(View::Prioritise),
            Self::ShowView(View::Confusion),
            Self::ShowView(View::Classes),
            Self::ShowView(View::Slices),
            Self::ShowView(View::Thresholds),
            Self::ShowView(View::Labels),
            Self::OpenDialog,
            Self::Save,
            Self::ExportDialog(ExportFormat::Csv),
            Self::CopyMarkdown,
            Self::ToggleShortcuts,
            Self::Quit,
        ]);
        v
    }

    /// Whether the command works on the selected examples (and so needs an open file).
    #[must_use]
    pub fn needs_data(&self) -> bool {
        !matches!(
            self,
            Self::OpenDialog
                | Self::Open(_)
                | Self::OpenWithRoles(..)
                | Self::CancelLoad
                | Self::ToggleShortcuts
                | Self::ToggleTheme
                | Self::ShowView(_)
                | Self::Quit
        )
    }
}
