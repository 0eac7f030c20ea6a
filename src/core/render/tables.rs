//! The tables and lines every output format shares.

use super::Table;
use crate::core::calibration::Basis;
use crate::core::format::{
    count, interval_text, num, pct, pct_ci, points, points_1, points_interval, pt, threshold,
};
use crate::core::priority::{Estimate, HlpSource, SortKey, TagRow};
use crate::core::report::{GroupScores, Report, ScoreSummary};
use crate::core::slices::{DisparityMetric, SliceAnalysis};

/// How one column of the prioritisation table is written, for every face
/// (the app's table and tags panel, text, Markdown, HTML): shares and rates
/// in percent with one decimal, HLP in percent, the gap and the expected
/// lift in accuracy points (a difference of two percentages), priority in
/// the lift's points weighted by importance / effort.
#[must_use]
pub fn tag_cell(r: &TagRow, key: SortKey) -> String {
    let est = |e: &Estimate| pct(e.value, 1);
    match key {
        SortKey::Tag => r.tag.clone(),
        SortKey::Tagged => count(r.tagged),
        SortKey::TaggedErrors => count(r.tagged_errors),
        SortKey::ShareOfErrors => est(&r.share_of_errors),
        SortKey::ErrorRate => est(&r.error_rate),
        SortKey::ShareOfData => est(&r.share_of_data),
        SortKey::Accuracy => est(&r.accuracy),
        SortKey::Hlp => pct(r.hlp, 1),
        SortKey::Gap => points_1(r.gap.value),
        SortKey::ExpectedLift => points(r.expected_lift.value),
        SortKey::Priority => pt(r.priority, 2),
        SortKey::Coverage => {
            if r.exact {
                "exact".to_string()
            } else {
                pct(Some(r.coverage), 1)
            }
        }
    }
}

/// The 95% interval of a column of the prioritisation table, in its
/// column's unit (`[12.3, 20.1]`), when it has one.
#[must_use]
pub fn tag_cell_interval(r: &TagRow, key: SortKey) -> Option<String> {
    let ci = match key {
        SortKey::ShareOfErrors => r.share_of_errors.ci,
        SortKey::ErrorRate => r.error_rate.ci,
        SortKey::ShareOfData => r.share_of_data.ci,
        SortKey::Accuracy => r.accuracy.ci,
        SortKey::Hlp => r.hlp_ci,
        SortKey::Gap => r.gap.ci,
        SortKey::ExpectedLift => r.expected_lift.ci,
        _ => None,
    }?;
    let decimals = if key == SortKey::ExpectedLift { 2 } else { 1 };
    Some(if matches!(key, SortKey::Gap | SortKey::ExpectedLift) {
        points_interval(Some(ci), decimals)
    } else {
        pct_ci(Some(ci), decimals)
    })
}

/// The mark beside a tag whose numbers rest on few reviewed examples.
pub const FEW_REVIEWED_MARK: &str = "few reviewed";

/// The prioritisation table for people: percentages and points as
/// [`tag_cell`] writes them, HLP source, coverage; a tag whose numbers rest
/// on few reviewed examples carries the intervals of its estimates in its
/// cells and a "few reviewed" mark.
#[must_use]
pub fn tags_table(rows: &[TagRow], with_ci: bool) -> Table {
    let mut headers = vec![
        "tag",
        "tagged",
        "tagged errors",
        "share of errors",
        "error rate",
        "share of data",
        "accuracy",
        "HLP",
        "gap",
        "expected lift",
        "priority",
        "coverage",
    ];
    if with_ci {
        headers.push("95% interval of lift");
    }
    let mut t = Table::new(&headers);
    for r in rows {
        let cell = |key: SortKey| {
            let text = tag_cell(r, key);
            match tag_cell_interval(r, key) {
                Some(ci) if r.few_reviewed && key != SortKey::ExpectedLift => {
                    format!("{text} {ci}")
                }
                _ => text,
            }
        };
        let hlp = match r.hlp_source {
            Some(HlpSource::HumanColumn) => format!("{} (human)", cell(SortKey::Hlp)),
            Some(HlpSource::Annotators) => format!("{} (annotators)", cell(SortKey::Hlp)),
            _ => cell(SortKey::Hlp),
        };
        let mut name = r.tag.clone();
        if r.rule.is_some() {
            name.push_str(" (rule)");
        }
        if r.few_reviewed {
            name.push_str(" (");
            name.push_str(FEW_REVIEWED_MARK);
            name.push(')');
        }
        let mut row = vec![
            name,
            cell(SortKey::Tagged),
            cell(SortKey::TaggedErrors),
            cell(SortKey::ShareOfErrors),
            cell(SortKey::ErrorRate),
            cell(SortKey::ShareOfData),
            cell(SortKey::Accuracy),
            hlp,
            cell(SortKey::Gap),
            cell(SortKey::ExpectedLift),
            cell(SortKey::Priority),
            cell(SortKey::Coverage),
        ];
        if with_ci {
            row.push(tag_cell_interval(r, SortKey::ExpectedLift).unwrap_or_default());
        }
        t.push(row);
    }
    t.droppable(&[
        "95% interval of lift",
        "coverage",
        "tagged errors",
        "priority",
        "tagged",
        "error rate",
        "gap",
        "share of errors",
    ])
}

