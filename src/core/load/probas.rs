//! Per-class probability columns: named with `--proba COL=CLASS`, by a
//! prefix (`--proba-prefix`), or found by the usual names (`prob_<class>`,
//! `p_<class>`, `proba_<class>`, `score_<class>`, `<class>_prob`). Found
//! columns leave the slice columns.

use std::path::Path;

use super::LoadOptions;
use crate::core::dataset::{ProbaColumn, Probas};
use crate::core::error::LoadError;

/// Prefixes that name a class's probability column.
const PREFIXES: [&str; 5] = ["prob_", "proba_", "probability_", "p_", "score_"];
/// Suffixes that do.
const SUFFIXES: [&str; 3] = ["_prob", "_proba", "_probability"];

/// The class a column name gives with a naming pattern, if any.
fn class_of<'a>(name: &str, classes: &'a [String], pattern: &Pattern<'_>) -> Option<&'a String> {
    let rest = match pattern {
        Pattern::Prefix(p) => strip_prefix_ci(name, p)?,
        Pattern::Suffix(s) => strip_suffix_ci(name, s)?,
    };
    classes
        .iter()
        .find(|c| c.as_str() == rest)
        .or_else(|| classes.iter().find(|c| c.eq_ignore_ascii_case(rest)))
}

fn strip_prefix_ci<'a>(name: &'a str, prefix: &str) -> Option<&'a str> {
    let head = name.get(..prefix.len())?;
    head.eq_ignore_ascii_case(prefix)
        .then(|| &name[prefix.len()..])
}

fn strip_suffix_ci<'a>(name: &'a str, suffix: &str) -> Option<&'a str> {
    let cut = name.len().checked_sub(suffix.len())?;
    let tail = name.get(cut..)?;
    tail.eq_ignore_ascii_case(suffix).then(|| &name[..cut])
}

/// A naming pattern.
enum Pattern<'a> {
    Prefix(&'a str),
    Suffix(&'a str),
}

/// The columns of `names` (each with whether it is numeric) named like a
/// class's probability by a usual name (or `--proba-prefix`) that hold
/// text, so cannot be one: their indices, for a warning. Nothing when the
/// columns are named with `--proba` (a text one is refused there).
pub(super) fn named_but_text(
    names: &[(&str, bool)],
    classes: &[String],
    opts: &LoadOptions,
) -> Vec<usize> {
    if !opts.proba.is_empty() {
        return Vec::new();
    }
    let patterns = patterns(opts);
    names
        .iter()
        .enumerate()
        .filter(|(_, (name, numeric))| {
            !numeric
                && patterns
                    .iter()
                    .any(|p| class_of(name, classes, p).is_some())
        })
        .map(|(i, _)| i)
        .collect()
}

/// The naming patterns of probability columns: `--proba-prefix`, else the
/// usual prefixes and suffixes.
fn patterns(opts: &LoadOptions) -> Vec<Pattern<'_>> {
    match &opts.proba_prefix {
        Some(p) => vec![Pattern::Prefix(p)],
        None => PREFIXES
            .iter()
            .map(|p| Pattern::Prefix(p))
            .chain(SUFFIXES.iter().map(|s| Pattern::Suffix(s)))
            .collect(),
    }
}

/// Which of the metadata columns `names` (each with whether it is a
/// numeric slice column) hold the classes' probabilities: (index in
/// `names`, class code), decided before any column is binned, so the
/// probability columns are never grouped as slice columns.
///
/// # Errors
/// A `--proba` column that is missing, not numeric, or names no class.
pub(super) fn choose(
    path: &Path,
    names: &[(&str, bool)],
    classes: &[String],
    opts: &LoadOptions,
) -> Result<Vec<(usize, u32)>, LoadError> {
    // (column index, class code)
    let mut chosen: Vec<(usize, u32)> = Vec::new();
    let code = |class: &String| {
        classes
            .iter()
            .position(|c| c == class)
            .and_then(|i| u32::try_from(i).ok())
    };
    if opts.proba.is_empty() {
        let patterns = patterns(opts);
        // The pattern that names the most classes wins; detected by name,
        // it must name at least two, so a lone `p_value` stays a column.
        let need = if opts.proba_prefix.is_some() { 1 } else { 2 };
        let mut best: Vec<(usize, u32)> = Vec::new();
        for pattern in &patterns {
            let mut found: Vec<(usize, u32)> = Vec::new();
            for (i, (name, numeric)) in names.iter().enumerate() {
                if let Some(k) = class_of(name, classes, pattern).and_then(&code)
                    && *numeric
                    && !found.iter().any(|(_, c)| *c == k)
                {
                    found.push((i, k));
                }
            }
            if found.len() > best.len() {
                best = found;
            }
        }
        if best.len() >= need {
            chosen = best;
        }
    } else {
        let all: Vec<String> = names.iter().map(|(n, _)| (*n).to_string()).collect();
        for (column, class) in &opts.proba {
            let i = names
                .iter()
                .position(|(n, _)| n == column)
                .or_else(|| {
                    names
                        .iter()
                        .position(|(n, _)| n.eq_ignore_ascii_case(column))
                })
                .ok_or_else(|| LoadError::NoSuchColumn {
                    path: path.to_path_buf(),
                    flag: "--proba".to_string(),
                    column: column.clone(),
                    columns: all.clone(),
                })?;
            if !names[i].1 {
                return Err(LoadError::NotNumeric {
                    path: path.to_path_buf(),
                    role: "probability",
                    flag: "--proba",
                    column: column.clone(),
                    found: "text".to_string(),
                });
            }
            let k = classes
                .iter()
                .find(|c| c.as_str() == class.as_str())
                .and_then(&code)
                .ok_or_else(|| LoadError::ProbaClass {
                    path: path.to_path_buf(),
                    column: column.clone(),
                    class: class.clone(),
                    classes: classes.to_vec(),
                })?;
            chosen.push((i, k));
        }
    }
    Ok(chosen)
}

