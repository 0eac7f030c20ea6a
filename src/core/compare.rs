//! Two runs of a model on the same examples, joined by id: what changed
//! overall, per true class and per slice group, with paired statistics.
//! (The first part of comparing runs; tags, the command and the view build
//! on it.)

use rustc_hash::FxHashMap;
use serde::Serialize;

use super::dataset::{Dataset, Ids};
use super::paired::{PairedTable, holm};
use super::slices::SliceKey;
use super::stats::Interval;
use super::tags::ReviewState;

/// Which run's true labels count when a shared example was relabelled.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum LabelsFrom {
    /// The first run's labels.
    Before,
    /// The second run's labels (the default: relabelling is usually a fix).
    #[default]
    After,
}

/// Why two runs cannot be compared.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CompareError {
    /// No example is in both runs.
    #[error(
        "No example of {before} is in {after}: the ids do not overlap (first ids: {} in the first run, {} in the second). Check the id columns (--id, --id-after)",
        .first_before.join(", "), .first_after.join(", ")
    )]
    NoOverlap {
        /// The first file.
        before: String,
        /// The second file.
        after: String,
        /// Three ids of the first run.
        first_before: Vec<String>,
        /// Three ids of the second run.
        first_after: Vec<String>,
    },
    /// Without ids, rows are paired by position only when the counts agree.
    #[error(
        "A run without an id column can only be paired by position, but the runs have different row counts ({before} and {after}). Add an id column to both, or name it with --id / --id-after"
    )]
    NoIds {
        /// Rows of the first run.
        before: usize,
        /// Rows of the second run.
        after: usize,
    },
}

/// The rows of two runs and how they pair up.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct RowCounts {
    /// Rows of the first run.
    pub before: usize,
    /// Rows of the second run.
    pub after: usize,
    /// Examples in both.
    pub matched: usize,
    /// Examples only in the first run.
    pub only_before: usize,
    /// Examples only in the second run.
    pub only_after: usize,
    /// Shared examples whose true label differs between the runs.
    pub label_changed: usize,
}

/// Two runs joined: pairs of rows (first run, second run) and whether each
/// example was right in each run, judged on one set of labels.
#[derive(Debug, Clone)]
pub struct Joined {
    /// (row in the first run, row in the second run), in the first run's order.
    pub pairs: Vec<(u32, u32)>,
    /// Right before, per pair.
    pub right_before: Vec<bool>,
    /// Right after, per pair.
    pub right_after: Vec<bool>,
    /// The class names of both runs together (the first run's, then the
    /// second run's new ones).
    pub classes: Vec<String>,
    /// The true class of each pair (a code into `classes`, from the labels
    /// that count).
    pub truth: Vec<u32>,
    /// The first run's prediction per pair (a code into `classes`).
    pub pred_before: Vec<u32>,
    /// The second run's prediction per pair (a code into `classes`).
    pub pred_after: Vec<u32>,
    /// How the rows paired up.
    pub rows: RowCounts,
    /// Whether rows were paired by position (no ids).
    pub by_position: bool,
}

fn first_ids(ids: &Ids, n: usize) -> Vec<String> {
    (0..n.min(3)).map(|r| ids.key(r).into_owned()).collect()
}

