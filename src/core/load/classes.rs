//! One class dictionary for the label, prediction and human-label columns.
//! Values that mean the same class are one class: numbers equal as numbers
//! (`0`, `0.0`, `00`, `0e0`; compared exactly, without floating point, so
//! 23-digit ids stay apart), booleans in any case (`true`, `True`, `TRUE`),
//! and text with spaces around it (trimmed, with a warning). A class is named
//! by its first spelling, the true-label column's first.

use rustc_hash::FxHashMap;

use super::encode::next_code;

/// How many examples a warning quotes.
const EXAMPLES: usize = 3;

/// The exact value of a decimal number as `[-]digits e exponent` with no
/// leading or trailing zeros in the digits, or `None` if `s` is not one.
#[must_use]
pub fn canonical_number(s: &str) -> Option<String> {
    let (negative, body) = match s.as_bytes().first()? {
        b'-' => (true, &s[1..]),
        b'+' => (false, &s[1..]),
        _ => (false, s),
    };
    let (mantissa, exponent) = match body.find(['e', 'E']) {
        Some(i) => (&body[..i], body[i + 1..].parse::<i64>().ok()?),
        None => (body, 0),
    };
    let (int, frac) = mantissa.split_once('.').unwrap_or((mantissa, ""));
    if int.is_empty() && frac.is_empty()
        || !int.bytes().chain(frac.bytes()).all(|b| b.is_ascii_digit())
        || exponent.unsigned_abs() > 1_000_000
    {
        return None;
    }
    let digits: String = int.chars().chain(frac.chars()).collect();
    let digits = digits.trim_start_matches('0');
    if digits.is_empty() {
        return Some("0".to_string());
    }
    let trimmed = digits.trim_end_matches('0');
    let exponent = exponent - i64::try_from(frac.len()).ok()?
        + i64::try_from(digits.len() - trimmed.len()).ok()?;
    Some(format!(
        "{}{trimmed}e{exponent}",
        if negative { "-" } else { "" }
    ))
}

/// The key two spellings of one class share.
fn key(value: &str) -> String {
    let v = value.trim();
    if v.eq_ignore_ascii_case("true") || v.eq_ignore_ascii_case("false") {
        format!("b:{}", v.to_ascii_lowercase())
    } else if let Some(n) = canonical_number(v) {
        format!("n:{n}")
    } else {
        format!("s:{v}")
    }
}

/// The classes of the label and prediction values, and per value its class.
pub(super) struct Unified {
    /// Class names, unsorted (first spelling of each).
    pub(super) names: Vec<String>,
    /// Class (index into `names`) of each label value.
    pub(super) label: Vec<u32>,
    /// Class of each prediction value.
    pub(super) pred: Vec<u32>,
    /// What the user should know: trimmed spaces, merged spellings, classes
    /// the predictions never share with the labels.
    pub(super) warnings: Vec<String>,
}

