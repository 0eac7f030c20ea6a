//! The map kept beside the session (`<stem>.slicewise-map.bin`), so that
//! reopening a file shows its map at once: the coordinates as `f32`, with
//! the fingerprint of the data they were made from (a changed file makes
//! them stale, and they are made again). Slicewise only ever replaces a
//! file that starts with its own mark.

use std::io::Read as _;
use std::path::{Path, PathBuf};

use super::pca::Pca;
use super::{Coords, MapColumns, Method};

/// The first bytes of every map file.
const MARK: &[u8; 16] = b"slicewise map 1\n";

/// What the file says before the coordinates.
#[derive(serde::Serialize, serde::Deserialize)]
struct Header {
    fingerprint: String,
    rows: usize,
    source: MapColumns,
    pca: Option<Pca>,
    unplaced: usize,
}

/// Where the map of `data` is kept: beside its session.
#[must_use]
pub fn path_for(data: &Path) -> PathBuf {
    let session = crate::core::load::default_session_path(data);
    let name = session.file_name().map_or_else(
        || "data.slicewise-map.bin".into(),
        |n| {
            n.to_string_lossy()
                .replace(".slicewise.ron", ".slicewise-map.bin")
        },
    );
    session.with_file_name(name)
}

/// The map in `path`, when it was made from data with this fingerprint and
/// number of rows.
#[must_use]
pub fn read(path: &Path, fingerprint: &str, rows: usize) -> Option<Coords> {
    let started = std::time::Instant::now();
    let mut file = std::io::BufReader::new(std::fs::File::open(path).ok()?);
    let mut mark = [0u8; 16];
    file.read_exact(&mut mark).ok()?;
    if &mark != MARK {
        return None;
    }
    let mut len = [0u8; 4];
    file.read_exact(&mut len).ok()?;
    let len = u32::from_le_bytes(len) as usize;
    if len > 1 << 24 {
        return None;
    }
    let mut header = vec![0u8; len];
    file.read_exact(&mut header).ok()?;
    let header: Header = serde_json::from_slice(&header).ok()?;
    if header.fingerprint != fingerprint || header.rows != rows {
        return None;
    }
    let mut floats = |n: usize| -> Option<Vec<f32>> {
        let mut bytes = vec![0u8; n.checked_mul(4)?];
        file.read_exact(&mut bytes).ok()?;
        Some(
            bytes
                .chunks_exact(4)
                .map(|b| f32::from_le_bytes([b[0], b[1], b[2], b[3]]))
                .collect(),
        )
    };
    let (x, y) = (floats(rows)?, floats(rows)?);
    Some(Coords {
        x,
        y,
        source: header.source,
        method: header.pca.map_or(Method::Columns, Method::Pca),
        unplaced: header.unplaced,
        seconds: started.elapsed().as_secs_f64(),
    })
}

/// Keeps `coords`, made from data with `fingerprint`, in `path` (through a
/// temporary file and a rename); a file there that is not a map of
/// Slicewise's is left alone.
///
/// # Errors
/// When the file is someone else's, or cannot be written.
pub fn write(path: &Path, fingerprint: &str, coords: &Coords) -> std::io::Result<()> {
    if let Ok(mut existing) = std::fs::File::open(path) {
        let mut mark = [0u8; 16];
        if existing.read_exact(&mut mark).is_err() || &mark != MARK {
            return Err(std::io::Error::other(format!(
                "{} is not a map Slicewise wrote; it is left as it is",
                path.display()
            )));
        }
    }
    let header = serde_json::to_vec(&Header {
        fingerprint: fingerprint.to_string(),
        rows: coords.len(),
        source: coords.source.clone(),
        pca: match &coords.method {
            Method::Pca(p) => Some(p.clone()),
            Method::Columns => None,
        },
        unplaced: coords.unplaced,
    })
    .map_err(std::io::Error::other)?;
    let len = u32::try_from(header.len()).map_err(std::io::Error::other)?;
    crate::core::files::write_with(path, false, &mut |out| {
        out.write_all(MARK)?;
        out.write_all(&len.to_le_bytes())?;
        out.write_all(&header)?;
        for values in [&coords.x, &coords.y] {
            for chunk in values.chunks(1 << 16) {
                let bytes: Vec<u8> = chunk.iter().flat_map(|v| v.to_le_bytes()).collect();
                out.write_all(&bytes)?;
            }
        }
        Ok(())
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_kept_map_comes_back_only_for_the_same_data_and_others_files_are_left_alone() {
        let dir = tempfile::tempdir().unwrap();
        let data = dir.path().join("preds.csv");
        let path = path_for(&data);
        assert_eq!(path, dir.path().join("preds.slicewise-map.bin"));
        let source = MapColumns::Coordinates {
            x: "x".into(),
            y: "y".into(),
        };
        let coords =
            Coords::from_columns(vec![1.0, f32::NAN, 3.5], vec![-1.0, 2.0, 0.25], source, 0.0);
        assert_eq!(coords.unplaced, 1);
        write(&path, "abc", &coords).unwrap();
        let back = read(&path, "abc", 3).unwrap();
        assert_eq!(back.x[0].to_bits(), 1.0f32.to_bits());
        assert!(back.x[1].is_nan());
        assert_eq!(back.y, coords.y);
        assert_eq!(back.source, coords.source);
        assert!(read(&path, "changed", 3).is_none());
        assert!(read(&path, "abc", 4).is_none());
        // Someone else's file of that name is never replaced.
        std::fs::write(&path, "my notes").unwrap();
        assert!(write(&path, "abc", &coords).is_err());
        assert_eq!(std::fs::read_to_string(&path).unwrap(), "my notes");
    }
}
