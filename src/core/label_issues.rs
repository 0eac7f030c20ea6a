//! Likely label errors by confident learning, computed as cleanlab 2.x's
//! `filter.find_label_issues` computes them (Northcutt, Jiang and Chuang,
//! "Confident learning: estimating uncertainty in dataset labels", 2021).
//!
//! From the given labels and out-of-sample per-class probabilities:
//! 1. each class's *confident threshold* is the mean probability of that
//!    class over the examples labelled with it (2 for a class no example is
//!    labelled with, at least 2·10⁻⁶);
//! 2. an example is *confidently* of class j when its probability of j is at
//!    least j's threshold less 10⁻⁶; with several such classes, the most
//!    probable one. The *confident joint* counts (given label, confident
//!    class) pairs, its diagonal at least 1, then calibrated so each row
//!    sums to the given label's count (rounded keeping row totals);
//! 3. the examples flagged depend on `filter_by` (below); an example whose
//!    given label is (within 10⁻⁶) its most probable class is never flagged;
//! 4. flagged examples are ranked by their label quality score, worst first.
//!
//! cleanlab sorts with numpy's `argsort`, which does not promise an order
//! among equal values; here equal values keep the examples' order.

use rayon::prelude::*;

use super::stats::{Interval, wilson};

/// numpy's `FLOATING_POINT_COMPARISON`.
const FUZZ: f64 = 1e-6;
/// cleanlab's `CONFIDENT_THRESHOLDS_LOWER_BOUND`.
const THRESHOLD_FLOOR: f64 = 2.0 * FUZZ;
/// cleanlab's `TINY_VALUE`.
const TINY: f64 = 1e-100;
/// The threshold of a class no example is labelled with (cleanlab's
/// `BIG_VALUE`): no probability reaches it.
const UNLABELLED_THRESHOLD: f64 = 2.0;

/// Which examples count as likely label errors (cleanlab's `filter_by`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum FilterBy {
    /// For every off-diagonal cell (given i, true j) of the calibrated
    /// confident joint, that many examples labelled i with the largest
    /// margin p(j) − p(i) (cleanlab's default).
    PruneByNoiseRate,
    /// Per given class, as many examples as the calibrated confident joint
    /// says are mislabelled, those least probably of their given class.
    PruneByClass,
    /// Flagged by both of the above.
    Both,
    /// The off-diagonal examples of the confident joint themselves.
    ConfidentLearning,
    /// The most probable class is not the given label.
    PredictedNeqGiven,
}

impl FilterBy {
    /// Every method, in cleanlab's order.
    pub const ALL: [Self; 5] = [
        Self::PruneByNoiseRate,
        Self::PruneByClass,
        Self::Both,
        Self::ConfidentLearning,
        Self::PredictedNeqGiven,
    ];

    /// cleanlab's name.
    #[must_use]
    pub fn name(self) -> &'static str {
        match self {
            Self::PruneByNoiseRate => "prune_by_noise_rate",
            Self::PruneByClass => "prune_by_class",
            Self::Both => "both",
            Self::ConfidentLearning => "confident_learning",
            Self::PredictedNeqGiven => "predicted_neq_given",
        }
    }

    /// The method named `name` (cleanlab's spelling, `-` for `_` too).
    #[must_use]
    pub fn from_name(name: &str) -> Option<Self> {
        let name = name.trim().replace('-', "_");
        Self::ALL.into_iter().find(|m| m.name() == name)
    }
}

/// The label quality score that ranks flagged examples (cleanlab's
/// `rank_by`, `get_label_quality_scores`' `method`): low is likely wrong.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum RankBy {
    /// The probability of the given label (cleanlab's default).
    SelfConfidence,
    /// (p(given) − the largest other probability + 1) / 2.
    NormalizedMargin,
}

impl RankBy {
    /// Both scores.
    pub const ALL: [Self; 2] = [Self::SelfConfidence, Self::NormalizedMargin];

    /// cleanlab's name.
    #[must_use]
    pub fn name(self) -> &'static str {
        match self {
            Self::SelfConfidence => "self_confidence",
            Self::NormalizedMargin => "normalized_margin",
        }
    }

    /// The score named `name` (cleanlab's spelling, `-` for `_` too).
    #[must_use]
    pub fn from_name(name: &str) -> Option<Self> {
        let name = name.trim().replace('-', "_");
        Self::ALL.into_iter().find(|m| m.name() == name)
    }
}

/// Options of the search, with cleanlab's defaults.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Options {
    /// Which examples are flagged.
    pub filter_by: FilterBy,
    /// How flagged examples are ranked and scored.
    pub rank_by: RankBy,
    /// A class with this many labelled examples or fewer is not pruned
    /// (cleanlab's `min_examples_per_class`, 1).
    pub min_examples_per_class: usize,
}

impl Default for Options {
    fn default() -> Self {
        Self {
            filter_by: FilterBy::PruneByNoiseRate,
            rank_by: RankBy::SelfConfidence,
            min_examples_per_class: 1,
        }
    }
}

/// Why label issues cannot be found.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum LabelIssuesError {
    /// Fewer than two classes.
    #[error("finding label errors needs at least two classes; the data has {0}")]
    OneClass(usize),
    /// A label outside the classes of the probabilities.
    #[error(
        "row {row} has label code {label}, but there are probabilities for {classes} classes only"
    )]
    Label {
        /// The row.
        row: usize,
        /// Its label code.
        label: u32,
        /// The classes.
        classes: usize,
    },
    /// A probability column of another length.
    #[error("the probability column of class {class} has {len} values for {rows} rows")]
    Length {
        /// The class.
        class: usize,
        /// Its length.
        len: usize,
        /// The rows.
        rows: usize,
    },
}