/// Unifies the distinct values of the label and prediction columns.
pub(super) fn unify(
    label_column: &str,
    label: &[String],
    pred_column: &str,
    pred: &[String],
) -> Unified {
    let mut by_key: FxHashMap<String, u32> = FxHashMap::default();
    let mut names: Vec<String> = Vec::new();
    let mut merged: Vec<(String, String)> = Vec::new();
    let mut assign = |value: &String| -> u32 {
        let k = key(value);
        match by_key.get(&k) {
            Some(&c) => {
                let name = &names[c as usize];
                if name != value.trim() && merged.len() < EXAMPLES {
                    merged.push((name.clone(), value.trim().to_string()));
                }
                c
            }
            None => {
                let c = next_code(names.len());
                names.push(value.trim().to_string());
                by_key.insert(k, c);
                c
            }
        }
    };
    let label_codes: Vec<u32> = label.iter().map(&mut assign).collect();
    let pred_codes: Vec<u32> = pred.iter().map(&mut assign).collect();
    let mut warnings = Vec::new();
    for (column, values) in [(label_column, label), (pred_column, pred)] {
        let spaced: Vec<&String> = values.iter().filter(|v| v.trim() != v.as_str()).collect();
        if !spaced.is_empty() {
            warnings.push(format!(
                "{} value(s) of column '{column}' have spaces around them (e.g. '{}'); they were trimmed.",
                spaced.len(),
                spaced[0]
            ));
        }
    }
    if !merged.is_empty() {
        let examples: Vec<String> = merged
            .iter()
            .map(|(a, b)| format!("'{a}' = '{b}'"))
            .collect();
        warnings.push(format!(
            "Some classes are written differently in '{label_column}' and '{pred_column}' and were merged as one ({}): numbers equal as numbers, and true/false in any case, are one class.",
            examples.join(", ")
        ));
    }
    // Predicted classes that are never a true label: a mapping mistake (class
    // indices against names, the wrong column) more often than a real model.
    let mut is_label = vec![false; names.len()];
    for &c in &label_codes {
        is_label[c as usize] = true;
    }
    let mut predicted: Vec<u32> = pred_codes.clone();
    predicted.sort_unstable();
    predicted.dedup();
    let shared = predicted.iter().filter(|&&c| is_label[c as usize]).count();
    if shared * 2 < predicted.len() {
        let foreign: Vec<&str> = predicted
            .iter()
            .filter(|&&c| !is_label[c as usize])
            .take(EXAMPLES)
            .map(|&c| names[c as usize].as_str())
            .collect();
        warnings.push(format!(
            "Check the columns: only {shared} of the {} predicted values in '{pred_column}' are ever a true label in '{label_column}' (never a label: {}). A prediction column of class numbers against a label column of names, or the wrong column, gives numbers that mean nothing.",
            predicted.len(),
            foreign.join(", ")
        ));
    }
    Unified {
        names,
        label: label_codes,
        pred: pred_codes,
        warnings,
    }
}

/// The class (or a new extra value) of each human-label value, matched like
/// the classes: `classes` are the final class names in order.
pub(super) fn human_codes(
    values: &[String],
    classes: &[String],
    extra: &mut Vec<String>,
) -> Vec<u32> {
    let by_key: FxHashMap<String, u32> = classes
        .iter()
        .enumerate()
        .map(|(i, c)| (key(c), next_code(i)))
        .collect();
    let mut extra_keys: FxHashMap<String, u32> = FxHashMap::default();
    values
        .iter()
        .map(|v| {
            let k = key(v);
            if let Some(&c) = by_key.get(&k) {
                return c;
            }
            *extra_keys.entry(k).or_insert_with(|| {
                extra.push(v.trim().to_string());
                next_code(classes.len() + extra.len() - 1)
            })
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_are_compared_exactly_as_numbers() {
        for (a, b) in [
            ("0", "0.0"),
            ("1", "01"),
            ("1e3", "1000"),
            ("-2.50", "-2.5"),
            ("0", "-0.0"),
        ] {
            assert_eq!(canonical_number(a), canonical_number(b), "{a} {b}");
        }
        assert_ne!(
            canonical_number("12345678901234567890123"),
            canonical_number("12345678901234567890124")
        );
        for s in ["", ".", "1.2.3", "abc", "1e", "inf", "NaN", "1,5", "--1"] {
            assert_eq!(canonical_number(s), None, "{s}");
        }
    }

    #[test]
    fn spellings_of_one_class_merge_and_are_reported() {
        let s = |v: &[&str]| v.iter().map(ToString::to_string).collect::<Vec<_>>();
        let u = unify(
            "label",
            &s(&["0", "1", " yes", "true"]),
            "pred",
            &s(&["0.0", "1.0", "yes", "True"]),
        );
        assert_eq!(u.names, s(&["0", "1", "yes", "true"]));
        assert_eq!(u.label, u.pred);
        assert!(
            u.warnings.iter().any(|w| w.contains("'0' = '0.0'")),
            "{:?}",
            u.warnings
        );
        assert!(u.warnings.iter().any(|w| w.contains("trimmed")));
        assert!(!u.warnings.iter().any(|w| w.contains("Check the columns")));
        // Predictions that are never labels.
        let u = unify("label", &s(&["cat", "dog"]), "pred", &s(&["0", "1", "cat"]));
        assert!(
            u.warnings
                .iter()
                .any(|w| w.contains("only 1 of the 3 predicted values"))
        );
    }
}
