//! The full report: overall, per-class and per-slice metrics, disparities,
//! the prioritisation table and human agreement, assembled from one dataset
//! and review state. Its renderings (text, Markdown, CSV, JSON) are in
//! [`super::render`].

mod scores;

use rayon::prelude::*;
use serde::Serialize;

pub use scores::{GroupScores, RiskPoint, RiskSummary, ScorePanels, ScorePanelsKey, ScoreSummary};

use super::calibration::Calibration;
use super::dataset::Dataset;
use super::metrics::{Averages, BinaryRates, ClassMetrics, Confusion, Rate};
use super::priority::ExportContext;
use super::priority::{SortKey, TagRow, prioritise, sort_rows};
use super::session::WatchPair;
use super::slices::{Decision, SliceAnalysis, SliceError};
use super::stats::{Count, Proportion};
use super::tags::Annotations;
use super::thresholds::{ScoreAnalysis, ScoreMeaning};
use super::watch::{self, WatchError, WatchStat};

/// What to report.
#[derive(Debug, Clone, Default)]
pub struct ReportOptions {
    /// Slices: each entry is one column, or several for their intersection.
    pub by: Vec<Vec<String>>,
    /// Positive class for one-vs-rest rates.
    pub positive: Option<String>,
    /// Reference group for Aequitas disparities (default: the largest group).
    pub reference: Option<String>,
    /// Groups below this support are flagged.
    pub min_support: u64,
    /// Sort order of the prioritisation table (default: expected lift, descending).
    pub sort: Option<(SortKey, bool)>,
    /// How to read the score column (default: detected).
    pub score_meaning: Option<ScoreMeaning>,
    /// Slices decide one-vs-rest at this score threshold instead of using the predictions.
    pub threshold: Option<f64>,
    /// Bootstrap replicates and seed for disparity intervals.
    pub bootstrap: Option<(usize, u64)>,
    /// Reliability bins of the calibration (0: the default, 15).
    pub calibration_bins: usize,
    /// Print every class; else the [`CLASS_CAP`] largest.
    pub all_classes: bool,
    /// Print every group of a slice in text and Markdown; else the
    /// [`GROUP_CAP`] largest.
    pub all_groups: bool,
    /// Costly confusions to report, besides the session's watch list.
    pub watch: Vec<WatchPair>,
    /// Bootstrap resamples drawn so far (over every slice), for a progress
    /// bar; the total is the replicates times the slices.
    pub progress: Option<std::sync::Arc<std::sync::atomic::AtomicU64>>,
}

/// Classes printed per class (and confusion cells listed) unless
/// `--all-classes` is given.
pub const CLASS_CAP: usize = 100;
/// Confusion cells listed for a matrix too large to print whole.
pub const CELL_CAP: usize = 1000;

/// A report cannot be built with these options.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ReportError {
    /// A slice problem.
    #[error(transparent)]
    Slice(#[from] SliceError),
    /// Bootstrap intervals would take too long.
    #[error(transparent)]
    Bootstrap(#[from] super::bootstrap::BudgetError),
    /// The positive class is not a class.
    #[error(
        "--positive '{value}' is not a class of this data. Classes: {}",
        super::error::list(classes)
    )]
    NotAClass {
        /// The value given.
        value: String,
        /// The classes.
        classes: Vec<String>,
    },
    /// A watch pair does not fit.
    #[error(transparent)]
    Watch(#[from] WatchError),
    /// An option needs a score column.
    #[error("{what} needs a score column; name it with --score COL")]
    NeedsScore {
        /// The option.
        what: &'static str,
    },
    /// An option needs a score of the positive class.
    #[error(
        "--threshold needs a score of the positive class: a probability column for it, or a score column read as that class's score (--score-is positive); a confidence column of a model with more than two classes has none"
    )]
    NeedsPositiveScore,
    /// An option needs a positive class.
    #[error("{what} needs a positive class; name it with --positive VALUE")]
    NeedsPositive {
        /// The option.
        what: &'static str,
    },
}

/// One-vs-rest summary for the positive class.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct PositiveSummary {
    /// The class.
    pub class: String,
    /// Whether it was chosen automatically (binary labels such as 0/1).
    pub automatic: bool,
    /// The rates.
    pub rates: BinaryRates,
}

