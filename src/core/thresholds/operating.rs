//! The model's own operating point: the threshold on a positive-class score
//! that reproduces the prediction column, so the Thresholds view opens where
//! the model actually decides and its counts equal the confusion matrix.

use serde::Serialize;

use super::Op;
use super::curve::counts_by_score;
use crate::core::stats::from_sort_key;

/// The threshold that reproduces the model's predictions.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct ModelThreshold {
    /// The threshold.
    pub value: f64,
    /// `score >= value` or `score > value`.
    pub op: Op,
    /// Rows (with a score) whose prediction the threshold does not reproduce;
    /// 0 when the predictions are exactly this threshold.
    pub disagreements: u64,
    /// Rows left out because their score is missing.
    pub missing: u64,
}

/// Decimals needed to write `v` exactly, up to `max` (then `max + 1`).
fn decimals(v: f64, max: u32) -> u32 {
    (0..=max)
        .find(|&d| {
            let scaled = v * 10f64.powi(d.cast_signed());
            (scaled - scaled.round()).abs() <= 1e-9 * scaled.abs().max(1.0)
        })
        .unwrap_or(max + 1)
}

/// The roundest `t` with `lo < t <= hi` and its decimals (at most 6).
fn roundest_in(lo: f64, hi: f64) -> Option<(f64, u32)> {
    (0..=6u32).find_map(|d| {
        let step = 10f64.powi(d.cast_signed());
        let c = ((lo * step).floor() + 1.0) / step;
        (c <= hi).then_some((c, d))
    })
}

/// The threshold on `scores` whose decisions agree with `predicted` (whether
/// the model predicted the positive class, per row) on the most rows; the
/// smallest such threshold, written as plainly as the data allows: a decile
/// score predicted positive from 5 gives `>= 5`, a probability predicted
/// positive above 0.5 gives `> 0.5`. Rows without a score are left out.
/// `None` when no row has a score.
#[must_use]
#[allow(clippy::float_cmp)] // runs of exactly equal scores; the cut is a data value
pub fn model_threshold(
    scores: &[f64],
    predicted: impl Fn(usize) -> bool + Sync,
) -> Option<ModelThreshold> {
    let missing = {
        use rayon::prelude::*;
        scores.par_iter().filter(|s| s.is_nan()).count() as u64
    };
    let values: Vec<(f64, u64, u64)> = counts_by_score(scores, &predicted)
        .into_iter()
        .map(|(key, [p, n])| (from_sort_key(key), p, n))
        .collect();
    if values.is_empty() {
        return None;
    }
    // Split j: positive from values[j] up (j = len: nothing positive).
    // Disagreements = positives below the split + negatives at or above it.
    let negatives: u64 = values.iter().map(|v| v.2).sum();
    let (mut pos_below, mut neg_above) = (0u64, negatives);
    let (mut best, mut best_j) = (u64::MAX, 0);
    for j in 0..=values.len() {
        let d = pos_below + neg_above;
        if d < best {
            best = d;
            best_j = j;
        }
        if let Some(&(_, p, n)) = values.get(j) {
            pos_below += p;
            neg_above -= n;
        }
    }
    let lo = best_j.checked_sub(1).map(|i| values[i].0);
    let hi = values.get(best_j).map(|v| v.0);
    let (value, op) = match (lo, hi) {
        // Everything positive: the smallest score.
        (None, Some(hi)) => (hi, Op::AtLeast),
        // Nothing positive: above the largest score.
        (Some(lo), None) => (lo, Op::Above),
        (Some(lo), Some(hi)) => match roundest_in(lo, hi) {
            // The smallest positive score itself, or a rounder cut than `lo`.
            Some((c, d)) if c == hi || d < decimals(lo, 6) => (c, Op::AtLeast),
            _ if decimals(lo, 6) <= 6 => (lo, Op::Above),
            _ => (hi, Op::AtLeast),
        },
        (None, None) => return None,
    };
    Some(ModelThreshold {
        value,
        op,
        disagreements: best,
        missing,
    })
}

