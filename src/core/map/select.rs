//! The rows inside a box or a lasso drawn on the map, exactly: a lasso is
//! a polygon and a row is inside by the even–odd rule, its edges sorted
//! into bands of height so that each row tests only the few edges beside
//! it.

use rayon::prelude::*;

use super::Coords;
use crate::core::dataset::{Bitmap, Dataset};
use crate::core::stats::{Count, Interval, Proportion, newcombe_difference};

/// A shape drawn on the map, in map coordinates.
#[derive(Debug, Clone, PartialEq)]
pub enum Shape {
    /// A rectangle (corners in any order).
    Box {
        /// One corner.
        from: (f64, f64),
        /// The other.
        to: (f64, f64),
    },
    /// A closed polygon (the last point joins the first).
    Lasso(Vec<(f64, f64)>),
}

/// An edge of a polygon: from, to.
type Edge = ((f64, f64), (f64, f64));

/// A polygon's edges in horizontal bands.
struct Bands {
    y0: f64,
    height: f64,
    edges: Vec<Vec<Edge>>,
}

impl Bands {
    #[allow(
        clippy::cast_possible_truncation,
        clippy::cast_sign_loss,
        clippy::cast_precision_loss
    )]
    fn new(points: &[(f64, f64)], y0: f64, y1: f64) -> Self {
        let count = points.len().clamp(1, 1024);
        let height = (y1 - y0).max(f64::MIN_POSITIVE) / count as f64;
        let mut edges = vec![Vec::new(); count];
        let band = |y: f64| (((y - y0) / height).floor().max(0.0) as usize).min(count - 1);
        for (i, &a) in points.iter().enumerate() {
            let b = points[(i + 1) % points.len()];
            if a.1.total_cmp(&b.1).is_eq() {
                continue; // A horizontal edge crosses no horizontal ray.
            }
            let (lo, hi) = (band(a.1.min(b.1)), band(a.1.max(b.1)));
            for band in &mut edges[lo..=hi] {
                band.push((a, b));
            }
        }
        Self { y0, height, edges }
    }

    #[allow(clippy::cast_possible_truncation, clippy::cast_sign_loss)]
    fn inside(&self, x: f64, y: f64) -> bool {
        let i = (((y - self.y0) / self.height).floor().max(0.0) as usize).min(self.edges.len() - 1);
        let mut inside = false;
        for &((ax, ay), (bx, by)) in &self.edges[i] {
            if (ay > y) != (by > y) && x < (bx - ax) * (y - ay) / (by - ay) + ax {
                inside = !inside;
            }
        }
        inside
    }
}

/// The rows of `coords` inside `shape`, on every core.
#[must_use]
pub fn rows_inside(coords: &Coords, shape: &Shape) -> Bitmap {
    let n = coords.len();
    let (x0, x1, y0, y1) = match shape {
        Shape::Box { from, to } => (
            from.0.min(to.0),
            from.0.max(to.0),
            from.1.min(to.1),
            from.1.max(to.1),
        ),
        Shape::Lasso(p) => p.iter().fold(
            (
                f64::INFINITY,
                f64::NEG_INFINITY,
                f64::INFINITY,
                f64::NEG_INFINITY,
            ),
            |b, &(x, y)| (b.0.min(x), b.1.max(x), b.2.min(y), b.3.max(y)),
        ),
    };
    let bands = match shape {
        Shape::Lasso(p) if p.len() >= 3 => Some(Bands::new(p, y0, y1)),
        Shape::Lasso(_) => return Bitmap::new(n),
        Shape::Box { .. } => None,
    };
    let test = |r: usize| {
        let (x, y) = (f64::from(coords.x[r]), f64::from(coords.y[r]));
        if !(x >= x0 && x <= x1 && y >= y0 && y <= y1) {
            return false;
        }
        bands.as_ref().is_none_or(|b| b.inside(x, y))
    };
    let words: Vec<u64> = (0..n.div_ceil(64))
        .into_par_iter()
        .map(|w| {
            let mut bits = 0u64;
            for i in (w * 64)..((w + 1) * 64).min(n) {
                bits |= u64::from(test(i)) << (i - w * 64);
            }
            bits
        })
        .collect();
    Bitmap::from_words(words, n)
}

