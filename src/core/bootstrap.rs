//! Seeded bootstrap intervals for the disparity metrics of a slice.
//!
//! Resampling rows with replacement only changes how many rows fall in each
//! (group, outcome) cell, and every disparity metric is a function of those
//! counts. So a bootstrap replicate is one multinomial draw over the cells
//! (exact, via conditional binomials), which costs the same for 1,000 and
//! 10,000,000 rows.

use serde::Serialize;

use super::metrics::BinaryCounts;
use super::slices::{Disparity, Group, GroupCounts, disparity};
use super::stats::{Interval, Rng, quantile_sorted};

/// Default number of bootstrap replicates.
pub const DEFAULT_REPLICATES: usize = 1000;

/// numpy's inversion algorithm, for small means.
#[allow(
    clippy::cast_possible_truncation,
    clippy::cast_precision_loss,
    clippy::cast_sign_loss
)]
fn binomial_inversion(rng: &mut Rng, n: u64, p: f64) -> u64 {
    let q = 1.0 - p;
    let qn = (n as f64 * q.ln()).exp();
    let np = n as f64 * p;
    let bound = (np + 10.0 * (np * q + 1.0).sqrt()).min(n as f64) as u64;
    let mut x = 0u64;
    let mut px = qn;
    let mut u = rng.next_f64();
    while u > px {
        x += 1;
        if x > bound {
            x = 0;
            px = qn;
            u = rng.next_f64();
        } else {
            u -= px;
            px = ((n - x + 1) as f64 * p * px) / (x as f64 * q);
        }
    }
    x
}

/// numpy's BTPE algorithm (Kachitvichyanukul & Schmeiser), for `n p > 30`, `p <= 0.5`.
#[allow(
    clippy::cast_possible_truncation,
    clippy::cast_precision_loss,
    clippy::cast_sign_loss,
    clippy::cast_possible_wrap,
    clippy::many_single_char_names,
    clippy::too_many_lines
)]
fn binomial_btpe(rng: &mut Rng, n: u64, p: f64) -> u64 {
    let nf = n as f64;
    let r = p.min(1.0 - p);
    let q = 1.0 - r;
    let fm = nf * r + r;
    let m = fm.floor();
    let p1 = (2.195 * (nf * r * q).sqrt() - 4.6 * q).floor() + 0.5;
    let xm = m + 0.5;
    let xl = xm - p1;
    let xr = xm + p1;
    let c = 0.134 + 20.5 / (15.3 + m);
    let a = (fm - xl) / (fm - xl * r);
    let laml = a * (1.0 + a / 2.0);
    let a = (xr - fm) / (xr * q);
    let lamr = a * (1.0 + a / 2.0);
    let p2 = p1 * (1.0 + 2.0 * c);
    let p3 = p2 + c / laml;
    let p4 = p3 + c / lamr;
    let nrq = nf * r * q;
    let stirling = |x: f64| {
        let x2 = x * x;
        (13680. - (462. - (132. - (99. - 140. / x2) / x2) / x2) / x2) / x / 166_320.
    };
    loop {
        let u = rng.next_f64() * p4;
        let mut v = rng.next_f64();
        let y: f64;
        if u <= p1 {
            return (xm - p1 * v + u).floor() as u64;
        } else if u <= p2 {
            let x = xl + (u - p1) / c;
            v = v * c + 1.0 - (m - x + 0.5).abs() / p1;
            if v > 1.0 {
                continue;
            }
            y = x.floor();
        } else if u <= p3 {
            y = (xl + v.ln() / laml).floor();
            if y < 0.0 || v == 0.0 {
                continue;
            }
            v *= (u - p2) * laml;
        } else {
            y = (xr - v.ln() / lamr).floor();
            if y > nf || v == 0.0 {
                continue;
            }
            v *= (u - p3) * lamr;
        }
        let k = (y - m).abs();
        if k <= 20.0 || k >= nrq / 2.0 - 1.0 {
            // Explicit evaluation of f(y) / f(m).
            let s = r / q;
            let a = s * (nf + 1.0);
            let mut f = 1.0;
            if m < y {
                let mut i = m + 1.0;
                while i <= y {
                    f *= a / i - s;
                    i += 1.0;
                }
            } else if m > y {
                let mut i = y + 1.0;
                while i <= m {
                    f /= a / i - s;
                    i += 1.0;
                }
            }
            if v > f {
                continue;
            }
            return y as u64;
        }
        // Squeezing with the normal approximation, then Stirling's formula.
        let rho = (k / nrq) * ((k * (k / 3.0 + 0.625) + 0.166_666_666_666_666_66) / nrq + 0.5);
        let t = -k * k / (2.0 * nrq);
        let big_a = v.ln();
        if big_a < t - rho {
            return y as u64;
        }
        if big_a > t + rho {
            continue;
        }
        let x1 = y + 1.0;
        let f1 = m + 1.0;
        let z = nf + 1.0 - m;
        let w = nf - y + 1.0;
        let bound = xm * (f1 / x1).ln()
            + (nf - m + 0.5) * (z / w).ln()
            + (y - m) * (w * r / (x1 * q)).ln()
            + stirling(f1)
            + stirling(z)
            + stirling(x1)
            + stirling(w);
        if big_a > bound {
            continue;
        }
        return y as u64;
    }
}

