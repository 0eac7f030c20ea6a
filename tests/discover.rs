//! Slice discovery against the `sliceline` package (reference values from
//! `tests/reference/make_discover_reference.py`), and its pruning rules.

#![allow(clippy::unwrap_used, clippy::expect_used)] // Tests fail loudly on purpose.

mod common;

use slicewise::core::discover::{
    DiscoverOptions, ErrorKind, Errors, MinSupport, discover, features,
};

fn reference() -> serde_json::Value {
    let text =
        std::fs::read_to_string(common::root().join("tests/reference/discover_reference.json"))
            .unwrap();
    serde_json::from_str(&text).unwrap()
}

/// Runs every reference case and returns (case, found) pairs compared.
#[test]
fn top_slices_equal_the_sliceline_package() {
    for case in reference().as_array().unwrap() {
        let ds = common::load(
            &common::root()
                .join("tests/data/discover")
                .join(case["data"].as_str().unwrap()),
        );
        let names: Vec<String> = case["features"]
            .as_array()
            .unwrap()
            .iter()
            .map(|f| f.as_str().unwrap().to_string())
            .collect();
        let (feats, warnings) = features(&ds, &names).unwrap();
        assert!(warnings.is_empty());
        let errors = match case["errors"].as_str().unwrap() {
            "misclassified" => ErrorKind::Misclassified.errors(&ds),
            "score" => {
                Errors::Continuous(ds.score.as_ref().unwrap().iter().map(|s| 1.0 - s).collect())
            }
            other => panic!("{other}"),
        };
        let min_support = match &case["min_support"] {
            v if v.is_u64() => MinSupport::Count(v.as_u64().unwrap()),
            v => MinSupport::Share(v.as_f64().unwrap()),
        };
        let opts = DiscoverOptions {
            alpha: case["alpha"].as_f64().unwrap(),
            k: usize::try_from(case["k"].as_u64().unwrap()).unwrap(),
            max_level: usize::try_from(case["max_level"].as_u64().unwrap()).unwrap(),
            min_support,
        };
        let what = format!("{} {:?}", case["data"], opts);
        let found = discover(&feats, &errors, ds.rows(), &opts, &|_| {}, None).unwrap();
        // The same pruning: as many candidates evaluated per level as the
        // package (dropping or loosening a rule evaluates more).
        let evaluated: Vec<u64> = found.levels[1..]
            .iter()
            .map(|l| l.evaluated as u64)
            .collect();
        let want_candidates: Vec<u64> = case["candidates"]
            .as_array()
            .unwrap()
            .iter()
            .map(|c| c.as_u64().unwrap())
            .collect();
        assert_eq!(evaluated, want_candidates, "{what}");
        let avg = case["average_error"].as_f64().unwrap();
        assert!((found.average_error - avg).abs() < 1e-12, "{what}");
        let want = case["slices"].as_array().unwrap();
        assert_eq!(
            found.slices.len(),
            want.len(),
            "{what}: {:#?}",
            found.slices
        );
        for (got, want) in found.slices.iter().zip(want) {
            let preds: std::collections::BTreeMap<String, String> = got
                .predicates
                .iter()
                .map(|&(f, v)| (feats[f].name.clone(), feats[f].values[v as usize].clone()))
                .collect();
            let want_preds = common::reference_predicates(want);
            assert_eq!(preds, want_preds, "{what}");
            let close = |a: f64, b: f64| (a - b).abs() <= 1e-9 * b.abs().max(1.0);
            assert!(
                close(got.score, want["score"].as_f64().unwrap()),
                "{what} score"
            );
            #[allow(clippy::cast_precision_loss)]
            let size = got.size as f64;
            assert!(close(size, want["size"].as_f64().unwrap()), "{what} size");
            assert!(
                close(got.errors, want["errors"].as_f64().unwrap()),
                "{what} errors"
            );
            assert!(
                close(got.max_error, want["max_error"].as_f64().unwrap()),
                "{what} max"
            );
        }
    }
}

