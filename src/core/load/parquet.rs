//! Reading Parquet files.

use std::fs::File;
use std::path::Path;

use polars::prelude::{DataFrame, ParquetReader, SerReader};

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

/// Reads a whole Parquet file.
pub(super) fn read(path: &Path) -> Result<DataFrame, LoadError> {
    let file = File::open(path).map_err(|e| io_error(path, e))?;
    ParquetReader::new(file)
        .finish()
        .map_err(|e| parquet_error(path, &e))
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

/// Rows per batch of a streaming read: row groups are read together until
/// they hold at least this many.
const BATCH_ROWS: usize = 1 << 20;

/// Reads a Parquet file in batches of whole row groups (at least
/// `batch_rows` rows each but the last; [`BATCH_ROWS`] when `None`), only
/// `columns` when given,
/// handing each batch to `each` with the share of the file's rows read so
/// far. A file without rows gives one empty batch with its columns.
pub(super) fn read_batches(
    path: &Path,
    columns: Option<&[String]>,
    batch_rows: Option<usize>,
    each: &mut dyn FnMut(DataFrame, f64) -> Result<(), LoadError>,
) -> Result<(), LoadError> {
    let open = || -> Result<ParquetReader<File>, LoadError> {
        Ok(ParquetReader::new(
            File::open(path).map_err(|e| io_error(path, e))?,
        ))
    };
    let metadata = open()?
        .get_metadata()
        .map_err(|e| parquet_error(path, &e))?
        .clone();
    let mut ranges = Vec::new();
    let (mut start, mut len) = (0, 0);
    for group in &metadata.row_groups {
        len += group.num_rows();
        if len >= batch_rows.unwrap_or(BATCH_ROWS).max(1) {
            ranges.push((start, len));
            start += len;
            len = 0;
        }
    }
    if len > 0 || ranges.is_empty() {
        ranges.push((start, len));
    }
    #[allow(clippy::cast_precision_loss)]
    let total = metadata.num_rows.max(1) as f64;
    for (start, len) in ranges {
        let mut reader = open()?;
        reader.set_metadata(metadata.clone());
        let df = reader
            .with_columns(columns.map(<[String]>::to_vec))
            .with_slice(Some((start, len)))
            .finish()
            .map_err(|e| parquet_error(path, &e))?;
        #[allow(clippy::cast_precision_loss)]
        each(df, (start + len) as f64 / total)?;
    }
    Ok(())
}
