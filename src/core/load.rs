//! Loading a predictions table (CSV, Parquet, NDJSON) with polars and turning
//! it into the compact [`Dataset`].

use std::fs::File;
use std::io::Read;
use std::path::{Path, PathBuf};
use std::str::FromStr;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

use polars::prelude::{
    CategoricalPhysical, Categories, CsvEncoding, CsvParseOptions, CsvReadOptions, DataFrame,
    DataType, JsonFormat, JsonReader, ParquetReader, PlSmallStr, PolarsError, Schema, SerReader,
    Series,
};

use super::dataset::{
    Bitmap, Column, ColumnData, ColumnUse, Dataset, Grouping, Ids, MISSING, NO_HUMAN,
    NumericGrouping, Roles, SourceInfo, StrColumn, format_number,
};
use super::error::LoadError;
use super::hash::{FNV_OFFSET, FxHashMap, fnv1a};

/// The file formats Slicewise reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum InputFormat {
    /// Comma (or `;`, tab, `|`) separated values with a header row.
    Csv,
    /// Apache Parquet.
    Parquet,
    /// Newline-delimited JSON, one object per line.
    Ndjson,
}

impl FromStr for InputFormat {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s.to_ascii_lowercase().as_str() {
            "csv" | "tsv" | "txt" => Ok(Self::Csv),
            "parquet" | "pq" => Ok(Self::Parquet),
            "ndjson" | "jsonl" | "json" => Ok(Self::Ndjson),
            other => Err(format!(
                "unknown input format '{other}': use csv, parquet or ndjson"
            )),
        }
    }
}

impl InputFormat {
    /// The format implied by a file's extension.
    #[must_use]
    pub fn from_path(path: &Path) -> Option<Self> {
        let ext = path.extension()?.to_str()?;
        ext.parse().ok()
    }
}

/// How to load a file: format and column roles (each `None` = detect).
#[derive(Debug, Clone, Default)]
pub struct LoadOptions {
    /// Input format; detected from the extension when `None`.
    pub format: Option<InputFormat>,
    /// True-label column.
    pub label: Option<String>,
    /// Prediction column.
    pub pred: Option<String>,
    /// Score column.
    pub score: Option<String>,
    /// Id column.
    pub id: Option<String>,
    /// Human-label column.
    pub human: Option<String>,
    /// Image-path column.
    pub image: Option<String>,
    /// Text column.
    pub text: Option<String>,
    /// Quantile bins for numeric slice columns (default 5).
    pub bins: Option<usize>,
    /// Set to `true` from another thread to stop the load early.
    pub cancel: Option<Arc<AtomicBool>>,
}

impl LoadOptions {
    fn cancelled(&self) -> bool {
        self.cancel
            .as_ref()
            .is_some_and(|c| c.load(Ordering::Relaxed))
    }
}

/// Numeric slice columns with more distinct values than this are binned.
pub const MAX_DISTINCT_NUMERIC: usize = 20;
/// Default number of quantile bins.
pub const DEFAULT_BINS: usize = 5;
/// Rows read to infer CSV column types.
const INFER_ROWS: usize = 10_000;
/// How many offending rows an error message lists.
const SHOW_ROWS: usize = 5;

/// Names looked for, per role (compared case-insensitively, with spaces and
/// dashes read as underscores).
pub mod names {
    /// True label.
    pub const LABEL: &[&str] = &[
        "label",
        "y_true",
        "target",
        "truth",
        "ground_truth",
        "actual",
        "true_label",
        "gold",
    ];
    /// Prediction.
    pub const PRED: &[&str] = &[
        "pred",
        "prediction",
        "y_pred",
        "predicted",
        "predicted_label",
        "pred_label",
    ];
    /// Score.
    pub const SCORE: &[&str] = &[
        "score",
        "prob",
        "probability",
        "confidence",
        "y_score",
        "proba",
    ];
    /// Id.
    pub const ID: &[&str] = &["id", "example_id", "uid", "sample_id", "row_id"];
    /// Human label.
    pub const HUMAN: &[&str] = &["human", "human_label", "annotator"];
    /// Image path.
    pub const IMAGE: &[&str] = &[
        "image",
        "image_path",
        "img",
        "img_path",
        "image_file",
        "filepath",
        "file_path",
        "path",
    ];
    /// Free text.
    pub const TEXT: &[&str] = &["text", "transcript", "sentence", "utterance", "input_text"];
}

fn normalise(name: &str) -> String {
    name.trim()
        .to_ascii_lowercase()
        .replace([' ', '-', '.'], "_")
}

/// Finds the first column whose normalised name is in `candidates`.
fn find_by_name(columns: &[String], candidates: &[&str]) -> Option<String> {
    candidates
        .iter()
        .find_map(|cand| columns.iter().find(|c| normalise(c) == *cand).cloned())
}

/// Resolves a column named by a flag: exact match first, then case-insensitive.
fn resolve_named(
    path: &Path,
    columns: &[String],
    flag: &str,
    name: &str,
) -> Result<String, LoadError> {
    columns
        .iter()
        .find(|c| *c == name)
        .or_else(|| columns.iter().find(|c| c.eq_ignore_ascii_case(name)))
        .cloned()
        .ok_or_else(|| LoadError::NoSuchColumn {
            path: path.to_path_buf(),
            flag: flag.to_string(),
            column: name.to_string(),
            columns: columns.to_vec(),
        })
}

