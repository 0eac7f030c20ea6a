//! Helpers shared by the integration tests.

#![allow(clippy::unwrap_used, clippy::expect_used)] // Tests fail loudly on purpose.
#![allow(dead_code)]

use std::path::{Path, PathBuf};

use slicewise::core::dataset::Dataset;
use slicewise::core::load::{self, LoadOptions};

/// The repository root.
pub fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// The bundled sample's data file.
pub fn sample_csv() -> PathBuf {
    root().join("sample_data/speech_commands.csv")
}

/// The bundled sample's session.
pub fn sample_session() -> PathBuf {
    root().join("sample_data/speech_commands.slicewise.ron")
}

/// Loads a file with default options.
pub fn load(path: &Path) -> Dataset {
    load::load(path, &LoadOptions::default()).unwrap_or_else(|e| panic!("{e}"))
}

/// Writes `text` to `name` in `dir` and returns the path.
pub fn write(dir: &Path, name: &str, text: &str) -> PathBuf {
    let path = dir.join(name);
    std::fs::write(&path, text).unwrap();
    path
}

/// Copies the sample (data only) into `dir`.
pub fn copy_sample(dir: &Path) -> PathBuf {
    let path = dir.join("speech_commands.csv");
    std::fs::copy(sample_csv(), &path).unwrap();
    path
}
