//! Slice discovery on a dataset: which columns and errors to search, and
//! the slices found described for people (predicates, error rate with its
//! interval, the lift if the slice erred no more than average, overlap with
//! the session's tags, the rule that makes it a tag).

use rayon::prelude::*;
use serde::Serialize;

use super::{DiscoverError, Discovery, Errors, Feature};
use crate::core::dataset::{Bitmap, Dataset};
use crate::core::stats::{Interval, wilson};
use crate::core::tags::Annotations;

/// Columns with more values than this are left out of a search (with a
/// warning): a value per row (an id, a free text) makes no slice.
pub const MAX_VALUES: usize = 1000;

/// What counts as an error of a row.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ErrorKind {
    /// The prediction differs from the true label.
    Misclassified,
    /// One-vs-rest false negative of a class: true class, predicted other.
    FalseNegative(u32),
    /// One-vs-rest false positive of a class: predicted it, true other.
    FalsePositive(u32),
    /// The human label differs from the true label.
    HumanDisagrees,
    /// 1 − the probability the model gave the true class (per-class
    /// probability columns), a continuous error.
    OneMinusTrueProbability,
}

impl ErrorKind {
    /// Reads `misclassified`, `fn:CLASS`, `fp:CLASS`, `human`, `proba`.
    ///
    /// # Errors
    /// An unknown kind or class, with what to type.
    pub fn parse(text: &str, ds: &Dataset) -> Result<Self, DiscoverError> {
        let t = text.trim();
        let class = |name: &str| {
            ds.class_code(name).ok_or_else(|| DiscoverError::NotAClass {
                name: name.to_string(),
                classes: ds.classes.clone(),
            })
        };
        if let Some(c) = t.strip_prefix("fn:") {
            return Ok(Self::FalseNegative(class(c)?));
        }
        if let Some(c) = t.strip_prefix("fp:") {
            return Ok(Self::FalsePositive(class(c)?));
        }
        match t {
            "misclassified" | "errors" => Ok(Self::Misclassified),
            "human" => {
                if ds.human.is_none() {
                    return Err(DiscoverError::NeedsHuman);
                }
                Ok(Self::HumanDisagrees)
            }
            "proba" => {
                if true_class_probability(ds).is_none() {
                    return Err(DiscoverError::NeedsProba);
                }
                Ok(Self::OneMinusTrueProbability)
            }
            _ => Err(DiscoverError::UnknownKind(t.to_string())),
        }
    }

    /// Each row's error.
    #[must_use]
    pub fn errors(self, ds: &Dataset) -> Errors {
        let n = ds.rows();
        match self {
            Self::Misclassified => Errors::binary(n, |r| ds.is_error(r)),
            Self::FalseNegative(c) => Errors::binary(n, |r| ds.label[r] == c && ds.pred[r] != c),
            Self::FalsePositive(c) => Errors::binary(n, |r| ds.pred[r] == c && ds.label[r] != c),
            Self::HumanDisagrees => Errors::binary(n, |r| ds.human_correct(r) == Some(false)),
            Self::OneMinusTrueProbability => Errors::Continuous(
                true_class_probability(ds)
                    .unwrap_or_else(|| vec![0.0; n])
                    .into_iter()
                    .map(|p| {
                        if p.is_nan() {
                            1.0
                        } else {
                            1.0 - p.clamp(0.0, 1.0)
                        }
                    })
                    .collect(),
            ),
        }
    }
}

