//! Estimates for the full table from a stratified review sample.
//!
//! A sample drawn by `slicewise cube --sample-sql N` has a `sample_stratum`
//! column and a `sample_weight` column (the stratum's rows over the rows
//! drawn from it). The weighted shares are then the full table's shares
//! (every stratum's weights add up to its size), and their variance is the
//! stratified one: within each stratum, with the finite-population
//! correction. Kish's effective size, which ignores the strata, gives
//! intervals up to twice as wide when the strata predict the tag (errors and
//! correct rows are always separate strata).
//!
//! Each share is a ratio of two weighted sums, `R = Σ w·y / Σ w·x` over
//! rows where y implies x; its linearised variance is
//! `(1 / X̂²) Σ_h N_h² (1 − n_h / N_h) s²_h / n_h` with `s²_h` the
//! within-stratum variance of `d = y − R·x`, to which two pseudo-rows at the
//! overall ratio are added (so a stratum whose few sampled rows happen to
//! agree does not claim zero variance). The interval is Wilson's at the
//! effective size `R (1 − R) / Var`, so it stays within [0, 1].

use super::dataset::{Bitmap, Dataset};
use super::metrics::Confusion;
use super::stats::{Interval, wilson_p};

/// Pseudo-rows at the overall ratio added to each stratum's variance.
const PSEUDO: f64 = 2.0;

/// The column that names each sampled row's stratum.
pub const STRATUM_COLUMN: &str = "sample_stratum";

/// The strata of a sample: each row's stratum, and each stratum's size in
/// the full table (sum of its weights) and in the sample.
#[derive(Debug, Clone, PartialEq)]
pub struct Strata {
    /// Stratum code per row.
    codes: Vec<u32>,
    /// Rows of each stratum in the full table.
    size: Vec<f64>,
    /// Rows of each stratum in the sample.
    drawn: Vec<f64>,
}

impl Strata {
    /// The strata of `ds`, when it is a weighted sample with a
    /// [`STRATUM_COLUMN`] column.
    #[must_use]
    pub fn of(ds: &Dataset) -> Option<Self> {
        let weights = ds.weights.as_ref()?;
        let groups = ds.column(STRATUM_COLUMN)?.groups();
        let n = groups.n_groups();
        let (mut size, mut drawn) = (vec![0.0; n], vec![0.0; n]);
        for (row, code) in groups.codes.iter().enumerate() {
            size[code as usize] += weights.values[row];
            drawn[code as usize] += 1.0;
        }
        Some(Self {
            codes: groups.codes.to_vec(),
            size,
            drawn,
        })
    }

    /// The full table's ratio Σ y / Σ x estimated from the sample, with its
    /// 95% interval; `y(row)` must imply `x(row)`. `None` when no sampled row
    /// has `x`. With `pseudo`, each stratum's variance gets the pseudo-rows.
    /// Without sampling variance (every stratum drawn whole, or each
    /// stratum all y or all not-y by construction) the interval is Wilson's
    /// over the table's rows with x, as on the raw rows.
    #[must_use]
    #[allow(clippy::cast_precision_loss)]
    pub fn ratio(
        &self,
        y: impl Fn(usize) -> bool,
        x: impl Fn(usize) -> bool,
        pseudo: bool,
    ) -> Option<(f64, Interval)> {
        let n = self.size.len();
        // Per stratum: sampled rows with y, and with x.
        let (mut ys, mut xs) = (vec![0.0; n], vec![0.0; n]);
        for (row, &h) in self.codes.iter().enumerate() {
            if x(row) {
                xs[h as usize] += 1.0;
                if y(row) {
                    ys[h as usize] += 1.0;
                }
            }
        }
        let weight = |h: usize| self.size[h] / self.drawn[h];
        let y_hat: f64 = (0..n).map(|h| weight(h) * ys[h]).sum();
        let x_hat: f64 = (0..n).map(|h| weight(h) * xs[h]).sum();
        if x_hat <= 0.0 {
            return None;
        }
        let r = y_hat / x_hat;
        let mut var = 0.0;
        for h in 0..n {
            let (nh, big) = (self.drawn[h], self.size[h]);
            if nh < 2.0 {
                continue;
            }
            // d = y − r·x with indicator y ⊂ x: Σd = Y − rX, Σd² = Y − 2rY + r²X.
            let sum = ys[h] - r * xs[h];
            // Plus PSEUDO rows at the overall ratio, shared by the rows with x:
            // a stratum whose few x rows happen to agree does not claim no
            // variance.
            let extra = if pseudo {
                PSEUDO * r * (1.0 - r) * xs[h] / nh
            } else {
                0.0
            };
            let squares = ys[h] - 2.0 * r * ys[h] + r * r * xs[h] + extra;
            // Pure strata leave only rounding residue: that is no variance.
            let spread = squares - sum * sum / nh;
            let s2 = if spread <= 1e-9 * squares.abs() {
                0.0
            } else {
                spread / (nh - 1.0)
            };
            let fpc = (1.0 - nh / big).max(0.0);
            var += big * big * fpc * s2 / nh;
        }
        var /= x_hat * x_hat;
        let effective = if var > 0.0 && r > 0.0 && r < 1.0 {
            r * (1.0 - r) / var
        } else {
            x_hat
        };
        Some((r, wilson_p(r, effective)?))
    }

