//! The map of the dataset: each row's place in two dimensions, from
//! coordinate columns or from an embedding by PCA (`pca`), drawn as a
//! density raster (`raster`) and selected by box or lasso (`select`).
//!
//! The coordinates are read from the file apart from the load (the load
//! leaves map columns out: [`MapColumns`]), in the load's row order, in
//! bounded memory: an embedding is read twice, once for its moments and
//! once to project, and only the two coordinates (`f32`, 8 bytes a row)
//! are kept.

pub mod cache;
pub mod pca;
pub mod raster;
pub mod select;

use std::path::{Path, PathBuf};
use std::time::Instant;

use polars::prelude::{DataFrame, DataType};

use crate::core::error::LoadError;
pub use crate::core::load::MapColumns;
use crate::core::load::{LoadOptions, map_columns};
use pca::{Moments, Pca};

/// Embedding values kept in memory between the two passes, at most (the
/// file is read again past it): 1M rows of 32 dimensions fit.
const KEEP_BYTES: usize = 256 << 20;

/// The most embedding dimensions: the covariance holds dims² numbers
/// (512 MiB at this many), and its eigenvectors cost dims³.
pub const MAX_DIMS: usize = 8192;

/// Why there is no map.
#[derive(Debug, thiserror::Error)]
pub enum MapError {
    /// Reading the file failed.
    #[error(transparent)]
    Load(#[from] LoadError),
    /// Nothing to place rows by.
    #[error(
        "{} has no map columns: name two coordinate columns x and y (or umap_x/umap_y, tsne_1/tsne_2, pca_1/pca_2), embedding columns emb_0 … emb_k, or a list column 'embedding'; or give --x and --y, --embedding-prefix or --embedding-column",
        path.display()
    )]
    NoColumns {
        /// The file.
        path: PathBuf,
    },
    /// A map column holds no numbers.
    #[error(
        "column '{column}' of {} holds {dtype}, not numbers: coordinates and embeddings must be numeric",
        path.display()
    )]
    NotNumeric {
        /// The file.
        path: PathBuf,
        /// The column.
        column: String,
        /// Its type.
        dtype: String,
    },
    /// An embedding value is missing or not a finite number.
    #[error(
        "row {row} of {} has {what} in embedding column '{column}': every row needs its whole embedding; fill it or drop the row",
        path.display()
    )]
    BadValue {
        /// The file.
        path: PathBuf,
        /// The column.
        column: String,
        /// The row, counting from 1.
        row: u64,
        /// "no value", "NaN", "inf".
        what: String,
    },
    /// A list embedding of another length than the first row's.
    #[error(
        "row {row} of {} has {len} numbers in '{column}' where the first row has {expected}: every embedding must have one length",
        path.display()
    )]
    ListLength {
        /// The file.
        path: PathBuf,
        /// The column.
        column: String,
        /// The row, counting from 1.
        row: u64,
        /// Its length.
        len: usize,
        /// The first row's.
        expected: usize,
    },
    /// The map and the loaded data have different rows.
    #[error(
        "{} has {read} rows for the map but {expected} were loaded: the file changed while it was read; open it again",
        path.display()
    )]
    Rows {
        /// The file.
        path: PathBuf,
        /// Rows read for the map.
        read: usize,
        /// Rows of the dataset.
        expected: usize,
    },
    /// An embedding too wide to diagonalise on a laptop.
    #[error(
        "the embedding in {} has {dims} dimensions, more than the {max} the map can take: reduce it first (a random projection or the model's own smaller layer)",
        path.display()
    )]
    TooWide {
        /// The file.
        path: PathBuf,
        /// Its dimensions.
        dims: usize,
        /// The most.
        max: usize,
    },
    /// An unknown method.
    #[error("unknown map method '{0}': use pca (exact, on every row)")]
    Method(String),
}

/// How the coordinates were made.
#[derive(Debug, Clone, PartialEq)]
pub enum Method {
    /// Read from two columns as they are.
    Columns,
    /// The first two principal components of the embedding.
    Pca(Pca),
}

