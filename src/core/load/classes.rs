//! One class dictionary for the label, prediction and human-label columns.
//! Values that mean the same class are one class: numbers equal as numbers
//! (`0`, `0.0`, `00`, `0e0`; compared exactly, without floating point, so
//! 23-digit ids stay apart), booleans in any case (`true`, `True`, `TRUE`),
//! text with spaces around it (trimmed, with a warning), and text equal up to
//! Unicode normalisation (NFC, zero-width characters removed: `café` as one
//! code point or as `e` and a combining accent). A class is named by its
//! first spelling (normalised), the true-label column's first.

use std::borrow::Cow;

use rustc_hash::FxHashMap;
use unicode_normalization::UnicodeNormalization as _;

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

/// Characters that show nothing and change nothing a person reads: zero
/// width space, non-joiner, joiner, word joiner, and a byte order mark
/// inside text.
fn is_zero_width(c: char) -> bool {
    matches!(
        c,
        '\u{200B}' | '\u{200C}' | '\u{200D}' | '\u{2060}' | '\u{FEFF}'
    )
}

/// `text` in Unicode's composed form (NFC) without zero-width characters:
/// the one spelling of text that reads the same. Borrowed when it already
/// is (all ASCII text is).
#[must_use]
pub fn normalize(text: &str) -> Cow<'_, str> {
    if text.is_ascii() || unicode_normalization::is_nfc(text) && !text.chars().any(is_zero_width) {
        return Cow::Borrowed(text);
    }
    Cow::Owned(text.nfc().filter(|&c| !is_zero_width(c)).collect())
}

/// `text` with its invisible characters (zero-width, combining marks,
/// other format characters) written as `\u{...}`, so two spellings that
/// look alike can be told apart in a message.
#[must_use]
pub fn visible(text: &str) -> String {
    text.chars()
        .map(|c| {
            if is_zero_width(c)
                || unicode_normalization::char::is_combining_mark(c)
                || c.is_control()
            {
                c.escape_unicode().to_string()
            } else {
                c.to_string()
            }
        })
        .collect()
}

/// The key two spellings of one class share.
#[must_use]
pub fn class_key(value: &str) -> String {
    let v = normalize(value.trim());
    let v = v.as_ref();
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
    let mut unicode: Vec<(String, String)> = Vec::new();
    let mut assign = |value: &String| -> u32 {
        let k = class_key(value);
        match by_key.get(&k) {
            Some(&c) => {
                let name = &names[c as usize];
                let spelling = value.trim();
                if name != spelling {
                    let list = if normalize(spelling) == name.as_str() {
                        &mut unicode
                    } else {
                        &mut merged
                    };
                    if list.len() < EXAMPLES && !list.iter().any(|(_, s)| s == spelling) {
                        list.push((name.clone(), spelling.to_string()));
                    }
                }
                c
            }
            None => {
                let c = next_code(names.len());
                names.push(normalize(value.trim()).into_owned());
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
    if let Some(w) = unicode_warning("class names", &unicode) {
        warnings.push(w);
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

/// The warning for values merged because they are one text in different
/// Unicode forms: each pair with its invisible characters written out.
#[must_use]
pub fn unicode_warning(what: &str, pairs: &[(String, String)]) -> Option<String> {
    (!pairs.is_empty()).then(|| {
        let examples: Vec<String> = pairs
            .iter()
            .map(|(a, b)| format!("'{}' = '{}'", visible(b), visible(a)))
            .collect();
        format!(
            "Some {what} are text written with other Unicode characters than the same text elsewhere and are read as one spelling ({}): text is compared in Unicode's composed form (NFC) without zero-width characters.",
            examples.join(", ")
        )
    })
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
        .map(|(i, c)| (class_key(c), next_code(i)))
        .collect();
    let mut extra_keys: FxHashMap<String, u32> = FxHashMap::default();
    values
        .iter()
        .map(|v| {
            let k = class_key(v);
            if let Some(&c) = by_key.get(&k) {
                return c;
            }
            *extra_keys.entry(k).or_insert_with(|| {
                extra.push(normalize(v.trim()).into_owned());
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
    fn text_equal_up_to_unicode_normalisation_is_one_class() {
        let s = |v: &[&str]| v.iter().map(ToString::to_string).collect::<Vec<_>>();
        let composed = "caf\u{e9}";
        let decomposed = "cafe\u{301}";
        let zero_width = "dog\u{200b}";
        let u = unify(
            "label",
            &s(&[composed, "dog"]),
            "pred",
            &s(&[decomposed, zero_width]),
        );
        assert_eq!(u.names, s(&[composed, "dog"]));
        assert_eq!(u.label, u.pred);
        let w = u.warnings.join(" ");
        assert!(w.contains("Unicode"), "{w}");
        assert!(w.contains("\\u{301}") && w.contains("\\u{200b}"), "{w}");
        assert_eq!(normalize("plain"), Cow::Borrowed("plain"));
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
