//! Seeded bootstrap intervals for the disparity metrics of a slice.
//!
//! Resampling rows with replacement only changes how many rows fall in each
//! (group, outcome) cell, and every disparity metric is a function of those
//! counts. So a bootstrap replicate is one multinomial draw over the cells
//! (exact, via conditional binomials), which costs the same for 1,000 and
//! 10,000,000 rows. Draws come from `rand_distr` with a seeded PCG-64.

use serde::Serialize;

use super::metrics::BinaryCounts;
use super::slices::{Disparity, Group, GroupCounts, disparity};
use super::stats::{Count, Interval, Rng, quantile_sorted, rng};

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
    super::render::count(*groups as u64 * *replicates as u64),
    super::render::count(MAX_GROUP_RESAMPLES),
    super::render::count(MAX_GROUP_RESAMPLES / (*groups as u64).max(1))
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

/// The five outcome cells of a group: TP, FP, FN, TN-correct, TN-incorrect
/// (a multi-class error between two negative classes is a TN that is wrong).
fn cells(c: &GroupCounts) -> [Count; 5] {
    let b = &c.binary;
    let zero = Count::ZERO;
    if b.total().w == 0.0 {
        // No positive class: correct and incorrect only.
        return [c.correct, c.n - c.correct, zero, zero, zero];
    }
    let tn_correct = if c.correct.w > b.tp.w {
        c.correct - b.tp
    } else {
        zero
    };
    let tn_correct_in_tn = if tn_correct.w < b.tn.w {
        tn_correct
    } else {
        b.tn
    };
    [b.tp, b.fp, b.fn_, tn_correct, b.tn - tn_correct_in_tn]
}

fn from_cells(x: &[u64], with_positive: bool) -> GroupCounts {
    let x: Vec<Count> = x.iter().map(|&v| Count::unweighted(v)).collect();
    let n: Count = x.iter().sum();
    if with_positive {
        GroupCounts {
            n,
            correct: x[0] + x[3],
            binary: BinaryCounts {
                tp: x[0],
                fp: x[1],
                fn_: x[2],
                tn: x[3] + x[4],
            },
            ..GroupCounts::default()
        }
    } else {
        GroupCounts {
            n,
            correct: x[0],
            ..GroupCounts::default()
        }
    }
}

/// Percentile intervals of every disparity metric.
#[derive(Debug, Clone, Copy, PartialEq, Default, Serialize)]
pub struct DisparityIntervals {
    /// Replicates drawn.
    pub replicates: usize,
    /// Seed used.
    pub seed: u64,
    /// Demographic parity difference.
    pub demographic_parity_difference: Option<Interval>,
    /// Demographic parity ratio.
    pub demographic_parity_ratio: Option<Interval>,
    /// Equalized odds difference.
    pub equalized_odds_difference: Option<Interval>,
    /// Equalized odds ratio.
    pub equalized_odds_ratio: Option<Interval>,
    /// Accuracy difference.
    pub accuracy_difference: Option<Interval>,
    /// Accuracy ratio.
    pub accuracy_ratio: Option<Interval>,
}

/// Bootstrap 95% percentile intervals (numpy's linear percentiles) of the
/// disparities between `groups`, from `replicates` resamples with `seed`.
#[must_use]
pub fn disparity_intervals(
    groups: &[Group],
    with_positive: bool,
    replicates: usize,
    seed: u64,
    progress: Option<&std::sync::atomic::AtomicU64>,
) -> DisparityIntervals {
    let cells: Vec<Count> = groups.iter().flat_map(|g| cells(&g.counts)).collect();
    let weights: Vec<f64> = cells.iter().map(|c| c.w).collect();
    // Weighted rows: as many draws as the rows' effective sample size (the
    // number of rows, or the sum of whole-number weights).
    #[allow(clippy::cast_possible_truncation, clippy::cast_sign_loss)]
    let total = cells.iter().sum::<Count>().effective().round() as u64;
    let mut rng = rng(seed);
    let mut draws: Vec<Disparity> = Vec::with_capacity(replicates);
    for _ in 0..replicates {
        let x = multinomial(&mut rng, total, &weights);
        let resampled: Vec<Group> = x
            .chunks(5)
            .map(|c| Group {
                values: Vec::new(),
                counts: from_cells(c, with_positive),
                cell: 0,
            })
            .filter(|g| g.counts.n.w > 0.0)
            .collect();
        draws.push(disparity(&resampled, with_positive));
        if let Some(p) = progress {
            p.fetch_add(groups.len() as u64, std::sync::atomic::Ordering::Relaxed);
        }
    }
    let point = disparity(groups, with_positive);
    // Percentile intervals. The spread statistics (max − min, min / max) are
    // biased away from "no disparity", so when groups are nearly equal every
    // resample can land on one side of the estimate: the interval is then
    // extended to include the estimate itself.
    let interval = |pick: fn(&Disparity) -> Option<f64>| {
        let mut v: Vec<f64> = draws
            .iter()
            .filter_map(pick)
            .filter(|x| x.is_finite())
            .collect();
        if v.len() < replicates / 2 || v.is_empty() {
            return None;
        }
        v.sort_by(f64::total_cmp);
        let (lo, hi) = (quantile_sorted(&v, 0.025)?, quantile_sorted(&v, 0.975)?);
        let p = pick(&point)?;
        Some(Interval::new(lo.min(p), hi.max(p)))
    };
    DisparityIntervals {
        replicates,
        seed,
        demographic_parity_difference: interval(|d| d.demographic_parity_difference),
        demographic_parity_ratio: interval(|d| d.demographic_parity_ratio),
        equalized_odds_difference: interval(|d| d.equalized_odds_difference),
        equalized_odds_ratio: interval(|d| d.equalized_odds_ratio),
        accuracy_difference: interval(|d| d.accuracy_difference),
        accuracy_ratio: interval(|d| d.accuracy_ratio),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

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
