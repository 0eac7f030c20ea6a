//! The score parts of the report: the positive class's curves and the
//! model's threshold, per-class probability metrics, calibration overall and
//! per slice group, and the risk–coverage curve of a confidence; and the
//! same analyses for one class and one slice column at a time, as the app's
//! Thresholds view shows them ([`ScorePanels`]).

use rayon::prelude::*;
use serde::Serialize;

use super::ReportOptions;
use crate::core::calibration::{self, Calibration, DEFAULT_BINS, RiskCoverage};
use crate::core::dataset::Dataset;
use crate::core::probas::{self, ProbaSummary};
use crate::core::slices::{SliceAnalysis, SliceKey};
use crate::core::stats::{Count, Interval};
use crate::core::thresholds::{
    GroupCurves, ModelThreshold, PrCurve, Roc, ScoreAnalysis, ScoreMeaning, ScoreRange, SweepPoint,
    default_thresholds,
};

/// What the score says about the positive class.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ScoreSummary {
    /// The positive class.
    pub positive: String,
    /// The column the score comes from.
    pub column: String,
    /// How the score column was read.
    pub meaning: ScoreMeaning,
    /// Whether the meaning was detected (not given).
    pub detected: bool,
    /// The threshold that reproduces the model's predictions.
    pub model_threshold: Option<ModelThreshold>,
    /// Area under the ROC curve.
    pub roc_auc: Option<f64>,
    /// Average precision.
    pub average_precision: Option<f64>,
    /// The ROC curve.
    pub roc: Option<Roc>,
    /// The precision–recall curve.
    pub pr: Option<PrCurve>,
    /// Counts at a range of thresholds.
    pub sweep: Vec<SweepPoint>,
}

impl ScoreSummary {
    /// The report's view of a score analysis, which keeps its curves
    /// (copying them cost a quarter of a second at 10M distinct scores).
    #[must_use]
    pub fn of(ds: &Dataset, a: ScoreAnalysis) -> Self {
        Self {
            positive: ds.classes[a.positive as usize].clone(),
            sweep: a.sweep(),
            meaning: a.meaning,
            detected: a.detected,
            model_threshold: a.model,
            roc_auc: a.roc_auc,
            average_precision: a.average_precision,
            column: a.column,
            roc: a.roc,
            pr: a.pr,
        }
    }
}

/// One point of the risk–coverage curve.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct RiskPoint {
    /// Keep rows with confidence at or above this.
    pub threshold: f64,
    /// Rows kept.
    pub kept: Count,
    /// Share of rows kept.
    pub coverage: Option<f64>,
    /// Accuracy of the kept rows.
    pub accuracy: Option<f64>,
}

/// The risk–coverage curve at the default thresholds, with its area.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct RiskSummary {
    /// Rows with a confidence.
    pub rows: Count,
    /// Area under the risk–coverage curve.
    pub aurc: Option<f64>,
    /// The curve at the default thresholds.
    pub points: Vec<RiskPoint>,
}

/// Calibration and losses of one slice group.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct GroupScores {
    /// Expected calibration error.
    pub ece: Option<f64>,
    /// Its 95% interval.
    pub ece_ci: Option<Interval>,
    /// Maximum calibration error.
    pub mce: Option<f64>,
    /// Brier score of the calibrated score.
    pub brier: Option<f64>,
    /// Log loss of the probabilities.
    pub log_loss: Option<f64>,
    /// Brier score of the probabilities.
    pub proba_brier: Option<f64>,
}

/// The score parts of a report.
pub(super) struct ScoreReport {
    pub(super) probabilities: Option<ProbaSummary>,
    pub(super) calibration: Option<Calibration>,
    pub(super) risk_coverage: Option<RiskSummary>,
    pub(super) slice_scores: Vec<Vec<GroupScores>>,
}

/// What to tell the user about how the scores were read.
pub(super) fn warnings(
    ds: &Dataset,
    positive: Option<u32>,
    given: Option<ScoreMeaning>,
    analysis: Option<&ScoreAnalysis>,
) -> Vec<String> {
    let mut out = Vec::new();
    if ds.score.is_some() && ds.probas.is_none() && positive.is_none() && ds.classes.len() <= 2 {
        out.push(
            "There is a score column: pass --positive VALUE for ROC AUC, average precision and a threshold sweep."
                .to_string(),
        );
    }
    if let (Some(p), None) = (positive, analysis)
        && ds.score.is_some()
    {
        let (meaning, _) = ScoreMeaning::resolve(ds, Some(p), given);
        if meaning == ScoreMeaning::Confidence {
            out.push(format!(
                "The score column is the model's confidence in its prediction, which says nothing about class '{}' where another class was predicted: with {} classes there are no one-vs-rest curves from it. See risk_coverage and calibration, or add per-class probability columns (prob_<class>).",
                ds.classes[p as usize],
                ds.classes.len()
            ));
        }
    }
    if let Some(a) = analysis {
        if a.detected {
            out.push(format!(
                "The score column is read as {} (detected); pass --score-is positive|confidence to choose.",
                a.meaning.describe()
            ));
        }
        if let Some(m) = a.model
            && m.disagreements > 0
        {
            out.push(format!(
                "No threshold on '{}' reproduces the predictions of '{}': at the closest, score {} {}, {} row(s) differ.",
                a.column,
                ds.classes[a.positive as usize],
                m.op.symbol(),
                m.value,
                m.disagreements
            ));
        }
    }
    if ds
        .score
        .as_ref()
        .is_some_and(|s| !crate::core::calibration::is_probability(s))
        && ds.probas.is_none()
    {
        out.push(
            "The score column is not a probability (it has values outside [0, 1]), so it has no calibration."
                .to_string(),
        );
    }
    if let Some(p) = probas::summarize(ds) {
        if !p.complete {
            out.push(format!(
                "Probability columns were found for {} of {} classes; log loss, Brier score and top-k accuracy need one per class.",
                p.per_class.len(),
                ds.classes.len()
            ));
        }
        if p.row_sum_off > 0 {
            out.push(format!(
                "The probabilities of {} row(s) do not sum to 1 (within {}).",
                p.row_sum_off,
                probas::ROW_SUM_TOLERANCE
            ));
        }
    }
    out
}