/// Human labels against true labels.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct HumanSummary {
    /// Overall agreement.
    pub accuracy: Rate,
    /// Examples with a human label.
    pub labelled: Count,
    /// Examples whose human label differs from the true label (candidate label errors).
    pub disagreements: Count,
    /// Per true class: (class, agreement, examples).
    pub per_class: Vec<(String, Rate, Count)>,
}

/// Review progress.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct ReviewSummary {
    /// Reviewed misclassified examples.
    pub reviewed_errors: u64,
    /// Reviewed correctly classified examples.
    pub reviewed_correct: u64,
    /// Reviewed errors / errors.
    pub coverage: Option<f64>,
}

/// Everything `slicewise report` prints.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Report {
    /// The data file.
    pub file: String,
    /// Where the numbers come from: the file's fingerprint, the session,
    /// the command and the version, for a reader to reproduce them.
    pub provenance: Provenance,
    /// Per tag of the session, the ids of a few of its examples (errors
    /// first, in file order): what a meeting looks at beside the numbers.
    pub tag_examples: Vec<(String, Vec<String>)>,
    /// With an image column: per tag, its examples' pictures as small
    /// embedded JPEGs (id, `data:` URI), at most
    /// [`super::thumbnails::MAX_IN_REPORT`] in all; empty until
    /// [`Report::add_pictures`] (the HTML report only: the other formats
    /// do not read the files).
    pub tag_pictures: Vec<(String, Vec<(String, String)>)>,
    /// Rows.
    pub rows: Count,
    /// Misclassified rows.
    pub errors: Count,
    /// With a weight column: its name and the number of rows in the file
    /// (then `rows` and `errors` are sums of weights).
    pub weighted: Option<(String, u64)>,
    /// Class names.
    pub classes: Vec<String>,
    /// Accuracy with interval.
    pub accuracy: Rate,
    /// Balanced accuracy.
    pub balanced_accuracy: Option<f64>,
    /// Confusion matrix.
    pub confusion: Confusion,
    /// Per-class metrics.
    pub per_class: Vec<ClassMetrics>,
    /// Averages.
    pub averages: Averages,
    /// One-vs-rest rates, with a positive class.
    pub positive: Option<PositiveSummary>,
    /// Slices.
    pub slices: Vec<SliceAnalysis>,
    /// The prioritisation table.
    pub tags: Vec<TagRow>,
    /// Human agreement, with a human column.
    pub human: Option<HumanSummary>,
    /// Review progress.
    pub review: ReviewSummary,
    /// Score analysis, with a positive-class score and a positive class.
    pub scores: Option<ScoreSummary>,
    /// Per-class probability metrics, with probability columns.
    pub probabilities: Option<super::probas::ProbaSummary>,
    /// Agreement among annotators, with vote or annotator columns (the
    /// JSON is written by `render::json`).
    #[serde(skip)]
    pub annotators: Option<super::annotators::Summary>,
    /// Likely label errors by confident learning (cleanlab's defaults),
    /// when every class has a probability column (the JSON is written by
    /// `render::json`).
    #[serde(skip)]
    pub label_issues: Option<super::label_issues::Summary>,
    /// Calibration of the probabilities or the score.
    pub calibration: Option<Calibration>,
    /// What abstaining on low confidence buys, with a confidence.
    pub risk_coverage: Option<RiskSummary>,
    /// Per slice (as `slices`), per group: calibration and losses.
    pub slice_scores: Vec<Vec<GroupScores>>,
    /// Costly confusions.
    pub watch: Vec<WatchStat>,
    /// Things to know.
    pub warnings: Vec<String>,
    /// The line above an exported prioritisation table.
    #[serde(skip)]
    pub context: ExportContext,
    /// Print every class (`--all-classes`).
    #[serde(skip)]
    pub all_classes: bool,
    /// Print every group of a slice in text and Markdown (`--all-groups`).
    #[serde(skip)]
    pub all_groups: bool,
    /// The columns offered to `--by` when no slice was asked for: those a
    /// view starts with (not the ones describing the human label, such as
    /// annotators' labels and vote counts, unless every one does).
    #[serde(skip)]
    pub slice_columns: Vec<String>,
}

/// Class names that mean "positive" in a binary problem, paired with their negatives.
const BINARY_PAIRS: [(&str, &str); 5] = [
    ("0", "1"),
    ("false", "true"),
    ("no", "yes"),
    ("neg", "pos"),
    ("negative", "positive"),
];

