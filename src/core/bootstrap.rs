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
    draw(rng, n, p, |n, p| rand_distr::Binomial::new(n, p).ok())
}

/// A Binomial(`n`, `p`) variate from the sampler `made` gives (`None`:
/// zero), where `n` and `p` ask for a draw at all.
fn draw(
    rng: &mut Rng,
    n: u64,
    p: f64,
    made: impl FnOnce(u64, f64) -> Option<rand_distr::Binomial>,
) -> u64 {
    if n == 0 || p.is_nan() || p <= 0.0 {
        return 0;
    }
    if p >= 1.0 {
        return n;
    }
    made(n, p).map_or(0, |b| rand::RngExt::sample(rng, b))
}

/// A multinomial draw of `n` items over cells with the given counts (or
/// sums of weights) as weights.
pub fn multinomial(rng: &mut Rng, n: u64, weights: &[f64]) -> Vec<u64> {
    let mut out = Vec::with_capacity(weights.len());
    multinomial_with(n, weights, &mut out, |n, p| binomial(rng, n, p));
    out
}

/// [`multinomial`] into `out`, each conditional binomial drawn by `binomial`.
fn multinomial_with(
    n: u64,
    weights: &[f64],
    out: &mut Vec<u64>,
    mut binomial: impl FnMut(u64, f64) -> u64,
) {
    let mut left_weight: f64 = weights.iter().sum();
    let mut left_n = n;
    out.clear();
    out.extend(weights.iter().map(|&w| {
        if left_n == 0 || left_weight <= 0.0 {
            return 0;
        }
        let x = if w >= left_weight {
            left_n
        } else {
            binomial(left_n, w / left_weight)
        };
        left_n -= x;
        left_weight -= w;
        x
    }));
}

/// Binomial samplers kept for drawing again: the replicates of one small
/// group's bootstrap ask for the same few (`n`, `p`) over and over, and
/// making a sampler costs a power, most of the time of a bootstrap over
/// hundreds of thousands of groups. The draws are those of [`binomial`]
/// and [`multinomial`]: a sampler is fixed by `n` and `p`.
#[derive(Default)]
pub struct Binomials {
    made: Vec<(u64, u64, Option<rand_distr::Binomial>)>,
}

impl Binomials {
    /// Samplers kept at most (looked up one by one; past these, made anew).
    const KEPT: usize = 32;

    /// [`binomial`], with the sampler kept.
    pub fn draw(&mut self, rng: &mut Rng, n: u64, p: f64) -> u64 {
        draw(rng, n, p, |n, p| {
            let key = p.to_bits();
            if let Some(&(_, _, made)) = self.made.iter().find(|m| m.0 == n && m.1 == key) {
                return made;
            }
            let made = rand_distr::Binomial::new(n, p).ok();
            if self.made.len() < Self::KEPT {
                self.made.push((n, key, made));
            }
            made
        })
    }

    /// [`multinomial`] into `out`, with the samplers kept.
    pub fn multinomial(&mut self, rng: &mut Rng, n: u64, weights: &[f64], out: &mut Vec<u64>) {
        multinomial_with(n, weights, out, |n, p| self.draw(rng, n, p));
    }
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
    fn kept_samplers_draw_what_new_ones_draw() {
        // Repeated and new (n, p), more of them than are kept, both
        // samplers, and the cases that draw nothing.
        let asks: Vec<(u64, f64)> = (0..2_000_u64)
            .map(|i| match i % 9 {
                0 => (0, 0.3),
                1 => (5, 0.0),
                2 => (5, 1.0),
                3 => (7, f64::NAN),
                4 => (3, 0.25),
                5 => (1 + i % 50, 0.5),
                6 => (100_000, 0.4),
                _ => (2 + i % 5, (i % 13) as f64 / 13.0),
            })
            .collect();
        let (mut a, mut b) = (rng(11), rng(11));
        let mut kept = Binomials::default();
        for &(n, p) in &asks {
            assert_eq!(
                kept.draw(&mut a, n, p),
                binomial(&mut b, n, p),
                "({n}, {p})"
            );
        }
        let mut out = Vec::new();
        for weights in [&[3.0, 1.0, 0.0, 2.0][..], &[1.0], &[], &[0.5, 0.5, 2.5]] {
            for n in [0, 1, 2, 6, 5_000] {
                kept.multinomial(&mut a, n, weights, &mut out);
                assert_eq!(out, multinomial(&mut b, n, weights), "{n} over {weights:?}");
            }
        }
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
