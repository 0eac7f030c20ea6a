//! The score curve behind every score-based metric: cumulative true and
//! false positives at each distinct score, and the ROC and precision–recall
//! curves, AUC and average precision derived from it (scikit-learn semantics).

use serde::Serialize;

use super::Op;
use crate::core::dataset::Weights;
use crate::core::metrics::BinaryCounts;
use crate::core::stats::{Count, from_sort_key, sort_key};

/// Cumulative false and true positives at each distinct score, descending
/// (scikit-learn's `_binary_clf_curve`), computed with one sort; every
/// score-based metric and the counts at any threshold derive from it.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct ScoreCurve {
    fps: Vec<f64>,
    tps: Vec<f64>,
    /// Cumulative squared weights of the false and true positives, for
    /// intervals over Kish's effective size; only with fractional weights
    /// (otherwise they equal `fps` and `tps`).
    units: Option<(Vec<f64>, Vec<f64>)>,
    thresholds: Vec<f64>,
    positives: Count,
    negatives: Count,
}

impl ScoreCurve {
    /// Builds the curve of `scores` (NaN rows are left out) against `actual`.
    #[must_use]
    pub fn new(actual: &[bool], scores: &[f64]) -> Self {
        Self::weighted(actual, scores, None)
    }

    /// Builds the curve with rows weighted as scikit-learn's `sample_weight`
    /// (rows of weight 0 are left out, as scikit-learn does).
    #[must_use]
    #[allow(
        clippy::cast_precision_loss,
        clippy::cast_possible_truncation,
        clippy::cast_sign_loss
    )]
    pub fn weighted(actual: &[bool], scores: &[f64], weights: Option<&Weights>) -> Self {
        let mut curve = Self {
            units: weights
                .is_some_and(|w| w.fractional)
                .then(|| (Vec::new(), Vec::new())),
            ..Self::default()
        };
        // Without weights, the distinct scores with their positives and
        // negatives, counted in integers (hashed or sorted on all cores).
        let Some(weights) = weights else {
            let (mut tp, mut fp) = (Count::ZERO, Count::ZERO);
            let mut add = |key: u64, [p, n]: [u64; 2]| {
                tp += Count::unweighted(p);
                fp += Count::unweighted(n);
                curve.tps.push(tp.w);
                curve.fps.push(fp.w);
                curve.thresholds.push(from_sort_key(key));
            };
            let side = |r: usize| actual[r];
            match distinct_counts(scores, &side) {
                Some(distinct) => distinct.into_iter().rev().for_each(|(k, c)| add(k, c)),
                // From the highest score down, as they are merged.
                None => each_sorted_count(scores, &side, true, &mut add),
            }
            curve.positives = tp;
            curve.negatives = fp;
            return curve;
        };
        // With weights, each class's scores as order-preserving integers
        // with their rows (row numbers fit u32, as every code does), sorted
        // on all cores, then merged from the top: integer sorts are much
        // faster than float comparisons, and ties need no order since only
        // the end of each run of equal scores becomes a point of the curve.
        let sorted = |want: bool| -> (Vec<u64>, Vec<u32>) {
            use rayon::prelude::*;
            let mut items: Vec<(u64, u32)> = (0..actual.len())
                .into_par_iter()
                .filter(|&r| actual[r] == want && !scores[r].is_nan() && weights.values[r] != 0.0)
                .map(|r| (sort_key(scores[r]), r as u32))
                .collect();
            items.par_sort_unstable();
            items.into_iter().unzip()
        };
        let ((pos, pos_rows), (neg, neg_rows)) = rayon::join(|| sorted(true), || sorted(false));
        let unit = |rows: &[u32], i: usize| {
            Count::of_weight(weights.values[rows[i] as usize], weights.fractional)
        };
        let (mut i, mut j) = (pos.len(), neg.len());
        let (mut tp, mut fp) = (Count::ZERO, Count::ZERO);
        while i > 0 || j > 0 {
            let top = match (i.checked_sub(1), j.checked_sub(1)) {
                (Some(a), Some(b)) => pos[a].max(neg[b]),
                (Some(a), None) => pos[a],
                (None, Some(b)) => neg[b],
                (None, None) => break,
            };
            while i > 0 && pos[i - 1] == top {
                tp += unit(&pos_rows, i - 1);
                i -= 1;
            }
            while j > 0 && neg[j - 1] == top {
                fp += unit(&neg_rows, j - 1);
                j -= 1;
            }
            curve.tps.push(tp.w);
            curve.fps.push(fp.w);
            if let Some((fu, tu)) = &mut curve.units {
                fu.push(fp.units);
                tu.push(tp.units);
            }
            curve.thresholds.push(from_sort_key(top));
        }
        curve.positives = tp;
        curve.negatives = fp;
        curve
    }

    /// The ROC curve with `drop_intermediate=True`; `None` without both classes.
    #[must_use]
    pub fn roc(&self) -> Option<Roc> {
        let n = self.fps.len();
        let (total_fp, total_tp) = (*self.fps.last()?, *self.tps.last()?);
        if total_fp == 0.0 || total_tp == 0.0 {
            return None;
        }
        let keep = (0..n).filter(|&i| {
            n <= 2 || i == 0 || i == n - 1 || {
                let d2 = |v: &[f64]| v[i + 1] - 2.0 * v[i] + v[i - 1];
                d2(&self.fps) != 0.0 || d2(&self.tps) != 0.0
            }
        });
        let mut roc = Roc {
            fpr: vec![0.0],
            tpr: vec![0.0],
            thresholds: vec![f64::INFINITY],
        };
        for i in keep {
            roc.fpr.push(self.fps[i] / total_fp);
            roc.tpr.push(self.tps[i] / total_tp);
            roc.thresholds.push(self.thresholds[i]);
        }
        Some(roc)
    }

    /// Area under the ROC curve.
    #[must_use]
    pub fn roc_auc(&self) -> Option<f64> {
        self.roc().map(|r| trapezoid(&r.fpr, &r.tpr))
    }

    /// The precision–recall curve; `None` without positives.
    #[must_use]
    pub fn pr(&self) -> Option<PrCurve> {
        let total_tp = *self.tps.last()?;
        if total_tp == 0.0 {
            return None;
        }
        // Written lowest threshold first, as scikit-learn orders them.
        let mut precision: Vec<f64> = self
            .tps
            .iter()
            .zip(&self.fps)
            .rev()
            .map(|(&tp, &fp)| if tp + fp == 0.0 { 0.0 } else { tp / (tp + fp) })
            .collect();
        let mut recall: Vec<f64> = self.tps.iter().rev().map(|&tp| tp / total_tp).collect();
        let thresholds = self.thresholds.iter().rev().copied().collect();
        precision.push(1.0);
        recall.push(0.0);
        Some(PrCurve {
            precision,
            recall,
            thresholds,
        })
    }

    /// Average precision: the sum over thresholds of the recall step times the precision.
    #[must_use]
    pub fn average_precision(&self) -> Option<f64> {
        self.pr().map(|pr| pr.average_precision())
    }

    /// Counts when predicting positive at `score >= threshold` (binary search).
    #[must_use]
    pub fn counts_at(&self, threshold: f64) -> BinaryCounts {
        self.counts(threshold, Op::AtLeast)
    }

    /// Counts when predicting positive at `score >= threshold` or
    /// `score > threshold` (binary search).
    #[must_use]
    #[allow(clippy::cast_possible_truncation, clippy::cast_sign_loss)]
    pub fn counts(&self, threshold: f64, op: Op) -> BinaryCounts {
        let k = match op {
            Op::AtLeast => self.thresholds.partition_point(|&t| t >= threshold),
            Op::Above => self.thresholds.partition_point(|&t| t > threshold),
        };
        let (tp, fp) = if k == 0 {
            (Count::ZERO, Count::ZERO)
        } else {
            let (tu, fu) = self
                .units
                .as_ref()
                .map_or((self.tps[k - 1], self.fps[k - 1]), |(fu, tu)| {
                    (tu[k - 1], fu[k - 1])
                });
            (
                Count {
                    w: self.tps[k - 1],
                    units: tu,
                },
                Count {
                    w: self.fps[k - 1],
                    units: fu,
                },
            )
        };
        BinaryCounts {
            tp,
            fp,
            fn_: self.positives - tp,
            tn: self.negatives - fp,
        }
    }

    /// Counts at each threshold.
    #[must_use]
    pub fn sweep(&self, thresholds: &[f64]) -> Vec<SweepPoint> {
        thresholds
            .iter()
            .map(|&threshold| SweepPoint {
                threshold,
                counts: self.counts_at(threshold),
            })
            .collect()
    }
}