/// The likely label errors of a dataset.
#[derive(Debug, Clone, PartialEq)]
pub struct LabelIssues {
    /// The options used.
    pub options: Options,
    /// Each class's confident threshold.
    pub thresholds: Vec<f64>,
    /// The calibrated confident joint, given label × confident (likely
    /// true) label, as `find_label_issues` uses it.
    pub confident_joint: Vec<Vec<u64>>,
    /// P(given label | true label), a column per true label: the
    /// calibrated confident joint normalised per column, off-diagonal rates
    /// clipped below 0.9999 (cleanlab's `estimate_latent`).
    pub noise_matrix: Vec<Vec<f64>>,
    /// cleanlab's `num_label_issues` (its default `off_diagonal`
    /// estimate): the confident joint's off-diagonal examples, less those
    /// whose given label is their most probable class.
    pub num_label_issues: usize,
    /// Whether each row is flagged.
    pub flagged: Vec<bool>,
    /// The flagged rows, worst (lowest score) first.
    pub ranked: Vec<usize>,
    /// Every row's label quality score ([`Options::rank_by`]).
    pub scores: Vec<f64>,
    /// Every row's most probable class (the suggested label).
    pub suggested: Vec<u32>,
    /// Rows labelled with each class.
    pub label_counts: Vec<u64>,
}

/// What a report says of the likely label errors: how many, overall and
/// per class of the given label (`slicewise label-issues` lists them).
#[derive(Debug, Clone, PartialEq)]
pub struct Summary {
    /// The options used (cleanlab's defaults in a report).
    pub options: Options,
    /// cleanlab's `num_label_issues`.
    pub num_label_issues: usize,
    /// Rows.
    pub rows: u64,
    /// Rows flagged, with their share's Wilson 95% interval.
    pub flagged: u64,
    /// The interval of the flagged share.
    pub ci: Option<Interval>,
    /// Per class: (rows labelled with it, those flagged, the interval).
    pub per_class: Vec<(u64, u64, Option<Interval>)>,
}

impl Summary {
    /// `flagged` of `rows` as a share (`None` without rows): the one
    /// computation every face prints.
    #[must_use]
    #[allow(clippy::cast_precision_loss)]
    pub fn share(flagged: u64, rows: u64) -> Option<f64> {
        (rows > 0).then(|| flagged as f64 / rows as f64)
    }
}

impl LabelIssues {
    /// The counts a report prints.
    #[must_use]
    pub fn summary(&self, labels: &[u32]) -> Summary {
        let flagged = self.ranked.len() as u64;
        let rows = labels.len() as u64;
        Summary {
            options: self.options,
            num_label_issues: self.num_label_issues,
            rows,
            flagged,
            ci: wilson(flagged, rows),
            per_class: self
                .per_class(labels)
                .into_iter()
                .zip(&self.label_counts)
                .map(|((f, ci), &n)| (n, f, ci))
                .collect(),
        }
    }

    /// Flagged rows labelled with each class, and their share of the
    /// class's rows with Wilson's 95% interval.
    #[must_use]
    pub fn per_class(&self, labels: &[u32]) -> Vec<(u64, Option<Interval>)> {
        let mut flagged = vec![0u64; self.label_counts.len()];
        for &r in &self.ranked {
            flagged[labels[r] as usize] += 1;
        }
        flagged
            .iter()
            .zip(&self.label_counts)
            .map(|(&f, &n)| (f, wilson(f, n)))
            .collect()
    }

    /// Flagged rows per group of `groups` (a group code per row, `n_groups`
    /// groups): (rows, flagged) per group.
    #[must_use]
    pub fn per_group(&self, groups: &[u32], n_groups: usize) -> Vec<(u64, u64)> {
        let mut out = vec![(0u64, 0u64); n_groups];
        for (r, &g) in groups.iter().enumerate() {
            if let Some(cell) = out.get_mut(g as usize) {
                cell.0 += 1;
                cell.1 += u64::from(self.flagged[r]);
            }
        }
        out
    }
}

/// numpy's pairwise summation of a contiguous array (`np.sum`, `np.mean`):
/// the same sums bit for bit, so thresholds and calibrated counts are
/// cleanlab's exactly.
#[must_use]
pub fn numpy_sum(a: &[f64]) -> f64 {
    const BLOCK: usize = 128;
    let n = a.len();
    if n < 8 {
        let mut res = 0.0;
        for &x in a {
            res += x;
        }
        res
    } else if n <= BLOCK {
        let mut r = [a[0], a[1], a[2], a[3], a[4], a[5], a[6], a[7]];
        let mut i = 8;
        while i < n - n % 8 {
            for (j, rj) in r.iter_mut().enumerate() {
                *rj += a[i + j];
            }
            i += 8;
        }
        let mut res = ((r[0] + r[1]) + (r[2] + r[3])) + ((r[4] + r[5]) + (r[6] + r[7]));
        while i < n {
            res += a[i];
            i += 1;
        }
        res
    } else {
        let mut n2 = n / 2;
        n2 -= n2 % 8;
        numpy_sum(&a[..n2]) + numpy_sum(&a[n2..])
    }
}

