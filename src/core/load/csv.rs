//! Reading CSV: delimiter and decimal-comma sniffing, a typed two-pass read,
//! and diagnoses of the problems polars reports without a line number.

use std::fs::File;
use std::io::Read;
use std::path::Path;
use std::sync::Arc;

use polars::prelude::{
    CategoricalPhysical, Categories, CsvEncoding, CsvParseOptions, CsvReadOptions, DataFrame,
    DataType, PlSmallStr, PolarsError, Schema, SerReader,
};

use super::csv_codes;
use super::csv_scan::{Scan, first_record_fields};
use super::roles::detect_roles;
use super::{INFER_ROWS, LoadOptions, column_names, diagnose_utf8, io_error, polars_error};
use crate::core::dataset::Roles;
use crate::core::error::LoadError;

/// Reads at most 64 KiB from the start of the file.
pub(super) fn read_head(path: &Path) -> Result<Vec<u8>, LoadError> {
    let file = File::open(path).map_err(|e| io_error(path, e))?;
    let mut head = Vec::with_capacity(1 << 16);
    file.take(1 << 16)
        .read_to_end(&mut head)
        .map_err(|e| io_error(path, e))?;
    Ok(head)
}

/// Guesses the delimiter from the first lines: the candidate that appears the
/// same, non-zero number of times (outside quotes) on every line wins; among
/// those, the most frequent; without any, the most frequent in the header.
#[must_use]
pub fn sniff_delimiter(head: &[u8]) -> u8 {
    const CANDIDATES: [u8; 4] = [b',', b';', b'\t', b'|'];
    // Only complete lines count (the last may be cut off by the 64 KiB window).
    let complete = head
        .iter()
        .rposition(|&b| b == b'\n')
        .map_or(head, |end| &head[..end]);
    let mut best: Option<(u8, usize)> = None;
    let mut header_best: Option<(u8, usize)> = None;
    for &delim in &CANDIDATES {
        let counts = count_fields_per_line(complete, delim, 50);
        let Some(&first) = counts.first() else {
            continue;
        };
        if first > 1 && header_best.is_none_or(|(_, n)| first > n) {
            header_best = Some((delim, first));
        }
        if first > 1 && counts.iter().all(|&c| c == first) && best.is_none_or(|(_, n)| first > n) {
            best = Some((delim, first));
        }
    }
    best.or(header_best).map_or(b',', |(d, _)| d)
}

/// Number of fields on each of the first `max_lines` records.
pub(super) fn count_fields_per_line(bytes: &[u8], delim: u8, max_lines: usize) -> Vec<usize> {
    Scan::new(bytes, delim)
        .take(max_lines)
        .map(|r| r.fields)
        .collect()
}

/// Whether numbers in a `;`-separated file use a decimal comma (`0,5`): some
/// field of the first lines is digits, a comma, digits.
#[must_use]
pub fn sniff_decimal_comma(head: &[u8], delimiter: u8) -> bool {
    if delimiter == b',' {
        return false;
    }
    let text = String::from_utf8_lossy(head);
    text.lines().skip(1).take(50).any(|line| {
        line.split(char::from(delimiter)).any(|field| {
            let f = field.trim().trim_start_matches('-');
            f.split_once(',').is_some_and(|(a, b)| {
                !a.is_empty()
                    && !b.is_empty()
                    && a.bytes().all(|c| c.is_ascii_digit())
                    && b.bytes().all(|c| c.is_ascii_digit())
            })
        })
    })
}

pub(super) fn csv_options(delimiter: u8, decimal_comma: bool) -> CsvReadOptions {
    CsvReadOptions::default()
        .with_has_header(true)
        .with_parse_options(
            CsvParseOptions::default()
                .with_separator(delimiter)
                .with_quote_char(Some(b'"'))
                .with_encoding(CsvEncoding::Utf8)
                .with_missing_is_null(true)
                .with_decimal_comma(decimal_comma),
        )
}

