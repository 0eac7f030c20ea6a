//! Small statistical building blocks: proportions with Wilson intervals,
//! a seedable random number generator for bootstrap and data generation.

use serde::Serialize;

/// The normal quantile for a two-sided 95% interval.
pub const Z95: f64 = 1.959_963_984_540_054;

/// A ratio `numerator / denominator` that is `None` when the denominator is 0.
#[must_use]
pub fn ratio(numerator: f64, denominator: f64) -> Option<f64> {
    (denominator != 0.0).then(|| numerator / denominator)
}

/// A ratio of counts; `None` when `denominator` is 0.
#[must_use]
#[allow(clippy::cast_precision_loss)]
pub fn ratio_u(numerator: u64, denominator: u64) -> Option<f64> {
    (denominator != 0).then(|| numerator as f64 / denominator as f64)
}

/// A closed interval `[lo, hi]`.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Interval {
    /// Lower bound.
    pub lo: f64,
    /// Upper bound.
    pub hi: f64,
}

impl Interval {
    /// The interval `[lo, hi]`.
    #[must_use]
    pub const fn new(lo: f64, hi: f64) -> Self {
        Self { lo, hi }
    }

    /// Whether `x` lies inside the interval (bounds included).
    #[must_use]
    pub fn contains(&self, x: f64) -> bool {
        self.lo <= x && x <= self.hi
    }

    /// `1 - x` for every point: maps an error-rate interval onto an accuracy interval.
    #[must_use]
    pub fn complement(self) -> Self {
        Self::new(1.0 - self.hi, 1.0 - self.lo)
    }
}

/// The Wilson score interval for `successes` out of `trials` at 95%.
///
/// Equals `statsmodels.stats.proportion.proportion_confint(k, n, method="wilson")`.
/// `None` when `trials` is 0.
#[must_use]
#[allow(clippy::cast_precision_loss)]
pub fn wilson(successes: u64, trials: u64) -> Option<Interval> {
    if trials == 0 {
        return None;
    }
    let n = trials as f64;
    let p = successes as f64 / n;
    let z2 = Z95 * Z95;
    let denom = 1.0 + z2 / n;
    let centre = (p + z2 / (2.0 * n)) / denom;
    let half = Z95 / denom * (p * (1.0 - p) / n + z2 / (4.0 * n * n)).sqrt();
    Some(Interval::new(
        (centre - half).max(0.0),
        (centre + half).min(1.0),
    ))
}

/// A proportion `k / n` with its Wilson 95% interval; both `None` when `n` is 0.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Proportion {
    /// Successes.
    pub k: u64,
    /// Trials.
    pub n: u64,
}

impl Proportion {
    /// `k` out of `n`.
    #[must_use]
    pub const fn new(k: u64, n: u64) -> Self {
        Self { k, n }
    }

    /// The point estimate, `None` when `n` is 0.
    #[must_use]
    pub fn value(&self) -> Option<f64> {
        ratio_u(self.k, self.n)
    }

    /// The Wilson 95% interval, `None` when `n` is 0.
    #[must_use]
    pub fn ci(&self) -> Option<Interval> {
        wilson(self.k, self.n)
    }
}

/// The seeded random generator of bootstrap resamples, review shuffles and
/// generated data: PCG-64 (MCG variant), whose output for a seed is fixed
/// across platforms and `rand_pcg` versions.
pub type Rng = rand_pcg::Pcg64Mcg;

/// A generator seeded with `seed`.
#[must_use]
pub fn rng(seed: u64) -> Rng {
    rand::SeedableRng::seed_from_u64(seed)
}

/// The `q`-quantile (0..=1) of sorted data with linear interpolation
/// (numpy's default `linear` method). `None` for empty data.
#[must_use]
#[allow(
    clippy::cast_precision_loss,
    clippy::cast_possible_truncation,
    clippy::cast_sign_loss
)]
pub fn quantile_sorted(sorted: &[f64], q: f64) -> Option<f64> {
    if sorted.is_empty() {
        return None;
    }
    let pos = q.clamp(0.0, 1.0) * (sorted.len() - 1) as f64;
    let lo = pos.floor() as usize;
    let hi = pos.ceil() as usize;
    let frac = pos - lo as f64;
    Some(sorted[lo] + (sorted[hi] - sorted[lo]) * frac)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wilson_matches_known_values() {
        // statsmodels proportion_confint(8, 10, method="wilson")
        let ci = wilson(8, 10).unwrap();
        assert!((ci.lo - 0.490_162_471_536_641_83).abs() < 1e-12, "{ci:?}");
        assert!((ci.hi - 0.943_317_848_545_624_7).abs() < 1e-12, "{ci:?}");
        assert!(wilson(0, 0).is_none());
        let zero = wilson(0, 25).unwrap();
        assert!(zero.lo.abs() < 1e-15 && zero.hi > 0.1);
    }

    #[test]
    fn rng_is_deterministic_and_uniform_enough() {
        use rand::{Rng as _, RngExt as _};
        let mut a = rng(7);
        let mut b = rng(7);
        let xs: Vec<u64> = (0..100).map(|_| a.next_u64()).collect();
        let ys: Vec<u64> = (0..100).map(|_| b.next_u64()).collect();
        assert_eq!(xs, ys);
        let mut r = rng(1);
        let mean = (0..100_000).map(|_| r.random::<f64>()).sum::<f64>() / 100_000.0;
        assert!((mean - 0.5).abs() < 0.01);
        assert!((0..1000).all(|_| r.random_range(0..6u64) < 6));
    }

    #[test]
    fn quantiles_interpolate_like_numpy() {
        let v = [1.0, 2.0, 3.0, 4.0];
        assert_eq!(quantile_sorted(&v, 0.5), Some(2.5));
        assert_eq!(quantile_sorted(&v, 0.0), Some(1.0));
        assert_eq!(quantile_sorted(&v, 1.0), Some(4.0));
        assert_eq!(quantile_sorted(&[], 0.5), None);
    }
}
