//! A comparison of two runs as `slicewise compare` prints it: text,
//! Markdown, JSON.

use rayon::prelude::*;
use serde::Serialize;

use super::{
    Change, ClassChange, GroupChange, Joined, LabelsFrom, Overall, RateChange, TagChange,
    class_changes, join, overall, rate_changes, slice_changes, tag_changes, worst_first,
};
use crate::core::dataset::Dataset;
use crate::core::render::{Document, Table, Tidy, p_value, points, points_ci};
use crate::core::slices::SliceKey;
use crate::core::stats::Interval;
use crate::core::tags::Annotations;

/// A comparison of two runs as the command line prints it.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct CompareReport {
    /// The first run's file.
    pub before: String,
    /// The second run's file.
    pub after: String,
    /// Which labels judged the shared examples.
    pub labels: LabelsFrom,
    /// Whether rows were paired by position.
    pub by_position: bool,
    /// The overall change.
    pub overall: Overall,
    /// Precision, recall and F1 per class, before and after.
    pub per_class: Vec<ClassChange>,
    /// The session's tags, before and after.
    pub tags: Vec<TagChange>,
    /// Per slice column: its groups' changes.
    pub slices: Vec<(String, Vec<GroupChange>)>,
    /// The significance level for regressions.
    pub alpha: f64,
    /// The positive class of the TPR and FPR, if any.
    pub positive: Option<String>,
    /// Overall TPR and FPR before and after, with a positive class.
    pub rates: Option<(Change, Change)>,
    /// What the reader should know about the pairing (class spellings of
    /// the two runs matched as one).
    pub warnings: Vec<String>,
}

impl CompareReport {
    /// Builds the comparison, slicing by the first run's columns `by`
    /// (each entry one column or an intersection).
    ///
    /// # Errors
    /// When the runs cannot be joined or a slice column is unknown.
    pub fn build(
        before: &Dataset,
        state: Option<&Annotations>,
        after: &Dataset,
        labels: LabelsFrom,
        by: &[Vec<String>],
        alpha: f64,
        positive: Option<u32>,
    ) -> Result<Self, Box<dyn std::error::Error + Send + Sync>> {
        let joined = join(before, after, labels)?;
        Self::from_joined(
            before,
            state,
            &joined,
            &after.source.path.display().to_string(),
            by,
            alpha,
            positive,
        )
    }

    /// Builds the comparison from a join already made (`after` names the
    /// second run's file).
    ///
    /// # Errors
    /// When a slice column is unknown.
    pub fn from_joined(
        before: &Dataset,
        state: Option<&Annotations>,
        joined: &Joined,
        after: &str,
        by: &[Vec<String>],
        alpha: f64,
        positive: Option<u32>,
    ) -> Result<Self, Box<dyn std::error::Error + Send + Sync>> {
        // The slices, the overall change and the classes side by side.
        let (slices, (overall, per_class)) = rayon::join(
            || {
                by.par_iter()
                    .map(|columns| {
                        let key = SliceKey::new(before, columns)?;
                        Ok((key.name(), slice_changes(joined, &key, alpha, positive)))
                    })
                    .collect::<Vec<Result<_, crate::core::slices::SliceError>>>()
            },
            || rayon::join(|| overall(joined), || class_changes(joined)),
        );
        // The first unknown column, in order, is the error.
        let slices = slices.into_iter().collect::<Result<Vec<_>, _>>()?;
        Ok(Self {
            before: before.source.path.display().to_string(),
            after: after.to_string(),
            labels: joined.labels,
            by_position: joined.by_position,
            overall,
            per_class,
            tags: state.map_or_else(Vec::new, |s| tag_changes(before, s, joined, alpha)),
            slices,
            alpha,
            positive: positive.and_then(|p| joined.classes.get(p as usize).cloned()),
            rates: positive.map(|p| rate_changes(joined, p)),
            warnings: joined.warnings.clone(),
        })
    }

    /// The slice groups and tags that regressed significantly, as
    /// "column = value" and "tag NAME".
    #[must_use]
    pub fn regressions(&self) -> Vec<String> {
        self.slices
            .iter()
            .flat_map(|(column, groups)| {
                groups.iter().filter_map(move |g| {
                    let worse = g.any_regression();
                    (!worse.is_empty())
                        .then(|| format!("{column} = {} ({})", g.value, worse.join(", ")))
                })
            })
            .chain(
                self.tags
                    .iter()
                    .filter(|t| t.regressed)
                    .map(|t| format!("tag {}", t.tag)),
            )
            .collect()
    }

