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

/// A folder of two CSV parts with a hive partition, and its pattern.
fn parts_folder(dir: &Path) -> PathBuf {
    let data = dir.join("P");
    std::fs::create_dir_all(data.join("device=phone")).unwrap();
    std::fs::write(
        data.join("device=phone/part-1.csv"),
        "id,label,pred\n1,a,a\n2,b,a\n",
    )
    .unwrap();
    std::fs::write(
        data.join("device=phone/part-2.csv"),
        "id,label,pred\n3,a,b\n4,b,b\n",
    )
    .unwrap();
    data
}

/// Every command that writes refuses an output that is a file it reads,
/// however spelled, and a new data file inside a folder it reads; the file
/// is left as it was.
#[cfg(unix)]
#[test]
fn no_command_writes_over_a_part_of_its_input() {
    let dir = tempfile::tempdir().unwrap();
    let data = parts_folder(dir.path());
    let part = data.join("device=phone/part-1.csv");
    let before = std::fs::read(&part).unwrap();
    let pattern = data.join("device=phone/part-*.csv");
    let hard = dir.path().join("hard.csv");
    std::fs::hard_link(&part, &hard).unwrap();
    let soft = dir.path().join("soft.csv");
    std::os::unix::fs::symlink(&part, &soft).unwrap();
    let dotted = data.join("device=phone/../device=phone/part-1.csv");
    let d = data.to_str().unwrap();
    let p = pattern.to_str().unwrap();
    for out in [&part, &hard, &soft, &dotted] {
        let o = out.to_str().unwrap();
        for args in [
            vec!["report", d, "--format", "csv", "--out", o],
            vec!["report", p, "--format", "csv", "--out", o],
            vec!["export", d, "--examples", "--out", o],
            vec!["export", p, "--out", o],
            vec!["cube", d, "--by", "device", "--out", o],
            vec!["discover", d, "--format", "json", "--out", o],
            vec!["compare", d, p, "--format", "csv", "--out", o],
        ] {
            fails(&args, 2, "part-1.csv", "names an input file");
            assert_eq!(std::fs::read(&part).unwrap(), before, "{args:?}");
        }
    }
    // The second run of a comparison is an input too.
    let second = common::write(dir.path(), "second.csv", "id,label,pred\n1,a,a\n");
    fails(
        &[
            "compare",
            d,
            second.to_str().unwrap(),
            "--format",
            "csv",
            "--out",
            second.to_str().unwrap(),
        ],
        2,
        "second.csv",
        "names an input file",
    );
    // A new data file inside the folder (or matching the pattern) would be
    // read as a part next time.
    let inside = data.join("report.csv");
    fails(
        &[
            "report",
            d,
            "--format",
            "csv",
            "--out",
            inside.to_str().unwrap(),
        ],
        2,
        "report.csv",
        "read as one of its parts",
    );
    let matching = data.join("device=phone/part-9.csv");
    fails(
        &[
            "report",
            p,
            "--format",
            "csv",
            "--out",
            matching.to_str().unwrap(),
        ],
        2,
        "part-9.csv",
        "read as one of its parts",
    );
    assert!(!inside.exists() && !matching.exists());
    // Beside the folder is fine.
    let beside = dir.path().join("report.csv");
    let o = run(&[
        "report",
        d,
        "--format",
        "csv",
        "--out",
        beside.to_str().unwrap(),
    ]);
    assert_eq!(o.status.code(), Some(0), "{}", text(&o.stderr));
}

/// A session with hand work: one tagged, reviewed and noted example.
const HAND_SESSION: &str = r##"(version: 1, tags: [(name: "mumbling", colour: "#4c78a8")],
  examples: {"utt00000001": (tags: ["mumbling"], reviewed: true, note: "quiet")})"##;

