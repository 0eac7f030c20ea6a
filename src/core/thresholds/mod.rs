//! Score-based analysis for a positive class: ROC curve and AUC, the
//! precision–recall curve and average precision (scikit-learn semantics),
//! and the confusion counts at any threshold.
//!
//! A prediction file has one score column. It is read either as the
//! probability of the positive class, or as the model's confidence in its
//! own prediction; then the positive-class score is `s` where the model
//! predicted the positive class and `1 - s` elsewhere.

mod curve;
mod operating;

use serde::Serialize;

pub use curve::{
    PrCurve, Roc, ScoreCurve, SweepPoint, average_precision, counts_at, drawn, pr_curve, roc_auc,
    roc_curve, sweep, trapezoid,
};
pub use operating::{ModelThreshold, model_threshold};

use super::dataset::{Dataset, Weights};
use super::metrics::BinaryCounts;
use super::slices::SliceKey;
use super::stats::Count;

/// How a threshold decides positive: `score >= t` or `score > t`.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, serde::Deserialize)]
pub enum Op {
    /// `score >= t`.
    #[default]
    #[serde(rename = ">=")]
    AtLeast,
    /// `score > t`.
    #[serde(rename = ">")]
    Above,
}

impl Op {
    /// `>=` or `>`.
    #[must_use]
    pub fn symbol(self) -> &'static str {
        match self {
            Self::AtLeast => ">=",
            Self::Above => ">",
        }
    }

    /// Whether `score` is positive at threshold `t`.
    #[must_use]
    pub fn holds(self, score: f64, t: f64) -> bool {
        match self {
            Self::AtLeast => score >= t,
            Self::Above => score > t,
        }
    }
}

/// What the score column means.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ScoreMeaning {
    /// Higher means more likely the positive class (a probability or any risk score).
    Positive,
    /// The model's confidence in its predicted class.
    Confidence,
}

impl ScoreMeaning {
    /// Parses `positive` / `confidence`.
    #[must_use]
    pub fn from_name(s: &str) -> Option<Self> {
        match s.trim().to_ascii_lowercase().as_str() {
            "positive" | "probability" | "proba" => Some(Self::Positive),
            "confidence" | "conf" => Some(Self::Confidence),
            _ => None,
        }
    }

    /// How the score is read, in words ("the score of the positive class").
    #[must_use]
    pub fn describe(self) -> &'static str {
        match self {
            Self::Positive => "the score of the positive class",
            Self::Confidence => "the model's confidence in its prediction",
        }
    }

    /// The meaning to read the score column with: `given`, else detected
    /// for the positive class; without one, a confidence for more than two
    /// classes. Returns whether it was detected.
    #[must_use]
    pub fn resolve(ds: &Dataset, positive: Option<u32>, given: Option<Self>) -> (Self, bool) {
        match (given, positive) {
            (Some(m), _) => (m, false),
            (None, Some(p)) => (Self::detect(ds, p), true),
            (None, None) if ds.classes.len() > 2 => (Self::Confidence, true),
            (None, None) => (Self::Positive, true),
        }
    }

    /// Guesses the meaning. A score of the positive class separates the
    /// model's positive predictions from its negative ones (they are made by
    /// thresholding it); a confidence barely differs between them. So: the
    /// gap between the mean score of predicted positives and of predicted
    /// negatives, in pooled standard deviations, above 1.5 (or scores outside
    /// [0, 1], which cannot be confidences) means a positive-class score.
    #[must_use]
    pub fn detect(ds: &Dataset, positive: u32) -> Self {
        let Some(score) = &ds.score else {
            return Self::Positive;
        };
        // Welford-free two-group moments: n, sum, sum of squares, and
        // whether every score is in [0, 1]; on all cores, in parts fixed by
        // the rows (the same sums whatever the threads).
        let (acc, in_unit) = crate::core::stats::fold_rows(
            score.len(),
            64,
            || ([[0.0f64; 3]; 2], true),
            |(acc, in_unit), row| {
                let s = score[row];
                if s.is_nan() {
                    return;
                }
                *in_unit &= (0.0..=1.0).contains(&s);
                let g = &mut acc[usize::from(ds.pred[row] == positive)];
                g[0] += 1.0;
                g[1] += s;
                g[2] += s * s;
            },
            |(acc, in_unit), (more, more_in_unit)| {
                *in_unit &= more_in_unit;
                for (g, m) in acc.iter_mut().zip(more) {
                    for (a, b) in g.iter_mut().zip(m) {
                        *a += b;
                    }
                }
            },
        );
        let [neg, pos] = acc;
        if !in_unit || neg[0] < 2.0 || pos[0] < 2.0 {
            return Self::Positive;
        }
        let mean = |g: [f64; 3]| g[1] / g[0];
        let var = |g: [f64; 3]| ((g[2] - g[1] * g[1] / g[0]) / (g[0] - 1.0)).max(0.0);
        let pooled = ((var(neg) * (neg[0] - 1.0) + var(pos) * (pos[0] - 1.0))
            / (neg[0] + pos[0] - 2.0))
            .sqrt();
        let gap = mean(pos) - mean(neg);
        if pooled == 0.0 || gap / pooled > 1.5 {
            Self::Positive
        } else {
            Self::Confidence
        }
    }
}

