//! The bad-input catalogue: every odd file and argument the CLI has met,
//! each with the exit code, a message that names the file (or the argument)
//! and what to do, no panic, and no numbers where the numbers would be
//! wrong. Small files live in `tests/data/bad/`; large ones are made here.
//! Add a case for every odd input found.

#![allow(clippy::unwrap_used, clippy::expect_used)] // Tests fail loudly on purpose.

mod common;

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use serde_json::Value;

fn bad(name: &str) -> PathBuf {
    common::root().join("tests/data/bad").join(name)
}

fn run(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_slicewise"))
        .args(args)
        .output()
        .expect("the binary runs")
}

fn text(b: &[u8]) -> String {
    String::from_utf8_lossy(b).into_owned()
}

/// A command that must fail: its exit code, one paragraph on stderr naming
/// `names`, and nothing on stdout.
fn fails(args: &[&str], code: i32, names: &str, says: &str) {
    let o = run(args);
    let (out, err) = (text(&o.stdout), text(&o.stderr));
    assert_eq!(o.status.code(), Some(code), "{args:?}: {err}");
    assert!(!err.contains("panicked"), "{args:?}: {err}");
    assert!(err.contains(names), "{args:?} should name '{names}': {err}");
    assert!(err.contains(says), "{args:?} should say '{says}': {err}");
    assert!(out.is_empty(), "{args:?}: no numbers when failing: {out}");
}

/// A report that must succeed, as JSON, with a warning containing `says`.
fn warns(file: &Path, extra: &[&str], says: &str) -> Value {
    let mut args = vec!["report", file.to_str().unwrap(), "--format", "json"];
    args.extend(extra);
    let o = run(&args);
    let err = text(&o.stderr);
    assert_eq!(o.status.code(), Some(0), "{args:?}: {err}");
    assert!(!err.contains("panicked"), "{err}");
    let j: Value = serde_json::from_slice(&o.stdout).unwrap();
    let all = format!("{} {err}", j["warnings"]);
    assert!(all.contains(says), "{args:?} should warn '{says}': {all}");
    j
}

fn report(file: &str, extra: &[&str]) -> Vec<String> {
    let mut v = vec![
        "report".to_string(),
        bad(file).to_string_lossy().into_owned(),
    ];
    v.extend(extra.iter().map(ToString::to_string));
    v
}

/// (file, extra arguments, exit code, text the error must contain).
const DATA_ERRORS: &[(&str, &[&str], i32, &str)] = &[
    ("missing.csv", &[], 3, "does not exist"),
    ("empty.csv", &[], 3, "is empty"),
    ("header_only.csv", &[], 3, "no data rows"),
    ("no_label.csv", &[], 3, "No true-label column"),
    ("no_pred.csv", &[], 3, "No prediction column"),
    ("null_label.csv", &[], 3, "2 empty value(s)"),
    ("null_pred.csv", &[], 3, "empty value"),
    ("ragged.csv", &[], 3, "Line 3 has 2 field(s)"),
    ("not_utf8.csv", &[], 3, "UTF-8"),
    ("utf16.csv", &[], 3, "UTF-16"),
    (
        "dup_header.csv",
        &[],
        3,
        "Columns 1 and 2 are both named 'label'",
    ),
    ("dup_ids.csv", &[], 3, "'1'"),
    ("null_ids.csv", &[], 3, "id"),
    (
        "object_label.ndjson",
        &[],
        3,
        "holds objects or lists (first on line 1)",
    ),
    ("list_label.ndjson", &[], 3, "holds lists (first on line 1)"),
    ("broken.ndjson", &[], 3, "Line 2 of the NDJSON file"),
    ("not_json.ndjson", &[], 3, "Line 1 of the NDJSON file"),
    // Found by `cargo fuzz run ndjson_load`: a number above i64::MAX made
    // polars infer Int128, which it could not hold, and abort.
    // Also from the fuzzer: polars' line sampler sliced past the end.
    ("empty_object_blank_line.ndjson", &[], 3, "no data rows"),
    (
        "huge_number_line.ndjson",
        &[],
        3,
        "Line 1 of the NDJSON file",
    ),
    ("truncated.parquet", &[], 3, "incomplete or not Parquet"),
    ("not_parquet.parquet", &[], 3, "incomplete or not Parquet"),
    ("list_label.parquet", &[], 3, "holds lists"),
    (
        "score_text.csv",
        &["--score", "score"],
        3,
        "must hold numbers",
    ),
    (
        "plain.csv",
        &["--label", "nope"],
        3,
        "--label names column 'nope'",
    ),
    (
        "plain.csv",
        &["--pred", "label"],
        3,
        "both as the true-label and as the prediction",
    ),
    ("plain.csv", &["--positive", "zebra"], 3, "not a class"),
    (
        "plain.csv",
        &["--by", "g", "--reference", "zz"],
        3,
        "not a group",
    ),
    ("plain.csv", &["--by", "nope"], 3, "not a slice column"),
    ("plain.csv", &["--by", "gg"], 3, "Did you mean 'g'?"),
    (
        "plain.csv",
        &["--label", "labl"],
        3,
        "Did you mean 'label'?",
    ),
    ("plain.csv", &["--watch", "a:zz"], 3, "zz"),
    (
        "plain.csv",
        &["--threshold", "0.5"],
        3,
        "needs a score column",
    ),
    ("plain.csv", &["--proba", "g=a"], 3, "must hold numbers"),
    (
        "probabilities.csv",
        &["--proba", "prob_a=zebra"],
        3,
        "--proba names class 'zebra'",
    ),
    ("plain.csv", &["--input-format", "parquet"], 3, "plain.csv"),
];

