//! Calibration of probability-like scores, and what abstaining on low
//! confidence buys.
//!
//! A score is calibrated when, among rows scored about `p`, a share `p` is
//! right. The reliability diagram bins the scores (equal width on [0, 1] as
//! scikit-learn's `calibration_curve(strategy="uniform")`, or equal mass) and
//! compares each bin's mean score with its observed rate; the expected
//! calibration error (ECE) is the count-weighted mean gap, the maximum
//! calibration error (MCE) the largest. Two bases: the score of the positive
//! class against "is positive", or the top-label confidence (the score of
//! the predicted class) against "is correct".
//!
//! The risk–coverage curve ranks rows by confidence: abstaining below a
//! threshold keeps a share of the rows (coverage) at some accuracy.

mod coverage;

pub use coverage::{MAX_POINTS, RiskCoverage};

use rayon::prelude::*;
use serde::Serialize;

use super::dataset::Dataset;
use super::stats::{Count, Interval, Members, Proportion, quantile_sorted, rng};
use super::thresholds::ScoreMeaning;

/// Default number of reliability bins.
pub const DEFAULT_BINS: usize = 15;
/// Most reliability bins accepted.
pub const MAX_BINS: usize = 1000;
/// Bootstrap replicates of the ECE interval.
const REPLICATES: usize = 1000;
/// Bootstrap replicates of the ECE interval of each slice group.
const GROUP_REPLICATES: usize = 200;

/// What a calibration is of.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Basis {
    /// The score of the predicted class against "the prediction is right".
    TopLabel,
    /// The score of the positive class against "the row is positive".
    Positive,
}

/// How the bins are made.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Binning {
    /// Equal width on [0, 1].
    Uniform,
    /// Equal numbers of rows (quantiles of the scores).
    Quantile,
}

/// One bin of a reliability diagram.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct ReliabilityBin {
    /// Lower edge.
    pub low: f64,
    /// Upper edge.
    pub high: f64,
    /// Rows in the bin.
    pub count: Count,
    /// Mean score in the bin (`None` when empty).
    pub confidence: Option<f64>,
    /// Share of rows that are right (or positive) in the bin.
    pub accuracy: Option<f64>,
    /// Wilson 95% interval of that share.
    pub accuracy_ci: Option<Interval>,
}

/// A calibration summary.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Calibration {
    /// What is calibrated.
    pub basis: Basis,
    /// How the bins are made.
    pub binning: Binning,
    /// Number of bins.
    pub bins: usize,
    /// Rows with a score.
    pub rows: Count,
    /// Expected calibration error.
    pub ece: Option<f64>,
    /// Its 95% interval (see [`calibrate`]).
    pub ece_ci: Option<Interval>,
    /// Maximum calibration error over non-empty bins.
    pub mce: Option<f64>,
    /// Brier score: mean squared difference of score and outcome.
    pub brier: Option<f64>,
    /// The reliability diagram.
    pub reliability: Vec<ReliabilityBin>,
}

/// Bin edges: `bins + 1` values from 0 to 1, or quantiles of `scores`.
#[allow(clippy::cast_precision_loss)]
fn edges(scores: &[(f64, bool, Count)], bins: usize, binning: Binning) -> Vec<f64> {
    match binning {
        Binning::Uniform => uniform_edges(bins),
        Binning::Quantile => {
            let mut sorted: Vec<(f64, f64)> = scores.iter().map(|p| (p.0, p.2.w)).collect();
            sorted.sort_by(|a, b| a.0.total_cmp(&b.0));
            (0..=bins)
                .map(|i| weighted_quantile(&sorted, i as f64 / bins as f64).unwrap_or(0.0))
                .collect()
        }
    }
}

/// Calibration of `scores` (NaN rows left out) against `outcome` (right, or
/// positive), with `bins` bins. See [`calibrate_pairs`].
#[must_use]
pub fn calibrate(
    scores: &[f64],
    outcome: impl Fn(usize) -> bool + Sync,
    unit: impl Fn(usize) -> Count + Sync,
    bins: usize,
    binning: Binning,
    basis: Basis,
) -> Calibration {
    let present = || scores.iter().enumerate().filter(|(_, s)| !s.is_nan());
    if binning == Binning::Uniform {
        // Fixed edges: one pass over the rows (on all cores), no copy of
        // the scores.
        return GroupedBins::fill(scores, &outcome, &unit, &|_| 0, 1, bins)
            .group(0)
            .finish(binning, basis, REPLICATES);
    }
    let pairs: Vec<(f64, bool, Count)> =
        present().map(|(i, &s)| (s, outcome(i), unit(i))).collect();
    calibrate_pairs(&pairs, bins, binning, basis)
}

