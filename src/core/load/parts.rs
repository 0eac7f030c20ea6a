//! A dataset written as a folder of parts, as Spark, Databricks, pandas and
//! `slicewise generate --parts` write it: every `.parquet`, `.csv` or
//! `.ndjson` file under the folder (in name order; files starting with `_`
//! or `.`, such as Spark's `_SUCCESS`, are not data), read part by part and
//! stacked. Folders named `key=value` (hive partitions) give each row of
//! their parts a column `key` with that value.

use std::path::{Path, PathBuf};

use polars::prelude::{Column, DataFrame, DataType, IntoColumn, NamedFrom, Series};

use super::parquet::NumberedIds;
use super::{InputFormat, LoadOptions, io_error, polars_error, read_frame, resolve_format};
use crate::core::error::LoadError;

/// The value Spark and Hive write for a NULL partition value.
const HIVE_NULL: &str = "__HIVE_DEFAULT_PARTITION__";

/// One part: its file and the hive partition values of the folders above it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Part {
    /// The file.
    pub path: PathBuf,
    /// (key, value) of each `key=value` folder between the dataset folder and
    /// the file, outermost first.
    pub partitions: Vec<(String, String)>,
}

fn is_data(path: &Path) -> bool {
    let hidden = path
        .file_name()
        .and_then(|n| n.to_str())
        .is_none_or(|n| n.starts_with('.') || n.starts_with('_'));
    !hidden && InputFormat::from_path(path).is_some()
}

/// Whether `path` is a pattern of parts rather than a file or folder: a
/// last component with `*` (any text) or `?` (one character) that names no
/// file, as in `preds/part-*.parquet` (quoted, so the shell leaves it).
#[must_use]
pub fn is_glob(path: &Path) -> bool {
    path.file_name()
        .and_then(|n| n.to_str())
        .is_some_and(|n| n.contains(['*', '?']))
        && !path.exists()
}

/// Whether `name` matches `pattern` (`*` any text, `?` one character).
fn matches(pattern: &[char], name: &[char]) -> bool {
    match pattern.split_first() {
        None => name.is_empty(),
        Some(('*', rest)) => (0..=name.len()).any(|i| matches(rest, &name[i..])),
        Some((&p, rest)) => name
            .split_first()
            .is_some_and(|(&c, tail)| (p == '?' || p == c) && matches(rest, tail)),
    }
}

/// The data files of `pattern`'s folder whose names match it, in name order.
fn list_glob(pattern: &Path) -> Result<Vec<Part>, LoadError> {
    let folder = match pattern.parent() {
        Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
        _ => PathBuf::from("."),
    };
    let wanted: Vec<char> = pattern
        .file_name()
        .and_then(|n| n.to_str())
        .unwrap_or_default()
        .chars()
        .collect();
    let mut parts = Vec::new();
    for entry in std::fs::read_dir(&folder).map_err(|e| io_error(&folder, e))? {
        let path = entry.map_err(|e| io_error(&folder, e))?.path();
        let name: Vec<char> = path
            .file_name()
            .map(|n| n.to_string_lossy().chars().collect())
            .unwrap_or_default();
        if path.is_file() && is_data(&path) && matches(&wanted, &name) {
            parts.push(Part {
                path,
                partitions: Vec::new(),
            });
        }
    }
    parts.sort_by(|a, b| a.path.cmp(&b.path));
    if parts.is_empty() {
        return Err(LoadError::Parse {
            path: pattern.to_path_buf(),
            message: format!(
                "no .parquet, .csv or .ndjson file in {} matches the pattern",
                folder.display()
            ),
        });
    }
    Ok(parts)
}

