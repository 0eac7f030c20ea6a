//! CSV: the prioritisation table for machines and the tidy report.

use super::Table;
use crate::core::priority::TagRow;
use crate::core::report::Report;
use crate::core::stats::{Count, Interval};

/// The prioritisation table for machines: proportions as decimals with their
/// intervals, one column each.
#[must_use]
pub fn tags_csv(rows: &[TagRow]) -> String {
    let mut headers = vec!["tag", "kind", "rule", "tagged", "tagged_errors"];
    let metrics = ["share_of_errors", "error_rate", "share_of_data", "accuracy"];
    let mut names: Vec<String> = Vec::new();
    for m in metrics {
        names.extend([m.to_string(), format!("{m}_ci_low"), format!("{m}_ci_high")]);
    }
    names.extend(
        [
            "hlp",
            "hlp_source",
            "gap",
            "gap_ci_low",
            "gap_ci_high",
            "expected_lift",
            "expected_lift_ci_low",
            "expected_lift_ci_high",
            "priority",
            "importance",
            "effort",
            "coverage",
            "exact",
            "notes",
        ]
        .map(String::from),
    );
    headers.extend(names.iter().map(String::as_str));
    let mut t = Table::new(&headers);
    let v = |x: Option<f64>| x.map_or_else(String::new, |x| format!("{x}"));
    for r in rows {
        let mut row = vec![
            r.tag.clone(),
            if r.rule.is_some() { "rule" } else { "manual" }.to_string(),
            r.rule.clone().unwrap_or_default(),
            r.tagged.to_string(),
            r.tagged_errors.to_string(),
        ];
        for e in [
            &r.share_of_errors,
            &r.error_rate,
            &r.share_of_data,
            &r.accuracy,
        ] {
            row.extend([v(e.value), v(e.ci.map(|c| c.lo)), v(e.ci.map(|c| c.hi))]);
        }
        row.extend([
            v(r.hlp),
            r.hlp_source
                .map(|s| s.label().to_string())
                .unwrap_or_default(),
            v(r.gap.value),
            v(r.gap.ci.map(|c| c.lo)),
            v(r.gap.ci.map(|c| c.hi)),
            v(r.expected_lift.value),
            v(r.expected_lift.ci.map(|c| c.lo)),
            v(r.expected_lift.ci.map(|c| c.hi)),
            v(r.priority),
            r.importance.to_string(),
            r.effort.to_string(),
            format!("{}", r.coverage),
            r.exact.to_string(),
            r.notes.join(" "),
        ]);
        t.push(row);
    }
    t.to_csv()
}

/// A tidy CSV of numbers, a row each:
/// `section,key,group,metric,value,ci_low,ci_high` (the report's and the
/// comparison's CSV).
///
/// The rows are kept as CSV text as they are added (a slice of 200,000
/// groups adds two million rows; seven strings each would be ten times the
/// text).
pub struct Tidy(String);

impl Default for Tidy {
    fn default() -> Self {
        Self("section,key,group,metric,value,ci_low,ci_high\n".to_string())
    }
}

impl Tidy {
    /// [`Tidy::add`] with the row's place as separate arguments, to pass around.
    pub fn adder(
        &mut self,
    ) -> impl FnMut(&str, &str, &str, &str, Option<f64>, Option<Interval>) + '_ {
        |section, key, group, metric, value, ci| self.add((section, key, group), metric, value, ci)
    }

    /// Adds one number (empty cells for `None`).
    pub fn add(
        &mut self,
        (section, key, group): (&str, &str, &str),
        metric: &str,
        value: Option<f64>,
        ci: Option<Interval>,
    ) {
        use std::fmt::Write as _;
        for (i, text) in [section, key, group, metric].into_iter().enumerate() {
            if i > 0 {
                self.0.push(',');
            }
            self.0.push_str(&super::csv_field(text));
        }
        for x in [value, ci.map(|c| c.lo), ci.map(|c| c.hi)] {
            self.0.push(',');
            if let Some(x) = x {
                let _ = write!(self.0, "{x}");
            }
        }
        self.0.push('\n');
    }

    /// The CSV text.
    #[must_use]
    pub fn to_csv(&self) -> String {
        self.0.clone()
    }

    /// The CSV text, without a copy.
    #[must_use]
    pub fn into_csv(self) -> String {
        self.0
    }
}

