//! Costly confusions: (true, predicted) pairs that matter more than their
//! count — a word mistaken for an offensive one, a defect passed as good.

use serde::Serialize;

use super::dataset::Dataset;
use super::metrics::Confusion;
use super::session::WatchPair;
use super::stats::{Count, Interval, Proportion};

/// How many example ids a watch entry lists.
pub const EXAMPLES: usize = 20;

/// A watch pair that does not fit the data.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum WatchError {
    /// Not `TRUE:PRED`.
    #[error("--watch '{0}' is not of the form TRUE:PRED, e.g. --watch yes:no")]
    Syntax(String),
    /// A side is not a class.
    #[error(
        "--watch '{pair}': '{class}' is not a class of this data. Classes: {}",
        super::error::list(classes)
    )]
    NotAClass {
        /// The pair as given.
        pair: String,
        /// The unknown class.
        class: String,
        /// The classes.
        classes: Vec<String>,
    },
}

/// Parses `TRUE:PRED` (the last `:` splits, so classes may contain colons).
///
/// # Errors
/// When there is no `:` or a side is empty.
pub fn parse_pair(s: &str) -> Result<WatchPair, WatchError> {
    let (truth, pred) = s
        .rsplit_once(':')
        .ok_or_else(|| WatchError::Syntax(s.to_string()))?;
    if truth.is_empty() || pred.is_empty() {
        return Err(WatchError::Syntax(s.to_string()));
    }
    Ok(WatchPair {
        truth: truth.to_string(),
        pred: pred.to_string(),
    })
}

/// Resolves a pair to class codes.
///
/// # Errors
/// When a side is not a class.
pub fn resolve(ds: &Dataset, pair: &WatchPair) -> Result<(u32, u32), WatchError> {
    let code = |c: &str| {
        ds.class_code(c).ok_or_else(|| WatchError::NotAClass {
            pair: format!("{}:{}", pair.truth, pair.pred),
            class: c.to_string(),
            classes: ds.classes.clone(),
        })
    };
    Ok((code(&pair.truth)?, code(&pair.pred)?))
}

/// A watched confusion with its numbers.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct WatchStat {
    /// True class.
    pub truth: String,
    /// Predicted class.
    pub pred: String,
    /// Examples of `truth` predicted as `pred`.
    pub count: Count,
    /// count / examples of `truth`.
    pub rate: Option<f64>,
    /// Wilson 95% interval of the rate.
    pub rate_ci: Option<Interval>,
    /// count / all examples.
    pub share_of_data: Option<f64>,
    /// count / all errors.
    pub share_of_errors: Option<f64>,
    /// The first few example ids.
    pub examples: Vec<String>,
}

/// The numbers behind each watched pair.
///
/// # Errors
/// When a pair names something that is not a class.
pub fn stats(
    ds: &Dataset,
    confusion: &Confusion,
    pairs: &[WatchPair],
) -> Result<Vec<WatchStat>, WatchError> {
    let codes = pairs
        .iter()
        .map(|p| resolve(ds, p))
        .collect::<Result<Vec<_>, _>>()?;
    let mut examples: Vec<Vec<String>> = vec![Vec::new(); pairs.len()];
    let mut still_looking = pairs.len();
    for row in 0..ds.rows() {
        if still_looking == 0 {
            break;
        }
        for (i, &(t, p)) in codes.iter().enumerate() {
            if ds.label[row] == t && ds.pred[row] == p && examples[i].len() < EXAMPLES {
                examples[i].push(ds.ids.key(row).into_owned());
                if examples[i].len() == EXAMPLES {
                    still_looking -= 1;
                }
            }
        }
    }
    let total = confusion.total();
    let errors = total - confusion.correct();
    Ok(pairs
        .iter()
        .zip(codes)
        .zip(examples)
        .map(|((pair, (t, p)), examples)| {
            let count = confusion.get(t as usize, p as usize);
            let of_truth = Proportion::new(count, confusion.row_sum(t as usize));
            WatchStat {
                truth: pair.truth.clone(),
                pred: pair.pred.clone(),
                count,
                rate: of_truth.value(),
                rate_ci: of_truth.ci(),
                share_of_data: Proportion::new(count, total).value(),
                share_of_errors: if t == p {
                    None
                } else {
                    Proportion::new(count, errors).value()
                },
                examples,
            }
        })
        .collect())
}

/// The watch list of a session plus `extra` pairs (given on the command
/// line), with their numbers. Session pairs that name classes this data
/// lacks are skipped with a warning each; an extra pair that does not fit is
/// an error.
///
/// # Errors
/// When an extra pair names something that is not a class.
pub fn watch_list(
    ds: &Dataset,
    confusion: &Confusion,
    session: &[WatchPair],
    extra: &[WatchPair],
) -> Result<(Vec<WatchStat>, Vec<String>), WatchError> {
    let mut warnings = Vec::new();
    let mut pairs = Vec::new();
    for p in session {
        match resolve(ds, p) {
            Ok(_) => pairs.push(p.clone()),
            Err(e) => warnings.push(format!("Watch list in the session: {e}")),
        }
    }
    for p in extra {
        resolve(ds, p)?;
        if !pairs.contains(p) {
            pairs.push(p.clone());
        }
    }
    Ok((stats(ds, confusion, &pairs)?, warnings))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pairs_parse_on_the_last_colon() {
        assert_eq!(
            parse_pair("yes:no").unwrap(),
            WatchPair {
                truth: "yes".into(),
                pred: "no".into()
            }
        );
        assert_eq!(parse_pair("a:b:c").unwrap().truth, "a:b");
        assert!(parse_pair("yes").is_err());
        assert!(parse_pair(":no").is_err());
    }
}
