//! Two runs of a model on the same examples, joined by id: what changed
//! overall, per true class and per slice group, with paired statistics.
//! `changes` holds the paired statistics of each part, `report` the
//! comparison as `slicewise compare` prints it.

use rayon::prelude::*;
use rustc_hash::FxHashMap;
use serde::Serialize;

use super::dataset::{Dataset, Ids};
use super::load::{ColumnSelection, LoadOptions, RoleChoice, class_key, visible};
use super::paired::PairedTable;
use super::tags::Annotations;

mod changes;
mod report;

pub use changes::{
    Change, ClassChange, GroupChange, Overall, Prf, RateChange, TagChange, class_changes, overall,
    rate_changes, slice_changes, tag_changes, worst_first,
};
pub use report::CompareReport;

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
    /// A weighted run (a count cube or a weighted sample) has no examples
    /// to pair.
    #[error(
        "{file} is weighted by its column '{column}' (a count cube or a weighted sample): comparing runs pairs examples one by one, so it needs the unweighted rows with ids. Compare the raw prediction tables, or pass --weight \"\" if each row is one example"
    )]
    Weighted {
        /// The weighted file.
        file: String,
        /// Its weight column.
        column: String,
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
    /// Which run's labels judged the examples.
    pub labels: LabelsFrom,
    /// What the user should know about the pairing (class spellings matched).
    pub warnings: Vec<String>,
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
    for ds in [before, after] {
        if let Some(w) = &ds.weights {
            return Err(CompareError::Weighted {
                file: ds.source.path.display().to_string(),
                column: w.column.clone(),
            });
        }
    }
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
    } else if let (Some((pb, ib)), Some((pa, ia))) = (before.ids.numbers(), after.ids.numbers())
        && pb == pa
    {
        // Ids that are numbers (or one number in the same text): found by
        // their numbers, not their text (runs of consecutive ids without
        // a table of every id); the first run's rows looked up on all cores.
        let index = ia.index();
        pairs = (0..nb)
            .into_par_iter()
            .filter_map(|r| {
                let a = index.row(ib.get(r))?;
                Some((u32::try_from(r).ok()?, u32::try_from(a).ok()?))
            })
            .collect();
    } else {
        let mut index: FxHashMap<std::borrow::Cow<'_, str>, u32> = FxHashMap::default();
        index.reserve(na);
        for r in 0..na {
            if let Ok(r32) = u32::try_from(r) {
                index.insert(after.ids.key(r), r32);
            }
        }
        pairs = (0..nb)
            .into_par_iter()
            .filter_map(|r| {
                let a = *index.get(before.ids.key(r).as_ref())?;
                Some((u32::try_from(r).ok()?, a))
            })
            .collect();
    }
    if pairs.is_empty() {
        return Err(CompareError::NoOverlap {
            before: before.source.path.display().to_string(),
            after: after.source.path.display().to_string(),
            first_before: first_ids(&before.ids, nb),
            first_after: first_ids(&after.ids, na),
        });
    }
    // One class dictionary for both runs: the second run's classes matched
    // to the first run's as the values inside one file are (numbers equal as
    // numbers, booleans in any case, trimmed text, one Unicode form), each
    // match of two spellings reported.
    let mut classes = before.classes.clone();
    let mut code_of: FxHashMap<String, u32> = before
        .classes
        .iter()
        .enumerate()
        .filter_map(|(i, c)| Some((class_key(c), u32::try_from(i).ok()?)))
        .collect();
    let mut after_code = Vec::with_capacity(after.classes.len());
    let mut respelled: Vec<String> = Vec::new();
    for c in &after.classes {
        let code = match code_of.get(&class_key(c)) {
            Some(&code) => {
                let first = &classes[code as usize];
                if first != c && respelled.len() < 3 {
                    respelled.push(format!("'{}' = '{}'", visible(c), visible(first)));
                }
                code
            }
            None => {
                let code = u32::try_from(classes.len()).unwrap_or(u32::MAX);
                classes.push(c.clone());
                code_of.insert(class_key(c), code);
                code
            }
        };
        after_code.push(code);
    }
    let mut warnings = Vec::new();
    if !respelled.is_empty() {
        warnings.push(format!(
            "Classes written differently in the two runs were matched as one ({}): numbers equal as numbers, true/false in any case, and text equal up to spaces around it and Unicode normalisation are one class.",
            respelled.join(", ")
        ));
    }
    // Each row's classes and rightness, on all cores, in order.
    let (label_before, label_after) = (
        |b: u32| before.label[b as usize],
        |a: u32| after_code[after.label[a as usize] as usize],
    );
    let label_changed = pairs
        .par_iter()
        .filter(|&&(b, a)| label_before(b) != label_after(a))
        .count();
    let truth: Vec<u32> = pairs
        .par_iter()
        .map(|&(b, a)| match labels {
            LabelsFrom::Before => label_before(b),
            LabelsFrom::After => label_after(a),
        })
        .collect();
    let pred_before: Vec<u32> = pairs
        .par_iter()
        .map(|&(b, _)| before.pred[b as usize])
        .collect();
    let pred_after: Vec<u32> = pairs
        .par_iter()
        .map(|&(_, a)| after_code[after.pred[a as usize] as usize])
        .collect();
    let right =
        |pred: &[u32]| -> Vec<bool> { pred.par_iter().zip(&truth).map(|(p, t)| p == t).collect() };
    let (right_before, right_after) = (right(&pred_before), right(&pred_after));
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
        labels,
        warnings,
    })
}