/// cleanlab's `round_preserving_sum`: each value rounded (half to even),
/// then the values furthest from their rounding moved by one until the
/// rounded total equals the rounded total of the values.
fn round_preserving_sum(floats: &[f64]) -> Vec<i64> {
    let mut ints: Vec<f64> = floats.iter().map(|f| f.round_ties_even()).collect();
    let orig_sum = numpy_sum(floats).round_ties_even();
    let mut int_sum = numpy_sum(&ints).round_ties_even();
    // Each round moves at least one value; a bound guards against a loop.
    let mut rounds = 0;
    while (int_sum - orig_sum).abs() > FUZZ && rounds <= floats.len() + 2 {
        rounds += 1;
        let diff = (orig_sum - int_sum).round_ties_even();
        let increment = if diff < 0.0 { -1.0 } else { 1.0 };
        #[allow(clippy::cast_possible_truncation, clippy::cast_sign_loss)]
        let changes = (diff.abs() as usize).min(floats.len());
        let rest: Vec<f64> = floats.iter().zip(&ints).map(|(f, i)| f - i).collect();
        let mut order: Vec<usize> = (0..floats.len()).collect();
        order.sort_by(|&a, &b| rest[a].total_cmp(&rest[b]).then(a.cmp(&b)));
        if increment > 0.0 {
            order.reverse();
        }
        for &i in order.iter().take(changes) {
            ints[i] += increment;
        }
        int_sum = numpy_sum(&ints).round_ties_even();
    }
    #[allow(clippy::cast_possible_truncation)]
    ints.iter().map(|&i| i as i64).collect()
}

/// Each class's confident threshold (cleanlab's `get_confident_thresholds`):
/// the mean probability of the class over the rows labelled with it
/// (`by_class`), summed in numpy's order.
fn thresholds(by_class: &[Vec<usize>], probs: &[&[f64]]) -> Vec<f64> {
    by_class
        .par_iter()
        .zip(probs)
        .map(|(rows, p)| {
            let mine: Vec<f64> = rows.iter().map(|&i| p[i]).collect();
            #[allow(clippy::cast_precision_loss)]
            let t = if mine.is_empty() {
                UNLABELLED_THRESHOLD
            } else {
                numpy_sum(&mine) / mine.len() as f64
            };
            t.max(THRESHOLD_FLOOR)
        })
        .collect()
}

/// The first most probable class of a row (numpy's `argmax`).
fn argmax(row: &[f64]) -> usize {
    let mut best = 0;
    for (c, &v) in row.iter().enumerate() {
        if v > row[best] {
            best = c;
        }
    }
    best
}

/// What one pass over the rows' probabilities says of them.
struct RowFacts {
    /// The confident class (cleanlab's `compute_confident_joint`), if any.
    guesses: Vec<Option<u32>>,
    /// Whether the given label is, within 10⁻⁶, the most probable class.
    top: Vec<bool>,
    /// The label quality score.
    scores: Vec<f64>,
    /// The first most probable class.
    suggested: Vec<u32>,
}

/// Rows per stretch of [`row_facts`]: the state of a stretch's rows stays
/// in the first-level cache while the columns stream past.
const STRETCH: usize = 1 << 10;

/// Every per-row fact in one pass over the columns, stretches of rows side
/// by side, written in place: the probabilities are read once, not once
/// per fact, and each column of a stretch is read in order.
fn row_facts(labels: &[u32], probs: &[&[f64]], t: &[f64], rank_by: RankBy) -> RowFacts {
    let n = labels.len();
    let mut out = RowFacts {
        guesses: vec![None; n],
        top: vec![false; n],
        scores: vec![0.0; n],
        suggested: vec![0; n],
    };
    out.guesses
        .par_chunks_mut(STRETCH)
        .zip(out.top.par_chunks_mut(STRETCH))
        .zip(out.scores.par_chunks_mut(STRETCH))
        .zip(out.suggested.par_chunks_mut(STRETCH))
        .enumerate()
        .for_each(|(s, (((guesses, top), scores), suggested))| {
            let start = s * STRETCH;
            let labels = &labels[start..start + guesses.len()];
            let out = FactsOf {
                guesses,
                top,
                scores,
                suggested,
            };
            stretch_facts(labels, probs, start, (t, rank_by), out);
        });
    out
}

/// A stretch's part of each [`RowFacts`] column, to be written.
struct FactsOf<'a> {
    guesses: &'a mut [Option<u32>],
    top: &'a mut [bool],
    scores: &'a mut [f64],
    suggested: &'a mut [u32],
}

/// [`row_facts`] of the rows from `start` (labelled `labels`), class by
/// class, with the classes' thresholds and the score to rank by.
fn stretch_facts(
    labels: &[u32],
    probs: &[&[f64]],
    start: usize,
    (t, rank_by): (&[f64], RankBy),
    out: FactsOf<'_>,
) {
    let FactsOf {
        guesses,
        top,
        scores,
        suggested,
    } = out;
    let len = labels.len();
    // Per row: classes at or above their threshold, the first of them; the
    // first most probable class and its value; the given label's rival
    // within 10⁻⁶ (cleanlab's `_reduce_issues`: the given label wins ties
    // that close) and its value; the given label's probability and the
    // largest other.
    let mut confident = vec![0_u32; len];
    let mut first = vec![0_u32; len];
    let mut best = vec![0_u32; len];
    let mut best_value = vec![0.0_f64; len];
    let mut winner = vec![0_u32; len];
    let mut winner_value = vec![f64::NEG_INFINITY; len];
    let mut own = vec![0.0_f64; len];
    let mut other = vec![f64::NEG_INFINITY; len];
    for (c, column) in probs.iter().enumerate() {
        let column = &column[start..start + len];
        let floor = t[c] - FUZZ;
        #[allow(clippy::cast_possible_truncation)]
        let code = c as u32;
        for r in 0..len {
            let v = column[r];
            if v >= floor {
                if confident[r] == 0 {
                    first[r] = code;
                }
                confident[r] += 1;
            }
            // numpy's `argmax`: the first largest.
            if c == 0 {
                best_value[r] = v;
            } else if v > best_value[r] {
                best_value[r] = v;
                best[r] = code;
            }
            let mine = labels[r] == code;
            let fuzzed = if mine { v + FUZZ } else { v };
            if fuzzed > winner_value[r] {
                winner_value[r] = fuzzed;
                winner[r] = code;
            }
            if mine {
                own[r] = v;
            } else {
                other[r] = other[r].max(v);
            }
        }
    }
    for r in 0..len {
        guesses[r] = match confident[r] {
            0 => None,
            1 => Some(first[r]),
            _ => Some(best[r]),
        };
        suggested[r] = best[r];
        top[r] = winner[r] == labels[r];
        scores[r] = match rank_by {
            RankBy::SelfConfidence => own[r],
            RankBy::NormalizedMargin => normalized_margin(own[r], other[r]),
        };
    }
}

