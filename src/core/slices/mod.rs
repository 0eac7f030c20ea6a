//! Per-slice metrics: the groups of a slice column (or of several, crossed)
//! with their counts, and the analysis the report and the Slices view show;
//! the disparities between groups are in `disparity`.

use rayon::prelude::*;
use serde::Serialize;

mod disparity;

use disparity::select;
pub use disparity::{
    Disparity, DisparityIntervals, DisparityMetric, GroupDisparity, HARM_RATIO, aequitas,
    disadvantaged, disparity, disparity_intervals, outside_band, reference_group, supported_groups,
};

use super::dataset::{Dataset, Grouping};
use super::metrics::BinaryCounts;
use super::stats::{Count, Proportion};

/// Groups below this many examples are flagged by default.
pub const DEFAULT_MIN_SUPPORT: u64 = 30;
/// The Aequitas fairness band: a disparity inside `[LOW, 1/LOW]` is fair.
pub const AEQUITAS_LOW: f64 = 0.8;
/// Intersections with more cells than this are refused (they would not fit a table anyway).
pub const MAX_CELLS: usize = 1 << 22;

/// Why a slice could not be computed.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SliceError {
    /// No such column.
    #[error(
        "--by names column '{column}', which is not a slice column of the data.{} Slice columns: {}",
        super::suggest::did_you_mean(column, available.iter().map(String::as_str)),
        super::error::list(available)
    )]
    NoSuchColumn {
        /// The column asked for.
        column: String,
        /// The columns available.
        available: Vec<String>,
    },
    /// `--by` names the label, prediction or another role column.
    #[error(
        "--by names '{column}', which is the {role} column; slice by a metadata column instead. Slice columns: {}",
        super::error::list(available)
    )]
    RoleColumn {
        /// The column.
        column: String,
        /// Its role ("true-label").
        role: &'static str,
        /// The columns available.
        available: Vec<String>,
    },
    /// The intersection has too many possible cells.
    #[error(
        "the intersection {columns} has {cells} possible groups, more than {max}; slice by fewer or coarser columns"
    )]
    TooManyGroups {
        /// The columns.
        columns: String,
        /// Possible groups.
        cells: usize,
        /// The limit.
        max: usize,
    },
    /// `--reference` names a group that does not exist.
    #[error(
        "--reference '{value}' is not a group of {column}. Groups: {}",
        super::error::list(groups)
    )]
    NoSuchReference {
        /// The slice.
        column: String,
        /// The value asked for.
        value: String,
        /// The groups available.
        groups: Vec<String>,
    },
}

/// Counts of one group.
#[derive(Debug, Clone, Copy, Default, PartialEq, Serialize)]
pub struct GroupCounts {
    /// Examples.
    pub n: Count,
    /// Correctly classified examples.
    pub correct: Count,
    /// One-vs-rest counts for the positive class (zero without one).
    pub binary: BinaryCounts,
    /// Examples with a human label.
    pub human_n: Count,
    /// Examples whose human label equals the true label.
    pub human_correct: Count,
}

impl GroupCounts {
    /// Adds another group's counts.
    pub fn add(&mut self, other: &Self) {
        self.n += other.n;
        self.correct += other.correct;
        self.binary.tp += other.binary.tp;
        self.binary.fp += other.binary.fp;
        self.binary.fn_ += other.binary.fn_;
        self.binary.tn += other.binary.tn;
        self.human_n += other.human_n;
        self.human_correct += other.human_correct;
    }

    /// These counts without `part`'s (a group's): the rest of the rows.
    #[must_use]
    pub fn without(&self, part: &Self) -> Self {
        Self {
            n: self.n - part.n,
            correct: self.correct - part.correct,
            binary: BinaryCounts {
                tp: self.binary.tp - part.binary.tp,
                fp: self.binary.fp - part.binary.fp,
                fn_: self.binary.fn_ - part.binary.fn_,
                tn: self.binary.tn - part.binary.tn,
            },
            human_n: self.human_n - part.human_n,
            human_correct: self.human_correct - part.human_correct,
        }
    }

