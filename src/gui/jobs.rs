//! Background work on named threads, reporting through channels: loading a
//! file, decoding images, native file dialogs. The frame loop polls them with
//! `try_recv` and never waits.

use std::collections::{HashMap, VecDeque};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc::{Receiver, Sender, channel};
use std::sync::{Arc, Mutex, PoisonError};
use std::time::Instant;

use crate::core::dataset::Dataset;
use crate::core::error::LoadError;
use crate::core::load::{self, LoadOptions, Preview};
use crate::core::session::Session;
use crate::core::tags::ReviewState;

/// A file loaded with its session, ready to become a workspace.
pub struct Loaded {
    /// The data.
    pub ds: Dataset,
    /// The review state from the session (or empty).
    pub state: ReviewState,
    /// Where the session lives.
    pub session_path: PathBuf,
    /// Load and session warnings.
    pub warnings: Vec<String>,
}

/// Why a load failed.
pub enum LoadFailure {
    /// Column roles need choosing: the mapping dialog can fix it.
    Roles {
        /// What is wrong.
        error: String,
        /// The file's columns and first values.
        preview: Box<Preview>,
    },
    /// Anything else, as a message.
    Other(String),
}

enum LoadMsg {
    Phase(&'static str),
    Done(Box<Result<Loaded, LoadFailure>>),
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
}

/// Loads `path` and its session (`<stem>.slicewise.ron` beside it).
///
/// # Errors
/// A [`LoadFailure`] with a readable message.
pub fn load_blocking(
    path: &Path,
    opts: &LoadOptions,
    phase: &dyn Fn(&'static str),
) -> Result<Loaded, LoadFailure> {
    phase("Reading the file");
    let ds = match load::load(path, opts) {
        Ok(ds) => ds,
        Err(e) if e.is_role_problem() => {
            let preview = load::preview(path, opts.format)
                .map_err(|p| LoadFailure::Other(format!("{p:#}")))?;
            return Err(LoadFailure::Roles {
                error: format!("{e:#}"),
                preview: Box::new(preview),
            });
        }
        Err(LoadError::Cancelled { .. }) => {
            return Err(LoadFailure::Other("Loading was cancelled".into()));
        }
        Err(e) => return Err(LoadFailure::Other(format!("{e:#}"))),
    };
    phase("Opening the session");
    let session_path = load::default_session_path(path);
    let mut warnings = ds.warnings.clone();
    let state = if session_path.exists() {
        // A damaged session must not be overwritten by autosave: refuse to open.
        let session =
            Session::read(&session_path).map_err(|e| LoadFailure::Other(format!("{e:#}")))?;
        let (state, w) = ReviewState::from_session(&ds, &session);
        warnings.extend(w);
        state
    } else {
        ReviewState::new(&ds)
    };
    Ok(Loaded {
        ds,
        state,
        session_path,
        warnings,
    })
}

impl LoadJob {
    /// Starts loading on a background thread; `ctx` is woken on progress.
    #[must_use]
    pub fn start(path: PathBuf, mut opts: LoadOptions, ctx: &egui::Context) -> Self {
        let (tx, rx) = channel();
        let cancel = Arc::new(AtomicBool::new(false));
        opts.cancel = Some(cancel.clone());
        let size = std::fs::metadata(&path).map_or(0, |m| m.len());
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
        };
        if let Err(e) = spawned {
            // Without a thread there is no load; report it as a finished failure.
            let (tx, rx) = channel();
            let _ = tx.send(LoadMsg::Done(Box::new(Err(LoadFailure::Other(format!(
                "cannot start loading: {e}"
            ))))));
            return Self { rx, ..job };
        }
        job
    }

    /// Stops the job: the thread finishes on its own and its result is dropped.
    pub fn cancel(&self) {
        self.cancel.store(true, Ordering::Relaxed);
    }

    /// The result, once there is one.
    pub fn poll(&mut self) -> Option<Result<Loaded, LoadFailure>> {
        while let Ok(msg) = self.rx.try_recv() {
            match msg {
                LoadMsg::Phase(p) => self.phase = p,
                LoadMsg::Done(result) => return Some(*result),
            }
        }
        None
    }
}

/// A native file dialog on its own thread (so the window keeps drawing).
pub struct DialogJob {
    rx: Receiver<Option<PathBuf>>,
    /// What the chosen path is for.
    pub purpose: DialogPurpose,
    /// When it was shown: a dialog that closes at once never appeared.
    pub started: Instant,
}

/// What a dialog was opened for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DialogPurpose {
    /// Open a data file.
    Open,
    /// Export the table in this format.
    Export(super::command::ExportFormat),
}

