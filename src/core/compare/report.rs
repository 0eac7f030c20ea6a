//! A comparison of two runs as `slicewise compare` prints it: text,
//! Markdown, JSON.

use serde::Serialize;

use super::{
    ClassChange, GroupChange, Joined, LabelsFrom, Overall, TagChange, class_changes, join, overall,
    slice_changes, tag_changes,
};
use crate::core::dataset::Dataset;
use crate::core::slices::SliceKey;
use crate::core::stats::Interval;
use crate::core::tags::ReviewState;

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
}

impl CompareReport {
    /// Builds the comparison, slicing by the first run's columns `by`
    /// (each entry one column or an intersection).
    ///
    /// # Errors
    /// When the runs cannot be joined or a slice column is unknown.
    pub fn build(
        before: &Dataset,
        state: Option<&ReviewState>,
        after: &Dataset,
        labels: LabelsFrom,
        by: &[Vec<String>],
        alpha: f64,
    ) -> Result<Self, Box<dyn std::error::Error + Send + Sync>> {
        let joined = join(before, after, labels)?;
        Self::from_joined(
            before,
            state,
            &joined,
            &after.source.path.display().to_string(),
            by,
            alpha,
        )
    }

    /// Builds the comparison from a join already made (`after` names the
    /// second run's file).
    ///
    /// # Errors
    /// When a slice column is unknown.
    pub fn from_joined(
        before: &Dataset,
        state: Option<&ReviewState>,
        joined: &Joined,
        after: &str,
        by: &[Vec<String>],
        alpha: f64,
    ) -> Result<Self, Box<dyn std::error::Error + Send + Sync>> {
        let mut slices = Vec::new();
        for columns in by {
            let key = SliceKey::new(before, columns)?;
            slices.push((key.name(), slice_changes(joined, &key, alpha)));
        }
        Ok(Self {
            before: before.source.path.display().to_string(),
            after: after.to_string(),
            labels: joined.labels,
            by_position: joined.by_position,
            overall: overall(joined),
            per_class: class_changes(joined),
            tags: state.map_or_else(Vec::new, |s| tag_changes(before, s, joined, alpha)),
            slices,
            alpha,
        })
    }

    /// The slice groups and tags that regressed significantly, as
    /// "column = value" and "tag NAME".
    #[must_use]
    pub fn regressions(&self) -> Vec<String> {
        self.slices
            .iter()
            .flat_map(|(column, groups)| {
                groups
                    .iter()
                    .filter(|g| g.regressed)
                    .map(move |g| format!("{column} = {}", g.value))
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
        json!({
            "before": self.before,
            "after": self.after,
            "labels": self.labels,
            "paired_by": if self.by_position { "position" } else { "id" },
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
                })).collect::<Vec<_>>(),
            })).collect::<Vec<_>>(),
        })
    }

    /// The text form, tables fitted to `width`.
    #[must_use]
    pub fn to_text(&self, width: Option<usize>) -> String {
        self.render(
            &|t: &crate::core::render::Table| t.to_text_width(width).0,
            &|h: &str| format!("== {h} ==\n"),
            "Slicewise compare",
        )
    }

    /// The Markdown form, for a pull request or a ticket.
    #[must_use]
    pub fn to_markdown(&self) -> String {
        self.render(
            &|t: &crate::core::render::Table| t.to_markdown(),
            &|h: &str| format!("### {h}\n\n"),
            "## Slicewise compare",
        )
    }

    fn render(
        &self,
        table: &dyn Fn(&crate::core::render::Table) -> String,
        heading: &dyn Fn(&str) -> String,
        title: &str,
    ) -> String {
        use crate::core::render::{Table, count, pct};
        use std::fmt::Write as _;
        let pts =
            |d: Option<f64>| d.map_or_else(|| "n/a".into(), |d| format!("{:+.2} pt", d * 100.0));
        let ci = |c: Option<Interval>| {
            c.map_or_else(String::new, |c| {
                format!("[{:+.2}, {:+.2}]", c.lo * 100.0, c.hi * 100.0)
            })
        };
        let p = |p: f64| {
            if p < 1e-4 {
                format!("{p:.1e}")
            } else {
                format!("{p:.4}")
            }
        };
        let mut out = String::new();
        let r = &self.overall.rows;
        let a = &self.overall.accuracy;
        let _ = writeln!(out, "{title}: {} → {}\n", self.before, self.after);
        // Markdown joins lines into one paragraph unless they end in two spaces.
        let br = if title.starts_with('#') { "  " } else { "" };
        let _ = writeln!(
            out,
            "Examples: {} in both{}; {} only in the first run, {} only in the second; {} relabelled (judged on the {} labels){br}",
            count(r.matched as u64),
            if self.by_position {
                ", paired by position (no ids)"
            } else {
                ""
            },
            count(r.only_before as u64),
            count(r.only_after as u64),
            count(r.label_changed as u64),
            match self.labels {
                LabelsFrom::Before => "first run's",
                LabelsFrom::After => "second run's",
            }
        );
        let _ = writeln!(
            out,
            "Accuracy: {} → {}, {} (95% {}), McNemar exact p = {}{br}",
            pct(a.before, 2),
            pct(a.after, 2),
            pts(a.delta),
            ci(a.delta_ci),
            p(a.p_value)
        );
        let _ = writeln!(
            out,
            "Fixed by the second run: {}; broken: {}\n",
            count(a.table.fixed),
            count(a.table.broken)
        );
        let mut t = Table::new(&["true class", "fixed", "broken", "net"]);
        for (c, f, b) in &self.overall.flips_by_class {
            #[allow(clippy::cast_possible_wrap)]
            let net = *f as i64 - *b as i64;
            t.push(vec![c.clone(), count(*f), count(*b), format!("{net:+}")]);
        }
        let _ = writeln!(out, "{}{}", heading("Flips per true class"), table(&t));
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
        let _ = writeln!(out, "{}{}", heading("Per class, before → after"), table(&t));
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
                t.push(vec![
                    tag.tag.clone(),
                    count(c.table.n()),
                    pct(c.before, 1),
                    pct(c.after, 1),
                    count(c.table.fixed),
                    count(c.table.broken),
                    pts(tag.expected_lift),
                    pts(tag.realised_lift),
                    ci(tag.realised_lift_ci),
                ]);
            }
            let _ = writeln!(
                out,
                "{}{}",
                heading("Tags: did the promised lift appear?"),
                table(&t)
            );
            for tag in &self.tags {
                let _ = writeln!(out, "{}", tag.verdict);
            }
            out.push('\n');
        }
        for (column, groups) in &self.slices {
            let mut order: Vec<&GroupChange> = groups.iter().collect();
            // Regressions first, then by the change, worst first.
            order.sort_by(|x, y| {
                y.regressed.cmp(&x.regressed).then(
                    x.change
                        .delta
                        .unwrap_or(0.0)
                        .total_cmp(&y.change.delta.unwrap_or(0.0)),
                )
            });
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
            let _ = writeln!(out, "{}{}", heading(&format!("By {column}")), table(&t));
        }
        out
    }
}
