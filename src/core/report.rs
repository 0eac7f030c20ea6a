//! The full report: overall, per-class and per-slice metrics, disparities,
//! the prioritisation table and human agreement, assembled from one dataset
//! and review state, plus its JSON form (the documented contract).

use serde::Serialize;
use serde_json::{Value, json};

use super::dataset::Dataset;
use super::metrics::{Averages, BinaryRates, ClassMetrics, Confusion, Normalize, Rate};
use super::priority::{Estimate, SortKey, TagRow, prioritise, sort_rows};
use super::session::WatchPair;
use super::slices::{Decision, SliceAnalysis, SliceError};
use super::stats::{Interval, Proportion};
use super::tags::ReviewState;
use super::thresholds::{self, PrCurve, Roc, ScoreMeaning, SweepPoint};
use super::watch::{self, WatchError, WatchStat};

/// What to report.
#[derive(Debug, Clone, Default)]
pub struct ReportOptions {
    /// Slices: each entry is one column, or several for their intersection.
    pub by: Vec<Vec<String>>,
    /// Positive class for one-vs-rest rates.
    pub positive: Option<String>,
    /// Reference group for Aequitas disparities (default: the largest group).
    pub reference: Option<String>,
    /// Groups below this support are flagged.
    pub min_support: u64,
    /// Sort order of the prioritisation table (default: expected lift, descending).
    pub sort: Option<(SortKey, bool)>,
    /// How to read the score column (default: detected).
    pub score_meaning: Option<ScoreMeaning>,
    /// Slices decide one-vs-rest at this score threshold instead of using the predictions.
    pub threshold: Option<f64>,
    /// Bootstrap replicates and seed for disparity intervals.
    pub bootstrap: Option<(usize, u64)>,
    /// Costly confusions to report, besides the session's watch list.
    pub watch: Vec<WatchPair>,
}

/// A report cannot be built with these options.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ReportError {
    /// A slice problem.
    #[error(transparent)]
    Slice(#[from] SliceError),
    /// The positive class is not a class.
    #[error(
        "--positive '{value}' is not a class of this data. Classes: {}",
        super::error::list(classes)
    )]
    NotAClass {
        /// The value given.
        value: String,
        /// The classes.
        classes: Vec<String>,
    },
    /// A watch pair does not fit.
    #[error(transparent)]
    Watch(#[from] WatchError),
    /// An option needs a score column.
    #[error("{what} needs a score column; name it with --score COL")]
    NeedsScore {
        /// The option.
        what: &'static str,
    },
    /// An option needs a positive class.
    #[error("{what} needs a positive class; name it with --positive VALUE")]
    NeedsPositive {
        /// The option.
        what: &'static str,
    },
}

/// One-vs-rest summary for the positive class.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct PositiveSummary {
    /// The class.
    pub class: String,
    /// Whether it was chosen automatically (binary labels such as 0/1).
    pub automatic: bool,
    /// The rates.
    pub rates: BinaryRates,
}

/// Human labels against true labels.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct HumanSummary {
    /// Overall agreement.
    pub accuracy: Rate,
    /// Examples with a human label.
    pub labelled: u64,
    /// Examples whose human label differs from the true label (candidate label errors).
    pub disagreements: u64,
    /// Per true class: (class, agreement, examples).
    pub per_class: Vec<(String, Rate, u64)>,
}

/// What the score says about the positive class.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ScoreSummary {
    /// The positive class.
    pub positive: String,
    /// How the score column was read.
    pub meaning: ScoreMeaning,
    /// Whether the meaning was detected (not given).
    pub detected: bool,
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