/// Every row's place on the map.
#[derive(Debug, Clone, PartialEq)]
pub struct Coords {
    /// Horizontal coordinate per row (NaN: no place).
    pub x: Vec<f32>,
    /// Vertical coordinate per row.
    pub y: Vec<f32>,
    /// The columns read.
    pub source: MapColumns,
    /// How.
    pub method: Method,
    /// Rows without a place (a coordinate missing or not finite).
    pub unplaced: usize,
    /// Seconds to read and compute.
    pub seconds: f64,
}

impl Coords {
    /// Coordinates read as they are from the columns `source` names, the
    /// rows without a place (a coordinate missing or not finite) counted.
    #[must_use]
    pub fn from_columns(x: Vec<f32>, y: Vec<f32>, source: MapColumns, seconds: f64) -> Self {
        let unplaced = x
            .iter()
            .zip(&y)
            .filter(|(a, b)| !(a.is_finite() && b.is_finite()))
            .count();
        Self {
            x,
            y,
            source,
            method: Method::Columns,
            unplaced,
            seconds,
        }
    }

    /// Rows.
    #[must_use]
    pub fn len(&self) -> usize {
        self.x.len()
    }

    /// No rows.
    #[must_use]
    pub fn is_empty(&self) -> bool {
        self.x.is_empty()
    }

    /// Row `r`'s place, when it has one.
    #[must_use]
    pub fn at(&self, r: usize) -> Option<(f32, f32)> {
        let (x, y) = (self.x[r], self.y[r]);
        (x.is_finite() && y.is_finite()).then_some((x, y))
    }

    /// The axes' names: the columns, or "PC1 (31.2% of variance)".
    #[must_use]
    pub fn axes(&self) -> [String; 2] {
        match (&self.method, &self.source) {
            (Method::Pca(p), _) => [0, 1].map(|i| {
                format!(
                    "PC{} ({} of variance)",
                    i + 1,
                    crate::core::format::pct(Some(p.variance_ratio[i]), 1)
                )
            }),
            (Method::Columns, MapColumns::Coordinates { x, y }) => [x.clone(), y.clone()],
            (Method::Columns, _) => ["x".into(), "y".into()],
        }
    }

    /// One line on where the map comes from.
    #[must_use]
    pub fn describe(&self) -> String {
        match (&self.method, &self.source) {
            (Method::Pca(_), MapColumns::Embedding(c)) => format!(
                "PCA of {} embedding columns ({} … {}), exact, on every row",
                c.len(),
                c.first().map_or("", String::as_str),
                c.last().map_or("", String::as_str)
            ),
            (Method::Pca(p), MapColumns::List(c)) => format!(
                "PCA of the {}-number embeddings in '{c}', exact, on every row",
                p.mean.len()
            ),
            (_, MapColumns::Coordinates { x, y }) => format!("coordinates from '{x}' and '{y}'"),
            (Method::Columns, _) => "coordinates".into(),
        }
    }

    /// The smallest rectangle holding every placed row: (x0, x1, y0, y1).
    #[must_use]
    pub fn bounds(&self) -> Option<[f32; 4]> {
        use rayon::prelude::*;
        let b = self
            .x
            .par_iter()
            .zip(self.y.par_iter())
            .filter(|(x, y)| x.is_finite() && y.is_finite())
            .fold(
                || {
                    [
                        f32::INFINITY,
                        f32::NEG_INFINITY,
                        f32::INFINITY,
                        f32::NEG_INFINITY,
                    ]
                },
                |b, (x, y)| [b[0].min(*x), b[1].max(*x), b[2].min(*y), b[3].max(*y)],
            )
            .reduce(
                || {
                    [
                        f32::INFINITY,
                        f32::NEG_INFINITY,
                        f32::INFINITY,
                        f32::NEG_INFINITY,
                    ]
                },
                |a, b| {
                    [
                        a[0].min(b[0]),
                        a[1].max(b[1]),
                        a[2].min(b[2]),
                        a[3].max(b[3]),
                    ]
                },
            );
        b[0].is_finite().then_some(b)
    }
}

