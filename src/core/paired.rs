//! Paired comparisons of two runs on the same examples: McNemar's exact
//! test, Newcombe's interval for the difference of paired proportions, and
//! Holm's adjustment across groups.

use serde::Serialize;

use super::stats::{Interval, wilson};

/// Correctness of the same examples under two runs: a paired 2×2 table.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct PairedTable {
    /// Right before and after.
    pub both: u64,
    /// Right before, wrong after (broken by the new run).
    pub broken: u64,
    /// Wrong before, right after (fixed by the new run).
    pub fixed: u64,
    /// Wrong before and after.
    pub neither: u64,
}

impl PairedTable {
    /// Adds one example: whether it was right before and after.
    pub fn add(&mut self, before: bool, after: bool) {
        match (before, after) {
            (true, true) => self.both += 1,
            (true, false) => self.broken += 1,
            (false, true) => self.fixed += 1,
            (false, false) => self.neither += 1,
        }
    }

    /// Adds the examples of `other`.
    pub fn absorb(&mut self, other: Self) {
        self.both += other.both;
        self.broken += other.broken;
        self.fixed += other.fixed;
        self.neither += other.neither;
    }

    /// Examples in the table.
    #[must_use]
    pub fn n(&self) -> u64 {
        self.both + self.broken + self.fixed + self.neither
    }

    /// Accuracy before.
    #[must_use]
    pub fn before(&self) -> Option<f64> {
        super::stats::ratio_u(self.both + self.broken, self.n())
    }

    /// Accuracy after.
    #[must_use]
    pub fn after(&self) -> Option<f64> {
        super::stats::ratio_u(self.both + self.fixed, self.n())
    }

    /// Wilson's 95% intervals of the accuracy before and after.
    #[must_use]
    pub fn before_after_ci(
        &self,
    ) -> (
        Option<super::stats::Interval>,
        Option<super::stats::Interval>,
    ) {
        (
            super::stats::wilson(self.both + self.broken, self.n()),
            super::stats::wilson(self.both + self.fixed, self.n()),
        )
    }

    /// After − before: (fixed − broken) / n.
    #[must_use]
    #[allow(clippy::cast_precision_loss)]
    pub fn delta(&self) -> Option<f64> {
        let n = self.n();
        (n > 0).then(|| (self.fixed as f64 - self.broken as f64) / n as f64)
    }

    /// The 95% interval of [`Self::delta`] by Newcombe's score method for
    /// paired proportions (method 10 of Newcombe 1998, Stat. Med. 17:2635):
    /// the Wilson intervals of both accuracies combined with the correlation
    /// φ of the paired table, whose numerator `AD − BC` is taken as
    /// `AD − BC − n/2` when above `n/2`, 0 between 0 and `n/2`, and as it is
    /// when negative.
    #[must_use]
    #[allow(clippy::cast_precision_loss, clippy::similar_names)]
    pub fn delta_ci(&self) -> Option<Interval> {
        let n = self.n();
        let (a, b, c, d) = (
            self.both as f64,
            self.fixed as f64,
            self.broken as f64,
            self.neither as f64,
        );
        // p1 = after = (a + b) / n, p2 = before = (a + c) / n.
        let p1 = self.after()?;
        let p2 = self.before()?;
        let w1 = wilson(self.both + self.fixed, n)?;
        let w2 = wilson(self.both + self.broken, n)?;
        let nf = n as f64;
        let denom = (a + b) * (c + d) * (a + c) * (b + d);
        let ad_bc = a * d - b * c;
        let corrected = if ad_bc > nf / 2.0 {
            ad_bc - nf / 2.0
        } else if ad_bc < 0.0 {
            ad_bc
        } else {
            0.0
        };
        let phi = if denom > 0.0 {
            corrected / denom.sqrt()
        } else {
            0.0
        };
        let (dl1, du1) = (p1 - w1.lo, w1.hi - p1);
        let (dl2, du2) = (p2 - w2.lo, w2.hi - p2);
        let theta = p1 - p2;
        let lower = (dl1 * dl1 - 2.0 * phi * dl1 * du2 + du2 * du2)
            .max(0.0)
            .sqrt();
        let upper = (dl2 * dl2 - 2.0 * phi * dl2 * du1 + du1 * du1)
            .max(0.0)
            .sqrt();
        Some(Interval::new(theta - lower, theta + upper))
    }

    /// McNemar's exact test: the two-sided binomial test of the discordant
    /// pairs against 1/2, `min(1, 2 · P(X ≤ min(fixed, broken)))` with
    /// X ~ Bin(fixed + broken, 1/2), as statsmodels'
    /// `mcnemar(table, exact=True)`. 1 when no pair is discordant.
    #[must_use]
    pub fn mcnemar_exact(&self) -> f64 {
        let m = self.fixed + self.broken;
        if m == 0 {
            return 1.0;
        }
        (2.0 * binomial_half_cdf(self.fixed.min(self.broken), m)).min(1.0)
    }
}