/// The distinct scores of the rows with a score, as ascending
/// [`sort_key`]s, each with its rows on the `side` and off it, counted by
/// hashing on all cores (see [`crate::core::stats::distinct`]); `None`
/// past [`crate::core::stats::MAX_DISTINCT`] distinct scores, where
/// sorting is the way.
pub(super) fn distinct_counts(
    scores: &[f64],
    side: &(impl Fn(usize) -> bool + Sync),
) -> Option<Vec<(u64, [u64; 2])>> {
    crate::core::stats::distinct(
        scores.len(),
        |i| (!scores[i].is_nan()).then(|| sort_key(scores[i])),
        |_| [0; 2],
        |c: &mut [u64; 2], i| c[usize::from(!side(i))] += 1,
        |_| {},
        |c, [on, off]| {
            c[0] += on;
            c[1] += off;
        },
    )
}

/// A ROC curve: false and true positive rates at decreasing thresholds; the
/// first threshold is +infinity (`null` in JSON).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Roc {
    /// False positive rates.
    pub fpr: Vec<f64>,
    /// True positive rates.
    pub tpr: Vec<f64>,
    /// Thresholds (`f64::INFINITY` first).
    pub thresholds: Vec<f64>,
}

/// `roc_curve(y_true, y_score)` with `drop_intermediate=True`.
#[must_use]
pub fn roc_curve(actual: &[bool], scores: &[f64]) -> Option<Roc> {
    ScoreCurve::new(actual, scores).roc()
}