    /// Accuracy inside the group.
    #[must_use]
    pub fn accuracy(&self) -> Proportion {
        Proportion::new(self.correct, self.n)
    }

    /// Error rate inside the group.
    #[must_use]
    pub fn error_rate(&self) -> Proportion {
        Proportion::new(self.n - self.correct, self.n)
    }

    /// Agreement of the human labels with the true labels inside the group.
    #[must_use]
    pub fn human_accuracy(&self) -> Proportion {
        Proportion::new(self.human_correct, self.human_n)
    }
}

/// One group of a slice with its counts.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Group {
    /// The group's value per slice column (one for a plain slice).
    pub values: Vec<String>,
    /// Its counts.
    pub counts: GroupCounts,
    /// Its cell in the slice key ([`SliceKey::cell`]).
    #[serde(skip)]
    pub cell: usize,
}

impl Group {
    /// The display name: the values joined by " & ".
    #[must_use]
    pub fn name(&self) -> String {
        self.values.join(" & ")
    }
}

/// A slice column, or the intersection of several, resolved against a dataset.
#[derive(Debug, Clone)]
pub struct SliceKey<'a> {
    /// Column names, in order.
    pub columns: Vec<String>,
    groupings: Vec<&'a Grouping>,
    strides: Vec<usize>,
    cells: usize,
}

impl<'a> SliceKey<'a> {
    /// Resolves `columns` (one, or several for an intersection).
    ///
    /// # Errors
    /// When a column is not a slice column or the intersection is too large.
    pub fn new(ds: &'a Dataset, columns: &[String]) -> Result<Self, SliceError> {
        let mut groupings = Vec::with_capacity(columns.len());
        let mut names = Vec::with_capacity(columns.len());
        for name in columns {
            let available = || ds.slice_columns().map(|c| c.name.clone()).collect();
            let r = &ds.roles;
            let role = [
                ("true-label", Some(&r.label)),
                ("prediction", Some(&r.pred)),
                ("score", r.score.as_ref()),
                ("id", r.id.as_ref()),
                ("human-label", r.human.as_ref()),
            ]
            .into_iter()
            .find(|(_, c)| c.is_some_and(|c| c.eq_ignore_ascii_case(name.trim())));
            if let Some((role, _)) = role {
                return Err(SliceError::RoleColumn {
                    column: name.clone(),
                    role,
                    available: available(),
                });
            }
            let col = ds
                .column(name.trim())
                .ok_or_else(|| SliceError::NoSuchColumn {
                    column: name.clone(),
                    available: available(),
                })?;
            groupings.push(col.groups());
            names.push(col.name.clone());
        }
        let mut strides = vec![1; groupings.len()];
        let mut cells: usize = 1;
        for (i, g) in groupings.iter().enumerate().rev() {
            strides[i] = cells;
            cells = cells.saturating_mul(g.n_groups().max(1));
        }
        if cells > MAX_CELLS {
            return Err(SliceError::TooManyGroups {
                columns: names.join(","),
                cells,
                max: MAX_CELLS,
            });
        }
        Ok(Self {
            columns: names,
            groupings,
            strides,
            cells,
        })
    }

    /// The display name of the slice: columns joined by " & ".
    #[must_use]
    pub fn name(&self) -> String {
        self.columns.join(" & ")
    }

    /// The cell (combined group code) of `row`.
    ///
    /// Always inlined: called once a row by every per-group pass, it stayed
    /// a call in the slice counts' loop (10M rows, one slice: 98–100 ms on
    /// one thread and 51–54 ms on two; inlined, 79–84 ms and 42–45 ms).
    #[must_use]
    #[allow(clippy::inline_always)]
    #[inline(always)]
    pub fn cell(&self, row: usize) -> usize {
        // One column (its stride is 1): its code, without the loop.
        if let [only] = self.groupings.as_slice() {
            return only.codes.get(row) as usize;
        }
        self.groupings
            .iter()
            .zip(&self.strides)
            .map(|(g, s)| g.codes.get(row) as usize * s)
            .sum()
    }

