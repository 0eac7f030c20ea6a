//! Small pictures of examples for a report: an image column's files,
//! shrunk and embedded as `data:` URIs, so the report stays one file that
//! needs nothing else. Sizes are capped: a picture's side, its bytes, and
//! how many a report holds.

use std::path::{Path, PathBuf};

use base64::Engine as _;

/// A thumbnail's longest side, in pixels.
pub const SIDE: u32 = 96;
/// The most bytes one thumbnail may take (encoded); a larger one is left
/// out.
pub const MAX_BYTES: usize = 24 * 1024;
/// The most thumbnails one report embeds.
pub const MAX_IN_REPORT: usize = 60;

/// An image path from the data: relative to the data file's folder unless
/// absolute.
#[must_use]
pub fn image_path(data: &Path, value: &str) -> PathBuf {
    let p = Path::new(value);
    if p.is_absolute() {
        p.to_path_buf()
    } else {
        data.parent().unwrap_or_else(|| Path::new(".")).join(p)
    }
}

/// The picture at `path` shrunk to [`SIDE`] pixels and encoded as a JPEG
/// `data:` URI (the same bytes every time for the same file).
///
/// # Errors
/// A file that cannot be read or decoded, or a thumbnail over
/// [`MAX_BYTES`]; the message names the file.
pub fn data_uri(path: &Path) -> Result<String, String> {
    // A huge file is not decoded for a 96-pixel picture.
    let size = std::fs::metadata(path)
        .map_err(|e| format!("cannot read {}: {e}", path.display()))?
        .len();
    if size > 64 * 1024 * 1024 {
        return Err(format!("{} is over 64 MB", path.display()));
    }
    let img = image::ImageReader::open(path)
        .and_then(image::ImageReader::with_guessed_format)
        .map_err(|e| format!("cannot read {}: {e}", path.display()))?;
    let mut img = img;
    img.limits({
        let mut l = image::Limits::default();
        l.max_image_width = Some(16_384);
        l.max_image_height = Some(16_384);
        l.max_alloc = Some(512 * 1024 * 1024);
        l
    });
    let img = img
        .decode()
        .map_err(|e| format!("cannot decode {}: {e}", path.display()))?;
    let small = img.thumbnail(SIDE, SIDE).to_rgb8();
    let mut bytes = Vec::new();
    image::DynamicImage::ImageRgb8(small)
        .write_to(
            &mut std::io::Cursor::new(&mut bytes),
            image::ImageFormat::Jpeg,
        )
        .map_err(|e| format!("cannot encode {}: {e}", path.display()))?;
    if bytes.len() > MAX_BYTES {
        return Err(format!(
            "the thumbnail of {} is over {MAX_BYTES} bytes",
            path.display()
        ));
    }
    Ok(format!(
        "data:image/jpeg;base64,{}",
        base64::engine::general_purpose::STANDARD.encode(&bytes)
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_picture_becomes_a_small_jpeg_and_a_bad_file_an_error_naming_it() {
        let dir = tempfile::tempdir().unwrap();
        let png = dir.path().join("big.png");
        image::RgbImage::from_fn(640, 480, |x, y| {
            image::Rgb([
                u8::try_from(x % 256).unwrap(),
                u8::try_from(y % 256).unwrap(),
                90,
            ])
        })
        .save(&png)
        .unwrap();
        let uri = data_uri(&png).unwrap();
        assert!(uri.starts_with("data:image/jpeg;base64,/9j/"));
        assert!(uri.len() < MAX_BYTES * 4 / 3 + 40);
        assert_eq!(uri, data_uri(&png).unwrap());
        let bad = dir.path().join("not.png");
        std::fs::write(&bad, b"not a picture").unwrap();
        let e = data_uri(&bad).unwrap_err();
        assert!(e.contains("not.png"), "{e}");
        assert!(
            data_uri(&dir.path().join("missing.png"))
                .unwrap_err()
                .contains("missing.png")
        );
        assert_eq!(
            image_path(Path::new("/data/preds.csv"), "img/1.png"),
            Path::new("/data/img/1.png")
        );
    }
}