/// Works out which column plays which role: flags first, then common names.
///
/// # Errors
/// When a flag names a missing column, no label or prediction column is
/// found, or one column is given two roles.
pub fn detect_roles(
    path: &Path,
    columns: &[String],
    opts: &LoadOptions,
) -> Result<Roles, LoadError> {
    let pick = |flag: &str,
                given: &Option<String>,
                candidates: &[&str]|
     -> Result<Option<String>, LoadError> {
        match given {
            Some(name) if !name.is_empty() => resolve_named(path, columns, flag, name).map(Some),
            Some(_) => Ok(None),
            None => Ok(find_by_name(columns, candidates)),
        }
    };
    let missing =
        |role: &'static str, flag: &'static str, candidates: &[&str]| LoadError::MissingRole {
            path: path.to_path_buf(),
            role,
            flag,
            candidates: candidates.join(", "),
            columns: columns.to_vec(),
        };
    let label = pick("--label", &opts.label, names::LABEL)?
        .ok_or_else(|| missing("true-label", "--label", names::LABEL))?;
    let pred = pick("--pred", &opts.pred, names::PRED)?
        .ok_or_else(|| missing("prediction", "--pred", names::PRED))?;
    let roles = Roles {
        label,
        pred,
        score: pick("--score", &opts.score, names::SCORE)?,
        id: pick("--id", &opts.id, names::ID)?,
        human: pick("--human", &opts.human, names::HUMAN)?,
        image: pick("--image", &opts.image, names::IMAGE)?,
        text: pick("--text", &opts.text, names::TEXT)?,
    };
    let assigned: [(&'static str, Option<&String>); 7] = [
        ("true-label", Some(&roles.label)),
        ("prediction", Some(&roles.pred)),
        ("score", roles.score.as_ref()),
        ("id", roles.id.as_ref()),
        ("human-label", roles.human.as_ref()),
        ("image", roles.image.as_ref()),
        ("text", roles.text.as_ref()),
    ];
    for (i, (first, a)) in assigned.iter().enumerate() {
        for (second, b) in &assigned[i + 1..] {
            if let (Some(a), Some(b)) = (a, b)
                && a == b
            {
                return Err(LoadError::RoleClash {
                    path: path.to_path_buf(),
                    column: (*a).clone(),
                    first,
                    second,
                });
            }
        }
    }
    Ok(roles)
}

/// A content fingerprint of a file that costs the same for 1 KB and 1 GB:
/// FNV-1a over the size and up to 1 MiB each from the start, middle and end.
///
/// # Errors
/// When the file cannot be read.
pub fn fingerprint(path: &Path) -> std::io::Result<String> {
    use std::io::{Seek, SeekFrom};
    const BLOCK: u64 = 1 << 20;
    let mut file = File::open(path)?;
    let size = file.metadata()?.len();
    let mut hash = fnv1a(FNV_OFFSET, &size.to_le_bytes());
    let mut buf = Vec::with_capacity(usize::try_from(BLOCK).unwrap_or(1 << 20));
    let starts = if size <= 3 * BLOCK {
        vec![0]
    } else {
        vec![0, size / 2 - BLOCK / 2, size - BLOCK]
    };
    for start in starts {
        file.seek(SeekFrom::Start(start))?;
        buf.clear();
        (&mut file)
            .take(if size <= 3 * BLOCK { size } else { BLOCK })
            .read_to_end(&mut buf)?;
        hash = fnv1a(hash, &buf);
    }
    Ok(format!("fnv1a64:{hash:016x}"))
}

fn io_error(path: &Path, source: std::io::Error) -> LoadError {
    if source.kind() == std::io::ErrorKind::NotFound {
        LoadError::NotFound {
            path: path.to_path_buf(),
        }
    } else {
        LoadError::Io {
            path: path.to_path_buf(),
            source,
        }
    }
}

/// The format to read `path` with.
///
/// # Errors
/// When neither `format` nor the extension says.
pub fn resolve_format(path: &Path, format: Option<InputFormat>) -> Result<InputFormat, LoadError> {
    format
        .or_else(|| InputFormat::from_path(path))
        .ok_or_else(|| LoadError::UnknownFormat {
            path: path.to_path_buf(),
            ext: path.extension().map_or_else(
                || "(none)".to_string(),
                |e| e.to_string_lossy().into_owned(),
            ),
        })
}

/// Loads a predictions table.
///
/// # Errors
/// Any [`LoadError`]: a missing or unreadable file, no label or prediction
/// column, empty labels, ragged CSV lines, non-UTF-8 bytes, duplicate ids, ...
pub fn load(path: &Path, opts: &LoadOptions) -> Result<Dataset, LoadError> {
    let meta = std::fs::metadata(path).map_err(|e| io_error(path, e))?;
    if meta.is_dir() {
        return Err(LoadError::Parse {
            path: path.to_path_buf(),
            message: "this is a folder, not a file".to_string(),
        });
    }
    if meta.len() == 0 {
        return Err(LoadError::Empty {
            path: path.to_path_buf(),
        });
    }
    let format = resolve_format(path, opts.format)?;
    let started = std::time::Instant::now();
    let (mut df, roles) = match format {
        InputFormat::Csv => read_csv(path, opts)?,
        InputFormat::Parquet | InputFormat::Ndjson => {
            let df = read_other(path, format)?;
            let columns = column_names(&df);
            if df.height() == 0 {
                return Err(LoadError::HeaderOnly {
                    path: path.to_path_buf(),
                    columns,
                });
            }
            let roles = detect_roles(path, &columns, opts)?;
            (df, roles)
        }
    };
    if opts.cancelled() {
        return Err(LoadError::Cancelled {
            path: path.to_path_buf(),
        });
    }
    let fingerprint = fingerprint(path).map_err(|e| io_error(path, e))?;
    let source = SourceInfo {
        path: path.to_path_buf(),
        size: meta.len(),
        fingerprint,
    };
    let parse_secs = started.elapsed().as_secs_f64();
    let mut ds = build_dataset(&mut df, roles, source, opts)?;
    ds.load_phases = vec![
        ("parse", parse_secs),
        ("encode", started.elapsed().as_secs_f64() - parse_secs),
    ];
    Ok(ds)
}

fn column_names(df: &DataFrame) -> Vec<String> {
    df.get_column_names()
        .into_iter()
        .map(ToString::to_string)
        .collect()
}

fn polars_error(path: &Path, err: &PolarsError) -> LoadError {
    LoadError::Parse {
        path: path.to_path_buf(),
        message: err
            .to_string()
            .lines()
            .next()
            .unwrap_or_default()
            .to_string(),
    }
}

/// NDJSON rows read to infer the column types before the whole file.
const NDJSON_INFER_ROWS: usize = 10_000;

fn read_other(path: &Path, format: InputFormat) -> Result<DataFrame, LoadError> {
    let open = || File::open(path).map_err(|e| io_error(path, e));
    let ndjson = |infer_rows: Option<std::num::NonZeroUsize>| -> Result<_, LoadError> {
        Ok(JsonReader::new(open()?)
            .with_json_format(JsonFormat::JsonLines)
            .infer_schema_len(infer_rows)
            .finish())
    };
    let result = match format {
        InputFormat::Parquet => ParquetReader::new(open()?).finish(),
        // Column types from the first rows (3x faster on 1M rows than from all
        // of them). A type that changes later is an error, never a silent
        // null, so then read again inferring from every row.
        _ => match ndjson(std::num::NonZeroUsize::new(NDJSON_INFER_ROWS))? {
            Ok(df) => Ok(df),
            Err(_) => ndjson(None)?,
        },
    };
    result.map_err(|e| {
        if format == InputFormat::Ndjson
            && let Some(err) = diagnose_utf8(path)
        {
            return err;
        }
        polars_error(path, &e)
    })
}

/// Reads at most 64 KiB from the start of the file.
fn read_head(path: &Path) -> Result<Vec<u8>, LoadError> {
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
fn count_fields_per_line(bytes: &[u8], delim: u8, max_lines: usize) -> Vec<usize> {
    let mut counts = Vec::new();
    let mut fields = 1;
    let mut in_quotes = false;
    let mut line_has_content = false;
    for &b in bytes {
        match b {
            b'"' => {
                in_quotes = !in_quotes;
                line_has_content = true;
            }
            b'\n' if !in_quotes => {
                if line_has_content {
                    counts.push(fields);
                    if counts.len() >= max_lines {
                        return counts;
                    }
                }
                fields = 1;
                line_has_content = false;
            }
            b'\r' => {}
            _ if b == delim && !in_quotes => {
                fields += 1;
                line_has_content = true;
            }
            _ => line_has_content = true,
        }
    }
    if line_has_content {
        counts.push(fields);
    }
    counts
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

fn csv_options(delimiter: u8, decimal_comma: bool) -> CsvReadOptions {
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

fn categorical(name: &str) -> DataType {
    DataType::from_categories(Categories::random(
        PlSmallStr::from(name),
        CategoricalPhysical::U32,
    ))
}

fn read_csv(path: &Path, opts: &LoadOptions) -> Result<(DataFrame, Roles), LoadError> {
    let head = read_head(path)?;
    let delimiter = sniff_delimiter(&head);
    let decimal_comma = sniff_decimal_comma(&head, delimiter);
    let fail =
        |e: &PolarsError| diagnose_csv(path, delimiter).unwrap_or_else(|| polars_error(path, e));

    // A first read of a few thousand rows gives column names and types. It
    // parses a prefix of the file held in memory: given the whole file,
    // polars would scan all of it even for a few rows.
    let sample_options = || {
        csv_options(delimiter, decimal_comma)
            .with_n_rows(Some(INFER_ROWS))
            .with_infer_schema_length(Some(INFER_ROWS))
    };
    let sample = read_prefix(path, INFER_ROWS)
        .ok()
        .and_then(|prefix| {
            sample_options()
                .into_reader_with_file_handle(std::io::Cursor::new(prefix))
                .finish()
                .ok()
        })
        .map_or_else(
            || {
                sample_options()
                    .try_into_reader_with_file_path(Some(path.to_path_buf()))
                    .and_then(SerReader::finish)
            },
            Ok,
        )
        .map_err(|e| fail(&e))?;
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

    // The full read parses discrete columns straight into categorical codes
    // (4 bytes a row instead of a string), numbers as f64.
    let mut schema = Schema::with_capacity(columns.len());
    for ((name, dtype), clean) in sample.schema().iter().zip(&columns) {
        let chosen =
            if *clean == roles.label || *clean == roles.pred || roles.human.as_ref() == Some(clean)
            {
                categorical(clean)
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
                categorical(clean)
            };
        schema.with_column(name.clone(), chosen);
    }
    // A column typed from the sample may hold text further down: read it as
    // text and try again (once per column at most).
    for _ in 0..=columns.len() {
        let result = csv_options(delimiter, decimal_comma)
            .with_schema(Some(Arc::new(schema.clone())))
            .try_into_reader_with_file_path(Some(path.to_path_buf()))
            .and_then(SerReader::finish);
        match result {
            Ok(df) => {
                if opts.cancelled() {
                    return Err(LoadError::Cancelled {
                        path: path.to_path_buf(),
                    });
                }
                check_short_lines(path, delimiter, &df)?;
                return Ok((df, roles));
            }
            Err(e) => {
                let message = e.to_string();
                let retyped = unparsable_column(&message).and_then(|col| {
                    let (_, name, dtype) = schema.get_full(&col)?;
                    let fallback = if roles.id.as_deref() == Some(col.as_str()) {
                        DataType::String
                    } else {
                        categorical(&col)
                    };
                    (*dtype != fallback && !matches!(dtype, DataType::Categorical(..)))
                        .then(|| (name.clone(), fallback))
                });
                match retyped {
                    Some((name, dtype)) => {
                        schema.with_column(name, dtype);
                    }
                    None => return Err(fail(&e)),
                }
            }
        }
    }
    Err(LoadError::Parse {
        path: path.to_path_buf(),
        message: "could not settle the column types".to_string(),
    })
}

/// The header and up to `rows` complete lines from the start of a file (at
/// most 8 MiB). A cut inside a quoted field makes the caller fall back to the
/// whole file.
fn read_prefix(path: &Path, rows: usize) -> std::io::Result<Vec<u8>> {
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

/// The column named in polars' "could not parse `x` as dtype `f64` at column 'c'" error.
fn unparsable_column(message: &str) -> Option<String> {
    let rest = message.split("at column '").nth(1)?;
    Some(rest.split('\'').next()?.to_string())
}

/// polars fills the missing trailing fields of a short line with nulls. A short
/// line leaves a null in the last column, so only then is the file scanned.
fn check_short_lines(path: &Path, delimiter: u8, df: &DataFrame) -> Result<(), LoadError> {
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

/// Finds the first non-UTF-8 byte in a file.
fn diagnose_utf8(path: &Path) -> Option<LoadError> {
    let bytes = std::fs::read(path).ok()?;
    let err = std::str::from_utf8(&bytes).err()?;
    let offset = err.valid_up_to();
    let line = bytes[..offset].iter().filter(|&&b| b == b'\n').count() + 1;
    Some(LoadError::NotUtf8 {
        path: path.to_path_buf(),
        line,
        byte: bytes[offset],
        offset,
    })
}

/// Scans a CSV file for the problems polars reports without a line number:
/// bytes that are not UTF-8 and lines with the wrong number of fields.
fn diagnose_csv(path: &Path, delimiter: u8) -> Option<LoadError> {
    if let Some(err) = diagnose_utf8(path) {
        return Some(err);
    }
    let bytes = std::fs::read(path).ok()?;
    let mut expected = None;
    let mut fields = 1;
    let mut in_quotes = false;
    let mut line = 1;
    let mut record_line = 1;
    let mut has_content = false;
    let mut check = |fields: usize, record_line: usize| -> Option<LoadError> {
        match expected {
            None => {
                expected = Some(fields);
                None
            }
            Some(exp) if exp != fields => Some(LoadError::Ragged {
                path: path.to_path_buf(),
                line: record_line,
                expected: exp,
                found: fields,
                delimiter: char::from(delimiter),
            }),
            Some(_) => None,
        }
    };
    for &b in &bytes {
        match b {
            b'"' => {
                in_quotes = !in_quotes;
                has_content = true;
            }
            b'\n' => {
                line += 1;
                if !in_quotes {
                    if has_content && let Some(err) = check(fields, record_line) {
                        return Some(err);
                    }
                    fields = 1;
                    has_content = false;
                    record_line = line;
                }
            }
            b'\r' => {}
            _ if b == delimiter && !in_quotes => {
                fields += 1;
                has_content = true;
            }
            _ => has_content = true,
        }
    }
    if has_content {
        return check(fields, record_line);
    }
    None
}

/// A column encoded as dense codes plus the value of each code.
struct Encoded {
    codes: Vec<u32>,
    values: Vec<String>,
    null_count: usize,
    first_null_rows: Vec<usize>,
}

const NULL_CODE: u32 = u32::MAX;

impl Encoded {
    fn new(rows: usize) -> Self {
        Self {
            codes: Vec::with_capacity(rows),
            values: Vec::new(),
            null_count: 0,
            first_null_rows: Vec::new(),
        }
    }

    fn push_null(&mut self) {
        if self.first_null_rows.len() < SHOW_ROWS {
            self.first_null_rows.push(self.codes.len());
        }
        self.null_count += 1;
        self.codes.push(NULL_CODE);
    }
}

fn next_code(len: usize) -> u32 {
    u32::try_from(len).unwrap_or(NULL_CODE - 1)
}

/// Encodes any column as codes over its distinct values (as text). Integral
/// floats are written without a fraction, so `1.0` and `1` are one value.
fn encode(series: &Series) -> Result<Encoded, PolarsError> {
    let mut out = Encoded::new(series.len());
    match series.dtype() {
        DataType::Categorical(_, _) if series.cat32().is_ok() => {
            let ca = series.cat32()?;
            let mapping = ca.get_mapping();
            let mut lookup: Vec<u32> = vec![NULL_CODE; mapping.num_cats_upper_bound()];
            for arr in ca.physical().downcast_iter() {
                for value in arr {
                    let Some(&phys) = value else {
                        out.push_null();
                        continue;
                    };
                    let idx = phys as usize;
                    if idx >= lookup.len() {
                        lookup.resize(idx + 1, NULL_CODE);
                    }
                    if lookup[idx] == NULL_CODE {
                        lookup[idx] = next_code(out.values.len());
                        out.values
                            .push(mapping.cat_to_str(phys).unwrap_or_default().to_string());
                    }
                    out.codes.push(lookup[idx]);
                }
            }
        }
        DataType::String => encode_string_views(series.str()?, &mut out),
        dt if dt.is_integer() => {
            let cast = series.cast(&DataType::Int64)?;
            let mut map: FxHashMap<i64, u32> = FxHashMap::default();
            for value in cast.i64()?.iter() {
                match value {
                    None => out.push_null(),
                    Some(v) => {
                        let code = *map.entry(v).or_insert_with(|| {
                            out.values.push(v.to_string());
                            next_code(out.values.len() - 1)
                        });
                        out.codes.push(code);
                    }
                }
            }
        }
        dt if dt.is_float() => {
            let cast = series.cast(&DataType::Float64)?;
            let mut map: FxHashMap<u64, u32> = FxHashMap::default();
            for value in cast.f64()?.iter() {
                match value {
                    None => out.push_null(),
                    Some(v) if v.is_nan() => out.push_null(),
                    Some(v) => {
                        let v = if v == 0.0 { 0.0 } else { v };
                        let code = *map.entry(v.to_bits()).or_insert_with(|| {
                            out.values.push(format_number(v));
                            next_code(out.values.len() - 1)
                        });
                        out.codes.push(code);
                    }
                }
            }
        }
        _ => {
            let cast = series.cast(&DataType::String)?;
            encode_strings(cast.str()?.iter(), &mut out);
        }
    }
    Ok(out)
}

/// [`encode_strings`] for polars' string arrays, whose values are 16-byte
/// views: a string of up to 12 bytes lies inside its view (zero-padded, an
/// invariant polars checks), so the view itself is the key and no bytes are
/// hashed or compared. Labels and slice values are nearly always that short;
/// from Parquet this halves the cost of encoding them.
fn encode_string_views(ca: &polars::prelude::StringChunked, out: &mut Encoded) {
    let mut inline: FxHashMap<u128, u32> = FxHashMap::default();
    let mut long: FxHashMap<&str, u32> = FxHashMap::default();
    for arr in ca.downcast_iter() {
        for (value, view) in arr.iter().zip(arr.views().iter()) {
            let Some(value) = value else {
                out.push_null();
                continue;
            };
            let code = if view.is_inline() {
                *inline.entry(view.as_u128()).or_insert_with(|| {
                    out.values.push(value.to_string());
                    next_code(out.values.len() - 1)
                })
            } else {
                *long.entry(value).or_insert_with(|| {
                    out.values.push(value.to_string());
                    next_code(out.values.len() - 1)
                })
            };
            out.codes.push(code);
        }
    }
}

fn encode_strings<'a>(values: impl Iterator<Item = Option<&'a str>>, out: &mut Encoded) {
    let mut map: FxHashMap<&'a str, u32> = FxHashMap::default();
    for value in values {
        match value {
            None => out.push_null(),
            Some(s) => {
                let code = *map.entry(s).or_insert_with(|| {
                    out.values.push(s.to_string());
                    next_code(out.values.len() - 1)
                });
                out.codes.push(code);
            }
        }
    }
}

/// Sorts class names the way scikit-learn's `np.unique` would: numerically
/// when every value is a number, otherwise by bytes.
#[must_use]
pub fn sort_classes(mut values: Vec<String>) -> Vec<String> {
    let numeric: Option<Vec<f64>> = values
        .iter()
        .map(|v| v.trim().parse::<f64>().ok())
        .collect();
    match numeric {
        Some(nums) => {
            let mut pairs: Vec<(f64, String)> = nums.into_iter().zip(values).collect();
            pairs.sort_by(|a, b| a.0.total_cmp(&b.0).then_with(|| a.1.cmp(&b.1)));
            pairs.into_iter().map(|(_, s)| s).collect()
        }
        None => {
            values.sort();
            values
        }
    }
}

fn take(df: &mut DataFrame, name: &str) -> Result<Series, PolarsError> {
    df.drop_in_place(name)
        .map(polars::prelude::Column::take_materialized_series)
}

/// One column's conversion, run on a worker thread.
enum Job {
    /// Label, prediction or human label: codes over values.
    Encode(Series),
    /// The score column (name, values).
    Score(String, Series),
    /// The id column (name, values).
    Ids(String, Series),
    /// A metadata column (name, use, values).
    Column(String, ColumnUse, Series),
}

/// A finished [`Job`].
enum Done {
    Encoded(Encoded),
    Score(Vec<f64>),
    Ids(Ids),
    Column(Column),
}

fn run_job(job: Job, path: &Path, bins: usize) -> Result<Done, LoadError> {
    let perr = |e: PolarsError| polars_error(path, &e);
    Ok(match job {
        Job::Encode(series) => Done::Encoded(encode(&series).map_err(perr)?),
        Job::Score(name, series) => {
            Done::Score(
                to_f64_checked(&series).map_err(|found| LoadError::NotNumeric {
                    path: path.to_path_buf(),
                    role: "score",
                    flag: "--score",
                    column: name,
                    found,
                })?,
            )
        }
        Job::Ids(name, series) => {
            let ids = to_ids(&series).map_err(perr)?;
            check_ids(path, &name, &series, &ids)?;
            Done::Ids(ids)
        }
        Job::Column(name, usage, series) => {
            let data = if series.dtype().is_primitive_numeric() && usage == ColumnUse::Slice {
                numeric_column(to_f64(&series).map_err(perr)?, bins)
            } else {
                ColumnData::Categorical(grouping_from(&encode(&series).map_err(perr)?))
            };
            Done::Column(Column { name, usage, data })
        }
    })
}

/// Maps `f` over `items` on all cores, keeping the order. Falls back to the
/// calling thread when no thread can be started.
fn parallel_map<T: Send, R: Send>(items: Vec<T>, f: impl Fn(T) -> R + Sync) -> Vec<R> {
    use std::sync::{Mutex, PoisonError};
    let n = items.len();
    let threads = std::thread::available_parallelism()
        .map_or(1, std::num::NonZero::get)
        .min(n)
        .max(1);
    let queue: Mutex<std::collections::VecDeque<(usize, T)>> =
        Mutex::new(items.into_iter().enumerate().collect());
    let results: Mutex<Vec<Option<R>>> = Mutex::new((0..n).map(|_| None).collect());
    let work = || {
        loop {
            let next = queue
                .lock()
                .unwrap_or_else(PoisonError::into_inner)
                .pop_front();
            let Some((i, item)) = next else { break };
            let r = f(item);
            results.lock().unwrap_or_else(PoisonError::into_inner)[i] = Some(r);
        }
    };
    std::thread::scope(|s| {
        for t in 1..threads {
            let _ = std::thread::Builder::new()
                .name(format!("slicewise-encode-{t}"))
                .spawn_scoped(s, work);
        }
        work();
    });
    results
        .into_inner()
        .unwrap_or_else(PoisonError::into_inner)
        .into_iter()
        .flatten()
        .collect()
}

/// Turns the polars frame into the compact dataset. Columns are converted in
/// parallel; each polars column is dropped as soon as it is converted.
fn build_dataset(
    df: &mut DataFrame,
    roles: Roles,
    source: SourceInfo,
    opts: &LoadOptions,
) -> Result<Dataset, LoadError> {
    let path = source.path.clone();
    let perr = |e: PolarsError| polars_error(&path, &e);
    let rows = df.height();
    let mut warnings = Vec::new();
    let bins = opts.bins.unwrap_or(DEFAULT_BINS).max(1);

    let mut jobs = vec![
        Job::Encode(take(df, &roles.label).map_err(perr)?),
        Job::Encode(take(df, &roles.pred).map_err(perr)?),
    ];
    if let Some(name) = &roles.human {
        jobs.push(Job::Encode(take(df, name).map_err(perr)?));
    }
    if let Some(name) = &roles.score {
        jobs.push(Job::Score(name.clone(), take(df, name).map_err(perr)?));
    }
    if let Some(name) = &roles.id {
        jobs.push(Job::Ids(name.clone(), take(df, name).map_err(perr)?));
    }
    for name in column_names(df) {
        let series = take(df, &name).map_err(perr)?;
        let clean = name.trim_start_matches('\u{feff}').to_string();
        let usage = if roles.image.as_ref() == Some(&clean) {
            ColumnUse::Image
        } else if roles.text.as_ref() == Some(&clean) {
            ColumnUse::Text
        } else {
            ColumnUse::Slice
        };
        jobs.push(Job::Column(clean, usage, series));
    }
    let expected = jobs.len();
    let done = parallel_map(jobs, |job| run_job(job, &path, bins))
        .into_iter()
        .collect::<Result<Vec<Done>, LoadError>>()?;
    if done.len() != expected {
        return Err(LoadError::Parse {
            path,
            message: "a column could not be converted".to_string(),
        });
    }
    if opts.cancelled() {
        return Err(LoadError::Cancelled { path });
    }
    let mut done = done.into_iter();
    let mut next_encoded = || match done.next() {
        Some(Done::Encoded(e)) => Some(e),
        _ => None,
    };
    let (Some(label_enc), Some(pred_enc)) = (next_encoded(), next_encoded()) else {
        return Err(LoadError::Parse {
            path,
            message: "the label and prediction columns could not be converted".to_string(),
        });
    };
    let human_enc = if roles.human.is_some() {
        next_encoded()
    } else {
        None
    };
    let mut score = None;
    let mut ids = Ids::RowNumber;
    let mut columns = Vec::new();
    for d in done {
        match d {
            Done::Score(s) => score = Some(s),
            Done::Ids(i) => ids = i,
            Done::Column(c) => columns.push(c),
            Done::Encoded(_) => {}
        }
    }

    // Label and prediction share one class dictionary.
    check_nulls(&path, "true-label", &roles.label, &label_enc)?;
    check_nulls(&path, "prediction", &roles.pred, &pred_enc)?;
    let mut union: Vec<String> = label_enc.values.clone();
    for v in &pred_enc.values {
        if !label_enc.values.contains(v) {
            union.push(v.clone());
        }
    }
    let classes = sort_classes(union);
    let class_index: FxHashMap<&str, u32> = classes
        .iter()
        .enumerate()
        .map(|(i, c)| (c.as_str(), next_code(i)))
        .collect();
    let remap = |enc: &Encoded| -> Vec<u32> {
        let table: Vec<u32> = enc.values.iter().map(|v| class_index[v.as_str()]).collect();
        enc.codes.iter().map(|&c| table[c as usize]).collect()
    };
    let label = remap(&label_enc);
    drop(label_enc);
    let pred = remap(&pred_enc);
    drop(pred_enc);
    let mut correct = Bitmap::new(rows);
    for (i, (l, p)) in label.iter().zip(&pred).enumerate() {
        if l == p {
            correct.set(i, true);
        }
    }

    // Human labels map onto the same classes; values the model never uses are extra.
    let mut human_extra_classes = Vec::new();
    let human = match (&roles.human, human_enc) {
        (Some(name), Some(enc)) => {
            let table: Vec<u32> = enc
                .values
                .iter()
                .map(|v| {
                    class_index.get(v.as_str()).copied().unwrap_or_else(|| {
                        human_extra_classes.push(v.clone());
                        next_code(classes.len() + human_extra_classes.len() - 1)
                    })
                })
                .collect();
            if enc.null_count > 0 {
                warnings.push(format!(
                    "The human-label column '{name}' is empty on {} row(s); those rows are left out of human-level performance.",
                    enc.null_count
                ));
            }
            Some(
                enc.codes
                    .iter()
                    .map(|&c| {
                        if c == NULL_CODE {
                            NO_HUMAN
                        } else {
                            table[c as usize]
                        }
                    })
                    .collect(),
            )
        }
        _ => None,
    };
    if roles.id.is_none() {
        warnings.push(
            "There is no id column, so tags are keyed by row number: re-sorting or filtering the file will detach them. Add an id column (or name one with --id COL).".to_string(),
        );
    }

    Ok(Dataset {
        source,
        roles,
        classes,
        label,
        pred,
        correct,
        score,
        human,
        human_extra_classes,
        ids,
        columns,
        warnings,
        load_phases: Vec::new(),
    })
}

fn check_nulls(
    path: &Path,
    role: &'static str,
    column: &str,
    enc: &Encoded,
) -> Result<(), LoadError> {
    if enc.null_count == 0 {
        return Ok(());
    }
    Err(LoadError::Nulls {
        path: path.to_path_buf(),
        role,
        column: column.to_string(),
        count: enc.null_count,
        first_rows: enc.first_null_rows.clone(),
    })
}

/// Groups sorted by label (numerically when all are numbers), missing last.
fn grouping_from(enc: &Encoded) -> Grouping {
    let sorted = sort_classes(enc.values.clone());
    let mut position: FxHashMap<&str, u32> = sorted
        .iter()
        .enumerate()
        .map(|(i, v)| (v.as_str(), next_code(i)))
        .collect();
    let table: Vec<u32> = enc.values.iter().map(|v| position[v.as_str()]).collect();
    let missing_code = next_code(sorted.len());
    position.clear();
    let codes = enc
        .codes
        .iter()
        .map(|&c| {
            if c == NULL_CODE {
                missing_code
            } else {
                table[c as usize]
            }
        })
        .collect();
    let mut labels = sorted;
    if enc.null_count > 0 {
        labels.push(MISSING.to_string());
    }
    Grouping { codes, labels }
}

/// Converts a column to numbers; text that is not a number is an error
/// naming the first such value and its row.
fn to_f64_checked(series: &Series) -> Result<Vec<f64>, String> {
    if series.dtype().is_primitive_numeric() || series.dtype().is_null() {
        return to_f64(series).map_err(|e| e.to_string());
    }
    let text = series.cast(&DataType::String).map_err(|e| e.to_string())?;
    let nums = text.cast(&DataType::Float64).map_err(|e| e.to_string())?;
    if nums.null_count() > text.null_count() {
        let (Ok(raw), Ok(parsed)) = (text.str(), nums.f64()) else {
            return Err(series.dtype().to_string());
        };
        let bad = raw
            .iter()
            .zip(parsed.iter())
            .enumerate()
            .find(|(_, (r, p))| r.is_some() && p.is_none())
            .map(|(row, (r, _))| format!("'{}' on data row {}", r.unwrap_or_default(), row + 1));
        return Err(bad.unwrap_or_else(|| series.dtype().to_string()));
    }
    to_f64(&nums).map_err(|e| e.to_string())
}

fn to_f64(series: &Series) -> Result<Vec<f64>, PolarsError> {
    let cast = series.cast(&DataType::Float64)?;
    let ca = cast.f64()?;
    let mut out = Vec::with_capacity(ca.len());
    let no_nulls = ca.null_count() == 0;
    for arr in ca.downcast_iter() {
        if no_nulls {
            out.extend_from_slice(arr.values());
        } else {
            out.extend(arr.iter().map(|v| v.copied().unwrap_or(f64::NAN)));
        }
    }
    Ok(out)
}

fn to_ids(series: &Series) -> Result<Ids, PolarsError> {
    if series.dtype().is_integer() {
        let cast = series.cast(&DataType::Int64)?;
        let ca = cast.i64()?;
        let mut out = Vec::with_capacity(ca.len());
        for arr in ca.downcast_iter() {
            out.extend(arr.iter().map(|v| v.copied().unwrap_or(i64::MIN)));
        }
        return Ok(Ids::Int(out));
    }
    let cast = series.cast(&DataType::String)?;
    let ca = cast.str()?;
    let mut out = StrColumn::with_capacity(ca.len(), ca.len() * 8);
    for v in ca.iter() {
        out.push(v.unwrap_or_default());
    }
    Ok(Ids::Str(out))
}

/// Ids must be present and unique. Sorted ids (the common case) are checked
/// in one pass; otherwise hashes are sorted and neighbours compared.
fn check_ids(path: &Path, column: &str, series: &Series, ids: &Ids) -> Result<(), LoadError> {
    if series.null_count() > 0 {
        let first_rows: Vec<usize> = series
            .is_null()
            .iter()
            .enumerate()
            .filter(|(_, n)| n.unwrap_or(false))
            .map(|(i, _)| i)
            .take(SHOW_ROWS)
            .collect();
        return Err(LoadError::NullIds {
            path: path.to_path_buf(),
            column: column.to_string(),
            count: series.null_count(),
            first_rows,
        });
    }
    let n = match ids {
        Ids::RowNumber => return Ok(()),
        Ids::Int(v) => v.len(),
        Ids::Str(s) => s.len(),
    };
    let strictly_increasing = match ids {
        Ids::Int(v) => v.windows(2).all(|w| w[0] < w[1]),
        Ids::Str(s) => (1..n).all(|i| s.get(i - 1) < s.get(i)),
        Ids::RowNumber => true,
    };
    if strictly_increasing {
        return Ok(());
    }
    // Sort (hash, row) pairs; equal neighbours are duplicates (or, rarely, collisions).
    let mut keyed: Vec<(u64, u32)> = (0..n)
        .map(|i| {
            let h = match ids {
                Ids::Int(v) => v[i].cast_unsigned().wrapping_mul(0x9E37_79B9_7F4A_7C15),
                Ids::Str(s) => fnv1a(FNV_OFFSET, s.get(i).as_bytes()),
                Ids::RowNumber => 0,
            };
            (h, next_code(i))
        })
        .collect();
    keyed.sort_unstable();
    let mut dups: FxHashMap<String, Vec<usize>> = FxHashMap::default();
    let mut order: Vec<String> = Vec::new();
    for w in keyed.windows(2) {
        let (a, b) = (w[0].1 as usize, w[1].1 as usize);
        if w[0].0 == w[1].0 && ids.key(a) == ids.key(b) {
            let key = ids.key(a).into_owned();
            let rows = dups.entry(key.clone()).or_insert_with(|| {
                order.push(key);
                vec![a]
            });
            rows.push(b);
        }
    }
    if dups.is_empty() {
        return Ok(());
    }
    order.sort_by_key(|k| dups[k].iter().min().copied());
    let examples = order
        .iter()
        .take(3)
        .map(|k| {
            let mut rows = dups[k].clone();
            rows.sort_unstable();
            rows.dedup();
            format!("'{k}' on data rows {}", super::error::rows_list(&rows))
        })
        .collect::<Vec<_>>()
        .join("; ");
    Err(LoadError::DuplicateIds {
        path: path.to_path_buf(),
        column: column.to_string(),
        count: dups.len(),
        examples,
    })
}

/// Groups a numeric column: one group per value when there are few, else
/// quantile bins.
fn numeric_column(values: Vec<f64>, bins: usize) -> ColumnData {
    let mut distinct: Vec<f64> = Vec::new();
    let mut few = true;
    for &v in &values {
        if v.is_nan() || distinct.iter().any(|d| d.to_bits() == v.to_bits()) {
            continue;
        }
        if distinct.len() == MAX_DISTINCT_NUMERIC {
            few = false;
            break;
        }
        distinct.push(v);
    }
    let has_missing = values.iter().any(|v| v.is_nan());
    let (groups, grouping) = if few {
        distinct.sort_by(f64::total_cmp);
        let mut labels: Vec<String> = distinct.iter().map(|&v| format_number(v)).collect();
        let missing = next_code(labels.len());
        if has_missing {
            labels.push(MISSING.to_string());
        }
        let codes = values
            .iter()
            .map(|&v| {
                if v.is_nan() {
                    missing
                } else {
                    distinct
                        .binary_search_by(|d| d.total_cmp(&v))
                        .map_or(missing, next_code)
                }
            })
            .collect();
        (Grouping { codes, labels }, NumericGrouping::Distinct)
    } else {
        let edges = quantile_edges(&values, bins);
        let grouping = bin_grouping(&values, &edges, has_missing);
        (grouping, NumericGrouping::Bins(edges))
    };
    ColumnData::Numeric {
        values,
        groups,
        grouping,
    }
}

/// Bin edges at the `i / bins` quantiles (linear interpolation, as numpy),
/// with repeated edges merged.
#[must_use]
#[allow(clippy::cast_precision_loss)]
pub fn quantile_edges(values: &[f64], bins: usize) -> Vec<f64> {
    let mut finite: Vec<f64> = values.iter().copied().filter(|v| !v.is_nan()).collect();
    if finite.is_empty() {
        return Vec::new();
    }
    let n = finite.len();
    let mut edges = Vec::with_capacity(bins + 1);
    let mut from = 0;
    for i in 0..=bins {
        let pos = (n - 1) as f64 * i as f64 / bins as f64;
        #[allow(clippy::cast_possible_truncation, clippy::cast_sign_loss)]
        let lo = pos.floor() as usize;
        let frac = pos - lo as f64;
        // Partition only the part not yet ordered: positions only grow.
        let (_, &mut lo_value, right) =
            finite[from..].select_nth_unstable_by(lo - from, f64::total_cmp);
        let hi_value = if frac > 0.0 {
            right.iter().copied().fold(f64::INFINITY, f64::min)
        } else {
            lo_value
        };
        from = lo;
        edges.push(lo_value + (hi_value - lo_value) * frac);
    }
    edges.dedup_by(|a, b| a.total_cmp(b).is_eq());
    if edges.len() == 1 {
        edges.push(edges[0]);
    }
    edges
}

fn bin_grouping(values: &[f64], edges: &[f64], has_missing: bool) -> Grouping {
    let n_bins = edges.len() - 1;
    let mut labels: Vec<String> = (0..n_bins)
        .map(|i| {
            let close = if i + 1 == n_bins { ']' } else { ')' };
            format!(
                "[{}, {}{close}",
                format_edge(edges[i]),
                format_edge(edges[i + 1])
            )
        })
        .collect();
    let missing = next_code(n_bins);
    if has_missing {
        labels.push(MISSING.to_string());
    }
    let inner = &edges[1..n_bins];
    let codes = values
        .iter()
        .map(|&v| {
            if v.is_nan() {
                missing
            } else {
                next_code(inner.partition_point(|&e| e <= v))
            }
        })
        .collect();
    Grouping { codes, labels }
}

/// Bin edges with up to 4 significant digits.
fn format_edge(v: f64) -> String {
    if v == 0.0 || !v.is_finite() {
        return format_number(v);
    }
    let magnitude = v.abs().log10().floor();
    #[allow(clippy::cast_possible_truncation, clippy::cast_sign_loss)]
    let decimals = (3.0 - magnitude).clamp(0.0, 12.0) as usize;
    let s = format!("{v:.decimals$}");
    if s.contains('.') {
        s.trim_end_matches('0').trim_end_matches('.').to_string()
    } else {
        s
    }
}

/// A peek at a file for choosing column roles by hand.
#[derive(Debug, Clone)]
pub struct Preview {
    /// Column names with their first values.
    pub columns: Vec<(String, Vec<String>)>,
    /// The roles detection would pick (label and pred may be empty).
    pub detected: Roles,
}

/// Reads the first rows of a file and reports its columns and detected roles.
///
/// # Errors
/// When the file cannot be read at all.
pub fn preview(path: &Path, format: Option<InputFormat>) -> Result<Preview, LoadError> {
    let format = resolve_format(path, format)?;
    let df = match format {
        InputFormat::Csv => {
            let head = read_head(path)?;
            let delimiter = sniff_delimiter(&head);
            csv_options(delimiter, sniff_decimal_comma(&head, delimiter))
                .with_n_rows(Some(20))
                .with_infer_schema_length(Some(0))
                .try_into_reader_with_file_path(Some(path.to_path_buf()))
                .and_then(SerReader::finish)
                .map_err(|e| polars_error(path, &e))?
        }
        _ => read_other(path, format)?.head(Some(20)),
    };
    let names = column_names(&df);
    let columns = df
        .columns()
        .iter()
        .zip(&names)
        .map(|(c, name)| {
            let values = c
                .cast(&DataType::String)
                .ok()
                .and_then(|s| {
                    s.str().ok().map(|ca| {
                        ca.iter()
                            .take(5)
                            .map(|v| v.unwrap_or("").to_string())
                            .collect()
                    })
                })
                .unwrap_or_default();
            (name.trim_start_matches('\u{feff}').to_string(), values)
        })
        .collect::<Vec<_>>();
    let plain: Vec<String> = columns.iter().map(|(n, _)| n.clone()).collect();
    let detected = Roles {
        label: find_by_name(&plain, names::LABEL).unwrap_or_default(),
        pred: find_by_name(&plain, names::PRED).unwrap_or_default(),
        score: find_by_name(&plain, names::SCORE),
        id: find_by_name(&plain, names::ID),
        human: find_by_name(&plain, names::HUMAN),
        image: find_by_name(&plain, names::IMAGE),
        text: find_by_name(&plain, names::TEXT),
    };
    Ok(Preview { columns, detected })
}

/// The path a session for `data` is kept at by default: `<stem>.slicewise.ron`
/// beside the data file.
#[must_use]
pub fn default_session_path(data: &Path) -> PathBuf {
    let stem = data
        .file_stem()
        .map_or_else(|| "data".into(), |s| s.to_string_lossy().into_owned());
    data.with_file_name(format!("{stem}.slicewise.ron"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sniffs_common_delimiters() {
        assert_eq!(sniff_delimiter(b"a,b,c\n1,2,3\n"), b',');
        assert_eq!(sniff_delimiter(b"a;b;c\n1;2,5;3\n"), b';');
        assert_eq!(sniff_delimiter(b"a\tb\n1\t2\n"), b'\t');
        assert_eq!(sniff_delimiter(b"a|b|c\n1|2|3\n"), b'|');
        // A comma inside quotes does not count.
        assert_eq!(sniff_delimiter(b"a;b\n\"x,y,z\";2\n"), b';');
    }

    #[test]
    fn classes_sort_like_numpy_unique() {
        let v = |xs: &[&str]| xs.iter().map(ToString::to_string).collect::<Vec<_>>();
        assert_eq!(sort_classes(v(&["10", "9", "1"])), v(&["1", "9", "10"]));
        assert_eq!(sort_classes(v(&["b", "B", "a"])), v(&["B", "a", "b"]));
    }

    #[test]
    fn quantile_edges_match_numpy() {
        let values: Vec<f64> = (0..=10).map(f64::from).collect();
        assert_eq!(
            quantile_edges(&values, 5),
            vec![0.0, 2.0, 4.0, 6.0, 8.0, 10.0]
        );
        let values = [1.0, 2.0, 3.0, 4.0];
        // np.quantile([1,2,3,4], [0, .5, 1]) = [1, 2.5, 4]
        assert_eq!(quantile_edges(&values, 2), vec![1.0, 2.5, 4.0]);
    }

    #[test]
    fn string_columns_encode_short_and_long_values_and_nulls() {
        use polars::prelude::NamedFrom;
        let long = "a value longer than twelve bytes";
        let values = [
            Some("car"),
            None,
            Some(long),
            Some("car"),
            Some(""),
            Some(long),
            Some("twelve bytes"),
            Some("twelve bytes!"),
            None,
            Some(""),
            Some("bus"),
        ];
        // Two chunks, so the value dictionary spans arrays.
        let mut series = Series::new("s".into(), &values[..5]);
        series
            .append(&Series::new("s".into(), &values[5..]))
            .unwrap();
        assert_eq!(series.n_chunks(), 2);
        let enc = encode(&series).unwrap();
        let decoded: Vec<Option<&str>> = enc
            .codes
            .iter()
            .map(|&c| (c != NULL_CODE).then(|| enc.values[c as usize].as_str()))
            .collect();
        assert_eq!(decoded, values);
        assert_eq!(
            enc.values.len(),
            6,
            "car, long, empty, twelve, thirteen, bus"
        );
        assert_eq!(
            (enc.null_count, enc.first_null_rows.clone()),
            (2, vec![1, 8])
        );
    }

    #[test]
    fn bins_are_half_open_but_the_last() {
        let g = bin_grouping(&[0.0, 1.0, 2.0, f64::NAN], &[0.0, 1.0, 2.0], true);
        assert_eq!(g.labels, vec!["[0, 1)", "[1, 2]", MISSING]);
        assert_eq!(g.codes, vec![0, 1, 1, 2]);
    }

    #[test]
    fn role_names_are_found_in_any_case() {
        let cols: Vec<String> = ["ID", "Ground Truth", "y_pred", "Confidence"]
            .iter()
            .map(ToString::to_string)
            .collect();
        let roles = detect_roles(Path::new("x.csv"), &cols, &LoadOptions::default()).unwrap();
        assert_eq!(roles.label, "Ground Truth");
        assert_eq!(roles.pred, "y_pred");
        assert_eq!(roles.score.as_deref(), Some("Confidence"));
        assert_eq!(roles.id.as_deref(), Some("ID"));
    }
}
