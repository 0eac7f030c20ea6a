//! The loaded prediction table in compact columnar form: class codes for the
//! label and prediction, a correctness bitmap, categorical codes for every
//! slice column. Every statistic is a count over these arrays.

use std::borrow::Cow;
use std::path::PathBuf;

mod bitmap;
mod codes;
mod ids;

pub use bitmap::Bitmap;
pub use codes::{Codes, Grouping};
pub use ids::{IdPattern, Ids, Numbers, StrColumn};

use super::stats::Count;

/// A name that is no column of the data.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("no column '{name}' {what}.{suggestion} Slice columns: {}", columns.join(", "))]
pub struct NoSuchColumn {
    /// The name given.
    pub name: String,
    /// What it was wanted for ("to slice on").
    pub what: &'static str,
    /// " Did you mean 'x'?", or nothing.
    pub suggestion: String,
    /// The slice columns there are.
    pub columns: Vec<String>,
}

/// Code stored for a missing human label.
pub const NO_HUMAN: u32 = u32::MAX;

pub use super::temporal::MISSING;

/// How a numeric column was grouped for slicing.
#[derive(Debug, Clone, PartialEq)]
pub enum NumericGrouping {
    /// Few distinct values: one group per value.
    Distinct,
    /// Quantile bins with these edges (`edges.len() - 1` bins; the last is closed).
    Bins(Vec<f64>),
}

/// The values of one metadata column.
#[derive(Debug, Clone)]
pub enum ColumnData {
    /// Strings, booleans and other discrete values.
    Categorical(Grouping),
    /// Numbers (NaN for missing), with a grouping for slicing.
    Numeric {
        /// The raw values, used by rules (`snr < 10`).
        values: Vec<f64>,
        /// One group per distinct value or per quantile bin.
        groups: Grouping,
        /// How the groups were made.
        grouping: NumericGrouping,
        /// What the numbers stand for (dates, times, durations, or plain).
        kind: super::temporal::NumberKind,
    },
}

/// What a metadata column is for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub enum ColumnUse {
    /// Available for slicing and rules.
    Slice,
    /// An image path, shown in the inspector.
    Image,
    /// Free text, shown in the inspector.
    Text,
    /// Other metadata the user chose not to slice by (File → Columns…),
    /// shown in the inspector among the columns.
    Shown,
}

/// One metadata column (anything that is not label, prediction, score, id or human).
#[derive(Debug, Clone)]
pub struct Column {
    /// The column's name in the file.
    pub name: String,
    /// What the column is for.
    pub usage: ColumnUse,
    /// The values.
    pub data: ColumnData,
}

impl Column {
    /// The grouping used for slicing.
    #[must_use]
    pub fn groups(&self) -> &Grouping {
        match &self.data {
            ColumnData::Categorical(g) | ColumnData::Numeric { groups: g, .. } => g,
        }
    }

    /// The value of `row` as text (the raw number for numeric columns).
    #[must_use]
    pub fn display(&self, row: usize) -> Cow<'_, str> {
        match &self.data {
            ColumnData::Categorical(g) => Cow::Borrowed(g.label_of_row(row)),
            ColumnData::Numeric { values, kind, .. } => {
                let v = values[row];
                if v.is_nan() {
                    Cow::Borrowed(MISSING)
                } else {
                    Cow::Owned(kind.format(v))
                }
            }
        }
    }
}

pub use super::temporal::{format_edge, format_number};

/// One class's probability column.
#[derive(Debug, Clone, PartialEq)]
pub struct ProbaColumn {
    /// The class code.
    pub class: u32,
    /// The column's name in the file.
    pub name: String,
    /// The probability per row (NaN where missing).
    pub values: Vec<f64>,
}

/// Per-class probability columns (`prob_<class>` and the like), in class order.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Probas {
    /// The columns found, one per class that has one.
    pub columns: Vec<ProbaColumn>,
}

impl Probas {
    /// The probabilities of class `class`, if it has a column.
    #[must_use]
    pub fn of(&self, class: u32) -> Option<&[f64]> {
        self.columns
            .iter()
            .find(|c| c.class == class)
            .map(|c| c.values.as_slice())
    }

    /// Whether every one of `n_classes` classes has a column.
    #[must_use]
    pub fn complete(&self, n_classes: usize) -> bool {
        self.columns.len() == n_classes
    }
}