/// Calibration of (score, outcome) pairs with `bins` bins. A score goes to
/// the bin numpy's `searchsorted(inner_edges, score)` gives, as
/// scikit-learn's `calibration_curve` does: bins are `(low, high]`, the
/// first `[0, high]`. The ECE interval is a seeded bootstrap over the bins:
/// each replicate redraws the rows per bin and the right ones per bin
/// (multinomial, then binomial), keeping each bin's mean score; it costs the
/// same at any row count.
#[must_use]
#[allow(clippy::cast_precision_loss)]
pub fn calibrate_pairs(
    pairs: &[(f64, bool, Count)],
    bins: usize,
    binning: Binning,
    basis: Basis,
) -> Calibration {
    calibrate_with(pairs, bins, binning, basis, REPLICATES)
}

fn calibrate_with(
    pairs: &[(f64, bool, Count)],
    bins: usize,
    binning: Binning,
    basis: Basis,
    replicates: usize,
) -> Calibration {
    let bins = bins.clamp(1, MAX_BINS);
    let mut acc = Bins::new(edges(pairs, bins, binning));
    for &(s, y, unit) in pairs {
        acc.add(s, y, unit);
    }
    acc.finish(binning, basis, replicates)
}

/// `bins` equal-width bins on [0, 1], as numpy's `linspace`: `i * step`,
/// the last edge exactly 1.
#[allow(clippy::cast_precision_loss)]
fn uniform_edges(bins: usize) -> Vec<f64> {
    let step = 1.0 / bins as f64;
    (0..=bins)
        .map(|i| if i == bins { 1.0 } else { i as f64 * step })
        .collect()
}

/// Reliability bins being filled, one score at a time.
struct Bins {
    edges: Vec<f64>,
    /// Whether the edges are [`uniform_edges`]: a score's bin is then
    /// guessed from the score and only checked against its edges.
    uniform: bool,
    count: Vec<Count>,
    sum: Vec<f64>,
    right: Vec<Count>,
    /// Rows of unit weight (every row without weights), and the right ones
    /// among them, counted in integers: added to `count` and `right` at the
    /// end, exactly as adding ones would (floating-point counts made each
    /// row wait on the last one's sum).
    ones: Vec<u64>,
    ones_right: Vec<u64>,
    squares: f64,
}

impl Bins {
    fn new(edges: Vec<f64>) -> Self {
        let bins = edges.len().saturating_sub(1).max(1);
        Self {
            uniform: edges == uniform_edges(bins),
            edges,
            count: vec![Count::ZERO; bins],
            sum: vec![0.0; bins],
            right: vec![Count::ZERO; bins],
            ones: vec![0; bins],
            ones_right: vec![0; bins],
            squares: 0.0,
        }
    }

    /// About the bytes of `bins` equal-width bins.
    fn bytes(bins: usize) -> usize {
        std::mem::size_of::<Self>() + (bins + 1) * 8 + bins * 56
    }

    /// The bin of score `s`: how many inner edges lie below it (numpy's
    /// `searchsorted`, side left, on the inner edges).
    #[inline]
    fn bin(&self, s: f64) -> usize {
        let bins = self.count.len();
        let inner = &self.edges[1..bins];
        if !self.uniform {
            return inner.partition_point(|&e| e < s);
        }
        uniform_bin(inner, s)
    }

    #[inline]
    fn add(&mut self, s: f64, y: bool, unit: Count) {
        let b = self.bin(s);
        if unit == Count::ONE {
            self.ones[b] += 1;
            self.ones_right[b] += u64::from(y);
            self.sum[b] += s;
            let d = s - f64::from(u8::from(y));
            self.squares += d * d;
            return;
        }
        self.count[b] += unit;
        self.sum[b] += unit.w * s;
        if y {
            self.right[b] += unit;
        }
        let d = s - f64::from(u8::from(y));
        self.squares += unit.w * d * d;
    }