/// Area under a curve by the trapezoidal rule (`sklearn.metrics.auc`).
#[must_use]
pub fn trapezoid(x: &[f64], y: &[f64]) -> f64 {
    x.windows(2)
        .zip(y.windows(2))
        .map(|(xs, ys)| (xs[1] - xs[0]) * (ys[0] + ys[1]) / 2.0)
        .sum()
}

/// `roc_auc_score` for a binary problem; `None` when only one class occurs.
#[must_use]
pub fn roc_auc(actual: &[bool], scores: &[f64]) -> Option<f64> {
    ScoreCurve::new(actual, scores).roc_auc()
}

/// The distinct scores of the rows with a score, as ascending
/// [`sort_key`]s, each with its rows on the `side` and off it: hashed
/// ([`distinct_counts`]) up to [`crate::core::stats::MAX_DISTINCT`] of
/// them, else [`each_sorted_count`].
pub(super) fn counts_by_score(
    scores: &[f64],
    side: &(impl Fn(usize) -> bool + Sync),
) -> Vec<(u64, [u64; 2])> {
    distinct_counts(scores, side).unwrap_or_else(|| sorted_counts(scores, side))
}

/// [`each_sorted_count`] ascending, as a list.
pub(super) fn sorted_counts(
    scores: &[f64],
    side: &(impl Fn(usize) -> bool + Sync),
) -> Vec<(u64, [u64; 2])> {
    let mut counts = Vec::new();
    each_sorted_count(scores, side, false, &mut |k, c| counts.push((k, c)));
    counts
}

