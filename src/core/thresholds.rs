//! Score-based analysis for a positive class: ROC curve and AUC, the
//! precision–recall curve and average precision (scikit-learn semantics),
//! and the confusion counts at any threshold.
//!
//! A prediction file has one score column. It is read either as the
//! probability of the positive class, or as the model's confidence in its
//! own prediction; then the positive-class score is `s` where the model
//! predicted the positive class and `1 - s` elsewhere.

use serde::Serialize;

use super::dataset::Dataset;
use super::metrics::BinaryCounts;
use super::slices::{Decision, Group, SliceKey, count_groups_with};

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

    /// Guesses the meaning: scores that stay at or above 0.5 although the
    /// model predicts both classes are confidences; anything else is read
    /// as a score for the positive class.
    #[must_use]
    pub fn detect(ds: &Dataset, positive: u32) -> Self {
        let Some(score) = &ds.score else {
            return Self::Positive;
        };
        let (mut n, mut high, mut pred_neg) = (0u64, 0u64, 0u64);
        for (row, &s) in score.iter().enumerate() {
            if s.is_nan() {
                continue;
            }
            n += 1;
            high += u64::from(s >= 0.5);
            pred_neg += u64::from(ds.pred[row] != positive);
        }
        let in_unit = score.iter().all(|s| s.is_nan() || (0.0..=1.0).contains(s));
        if in_unit && n > 0 && pred_neg > 0 && pred_neg < n && high * 100 >= n * 99 {
            Self::Confidence
        } else {
            Self::Positive
        }
    }
}

/// The positive-class score of every row (NaN where the score is missing).
#[must_use]
pub fn positive_scores(ds: &Dataset, positive: u32, meaning: ScoreMeaning) -> Option<Vec<f64>> {
    let score = ds.score.as_ref()?;
    Some(match meaning {
        ScoreMeaning::Positive => score.clone(),
        ScoreMeaning::Confidence => score
            .iter()
            .zip(&ds.pred)
            .map(|(&s, &p)| if p == positive { s } else { 1.0 - s })
            .collect(),
    })
}

/// Cumulative false and true positives at each distinct score, descending
/// (scikit-learn's `_binary_clf_curve`).
#[derive(Debug, Clone, PartialEq)]
struct ClfCurve {
    fps: Vec<f64>,
    tps: Vec<f64>,
    thresholds: Vec<f64>,
}

#[allow(clippy::cast_precision_loss)]
fn binary_clf_curve(actual: &[bool], scores: &[f64]) -> ClfCurve {
    let mut order: Vec<usize> = (0..scores.len()).filter(|&i| !scores[i].is_nan()).collect();
    // Stable sort by score descending, as numpy's mergesort on -score.
    order.sort_by(|&a, &b| scores[b].total_cmp(&scores[a]));
    let mut curve = ClfCurve {
        fps: Vec::new(),
        tps: Vec::new(),
        thresholds: Vec::new(),
    };
    let mut tp = 0.0;
    for (k, &i) in order.iter().enumerate() {
        if actual[i] {
            tp += 1.0;
        }
        let last_of_value = order
            .get(k + 1)
            .is_none_or(|&j| scores[j].total_cmp(&scores[i]).is_ne());
        if last_of_value {
            curve.tps.push(tp);
            curve.fps.push((k + 1) as f64 - tp);
            curve.thresholds.push(scores[i]);
        }
    }
    curve
}

/// A ROC curve: false and true positive rates at decreasing thresholds; the
/// first threshold is +infinity (`None` in JSON).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Roc {
    /// False positive rates.
    pub fpr: Vec<f64>,
    /// True positive rates.
    pub tpr: Vec<f64>,
    /// Thresholds (`f64::INFINITY` first).
    pub thresholds: Vec<f64>,
}

