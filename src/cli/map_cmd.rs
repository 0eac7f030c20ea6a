//! `slicewise map` (each row's place on the map, for other tools) and
//! `slicewise explain` (the slices that describe a set of rows).

// Doc comments here are the `--help` text, where backticks would show.
#![allow(clippy::doc_markdown)]

use std::path::{Path, PathBuf};

use clap::Args;

use super::discover::{SearchArgs, search_failure};
use super::{ColumnArgs, EXIT_DATA, EXIT_USAGE, Failure, check_output, data_err, session_inputs};
use crate::core::dataset::{Bitmap, Dataset};
use crate::core::load::{self, MapColumns};
use crate::core::map::{self, Coords, Method};

/// Where the map's coordinates come from, as flags.
#[derive(Debug, Args)]
pub struct MapSourceArgs {
    /// Horizontal coordinate column (with --y): used as it is.
    #[arg(long, value_name = "COL", requires = "y")]
    pub x: Option<String>,
    /// Vertical coordinate column (with --x).
    #[arg(long, value_name = "COL", requires = "x")]
    pub y: Option<String>,
    /// The prefix of embedding columns (emb_0 … emb_k are found without it).
    #[arg(long, value_name = "PREFIX", conflicts_with_all = ["x", "embedding_column"])]
    pub embedding_prefix: Option<String>,
    /// A column holding each row's embedding as a list of numbers.
    #[arg(long, value_name = "COL", conflicts_with = "x")]
    pub embedding_column: Option<String>,
}

impl MapSourceArgs {
    /// The map columns named by the flags, checked against the file.
    fn given(&self, data: &Path, opts: &load::LoadOptions) -> Result<Option<MapColumns>, Failure> {
        if self.x.is_none() && self.embedding_prefix.is_none() && self.embedding_column.is_none() {
            return Ok(None);
        }
        let names = load::file_columns(data, opts.format).map_err(data_err)?;
        let find = |flag: &str, name: &str| -> Result<String, Failure> {
            names
                .iter()
                .find(|c| *c == name)
                .or_else(|| names.iter().find(|c| c.eq_ignore_ascii_case(name)))
                .cloned()
                .ok_or_else(|| Failure {
                    code: EXIT_USAGE,
                    error: anyhow::anyhow!(
                        "{flag} {name}: no such column in {}; its columns are {}",
                        data.display(),
                        names.join(", ")
                    ),
                })
        };
        if let (Some(x), Some(y)) = (&self.x, &self.y) {
            return Ok(Some(MapColumns::Coordinates {
                x: find("--x", x)?,
                y: find("--y", y)?,
            }));
        }
        if let Some(c) = &self.embedding_column {
            return Ok(Some(MapColumns::List(find("--embedding-column", c)?)));
        }
        let prefix = self.embedding_prefix.as_deref().unwrap_or_default();
        load::map_columns::embedding_columns(&names, prefix)
            .map(|c| Some(MapColumns::Embedding(c)))
            .ok_or_else(|| Failure {
                code: EXIT_USAGE,
                error: anyhow::anyhow!(
                    "--embedding-prefix {prefix}: {} has fewer than two columns named {prefix}<number>",
                    data.display()
                ),
            })
    }
}

/// Arguments of `map`.
#[derive(Debug, Args)]
pub struct MapArgs {
    /// The predictions file.
    pub data: PathBuf,
    /// How an embedding is brought to two dimensions: pca (exact, every row).
    #[arg(long, default_value = "pca", value_name = "METHOD")]
    pub method: String,
    /// Where the coordinates come from.
    #[command(flatten)]
    pub source: MapSourceArgs,
    /// The file to write `id, x, y` to (.parquet or .csv).
    #[arg(long, value_name = "FILE")]
    pub out: PathBuf,
    /// Column roles and format.
    #[command(flatten)]
    pub columns: ColumnArgs,
}