#[test]
fn generate_never_replaces_a_session_holding_hand_work_unless_asked() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("g.csv");
    let session = dir.path().join("g.slicewise.ron");
    std::fs::write(&session, HAND_SESSION).unwrap();
    let args = |replace: bool| {
        let mut a = vec![
            "generate".to_string(),
            "--rows".into(),
            "50".into(),
            "--out".into(),
            data.to_string_lossy().into_owned(),
            "--session".into(),
            session.to_string_lossy().into_owned(),
        ];
        if replace {
            a.push("--replace-session".into());
        }
        a
    };
    for _ in 0..2 {
        let a = args(false);
        let a: Vec<&str> = a.iter().map(String::as_str).collect();
        fails(
            &a,
            2,
            "g.slicewise.ron",
            "1 tagged example, 1 reviewed example, 1 note",
        );
        assert_eq!(std::fs::read_to_string(&session).unwrap(), HAND_SESSION);
        assert!(!data.exists(), "nothing is written when refused");
    }
    // Asked explicitly: replaced, the hand work kept as .bak.
    let a = args(true);
    let a: Vec<&str> = a.iter().map(String::as_str).collect();
    let o = run(&a);
    assert_eq!(o.status.code(), Some(0), "{}", text(&o.stderr));
    let bak = dir.path().join("g.slicewise.ron.bak");
    assert_eq!(std::fs::read_to_string(&bak).unwrap(), HAND_SESSION);
    // Again without asking: the backup holds the hand work, so it is refused.
    let a = args(false);
    let a: Vec<&str> = a.iter().map(String::as_str).collect();
    fails(
        &a,
        2,
        "g.slicewise.ron.bak",
        "backup of a session that holds hand work",
    );
    assert_eq!(std::fs::read_to_string(&bak).unwrap(), HAND_SESSION);
}

#[test]
fn a_hive_partition_that_is_also_a_column_inside_says_which_wins() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("H");
    std::fs::create_dir_all(data.join("device=phone")).unwrap();
    std::fs::write(
        data.join("device=phone/part-1.csv"),
        "id,label,pred,device\n1,a,a,tablet\n2,b,a,phone\n",
    )
    .unwrap();
    let j = warns(&data, &["--by", "device"], "folder's value is used");
    assert!(j["warnings"].to_string().contains("'tablet'"));
    let groups = &j["slices"][0]["groups"];
    assert_eq!(groups.as_array().unwrap().len(), 1);
    assert_eq!(groups[0]["value"], "phone");
    // Values that agree with the folder: no warning.
    std::fs::write(
        data.join("device=phone/part-1.csv"),
        "id,label,pred,device\n1,a,a,phone\n2,b,a,phone\n",
    )
    .unwrap();
    let o = run(&["report", data.to_str().unwrap(), "--format", "json"]);
    assert!(!text(&o.stdout).contains("hive partition"));
}

#[test]
fn compare_matches_classes_of_the_two_runs_by_value_not_spelling() {
    let dir = tempfile::tempdir().unwrap();
    let a = common::write(
        dir.path(),
        "a.csv",
        "id,label,pred\n1,1,1\n2,0,0\n3,1,0\n4,true,true\n5,cafe\u{301},cafe\u{301}\n",
    );
    let b = common::write(
        dir.path(),
        "b.csv",
        "id,label,pred\n1,1.0,1.0\n2,0.0,0.0\n3,1.0,0.0\n4,True,True\n5,caf\u{e9},caf\u{e9}\n",
    );
    let o = run(&[
        "compare",
        a.to_str().unwrap(),
        b.to_str().unwrap(),
        "--format",
        "json",
        "--fail-on-regression",
    ]);
    assert_eq!(o.status.code(), Some(0), "{}", text(&o.stderr));
    let j: Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(j["accuracy"]["before"], j["accuracy"]["after"]);
    assert_eq!(j["accuracy"]["delta"], 0.0);
    assert_eq!(j["rows"]["label_changed"], 0);
    let w = j["warnings"].to_string();
    assert!(
        w.contains("'1.0' = '1'") && w.contains("matched as one"),
        "{w}"
    );
}

#[test]
fn labels_and_slice_values_equal_up_to_unicode_are_one_and_reported() {
    let dir = tempfile::tempdir().unwrap();
    let f = common::write(
        dir.path(),
        "u.csv",
        "id,label,pred,city\n1,caf\u{e9},cafe\u{301},Z\u{fc}rich\n2,dog,dog\u{200b},Zu\u{308}rich\n3,dog,dog,Bern\n",
    );
    let j = warns(&f, &["--by", "city"], "Unicode");
    assert_eq!(j["accuracy"], 1.0);
    assert_eq!(j["classes"].as_array().unwrap().len(), 2);
    assert_eq!(j["slices"][0]["groups"].as_array().unwrap().len(), 2);
    let w = j["warnings"].to_string();
    assert!(w.contains("\\\\u{301}") && w.contains("city"), "{w}");
}

