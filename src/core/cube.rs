//! Count cubes and review samples, for tables too large for one machine.
//!
//! Every count-based number Slicewise reports depends only on how many
//! examples fall in each (true label, prediction, slice values,
//! score bin) cell, and, with human labels, how many of those have one and
//! agree with the true label. A cube is that table of cells with a count column `n`;
//! read with `--weight n` (detected by name), its report equals the report on
//! the raw rows. Any SQL engine can build it ([`cube_sql`] prints the query
//! per dialect), or Slicewise from a file ([`build`]).
//!
//! A cube has no examples to review, so [`sample_sql`] prints a query that
//! draws a stratified random sample (N errors and N correct examples per
//! stratum) and writes each stratum's size beside it: the sample's
//! `sample_weight` column is the inverse sampling fraction, and Slicewise's
//! tag statistics on the sample estimate the full table.

use std::fmt::Write as _;

use rayon::prelude::*;
use rustc_hash::FxHashMap;

use super::dataset::{Dataset, HUMAN_COUNT_COLUMNS, MISSING};
use super::stats::Count;

pub use super::load::{BOOKKEEPING, COUNT_COLUMN, SAMPLE_WEIGHT_COLUMN};
/// Default number of score bins.
pub const DEFAULT_SCORE_BINS: usize = 100;
/// Most score bins accepted.
pub const MAX_SCORE_BINS: usize = 100_000;

/// A SQL dialect: how it quotes identifiers and names types.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Dialect {
    /// Apache Spark SQL (`spark-sql`, `spark.sql(...)`, Databricks).
    Spark,
    /// `DuckDB`.
    Duckdb,
    /// `PostgreSQL` (and engines that follow it).
    Postgres,
    /// Google `BigQuery` standard SQL.
    Bigquery,
}

impl std::str::FromStr for Dialect {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s.to_ascii_lowercase().as_str() {
            "spark" | "sparksql" | "databricks" => Ok(Self::Spark),
            "duckdb" => Ok(Self::Duckdb),
            "postgres" | "postgresql" => Ok(Self::Postgres),
            "bigquery" | "bq" => Ok(Self::Bigquery),
            other => Err(format!(
                "unknown SQL dialect '{other}': use spark, duckdb, postgres or bigquery"
            )),
        }
    }
}

impl Dialect {
    /// An identifier quoted by this dialect's own rules: Spark doubles a
    /// backtick inside backticks, `BigQuery` escapes it (and a backslash)
    /// with a backslash as in its string literals, `DuckDB` and `PostgreSQL`
    /// double a double quote inside double quotes. Names holding control
    /// characters are refused before quoting ([`check_identifier`]).
    #[must_use]
    pub fn quote(self, name: &str) -> String {
        match self {
            Self::Spark => format!("`{}`", name.replace('`', "``")),
            Self::Bigquery => format!("`{}`", name.replace('\\', "\\\\").replace('`', "\\`")),
            Self::Duckdb | Self::Postgres => format!("\"{}\"", name.replace('"', "\"\"")),
        }
    }

    /// A table name quoted for this dialect: each dot-separated part, or the
    /// whole path in `BigQuery` (`project.dataset.table`).
    #[must_use]
    pub fn quote_table(self, name: &str) -> String {
        match self {
            Self::Bigquery => self.quote(name),
            _ => name
                .split('.')
                .map(|part| self.quote(part))
                .collect::<Vec<_>>()
                .join("."),
        }
    }

    fn text_type(self) -> &'static str {
        match self {
            Self::Spark | Self::Bigquery => "STRING",
            Self::Duckdb => "VARCHAR",
            Self::Postgres => "TEXT",
        }
    }

    fn float_type(self) -> &'static str {
        match self {
            Self::Spark | Self::Duckdb => "DOUBLE",
            Self::Postgres => "DOUBLE PRECISION",
            Self::Bigquery => "FLOAT64",
        }
    }

    fn random(self, seed: u64) -> String {
        match self {
            // Spark's rand takes a seed; the others are seeded per session.
            Self::Spark => format!("rand({seed})"),
            Self::Duckdb | Self::Postgres => "random()".to_string(),
            Self::Bigquery => "RAND()".to_string(),
        }
    }
}

