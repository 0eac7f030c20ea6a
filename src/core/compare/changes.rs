//! What changed between two joined runs: overall, per true class, per slice
//! group and per tag, with paired statistics.

use serde::Serialize;

use super::{Joined, RowCounts};
use crate::core::dataset::Dataset;
use crate::core::paired::{PairedTable, holm};
use crate::core::slices::SliceKey;
use crate::core::stats::{Interval, ratio_u, wilson};
use crate::core::tags::Annotations;

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

/// A one-vs-rest rate of one group before and after: the true positive
/// rate (among the positive class's examples) or the false positive rate
/// (among the others). The paired table counts "predicted positive".
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct RateChange {
    /// The paired change of "predicted positive".
    pub change: Change,
    /// Holm-adjusted p-value across the column's groups.
    pub p_adjusted: f64,
    /// Worse and significant: TPR fell, or FPR rose, with the adjusted
    /// p-value below alpha.
    pub regressed: bool,
}

/// One group of a slice column, before and after.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct GroupChange {
    /// The group's value ("a & b" for an intersection).
    pub value: String,
    /// (column, value) for each column of the group.
    #[serde(skip)]
    pub values: Vec<(String, String)>,
    /// The change inside it.
    pub change: Change,
    /// Holm-adjusted p-value across the column's groups.
    pub p_adjusted: f64,
    /// Accuracy dropped and the adjusted p-value is below alpha.
    pub regressed: bool,
    /// With a positive class: the true positive rate before and after.
    pub tpr: Option<RateChange>,
    /// With a positive class: the false positive rate before and after.
    pub fpr: Option<RateChange>,
}

impl GroupChange {
    /// Whether accuracy, TPR or FPR got significantly worse.
    #[must_use]
    pub fn any_regression(&self) -> Vec<&'static str> {
        let mut out = Vec::new();
        if self.regressed {
            out.push("accuracy");
        }
        if self.tpr.as_ref().is_some_and(|r| r.regressed) {
            out.push("TPR");
        }
        if self.fpr.as_ref().is_some_and(|r| r.regressed) {
            out.push("FPR");
        }
        out
    }
}

/// Holm-adjusted changes of per-cell tables (empty cells left out):
/// (cell, change, adjusted p).
fn adjusted(tables: Vec<PairedTable>) -> Vec<(usize, Change, f64)> {
    let kept: Vec<(usize, PairedTable)> = tables
        .into_iter()
        .enumerate()
        .filter(|(_, t)| t.n() > 0)
        .collect();
    let changes: Vec<Change> = kept.iter().map(|&(_, t)| Change::of(t)).collect();
    let p: Vec<f64> = changes.iter().map(|c| c.p_value).collect();
    kept.iter()
        .zip(changes)
        .zip(holm(&p))
        .map(|((&(cell, _), change), p)| (cell, change, p))
        .collect()
}

/// The paired change of every group of one slice column of the first run
/// (`key` is built on it; groups in label order, empty ones left out), with
/// Holm's adjustment across them. With a `positive` class code (of the
/// join's classes), also each group's TPR and FPR, each adjusted across
/// groups on its own.
#[must_use]
pub fn slice_changes(
    joined: &Joined,
    key: &SliceKey<'_>,
    alpha: f64,
    positive: Option<u32>,
) -> Vec<GroupChange> {
    let cells = key.cells();
    let rated = if positive.is_some() { cells } else { 0 };
    // Per cell: accuracy, and TPR and FPR with a positive class; counted
    // in parts on all cores (whole numbers: the same at any thread count).
    let (tables, tpr, fpr) = crate::core::stats::fold_ranges(
        joined.pairs.len(),
        (cells + 2 * rated).saturating_mul(std::mem::size_of::<PairedTable>()),
        || {
            (
                vec![PairedTable::default(); cells],
                vec![PairedTable::default(); rated],
                vec![PairedTable::default(); rated],
            )
        },
        |(tables, tpr, fpr), range| {
            for i in range {
                let cell = key.cell(joined.pairs[i].0 as usize);
                tables[cell].add(joined.right_before[i], joined.right_after[i]);
                if let Some(pos) = positive {
                    let said = (joined.pred_before[i] == pos, joined.pred_after[i] == pos);
                    let rates = if joined.truth[i] == pos {
                        &mut *tpr
                    } else {
                        &mut *fpr
                    };
                    rates[cell].add(said.0, said.1);
                }
            }
        },
        |(tables, tpr, fpr), (t, p, f)| {
            for (all, more) in [(tables, t), (tpr, p), (fpr, f)] {
                for (a, m) in all.iter_mut().zip(more) {
                    a.absorb(m);
                }
            }
        },
    );
    let rate = |tables: Vec<PairedTable>, worse: fn(f64) -> bool| {
        let mut by_cell: Vec<Option<RateChange>> = vec![None; cells];
        for (cell, change, p_adjusted) in adjusted(tables) {
            by_cell[cell] = Some(RateChange {
                regressed: change.delta.is_some_and(worse) && p_adjusted < alpha,
                change,
                p_adjusted,
            });
        }
        by_cell
    };
    let (mut tpr, mut fpr) = if positive.is_some() {
        (rate(tpr, |d| d < 0.0), rate(fpr, |d| d > 0.0))
    } else {
        (vec![None; cells], vec![None; cells])
    };
    adjusted(tables)
        .into_iter()
        .map(|(cell, change, p_adjusted)| GroupChange {
            value: key.cell_name(cell),
            values: key
                .columns
                .iter()
                .zip(key.values(cell))
                .map(|(c, v)| (c.clone(), v))
                .collect(),
            regressed: change.delta.is_some_and(|d| d < 0.0) && p_adjusted < alpha,
            change,
            p_adjusted,
            tpr: tpr[cell].take(),
            fpr: fpr[cell].take(),
        })
        .collect()
}