    /// Number of possible cells.
    #[must_use]
    pub fn cells(&self) -> usize {
        self.cells
    }

    /// The groups with rows, named (`a & b` for an intersection) in the
    /// columns' order, and for each cell its group among them: a row's
    /// group is `groups[key.cell(row)]` (nothing is kept per row, which at
    /// 100M rows was 800 MB a slice).
    #[must_use]
    pub fn row_groups(&self, ds: &Dataset) -> (Vec<String>, Vec<usize>) {
        // Which cells have rows, on all cores.
        let used = crate::core::stats::fold_ranges(
            ds.rows(),
            self.cells,
            || vec![false; self.cells],
            |used, rows| {
                for row in rows {
                    used[self.cell(row)] = true;
                }
            },
            |used, more| {
                for (u, m) in used.iter_mut().zip(more) {
                    *u |= m;
                }
            },
        );
        let mut remap = vec![0; self.cells];
        let mut kept = Vec::new();
        for (c, _) in used.iter().enumerate().filter(|(_, u)| **u) {
            remap[c] = kept.len();
            kept.push(c);
        }
        // Named on all cores (a column of user ids has hundreds of
        // thousands of groups), in order.
        let names = kept.par_iter().map(|&c| self.cell_name(c)).collect();
        (names, remap)
    }

    /// The values of a cell.
    #[must_use]
    pub fn values(&self, cell: usize) -> Vec<String> {
        self.groupings
            .iter()
            .zip(&self.strides)
            .map(|(g, s)| g.labels[(cell / s) % g.n_groups().max(1)].clone())
            .collect()
    }

    /// A cell's name: its values joined by " & ", as [`Group::name`].
    #[must_use]
    pub fn cell_name(&self, cell: usize) -> String {
        self.values(cell).join(" & ")
    }
}

/// How the model's decisions are read off a row.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Decision<'a> {
    /// The prediction column as it is.
    Model,
    /// One-vs-rest on a positive-class score: predicted positive when
    /// `scores[row] >= threshold` (or the row's cell threshold, what-if only).
    Threshold {
        /// The positive-class score per row (NaN: never predicted positive).
        scores: &'a [f64],
        /// The threshold.
        threshold: f64,
        /// A threshold per cell of the slice, overriding `threshold`.
        per_cell: Option<&'a [f64]>,
    },
}

/// Counts every group of `key` in one pass over the rows. With a positive
/// class, also one-vs-rest counts. Only groups with examples are returned.
#[must_use]
pub fn count_groups(ds: &Dataset, key: &SliceKey<'_>, positive: Option<u32>) -> Vec<Group> {
    count_groups_with(ds, key, positive, Decision::Model)
}

/// [`count_groups`] with a choice of how decisions are made. With a
/// threshold, "correct" means the one-vs-rest decision matches the label.
#[must_use]
pub fn count_groups_with(
    ds: &Dataset,
    key: &SliceKey<'_>,
    positive: Option<u32>,
    decision: Decision<'_>,
) -> Vec<Group> {
    let cells = if ds.weights.is_none() && ds.human_counts.is_none() {
        tally_unweighted(ds, key, positive, decision)
    } else {
        sum_weighted(ds, key, positive, decision)
    };
    // Each group's values written on all cores: a column of hundreds of
    // thousands of values (user ids) spent longer here than counting them.
    cells
        .into_par_iter()
        .enumerate()
        .filter(|(_, c)| c.n.w > 0.0)
        .map(|(cell, counts)| Group {
            values: key.values(cell),
            counts,
            cell,
        })
        .collect()
}

