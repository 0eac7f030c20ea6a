//! Agreement among annotators: from votes per class (`votes_<class>`
//! columns, as crowd-labelling tools export them) or one label column per
//! annotator (`annotator_<name>`, empty where that annotator did not label
//! the example).
//!
//! Per example: the majority label (ties reported, never broken) and the
//! agreement share (the majority's votes over all votes). Over examples:
//! Krippendorff's alpha for nominal data (as the `krippendorff` package
//! computes it from value counts), the annotators' accuracy against the
//! given label (the share of votes equal to it), and with one column per
//! annotator each annotator's accuracy and agreement with the others.
//! Intervals: 95% percentile bootstrap over examples.

use rustc_hash::FxHashMap;

use super::bootstrap::multinomial;
use super::dataset::{ColumnData, Dataset};
use super::stats::{Interval, quantile_sorted, rng};

/// Bootstrap replicates of the intervals.
pub const REPLICATES: usize = 1000;
/// The bootstrap's seed.
pub const SEED: u64 = 0;

/// Where the votes come from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Source {
    /// A count column per class: (class code, column).
    Votes(Vec<(u32, String)>),
    /// A label column per annotator: the columns.
    Annotators(Vec<String>),
}

/// Every example's votes.
#[derive(Debug, Clone, PartialEq)]
pub struct Votes {
    /// Where they come from.
    pub source: Source,
    /// Votes per class: `counts[class][row]`.
    pub counts: Vec<Vec<u32>>,
    /// With a column per annotator: each one's name and label per row.
    pub annotators: Vec<(String, Vec<Option<u32>>)>,
    /// Values that are no class, left out (column, value, rows).
    pub warnings: Vec<String>,
}

/// A vote column that cannot be read.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum VotesError {
    /// Not a whole number of votes.
    #[error(
        "column '{column}' counts votes, but row {row} holds {value}: give a whole number of votes (0 or more) in every row"
    )]
    NotACount {
        /// The column.
        column: String,
        /// The row (0-based).
        row: usize,
        /// What it holds.
        value: String,
    },
}

impl Votes {
    /// The votes as human labels counted per row: how many votes, and how
    /// many equal the given label.
    #[must_use]
    pub fn human_counts(&self, labels: &[u32]) -> super::dataset::HumanCounts {
        let n = labels.len();
        let mut labelled = vec![0.0; n];
        let mut agree = vec![0.0; n];
        for (c, counts) in self.counts.iter().enumerate() {
            for (r, &v) in counts.iter().enumerate() {
                labelled[r] += f64::from(v);
                if labels[r] as usize == c {
                    agree[r] += f64::from(v);
                }
            }
        }
        super::dataset::HumanCounts {
            labelled,
            agree,
            from_annotators: true,
        }
    }
}

