//! Loading a predictions table (CSV, Parquet, NDJSON) with polars and turning
//! it into the compact [`Dataset`].
//!
//! `mod.rs` holds the entry points ([`load`], [`preview`]) and options; the
//! readers live in `csv`, `parquet` and `ndjson`, role detection in `roles`,
//! the conversion into compact columns in `encode` and `build`, numeric
//! binning in `bins`, and the file fingerprint in `fingerprint`.

mod bins;
mod build;
mod classes;
mod convert;
mod csv;
mod csv_codes;
mod csv_scan;
mod encode;
mod fingerprint;
pub mod map_columns;
mod ndjson;
mod options;
mod parquet;
mod parquet_codes;
pub mod parts;
mod pipeline;
mod plan;
mod probas;
mod roles;
mod stream;

use std::path::{Path, PathBuf};
use std::sync::atomic::Ordering;

/// The bytes a load will read: the file's size, or the sum of a folder's
/// parts (0 when it cannot be told).
#[must_use]
pub fn data_size(path: &Path) -> u64 {
    if path.is_dir() || parts::is_glob(path) {
        parts::list(path).map_or(0, |parts| {
            parts
                .iter()
                .filter_map(|p| std::fs::metadata(&p.path).ok())
                .map(|m| m.len())
                .sum()
        })
    } else {
        std::fs::metadata(path).map_or(0, |m| m.len())
    }
}

use polars::prelude::{DataFrame, DataType, PolarsError, SerReader};

use build::build_dataset;
use csv::{csv_options, read_head};
use roles::find_by_name;

use super::dataset::{Dataset, Roles, SourceInfo};
use super::error::LoadError;

pub use bins::quantile_edges;
pub use classes::{canonical_number, class_key, normalize, unicode_warning, visible};
pub use csv::{sniff_decimal_comma, sniff_delimiter};
pub use encode::sort_classes;
pub use fingerprint::fingerprint;
pub use map_columns::MapColumns;
pub use options::{ColumnSelection, InputFormat, LoadControls, LoadOptions, RoleChoice};
pub use roles::{detect_roles, names};

/// The count column of a cube.
pub const COUNT_COLUMN: &str = "n";
/// The weight column of a review sample (inverse sampling fraction).
pub const SAMPLE_WEIGHT_COLUMN: &str = "sample_weight";
/// Columns the sample query adds only to draw the sample; the loader leaves
/// them out (Spark and Postgres cannot select all columns but some).
pub const BOOKKEEPING: [&str; 2] = ["slicewise_rank", "slicewise_random"];

/// Numeric slice columns with more distinct values than this are binned.
pub const MAX_DISTINCT_NUMERIC: usize = 20;
/// Default number of quantile bins.
pub const DEFAULT_BINS: usize = 5;
/// Rows read to infer CSV column types.
const INFER_ROWS: usize = 10_000;
/// How many offending rows an error message lists.
const SHOW_ROWS: usize = 5;

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

/// The columns a role names ([`Roles::columns`]), owned.
fn role_columns(roles: &Roles) -> Vec<String> {
    roles.columns().into_iter().cloned().collect()
}