/// The positive-class score of every row (NaN where it is missing): the
/// class's probability column when the data has one; else the score column,
/// read as the positive class's score, or as the confidence in the
/// prediction (then `1 - s` where another class was predicted, which is the
/// positive class's probability only with two classes). `None` without a
/// score, and for a confidence with more than two classes.
#[must_use]
pub fn positive_scores(ds: &Dataset, positive: u32, meaning: ScoreMeaning) -> Option<Vec<f64>> {
    use rayon::prelude::*;
    // Copied on all cores: a fresh copy's pages are zeroed as they are
    // first written, a tenth of a second for 10M scores on one core.
    if let Some(p) = ds.probas.as_ref().and_then(|p| p.of(positive)) {
        return Some(p.par_iter().copied().collect());
    }
    let score = ds.score.as_ref()?;
    match meaning {
        ScoreMeaning::Positive => Some(score.par_iter().copied().collect()),
        ScoreMeaning::Confidence if ds.classes.len() <= 2 => Some(
            score
                .par_iter()
                .zip(&ds.pred)
                .map(|(&s, &p)| if p == positive { s } else { 1.0 - s })
                .collect(),
        ),
        ScoreMeaning::Confidence => None,
    }
}

/// The name of the column the positive-class score comes from.
#[must_use]
pub fn score_column(ds: &Dataset, positive: u32) -> Option<String> {
    ds.probas
        .as_ref()
        .and_then(|p| p.columns.iter().find(|c| c.class == positive))
        .map(|c| c.name.clone())
        .or_else(|| ds.roles.score.clone())
}

/// The default sweep: every distinct score when there are at most 30 (a
/// decile score, say); else 0.05 to 0.95 in steps of 0.05 for scores in
/// [0, 1]; else 19 evenly spaced thresholds between the smallest and largest.
#[must_use]
#[allow(clippy::cast_precision_loss)]
pub fn default_thresholds(scores: &[f64]) -> Vec<f64> {
    let mut distinct: Vec<f64> = Vec::new();
    for &s in scores.iter().filter(|s| s.is_finite()) {
        if distinct.len() > 30 {
            break;
        }
        if !distinct.contains(&s) {
            distinct.push(s);
        }
    }
    if (1..=30).contains(&distinct.len()) {
        distinct.sort_by(f64::total_cmp);
        return distinct;
    }
    let Some(ScoreRange { lo, hi, .. }) = ScoreRange::of(scores) else {
        return Vec::new();
    };
    if lo >= 0.0 && hi <= 1.0 {
        (1..20).map(|i| f64::from(i) * 0.05).collect()
    } else {
        (1..20)
            .map(|i| lo + (hi - lo) * f64::from(i) / 20.0)
            .collect()
    }
}

/// The range of a score column's finite values, and whether every one is
/// a whole number (the Review filter's bounds, the default thresholds).
#[derive(Debug, Clone, Copy)]
pub struct ScoreRange {
    /// Lowest finite score.
    pub lo: f64,
    /// Highest finite score.
    pub hi: f64,
    /// Whether every score is a whole number.
    pub integral: bool,
}

impl ScoreRange {
    /// The range of the finite scores, if any.
    #[must_use]
    pub fn of(scores: &[f64]) -> Option<Self> {
        let mut r = Self {
            lo: f64::INFINITY,
            hi: f64::NEG_INFINITY,
            integral: true,
        };
        for &s in scores.iter().filter(|s| s.is_finite()) {
            r.lo = r.lo.min(s);
            r.hi = r.hi.max(s);
            r.integral &= s.fract() == 0.0;
        }
        r.lo.is_finite().then_some(r)
    }
}

