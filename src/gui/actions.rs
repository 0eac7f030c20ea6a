//! Actions: what a key, a menu entry or a button does without further data.
//! Each owns its label, tooltip and keyboard shortcuts, so the three never
//! disagree; [`Action::ALL`] lists them for the shortcut help and key reading.

use egui::{Key, KeyboardShortcut, Modifiers};

use super::tabs::View;
use crate::core::export::ExportFormat;

/// A user action without a payload.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Action {
    /// Show the open dialog.
    OpenDialog,
    /// Open a folder of parts.
    OpenFolderDialog,
    /// Show the dialog that picks a second run to compare with.
    CompareDialog,
    /// Show the column roles of the open file, to change them.
    ColumnsDialog,
    /// Write the session now.
    Save,
    /// Show the save dialog for exporting the table in a format.
    Export(ExportFormat),
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
    /// Toggle the tag on this key (1–9) on the selection.
    TagKey(u8),
    /// Ask for a new tag's name.
    NewTag,
    /// Mark the selection reviewed without a tag.
    MarkReviewed,
    /// Put the tag "label error" on the selection (made on first use), or
    /// take it off.
    LabelError,
    /// Mark the selection not reviewed (removes its tags).
    MarkUnreviewed,
    /// Show a view.
    Show(View),
    /// Show or hide the keyboard shortcuts.
    ToggleShortcuts,
    /// Switch between dark and light.
    ToggleTheme,
    /// Write the examples Review shows to a file.
    ExportExamples,
    /// Write the whole report (HTML with charts, or Markdown) to a file.
    ExportReport,
    /// Switch "advance after tagging" on or off.
    ToggleAdvance,
    /// Cancel a load, or close a dialog.
    Escape,
    /// Save and close the window.
    Quit,
}

const NONE: Modifiers = Modifiers::NONE;

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