/// The parts of the dataset folder `dir` (or of a pattern, [`is_glob`]), in
/// path order.
///
/// # Errors
/// When the folder cannot be listed or holds no data file.
pub fn list(dir: &Path) -> Result<Vec<Part>, LoadError> {
    if is_glob(dir) {
        return list_glob(dir);
    }
    let mut parts = Vec::new();
    let mut stack = vec![(dir.to_path_buf(), Vec::new())];
    // Each folder once: a link back up the tree must not loop forever.
    let mut seen = std::collections::HashSet::new();
    while let Some((folder, partitions)) = stack.pop() {
        let real = std::fs::canonicalize(&folder).map_err(|e| io_error(&folder, e))?;
        if !seen.insert(real) {
            continue;
        }
        let entries = std::fs::read_dir(&folder).map_err(|e| io_error(&folder, e))?;
        for entry in entries {
            let entry = entry.map_err(|e| io_error(&folder, e))?;
            let path = entry.path();
            let name = entry.file_name().to_string_lossy().into_owned();
            if path.is_dir() {
                if name.starts_with('.') || name.starts_with('_') {
                    continue;
                }
                let mut inner: Vec<(String, String)> = partitions.clone();
                if let Some((key, value)) = name.split_once('=') {
                    inner.push((key.to_string(), value.to_string()));
                }
                stack.push((path, inner));
            } else if is_data(&path) {
                parts.push(Part {
                    path,
                    partitions: partitions.clone(),
                });
            }
        }
    }
    parts.sort_by(|a, b| a.path.cmp(&b.path));
    if parts.is_empty() {
        return Err(LoadError::Parse {
            path: dir.to_path_buf(),
            message: "the folder holds no .parquet, .csv or .ndjson file (parts starting with _ or . are not read)".to_string(),
        });
    }
    Ok(parts)
}

/// Reads one part, handing each batch of it to the callback with the share
/// of the part read so far; returns warnings about the part (columns left
/// out as unreadable).
pub(super) type ReadPart<'a> = dyn Fn(
        &Path,
        InputFormat,
        &mut dyn FnMut(DataFrame, f64, Option<NumberedIds>) -> Result<(), LoadError>,
    ) -> Result<Vec<String>, LoadError>
    + 'a;

/// Reads a part of a dataset folder for loading: a Parquet part in batches
/// of row groups, a CSV or NDJSON part whole. A load (`as_codes`) takes a
/// Parquet part's text columns as codes where it can
/// ([`parquet::read_batches`](super::parquet::read_batches)).
pub(super) fn read_for_load(
    opts: &LoadOptions,
    as_codes: bool,
    path: &Path,
    format: InputFormat,
    each: &mut dyn FnMut(DataFrame, f64, Option<NumberedIds>) -> Result<(), LoadError>,
) -> Result<Vec<String>, LoadError> {
    match format {
        InputFormat::Parquet => {
            // Only the columns the options select, decided from the part's
            // own columns (a role that is a partition column reads all).
            let roles = if as_codes || !matches!(opts.columns, super::ColumnSelection::All) {
                let (names, _) = super::parquet::columns_and_rows(path)?;
                super::detect_roles(path, &names, opts)
                    .ok()
                    .map(|roles| (roles, names))
            } else {
                None
            };
            let projection = match (&opts.columns, &roles) {
                (super::ColumnSelection::All, _) | (_, None) => None,
                (_, Some((roles, names))) => super::plan::projection(opts, roles, names),
            };
            let codes = match (as_codes, &roles) {
                (true, Some((roles, names))) => super::plan::as_codes(roles, names),
                _ => Vec::new(),
            };
            let left_out = super::parquet::read_batches(
                path,
                projection.as_deref(),
                &codes,
                // A load reads a part's text ids as numbers where it can.
                roles
                    .as_ref()
                    .filter(|_| as_codes)
                    .and_then(|(roles, _)| roles.id.as_deref()),
                opts.batch_rows,
                each,
            )?;
            Ok(super::parquet::left_out_warning(&left_out)
                .map(|w| format!("{w} ({})", path.display()))
                .into_iter()
                .collect())
        }
        InputFormat::Csv => {
            each(super::csv::read_whole(path, opts)?.0, 1.0, None).map(|()| Vec::new())
        }
        InputFormat::Ndjson => each(read_frame(path, format)?, 1.0, None).map(|()| Vec::new()),
    }
}