/// The probability the model gave each row's true class: from per-class
/// probability columns, or with two classes from the score (read as the
/// positive class's score or as the confidence, as the report reads it).
/// `None` when the data cannot say (a confidence with more classes).
fn true_class_probability(ds: &Dataset) -> Option<Vec<f64>> {
    use crate::core::thresholds::{ScoreMeaning, positive_scores};
    let n = ds.rows();
    if let Some(p) = &ds.probas {
        return Some(
            (0..n)
                .map(|r| p.of(ds.label[r]).map_or(f64::NAN, |v| v[r]))
                .collect(),
        );
    }
    if ds.classes.len() != 2 || ds.score.is_none() {
        return None;
    }
    let positive = crate::core::report::resolve_positive(ds, None)
        .ok()
        .flatten()
        .map_or(1, |p| p.0);
    let (meaning, _) = ScoreMeaning::resolve(ds, Some(positive), None);
    let s = positive_scores(ds, positive, meaning)?;
    // A risk score (deciles, logits) is no probability.
    if s.iter().any(|v| v.is_finite() && !(0.0..=1.0).contains(v)) {
        return None;
    }
    Some(
        (0..n)
            .map(|r| {
                if ds.label[r] == positive {
                    s[r]
                } else {
                    1.0 - s[r]
                }
            })
            .collect(),
    )
}

/// The features for slice columns `names` (every slice column when empty),
/// and warnings for columns left out.
///
/// # Errors
/// A name that is no slice column, with the nearest one.
pub fn features(
    ds: &Dataset,
    names: &[String],
) -> Result<(Vec<Feature>, Vec<String>), DiscoverError> {
    if let Some(w) = &ds.weights {
        return Err(DiscoverError::Weighted(w.column.clone()));
    }
    let mut warnings = Vec::new();
    let columns: Vec<&crate::core::dataset::Column> = if names.is_empty() {
        let left: Vec<&str> = ds
            .slice_columns()
            .filter(|c| ds.describes_human_label(&c.name))
            .map(|c| c.name.as_str())
            .collect();
        let columns: Vec<_> = ds.default_slice_columns().collect();
        if !left.is_empty() && columns.len() < ds.slice_columns().count() {
            warnings.push(format!(
                "left out {}: they describe the human label, not the examples; name them with --columns to search them",
                left.iter().map(|c| format!("'{c}'")).collect::<Vec<_>>().join(", ")
            ));
        }
        columns
    } else {
        names
            .iter()
            .map(|name| ds.column_for(name, "to slice on"))
            .collect::<Result<_, _>>()?
    };
    let mut kept = Vec::new();
    for c in columns {
        let g = c.groups();
        if g.n_groups() > MAX_VALUES {
            warnings.push(format!(
                "left out '{}': {} values (more than {MAX_VALUES}) make no slice",
                c.name,
                g.n_groups()
            ));
            continue;
        }
        kept.push(c);
    }
    // Each column's codes copied and renumbered side by side.
    let out = kept
        .par_iter()
        .map(|c| {
            let g = c.groups();
            Feature::of_codes(&c.name, &g.labels, &g.codes)
        })
        .collect();
    Ok((out, warnings))
}

/// A slice found, described for people.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct FoundSlice {
    /// (column, value) per predicate.
    pub predicates: Vec<(String, String)>,
    /// `device = car_kit & noise = people`.
    pub name: String,
    /// The rule that selects it (for a rule tag), when one can be written:
    /// of its shortest description.
    pub rule: Option<String>,
    /// SliceLine's score.
    pub score: f64,
    /// Rows in it.
    pub size: u64,
    /// Its share of the rows.
    pub share: f64,
    /// Sum of its errors (a count for 0/1 errors).
    pub errors: f64,
    /// Errors / size.
    pub error_rate: f64,
    /// Wilson 95% interval of the error rate (0/1 errors only).
    pub ci: Option<Interval>,
    /// What overall accuracy gains if the slice erred at the average rate:
    /// (errors − size × ē) / rows.
    pub lift: f64,
    /// Jaccard overlap of its rows with each tag that shares any, largest first.
    pub overlaps: Vec<(String, f64)>,
    /// The shortest description of its rows: its predicates without those
    /// that narrow nothing, removed one at a time while the rows stay the
    /// same.
    pub description: String,
    /// The predicates that narrow nothing: removing one leaves the same rows
    /// (a predicate that holds on every row is always one).
    pub redundant_predicates: Vec<(String, String)>,
    /// The position of the listed slice with exactly the same rows and the
    /// shortest description, when that is another one.
    pub same_rows_as: Option<usize>,
    /// The position of a better-ranked slice of other rows whose rows this
    /// one shares almost all of (Jaccard ≥ [`NEAR_DUPLICATE`]), and that share.
    pub near_duplicate_of: Option<(usize, f64)>,
    /// The error rate of all rows outside the slice (0/1 errors only).
    pub rest_error_rate: Option<f64>,
    /// Its error rate minus the rest's, with Newcombe's 95% interval.
    pub difference: Option<f64>,
    /// Newcombe's 95% interval of [`FoundSlice::difference`].
    pub difference_ci: Option<Interval>,
    /// The two-sided p-value of the two-proportion z-test of the slice
    /// against the rest.
    pub p_value: Option<f64>,
    /// The p-value adjusted by Holm's method over the slices shown (one per
    /// distinct set of rows); `None` for a slice listed under another.
    pub p_adjusted: Option<f64>,
    /// Whether its excess error could be chance: the Holm-adjusted p-value
    /// is 0.05 or more (or it has no test).
    pub could_be_chance: bool,
}

