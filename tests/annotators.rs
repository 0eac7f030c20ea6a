//! Agreement among annotators against the `krippendorff` package and the
//! reference script's annotator accuracies
//! (`tests/reference/make_annotators_reference.py`), from one column per
//! annotator and from vote counts per class, on generated data and on real
//! ratings (Fleiss 1971: 30 patients, six psychiatrists each).

#![allow(clippy::unwrap_used, clippy::expect_used)] // Tests fail loudly on purpose.

mod common;

use serde_json::Value;
use slicewise::core::annotators::{Source, agreement, detect, per_annotator};

fn close(a: Option<f64>, b: &Value, what: &str) {
    let (a, b) = (a.unwrap(), b.as_f64().unwrap());
    assert!((a - b).abs() <= 1e-9, "{what}: {a} vs {b}");
}

fn check(got: &slicewise::core::annotators::Agreement, want: &Value, what: &str) {
    close(got.alpha, &want["alpha"], &format!("{what} alpha"));
    close(got.accuracy, &want["accuracy"], &format!("{what} accuracy"));
    close(
        got.mean_agreement,
        &want["mean_agreement"],
        &format!("{what} mean agreement"),
    );
    for (key, value) in [
        ("rows", got.rows),
        ("pairable", got.pairable),
        ("votes", got.votes),
        ("majority_agrees", got.majority_agrees),
        ("ties", got.ties),
    ] {
        assert_eq!(value, want[key].as_u64().unwrap(), "{what} {key}");
    }
    // The point estimate lies in its bootstrap interval.
    let ci = got.alpha_ci.unwrap();
    assert!(
        ci.lo <= got.alpha.unwrap() && got.alpha.unwrap() <= ci.hi,
        "{what}: {ci:?}"
    );
}

#[test]
fn alpha_and_annotator_accuracy_equal_the_reference_for_both_shapes() {
    let text =
        std::fs::read_to_string(common::root().join("tests/reference/annotators_reference.json"))
            .unwrap();
    let cases: Value = serde_json::from_str(&text).unwrap();
    for case in cases.as_array().unwrap() {
        let file = case["file"].as_str().unwrap();
        let ds = common::load(&common::root().join(file));
        let votes = detect(&ds).unwrap().expect("votes found");
        assert!(votes.warnings.is_empty(), "{:?}", votes.warnings);
        let all: Vec<usize> = (0..ds.rows()).collect();
        check(
            &agreement(&votes, &ds.label, &all, 200, 1),
            &case["overall"],
            file,
        );
        for (class, want) in case["per_class"].as_object().unwrap() {
            let code = ds.class_code(class).unwrap();
            let rows: Vec<usize> = all
                .iter()
                .copied()
                .filter(|&r| ds.label[r] == code)
                .collect();
            check(
                &agreement(&votes, &ds.label, &rows, 200, 1),
                want,
                &format!("{file} {class}"),
            );
        }
        let batches = case["per_batch"].as_object();
        for (b, want) in batches.into_iter().flatten() {
            let batch = ds.column("batch").unwrap();
            let rows: Vec<usize> = all
                .iter()
                .copied()
                .filter(|&r| batch.display(r) == b.as_str())
                .collect();
            check(
                &agreement(&votes, &ds.label, &rows, 200, 1),
                want,
                &format!("{file} {b}"),
            );
        }
        match &votes.source {
            Source::Annotators(columns) => {
                let wanted = case["annotators"].as_array().unwrap();
                assert_eq!(columns.len(), wanted.len());
                let got = per_annotator(&votes, &ds.label);
                for (a, want) in got.iter().zip(wanted) {
                    assert_eq!(a.name, want["name"].as_str().unwrap());
                    assert_eq!(a.labelled, want["labelled"].as_u64().unwrap());
                    close(a.accuracy, &want["accuracy"], &a.name);
                    close(a.agreement, &want["agreement"], &a.name);
                }
                // The most accurate annotator is found the most accurate:
                // the generated one made so, the real rater 3 (28 of 30).
                let best = got
                    .iter()
                    .max_by(|x, y| x.accuracy.partial_cmp(&y.accuracy).unwrap());
                let want = if file.contains("fleiss") {
                    "rater3"
                } else {
                    "ann"
                };
                assert_eq!(best.unwrap().name, want);
            }
            Source::Votes(columns) => assert_eq!(columns.len(), 4),
        }
    }
}

#[test]
fn a_vote_count_that_is_not_a_count_is_refused_with_its_column_and_row() {
    let dir = tempfile::tempdir().unwrap();
    let path = common::write(
        dir.path(),
        "v.csv",
        "id,label,pred,votes_a,votes_b\n1,a,a,2,0\n2,b,a,1.5,1\n3,b,b,0,3\n",
    );
    let ds = common::load(&path);
    let err = detect(&ds).unwrap_err().to_string();
    assert!(
        err.contains("votes_a") && err.contains("row 1") && err.contains("1.5"),
        "{err}"
    );
    // Without vote columns there is nothing to say.
    let ds = common::load(&common::sample_csv());
    assert!(detect(&ds).unwrap().is_none());
}