impl ScoreReport {
    /// Computes the score parts for the report's options and slices.
    pub(super) fn build(
        ds: &Dataset,
        positive: Option<u32>,
        opts: &ReportOptions,
        slices: &[SliceAnalysis],
    ) -> Self {
        let bins = if opts.calibration_bins == 0 {
            DEFAULT_BINS
        } else {
            opts.calibration_bins
        };
        let (meaning, _) = ScoreMeaning::resolve(ds, positive, opts.score_meaning);
        let inputs = calibration::inputs(ds, positive, meaning);
        let calibration = || {
            inputs.as_ref().map(|(scores, outcome, basis)| {
                calibration::calibrate(
                    scores,
                    |i| outcome[i],
                    |i| ds.unit(i),
                    bins,
                    calibration::Binning::Uniform,
                    *basis,
                )
            })
        };
        let risk_coverage = || {
            calibration::top_label_confidence(ds, meaning).map(|conf| {
                let thresholds = default_thresholds(&conf);
                let rc = RiskCoverage::with_class_at(
                    &conf,
                    |i| !ds.is_error(i),
                    |i| ds.unit(i),
                    |_| (false, false),
                    &thresholds,
                );
                let points = thresholds
                    .into_iter()
                    .map(|t| {
                        let (kept, coverage, accuracy) = rc.at(t);
                        RiskPoint {
                            threshold: t,
                            kept,
                            coverage,
                            accuracy,
                        }
                    })
                    .collect();
                RiskSummary {
                    rows: rc.rows,
                    aurc: rc.aurc,
                    points,
                }
            })
        };
        let slice_scores = || {
            slices
                .par_iter()
                .map(|s| group_scores(ds, s, inputs.as_ref(), bins))
                .collect()
        };
        // Independent passes over the rows, side by side.
        let ((calibration, risk_coverage), (slice_scores, probabilities)) = rayon::join(
            || rayon::join(calibration, risk_coverage),
            || rayon::join(slice_scores, || probas::summarize(ds)),
        );
        Self {
            probabilities,
            calibration,
            risk_coverage,
            slice_scores,
        }
    }
}

/// Calibration and losses per group of a slice (empty without scores).
fn group_scores(
    ds: &Dataset,
    s: &SliceAnalysis,
    inputs: Option<&calibration::Inputs<'_>>,
    bins: usize,
) -> Vec<GroupScores> {
    let Ok(key) = SliceKey::new(ds, &s.columns) else {
        return Vec::new();
    };
    if inputs.is_none() && ds.probas.is_none() {
        return Vec::new();
    }
    // Each row's group: groups are the non-empty cells of the key, in the
    // slice's order.
    let (names, of_cell) = key.row_groups(ds);
    debug_assert_eq!(names.len(), s.groups.len());
    let group = |row: usize| of_cell[key.cell(row)];
    let n = names.len();
    let calibrations = inputs.map(|(scores, outcome, basis)| {
        // Only the errors of each group are kept, not its diagram.
        calibration::by_group(
            scores,
            outcome,
            |i| ds.unit(i),
            group,
            n,
            bins,
            *basis,
            |c| (c.ece, c.ece_ci, c.mce, c.brier),
        )
    });
    let losses = probas::group_losses(ds, group, n);
    // On all cores, in order: hundreds of thousands of groups fill 100 MB.
    (0..n)
        .into_par_iter()
        .map(|gi| {
            let c = calibrations.as_ref().map(|c| c[gi]);
            let (log_loss, proba_brier) = losses[gi];
            GroupScores {
                ece: c.and_then(|c| c.0),
                ece_ci: c.and_then(|c| c.1),
                mce: c.and_then(|c| c.2),
                brier: c.and_then(|c| c.3),
                log_loss,
                proba_brier,
            }
        })
        .collect()
}