/// How `row` is decided: whether it is right and, with a positive class,
/// its (actual, predicted) side. `None` for a row a threshold cannot decide
/// (it has no score; the loader warns about missing scores). With a
/// threshold, "right" means the one-vs-rest decision matches the label.
// Not inlined by itself, it cost a fifth of a slice's pass (one slice at
// 10M rows: 78 ms against 64-72 ms inlined, one thread).
#[allow(clippy::inline_always)]
#[inline(always)]
fn decided(
    ds: &Dataset,
    key: &SliceKey<'_>,
    positive: Option<u32>,
    decision: Decision<'_>,
    row: usize,
) -> Option<(bool, Option<(bool, bool)>)> {
    match (positive, decision) {
        (
            Some(pos),
            Decision::Threshold {
                scores,
                threshold,
                per_cell,
            },
        ) => {
            let score = scores[row];
            if score.is_nan() {
                return None;
            }
            let actual = ds.label[row] == pos;
            let t = per_cell.map_or(threshold, |ts| ts[key.cell(row)]);
            let predicted = score >= t;
            Some((actual == predicted, Some((actual, predicted))))
        }
        (Some(pos), Decision::Model) => Some((
            ds.correct.get(row),
            Some((ds.label[row] == pos, ds.pred[row] == pos)),
        )),
        (None, _) => Some((ds.correct.get(row), None)),
    }
}

/// The counts of each cell of `key` over rows of unit weight: each row is
/// one increment of its cell's tally of its kind (right or wrong, human
/// label missing, disagreeing or agreeing, and with a positive class its
/// actual and predicted side), turned into counts at the end. The same
/// numbers as [`sum_weighted`] (sums of ones are exact), where adding each
/// row to eight floating-point sums made each wait on the last.
fn tally_unweighted(
    ds: &Dataset,
    key: &SliceKey<'_>,
    positive: Option<u32>,
    decision: Decision<'_>,
) -> Vec<GroupCounts> {
    // Kinds: bit 0 right; then the human state (0 none, 1 disagrees,
    // 2 agrees; only with human labels) times 2; then with a positive class
    // the side (2 actual + predicted) times 2 × the human states.
    let humans = if ds.human.is_some() { 3 } else { 1 };
    let kinds = 2 * humans * if positive.is_some() { 4 } else { 1 };
    let kind = |row: usize| -> Option<usize> {
        let human = match ds.human_correct(row) {
            None => 0,
            Some(false) => 1,
            Some(true) => 2,
        };
        let (right, sides) = decided(ds, key, positive, decision, row)?;
        let side = sides.map_or(0, |(actual, predicted)| {
            2 * usize::from(actual) + usize::from(predicted)
        });
        Some(usize::from(right) + 2 * human + 2 * humans * side)
    };
    let tallies = crate::core::stats::tally(ds.rows(), key.cells() * kinds, |row| {
        kind(row).map(|k| key.cell(row) * kinds + k)
    });
    tallies
        .chunks_exact(kinds)
        .map(|cell| {
            let mut c = GroupCounts::default();
            for (k, &n) in cell.iter().enumerate().filter(|(_, n)| **n > 0) {
                let unit = Count::unweighted(n);
                c.n += unit;
                if k % 2 == 1 {
                    c.correct += unit;
                }
                match (k / 2) % humans {
                    1 => c.human_n += unit,
                    2 => {
                        c.human_n += unit;
                        c.human_correct += unit;
                    }
                    _ => {}
                }
                if positive.is_some() {
                    let side = k / (2 * humans);
                    c.binary.add(side >= 2, side % 2 == 1, unit);
                }
            }
            c
        })
        .collect()
}