/// The confident joint (uncalibrated, diagonal at least 1) and the rows
/// counted off its diagonal (cleanlab's `compute_confident_joint`), from
/// each row's confident class.
fn confident_joint(
    labels: &[u32],
    guesses: &[Option<u32>],
    k: usize,
) -> (Vec<Vec<f64>>, Vec<usize>) {
    let mut cj = vec![vec![0.0_f64; k]; k];
    let mut off = Vec::new();
    for (i, (&label, guess)) in labels.iter().zip(guesses).enumerate() {
        let Some(guess) = *guess else { continue };
        cj[label as usize][guess as usize] += 1.0;
        if guess != label {
            off.push(i);
        }
    }
    for (c, row) in cj.iter_mut().enumerate() {
        row[c] = row[c].max(1.0);
    }
    (cj, off)
}

/// cleanlab's `calibrate_confident_joint`: each row scaled to its label's
/// count, the whole to the number of rows, rounded keeping row totals.
fn calibrate(cj: &[Vec<f64>], label_counts: &[u64]) -> Vec<Vec<i64>> {
    #[allow(clippy::cast_precision_loss)]
    let scaled: Vec<Vec<f64>> = cj
        .iter()
        .zip(label_counts)
        .map(|(row, &n)| {
            let total = numpy_sum(row).max(TINY);
            row.iter().map(|v| v / total * n as f64).collect()
        })
        .collect();
    let flat: Vec<f64> = scaled.iter().flatten().copied().collect();
    let total = numpy_sum(&flat).max(TINY);
    #[allow(clippy::cast_precision_loss)]
    let n: f64 = label_counts.iter().map(|&c| c as f64).sum();
    scaled
        .iter()
        .map(|row| {
            let row: Vec<f64> = row.iter().map(|v| v / total * n).collect();
            round_preserving_sum(&row)
        })
        .collect()
}

/// cleanlab's `_keep_at_least_n_per_class` (with `frac_noise` 1) on the
/// prune count matrix (the calibrated joint transposed: true × given).
fn keep_at_least(pcm: &[Vec<i64>], n: usize) -> Vec<Vec<i64>> {
    let k = pcm.len();
    #[allow(clippy::cast_possible_wrap)]
    let n = n as i64;
    #[allow(clippy::cast_precision_loss)]
    let mut new: Vec<Vec<f64>> = pcm
        .iter()
        .map(|r| r.iter().map(|&v| v as f64).collect())
        .collect();
    for col in 0..k {
        let diag = pcm[col][col];
        let new_diag = diag.max(n);
        #[allow(clippy::cast_precision_loss)]
        let diff = (new_diag - diag) as f64;
        let nonzero = (0..k).filter(|&r| pcm[r][col] != 0).count();
        #[allow(clippy::cast_precision_loss)]
        let rates = (nonzero as f64 - 1.0).max(1.0);
        for (r, row) in new.iter_mut().enumerate() {
            #[allow(clippy::cast_precision_loss)]
            let v = pcm[r][col] as f64 - diff / rates;
            row[col] = if r == col {
                new_diag as f64
            } else {
                v.max(0.0)
            };
        }
    }
    // `_reduce_prune_counts` at frac_noise 1 keeps the values and truncates
    // them to whole numbers; the rows are then rounded keeping their totals.
    new.iter()
        .map(|row| {
            let whole: Vec<f64> = row.iter().map(|v| v.trunc()).collect();
            round_preserving_sum(&whole)
        })
        .collect()
}

/// The label quality score of a row (its probabilities, one per class)
/// for its given label `l`.
fn row_score(row: &[f64], l: usize, rank_by: RankBy) -> f64 {
    let own = row[l];
    match rank_by {
        RankBy::SelfConfidence => own,
        RankBy::NormalizedMargin => {
            let other = row
                .iter()
                .enumerate()
                .filter(|&(c, _)| c != l)
                .map(|(_, &v)| v)
                .fold(f64::NEG_INFINITY, f64::max);
            normalized_margin(own, other)
        }
    }
}

/// cleanlab's normalized margin of a label whose probability is `own` when
/// the largest other is `other`, in its arithmetic and order.
#[allow(clippy::manual_midpoint)]
fn normalized_margin(own: f64, other: f64) -> f64 {
    (own - other + 1.0) / 2.0
}

/// What the probabilities say of one example's label: the probability of
/// the given label, the normalized margin and the most probable class.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct RowLabel {
    /// The probability of the given label.
    pub self_confidence: f64,
    /// (p(given) − the largest other probability + 1) / 2.
    pub normalized_margin: f64,
    /// The most probable class (the suggested label).
    pub suggested: u32,
}

