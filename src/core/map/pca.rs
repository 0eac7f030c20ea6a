//! Principal components of all rows in bounded memory: the mean and the
//! centred cross-products are gathered block by block (each block centred
//! on its own mean, blocks merged with Chan's formula, so no precision is
//! lost to a large mean), then the covariance is diagonalised (Householder
//! reduction and implicit QL) and each row projected on the first two components. Equal to
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
/// (row-major `dims × dims`): Householder reduction to tridiagonal form,
/// then the implicit QL method (EISPACK's `tred2` and `tql2`, as JAMA and
/// LAPACK's reference `dsteqr` do it): about 3·dims³ operations, accurate
/// to the last digits (768 dimensions take under a second).
#[must_use]
#[allow(
    clippy::many_single_char_names,
    clippy::too_many_lines,
    clippy::float_cmp
)]
pub fn symmetric_eigen(matrix: &[f64], dims: usize) -> (Vec<f64>, Vec<Vec<f64>>) {
    let n = dims;
    if n == 0 {
        return (Vec::new(), Vec::new());
    }
    // v[i * n + j]: starts as the matrix, ends as the eigenvectors (columns).
    let mut v = matrix.to_vec();
    let mut d = vec![0.0f64; n];
    let mut e = vec![0.0f64; n];
    let at = |i: usize, j: usize| i * n + j;
    // tred2: Householder reduction to tridiagonal form.
    for j in 0..n {
        d[j] = v[at(n - 1, j)];
    }
    for i in (1..n).rev() {
        let scale: f64 = d[..i].iter().map(|x| x.abs()).sum();
        let mut h = 0.0;
        if scale == 0.0 {
            e[i] = d[i - 1];
            for j in 0..i {
                d[j] = v[at(i - 1, j)];
                v[at(i, j)] = 0.0;
                v[at(j, i)] = 0.0;
            }
        } else {
            for x in &mut d[..i] {
                *x /= scale;
                h += *x * *x;
            }
            let mut f = d[i - 1];
            let mut g = h.sqrt();
            if f > 0.0 {
                g = -g;
            }
            e[i] = scale * g;
            h -= f * g;
            d[i - 1] = f - g;
            for x in &mut e[..i] {
                *x = 0.0;
            }
            for j in 0..i {
                f = d[j];
                v[at(j, i)] = f;
                g = e[j] + v[at(j, j)] * f;
                for k in (j + 1)..i {
                    g += v[at(k, j)] * d[k];
                    e[k] += v[at(k, j)] * f;
                }
                e[j] = g;
            }
            f = 0.0;
            for j in 0..i {
                e[j] /= h;
                f += e[j] * d[j];
            }
            let hh = f / (h + h);
            for j in 0..i {
                e[j] -= hh * d[j];
            }
            for j in 0..i {
                f = d[j];
                g = e[j];
                for k in j..i {
                    v[at(k, j)] -= f * e[k] + g * d[k];
                }
                d[j] = v[at(i - 1, j)];
                v[at(i, j)] = 0.0;
            }
        }
        d[i] = h;
    }
    // Accumulate the transformations.
    for i in 0..(n - 1) {
        v[at(n - 1, i)] = v[at(i, i)];
        v[at(i, i)] = 1.0;
        let h = d[i + 1];
        if h != 0.0 {
            for k in 0..=i {
                d[k] = v[at(k, i + 1)] / h;
            }
            for j in 0..=i {
                let mut g = 0.0;
                for k in 0..=i {
                    g += v[at(k, i + 1)] * v[at(k, j)];
                }
                for k in 0..=i {
                    v[at(k, j)] -= g * d[k];
                }
            }
        }
        for k in 0..=i {
            v[at(k, i + 1)] = 0.0;
        }
    }
    for j in 0..n {
        d[j] = v[at(n - 1, j)];
        v[at(n - 1, j)] = 0.0;
    }
    v[at(n - 1, n - 1)] = 1.0;
    e[0] = 0.0;
    // tql2: the implicit QL method on the tridiagonal matrix.
    for i in 1..n {
        e[i - 1] = e[i];
    }
    e[n - 1] = 0.0;
    let mut f = 0.0;
    let mut tst1 = 0.0f64;
    let eps = f64::EPSILON;
    for l in 0..n {
        tst1 = tst1.max(d[l].abs() + e[l].abs());
        let mut m = l;
        while m < n - 1 && e[m].abs() > eps * tst1 {
            m += 1;
        }
        if m > l {
            // At most 60 sweeps a value (LAPACK allows 30): a matrix of
            // NaNs cannot loop for ever.
            for _ in 0..60 {
                let mut g = d[l];
                let mut p = (d[l + 1] - g) / (2.0 * e[l]);
                let mut r = p.hypot(1.0);
                if p < 0.0 {
                    r = -r;
                }
                d[l] = e[l] / (p + r);
                d[l + 1] = e[l] * (p + r);
                let dl1 = d[l + 1];
                let mut h = g - d[l];
                for x in &mut d[(l + 2)..n] {
                    *x -= h;
                }
                f += h;
                p = d[m];
                let (mut c, mut c2, mut c3) = (1.0f64, 1.0f64, 1.0f64);
                let el1 = e[l + 1];
                let (mut s, mut s2) = (0.0f64, 0.0f64);
                for i in (l..m).rev() {
                    c3 = c2;
                    c2 = c;
                    s2 = s;
                    g = c * e[i];
                    h = c * p;
                    r = p.hypot(e[i]);
                    e[i + 1] = s * r;
                    s = e[i] / r;
                    c = p / r;
                    p = c * d[i] - s * g;
                    d[i + 1] = h + s * (c * g + s * d[i]);
                    for k in 0..n {
                        h = v[at(k, i + 1)];
                        v[at(k, i + 1)] = s * v[at(k, i)] + c * h;
                        v[at(k, i)] = c * v[at(k, i)] - s * h;
                    }
                }
                p = -s * s2 * c3 * el1 * e[l] / dl1;
                e[l] = s * p;
                d[l] = c * p;
                if e[l].abs() <= eps * tst1 || !e[l].is_finite() {
                    break;
                }
            }
        }
        d[l] += f;
        e[l] = 0.0;
    }
    let mut order: Vec<usize> = (0..n).collect();
    order.sort_by(|&i, &j| d[j].total_cmp(&d[i]));
    let values = order.iter().map(|&i| d[i]).collect();
    let vectors = order
        .iter()
        .map(|&i| (0..n).map(|k| v[at(k, i)]).collect())
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
        // A 40 × 40 covariance: A·v = λ·v and orthonormal vectors.
        let columns: Vec<Vec<f64>> = (0..40u32)
            .map(|d| {
                (0..300u32)
                    .map(|r| (f64::from(r * 7 + d * d) * 0.37).sin() * f64::from(d + 1))
                    .collect()
            })
            .collect();
        let views: Vec<&[f64]> = columns.iter().map(Vec::as_slice).collect();
        let m = Moments::of_block(&views);
        let (values, vectors) = symmetric_eigen(&m.m2, 40);
        for (value, vector) in values.iter().zip(&vectors) {
            for i in 0..40 {
                let av: f64 = (0..40).map(|j| m.m2[i * 40 + j] * vector[j]).sum();
                assert!(
                    (av - value * vector[i]).abs() <= 1e-9 * values[0],
                    "{av} {value}"
                );
            }
        }
        for a in 0..40 {
            for b in 0..40 {
                let dot: f64 = (0..40).map(|k| vectors[a][k] * vectors[b][k]).sum();
                let want = if a == b { 1.0 } else { 0.0 };
                assert!((dot - want).abs() < 1e-12);
            }
        }
        assert!(values.windows(2).all(|w| w[0] >= w[1]));
        let pca = Pca::fit(&whole);
        let mut x = vec![0.0; 1000];
        let mut y = vec![0.0; 1000];
        pca.project(&[&a, &b], &mut x, &mut y);
        // Centred: the coordinates average zero.
        let mean_x: f64 = x.iter().map(|v| f64::from(*v)).sum::<f64>() / 1000.0;
        assert!(mean_x.abs() < 1e-4, "{mean_x}");
    }
}
