//! The queries `slicewise cube` prints, run for real on DuckDB and on Apache
//! Spark in local mode (`tests/sql/run_sql.py`), over a generated file
//! registered as a table: the cube's report equals the raw rows' report
//! number for number (and the local cube's, scores included), and the
//! review sample carries its strata and weights.
//!
//! The engines come from Python (duckdb and pyspark from PyPI, Java 17 for
//! Spark), which `.ci/run` installs into `~/.cache/slicewise/venv`. Without
//! them these tests say so and pass, unless `SLICEWISE_REQUIRE_SQL_ENGINES=1`
//! (CI sets it), when they fail.

#![allow(clippy::unwrap_used, clippy::expect_used)] // Tests fail loudly on purpose.

mod common;

use std::path::{Path, PathBuf};
use std::process::Command;

use slicewise::core::cube::{self, ScoreBins};
use slicewise::core::sample::Strata;

/// A Python that can import `module`, or `None` (and a note) when there is
/// none and CI does not require one.
fn python_with(module: &str) -> Option<PathBuf> {
    let candidates = std::env::var_os("SLICEWISE_PYTHON")
        .map(PathBuf::from)
        .into_iter()
        .chain(
            std::env::var_os("HOME")
                .map(|h| PathBuf::from(h).join(".cache/slicewise/venv/bin/python")),
        );
    for python in candidates {
        let ok = Command::new(&python)
            .args(["-c", &format!("import {module}")])
            .output()
            .is_ok_and(|o| o.status.success());
        if ok {
            return Some(python);
        }
    }
    assert!(
        std::env::var("SLICEWISE_REQUIRE_SQL_ENGINES").as_deref() != Ok("1"),
        "no Python with {module}: run .ci/run (or .ci/sql-engines) to install it"
    );
    eprintln!("skipped: no Python with {module} (see .ci/sql-engines)");
    None
}

fn slicewise(args: &[&str]) -> String {
    let out = Command::new(env!("CARGO_BIN_EXE_slicewise"))
        .args(args)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap()
}

/// Runs `sql` on `engine` over `data` as the table `preds`; returns the
/// result file.
fn run(python: &Path, engine: &str, data: &Path, sql: &str, dir: &Path, name: &str) -> PathBuf {
    let sql_file = common::write(dir, &format!("{name}.sql"), sql);
    let out = dir.join(format!("{name}.parquet"));
    let script = common::root().join("tests/sql/run_sql.py");
    let done = Command::new(python)
        .arg(script)
        .args([
            engine,
            data.to_str().unwrap(),
            sql_file.to_str().unwrap(),
            out.to_str().unwrap(),
        ])
        .output()
        .unwrap();
    assert!(
        done.status.success(),
        "{engine} failed on\n{sql}\n{}",
        String::from_utf8_lossy(&done.stderr)
    );
    out
}

const BY: &str = "device,gender,accent,noise";

/// The engine's Python, a directory holding 20,000 generated rows as
/// `raw.parquet`, and the query `slicewise cube` prints with `args` plus the
/// table, label, prediction and dialect.
fn setup(
    engine: &str,
    module: &str,
    args: &[&str],
) -> Option<(PathBuf, tempfile::TempDir, PathBuf, String)> {
    let python = python_with(module)?;
    let dir = tempfile::tempdir().unwrap();
    let raw_path = common::cube::generated(dir.path(), "raw.parquet", 20_000);
    let mut all = vec![
        "cube", "--table", "preds", "--label", "label", "--pred", "pred",
    ];
    all.extend_from_slice(args);
    all.extend_from_slice(&["--dialect", engine]);
    let sql = slicewise(&all);
    Some((python, dir, raw_path, sql))
}

fn cube_on(engine: &str, module: &str) {
    let args = ["--sql", "--by", BY, "--score", "score", "--human", "human"];
    let Some((python, dir, raw_path, sql)) = setup(engine, module, &args) else {
        return;
    };
    let cube_path = run(&python, engine, &raw_path, &sql, dir.path(), "cube");
    let raw = common::load(&raw_path);
    let cubed = common::load(&cube_path);
    assert_eq!(cubed.weights.as_ref().unwrap().column, "n");
    let (a, b) = (
        common::cube::report_json(&raw),
        common::cube::report_json(&cubed),
    );
    assert_eq!(
        common::cube::counts_only(a),
        common::cube::counts_only(b.clone()),
        "{engine}'s cube reports other counts than the raw rows"
    );
    // The same cube built by Slicewise: the same cells, binned scores included.
    let by: Vec<String> = BY.split(',').map(ToString::to_string).collect();
    let bins = ScoreBins {
        bins: 100,
        low: 0.0,
        high: 1.0,
    };
    let local = cube::build(&raw, &by, Some(bins)).unwrap();
    let local_path = dir.path().join("local.parquet");
    local.write(&local_path).unwrap();
    let mut c = common::cube::report_json(&common::load(&local_path));
    let mut b = b;
    for v in [&mut b, &mut c] {
        v.as_object_mut().unwrap().remove("file");
    }
    assert_eq!(b["weight"]["file_rows"], local.len(), "{engine}: cells");
    assert_eq!(b, c, "{engine}'s cube and Slicewise's differ");
}

fn sample_on(engine: &str, module: &str) {
    let args = ["--sample-sql", "50", "--by", "device"];
    let Some((python, dir, raw_path, sql)) = setup(engine, module, &args) else {
        return;
    };
    let raw = common::load(&raw_path);
    let sample_path = run(&python, engine, &raw_path, &sql, dir.path(), "sample");
    let ds = common::load(&sample_path);
    let w = ds
        .weights
        .as_ref()
        .expect("sample_weight is read as the weight");
    assert_eq!(w.column, "sample_weight");
    // Every stratum drew at most 50 rows, and the weights add up to the table.
    let devices = raw.column("device").unwrap().groups().n_groups();
    assert!(ds.rows() <= 2 * 50 * devices, "{} rows", ds.rows());
    assert!(
        (ds.total().w - raw.rows() as f64).abs() < 1e-6,
        "{}",
        ds.total().w
    );
    assert!((ds.error_total().w - raw.errors() as f64).abs() < 1e-6);
    assert!(Strata::of(&ds).is_some(), "the sample names its strata");
    assert!(
        ds.column("slicewise_rank").is_none() && ds.column("slicewise_random").is_none(),
        "the sampling query's bookkeeping is not offered as slice columns"
    );
}

#[test]
fn duckdb_builds_the_cube_the_report_reads_number_for_number() {
    cube_on("duckdb", "duckdb");
}

#[test]
fn spark_builds_the_cube_the_report_reads_number_for_number() {
    cube_on("spark", "pyspark");
}

#[test]
fn duckdb_draws_a_stratified_sample_that_knows_its_weights() {
    sample_on("duckdb", "duckdb");
}

#[test]
fn spark_draws_a_stratified_sample_that_knows_its_weights() {
    sample_on("spark", "pyspark");
}