/// The column names that play each role.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Roles {
    /// True label.
    pub label: String,
    /// Predicted label.
    pub pred: String,
    /// Model score (confidence or probability).
    pub score: Option<String>,
    /// Example id.
    pub id: Option<String>,
    /// Human label, for human-level performance.
    pub human: Option<String>,
    /// Image path.
    pub image: Option<String>,
    /// Free text.
    pub text: Option<String>,
    /// Weight column (how many examples a row stands for).
    #[serde(default)]
    pub weight: Option<String>,
    /// Columns kept for the inspector but not sliced by (chosen in File →
    /// Columns…); every other metadata column is a slice column.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub not_slices: Vec<String>,
    /// The prefix of annotator label columns (`None`: `annotator_`; empty:
    /// none are read as annotators).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub annotator_prefix: Option<String>,
    /// The prefix of vote count columns (`None`: `votes_`; empty: none).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub votes_prefix: Option<String>,
}

impl Roles {
    /// The columns a role names, in the order label, prediction, id, score,
    /// human, image, text, weight.
    #[must_use]
    pub fn columns(&self) -> Vec<&String> {
        [Some(&self.label), Some(&self.pred)]
            .into_iter()
            .chain([
                self.id.as_ref(),
                self.score.as_ref(),
                self.human.as_ref(),
                self.image.as_ref(),
                self.text.as_ref(),
                self.weight.as_ref(),
            ])
            .flatten()
            .collect()
    }

    /// The prefixes of annotator and vote count columns these roles ask
    /// for (`None`: none of that shape; `--annotator-prefix` and
    /// `--votes-prefix`, else `annotator_` and `votes_`).
    #[must_use]
    pub fn vote_prefixes(&self) -> [Option<&str>; 2] {
        [
            (self.annotator_prefix.as_deref(), "annotator_"),
            (self.votes_prefix.as_deref(), "votes_"),
        ]
        .map(|(chosen, default)| match chosen {
            None => Some(default),
            Some("") => None,
            Some(p) => Some(p),
        })
    }

    /// The rest of column `name` after one of [`Self::vote_prefixes`]
    /// (`which`: 0 annotators, 1 vote counts; case aside), when there is a
    /// rest.
    #[must_use]
    pub fn after_vote_prefix<'a>(&self, name: &'a str, which: usize) -> Option<&'a str> {
        let prefix = self.vote_prefixes()[which]?;
        let head = name.get(..prefix.len())?;
        head.eq_ignore_ascii_case(prefix)
            .then(|| &name[prefix.len()..])
            .filter(|rest| !rest.is_empty())
    }

    /// Whether column `name` could hold an annotator's labels or a class's
    /// votes (a load that reads only some columns reads these too; no view
    /// starts with them as slices).
    #[must_use]
    pub fn is_vote_column(&self, name: &str) -> bool {
        (0..2).any(|which| self.after_vote_prefix(name, which).is_some())
    }
}

/// Per-row weights from a weight column (scikit-learn's `sample_weight`).
#[derive(Debug, Clone, PartialEq)]
pub struct Weights {
    /// The column they came from.
    pub column: String,
    /// One non-negative, finite weight per row.
    pub values: Vec<f64>,
    /// Whether any weight is not a whole number: intervals then use Kish's
    /// effective sample size instead of counting a row of weight `w` as `w`
    /// rows.
    pub fractional: bool,
}

impl Weights {
    /// Weights from a column's values, which the loader has checked.
    #[must_use]
    pub fn new(column: String, values: Vec<f64>) -> Self {
        let fractional = values.iter().any(|w| w.fract() != 0.0);
        Self {
            column,
            values,
            fractional,
        }
    }
}

/// Human agreement counted per row, as a count cube carries it: how many
/// of the examples a row stands for have a human label, and how many of
/// those agree with the true label.
#[derive(Debug, Clone, PartialEq)]
pub struct HumanCounts {
    /// Examples with a human label, per row.
    pub labelled: Vec<f64>,
    /// Examples whose human label equals the true label, per row.
    pub agree: Vec<f64>,
    /// Counted from annotators' votes (`annotator_<name>`, `votes_<class>`)
    /// rather than a count cube's columns: each vote is one human label.
    pub from_annotators: bool,
}

/// The cube columns of [`HumanCounts`].
pub const HUMAN_COUNT_COLUMNS: (&str, &str) = ("human_n", "human_agree");

/// Where the data came from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SourceInfo {
    /// The file.
    pub path: PathBuf,
    /// Its size in bytes.
    pub size: u64,
    /// A content fingerprint (see [`crate::core::load::fingerprint`]).
    pub fingerprint: String,
}