/// Jaccard overlap from which two slices of other rows are near duplicates.
pub const NEAR_DUPLICATE: f64 = 0.9;

/// The significance level of "could be chance" (Holm-adjusted).
pub const SIGNIFICANCE: f64 = 0.05;

/// Fills in which slices share their rows (`same_rows_as`: the one with the
/// shortest description, then the better-ranked, stands for them), which
/// nearly do (`near_duplicate_of`), and the Holm-adjusted p-values over the
/// slices shown.
fn mark_duplicates(slices: &mut [FoundSlice], bitmaps: &[Bitmap], lengths: &[usize]) {
    let n = slices.len();
    for i in 0..n {
        // The representative of i's rows: among the slices with the same
        // rows, the shortest description, then the better rank.
        let best = (0..n)
            .filter(|&j| bitmaps[j] == bitmaps[i])
            .min_by_key(|&j| (lengths[j], slices[j].description.len(), j))
            .unwrap_or(i);
        slices[i].same_rows_as = (best != i).then_some(best);
    }
    let shown: Vec<usize> = (0..n)
        .filter(|&i| slices[i].same_rows_as.is_none())
        .collect();
    for (k, &i) in shown.iter().enumerate() {
        let near = shown[..k]
            .iter()
            .map(|&j| {
                let both = bitmaps[i].count_and(&bitmaps[j]);
                let either = bitmaps[i].count_ones() + bitmaps[j].count_ones() - both;
                #[allow(clippy::cast_precision_loss)]
                let jaccard = if either == 0 {
                    0.0
                } else {
                    both as f64 / either as f64
                };
                (j, jaccard)
            })
            .filter(|&(_, jaccard)| jaccard >= NEAR_DUPLICATE)
            .max_by(|a, b| a.1.total_cmp(&b.1));
        slices[i].near_duplicate_of = near;
    }
    let tested: Vec<usize> = shown
        .iter()
        .copied()
        .filter(|&i| slices[i].p_value.is_some())
        .collect();
    let p: Vec<f64> = tested
        .iter()
        .map(|&i| slices[i].p_value.unwrap_or(1.0))
        .collect();
    for (&i, adjusted) in tested.iter().zip(crate::core::paired::holm(&p)) {
        slices[i].p_adjusted = Some(adjusted);
        slices[i].could_be_chance =
            adjusted >= SIGNIFICANCE || slices[i].difference_ci.is_none_or(|ci| ci.lo <= 0.0);
    }
}

/// A search and what it found.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct DiscoveryReport {
    /// The slices, best first.
    pub slices: Vec<FoundSlice>,
    /// The average error ē.
    pub average_error: f64,
    /// Rows searched.
    pub rows: usize,
    /// Minimum support in rows.
    pub min_support: u64,
    /// Candidates evaluated per level.
    pub levels: Vec<(usize, usize)>,
    /// Columns searched.
    pub columns: Vec<String>,
    /// The search's parameters as the JSON states them (set by the caller).
    pub parameters: serde_json::Value,
    /// The search's time in seconds, without loading (set by the caller).
    pub seconds: f64,
}