/// How a read keeps the text columns the load turns into codes (labels,
/// predictions, slice values).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Text {
    /// Polars' string views, for a read encoded block by block: 16 bytes a
    /// value while its block lives, and a sixth faster to parse than
    /// categories, whose shared dictionary is a locked hash map.
    Views,
    /// Categorical codes, 4 bytes a value, for a file held whole (a part of
    /// a folder).
    Categories,
    /// Codes over each column's values, parsed straight from the block
    /// where it is plain ([`super::csv_codes`]), else views: for a load,
    /// which keeps codes.
    Codes,
}

impl Text {
    fn dtype(self, name: &str) -> DataType {
        match self {
            Self::Views | Self::Codes => DataType::String,
            Self::Categories => DataType::from_categories(Categories::random(
                PlSmallStr::from(name),
                CategoricalPhysical::U32,
            )),
        }
    }
}

/// How a CSV file is parsed, found from its first rows: delimiter, decimal
/// comma, each column's type, and the roles.
pub(super) struct CsvPlan {
    delimiter: u8,
    decimal_comma: bool,
    schema: Schema,
    /// The roles detected on the columns.
    pub(super) roles: Roles,
    /// The columns to read (`None`: all), as the options select.
    projection: Option<Vec<String>>,
}

/// The plan for reading `path`, with the columns in `retyped` read as the
/// type given there.
fn plan(
    path: &Path,
    opts: &LoadOptions,
    retyped: &[(PlSmallStr, DataType)],
    text: Text,
) -> Result<CsvPlan, LoadError> {
    let head = read_head(path)?;
    let delimiter = sniff_delimiter(&head);
    let decimal_comma = sniff_decimal_comma(&head, delimiter);
    let fail =
        |e: &PolarsError| diagnose_csv(path, delimiter).unwrap_or_else(|| polars_error(path, e));

    // Two columns of one name are an error, not `name_duplicated_0`.
    check_header(path, &head, delimiter)?;
    // A first read of a few thousand rows gives column names and types. It
    // parses a prefix of the file held in memory: given the whole file,
    // polars would scan all of it even for a few rows. A column whose values
    // do not fit the inferred type (an integer too large for 64 bits, say)
    // is read as text.
    let prefix = read_prefix(path, INFER_ROWS).ok();
    let mut as_text = Schema::default();
    let sample = loop {
        let sample_options = || {
            csv_options(delimiter, decimal_comma)
                .with_n_rows(Some(INFER_ROWS))
                .with_infer_schema_length(Some(INFER_ROWS))
                .with_schema_overwrite(Some(Arc::new(as_text.clone())))
        };
        let from_prefix = prefix.as_ref().and_then(|p| {
            sample_options()
                .into_reader_with_file_handle(std::io::Cursor::new(p.clone()))
                .finish()
                .ok()
                // A first data row longer than the prefix leaves only the
                // header in it: read from the file instead.
                .filter(|df| df.height() > 0)
        });
        let result = match from_prefix {
            Some(df) => Ok(df),
            None => sample_options()
                .try_into_reader_with_file_path(Some(path.to_path_buf()))
                .and_then(SerReader::finish),
        };
        match result {
            Ok(df) => break df,
            Err(e) => {
                // Which column does not fit the type inferred for it: each
                // column of the first rows read alone tells.
                let culprit = prefix.as_ref().and_then(|p| {
                    sample_columns(p, delimiter, decimal_comma)?
                        .into_iter()
                        .filter(|c| as_text.get(c).is_none())
                        .find(|c| {
                            sample_options()
                                .with_columns(Some(Arc::from([c.clone()])))
                                .into_reader_with_file_handle(std::io::Cursor::new(p.clone()))
                                .finish()
                                .is_err()
                        })
                });
                match culprit {
                    Some(col) if as_text.len() < 1000 => {
                        as_text.with_column(col, DataType::String);
                    }
                    _ => return Err(fail(&e)),
                }
            }
        }
    };
    let columns: Vec<String> = column_names(&sample)
        .into_iter()
        .map(|c| c.trim_start_matches('\u{feff}').to_string())
        .collect();
    if sample.height() == 0 {
        return Err(LoadError::HeaderOnly {
            path: path.to_path_buf(),
            columns,
        });
    }
    let roles = detect_roles(path, &columns, opts)?;

    // The full read parses discrete columns as `text` says (views for a
    // read block by block, categorical codes for a file held whole),
    // numbers as f64.
    let mut schema = Schema::with_capacity(columns.len());
    for ((name, dtype), clean) in sample.schema().iter().zip(&columns) {
        let chosen =
            if *clean == roles.label || *clean == roles.pred || roles.human.as_ref() == Some(clean)
            {
                text.dtype(clean)
            } else if roles.id.as_ref() == Some(clean) {
                if dtype.is_integer() {
                    DataType::Int64
                } else {
                    DataType::String
                }
            } else if roles.image.as_ref() == Some(clean) || roles.text.as_ref() == Some(clean) {
                DataType::String
            } else if dtype.is_primitive_numeric() || roles.score.as_ref() == Some(clean) {
                DataType::Float64
            } else {
                text.dtype(clean)
            };
        schema.with_column(name.clone(), chosen);
    }
    for (name, dtype) in retyped {
        schema.with_column(name.clone(), dtype.clone());
    }
    let projection = super::plan::projection(opts, &roles, &columns);
    Ok(CsvPlan {
        delimiter,
        decimal_comma,
        schema,
        roles,
        projection,
    })
}