/// The counts of each cell of `key`, every row adding its weight.
fn sum_weighted(
    ds: &Dataset,
    key: &SliceKey<'_>,
    positive: Option<u32>,
    decision: Decision<'_>,
) -> Vec<GroupCounts> {
    let add = |cells: &mut Vec<GroupCounts>, row: usize| {
        let Some((right, sides)) = decided(ds, key, positive, decision, row) else {
            return;
        };
        let c = &mut cells[key.cell(row)];
        let unit = ds.unit(row);
        c.n += unit;
        if let Some((actual, predicted)) = sides {
            c.binary.add(actual, predicted, unit);
        }
        if right {
            c.correct += unit;
        }
        if let Some((labelled, agree)) = ds.human_units(row) {
            c.human_n += labelled;
            c.human_correct += agree;
        }
    };
    crate::core::stats::fold_rows(
        ds.rows(),
        key.cells() * std::mem::size_of::<GroupCounts>(),
        || vec![GroupCounts::default(); key.cells()],
        add,
        |cells, more| {
            for (c, m) in cells.iter_mut().zip(&more) {
                c.add(m);
            }
        },
    )
}

/// A slice with its groups and disparities: what the report and the Slices
/// view show.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SliceAnalysis {
    /// The slice columns.
    pub columns: Vec<String>,
    /// Its groups, in label order.
    pub groups: Vec<Group>,
    /// All rows of the dataset (for shares).
    pub total: Count,
    /// The positive class, if any.
    pub positive: Option<u32>,
    /// Groups below this support are flagged.
    pub min_support: u64,
    /// Fairlearn disparities between the groups with at least
    /// `min_support` examples (the headline: a spread set by a group too
    /// small to tell is no finding).
    pub disparity: Disparity,
    /// Fairlearn disparities between all groups, small ones included.
    pub disparity_all: Disparity,
    /// Per group, the rates of harm ([`DisparityMetric::HARMS`]) it is
    /// disadvantaged on ([`disadvantaged`]).
    pub disadvantaged: Vec<Vec<DisparityMetric>>,
    /// Index of the reference group for Aequitas disparities.
    pub reference: Option<usize>,
    /// Whether the reference group was named (`--reference`), not picked
    /// as the largest.
    pub chosen_reference: bool,
    /// Per group, the Aequitas disparities against the reference.
    pub aequitas: Vec<Vec<GroupDisparity>>,
    /// The score threshold the decisions were made at, when not the predictions.
    pub threshold: Option<f64>,
    /// Bootstrap intervals of the disparities, when asked for.
    pub disparity_ci: Option<DisparityIntervals>,
    /// Why bootstrap intervals that were asked for were not drawn.
    pub bootstrap_refused: Option<String>,
}

impl SliceAnalysis {
    /// Computes everything for `columns` (one, or several = intersection).
    ///
    /// # Errors
    /// A [`SliceError`] for an unknown column or reference group.
    pub fn compute(
        ds: &Dataset,
        columns: &[String],
        positive: Option<u32>,
        min_support: u64,
        reference: Option<&str>,
    ) -> Result<Self, SliceError> {
        Self::compute_with(
            ds,
            columns,
            positive,
            min_support,
            reference,
            Decision::Model,
        )
    }

    /// [`SliceAnalysis::compute`] with decisions read at a score threshold.
    ///
    /// # Errors
    /// A [`SliceError`] for an unknown column or reference group.
    pub fn compute_with(
        ds: &Dataset,
        columns: &[String],
        positive: Option<u32>,
        min_support: u64,
        reference: Option<&str>,
        decision: Decision<'_>,
    ) -> Result<Self, SliceError> {
        let key = SliceKey::new(ds, columns)?;
        let groups = count_groups_with(ds, &key, positive, decision);
        let mut analysis =
            Self::from_groups(&key, groups, ds.total(), positive, min_support, reference)?;
        if let Decision::Threshold { threshold, .. } = decision {
            analysis.threshold = Some(threshold);
        }
        Ok(analysis)
    }