/// The rows of each predicate the found slices use, so that a slice's rows
/// (and those of its shorter descriptions) are the intersection of a few
/// bitmaps, not a scan of every row per description. There are at most as
/// many as the values the search held bitmaps of.
struct PredicateRows {
    of: rustc_hash::FxHashMap<(usize, u32), Bitmap>,
    rows: usize,
}

impl PredicateRows {
    /// The bitmaps of every predicate of `slices`, made side by side.
    fn new(features: &[Feature], slices: &[&[(usize, u32)]], rows: usize) -> Self {
        let mut wanted: Vec<(usize, u32)> = slices.iter().flat_map(|p| p.iter().copied()).collect();
        wanted.sort_unstable();
        wanted.dedup();
        let of = wanted
            .into_par_iter()
            .map(|(f, v)| {
                let codes = &features[f].codes;
                ((f, v), Bitmap::from_fn(rows, |r| codes[r] == v))
            })
            .collect();
        Self { of, rows }
    }

    /// The rows where every predicate holds (every row without one).
    fn rows_of(&self, predicates: &[(usize, u32)]) -> Bitmap {
        let mut bits = Bitmap::new(self.rows);
        bits.invert();
        for p in predicates {
            bits.and_with(&self.of[p]);
        }
        bits
    }
}

/// The predicates of a slice of `size` rows that narrow nothing, and its
/// shortest description (predicates removed one at a time, first listed
/// first, while the rows stay the same).
fn redundancy(
    rows: &PredicateRows,
    predicates: &[(usize, u32)],
    size: u64,
) -> (Vec<usize>, Vec<(usize, u32)>) {
    let count = |preds: &[(usize, u32)]| rows.rows_of(preds).count_ones() as u64;
    let without = |preds: &[(usize, u32)], j: usize| -> Vec<(usize, u32)> {
        preds
            .iter()
            .enumerate()
            .filter(|&(i, _)| i != j)
            .map(|(_, &p)| p)
            .collect()
    };
    let redundant: Vec<usize> = (0..predicates.len())
        .filter(|&j| count(&without(predicates, j)) == size)
        .collect();
    let mut shortest = predicates.to_vec();
    let mut j = 0;
    while j < shortest.len() {
        let fewer = without(&shortest, j);
        if count(&fewer) == size {
            shortest = fewer;
        } else {
            j += 1;
        }
    }
    (redundant, shortest)
}

/// `column = value & ...` for predicates.
fn describe(features: &[Feature], predicates: &[(usize, u32)]) -> String {
    if predicates.is_empty() {
        return "(all rows)".to_string();
    }
    predicates
        .iter()
        .map(|&(f, v)| format!("{} = {}", features[f].name, features[f].values[v as usize]))
        .collect::<Vec<_>>()
        .join(" & ")
}

impl DiscoveryReport {
    /// The slices shown, one per distinct set of rows (those listed under
    /// no other), best first.
    #[must_use]
    pub fn shown(&self) -> Vec<usize> {
        (0..self.slices.len())
            .filter(|&i| self.slices[i].same_rows_as.is_none())
            .collect()
    }

    /// The other descriptions of slice `i`'s rows (slices with
    /// `same_rows_as == Some(i)`).
    #[must_use]
    pub fn same_rows(&self, i: usize) -> Vec<usize> {
        (0..self.slices.len())
            .filter(|&j| self.slices[j].same_rows_as == Some(i))
            .collect()
    }