/// Scores, curves and sweep for the positive class.
#[must_use]
pub fn score_summary(
    ds: &Dataset,
    positive: u32,
    meaning: Option<ScoreMeaning>,
) -> Option<ScoreSummary> {
    let detected = meaning.is_none();
    let meaning = meaning.unwrap_or_else(|| ScoreMeaning::detect(ds, positive));
    let scores = thresholds::positive_scores(ds, positive, meaning)?;
    let actual: Vec<bool> = ds.label.iter().map(|&l| l == positive).collect();
    let grid = thresholds::default_thresholds(&scores);
    let curve = thresholds::ScoreCurve::new(&actual, &scores);
    let roc = curve.roc();
    let pr = curve.pr();
    Some(ScoreSummary {
        positive: ds.classes[positive as usize].clone(),
        meaning,
        detected,
        roc_auc: roc.as_ref().map(|r| thresholds::trapezoid(&r.fpr, &r.tpr)),
        average_precision: curve.average_precision(),
        roc,
        pr,
        sweep: curve.sweep(&grid),
    })
}

/// Review progress.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct ReviewSummary {
    /// Reviewed misclassified examples.
    pub reviewed_errors: u64,
    /// Reviewed correctly classified examples.
    pub reviewed_correct: u64,
    /// Reviewed errors / errors.
    pub coverage: Option<f64>,
}

/// Everything `slicewise report` prints.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Report {
    /// The data file.
    pub file: String,
    /// Rows.
    pub rows: u64,
    /// Misclassified rows.
    pub errors: u64,
    /// Class names.
    pub classes: Vec<String>,
    /// Accuracy with interval.
    pub accuracy: Rate,
    /// Balanced accuracy.
    pub balanced_accuracy: Option<f64>,
    /// Confusion matrix.
    pub confusion: Confusion,
    /// Per-class metrics.
    pub per_class: Vec<ClassMetrics>,
    /// Averages.
    pub averages: Averages,
    /// One-vs-rest rates, with a positive class.
    pub positive: Option<PositiveSummary>,
    /// Slices.
    pub slices: Vec<SliceAnalysis>,
    /// The prioritisation table.
    pub tags: Vec<TagRow>,
    /// Human agreement, with a human column.
    pub human: Option<HumanSummary>,
    /// Review progress.
    pub review: ReviewSummary,
    /// Score analysis, with a score column and a positive class.
    pub scores: Option<ScoreSummary>,
    /// Costly confusions.
    pub watch: Vec<WatchStat>,
    /// Things to know.
    pub warnings: Vec<String>,
}

/// Class names that mean "positive" in a binary problem, paired with their negatives.
const BINARY_PAIRS: [(&str, &str); 5] = [
    ("0", "1"),
    ("false", "true"),
    ("no", "yes"),
    ("neg", "pos"),
    ("negative", "positive"),
];

/// The positive class: the one named (exactly, case-insensitively or
/// numerically equal), or for binary labels like 0/1 the positive one.
///
/// # Errors
/// When `name` is not a class.
pub fn resolve_positive(
    ds: &Dataset,
    name: Option<&str>,
) -> Result<Option<(u32, bool)>, ReportError> {
    if let Some(value) = name {
        let found = ds.class_code(value).or_else(|| {
            let lower = value.to_lowercase();
            let num = value.trim().parse::<f64>().ok();
            ds.classes
                .iter()
                .position(|c| {
                    c.to_lowercase() == lower
                        || num.is_some_and(|n| c.trim().parse::<f64>().ok() == Some(n))
                })
                .and_then(|i| u32::try_from(i).ok())
        });
        return found
            .map(|c| Some((c, false)))
            .ok_or_else(|| ReportError::NotAClass {
                value: value.to_string(),
                classes: ds.classes.clone(),
            });
    }
    if ds.classes.len() == 2 {
        let lower: Vec<String> = ds.classes.iter().map(|c| c.to_lowercase()).collect();
        for (neg, pos) in BINARY_PAIRS {
            if lower.iter().any(|c| c == neg) && lower.iter().any(|c| c == pos) {
                let code = lower
                    .iter()
                    .position(|c| c == pos)
                    .and_then(|i| u32::try_from(i).ok());
                return Ok(code.map(|c| (c, true)));
            }
        }
    }
    Ok(None)
}

