//! Native file dialogs on their own thread, so the window keeps drawing.

use std::path::PathBuf;
use std::time::{Duration, Instant};

use super::Job;
use crate::gui::commands::{Command, DialogPurpose, Mailbox};

/// Shows a native open or save dialog on the "slicewise-dialog" thread;
/// what was chosen comes as [`Command::DialogClosed`].
#[must_use]
pub fn start_dialog(
    purpose: DialogPurpose,
    start_dir: Option<PathBuf>,
    default_name: String,
    ctx: &egui::Context,
    mailbox: Mailbox,
) -> Job<()> {
    let (dir, name) = (start_dir.clone(), default_name.clone());
    let failed = (start_dir.clone(), default_name.clone());
    Job::command(
        "slicewise-dialog",
        ctx,
        mailbox,
        move |_| {
            let shown = Instant::now();
            let mut dialog = rfd::FileDialog::new();
            if let Some(dir) = &start_dir {
                dialog = dialog.set_directory(dir);
            }
            let choice = if purpose == DialogPurpose::OpenFolder {
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
            Command::DialogClosed {
                purpose,
                dir,
                name,
                at_once: shown.elapsed() < Duration::from_millis(300),
                choice,
            }
        },
        // No thread: as a dialog that never appeared (Slicewise's own is shown).
        move |_| Command::DialogClosed {
            purpose,
            dir: failed.0,
            name: failed.1,
            at_once: true,
            choice: None,
        },
    )
}
