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
        "Neither run has an id column and they have different row counts ({before} and {after}), so their rows cannot be paired. Add an id column, or name it with --id / --id-after"
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
    /// The true class of each pair (by name, from the labels that count).
    pub truth: Vec<String>,
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
    let name_b = |code: u32| before.classes[code as usize].as_str();
    let name_a = |code: u32| after.classes[code as usize].as_str();
    let mut label_changed = 0;
    let mut right_before = Vec::with_capacity(pairs.len());
    let mut right_after = Vec::with_capacity(pairs.len());
    let mut truth = Vec::with_capacity(pairs.len());
    for &(b, a) in &pairs {
        let (b, a) = (b as usize, a as usize);
        let (lb, la) = (name_b(before.label[b]), name_a(after.label[a]));
        if lb != la {
            label_changed += 1;
        }
        let label = match labels {
            LabelsFrom::Before => lb,
            LabelsFrom::After => la,
        };
        right_before.push(name_b(before.pred[b]) == label);
        right_after.push(name_a(after.pred[a]) == label);
        truth.push(label.to_string());
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
        truth,
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
            let e = by_class.entry(joined.truth[i].as_str()).or_default();
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
