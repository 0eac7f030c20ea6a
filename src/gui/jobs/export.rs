//! Writing an export on the "slicewise-export" thread.

use std::path::PathBuf;
use std::sync::mpsc::{Receiver, channel};

use crate::gui::error::GuiError;

/// An export written on the "slicewise-export" thread.
pub struct ExportJob {
    rx: Receiver<Result<PathBuf, GuiError>>,
}

impl ExportJob {
    /// Writes `text` to `path` atomically in the background.
    #[must_use]
    pub fn start(path: PathBuf, text: String, ctx: &egui::Context) -> Self {
        let target = path.clone();
        Self::spawn(path, ctx, move || {
            crate::core::files::write(&target, text.as_bytes(), false).map_err(|source| {
                GuiError::Export {
                    path: target.clone(),
                    source,
                }
            })
        })
    }

    /// Runs `work`, which writes `path`, in the background.
    #[must_use]
    pub fn spawn(
        path: PathBuf,
        ctx: &egui::Context,
        work: impl FnOnce() -> Result<(), GuiError> + Send + 'static,
    ) -> Self {
        let (tx, rx) = channel();
        let ctx = ctx.clone();
        let write = move || {
            let result = work().map(|()| path);
            let _ = tx.send(result);
            ctx.request_repaint();
        };
        if let Err(source) = std::thread::Builder::new()
            .name("slicewise-export".into())
            .spawn(write)
        {
            let (tx, rx) = channel();
            let _ = tx.send(Err(GuiError::Thread {
                what: "the export",
                source,
            }));
            return Self { rx };
        }
        Self { rx }
    }

    /// The result, once written.
    #[must_use]
    pub fn poll(&self) -> Option<Result<PathBuf, GuiError>> {
        self.rx.try_recv().ok()
    }
}