/// Human agreement overall and per true class.
#[must_use]
pub fn human_summary(ds: &Dataset) -> Option<HumanSummary> {
    let human = ds.human.as_ref()?;
    let k = ds.classes.len();
    let mut n = vec![0u64; k];
    let mut ok = vec![0u64; k];
    for (row, &h) in human.iter().enumerate() {
        if h == super::dataset::NO_HUMAN {
            continue;
        }
        let t = ds.label[row] as usize;
        n[t] += 1;
        ok[t] += u64::from(h == ds.label[row]);
    }
    let total: u64 = n.iter().sum();
    let agree: u64 = ok.iter().sum();
    Some(HumanSummary {
        accuracy: Proportion::new(agree, total).into(),
        labelled: total,
        disagreements: total - agree,
        per_class: (0..k)
            .map(|c| {
                (
                    ds.classes[c].clone(),
                    Proportion::new(ok[c], n[c]).into(),
                    n[c],
                )
            })
            .collect(),
    })
}

/// Builds the report.
///
/// # Errors
/// An unknown slice column, positive class or reference group.
pub fn build(
    ds: &Dataset,
    state: &ReviewState,
    opts: &ReportOptions,
) -> Result<Report, ReportError> {
    let confusion = Confusion::from_codes(&ds.label, &ds.pred, ds.classes.len());
    let positive = resolve_positive(ds, opts.positive.as_deref())?;
    let mut warnings = ds.warnings.clone();
    if let Some((code, true)) = positive {
        warnings.push(format!(
            "Positive class '{}' chosen automatically for binary labels; pass --positive to choose another.",
            ds.classes[code as usize]
        ));
    }
    let pos_code = positive.map(|p| p.0);
    if opts.threshold.is_some() && ds.score.is_none() {
        return Err(ReportError::NeedsScore {
            what: "--threshold",
        });
    }
    if opts.threshold.is_some() && pos_code.is_none() {
        return Err(ReportError::NeedsPositive {
            what: "--threshold",
        });
    }
    let scores = pos_code.and_then(|p| score_summary(ds, p, opts.score_meaning));
    if ds.score.is_some() && pos_code.is_none() {
        warnings.push(
            "There is a score column: pass --positive VALUE for ROC AUC, average precision and a threshold sweep."
                .to_string(),
        );
    }
    if let Some(s) = &scores
        && s.detected
    {
        warnings.push(format!(
            "The score column is read as {} (detected); pass --score-is positive|confidence to choose.",
            match s.meaning {
                ScoreMeaning::Positive => "the score of the positive class",
                ScoreMeaning::Confidence => "the model's confidence in its prediction",
            }
        ));
    }
    let positive_scores = match (pos_code, opts.threshold) {
        (Some(p), Some(_)) => thresholds::positive_scores(
            ds,
            p,
            scores
                .as_ref()
                .map_or(ScoreMeaning::Positive, |s| s.meaning),
        ),
        _ => None,
    };
    let decision = match (&positive_scores, opts.threshold) {
        (Some(scores), Some(threshold)) => Decision::Threshold {
            scores,
            threshold,
            per_cell: None,
        },
        _ => Decision::Model,
    };
    // The reference group applies to the slices that have it; the others
    // fall back to their largest group. Only a reference no slice has is an error.
    let mut slices = Vec::with_capacity(opts.by.len());
    let mut missing_reference = None;
    for cols in &opts.by {
        let compute = |reference: Option<&str>| {
            SliceAnalysis::compute_with(ds, cols, pos_code, opts.min_support, reference, decision)
        };
        match compute(opts.reference.as_deref()) {
            Err(e @ SliceError::NoSuchReference { .. }) => {
                warnings.push(format!("{e}; the largest group is the reference there."));
                missing_reference.get_or_insert(e);
                slices.push(compute(None)?);
            }
            other => slices.push(other?),
        }
    }
    if let Some(e) = missing_reference
        && slices.iter().all(|s| {
            s.reference
                .is_none_or(|r| opts.reference.as_deref() != Some(s.groups[r].name().as_str()))
        })
    {
        return Err(e.into());
    }
    if let Some((replicates, seed)) = opts.bootstrap {
        for s in &mut slices {
            s.bootstrap(replicates, seed);
        }
    }
    // The session's watch list may name classes this file lacks: warn, skip.
    let mut pairs = Vec::new();
    for p in &state.watch {
        match watch::resolve(ds, p) {
            Ok(_) => pairs.push(p.clone()),
            Err(e) => warnings.push(format!("Watch list in the session: {e}")),
        }
    }
    for p in &opts.watch {
        watch::resolve(ds, p)?;
        if !pairs.contains(p) {
            pairs.push(p.clone());
        }
    }
    let watch = watch::stats(ds, &confusion, &pairs)?;
    let mut tags = prioritise(ds, state);
    if let Some((key, descending)) = opts.sort {
        sort_rows(&mut tags, key, descending);
    }
    let errors = ds.errors() as u64;
    Ok(Report {
        file: ds.source.path.display().to_string(),
        rows: ds.rows() as u64,
        errors,
        classes: ds.classes.clone(),
        accuracy: confusion.accuracy().into(),
        balanced_accuracy: confusion.balanced_accuracy(),
        per_class: confusion.per_class(&ds.classes),
        averages: confusion.averages(),
        positive: positive.map(|(code, automatic)| PositiveSummary {
            class: ds.classes[code as usize].clone(),
            automatic,
            rates: confusion.binary(code as usize).rates(),
        }),
        confusion,
        slices,
        tags,
        human: human_summary(ds),
        review: ReviewSummary {
            reviewed_errors: state.reviewed_errors(),
            reviewed_correct: state.reviewed_correct(),
            coverage: super::stats::ratio_u(state.reviewed_errors(), errors),
        },
        scores,
        watch,
        warnings,
    })
}

