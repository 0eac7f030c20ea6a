//! Weighted rows against scikit-learn / fairlearn / statsmodels with
//! `sample_weight` (`tests/reference/make_weighted_reference.py` wrote the
//! values), to 1e-9, on two real models with fractional weights; and a
//! count cube's report equal to its raw rows' report.

#![allow(clippy::unwrap_used, clippy::expect_used)] // Tests fail loudly on purpose.

mod common;

use serde_json::Value;
use slicewise::core::load::{self, LoadOptions};
use slicewise::core::render;
use slicewise::core::report::{self, ReportOptions};
use slicewise::core::session::TagDef;

const TOLERANCE: f64 = 1e-9;

fn reference() -> Value {
    serde_json::from_str(include_str!("reference/weighted_reference.json")).unwrap()
}

fn assert_close(actual: &Value, expected: &Value, ctx: &str) {
    common::assert_json_close(actual, expected, ctx, TOLERANCE);
}

fn report(file: &str, by: &[&str], positive: Option<&str>, rule_tag: Option<&str>) -> Value {
    let path = common::root().join("tests/data/weights").join(file);
    let ds = load::load(&path, &LoadOptions::default()).unwrap();
    assert_eq!(
        ds.weights
            .as_ref()
            .map(|w| (w.column.as_str(), w.fractional)),
        Some(("weight", true)),
        "the weight column is found by its name and its weights are fractional"
    );
    assert!(
        ds.warnings.iter().any(|w| w.contains("found by its name")),
        "a detected weight column is announced: {:?}",
        ds.warnings
    );
    let state = common::with_tags(
        &ds,
        rule_tag
            .map(|rule| TagDef::rule("tag", "", rule))
            .into_iter()
            .collect(),
    );
    let opts = ReportOptions {
        by: by.iter().map(|c| vec![(*c).to_string()]).collect(),
        positive: positive.map(ToString::to_string),
        ..ReportOptions::default()
    };
    let r = report::build(&ds, &state, &opts).unwrap();
    render::report_json(&r)
}

fn check_overall(actual: &Value, expected: &Value, name: &str) {
    for key in [
        "rows",
        "errors",
        "classes",
        "accuracy",
        "accuracy_ci",
        "balanced_accuracy",
        "per_class",
        "averages",
        "confusion",
    ] {
        assert_close(&actual[key], &expected[key], &format!("{name}.{key}"));
    }
}

/// The non-empty bins of a weighted calibration.
fn check_calibration(actual: &Value, expected: &Value, name: &str) {
    let bins = actual["reliability"].as_array().unwrap();
    let counts: Vec<Value> = bins.iter().map(|b| b["count"].clone()).collect();
    assert_close(
        &Value::from(counts),
        &expected["counts"],
        &format!("{name} counts"),
    );
    let filled: Vec<&Value> = bins
        .iter()
        .filter(|b| b["count"].as_f64() > Some(0.0))
        .collect();
    for (i, b) in filled.iter().enumerate() {
        assert_close(
            &b["accuracy"],
            &expected["accuracy"][i],
            &format!("{name} bin {i}"),
        );
        assert_close(
            &b["confidence"],
            &expected["confidence"][i],
            &format!("{name} bin {i}"),
        );
    }
    for key in ["ece", "mce", "brier"] {
        assert_close(&actual[key], &expected[key], &format!("{name} {key}"));
    }
}

