//! Reading Parquet files.

use std::fs::File;
use std::path::Path;

use polars::prelude::{DataFrame, ParquetReader, SerReader};

use super::{io_error, polars_error};
use crate::core::error::LoadError;

/// Reads a whole Parquet file.
pub(super) fn read(path: &Path) -> Result<DataFrame, LoadError> {
    let file = File::open(path).map_err(|e| io_error(path, e))?;
    ParquetReader::new(file).finish().map_err(|e| {
        let message = e.to_string();
        if message.contains("PAR1") || message.contains("footer") || message.contains("out of spec")
        {
            LoadError::BadParquet {
                path: path.to_path_buf(),
            }
        } else {
            polars_error(path, &e)
        }
    })
}