/// The notes under a table: one line per tag with something to explain.
pub(super) fn tag_notes(rows: &[TagRow]) -> Vec<String> {
    rows.iter()
        .filter(|r| !r.notes.is_empty() || r.rule.is_some())
        .map(|r| {
            let mut parts = Vec::new();
            if let Some(rule) = &r.rule {
                parts.push(format!("rule `{rule}`"));
            }
            parts.extend(r.notes.iter().cloned());
            format!("{}: {}", r.tag, parts.join(" "))
        })
        .collect()
}

pub(super) fn per_class_table(r: &Report) -> Table {
    let mut t = Table::new(&["class", "precision", "recall", "f1", "support", "FP", "FN"]);
    let (shown, _) = r.shown_classes();
    for c in shown {
        t.push(vec![
            c.class.clone(),
            pct(c.precision, 1),
            pct(c.recall, 1),
            pct(c.f1, 1),
            count(c.support),
            count(c.false_positives),
            count(c.false_negatives),
        ]);
    }
    for (name, p) in [
        ("micro avg", &r.averages.micro),
        ("macro avg", &r.averages.macro_avg),
        ("weighted avg", &r.averages.weighted),
    ] {
        t.push(vec![
            name.to_string(),
            pct(p.precision, 1),
            pct(p.recall, 1),
            pct(p.f1, 1),
            count(r.rows),
            String::new(),
            String::new(),
        ]);
    }
    t
}

pub(super) fn sweep_table(s: &ScoreSummary) -> Table {
    let mut t = Table::new(&[
        "threshold",
        "TPR",
        "FPR",
        "precision",
        "accuracy",
        "F1",
        "selected",
    ]);
    let whole = s.sweep.iter().all(|p| p.threshold.fract() == 0.0);
    for p in &s.sweep {
        let c = &p.counts;
        t.push(vec![
            threshold(p.threshold, whole),
            pct(c.tpr().value(), 1),
            pct(c.fpr().value(), 1),
            pct(c.precision().value(), 1),
            pct(c.accuracy().value(), 1),
            pct(c.f1(), 1),
            pct(c.selection_rate().value(), 1),
        ]);
    }
    t.droppable(&["selected", "F1", "accuracy"])
}

pub(super) fn scores_line(s: &ScoreSummary) -> String {
    let model = s.model_threshold.map_or_else(String::new, |m| {
        let exact = if m.disagreements == 0 {
            "reproduces every prediction".to_string()
        } else {
            format!("closest; {} row(s) differ", count(m.disagreements))
        };
        format!(
            "; the model's threshold is score {} {} ({exact})",
            m.op.symbol(),
            m.value
        )
    });
    format!(
        "positive class '{}', score '{}' read as {}: ROC AUC {}, average precision {}{model}",
        s.positive,
        s.column,
        s.meaning.describe(),
        num(s.roc_auc, 4),
        num(s.average_precision, 4)
    )
}

/// A titled part of the report: lines, then a table.
pub(super) struct Section {
    /// The title.
    pub(super) title: String,
    /// Lines above the table.
    pub(super) lines: Vec<String>,
    /// The table, if any.
    pub(super) table: Option<Table>,
}