    fn finish(self, binning: Binning, basis: Basis, replicates: usize) -> Calibration {
        let Self {
            edges,
            uniform: _,
            mut count,
            sum,
            mut right,
            ones,
            ones_right,
            squares,
        } = self;
        for (c, n) in count.iter_mut().zip(ones) {
            *c += Count::unweighted(n);
        }
        for (r, n) in right.iter_mut().zip(ones_right) {
            *r += Count::unweighted(n);
        }
        let bins = count.len();
        let n: Count = count.iter().sum();
        let reliability: Vec<ReliabilityBin> = (0..bins)
            .map(|b| {
                let accuracy = Proportion::new(right[b], count[b]);
                ReliabilityBin {
                    low: edges[b],
                    high: edges[b + 1],
                    count: count[b],
                    confidence: (count[b].w > 0.0).then(|| sum[b] / count[b].w),
                    accuracy: accuracy.value(),
                    accuracy_ci: accuracy.ci(),
                }
            })
            .collect();
        let (ece, mce) = errors(&reliability, n.w);
        Calibration {
            basis,
            binning,
            bins,
            rows: n,
            ece,
            ece_ci: ece.and_then(|e| ece_interval(&reliability, n, e, replicates)),
            mce,
            brier: (n.w > 0.0).then(|| squares / n.w),
            reliability,
        }
    }
}

/// The `q`-quantile of sorted (value, weight) pairs: numpy's linear
/// quantile of the data with each value repeated `weight` times (exact for
/// whole-number weights, so a count cube bins as its raw rows; the same
/// formula for fractional weights).
fn weighted_quantile(sorted: &[(f64, f64)], q: f64) -> Option<f64> {
    let cumulative: Vec<f64> = sorted
        .iter()
        .scan(0.0, |seen, p| {
            *seen += p.1;
            Some(*seen)
        })
        .collect();
    let total = *cumulative.last()?;
    if total <= 0.0 {
        return None;
    }
    let pos = q.clamp(0.0, 1.0) * (total - 1.0).max(0.0);
    // The value at 0-based position `k` of the repeated data.
    let at = |k: f64| {
        let i = cumulative.partition_point(|&seen| seen <= k);
        sorted[i.min(sorted.len() - 1)].0
    };
    let (lo, hi) = (pos.floor(), pos.ceil());
    let (a, b) = (at(lo), at(hi));
    Some(a + (b - a) * (pos - lo))
}

/// Scores, the outcome per row, and what the scores are of.
pub type Inputs<'a> = (std::borrow::Cow<'a, [f64]>, Vec<bool>, Basis);

/// The calibration inputs of a dataset: the scores, the outcome per row and
/// the basis. Complete per-class probabilities give the top-label
/// confidence (the probability of the predicted class); a score column read
/// as a confidence gives itself; read as the score of the positive class
/// (with one), it is calibrated against "is positive". Only probabilities
/// are calibrated: `None` when a score leaves [0, 1] (a decile score, a
/// logit).
#[must_use]
pub fn inputs(ds: &Dataset, positive: Option<u32>, meaning: ScoreMeaning) -> Option<Inputs<'_>> {
    if let Some(conf) = top_label_confidence(ds, meaning) {
        let right = (0..ds.rows()).map(|i| !ds.is_error(i)).collect();
        return is_probability(&conf).then_some((conf, right, Basis::TopLabel));
    }
    let p = positive?;
    let scores = std::borrow::Cow::Borrowed(ds.score.as_deref()?);
    let is_positive = ds.label.iter().map(|&l| l == p).collect();
    is_probability(&scores).then_some((scores, is_positive, Basis::Positive))
}

/// Whether every score that is present lies in [0, 1].
#[must_use]
pub fn is_probability(scores: &[f64]) -> bool {
    // On all cores: the report asks before its passes start, on one core
    // while the other waits (10 ms at 10M rows).
    scores
        .par_iter()
        .with_min_len(1 << 16)
        .all(|s| s.is_nan() || (0.0..=1.0).contains(s))
}