/// Pairs the examples of two runs by id (a hash join, O(rows)); without ids
/// in either run, by position when both have the same number of rows.
///
/// # Errors
/// When no example is shared, or rows cannot be paired.
pub fn join(before: &Dataset, after: &Dataset, labels: LabelsFrom) -> Result<Joined, CompareError> {
    let (nb, na) = (before.rows(), after.rows());
    let by_position = matches!(before.ids, Ids::RowNumber) || matches!(after.ids, Ids::RowNumber);
    let mut pairs: Vec<(u32, u32)> = Vec::with_capacity(nb.min(na));
    if by_position {
        if nb != na {
            return Err(CompareError::NoIds {
                before: nb,
                after: na,
            });
        }
        pairs.extend(
            (0..nb)
                .filter_map(|r| u32::try_from(r).ok())
                .map(|r| (r, r)),
        );
    } else if let (Ids::Int(ib), Ids::Int(ia)) = (&before.ids, &after.ids) {
        // Whole-number ids: hash the numbers, not their text.
        let mut index: FxHashMap<i64, u32> = FxHashMap::default();
        index.reserve(na);
        for (r, &id) in ia.iter().enumerate() {
            if let Ok(r32) = u32::try_from(r) {
                index.insert(id, r32);
            }
        }
        for (r, id) in ib.iter().enumerate() {
            if let (Some(&a), Ok(b)) = (index.get(id), u32::try_from(r)) {
                pairs.push((b, a));
            }
        }
    } else {
        let mut index: FxHashMap<std::borrow::Cow<'_, str>, u32> = FxHashMap::default();
        index.reserve(na);
        for r in 0..na {
            if let Ok(r32) = u32::try_from(r) {
                index.insert(after.ids.key(r), r32);
            }
        }
        for r in 0..nb {
            if let (Some(&a), Ok(b)) = (index.get(before.ids.key(r).as_ref()), u32::try_from(r)) {
                pairs.push((b, a));
            }
        }
    }
    if pairs.is_empty() {
        return Err(CompareError::NoOverlap {
            before: before.source.path.display().to_string(),
            after: after.source.path.display().to_string(),
            first_before: first_ids(&before.ids, nb),
            first_after: first_ids(&after.ids, na),
        });
    }
    // One class dictionary for both runs: the second run's codes mapped.
    let mut classes = before.classes.clone();
    let mut code_of: FxHashMap<&str, u32> = before
        .classes
        .iter()
        .enumerate()
        .filter_map(|(i, c)| Some((c.as_str(), u32::try_from(i).ok()?)))
        .collect();
    let mut after_code = Vec::with_capacity(after.classes.len());
    for c in &after.classes {
        let code = match code_of.get(c.as_str()) {
            Some(&code) => code,
            None => {
                let code = u32::try_from(classes.len()).unwrap_or(u32::MAX);
                classes.push(c.clone());
                code_of.insert(c.as_str(), code);
                code
            }
        };
        after_code.push(code);
    }
    let n = pairs.len();
    let mut label_changed = 0;
    let mut right_before = Vec::with_capacity(n);
    let mut right_after = Vec::with_capacity(n);
    let mut truth = Vec::with_capacity(n);
    let mut pred_before = Vec::with_capacity(n);
    let mut pred_after = Vec::with_capacity(n);
    for &(b, a) in &pairs {
        let (b, a) = (b as usize, a as usize);
        let (lb, la) = (before.label[b], after_code[after.label[a] as usize]);
        if lb != la {
            label_changed += 1;
        }
        let label = match labels {
            LabelsFrom::Before => lb,
            LabelsFrom::After => la,
        };
        let (pb, pa) = (before.pred[b], after_code[after.pred[a] as usize]);
        right_before.push(pb == label);
        right_after.push(pa == label);
        truth.push(label);
        pred_before.push(pb);
        pred_after.push(pa);
    }
    let matched = pairs.len();
    Ok(Joined {
        rows: RowCounts {
            before: nb,
            after: na,
            matched,
            only_before: nb - matched,
            only_after: na - matched,
            label_changed,
        },
        pairs,
        right_before,
        right_after,
        classes,
        truth,
        pred_before,
        pred_after,
        by_position,
    })
}

/// The paired change of one set of examples.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Change {
    /// The paired 2×2 table.
    pub table: PairedTable,
    /// Accuracy before.
    pub before: Option<f64>,
    /// Accuracy after.
    pub after: Option<f64>,
    /// After − before.
    pub delta: Option<f64>,
    /// Newcombe's 95% interval of the change.
    pub delta_ci: Option<Interval>,
    /// McNemar's exact p-value.
    pub p_value: f64,
}

impl Change {
    /// The change of a paired table.
    #[must_use]
    pub fn of(table: PairedTable) -> Self {
        Self {
            before: table.before(),
            after: table.after(),
            delta: table.delta(),
            delta_ci: table.delta_ci(),
            p_value: table.mcnemar_exact(),
            table,
        }
    }
}

/// One group of a slice column, before and after.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct GroupChange {
    /// The group's value.
    pub value: String,
    /// The change inside it.
    pub change: Change,
    /// Holm-adjusted p-value across the column's groups.
    pub p_adjusted: f64,
    /// Accuracy dropped and the adjusted p-value is below alpha.
    pub regressed: bool,
}

