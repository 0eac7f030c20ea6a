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

use std::io::Write as _;
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
    // Written past the test harness's capture, so a passing `cargo test`
    // still says that these checks did not run.
    let _ = writeln!(
        std::io::stderr().lock(),
        "note: SQL engine check skipped: no Python with {module}. Run `bash .ci/sql-engines` to install DuckDB and Spark (README: Tests), then `cargo test --test sql_engines`"
    );
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
        let o = v.as_object_mut().unwrap();
        // The files differ, and so do their fingerprints and the row
        // numbers a cube's tags list as examples (its cells' order).
        for k in ["file", "provenance", "tag_examples"] {
            o.remove(k);
        }
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

/// Identifiers built from the characters that break quoting: both quotes,
/// backticks, backslashes, semicolons, comment openers, commas, dots,
/// spaces, line breaks, NUL and other control characters, and a few letters.
fn hostile_name() -> impl proptest::strategy::Strategy<Value = String> {
    use proptest::prelude::*;
    // Control characters are refused outright; they are drawn less often so
    // that most names reach the quoting.
    let pieces = prop_oneof![
        4 => Just("\"".to_string()),
        4 => Just("`".to_string()),
        4 => Just("\\".to_string()),
        4 => Just("'".to_string()),
        4 => Just(";".to_string()),
        4 => Just("--".to_string()),
        4 => Just("/*".to_string()),
        4 => Just("*/".to_string()),
        4 => Just(",".to_string()),
        4 => Just(".".to_string()),
        4 => Just(" ".to_string()),
        1 => Just("\n".to_string()),
        1 => Just("\r".to_string()),
        1 => Just("\0".to_string()),
        1 => Just("\u{1b}".to_string()),
        4 => Just("é".to_string()),
        4 => Just(")".to_string()),
        4 => Just(" FROM t; COPY (SELECT 1) TO 'x'; SELECT ".to_string()),
        12 => "[a-z]{1,3}",
    ];
    proptest::collection::vec(pieces, 1..4).prop_map(|v| v.concat())
}

/// A dialect's quoted identifiers, unquoted by its own rules, and whether
/// any text outside quotes and string literals could end the statement or
/// start a comment (`;`, `--`, `/*` other than Spark's `/*+ ... */` hint).
fn identifiers(sql: &str, d: cube::Dialect) -> Result<Vec<String>, String> {
    let (open, backslash) = match d {
        cube::Dialect::Spark => ('`', false),
        cube::Dialect::Bigquery => ('`', true),
        cube::Dialect::Duckdb | cube::Dialect::Postgres => ('"', false),
    };
    let sql = sql.replace("/*+ COALESCE(1) */", "");
    let chars: Vec<char> = sql.chars().collect();
    let mut names = Vec::new();
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        if c == open || c == '\'' {
            let mut s = String::new();
            i += 1;
            loop {
                let Some(&ch) = chars.get(i) else {
                    return Err("unclosed quote".to_string());
                };
                i += 1;
                if backslash && ch == '\\' {
                    s.push(*chars.get(i).ok_or("dangling backslash")?);
                    i += 1;
                } else if ch == c && !backslash && chars.get(i) == Some(&c) {
                    s.push(c);
                    i += 1;
                } else if ch == c {
                    break;
                } else {
                    s.push(ch);
                }
            }
            if c == open {
                names.push(s);
            }
            continue;
        }
        let two: String = chars[i..(i + 2).min(chars.len())].iter().collect();
        if c == ';' && !sql.starts_with("SELECT setseed(") || two == "--" || two == "/*" {
            return Err(format!("'{two}' outside quotes at character {i}"));
        }
        i += 1;
    }
    Ok(names)
}