/// A Binomial(`n`, `p`) variate, as numpy's `random_binomial`.
#[allow(clippy::cast_precision_loss)]
pub fn binomial(rng: &mut Rng, n: u64, p: f64) -> u64 {
    if n == 0 || p <= 0.0 {
        return 0;
    }
    if p >= 1.0 {
        return n;
    }
    let (small, flip) = if p <= 0.5 {
        (p, false)
    } else {
        (1.0 - p, true)
    };
    let x = if small * n as f64 <= 30.0 {
        binomial_inversion(rng, n, small)
    } else {
        binomial_btpe(rng, n, small)
    };
    if flip { n - x } else { x }
}

/// A multinomial draw of `n` items over cells with the given counts as weights.
#[allow(clippy::cast_precision_loss)]
pub fn multinomial(rng: &mut Rng, n: u64, weights: &[u64]) -> Vec<u64> {
    let mut left_weight: u64 = weights.iter().sum();
    let mut left_n = n;
    weights
        .iter()
        .map(|&w| {
            if left_n == 0 || left_weight == 0 {
                return 0;
            }
            let x = if w == left_weight {
                left_n
            } else {
                binomial(rng, left_n, w as f64 / left_weight as f64)
            };
            left_n -= x;
            left_weight -= w;
            x
        })
        .collect()
}

/// The five outcome cells of a group: TP, FP, FN, TN-correct, TN-incorrect
/// (a multi-class error between two negative classes is a TN that is wrong).
fn cells(c: &GroupCounts) -> [u64; 5] {
    let b = &c.binary;
    if b.total() == 0 {
        // No positive class: correct and incorrect only.
        return [c.correct, c.n - c.correct, 0, 0, 0];
    }
    let tn_correct = c.correct.saturating_sub(b.tp);
    [b.tp, b.fp, b.fn_, tn_correct, b.tn - tn_correct.min(b.tn)]
}

fn from_cells(x: &[u64], with_positive: bool) -> GroupCounts {
    let n: u64 = x.iter().sum();
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
) -> DisparityIntervals {
    let weights: Vec<u64> = groups.iter().flat_map(|g| cells(&g.counts)).collect();
    let total: u64 = weights.iter().sum();
    let mut rng = Rng::new(seed);
    let mut draws: Vec<Disparity> = Vec::with_capacity(replicates);
    for _ in 0..replicates {
        let x = multinomial(&mut rng, total, &weights);
        let resampled: Vec<Group> = x
            .chunks(5)
            .map(|c| Group {
                values: Vec::new(),
                counts: from_cells(c, with_positive),
            })
            .filter(|g| g.counts.n > 0)
            .collect();
        draws.push(disparity(&resampled, with_positive));
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
        let mut rng = Rng::new(3);
        // Both algorithms (inversion: n p <= 30; BTPE above) and both sides of p = 0.5.
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
        let mut rng = Rng::new(1);
        for _ in 0..100 {
            let x = multinomial(&mut rng, 1000, &[5, 0, 300, 695]);
            assert_eq!(x.iter().sum::<u64>(), 1000);
            assert_eq!(x[1], 0);
        }
    }
}