/// A loaded predictions table.
#[derive(Debug, Clone)]
pub struct Dataset {
    /// The file it was loaded from.
    pub source: SourceInfo,
    /// Which column plays which role.
    pub roles: Roles,
    /// Class names: the sorted union of label and prediction values.
    pub classes: Vec<String>,
    /// True class code per row.
    pub label: Vec<u32>,
    /// Predicted class code per row.
    pub pred: Vec<u32>,
    /// Whether the prediction equals the label, per row.
    pub correct: Bitmap,
    /// Misclassified rows, counted once when `correct` was built (the
    /// prioritisation table asks for it on every tag edit).
    pub n_errors: usize,
    /// Model score per row (NaN where missing).
    pub score: Option<Vec<f64>>,
    /// Per-class probability columns, when the file has them.
    pub probas: Option<Probas>,
    /// Human label code per row ([`NO_HUMAN`] where missing); codes at or above
    /// `classes.len()` index `human_extra_classes`.
    pub human: Option<Vec<u32>>,
    /// Human label values that are not classes of the model.
    pub human_extra_classes: Vec<String>,
    /// Human agreement counts per row, in a count cube (instead of `human`).
    pub human_counts: Option<HumanCounts>,
    /// Row weights, when the file has a weight column.
    pub weights: Option<Weights>,
    /// The weight of all rows and of the misclassified rows (the row counts
    /// without weights), counted once when loading.
    pub weighed: (Count, Count),
    /// Row identifiers.
    pub ids: Ids,
    /// Metadata columns, in file order.
    pub columns: Vec<Column>,
    /// Things the user should know about the load (no id column, ...).
    pub warnings: Vec<String>,
    /// Seconds spent in each phase of loading, for `--timings`.
    pub load_phases: Vec<(&'static str, f64)>,
}

impl Dataset {
    /// The memory the loaded columns hold, by kind of column: (kind,
    /// bytes), largest first. What a row costs after loading.
    #[must_use]
    pub fn memory(&self) -> Vec<(&'static str, usize)> {
        let strings = |v: &[String]| v.iter().map(|s| s.capacity() + 24).sum::<usize>();
        let mut out = vec![
            (
                "labels and predictions",
                (self.label.capacity() + self.pred.capacity()) * 4,
            ),
            ("correctness bitmap", self.correct.heap_bytes()),
            ("score", self.score.as_ref().map_or(0, |s| s.capacity() * 8)),
            (
                "class probabilities",
                self.probas.as_ref().map_or(0, |p| {
                    p.columns.iter().map(|c| c.values.capacity() * 8).sum()
                }),
            ),
            (
                "human labels",
                self.human.as_ref().map_or(0, |h| h.capacity() * 4),
            ),
            ("ids", self.ids.heap_bytes()),
        ];
        let (mut codes, mut numbers, mut text) = (0, 0, 0);
        for c in &self.columns {
            let g = c.groups();
            let grouping = g.codes.heap_bytes() + strings(&g.labels);
            match (&c.usage, &c.data) {
                (ColumnUse::Slice, ColumnData::Numeric { values, .. }) => {
                    codes += grouping;
                    numbers += values.capacity() * 8;
                }
                (ColumnUse::Slice, ColumnData::Categorical(_)) => codes += grouping,
                _ => text += grouping,
            }
        }
        out.push(("slice columns (group codes)", codes));
        out.push(("numeric slice columns (values)", numbers));
        out.push(("image and text columns", text));
        out.retain(|(_, b)| *b > 0);
        out.sort_by_key(|(_, b)| std::cmp::Reverse(*b));
        out
    }

    /// Number of rows.
    #[must_use]
    pub fn rows(&self) -> usize {
        self.label.len()
    }

    /// Number of misclassified rows.
    #[must_use]
    pub fn errors(&self) -> usize {
        self.n_errors
    }

    /// Whether the rows are a count cube: weighted, and without ids, so each
    /// row is a group of examples rather than an example to review.
    #[must_use]
    pub fn is_cube(&self) -> bool {
        self.weights.is_some() && self.roles.id.is_none()
    }

    /// What `row` counts for: [`Count::ONE`] without weights.
    #[must_use]
    #[inline]
    pub fn unit(&self, row: usize) -> Count {
        match &self.weights {
            None => Count::ONE,
            Some(w) => Count::of_weight(w.values[row], w.fractional),
        }
    }