/// How scores are binned in a cube: `bins` equal bins over `[low, high]`,
/// each score replaced by its bin's midpoint (scores outside go to the edge
/// bins).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct ScoreBins {
    /// Number of bins.
    pub bins: usize,
    /// Lower end of the range.
    pub low: f64,
    /// Upper end of the range.
    pub high: f64,
}

impl ScoreBins {
    /// The midpoint of the bin `score` falls in; NaN stays NaN. The same
    /// arithmetic, in the same order, as the SQL of [`cube_sql`].
    #[must_use]
    #[allow(clippy::cast_precision_loss)]
    pub fn midpoint(&self, score: f64) -> f64 {
        if score.is_nan() {
            return f64::NAN;
        }
        let n = self.bins as f64;
        let width = self.high - self.low;
        let bin = ((score - self.low) / width * n)
            .floor()
            .max(0.0)
            .min(n - 1.0);
        self.low + (bin + 0.5) * width / n
    }

    /// Checks the bins make sense.
    ///
    /// # Errors
    /// Zero or too many bins, or an empty or reversed range.
    pub fn check(&self) -> Result<(), CubeError> {
        if self.bins == 0 || self.bins > MAX_SCORE_BINS {
            return Err(CubeError::ScoreBins(self.bins));
        }
        if !(self.low.is_finite() && self.high.is_finite() && self.low < self.high) {
            return Err(CubeError::ScoreRange(self.low, self.high));
        }
        Ok(())
    }
}

/// Why a cube, its query or its file cannot be made.
#[derive(Debug, thiserror::Error)]
pub enum CubeError {
    /// Zero or too many score bins.
    #[error("--score-bins {0} is outside 1..={MAX_SCORE_BINS}")]
    ScoreBins(usize),
    /// An empty or reversed score range.
    #[error(
        "--score-range {0},{1} is not a range: give LOW,HIGH with LOW < HIGH (0,1 for probabilities)"
    )]
    ScoreRange(f64, f64),
    /// A name holding a control character.
    #[error(
        "{what} \"{name}\" holds a control character ({character}); a query cannot name it safely. Rename the column (or table) in a view first"
    )]
    ControlCharacter {
        /// "--table" or "column".
        what: &'static str,
        /// The name, escaped.
        name: String,
        /// The character, as a Unicode escape.
        character: String,
    },
    /// No table named.
    #[error("--table names no table")]
    NoTable,
    /// An empty column name.
    #[error("a column name is empty")]
    EmptyColumn,
    /// A column named twice.
    #[error("column '{0}' is named twice")]
    Twice(String),
    /// A column named like a column the cube adds.
    #[error(
        "column '{0}' has the name of the count column Slicewise adds; rename it in a view first"
    )]
    Reserved(String),
    /// A sample of nothing.
    #[error(
        "--sample-sql 0 draws nothing: give how many errors and correct examples to draw per stratum"
    )]
    EmptySample,
    /// A name that is no slice column.
    #[error(transparent)]
    NoSuchColumn(#[from] super::dataset::NoSuchColumn),
    /// The cube could not be encoded as a table.
    #[error("cannot encode the cube: {0}")]
    Encode(String),
    /// The cube's file could not be written.
    #[error("cannot write the cube ({source}): {}", path.display())]
    Write {
        /// The file.
        path: std::path::PathBuf,
        /// The OS error.
        source: std::io::Error,
    },
}

/// What a cube or sample query reads.
#[derive(Debug, Clone, PartialEq)]
pub struct CubeSpec {
    /// The table (or view) name, as the engine knows it.
    pub table: String,
    /// True-label column.
    pub label: String,
    /// Prediction column.
    pub pred: String,
    /// Slice columns.
    pub by: Vec<String>,
    /// Score column and its bins.
    pub score: Option<(String, ScoreBins)>,
    /// Human-label column.
    pub human: Option<String>,
}

/// Refuses a name a query cannot carry safely: one holding a control
/// character (a line break, carriage return, NUL or any other C0 or C1
/// code), which could end a comment or a line that a script strips, and
/// which no engine's table would sensibly have.
///
/// # Errors
/// Naming the flag, the name (escaped) and the character.
pub fn check_identifier(what: &'static str, name: &str) -> Result<(), CubeError> {
    match name.chars().find(|c| c.is_control()) {
        Some(c) => Err(CubeError::ControlCharacter {
            what,
            name: name.escape_debug().to_string(),
            character: c.escape_unicode().to_string(),
        }),
        None => Ok(()),
    }
}