/// Loads a predictions table.
///
/// # Errors
/// Any [`LoadError`]: a missing or unreadable file, no label or prediction
/// column, empty labels, ragged CSV lines, non-UTF-8 bytes, duplicate ids, ...
pub fn load(path: &Path, opts: &LoadOptions) -> Result<Dataset, LoadError> {
    if parts::is_glob(path) {
        return load_folder(path, opts);
    }
    let meta = std::fs::metadata(path).map_err(|e| io_error(path, e))?;
    if meta.is_dir() {
        return load_folder(path, opts);
    }
    if meta.len() == 0 {
        return Err(LoadError::Empty {
            path: path.to_path_buf(),
        });
    }
    let format = resolve_format(path, opts.format)?;
    if format != InputFormat::Parquet && starts_with_utf16_bom(path) {
        return Err(LoadError::Utf16 {
            path: path.to_path_buf(),
        });
    }
    let started = std::time::Instant::now();
    match format {
        InputFormat::Parquet => return load_parquet(path, opts, meta.len()),
        InputFormat::Csv => return load_csv(path, opts, meta.len()),
        InputFormat::Ndjson => {}
    }
    let (mut df, roles) = match format {
        InputFormat::Parquet | InputFormat::Csv | InputFormat::Ndjson => {
            let df = read_frame(path, format)?;
            let columns = column_names(&df);
            if df.height() == 0 {
                return Err(LoadError::HeaderOnly {
                    path: path.to_path_buf(),
                    columns,
                });
            }
            let roles = detect_roles(path, &columns, opts)?;
            check_roles_are_flat(path, &df, &roles, format)?;
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
    encode_timed(&mut df, roles, source, opts, started)
}

/// Builds the dataset from the parsed frame, with the parse and encode times.
fn encode_timed(
    df: &mut DataFrame,
    roles: Roles,
    source: SourceInfo,
    opts: &LoadOptions,
    started: std::time::Instant,
) -> Result<Dataset, LoadError> {
    let parse_secs = started.elapsed().as_secs_f64();
    let mut ds = build_dataset(df, roles, source, opts)?;
    ds.load_phases = vec![
        ("parse", parse_secs),
        ("encode", started.elapsed().as_secs_f64() - parse_secs),
    ];
    Ok(ds)
}

/// Loads a Parquet file batch by batch: peak memory is the compact columns
/// plus one batch of row groups, and the load reports its progress.
fn load_parquet(path: &Path, opts: &LoadOptions, size: u64) -> Result<Dataset, LoadError> {
    let mut stream = Stream::new(path, opts, InputFormat::Parquet);
    let (columns, rows) = parquet::columns_and_rows(path)?;
    if rows == 0 {
        return Err(LoadError::HeaderOnly {
            path: path.to_path_buf(),
            columns,
        });
    }
    let roles = detect_roles(path, &columns, opts)?;
    let projection = plan::projection(opts, &roles, &columns);
    let as_codes = plan::as_codes(&roles, &columns);
    let named = role_columns(&roles);
    let ids = roles.id.clone();
    stream.roles = Some(roles);
    stream.rows_hint = Some(rows);
    let left_out = pipeline::pipelined(
        path,
        |hand_on| {
            parquet::read_batches(
                path,
                projection.as_deref(),
                &as_codes,
                ids.as_deref(),
                opts.batch_rows,
                &mut |df, done, numbered| hand_on((df, done, numbered)),
            )
        },
        |(df, done, numbered)| {
            stream.progress_share(size, done);
            stream.push_numbered(df, numbered.as_ref())
        },
    );
    // A role column that cannot be read fails the load, naming it.
    let left_out = match left_out {
        Err(e) => {
            let unreadable = parquet::unreadable(path, &named);
            return Err(match unreadable.first() {
                Some((column, why)) => LoadError::Parse {
                    path: path.to_path_buf(),
                    message: format!(
                        "column '{column}' cannot be read ({why}), and it is a role column; cast it to a plain number or text when writing the file"
                    ),
                },
                None => e,
            });
        }
        Ok(left) => left,
    };
    stream.notes.extend(parquet::left_out_warning(&left_out));
    stream.finish_file(size)
}

/// Loads a CSV file block by block: peak memory is the compact columns plus
/// one parsed block.
fn load_csv(path: &Path, opts: &LoadOptions, size: u64) -> Result<Dataset, LoadError> {
    let mut stream = Stream::new(path, opts, InputFormat::Csv);
    pipeline::pipelined(
        path,
        |hand_on| {
            csv::read_batches(path, opts, csv::Text::Codes, &mut |df, done, first| {
                hand_on((df, done, first.cloned()))
            })
        },
        |(df, done, first)| {
            if let Some(roles) = first {
                // The first block (again, when a column was retyped).
                stream.builder = None;
                stream.roles = Some(roles);
            }
            stream.progress_share(size, done);
            stream.push(df)
        },
    )?;
    stream.finish_file(size)
}

/// Loads a dataset written as a folder of parts ([`parts`]), part by part
/// (a Parquet part row group by row group).
fn load_folder(dir: &Path, opts: &LoadOptions) -> Result<Dataset, LoadError> {
    let mut stream = Stream::new(dir, opts, InputFormat::Parquet);
    let (size, format, notes) = pipeline::pipelined(
        dir,
        |hand_on| {
            let read_part: &parts::ReadPart<'_> =
                &|path, format, each| parts::read_for_load(opts, true, path, format, each);
            parts::for_each_batch(dir, opts, read_part, &mut |df, format, bytes, numbered| {
                hand_on((df, format, bytes, numbered))
            })
        },
        |(df, format, bytes, numbered)| {
            stream.format = format;
            stream.progress(bytes);
            stream.push_numbered(df, numbered.as_ref())
        },
    )?;
    stream.format = format;
    stream.notes = notes;
    let source = SourceInfo {
        path: dir.to_path_buf(),
        size,
        fingerprint: fingerprint::of_folder(dir).map_err(|e| io_error(dir, e))?,
    };
    stream.finish(source)
}

/// A load fed batch by batch: the roles come from the first batch's
/// columns unless given, and the time spent encoding is kept apart from
/// the time spent reading.
struct Stream<'a> {
    path: &'a Path,
    opts: &'a LoadOptions,
    format: InputFormat,
    roles: Option<Roles>,
    /// The file's rows, where its metadata says: the numeric columns are
    /// allocated once at that size.
    rows_hint: Option<usize>,
    builder: Option<stream::Builder>,
    started: std::time::Instant,
    encode_secs: f64,
    /// Warnings of the reading itself (columns left out, hive partitions
    /// that replace a column), added to the dataset's.
    notes: Vec<String>,
}

impl<'a> Stream<'a> {
    fn new(path: &'a Path, opts: &'a LoadOptions, format: InputFormat) -> Self {
        Self {
            path,
            opts,
            format,
            roles: None,
            rows_hint: None,
            builder: None,
            started: std::time::Instant::now(),
            encode_secs: 0.0,
            notes: Vec::new(),
        }
    }

    fn progress(&self, bytes: u64) {
        if let Some(p) = &self.opts.controls.progress {
            p.store(bytes, Ordering::Relaxed);
        }
    }

    /// Progress when the share `done` of a file of `size` bytes is read.
    #[allow(
        clippy::cast_precision_loss,
        clippy::cast_possible_truncation,
        clippy::cast_sign_loss
    )]
    fn progress_share(&self, size: u64, done: f64) {
        self.progress((size as f64 * done) as u64);
    }

    /// [`Stream::finish`] for a file of `size` bytes.
    fn finish_file(self, size: u64) -> Result<Dataset, LoadError> {
        let source = SourceInfo {
            path: self.path.to_path_buf(),
            size,
            fingerprint: fingerprint(self.path).map_err(|e| io_error(self.path, e))?,
        };
        self.finish(source)
    }

    fn push(&mut self, df: DataFrame) -> Result<(), LoadError> {
        self.push_numbered(df, None)
    }

    /// [`push`](Self::push) for a batch whose id column, where `numbered`
    /// names it, holds the numbers of ids of a pattern.
    fn push_numbered(
        &mut self,
        df: DataFrame,
        numbered: Option<&parquet::NumberedIds>,
    ) -> Result<(), LoadError> {
        if self.opts.cancelled() {
            return Err(LoadError::Cancelled {
                path: self.path.to_path_buf(),
            });
        }
        let clock = std::time::Instant::now();
        let builder = match &mut self.builder {
            Some(b) => b,
            None => {
                let roles = match self.roles.take() {
                    Some(roles) => roles,
                    None => detect_roles(self.path, &column_names(&df), self.opts)?,
                };
                check_roles_are_flat(self.path, &df, &roles, self.format)?;
                let mut b = stream::Builder::new(self.path, roles, &df);
                if let Some(rows) = self.rows_hint {
                    b.reserve(rows);
                }
                self.builder.insert(b)
            }
        };
        builder.push(df, numbered)?;
        if let Some(r) = &self.opts.controls.rows_read {
            r.store(builder.rows as u64, Ordering::Relaxed);
        }
        self.encode_secs += clock.elapsed().as_secs_f64();
        Ok(())
    }

    fn finish(self, source: SourceInfo) -> Result<Dataset, LoadError> {
        let Some(builder) = self.builder else {
            return Err(LoadError::Parse {
                path: self.path.to_path_buf(),
                message: "no rows were read".to_string(),
            });
        };
        let clock = std::time::Instant::now();
        let mut ds = build::finish(builder, source, self.opts)?;
        ds.warnings.extend(self.notes);
        let encode = self.encode_secs + clock.elapsed().as_secs_f64();
        ds.load_phases = vec![
            ("parse", self.started.elapsed().as_secs_f64() - encode),
            ("encode", encode),
        ];
        Ok(ds)
    }
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

