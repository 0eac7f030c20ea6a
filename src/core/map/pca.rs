//! Principal components of all rows in bounded memory: the mean and the
//! centred cross-products are gathered block by block (each block centred
//! on its own mean, blocks merged with Chan's formula, so no precision is
//! lost to a large mean), then the covariance is diagonalised (cyclic
//! Jacobi) and each row projected on the first two components. Equal to
//! scikit-learn's `PCA(2, svd_solver="full")`, whose components are the
//! same eigenvectors, with its sign rule: each component's largest
//! coordinate (in absolute value) is positive.

use rayon::prelude::*;

/// Rows per block of the parallel passes (fewer when rows are wide): a
/// block's centred copy stays in cache.
fn block_rows(dims: usize) -> usize {
    (1 << 18) / dims.max(1)
}

/// The mean and centred cross-products of the rows seen so far.
#[derive(Debug, Clone, PartialEq)]
pub struct Moments {
    /// Rows.
    pub n: u64,
    /// Mean per dimension.
    pub mean: Vec<f64>,
    /// Σ (x − mean)(x − mean)ᵀ, row-major `dims × dims` (both halves).
    pub m2: Vec<f64>,
}

/// Σ a·b with eight independent sums (the compiler keeps them in vector
/// registers; one running sum would be added in order, one at a time).
fn dot(a: &[f64], b: &[f64]) -> f64 {
    let mut lanes = [0.0f64; 8];
    let (ac, bc) = (a.chunks_exact(8), b.chunks_exact(8));
    let (ar, br) = (ac.remainder(), bc.remainder());
    for (x, y) in ac.zip(bc) {
        for l in 0..8 {
            lanes[l] += x[l] * y[l];
        }
    }
    let mut s = lanes.iter().sum::<f64>();
    for (x, y) in ar.iter().zip(br) {
        s += x * y;
    }
    s
}

impl Moments {
    /// No rows yet, in `dims` dimensions.
    #[must_use]
    pub fn new(dims: usize) -> Self {
        Self {
            n: 0,
            mean: vec![0.0; dims],
            m2: vec![0.0; dims * dims],
        }
    }

    /// Dimensions.
    #[must_use]
    pub fn dims(&self) -> usize {
        self.mean.len()
    }

    /// The moments of rows `columns[d][r]` (one slice per dimension, all of
    /// one length), on one thread.
    #[must_use]
    #[allow(clippy::cast_precision_loss)]
    pub fn of_block(columns: &[&[f64]]) -> Self {
        let dims = columns.len();
        let rows = columns.first().map_or(0, |c| c.len());
        let mut out = Self::new(dims);
        if rows == 0 {
            return out;
        }
        out.n = rows as u64;
        let centred: Vec<Vec<f64>> = columns
            .iter()
            .zip(&mut out.mean)
            .map(|(c, m)| {
                *m = c.iter().sum::<f64>() / rows as f64;
                let mean = *m;
                c.iter().map(|v| v - mean).collect()
            })
            .collect();
        for i in 0..dims {
            for j in i..dims {
                let v = dot(&centred[i], &centred[j]);
                out.m2[i * dims + j] = v;
                out.m2[j * dims + i] = v;
            }
        }
        out
    }

    /// The moments of `columns`' rows, block by block on every core, merged
    /// in row order (the same sums on any number of threads).
    #[must_use]
    pub fn of_columns(columns: &[&[f64]]) -> Self {
        let dims = columns.len();
        let rows = columns.first().map_or(0, |c| c.len());
        let step = block_rows(dims).max(1);
        let blocks: Vec<Self> = (0..rows.div_ceil(step))
            .into_par_iter()
            .map(|b| {
                let (lo, hi) = (b * step, ((b + 1) * step).min(rows));
                let part: Vec<&[f64]> = columns.iter().map(|c| &c[lo..hi]).collect();
                Self::of_block(&part)
            })
            .collect();
        let mut out = Self::new(dims);
        for b in &blocks {
            out.merge(b);
        }
        out
    }