/// The paired change of every group of one slice column of the first run
/// (`key` is built on it; groups in label order, empty ones left out), with
/// Holm's adjustment across them.
#[must_use]
pub fn slice_changes(joined: &Joined, key: &SliceKey<'_>, alpha: f64) -> Vec<GroupChange> {
    let mut tables = vec![PairedTable::default(); key.cells()];
    for (i, &(b, _)) in joined.pairs.iter().enumerate() {
        tables[key.cell(b as usize)].add(joined.right_before[i], joined.right_after[i]);
    }
    let kept: Vec<(usize, PairedTable)> = tables
        .into_iter()
        .enumerate()
        .filter(|(_, t)| t.n() > 0)
        .collect();
    let changes: Vec<Change> = kept.iter().map(|&(_, t)| Change::of(t)).collect();
    let p: Vec<f64> = changes.iter().map(|c| c.p_value).collect();
    let adjusted = holm(&p);
    kept.iter()
        .zip(changes)
        .zip(adjusted)
        .map(|((&(cell, _), change), p_adjusted)| GroupChange {
            value: key.values(cell).join(" & "),
            regressed: change.delta.is_some_and(|d| d < 0.0) && p_adjusted < alpha,
            change,
            p_adjusted,
        })
        .collect()
}

/// The whole change: overall, and fixed/broken per true class.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Overall {
    /// How the rows paired.
    pub rows: RowCounts,
    /// Overall accuracy before → after.
    pub accuracy: Change,
    /// (true class, fixed, broken), classes by name.
    pub flips_by_class: Vec<(String, u64, u64)>,
}

/// The overall change of a join.
#[must_use]
pub fn overall(joined: &Joined) -> Overall {
    let mut table = PairedTable::default();
    let mut by_class: std::collections::BTreeMap<&str, (u64, u64)> =
        std::collections::BTreeMap::new();
    for i in 0..joined.pairs.len() {
        let (b, a) = (joined.right_before[i], joined.right_after[i]);
        table.add(b, a);
        if b != a {
            let e = by_class
                .entry(joined.classes[joined.truth[i] as usize].as_str())
                .or_default();
            if a {
                e.0 += 1;
            } else {
                e.1 += 1;
            }
        }
    }
    Overall {
        rows: joined.rows.clone(),
        accuracy: Change::of(table),
        flips_by_class: by_class
            .into_iter()
            .map(|(c, (f, b))| (c.to_string(), f, b))
            .collect(),
    }
}

/// Precision, recall and F1 of one class (sklearn's definitions; `None`
/// where the denominator is 0, as `zero_division=np.nan`).
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Prf {
    /// TP / (TP + FP).
    pub precision: Option<f64>,
    /// TP / (TP + FN).
    pub recall: Option<f64>,
    /// 2 TP / (2 TP + FP + FN).
    pub f1: Option<f64>,
}

impl Prf {
    fn of(tp: u64, fp: u64, fn_: u64) -> Self {
        use super::stats::ratio_u;
        Self {
            precision: ratio_u(tp, tp + fp),
            recall: ratio_u(tp, tp + fn_),
            f1: ratio_u(2 * tp, 2 * tp + fp + fn_),
        }
    }
}

/// One class before and after, on the shared examples.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ClassChange {
    /// The class.
    pub class: String,
    /// True examples of the class (shared examples, labels that count).
    pub support: u64,
    /// The first run.
    pub before: Prf,
    /// The second run.
    pub after: Prf,
}

/// Precision, recall and F1 per class before and after (classes that are a
/// label or a prediction of either run on the shared examples).
#[must_use]
pub fn class_changes(joined: &Joined) -> Vec<ClassChange> {
    let k = joined.classes.len();
    // [tp, fp, fn] per class, per run.
    let mut counts = vec![[0u64; 6]; k];
    let mut support = vec![0u64; k];
    for i in 0..joined.truth.len() {
        let t = joined.truth[i] as usize;
        support[t] += 1;
        for (run, p) in [joined.pred_before[i], joined.pred_after[i]]
            .into_iter()
            .enumerate()
        {
            let p = p as usize;
            if p == t {
                counts[t][run * 3] += 1;
            } else {
                counts[p][run * 3 + 1] += 1;
                counts[t][run * 3 + 2] += 1;
            }
        }
    }
    let mut out: Vec<ClassChange> = (0..k)
        .filter(|&c| support[c] > 0 || counts[c].iter().any(|&n| n > 0))
        .map(|c| {
            let n = counts[c];
            ClassChange {
                class: joined.classes[c].clone(),
                support: support[c],
                before: Prf::of(n[0], n[1], n[2]),
                after: Prf::of(n[3], n[4], n[5]),
            }
        })
        .collect();
    out.sort_by(|a, b| a.class.cmp(&b.class));
    out
}