#[test]
fn deep_and_long_rules_are_refused_at_their_place_or_evaluated() {
    let dir = tempfile::tempdir().unwrap();
    let plain = bad("plain.csv");
    let out = dir.path().join("x.csv");
    let filter = |rule: &str| {
        run(&[
            "export",
            plain.to_str().unwrap(),
            "--examples",
            "--show",
            "all",
            "--filter",
            rule,
            "--out",
            out.to_str().unwrap(),
        ])
    };
    let deep = format!("{}g == \"x\"{}", "(".repeat(10_000), ")".repeat(10_000));
    let o = filter(&deep);
    assert_eq!(o.status.code(), Some(2), "{}", text(&o.stderr));
    assert!(text(&o.stderr).contains("nest more than 64 deep"));
    let nots = format!("{}g == \"x\"", "not ".repeat(30_000));
    assert_eq!(filter(&nots).status.code(), Some(0));
    // A session holding a deep rule opens: the tag is marked broken, the
    // rest is intact; a rule of 200,000 alternatives (too long for one
    // command-line argument) is evaluated.
    let long = vec!["g == \"x\""; 200_000].join(" or ");
    let session = dir.path().join("s.ron");
    std::fs::write(
        &session,
        format!(
            "(version: 1, tags: [(name: \"deep\", colour: \"#000000\", rule: Some({deep:?})), (name: \"long\", colour: \"#111111\", rule: Some({long:?}))])"
        ),
    )
    .unwrap();
    let j = warns(
        &plain,
        &["--session", session.to_str().unwrap()],
        "Rule tag 'deep' matches nothing",
    );
    let tags = j["tags"].as_array().unwrap();
    let long_tag = tags
        .iter()
        .find(|t| t["tag"] == "long")
        .expect("the long rule's tag");
    assert!(long_tag["tagged"].as_f64().unwrap() > 0.0, "{long_tag}");
}

/// A CSV of `rows` rows whose column `user` has `groups` values.
fn many_groups(dir: &Path, rows: usize, groups: usize) -> PathBuf {
    use std::fmt::Write as _;
    let mut s = String::from("id,label,pred,user\n");
    for i in 0..rows {
        let label = i % 2;
        let pred = if i % 7 == 0 { 1 - label } else { label };
        writeln!(s, "{i},{label},{pred},u{}", i % groups).unwrap();
    }
    common::write(dir, "many_groups.csv", &s)
}

#[test]
fn a_slice_of_many_groups_prints_the_largest_and_bootstraps_within_a_budget() {
    let dir = tempfile::tempdir().unwrap();
    let f = many_groups(dir.path(), 6_000, 1_500);
    let file = f.to_str().unwrap();
    // JSON holds every group; text says what it left out.
    let j = warns(&f, &["--by", "user"], "");
    assert_eq!(j["slices"][0]["groups"].as_array().unwrap().len(), 1_500);
    let o = run(&["report", file, "--by", "user", "--width", "0"]);
    let t = text(&o.stdout);
    assert!(t.contains("… and 500 smaller groups, not shown"), "{t}");
    let o = run(&[
        "report",
        file,
        "--by",
        "user",
        "--all-groups",
        "--width",
        "0",
    ]);
    assert!(!text(&o.stdout).contains("smaller groups"));
    // 1,500 groups × 100,000 replicates is over the budget: refused at once.
    fails(
        &["report", file, "--by", "user", "--bootstrap", "100000"],
        2,
        "user",
        "at most 13,333 replicates",
    );
}