/// The load options of the second run: the first run's options with the
/// second run's own column names where given, and no score, human, image,
/// text or probability columns (a comparison reads labels, predictions and
/// ids of the second run only). The one place the command line and the app
/// take them from.
#[must_use]
pub fn after_options(
    first: &LoadOptions,
    label: Option<String>,
    pred: Option<String>,
    id: Option<String>,
) -> LoadOptions {
    LoadOptions {
        label: label.map_or_else(|| first.label.clone(), RoleChoice::Column),
        pred: pred.map_or_else(|| first.pred.clone(), RoleChoice::Column),
        id: id.map_or_else(|| first.id.clone(), |c| RoleChoice::flag(Some(&c))),
        // Explicitly none, not "detect": a detected human column could be
        // the very column named as the second prediction.
        score: RoleChoice::None,
        human: RoleChoice::None,
        image: RoleChoice::None,
        text: RoleChoice::None,
        proba: Vec::new(),
        proba_prefix: None,
        columns: ColumnSelection::Roles,
        ..first.clone()
    }
}

pub use super::view::Flip;

/// A second run held beside the first (the desktop app's comparison): the
/// join, and for each row of the first run where its example sits in it.
/// The second run's data itself is not kept.
#[derive(Debug, Clone)]
pub struct RunComparison {
    /// The second run's file.
    pub after: String,
    /// The paired examples.
    pub joined: Joined,
    /// For each row of the first run: its position in `joined.pairs`, or
    /// `u32::MAX` when the second run lacks the example.
    pair_of: Vec<u32>,
    /// The paired table of all shared examples (counted once, on the
    /// thread that joined the runs).
    pub table: PairedTable,
}

impl RunComparison {
    /// Joins the second run to the first.
    ///
    /// # Errors
    /// As [`join`].
    pub fn new(
        before: &Dataset,
        after: &Dataset,
        labels: LabelsFrom,
    ) -> Result<Self, CompareError> {
        let joined = join(before, after, labels)?;
        let mut pair_of = vec![u32::MAX; before.rows()];
        for (i, &(b, _)) in joined.pairs.iter().enumerate() {
            if let (Some(slot), Ok(i)) = (pair_of.get_mut(b as usize), u32::try_from(i)) {
                *slot = i;
            }
        }
        let mut table = PairedTable::default();
        for (&b, &a) in joined.right_before.iter().zip(&joined.right_after) {
            table.add(b, a);
        }
        Ok(Self {
            after: after.source.path.display().to_string(),
            joined,
            pair_of,
            table,
        })
    }

    fn pair(&self, row: usize) -> Option<usize> {
        self.pair_of
            .get(row)
            .filter(|&&i| i != u32::MAX)
            .map(|&i| i as usize)
    }

    /// Whether the first run's `row` was right before and after (judged on
    /// the labels that count); `None` when the second run lacks it.
    #[must_use]
    pub fn rights(&self, row: usize) -> Option<(bool, bool)> {
        self.pair(row)
            .map(|i| (self.joined.right_before[i], self.joined.right_after[i]))
    }

    /// Whether the first run's `row` flipped this way.
    #[must_use]
    pub fn is(&self, row: usize, flip: Flip) -> bool {
        matches!(
            (self.rights(row), flip),
            (Some((false, true)), Flip::Fixed) | (Some((true, false)), Flip::Broken)
        )
    }

    /// The second run's prediction for the first run's `row`.
    #[must_use]
    pub fn pred_after(&self, row: usize) -> Option<&str> {
        self.pair(row).and_then(|i| {
            self.joined
                .classes
                .get(self.joined.pred_after[i] as usize)
                .map(String::as_str)
        })
    }

    /// The comparison report over this join (slices by the first run's
    /// columns `by`; tags from `state`).
    ///
    /// # Errors
    /// When a slice column is unknown.
    pub fn report(
        &self,
        before: &Dataset,
        state: Option<&Annotations>,
        by: &[Vec<String>],
        alpha: f64,
        positive: Option<u32>,
    ) -> Result<CompareReport, Box<dyn std::error::Error + Send + Sync>> {
        CompareReport::from_joined(
            before,
            state,
            &self.joined,
            &self.after,
            by,
            alpha,
            positive,
        )
    }
}