/// The probability columns, sorted by class.
pub(super) fn probas(mut columns: Vec<ProbaColumn>) -> Option<Probas> {
    if columns.is_empty() {
        return None;
    }
    columns.sort_by_key(|c| c.class);
    Some(Probas { columns })
}

/// Whether column `name` could hold a class's probability under `opts`
/// (before the classes are known): named by `--proba`, having the
/// `--proba-prefix`, or else any usual prefix or suffix. A load that reads
/// only some columns reads these too.
pub(super) fn could_be(name: &str, opts: &LoadOptions) -> bool {
    if !opts.proba.is_empty() {
        return opts
            .proba
            .iter()
            .any(|(c, _)| c == name || c.eq_ignore_ascii_case(name));
    }
    if let Some(prefix) = &opts.proba_prefix {
        return strip_prefix_ci(name, prefix).is_some();
    }
    PREFIXES
        .iter()
        .any(|p| strip_prefix_ci(name, p).is_some_and(|r| !r.is_empty()))
        || SUFFIXES
            .iter()
            .any(|s| strip_suffix_ci(name, s).is_some_and(|r| !r.is_empty()))
}

/// Probability columns as a preview can see them, before the classes are
/// known: (column, class) for every column one naming pattern explains,
/// when it explains at least two.
#[must_use]
pub fn candidates(columns: &[String]) -> Vec<(String, String)> {
    let patterns = PREFIXES
        .iter()
        .map(|p| Pattern::Prefix(p))
        .chain(SUFFIXES.iter().map(|s| Pattern::Suffix(s)));
    let mut best: Vec<(String, String)> = Vec::new();
    for pattern in patterns {
        let found: Vec<(String, String)> = columns
            .iter()
            .filter_map(|c| {
                let rest = match pattern {
                    Pattern::Prefix(p) => strip_prefix_ci(c, p)?,
                    Pattern::Suffix(s) => strip_suffix_ci(c, s)?,
                };
                (!rest.is_empty()).then(|| (c.clone(), rest.to_string()))
            })
            .collect();
        if found.len() > best.len() {
            best = found;
        }
    }
    if best.len() >= 2 { best } else { Vec::new() }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_preview_lists_the_columns_one_pattern_explains() {
        let cols: Vec<String> = [
            "id", "label", "pred", "p_value", "prob_cat", "prob_dog", "cow_prob",
        ]
        .iter()
        .map(ToString::to_string)
        .collect();
        assert_eq!(
            candidates(&cols),
            vec![
                ("prob_cat".to_string(), "cat".to_string()),
                ("prob_dog".to_string(), "dog".to_string())
            ]
        );
        // One column alone is not a family.
        assert!(candidates(&cols[..5]).is_empty());
    }

    #[test]
    fn prefixes_and_suffixes_name_classes_in_any_case() {
        let classes: Vec<String> = ["cat", "dog"].iter().map(ToString::to_string).collect();
        let p = Pattern::Prefix("prob_");
        assert_eq!(class_of("prob_cat", &classes, &p), Some(&classes[0]));
        assert_eq!(class_of("PROB_Dog", &classes, &p), Some(&classes[1]));
        assert_eq!(class_of("prob_cow", &classes, &p), None);
        let s = Pattern::Suffix("_prob");
        assert_eq!(class_of("dog_prob", &classes, &s), Some(&classes[1]));
        assert_eq!(class_of("_prob", &classes, &s), None);
    }
}
