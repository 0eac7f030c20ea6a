//! Native file dialogs on their own thread, so the window keeps drawing.

use std::path::PathBuf;
use std::sync::mpsc::{Receiver, channel};
use std::time::Instant;

use crate::core::export::ExportFormat;

/// What a dialog was opened for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DialogPurpose {
    /// Open a data file.
    Open,
    /// Export the table in this format.
    Export(ExportFormat),
}

/// A native file dialog on the "slicewise-dialog" thread.
pub struct DialogJob {
    rx: Receiver<Option<PathBuf>>,
    /// What the chosen path is for.
    pub purpose: DialogPurpose,
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
        std::thread::Builder::new()
            .name("slicewise-dialog".into())
            .spawn(move || {
                let mut dialog = rfd::FileDialog::new();
                if let Some(dir) = start_dir {
                    dialog = dialog.set_directory(dir);
                }
                let picked = match purpose {
                    DialogPurpose::Open => dialog
                        .add_filter(
                            "Predictions",
                            &[
                                "csv", "tsv", "txt", "parquet", "pq", "ndjson", "jsonl", "json",
                            ],
                        )
                        .add_filter("All files", &["*"])
                        .pick_file(),
                    DialogPurpose::Export(format) => dialog
                        .set_file_name(default_name)
                        .add_filter(format.extension(), &[format.extension()])
                        .save_file(),
                };
                let _ = tx.send(picked);
                ctx.request_repaint();
            })
            .ok()?;
        Some(Self {
            rx,
            purpose,
            started: Instant::now(),
        })
    }

    /// `Some(choice)` once the dialog closed (`Some(None)`: cancelled).
    #[must_use]
    pub fn poll(&self) -> Option<Option<PathBuf>> {
        self.rx.try_recv().ok()
    }
}