/// Everything score-based for one positive class: the curves, AUC and
/// average precision that the report's score section and the Thresholds view
/// both show.
#[derive(Debug, Clone)]
pub struct ScoreAnalysis {
    /// The positive class.
    pub positive: u32,
    /// How the score column was read.
    pub meaning: ScoreMeaning,
    /// Whether the meaning was detected (not given).
    pub detected: bool,
    /// The column the score comes from.
    pub column: String,
    /// The positive-class score of every row (NaN where missing).
    pub scores: Vec<f64>,
    /// The threshold that reproduces the model's predictions.
    pub model: Option<ModelThreshold>,
    /// Counts at every threshold.
    pub curve: ScoreCurve,
    /// The ROC curve.
    pub roc: Option<Roc>,
    /// The precision–recall curve.
    pub pr: Option<PrCurve>,
    /// Area under the ROC curve.
    pub roc_auc: Option<f64>,
    /// Average precision.
    pub average_precision: Option<f64>,
    /// Smallest and largest finite positive-class score ((0, 1) without any).
    pub range: (f64, f64),
}

impl ScoreAnalysis {
    /// Analyses the positive-class score of `positive` ([`positive_scores`]),
    /// reading a score column as `meaning` (detected when `None`). `None`
    /// without a positive-class score.
    #[must_use]
    pub fn compute(ds: &Dataset, positive: u32, meaning: Option<ScoreMeaning>) -> Option<Self> {
        use rayon::prelude::*;
        let from_probas = ds.probas.as_ref().is_some_and(|p| p.of(positive).is_some());
        let (meaning, detected) = if from_probas {
            (ScoreMeaning::Positive, false)
        } else {
            ScoreMeaning::resolve(ds, Some(positive), meaning)
        };
        let scores = positive_scores(ds, positive, meaning)?;
        // The model's threshold and the curve each sort or hash the scores:
        // side by side, as are the curve's ROC and precision–recall points
        // (as many as distinct scores: 10M for scores of full precision).
        let (model, curve) = rayon::join(
            || model_threshold(&scores, |i| ds.pred[i] == positive),
            || {
                let actual: Vec<bool> = ds.label.par_iter().map(|&l| l == positive).collect();
                ScoreCurve::weighted(&actual, &scores, ds.weights.as_ref())
            },
        );
        let (roc, pr) = rayon::join(|| curve.roc(), || curve.pr());
        // The smallest and largest finite score (in any order, 0.0 for a
        // zero of either sign).
        let range = scores
            .par_iter()
            .filter(|s| s.is_finite())
            .map(|&s| s + 0.0)
            .fold(
                || (f64::INFINITY, f64::NEG_INFINITY),
                |(a, b), s| (a.min(s), b.max(s)),
            )
            .reduce(
                || (f64::INFINITY, f64::NEG_INFINITY),
                |(a, b), (c, d)| (a.min(c), b.max(d)),
            );
        Some(Self {
            positive,
            meaning,
            detected,
            column: score_column(ds, positive).unwrap_or_default(),
            model,
            roc_auc: roc.as_ref().map(|r| trapezoid(&r.fpr, &r.tpr)),
            average_precision: pr.as_ref().map(curve::PrCurve::average_precision),
            pr,
            roc,
            curve,
            range: if range.0.is_finite() {
                range
            } else {
                (0.0, 1.0)
            },
            scores,
        })
    }

    /// The ROC and precision–recall curves' points to draw ([`drawn`]).
    #[must_use]
    pub fn drawn(&self) -> [Vec<[f64; 2]>; 2] {
        let line = |x: &[f64], y: &[f64]| drawn(x.iter().zip(y).map(|(&x, &y)| [x, y]));
        [
            self.roc
                .as_ref()
                .map_or_else(Vec::new, |r| line(&r.fpr, &r.tpr)),
            self.pr
                .as_ref()
                .map_or_else(Vec::new, |p| line(&p.recall, &p.precision)),
        ]
    }

    /// Counts at the default thresholds ([`default_thresholds`]).
    #[must_use]
    pub fn sweep(&self) -> Vec<SweepPoint> {
        self.curve.sweep(&default_thresholds(&self.scores))
    }