    /// The three shares of a tag's members: share of errors, error rate and
    /// share of data, each with its interval.
    #[must_use]
    pub fn tag_shares(&self, ds: &Dataset, members: &Bitmap) -> [Option<(f64, Interval)>; 3] {
        let tagged = |r: usize| members.get(r);
        let tagged_error = |r: usize| members.get(r) && ds.is_error(r);
        [
            self.ratio(tagged_error, |r| ds.is_error(r), true),
            self.ratio(tagged_error, tagged, true),
            self.ratio(tagged, |_| true, true),
        ]
    }
}

/// The confusion matrix of every row, each weighing its unit: tallied in
/// integers without weights ([`Confusion::from_codes`]), summed weight by
/// weight with them.
#[must_use]
pub fn confusion(ds: &Dataset) -> Confusion {
    if ds.weights.is_none() {
        Confusion::from_codes(&ds.label, &ds.pred, ds.classes.len())
    } else {
        Confusion::weighted(&ds.label, &ds.pred, ds.classes.len(), |r| ds.unit(r))
    }
}

/// Overall accuracy with its interval: the stratified one on a stratified
/// sample (exact when the strata separate errors from correct rows, as the
/// sample query's do), else the confusion matrix's.
#[must_use]
pub fn overall_accuracy(ds: &Dataset, confusion: &Confusion) -> super::metrics::Rate {
    match Strata::of(ds).and_then(|s| s.ratio(|r| !ds.is_error(r), |_| true, false)) {
        Some((value, ci)) => super::metrics::Rate {
            value: Some(value),
            ci: Some(ci),
        },
        None => confusion.accuracy().into(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_census_has_no_sampling_error() {
        // Every row drawn (weight 1): the ratio is exact, the interval is
        // Wilson's over the rows themselves.
        let s = Strata {
            codes: vec![0, 0, 0, 0, 1, 1],
            size: vec![4.0, 2.0],
            drawn: vec![4.0, 2.0],
        };
        let (r, ci) = s.ratio(|r| r == 0 || r == 4, |_| true, false).unwrap();
        assert!((r - 2.0 / 6.0).abs() < 1e-12);
        let plain = crate::core::stats::wilson(2, 6).unwrap();
        assert!((ci.lo - plain.lo).abs() < 1e-12 && (ci.hi - plain.hi).abs() < 1e-12);
    }

    #[test]
    fn weights_scale_each_stratum_to_its_size() {
        // Stratum 0: 2 of 100 rows drawn, one tagged; stratum 1: 2 of 10, none.
        let s = Strata {
            codes: vec![0, 0, 1, 1],
            size: vec![100.0, 10.0],
            drawn: vec![2.0, 2.0],
        };
        let (r, _) = s.ratio(|r| r == 0, |_| true, true).unwrap();
        assert!((r - 50.0 / 110.0).abs() < 1e-12);
        assert!(s.ratio(|_| false, |_| false, true).is_none());
    }
}
