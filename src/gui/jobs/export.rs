//! Writing an export on the "slicewise-export" thread; the result comes as
//! [`Command::Exported`].

use std::path::PathBuf;

use super::Job;
use crate::gui::commands::{Command, Mailbox};
use crate::gui::error::GuiError;

/// Writes `text` to `path` atomically in the background.
pub fn start_text_export(path: PathBuf, text: String, ctx: &egui::Context, mailbox: Mailbox) {
    let target = path.clone();
    start_export(path, ctx, mailbox, move || {
        crate::core::files::write(&target, text.as_bytes(), false).map_err(|source| {
            GuiError::Export {
                path: target.clone(),
                source,
            }
        })
    });
}

/// Runs `work`, which writes `path`, in the background. An export cannot
/// be cancelled, so no handle is kept.
pub fn start_export(
    path: PathBuf,
    ctx: &egui::Context,
    mailbox: Mailbox,
    work: impl FnOnce() -> Result<(), GuiError> + Send + 'static,
) {
    Job::command(
        "slicewise-export",
        ctx,
        mailbox,
        move |_| Command::Exported(work().map(|()| path)),
        |source| {
            Command::Exported(Err(GuiError::Thread {
                what: "the export",
                source,
            }))
        },
    );
}
