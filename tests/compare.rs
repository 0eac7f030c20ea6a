//! Comparing two runs on the same examples: the join by id, relabelled and
//! unshared examples, the paired change overall, per class and per slice.

#![allow(clippy::unwrap_used, clippy::expect_used)] // Tests fail loudly on purpose.

mod common;

use slicewise::core::compare::{CompareError, LabelsFrom, join, overall, slice_changes};
use slicewise::core::paired::{PairedTable, holm};
use slicewise::core::slices::SliceKey;

const BEFORE: &str = "id,label,pred,device\n\
a,cat,cat,phone\n\
b,cat,dog,phone\n\
c,dog,dog,phone\n\
d,dog,cat,laptop\n\
e,cat,cat,laptop\n\
f,dog,dog,laptop\n\
g,cat,dog,laptop\n\
only_before,cat,cat,phone\n";

// Other order; 'g' relabelled dog; 'b' and 'd' fixed, 'e' broken.
const AFTER: &str = "id,label,pred\n\
g,dog,dog\n\
f,dog,dog\n\
e,cat,dog\n\
d,dog,dog\n\
c,dog,dog\n\
b,cat,cat\n\
a,cat,cat\n\
only_after,dog,cat\n";

#[test]
fn runs_join_by_id_in_any_order_and_count_what_is_not_shared() {
    let dir = tempfile::tempdir().unwrap();
    let before = common::load(&common::write(dir.path(), "before.csv", BEFORE));
    let after = common::load(&common::write(dir.path(), "after.csv", AFTER));
    let j = join(&before, &after, LabelsFrom::After).unwrap();
    assert!(!j.by_position);
    let r = &j.rows;
    assert_eq!((r.before, r.after, r.matched), (8, 8, 7));
    assert_eq!((r.only_before, r.only_after, r.label_changed), (1, 1, 1));
    // On the after labels, 'g' (pred dog before and after) was right twice.
    let o = overall(&j);
    let t = o.accuracy.table;
    assert_eq!(
        t,
        PairedTable {
            both: 4,   // a, c, f, g
            broken: 1, // e
            fixed: 2,  // b, d
            neither: 0,
        }
    );
    assert!((o.accuracy.delta.unwrap() - 1.0 / 7.0).abs() < 1e-15);
    assert!(
        (o.accuracy.p_value - 1.0).abs() < 1e-15,
        "2 vs 1 discordant"
    );
    assert_eq!(
        o.flips_by_class,
        [("cat".to_string(), 1, 1), ("dog".to_string(), 1, 0)]
    );
    // On the before labels 'g' was wrong both times.
    let j = join(&before, &after, LabelsFrom::Before).unwrap();
    assert_eq!(overall(&j).accuracy.table.neither, 1);
}

#[test]
fn slice_groups_change_with_holm_adjusted_p_values() {
    let dir = tempfile::tempdir().unwrap();
    let before = common::load(&common::write(dir.path(), "before.csv", BEFORE));
    let after = common::load(&common::write(dir.path(), "after.csv", AFTER));
    let j = join(&before, &after, LabelsFrom::After).unwrap();
    let key = SliceKey::new(&before, &["device".to_string()]).unwrap();
    let groups = slice_changes(&j, &key, 0.05, None);
    let names: Vec<&str> = groups.iter().map(|g| g.value.as_str()).collect();
    assert_eq!(names, ["laptop", "phone"]);
    // laptop: d fixed, e broken, f and g right; phone: b fixed, a and c right.
    assert_eq!(
        groups[0].change.table,
        PairedTable {
            both: 2,
            broken: 1,
            fixed: 1,
            neither: 0
        }
    );
    assert_eq!(
        groups[1].change.table,
        PairedTable {
            both: 2,
            broken: 0,
            fixed: 1,
            neither: 0
        }
    );
    let p: Vec<f64> = groups.iter().map(|g| g.change.p_value).collect();
    let adjusted = holm(&p);
    for (g, a) in groups.iter().zip(adjusted) {
        assert!((g.p_adjusted - a).abs() < 1e-15);
        assert!(!g.regressed);
    }
}