/// Computes the map of `data` with a progress bar.
fn compute(
    data: &Path,
    columns: &ColumnArgs,
    source: &MapSourceArgs,
    method: &str,
) -> Result<Coords, Failure> {
    let opts = columns.load_options();
    let given = source.given(data, &opts)?;
    let source = map::source(data, &opts, given).map_err(data_err)?;
    let done = std::sync::Arc::new(std::sync::atomic::AtomicU64::new(0));
    let bar = super::Progress::count("mapping", "%", done.clone(), 100);
    #[allow(clippy::cast_possible_truncation, clippy::cast_sign_loss)]
    let coords = map::compute(data, &opts, &source, method, &|share| {
        done.store((share * 100.0) as u64, std::sync::atomic::Ordering::Relaxed);
    });
    drop(bar);
    coords.map_err(|e| match e {
        map::MapError::Method(_) => Failure {
            code: EXIT_USAGE,
            error: e.into(),
        },
        other => data_err(other),
    })
}

/// The id column of `data` as the file holds it (its name and values), or
/// `None` without one: only that column is read.
fn read_id_column(
    data: &Path,
    columns: &ColumnArgs,
) -> Result<Option<polars::prelude::Series>, Failure> {
    let opts = columns.load_options();
    let names = load::file_columns(data, opts.format).map_err(data_err)?;
    let roles = load::detect_roles(data, &names, &opts).map_err(data_err)?;
    let Some(id) = roles.id else {
        return Ok(None);
    };
    let parse = |e: polars::prelude::PolarsError| crate::core::error::LoadError::Parse {
        path: data.to_path_buf(),
        message: e.to_string(),
    };
    let mut out: Option<polars::prelude::Series> = None;
    load::read_columns(
        data,
        &opts,
        std::slice::from_ref(&id),
        &mut |df, _, restart| {
            if restart {
                out = None;
            }
            let part = df
                .column(&id)
                .map_err(parse)?
                .as_materialized_series()
                .clone();
            match &mut out {
                None => out = Some(part),
                Some(s) => {
                    s.append(&part).map_err(parse)?;
                }
            }
            Ok(())
        },
    )
    .map_err(data_err)?;
    Ok(out.map(|s| s.with_name(id.trim_start_matches('\u{feff}').into())))
}

pub(super) fn run_map(args: &MapArgs) -> Result<(), Failure> {
    let ext = args
        .out
        .extension()
        .and_then(|e| e.to_str())
        .map(str::to_ascii_lowercase);
    if !matches!(ext.as_deref(), Some("parquet" | "csv")) {
        return Err(Failure {
            code: EXIT_USAGE,
            error: anyhow::anyhow!(
                "--out {}: write the coordinates to a .parquet or .csv file",
                args.out.display()
            ),
        });
    }
    check_output(Some(&args.out), &[&args.data])?;
    let coords = compute(&args.data, &args.columns, &args.source, &args.method)?;
    let ids = read_id_column(&args.data, &args.columns)?;
    if let Some(ids) = &ids
        && ids.len() != coords.len()
    {
        return Err(data_err(map::MapError::Rows {
            path: args.data.clone(),
            read: coords.len(),
            expected: ids.len(),
        }));
    }
    let frame = frame(ids, &coords).map_err(|e| Failure {
        code: super::EXIT_OUTPUT,
        error: anyhow::anyhow!("cannot encode the coordinates: {e}"),
    })?;
    write_frame(&args.out, frame).map_err(|e| Failure {
        code: super::EXIT_OUTPUT,
        error: anyhow::anyhow!("cannot write {}: {e}", args.out.display()),
    })?;
    let variance = match &coords.method {
        Method::Pca(p) => format!(
            "; PC1 holds {} of the variance, PC2 {}",
            crate::core::format::pct(Some(p.variance_ratio[0]), 1),
            crate::core::format::pct(Some(p.variance_ratio[1]), 1)
        ),
        Method::Columns => String::new(),
    };
    say!(
        "{} rows: {}{variance}; written to {} in {:.2} s{}",
        crate::core::format::count(coords.len() as u64),
        coords.describe(),
        args.out.display(),
        coords.seconds,
        if coords.unplaced > 0 {
            format!(
                " ({} rows without coordinates are left empty)",
                crate::core::format::count(coords.unplaced as u64)
            )
        } else {
            String::new()
        }
    );
    Ok(())
}