/// Bytes of a CSV file parsed at a time.
const BLOCK_BYTES: usize = 64 << 20;

/// Takes each parsed block of a CSV file with the share of the file read
/// and, for the first block of an attempt, the roles.
pub(super) type Blocks<'a> =
    dyn FnMut(DataFrame, f64, Option<&Roles>) -> Result<(), LoadError> + 'a;

/// Reads a CSV file block by block ([`BLOCK_BYTES`] of whole records, the
/// header put in front of each), handing each parsed block to `each` with
/// the share of the file read and, for the first block of an attempt, the
/// roles: a column typed from the first rows that holds text further down
/// is read as `text` and, when blocks were handed on already,
/// the file is read again from the start (once per such column at most).
///
/// # Errors
/// A file that cannot be read or parsed, or what `each` returns.
pub(super) fn read_batches(
    path: &Path,
    opts: &LoadOptions,
    text: Text,
    each: &mut Blocks<'_>,
) -> Result<Roles, LoadError> {
    let size = std::fs::metadata(path)
        .map_err(|e| io_error(path, e))?
        .len();
    let mut retyped: Vec<(PlSmallStr, DataType)> = Vec::new();
    'attempt: loop {
        let CsvPlan {
            delimiter,
            decimal_comma,
            mut schema,
            roles,
            projection,
        } = plan(path, opts, &retyped, text)?;
        let fail = |e: &PolarsError| {
            diagnose_csv(path, delimiter).unwrap_or_else(|| polars_error(path, e))
        };
        let projection = projection.map(|columns| {
            columns
                .into_iter()
                .map(PlSmallStr::from)
                .collect::<Arc<[PlSmallStr]>>()
        });
        // The text columns a load keeps as codes, parsed straight into
        // codes where a block allows.
        let coded = (text == Text::Codes && !decimal_comma).then(|| {
            let names: Vec<String> = schema.iter_names().map(ToString::to_string).collect();
            super::plan::as_codes(&roles, &names)
        });
        let block = opts.block_bytes.unwrap_or(BLOCK_BYTES).max(1);
        let mut records = Records::open(path, delimiter, block)?;
        let mut handed = false;
        let mut short_lines_checked = false;
        // Two buffers, reused block after block (a fresh one each block
        // cost its pages' faults and zeroing, and a copy behind the
        // header): the next block is read while this one is parsed.
        let mut bytes = Vec::new();
        let mut next = Vec::new();
        let mut more = records
            .next_block(&mut bytes)
            .map_err(|e| io_error(path, e))?;
        while more {
            let read = records.read;
            let parse_direct = || {
                let fields = csv_codes::layout(&schema, projection.as_deref(), coded.as_ref()?)?;
                csv_codes::parse_block(&bytes, delimiter, &fields)
            };
            let mut read_next = || records.next_block(&mut next);
            let (mut direct, upcoming) = match crate::core::threads::reading_pool() {
                Some(pool) => pool.install(|| rayon::join(parse_direct, read_next)),
                None => (parse_direct(), read_next()),
            };
            let parsed = loop {
                if let Some(df) = direct.take() {
                    break df;
                }
                let result = csv_options(delimiter, decimal_comma)
                    .with_schema(Some(Arc::new(schema.clone())))
                    .with_columns(projection.clone())
                    .into_reader_with_file_handle(std::io::Cursor::new(bytes.as_slice()))
                    .finish();
                match result {
                    Ok(df) => break df,
                    Err(e) => {
                        let Some((name, dtype)) =
                            retype(&schema, &roles, &bytes, delimiter, decimal_comma, text)
                        else {
                            return Err(fail(&e));
                        };
                        if retyped.len() > schema.len() {
                            return Err(fail(&e));
                        }
                        retyped.push((name.clone(), dtype.clone()));
                        if handed {
                            continue 'attempt;
                        }
                        schema.with_column(name, dtype);
                    }
                }
            };
            if !short_lines_checked && parsed.columns().last().is_some_and(|c| c.null_count() > 0) {
                check_short_lines(path, delimiter, &parsed)?;
                short_lines_checked = true;
            }
            #[allow(clippy::cast_precision_loss)]
            let done = read as f64 / size.max(1) as f64;
            each(parsed, done, (!handed).then_some(&roles))?;
            handed = true;
            more = upcoming.map_err(|e| io_error(path, e))?;
            std::mem::swap(&mut bytes, &mut next);
        }
        return Ok(roles);
    }
}