/// [`distinct_counts`] for any number of distinct scores, handed to `each`
/// one by one (ascending, or from the highest down with `descending`): each
/// side's scores as order-preserving integers, sorted on all cores, and
/// merged (10M distinct scores are not held twice).
pub(super) fn each_sorted_count(
    scores: &[f64],
    side: &(impl Fn(usize) -> bool + Sync),
    descending: bool,
    each: &mut dyn FnMut(u64, [u64; 2]),
) {
    use rayon::prelude::*;
    let keys = |on: bool| -> Vec<u64> {
        let mut keys: Vec<u64> = (0..scores.len())
            .into_par_iter()
            .filter(|&i| !scores[i].is_nan() && side(i) == on)
            .map(|i| sort_key(scores[i]))
            .collect();
        keys.par_sort_unstable();
        keys
    };
    let (on, off) = rayon::join(|| keys(true), || keys(false));
    // The k-th key of a side in the order walked.
    let at = |keys: &[u64], k: usize| keys[if descending { keys.len() - 1 - k } else { k }];
    let (mut i, mut j) = (0, 0);
    while let Some(key) = match (i < on.len(), j < off.len()) {
        (true, true) if descending => Some(at(&on, i).max(at(&off, j))),
        (true, true) => Some(at(&on, i).min(at(&off, j))),
        (true, false) => Some(at(&on, i)),
        (false, true) => Some(at(&off, j)),
        (false, false) => None,
    } {
        let (from_i, from_j) = (i, j);
        while i < on.len() && at(&on, i) == key {
            i += 1;
        }
        while j < off.len() && at(&off, j) == key {
            j += 1;
        }
        each(key, [(i - from_i) as u64, (j - from_j) as u64]);
    }
}

/// The points of a curve in the unit square to draw: the first, each point
/// at least 1/4096 from the last one kept along either axis, and the last.
/// A curve of 10M distinct scores draws as a few thousand points (drawing
/// every one took half a second a frame), and no point drawn on a plot
/// under 4,096 pixels wide moves by a pixel.
#[must_use]
pub fn drawn(points: impl Iterator<Item = [f64; 2]>) -> Vec<[f64; 2]> {
    const STEP: f64 = 1.0 / 4096.0;
    let mut out: Vec<[f64; 2]> = Vec::new();
    let mut last_skipped = None;
    for p in points {
        let far = out
            .last()
            .is_none_or(|q| (p[0] - q[0]).abs() >= STEP || (p[1] - q[1]).abs() >= STEP);
        if far {
            out.push(p);
            last_skipped = None;
        } else {
            last_skipped = Some(p);
        }
    }
    out.extend(last_skipped);
    out
}

/// A precision–recall curve in scikit-learn's order: recall decreasing,
/// ending at (recall 0, precision 1).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct PrCurve {
    /// Precision at each point.
    pub precision: Vec<f64>,
    /// Recall at each point.
    pub recall: Vec<f64>,
    /// Thresholds, increasing (one fewer than points).
    pub thresholds: Vec<f64>,
}

impl PrCurve {
    /// Average precision: the sum over thresholds of the recall step times
    /// the precision.
    #[must_use]
    pub fn average_precision(&self) -> f64 {
        -self
            .recall
            .windows(2)
            .zip(&self.precision)
            .map(|(r, p)| (r[1] - r[0]) * p)
            .sum::<f64>()
    }
}

/// `precision_recall_curve(y_true, y_score)`; `None` without positives.
#[must_use]
pub fn pr_curve(actual: &[bool], scores: &[f64]) -> Option<PrCurve> {
    ScoreCurve::new(actual, scores).pr()
}

/// `average_precision_score`; `None` without positives.
#[must_use]
pub fn average_precision(actual: &[bool], scores: &[f64]) -> Option<f64> {
    ScoreCurve::new(actual, scores).average_precision()
}

/// Confusion counts when predicting positive at `score >= threshold` (one pass).
#[must_use]
pub fn counts_at(actual: &[bool], scores: &[f64], threshold: f64) -> BinaryCounts {
    let mut c = BinaryCounts::default();
    for (&a, &s) in actual.iter().zip(scores) {
        if !s.is_nan() {
            c.add(a, s >= threshold, Count::ONE);
        }
    }
    c
}

/// One point of a threshold sweep.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct SweepPoint {
    /// The threshold.
    pub threshold: f64,
    /// Counts at it.
    pub counts: BinaryCounts,
}