impl CubeSpec {
    /// Checks the names: no control characters, none empty, none used
    /// twice, none named like the count column.
    ///
    /// # Errors
    /// With what to change.
    pub fn check(&self) -> Result<(), CubeError> {
        if self.table.trim().is_empty() {
            return Err(CubeError::NoTable);
        }
        check_identifier("--table", &self.table)?;
        let mut seen: Vec<&str> = Vec::new();
        for c in self.columns() {
            check_identifier("column", c)?;
            if c.trim().is_empty() {
                return Err(CubeError::EmptyColumn);
            }
            if seen.iter().any(|s| s.eq_ignore_ascii_case(c)) {
                return Err(CubeError::Twice(c.to_string()));
            }
            if [
                COUNT_COLUMN,
                SAMPLE_WEIGHT_COLUMN,
                HUMAN_COUNT_COLUMNS.0,
                HUMAN_COUNT_COLUMNS.1,
                super::sample::STRATUM_COLUMN,
                "stratum_rows",
                "stratum_sampled",
            ]
            .iter()
            .any(|r| r.eq_ignore_ascii_case(c))
            {
                return Err(CubeError::Reserved(c.to_string()));
            }
            seen.push(c);
        }
        if let Some((_, bins)) = &self.score {
            bins.check()?;
        }
        Ok(())
    }

    fn columns(&self) -> impl Iterator<Item = &str> {
        [self.label.as_str(), self.pred.as_str()]
            .into_iter()
            .chain(self.by.iter().map(String::as_str))
            .chain(self.score.as_ref().map(|(s, _)| s.as_str()))
            .chain(self.human.as_deref())
    }

    /// The select list: label, prediction, slice columns (text, NULL as
    /// `(missing)`), human label, binned score.
    fn select_list(&self, d: Dialect) -> Vec<String> {
        let mut out = vec![d.quote(&self.label), d.quote(&self.pred)];
        for c in &self.by {
            let q = d.quote(c);
            out.push(format!(
                "COALESCE(CAST({q} AS {}), '{MISSING}') AS {q}",
                d.text_type()
            ));
        }
        if let Some((s, b)) = &self.score {
            let q = d.quote(s);
            let f = d.float_type();
            let lit = |v: f64| format!("CAST({v:?} AS {f})");
            #[allow(clippy::cast_precision_loss)]
            let (lo, hi, n, half, one) = (
                lit(b.low),
                lit(b.high),
                lit(b.bins as f64),
                lit(0.5),
                lit(1.0),
            );
            // As ScoreBins::midpoint: bin = clamp(floor((s - lo) / (hi - lo) * n), 0, n - 1).
            out.push(format!(
                "CASE WHEN {q} IS NULL THEN NULL ELSE {lo} + (LEAST(GREATEST(FLOOR((CAST({q} AS {f}) - {lo}) / ({hi} - {lo}) * {n}), {lit0}), {n} - {one}) + {half}) * ({hi} - {lo}) / {n} END AS {q}",
                lit0 = lit(0.0)
            ));
        }
        out
    }
}