#[test]
fn weighted_binary_metrics_match_sklearn_and_fairlearn_with_sample_weight() {
    let r = reference();
    let expected = &r["cancer"];
    let actual = report(
        "cancer_weighted.csv",
        &["size"],
        Some("1"),
        Some(r#"size == "large""#),
    );
    check_overall(&actual, expected, "cancer");
    assert_close(&actual["positive"], &expected["positive"], "positive");
    assert_close(&actual["scores"], &expected["scores"], "scores");

    let slice = &actual["slices"][0];
    for g in expected["slice"]["groups"].as_array().unwrap() {
        let got = slice["groups"]
            .as_array()
            .unwrap()
            .iter()
            .find(|x| x["values"] == g["values"])
            .unwrap_or_else(|| panic!("no group {}", g["values"]));
        assert_close(got, g, &format!("size {}", g["values"]));
    }
    assert_close(
        &slice["disparity"],
        &expected["slice"]["disparity"],
        "size disparity",
    );
    check_calibration(
        &actual["calibration"],
        &expected["calibration"],
        "cancer calibration",
    );
    assert_close(
        &actual["tags"][0],
        &expected["tag_large"],
        "rule tag size == large",
    );
}

#[test]
fn weighted_probabilities_match_sklearn_with_sample_weight() {
    let r = reference();
    let expected = &r["digits"];
    let actual = report("digits_weighted.csv", &["ink"], None, None);
    check_overall(&actual, expected, "digits");
    assert_close(
        &actual["probabilities"],
        &expected["probabilities"],
        "probabilities",
    );
    check_calibration(
        &actual["calibration"],
        &expected["calibration"],
        "digits calibration",
    );
    for g in actual["slices"][0]["groups"].as_array().unwrap() {
        let name = g["values"][0].as_str().unwrap();
        assert_close(
            &g["accuracy"],
            &expected["slice_accuracy"][name],
            &format!("ink {name}"),
        );
    }
}

#[test]
fn negative_missing_and_nan_weights_are_refused_by_row() {
    let dir = tempfile::tempdir().unwrap();
    for (body, what, rows) in [
        (
            "id,label,pred,weight\n1,a,a,1\n2,a,b,-2\n3,b,b,0.5\n4,b,a,-1\n",
            "2 negative",
            "2, 4",
        ),
        (
            "id,label,pred,weight\n1,a,a,1\n2,a,b,\n3,b,b,0.5\n",
            "1 missing",
            "2",
        ),
        (
            "id,label,pred,weight\n1,a,a,NaN\n2,a,b,1\n",
            "1 not-a-number",
            "1",
        ),
    ] {
        let path = common::write(dir.path(), "w.csv", body);
        let err = load::load(&path, &LoadOptions::default())
            .unwrap_err()
            .to_string();
        assert!(
            err.contains("weight column 'weight'") && err.contains(what) && err.contains(rows),
            "{err}"
        );
    }
    // --weight "" reads the same file unweighted.
    let path = common::write(dir.path(), "w.csv", "id,label,pred,weight\n1,a,a,-1\n");
    let ds = load::load(
        &path,
        &LoadOptions {
            weight: slicewise::core::load::RoleChoice::None,
            ..LoadOptions::default()
        },
    )
    .unwrap();
    assert!(ds.weights.is_none());
}

/// Rows of unit weight are tallied in integers (the confusion matrix, human
/// agreement, each slice's groups by kind of row), weighted rows summed
/// weight by weight: a weight column of ones must give every number the
/// unweighted report gives, at the model's decisions and at a threshold
/// (rows without a score left out), with human labels missing, agreeing
/// and disagreeing, and for an intersection of columns.
#[test]
fn a_weight_column_of_ones_changes_no_number() {
    use std::fmt::Write as _;
    let dir = tempfile::tempdir().unwrap();
    let mut state: u64 = 0x2545_F491_4F6C_DD1D;
    let mut next = move || {
        state ^= state >> 12;
        state ^= state << 25;
        state ^= state >> 27;
        state.wrapping_mul(0x9E37_79B9_7F4A_7C15) >> 11
    };
    let mut csv = String::from("label,pred,score,human,device,region,weight\n");
    for _ in 0..5000 {
        let r = next();
        let label = if r % 3 == 0 { "pos" } else { "neg" };
        let pred = if (r >> 8) % 5 == 0 { "pos" } else { label };
        let score = if (r >> 12) % 50 == 0 {
            String::new()
        } else {
            format!("{}", ((r >> 16) % 1000) as f64 / 1000.0)
        };
        let human = match (r >> 26) % 4 {
            0 => "",
            1 => {
                if label == "pos" {
                    "neg"
                } else {
                    "pos"
                }
            }
            _ => label,
        };
        let device = ["phone", "laptop", "car"][usize::try_from((r >> 30) % 3).unwrap()];
        let region = ["north", "south"][usize::try_from((r >> 34) % 2).unwrap()];
        writeln!(csv, "{label},{pred},{score},{human},{device},{region},1").unwrap();
    }
    let path = common::write(dir.path(), "ones.csv", &csv);
    let weighted = load::load(&path, &LoadOptions::default()).unwrap();
    assert!(weighted.weights.is_some(), "the weight column is read");
    let plain = load::load(
        &path,
        &LoadOptions {
            weight: load::RoleChoice::None,
            ..LoadOptions::default()
        },
    )
    .unwrap();
    assert!(plain.weights.is_none(), "--weight \"\" reads no weights");
    for threshold in [None, Some(0.4)] {
        let opts = ReportOptions {
            by: vec![
                vec!["device".to_string()],
                vec!["device".to_string(), "region".to_string()],
            ],
            positive: Some("pos".to_string()),
            score_meaning: Some(slicewise::core::thresholds::ScoreMeaning::Positive),
            threshold,
            ..ReportOptions::default()
        };
        let numbers = |ds| {
            let r = report::build(ds, &common::with_tags(ds, Vec::new()), &opts).unwrap();
            let mut json = render::report_json(&r);
            // What says how the rows were read, not what they hold.
            for key in ["weight", "warnings", "provenance"] {
                json.as_object_mut().unwrap().remove(key);
            }
            json
        };
        let (w, p) = (numbers(&weighted), numbers(&plain));
        assert!(
            w["slices"].as_array().is_some_and(|s| s.len() == 2),
            "two slices: {w}"
        );
        assert!(
            w["human"]["accuracy"].is_number() && w.to_string().contains("human_accuracy"),
            "human labels are counted: {}",
            w["human"]
        );
        assert!(w == p, "threshold {threshold:?}: the reports differ");
    }
}
