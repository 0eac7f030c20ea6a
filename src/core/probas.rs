//! Metrics of per-class probability columns (scikit-learn semantics):
//! one-vs-rest ROC AUC and average precision per class with their macro and
//! weighted averages (`roc_auc_score(y, P, multi_class="ovr")`), top-k
//! accuracy (`top_k_accuracy_score`), log loss (`log_loss`, probabilities
//! clipped to `[eps, 1 - eps]`) and the Brier score (`brier_score_loss`:
//! the sum over classes of squared differences, halved for two classes).

use rayon::prelude::*;
use serde::Serialize;

use super::dataset::{Dataset, Probas, Weights};
use super::stats::{Count, ratio};
use super::thresholds::ScoreCurve;

/// How far a row's probabilities may sum from 1 before it is counted.
pub const ROW_SUM_TOLERANCE: f64 = 1e-6;

/// One class's ranking quality.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ClassScores {
    /// The class.
    pub class: String,
    /// The probability column.
    pub column: String,
    /// Rows truly of the class.
    pub support: Count,
    /// One-vs-rest ROC AUC (`None` when the class never or always occurs).
    pub roc_auc: Option<f64>,
    /// One-vs-rest average precision.
    pub average_precision: Option<f64>,
}

/// Top-k accuracy for one k.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct TopK {
    /// k.
    pub k: usize,
    /// Share of rows whose true class is among the k most probable.
    pub accuracy: Option<f64>,
}

/// What per-class probability columns say about the model.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ProbaSummary {
    /// Per class with a column.
    pub per_class: Vec<ClassScores>,
    /// Macro average of the one-vs-rest ROC AUCs.
    pub roc_auc_macro: Option<f64>,
    /// Support-weighted average of the one-vs-rest ROC AUCs.
    pub roc_auc_weighted: Option<f64>,
    /// Top-k accuracy for k = 2, 3, 5 below the number of classes (every
    /// class needs a column).
    pub top_k: Vec<TopK>,
    /// Mean log loss (every class needs a column).
    pub log_loss: Option<f64>,
    /// Brier score (every class needs a column).
    pub brier: Option<f64>,
    /// Rows whose probabilities do not sum to 1 within [`ROW_SUM_TOLERANCE`].
    pub row_sum_off: u64,
    /// Rows with a missing probability (left out of every metric here).
    pub missing: u64,
    /// Whether every class has a column.
    pub complete: bool,
}

/// The rows whose every probability is present.
fn complete_rows(p: &Probas, rows: usize) -> Vec<bool> {
    let mut ok = vec![true; rows];
    for c in &p.columns {
        for (o, v) in ok.iter_mut().zip(&c.values) {
            *o &= !v.is_nan();
        }
    }
    ok
}

/// The summary, when the data has probability columns.
#[must_use]
#[allow(clippy::cast_precision_loss)]
pub fn summarize(ds: &Dataset) -> Option<ProbaSummary> {
    let p = ds.probas.as_ref()?;
    let k = ds.classes.len();
    let complete = p.complete(k);
    let usable = complete_rows(p, ds.rows());
    let rows: Vec<usize> = (0..ds.rows()).filter(|&i| usable[i]).collect();
    let missing = (ds.rows() - rows.len()) as u64;
    // The usable rows' weights, aligned with `rows`.
    let weights = ds.weights.as_ref().map(|w| Weights {
        column: w.column.clone(),
        values: rows.iter().map(|&i| w.values[i]).collect(),
        fractional: w.fractional,
    });
    // The classes side by side, in order.
    let per_class: Vec<ClassScores> = p
        .columns
        .par_iter()
        .map(|c| {
            let actual: Vec<bool> = rows.iter().map(|&i| ds.label[i] == c.class).collect();
            let scores: Vec<f64> = rows.iter().map(|&i| c.values[i]).collect();
            let curve = ScoreCurve::weighted(&actual, &scores, weights.as_ref());
            ClassScores {
                class: ds.classes[c.class as usize].clone(),
                column: c.name.clone(),
                support: ds.weigh(rows.iter().copied().filter(|&i| ds.label[i] == c.class)),
                roc_auc: curve.roc_auc(),
                average_precision: curve.average_precision(),
            }
        })
        .collect();
    let defined: Vec<(f64, f64)> = per_class
        .iter()
        .filter_map(|c| c.roc_auc.map(|a| (a, c.support.w)))
        .collect();
    let roc_auc_macro = (!defined.is_empty())
        .then(|| defined.iter().map(|d| d.0).sum::<f64>() / defined.len() as f64);
    let weight: f64 = defined.iter().map(|d| d.1).sum();
    let roc_auc_weighted =
        (weight > 0.0).then(|| defined.iter().map(|&(a, w)| a * w).sum::<f64>() / weight);
    // The rows whose probabilities do not sum to one (a count), the losses
    // (each a sum in row order) and each top-k accuracy, side by side.
    let (row_sum_off, (log_loss, brier, top_k)) = rayon::join(
        || {
            rows.par_iter()
                .filter(|&&i| {
                    let sum: f64 = p.columns.iter().map(|c| c.values[i]).sum();
                    (sum - 1.0).abs() > ROW_SUM_TOLERANCE
                })
                .count() as u64
        },
        || {
            if !complete {
                return (None, None, Vec::new());
            }
            let ((ll, br), top_k) = rayon::join(
                || losses(ds, p, rows.iter().copied()),
                || {
                    [2, 3, 5]
                        .into_par_iter()
                        .filter(|&t| t < k)
                        .map(|t| TopK {
                            k: t,
                            accuracy: top_k_accuracy(ds, p, &rows, t),
                        })
                        .collect()
                },
            );
            (ll, br, top_k)
        },
    );
    Some(ProbaSummary {
        per_class,
        roc_auc_macro,
        roc_auc_weighted,
        top_k,
        log_loss,
        brier,
        row_sum_off,
        missing,
        complete,
    })
}

