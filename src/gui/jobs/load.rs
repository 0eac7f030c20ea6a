//! Opening a file with its session on the "slicewise-load" thread.

use std::path::{Path, PathBuf};

use super::Job;
use crate::core::error::LoadError;
use crate::core::load::{self, LoadControls, LoadOptions};
use crate::core::open::{self, OpenError, Opened, Summary};
use crate::gui::commands::{Command, Mailbox};
use crate::gui::error::{GuiError, LoadFailure};

/// A load running on the "slicewise-load" thread; its result comes as
/// [`Command::Loaded`].
pub struct Loading {
    /// The file.
    pub path: PathBuf,
    /// Its size in bytes.
    pub size: u64,
    /// The job.
    pub job: Job<()>,
}

impl Loading {
    /// The share of the data read, when it is known (all but NDJSON).
    #[must_use]
    #[allow(clippy::cast_precision_loss, clippy::cast_possible_truncation)]
    pub fn fraction(&self) -> Option<f32> {
        let read = self.job.progress().done();
        (read > 0 && self.size > 0).then(|| (read as f64 / self.size as f64).min(1.0) as f32)
    }

    /// Rows read so far.
    #[must_use]
    pub fn rows_read(&self) -> u64 {
        self.job.progress().rows()
    }

    /// What it is doing.
    #[must_use]
    pub fn phase(&self) -> &'static str {
        self.job.progress().phase()
    }
}

/// Opens `path` with its session (`<stem>.slicewise.ron` beside it), as the
/// command line does; a file whose roles cannot be found gives its preview
/// for the mapping dialog. The headline numbers come with the file.
///
/// # Errors
/// A [`LoadFailure`].
pub fn load_blocking(
    path: &Path,
    opts: &LoadOptions,
    phase: &dyn Fn(&'static str),
) -> Result<(Opened, Summary), LoadFailure> {
    phase("Reading");
    match open::open(path, opts, None) {
        // The headline numbers too: a pass over every row that would
        // otherwise hold up the window's first frame.
        Ok(opened) => {
            phase("Counting");
            let summary = Summary::of(&opened.ds);
            Ok((opened, summary))
        }
        Err(OpenError::Load(e)) if e.is_role_problem() => {
            let preview = load::preview(path, opts.format)
                .map_err(|p| LoadFailure::Error(OpenError::Load(p).into()))?;
            Err(LoadFailure::Roles {
                error: e,
                preview: Box::new(preview),
            })
        }
        Err(OpenError::Load(LoadError::Cancelled { .. })) => {
            Err(LoadFailure::Error(GuiError::Cancelled))
        }
        Err(e) => Err(LoadFailure::Error(e.into())),
    }
}

/// Starts loading `path` in the background.
#[must_use]
pub fn start_load(
    path: PathBuf,
    mut opts: LoadOptions,
    ctx: &egui::Context,
    mailbox: Mailbox,
) -> Loading {
    let size = load::data_size(&path);
    let thread_path = path.clone();
    let failed_path = path.clone();
    let job = Job::command(
        "slicewise-load",
        ctx,
        mailbox,
        move |progress| {
            progress.set_phase("Starting");
            opts.controls = LoadControls {
                cancel: Some(progress.cancel_flag()),
                progress: Some(progress.done_counter()),
                rows_read: Some(progress.rows_counter()),
            };
            let result = load_blocking(&thread_path, &opts, &|p| progress.set_phase(p));
            Command::Loaded {
                job: progress.id(),
                path: thread_path,
                result: Box::new(result),
            }
        },
        move |source| Command::Loaded {
            job: 0,
            path: failed_path,
            result: Box::new(Err(LoadFailure::Error(GuiError::Thread {
                what: "loading",
                source,
            }))),
        },
    );
    Loading { path, size, job }
}