/// `proba` errors are 1 − the probability of the true class: from per-class
/// columns, or from a probability score with two classes; a risk score that
/// is no probability is refused.
#[test]
fn probability_errors_use_the_true_class() {
    let dir = tempfile::tempdir().unwrap();
    let multi = common::load(&common::write(
        dir.path(),
        "multi.csv",
        "id,label,pred,prob_a,prob_b,prob_c,g\n1,a,a,0.7,0.2,0.1,x\n2,b,a,0.5,0.4,0.1,y\n3,c,c,0.1,0.1,0.8,x\n",
    ));
    let kind = ErrorKind::parse("proba", &multi).unwrap();
    let Errors::Continuous(e) = kind.errors(&multi) else {
        panic!("continuous errors")
    };
    let want = [0.3, 0.6, 0.2];
    for (got, want) in e.iter().zip(want) {
        assert!((got - want).abs() < 1e-12, "{e:?}");
    }
    let binary = common::load(&common::write(
        dir.path(),
        "binary.csv",
        "id,label,pred,score,g\n1,yes,yes,0.9,x\n2,no,yes,0.6,y\n3,no,no,0.2,x\n",
    ));
    let Errors::Continuous(e) = ErrorKind::parse("proba", &binary).unwrap().errors(&binary) else {
        panic!("continuous errors")
    };
    // The score is P(yes): 1 - 0.9, 1 - (1 - 0.6), 1 - (1 - 0.2).
    let want = [0.1, 0.6, 0.2];
    for (got, want) in e.iter().zip(want) {
        assert!((got - want).abs() < 1e-12, "{e:?}");
    }
    let deciles = common::load(&common::write(
        dir.path(),
        "deciles.csv",
        "id,label,pred,score,g\n1,1,1,9,x\n2,0,1,6,y\n3,0,0,2,x\n",
    ));
    let refused = ErrorKind::parse("proba", &deciles).unwrap_err();
    assert_eq!(
        refused,
        slicewise::core::discover::DiscoverError::NeedsProba
    );
    assert!(
        refused.to_string().contains("probability (0 to 1)"),
        "{refused}"
    );
}