/// The probability, calibration and risk–coverage sections.
pub(super) fn score_sections(r: &Report) -> Vec<Section> {
    let mut out = Vec::new();
    if let Some(p) = &r.probabilities {
        let mut lines = vec![format!(
            "one-vs-rest ROC AUC: macro {}, weighted {}",
            num(p.roc_auc_macro, 4),
            num(p.roc_auc_weighted, 4)
        )];
        if p.complete {
            let top: Vec<String> = p
                .top_k
                .iter()
                .map(|t| format!("top-{} {}", t.k, pct(t.accuracy, 2)))
                .collect();
            lines.push(format!(
                "log loss {}, Brier score {}{}",
                num(p.log_loss, 4),
                num(p.brier, 4),
                if top.is_empty() {
                    String::new()
                } else {
                    format!(", accuracy {}", top.join(", "))
                }
            ));
        }
        let mut t = Table::new(&["class", "column", "support", "ROC AUC", "average precision"]);
        t.numeric[1] = false;
        for c in &p.per_class {
            t.push(vec![
                c.class.clone(),
                c.column.clone(),
                count(c.support),
                num(c.roc_auc, 4),
                num(c.average_precision, 4),
            ]);
        }
        out.push(Section {
            title: "Probabilities".into(),
            lines,
            table: Some(t),
        });
    }
    if let Some(c) = &r.calibration {
        let what = match c.basis {
            Basis::TopLabel => "confidence in the predicted class against being right",
            Basis::Positive => "score of the positive class against being positive",
        };
        let lines = vec![format!(
            "{what}, {} equal-width bins over {} rows: ECE {} {}, MCE {}, Brier score {}",
            c.bins,
            count(c.rows),
            pct(c.ece, 2),
            pct_ci(c.ece_ci, 2),
            pct(c.mce, 2),
            num(c.brier, 4)
        )];
        let mut t = Table::new(&["bin", "count", "mean score", "observed", "95% interval"]);
        for b in c.reliability.iter().filter(|b| b.count.w > 0.0) {
            t.push(vec![
                format!("{:.3}–{:.3}", b.low, b.high),
                count(b.count),
                num(b.confidence, 3),
                num(b.accuracy, 3),
                interval_text(b.accuracy_ci, false).trim().to_string(),
            ]);
        }
        out.push(Section {
            title: "Calibration".into(),
            lines,
            table: Some(t),
        });
    }
    if let Some(rc) = &r.risk_coverage {
        let lines = vec![format!(
            "abstaining below a confidence keeps the more confident rows; area under the risk–coverage curve {}",
            num(rc.aurc, 4)
        )];
        let mut t = Table::new(&["keep confidence >=", "kept", "coverage", "accuracy"]);
        let whole = rc.points.iter().all(|p| p.threshold.fract() == 0.0);
        for p in &rc.points {
            t.push(vec![
                threshold(p.threshold, whole),
                count(p.kept),
                pct(p.coverage, 1),
                pct(p.accuracy, 2),
            ]);
        }
        out.push(Section {
            title: "Risk–coverage".into(),
            lines,
            table: Some(t),
        });
    }
    out
}

pub(super) fn watch_table(r: &Report) -> Table {
    let mut t = Table::new(&[
        "true → predicted",
        "count",
        "rate of true class",
        "95% interval",
        "share of errors",
        "examples",
    ]);
    for w in &r.watch {
        t.push(vec![
            format!("{} → {}", w.truth, w.pred),
            count(w.count),
            pct(w.rate, 2),
            pct_ci(w.rate_ci, 2),
            pct(w.share_of_errors, 2),
            w.examples
                .iter()
                .take(5)
                .cloned()
                .collect::<Vec<_>>()
                .join(", "),
        ]);
    }
    t.numeric[5] = false;
    t.droppable(&["examples", "95% interval", "share of errors"])
}

pub(super) fn confusion_table(r: &Report) -> Table {
    let mut headers: Vec<&str> = vec!["true \\ predicted"];
    headers.extend(r.classes.iter().map(String::as_str));
    let mut t = Table::new(&headers);
    for (i, row) in r.confusion.rows().iter().enumerate() {
        let mut cells = vec![r.classes[i].clone()];
        cells.extend(row.iter().map(|&v| count(v)));
        t.push(cells);
    }
    t
}