    /// What the rows count for together.
    #[must_use]
    pub fn weigh(&self, rows: impl Iterator<Item = usize>) -> Count {
        match &self.weights {
            None => Count::unweighted(rows.count() as u64),
            Some(w) => rows
                .map(|r| Count::of_weight(w.values[r], w.fractional))
                .sum(),
        }
    }

    /// What all rows count for (the number of rows without weights).
    #[must_use]
    pub fn total(&self) -> Count {
        self.weighed.0
    }

    /// What the misclassified rows count for.
    #[must_use]
    pub fn error_total(&self) -> Count {
        self.weighed.1
    }

    /// Counts `weighed` from the rows and the correctness bitmap; call after
    /// changing either.
    pub fn weigh_totals(&mut self) {
        let rows = self.rows();
        self.weighed = if self.weights.is_none() {
            // Rows count one each: the errors are the bitmap's clear bits,
            // counted a word at a time (a bit at a time took 7 ms of one
            // core at 10M rows while the other waited).
            let errors = rows.saturating_sub(self.correct.count_ones());
            (
                Count::unweighted(rows as u64),
                Count::unweighted(errors as u64),
            )
        } else {
            (
                self.weigh(0..rows),
                self.weigh((0..rows).filter(|&r| !self.correct.get(r))),
            )
        };
    }

    /// Whether `row` is misclassified.
    #[must_use]
    #[inline]
    pub fn is_error(&self, row: usize) -> bool {
        !self.correct.get(row)
    }

    /// The column named `name` (case-sensitive first, then case-insensitive).
    #[must_use]
    pub fn column(&self, name: &str) -> Option<&Column> {
        self.columns.iter().find(|c| c.name == name).or_else(|| {
            self.columns
                .iter()
                .find(|c| c.name.eq_ignore_ascii_case(name))
        })
    }

    /// The column named `name`, or an error naming the nearest slice
    /// column (`what` says what it was wanted for: "to slice on").
    ///
    /// # Errors
    /// When no column has that name.
    pub fn column_for(&self, name: &str, what: &'static str) -> Result<&Column, NoSuchColumn> {
        self.column(name).ok_or_else(|| {
            let known: Vec<String> = self.slice_columns().map(|c| c.name.clone()).collect();
            NoSuchColumn {
                name: name.to_string(),
                what,
                suggestion: super::suggest::did_you_mean(name, known.iter().map(String::as_str)),
                columns: known,
            }
        })
    }

    /// Columns offered for slicing.
    pub fn slice_columns(&self) -> impl Iterator<Item = &Column> {
        self.columns.iter().filter(|c| c.usage == ColumnUse::Slice)
    }

    /// Whether the column `name` describes the human label rather than the
    /// examples: named after the human-label column (`human_agreement`,
    /// `human_n`, `human_sampled` beside `human`), for annotators and
    /// their agreement, or an annotator's labels or a class's votes. Such
    /// columns stay slice columns, but no view and no search defaults to
    /// them.
    #[must_use]
    pub fn describes_human_label(&self, name: &str) -> bool {
        let lower = name.to_lowercase();
        let after_human = self.roles.human.as_deref().is_some_and(|h| {
            let h = h.to_lowercase();
            lower.len() > h.len()
                && lower.starts_with(&h)
                && lower[h.len()..].starts_with(['_', '-', ' ', '.'])
        });
        after_human
            || self.roles.is_vote_column(name)
            || ["human", "annotator", "rater", "agreement", "crowd"]
                .iter()
                .any(|w| lower.contains(w))
    }

    /// The slice columns a view or a search starts with: those that do not
    /// describe the human label (all of them when every one does).
    pub fn default_slice_columns(&self) -> impl Iterator<Item = &Column> {
        let all_human = self
            .slice_columns()
            .all(|c| self.describes_human_label(&c.name));
        self.slice_columns()
            .filter(move |c| all_human || !self.describes_human_label(&c.name))
    }

    /// The code of the class named `name`.
    #[must_use]
    pub fn class_code(&self, name: &str) -> Option<u32> {
        self.classes
            .iter()
            .position(|c| c == name)
            .and_then(|i| u32::try_from(i).ok())
    }

    /// The name of a human-label code (class or extra value).
    #[must_use]
    pub fn human_value_name(&self, code: u32) -> Option<&str> {
        if code == NO_HUMAN {
            return None;
        }
        let code = code as usize;
        self.classes
            .get(code)
            .or_else(|| self.human_extra_classes.get(code - self.classes.len()))
            .map(String::as_str)
    }