/// `roc_curve(y_true, y_score)` with `drop_intermediate=True`. `None` when
/// there are no positives or no negatives (the rates are undefined).
#[must_use]
pub fn roc_curve(actual: &[bool], scores: &[f64]) -> Option<Roc> {
    let c = binary_clf_curve(actual, scores);
    let n = c.fps.len();
    let keep: Vec<usize> = if n > 2 {
        (0..n)
            .filter(|&i| {
                i == 0 || i == n - 1 || {
                    let d2 = |v: &[f64]| v[i + 1] - 2.0 * v[i] + v[i - 1];
                    d2(&c.fps) != 0.0 || d2(&c.tps) != 0.0
                }
            })
            .collect()
    } else {
        (0..n).collect()
    };
    let total_fp = *c.fps.last()?;
    let total_tp = *c.tps.last()?;
    if total_fp == 0.0 || total_tp == 0.0 {
        return None;
    }
    let mut roc = Roc {
        fpr: vec![0.0],
        tpr: vec![0.0],
        thresholds: vec![f64::INFINITY],
    };
    for i in keep {
        roc.fpr.push(c.fps[i] / total_fp);
        roc.tpr.push(c.tps[i] / total_tp);
        roc.thresholds.push(c.thresholds[i]);
    }
    Some(roc)
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
    roc_curve(actual, scores).map(|r| trapezoid(&r.fpr, &r.tpr))
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

/// `precision_recall_curve(y_true, y_score)`; `None` without positives.
#[must_use]
pub fn pr_curve(actual: &[bool], scores: &[f64]) -> Option<PrCurve> {
    let c = binary_clf_curve(actual, scores);
    let total_tp = *c.tps.last()?;
    if total_tp == 0.0 {
        return None;
    }
    let mut precision: Vec<f64> = c
        .tps
        .iter()
        .zip(&c.fps)
        .map(|(&tp, &fp)| if tp + fp == 0.0 { 0.0 } else { tp / (tp + fp) })
        .collect();
    let mut recall: Vec<f64> = c.tps.iter().map(|&tp| tp / total_tp).collect();
    let mut thresholds = c.thresholds;
    precision.reverse();
    recall.reverse();
    thresholds.reverse();
    precision.push(1.0);
    recall.push(0.0);
    Some(PrCurve {
        precision,
        recall,
        thresholds,
    })
}

/// `average_precision_score`: the sum over thresholds of the recall step times
/// the precision; `None` without positives.
#[must_use]
pub fn average_precision(actual: &[bool], scores: &[f64]) -> Option<f64> {
    let pr = pr_curve(actual, scores)?;
    Some(
        -pr.recall
            .windows(2)
            .zip(&pr.precision)
            .map(|(r, p)| (r[1] - r[0]) * p)
            .sum::<f64>(),
    )
}

/// Confusion counts when predicting positive at `score >= threshold`.
#[must_use]
pub fn counts_at(actual: &[bool], scores: &[f64], threshold: f64) -> BinaryCounts {
    let mut c = BinaryCounts::default();
    for (&a, &s) in actual.iter().zip(scores) {
        if !s.is_nan() {
            c.add(a, s >= threshold);
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

/// Counts at each threshold (sorting once, then one pass: O(n log n)).
#[must_use]
pub fn sweep(actual: &[bool], scores: &[f64], thresholds: &[f64]) -> Vec<SweepPoint> {
    let mut pairs: Vec<(f64, bool)> = scores
        .iter()
        .zip(actual)
        .filter(|(s, _)| !s.is_nan())
        .map(|(&s, &a)| (s, a))
        .collect();
    pairs.sort_by(|a, b| b.0.total_cmp(&a.0));
    let positives = pairs.iter().filter(|p| p.1).count() as u64;
    let negatives = pairs.len() as u64 - positives;
    let mut ts: Vec<(usize, f64)> = thresholds.iter().copied().enumerate().collect();
    ts.sort_by(|a, b| b.1.total_cmp(&a.1));
    let mut out = vec![
        SweepPoint {
            threshold: 0.0,
            counts: BinaryCounts::default()
        };
        thresholds.len()
    ];
    let (mut k, mut tp, mut fp) = (0usize, 0u64, 0u64);
    for (idx, t) in ts {
        while k < pairs.len() && pairs[k].0 >= t {
            if pairs[k].1 {
                tp += 1;
            } else {
                fp += 1;
            }
            k += 1;
        }
        out[idx] = SweepPoint {
            threshold: t,
            counts: BinaryCounts {
                tp,
                fp,
                fn_: positives - tp,
                tn: negatives - fp,
            },
        };
    }
    out
}

/// The default sweep: 0.05 to 0.95 in steps of 0.05 for scores in [0, 1],
/// else 19 evenly spaced thresholds between the smallest and largest score.
#[must_use]
#[allow(clippy::cast_precision_loss)]
pub fn default_thresholds(scores: &[f64]) -> Vec<f64> {
    let finite = scores.iter().copied().filter(|s| s.is_finite());
    let (lo, hi) = finite.fold((f64::INFINITY, f64::NEG_INFINITY), |(a, b), s| {
        (a.min(s), b.max(s))
    });
    if !lo.is_finite() {
        return Vec::new();
    }
    if lo >= 0.0 && hi <= 1.0 {
        (1..20).map(|i| f64::from(i) * 0.05).collect()
    } else {
        (1..20)
            .map(|i| lo + (hi - lo) * f64::from(i) / 20.0)
            .collect()
    }
}

/// Per-slice counts when predicting positive at `score >= threshold` (or a
/// threshold per cell of the slice: what-if only, the data is never changed).
#[must_use]
pub fn slice_counts_at(
    ds: &Dataset,
    key: &SliceKey<'_>,
    positive: u32,
    positive_scores: &[f64],
    threshold: f64,
    per_cell: Option<&[f64]>,
) -> Vec<Group> {
    count_groups_with(
        ds,
        key,
        Some(positive),
        Decision::Threshold {
            scores: positive_scores,
            threshold,
            per_cell,
        },
    )
}

#[cfg(test)]
mod tests {
    use super::*;

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
}