/// The votes of `ds`, from `annotator_<name>` columns (preferred: they say
/// who voted) or `votes_<class>` columns naming at least two classes;
/// `None` when it has neither.
///
/// # Errors
/// A vote count that is not a whole number of votes.
pub fn detect(ds: &Dataset) -> Result<Option<Votes>, VotesError> {
    let k = ds.classes.len();
    let n = ds.rows();
    let [annotator_prefix, _] = ds.roles.vote_prefixes();
    let annotator_columns: Vec<&super::dataset::Column> = ds
        .columns
        .iter()
        .filter(|c| ds.roles.after_vote_prefix(&c.name, 0).is_some())
        .collect();
    if !annotator_columns.is_empty() {
        let mut counts = vec![vec![0u32; n]; k];
        let mut annotators = Vec::new();
        let mut warnings = Vec::new();
        for col in annotator_columns {
            let mut unknown: FxHashMap<String, usize> = FxHashMap::default();
            let labels: Vec<Option<u32>> = (0..n)
                .map(|r| {
                    let v = col.display(r);
                    let v = v.trim();
                    if v.is_empty() || v == super::temporal::MISSING {
                        return None;
                    }
                    let code = ds.class_code(v);
                    if code.is_none() {
                        *unknown.entry(v.to_string()).or_default() += 1;
                    }
                    code
                })
                .collect();
            for (r, l) in labels.iter().enumerate() {
                if let Some(c) = l {
                    counts[*c as usize][r] += 1;
                }
            }
            let mut unknown: Vec<(String, usize)> = unknown.into_iter().collect();
            unknown.sort();
            for (value, rows) in unknown {
                warnings.push(format!(
                    "column '{}' holds '{value}' in {rows} rows, which is no class; those votes are left out",
                    col.name
                ));
            }
            let name = ds
                .roles
                .after_vote_prefix(&col.name, 0)
                .unwrap_or(&col.name)
                .to_string();
            annotators.push((name, labels));
        }
        let source = Source::Annotators(
            annotators
                .iter()
                .map(|(name, _)| format!("{}{name}", annotator_prefix.unwrap_or_default()))
                .collect(),
        );
        return Ok(Some(Votes {
            source,
            counts,
            annotators,
            warnings,
        }));
    }
    let mut per_class: Vec<(u32, &super::dataset::Column)> = Vec::new();
    for col in &ds.columns {
        if let Some(class) = ds
            .roles
            .after_vote_prefix(&col.name, 1)
            .and_then(|c| ds.class_code(c))
            && matches!(col.data, ColumnData::Numeric { .. })
            && !per_class.iter().any(|(c, _)| *c == class)
        {
            per_class.push((class, col));
        }
    }
    if per_class.len() < 2 {
        return Ok(None);
    }
    let mut counts = vec![vec![0u32; n]; k];
    for (class, col) in &per_class {
        let ColumnData::Numeric { values, .. } = &col.data else {
            continue;
        };
        for (r, &v) in values.iter().enumerate() {
            let whole = v.is_nan() || (v >= 0.0 && v.fract() == 0.0 && v <= f64::from(u32::MAX));
            if !whole {
                return Err(VotesError::NotACount {
                    column: col.name.clone(),
                    row: r,
                    value: col.display(r).into_owned(),
                });
            }
            #[allow(clippy::cast_possible_truncation, clippy::cast_sign_loss)]
            if !v.is_nan() {
                counts[*class as usize][r] = v as u32;
            }
        }
    }
    per_class.sort_by_key(|(c, _)| *c);
    Ok(Some(Votes {
        source: Source::Votes(
            per_class
                .iter()
                .map(|(c, col)| (*c, col.name.clone()))
                .collect(),
        ),
        counts,
        annotators: Vec::new(),
        warnings: Vec::new(),
    }))
}

/// Agreement over a set of examples.
#[derive(Debug, Clone, PartialEq)]
pub struct Agreement {
    /// Examples.
    pub rows: u64,
    /// Examples with at least two votes (the pairable units).
    pub pairable: u64,
    /// Votes.
    pub votes: u64,
    /// Krippendorff's alpha (nominal); `None` without disagreement to
    /// expect (one value, or no pairable example).
    pub alpha: Option<f64>,
    /// Its bootstrap 95% interval over examples.
    pub alpha_ci: Option<Interval>,
    /// The share of votes equal to the given label.
    pub accuracy: Option<f64>,
    /// Its bootstrap 95% interval over examples.
    pub accuracy_ci: Option<Interval>,
    /// Examples whose majority is the given label.
    pub majority_agrees: u64,
    /// Examples whose most voted classes tie.
    pub ties: u64,
    /// Mean agreement share (the majority's votes over all votes) of the
    /// examples with votes.
    pub mean_agreement: Option<f64>,
}

/// One kind of example for the sums: its votes per class and given label.
#[derive(Debug, Clone, Default)]
struct Sums {
    /// Σ over pairable units of (m² − Σ n²) / (m − 1), n a class's votes.
    disagreeing: f64,
    /// Votes per class over pairable units.
    pairable_votes: Vec<f64>,
    /// Votes equal to the given label, and all votes.
    right: f64,
    votes: f64,
}