/// A whole CSV file as one frame, with its roles (a part of a folder,
/// whose blocks are stacked): text columns as categorical codes, 4 bytes a
/// value where views would take 16.
pub(super) fn read_whole(path: &Path, opts: &LoadOptions) -> Result<(DataFrame, Roles), LoadError> {
    let mut all: Option<DataFrame> = None;
    let roles = read_batches(path, opts, Text::Categories, &mut |df, _, first| {
        match (&mut all, first) {
            (Some(stack), None) => {
                stack
                    .vstack_mut_owned(df)
                    .map_err(|e| polars_error(path, &e))?;
            }
            _ => all = Some(df),
        }
        Ok(())
    })?;
    let mut df = all.ok_or_else(|| LoadError::Parse {
        path: path.to_path_buf(),
        message: "no rows were read".to_string(),
    })?;
    df.rechunk_mut();
    Ok((df, roles))
}

/// The column of a block (`lines`, header included) whose values do not
/// fit the type the schema gives it, and the type to read it as instead
/// (text for ids, `text`'s type otherwise); `None` when every typed column
/// fits. Decided from the values: the block's typed columns are read as
/// text and each is converted to its type, strictly, as polars would.
fn retype(
    schema: &Schema,
    roles: &Roles,
    lines: &[u8],
    delimiter: u8,
    decimal_comma: bool,
    text: Text,
) -> Option<(PlSmallStr, DataType)> {
    let typed: Vec<(&PlSmallStr, &DataType)> = schema
        .iter()
        .filter(|(_, t)| t.is_primitive_numeric())
        .collect();
    let mut as_text = schema.clone();
    for (name, _) in &typed {
        as_text.with_column((*name).clone(), DataType::String);
    }
    let columns: Arc<[PlSmallStr]> = typed.iter().map(|(n, _)| (*n).clone()).collect();
    let frame = csv_options(delimiter, decimal_comma)
        .with_schema(Some(Arc::new(as_text)))
        .with_columns(Some(columns))
        .into_reader_with_file_handle(std::io::Cursor::new(lines.to_vec()))
        .finish()
        .ok()?;
    let (name, _) = typed.into_iter().find(|(name, dtype)| {
        frame
            .column(name)
            .ok()
            .is_some_and(|c| !fits(c.as_materialized_series(), dtype, decimal_comma))
    })?;
    let fallback = if roles.id.as_deref() == Some(name.as_str()) {
        DataType::String
    } else {
        text.dtype(name)
    };
    Some((name.clone(), fallback))
}