/// The GROUP BY query that builds the cube of `spec` in `dialect`, as one
/// statement with no comment and no closing semicolon, so a script can put
/// it inside another (`COPY (...) TO`, `INSERT ... SELECT`) as it is: the
/// grouping columns and a count column `n`, and with a human-label column
/// the examples with a human label (`human_n`) and those whose human label
/// equals the true label (`human_agree`). NULL slice values become
/// `(missing)`; a NULL score stays NULL (a group of its own).
///
/// # Errors
/// When the spec does not check ([`CubeSpec::check`]).
pub fn cube_sql(spec: &CubeSpec, d: Dialect) -> Result<String, CubeError> {
    spec.check()?;
    let select = spec.select_list(d);
    let positions: Vec<String> = (1..=select.len()).map(|i| i.to_string()).collect();
    let mut sql = String::new();
    // Spark writes one file per partition: a cube is small, so one.
    let _ = writeln!(
        sql,
        "SELECT{}",
        if d == Dialect::Spark {
            " /*+ COALESCE(1) */"
        } else {
            ""
        }
    );
    for s in &select {
        let _ = writeln!(sql, "  {s},");
    }
    if let Some(h) = &spec.human {
        let (h, label) = (d.quote(h), d.quote(&spec.label));
        let (n_name, agree_name) = HUMAN_COUNT_COLUMNS;
        let _ = writeln!(
            sql,
            "  SUM(CASE WHEN {h} IS NULL THEN 0 ELSE 1 END) AS {},",
            d.quote(n_name)
        );
        let _ = writeln!(
            sql,
            "  SUM(CASE WHEN {h} = {label} THEN 1 ELSE 0 END) AS {},",
            d.quote(agree_name)
        );
    }
    let _ = writeln!(sql, "  COUNT(*) AS {}", d.quote(COUNT_COLUMN));
    let _ = writeln!(sql, "FROM {}", d.quote_table(&spec.table));
    let _ = writeln!(sql, "GROUP BY {}", positions.join(", "));
    let _ = write!(sql, "ORDER BY {}", positions.join(", "));
    Ok(sql)
}

/// The query that draws a stratified random sample of `per_stratum` errors
/// and as many correct examples in every stratum (the slice columns' value
/// combinations; the whole table without slice columns), with the stratum
/// sizes as columns, `sample_stratum` naming the stratum and
/// `sample_weight` = stratum rows / sampled rows.
///
/// # Errors
/// When the spec does not check, or `per_stratum` is 0.
pub fn sample_sql(
    spec: &CubeSpec,
    d: Dialect,
    per_stratum: u64,
    seed: u64,
) -> Result<String, CubeError> {
    spec.check()?;
    if per_stratum == 0 {
        return Err(CubeError::EmptySample);
    }
    let (label, pred) = (d.quote(&spec.label), d.quote(&spec.pred));
    let outcome = format!("CASE WHEN {label} = {pred} THEN 'correct' ELSE 'error' END");
    let mut strata = vec![outcome];
    strata.extend(spec.by.iter().map(|c| {
        format!(
            "COALESCE(CAST({} AS {}), '{MISSING}')",
            d.quote(c),
            d.text_type()
        )
    }));
    let partition = strata.join(", ");
    let stratum = if strata.len() == 1 {
        strata[0].clone()
    } else {
        format!("CONCAT({})", strata.join(", '|', "))
    };
    let f = d.float_type();
    let mut sql = String::new();
    if matches!(d, Dialect::Duckdb | Dialect::Postgres) {
        let _ = writeln!(sql, "SELECT setseed({});", seed_fraction(seed));
    }
    // Leave out the rank where the dialect can (Spark and Postgres keep it).
    let _ = writeln!(
        sql,
        "SELECT *{} FROM (",
        match d {
            Dialect::Duckdb => " EXCLUDE (slicewise_random, slicewise_rank)",
            Dialect::Bigquery => " EXCEPT (slicewise_random, slicewise_rank)",
            Dialect::Spark | Dialect::Postgres => "",
        }
    );
    let _ = writeln!(sql, "  SELECT *,");
    let _ = writeln!(
        sql,
        "    ROW_NUMBER() OVER (PARTITION BY {partition} ORDER BY slicewise_random) AS slicewise_rank,"
    );
    let _ = writeln!(
        sql,
        "    {stratum} AS {},",
        d.quote(super::sample::STRATUM_COLUMN)
    );
    let _ = writeln!(
        sql,
        "    COUNT(*) OVER (PARTITION BY {partition}) AS stratum_rows,"
    );
    let _ = writeln!(
        sql,
        "    LEAST(COUNT(*) OVER (PARTITION BY {partition}), {per_stratum}) AS stratum_sampled,"
    );
    let _ = writeln!(
        sql,
        "    CAST(COUNT(*) OVER (PARTITION BY {partition}) AS {f}) / LEAST(COUNT(*) OVER (PARTITION BY {partition}), {per_stratum}) AS {}",
        d.quote(SAMPLE_WEIGHT_COLUMN)
    );
    // The random order is drawn in a subquery: DuckDB refuses a volatile
    // ORDER BY inside a window.
    let _ = writeln!(
        sql,
        "  FROM (SELECT *, {} AS slicewise_random FROM {}) AS slicewise_shuffled",
        d.random(seed),
        d.quote_table(&spec.table)
    );
    let _ = writeln!(sql, ") AS slicewise_ranked");
    let _ = write!(sql, "WHERE slicewise_rank <= {per_stratum}");
    Ok(sql)
}