fn ci_json(ci: Option<Interval>) -> Value {
    ci.map_or(Value::Null, |c| json!([c.lo, c.hi]))
}

fn rate_ci(pairs: &[(&str, Option<Interval>)]) -> Value {
    Value::Object(
        pairs
            .iter()
            .map(|(k, ci)| ((*k).to_string(), ci_json(*ci)))
            .collect(),
    )
}

fn estimate_ci(pairs: &[(&str, &Estimate)]) -> Value {
    Value::Object(
        pairs
            .iter()
            .map(|(k, e)| ((*k).to_string(), ci_json(e.ci)))
            .collect(),
    )
}

/// The prioritisation table as JSON rows.
#[must_use]
pub fn tags_json(rows: &[TagRow]) -> Value {
    Value::Array(
        rows.iter()
            .map(|t| {
                json!({
                    "tag": t.tag,
                    "kind": if t.rule.is_some() { "rule" } else { "manual" },
                    "rule": t.rule,
                    "tagged": t.tagged,
                    "tagged_errors": t.tagged_errors,
                    "share_of_errors": t.share_of_errors.value,
                    "error_rate": t.error_rate.value,
                    "share_of_data": t.share_of_data.value,
                    "accuracy": t.accuracy.value,
                    "hlp": t.hlp,
                    "hlp_source": t.hlp_source,
                    "gap": t.gap.value,
                    "expected_lift": t.expected_lift.value,
                    "priority": t.priority,
                    "importance": t.importance,
                    "effort": t.effort,
                    "coverage": t.coverage,
                    "exact": t.exact,
                    "ci": estimate_ci(&[
                        ("share_of_errors", &t.share_of_errors),
                        ("error_rate", &t.error_rate),
                        ("share_of_data", &t.share_of_data),
                        ("accuracy", &t.accuracy),
                        ("gap", &t.gap),
                        ("expected_lift", &t.expected_lift),
                    ]),
                    "notes": t.notes,
                })
            })
            .collect(),
    )
}

fn prf_json(p: &super::metrics::Prf) -> Value {
    json!({ "precision": p.precision, "recall": p.recall, "f1": p.f1 })
}