/// Whether every value of a text column reads as `dtype` (a decimal comma
/// read as a point).
fn fits(text: &polars::prelude::Series, dtype: &DataType, decimal_comma: bool) -> bool {
    use polars::prelude::{NamedFrom, Series};
    let Ok(values) = text.str() else {
        return true;
    };
    let converted = if decimal_comma {
        let swapped: Vec<Option<String>> = values
            .iter()
            .map(|v| v.map(|v| v.replace(',', ".")))
            .collect();
        Series::new(text.name().clone(), swapped).strict_cast(dtype)
    } else {
        text.strict_cast(dtype)
    };
    converted.is_ok_and(|c| c.null_count() == text.null_count())
}

/// The column names of the first rows (in `prefix`, a CSV file's start).
fn sample_columns(prefix: &[u8], delimiter: u8, decimal_comma: bool) -> Option<Vec<PlSmallStr>> {
    let frame = csv_options(delimiter, decimal_comma)
        .with_n_rows(Some(1))
        .with_infer_schema_length(Some(0))
        .into_reader_with_file_handle(std::io::Cursor::new(prefix.to_vec()))
        .finish()
        .ok()?;
    Some(frame.get_column_names().into_iter().cloned().collect())
}

/// A CSV file read in blocks of whole records: a newline ends a record
/// unless it is inside quotes.
struct Records {
    file: File,
    /// The field delimiter.
    delimiter: u8,
    /// Bytes read at a time.
    block: usize,
    /// The header line, newline included.
    header: Vec<u8>,
    /// Bytes read past the last whole record.
    carry: Vec<u8>,
    /// Bytes of the file read so far.
    read: u64,
}

impl Records {
    fn open(path: &Path, delimiter: u8, block: usize) -> Result<Self, LoadError> {
        let file = File::open(path).map_err(|e| io_error(path, e))?;
        let mut records = Self {
            file,
            delimiter,
            block,
            header: Vec::new(),
            carry: Vec::new(),
            read: 0,
        };
        // The header: the first record.
        loop {
            let n = records.fill(1 << 16).map_err(|e| io_error(path, e))?;
            if let Some(end) = record_end(&records.carry, delimiter, false) {
                records.header = records.carry[..end].to_vec();
                records.carry.drain(..end);
                break;
            }
            if n == 0 {
                records.header = std::mem::take(&mut records.carry);
                records.header.push(b'\n');
                break;
            }
        }
        Ok(records)
    }

    /// Reads up to `bytes` more into `carry`; the bytes read.
    fn fill(&mut self, bytes: usize) -> std::io::Result<usize> {
        let start = self.carry.len();
        let n = (&mut self.file)
            .take(bytes as u64)
            .read_to_end(&mut self.carry)?;
        debug_assert_eq!(self.carry.len(), start + n);
        self.read += n as u64;
        Ok(n)
    }