/// [`RowLabel`] of row `row`, when every class has a probability column.
#[must_use]
pub fn row_label(ds: &crate::core::dataset::Dataset, row: usize) -> Option<RowLabel> {
    let p = ds.probas.as_ref()?;
    let columns: Vec<&[f64]> = (0..ds.classes.len())
        .map(|c| p.of(u32::try_from(c).ok()?))
        .collect::<Option<_>>()?;
    // Clipped as the search clips them.
    let values: Vec<f64> = columns
        .iter()
        .map(|c| Some(c.get(row).copied()?.clamp(0.0, 1.0)))
        .collect::<Option<_>>()?;
    let l = *ds.label.get(row)? as usize;
    Some(RowLabel {
        self_confidence: row_score(&values, l, RankBy::SelfConfidence),
        normalized_margin: row_score(&values, l, RankBy::NormalizedMargin),
        suggested: u32::try_from(argmax(&values)).ok()?,
    })
}

/// `v`'s place in `f64::total_cmp`'s order, as an unsigned integer.
fn order_key(v: f64) -> u64 {
    let bits = v.to_bits();
    if bits >> 63 == 1 {
        !bits
    } else {
        bits | 1 << 63
    }
}

/// The positions of the `take` smallest of `n` keys (`key(i)`), equal keys
/// the earlier first, in no particular order: a selection, not a sort (the
/// pruned examples are few). Few wanted: one pass with a bounded heap;
/// many: a selection on the keys.
fn smallest(n: usize, take: usize, key: impl Fn(usize) -> u64) -> Vec<usize> {
    if take == 0 {
        return Vec::new();
    }
    if take >= n {
        return (0..n).collect();
    }
    if take <= n / 16 {
        let mut heap = std::collections::BinaryHeap::with_capacity(take);
        for i in 0..n {
            let item = (key(i), i);
            if heap.len() < take {
                heap.push(item);
            } else if let Some(mut worst) = heap.peek_mut()
                && item < *worst
            {
                *worst = item;
            }
        }
        return heap.into_iter().map(|(_, i)| i).collect();
    }
    let keys: Vec<u64> = (0..n).map(&key).collect();
    let mut scratch = keys.clone();
    let (_, &mut kth, _) = scratch.select_nth_unstable(take - 1);
    drop(scratch);
    let mut out: Vec<usize> = (0..n).filter(|&i| keys[i] < kth).collect();
    let ties = take - out.len();
    out.extend((0..n).filter(|&i| keys[i] == kth).take(ties));
    out
}

/// Fewest rows in a stretch of [`largest_margins`]' sweep.
const SWEEP_ROWS: usize = 1 << 16;

/// The `take` smallest (key, row) pairs of rows offered in increasing row
/// order: candidates are kept until there are twice `take`, then cut to
/// the `take` smallest, whose largest key then bounds what may enter (an
/// equal key comes from a later row, which loses). Appends and a rare
/// selection, where a bounded heap would sift on every entry.
struct Smallest {
    take: usize,
    kept: Vec<(u64, usize)>,
    bound: Option<u64>,
}

impl Smallest {
    fn new(take: usize) -> Self {
        Self {
            take,
            kept: Vec::new(),
            bound: None,
        }
    }

    fn offer(&mut self, key: u64, row: usize) {
        if self.bound.is_some_and(|b| key >= b) {
            return;
        }
        self.kept.push((key, row));
        if self.kept.len() >= 2 * self.take {
            self.cut();
        }
    }

    /// Keeps the `take` smallest.
    fn cut(&mut self) {
        if self.take > 0 && self.kept.len() > self.take {
            self.kept.select_nth_unstable(self.take - 1);
            self.kept.truncate(self.take);
            self.bound = self.kept.iter().map(|&(key, _)| key).max();
        }
    }
}

/// cleanlab's pruning by noise rate: for each pair (given class `c`, other
/// class `j`, `take`), the `take` rows labelled `c` with the largest margin
/// `p_j − p_c` (equal margins: the earlier row first), in no particular
/// order. One sweep over the rows reads each probability once, stretches of
/// rows side by side; each stretch keeps its best rows of each pair, and
/// the stretches' candidates are merged by (margin, row), so the rows
/// chosen do not depend on the stretches or the threads.
fn largest_margins(
    labels: &[u32],
    probs: &[&[f64]],
    pairs: &[(usize, usize, usize)],
) -> Vec<usize> {
    let k = probs.len();
    // The pairs of each given class: (other class, pair).
    let mut of_class: Vec<Vec<(usize, usize)>> = vec![Vec::new(); k];
    for (p, &(c, j, _)) in pairs.iter().enumerate() {
        of_class[c].push((j, p));
    }
    let n = labels.len();
    // A stretch a thread: more would keep more candidates, as many again
    // for every stretch.
    let size = n.div_ceil(rayon::current_num_threads()).max(SWEEP_ROWS);
    let stretches: Vec<Vec<Smallest>> = (0..n.div_ceil(size))
        .into_par_iter()
        .map(|s| {
            let mut best: Vec<Smallest> = pairs.iter().map(|p| Smallest::new(p.2)).collect();
            for i in s * size..((s + 1) * size).min(n) {
                let c = labels[i] as usize;
                let own = probs[c][i];
                for &(j, p) in &of_class[c] {
                    // Largest margin first: the key's order reversed.
                    best[p].offer(!order_key(probs[j][i] - own), i);
                }
            }
            best
        })
        .collect();
    (0..pairs.len())
        .into_par_iter()
        .map(|p| {
            let mut all = Smallest::new(pairs[p].2);
            all.kept = stretches
                .iter()
                .flat_map(|best| best[p].kept.iter().copied())
                .collect();
            all.cut();
            all.kept
        })
        .flatten_iter()
        .map(|(_, i)| i)
        .collect()
}