/// Whether a file starts with a UTF-16 byte order mark.
fn starts_with_utf16_bom(path: &Path) -> bool {
    use std::io::Read as _;
    let mut bom = [0u8; 2];
    std::fs::File::open(path)
        .and_then(|mut f| f.read_exact(&mut bom))
        .is_ok_and(|()| bom == [0xFF, 0xFE] || bom == [0xFE, 0xFF])
}

/// Whether a column holds lists, structs or other nested values.
fn is_nested(dtype: &DataType) -> bool {
    dtype.is_nested()
}

/// Refuses a label, prediction or human-label column of objects or lists
/// (for NDJSON with the first line that has one).
fn check_roles_are_flat(
    path: &Path,
    df: &DataFrame,
    roles: &Roles,
    format: InputFormat,
) -> Result<(), LoadError> {
    let named = [
        ("true-label", Some(&roles.label)),
        ("prediction", Some(&roles.pred)),
        ("human-label", roles.human.as_ref()),
    ];
    for (role, column) in named {
        let Some(column) = column else { continue };
        let Ok(c) = df.column(column) else { continue };
        let dtype = c.dtype();
        // NDJSON with an object on some lines and text on others reads as
        // text: look for the line when a value looks like JSON.
        let looks_nested = format == InputFormat::Ndjson
            && c.str().is_ok_and(|s| {
                s.iter()
                    .flatten()
                    .any(|v| v.starts_with('{') || v.starts_with('['))
            });
        if !is_nested(dtype) && !looks_nested {
            continue;
        }
        let line = (format == InputFormat::Ndjson)
            .then(|| ndjson::first_nested_line(path, column))
            .flatten();
        if !is_nested(dtype) && line.is_none() {
            continue;
        }
        let what = if matches!(dtype, DataType::Struct(_)) || !is_nested(dtype) {
            "objects or lists"
        } else {
            "lists"
        };
        return Err(LoadError::NestedValue {
            path: path.to_path_buf(),
            role,
            column: column.clone(),
            what,
            line,
        });
    }
    Ok(())
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

/// Reads a whole Parquet or NDJSON file (CSV has its own reader, which
/// needs the roles to choose column types).
fn read_frame(path: &Path, format: InputFormat) -> Result<DataFrame, LoadError> {
    match format {
        InputFormat::Parquet => parquet::read(path),
        _ => ndjson::read(path),
    }
}

/// Reads every column of a data file as it is written there: CSV cells as
/// text (so "01" stays "01"), Parquet and NDJSON with their own types. For
/// handing examples on with all their columns.
///
/// # Errors
/// When the file cannot be read.
pub fn read_raw(path: &Path, format: Option<InputFormat>) -> Result<DataFrame, LoadError> {
    if path.is_dir() || parts::is_glob(path) {
        let opts = LoadOptions {
            format,
            ..LoadOptions::default()
        };
        return Ok(parts::stack(path, &opts, |part, f| read_raw(part, Some(f)))?.0);
    }
    let format = resolve_format(path, format)?;
    match format {
        InputFormat::Csv => {
            let head = read_head(path)?;
            let delimiter = sniff_delimiter(&head);
            csv_options(delimiter, false)
                .with_infer_schema_length(Some(0))
                .try_into_reader_with_file_path(Some(path.to_path_buf()))
                .and_then(SerReader::finish)
                .map_err(|e| polars_error(path, &e))
        }
        _ => read_frame(path, format),
    }
}

/// A peek at a file for choosing column roles by hand.
#[derive(Debug, Clone)]
pub struct Preview {
    /// Column names with their first values.
    pub columns: Vec<(String, Vec<String>)>,
    /// The roles detection would pick (label and pred may be empty).
    pub detected: Roles,
    /// Columns that look like per-class probabilities: (column, class).
    pub probas: Vec<(String, String)>,
}

/// Reads the first rows of a file and reports its columns and detected roles.
///
/// # Errors
/// When the file cannot be read at all.
pub fn preview(path: &Path, format: Option<InputFormat>) -> Result<Preview, LoadError> {
    // A folder of parts: its first part, with the partition columns.
    let (path, partitions) = if path.is_dir() || parts::is_glob(path) {
        let first = parts::list(path)?.swap_remove(0);
        (first.path, first.partitions)
    } else {
        (path.to_path_buf(), Vec::new())
    };
    let path = path.as_path();
    let format = resolve_format(path, format)?;
    let mut df = match format {
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
        // The first rows only: the file may hold 100 million.
        InputFormat::Parquet => parquet::read_head(path, 20)?,
        InputFormat::Ndjson => read_frame(path, format)?.head(Some(20)),
    };
    for (key, value) in partitions {
        let values = vec![value; df.height()];
        df.with_column(polars::prelude::Column::new(key.as_str().into(), values))
            .map_err(|e| polars_error(path, &e))?;
    }
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
        weight: find_by_name(&plain, names::WEIGHT),
        not_slices: Vec::new(),
        annotator_prefix: None,
        votes_prefix: None,
    };
    let probas = probas::candidates(&plain);
    Ok(Preview {
        columns,
        detected,
        probas,
    })
}