/// A column's groups in the order to read them: regressions first, then by
/// the change in accuracy, largest drop first.
#[must_use]
pub fn worst_first(groups: &[GroupChange]) -> Vec<&GroupChange> {
    let mut order: Vec<&GroupChange> = groups.iter().collect();
    order.sort_by(|x, y| {
        y.regressed.cmp(&x.regressed).then(
            x.change
                .delta
                .unwrap_or(0.0)
                .total_cmp(&y.change.delta.unwrap_or(0.0)),
        )
    });
    order
}

/// Overall TPR and FPR before and after for a positive class code.
#[must_use]
pub fn rate_changes(joined: &Joined, positive: u32) -> (Change, Change) {
    let (mut tpr, mut fpr) = (PairedTable::default(), PairedTable::default());
    for i in 0..joined.pairs.len() {
        let (b, a) = (
            joined.pred_before[i] == positive,
            joined.pred_after[i] == positive,
        );
        if joined.truth[i] == positive {
            tpr.add(b, a);
        } else {
            fpr.add(b, a);
        }
    }
    (Change::of(tpr), Change::of(fpr))
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
    // The paired table, and per true class its fixed and broken examples,
    // counted in parts on all cores.
    let k = joined.classes.len();
    let (table, flips) = crate::core::stats::fold_ranges(
        joined.pairs.len(),
        k.saturating_mul(16),
        || (PairedTable::default(), vec![[0u64; 2]; k]),
        |(table, flips), range| {
            for i in range {
                let (b, a) = (joined.right_before[i], joined.right_after[i]);
                table.add(b, a);
                if b != a {
                    // [fixed, broken]
                    flips[joined.truth[i] as usize][usize::from(!a)] += 1;
                }
            }
        },
        |(table, flips), (t, f)| {
            table.absorb(t);
            crate::core::stats::add_counts(flips, &f);
        },
    );
    let by_class: std::collections::BTreeMap<&str, (u64, u64)> = flips
        .into_iter()
        .enumerate()
        .filter(|(_, [f, b])| f + b > 0)
        .map(|(c, [f, b])| (joined.classes[c].as_str(), (f, b)))
        .collect();
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
    // [tp, fp, fn] per class, per run, then the support; counted in parts
    // on all cores.
    let counts = crate::core::stats::fold_ranges(
        joined.truth.len(),
        k.saturating_mul(56),
        || vec![[0u64; 7]; k],
        |counts, range| {
            for i in range {
                let t = joined.truth[i] as usize;
                counts[t][6] += 1;
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
        },
        |counts, more| crate::core::stats::add_counts(counts, &more),
    );
    let mut out: Vec<ClassChange> = (0..k)
        .filter(|&c| counts[c].iter().any(|&n| n > 0))
        .map(|c| {
            let n = counts[c];
            ClassChange {
                class: joined.classes[c].clone(),
                support: n[6],
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
    /// (fixed − broken) in the tag / shared examples (extrapolated from a
    /// review sample for manual tags; see [`tag_changes`]).
    pub realised_lift: Option<f64>,
    /// Its 95% interval.
    pub realised_lift_ci: Option<Interval>,
    /// Holm-adjusted p-value across the session's tags.
    pub p_adjusted: f64,
    /// Accuracy inside the tag dropped and the adjusted p-value is below
    /// alpha.
    pub regressed: bool,
    /// Whether the tag's rows are all known (rule tags, fully reviewed);
    /// else only the tagged examples of a review sample are counted.
    pub exact: bool,
    /// Whether its accuracies rest on fewer than
    /// [`crate::core::priority::FEW_REVIEWED`] shared examples of a review
    /// sample: "0.0% → 0.0%" from two examples is no finding.
    pub few_reviewed: bool,
    /// "car noise: expected +0.16 pt, realised +0.11 pt".
    pub verdict: String,
}

/// Every tag of the first run's session, before and after (rule tags as
/// the first run's rows match them, manual tags on the same ids), with
/// Holm's adjustment across tags.
///
/// The realised lift is what the tag's examples added to overall accuracy,
/// (fixed − broken) / shared examples. For a tag whose rows are all known
/// (a rule tag, or every row reviewed) it is counted, and its interval is
/// Newcombe's interval of the change inside the tag times the tag's share of
/// the shared examples. For a manual tag on a review sample it is
/// extrapolated as the prioritisation table does, stratified by the first
/// run's correctness: fixed examples can only be first-run errors, so their
/// number is (errors) × (tagged fixed / reviewed errors); broken ones only
/// first-run correct examples, (correct) × (tagged broken / reviewed
/// correct). The interval combines the two Wilson intervals at their
/// extremes. Without reviewed correct examples the broken part is unknown,
/// and so is the realised lift.
#[must_use]
#[allow(clippy::cast_precision_loss, clippy::too_many_lines)]
pub fn tag_changes(
    before: &Dataset,
    state: &Annotations,
    joined: &Joined,
    alpha: f64,
) -> Vec<TagChange> {
    let rows = crate::core::priority::prioritise(before, state);
    let matched = joined.pairs.len() as f64;
    // The strata of the shared examples: first-run errors and correct ones,
    // and how many of each were reviewed.
    let (mut errors, mut reviewed_errors, mut reviewed_correct) = (0u64, 0u64, 0u64);
    for (i, &(b, _)) in joined.pairs.iter().enumerate() {
        let reviewed = state.is_reviewed(b as usize);
        if joined.right_before[i] {
            reviewed_correct += u64::from(reviewed);
        } else {
            errors += 1;
            reviewed_errors += u64::from(reviewed);
        }
    }
    let correct = joined.pairs.len() as u64 - errors;
    let pts = crate::core::render::points;
    let mut out: Vec<TagChange> = rows
        .iter()
        .filter_map(|row| {
            let tag = state.tag(row.id)?;
            let mut table = PairedTable::default();
            // Tagged and reviewed: fixed among errors, broken among correct.
            let (mut fixed_reviewed, mut broken_reviewed) = (0u64, 0u64);
            for (i, &(b, _)) in joined.pairs.iter().enumerate() {
                if tag.members.get(b as usize) {
                    let (rb, ra) = (joined.right_before[i], joined.right_after[i]);
                    table.add(rb, ra);
                    if state.is_reviewed(b as usize) {
                        fixed_reviewed += u64::from(!rb && ra);
                        broken_reviewed += u64::from(rb && !ra);
                    }
                }
            }
            let change = Change::of(table);
            let expected = row.expected_lift.value;
            let (realised, realised_ci, how) = if matched == 0.0 {
                (None, None, String::new())
            } else if row.exact {
                let share = table.n() as f64 / matched;
                (
                    Some((table.fixed as f64 - table.broken as f64) / matched),
                    change
                        .delta_ci
                        .map(|c| Interval::new(c.lo * share, c.hi * share)),
                    String::new(),
                )
            } else {
                let (e, k) = (errors as f64, correct as f64);
                let fixed = if errors == 0 {
                    Some((0.0, Interval::new(0.0, 0.0)))
                } else {
                    ratio_u(fixed_reviewed, reviewed_errors)
                        .zip(wilson(fixed_reviewed, reviewed_errors))
                };
                let broken = if correct == 0 {
                    Some((0.0, Interval::new(0.0, 0.0)))
                } else {
                    ratio_u(broken_reviewed, reviewed_correct)
                        .zip(wilson(broken_reviewed, reviewed_correct))
                };
                match (fixed, broken) {
                    (Some((f, fc)), Some((b, bc))) => (
                        Some((e * f - k * b) / matched),
                        Some(Interval::new(
                            (e * fc.lo - k * bc.hi) / matched,
                            (e * fc.hi - k * bc.lo) / matched,
                        )),
                        format!(
                            " (extrapolated from a review sample: {reviewed_errors} of {errors} errors and {reviewed_correct} of {correct} correct examples reviewed)"
                        ),
                    ),
                    (Some((f, _)), None) => (
                        None,
                        None,
                        format!(
                            " (at most {} from fixed errors: no correct example reviewed, so the broken ones cannot be estimated)",
                            pts(Some(e * f / matched))
                        ),
                    ),
                    _ => (
                        None,
                        None,
                        " (no example of the review sample is in both runs)".to_string(),
                    ),
                }
            };
            let ci = realised_ci.map_or_else(String::new, |c| {
                format!(" {}", crate::core::render::points_ci(Some(c)))
            });
            let verdict = format!(
                "{}: expected {}, realised {}{ci}{how}",
                row.tag,
                pts(expected),
                pts(realised)
            );
            #[allow(clippy::cast_precision_loss)]
            let few_reviewed =
                !row.exact && (change.table.n() as f64) < crate::core::priority::FEW_REVIEWED;
            Some(TagChange {
                tag: row.tag.clone(),
                few_reviewed,
                change,
                expected_lift: expected,
                realised_lift: realised,
                realised_lift_ci: realised_ci,
                p_adjusted: 1.0,
                regressed: false,
                exact: row.exact,
                verdict,
            })
        })
        .collect();
    let p: Vec<f64> = out.iter().map(|t| t.change.p_value).collect();
    for (t, adjusted) in out.iter_mut().zip(holm(&p)) {
        t.p_adjusted = adjusted;
        t.regressed = t.change.delta.is_some_and(|d| d < 0.0) && adjusted < alpha;
    }
    out
}