/// The top-label confidence of each row (NaN where unknown): the probability
/// of the predicted class when every class has a probability column, else
/// the score column when it is read as a confidence.
#[must_use]
pub fn top_label_confidence(
    ds: &Dataset,
    meaning: ScoreMeaning,
) -> Option<std::borrow::Cow<'_, [f64]>> {
    if let Some(p) = &ds.probas
        && p.complete(ds.classes.len())
    {
        return Some(
            (0..ds.rows())
                .map(|i| p.of(ds.pred[i]).map_or(f64::NAN, |v| v[i]))
                .collect(),
        );
    }
    match meaning {
        ScoreMeaning::Confidence => ds.score.as_deref().map(std::borrow::Cow::Borrowed),
        ScoreMeaning::Positive => None,
    }
}

/// Calibration per group: `cell` gives each row's group, of `groups`; each
/// group's is handed to `each` as soon as it is made, and what `each` keeps
/// is returned in group order (a caller wanting only the errors does not
/// hold every group's reliability diagram: at 865,000 groups those took
/// more memory than the rows). The groups are finished on all cores; the
/// ECE intervals use fewer replicates than the overall one (200), so many
/// groups stay cheap.
#[allow(clippy::too_many_arguments)]
pub fn by_group<T: Send>(
    scores: &[f64],
    outcome: &[bool],
    unit: impl Fn(usize) -> Count + Sync,
    cell: impl Fn(usize) -> usize + Sync,
    groups: usize,
    bins: usize,
    basis: Basis,
    each: impl Fn(Calibration) -> T + Sync,
) -> Vec<T> {
    let bins = bins.clamp(1, MAX_BINS);
    let finish = |b: Bins| each(b.finish(Binning::Uniform, basis, GROUP_REPLICATES));
    // Equal-width bins need no data: every group fills its own in one pass
    // over the rows (on all cores), in flat (group, bin) arrays that cost
    // their bytes whether a cell has rows or not. Where those would take
    // more than listing each group's rows (a column of user ids: 865,000
    // groups at 1,000 bins asked for 48 GB), each group's rows are listed
    // and its bins filled from them, one group at a time on each core.
    let flat = groups.saturating_mul(Bins::bytes(bins));
    let members = (flat > FLAT_BYTES.max(scores.len().saturating_mul(8)))
        .then(|| {
            Members::of(scores.len(), groups, |i| {
                (!scores[i].is_nan()).then(|| cell(i))
            })
        })
        .flatten();
    let Some(members) = members else {
        let outcome = |i: usize| outcome[i];
        let acc = GroupedBins::fill(scores, &outcome, &unit, &cell, groups, bins);
        return (0..groups)
            .into_par_iter()
            .map(|g| finish(acc.group(g)))
            .collect();
    };
    (0..groups)
        .into_par_iter()
        .map(|g| {
            let mut acc = Bins::new(uniform_edges(bins));
            for &r in members.of_group(g) {
                let i = r as usize;
                acc.add(scores[i], outcome[i], unit(i));
            }
            finish(acc)
        })
        .collect()
}

/// Bytes of flat per-group bins [`by_group`] always allows (past these, and
/// past 8 bytes a row, it lists each group's rows instead).
const FLAT_BYTES: usize = 64 << 20;

/// The bin of score `s` among equal-width bins with inner edges `inner`:
/// how many inner edges lie below it. Up to 64 edges they are all compared
/// (no branch: 2-3 times faster than checking a guess, whose branches
/// stalled on every row); past that, the guess from the score is the bin
/// or next to it and stepping to the exact count costs a comparison or two,
/// where a binary search branched unpredictably on every row.
#[inline]
fn uniform_bin(inner: &[f64], s: f64) -> usize {
    if inner.len() <= 64 {
        return inner.iter().map(|&e| usize::from(e < s)).sum();
    }
    #[allow(
        clippy::cast_possible_truncation,
        clippy::cast_sign_loss,
        clippy::cast_precision_loss
    )]
    let mut b = ((s * (inner.len() + 1) as f64) as usize).min(inner.len());
    while b > 0 && inner[b - 1] >= s {
        b -= 1;
    }
    while b < inner.len() && inner[b] < s {
        b += 1;
    }
    b
}