/// The positive class: the one named (exactly, case-insensitively or
/// numerically equal), or for binary labels like 0/1 the positive one.
///
/// # Errors
/// When `name` is not a class.
pub fn resolve_positive(
    ds: &Dataset,
    name: Option<&str>,
) -> Result<Option<(u32, bool)>, ReportError> {
    if let Some(value) = name {
        let found = ds.class_code(value).or_else(|| {
            let lower = value.to_lowercase();
            let num = value.trim().parse::<f64>().ok();
            ds.classes
                .iter()
                .position(|c| {
                    c.to_lowercase() == lower
                        || num.is_some_and(|n| c.trim().parse::<f64>().ok() == Some(n))
                })
                .and_then(|i| u32::try_from(i).ok())
        });
        return found
            .map(|c| Some((c, false)))
            .ok_or_else(|| ReportError::NotAClass {
                value: value.to_string(),
                classes: ds.classes.clone(),
            });
    }
    if ds.classes.len() == 2 {
        let lower: Vec<String> = ds.classes.iter().map(|c| c.to_lowercase()).collect();
        for (neg, pos) in BINARY_PAIRS {
            if lower.iter().any(|c| c == neg) && lower.iter().any(|c| c == pos) {
                let code = lower
                    .iter()
                    .position(|c| c == pos)
                    .and_then(|i| u32::try_from(i).ok());
                return Ok(code.map(|c| (c, true)));
            }
        }
    }
    Ok(None)
}

/// Human agreement overall and per true class.
#[must_use]
pub fn human_summary(ds: &Dataset) -> Option<HumanSummary> {
    if !ds.has_human() {
        return None;
    }
    let k = ds.classes.len();
    // Per true class: (labelled, agreeing).
    let (n, ok) = if ds.weights.is_none() && ds.human_counts.is_none() {
        human_tallies(ds)
    } else {
        human_sums(ds)
    };
    let total: Count = n.iter().sum();
    let agree: Count = ok.iter().sum();
    Some(HumanSummary {
        accuracy: Proportion::new(agree, total).into(),
        labelled: total,
        disagreements: total - agree,
        per_class: (0..k)
            .map(|c| {
                (
                    ds.classes[c].clone(),
                    Proportion::new(ok[c], n[c]).into(),
                    n[c],
                )
            })
            .collect(),
    })
}

/// Per true class, the rows of unit weight with a human label and those
/// agreeing with the label, tallied in integers: the sums [`human_sums`]
/// gives (sums of ones are exact), where floating-point sums made each row
/// wait on the last.
fn human_tallies(ds: &Dataset) -> (Vec<Count>, Vec<Count>) {
    let k = ds.classes.len();
    // Per true class: [labelled and disagreeing, agreeing].
    let tallies = crate::core::stats::tally(ds.rows(), 2 * k, |row| {
        ds.human_correct(row)
            .map(|agree| 2 * ds.label[row] as usize + usize::from(agree))
    });
    tallies
        .chunks_exact(2)
        .map(|c| (Count::unweighted(c[0] + c[1]), Count::unweighted(c[1])))
        .unzip()
}

/// Per true class, the weight of the rows with a human label and of those
/// agreeing with the label.
fn human_sums(ds: &Dataset) -> (Vec<Count>, Vec<Count>) {
    let k = ds.classes.len();
    crate::core::stats::fold_rows(
        ds.rows(),
        2 * k * std::mem::size_of::<Count>(),
        || (vec![Count::ZERO; k], vec![Count::ZERO; k]),
        |(n, ok), row| {
            if let Some((labelled, agree)) = ds.human_units(row) {
                let t = ds.label[row] as usize;
                n[t] += labelled;
                ok[t] += agree;
            }
        },
        |(n, ok), (more_n, more_ok)| {
            for (a, b) in n.iter_mut().zip(more_n) {
                *a += b;
            }
            for (a, b) in ok.iter_mut().zip(more_ok) {
                *a += b;
            }
        },
    )
}