/// For arbitrary identifier strings, every query `slicewise cube` prints is
/// refused or is one statement naming exactly the given columns: checked by
/// each dialect's quoting rules here, and on DuckDB for real (its parser
/// counts the statements; run over a table with those very column names,
/// the result has exactly the expected names), for the DuckDB and Postgres
/// dialects, cube and review sample.
#[test]
fn queries_for_hostile_names_are_refused_or_one_statement_naming_them() {
    use proptest::strategy::{Strategy, ValueTree};
    use proptest::test_runner::TestRunner;
    use slicewise::core::cube::{CubeSpec, Dialect, cube_sql, sample_sql};
    let mut runner = TestRunner::deterministic();
    let names = proptest::collection::vec(hostile_name(), 6);
    let dialects = [
        Dialect::Spark,
        Dialect::Duckdb,
        Dialect::Postgres,
        Dialect::Bigquery,
    ];
    let mut cases = Vec::new();
    let (mut refused, mut accepted) = (0, 0);
    for case in 0..300 {
        let n = names.new_tree(&mut runner).unwrap().current();
        let spec = CubeSpec {
            table: if case % 5 == 0 {
                n[5].clone()
            } else {
                "preds".to_string()
            },
            label: n[0].clone(),
            pred: n[1].clone(),
            by: if case % 3 == 0 {
                vec![n[2].clone()]
            } else {
                vec![n[2].clone(), n[3].clone()]
            },
            score: (case % 2 == 0).then(|| {
                (
                    n[4].clone(),
                    ScoreBins {
                        bins: 10,
                        low: 0.0,
                        high: 1.0,
                    },
                )
            }),
            human: (case % 4 == 1).then(|| n[5].clone()),
        };
        let hostile = spec
            .by
            .iter()
            .chain([&spec.table, &spec.label, &spec.pred])
            .chain(spec.score.as_ref().map(|(s, _)| s))
            .chain(&spec.human)
            .any(|name| name.chars().any(char::is_control));
        for d in dialects {
            for kind in ["cube", "sample"] {
                let sql = if kind == "cube" {
                    cube_sql(&spec, d)
                } else {
                    sample_sql(&spec, d, 2, 7)
                };
                let Ok(sql) = sql else {
                    refused += 1;
                    continue;
                };
                assert!(
                    !hostile,
                    "a name with a control character was accepted:\n{sql}"
                );
                accepted += 1;
                let quoted = identifiers(&sql, d).unwrap_or_else(|e| panic!("{d:?}: {e}\n{sql}"));
                let mut given: Vec<&String> = vec![&spec.label, &spec.pred];
                given.extend(&spec.by);
                given.extend(spec.score.as_ref().map(|(s, _)| s));
                given.extend(&spec.human);
                for q in &quoted {
                    let ours = [
                        "n",
                        "human_n",
                        "human_agree",
                        "sample_stratum",
                        "sample_weight",
                    ];
                    let table_part = spec.table.split('.').any(|p| p == q) || *q == spec.table;
                    assert!(
                        given.contains(&q) || ours.contains(&q.as_str()) || table_part,
                        "{d:?}: quoted name {q:?} is none of the given ones\n{sql}"
                    );
                }
                if matches!(d, Dialect::Duckdb | Dialect::Postgres) && spec.table == "preds" {
                    let mut by_case: Vec<String> = given.iter().map(|g| g.to_lowercase()).collect();
                    by_case.sort();
                    by_case.dedup();
                    if by_case.len() < given.len() {
                        continue; // DuckDB's names ignore case; the spec check only ASCII case
                    }
                    let mut result: Vec<&String> = vec![&spec.label, &spec.pred];
                    result.extend(&spec.by);
                    result.extend(spec.score.as_ref().map(|(s, _)| s));
                    let mut result: Vec<String> = result.into_iter().cloned().collect();
                    if kind == "cube" {
                        if spec.human.is_some() {
                            result.extend(["human_n".to_string(), "human_agree".to_string()]);
                        }
                        result.push("n".to_string());
                    } else if let Some(h) = &spec.human {
                        result.push(h.clone());
                    }
                    cases.push(serde_json::json!({
                        "dialect": format!("{d:?}").to_lowercase(),
                        "kind": kind,
                        "sql": sql,
                        "names": {
                            "label": spec.label, "pred": spec.pred, "by": spec.by,
                            "score": spec.score.as_ref().map(|(s, _)| s),
                            "human": spec.human,
                        },
                        "result_columns": result,
                    }));
                }
            }
        }
    }
    assert!(
        refused > 0 && accepted > 100,
        "{refused} refused, {accepted} accepted"
    );
    let Some(python) = python_with("duckdb") else {
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    let file = common::write(
        dir.path(),
        "cases.json",
        &serde_json::to_string(&cases).unwrap(),
    );
    let done = Command::new(python)
        .arg(common::root().join("tests/sql/check_identifiers.py"))
        .arg(&file)
        .output()
        .unwrap();
    let said = String::from_utf8_lossy(&done.stdout);
    assert!(
        done.status.success(),
        "{said}{}",
        String::from_utf8_lossy(&done.stderr)
    );
    assert!(said.contains(" 0 failed"), "{said}");
    eprintln!("{}", said.trim());
}