    /// Adds `other`'s rows (Chan, Golub and `LeVeque`'s pairwise update).
    #[allow(clippy::cast_precision_loss)]
    pub fn merge(&mut self, other: &Self) {
        if other.n == 0 {
            return;
        }
        if self.n == 0 {
            *self = other.clone();
            return;
        }
        let dims = self.dims();
        let (na, nb) = (self.n as f64, other.n as f64);
        let n = na + nb;
        let delta: Vec<f64> = other
            .mean
            .iter()
            .zip(&self.mean)
            .map(|(b, a)| b - a)
            .collect();
        let w = na * nb / n;
        for i in 0..dims {
            for j in 0..dims {
                self.m2[i * dims + j] += other.m2[i * dims + j] + delta[i] * delta[j] * w;
            }
        }
        for (m, d) in self.mean.iter_mut().zip(&delta) {
            *m += d * nb / n;
        }
        self.n += other.n;
    }
}

/// Eigenvalues (descending) and unit eigenvectors of a symmetric matrix
/// (row-major `dims × dims`), by cyclic Jacobi rotations: slow for
/// thousands of dimensions, but accurate to the last digits.
#[must_use]
pub fn symmetric_eigen(matrix: &[f64], dims: usize) -> (Vec<f64>, Vec<Vec<f64>>) {
    let mut a = matrix.to_vec();
    let mut v = vec![0.0; dims * dims];
    for i in 0..dims {
        v[i * dims + i] = 1.0;
    }
    let scale: f64 = a.iter().map(|x| x * x).sum::<f64>().sqrt();
    for _sweep in 0..100 {
        let mut off = 0.0;
        for i in 0..dims {
            for j in (i + 1)..dims {
                off += a[i * dims + j] * a[i * dims + j];
            }
        }
        if off.sqrt() <= 1e-15 * scale || scale == 0.0 {
            break;
        }
        for p in 0..dims {
            for q in (p + 1)..dims {
                let apq = a[p * dims + q];
                if apq.abs() <= f64::MIN_POSITIVE {
                    continue;
                }
                let (app, aqq) = (a[p * dims + p], a[q * dims + q]);
                let theta = (aqq - app) / (2.0 * apq);
                let t = theta.signum() / (theta.abs() + (theta * theta + 1.0).sqrt());
                let c = 1.0 / (t * t + 1.0).sqrt();
                let s = t * c;
                for k in 0..dims {
                    let (akp, akq) = (a[k * dims + p], a[k * dims + q]);
                    a[k * dims + p] = c * akp - s * akq;
                    a[k * dims + q] = s * akp + c * akq;
                }
                for k in 0..dims {
                    let (apk, aqk) = (a[p * dims + k], a[q * dims + k]);
                    a[p * dims + k] = c * apk - s * aqk;
                    a[q * dims + k] = s * apk + c * aqk;
                }
                for k in 0..dims {
                    let (vkp, vkq) = (v[k * dims + p], v[k * dims + q]);
                    v[k * dims + p] = c * vkp - s * vkq;
                    v[k * dims + q] = s * vkp + c * vkq;
                }
            }
        }
    }
    let mut order: Vec<usize> = (0..dims).collect();
    order.sort_by(|&i, &j| a[j * dims + j].total_cmp(&a[i * dims + i]));
    let values = order.iter().map(|&i| a[i * dims + i]).collect();
    let vectors = order
        .iter()
        .map(|&i| (0..dims).map(|k| v[k * dims + i]).collect())
        .collect();
    (values, vectors)
}

/// A fitted projection on the first two principal components.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct Pca {
    /// The mean row.
    pub mean: Vec<f64>,
    /// The two components (unit vectors), each with its largest coordinate
    /// positive.
    pub components: [Vec<f64>; 2],
    /// The variance along each (divided by n − 1, as scikit-learn's
    /// `explained_variance_`).
    pub variance: [f64; 2],
    /// Each one's share of the total variance.
    pub variance_ratio: [f64; 2],
}