/// Builds the report.
///
/// # Errors
/// An unknown slice column, positive class or reference group.
pub fn build(
    ds: &Dataset,
    state: &Annotations,
    opts: &ReportOptions,
) -> Result<Report, ReportError> {
    let positive = resolve_positive(ds, opts.positive.as_deref())?;
    let mut warnings = ds.warnings.clone();
    if let Some((code, true)) = positive {
        warnings.push(format!(
            "Positive class '{}' chosen automatically for binary labels; pass --positive to choose another.",
            ds.classes[code as usize]
        ));
    }
    let pos_code = positive.map(|p| p.0);
    if opts.threshold.is_some() && ds.score.is_none() && ds.probas.is_none() {
        return Err(ReportError::NeedsScore {
            what: "--threshold",
        });
    }
    if opts.threshold.is_some() && pos_code.is_none() {
        return Err(ReportError::NeedsPositive {
            what: "--threshold",
        });
    }
    // Independent passes over the rows run side by side (each the same
    // computation whatever the number of threads, so the same numbers).
    let (((confusion, human), analysis), label_issues) = rayon::join(
        || {
            rayon::join(
                || rayon::join(|| super::sample::confusion(ds), || human_summary(ds)),
                || pos_code.and_then(|p| ScoreAnalysis::compute(ds, p, opts.score_meaning)),
            )
        },
        // Likely label errors, when every class has a probability column
        // (and the rows are not weighted).
        || {
            super::label_issues::for_dataset(ds, super::label_issues::Options::default())
                .ok()
                .map(|found| found.summary(&ds.label))
        },
    );
    warnings.extend(scores::warnings(
        ds,
        pos_code,
        opts.score_meaning,
        analysis.as_ref(),
    ));
    if opts.threshold.is_some() && analysis.is_none() {
        return Err(ReportError::NeedsPositiveScore);
    }
    let decision = match (&analysis, opts.threshold) {
        (Some(a), Some(threshold)) => Decision::Threshold {
            scores: &a.scores,
            threshold,
            per_cell: None,
        },
        _ => Decision::Model,
    };
    // The reference group applies to the slices that have it; the others
    // fall back to their largest group. Only a reference no slice has is an error.
    let mut slices = Vec::with_capacity(opts.by.len());
    let mut missing_reference = None;
    let computed: Vec<_> = opts
        .by
        .par_iter()
        .map(|cols| {
            let compute = |reference: Option<&str>| {
                SliceAnalysis::compute_with(
                    ds,
                    cols,
                    pos_code,
                    opts.min_support,
                    reference,
                    decision,
                )
            };
            match compute(opts.reference.as_deref()) {
                Err(e @ SliceError::NoSuchReference { .. }) => (Some(e), compute(None)),
                other => (None, other),
            }
        })
        .collect();
    for (missing, slice) in computed {
        if let Some(e) = missing {
            warnings.push(format!("{e}; the largest group is the reference there."));
            missing_reference.get_or_insert(e);
        }
        slices.push(slice?);
    }
    if let Some(e) = missing_reference
        && slices.iter().all(|s| {
            s.reference
                .is_none_or(|r| opts.reference.as_deref() != Some(s.groups[r].name().as_str()))
        })
    {
        return Err(e.into());
    }
    if let Some((replicates, seed)) = opts.bootstrap {
        for s in &slices {
            super::bootstrap::check_budget(s.groups.len(), replicates, &s.name())?;
        }
        for s in &mut slices {
            s.bootstrap_counted(replicates, seed, opts.progress.as_deref())?;
        }
    }
    let (scored, (watched, mut tags)) = rayon::join(
        || scores::ScoreReport::build(ds, pos_code, opts, &slices),
        || {
            (
                watch::watch_list(ds, &confusion, &state.watch, &opts.watch),
                prioritise(ds, state),
            )
        },
    );
    // The session's watch list may name classes this file lacks: warn, skip.
    let (watch, watch_warnings) = watched?;
    let annotators = match super::annotators::summarize(ds, Some(state), &opts.by) {
        Ok(summary) => summary,
        Err(e) => {
            warnings.push(format!("Agreement among annotators left out: {e}."));
            None
        }
    };
    if let Some(a) = &annotators {
        warnings.extend(a.warnings.iter().cloned());
    }
    warnings.extend(watch_warnings);
    let scores::ScoreReport {
        probabilities,
        calibration,
        risk_coverage,
        slice_scores,
    } = scored;
    if let Some((key, descending)) = opts.sort {
        sort_rows(&mut tags, key, descending);
    }
    if !opts.all_classes && ds.classes.len() > CLASS_CAP {
        warnings.push(format!(
            "{} classes: the per-class tables show the {CLASS_CAP} largest and the confusion matrix its largest cells; pass --all-classes for every class.",
            ds.classes.len()
        ));
    }
    let examples = tag_examples(ds, state);
    Ok(Report {
        file: ds.source.path.display().to_string(),
        rows: ds.total(),
        errors: ds.error_total(),
        weighted: ds
            .weights
            .as_ref()
            .map(|w| (w.column.clone(), ds.rows() as u64)),
        classes: ds.classes.clone(),
        accuracy: super::sample::overall_accuracy(ds, &confusion),
        balanced_accuracy: confusion.balanced_accuracy(),
        per_class: confusion.per_class(&ds.classes),
        averages: confusion.averages(),
        positive: positive.map(|(code, automatic)| PositiveSummary {
            class: ds.classes[code as usize].clone(),
            automatic,
            rates: confusion.binary(code as usize).rates(),
        }),
        confusion,
        slices,
        tags,
        human,
        review: ReviewSummary {
            reviewed_errors: state.reviewed_errors(),
            reviewed_correct: state.reviewed_correct(),
            coverage: super::stats::ratio_u(state.reviewed_errors(), ds.errors() as u64),
        },
        scores: analysis.map(|a| ScoreSummary::of(ds, a)),
        probabilities,
        annotators,
        label_issues,
        calibration,
        risk_coverage,
        slice_scores,
        watch,
        warnings,
        context: ExportContext::of(ds, state),
        all_classes: opts.all_classes,
        all_groups: opts.all_groups,
        slice_columns: ds.default_slice_columns().map(|c| c.name.clone()).collect(),
        tag_pictures: Vec::new(),
        tag_examples: examples
            .into_iter()
            .map(|(tag, rows)| {
                (
                    tag,
                    rows.into_iter()
                        .map(|r| ds.ids.key(r).into_owned())
                        .collect(),
                )
            })
            .collect(),
        provenance: Provenance {
            fingerprint: ds.source.fingerprint.clone(),
            session: None,
            command: None,
            version: env!("CARGO_PKG_VERSION").to_string(),
        },
    })
}