/// Generated rows with correlated columns planted: `region` is a function
/// of `device` (every phone is in the north), `site` holds one value on
/// every row, and phones in the north err far more. SliceLine's list keeps
/// every slice it finds, but the slices shown carry no predicate that
/// narrows nothing, share no rows, and a column of one value never appears.
#[test]
fn slices_shown_are_distinct_and_say_nothing_twice() {
    use slicewise::core::discover::DiscoveryReport;
    use std::fmt::Write as _;
    let dir = tempfile::tempdir().unwrap();
    let mut text = String::from("id,label,pred,device,region,site,accent\n");
    for i in 0..6000u32 {
        let device = ["phone", "laptop", "watch"][(i % 3) as usize];
        let region = if device == "phone" {
            "north"
        } else {
            ["south", "east"][(i % 2) as usize]
        };
        let accent = ["a", "b", "c", "d"][((i / 3) % 4) as usize];
        let err = if device == "phone" {
            i % 3 == 0 && (i / 3) % 10 < 4
        } else {
            i % 29 == 0
        };
        let label = i % 2;
        let pred = if err { 1 - label } else { label };
        writeln!(text, "{i},{label},{pred},{device},{region},all,{accent}").unwrap();
    }
    let file = common::write(dir.path(), "planted.csv", &text);
    let ds = common::load(&file);
    let (feats, _) = features(&ds, &[]).unwrap();
    let errors = ErrorKind::Misclassified.errors(&ds);
    let found = discover(
        &feats,
        &errors,
        ds.rows(),
        &DiscoverOptions::default(),
        &|_| {},
        None,
    )
    .unwrap();
    let report = DiscoveryReport::new(&ds, None, &feats, &errors, &found);
    assert_eq!(
        report.slices.len(),
        found.slices.len(),
        "the JSON keeps all K"
    );
    let shown = report.shown();
    assert!(!shown.is_empty());
    let rows = |i: usize| -> Vec<usize> {
        let s = &report.slices[i];
        (0..ds.rows())
            .filter(|&r| {
                s.predicates
                    .iter()
                    .all(|(c, v)| ds.column(c).unwrap().groups().label_of_row(r) == v)
            })
            .collect()
    };
    for (k, &i) in shown.iter().enumerate() {
        let s = &report.slices[i];
        assert!(!s.description.contains("site"), "{}", s.description);
        // No predicate of the description narrows nothing.
        let preds: Vec<&str> = s.description.split(" & ").collect();
        if preds.len() > 1 {
            for skip in 0..preds.len() {
                let fewer: Vec<(String, String)> = preds
                    .iter()
                    .enumerate()
                    .filter(|&(j, _)| j != skip)
                    .map(|(_, p)| {
                        let (c, v) = p.split_once(" = ").unwrap();
                        (c.to_string(), v.to_string())
                    })
                    .collect();
                let count = (0..ds.rows())
                    .filter(|&r| {
                        fewer
                            .iter()
                            .all(|(c, v)| ds.column(c).unwrap().groups().label_of_row(r) == v)
                    })
                    .count();
                assert!(
                    count as u64 > s.size,
                    "{}: '{}' narrows nothing",
                    s.description,
                    preds[skip]
                );
            }
        }
        // No two shown slices share their rows.
        for &j in &shown[..k] {
            assert_ne!(
                rows(i),
                rows(j),
                "{} and {}",
                s.description,
                report.slices[j].description
            );
        }
    }
    // The planted slice comes first, under its shortest description, and
    // is beyond chance.
    let first = &report.slices[shown[0]];
    assert!(
        first.description == "device = phone" || first.description == "region = north",
        "{}",
        first.description
    );
    assert!(!first.could_be_chance);
    assert!(first.difference_ci.unwrap().lo > 0.0);
}

#[test]
fn columns_that_describe_the_human_label_are_not_searched_unless_named() {
    use std::fmt::Write as _;
    // As CIFAR-10H: a human label and columns about it beside the metadata.
    let dir = tempfile::tempdir().unwrap();
    let mut text =
        String::from("id,label,pred,human,human_agreement,human_n,annotator_count,superclass\n");
    for i in 0..400 {
        let label = ["cat", "dog"][i % 2];
        let pred = if i % 7 == 0 {
            ["dog", "cat"][i % 2]
        } else {
            label
        };
        let agreement = ["0.9", "1.0", "0.5"][i % 3];
        let superclass = ["animal", "vehicle"][(i / 2) % 2];
        writeln!(
            text,
            "{i},{label},{pred},{label},{agreement},{},{},{superclass}",
            50 + i % 2,
            3 + i % 2
        )
        .unwrap();
    }
    let ds = common::load(&common::write(dir.path(), "h.csv", &text));
    assert_eq!(ds.roles.human.as_deref(), Some("human"));
    for name in ["human_agreement", "human_n", "annotator_count"] {
        assert!(ds.describes_human_label(name), "{name}");
    }
    assert!(!ds.describes_human_label("superclass"));
    let defaults: Vec<&str> = ds
        .default_slice_columns()
        .map(|c| c.name.as_str())
        .collect();
    assert_eq!(defaults, ["superclass"]);
    // discover's default search leaves them out and says so; named, they are searched.
    let (feats, warnings) = features(&ds, &[]).unwrap();
    assert_eq!(feats.len(), 1);
    assert!(warnings[0].contains("'human_agreement'") && warnings[0].contains("--columns"));
    let (feats, _) = features(&ds, &["human_agreement".to_string()]).unwrap();
    assert_eq!(feats.len(), 1);
}