    /// Describes `found` over `ds` (and the tags of `state`).
    #[must_use]
    #[allow(clippy::cast_precision_loss)]
    pub fn new(
        ds: &Dataset,
        state: Option<&Annotations>,
        features: &[Feature],
        errors: &Errors,
        found: &Discovery,
    ) -> Self {
        let n = found.rows.max(1) as f64;
        let predicate_rows = PredicateRows::new(
            features,
            &found
                .slices
                .iter()
                .map(|s| s.predicates.as_slice())
                .collect::<Vec<_>>(),
            found.rows,
        );
        // Each slice is described on its own (its rows, and those of its
        // descriptions without a predicate, for redundant ones): side by
        // side, in order.
        let slices = found
            .slices
            .par_iter()
            .map(|s| {
                let predicates: Vec<(String, String)> = s
                    .predicates
                    .iter()
                    .map(|&(f, v)| {
                        (
                            features[f].name.clone(),
                            features[f].values[v as usize].clone(),
                        )
                    })
                    .collect();
                let rows = predicate_rows.rows_of(&s.predicates);
                let (redundant, shortest) = redundancy(&predicate_rows, &s.predicates, s.size);
                let (columns, values): (Vec<String>, Vec<String>) = shortest
                    .iter()
                    .map(|&(f, v)| {
                        (
                            features[f].name.clone(),
                            features[f].values[v as usize].clone(),
                        )
                    })
                    .unzip();
                let overlaps =
                    state
                        .filter(|st| !st.tags().is_empty())
                        .map_or_else(Vec::new, |st| {
                            // Per tag two popcounts.
                            let mut o: Vec<(String, f64)> = st
                                .tags()
                                .iter()
                                .filter_map(|t| {
                                    let both = rows.count_and(&t.members);
                                    let either = rows.count_ones() + t.members.count_ones() - both;
                                    (both > 0)
                                        .then(|| (t.def.name.clone(), both as f64 / either as f64))
                                })
                                .collect();
                            o.sort_by(|a, b| b.1.total_cmp(&a.1));
                            o
                        });
                let size = s.size as f64;
                let total_errors = found.average_error * n;
                let binary = matches!(errors, Errors::Binary(_));
                #[allow(clippy::cast_possible_truncation, clippy::cast_sign_loss)]
                let (own, rest) = (
                    crate::core::stats::Proportion::counts(s.errors.round() as u64, s.size),
                    crate::core::stats::Proportion::counts(
                        (total_errors - s.errors).round().max(0.0) as u64,
                        (found.rows as u64).saturating_sub(s.size),
                    ),
                );
                let rest_error_rate = if binary { rest.value() } else { None };
                let difference = rest_error_rate.map(|r| s.errors / size.max(1.0) - r);
                let slice = FoundSlice {
                    name: predicates
                        .iter()
                        .map(|(c, v)| format!("{c} = {v}"))
                        .collect::<Vec<_>>()
                        .join(" & "),
                    rule: crate::core::slices::group_rule(ds, &columns, &values),
                    predicates,
                    score: s.score,
                    size: s.size,
                    share: size / n,
                    errors: s.errors,
                    error_rate: if size > 0.0 { s.errors / size } else { 0.0 },
                    #[allow(clippy::cast_possible_truncation, clippy::cast_sign_loss)]
                    ci: match errors {
                        Errors::Binary(_) => wilson(s.errors as u64, s.size),
                        Errors::Continuous(_) => None,
                    },
                    lift: (s.errors - size * found.average_error) / n,
                    overlaps,
                    description: describe(features, &shortest),
                    redundant_predicates: redundant
                        .iter()
                        .map(|&j| {
                            let (f, v) = s.predicates[j];
                            (
                                features[f].name.clone(),
                                features[f].values[v as usize].clone(),
                            )
                        })
                        .collect(),
                    same_rows_as: None,
                    near_duplicate_of: None,
                    rest_error_rate,
                    difference,
                    difference_ci: if binary {
                        crate::core::stats::newcombe_difference(own, rest)
                    } else {
                        None
                    },
                    p_value: if binary {
                        crate::core::stats::two_proportion_p(own, rest)
                    } else {
                        None
                    },
                    p_adjusted: None,
                    could_be_chance: true,
                };
                (slice, rows, shortest.len())
            })
            .collect::<Vec<_>>();
        let (mut slices, bitmaps, lengths): (Vec<FoundSlice>, Vec<Bitmap>, Vec<usize>) =
            slices.into_iter().fold(
                (Vec::new(), Vec::new(), Vec::new()),
                |(mut a, mut b, mut c), (x, y, z)| {
                    a.push(x);
                    b.push(y);
                    c.push(z);
                    (a, b, c)
                },
            );
        mark_duplicates(&mut slices, &bitmaps, &lengths);
        Self {
            slices,
            average_error: found.average_error,
            rows: found.rows,
            min_support: found.min_support,
            levels: found
                .levels
                .iter()
                .map(|l| (l.level, l.evaluated))
                .collect(),
            columns: features.iter().map(|f| f.name.clone()).collect(),
            parameters: serde_json::Value::Null,
            seconds: 0.0,
        }
    }