impl DialogJob {
    /// Shows an open or save dialog.
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

/// An export written on the "slicewise-export" thread.
pub struct ExportJob {
    rx: Receiver<Result<PathBuf, String>>,
}

impl ExportJob {
    /// Writes `text` to `path` atomically in the background.
    #[must_use]
    pub fn start(path: PathBuf, text: String, ctx: &egui::Context) -> Self {
        let (tx, rx) = channel();
        let ctx = ctx.clone();
        let write = move || {
            let result = crate::core::session::write_atomic(&path, text.as_bytes())
                .map(|()| path.clone())
                .map_err(|e| format!("Cannot write the export ({e}): {}", path.display()));
            let _ = tx.send(result);
            ctx.request_repaint();
        };
        if let Err(e) = std::thread::Builder::new()
            .name("slicewise-export".into())
            .spawn(write)
        {
            let (tx, rx) = channel();
            let _ = tx.send(Err(format!("Cannot start the export: {e}")));
            return Self { rx };
        }
        Self { rx }
    }

    /// The result, once written.
    #[must_use]
    pub fn poll(&self) -> Option<Result<PathBuf, String>> {
        self.rx.try_recv().ok()
    }
}

/// The longest side of a decoded image preview, in pixels.
const MAX_IMAGE_SIDE: u32 = 1024;
/// Decoded images kept as textures.
const IMAGE_CACHE: usize = 48;

/// An image's state in the cache.
pub enum ImageSlot {
    /// Being decoded.
    Loading,
    /// Ready to draw.
    Ready(egui::TextureHandle),
    /// Could not be read.
    Failed(String),
}

type Decoded = (PathBuf, Result<egui::ColorImage, String>);

/// Decodes images on the "slicewise-images" thread and keeps the most recent
/// ones as textures.
pub struct ImageCache {
    requests: Sender<PathBuf>,
    results: Receiver<Decoded>,
    slots: HashMap<PathBuf, ImageSlot>,
    order: VecDeque<PathBuf>,
}

impl ImageCache {
    /// Starts the decoder thread.
    #[must_use]
    pub fn new(ctx: &egui::Context) -> Self {
        let (req_tx, req_rx) = channel::<PathBuf>();
        let (res_tx, res_rx) = channel::<Decoded>();
        let ctx = ctx.clone();
        let queue = Arc::new(Mutex::new(req_rx));
        let _ = std::thread::Builder::new()
            .name("slicewise-images".into())
            .spawn(move || {
                loop {
                    let next = queue.lock().unwrap_or_else(PoisonError::into_inner).recv();
                    let Ok(path) = next else { break };
                    let result = decode(&path);
                    if res_tx.send((path, result)).is_err() {
                        break;
                    }
                    ctx.request_repaint();
                }
            });
        Self {
            requests: req_tx,
            results: res_rx,
            slots: HashMap::new(),
            order: VecDeque::new(),
        }
    }

    /// Takes decoded images into textures (call once a frame).
    pub fn poll(&mut self, ctx: &egui::Context) {
        while let Ok((path, result)) = self.results.try_recv() {
            let slot = match result {
                Ok(image) => ImageSlot::Ready(ctx.load_texture(
                    path.display().to_string(),
                    image,
                    egui::TextureOptions::LINEAR,
                )),
                Err(e) => ImageSlot::Failed(e),
            };
            self.slots.insert(path, slot);
        }
    }

    /// The slot of `path` if it was ever asked for, without asking.
    #[must_use]
    pub fn peek(&self, path: &Path) -> Option<&ImageSlot> {
        self.slots.get(path)
    }

