//! Reading Parquet files.

use std::fs::File;
use std::path::Path;

use polars::prelude::{
    ArrowDataType, DataFrame, IntoColumn, ParallelStrategy, ParquetReader, SerReader, Series,
};
use polars_parquet::parquet::metadata::FileMetadata;

use super::{io_error, parquet_codes, polars_error};
use crate::core::error::LoadError;

fn parquet_error(path: &Path, e: &polars::prelude::PolarsError) -> LoadError {
    let message = e.to_string();
    if message.contains("PAR1") || message.contains("footer") || message.contains("out of spec") {
        LoadError::BadParquet {
            path: path.to_path_buf(),
        }
    } else {
        polars_error(path, e)
    }
}

/// Reads a whole Parquet file; columns that cannot be read at all
/// ([`unreadable`]) are left out.
pub(super) fn read(path: &Path) -> Result<DataFrame, LoadError> {
    let file = File::open(path).map_err(|e| io_error(path, e))?;
    match ParquetReader::new(file).finish() {
        Ok(df) => Ok(df),
        Err(e) => {
            let (names, _) = columns_and_rows(path)?;
            let left_out = unreadable(path, &names);
            if left_out.is_empty() {
                return Err(parquet_error(path, &e));
            }
            let keep: Vec<String> = names
                .into_iter()
                .filter(|c| !left_out.iter().any(|(l, _)| l == c))
                .collect();
            let file = File::open(path).map_err(|e| io_error(path, e))?;
            ParquetReader::new(file)
                .with_columns(Some(keep))
                .finish()
                .map_err(|e| parquet_error(path, &e))
        }
    }
}

/// The first `rows` rows of a Parquet file.
pub(super) fn read_head(path: &Path, rows: usize) -> Result<DataFrame, LoadError> {
    let file = File::open(path).map_err(|e| io_error(path, e))?;
    ParquetReader::new(file)
        .with_slice(Some((0, rows)))
        .finish()
        .map_err(|e| parquet_error(path, &e))
}

/// The column names of a Parquet file, from its schema, and its rows.
pub(super) fn columns_and_rows(path: &Path) -> Result<(Vec<String>, usize), LoadError> {
    let file = File::open(path).map_err(|e| io_error(path, e))?;
    let mut reader = ParquetReader::new(file);
    let schema = reader.schema().map_err(|e| parquet_error(path, &e))?;
    let rows = reader.num_rows().map_err(|e| parquet_error(path, &e))?;
    Ok((schema.iter_names().map(ToString::to_string).collect(), rows))
}

/// The columns of a Parquet file that cannot be read (a DECIMAL wider than
/// 38 digits, a type polars does not know), each with the reader's reason.
/// One quick read of the first row tells whether there are any; only then
/// is each column tried alone.
pub(super) fn unreadable(path: &Path, columns: &[String]) -> Vec<(String, String)> {
    let head = |cols: Option<Vec<String>>| -> Result<DataFrame, polars::prelude::PolarsError> {
        ParquetReader::new(File::open(path)?)
            .with_columns(cols)
            .with_slice(Some((0, 1)))
            .finish()
    };
    if head(None).is_ok() {
        return Vec::new();
    }
    columns
        .iter()
        .filter_map(|c| {
            head(Some(vec![c.clone()])).err().map(|e| {
                let reason = e.to_string();
                (
                    c.clone(),
                    reason.lines().next().unwrap_or_default().to_string(),
                )
            })
        })
        .collect()
}

/// Rows per batch of a streaming read: row groups are read together until
/// they hold at least this many.
const BATCH_ROWS: usize = 1 << 20;

