//! Every metric against scikit-learn / fairlearn / statsmodels reference values
//! (`tests/reference/make_reference.py` wrote them), to 1e-9. The engine is
//! compared through the report's JSON, so the documented keys are checked too.

#![allow(clippy::unwrap_used, clippy::expect_used)] // Tests fail loudly on purpose.

mod common;

use std::path::{Path, PathBuf};

use serde_json::Value;
use slicewise::core::dataset::{ColumnData, Dataset, NumericGrouping};
use slicewise::core::load::{self, LoadOptions};
use slicewise::core::render;
use slicewise::core::report::{self, ReportOptions};
use slicewise::core::stats::wilson;
use slicewise::core::tags::Annotations;

const TOLERANCE: f64 = 1e-9;

fn reference() -> Value {
    serde_json::from_str(include_str!("reference/reference.json")).unwrap()
}

fn data(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/data")
        .join(name)
}

fn load(name: &str) -> Dataset {
    load::load(&data(name), &LoadOptions::default()).unwrap()
}

fn assert_close(actual: &Value, expected: &Value, ctx: &str) {
    common::assert_json_close(actual, expected, ctx, TOLERANCE);
}

fn report_json(ds: &Dataset, by: &[&[&str]], positive: Option<&str>) -> Value {
    let opts = ReportOptions {
        by: by
            .iter()
            .map(|cols| cols.iter().map(ToString::to_string).collect())
            .collect(),
        positive: positive.map(ToString::to_string),
        min_support: 30,
        ..ReportOptions::default()
    };
    let r = report::build(ds, &Annotations::new(ds), &opts).unwrap();
    render::report_json(&r)
}

fn check_overall(actual: &Value, expected: &Value, name: &str) {
    for key in [
        "rows",
        "classes",
        "accuracy",
        "accuracy_ci",
        "balanced_accuracy",
        "per_class",
        "averages",
    ] {
        assert_close(&actual[key], &expected[key], &format!("{name}.{key}"));
    }
    assert_close(
        &actual["confusion"]["matrix"],
        &expected["confusion"],
        &format!("{name}.confusion"),
    );
    assert_eq!(actual["confusion"]["labels"], expected["classes"]);
    for how in ["true", "pred", "all"] {
        assert_close(
            &actual["confusion"]["normalized"][how],
            &expected[format!("confusion_{how}").as_str()],
            &format!("{name}.confusion normalised by {how}"),
        );
    }
}

fn check_slices(actual: &Value, expected: &Value, name: &str) {
    for exp in expected.as_array().unwrap() {
        let cols = &exp["columns"];
        let got = actual
            .as_array()
            .unwrap()
            .iter()
            .find(|s| &s["columns"] == cols)
            .unwrap_or_else(|| panic!("{name}: no slice {cols}"));
        let ctx = format!("{name}.slices[{cols}]");
        let groups = got["groups"].as_array().unwrap();
        let expected_groups = exp["groups"].as_array().unwrap();
        assert_eq!(
            groups.len(),
            expected_groups.len(),
            "{ctx}: number of groups"
        );
        for g in expected_groups {
            let values = &g["values"];
            let found = groups
                .iter()
                .find(|x| &x["values"] == values)
                .unwrap_or_else(|| panic!("{ctx}: no group {values}"));
            assert_close(found, g, &format!("{ctx}[{values}]"));
        }
        // The headline is between the groups of at least 30 rows; every
        // group's disparity is kept beside it.
        assert_close(
            &got["disparity"],
            &exp["disparity_supported"],
            &format!("{ctx}.disparity"),
        );
        assert_close(
            &got["disparity_all_groups"],
            &exp["disparity"],
            &format!("{ctx}.disparity_all_groups"),
        );
    }
}

#[test]
fn binary_metrics_match_sklearn_and_fairlearn() {
    let r = reference();
    let expected = &r["binary"];
    let ds = load("binary.csv");
    let actual = report_json(&ds, &[&["sex"], &["race"], &["sex", "race"]], Some("1"));
    check_overall(&actual, expected, "binary");
    assert_close(
        &actual["positive"],
        &expected["positive"],
        "binary.positive",
    );
    check_slices(&actual["slices"], &expected["slices"], "binary");
    assert_close(
        &actual["human"]["accuracy"],
        &expected["human"]["accuracy"],
        "binary.human",
    );
    assert_close(
        &actual["human"]["per_class"],
        &expected["human"]["per_class"],
        "binary.human.per_class",
    );
}