    /// Adds bootstrap intervals of the disparities, unless they would draw
    /// more than [`super::bootstrap::MAX_GROUP_RESAMPLES`] group resamples
    /// (then the refusal is kept in `bootstrap_refused` and returned).
    ///
    /// # Errors
    /// The refusal, naming the slice and the most replicates allowed.
    pub fn bootstrap(
        &mut self,
        replicates: usize,
        seed: u64,
    ) -> Result<(), super::bootstrap::BudgetError> {
        self.bootstrap_counted(replicates, seed, None)
    }

    /// [`SliceAnalysis::bootstrap`], adding the group resamples drawn to
    /// `progress` as it goes.
    ///
    /// # Errors
    /// As [`SliceAnalysis::bootstrap`].
    pub fn bootstrap_counted(
        &mut self,
        replicates: usize,
        seed: u64,
        progress: Option<&std::sync::atomic::AtomicU64>,
    ) -> Result<(), super::bootstrap::BudgetError> {
        if let Err(e) = super::bootstrap::check_budget(self.groups.len(), replicates, &self.name())
        {
            self.bootstrap_refused = Some(e.to_string());
            return Err(e);
        }
        let supported = select(
            &self.groups,
            &supported_groups(&self.groups, self.min_support),
        );
        self.disparity_ci = Some(disparity_intervals(
            &supported,
            self.positive.is_some(),
            replicates,
            seed,
            progress,
        ));
        Ok(())
    }

    /// Builds the analysis from already counted groups.
    ///
    /// # Errors
    /// When `reference` names no group.
    pub fn from_groups(
        key: &SliceKey<'_>,
        groups: Vec<Group>,
        total: Count,
        positive: Option<u32>,
        min_support: u64,
        reference: Option<&str>,
    ) -> Result<Self, SliceError> {
        let with_positive = positive.is_some();
        let chosen_reference = reference.is_some();
        let reference = reference_group(&groups, &key.name(), reference)?;
        let aequitas = reference.map_or_else(Vec::new, |r| {
            groups
                .iter()
                .map(|g| aequitas(&g.counts, &groups[r].counts, with_positive))
                .collect()
        });
        let supported = supported_groups(&groups, min_support);
        let disadvantaged = disadvantaged(&groups, &supported, with_positive);
        Ok(Self {
            columns: key.columns.clone(),
            disparity: disparity(&select(&groups, &supported), with_positive),
            disparity_all: disparity(&groups, with_positive),
            disadvantaged,
            groups,
            total,
            positive,
            min_support,
            reference,
            chosen_reference,
            aequitas,
            threshold: None,
            disparity_ci: None,
            bootstrap_refused: None,
        })
    }

    /// The display name: columns joined by " & ".
    #[must_use]
    pub fn name(&self) -> String {
        self.columns.join(" & ")
    }

    /// The groups with at least the minimum support.
    #[must_use]
    pub fn supported(&self) -> Vec<usize> {
        supported_groups(&self.groups, self.min_support)
    }

    /// Whether group `i` has fewer examples than the minimum support.
    #[must_use]
    pub fn low_support(&self, i: usize) -> bool {
        #[allow(clippy::cast_precision_loss)]
        let min = self.min_support as f64;
        self.groups[i].counts.n.effective() < min
    }

    /// The rates of harm group `i` is disadvantaged on ([`disadvantaged`]).
    #[must_use]
    pub fn flagged(&self, i: usize) -> &[DisparityMetric] {
        self.disadvantaged.get(i).map_or(&[], Vec::as_slice)
    }

