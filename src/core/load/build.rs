//! Turning the polars frame into the compact [`Dataset`].

use std::path::Path;

use polars::prelude::DataFrame;
use rayon::prelude::*;
use rustc_hash::FxHashMap;

use super::encode::{next_code, parallel_map, sort_classes};
use super::stream::{Acc, Builder, Dict};
use super::{DEFAULT_BINS, LoadOptions, SHOW_ROWS};
use crate::core::dataset::{
    Bitmap, Column, ColumnData, ColumnUse, Dataset, HUMAN_COUNT_COLUMNS, HumanCounts, Ids,
    NO_HUMAN, ProbaColumn, Roles, SourceInfo, Weights,
};
use crate::core::error::LoadError;

/// Turns a whole polars frame into the compact dataset: one batch.
pub(super) fn build_dataset(
    df: &mut DataFrame,
    roles: Roles,
    source: SourceInfo,
    opts: &LoadOptions,
) -> Result<Dataset, LoadError> {
    let mut builder = Builder::new(&source.path, roles, df);
    builder.push(std::mem::take(df), None)?;
    finish(builder, source, opts)
}

/// Turns the grown columns into the dataset: slice columns grouped (numeric
/// ones binned now that all their values are in), classes unified and
/// sorted, ids checked for duplicates.
pub(super) fn finish(
    builder: Builder,
    source: SourceInfo,
    opts: &LoadOptions,
) -> Result<Dataset, LoadError> {
    let Builder {
        path,
        roles,
        rows,
        slots,
        mut warnings,
    } = builder;
    if rows == 0 {
        return Err(LoadError::HeaderOnly {
            path,
            columns: slots.into_iter().map(|s| s.name).collect(),
        });
    }
    if opts.cancelled() {
        return Err(LoadError::Cancelled { path });
    }
    // One bin holds every row and narrows nothing: at least two.
    let bins = opts.bins.unwrap_or(DEFAULT_BINS).max(2);
    let (mut label_dict, mut pred_dict, mut human_dict) = (None, None, None);
    let mut score: Option<Vec<f64>> = None;
    let mut ids = Ids::RowNumber;
    let mut weights = None;
    let mut column_slots = Vec::new();
    for slot in slots {
        match slot.acc {
            Acc::Label(d) => label_dict = Some(d),
            Acc::Pred(d) => pred_dict = Some(d),
            Acc::Human(d) => human_dict = Some(d),
            Acc::Score(mut v) => {
                v.shrink_to_fit();
                score = Some(v);
            }
            Acc::Ids(i, missing) => {
                if missing.count > 0 {
                    return Err(LoadError::NullIds {
                        path,
                        column: slot.name,
                        count: missing.count,
                        first_rows: missing.first_rows,
                    });
                }
                if let Some(i) = i {
                    check_unique(&path, &slot.name, &i)?;
                    ids = i;
                }
            }
            Acc::Weight(mut v, problems) => {
                problems.check(&path, &slot.name)?;
                v.shrink_to_fit();
                weights = Some(Weights::new(slot.name, v));
            }
            Acc::Numeric(..) | Acc::Categorical(..) => column_slots.push(slot),
        }
    }
    match &mut ids {
        Ids::Str(s) => s.shrink_to_fit(),
        Ids::Int(v) | Ids::Numbered(_, v) => v.shrink_to_fit(),
        Ids::RowNumber => {}
    }
    let (Some(label_dict), Some(pred_dict)) = (label_dict, pred_dict) else {
        return Err(LoadError::Parse {
            path,
            message: "the label and prediction columns could not be converted".to_string(),
        });
    };
    for slot in &column_slots {
        if let Acc::Categorical(_, d) = &slot.acc {
            warnings.extend(super::classes::unicode_warning(
                &format!("values of column '{}'", slot.name),
                &d.unicode_merges,
            ));
        }
    }
    for (column, dict) in [
        (Some(&roles.label), Some(&label_dict)),
        (Some(&roles.pred), Some(&pred_dict)),
        (roles.human.as_ref(), human_dict.as_ref()),
    ] {
        if let (Some(column), Some(dict)) = (column, dict) {
            warnings.extend(super::classes::unicode_warning(
                &format!("values of column '{column}'"),
                &dict.unicode_merges,
            ));
        }
    }
    // Label and prediction share one class dictionary.
    check_nulls(&path, "true-label", &roles.label, &label_dict)?;
    check_nulls(&path, "prediction", &roles.pred, &pred_dict)?;
    let unified = super::classes::unify(
        &roles.label,
        &label_dict.values,
        &roles.pred,
        &pred_dict.values,
    );
    warnings.extend(unified.warnings);
    let classes = sort_classes(unified.names.clone());
    // The probability columns are taken before the others are grouped for
    // slicing: binning them would be work thrown away.
    let names: Vec<(&str, bool)> = column_slots
        .iter()
        .map(|s| {
            (
                s.name.as_str(),
                matches!(s.acc, Acc::Numeric(ColumnUse::Slice, ..)),
            )
        })
        .collect();
    let mut chosen = super::probas::choose(&path, &names, &classes, opts)?;
    for i in super::probas::named_but_text(&names, &classes, opts) {
        if let Acc::Categorical(_, dict) = &column_slots[i].acc
            && let Some(text) = dict
                .values
                .iter()
                .find(|v| !v.trim().parse::<f64>().is_ok_and(f64::is_finite))
        {
            warnings.push(format!(
                "Column '{}' is named like a class's probabilities but holds text ('{text}'), so it was read as a slice column, not as probabilities. Write its values as numbers (missing ones empty) to use it.",
                names[i].0
            ));
        }
    }
    chosen.sort_by_key(|&(i, _)| std::cmp::Reverse(i));
    let mut proba_columns = Vec::with_capacity(chosen.len());
    for (i, class) in chosen {
        let slot = column_slots.remove(i);
        if let Acc::Numeric(_, mut values, _) = slot.acc {
            values.shrink_to_fit();
            proba_columns.push(ProbaColumn {
                class,
                name: slot.name,
                values,
            });
        }
    }
    let probas = super::probas::probas(proba_columns);
    let mut columns: Vec<Column> = parallel_map(column_slots, |slot| slot.into_column(bins))
        .into_iter()
        .flatten()
        .collect();

    let mut roles = roles;
    if let (Some(name), Some(values)) = (roles.score.clone(), &score) {
        match score_notes(&name, values) {
            ScoreNotes::Empty => {
                warnings.push(format!(
                    "The score column '{name}' is empty in every row, so the file is read without a score."
                ));
                score = None;
                roles.score = None;
            }
            ScoreNotes::Notes(notes) => warnings.extend(notes),
        }
    }

    // Unified index → position in the sorted classes.
    let position: FxHashMap<&str, u32> = classes
        .iter()
        .enumerate()
        .map(|(i, c)| (c.as_str(), next_code(i)))
        .collect();
    let sorted: Vec<u32> = unified
        .names
        .iter()
        .map(|n| position.get(n.as_str()).copied().unwrap_or(0))
        .collect();
    let remap = |dict: &Dict, value_class: &[u32]| -> Vec<u32> {
        let table: Vec<u32> = value_class.iter().map(|&u| sorted[u as usize]).collect();
        dict.codes_through(0, &table)
    };
    let label = remap(&label_dict, &unified.label);
    drop(label_dict);
    let pred = remap(&pred_dict, &unified.pred);
    drop(pred_dict);
    let mut correct = Bitmap::new(rows);
    for (i, (l, p)) in label.iter().zip(&pred).enumerate() {
        if l == p {
            correct.set(i, true);
        }
    }

    // Human labels map onto the same classes; values the model never uses are extra.
    let mut human_extra_classes = Vec::new();
    let human = match (&roles.human, human_dict) {
        (Some(name), Some(dict)) => {
            let table =
                super::classes::human_codes(&dict.values, &classes, &mut human_extra_classes);
            if dict.null_count > 0 {
                warnings.push(format!(
                    "The human-label column '{name}' is empty on {} row(s); those rows are left out of human-level performance.",
                    dict.null_count
                ));
            }
            Some(dict.codes_through(NO_HUMAN, &table))
        }
        _ => None,
    };
    match (&roles.id, &weights) {
        (None, Some(w)) => warnings.push(format!(
            "Each row stands for '{}' examples and there is no id column: a count cube. Every number is computed from the counts, but there are no examples to review; rule tags on the slice columns work. To review examples, draw a sample (slicewise cube --sample-sql N) and open it.",
            w.column
        )),
        (None, None) => warnings.push(
            "There is no id column, so tags are keyed by row number: re-sorting or filtering the file will detach them. Add an id column (or name one with --id COL).".to_string(),
        ),
        (Some(_), Some(w)) if opts.weight.is_detect() => warnings.push(format!(
            "Each row counts as its weight in column '{}', found by its name: every number is weighted. Pass --weight \"\" to count each row once.",
            w.column
        )),
        (Some(_), _) => {}
    }

    let human_counts = if weights.is_some() && human.is_none() {
        take_human_counts(&path, &mut columns)?
    } else {
        None
    };
    let mut ds = Dataset {
        source,
        roles,
        classes,
        label,
        pred,
        n_errors: rows - correct.count_ones(),
        correct,
        score,
        probas,
        human,
        human_extra_classes,
        human_counts,
        weights,
        weighed: Default::default(),
        ids,
        columns,
        warnings,
        load_phases: Vec::new(),
    };
    // Without a human-label column, annotators' votes are the human
    // labels: every vote one, so human-level performance is the share of
    // votes equal to the given label (a vote column that is no count is
    // reported by the report, not here).
    if ds.human.is_none()
        && ds.human_counts.is_none()
        && ds.weights.is_none()
        && let Ok(Some(votes)) = crate::core::annotators::detect(&ds)
    {
        ds.human_counts = Some(votes.human_counts(&ds.label));
    }
    ds.weigh_totals();
    Ok(ds)
}

