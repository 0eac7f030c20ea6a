//! Slice discovery on a dataset: which columns and errors to search, and
//! the slices found described for people (predicates, error rate with its
//! interval, the lift if the slice erred no more than average, overlap with
//! the session's tags, the rule that makes it a tag).

use serde::Serialize;

use super::{Discovery, Errors, Feature};
use crate::core::dataset::{Bitmap, Dataset};
use crate::core::stats::{Interval, wilson};
use crate::core::tags::ReviewState;

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
    pub fn parse(text: &str, ds: &Dataset) -> Result<Self, String> {
        let t = text.trim();
        let class = |name: &str| {
            ds.class_code(name).ok_or_else(|| {
                format!(
                    "'{name}' is not a class of the data; classes: {}",
                    ds.classes.join(", ")
                )
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
                    return Err("--errors human needs a human-label column (--human COL)".into());
                }
                Ok(Self::HumanDisagrees)
            }
            "proba" => {
                if true_class_probability(ds).is_none() {
                    return Err(
                        "--errors proba needs the probability of the true class: per-class probability columns (prob_<class>, or --proba-prefix), or with two classes a score that is a probability (0 to 1)"
                            .into(),
                    );
                }
                Ok(Self::OneMinusTrueProbability)
            }
            _ => Err(format!(
                "'{t}' is not an error definition: use misclassified, fn:CLASS, fp:CLASS, human or proba"
            )),
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
pub fn features(ds: &Dataset, names: &[String]) -> Result<(Vec<Feature>, Vec<String>), String> {
    if let Some(w) = &ds.weights {
        return Err(format!(
            "the rows are weighted by '{}' (a count cube or a weighted sample), and SliceLine counts rows one by one: run discover on the raw prediction table, or pass --weight \"\" if each row is one example",
            w.column
        ));
    }
    let columns: Vec<&crate::core::dataset::Column> = if names.is_empty() {
        ds.slice_columns().collect()
    } else {
        names
            .iter()
            .map(|name| ds.column_for(name, "to slice on"))
            .collect::<Result<_, _>>()?
    };
    let mut out = Vec::new();
    let mut warnings = Vec::new();
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
        out.push(Feature::new(&c.name, &g.labels, &g.codes.to_vec()));
    }
    Ok((out, warnings))
}

/// A slice found, described for people.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct FoundSlice {
    /// (column, value) per predicate.
    pub predicates: Vec<(String, String)>,
    /// `device = car_kit & noise = people`.
    pub name: String,
    /// The rule that selects it (for a rule tag), when one can be written.
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
}

impl DiscoveryReport {
    /// Describes `found` over `ds` (and the tags of `state`).
    #[must_use]
    #[allow(clippy::cast_precision_loss)]
    pub fn new(
        ds: &Dataset,
        state: Option<&ReviewState>,
        features: &[Feature],
        errors: &Errors,
        found: &Discovery,
    ) -> Self {
        let n = found.rows.max(1) as f64;
        let slices = found
            .slices
            .iter()
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
                let (columns, values): (Vec<String>, Vec<String>) =
                    predicates.iter().cloned().unzip();
                let overlaps =
                    state
                        .filter(|st| !st.tags().is_empty())
                        .map_or_else(Vec::new, |st| {
                            // The slice's rows once; then per tag two popcounts.
                            let mut rows = Bitmap::new(found.rows);
                            for r in 0..found.rows {
                                if s.predicates.iter().all(|&(f, v)| features[f].codes[r] == v) {
                                    rows.set(r, true);
                                }
                            }
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
                FoundSlice {
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
                }
            })
            .collect();
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
        }
    }

    /// The JSON form (see README).
    #[must_use]
    pub fn to_json(&self, params: &serde_json::Value, seconds: f64) -> serde_json::Value {
        use serde_json::json;
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

    /// The text form: a table, best slice first.
    #[must_use]
    pub fn to_text(&self, width: Option<usize>) -> String {
        use crate::core::render::{Table, count, pct, pct_ci, points};
        let mut t = Table::new(&[
            "slice",
            "size",
            "share",
            "errors",
            "error rate",
            "95% interval",
            "score",
            "lift",
            "tags",
        ]);
        for (i, s) in self.slices.iter().enumerate() {
            #[allow(clippy::cast_possible_truncation, clippy::cast_sign_loss)]
            let errors = if s.ci.is_some() {
                count(s.errors as u64)
            } else {
                format!("{:.2}", s.errors)
            };
            t.push(vec![
                format!("{}. {}", i + 1, s.name),
                count(s.size),
                pct(Some(s.share), 1),
                errors,
                pct(Some(s.error_rate), 1),
                pct_ci(s.ci, 1),
                format!("{:.3}", s.score),
                points(Some(s.lift)),
                s.overlaps
                    .iter()
                    .take(2)
                    .map(|(t, j)| format!("{t} ({:.0}%)", j * 100.0))
                    .collect::<Vec<_>>()
                    .join(", "),
            ]);
        }
        let mut out = format!(
            "Slices where the model errs most: {} rows, average error {}, minimum support {} rows, columns {}\n\n",
            count(self.rows as u64),
            pct(Some(self.average_error), 2),
            count(self.min_support),
            self.columns.join(", ")
        );
        if self.slices.is_empty() {
            out.push_str(&self.why_empty());
            out.push('\n');
        } else {
            out.push_str(&t.to_text_width(width).0);
        }
        out
    }
}
