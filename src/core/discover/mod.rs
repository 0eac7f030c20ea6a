//! Slice discovery: SliceLine (Sagadeeva and Boehm, SIGMOD 2021), exactly as
//! the `sliceline` Python package runs it, on the engine's compact columns.
//!
//! A slice is a conjunction of `column = value` predicates. Its score is
//! `α·((e_S/|S|)/ē − 1) − (1 − α)·(n/|S| − 1)`. Slices are enumerated level
//! by level (one more predicate per level, up to `max_level`): two slices of
//! level `l − 1` that share `l − 2` predicates join into a candidate of level
//! `l`; a candidate is kept only when all `l` of its parents survived, its
//! support can reach the minimum, and its upper-bound score beats both zero
//! and the lowest score in the current top K. Candidates are evaluated
//! exactly (size, error sum and maximum error) with one row bitmap per
//! predicate, on both cores. The package's order of enumeration is kept,
//! so that its upper bounds (computed from the first pair of parents that
//! yields a candidate) and its ties come out the same.
//!
//! Two details follow the package (and SystemDS, where it comes from): the
//! size term of the upper bound uses the number of one-hot columns where the
//! score uses the number of rows (a larger, still valid bound), and
//! candidates are pruned against the lowest score of the current top K even
//! while it holds fewer than K slices.

mod explain;
mod lattice;
mod report;

pub use explain::{CLASS_FEATURES, Explaining, Explanation, class_features, explain};
pub use lattice::discover;

pub use report::{DiscoveryReport, ErrorKind, FoundSlice, MAX_VALUES, features};

/// The minimum support: a number of rows, or a share of them.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum MinSupport {
    /// At least this many rows.
    Count(u64),
    /// At least this share of the rows, 0 < share < 1 (rounded down, as the
    /// package's `int(min_sup * n)`).
    Share(f64),
}

impl MinSupport {
    /// The number of rows it means for `n` rows.
    #[must_use]
    #[allow(
        clippy::cast_possible_truncation,
        clippy::cast_sign_loss,
        clippy::cast_precision_loss
    )]
    pub fn rows(self, n: usize) -> u64 {
        match self {
            Self::Count(c) => c,
            Self::Share(s) => (s * n as f64) as u64,
        }
    }

    /// Reads "50" (rows), "1%" or "0.01" (a share).
    ///
    /// # Errors
    /// Text that is neither, with what to type.
    pub fn parse(text: &str) -> Result<Self, DiscoverError> {
        let t = text.trim();
        let help = || DiscoverError::MinSupport(text.to_string());
        if let Some(p) = t.strip_suffix('%') {
            let v: f64 = p.trim().parse().map_err(|_| help())?;
            return if v > 0.0 && v < 100.0 {
                Ok(Self::Share(v / 100.0))
            } else {
                Err(help())
            };
        }
        if let Ok(c) = t.parse::<u64>() {
            return Ok(Self::Count(c));
        }
        match t.parse::<f64>() {
            Ok(v) if v > 0.0 && v < 1.0 => Ok(Self::Share(v)),
            _ => Err(help()),
        }
    }
}

/// The parameters of a search.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct DiscoverOptions {
    /// Weight of the error term, 0 < α ≤ 1.
    pub alpha: f64,
    /// How many slices to return (ties at the K-th score are all returned).
    pub k: usize,
    /// The most predicates in a slice.
    pub max_level: usize,
    /// The minimum support.
    pub min_support: MinSupport,
}

/// SliceLine's α a search starts with (the app and the command line).
pub const DEFAULT_ALPHA: f64 = 0.98;
/// How many slices a search returns by default.
pub const DEFAULT_K: usize = 10;
/// The most predicates of a slice by default.
pub const DEFAULT_MAX_LEVEL: usize = 3;
/// The minimum support by default, as typed.
pub const DEFAULT_MIN_SUPPORT: &str = "1%";

impl Default for DiscoverOptions {
    fn default() -> Self {
        Self {
            alpha: DEFAULT_ALPHA,
            k: DEFAULT_K,
            max_level: DEFAULT_MAX_LEVEL,
            min_support: MinSupport::Share(0.01),
        }
    }
}

/// One categorical column to slice on: its values (sorted as text, the
/// package's category order) and each row's value index.
#[derive(Debug, Clone)]
pub struct Feature {
    /// The column's name.
    pub name: String,
    /// Its values, sorted.
    pub values: Vec<String>,
    /// Per row, the index of its value.
    pub codes: Vec<u32>,
}