#[test]
fn data_errors_name_the_file_and_print_no_numbers() {
    for &(file, extra, code, says) in DATA_ERRORS {
        let args = report(file, extra);
        let args: Vec<&str> = args.iter().map(String::as_str).collect();
        fails(&args, code, file, says);
    }
}

#[test]
fn bad_sessions_name_the_session() {
    for (session, says) in [
        ("empty_session.ron", "session file is empty"),
        ("corrupt_session.ron", "damaged"),
        ("future_session.ron", "newer than this Slicewise"),
        ("no_such_session.ron", "does not exist"),
    ] {
        let args = report("tiny.csv", &["--session", bad(session).to_str().unwrap()]);
        let args: Vec<&str> = args.iter().map(String::as_str).collect();
        fails(&args, 3, session, says);
    }
}

/// (arguments, text the error must contain): misuse of the command line.
#[test]
fn bad_arguments_are_exit_2() {
    let plain = bad("plain.csv");
    let plain = plain.to_str().unwrap();
    let cases: &[(&[&str], &str)] = &[
        (&["report", plain, "--by", "label"], "true-label column"),
        (&["report", plain, "--by", "pred"], "prediction column"),
        (&["report", plain, "--bins", "4000000000"], "out of range"),
        (&["report", plain, "--bins", "1"], "from 2 to 1000"),
        (&["report", plain, "--bins", "many"], "not a whole number"),
        (&["report", plain, "--threshold", "NaN"], "not a threshold"),
        (&["report", plain, "--threshold", "inf"], "not a threshold"),
        (&["report", plain, "--bootstrap", "1000000"], "out of range"),
        (
            &["report", plain, "--calibration-bins", "0"],
            "from 1 to 1000",
        ),
        (&["report", plain, "--out", plain], "names an input file"),
        (&["report", plain, "--sort", "nope"], "unknown column"),
        (
            &["report", plain, "--score-is", "maybe"],
            "positive or confidence",
        ),
        (&["report", plain, "--proba", "nonsense"], "COL=CLASS"),
        (
            &["report", plain, "--input-format", "xml"],
            "unknown input format",
        ),
        (&["export", plain, "--out", "x.txt"], "export format"),
        (
            &["generate", "--rows", "10", "--out", "g.xlsx"],
            "format to write",
        ),
        (&["generate", "--rows", "0", "--out", "g.csv"], "from 1 to"),
        (&["report"], "DATA"),
    ];
    for (args, says) in cases {
        let o = run(args);
        let err = text(&o.stderr);
        assert_eq!(o.status.code(), Some(2), "{args:?}: {err}");
        assert!(err.contains(says), "{args:?} should say '{says}': {err}");
        assert!(o.stdout.is_empty() && !err.contains("panicked"), "{args:?}");
    }
    assert!(!Path::new("g.xlsx").exists() && !Path::new("x.txt").exists());
}