    /// The JSON form (see README): every slice SliceLine found, with how it
    /// is shown.
    #[must_use]
    pub fn to_json(&self) -> serde_json::Value {
        use serde_json::json;
        let (params, seconds) = (&self.parameters, self.seconds);
        json!({
            "parameters": params,
            "rows": self.rows,
            "min_support": self.min_support,
            "average_error": self.average_error,
            "columns": self.columns,
            "levels": self.levels.iter().map(|(l, n)| json!({"level": l, "evaluated": n})).collect::<Vec<_>>(),
            "seconds": seconds,
            "slices": self.slices.iter().map(|s| json!({
                "predicates": s.predicates.iter().map(|(c, v)| (c.clone(), json!(v))).collect::<serde_json::Map<_, _>>(),
                "name": s.name,
                "rule": s.rule,
                "score": s.score,
                "size": s.size,
                "share": s.share,
                "errors": s.errors,
                "error_rate": s.error_rate,
                "ci": s.ci.map(|c| json!([c.lo, c.hi])),
                "lift": s.lift,
                "overlaps": s.overlaps.iter().map(|(t, j)| json!({"tag": t, "jaccard": j})).collect::<Vec<_>>(),
                "description": s.description,
                "same_rows_as": s.same_rows_as,
                "redundant_predicates": s.redundant_predicates.iter().map(|(c, v)| json!({"column": c, "value": v})).collect::<Vec<_>>(),
                "near_duplicate_of": s.near_duplicate_of.map(|(i, j)| json!({"slice": i, "jaccard": j})),
                "rest_error_rate": s.rest_error_rate,
                "difference": s.difference,
                "difference_ci": s.difference_ci.map(|c| json!([c.lo, c.hi])),
                "p_value": s.p_value,
                "p_adjusted": s.p_adjusted,
                "could_be_chance": s.could_be_chance,
            })).collect::<Vec<_>>(),
        })
    }

    /// Why no slice was found, and what to try.
    #[must_use]
    pub fn why_empty(&self) -> String {
        if self.average_error <= 0.0 {
            "The model makes no error of this kind here: there is no slice to find.".into()
        } else if self.average_error >= 1.0 {
            "Every row is an error of this kind: no slice errs more than the average.".into()
        } else {
            "No slice scores above 0: raise alpha (less weight on size), lower the minimum support, or add columns.".into()
        }
    }