impl Feature {
    /// A feature from codes into `labels` (any order): values are sorted and
    /// codes remapped.
    #[must_use]
    pub fn new(name: &str, labels: &[String], codes: &[u32]) -> Self {
        let (values, remap) = Self::sorted(labels);
        Self {
            name: name.to_string(),
            values,
            codes: codes
                .iter()
                .map(|&c| remap.get(c as usize).copied().unwrap_or(0))
                .collect(),
        }
    }

    /// [`Feature::new`] from a column's group codes as they are kept (no
    /// copy of them first).
    #[must_use]
    pub fn of_codes(name: &str, labels: &[String], codes: &crate::core::dataset::Codes) -> Self {
        let (values, remap) = Self::sorted(labels);
        Self {
            name: name.to_string(),
            values,
            codes: codes.map_to_u32(|c| remap.get(c as usize).copied().unwrap_or(0)),
        }
    }

    /// The labels sorted, and each label's place among them.
    fn sorted(labels: &[String]) -> (Vec<String>, Vec<u32>) {
        let mut order: Vec<usize> = (0..labels.len()).collect();
        order.sort_by(|&a, &b| labels[a].cmp(&labels[b]));
        let mut remap = vec![0u32; labels.len()];
        for (new, &old) in order.iter().enumerate() {
            remap[old] = u32::try_from(new).unwrap_or(u32::MAX);
        }
        (order.iter().map(|&i| labels[i].clone()).collect(), remap)
    }
}

/// The error of each row: 0/1 (a bitmap, bit set = error) or continuous.
#[derive(Debug, Clone)]
pub enum Errors {
    /// Misclassified, one-vs-rest FN/FP, or human disagreement.
    Binary(Vec<u64>),
    /// A continuous error in [0, 1] such as 1 − the confidence.
    Continuous(Vec<f64>),
}

impl Errors {
    /// 0/1 errors from a per-row test.
    #[must_use]
    pub fn binary(n: usize, is_error: impl Fn(usize) -> bool + Sync) -> Self {
        use rayon::prelude::*;
        // A word of 64 rows at a time, on all cores.
        let bits = (0..n.div_ceil(64))
            .into_par_iter()
            .map(|w| {
                (w * 64..n.min(w * 64 + 64))
                    .filter(|&r| is_error(r))
                    .fold(0u64, |word, r| word | 1 << (r % 64))
            })
            .collect();
        Self::Binary(bits)
    }

    fn sum(&self) -> f64 {
        match self {
            #[allow(clippy::cast_precision_loss)]
            Self::Binary(b) => b.iter().map(|w| u64::from(w.count_ones())).sum::<u64>() as f64,
            Self::Continuous(v) => pairwise_sum(v),
        }
    }
}

/// Pairwise summation as numpy does it (blocks of 8 accumulators below 128
/// values), so the average error matches the package's `np.mean` bit for bit
/// on continuous errors.
fn pairwise_sum(v: &[f64]) -> f64 {
    if v.len() < 8 {
        return v.iter().fold(0.0, |a, &x| a + x);
    }
    if v.len() <= 128 {
        let mut r = [0.0f64; 8];
        r.copy_from_slice(&v[..8]);
        let mut i = 8;
        while i + 8 <= v.len() {
            for (j, acc) in r.iter_mut().enumerate() {
                *acc += v[i + j];
            }
            i += 8;
        }
        let mut res = ((r[0] + r[1]) + (r[2] + r[3])) + ((r[4] + r[5]) + (r[6] + r[7]));
        for &x in &v[i..] {
            res += x;
        }
        return res;
    }
    let half = (v.len() / 2) / 8 * 8;
    pairwise_sum(&v[..half]) + pairwise_sum(&v[half..])
}

/// A slice found, with its statistics.
#[derive(Debug, Clone, PartialEq)]
pub struct Found {
    /// (feature index, value index) per predicate, by feature.
    pub predicates: Vec<(usize, u32)>,
    /// SliceLine's score.
    pub score: f64,
    /// Rows in the slice.
    pub size: u64,
    /// Sum of the errors in the slice.
    pub errors: f64,
    /// The largest error in the slice.
    pub max_error: f64,
}

/// What one level of the lattice did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct LevelStats {
    /// The level (number of predicates).
    pub level: usize,
    /// Candidates evaluated over the rows.
    pub evaluated: usize,
}