#[test]
fn typed_parquet_columns_are_read_as_numbers_dates_and_times() {
    // DECIMAL as label, score and an unused column.
    let j = warns(&bad("typed_decimal.parquet"), &["--by", "amount"], "");
    assert_eq!(j["rows"], 30);
    assert_eq!(j["classes"], serde_json::json!(["0", "1"]));
    assert!(j["calibration"].is_object(), "the DECIMAL score is a score");
    // Dates, timestamps, times, durations, half floats and small integers
    // as slice columns, by value or binned, ordered by time.
    let temporal = bad("typed_temporal.parquet");
    let by = [
        "day", "at", "at_utc", "clock", "wait", "half", "small", "port",
    ];
    let mut args = Vec::new();
    for c in by {
        args.extend(["--by", c]);
    }
    let j = warns(&temporal, &args, "");
    let groups = |i: usize| -> Vec<String> {
        j["slices"][i]["groups"]
            .as_array()
            .unwrap()
            .iter()
            .map(|g| g["value"].as_str().unwrap().to_string())
            .collect()
    };
    assert_eq!(groups(0), ["2024-03-01", "2024-03-02", "2024-03-03"]);
    assert_eq!(groups(1).len(), 5, "30 timestamps in 5 quantile bins");
    assert!(
        groups(1)[0].starts_with("[2024-03-01 09:00:00, "),
        "{:?}",
        groups(1)
    );
    assert!(
        groups(2)[0].starts_with("[2024-03-01 09:00:00 UTC, "),
        "{:?}",
        groups(2)
    );
    assert_eq!(groups(3), ["08:30:00", "09:30:00"]);
    assert_eq!(groups(4), ["0 s", "30 s", "60 s", "90 s"]);
    assert_eq!(groups(5), ["0.5", "1.5"]);
    assert_eq!(groups(6), ["1", "2", "3"]);
    assert_eq!(groups(7), ["80", "443"]);
    // Rules read dates as people write them.
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("x.csv");
    let o = run(&[
        "export",
        temporal.to_str().unwrap(),
        "--examples",
        "--show",
        "all",
        "--filter",
        "day >= \"2024-03-02\" and clock < \"09:00\"",
        "--out",
        out.to_str().unwrap(),
    ]);
    assert_eq!(o.status.code(), Some(0), "{}", text(&o.stderr));
    assert!(
        text(&o.stderr).contains("wrote 10 example(s)"),
        "{}",
        text(&o.stderr)
    );
    // Columns no reader can hold are left out, named; the rest is read.
    let odd = bad("typed_odd.parquet");
    let j = warns(&odd, &[], "Column 'blob' holds binary data");
    assert!(j["warnings"].to_string().contains("'huge'"));
    assert_eq!(j["rows"], 30);
    // A report by device reads only what it needs: not those columns.
    let j = warns(&odd, &["--by", "device"], "Positive class");
    assert_eq!(j["rows"], 30);
    let said = j["warnings"].to_string();
    assert!(
        !said.contains("'blob'") && !said.contains("'huge'"),
        "{said}"
    );
    // A role column that cannot work is refused, naming it.
    fails(
        &["report", odd.to_str().unwrap(), "--label", "huge"],
        3,
        "typed_odd.parquet",
        "column 'huge' cannot be read",
    );
}

#[test]
fn cube_queries_refuse_names_with_control_characters_and_quote_commas() {
    let base = [
        "cube",
        "--sql",
        "--table",
        "t",
        "--label",
        "label",
        "--dialect",
        "duckdb",
    ];
    let mut args: Vec<&str> = base.to_vec();
    args.extend(["--pred", "a\n--"]);
    fails(&args, 2, "a\\n--", "control character");
    let mut args: Vec<&str> = base.to_vec();
    args.extend([
        "--pred",
        "pred",
        "--by",
        " FROM t; COPY (SELECT 1) TO 'x';\nSELECT ",
    ]);
    fails(&args, 2, "COPY", "control character");
    // A column whose name holds a comma, in backticks.
    let mut args: Vec<&str> = base.to_vec();
    args.extend(["--pred", "pred", "--by", "`a,b`,c"]);
    let o = run(&args);
    assert_eq!(o.status.code(), Some(0), "{}", text(&o.stderr));
    let sql = text(&o.stdout);
    assert!(sql.contains("\"a,b\"") && sql.contains("\"c\""), "{sql}");
    assert!(
        !sql.contains("--") && !sql.trim_end().ends_with(';'),
        "{sql}"
    );
}
