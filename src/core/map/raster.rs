//! The map drawn as density, as datashader draws it: every row that falls
//! in the view adds its colour to its pixel, and each pixel shows the mean
//! colour of its rows, more opaque where more rows fall (log scale). The
//! cost is one pass over the coordinates, whatever the zoom; when few rows
//! are in view (zoomed in far enough) each is drawn as a dot and listed,
//! so that the one under the pointer can be found.

use rayon::prelude::*;

use super::Coords;

/// Rows per task of the raster pass.
const BLOCK: usize = 1 << 20;

/// At most this many rows in view are drawn as dots (and listed).
pub const POINT_ROWS: usize = 20_000;

/// The rectangle of the map in view, in map coordinates (`y` up).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Viewport {
    /// Left.
    pub x0: f64,
    /// Right.
    pub x1: f64,
    /// Bottom.
    pub y0: f64,
    /// Top.
    pub y1: f64,
}

impl Viewport {
    /// The square from −1 to 1: the view before there is a map.
    pub const UNIT: Self = Self {
        x0: -1.0,
        x1: 1.0,
        y0: -1.0,
        y1: 1.0,
    };

    /// This view widened about its centre to the shape of a `width ×
    /// height` screen, so that one unit is as long across as up (distances
    /// mean the same in every direction).
    #[must_use]
    pub fn with_aspect(self, width: f64, height: f64) -> Self {
        let (w, h) = (width.max(1.0), height.max(1.0));
        let scale = (self.width() / w).max(self.height() / h);
        let (cx, cy) = (
            f64::midpoint(self.x0, self.x1),
            f64::midpoint(self.y0, self.y1),
        );
        Self {
            x0: cx - scale * w / 2.0,
            x1: cx + scale * w / 2.0,
            y0: cy - scale * h / 2.0,
            y1: cy + scale * h / 2.0,
        }
    }

    /// `bounds` (x0, x1, y0, y1) with a margin of 5% on each side (a
    /// rectangle of no width or height gets a tiny one).
    #[must_use]
    pub fn around(bounds: [f32; 4]) -> Self {
        let [x0, x1, y0, y1] = bounds.map(f64::from);
        let (w, h) = ((x1 - x0).max(1e-9), (y1 - y0).max(1e-9));
        let (mx, my) = (w * 0.05, h * 0.05);
        Self {
            x0: x0 - mx,
            x1: x1 + mx,
            y0: y0 - my,
            y1: y1 + my,
        }
    }

    /// Width in map units.
    #[must_use]
    pub fn width(&self) -> f64 {
        self.x1 - self.x0
    }

    /// Height in map units.
    #[must_use]
    pub fn height(&self) -> f64 {
        self.y1 - self.y0
    }
}

/// A drawn view.
#[derive(Debug, Clone, PartialEq)]
pub struct Raster {
    /// Pixels across.
    pub width: usize,
    /// Pixels down.
    pub height: usize,
    /// What it shows.
    pub view: Viewport,
    /// RGBA, row by row from the top, unmultiplied alpha.
    pub rgba: Vec<u8>,
    /// Rows in view.
    pub in_view: u64,
    /// The rows in view, when there are at most [`POINT_ROWS`] (drawn as
    /// dots).
    pub points: Option<Vec<u32>>,
}

/// A pixel's rows and the sums of their colours' channels, side by side
/// (16 bytes: one cache line touched a row, where the rows scatter).
#[derive(Clone, Copy, Default)]
#[repr(C, align(16))]
struct Cell {
    count: u32,
    rgb: [f32; 3],
}

/// Per pixel: its cell; and the rows in view.
#[derive(Clone)]
struct Sums {
    cells: Vec<Cell>,
    in_view: u64,
}

impl Sums {
    fn new(pixels: usize) -> Self {
        Self {
            cells: vec![Cell::default(); pixels],
            in_view: 0,
        }
    }

    fn add(mut self, other: &Self) -> Self {
        self.cells.iter_mut().zip(&other.cells).for_each(|(a, b)| {
            a.count += b.count;
            a.rgb[0] += b.rgb[0];
            a.rgb[1] += b.rgb[1];
            a.rgb[2] += b.rgb[2];
        });
        self.in_view += other.in_view;
        self
    }
}

/// The pixel of (x, y) in a `width × height` raster of `view`.
#[inline]
#[allow(clippy::cast_possible_truncation, clippy::cast_sign_loss)]
fn pixel(
    view: &Viewport,
    sx: f64,
    sy: f64,
    width: usize,
    height: usize,
    x: f32,
    y: f32,
) -> Option<usize> {
    let px = (f64::from(x) - view.x0) * sx;
    let py = (view.y1 - f64::from(y)) * sy;
    if px >= 0.0 && py >= 0.0 && px < width as f64 && py < height as f64 {
        Some(py as usize * width + px as usize)
    } else {
        None
    }
}