/// What a selection holds: its error rate against the rest's, and its
/// true classes.
#[derive(Debug, Clone, PartialEq)]
pub struct Summary {
    /// Rows selected.
    pub rows: u64,
    /// Their error rate (weighted where rows carry weights).
    pub error_rate: Proportion,
    /// The other rows' error rate.
    pub rest: Proportion,
    /// Selection minus rest, with Newcombe's 95% interval.
    pub difference: Option<f64>,
    /// Its interval.
    pub difference_ci: Option<Interval>,
    /// True classes in the selection, most rows first: (class code, rows).
    pub classes: Vec<(u32, u64)>,
}

/// Summarises the rows of `selected`.
#[must_use]
pub fn summarise(ds: &Dataset, selected: &Bitmap) -> Summary {
    let rows = selected.count_ones() as u64;
    // One pass over the rows on every core (parts fixed by the rows, so the
    // sums are the same at any number of threads): what the selected rows
    // count for, their errors, their true classes.
    let k = ds.classes.len();
    let (chosen, chosen_errors, classes) = crate::core::stats::fold_rows(
        ds.rows(),
        k * 8 + 64,
        || (Count::ZERO, Count::ZERO, vec![0u64; k]),
        |acc, r| {
            if selected.get(r) {
                let unit = ds.unit(r);
                acc.0 += unit;
                if ds.is_error(r) {
                    acc.1 += unit;
                }
                acc.2[ds.label[r] as usize] += 1;
            }
        },
        |acc, more| {
            acc.0 += more.0;
            acc.1 += more.1;
            for (a, b) in acc.2.iter_mut().zip(more.2) {
                *a += b;
            }
        },
    );
    let total = ds.total();
    let total_errors = ds.error_total();
    let (error_rate, rest) = (
        Proportion::new(chosen_errors, chosen),
        Proportion::new(total_errors - chosen_errors, total - chosen),
    );
    let mut classes: Vec<(u32, u64)> = classes
        .into_iter()
        .enumerate()
        .filter(|(_, n)| *n > 0)
        .map(|(c, n)| (u32::try_from(c).unwrap_or(u32::MAX), n))
        .collect();
    classes.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
    Summary {
        rows,
        error_rate,
        rest,
        difference: error_rate.value().zip(rest.value()).map(|(a, b)| a - b),
        difference_ci: newcombe_difference(error_rate, rest),
        classes,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::core::map::MapColumns;

    #[test]
    fn a_lasso_holds_exactly_the_rows_inside_it() {
        // A grid of 21 × 21 rows; an L-shaped lasso.
        let mut x = Vec::new();
        let mut y = Vec::new();
        for i in 0..21 {
            for j in 0..21 {
                x.push(i as f32 * 0.5);
                y.push(j as f32 * 0.5);
            }
        }
        let coords = Coords::from_columns(x, y, MapColumns::Embedding(vec![]), 0.0);
        let l = Shape::Lasso(vec![
            (0.25, 0.25),
            (6.25, 0.25),
            (6.25, 2.25),
            (2.25, 2.25),
            (2.25, 8.25),
            (0.25, 8.25),
        ]);
        let inside = rows_inside(&coords, &l);
        let expected = Bitmap::from_fn(coords.len(), |r| {
            let (px, py) = (f64::from(coords.x[r]), f64::from(coords.y[r]));
            (px > 0.25 && px < 6.25 && py > 0.25 && py < 2.25)
                || (px > 0.25 && px < 2.25 && py > 0.25 && py < 8.25)
        });
        assert_eq!(inside, expected);
        assert!(inside.count_ones() > 0);
        let b = Shape::Box {
            from: (1.0, 1.0),
            to: (0.0, 0.0),
        };
        // (0,0), (0,.5), (0,1), (.5,0), ... : 3 × 3 rows, edges included.
        assert_eq!(rows_inside(&coords, &b).count_ones(), 9);
    }
}