/// `id, x, y` as a frame: the file's id column as it is, else row numbers
/// from 1 as `id`.
fn frame(
    ids: Option<polars::prelude::Series>,
    coords: &Coords,
) -> Result<polars::prelude::DataFrame, polars::prelude::PolarsError> {
    use polars::prelude::{Column, DataFrame, NamedFrom, Series};
    let n = coords.len();
    let id = ids.unwrap_or_else(|| Series::new("id".into(), (1..=n as u64).collect::<Vec<u64>>()));
    let coordinate = |name: &str, v: &[f32]| {
        Column::from(Series::new(
            name.into(),
            v.iter()
                .map(|x| x.is_finite().then_some(*x))
                .collect::<Vec<Option<f32>>>(),
        ))
    };
    DataFrame::new(
        n,
        vec![
            Column::from(id),
            coordinate("x", &coords.x),
            coordinate("y", &coords.y),
        ],
    )
}

/// Writes `frame` as Parquet or CSV (by the extension), through a temporary
/// file and a rename.
fn write_frame(path: &Path, mut frame: polars::prelude::DataFrame) -> anyhow::Result<()> {
    use polars::prelude::{CsvWriter, ParquetWriter, SerWriter};
    let mut bytes = Vec::new();
    if load::InputFormat::from_path(path) == Some(load::InputFormat::Csv) {
        CsvWriter::new(&mut bytes).finish(&mut frame)?;
    } else {
        ParquetWriter::new(&mut bytes).finish(&mut frame)?;
    }
    crate::core::files::write(path, &bytes, false)?;
    Ok(())
}

/// Arguments of `explain`: the search over every slice column and, up to
/// 50 classes, the true and predicted class (or only the --columns named).
#[derive(Debug, Args)]
pub struct ExplainArgs {
    /// The predictions file.
    pub data: PathBuf,
    /// The selected rows' ids: one a line, or a CSV/Parquet file with an
    /// `id` column (as `slicewise map` writes, or the app's selection).
    #[arg(long, value_name = "FILE")]
    pub selection: PathBuf,
    /// The search.
    #[command(flatten)]
    pub search: SearchArgs,
    /// Output format, file and width.
    #[command(flatten)]
    pub output: super::OutputArgs,
    /// Column roles and format.
    #[command(flatten)]
    pub columns: ColumnArgs,
}

/// The ids listed in `path`: a CSV or Parquet file's `id` column (or its
/// first column), else one id a line.
fn read_ids(path: &Path) -> Result<Vec<String>, Failure> {
    let fail = |why: String| Failure {
        code: EXIT_USAGE,
        error: anyhow::anyhow!("--selection {}: {why}", path.display()),
    };
    let table = matches!(
        load::InputFormat::from_path(path),
        Some(load::InputFormat::Parquet | load::InputFormat::Csv)
    );
    if table {
        let preview = load::preview(path, None).map_err(|e| fail(e.to_string()))?;
        let names: Vec<String> = preview.columns.into_iter().map(|(n, _)| n).collect();
        let column = names
            .iter()
            .find(|c| {
                load::names::ID.contains(
                    &c.trim_start_matches('\u{feff}')
                        .to_ascii_lowercase()
                        .as_str(),
                )
            })
            .or_else(|| names.first())
            .cloned()
            .ok_or_else(|| fail("it has no columns".into()))?;
        let mut ids = Vec::new();
        load::read_columns(
            path,
            &load::LoadOptions::default(),
            std::slice::from_ref(&column),
            &mut |df, _, restart| {
                if restart {
                    ids.clear();
                }
                let c = df
                    .column(&column)
                    .map_err(|e| crate::core::error::LoadError::Parse {
                        path: path.to_path_buf(),
                        message: e.to_string(),
                    })?;
                for i in 0..c.len() {
                    let v = c.get(i).map_err(|e| crate::core::error::LoadError::Parse {
                        path: path.to_path_buf(),
                        message: e.to_string(),
                    })?;
                    ids.push(v.str_value().into_owned());
                }
                Ok(())
            },
        )
        .or_else(|_| read_lines(path, &mut ids))
        .map_err(|e| fail(e.to_string()))?;
        return Ok(ids);
    }
    let mut ids = Vec::new();
    read_lines(path, &mut ids).map_err(|e| fail(e.to_string()))?;
    Ok(ids)
}