/// `setseed` takes a number in [-1, 1].
#[allow(clippy::cast_precision_loss)]
fn seed_fraction(seed: u64) -> String {
    format!("{}", (seed % 1_000_000) as f64 / 1_000_000.0)
}

/// A cube built locally: one row per non-empty cell.
#[derive(Debug, Clone, PartialEq)]
pub struct Cube {
    /// Column names: label, prediction, slice columns, score, `n`.
    pub names: Vec<String>,
    /// The text columns (label, prediction, slices): each column's values,
    /// and per row its value's place among them (a place past them is NULL).
    pub text: Vec<(Vec<String>, Vec<u32>)>,
    /// The binned score per row (NaN = NULL), when scores are binned.
    pub score: Option<Vec<f64>>,
    /// Per row, the examples with a human label and those that agree with
    /// the true label, when the data has human labels.
    pub human: Option<Vec<(f64, f64)>>,
    /// The count (sum of weights) per row.
    pub count: Vec<Count>,
}

/// A cell of a cube being built: its count, and its examples with a human
/// label and agreeing with the true label.
type Cell = (Count, f64, f64);

/// A cube's cells by key, as they are counted.
type Cells = FxHashMap<Box<[u64]>, Cell>;

/// Adds `more` to the cell `c`.
fn add_cell(c: &mut Cell, (unit, labelled, agree): Cell) {
    c.0 += unit;
    c.1 += labelled;
    c.2 += agree;
}

/// Adds `cell` to the cell of `key`, new or not.
fn add_to(cells: &mut Cells, key: &[u64], cell: Cell) {
    if let Some(c) = cells.get_mut(key) {
        add_cell(c, cell);
    } else {
        cells.insert(key.into(), cell);
    }
}

/// What one part's cells may take, for [`crate::core::stats::fold_ranges`]:
/// at most four parts, as a part holds up to every cell of the cube.
const CELLS_BYTES: usize = 64 << 20;