impl Action {
    /// Every action bound to a key, in the order the shortcut help lists them.
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
        v.extend((1..=9).map(Self::TagKey));
        v.extend([
            Self::NewTag,
            Self::MarkReviewed,
            Self::LabelError,
            Self::Undo,
            Self::Redo,
        ]);
        v.extend(View::ALL.map(Self::Show));
        v.extend([
            Self::OpenDialog,
            Self::OpenFolderDialog,
            Self::Save,
            Self::Export(ExportFormat::Csv),
            Self::CopyMarkdown,
            Self::ToggleShortcuts,
            Self::Quit,
        ]);
        v
    }

    /// The text on menus and buttons.
    #[must_use]
    pub fn label(self) -> String {
        match self {
            Self::OpenDialog => "Open…".into(),
            Self::OpenFolderDialog => "Open folder…".into(),
            Self::CompareDialog => "Compare with another run…".into(),
            Self::ColumnsDialog => "Columns…".into(),
            Self::Save => "Save session".into(),
            Self::Export(f) => format!("Export as {}…", f.name()),
            Self::ExportExamples => "Export shown examples…".into(),
            Self::ExportReport => "Export report…".into(),
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
            Self::TagKey(k) => format!("Toggle tag {k}"),
            Self::NewTag => "New tag…".into(),
            Self::MarkReviewed => "Mark reviewed".into(),
            Self::LabelError => "Tag as a label error".into(),
            Self::MarkUnreviewed => "Mark not reviewed".into(),
            Self::Show(v) => v.label().into(),
            Self::ToggleShortcuts => "Keyboard shortcuts".into(),
            Self::ToggleTheme => "Dark / light theme".into(),
            Self::ToggleAdvance => "Advance after tagging".into(),
            Self::Escape => "Cancel".into(),
            Self::Quit => "Quit".into(),
        }
    }

    /// The hover text.
    #[must_use]
    pub fn tooltip(self) -> &'static str {
        match self {
            Self::OpenDialog => "Open a predictions file (CSV, Parquet or NDJSON)",
            Self::OpenFolderDialog => {
                "Open a folder of Parquet, CSV or NDJSON parts as one dataset, as Spark and pandas write them (key=value folders become columns)"
            }
            Self::ColumnsDialog => {
                "Which column is the true label, the prediction, the score, the human label, the id, …: change them, and the file is read again with them (the session remembers the choice)"
            }
            Self::CompareDialog => {
                "Load a second run of the model on the same examples (joined by id) and see what it fixed and broke, per tag, slice and class. Or drop its file while holding Shift"
            }
            Self::Save => "Write the session file now (it is also saved automatically)",
            Self::Export(_) => "Write the prioritisation table to a file",
            Self::ExportExamples => {
                "Write the examples Review shows, with all their columns, tags and notes, as CSV or Parquet"
            }
            Self::ExportReport => {
                "Write the planning-meeting report: one self-contained HTML page with charts (print it to PDF from a browser), or Markdown; the slices are the Slices view's"
            }
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
            Self::TagKey(_) => TOGGLE_TAG_TIP,
            Self::NewTag => "Create a tag and put it on the selected examples",
            Self::LabelError => {
                "Put the tag \"label error\" on the selected examples (made on first use), or take it off: a normal tag, so it enters the prioritisation table, exports and compare"
            }
            Self::MarkReviewed => "Mark the selected examples reviewed without tagging them",
            Self::MarkUnreviewed => {
                "Forget that the selected examples were reviewed (removes their tags)"
            }
            Self::Show(v) => v.tooltip(),
            Self::ToggleShortcuts => "Show every keyboard shortcut",
            Self::ToggleTheme => "Switch between dark and light",
            Self::ToggleAdvance => {
                "After a tag key or r on one example, move on to the next one (off: stay, so several tags can go on one example)"
            }
            Self::Escape => "Stop loading, or close the dialog",
            Self::Quit => "Save the session and close the window",
        }
    }

    /// The main keyboard shortcut.
    #[must_use]
    pub fn shortcut(self) -> Option<KeyboardShortcut> {
        let key = |m, k| Some(KeyboardShortcut::new(m, k));
        match self {
            Self::OpenDialog => key(Modifiers::COMMAND, Key::O),
            Self::OpenFolderDialog => key(Modifiers::COMMAND | Modifiers::SHIFT, Key::O),
            Self::Save => key(Modifiers::COMMAND, Key::S),
            Self::Export(ExportFormat::Csv) => key(Modifiers::COMMAND, Key::E),
            Self::CopyMarkdown => key(Modifiers::COMMAND | Modifiers::SHIFT, Key::C),
            Self::Undo => key(Modifiers::COMMAND, Key::Z),
            Self::Redo => key(Modifiers::COMMAND | Modifiers::SHIFT, Key::Z),
            Self::Next => key(NONE, Key::J),
            Self::Previous => key(NONE, Key::K),
            Self::ExtendNext => key(Modifiers::SHIFT, Key::J),
            Self::ExtendPrevious => key(Modifiers::SHIFT, Key::K),
            Self::PageDown => key(NONE, Key::PageDown),
            Self::PageUp => key(NONE, Key::PageUp),
            Self::First => key(NONE, Key::Home),
            Self::Last => key(NONE, Key::End),
            Self::TagKey(k) => DIGITS
                .get(usize::from(k).wrapping_sub(1))
                .and_then(|&d| key(NONE, d)),
            Self::NewTag => key(NONE, Key::N),
            Self::MarkReviewed => key(NONE, Key::R),
            Self::LabelError => key(NONE, Key::L),
            Self::Show(v) => v.digit().and_then(|d| key(Modifiers::COMMAND, d)),
            Self::ToggleShortcuts => key(Modifiers::SHIFT, Key::Questionmark),
            Self::Escape => key(NONE, Key::Escape),
            Self::Quit => key(Modifiers::COMMAND, Key::Q),
            Self::Export(_)
            | Self::CompareDialog
            | Self::ColumnsDialog
            | Self::ExportExamples
            | Self::ExportReport
            | Self::MarkUnreviewed
            | Self::ToggleTheme
            | Self::ToggleAdvance => None,
        }
    }

    /// Further keys that do the same (arrows beside j/k, Ctrl+Y for redo).
    #[must_use]
    pub fn alternatives(self) -> Vec<KeyboardShortcut> {
        let one = |m, k| vec![KeyboardShortcut::new(m, k)];
        match self {
            Self::Next => one(NONE, Key::ArrowDown),
            Self::Previous => one(NONE, Key::ArrowUp),
            Self::ExtendNext => one(Modifiers::SHIFT, Key::ArrowDown),
            Self::ExtendPrevious => one(Modifiers::SHIFT, Key::ArrowUp),
            Self::Redo => one(Modifiers::COMMAND, Key::Y),
            Self::ToggleShortcuts => one(NONE, Key::Questionmark),
            Self::Show(v) => one(NONE, v.key()),
            _ => Vec::new(),
        }
    }

    /// Whether it needs an open file (the others work on the welcome screen).
    #[must_use]
    pub fn needs_file(self) -> bool {
        !matches!(
            self,
            Self::OpenDialog
                | Self::OpenFolderDialog
                | Self::Escape
                | Self::ToggleShortcuts
                | Self::ToggleTheme
                | Self::ToggleAdvance
                | Self::Show(_)
                | Self::Quit
        )
    }

    /// The actions whose keys are pressed this frame, unless a text field
    /// has the keyboard. egui matches a shortcut when at least its modifiers
    /// are held, so Shift+J would also match J: shortcuts with more
    /// modifiers are tried first and consume their key.
    #[must_use]
    pub fn pressed(ctx: &egui::Context) -> Vec<Self> {
        let mut bindings: Vec<(KeyboardShortcut, Self)> = Self::with_shortcuts()
            .into_iter()
            .chain([Self::Escape])
            .flat_map(|a| {
                a.shortcut()
                    .into_iter()
                    .chain(a.alternatives())
                    .map(move |k| (k, a))
            })
            .collect();
        let held = |k: &KeyboardShortcut| {
            let m = k.modifiers;
            u8::from(m.shift) + u8::from(m.alt) + u8::from(m.command || m.ctrl || m.mac_cmd)
        };
        bindings.sort_by_key(|(k, _)| std::cmp::Reverse(held(k)));
        let mut fired = Vec::new();
        ctx.input_mut(|i| {
            for (key, action) in bindings {
                if i.consume_shortcut(&key) && !fired.contains(&action) {
                    fired.push(action);
                }
            }
        });
        fired
    }
}

/// The hover text of every tag toggle (keys, inspector buttons).
pub const TOGGLE_TAG_TIP: &str = "Put the tag on the selected examples, or take it off";

/// How a shortcut is written in menus and the shortcut list: egui's words,
/// except that the question mark is "?" (egui writes "Shift+Questionmark").
#[must_use]
pub fn shortcut_text(ctx: &egui::Context, s: &KeyboardShortcut) -> String {
    if s.logical_key == Key::Questionmark {
        "?".to_string()
    } else {
        ctx.format_shortcut(s)
    }
}