    /// What `row` counts for among examples with a human label, and among
    /// those whose human label agrees with the true label; `None` without
    /// human labels (or when the row's is missing).
    #[must_use]
    #[inline]
    pub fn human_units(&self, row: usize) -> Option<(Count, Count)> {
        if let Some(c) = &self.human_counts {
            return Some((
                Count::of_weight(c.labelled[row], false),
                Count::of_weight(c.agree[row], false),
            ));
        }
        let agree = self.human_correct(row)?;
        let unit = self.unit(row);
        Some((unit, if agree { unit } else { Count::ZERO }))
    }

    /// Whether the dataset has human labels, per row or counted.
    #[must_use]
    pub fn has_human(&self) -> bool {
        self.human.is_some() || self.human_counts.is_some()
    }

    /// Whether the human label of `row` equals the true label; `None` without
    /// a human column or when the human label is missing.
    #[must_use]
    #[inline]
    pub fn human_correct(&self, row: usize) -> Option<bool> {
        let human = self.human.as_ref()?[row];
        (human != NO_HUMAN).then(|| human == self.label[row])
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bitmap_sets_counts_and_iterates() {
        let mut b = Bitmap::new(130);
        for i in [0, 5, 63, 64, 129] {
            b.set(i, true);
        }
        assert_eq!(b.count_ones(), 5);
        assert_eq!(b.ones().collect::<Vec<_>>(), vec![0, 5, 63, 64, 129]);
        b.set(63, false);
        assert!(!b.get(63));
        assert_eq!(b.count_ones(), 4);
    }

    #[test]
    fn str_column_round_trips() {
        let mut s = StrColumn::with_capacity(3, 10);
        for v in ["a", "", "héllo"] {
            s.push(v);
        }
        assert_eq!((s.get(0), s.get(1), s.get(2)), ("a", "", "héllo"));
    }

    #[test]
    fn numbers_format_compactly() {
        assert_eq!(format_number(3.0), "3");
        assert_eq!(format_number(0.25), "0.25");
        assert_eq!(format_number(1.0 / 3.0), "0.333333");
        assert_eq!(format_number(-2.5), "-2.5");
    }

    #[test]
    fn ids_that_are_one_number_in_fixed_text_round_trip_exactly() {
        let padded = IdPattern::of("utt00000042", true).unwrap();
        assert_eq!((padded.prefix.as_str(), padded.width), ("utt", 8));
        assert_eq!(padded.number("utt00000042"), Some(42));
        assert_eq!(padded.format(42), "utt00000042");
        // A different width or text is not this pattern.
        assert_eq!(padded.number("utt0000042"), None);
        assert_eq!(padded.number("utx00000042"), None);
        let plain = IdPattern::of("img_17.jpg", false).unwrap();
        assert_eq!(
            (plain.prefix.as_str(), plain.suffix.as_str()),
            ("img_", ".jpg")
        );
        assert_eq!(plain.number("img_170.jpg"), Some(170));
        // "img_07.jpg" is not "img_7.jpg": a zero in front is refused.
        assert_eq!(plain.number("img_07.jpg"), None);
        assert_eq!(plain.number("img_0.jpg"), Some(0));
        assert_eq!(IdPattern::of("no digits", false), None);
        assert_eq!(IdPattern::of("1234567890123456789", true), None, "too long");
    }

    #[test]
    fn consecutive_numbers_are_runs_and_others_one_a_row() {
        let mut n: Numbers = (100..200).chain(500..510).chain([7]).collect();
        assert!(matches!(&n, Numbers::Runs { starts, len: 111 } if starts.len() == 3));
        assert_eq!(
            (n.get(0), n.get(99), n.get(100), n.get(110)),
            (100, 199, 500, 7)
        );
        assert_eq!(n.iter().count(), 111);
        assert!(n.iter().zip(0..).all(|(v, r)| v == n.get(r)));
        assert!(!n.strictly_increasing());
        n.shrink_to_fit();
        assert!(n.heap_bytes() <= 48);
        // Numbers in no order take one slot a row once runs cost more.
        let shuffled: Numbers = (0..1_000_i64).map(|i| (i * 7_919) % 1_000).collect();
        assert!(matches!(shuffled, Numbers::Plain(_)));
        assert_eq!(shuffled.get(1), 919);
        let rising: Numbers = [1, 2, 3, 10, 11, 20].into_iter().collect();
        assert!(rising.strictly_increasing());
        let repeat: Numbers = [1, 2, 3, 3, 4].into_iter().collect();
        assert!(!repeat.strictly_increasing());
    }
}