/// The result of a search.
#[derive(Debug, Clone, PartialEq)]
pub struct Discovery {
    /// The top slices, best first.
    pub slices: Vec<Found>,
    /// The average error ē.
    pub average_error: f64,
    /// The minimum support in rows.
    pub min_support: u64,
    /// Rows searched.
    pub rows: usize,
    /// Per level, what was evaluated.
    pub levels: Vec<LevelStats>,
}

/// Why a search cannot run.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum DiscoverError {
    /// A minimum support that is neither a number of rows nor a share.
    #[error(
        "'{0}' is not a minimum support: give a number of rows (e.g. 50) or a share (e.g. 1% or 0.01)"
    )]
    MinSupport(String),
    /// An error definition naming no class of the data.
    #[error("'{name}' is not a class of the data; classes: {}", classes.join(", "))]
    NotAClass {
        /// The name given.
        name: String,
        /// The classes.
        classes: Vec<String>,
    },
    /// Human disagreements without a human-label column.
    #[error("--errors human needs a human-label column (--human COL)")]
    NeedsHuman,
    /// Probability errors without the probability of the true class.
    #[error(
        "--errors proba needs the probability of the true class: per-class probability columns (prob_<class>, or --proba-prefix), or with two classes a score that is a probability (0 to 1)"
    )]
    NeedsProba,
    /// An unknown error definition.
    #[error(
        "'{0}' is not an error definition: use misclassified, fn:CLASS, fp:CLASS, human or proba"
    )]
    UnknownKind(String),
    /// Weighted rows, which SliceLine cannot count.
    #[error(
        "the rows are weighted by '{0}' (a count cube or a weighted sample), and SliceLine counts rows one by one: run discover on the raw prediction table, or pass --weight \"\" if each row is one example"
    )]
    Weighted(String),
    /// A name that is no slice column.
    #[error(transparent)]
    NoSuchColumn(#[from] crate::core::dataset::NoSuchColumn),
    /// α outside (0, 1].
    #[error("alpha must be in (0, 1], not {0}: 0.98 weighs the error rate far above the size")]
    Alpha(f64),
    /// K = 0.
    #[error("k must be at least 1")]
    K,
    /// Level 0.
    #[error("the maximum level must be at least 1 (a slice has at least one predicate)")]
    Level,
    /// Nothing to slice on.
    #[error(
        "there is no categorical column to slice on: name some with --columns (numeric columns are cut into quantile bins)"
    )]
    NoColumns,
    /// A minimum support no slice can reach.
    #[error(
        "the minimum support of {min_support} rows is more than the {rows} rows: lower --min-support"
    )]
    SupportTooLarge {
        /// Rows asked for.
        min_support: u64,
        /// Rows there are.
        rows: usize,
    },
    /// So many values pass the minimum support that their row bitmaps
    /// would not fit the memory budget.
    #[error(
        "{values} column values have at least {min_support} rows, too many to search together: raise --min-support or leave out a column with many values"
    )]
    TooManyValues {
        /// Values that pass.
        values: usize,
        /// The minimum support in rows.
        min_support: u64,
    },
    /// A level would join more parent pairs than fit in memory.
    #[error(
        "level {level} would join {pairs} pairs of slices, too many to search: raise --min-support or lower --max-level"
    )]
    TooManyCandidates {
        /// The level.
        level: usize,
        /// Pairs it would join.
        pairs: usize,
    },
    /// Stopped from outside.
    #[error("slice discovery was cancelled")]
    Cancelled,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn min_support_reads_counts_shares_and_percentages() {
        assert_eq!(MinSupport::parse("50"), Ok(MinSupport::Count(50)));
        assert_eq!(MinSupport::parse("1%"), Ok(MinSupport::Share(0.01)));
        assert_eq!(MinSupport::parse("0.25"), Ok(MinSupport::Share(0.25)));
        assert!(MinSupport::parse("150%").is_err());
        assert!(MinSupport::parse("-3").is_err());
        assert_eq!(MinSupport::Share(0.01).rows(1999), 19);
    }

    #[test]
    fn pairwise_sum_matches_numpy_blocks() {
        let v: Vec<f64> = (0..1000).map(|i| f64::from(i) * 0.1).collect();
        let naive: f64 = v.iter().sum();
        assert!((pairwise_sum(&v) - naive).abs() < 1e-9);
    }
}
