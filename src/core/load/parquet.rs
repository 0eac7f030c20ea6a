//! Reading Parquet files.

use std::fs::File;
use std::path::Path;

use polars::prelude::{DataFrame, ParallelStrategy, ParquetReader, SerReader};

use super::{io_error, polars_error};
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
pub(super) fn read_batches(
    path: &Path,
    columns: Option<&[String]>,
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
    for (start, len, groups) in ranges {
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
        let df = reader
            .with_columns(projection.clone())
            .with_slice(Some((start, len)))
            .read_parallel(parallel)
            .finish()
            .map_err(|e| parquet_error(path, &e))?;
        #[allow(clippy::cast_precision_loss)]
        each(df, (start + len) as f64 / total)?;
    }
    Ok(left_out)
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
