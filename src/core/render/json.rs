//! The JSON contract of `slicewise report` (documented in README.md).

use serde_json::{Value, json};

use crate::core::calibration::Calibration;
use crate::core::metrics::{Normalize, Prf};
use crate::core::priority::{Estimate, TagRow};
use crate::core::probas::ProbaSummary;
use crate::core::report::{GroupScores, Report, RiskSummary, ScoreSummary};
use crate::core::slices::SliceAnalysis;
use crate::core::stats::{Interval, Proportion};
use crate::core::watch::WatchStat;

/// A 95% interval as `[lo, hi]`, `null` without one.
fn pair(ci: Option<Interval>) -> Option<[f64; 2]> {
    ci.map(|c| [c.lo, c.hi])
}

fn ci_json(ci: Option<Interval>) -> Value {
    json!(pair(ci))
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
                    "hlp_ci": ci_json(t.hlp_ci),
                    "gap": t.gap.value,
                    "expected_lift": t.expected_lift.value,
                    "priority": t.priority,
                    "importance": t.importance,
                    "effort": t.effort,
                    "coverage": t.coverage,
                    "exact": t.exact,
                    "few_reviewed": t.few_reviewed,
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

fn prf_json(p: &Prf) -> Value {
    json!({ "precision": p.precision, "recall": p.recall, "f1": p.f1 })
}

/// One group of a slice as JSON (the `groups` entries), as a tree.
fn group_json(s: &SliceAnalysis, i: usize, scores: &[GroupScores]) -> Value {
    serde_json::to_value(GroupJson::of(s, i, scores)).unwrap_or(Value::Null)
}

/// A map written with its keys in order, as `serde_json`'s `Map` (a
/// `BTreeMap`) writes them; of two equal keys the later wins, as in a map.
struct Sorted<V>(Vec<(&'static str, V)>);

impl<V> Sorted<V> {
    fn new(mut pairs: Vec<(&'static str, V)>) -> Self {
        pairs.sort_by_key(|p| p.0);
        let mut kept: Vec<(&'static str, V)> = Vec::with_capacity(pairs.len());
        for pair in pairs {
            if kept.last().is_some_and(|last| last.0 == pair.0) {
                kept.pop();
            }
            kept.push(pair);
        }
        Self(kept)
    }
}

impl<V: serde::Serialize> serde::Serialize for Sorted<V> {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_map(self.0.iter().map(|(k, v)| (k, v)))
    }
}

/// An entry of a group's disparity against the reference group: a ratio,
/// or the metrics that differ.
enum Versus {
    Ratio(Option<f64>),
    Differs(Vec<&'static str>),
}

impl serde::Serialize for Versus {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        match self {
            Self::Ratio(r) => r.serialize(s),
            Self::Differs(d) => d.serialize(s),
        }
    }
}

/// A group's calibration (the `calibration` entry).
#[derive(serde::Serialize)]
struct GroupCalibration {
    brier: Option<f64>,
    ece: Option<f64>,
    ece_ci: Option<[f64; 2]>,
    mce: Option<f64>,
}

/// A group's probabilities (the `probabilities` entry).
#[derive(serde::Serialize)]
struct GroupProbabilities {
    brier: Option<f64>,
    log_loss: Option<f64>,
}

/// One group of a slice, its fields in the order of their keys (what the
/// JSON tree of [`serde_json::json!`] writes), so that a report of
/// hundreds of thousands of groups is written without building a tree of
/// each.
#[derive(serde::Serialize)]
struct GroupJson<'a> {
    accuracy: Option<f64>,
    calibration: Option<GroupCalibration>,
    ci: Sorted<Option<[f64; 2]>>,
    count: crate::core::stats::Count,
    disadvantaged: Vec<&'static str>,
    disparity_vs_reference: Option<Sorted<Versus>>,
    error_rate: Option<f64>,
    fnr: Option<f64>,
    fpr: Option<f64>,
    human_accuracy: Option<f64>,
    low_support: bool,
    precision: Option<f64>,
    probabilities: Option<GroupProbabilities>,
    selection_rate: Option<f64>,
    share: Option<f64>,
    tpr: Option<f64>,
    value: String,
    values: &'a [String],
}

impl<'a> GroupJson<'a> {
    fn of(s: &'a SliceAnalysis, i: usize, scores: &[GroupScores]) -> Self {
        let with_positive = s.positive.is_some();
        let g = &s.groups[i];
        let c = &g.counts;
        let share = s.share(i);
        let acc = c.accuracy();
        let err = c.error_rate();
        let b = &c.binary;
        let opt = |p: Proportion| if with_positive { p.value() } else { None };
        let mut cis = vec![
            ("share", pair(share.ci())),
            ("accuracy", pair(acc.ci())),
            ("error_rate", pair(err.ci())),
        ];
        if with_positive {
            cis.extend([
                ("fpr", pair(b.fpr().ci())),
                ("fnr", pair(b.fnr().ci())),
                ("tpr", pair(b.tpr().ci())),
                ("precision", pair(b.precision().ci())),
                ("selection_rate", pair(b.selection_rate().ci())),
            ]);
        }
        let versus = s.aequitas.get(i).map(|d| {
            let mut m: Vec<(&'static str, Versus)> = d
                .iter()
                .map(|x| (x.metric.key(), Versus::Ratio(x.ratio)))
                .collect();
            m.push((
                "differs",
                Versus::Differs(
                    s.differs(i)
                        .into_iter()
                        .map(crate::core::slices::DisparityMetric::key)
                        .collect(),
                ),
            ));
            Sorted::new(m)
        });
        let group_scores = scores.get(i);
        Self {
            accuracy: acc.value(),
            calibration: group_scores.map(|g| GroupCalibration {
                brier: g.brier,
                ece: g.ece,
                ece_ci: pair(g.ece_ci),
                mce: g.mce,
            }),
            ci: Sorted::new(cis),
            count: c.n,
            disadvantaged: s.flagged(i).iter().map(|m| m.key()).collect(),
            disparity_vs_reference: versus,
            error_rate: err.value(),
            fnr: opt(b.fnr()),
            fpr: opt(b.fpr()),
            human_accuracy: c.human_accuracy().value(),
            low_support: s.low_support(i),
            precision: opt(b.precision()),
            probabilities: group_scores.filter(|g| g.log_loss.is_some()).map(|g| {
                GroupProbabilities {
                    brier: g.proba_brier,
                    log_loss: g.log_loss,
                }
            }),
            selection_rate: opt(b.selection_rate()),
            share: share.value(),
            tpr: opt(b.tpr()),
            value: g.name(),
            values: &g.values,
        }
    }
}

/// A slice as JSON, with its groups (`with_groups`) or an empty list in
/// their place, which [`write_report_json`] fills on its own.
fn slice_json_with(
    s: &SliceAnalysis,
    classes: &[String],
    scores: &[GroupScores],
    with_groups: bool,
) -> Value {
    let groups: Vec<Value> = if with_groups {
        (0..s.groups.len())
            .map(|i| group_json(s, i, scores))
            .collect()
    } else {
        Vec::new()
    };
    let d = &s.disparity;
    let all = &s.disparity_all;
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
        "disparity_all_groups": {
            "demographic_parity_difference": all.demographic_parity_difference,
            "demographic_parity_ratio": all.demographic_parity_ratio,
            "equalized_odds_difference": all.equalized_odds_difference,
            "equalized_odds_ratio": all.equalized_odds_ratio,
            "accuracy_difference": all.accuracy_difference,
            "accuracy_ratio": all.accuracy_ratio,
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

/// The score analysis as JSON; without `curves`, the ROC and
/// precision–recall curves are empty objects, whose numbers
/// [`write_report_json`] writes on its own.
fn scores_json(s: &ScoreSummary, curves: bool) -> Value {
    json!({
        "positive": s.positive,
        "column": s.column,
        "meaning": s.meaning,
        "detected": s.detected,
        "model_threshold": s.model_threshold.map(|m| json!({
            "value": m.value, "op": m.op.symbol(), "disagreements": m.disagreements, "missing": m.missing,
        })),
        "roc_auc": s.roc_auc,
        "average_precision": s.average_precision,
        "roc": s.roc.as_ref().map(|r| if curves { json!({
            "fpr": r.fpr, "tpr": r.tpr, "thresholds": finite(&r.thresholds),
        }) } else { json!({}) }),
        "pr": s.pr.as_ref().map(|p| if curves { json!({
            "precision": p.precision, "recall": p.recall, "thresholds": finite(&p.thresholds),
        }) } else { json!({}) }),
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

fn probabilities_json(p: &ProbaSummary) -> Value {
    json!({
        "columns": p.per_class.iter().map(|c| (c.class.clone(), json!(c.column))).collect::<serde_json::Map<_, _>>(),
        "complete": p.complete,
        "roc_auc_ovr": { "macro": p.roc_auc_macro, "weighted": p.roc_auc_weighted },
        "per_class": p.per_class.iter().map(|c| json!({
            "class": c.class, "support": c.support, "roc_auc": c.roc_auc, "average_precision": c.average_precision,
        })).collect::<Vec<_>>(),
        "top_k_accuracy": p.top_k.iter().map(|t| json!({ "k": t.k, "accuracy": t.accuracy })).collect::<Vec<_>>(),
        "log_loss": p.log_loss,
        "brier": p.brier,
        "row_sum_off": p.row_sum_off,
        "missing": p.missing,
    })
}

fn calibration_json(c: &Calibration) -> Value {
    json!({
        "basis": c.basis,
        "binning": c.binning,
        "bins": c.bins,
        "rows": c.rows,
        "ece": c.ece,
        "ece_ci": ci_json(c.ece_ci),
        "mce": c.mce,
        "brier": c.brier,
        "reliability": c.reliability.iter().map(|b| json!({
            "low": b.low, "high": b.high, "count": b.count,
            "confidence": b.confidence, "accuracy": b.accuracy, "accuracy_ci": ci_json(b.accuracy_ci),
        })).collect::<Vec<_>>(),
    })
}

fn risk_json(r: &RiskSummary) -> Value {
    json!({
        "rows": r.rows,
        "aurc": r.aurc,
        "points": r.points.iter().map(|p| json!({
            "threshold": p.threshold, "kept": p.kept, "coverage": p.coverage, "accuracy": p.accuracy,
        })).collect::<Vec<_>>(),
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

fn slice_scores(r: &Report, i: usize) -> &[GroupScores] {
    r.slice_scores.get(i).map_or(&[][..], Vec::as_slice)
}

/// The report as JSON, following the contract documented in README.md.
#[must_use]
pub fn report_json(r: &Report) -> Value {
    report_json_with(r, true)
}

/// Writes the report's JSON (pretty, as [`report_json`] gives it, and a
/// final newline) to `out`, never holding its largest parts as a JSON tree:
/// each slice's groups (a slice of 200,000 groups) and the numbers of the
/// score curves (10M of each for scores of full precision, where the tree
/// took 3 GB) are written as text on all cores, a block at a time, and set
/// into the rest of the report where their markers stand.
///
/// # Errors
/// When writing fails.
pub fn write_report_json(r: &Report, out: &mut dyn std::io::Write) -> std::io::Result<()> {
    use std::io::Write as _;
    let mut head = report_json_with(r, false);
    // Markers whose text the report holds nowhere else (a column of the
    // data could be named like one): the first salt that no text of the
    // report without them contains (the text holds fewer salts than bytes).
    let plain = serde_json::to_string_pretty(&head)?;
    let salt = (0..=plain.len())
        .find(|&salt| !plain.contains(&escaped(&marker(salt, ""))))
        .unwrap_or_default();
    let mut parts: Vec<Spliced> = Vec::new();
    if let Some(slices) = head.get_mut("slices").and_then(Value::as_array_mut) {
        for (i, slice) in slices.iter_mut().enumerate() {
            parts.push(Spliced::Groups(i));
            slice["groups"] = Value::String(marker(salt, &parts.len().to_string()));
        }
    }
    if let Some(s) = &r.scores {
        let roc = s.roc.iter().flat_map(|c| {
            [
                ("fpr", &c.fpr),
                ("tpr", &c.tpr),
                ("thresholds", &c.thresholds),
            ]
            .map(|(k, v)| ("roc", k, v))
        });
        let pr = s.pr.iter().flat_map(|c| {
            [
                ("precision", &c.precision),
                ("recall", &c.recall),
                ("thresholds", &c.thresholds),
            ]
            .map(|(k, v)| ("pr", k, v))
        });
        for (curve, key, values) in roc.chain(pr) {
            parts.push(Spliced::Numbers(values));
            head["scores"][curve][key] = Value::String(marker(salt, &parts.len().to_string()));
        }
    }
    let text = serde_json::to_string_pretty(&head)?;
    // Each marker once, by the salt: where it stands, in the text's order.
    let mut places = Vec::with_capacity(parts.len());
    for (k, part) in parts.iter().enumerate() {
        let quoted = serde_json::to_string(&marker(salt, &(k + 1).to_string()))?;
        let start = text
            .find(&quoted)
            .ok_or_else(|| std::io::Error::other("a part of the report's JSON was lost"))?;
        places.push((start, start + quoted.len(), part));
    }
    places.sort_unstable_by_key(|p| p.0);
    let mut w = std::io::BufWriter::new(out);
    let mut from = 0;
    for (start, end, part) in places {
        w.write_all(&text.as_bytes()[from..start])?;
        match *part {
            Spliced::Groups(i) => write_groups(r, i, &mut w)?,
            Spliced::Numbers(values) => write_numbers(values, &mut w)?,
        }
        from = end;
    }
    w.write_all(&text.as_bytes()[from..])?;
    w.write_all(b"\n")?;
    w.flush()
}

/// A part of the report written on its own where its marker stands.
enum Spliced<'a> {
    /// Slice `i`'s groups.
    Groups(usize),
    /// A curve's numbers (`null` where not finite).
    Numbers(&'a [f64]),
}

/// What stands for part `k` (counted from 1) until it is written, or with
/// `k` empty, what every marker of `salt` begins with.
fn marker(salt: usize, k: &str) -> String {
    format!("\u{0}slicewise part {salt}.{k}")
}

/// `text` as it stands inside a JSON string.
fn escaped(text: &str) -> String {
    let quoted = serde_json::to_string(text).unwrap_or_default();
    quoted
        .strip_prefix('"')
        .and_then(|q| q.strip_suffix('"'))
        .unwrap_or_default()
        .to_string()
}

/// A JSON array of `n` elements three levels deep in the report, laid out
/// as [`serde_json`]'s pretty printer lays it out (elements eight spaces
/// in), its elements rendered by `render` on all cores, `per_task` to a
/// task and 64 tasks at a time.
fn write_array(
    w: &mut dyn std::io::Write,
    n: usize,
    per_task: usize,
    render: impl Fn(usize, &mut Vec<u8>) -> serde_json::Result<()> + Sync,
) -> std::io::Result<()> {
    use rayon::prelude::*;
    if n == 0 {
        return w.write_all(b"[]");
    }
    w.write_all(b"[")?;
    let per_task = per_task.max(1);
    for round in (0..n).step_by(per_task * 64) {
        let texts: Vec<Vec<u8>> = (round..n.min(round + per_task * 64))
            .step_by(per_task)
            .collect::<Vec<_>>()
            .into_par_iter()
            .map(|start| {
                let mut text = Vec::new();
                for i in start..n.min(start + per_task) {
                    text.extend_from_slice(if i > 0 { b",\n" } else { b"\n" });
                    text.extend_from_slice(&INDENT[..8]);
                    render(i, &mut text)?;
                }
                Ok(text)
            })
            .collect::<serde_json::Result<_>>()?;
        for text in &texts {
            w.write_all(text)?;
        }
    }
    w.write_all(b"\n      ]")
}

/// Slice `i`'s groups.
fn write_groups(r: &Report, i: usize, w: &mut dyn std::io::Write) -> std::io::Result<()> {
    let s = &r.slices[i];
    let scores = slice_scores(r, i);
    write_array(w, s.groups.len(), 64, |g, text| {
        let mut ser = serde_json::Serializer::with_formatter(text, Nested::new(4));
        serde::Serialize::serialize(&GroupJson::of(s, g, scores), &mut ser)
    })
}

/// A curve's numbers, `null` where not finite (as the JSON tree has them).
fn write_numbers(values: &[f64], w: &mut dyn std::io::Write) -> std::io::Result<()> {
    write_array(w, values.len(), 1 << 14, |i, text| {
        let v = values[i];
        serde_json::to_writer(text, &v.is_finite().then_some(v))
    })
}

/// Spaces of indentation, sliced to length.
const INDENT: [u8; 64] = [b' '; 64];

/// [`serde_json::ser::PrettyFormatter`]'s layout (two spaces a level) for a
/// value that sits `base` levels deep in a larger document, so that it can
/// be written on its own and set in place.
struct Nested {
    level: usize,
    has_value: bool,
}

impl Nested {
    fn new(base: usize) -> Self {
        Self {
            level: base,
            has_value: false,
        }
    }

    fn indent<W: ?Sized + std::io::Write>(&self, w: &mut W) -> std::io::Result<()> {
        for _ in 0..self.level * 2 / INDENT.len() {
            w.write_all(&INDENT)?;
        }
        w.write_all(&INDENT[..self.level * 2 % INDENT.len()])
    }

    fn open<W: ?Sized + std::io::Write>(&mut self, w: &mut W, b: &[u8]) -> std::io::Result<()> {
        self.level += 1;
        self.has_value = false;
        w.write_all(b)
    }

    fn close<W: ?Sized + std::io::Write>(&mut self, w: &mut W, b: &[u8]) -> std::io::Result<()> {
        self.level -= 1;
        if self.has_value {
            w.write_all(b"\n")?;
            self.indent(w)?;
        }
        w.write_all(b)
    }

    fn next<W: ?Sized + std::io::Write>(&self, w: &mut W, first: bool) -> std::io::Result<()> {
        w.write_all(if first { b"\n" } else { b",\n" })?;
        self.indent(w)
    }
}

impl serde_json::ser::Formatter for Nested {
    fn begin_array<W: ?Sized + std::io::Write>(&mut self, w: &mut W) -> std::io::Result<()> {
        self.open(w, b"[")
    }

    fn end_array<W: ?Sized + std::io::Write>(&mut self, w: &mut W) -> std::io::Result<()> {
        self.close(w, b"]")
    }

    fn begin_array_value<W: ?Sized + std::io::Write>(
        &mut self,
        w: &mut W,
        first: bool,
    ) -> std::io::Result<()> {
        self.next(w, first)
    }

    fn end_array_value<W: ?Sized + std::io::Write>(&mut self, _: &mut W) -> std::io::Result<()> {
        self.has_value = true;
        Ok(())
    }

    fn begin_object<W: ?Sized + std::io::Write>(&mut self, w: &mut W) -> std::io::Result<()> {
        self.open(w, b"{")
    }

    fn end_object<W: ?Sized + std::io::Write>(&mut self, w: &mut W) -> std::io::Result<()> {
        self.close(w, b"}")
    }

    fn begin_object_key<W: ?Sized + std::io::Write>(
        &mut self,
        w: &mut W,
        first: bool,
    ) -> std::io::Result<()> {
        self.next(w, first)
    }

    fn begin_object_value<W: ?Sized + std::io::Write>(&mut self, w: &mut W) -> std::io::Result<()> {
        w.write_all(b": ")
    }

    fn end_object_value<W: ?Sized + std::io::Write>(&mut self, _: &mut W) -> std::io::Result<()> {
        self.has_value = true;
        Ok(())
    }
}

/// The report as JSON; without `whole`, each slice's groups are an empty
/// list and the score curves empty objects ([`write_report_json`] writes
/// them on their own).
fn report_json_with(r: &Report, whole: bool) -> Value {
    let norm = |how| {
        let m: Vec<Vec<Option<f64>>> = r.confusion.normalized(how);
        json!(m)
    };
    let confusion = if r.dense_confusion() {
        json!({
            "labels": r.classes,
            "matrix": r.confusion.rows(),
            "normalized": { "true": norm(Normalize::True), "pred": norm(Normalize::Pred), "all": norm(Normalize::All) },
        })
    } else {
        let (cells, omitted) = r.confusion_cells();
        json!({
            "labels": r.classes,
            "matrix": null,
            "normalized": null,
            "cells": cells.iter().map(|&(t, p, n)| json!({
                "truth": r.classes[t], "pred": r.classes[p], "count": n,
            })).collect::<Vec<_>>(),
            "cells_omitted": omitted,
        })
    };
    let (shown, omitted_classes) = r.shown_classes();
    let mut out = json!({
        "file": r.file,
        "rows": r.rows,
        "errors": r.errors,
        "weight": r.weighted.as_ref().map(|(column, file_rows)| json!({"column": column, "file_rows": file_rows})),
        "classes": r.classes,
        "accuracy": r.accuracy.value,
        "accuracy_ci": ci_json(r.accuracy.ci),
        "balanced_accuracy": r.balanced_accuracy,
        "confusion": confusion,
        "per_class_omitted": omitted_classes,
        "per_class": shown.iter().map(|c| json!({
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
        "slices": r
            .slices
            .iter()
            .enumerate()
            .map(|(i, s)| slice_json_with(s, &r.classes, slice_scores(r, i), whole))
            .collect::<Vec<_>>(),
        "tags": tags_json(&r.tags),
        "review": r.review,
        "warnings": r.warnings,
        "provenance": r.provenance,
        "tag_examples": r.tag_examples.iter().map(|(tag, ids)| json!({"tag": tag, "ids": ids})).collect::<Vec<_>>(),
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
        out["roc_auc"] = json!(s.roc_auc);
        out["average_precision"] = json!(s.average_precision);
    }
    out["scores"] = r
        .scores
        .as_ref()
        .map_or(Value::Null, |s| scores_json(s, whole));
    out["probabilities"] = r
        .probabilities
        .as_ref()
        .map_or(Value::Null, probabilities_json);
    out["annotators"] = r.annotators.as_ref().map_or(Value::Null, annotators_json);
    out["label_issues"] = r.label_issues.as_ref().map_or(Value::Null, |s| {
        let share = crate::core::label_issues::Summary::share;
        json!({
            "filter_by": s.options.filter_by.name(),
            "rank_by": s.options.rank_by.name(),
            "num_label_issues": s.num_label_issues,
            "rows": s.rows,
            "flagged": s.flagged,
            "share": share(s.flagged, s.rows),
            "ci": ci_json(s.ci),
            "per_class": s.per_class.iter().zip(&r.classes).map(|((n, f, ci), c)| json!({
                "class": c, "rows": n, "flagged": f, "share": share(*f, *n), "ci": ci_json(*ci),
            })).collect::<Vec<_>>(),
        })
    });
    out["calibration"] = r.calibration.as_ref().map_or(Value::Null, calibration_json);
    out["risk_coverage"] = r.risk_coverage.as_ref().map_or(Value::Null, risk_json);
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

/// One agreement as JSON.
fn agreement_json(a: &crate::core::annotators::Agreement) -> Value {
    json!({
        "rows": a.rows,
        "pairable": a.pairable,
        "votes": a.votes,
        "alpha": a.alpha,
        "alpha_ci": ci_json(a.alpha_ci),
        "accuracy": a.accuracy,
        "accuracy_ci": ci_json(a.accuracy_ci),
        "majority_agrees": a.majority_agrees,
        "ties": a.ties,
        "mean_agreement": a.mean_agreement,
    })
}

/// The annotators' summary as JSON (README, "JSON report").
fn annotators_json(s: &crate::core::annotators::Summary) -> Value {
    let named = |list: &[(String, crate::core::annotators::Agreement)], key: &str| {
        list.iter()
            .map(|(name, a)| {
                let mut v = agreement_json(a);
                v[key] = json!(name);
                v
            })
            .collect::<Vec<_>>()
    };
    json!({
        "source": s.source,
        "overall": agreement_json(&s.overall),
        "per_class": named(&s.per_class, "class"),
        "slices": s.slices.iter().map(|(name, groups)| json!({
            "slice": name,
            "groups": named(groups, "group"),
        })).collect::<Vec<_>>(),
        "tags": named(&s.tags, "tag"),
        "annotators": s.annotators.iter().map(|a| json!({
            "name": a.name,
            "labelled": a.labelled,
            "accuracy": a.accuracy,
            "agreement": a.agreement,
        })).collect::<Vec<_>>(),
    })
}