/// A count cube's human agreement columns ([`HUMAN_COUNT_COLUMNS`]), taken
/// out of the slice columns when both are there.
fn take_human_counts(
    path: &std::path::Path,
    columns: &mut Vec<crate::core::dataset::Column>,
) -> Result<Option<HumanCounts>, LoadError> {
    let (n_name, agree_name) = HUMAN_COUNT_COLUMNS;
    let find = |columns: &[crate::core::dataset::Column], name: &str| {
        columns.iter().position(|c| {
            c.name.eq_ignore_ascii_case(name) && matches!(c.data, ColumnData::Numeric { .. })
        })
    };
    let (Some(_), Some(_)) = (find(columns, n_name), find(columns, agree_name)) else {
        return Ok(None);
    };
    let mut take = |name: &str| -> Vec<f64> {
        let Some(i) = find(columns, name) else {
            return Vec::new();
        };
        match columns.remove(i).data {
            ColumnData::Numeric { values, .. } => values,
            ColumnData::Categorical(_) => Vec::new(),
        }
    };
    let (labelled, agree) = (take(n_name), take(agree_name));
    if let Some(row) = labelled
        .iter()
        .zip(&agree)
        .position(|(&n, &a)| !(n >= 0.0 && a >= 0.0 && a <= n))
    {
        return Err(LoadError::Parse {
            path: path.to_path_buf(),
            message: format!(
                "the human agreement counts on data row {} are not counts ({n_name} {}, {agree_name} {}): {agree_name} must be between 0 and {n_name}",
                row + 1,
                labelled[row],
                agree[row]
            ),
        });
    }
    Ok(Some(HumanCounts {
        labelled,
        agree,
        from_annotators: false,
    }))
}