/// Examples listed per tag in a report.
pub const TAG_EXAMPLES: usize = 5;

impl Report {
    /// Reads and shrinks the pictures of each tag's listed examples (see
    /// [`Report::tag_pictures`]), for the HTML report.
    pub fn add_pictures(&mut self, ds: &Dataset, state: &Annotations) {
        self.tag_pictures = tag_pictures(ds, &tag_examples(ds, state));
    }
}

/// Per tag, the pictures of its listed examples (see
/// [`Report::tag_pictures`]), decoded side by side; a picture that cannot
/// be read is left out.
fn tag_pictures(
    ds: &Dataset,
    examples: &[(String, Vec<usize>)],
) -> Vec<(String, Vec<(String, String)>)> {
    use super::thumbnails::{MAX_IN_REPORT, data_uri, image_path};
    let Some(column) = ds.roles.image.as_deref().and_then(|c| ds.column(c)) else {
        return Vec::new();
    };
    let mut left = MAX_IN_REPORT;
    let mut out = Vec::new();
    for (tag, rows) in examples {
        let take = rows.len().min(left);
        left -= take;
        let pictures: Vec<(String, String)> = rows[..take]
            .par_iter()
            .filter_map(|&r| {
                let path = image_path(&ds.source.path, &column.display(r));
                data_uri(&path)
                    .ok()
                    .map(|uri| (ds.ids.key(r).into_owned(), uri))
            })
            .collect();
        if !pictures.is_empty() {
            out.push((tag.clone(), pictures));
        }
    }
    out
}

/// Per tag, the rows of its first [`TAG_EXAMPLES`] errors (then correct
/// examples when it has fewer errors), in file order.
fn tag_examples(ds: &Dataset, state: &Annotations) -> Vec<(String, Vec<usize>)> {
    state
        .tags()
        .iter()
        .map(|t| {
            // Over the tag's members only: an empty tag costs nothing at
            // 100M rows.
            let pick = |errors: bool| {
                t.members
                    .ones()
                    .filter(move |&r| ds.is_error(r) == errors)
                    .take(TAG_EXAMPLES)
            };
            let rows: Vec<usize> = pick(true).chain(pick(false)).take(TAG_EXAMPLES).collect();
            (t.def.name.clone(), rows)
        })
        .collect()
}

