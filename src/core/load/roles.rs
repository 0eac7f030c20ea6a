//! Which column plays which role: flags first, then common names.

use std::path::Path;

use super::{LoadOptions, RoleChoice};
use crate::core::dataset::Roles;
use crate::core::error::LoadError;

/// Names looked for, per role (compared case-insensitively, with spaces and
/// dashes read as underscores).
pub mod names {
    /// True label.
    pub const LABEL: &[&str] = &[
        "label",
        "y_true",
        "target",
        "truth",
        "ground_truth",
        "actual",
        "true_label",
        "gold",
    ];
    /// Prediction.
    pub const PRED: &[&str] = &[
        "pred",
        "prediction",
        "y_pred",
        "predicted",
        "predicted_label",
        "pred_label",
    ];
    /// Score.
    pub const SCORE: &[&str] = &[
        "score",
        "prob",
        "probability",
        "confidence",
        "y_score",
        "proba",
    ];
    /// Id.
    pub const ID: &[&str] = &["id", "example_id", "uid", "sample_id", "row_id"];
    /// Human label.
    pub const HUMAN: &[&str] = &["human", "human_label", "annotator"];
    /// Image path.
    pub const IMAGE: &[&str] = &[
        "image",
        "image_path",
        "img",
        "img_path",
        "image_file",
        "filepath",
        "file_path",
        "path",
    ];
    /// Free text.
    pub const TEXT: &[&str] = &["text", "transcript", "sentence", "utterance", "input_text"];
    /// Row weight (how many examples a row stands for, as in a count cube).
    pub const WEIGHT: &[&str] = &["weight", "weights", "sample_weight", "count", "n", "freq"];
}

pub(super) fn normalise(name: &str) -> String {
    name.trim()
        .to_ascii_lowercase()
        .replace([' ', '-', '.'], "_")
}

/// Finds the first column whose normalised name is in `candidates`.
pub(super) fn find_by_name(columns: &[String], candidates: &[&str]) -> Option<String> {
    candidates
        .iter()
        .find_map(|cand| columns.iter().find(|c| normalise(c) == *cand).cloned())
}

/// Resolves a column named by a flag: exact match first, then case-insensitive.
pub(super) fn resolve_named(
    path: &Path,
    columns: &[String],
    flag: &str,
    name: &str,
) -> Result<String, LoadError> {
    columns
        .iter()
        .find(|c| *c == name)
        .or_else(|| columns.iter().find(|c| c.eq_ignore_ascii_case(name)))
        .cloned()
        .ok_or_else(|| LoadError::NoSuchColumn {
            path: path.to_path_buf(),
            flag: flag.to_string(),
            column: name.to_string(),
            columns: columns.to_vec(),
        })
}

/// Works out which column plays which role: flags first, then common names.
///
/// # Errors
/// When a flag names a missing column, no label or prediction column is
/// found, or one column is given two roles.
pub fn detect_roles(
    path: &Path,
    columns: &[String],
    opts: &LoadOptions,
) -> Result<Roles, LoadError> {
    let pick = |flag: &str,
                given: &RoleChoice,
                candidates: &[&str]|
     -> Result<Option<String>, LoadError> {
        match given {
            RoleChoice::Column(name) => resolve_named(path, columns, flag, name).map(Some),
            RoleChoice::None => Ok(None),
            RoleChoice::Detect => Ok(find_by_name(columns, candidates)),
        }
    };
    let missing =
        |role: &'static str, flag: &'static str, candidates: &[&str]| LoadError::MissingRole {
            path: path.to_path_buf(),
            role,
            flag,
            candidates: candidates.join(", "),
            columns: columns.to_vec(),
        };
    let label = pick("--label", &opts.label, names::LABEL)?
        .ok_or_else(|| missing("true-label", "--label", names::LABEL))?;
    let pred = pick("--pred", &opts.pred, names::PRED)?
        .ok_or_else(|| missing("prediction", "--pred", names::PRED))?;
    let roles = Roles {
        label,
        pred,
        score: pick("--score", &opts.score, names::SCORE)?,
        id: pick("--id", &opts.id, names::ID)?,
        human: pick("--human", &opts.human, names::HUMAN)?,
        image: pick("--image", &opts.image, names::IMAGE)?,
        text: pick("--text", &opts.text, names::TEXT)?,
        weight: pick("--weight", &opts.weight, names::WEIGHT)?,
        // Names no longer in the file are forgotten.
        annotator_prefix: opts.annotator_prefix.clone(),
        votes_prefix: opts.votes_prefix.clone(),
        not_slices: opts
            .not_slices
            .iter()
            .flatten()
            .filter(|c| columns.contains(c))
            .cloned()
            .collect(),
    };
    let assigned: [(&'static str, Option<&String>); 8] = [
        ("true-label", Some(&roles.label)),
        ("prediction", Some(&roles.pred)),
        ("score", roles.score.as_ref()),
        ("id", roles.id.as_ref()),
        ("human-label", roles.human.as_ref()),
        ("image", roles.image.as_ref()),
        ("text", roles.text.as_ref()),
        ("weight", roles.weight.as_ref()),
    ];
    for (i, (first, a)) in assigned.iter().enumerate() {
        for (second, b) in &assigned[i + 1..] {
            if let (Some(a), Some(b)) = (a, b)
                && a == b
            {
                return Err(LoadError::RoleClash {
                    path: path.to_path_buf(),
                    column: (*a).clone(),
                    first,
                    second,
                });
            }
        }
    }
    Ok(roles)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn role_names_are_found_in_any_case() {
        let cols: Vec<String> = ["ID", "Ground Truth", "y_pred", "Confidence"]
            .iter()
            .map(ToString::to_string)
            .collect();
        let roles = detect_roles(Path::new("x.csv"), &cols, &LoadOptions::default()).unwrap();
        assert_eq!(roles.label, "Ground Truth");
        assert_eq!(roles.pred, "y_pred");
        assert_eq!(roles.score.as_deref(), Some("Confidence"));
        assert_eq!(roles.id.as_deref(), Some("ID"));
    }
}