/// One id a line (blank lines skipped).
fn read_lines(path: &Path, ids: &mut Vec<String>) -> Result<(), crate::core::error::LoadError> {
    let text = std::fs::read_to_string(path).map_err(|e| crate::core::error::LoadError::Parse {
        path: path.to_path_buf(),
        message: e.to_string(),
    })?;
    ids.clear();
    ids.extend(
        text.lines()
            .map(str::trim)
            .filter(|l| !l.is_empty())
            .map(String::from),
    );
    Ok(())
}

/// The rows whose ids are listed; an id that is no row's is an error that
/// names it.
fn selection_rows(ds: &Dataset, ids: &[String], path: &Path) -> Result<Bitmap, Failure> {
    let wanted: rustc_hash::FxHashMap<&str, usize> = ids
        .iter()
        .enumerate()
        .map(|(i, id)| (id.as_str(), i))
        .collect();
    let mut found = vec![false; ids.len()];
    let mut rows = Bitmap::new(ds.rows());
    for r in 0..ds.rows() {
        if let Some(&i) = wanted.get(ds.ids.key(r).as_ref()) {
            rows.set(r, true);
            found[i] = true;
        }
    }
    let missing: Vec<&str> = ids
        .iter()
        .zip(&found)
        .filter(|(_, f)| !**f)
        .map(|(id, _)| id.as_str())
        .collect();
    if !missing.is_empty() {
        return Err(Failure {
            code: EXIT_DATA,
            error: anyhow::anyhow!(
                "--selection {}: {} ids are no row's id in the data (first: {}); list ids of the data's id column{}",
                path.display(),
                missing.len(),
                missing
                    .iter()
                    .take(5)
                    .map(|m| format!("'{m}'"))
                    .collect::<Vec<_>>()
                    .join(", "),
                ds.roles.id.as_deref().map_or_else(
                    || " (it has none: use row numbers from 1)".to_string(),
                    |c| format!(" '{c}'")
                )
            ),
        });
    }
    Ok(rows)
}

pub(super) fn run_explain(args: &ExplainArgs) -> Result<(), Failure> {
    let opts = args.search.options()?;
    let session = session_inputs(&args.data, args.search.session.as_deref());
    check_output(
        args.output.out.as_deref(),
        &[&args.data, &session, &args.selection],
    )?;
    let ids = read_ids(&args.selection)?;
    let (ds, state, mut feats) = args.search.open(&args.data, &args.columns)?;
    // Without --columns, the classes too, as the app's Map view searches.
    if args.search.search.is_empty() {
        feats.extend(crate::core::discover::class_features(&ds));
    }
    let rows = selection_rows(&ds, &ids, &args.selection)?;
    let mut explained =
        crate::core::discover::explain(&ds, Some(&state), &feats, &rows, &opts, None)
            .map_err(search_failure)?;
    explained.discovery.parameters = args.search.parameters(ds.rows(), "selected");
    args.output.write(&explained)
}