/// Reads the parts of `dir` with `read_part` and hands every batch, with
/// its hive partition columns and aligned on the first batch's columns, to
/// `each` with the format and the bytes of the parts read so far. Returns
/// the parts' bytes, their format and warnings for the user.
///
/// A hive partition column that is also a column inside the parts takes
/// the folder's value, as Spark, `DuckDB` and pyarrow do; where the values
/// inside differ, a warning names the column, the folder and a value that
/// was replaced.
///
/// # Errors
/// A part that cannot be read, parts of different formats or columns, or
/// the errors of reading one file.
pub(super) fn for_each_batch(
    dir: &Path,
    opts: &LoadOptions,
    read_part: &ReadPart<'_>,
    each: &mut dyn FnMut(DataFrame, InputFormat, u64, Option<NumberedIds>) -> Result<(), LoadError>,
) -> Result<(u64, InputFormat, Vec<String>), LoadError> {
    let parts = list(dir)?;
    let mut warnings: Vec<String> = Vec::new();
    let mut replaced: Vec<String> = Vec::new();
    let format = resolve_format(&parts[0].path, opts.format)?;
    let mut first: Option<(Vec<(String, DataType)>, PathBuf)> = None;
    let mut bytes = 0u64;
    for part in &parts {
        if opts.cancelled() {
            return Err(LoadError::Cancelled {
                path: dir.to_path_buf(),
            });
        }
        let path = &part.path;
        if resolve_format(path, None)? != format {
            return Err(LoadError::Parse {
                path: path.clone(),
                message: format!(
                    "the parts of {} mix formats: this part is not {format:?} like {}",
                    dir.display(),
                    parts[0].path.display()
                ),
            });
        }
        let size = std::fs::metadata(path)
            .map_err(|e| io_error(path, e))?
            .len();
        let notes = read_part(path, format, &mut |mut df, done, mut numbered| {
            let height = df.height();
            // Ids that a partition replaces are text again first (what the
            // column inside held is compared with the folder's value).
            if let Some(n) =
                numbered.take_if(|n| part.partitions.iter().any(|(k, _)| *k == n.column))
            {
                let text = n
                    .spelt(
                        df.column(&n.column)
                            .map_err(|e| polars_error(path, &e))?
                            .as_materialized_series(),
                    )
                    .map_err(|e| polars_error(path, &e))?;
                df.with_column(Column::from(text))
                    .map_err(|e| polars_error(path, &e))?;
            }
            for (key, value) in &part.partitions {
                if !replaced.contains(key)
                    && let Some(other) = differing_value(&df, key, value)
                {
                    replaced.push(key.clone());
                    warnings.push(format!(
                        "Column '{key}' is both a hive partition (the folder {key}={value}) and a column inside the parts, with other values ('{other}' in {}); the folder's value is used, as Spark, DuckDB and pyarrow do. Rename the folder or the column to keep both.",
                        path.display()
                    ));
                }
                let values: Vec<Option<&str>> =
                    vec![(value != HIVE_NULL).then_some(value.as_str()); height];
                df.with_column(Column::from(Series::new(key.as_str().into(), values)))
                    .map_err(|e| polars_error(path, &e))?;
            }
            let df = match &first {
                None => {
                    // Ids read as numbers are text, as the file has them.
                    let schema = df
                        .columns()
                        .iter()
                        .map(|c| {
                            let numbers = numbered
                                .as_ref()
                                .is_some_and(|n| n.column == c.name().as_str());
                            let dtype = if numbers {
                                DataType::String
                            } else {
                                c.dtype().clone()
                            };
                            (c.name().to_string(), dtype)
                        })
                        .collect();
                    first = Some((schema, path.clone()));
                    df
                }
                Some((schema, first)) => align(schema, &df, first, path, numbered.as_ref())?,
            };
            #[allow(
                clippy::cast_precision_loss,
                clippy::cast_possible_truncation,
                clippy::cast_sign_loss
            )]
            let read = bytes + (size as f64 * done) as u64;
            each(df, format, read, numbered)
        })?;
        for note in notes {
            if !warnings.contains(&note) {
                warnings.push(note);
            }
        }
        bytes += size;
    }
    Ok((bytes, format, warnings))
}