#[test]
fn runs_that_share_nothing_or_cannot_be_paired_say_so() {
    let dir = tempfile::tempdir().unwrap();
    let before = common::load(&common::write(dir.path(), "before.csv", BEFORE));
    let other = common::load(&common::write(
        dir.path(),
        "other.csv",
        "id,label,pred\nx1,cat,cat\nx2,dog,cat\n",
    ));
    let e = join(&before, &other, LabelsFrom::After).unwrap_err();
    assert!(matches!(e, CompareError::NoOverlap { .. }));
    let text = e.to_string();
    assert!(
        text.contains("a, b, c") && text.contains("x1, x2"),
        "{text}"
    );
    let no_ids = |name: &str, rows: usize| {
        let mut t = String::from("label,pred\n");
        for i in 0..rows {
            t.push_str(if i % 2 == 0 { "cat,cat\n" } else { "dog,cat\n" });
        }
        common::load(&common::write(dir.path(), name, &t))
    };
    let e = join(
        &no_ids("n3.csv", 3),
        &no_ids("n4.csv", 4),
        LabelsFrom::After,
    )
    .unwrap_err();
    assert!(
        matches!(
            e,
            CompareError::NoIds {
                before: 3,
                after: 4
            }
        ),
        "{e}"
    );
    // Same row count without ids: paired by position.
    let j = join(
        &no_ids("m3.csv", 3),
        &no_ids("n3b.csv", 3),
        LabelsFrom::After,
    )
    .unwrap();
    assert!(j.by_position);
    assert_eq!(j.rows.matched, 3);
}