    /// A curve per group of the slice `columns` (the first `limit` groups),
    /// for per-group rates at any threshold.
    ///
    /// # Errors
    /// When a column is not a slice column.
    pub fn group_curves(
        &self,
        ds: &Dataset,
        columns: &[String],
        limit: usize,
    ) -> Result<GroupCurves, super::slices::SliceError> {
        let key = SliceKey::new(ds, columns)?;
        Ok(GroupCurves::new(
            ds,
            &key,
            self.positive,
            &self.scores,
            limit,
        ))
    }
}

/// A [`ScoreCurve`] per group of a slice, so that per-group counts at any
/// threshold take a binary search instead of a pass over the rows.
#[derive(Debug, Clone, Default)]
pub struct GroupCurves {
    /// Group values, as [`super::slices::Group::values`].
    pub groups: Vec<Vec<String>>,
    /// Rows per group (their weight, with a weight column).
    pub sizes: Vec<Count>,
    /// The curve per group.
    pub curves: Vec<ScoreCurve>,
}

impl GroupCurves {
    /// Builds a curve for each of the first `limit` non-empty groups of
    /// `key`, in the key's order (a column of user ids has hundreds of
    /// thousands, which no table lists).
    #[must_use]
    pub fn new(
        ds: &Dataset,
        key: &SliceKey<'_>,
        positive: u32,
        positive_scores: &[f64],
        limit: usize,
    ) -> Self {
        type Cell = (Vec<f64>, Vec<bool>, Vec<f64>, Count);
        let rows = crate::core::stats::tally(ds.rows(), key.cells(), |r| Some(key.cell(r)));
        let kept: Vec<usize> = (0..key.cells())
            .filter(|&c| rows[c] > 0)
            .take(limit)
            .collect();
        let mut slot = vec![usize::MAX; key.cells()];
        for (k, &c) in kept.iter().enumerate() {
            slot[c] = k;
        }
        let mut cells: Vec<Cell> = kept
            .iter()
            .map(|&c| {
                let n = usize::try_from(rows[c]).unwrap_or(0);
                let weights = ds.weights.as_ref().map_or(0, |_| n);
                (
                    Vec::with_capacity(n),
                    Vec::with_capacity(n),
                    Vec::with_capacity(weights),
                    Count::ZERO,
                )
            })
            .collect();
        for row in 0..ds.rows() {
            let Some((scores, actual, weights, size)) = cells.get_mut(slot[key.cell(row)]) else {
                continue;
            };
            scores.push(positive_scores[row]);
            actual.push(ds.label[row] == positive);
            if let Some(w) = &ds.weights {
                weights.push(w.values[row]);
            }
            *size += ds.unit(row);
        }
        let mut out = Self::default();
        for (&cell, (scores, actual, weights, size)) in kept.iter().zip(cells) {
            let weights = ds.weights.as_ref().map(|w| Weights {
                column: String::new(),
                values: weights,
                fractional: w.fractional,
            });
            out.groups.push(key.values(cell));
            out.sizes.push(size);
            out.curves
                .push(ScoreCurve::weighted(&actual, &scores, weights.as_ref()));
        }
        out
    }

    /// Counts per group at one threshold (`score >= threshold`), or at a
    /// threshold per group.
    #[must_use]
    pub fn counts_at(&self, threshold: f64, per_group: Option<&[f64]>) -> Vec<BinaryCounts> {
        self.counts(threshold, Op::AtLeast, per_group)
    }

    /// Counts per group at one threshold and comparison, or at a threshold
    /// per group.
    #[must_use]
    pub fn counts(&self, threshold: f64, op: Op, per_group: Option<&[f64]>) -> Vec<BinaryCounts> {
        self.curves
            .iter()
            .enumerate()
            .map(|(i, c)| {
                let t = per_group
                    .and_then(|t| t.get(i))
                    .copied()
                    .unwrap_or(threshold);
                c.counts(t, op)
            })
            .collect()
    }
}

#[cfg(test)]
mod tests {
    /// `n` scores of 4,001 distinct values (0, 1/4000, … 1), every
    /// thousandth missing, with -0.0 beside 0.0: hashed, not sorted.
    #[allow(clippy::cast_precision_loss)]
    pub(super) fn few_distinct_scores(n: usize) -> Vec<f64> {
        (0..n)
            .map(|i| match i % 1000 {
                0 => f64::NAN,
                1 => -0.0,
                2 => 0.0,
                _ => ((i * 7919) % 4001) as f64 / 4000.0,
            })
            .collect()
    }
}
