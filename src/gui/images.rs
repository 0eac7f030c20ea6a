//! Decoding example images off the UI thread, and keeping the recent ones
//! as textures.

use std::collections::{HashMap, VecDeque};
use std::path::{Path, PathBuf};
use std::sync::mpsc::{Receiver, Sender, channel};
use std::sync::{Arc, Mutex, PoisonError};

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

/// An image path from the data, relative to the data file's folder unless absolute.
#[must_use]
pub fn resolve(data: &Path, value: &str) -> PathBuf {
    let p = Path::new(value);
    if p.is_absolute() {
        p.to_path_buf()
    } else {
        data.parent().unwrap_or_else(|| Path::new(".")).join(p)
    }
}