fn slice_json(s: &SliceAnalysis, classes: &[String]) -> Value {
    let with_positive = s.positive.is_some();
    let groups: Vec<Value> = s
        .groups
        .iter()
        .enumerate()
        .map(|(i, g)| {
            let c = &g.counts;
            let share = s.share(i);
            let acc = Proportion::new(c.correct, c.n);
            let err = Proportion::new(c.n - c.correct, c.n);
            let b = &c.binary;
            let opt = |p: Proportion| if with_positive { p.value() } else { None };
            let mut cis = vec![
                ("share", share.ci()),
                ("accuracy", acc.ci()),
                ("error_rate", err.ci()),
            ];
            if with_positive {
                cis.extend([
                    ("fpr", b.fpr().ci()),
                    ("fnr", b.fnr().ci()),
                    ("tpr", b.tpr().ci()),
                    ("precision", b.precision().ci()),
                    ("selection_rate", b.selection_rate().ci()),
                ]);
            }
            let aequitas = s.aequitas.get(i).map_or(Value::Null, |d| {
                let mut m: serde_json::Map<String, Value> = d
                    .iter()
                    .map(|x| (x.metric.key().to_string(), json!(x.ratio)))
                    .collect();
                m.insert(
                    "flagged".into(),
                    json!(
                        d.iter()
                            .filter(|x| x.flagged)
                            .map(|x| x.metric.key())
                            .collect::<Vec<_>>()
                    ),
                );
                Value::Object(m)
            });
            json!({
                "value": g.name(),
                "values": g.values,
                "count": c.n,
                "share": share.value(),
                "accuracy": acc.value(),
                "error_rate": err.value(),
                "fpr": opt(b.fpr()),
                "fnr": opt(b.fnr()),
                "tpr": opt(b.tpr()),
                "precision": opt(b.precision()),
                "selection_rate": opt(b.selection_rate()),
                "human_accuracy": Proportion::new(c.human_correct, c.human_n).value(),
                "ci": rate_ci(&cis),
                "low_support": s.low_support(i),
                "disparity_vs_reference": aequitas,
            })
        })
        .collect();
    let d = &s.disparity;
    json!({
        "column": s.name(),
        "columns": s.columns,
        "positive": s.positive.map(|p| classes[p as usize].clone()),
        "reference": s.reference.map(|r| s.groups[r].name()),
        "min_support": s.min_support,
        "groups": groups,
        "disparity": {
            "demographic_parity_difference": d.demographic_parity_difference,
            "demographic_parity_ratio": d.demographic_parity_ratio,
            "equalized_odds_difference": d.equalized_odds_difference,
            "equalized_odds_ratio": d.equalized_odds_ratio,
            "accuracy_difference": d.accuracy_difference,
            "accuracy_ratio": d.accuracy_ratio,
        },
        "threshold": s.threshold,
        "disparity_ci": s.disparity_ci.map(|b| json!({
            "replicates": b.replicates,
            "seed": b.seed,
            "demographic_parity_difference": ci_json(b.demographic_parity_difference),
            "demographic_parity_ratio": ci_json(b.demographic_parity_ratio),
            "equalized_odds_difference": ci_json(b.equalized_odds_difference),
            "equalized_odds_ratio": ci_json(b.equalized_odds_ratio),
            "accuracy_difference": ci_json(b.accuracy_difference),
            "accuracy_ratio": ci_json(b.accuracy_ratio),
        })),
    })
}

/// Finite numbers as they are, infinities as `null` (JSON has no infinity).
fn finite(v: &[f64]) -> Vec<Option<f64>> {
    v.iter().map(|x| x.is_finite().then_some(*x)).collect()
}

fn scores_json(s: &ScoreSummary) -> Value {
    json!({
        "positive": s.positive,
        "meaning": s.meaning,
        "detected": s.detected,
        "roc_auc": s.roc_auc,
        "average_precision": s.average_precision,
        "roc": s.roc.as_ref().map(|r| json!({
            "fpr": r.fpr, "tpr": r.tpr, "thresholds": finite(&r.thresholds),
        })),
        "pr": s.pr.as_ref().map(|p| json!({
            "precision": p.precision, "recall": p.recall, "thresholds": finite(&p.thresholds),
        })),
        "sweep": s.sweep.iter().map(|p| {
            let c = &p.counts;
            json!({
                "threshold": p.threshold,
                "tp": c.tp, "fp": c.fp, "fn": c.fn_, "tn": c.tn,
                "tpr": c.tpr().value(), "fpr": c.fpr().value(),
                "precision": c.precision().value(),
                "accuracy": c.accuracy().value(),
                "f1": c.f1(),
                "selection_rate": c.selection_rate().value(),
            })
        }).collect::<Vec<_>>(),
    })
}