#[test]
fn odd_but_readable_files_load_with_a_warning_and_right_numbers() {
    let j = warns(&bad("number_spellings.csv"), &[], "'0' = '0.0'");
    assert_eq!(j["classes"].as_array().unwrap().len(), 2);
    assert!((j["accuracy"].as_f64().unwrap() - 2.0 / 3.0).abs() < 1e-12);
    let j = warns(&bad("boolean_spellings.csv"), &[], "'true' = 'True'");
    assert_eq!(j["classes"], serde_json::json!(["false", "true"]));
    let j = warns(&bad("spaces.csv"), &[], "trimmed");
    assert_eq!(j["accuracy"], 1.0);
    warns(&bad("foreign_predictions.csv"), &[], "Check the columns");
    let j = warns(&bad("empty_score.csv"), &[], "empty in every row");
    assert!(j["scores"].is_null() && j["calibration"].is_null());
    let j = warns(
        &bad("nan_score.csv"),
        &["--positive", "1"],
        "NaN on 1 row(s)",
    );
    let roc_rows: u64 = j["scores"]["sweep"][0]["tp"].as_u64().unwrap()
        + j["scores"]["sweep"][0]["fp"].as_u64().unwrap()
        + j["scores"]["sweep"][0]["fn"].as_u64().unwrap()
        + j["scores"]["sweep"][0]["tn"].as_u64().unwrap();
    assert_eq!(roc_rows, 3, "the NaN row is left out of the curves");
    warns(&bad("inf_score.csv"), &[], "infinite on 2 row(s)");
    warns(
        &bad("out_of_range_probability.csv"),
        &[],
        "outside [0, 1] on 1 row(s)",
    );
    // A trailing space before a long last line made polars panic.
    let j = warns(&bad("trailing_space.ndjson"), &[], "");
    assert_eq!(j["rows"], 3);
    // Ids and labels above i64::MAX stay themselves (not nulls, not one id).
    let j = warns(&bad("huge_integers.ndjson"), &[], "");
    assert_eq!(j["rows"], 2);
    assert_eq!(j["accuracy"], 0.5);
    assert_eq!(j["classes"].as_array().unwrap().len(), 3);
    let j = warns(&bad("huge_integer_labels.csv"), &[], "");
    assert_eq!(j["classes"].as_array().unwrap().len(), 2);
    assert_eq!(j["accuracy"], 0.5);
    let j = warns(
        &bad("list_column.parquet"),
        &[],
        "Column 'tags' holds lists",
    );
    assert_eq!(j["rows"], 2);
    let j = warns(&bad("decimal_comma.csv"), &["--score-is", "confidence"], "");
    assert_eq!(
        j["calibration"]["reliability"][7]["count"], 1,
        "0,5 read as the number 0.5"
    );
    let j = warns(&bad("tabs.tsv"), &[], "");
    assert_eq!(j["rows"], 2);
    warns(&bad("no_id.csv"), &[], "keyed by row number");
    warns(&bad("probabilities_off.csv"), &[], "do not sum to 1");
    let j = warns(&bad("probabilities.csv"), &[], "");
    assert_eq!(j["probabilities"]["complete"], true);
    warns(
        &bad("tiny.csv"),
        &["--session", bad("odd_values_session.ron").to_str().unwrap()],
        "HLP 1.5 is not a proportion",
    );
    warns(
        &bad("tiny.csv"),
        &["--session", bad("odd_values_session.ron").to_str().unwrap()],
        "importance 99 is outside the 1–5 scale",
    );
    warns(
        &bad("plain.csv"),
        &["--bootstrap", "0", "--by", "g"],
        "draws no resamples",
    );
}

#[test]
fn large_odd_files_load_or_fail_clearly() {
    use std::fmt::Write as _;
    let dir = tempfile::tempdir().unwrap();
    // A first data row with a 9 MiB cell.
    let long = dir.path().join("long_cell.csv");
    let mut s = String::from("id,label,pred,text\n1,a,a,");
    s.push_str(&"x".repeat(9 << 20));
    s.push_str("\n2,b,b,short\n");
    std::fs::write(&long, s).unwrap();
    let j = warns(&long, &[], "");
    assert_eq!(j["rows"], 2);
    // 20,000 classes: capped output, no n² matrix.
    let many = dir.path().join("many_classes.csv");
    let mut s = String::from("id,label,pred\n");
    for i in 0..40_000u32 {
        let t = i % 20_000;
        let p = if i % 3 == 0 { (t + 1) % 20_000 } else { t };
        writeln!(s, "{i},c{t},c{p}").unwrap();
    }
    std::fs::write(&many, s).unwrap();
    let j = warns(&many, &[], "--all-classes");
    assert_eq!(j["per_class"].as_array().unwrap().len(), 100);
    assert_eq!(j["per_class_omitted"], 19_900);
    assert!(j["confusion"]["matrix"].is_null());
    assert_eq!(j["confusion"]["cells"].as_array().unwrap().len(), 1000);
    let o = run(&[
        "report",
        many.to_str().unwrap(),
        "--format",
        "json",
        "--all-classes",
    ]);
    let all: Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(all["per_class"].as_array().unwrap().len(), 20_000);
}

#[cfg(unix)]
#[test]
fn outputs_never_replace_what_slicewise_does_not_own() {
    let dir = tempfile::tempdir().unwrap();
    let plain = bad("plain.csv");
    // A device is written into, not renamed away.
    let o = run(&["report", plain.to_str().unwrap(), "--out", "/dev/null"]);
    assert_eq!(o.status.code(), Some(0));
    assert!(!std::fs::metadata("/dev/null").unwrap().is_file());
    // A link stays a link; no .bak beside a report.
    let target = dir.path().join("real.txt");
    std::fs::write(&target, "old").unwrap();
    let link = dir.path().join("link.txt");
    std::os::unix::fs::symlink(&target, &link).unwrap();
    let o = run(&[
        "report",
        plain.to_str().unwrap(),
        "--out",
        link.to_str().unwrap(),
    ]);
    assert_eq!(o.status.code(), Some(0), "{}", text(&o.stderr));
    assert!(
        std::fs::symlink_metadata(&link)
            .unwrap()
            .file_type()
            .is_symlink()
    );
    assert!(
        std::fs::read_to_string(&target)
            .unwrap()
            .contains("Slicewise report")
    );
    assert!(!dir.path().join("real.txt.bak").exists());
    // The data file through a link is still the data file.
    let data_link = dir.path().join("data.csv");
    std::os::unix::fs::symlink(&plain, &data_link).unwrap();
    fails(
        &[
            "report",
            data_link.to_str().unwrap(),
            "--out",
            plain.to_str().unwrap(),
        ],
        2,
        "plain.csv",
        "names an input file",
    );
}