    /// The image at `path`, requesting it when new.
    pub fn get(&mut self, path: &Path) -> &ImageSlot {
        if !self.slots.contains_key(path) {
            let _ = self.requests.send(path.to_path_buf());
            self.slots.insert(path.to_path_buf(), ImageSlot::Loading);
            self.order.push_back(path.to_path_buf());
            while self.order.len() > IMAGE_CACHE {
                if let Some(old) = self.order.pop_front() {
                    self.slots.remove(&old);
                }
            }
        }
        &self.slots[path]
    }
}

fn decode(path: &Path) -> Result<egui::ColorImage, String> {
    let img = image::open(path).map_err(|e| format!("cannot read {}: {e}", path.display()))?;
    let img = if img.width() > MAX_IMAGE_SIDE || img.height() > MAX_IMAGE_SIDE {
        img.thumbnail(MAX_IMAGE_SIDE, MAX_IMAGE_SIDE)
    } else {
        img
    };
    let rgba = img.to_rgba8();
    let size = [rgba.width() as usize, rgba.height() as usize];
    Ok(egui::ColorImage::from_rgba_unmultiplied(
        size,
        rgba.as_raw(),
    ))
}

/// Rows below which an audit result is computed inline: at this size each
/// analysis takes a few milliseconds, less than a thread hand-off costs in
/// frames. Above it, the work goes to a worker thread.
pub const INLINE_ROWS: usize = 200_000;

/// A result derived from the dataset and a key (a view's options). Over
/// large data it is computed on a worker thread, so changing an option never
/// freezes the window (the score curves of 10M rows take about a second); a
/// result whose key went stale meanwhile is dropped unread.
pub struct Computed<K, V> {
    done: Option<(K, V)>,
    running: Option<(K, Receiver<V>)>,
}

impl<K, V> Default for Computed<K, V> {
    fn default() -> Self {
        Self {
            done: None,
            running: None,
        }
    }
}

impl<K: Clone + PartialEq + Send + 'static, V: Send + 'static> Computed<K, V> {
    /// Makes sure the result for `key` is ready or on its way. Returns `true`
    /// when a new result became ready during this call.
    pub fn refresh(
        &mut self,
        key: &K,
        ds: &Arc<Dataset>,
        ctx: &egui::Context,
        compute: fn(&Dataset, &K) -> V,
    ) -> bool {
        if self.done.as_ref().is_some_and(|(k, _)| k == key) {
            return false;
        }
        if let Some((k, rx)) = &self.running
            && k == key
        {
            match rx.try_recv() {
                Ok(value) => {
                    self.running = None;
                    self.done = Some((key.clone(), value));
                    return true;
                }
                Err(std::sync::mpsc::TryRecvError::Empty) => return false,
                // The worker died: compute here instead.
                Err(std::sync::mpsc::TryRecvError::Disconnected) => {}
            }
        }
        self.running = None;
        self.done = None;
        if ds.rows() >= INLINE_ROWS {
            let (tx, rx) = channel();
            let (data, k, ctx) = (Arc::clone(ds), key.clone(), ctx.clone());
            let spawned = std::thread::Builder::new()
                .name("slicewise-audit".into())
                .spawn(move || {
                    if tx.send(compute(&data, &k)).is_ok() {
                        ctx.request_repaint();
                    }
                });
            if spawned.is_ok() {
                self.running = Some((key.clone(), rx));
                return false;
            }
        }
        self.done = Some((key.clone(), compute(ds, key)));
        true
    }

    /// The result for `key`, when it is ready.
    pub fn get(&self, key: &K) -> Option<&V> {
        self.done.as_ref().filter(|(k, _)| k == key).map(|(_, v)| v)
    }

    /// The result for `key` taken out (to be put back with
    /// [`Computed::put`]), so a view can borrow it beside its options.
    pub fn take(&mut self, key: &K) -> Option<(K, V)> {
        if self.done.as_ref().is_some_and(|(k, _)| k == key) {
            self.done.take()
        } else {
            None
        }
    }

    /// Puts back what [`Computed::take`] took.
    pub fn put(&mut self, done: (K, V)) {
        self.done = Some(done);
    }

    /// Whether a worker is computing a result.
    pub fn is_running(&self) -> bool {
        self.running.is_some()
    }
}