    /// The header and the next block of whole records into `out`, which
    /// keeps its memory from block to block; `false` at the end of the
    /// file.
    fn next_block(&mut self, out: &mut Vec<u8>) -> std::io::Result<bool> {
        out.clear();
        out.extend_from_slice(&self.header);
        out.append(&mut self.carry);
        // Room for the block (the same room every block, so no new pages).
        out.reserve(self.block);
        loop {
            let n = (&mut self.file).take(self.block as u64).read_to_end(out)?;
            self.read += n as u64;
            let body = &out[self.header.len()..];
            if n == 0 {
                return Ok(!body.iter().all(u8::is_ascii_whitespace));
            }
            if let Some(end) = record_end(body, self.delimiter, true) {
                let end = self.header.len() + end;
                self.carry.extend_from_slice(&out[end..]);
                out.truncate(end);
                return Ok(true);
            }
        }
    }
}

/// Where the first (or, with `last`, the last) whole record of `bytes`
/// ends: just past a newline outside quotes (the one reading of quotes,
/// `csv_scan`, where there are any).
fn record_end(bytes: &[u8], delimiter: u8, last: bool) -> Option<usize> {
    // Without a quote every newline ends a record: found from the end in
    // the length of a line (a block's full scan costs a fifth of the parse).
    if !bytes.contains(&b'"') {
        let newline = if last {
            bytes.iter().rposition(|&b| b == b'\n')
        } else {
            bytes.iter().position(|&b| b == b'\n')
        };
        return newline.map(|i| i + 1);
    }
    let mut whole = Scan::new(bytes, delimiter).filter(|r| r.complete);
    if last { whole.last() } else { whole.next() }.map(|r| r.end)
}

/// The header and up to `rows` complete lines from the start of a file (at
/// most 8 MiB). A cut inside a quoted field makes the caller fall back to the
/// whole file.
pub(super) fn read_prefix(path: &Path, rows: usize) -> std::io::Result<Vec<u8>> {
    const LIMIT: u64 = 8 << 20;
    let file = File::open(path)?;
    let whole = file.metadata()?.len() <= LIMIT;
    let mut buf = Vec::with_capacity(1 << 20);
    file.take(LIMIT).read_to_end(&mut buf)?;
    let mut newlines = buf.iter().enumerate().filter(|&(_, &b)| b == b'\n');
    let end = match newlines.nth(rows) {
        Some((i, _)) => i + 1,
        // The whole file is here: keep it, last line included.
        None if whole => buf.len(),
        None => buf
            .iter()
            .rposition(|&b| b == b'\n')
            .map_or(buf.len(), |i| i + 1),
    };
    buf.truncate(end);
    Ok(buf)
}

/// The header's field names, split and unquoted like the data.
fn header_fields(head: &[u8], delimiter: u8) -> Vec<String> {
    first_record_fields(head, delimiter)
        .iter()
        .map(|f| {
            String::from_utf8_lossy(f)
                .trim_end_matches('\r')
                .trim_start_matches('\u{feff}')
                .to_string()
        })
        .collect()
}

/// Refuses a header with two columns of one name.
fn check_header(path: &Path, head: &[u8], delimiter: u8) -> Result<(), LoadError> {
    let fields = header_fields(head, delimiter);
    for (j, name) in fields.iter().enumerate() {
        if let Some(i) = fields[..j].iter().position(|f| f == name) {
            return Err(LoadError::DuplicateColumn {
                path: path.to_path_buf(),
                name: name.clone(),
                first: i + 1,
                second: j + 1,
            });
        }
    }
    Ok(())
}

/// polars fills the missing trailing fields of a short line with nulls. A short
/// line leaves a null in the last column, so only then is the file scanned.
pub(super) fn check_short_lines(
    path: &Path,
    delimiter: u8,
    df: &DataFrame,
) -> Result<(), LoadError> {
    let Some(last) = df.columns().last() else {
        return Ok(());
    };
    if last.null_count() == 0 {
        return Ok(());
    }
    match diagnose_csv(path, delimiter) {
        Some(err @ (LoadError::Ragged { .. } | LoadError::NotUtf8 { .. })) => Err(err),
        _ => Ok(()),
    }
}