impl Sums {
    fn new(k: usize) -> Self {
        Self {
            pairable_votes: vec![0.0; k],
            ..Self::default()
        }
    }

    /// Adds `times` examples with these votes and this label.
    fn add(&mut self, votes: &[u32], label: usize, times: f64) {
        // In floating point: vote counts come from the file, and their
        // squares overflow whole numbers of 64 bits.
        let m: f64 = votes.iter().map(|&v| f64::from(v)).sum();
        self.votes += m * times;
        self.right += f64::from(votes.get(label).copied().unwrap_or(0)) * times;
        if m >= 2.0 {
            let squares: f64 = votes.iter().map(|&v| f64::from(v) * f64::from(v)).sum();
            self.disagreeing += (m * m - squares) / (m - 1.0) * times;
            for (c, &v) in votes.iter().enumerate() {
                self.pairable_votes[c] += f64::from(v) * times;
            }
        }
    }

    /// Krippendorff's alpha (nominal):
    /// 1 − (n − 1) · Σ disagreeing / (n² − Σ over classes of their votes²).
    fn alpha(&self) -> Option<f64> {
        let n: f64 = self.pairable_votes.iter().sum();
        let squares: f64 = self.pairable_votes.iter().map(|v| v * v).sum();
        let expected = n * n - squares;
        (expected > 0.0).then(|| 1.0 - (n - 1.0) * self.disagreeing / expected)
    }

    fn accuracy(&self) -> Option<f64> {
        (self.votes > 0.0).then(|| self.right / self.votes)
    }
}

/// The agreement over the examples `rows` of `votes` with given `labels`.
#[must_use]
pub fn agreement(
    votes: &Votes,
    labels: &[u32],
    rows: &[usize],
    replicates: usize,
    seed: u64,
) -> Agreement {
    let k = votes.counts.len();
    // Examples with the same votes and label are one kind: the sums and
    // the bootstrap work on kinds (a few hundred), not examples.
    let mut kinds: FxHashMap<(Vec<u32>, u32), usize> = FxHashMap::default();
    let mut kind_votes: Vec<(Vec<u32>, u32)> = Vec::new();
    let mut weights: Vec<f64> = Vec::new();
    let (mut majority_agrees, mut ties, mut pairable, mut with_votes) = (0u64, 0u64, 0u64, 0u64);
    let mut agreement_sum = 0.0;
    for &r in rows {
        let v: Vec<u32> = (0..k).map(|c| votes.counts[c][r]).collect();
        let m: u64 = v.iter().map(|&x| u64::from(x)).sum();
        if m >= 2 {
            pairable += 1;
        }
        if m > 0 {
            with_votes += 1;
            let top = v.iter().copied().max().unwrap_or(0);
            #[allow(clippy::cast_precision_loss)]
            {
                agreement_sum += f64::from(top) / m as f64;
            }
            let leaders: Vec<usize> = (0..k).filter(|&c| v[c] == top).collect();
            if leaders.len() > 1 {
                ties += 1;
            } else if leaders[0] == labels[r] as usize {
                majority_agrees += 1;
            }
        }
        let key = (v, labels[r]);
        let next = kind_votes.len();
        let i = *kinds.entry(key.clone()).or_insert_with(|| {
            kind_votes.push(key);
            weights.push(0.0);
            next
        });
        weights[i] += 1.0;
    }
    let sums_of = |times: &[f64]| {
        let mut s = Sums::new(k);
        for ((v, l), &t) in kind_votes.iter().zip(times) {
            if t > 0.0 {
                s.add(v, *l as usize, t);
            }
        }
        s
    };
    let all = sums_of(&weights);
    let (alpha, accuracy) = (all.alpha(), all.accuracy());
    let mut rng = rng(seed);
    let (mut alphas, mut accuracies) = (Vec::new(), Vec::new());
    if !rows.is_empty() {
        for _ in 0..replicates {
            #[allow(clippy::cast_precision_loss)]
            let times: Vec<f64> = multinomial(&mut rng, rows.len() as u64, &weights)
                .into_iter()
                .map(|x| x as f64)
                .collect();
            let s = sums_of(&times);
            alphas.extend(s.alpha().filter(|a| a.is_finite()));
            accuracies.extend(s.accuracy());
        }
    }
    let interval = |mut v: Vec<f64>, point: Option<f64>| {
        let p = point?;
        if v.len() < replicates / 2 || v.is_empty() {
            return None;
        }
        v.sort_by(f64::total_cmp);
        let (lo, hi) = (quantile_sorted(&v, 0.025)?, quantile_sorted(&v, 0.975)?);
        Some(Interval::new(lo.min(p), hi.max(p)))
    };
    #[allow(
        clippy::cast_precision_loss,
        clippy::cast_possible_truncation,
        clippy::cast_sign_loss
    )]
    Agreement {
        rows: rows.len() as u64,
        pairable,
        votes: all.votes as u64,
        alpha,
        alpha_ci: interval(alphas, alpha),
        accuracy,
        accuracy_ci: interval(accuracies, accuracy),
        majority_agrees,
        ties,
        mean_agreement: (with_votes > 0).then(|| agreement_sum / with_votes as f64),
    }
}