impl Pca {
    /// The first two components of the rows summed in `m`.
    #[must_use]
    #[allow(clippy::cast_precision_loss)]
    pub fn fit(m: &Moments) -> Self {
        let dims = m.dims();
        let (values, vectors) = symmetric_eigen(&m.m2, dims);
        let total: f64 = values.iter().map(|v| v.max(0.0)).sum();
        let denominator = (m.n.saturating_sub(1)).max(1) as f64;
        let pick = |i: usize| -> (Vec<f64>, f64) {
            let mut vector = vectors.get(i).cloned().unwrap_or_else(|| vec![0.0; dims]);
            // scikit-learn's `svd_flip(u_based_decision=False)`.
            let largest = vector
                .iter()
                .enumerate()
                .max_by(|a, b| a.1.abs().total_cmp(&b.1.abs()).then(b.0.cmp(&a.0)))
                .map_or(0.0, |(_, v)| *v);
            if largest < 0.0 {
                for v in &mut vector {
                    *v = -*v;
                }
            }
            (vector, values.get(i).copied().unwrap_or(0.0).max(0.0))
        };
        let ((c0, v0), (c1, v1)) = (pick(0), pick(1));
        let ratio = |v: f64| if total > 0.0 { v / total } else { 0.0 };
        Self {
            mean: m.mean.clone(),
            components: [c0, c1],
            variance: [v0 / denominator, v1 / denominator],
            variance_ratio: [ratio(v0), ratio(v1)],
        }
    }

    /// Projects rows `columns[d][r]` into `x` and `y` (as long as the
    /// columns), on every core.
    #[allow(clippy::cast_possible_truncation)]
    pub fn project(&self, columns: &[&[f64]], x: &mut [f32], y: &mut [f32]) {
        let step = block_rows(columns.len()).max(1);
        x.par_chunks_mut(step)
            .zip(y.par_chunks_mut(step))
            .enumerate()
            .for_each(|(b, (xs, ys))| {
                let lo = b * step;
                let mut ax = vec![0.0f64; xs.len()];
                let mut ay = vec![0.0f64; xs.len()];
                for (d, column) in columns.iter().enumerate() {
                    let (m, c0, c1) = (self.mean[d], self.components[0][d], self.components[1][d]);
                    for ((v, px), py) in column[lo..lo + xs.len()].iter().zip(&mut ax).zip(&mut ay)
                    {
                        let centred = v - m;
                        *px += centred * c0;
                        *py += centred * c1;
                    }
                }
                for (o, v) in xs.iter_mut().zip(&ax) {
                    *o = *v as f32;
                }
                for (o, v) in ys.iter_mut().zip(&ay) {
                    *o = *v as f32;
                }
            });
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn blocks_merged_equal_one_pass_and_the_eigenvectors_diagonalise() {
        let a: Vec<f64> = (0..1000u32)
            .map(|i| f64::from(i).sin() * 3.0 + 1e6)
            .collect();
        let b: Vec<f64> = (0..1000u32)
            .map(|i| f64::from(i).cos() + 0.5 * a[i as usize])
            .collect();
        let whole = Moments::of_block(&[&a, &b]);
        let mut merged = Moments::of_block(&[&a[..300], &b[..300]]);
        merged.merge(&Moments::of_block(&[&a[300..], &b[300..]]));
        for (x, y) in whole.m2.iter().zip(&merged.m2) {
            assert!((x - y).abs() <= 1e-9 * x.abs().max(1.0), "{x} {y}");
        }
        let (values, vectors) = symmetric_eigen(&whole.m2, 2);
        assert!(values[0] >= values[1]);
        for (value, vector) in values.iter().zip(&vectors) {
            for i in 0..2 {
                let av = whole.m2[i * 2] * vector[0] + whole.m2[i * 2 + 1] * vector[1];
                assert!((av - value * vector[i]).abs() <= 1e-9 * value.abs());
            }
        }
        let pca = Pca::fit(&whole);
        let mut x = vec![0.0; 1000];
        let mut y = vec![0.0; 1000];
        pca.project(&[&a, &b], &mut x, &mut y);
        // Centred: the coordinates average zero.
        let mean_x: f64 = x.iter().map(|v| f64::from(*v)).sum::<f64>() / 1000.0;
        assert!(mean_x.abs() < 1e-4, "{mean_x}");
    }
}
