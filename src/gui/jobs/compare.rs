//! Loading a second run and joining it to the open file, on the
//! "slicewise-compare" thread.

use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc::{Receiver, channel};

use crate::core::compare::{LabelsFrom, RunComparison, after_options};
use crate::core::dataset::Dataset;
use crate::core::error::LoadError;
use crate::core::load::LoadOptions;
use crate::core::open::{self, OpenError};
use crate::gui::error::GuiError;

/// Loads the second run at `path` and joins it to `before`. The second run's
/// columns are first looked for under the first run's names, then detected
/// by name as for any file.
///
/// # Errors
/// A file that cannot be read, or runs that cannot be joined.
pub fn compare_blocking(
    before: &Dataset,
    path: &Path,
    first: &LoadOptions,
) -> Result<RunComparison, GuiError> {
    let roles = &before.roles;
    let same_names = LoadOptions {
        label: Some(roles.label.clone()),
        pred: Some(roles.pred.clone()),
        id: roles.id.clone().or_else(|| first.id.clone()),
        ..first.clone()
    };
    let after = match open::open(path, &after_options(&same_names, None, None, None), None) {
        Ok(o) => o.ds,
        Err(OpenError::Load(e)) if e.is_role_problem() => {
            let detect = LoadOptions {
                cancel: first.cancel.clone(),
                format: first.format,
                ..LoadOptions::default()
            };
            open::open(path, &after_options(&detect, None, None, None), None)?.ds
        }
        Err(OpenError::Load(LoadError::Cancelled { .. })) => return Err(GuiError::Cancelled),
        Err(e) => return Err(e.into()),
    };
    RunComparison::new(before, &after, LabelsFrom::After).map_err(|source| GuiError::Compare {
        path: path.to_path_buf(),
        source,
    })
}

/// A second run loading in the background.
pub struct CompareJob {
    /// The second run's file.
    pub path: PathBuf,
    rx: Receiver<Result<RunComparison, GuiError>>,
    cancel: Arc<AtomicBool>,
}

impl CompareJob {
    /// Starts loading `path` and joining it to `before`.
    #[must_use]
    pub fn start(
        path: PathBuf,
        before: Arc<Dataset>,
        mut opts: LoadOptions,
        ctx: &egui::Context,
    ) -> Self {
        let (tx, rx) = channel();
        let cancel = Arc::new(AtomicBool::new(false));
        opts.cancel = Some(cancel.clone());
        let (thread_path, ctx) = (path.clone(), ctx.clone());
        let failed_tx = tx.clone();
        let spawned = std::thread::Builder::new()
            .name("slicewise-compare".into())
            .spawn(move || {
                let _ = tx.send(compare_blocking(&before, &thread_path, &opts));
                ctx.request_repaint();
            });
        if let Err(source) = spawned {
            let _ = failed_tx.send(Err(GuiError::Thread {
                what: "loading the second run",
                source,
            }));
        }
        Self { path, rx, cancel }
    }

    /// Stops the job; its result is dropped.
    pub fn cancel(&self) {
        self.cancel.store(true, Ordering::Relaxed);
    }

    /// The result, once there is one.
    #[must_use]
    pub fn poll(&self) -> Option<Result<RunComparison, GuiError>> {
        self.rx.try_recv().ok()
    }
}