#[test]
fn the_report_prints_and_writes_the_agreement() {
    let text =
        std::fs::read_to_string(common::root().join("tests/reference/annotators_reference.json"))
            .unwrap();
    let cases: Value = serde_json::from_str(&text).unwrap();
    for case in cases.as_array().unwrap() {
        let file = common::root().join(case["file"].as_str().unwrap());
        let run = |args: &[&str]| {
            std::process::Command::new(env!("CARGO_BIN_EXE_slicewise"))
                .arg("report")
                .arg(&file)
                .args(args)
                .env_remove("COLUMNS")
                .output()
                .unwrap()
        };
        // --by reads only the columns it needs, and the vote columns.
        let by: &[&str] = if case.get("per_batch").is_some() {
            &["--by", "batch"]
        } else {
            &[]
        };
        let o = run(&[by, &["--format", "json"]].concat());
        assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
        let j: Value = serde_json::from_slice(&o.stdout).unwrap();
        let a = &j["annotators"];
        close(
            a["overall"]["alpha"].as_f64(),
            &case["overall"]["alpha"],
            "report alpha",
        );
        close(
            a["overall"]["accuracy"].as_f64(),
            &case["overall"]["accuracy"],
            "report accuracy",
        );
        if !by.is_empty() {
            assert_eq!(a["slices"][0]["slice"], "batch");
        }
        assert_eq!(
            a["per_class"].as_array().unwrap().len(),
            case["per_class"].as_object().unwrap().len()
        );
        let o = run(&[by, &["--width", "80"]].concat());
        let out = String::from_utf8_lossy(&o.stdout);
        assert!(out.contains("== Agreement among annotators =="), "{out}");
        // Without --by the report offers the columns to slice by: the
        // batch, not the annotators' labels or the vote counts.
        if !by.is_empty() {
            let o = run(&["--width", "200"]);
            let out = String::from_utf8_lossy(&o.stdout);
            let offer = out.lines().find(|l| l.starts_with("No slices")).unwrap();
            assert!(offer.ends_with("(slice columns: batch)."), "{offer}");
        }
        assert!(out.lines().all(|l| l.chars().count() <= 80), "{out}");
    }
}

#[test]
fn without_a_human_column_the_annotators_give_each_tag_its_hlp() {
    use slicewise::core::priority::{HlpSource, prioritise};
    use slicewise::core::session::TagDef;
    let ds = common::load(&common::root().join("tests/data/annotators_votes.csv"));
    assert!(
        ds.human.is_none() && ds.has_human(),
        "the votes are the human labels"
    );
    let state = common::with_tags(&ds, vec![TagDef::rule("batch one", "", "batch == \"b1\"")]);
    let row = prioritise(&ds, &state).into_iter().next().unwrap();
    assert_eq!(row.hlp_source, Some(HlpSource::Annotators));
    // As from a human column: the share of votes equal to the given label
    // among the tag's errors and among its correct examples, weighted by
    // how many examples each holds.
    let batch = ds.column("batch").unwrap();
    let votes = detect(&ds).unwrap().unwrap();
    let (mut sums, mut rows) = ([[0.0_f64; 2]; 2], [0.0_f64; 2]);
    for r in (0..ds.rows()).filter(|&r| batch.display(r) == "b1") {
        let s = usize::from(ds.is_error(r));
        rows[s] += 1.0;
        for (c, counts) in votes.counts.iter().enumerate() {
            sums[s][0] += f64::from(counts[r]);
            if ds.label[r] as usize == c {
                sums[s][1] += f64::from(counts[r]);
            }
        }
    }
    let share = |s: usize| sums[s][1] / sums[s][0];
    let want = (rows[0] * share(0) + rows[1] * share(1)) / (rows[0] + rows[1]);
    close(row.hlp, &serde_json::json!(want), "HLP of batch b1");
    // And the table says where it comes from.
    let text = slicewise::core::render::tags_table(&[row], false).to_text();
    assert!(text.contains("(annotators)"), "{text}");
}

#[test]
fn flags_name_other_prefixes_or_turn_detection_off() {
    let dir = tempfile::tempdir().unwrap();
    let text = std::fs::read_to_string(common::root().join("tests/data/annotators_columns.csv"))
        .unwrap()
        .replace("annotator_", "rater_");
    let raters = common::write(dir.path(), "raters.csv", &text);
    let run = |file: &std::path::Path, args: &[&str]| -> Value {
        let o = std::process::Command::new(env!("CARGO_BIN_EXE_slicewise"))
            .arg("report")
            .arg(file)
            .args(args)
            .args(["--format", "json"])
            .output()
            .unwrap();
        assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
        serde_json::from_slice(&o.stdout).unwrap()
    };
    assert!(
        run(&raters, &[])["annotators"].is_null(),
        "rater_ is no default"
    );
    let j = run(&raters, &["--annotator-prefix", "rater_"]);
    let alpha = j["annotators"]["overall"]["alpha"].as_f64().unwrap();
    assert!((alpha - 0.611_890_747_240_402_3).abs() < 1e-9, "{alpha}");
    let votes = common::root().join("tests/data/annotators_votes.csv");
    assert!(run(&votes, &["--votes-prefix", ""])["annotators"].is_null());
}
