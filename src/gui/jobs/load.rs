//! Opening a file with its session on the "slicewise-load" thread.

use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::mpsc::{Receiver, channel};
use std::time::Instant;

use crate::core::error::LoadError;
use crate::core::load::{self, LoadOptions, Preview};
use crate::core::open::{self, OpenError, Opened};
use crate::gui::document::Summary;
use crate::gui::error::GuiError;

/// Why a load did not give an open file.
#[derive(Debug)]
pub enum LoadFailure {
    /// Column roles need choosing: the mapping dialog can fix it.
    Roles {
        /// What is wrong.
        error: LoadError,
        /// The file's columns and first values.
        preview: Box<Preview>,
    },
    /// Anything else (including a cancelled load).
    Error(GuiError),
}

enum LoadMsg {
    Phase(&'static str),
    Done(Box<Result<(Opened, Summary), LoadFailure>>),
}

/// A load running on the "slicewise-load" thread.
pub struct LoadJob {
    /// The file.
    pub path: PathBuf,
    /// Its size in bytes.
    pub size: u64,
    /// What it is doing.
    pub phase: &'static str,
    /// When it started.
    pub started: Instant,
    rx: Receiver<LoadMsg>,
    cancel: Arc<AtomicBool>,
    /// Bytes read so far (blocks, row groups or parts as they are read).
    pub read: Arc<AtomicU64>,
    /// Rows read so far.
    rows: Arc<AtomicU64>,
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

impl LoadJob {
    /// Starts loading on a background thread; `ctx` is woken on progress.
    #[must_use]
    pub fn start(path: PathBuf, mut opts: LoadOptions, ctx: &egui::Context) -> Self {
        let (tx, rx) = channel();
        let cancel = Arc::new(AtomicBool::new(false));
        opts.cancel = Some(cancel.clone());
        let read = Arc::new(AtomicU64::new(0));
        opts.progress = Some(read.clone());
        let rows = Arc::new(AtomicU64::new(0));
        opts.rows_read = Some(rows.clone());
        let size = load::data_size(&path);
        let ctx = ctx.clone();
        let thread_path = path.clone();
        let spawned = std::thread::Builder::new()
            .name("slicewise-load".into())
            .spawn(move || {
                let phase_tx = tx.clone();
                let phase_ctx = ctx.clone();
                let result = load_blocking(&thread_path, &opts, &move |p| {
                    let _ = phase_tx.send(LoadMsg::Phase(p));
                    phase_ctx.request_repaint();
                });
                let _ = tx.send(LoadMsg::Done(Box::new(result)));
                ctx.request_repaint();
            });
        let job = Self {
            path,
            size,
            phase: "Starting",
            started: Instant::now(),
            rx,
            cancel,
            read,
            rows,
        };
        if let Err(source) = spawned {
            // Without a thread there is no load; report it as a finished failure.
            let (tx, rx) = channel();
            let failure = LoadFailure::Error(GuiError::Thread {
                what: "loading",
                source,
            });
            let _ = tx.send(LoadMsg::Done(Box::new(Err(failure))));
            return Self { rx, ..job };
        }
        job
    }

    /// The share of the data read, when it is known (all but NDJSON).
    #[must_use]
    #[allow(clippy::cast_precision_loss, clippy::cast_possible_truncation)]
    pub fn fraction(&self) -> Option<f32> {
        let read = self.read.load(Ordering::Relaxed);
        (read > 0 && self.size > 0).then(|| (read as f64 / self.size as f64).min(1.0) as f32)
    }

    /// Rows read so far.
    #[must_use]
    pub fn rows_read(&self) -> u64 {
        self.rows.load(Ordering::Relaxed)
    }

    /// Stops the job: the thread finishes on its own and its result is dropped.
    pub fn cancel(&self) {
        self.cancel.store(true, Ordering::Relaxed);
    }

    /// The result, once there is one.
    pub fn poll(&mut self) -> Option<Result<(Opened, Summary), LoadFailure>> {
        while let Ok(msg) = self.rx.try_recv() {
            match msg {
                LoadMsg::Phase(p) => self.phase = p,
                LoadMsg::Done(result) => return Some(*result),
            }
        }
        None
    }
}