/// A value of column `key` inside `df` that is not the partition's `value`
/// (missing values aside), if the column exists and has one.
fn differing_value(df: &DataFrame, key: &str, value: &str) -> Option<String> {
    let column = df.column(key).ok()?;
    let text = column.cast(&DataType::String).ok()?;
    let wanted = (value != HIVE_NULL).then_some(value);
    text.str().ok()?.iter().find_map(|v| match (v, wanted) {
        (Some(v), Some(w))
            if v.trim() != w
                && super::classes::canonical_number(v.trim())
                    .is_none_or(|n| Some(n) != super::classes::canonical_number(w)) =>
        {
            Some(v.to_string())
        }
        (Some(v), None) => Some(v.to_string()),
        _ => None,
    })
}

/// The parts of `dir` read whole by `read_one`, with their hive partition
/// columns, aligned on the first part's columns and stacked; their bytes
/// and their format.
///
/// # Errors
/// As [`for_each_batch`].
pub(super) fn stack(
    dir: &Path,
    opts: &LoadOptions,
    read_one: impl Fn(&Path, InputFormat) -> Result<DataFrame, LoadError>,
) -> Result<(DataFrame, u64, InputFormat), LoadError> {
    let mut stacked: Option<DataFrame> = None;
    let read_part: &ReadPart<'_> =
        &|path, format, each| each(read_one(path, format)?, 1.0, None).map(|()| Vec::new());
    let (bytes, format, _) = for_each_batch(dir, opts, read_part, &mut |df, _, _, _| {
        match &mut stacked {
            None => stacked = Some(df),
            Some(all) => {
                all.vstack_mut_owned(df)
                    .map_err(|e| polars_error(dir, &e))?;
            }
        }
        Ok(())
    })?;
    let Some(mut df) = stacked else {
        return Err(LoadError::Parse {
            path: dir.to_path_buf(),
            message: "the folder holds no part".to_string(),
        });
    };
    df.rechunk_mut();
    if df.height() == 0 {
        return Err(LoadError::HeaderOnly {
            path: dir.to_path_buf(),
            columns: df
                .get_column_names()
                .into_iter()
                .map(ToString::to_string)
                .collect(),
        });
    }
    Ok((df, bytes, format))
}