/// The rows of each class, in order.
fn rows_by_class(labels: &[u32], k: usize) -> Vec<Vec<usize>> {
    let mut out = vec![Vec::new(); k];
    for (i, &l) in labels.iter().enumerate() {
        out[l as usize].push(i);
    }
    out
}

/// Finds the likely label errors of rows labelled `labels` (class codes)
/// with out-of-sample probabilities `probs` (a column per class, in code
/// order), as cleanlab's `find_label_issues`.
///
/// # Errors
/// Fewer than two classes, a label without a probability column, columns
/// of different lengths.
pub fn find(
    labels: &[u32],
    probs: &[&[f64]],
    options: Options,
) -> Result<LabelIssues, LabelIssuesError> {
    let k = probs.len();
    if k < 2 {
        return Err(LabelIssuesError::OneClass(k));
    }
    let n = labels.len();
    for (class, p) in probs.iter().enumerate() {
        if p.len() != n {
            return Err(LabelIssuesError::Length {
                class,
                len: p.len(),
                rows: n,
            });
        }
    }
    if let Some((row, &label)) = labels.iter().enumerate().find(|(_, l)| **l as usize >= k) {
        return Err(LabelIssuesError::Label {
            row,
            label,
            classes: k,
        });
    }
    let by_class = rows_by_class(labels, k);
    let label_counts: Vec<u64> = by_class.iter().map(|r| r.len() as u64).collect();
    let t = thresholds(&by_class, probs);
    let RowFacts {
        guesses,
        top,
        scores,
        suggested,
    } = row_facts(labels, probs, &t, options.rank_by);
    let (raw, off_diagonal) = confident_joint(labels, &guesses, k);
    drop(guesses);
    let calibrated = calibrate(&raw, &label_counts);
    let num_label_issues = off_diagonal.iter().filter(|&&i| !top[i]).count();
    let mut flagged = vec![false; n];
    let pcm: Vec<Vec<i64>> = (0..k)
        .map(|r| (0..k).map(|c| calibrated[c][r]).collect())
        .collect();
    let pcm = keep_at_least(&pcm, options.min_examples_per_class);
    let by_noise_rate = || {
        // (given class, other class, rows to prune) of each pair pruned.
        let pairs: Vec<(usize, usize, usize)> = (0..k)
            .filter(|&c| by_class[c].len() > options.min_examples_per_class)
            .flat_map(|c| (0..k).map(move |j| (c, j)))
            .filter(|&(c, j)| j != c && pcm[j][c] > 0)
            .map(|(c, j)| (c, j, usize::try_from(pcm[j][c]).unwrap_or(0)))
            .collect();
        let mut mask = vec![false; n];
        for r in largest_margins(labels, probs, &pairs) {
            mask[r] = true;
        }
        mask
    };
    let by_class_mask = || {
        let mut mask = vec![false; n];
        for (c, rows) in by_class.iter().enumerate() {
            if rows.len() <= options.min_examples_per_class {
                continue;
            }
            #[allow(clippy::cast_possible_wrap)]
            let issues = rows.len() as i64 - pcm[c][c];
            if issues < 1 {
                continue;
            }
            #[allow(clippy::cast_possible_truncation, clippy::cast_sign_loss)]
            for o in smallest(rows.len(), issues as usize, |o| {
                order_key(probs[c][rows[o]])
            }) {
                mask[rows[o]] = true;
            }
        }
        mask
    };
    match options.filter_by {
        FilterBy::PruneByNoiseRate => flagged = by_noise_rate(),
        FilterBy::PruneByClass => flagged = by_class_mask(),
        FilterBy::Both => {
            let a = by_noise_rate();
            let b = by_class_mask();
            for i in 0..n {
                flagged[i] = a[i] && b[i];
            }
        }
        FilterBy::ConfidentLearning => {
            for &i in &off_diagonal {
                flagged[i] = true;
            }
        }
        FilterBy::PredictedNeqGiven => {
            for ((f, &best), &label) in flagged.iter_mut().zip(&suggested).zip(labels) {
                *f = best != label;
            }
        }
    }
    for (f, &t) in flagged.iter_mut().zip(&top) {
        *f &= !t;
    }
    // Worst score first, equal scores in row order: sorted on plain keys.
    let mut keyed: Vec<(u64, usize)> = (0..n)
        .filter(|&i| flagged[i])
        .map(|i| (order_key(scores[i]), i))
        .collect();
    keyed.par_sort_unstable();
    let ranked: Vec<usize> = keyed.into_iter().map(|(_, i)| i).collect();
    #[allow(clippy::cast_sign_loss)]
    let confident_joint: Vec<Vec<u64>> = calibrated
        .iter()
        .map(|r| r.iter().map(|&v| v.max(0) as u64).collect())
        .collect();
    let noise_matrix = noise_matrix(&calibrated);
    Ok(LabelIssues {
        options,
        thresholds: t,
        confident_joint,
        noise_matrix,
        num_label_issues,
        flagged,
        ranked,
        scores,
        suggested,
        label_counts,
    })
}

/// The likely label errors of one dataset at the default options, found on
/// first use and then shared: the app's Labels view, Review filter and
/// inspector ask for them often, and at 10M rows a search takes seconds.
/// Clones share one result; a new dataset needs a new `Shared`.
#[derive(Debug, Clone, Default)]
pub struct Shared(std::sync::Arc<std::sync::OnceLock<Option<std::sync::Arc<LabelIssues>>>>);

