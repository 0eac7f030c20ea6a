//! Decoding example images off the UI thread (a job each), and keeping the
//! recent ones as textures.

use std::collections::{HashMap, VecDeque};
use std::path::{Path, PathBuf};

use crate::gui::jobs::{Job, Polled};

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

/// Keeps the most recent images as textures; each is decoded by its own
/// job on a "slicewise-image" thread.
pub struct ImageCache {
    slots: HashMap<PathBuf, ImageSlot>,
    decoding: HashMap<PathBuf, Job<Result<egui::ColorImage, String>>>,
    order: VecDeque<PathBuf>,
}

impl ImageCache {
    /// An empty cache.
    #[must_use]
    pub fn new() -> Self {
        Self {
            slots: HashMap::new(),
            decoding: HashMap::new(),
            order: VecDeque::new(),
        }
    }

    /// Takes decoded images into textures (call once a frame).
    pub fn poll(&mut self, ctx: &egui::Context) {
        let mut finished = Vec::new();
        for (path, job) in &self.decoding {
            match job.poll() {
                Polled::Ready(result) => finished.push((path.clone(), result)),
                Polled::Lost => finished.push((
                    path.clone(),
                    Err(format!("decoding stopped unexpectedly: {}", path.display())),
                )),
                Polled::Running => {}
            }
        }
        for (path, result) in finished {
            self.decoding.remove(&path);
            // An image that left the cache meanwhile is not put back.
            let Some(slot) = self.slots.get_mut(&path) else {
                continue;
            };
            *slot = match result {
                Ok(image) => ImageSlot::Ready(ctx.load_texture(
                    path.display().to_string(),
                    image,
                    egui::TextureOptions::LINEAR,
                )),
                Err(e) => ImageSlot::Failed(e),
            };
        }
    }

    /// The slot of `path` if it was ever asked for, without asking.
    #[must_use]
    pub fn peek(&self, path: &Path) -> Option<&ImageSlot> {
        self.slots.get(path)
    }

    /// The image at `path`, requesting it when new (`ctx` is woken when it
    /// is decoded).
    pub fn get(&mut self, path: &Path, ctx: &egui::Context) -> &ImageSlot {
        if !self.slots.contains_key(path) {
            let owned = path.to_path_buf();
            let job = Job::spawn(
                "slicewise-image",
                Some(ctx),
                move |_| decode(&owned),
                |e| Err(format!("cannot start decoding ({e})")),
            );
            self.decoding.insert(path.to_path_buf(), job);
            self.slots.insert(path.to_path_buf(), ImageSlot::Loading);
            self.order.push_back(path.to_path_buf());
            while self.order.len() > IMAGE_CACHE {
                if let Some(old) = self.order.pop_front() {
                    self.slots.remove(&old);
                    self.decoding.remove(&old);
                }
            }
        }
        &self.slots[path]
    }
}

impl Default for ImageCache {
    fn default() -> Self {
        Self::new()
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
    crate::core::thumbnails::image_path(data, value)
}
