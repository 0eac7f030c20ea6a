//! Reading newline-delimited JSON.

use std::fs::File;
use std::io::{BufRead as _, BufReader};
use std::path::Path;

use polars::prelude::{DataFrame, JsonFormat, JsonReader, SerReader};

use super::{diagnose_utf8, io_error, polars_error};
use crate::core::error::LoadError;

/// NDJSON rows read to infer the column types before the whole file.
const INFER_ROWS: usize = 10_000;

/// Reads a whole NDJSON file. Column types come from the first rows (3x
/// faster on 1M rows than from all of them). A type that changes later is
/// an error, never a silent null, so then the file is read again inferring
/// from every row.
///
/// The bytes are read into memory and trailing whitespace is cut: polars
/// 0.55's line sampler slices past the end (and panics) when the file ends
/// in a newline right after a line it samples late, e.g. `{}\n\n` or a line
/// with a trailing space before a long last line (found by `cargo fuzz`).
/// Any other panic inside polars becomes an error naming the file.
pub(super) fn read(path: &Path) -> Result<DataFrame, LoadError> {
    let mut bytes = std::fs::read(path).map_err(|e| io_error(path, e))?;
    let end = bytes
        .iter()
        .rposition(|b| !b.is_ascii_whitespace())
        .map_or(0, |i| i + 1);
    bytes.truncate(end);
    let bytes = &bytes[..];
    let read_with = |infer_rows: Option<std::num::NonZeroUsize>| -> Result<_, LoadError> {
        let parse = || {
            JsonReader::new(std::io::Cursor::new(bytes))
                .with_json_format(JsonFormat::JsonLines)
                .infer_schema_len(infer_rows)
                .finish()
        };
        std::panic::catch_unwind(std::panic::AssertUnwindSafe(parse)).map_err(|panic| {
            let why = panic
                .downcast_ref::<String>()
                .cloned()
                .or_else(|| panic.downcast_ref::<&str>().map(ToString::to_string))
                .unwrap_or_default();
            LoadError::Parse {
                path: path.to_path_buf(),
                message: format!(
                    "the NDJSON reader failed ({why}). Check that every line is one JSON object"
                ),
            }
        })
    };
    let result = match read_with(std::num::NonZeroUsize::new(INFER_ROWS))? {
        Ok(df) => Ok(df),
        Err(_) => read_with(None)?,
    };
    result.map_err(|e| {
        diagnose_utf8(path)
            .or_else(|| first_bad_line(path))
            .unwrap_or_else(|| polars_error(path, &e))
    })
}

/// The first line that is not a JSON object, as an error naming it.
fn first_bad_line(path: &Path) -> Option<LoadError> {
    let file = File::open(path).ok()?;
    for (i, line) in BufReader::new(file).lines().enumerate() {
        let line = line.ok()?;
        if line.trim().is_empty() {
            continue;
        }
        if let Err(e) = serde_json::from_str::<serde_json::Map<String, serde_json::Value>>(&line) {
            return Some(LoadError::JsonLine {
                path: path.to_path_buf(),
                line: i + 1,
                message: e.to_string(),
            });
        }
    }
    None
}

/// The first line whose value of `column` is an object or a list.
pub(super) fn first_nested_line(path: &Path, column: &str) -> Option<usize> {
    let file = File::open(path).ok()?;
    for (i, line) in BufReader::new(file).lines().enumerate() {
        let Ok(serde_json::Value::Object(map)) = serde_json::from_str(&line.ok()?) else {
            continue;
        };
        if map
            .get(column)
            .is_some_and(|v| v.is_object() || v.is_array())
        {
            return Some(i + 1);
        }
    }
    None
}