impl Shared {
    /// The likely label errors of `ds` (the dataset this was made for):
    /// `None` without a probability column per class, or with weights.
    #[must_use]
    pub fn get(&self, ds: &crate::core::dataset::Dataset) -> Option<std::sync::Arc<LabelIssues>> {
        self.0
            .get_or_init(|| {
                for_dataset(ds, Options::default())
                    .ok()
                    .map(std::sync::Arc::new)
            })
            .clone()
    }
}

/// One result: equal when shared.
impl PartialEq for Shared {
    fn eq(&self, other: &Self) -> bool {
        std::sync::Arc::ptr_eq(&self.0, &other.0)
    }
}

/// Why a dataset's label errors cannot be looked for.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum DatasetError {
    /// No probability column for some class.
    #[error(
        "finding likely label errors needs a probability column for every class (prob_<class>, or --proba-prefix / --proba); {missing} of {classes} classes have none ({without})"
    )]
    Probabilities {
        /// Classes without a column.
        missing: usize,
        /// All classes.
        classes: usize,
        /// The first few of those without, quoted.
        without: String,
    },
    /// Weighted rows: confident learning counts examples.
    #[error(
        "finding likely label errors counts examples one by one, but the rows carry weights (column '{0}'); read the file with --weight '' to count rows"
    )]
    Weighted(String),
    /// The search itself refused.
    #[error(transparent)]
    Search(#[from] LabelIssuesError),
}

/// Why the likely label errors of `ds` cannot be looked for (weighted
/// rows, a class without a probability column), found without searching;
/// `None` when they can.
#[must_use]
pub fn unavailable(ds: &crate::core::dataset::Dataset) -> Option<DatasetError> {
    if let Some(w) = &ds.weights {
        return Some(DatasetError::Weighted(w.column.clone()));
    }
    let k = ds.classes.len();
    let without: Vec<usize> = (0..k)
        .filter(|&c| {
            ds.probas
                .as_ref()
                .and_then(|p| p.of(u32::try_from(c).unwrap_or(u32::MAX)))
                .is_none()
        })
        .collect();
    if without.is_empty() {
        return None;
    }
    let mut named: Vec<String> = without
        .iter()
        .take(5)
        .map(|&c| format!("'{}'", ds.classes[c]))
        .collect();
    if without.len() > named.len() {
        named.push("…".to_string());
    }
    Some(DatasetError::Probabilities {
        missing: without.len(),
        classes: k,
        without: named.join(", "),
    })
}

/// [`find`] on a dataset: its labels and per-class probability columns,
/// probabilities clipped to [0, 1] (cleanlab refuses values beyond them by
/// more than 10⁻⁶; softmax outputs in float32 reach 1.00001).
///
/// # Errors
/// A class without a probability column, weighted rows.
pub fn for_dataset(
    ds: &crate::core::dataset::Dataset,
    options: Options,
) -> Result<LabelIssues, DatasetError> {
    if let Some(e) = unavailable(ds) {
        return Err(e);
    }
    let k = ds.classes.len();
    let probas = ds.probas.as_ref();
    let columns: Vec<&[f64]> = (0..k)
        .filter_map(|c| probas.and_then(|p| p.of(u32::try_from(c).unwrap_or(u32::MAX))))
        .collect();
    // Only columns with a value outside [0, 1] are copied.
    let clipped: Vec<Option<Vec<f64>>> = columns
        .par_iter()
        .map(|c| {
            c.iter()
                .any(|v| !(0.0..=1.0).contains(v))
                .then(|| c.iter().map(|v| v.clamp(0.0, 1.0)).collect())
        })
        .collect();
    let probs: Vec<&[f64]> = columns
        .iter()
        .zip(&clipped)
        .map(|(c, own)| own.as_deref().unwrap_or(c))
        .collect();
    Ok(find(&ds.label, &probs, options)?)
}