    /// The rate of harm whose spread between the supported groups is
    /// largest, for a chart to open on: with a positive class the false
    /// positive or negative rate where they differ most (COMPAS: FPR), the
    /// error rate otherwise.
    #[must_use]
    pub fn largest_disparity(&self) -> DisparityMetric {
        let supported = supported_groups(&self.groups, self.min_support);
        let spread_of = |m: DisparityMetric| {
            let values: Vec<f64> = supported
                .iter()
                .filter_map(|&i| m.of(&self.groups[i].counts).value())
                .collect();
            let max = values.iter().copied().fold(f64::NEG_INFINITY, f64::max);
            let min = values.iter().copied().fold(f64::INFINITY, f64::min);
            if values.len() < 2 { 0.0 } else { max - min }
        };
        let candidates: &[DisparityMetric] = if self.positive.is_some() {
            &[
                DisparityMetric::Fpr,
                DisparityMetric::Fnr,
                DisparityMetric::ErrorRate,
            ]
        } else {
            &[DisparityMetric::ErrorRate]
        };
        candidates
            .iter()
            .copied()
            .max_by(|a, b| spread_of(*a).total_cmp(&spread_of(*b)))
            .unwrap_or(DisparityMetric::ErrorRate)
    }

    /// The metrics on which group `i` differs from the reference beyond the
    /// band without being flagged as worse (the selection rate).
    #[must_use]
    pub fn differs(&self, i: usize) -> Vec<DisparityMetric> {
        if self.reference == Some(i) {
            return Vec::new();
        }
        self.aequitas.get(i).map_or_else(Vec::new, |d| {
            d.iter()
                .filter(|x| x.outside && x.metric.higher_is_worse().is_none())
                .map(|x| x.metric)
                .collect()
        })
    }

    /// The metrics this analysis has: accuracy and error rate, and the
    /// one-vs-rest rates with a positive class.
    #[must_use]
    pub fn metrics(&self) -> Vec<DisparityMetric> {
        let mut m = DisparityMetric::ALWAYS.to_vec();
        if self.positive.is_some() {
            m.extend(DisparityMetric::WITH_POSITIVE);
        }
        m
    }

    /// Share of all rows in group `i`.
    #[must_use]
    pub fn share(&self, i: usize) -> Proportion {
        Proportion::new(self.groups[i].counts.n, self.total)
    }
}