/// Draws `coords` in `view` at `width × height` pixels, each row in
/// `colour(row)`, on every core (a partial raster per thread).
/// `cancelled` is asked every million rows.
#[must_use]
#[allow(
    clippy::cast_precision_loss,
    clippy::cast_possible_truncation,
    clippy::cast_sign_loss
)]
pub fn draw(
    coords: &Coords,
    view: Viewport,
    width: usize,
    height: usize,
    colour: &(dyn Fn(usize) -> [u8; 3] + Sync),
    cancelled: &(dyn Fn() -> bool + Sync),
) -> Option<Raster> {
    let (width, height) = (width.clamp(1, 8192), height.clamp(1, 8192));
    let pixels = width * height;
    let sx = width as f64 / view.width().max(f64::MIN_POSITIVE);
    let sy = height as f64 / view.height().max(f64::MIN_POSITIVE);
    let n = coords.len();
    // One partial raster per thread (each a contiguous share of the rows),
    // summed at the end; cancellation is asked every block.
    let parts = rayon::current_num_threads().clamp(1, n.div_ceil(BLOCK).max(1));
    let share = n.div_ceil(parts).max(1);
    let sums = (0..parts)
        .into_par_iter()
        .map(|part| {
            let mut s = Sums::new(pixels);
            let (lo, hi) = (part * share, ((part + 1) * share).min(n));
            for start in (lo..hi).step_by(BLOCK) {
                if cancelled() {
                    return None;
                }
                for r in start..(start + BLOCK).min(hi) {
                    if let Some(p) = pixel(&view, sx, sy, width, height, coords.x[r], coords.y[r]) {
                        let c = colour(r);
                        let cell = &mut s.cells[p];
                        cell.count += 1;
                        let t = &mut cell.rgb;
                        t[0] += f32::from(c[0]);
                        t[1] += f32::from(c[1]);
                        t[2] += f32::from(c[2]);
                        s.in_view += 1;
                    }
                }
            }
            Some(s)
        })
        .try_reduce(|| Sums::new(pixels), |a, b| Some(a.add(&b)))?;
    let max = sums.cells.iter().map(|c| c.count).max().unwrap_or(0);
    let scale = f64::from(max).ln_1p().max(f64::MIN_POSITIVE);
    let mut rgba = vec![0u8; pixels * 4];
    rgba.par_chunks_mut(4)
        .zip(sums.cells.par_iter())
        .for_each(|(px, cell)| {
            let (count, sum) = (cell.count, cell.rgb);
            if count == 0 {
                return;
            }
            let k = count as f32;
            px[0] = (sum[0] / k).round() as u8;
            px[1] = (sum[1] / k).round() as u8;
            px[2] = (sum[2] / k).round() as u8;
            let a = 0.25 + 0.75 * f64::from(count).ln_1p() / scale;
            px[3] = (a.min(1.0) * 255.0).round() as u8;
        });
    let points = if sums.in_view as usize <= POINT_ROWS {
        let rows: Vec<u32> = (0..n)
            .into_par_iter()
            .filter(|&r| pixel(&view, sx, sy, width, height, coords.x[r], coords.y[r]).is_some())
            .map(|r| r as u32)
            .collect();
        // Each a dot of 3 × 3 pixels in its own colour, fully opaque.
        for &r in &rows {
            let r = r as usize;
            let px = ((f64::from(coords.x[r]) - view.x0) * sx) as i64;
            let py = ((view.y1 - f64::from(coords.y[r])) * sy) as i64;
            let c = colour(r);
            for dy in -1..=1 {
                for dx in -1..=1 {
                    let (qx, qy) = (px + dx, py + dy);
                    if qx >= 0 && qy >= 0 && (qx as usize) < width && (qy as usize) < height {
                        let i = (qy as usize * width + qx as usize) * 4;
                        rgba[i..i + 4].copy_from_slice(&[c[0], c[1], c[2], 255]);
                    }
                }
            }
        }
        Some(rows)
    } else {
        None
    };
    Some(Raster {
        width,
        height,
        view,
        rgba,
        in_view: sums.in_view,
        points,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::core::map::MapColumns;

    fn coords(points: &[(f32, f32)]) -> Coords {
        let source = MapColumns::Coordinates {
            x: "x".into(),
            y: "y".into(),
        };
        Coords::from_columns(
            points.iter().map(|p| p.0).collect(),
            points.iter().map(|p| p.1).collect(),
            source,
            0.0,
        )
    }

    #[test]
    fn a_view_widens_to_the_screen_s_shape_about_its_centre() {
        let v = Viewport {
            x0: 0.0,
            x1: 2.0,
            y0: 0.0,
            y1: 1.0,
        }
        .with_aspect(100.0, 100.0);
        assert_eq!((v.x0, v.x1, v.y0, v.y1), (0.0, 2.0, -0.5, 1.5));
        // Already the screen's shape: unchanged.
        let same = v.with_aspect(50.0, 50.0);
        assert_eq!(same, v);
    }

    #[test]
    fn each_row_lands_in_its_pixel_and_colours_mix() {
        // Two rows in the top-left pixel (red and blue), one bottom-right.
        let c = coords(&[(0.1, 3.9), (0.2, 3.8), (3.9, 0.1), (9.0, 9.0)]);
        let view = Viewport {
            x0: 0.0,
            x1: 4.0,
            y0: 0.0,
            y1: 4.0,
        };
        let colours = [[255, 0, 0], [0, 0, 255], [0, 255, 0], [9, 9, 9]];
        let r = draw(&c, view, 4, 4, &|row| colours[row], &|| false).unwrap();
        assert_eq!(r.in_view, 3);
        assert_eq!(r.points.as_deref(), Some(&[0u32, 1, 2][..]));
        // The dots (3 × 3) overwrite the density; check the density itself
        // with many rows instead.
        let many: Vec<(f32, f32)> = (0..30_000)
            .map(|i| if i % 2 == 0 { (0.5, 3.5) } else { (3.5, 0.5) })
            .collect();
        let c = coords(&many);
        let r = draw(
            &c,
            view,
            4,
            4,
            &|row| {
                if row % 4 < 2 {
                    [255, 0, 0]
                } else {
                    [0, 0, 255]
                }
            },
            &|| false,
        )
        .unwrap();
        assert!(r.points.is_none());
        let top_left = &r.rgba[0..4];
        // Rows 0, 2, 4, ... : half red (0 mod 4), half blue (2 mod 4).
        assert_eq!(&top_left[..3], &[128, 0, 128]);
        assert_eq!(top_left[3], 255);
        let empty = &r.rgba[4..8];
        assert_eq!(empty[3], 0);
    }
}
