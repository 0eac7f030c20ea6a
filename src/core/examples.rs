//! Handing examples on: the rows Review shows, with every column of the data
//! file as it is written there, plus their tags and note, as CSV or Parquet
//! for labellers and engineers.

use std::path::{Path, PathBuf};

use polars::prelude::{
    Column, CsvWriter, DataFrame, IdxCa, IdxSize, NamedFrom, ParquetWriter, SerWriter, Series,
};

use super::dataset::Dataset;
use super::error::LoadError;
use super::load::{InputFormat, read_raw};
use super::tags::Annotations;

/// The formats examples are written in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ExamplesFormat {
    /// CSV.
    Csv,
    /// Parquet.
    Parquet,
}

impl ExamplesFormat {
    /// The format a file name asks for (`.csv`, `.parquet`).
    #[must_use]
    pub fn from_path(path: &Path) -> Option<Self> {
        let ext = path.extension()?.to_str()?.to_ascii_lowercase();
        match ext.as_str() {
            "csv" => Some(Self::Csv),
            "parquet" | "pq" => Some(Self::Parquet),
            _ => None,
        }
    }
}

/// Why examples could not be handed on.
#[derive(Debug, thiserror::Error)]
pub enum ExamplesError {
    /// The output name says no format.
    #[error(
        "Cannot tell the format to write the examples in from '{}': name the file .csv or .parquet",
        .0.display()
    )]
    UnknownFormat(PathBuf),
    /// The data file could not be read again.
    #[error(transparent)]
    Load(#[from] LoadError),
    /// The data file no longer has the rows that were opened.
    #[error(
        "The data file has {now} rows but {opened} were opened; it changed since. Open it again, then export: {}",
        path.display()
    )]
    Changed {
        /// The data file.
        path: PathBuf,
        /// Rows now.
        now: usize,
        /// Rows opened.
        opened: usize,
    },
    /// Building or writing the table failed.
    #[error("Could not write the examples to {}: {message}", path.display())]
    Write {
        /// The output file.
        path: PathBuf,
        /// What went wrong.
        message: String,
    },
}

/// The names of the two added columns, suffixed with `_slicewise` when the
/// data already has a column of that name.
fn added_name(df: &DataFrame, name: &str) -> String {
    if df.schema().contains(name) {
        format!("{name}_slicewise")
    } else {
        name.to_string()
    }
}

/// The `rows` of the data file (in the given order) with all its columns and
/// two more: `tags` (the row's tag names, "; "-separated, in the tag list's
/// order) and `note`.
///
/// # Errors
/// When the data file cannot be read again or no longer has the rows.
pub fn examples_frame(
    data: &Path,
    format: Option<InputFormat>,
    ds: &Dataset,
    state: &Annotations,
    rows: &[u32],
) -> Result<DataFrame, ExamplesError> {
    let df = read_raw(data, format)?;
    if df.height() != ds.rows() {
        return Err(ExamplesError::Changed {
            path: data.to_path_buf(),
            now: df.height(),
            opened: ds.rows(),
        });
    }
    let write_err = |e: polars::prelude::PolarsError| ExamplesError::Write {
        path: data.to_path_buf(),
        message: e.to_string(),
    };
    // Every row in order (`--show all`): the frame as it was read, not a
    // copy of it (which doubled the peak of a large export).
    let every_row = rows.len() == df.height() && rows.iter().zip(0_u32..).all(|(&r, i)| r == i);
    let mut out = if every_row {
        df
    } else {
        let indices: Vec<IdxSize> = rows.iter().map(|&r| r as IdxSize).collect();
        df.take(&IdxCa::from_vec("row".into(), indices))
            .map_err(write_err)?
    };
    let tags: Vec<String> = rows
        .iter()
        .map(|&r| {
            state
                .tags_of(r as usize)
                .map(|t| t.def.name.as_str())
                .collect::<Vec<_>>()
                .join("; ")
        })
        .collect();
    let notes: Vec<String> = rows
        .iter()
        .map(|&r| state.note(r as usize).to_string())
        .collect();
    let tags_name = added_name(&out, "tags");
    let note_name = added_name(&out, "note");
    out.with_column(Column::from(Series::new(tags_name.into(), tags)))
        .map_err(write_err)?;
    out.with_column(Column::from(Series::new(note_name.into(), notes)))
        .map_err(write_err)?;
    Ok(out)
}

/// Bytes as lower-case hexadecimal.
fn hex(bytes: &[u8]) -> String {
    use std::fmt::Write as _;
    bytes
        .iter()
        .fold(String::with_capacity(bytes.len() * 2), |mut s, b| {
            let _ = write!(s, "{b:02x}");
            s
        })
}

/// `df` with the columns a CSV file cannot hold as they are written as
/// text: durations as polars writes them (`30s`), bytes as hexadecimal,
/// lists and structs as JSON-like text.
fn as_csv_cells(df: &DataFrame) -> Result<DataFrame, polars::prelude::PolarsError> {
    use polars::prelude::DataType;
    let mut out = df.clone();
    for c in df.columns() {
        let text = match c.dtype() {
            DataType::Duration(unit) => {
                let per_second = match unit {
                    polars::prelude::TimeUnit::Nanoseconds => 1e-9,
                    polars::prelude::TimeUnit::Microseconds => 1e-6,
                    polars::prelude::TimeUnit::Milliseconds => 1e-3,
                };
                let physical = c
                    .as_materialized_series()
                    .to_physical_repr()
                    .cast(&DataType::Float64)?;
                let text: Vec<Option<String>> = physical
                    .f64()?
                    .iter()
                    .map(|v| {
                        v.map(|v| {
                            crate::core::temporal::NumberKind::Duration.format(v * per_second)
                        })
                    })
                    .collect();
                Column::from(Series::new(c.name().clone(), text))
            }
            DataType::Binary | DataType::BinaryOffset => {
                let hex: Vec<Option<String>> = c
                    .as_materialized_series()
                    .cast(&DataType::Binary)?
                    .binary()?
                    .iter()
                    .map(|v| v.map(hex))
                    .collect();
                Column::from(Series::new(c.name().clone(), hex))
            }
            d if d.is_nested() => c.cast(&DataType::String).unwrap_or_else(|_| {
                Column::full_null(c.name().clone(), c.len(), &DataType::String)
            }),
            _ => continue,
        };
        out.with_column(text)?;
    }
    Ok(out)
}

/// Writes `df` to `path` as CSV or Parquet (by its extension), atomically
/// (a temporary file renamed over it).
///
/// # Errors
/// When the name says no format or the file cannot be written.
pub fn write_examples(df: &mut DataFrame, path: &Path) -> Result<(), ExamplesError> {
    let format =
        ExamplesFormat::from_path(path).ok_or_else(|| ExamplesError::UnknownFormat(path.into()))?;
    let err = |message: String| ExamplesError::Write {
        path: path.to_path_buf(),
        message,
    };
    let mut bytes = Vec::new();
    match format {
        ExamplesFormat::Csv => CsvWriter::new(&mut bytes)
            .include_header(true)
            .finish(&mut as_csv_cells(df).map_err(|e| err(e.to_string()))?)
            .map_err(|e| err(e.to_string()))?,
        ExamplesFormat::Parquet => {
            ParquetWriter::new(&mut bytes)
                .finish(df)
                .map_err(|e| err(e.to_string()))?;
        }
    }
    super::files::write(path, &bytes, false).map_err(|e| err(e.to_string()))
}