/// The map columns of the file at `path`: those named by `given`, else
/// detected by name.
///
/// # Errors
/// No map columns, or a file that cannot be read.
pub fn source(
    path: &Path,
    opts: &LoadOptions,
    given: Option<MapColumns>,
) -> Result<MapColumns, MapError> {
    if let Some(g) = given {
        return Ok(g);
    }
    let names = crate::core::load::file_columns(path, opts.format)?;
    map_columns::detect(&names).ok_or_else(|| MapError::NoColumns {
        path: path.to_path_buf(),
    })
}

/// What polars said of a map column, as a load error naming the file.
fn parse_error(path: &Path, e: &polars::prelude::PolarsError) -> LoadError {
    LoadError::Parse {
        path: path.to_path_buf(),
        message: e.to_string(),
    }
}

/// Reads one frame's map columns as one `f64` vector per dimension.
/// `first` is the 0-based row of the frame's first row in the file; `dims`
/// the length of a list embedding (found on its first row).
fn block(
    path: &Path,
    df: &DataFrame,
    source: &MapColumns,
    first: u64,
    dims: &mut Option<usize>,
    strict: bool,
) -> Result<Vec<Vec<f64>>, MapError> {
    let numbers = |name: &str| -> Result<Vec<f64>, MapError> {
        let c = df.column(name).map_err(|e| parse_error(path, &e))?;
        if !(c.dtype().is_primitive_numeric() || c.dtype().is_bool() || c.dtype().is_decimal()) {
            return Err(MapError::NotNumeric {
                path: path.to_path_buf(),
                column: name.to_string(),
                dtype: c.dtype().to_string(),
            });
        }
        let cast = c
            .cast(&DataType::Float64)
            .map_err(|e| parse_error(path, &e))?;
        let ca = cast.f64().map_err(|e| parse_error(path, &e))?;
        let values: Vec<f64> = match ca.cont_slice() {
            Ok(whole) if ca.null_count() == 0 => whole.to_vec(),
            _ => ca.iter().map(|v| v.unwrap_or(f64::NAN)).collect(),
        };
        if strict && let Some(i) = values.iter().position(|v| !v.is_finite()) {
            return Err(MapError::BadValue {
                path: path.to_path_buf(),
                column: name.to_string(),
                row: first + i as u64 + 1,
                what: match ca.get(i) {
                    None => "no value".into(),
                    Some(v) if v.is_nan() => "NaN".into(),
                    Some(v) => format!("{v}"),
                },
            });
        }
        Ok(values)
    };
    match source {
        MapColumns::Coordinates { x, y } => Ok(vec![numbers(x)?, numbers(y)?]),
        MapColumns::Embedding(columns) => {
            use rayon::prelude::*;
            columns.par_iter().map(|c| numbers(c)).collect()
        }
        MapColumns::List(name) => list_block(path, df, name, first, dims),
    }
}