    /// The JSON form (see README, "compare JSON").
    #[must_use]
    pub fn to_json(&self) -> serde_json::Value {
        use serde_json::json;
        let ci = |c: Option<Interval>| c.map(|c| json!([c.lo, c.hi]));
        let a = &self.overall.accuracy;
        // A TPR or FPR before and after, with its group's adjustment.
        let rate = |c: &Change, adjusted: Option<(f64, bool)>| {
            let mut v = json!({
                "count": c.table.n(),
                "before": c.before, "after": c.after, "delta": c.delta,
                "delta_ci": ci(c.delta_ci), "p_value": c.p_value,
            });
            if let Some((p, regressed)) = adjusted {
                v["p_adjusted"] = json!(p);
                v["regressed"] = json!(regressed);
            }
            v
        };
        json!({
            "positive": self.positive,
            "rates": self.rates.as_ref().map(|(tpr, fpr)| json!({
                "tpr": rate(tpr, None), "fpr": rate(fpr, None),
            })),
            "before": self.before,
            "after": self.after,
            "labels": self.labels,
            "paired_by": if self.by_position { "position" } else { "id" },
            "warnings": self.warnings,
            "rows": self.overall.rows,
            "accuracy": {
                "before": a.before, "after": a.after, "delta": a.delta,
                "delta_ci": ci(a.delta_ci), "p_value": a.p_value,
            },
            "flips": {
                "fixed": a.table.fixed,
                "broken": a.table.broken,
                "by_class": self.overall.flips_by_class.iter().map(|(c, f, b)| json!({
                    "class": c, "fixed": f, "broken": b,
                })).collect::<Vec<_>>(),
            },
            "per_class": self.per_class.iter().map(|c| json!({
                "class": c.class, "support": c.support, "before": c.before, "after": c.after,
            })).collect::<Vec<_>>(),
            "tags": self.tags.iter().map(|t| json!({
                "tag": t.tag,
                "before": t.change.before,
                "after": t.change.after,
                "count": t.change.table.n(),
                "fixed": t.change.table.fixed,
                "broken": t.change.table.broken,
                "delta": t.change.delta,
                "delta_ci": ci(t.change.delta_ci),
                "p_value": t.change.p_value,
                "p_adjusted": t.p_adjusted,
                "regressed": t.regressed,
                "expected_lift": t.expected_lift,
                "realised_lift": t.realised_lift,
                "realised_lift_ci": ci(t.realised_lift_ci),
                "exact": t.exact,
                "few_reviewed": t.few_reviewed,
                "verdict": t.verdict,
            })).collect::<Vec<_>>(),
            "alpha": self.alpha,
            "slices": self.slices.iter().map(|(column, groups)| json!({
                "column": column,
                "groups": groups.iter().map(|g| json!({
                    "value": g.value,
                    "count": g.change.table.n(),
                    "before": g.change.before,
                    "after": g.change.after,
                    "delta": g.change.delta,
                    "delta_ci": ci(g.change.delta_ci),
                    "fixed": g.change.table.fixed,
                    "broken": g.change.table.broken,
                    "p_value": g.change.p_value,
                    "p_adjusted": g.p_adjusted,
                    "regressed": g.regressed,
                    "tpr": g.tpr.as_ref().map(|r| rate(&r.change, Some((r.p_adjusted, r.regressed)))),
                    "fpr": g.fpr.as_ref().map(|r| rate(&r.change, Some((r.p_adjusted, r.regressed)))),
                })).collect::<Vec<_>>(),
            })).collect::<Vec<_>>(),
        })
    }

    /// The text form, tables fitted to `width`.
    #[must_use]
    pub fn to_text(&self, width: Option<usize>) -> String {
        self.document().to_text(width)
    }

    /// The Markdown form, for a pull request or a ticket.
    #[must_use]
    pub fn to_markdown(&self) -> String {
        self.document().to_markdown()
    }

    /// How the runs' examples paired up, in one sentence.
    #[must_use]
    pub fn rows_sentence(&self) -> String {
        let r = &self.overall.rows;
        format!(
            "Examples: {} in both{}; {} only in the first run, {} only in the second; {} relabelled (judged on the {} labels)",
            crate::core::render::count(r.matched as u64),
            if self.by_position {
                ", paired by position (no ids)"
            } else {
                ""
            },
            crate::core::render::count(r.only_before as u64),
            crate::core::render::count(r.only_after as u64),
            crate::core::render::count(r.label_changed as u64),
            match self.labels {
                LabelsFrom::Before => "first run's",
                LabelsFrom::After => "second run's",
            }
        )
    }