/// P(X ≤ k) for X ~ Bin(m, 1/2), with k ≤ m/2: the terms are summed from
/// k downwards (each is the next times i / (m − i + 1)) until they no longer
/// change the sum; the first term comes from Loader's saddle-point form of
/// the binomial probability, accurate to about 1e-15 relative at any m.
#[allow(clippy::cast_precision_loss)]
fn binomial_half_cdf(k: u64, m: u64) -> f64 {
    let mut term = binomial_half_pmf(k, m);
    let mut sum = term;
    let mut i = k;
    while i > 0 && term > sum * 1e-17 {
        term *= i as f64 / (m - i + 1) as f64;
        sum += term;
        i -= 1;
    }
    sum
}

/// P(X = k) for X ~ Bin(m, 1/2), by Loader (2000), "Fast and accurate
/// computation of binomial probabilities" (as R's `dbinom`).
#[allow(clippy::cast_precision_loss)]
fn binomial_half_pmf(k: u64, m: u64) -> f64 {
    if m == 0 {
        return 1.0;
    }
    let (x, n) = (k as f64, m as f64);
    if k == 0 || k == m {
        return (-n * std::f64::consts::LN_2).exp();
    }
    let np = n / 2.0;
    let lc = stirlerr(n) - stirlerr(x) - stirlerr(n - x) - bd0(x, np) - bd0(n - x, np);
    let f = std::f64::consts::TAU * x * (n - x) / n;
    lc.exp() / f.sqrt()
}

/// log(n!) − log(√(2π n) (n/e)^n): the error of Stirling's formula.
#[allow(clippy::cast_possible_truncation, clippy::cast_sign_loss)]
fn stirlerr(n: f64) -> f64 {
    const S0: f64 = 1.0 / 12.0;
    const S1: f64 = 1.0 / 360.0;
    const S2: f64 = 1.0 / 1260.0;
    const S3: f64 = 1.0 / 1680.0;
    const S4: f64 = 1.0 / 1188.0;
    // stirlerr(n) for n = 0, 1, ..., 15 (Loader's table, R's stirlerr.c),
    // digits as published.
    #[allow(clippy::excessive_precision)]
    const TABLE: [f64; 16] = [
        0.0,
        0.081_061_466_795_327_258_22,
        0.041_340_695_955_409_294_09,
        0.027_677_925_684_998_339_15,
        0.020_790_672_103_765_093_11,
        0.016_644_691_189_821_192_86,
        0.013_876_128_823_070_747_99,
        0.011_896_709_945_891_770_10,
        0.010_411_265_261_972_096_50,
        0.009_255_462_182_712_732_92,
        0.008_330_563_433_362_871_26,
        0.007_573_675_487_951_840_79,
        0.006_942_840_107_209_529_87,
        0.006_408_994_188_004_207_07,
        0.005_951_370_112_758_847_74,
        0.005_554_733_551_962_801_37,
    ];
    if n <= 15.0 && n.fract() == 0.0 {
        return TABLE[n as usize];
    }
    let nn = n * n;
    if n > 500.0 {
        (S0 - S1 / nn) / n
    } else if n > 80.0 {
        (S0 - (S1 - S2 / nn) / nn) / n
    } else if n > 35.0 {
        (S0 - (S1 - (S2 - S3 / nn) / nn) / nn) / n
    } else {
        (S0 - (S1 - (S2 - (S3 - S4 / nn) / nn) / nn) / nn) / n
    }
}

/// x log(x / np) + np − x, computed without cancellation (Loader's bd0).
/// The series stops when a term no longer changes the sum (an exact float
/// comparison on purpose).
#[allow(clippy::float_cmp)]
fn bd0(x: f64, np: f64) -> f64 {
    if (x - np).abs() < 0.1 * (x + np) {
        let mut v = (x - np) / (x + np);
        let mut s = (x - np) * v;
        let mut ej = 2.0 * x * v;
        v *= v;
        for j in 1..1000 {
            ej *= v;
            let s1 = s + ej / f64::from(2 * j + 1);
            if s1 == s {
                return s1;
            }
            s = s1;
        }
        s
    } else {
        x * (x / np).ln() + np - x
    }
}

/// Holm's step-down adjustment of p-values (as statsmodels'
/// `multipletests(p, method="holm")`): the i-th smallest p times (m − i),
/// made non-decreasing and capped at 1, in the input order.
#[must_use]
#[allow(clippy::cast_precision_loss)]
pub fn holm(p: &[f64]) -> Vec<f64> {
    let m = p.len();
    let mut order: Vec<usize> = (0..m).collect();
    order.sort_by(|&a, &b| p[a].total_cmp(&p[b]));
    let mut out = vec![0.0; m];
    let mut running = 0.0_f64;
    for (rank, &i) in order.iter().enumerate() {
        let adjusted = ((m - rank) as f64 * p[i]).min(1.0);
        running = running.max(adjusted);
        out[i] = running;
    }
    out
}