#[test]
fn binary_labels_get_their_positive_class_automatically() {
    let ds = load("binary.csv");
    let actual = report_json(&ds, &[&["sex"]], None);
    assert_eq!(actual["positive"]["class"], "1");
    assert_eq!(actual["positive"]["automatic"], true);
    assert_close(
        &actual["positive"],
        &reference()["binary"]["positive"],
        "automatic positive",
    );
}

#[test]
fn multiclass_metrics_match_sklearn_with_undefined_values_as_null() {
    let r = reference();
    let expected = &r["multiclass"];
    let ds = load("multiclass.csv");
    assert_eq!(ds.roles.label, "y_true");
    assert_eq!(ds.roles.id.as_deref(), Some("example_id"));
    assert_eq!(ds.roles.human.as_deref(), Some("annotator"));
    let actual = report_json(&ds, &[&["region"]], Some("dog"));
    check_overall(&actual, expected, "multiclass");
    // 'bird' is predicted but never true: recall undefined; 'ferret' never predicted: precision undefined.
    let per_class = actual["per_class"].as_array().unwrap();
    assert!(
        per_class
            .iter()
            .any(|c| c["class"] == "bird" && c["recall"].is_null())
    );
    assert!(
        per_class
            .iter()
            .any(|c| c["class"] == "ferret" && c["precision"].is_null())
    );
    assert_close(
        &actual["positive"],
        &expected["positive"],
        "multiclass.positive",
    );
    check_slices(
        &actual["slices"],
        &expected["slices"].as_array().unwrap()[..1].to_vec().into(),
        "multiclass",
    );
    let without_positive = report_json(&ds, &[&["region", "device"]], None);
    check_slices(
        &without_positive["slices"],
        &expected["slices"].as_array().unwrap()[1..].to_vec().into(),
        "multiclass",
    );
    assert_close(
        &actual["human"]["per_class"],
        &expected["human"]["per_class"],
        "multiclass.human",
    );
}

#[test]
fn integer_classes_sort_numerically_like_numpy() {
    let r = reference();
    let ds = load("numeric_classes.csv");
    let actual = report_json(&ds, &[], None);
    check_overall(&actual, &r["numeric_classes"], "numeric_classes");
    assert_eq!(actual["classes"][9], "10");
}

#[test]
fn wilson_intervals_match_statsmodels() {
    for case in reference()["wilson"].as_array().unwrap() {
        let (k, n) = (case["k"].as_u64().unwrap(), case["n"].as_u64().unwrap());
        let ci = wilson(k, n).unwrap();
        assert_close(
            &serde_json::json!([ci.lo, ci.hi]),
            &case["ci"],
            &format!("wilson({k}, {n})"),
        );
    }
}

#[test]
fn two_independent_proportions_match_statsmodels() {
    use slicewise::core::stats::{Proportion, newcombe_difference, two_proportion_p};
    for case in reference()["two_proportions"].as_array().unwrap() {
        let n = |k: &str| case[k].as_u64().unwrap();
        let (a, b) = (
            Proportion::counts(n("k1"), n("n1")),
            Proportion::counts(n("k2"), n("n2")),
        );
        let ci = newcombe_difference(a, b).unwrap();
        let ctx = format!("{a:?} vs {b:?}");
        assert_close(&serde_json::json!([ci.lo, ci.hi]), &case["ci"], &ctx);
        if !case["p_value"].is_null() {
            assert_close(
                &serde_json::json!(two_proportion_p(a, b).unwrap()),
                &case["p_value"],
                &ctx,
            );
        }
    }
}

#[test]
fn numeric_slices_use_numpy_quantile_bins() {
    let r = reference();
    let ds = load("binary.csv");
    let age = ds.column("age").unwrap();
    let ColumnData::Numeric {
        grouping: NumericGrouping::Bins(edges),
        groups,
        ..
    } = &age.data
    else {
        panic!("age should be binned: {:?}", age.data)
    };
    assert_close(
        &serde_json::json!(edges),
        &r["binary"]["age_quantile_edges"],
        "age edges",
    );
    let mut counts = vec![0u64; groups.n_groups()];
    for c in groups.codes.iter() {
        counts[c as usize] += 1;
    }
    assert_close(
        &serde_json::json!(counts),
        &r["binary"]["age_bin_counts"],
        "age bin counts",
    );
    assert!(groups.labels[0].starts_with('[') && groups.labels[0].ends_with(')'));
    assert!(
        groups.labels[4].ends_with(']'),
        "the last bin is closed: {:?}",
        groups.labels
    );
}

