//! The `slicewise` binary as a user runs it: reports on the sample, exports,
//! generation, and a clear error with exit code 3 for every kind of bad input.

#![allow(clippy::unwrap_used, clippy::expect_used)] // Tests fail loudly on purpose.

mod common;

use std::path::Path;
use std::process::{Command, Output};

use serde_json::Value;

fn slicewise(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_slicewise"))
        .args(args)
        .env_remove("COLUMNS")
        .output()
        .expect("the binary runs")
}

fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

fn path(p: &Path) -> &str {
    p.to_str().unwrap()
}

/// Runs a report that must fail with exit 3 and an error naming `file`;
/// returns the message.
fn bad_input(args: &[&str], file: &str) -> String {
    let o = slicewise(args);
    let err = stderr(&o);
    assert_eq!(o.status.code(), Some(3), "exit code for {args:?}: {err}");
    assert!(err.starts_with("error: "), "{err}");
    assert!(
        err.contains(file),
        "the message names the file {file}: {err}"
    );
    assert!(!err.contains("panicked"), "{err}");
    assert_eq!(err.trim_end().lines().count(), 1, "one paragraph: {err}");
    err
}

#[test]
fn report_on_the_sample_prints_every_section() {
    let sample = common::sample_csv();
    let o = slicewise(&[
        "report",
        path(&sample),
        "--by",
        "device",
        "--by",
        "gender,accent",
        "--positive",
        "yes",
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    let out = stdout(&o);
    for section in [
        "Prioritise what to work on",
        "== Overall ==",
        "== Per class ==",
        "== Confusion matrix",
        "== Slice: device ==",
        "== Slice: gender & accent ==",
    ] {
        assert!(out.contains(section), "missing {section}:\n{out}");
    }
    // The course's table: shares as percentages, the gap and the lift in
    // accuracy points.
    let clean = out.lines().find(|l| l.starts_with("clean speech")).unwrap();
    for cell in ["6,000", "60.0%", "94.0%", "95.0%", "+1.0 pt", "+0.60 pt"] {
        assert!(clean.contains(cell), "{cell} in {clean}");
    }
    assert!(
        out.lines()
            .any(|l| l.starts_with("low bandwidth") && l.contains("+0.00 pt"))
    );
    assert!(out.contains("Disparity: accuracy difference"));
}

#[test]
fn text_reports_fit_the_terminal_width() {
    let sample = common::sample_csv();
    let args = [
        "report",
        path(&sample),
        "--by",
        "device",
        "--positive",
        "yes",
    ];
    let wide = stdout(&slicewise(&args));
    assert!(
        wide.lines().any(|l| l.chars().count() > 100),
        "into a pipe nothing is left out"
    );
    let narrow = |o: Output| {
        assert!(o.status.success(), "{}", stderr(&o));
        let out = stdout(&o);
        let widest = out.lines().map(|l| l.chars().count()).max().unwrap_or(0);
        assert!(widest <= 80, "a line of {widest} characters:\n{out}");
        assert!(
            out.contains("left out to fit 80 columns: 95% interval of lift"),
            "{out}"
        );
        // What a reader needs is still there.
        let clean = out.lines().find(|l| l.starts_with("clean speech")).unwrap();
        for cell in ["60.0%", "94.0%", "95.0%", "+0.60 pt"] {
            assert!(clean.contains(cell), "{cell} in {clean}");
        }
        out
    };
    let by_flag = narrow(slicewise(&[&args[..], &["--width", "80"]].concat()));
    let by_env = narrow(
        Command::new(env!("CARGO_BIN_EXE_slicewise"))
            .args(args)
            .env("COLUMNS", "80")
            .output()
            .unwrap(),
    );
    assert_eq!(by_flag, by_env);
    // --width 0 and a file never leave anything out.
    assert_eq!(
        stdout(&slicewise(&[&args[..], &["--width", "0"]].concat())),
        wide
    );
    // Without --by, the report says how to get slices.
    let plain = stdout(&slicewise(&["report", path(&sample)]));
    assert!(plain.contains("No slices: pass --by COL"), "{plain}");
    assert!(plain.contains("device"), "{plain}");
}

#[test]
fn json_report_follows_the_contract() {
    let o = slicewise(&[
        "report",
        path(&common::sample_csv()),
        "--by",
        "device",
        "--positive",
        "yes",
        "--format",
        "json",
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    let j: Value = serde_json::from_slice(&o.stdout).unwrap();
    for key in [
        "rows",
        "classes",
        "accuracy",
        "balanced_accuracy",
        "confusion",
        "per_class",
        "averages",
        "positive",
        "slices",
        "tags",
        "human",
    ] {
        assert!(j.get(key).is_some(), "missing top-level key {key}");
    }
    assert_eq!(j["rows"], 10_000);
    assert_eq!(j["confusion"]["labels"].as_array().unwrap().len(), 10);
    for key in ["class", "precision", "recall", "f1", "support"] {
        assert!(j["per_class"][0].get(key).is_some(), "per_class.{key}");
    }
    for avg in ["micro", "macro", "weighted"] {
        for key in ["precision", "recall", "f1"] {
            assert!(j["averages"][avg][key].is_number(), "averages.{avg}.{key}");
        }
    }
    for key in [
        "class",
        "tpr",
        "fpr",
        "fnr",
        "tnr",
        "precision",
        "selection_rate",
    ] {
        assert!(j["positive"].get(key).is_some(), "positive.{key}");
    }
    let slice = &j["slices"][0];
    assert_eq!(slice["column"], "device");
    for key in [
        "value",
        "count",
        "share",
        "accuracy",
        "error_rate",
        "fpr",
        "fnr",
        "tpr",
        "precision",
        "selection_rate",
        "ci",
        "low_support",
    ] {
        assert!(slice["groups"][0].get(key).is_some(), "groups.{key}");
    }
    for key in [
        "demographic_parity_difference",
        "demographic_parity_ratio",
        "equalized_odds_difference",
        "equalized_odds_ratio",
        "accuracy_difference",
    ] {
        assert!(slice["disparity"][key].is_number(), "disparity.{key}");
    }
    let tag = j["tags"]
        .as_array()
        .unwrap()
        .iter()
        .find(|t| t["tag"] == "car noise")
        .unwrap();
    for key in [
        "tag",
        "tagged",
        "tagged_errors",
        "share_of_errors",
        "error_rate",
        "share_of_data",
        "accuracy",
        "hlp",
        "hlp_source",
        "gap",
        "expected_lift",
        "priority",
        "coverage",
        "ci",
    ] {
        assert!(tag.get(key).is_some(), "tags.{key}");
    }
    assert!((tag["expected_lift"].as_f64().unwrap() - 0.0016).abs() < 1e-12);
    assert_eq!(tag["hlp_source"], "typed");
    // Undefined values are null, not 0: nothing is reviewed, so manual tags have no share of errors.
    let manual = j["tags"]
        .as_array()
        .unwrap()
        .iter()
        .find(|t| t["tag"] == "mumbling")
        .unwrap();
    assert!(manual["share_of_errors"].is_null());
    assert!(j["human"]["accuracy"].is_number() && j["human"]["per_class"].is_array());
}

#[test]
fn csv_and_markdown_reports_and_out_files() {
    let dir = tempfile::tempdir().unwrap();
    let sample = common::sample_csv();
    let csv = dir.path().join("r.csv");
    let o = slicewise(&[
        "report",
        path(&sample),
        "--by",
        "device",
        "--out",
        path(&csv),
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(o.stdout.is_empty(), "--out writes the file, not stdout");
    let text = std::fs::read_to_string(&csv).unwrap();
    assert!(text.starts_with("section,key,group,metric,value,ci_low,ci_high\n"));
    assert!(text.contains("slices,device,phone,accuracy,"));
    assert!(text.contains("tags,car noise,,expected_lift,0.0016"));
    let md = slicewise(&["report", path(&sample), "--format", "md"]);
    assert!(stdout(&md).contains("| tag | tagged |"), "{}", stdout(&md));
}

#[test]
fn timings_go_to_stderr() {
    let o = slicewise(&[
        "report",
        path(&common::sample_csv()),
        "--timings",
        "--format",
        "json",
    ]);
    let err = stderr(&o);
    assert!(
        err.contains("timings: load")
            && err.contains("compute")
            && err.contains("output")
            && err.contains("total"),
        "{err}"
    );
    // What a row costs after loading: the sample's labels and predictions
    // are two 4-byte codes a row.
    assert!(
        err.contains("memory after loading: ") && err.contains("labels and predictions 8.0"),
        "{err}"
    );
    assert!(
        serde_json::from_slice::<Value>(&o.stdout).is_ok(),
        "stdout stays clean JSON"
    );
}

#[test]
fn export_writes_csv_markdown_and_html() {
    let dir = tempfile::tempdir().unwrap();
    let sample = common::sample_csv();
    let session = common::sample_session();
    for ext in ["csv", "md", "html"] {
        let out = dir.path().join(format!("table.{ext}"));
        let o = slicewise(&[
            "export",
            path(&sample),
            "--session",
            path(&session),
            "--out",
            path(&out),
        ]);
        assert!(o.status.success(), "{}", stderr(&o));
        let text = std::fs::read_to_string(&out).unwrap();
        assert!(
            text.contains("clean speech") && text.contains("people noise"),
            "{ext}: {text}"
        );
        match ext {
            "csv" => {
                let header = text.lines().next().unwrap();
                assert!(header.starts_with(
                    "tag,kind,rule,tagged,tagged_errors,share_of_errors,share_of_errors_ci_low"
                ));
                // Sorted by expected lift: low bandwidth (0) after car noise (0.16%).
                let order: Vec<&str> = text
                    .lines()
                    .skip(1)
                    .map(|l| l.split(',').next().unwrap())
                    .collect();
                let pos = |t: &str| order.iter().position(|x| *x == t).unwrap();
                assert!(pos("car noise") < pos("low bandwidth"));
            }
            "md" => assert!(text.contains("| clean speech (rule) | 6,000 |")),
            _ => {
                assert!(text.starts_with("<!DOCTYPE html>") && text.contains("</table>"));
                assert!(!text.contains("<script"), "self-contained and inert");
                assert!(text.len() < 20_000, "small: {} bytes", text.len());
            }
        }
    }
    let bad = slicewise(&[
        "export",
        path(&sample),
        "--out",
        path(&dir.path().join("table.xlsx")),
    ]);
    assert_eq!(bad.status.code(), Some(2));
    assert!(stderr(&bad).contains(".csv, .md or .html"));
}

#[test]
fn generate_is_deterministic_in_every_format() {
    let dir = tempfile::tempdir().unwrap();
    let a = dir.path().join("a.csv");
    let b = dir.path().join("b.csv");
    for p in [&a, &b] {
        assert!(
            slicewise(&[
                "generate",
                "--rows",
                "2000",
                "--seed",
                "7",
                "--out",
                path(p)
            ])
            .status
            .success()
        );
    }
    assert_eq!(std::fs::read(&a).unwrap(), std::fs::read(&b).unwrap());
    // Parquet and NDJSON load to the same numbers as CSV.
    let report = |p: &Path| -> Value {
        let o = slicewise(&["report", path(p), "--by", "device", "--format", "json"]);
        assert!(o.status.success(), "{}: {}", p.display(), stderr(&o));
        serde_json::from_slice(&o.stdout).unwrap()
    };
    let csv = report(&a);
    for ext in ["parquet", "ndjson"] {
        let p = dir.path().join(format!("a.{ext}"));
        assert!(
            slicewise(&[
                "generate",
                "--rows",
                "2000",
                "--seed",
                "7",
                "--out",
                path(&p)
            ])
            .status
            .success()
        );
        let other = report(&p);
        for key in ["rows", "accuracy", "per_class", "confusion", "slices"] {
            assert_eq!(other[key], csv[key], "{ext}: {key}");
        }
    }
}

#[test]
fn delimiters_are_sniffed_and_roles_can_be_named() {
    let dir = tempfile::tempdir().unwrap();
    let semi = common::write(
        dir.path(),
        "semi.csv",
        "ID;Truth;Guess;Conf;site\n1;a;a;0,9;x\n2;b;a;0,4;y\n3;b;b;0,8;x\n",
    );
    let o = slicewise(&[
        "report",
        path(&semi),
        "--pred",
        "Guess",
        "--score",
        "Conf",
        "--format",
        "json",
        "--by",
        "site",
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    let j: Value = serde_json::from_slice(&o.stdout).unwrap();
    assert!((j["accuracy"].as_f64().unwrap() - 2.0 / 3.0).abs() < 1e-12);
    let tab = common::write(
        dir.path(),
        "t.tsv",
        "label\tprediction\tnote\n1\t1\t\"a\tb\"\n0\t1\tc\n",
    );
    let o = slicewise(&[
        "report",
        path(&tab),
        "--input-format",
        "csv",
        "--format",
        "json",
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    let j: Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(j["rows"], 2);
    assert_eq!(j["classes"], serde_json::json!(["0", "1"]));
}

#[test]
fn labels_and_predictions_share_one_class_dictionary() {
    let dir = tempfile::tempdir().unwrap();
    // Integer labels and string predictions: 1 and "1" are one class; "3" is predicted only.
    let f = common::write(
        dir.path(),
        "mixed.ndjson",
        "{\"label\": 1, \"pred\": \"1\"}\n{\"label\": 2, \"pred\": \"3\"}\n{\"label\": 2, \"pred\": \"2\"}\n",
    );
    let o = slicewise(&["report", path(&f), "--format", "json"]);
    assert!(o.status.success(), "{}", stderr(&o));
    let j: Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(j["classes"], serde_json::json!(["1", "2", "3"]));
    assert!((j["accuracy"].as_f64().unwrap() - 2.0 / 3.0).abs() < 1e-12);
    let bools = common::write(
        dir.path(),
        "b.csv",
        "y_true,y_pred\ntrue,true\nfalse,true\n",
    );
    let j: Value =
        serde_json::from_slice(&slicewise(&["report", path(&bools), "--format", "json"]).stdout)
            .unwrap();
    assert_eq!(
        j["positive"]["class"], "true",
        "binary true/false gets its positive class"
    );
}

#[test]
fn ndjson_columns_whose_type_changes_late_are_read_whole() {
    use std::fmt::Write as _;
    let dir = tempfile::tempdir().unwrap();
    // Column types are inferred from the first 10,000 rows; here a slice
    // column is empty and then text, another integer and then fractional.
    let mut text = String::new();
    for i in 0..10_050 {
        let (device, snr) = if i < 10_020 {
            ("null".to_string(), "3".to_string())
        } else {
            ("\"phone\"".to_string(), "2.5".to_string())
        };
        writeln!(
            text,
            "{{\"id\": {i}, \"label\": \"a\", \"pred\": \"a\", \"device\": {device}, \"snr\": {snr}}}"
        )
        .unwrap();
    }
    let f = common::write(dir.path(), "late.ndjson", &text);
    let o = slicewise(&[
        "report",
        path(&f),
        "--by",
        "device",
        "--by",
        "snr",
        "--format",
        "json",
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    let j: Value = serde_json::from_slice(&o.stdout).unwrap();
    let groups = |k: usize| -> Vec<(String, u64)> {
        j["slices"][k]["groups"]
            .as_array()
            .unwrap()
            .iter()
            .map(|g| {
                (
                    g["value"].as_str().unwrap().to_string(),
                    g["count"].as_u64().unwrap(),
                )
            })
            .collect()
    };
    assert_eq!(
        groups(0),
        [("phone".to_string(), 30), ("(missing)".to_string(), 10_020)]
    );
    assert_eq!(
        groups(1),
        [("2.5".to_string(), 30), ("3".to_string(), 10_020)]
    );
}

#[test]
fn bad_input_files_get_clear_errors() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let cases: Vec<(&str, &[u8], &[&str])> = vec![
        ("empty.csv", b"", &["empty"]),
        (
            "header.csv",
            b"id,label,pred\n",
            &["no data rows", "id, label, pred"],
        ),
        (
            "noroles.csv",
            b"a,b,c\n1,2,3\n",
            &[
                "No true-label column",
                "Columns seen: a, b, c",
                "--label COL",
            ],
        ),
        (
            "nopred.csv",
            b"label,b\n1,2\n",
            &["No prediction column", "--pred COL"],
        ),
        (
            "nulls.csv",
            b"id,label,pred\n1,a,a\n2,,a\n3,b,b\n4,,b\n",
            &["'label'", "2 empty value(s)", "data rows 2, 4"],
        ),
        (
            "prednull.csv",
            b"id,label,pred\n1,a,a\n2,b,\n",
            &["prediction column 'pred'", "data rows 2"],
        ),
        (
            "short.csv",
            b"id,label,pred\n1,a,a\n2,b,a\n3,a\n",
            &["Line 4", "2 field(s)", "header has 3"],
        ),
        (
            "long.csv",
            b"id,label,pred\n1,a,a\n2,b,a,x\n",
            &["Line 3", "4 field(s)"],
        ),
        (
            "latin1.csv",
            b"id,label,pred\n1,caf\xe9,a\n",
            &["Line 2", "not valid UTF-8", "iconv"],
        ),
        (
            "dups.csv",
            b"id,label,pred\n7,a,a\n8,b,a\n7,a,b\n",
            &["id column 'id'", "'7' on data rows 1, 3", "--id COL"],
        ),
        (
            "score.csv",
            b"label,pred,score\na,a,0.5\nb,a,high\n",
            &["score column 'score'", "'high' on data row 2"],
        ),
        ("data.xlsx", b"PK", &["extension 'xlsx'", "--input-format"]),
    ];
    for (name, bytes, needles) in cases {
        let p = d.join(name);
        std::fs::write(&p, bytes).unwrap();
        let err = bad_input(&["report", path(&p)], name);
        for n in needles {
            assert!(err.contains(n), "{name}: '{n}' not in: {err}");
        }
    }
    let err = bad_input(
        &["report", path(&d.join("nothing-here.csv"))],
        "nothing-here.csv",
    );
    assert!(err.contains("does not exist"), "{err}");
}

#[test]
fn bad_options_against_the_data_get_clear_errors() {
    let sample = common::sample_csv();
    let s = path(&sample);
    let err = bad_input(&["report", s, "--by", "devcie"], "speech_commands.csv");
    assert!(
        err.contains("'devcie'") && err.contains("device, gender, accent"),
        "{err}"
    );
    let err = bad_input(&["report", s, "--positive", "maybe"], "speech_commands.csv");
    assert!(
        err.contains("'maybe' is not a class") && err.contains("yes"),
        "{err}"
    );
    let err = bad_input(&["report", s, "--label", "truth"], "speech_commands.csv");
    assert!(err.contains("--label names column 'truth'"), "{err}");
    let err = bad_input(
        &["report", s, "--by", "device", "--reference", "toaster"],
        "speech_commands.csv",
    );
    assert!(err.contains("'toaster' is not a group of device"), "{err}");
}

#[test]
fn bad_arguments_exit_with_2() {
    assert_eq!(slicewise(&["report"]).status.code(), Some(2));
    assert_eq!(
        slicewise(&["report", "x.csv", "--format", "xml"])
            .status
            .code(),
        Some(2)
    );
    assert_eq!(
        slicewise(&["report", "x.csv", "--sort", "bogus"])
            .status
            .code(),
        Some(2)
    );
    assert_eq!(
        slicewise(&["generate", "--rows", "0", "--out", "/tmp/x.csv"])
            .status
            .code(),
        Some(2)
    );
}

#[test]
fn bad_sessions_get_clear_errors_and_foreign_ones_a_warning() {
    let dir = tempfile::tempdir().unwrap();
    let data = common::copy_sample(dir.path());
    let session = common::write(
        dir.path(),
        "broken.slicewise.ron",
        "(\n  version: 1,\n  tags: [(name: \"x\",, )],\n)\n",
    );
    let err = bad_input(
        &["report", path(&data), "--session", path(&session)],
        "broken.slicewise.ron",
    );
    assert!(err.contains("line 3, column"), "{err}");
    let newer = common::write(
        dir.path(),
        "newer.slicewise.ron",
        "(version: 7, tags: [])\n",
    );
    let err = bad_input(
        &["report", path(&data), "--session", path(&newer)],
        "newer.slicewise.ron",
    );
    assert!(
        err.contains("version 7") && err.contains("Update Slicewise"),
        "{err}"
    );
    let err = bad_input(
        &[
            "report",
            path(&data),
            "--session",
            path(&dir.path().join("none.ron")),
        ],
        "none.ron",
    );
    assert!(err.contains("does not exist"), "{err}");

    // A session made for another file: a warning, and tags still apply by id.
    let mut text = std::fs::read_to_string(&data).unwrap();
    text.push_str("utt99999,yes,no,0.5,phone,male,american,20.0,clean,wideband,yes\n");
    let other = common::write(dir.path(), "other.csv", &text);
    let o = slicewise(&[
        "report",
        path(&other),
        "--session",
        path(&common::sample_session()),
        "--format",
        "json",
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    let err = stderr(&o);
    assert!(
        err.contains("warning: This session was made for 'speech_commands.csv'")
            && err.contains("matched by id"),
        "{err}"
    );
    let j: Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(j["rows"], 10_001);
}

#[test]
fn the_default_session_beside_the_data_is_used() {
    let dir = tempfile::tempdir().unwrap();
    let data = common::copy_sample(dir.path());
    let o = slicewise(&["report", path(&data), "--format", "json"]);
    let j: Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(j["tags"].as_array().unwrap().len(), 0, "no session yet");
    std::fs::copy(
        common::sample_session(),
        dir.path().join("speech_commands.slicewise.ron"),
    )
    .unwrap();
    let o = slicewise(&["report", path(&data), "--format", "json"]);
    let j: Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(j["tags"].as_array().unwrap().len(), 7);
}

#[test]
fn scores_watch_list_and_bootstrap_in_the_report() {
    let sample = common::sample_csv();
    let o = slicewise(&[
        "report",
        path(&sample),
        "--positive",
        "yes",
        "--watch",
        "yes:left",
        "--watch",
        "no:go",
        "--by",
        "gender",
        "--bootstrap",
        "200",
        "--format",
        "json",
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    let j: Value = serde_json::from_slice(&o.stdout).unwrap();
    // The generator's score is the confidence in the prediction: with ten
    // classes it gives no one-vs-rest curves for "yes", but calibration and
    // risk–coverage.
    assert!(j["scores"].is_null(), "{}", j["scores"]);
    assert!(
        j["warnings"]
            .as_array()
            .unwrap()
            .iter()
            .any(|w| w.as_str().unwrap().contains("no one-vs-rest curves"))
    );
    assert_eq!(j["calibration"]["basis"], "top_label");
    assert_eq!(j["risk_coverage"]["points"].as_array().unwrap().len(), 19);
    let watch = j["watch"].as_array().unwrap();
    assert_eq!(watch.len(), 2);
    let yes = j["classes"]
        .as_array()
        .unwrap()
        .iter()
        .position(|c| c == "yes")
        .unwrap();
    let left = j["classes"]
        .as_array()
        .unwrap()
        .iter()
        .position(|c| c == "left")
        .unwrap();
    assert_eq!(watch[0]["count"], j["confusion"]["matrix"][yes][left]);
    assert!(j["slices"][0]["disparity_ci"]["equalized_odds_difference"].is_array());
    assert!(
        stderr(&o).is_empty(),
        "no warnings on stderr: {}",
        stderr(&o)
    );
    let text = stdout(&slicewise(&[
        "report",
        path(&sample),
        "--positive",
        "yes",
        "--watch",
        "yes:left",
    ]));
    assert!(
        text.contains("== Costly confusions ==") && text.contains("yes → left"),
        "{text}"
    );
    assert!(
        !text.contains("== Scores ==")
            && text.contains("== Calibration ==")
            && text.contains("== Risk–coverage =="),
        "{text}"
    );
}

#[test]
fn thresholds_change_the_slice_decisions() {
    let dir = tempfile::tempdir().unwrap();
    let f = common::write(
        dir.path(),
        "b.csv",
        "label,pred,score,g\n1,1,0.9,a\n1,0,0.4,a\n0,0,0.2,b\n0,1,0.6,b\n1,1,0.7,b\n0,0,0.1,a\n",
    );
    let at = |t: &str| -> Value {
        let o = slicewise(&[
            "report",
            path(&f),
            "--by",
            "g",
            "--threshold",
            t,
            "--score-is",
            "positive",
            "--format",
            "json",
        ]);
        assert!(o.status.success(), "{}", stderr(&o));
        serde_json::from_slice(&o.stdout).unwrap()
    };
    let low = at("0.3");
    let high = at("0.65");
    let fpr = |j: &Value, g: &str| {
        j["slices"][0]["groups"]
            .as_array()
            .unwrap()
            .iter()
            .find(|x| x["value"] == g)
            .unwrap()["fpr"]
            .as_f64()
            .unwrap()
    };
    assert!(
        (fpr(&low, "b") - 0.5).abs() < 1e-12,
        "0.6 >= 0.3 is a false positive in b"
    );
    assert!(fpr(&high, "b").abs() < 1e-12, "0.6 < 0.65 is not");
    assert_eq!(low["slices"][0]["threshold"], 0.3);
}

#[test]
fn bad_score_and_watch_options_get_clear_errors() {
    let dir = tempfile::tempdir().unwrap();
    let f = common::write(dir.path(), "noscore.csv", "label,pred\n1,1\n0,1\n");
    let err = bad_input(&["report", path(&f), "--threshold", "0.5"], "noscore.csv");
    assert!(err.contains("--threshold needs a score column"), "{err}");
    let err = bad_input(
        &[
            "report",
            path(&common::sample_csv()),
            "--watch",
            "yes:maybe",
        ],
        "speech_commands.csv",
    );
    assert!(err.contains("'maybe' is not a class"), "{err}");
    assert_eq!(
        slicewise(&["report", path(&f), "--watch", "nocolon"])
            .status
            .code(),
        Some(2)
    );
    assert_eq!(
        slicewise(&["report", path(&f), "--score-is", "sometimes"])
            .status
            .code(),
        Some(2)
    );
}

#[test]
fn small_and_multiline_files_load_whole() {
    let dir = tempfile::tempdir().unwrap();
    // One row and no newline at the end.
    let one = common::write(dir.path(), "one.csv", "label,pred\na,b");
    let j: Value =
        serde_json::from_slice(&slicewise(&["report", path(&one), "--format", "json"]).stdout)
            .unwrap();
    assert_eq!(j["rows"], 1);
    // A quoted value with a line break inside.
    let multi = common::write(
        dir.path(),
        "multi.csv",
        "id,label,pred,text\n1,a,a,\"two\nlines\"\n2,b,a,plain\n",
    );
    let o = slicewise(&["report", path(&multi), "--format", "json"]);
    assert!(o.status.success(), "{}", stderr(&o));
    let j: Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(j["rows"], 2);
}

#[test]
fn export_examples_hands_on_the_selected_rows_with_every_column_tags_and_note() {
    use slicewise::core::load::read_raw;
    let dir = tempfile::tempdir().unwrap();
    let data = common::sample_csv();
    let ds = common::load(&data);
    // Examples of the sample with these options, to `out`.
    let export = |out: &std::path::Path, options: &[&str]| {
        let mut args = vec!["export", path(&data), "--examples"];
        args.extend(options);
        args.extend(["--out", path(out)]);
        slicewise(&args)
    };
    // Default: every misclassified row, all columns plus tags and note.
    let out = dir.path().join("errors.csv");
    let o = export(&out, &[]);
    assert!(o.status.success(), "{}", stderr(&o));
    let df = read_raw(&out, None).unwrap();
    assert_eq!(df.height(), ds.errors());
    let names: Vec<String> = df
        .get_column_names()
        .iter()
        .map(ToString::to_string)
        .collect();
    assert_eq!(
        names,
        [
            "id",
            "label",
            "pred",
            "score",
            "device",
            "gender",
            "accent",
            "snr",
            "noise",
            "bandwidth",
            "human",
            "tags",
            "note"
        ]
    );
    // The sample's rule tags name each row's condition; cells are as written
    // in the data ("0.2780" keeps its trailing zero).
    let text = std::fs::read_to_string(&out).unwrap();
    let first = text.lines().nth(1).unwrap();
    assert!(first.starts_with("utt00019,up,off,0.2780,"), "{first}");
    assert!(first.contains(",clean speech,"), "{first}");
    // --show, --filter and --tag together, as Parquet.
    let out = dir.path().join("car.parquet");
    let o = export(
        &out,
        &[
            "--show",
            "all",
            "--filter",
            "snr < 10",
            "--tag",
            "car noise",
        ],
    );
    assert!(o.status.success(), "{}", stderr(&o));
    let expected = slicewise::core::rules::evaluate(&ds, r#"snr < 10 and noise == "car""#)
        .unwrap()
        .count_ones();
    let df = read_raw(&out, None).unwrap();
    assert_eq!(df.height(), expected);
    assert!(stderr(&o).contains(&format!("wrote {expected} example(s)")));
    // --show all alone: every row, in order, each cell as the file has it
    // (the frame as read, not a copy of its rows), with tags and note.
    let out = dir.path().join("all.parquet");
    let o = export(&out, &["--show", "all"]);
    assert!(o.status.success(), "{}", stderr(&o));
    let all = read_raw(&out, None).unwrap();
    let raw = read_raw(&data, None).unwrap();
    assert_eq!(all.height(), ds.rows());
    assert!(
        all.drop_many(["tags", "note"]).equals_missing(&raw),
        "the data's cells, in order"
    );
    // The first row's condition, as the sample's rule tags name it.
    let tags = all.column("tags").unwrap().str().unwrap().clone();
    assert_eq!(tags.get(0), Some("people noise"));
    // Mistakes are clear errors.
    let o = slicewise(&[
        "export",
        path(&data),
        "--examples",
        "--tag",
        "car nosie",
        "--out",
        path(&out),
    ]);
    assert_eq!(o.status.code(), Some(3));
    assert!(
        stderr(&o).contains("Did you mean 'car noise'?"),
        "{}",
        stderr(&o)
    );
    let o = slicewise(&["export", path(&data), "--examples", "--out", "x.xlsx"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains(".csv or .parquet"));
    let o = slicewise(&[
        "export",
        path(&data),
        "--filter",
        "snr < 3",
        "--out",
        "x.csv",
    ]);
    assert_eq!(o.status.code(), Some(2), "--filter needs --examples");
}

#[test]
fn compare_prints_the_paired_change_and_gates_on_regressions() {
    let dir = tempfile::tempdir().unwrap();
    let before = common::write(
        dir.path(),
        "before.csv",
        "id,label,pred,device\n1,a,a,x\n2,a,b,x\n3,b,b,y\n4,b,b,y\n5,a,a,y\n6,b,a,x\n",
    );
    // Other order; 2 and 6 fixed, 4 and 5 broken (both in y).
    let after = common::write(
        dir.path(),
        "after.csv",
        "id,label,pred\n6,b,b\n5,a,b\n4,b,a\n3,b,b\n2,a,a\n1,a,a\n",
    );
    let o = slicewise(&[
        "compare",
        path(&before),
        path(&after),
        "--by",
        "device",
        "--format",
        "json",
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    let j: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(j["rows"]["matched"], 6);
    assert_eq!(j["flips"]["fixed"], 2);
    assert_eq!(j["flips"]["broken"], 2);
    assert_eq!(j["accuracy"]["delta"], 0.0);
    assert_eq!(j["accuracy"]["p_value"], 1.0);
    let groups = j["slices"][0]["groups"].as_array().unwrap();
    assert_eq!(groups[1]["value"], "y");
    assert_eq!(groups[1]["broken"], 2);
    // 2 of 3 broken is no significant regression: the gate passes.
    let o = slicewise(&[
        "compare",
        path(&before),
        path(&after),
        "--by",
        "device",
        "--fail-on-regression",
    ]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert!(
        stdout(&o).contains("McNemar exact p = 1.0000"),
        "{}",
        stdout(&o)
    );
    // Runs that share no id.
    let other = common::write(dir.path(), "other.csv", "id,label,pred\n10,a,a\n11,b,a\n");
    let o = slicewise(&["compare", path(&before), path(&other)]);
    assert_eq!(o.status.code(), Some(3));
    assert!(stderr(&o).contains("ids do not overlap"), "{}", stderr(&o));
    let o = slicewise(&[
        "compare",
        path(&before),
        path(&after),
        "--significance",
        "2",
    ]);
    assert_eq!(o.status.code(), Some(2));
    // Markdown for a pull request: headings and pipe tables.
    let md = dir.path().join("change.md");
    let o = slicewise(&[
        "compare",
        path(&before),
        path(&after),
        "--by",
        "device",
        "--out",
        path(&md),
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    let text = std::fs::read_to_string(&md).unwrap();
    assert!(text.starts_with("# Slicewise compare: "), "{text}");
    assert!(
        text.contains("## By device") && text.contains("| device |"),
        "{text}"
    );
    assert!(text.contains("McNemar exact p = 1.0000\n\n"), "{text}");
    // CSV: a row per number; HTML: one page with a table per section.
    let csv = dir.path().join("change.csv");
    let o = slicewise(&[
        "compare",
        path(&before),
        path(&after),
        "--by",
        "device",
        "--positive",
        "b",
        "--out",
        path(&csv),
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    let text = std::fs::read_to_string(&csv).unwrap();
    assert!(
        text.starts_with("section,key,group,metric,value,ci_low,ci_high\n"),
        "{text}"
    );
    assert!(text.contains("\nslice,device,y,broken,2,,\n"), "{text}");
    assert!(text.contains("\noverall,,,matched,6,,\n"), "{text}");
    // b positive: in y, 3 and 4 are b; 4 was predicted b and is now a.
    assert!(text.contains("\nslice,device,y,tpr_before,1,,\n"), "{text}");
    assert!(
        text.contains("\nslice,device,y,tpr_after,0.5,,\n"),
        "{text}"
    );
    let html = dir.path().join("change.html");
    let o = slicewise(&[
        "compare",
        path(&before),
        path(&after),
        "--by",
        "device",
        "--out",
        path(&html),
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    let text = std::fs::read_to_string(&html).unwrap();
    assert!(text.starts_with("<!DOCTYPE html>"), "{text}");
    assert!(
        text.contains("<h2>By device</h2>")
            && text.contains("<th style=\"text-align:left\">device</th>"),
        "{text}"
    );
    // An unknown positive class is a usage error naming the classes.
    let o = slicewise(&["compare", path(&before), path(&after), "--positive", "c"]);
    assert_ne!(o.status.code(), Some(0));
    assert!(stderr(&o).contains("'c'"), "{}", stderr(&o));
}

#[test]
fn compare_reads_two_models_from_one_file_and_differently_named_columns() {
    let dir = tempfile::tempdir().unwrap();
    let both = common::write(
        dir.path(),
        "both.csv",
        "id,label,model_a,model_b\n1,x,x,x\n2,x,y,x\n3,y,y,x\n4,y,x,y\n",
    );
    let o = slicewise(&[
        "compare",
        path(&both),
        "--pred",
        "model_a",
        "--pred-after",
        "model_b",
        "--format",
        "json",
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    let j: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(j["flips"]["fixed"], 2, "rows 2 and 4");
    assert_eq!(j["flips"]["broken"], 1, "row 3");
    // The model against the human labellers: the human column is the second
    // run's prediction, not its human-label column.
    let human = common::write(
        dir.path(),
        "human.csv",
        "id,label,pred,human\n1,x,x,x\n2,x,y,x\n3,y,y,x\n",
    );
    let o = slicewise(&[
        "compare",
        path(&human),
        "--pred-after",
        "human",
        "--format",
        "json",
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    let j: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(
        (j["flips"]["fixed"].as_u64(), j["flips"]["broken"].as_u64()),
        (Some(1), Some(1))
    );
    // A second file whose columns are named differently.
    let other = common::write(
        dir.path(),
        "other.csv",
        "key,truth,guess\n4,y,y\n3,y,y\n2,x,y\n1,x,x\n",
    );
    let o = slicewise(&[
        "compare",
        path(&both),
        path(&other),
        "--pred",
        "model_a",
        "--label-after",
        "truth",
        "--pred-after",
        "guess",
        "--id-after",
        "key",
        "--format",
        "json",
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    let j: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(j["rows"]["matched"], 4);
    assert_eq!(
        (j["flips"]["fixed"].as_u64(), j["flips"]["broken"].as_u64()),
        (Some(1), Some(0)),
        "row 4 fixed"
    );
    // Without a second run there is nothing to compare.
    let o = slicewise(&["compare", path(&both)]);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("--pred-after"), "{}", stderr(&o));
}

#[test]
fn discover_finds_the_planted_slices_and_says_what_is_wrong_with_bad_arguments() {
    use std::fmt::Write as _;
    let data = common::root().join("tests/data/discover/planted.csv");
    let o = slicewise(&[
        "discover",
        path(&data),
        "--columns",
        "device,gender,accent,noise",
        "--columns",
        "bandwidth",
        "--columns",
        "snr",
        "--alpha",
        "0.95",
        "--k",
        "10",
        "--max-level",
        "3",
        "--min-support",
        "1%",
        "--format",
        "json",
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    let j: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(j["min_support"], 200);
    let first = &j["slices"][0];
    assert_eq!(first["predicates"]["device"], "car_kit");
    assert_eq!(first["predicates"]["noise"], "people");
    assert_eq!(first["size"], 880);
    assert_eq!(first["errors"], 390.0);
    assert_eq!(
        first["rule"],
        "device == \"car_kit\" and noise == \"people\""
    );
    let ci = first["ci"].as_array().unwrap();
    assert!(ci[0].as_f64().unwrap() < 390.0 / 880.0 && 390.0 / 880.0 < ci[1].as_f64().unwrap());
    // The text table names the slice.
    let o = slicewise(&["discover", path(&data), "--width", "0"]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(
        stdout(&o).contains("1. device = car_kit & noise = people"),
        "{}",
        stdout(&o)
    );
    // Bad arguments: exit 2 with the reason.
    for (args, says) in [
        (vec!["--alpha", "1.5"], "outside (0, 1]"),
        (vec!["--k", "0"], "--k"),
        (vec!["--min-support", "200%"], "not a minimum support"),
        (vec!["--min-support", "30000"], "more than the 20000 rows"),
        (vec!["--columns", "devise"], "Did you mean 'device'?"),
        (vec!["--errors", "fn:maybe"], "not a class"),
        (vec!["--errors", "human"], "needs a human-label column"),
    ] {
        let mut all = vec!["discover", path(&data)];
        all.extend(args.iter().copied());
        let o = slicewise(&all);
        assert_eq!(o.status.code(), Some(2), "{args:?}: {}", stderr(&o));
        assert!(stderr(&o).contains(says), "{args:?}: {}", stderr(&o));
    }
    // A column with a value per row is left out with a warning; a file with
    // nothing to slice on is a data error.
    let dir = tempfile::tempdir().unwrap();
    let mut text = String::from("id,label,pred,device,note\n");
    for i in 0..2000 {
        let pred = if i % 7 == 0 { "b" } else { "a" };
        let device = if i % 2 == 0 { "x" } else { "y" };
        writeln!(text, "{i},a,{pred},{device},free text {i}").unwrap();
    }
    let wide = common::write(dir.path(), "wide.csv", &text);
    let o = slicewise(&["discover", path(&wide)]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(stderr(&o).contains("left out 'note'"), "{}", stderr(&o));
    let bare = common::write(dir.path(), "bare.csv", "id,label,pred\n1,a,a\n2,a,b\n");
    let o = slicewise(&["discover", path(&bare)]);
    assert_eq!(o.status.code(), Some(3), "{}", stderr(&o));
    assert!(
        stderr(&o).contains("no categorical column"),
        "{}",
        stderr(&o)
    );
}

#[test]
fn cube_builds_a_file_the_report_reads_and_refuses_what_it_cannot_do() {
    let dir = tempfile::tempdir().unwrap();
    let data = common::copy_sample(dir.path());
    let cube = dir.path().join("cube.parquet");
    let o = slicewise(&[
        "cube",
        path(&data),
        "--by",
        "device,accent",
        "--out",
        path(&cube),
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(stderr(&o).contains("--weight n"), "{}", stderr(&o));
    let o = slicewise(&["report", path(&cube), "--format", "json", "--by", "device"]);
    let j: serde_json::Value = serde_json::from_str(&stdout(&o)).unwrap();
    assert_eq!(j["rows"], 10_000);
    assert_eq!(j["weight"]["column"], "n");
    // No file to write to, a file and --sql, a query without its columns.
    for (args, says) in [
        (vec!["cube", path(&data)], "needs --out"),
        (
            vec!["cube", "--sql", "--table", "t", path(&data)],
            "read no file",
        ),
        (
            vec!["cube", "--sql", "--table", "t"],
            "--label COL and --pred COL",
        ),
        (
            vec!["cube", path(&data), "--out", path(&data)],
            "input file",
        ),
    ] {
        let o = slicewise(&args);
        assert_eq!(o.status.code(), Some(2), "{args:?}");
        assert!(stderr(&o).contains(says), "{args:?}: {}", stderr(&o));
    }
    // A cube has no examples to pair or count one by one.
    for cmd in ["discover", "compare"] {
        let mut args = vec![cmd, path(&cube)];
        if cmd == "compare" {
            args.push(path(&data));
        }
        let o = slicewise(&args);
        assert_eq!(o.status.code(), Some(3), "{cmd}: {}", stderr(&o));
        assert!(stderr(&o).contains("weighted by"), "{cmd}: {}", stderr(&o));
    }
    // The printed query names the table and quotes for its dialect.
    let o = slicewise(&[
        "cube",
        "--sql",
        "--table",
        "lake.preds",
        "--label",
        "label",
        "--pred",
        "pred",
        "--by",
        "device",
        "--dialect",
        "postgres",
    ]);
    let sql = stdout(&o);
    assert!(
        sql.contains(r#"FROM "lake"."preds""#) && sql.contains(r#"COUNT(*) AS "n""#),
        "{sql}"
    );
}

/// One language of numbers: the same quantity is written the same way in
/// every face. A tag's expected lift (a difference of two accuracies) is in
/// points with two decimals in the text report, the Markdown and HTML
/// exports and the compare report; a group gap between slices is in points;
/// shares and rates are percentages; CSV and JSON keep raw fractions.
#[test]
fn every_face_writes_one_quantity_in_one_unit() {
    let dir = tempfile::tempdir().unwrap();
    let data = common::copy_sample(dir.path());
    std::fs::copy(
        common::sample_session(),
        dir.path().join("speech_commands.slicewise.ron"),
    )
    .unwrap();
    let o = slicewise(&["report", path(&data), "--format", "json"]);
    let j: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    let tag = &j["tags"][0];
    let lift = tag["expected_lift"].as_f64().unwrap();
    let share = tag["share_of_data"].as_f64().unwrap();
    let lift_text = format!("{:+.2} pt", lift * 100.0);
    let share_text = format!("{:.1}%", share * 100.0);
    let text = String::from_utf8(
        slicewise(&["report", path(&data), "--width", "0", "--by", "device"]).stdout,
    )
    .unwrap();
    assert!(text.contains(&lift_text), "text: {lift_text}\n{text}");
    assert!(text.contains(&share_text), "text: {share_text}");
    // The gap between groups is in points, not a percentage.
    assert!(
        text.contains("accuracy difference ") && text.contains(" pt (ratio"),
        "{text}"
    );
    assert!(
        !text.contains(&format!("{:.2}%", lift * 100.0)),
        "a lift as a percentage: {text}"
    );
    for (ext, what) in [("md", "Markdown"), ("html", "HTML")] {
        let out = dir.path().join(format!("priorities.{ext}"));
        let o = slicewise(&["export", path(&data), "--out", path(&out)]);
        assert!(o.status.success(), "{}", stderr(&o));
        let written = std::fs::read_to_string(&out).unwrap();
        assert!(
            written.contains(&lift_text),
            "{what}: {lift_text}\n{written}"
        );
        assert!(written.contains(&share_text), "{what}: {share_text}");
    }
    // CSV keeps the raw fraction.
    let out = dir.path().join("priorities.csv");
    assert!(
        slicewise(&["export", path(&data), "--out", path(&out)])
            .status
            .success()
    );
    let csv = std::fs::read_to_string(&out).unwrap();
    assert!(csv.contains(&format!("{lift}")), "csv: {lift}\n{csv}");
    assert!(!csv.contains(" pt"));
    // The comparison writes the same expected lift the same way.
    let v2 = common::root().join("sample_data/speech_commands_v2.csv");
    let o = slicewise(&["compare", path(&data), path(&v2), "--width", "0"]);
    let compare = String::from_utf8(o.stdout).unwrap();
    assert!(
        compare.contains(&lift_text),
        "compare: {lift_text}\n{compare}"
    );
}

/// The widest line of `text`, in characters.
fn widest(text: &str) -> usize {
    text.lines().map(|l| l.chars().count()).max().unwrap_or(0)
}

#[test]
fn every_help_and_every_text_report_fits_80_columns() {
    let at_80 = |args: &[&str]| {
        Command::new(env!("CARGO_BIN_EXE_slicewise"))
            .args(args)
            .env("COLUMNS", "80")
            .output()
            .unwrap()
    };
    for command in [
        "",
        "open",
        "report",
        "export",
        "compare",
        "discover",
        "label-issues",
        "generate",
        "cube",
        "map",
        "explain",
    ] {
        let args: Vec<&str> = [command, "--help"]
            .into_iter()
            .filter(|a| !a.is_empty())
            .collect();
        let o = at_80(&args);
        assert!(o.status.success(), "{args:?}: {}", stderr(&o));
        let help = stdout(&o);
        assert!(help.contains("Usage:"), "{help}");
        assert!(widest(&help) <= 80, "{args:?} --help:\n{help}");
    }
    let sample = common::sample_csv();
    let v2 = common::root().join("sample_data/speech_commands_v2.csv");
    let (s, v) = (path(&sample), path(&v2));
    let planted = common::root().join("tests/data/map/planted.csv");
    let selection = common::root().join("tests/data/map/selection.txt");
    let (planted, selection) = (path(&planted), path(&selection));
    // explain's table fits too (a short report: six slices).
    let o = slicewise(&[
        "explain",
        planted,
        "--selection",
        selection,
        "--width",
        "80",
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(stdout(&o).contains("device = car_kit & snr = low"));
    assert!(widest(&stdout(&o)) <= 80, "{}", stdout(&o));
    for args in [
        vec![
            "report",
            s,
            "--by",
            "device",
            "--by",
            "gender,accent",
            "--positive",
            "yes",
            "--bootstrap",
            "50",
        ],
        vec!["report", s, "--all-classes"],
        vec![
            "compare",
            s,
            v,
            "--by",
            "device",
            "--by",
            "gender,accent",
            "--positive",
            "yes",
        ],
        vec!["discover", s, "--max-level", "3"],
    ] {
        let o = slicewise(&[&args[..], &["--width", "80"]].concat());
        assert!(o.status.success(), "{args:?}: {}", stderr(&o));
        let out = stdout(&o);
        assert!(out.lines().count() > 20, "{args:?} printed a report: {out}");
        assert!(widest(&out) <= 80, "{args:?} at --width 80:\n{out}");
        // Into a pipe without a width, nothing is left out.
        let whole = stdout(&slicewise(&args));
        assert!(!whole.contains("left out to fit"), "{args:?}: {whole}");
    }
    // Notes and errors on standard error wrap to $COLUMNS too.
    let o = at_80(&[
        "cube",
        "--sample-sql",
        "200",
        "--table",
        "t",
        "--label",
        "label",
        "--pred",
        "pred",
        "--by",
        "device",
    ]);
    assert!(o.status.success());
    let note = stderr(&o);
    assert!(note.lines().count() > 1 && widest(&note) <= 80, "{note}");
}

#[test]
fn one_meaning_per_flag() {
    let sample = common::sample_csv();
    let s = path(&sample);
    // discover searches --columns; --by is slicing, which discover does not do.
    let o = slicewise(&[
        "discover",
        s,
        "--columns",
        "device,gender",
        "--format",
        "json",
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    let j: Value = serde_json::from_slice(&o.stdout).unwrap();
    for slice in j["slices"].as_array().unwrap() {
        for column in slice["predicates"].as_object().unwrap().keys() {
            assert!(["device", "gender"].contains(&column.as_str()), "{slice}");
        }
    }
    assert_eq!(
        slicewise(&["discover", s, "--by", "device"]).status.code(),
        Some(2)
    );
    // compare's level is --significance; --alpha is SliceLine's alone.
    let v2 = common::root().join("sample_data/speech_commands_v2.csv");
    let o = slicewise(&[
        "compare",
        s,
        path(&v2),
        "--significance",
        "0.01",
        "--format",
        "json",
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    let j: Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(j["alpha"], 0.01);
    assert_eq!(
        slicewise(&["compare", s, path(&v2), "--alpha", "0.01"])
            .status
            .code(),
        Some(2)
    );
    // generate's part format is --part-format.
    let dir = tempfile::tempdir().unwrap();
    let parts = dir.path().join("parts");
    let o = slicewise(&[
        "generate",
        "--rows",
        "100",
        "--parts",
        "2",
        "--part-format",
        "csv",
        "--out",
        path(&parts),
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(parts.join("part-00001.csv").exists());
}