/// The path a session for `data` is kept at by default: `<stem>.slicewise.ron`
/// beside the data file.
#[must_use]
pub fn default_session_path(data: &Path) -> PathBuf {
    // Parts named by a pattern share their folder's session.
    if parts::is_glob(data) {
        let folder = data
            .parent()
            .filter(|p| !p.as_os_str().is_empty())
            .map(Path::to_path_buf)
            .or_else(|| std::env::current_dir().ok());
        if let Some(folder) = folder {
            return default_session_path(&folder);
        }
    }
    // A folder of parts keeps its whole name (`preds.v2/` → `preds.v2.slicewise.ron`).
    let name = if data.is_dir() {
        data.file_name()
    } else {
        data.file_stem()
    };
    let stem = name.map_or_else(|| "data".into(), |s| s.to_string_lossy().into_owned());
    data.with_file_name(format!("{stem}.slicewise.ron"))
}

/// Reads `columns` of a file or folder of parts, batch by batch in the
/// order a load reads its rows, handing each frame (it may hold the role
/// columns too) to `each` with the share read so far and whether reading
/// started again from the first row (a CSV column retyped part way:
/// whatever was gathered from earlier frames must be dropped).
///
/// # Errors
/// A file that cannot be read, or what `each` returns.
pub fn read_columns(
    path: &Path,
    opts: &LoadOptions,
    columns: &[String],
    each: &mut dyn FnMut(DataFrame, f64, bool) -> Result<(), LoadError>,
) -> Result<(), LoadError> {
    let opts = LoadOptions {
        columns: ColumnSelection::Named(columns.to_vec()),
        ..opts.clone()
    };
    if parts::is_glob(path) || path.is_dir() {
        let size = data_size(path).max(1);
        let read_part: &parts::ReadPart<'_> =
            &|p, format, each| parts::read_for_load(&opts, false, p, format, each);
        #[allow(clippy::cast_precision_loss)]
        parts::for_each_batch(path, &opts, read_part, &mut |df, _, bytes, _| {
            each(df, bytes as f64 / size as f64, false)
        })?;
        return Ok(());
    }
    match resolve_format(path, opts.format)? {
        InputFormat::Parquet => {
            let (names, _) = parquet::columns_and_rows(path)?;
            let wanted: Vec<String> = names
                .iter()
                .filter(|n| columns.contains(n))
                .cloned()
                .collect();
            // A column the reader cannot hold is named before any row is
            // handed on (a fixed-size list: polars reads lists only).
            if let Some((column, why)) = parquet::unreadable(path, &wanted).into_iter().next() {
                return Err(LoadError::Parse {
                    path: path.to_path_buf(),
                    message: format!(
                        "column '{column}' cannot be read ({why}); write it as a plain list of numbers, or as one column a number"
                    ),
                });
            }
            parquet::read_batches(
                path,
                Some(&wanted),
                &[],
                None,
                opts.batch_rows,
                &mut |df, done, _| each(df, done, false),
            )?;
            Ok(())
        }
        InputFormat::Csv => {
            csv::read_batches(path, &opts, csv::Text::Views, &mut |df, done, first| {
                each(df, done, first.is_some())
            })?;
            Ok(())
        }
        InputFormat::Ndjson => each(ndjson::read(path)?, 1.0, true),
    }
}

/// The names of a file's (or a folder's first part's) columns.
///
/// # Errors
/// When the file cannot be read at all.
pub fn file_columns(path: &Path, format: Option<InputFormat>) -> Result<Vec<String>, LoadError> {
    // A Parquet file's names come from its schema: no row is read (and a
    // column no reader can hold does not stop it).
    if !(path.is_dir() || parts::is_glob(path))
        && resolve_format(path, format)? == InputFormat::Parquet
    {
        return Ok(parquet::columns_and_rows(path)?.0);
    }
    Ok(preview(path, format)?
        .columns
        .into_iter()
        .map(|(name, _)| name)
        .collect())
}
