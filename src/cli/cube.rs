//! `slicewise cube`: the count cube of a table too large for one machine, as
//! a SQL query for any engine or built locally from a file; and the query
//! that draws a review sample with its sampling fractions.

// Doc comments here are the `--help` text, where backticks would show.
#![allow(clippy::doc_markdown)]

use std::path::PathBuf;

use clap::Args;

use super::{ColumnArgs, EXIT_USAGE, Failure, check_output, data_err, output_err};
use crate::core::cube::{self, CubeSpec, DEFAULT_SCORE_BINS, Dialect, ScoreBins};
use crate::core::load::{self, InputFormat};
use crate::core::render;

/// Arguments of `cube`.
#[derive(Debug, Args)]
pub struct CubeArgs {
    /// A predictions file to build the cube from, written to --out (leave
    /// out with --sql or --sample-sql).
    pub data: Option<PathBuf>,
    /// Print the GROUP BY query that builds the cube in a SQL engine over
    /// --table (needs --label and --pred).
    #[arg(long, conflicts_with = "sample_sql")]
    pub sql: bool,
    /// Print a query that draws N errors and N correct examples per stratum
    /// (the --by value combinations; the whole table without --by), with
    /// the stratum sizes and a sample_weight column.
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u64).range(1..=10_000_000))]
    pub sample_sql: Option<u64>,
    /// The table or view the query reads (e.g. lake.predictions).
    #[arg(long, value_name = "NAME")]
    pub table: Option<String>,
    /// SQL dialect: spark, duckdb, postgres or bigquery.
    #[arg(long, default_value = "spark", value_parser = parse_dialect)]
    pub dialect: Dialect,
    /// Slice columns, comma-separated or repeated.
    #[arg(long, value_name = "COL,COL")]
    pub by: Vec<String>,
    /// Equal-width score bins; each score becomes its bin's midpoint.
    #[arg(long, value_name = "N", default_value_t = DEFAULT_SCORE_BINS)]
    pub score_bins: usize,
    /// The range the score bins cover, LOW,HIGH (scores outside go to the
    /// edge bins).
    #[arg(long, value_name = "LOW,HIGH", default_value = "0,1", value_parser = parse_range)]
    pub score_range: (f64, f64),
    /// Seed of the sample's random order (Spark's rand(seed), DuckDB's and
    /// Postgres's setseed).
    #[arg(long, default_value_t = 42)]
    pub seed: u64,
    /// The cube file to write (.parquet or .csv).
    #[arg(long, value_name = "FILE")]
    pub out: Option<PathBuf>,
    /// Column roles and format.
    #[command(flatten)]
    pub columns: ColumnArgs,
}

fn parse_dialect(s: &str) -> Result<Dialect, String> {
    s.parse()
}

fn parse_range(s: &str) -> Result<(f64, f64), String> {
    let parts: Vec<&str> = s.split(',').map(str::trim).collect();
    let [lo, hi] = parts.as_slice() else {
        return Err(format!("'{s}' is not LOW,HIGH (e.g. 0,1)"));
    };
    let num = |t: &str| {
        t.parse::<f64>()
            .map_err(|_| format!("'{t}' in '{s}' is not a number"))
    };
    Ok((num(lo)?, num(hi)?))
}

fn usage(message: impl std::fmt::Display) -> Failure {
    Failure {
        code: EXIT_USAGE,
        error: anyhow::anyhow!("{message}"),
    }
}

fn names(by: &[String]) -> Result<Vec<String>, Failure> {
    Ok(super::compare::slice_specs(by)?
        .into_iter()
        .flatten()
        .collect())
}

pub(super) fn run_cube(args: &CubeArgs) -> Result<(), Failure> {
    let bins = ScoreBins {
        bins: args.score_bins,
        low: args.score_range.0,
        high: args.score_range.1,
    };
    bins.check().map_err(usage)?;
    if args.sql || args.sample_sql.is_some() {
        return print_sql(args, bins);
    }
    let Some(data) = &args.data else {
        return Err(usage(
            "cube needs a predictions file to build the cube from (slicewise cube DATA --by COL --out cube.parquet), or --sql / --sample-sql N to print a query for a SQL engine",
        ));
    };
    let Some(out) = &args.out else {
        return Err(usage(
            "cube DATA needs --out FILE (.parquet or .csv) to write the cube to",
        ));
    };
    let format = InputFormat::from_path(out);
    if !matches!(format, Some(InputFormat::Parquet | InputFormat::Csv)) {
        return Err(usage(format!(
            "Cannot tell how to write '{}': name the cube file .parquet or .csv",
            out.display()
        )));
    }
    check_output(Some(out), &[data])?;
    let by = names(&args.by)?;
    let mut opts = args.columns.load_options();
    opts.columns = super::needs(std::slice::from_ref(&by));
    let ds = load::load(data, &opts).map_err(data_err)?;
    let score = ds.score.as_ref().map(|_| bins);
    if let (Some(s), Some(name)) = (&ds.score, &ds.roles.score) {
        let outside = s
            .iter()
            .filter(|v| !v.is_nan() && (**v < bins.low || **v > bins.high))
            .count();
        if outside > 0 {
            say!(
                "warning: {outside} score(s) of '{name}' lie outside [{}, {}] and were put in the edge bins; pass --score-range LOW,HIGH to cover them",
                bins.low,
                bins.high
            );
        }
    }
    let cube = cube::build(&ds, &by, score).map_err(usage)?;
    cube.write(out).map_err(|e| {
        output_err(anyhow::anyhow!(
            "Cannot write the cube ({e}): {}",
            out.display()
        ))
    })?;
    say!(
        "wrote a cube of {} cells for {} rows to {}; read it with: slicewise report {} --weight n",
        render::count(cube.len()),
        render::count(ds.total()),
        out.display(),
        out.display()
    );
    Ok(())
}

fn print_sql(args: &CubeArgs, bins: ScoreBins) -> Result<(), Failure> {
    if args.data.is_some() {
        return Err(usage(
            "--sql and --sample-sql print a query for a SQL engine and read no file: name the table with --table, not a file",
        ));
    }
    let c = &args.columns;
    let (Some(table), Some(label), Some(pred)) = (&args.table, &c.label, &c.pred) else {
        return Err(usage(
            "a query needs --table NAME, --label COL and --pred COL: the engine's table is not read here, so no column can be detected",
        ));
    };
    let given = |v: &Option<String>| v.clone().filter(|s| !s.trim().is_empty());
    let spec = CubeSpec {
        table: table.clone(),
        label: label.clone(),
        pred: pred.clone(),
        by: names(&args.by)?,
        score: given(&c.score).map(|s| (s, bins)),
        human: given(&c.human),
    };
    let sql = match args.sample_sql {
        Some(n) => cube::sample_sql(&spec, args.dialect, n, args.seed),
        None => cube::cube_sql(&spec, args.dialect),
    }
    .map_err(usage)?;
    // The query alone on standard output (no comment, no closing
    // semicolon), so it can be put inside another statement as it is.
    println!("{sql}");
    match args.sample_sql {
        Some(n) => say!(
            "note: a {:?} query drawing {n} errors and {n} correct examples per stratum{}; open its result as any predictions file: its sample_weight column makes the tag statistics estimates of the whole table",
            args.dialect,
            if matches!(args.dialect, Dialect::Duckdb | Dialect::Postgres) {
                " (the first statement, SELECT setseed(...);, seeds the random order)"
            } else {
                ""
            }
        ),
        None => say!(
            "note: a {:?} count cube query; save its result as Parquet or CSV and read it with: slicewise report CUBE",
            args.dialect
        ),
    }
    Ok(())
}
