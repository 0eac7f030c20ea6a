//! Seeded bootstrap resampling of counts, and its budget.
//!
//! Resampling rows with replacement only changes how many rows fall in each
//! cell of a table of counts, so a bootstrap replicate is one multinomial
//! draw over the cells (exact, via conditional binomials), which costs the
//! same for 1,000 and 10,000,000 rows. Draws come from `rand_distr` with a
//! seeded PCG-64. The disparity intervals built on it are in
//! `core::slices::disparity`; the calibration intervals in
//! `core::calibration`.

use super::stats::Rng;

/// Default number of bootstrap replicates.
pub const DEFAULT_REPLICATES: usize = 1000;

/// The most group resamples (groups × replicates) one slice's bootstrap
/// draws: each costs five binomial draws, so 20 million take about eight
/// seconds on one core of the build machine (10,000 groups × 2,000
/// replicates); more are refused up front rather than left to run for
/// minutes or hours.
pub const MAX_GROUP_RESAMPLES: u64 = 20_000_000;

/// A bootstrap that would draw more than [`MAX_GROUP_RESAMPLES`].
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error(
    "--bootstrap {replicates} over the {groups} groups of {slice} would draw {} group resamples, more than the {} Slicewise draws for one slice (seconds, not minutes); ask for at most {} replicates, or slice by a coarser column (bin it, or group its rare values)",
    super::format::count(*groups as u64 * *replicates as u64),
    super::format::count(MAX_GROUP_RESAMPLES),
    super::format::count(MAX_GROUP_RESAMPLES / (*groups as u64).max(1))
)]
pub struct BudgetError {
    /// The slice.
    pub slice: String,
    /// Its groups.
    pub groups: usize,
    /// The replicates asked for.
    pub replicates: usize,
}

/// Refuses a bootstrap of `replicates` over `groups` groups that would
/// draw more than [`MAX_GROUP_RESAMPLES`] group resamples.
///
/// # Errors
/// A [`BudgetError`] naming the slice and the most replicates allowed.
pub fn check_budget(groups: usize, replicates: usize, slice: &str) -> Result<(), BudgetError> {
    if (groups as u64).saturating_mul(replicates as u64) > MAX_GROUP_RESAMPLES {
        return Err(BudgetError {
            slice: slice.to_string(),
            groups,
            replicates,
        });
    }
    Ok(())
}

/// A Binomial(`n`, `p`) variate (`rand_distr`'s BTPE / inversion sampler).
pub fn binomial(rng: &mut Rng, n: u64, p: f64) -> u64 {
    if n == 0 || p.is_nan() || p <= 0.0 {
        return 0;
    }
    if p >= 1.0 {
        return n;
    }
    rand_distr::Binomial::new(n, p).map_or(0, |b| rand::RngExt::sample(rng, b))
}

/// A multinomial draw of `n` items over cells with the given counts (or
/// sums of weights) as weights.
pub fn multinomial(rng: &mut Rng, n: u64, weights: &[f64]) -> Vec<u64> {
    let mut left_weight: f64 = weights.iter().sum();
    let mut left_n = n;
    weights
        .iter()
        .map(|&w| {
            if left_n == 0 || left_weight <= 0.0 {
                return 0;
            }
            let x = if w >= left_weight {
                left_n
            } else {
                binomial(rng, left_n, w / left_weight)
            };
            left_n -= x;
            left_weight -= w;
            x
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::core::stats::rng;

    #[allow(clippy::cast_precision_loss)]
    fn mean_var(draws: &[u64]) -> (f64, f64) {
        let n = draws.len() as f64;
        let mean = draws.iter().map(|&x| x as f64).sum::<f64>() / n;
        let var = draws
            .iter()
            .map(|&x| (x as f64 - mean).powi(2))
            .sum::<f64>()
            / (n - 1.0);
        (mean, var)
    }

    #[test]
    #[allow(clippy::cast_precision_loss)]
    fn binomial_draws_have_the_right_mean_and_variance() {
        let mut rng = rng(3);
        // Both samplers (inversion for small n p, BTPE above) and both sides of p = 0.5.
        for (n, p) in [
            (20u64, 0.3),
            (200, 0.1),
            (10_000, 0.02),
            (1_000_000, 0.37),
            (5_000, 0.9),
            (50, 0.999),
        ] {
            let draws: Vec<u64> = (0..20_000).map(|_| binomial(&mut rng, n, p)).collect();
            assert!(draws.iter().all(|&x| x <= n));
            let (mean, var) = mean_var(&draws);
            let (m, v) = (n as f64 * p, n as f64 * p * (1.0 - p));
            let se = (v / 20_000.0).sqrt();
            assert!(
                (mean - m).abs() < 5.0 * se + 1e-9,
                "n={n} p={p}: mean {mean} vs {m}"
            );
            assert!(
                (var / v - 1.0).abs() < 0.06,
                "n={n} p={p}: var {var} vs {v}"
            );
        }
    }

    #[test]
    fn multinomial_keeps_the_total() {
        let mut rng = rng(1);
        for _ in 0..100 {
            let x = multinomial(&mut rng, 1000, &[5.0, 0.0, 300.0, 695.0]);
            assert_eq!(x.iter().sum::<u64>(), 1000);
            assert_eq!(x[1], 0);
        }
    }
}