/// Builds the cube of a loaded dataset: its slice columns `by` (their
/// groups: numeric columns with many values as their quantile bins), the
/// score in `bins` when given, and the human agreement counts when it has
/// human labels.
///
/// # Errors
/// A name that is no slice column.
#[allow(clippy::cast_possible_truncation, clippy::cast_sign_loss)]
pub fn build(ds: &Dataset, by: &[String], bins: Option<ScoreBins>) -> Result<Cube, CubeError> {
    let columns = by
        .iter()
        .map(|name| ds.column_for(name, "to group by"))
        .collect::<Result<Vec<_>, _>>()?;
    let score = bins.and_then(|b| ds.score.as_ref().map(|s| (s, b)));
    let width = 2 + columns.len() + usize::from(score.is_some());
    // Per cell: its count, and its examples with a human label and
    // agreeing; the rows counted in parts on all cores (the parts depend on
    // the rows only), each part's cells kept apart.
    let parts: Vec<Cells> = crate::core::stats::fold_ranges(
        ds.rows(),
        CELLS_BYTES,
        || vec![Cells::default()],
        |parts, range| {
            let cells = &mut parts[0];
            let mut key = vec![0u64; width];
            for row in range {
                key[0] = u64::from(ds.label[row]);
                key[1] = u64::from(ds.pred[row]);
                let mut k = 2;
                for c in &columns {
                    key[k] = u64::from(c.groups().codes.get(row));
                    k += 1;
                }
                if let Some((s, b)) = &score {
                    key[k] = b.midpoint(s[row]).to_bits();
                }
                let unit = ds.unit(row);
                let (labelled, agree) = ds.human_units(row).map_or((0.0, 0.0), |(n, a)| (n.w, a.w));
                add_to(cells, &key, (unit, labelled, agree));
            }
        },
        Extend::extend,
    );
    // The parts' cells sorted by key, then part, on all cores: a cell's
    // parts are added in their order, so weights add up the same at any
    // number of threads (and as when the parts were merged one by one).
    let mut entries: Vec<(Box<[u64]>, usize, Cell)> = parts
        .into_iter()
        .enumerate()
        .flat_map(|(part, cells)| cells.into_iter().map(move |(key, c)| (key, part, c)))
        .collect();
    entries.par_sort_unstable_by(|a, b| a.0.cmp(&b.0).then(a.1.cmp(&b.1)));
    let mut rows: Vec<(Box<[u64]>, Cell)> = Vec::with_capacity(entries.len());
    for (key, _, cell) in entries {
        match rows.last_mut() {
            Some((k, c)) if *k == key => add_cell(c, cell),
            _ => rows.push((key, cell)),
        }
    }
    let mut names = vec![ds.roles.label.clone(), ds.roles.pred.clone()];
    names.extend(columns.iter().map(|c| c.name.clone()));
    if let (Some(s), Some(_)) = (&ds.roles.score, &score) {
        names.push(s.clone());
    }
    names.push(COUNT_COLUMN.to_string());
    let has_human = ds.has_human();
    // Each text column as its values and a place per row, side by side.
    let values: Vec<&[String]> = [ds.classes.as_slice(), ds.classes.as_slice()]
        .into_iter()
        .chain(columns.iter().map(|c| c.groups().labels.as_slice()))
        .collect();
    let text = values
        .par_iter()
        .enumerate()
        .map(|(i, values)| {
            let places = rows
                .iter()
                .map(|(key, _)| u32::try_from(key[i]).unwrap_or(u32::MAX))
                .collect();
            (values.to_vec(), places)
        })
        .collect();
    let mut cube = Cube {
        names,
        text,
        score: score.map(|_| Vec::with_capacity(rows.len())),
        human: has_human.then(|| Vec::with_capacity(rows.len())),
        count: Vec::with_capacity(rows.len()),
    };
    for (key, (count, labelled, agree)) in rows {
        if let Some(s) = &mut cube.score {
            s.push(f64::from_bits(key[2 + columns.len()]));
        }
        if let Some(h) = &mut cube.human {
            h.push((labelled, agree));
        }
        cube.count.push(count);
    }
    Ok(cube)
}

impl Cube {
    /// Rows (cells).
    #[must_use]
    pub fn len(&self) -> usize {
        self.count.len()
    }

    /// Whether the cube has no cells.
    #[must_use]
    pub fn is_empty(&self) -> bool {
        self.count.is_empty()
    }

    /// Writes the cube to `path`, Parquet or CSV by its extension, through a
    /// temporary file and a rename.
    ///
    /// # Errors
    /// When the frame cannot be encoded or the file written.
    pub fn write(&self, path: &std::path::Path) -> Result<(), CubeError> {
        use polars::prelude::{CsvWriter, ParquetWriter, SerWriter};
        let encode = |e: polars::prelude::PolarsError| CubeError::Encode(e.to_string());
        let mut frame = self.frame().map_err(encode)?;
        let mut bytes = Vec::new();
        match super::load::InputFormat::from_path(path) {
            Some(super::load::InputFormat::Csv) => CsvWriter::new(&mut bytes)
                .finish(&mut frame)
                .map_err(encode)?,
            _ => {
                ParquetWriter::new(&mut bytes)
                    .finish(&mut frame)
                    .map_err(encode)?;
            }
        }
        super::files::write(path, &bytes, false).map_err(|source| CubeError::Write {
            path: path.to_path_buf(),
            source,
        })
    }