/// Two real models (`GaussianNB` → `LogisticRegression` on scikit-learn's
/// digits), against sklearn and statsmodels
/// (`tests/reference/make_compare_reference.py`).
#[test]
fn two_real_models_compare_as_sklearn_and_statsmodels_say() {
    use slicewise::core::compare::CompareReport;
    let root = common::root();
    let text =
        std::fs::read_to_string(root.join("tests/reference/compare_reference.json")).unwrap();
    let r: serde_json::Value = serde_json::from_str(&text).unwrap();
    let before = common::load(&root.join("tests/data/compare/digits_before.csv"));
    let after = common::load(&root.join("tests/data/compare/digits_after.csv"));
    let report = CompareReport::build(
        &before,
        None,
        &after,
        LabelsFrom::After,
        &[vec!["ink".to_string()]],
        0.05,
        before.class_code("8"),
    )
    .unwrap();
    let check = |got: &slicewise::core::compare::Change, want: &serde_json::Value, what: &str| {
        let t = got.table;
        assert_eq!(
            [t.both, t.broken, t.fixed, t.neither],
            ["both", "broken", "fixed", "neither"].map(|k| want[k].as_u64().unwrap()),
            "{what}"
        );
        let p = want["p_value"].as_f64().unwrap();
        assert!(
            (got.p_value - p).abs() <= 1e-9 * p.max(1e-300),
            "{what}: {} vs {p}",
            got.p_value
        );
        let ci = got.delta_ci.unwrap();
        assert!(
            (ci.lo - want["delta_ci"][0].as_f64().unwrap()).abs() < 1e-9,
            "{what}"
        );
        assert!(
            (ci.hi - want["delta_ci"][1].as_f64().unwrap()).abs() < 1e-9,
            "{what}"
        );
    };
    check(&report.overall.accuracy, &r["overall"], "overall");
    let (column, groups) = &report.slices[0];
    assert_eq!(column, "ink");
    for g in groups {
        let want = &r["ink"][g.value.as_str()];
        check(&g.change, want, &g.value);
        assert!(
            (g.p_adjusted - want["p_adjusted"].as_f64().unwrap()).abs()
                < 1e-9 * g.p_adjusted.max(1e-300)
        );
        // With 8 positive: TPR and FPR per group (sklearn's rates, the
        // paired tables of "predicted 8", statsmodels' McNemar and Holm).
        assert_eq!(
            report.positive.as_deref(),
            Some(r["positive"].as_str().unwrap())
        );
        for (name, rate) in [("tpr", g.tpr.as_ref()), ("fpr", g.fpr.as_ref())] {
            let rate = rate.unwrap();
            let want = &r["rates"][name][g.value.as_str()];
            let what = format!("{name} {}", g.value);
            check(&rate.change, want, &what);
            for (got, key) in [(rate.change.before, "before"), (rate.change.after, "after")] {
                assert!(
                    (got.unwrap() - want[key].as_f64().unwrap()).abs() < 1e-12,
                    "{what} {key}"
                );
            }
            let p = want["p_adjusted"].as_f64().unwrap();
            assert!(
                (rate.p_adjusted - p).abs() <= 1e-9 * p.max(1e-300),
                "{what}"
            );
        }
    }
    // FPR of the heavy group fell from 7.9% to 0%: better, not a regression.
    let heavy = groups.iter().find(|g| g.value == "heavy").unwrap();
    assert!(!heavy.fpr.as_ref().unwrap().regressed);
    let classes: Vec<&str> = r["classes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c.as_str().unwrap())
        .collect();
    let names: Vec<&str> = report.per_class.iter().map(|c| c.class.as_str()).collect();
    assert_eq!(names, classes);
    for run in r["per_class"].as_array().unwrap() {
        for (i, c) in report.per_class.iter().enumerate() {
            let prf = if run["run"] == "before" {
                c.before
            } else {
                c.after
            };
            for (got, key) in [
                (prf.precision, "precision"),
                (prf.recall, "recall"),
                (prf.f1, "f1"),
            ] {
                let want = run[key][i].as_f64();
                match (got, want) {
                    (Some(g), Some(w)) => {
                        assert!((g - w).abs() < 1e-12, "{} {key} {}", run["run"], c.class);
                    }
                    (None, None) => {}
                    other => panic!("{} {key} {}: {other:?}", run["run"], c.class),
                }
            }
        }
    }
}

#[test]
fn another_model_seed_is_another_run_of_the_same_examples() {
    use slicewise::core::generate::{generate, generate_run};
    let a = generate(5_000, 1);
    let b = generate_run(5_000, 1, Some(9));
    assert_eq!(generate_run(5_000, 1, None).len(), a.len());
    let mut moved = 0;
    for (x, y) in a.iter().zip(&b) {
        assert_eq!(
            (
                x.number,
                x.label,
                x.device,
                x.gender,
                x.accent,
                x.condition,
                x.human
            ),
            (
                y.number,
                y.label,
                y.device,
                y.gender,
                y.accent,
                y.condition,
                y.human
            )
        );
        assert!(x.snr.to_bits() == y.snr.to_bits());
        moved += usize::from((x.pred == x.label) != (y.pred == y.label));
    }
    assert!(moved > 100, "some errors fall on other examples: {moved}");
    // The same number of errors per condition (the course table's accuracies).
    for c in 0..4 {
        let errors = |rows: &[slicewise::core::generate::Row]| {
            rows.iter()
                .filter(|r| r.condition == c && r.pred != r.label)
                .count()
        };
        assert_eq!(errors(&a), errors(&b), "condition {c}");
    }
}

#[test]
fn tags_show_the_expected_beside_the_realised_lift() {
    use slicewise::core::compare::tag_changes;
    use slicewise::core::session::TagDef;

    let dir = tempfile::tempdir().unwrap();
    let before = common::load(&common::write(dir.path(), "before.csv", BEFORE));
    let after = common::load(&common::write(dir.path(), "after.csv", AFTER));
    let state = common::with_tags(
        &before,
        [
            ("laptops", r#"device == "laptop""#),
            ("phones", r#"device == "phone""#),
        ]
        .into_iter()
        .map(|(name, rule)| TagDef {
            hlp: Some(1.0),
            ..TagDef::rule(name, "", rule)
        })
        .collect(),
    );
    let j = join(&before, &after, LabelsFrom::After).unwrap();
    let tags = tag_changes(&before, &state, &j, 0.05);
    let phones = tags.iter().find(|t| t.tag == "phones").unwrap();
    // Phones: b fixed (a, c right both times; only_before is not shared).
    assert_eq!(
        phones.change.table,
        PairedTable {
            both: 2,
            broken: 0,
            fixed: 1,
            neither: 0
        }
    );
    assert!((phones.realised_lift.unwrap() - 1.0 / 7.0).abs() < 1e-15);
    assert!(phones.exact);
    let laptops = tags.iter().find(|t| t.tag == "laptops").unwrap();
    assert_eq!(laptops.realised_lift, Some(0.0));
    assert!(
        laptops.verdict.starts_with("laptops: expected +"),
        "{}",
        laptops.verdict
    );
    assert!(
        laptops.verdict.contains("realised +0.00 pt ["),
        "{}",
        laptops.verdict
    );
}

/// 1,000 examples: the first run errs on rows 0–199; the second fixes rows
/// 0–99 and breaks rows 200–239. A manual tag "noisy" belongs on every even
/// row, but only a review sample is tagged: every 3rd error and every 7th
/// correct example.
#[test]
fn a_manual_tag_on_a_review_sample_extrapolates_its_realised_lift_with_an_interval() {
    use slicewise::core::compare::tag_changes;
    use slicewise::core::session::TagDef;
    use slicewise::core::stats::wilson;
    use slicewise::core::tags::{Annotations, Edit};
    use std::fmt::Write as _;
    let (mut before, mut after) = (
        String::from("id,label,pred\n"),
        String::from("id,label,pred\n"),
    );
    for i in 0..1000 {
        let wrong_before = i < 200;
        let wrong_after = (100..240).contains(&i);
        writeln!(before, "r{i},a,{}", if wrong_before { "b" } else { "a" }).unwrap();
        writeln!(after, "r{i},a,{}", if wrong_after { "b" } else { "a" }).unwrap();
    }
    let dir = tempfile::tempdir().unwrap();
    let before = common::load(&common::write(dir.path(), "before.csv", &before));
    let after = common::load(&common::write(dir.path(), "after.csv", &after));
    let reviewed: Vec<u32> = (0..200u32)
        .step_by(3)
        .chain((200..1000u32).step_by(7))
        .collect();
    let tagged: Vec<u32> = reviewed.iter().copied().filter(|r| r % 2 == 0).collect();
    let mut state = Annotations::new(&before);
    state
        .apply(
            &before,
            Edit::AddTag {
                index: 0,
                id: None,
                def: TagDef {
                    hlp: Some(1.0),
                    ..TagDef::manual("noisy", "#ff0000")
                },
                members: Vec::new(),
            },
        )
        .unwrap();
    let id = state.tag_by_name("noisy").unwrap().id;
    state
        .apply(
            &before,
            Edit::SetReviewed {
                rows: reviewed.clone(),
                reviewed: true,
            },
        )
        .unwrap();
    state
        .apply(
            &before,
            Edit::SetTag {
                tag: id,
                on: true,
                rows: tagged,
            },
        )
        .unwrap();
    let j = join(&before, &after, LabelsFrom::After).unwrap();
    let t = &tag_changes(&before, &state, &j, 0.05)[0];
    assert!(!t.exact);
    // The tagged examples' own flips: fixed are multiples of 6 below 100,
    // broken are 200, 214 and 228.
    assert_eq!((t.change.table.fixed, t.change.table.broken), (17, 3));
    // 67 errors and 115 correct examples reviewed.
    let (e, k, n) = (200.0, 800.0, 1000.0);
    let expected = (e * 17.0 / 67.0 - k * 3.0 / 115.0) / n;
    assert!((t.realised_lift.unwrap() - expected).abs() < 1e-12);
    // The truth is (50 - 20) / 1000 = 3 pt, inside the interval.
    let (wf, wb) = (wilson(17, 67).unwrap(), wilson(3, 115).unwrap());
    let ci = t.realised_lift_ci.unwrap();
    assert!((ci.lo - (e * wf.lo - k * wb.hi) / n).abs() < 1e-12);
    assert!((ci.hi - (e * wf.hi - k * wb.lo) / n).abs() < 1e-12);
    assert!(ci.lo < 0.03 && 0.03 < ci.hi, "{ci:?}");
    assert!(
        t.verdict.contains("extrapolated from a review sample"),
        "{}",
        t.verdict
    );

    // Without reviewed correct examples the broken part is unknown.
    let errors_only: Vec<u32> = reviewed.iter().copied().filter(|&r| r >= 200).collect();
    state
        .apply(
            &before,
            Edit::SetReviewed {
                rows: errors_only,
                reviewed: false,
            },
        )
        .unwrap();
    let t = &tag_changes(&before, &state, &j, 0.05)[0];
    assert_eq!(t.realised_lift, None);
    // 200 × 17/67 fixed of 1,000: at most +5.07 pt.
    assert!(t.verdict.contains("at most +5.07 pt"), "{}", t.verdict);
}