/// `part` with the first part's columns (`schema`) in their order and
/// types; an error naming the first part and this one when the column
/// names differ.
fn align(
    schema: &[(String, DataType)],
    part: &DataFrame,
    first: &Path,
    path: &Path,
    numbered: Option<&NumberedIds>,
) -> Result<DataFrame, LoadError> {
    let want: Vec<String> = schema.iter().map(|(n, _)| n.clone()).collect();
    let have: Vec<String> = part
        .get_column_names()
        .into_iter()
        .map(ToString::to_string)
        .collect();
    let missing: Vec<&String> = want.iter().filter(|c| !have.contains(c)).collect();
    let extra: Vec<&String> = have.iter().filter(|c| !want.contains(c)).collect();
    if !missing.is_empty() || !extra.is_empty() {
        let list = |v: &[&String]| {
            v.iter()
                .map(|s| format!("'{s}'"))
                .collect::<Vec<_>>()
                .join(", ")
        };
        let mut what = Vec::new();
        if !missing.is_empty() {
            what.push(format!("lacks {}", list(&missing)));
        }
        if !extra.is_empty() {
            what.push(format!("has {} that the first part does not", list(&extra)));
        }
        return Err(LoadError::Parse {
            path: path.to_path_buf(),
            message: format!(
                "the parts do not agree on their columns: this part {} ({} is the first part). Every part needs the same columns",
                what.join(" and "),
                first.display()
            ),
        });
    }
    let mut columns = Vec::with_capacity(want.len());
    for (name, target) in schema {
        let col = part.column(name).map_err(|e| polars_error(path, &e))?;
        // Text read as codes is an enum of the part's own values: any text
        // joins any text as it is (the load encodes them alike), and other
        // types join text as strings.
        let is_text = |t: &DataType| {
            matches!(
                t,
                DataType::String | DataType::Enum(..) | DataType::Categorical(..)
            )
        };
        // Text ids read as numbers join as they are too (the load keeps
        // ids as numbers of a pattern where it can).
        let numbers = numbered.is_some_and(|n| n.column == *name);
        if is_text(target) && (is_text(col.dtype()) || numbers) {
            columns.push(col.clone());
            continue;
        }
        let target = if is_text(target) {
            &DataType::String
        } else {
            target
        };
        // Ids read as numbers that the first part had as something else
        // than text: their text is what is cast (and refused) as before.
        let spelt;
        let col = match numbered.filter(|_| numbers) {
            Some(n) => {
                spelt = n
                    .spelt(col.as_materialized_series())
                    .map_err(|e| polars_error(path, &e))?
                    .into_column();
                &spelt
            }
            None => col,
        };
        let col = if col.dtype() == target || matches!(col.dtype(), DataType::Null) {
            col.cast(target)
        } else {
            col.strict_cast(target)
        }
        .map_err(|_| LoadError::Parse {
            path: path.to_path_buf(),
            message: format!(
                "column '{name}' is {} in this part but {target} in the first part ({}), and its values do not convert",
                col.dtype(),
                first.display()
            ),
        })?;
        columns.push(col.into_column());
    }
    DataFrame::new_infer_height(columns).map_err(|e| polars_error(path, &e))
}

/// Why writing an output would harm an input.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum OutputConflict {
    /// The output is this input file (a data file, a part of a folder or
    /// pattern, a session), however the path is spelled.
    Replaces(PathBuf),
    /// The output would be a new data file that this folder or pattern of
    /// parts reads as one of its parts next time.
    JoinsParts(PathBuf),
}

/// The path a write to `path` ends at (links followed), with its folder
/// made absolute, when that folder exists.
fn real_destination(path: &Path) -> Option<PathBuf> {
    let target = crate::core::files::resolve(path).ok()?;
    let name = target.file_name()?;
    let parent = match target.parent() {
        Some(p) if !p.as_os_str().is_empty() => p,
        _ => Path::new("."),
    };
    Some(std::fs::canonicalize(parent).ok()?.join(name))
}

/// Whether a new file at `out` would be read as a part of the folder or
/// pattern `data`.
fn would_be_part(data: &Path, out: &Path) -> bool {
    let Some(dest) = real_destination(out) else {
        return false;
    };
    if !is_data(&dest) {
        return false;
    }
    let Some(parent) = dest.parent() else {
        return false;
    };
    if is_glob(data) {
        let folder = match data.parent() {
            Some(p) if !p.as_os_str().is_empty() => p,
            _ => Path::new("."),
        };
        let pattern: Vec<char> = data
            .file_name()
            .and_then(|n| n.to_str())
            .unwrap_or_default()
            .chars()
            .collect();
        let name: Vec<char> = dest
            .file_name()
            .map(|n| n.to_string_lossy().chars().collect())
            .unwrap_or_default();
        return std::fs::canonicalize(folder).is_ok_and(|f| f == parent)
            && matches(&pattern, &name);
    }
    let Ok(root) = std::fs::canonicalize(data) else {
        return false;
    };
    parent.strip_prefix(&root).is_ok_and(|inside| {
        inside.components().all(|c| {
            let c = c.as_os_str().to_string_lossy();
            !c.starts_with('.') && !c.starts_with('_')
        })
    })
}