/// The table of slice `s`'s groups `shown` (indices into its groups).
pub(super) fn slice_table(s: &SliceAnalysis, scores: &[GroupScores], shown: &[usize]) -> Table {
    let calibrated = scores.iter().any(|g| g.ece.is_some());
    let with_loss = scores.iter().any(|g| g.log_loss.is_some());
    let with_positive = s.positive.is_some();
    let mut headers = vec![
        "group",
        "count",
        "share",
        "accuracy",
        "95% interval",
        "error rate",
    ];
    if with_positive {
        headers.extend(["FPR", "FNR", "TPR", "precision", "selection rate"]);
    }
    if calibrated {
        headers.extend(["ECE", "ECE 95% interval"]);
    }
    if with_loss {
        headers.push("log loss");
    }
    headers.push("flags");
    let mut t = Table::new(&headers);
    for &i in shown {
        let g = &s.groups[i];
        let c = &g.counts;
        let acc = c.accuracy();
        let mut row = vec![
            g.name(),
            count(c.n),
            pct(s.share(i).value(), 1),
            pct(acc.value(), 1),
            pct_ci(acc.ci(), 1),
            pct(c.error_rate().value(), 1),
        ];
        if with_positive {
            let b = &c.binary;
            row.extend(
                [b.fpr(), b.fnr(), b.tpr(), b.precision(), b.selection_rate()]
                    .map(|p| pct(p.value(), 1)),
            );
        }
        let g_scores = scores.get(i);
        if calibrated {
            row.push(pct(g_scores.and_then(|g| g.ece), 1));
            row.push(pct_ci(g_scores.and_then(|g| g.ece_ci), 1));
        }
        if with_loss {
            row.push(num(g_scores.and_then(|g| g.log_loss), 4));
        }
        row.push(group_flags(s, i).join("; "));
        t.push(row);
    }
    t.numeric[headers.len() - 1] = false;
    t.droppable(&[
        "error rate",
        "95% interval",
        "ECE 95% interval",
        "selection rate",
        "precision",
        "TPR",
        "share",
        "log loss",
    ])
}

/// The line under a slice table that left groups out.
pub(super) fn omitted_groups_line(omitted: usize) -> Option<String> {
    (omitted > 0).then(|| {
        format!(
            "… and {} smaller groups, not shown (every group: --all-groups, or --format json or csv).",
            count(omitted as u64)
        )
    })
}

/// What to know about group `i` of a slice, in plain words: low support,
/// the reference, the rates of harm it is disadvantaged on, a selection
/// rate outside the band.
#[must_use]
pub fn group_flags(s: &SliceAnalysis, i: usize) -> Vec<String> {
    let mut flags = Vec::new();
    let worse: Vec<&str> = s.flagged(i).iter().map(|m| m.name()).collect();
    if !worse.is_empty() {
        flags.push(format!("worse on {}", worse.join(", ")));
    }
    if s.low_support(i) {
        flags.push(format!("low support (< {})", s.min_support));
    }
    if s.reference == Some(i) {
        flags.push("reference".to_string());
    }
    let differs: Vec<&str> = s
        .differs(i)
        .into_iter()
        .map(DisparityMetric::name)
        .collect();
    if !differs.is_empty() {
        flags.push(format!("{} differs", differs.join(", ")));
    }
    flags
}

/// How a slice's groups are judged, in one line: the rule that marks a
/// group worse, the groups too small to judge, and the reference group of
/// the ratios and why it is the reference.
#[must_use]
pub fn judged_line(s: &SliceAnalysis) -> String {
    let harms = if s.positive.is_some() {
        "error rate, false positive, false negative or false discovery rate"
    } else {
        "error rate"
    };
    let reference = s.reference.map_or_else(String::new, |r| {
        let why = if s.chosen_reference {
            "as chosen"
        } else {
            "the largest group; --reference VALUE to choose another"
        };
        format!(
            " Ratios to a reference group are against {} ({why}).",
            s.groups[r].name()
        )
    });
    format!(
        "A group is marked worse when a rate of harm ({harms}) is over 1.25× that of all other rows and the difference is beyond chance (its 95% interval above 0); groups under {} examples are not judged.{reference}",
        count(s.min_support)
    )
}

/// The calibration and losses of slice `i`'s groups (empty without scores).
pub(super) fn slice_scores(r: &Report, i: usize) -> &[GroupScores] {
    r.slice_scores.get(i).map_or(&[][..], Vec::as_slice)
}