/// What [`ScorePanels`] are computed for.
#[derive(Debug, Clone, PartialEq)]
pub struct ScorePanelsKey {
    /// The class: positive class of the curves, class of the counts.
    pub class: u32,
    /// How to read the score column (`None`: detect).
    pub meaning: Option<ScoreMeaning>,
    /// Slice column for per-group numbers.
    pub column: Option<String>,
    /// Reliability bins.
    pub bins: usize,
    /// Equal-width or equal-mass bins.
    pub binning: calibration::Binning,
}

/// The score analyses of one class, overall and per group of one slice
/// column: what the app's Thresholds view draws.
pub struct ScorePanels {
    /// How the score column is read, and whether that was detected.
    pub meaning: (ScoreMeaning, bool),
    /// Curves of the class's positive-class score, with per-group curves.
    pub curves: Option<(ScoreAnalysis, Option<GroupCurves>)>,
    /// The ROC and precision–recall curves' points to draw, made once
    /// ([`ScoreAnalysis::drawn`]); empty without curves.
    pub drawn: [Vec<[f64; 2]>; 2],
    /// Whether every score is a whole number (decile scores).
    pub integral: bool,
    /// Risk–coverage of the top-label confidence (with the class's counts),
    /// and per group.
    pub coverage: Option<(RiskCoverage, Vec<(String, RiskCoverage)>)>,
    /// Calibration overall and per group.
    pub calibration: Option<(Calibration, Vec<(String, Calibration)>)>,
    /// The groups (with rows) of the slice column; the per-group numbers
    /// cover the first [`ScorePanels::MAX_GROUPS`] of them.
    pub groups: usize,
}

impl ScorePanels {
    /// Most groups with per-group numbers, the first in the column's order:
    /// a table lists no more, and a column of user ids (865,000 groups)
    /// took 100 s and 2.2 GB for all of them.
    pub const MAX_GROUPS: usize = 1000;

    /// Computes every analysis the data supports for `key`.
    #[must_use]
    pub fn compute(ds: &Dataset, key: &ScorePanelsKey) -> Self {
        let meaning = ScoreMeaning::resolve(ds, Some(key.class), key.meaning);
        let columns = key.column.as_slice();
        let curves = ScoreAnalysis::compute(ds, key.class, key.meaning).map(|a| {
            let groups = key
                .column
                .as_ref()
                .and_then(|_| a.group_curves(ds, columns, Self::MAX_GROUPS).ok());
            (a, groups)
        });
        let integral = curves
            .as_ref()
            .is_some_and(|(a, _)| ScoreRange::of(&a.scores).is_none_or(|r| r.integral));
        let groups = key
            .column
            .as_ref()
            .and_then(|_| SliceKey::new(ds, columns).ok())
            .map(|k| {
                let (names, of_cell) = k.row_groups(ds);
                (names, of_cell, k)
            });
        let coverage = calibration::top_label_confidence(ds, meaning.0).map(|conf| {
            let correct = |i: usize| !ds.is_error(i);
            let unit = |i: usize| ds.unit(i);
            let overall = RiskCoverage::with_class(&conf, correct, unit, |i| {
                (ds.label[i] == key.class, ds.pred[i] == key.class)
            });
            let per_group = per_named(groups.as_ref(), |group, n| {
                // Exact wherever the slider can stop.
                RiskCoverage::by_group(&conf, correct, unit, group, n, &overall.thresholds)
            });
            (overall, per_group)
        });
        let calibration =
            calibration::inputs(ds, Some(key.class), meaning.0).map(|(scores, outcome, basis)| {
                let unit = |i: usize| ds.unit(i);
                let overall = calibration::calibrate(
                    &scores,
                    |i| outcome[i],
                    unit,
                    key.bins,
                    key.binning,
                    basis,
                );
                let per_group = per_named(groups.as_ref(), |group, n| {
                    calibration::by_group(&scores, &outcome, unit, group, n, key.bins, basis, |c| c)
                });
                (overall, per_group)
            });
        Self {
            meaning,
            drawn: curves
                .as_ref()
                .map_or_else(Default::default, |(a, _)| a.drawn()),
            curves,
            integral,
            coverage,
            calibration,
            groups: groups.as_ref().map_or(0, |(names, _, _)| names.len()),
        }
    }
}

/// Each of the first [`ScorePanels::MAX_GROUPS`] groups' names beside what
/// `per` computes for the groups at once, given a row's group and the
/// number of groups: the rows of later groups are one group more, whose
/// numbers are dropped.
fn per_named<T>(
    groups: Option<&(Vec<String>, Vec<usize>, SliceKey)>,
    per: impl FnOnce(&(dyn Fn(usize) -> usize + Sync), usize) -> Vec<T>,
) -> Vec<(String, T)> {
    groups.map_or_else(Vec::new, |(names, of_cell, key)| {
        let shown = names.len().min(ScorePanels::MAX_GROUPS);
        let group = |row: usize| of_cell[key.cell(row)].min(shown);
        let n = shown + usize::from(names.len() > shown);
        names
            .iter()
            .take(shown)
            .cloned()
            .zip(per(&group, n))
            .collect()
    })
}