/// A list column's rows as one vector per dimension.
fn list_block(
    path: &Path,
    df: &DataFrame,
    name: &str,
    first: u64,
    dims: &mut Option<usize>,
) -> Result<Vec<Vec<f64>>, MapError> {
    let parse = |e: polars::prelude::PolarsError| parse_error(path, &e);
    let c = df.column(name).map_err(parse)?;
    let not_numeric = || MapError::NotNumeric {
        path: path.to_path_buf(),
        column: name.to_string(),
        dtype: c.dtype().to_string(),
    };
    let inner = match c.dtype() {
        DataType::List(inner) => inner.clone(),
        _ => return Err(not_numeric()),
    };
    if !inner.is_primitive_numeric() {
        return Err(not_numeric());
    }
    let cast = c
        .cast(&DataType::List(Box::new(DataType::Float64)))
        .map_err(parse)?;
    let ca = cast.list().map_err(parse)?;
    let mut out: Vec<Vec<f64>> =
        dims.map_or_else(Vec::new, |d| vec![Vec::with_capacity(ca.len()); d]);
    for (i, row) in ca.amortized_iter().enumerate() {
        let row_number = first + i as u64 + 1;
        let bad = |what: &str| MapError::BadValue {
            path: path.to_path_buf(),
            column: name.to_string(),
            row: row_number,
            what: what.to_string(),
        };
        let series = row.ok_or_else(|| bad("no value"))?;
        let values = series.as_ref().f64().map_err(parse)?;
        let expected = *dims.get_or_insert(values.len());
        if expected > MAX_DIMS {
            return Err(MapError::TooWide {
                path: path.to_path_buf(),
                dims: expected,
                max: MAX_DIMS,
            });
        }
        if out.is_empty() {
            out = vec![Vec::with_capacity(ca.len()); expected];
        }
        if values.len() != expected {
            return Err(MapError::ListLength {
                path: path.to_path_buf(),
                column: name.to_string(),
                row: row_number,
                len: values.len(),
                expected,
            });
        }
        for (d, v) in values.iter().enumerate() {
            match v {
                Some(v) if v.is_finite() => out[d].push(v),
                Some(v) if v.is_nan() => return Err(bad("NaN")),
                Some(v) => return Err(bad(&format!("{v}"))),
                None => return Err(bad("a missing number")),
            }
        }
    }
    Ok(out)
}

/// Every row's place, from `source` in the file at `path` (read as `opts`
/// says), with `method` for an embedding (only "pca"). `progress` gets the
/// share done (0 to 1).
///
/// # Errors
/// A file that cannot be read, a map column that is not numeric, an
/// embedding value that is missing or not finite, a cancelled read.
pub fn compute(
    path: &Path,
    opts: &LoadOptions,
    source: &MapColumns,
    method: &str,
    progress: &dyn Fn(f64),
) -> Result<Coords, MapError> {
    if method != "pca" {
        return Err(MapError::Method(method.to_string()));
    }
    let started = Instant::now();
    let columns = source.columns();
    if columns.len() > MAX_DIMS {
        return Err(MapError::TooWide {
            path: path.to_path_buf(),
            dims: columns.len(),
            max: MAX_DIMS,
        });
    }
    if let MapColumns::Coordinates { .. } = source {
        let (mut x, mut y) = (Vec::new(), Vec::new());
        read_blocks(path, opts, source, false, &mut |b, done, restart| {
            if restart {
                x.clear();
                y.clear();
            }
            #[allow(clippy::cast_possible_truncation)]
            {
                x.extend(b[0].iter().map(|v| *v as f32));
                y.extend(b[1].iter().map(|v| *v as f32));
            }
            progress(done);
            Ok(())
        })?;
        return Ok(Coords::from_columns(
            x,
            y,
            source.clone(),
            started.elapsed().as_secs_f64(),
        ));
    }
    // First pass: the moments. The blocks are kept for the second pass
    // while they fit in `KEEP_BYTES`; past it the file is read again.
    let mut moments: Option<Moments> = None;
    let mut kept: Option<Vec<Vec<Vec<f64>>>> = Some(Vec::new());
    let mut kept_bytes = 0usize;
    read_blocks(path, opts, source, true, &mut |b, done, restart| {
        if restart {
            moments = None;
            kept = Some(Vec::new());
            kept_bytes = 0;
        }
        let views: Vec<&[f64]> = b.iter().map(Vec::as_slice).collect();
        let m = Moments::of_columns(&views);
        moments
            .get_or_insert_with(|| Moments::new(m.dims()))
            .merge(&m);
        kept_bytes += b.iter().map(|c| c.len() * 8).sum::<usize>();
        if kept_bytes > KEEP_BYTES {
            kept = None;
        }
        if let Some(k) = &mut kept {
            k.push(b);
        }
        progress(done * 0.5);
        Ok(())
    })?;
    let moments = moments.unwrap_or_else(|| Moments::new(0));
    let fitted = Pca::fit(&moments);
    // Second pass: every row projected.
    let n = usize::try_from(moments.n).unwrap_or(usize::MAX);
    let (mut x, mut y) = (vec![0.0f32; n], vec![0.0f32; n]);
    let mut at = 0usize;
    let mut project = |b: &[Vec<f64>], at: &mut usize| -> Result<(), MapError> {
        let len = b.first().map_or(0, Vec::len);
        if *at + len > n {
            return Err(MapError::Rows {
                path: path.to_path_buf(),
                read: *at + len,
                expected: n,
            });
        }
        let views: Vec<&[f64]> = b.iter().map(Vec::as_slice).collect();
        fitted.project(&views, &mut x[*at..*at + len], &mut y[*at..*at + len]);
        *at += len;
        Ok(())
    };
    if let Some(blocks) = kept {
        for b in &blocks {
            project(b, &mut at)?;
        }
        progress(1.0);
    } else {
        read_blocks(path, opts, source, true, &mut |b, done, restart| {
            if restart {
                at = 0;
            }
            project(&b, &mut at)?;
            progress(0.5 + done * 0.5);
            Ok(())
        })?;
    }
    if at != n {
        return Err(MapError::Rows {
            path: path.to_path_buf(),
            read: at,
            expected: n,
        });
    }
    Ok(Coords {
        x,
        y,
        source: source.clone(),
        method: Method::Pca(fitted),
        unplaced: 0,
        seconds: started.elapsed().as_secs_f64(),
    })
}