/// One tag of the first run's session, before and after: did the promised
/// lift appear?
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct TagChange {
    /// The tag.
    pub tag: String,
    /// Accuracy inside the tag's shared examples, before and after.
    pub change: Change,
    /// The lift the prioritisation table promised (gap × share of data).
    pub expected_lift: Option<f64>,
    /// What the tag's examples added to overall accuracy:
    /// (fixed − broken) in the tag / shared examples.
    pub realised_lift: Option<f64>,
    /// Whether the tag's rows are all known (rule tags, fully reviewed);
    /// else only the tagged examples of a review sample are counted.
    pub exact: bool,
    /// "car noise: expected +0.16 pt, realised +0.11 pt".
    pub verdict: String,
}

/// Every tag of the first run's session, before and after (rule tags as
/// the first run's rows match them, manual tags on the same ids).
#[must_use]
#[allow(clippy::cast_precision_loss)]
pub fn tag_changes(before: &Dataset, state: &ReviewState, joined: &Joined) -> Vec<TagChange> {
    let rows = crate::core::priority::prioritise(before, state);
    let matched = joined.pairs.len() as f64;
    rows.iter()
        .filter_map(|row| {
            let tag = state.tag(row.id)?;
            let mut table = PairedTable::default();
            for (i, &(b, _)) in joined.pairs.iter().enumerate() {
                if tag.members.get(b as usize) {
                    table.add(joined.right_before[i], joined.right_after[i]);
                }
            }
            let realised =
                (matched > 0.0).then(|| (table.fixed as f64 - table.broken as f64) / matched);
            let expected = row.expected_lift.value;
            let pts = |v: Option<f64>| {
                v.map_or_else(|| "n/a".into(), |v| format!("{:+.2} pt", v * 100.0))
            };
            let mut verdict = format!(
                "{}: expected {}, realised {}",
                row.tag,
                pts(expected),
                pts(realised)
            );
            if !row.exact {
                verdict.push_str(" (tagged examples of a review sample only)");
            }
            Some(TagChange {
                tag: row.tag.clone(),
                change: Change::of(table),
                expected_lift: expected,
                realised_lift: realised,
                exact: row.exact,
                verdict,
            })
        })
        .collect()
}

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
        let mut slices = Vec::new();
        for columns in by {
            let key = SliceKey::new(before, columns)?;
            slices.push((key.name(), slice_changes(&joined, &key, alpha)));
        }
        Ok(Self {
            before: before.source.path.display().to_string(),
            after: after.source.path.display().to_string(),
            labels,
            by_position: joined.by_position,
            overall: overall(&joined),
            per_class: class_changes(&joined),
            tags: state.map_or_else(Vec::new, |s| tag_changes(before, s, &joined)),
            slices,
            alpha,
        })
    }

    /// The groups that regressed significantly, as "column = value".
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
                "expected_lift": t.expected_lift,
                "realised_lift": t.realised_lift,
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
            &|t: &super::render::Table| t.to_text_width(width).0,
            &|h: &str| format!("== {h} ==\n"),
            "Slicewise compare",
        )
    }

    /// The Markdown form, for a pull request or a ticket.
    #[must_use]
    pub fn to_markdown(&self) -> String {
        self.render(
            &|t: &super::render::Table| t.to_markdown(),
            &|h: &str| format!("### {h}\n\n"),
            "## Slicewise compare",
        )
    }

    fn render(
        &self,
        table: &dyn Fn(&super::render::Table) -> String,
        heading: &dyn Fn(&str) -> String,
        title: &str,
    ) -> String {
        use super::render::{Table, count, pct};
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
