//! Score metrics against scikit-learn (`tests/reference/make_scores_reference.py`
//! writes the data and the values), and the consistency of the Thresholds
//! numbers with the confusion matrix, the Classes and the Slices views.

#![allow(clippy::unwrap_used, clippy::expect_used)] // Tests fail loudly on purpose.

mod common;

use serde_json::Value;
use slicewise::core::calibration::{self, RiskCoverage};
use slicewise::core::load::{self, LoadOptions};
use slicewise::core::metrics::Confusion;
use slicewise::core::render;
use slicewise::core::report::{self, ReportOptions};
use slicewise::core::slices::SliceAnalysis;
use slicewise::core::tags::Annotations;
use slicewise::core::thresholds::{Op, ScoreAnalysis, ScoreMeaning};

fn reference() -> Value {
    let text =
        std::fs::read_to_string(common::root().join("tests/reference/scores_reference.json"))
            .unwrap();
    serde_json::from_str(&text).unwrap()
}

fn close(a: f64, b: f64) -> bool {
    (a - b).abs() <= 1e-9
}

fn assert_close(actual: &Value, expected: &Value, what: &str) {
    let (a, e) = (actual.as_f64(), expected.as_f64());
    assert!(
        a.zip(e).is_some_and(|(a, e)| close(a, e)),
        "{what}: {actual} vs {expected}"
    );
}

fn report_json(file: &str, opts: &ReportOptions) -> Value {
    let ds = common::load(&common::root().join("tests/data").join(file));
    let r = report::build(&ds, &Annotations::new(&ds), opts).unwrap();
    render::report_json(&r)
}

/// The non-empty bins of a calibration, as sklearn's `calibration_curve` lists them.
fn check_calibration(actual: &Value, expected: &Value, what: &str) {
    let bins = actual["reliability"].as_array().unwrap();
    let counts: Vec<u64> = bins.iter().map(|b| b["count"].as_u64().unwrap()).collect();
    let want: Vec<u64> = expected["counts"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c.as_u64().unwrap())
        .collect();
    assert_eq!(counts, want, "{what} bin counts");
    let filled: Vec<&Value> = bins
        .iter()
        .filter(|b| b["count"].as_u64() > Some(0))
        .collect();
    for (i, b) in filled.iter().enumerate() {
        assert_close(
            &b["accuracy"],
            &expected["accuracy"][i],
            &format!("{what} bin {i} accuracy"),
        );
        assert_close(
            &b["confidence"],
            &expected["confidence"][i],
            &format!("{what} bin {i} confidence"),
        );
    }
    for key in ["ece", "mce", "brier"] {
        assert_close(&actual[key], &expected[key], &format!("{what} {key}"));
    }
}

#[test]
fn per_class_probabilities_match_sklearn() {
    let r = reference();
    let d = &r["digits"];
    let j = report_json(
        "digits_probs.csv",
        &ReportOptions {
            by: vec![vec!["ink".into()]],
            ..ReportOptions::default()
        },
    );
    let p = &j["probabilities"];
    assert_eq!(p["columns"]["3"], "prob_3", "found by the prob_ prefix");
    assert_eq!(p["complete"], true);
    for (i, c) in p["per_class"].as_array().unwrap().iter().enumerate() {
        assert_close(
            &c["roc_auc"],
            &d["roc_auc_per_class"][i],
            &format!("class {i} AUC"),
        );
        assert_close(
            &c["average_precision"],
            &d["average_precision_per_class"][i],
            &format!("class {i} AP"),
        );
    }
    assert_close(&p["roc_auc_ovr"]["macro"], &d["roc_auc_macro"], "macro AUC");
    assert_close(
        &p["roc_auc_ovr"]["weighted"],
        &d["roc_auc_weighted"],
        "weighted AUC",
    );
    for t in p["top_k_accuracy"].as_array().unwrap() {
        let k = t["k"].as_u64().unwrap().to_string();
        assert_close(
            &t["accuracy"],
            &d["top_k_accuracy"][&k],
            &format!("top-{k}"),
        );
    }
    assert_eq!(p["top_k_accuracy"].as_array().unwrap().len(), 3);
    assert_close(&p["log_loss"], &d["log_loss"], "log loss");
    assert_close(&p["brier"], &d["brier"], "Brier");
    assert_eq!(p["row_sum_off"], d["row_sum_off"]);
    assert_close(&j["accuracy"], &d["accuracy"], "accuracy");
    // Top-label calibration of the probability of the predicted class.
    assert_eq!(j["calibration"]["basis"], "top_label");
    check_calibration(&j["calibration"], &d["calibration"], "digits");
    // Per slice: log loss, Brier, ECE and MCE of each group.
    for g in j["slices"][0]["groups"].as_array().unwrap() {
        let name = g["value"].as_str().unwrap();
        let e = &d["per_slice"][name];
        assert_close(&g["probabilities"]["log_loss"], &e["log_loss"], name);
        assert_close(&g["probabilities"]["brier"], &e["brier"], name);
        assert_close(&g["calibration"]["ece"], &e["ece"], name);
        assert_close(&g["calibration"]["mce"], &e["mce"], name);
    }
}