fn watch_json(w: &WatchStat) -> Value {
    json!({
        "truth": w.truth,
        "pred": w.pred,
        "count": w.count,
        "rate": w.rate,
        "rate_ci": ci_json(w.rate_ci),
        "share_of_data": w.share_of_data,
        "share_of_errors": w.share_of_errors,
        "examples": w.examples,
    })
}

/// The report as JSON, following the contract documented in README.md.
#[must_use]
pub fn to_json(r: &Report) -> Value {
    let norm = |how| {
        let m: Vec<Vec<Option<f64>>> = r.confusion.normalized(how);
        json!(m)
    };
    let mut out = json!({
        "file": r.file,
        "rows": r.rows,
        "errors": r.errors,
        "classes": r.classes,
        "accuracy": r.accuracy.value,
        "accuracy_ci": ci_json(r.accuracy.ci),
        "balanced_accuracy": r.balanced_accuracy,
        "confusion": {
            "labels": r.classes,
            "matrix": r.confusion.rows(),
            "normalized": { "true": norm(Normalize::True), "pred": norm(Normalize::Pred), "all": norm(Normalize::All) },
        },
        "per_class": r.per_class.iter().map(|c| json!({
            "class": c.class,
            "precision": c.precision,
            "recall": c.recall,
            "f1": c.f1,
            "support": c.support,
            "fp": c.false_positives,
            "fn": c.false_negatives,
            "ci": rate_ci(&[("precision", c.precision_ci), ("recall", c.recall_ci)]),
        })).collect::<Vec<_>>(),
        "averages": {
            "micro": prf_json(&r.averages.micro),
            "macro": prf_json(&r.averages.macro_avg),
            "weighted": prf_json(&r.averages.weighted),
        },
        "slices": r.slices.iter().map(|s| slice_json(s, &r.classes)).collect::<Vec<_>>(),
        "tags": tags_json(&r.tags),
        "review": r.review,
        "warnings": r.warnings,
    });
    if let Some(p) = &r.positive {
        let b = &p.rates;
        out["positive"] = json!({
            "class": p.class,
            "automatic": p.automatic,
            "tpr": b.tpr.value, "fpr": b.fpr.value, "fnr": b.fnr.value, "tnr": b.tnr.value,
            "precision": b.precision.value, "selection_rate": b.selection_rate.value,
            "prevalence": b.prevalence.value,
            "tp": b.tp, "fp": b.fp, "fn": b.fn_, "tn": b.tn,
            "ci": rate_ci(&[
                ("tpr", b.tpr.ci), ("fpr", b.fpr.ci), ("fnr", b.fnr.ci), ("tnr", b.tnr.ci),
                ("precision", b.precision.ci), ("selection_rate", b.selection_rate.ci), ("prevalence", b.prevalence.ci),
            ]),
        });
    }
    if let Some(s) = &r.scores {
        out["scores"] = scores_json(s);
        out["roc_auc"] = json!(s.roc_auc);
        out["average_precision"] = json!(s.average_precision);
    }
    out["watch"] = Value::Array(r.watch.iter().map(watch_json).collect());
    if let Some(h) = &r.human {
        out["human"] = json!({
            "accuracy": h.accuracy.value,
            "accuracy_ci": ci_json(h.accuracy.ci),
            "labelled": h.labelled,
            "disagreements": h.disagreements,
            "per_class": h.per_class.iter().map(|(c, rate, n)| json!({
                "class": c, "accuracy": rate.value, "count": n, "ci": ci_json(rate.ci),
            })).collect::<Vec<_>>(),
        });
    }
    out
}