/// Reads the map columns of the file batch by batch, in the load's row
/// order, handing each batch's values (one vector per dimension) to `each`
/// with the share read and whether reading started again from the first
/// row. `strict`: a missing or non-finite value is an error (embeddings),
/// else it is NaN (coordinates). Stops when the load's cancel flag is set.
fn read_blocks(
    path: &Path,
    opts: &LoadOptions,
    source: &MapColumns,
    strict: bool,
    each: &mut dyn FnMut(Vec<Vec<f64>>, f64, bool) -> Result<(), MapError>,
) -> Result<(), MapError> {
    let cancelled = || {
        opts.controls
            .cancel
            .as_ref()
            .is_some_and(|c| c.load(std::sync::atomic::Ordering::Relaxed))
    };
    let stop = || LoadError::Cancelled {
        path: path.to_path_buf(),
    };
    let (mut rows, mut dims, mut failed) = (0u64, None, None);
    // The reader's callback can only fail with a `LoadError`: a map error
    // is kept aside and the read stopped.
    let read =
        crate::core::load::read_columns(path, opts, &source.columns(), &mut |df, done, restart| {
            if restart {
                rows = 0;
            }
            if cancelled() {
                return Err(stop());
            }
            let outcome = block(path, &df, source, rows, &mut dims, strict).and_then(|b| {
                rows += b.first().map_or(0, Vec::len) as u64;
                each(b, done, restart)
            });
            outcome.map_err(|e| {
                failed = Some(e);
                stop()
            })
        });
    match (read, failed) {
        (_, Some(e)) => Err(e),
        (Err(e), None) => Err(MapError::Load(e)),
        (Ok(()), None) if cancelled() => Err(MapError::Load(stop())),
        (Ok(()), None) => Ok(()),
    }
}

/// [`compute`] for a loaded dataset, checked to hold its rows.
///
/// # Errors
/// As [`compute`], and a row count other than the dataset's.
pub fn compute_for(
    ds: &crate::core::dataset::Dataset,
    opts: &LoadOptions,
    given: Option<MapColumns>,
    progress: &dyn Fn(f64),
) -> Result<Coords, MapError> {
    let path = &ds.source.path;
    let source = source(path, opts, given)?;
    let coords = compute(path, opts, &source, "pca", progress)?;
    if coords.len() != ds.rows() {
        return Err(MapError::Rows {
            path: path.clone(),
            read: coords.len(),
            expected: ds.rows(),
        });
    }
    Ok(coords)
}