#[test]
fn a_binary_probability_matches_sklearn_and_its_threshold_is_found() {
    let r = reference();
    let c = &r["cancer"];
    let j = report_json(
        "cancer_probs.csv",
        &ReportOptions {
            positive: Some("1".into()),
            ..ReportOptions::default()
        },
    );
    assert_close(&j["scores"]["roc_auc"], &c["roc_auc"], "AUC");
    assert_close(
        &j["scores"]["average_precision"],
        &c["average_precision"],
        "AP",
    );
    let m = &j["scores"]["model_threshold"];
    assert_eq!(m["op"], c["model_threshold"]["op"]);
    assert_eq!(m["disagreements"], 0);
    assert_close(&m["value"], &c["model_threshold"]["value"], "threshold");
    assert_eq!(j["calibration"]["basis"], "positive");
    check_calibration(&j["calibration"], &c["calibration"], "cancer");
    // Bins of 10: another count, the same semantics.
    let j10 = report_json(
        "cancer_probs.csv",
        &ReportOptions {
            positive: Some("1".into()),
            calibration_bins: 10,
            ..ReportOptions::default()
        },
    );
    assert_eq!(
        j10["calibration"]["reliability"].as_array().unwrap().len(),
        10
    );
}

#[test]
fn at_the_model_threshold_every_count_equals_the_confusion_matrix_and_the_slices() {
    let dir = tempfile::tempdir().unwrap();
    let path = common::write(dir.path(), "compas_like.csv", &common::compas_like());
    let ds = common::load(&path);
    let positive = ds.class_code("1").unwrap();
    let a = ScoreAnalysis::compute(&ds, positive, None).unwrap();
    assert_eq!(
        a.meaning,
        ScoreMeaning::Positive,
        "a decile score separates"
    );
    let m = a.model.unwrap();
    assert_eq!((m.value, m.op, m.disagreements), (5.0, Op::AtLeast, 0));
    // Overall: the confusion matrix.
    let confusion = Confusion::weighted(&ds.label, &ds.pred, ds.classes.len(), |r| ds.unit(r));
    assert_eq!(
        a.curve.counts(m.value, m.op),
        confusion.binary(positive as usize)
    );
    // Per group: the Slices view.
    let slices =
        SliceAnalysis::compute(&ds, &["race".to_string()], Some(positive), 0, None).unwrap();
    let curves = a
        .group_curves(&ds, &["race".to_string()], usize::MAX)
        .unwrap();
    let counts = curves.counts(m.value, m.op, None);
    for (g, c) in slices.groups.iter().zip(&counts) {
        assert_eq!(&g.counts.binary, c, "group {}", g.name());
    }
}

#[test]
fn keeping_every_row_gives_the_confusion_matrix_of_a_multi_class_model() {
    for (file, meaning) in [
        (common::sample_csv(), ScoreMeaning::Confidence),
        (
            common::root().join("tests/data/digits_probs.csv"),
            ScoreMeaning::Positive,
        ),
    ] {
        let ds = load::load(&file, &LoadOptions::default()).unwrap();
        let confusion = Confusion::weighted(&ds.label, &ds.pred, ds.classes.len(), |r| ds.unit(r));
        let per_class = confusion.per_class(&ds.classes);
        let conf = calibration::top_label_confidence(&ds, meaning).unwrap();
        for (k, class) in per_class.iter().enumerate() {
            let k32 = u32::try_from(k).unwrap();
            let rc = RiskCoverage::with_class(
                &conf,
                |i| !ds.is_error(i),
                |i| ds.unit(i),
                |i| (ds.label[i] == k32, ds.pred[i] == k32),
            );
            let lowest = *rc.thresholds.last().unwrap();
            let (kept, coverage, accuracy) = rc.at(lowest);
            assert_eq!(kept, ds.rows() as u64);
            assert_eq!(coverage, Some(1.0));
            assert!(close(
                accuracy.unwrap(),
                confusion.accuracy().value().unwrap()
            ));
            let [tp, fp, fn_] = rc.class_counts_at(lowest).map(|c| c.whole().unwrap());
            assert_eq!(
                (tp, fp, fn_),
                (
                    confusion.get(k, k).whole().unwrap(),
                    class.false_positives.whole().unwrap(),
                    class.false_negatives.whole().unwrap()
                ),
                "class {}",
                class.class
            );
        }
        // No one-vs-rest curves from a ten-class confidence; exact ones from probabilities.
        let curves = ScoreAnalysis::compute(&ds, 3, None);
        assert_eq!(curves.is_some(), ds.probas.is_some(), "{}", file.display());
    }
}

