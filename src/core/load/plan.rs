//! What a load reads: the columns of the file that a [`ColumnSelection`]
//! needs, decided from the file's column names and the roles before any
//! row is read.

use super::{ColumnSelection, LoadOptions, role_columns};
use crate::core::dataset::Roles;

/// A column's name without a byte order mark (the first column of a CSV
/// written by Excel carries one).
fn clean(name: &str) -> &str {
    name.trim_start_matches('\u{feff}')
}

/// The columns of `file` a load may take as codes rather than text (from
/// Parquet pages): every column but the score, id and weight, which are
/// numbers or keys rather than values to count.
pub(super) fn as_codes(roles: &Roles, file: &[String]) -> Vec<String> {
    let numbers = [&roles.score, &roles.id, &roles.weight];
    file.iter()
        .filter(|c| !numbers.iter().any(|r| r.as_deref() == Some(c.as_str())))
        .cloned()
        .collect()
}

/// The columns of `file` to read (in the file's order, as the file names
/// them), or `None` to read every column.
pub(super) fn projection(
    opts: &LoadOptions,
    roles: &Roles,
    file: &[String],
) -> Option<Vec<String>> {
    let roles_of = roles;
    let roles = role_columns(roles);
    let wanted: Vec<&str> = match &opts.columns {
        ColumnSelection::All => {
            // Every column but the map's (read by the map, never sliced by).
            let map = super::map_columns::detect(file)?;
            let keep: Vec<String> = file
                .iter()
                .filter(|c| roles.contains(c) || !super::map_columns::is_map_column(Some(&map), c))
                .cloned()
                .collect();
            return (keep.len() < file.len()).then_some(keep);
        }
        ColumnSelection::Roles => Vec::new(),
        ColumnSelection::Named(names) => {
            let mut found = Vec::with_capacity(names.len());
            for name in names {
                // A name that is not in the file, or a role column (which
                // `--by` refuses): read everything, so that the error that
                // follows can name every slice column.
                let hit = file
                    .iter()
                    .find(|c| clean(c) == name)
                    .or_else(|| file.iter().find(|c| clean(c).eq_ignore_ascii_case(name)))?;
                if roles.iter().any(|r| r == hit) {
                    return None;
                }
                found.push(hit.as_str());
            }
            found
        }
    };
    let probabilities = matches!(opts.columns, ColumnSelection::Named(_));
    let keep: Vec<String> = file
        .iter()
        .filter(|c| {
            roles.iter().any(|r| r == *c)
                || wanted.contains(&c.as_str())
                || (probabilities && super::probas::could_be(clean(c), opts))
                || (probabilities && roles_of.is_vote_column(clean(c)))
        })
        .cloned()
        .collect();
    (keep.len() < file.len()).then_some(keep)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn roles() -> Roles {
        Roles {
            label: "label".into(),
            pred: "pred".into(),
            id: Some("id".into()),
            ..Roles::default()
        }
    }

    fn file() -> Vec<String> {
        [
            "\u{feff}id",
            "label",
            "pred",
            "Device",
            "gender",
            "prob_a",
            "prob_b",
            "snr",
        ]
        .map(String::from)
        .to_vec()
    }

    fn with(columns: ColumnSelection) -> LoadOptions {
        LoadOptions {
            columns,
            ..LoadOptions::default()
        }
    }

    #[test]
    fn reads_roles_probabilities_and_the_named_columns_in_file_order() {
        let mut r = roles();
        r.id = Some("\u{feff}id".into());
        let named = with(ColumnSelection::Named(vec![
            "gender".into(),
            "device".into(),
        ]));
        // Every column but `snr`, which nothing names.
        let mut all_but_snr = file();
        all_but_snr.retain(|c| c != "snr");
        assert_eq!(projection(&named, &r, &file()).unwrap(), all_but_snr);
        let only = with(ColumnSelection::Roles);
        assert_eq!(
            projection(&only, &r, &file()).unwrap(),
            ["\u{feff}id", "label", "pred"]
        );
        assert_eq!(projection(&with(ColumnSelection::All), &r, &file()), None);
    }

    #[test]
    fn a_name_not_in_the_file_or_a_role_reads_every_column() {
        let named = with(ColumnSelection::Named(vec!["devise".into()]));
        assert_eq!(projection(&named, &roles(), &file()), None);
        let role = with(ColumnSelection::Named(vec![
            "device".into(),
            "LABEL".into(),
        ]));
        assert_eq!(projection(&role, &roles(), &file()), None);
    }
}