/// cleanlab's `estimate_latent` noise matrix: the joint normalised per
/// column (true label), off-diagonal rates clipped to [0, 0.9999], the
/// columns normalised again.
fn noise_matrix(cj: &[Vec<i64>]) -> Vec<Vec<f64>> {
    let k = cj.len();
    // numpy sums along axis 0 row by row.
    let mut col = vec![0.0; k];
    for row in cj {
        for (c, &v) in row.iter().enumerate() {
            #[allow(clippy::cast_precision_loss)]
            {
                col[c] += v as f64;
            }
        }
    }
    #[allow(clippy::cast_precision_loss)]
    let mut nm: Vec<Vec<f64>> = cj
        .iter()
        .enumerate()
        .map(|(r, row)| {
            row.iter()
                .enumerate()
                .map(|(c, &v)| {
                    let rate = v as f64 / col[c].max(TINY);
                    if r == c {
                        rate
                    } else {
                        rate.clamp(0.0, 0.9999)
                    }
                })
                .collect()
        })
        .collect();
    let mut sums = vec![0.0; k];
    for row in &nm {
        for (c, v) in row.iter().enumerate() {
            sums[c] += v;
        }
    }
    for row in &mut nm {
        for (c, v) in row.iter_mut().enumerate() {
            *v /= sums[c].max(TINY);
        }
    }
    nm
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numpy_sum_adds_in_numpys_order() {
        // Eight lanes then a tree: not the left-to-right sum.
        let a: Vec<f64> = (0..20).map(|i| 0.1 * f64::from(i) + 1e-17).collect();
        let lanes = {
            let mut r = [0.0; 8];
            r.copy_from_slice(&a[..8]);
            for (j, rj) in r.iter_mut().enumerate() {
                *rj += a[8 + j];
            }
            let mut s = ((r[0] + r[1]) + (r[2] + r[3])) + ((r[4] + r[5]) + (r[6] + r[7]));
            for x in &a[16..] {
                s += x;
            }
            s
        };
        assert_eq!(numpy_sum(&a).to_bits(), lanes.to_bits());
        assert_eq!(numpy_sum(&[1.0, 2.0, 3.0]).to_bits(), 6.0_f64.to_bits());
    }

    #[test]
    fn selection_takes_the_smallest_keys_and_breaks_ties_by_position() {
        let keys: Vec<u64> = [0.5, 0.1, 0.3, 0.1, 0.3, 0.9]
            .iter()
            .map(|&v| order_key(v))
            .collect();
        let mut got = smallest(keys.len(), 3, |i| keys[i]);
        got.sort_unstable();
        // 0.1, 0.1, then the first of the two 0.3s.
        assert_eq!(got, vec![1, 2, 3]);
        assert_eq!(smallest(keys.len(), 0, |i| keys[i]), Vec::<usize>::new());
        assert_eq!(smallest(keys.len(), 9, |i| keys[i]).len(), 6);
        // Few wanted of many (the heap), ties the earlier first, as the
        // selection.
        let many: Vec<u64> = (0..1000u64).map(|i| (i * 7919) % 13).collect();
        for take in [1, 5, 40, 62, 63, 64, 500] {
            let mut heap = smallest(many.len(), take, |i| many[i]);
            heap.sort_unstable();
            let mut order: Vec<usize> = (0..many.len()).collect();
            order.sort_by_key(|&i| (many[i], i));
            let mut want = order[..take].to_vec();
            want.sort_unstable();
            assert_eq!(heap, want, "take {take}");
        }
        // The key keeps total_cmp's order, negative numbers included.
        let mut v = [-2.0, 3.0, -0.0, 0.0, -7.5, 1e-300];
        v.sort_by(|a: &f64, b| a.total_cmp(b));
        let k: Vec<u64> = v.iter().map(|&x| order_key(x)).collect();
        assert!(k.windows(2).all(|w| w[0] < w[1]));
    }

    #[test]
    fn the_sweep_prunes_the_largest_margins_as_a_sort_would() {
        // Three classes, margins with many ties (values on a coarse grid),
        // more rows than one stretch, takes from one to every row.
        let n = 3 * SWEEP_ROWS + 123;
        let labels: Vec<u32> = (0..n).map(|i| [0, 1, 2][(i * 7 + i / 5) % 3]).collect();
        #[allow(clippy::cast_precision_loss)]
        let cols: Vec<Vec<f64>> = (0..3)
            .map(|c| {
                (0..n)
                    .map(|i| ((i * (c + 3) * 2_654_435_761) % 17) as f64 / 16.0)
                    .collect()
            })
            .collect();
        let probs: Vec<&[f64]> = cols.iter().map(Vec::as_slice).collect();
        let of = |c: u32| (0..n).filter(|&i| labels[i] == c).count();
        let pairs = [
            (0, 1, 1),
            (0, 2, 4000),
            (1, 0, 77),
            (2, 1, of(2)),
            (1, 2, of(1) + 5),
        ];
        let mut got = largest_margins(&labels, &probs, &pairs);
        got.sort_unstable();
        let mut want = Vec::new();
        for &(c, j, take) in &pairs {
            let mut rows: Vec<usize> = (0..n).filter(|&i| labels[i] as usize == c).collect();
            // Largest margin first, equal margins the earlier row first.
            rows.sort_by(|&a, &b| {
                let m = |i: usize| cols[j][i] - cols[c][i];
                m(b).total_cmp(&m(a)).then(a.cmp(&b))
            });
            want.extend(rows.into_iter().take(take));
        }
        want.sort_unstable();
        assert_eq!(got, want);
    }

    #[test]
    fn rounding_keeps_the_row_total() {
        // cleanlab's answers (numpy rounds half to even; among equal
        // remainders the later value moves up first).
        assert_eq!(round_preserving_sum(&[0.4, 0.4, 0.2]), [0, 1, 0]);
        assert_eq!(round_preserving_sum(&[2.5, 2.5, 1.0]), [2, 3, 1]);
        assert_eq!(round_preserving_sum(&[1.3, 1.3, 1.4]), [1, 1, 2]);
    }

    #[test]
    fn an_obvious_label_error_is_flagged_and_ranked_first() {
        // Class 0 and 1; row 3 is labelled 0 but the model is sure it is 1.
        let labels = [0, 0, 0, 0, 1, 1, 1, 1];
        let p1 = [0.1, 0.2, 0.15, 0.97, 0.9, 0.8, 0.85, 0.95];
        let p0: Vec<f64> = p1.iter().map(|p| 1.0 - p).collect();
        let issues = find(&labels, &[&p0, &p1], Options::default()).unwrap();
        assert_eq!(issues.ranked, [3]);
        assert_eq!(issues.suggested[3], 1);
        assert_eq!(issues.num_label_issues, 1);
        assert_eq!(issues.confident_joint, [[3, 1], [0, 4]]);
        for method in FilterBy::ALL {
            let o = Options {
                filter_by: method,
                ..Options::default()
            };
            assert_eq!(
                find(&labels, &[&p0, &p1], o).unwrap().ranked,
                [3],
                "{method:?}"
            );
        }
    }
}