/// Share of `rows` whose true class ranks among the `k` most probable. Ties
/// rank the class with the larger code first, as scikit-learn's stable sort
/// reversed does.
#[must_use]
#[allow(clippy::float_cmp)] // ties are exactly equal probabilities
pub fn top_k_accuracy(ds: &Dataset, p: &Probas, rows: &[usize], k: usize) -> Option<f64> {
    let (mut hits, mut all) = (0.0, 0.0);
    for &i in rows {
        let t = ds.label[i];
        let pt = p.of(t).map_or(f64::NAN, |v| v[i]);
        let before = p
            .columns
            .iter()
            .filter(|c| {
                let v = c.values[i];
                v > pt || (v == pt && c.class > t)
            })
            .count();
        let w = ds.unit(i).w;
        all += w;
        if before < k {
            hits += w;
        }
    }
    ratio(hits, all)
}

/// Mean log loss and Brier score over `rows` (every class has a column).
#[must_use]
#[allow(clippy::cast_precision_loss)]
pub fn losses(
    ds: &Dataset,
    p: &Probas,
    rows: impl Iterator<Item = usize>,
) -> (Option<f64>, Option<f64>) {
    let eps = f64::EPSILON;
    let (mut ll, mut br, mut n) = (0.0, 0.0, 0.0);
    for i in rows {
        let t = ds.label[i];
        let w = ds.unit(i).w;
        let (mut row_ll, mut row_br) = (0.0, 0.0);
        for c in &p.columns {
            let v = c.values[i];
            let y = f64::from(u8::from(c.class == t));
            row_br += (y - v) * (y - v);
            if c.class == t {
                row_ll -= v.clamp(eps, 1.0 - eps).ln();
            }
        }
        ll += w * row_ll;
        br += w * row_br;
        n += w;
    }
    if n <= 0.0 {
        return (None, None);
    }
    let half = if p.columns.len() < 3 { 0.5 } else { 1.0 };
    (Some(ll / n), Some(half * br / n))
}

/// Log loss and Brier score of the rows of each group (codes per row,
/// `groups` groups); rows with a missing probability are left out.
#[must_use]
pub fn group_losses(
    ds: &Dataset,
    cell: impl Fn(usize) -> usize,
    groups: usize,
) -> Vec<(Option<f64>, Option<f64>)> {
    let Some(p) = ds.probas.as_ref().filter(|p| p.complete(ds.classes.len())) else {
        return vec![(None, None); groups];
    };
    let usable = complete_rows(p, ds.rows());
    let mut members: Vec<Vec<usize>> = vec![Vec::new(); groups];
    for i in (0..ds.rows()).filter(|&i| usable[i]) {
        members[cell(i)].push(i);
    }
    members
        .into_iter()
        .map(|rows| losses(ds, p, rows.into_iter()))
        .collect()
}