/// The report as one tidy CSV: `section,key,group,metric,value,ci_low,ci_high`.
#[must_use]
pub fn report_csv(r: &Report) -> String {
    let mut tidy = Tidy::default();
    let mut add = tidy.adder();
    add("overall", "", "", "rows", Some(r.rows.w), None);
    add("overall", "", "", "errors", Some(r.errors.w), None);
    add(
        "overall",
        "",
        "",
        "accuracy",
        r.accuracy.value,
        r.accuracy.ci,
    );
    add(
        "overall",
        "",
        "",
        "balanced_accuracy",
        r.balanced_accuracy,
        None,
    );
    let cells: Vec<(usize, usize, Count)> = if r.dense_confusion() {
        r.confusion
            .rows()
            .iter()
            .enumerate()
            .flat_map(|(i, row)| {
                row.iter()
                    .enumerate()
                    .map(move |(j, &c)| (i, j, c))
                    .collect::<Vec<_>>()
            })
            .collect()
    } else {
        r.confusion_cells().0
    };
    for (i, j, c) in cells {
        add(
            "confusion",
            &r.classes[i],
            &r.classes[j],
            "count",
            Some(c.w),
            None,
        );
    }
    for c in r.shown_classes().0 {
        add(
            "per_class",
            &c.class,
            "",
            "precision",
            c.precision,
            c.precision_ci,
        );
        add("per_class", &c.class, "", "recall", c.recall, c.recall_ci);
        add("per_class", &c.class, "", "f1", c.f1, None);
        #[allow(clippy::cast_precision_loss)]
        add(
            "per_class",
            &c.class,
            "",
            "support",
            Some(c.support.w),
            None,
        );
    }
    for (name, p) in [
        ("micro", &r.averages.micro),
        ("macro", &r.averages.macro_avg),
        ("weighted", &r.averages.weighted),
    ] {
        add("averages", name, "", "precision", p.precision, None);
        add("averages", name, "", "recall", p.recall, None);
        add("averages", name, "", "f1", p.f1, None);
    }
    if let Some(p) = &r.positive {
        let b = &p.rates;
        for (m, rate) in [
            ("tpr", b.tpr),
            ("fpr", b.fpr),
            ("fnr", b.fnr),
            ("tnr", b.tnr),
            ("precision", b.precision),
            ("selection_rate", b.selection_rate),
            ("prevalence", b.prevalence),
        ] {
            add("positive", &p.class, "", m, rate.value, rate.ci);
        }
    }
    for s in &r.slices {
        let name = s.name();
        for (i, g) in s.groups.iter().enumerate() {
            let c = &g.counts;
            let group = g.name();
            #[allow(clippy::cast_precision_loss)]
            add("slices", &name, &group, "count", Some(c.n.w), None);
            let share = s.share(i);
            add("slices", &name, &group, "share", share.value(), share.ci());
            let acc = c.accuracy();
            add("slices", &name, &group, "accuracy", acc.value(), acc.ci());
            let err = c.error_rate();
            add("slices", &name, &group, "error_rate", err.value(), err.ci());
            if s.positive.is_some() {
                let b = &c.binary;
                for (m, p) in [
                    ("fpr", b.fpr()),
                    ("fnr", b.fnr()),
                    ("tpr", b.tpr()),
                    ("precision", b.precision()),
                    ("selection_rate", b.selection_rate()),
                ] {
                    add("slices", &name, &group, m, p.value(), p.ci());
                }
            }
            add(
                "slices",
                &name,
                &group,
                "low_support",
                Some(if s.low_support(i) { 1.0 } else { 0.0 }),
                None,
            );
            // 1 for each rate of harm the group is worse on.
            for m in s.flagged(i) {
                add(
                    "slices",
                    &name,
                    &group,
                    &format!("disadvantaged_{}", m.key()),
                    Some(1.0),
                    None,
                );
            }
        }
        let d = &s.disparity;
        let b = s.disparity_ci.unwrap_or_default();
        for (m, x, ci) in [
            (
                "demographic_parity_difference",
                d.demographic_parity_difference,
                b.demographic_parity_difference,
            ),
            (
                "demographic_parity_ratio",
                d.demographic_parity_ratio,
                b.demographic_parity_ratio,
            ),
            (
                "equalized_odds_difference",
                d.equalized_odds_difference,
                b.equalized_odds_difference,
            ),
            (
                "equalized_odds_ratio",
                d.equalized_odds_ratio,
                b.equalized_odds_ratio,
            ),
            (
                "accuracy_difference",
                d.accuracy_difference,
                b.accuracy_difference,
            ),
            ("accuracy_ratio", d.accuracy_ratio, b.accuracy_ratio),
        ] {
            add("disparity", &name, "", m, x, ci);
        }
        let all = &s.disparity_all;
        for (m, x) in [
            (
                "demographic_parity_difference",
                all.demographic_parity_difference,
            ),
            ("demographic_parity_ratio", all.demographic_parity_ratio),
            ("equalized_odds_difference", all.equalized_odds_difference),
            ("equalized_odds_ratio", all.equalized_odds_ratio),
            ("accuracy_difference", all.accuracy_difference),
            ("accuracy_ratio", all.accuracy_ratio),
        ] {
            add("disparity_all_groups", &name, "", m, x, None);
        }
    }
    for tag in &r.tags {
        #[allow(clippy::cast_precision_loss)]
        {
            add("tags", &tag.tag, "", "tagged", Some(tag.tagged.w), None);
            add(
                "tags",
                &tag.tag,
                "",
                "tagged_errors",
                Some(tag.tagged_errors.w),
                None,
            );
        }
        for (m, e) in [
            ("share_of_errors", &tag.share_of_errors),
            ("error_rate", &tag.error_rate),
            ("share_of_data", &tag.share_of_data),
            ("accuracy", &tag.accuracy),
        ] {
            add("tags", &tag.tag, "", m, e.value, e.ci);
        }
        add("tags", &tag.tag, "", "hlp", tag.hlp, None);
        add("tags", &tag.tag, "", "gap", tag.gap.value, tag.gap.ci);
        add(
            "tags",
            &tag.tag,
            "",
            "expected_lift",
            tag.expected_lift.value,
            tag.expected_lift.ci,
        );
        add("tags", &tag.tag, "", "priority", tag.priority, None);
        add("tags", &tag.tag, "", "coverage", Some(tag.coverage), None);
    }
    if let Some(h) = &r.human {
        add("human", "", "", "accuracy", h.accuracy.value, h.accuracy.ci);
        for (c, rate, _) in &h.per_class {
            add("human", c, "", "accuracy", rate.value, rate.ci);
        }
    }
    if let Some(s) = &r.scores {
        add("scores", &s.positive, "", "roc_auc", s.roc_auc, None);
        add(
            "scores",
            &s.positive,
            "",
            "average_precision",
            s.average_precision,
            None,
        );
        for p in &s.sweep {
            let c = &p.counts;
            let t = format!("{}", p.threshold);
            add(
                "sweep",
                &s.positive,
                &t,
                "tpr",
                c.tpr().value(),
                c.tpr().ci(),
            );
            add(
                "sweep",
                &s.positive,
                &t,
                "fpr",
                c.fpr().value(),
                c.fpr().ci(),
            );
            add(
                "sweep",
                &s.positive,
                &t,
                "precision",
                c.precision().value(),
                c.precision().ci(),
            );
            add(
                "sweep",
                &s.positive,
                &t,
                "accuracy",
                c.accuracy().value(),
                c.accuracy().ci(),
            );
        }
    }
    if let Some(s) = &r.scores
        && let Some(m) = s.model_threshold
    {
        add(
            "scores",
            &s.positive,
            m.op.symbol(),
            "model_threshold",
            Some(m.value),
            None,
        );
        #[allow(clippy::cast_precision_loss)]
        add(
            "scores",
            &s.positive,
            "",
            "model_threshold_disagreements",
            Some(m.disagreements as f64),
            None,
        );
    }
    if let Some(p) = &r.probabilities {
        add(
            "probabilities",
            "",
            "",
            "roc_auc_ovr_macro",
            p.roc_auc_macro,
            None,
        );
        add(
            "probabilities",
            "",
            "",
            "roc_auc_ovr_weighted",
            p.roc_auc_weighted,
            None,
        );
        add("probabilities", "", "", "log_loss", p.log_loss, None);
        add("probabilities", "", "", "brier", p.brier, None);
        for t in &p.top_k {
            add(
                "probabilities",
                "",
                &t.k.to_string(),
                "top_k_accuracy",
                t.accuracy,
                None,
            );
        }
        for c in &p.per_class {
            add("probabilities", &c.class, "", "roc_auc", c.roc_auc, None);
            add(
                "probabilities",
                &c.class,
                "",
                "average_precision",
                c.average_precision,
                None,
            );
        }
    }
    if let Some(c) = &r.calibration {
        add("calibration", "", "", "ece", c.ece, c.ece_ci);
        add("calibration", "", "", "mce", c.mce, None);
        add("calibration", "", "", "brier", c.brier, None);
        for b in &c.reliability {
            let bin = format!("{}-{}", b.low, b.high);
            #[allow(clippy::cast_precision_loss)]
            add("calibration", &bin, "", "count", Some(b.count.w), None);
            add("calibration", &bin, "", "confidence", b.confidence, None);
            add(
                "calibration",
                &bin,
                "",
                "accuracy",
                b.accuracy,
                b.accuracy_ci,
            );
        }
    }
    if let Some(rc) = &r.risk_coverage {
        add("risk_coverage", "", "", "aurc", rc.aurc, None);
        for p in &rc.points {
            let t = format!("{}", p.threshold);
            add("risk_coverage", "", &t, "coverage", p.coverage, None);
            add("risk_coverage", "", &t, "accuracy", p.accuracy, None);
        }
    }
    for (s, scores) in r.slices.iter().zip(&r.slice_scores) {
        for (g, sc) in s.groups.iter().zip(scores) {
            add("slices", &s.name(), &g.name(), "ece", sc.ece, sc.ece_ci);
            add(
                "slices",
                &s.name(),
                &g.name(),
                "log_loss",
                sc.log_loss,
                None,
            );
        }
    }
    for w in &r.watch {
        let key = format!("{}:{}", w.truth, w.pred);
        #[allow(clippy::cast_precision_loss)]
        add("watch", &key, "", "count", Some(w.count.w), None);
        add("watch", &key, "", "rate", w.rate, w.rate_ci);
        add(
            "watch",
            &key,
            "",
            "share_of_errors",
            w.share_of_errors,
            None,
        );
    }
    drop(add);
    tidy.into_csv()
}