#[test]
fn scores_match_sklearn_roc_and_precision_recall() {
    let r = reference();
    let expected = &r["binary"]["scores"];
    let ds = load("binary.csv");
    let opts = ReportOptions {
        positive: Some("1".into()),
        score_meaning: Some(slicewise::core::thresholds::ScoreMeaning::Positive),
        ..ReportOptions::default()
    };
    let report = report::build(&ds, &Annotations::new(&ds), &opts).unwrap();
    let actual = render::report_json(&report);
    assert_close(&actual["roc_auc"], &expected["roc_auc"], "roc_auc");
    assert_close(
        &actual["average_precision"],
        &expected["average_precision"],
        "average_precision",
    );
    assert_close(
        &actual["scores"]["roc"],
        &expected["roc_curve"],
        "roc_curve",
    );
    assert_close(
        &actual["scores"]["pr"],
        &expected["pr_curve"],
        "precision_recall_curve",
    );
}

#[test]
fn threshold_decisions_match_sklearn_and_fairlearn_per_slice() {
    let r = reference();
    let ds = load("binary.csv");
    for point in r["binary"]["thresholds"].as_array().unwrap() {
        let t = point["threshold"].as_f64().unwrap();
        let opts = ReportOptions {
            by: vec![vec!["sex".into()]],
            positive: Some("1".into()),
            score_meaning: Some(slicewise::core::thresholds::ScoreMeaning::Positive),
            threshold: Some(t),
            ..ReportOptions::default()
        };
        let report = report::build(&ds, &Annotations::new(&ds), &opts).unwrap();
        let j = render::report_json(&report);
        // Overall counts at the threshold, from the sweep machinery.
        let scores = slicewise::core::thresholds::positive_scores(
            &ds,
            1,
            slicewise::core::thresholds::ScoreMeaning::Positive,
        )
        .unwrap();
        let actual_pos: Vec<bool> = ds
            .label
            .iter()
            .map(|&l| l == ds.class_code("1").unwrap())
            .collect();
        let c = slicewise::core::thresholds::counts_at(&actual_pos, &scores, t);
        assert_eq!(
            (c.tp.whole(), c.fp.whole(), c.fn_.whole(), c.tn.whole()),
            (
                point["tp"].as_u64(),
                point["fp"].as_u64(),
                point["fn"].as_u64(),
                point["tn"].as_u64()
            ),
            "counts at {t}"
        );
        assert_close(
            &serde_json::json!(c.accuracy().value()),
            &point["accuracy"],
            "accuracy at t",
        );
        let slice = &j["slices"][0];
        assert_eq!(slice["threshold"], t);
        for (group, rates) in point["per_group"].as_object().unwrap() {
            let g = slice["groups"]
                .as_array()
                .unwrap()
                .iter()
                .find(|g| &g["value"] == group)
                .unwrap();
            assert_close(&g["fpr"], &rates["fpr"], &format!("fpr {group} at {t}"));
            assert_close(&g["fnr"], &rates["fnr"], &format!("fnr {group} at {t}"));
        }
    }
}

#[test]
fn watch_list_counts_and_fp_fn_match_the_confusion_matrix() {
    let r = reference();
    let expected = &r["multiclass"];
    let ds = load("multiclass.csv");
    let watch: Vec<_> = expected["watch"]
        .as_array()
        .unwrap()
        .iter()
        .map(|w| {
            slicewise::core::watch::parse_pair(&format!(
                "{}:{}",
                w["truth"].as_str().unwrap(),
                w["pred"].as_str().unwrap()
            ))
            .unwrap()
        })
        .collect();
    let opts = ReportOptions {
        watch,
        ..ReportOptions::default()
    };
    let j = render::report_json(&report::build(&ds, &Annotations::new(&ds), &opts).unwrap());
    for (got, want) in j["watch"]
        .as_array()
        .unwrap()
        .iter()
        .zip(expected["watch"].as_array().unwrap())
    {
        assert_close(got, want, "watch");
        assert_eq!(
            got["examples"].as_array().unwrap().len().min(20),
            got["count"].as_u64().unwrap().min(20) as usize
        );
    }
    for (got, want) in j["per_class"]
        .as_array()
        .unwrap()
        .iter()
        .zip(expected["fp_fn"].as_array().unwrap())
    {
        assert_eq!(got["class"], want["class"]);
        assert_eq!((&got["fp"], &got["fn"]), (&want["fp"], &want["fn"]));
    }
}