pub(super) fn check_nulls(
    path: &Path,
    role: &'static str,
    column: &str,
    enc: &Dict,
) -> Result<(), LoadError> {
    if enc.null_count == 0 {
        return Ok(());
    }
    Err(LoadError::Nulls {
        path: path.to_path_buf(),
        role,
        column: column.to_string(),
        count: enc.null_count,
        first_rows: enc.first_null_rows.clone(),
    })
}

/// Ids must be unique: sorted ids (the common case) are checked in one
/// pass; otherwise hashes are sorted and neighbours compared.
pub(super) fn check_unique(path: &Path, column: &str, ids: &Ids) -> Result<(), LoadError> {
    let n = ids.len();
    let strictly_increasing = match ids {
        Ids::Int(v) | Ids::Numbered(_, v) => v.strictly_increasing(),
        Ids::Str(s) => (1..n).all(|i| s.get(i - 1) < s.get(i)),
        Ids::RowNumber => true,
    };
    if strictly_increasing {
        return Ok(());
    }
    // Sort (hash, row) pairs; equal neighbours are duplicates (or, rarely,
    // collisions). The pairs are all different, so the order sorted on all
    // cores is the one order.
    let mut keyed: Vec<(u64, u32)> = (0..n)
        .into_par_iter()
        .map(|i| {
            let h = match ids {
                Ids::Int(v) | Ids::Numbered(_, v) => {
                    v.get(i).cast_unsigned().wrapping_mul(0x9E37_79B9_7F4A_7C15)
                }
                Ids::Str(s) => {
                    std::hash::BuildHasher::hash_one(&rustc_hash::FxBuildHasher, s.get(i))
                }
                Ids::RowNumber => 0,
            };
            (h, next_code(i))
        })
        .collect();
    keyed.par_sort_unstable();
    let mut dups: FxHashMap<String, Vec<usize>> = FxHashMap::default();
    let mut order: Vec<String> = Vec::new();
    for w in keyed.windows(2) {
        let (a, b) = (w[0].1 as usize, w[1].1 as usize);
        if w[0].0 == w[1].0 && ids.key(a) == ids.key(b) {
            let key = ids.key(a).into_owned();
            let rows = dups.entry(key.clone()).or_insert_with(|| {
                order.push(key);
                vec![a]
            });
            rows.push(b);
        }
    }
    if dups.is_empty() {
        return Ok(());
    }
    order.sort_by_key(|k| dups[k].iter().min().copied());
    let examples = order
        .iter()
        .take(3)
        .map(|k| {
            let mut rows = dups[k].clone();
            rows.sort_unstable();
            rows.dedup();
            format!(
                "'{k}' on data rows {}",
                crate::core::error::rows_list(&rows)
            )
        })
        .collect::<Vec<_>>()
        .join("; ");
    Err(LoadError::DuplicateIds {
        path: path.to_path_buf(),
        column: column.to_string(),
        count: dups.len(),
        examples,
    })
}