#[test]
fn a_score_outside_zero_to_one_has_no_calibration() {
    let dir = tempfile::tempdir().unwrap();
    let path = common::write(dir.path(), "compas_like.csv", &common::compas_like());
    let ds = common::load(&path);
    assert!(calibration::inputs(&ds, Some(1), ScoreMeaning::Positive).is_none());
    let scores = ds.score.clone().unwrap();
    assert!(!calibration::is_probability(&scores));
}

#[test]
fn the_thresholds_view_calibrates_each_group_as_the_report_does() {
    use slicewise::core::calibration::Binning;
    use slicewise::core::report::{ScorePanels, ScorePanelsKey};
    let ds = common::load(&common::sample_csv());
    let opts = ReportOptions {
        by: vec![vec!["device".to_string()]],
        ..ReportOptions::default()
    };
    let r = report::build(&ds, &Annotations::new(&ds), &opts).unwrap();
    let yes = ds.class_code("yes").unwrap();
    let panels = ScorePanels::compute(
        &ds,
        &ScorePanelsKey {
            class: yes,
            meaning: None,
            column: Some("device".to_string()),
            bins: calibration::DEFAULT_BINS,
            binning: Binning::Uniform,
        },
    );
    let (overall, groups) = panels.calibration.expect("the sample has scores");
    assert_eq!(overall.ece, r.calibration.as_ref().unwrap().ece);
    let slice = &r.slices[0];
    assert_eq!(groups.len(), slice.groups.len());
    for ((name, c), (g, scores)) in groups
        .iter()
        .zip(slice.groups.iter().zip(&r.slice_scores[0]))
    {
        assert_eq!(name, &g.name());
        assert_eq!(c.ece, scores.ece, "{name}");
    }
}

#[test]
fn the_thresholds_view_computes_the_first_thousand_groups_as_the_report_does() {
    use slicewise::core::calibration::Binning;
    use slicewise::core::report::{ScorePanels, ScorePanelsKey};
    use std::fmt::Write;
    // 4,500 rows of 1,500 users: the view computes the first 1,000 groups
    // of the column (a column of 865,000 took 100 s and 2.2 GB).
    let dir = tempfile::tempdir().unwrap();
    let mut csv = String::from("label,pred,score,user\n");
    for i in 0..4500_u32 {
        let label = if i % 3 == 0 { "yes" } else { "no" };
        let score = f64::from(i * 37 % 101) / 100.0;
        let pred = if score >= 0.5 { "yes" } else { "no" };
        writeln!(csv, "{label},{pred},{score},u{:04}", i % 1500).unwrap();
    }
    let ds = common::load(&common::write(dir.path(), "users.csv", &csv));
    let opts = ReportOptions {
        by: vec![vec!["user".to_string()]],
        ..ReportOptions::default()
    };
    let r = report::build(&ds, &Annotations::new(&ds), &opts).unwrap();
    let panels = |meaning| {
        ScorePanels::compute(
            &ds,
            &ScorePanelsKey {
                class: ds.class_code("yes").unwrap(),
                meaning: Some(meaning),
                column: Some("user".to_string()),
                bins: calibration::DEFAULT_BINS,
                binning: Binning::Uniform,
            },
        )
    };
    // Read as the positive class's score: curves and calibration; as the
    // confidence in the prediction: risk-coverage.
    let (panels, confidence) = (
        panels(ScoreMeaning::Positive),
        panels(ScoreMeaning::Confidence),
    );
    assert_eq!((panels.groups, confidence.groups), (1500, 1500));
    let slice = &r.slices[0];
    assert_eq!(slice.groups.len(), 1500);
    let first = &slice.groups[..ScorePanels::MAX_GROUPS];
    let (_, calibrated) = panels.calibration.as_ref().expect("scores in [0, 1]");
    let (_, covered) = confidence.coverage.as_ref().expect("a confidence");
    let (_, curves) = panels.curves.as_ref().expect("a positive-class score");
    let curves = curves.as_ref().expect("curves per user");
    assert_eq!(calibrated.len(), 1000);
    assert_eq!(covered.len(), 1000);
    assert_eq!(curves.groups.len(), 1000);
    for (i, g) in first.iter().enumerate() {
        let name = g.name();
        assert_eq!(calibrated[i].0, name);
        assert_eq!(calibrated[i].1.ece, r.slice_scores[0][i].ece, "{name}");
        assert_eq!(covered[i].0, name);
        assert_eq!(covered[i].1.rows, g.counts.n, "{name}");
        assert_eq!(curves.groups[i].join(" & "), name);
        assert_eq!(curves.sizes[i], g.counts.n, "{name}");
        // The model's decisions at its own threshold, as the report counts them.
        let at = panels.curves.as_ref().unwrap().0.model.unwrap();
        assert_eq!(
            curves.counts(at.value, at.op, None)[i],
            g.counts.binary,
            "{name}"
        );
    }
    assert_eq!(first.last().unwrap().name(), "u0999");
}