/// The Fairlearn disparities of a slice in one line: differences in
/// points, ratios as numbers; between the groups with enough support (the
/// headline), and between all groups when small ones change them.
pub(super) fn disparity_line(s: &SliceAnalysis) -> String {
    let describe = |d: &crate::core::slices::Disparity,
                    b: &crate::core::slices::DisparityIntervals| {
        let mut parts = vec![format!(
            "accuracy difference {}{} (ratio {}{})",
            pt(d.accuracy_difference, 1),
            interval_text(b.accuracy_difference, true),
            num(d.accuracy_ratio, 3),
            interval_text(b.accuracy_ratio, false)
        )];
        if s.positive.is_some() {
            parts.push(format!(
                "demographic parity difference {}{} (ratio {}{})",
                pt(d.demographic_parity_difference, 1),
                interval_text(b.demographic_parity_difference, true),
                num(d.demographic_parity_ratio, 3),
                interval_text(b.demographic_parity_ratio, false)
            ));
            parts.push(format!(
                "equalized odds difference {}{} (ratio {}{})",
                pt(d.equalized_odds_difference, 1),
                interval_text(b.equalized_odds_difference, true),
                num(d.equalized_odds_ratio, 3),
                interval_text(b.equalized_odds_ratio, false)
            ));
        }
        parts.join("; ")
    };
    let boot = s.disparity_ci.map_or_else(String::new, |b| {
        format!(
            " (bootstrap 95% intervals, {} resamples, seed {})",
            b.replicates, b.seed
        )
    });
    let supported = s.supported().len();
    let headline = describe(&s.disparity, &s.disparity_ci.unwrap_or_default());
    if supported == s.groups.len() {
        return format!("Disparity{boot}: {headline}");
    }
    if supported == 0 {
        return format!(
            "Disparity: no group has {} examples, so none is judged; between all {} groups: {}",
            count(s.min_support),
            s.groups.len(),
            describe(
                &s.disparity_all,
                &crate::core::slices::DisparityIntervals::default()
            )
        );
    }
    format!(
        "Disparity between the {supported} groups of at least {} examples{boot}: {headline}. Between all {} groups: {}",
        count(s.min_support),
        s.groups.len(),
        describe(
            &s.disparity_all,
            &crate::core::slices::DisparityIntervals::default()
        )
    )
}

pub(super) fn overall_lines(r: &Report) -> Vec<String> {
    let rows = match &r.weighted {
        None => format!("{} rows", count(r.rows)),
        Some((column, file_rows)) => format!(
            "{} examples (weighted by '{column}' over {} rows)",
            count(r.rows),
            count(*file_rows)
        ),
    };
    let mut lines = vec![
        format!(
            "{rows}, {} classes, {} errors",
            r.classes.len(),
            count(r.errors)
        ),
        format!(
            "accuracy {} {}",
            pct(r.accuracy.value, 2),
            pct_ci(r.accuracy.ci, 2)
        ),
        format!("balanced accuracy {}", pct(r.balanced_accuracy, 2)),
        format!(
            "reviewed {} errors ({} coverage) and {} correct examples",
            count(r.review.reviewed_errors),
            pct(r.review.coverage, 1),
            count(r.review.reviewed_correct)
        ),
    ];
    if let Some(p) = &r.positive {
        let b = &p.rates;
        lines.push(format!(
            "positive class '{}'{}: TPR {}, FPR {}, FNR {}, TNR {}, precision {}, selection rate {}, prevalence {}",
            p.class,
            if p.automatic { " (automatic)" } else { "" },
            pct(b.tpr.value, 1),
            pct(b.fpr.value, 1),
            pct(b.fnr.value, 1),
            pct(b.tnr.value, 1),
            pct(b.precision.value, 1),
            pct(b.selection_rate.value, 1),
            pct(b.prevalence.value, 1)
        ));
    }
    if let Some(h) = &r.human {
        lines.push(format!(
            "human labels agree with the true label on {} {} of {} labelled examples",
            pct(h.accuracy.value, 2),
            pct_ci(h.accuracy.ci, 2),
            count(h.labelled)
        ));
    }
    lines
}

pub(super) fn slice_suffix(s: &SliceAnalysis) -> String {
    s.threshold
        .map_or_else(String::new, |t| format!(" (decisions at score >= {t})"))
}