/// What a score column's values call for.
enum ScoreNotes {
    /// No row has a score.
    Empty,
    /// Warnings about missing, infinite or out-of-range scores.
    Notes(Vec<String>),
}

/// Counts the missing (NaN), infinite and, for a column that is otherwise a
/// probability, out-of-[0, 1] scores, naming the first rows of each.
fn score_notes(name: &str, values: &[f64]) -> ScoreNotes {
    // Each score's kind: missing, infinite, finite outside [0, 1], or in it.
    let kind = |v: f64| -> usize {
        if v.is_nan() {
            0
        } else if v.is_infinite() {
            1
        } else if (0.0..=1.0).contains(&v) {
            3
        } else {
            2
        }
    };
    // One pass on all cores counts the kinds (three passes on one core took
    // 1-2% of a report); the first rows of a kind are found only when it
    // has some.
    let counts = values
        .par_chunks(1 << 16)
        .map(|chunk| {
            let mut n = [0_usize; 4];
            for &v in chunk {
                n[kind(v)] += 1;
            }
            n
        })
        .reduce(|| [0; 4], |a, b| std::array::from_fn(|k| a[k] + b[k]));
    let rows = |k: usize| -> (usize, Vec<usize>) {
        let first = if counts[k] > 0 {
            (0..values.len())
                .filter(|&i| kind(values[i]) == k)
                .take(SHOW_ROWS)
                .collect()
        } else {
            Vec::new()
        };
        (counts[k], first)
    };
    let (missing, first_missing) = rows(0);
    if missing == values.len() {
        return ScoreNotes::Empty;
    }
    let mut notes = Vec::new();
    let list = crate::core::error::rows_list;
    if missing > 0 {
        notes.push(format!(
            "The score column '{name}' is empty or NaN on {missing} row(s) (data rows {}); they are left out of score curves, thresholds and calibration.",
            list(&first_missing)
        ));
    }
    let (infinite, first_infinite) = rows(1);
    if infinite > 0 {
        notes.push(format!(
            "The score column '{name}' is infinite on {infinite} row(s) (data rows {}); they rank above (or below) every other score, and the column is not a probability.",
            list(&first_infinite)
        ));
    }
    let (outside, first_outside) = rows(2);
    let finite = values.len() - missing - infinite;
    // Mostly in [0, 1]: a probability with some broken values, not another scale.
    if outside > 0 && outside * 100 <= finite {
        notes.push(format!(
            "The score column '{name}' looks like a probability but is outside [0, 1] on {outside} row(s) (data rows {}); check how it was exported.",
            list(&first_outside)
        ));
    }
    ScoreNotes::Notes(notes)
}
