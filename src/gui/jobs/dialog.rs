//! Native file dialogs on their own thread, so the window keeps drawing.

use std::path::PathBuf;
use std::sync::mpsc::{Receiver, channel};
use std::time::Instant;

use crate::core::export::ExportFormat;
use crate::gui::commands::Command;

/// The extensions of data files.
const DATA_EXTENSIONS: [&str; 8] = [
    "csv", "tsv", "txt", "parquet", "pq", "ndjson", "jsonl", "json",
];

/// What a dialog was opened for.
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
        }
    }

    /// The button that confirms.
    #[must_use]
    pub fn verb(self) -> &'static str {
        match self {
            Self::Open | Self::OpenFolder => "Open",
            Self::Compare => "Compare",
            Self::Export(_) | Self::ExportExamples => "Save",
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
        }
    }
}

/// A native file dialog on the "slicewise-dialog" thread.
pub struct DialogJob {
    rx: Receiver<Option<PathBuf>>,
    /// What the chosen path is for.
    pub purpose: DialogPurpose,
    /// The folder it started in.
    pub dir: Option<PathBuf>,
    /// The file name it proposed.
    pub name: String,
    /// When it was shown: a dialog that closes at once never appeared.
    pub started: Instant,
}

impl DialogJob {
    /// Shows an open or save dialog; `None` when no thread can be started.
    #[must_use]
    pub fn start(
        purpose: DialogPurpose,
        start_dir: Option<PathBuf>,
        default_name: String,
        ctx: &egui::Context,
    ) -> Option<Self> {
        let (tx, rx) = channel();
        let ctx = ctx.clone();
        let (dir, name) = (start_dir.clone(), default_name.clone());
        std::thread::Builder::new()
            .name("slicewise-dialog".into())
            .spawn(move || {
                let mut dialog = rfd::FileDialog::new();
                if let Some(dir) = &start_dir {
                    dialog = dialog.set_directory(dir);
                }
                let picked = if purpose == DialogPurpose::OpenFolder {
                    dialog.pick_folder()
                } else if purpose.saves() {
                    dialog
                        .set_file_name(default_name)
                        .add_filter(purpose.title(), purpose.extensions())
                        .save_file()
                } else {
                    dialog
                        .add_filter("Predictions", purpose.extensions())
                        .add_filter("All files", &["*"])
                        .pick_file()
                };
                let _ = tx.send(picked);
                ctx.request_repaint();
            })
            .ok()?;
        Some(Self {
            rx,
            purpose,
            dir,
            name,
            started: Instant::now(),
        })
    }

    /// `Some(choice)` once the dialog closed (`Some(None)`: cancelled).
    #[must_use]
    pub fn poll(&self) -> Option<Option<PathBuf>> {
        self.rx.try_recv().ok()
    }
}