/// Equal-width reliability bins of several groups being filled, each
/// group's bins side by side in flat arrays, which a part's loop keeps at
/// hand: what [`Bins`] holds for one group, summed in the same order, so
/// the same numbers.
struct GroupedBins {
    bins: usize,
    /// Rows of unit weight and the right ones among them, per (group, bin).
    ones: Vec<u64>,
    ones_right: Vec<u64>,
    /// Weighted rows and the right ones among them, per (group, bin).
    count: Vec<Count>,
    right: Vec<Count>,
    /// Sum of (weighted) scores per (group, bin).
    sum: Vec<f64>,
    /// Sum of (weighted) squared differences of score and outcome, per group.
    squares: Vec<f64>,
}

impl GroupedBins {
    fn new(groups: usize, bins: usize) -> Self {
        let cells = groups * bins;
        Self {
            bins,
            ones: vec![0; cells],
            ones_right: vec![0; cells],
            count: vec![Count::ZERO; cells],
            right: vec![Count::ZERO; cells],
            sum: vec![0.0; cells],
            squares: vec![0.0; groups],
        }
    }

    /// Fills the bins of `groups` groups (`cell` gives a row's) from the
    /// rows with a score, on all cores.
    fn fill(
        scores: &[f64],
        outcome: &(impl Fn(usize) -> bool + Sync),
        unit: &(impl Fn(usize) -> Count + Sync),
        cell: &(impl Fn(usize) -> usize + Sync),
        groups: usize,
        bins: usize,
    ) -> Self {
        let bins = bins.clamp(1, MAX_BINS);
        let edges = uniform_edges(bins);
        let inner = &edges[1..bins];
        crate::core::stats::fold_ranges(
            scores.len(),
            // The parts of the one-group-at-a-time accumulator this replaced,
            // so its sums come out as before.
            groups.saturating_mul(Bins::bytes(bins)),
            || Self::new(groups, bins),
            |acc, rows| {
                let Self {
                    bins,
                    ones,
                    ones_right,
                    count,
                    right,
                    sum,
                    squares,
                } = acc;
                let bins = *bins;
                for i in rows {
                    let s = scores[i];
                    if s.is_nan() {
                        continue;
                    }
                    let g = cell(i);
                    let at = g * bins + uniform_bin(inner, s);
                    let y = outcome(i);
                    let unit = unit(i);
                    let d = s - f64::from(u8::from(y));
                    if unit == Count::ONE {
                        ones[at] += 1;
                        ones_right[at] += u64::from(y);
                        sum[at] += s;
                        squares[g] += d * d;
                    } else {
                        count[at] += unit;
                        sum[at] += unit.w * s;
                        if y {
                            right[at] += unit;
                        }
                        squares[g] += unit.w * d * d;
                    }
                }
            },
            Self::merge,
        )
    }

    fn merge(&mut self, other: Self) {
        for (a, b) in self.ones.iter_mut().zip(other.ones) {
            *a += b;
        }
        for (a, b) in self.ones_right.iter_mut().zip(other.ones_right) {
            *a += b;
        }
        for (a, b) in self.count.iter_mut().zip(other.count) {
            *a += b;
        }
        for (a, b) in self.right.iter_mut().zip(other.right) {
            *a += b;
        }
        for (a, b) in self.sum.iter_mut().zip(other.sum) {
            *a += b;
        }
        for (a, b) in self.squares.iter_mut().zip(other.squares) {
            *a += b;
        }
    }

    /// The bins of group `g`.
    fn group(&self, g: usize) -> Bins {
        let cells = g * self.bins..(g + 1) * self.bins;
        Bins {
            edges: uniform_edges(self.bins),
            uniform: true,
            count: self.count[cells.clone()].to_vec(),
            sum: self.sum[cells.clone()].to_vec(),
            right: self.right[cells.clone()].to_vec(),
            ones: self.ones[cells.clone()].to_vec(),
            ones_right: self.ones_right[cells].to_vec(),
            squares: self.squares[g],
        }
    }
}

/// ECE and MCE of non-empty bins.
#[allow(clippy::cast_precision_loss)]
fn errors(bins: &[ReliabilityBin], n: f64) -> (Option<f64>, Option<f64>) {
    if n <= 0.0 {
        return (None, None);
    }
    let gaps = bins.iter().filter_map(|b| {
        let (c, a) = (b.confidence?, b.accuracy?);
        Some((b.count.w, (a - c).abs()))
    });
    let (mut ece, mut mce) = (0.0, 0.0f64);
    for (count, gap) in gaps {
        ece += count / n * gap;
        mce = mce.max(gap);
    }
    (Some(ece), Some(mce))
}