/// One annotator against the given labels and the other annotators.
#[derive(Debug, Clone, PartialEq)]
pub struct Annotator {
    /// The name (after `annotator_`).
    pub name: String,
    /// Examples labelled.
    pub labelled: u64,
    /// The share of them labelled as the given label.
    pub accuracy: Option<f64>,
    /// Over the examples one or more others labelled too: the mean share of
    /// the others who chose the same class.
    pub agreement: Option<f64>,
}

/// Each annotator's accuracy and agreement with the others (one column per
/// annotator only).
#[must_use]
pub fn per_annotator(votes: &Votes, labels: &[u32]) -> Vec<Annotator> {
    votes
        .annotators
        .iter()
        .map(|(name, own)| {
            let (mut labelled, mut right, mut shared, mut agree) = (0u64, 0u64, 0u64, 0.0);
            for (r, l) in own.iter().enumerate() {
                let Some(l) = *l else { continue };
                labelled += 1;
                right += u64::from(l == labels[r]);
                let m: u32 = votes.counts.iter().map(|c| c[r]).sum();
                let others = m - 1;
                if others > 0 {
                    shared += 1;
                    agree += f64::from(votes.counts[l as usize][r] - 1) / f64::from(others);
                }
            }
            #[allow(clippy::cast_precision_loss)]
            Annotator {
                name: name.clone(),
                labelled,
                accuracy: (labelled > 0).then(|| right as f64 / labelled as f64),
                agreement: (shared > 0).then(|| agree / shared as f64),
            }
        })
        .collect()
}

/// Slice groups beyond which a slice's groups get no bootstrap interval.
const GROUPS_WITH_INTERVALS: usize = 100;

/// What a report says of the annotators.
#[derive(Debug, Clone, PartialEq)]
pub struct Summary {
    /// Where the votes come from, in words.
    pub source: String,
    /// Every example.
    pub overall: Agreement,
    /// Per class of the given label.
    pub per_class: Vec<(String, Agreement)>,
    /// Per slice: its name and its groups.
    pub slices: Vec<(String, Vec<(String, Agreement)>)>,
    /// Per tag of the session.
    pub tags: Vec<(String, Agreement)>,
    /// With a column per annotator: each one.
    pub annotators: Vec<Annotator>,
    /// Votes left out.
    pub warnings: Vec<String>,
}