/// Scans a CSV file for the problems polars reports without a line number:
/// bytes that are not UTF-8 and lines with the wrong number of fields.
pub(super) fn diagnose_csv(path: &Path, delimiter: u8) -> Option<LoadError> {
    if let Some(err) = diagnose_utf8(path) {
        return Some(err);
    }
    let bytes = std::fs::read(path).ok()?;
    let mut expected = None;
    // Lines are counted up to each record's first byte.
    let mut line = 1;
    let mut counted = 0;
    for record in Scan::new(&bytes, delimiter) {
        line += bytes[counted..record.start]
            .iter()
            .filter(|&&b| b == b'\n')
            .count();
        counted = record.start;
        match expected {
            None => expected = Some(record.fields),
            Some(exp) if exp != record.fields => {
                return Some(LoadError::Ragged {
                    path: path.to_path_buf(),
                    line,
                    expected: exp,
                    found: record.fields,
                    delimiter: char::from(delimiter),
                });
            }
            Some(_) => {}
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::record_end;

    #[test]
    fn records_end_at_newlines_outside_quoted_fields() {
        let text = b"a,\"x\ny\",1\nb,12\" pipe,2\nc,\"say \"\"hi\"\"\n\",3\nd";
        assert_eq!(record_end(text, b',', false), Some(10));
        // The quote in `12" pipe` is text: its line still ends a record.
        assert_eq!(record_end(&text[10..], b',', false), Some(13));
        // `""` inside a quoted field is a quote, not its end.
        assert_eq!(record_end(&text[23..], b',', false), Some(18));
        assert_eq!(record_end(text, b',', true), Some(text.len() - 1));
        assert_eq!(record_end(b"a,\"open\nstill open", b',', true), None);
        // Without quotes: the first and the last newline.
        assert_eq!(record_end(b"a,1\nb,2\nc", b',', false), Some(4));
        assert_eq!(record_end(b"a,1\nb,2\nc", b',', true), Some(8));
        assert_eq!(record_end(b"a,1", b',', true), None);
    }

    use super::*;

    #[test]
    fn blocks_hold_the_header_and_whole_records_at_any_block_size() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("t.csv");
        // A quoted line break, a record longer than the smallest block, and
        // no newline at the end.
        let body = "1,\"a\nb\",x\n2,\"a much longer quoted field\",y\n3,c,z\n4,d,w";
        std::fs::write(&path, format!("id,note,tag\n{body}")).unwrap();
        for block in [1, 7, 20, 1 << 20] {
            let mut records = Records::open(&path, b',', block).unwrap();
            let (mut out, mut seen) = (Vec::new(), String::new());
            while records.next_block(&mut out).unwrap() {
                let text = String::from_utf8(out.clone()).unwrap();
                let rest = text
                    .strip_prefix("id,note,tag\n")
                    .expect("the header first");
                // Whole records: every block but the last ends a line.
                assert!(
                    rest.ends_with('\n') || seen.len() + rest.len() == body.len(),
                    "{rest:?}"
                );
                seen += rest;
            }
            assert_eq!(seen, body, "block {block}");
            assert_eq!(records.read, 12 + body.len() as u64);
        }
    }

    #[test]
    fn sniffs_common_delimiters() {
        assert_eq!(sniff_delimiter(b"a,b,c\n1,2,3\n"), b',');
        assert_eq!(sniff_delimiter(b"a;b;c\n1;2,5;3\n"), b';');
        assert_eq!(sniff_delimiter(b"a\tb\n1\t2\n"), b'\t');
        assert_eq!(sniff_delimiter(b"a|b|c\n1|2|3\n"), b'|');
        // A comma inside quotes does not count.
        assert_eq!(sniff_delimiter(b"a;b\n\"x,y,z\";2\n"), b';');
    }
}