/// A rule that selects exactly one group of a slice, for turning a group into
/// a rule tag: `device == "car_kit"`, `snr >= 10.2 and snr < 14.9`, or both
/// joined with `and` for an intersection. `None` if a value is not a group.
#[must_use]
pub fn group_rule(ds: &Dataset, columns: &[String], values: &[String]) -> Option<String> {
    use super::dataset::{ColumnData, MISSING, NumericGrouping};
    use super::rules::{quote, quote_column};
    use super::temporal::NumberKind;
    let mut parts = Vec::with_capacity(columns.len());
    for (name, value) in columns.iter().zip(values) {
        let col = ds.column(name)?;
        let code = col.groups().code_of(value)? as usize;
        let q = quote_column(&col.name);
        // Dates and times as their text where it reads back exactly, else
        // the exact number.
        let literal = |kind: NumberKind, v: f64| {
            let text = kind.format(v);
            if kind != NumberKind::Plain && kind.parse(&text) == Some(v) {
                quote(&text)
            } else {
                v.to_string()
            }
        };
        let part = match &col.data {
            ColumnData::Numeric {
                grouping: NumericGrouping::Bins(edges),
                kind,
                ..
            } if value != MISSING => {
                let (lo, hi) = (edges.get(code)?, edges.get(code + 1)?);
                let upper = if code + 2 == edges.len() { "<=" } else { "<" };
                format!(
                    "{q} >= {} and {q} {upper} {}",
                    literal(*kind, *lo),
                    literal(*kind, *hi)
                )
            }
            ColumnData::Numeric {
                values: nums, kind, ..
            } if value != MISSING => {
                // One group per distinct value: compare the exact number.
                let row = col.groups().codes.iter().position(|c| c as usize == code)?;
                format!("{q} == {}", literal(*kind, nums[row]))
            }
            _ => format!("{q} == {}", quote(value)),
        };
        parts.push(part);
    }
    Some(parts.join(" and "))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn group(n: u64, correct: u64, tp: u64, fp: u64, fn_: u64, tn: u64) -> Group {
        Group {
            values: vec![format!("g{n}")],
            counts: GroupCounts {
                n: Count::unweighted(n),
                correct: Count::unweighted(correct),
                binary: BinaryCounts {
                    tp: Count::unweighted(tp),
                    fp: Count::unweighted(fp),
                    fn_: Count::unweighted(fn_),
                    tn: Count::unweighted(tn),
                },
                human_n: Count::ZERO,
                human_correct: Count::ZERO,
            },
            cell: 0,
        }
    }

    #[test]
    fn disparity_is_max_minus_min_and_min_over_max() {
        let groups = vec![group(10, 8, 4, 1, 1, 4), group(20, 10, 2, 6, 4, 8)];
        let d = disparity(&groups, true);
        // selection rates 5/10 and 8/20
        assert!((d.demographic_parity_difference.unwrap() - 0.1).abs() < 1e-12);
        assert!((d.demographic_parity_ratio.unwrap() - 0.8).abs() < 1e-12);
        // tpr 0.8 vs 1/3, fpr 0.2 vs 6/14
        let tpr_diff = 0.8 - 1.0 / 3.0;
        assert!((d.equalized_odds_difference.unwrap() - tpr_diff).abs() < 1e-12);
        let eo_ratio = ((1.0 / 3.0) / 0.8_f64).min(0.2 / (6.0 / 14.0));
        assert!((d.equalized_odds_ratio.unwrap() - eo_ratio).abs() < 1e-12);
        assert!((d.accuracy_difference.unwrap() - 0.3).abs() < 1e-12);
    }

    #[test]
    fn aequitas_ratios_are_group_over_reference() {
        let reference = group(100, 90, 0, 0, 0, 0).counts;
        let worse = group(50, 40, 0, 0, 0, 0).counts;
        let d = aequitas(&worse, &reference, false);
        let err = d
            .iter()
            .find(|d| d.metric == DisparityMetric::ErrorRate)
            .unwrap();
        assert!((err.ratio.unwrap() - 2.0).abs() < 1e-12);
        assert!(err.outside);
        assert!(outside_band(0.7) && outside_band(1.3) && !outside_band(1.2));
    }

    #[test]
    fn disadvantage_is_a_rate_of_harm_beyond_the_rest_of_the_rows() {
        // COMPAS-like: a (the largest) has the higher false positive rate,
        // b the higher false negative rate; c is too small to judge.
        // group(n, correct, tp, fp, fn, tn)
        let a = group(1000, 640, 300, 250, 110, 340);
        let b = group(600, 420, 100, 80, 100, 320);
        let c = group(10, 3, 1, 4, 3, 2);
        let groups = vec![a, b, c];
        let supported = supported_groups(&groups, 30);
        assert_eq!(supported, vec![0, 1]);
        let d = disadvantaged(&groups, &supported, true);
        assert!(d[0].contains(&DisparityMetric::Fpr), "{d:?}");
        assert!(!d[0].contains(&DisparityMetric::Fnr), "{d:?}");
        assert!(d[1].contains(&DisparityMetric::Fnr), "{d:?}");
        assert!(!d[1].contains(&DisparityMetric::Fpr), "{d:?}");
        assert!(d[2].is_empty(), "a group too small is not judged");
        // Without a positive class only the error rate is judged; accuracy
        // 91% against 97% is inside the 0.8 ratio band, but the error rates
        // 9% and 3% are not.
        let groups = vec![group(1000, 970, 0, 0, 0, 0), group(500, 455, 0, 0, 0, 0)];
        let d = disadvantaged(&groups, &[0, 1], false);
        assert_eq!(d, vec![vec![], vec![DisparityMetric::ErrorRate]]);
        // Beyond the band but within chance: 2 errors in 8 against 1 in 20.
        let groups = vec![group(20, 19, 0, 0, 0, 0), group(8, 6, 0, 0, 0, 0)];
        assert_eq!(disadvantaged(&groups, &[0, 1], false), vec![vec![], vec![]]);
    }
}