    /// What the search found, for the text, Markdown and HTML printers:
    /// one row per distinct set of rows, best first, under its shortest
    /// description, with the other descriptions of the same rows and the
    /// near duplicates on lines below it; each with its error rate against
    /// the rest of the rows and whether that could be chance. In text the
    /// descriptions wrap to the width rather than being cut.
    #[must_use]
    pub fn document(&self) -> crate::core::render::Document {
        use crate::core::render::{
            Document, Table, count, p_value, pct, pct_ci, points, points_with_ci,
        };
        let mut doc = Document::new("Slices where the model errs most");
        doc.line(format!(
            "{} rows, average error {}, minimum support {} rows, columns {}.",
            count(self.rows as u64),
            pct(Some(self.average_error), 2),
            count(self.min_support),
            self.columns.join(", ")
        ));
        if self.slices.is_empty() {
            doc.line(self.why_empty());
            return doc;
        }
        let mut t = Table::new(&[
            "slice",
            "size",
            "share",
            "errors",
            "error rate",
            "95% interval",
            "vs the rest (95%)",
            "p (Holm)",
            "score",
            "lift",
            "tags",
        ])
        .wrapping_first()
        .droppable(&["errors", "share", "score", "95% interval", "tags", "lift"]);
        t.numeric[10] = false;
        let shown = self.shown();
        let number = |i: usize| shown.iter().position(|&j| j == i).map_or(0, |k| k + 1);
        for &i in &shown {
            let s = &self.slices[i];
            #[allow(clippy::cast_possible_truncation, clippy::cast_sign_loss)]
            let errors = if s.ci.is_some() {
                count(s.errors as u64)
            } else {
                format!("{:.2}", s.errors)
            };
            let chance = if s.could_be_chance && s.p_value.is_some() {
                " *"
            } else {
                ""
            };
            t.push(vec![
                format!("{}. {}{chance}", number(i), s.description),
                count(s.size),
                pct(Some(s.share), 1),
                errors,
                pct(Some(s.error_rate), 1),
                pct_ci(s.ci, 1),
                s.difference
                    .map_or_else(String::new, |d| points_with_ci(Some(d), s.difference_ci, 1)),
                s.p_adjusted.map_or_else(String::new, p_value),
                format!("{:.3}", s.score),
                points(Some(s.lift)),
                s.overlaps
                    .iter()
                    .take(2)
                    .map(|(t, j)| format!("{t} ({:.0}%)", j * 100.0))
                    .collect::<Vec<_>>()
                    .join(", "),
            ]);
            let mut below = |text: String| {
                let mut row = vec![String::new(); 11];
                row[0] = text;
                t.push(row);
            };
            for j in self.same_rows(i) {
                below(format!("   = {}", self.slices[j].name));
            }
            if let Some((j, jaccard)) = s.near_duplicate_of {
                below(format!(
                    "   ≈ {:.0}% of its rows shared with {}",
                    jaccard * 100.0,
                    number(j)
                ));
            }
        }
        doc.table(t);
        doc.note(format!(
            "One row per set of rows (= another description of the same rows; ≈ rows shared with a better slice). vs the rest: the slice's error rate minus that of all other rows, with Newcombe's 95% interval; p: two-proportion z-test, Holm-adjusted over the {} slices shown; * the excess error could be chance (adjusted p ≥ 0.05).",
            shown.len()
        ));
        doc
    }

    /// The text form ([`DiscoveryReport::document`] fitted to `width`).
    #[must_use]
    pub fn to_text(&self, width: Option<usize>) -> String {
        self.document().to_text(width)
    }

    /// Every slice as tidy CSV rows: `section` `slice`, `key` its position
    /// in the JSON list, `group` its description.
    #[must_use]
    pub fn tidy_csv(&self) -> String {
        let mut tidy = crate::core::render::Tidy::default();
        let mut add = tidy.adder();
        for (i, s) in self.slices.iter().enumerate() {
            let key = i.to_string();
            let mut metric = |m: &str, v: Option<f64>, ci: Option<Interval>| {
                add("slice", &key, &s.description, m, v, ci);
            };
            #[allow(clippy::cast_precision_loss)]
            metric("size", Some(s.size as f64), None);
            metric("share", Some(s.share), None);
            metric("errors", Some(s.errors), None);
            metric("error_rate", Some(s.error_rate), s.ci);
            metric("rest_error_rate", s.rest_error_rate, None);
            metric("difference", s.difference, s.difference_ci);
            metric("p_value", s.p_value, None);
            metric("p_adjusted", s.p_adjusted, None);
            metric("score", Some(s.score), None);
            metric("lift", Some(s.lift), None);
            #[allow(clippy::cast_precision_loss)]
            metric("same_rows_as", s.same_rows_as.map(|j| j as f64), None);
        }
        drop(add);
        tidy.into_csv()
    }
}

impl crate::core::render::Printable for DiscoveryReport {
    fn document(&self) -> crate::core::render::Document {
        DiscoveryReport::document(self)
    }

    fn tidy_csv(&self) -> String {
        DiscoveryReport::tidy_csv(self)
    }

    fn write_json(&self, out: &mut dyn std::io::Write) -> std::io::Result<()> {
        crate::core::render::write_pretty_json(&self.to_json(), out)
    }
}