/// The bootstrap interval of the ECE (see [`calibrate`]), extended to hold
/// the estimate.
#[allow(clippy::cast_precision_loss)]
fn ece_interval(
    bins: &[ReliabilityBin],
    n: Count,
    estimate: f64,
    replicates: usize,
) -> Option<Interval> {
    // As many draws as the rows' effective size (the rows, or the sum of
    // whole-number weights).
    #[allow(clippy::cast_possible_truncation, clippy::cast_sign_loss)]
    let n = n.effective().round() as u64;
    // Only bins with rows: an empty bin draws nothing and takes no random
    // number, so leaving it out changes no draw (a group of 2 rows among
    // 1,000 bins drew 1,000 cells a replicate).
    let bins: Vec<&ReliabilityBin> = bins.iter().filter(|b| b.count.w > 0.0).collect();
    let weights: Vec<f64> = bins.iter().map(|b| b.count.w).collect();
    let mut r = rng(0);
    let mut draws = Vec::with_capacity(replicates);
    let mut binomials = super::bootstrap::Binomials::default();
    let mut counts = Vec::with_capacity(weights.len());
    for _ in 0..replicates {
        binomials.multinomial(&mut r, n, &weights, &mut counts);
        let mut ece = 0.0;
        for (b, &k) in bins.iter().zip(&counts) {
            let (Some(conf), Some(acc)) = (b.confidence, b.accuracy) else {
                continue;
            };
            if k == 0 {
                continue;
            }
            let right = binomials.draw(&mut r, k, acc);
            ece += k as f64 / n as f64 * (right as f64 / k as f64 - conf).abs();
        }
        draws.push(ece);
    }
    draws.sort_by(f64::total_cmp);
    let (lo, hi) = (
        quantile_sorted(&draws, 0.025)?,
        quantile_sorted(&draws, 0.975)?,
    );
    Some(Interval::new(lo.min(estimate), hi.max(estimate)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    #[allow(clippy::cast_precision_loss)]
    fn a_curve_of_many_distinct_confidences_is_exact_where_it_keeps_points() {
        // 300,000 rows, about 200,000 distinct confidences.
        let n = 300_000_usize;
        let conf: Vec<f64> = (0..n)
            .map(|i| ((i * 7_919) % 200_003) as f64 / 200_003.0)
            .collect();
        let correct = |i: usize| !i.is_multiple_of(7) && i % 11 != 3;
        let unit = |_| Count::ONE;
        let asked = [0.05, 0.5, 0.95, 0.123_456];
        let rc = RiskCoverage::with_class_at(&conf, correct, unit, |_| (false, false), &asked);
        assert!(!rc.every_tie);
        assert!(rc.thresholds.len() <= MAX_POINTS + asked.len() + 2);
        let brute = |t: f64| {
            let kept = (0..n).filter(|&i| conf[i] >= t).count();
            let right = (0..n).filter(|&i| conf[i] >= t && correct(i)).count();
            (kept as f64, right as f64)
        };
        for t in asked.into_iter().chain([0.7, 0.999]).map(|t| rc.snap(t)) {
            let (kept, _, accuracy) = rc.at(t);
            let (k, r) = brute(t);
            assert!((kept.w - k).abs() < 1e-9, "{t}: {} vs {k}", kept.w);
            assert!((accuracy.unwrap() - r / k).abs() < 1e-12);
        }
        for t in asked {
            assert!((rc.at(t).0.w - brute(t).0).abs() < 1e-9, "asked {t}");
        }
        // The area over every tie, as the full curve would give it.
        let mut order: Vec<usize> = (0..n).collect();
        order.sort_by(|&a, &b| conf[b].total_cmp(&conf[a]));
        let (mut area, mut kept, mut right, mut i) = (0.0, 0.0, 0.0, 0);
        while i < n {
            let t = conf[order[i]];
            let before = kept;
            while i < n && conf[order[i]].total_cmp(&t).is_eq() {
                kept += 1.0;
                right += f64::from(u8::from(correct(order[i])));
                i += 1;
            }
            area += (kept - before) * (1.0 - right / kept);
        }
        assert!((rc.aurc.unwrap() - area / n as f64).abs() < 1e-12);
        // Per group, exact at the overall curve's points.
        let groups = RiskCoverage::by_group(&conf, correct, unit, |i| i % 3, 3, &rc.thresholds);
        let t = rc.snap(0.42);
        let in_group: f64 = groups.iter().map(|g| g.at(t).0.w).sum();
        assert!((in_group - brute(t).0).abs() < 1e-9);
    }

    #[test]
    fn the_guessed_bin_is_the_binary_searchs() {
        // Every edge exactly, a hair either side, outside [0, 1], odd values.
        for bins in (1..=40).chain([64, 65, 66, 100, 1000]) {
            let acc = Bins::new(uniform_edges(bins));
            assert!(acc.uniform);
            let inner = &acc.edges[1..bins];
            let mut scores = vec![-1.0, -0.0, 1.5, f64::INFINITY, f64::NEG_INFINITY, f64::NAN];
            for &e in &acc.edges {
                scores.extend([e, e.next_down(), e.next_up()]);
            }
            #[allow(clippy::cast_precision_loss)]
            scores.extend((0..1000).map(|i| f64::from(i) / 999.0));
            for s in scores {
                let want = inner.partition_point(|&e| e < s);
                assert_eq!(acc.bin(s), want, "{bins} bins, score {s}");
            }
        }
        // Quantile edges keep the binary search.
        assert!(!Bins::new(vec![0.0, 0.1, 0.7, 1.0]).uniform);
    }

    #[test]
    fn bins_follow_searchsorted_left_on_inner_edges() {
        // 5 uniform bins: 0.2 falls in the first bin, 0.200_000_1 in the second.
        let scores = [0.0, 0.2, 0.200_000_1, 0.5, 1.0, f64::NAN];
        let c = calibrate(
            &scores,
            |i| i % 2 == 0,
            |_| Count::ONE,
            5,
            Binning::Uniform,
            Basis::Positive,
        );
        let counts: Vec<Count> = c.reliability.iter().map(|b| b.count).collect();
        assert_eq!(counts, [2, 1, 1, 0, 1].map(Count::unweighted));
        assert_eq!(c.rows, 5);
    }

    #[test]
    fn a_calibrated_score_has_no_error_and_a_biased_one_has_its_bias() {
        // Half of the rows scored 0.5 are right: perfectly calibrated.
        let scores = [0.5, 0.5, 0.5, 0.5];
        let c = calibrate(
            &scores,
            |i| i < 2,
            |_| Count::ONE,
            10,
            Binning::Uniform,
            Basis::TopLabel,
        );
        assert!(c.ece.unwrap().abs() < 1e-12);
        assert!((c.brier.unwrap() - 0.25).abs() < 1e-12);
        // All scored 0.9, all wrong: ECE = MCE = 0.9.
        let c = calibrate(
            &[0.9; 10],
            |_| false,
            |_| Count::ONE,
            10,
            Binning::Uniform,
            Basis::TopLabel,
        );
        assert!((c.ece.unwrap() - 0.9).abs() < 1e-12);
        assert!((c.mce.unwrap() - 0.9).abs() < 1e-12);
        assert!(c.ece_ci.unwrap().contains(c.ece.unwrap()));
    }

    #[test]
    fn risk_coverage_keeps_the_most_confident_first() {
        let conf = [0.9, 0.8, 0.7, 0.6];
        let correct = [true, true, false, false];
        let rc = RiskCoverage::new(&conf, |i| correct[i], |_| Count::ONE);
        assert_eq!(rc.kept, vec![1, 2, 3, 4]);
        assert_eq!(rc.accuracy, vec![1.0, 1.0, 2.0 / 3.0, 0.5]);
        assert_eq!(rc.at(0.75), (Count::unweighted(2), Some(0.5), Some(1.0)));
        assert_eq!(rc.errors_at(0.75), 0);
        assert_eq!(rc.errors_at(0.0), 2);
        // AURC: risks 0, 0, 1/3, 1/2 averaged.
        assert!((rc.aurc.unwrap() - (1.0 / 3.0 + 0.5) / 4.0).abs() < 1e-12);
    }

    #[test]
    fn each_group_is_calibrated_as_its_rows_alone() {
        // Rows over several parts, with missing scores, scores on edges,
        // and a few weighted rows among unit ones.
        let rows = 2_500_000;
        let score = |i: usize| match i % 97 {
            0 => f64::NAN,
            1 => 0.2,
            _ => ((i * 7919) % 10_007) as f64 / 10_007.0,
        };
        let scores: Vec<f64> = (0..rows).map(score).collect();
        let outcome: Vec<bool> = (0..rows).map(|i| (i * 31) % 7 < 5).collect();
        let unit = |i: usize| {
            if i % 1000 == 3 {
                Count::of_weight(2.5, true)
            } else {
                Count::ONE
            }
        };
        let group = |i: usize| (i / 3) % 4;
        let grouped = by_group(
            &scores,
            &outcome,
            unit,
            group,
            4,
            10,
            Basis::TopLabel,
            |c| c,
        );
        assert_eq!(grouped.len(), 4);
        for (g, c) in grouped.iter().enumerate() {
            let rows_of: Vec<usize> = (0..rows).filter(|&i| group(i) == g).collect();
            let alone = calibrate(
                &rows_of.iter().map(|&i| scores[i]).collect::<Vec<_>>(),
                |k| outcome[rows_of[k]],
                |k| unit(rows_of[k]),
                10,
                Binning::Uniform,
                Basis::TopLabel,
            );
            for (a, b) in c.reliability.iter().zip(&alone.reliability) {
                assert_eq!(a.count, b.count, "group {g}");
                assert!((a.confidence.unwrap_or(0.0) - b.confidence.unwrap_or(0.0)).abs() < 1e-12);
                assert_eq!(a.accuracy, b.accuracy, "group {g}");
            }
            assert!(
                (c.brier.unwrap() - alone.brier.unwrap()).abs() < 1e-12,
                "group {g}"
            );
            assert!(
                (c.ece.unwrap() - alone.ece.unwrap()).abs() < 1e-12,
                "group {g}"
            );
        }
    }

    #[test]
    #[allow(clippy::cast_precision_loss)]
    fn many_groups_at_many_bins_are_calibrated_from_each_groups_rows() {
        // 3,000 groups at 1,000 bins: flat bins would take 190 MB for
        // 30,000 rows, so each group's rows are listed instead.
        let (rows, groups, bins) = (30_000_usize, 3_000_usize, 1_000_usize);
        assert!(groups * Bins::bytes(bins) > FLAT_BYTES.max(rows * 8));
        let scores: Vec<f64> = (0..rows)
            .map(|i| {
                if i % 89 == 0 {
                    f64::NAN
                } else {
                    ((i * 7919) % 10_007) as f64 / 10_007.0
                }
            })
            .collect();
        let outcome: Vec<bool> = (0..rows).map(|i| (i * 31) % 7 < 5).collect();
        let unit = |i: usize| {
            if i % 500 == 7 {
                Count::of_weight(1.5, true)
            } else {
                Count::ONE
            }
        };
        let group = |i: usize| (i * 13) % groups;
        let grouped = by_group(
            &scores,
            &outcome,
            unit,
            group,
            groups,
            bins,
            Basis::TopLabel,
            |c| c,
        );
        assert_eq!(grouped.len(), groups);
        for g in [0, 1, 7, 1_234, groups - 1] {
            let pairs: Vec<(f64, bool, Count)> = (0..rows)
                .filter(|&i| group(i) == g && !scores[i].is_nan())
                .map(|i| (scores[i], outcome[i], unit(i)))
                .collect();
            let alone = calibrate_with(
                &pairs,
                bins,
                Binning::Uniform,
                Basis::TopLabel,
                GROUP_REPLICATES,
            );
            let c = &grouped[g];
            assert_eq!(c.rows, alone.rows, "group {g}");
            assert_eq!(c.reliability, alone.reliability, "group {g}");
            assert_eq!(
                (c.ece, c.ece_ci, c.mce, c.brier),
                (alone.ece, alone.ece_ci, alone.mce, alone.brier),
                "group {g}"
            );
            assert!(c.ece_ci.is_some(), "group {g}");
        }
    }
}