#[test]
fn human_agreement_per_slice_matches_fairlearn() {
    let r = reference();
    for (file, column, key) in [
        ("binary.csv", "sex", "human_by_sex"),
        ("multiclass.csv", "region", "human_by_region"),
    ] {
        let ds = load(file);
        let j = report_json(&ds, &[&[column]], None);
        let name = file.trim_end_matches(".csv");
        for (group, acc) in r[name][key].as_object().unwrap() {
            let g = j["slices"][0]["groups"]
                .as_array()
                .unwrap()
                .iter()
                .find(|g| &g["value"] == group)
                .unwrap();
            assert_close(
                &g["human_accuracy"],
                acc,
                &format!("{file} human accuracy in {group}"),
            );
        }
    }
}

#[test]
fn bootstrap_intervals_are_seeded_and_contain_the_estimate() {
    let ds = load("binary.csv");
    let run = |seed: u64| {
        let opts = ReportOptions {
            by: vec![vec!["race".into()], vec!["sex".into()]],
            positive: Some("1".into()),
            bootstrap: Some((400, seed)),
            ..ReportOptions::default()
        };
        render::report_json(&report::build(&ds, &Annotations::new(&ds), &opts).unwrap())
    };
    let (a, b, c) = (run(11), run(11), run(12));
    for (i, slice) in a["slices"].as_array().unwrap().iter().enumerate() {
        assert_eq!(
            slice["disparity_ci"], b["slices"][i]["disparity_ci"],
            "same seed, same intervals"
        );
        assert_ne!(
            slice["disparity_ci"], c["slices"][i]["disparity_ci"],
            "another seed, other intervals"
        );
        for (metric, point) in slice["disparity"].as_object().unwrap() {
            let ci = &slice["disparity_ci"][metric];
            let (lo, hi, p) = (
                ci[0].as_f64().unwrap(),
                ci[1].as_f64().unwrap(),
                point.as_f64().unwrap(),
            );
            assert!(lo <= p && p <= hi, "{metric}: {p} in [{lo}, {hi}]");
            assert!(
                hi - lo > 0.0 && hi - lo < 0.5,
                "{metric}: a real interval [{lo}, {hi}]"
            );
        }
    }
}

/// COMPAS by race with positive class 1 (the analysis of `ProPublica`), as its
/// counts per (race, label, prediction): `tests/data/compas_race_counts.csv`,
/// read weighted by `n`. With the real file in `../shared/realdata` the same
/// is checked on its 7,214 rows.
fn compas_files() -> Vec<std::path::PathBuf> {
    let mut files = vec![common::root().join("tests/data/compas_race_counts.csv")];
    let real = common::root().join("../shared/realdata/compas_preds.csv");
    if real.exists() {
        files.push(real);
    } else {
        eprintln!(
            "note: ../shared/realdata/compas_preds.csv is absent; checked on its counts only"
        );
    }
    files
}