    /// The cube as a polars frame (counts as integers when every count is
    /// whole, else as floats).
    ///
    /// # Errors
    /// When polars cannot build the frame.
    pub fn frame(&self) -> Result<polars::prelude::DataFrame, polars::prelude::PolarsError> {
        use polars::prelude::{Column, DataFrame, NamedFrom, Series};
        let n_text = self.text.len();
        let mut cols: Vec<Column> = self
            .text
            .par_iter()
            .zip(&self.names)
            .map(|((values, places), name)| {
                let cells: Vec<Option<&str>> = places
                    .iter()
                    .map(|&p| values.get(p as usize).map(String::as_str))
                    .collect();
                Column::from(Series::new(name.as_str().into(), cells))
            })
            .collect();
        if let Some(s) = &self.score {
            let values: Vec<Option<f64>> = s.iter().map(|v| (!v.is_nan()).then_some(*v)).collect();
            cols.push(Column::from(Series::new(
                self.names[n_text].as_str().into(),
                values,
            )));
        }
        let numbers = |name: &str, values: &[f64]| {
            let whole: Option<Vec<u64>> = values
                .iter()
                .map(|&v| Count::of_weight(v, false).whole())
                .collect();
            Column::from(match whole {
                Some(w) => Series::new(name.into(), w),
                None => Series::new(name.into(), values.to_vec()),
            })
        };
        if let Some(h) = &self.human {
            let (labelled, agree): (Vec<f64>, Vec<f64>) = h.iter().copied().unzip();
            cols.push(numbers(HUMAN_COUNT_COLUMNS.0, &labelled));
            cols.push(numbers(HUMAN_COUNT_COLUMNS.1, &agree));
        }
        let whole: Option<Vec<u64>> = self.count.iter().map(Count::whole).collect();
        cols.push(Column::from(match whole {
            Some(w) => Series::new(COUNT_COLUMN.into(), w),
            None => Series::new(
                COUNT_COLUMN.into(),
                self.count.iter().map(|c| c.w).collect::<Vec<f64>>(),
            ),
        }));
        DataFrame::new_infer_height(cols)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn spec() -> CubeSpec {
        CubeSpec {
            table: "lake.preds".into(),
            label: "label".into(),
            pred: "pred".into(),
            by: vec!["device".into(), "my col".into()],
            score: Some((
                "score".into(),
                ScoreBins {
                    bins: 100,
                    low: 0.0,
                    high: 1.0,
                },
            )),
            human: Some("human".into()),
        }
    }

    #[test]
    fn identifiers_are_quoted_per_dialect() {
        assert_eq!(Dialect::Spark.quote("a`b"), "`a``b`");
        assert_eq!(Dialect::Duckdb.quote("a\"b"), "\"a\"\"b\"");
        assert_eq!(Dialect::Postgres.quote_table("s.t"), "\"s\".\"t\"");
        assert_eq!(Dialect::Bigquery.quote_table("p.d.t"), "`p.d.t`");
        let sql = cube_sql(&spec(), Dialect::Spark).unwrap();
        assert!(
            sql.contains("COALESCE(CAST(`my col` AS STRING), '(missing)') AS `my col`"),
            "{sql}"
        );
        assert!(sql.contains("FROM `lake`.`preds`"), "{sql}");
        assert!(sql.contains("COUNT(*) AS `n`"), "{sql}");
        let pg = cube_sql(&spec(), Dialect::Postgres).unwrap();
        assert!(pg.contains("CAST(\"score\" AS DOUBLE PRECISION)"), "{pg}");
        assert!(pg.contains("CAST(100.0 AS DOUBLE PRECISION)"), "{pg}");
    }

    #[test]
    fn bins_put_scores_at_their_midpoints_and_clamp_the_edges() {
        let b = ScoreBins {
            bins: 10,
            low: 0.0,
            high: 1.0,
        };
        assert!((b.midpoint(0.0) - 0.05).abs() < 1e-12);
        assert!((b.midpoint(0.23) - 0.25).abs() < 1e-12);
        assert!((b.midpoint(1.0) - 0.95).abs() < 1e-12);
        assert!((b.midpoint(7.0) - 0.95).abs() < 1e-12);
        assert!((b.midpoint(-1.0) - 0.05).abs() < 1e-12);
        assert!(b.midpoint(f64::NAN).is_nan());
        assert!(ScoreBins { bins: 0, ..b }.check().is_err());
        assert!(ScoreBins { low: 1.0, ..b }.check().is_err());
    }

    #[test]
    fn a_column_named_like_the_count_is_refused() {
        let mut s = spec();
        s.by.push("n".into());
        assert!(
            cube_sql(&s, Dialect::Duckdb)
                .unwrap_err()
                .to_string()
                .contains("count column")
        );
        let mut s = spec();
        s.by.push("Device".into());
        assert!(matches!(
            cube_sql(&s, Dialect::Duckdb),
            Err(CubeError::Twice(c)) if c == "Device"
        ));
        assert!(sample_sql(&spec(), Dialect::Spark, 0, 1).is_err());
    }
}
