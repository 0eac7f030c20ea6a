//! Reading Parquet files.

use std::fs::File;
use std::path::Path;

use polars::prelude::{
    ArrowDataType, DataFrame, Int64Chunked, IntoColumn, IntoSeries, NamedFrom, ParallelStrategy,
    ParquetReader, PlSmallStr, SerReader, Series,
};
use polars_parquet::parquet::metadata::{ColumnChunkMetadata, FileMetadata, RowGroupMetadata};

use super::parquet_codes::Numbered;
use super::{io_error, parquet_codes, polars_error};
use crate::core::dataset::IdPattern;
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
/// them anyway. A text column `ids` whose ids are one number in a fixed
/// text is handed on as those numbers (64-bit integers), the batch's last
/// argument naming the column and the pattern (`None`: the column, if
/// read, is as polars reads it).
pub(super) fn read_batches(
    path: &Path,
    columns: Option<&[String]>,
    as_codes: &[String],
    ids: Option<&str>,
    batch_rows: Option<usize>,
    each: &mut dyn FnMut(DataFrame, f64, Option<NumberedIds>) -> Result<(), LoadError>,
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
    let is_text = |c: &str| {
        schema.get(c).is_some_and(|f| {
            matches!(
                f.dtype(),
                ArrowDataType::Utf8 | ArrowDataType::LargeUtf8 | ArrowDataType::Utf8View
            )
        })
    };
    let coded: Vec<String> = wanted
        .iter()
        .filter(|c| as_codes.contains(c) && is_text(c))
        .cloned()
        .collect();
    // Text ids read as numbers, until a batch's ids are not all numbers of
    // one pattern (from then on polars reads them: the same ids).
    let mut paged_ids: Option<&str> = ids
        .filter(|c| wanted.iter().any(|w| w == c) && !coded.iter().any(|w| w == c) && is_text(c));
    let mut pattern: Option<IdPattern> = None;
    let mut first_group = 0;
    for (start, len, groups) in ranges {
        let group_range = first_group..first_group + groups;
        first_group += groups;
        let (mut codes, numbered) = read_pages(
            &file,
            &metadata,
            group_range,
            &coded,
            paged_ids.map(|c| (c, pattern.as_ref())),
        );
        match numbered {
            Some((p, numbers)) => {
                let name = paged_ids.unwrap_or_default();
                codes.push((
                    name.to_string(),
                    Int64Chunked::from_vec(PlSmallStr::from_str(name), numbers).into_series(),
                ));
                pattern = Some(p);
            }
            None => {
                paged_ids = None;
                pattern = None;
            }
        }
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
        let numbered = paged_ids.zip(pattern.clone()).map(|(c, p)| NumberedIds {
            column: c.to_string(),
            pattern: p,
        });
        #[allow(clippy::cast_precision_loss)]
        each(df, (start + len) as f64 / total, numbered)?;
    }
    Ok(left_out)
}

/// A batch's text ids read as numbers: the column, and the pattern whose
/// numbers it holds (as 64-bit integers).
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct NumberedIds {
    pub(super) column: String,
    pub(super) pattern: IdPattern,
}

impl NumberedIds {
    /// The column's ids as text again (a hive partition replaces it).
    pub(super) fn spelt(&self, numbers: &Series) -> Result<Series, polars::prelude::PolarsError> {
        let ids: Vec<String> = numbers
            .i64()?
            .into_no_null_iter()
            .map(|n| self.pattern.format(n))
            .collect();
        Ok(Series::new(numbers.name().clone(), ids))
    }
}

/// What the row groups `groups` give from their pages: the `columns` read
/// as codes ([`read_coded`]) and, beside them, the ids of `ids` (a column
/// and the pattern of the ids before) as numbers ([`read_ids`]); on the
/// reading pool, not behind the encoding of the batch before.
fn read_pages(
    file: &File,
    metadata: &FileMetadata,
    groups: std::ops::Range<usize>,
    columns: &[String],
    ids: Option<(&str, Option<&IdPattern>)>,
) -> (Vec<(String, Series)>, Numbered) {
    let read = || {
        rayon::join(
            || read_coded(file, metadata, groups.clone(), columns),
            || ids.and_then(|(c, before)| read_ids(file, metadata, groups.clone(), c, before)),
        )
    };
    match crate::core::threads::reading_pool() {
        Some(pool) => pool.install(read),
        None => read(),
    }
}

/// The ids of `column` in the row groups `groups` as numbers of one
/// pattern: the pattern of the ids `before` when all have it, else that of
/// the first id, fixed-width or not (as the load finds the pattern of ids
/// read as text); `None` when the ids are not all numbers of one of them.
fn read_ids(
    file: &File,
    metadata: &FileMetadata,
    groups: std::ops::Range<usize>,
    column: &str,
    before: Option<&IdPattern>,
) -> Numbered {
    let attempts = before
        .map(|b| (Some(b), true))
        .into_iter()
        .chain([(None, true), (None, false)]);
    'attempt: for (given, padded) in attempts {
        let mut pattern = given.cloned();
        let mut numbers = Vec::new();
        for g in groups.clone() {
            let group = &metadata.row_groups[g];
            let chunk = only_chunk(group, column)?;
            match parquet_codes::read_id_chunk(
                file,
                chunk,
                group.num_rows(),
                pattern.as_ref(),
                padded,
            ) {
                Some((p, more)) => {
                    // A batch of one row group (the usual): no copy.
                    if numbers.is_empty() {
                        numbers = more;
                    } else {
                        numbers.extend_from_slice(&more);
                    }
                    pattern = Some(p);
                }
                None => continue 'attempt,
            }
        }
        return pattern.map(|p| (p, numbers));
    }
    None
}

/// The one chunk of a flat `column` in a row group (`None` for a nested
/// column, whose leaves are several chunks, or a column not there).
fn only_chunk<'a>(group: &'a RowGroupMetadata, column: &str) -> Option<&'a ColumnChunkMetadata> {
    let mut chunks = group.columns_under_root_iter(column)?;
    let chunk = chunks.next()?;
    chunks.next().is_none().then_some(chunk)
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
                parquet_codes::read_chunk(file, only_chunk(group, &columns[c])?, group.num_rows())
            })
            .collect()
    };
    let mut chunks = read().into_iter();
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