/// Counts at each threshold.
#[must_use]
pub fn sweep(actual: &[bool], scores: &[f64], thresholds: &[f64]) -> Vec<SweepPoint> {
    ScoreCurve::new(actual, scores).sweep(thresholds)
}
#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    #[allow(clippy::cast_precision_loss)]
    fn a_drawn_curve_keeps_few_points_and_strays_from_none() {
        // A million points along a concave curve, as a ROC curve of a
        // million distinct scores.
        let n = 1_000_000;
        let points: Vec<[f64; 2]> = (0..=n)
            .map(|i| {
                let x = i as f64 / n as f64;
                [x, x.sqrt()]
            })
            .collect();
        let kept = drawn(points.iter().copied());
        assert!(kept.len() <= 2 * 4096 + 2, "{}", kept.len());
        assert_eq!((kept[0], *kept.last().unwrap()), (points[0], points[n]));
        // Every point lies within 1/4096 of the last point kept at or
        // before it, along both axes.
        let mut k = 0;
        for p in &points {
            while k + 1 < kept.len() && kept[k + 1][0] <= p[0] {
                k += 1;
            }
            let q = kept[k];
            assert!((p[0] - q[0]).abs() < 1.0 / 4096.0 && (p[1] - q[1]).abs() < 1.0 / 4096.0);
        }
        // Points far apart are all kept; a run of one point is its ends.
        let few = [[0.0, 0.0], [0.5, 0.1], [1.0, 1.0]];
        assert_eq!(drawn(few.into_iter()), few.to_vec());
        assert_eq!(drawn([[0.3, 0.3]; 5].into_iter()), vec![[0.3, 0.3]; 2]);
        assert!(drawn(std::iter::empty()).is_empty());
    }

    #[test]
    fn roc_auc_of_a_perfect_and_a_useless_ranking() {
        let actual = [false, false, true, true];
        assert_eq!(roc_auc(&actual, &[0.1, 0.2, 0.8, 0.9]), Some(1.0));
        assert_eq!(roc_auc(&actual, &[0.5, 0.5, 0.5, 0.5]), Some(0.5));
        assert_eq!(roc_auc(&[true, true], &[0.1, 0.2]), None);
    }

    #[test]
    fn sklearn_docs_example() {
        // sklearn docs: y = [0, 0, 1, 1], scores = [0.1, 0.4, 0.35, 0.8]
        let actual = [false, false, true, true];
        let scores = [0.1, 0.4, 0.35, 0.8];
        assert!((roc_auc(&actual, &scores).unwrap() - 0.75).abs() < 1e-12);
        assert!(
            (average_precision(&actual, &scores).unwrap() - 0.833_333_333_333_333_3).abs() < 1e-12
        );
        let pr = pr_curve(&actual, &scores).unwrap();
        assert_eq!(pr.recall, vec![1.0, 1.0, 0.5, 0.5, 0.0]);
        assert_eq!(pr.thresholds, vec![0.1, 0.35, 0.4, 0.8]);
    }

    #[test]
    fn sweep_equals_counting_at_each_threshold() {
        let actual = [true, false, true, false, true, false];
        let scores = [0.9, 0.8, 0.5, 0.5, 0.2, f64::NAN];
        let ts = [0.95, 0.5, 0.1, 0.8];
        for p in sweep(&actual, &scores, &ts) {
            assert_eq!(
                p.counts,
                counts_at(&actual, &scores, p.threshold),
                "{}",
                p.threshold
            );
        }
    }

    #[test]
    #[allow(clippy::cast_precision_loss)]
    fn hashed_distinct_scores_give_the_sorted_curve() {
        // 2.5M rows of a few thousand distinct scores (some missing, -0.0
        // beside 0.0): hashed. Weights of one take the sorting path.
        let n = 2_500_000_usize;
        let scores = super::super::tests::few_distinct_scores(n);
        let actual: Vec<bool> = (0..n).map(|i| (i * 31) % 7 < 3).collect();
        let ones = Weights {
            column: "w".to_string(),
            values: vec![1.0; n],
            fractional: false,
        };
        let hashed = ScoreCurve::new(&actual, &scores);
        assert_eq!(hashed, ScoreCurve::weighted(&actual, &scores, Some(&ones)));
        assert_eq!(hashed.thresholds.len(), 4001);
        assert!((hashed.positives.w + hashed.negatives.w - (n - n / 1000) as f64).abs() < 0.5);
    }
}