/// Whether writing `out` would replace or join any of `inputs` (data files,
/// folders and patterns of parts, sessions): the same file through any
/// spelling (relative, `..`, symbolic or hard links), any part of a folder
/// or pattern, a file not written yet at an input's path, or a new data
/// file that a folder or pattern would read as a part.
#[must_use]
pub fn output_conflict(out: &Path, inputs: &[&Path]) -> Option<OutputConflict> {
    use crate::core::files::same_file;
    let dest = real_destination(out);
    for &input in inputs {
        if input.is_dir() || is_glob(input) {
            if let Ok(parts) = list(input)
                && let Some(part) = parts.iter().find(|p| same_file(out, &p.path))
            {
                return Some(OutputConflict::Replaces(part.path.clone()));
            }
            if would_be_part(input, out) {
                return Some(OutputConflict::JoinsParts(input.to_path_buf()));
            }
        } else if same_file(out, input) || dest.is_some() && dest == real_destination(input) {
            return Some(OutputConflict::Replaces(input.to_path_buf()));
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_output_among_the_parts_is_a_conflict_however_spelled() {
        let dir = tempfile::tempdir().unwrap();
        let data = dir.path().join("P");
        std::fs::create_dir_all(data.join("device=a")).unwrap();
        let part = data.join("device=a/part-1.csv");
        std::fs::write(&part, "label,pred\n1,1\n").unwrap();
        let session = dir.path().join("P.slicewise.ron");
        let inputs = [data.as_path(), session.as_path()];
        let conflict = |out: &Path| output_conflict(out, &inputs);
        assert_eq!(
            conflict(&part),
            Some(OutputConflict::Replaces(part.clone()))
        );
        let dotted = data.join("device=a/../device=a/./part-1.csv");
        assert!(matches!(
            conflict(&dotted),
            Some(OutputConflict::Replaces(_))
        ));
        #[cfg(unix)]
        {
            let hard = dir.path().join("hard.csv");
            std::fs::hard_link(&part, &hard).unwrap();
            assert!(matches!(conflict(&hard), Some(OutputConflict::Replaces(_))));
            let soft = dir.path().join("soft.csv");
            std::os::unix::fs::symlink(&part, &soft).unwrap();
            assert!(matches!(conflict(&soft), Some(OutputConflict::Replaces(_))));
        }
        // A new data file inside the folder would be read as a part.
        assert_eq!(
            conflict(&data.join("report.csv")),
            Some(OutputConflict::JoinsParts(data.clone()))
        );
        // A session that does not exist yet is still the session.
        assert!(matches!(
            conflict(&session),
            Some(OutputConflict::Replaces(_))
        ));
        // Beside the folder, in a hidden folder inside it, or not data: fine.
        assert_eq!(conflict(&dir.path().join("report.csv")), None);
        assert_eq!(conflict(&data.join("notes.md")), None);
        std::fs::create_dir(data.join("_out")).unwrap();
        assert_eq!(conflict(&data.join("_out/report.csv")), None);
        // Through a pattern.
        let pattern = data.join("device=a/part-*.csv");
        let inputs = [pattern.as_path()];
        assert!(matches!(
            output_conflict(&part, &inputs),
            Some(OutputConflict::Replaces(_))
        ));
        assert!(matches!(
            output_conflict(&data.join("device=a/part-2.csv"), &inputs),
            Some(OutputConflict::JoinsParts(_))
        ));
        assert_eq!(
            output_conflict(&data.join("device=a/report.csv"), &inputs),
            None
        );
    }
}