    /// One tidy CSV, a row per number: `section,key,group,metric,value,ci_low,ci_high`
    /// (sections `overall`, `flips`, `class`, `tag`, `slice`; for slices the
    /// key is the column; for TPR and FPR the metric starts with `tpr_`/`fpr_`).
    #[must_use]
    #[allow(clippy::cast_precision_loss)]
    pub fn to_csv(&self) -> String {
        let mut tidy = Tidy::default();
        let mut add = tidy.adder();
        let change = |add: &mut AddMetric<'_>, prefix: &str, c: &Change| {
            add(&format!("{prefix}count"), Some(c.table.n() as f64), None);
            add(&format!("{prefix}before"), c.before, None);
            add(&format!("{prefix}after"), c.after, None);
            add(&format!("{prefix}delta"), c.delta, c.delta_ci);
            add(&format!("{prefix}fixed"), Some(c.table.fixed as f64), None);
            add(
                &format!("{prefix}broken"),
                Some(c.table.broken as f64),
                None,
            );
            add(&format!("{prefix}p_value"), Some(c.p_value), None);
        };
        let r = &self.overall.rows;
        for (metric, n) in [
            ("rows_before", r.before),
            ("rows_after", r.after),
            ("matched", r.matched),
            ("only_before", r.only_before),
            ("only_after", r.only_after),
            ("label_changed", r.label_changed),
        ] {
            add("overall", "", "", metric, Some(n as f64), None);
        }
        change(
            &mut |m, x, ci| add("overall", "", "", m, x, ci),
            "accuracy_",
            &self.overall.accuracy,
        );
        if let Some((tpr, fpr)) = &self.rates {
            let pos = self.positive.clone().unwrap_or_default();
            change(
                &mut |m, x, ci| add("overall", &pos, "", m, x, ci),
                "tpr_",
                tpr,
            );
            change(
                &mut |m, x, ci| add("overall", &pos, "", m, x, ci),
                "fpr_",
                fpr,
            );
        }
        for (class, fixed, broken) in &self.overall.flips_by_class {
            add("flips", "", class, "fixed", Some(*fixed as f64), None);
            add("flips", "", class, "broken", Some(*broken as f64), None);
        }
        for c in &self.per_class {
            add(
                "class",
                "",
                &c.class,
                "support",
                Some(c.support as f64),
                None,
            );
            for (run, prf) in [("before", c.before), ("after", c.after)] {
                add(
                    "class",
                    "",
                    &c.class,
                    &format!("precision_{run}"),
                    prf.precision,
                    None,
                );
                add(
                    "class",
                    "",
                    &c.class,
                    &format!("recall_{run}"),
                    prf.recall,
                    None,
                );
                add("class", "", &c.class, &format!("f1_{run}"), prf.f1, None);
            }
        }
        for tag in &self.tags {
            change(
                &mut |m, x, ci| add("tag", "", &tag.tag, m, x, ci),
                "",
                &tag.change,
            );
            add(
                "tag",
                "",
                &tag.tag,
                "p_adjusted",
                Some(tag.p_adjusted),
                None,
            );
            add(
                "tag",
                "",
                &tag.tag,
                "regressed",
                Some(f64::from(u8::from(tag.regressed))),
                None,
            );
            add(
                "tag",
                "",
                &tag.tag,
                "expected_lift",
                tag.expected_lift,
                None,
            );
            add(
                "tag",
                "",
                &tag.tag,
                "realised_lift",
                tag.realised_lift,
                tag.realised_lift_ci,
            );
        }
        for (column, groups) in &self.slices {
            for g in groups {
                change(
                    &mut |m, x, ci| add("slice", column, &g.value, m, x, ci),
                    "",
                    &g.change,
                );
                add(
                    "slice",
                    column,
                    &g.value,
                    "p_adjusted",
                    Some(g.p_adjusted),
                    None,
                );
                add(
                    "slice",
                    column,
                    &g.value,
                    "regressed",
                    Some(f64::from(u8::from(g.regressed))),
                    None,
                );
                for (prefix, rate) in [("tpr_", &g.tpr), ("fpr_", &g.fpr)] {
                    if let Some(rate) = rate {
                        change(
                            &mut |m, x, ci| add("slice", column, &g.value, m, x, ci),
                            prefix,
                            &rate.change,
                        );
                        add(
                            "slice",
                            column,
                            &g.value,
                            &format!("{prefix}p_adjusted"),
                            Some(rate.p_adjusted),
                            None,
                        );
                        add(
                            "slice",
                            column,
                            &g.value,
                            &format!("{prefix}regressed"),
                            Some(f64::from(u8::from(rate.regressed))),
                            None,
                        );
                    }
                }
            }
        }
        drop(add);
        tidy.into_csv()
    }

    /// One self-contained HTML page, for a planning meeting or a ticket.
    #[must_use]
    pub fn to_html(&self) -> String {
        self.document().to_html()
    }

    /// What the comparison says, for the text, Markdown and HTML printers.
    #[must_use]
    pub fn document(&self) -> Document {
        use crate::core::render::{count, pct};
        let (pts, ci, p) = (points, points_ci, p_value);
        let a = &self.overall.accuracy;
        let mut doc = Document::new(format!(
            "Slicewise compare: {} → {}",
            self.before, self.after
        ));
        for w in &self.warnings {
            doc.note(w.clone());
        }
        doc.line(self.rows_sentence());
        let change_line = |name: &str, c: &Change| {
            format!(
                "{name}: {} → {}, {} (95% {}), McNemar exact p = {}",
                pct(c.before, 2),
                pct(c.after, 2),
                pts(c.delta),
                ci(c.delta_ci),
                p(c.p_value)
            )
        };
        doc.line(change_line("Accuracy", a));
        if let (Some(pos), Some((tpr, fpr))) = (&self.positive, &self.rates) {
            doc.line(change_line(
                &format!("True positive rate ({pos} positive)"),
                tpr,
            ));
            doc.line(change_line(
                &format!("False positive rate ({pos} positive)"),
                fpr,
            ));
        }
        doc.line(format!(
            "Fixed by the second run: {}; broken: {}",
            count(a.table.fixed),
            count(a.table.broken)
        ));
        if !self.overall.flips_by_class.is_empty() {
            let mut t = Table::new(&["true class", "fixed", "broken", "net"]);
            for (c, f, b) in &self.overall.flips_by_class {
                #[allow(clippy::cast_possible_wrap)]
                let net = *f as i64 - *b as i64;
                t.push(vec![c.clone(), count(*f), count(*b), format!("{net:+}")]);
            }
            doc.heading("Flips per true class");
            doc.table(t);
        }
        let arrow = |b: Option<f64>, a: Option<f64>| format!("{} → {}", pct(b, 1), pct(a, 1));
        let mut t = Table::new(&["class", "support", "precision", "recall", "F1"]);
        for c in &self.per_class {
            t.push(vec![
                c.class.clone(),
                count(c.support),
                arrow(c.before.precision, c.after.precision),
                arrow(c.before.recall, c.after.recall),
                arrow(c.before.f1, c.after.f1),
            ]);
        }
        doc.heading("Per class, before → after");
        doc.table(t);
        if !self.tags.is_empty() {
            let mut t = Table::new(&[
                "tag",
                "count",
                "before",
                "after",
                "fixed",
                "broken",
                "expected lift",
                "realised lift",
                "95% interval",
            ]);
            for tag in &self.tags {
                let c = &tag.change;
                // Few examples: their intervals say how little is known.
                let (before_ci, after_ci) = if tag.few_reviewed {
                    let (b, a) = c.table.before_after_ci();
                    (
                        format!(" {}", crate::core::render::pct_ci(b, 1)),
                        format!(" {}", crate::core::render::pct_ci(a, 1)),
                    )
                } else {
                    (String::new(), String::new())
                };
                t.push(vec![
                    if tag.few_reviewed {
                        format!("{} ({})", tag.tag, crate::core::render::FEW_REVIEWED_MARK)
                    } else {
                        tag.tag.clone()
                    },
                    count(c.table.n()),
                    format!("{}{before_ci}", pct(c.before, 1)),
                    format!("{}{after_ci}", pct(c.after, 1)),
                    count(c.table.fixed),
                    count(c.table.broken),
                    pts(tag.expected_lift),
                    pts(tag.realised_lift),
                    ci(tag.realised_lift_ci),
                ]);
            }
            doc.heading("Tags: did the promised lift appear?");
            // The lines under the table repeat each interval.
            doc.table(t.droppable(&["95% interval", "fixed", "broken"]));
            for tag in &self.tags {
                doc.line(tag.verdict.clone());
            }
        }
        for (column, groups) in &self.slices {
            let order = worst_first(groups);
            let mut t = Table::new(&[
                column.as_str(),
                "count",
                "before",
                "after",
                "change",
                "95% interval",
                "fixed",
                "broken",
                "p",
                "p (Holm)",
                "",
            ]);
            for g in order {
                let c = &g.change;
                t.push(vec![
                    g.value.clone(),
                    count(c.table.n()),
                    pct(c.before, 1),
                    pct(c.after, 1),
                    pts(c.delta),
                    ci(c.delta_ci),
                    count(c.table.fixed),
                    count(c.table.broken),
                    p(c.p_value),
                    p(g.p_adjusted),
                    if g.regressed {
                        "REGRESSED".into()
                    } else {
                        String::new()
                    },
                ]);
            }
            doc.heading(format!("By {column}"));
            doc.table(t.droppable(&["p", "fixed", "broken", "95% interval"]));
            if let Some(pos) = self
                .positive
                .as_ref()
                .filter(|_| groups.iter().any(|g| g.tpr.is_some() || g.fpr.is_some()))
            {
                // One table a rate, so that each fits a terminal whole.
                for (of, rate, name, get) in [
                    ("positives", "true positive rate", "TPR", tpr_of as RateOf),
                    ("negatives", "false positive rate", "FPR", fpr_of),
                ] {
                    doc.heading(format!("By {column}: {rate}s, {pos} positive"));
                    let mut t = Table::new(&[column.as_str(), of, rate, "change", "p (Holm)", ""]);
                    for g in groups {
                        let mut row = vec![g.value.clone()];
                        match get(g) {
                            Some(r) => row.extend([
                                count(r.change.table.n()),
                                arrow(r.change.before, r.change.after),
                                format!("{} {}", pts(r.change.delta), ci(r.change.delta_ci)),
                                p(r.p_adjusted),
                                if r.regressed {
                                    format!("WORSE {name}")
                                } else {
                                    String::new()
                                },
                            ]),
                            None => row.extend(["0".into(), "n/a".into()]),
                        }
                        t.push(row);
                    }
                    doc.table(t.droppable(&[of]));
                }
            }
        }
        doc
    }
}