/// The annotators' summary of `ds` (`None` without vote or annotator
/// columns), per class, per group of each slice of `by` and per tag.
///
/// # Errors
/// A vote count that is not a count.
pub fn summarize(
    ds: &Dataset,
    state: Option<&super::tags::Annotations>,
    by: &[Vec<String>],
) -> Result<Option<Summary>, VotesError> {
    let Some(votes) = detect(ds)? else {
        return Ok(None);
    };
    let all: Vec<usize> = (0..ds.rows()).collect();
    let of =
        |rows: &[usize], replicates: usize| agreement(&votes, &ds.label, rows, replicates, SEED);
    let mut by_class: Vec<Vec<usize>> = vec![Vec::new(); ds.classes.len()];
    for r in 0..ds.rows() {
        by_class[ds.label[r] as usize].push(r);
    }
    let per_class = ds
        .classes
        .iter()
        .zip(&by_class)
        .filter(|(_, rows)| !rows.is_empty())
        .map(|(c, rows)| (c.clone(), of(rows, REPLICATES)))
        .collect();
    let mut slices = Vec::new();
    for columns in by {
        let Ok(key) = super::slices::SliceKey::new(ds, columns) else {
            continue;
        };
        let (names, cells) = key.row_groups(ds);
        let mut rows: Vec<Vec<usize>> = vec![Vec::new(); names.len()];
        for r in 0..ds.rows() {
            rows[cells[key.cell(r)]].push(r);
        }
        let replicates = if names.len() > GROUPS_WITH_INTERVALS {
            0
        } else {
            REPLICATES
        };
        let groups = names
            .into_iter()
            .zip(&rows)
            .map(|(name, rows)| (name, of(rows, replicates)))
            .collect();
        slices.push((key.name(), groups));
    }
    let tags = state.map_or_else(Vec::new, |s| {
        s.tags()
            .iter()
            .map(|t| {
                let rows: Vec<usize> = (0..ds.rows()).filter(|&r| t.members.get(r)).collect();
                (t.def.name.clone(), of(&rows, REPLICATES))
            })
            .collect()
    });
    let source = match &votes.source {
        Source::Annotators(columns) => format!(
            "{} annotator columns ({})",
            columns.len(),
            columns.join(", ")
        ),
        Source::Votes(columns) => format!(
            "vote counts per class ({})",
            columns
                .iter()
                .map(|(_, c)| c.as_str())
                .collect::<Vec<_>>()
                .join(", ")
        ),
    };
    Ok(Some(Summary {
        source,
        overall: of(&all, REPLICATES),
        per_class,
        slices,
        tags,
        annotators: per_annotator(&votes, &ds.label),
        warnings: votes.warnings.clone(),
    }))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn votes(rows: &[[u32; 2]]) -> Votes {
        Votes {
            source: Source::Votes(vec![(0, "votes_a".into()), (1, "votes_b".into())]),
            counts: (0..2)
                .map(|c| rows.iter().map(|r| r[c]).collect())
                .collect(),
            annotators: Vec::new(),
            warnings: Vec::new(),
        }
    }

    #[test]
    fn perfect_agreement_is_one_and_chance_is_about_zero() {
        let v = votes(&[[3, 0], [0, 3], [3, 0], [0, 3]]);
        let a = agreement(&v, &[0, 1, 0, 1], &[0, 1, 2, 3], 100, 1);
        assert!((a.alpha.unwrap() - 1.0).abs() < 1e-12);
        assert!((a.accuracy.unwrap() - 1.0).abs() < 1e-12);
        assert_eq!((a.majority_agrees, a.ties, a.pairable), (4, 0, 4));
        // Every example split 1–1: agreement below chance, a tie each.
        let v = votes(&[[1, 1], [1, 1]]);
        let a = agreement(&v, &[0, 1], &[0, 1], 100, 1);
        assert!(a.alpha.unwrap() < 0.0);
        assert_eq!(a.ties, 2);
    }

    #[test]
    fn vote_counts_as_large_as_a_file_can_hold_do_not_overflow() {
        let big = u32::MAX;
        let v = votes(&[[big, big], [big, 0], [0, big]]);
        let a = agreement(&v, &[0, 0, 1], &[0, 1, 2], 10, 1);
        assert!(a.alpha.is_some_and(f64::is_finite), "{a:?}");
        assert!((a.accuracy.unwrap() - 0.75).abs() < 1e-12);
        assert_eq!(a.ties, 1);
    }
}
