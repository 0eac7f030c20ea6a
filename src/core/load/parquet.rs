//! Reading Parquet files.

use std::fs::File;
use std::path::Path;

use polars::prelude::{DataFrame, ParquetReader, SerReader};

use super::roles::detect_roles;
use super::{LoadOptions, io_error, polars_error, role_columns};
use crate::core::dataset::Roles;
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

/// Reads only the role columns of a Parquet file (found from its schema),
/// with the roles.
pub(super) fn read_roles(path: &Path, opts: &LoadOptions) -> Result<(DataFrame, Roles), LoadError> {
    let file = File::open(path).map_err(|e| io_error(path, e))?;
    let mut reader = ParquetReader::new(file);
    let schema = reader.schema().map_err(|e| parquet_error(path, &e))?;
    let columns: Vec<String> = schema.iter_names().map(ToString::to_string).collect();
    let roles = detect_roles(path, &columns, opts)?;
    let df = reader
        .with_columns(Some(role_columns(&roles)))
        .finish()
        .map_err(|e| parquet_error(path, &e))?;
    if df.height() == 0 {
        return Err(LoadError::HeaderOnly {
            path: path.to_path_buf(),
            columns,
        });
    }
    Ok((df, roles))
}