#[test]
fn compas_marks_the_harm_propublica_found_whichever_the_reference() {
    for file in compas_files() {
        let ds = common::load(&file);
        for reference in [
            None,
            Some("Caucasian"),
            Some("African-American"),
            Some("Hispanic"),
        ] {
            let opts = ReportOptions {
                by: vec![vec!["race".to_string()]],
                positive: Some("1".into()),
                reference: reference.map(ToString::to_string),
                min_support: 30,
                ..ReportOptions::default()
            };
            let built = report::build(&ds, &Annotations::new(&ds), &opts).unwrap();
            let j = render::report_json(&built);
            // The HTML report marks the same groups, in the same words.
            let html = render::report_html(&built);
            let row_of = |race: &str| {
                html.split("<tr>")
                    .find(|r| r.contains(&format!(">{race}</td>")))
                    .unwrap_or_default()
                    .to_string()
            };
            assert!(row_of("African-American").contains("worse on false positive rate"));
            assert!(row_of("Caucasian").contains("worse on false negative rate"));
            let groups = j["slices"][0]["groups"].as_array().unwrap();
            let worse = |race: &str| -> Vec<String> {
                let g = groups.iter().find(|g| g["value"] == race).unwrap();
                g["disadvantaged"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .map(|m| m.as_str().unwrap().to_string())
                    .collect()
            };
            let ctx = format!("{} reference {reference:?}", file.display());
            assert!(
                worse("African-American").contains(&"fpr".to_string()),
                "{ctx}"
            );
            assert!(
                !worse("African-American").contains(&"fnr".to_string()),
                "{ctx}"
            );
            assert!(worse("Caucasian").contains(&"fnr".to_string()), "{ctx}");
            assert!(!worse("Caucasian").contains(&"fpr".to_string()), "{ctx}");
            // The 18 Native American defendants are not judged, and their
            // group does not set the headline equalized odds (57.7 pt with
            // them, 39.7 pt between the groups of at least 30).
            assert!(worse("Native American").is_empty(), "{ctx}");
            let eo = j["slices"][0]["disparity"]["equalized_odds_difference"]
                .as_f64()
                .unwrap();
            let eo_all = j["slices"][0]["disparity_all_groups"]["equalized_odds_difference"]
                .as_f64()
                .unwrap();
            assert!(
                (eo - 0.397).abs() < 0.001 && (eo_all - 0.577).abs() < 0.001,
                "{ctx}: {eo} {eo_all}"
            );
            // ProPublica's published rates.
            let fpr = groups
                .iter()
                .find(|g| g["value"] == "African-American")
                .unwrap()["fpr"]
                .as_f64()
                .unwrap();
            assert!((fpr - 0.4485).abs() < 0.0001, "{ctx}: {fpr}");
        }
    }
}

#[test]
fn the_written_json_is_the_json_tree_for_many_groups_and_odd_names() {
    use std::fmt::Write as _;
    let dir = tempfile::tempdir().unwrap();
    // 10,000 users (groups written in batches on all cores) beside two
    // devices, and score curves; the second file names the user column,
    // and a user, with the text that stands for a part of the report while
    // it is written.
    let marker = r"\u0000slicewise part 0.1";
    for odd in [false, true] {
        let column = if odd { marker } else { "user" };
        let mut text = String::new();
        for i in 0..10_000_u32 {
            let label = if i % 3 == 0 { "yes" } else { "no" };
            let pred = if i % 4 == 0 { "yes" } else { "no" };
            let user = if odd && i == 5 {
                marker.to_string()
            } else {
                format!("u{}", i % 9000)
            };
            let device = if i % 2 == 0 { "phone" } else { "laptop" };
            let score = f64::from(i % 100) / 100.0;
            writeln!(
                text,
                r#"{{"label":"{label}","pred":"{pred}","score":{score},"{column}":"{user}","device":"{device}"}}"#
            )
            .unwrap();
        }
        let path = common::write(dir.path(), &format!("users{odd}.ndjson"), &text);
        let ds = load::load(&path, &LoadOptions::default()).unwrap();
        let user = ds.columns.iter().find(|c| c.name != "device").unwrap();
        assert_eq!(user.name.contains('\u{0}'), odd);
        let opts = ReportOptions {
            by: vec![
                vec![user.name.clone()],
                vec!["device".to_string()],
                vec!["device".to_string(), user.name.clone()],
            ],
            positive: Some("yes".to_string()),
            ..ReportOptions::default()
        };
        let r = report::build(&ds, &Annotations::new(&ds), &opts).unwrap();
        assert_eq!(r.slices[0].groups.len(), 9000 + usize::from(odd));
        // The score curves are written on their own too.
        let scores = r.scores.as_ref().expect("a positive-class score");
        assert!(scores.roc.is_some() && scores.pr.is_some());
        let mut written = Vec::new();
        render::write_report_json(&r, &mut written).unwrap();
        let tree = serde_json::to_string_pretty(&render::report_json(&r)).unwrap() + "\n";
        assert!(
            String::from_utf8(written).unwrap() == tree,
            "odd names: {odd}"
        );
    }
}