/// Reads a Parquet file in batches of whole row groups (at least
/// `batch_rows` rows each but the last; [`BATCH_ROWS`] when `None`), only
/// `columns` when given,
/// handing each batch to `each` with the share of the file's rows read so
/// far. A file without rows gives one empty batch with its columns.
///
/// Columns that cannot be read at all ([`unreadable`]) are left out; each
/// is returned with the reader's reason, for a warning (the caller refuses
/// the file when it needs one of them).
///
/// Text columns named in `as_codes` are read from their pages as codes
/// ([`parquet_codes`](super::parquet_codes)) and handed on as polars enums
/// rather than strings, where their pages allow: for a load, which encodes
/// them anyway.
pub(super) fn read_batches(
    path: &Path,
    columns: Option<&[String]>,
    as_codes: &[String],
    batch_rows: Option<usize>,
    each: &mut dyn FnMut(DataFrame, f64) -> Result<(), LoadError>,
) -> Result<Vec<(String, String)>, LoadError> {
    let open = || -> Result<ParquetReader<File>, LoadError> {
        Ok(ParquetReader::new(
            File::open(path).map_err(|e| io_error(path, e))?,
        ))
    };
    let metadata = open()?
        .get_metadata()
        .map_err(|e| parquet_error(path, &e))?
        .clone();
    // Each batch's first row, rows and row groups.
    let mut ranges = Vec::new();
    let (mut start, mut len, mut groups) = (0, 0, 0);
    for group in &metadata.row_groups {
        len += group.num_rows();
        groups += 1;
        if len >= batch_rows.unwrap_or(BATCH_ROWS).max(1) {
            ranges.push((start, len, groups));
            start += len;
            len = 0;
            groups = 0;
        }
    }
    if len > 0 || ranges.is_empty() {
        ranges.push((start, len, groups));
    }
    let file = File::open(path).map_err(|e| io_error(path, e))?;
    let (names, _) = columns_and_rows(path)?;
    let left_out = unreadable(path, columns.map_or(&names, |c| c));
    let projection: Option<Vec<String>> = if left_out.is_empty() {
        columns.map(<[String]>::to_vec)
    } else {
        Some(
            columns
                .unwrap_or(&names)
                .iter()
                .filter(|c| !left_out.iter().any(|(l, _)| l == *c))
                .cloned()
                .collect(),
        )
    };
    #[allow(clippy::cast_precision_loss)]
    let total = metadata.num_rows.max(1) as f64;
    let columns = projection.as_ref().map_or(names.len(), Vec::len);
    // The columns to read as codes: text in the file's schema, wanted, and
    // readable.
    let schema = {
        let mut reader = open()?;
        reader.set_metadata(metadata.clone());
        reader.schema().map_err(|e| parquet_error(path, &e))?
    };
    let wanted: Vec<String> = projection.clone().unwrap_or_else(|| names.clone());
    let coded: Vec<String> = wanted
        .iter()
        .filter(|c| {
            as_codes.contains(c)
                && schema.get(c.as_str()).is_some_and(|f| {
                    matches!(
                        f.dtype(),
                        ArrowDataType::Utf8 | ArrowDataType::LargeUtf8 | ArrowDataType::Utf8View
                    )
                })
        })
        .cloned()
        .collect();
    let mut first_group = 0;
    for (start, len, groups) in ranges {
        let group_range = first_group..first_group + groups;
        first_group += groups;
        let codes = read_coded(&file, &metadata, group_range, &coded);
        let mut reader = open()?;
        reader.set_metadata(metadata.clone());
        // Polars decodes row groups side by side when the file has more
        // than columns or threads, and a batch's one or two row groups then
        // took one thread: a batch of few row groups decodes its columns
        // side by side instead.
        let parallel = if groups > columns || groups > rayon::current_num_threads() {
            ParallelStrategy::RowGroups
        } else {
            ParallelStrategy::Columns
        };
        let df = if codes.is_empty() {
            reader
                .with_columns(projection.clone())
                .with_slice(Some((start, len)))
                .read_parallel(parallel)
                .finish()
                .map_err(|e| parquet_error(path, &e))?
        } else {
            // Polars reads the rest, and the columns join in the file's order.
            let rest: Vec<String> = wanted
                .iter()
                .filter(|c| !codes.iter().any(|(n, _)| n == *c))
                .cloned()
                .collect();
            let read = if rest.is_empty() {
                DataFrame::empty()
            } else {
                reader
                    .with_columns(Some(rest))
                    .with_slice(Some((start, len)))
                    .read_parallel(parallel)
                    .finish()
                    .map_err(|e| parquet_error(path, &e))?
            };
            let mut codes = codes;
            let mut joined = Vec::with_capacity(wanted.len());
            for name in &wanted {
                if let Some(i) = codes.iter().position(|(n, _)| n == name) {
                    joined.push(codes.swap_remove(i).1.into_column());
                } else if let Some(c) = read.column(name).ok().cloned() {
                    joined.push(c);
                }
            }
            drop(read);
            DataFrame::new(len, joined).map_err(|e| parquet_error(path, &e))?
        };
        #[allow(clippy::cast_precision_loss)]
        each(df, (start + len) as f64 / total)?;
    }
    Ok(left_out)
}

/// The `columns` of the row groups `groups` that read as codes, each as a
/// polars enum; a column any of whose chunks does not is left to polars.
fn read_coded(
    file: &File,
    metadata: &FileMetadata,
    groups: std::ops::Range<usize>,
    columns: &[String],
) -> Vec<(String, Series)> {
    use rayon::prelude::*;
    if columns.is_empty() {
        return Vec::new();
    }
    // Every chunk of every column on all cores, in order, on the reading
    // pool (not behind the encoding of the batch before).
    let work: Vec<(usize, usize)> = (0..columns.len())
        .flat_map(|c| groups.clone().map(move |g| (c, g)))
        .collect();
    let read = || -> Vec<Option<parquet_codes::Coded>> {
        work.par_iter()
            .map(|&(c, g)| {
                let group = &metadata.row_groups[g];
                let mut chunks = group.columns_under_root_iter(&columns[c])?;
                let chunk = chunks.next()?;
                if chunks.next().is_some() {
                    return None;
                }
                parquet_codes::read_chunk(file, chunk, group.num_rows())
            })
            .collect()
    };
    let chunks = match crate::core::threads::reading_pool() {
        Some(pool) => pool.install(read),
        None => read(),
    };
    let mut chunks = chunks.into_iter();
    let mut out = Vec::new();
    for name in columns {
        let mine: Option<Vec<parquet_codes::Coded>> = chunks.by_ref().take(groups.len()).collect();
        if let Some(series) = mine
            .map(parquet_codes::join)
            .and_then(|coded| parquet_codes::into_series(name, coded))
        {
            out.push((name.clone(), series));
        }
    }
    out
}

/// The warning for columns left out as unreadable.
pub(super) fn left_out_warning(columns: &[(String, String)]) -> Option<String> {
    (!columns.is_empty()).then(|| {
        let list: Vec<String> = columns
            .iter()
            .map(|(c, why)| format!("'{c}' ({why})"))
            .collect();
        format!(
            "Column(s) {} cannot be read and were left out; cast them to a plain number or text when writing the file to use them.",
            list.join(", ")
        )
    })
}