/// One of a group's rate changes (the true or the false positive rate).
type RateOf = fn(&GroupChange) -> Option<&RateChange>;

fn tpr_of(g: &GroupChange) -> Option<&RateChange> {
    g.tpr.as_ref()
}

fn fpr_of(g: &GroupChange) -> Option<&RateChange> {
    g.fpr.as_ref()
}

/// Adds one metric of one row group to the tidy CSV: (metric, value, interval).
type AddMetric<'a> = dyn FnMut(&str, Option<f64>, Option<Interval>) + 'a;

impl crate::core::render::Printable for CompareReport {
    fn document(&self) -> Document {
        CompareReport::document(self)
    }

    fn tidy_csv(&self) -> String {
        self.to_csv()
    }

    fn write_json(&self, out: &mut dyn std::io::Write) -> std::io::Result<()> {
        crate::core::render::write_pretty_json(&self.to_json(), out)
    }
}

impl CompareReport {
    /// The comparison as a section of `slicewise report` (`--compare
    /// AFTER`): the realised lift of every tag beside the one the table
    /// expected, then what `compare` says; the JSON under `comparison`.
    #[must_use]
    pub fn report_section(&self) -> crate::core::render::Section {
        use crate::core::render::chart::{Bar, Chart, Unit};
        let mut doc = Document::new("");
        doc.heading(format!("Compared with the second run: {}", self.after));
        let bars: Vec<Bar> = self
            .tags
            .iter()
            .filter(|t| t.realised_lift.is_some() || t.expected_lift.is_some())
            .map(|t| Bar {
                name: t.tag.clone(),
                value: t.realised_lift,
                ci: t.realised_lift_ci.map(|i| (i.lo, i.hi)),
                flag: t.regressed.then(|| "regressed".to_string()),
                note: Some(format!("expected {}", points(t.expected_lift))),
            })
            .collect();
        if !bars.is_empty() {
            doc.chart(Chart::Bars {
                title: "Realised accuracy lift per tag (95% intervals), beside the lift the table expected".into(),
                unit: Unit::Points,
                bars,
                reference: None,
            });
        }
        doc.blocks.extend(self.document().blocks);
        crate::core::render::Section {
            blocks: doc.blocks,
            key: "comparison",
            json: self.to_json(),
            csv: self.to_csv(),
        }
    }
}