#[cfg(test)]
mod tests {
    use super::super::curve::{distinct_counts, each_sorted_count, sorted_counts};
    use super::*;
    use crate::core::stats::MAX_DISTINCT;

    fn fit(scores: &[f64], cut: impl Fn(f64) -> bool + Sync) -> ModelThreshold {
        model_threshold(scores, |i| cut(scores[i])).unwrap()
    }

    #[test]
    fn decile_scores_give_the_decile() {
        let scores: Vec<f64> = (1..=10).chain(1..=10).map(f64::from).collect();
        let m = fit(&scores, |s| s >= 5.0);
        assert_eq!((m.value, m.op, m.disagreements), (5.0, Op::AtLeast, 0));
    }

    #[test]
    fn probabilities_give_the_round_cut() {
        // Predicted positive above 0.5, with 0.5 itself present and negative.
        let scores = [0.1, 0.5, 0.5, 0.73, 0.9, 0.31];
        let m = fit(&scores, |s| s > 0.5);
        assert_eq!((m.value, m.op, m.disagreements), (0.5, Op::Above, 0));
        // Without 0.5 in the data, `>= 0.5` reproduces it.
        let scores = [0.1, 0.4987, 0.5012, 0.73];
        let m = fit(&scores, |s| s > 0.5);
        assert_eq!((m.value, m.op, m.disagreements), (0.5, Op::AtLeast, 0));
        // `>= 0.5` with 0.5 present and positive.
        let scores = [0.1, 0.5, 0.49, 0.73];
        let m = fit(&scores, |s| s >= 0.5);
        assert_eq!((m.value, m.op, m.disagreements), (0.5, Op::AtLeast, 0));
    }

    #[test]
    fn the_threshold_reproduces_every_prediction_it_can() {
        let scores = [0.2, 0.3, 0.4, 0.6, 0.7, 0.8, f64::NAN];
        // One prediction no threshold reproduces: 0.3 predicted positive.
        let predicted = [false, true, false, true, true, true, true];
        let m = model_threshold(&scores, |i| predicted[i]).unwrap();
        assert_eq!((m.disagreements, m.missing), (1, 1));
        let decisions: Vec<bool> = scores[..6]
            .iter()
            .map(|&s| m.op.holds(s, m.value))
            .collect();
        let wrong = decisions
            .iter()
            .zip(&predicted)
            .filter(|(a, b)| a != b)
            .count();
        assert_eq!(wrong, 1);
        // No positive prediction at all: above the largest score.
        let m = fit(&[0.1, 0.2], |_| false);
        assert_eq!((m.value, m.op, m.disagreements), (0.2, Op::Above, 0));
        assert!(model_threshold(&[f64::NAN], |_| true).is_none());
    }

    #[test]
    #[allow(clippy::cast_precision_loss)]
    fn hashing_and_sorting_count_the_same_distinct_scores() {
        // A few thousand distinct scores (with -0.0 beside 0.0, and missing
        // ones) over 2.5M rows: several parts, hashed.
        let n = 2_500_000_usize;
        let scores = super::super::tests::few_distinct_scores(n);
        let predicted = |i: usize| (i * 31) % 7 < 3;
        let hashed = distinct_counts(&scores, &predicted).unwrap();
        assert_eq!(hashed, sorted_counts(&scores, &predicted));
        // From the highest down, as the curve walks them: the same, reversed.
        let mut down = Vec::new();
        each_sorted_count(&scores, &predicted, true, &mut |k, c| down.push((k, c)));
        down.reverse();
        assert_eq!(down, hashed);
        assert_eq!(hashed.len(), 4001);
        let total: u64 = hashed.iter().map(|v| v.1[0] + v.1[1]).sum();
        assert_eq!(total, (n - n / 1000) as u64);
        // Past the limit, hashing gives way to sorting.
        let distinct: Vec<f64> = (0..=MAX_DISTINCT).map(|i| i as f64).collect();
        assert!(distinct_counts(&distinct, &predicted).is_none());
        assert_eq!(sorted_counts(&distinct, &predicted).len(), MAX_DISTINCT + 1);
    }
}