/// Where a report's numbers come from.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Provenance {
    /// The data file's fingerprint (its size, time and sampled content).
    pub fingerprint: String,
    /// The session file read, if any.
    pub session: Option<String>,
    /// The command that made it, as typed (the app: none).
    pub command: Option<String>,
    /// Slicewise's version.
    pub version: String,
}

/// Groups of a slice a text or Markdown report prints unless asked for all.
pub const GROUP_CAP: usize = 1000;

/// The places of the `k` largest `sizes`, the first of equals first, in
/// increasing order: chosen, not sorted (a column of user ids has hundreds
/// of thousands of groups, of which text shows 1,000).
fn largest(sizes: &[f64], k: usize) -> Vec<usize> {
    let mut idx: Vec<usize> = (0..sizes.len()).collect();
    if k < idx.len() {
        idx.select_nth_unstable_by(k, |&a, &b| sizes[b].total_cmp(&sizes[a]).then(a.cmp(&b)));
        idx.truncate(k);
    }
    idx.sort_unstable();
    idx
}

impl Report {
    /// The groups of slice `i` to print: all with `--all-groups` or up to
    /// [`GROUP_CAP`] groups, else the [`GROUP_CAP`] largest (and the
    /// reference group) in their order; and how many were left out. JSON
    /// and CSV always hold every group.
    #[must_use]
    pub fn shown_groups(&self, i: usize) -> (Vec<usize>, usize) {
        let s = &self.slices[i];
        let n = s.groups.len();
        if self.all_groups || n <= GROUP_CAP {
            return ((0..n).collect(), 0);
        }
        let mut idx = largest(
            &s.groups.iter().map(|g| g.counts.n.w).collect::<Vec<_>>(),
            GROUP_CAP,
        );
        if let Some(r) = s.reference
            && !idx.contains(&r)
        {
            idx.push(r);
        }
        idx.sort_unstable();
        let shown = idx.len();
        (idx, n - shown)
    }

    /// The per-class rows to print: every class with `--all-classes` or up
    /// to [`CLASS_CAP`] classes, else the [`CLASS_CAP`] largest (by support)
    /// in class order; and how many were left out.
    #[must_use]
    pub fn shown_classes(&self) -> (Vec<&ClassMetrics>, usize) {
        if self.all_classes || self.per_class.len() <= CLASS_CAP {
            return (self.per_class.iter().collect(), 0);
        }
        let mut idx: Vec<usize> = (0..self.per_class.len()).collect();
        idx.sort_by(|&a, &b| {
            self.per_class[b]
                .support
                .w
                .total_cmp(&self.per_class[a].support.w)
        });
        idx.truncate(CLASS_CAP);
        idx.sort_unstable();
        let shown = idx.iter().map(|&i| &self.per_class[i]).collect();
        (shown, self.per_class.len() - CLASS_CAP)
    }

    /// Whether the confusion matrix is small enough to print whole.
    #[must_use]
    pub fn dense_confusion(&self) -> bool {
        let n = self.classes.len();
        n <= CLASS_CAP || (self.all_classes && n <= super::metrics::DENSE_CLASSES)
    }

    /// The non-zero confusion cells, largest first, as (true, predicted,
    /// count): all with `--all-classes`, else up to [`CELL_CAP`]; and how
    /// many were left out.
    #[must_use]
    pub fn confusion_cells(&self) -> (Vec<(usize, usize, Count)>, usize) {
        let mut cells: Vec<(usize, usize, Count)> = self.confusion.nonzero().collect();
        cells.sort_unstable_by(|a, b| b.2.w.total_cmp(&a.2.w).then((a.0, a.1).cmp(&(b.0, b.1))));
        let total = cells.len();
        if !self.all_classes {
            cells.truncate(CELL_CAP);
        }
        let omitted = total - cells.len();
        (cells, omitted)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_largest_groups_are_those_a_stable_sort_puts_first() {
        use rand::RngExt as _;
        let mut r = crate::core::stats::rng(5);
        for (n, k) in [(5000, 1000), (1001, 1000), (300, 1000), (50, 7)] {
            // Few sizes: ties at the cut.
            let sizes: Vec<f64> = (0..n)
                .map(|_| f64::from(r.random_range(1..6_u32)))
                .collect();
            let mut want: Vec<usize> = (0..n).collect();
            want.sort_by(|&a, &b| sizes[b].total_cmp(&sizes[a]));
            want.truncate(k);
            want.sort_unstable();
            assert_eq!(largest(&sizes, k), want, "{n} groups");
        }
    }
}
